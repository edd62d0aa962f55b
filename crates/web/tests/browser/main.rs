//! Browser tests: the real server on a free port, driven by headless Chromium through
//! chromedriver. They check what only a browser sees: forms that really submit, cookies that
//! really stick, redirects that really land, and layout on a phone-sized window.
//!
//! Each test starts its own app, database, chromedriver and browser (a few seconds each), so
//! there are few of them and each covers a whole journey. Without /usr/bin/chromium and
//! /usr/bin/chromedriver they are skipped, except under `CI=true` where they fail.

// Test support outside `#[test]` functions (the harness, shared checks): clippy.toml allows
// these in tests, but only sees `#[test]` bodies as tests. Failing loudly is the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;
#[path = "../shared/inbox_net.rs"]
mod inbox_net;
#[path = "../shared/seed.rs"]
mod seed;

mod approval;
mod inbox;
mod journeys;
mod layout;
mod media;
mod media_variants;
mod oauth;
