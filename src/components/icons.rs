//! Small inline SVG icons for the controls (no icon font, no request).

use yew::prelude::*;

fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

pub fn play() -> Html {
    icon("M3 1.5v11l9-5.5z")
}

pub fn pause() -> Html {
    icon("M2.5 1.5h3.5v11h-3.5zM8 1.5h3.5v11h-3.5z")
}

pub fn step() -> Html {
    icon("M1.5 1.5v11l7-5.5zM9.5 1.5h3v11h-3z")
}
