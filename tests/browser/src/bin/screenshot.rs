//! Takes a screenshot of the release build at a chosen scenario and simulated time.
//!
//! ```text
//! cargo run -p kafkascope-browser-tests --bin screenshot -- SCENARIO TIME_MS OUT.png [ko] [WxH]
//! ```
//! Serves `dist/`, opens `?scenario=SCENARIO`, seeks to `TIME_MS` of simulated time, and saves
//! the page as a PNG (in Korean with `ko`; with a window of W×H CSS pixels, 1366x768 by
//! default). For looking at a scene without clicking through it.

use fantoccini::Locator;
use kafkascope_browser_tests::{min_scene_label_px, seek, set_viewport, AppSession};
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, time_ms, out, rest @ ..] = args.as_slice() else {
        return Err("usage: screenshot SCENARIO TIME_MS OUT.png [ko]".into());
    };
    let time_us: u64 = time_ms
        .parse::<f64>()
        .map(|ms| (ms * 1000.0) as u64)
        .map_err(|_| format!("TIME_MS `{time_ms}` is not a number"))?;
    let lang = if rest.iter().any(|a| a == "ko") {
        "ko"
    } else {
        "en"
    };
    let (width, height) = rest
        .iter()
        .find_map(|a| {
            let (w, h) = a.split_once('x')?;
            Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?))
        })
        .unwrap_or((1366, 768));
    let app = AppSession::open("?scenario=hello-kafka").await?;
    let client = &app.client;
    set_viewport(client, width, height).await?;
    client
        .execute(
            &format!("localStorage.setItem('kafkascope.lang', JSON.stringify('{lang}'))"),
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    client
        .goto(&format!("{}?scenario={scenario}", app.server.url()))
        .await
        .map_err(|e| e.to_string())?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid='timeline']"))
        .await
        .map_err(|e| format!("the scene did not render: {e}"))?;
    seek(client, &format!("Math.min({time_us}, Number(s.max))")).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(out, png).map_err(|e| format!("writing {out}: {e}"))?;
    let (px, label) = min_scene_label_px(client).await?;
    println!("saved {out}; smallest scene label {px:.1} px ({label:?})");
    app.client
        .clone()
        .close()
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
