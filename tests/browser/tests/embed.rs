//! End-to-end: embeds. The example blog page's two embeds (640×360 and 480×270) load, stay inside
//! their frames without scroll bars, play, leave the host page's focus, scroll and history
//! alone, idle while another plays, and link to the full page with the same session; the share
//! panel's snippet embeds the session on screen.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::{
    click, dist_dir, screenshot, set_viewport, text_of, wait_until, AppSession, ChromeDriver,
    StaticServer,
};
use kafkascope_engine::session::{link, Layout};
use serde_json::Value;
use std::time::Duration;

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Enters the iframe `#id` of the host page (from the top).
async fn enter(c: &Client, id: &str) {
    c.enter_parent_frame().await.unwrap();
    c.enter_parent_frame().await.unwrap();
    c.find(Locator::Css(&format!("iframe#{id}")))
        .await
        .unwrap()
        .enter_frame()
        .await
        .unwrap();
}

/// Inside a frame: its scene has rendered, and nothing overflows the frame.
async fn check_fits(c: &Client, id: &str, width: u64, height: u64) {
    wait_until(Duration::from_secs(20), "the embed's scene", || async {
        c.find(Locator::Css("[data-testid='embed'] [data-testid='scene']"))
            .await
            .ok()
    })
    .await
    .unwrap_or_else(|e| panic!("{id}: {e}"));
    let size = js(
        c,
        "const d = document.documentElement;
         return [innerWidth, innerHeight, d.scrollWidth, d.scrollHeight,
                 !!document.querySelector('.app-header'), !!document.querySelector('.side')];",
    )
    .await;
    assert_eq!(size[0], width, "{id}: frame width");
    assert_eq!(size[1], height, "{id}: frame height");
    assert!(
        size[2].as_u64() <= size[0].as_u64() && size[3].as_u64() <= size[1].as_u64(),
        "{id}: no scroll bars inside the frame: {size}"
    );
    assert_eq!(
        js(c, SCROLLING).await,
        serde_json::json!([]),
        "{id}: nothing scrolls inside the frame"
    );
    // Legible at these sizes: every label drawn is 9 px or more. A scene this small turns
    // compact (src/components/scene_detail.rs) once it has measured itself, a frame after it
    // first draws, so this waits for that.
    let last = std::cell::RefCell::new((0.0, String::new()));
    let legible = wait_until(Duration::from_secs(10), "legible scene labels", || async {
        let measured = kafkascope_browser_tests::min_scene_label_px(c).await.ok()?;
        let ok = measured.0 >= 9.0;
        *last.borrow_mut() = measured;
        ok.then_some(())
    })
    .await;
    let smallest = last.into_inner();
    let compact = js(c, "return !!document.querySelector('svg.scene.compact')").await;
    eprintln!(
        "{id} {width}x{height}: smallest scene label {:.1} px ({}), compact {compact}",
        smallest.0, smallest.1
    );
    assert!(
        legible.is_ok(),
        "{id} {width}x{height}: label {:?} at {:.1} px",
        smallest.1,
        smallest.0
    );
    assert_eq!(size[4], false, "{id}: no site header");
    assert_eq!(size[5], false, "{id}: no side panels");
}

/// The parts of the frame that scroll: elements whose content overflows a scrollable box.
const SCROLLING: &str = "return [...document.querySelectorAll('*')].filter(e => {
       const s = getComputedStyle(e);
       return (/auto|scroll/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
         || (/auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1);
     }).map(e => e.tagName + '.' + e.getAttribute('class'));";

/// The texts under the scene whose lines do not all show: their box hides more than 6 px (a
/// line is 16 px or more), as `src/components/embed.rs` defines it.
const CUT_TEXTS: &str =
    "return [...document.querySelectorAll('.embed-text-column > *, .embed-texts')]
     .filter(e => e.scrollHeight > e.clientHeight + 6).map(e => e.getAttribute('class'));";

/// No part of the frame scrolls; the texts under the scene show whole, or "More" shows them
/// whole (and "Less" puts them back).
async fn texts_whole_or_more(c: &Client, id: &str) {
    assert_eq!(
        js(c, SCROLLING).await,
        serde_json::json!([]),
        "{id}: nothing scrolls inside the frame"
    );
    let cut = js(c, CUT_TEXTS).await;
    let more = c
        .find(Locator::Css("[data-testid='embed-more']"))
        .await
        .ok();
    eprintln!("{id}: texts cut short {cut}; More shown {}", more.is_some());
    let Some(more) = more else {
        assert_eq!(cut, serde_json::json!([]), "{id}: the texts show whole");
        return;
    };
    assert_ne!(
        cut,
        serde_json::json!([]),
        "{id}: More shows only when a text is cut short"
    );
    more.click().await.unwrap();
    wait_until(Duration::from_secs(5), "the texts whole", || async {
        (js(c, CUT_TEXTS).await == serde_json::json!([])).then_some(())
    })
    .await
    .unwrap_or_else(|e| panic!("{id}: More shows the texts whole: {e}"));
    assert_eq!(
        js(c, SCROLLING).await,
        serde_json::json!([]),
        "{id}: nothing scrolls, texts open"
    );
    let more = c
        .find(Locator::Css("[data-testid='embed-more']"))
        .await
        .unwrap();
    assert_eq!(
        more.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    more.click().await.unwrap();
    wait_until(Duration::from_secs(5), "the texts cut again", || async {
        (js(c, CUT_TEXTS).await != serde_json::json!([])).then_some(())
    })
    .await
    .unwrap_or_else(|e| panic!("{id}: Less puts the texts back: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_blog_pages_two_embeds_load_play_and_stay_inside_their_frames() {
    let server = StaticServer::start(dist_dir().unwrap()).await.unwrap();
    let driver = ChromeDriver::start().await.unwrap();
    let c = &driver.session().await.unwrap();
    set_viewport(c, 1280, 1400).await.unwrap();
    c.goto(&format!("{}embed-example.html", server.url()))
        .await
        .unwrap();
    let history = js(c, "return history.length").await;
    let groups_clock = check_frames(c).await;
    // Loaded, before the reader touches them: the host page is not scrolled, nothing took focus,
    // and its history is untouched.
    c.enter_parent_frame().await.unwrap();
    let host = js(
        c,
        "return [scrollY, document.activeElement === document.body, history.length]",
    )
    .await;
    assert_eq!(host[0], 0, "the embeds did not scroll the host page");
    assert_eq!(host[1], true, "the embeds did not take focus");
    assert_eq!(host[2], history, "the embeds did not add history entries");
    // The texts under each scene: whole, or whole at the reader's "More" (which takes focus, as
    // a click does; so after the checks above).
    for id in ["acks", "groups"] {
        enter(c, id).await;
        texts_whole_or_more(c, id).await;
    }
    play_one(c, &groups_clock).await;
    c.enter_parent_frame().await.unwrap();
    for (id, name) in [
        ("acks", "embed-640x360.png"),
        ("groups", "embed-480x270.png"),
    ] {
        let png = c
            .find(Locator::Css(&format!("iframe#{id}")))
            .await
            .unwrap()
            .screenshot()
            .await
            .unwrap();
        let dir = kafkascope_browser_tests::target_dir().join("e2e");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }
    screenshot(c, "embed-example-page.png").await;
}

/// Both frames loaded and fitting; the second one's clock.
async fn check_frames(c: &Client) -> String {
    enter(c, "acks").await;
    check_fits(c, "acks", 640, 360).await;
    let narration = text_of(c, "[data-testid='lesson-text']").await.unwrap();
    assert!(narration.contains("acks=1"), "{narration}");
    // "Open in Kafkascope": the same session in the full page.
    let href = c
        .find(Locator::Css("[data-testid='open-full']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let full = link::parse(&href).unwrap();
    assert_eq!(full.layout, Layout::Full);
    assert_eq!(full.builtin_name(), Some("acks-1-failover-loss"));

    enter(c, "groups").await;
    check_fits(c, "groups", 480, 270).await;
    assert!(
        text_of(c, "[data-testid='lesson-text']").await.is_none(),
        "the second embed asked for no narration"
    );
    text_of(c, "[data-testid='clock']").await.unwrap()
}

async fn play_one(c: &Client, groups_clock: &str) {
    // Play the first: its time moves, the second stays where it was (paused, no frames).
    enter(c, "acks").await;
    let before = text_of(c, "[data-testid='clock']").await.unwrap();
    click(c, "play").await;
    wait_until(
        Duration::from_secs(10),
        "the first embed playing",
        || async {
            text_of(c, "[data-testid='clock']")
                .await
                .filter(|t| *t != before)
        },
    )
    .await
    .unwrap();
    // "Open in Kafkascope" while playing: reached for (pointer down comes before a click or a
    // context menu), it names the moment on screen, not an earlier one.
    let reached = js(
        c,
        "const clock = document.querySelector(\"[data-testid='clock']\").textContent;
         const link = document.querySelector(\"[data-testid='open-full']\");
         link.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
         return [clock, link.href];",
    )
    .await;
    let clock_us: u64 = reached[0]
        .as_str()
        .and_then(|clock| clock.split(' ').next())
        .map(|ms| ms.replace('.', ""))
        .and_then(|us| us.parse().ok())
        .unwrap_or_else(|| panic!("a clock in {reached}"));
    let linked = link::parse(reached[1].as_str().unwrap()).unwrap();
    assert!(
        linked.time_us.is_some_and(|us| us >= clock_us),
        "the link names {:?} µs, the clock showed {clock_us} µs",
        linked.time_us
    );
    enter(c, "groups").await;
    assert_eq!(
        text_of(c, "[data-testid='clock']").await.unwrap(),
        groups_clock,
        "the other embed stays idle"
    );
    enter(c, "acks").await;
    click(c, "pause").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_panels_snippet_embeds_the_session_on_screen() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    click(c, "share").await;
    click(c, "embed-playing").await;
    let snippet = c
        .find(Locator::Css("[data-testid='embed-snippet']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    for part in [
        "<iframe src=\"",
        "width=\"640\" height=\"360\"",
        "loading=\"lazy\"",
        "title=\"Kafkascope: ",
    ] {
        assert!(snippet.contains(part), "{part} in {snippet}");
    }
    let src = snippet
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let session = link::parse(src).unwrap();
    assert_eq!(session.layout, Layout::Embed);
    assert!(session.playing, "the option was ticked");
    assert_eq!(session.builtin_name(), Some("acks-1-failover-loss"));
    // The snippet opens as an embed.
    c.goto(src).await.unwrap();
    wait_until(Duration::from_secs(20), "the embed", || async {
        c.find(Locator::Css("[data-testid='embed']")).await.ok()
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snippets_options_set_the_embeds_language_narration_and_one_fixed_step() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    let position = || async { text_of(c, "[data-testid='lesson-position']").await };
    // Two steps on (the third of the lesson), in the English page.
    for _ in 0..2 {
        let before = position().await.unwrap();
        click(c, "lesson-next").await;
        wait_until(Duration::from_secs(20), "the next step", || async {
            position().await.filter(|p| *p != before)
        })
        .await
        .unwrap();
    }
    let snippet = || async {
        c.find(Locator::Css("[data-testid='embed-snippet']"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap()
    };
    let session_of = |snippet: &str| {
        let src = snippet
            .split("src=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        (src.to_string(), link::parse(src).unwrap())
    };
    click(c, "share").await;
    // Narration off, then on again.
    click(c, "embed-narration").await;
    assert!(!session_of(&snippet().await).1.narration, "narration off");
    click(c, "embed-narration").await;
    // Korean, and only this step.
    c.find(Locator::Css(
        "[data-testid='embed-lang'] option[value='ko']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    click(c, "embed-fixed-step").await;
    let snippet = snippet().await;
    let (src, session) = session_of(&snippet);
    assert_eq!(session.lang.as_deref(), Some("ko"), "{snippet}");
    assert!(session.narration);
    assert!(session.fixed_step, "{snippet}");
    assert_eq!(session.step, Some(2), "the step on screen");
    assert_eq!(session.time_us, None, "a fixed step opens at its moment");
    assert!(
        snippet.contains("title=\"Kafkascope: 레슨 2"),
        "titled in Korean: {snippet}"
    );

    // The embed: in Korean, at that step; played, it stops before the next step's moment and
    // keeps the step's narration; the lesson keys do not leave the step.
    c.goto(&src).await.unwrap();
    let narration = wait_until(Duration::from_secs(20), "the embed's narration", || async {
        text_of(c, "[data-testid='embed'] [data-testid='lesson-text']").await
    })
    .await
    .unwrap();
    assert!(
        narration.chars().any(|ch| ('가'..='힣').contains(&ch)),
        "Korean narration: {narration}"
    );
    // In a small frame the Korean narration is cut short: More shows it whole.
    set_viewport(c, 480, 270).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        c.find(Locator::Css("[data-testid='embed-more']"))
            .await
            .is_ok(),
        "the narration is cut short at 480×270"
    );
    texts_whole_or_more(c, "fixed step at 480x270").await;
    click(c, "play").await;
    wait_until(
        Duration::from_secs(60),
        "the step played to its end",
        || async { c.find(Locator::Css("[data-testid='play']")).await.ok() },
    )
    .await
    .unwrap();
    let slider = js(
        c,
        "const s = document.querySelector(\"[data-testid='timeline']\");
         return [Number(s.min), Number(s.max), Number(s.value)];",
    )
    .await;
    assert_eq!(slider[2], slider[1], "stopped at the step's end: {slider}");
    assert!(
        slider[0].as_u64() > Some(0),
        "the slider spans the step only: {slider}"
    );
    assert_eq!(
        text_of(c, "[data-testid='lesson-text']").await.as_deref(),
        Some(narration.as_str()),
        "still the step's narration"
    );
    c.find(Locator::Css("[data-testid='step']"))
        .await
        .unwrap()
        .send_keys("\u{E014}")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        text_of(c, "[data-testid='lesson-text']").await.as_deref(),
        Some(narration.as_str()),
        "→ does not leave a fixed step"
    );
}

/// A host page with five embeds, served beside the app: a folder of links to the built files
/// plus the page (the build itself is left as it is).
fn five_embeds_site() -> std::path::PathBuf {
    let dist = dist_dir().unwrap();
    let site = kafkascope_browser_tests::target_dir().join("five-embeds-site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(&site).unwrap();
    for entry in std::fs::read_dir(&dist).unwrap() {
        let path = entry.unwrap().path();
        std::os::unix::fs::symlink(&path, site.join(path.file_name().unwrap())).unwrap();
    }
    let frames: String = [
        "acks-1-failover-loss",
        "acks-all-failover-safe",
        "consumers-3-many-groups",
        "idempotent-producer",
        "database-duplicate-row",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| {
        let query = link::query(&kafkascope_engine::session::Session {
            layout: Layout::Embed,
            ..kafkascope_engine::session::Session::builtin(name)
        });
        format!(
            "<p>Embed {i}.</p><iframe id=\"e{i}\" src=\"./?{}\" width=\"480\" height=\"270\" title=\"{name}\"></iframe>\n",
            query.replace('&', "&amp;")
        )
    })
    .collect();
    std::fs::write(
        site.join("five-embeds.html"),
        format!("<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Five embeds</title></head><body>{frames}<div style=\"height: 4000px\">The rest of the post.</div></body></html>"),
    )
    .unwrap();
    site
}

/// Counts, in each embed, the animation frames its page asks for from now on.
async fn count_frames(c: &Client) {
    js(
        c,
        "for (const f of document.querySelectorAll('iframe')) {
           const w = f.contentWindow;
           w.__frames = 0;
           const ask = w.requestAnimationFrame.bind(w);
           w.requestAnimationFrame = (cb) => { w.__frames += 1; return ask(cb); };
         }",
    )
    .await;
}

async fn frames(c: &Client) -> Vec<u64> {
    js(
        c,
        "return [...document.querySelectorAll('iframe')].map(f => f.contentWindow.__frames);",
    )
    .await
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_u64().unwrap())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_embeds_paused_ask_for_no_frames_playing_one_leaves_the_others_idle_and_off_screen_it_pauses(
) {
    let server = StaticServer::start(five_embeds_site()).await.unwrap();
    let driver = ChromeDriver::start().await.unwrap();
    let c = &driver.session().await.unwrap();
    // Tall enough that all five are on screen (an embed off screen pauses by itself).
    set_viewport(c, 1280, 1800).await.unwrap();
    c.goto(&format!("{}five-embeds.html", server.url()))
        .await
        .unwrap();
    wait_until(Duration::from_secs(60), "five embeds drawn", || async {
        let drawn = js(
            c,
            "return [...document.querySelectorAll('iframe')].filter(f => f.contentDocument &&
                 f.contentDocument.querySelector(\"[data-testid='embed'] [data-testid='scene']\")).length",
        )
        .await;
        (drawn == 5).then_some(())
    })
    .await
    .unwrap();
    // A page taller than the window (it can scroll): loading five embeds scrolled it nowhere and
    // took no focus.
    let host = js(
        c,
        "return [scrollY, document.documentElement.scrollHeight > innerHeight, document.activeElement === document.body]",
    )
    .await;
    assert_eq!(
        host,
        serde_json::json!([0, true, true]),
        "the host page unmoved, its focus its own"
    );
    count_frames(c).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(frames(c).await, vec![0; 5], "paused, no embed animates");
    js(
        c,
        "document.getElementById('e2').contentDocument.querySelector(\"[data-testid='play']\").click()",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let counted = frames(c).await;
    eprintln!("animation frames in 1 s, embed 2 playing: {counted:?}");
    assert!(counted[2] > 10, "the one playing animates: {counted:?}");
    for (i, n) in counted.iter().enumerate().filter(|(i, _)| *i != 2) {
        assert_eq!(*n, 0, "embed {i} stays idle while embed 2 plays");
    }
    // Scrolled out of view, the playing embed pauses by itself (IntersectionObserver).
    js(c, "window.scrollTo(0, document.body.scrollHeight)").await;
    wait_until(Duration::from_secs(5), "embed 2 paused off screen", || async {
        let paused = js(
            c,
            "return !!document.getElementById('e2').contentDocument.querySelector(\"[data-testid='play']\")",
        )
        .await;
        (paused == true).then_some(())
    })
    .await
    .unwrap();
    count_frames(c).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(frames(c).await, vec![0; 5], "off screen, nothing animates");
}

/// A host page drives an embed with `postMessage` (docs/embed.md) and hears its lesson steps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_page_drives_an_embed_with_post_message_and_hears_its_steps() {
    let page = AppSession::visit("embed-example.html").await.unwrap();
    let c = &page.client;
    js(c, "window.__heard = []; addEventListener('message', e => { if (e.data && e.data.kafkascope === 'step') window.__heard.push([e.data.step, e.data.steps]); });").await;
    let clock = || async {
        js(
            c,
            "const d = document.getElementById('acks').contentDocument;
             const k = d && d.querySelector(\"[data-testid='clock']\");
             return k ? k.textContent : null;",
        )
        .await
        .as_str()
        .map(str::to_string)
    };
    wait_until(Duration::from_secs(30), "the embed", || async {
        clock().await
    })
    .await
    .unwrap();
    let send = |message: &'static str| async move {
        js(
            c,
            &format!("document.getElementById('acks').contentWindow.postMessage({message}, '*')"),
        )
        .await;
    };
    // Seek: the clock shows the time asked for.
    send("{kafkascope: 'seek', ms: 45}").await;
    wait_until(Duration::from_secs(5), "the seek", || async {
        clock().await.filter(|t| t.starts_with("45.000 ms"))
    })
    .await
    .unwrap();
    // The lesson's next step: the host hears it.
    send("{kafkascope: 'next-step'}").await;
    let heard = wait_until(Duration::from_secs(10), "a step message", || async {
        let v = js(c, "return window.__heard").await;
        v.as_array().filter(|a| !a.is_empty()).map(|_| v.clone())
    })
    .await
    .unwrap();
    let steps = heard.as_array().unwrap();
    let last = steps.last().unwrap();
    assert_eq!(last[1], 5, "the acks lesson has five steps: {heard}");
    assert!(last[0].as_u64().unwrap() >= 1, "a later step: {heard}");
    // Play and pause.
    send("{kafkascope: 'play'}").await;
    let playing = clock().await.unwrap();
    wait_until(Duration::from_secs(10), "the clock moving", || async {
        clock().await.filter(|t| *t != playing)
    })
    .await
    .unwrap();
    send("{kafkascope: 'pause'}").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paused = clock().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(clock().await.unwrap(), paused, "paused by the host");
    // Step: to the next event, still paused.
    send("{kafkascope: 'step'}").await;
    wait_until(
        Duration::from_secs(5),
        "a step to the next event",
        || async { clock().await.filter(|t| *t != paused) },
    )
    .await
    .unwrap();
    assert_eq!(
        js(
            c,
            "return !!document.getElementById('acks').contentDocument.querySelector(\"[data-testid='play']\")",
        )
        .await,
        true,
        "still paused after a step"
    );
    // The lesson's previous step: the host hears an earlier step.
    let last_heard = || async {
        js(c, "return window.__heard")
            .await
            .as_array()
            .unwrap()
            .last()
            .unwrap()[0]
            .as_u64()
            .unwrap()
    };
    let was = last_heard().await;
    assert!(was >= 1, "a step to go back from");
    send("{kafkascope: 'previous-step'}").await;
    wait_until(Duration::from_secs(10), "the step before", || async {
        (last_heard().await == was - 1).then_some(())
    })
    .await
    .unwrap();
    let paused = clock().await.unwrap();
    // Other messages are ignored.
    send("{kafkascope: 'explode'}").await;
    send("'hello'").await;
    assert_eq!(clock().await.unwrap(), paused);
}
