//! Compare: two configurations of one scenario, run by the engine separately and played in step.
//!
//! Each side is its own recorded run ([`Timeline`]) — the engine decides each side's outcome; this
//! module only keeps the two clocks together and says which settings differ:
//! - [`ComparePlayback`] moves both playbacks with every action the reader takes. The side whose
//!   run lasts longer leads (its clock and end drive the slider); the other follows its time,
//!   stopping at its own end. An injected fault (a click on a broker) happens on both sides at the
//!   same instant, so "the same crash" is the same on both.
//! - [`setting_differences`] lists the settings whose values differ, read off both scenarios as
//!   they are saved (their JSON), so any setting can be the one that differs.

use crate::playback::{Playback, PlaybackAction};
use kafkascope_engine::flat::FlatMap;
use kafkascope_engine::{Scenario, SimTime, Timeline};
use std::rc::Rc;
use yew::Reducible;

/// The two sides' playbacks, in step.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparePlayback {
    pub a: Playback,
    pub b: Playback,
}

impl ComparePlayback {
    pub fn new(a: Rc<Timeline>, b: Rc<Timeline>) -> Self {
        let mut pair = ComparePlayback {
            a: Playback::new(a),
            b: Playback::new(b),
        };
        pair.follow();
        pair
    }

    /// Whether B's run lasts longer than A's (then B's clock leads).
    fn b_leads(&self) -> bool {
        self.b.timeline.end() > self.a.timeline.end()
    }

    /// The side whose clock the controls show and drive.
    pub fn lead(&self) -> &Playback {
        if self.b_leads() {
            &self.b
        } else {
            &self.a
        }
    }

    /// The other side takes the lead's time (up to its own end), play state and speed.
    fn follow(&mut self) {
        let (lead, other) = if self.b_leads() {
            (&self.b, &mut self.a)
        } else {
            (&self.a, &mut self.b)
        };
        other.time = lead.time.min(other.timeline.end());
        other.playing = lead.playing;
        other.speed = lead.speed;
        other.fast_forwarding = lead.fast_forwarding;
        other.frame = lead.frame;
        other.stop_at = lead.stop_at;
    }

    pub fn apply(mut self, action: PlaybackAction) -> Self {
        match action {
            PlaybackAction::Inject(fault) => {
                // The same fault at the same instant on both sides (both stand at one time).
                self.a = self.a.apply(PlaybackAction::Inject(fault.clone()));
                self.b = self.b.apply(PlaybackAction::Inject(fault));
            }
            PlaybackAction::Step => {
                // The next event on either side.
                let now = self.lead().time;
                let next = [&self.a, &self.b]
                    .iter()
                    .filter_map(|p| p.timeline.next_event_after(now))
                    .min()
                    .unwrap_or(self.lead().timeline.end());
                let lead = self.lead().clone();
                let lead = lead
                    .apply(PlaybackAction::Pause)
                    .apply(PlaybackAction::Seek(next));
                self.set_lead(lead);
            }
            PlaybackAction::Frame(now_ms) => {
                // Fast-forward only while both runs are idle.
                let (mut lead, other) = if self.b_leads() {
                    (self.b.clone(), self.a.timeline.clone())
                } else {
                    (self.a.clone(), self.b.timeline.clone())
                };
                lead.on_frame(now_ms, &[&other]);
                self.set_lead(lead);
            }
            // A new run is a new comparison: the view remounts instead.
            PlaybackAction::Load(_) => {}
            action => {
                let lead = self.lead().clone().apply(action);
                self.set_lead(lead);
            }
        }
        self.follow();
        self
    }

    fn set_lead(&mut self, lead: Playback) {
        if self.b_leads() {
            self.b = lead;
        } else {
            self.a = lead;
        }
    }

    /// The time both sides show (the lead's).
    pub fn time(&self) -> SimTime {
        self.lead().time
    }
}

impl Reducible for ComparePlayback {
    type Action = PlaybackAction;
    fn reduce(self: Rc<Self>, action: PlaybackAction) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

/// One setting whose value differs between the two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingDifference {
    /// Where it is in the scenario file, e.g. `producers[0].acks`.
    pub path: String,
    /// Its last key, e.g. `acks` (what the page shows; the path is its tooltip).
    pub key: String,
    /// Its value on each side, as the scenario file writes it (`—` when a side has none).
    pub a: String,
    pub b: String,
}

/// The settings that differ between `a` and `b`: not the title, the description or the lesson
/// steps, nor `reader_settings` (the scenario's note of what a reader changed, not a setting).
pub fn setting_differences(a: &Scenario, b: &Scenario) -> Vec<SettingDifference> {
    let a_values = leaf_values(&a.to_json());
    let b_values = leaf_values(&b.to_json());
    let mut paths: Vec<&String> = a_values.keys().collect();
    paths.extend(b_values.keys().filter(|p| !a_values.contains_key(*p)));
    paths
        .into_iter()
        .filter(|path| !path.starts_with("title.") && !path.starts_with("description."))
        .filter(|path| !path.starts_with("steps[") && !path.starts_with("reader_settings["))
        .filter_map(|path| {
            let (va, vb) = (a_values.get(path), b_values.get(path));
            (va != vb).then(|| SettingDifference {
                path: path.clone(),
                key: path.rsplit('.').next().unwrap_or(path).to_string(),
                a: va.cloned().unwrap_or_else(|| "—".into()),
                b: vb.cloned().unwrap_or_else(|| "—".into()),
            })
        })
        .collect()
}

/// Every leaf of a pretty-printed JSON document (one value per line, as `to_string_pretty`
/// writes), by path: `producers[0].acks` → `"1"` (strings unquoted).
fn leaf_values(pretty_json: &str) -> FlatMap<String, String> {
    struct Level {
        name: String,
        array: bool,
        next_index: usize,
    }
    let mut levels: Vec<Level> = Vec::new();
    let mut values = FlatMap::new();
    for line in pretty_json.lines() {
        let line = line.trim().trim_end_matches(',');
        if line.starts_with('}') || line.starts_with(']') {
            levels.pop();
            continue;
        }
        // The key on this line, or the array index this element takes.
        let (key, value) = match line.strip_prefix('"').and_then(|rest| {
            let end = rest.find("\": ")?;
            Some((rest[..end].to_string(), &rest[end + 3..]))
        }) {
            Some((key, value)) => (key, value),
            // The document itself.
            None if levels.is_empty() => (String::new(), line),
            None => {
                let index = levels.last_mut().filter(|l| l.array).map(|l| {
                    l.next_index += 1;
                    l.next_index - 1
                });
                (format!("[{}]", index.unwrap_or(0)), line)
            }
        };
        let mut path = String::new();
        for level in levels.iter().filter(|l| !l.name.is_empty()) {
            if !path.is_empty() && !level.name.starts_with('[') {
                path.push('.');
            }
            path.push_str(&level.name);
        }
        if !path.is_empty() && !key.starts_with('[') {
            path.push('.');
        }
        path.push_str(&key);
        match value {
            "{" | "[" => levels.push(Level {
                name: key,
                array: value == "[",
                next_index: 0,
            }),
            _ => {
                let shown = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value);
                values.insert(path, shown.to_string());
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafkascope_engine::message::Acks;

    fn acks_lesson() -> Scenario {
        Scenario::from_toml(include_str!("../scenarios/acks-1-failover-loss.toml")).unwrap()
    }

    fn with_acks_all(scenario: &Scenario) -> Scenario {
        let mut b = scenario.clone();
        b.producers[0].acks = Acks::All;
        b
    }

    #[test]
    fn the_one_changed_setting_is_the_one_difference_named() {
        let a = acks_lesson();
        let b = with_acks_all(&a);
        assert_eq!(setting_differences(&a, &a), vec![]);
        assert_eq!(
            setting_differences(&a, &b),
            vec![SettingDifference {
                path: "producers[0].acks".into(),
                key: "acks".into(),
                a: "1".into(),
                b: "all".into(),
            }]
        );
        let mut c = b.clone();
        c.topic.as_mut().unwrap().min_insync_replicas = 2;
        let names: Vec<String> = setting_differences(&a, &c)
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(names, ["producers[0].acks", "topic.min.insync.replicas"]);
    }

    #[test]
    fn acks_one_loses_acknowledged_records_and_acks_all_does_not_through_the_same_crash() {
        let a = acks_lesson();
        let b = with_acks_all(&a);
        let pair =
            ComparePlayback::new(Rc::new(Timeline::record(&a)), Rc::new(Timeline::record(&b)));
        let end = pair.lead().timeline.end();
        let pair = pair.apply(PlaybackAction::Seek(end));
        assert_eq!(pair.time(), end);
        let lost = |p: &Playback| {
            let world = p.timeline.world_at(p.time);
            crate::scene_model::SceneModel::build(&world, &p.timeline, p.time)
                .report
                .lost_acknowledged
        };
        assert!(lost(&pair.a) > 0, "acks=1 loses acknowledged records");
        assert_eq!(lost(&pair.b), 0, "acks=all loses none");
    }

    #[test]
    fn both_sides_move_together_and_the_shorter_run_waits_at_its_end() {
        let a = acks_lesson();
        let b = with_acks_all(&a);
        let (ta, tb) = (Timeline::record(&a), Timeline::record(&b));
        let shorter = ta.end().min(tb.end());
        let longer = ta.end().max(tb.end());
        let pair = ComparePlayback::new(Rc::new(ta), Rc::new(tb));
        let pair = pair.apply(PlaybackAction::Seek(SimTime::from_ms(30)));
        assert_eq!(pair.a.time, SimTime::from_ms(30));
        assert_eq!(pair.b.time, SimTime::from_ms(30));
        let pair = pair
            .apply(PlaybackAction::Play)
            .apply(PlaybackAction::Frame(0.0))
            .apply(PlaybackAction::Frame(16.0));
        assert!(pair.a.playing && pair.b.playing);
        assert_eq!(pair.a.time, pair.b.time, "in step while playing");
        assert!(pair.a.time > SimTime::from_ms(30));
        let pair = pair.apply(PlaybackAction::Seek(longer));
        assert_eq!(pair.time(), longer);
        assert_eq!(
            pair.a.time.max(pair.b.time),
            longer,
            "the longer run reaches its end"
        );
        assert_eq!(
            pair.a.time.min(pair.b.time),
            shorter,
            "the other stops at its own"
        );
        // Step: the next event on either side.
        let pair = pair.apply(PlaybackAction::Seek(SimTime::ZERO));
        let first = [&pair.a, &pair.b]
            .iter()
            .filter_map(|p| p.timeline.next_event_after(SimTime::ZERO))
            .min()
            .unwrap();
        let pair = pair.apply(PlaybackAction::Step);
        assert_eq!((pair.a.time, pair.b.time), (first, first));
    }

    #[test]
    fn a_fault_injected_in_compare_happens_on_both_sides_at_the_same_instant() {
        let a = acks_lesson();
        let b = with_acks_all(&a);
        let pair =
            ComparePlayback::new(Rc::new(Timeline::record(&a)), Rc::new(Timeline::record(&b)))
                .apply(PlaybackAction::Seek(SimTime::from_ms(10)));
        let crash =
            crate::components::scene::broker_toggle(kafkascope_engine::NodeId::Broker(2), true);
        let pair = pair.apply(PlaybackAction::Inject(crash));
        for side in [&pair.a, &pair.b] {
            let by_reader: Vec<_> = side.timeline.scenario().reader_actions().collect();
            assert_eq!(by_reader.len(), 1);
            assert_eq!(by_reader[0].at_ms, 10);
        }
    }
}
