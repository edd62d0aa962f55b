//! Feeds without IO: bytes in, normalised and sanitised items out. Everything here treats its input
//! as hostile (any byte sequence may arrive) and never panics on it.

pub mod sanitize;
