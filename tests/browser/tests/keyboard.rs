//! End-to-end: a lesson walked with the keyboard only — Tab, Enter and letters, as WebDriver
//! types them into whatever has focus: the lesson's Next, a broker crashed from the scene, the
//! side panels opened and the broker restarted from the fault panel, a setting changed and
//! applied. Every stop has a visible focus mark.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::{
    data_up, devtools, screenshot, set_viewport, text_of, wait_until, AppSession,
};
use std::time::Duration;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Presses and releases each key in `keys`, as the keyboard would (W3C actions: to whatever
/// has focus, whatever it is).
async fn type_keys(c: &Client, keys: &str) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys.chars() {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    c.perform_actions(actions).await.expect("typing");
}

/// Presses Tab until the focused element matches `selector` (at most 80 times), and checks that
/// the focus shows: an outline on a control, the accent stroke on a scene node.
async fn tab_to(c: &Client, selector: &str) {
    let matches = format!(
        "return !!document.activeElement && document.activeElement.matches(\"{selector}\")"
    );
    for _ in 0..80 {
        if js(c, &matches).await == true {
            let shown = js(
                c,
                "const e = document.activeElement;
                 const rect = e.querySelector(':scope > .node > .frame > rect') || e.querySelector(':scope.node > rect');
                 return rect ? ['node', getComputedStyle(rect).strokeWidth] : ['control', getComputedStyle(e).outlineStyle];",
            )
            .await;
            // A scene node shows focus by its frame's accent stroke (4 px; 1.5 px unfocused), a
            // control by its outline.
            let visible = match shown[0].as_str() {
                Some("node") => shown[1] == "4px",
                _ => shown[1] != "none",
            };
            assert!(visible, "{selector}: the focus is visible ({shown})");
            return;
        }
        type_keys(c, TAB).await;
    }
    panic!("Tab never reached {selector}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_is_walked_with_the_keyboard_only_including_a_fault_and_a_setting() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    set_viewport(c, 1280, 720).await.unwrap();
    js(c, "document.activeElement && document.activeElement.blur()").await;
    let position = || async { text_of(c, "[data-testid='lesson-position']").await.unwrap() };
    let first = position().await;

    // Next, by Enter.
    tab_to(c, "[data-testid='lesson-next']").await;
    type_keys(c, ENTER).await;
    wait_until(Duration::from_secs(20), "the next step", || async {
        let now = position().await;
        (now != first).then_some(())
    })
    .await
    .unwrap();

    // Next again, by Space: Space on a focused button presses it — the lesson stops at the step
    // after ("Step 3 of 5"), where Space as the page's play would play on through the run.
    let second = position().await;
    let (at, of) = second
        .strip_prefix("Step ")
        .and_then(|rest| rest.split_once(" of "))
        .and_then(|(i, n)| Some((i.parse::<usize>().ok()?, n.to_string())))
        .unwrap_or_else(|| panic!("a lesson position: {second}"));
    type_keys(c, " ").await;
    wait_until(
        Duration::from_secs(20),
        "the step after, by Space, paused",
        || async {
            let paused = c.find(Locator::Css("[data-testid='play']")).await.is_ok();
            (paused && position().await != second).then_some(())
        },
    )
    .await
    .unwrap();
    assert_eq!(position().await, format!("Step {} of {of}", at + 1));

    // A broker crashed from the scene: Tab to it, Enter.
    let broker = "[data-node='broker-2']";
    assert_eq!(data_up(c, broker).await.as_deref(), Some("true"));
    tab_to(c, ".clickable[aria-label='Crash Broker 2']").await;
    screenshot(c, "keyboard-focus-broker.png").await;
    type_keys(c, ENTER).await;
    wait_until(Duration::from_secs(10), "broker 2 down", || async {
        (data_up(c, broker).await.as_deref() == Some("false")).then_some(())
    })
    .await
    .unwrap();
    // The frame in words, for a screen reader (announced while paused).
    let said = js(
        c,
        "const d = document.querySelector(\"[data-testid='frame-description']\");
         return [d.getAttribute('aria-live'), d.textContent];",
    )
    .await;
    let text = said[1].as_str().unwrap();
    assert_eq!(said[0], "polite");
    for part in [
        "At ",
        "Broker 1: P0 leader",
        "Broker 2: crashed.",
        "Producer 1 (acks=1)",
        "Just happened:",
    ] {
        assert!(text.contains(part), "{part:?} in {text:?}");
    }

    // The side panels, and the fault panel's restart.
    tab_to(c, "[data-testid='panels-toggle']").await;
    type_keys(c, ENTER).await;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("[data-testid='fault-broker-2']"))
        .await
        .unwrap();
    tab_to(c, "[data-testid='fault-broker-2']").await;
    type_keys(c, ENTER).await;
    wait_until(Duration::from_secs(10), "broker 2 up again", || async {
        (data_up(c, broker).await.as_deref() == Some("true")).then_some(())
    })
    .await
    .unwrap();

    // A setting: open the settings, choose acks=all by typing, apply.
    tab_to(c, "[data-testid='settings'] summary").await;
    type_keys(c, ENTER).await;
    tab_to(c, "[data-testid='set-acks']").await;
    type_keys(c, "a").await;
    assert_eq!(
        js(
            c,
            "return document.querySelector(\"[data-testid='set-acks']\").value"
        )
        .await,
        "all"
    );
    tab_to(c, "[data-testid='settings-apply']").await;
    type_keys(c, ENTER).await;
    wait_until(Duration::from_secs(20), "the run with acks=all", || async {
        text_of(c, "[data-node='producer-1']")
            .await
            .filter(|t| t.contains("acks=all"))
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_is_killed_with_the_keyboard_from_the_scene() {
    let page = AppSession::open("?scenario=hello-kafka").await.unwrap();
    let c = &page.client;
    set_viewport(c, 1280, 720).await.unwrap();
    let consumer = "[data-node='consumer-1']";
    wait_until(Duration::from_secs(10), "consumer 1", || async {
        data_up(c, consumer).await.filter(|u| u == "true")
    })
    .await
    .unwrap();
    tab_to(c, "[data-node='consumer-1'][aria-label='Kill Consumer 1']").await;
    type_keys(c, " ").await;
    wait_until(Duration::from_secs(10), "consumer 1 down", || async {
        data_up(c, consumer).await.filter(|u| u == "false")
    })
    .await
    .unwrap();
}

/// The accessibility tree Chromium gives assistive technology: every (role, name) not ignored.
async fn accessibility_tree(c: &Client) -> Vec<(String, String)> {
    let tree = devtools(c, "Accessibility.getFullAXTree", serde_json::json!({}))
        .await
        .unwrap();
    tree["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["ignored"] != true)
        .map(|n| {
            let field = |f: &str| {
                n[f]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            (field("role"), field("name"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_reader_finds_every_control_and_node_by_name_in_both_languages() {
    use kafkascope_engine::session::{link, Session};
    for (lang, crash, cut, group, database) in [
        ("en", "Crash Broker ", "Cut: ", "group ", "Crash Database 1"),
        ("ko", "브로커 ", " 끊기", "그룹 ", "데이터베이스 1 다운"),
    ] {
        for panels in [false, true] {
            let query = link::query(&Session {
                lang: Some(lang.into()),
                panels,
                ..Session::builtin("database-duplicate-row")
            });
            let page = AppSession::open(&format!("?{query}")).await.unwrap();
            let c = &page.client;
            set_viewport(c, 1280, 720).await.unwrap();
            wait_until(Duration::from_secs(10), "the scene", || async {
                text_of(c, "[data-node='broker-1']").await
            })
            .await
            .unwrap();
            let counts = js(
                c,
                "return [document.querySelectorAll('.scene [data-node^=broker-]').length,
                     document.querySelectorAll('.scene .edge').length,
                     document.querySelectorAll('.scene [data-group]').length];",
            )
            .await;
            let count = |i: usize| counts[i].as_u64().unwrap() as usize;
            let tree = accessibility_tree(c).await;
            // Every control, in the scene and around it, is named.
            let controls = [
                "button",
                "slider",
                "combobox",
                "checkbox",
                "textbox",
                "spinbutton",
                "link",
                "radio",
                "switch",
                "tab",
                "listbox",
                "menuitem",
            ];
            let unnamed: Vec<_> = tree
                .iter()
                .filter(|(role, name)| controls.contains(&role.as_str()) && name.is_empty())
                .collect();
            assert!(
                unnamed.is_empty(),
                "{lang}, panels {panels}: controls without a name: {unnamed:?}"
            );
            if panels {
                // The side panels name brokers and links again; the scene alone is counted below.
                continue;
            }
            let buttons = |test: &dyn Fn(&str) -> bool| {
                tree.iter()
                    .filter(|(role, name)| role == "button" && test(name))
                    .count()
            };
            // The scene is a named group, not one image: its nodes are reachable.
            assert!(
                tree.iter().any(|(role, name)| role == "group"
                    && (name.starts_with("Kafka cluster") || name.starts_with("카프카 클러스터"))),
                "{lang}: the scene as a named group"
            );
            let brokers =
                buttons(&|n: &str| n.starts_with(crash) && (lang == "en" || n.ends_with(" 다운")));
            assert_eq!(brokers, count(0), "{lang}: one named button per broker");
            let links = buttons(&|n: &str| match lang {
                "en" => n.starts_with(cut),
                _ => n.ends_with(cut) && !n.contains("broker-"),
            });
            assert_eq!(links, count(1), "{lang}: every link in the scene, named");
            assert!(count(1) > 0);
            assert!(
                buttons(&|n: &str| n == database) >= 1,
                "{lang}: the database as a button named {database:?}"
            );
            let groups = tree
                .iter()
                .filter(|(role, name)| role == "group" && name.starts_with(group))
                .count();
            assert_eq!(groups, count(2), "{lang}: each consumer group, named");
        }
    }
}
