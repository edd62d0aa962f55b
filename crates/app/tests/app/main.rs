//! Integration tests of the use-cases: real storage (a throwaway SQLite file), a clock the tests
//! move by hand, a fresh secret key per test, and actors built through real sign-ins so that
//! their memberships are the stored ones.

mod accounts;
mod auth;
mod clients;
mod helpers;
mod journal;
mod permissions;
mod workspace;
