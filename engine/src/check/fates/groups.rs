//! Each consumer group's side of the record fates: what its members processed (once, more than
//! once), how far its progress reached on each partition (its committed offset, or past a later
//! record it processed), and so which committed records it skipped — never processed.

use super::*;

impl RecordFates {
    /// A newly committed record at `offset`: a group whose reach is past it and that never
    /// processed it has skipped it.
    pub(super) fn committed_below_reach(&mut self, tp: TopicPartition, offset: u64, id: RecordId) {
        for g in &mut self.groups {
            let times = g.times(id);
            if let Some(on) = g.partitions.get_mut(&tp) {
                if offset < on.target_reach() && times == 0 {
                    on.skipped.insert(offset);
                }
                if offset < on.target_reach() {
                    on.reach = on.reach.max(offset + 1);
                }
            }
        }
    }

    pub(super) fn group_index(&self, group: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == group)
    }

    /// A member of `group` finished processing `id`, read at `offset` of `tp`.
    pub fn processed(&mut self, group: &str, tp: TopicPartition, offset: u64, id: RecordId) {
        let Some(gi) = self.group_index(group) else {
            return;
        };
        let log = self.logs.get(&tp);
        let in_log = log.and_then(|l| l.id_at(offset)) == Some(id);
        // Which copy it read: one of an aborted transaction, or one not decided yet.
        let aborted_copy = in_log && log.is_some_and(|l| l.is_aborted(offset));
        let undecided_copy = in_log && log.is_some_and(|l| l.is_undecided(offset));
        let g = &mut self.groups[gi];
        if aborted_copy {
            g.aborted_reads += 1;
        } else if undecided_copy {
            g.read_undecided.insert((tp, offset));
        }
        let Some(times) = (id.producer as usize)
            .checked_sub(1)
            .and_then(|i| g.times.get_mut(i))
            .and_then(|t| t.get_mut(id.seq as usize))
        else {
            return;
        };
        *times = times.saturating_add(1);
        let times = *times;
        let on = g.partitions.entry(tp).or_default();
        if times == 1 {
            g.consumed += 1;
            if on.highest_first_processed.is_some_and(|top| offset < top) {
                g.out_of_order += 1;
            }
            on.highest_first_processed =
                Some(on.highest_first_processed.map_or(offset, |t| t.max(offset)));
            g.expired_unprocessed.remove(&id);
        } else if times == 2 {
            g.processed_more_than_once += 1;
        }
        // Wherever else this record sits below the reach, it is processed now.
        let copies: Vec<u64> = on
            .skipped
            .iter()
            .copied()
            .filter(|o| self.logs.get(&tp).and_then(|l| l.id_at(*o)) == Some(id))
            .collect();
        for o in copies {
            on.skipped.remove(&o);
        }
        if in_log {
            on.highest_processed_in_log = Some(
                on.highest_processed_in_log
                    .map_or(offset, |h| h.max(offset)),
            );
        }
        self.extend_reach(gi, tp);
    }

    /// The group's committed offset for `tp` is now `offset`.
    pub fn offset_committed(&mut self, group: &str, tp: TopicPartition, offset: u64) {
        let Some(gi) = self.group_index(group) else {
            return;
        };
        let on = self.groups[gi].partitions.entry(tp).or_default();
        on.committed_offset = Some(offset);
        if on.target_reach() < on.reach {
            // A commit that moved back (a reset): what lies past it is ahead again, not skipped.
            let reach = on.target_reach();
            on.skipped.retain(|o| *o < reach);
            on.reach = reach;
        }
        self.extend_reach(gi, tp);
    }

    /// Fills `skipped` from the group's last reach to its new one, over committed records.
    pub(super) fn extend_reach(&mut self, gi: usize, tp: TopicPartition) {
        let Some(log) = self.logs.get(&tp) else {
            return;
        };
        let g = &mut self.groups[gi];
        let on = g.partitions.entry(tp).or_default();
        let target = on.target_reach().min(log.high_watermark);
        let from = on.reach.max(log.log_start);
        if target <= from {
            return;
        }
        let unprocessed: Vec<u64> = (from..target)
            .filter(|offset| {
                log.id_at(*offset)
                    .is_some_and(|id| !id.is_control() && g.times(id) == 0)
                    && !log.is_aborted(*offset)
            })
            .collect();
        let on = g.partitions.get_mut(&tp).expect("made above");
        on.skipped.extend(unprocessed);
        on.reach = target;
    }

    /// How many times `group` processed `id`.
    pub fn times_processed(&self, group: &str, id: RecordId) -> u16 {
        self.group_index(group)
            .map_or(0, |gi| self.groups[gi].times(id))
    }

    /// The records `group` never processed (see the module docs), in offset order per
    /// partition, then those retention deleted first — leaving out `in_progress`, the records
    /// a running member holds and may still process (a hand-off worker's queue that an
    /// auto-commit passed): those are *not yet* processed until the member processes them or is
    /// gone, so the count never runs backwards.
    pub fn never_processed(&self, group: &str, in_progress: &BTreeSet<RecordId>) -> Vec<RecordId> {
        let Some(gi) = self.group_index(group) else {
            return Vec::new();
        };
        let g = &self.groups[gi];
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (tp, on) in &g.partitions {
            let Some(log) = self.logs.get(tp) else {
                continue;
            };
            for offset in &on.skipped {
                if let Some(id) = log.id_at(*offset) {
                    if !in_progress.contains(&id) && seen.insert(id) {
                        out.push(id);
                    }
                }
            }
        }
        for id in &g.expired_unprocessed {
            if !in_progress.contains(id) && seen.insert(*id) {
                out.push(*id);
            }
        }
        out
    }

    /// What `group`'s facts add up to now, given the records its running members hold and have
    /// not processed yet.
    pub fn group_counts(&self, group: &str, in_progress: &BTreeSet<RecordId>) -> GroupCounts {
        let Some(gi) = self.group_index(group) else {
            return GroupCounts::default();
        };
        let g = &self.groups[gi];
        GroupCounts {
            consumed: g.consumed,
            processed_more_than_once: g.processed_more_than_once,
            never_processed: self.never_processed(group, in_progress).len() as u64,
            in_progress: in_progress.len() as u64,
            out_of_order: g.out_of_order,
            aborted_read: g.aborted_reads,
        }
    }
}
