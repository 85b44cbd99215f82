//! The real clock: the system time, and the process id as the collision suffix (as `tickets.sh`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ticket_domain::{Clock, Timestamp};

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_unix(secs)
            .unwrap_or_else(|| Timestamp::from_unix(0).expect("the epoch is in range"))
    }

    fn collision_suffix(&self) -> String {
        std::process::id().to_string()
    }

    fn event_id(&self) -> Option<String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Some(event_id_from(
            nanos,
            random_u64(nanos),
            random_u64(nanos ^ 0x5bd1),
        ))
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A ULID-like event id: 10 characters of milliseconds since the epoch, then 16 of randomness,
/// lowercase Crockford base 32 (one word; ids of one clock sort by time).
fn event_id_from(nanos: u128, a: u64, b: u64) -> String {
    let millis = (nanos / 1_000_000) as u64;
    let mut out = String::with_capacity(26);
    for shift in (0..10).rev() {
        out.push(CROCKFORD[((millis >> (shift * 5)) & 31) as usize] as char);
    }
    let random = (u128::from(a) << 64) | u128::from(b);
    for shift in (0..16).rev() {
        out.push(CROCKFORD[((random >> (shift * 5)) & 31) as usize] as char);
    }
    out
}

/// 64 bits no other process or call gets: std's per-process random hash keys (seeded by the
/// operating system), over the time, the process id and a counter.
fn random_u64(salt: u128) -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u128(salt);
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_one_word_unique_and_ordered_by_time() {
        let ids: Vec<String> = (0..1000).filter_map(|_| SystemClock.event_id()).collect();
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 1000);
        for id in &ids {
            assert_eq!(id.len(), 26);
            assert!(id.bytes().all(|b| CROCKFORD.contains(&b)), "{id}");
        }
        let early = event_id_from(1_000_000, u64::MAX, u64::MAX);
        let late = event_id_from(2_000_000, 0, 0);
        assert!(early < late, "{early} < {late}");
    }
}
