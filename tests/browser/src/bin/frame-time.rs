//! Measures the app's per-frame work with about 500 messages in flight, in headless Chromium.
//!
//! Opens the built-in `bench-500-in-flight` scenario, seeks to 1 s of simulated time, plays for
//! six seconds of wall time at 1× speed, and reads the p95 the app publishes
//! (`data-frame-p95-ms`: seek + scene model + render + DOM patch per animation frame).

use fantoccini::Locator;
use kafkascope_browser_tests::{dist_dir, ChromeDriver, StaticServer};
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let server = StaticServer::start(dist_dir()?)
        .await
        .map_err(|e| format!("static server: {e}"))?;
    let driver = ChromeDriver::start().await?;
    let client = driver.session().await?;
    let err = |e: fantoccini::error::CmdError| e.to_string();
    client
        .goto(&format!("{}?scenario=bench-500-in-flight", server.url()))
        .await
        .map_err(err)?;
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid='timeline']"))
        .await
        .map_err(|e| format!("the scene did not render: {e}"))?;
    client
        .execute(
            "const s = document.querySelector(\"[data-testid='timeline']\");
             s.value = 1000000; s.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await
        .map_err(err)?;
    client
        .find(Locator::Css("[data-testid='play']"))
        .await
        .map_err(err)?
        .click()
        .await
        .map_err(err)?;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let figures = client
        .execute(
            "const r = document.documentElement.dataset;
             return [Number(r.framePp95Ms ?? r.frameP95Ms), Number(r.frameSamples),
                     Number(document.querySelector('.dots')?.dataset.count ?? 0)];",
            vec![],
        )
        .await
        .map_err(err)?;
    let f = figures.as_array().ok_or("no figures")?;
    let p95 = f[0].as_f64().ok_or("no p95 published")?;
    println!(
        "frame work: p95 {p95:.2} ms over {} frames, {} messages in flight",
        f[1], f[2]
    );
    client.close().await.map_err(err)?;
    Ok(())
}
