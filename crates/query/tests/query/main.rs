//! Behaviour of the query language and the matcher, through the public API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod errors;
mod explain;
mod fields;
mod language;
mod limits;
mod matcher;

use filrouge_query::{parse, Document};

/// A document with this text only.
pub fn text(text: &str) -> Document<'_> {
    Document { text, ..Document::default() }
}

/// Whether `query` (which must parse) matches a document with this text.
pub fn hits(query: &str, body: &str) -> bool {
    parse(query).unwrap_or_else(|e| panic!("{query:?}: {e}")).matches(&text(body))
}

/// Whether `query` (which must parse) matches `doc`.
pub fn hits_doc(query: &str, doc: &Document<'_>) -> bool {
    parse(query).unwrap_or_else(|e| panic!("{query:?}: {e}")).matches(doc)
}
