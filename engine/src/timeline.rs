//! A recorded run that can be played back, sought and changed.
//!
//! [`Timeline::record`] runs a scenario to its end once, keeping the whole trace and a checkpoint
//! (a clone of the world) every [`CHECKPOINT_EVERY`] events. Seeking to any time then restores the
//! nearest checkpoint at or before it and re-simulates at most that many events — deterministic
//! re-simulation, so playback never replays from time zero and never copies the world per frame
//! (RaftScope's checkpoints, made exact by the seeded engine).
//!
//! [`Timeline::inject`] is how a live click changes history: the action is queued into the
//! checkpoint before its time, and the run is re-recorded from there; the trace before that
//! checkpoint is kept as it was. The action also becomes part of the timeline's scenario, marked
//! as the reader's: the scenario is the whole session, so running it anew (the page's download,
//! `kafkascope-sim run`) gives the same trace, event for event.

use crate::action::Action;
use crate::report::OutcomeReport;
use crate::scenario::{Scenario, ScriptedAction};
use crate::sim::{EndReason, Simulation};
use crate::time::SimTime;
use crate::trace::{TraceEvent, TraceKind};

/// Events between two checkpoints, at first.
pub const CHECKPOINT_EVERY: u64 = 512;
/// At most this many checkpoints are kept: past it, every other one is dropped and the spacing
/// doubles, so a long run's checkpoints take bounded memory (a seek then re-simulates up to the
/// wider spacing; playing forward does not re-simulate at all).
pub const MAX_CHECKPOINTS: usize = 1024;
/// What the page refuses up front (see [`Timeline::estimate`]): a run whose trace would pass this
/// many entries (about 80 bytes each, plus the checkpoints) does not fit a browser tab.
pub const MAX_TRACE_ENTRIES: u64 = 6_000_000;
/// Runs with at most this many records are not estimated: they fit.
const SURELY_FITS_RECORDS: u64 = 10_000;

#[derive(Clone, Debug)]
struct Checkpoint {
    world: Simulation,
    /// Trace entries recorded before this checkpoint.
    trace_len: usize,
}

/// A message's time in the air, indexed for "what is flying at time t".
#[derive(Clone, Copy, Debug)]
struct FlightSpan {
    sent: SimTime,
    arrives: SimTime,
    trace_index: usize,
}

/// A projection of how big a recorded run would be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    pub records: u64,
    pub trace_entries: u64,
}

impl Estimate {
    /// Whether the page can hold it (see [`MAX_TRACE_ENTRIES`]).
    pub fn fits(&self) -> bool {
        self.trace_entries <= MAX_TRACE_ENTRIES
    }

    /// Roughly how many records would fit, for the message that refuses a run.
    pub fn records_that_fit(&self) -> u64 {
        let per_record = (self.trace_entries / self.records.max(1)).max(1);
        MAX_TRACE_ENTRIES / per_record
    }
}

#[derive(Clone, Debug)]
pub struct Timeline {
    scenario: Scenario,
    trace: Vec<TraceEvent>,
    checkpoints: Vec<Checkpoint>,
    flights: Vec<FlightSpan>,
    longest_flight: u64,
    /// Events between two checkpoints now (doubles as the run grows; see [`MAX_CHECKPOINTS`]).
    checkpoint_every: u64,
    end: SimTime,
    end_reason: EndReason,
    report: OutcomeReport,
}

impl Timeline {
    /// Runs `scenario` to its end, keeping the trace and checkpoints.
    pub fn record(scenario: &Scenario) -> Timeline {
        let world = Simulation::new(scenario);
        let mut timeline = Timeline {
            scenario: scenario.clone(),
            trace: Vec::new(),
            checkpoints: Vec::new(),
            flights: Vec::new(),
            longest_flight: 0,
            checkpoint_every: CHECKPOINT_EVERY,
            end: SimTime::ZERO,
            end_reason: EndReason::NothingLeft,
            report: OutcomeReport::from_simulation(&world, &scenario.name, scenario.seed),
        };
        timeline.record_from(world);
        timeline
    }

    fn record_from(&mut self, mut world: Simulation) {
        loop {
            if world.events_processed() % self.checkpoint_every == 0 {
                if self.checkpoints.len() >= MAX_CHECKPOINTS {
                    self.thin_checkpoints();
                }
                let mut snapshot = world.clone();
                snapshot.discard_trace();
                self.trace.extend(world.take_trace());
                self.checkpoints.push(Checkpoint {
                    world: snapshot,
                    trace_len: self.trace.len(),
                });
            }
            if !world.step() {
                break;
            }
        }
        self.trace.extend(world.take_trace());
        let (end, reason) = world.ended().expect("the loop ends only when the run has");
        self.end = end;
        self.end_reason = reason;
        self.report =
            OutcomeReport::from_simulation(&world, &self.scenario.name, self.scenario.seed);
        self.index_flights();
    }

    /// Keeps every other checkpoint (those on the doubled spacing) and doubles the spacing.
    fn thin_checkpoints(&mut self) {
        self.checkpoint_every *= 2;
        let every = self.checkpoint_every;
        let first = self.checkpoints.first().map(|c| c.world.events_processed());
        self.checkpoints.retain(|c| {
            Some(c.world.events_processed()) == first || c.world.events_processed() % every == 0
        });
    }

    /// What recording `scenario` would hold, projected from its first records: the page checks
    /// this before recording and refuses, with the reason, a run that would not fit.
    pub fn estimate(scenario: &Scenario) -> Estimate {
        let total: u64 = scenario
            .producers
            .iter()
            .map(|p| u64::from(p.records))
            .sum();
        // Small runs always fit (even at a few hundred trace entries per record): no need to
        // simulate a sample of them first.
        if total <= SURELY_FITS_RECORDS {
            return Estimate {
                records: total,
                trace_entries: 0,
            };
        }
        let mut world = Simulation::new(scenario);
        let mut entries = 0u64;
        let sample = total.min(2_000);
        while world.step() {
            entries += world.take_trace().len() as u64;
            let created: u64 = world.fates().counts().produced;
            if created >= sample && world.events_processed() >= 10_000 || entries >= 200_000 {
                break;
            }
        }
        let created = world.fates().counts().produced.max(1);
        let projected = if world.ended().is_some() {
            entries
        } else {
            entries.saturating_mul(total.max(created)) / created
        };
        Estimate {
            records: total,
            trace_entries: projected,
        }
    }

    fn index_flights(&mut self) {
        self.flights.clear();
        self.longest_flight = 0;
        for (i, e) in self.trace.iter().enumerate() {
            if let TraceKind::Flight { arrives, .. } = e.what {
                self.longest_flight = self.longest_flight.max(arrives.since(e.at).as_micros());
                self.flights.push(FlightSpan {
                    sent: e.at,
                    arrives,
                    trace_index: i,
                });
            }
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }
    pub fn end(&self) -> SimTime {
        self.end
    }
    pub fn end_reason(&self) -> EndReason {
        self.end_reason
    }
    pub fn report(&self) -> &OutcomeReport {
        &self.report
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    fn checkpoint_before(&self, t: SimTime) -> &Checkpoint {
        let i = self
            .checkpoints
            .partition_point(|c| c.world.now() <= t)
            .saturating_sub(1);
        &self.checkpoints[i]
    }

    /// The world as it is at `t`: every event at or before `t` has run.
    pub fn world_at(&self, t: SimTime) -> Simulation {
        let mut world = self.checkpoint_before(t).world.clone();
        world.run_until(t);
        world.discard_trace();
        world
    }

    /// Moves `world` (a world of this timeline) to `t`: forward by simulating on, backward by
    /// restoring a checkpoint. Costs at most [`CHECKPOINT_EVERY`] events plus the distance forward.
    pub fn seek(&self, world: &mut Simulation, t: SimTime) {
        let checkpoint = self.checkpoint_before(t);
        if t < world.now() || checkpoint.world.now() > world.now() {
            *world = checkpoint.world.clone();
        }
        world.run_until(t);
        world.discard_trace();
    }

    /// The time of the first trace entry after `t`, for "step to the next event".
    pub fn next_event_after(&self, t: SimTime) -> Option<SimTime> {
        let i = self.trace.partition_point(|e| e.at <= t);
        self.trace.get(i).map(|e| e.at)
    }

    /// Messages in the air at `t` (sent at or before `t`, arriving or vanishing after it).
    pub fn flights_at(&self, t: SimTime) -> impl Iterator<Item = &TraceEvent> + '_ {
        let upper = self.flights.partition_point(|f| f.sent <= t);
        let horizon = t.0.saturating_sub(self.longest_flight);
        self.flights[..upper]
            .iter()
            .rev()
            .take_while(move |f| f.sent.0 >= horizon)
            .filter(move |f| f.arrives > t)
            .map(move |f| &self.trace[f.trace_index])
    }

    /// Changes history: `action` happens at `at` (to the millisecond, as a scenario's script
    /// says it), and everything after is simulated anew. The reader's actions that the restored
    /// checkpoint had not seen yet (done after it, before a rewind) are dropped from the session,
    /// as they are from the new history.
    pub fn inject(&mut self, at: SimTime, action: Action) {
        let at = SimTime::from_ms(at.as_micros() / 1000);
        let i = self
            .checkpoints
            .partition_point(|c| c.world.now() <= at)
            .saturating_sub(1);
        self.checkpoints.truncate(i + 1);
        let checkpoint = self
            .checkpoints
            .pop()
            .expect("there is always a first checkpoint");
        self.trace.truncate(checkpoint.trace_len);
        let mut world = checkpoint.world;
        let mut kept = 0;
        self.scenario.script.retain(|s| {
            if !s.by_reader {
                return true;
            }
            kept += 1;
            kept <= world.reader_actions()
        });
        self.scenario.script.push(ScriptedAction {
            at_ms: at.as_micros() / 1000,
            action: action.clone(),
            by_reader: true,
        });
        world.schedule_reader_action(at, action);
        self.record_from(world);
    }
}
