//! Deterministic record keys for posts: a valid TID (timestamp identifier) computed from the post's creation time
//! and its idempotency key, so every attempt of one delivery writes the same `at://did/app.bsky.feed.post/<rkey>`.
//!
//! A TID is a 64-bit integer written as 13 characters of base32-sortable (`234567a…z`): the top bit zero, 53 bits of
//! microseconds since the Unix epoch, 10 bits of "clock id". Here the timestamp is `created_at` truncated to the
//! millisecond plus a sub-millisecond offset (0–999 µs) taken from a SHA-256 of the key, and the clock id is 10 more
//! bits of that hash: two different posts created in the same millisecond collide only once in about a million, and
//! the keys still sort by creation time to the millisecond.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
/// Characters in a TID.
pub const TID_LEN: usize = 13;
const MAX_MICROS: i64 = (1 << 53) - 1;

/// The record key of the post created at `created_at` under `idempotency_key`; `None` for a time before 1970 or
/// after year 2255 (a TID cannot say it).
pub fn record_key(idempotency_key: &str, created_at: Timestamp) -> Option<String> {
    let hash = Sha256::digest(idempotency_key.as_bytes());
    let word = |i: usize| u16::from_be_bytes([hash[i], hash[i + 1]]);
    let sub_milli = i64::from(word(0) % 1000);
    let clock_id = u64::from(word(2) & 0x3FF);
    let millis = created_at.as_millisecond();
    let micros = millis.checked_mul(1000)?.checked_add(sub_milli)?;
    if !(0..=MAX_MICROS).contains(&micros) {
        return None;
    }
    let micros = u64::try_from(micros).ok()?;
    Some(encode((micros << 10) | clock_id))
}

/// `value` (top bit zero) in base32-sortable, 13 characters.
fn encode(value: u64) -> String {
    let mut out = [b'2'; TID_LEN];
    let mut rest = value;
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(rest & 31) as usize];
        rest >>= 5;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// Whether `s` has the shape of a TID: 13 characters of the alphabet, the first one of `234567abcdefghij`.
pub fn is_tid(s: &str) -> bool {
    s.len() == TID_LEN
        && s.bytes().all(|b| ALPHABET.contains(&b))
        && s.bytes().next().is_some_and(|b| b"234567abcdefghij".contains(&b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_encoding_matches_the_reference_examples() {
        assert_eq!(encode(0), "2222222222222");
        assert_eq!(encode((1 << 63) - 1), "bzzzzzzzzzzzz");
        // The clock id is the last two characters.
        assert_eq!(encode(1 << 10), "2222222222322");
        assert!(is_tid("3jzfcijpj2z2a"));
        assert!(!is_tid("3jzfcijpj2z21"), "1 is not in the alphabet");
        assert!(!is_tid("kjzfcijpj2z2a"), "the top bit is zero");
    }

    #[test]
    fn the_same_key_and_time_give_the_same_valid_record_key() {
        let t = at("2026-03-01T09:30:00.123Z");
        let a = record_key("delivery-1", t).unwrap();
        assert_eq!(a, record_key("delivery-1", t).unwrap());
        assert!(is_tid(&a), "{a}");
        assert_ne!(a, record_key("delivery-2", t).unwrap());
        assert_ne!(a, record_key("delivery-1", at("2026-03-01T09:30:00.124Z")).unwrap());
    }

    #[test]
    fn record_keys_sort_by_creation_time_to_the_millisecond() {
        let early = record_key("zzz", at("2026-03-01T09:30:00.123Z")).unwrap();
        let late = record_key("aaa", at("2026-03-01T09:30:00.124Z")).unwrap();
        assert!(early < late, "{early} < {late}");
    }

    #[test]
    fn times_a_tid_cannot_say_have_no_key() {
        assert!(record_key("k", at("1969-12-31T23:59:59Z")).is_none());
        assert!(record_key("k", at("2024-01-01T00:00:00Z")).is_some());
    }
}
