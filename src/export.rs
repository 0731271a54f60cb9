//! Files the page saves for the reader, made in the page (Blobs and a canvas), so no request
//! leaves it: the frame on screen as SVG (the scene's markup with the page's stylesheet inlined)
//! and as PNG (that SVG drawn on a canvas at twice the on-screen size), and any text file.

/// Saves `text` as a file named `name`. Made in the page (a Blob), so no request leaves it.
pub fn save_file(name: &str, mime: &str, text: &str) {
    if let Some(blob) = text_blob(text, mime) {
        save_blob(name, &blob);
    }
}

/// `text` as a Blob of type `mime`.
fn text_blob(text: &str, mime: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()
}

/// Saves `blob` as a file named `name` (a link to it, clicked).
pub fn save_blob(name: &str, blob: &web_sys::Blob) {
    use wasm_bindgen::JsCast;
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(a) = gloo::utils::document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The frame on screen as a standalone SVG file: the scene's markup, with the page's own
/// stylesheet (its colours and CSS variables) inlined, so it looks as it does on the page.
pub fn scene_svg() -> Option<String> {
    use wasm_bindgen::JsCast;
    let document = gloo::utils::document();
    let markup = document.query_selector("svg.scene").ok()??.outer_html();
    let mut css = String::new();
    let sheets = document.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else {
            continue;
        };
        for j in 0..rules.length() {
            if let Some(rule) = rules.item(j) {
                css.push_str(&rule.css_text());
                css.push('\n');
            }
        }
    }
    let open_end = markup.find('>')?;
    // The page's HTML serialization is XML but for `&nbsp;`, which XML does not define.
    Some(format!(
        "{} xmlns=\"http://www.w3.org/2000/svg\"><style><![CDATA[\n{}]]></style>{}",
        &markup[..open_end],
        css.replace("]]>", ""),
        markup[open_end + 1..].replace("&nbsp;", "&#160;")
    ))
}

/// The painted look of the scene's elements, copied onto each as SVG presentation attributes
/// for the PNG: an SVG drawn as an image carries no `<style>` under the page's
/// Content-Security-Policy (`style-src 'self'` refuses inline styles), but presentation
/// attributes are not styles.
const PAINTED: [&str; 14] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-size",
    "font-weight",
    "font-family",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "visibility",
];

/// The scene on screen as a standalone SVG whose look is in presentation attributes (see
/// [`PAINTED`]), at `width`×`height` pixels.
fn scene_svg_painted(width: u32, height: u32) -> Option<String> {
    use wasm_bindgen::JsCast;
    let window = gloo::utils::window();
    let live = gloo::utils::document().query_selector("svg.scene").ok()??;
    let copy = live
        .clone_node_with_deep(true)
        .ok()?
        .dyn_into::<web_sys::Element>()
        .ok()?;
    let (live_all, copy_all) = (
        live.query_selector_all("*").ok()?,
        copy.query_selector_all("*").ok()?,
    );
    for i in 0..live_all.length().min(copy_all.length()) {
        let (Some(from), Some(to)) = (
            live_all
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok()),
            copy_all
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok()),
        ) else {
            continue;
        };
        let Ok(Some(style)) = window.get_computed_style(&from) else {
            continue;
        };
        if style.get_property_value("display").as_deref() == Ok("none") {
            let _ = to.set_attribute("display", "none");
            continue;
        }
        for property in PAINTED {
            if let Ok(value) = style.get_property_value(property) {
                if !value.is_empty() {
                    let _ = to.set_attribute(property, &value);
                }
            }
        }
    }
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.set_attribute("width", &width.to_string());
    let _ = copy.set_attribute("height", &height.to_string());
    Some(copy.outer_html().replace("&nbsp;", "&#160;"))
}

/// Saves the frame on screen as a PNG image named `name`: the scene drawn on a canvas at twice
/// its on-screen size (sharp on a slide), white behind it.
pub fn save_scene_png(name: String) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(shown) = gloo::utils::document()
        .query_selector("svg.scene")
        .ok()
        .flatten()
    else {
        return;
    };
    let size = shown.get_bounding_client_rect();
    let (width, height) = ((size.width() * 2.0) as u32, (size.height() * 2.0) as u32);
    let Some(svg) = scene_svg_painted(width, height) else {
        return;
    };
    let Some(blob) = text_blob(&svg, "image/svg+xml") else {
        return;
    };
    let (Ok(url), Ok(image)) = (
        web_sys::Url::create_object_url_with_blob(&blob),
        web_sys::HtmlImageElement::new(),
    ) else {
        return;
    };
    let loaded = image.clone();
    let source = url.clone();
    let on_load = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&source);
        let Some(canvas) = gloo::utils::document()
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width(width);
        canvas.set_height(height);
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
        let _ = context.draw_image_with_html_image_element_and_dw_and_dh(
            &loaded,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        );
        let on_blob = Closure::once_into_js(move |png: Option<web_sys::Blob>| {
            if let Some(png) = png {
                save_blob(&name, &png);
            }
        });
        let _ = canvas.to_blob_with_type(on_blob.unchecked_ref(), "image/png");
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_src(&url);
}
