//! Requests in flight: correlation ids, what each request was for, and its timeout.
//!
//! Every Kafka client (and a broker calling another broker or the controller) tags a request with
//! a **correlation id** and keeps it until the matching response arrives or `request.timeout.ms`
//! passes (Kafka's `NetworkClient` / `InFlightRequests`). A late response to a request already
//! given up on matches nothing and is dropped. This is that bookkeeping, written once for every
//! caller.
//!
//! Like `NetworkClient`, which checks for expired requests on each poll rather than keeping a timer
//! per request, a caller keeps **one** timer armed at its earliest deadline
//! ([`crate::effect::Timer::RequestDeadline`]): a busy client with thousands of requests a minute
//! does not fill the event queue (and every checkpoint of the world) with timers that would only
//! be ignored.

use crate::effect::{Out, Timer};
use crate::flat::{FlatMap, FlatSet};
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug)]
pub struct Requests<P> {
    next_correlation: u64,
    pending: FlatMap<u64, (SimTime, P)>,
    deadlines: FlatSet<(SimTime, u64)>,
    /// When the armed deadline timer fires (`None`: no timer armed).
    armed: Option<SimTime>,
}

impl<P> Default for Requests<P> {
    fn default() -> Self {
        Requests::starting_at(0)
    }
}

impl<P> Requests<P> {
    /// Correlation ids from `first` on (a restarted process starts a new range, so answers to its
    /// predecessor's requests never match).
    pub fn starting_at(first: u64) -> Self {
        Requests {
            next_correlation: first,
            pending: FlatMap::new(),
            deadlines: FlatSet::new(),
            armed: None,
        }
    }

    /// A new request sent at `now`, given up on after `timeout`: its correlation id.
    pub fn start(&mut self, now: SimTime, timeout: SimDuration, what: P, out: &mut Out) -> u64 {
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        let deadline = now + timeout;
        self.pending.insert(correlation, (deadline, what));
        self.deadlines.insert((deadline, correlation));
        self.arm(now, out);
        correlation
    }

    /// A correlation id for a request that is not tracked (acks=0 produce: no answer comes).
    pub fn untracked(&mut self) -> u64 {
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        correlation
    }

    /// The answer to `correlation` arrived: what the request was for, if it is still awaited.
    pub fn finish(&mut self, correlation: u64) -> Option<P> {
        let (deadline, what) = self.pending.remove(&correlation)?;
        self.deadlines.remove(&(deadline, correlation));
        Some(what)
    }

    pub fn get(&self, correlation: u64) -> Option<&P> {
        self.pending.get(&correlation).map(|(_, p)| p)
    }

    pub fn contains(&self, correlation: u64) -> bool {
        self.pending.contains_key(&correlation)
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// What is awaited, in correlation order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &P)> + '_ {
        self.pending.iter().map(|(c, (_, p))| (*c, p))
    }

    /// Whether any awaited request matches.
    pub fn any(&self, what: impl Fn(&P) -> bool) -> bool {
        self.pending.values().any(|(_, p)| what(p))
    }

    /// Forgets every awaited request (a process that lost its connections, and its timers).
    pub fn clear(&mut self) {
        self.pending.clear();
        self.deadlines.clear();
        self.armed = None;
    }

    /// The deadline timer fired: the requests whose time is up, oldest first. Re-arms the timer
    /// for the next deadline.
    pub fn expire(&mut self, now: SimTime, out: &mut Out) -> Vec<(u64, P)> {
        if self.armed.is_some_and(|t| t <= now) {
            self.armed = None;
        }
        let mut expired = Vec::new();
        for (_, correlation) in self
            .deadlines
            .take_first_while(|&(deadline, _)| deadline <= now)
        {
            if let Some((_, what)) = self.pending.remove(&correlation) {
                expired.push((correlation, what));
            }
        }
        self.arm(now, out);
        expired
    }

    /// Keeps one timer armed at the earliest deadline.
    fn arm(&mut self, now: SimTime, out: &mut Out) {
        let Some(&(next, _)) = self.deadlines.first() else {
            return;
        };
        if self.armed.is_some_and(|t| t <= next) {
            return;
        }
        self.armed = Some(next);
        out.set_timer(next.since(now), Timer::RequestDeadline);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_timer_serves_many_requests_and_expires_them_in_order() {
        let mut out = Out::default();
        let mut r: Requests<&str> = Requests::starting_at(10);
        let t0 = SimTime::from_ms(0);
        let a = r.start(t0, SimDuration::from_ms(100), "a", &mut out);
        let b = r.start(
            SimTime::from_ms(5),
            SimDuration::from_ms(100),
            "b",
            &mut out,
        );
        let c = r.start(
            SimTime::from_ms(6),
            SimDuration::from_ms(100),
            "c",
            &mut out,
        );
        assert_eq!((a, b, c), (10, 11, 12));
        assert_eq!(out.drain().count(), 1, "one timer for all three");
        assert_eq!(r.finish(b), Some("b"));
        assert_eq!(r.finish(b), None, "a late answer matches nothing");
        let expired = r.expire(SimTime::from_ms(100), &mut out);
        assert_eq!(expired, vec![(10, "a")]);
        assert_eq!(out.drain().count(), 1, "re-armed for c");
        assert_eq!(r.expire(SimTime::from_ms(106), &mut out), vec![(12, "c")]);
        assert!(r.is_empty());
    }
}
