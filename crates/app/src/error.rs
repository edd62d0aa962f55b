//! The error every use-case returns, in terms a caller maps to an answer (HTTP status, exit code).

use filrouge_domain::Invalid;
use filrouge_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not there, or not visible to this user (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// Visible, but this user may not do this.
    #[error("not allowed")]
    Forbidden,
    /// No valid session.
    #[error("not signed in")]
    Unauthenticated,
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Workspace(#[from] crate::workspace::WorkspaceError),
    #[error("secret store: {0}")]
    Crypto(String),
    #[error("search index: {0}")]
    Search(#[from] filrouge_search::SearchError),
    /// A fetch or a parse of something from the internet failed; the text says why.
    #[error("{0}")]
    Remote(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => AppError::Conflict(what),
            other => AppError::Store(other),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
