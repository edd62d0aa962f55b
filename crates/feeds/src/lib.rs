//! Feeds without IO: bytes in, normalised and sanitised items out. Everything here treats its input
//! as hostile (any byte sequence may arrive) and never panics on it.

pub mod canonical;
pub mod dates;
mod discover;
mod encoding;
pub mod escape;
mod fast;
pub mod neardup;
pub mod opml;
mod parse;
mod recover;
pub mod sanitize;

pub use discover::{discover, DiscoveredFeed};
pub use parse::parse;

/// How to read one feed document.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The URL the feed was fetched from: the last resort for resolving relative links.
    pub base_url: Option<url::Url>,
    /// The HTTP `Content-Type` header, for its `charset` (it wins over the XML declaration, not over a BOM).
    pub content_type: Option<String>,
    /// Items beyond this many are dropped (with a warning).
    pub max_items: usize,
    /// Per item: the plain text is cut to this many bytes (on a char boundary), the HTML source to twice that.
    pub max_text_bytes: usize,
    /// Documents larger than this are refused with [`FeedError::TooLarge`] before any work.
    pub max_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            base_url: None,
            content_type: None,
            max_items: 500,
            max_text_bytes: 64 * 1024,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// The format a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum FeedKind {
    #[serde(rename = "rss0.9x")]
    Rss09x,
    #[serde(rename = "rss1")]
    Rss1,
    #[serde(rename = "rss2")]
    Rss2,
    #[serde(rename = "atom")]
    Atom,
    #[serde(rename = "json")]
    Json,
}

impl FeedKind {
    /// The name used in JSON output (`rss0.9x`, `rss1`, `rss2`, `atom`, `json`).
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Rss09x => "rss0.9x",
            FeedKind::Rss1 => "rss1",
            FeedKind::Rss2 => "rss2",
            FeedKind::Atom => "atom",
            FeedKind::Json => "json",
        }
    }
}

/// One feed, normalised whatever its format.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParsedFeed {
    pub kind: FeedKind,
    /// Plain text.
    pub title: Option<String>,
    /// The site the feed belongs to (absolute when it could be resolved).
    pub site_url: Option<String>,
    /// Plain text.
    pub description: Option<String>,
    pub language: Option<String>,
    pub ttl_minutes: Option<u32>,
    pub items: Vec<FeedItem>,
    /// The document was damaged: the items before the break were kept, the rest lost (see `warnings`).
    pub recovered: bool,
    pub warnings: Vec<String>,
    /// The character encoding the document was read in (WHATWG name, e.g. `UTF-8`, `windows-1252`).
    pub encoding: String,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeedItem {
    /// guid/id, else the URL, else a hash of title and date (stable across runs).
    pub id: String,
    /// Absolute when it could be resolved.
    pub url: Option<String>,
    /// Plain text.
    pub title: Option<String>,
    pub author: Option<Author>,
    /// UTC.
    pub published: Option<jiff::Timestamp>,
    pub updated: Option<jiff::Timestamp>,
    /// Sanitised HTML (safe to insert in a page).
    pub html: String,
    /// The same content as plain text.
    pub text: String,
    pub language: Option<String>,
    pub categories: Vec<String>,
}

/// Who wrote an item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Author {
    pub name: Option<String>,
    pub email: Option<String>,
    pub uri: Option<String>,
}

/// Why a document gave no feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The document is readable but is not a feed (an HTML page, an unknown XML vocabulary, empty input).
    #[error("not a feed: {reason}")]
    NotAFeed { reason: String },
    /// The document is damaged before anything usable (line and column count in the decoded text, from 1).
    #[error("malformed feed at line {line}, column {column}: {message}")]
    Malformed { line: u64, column: u64, message: String },
    /// The document is larger than `ParseOptions::max_bytes`.
    #[error("feed too large: {size} bytes, the limit is {max}")]
    TooLarge { size: usize, max: usize },
}
