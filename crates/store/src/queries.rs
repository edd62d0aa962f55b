//! Listening queries of each client, the book version every change bumps (so each process knows
//! when to rebuild its matcher), and the matches (hits) of queries on mentions.

use filrouge_domain::ids::{ClientId, HitId, MentionId, QueryId};
use filrouge_domain::listening_query::{AlertMode, ListeningQuery, QueryDraft, QueryHit};
use filrouge_domain::user::Email;
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, parsed, timestamp};
use crate::tx::{on_tx, Tx};

#[derive(sqlx::FromRow)]
struct QueryRow {
    id: i64,
    client_id: i64,
    name: String,
    query: String,
    active: bool,
    alert: String,
    recipients: String,
    has_feed: bool,
    created_at: i64,
    updated_at: i64,
}

impl QueryRow {
    fn into_query(self) -> Result<ListeningQuery> {
        let alert = AlertMode::parse(&self.alert)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("listening_queries.alert: {}", self.alert)))?;
        let recipients = self
            .recipients
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| parsed("listening_queries.recipients", Email::parse(r)))
            .collect::<Result<Vec<_>>>()?;
        Ok(ListeningQuery {
            id: QueryId(self.id),
            client_id: ClientId(self.client_id),
            name: self.name,
            query: self.query,
            active: self.active,
            alert,
            recipients,
            has_feed: self.has_feed,
            created_at: timestamp(self.created_at)?,
            updated_at: timestamp(self.updated_at)?,
        })
    }
}

const QUERY_COLUMNS: &str = "id, client_id, name, query, active, alert, recipients, \
     feed_token_hash IS NOT NULL AS has_feed, created_at, updated_at";

fn recipients_column(draft: &QueryDraft) -> String {
    draft.recipients.iter().map(Email::as_str).collect::<Vec<_>>().join(",")
}

/// An active query as the matcher needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveQuery {
    pub id: QueryId,
    pub client_id: ClientId,
    pub query: String,
    pub alert: AlertMode,
    /// Whether instant alerts have somewhere to go by e-mail.
    pub has_recipients: bool,
}

/// A match about to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewHit {
    pub query_id: QueryId,
    pub mention_id: MentionId,
    pub client_id: ClientId,
    /// When the mention was published (hits per day count by this).
    pub published: Timestamp,
    pub live: bool,
}

impl Tx {
    /// The version of the set of queries: it moves whenever any query changes.
    pub async fn query_book_version(&mut self) -> Result<i64> {
        let v: i64 =
            on_tx!(self, c => sqlx::query_scalar("SELECT version FROM query_book WHERE id = 1").fetch_one(c).await)?;
        Ok(v)
    }

    async fn bump_query_book(&mut self) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE query_book SET version = version + 1 WHERE id = 1")
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Adds a query; `None` when the client already has one of that name.
    pub async fn insert_query(
        &mut self,
        client: ClientId,
        draft: &QueryDraft,
        now: Timestamp,
    ) -> Result<Option<QueryId>> {
        let sql =
            "INSERT INTO listening_queries (client_id, name, query, active, alert, recipients, created_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (client_id, name) DO NOTHING RETURNING id";
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(client.0).bind(&draft.name).bind(&draft.query).bind(draft.active).bind(draft.alert.as_str())
            .bind(recipients_column(draft)).bind(millis(now))
            .fetch_optional(c).await)?;
        if id.is_some() {
            self.bump_query_book().await?;
        }
        Ok(id.map(QueryId))
    }

    /// Replaces a query's fields; false when the client has no such query. A name already used by
    /// another query of the client is a unique violation (the caller checks first).
    pub async fn update_query(
        &mut self,
        client: ClientId,
        id: QueryId,
        draft: &QueryDraft,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = "UPDATE listening_queries SET name = $3, query = $4, active = $5, alert = $6, recipients = $7,
                   updated_at = $8, next_digest_at = CASE WHEN alert = $6 THEN next_digest_at ELSE NULL END
                   WHERE id = $1 AND client_id = $2";
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(id.0).bind(client.0).bind(&draft.name).bind(&draft.query).bind(draft.active)
            .bind(draft.alert.as_str()).bind(recipients_column(draft)).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n > 0 {
            self.bump_query_book().await?;
        }
        Ok(n > 0)
    }

    /// Removes a query and its matches; false when the client has no such query.
    pub async fn delete_query(&mut self, client: ClientId, id: QueryId) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query("DELETE FROM listening_queries WHERE id = $1 AND client_id = $2")
            .bind(id.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        if n > 0 {
            self.bump_query_book().await?;
        }
        Ok(n > 0)
    }

    pub async fn query(&mut self, client: ClientId, id: QueryId) -> Result<Option<ListeningQuery>> {
        let sql = format!("SELECT {QUERY_COLUMNS} FROM listening_queries WHERE id = $1 AND client_id = $2");
        let row: Option<QueryRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).bind(client.0).fetch_optional(c).await)?;
        row.map(QueryRow::into_query).transpose()
    }

    /// A query whatever its client (workers only: never on a person's behalf).
    pub async fn query_by_id(&mut self, id: QueryId) -> Result<Option<ListeningQuery>> {
        let sql = format!("SELECT {QUERY_COLUMNS} FROM listening_queries WHERE id = $1");
        let row: Option<QueryRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await)?;
        row.map(QueryRow::into_query).transpose()
    }

    pub async fn query_named(&mut self, client: ClientId, name: &str) -> Result<Option<ListeningQuery>> {
        let sql = format!("SELECT {QUERY_COLUMNS} FROM listening_queries WHERE client_id = $1 AND name = $2");
        let row: Option<QueryRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).bind(name).fetch_optional(c).await)?;
        row.map(QueryRow::into_query).transpose()
    }

    /// A client's queries, by name.
    pub async fn queries(&mut self, client: ClientId) -> Result<Vec<ListeningQuery>> {
        let sql = format!("SELECT {QUERY_COLUMNS} FROM listening_queries WHERE client_id = $1 ORDER BY name, id");
        let rows: Vec<QueryRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).fetch_all(c).await)?;
        rows.into_iter().map(QueryRow::into_query).collect()
    }

    /// Every active query of every (non-archived) client.
    pub async fn active_queries(&mut self) -> Result<Vec<ActiveQuery>> {
        let sql = "SELECT q.id, q.client_id, q.query, q.alert, q.recipients FROM listening_queries q
                   JOIN clients c ON c.id = q.client_id
                   WHERE q.active AND NOT c.archived ORDER BY q.id";
        let rows: Vec<(i64, i64, String, String, String)> = on_tx!(self, c => sqlx::query_as(sql).fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, client, query, alert, recipients)| ActiveQuery {
                id: QueryId(id),
                client_id: ClientId(client),
                query,
                alert: AlertMode::parse(&alert).unwrap_or_default(),
                has_recipients: !recipients.is_empty(),
            })
            .collect())
    }

    /// Sets (or, with `None`, revokes) the hash of the query's private feed token.
    pub async fn set_query_feed(&mut self, client: ClientId, id: QueryId, token_hash: Option<&str>) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE listening_queries SET feed_token_hash = $3 WHERE id = $1 AND client_id = $2")
            .bind(id.0).bind(client.0).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// The query whose private feed token has this hash.
    pub async fn query_by_feed(&mut self, token_hash: &str) -> Result<Option<ListeningQuery>> {
        let sql = format!("SELECT {QUERY_COLUMNS} FROM listening_queries WHERE feed_token_hash = $1");
        let row: Option<QueryRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(token_hash).fetch_optional(c).await)?;
        row.map(QueryRow::into_query).transpose()
    }

    /// Stores matches, once each; returns the new ones as (hit, query).
    pub async fn insert_hits(&mut self, hits: &[NewHit], now: Timestamp) -> Result<Vec<(HitId, QueryId)>> {
        let mut out = Vec::new();
        for chunk in hits.chunks(500) {
            let sql = format!(
                "INSERT INTO query_hits (query_id, mention_id, client_id, matched_at, published, live) VALUES {}
                 ON CONFLICT (query_id, mention_id) DO NOTHING RETURNING id, query_id",
                self.rows_of(chunk.len(), 6, None)
            );
            let rows: Vec<(i64, i64)> = on_tx!(self, c => {
                let mut q = sqlx::query_as(&sql);
                for h in chunk {
                    q = q.bind(h.query_id.0).bind(h.mention_id.0).bind(h.client_id.0).bind(millis(now))
                        .bind(millis(h.published)).bind(h.live);
                }
                q.fetch_all(c).await
            })?;
            out.extend(rows.into_iter().map(|(h, q)| (HitId(h), QueryId(q))));
        }
        Ok(out)
    }

    /// Forgets a query's matches (its text changed: they are found again).
    pub async fn delete_hits(&mut self, query: QueryId) -> Result<u64> {
        let n = on_tx!(self, c => sqlx::query("DELETE FROM query_hits WHERE query_id = $1")
            .bind(query.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// (query, publication time) of a client's matches published since `since`: the hits per day.
    pub async fn hit_times(&mut self, client: ClientId, since: Timestamp) -> Result<Vec<(QueryId, Timestamp)>> {
        let sql = "SELECT query_id, published FROM query_hits WHERE client_id = $1 AND published >= $2";
        let rows: Vec<(i64, i64)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(client.0).bind(millis(since)).fetch_all(c).await)?;
        rows.into_iter().map(|(q, p)| Ok((QueryId(q), timestamp(p)?))).collect()
    }

    /// How many matches each of a client's queries has in all.
    pub async fn hit_totals(&mut self, client: ClientId) -> Result<Vec<(QueryId, u64)>> {
        let sql = "SELECT query_id, COUNT(*) FROM query_hits WHERE client_id = $1 GROUP BY query_id";
        let rows: Vec<(i64, i64)> = on_tx!(self, c => sqlx::query_as(sql).bind(client.0).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(q, n)| (QueryId(q), u64::try_from(n).unwrap_or(0))).collect())
    }

    /// A query's latest matches, newest match first.
    pub async fn latest_hits(&mut self, query: QueryId, limit: u32) -> Result<Vec<QueryHit>> {
        let sql = "SELECT id, query_id, mention_id, client_id, matched_at, live FROM query_hits
                   WHERE query_id = $1 ORDER BY id DESC LIMIT $2";
        let rows: Vec<HitRow> =
            on_tx!(self, c => sqlx::query_as(sql).bind(query.0).bind(i64::from(limit)).fetch_all(c).await)?;
        rows.into_iter().map(HitRow::into_hit).collect()
    }

    /// A query's live matches found in `[from, to)`, oldest first (a digest).
    pub async fn hits_between(
        &mut self,
        query: QueryId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<QueryHit>> {
        let sql = "SELECT id, query_id, mention_id, client_id, matched_at, live FROM query_hits
                   WHERE query_id = $1 AND live AND matched_at >= $2 AND matched_at < $3 ORDER BY id LIMIT $4";
        let rows: Vec<HitRow> = on_tx!(self, c => sqlx::query_as(sql)
            .bind(query.0).bind(millis(from)).bind(millis(to)).bind(i64::from(limit)).fetch_all(c).await)?;
        rows.into_iter().map(HitRow::into_hit).collect()
    }

    /// How many live matches a query found in `[from, to)`.
    pub async fn count_hits_between(&mut self, query: QueryId, from: Timestamp, to: Timestamp) -> Result<u64> {
        let sql =
            "SELECT COUNT(*) FROM query_hits WHERE query_id = $1 AND live AND matched_at >= $2 AND matched_at < $3";
        let n: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(query.0).bind(millis(from)).bind(millis(to)).fetch_one(c).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// These matches (those that still exist), in id order.
    pub async fn hits(&mut self, ids: &[HitId]) -> Result<Vec<QueryHit>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, query_id, mention_id, client_id, matched_at, live FROM query_hits WHERE id IN ({}) ORDER BY id",
                self.list_of(chunk.len())
            );
            let rows: Vec<HitRow> = on_tx!(self, c => {
                let mut q = sqlx::query_as(&sql);
                for id in chunk {
                    q = q.bind(id.0);
                }
                q.fetch_all(c).await
            })?;
            for row in rows {
                out.push(row.into_hit()?);
            }
        }
        Ok(out)
    }

    pub async fn hit(&mut self, id: HitId) -> Result<Option<QueryHit>> {
        let sql = "SELECT id, query_id, mention_id, client_id, matched_at, live FROM query_hits WHERE id = $1";
        let row: Option<HitRow> = on_tx!(self, c => sqlx::query_as(sql).bind(id.0).fetch_optional(c).await)?;
        row.map(HitRow::into_hit).transpose()
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct HitRow {
    id: i64,
    query_id: i64,
    mention_id: i64,
    client_id: i64,
    matched_at: i64,
    live: bool,
}

impl HitRow {
    pub(crate) fn into_hit(self) -> Result<QueryHit> {
        Ok(QueryHit {
            id: HitId(self.id),
            query_id: QueryId(self.query_id),
            mention_id: MentionId(self.mention_id),
            client_id: ClientId(self.client_id),
            matched_at: timestamp(self.matched_at)?,
            live: self.live,
        })
    }
}
