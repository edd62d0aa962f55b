//! Throwaway SQLite databases: a file in a fresh temporary directory, removed when dropped.

/// A SQLite database file that lives as long as this value.
#[derive(Debug)]
pub struct TempSqlite {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl TempSqlite {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let url = format!("sqlite://{}", dir.path().join("filrouge.db").display());
        Self { dir, url }
    }
}

impl Default for TempSqlite {
    fn default() -> Self {
        Self::new()
    }
}
