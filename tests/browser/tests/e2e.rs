//! End-to-end: the release build served locally, driven in headless Chromium like a reader would.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::step_on_page::{self, PageSnapshot};
use kafkascope_browser_tests::{
    browser_log, click, click_on, data_up, devtools, dist_dir, min_scene_label_px, screenshot,
    seek, set_viewport, target_dir, text_of, wait_until, ChromeDriver, StaticServer,
};
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::scenario::LessonStep;
use kafkascope_engine::Scenario;
use serde_json::json;
use std::time::Duration;

const HELLO: &str = include_str!("../../../scenarios/hello-kafka.toml");

struct Page {
    client: Client,
    server: StaticServer,
    _driver: ChromeDriver,
}

/// Opens the release build served under `prefix` (a sub-path checks the build's relative URLs).
async fn open_page(prefix: &str) -> Page {
    let dist = dist_dir().unwrap_or_else(|e| panic!("{e}"));
    let server = StaticServer::start_at(dist, prefix)
        .await
        .expect("static server");
    let driver = ChromeDriver::start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = driver.session().await.unwrap_or_else(|e| panic!("{e}"));
    client
        .goto(&format!("{}?scenario=hello-kafka", server.url()))
        .await
        .expect("navigate");
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid='play']"))
        .await
        .unwrap_or_else(|e| {
            let requests = server.requests.lock().unwrap().clone();
            panic!("the app did not render its controls ({e}); requests: {requests:?}")
        });
    Page {
        client,
        server,
        _driver: driver,
    }
}

impl Page {
    /// Navigates to a built-in scenario, waits until its scene has rendered, and in a lesson
    /// opens the side panels (counters, events, faults) that the tests read.
    async fn open_scenario(&self, name: &str) {
        self.open_lesson_view(name).await;
        if let Ok(toggle) = self
            .client
            .find(Locator::Css(
                "[data-testid='panels-toggle'][aria-expanded='false']",
            ))
            .await
        {
            toggle.click().await.unwrap();
        }
    }

    /// Navigates to a built-in scenario and waits until its scene has rendered, as a reader
    /// first sees it.
    async fn open_lesson_view(&self, name: &str) {
        self.client
            .goto(&format!("{}?scenario={name}", self.server.url()))
            .await
            .unwrap();
        wait_until(Duration::from_secs(20), "the scene", || async {
            self.client
                .find(Locator::Css("[data-testid='timeline']"))
                .await
                .ok()
        })
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

async fn counter(client: &Client, testid: &str) -> Option<u64> {
    text_of(client, &format!("[data-testid='{testid}']"))
        .await?
        .trim()
        .parse()
        .ok()
}

/// The "what just happened" list once it mentions `needle` (within 5 s).
async fn events_containing(client: &Client, needle: &str) -> String {
    wait_until(Duration::from_secs(5), "the event list", || async {
        text_of(client, "[data-testid='events']")
            .await
            .filter(|t| t.contains(needle))
    })
    .await
    .unwrap_or_else(|e| panic!("no event mentioning `{needle}`: {e}"))
}

/// From now on, every file the page saves (a Blob given to `URL.createObjectURL`) is kept in
/// `window.__saved`, for the test to read back.
async fn catch_saved_files(client: &Client) {
    client
        .execute(
            "window.__saved = [];
             const make = URL.createObjectURL;
             URL.createObjectURL = (b) => { window.__saved.push(b); return make(b); };",
            vec![],
        )
        .await
        .unwrap();
}

async fn assert_no_console_errors(client: &Client) {
    let errors: Vec<_> = browser_log(client)
        .await
        .unwrap()
        .into_iter()
        .filter(|(level, _)| level == "SEVERE")
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playing_the_hello_scenario_consumes_every_record_the_engine_says() {
    let expected = run_scenario(&Scenario::from_toml(HELLO).unwrap(), false);
    let page = open_page("/").await;
    let c = &page.client;

    click(c, "play").await;
    // Dots in flight: screenshot the flow mid-air.
    wait_until(Duration::from_secs(20), "a message in flight", || async {
        c.find(Locator::Css("path.dot.produce-request")).await.ok()
    })
    .await
    .unwrap();
    wait_until(
        Duration::from_secs(20),
        "a fetch response in flight",
        || async { c.find(Locator::Css("path.dot.fetch-response")).await.ok() },
    )
    .await
    .unwrap();
    screenshot(c, "flow-in-flight.png").await;

    let consumed = wait_until(Duration::from_secs(90), "every record consumed", || async {
        counter(c, "consumed")
            .await
            .filter(|n| *n == expected.groups[0].consumed)
    })
    .await
    .unwrap();
    assert_eq!(consumed, 12);
    assert_eq!(counter(c, "produced").await, Some(expected.produced));
    assert_eq!(counter(c, "acked").await, Some(expected.acknowledged));
    // Playback stops by itself at the end of the run.
    wait_until(
        Duration::from_secs(30),
        "playback to reach the end",
        || async { c.find(Locator::Css("[data-testid='play']")).await.ok() },
    )
    .await
    .unwrap();
    assert_no_console_errors(c).await;

    // Every request the page made went to its own origin.
    let resources = c
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)",
            vec![],
        )
        .await
        .unwrap();
    let origin = page.server.origin();
    for r in resources.as_array().unwrap() {
        let url = r.as_str().unwrap();
        assert!(
            url.starts_with(&origin),
            "request outside the origin: {url}"
        );
    }
    assert!(!page.server.requests.lock().unwrap().is_empty());

    // Paused, the page does no work: no script runs over a second.
    devtools(c, "Performance.enable", json!({})).await.unwrap();
    let script_time = |m: serde_json::Value| {
        m["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == "ScriptDuration")
            .and_then(|x| x["value"].as_f64())
            .unwrap()
    };
    let before = script_time(
        devtools(c, "Performance.getMetrics", json!({}))
            .await
            .unwrap(),
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = script_time(
        devtools(c, "Performance.getMetrics", json!({}))
            .await
            .unwrap(),
    );
    assert!(
        after - before < 0.005,
        "paused page ran {:.1} ms of script in 1.5 s",
        (after - before) * 1000.0
    );

    // Korean, every label through the table, remembered across a reload.
    click(c, "lang").await;
    let play = text_of(c, "[data-testid='play']").await.unwrap();
    assert!(play.contains("재생"), "{play}");
    let html_lang = c
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap();
    assert_eq!(html_lang, json!("ko"));
    screenshot(c, "korean.png").await;
    c.refresh().await.unwrap();
    let play = wait_until(Duration::from_secs(20), "the reloaded page", || async {
        text_of(c, "[data-testid='play']").await
    })
    .await
    .unwrap();
    assert!(play.contains("재생"), "language not remembered: {play}");
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_slider_seeks_backward_and_forward_on_a_sub_path() {
    let page = open_page("/blog/posts/kafkascope/").await;
    let c = &page.client;
    let seek_fraction = |fraction: f64| async move {
        seek(c, &format!("Math.round(Number(s.max) * {fraction})"))
            .await
            .unwrap()
    };
    seek_fraction(1.0).await;
    wait_until(Duration::from_secs(5), "the end state", || async {
        counter(c, "consumed").await.filter(|n| *n == 12)
    })
    .await
    .unwrap();
    seek_fraction(0.0).await;
    wait_until(Duration::from_secs(5), "the start state", || async {
        counter(c, "consumed").await.filter(|n| *n == 0)
    })
    .await
    .unwrap();
    assert_eq!(
        text_of(c, "[data-testid='clock']").await.unwrap().trim(),
        "0.000 ms"
    );
    seek_fraction(0.5).await;
    let mid = wait_until(Duration::from_secs(5), "a middle state", || async {
        counter(c, "acked").await.filter(|n| *n > 0)
    })
    .await
    .unwrap();
    assert!(mid <= 12);
    // Step moves to the next event after the current time.
    let before = text_of(c, "[data-testid='clock']").await.unwrap();
    click(c, "step").await;
    let after = text_of(c, "[data-testid='clock']").await.unwrap();
    assert_ne!(before, after);
    assert_no_console_errors(c).await;
    let requests = page.server.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .all(|r| r.starts_with("/blog/posts/kafkascope/")),
        "a request escaped the sub-path: {requests:?}"
    );
    // The page fetched the one built-in scenario it opened, not the others.
    let scenarios: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("/scenarios/"))
        .collect();
    assert_eq!(
        scenarios,
        ["/blog/posts/kafkascope/scenarios/hello-kafka.json"],
        "scenario files fetched"
    );
    // That one request was the loader's (static/boot.js), made while the wasm downloaded: it
    // started before the app's code ran, and the app took its answer rather than asking again.
    let started = c
        .execute(
            "const at = (entries) => entries.length === 1 ? entries[0].startTime : null;
             return [at(performance.getEntriesByType('resource')
                        .filter(e => e.name.endsWith('/scenarios/hello-kafka.json'))),
                     at(performance.getEntriesByName('kafkascope:wasm-started'))];",
            vec![],
        )
        .await
        .unwrap();
    let (scenario, wasm) = (started[0].as_f64(), started[1].as_f64());
    assert!(
        matches!((scenario, wasm), (Some(s), Some(w)) if s < w),
        "the scenario's request started at {scenario:?} ms, the app at {wasm:?} ms"
    );
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_built_in_scenario_the_page_cannot_fetch_gets_a_message_naming_the_file() {
    // The build, less one scenario file (links to everything else), as if the request failed.
    let dist = dist_dir().unwrap_or_else(|e| panic!("{e}"));
    let site = kafkascope_browser_tests::target_dir().join("missing-scenario-site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(site.join("scenarios")).unwrap();
    for entry in std::fs::read_dir(&dist).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "scenarios" {
            std::os::unix::fs::symlink(&path, site.join(path.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir(dist.join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "two-groups.json" {
            let to = site.join("scenarios").join(path.file_name().unwrap());
            std::os::unix::fs::symlink(&path, to).unwrap();
        }
    }
    let server = StaticServer::start(site.clone())
        .await
        .expect("static server");
    let driver = ChromeDriver::start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = driver.session().await.unwrap_or_else(|e| panic!("{e}"));
    c.goto(&format!("{}?scenario=two-groups", server.url()))
        .await
        .unwrap();
    let message = scenario_error(&c).await;
    assert!(
        message.contains("scenarios/two-groups.json") && message.contains("HTTP 404"),
        "{message}"
    );
    // Another scenario still opens from the picker.
    pick_scenario(&c, "hello-kafka", "[data-node='broker-1']").await;
    // Once the file is there, opening the scenario again fetches it again, and it plays.
    std::os::unix::fs::symlink(
        dist.join("scenarios/two-groups.json"),
        site.join("scenarios/two-groups.json"),
    )
    .unwrap();
    pick_scenario(&c, "two-groups", "[data-node='consumer-2']").await;
    c.close().await.unwrap();
}

/// The error panel's text, once it shows.
async fn scenario_error(c: &Client) -> String {
    wait_until(Duration::from_secs(20), "the error panel", || async {
        text_of(c, "[data-testid='scenario-error']").await
    })
    .await
    .unwrap()
}

/// Chooses the built-in scenario `name` in the picker and waits until `shows` is on the page.
async fn pick_scenario(c: &Client, name: &str, shows: &str) {
    c.find(Locator::Css("[data-testid='scenario']"))
        .await
        .unwrap()
        .select_by_value(name)
        .await
        .unwrap();
    wait_until(
        Duration::from_secs(10),
        &format!("the {name} scene"),
        || async { c.find(Locator::Css(shows)).await.ok() },
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_message_naming_the_problem_never_a_blank_page() {
    let dist = dist_dir().unwrap_or_else(|e| panic!("{e}"));
    let server = StaticServer::start(dist).await.expect("static server");
    let driver = ChromeDriver::start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = driver.session().await.unwrap_or_else(|e| panic!("{e}"));

    // A broken link: an unknown scenario name.
    c.goto(&format!("{}?scenario=no-such-scene", server.url()))
        .await
        .unwrap();
    let message = scenario_error(&c).await;
    assert!(message.contains("no-such-scene"), "{message}");
    assert!(
        message.contains("hello-kafka"),
        "lists the choices: {message}"
    );

    // Choosing a built-in scenario recovers, and the URL names it.
    pick_scenario(&c, "two-groups", "[data-node='consumer-2']").await;
    let search = c.execute("return location.search", vec![]).await.unwrap();
    assert!(
        search
            .as_str()
            .is_some_and(|s| s.starts_with("?scenario=two-groups&session=1.")),
        "{search}"
    );

    // A malformed scenario file from disk: the message names the field.
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad-scenario.toml");
    std::fs::write(&bad, "[topic]\npartitions = -2\n").unwrap();
    let input = c
        .find(Locator::Css("[data-testid='open-file']"))
        .await
        .unwrap();
    input
        .send_keys(bad.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    let message = wait_until(Duration::from_secs(10), "the file's error", || async {
        text_of(&c, "[data-testid='scenario-error']").await
    })
    .await
    .unwrap();
    assert!(
        message.contains("bad-scenario.toml") && message.contains("partitions"),
        "{message}"
    );
    screenshot(&c, "bad-scenario-file.png").await;

    // A Connect sink that upserts without a key: refused, naming the field and the fix.
    let sink = dir.join("bad-sink.toml");
    std::fs::write(
        &sink,
        "[topic]\nname = \"results\"\n[[producers]]\nrecords = 2\nkeys = 2\n\
         [[consumers]]\n\"group.id\" = \"connect-ledger\"\n\"enable.auto.commit\" = false\n\
         [consumers.sink]\nconnector = \"ledger\"\ntable = \"ledger\"\n\"insert.mode\" = \"upsert\"\n\
         [database]\ntables = [{ name = \"ledger\", unique_key = true }]\n",
    )
    .unwrap();
    c.find(Locator::Css("[data-testid='open-file']"))
        .await
        .unwrap()
        .send_keys(sink.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    let message = wait_until(Duration::from_secs(10), "the sink's error", || async {
        text_of(&c, "[data-testid='scenario-error']")
            .await
            .filter(|m| m.contains("bad-sink.toml"))
    })
    .await
    .unwrap();
    assert!(
        message.contains("consumers[0].sink.pk.mode") && message.contains("record_key"),
        "{message}"
    );

    // A good file plays.
    let good = dir.join("good-scenario.toml");
    std::fs::write(&good, HELLO.replace("records = 12", "records = 3")).unwrap();
    let input = c
        .find(Locator::Css("[data-testid='open-file']"))
        .await
        .unwrap();
    input
        .send_keys(good.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    wait_until(
        Duration::from_secs(10),
        "the opened file's scene",
        || async { c.find(Locator::Css("[data-node='producer-1']")).await.ok() },
    )
    .await
    .unwrap();
    click(&c, "play").await;
    wait_until(Duration::from_secs(60), "3 records consumed", || async {
        counter(&c, "consumed").await.filter(|n| *n == 3)
    })
    .await
    .unwrap();
    assert_no_console_errors(&c).await;
    c.close().await.unwrap();
}

async fn wait_paused(c: &Client) {
    wait_until(Duration::from_secs(60), "playback to pause", || async {
        c.find(Locator::Css("[data-testid='play']")).await.ok()
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_acks_1_lesson_steps_through_to_the_loss_and_back() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("acks-1-failover-loss").await;
    let position = || async { text_of(c, "[data-testid='lesson-position']").await };
    wait_until(Duration::from_secs(20), "the lesson", || async {
        position().await.filter(|p| p.contains("1 of 5"))
    })
    .await
    .unwrap();
    // While few messages travel, their dots carry the record numbers: at 62 ms the followers'
    // fetch responses with record 3 are on the cut links.
    seek(c, "62000").await.unwrap();
    wait_until(Duration::from_secs(10), "record numbers on the dots", || async {
        let labels = c
            .execute("return [...document.querySelectorAll('svg.scene .dot-label')].map(t => t.textContent)", vec![])
            .await
            .ok()?;
        labels.as_array()?.iter().any(|l| l == "#3").then_some(())
    })
    .await
    .unwrap();
    seek(c, "0").await.unwrap();
    for step in 2..=5 {
        click(c, "lesson-next").await;
        wait_until(Duration::from_secs(60), "the next step, paused", || async {
            c.find(Locator::Css("[data-testid='play']")).await.ok()?;
            position()
                .await
                .filter(|p| p.contains(&format!("{step} of 5")))
        })
        .await
        .unwrap();
    }
    wait_until(Duration::from_secs(10), "free play", || async {
        c.find(Locator::Css("[data-testid='free-play']")).await.ok()
    })
    .await
    .unwrap();
    // The engine's loss, shown: three acknowledged records gone, marked on the producer.
    assert_eq!(counter(c, "lost").await, Some(3));
    let lost_marks = c
        .find_all(Locator::Css("[data-node='producer-1'] .record.lost"))
        .await
        .unwrap();
    assert_eq!(lost_marks.len(), 3);
    let events = text_of(c, "[data-testid='events']").await.unwrap();
    assert!(events.contains("truncates"), "{events}");
    screenshot(c, "acks-1-loss.png").await;
    // Back restores the previous step's state: before the election nothing was lost yet.
    click(c, "lesson-back").await;
    click(c, "lesson-back").await;
    let p = position().await.unwrap();
    assert!(p.contains("3 of 5"), "{p}");
    assert_eq!(counter(c, "lost").await, Some(0));
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashing_a_broker_with_a_click_changes_what_follows() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("lesson-1-replication").await;
    let broker2 = "[data-node='broker-2']";
    let up = |sel| data_up(c, sel);
    assert_eq!(up(broker2).await.as_deref(), Some("true"));
    // Click the broker in the picture: it crashes now, and the rest of the run is re-simulated.
    c.find(Locator::Css(broker2))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(Duration::from_secs(5), "broker 2 down", || async {
        up(broker2).await.filter(|u| u == "false")
    })
    .await
    .unwrap();
    let events = text_of(c, "[data-testid='events']").await.unwrap();
    assert!(events.contains("broker-2 crashes"), "{events}");
    // Seek to the end: with broker 2 down too, broker 1's crash leaves broker 3 to lead.
    seek(c, "s.max").await.unwrap();
    wait_until(Duration::from_secs(5), "broker 3 leading", || async {
        c.find(Locator::Css(
            "[data-node='broker-3'] .replica[data-role='leader']",
        ))
        .await
        .ok()
    })
    .await
    .unwrap();
    assert_eq!(counter(c, "lost").await, Some(0), "acks=all loses nothing");
    // The button twin restarts it.
    click(c, "fault-broker-2").await;
    wait_until(Duration::from_secs(5), "broker 2 up", || async {
        up(broker2).await.filter(|u| u == "true")
    })
    .await
    .unwrap();
    screenshot(c, "broker-crash-by-click.png").await;
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_acks_in_the_settings_changes_the_outcome_and_impossible_settings_are_refused() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("acks-1-failover-loss").await;
    seek(c, "s.max").await.unwrap();
    assert_eq!(counter(c, "lost").await, Some(3), "acks=1 as shipped");
    choose_setting(c, "set-acks", "all").await;
    click(c, "settings-apply").await;
    wait_until(Duration::from_secs(10), "the re-run", || async {
        text_of(c, "[data-testid='clock']")
            .await
            .filter(|t| t.starts_with("0.000"))
    })
    .await
    .unwrap();
    seek(c, "s.max").await.unwrap();
    assert_eq!(counter(c, "lost").await, Some(0), "acks=all loses nothing");
    assert_eq!(counter(c, "acked").await, Some(6));
    // The change is the reader's, and the page says so (the session records it too).
    let changed = text_of(c, "[data-testid='reader-settings']")
        .await
        .unwrap_or_default();
    assert!(changed.contains("acks: 1 → all"), "{changed}");
    // Replication factor 5 on 3 brokers is impossible: refused, naming the field.
    let rf = c
        .find(Locator::Css("[data-testid='set-rf']"))
        .await
        .unwrap();
    rf.clear().await.unwrap();
    rf.send_keys("5").await.unwrap();
    click(c, "settings-apply").await;
    let message = wait_until(Duration::from_secs(5), "the refusal", || async {
        text_of(c, "[data-testid='settings-error']").await
    })
    .await
    .unwrap();
    assert!(message.contains("replication.factor"), "{message}");
    // An explicit enable.idempotence=true with acks=1 is a configuration error in Kafka.
    rf.clear().await.unwrap();
    rf.send_keys("3").await.unwrap();
    choose_setting(c, "set-acks", "1").await;
    choose_setting(c, "set-idempotence", "true").await;
    click(c, "settings-apply").await;
    let message = wait_until(Duration::from_secs(5), "the refusal", || async {
        text_of(c, "[data-testid='settings-error']")
            .await
            .filter(|m| m.contains("enable.idempotence"))
    })
    .await
    .unwrap();
    assert!(message.contains("acks"), "{message}");
    assert!(
        c.find(Locator::Css("[data-node='broker-1']")).await.is_ok(),
        "the scene stays"
    );
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_paused_report_counts_the_retry_duplicate_and_the_unclean_truncation() {
    let page = open_page("/").await;
    let c = &page.client;
    for (scenario, testid, expected) in [
        ("retry-duplicate", "duplicates", "1"),
        ("unclean-election-loss", "truncated", "4"),
    ] {
        page.open_scenario(scenario).await;
        seek(c, "s.max").await.unwrap();
        let value = wait_until(Duration::from_secs(5), "the report", || async {
            text_of(c, &format!("[data-testid='{testid}']"))
                .await
                .filter(|v| v == expected)
        })
        .await
        .unwrap();
        assert_eq!(value, expected, "{scenario}");
    }
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// Opens the settings panel and picks `value` in its select `testid`.
async fn choose_setting(c: &Client, testid: &str, value: &str) {
    c.execute(
        "document.querySelector(\"[data-testid='settings']\").open = true",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css(&format!("[data-testid='{testid}']")))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// Drops the next produce response from broker 1 to producer 1, live, from the fault menu.
async fn drop_the_next_produce_response(c: &Client) {
    c.execute("document.querySelector('.more-faults').open = true", vec![])
        .await
        .unwrap();
    for (select, value) in [
        ("fault-direction", "1"), // broker-1 → producer-1
        ("fault-kind", "2"),      // drop the next message of this kind
        ("fault-message", "1"),   // produce_response
    ] {
        c.find(Locator::Css(&format!("[data-testid='{select}']")))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }
    click(c, "fault-inject").await;
    let events = events_containing(c, "is lost").await;
    assert!(events.contains("broker-1 → producer-1"), "{events}");
}

/// The paused report's duplicate count once the run has ended.
async fn duplicates_at_the_end(c: &Client) -> String {
    seek(c, "s.max").await.unwrap();
    wait_until(Duration::from_secs(5), "the report", || async {
        text_of(c, "[data-testid='duplicates']")
            .await
            .filter(|v| v != "…")
    })
    .await
    .unwrap()
}

/// Lesson 1 of "Exactly once", by hand: the same lost acknowledgement with Kafka's default
/// producer (idempotent since 3.0: the retry is recognised) and with `enable.idempotence=false`
/// chosen in the settings (the retry writes a duplicate).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_lost_produce_response_duplicates_only_with_idempotence_turned_off() {
    let page = open_page("/").await;
    let c = &page.client;
    drop_the_next_produce_response(c).await;
    assert_eq!(duplicates_at_the_end(c).await, "0", "Kafka's default");
    assert_eq!(counter(c, "acked").await, Some(12));
    choose_setting(c, "set-idempotence", "false").await;
    click(c, "settings-apply").await;
    wait_until(Duration::from_secs(10), "the re-run", || async {
        text_of(c, "[data-testid='reader-settings']")
            .await
            .filter(|t| t.contains("enable.idempotence: default → false"))
    })
    .await
    .unwrap();
    seek(c, "0").await.unwrap();
    drop_the_next_produce_response(c).await;
    assert_eq!(
        duplicates_at_the_end(c).await,
        "1",
        "enable.idempotence=false"
    );
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// The consumer lessons, with their scenario files (the same ones the engine tests run).
const CONSUMER_LESSONS: [(&str, &str); 5] = [
    (
        "consumers-1-offsets",
        include_str!("../../../scenarios/consumers-1-offsets.toml"),
    ),
    (
        "consumers-2-async",
        include_str!("../../../scenarios/consumers-2-async.toml"),
    ),
    (
        "consumers-3-many-groups",
        include_str!("../../../scenarios/consumers-3-many-groups.toml"),
    ),
    (
        "consumers-4-partitions",
        include_str!("../../../scenarios/consumers-4-partitions.toml"),
    ),
    (
        "consumers-5-commits",
        include_str!("../../../scenarios/consumers-5-commits.toml"),
    ),
];

/// The per-group table of the paused outcome panel, for `group`.
async fn group_row(c: &Client, group: &str) -> Option<[u64; 5]> {
    let mut row = [0; 5];
    for (i, what) in ["consumed", "lost", "twice", "out-of-order", "lag"]
        .iter()
        .enumerate()
    {
        row[i] = counter(c, &format!("group-{group}-{what}")).await?;
    }
    Some(row)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consumer_lessons_step_through_and_the_page_agrees_with_the_engine() {
    let page = open_page("/").await;
    let c = &page.client;
    for (name, text) in CONSUMER_LESSONS {
        let scenario = Scenario::from_toml(text).unwrap();
        let expected = run_scenario(&scenario, false);
        let steps = scenario.steps.len();
        page.open_scenario(name).await;
        // 8×: these lessons keep many messages in flight, which playback shows in slow motion.
        c.find(Locator::Css("[data-testid='speed']"))
            .await
            .unwrap()
            .select_by_value("5")
            .await
            .unwrap();
        let position = || async { text_of(c, "[data-testid='lesson-position']").await };
        wait_until(Duration::from_secs(20), "the lesson", || async {
            position()
                .await
                .filter(|p| p.contains(&format!("1 of {steps}")))
        })
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        for step in 2..=steps {
            click(c, "lesson-next").await;
            wait_until(Duration::from_secs(90), "the next step, paused", || async {
                c.find(Locator::Css("[data-testid='play']")).await.ok()?;
                position()
                    .await
                    .filter(|p| p.contains(&format!("{step} of {steps}")))
            })
            .await
            .unwrap_or_else(|e| panic!("{name}, step {step}: {e}"));
        }
        if name == "consumers-4-partitions" {
            // Step 4 is the rebalance: the group box shows it stopped.
            click(c, "lesson-step-4").await;
            wait_paused(c).await;
            wait_until(Duration::from_secs(5), "the rebalance drawn", || async {
                c.find(Locator::Css(
                    "[data-group='workers'][data-status='rebalancing']",
                ))
                .await
                .ok()
            })
            .await
            .unwrap();
            screenshot(c, "rebalance.png").await;
        }
        // At the end of the run the page's per-group counts are the engine's report.
        seek(c, "s.max").await.unwrap();
        for g in &expected.groups {
            let want = [
                g.consumed,
                g.not_processed,
                g.processed_more_than_once,
                g.out_of_order,
                g.lag,
            ];
            let got = wait_until(Duration::from_secs(10), "the group table", || async {
                group_row(c, &g.group).await.filter(|row| *row == want)
            })
            .await
            .unwrap_or_else(|e| panic!("{name}, group {}: expected {want:?} ({e})", g.group));
            assert_eq!(got, want);
        }
        if name == "consumers-5-commits" {
            // Just after the restart: the duplicates are marked on the consumer that processed
            // them again, the losses on the group whose committed offset passed them.
            seek(c, "5950000").await.unwrap();
            let twice = wait_until(Duration::from_secs(5), "records marked twice", || async {
                let marked = c
                    .find_all(Locator::Css("[data-node='consumer-2'] .processed.twice"))
                    .await
                    .ok()?;
                (!marked.is_empty()).then_some(marked.len())
            })
            .await
            .unwrap();
            assert!(twice >= 4, "{twice} records marked as processed twice");
            let lost = text_of(c, "[data-group='auto-handoff'] .never-processed")
                .await
                .unwrap_or_default();
            assert!(lost.contains("#5") && lost.contains("#9"), "{lost}");
            screenshot(c, "consumer-commits.png").await;
        }
    }
    // Korean: the same lessons tell their story in Korean.
    click(c, "lang").await;
    for (name, _) in CONSUMER_LESSONS {
        page.open_scenario(name).await;
        let text = wait_until(Duration::from_secs(20), "the lesson text", || async {
            text_of(c, "[data-testid='lesson-text']").await
        })
        .await
        .unwrap();
        assert!(text.contains("컨슈머"), "{name} not in Korean: {text}");
    }
    screenshot(c, "consumers-korean.png").await;
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_and_pausing_consumers_from_the_page_rebalances_their_group() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("consumers-4-partitions").await;
    // Stand in generation 1, then kill consumer 1 with a click in the picture.
    seek(c, "4000000").await.unwrap();
    let consumer1 = "[data-node='consumer-1']";
    let up = || data_up(c, consumer1);
    wait_until(Duration::from_secs(5), "consumer 1 up", || async {
        up().await.filter(|u| u == "true")
    })
    .await
    .unwrap();
    c.find(Locator::Css(consumer1))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(Duration::from_secs(5), "consumer 1 killed", || async {
        up().await.filter(|u| u == "false")
    })
    .await
    .unwrap();
    // And stall consumer 3 past its session timeout from the fault panel.
    let seconds = c
        .find(Locator::Css("[data-testid='pause-seconds']"))
        .await
        .unwrap();
    seconds.clear().await.unwrap();
    seconds.send_keys("9").await.unwrap();
    click(c, "pause-consumer-3").await;
    let events = events_containing(c, "consumer-3 stalls for 9000 ms").await;
    assert!(events.contains("consumer-1 is killed"), "{events}");
    // At the end both were removed from the group at some point and the partitions were
    // redistributed among the members still running; nothing was lost.
    seek(c, "s.max").await.unwrap();
    let row = wait_until(Duration::from_secs(10), "the group table", || async {
        group_row(c, "workers").await
    })
    .await
    .unwrap();
    assert_eq!(row[1], 0, "never processed: {row:?}");
    assert_eq!(row[4], 0, "lag: {row:?}");
    let owners = c
        .find_all(Locator::Css(
            "[data-node^='consumer-'][data-up='true'] .partitions",
        ))
        .await
        .unwrap();
    let mut owned = Vec::new();
    for o in owners {
        owned.push(o.text().await.unwrap());
    }
    let all: String = owned.join(" ");
    for p in ["P0", "P1", "P2"] {
        assert_eq!(
            all.matches(p).count(),
            1,
            "{p} must have one owner: {owned:?}"
        );
    }
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// The page's counters at any instant are the engine's report at that instant: seek a few
/// built-in scenarios to several times and compare every counter and group cell with the report
/// computed natively for the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_counters_equal_the_engines_report_at_any_time() {
    let page = open_page("/").await;
    let c = &page.client;
    for (name, text) in [
        (
            "acks-1-failover-loss",
            include_str!("../../../scenarios/acks-1-failover-loss.toml"),
        ),
        (
            "consumers-5-commits",
            include_str!("../../../scenarios/consumers-5-commits.toml"),
        ),
        (
            "retention-deletes-unread",
            include_str!("../../../scenarios/retention-deletes-unread.toml"),
        ),
    ] {
        page.open_scenario(name).await;
        let timeline = kafkascope_engine::Timeline::record(&Scenario::from_toml(text).unwrap());
        for k in [1u64, 3, 5] {
            let t = kafkascope_engine::SimTime(timeline.end().0 * k / 5);
            seek(c, &t.as_micros().to_string()).await.unwrap();
            let report =
                kafkascope_engine::OutcomeReport::from_simulation(&timeline.world_at(t), "", 0);
            let consumed: u64 = report.groups.iter().map(|g| g.consumed).sum();
            let expected = [
                ("produced", report.produced),
                ("acked", report.acknowledged),
                ("consumed", consumed),
                ("lost", report.lost_acknowledged),
                ("not-committed", report.not_committed_at_end),
                ("duplicates", report.duplicates_in_log),
                ("truncated", report.committed_then_truncated),
                ("expired", report.expired),
            ];
            for (testid, value) in expected {
                let shown = wait_until(Duration::from_secs(10), testid, || async {
                    counter(c, testid).await.filter(|n| *n == value)
                })
                .await;
                assert!(
                    shown.is_ok(),
                    "{name} at {t:?}: {testid} shows {:?}, the engine says {value}",
                    counter(c, testid).await
                );
            }
            for g in &report.groups {
                for (what, value) in [
                    ("consumed", g.consumed),
                    ("lost", g.not_processed),
                    ("twice", g.processed_more_than_once),
                    ("lag", g.lag),
                ] {
                    let testid = format!("group-{}-{what}", g.group);
                    assert_eq!(
                        counter(c, &testid).await,
                        Some(value),
                        "{name} at {t:?}: {testid}"
                    );
                }
            }
        }
    }
    assert_no_console_errors(c).await;
}

/// A 300,000-record scenario file plays (the page holds it), and bench-1m — which a browser tab
/// cannot hold — is refused up front with what to change, never a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_300k_record_file_plays_and_a_run_too_large_is_refused_with_the_reason() {
    let page = open_page("/").await;
    let c = &page.client;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let open = |file: &'static str| {
        let path = root.join(file).canonicalize().unwrap();
        async move {
            c.find(Locator::Css("[data-testid='open-file']"))
                .await
                .unwrap()
                .send_keys(path.to_str().unwrap())
                .await
                .unwrap();
        }
    };
    open("bench-300k.toml").await;
    let title = wait_until(Duration::from_secs(180), "the 300k scene", || async {
        text_of(c, "[data-testid='scenario-title']")
            .await
            .filter(|t| t.contains("300,000"))
    })
    .await
    .unwrap();
    assert!(title.contains("300,000"));
    // Near the end: every record produced and consumed, as the engine says.
    seek(
        c,
        "Number(document.querySelector(\"[data-testid='timeline']\").max)",
    )
    .await
    .unwrap();
    wait_until(Duration::from_secs(30), "all 300,000 consumed", || async {
        counter(c, "consumed").await.filter(|n| *n == 300_000)
    })
    .await
    .unwrap();
    assert_eq!(counter(c, "produced").await, Some(300_000));
    screenshot(c, "bench-300k.png").await;

    open("bench-1m.toml").await;
    let message = wait_until(Duration::from_secs(60), "the refusal", || async {
        text_of(c, "[data-testid='scenario-error']").await
    })
    .await
    .unwrap();
    assert!(
        message.contains("too large")
            && message.contains("records")
            && message.contains("bench-1m.toml"),
        "{message}"
    );
    assert_no_console_errors(c).await;
}

/// A producer crashed with a click, and the session downloaded: the file the page saves holds the
/// reader's action (marked `by_reader`), and running it headlessly gives the outcome the page shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_producer_crashed_with_a_click_goes_into_the_downloaded_session() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("hello-kafka").await;
    seek(c, "20000").await.unwrap();
    let producer = "[data-node='producer-1']";
    c.find(Locator::Css(producer))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(Duration::from_secs(5), "producer 1 down", || async {
        data_up(c, producer).await.filter(|u| u == "false")
    })
    .await
    .unwrap();
    let events = events_containing(c, "producer-1 crashes").await;
    assert!(events.contains("producer-1 crashes"), "{events}");
    // Catch the Blob the download makes, then read it back.
    catch_saved_files(c).await;
    click(c, "share").await;
    click(c, "download-session").await;
    let text = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__saved[0].text().then(done);",
            vec![],
        )
        .await
        .unwrap();
    let text = text.as_str().expect("the saved file's text").to_string();
    assert!(
        text.contains("crash_producer") && text.contains("\"by_reader\": true"),
        "{text}"
    );
    let session = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let report = run_scenario(&session, false);
    seek(c, "s.max").await.unwrap();
    assert_eq!(counter(c, "produced").await, Some(report.produced));
    assert_eq!(counter(c, "acked").await, Some(report.acknowledged));
    assert_no_console_errors(c).await;
}

/// The shipped lessons (every scenario file with steps), by name, with their steps.
fn shipped_lessons() -> Vec<(String, Vec<LessonStep>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut lessons: Vec<(String, Vec<LessonStep>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| {
            let s = Scenario::from_toml(&std::fs::read_to_string(&p).ok()?).ok()?;
            (!s.steps.is_empty()).then(|| (s.name.clone(), s.steps.clone()))
        })
        .collect();
    lessons.sort_by(|a, b| a.0.cmp(&b.0));
    lessons
}

/// What a reader sees of a lesson step: whether the caption, the scene, the lesson's buttons and
/// the play controls lie inside the viewport, whether the page scrolls sideways, and which scene
/// texts leave the box they belong to.
const LESSON_VIEW_JS: &str = "
    const vw = window.innerWidth, vh = window.innerHeight;
    const inside = (sel) => {
        const el = document.querySelector(sel);
        if (!el) return sel + ' missing';
        const r = el.getBoundingClientRect();
        return (r.top >= -0.5 && r.left >= -0.5 && r.bottom <= vh + 0.5 && r.right <= vw + 0.5)
            ? null : sel + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(',');
    };
    const svg = document.querySelector('svg.scene');
    // A scenario writing four tables or more shows its tables side by side in the scene's place.
    const tables = document.querySelector('[data-testid=tables-side-by-side]');
    const outside = ['[data-testid=lesson-text]', svg ? 'svg.scene' : '[data-testid=tables-side-by-side]',
        // At a tour lesson's first step, Back is the tour's (to the previous lesson).
        '[data-testid=lesson-back], [data-testid=tour-back]',
        '[data-testid=lesson-position]', '[data-testid=play]', '[data-testid=timeline]']
        .map(inside).filter(x => x);
    const overflow = [];
    for (const box of document.querySelectorAll('svg.scene g.node, svg.scene g.group-box')) {
        const frame = box.querySelector('rect').getBoundingClientRect();
        for (const t of box.querySelectorAll(':scope > text, :scope > .frame > text, .replica text, .processed text')) {
            const r = t.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
                overflow.push(t.textContent);
        }
    }
    return { outside, overflow,
        sideways: document.documentElement.scrollWidth > vw + 1,
        focused: svg ? svg.classList.contains('focused') : tables !== null,
        lit: !svg ? tables.querySelectorAll('.node:not(.dim)').length : svg.querySelectorAll('g.node:not(.dim) > .frame:not(.dim), g.record:not(.dim), g.cell:not(.dim), g.marker:not(.dim), g.edge:not(.dim), g.group-box:not(.dim), g.node.consumer:not(.dim), g.node.controller:not(.dim), g.replica .row-labels:not(.dim)').length };
";

/// Every step of every shipped lesson, in English and Korean at 1280×720 and in Korean at
/// 1366×768: the caption, the scene and the lesson's controls on one screen, no sideways scroll, every scene
/// label at least 12 px as rendered, no scene text outside its box, and the step's highlights
/// drawn (the scene dims the rest). What each step claims is checked against the engine at the
/// same instant by engine/tests/lesson_claims.rs.
///
/// 1280×720 is the smaller screen in both directions, where a caption runs out of room and the
/// scene's labels are drawn smallest, so both languages are walked there. At 1366×768 one
/// language is walked (Korean: its captions keep words whole, so they wrap soonest), which keeps
/// the test command's time in bounds as lessons are added.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lesson_step_fits_one_screen_with_legible_labels_in_both_languages() {
    let lessons = shipped_lessons();
    assert!(lessons.len() >= 8);
    let page = open_page("/").await;
    let c = &page.client;
    let mut problems = Vec::new();
    let mut states = 0;
    let mut claims_checked = 0;
    for (width, height, langs) in [(1366, 768, &["ko"][..]), (1280, 720, &["en", "ko"][..])] {
        set_viewport(c, width, height).await.unwrap();
        for &lang in langs {
            c.execute(
                &format!("localStorage.setItem('kafkascope.lang', JSON.stringify('{lang}'))"),
                vec![],
            )
            .await
            .unwrap();
            for (name, steps) in &lessons {
                page.open_lesson_view(name).await;
                for step in 1..=steps.len() {
                    click(c, &format!("lesson-step-{step}")).await;
                    let at = format!("{name} step {step} {lang} {width}x{height}");
                    wait_until(Duration::from_secs(10), "the step", || async {
                        c.find(Locator::Css(&format!(
                            "[data-testid='lesson-step-{step}'].current"
                        )))
                        .await
                        .ok()
                    })
                    .await
                    .unwrap_or_else(|e| panic!("{at}: {e}"));
                    let v = c.execute(LESSON_VIEW_JS, vec![]).await.unwrap();
                    states += 1;
                    if v["outside"].as_array().is_some_and(|a| !a.is_empty()) {
                        problems.push(format!("{at}: off screen {}", v["outside"]));
                    }
                    if v["overflow"].as_array().is_some_and(|a| !a.is_empty()) {
                        problems.push(format!("{at}: text outside its box {}", v["overflow"]));
                    }
                    if v["sideways"].as_bool() != Some(false) {
                        problems.push(format!("{at}: the page scrolls sideways"));
                    }
                    if v["focused"].as_bool() != Some(true) || v["lit"].as_u64() == Some(0) {
                        problems.push(format!("{at}: the step's highlights are not drawn ({v})"));
                    }
                    let (px, label) = min_scene_label_px(c).await.unwrap();
                    if px < 12.0 {
                        problems.push(format!("{at}: label {label:?} at {px:.1} px"));
                    }
                    let drawn: PageSnapshot = serde_json::from_value(
                        c.execute(step_on_page::SNAPSHOT_JS, vec![]).await.unwrap(),
                    )
                    .unwrap_or_else(|e| panic!("{at}: reading the page: {e}"));
                    for claim in &steps[step - 1].claims {
                        if let Err(e) = drawn.check(claim) {
                            problems.push(format!("{at}: {e}"));
                        }
                        claims_checked += 1;
                    }
                    for highlight in &steps[step - 1].highlight {
                        if let Err(e) = drawn.lit(highlight) {
                            problems.push(format!("{at}: {e}"));
                        }
                    }
                }
            }
            screenshot(c, &format!("lesson-view-{lang}-{width}x{height}.png")).await;
        }
    }
    assert!(
        claims_checked > 4 * 150,
        "only {claims_checked} claims checked"
    );
    assert!(
        problems.is_empty(),
        "{} of {states} lesson views:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// On a phone (390×844 and 360×740, portrait) the page never scrolls sideways; the scene keeps its
/// labels at 11 px or more and pans inside its own box instead. Pinch-zoom is not blocked, and a
/// tap (touch events, as a phone's browser sends them) on a broker crashes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_page_does_not_scroll_sideways_and_the_scene_stays_legible() {
    let page = open_page("/").await;
    let c = &page.client;
    for (width, height) in [(390, 844), (360, 740)] {
        set_viewport(c, width, height).await.unwrap();
        for name in ["consumers-5-commits", "hello-kafka"] {
            page.open_lesson_view(name).await;
            let sideways = c
                .execute(
                    "return document.documentElement.scrollWidth > window.innerWidth + 1",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                sideways.as_bool(),
                Some(false),
                "{name} at {width} px: the page scrolls sideways"
            );
            let (px, label) = min_scene_label_px(c).await.unwrap();
            assert!(
                px >= 11.0,
                "{name} at {width} px: label {label:?} at {px:.1} px"
            );
        }
        screenshot(c, &format!("phone-{width}.png")).await;
    }
    // Pinch-zoom: the viewport allows it and nothing turns touch gestures off.
    let blocked = c
        .execute(
            "const v = document.querySelector('meta[name=viewport]').content;
             const none = [...document.querySelectorAll('*')].filter(e => getComputedStyle(e).touchAction === 'none');
             return [/user-scalable\\s*=\\s*(no|0)|maximum-scale/.test(v), none.length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(blocked, serde_json::json!([false, 0]), "pinch-zoom blocked");
    // A tap on broker 1 (hello-kafka is on screen) crashes it.
    devtools(
        c,
        "Emulation.setTouchEmulationEnabled",
        serde_json::json!({"enabled": true, "maxTouchPoints": 5}),
    )
    .await
    .unwrap();
    c.execute(
        "document.querySelector(\"[data-node='broker-1']\").scrollIntoView({block: 'center', inline: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    let centre = c
        .execute(
            "const r = document.querySelector(\"[data-node='broker-1'] rect\").getBoundingClientRect();
             const mid = (a, b, limit) => (Math.max(a, 0) + Math.min(b, limit)) / 2;
             return [mid(r.left, r.right, innerWidth), mid(r.top, r.bottom, innerHeight)];",
            vec![],
        )
        .await
        .unwrap();
    // A finger down and up again 80 ms later, as a phone's browser reports a tap (the browser
    // turns it into a click).
    let point = serde_json::json!([{"x": centre[0], "y": centre[1]}]);
    devtools(
        c,
        "Input.dispatchTouchEvent",
        serde_json::json!({"type": "touchStart", "touchPoints": point}),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    devtools(
        c,
        "Input.dispatchTouchEvent",
        serde_json::json!({"type": "touchEnd", "touchPoints": []}),
    )
    .await
    .unwrap();
    wait_until(
        Duration::from_secs(5),
        "broker 1 down after a tap",
        || async {
            (data_up(c, "[data-node='broker-1']").await.as_deref() == Some("false")).then_some(())
        },
    )
    .await
    .unwrap();
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// Kafka's own words that Korean developers write as they are (configs and errors are caught by
/// their dots, underscores and capitals).
const KAFKA_WORDS: &[&str] = &[
    // Kafka's transaction states (`TransactionState`), shown at the coordinator as Kafka names them.
    "Empty",
    "Ongoing",
    "PrepareCommit",
    "PrepareAbort",
    "CompleteCommit",
    "CompleteAbort",
    "initTransactions",
    "commitTransaction",
    "abortTransaction",
    "AddPartitionsToTxn",
    "EndTxn",
    "InitProducerId",
    "txn",
    "Kafkascope",
    "Kafka",
    "English",
    "acks",
    "all",
    "ack",
    "KRaft",
    "fetch",
    "poll",
    "Range",
    "RangeAssignor",
    "LeaveGroup",
    "CommitFailedException",
    "commitSync",
    "commitAsync",
    "Space",
    "PgDn",
    "PgUp",
    "idle",
    "replica",
    "auto",
    "handoff",
    "manual",
    "sync",
    "billing",
    "audit",
    "orders",
    "payments",
    "ledger",
    "upsert",
    // A JDBC sink connector's `insert.mode` value, the processor's group name, and the product
    // name Kafka Connect, as Korean developers write them.
    "insert",
    "processor",
    "Connect",
    "workers",
    "dashboard",
    "user",
    "service",
    "created",
    "view",
    "counter",
    "daily",
    "alert",
    "recommendations",
    "page",
    "views",
    "KIP",
    "KRaft",
    "unclean",
    "leader",
    "election",
    "enable",
    "none",
    "end",
    "ms",
    "true",
    "false",
    "gen",
    // Kafka's request names and the settings' config names, as Kafka spells them.
    "Produce",
    "Fetch",
    "CreatePartitions",
    "retries",
    // The exactly-once processing lessons: the application's names, and the calls and requests
    // of KIP-98 / KIP-447 as Kafka spells them.
    "enricher",
    "shipping",
    "receipts",
    "seek",
    "sendOffsetsToTransaction",
    "AddOffsetsToTxn",
    "TxnOffsetCommit",
];

/// No Korean view shows an English-only word, outside Kafka's own names (configs, errors,
/// ids) and the scenario's topic and group names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_korean_page_shows_no_english_only_words() {
    let page = open_page("/").await;
    let c = &page.client;
    c.execute(
        "localStorage.setItem('kafkascope.lang', JSON.stringify('ko'))",
        vec![],
    )
    .await
    .unwrap();
    let mut found = Vec::new();
    for name in [
        "hello-kafka",
        "acks-1-failover-loss",
        "consumers-5-commits",
        "consumers-4-partitions",
        "transactions",
        "zombie-fencing",
        "exactly-once-processing",
        "rewind-forgotten",
        "database-duplicate-row",
        "connect-sink-insert",
    ] {
        page.open_scenario(name).await;
        for at in ["s.max / 3", "s.max"] {
            seek(c, at).await.unwrap();
            tokio::time::sleep(Duration::from_millis(200)).await;
            let words = c
                .execute(
                    "const out = [];
                     const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                     while (walk.nextNode()) {
                       const n = walk.currentNode;
                       const el = n.parentElement;
                       if (!el || el.closest('title, script, code, [data-testid=events] .at')) continue;
                       if (!el.getClientRects().length && el.tagName !== 'OPTION') continue;
                       for (const w of n.textContent.split(/[^A-Za-z._#=\\-]+/)) {
                         if (/^[a-z][a-z]{2,}$/i.test(w) && !/^[A-Z0-9_]+$/.test(w)) out.push(w);
                       }
                     }
                     return out;",
                    vec![],
                )
                .await
                .unwrap();
            for w in words.as_array().unwrap() {
                let w = w.as_str().unwrap();
                if !KAFKA_WORDS.contains(&w) {
                    found.push(format!("{name}: {w}"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "English words on the Korean page:\n{}",
        found.join("\n")
    );
    page.client.close().await.unwrap();
}

/// With no scenario in the address, the start screen asks the question, offers the lessons by
/// chapter and free play; picking a lesson opens the lesson view at its first step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_screen_offers_the_lessons_by_chapter_and_free_play() {
    let page = open_page("/").await;
    let c = &page.client;
    c.goto(&page.server.url()).await.unwrap();
    let question = wait_until(Duration::from_secs(20), "the start screen", || async {
        text_of(c, "[data-testid='start-screen'] h2").await
    })
    .await
    .unwrap();
    assert!(question.contains("exactly once"), "{question}");
    let chapters = c
        .find_all(Locator::Css("[data-testid='start-screen'] .chapter"))
        .await
        .unwrap();
    assert!(chapters.len() >= 3);
    for (name, _) in shipped_lessons() {
        c.find(Locator::Css(&format!("[data-testid='start-{name}']")))
            .await
            .unwrap_or_else(|e| panic!("{name} is not offered: {e}"));
    }
    c.find(Locator::Css("[data-testid='start-free-play']"))
        .await
        .unwrap();
    screenshot(c, "start-screen.png").await;
    click(c, "start-first-lesson").await;
    let position = wait_until(Duration::from_secs(20), "the first lesson", || async {
        text_of(c, "[data-testid='lesson-position']").await
    })
    .await
    .unwrap();
    assert!(position.contains("1 of"), "{position}");
    let url = c.current_url().await.unwrap();
    assert!(
        url.as_str().contains("scenario=lesson-1-replication"),
        "{url}"
    );
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// The engine's report for shipped scenario `name` at `time_us`, as JSON (the names the outcome
/// line's figures carry).
fn engine_report_at(name: &str, time_us: u64) -> serde_json::Value {
    let path = format!("{}/../../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let timeline = kafkascope_engine::Timeline::record(&scenario);
    let world = timeline.world_at(kafkascope_engine::SimTime(time_us));
    serde_json::to_value(kafkascope_engine::OutcomeReport::from_simulation(
        &world, "", 0,
    ))
    .unwrap()
}

/// Every figure the outcome line shows equals the engine's report at the same instant: the
/// headline counts, each group's, each processor's, each table's (rows, duplicates, verdict).
fn page_agrees_with_engine(
    drawn: &PageSnapshot,
    report: &serde_json::Value,
    at: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let number =
        |v: &serde_json::Value| v.as_u64().or_else(|| v.as_array().map(|a| a.len() as u64));
    let mut compare = |what: String, shown: u64, engine: Option<u64>| {
        if Some(shown) != engine {
            problems.push(format!(
                "{at}: {what} shows {shown}, the engine has {engine:?}"
            ));
        }
    };
    for (name, shown) in &drawn.counts {
        compare(name.clone(), *shown, number(&report[name.as_str()]));
    }
    let entry = |list: &str, key: &str, value: &str| {
        report[list]
            .as_array()
            .and_then(|a| a.iter().find(|e| e[key] == value))
            .cloned()
            .unwrap_or_default()
    };
    for (list, kind, drawn_figures) in [
        ("groups", "group", &drawn.group_counts),
        ("processors", "processor", &drawn.processor_counts),
    ] {
        for (group, figures) in drawn_figures {
            let engine = entry(list, "group", group);
            for (name, shown) in figures {
                compare(
                    format!("{kind} {group} {name}"),
                    *shown,
                    number(&engine[name.as_str()]),
                );
            }
        }
    }
    for (table, figures) in &drawn.table_figures {
        let engine = entry("tables", "table", table);
        for (name, shown) in figures {
            let expected = match &engine[name.as_str()] {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            if *shown != expected {
                problems.push(format!(
                    "{at}: table {table} {name} shows {shown}, the engine has {expected}"
                ));
            }
        }
    }
    if !drawn.counts.contains_key("produced") {
        problems.push(format!("{at}: the outcome line shows no produced count"));
    }
    problems
}

/// The guided tour, played as a reader plays it, in English and in Korean: from its first lesson,
/// "Next" through every step, then "Next lesson", to the end of the last chapter. At each lesson's
/// end every figure the page shows equals the engine's report at that instant, and the lessons
/// come in the order the table of contents lists them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guided_tour_plays_from_start_to_end_and_the_page_agrees_with_the_engine() {
    let page = open_page("/").await;
    let c = &page.client;
    set_viewport(c, 1366, 768).await.unwrap();
    let mut problems = Vec::new();
    for lang in ["en", "ko"] {
        c.execute(
            &format!("localStorage.setItem('kafkascope.lang', JSON.stringify('{lang}'))"),
            vec![],
        )
        .await
        .unwrap();
        page.open_lesson_view("consumers-1-offsets").await;
        let contents: Vec<String> = serde_json::from_value(
            c.execute(
                "return [...document.querySelectorAll('[data-testid^=tour-lesson-]')]
                    .map(b => b.dataset.testid.replace('tour-lesson-', ''));",
                vec![],
            )
            .await
            .unwrap(),
        )
        .unwrap();
        assert!(contents.len() >= 19, "{lang}: the tour lists {contents:?}");
        assert_eq!(
            contents.first().map(String::as_str),
            Some("consumers-1-offsets")
        );
        let mut visited = Vec::new();
        loop {
            let name: String = serde_json::from_value(
                c.execute(
                    "return document.querySelector('.tour-contents button.current').dataset.testid
                        .replace('tour-lesson-', '');",
                    vec![],
                )
                .await
                .unwrap(),
            )
            .unwrap();
            visited.push(name.clone());
            // Every step, with Next, until the lesson ends (the tour's own button appears).
            let ended = wait_until(Duration::from_secs(120), "the lesson's end", || async {
                if c.find(Locator::Css(
                    "[data-testid=tour-next], [data-testid=tour-end]",
                ))
                .await
                .is_ok()
                {
                    return Some(());
                }
                // Next only while paused: while a step plays in, the page re-renders when it
                // arrives, and at the last step the tour's button takes Next's place, so a click
                // aimed at Next could land on it and open the lesson after next.
                let paused = c.find(Locator::Css("[data-testid=play]")).await.is_ok();
                if let (true, Ok(next)) = (
                    paused,
                    c.find(Locator::Css("[data-testid=lesson-next]")).await,
                ) {
                    let _ = next.click().await;
                }
                None
            })
            .await;
            if let Err(e) = ended {
                problems.push(format!("{lang} {name}: {e}"));
                break;
            }
            let time_us: u64 = serde_json::from_value::<String>(
                c.execute(
                    "return document.querySelector('[data-testid=timeline]').value;",
                    vec![],
                )
                .await
                .unwrap(),
            )
            .unwrap()
            .parse()
            .unwrap();
            let drawn: PageSnapshot =
                serde_json::from_value(c.execute(step_on_page::SNAPSHOT_JS, vec![]).await.unwrap())
                    .unwrap();
            problems.extend(page_agrees_with_engine(
                &drawn,
                &engine_report_at(&name, time_us),
                &format!("{lang} {name} at {time_us} µs"),
            ));
            if ["database-duplicate-row", "four-applications"].contains(&name.as_str()) {
                // The duplicate row, and the four tables side by side, as the tour ends them.
                screenshot(c, &format!("tour-{lang}-{name}.png")).await;
            }
            if c.find(Locator::Css("[data-testid=tour-end]")).await.is_ok() {
                break;
            }
            // The tour's button ignores clicks for its first 600 ms (a double click on the last
            // step's Next must not open the next lesson).
            tokio::time::sleep(Duration::from_millis(650)).await;
            click(c, "tour-next").await;
            let shown_next = wait_until(Duration::from_secs(20), "the next lesson", || async {
                let shown: String = serde_json::from_value(
                    c.execute(
                        "const b = document.querySelector('.tour-contents button.current');
                         return b ? b.dataset.testid.replace('tour-lesson-', '') : '';",
                        vec![],
                    )
                    .await
                    .ok()?,
                )
                .ok()?;
                (!shown.is_empty() && shown != name).then_some(())
            })
            .await;
            if let Err(e) = shown_next {
                screenshot(c, "tour-stuck.png").await;
                panic!("{lang} after {name}: {e}");
            }
        }
        assert_eq!(visited, contents, "{lang}: the lessons the tour played");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

/// A Kafka Connect worker killed from the fault panel stops its sink task (drawn down), and
/// restarting it brings the task back as a new consumer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_worker_killed_from_the_page_stops_its_task() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_lesson_view("connect-sink").await;
    click(c, "panels-toggle").await;
    click(c, "fault-worker-1").await;
    wait_until(Duration::from_secs(10), "the task drawn down", || async {
        data_up(c, "[data-node='consumer-2']")
            .await
            .filter(|up| up == "false")
    })
    .await
    .unwrap();
    assert!(
        events_containing(c, "worker 1")
            .await
            .contains("Connect worker 1"),
        "the event list names the kill"
    );
    click(c, "fault-worker-1").await;
    wait_until(
        Duration::from_secs(10),
        "the task running again",
        || async {
            data_up(c, "[data-node='consumer-2']")
                .await
                .filter(|up| up == "true")
        },
    )
    .await
    .unwrap();
    assert_no_console_errors(c).await;
    page.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_reduced_motion_the_state_changes_without_moving_dots() {
    let page = open_page("/").await;
    let c = &page.client;
    let motion =
        |value: &str| json!({ "features": [{ "name": "prefers-reduced-motion", "value": value }] });
    devtools(c, "Emulation.setEmulatedMedia", motion("reduce"))
        .await
        .unwrap();
    page.open_scenario("hello-kafka").await;
    click(c, "play").await;
    // Messages are in flight (the scene holds their dots) but none is shown; the counters move.
    let dots = || async {
        c.execute(
            "const g = document.querySelector('.scene .dots');
             return g ? [Number(g.dataset.count), getComputedStyle(g).display] : null;",
            vec![],
        )
        .await
        .ok()
        .filter(|v| v[0].as_u64().is_some_and(|n| n > 0))
    };
    let shown = wait_until(Duration::from_secs(20), "messages in flight", dots)
        .await
        .unwrap();
    assert_eq!(shown[1], "none", "no moving dots: {shown}");
    wait_until(Duration::from_secs(30), "records produced", || async {
        counter(c, "produced").await.filter(|n| *n > 0)
    })
    .await
    .unwrap();
    // Without the preference, the same dots move.
    devtools(c, "Emulation.setEmulatedMedia", motion("no-preference"))
        .await
        .unwrap();
    let shown = wait_until(Duration::from_secs(20), "messages in flight", dots)
        .await
        .unwrap();
    assert_ne!(shown[1], "none", "{shown}");
}

/// With `prefers-color-scheme: dark` the page and the scene go dark, every sampled pair of text
/// and its background keeps a contrast of at least 4.5:1 (WCAG AA), and presenting stays light.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_dark_colour_scheme_the_page_is_dark_and_its_text_readable() {
    let page = open_page("/").await;
    let c = &page.client;
    set_viewport(c, 1280, 720).await.unwrap();
    page.open_lesson_view("acks-1-failover-loss").await;
    // Records in the logs: 45 ms in.
    seek(c, "45000").await.unwrap();
    devtools(
        c,
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pairs = c
        .execute(
            "const rgb = (s) => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
             const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                 .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
             const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
             const css = (sel, prop) => { const e = document.querySelector(sel); return e ? getComputedStyle(e)[prop] : null; };
             const pairs = [
               ['page', css('.app', 'color'), css('body', 'backgroundColor') === 'rgba(0, 0, 0, 0)' ? css('html', 'backgroundColor') : css('body', 'backgroundColor')],
               ['lesson text', css('[data-testid=lesson-text]', 'color'), css('.lesson', 'backgroundColor')],
               ['broker title', css('.node.broker .title', 'fill'), css('.node.broker > .frame > rect', 'fill')],
               ['log cell', css('.cell text', 'fill'), css('.cell rect', 'fill')],
               ['outcome line', css('.outcome-line b', 'color'), css('.outcome-line', 'backgroundColor')],
               ['primary button', css('button.primary', 'color'), css('button.primary', 'backgroundColor')],
             ];
             return pairs.map(([what, fg, bg]) => [what, fg, bg, ratio(fg, bg), lum(rgb(bg))]);",
            vec![],
        )
        .await
        .unwrap();
    for pair in pairs.as_array().unwrap() {
        let (what, ratio, background) = (
            &pair[0],
            pair[3].as_f64().unwrap(),
            pair[4].as_f64().unwrap(),
        );
        if what != "primary button" {
            assert!(background < 0.15, "{what}: a dark background ({pair})");
        }
        assert!(ratio >= 4.5, "{what}: contrast {ratio:.2} ({pair})");
    }
    screenshot(c, "dark-1280x720.png").await;
    // Presenting keeps its light theme.
    click(c, "present").await;
    let background = c
        .execute(
            "return getComputedStyle(document.querySelector('.app.present')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(background, "rgb(255, 255, 255)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_on_screen_saves_as_a_standalone_svg_image_and_as_png() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("acks-1-failover-loss").await;
    seek(c, "2500000").await.unwrap();
    catch_saved_files(c).await;
    click(c, "share").await;
    click(c, "export-svg").await;
    // Read back as an XML document of its own: it parses, it is the scene, it carries the styles.
    let checked = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const blob = window.__saved[0];
             blob.text().then(text => {
               // Parsed without its <style> (the stylesheet is checked as text below): this page's
               // Content-Security-Policy refuses inline styles, even in a parsed document.
               const doc = new DOMParser().parseFromString(
                 text.replace(/<style>[\\s\\S]*?<\\/style>/, ''), 'image/svg+xml');
               done([blob.type, doc.querySelector('parsererror') === null,
                     doc.documentElement.tagName,
                     doc.querySelectorAll('[data-node]').length,
                     text.includes('--accent'),
                     doc.documentElement.querySelectorAll('[data-node=\"broker-1\"]').length, text]);
             });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(checked[0], "image/svg+xml", "{checked}");
    assert_eq!(checked[1], true, "well-formed XML: {checked}");
    assert_eq!(checked[2], "svg", "{checked}");
    assert!(checked[3].as_u64().unwrap() >= 4, "the nodes: {checked}");
    assert_eq!(checked[4], true, "the page's styles inlined: {checked}");
    assert_eq!(checked[5], 1, "{checked}");
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("frame-export.svg"), checked[6].as_str().unwrap()).unwrap();
    assert_no_console_errors(c).await;
    // The same frame as PNG: twice the scene's size on screen, and drawn (not blank).
    click(c, "export-png").await;
    let png = wait_until(Duration::from_secs(10), "the PNG", || async {
        let v = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const blob = window.__saved.find(b => b.type === 'image/png');
                 if (!blob) { done(null); return; }
                 createImageBitmap(blob).then(image => {
                   const canvas = document.createElement('canvas');
                   canvas.width = image.width; canvas.height = image.height;
                   const g = canvas.getContext('2d');
                   g.drawImage(image, 0, 0);
                   const px = g.getImageData(0, 0, image.width, image.height).data;
                   let inked = 0;
                   // The colours drawn, greys left out (to 16 levels a channel): without the page's
                   // styles an SVG draws black on white (fills default to black, no strokes), so
                   // greys only.
                   const colours = new Set();
                   for (let i = 0; i < px.length; i += 4) {
                     if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) inked++;
                     const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
                     if (Math.max(r, g, b) - Math.min(r, g, b) > 32) colours.add((r >> 4) * 256 + (g >> 4) * 16 + (b >> 4));
                   }
                   const shown = document.querySelector('svg.scene').getBoundingClientRect();
                   done([image.width, image.height, Math.round(shown.width * 2), Math.round(shown.height * 2), inked, colours.size]);
                 });",
                vec![],
            )
            .await
            .unwrap();
        (!v.is_null()).then_some(v)
    })
    .await
    .unwrap();
    assert!(
        (png[0].as_i64().unwrap() - png[2].as_i64().unwrap()).abs() <= 2,
        "{png}"
    );
    assert!(
        (png[1].as_i64().unwrap() - png[3].as_i64().unwrap()).abs() <= 2,
        "{png}"
    );
    assert!(
        png[4].as_u64().unwrap() > 5_000,
        "the scene is drawn: {png}"
    );
    eprintln!("PNG [width, height, expected width, expected height, inked pixels, colours]: {png}");
    assert!(
        png[5].as_u64().unwrap() >= 12,
        "the scene's colours (not greys), from the page's styles: {png}"
    );
    assert_no_console_errors(c).await;
}

/// The session saved as TOML (through the scenario-file worker) opens natively and replays to
/// the trace hash the share panel shows; the trace saved as JSON is that trace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_saves_as_toml_and_the_trace_as_json_both_replaying_the_page_s_run() {
    let page = open_page("/").await;
    let c = &page.client;
    page.open_scenario("acks-1-failover-loss").await;
    seek(c, "30000").await.unwrap();
    // The reader's own fault, carried by the session.
    click_on(c, "[data-node='broker-3']").await;
    catch_saved_files(c).await;
    click(c, "share").await;
    let hash = text_of(c, "[data-testid='trace-hash']").await.unwrap();
    let saved_text = |mime: &'static str| async move {
        wait_until(Duration::from_secs(30), mime, || async {
            let v = c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     const blob = window.__saved.find(b => b.type === arguments[0]);
                     if (!blob) { done(null); return; }
                     blob.text().then(done);",
                    vec![mime.into()],
                )
                .await
                .unwrap();
            v.as_str().map(str::to_string)
        })
        .await
        .unwrap()
    };
    click(c, "download-toml").await;
    let toml = saved_text("application/toml").await;
    let scenario = Scenario::from_toml(&toml).expect("the saved TOML opens");
    assert_eq!(
        scenario.reader_actions().count(),
        1,
        "the reader's crash is in it"
    );
    let replayed = kafkascope_engine::Timeline::record(&scenario);
    assert_eq!(
        format!("{:016x}", kafkascope_engine::trace_hash(replayed.trace())),
        hash,
        "the saved TOML replays the page's run"
    );
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("saved-session.toml");
    std::fs::write(&saved, &toml).unwrap();
    assert_eq!(
        kafkascope_browser_tests::sim_trace_hash(&["run", saved.to_str().unwrap()]),
        hash,
        "kafkascope-sim replays the saved TOML to the page's run"
    );
    click(c, "download-trace").await;
    let json = saved_text("application/json").await;
    let trace: Vec<kafkascope_engine::TraceEvent> =
        serde_json::from_str(&json).expect("the trace as JSON");
    assert_eq!(
        format!("{:016x}", kafkascope_engine::trace_hash(&trace)),
        hash
    );
    // The page opens the saved file again: the same run, by its trace hash.
    click(c, "share").await;
    c.find(Locator::Css("[data-testid='open-file']"))
        .await
        .unwrap()
        .send_keys(saved.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    // A file's session carries its whole scenario: the address names no built-in any more.
    wait_until(Duration::from_secs(30), "the saved file open", || async {
        let search = c.execute("return location.search", vec![]).await.ok()?;
        let search = search.as_str()?.to_string();
        (search.contains("session=") && !search.contains("scenario=")).then_some(())
    })
    .await
    .unwrap();
    click(c, "share").await;
    assert_eq!(
        text_of(c, "[data-testid='trace-hash']").await.as_deref(),
        Some(hash.as_str()),
        "the page reopens its saved TOML to the same run"
    );
    assert_no_console_errors(c).await;
}
