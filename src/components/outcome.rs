//! The outcome counters at the current instant. The four basic counters follow every frame;
//! the checker's anomaly counts (duplicates, reorderings, committed-then-truncated, unavailable
//! time, and per consumer group: never processed, processed twice, out of order, lag) scan whole
//! logs, so they are computed when playback is paused (the reader has stopped
//! to look) and shown as "…" while it plays.

use crate::i18n::{t, Lang, Text};
use kafkascope_engine::OutcomeReport;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutcomeProps {
    pub produced: u64,
    pub acknowledged: u64,
    pub consumed: u64,
    pub lost_acknowledged: u64,
    /// The checker's report at this instant, when paused.
    #[prop_or_default]
    pub report: Option<OutcomeReport>,
}

#[function_component(Outcome)]
pub fn outcome(props: &OutcomeProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let row = |label: Text, testid: &'static str, value: u64| {
        html! {
            <div class="counter">
                <dt>{ t(lang, label) }</dt>
                <dd data-testid={testid}>{ value }</dd>
            </div>
        }
    };
    html! {
        <section class="outcome" aria-live="polite">
            <h2>{ t(lang, Text::Outcome) }</h2>
            <dl>
                { row(Text::Produced, "produced", props.produced) }
                { row(Text::Acknowledged, "acked", props.acknowledged) }
                { row(Text::Consumed, "consumed", props.consumed) }
                { row(Text::LostAcknowledged, "lost", props.lost_acknowledged) }
            </dl>
            <dl class="anomalies" title={t(lang, Text::AnomaliesWhenPaused)}>
                { anomaly(lang, Text::DuplicatesInLog, "duplicates", props.report.as_ref().map(|r| r.duplicates_in_log.to_string())) }
                { anomaly(lang, Text::Reordered, "reordered", props.report.as_ref().map(|r| r.reordered.to_string())) }
                { anomaly(lang, Text::CommittedThenTruncated, "truncated", props.report.as_ref().map(|r| r.committed_then_truncated.to_string())) }
                { anomaly(lang, Text::Unavailable, "unavailable", props.report.as_ref().map(|r| format!("{:.1} s", r.unavailable_us as f64 / 1e6))) }
                { anomaly(lang, Text::ExpiredByRetention, "expired", props.report.as_ref().map(|r| r.expired.to_string())) }
            </dl>
            if let Some(report) = props.report.as_ref().filter(|r| !r.groups.is_empty()) {
                <div class="group-outcomes">
                    <h3>{ t(lang, Text::GroupOutcomes) }</h3>
                    <table>
                        <thead><tr>
                            <th>{ t(lang, Text::Group) }</th>
                            <th title={t(lang, Text::Consumed)}>{ "✓" }</th>
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
                                        { cell(g.not_processed, "lost", true) }
                                        { cell(g.processed_more_than_once, "twice", true) }
                                        { cell(g.out_of_order, "out-of-order", true) }
                                        { cell(g.lag, "lag", false) }
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                    <p class="legend-line">{ format!("✗ {} · ×2 {} · ⇅ {}", t(lang, Text::NotProcessed), t(lang, Text::ProcessedMoreThanOnce), t(lang, Text::OutOfOrder)) }</p>
                </div>
            }
        </section>
    }
}

fn anomaly(lang: Lang, label: Text, testid: &'static str, value: Option<String>) -> Html {
    html! {
        <div class="counter">
            <dt>{ t(lang, label) }</dt>
            <dd data-testid={testid}>{ value.unwrap_or_else(|| "…".into()) }</dd>
        </div>
    }
}
