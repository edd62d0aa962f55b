//! Opening a store from a URL, migrating it, and handing out transactions.
//!
//! SQLite gets two pools: one connection for writes (so writers queue in the process instead of
//! failing with SQLITE_BUSY) and several for reads, which WAL lets run beside the writer.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::error::{Result, StoreError};
use crate::tx::{Handle, Tx};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Pools {
    Sqlite { writer: SqlitePool, readers: SqlitePool },
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pools: Pools,
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://…`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Self> {
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(StoreError::Connect)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-8000");
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.clone())
                .await
                .map_err(StoreError::Connect)?;
            let readers = SqlitePoolOptions::new()
                .max_connections(4)
                .min_connections(0)
                .idle_timeout(Duration::from_secs(300))
                .connect_with(options.read_only(true))
                .await
                .map_err(StoreError::Connect)?;
            Ok(Self { pools: Pools::Sqlite { writer, readers } })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(StoreError::Connect)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(StoreError::Connect)?;
            Ok(Self { pools: Pools::Postgres(pool) })
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub fn engine(&self) -> Engine {
        match self.pools {
            Pools::Sqlite { .. } => Engine::Sqlite,
            Pools::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await.unwrap_or(0);
        match &self.pools {
            Pools::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await?,
            Pools::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        let after = self.applied_migrations().await?;
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize> {
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let n: i64 = match &self.pools {
            Pools::Sqlite { readers, .. } => sqlx::query_scalar(sql).fetch_one(readers).await?,
            Pools::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
        };
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// A connection for reading, without a transaction: each statement sees the last commit. The
    /// cheapest way to read (no BEGIN/ROLLBACK round trips); use [`Store::snapshot`] when several
    /// reads must agree with each other. On SQLite it runs beside the writer.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite { readers, .. } => Tx::Sqlite(Handle::Connection(readers.acquire().await?)),
            Pools::Postgres(pool) => Tx::Postgres(Handle::Connection(pool.acquire().await?)),
        })
    }

    /// A read transaction: every read in it sees the same state (exports, backups checks).
    pub async fn snapshot(&self) -> Result<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite { readers, .. } => Tx::Sqlite(Handle::Transaction(readers.begin().await?)),
            Pools::Postgres(pool) => Tx::Postgres(Handle::Transaction(pool.begin().await?)),
        })
    }

    /// A transaction for changing data. On SQLite writers take turns on one connection.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite { writer, .. } => Tx::Sqlite(Handle::Transaction(writer.begin().await?)),
            Pools::Postgres(pool) => Tx::Postgres(Handle::Transaction(pool.begin().await?)),
        })
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { readers, .. } => sqlx::query("SELECT 1").execute(readers).await?.rows_affected(),
            Pools::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await?.rows_affected(),
        };
        Ok(())
    }

    /// Writes a consistent snapshot of a SQLite database to `path` while it is in use
    /// (`VACUUM INTO`). PostgreSQL is backed up with `pg_dump` (see docs/operations.md).
    pub async fn backup_sqlite(&self, path: &std::path::Path) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { readers, .. } => {
                let target = path.to_str().ok_or_else(|| StoreError::Corrupt("backup path is not UTF-8".into()))?;
                sqlx::query("VACUUM INTO $1").bind(target).execute(readers).await?;
                Ok(())
            }
            Pools::Postgres(_) => Err(StoreError::UnsupportedUrl("backup of PostgreSQL: use pg_dump".into())),
        }
    }

    /// Closes every connection (at shutdown; SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { writer, readers } => {
                readers.close().await;
                writer.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// A URL with its password hidden, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
