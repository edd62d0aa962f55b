//! The crate's errors: what can go wrong when an `Analyzer` is built.
use thiserror::Error;

/// Why an `Analyzer` could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnalysisError {
    /// A configured language code is not one this crate knows (ISO 639-1, e.g. "fr").
    #[error("unsupported language code {0:?}")]
    UnsupportedLanguage(String),
    /// The list of configured languages is empty.
    #[error("no language configured")]
    NoLanguage,
    /// An embedded data file has a malformed line (a bug caught by the crate's tests).
    #[error("malformed line {line} in embedded data file {file}")]
    BadData { file: &'static str, line: usize },
}
