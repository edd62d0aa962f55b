//! Publishing a post to one account, as rules: the states of a delivery, what each kind of network error leads to
//! (retry with backoff, wait for the rate limit, stop with the network's message, hold until reconnected), and the
//! idempotency key that makes a repeated attempt land on the same remote post.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::ids::{AccountId, PostId};

/// Where one (post, account) delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its time (or its next attempt).
    Pending,
    /// A worker holds it (until its lease ends) and may be calling the network.
    Claimed,
    /// The network gave its post id and address: done, never again.
    Published,
    /// A permanent error: shown on the post with the network's message; not retried by itself.
    Failed,
    /// Not sent on purpose: the account needs reconnection, or the client's publishing is paused.
    Held,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 5] = [Self::Pending, Self::Claimed, Self::Published, Self::Failed, Self::Held];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Claimed => "claimed",
            Self::Published => "published",
            Self::Failed => "failed",
            Self::Held => "held",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// How a network call ended, classified by the networks code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// Published, with the network's id and public address.
    Published { remote_id: String, url: String },
    /// Worth retrying soon (5xx, connection reset before sending).
    Transient(String),
    /// Slow down; the network may say for how long.
    RateLimited { retry_after: Option<SignedDuration> },
    /// The network refused the post itself (too long, bad media): retrying cannot help.
    Permanent(String),
    /// The credentials are expired or revoked.
    NeedsReconnection(String),
    /// We cannot know whether the network accepted it (a time-out after sending, a crash): read back first.
    Unknown(String),
}

/// What to do with a delivery after a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    Done {
        remote_id: String,
        url: String,
    },
    /// Try again at this time (the attempt counter goes up).
    RetryAt(Timestamp, String),
    /// Stop: a permanent error to show.
    Fail(String),
    /// Hold every post of the account and ask for reconnection.
    HoldAccount(String),
    /// Read back from the network before anything else, at this time.
    ReadBackAt(Timestamp, String),
}

/// After this many attempts a transient problem becomes a failure shown to people.
pub const MAX_ATTEMPTS: u32 = 8;

/// The wait after attempt `attempt` (1 for the first): 30 s, 1, 2, 4… minutes, at most 30 minutes.
pub fn backoff(attempt: u32) -> SignedDuration {
    let secs = 30_i64.saturating_mul(1_i64 << attempt.saturating_sub(1).min(6));
    SignedDuration::from_secs(secs.min(30 * 60))
}

/// The one rule for what follows a call made at `now` as attempt number `attempt` (1 for the first).
pub fn next_step(outcome: CallOutcome, attempt: u32, now: Timestamp) -> NextStep {
    let later = |d: SignedDuration| now.saturating_add(d).unwrap_or(now);
    match outcome {
        CallOutcome::Published { remote_id, url } => NextStep::Done { remote_id, url },
        CallOutcome::Permanent(m) => NextStep::Fail(m),
        CallOutcome::NeedsReconnection(m) => NextStep::HoldAccount(m),
        CallOutcome::Transient(m) if attempt >= MAX_ATTEMPTS => {
            NextStep::Fail(format!("{m} (gave up after {attempt} attempts)"))
        }
        CallOutcome::Transient(m) => NextStep::RetryAt(later(backoff(attempt)), m),
        CallOutcome::RateLimited { retry_after } => {
            let wait = retry_after
                .unwrap_or_else(|| backoff(attempt))
                .clamp(SignedDuration::from_secs(1), SignedDuration::from_hours(24));
            NextStep::RetryAt(later(wait), "rate-limited by the network".to_owned())
        }
        CallOutcome::Unknown(m) => NextStep::ReadBackAt(later(backoff(attempt)), m),
    }
}

/// The key that makes every attempt of one delivery the same request for the network: Mastodon's
/// `Idempotency-Key`, and the seed of Bluesky's record key.
pub fn idempotency_key(post: PostId, account: AccountId, installation: &str) -> String {
    format!("filrouge-{installation}-{post}-{account}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-06-15T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn transient_errors_back_off_then_fail() {
        assert_eq!(backoff(1), SignedDuration::from_secs(30));
        assert_eq!(backoff(2), SignedDuration::from_secs(60));
        assert_eq!(backoff(20), SignedDuration::from_mins(30));
        match next_step(CallOutcome::Transient("HTTP 502".into()), 1, now()) {
            NextStep::RetryAt(at, why) => {
                assert_eq!((at.to_string().as_str(), why.as_str()), ("2026-06-15T10:00:30Z", "HTTP 502"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(next_step(CallOutcome::Transient("x".into()), MAX_ATTEMPTS, now()), NextStep::Fail(_)));
    }

    #[test]
    fn rate_limits_wait_as_long_as_the_network_says() {
        let step = next_step(CallOutcome::RateLimited { retry_after: Some(SignedDuration::from_secs(90)) }, 3, now());
        assert!(matches!(step, NextStep::RetryAt(at, _) if at.to_string() == "2026-06-15T10:01:30Z"));
    }

    #[test]
    fn unknown_outcomes_are_read_back_and_revoked_tokens_hold_the_account() {
        assert!(matches!(next_step(CallOutcome::Unknown("timeout".into()), 1, now()), NextStep::ReadBackAt(..)));
        assert!(matches!(next_step(CallOutcome::NeedsReconnection("401".into()), 1, now()), NextStep::HoldAccount(_)));
        assert!(matches!(next_step(CallOutcome::Permanent("too long".into()), 1, now()), NextStep::Fail(_)));
    }

    #[test]
    fn the_key_is_the_same_for_every_attempt_of_a_delivery() {
        let a = idempotency_key(PostId(7), AccountId(3), "abc");
        assert_eq!(a, idempotency_key(PostId(7), AccountId(3), "abc"));
        assert_ne!(a, idempotency_key(PostId(7), AccountId(4), "abc"));
    }
}
