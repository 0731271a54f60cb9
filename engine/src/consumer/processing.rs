//! Processing what poll() returned, as the application does it: `in_loop`, one record after
//! another (`processing_ms` each) before the next poll; or `hand_off` to a worker thread while the
//! loop polls on (so auto-commit can pass records the worker has not processed yet). Each
//! processed record is kept in the consumer's history for the checker.

use super::*;

impl Consumer {
    pub(super) fn start_next_record(&mut self, out: &mut Out) {
        if self.processing.is_empty() {
            return;
        }
        out.set_timer(
            SimDuration::from_ms(self.config.processing_ms),
            Timer::RecordProcessed,
        );
    }

    pub(super) fn note_processed(
        &mut self,
        now: SimTime,
        tp: TopicPartition,
        record: &LogRecord,
        out: &mut Out,
    ) {
        self.processed.push(ProcessedRecord {
            partition: tp,
            offset: record.offset,
            record: record.id,
            at: now,
        });
        out.trace(TraceKind::Processed {
            consumer: self.id,
            group: self.config.group_id.clone(),
            partition: tp,
            offset: record.offset,
            record: record.id,
        });
    }

    /// In-loop style: one record done; the next, or (batch done) commit and poll again.
    pub(super) fn finish_record(&mut self, now: SimTime, out: &mut Out) {
        let Some((tp, record)) = self.processing.pop_front() else {
            return;
        };
        self.note_processed(now, tp, &record, out);
        if !self.processing.is_empty() {
            self.start_next_record(out);
        } else if !self.config.enable_auto_commit {
            self.commit_after_processing(now, out);
        } else {
            self.poll(now, out);
        }
    }

    /// Hand-off style: the worker takes the next queued record, if it is free.
    pub(super) fn start_worker(&mut self, out: &mut Out) {
        if self.worker_busy || self.processing.is_empty() {
            return;
        }
        self.worker_busy = true;
        out.set_timer(
            SimDuration::from_ms(self.config.processing_ms),
            Timer::WorkerRecordProcessed,
        );
    }

    pub(super) fn worker_finish_record(&mut self, now: SimTime, out: &mut Out) {
        self.worker_busy = false;
        let Some((tp, record)) = self.processing.pop_front() else {
            return;
        };
        self.note_processed(now, tp, &record, out);
        self.worker_done.insert(tp, record.offset + 1);
        if self.processing.is_empty() && !self.config.enable_auto_commit {
            // The worker commits what it finished (commitAsync).
            self.commit_worker_progress(now, out);
        }
        self.start_worker(out);
    }
}
