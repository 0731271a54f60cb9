//! End-to-end: shared links. A link the page makes opens the same frame in a fresh browser, the
//! engine replays it to the trace hash the page shows, each kind of bad link gets its message
//! (and the scenario it still names), and back/forward move between what the reader did.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::{click, screenshot, seek, text_of, wait_until, AppSession};
use kafkascope_engine::session::link;
use std::time::Duration;

async fn js(client: &Client, script: &str) -> serde_json::Value {
    client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// What must be equal between two browsers showing the same session. The scene's markup is
/// compared with each element's attributes sorted: the DOM keeps them in the order they were
/// first set, which differs between a scene patched frame by frame and one drawn at once.
async fn frame(c: &Client) -> serde_json::Value {
    js(
        c,
        "const canonical = (n) => n.nodeType === 3 ? n.textContent
            : '<' + n.tagName + [...n.attributes].map(a => ' ' + a.name + '=' + JSON.stringify(a.value)).sort().join('')
              + '>' + [...n.childNodes].map(canonical).join('') + '</' + n.tagName + '>';
        return {
            clock: document.querySelector(\"[data-testid='clock']\").textContent,
            lang: document.documentElement.lang,
            speed: document.querySelector(\"[data-testid='speed']\").value,
            scene: canonical(document.querySelector('svg.scene')),
            step: (document.querySelector(\"[data-testid='lesson-position']\") || {}).textContent || null,
        }",
    )
    .await
}

/// The trace hash `kafkascope-sim run --link URL --trace-hash` prints: the headless runner
/// itself, reading the built-in scenarios from `scenarios/`.
fn engine_hash(url: &str) -> String {
    let scenarios = format!("{}/../../scenarios", env!("CARGO_MANIFEST_DIR"));
    kafkascope_browser_tests::sim_trace_hash(&["run", "--link", url, "--scenarios", &scenarios])
}

async fn share_link(c: &Client) -> (String, String) {
    click(c, "share").await;
    let url = wait_until(Duration::from_secs(5), "the share panel", || async {
        c.find(Locator::Css("[data-testid='share-link']"))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()
            .flatten()
    })
    .await
    .unwrap();
    // "Copy link" puts that link on the clipboard and says so (clipboard access granted to the
    // page's origin, as a reader's browser grants it on a click).
    let origin = url.split('/').take(3).collect::<Vec<_>>().join("/");
    kafkascope_browser_tests::devtools(
        c,
        "Browser.grantPermissions",
        serde_json::json!({
            "origin": origin,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        }),
    )
    .await
    .unwrap();
    click(c, "copy-link").await;
    wait_until(Duration::from_secs(5), "the link copied", || async {
        c.find(Locator::Css(".share-panel .copied")).await.ok()
    })
    .await
    .unwrap();
    let clipboard = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.clipboard.readText().then(done, e => done('refused: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(clipboard, url.as_str(), "the clipboard holds the link");
    let hash = text_of(c, "[data-testid='trace-hash']").await.unwrap();
    screenshot(c, "share-panel.png").await;
    click(c, "share").await;
    (url, hash)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_made_by_the_page_opens_the_same_frame_elsewhere_and_replays_to_the_same_trace() {
    let first = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &first.client;
    // The reader's own fault, a slower speed, Korean, and a moment after the fault.
    seek(c, "1500000").await.unwrap();
    c.find(Locator::Css("[data-node='broker-2']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    seek(c, "2500000").await.unwrap();
    c.find(Locator::Css("[data-testid='speed']"))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    click(c, "lang").await;
    let (url, hash) = share_link(c).await;
    assert!(
        url.contains("?scenario=acks-1-failover-loss&session=1."),
        "{url}"
    );
    assert_eq!(
        hash,
        engine_hash(&url),
        "the runner replays the page's link"
    );
    // The address bar follows the paused screen.
    let address = js(c, "return location.href").await;
    assert_eq!(address.as_str(), Some(url.as_str()));
    let shown = frame(c).await;
    assert_eq!(shown["lang"], "ko");

    // A fresh browser (no stored language) opens the link to the same frame.
    let second = AppSession::open(&url[first.server.url().len()..])
        .await
        .unwrap();
    let same = wait_until(Duration::from_secs(10), "the same frame", || async {
        let there = frame(&second.client).await;
        (there == shown).then_some(())
    })
    .await;
    if let Err(e) = same {
        let there = frame(&second.client).await;
        let (a, b) = (
            shown["scene"].as_str().unwrap_or_default(),
            there["scene"].as_str().unwrap_or_default(),
        );
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let at = a.floor_char_boundary(at.saturating_sub(120));
        panic!(
            "{e}:\nhere  {}\nthere {}\nscenes differ from: {:?}\n                vs: {:?}",
            frame_diff(&shown),
            frame_diff(&there),
            &a[at..a.len().min(at + 400)],
            &b[b.floor_char_boundary(at)..b.len().min(at + 400)]
        );
    }
    let (again, hash_there) = share_link(&second.client).await;
    assert_eq!(hash_there, hash);
    let query = |u: &str| u.split_once('?').map(|(_, q)| q.to_string());
    assert_eq!(
        query(&again),
        query(&url),
        "opening a link and sharing it again gives the same link"
    );

    // A changed setting travels as the whole scenario, and replays too.
    click(c, "lang").await;
    c.execute(
        "document.querySelector(\"[data-testid='settings']\").open = true",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css("[data-testid='set-acks']"))
        .await
        .unwrap()
        .select_by_value("all")
        .await
        .unwrap();
    click(c, "settings-apply").await;
    wait_until(
        Duration::from_secs(10),
        "the changed run's address",
        || async {
            let href = js(c, "return location.href").await;
            href.as_str()
                .filter(|h| !h.contains(&url[url.len() - 20..]))
                .map(str::to_string)
        },
    )
    .await
    .unwrap();
    let (changed, changed_hash) = share_link(c).await;
    let session = link::parse(&changed).unwrap();
    assert!(
        session.builtin_name().is_none(),
        "a changed scenario travels whole"
    );
    assert_eq!(changed_hash, engine_hash(&changed));
    assert_ne!(changed_hash, hash);
}

/// The frame's fields, and where its scene's markup first differs from `svg` (for a failure).
fn frame_diff(shown: &serde_json::Value) -> String {
    let scene = shown["scene"].as_str().unwrap_or_default();
    format!(
        "clock {} lang {} speed {} step {} scene {} chars, starting {:?}",
        shown["clock"],
        shown["lang"],
        shown["speed"],
        shown["step"],
        scene.len(),
        &scene[..scene.len().min(300)]
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_bad_link_says_what_is_wrong_and_offers_the_scenario_it_names() {
    let good = link::query(&kafkascope_engine::session::Session::builtin("hello-kafka"));
    let page = AppSession::open("?scenario=hello-kafka").await.unwrap();
    let c = &page.client;
    let base = page.server.url();
    let cut = &good[..good.len() - 5];
    let future = good.replace("session=1.", "session=9.");
    let damaged = good.replacen("session=1.", "session=1.*", 1);
    let mut bad_scenario =
        kafkascope_engine::Scenario::from_toml(include_str!("../../../scenarios/hello-kafka.toml"))
            .unwrap();
    bad_scenario.cluster.brokers = 0;
    let bad_scenario = link::query(&kafkascope_engine::session::Session {
        scenario: kafkascope_engine::session::SessionScenario::Full(Box::new(bad_scenario)),
        ..kafkascope_engine::session::Session::builtin("hello-kafka")
    });
    for (query, headline, detail) in [
        (cut.to_string(), "cut short", "cut short"),
        (future, "newer Kafkascope", "format 9"),
        (damaged, "damaged", "`*` at character 1"),
        (bad_scenario, "cannot run", "brokers"),
    ] {
        c.goto(&format!("{base}?{query}")).await.unwrap();
        let shown = wait_until(Duration::from_secs(10), "the link's message", || async {
            text_of(c, "[data-testid='link-trouble']").await
        })
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"));
        if headline == "damaged" {
            screenshot(c, "link-trouble.png").await;
        }
        assert!(shown.contains(headline), "{query}: {shown}");
        assert!(shown.contains(detail), "{query}: {shown}");
        assert!(
            text_of(c, "[data-testid='link-recover']").await.is_some(),
            "{query}: offers hello-kafka"
        );
    }
    // The offered scenario opens.
    click(c, "link-recover").await;
    wait_until(Duration::from_secs(10), "hello-kafka", || async {
        c.find(Locator::Css("[data-testid='timeline']")).await.ok()
    })
    .await
    .unwrap();
    // A link naming nothing it knows offers the start screen only.
    c.goto(&format!("{base}?session=1.")).await.unwrap();
    wait_until(Duration::from_secs(10), "the message", || async {
        text_of(c, "[data-testid='link-trouble']").await
    })
    .await
    .unwrap();
    assert!(text_of(c, "[data-testid='link-recover']").await.is_none());
    click(c, "link-start-screen").await;
    wait_until(Duration::from_secs(10), "the start screen", || async {
        c.find(Locator::Css("[data-testid='start-first-lesson']"))
            .await
            .ok()
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_and_forward_move_between_the_readers_steps_not_every_moment() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    let position = || async { text_of(c, "[data-testid='lesson-position']").await };
    let first = position().await.unwrap();
    let entries = js(c, "return history.length").await;
    // Moving the time inside a step replaces the entry.
    for t in ["100", "200", "300"] {
        seek(c, t).await.unwrap();
    }
    assert_eq!(js(c, "return history.length").await, entries);
    // Next (to the step's moment) is a new entry, twice; back returns step by step, twice.
    let mut shown = vec![first];
    for _ in 0..2 {
        let before = shown.last().unwrap().clone();
        let entries_before = js(c, "return history.length").await;
        click(c, "lesson-next").await;
        let next = wait_until(Duration::from_secs(20), "the next step", || async {
            position().await.filter(|p| *p != before)
        })
        .await
        .unwrap();
        wait_until(Duration::from_secs(20), "a new history entry", || async {
            (js(c, "return history.length").await != entries_before).then_some(())
        })
        .await
        .unwrap();
        shown.push(next);
    }
    assert_ne!(js(c, "return history.length").await, entries);
    for expected in shown[..2].iter().rev() {
        js(c, "history.back(); return null").await;
        wait_until(Duration::from_secs(10), "the step before", || async {
            position().await.filter(|p| p == expected)
        })
        .await
        .unwrap_or_else(|e| panic!("back to {expected}: {e}"));
    }
    // And forward again, step by step.
    for expected in &shown[1..] {
        js(c, "history.forward(); return null").await;
        wait_until(Duration::from_secs(10), "the step after", || async {
            position().await.filter(|p| p == expected)
        })
        .await
        .unwrap_or_else(|e| panic!("forward to {expected}: {e}"));
    }
}
