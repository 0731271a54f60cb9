//! The outcome line: the engine's key counters in one line under the scene, so that a lesson's
//! caption and the figures it talks about ("three acknowledged records were lost") share the
//! screen without the side panels. The embed view (a later issue) reuses it.
//!
//! Like the outcome panel, every figure is read off the engine's outcome report for this instant
//! (its one index of record fates); nothing is counted here. The headline counts are always
//! shown; the anomalies appear when they are not zero. Each figure carries `data-count` with the
//! report's JSON name, so the end-to-end tests check a lesson step's claims against what is drawn.

use crate::i18n::{t, Lang, Text};
use kafkascope_engine::OutcomeReport;
use yew::prelude::*;

/// The delivery a table shows, as the reader reads it.
pub fn delivery_text(delivery: kafkascope_engine::report::Delivery) -> Text {
    use kafkascope_engine::report::Delivery;
    match delivery {
        Delivery::ExactlyOnce => Text::DeliveryExactlyOnce,
        Delivery::AtLeastOnce => Text::DeliveryAtLeastOnce,
        Delivery::AtMostOnce => Text::DeliveryAtMostOnce,
        Delivery::Neither => Text::DeliveryNeither,
        Delivery::NotYet => Text::DeliveryNotYet,
    }
}

#[derive(Properties, PartialEq)]
pub struct OutcomeLineProps {
    /// The engine's report at this instant.
    pub report: OutcomeReport,
    /// In the compare view: the other side's report at the same instant. A figure whose value
    /// differs from the other side's is marked (`differs`).
    #[prop_or_default]
    pub other: Option<OutcomeReport>,
}

#[function_component(OutcomeLine)]
pub fn outcome_line(props: &OutcomeLineProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let r = &props.report;
    let other = props.other.as_ref();
    // A figure: its label, its JSON name, its value here and on the other side (compare), and
    // whether a non-zero value is bad news.
    let figure = |label: Text,
                  name: &'static str,
                  (value, there): (u64, Option<u64>),
                  bad: bool| {
        let differs = there.is_some_and(|there| there != value);
        html! {
            <span class={classes!("figure", (bad && value > 0).then_some("bad"), differs.then_some("differs"))}>
                { t(lang, label) }{ " " }<b data-count={name}>{ value }</b>
            </span>
        }
    };
    let when_some = |label: Text, name: &'static str, (value, there): (u64, Option<u64>)| {
        (value > 0 || there.is_some_and(|there| there > 0))
            .then(|| figure(label, name, (value, there), true))
    };
    // A report's figure here and on the other side.
    let pick = |f: fn(&OutcomeReport) -> u64| (f(r), other.map(f));
    let acks_zero_only = r.sent > 0 && r.acknowledged == 0;
    html! {
        <div class="outcome-line" data-testid="outcome-line" aria-live="polite">
            { figure(Text::LineProduced, "produced", pick(|r| r.produced), false) }
            if acks_zero_only {
                { figure(Text::LineSent, "sent", pick(|r| r.sent), false) }
            } else {
                { figure(Text::LineAcked, "acknowledged", pick(|r| r.acknowledged), false) }
            }
            { figure(Text::LineCommitted, "committed_in_log", pick(|r| r.committed_in_log), false) }
            { figure(Text::LineLost, "lost_acknowledged", pick(|r| r.lost_acknowledged), true) }
            { when_some(Text::LineSentNotInLog, "sent_not_in_log", pick(|r| r.sent_not_in_log)) }
            { when_some(Text::LineFailed, "failed", pick(|r| r.failed)) }
            { when_some(Text::LineNotCommitted, "not_committed_at_end", pick(|r| r.not_committed_at_end)) }
            { when_some(Text::LineDuplicates, "duplicates_in_log", pick(|r| r.duplicates_in_log)) }
            { when_some(Text::LineReordered, "reordered", pick(|r| r.reordered)) }
            { when_some(Text::LineTruncated, "committed_then_truncated", pick(|r| r.committed_then_truncated)) }
            { when_some(Text::LineExpired, "expired", pick(|r| r.expired)) }
            { when_some(Text::LineRefused, "refused_actions", pick(|r| r.refused_actions.len() as u64)) }
            { (r.aborted > 0 || other.is_some_and(|o| o.aborted > 0)).then(|| figure(Text::LineAbortedRecords, "aborted", pick(|r| r.aborted), false)) }
            { when_some(Text::LineFencedProducers, "fenced_producers", pick(|r| r.fenced_producers)) }
            { for r.groups.iter().enumerate().map(|(i, g)| { let og = other.and_then(|o| o.groups.iter().find(|o| o.group == g.group)); html! {
                <span class={classes!("group-figures", format!("group-{}", i % 6))} data-group={g.group.clone()}>
                    <span class="group-name">{ g.group.clone() }</span>
                    { figure(Text::LineConsumed, "consumed", (g.consumed, og.map(|o| o.consumed)), false) }
                    { figure(Text::Lag, "lag", (g.lag, og.map(|o| o.lag)), false) }
                    { (g.in_progress > 0 || og.is_some_and(|o| o.in_progress > 0)).then(|| figure(Text::LineInProgress, "in_progress", (g.in_progress, og.map(|o| o.in_progress)), false)) }
                    { when_some(Text::LineNotProcessed, "not_processed", (g.not_processed, og.map(|o| o.not_processed))) }
                    { when_some(Text::LineTwice, "processed_more_than_once", (g.processed_more_than_once, og.map(|o| o.processed_more_than_once))) }
                    { when_some(Text::LineOutOfOrder, "out_of_order", (g.out_of_order, og.map(|o| o.out_of_order))) }
                    { when_some(Text::AbortedRead, "aborted_read", (g.aborted_read, og.map(|o| o.aborted_read))) }
                    { for r.processors.iter().filter(|p| p.group == g.group).map(|p| { let op = other.and_then(|o| o.processors.iter().find(|o| o.group == p.group)); html! {
                        <span class="processor-figures" data-processor={p.group.clone()}
                            title={t(lang, Text::ProcessorResultsTitle)}>
                            { figure(Text::LineExactlyOnce, "exactly_once", (p.results.exactly_once, op.map(|o| o.results.exactly_once)), false) }
                            { figure(Text::LineMissing, "missing", (p.results.missing, op.map(|o| o.results.missing)), true) }
                            { when_some(Text::LineMoreThanOnce, "more_than_once", (p.results.more_than_once, op.map(|o| o.results.more_than_once))) }
                        </span>
                    }}) }
                </span>
            }}) }
            { for r.tables.iter().map(|table| { let ot = other.and_then(|o| o.tables.iter().find(|o| o.table == table.table)); html! {
                <span class="table-figures" data-table={table.table.clone()} title={t(lang, Text::TableFiguresTitle)}>
                    <span class="table-name">{ table.table.clone() }</span>
                    { figure(Text::LineRows, "rows", (table.rows, ot.map(|o| o.rows)), false) }
                    { figure(Text::LineDuplicateRows, "duplicate_rows", (table.duplicate_rows, ot.map(|o| o.duplicate_rows)), true) }
                    { when_some(Text::LineRefusedWrites, "refused_writes", (table.refused_writes, ot.map(|o| o.refused_writes))) }
                    <span class={classes!("verdict", table.delivery.name())}>
                        <b data-verdict={table.delivery.name()}>{ t(lang, delivery_text(table.delivery)) }</b>
                    </span>
                </span>
            }}) }
        </div>
    }
}
