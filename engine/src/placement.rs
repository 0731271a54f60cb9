//! Where things live: partition leaders, the group coordinator, and which partition a record goes to.
//!
//! - Replica placement follows Kafka's rack-unaware assignment: partition `p`'s first replica (its
//!   preferred leader) is broker `(p mod brokers) + 1`.
//! - A consumer group's coordinator is the leader of partition
//!   `abs(group.id.hashCode()) mod offsets.topic.num.partitions` (default 50) of `__consumer_offsets`
//!   (Kafka's `GroupCoordinator.partitionFor`), with Java's `String.hashCode`.
//! - Keyed records go to `toPositive(murmur2(keyBytes)) mod partitions`, Kafka's default partitioner
//!   (`BuiltInPartitioner.partitionForKey`). Keyless records here rotate per batch, a stand-in for
//!   the sticky partitioner of KIP-480 that keeps its visible effect (batches spread over
//!   partitions, records of one batch together).

use crate::ids::TopicPartition;

/// `offsets.topic.num.partitions`.
pub const OFFSETS_TOPIC_PARTITIONS: u32 = 50;

pub fn preferred_leader(partition: TopicPartition, brokers: u32) -> u32 {
    (u32::from(partition.partition) % brokers) + 1
}

/// The broker coordinating `group` when `__consumer_offsets` is spread over `brokers` brokers.
pub fn group_coordinator(group: &str, brokers: u32) -> u32 {
    // Kafka's Utils.abs maps Integer.MIN_VALUE to 0.
    let hash = java_string_hash(group);
    let offsets_partition = if hash == i32::MIN {
        0
    } else {
        hash.unsigned_abs()
    } % OFFSETS_TOPIC_PARTITIONS;
    (offsets_partition % brokers) + 1
}

/// Java's `String.hashCode` (over UTF-16 code units).
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The partition for a keyed record: Kafka's `Utils.toPositive(Utils.murmur2(key)) % partitions`.
pub fn partition_for_key(key_bytes: &[u8], partitions: u32) -> u32 {
    (murmur2(key_bytes) & 0x7fff_ffff) as u32 % partitions
}

/// The key bytes of a scenario key number (keys are the strings `k0`, `k1`, ...).
pub fn key_bytes(key: u32) -> Vec<u8> {
    format!("k{key}").into_bytes()
}

/// Kafka's `Utils.murmur2` (32-bit MurmurHash2 with seed 0x9747b28c).
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = data.len() as u32;
    let mut h: u32 = SEED ^ length;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let rest = chunks.remainder();
    if rest.len() >= 3 {
        h ^= u32::from(rest[2]) << 16;
    }
    if rest.len() >= 2 {
        h ^= u32::from(rest[1]) << 8;
    }
    if !rest.is_empty() {
        h ^= u32::from(rest[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafka_reference_values() {
        // Values from Kafka's UtilsTest.testMurmur2.
        assert_eq!(murmur2(b"21"), -973932308);
        assert_eq!(murmur2(b"foobar"), -790332482);
        assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
        assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
        assert_eq!(
            murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
            -58897971
        );
        assert_eq!(murmur2(b"abc"), 479470107);
    }

    #[test]
    fn java_string_hash_matches_java() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99162322);
        // Overflows i32: "polygenelubricants".hashCode() == Integer.MIN_VALUE in Java.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }
}
