//! The transaction type every storage operation runs in, and the macro that runs one SQL text on
//! either engine.

use sqlx::pool::PoolConnection;
use sqlx::{Database, Postgres, Sqlite};

use crate::error::Result;

/// An open unit of work on one of the two engines: a transaction (writes, consistent snapshots;
/// dropping it without [`Tx::commit`] rolls back) or a plain connection (single reads, which then
/// cost no BEGIN/ROLLBACK round trips).
pub enum Tx {
    Sqlite(Handle<Sqlite>),
    Postgres(Handle<Postgres>),
}

/// A transaction or a plain pooled connection.
pub enum Handle<DB: Database> {
    Transaction(sqlx::Transaction<'static, DB>),
    Connection(PoolConnection<DB>),
}

impl<DB: Database> Handle<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Transaction(t) => t,
            Handle::Connection(c) => c,
        }
    }

    async fn commit(self) -> Result<()> {
        if let Handle::Transaction(t) = self {
            t.commit().await?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tx::Sqlite(_) => f.write_str("Tx::Sqlite"),
            Tx::Postgres(_) => f.write_str("Tx::Postgres"),
        }
    }
}

/// Runs `$body` with `$conn` bound to the transaction's connection, whatever the engine. The body
/// is compiled once per engine, so the same query text and bindings serve both.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::tx::Tx::Sqlite(t) => {
                let $conn = t.conn();
                $body
            }
            $crate::tx::Tx::Postgres(t) => {
                let $conn = t.conn();
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

impl Tx {
    /// Runs raw SQL. Only for tests that check what the database itself refuses.
    #[doc(hidden)]
    pub async fn raw_execute_for_tests(&mut self, sql: &str) -> Result<()> {
        on_tx!(self, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
