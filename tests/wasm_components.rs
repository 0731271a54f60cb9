//! Component tests in headless Chromium: the real App mounted into a page.
#![cfg(target_arch = "wasm32")]

use gloo::storage::Storage;
use gloo_timers::future::TimeoutFuture;
use kafkascope::components::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted App; dropping the test's `Mounted` unmounts it, so tests do not share live apps.
struct Mounted {
    root: Element,
    app: Option<yew::AppHandle<App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

impl std::ops::Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

/// Mounts the App on the default scenario (with no scenario in the address it shows the start
/// screen). The page would fetch the scenario's file from beside it; this test server has none,
/// so the test supplies the file the build made.
fn mount() -> Mounted {
    kafkascope::scenarios::supply_builtin_text(
        "hello-kafka",
        include_str!(concat!(env!("OUT_DIR"), "/hello-kafka.json")),
    );
    kafkascope::session::write_address("scenario=hello-kafka", false);
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    Mounted {
        root,
        app: Some(app),
    }
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

async fn settle() {
    TimeoutFuture::new(30).await;
}

#[wasm_bindgen_test]
async fn app_draws_every_node_and_the_controls() {
    gloo::storage::LocalStorage::clear();
    let root = mount();
    settle().await;
    for node in ["producer-1", "broker-1", "consumer-1"] {
        find(&root, &format!("[data-node='{node}']"));
    }
    for id in [
        "play", "step", "speed", "timeline", "lang", "produced", "acked", "consumed",
    ] {
        find(&root, &format!("[data-testid='{id}']"));
    }
    assert_eq!(text(&root, "[data-testid='consumed']"), "0");
}

#[wasm_bindgen_test]
async fn stepping_advances_the_clock_and_the_world() {
    gloo::storage::LocalStorage::clear();
    let root = mount();
    settle().await;
    let clock0 = text(&root, "[data-testid='clock']");
    let mut steps = 0;
    // Step until the broker has appended something: the partition log grows a cell.
    while root
        .query_selector("[data-node='broker-1'] .cell")
        .unwrap()
        .is_none()
    {
        click(&root, "[data-testid='step']");
        settle().await;
        steps += 1;
        assert!(steps < 50, "the broker never appended a record");
    }
    assert_ne!(text(&root, "[data-testid='clock']"), clock0);
    assert!(
        steps >= 2,
        "a produce request needs at least one step to arrive"
    );
}

#[wasm_bindgen_test]
async fn the_language_switch_changes_every_label_and_is_remembered() {
    gloo::storage::LocalStorage::clear();
    let root = mount();
    settle().await;
    let english = text(&root, "[data-testid='play']");
    click(&root, "[data-testid='lang']");
    settle().await;
    let korean = text(&root, "[data-testid='play']");
    assert_ne!(english, korean);
    assert!(korean.contains("재생"), "{korean}");
    // The choice is stored by an effect after the render: wait for it (up to a second).
    let mut stored = String::new();
    for _ in 0..50 {
        stored = gloo::storage::LocalStorage::get("kafkascope.lang").unwrap_or_default();
        if stored == "ko" {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert_eq!(stored, "ko");
}
