//! The limits a query must respect, so parsing and matching stay fast on any input.

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 4096;
/// Deepest nesting of parentheses, `NOT`s and exclusions.
pub const MAX_DEPTH: usize = 32;
/// Most terms (words, phrases, hashtags, mentions, field values) in one query.
pub const MAX_TERMS: usize = 500;
/// Most wildcard words (`*` or `?`) in one query.
pub const MAX_WILDCARDS: usize = 20;
/// Largest `NEAR/n` distance.
pub const MAX_NEAR: u32 = 20;
/// Letters needed before a `*`.
pub const MIN_WILDCARD_PREFIX: usize = 3;
/// Longest part of a document field that is searched, in bytes (the rest is ignored).
pub const MAX_FIELD_BYTES: usize = 256 * 1024;
/// Most occurrences of one side of a `NEAR` that are considered.
pub const MAX_NEAR_SPANS: usize = 256;
