//! The outcome panel: the engine's outcome report at the current instant.
//!
//! Every figure here is read off the report that [`kafkascope_engine::view::WorldView`] carries
//! for this instant — the engine's one index of record fates — so the panel always says what the
//! headless runner would say had the run stopped here. Nothing is worked out in the page.

use crate::i18n::{t, Lang, Text};
use kafkascope_engine::OutcomeReport;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutcomeProps {
    /// The engine's report at this instant.
    pub report: OutcomeReport,
}

#[function_component(Outcome)]
pub fn outcome(props: &OutcomeProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let report = &props.report;
    let row = |label: Text, testid: &'static str, value: u64| {
        html! {
            <div class="counter">
                <dt>{ t(lang, label) }</dt>
                <dd data-testid={testid}>{ value }</dd>
            </div>
        }
    };
    let consumed: u64 = report.groups.iter().map(|g| g.consumed).sum();
    html! {
        <section class="outcome" aria-live="polite">
            <h2>{ t(lang, Text::Outcome) }</h2>
            <dl>
                { row(Text::Produced, "produced", report.produced) }
                { row(Text::Acknowledged, "acked", report.acknowledged) }
                if report.sent > 0 {
                    { row(Text::SentAcksZero, "sent", report.sent) }
                }
                { row(Text::Consumed, "consumed", consumed) }
                { row(Text::LostAcknowledged, "lost", report.lost_acknowledged) }
                if report.failed > 0 {
                    { row(Text::FailedToSend, "failed", report.failed) }
                }
                if report.sent_not_in_log > 0 {
                    { row(Text::SentNotInLog, "sent-not-in-log", report.sent_not_in_log) }
                }
                { row(Text::NotCommittedAtEnd, "not-committed", report.not_committed_at_end) }
            </dl>
            <dl class="anomalies" title={t(lang, Text::AnomaliesWhenPaused)}>
                { row(Text::DuplicatesInLog, "duplicates", report.duplicates_in_log) }
                { row(Text::Reordered, "reordered", report.reordered) }
                { row(Text::CommittedThenTruncated, "truncated", report.committed_then_truncated) }
                <div class="counter">
                    <dt>{ t(lang, Text::Unavailable) }</dt>
                    <dd data-testid="unavailable">{ format!("{:.1} s", report.unavailable_us as f64 / 1e6) }</dd>
                </div>
                { row(Text::ExpiredByRetention, "expired", report.expired) }
            </dl>
            if report.transactions_committed + report.transactions_aborted + report.in_open_transaction + report.fenced_producers > 0 {
                <dl class="anomalies transactions">
                    { row(Text::LineTxnCommitted, "txns-committed", report.transactions_committed) }
                    { row(Text::LineTxnAborted, "txns-aborted", report.transactions_aborted) }
                    { row(Text::LineAbortedRecords, "aborted-records", report.aborted) }
                    { row(Text::LineInOpenTxn, "in-open-txns", report.in_open_transaction) }
                    { row(Text::LineFencedProducers, "fenced-producers", report.fenced_producers) }
                </dl>
            }
            if !report.groups.is_empty() {
                <div class="group-outcomes">
                    <h3>{ t(lang, Text::GroupOutcomes) }</h3>
                    <table>
                        <thead><tr>
                            <th>{ t(lang, Text::Group) }</th>
                            <th title={t(lang, Text::Consumed)}>{ "✓" }</th>
                            <th title={t(lang, Text::InProgress)}>{ "…" }</th>
                            <th title={t(lang, Text::NotProcessed)}>{ "✗" }</th>
                            <th title={t(lang, Text::ProcessedMoreThanOnce)}>{ "×2" }</th>
                            <th title={t(lang, Text::OutOfOrder)}>{ "⇅" }</th>
                            <th>{ t(lang, Text::Lag) }</th>
                        </tr></thead>
                        <tbody>
                            { for report.groups.iter().map(|g| {
                                let cell = |v: u64, what: &str, bad: bool| html! {
                                    <td class={classes!((bad && v > 0).then_some("bad"))}
                                        data-testid={format!("group-{}-{what}", g.group)}>{ v }</td>
                                };
                                html! {
                                    <tr>
                                        <td>{ g.group.clone() }</td>
                                        { cell(g.consumed, "consumed", false) }
                                        { cell(g.in_progress, "in-progress", false) }
                                        { cell(g.not_processed, "lost", true) }
                                        { cell(g.processed_more_than_once, "twice", true) }
                                        { cell(g.out_of_order, "out-of-order", true) }
                                        { cell(g.lag, "lag", false) }
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                    <p class="legend-line">{ format!("… {} · ✗ {} · ×2 {} · ⇅ {}", t(lang, Text::InProgress), t(lang, Text::NotProcessed), t(lang, Text::ProcessedMoreThanOnce), t(lang, Text::OutOfOrder)) }</p>
                </div>
            }
            if !report.refused_actions.is_empty() {
                <ul class="refused" data-testid="refused-actions">
                    { for report.refused_actions.iter().map(|r| html! {
                        <li>{ crate::i18n::describe_refusal(lang, &r.action, &r.reason) }</li>
                    }) }
                </ul>
            }
        </section>
    }
}
