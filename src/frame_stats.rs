//! Measures the app's own work per animation frame (seek + scene model + render + DOM patch),
//! for the rendering benchmark. The figures are published as attributes on `<html>`
//! (`data-frame-p95-ms`, `data-frame-samples`), read by `scripts/bench.sh`; nothing is sent
//! anywhere.

use std::cell::Cell;
use std::collections::VecDeque;

thread_local! {
    /// Whether the first frame is on screen: load marks stop there.
    static FIRST_FRAME_SHOWN: Cell<bool> = const { Cell::new(false) };
}

/// Marks a stage of the page's load on the browser's performance timeline (`performance.mark`,
/// named `kafkascope:STAGE`), until the first frame is on screen, never after: the first-frame
/// bench prints where the load's time went from them. Does nothing natively.
pub fn mark_load_stage(stage: &str) {
    if FIRST_FRAME_SHOWN.get() {
        return;
    }
    #[cfg(target_arch = "wasm32")]
    if let Some(performance) = gloo::utils::window().performance() {
        let _ = performance.mark(&format!("kafkascope:{stage}"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = stage;
}

/// The first frame is on screen: marks its stage, the last one.
pub fn first_frame_shown() {
    mark_load_stage("first-frame");
    FIRST_FRAME_SHOWN.set(true);
}

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
