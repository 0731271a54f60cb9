//! The scene's level of detail, from its size on screen.
//!
//! The scene is an SVG that scales to its box. Drawn small — an embed in a blog post at 480 px
//! wide — its 13-unit labels (offsets, HW and LEO, phases, lag) would be a
//! few pixels tall: there to see, not to read. Then the scene turns **compact**, as a map does
//! when zoomed out: it keeps every box, log cell, line and dot, hides the small labels, and draws
//! each node's name (producer, broker, controller, group, consumer, database) at
//! [`LEGIBLE_PX`] on screen or more. The figures stay readable under the scene (the embed's
//! outcome line), and "Open in Kafkascope" shows every label. Only the embed asks for this
//! (`Scene`'s `compact_when_small`): the full page keeps every label, its lesson view being laid
//! out for 12 px labels and its phone layout panning the scene instead.
//!
//! Measured, not guessed: a `ResizeObserver` on the SVG reports its size on screen, which with
//! the picture's own size (its viewBox) gives the pixels per unit. The observer fires only when
//! the size changes, so a paused page does no work for it.

use crate::scene_model::Rect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The smallest label size the scene draws, in CSS pixels on screen.
pub const LEGIBLE_PX: f64 = 9.5;
/// The size of the scene's detail labels, in the picture's units: the stylesheet's smallest
/// label in the scene (`static/style.css`, 13px; a unit test holds the two together).
pub const DETAIL_UNITS: f64 = 13.0;
/// The size of node names at full detail, in units.
pub const TITLE_UNITS: f64 = 16.0;
/// The size of a consumer group's name at full detail, in units: under its members' names.
pub const GROUP_NAME_UNITS: f64 = 14.0;
/// A name may be drawn this much narrower than its estimated width to fit its box (condensed,
/// as a map's labels are), never more: beyond, it is drawn smaller. The estimate is on the wide
/// side, so the glyphs are squeezed less than this.
const MOST_CONDENSED: f64 = 0.7;

/// How the scene is drawn: every label, or compact with names of this size (in units).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SceneDetail {
    pub compact_title_units: Option<f64>,
}

impl SceneDetail {
    /// The detail for a picture of `view` units drawn in `width`×`height` CSS pixels (the SVG
    /// keeps its aspect ratio, so the smaller ratio scales it).
    pub fn for_size(width: f64, height: f64, view: &Rect) -> SceneDetail {
        let k = (width / view.w).min(height / view.h);
        let small = k.is_finite() && k > 0.0 && DETAIL_UNITS * k < LEGIBLE_PX;
        SceneDetail {
            // Rounded up to half a unit, so a resize by a pixel does not redraw the scene.
            compact_title_units: small
                .then(|| ((LEGIBLE_PX / k).max(TITLE_UNITS) * 2.0).ceil() / 2.0),
        }
    }

    /// A node's name, `full_units` its size at full detail, `x`,`y` its start and baseline
    /// there, `room` the width its box leaves it (units). Compact: centred on that line at the
    /// compact size, condensed (SVG `textLength`) when its estimated width would overflow the box.
    ///
    /// The size is an SVG presentation attribute, not a `style`: the page's
    /// Content-Security-Policy refuses inline styles, and no stylesheet rule sets these names'
    /// size (`static/style.css`).
    pub fn title(
        &self,
        class: &'static str,
        full_units: f64,
        (x, y): (f64, f64),
        room: f64,
        text: String,
    ) -> Html {
        let Some(size) = self.compact_title_units else {
            return html! {
                <text class={class} x={n(x)} y={n(y)} font-size={n(full_units)}>{ text }</text>
            };
        };
        let (size, condensed) = fit_title(&text, size, room);
        html! {
            <text class={classes!(class, "compact-title")} x={n(x)} y={n(y)} font-size={n(size)}
                textLength={condensed.map(n)}
                lengthAdjust={condensed.map(|_| "spacingAndGlyphs")}>{ text }</text>
        }
    }
}

/// A compact name's size and, when it must be condensed to fit its `room`, the width to draw
/// it at: as large as `size`, condensed by at most [`MOST_CONDENSED`], smaller beyond that.
fn fit_title(text: &str, size: f64, room: f64) -> (f64, Option<f64>) {
    let natural = estimated_width(text, size);
    let size = size.min(size * room / (natural * MOST_CONDENSED));
    let condensed = (estimated_width(text, size) > room).then_some(room);
    (size, condensed)
}

/// A number written into the SVG (a coordinate, a length, a size): one decimal is finer than a
/// pixel at any size the scene is drawn.
pub fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// A bold sans-serif name's width at `size` units, estimated from its characters: Hangul (and
/// other wide scripts) an em each, digits and Latin letters about 0.62 em, spaces a third.
pub fn estimated_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.33,
            c if c.is_ascii() => 0.62,
            _ => 1.0,
        })
        .sum::<f64>()
        * size
}

/// Watches an element's size on screen; disconnects on drop.
pub struct SizeWatch {
    observer: web_sys::ResizeObserver,
    _on_resize: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for SizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Calls `on_size(width, height)` (CSS pixels, rounded) now and whenever `element` is resized.
pub fn watch_size(
    element: &web_sys::Element,
    on_size: impl Fn(f64, f64) + 'static,
) -> Option<SizeWatch> {
    let watched = element.clone();
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
        let r = watched.get_bounding_client_rect();
        on_size(r.width().round(), r.height().round());
    });
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    observer.observe(element);
    Some(SizeWatch {
        observer,
        _on_resize: on_resize,
    })
}

/// The element's size on screen (CSS pixels), kept up to date while `watch` is on; `None`
/// before it is measured, or when not watched.
#[hook]
pub fn use_size_on_screen(element: NodeRef, watch: bool) -> Option<(f64, f64)> {
    let size = use_state_eq(|| None::<(u32, u32)>);
    {
        let set = size.setter();
        use_effect_with(watch, move |watch| {
            let watching = watch
                .then(|| element.cast::<web_sys::Element>())
                .flatten()
                .and_then(|e| watch_size(&e, move |w, h| set.set(Some((w as u32, h as u32)))));
            move || drop(watching)
        });
    }
    size.map(|(w, h)| (f64::from(w), f64::from(h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes of the scene's SVG whose rules size its text (`static/style.css`).
    const SCENE_CLASSES: [&str; 11] = [
        "scene",
        "node",
        "cell",
        "marker",
        "dots",
        "group-box",
        "processed",
        "role-tag",
        "isr",
        "leader-tag",
        "database-box",
    ];

    /// Every `font-size` (and `font` shorthand) declaration of `css` with the selector of the
    /// rule it is in: comments removed, rules inside `@media` blocks under their own selector.
    fn font_declarations(css: &str) -> Vec<(String, String)> {
        let mut without_comments = String::new();
        let mut rest = css;
        while let Some(open) = rest.find("/*") {
            without_comments.push_str(&rest[..open]);
            rest = rest[open..].split_once("*/").map_or("", |(_, after)| after);
        }
        without_comments.push_str(rest);
        let (mut preludes, mut text, mut found) = (Vec::<String>::new(), String::new(), Vec::new());
        let mut declaration = |preludes: &[String], text: &str| {
            let Some(selector) = preludes.last().filter(|s| !s.starts_with('@')) else {
                return;
            };
            if let Some((property, value)) = text.split_once(':') {
                if matches!(property.trim(), "font-size" | "font") {
                    found.push((selector.clone(), value.trim().to_string()));
                }
            }
        };
        for c in without_comments.chars() {
            match c {
                '{' => preludes.push(std::mem::take(&mut text).trim().to_string()),
                '}' => {
                    declaration(&preludes, &text);
                    preludes.pop();
                    text.clear();
                }
                ';' => {
                    declaration(&preludes, &text);
                    text.clear();
                }
                c => text.push(c),
            }
        }
        found
    }

    /// Whether a selector names an element of the scene's SVG (one of its classes).
    fn in_scene(selector: &str) -> bool {
        selector
            .split([',', ' ', '>', '+', '~'])
            .flat_map(|compound| compound.split(':').next().unwrap_or("").split('.').skip(1))
            .any(|class| SCENE_CLASSES.contains(&class))
    }

    /// The compact threshold assumes the scene's smallest label is `DETAIL_UNITS`: no rule for
    /// the scene's text draws it smaller, and the detail labels are that size.
    #[test]
    fn the_stylesheets_smallest_scene_label_is_detail_units() {
        let mut sizes = Vec::new();
        for (selector, value) in font_declarations(include_str!("../../static/style.css")) {
            if !in_scene(&selector) {
                continue;
            }
            let px = value
                .trim_end_matches("!important")
                .trim()
                .strip_suffix("px")
                .and_then(|px| px.parse::<f64>().ok());
            let px = px.unwrap_or_else(|| {
                panic!("a scene text size this test cannot read: `{selector}`: `{value}` (use px)")
            });
            sizes.push((px, selector));
        }
        let smallest = sizes
            .iter()
            .map(|(px, _)| *px)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(
            smallest, DETAIL_UNITS,
            "scene text sizes in the stylesheet: {sizes:?}"
        );
        let detail = sizes.iter().find(|(_, s)| s == ".node .detail");
        assert_eq!(detail.map(|(px, _)| *px), Some(DETAIL_UNITS));
    }

    #[test]
    fn the_stylesheet_reader_sees_media_blocks_and_skips_comments_and_html() {
        let css = "/* .node .x { font-size: 1px; } */ .legend { font-size: 9px; }\n\
                   @media (max-width: 500px) { .node .y { font-size: 11px; } }\n\
                   .a, .cell text { font: 12px sans-serif; }";
        let found = font_declarations(css);
        assert_eq!(
            found,
            [
                (".legend".to_string(), "9px".to_string()),
                (".node .y".to_string(), "11px".to_string()),
                (".a, .cell text".to_string(), "12px sans-serif".to_string()),
            ]
        );
        assert!(!in_scene(".legend"));
        assert!(in_scene(".node .y"));
        assert!(in_scene(".a, .cell text"));
        assert!(in_scene(".marker.hw:hover text"));
        assert!(!in_scene(".view-toggle"));
    }

    const PICTURE: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 1000.0,
        h: 600.0,
    };

    #[test]
    fn a_scene_drawn_too_small_for_its_labels_turns_compact_with_legible_names() {
        // The full page: 13-unit labels at 13 px.
        assert_eq!(
            SceneDetail::for_size(1000.0, 700.0, &PICTURE),
            SceneDetail::default()
        );
        // Just legible: 13 units × 0.75 = 9.75 px.
        assert_eq!(
            SceneDetail::for_size(750.0, 450.0, &PICTURE),
            SceneDetail::default()
        );
        // A 480×270 embed's scene box, limited by its height: 195 / 600 = 0.325 px per unit.
        let small = SceneDetail::for_size(480.0, 195.0, &PICTURE);
        let units = small.compact_title_units.unwrap();
        assert!(units * 0.325 >= LEGIBLE_PX, "{units} units");
        assert!(
            units * 0.325 < LEGIBLE_PX + 0.5,
            "{units} units, no larger than needed"
        );
        // Just under: names stay at least their full-detail size.
        let near = SceneDetail::for_size(700.0, 420.0, &PICTURE);
        assert_eq!(near.compact_title_units, Some(TITLE_UNITS));
        // Not laid out yet (no size): full detail, never a division by zero.
        assert_eq!(
            SceneDetail::for_size(0.0, 0.0, &PICTURE),
            SceneDetail::default()
        );
    }

    #[test]
    fn a_long_name_is_condensed_to_its_box_and_only_then_drawn_smaller() {
        // Fits: as it is.
        assert_eq!(fit_title("Broker 1", 29.5, 400.0), (29.5, None));
        // A little too wide: the same size, condensed to the room.
        let (size, condensed) = fit_title("recommendations", 29.5, 250.0);
        assert_eq!((size, condensed), (29.5, Some(250.0)));
        // Far too wide: condensed by the most allowed, and smaller.
        let (size, condensed) = fit_title("recommendations", 29.5, 150.0);
        assert!(size < 29.5);
        assert_eq!(condensed, Some(150.0));
        assert!((estimated_width("recommendations", size) * MOST_CONDENSED - 150.0).abs() < 1e-6);
    }

    #[test]
    fn hangul_is_estimated_an_em_wide_and_latin_narrower() {
        assert_eq!(estimated_width("컨슈머", 10.0), 30.0);
        assert!((estimated_width("ab 1", 10.0) - 21.9).abs() < 1e-9);
    }
}
