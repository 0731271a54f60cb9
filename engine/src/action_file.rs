//! How an action is written in a scenario file (and in the trace): one flat table,
//! `action = "cut_link"` with the fields that action takes. Parsed through a plain struct rather
//! than serde's internally tagged enum, whose generated code is several times larger (it buffers
//! every field), which matters for the page's download; the rules are the same — an unknown field
//! or a field the action does not take is refused by name, a missing one too.

use crate::action::Action;
use crate::ids::NodeId;
use crate::message::MessageKind;
use serde::{Deserialize, Serialize};

/// The action names a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    CutLink,
    HealLink,
    DropNext,
    DelayNext,
    CrashBroker,
    RestartBroker,
    SlowFollower,
    KillConsumer,
    RestartConsumer,
    PauseConsumer,
    CrashProducer,
    RestartProducer,
    PauseProducer,
    CreatePartitions,
    CrashDatabase,
    RestartDatabase,
    PauseDatabase,
    KillWorker,
    RestartWorker,
}

/// An action as a file writes it: `action = …` and the fields that action takes; in a script,
/// also its time (`at_ms`) and whether the reader did it (`by_reader`). One flat struct for
/// both, so that no `flatten` (which buffers every field) is needed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
    pub action: ActionName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_way: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MessageKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<NodeId>,
    /// A Kafka Connect worker, by number (`worker = 1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub by_reader: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl ActionRecord {
    fn of(action: ActionName) -> ActionRecord {
        ActionRecord {
            at_ms: None,
            action,
            from: None,
            to: None,
            one_way: None,
            kind: None,
            broker: None,
            consumer: None,
            producer: None,
            database: None,
            worker: None,
            by_ms: None,
            count: None,
            topic: None,
            by_reader: false,
        }
    }
}

fn name_of(name: ActionName) -> &'static str {
    match name {
        ActionName::CutLink => "cut_link",
        ActionName::HealLink => "heal_link",
        ActionName::DropNext => "drop_next",
        ActionName::DelayNext => "delay_next",
        ActionName::CrashBroker => "crash_broker",
        ActionName::RestartBroker => "restart_broker",
        ActionName::SlowFollower => "slow_follower",
        ActionName::KillConsumer => "kill_consumer",
        ActionName::RestartConsumer => "restart_consumer",
        ActionName::PauseConsumer => "pause_consumer",
        ActionName::CrashProducer => "crash_producer",
        ActionName::RestartProducer => "restart_producer",
        ActionName::PauseProducer => "pause_producer",
        ActionName::CreatePartitions => "create_partitions",
        ActionName::CrashDatabase => "crash_database",
        ActionName::RestartDatabase => "restart_database",
        ActionName::PauseDatabase => "pause_database",
        ActionName::KillWorker => "kill_worker",
        ActionName::RestartWorker => "restart_worker",
    }
}

impl TryFrom<&ActionRecord> for Action {
    type Error = String;

    fn try_from(f: &ActionRecord) -> Result<Action, String> {
        let name = f.action;
        let what = name_of(name);
        let mut used: Vec<&str> = Vec::new();
        let mut need = |field: &'static str, present: bool| -> Result<(), String> {
            used.push(field);
            if present {
                Ok(())
            } else {
                Err(format!("`{what}` needs `{field}`"))
            }
        };
        let action = match name {
            ActionName::CutLink | ActionName::HealLink => {
                need("from", f.from.is_some())?;
                need("to", f.to.is_some())?;
                used.push("one_way");
                let (from, to, one_way) =
                    (f.from.unwrap(), f.to.unwrap(), f.one_way.unwrap_or(false));
                if name == ActionName::CutLink {
                    Action::CutLink { from, to, one_way }
                } else {
                    Action::HealLink { from, to, one_way }
                }
            }
            ActionName::DropNext => {
                need("from", f.from.is_some())?;
                need("to", f.to.is_some())?;
                need("kind", f.kind.is_some())?;
                Action::DropNext {
                    from: f.from.unwrap(),
                    to: f.to.unwrap(),
                    kind: f.kind.unwrap(),
                }
            }
            ActionName::DelayNext => {
                need("from", f.from.is_some())?;
                need("to", f.to.is_some())?;
                need("kind", f.kind.is_some())?;
                need("by_ms", f.by_ms.is_some())?;
                Action::DelayNext {
                    from: f.from.unwrap(),
                    to: f.to.unwrap(),
                    kind: f.kind.unwrap(),
                    by_ms: f.by_ms.unwrap(),
                }
            }
            ActionName::CrashBroker | ActionName::RestartBroker => {
                need("broker", f.broker.is_some())?;
                let broker = f.broker.unwrap();
                if name == ActionName::CrashBroker {
                    Action::CrashBroker { broker }
                } else {
                    Action::RestartBroker { broker }
                }
            }
            ActionName::SlowFollower => {
                need("broker", f.broker.is_some())?;
                need("by_ms", f.by_ms.is_some())?;
                Action::SlowFollower {
                    broker: f.broker.unwrap(),
                    by_ms: f.by_ms.unwrap(),
                }
            }
            ActionName::KillConsumer | ActionName::RestartConsumer => {
                need("consumer", f.consumer.is_some())?;
                let consumer = f.consumer.unwrap();
                if name == ActionName::KillConsumer {
                    Action::KillConsumer { consumer }
                } else {
                    Action::RestartConsumer { consumer }
                }
            }
            ActionName::PauseConsumer => {
                need("consumer", f.consumer.is_some())?;
                need("by_ms", f.by_ms.is_some())?;
                Action::PauseConsumer {
                    consumer: f.consumer.unwrap(),
                    by_ms: f.by_ms.unwrap(),
                }
            }
            ActionName::CrashProducer | ActionName::RestartProducer => {
                need("producer", f.producer.is_some())?;
                let producer = f.producer.unwrap();
                if name == ActionName::CrashProducer {
                    Action::CrashProducer { producer }
                } else {
                    Action::RestartProducer { producer }
                }
            }
            ActionName::PauseProducer => {
                need("producer", f.producer.is_some())?;
                need("by_ms", f.by_ms.is_some())?;
                Action::PauseProducer {
                    producer: f.producer.unwrap(),
                    by_ms: f.by_ms.unwrap(),
                }
            }
            ActionName::CrashDatabase | ActionName::RestartDatabase => {
                need("database", f.database.is_some())?;
                let database = f.database.unwrap();
                if name == ActionName::CrashDatabase {
                    Action::CrashDatabase { database }
                } else {
                    Action::RestartDatabase { database }
                }
            }
            ActionName::KillWorker | ActionName::RestartWorker => {
                need("worker", f.worker.is_some())?;
                let worker = f.worker.unwrap();
                if name == ActionName::KillWorker {
                    Action::KillWorker { worker }
                } else {
                    Action::RestartWorker { worker }
                }
            }
            ActionName::PauseDatabase => {
                need("database", f.database.is_some())?;
                need("by_ms", f.by_ms.is_some())?;
                Action::PauseDatabase {
                    database: f.database.unwrap(),
                    by_ms: f.by_ms.unwrap(),
                }
            }
            ActionName::CreatePartitions => {
                need("count", f.count.is_some())?;
                used.push("topic");
                Action::CreatePartitions {
                    count: f.count.unwrap(),
                    topic: f.topic.clone(),
                }
            }
        };
        let given = [
            ("from", f.from.is_some()),
            ("to", f.to.is_some()),
            ("one_way", f.one_way.is_some()),
            ("kind", f.kind.is_some()),
            ("broker", f.broker.is_some()),
            ("consumer", f.consumer.is_some()),
            ("producer", f.producer.is_some()),
            ("database", f.database.is_some()),
            ("worker", f.worker.is_some()),
            ("by_ms", f.by_ms.is_some()),
            ("count", f.count.is_some()),
            ("topic", f.topic.is_some()),
        ];
        if let Some((field, _)) = given
            .iter()
            .find(|(field, yes)| *yes && !used.contains(field))
        {
            return Err(format!("`{what}` does not take `{field}`"));
        }
        Ok(action)
    }
}

impl TryFrom<ActionRecord> for Action {
    type Error = String;
    fn try_from(r: ActionRecord) -> Result<Action, String> {
        if r.at_ms.is_some() || r.by_reader {
            return Err("`at_ms` and `by_reader` belong to a script entry".into());
        }
        Action::try_from(&r)
    }
}

impl From<Action> for ActionRecord {
    fn from(a: Action) -> ActionRecord {
        let mut f = ActionRecord::of(ActionName::CutLink);
        f.action = match a {
            Action::CutLink { from, to, one_way } | Action::HealLink { from, to, one_way } => {
                f.from = Some(from);
                f.to = Some(to);
                f.one_way = Some(one_way);
                if matches!(&a, Action::CutLink { .. }) {
                    ActionName::CutLink
                } else {
                    ActionName::HealLink
                }
            }
            Action::DropNext { from, to, kind } => {
                (f.from, f.to, f.kind) = (Some(from), Some(to), Some(kind));
                ActionName::DropNext
            }
            Action::DelayNext {
                from,
                to,
                kind,
                by_ms,
            } => {
                (f.from, f.to, f.kind, f.by_ms) = (Some(from), Some(to), Some(kind), Some(by_ms));
                ActionName::DelayNext
            }
            Action::CrashBroker { broker } => {
                f.broker = Some(broker);
                ActionName::CrashBroker
            }
            Action::RestartBroker { broker } => {
                f.broker = Some(broker);
                ActionName::RestartBroker
            }
            Action::SlowFollower { broker, by_ms } => {
                (f.broker, f.by_ms) = (Some(broker), Some(by_ms));
                ActionName::SlowFollower
            }
            Action::KillConsumer { consumer } => {
                f.consumer = Some(consumer);
                ActionName::KillConsumer
            }
            Action::RestartConsumer { consumer } => {
                f.consumer = Some(consumer);
                ActionName::RestartConsumer
            }
            Action::PauseConsumer { consumer, by_ms } => {
                (f.consumer, f.by_ms) = (Some(consumer), Some(by_ms));
                ActionName::PauseConsumer
            }
            Action::CrashProducer { producer } => {
                f.producer = Some(producer);
                ActionName::CrashProducer
            }
            Action::RestartProducer { producer } => {
                f.producer = Some(producer);
                ActionName::RestartProducer
            }
            Action::PauseProducer { producer, by_ms } => {
                (f.producer, f.by_ms) = (Some(producer), Some(by_ms));
                ActionName::PauseProducer
            }
            Action::KillWorker { worker } => {
                f.worker = Some(worker);
                ActionName::KillWorker
            }
            Action::RestartWorker { worker } => {
                f.worker = Some(worker);
                ActionName::RestartWorker
            }
            Action::CrashDatabase { database } => {
                f.database = Some(database);
                ActionName::CrashDatabase
            }
            Action::RestartDatabase { database } => {
                f.database = Some(database);
                ActionName::RestartDatabase
            }
            Action::PauseDatabase { database, by_ms } => {
                (f.database, f.by_ms) = (Some(database), Some(by_ms));
                ActionName::PauseDatabase
            }
            Action::CreatePartitions { count, ref topic } => {
                f.count = Some(count);
                f.topic = topic.clone();
                ActionName::CreatePartitions
            }
        };
        f
    }
}
