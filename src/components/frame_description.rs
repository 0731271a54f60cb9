//! The frame in words, for assistive technology: what is where (each broker's replicas with
//! their role, high watermark and log end offset; each producer's progress; each consumer
//! group's progress; what was lost) and what just happened (the newest notable event, as the
//! event list tells it). Read off the same scene model the picture is drawn from.
//!
//! It is visually hidden and announced (`aria-live="polite"`) only while paused, so a screen
//! reader is not flooded while the scene plays; playing, it says nothing.

use crate::components::controls::format_clock;
use crate::components::scene::role_text;
use crate::i18n::{describe, fill, t, Lang, Text};
use crate::scene_model::SceneModel;
use kafkascope_engine::SimTime;
use std::rc::Rc;
use yew::prelude::*;

/// The frame at `now` in words, in `lang`.
pub fn describe_frame(lang: Lang, model: &SceneModel, now: SimTime) -> String {
    let mut parts = vec![fill(lang, Text::FrameAt, &[&format_clock(now)])];
    for b in &model.brokers {
        let name = format!("{} {}", t(lang, Text::Broker), b.node.number());
        if !b.up {
            parts.push(format!("{name}: {}.", t(lang, Text::Crashed)));
            continue;
        }
        let rows: Vec<String> = b
            .rows
            .iter()
            .map(|row| {
                format!(
                    "{} {}, HW {}, LEO {}",
                    row.label,
                    role_text(lang, row, true),
                    row.high_watermark,
                    row.log_end_offset
                )
            })
            .collect();
        parts.push(format!("{name}: {}.", rows.join("; ")));
    }
    for p in &model.producers {
        let name = format!("{} {}", t(lang, Text::Producer), p.node.number());
        if !p.up {
            parts.push(format!("{name}: {}.", t(lang, Text::Crashed)));
            continue;
        }
        parts.push(format!(
            "{name} (acks={}): {} {}/{}, {} {}.",
            p.acks,
            t(lang, Text::LineProduced),
            p.created,
            p.total,
            t(lang, Text::LineAcked),
            p.acknowledged
        ));
    }
    for c in model.consumers.iter().filter(|c| !c.up) {
        parts.push(format!(
            "{} {}: {}.",
            t(lang, Text::Consumer),
            c.node.number(),
            t(lang, Text::Crashed)
        ));
    }
    for g in &model.report.groups {
        parts.push(format!(
            "{}: {} {}, {} {}.",
            g.group,
            t(lang, Text::LineConsumed),
            g.consumed,
            t(lang, Text::Lag),
            g.lag
        ));
    }
    parts.push(format!(
        "{} {}.",
        t(lang, Text::LineLost),
        model.report.lost_acknowledged
    ));
    if let Some(latest) = model
        .events
        .iter()
        .find_map(|(_, what)| describe(lang, what))
    {
        parts.push(format!("{} {latest}", t(lang, Text::FrameJustHappened)));
    }
    parts.join(" ")
}

#[derive(Properties)]
pub struct FrameDescriptionProps {
    pub model: Rc<SceneModel>,
    pub now: SimTime,
    pub playing: bool,
}

impl PartialEq for FrameDescriptionProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model)
            && self.now == other.now
            && self.playing == other.playing
    }
}

#[function_component(FrameDescription)]
pub fn frame_description(props: &FrameDescriptionProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let text = (!props.playing).then(|| describe_frame(lang, &props.model, props.now));
    html! {
        <p class="visually-hidden" data-testid="frame-description"
            aria-live={if props.playing { "off" } else { "polite" }}>
            { text.unwrap_or_default() }
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafkascope_engine::{Scenario, Timeline};

    #[test]
    fn the_end_of_the_acks_lesson_in_words_names_the_new_leader_and_the_loss() {
        let scenario =
            Scenario::from_toml(include_str!("../../scenarios/acks-1-failover-loss.toml")).unwrap();
        let timeline = Timeline::record(&scenario);
        let end = timeline.end();
        let model = SceneModel::build(&timeline.world_at(end), &timeline, end);
        let lost = model.report.lost_acknowledged;
        assert!(lost > 0);
        let en = describe_frame(Lang::En, &model, end);
        for part in [
            "Broker 2: P0 leader · epoch 1, HW 3, LEO 3.",
            "Producer 1 (acks=1): produced 6/6, acked 6.",
            &format!("lost after ack {lost}."),
        ] {
            assert!(en.contains(part), "{part:?} in {en:?}");
        }
        let ko = describe_frame(Lang::Ko, &model, end);
        assert!(ko.contains("브로커 2: P0 리더 · 에포크 1"), "{ko}");
        assert!(ko.contains(&format!("ack 후 유실 {lost}.")), "{ko}");
    }
}
