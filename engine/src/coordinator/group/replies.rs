//! The coordinator's refusals: a request that reached a broker that is not the group's
//! coordinator (`NOT_COORDINATOR`), and a member or generation the group does not know
//! (`UNKNOWN_MEMBER_ID`, `ILLEGAL_GENERATION`: the client's `CommitFailedException`).

use super::*;

pub(super) fn not_coordinator(message: &Message) -> Message {
    let e = KafkaError::NotCoordinator;
    match *message {
        Message::JoinGroupRequest { correlation, .. } => Message::JoinGroupResponse {
            correlation,
            result: Err(e),
        },
        Message::SyncGroupRequest { correlation, .. } => Message::SyncGroupResponse {
            correlation,
            result: Err(e),
        },
        Message::HeartbeatRequest { correlation, .. } => Message::HeartbeatResponse {
            correlation,
            error: Some(e),
        },
        Message::LeaveGroupRequest { correlation, .. } => {
            Message::LeaveGroupResponse { correlation }
        }
        Message::OffsetCommitRequest { correlation, .. } => Message::OffsetCommitResponse {
            correlation,
            result: Err(e),
        },
        Message::OffsetFetchRequest { correlation, .. } => Message::OffsetFetchResponse {
            correlation,
            result: Err(e),
        },
        Message::TxnOffsetCommitRequest { correlation, .. } => Message::TxnOffsetCommitResponse {
            correlation,
            result: Err(e),
        },
        Message::WriteTxnMarkersRequest {
            correlation,
            partition,
            ..
        } => Message::WriteTxnMarkersResponse {
            correlation,
            partition,
            result: Err(e),
        },
        _ => Message::FindCoordinatorResponse {
            correlation: 0,
            result: Err(e),
        },
    }
}

/// Kafka's checks for a request from a group member: known member, current generation.
pub(super) fn member_check(g: &Group, member: MemberId, generation: u32) -> Result<(), KafkaError> {
    if !g.members.contains_key(&member) {
        Err(KafkaError::UnknownMemberId)
    } else if generation != g.generation {
        Err(KafkaError::IllegalGeneration)
    } else {
        Ok(())
    }
}
