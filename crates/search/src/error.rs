//! The errors of the search index, typed so the application can tell "rebuild me" from "try later".

use std::path::PathBuf;

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The directory holds an index of another schema version (or an unreadable one): delete it with
    /// [`crate::MentionIndex::recreate`] and re-index from the database.
    #[error("the search index at {path} has schema version {found:?}, this program needs {expected}: rebuild it")]
    NeedsRebuild { path: PathBuf, found: Option<String>, expected: u32 },
    /// Another writer (in this or another process) holds the index directory.
    #[error("another writer holds the search index")]
    WriterBusy,
    /// `recreate` refuses to delete a directory that does not look like a search index.
    #[error("{0} is not empty and does not look like a search index: refusing to delete it")]
    NotAnIndex(PathBuf),
    #[error("the search index commit payload is not a watermark: {0:?}")]
    BadWatermark(String),
    #[error("offset + limit may not exceed {max}")]
    PageTooDeep { max: usize },
    #[error("histogram buckets must be strictly increasing")]
    UnsortedBuckets,
    #[error("search index file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl SearchError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> SearchError {
        let path = path.into();
        move |source| SearchError::Io { path, source }
    }
}
