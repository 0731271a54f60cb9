//! A QR code of a link, drawn by the page (an SVG path; no service is asked), so that students
//! in a classroom open the scene on the projector on their phones. Encoded by `qrcodegen`
//! (Project Nayuki's reference implementation) at the lowest error correction that still scans
//! from a projector, which leaves the most room for a long link: a link too long for any QR
//! code says so instead.

use crate::i18n::{t, Lang, Text};
use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

/// The dark modules of `text`'s QR code as one SVG path, and the code's width in modules
/// (with the 4-module quiet zone the standard asks for), or `None` when it does not fit.
pub fn qr_path(text: &str) -> Option<(String, i32)> {
    let code = QrCode::encode_text(text, QrCodeEcc::Low).ok()?;
    let quiet = 4;
    let mut path = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + quiet, y + quiet));
            }
        }
    }
    Some((path, code.size() + 2 * quiet))
}

#[derive(Properties, PartialEq)]
pub struct QrProps {
    /// What the code says (an absolute link).
    pub text: AttrValue,
}

#[function_component(Qr)]
pub fn qr(props: &QrProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let drawn = use_memo(props.text.clone(), |text| qr_path(text));
    match &*drawn {
        Some((path, width)) => html! {
            <svg class="qr" data-testid="qr" viewBox={format!("0 0 {width} {width}")}
                role="img" aria-label={t(lang, Text::QrLabel)} shape-rendering="crispEdges">
                <rect width={width.to_string()} height={width.to_string()} fill="#fff" />
                <path d={path.clone()} fill="#000" />
            </svg>
        },
        None => {
            html! { <p class="hint" data-testid="qr-too-long">{ t(lang, Text::QrTooLong) }</p> }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_gets_a_square_code_with_its_quiet_zone_and_an_overlong_one_none() {
        let (path, width) =
            qr_path("https://example.org/kafkascope/?scenario=acks-1-failover-loss").unwrap();
        // A version-v code is 17 + 4v modules wide, plus 4 of quiet zone on each side.
        assert!(
            width >= 21 + 8 && (width - 8 - 17) % 4 == 0,
            "a QR size: {width}"
        );
        assert!(
            path.starts_with("M4 4h1v1h-1z"),
            "the finder pattern's corner is dark"
        );
        assert!(qr_path(&"x".repeat(3000)).is_none());
    }
}
