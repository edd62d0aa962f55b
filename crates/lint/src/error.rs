//! The errors of the lint crate: only building the speller can fail.

use thiserror::Error;

/// What can go wrong in `filrouge-lint`.
#[derive(Debug, Error)]
pub enum LintError {
    /// An embedded Hunspell dictionary did not parse (a bad update of `dictionaries/`).
    #[error("the {lang} dictionary does not parse: {reason}")]
    Dictionary { lang: &'static str, reason: String },
}
