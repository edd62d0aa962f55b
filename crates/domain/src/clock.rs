//! Where "now" comes from: the system clock in production, a clock tests can set and move.

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

/// The source of the current time. Every "now" in Fil Rouge goes through one of these.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one allowed call: this is the clock
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved; for tests.
#[derive(Debug)]
pub struct ManualClock {
    millis: AtomicI64,
}

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self { millis: AtomicI64::new(at.as_millisecond()) }
    }
    pub fn advance(&self, by: jiff::SignedDuration) {
        self.millis.fetch_add(by.as_millis() as i64, Ordering::SeqCst);
    }
    pub fn set(&self, at: Timestamp) {
        self.millis.store(at.as_millisecond(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(self.millis.load(Ordering::SeqCst)).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start: Timestamp = "2026-03-29T00:30:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(jiff::SignedDuration::from_mins(90));
        assert_eq!(clock.now().to_string(), "2026-03-29T02:00:00Z");
    }
}
