//! The mentions search index: a derived, rebuildable tantivy index of the veille's mentions, one per data directory.
//!
//! The database is the source of truth; this index is a cache that the application keeps up to date by tailing
//! the database and recording how far it got as a *watermark* in each commit. One process writes an index
//! directory; any number of readers search it. Every search is scoped to one client: a mention is visible to a
//! client only if that client's id is among the mention's `client_ids`.
//!
//! Only `mention_id` is stored; the texts are indexed (accent-, case- and ligature-insensitive, no stemming) but
//! the content itself lives in the database.

mod collect;
mod error;
mod guard;
mod index;
mod query;
mod schema;

pub use error::SearchError;
pub use index::{IndexWriter, MentionIndex};
pub use query::{parse_user_text, TextClause};
pub use schema::SCHEMA_VERSION;

/// One mention as the index sees it. `client_ids` lists every client the mention was found for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexDoc {
    pub mention_id: i64,
    pub client_ids: Vec<i64>,
    /// `rss`, `bluesky`, `mastodon`, …; compared lowercase.
    pub source_kind: String,
    pub source_ids: Vec<i64>,
    /// The host, e.g. `blog.example.com`; compared lowercase.
    pub site: String,
    pub author: String,
    /// A language tag such as `fr` or `en`, compared lowercase; `None` when unknown.
    pub lang: Option<String>,
    /// `positive`, `negative`, `neutral`; `None` when not analysed.
    pub sentiment: Option<String>,
    /// `question`, `complaint`, `praise`, `spam`, `other`; `None` when not analysed.
    pub intent: Option<String>,
    pub title: String,
    pub text: String,
    /// Milliseconds since the epoch, UTC.
    pub published_ms: i64,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Most recently published first (ties: higher mention id first).
    #[default]
    Newest,
    /// Oldest first (ties: lower mention id first).
    Oldest,
    /// Best text match first (BM25); without text, the same as `Newest`.
    Relevance,
}

/// A search within one client's mentions. Empty lists and `None` mean "no filter on that".
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SearchQuery {
    /// Always required: the isolation between clients.
    pub client_id: i64,
    /// The user's words: terms are AND-ed, `"an exact phrase"`, `-excluded` (also `-"a phrase"`). Never a syntax
    /// error: malformed input degrades to plain terms, and words with nothing searchable (emoji, punctuation)
    /// are ignored.
    pub text: Option<String>,
    /// Published at or after this time (ms, UTC).
    pub from_ms: Option<i64>,
    /// Published strictly before this time (ms, UTC).
    pub to_ms: Option<i64>,
    /// Source kinds, any of (`rss`, `bluesky`, …).
    pub sources: Vec<String>,
    /// Languages, any of.
    pub langs: Vec<String>,
    /// Authors, any of, exactly as indexed (as the author facet shows them).
    pub authors: Vec<String>,
    /// Sentiments, any of.
    #[serde(default)]
    pub sentiments: Vec<String>,
    /// Intents, any of.
    #[serde(default)]
    pub intents: Vec<String>,
    /// Sites, any of; `example.com` matches `example.com` and every subdomain such as `blog.example.com`.
    pub sites: Vec<String>,
    pub sort: Sort,
    pub offset: usize,
    /// How many hits to return; 0 returns only the total, facets and histogram.
    pub limit: usize,
    /// Whether to compute the facets (over the whole filtered result set).
    pub facets: bool,
    /// Strictly increasing bucket start times (ms); bucket `i` counts mentions published in
    /// `[buckets[i], buckets[i + 1])`, the last one is open-ended (up to `to_ms`). Mentions before the first start are
    /// not counted. Empty: no histogram.
    pub histogram_buckets: Vec<i64>,
}

/// One hit: the mention and its relevance score (0 unless sorted by relevance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub mention_id: i64,
    pub score: f32,
}

/// The most frequent values of each facet in the whole filtered result set: at most [`FACET_SIZE`] each, by count
/// descending, then by value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    pub sources: Vec<(String, u64)>,
    pub langs: Vec<(String, u64)>,
    pub sites: Vec<(String, u64)>,
    pub authors: Vec<(String, u64)>,
    pub sentiments: Vec<(String, u64)>,
    pub intents: Vec<(String, u64)>,
}

/// How many values each facet lists.
pub const FACET_SIZE: usize = 20;

/// The deepest page: `offset + limit` may not exceed this.
pub const MAX_WINDOW: usize = 10_000;

/// What a search found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResult {
    /// How many mentions match, whatever the page.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Empty unless asked for.
    pub facets: Facets,
    /// One count per bucket of `histogram_buckets`.
    pub histogram: Vec<u64>,
}
