//! Changing a scenario's settings in the page: brokers, partitions, replication factor,
//! `min.insync.replicas`, `acks`, `retries`, `enable.idempotence` (Kafka's default, `true` or
//! `false`), `unclean.leader.election.enable`, and each consumer group's `isolation.level`. Applying re-runs
//! the scenario from the start; an impossible combination is refused with the engine's message,
//! which names the field, and the current scene stays.

use crate::i18n::{t, Lang, Text};
use crate::scenarios::SettingsChange;
use kafkascope_engine::message::Acks;
use kafkascope_engine::scenario::IsolationLevel;
use kafkascope_engine::Scenario;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    pub scenario: Rc<Scenario>,
    pub on_apply: Callback<Scenario>,
}

fn number_field(
    label: String,
    testid: &'static str,
    value: u32,
    set: impl Fn(&mut SettingsChange, u32) + 'static,
    form: &UseStateHandle<SettingsChange>,
) -> Html {
    let form = form.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(v) = input.value().trim().parse::<u32>() {
            let mut next = (*form).clone();
            set(&mut next, v);
            form.set(next);
        }
    });
    html! {
        <label>
            <span>{ label }</span>
            <input type="number" min="0" data-testid={testid} value={value.to_string()} {oninput} />
        </label>
    }
}

#[function_component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let form = use_state(|| SettingsChange::of(&props.scenario));
    let error = use_state(|| None::<String>);
    {
        // A different scenario resets the form.
        let form = form.clone();
        let error = error.clone();
        use_effect_with(props.scenario.clone(), move |scenario| {
            form.set(SettingsChange::of(scenario));
            error.set(None);
        });
    }
    let apply = {
        let form = form.clone();
        let error = error.clone();
        let scenario = props.scenario.clone();
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.apply(&scenario) {
                Ok(s) => {
                    error.set(None);
                    on_apply.emit(s);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    let on_acks = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.acks = match select.value().as_str() {
                "0" => Acks::None,
                "1" => Acks::Leader,
                _ => Acks::All,
            };
            form.set(next);
        })
    };
    let on_idempotence = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.enable_idempotence = match select.value().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            };
            form.set(next);
        })
    };
    let f = &*form;
    let acks_value = match f.acks {
        Acks::None => "0",
        Acks::Leader => "1",
        Acks::All => "all",
    };
    html! {
        <details class="settings" data-testid="settings">
            <summary>{ t(lang, Text::Settings) }</summary>
            <p class="hint">{ t(lang, Text::SettingsHint) }</p>
            <form onsubmit={apply}>
                { number_field(t(lang, Text::Brokers).into(), "set-brokers", f.brokers, |s, v| s.brokers = v, &form) }
                { number_field(t(lang, Text::Partitions).into(), "set-partitions", f.partitions, |s, v| s.partitions = v, &form) }
                { number_field("replication.factor".into(), "set-rf", f.replication_factor, |s, v| s.replication_factor = v, &form) }
                { number_field("min.insync.replicas".into(), "set-min-isr", f.min_insync_replicas, |s, v| s.min_insync_replicas = v, &form) }
                <label>
                    <span>{ format!("acks {}", t(lang, Text::AllProducers)) }</span>
                    <select data-testid="set-acks" onchange={on_acks}>
                        { for ["0", "1", "all"].iter().map(|v| html! {
                            <option value={*v} selected={*v == acks_value}>{ *v }</option>
                        }) }
                    </select>
                </label>
                { number_field(format!("retries {}", t(lang, Text::AllProducers)), "set-retries", f.retries, |s, v| s.retries = v, &form) }
                <label>
                    <span>{ format!("enable.idempotence {}", t(lang, Text::AllProducers)) }</span>
                    <select data-testid="set-idempotence" onchange={on_idempotence}>
                        { for [("default", None), ("true", Some(true)), ("false", Some(false))].iter().map(|(v, setting)| html! {
                            <option value={*v} selected={*setting == f.enable_idempotence}>
                                { if setting.is_none() { t(lang, Text::KafkaDefault).to_string() } else { v.to_string() } }
                            </option>
                        }) }
                    </select>
                </label>
                { for f.isolation.iter().enumerate().map(|(i, (group, level))| {
                    let form = form.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let select: HtmlSelectElement = e.target_unchecked_into();
                        let mut next = (*form).clone();
                        if let Some(entry) = next.isolation.get_mut(i) {
                            entry.1 = if select.value() == "read_committed" {
                                IsolationLevel::ReadCommitted
                            } else {
                                IsolationLevel::ReadUncommitted
                            };
                        }
                        form.set(next);
                    });
                    html! {
                        <label>
                            <span>{ format!("isolation.level · {group}") }</span>
                            <select data-testid={format!("set-isolation-{group}")} {onchange}>
                                { for [IsolationLevel::ReadUncommitted, IsolationLevel::ReadCommitted].iter().map(|l| html! {
                                    <option value={l.name()} selected={l == level}>{ l.name() }</option>
                                }) }
                            </select>
                        </label>
                    }
                }) }
                { for f.auto_commit.iter().enumerate().map(|(i, (group, on))| per_entry_check(
                    format!("enable.auto.commit · {group}"), format!("set-auto-commit-{group}"), *on,
                    &form, move |s| &mut s.auto_commit[i].1)) }
                { for f.unique_keys.iter().enumerate().map(|(i, (table, on))| per_entry_check(
                    crate::i18n::fill(lang, Text::UniqueKeyOf, &[table]), format!("set-unique-key-{table}"), *on,
                    &form, move |s| &mut s.unique_keys[i].1)) }
                { per_entry_check("unclean.leader.election.enable".to_string(), "set-unclean".to_string(),
                    f.unclean_leader_election, &form, |s| &mut s.unclean_leader_election) }
                <button type="submit" class="primary" data-testid="settings-apply">{ t(lang, Text::Apply) }</button>
            </form>
            if let Some(message) = &*error {
                <p class="settings-error" role="alert" data-testid="settings-error">
                    <strong>{ t(lang, Text::SettingsRejected) }</strong>{ " " }{ message.clone() }</p>
            }
        </details>
    }
}

/// A checkbox for one on/off setting of the form (`entry` picks it out: the topic's, or one
/// group's or one table's).
fn per_entry_check(
    label: String,
    testid: String,
    checked: bool,
    form: &UseStateHandle<SettingsChange>,
    entry: impl Fn(&mut SettingsChange) -> &mut bool + 'static,
) -> Html {
    let form = form.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let mut next = (*form).clone();
        *entry(&mut next) = input.checked();
        form.set(next);
    });
    html! {
        <label class="check">
            <input type="checkbox" data-testid={testid} {checked} {onchange} />
            <span>{ label }</span>
        </label>
    }
}
