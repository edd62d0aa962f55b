//! Behaviour of the composer's rules through the public API, with French and English posts and images encoded in
//! memory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod card;
mod checks;
mod counting;
mod facets;
mod fixtures;
mod media;
mod preview;
