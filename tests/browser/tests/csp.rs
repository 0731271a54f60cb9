//! End-to-end: the Content-Security-Policy. The page and its embeds run under
//! `default-src 'self'` (plus `'wasm-unsafe-eval'` for WebAssembly), set in index.html: every
//! end-to-end test runs under it. This test proves the policy is there and enforced (an inline
//! script is refused), and that the page's features — playing, a fault, the share panel, the
//! frame saved as SVG, compare, the TOML reader worker — and the example page's embeds work
//! with no policy violation.

use fantoccini::{Client, Locator};
use kafkascope_browser_tests::{browser_log, click, click_on, text_of, wait_until, AppSession};
use std::time::Duration;

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn policy_of(c: &Client, document: &str) -> String {
    js(
        c,
        &format!(
            "const m = {document}.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');
             return m ? m.content : '';"
        ),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Console errors and policy reports since the last call.
async fn violations(c: &Client) -> Vec<String> {
    browser_log(c)
        .await
        .unwrap()
        .into_iter()
        .filter(|(level, message)| level == "SEVERE" || message.contains("Content Security Policy"))
        .map(|(_, message)| message)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_works_under_its_content_security_policy_and_the_policy_is_enforced() {
    let page = AppSession::open("?scenario=acks-1-failover-loss")
        .await
        .unwrap();
    let c = &page.client;
    let policy = policy_of(c, "document").await;
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "object-src 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy:?}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('script:not([src])').length"
        )
        .await,
        0,
        "no inline script in the page"
    );

    // The features, under the policy.
    click(c, "lesson-next").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    click_on(c, "[data-node='broker-3']").await;
    click(c, "share").await;
    click(c, "export-svg").await;
    click(c, "compare").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid='compare']"))
        .await
        .unwrap();
    click(c, "compare-exit").await;
    // The TOML reader worker, given a file through the file picker.
    let bad = kafkascope_browser_tests::target_dir().join("csp-bad.toml");
    std::fs::write(&bad, "name = \"bad\"\n[cluster]\nbrokers = 0\n").unwrap();
    c.find(Locator::Css("[data-testid='open-file']"))
        .await
        .unwrap()
        .send_keys(bad.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    wait_until(Duration::from_secs(20), "the worker's answer", || async {
        text_of(c, "[data-testid='scenario-error']").await
    })
    .await
    .unwrap();
    let seen = violations(c).await;
    assert!(seen.is_empty(), "errors under the policy: {seen:#?}");

    // Enforced: an inline script is refused and reported.
    js(
        c,
        "window.__refused = [];
         document.addEventListener('securitypolicyviolation', e => window.__refused.push(e.violatedDirective));
         const s = document.createElement('script');
         s.textContent = 'window.__ran = true';
         document.head.appendChild(s);",
    )
    .await;
    let refused = wait_until(Duration::from_secs(5), "the violation report", || async {
        let v = js(c, "return window.__refused").await;
        v.as_array().is_some_and(|a| !a.is_empty()).then_some(v)
    })
    .await
    .unwrap();
    assert_eq!(js(c, "return window.__ran === true").await, false);
    assert!(
        refused.to_string().contains("script-src"),
        "refused by script-src: {refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_pages_embeds_run_under_the_policy() {
    let page = AppSession::visit("embed-example.html").await.unwrap();
    let c = &page.client;
    for id in ["acks", "groups"] {
        let frame = format!("document.getElementById('{id}').contentDocument");
        wait_until(Duration::from_secs(30), "the embed's scene", || async {
            let shown = js(
                c,
                &format!("const d = {frame}; return !!(d && d.querySelector(\"[data-testid='embed'] [data-testid='scene']\"));"),
            )
            .await;
            (shown == true).then_some(())
        })
        .await
        .unwrap_or_else(|e| panic!("embed {id}: {e}"));
        let policy = policy_of(c, &frame).await;
        assert!(
            policy.contains("default-src 'self'"),
            "embed {id}: {policy:?}"
        );
    }
    js(
        c,
        "document.getElementById('acks').contentDocument.querySelector(\"[data-testid='play']\").click()",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let seen = violations(c).await;
    assert!(seen.is_empty(), "errors under the policy: {seen:#?}");
}
