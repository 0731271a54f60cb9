//! The part of the page's state kept in its URL: which built-in scenario is showing
//! (`?scenario=two-groups`), so a link opens the same scene. Updated with `history.replaceState`,
//! never a reload.

/// The `scenario` query parameter of the current URL, if any.
pub fn scenario_param() -> Option<String> {
    let href = gloo::utils::window().location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    url.search_params().get("scenario")
}

/// Puts `?scenario=NAME` in the address bar (or removes it for `None`).
pub fn set_scenario_param(name: Option<&str>) {
    let window = gloo::utils::window();
    let Ok(href) = window.location().href() else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return;
    };
    match name {
        Some(name) => url.search_params().set("scenario", name),
        None => url.search_params().delete("scenario"),
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
    }
}
