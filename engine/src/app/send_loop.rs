//! The send loop: a producer application that calls `send()` for `records` records, one every
//! `interval_ms` from `start_ms`, with keys `k0 … k(keys−1)` in turn (or none). After a crash and
//! restart it sends again every record it had not seen answered — an application's own resend,
//! which the producer client sees as new sends.

use crate::scenario::ProducerConfig;
use crate::time::SimDuration;

#[derive(Clone, Debug)]
pub struct SendLoop {
    records: u32,
    interval: SimDuration,
    start: SimDuration,
    keys: u32,
    created: u32,
}

/// One `send()` call: the record's sequence number (its identity with the producer's number) and
/// its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Send {
    pub seq: u32,
    pub key: Option<u32>,
}

impl SendLoop {
    pub fn new(config: &ProducerConfig) -> Self {
        SendLoop {
            records: config.records,
            interval: SimDuration::from_ms(config.interval_ms),
            start: SimDuration::from_ms(config.start_ms),
            keys: config.keys,
            created: 0,
        }
    }

    /// When the first `send()` comes, from the process's start (none when there is nothing to
    /// send).
    pub fn first_send(&self) -> Option<SimDuration> {
        (self.records > 0).then_some(self.start)
    }

    /// The next `send()`, and how long until the one after (none once every record is sent).
    pub fn next_send(&mut self) -> (Send, Option<SimDuration>) {
        let seq = self.created;
        self.created += 1;
        let after = (self.created < self.records).then_some(self.interval);
        (
            Send {
                seq,
                key: self.key_of(seq),
            },
            after,
        )
    }

    /// A record created by the caller of a driven producer (a consume-transform-produce
    /// application): its sequence number.
    pub fn created_by_caller(&mut self) -> u32 {
        self.created += 1;
        self.records = self.created;
        self.created - 1
    }

    /// The key record `seq` carries.
    pub fn key_of(&self, seq: u32) -> Option<u32> {
        (self.keys > 0).then(|| seq % self.keys)
    }

    /// Records sent so far.
    pub fn created(&self) -> u32 {
        self.created
    }

    /// Every record sent.
    pub fn is_done(&self) -> bool {
        self.created == self.records
    }

    /// The application stops sending (its producer was fenced: fatal).
    pub fn stop(&mut self) {
        self.records = self.created;
    }

    /// After a restart: when the loop goes on (none if it had sent everything).
    pub fn resume_after_restart(&self) -> Option<SimDuration> {
        (!self.is_done()).then_some(self.interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_sends_its_records_keyed_in_turn_and_then_stops() {
        let mut config = ProducerConfig::sending(3);
        config.keys = 2;
        config.interval_ms = 5;
        let mut app = SendLoop::new(&config);
        assert_eq!(app.first_send(), Some(SimDuration::from_ms(0)));
        let sends: Vec<(Send, Option<SimDuration>)> = (0..3).map(|_| app.next_send()).collect();
        assert_eq!(
            sends[0].0,
            Send {
                seq: 0,
                key: Some(0)
            }
        );
        assert_eq!(sends[1].0.key, Some(1));
        assert_eq!(sends[2].0.key, Some(0));
        assert_eq!(sends[1].1, Some(SimDuration::from_ms(5)));
        assert_eq!(sends[2].1, None, "the last send schedules no more");
        assert!(app.is_done());
        assert_eq!(app.resume_after_restart(), None);
    }
}
