//! What kind of message a [`Message`] is — its Kafka API, request or response, for the trace and
//! the page (each kind its dot's colour and shape) — and which part of the receiving node handles
//! it ([`Family`]: the node itself, or a coordinator it hosts).

use super::{CoordinatorType, Message};
use serde::{Deserialize, Serialize};

/// The kind of a message, for the trace and the renderer (colour and shape of the dot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    ProduceRequest,
    ProduceResponse,
    FetchRequest,
    FetchResponse,
    ListOffsetsRequest,
    ListOffsetsResponse,
    InitProducerIdRequest,
    InitProducerIdResponse,
    AddPartitionsToTxnRequest,
    AddPartitionsToTxnResponse,
    EndTxnRequest,
    EndTxnResponse,
    WriteTxnMarkersRequest,
    WriteTxnMarkersResponse,
    AddOffsetsToTxnRequest,
    AddOffsetsToTxnResponse,
    TxnOffsetCommitRequest,
    TxnOffsetCommitResponse,
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    JoinGroupRequest,
    JoinGroupResponse,
    SyncGroupRequest,
    SyncGroupResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    LeaveGroupRequest,
    LeaveGroupResponse,
    MetadataRequest,
    MetadataResponse,
    OffsetsForLeaderEpochRequest,
    OffsetsForLeaderEpochResponse,
    BrokerHeartbeat,
    UpdateMetadata,
    AlterPartitionRequest,
    AlterPartitionResponse,
    /// A follower replica's fetch (drawn differently from a consumer's).
    ReplicaFetchRequest,
    ReplicaFetchResponse,
    DbRequest,
    DbResponse,
}

impl MessageKind {
    /// Housekeeping traffic (heartbeats, metadata) that playback does not slow down for.
    pub fn is_background(self) -> bool {
        matches!(
            self,
            MessageKind::BrokerHeartbeat
                | MessageKind::UpdateMetadata
                | MessageKind::HeartbeatRequest
                | MessageKind::HeartbeatResponse
        )
    }
}

/// Which part of the receiving node handles a message or a timer: the node's own role (a
/// broker's partitions, a client, the controller), or a coordinator hosted on a broker. The
/// simulation routes by family; a new coordinator (transactions) is a new family, not a list of
/// variants in the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// The receiving node itself.
    Node,
    /// The group coordinator on the receiving broker (the classic group protocol, offsets).
    GroupCoordinator,
    /// The transaction coordinator on the receiving broker.
    TxnCoordinator,
}

impl Message {
    /// Who on the receiving node handles this message.
    pub fn family(&self) -> Family {
        match self {
            Message::FindCoordinatorRequest {
                key_type: CoordinatorType::Transaction,
                ..
            }
            | Message::InitProducerIdRequest {
                transactional_id: Some(_),
                ..
            }
            | Message::AddPartitionsToTxnRequest { .. }
            | Message::AddOffsetsToTxnRequest { .. }
            | Message::EndTxnRequest { .. }
            | Message::WriteTxnMarkersResponse { .. } => Family::TxnCoordinator,
            // A marker for a group's `__consumer_offsets` partition completes its pending
            // transactional offsets at the group coordinator.
            Message::WriteTxnMarkersRequest { partition, .. }
                if partition.is_consumer_offsets() =>
            {
                Family::GroupCoordinator
            }
            Message::FindCoordinatorRequest { .. }
            | Message::JoinGroupRequest { .. }
            | Message::SyncGroupRequest { .. }
            | Message::HeartbeatRequest { .. }
            | Message::LeaveGroupRequest { .. }
            | Message::OffsetCommitRequest { .. }
            | Message::TxnOffsetCommitRequest { .. }
            | Message::OffsetFetchRequest { .. } => Family::GroupCoordinator,
            _ => Family::Node,
        }
    }

    pub fn kind(&self) -> MessageKind {
        match self {
            Message::ProduceRequest { .. } => MessageKind::ProduceRequest,
            Message::ProduceResponse { .. } => MessageKind::ProduceResponse,
            Message::FetchRequest { replica: None, .. } => MessageKind::FetchRequest,
            Message::FetchRequest { .. } => MessageKind::ReplicaFetchRequest,
            Message::FetchResponse { replica: None, .. } => MessageKind::FetchResponse,
            Message::FetchResponse { .. } => MessageKind::ReplicaFetchResponse,
            Message::ListOffsetsRequest { .. } => MessageKind::ListOffsetsRequest,
            Message::ListOffsetsResponse { .. } => MessageKind::ListOffsetsResponse,
            Message::InitProducerIdRequest { .. } => MessageKind::InitProducerIdRequest,
            Message::InitProducerIdResponse { .. } => MessageKind::InitProducerIdResponse,
            Message::AddPartitionsToTxnRequest { .. } => MessageKind::AddPartitionsToTxnRequest,
            Message::AddPartitionsToTxnResponse { .. } => MessageKind::AddPartitionsToTxnResponse,
            Message::EndTxnRequest { .. } => MessageKind::EndTxnRequest,
            Message::EndTxnResponse { .. } => MessageKind::EndTxnResponse,
            Message::WriteTxnMarkersRequest { .. } => MessageKind::WriteTxnMarkersRequest,
            Message::WriteTxnMarkersResponse { .. } => MessageKind::WriteTxnMarkersResponse,
            Message::AddOffsetsToTxnRequest { .. } => MessageKind::AddOffsetsToTxnRequest,
            Message::AddOffsetsToTxnResponse { .. } => MessageKind::AddOffsetsToTxnResponse,
            Message::TxnOffsetCommitRequest { .. } => MessageKind::TxnOffsetCommitRequest,
            Message::TxnOffsetCommitResponse { .. } => MessageKind::TxnOffsetCommitResponse,
            Message::OffsetCommitRequest { .. } => MessageKind::OffsetCommitRequest,
            Message::OffsetCommitResponse { .. } => MessageKind::OffsetCommitResponse,
            Message::OffsetFetchRequest { .. } => MessageKind::OffsetFetchRequest,
            Message::OffsetFetchResponse { .. } => MessageKind::OffsetFetchResponse,
            Message::FindCoordinatorRequest { .. } => MessageKind::FindCoordinatorRequest,
            Message::FindCoordinatorResponse { .. } => MessageKind::FindCoordinatorResponse,
            Message::JoinGroupRequest { .. } => MessageKind::JoinGroupRequest,
            Message::JoinGroupResponse { .. } => MessageKind::JoinGroupResponse,
            Message::SyncGroupRequest { .. } => MessageKind::SyncGroupRequest,
            Message::SyncGroupResponse { .. } => MessageKind::SyncGroupResponse,
            Message::HeartbeatRequest { .. } => MessageKind::HeartbeatRequest,
            Message::HeartbeatResponse { .. } => MessageKind::HeartbeatResponse,
            Message::LeaveGroupRequest { .. } => MessageKind::LeaveGroupRequest,
            Message::LeaveGroupResponse { .. } => MessageKind::LeaveGroupResponse,
            Message::MetadataRequest { .. } => MessageKind::MetadataRequest,
            Message::MetadataResponse { .. } => MessageKind::MetadataResponse,
            Message::OffsetsForLeaderEpochRequest { .. } => {
                MessageKind::OffsetsForLeaderEpochRequest
            }
            Message::OffsetsForLeaderEpochResponse { .. } => {
                MessageKind::OffsetsForLeaderEpochResponse
            }
            Message::BrokerHeartbeat { .. } => MessageKind::BrokerHeartbeat,
            Message::UpdateMetadata { .. } => MessageKind::UpdateMetadata,
            Message::AlterPartitionRequest { .. } => MessageKind::AlterPartitionRequest,
            Message::AlterPartitionResponse { .. } => MessageKind::AlterPartitionResponse,
            Message::DbRequest { .. } => MessageKind::DbRequest,
            Message::DbResponse { .. } => MessageKind::DbResponse,
        }
    }
}
