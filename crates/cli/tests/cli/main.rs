//! Tests of the `filrouge` binary as people use it: exit codes, messages, files written.

mod helpers;

mod backup;
mod config;
mod serve;
mod workspace;
