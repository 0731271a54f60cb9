//! Measures the app's own work per animation frame (seek + scene model + render + DOM patch),
//! for the rendering benchmark. The figures are published as attributes on `<html>`
//! (`data-frame-p95-ms`, `data-frame-samples`), read by `scripts/bench.sh`; nothing is sent
//! anywhere.

use std::collections::VecDeque;

/// Frames kept for the percentile.
const WINDOW: usize = 600;

#[derive(Debug, Default)]
pub struct FrameStats {
    samples: VecDeque<f64>,
    total: u64,
}

impl FrameStats {
    pub fn record(&mut self, ms: f64) {
        if self.samples.len() == WINDOW {
            self.samples.pop_front();
        }
        self.samples.push_back(ms);
        self.total += 1;
        if self.total % 30 == 0 {
            self.publish();
        }
    }

    /// The 95th percentile of the kept samples.
    pub fn p95(&self) -> Option<f64> {
        if self.samples.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = self.samples.iter().copied().collect();
        kafkascope_engine::ordered::sort_stable_by(&mut sorted, f64::total_cmp);
        let i = ((sorted.len() as f64 * 0.95).ceil() as usize).clamp(1, sorted.len()) - 1;
        Some(sorted[i])
    }

    fn publish(&self) {
        let Some(root) = gloo::utils::document().document_element() else {
            return;
        };
        if let Some(p95) = self.p95() {
            let _ = root.set_attribute("data-frame-p95-ms", &format!("{p95:.2}"));
            let _ = root.set_attribute("data-frame-samples", &self.total.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_the_value_below_which_95_percent_fall() {
        let mut stats = FrameStats::default();
        for i in 1..=100 {
            stats.samples.push_back(f64::from(i));
        }
        assert_eq!(stats.p95(), Some(95.0));
        assert_eq!(FrameStats::default().p95(), None);
    }
}
