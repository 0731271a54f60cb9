//! The harness for driving the real page in headless Chromium: a static file server for the
//! release build (`dist/`), a ChromeDriver process, and a fantoccini WebDriver client configured
//! for this machine (no sandbox as root, no background networking: the page must make no request
//! outside its own origin, and Chromium must not try to either).

pub mod step_on_page;

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

/// The workspace's `target/` folder, where screenshots go.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

/// The trace hash the headless runner prints for `kafkascope-sim ARGS --trace-hash`: the binary
/// itself, as the test command builds it before these tests (`scripts/test.sh`; by hand: `cargo
/// build -p kafkascope-engine --bin kafkascope-sim`).
pub fn sim_trace_hash(args: &[&str]) -> String {
    let bin = target_dir().join("debug").join("kafkascope-sim");
    let out = std::process::Command::new(&bin)
        .args(args)
        .arg("--trace-hash")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; build it with cargo build -p kafkascope-engine --bin kafkascope-sim",
                bin.display()
            )
        });
    assert!(
        out.status.success(),
        "kafkascope-sim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("kafkascope-sim {args:?} printed no JSON report: {e}"));
    report["trace_hash"]
        .as_str()
        .unwrap_or_else(|| panic!("no trace_hash in {report}"))
        .to_string()
}

/// The release build to test: `$KAFKASCOPE_DIST`, else the workspace's `dist/`.
pub fn dist_dir() -> Result<PathBuf, String> {
    let dir = std::env::var_os("KAFKASCOPE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    if dir.join("index.html").is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "no release build at {} (run `trunk build --release`, which scripts/test.sh does)",
            dir.display()
        ))
    }
}

/// Serves a folder over HTTP on 127.0.0.1 under a path prefix, and remembers every path requested.
pub struct StaticServer {
    pub addr: SocketAddr,
    pub prefix: String,
    pub requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl StaticServer {
    /// Serves `root` at the site's root.
    pub async fn start(root: PathBuf) -> std::io::Result<StaticServer> {
        Self::start_at(root, "/").await
    }

    /// Serves `root` under `prefix` (e.g. `/blog/kafkascope/`), as a project page would be;
    /// anything outside the prefix is a 404.
    pub async fn start_at(root: PathBuf, prefix: &str) -> std::io::Result<StaticServer> {
        let prefix = format!("/{}/", prefix.trim_matches('/')).replace("//", "/");
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let served_prefix = prefix.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let root = root.clone();
                let seen = seen.clone();
                let prefix = served_prefix.clone();
                tokio::spawn(async move {
                    let _ = serve_one(stream, &root, &prefix, &seen).await;
                });
            }
        });
        Ok(StaticServer {
            addr,
            prefix,
            requests,
            task,
        })
    }

    /// The page's URL (the prefix itself).
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.prefix)
    }

    /// The origin every request of the page must go to.
    pub fn origin(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_one(
    mut stream: TcpStream,
    root: &Path,
    prefix: &str,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > 64 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    seen.lock().unwrap().push(target.clone());
    let path = target.split(['?', '#']).next().unwrap_or("/");
    // Only paths under the prefix exist; the prefix itself (with or without its slash) is the page.
    let inside = path
        .strip_prefix(prefix)
        .or_else(|| (path == prefix.trim_end_matches('/')).then_some(""));
    let relative = match inside {
        Some("") => "index.html",
        Some(r) => r,
        None => "",
    };
    let file = root.join(relative);
    let (status, body, content_type) = if inside.is_none() {
        ("404 Not Found", b"not found".to_vec(), "text/plain")
    } else if relative.split('/').any(|part| part == "..") {
        ("403 Forbidden", b"forbidden".to_vec(), "text/plain")
    } else {
        match tokio::fs::read(&file).await {
            Ok(body) => ("200 OK", body, content_type_of(&file)),
            Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
        }
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes()).await?;
    stream.write_all(&body).await?;
    stream.shutdown().await
}

fn content_type_of(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("toml") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// A ChromeDriver process on a free local port. Dropped (a test that ends, passes or panics),
/// it is killed with every Chromium it started — they share its process group — and their
/// profiles are removed, so no browser outlives its test to slow the next ones down.
pub struct ChromeDriver {
    pub port: u16,
    child: Child,
    /// Each session's `--user-data-dir`, and the browsers' `TMPDIR`: one folder per driver.
    profiles: PathBuf,
    sessions: std::sync::atomic::AtomicU32,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id().and_then(|pid| i32::try_from(pid).ok()) {
            // SAFETY: kill(2) with a negative pid signals the process group the driver leads
            // (spawned with `process_group(0)`): the driver and the browsers it started, nothing else.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = std::fs::remove_dir_all(&self.profiles);
    }
}

impl ChromeDriver {
    pub async fn start() -> Result<ChromeDriver, String> {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        // The browsers' profiles and temporary files, all removed on drop.
        let profiles = std::env::temp_dir().join(format!("kafkascope-chromium-{port}"));
        std::fs::create_dir_all(&profiles)
            .map_err(|e| format!("cannot create {}: {e}", profiles.display()))?;
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .env("TMPDIR", &profiles)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!("cannot start `{binary}` ({e}); scripts/setup.sh installs chromium-driver")
            })?;
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Ok(ChromeDriver {
                    port,
                    child,
                    profiles,
                    sessions: Default::default(),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "`{binary}` did not listen on port {port} within 10 s"
        ))
    }

    /// A new headless Chromium session, with the browser console log kept.
    pub async fn session(&self) -> Result<Client, String> {
        let mut caps = Capabilities::new();
        let mut args = vec![
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1360,1400",
        ];
        if is_root() {
            args.push("--no-sandbox");
        }
        let n = self
            .sessions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = format!(
            "--user-data-dir={}",
            self.profiles.join(n.to_string()).display()
        );
        args.push(&profile);
        caps.insert("goog:chromeOptions".into(), json!({ "args": args }));
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .map_err(|e| format!("WebDriver session failed: {e}"))
    }
}

fn is_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || std::fs::metadata("/proc/self")
            .map(|m| {
                use std::os::unix::fs::MetadataExt;
                m.uid() == 0
            })
            .unwrap_or(false)
}

/// ChromeDriver's log endpoint (`POST /session/{id}/se/log`).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// ChromeDriver's DevTools passthrough (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct DevTools(Value);

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

/// Console entries since the last call, as (level, message).
pub async fn browser_log(client: &Client) -> Result<Vec<(String, String)>, String> {
    let entries = client
        .issue_cmd(BrowserLog)
        .await
        .map_err(|e| format!("reading the browser log: {e}"))?;
    Ok(entries
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["level"].as_str().unwrap_or_default().to_string(),
                        e["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Runs a Chrome DevTools Protocol command.
pub async fn devtools(client: &Client, cmd: &str, params: Value) -> Result<Value, String> {
    client
        .issue_cmd(DevTools(json!({ "cmd": cmd, "params": params })))
        .await
        .map_err(|e| format!("DevTools {cmd}: {e}"))
}

/// Polls `check` every 50 ms until it returns `Some`, or fails after `timeout` naming `what`.
pub async fn wait_until<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return Ok(v);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of the first element matching a CSS selector, if any.
/// Makes the page's viewport exactly `width`×`height` CSS pixels (a phone when narrower than
/// 500: touch, and the page's own meta viewport).
pub async fn set_viewport(client: &Client, width: u32, height: u32) -> Result<(), String> {
    devtools(
        client,
        "Emulation.setDeviceMetricsOverride",
        json!({
            "width": width,
            "height": height,
            "deviceScaleFactor": 1,
            "mobile": width < 500,
        }),
    )
    .await
    .map(|_| ())
}

/// The smallest label in the scene as rendered, in CSS pixels (its font size times the scene's
/// scale on screen), and its text. Only labels with a box on screen count. When the tables side
/// by side replace the scene, their texts are measured instead.
pub async fn min_scene_label_px(client: &Client) -> Result<(f64, String), String> {
    let v = client
        .execute(
            "const svg = document.querySelector('svg.scene');
             let min = 1e9, who = '';
             if (!svg) {
               // The tables side by side, drawn in place of the scene: its texts as rendered.
               for (const el of document.querySelectorAll('.tables-side-by-side *')) {
                 const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                 const r = el.getBoundingClientRect();
                 if (!own || r.width === 0) continue;
                 const px = parseFloat(getComputedStyle(el).fontSize);
                 if (px < min) { min = px; who = el.textContent; }
               }
               return [min, who];
             }
             const k = svg.getScreenCTM().a;
             for (const t of svg.querySelectorAll('text')) {
               const r = t.getBoundingClientRect();
               if (r.width === 0 || r.height === 0) continue;
               const px = parseFloat(getComputedStyle(t).fontSize) * k;
               if (px < min) { min = px; who = t.textContent; }
             }
             return [min, who];",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok((
        v[0].as_f64().ok_or("no scene labels")?,
        v[1].as_str().unwrap_or_default().to_string(),
    ))
}

/// A number the app writes on the root element (`data-first-frame-ms`, `data-wasm-memory-bytes`
/// …), by its dataset key (`firstFrameMs`); None when absent.
pub async fn root_dataset_number(client: &Client, key: &str) -> Result<Option<f64>, String> {
    let value = client
        .execute(
            "const v = document.documentElement.dataset[arguments[0]]; \
             return v === undefined ? null : Number(v);",
            vec![json!(key)],
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(value.as_f64())
}

pub async fn text_of(client: &Client, selector: &str) -> Option<String> {
    let el = client.find(fantoccini::Locator::Css(selector)).await.ok()?;
    el.text().await.ok()
}

/// Moves the page's time slider, as a reader dragging it would: `value_js` is a JavaScript
/// expression over `s`, the slider element (`"s.max"`, `"1000000"`, `"Math.round(s.max / 2)"`).
pub async fn seek(client: &Client, value_js: &str) -> Result<(), String> {
    client
        .execute(
            &format!(
                "const s = document.querySelector(\"[data-testid='timeline']\");
                 s.value = {value_js};
                 s.dispatchEvent(new Event('input', {{ bubbles: true }}));"
            ),
            vec![],
        )
        .await
        .map(|_| ())
        .map_err(|e| format!("seeking: {e}"))
}

/// The release build served locally, ChromeDriver, and a session on `path_and_query` (relative to
/// the site root) whose time slider has rendered.
pub struct AppSession {
    pub server: StaticServer,
    pub driver: ChromeDriver,
    pub client: Client,
}

impl AppSession {
    pub async fn open(path_and_query: &str) -> Result<AppSession, String> {
        let session = AppSession::visit(path_and_query).await?;
        session
            .client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(fantoccini::Locator::Css("[data-testid='timeline']"))
            .await
            .map_err(|e| format!("the scene did not render: {e}"))?;
        Ok(session)
    }

    /// The release build served locally, ChromeDriver, and a session at `path_and_query`
    /// (relative to the site root), without waiting for anything on the page (the example blog
    /// page, for one, has no time slider of its own).
    pub async fn visit(path_and_query: &str) -> Result<AppSession, String> {
        let server = StaticServer::start(dist_dir()?)
            .await
            .map_err(|e| format!("static server: {e}"))?;
        let driver = ChromeDriver::start().await?;
        let client = driver.session().await?;
        client
            .goto(&format!(
                "{}{}",
                server.url(),
                path_and_query.trim_start_matches('/')
            ))
            .await
            .map_err(|e| e.to_string())?;
        Ok(AppSession {
            server,
            driver,
            client,
        })
    }
}

/// Clicks the element `selector` matches, failing the test if there is none.
pub async fn click_on(client: &Client, selector: &str) {
    client
        .find(fantoccini::Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("no {selector}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// Clicks the element `[data-testid=TESTID]`, failing the test if there is none.
pub async fn click(client: &Client, testid: &str) {
    client
        .find(fantoccini::Locator::Css(&format!(
            "[data-testid='{testid}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={testid}]: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {testid}: {e}"));
}

/// Saves a screenshot of the page as `target/e2e/NAME`.
pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// A node's `data-up` attribute ("true" while it runs, "false" once crashed or killed).
pub async fn data_up(client: &Client, selector: &str) -> Option<String> {
    client
        .find(fantoccini::Locator::Css(selector))
        .await
        .ok()?
        .attr("data-up")
        .await
        .ok()
        .flatten()
}
