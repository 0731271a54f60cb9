//! Measures time from navigation to Kafkascope's first rendered frame in headless Chromium: the
//! full page (hello-kafka, and the acks lesson) and the embed view (the acks lesson, as a blog
//! post's `<iframe>` opens it).
//!
//! Serves the release build, loads each page `RUNS` times in fresh sessions, and reads the
//! `data-first-frame-ms` attribute the app sets (a `performance.now()` taken in the first
//! post-render effect, so it is measured from navigation start). Prints each run and the median.
//!
//! Each session is a new browser with a new profile (no HTTP cache, no compiled-code cache), and
//! it is let idle for [`SETTLE`] on `about:blank` before the page is opened: a reader's browser is
//! already running when they open a post. Navigating the instant Chromium starts times Chromium's
//! own start-up too, on a 2-core machine: in a trace of such a load, V8's context creation took
//! 50 ms of wall time for 9 ms of CPU. For comparison with earlier figures, the embed is also
//! measured that way ("browser just started").

use fantoccini::Locator;
use kafkascope_browser_tests::{dist_dir, root_dataset_number, ChromeDriver, StaticServer};
use kafkascope_engine::session::{link, Layout, Session};
use std::time::Duration;

const RUNS: usize = 5;

/// How long a fresh browser idles on `about:blank` before the measured navigation.
const SETTLE: Duration = Duration::from_millis(1500);

/// Where a load's time went, from the browser's own timings (ms after navigation): the page, the
/// app's JS and wasm downloaded, the scenario file fetched (asked for by the loader,
/// `static/boot.js`, for a link that names a built-in scenario, else by the app), and the app's
/// own marks of its load stages (`frame_stats::mark_load_stage`).
const LOAD_STAGES_JS: &str = r#"
    const nav = performance.getEntriesByType("navigation")[0];
    const at = (ms) => Math.round(ms);
    const parts = [`html ${at(nav.responseEnd)}`];
    for (const e of performance.getEntriesByType("resource")) {
        const name = e.name.split("/").pop().split("?")[0];
        const kind = name.endsWith(".wasm") ? "wasm" : name.endsWith(".js") ? name.replace(/-[0-9a-f]+\.js$/, ".js")
            : name.endsWith(".json") ? "scenario" : null;
        if (kind) parts.push(`${kind} ${at(e.startTime)}-${at(e.responseEnd)}`);
    }
    const prefix = "kafkascope:";
    for (const m of performance.getEntriesByType("mark")) {
        if (m.name.startsWith(prefix)) parts.push(`${m.name.slice(prefix.length)} ${at(m.startTime)}`);
    }
    return parts.join(", ");
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let server = StaticServer::start(dist_dir()?)
        .await
        .map_err(|e| format!("static server: {e}"))?;
    let driver = ChromeDriver::start().await?;
    let embed = link::query(&Session {
        layout: Layout::Embed,
        ..Session::builtin("acks-1-failover-loss")
    });
    let pages = [
        (
            "full page, hello-kafka",
            "?scenario=hello-kafka".to_string(),
            true,
        ),
        (
            "full page, acks-1-failover-loss",
            "?scenario=acks-1-failover-loss".to_string(),
            true,
        ),
        (
            "embed view, acks-1-failover-loss",
            format!("?{embed}"),
            true,
        ),
        (
            "embed view, acks-1-failover-loss, browser just started",
            format!("?{embed}"),
            false,
        ),
    ];
    for (what, query, settle) in pages {
        let mut samples = Vec::new();
        for run in 1..=RUNS {
            let client = driver.session().await?;
            if settle {
                client
                    .goto("about:blank")
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::time::sleep(SETTLE).await;
            }
            client
                .goto(&format!("{}{query}", server.url()))
                .await
                .map_err(|e| e.to_string())?;
            client
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css("html[data-first-frame-ms]"))
                .await
                .map_err(|e| format!("{what}: the app never rendered: {e}"))?;
            let ms = root_dataset_number(&client, "firstFrameMs")
                .await?
                .ok_or("no first-frame figure")?;
            let stages = client
                .execute(LOAD_STAGES_JS, vec![])
                .await
                .map_err(|e| e.to_string())?;
            let stages = stages.as_str().unwrap_or("");
            println!("{what}, run {run}: first frame at {ms:.1} ms after navigation ({stages})");
            samples.push(ms);
            client.close().await.map_err(|e| e.to_string())?;
        }
        samples.sort_by(f64::total_cmp);
        println!(
            "{what}: first frame median {:.1} ms (min {:.1}, max {:.1}) over {RUNS} cold loads",
            samples[RUNS / 2],
            samples[0],
            samples[RUNS - 1]
        );
    }
    Ok(())
}
