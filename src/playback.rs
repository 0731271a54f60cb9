//! The playback clock: how simulated time moves while the reader watches.
//!
//! The engine has already recorded the run ([`Timeline`]); playback only decides which simulated
//! instant to show. While playing, each animation frame advances time by the wall-clock time since
//! the last frame times the playback rate. When nothing is in flight, time fast-forwards to the
//! next event (a Kafka run is mostly waiting: `fetch.max.wait.ms`, `auto.commit.interval.ms`), so
//! the reader never stares at an empty screen; the clock shows the jump. Paused, nothing runs.
//!
//! This state lives in a Yew reducer; it holds the timeline by `Rc`, never a copy of the world.

use kafkascope_engine::scenario::LessonStep;
use kafkascope_engine::{Action, SimTime, Simulation, Timeline};
use std::rc::Rc;
use yew::{hook, use_effect_with, Callback, Reducible};

/// Simulated microseconds per wall-clock millisecond at 1× speed: a 1.5 ms network hop takes
/// 0.6 s on screen.
pub const BASE_RATE_US_PER_MS: f64 = 2.5;
/// Simulated microseconds per wall-clock millisecond while fast-forwarding an idle stretch
/// (a 5 s auto-commit wait passes in a quarter of a second).
pub const IDLE_RATE_US_PER_MS: f64 = 20_000.0;
/// The speed multipliers offered, and the default's index.
pub const SPEEDS: [f64; 6] = kafkascope_engine::scenario::PLAYBACK_SPEEDS;
pub const DEFAULT_SPEED: usize = 2;
/// Frames further apart than this (a background tab) count as this long.
const MAX_FRAME_MS: f64 = 100.0;

#[derive(Clone, Debug)]
pub struct Playback {
    pub timeline: Rc<Timeline>,
    pub time: SimTime,
    pub playing: bool,
    pub speed: usize,
    /// Whether the last frame fast-forwarded through an idle stretch.
    pub fast_forwarding: bool,
    /// Counts animation frames handled, so the player requests the next one after each.
    pub frame: u64,
    /// Bumped whenever the timeline is re-recorded (an injected action), so views drop any
    /// world they derived from the old one.
    pub generation: u64,
    /// Where playback pauses by itself, if anywhere before the end.
    pub stop_at: Option<SimTime>,
    /// A lesson step fixed in an embed (`Start::fixed_step`): playback stays between these two
    /// instants, the step's moment and the last one before the next step's.
    pub span: Option<(SimTime, SimTime)>,
    last_frame_ms: Option<f64>,
}

impl PartialEq for Playback {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.time == other.time
            && self.playing == other.playing
            && self.speed == other.speed
            && self.fast_forwarding == other.fast_forwarding
            && self.frame == other.frame
            && self.generation == other.generation
            && self.stop_at == other.stop_at
            && self.span == other.span
    }
}

#[derive(Clone, Debug)]
pub enum PlaybackAction {
    Play,
    Pause,
    /// Pause and jump to the next event after the current time.
    Step,
    SetSpeed(usize),
    /// Jump to a simulated time (pauses nothing).
    Seek(SimTime),
    /// An animation frame at this `requestAnimationFrame` timestamp (ms).
    Frame(f64),
    /// A different recorded run (a new scenario).
    Load(Rc<Timeline>),
    /// A fault or user action happens now: history from here on is simulated anew.
    Inject(Action),
    /// Play until this time, then pause.
    PlayUntil(SimTime),
    /// A lesson's Next: play the last [`STEP_LEAD`] before the next step's moment and stop
    /// there, so the reader sees it happen — at once, however far the step is. While already
    /// playing towards a step, jump straight to it.
    NextStep,
    /// A lesson's Back: pause at the previous step's moment.
    PreviousStep,
}

/// How much simulated time a lesson's Next plays before the step's moment (about a second on
/// screen at 1×: the messages that make the moment arrive), unless the step asks for more
/// (`lead_ms`, to slow down around a key moment).
pub const STEP_LEAD: SimTime = SimTime(2_000);

/// When a lesson step is shown: its moment, or the run's end for a step in the run's last
/// millisecond after its exact end.
pub fn step_moment(step: &LessonStep, end: SimTime) -> SimTime {
    SimTime::from_ms(step.at_ms).min(end)
}

/// Lesson step `i`'s span: from its moment to the last instant before the next step's (the run's
/// end for the last step); `None` for a step the lesson does not have.
pub fn step_span(steps: &[LessonStep], i: usize, end: SimTime) -> Option<(SimTime, SimTime)> {
    let first = step_moment(steps.get(i)?, end);
    let last = steps
        .get(i + 1)
        .map_or(end, |next| {
            SimTime(step_moment(next, end).0.saturating_sub(1))
        })
        .max(first);
    Some((first, last))
}

/// The index of the lesson step the playback time is at: the last one at or before it (a step
/// in the run's last millisecond, after its exact end, counts as reached at the end).
pub fn current_step(steps: &[LessonStep], time: SimTime, end: SimTime) -> usize {
    steps
        .iter()
        .rposition(|s| step_moment(s, end) <= time)
        .unwrap_or(0)
}

impl Playback {
    pub fn new(timeline: Rc<Timeline>) -> Self {
        // A scenario may ask for a starting speed (busy ones do).
        let speed = timeline
            .scenario()
            .simulation
            .playback_speed
            .and_then(|s| SPEEDS.iter().position(|v| *v == s.0))
            .unwrap_or(DEFAULT_SPEED);
        // A lesson opens at its first step's moment, where that step's text holds.
        let time = timeline
            .scenario()
            .steps
            .first()
            .map_or(SimTime::ZERO, |s| step_moment(s, timeline.end()));
        Playback {
            timeline,
            time,
            playing: false,
            speed,
            fast_forwarding: false,
            frame: 0,
            generation: 0,
            stop_at: None,
            span: None,
            last_frame_ms: None,
        }
    }

    /// Playback of `timeline` from where a link says: its time (or its lesson step's moment),
    /// speed, and whether it plays.
    pub fn opened(timeline: Rc<Timeline>, start: &crate::session::Start) -> Self {
        let mut playback = Playback::new(timeline);
        let end = playback.timeline.end();
        let steps = &playback.timeline.scenario().steps;
        if let Some(time) = start.time {
            playback.time = time.min(end);
        } else if let Some(step) = start.step.and_then(|i| steps.get(i)) {
            playback.time = step_moment(step, end);
        }
        if start.fixed_step {
            playback.span = start.step.and_then(|i| step_span(steps, i, end));
            if let Some((first, _)) = playback.span {
                playback.time = first;
            }
        }
        if let Some(speed) = start.speed {
            playback.speed = speed.min(SPEEDS.len() - 1);
        }
        playback.playing = start.playing && !playback.at_end();
        playback
    }

    /// The first and last instants playback may show: the whole run, or a fixed step's span.
    pub fn bounds(&self) -> (SimTime, SimTime) {
        self.span.unwrap_or((SimTime::ZERO, self.timeline.end()))
    }

    pub fn at_end(&self) -> bool {
        self.time >= self.bounds().1
    }

    /// Applies an action, returning the next state (within [`Playback::bounds`]).
    pub fn apply(self, action: PlaybackAction) -> Self {
        let fixed = self.span.is_some();
        if fixed
            && matches!(
                action,
                PlaybackAction::NextStep | PlaybackAction::PreviousStep
            )
        {
            // A fixed step is not stepped on.
            return self;
        }
        let mut next = self.apply_unbounded(action);
        if let Some((first, last)) = next.span {
            next.time = next.time.clamp(first, last);
            next.stop_at = next.stop_at.map(|t| t.min(last));
        }
        next
    }

    fn apply_unbounded(mut self, action: PlaybackAction) -> Self {
        let (first, end) = self.bounds();
        match action {
            PlaybackAction::Play => {
                if self.at_end() {
                    self.time = first;
                }
                self.playing = true;
                self.stop_at = None;
                self.last_frame_ms = None;
            }
            PlaybackAction::PlayUntil(t) => {
                self.playing = t > self.time;
                self.stop_at = Some(t.min(end));
                self.last_frame_ms = None;
            }
            PlaybackAction::Pause => {
                self.playing = false;
                self.fast_forwarding = false;
                self.stop_at = None;
            }
            PlaybackAction::Step => {
                self.playing = false;
                self.fast_forwarding = false;
                self.time = self
                    .timeline
                    .next_event_after(self.time)
                    .unwrap_or(end)
                    .min(end);
            }
            PlaybackAction::NextStep => {
                let steps = &self.timeline.scenario().steps;
                let at = |i: usize| steps.get(i).map(|s| step_moment(s, end));
                let current = current_step(steps, self.time, end);
                // Before the current step's moment (a lesson scrubbed back), its own moment is
                // next; otherwise the following step's.
                let next_index = match at(current) {
                    Some(t) if t > self.time => current,
                    _ => current + 1,
                };
                let next = at(next_index);
                let lead = steps
                    .get(next_index)
                    .and_then(|s| s.lead_ms)
                    .map_or(STEP_LEAD, SimTime::from_ms);
                match (self.playing, self.stop_at, next) {
                    (true, Some(stop), _) => {
                        self.time = stop;
                        self.playing = false;
                        self.fast_forwarding = false;
                        self.stop_at = None;
                    }
                    (_, _, Some(at)) => {
                        self.time = self.time.max(SimTime(at.0.saturating_sub(lead.0)));
                        self.playing = true;
                        self.stop_at = Some(at);
                        self.last_frame_ms = None;
                    }
                    _ => {}
                }
            }
            PlaybackAction::PreviousStep => {
                let steps = &self.timeline.scenario().steps;
                if !steps.is_empty() {
                    let i = current_step(steps, self.time, end).saturating_sub(1);
                    self.playing = false;
                    self.fast_forwarding = false;
                    self.stop_at = None;
                    self.time = step_moment(&steps[i], end);
                }
            }
            PlaybackAction::SetSpeed(i) => self.speed = i.min(SPEEDS.len() - 1),
            PlaybackAction::Seek(t) => {
                self.time = t.min(end);
                self.last_frame_ms = None;
            }
            PlaybackAction::Frame(now_ms) => self.on_frame(now_ms, &[]),
            PlaybackAction::Load(timeline) => return Playback::new(timeline),
            PlaybackAction::Inject(action) => {
                let mut timeline = (*self.timeline).clone();
                timeline.inject(self.time, action);
                self.timeline = Rc::new(timeline);
                self.generation += 1;
            }
        }
        self
    }

    /// An animation frame at `now_ms`. `others` are runs shown in step with this one (the compare
    /// view): time fast-forwards only while all of them are idle, and stops at the first of their
    /// next events.
    pub fn on_frame(&mut self, now_ms: f64, others: &[&Timeline]) {
        if !self.playing {
            return;
        }
        let dt = self
            .last_frame_ms
            .map_or(0.0, |last| (now_ms - last).clamp(0.0, MAX_FRAME_MS));
        self.last_frame_ms = Some(now_ms);
        self.frame += 1;
        self.advance(dt, others);
    }

    fn advance(&mut self, wall_ms: f64, others: &[&Timeline]) {
        let runs = || std::iter::once(&*self.timeline).chain(others.iter().copied());
        // Heartbeats and metadata updates are housekeeping: they do not hold playback back.
        let idle = runs().all(|run| {
            run.flights_at(self.time).all(|e| {
                matches!(e.what, kafkascope_engine::TraceKind::Flight { kind, .. } if kind.is_background())
            })
        });
        let rate = if idle {
            IDLE_RATE_US_PER_MS.max(BASE_RATE_US_PER_MS * SPEEDS[self.speed])
        } else {
            BASE_RATE_US_PER_MS * SPEEDS[self.speed]
        };
        let mut next = SimTime(self.time.0 + (wall_ms * rate).round() as u64);
        if idle {
            // Stop at the next event so its message is seen leaving.
            if let Some(event) = runs()
                .filter_map(|run| run.next_event_after(self.time))
                .min()
            {
                next = next.min(event);
            }
        }
        // The run's end, or a fixed step's last instant.
        let end = self.bounds().1;
        let limit = self.stop_at.unwrap_or(end).min(end);
        self.fast_forwarding = idle && next > self.time;
        self.time = next.min(limit);
        if self.time >= limit {
            self.playing = false;
            self.fast_forwarding = false;
            self.stop_at = None;
        }
    }
}

/// The animation-frame loop of a view playing `playback`: one frame per playing render, sent
/// to `on_frame` as [`PlaybackAction::Frame`]; dropping the handle (the state changed, or the
/// view went away) cancels it. Paused, no frame is requested and the page does no work.
#[hook]
pub fn use_frame_loop(playback: &Playback, on_frame: Callback<PlaybackAction>) {
    use_effect_with((playback.playing, playback.frame), move |(playing, _)| {
        let frame = playing.then(|| {
            gloo::render::request_animation_frame(move |timestamp| {
                on_frame.emit(PlaybackAction::Frame(timestamp))
            })
        });
        move || drop(frame)
    });
}

/// The engine cursor a view keeps beside its playback: a world seeked to the playback time.
/// Moving forward simulates on from where it stands; moving back restores a checkpoint; a
/// re-recorded run (an injected action: a new generation) starts it afresh.
pub struct EngineCursor {
    generation: u64,
    world: Simulation,
}

impl EngineCursor {
    pub fn new(timeline: &Timeline) -> Self {
        EngineCursor {
            generation: 0,
            world: timeline.world_at(SimTime::ZERO),
        }
    }

    /// The world at `playback`'s time.
    pub fn at(&mut self, playback: &Playback) -> &Simulation {
        if self.generation != playback.generation {
            self.world = playback.timeline.world_at(playback.time);
            self.generation = playback.generation;
        } else {
            playback.timeline.seek(&mut self.world, playback.time);
        }
        &self.world
    }
}

impl Reducible for Playback {
    type Action = PlaybackAction;
    fn reduce(self: Rc<Self>, action: PlaybackAction) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson() -> Playback {
        let scenario = kafkascope_engine::Scenario::from_toml(include_str!(
            "../scenarios/acks-1-failover-loss.toml"
        ))
        .unwrap();
        Playback::new(Rc::new(Timeline::record(&scenario)))
    }

    #[test]
    fn a_fixed_step_plays_from_its_moment_to_the_next_steps_and_stays_there() {
        let timeline = lesson().timeline;
        let steps = timeline.scenario().steps.clone();
        let at = |i: usize| SimTime::from_ms(steps[i].at_ms);
        let end = timeline.end();
        let start = crate::session::Start {
            step: Some(2),
            fixed_step: true,
            playing: true,
            ..Default::default()
        };
        let mut p = Playback::opened(timeline, &start);
        assert_eq!(p.bounds(), (at(2), SimTime(at(3).0 - 1)));
        assert_eq!(p.time, at(2), "it opens at the step's moment");
        assert!(p.playing);
        // Played through: it stops on the step's last instant, the narration still this step's.
        let mut now = 0.0;
        while p.playing {
            now += 16.0;
            p = p.apply(PlaybackAction::Frame(now));
        }
        assert_eq!(p.time, SimTime(at(3).0 - 1));
        assert_eq!(current_step(&steps, p.time, end), 2);
        assert!(p.at_end());
        // Nothing takes it out of the step: Next, Back, a seek either side, Step.
        for action in [
            PlaybackAction::NextStep,
            PlaybackAction::PreviousStep,
            PlaybackAction::Seek(end),
            PlaybackAction::Step,
            PlaybackAction::PlayUntil(end),
        ] {
            let moved = p.clone().apply(action.clone());
            assert!(
                (at(2)..at(3)).contains(&moved.time),
                "{action:?} left the step: {:?}",
                moved.time
            );
        }
        let back = p.clone().apply(PlaybackAction::Seek(SimTime::ZERO));
        assert_eq!(
            back.time,
            at(2),
            "a seek before the step stops at its moment"
        );
        // Play at the end starts the step again.
        let again = p.apply(PlaybackAction::Play);
        assert_eq!(again.time, at(2));
        assert!(again.playing);
    }

    #[test]
    fn without_a_fixed_step_playback_spans_the_whole_run() {
        let p = lesson();
        let end = p.timeline.end();
        assert_eq!(p.bounds(), (SimTime::ZERO, end));
        let p = p.apply(PlaybackAction::Seek(SimTime::ZERO));
        assert_eq!(p.time, SimTime::ZERO);
    }

    #[test]
    fn a_lesson_opens_at_its_first_step_and_next_plays_the_last_moments_of_the_next_one() {
        let p = lesson();
        let timeline = p.timeline.clone();
        let at = |i: usize| SimTime::from_ms(timeline.scenario().steps[i].at_ms);
        assert_eq!(p.time, at(0));
        let p = p.apply(PlaybackAction::NextStep);
        assert!(p.playing, "Next plays");
        assert_eq!(p.stop_at, Some(at(1)));
        assert_eq!(
            p.time,
            SimTime(at(1).0 - STEP_LEAD.0),
            "from just before the moment"
        );
        // Pressed again while that plays: straight to the moment.
        let p = p.apply(PlaybackAction::NextStep);
        assert!(!p.playing);
        assert_eq!(p.time, at(1));
        // Far steps are reached at once too: the election, 9.4 s later.
        let p = p
            .apply(PlaybackAction::NextStep)
            .apply(PlaybackAction::NextStep);
        assert_eq!(p.time, at(2));
        let p = p.apply(PlaybackAction::NextStep);
        assert_eq!(
            p.time,
            SimTime(at(3).0 - 10_000),
            "the election step asks for 10 ms of lead-in"
        );
        let p = p.apply(PlaybackAction::PreviousStep);
        assert!(!p.playing);
        assert_eq!(p.time, at(1), "back from inside step 3's lead-in is step 2");
        // A step that asks for a longer lead-in gets it.
        let mut scenario = timeline.scenario().clone();
        scenario.steps[1].lead_ms = Some(30);
        let p = Playback::new(Rc::new(Timeline::record(&scenario))).apply(PlaybackAction::NextStep);
        assert_eq!(p.time, SimTime(at(1).0 - 30_000));
    }
}
