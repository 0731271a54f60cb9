//! Takes a screenshot of the release build at a chosen scenario and simulated time.
//!
//! ```text
//! cargo run -p kafkascope-browser-tests --bin screenshot -- SCENARIO TIME_MS OUT.png [ko]
//! ```
//! Serves `dist/`, opens `?scenario=SCENARIO`, seeks to `TIME_MS` of simulated time, and saves
//! the page as a PNG (in Korean with `ko`). For looking at a scene without clicking through it.

use fantoccini::Locator;
use kafkascope_browser_tests::{dist_dir, ChromeDriver, StaticServer};
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
    let server = StaticServer::start(dist_dir()?)
        .await
        .map_err(|e| format!("static server: {e}"))?;
    let driver = ChromeDriver::start().await?;
    let client = driver.session().await?;
    let lang = if rest.first().map(String::as_str) == Some("ko") {
        "ko"
    } else {
        "en"
    };
    client
        .goto(&server.url())
        .await
        .map_err(|e| e.to_string())?;
    client
        .execute(
            &format!("localStorage.setItem('kafkascope.lang', JSON.stringify('{lang}'))"),
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    client
        .goto(&format!("{}?scenario={scenario}", server.url()))
        .await
        .map_err(|e| e.to_string())?;
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid='timeline']"))
        .await
        .map_err(|e| format!("the scene did not render: {e}"))?;
    client
        .execute(
            &format!(
                "const s = document.querySelector(\"[data-testid='timeline']\");
                 s.value = Math.min({time_us}, Number(s.max));
                 s.dispatchEvent(new Event('input', {{ bubbles: true }}));"
            ),
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(out, png).map_err(|e| format!("writing {out}: {e}"))?;
    println!("saved {out}");
    client.close().await.map_err(|e| e.to_string())?;
    Ok(())
}
