//! The legend: every mark the scene uses — message dots, the producer's record squares, log
//! cells (committed, not yet, truncated; transactions open, aborted, markers), the HW bar, LEO and
//! LSO, the transaction coordinator's line, a group's committed offset and
//! position, processed records, the auto-commit ring — drawn as the scene draws it, in both
//! languages.

use crate::i18n::{t, Lang, Text};
use yew::prelude::*;

/// One legend line: a small drawing of the mark and what it means.
fn line(icon: Html, lang: Lang, text: Text) -> Html {
    html! {
        <li><svg width="22" height="18" viewBox="-11 -9 22 18" aria-hidden="true">{ icon }</svg>
            { t(lang, text) }</li>
    }
}

fn dot(class: &'static str) -> Html {
    html! { <circle class={classes!("dot", class)} r="5" /> }
}

/// A producer's record square or a log cell, with the scene's classes.
fn square(classes: Classes) -> Html {
    html! { <g class={classes}><rect x="-8" y="-7" width="16" height="14" rx="2" /></g> }
}

#[function_component(Legend)]
pub fn legend() -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    html! {
        <section class="legend" data-testid="legend">
            <h2>{ t(lang, Text::Legend) }</h2>
            <ul>
                { line(dot("produce-request"), lang, Text::ProduceRequest) }
                { line(dot("produce-response"), lang, Text::ProduceResponse) }
                { line(dot("fetch-request"), lang, Text::FetchRequest) }
                { line(dot("fetch-response"), lang, Text::FetchResponse) }
                { line(dot("replica-fetch"), lang, Text::ReplicaFetch) }
                { line(dot("offset-commit"), lang, Text::OffsetCommit) }
                { line(dot("control"), lang, Text::ControlTraffic) }
                { line(dot("txn"), lang, Text::TxnTraffic) }
                { line(dot("db"), lang, Text::LegendDbTraffic) }
                { line(dot("other"), lang, Text::OtherMessage) }
                { line(dot("lost"), lang, Text::LostMessage) }
                { line(html! { <text class="legend-glyph" x="0" y="4">{ "#3" }</text> }, lang, Text::LegendDotRecords) }
                { line(html! { <text class="legend-glyph" x="0" y="4">{ "↺" }</text> }, lang, Text::LegendRecognised) }
            </ul>
            <h2>{ t(lang, Text::LegendMarks) }</h2>
            <ul>
                { line(square(classes!("record", "queued")), lang, Text::RecordQueued) }
                { line(square(classes!("record", "acked")), lang, Text::RecordAcked) }
                { line(html! { <g class="record lost">
                    <rect x="-8" y="-7" width="16" height="14" rx="2" />
                    <path class="cross" d="M-8 -7 l16 14 m0 -14 l-16 14" /></g> }, lang, Text::RecordLost) }
                { line(square(classes!("record", "failed")), lang, Text::RecordFailed) }
                { line(square(classes!("cell", "committed")), lang, Text::LegendCommittedCell) }
                { line(square(classes!("cell")), lang, Text::LegendUncommittedCell) }
                { line(html! { <g class="cell truncated"><rect x="-8" y="-7" width="16" height="14" rx="2" />
                    <text x="0" y="4" class="legend-glyph">{ "✗" }</text></g> }, lang, Text::TruncatedCell) }
                { line(html! { <g class="marker hw"><line x1="0" y1="-9" x2="0" y2="9" /></g> }, lang, Text::HighWatermark) }
                { line(html! { <text x="0" y="4" class="legend-glyph">{ "LEO" }</text> }, lang, Text::LogEndOffset) }
                { line(square(classes!("cell", "committed", "txn-open")), lang, Text::LegendTxnCells) }
                { line(html! { <g class="cell txn-aborted"><rect x="-8" y="-7" width="16" height="14" rx="2" />
                    <line class="strike" x1="-7" y1="6" x2="7" y2="-6" /></g> }, lang, Text::CellAbortedTxn) }
                { line(html! { <g class="cell commit-marker"><rect x="-8" y="-7" width="16" height="14" rx="2" />
                    <text x="0" y="4">{ "C" }</text></g> }, lang, Text::LegendMarkers) }
                { line(html! { <g class="marker lso"><line x1="0" y1="-9" x2="0" y2="9" /></g> }, lang, Text::LegendLso) }
                { line(html! { <text x="0" y="4" class="legend-glyph">{ "TC" }</text> }, lang, Text::LegendTxnCoordinator) }
                { line(html! { <g class="marker committed-offset group-0"><path d="M0 -4 l-6 10 h12 z" /></g> }, lang, Text::CommittedOffset) }
                { line(html! { <g class="marker position group-0"><path d="M0 5 l-5 -9 h10 z" /></g> }, lang, Text::Position) }
                { line(html! { <g class="processed"><rect x="-9" y="-7" width="18" height="14" rx="2" /></g> }, lang, Text::RecordsProcessed) }
                { line(html! { <g class="processed twice"><rect x="-9" y="-7" width="18" height="14" rx="2" /></g> }, lang, Text::ProcessedTwice) }
                { line(html! { <g class="db-row duplicate"><rect x="-9" y="-7" width="18" height="14" rx="2" /></g> }, lang, Text::LegendDuplicateRow) }
                { line(html! { <g class="auto-commit"><circle class="track" r="6" />
                    <circle class="elapsed" r="6" stroke-dasharray="20 40" /></g> }, lang, Text::AutoCommitTimer) }
            </ul>
        </section>
    }
}
