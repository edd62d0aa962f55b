//! Test support shared by every crate's tests: throwaway databases on both engines and the rule
//! that, under `CI=true`, a missing component fails the test instead of skipping it.

// Test support: failing loudly is its job.
#![allow(clippy::panic)]

pub mod bluesky;
pub mod mastodon;
pub mod postgres;
pub mod smtp;
pub mod sqlite;

/// Whether we run in CI, where every real component must be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Called when a real component a test needs is missing: fails under CI, otherwise tells why the
/// test does nothing and returns.
pub fn missing_component(what: &str) {
    assert!(!in_ci(), "CI=true and a required test component is missing: {what}");
    eprintln!("SKIPPED (not in CI): {what}");
}
