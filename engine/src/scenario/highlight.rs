//! What a lesson step points at: the things its text names, which the page draws highlighted
//! while everything else is dimmed. Written in the step as short strings, in the names the page
//! shows:
//!
//! | highlight | what lights up |
//! |---|---|
//! | `broker-2`, `producer-1`, `consumer-3`, `controller-1` | a node |
//! | `broker-1 P0` | one replica: that broker's row for P0 (`orders-1` with several topics) |
//! | `p1#3`, `p1#3-5` | records (producer 1's #3 to #5): the producer's squares and the log cells |
//! | `hw P0`, `leo P0` | the high watermark or log end offset markers on P0's rows |
//! | `committed billing P0`, `position billing P0` | a group's committed offset or position |
//! | `broker-1 -> broker-2` | the link between two nodes |
//! | `group billing` | a consumer group: its box and its members |

use crate::ids::{NodeId, RecordId};

/// One thing a step highlights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Highlight {
    Node(NodeId),
    /// A broker's replica of a partition (named as the page names it: `P0`, `orders-1`).
    Replica(NodeId, String),
    /// Records of one producer, `first..=last` by sequence number.
    Records {
        producer: u32,
        first: u32,
        last: u32,
    },
    /// The high watermark (`hw`), log end offset (`leo`) or last stable offset (`lso`) marker
    /// of a partition.
    LogMarker {
        which: LogMarkerKind,
        partition: String,
    },
    /// A transactional id's entry at its transaction coordinator (`txn orders-tx`).
    Txn(String),
    /// A group's committed offset or owner's position on a partition.
    GroupMarker {
        committed: bool,
        group: String,
        partition: String,
    },
    Link(NodeId, NodeId),
    Group(String),
}

/// Which offset marker of a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogMarkerKind {
    Hw,
    Leo,
    Lso,
}

impl Highlight {
    /// Parses one highlight; the error says what was wrong with it.
    pub fn parse(text: &str) -> Result<Highlight, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let node = |w: &str| w.parse::<NodeId>().map_err(|e| format!("`{text}`: {e}"));
        Ok(match words.as_slice() {
            [one] if one.starts_with('p') && one.contains('#') => records(one)?,
            [one] => Highlight::Node(node(one)?),
            [which @ ("hw" | "leo" | "lso"), partition] => Highlight::LogMarker {
                which: match *which {
                    "hw" => LogMarkerKind::Hw,
                    "leo" => LogMarkerKind::Leo,
                    _ => LogMarkerKind::Lso,
                },
                partition: partition.to_string(),
            },
            ["txn", id] => Highlight::Txn(id.to_string()),
            [which @ ("committed" | "position"), group, partition] => Highlight::GroupMarker {
                committed: *which == "committed",
                group: group.to_string(),
                partition: partition.to_string(),
            },
            ["group", group] => Highlight::Group(group.to_string()),
            [a, "->", b] => Highlight::Link(node(a)?, node(b)?),
            [broker, partition] => Highlight::Replica(node(broker)?, partition.to_string()),
            _ => return Err(format!("`{text}` is not something a step can highlight")),
        })
    }

    /// Whether this highlight covers record `id`.
    pub fn covers_record(&self, id: RecordId) -> bool {
        matches!(self, Highlight::Records { producer, first, last }
            if id.producer == *producer && (*first..=*last).contains(&id.seq))
    }
}

/// `p1#3` or `p1#3-5`.
fn records(text: &str) -> Result<Highlight, String> {
    let bad = || format!("`{text}`: write records as p1#3 or p1#3-5");
    let (producer, seqs) = text[1..].split_once('#').ok_or_else(bad)?;
    let producer = producer.parse().map_err(|_| bad())?;
    let (first, last) = match seqs.split_once('-') {
        Some((a, b)) => (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?),
        None => {
            let n = seqs.parse().map_err(|_| bad())?;
            (n, n)
        }
    };
    if first > last {
        return Err(bad());
    }
    Ok(Highlight::Records {
        producer,
        first,
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_highlight_parses_and_nonsense_is_named() {
        assert_eq!(
            Highlight::parse("broker-2"),
            Ok(Highlight::Node(NodeId::Broker(2)))
        );
        assert_eq!(
            Highlight::parse("broker-1 P0"),
            Ok(Highlight::Replica(NodeId::Broker(1), "P0".into()))
        );
        let r = Highlight::parse("p1#3-5").unwrap();
        assert!(r.covers_record(RecordId {
            producer: 1,
            seq: 4
        }));
        assert!(!r.covers_record(RecordId {
            producer: 1,
            seq: 6
        }));
        assert!(!r.covers_record(RecordId {
            producer: 2,
            seq: 4
        }));
        assert_eq!(
            Highlight::parse("hw P0"),
            Ok(Highlight::LogMarker {
                which: LogMarkerKind::Hw,
                partition: "P0".into()
            })
        );
        assert_eq!(
            Highlight::parse("committed billing P0"),
            Ok(Highlight::GroupMarker {
                committed: true,
                group: "billing".into(),
                partition: "P0".into()
            })
        );
        assert_eq!(
            Highlight::parse("broker-1 -> broker-2"),
            Ok(Highlight::Link(NodeId::Broker(1), NodeId::Broker(2)))
        );
        assert_eq!(
            Highlight::parse("group billing"),
            Ok(Highlight::Group("billing".into()))
        );
        assert!(Highlight::parse("p1#5-3").is_err());
        assert!(Highlight::parse("the moon")
            .unwrap_err()
            .contains("the moon"));
        assert!(Highlight::parse("a b c d")
            .unwrap_err()
            .contains("not something"));
        assert!(Highlight::parse("broker-x").is_err());
    }
}
