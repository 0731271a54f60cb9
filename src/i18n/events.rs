//! The engine's notable events told in English or Korean: faults, elections, truncations,
//! produce failures, and the consumer-group protocol (rebalances, evictions, rejected commits).
//! Kafka's own names (configs, error codes) stay as they are in both languages.

use super::Lang;
use kafkascope_engine::trace::RebalanceReason;
use kafkascope_engine::{Action, TraceKind};

/// A notable trace entry, told in `lang` (None for the routine ones: flights, appends, HW moves).
pub fn describe(lang: Lang, what: &TraceKind) -> Option<String> {
    let text = describe_raw(lang, what)?;
    Some(match lang {
        Lang::Ko => korean(&text),
        Lang::En => text,
    })
}

/// Korean as it is read: node ids as the picture names them (`broker-1` → `브로커 1`), and each
/// particle written as a pair (`이/가`, `을/를`, `은/는`, `과/와`, `으로/로`) chosen by the final
/// sound of the word before it, as read (`브로커 1이`, `브로커 2가`, `브로커 3으로`).
pub fn korean(text: &str) -> String {
    let mut named = text.to_string();
    for (id, name) in [
        ("broker-", "브로커 "),
        ("consumer-", "컨슈머 "),
        ("producer-", "프로듀서 "),
        ("database-1", "데이터베이스"),
        ("controller-1", "컨트롤러"),
    ] {
        named = named.replace(id, name);
    }
    let mut out = String::with_capacity(named.len());
    let mut rest = named.as_str();
    'scan: while !rest.is_empty() {
        for (pair, after_consonant, after_vowel) in [
            ("으로/로", "으로", "로"),
            ("이/가", "이", "가"),
            ("을/를", "을", "를"),
            ("은/는", "은", "는"),
            ("과/와", "과", "와"),
        ] {
            if let Some(tail) = rest.strip_prefix(pair) {
                // 로 also follows ㄹ (일, 칠, 팔; 'l'): "브로커 1로".
                let after_consonant_here = match final_sound(&out) {
                    FinalSound::Vowel => false,
                    FinalSound::Rieul => pair != "으로/로",
                    FinalSound::Other => true,
                };
                out.push_str(if after_consonant_here {
                    after_consonant
                } else {
                    after_vowel
                });
                rest = tail;
                continue 'scan;
            }
        }
        let c = rest.chars().next().expect("not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn describe_raw(lang: Lang, what: &TraceKind) -> Option<String> {
    let ko = lang == Lang::Ko;
    let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    Some(match what {
        TraceKind::Action { action } => describe_action(lang, action),
        TraceKind::BrokerFenced { broker } => {
            if ko {
                let b = broker.to_string();
                format!("컨트롤러가 {b}{} 펜싱함 (하트비트가 끊겼거나 재시작해 다시 등록함)", object_particle(&b))
            } else {
                format!("The controller fenced {broker} (no heartbeat for broker.session.timeout.ms, or it restarted and registers anew)")
            }
        }
        TraceKind::BrokerUnfenced { broker } => {
            if ko {
                let b = broker.to_string();
                format!("{b}{} 메타데이터를 따라잡아 펜싱이 풀림", subject_particle(&b))
            } else {
                format!("{broker} has caught up with the metadata and is unfenced")
            }
        }
        TraceKind::LeaderElected {
            partition,
            leader: Some(leader),
            leader_epoch,
            unclean,
            ..
        } => match (ko, unclean) {
            (false, false) => format!(
                "P{}: {leader} elected leader from the ISR (leader epoch {leader_epoch})",
                partition.partition
            ),
            (false, true) => format!(
                "P{}: UNCLEAN election — {leader}, not in the ISR, becomes leader (epoch {leader_epoch})",
                partition.partition
            ),
            (true, false) => format!(
                "P{}: ISR에서 {leader}{} 리더로 선출됨 (리더 에포크 {leader_epoch})",
                partition.partition,
                subject_particle(&leader.to_string())
            ),
            (true, true) => format!(
                "P{}: 언클린 선출 — ISR에 없던 {leader}{} 리더가 됨 (에포크 {leader_epoch})",
                partition.partition,
                subject_particle(&leader.to_string())
            ),
        },
        TraceKind::LeaderElected {
            partition,
            leader: None,
            ..
        } => {
            if ko {
                format!("P{}: 살아 있는 ISR 복제본이 없어 오프라인 (가용성 대신 안전)", partition.partition)
            } else {
                format!(
                    "P{}: offline — no in-sync replica is alive (unavailable rather than unsafe)",
                    partition.partition
                )
            }
        }
        TraceKind::IsrChanged { partition, isr } => {
            if ko {
                format!("P{}: ISR이 {{{}}}으로/로 바뀜", partition.partition, list(isr))
            } else {
                format!("P{}: ISR is now {{{}}}", partition.partition, list(isr))
            }
        }
        TraceKind::Truncated {
            broker,
            partition,
            from_offset,
            records,
        } => {
            if ko {
                format!(
                    "{broker}이/가 P{}을/를 오프셋 {from_offset}부터 잘라냄 (리더 에포크 기준). 레코드 {}건 삭제",
                    partition.partition,
                    records.len()
                )
            } else {
                format!(
                    "{broker} truncates P{} from offset {from_offset} (leader-epoch boundary): {} record(s) removed",
                    partition.partition,
                    records.len()
                )
            }
        }
        TraceKind::ProduceFailed {
            producer,
            partition,
            error,
            retrying,
            ..
        } => {
            let error = error.name();
            match (ko, retrying) {
                (false, true) => format!("{producer} → P{}: {error}, retrying", partition.partition),
                (false, false) => format!("{producer} → P{}: {error}, giving up", partition.partition),
                (true, true) => format!("{producer} → P{}: {error}, 재시도", partition.partition),
                (true, false) => format!("{producer} → P{}: {error}, 포기", partition.partition),
            }
        }
        TraceKind::ProducerIdAssigned {
            producer,
            producer_id,
            producer_epoch,
        } => {
            if ko {
                format!("{producer}이/가 프로듀서 ID {producer_id}(에포크 {producer_epoch})을/를 받음. 이제 배치마다 시퀀스 번호를 붙임")
            } else {
                format!("{producer} gets producer id {producer_id} (epoch {producer_epoch}): its batches now carry sequence numbers")
            }
        }
        TraceKind::TxnStateChanged {
            transactional_id,
            coordinator,
            producer_id,
            producer_epoch,
            state,
            cause,
        } => {
            use kafkascope_engine::trace::{AbortCause, TxnState};
            let why = match (cause, ko) {
                (Some(AbortCause::Fenced), false) => " — a new instance called initTransactions: the open transaction is aborted and the old instance fenced",
                (Some(AbortCause::Fenced), true) => ". 새 인스턴스가 initTransactions를 호출해 열린 트랜잭션을 어보트하고 옛 인스턴스를 펜싱함",
                (Some(AbortCause::TimedOut), false) => " — transaction.timeout.ms passed: the coordinator aborts it and fences its producer",
                (Some(AbortCause::TimedOut), true) => ". transaction.timeout.ms가 지나 코디네이터가 어보트하고 그 프로듀서를 펜싱함",
                _ => "",
            };
            let what = match (state, ko) {
                (TxnState::Empty, false) => "ready (InitProducerId answered)",
                (TxnState::Empty, true) => "준비됨 (InitProducerId 응답)",
                (TxnState::Ongoing, false) => "Ongoing — a transaction begins",
                (TxnState::Ongoing, true) => "Ongoing: 트랜잭션 시작",
                (TxnState::PrepareCommit, false) => "PrepareCommit — the commit is decided; markers follow",
                (TxnState::PrepareCommit, true) => "PrepareCommit: 커밋이 결정됨. 이제 마커를 씀",
                (TxnState::PrepareAbort, false) => "PrepareAbort — ABORT markers follow",
                (TxnState::PrepareAbort, true) => "PrepareAbort: 이제 ABORT 마커를 씀",
                (TxnState::CompleteCommit, false) => "CompleteCommit — every marker written",
                (TxnState::CompleteCommit, true) => "CompleteCommit: 모든 마커를 씀",
                (TxnState::CompleteAbort, false) => "CompleteAbort — every marker written",
                (TxnState::CompleteAbort, true) => "CompleteAbort: 모든 마커를 씀",
            };
            if ko {
                format!("트랜잭션 코디네이터({coordinator}) · {transactional_id}(PID {producer_id}, 에포크 {producer_epoch}): {what}{why}")
            } else {
                format!("Transaction coordinator ({coordinator}) · {transactional_id} (PID {producer_id}, epoch {producer_epoch}): {what}{why}")
            }
        }
        TraceKind::TxnCoordinatorMoved {
            transactional_id,
            coordinator,
        } => match (coordinator, ko) {
            (Some(c), false) => format!("{transactional_id}'s transaction coordinator moves to {c}, which loads its state and finishes what was prepared"),
            (Some(c), true) => format!("{transactional_id}의 트랜잭션 코디네이터가 {c}으로/로 옮겨감. 상태를 읽어 들이고 준비된 일을 마저 함"),
            (None, false) => format!("{transactional_id} has no transaction coordinator: every replica of its __transaction_state partition is down"),
            (None, true) => format!("{transactional_id}의 트랜잭션 코디네이터가 없음: __transaction_state 파티션의 복제본이 모두 다운됨"),
        },
        TraceKind::TxnMarkerWritten {
            broker,
            partition,
            producer_id,
            control,
            offset,
        } => {
            let marker = match control {
                kafkascope_engine::trace::ControlType::Commit => "COMMIT",
                kafkascope_engine::trace::ControlType::Abort => "ABORT",
            };
            if ko {
                format!("{broker}이/가 P{}의 오프셋 {offset}에 PID {producer_id}의 {marker} 마커를 씀", partition.partition)
            } else {
                format!("{broker} writes PID {producer_id}'s {marker} marker at offset {offset} of P{}", partition.partition)
            }
        }
        TraceKind::ProducerFenced { producer, error } => {
            if ko {
                format!("{producer}이/가 펜싱됨 ({}): 같은 transactional.id의 새 인스턴스가 있음. 멈춤", error.name())
            } else {
                format!("{producer} is fenced ({}): a newer instance has its transactional.id. It stops", error.name())
            }
        }
        TraceKind::TransactionEnded {
            producer,
            committed,
            records,
        } => match (committed, ko) {
            (true, false) => format!("{producer}: commitTransaction() returns — {records} records committed together"),
            (true, true) => format!("{producer}: commitTransaction() 반환. 레코드 {records}개가 함께 커밋됨"),
            (false, false) => format!("{producer}: abortTransaction() returns — its {records} records are aborted"),
            (false, true) => format!("{producer}: abortTransaction() 반환. 레코드 {records}개가 어보트됨"),
        },
        TraceKind::DuplicateBatch {
            broker,
            partition,
            producer_id,
            base_sequence,
            base_offset,
            ..
        } => {
            if ko {
                format!("{broker}이/가 P{}에 이미 쓴 배치를 알아봄 (프로듀서 ID {producer_id}, 시퀀스 {base_sequence}). 다시 쓰지 않고 원래 오프셋 {base_offset}을/를 응답함", partition.partition)
            } else {
                format!("{broker} recognises a resent batch for P{} (producer id {producer_id}, sequence {base_sequence}): not written again, answered with its offset {base_offset}", partition.partition)
            }
        }
        TraceKind::RebalanceStarted { group, reason, .. } => {
            let why = reason_text(lang, reason);
            if ko {
                format!("그룹 {group}: 리밸런스 시작 — 그룹 전체가 멈춤 ({why})")
            } else {
                format!("Group {group}: rebalance — the whole group stops ({why})")
            }
        }
        TraceKind::MemberRemoved {
            group,
            member,
            reason,
        } => {
            let why = reason_text(lang, reason);
            if ko {
                format!("그룹 {group}: 코디네이터가 {member}을/를 제거함 ({why})")
            } else {
                format!("Group {group}: the coordinator removes {member} ({why})")
            }
        }
        TraceKind::GroupStable {
            group,
            generation,
            assignment,
        } => {
            let parts = assignment
                .iter()
                .map(|(m, p)| {
                    let p: Vec<String> = p.iter().map(|p| format!("P{p}")).collect();
                    let owned = if p.is_empty() {
                        if ko { "없음".to_string() } else { "none".to_string() }
                    } else {
                        p.join(",")
                    };
                    format!("consumer-{} → {owned}", m.consumer)
                })
                .collect::<Vec<_>>()
                .join("; ");
            if ko {
                format!("그룹 {group}: 제너레이션 {generation} 안정 — {parts}")
            } else {
                format!("Group {group}: generation {generation} stable — {parts}")
            }
        }
        TraceKind::CoordinatorMoved { group, coordinator } => match (ko, coordinator) {
            (false, Some(b)) => format!("Group {group}: its coordinator moves to {b} (the __consumer_offsets leader)"),
            (true, Some(b)) => format!("그룹 {group}: 코디네이터가 {b}으로/로 옮겨 감 (__consumer_offsets 리더)"),
            (false, None) => format!("Group {group}: no broker can coordinate it now"),
            (true, None) => format!("그룹 {group}: 지금은 코디네이터가 될 브로커가 없음"),
        },
        TraceKind::OffsetCommitRejected {
            group,
            member,
            generation,
            error,
            ..
        } => {
            let error = error.name();
            if ko {
                format!("그룹 {group}: {member}(제너레이션 {generation})의 커밋 거부 — {error}")
            } else {
                format!("Group {group}: commit from {member} (generation {generation}) rejected — {error}")
            }
        }
        TraceKind::CommitFailed {
            consumer, error, ..
        } => match (ko, error) {
            (false, Some(e)) => format!("{consumer}: commit failed ({}) — CommitFailedException; the next owner will process these records again", e.name()),
            (true, Some(e)) => format!("{consumer}: 커밋 실패 ({}) — CommitFailedException; 다음 소유자가 이 레코드를 다시 처리함", e.name()),
            (false, None) => format!("{consumer}: commit refused — no longer in an active group"),
            (true, None) => format!("{consumer}: 커밋 거부 — 더 이상 활성 그룹의 멤버가 아님"),
        },
        TraceKind::PollTimeoutExpired { consumer, .. } => {
            if ko {
                format!("{consumer}: max.poll.interval.ms 안에 poll()을 부르지 않아 그룹을 떠남")
            } else {
                format!("{consumer}: no poll() within max.poll.interval.ms — it leaves the group")
            }
        }
        TraceKind::PartitionsRevoked {
            consumer,
            partitions,
            ..
        } => {
            let p: Vec<String> = partitions.iter().map(|p| format!("P{p}")).collect();
            if ko {
                format!("{consumer}: 이미 그룹에서 빠져 {} 를 잃음 (커밋 없이)", p.join(","))
            } else {
                format!("{consumer}: already out of the group, loses {} (no commit)", p.join(","))
            }
        }
        TraceKind::PartitionsCreated {
            topic,
            from,
            to,
            moved_keys,
        } => {
            let shown: Vec<String> = moved_keys
                .iter()
                .take(6)
                .map(|(k, old, new)| format!("k{k}: P{old}→P{new}"))
                .collect();
            let more = moved_keys.len().saturating_sub(shown.len());
            let mut keys = shown.join(", ");
            if more > 0 {
                keys.push_str(&format!(" (+{more})"));
            }
            if ko {
                format!("토픽 {topic}의 파티션 {from} → {to}개: 새 레코드의 키 {}개가 다른 파티션으로 감 — {keys}", moved_keys.len())
            } else {
                format!("Topic {topic} grows from {from} to {to} partitions: {} keys now map elsewhere — {keys}", moved_keys.len())
            }
        }
        TraceKind::CommittedRecordsLost {
            partition,
            leader,
            records,
        } => {
            let listed = record_list(records);
            if ko {
                format!(
                    "P{}: 새 리더 {leader}의 로그에 커밋된 레코드 {}개({listed})가 없음 — 언클린 선출로 유실",
                    partition.partition,
                    records.len()
                )
            } else {
                format!(
                    "P{}: the new leader {leader} lacks {} committed record(s) ({listed}): lost by the unclean election",
                    partition.partition,
                    records.len()
                )
            }
        }
        TraceKind::ConsumerTruncationDetected {
            consumer,
            partition,
            position,
            reset_to,
        } => {
            if ko {
                format!(
                    "{consumer}: P{}의 새 리더 로그가 읽은 것과 오프셋 {reset_to}부터 다름 — 위치를 {position}에서 {reset_to}으로/로 되돌려 바뀐 레코드를 읽음 (KIP-320)",
                    partition.partition
                )
            } else {
                format!(
                    "{consumer}: P{}'s new leader diverges from what it read at offset {reset_to} — it moves back from {position} to {reset_to} and reads the records that replaced them (KIP-320)",
                    partition.partition
                )
            }
        }
        TraceKind::PartitionChangeRefused {
            topic,
            requested,
            reason,
        } => {
            if ko {
                format!("토픽 {topic}의 파티션을 {requested}개로 바꾸는 요청 거부: 이미 그보다 많음 (파티션은 늘릴 수만 있고 줄일 수 없음)")
            } else {
                format!("Changing {topic} to {requested} partitions refused: {reason} (partitions are never removed)")
            }
        }
        TraceKind::RetentionDeleted {
            broker,
            partition,
            log_start_offset,
            records,
        } => {
            if ko {
                format!(
                    "{broker}: P{} 보존 기간(retention.ms) 지난 레코드 {}건 삭제 — 로그 시작 오프셋 {log_start_offset}",
                    partition.partition,
                    records.len()
                )
            } else {
                format!(
                    "{broker}: P{} deletes {} record(s) past retention.ms — log start offset now {log_start_offset}",
                    partition.partition,
                    records.len()
                )
            }
        }
        TraceKind::RowWritten { row, .. } => {
            let kafkascope_engine::trace::WrittenRow {
                table,
                key,
                writer,
                incarnation,
                replaced,
                ..
            } = row.as_ref();
            let instance = incarnation + 1;
            match (*replaced, ko) {
                (false, false) => format!("{writer} (instance {instance}) inserts row {key} into {table}"),
                (false, true) => format!("{writer}이/가 {table}에 {key} 행을 추가함 (인스턴스 {instance})"),
                (true, false) => format!("{writer} (instance {instance}) replaces row {key} in {table} (upsert)"),
                (true, true) => format!("{writer}이/가 {table}의 {key} 행을 덮어씀 (upsert, 인스턴스 {instance})"),
            }
        }
        TraceKind::WriteRefused { client, error, .. } => {
            use kafkascope_engine::message::DbError;
            match (error.as_ref(), ko) {
                (DbError::DuplicateKey { table, key }, false) => format!("database-1 refuses {client}'s insert of {key} into {table}: duplicate key (the row is already there)"),
                (DbError::DuplicateKey { table, key }, true) => format!("database-1이/가 {client}의 {key} 추가를 거부함: {table}에 중복 키 (행이 이미 있음)"),
                (DbError::ConditionFailed { table, key, found }, false) => format!("database-1 refuses {client}'s transaction: {table}.{key} is {} now, not what it expected — rolled back", found.as_deref().unwrap_or("absent")),
                (DbError::ConditionFailed { table, key, found }, true) => format!("database-1이/가 {client}의 트랜잭션을 거부함: {table}.{key} 값이 기대와 다른 {} — 롤백", found.as_deref().unwrap_or("없음")),
                (DbError::NoSuchTable { table }, false) => format!("database-1 refuses {client}'s statement: no table {table}"),
                (DbError::NoSuchTable { table }, true) => format!("database-1이/가 {client}의 문장을 거부함: {table} 테이블 없음"),
            }
        }
        TraceKind::OffsetReset {
            consumer,
            partition,
            offset,
        } => {
            if ko {
                format!("{consumer}: P{} 커밋 오프셋 없음/범위 밖 → auto.offset.reset으로 오프셋 {offset}부터", partition.partition)
            } else {
                format!("{consumer}: P{} has no usable committed offset → auto.offset.reset starts it at {offset}", partition.partition)
            }
        }
        TraceKind::TxnOffsetsPending {
            coordinator,
            group,
            producer_id,
            offsets,
        } => {
            let list = offsets
                .iter()
                .map(|(tp, o)| format!("P{}→{o}", tp.partition))
                .collect::<Vec<_>>()
                .join(", ");
            if ko {
                format!("{coordinator}: {group}의 트랜잭션 오프셋({list})을 PID {producer_id}의 트랜잭션이 끝날 때까지 보류 (TxnOffsetCommit)")
            } else {
                format!("{coordinator}: {group}'s transactional offsets ({list}) wait for PID {producer_id}'s transaction to end (TxnOffsetCommit)")
            }
        }
        TraceKind::TxnOffsetsCompleted {
            coordinator,
            group,
            producer_id,
            committed,
        } => match (committed, ko) {
            (true, false) => format!("{coordinator}: the COMMIT marker for {group}'s offsets partition makes PID {producer_id}'s offsets {group}'s committed offsets"),
            (true, true) => format!("{coordinator}: {group} 오프셋 파티션의 COMMIT 마커로 PID {producer_id}의 오프셋이 {group}의 커밋 오프셋이 됨"),
            (false, false) => format!("{coordinator}: the ABORT marker for {group}'s offsets partition drops PID {producer_id}'s offsets"),
            (false, true) => format!("{coordinator}: {group} 오프셋 파티션의 ABORT 마커로 PID {producer_id}의 오프셋을 버림"),
        },
        TraceKind::ProcessExited { node } => {
            if ko {
                format!("{node}: 프로듀서가 펜싱되어(치명적 오류) 애플리케이션이 종료됨. 프로세스의 두 클라이언트가 함께 멈춤")
            } else {
                format!("{node}: its producer was fenced (fatal) and the application exits; both clients of the process stop")
            }
        }
        TraceKind::OffsetsUnstable { consumer } => {
            if ko {
                format!("{consumer}: UNSTABLE_OFFSET_COMMIT. 이 파티션의 오프셋을 가진 트랜잭션이 아직 끝나지 않아 잠시 뒤 다시 조회")
            } else {
                format!("{consumer}: UNSTABLE_OFFSET_COMMIT — a transaction holding offsets of its partitions is not complete yet; it asks again shortly")
            }
        }
        TraceKind::AfterAbort {
            consumer,
            rewound,
            positions,
        } => {
            let list = positions
                .iter()
                .map(|(tp, o)| format!("P{} {o}", tp.partition))
                .collect::<Vec<_>>()
                .join(", ");
            match (rewound, ko) {
                (true, false) => format!("{consumer}: after the abort, seeks back to the committed offsets and reads those records again"),
                (true, true) => format!("{consumer}: 어보트 뒤 커밋된 오프셋으로 되감아(seek) 그 레코드를 다시 읽음"),
                (false, false) => format!("{consumer}: after the abort, goes on from its position ({list}) without seeking back — the aborted transaction's inputs are skipped"),
                (false, true) => format!("{consumer}: 어보트 뒤 되감지 않고 현재 위치({list})에서 계속함. 어보트된 트랜잭션의 입력은 건너뜀"),
            }
        }
        _ => return None,
    })
}

fn reason_text(lang: Lang, reason: &RebalanceReason) -> String {
    let ko = lang == Lang::Ko;
    match (reason, ko) {
        (RebalanceReason::MemberJoined(m), false) => format!("{m} joins"),
        (RebalanceReason::MemberJoined(m), true) => format!("{m} 참여"),
        (RebalanceReason::MemberRejoined(m), false) => format!("{m} rejoins"),
        (RebalanceReason::MemberRejoined(m), true) => format!("{m} 재참여"),
        (RebalanceReason::MemberLeft, false) => "a member left".into(),
        (RebalanceReason::MemberLeft, true) => "멤버가 떠남".into(),
        (RebalanceReason::SessionTimeout, false) => "no heartbeat for session.timeout.ms".into(),
        (RebalanceReason::SessionTimeout, true) => "session.timeout.ms 동안 하트비트 없음".into(),
        (RebalanceReason::RebalanceTimeout, false) => {
            "did not rejoin within max.poll.interval.ms".into()
        }
        (RebalanceReason::RebalanceTimeout, true) => {
            "max.poll.interval.ms 안에 재참여하지 않음".into()
        }
    }
}

fn describe_action(lang: Lang, action: &Action) -> String {
    let ko = lang == Lang::Ko;
    match action {
        Action::CrashBroker { broker } => {
            if ko {
                format!("{broker} 다운")
            } else {
                format!("{broker} crashes")
            }
        }
        Action::RestartBroker { broker } => {
            if ko {
                format!("{broker} 재시작")
            } else {
                format!("{broker} restarts")
            }
        }
        Action::CutLink { from, to, .. } => {
            if ko {
                format!("{from} ↔ {to} 링크 끊김")
            } else {
                format!("Link {from} ↔ {to} cut")
            }
        }
        Action::HealLink { from, to, .. } => {
            if ko {
                format!("{from} ↔ {to} 링크 복구")
            } else {
                format!("Link {from} ↔ {to} healed")
            }
        }
        Action::DropNext { from, to, kind } => {
            if ko {
                format!("{from} → {to}: 다음 {kind:?} 유실")
            } else {
                format!("{from} → {to}: the next {kind:?} is lost")
            }
        }
        Action::DelayNext {
            from,
            to,
            kind,
            by_ms,
        } => {
            if ko {
                format!("{from} → {to}: 다음 {kind:?} {by_ms} ms 지연")
            } else {
                format!("{from} → {to}: the next {kind:?} is delayed {by_ms} ms")
            }
        }
        Action::CrashProducer { producer } => {
            if ko {
                format!("{producer} 프로세스 다운 — 보내지 못한 레코드와 응답을 기다리던 요청이 함께 사라짐")
            } else {
                format!("{producer} crashes: what it had not sent, and the answers it awaited, are gone with it")
            }
        }
        Action::RestartProducer { producer } => {
            if ko {
                format!("{producer} 재시작 — 애플리케이션이 ack를 받지 못한 레코드를 다시 보냄")
            } else {
                format!("{producer} restarts; the application sends again every record it never saw acknowledged")
            }
        }
        Action::PauseProducer { producer, by_ms } => {
            if ko {
                format!("{producer}: {by_ms} ms 동안 멈춤 (GC)")
            } else {
                format!("{producer} stalls for {by_ms} ms (a GC pause)")
            }
        }
        Action::CrashDatabase { database } => {
            if ko {
                format!("{database} 다운 — 실행하지 않은 요청은 사라지고, 커밋된 행은 남음")
            } else {
                format!("{database} crashes: requests it had not executed are lost; committed rows stay")
            }
        }
        Action::RestartDatabase { database } => {
            if ko {
                format!("{database} 재시작")
            } else {
                format!("{database} restarts")
            }
        }
        Action::PauseDatabase { database, by_ms } => {
            if ko {
                format!("{database}: {by_ms} ms 동안 멈춤 (락 대기)")
            } else {
                format!("{database} stalls for {by_ms} ms (a lock wait)")
            }
        }
        Action::KillWorker { worker } => {
            if ko {
                format!("Connect 워커 {worker} 강제 종료 — 워커의 싱크 태스크가 오프셋을 커밋하지 못하고 함께 멈춤")
            } else {
                format!("Connect worker {worker} is killed: its sink tasks stop with it, committing nothing")
            }
        }
        Action::RestartWorker { worker } => {
            if ko {
                format!("Connect 워커 {worker} 재시작 — 싱크 태스크가 새 컨슈머로 그룹에 참여")
            } else {
                format!("Connect worker {worker} restarts; its sink tasks join the group as new consumers")
            }
        }
        Action::KillConsumer { consumer } => {
            if ko {
                format!("{consumer} 강제 종료 (LeaveGroup 없이)")
            } else {
                format!("{consumer} is killed (no LeaveGroup)")
            }
        }
        Action::RestartConsumer { consumer } => {
            if ko {
                format!("{consumer} 재시작 — 새 멤버로 참여")
            } else {
                format!("{consumer} restarts and joins as a new member")
            }
        }
        Action::PauseConsumer { consumer, by_ms } => {
            if ko {
                format!("{consumer}: {by_ms} ms 동안 멈춤 (GC) — 하트비트도 없음")
            } else {
                format!("{consumer} stalls for {by_ms} ms (a GC pause) — no heartbeats either")
            }
        }
        Action::CreatePartitions { count, topic } => {
            let topic = topic.as_deref().unwrap_or("");
            if ko {
                format!("토픽 {topic} 파티션 수를 {count}개로 변경 요청 (CreatePartitions)")
            } else {
                format!("Request: change topic {topic} to {count} partitions (CreatePartitions)")
            }
        }
        Action::SlowFollower { broker, by_ms } => {
            if ko {
                format!("{broker}: 팔로워 fetch마다 {by_ms} ms 대기")
            } else {
                format!("{broker}: waits {by_ms} ms before each follower fetch")
            }
        }
    }
}

/// A refused action, told with Kafka's reason (the report's list of refusals).
pub fn describe_refusal(lang: Lang, action: &Action, reason: &str) -> String {
    let text = describe_refusal_raw(lang, action, reason);
    match lang {
        Lang::Ko => korean(&text),
        Lang::En => text,
    }
}

fn describe_refusal_raw(lang: Lang, action: &Action, reason: &str) -> String {
    match (lang, action) {
        (Lang::Ko, Action::CreatePartitions { count, .. }) => {
            format!("파티션을 {count}개로 바꾸는 요청 거부: 이미 그보다 많음 (파티션은 늘릴 수만 있고 줄일 수 없음)")
        }
        (Lang::En, Action::CreatePartitions { count, .. }) => {
            format!(
                "Changing to {count} partitions refused: {reason} (partitions are never removed)"
            )
        }
        (Lang::Ko, other) => format!("{} — 거부됨: {reason}", describe_action(lang, other)),
        (Lang::En, other) => format!("{} — refused: {reason}", describe_action(lang, other)),
    }
}

/// Records as `#2 #3 … #9` (the first and last few of a long list).
fn record_list(records: &[kafkascope_engine::RecordId]) -> String {
    let label = |r: &kafkascope_engine::RecordId| {
        if r.producer == 1 {
            format!("#{}", r.seq)
        } else {
            r.to_string()
        }
    };
    if records.len() <= 6 {
        records.iter().map(label).collect::<Vec<_>>().join(" ")
    } else {
        format!(
            "{} … {}",
            records[..3].iter().map(label).collect::<Vec<_>>().join(" "),
            records[records.len() - 2..]
                .iter()
                .map(label)
                .collect::<Vec<_>>()
                .join(" ")
        )
    }
}

/// How a word ends when read aloud in Korean, which decides its particles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FinalSound {
    /// No final consonant (받침): 가, 를, 는, 와, 로.
    Vowel,
    /// ㄹ: 이, 을, 은, 과, but 로 (일, 칠, 팔; `l`; `r` read as 알).
    Rieul,
    /// Any other final consonant: 이, 을, 은, 과, 으로.
    Other,
}

/// The final sound of `word` as read: a Hangul syllable's 받침, a digit's Korean reading (영,
/// 일, 이, 삼, …), or a Latin letter's name (엘, 엠, 엔, 알).
fn final_sound(word: &str) -> FinalSound {
    match word.trim_end().trim_end_matches(['}', ')']).chars().last() {
        Some(c @ '가'..='힣') => match (c as u32 - 0xAC00) % 28 {
            0 => FinalSound::Vowel,
            8 => FinalSound::Rieul,
            _ => FinalSound::Other,
        },
        Some('1' | '7' | '8') => FinalSound::Rieul,
        Some('0' | '3' | '6') => FinalSound::Other,
        Some(c) => match c.to_ascii_lowercase() {
            'l' | 'r' => FinalSound::Rieul,
            'm' | 'n' => FinalSound::Other,
            _ => FinalSound::Vowel,
        },
        None => FinalSound::Vowel,
    }
}

fn ends_in_consonant(word: &str) -> bool {
    final_sound(word) != FinalSound::Vowel
}

/// 이/가 after `word`.
pub fn subject_particle(word: &str) -> &'static str {
    if ends_in_consonant(word) {
        "이"
    } else {
        "가"
    }
}

/// 을/를 after `word`.
pub fn object_particle(word: &str) -> &'static str {
    if ends_in_consonant(word) {
        "을"
    } else {
        "를"
    }
}

#[cfg(test)]
mod particle_tests {
    use super::*;

    #[test]
    fn korean_names_nodes_as_the_picture_does_and_picks_each_particle_by_sound() {
        assert_eq!(
            korean("broker-1이/가 P0을/를 잘라냄"),
            "브로커 1이 P0을 잘라냄"
        );
        assert_eq!(
            korean("broker-2이/가 P2을/를 잘라냄"),
            "브로커 2가 P2를 잘라냄"
        );
        assert_eq!(
            korean("코디네이터가 broker-3으로/로 옮겨 감"),
            "코디네이터가 브로커 3으로 옮겨 감"
        );
        assert_eq!(
            korean("코디네이터가 broker-1으로/로 옮겨 감"),
            "코디네이터가 브로커 1로 옮겨 감"
        );
        // Latin letters by their names: ISR (…알) takes 을 and 로; HW (…더블유) takes 를.
        assert_eq!(korean("ISR을/를 ISR으로/로"), "ISR을 ISR로");
        assert_eq!(korean("HW을/를"), "HW를");
        assert_eq!(korean("broker-2으로/로"), "브로커 2로");
        assert_eq!(korean("ISR이 {1,3}으로/로 바뀜"), "ISR이 {1,3}으로 바뀜");
        assert_eq!(korean("ISR이 {2}으로/로 바뀜"), "ISR이 {2}로 바뀜");
        assert_eq!(korean("consumer-2#1을/를 제거함"), "컨슈머 2#1을 제거함");
        assert_eq!(korean("consumer-4#2을/를"), "컨슈머 4#2를");
        assert_eq!(korean("컨슈머은/는"), "컨슈머는");
        // Every Korean event names nodes in Korean.
        let told = describe(
            Lang::Ko,
            &TraceKind::BrokerFenced {
                broker: kafkascope_engine::NodeId::Broker(3),
            },
        )
        .unwrap();
        assert!(told.contains("브로커 3을 펜싱"), "{told}");
        assert!(!told.contains("broker-"), "{told}");
    }

    #[test]
    fn particles_follow_the_final_sound_as_read() {
        assert_eq!(subject_particle("broker-1"), "이", "일");
        assert_eq!(subject_particle("broker-2"), "가", "이");
        assert_eq!(object_particle("broker-3"), "을", "삼");
        assert_eq!(object_particle("broker-5"), "를", "오");
        assert_eq!(subject_particle("컨슈머"), "가");
        assert_eq!(subject_particle("오프셋"), "이");
    }
}
