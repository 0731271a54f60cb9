//! End-to-end: the compare view. The acks lesson compared with itself at `acks=all` (set in
//! side B's settings, as a reader would) shows the acknowledged records lost on the `acks=1`
//! side and none on the other, at the same instant, with the differing figure marked and the
//! differing setting named. The figures equal the engine's own report for each configuration.
//! A broker clicked on one side crashes on both. The plain table and the unique-key one (a
//! database setting, not Kafka's) compare the same way: duplicate rows on one side, refused
//! writes on the other.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::{
    click, click_on, data_up, screenshot, seek, set_viewport, wait_until, AppSession,
};
use kafkascope_engine::message::Acks;
use kafkascope_engine::{Scenario, Timeline};
use std::time::Duration;

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// A figure of one side's outcome line: its value and whether it is marked as differing.
async fn figure(c: &Client, side: &str, name: &str) -> (u64, bool) {
    let v = js(
        c,
        &format!(
            "const b = document.querySelector(\"[data-testid='compare-line-{side}'] [data-count='{name}']\");
             return b ? [Number(b.textContent), b.parentElement.classList.contains('differs')] : null;"
        ),
    )
    .await;
    let v = v
        .as_array()
        .unwrap_or_else(|| panic!("no {name} on side {side}"));
    (v[0].as_u64().unwrap(), v[1].as_bool().unwrap())
}

/// The settings named as differing, once the two sides differ in one (each side names it).
async fn differences_named(c: &Client) -> Vec<String> {
    wait_until(Duration::from_secs(20), "the differing setting named", || async {
        let v = js(
            c,
            "return [...document.querySelectorAll('.compare-differences li')].map(li => li.textContent);",
        )
        .await;
        let named: Vec<String> = serde_json::from_value(v).ok()?;
        (named.len() == 2).then_some(named)
    })
    .await
    .unwrap()
}

/// Side B's settings panel, and its Apply.
const B_SETTINGS: &str = "[data-testid='compare-b'] [data-testid='settings'] summary";
const B_APPLY: &str = "[data-testid='compare-b'] [data-testid='settings-apply']";

/// Opens the compare view of the page's scenario at 1280×720.
async fn enter_compare(c: &Client) {
    set_viewport(c, 1280, 720).await.unwrap();
    click(c, "compare").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(
            "[data-testid='compare-scene-b'] [data-testid='scene']",
        ))
        .await
        .expect("the compare view");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_shows_the_acks_1_loss_on_one_side_and_none_on_the_other() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    enter_compare(c).await;
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('.compare-differences li').length"
        )
        .await,
        0,
        "both sides start with the same settings"
    );

    // B: acks=all, through B's own settings panel.
    click_on(c, B_SETTINGS).await;
    c.find(Locator::Css(
        "[data-testid='compare-b'] [data-testid='set-acks']",
    ))
    .await
    .unwrap()
    .select_by_value("all")
    .await
    .unwrap();
    click_on(c, B_APPLY).await;
    assert_eq!(differences_named(c).await, ["acks = 1", "acks = all"]);

    // The engine's verdict for each configuration, run natively.
    let a = Scenario::from_toml(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/acks-1-failover-loss.toml"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut b = a.clone();
    b.producers[0].acks = Acks::All;
    let lost_a = Timeline::record(&a).report().lost_acknowledged;
    let lost_b = Timeline::record(&b).report().lost_acknowledged;
    assert!(
        lost_a > 0 && lost_b == 0,
        "the engine: {lost_a} and {lost_b}"
    );

    // The end of both runs, one slider for both.
    seek(c, "s.max").await.unwrap();
    let (page_a, marked_a) = wait_until(Duration::from_secs(10), "side A's losses", || async {
        let f = figure(c, "a", "lost_acknowledged").await;
        (f.0 > 0).then_some(f)
    })
    .await
    .unwrap();
    let (page_b, marked_b) = figure(c, "b", "lost_acknowledged").await;
    assert_eq!(
        (page_a, page_b),
        (lost_a, lost_b),
        "each side is its engine run"
    );
    assert!(
        marked_a && marked_b,
        "the differing figure is marked on both sides"
    );
    let (produced_a, produced_marked) = figure(c, "a", "produced").await;
    assert_eq!(produced_a, figure(c, "b", "produced").await.0);
    assert!(!produced_marked, "an equal figure is not marked");
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('.compare .dim').length"
        )
        .await,
        0,
        "no lesson step's highlights: they tell one side's story"
    );
    screenshot(c, "compare-1280x720.png").await;

    // The comparison as a link (the address, paused): a fresh browser opens the same two sides
    // at the same instant.
    let address = js(c, "return location.href").await;
    let query = address
        .as_str()
        .unwrap()
        .split_once('?')
        .unwrap()
        .1
        .to_string();
    let clock = js(
        c,
        "return document.querySelector(\"[data-testid='clock']\").textContent",
    )
    .await;
    {
        let fresh = AppSession::open(&format!("?{query}")).await.unwrap();
        let f = &fresh.client;
        set_viewport(f, 1280, 720).await.unwrap();
        assert_eq!(differences_named(f).await, ["acks = 1", "acks = all"]);
        assert_eq!(
            js(
                f,
                "return document.querySelector(\"[data-testid='clock']\").textContent"
            )
            .await,
            clock
        );
        assert_eq!(figure(f, "a", "lost_acknowledged").await.0, lost_a);
        assert_eq!(figure(f, "b", "lost_acknowledged").await.0, lost_b);
    }

    // A broker clicked on side A crashes on both sides at that instant.
    seek(c, "1000").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let broker = "[data-testid='compare-scene-a'] [data-node='broker-3']";
    assert_eq!(data_up(c, broker).await.as_deref(), Some("true"));
    click_on(c, broker).await;
    for side in ["a", "b"] {
        let selector = format!("[data-testid='compare-scene-{side}'] [data-node='broker-3']");
        wait_until(Duration::from_secs(5), "broker 3 down", || async {
            (data_up(c, &selector).await.as_deref() == Some("false")).then_some(())
        })
        .await
        .unwrap_or_else(|e| panic!("side {side}: {e}"));
    }

    click(c, "compare-exit").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid='lesson-text']"))
        .await
        .expect("back to the lesson");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_shows_the_plain_tables_duplicate_rows_and_none_with_a_unique_key() {
    let page = AppSession::open("?scenario=database-duplicate-row")
        .await
        .unwrap();
    let c = &page.client;
    enter_compare(c).await;
    // B: the payments table with a unique key, through B's own settings panel.
    click_on(c, B_SETTINGS).await;
    click_on(
        c,
        "[data-testid='compare-b'] [data-testid='set-unique-key-payments']",
    )
    .await;
    click_on(c, B_APPLY).await;
    assert_eq!(
        differences_named(c).await,
        ["unique_key = false", "unique_key = true"],
        "the table's unique key is the difference"
    );
    // The engine's verdict for each table, run natively.
    let a = Scenario::from_toml(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/database-duplicate-row.toml"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut b = a.clone();
    b.database.as_mut().unwrap().tables[0].unique_key = true;
    let (run_a, run_b) = (Timeline::record(&a), Timeline::record(&b));
    let (dups_a, dups_b) = (
        run_a.report().tables[0].duplicate_rows,
        run_b.report().tables[0].duplicate_rows,
    );
    assert!(
        dups_a > 0 && dups_b == 0,
        "the engine: {dups_a} and {dups_b}"
    );
    seek(c, "s.max").await.unwrap();
    let (page_a, marked) = wait_until(
        Duration::from_secs(10),
        "side A's duplicate rows",
        || async {
            let f = figure(c, "a", "duplicate_rows").await;
            (f.0 > 0).then_some(f)
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (page_a, figure(c, "b", "duplicate_rows").await.0),
        (dups_a, dups_b),
        "each side is its engine run"
    );
    assert!(marked, "the differing figure is marked");
    assert_eq!(
        figure(c, "b", "refused_writes").await.0,
        run_b.report().tables[0].refused_writes,
        "B's refused writes, as its engine run"
    );
    screenshot(c, "compare-unique-key-1280x720.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_side_opened_from_a_scenario_file_can_differ_in_any_setting() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    enter_compare(c).await;
    // B from a file: the lesson's scenario with fewer records, a setting no panel offers.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/acks-1-failover-loss.toml"
    ))
    .unwrap();
    assert!(text.contains("\nrecords = 6\n"));
    let changed = text.replace("\nrecords = 6\n", "\nrecords = 4\n");
    let dir = kafkascope_browser_tests::target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("compare-side-b.toml");
    std::fs::write(&file, &changed).unwrap();
    c.find(Locator::Css(
        "[data-testid='compare-b'] [data-testid='compare-open-file']",
    ))
    .await
    .unwrap()
    .send_keys(file.canonicalize().unwrap().to_str().unwrap())
    .await
    .unwrap();
    assert_eq!(differences_named(c).await, ["records = 6", "records = 4"]);
    let b = Scenario::from_toml(&changed).unwrap();
    seek(c, "s.max").await.unwrap();
    let produced_b = wait_until(Duration::from_secs(10), "side B's run", || async {
        let f = figure(c, "b", "produced").await;
        (f.0 == 4).then_some(f)
    })
    .await
    .unwrap();
    assert_eq!(produced_b.0, Timeline::record(&b).report().produced);
    assert!(produced_b.1, "the differing figure is marked");
    assert_eq!(figure(c, "a", "produced").await.0, 6);
}
