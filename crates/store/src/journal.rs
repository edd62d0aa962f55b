//! The append-only journal. There is no update or delete here, and triggers refuse them in the
//! database too.

use filrouge_domain::ids::{AccountId, ClientId, JournalId, UserId};
use filrouge_domain::journal::{JournalAction, JournalEntry, NewJournalEntry};
use jiff::Timestamp;

use crate::error::{Result, StoreError};
use crate::rows::{millis, timestamp};
use crate::tx::{on_tx, Tx};

/// Which entries to list. Times bound `[from, to)`.
#[derive(Debug, Clone, Default)]
pub struct JournalQuery {
    pub client: Option<ClientId>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub action: Option<JournalAction>,
    pub user: Option<UserId>,
    pub limit: u32,
}

#[derive(sqlx::FromRow)]
struct JournalRow {
    id: i64,
    at: i64,
    user_id: Option<i64>,
    user_name: Option<String>,
    client_id: Option<i64>,
    account_id: Option<i64>,
    action: String,
    object: String,
    summary: String,
}

impl Tx {
    pub async fn append_journal(&mut self, entry: &NewJournalEntry) -> Result<JournalId> {
        let sql = "INSERT INTO journal (at, user_id, client_id, account_id, action, object, summary)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(millis(entry.at)).bind(entry.user_id.map(|u| u.0)).bind(entry.client_id.map(|c| c.0))
            .bind(entry.account_id.map(|a| a.0)).bind(entry.action.as_str()).bind(&entry.object).bind(&entry.summary)
            .fetch_one(c).await)?;
        Ok(JournalId(id))
    }

    /// Entries matching the query, newest first.
    pub async fn journal(&mut self, q: &JournalQuery) -> Result<Vec<JournalEntry>> {
        // Absent filters bind NULL and match everything: one statement, one plan per engine.
        let sql = "SELECT j.id, j.at, j.user_id, u.name AS user_name, j.client_id, j.account_id, j.action, j.object, j.summary
                   FROM journal j LEFT JOIN users u ON u.id = j.user_id
                   WHERE ($1 IS NULL OR j.client_id = $1)
                     AND ($2 IS NULL OR j.at >= $2)
                     AND ($3 IS NULL OR j.at < $3)
                     AND ($4 IS NULL OR j.action = $4)
                     AND ($5 IS NULL OR j.user_id = $5)
                   ORDER BY j.at DESC, j.id DESC
                   LIMIT $6";
        let limit = i64::from(if q.limit == 0 { 500 } else { q.limit });
        let rows: Vec<JournalRow> = on_tx!(self, c => sqlx::query_as(sql)
            .bind(q.client.map(|c| c.0)).bind(q.from.map(millis)).bind(q.to.map(millis))
            .bind(q.action.map(JournalAction::as_str)).bind(q.user.map(|u| u.0)).bind(limit)
            .fetch_all(c).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(JournalEntry {
                    id: JournalId(r.id),
                    at: timestamp(r.at)?,
                    user_id: r.user_id.map(UserId),
                    user_name: r.user_name,
                    client_id: r.client_id.map(ClientId),
                    account_id: r.account_id.map(AccountId),
                    action: JournalAction::parse(&r.action)
                        .ok_or_else(|| StoreError::Corrupt(format!("journal.action '{}'", r.action)))?,
                    object: r.object,
                    summary: r.summary,
                })
            })
            .collect()
    }
}
