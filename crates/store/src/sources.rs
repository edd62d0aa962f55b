//! Listening sources of each client and their health as the poller records it.

use filrouge_domain::ids::{ClientId, SourceId};
use filrouge_domain::source::{FetchStatus, Source, SourceHealth, SourceKind, SourceSpec, SourceStatus};
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, parsed, timestamp};
use crate::tx::{on_tx, Tx};

#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    client_id: i64,
    kind: String,
    name: String,
    url: String,
    query: String,
    status: String,
    created_at: i64,
    last_fetch: Option<i64>,
    last_status: Option<String>,
    last_error: Option<String>,
    next_fetch: i64,
    consecutive_failures: i64,
    mentions_total: i64,
    etag: Option<String>,
    last_modified: Option<String>,
    cursor: Option<String>,
}

impl SourceRow {
    fn into_source(self) -> Result<Source> {
        Ok(Source {
            id: SourceId(self.id),
            client_id: ClientId(self.client_id),
            spec: SourceSpec {
                kind: parsed("sources.kind", SourceKind::parse(&self.kind))?,
                name: self.name,
                url: self.url,
                query: self.query,
            },
            status: parsed("sources.status", SourceStatus::parse(&self.status))?,
            created_at: timestamp(self.created_at)?,
            health: SourceHealth {
                last_fetch: self.last_fetch.map(timestamp).transpose()?,
                last_status: self.last_status.as_deref().and_then(FetchStatus::parse),
                last_error: self.last_error,
                next_fetch: Some(timestamp(self.next_fetch)?),
                consecutive_failures: u32::try_from(self.consecutive_failures).unwrap_or(u32::MAX),
                mentions_total: u64::try_from(self.mentions_total).unwrap_or(0),
                etag: self.etag,
                last_modified: self.last_modified,
                cursor: self.cursor,
            },
        })
    }
}

const SOURCE_COLUMNS: &str = "id, client_id, kind, name, url, query, status, created_at, last_fetch, last_status, \
     last_error, next_fetch, consecutive_failures, mentions_total, etag, last_modified, cursor";

/// What one fetch of a source found out, to record on it.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchRecord {
    pub at: Timestamp,
    pub status: FetchStatus,
    pub error: Option<String>,
    pub next_fetch: Timestamp,
    pub consecutive_failures: u32,
    /// Validators and cursor to keep; `None` keeps the stored one.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<String>,
    /// A permanent redirect moved the feed: its new address.
    pub moved_to: Option<String>,
}

impl Tx {
    /// Adds a source; `None` when the client already has the same one.
    pub async fn insert_source(
        &mut self,
        client: ClientId,
        spec: &SourceSpec,
        status: SourceStatus,
        now: Timestamp,
    ) -> Result<Option<SourceId>> {
        let sql = "INSERT INTO sources (client_id, kind, name, url, query, status, created_at, next_fetch)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING RETURNING id";
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(client.0).bind(spec.kind.as_str()).bind(&spec.name).bind(&spec.url).bind(&spec.query)
            .bind(status.as_str()).bind(millis(now))
            .fetch_optional(c).await)?;
        Ok(id.map(SourceId))
    }

    pub async fn sources_of(&mut self, client: ClientId) -> Result<Vec<Source>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE client_id = $1 ORDER BY kind, name, id");
        let rows: Vec<SourceRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).fetch_all(c).await)?;
        rows.into_iter().map(SourceRow::into_source).collect()
    }

    /// A source of this client; `None` when missing or another client's.
    pub async fn source(&mut self, client: ClientId, id: SourceId) -> Result<Option<Source>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = $1 AND client_id = $2");
        let row: Option<SourceRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).bind(client.0).fetch_optional(c).await)?;
        row.map(SourceRow::into_source).transpose()
    }

    /// A source by id alone, for the poller (which works for every client).
    pub async fn source_by_id(&mut self, id: SourceId) -> Result<Option<Source>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = $1");
        let row: Option<SourceRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await)?;
        row.map(SourceRow::into_source).transpose()
    }

    /// Every active source of clients that are not archived.
    pub async fn active_sources(&mut self) -> Result<Vec<Source>> {
        let sql = format!(
            "SELECT {} FROM sources s JOIN clients c ON c.id = s.client_id
             WHERE s.status = 'active' AND NOT c.archived ORDER BY s.id",
            SOURCE_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows: Vec<SourceRow> = on_tx!(self, c => sqlx::query_as(&sql).fetch_all(c).await)?;
        rows.into_iter().map(SourceRow::into_source).collect()
    }

    /// Active sources of clients that are not archived, due at `now`, soonest first.
    pub async fn due_sources(&mut self, now: Timestamp, limit: u32) -> Result<Vec<Source>> {
        let sql = format!(
            "SELECT {} FROM sources s JOIN clients c ON c.id = s.client_id
             WHERE s.status = 'active' AND s.next_fetch <= $1 AND NOT c.archived
             ORDER BY s.next_fetch LIMIT $2",
            SOURCE_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows: Vec<SourceRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(millis(now)).bind(i64::from(limit)).fetch_all(c).await)?;
        rows.into_iter().map(SourceRow::into_source).collect()
    }

    /// Changes what a source reads. Validators and cursor are reset (they belonged to the old
    /// address) and it is due at once. `false` when the client already has an identical source.
    pub async fn update_source_spec(&mut self, id: SourceId, spec: &SourceSpec, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE sources SET kind = $2, name = $3, url = $4, query = $5, etag = NULL, last_modified = NULL,
                   cursor = NULL, next_fetch = $6, consecutive_failures = 0
                   WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM sources o WHERE o.client_id = sources.client_id
                     AND o.id <> $1 AND o.kind = $2 AND o.url = $4 AND o.query = $5)";
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(id.0).bind(spec.kind.as_str()).bind(&spec.name).bind(&spec.url).bind(&spec.query).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Pauses or resumes; a resumed source is due at once.
    pub async fn set_source_status(&mut self, id: SourceId, status: SourceStatus, now: Timestamp) -> Result<()> {
        let sql = "UPDATE sources SET status = $2,
                   next_fetch = CASE WHEN $2 = 'active' THEN $3 ELSE next_fetch END WHERE id = $1";
        on_tx!(self, c => sqlx::query(sql).bind(id.0).bind(status.as_str()).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Makes a source due now (the "fetch now" button).
    pub async fn make_source_due(&mut self, id: SourceId, now: Timestamp) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE sources SET next_fetch = $2 WHERE id = $1")
            .bind(id.0).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Removes a source. The mentions it brought stay in the client's archive.
    pub async fn delete_source(&mut self, id: SourceId) -> Result<()> {
        on_tx!(self, c => sqlx::query("DELETE FROM sources WHERE id = $1")
            .bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Records the outcome of a fetch. A permanent redirect updates the address unless the client
    /// already has a source at the new address.
    pub async fn record_fetch(&mut self, id: SourceId, r: &FetchRecord) -> Result<()> {
        let sql = "UPDATE sources SET last_fetch = $2, last_status = $3, last_error = $4, next_fetch = $5,
                   consecutive_failures = $6,
                   etag = COALESCE($7, etag), last_modified = COALESCE($8, last_modified),
                   cursor = COALESCE($9, cursor) WHERE id = $1";
        on_tx!(self, c => sqlx::query(sql)
            .bind(id.0).bind(millis(r.at)).bind(r.status.as_str()).bind(r.error.as_deref())
            .bind(millis(r.next_fetch)).bind(i64::from(r.consecutive_failures))
            .bind(r.etag.as_deref()).bind(r.last_modified.as_deref()).bind(r.cursor.as_deref())
            .execute(c).await.map(|r| r.rows_affected()))?;
        if let Some(url) = &r.moved_to {
            let sql = "UPDATE sources SET url = $2 WHERE id = $1
                       AND NOT EXISTS (SELECT 1 FROM sources o WHERE o.client_id = sources.client_id
                         AND o.id <> $1 AND o.kind = sources.kind AND o.url = $2 AND o.query = sources.query)";
            on_tx!(self, c => sqlx::query(sql).bind(id.0).bind(url)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Records many "not modified" fetches in one statement (the bulk of a poll cycle): each
    /// `(source, fetched at, next fetch)`. Validators and cursor stay as they are.
    pub async fn record_unchanged(&mut self, rows: &[(SourceId, Timestamp, Timestamp)]) -> Result<()> {
        for chunk in rows.chunks(300) {
            let values = self.rows_of(chunk.len(), 3, Some("BIGINT"));
            // UPDATE … FROM (SQLite ≥ 3.33, PostgreSQL): one join on the key; correlated subqueries
            // instead made each batch quadratic (measured).
            let sql = format!(
                "WITH v(id, at, next) AS (VALUES {values})
                 UPDATE sources SET last_status = 'not_modified', last_error = NULL, consecutive_failures = 0,
                   last_fetch = v.at, next_fetch = v.next
                 FROM v WHERE sources.id = v.id"
            );
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql);
                for (id, at, next) in chunk {
                    q = q.bind(id.0).bind(millis(*at)).bind(millis(*next));
                }
                q.execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}
