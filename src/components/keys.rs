//! The player's keys, as a pure mapping from a key press (and what is on screen) to a command:
//! Space plays or pauses, "." steps to the next event; in a lesson → / PageDown go to the next
//! step and ← / PageUp back — a presenter's clicker sends PageDown and PageUp — and past a
//! lesson's last step (or before its first) on to the guided tour's next (or previous) lesson; in
//! free play → steps one event. Presenting (a projector), also: `1`–`9` crash or restart broker
//! N, Shift+`1`–`9` kill or restart consumer N (the fault panel's own actions, by the same path
//! into the engine), L and Shift+L select the next or previous network link and X cuts it (or
//! heals it, if cut) — both directions, as a click on the link does — F full screen, Q the QR code,
//! Esc stops presenting.

use crate::playback::PlaybackAction;
use kafkascope_engine::{Action, NodeId};

/// What the keys act on, as of the last render.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyState {
    pub playing: bool,
    pub presenting: bool,
    /// The tour's next lesson, once the last step is reached.
    pub tour_next: Option<&'static str>,
    /// The tour's previous lesson, at the first step.
    pub tour_previous: Option<&'static str>,
    /// Brokers and consumers, in order, and whether each runs.
    pub brokers: Vec<(NodeId, bool)>,
    pub consumers: Vec<(NodeId, bool)>,
    /// The drawn links, in order, and whether each is cut.
    pub links: Vec<(NodeId, NodeId, bool)>,
    /// The link L selected last (what X acts on).
    pub selected_link: Option<(NodeId, NodeId)>,
}

/// What a key does.
#[derive(Clone, Debug)]
pub enum KeyCommand {
    Playback(PlaybackAction),
    Fault(Action),
    OpenLesson(&'static str),
    FullScreen,
    /// Show or hide the QR code of the session's link (for students' phones).
    ToggleQr,
    StopPresenting,
    /// Select this link (L, Shift+L).
    SelectLink((NodeId, NodeId)),
}

impl KeyState {
    /// The command for `key` (`KeyboardEvent.key`), `code` (`KeyboardEvent.code`, for digits
    /// whatever the keyboard layout and Shift), in a lesson or not.
    pub fn command(&self, key: &str, code: &str, shift: bool, lesson: bool) -> Option<KeyCommand> {
        use KeyCommand::Playback as P;
        let command = match (key, lesson) {
            (" ", _) if self.playing => P(PlaybackAction::Pause),
            (" ", _) => P(PlaybackAction::Play),
            (".", _) | ("ArrowRight", false) => P(PlaybackAction::Step),
            ("ArrowRight" | "PageDown", true) => match self.tour_next {
                Some(next) => KeyCommand::OpenLesson(next),
                None => P(PlaybackAction::NextStep),
            },
            ("ArrowLeft" | "PageUp", true) => match self.tour_previous {
                Some(previous) => KeyCommand::OpenLesson(previous),
                None => P(PlaybackAction::PreviousStep),
            },
            _ if !self.presenting => return None,
            ("f" | "F", _) => KeyCommand::FullScreen,
            ("q" | "Q", _) => KeyCommand::ToggleQr,
            ("Escape", _) => KeyCommand::StopPresenting,
            ("l" | "L", _) => KeyCommand::SelectLink(self.next_link(shift)?),
            ("x" | "X", _) => {
                let ends = self.selected_link?;
                let (_, _, cut) = self.links.iter().find(|(a, b, _)| (*a, *b) == ends)?;
                KeyCommand::Fault(crate::components::scene::link_toggle(ends, *cut))
            }
            _ => {
                let n = code.strip_prefix("Digit")?.parse::<usize>().ok()?;
                let index = n.checked_sub(1)?;
                if shift {
                    let (consumer, up) = *self.consumers.get(index)?;
                    KeyCommand::Fault(if up {
                        Action::KillConsumer { consumer }
                    } else {
                        Action::RestartConsumer { consumer }
                    })
                } else {
                    let (broker, up) = *self.brokers.get(index)?;
                    KeyCommand::Fault(if up {
                        Action::CrashBroker { broker }
                    } else {
                        Action::RestartBroker { broker }
                    })
                }
            }
        };
        Some(command)
    }

    /// The link after the selected one (before it, `backwards`), round the list; the first (last)
    /// when none is selected or the selected one is gone.
    fn next_link(&self, backwards: bool) -> Option<(NodeId, NodeId)> {
        let count = self.links.len();
        if count == 0 {
            return None;
        }
        let current = self
            .selected_link
            .and_then(|ends| self.links.iter().position(|(a, b, _)| (*a, *b) == ends));
        let index = match (current, backwards) {
            (None, false) => 0,
            (None, true) => count - 1,
            (Some(i), false) => (i + 1) % count,
            (Some(i), true) => (i + count - 1) % count,
        };
        self.links.get(index).map(|(a, b, _)| (*a, *b))
    }
}

/// Full screen on, or off if on (the F key while presenting).
pub fn toggle_full_screen() {
    let document = gloo::utils::document();
    if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    } else if let Some(root) = document.document_element() {
        let _ = root.request_fullscreen();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(presenting: bool) -> KeyState {
        KeyState {
            playing: false,
            presenting,
            tour_next: None,
            tour_previous: None,
            brokers: vec![(NodeId::Broker(1), true), (NodeId::Broker(2), false)],
            consumers: vec![(NodeId::Consumer(1), true)],
            links: vec![
                (NodeId::Producer(1), NodeId::Broker(1), false),
                (NodeId::Broker(1), NodeId::Broker(2), true),
            ],
            selected_link: None,
        }
    }

    #[test]
    fn a_clicker_steps_through_a_lesson_and_on_across_the_tour() {
        let mut s = state(true);
        assert!(matches!(
            s.command("PageDown", "PageDown", false, true),
            Some(KeyCommand::Playback(PlaybackAction::NextStep))
        ));
        assert!(matches!(
            s.command("PageUp", "PageUp", false, true),
            Some(KeyCommand::Playback(PlaybackAction::PreviousStep))
        ));
        s.tour_next = Some("consumers-4-partitions");
        assert!(matches!(
            s.command("PageDown", "PageDown", false, true),
            Some(KeyCommand::OpenLesson("consumers-4-partitions"))
        ));
        assert!(
            matches!(
                s.command("ArrowRight", "ArrowRight", false, false),
                Some(KeyCommand::Playback(PlaybackAction::Step))
            ),
            "free play steps one event"
        );
    }

    #[test]
    fn presenting_digits_toggle_brokers_and_shift_digits_consumers() {
        let s = state(true);
        assert!(
            matches!(s.command("1", "Digit1", false, true), Some(KeyCommand::Fault(Action::CrashBroker { broker: n })) if n == NodeId::Broker(1))
        );
        assert!(
            matches!(s.command("2", "Digit2", false, true), Some(KeyCommand::Fault(Action::RestartBroker { broker: n })) if n == NodeId::Broker(2)),
            "a crashed broker restarts"
        );
        assert!(
            matches!(s.command("!", "Digit1", true, true), Some(KeyCommand::Fault(Action::KillConsumer { consumer: n })) if n == NodeId::Consumer(1))
        );
        assert!(
            s.command("3", "Digit3", false, true).is_none(),
            "no broker 3"
        );
        assert!(matches!(
            s.command("f", "KeyF", false, true),
            Some(KeyCommand::FullScreen)
        ));
        assert!(matches!(
            s.command("Escape", "Escape", false, true),
            Some(KeyCommand::StopPresenting)
        ));
        let reading = state(false);
        assert!(
            reading.command("1", "Digit1", false, true).is_none(),
            "only when presenting"
        );
        assert!(reading.command("f", "KeyF", false, true).is_none());
        assert!(matches!(
            s.command("q", "KeyQ", false, true),
            Some(KeyCommand::ToggleQr)
        ));
        assert!(reading.command("q", "KeyQ", false, true).is_none());
    }

    #[test]
    fn presenting_l_selects_links_round_the_list_and_x_cuts_or_heals_the_selected_one() {
        let mut s = state(true);
        let first = (NodeId::Producer(1), NodeId::Broker(1));
        let second = (NodeId::Broker(1), NodeId::Broker(2));
        assert!(
            s.command("x", "KeyX", false, true).is_none(),
            "X does nothing before a link is selected"
        );
        assert!(
            matches!(s.command("l", "KeyL", false, true), Some(KeyCommand::SelectLink(e)) if e == first)
        );
        assert!(
            matches!(s.command("L", "KeyL", true, true), Some(KeyCommand::SelectLink(e)) if e == second),
            "Shift+L from nothing selects the last"
        );
        s.selected_link = Some(first);
        assert!(
            matches!(s.command("l", "KeyL", false, true), Some(KeyCommand::SelectLink(e)) if e == second)
        );
        assert!(matches!(
            s.command("x", "KeyX", false, true),
            Some(KeyCommand::Fault(Action::CutLink { from, to, one_way: false })) if (from, to) == first
        ));
        s.selected_link = Some(second);
        assert!(
            matches!(s.command("l", "KeyL", false, true), Some(KeyCommand::SelectLink(e)) if e == first),
            "round the list"
        );
        assert!(
            matches!(
                s.command("x", "KeyX", false, true),
                Some(KeyCommand::Fault(Action::HealLink { from, to, one_way: false })) if (from, to) == second
            ),
            "a cut link heals"
        );
        s.presenting = false;
        assert!(
            s.command("l", "KeyL", false, true).is_none(),
            "only when presenting"
        );
    }
}
