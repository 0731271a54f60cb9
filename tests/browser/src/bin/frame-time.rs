//! Measures the app's per-frame work with about 500 messages in flight, in headless Chromium.
//!
//! Opens a built-in scenario (`bench-500-in-flight` unless one is named: `frame-time
//! bench-txn-in-flight`), seeks to 1 s of simulated time, plays for six seconds of wall time at
//! 1× speed, and reads the p95 the app publishes (`data-frame-p95-ms`: seek + scene model +
//! render + DOM patch per animation frame).

use fantoccini::Locator;
use kafkascope_browser_tests::{seek, AppSession};
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let scenario = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench-500-in-flight".to_string());
    let app = AppSession::open(&format!("?scenario={scenario}")).await?;
    let client = &app.client;
    let err = |e: fantoccini::error::CmdError| e.to_string();
    seek(client, "1000000").await?;
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
             return [Number(r.frameP95Ms), Number(r.frameSamples),
                     Number(document.querySelector('.dots')?.dataset.count ?? 0)];",
            vec![],
        )
        .await
        .map_err(err)?;
    let f = figures.as_array().ok_or("no figures")?;
    let p95 = f[0].as_f64().ok_or("no p95 published")?;
    println!(
        "frame work ({scenario}): p95 {p95:.2} ms over {} frames, {} messages in flight",
        f[1], f[2]
    );
    app.client.clone().close().await.map_err(err)?;
    Ok(())
}
