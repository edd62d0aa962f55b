//! Listening queries: the Boolean query language and the matcher of all active queries.
//!
//! First cut: the public API only, so other crates can build against it; the language comes next.

use serde::Serialize;
use std::ops::Range;

/// One mention as the matcher sees it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Document<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub author_handle: &'a str,
    pub author_name: &'a str,
    pub url: &'a str,
    pub lang: Option<&'a str>,
    /// "feed", "bluesky", "mastodon".
    pub source: &'a str,
    pub sentiment: Option<&'a str>,
}

/// A parsed listening query.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<String>,
}

/// Why a query was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {column}")]
pub struct QueryError {
    message: String,
    column: usize,
}

impl QueryError {
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn column(&self) -> usize {
        self.column
    }
    pub fn caret(&self, input: &str) -> String {
        format!("{input}\n{}^", " ".repeat(self.column.saturating_sub(1)))
    }
}

/// What a query is made of, for people.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub tree: String,
    pub literals: Vec<String>,
}

/// Byte ranges of matched terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlights {
    pub title: Vec<Range<usize>>,
    pub text: Vec<Range<usize>>,
}

pub fn parse(input: &str) -> Result<Query, QueryError> {
    let words: Vec<String> = input.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Err(QueryError { message: "empty query".into(), column: 1 });
    }
    Ok(Query { words })
}

impl Query {
    pub fn matches(&self, doc: &Document<'_>) -> bool {
        let hay = format!("{} {}", doc.title, doc.text).to_lowercase();
        self.words.iter().all(|w| hay.split(|c: char| !c.is_alphanumeric()).any(|t| t == w))
    }
    pub fn explain(&self) -> Explanation {
        Explanation { tree: self.words.join("\n"), literals: self.words.clone() }
    }
    pub fn highlights(&self, _doc: &Document<'_>) -> Highlights {
        Highlights::default()
    }
}

/// All active queries in one matcher.
#[derive(Debug, Default)]
pub struct Matcher {
    queries: Vec<(u64, Query)>,
}

/// Reusable buffers, one per thread.
#[derive(Debug, Default)]
pub struct Scratch {}

impl Matcher {
    pub fn new(queries: impl IntoIterator<Item = (u64, Query)>) -> Matcher {
        let mut queries: Vec<(u64, Query)> = queries.into_iter().collect();
        queries.sort_by_key(|(id, _)| *id);
        Matcher { queries }
    }
    pub fn len(&self) -> usize {
        self.queries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }
    pub fn matches(&self, doc: &Document<'_>, _scratch: &mut Scratch, out: &mut Vec<u64>) {
        out.clear();
        for (id, q) in &self.queries {
            if q.matches(doc) && out.last() != Some(id) {
                out.push(*id);
            }
        }
    }
}
