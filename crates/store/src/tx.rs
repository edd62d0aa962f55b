//! The transaction type every storage operation runs in, and the macro that runs one SQL text on
//! either engine.

use sqlx::{Postgres, Sqlite};

use crate::error::Result;

/// An open transaction on one of the two engines. Dropping it without [`Tx::commit`] rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
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
                let $conn = &mut **t;
                $body
            }
            $crate::tx::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
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
