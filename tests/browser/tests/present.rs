//! End-to-end: presenting in a classroom. A lesson opened in the presentation layout fills a
//! 1280×720 and a 1920×1080 screen with the scene and large narration, no site header; the
//! clicker keys step through the lesson and on to the tour's next lesson; digit keys crash and
//! restart a broker live (with the key hint on screen), L selects a link and X cuts and heals it;
//! Esc stops presenting.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::{
    click, data_up, min_scene_label_px, screenshot, set_viewport, text_of, wait_until, AppSession,
};
use kafkascope_engine::session::{link, Layout, Session};
use std::time::Duration;

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// A key press as the page's listener sees it (`key`, `code`), sent to the document.
async fn press(c: &Client, key: &str, code: &str) {
    press_with(c, key, code, false).await;
}

/// The same, with Shift held or not.
async fn press_with(c: &Client, key: &str, code: &str, shift: bool) {
    c.execute(
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], code: arguments[1], shiftKey: arguments[2], bubbles: true}))",
        vec![key.into(), code.into(), shift.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("key {key:?}: {e}"));
}

/// A key pressed on the keyboard itself (WebDriver actions: trusted input, which the page may
/// answer with what needs a user's gesture, such as full screen).
async fn type_key(c: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(actions).await.expect("typing");
}

/// WCAG's contrast ratio of an element's text colour against the background it sits on (the
/// first ancestor with an opaque one), from their computed colours.
async fn text_contrast(c: &Client, selector: &str) -> f64 {
    js(
        c,
        &format!(
            "const el = document.querySelector(\"{selector}\");
             const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
             let bg = el, back = [0, 0, 0, 0];
             while (bg) {{
               const c = rgb(getComputedStyle(bg).backgroundColor);
               if (c.length < 4 || c[3] === 1) {{ back = c; break; }}
               bg = bg.parentElement;
             }}
             if (!bg) back = [255, 255, 255];
             const lum = ([r, g, b]) => [r, g, b].map(v => {{ v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }})
               .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
             const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(back)];
             return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);"
        ),
    )
    .await
    .as_f64()
    .unwrap()
}

/// The built-in scenario `name` opened in the presentation layout, as a link opens it.
async fn presenting(name: &str) -> AppSession {
    let query = link::query(&Session {
        layout: Layout::Present,
        ..Session::builtin(name)
    });
    AppSession::open(&format!("?{query}")).await.unwrap()
}

async fn position(c: &Client) -> String {
    text_of(c, "[data-testid='lesson-position']")
        .await
        .unwrap_or_default()
}

async fn broker_up(c: &Client, n: u32) -> Option<String> {
    data_up(c, &format!("[data-node='broker-{n}']")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_is_presented_full_screen_with_clicker_keys_and_live_faults() {
    let page = presenting("acks-1-failover-loss").await;
    let c = &page.client;
    for (width, height) in [(1920, 1080), (1280, 720)] {
        set_viewport(c, width, height).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let layout = js(
            c,
            "const text = document.querySelector(\"[data-testid='lesson-text']\");
             const scene = document.querySelector(\"[data-testid='scene']\").getBoundingClientRect();
             const header = document.querySelector('.app-header');
             return [parseFloat(getComputedStyle(text).fontSize), scene.width, scene.height,
                     header ? header.getBoundingClientRect().height : 0,
                     document.documentElement.scrollHeight <= innerHeight,
                     !!document.querySelector(\"[data-testid='side-panels']\")];",
        )
        .await;
        let font = layout[0].as_f64().unwrap();
        assert!(font >= 20.0, "{width}x{height}: narration at {font} px");
        assert!(
            layout[1].as_f64().unwrap() >= f64::from(width) * 0.55,
            "{width}x{height}: the scene fills the screen: {layout}"
        );
        assert_eq!(layout[3], 0.0, "{width}x{height}: no site header");
        assert_eq!(
            layout[4], true,
            "{width}x{height}: one screen, no scrolling"
        );
        assert_eq!(
            layout[5], false,
            "{width}x{height}: panels hidden until asked for"
        );
        let (px, label) = min_scene_label_px(c).await.unwrap();
        assert!(px >= 12.0, "{width}x{height}: label {label} at {px:.1} px");
        // The key hint is on screen (WebDriver's text is the text shown: empty when hidden).
        let hint = text_of(c, "[data-testid='present-keys']")
            .await
            .unwrap_or_default();
        assert!(
            !hint.trim().is_empty(),
            "{width}x{height}: the key hint shows"
        );
        screenshot(c, &format!("present-{width}x{height}.png")).await;
    }
    // The clicker: PageDown steps, PageUp goes back.
    let first = position(c).await;
    press(c, "PageDown", "PageDown").await;
    wait_until(Duration::from_secs(20), "step 2", || async {
        let p = position(c).await;
        (p != first).then_some(p)
    })
    .await
    .unwrap();
    press(c, "PageUp", "PageUp").await;
    wait_until(Duration::from_secs(10), "step 1 again", || async {
        (position(c).await == first).then_some(())
    })
    .await
    .unwrap();
    // "2" crashes broker 2 live; "2" again restarts it.
    assert_eq!(broker_up(c, 2).await.as_deref(), Some("true"));
    press(c, "2", "Digit2").await;
    wait_until(Duration::from_secs(10), "broker 2 down", || async {
        broker_up(c, 2).await.filter(|u| u == "false")
    })
    .await
    .unwrap();
    press(c, "2", "Digit2").await;
    wait_until(Duration::from_secs(10), "broker 2 up again", || async {
        broker_up(c, 2).await.filter(|u| u == "true")
    })
    .await
    .unwrap();
    // "L" selects a link (named in the key hint, drawn in the accent colour), "X" cuts it in
    // the engine (both ways, as a click on it does), "X" again heals it.
    press(c, "l", "KeyL").await;
    let selected = wait_until(Duration::from_secs(10), "a selected link", || async {
        js(
            c,
            "const e = document.querySelector('.edge.selected'); return e && e.dataset.link",
        )
        .await
        .as_str()
        .map(str::to_string)
    })
    .await
    .unwrap();
    // "broker-1-broker-2": the two node names, split at the second hyphen.
    let middle = selected.match_indices('-').nth(1).unwrap().0;
    let (from, to) = (&selected[..middle], &selected[middle + 1..]);
    let named = text_of(c, "[data-testid='selected-link']").await.unwrap();
    assert!(
        named.contains(&format!("Cut: {from} ↔ {to}")),
        "the key hint names the selected link {selected}: {named}"
    );
    let cut_of = format!(
        "return document.querySelector(\"[data-link='{selected}'] path[data-cut]\").dataset.cut"
    );
    assert_eq!(js(c, &cut_of).await, "false");
    press(c, "x", "KeyX").await;
    wait_until(Duration::from_secs(10), "the selected link cut", || async {
        (js(c, &cut_of).await == "true").then_some(())
    })
    .await
    .unwrap();
    assert!(text_of(c, "[data-testid='selected-link']")
        .await
        .unwrap()
        .contains("Heal:"));
    screenshot(c, "present-link-cut-1280x720.png").await;
    press(c, "x", "KeyX").await;
    wait_until(
        Duration::from_secs(10),
        "the selected link healed",
        || async { (js(c, &cut_of).await == "false").then_some(()) },
    )
    .await
    .unwrap();
    // Past the last step, the clicker opens the tour's next lesson.
    for _ in 0..30 {
        if text_of(c, "[data-testid='free-play']").await.is_some() {
            break;
        }
        press(c, "PageDown", "PageDown").await;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    press(c, "PageDown", "PageDown").await;
    wait_until(
        Duration::from_secs(20),
        "the tour's next lesson",
        || async {
            js(c, "return location.search")
                .await
                .as_str()
                .filter(|s| s.contains("scenario=min-isr-not-enough-replicas"))
                .map(str::to_string)
        },
    )
    .await
    .unwrap();
    assert!(
        js(c, "return document.querySelector('.app.present') !== null")
            .await
            .as_bool()
            .unwrap(),
        "still presenting"
    );
    // High contrast: the narration and the outcome line at WCAG's AAA ratio (7:1) or more.
    for part in [
        "[data-testid='lesson-text']",
        "[data-testid='outcome-line'] b",
    ] {
        let ratio = text_contrast(c, part).await;
        assert!(ratio >= 7.0, "{part}: contrast {ratio:.1}:1");
    }
    // The side panels, hidden while presenting, open when asked for (the lesson's panels
    // button) and close again.
    assert!(c
        .find(Locator::Css("[data-testid='side-panels']"))
        .await
        .is_err());
    click(c, "panels-toggle").await;
    wait_until(Duration::from_secs(5), "the side panels", || async {
        c.find(Locator::Css("[data-testid='side-panels']"))
            .await
            .ok()
    })
    .await
    .unwrap();
    click(c, "panels-toggle").await;
    wait_until(Duration::from_secs(5), "the side panels hidden", || async {
        c.find(Locator::Css("[data-testid='side-panels']"))
            .await
            .is_err()
            .then_some(())
    })
    .await
    .unwrap();
    // F: full screen, and F again leaves it (a real key press: full screen needs one).
    js(c, "document.activeElement && document.activeElement.blur()").await;
    type_key(c, 'f').await;
    wait_until(Duration::from_secs(5), "full screen", || async {
        (js(c, "return document.fullscreenElement !== null").await == true).then_some(())
    })
    .await
    .unwrap();
    type_key(c, 'f').await;
    wait_until(Duration::from_secs(5), "full screen left", || async {
        (js(c, "return document.fullscreenElement === null").await == true).then_some(())
    })
    .await
    .unwrap();
    // Esc stops presenting: the header is back.
    press(c, "Escape", "Escape").await;
    wait_until(Duration::from_secs(5), "the site header", || async {
        c.find(Locator::Css(".app:not(.present) .app-header"))
            .await
            .ok()
    })
    .await
    .unwrap();
    click(c, "present").await;
    c.find(Locator::Css(".app.present")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presenting_shift_and_a_digit_kills_and_restarts_that_consumer() {
    let page = presenting("hello-kafka").await;
    let c = &page.client;
    set_viewport(c, 1280, 720).await.unwrap();
    let consumer_up = || async { data_up(c, "[data-node='consumer-1']").await };
    wait_until(Duration::from_secs(20), "consumer 1", || async {
        consumer_up().await.filter(|u| u == "true")
    })
    .await
    .unwrap();
    press_with(c, "!", "Digit1", true).await;
    wait_until(Duration::from_secs(10), "consumer 1 killed", || async {
        consumer_up().await.filter(|u| u == "false")
    })
    .await
    .unwrap();
    assert_eq!(
        broker_up(c, 1).await.as_deref(),
        Some("true"),
        "Shift+1 is not broker 1"
    );
    press_with(c, "!", "Digit1", true).await;
    wait_until(Duration::from_secs(10), "consumer 1 restarted", || async {
        consumer_up().await.filter(|u| u == "true")
    })
    .await
    .unwrap();
}

/// The text of the QR code drawn in the element `selector`: its screenshot, scanned.
async fn scan_qr(c: &Client, selector: &str) -> String {
    let png_bytes = c
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("no {selector}: {e}"))
        .screenshot()
        .await
        .expect("the element's screenshot");
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut pixels).expect("its pixels");
    let (width, height) = (frame.width as usize, frame.height as usize);
    let per_pixel = frame.color_type.samples();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        pixels[(y * width + x) * per_pixel]
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in {selector}");
    grids[0].decode().expect("a readable QR code").1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_opens_the_scene_on_screen() {
    let page = presenting("acks-1-failover-loss").await;
    let c = &page.client;
    set_viewport(c, 1280, 720).await.unwrap();
    press(c, "PageDown", "PageDown").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // Presenting: Q shows the code over the scene; it says the address the page shows.
    press(c, "q", "KeyQ").await;
    c.find(Locator::Css("[data-testid='qr-overlay']"))
        .await
        .expect("Q shows the QR code");
    let scanned = scan_qr(c, "[data-testid='qr-overlay'] [data-testid='qr']").await;
    let address = js(c, "return location.href").await;
    assert_eq!(
        Some(scanned.as_str()),
        address.as_str(),
        "the code is this scene's link"
    );
    let session = link::parse(&scanned).expect("a session link");
    assert_eq!(session.layout, Layout::Present);
    assert_eq!(session.step, Some(1));
    screenshot(c, "present-qr-1280x720.png").await;
    press(c, "q", "KeyQ").await;
    wait_until(Duration::from_secs(5), "the code hidden", || async {
        c.find(Locator::Css("[data-testid='qr-overlay']"))
            .await
            .is_err()
            .then_some(())
    })
    .await
    .unwrap();
    // The share panel's code is its link.
    press(c, "Escape", "Escape").await;
    click(c, "share").await;
    let shared = js(
        c,
        "return document.querySelector(\"[data-testid='share-link']\").value",
    )
    .await;
    let scanned = scan_qr(c, "[data-testid='share-panel'] [data-testid='qr']").await;
    assert_eq!(Some(scanned.as_str()), shared.as_str());
}
