//! Tests of the `filrouge` binary as people use it: exit codes, messages, files written.

// Tests: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod backup;
mod config;
mod crash;
mod feeds;
mod inbox;
mod posts;
mod publishing;
mod queries;
mod serve;
mod workspace;
