//! Integration tests of the web app: one binary, one module per concern.

// Tests: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
#[path = "../shared/inbox_net.rs"]
mod inbox_net;
#[path = "../shared/seed.rs"]
mod seed;

mod authorization;
mod import;
mod inbox;
mod media;
mod media_variants;
mod oauth;
mod pages;
mod posts;
mod publishing;
mod security;
