//! Measures how long the page takes to load a large scenario file and how much memory it then
//! holds (the WebAssembly memory the app reports in `data-wasm-memory-bytes`), for each file
//! given (default: `scenarios/bench-300k.toml` and `scenarios/bench-1m.toml`). A file the page
//! refuses up front is reported with the time to the refusal and the page's message.

use fantoccini::Locator;
use kafkascope_browser_tests::{dist_dir, root_dataset_number, ChromeDriver, StaticServer};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        files = vec![
            root.join("scenarios/bench-300k.toml"),
            root.join("scenarios/bench-1m.toml"),
        ];
    }
    let server = StaticServer::start(dist_dir()?)
        .await
        .map_err(|e| format!("static server: {e}"))?;
    let driver = ChromeDriver::start().await?;
    for file in files {
        let file = file
            .canonicalize()
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let c = driver.session().await?;
        c.goto(&format!("{}?scenario=hello-kafka", server.url()))
            .await
            .map_err(|e| e.to_string())?;
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("html[data-loaded-ms]"))
            .await
            .map_err(|e| format!("the app never rendered: {e}"))?;
        let input = c
            .find(Locator::Css("[data-testid='open-file']"))
            .await
            .map_err(|e| e.to_string())?;
        c.execute(
            "document.documentElement.removeAttribute('data-loaded-ms')",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
        let started = Instant::now();
        input
            .send_keys(file.to_str().ok_or("path")?)
            .await
            .map_err(|e| e.to_string())?;
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        c.wait()
            .at_most(Duration::from_secs(300))
            .for_element(Locator::Css(
                "[data-testid='scenario-error'], html[data-loaded-ms]",
            ))
            .await
            .map_err(|e| format!("{name}: neither a scene nor a message: {e}"))?;
        let loaded = match c.find(Locator::Css("[data-testid='scenario-error']")).await {
            Ok(e) => Err(e.text().await.unwrap_or_default()),
            Err(_) => Ok(()),
        };
        let elapsed = started.elapsed();
        let bytes = root_dataset_number(&c, "wasmMemoryBytes")
            .await?
            .unwrap_or(0.0);
        match loaded {
            Ok(()) => println!(
                "{name}: loaded in {:.2} s; page wasm memory {:.0} MB",
                elapsed.as_secs_f64(),
                bytes / 1e6
            ),
            Err(message) => println!(
                "{name}: refused up front in {:.2} s; page wasm memory {:.0} MB; message: {}",
                elapsed.as_secs_f64(),
                bytes / 1e6,
                message.lines().last().unwrap_or("")
            ),
        }
        c.close().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
