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

    /// Appends many entries in one statement per thousand (the publishing engine's outcomes).
    pub async fn append_journal_many(&mut self, entries: &[NewJournalEntry]) -> Result<()> {
        for chunk in entries.chunks(1000) {
            let sql = format!(
                "INSERT INTO journal (at, user_id, client_id, account_id, action, object, summary) VALUES {}",
                self.rows_of(chunk.len(), 7, None)
            );
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql);
                for e in chunk {
                    q = q.bind(millis(e.at)).bind(e.user_id.map(|u| u.0)).bind(e.client_id.map(|c| c.0))
                        .bind(e.account_id.map(|a| a.0)).bind(e.action.as_str()).bind(&e.object).bind(&e.summary);
                }
                q.execute(c).await.map(drop)
            })?;
        }
        Ok(())
    }

    /// Entries matching the query, newest first. Only the filters given appear in the statement,
    /// so the `(client_id, at)` index serves a client's day whatever the journal's size.
    pub async fn journal(&mut self, q: &JournalQuery) -> Result<Vec<JournalEntry>> {
        let mut conditions = Vec::new();
        let mut numbers: Vec<i64> = Vec::new();
        let mut push = |condition: &str, value: i64, conditions: &mut Vec<String>| {
            numbers.push(value);
            conditions.push(format!("{condition} ${}", numbers.len()));
        };
        if let Some(c) = q.client {
            push("j.client_id =", c.0, &mut conditions);
        }
        if let Some(from) = q.from {
            push("j.at >=", millis(from), &mut conditions);
        }
        if let Some(to) = q.to {
            push("j.at <", millis(to), &mut conditions);
        }
        if let Some(u) = q.user {
            push("j.user_id =", u.0, &mut conditions);
        }
        let action = q.action.map(JournalAction::as_str);
        if action.is_some() {
            conditions.push(format!("j.action = ${}", numbers.len() + 1));
        }
        let limit = i64::from(if q.limit == 0 { 500 } else { q.limit });
        let limit_at = numbers.len() + usize::from(action.is_some()) + 1;
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let sql = format!(
            "SELECT j.id, j.at, j.user_id, u.name AS user_name, j.client_id, j.account_id, j.action, j.object, j.summary
             FROM journal j LEFT JOIN users u ON u.id = j.user_id
             {filter}
             ORDER BY j.at DESC, j.id DESC
             LIMIT ${limit_at}"
        );
        let rows: Vec<JournalRow> = on_tx!(self, c => {
            let mut query = sqlx::query_as(&sql);
            for n in &numbers {
                query = query.bind(*n);
            }
            if let Some(a) = action {
                query = query.bind(a);
            }
            query.bind(limit).fetch_all(c).await
        })?;
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
