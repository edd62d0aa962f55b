//! When to fetch a source next: the polite-polling rule, pure so it is tested in microseconds.
//!
//! The server's wishes come first (`Retry-After`, `Cache-Control: max-age`, the feed's `ttl`),
//! bounded so that one bad header can neither hammer a server nor silence a source for a week;
//! failures back off exponentially.

use jiff::{SignedDuration, Timestamp};

/// The polling bounds of an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// Normal interval between fetches of a healthy source.
    pub interval: SignedDuration,
    /// Never sooner than this, whatever a header says.
    pub min_interval: SignedDuration,
    /// Never later than this for a healthy source, whatever a header says.
    pub max_interval: SignedDuration,
    /// Longest wait after repeated failures.
    pub max_backoff: SignedDuration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            interval: SignedDuration::from_mins(15),
            min_interval: SignedDuration::from_mins(5),
            max_interval: SignedDuration::from_hours(6),
            max_backoff: SignedDuration::from_hours(24),
        }
    }
}

/// What the server told us about when to come back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerHints {
    /// `Retry-After` (HTTP 429/503, or on any answer).
    pub retry_after: Option<SignedDuration>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<SignedDuration>,
    /// RSS `<ttl>` (minutes in the feed).
    pub ttl: Option<SignedDuration>,
}

/// When to fetch next. `failures` counts consecutive failures *including* this fetch (0 when it
/// succeeded). `jitter` in [0, 1) spreads sources that were added together.
pub fn next_fetch(now: Timestamp, policy: &PollPolicy, hints: ServerHints, failures: u32, jitter: f64) -> Timestamp {
    let wait = if let Some(retry) = hints.retry_after {
        // The server asked: honour it, but within [min_interval, max_backoff].
        clamp(retry, policy.min_interval, policy.max_backoff)
    } else if failures > 0 {
        let factor = 2i64.saturating_pow(failures.saturating_sub(1).min(20));
        let base = policy.min_interval.as_secs().saturating_mul(factor);
        clamp(SignedDuration::from_secs(base), policy.min_interval, policy.max_backoff)
    } else {
        // `max-age` and `ttl` say "not sooner than": never poll faster than our own interval because of them.
        let wished = [hints.max_age, hints.ttl].into_iter().flatten().fold(policy.interval, SignedDuration::max);
        clamp(wished, policy.min_interval, policy.max_interval)
    };
    let spread = (wait.as_secs_f64() * 0.1 * jitter.clamp(0.0, 1.0)) as i64;
    now.saturating_add(wait + SignedDuration::from_secs(spread)).unwrap_or(now)
}

fn clamp(d: SignedDuration, lo: SignedDuration, hi: SignedDuration) -> SignedDuration {
    d.max(lo).min(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn wait(hints: ServerHints, failures: u32) -> i64 {
        (next_fetch(at(1_000_000), &PollPolicy::default(), hints, failures, 0.0) - at(1_000_000)).get_seconds()
    }

    #[test]
    fn a_healthy_source_without_hints_waits_the_normal_interval() {
        assert_eq!(wait(ServerHints::default(), 0), 15 * 60);
    }

    #[test]
    fn a_feed_ttl_longer_than_the_interval_is_honoured() {
        let hints = ServerHints { ttl: Some(SignedDuration::from_mins(60)), ..Default::default() };
        assert_eq!(wait(hints, 0), 60 * 60);
    }

    #[test]
    fn a_short_max_age_never_makes_us_poll_faster() {
        let hints = ServerHints { max_age: Some(SignedDuration::from_secs(10)), ..Default::default() };
        assert_eq!(wait(hints, 0), 15 * 60);
    }

    #[test]
    fn an_absurd_ttl_is_capped() {
        let hints = ServerHints { ttl: Some(SignedDuration::from_hours(24 * 30)), ..Default::default() };
        assert_eq!(wait(hints, 0), 6 * 3600);
    }

    #[test]
    fn retry_after_wins_over_everything() {
        let hints = ServerHints {
            retry_after: Some(SignedDuration::from_hours(2)),
            ttl: Some(SignedDuration::from_mins(10)),
            ..Default::default()
        };
        assert_eq!(wait(hints, 3), 2 * 3600);
    }

    #[test]
    fn failures_back_off_exponentially_up_to_a_day() {
        assert_eq!(wait(ServerHints::default(), 1), 5 * 60);
        assert_eq!(wait(ServerHints::default(), 2), 10 * 60);
        assert_eq!(wait(ServerHints::default(), 4), 40 * 60);
        assert_eq!(wait(ServerHints::default(), 30), 24 * 3600);
    }

    #[test]
    fn jitter_spreads_by_at_most_a_tenth() {
        let t = next_fetch(at(0), &PollPolicy::default(), ServerHints::default(), 0, 0.99);
        let secs = (t - at(0)).get_seconds();
        assert!(secs > 15 * 60 && secs <= 15 * 60 + 90, "{secs}");
    }
}
