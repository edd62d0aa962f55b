//! Integration tests of the use-cases: real storage (a throwaway SQLite file), a clock the tests
//! move by hand, a fresh secret key per test, and actors built through real sign-ins so that
//! their memberships are the stored ones.
//!
//! The modules are marked `cfg(test)` (always true here) so that clippy treats the helpers
//! outside `#[test]` functions as test code, as clippy.toml intends for unwrap, expect and panic.

#[cfg(test)]
mod accounts;
#[cfg(test)]
mod auth;
#[cfg(test)]
mod clients;
#[cfg(test)]
mod helpers;
#[cfg(test)]
mod import;
#[cfg(test)]
mod inbox;
#[cfg(test)]
mod inbox_bluesky;
#[cfg(test)]
mod inbox_peers;
#[cfg(test)]
mod instance_limits;
#[cfg(test)]
mod journal;
#[cfg(test)]
mod listening;
#[cfg(test)]
mod media;
#[cfg(test)]
mod permissions;
#[cfg(test)]
mod posts;
#[cfg(test)]
mod publishing;
#[cfg(test)]
mod publishing_faults;
#[cfg(test)]
mod veille;
#[cfg(test)]
mod workspace;
