//! The storage error type.

/// What can go wrong in storage, in terms the application layer can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (a slug, an e-mail, an account handle already taken).
    #[error("already exists: {0}")]
    Conflict(String),
    /// A stored value could not be read back (a JSON column edited by hand, say).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database URL is not one we know.
    #[error("unsupported database URL '{0}' (expected sqlite://PATH or postgres://…)")]
    UnsupportedUrl(String),
    #[error("cannot reach the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let Some(db) = err.as_database_error() {
            if db.is_unique_violation() {
                return StoreError::Conflict(db.message().to_owned());
            }
        }
        StoreError::Database(err)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
