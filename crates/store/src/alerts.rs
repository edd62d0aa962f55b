//! Alert deliveries (an outbox: rows written in the transaction that found the matches, drained by
//! the mailer, retried until sent), digest schedules, and the in-app notifications with what each
//! user has read.

use filrouge_domain::ids::{ClientId, HitId, QueryId, UserId};
use filrouge_domain::listening_query::{AlertMode, QueryHit};
use jiff::Timestamp;

use crate::error::Result;
use crate::queries::HitRow;
use crate::rows::{millis, timestamp};
use crate::tx::{on_tx, Tx};

/// What an alert e-mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// One match, as it arrived.
    Instant(HitId),
    /// The query's live matches in `[from, to)`.
    Digest { from: Timestamp, to: Timestamp },
}

/// An e-mail waiting to be handed to the mail server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelivery {
    pub id: i64,
    pub query_id: QueryId,
    pub kind: DeliveryKind,
    pub created_at: Timestamp,
    pub attempts: u32,
}

/// A query whose digest is due (or not yet scheduled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestDue {
    pub query_id: QueryId,
    pub client_id: ClientId,
    pub alert: AlertMode,
    pub time_zone: String,
    pub next_digest_at: Option<Timestamp>,
    pub digest_until: Option<Timestamp>,
}

impl Tx {
    /// Queues one instant alert per hit.
    pub async fn enqueue_instant_alerts(&mut self, hits: &[(HitId, QueryId)], now: Timestamp) -> Result<()> {
        for chunk in hits.chunks(500) {
            let sql = format!(
                "INSERT INTO alert_deliveries (query_id, kind, hit_id, created_at, next_attempt) VALUES {}",
                self.rows_of(chunk.len(), 5, None)
            );
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql);
                for (hit, query) in chunk {
                    q = q.bind(query.0).bind("instant").bind(hit.0).bind(millis(now)).bind(millis(now));
                }
                q.execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Digest queries (active, of live clients) whose next digest is due by `now` or not scheduled.
    pub async fn digests_due(&mut self, now: Timestamp) -> Result<Vec<DigestDue>> {
        let sql = "SELECT q.id, q.client_id, q.alert, c.time_zone, q.next_digest_at, q.digest_until
                   FROM listening_queries q JOIN clients c ON c.id = q.client_id
                   WHERE q.active AND NOT c.archived AND q.alert IN ('hourly', 'daily')
                   AND (q.next_digest_at IS NULL OR q.next_digest_at <= $1) ORDER BY q.id";
        type Row = (i64, i64, String, String, Option<i64>, Option<i64>);
        let rows: Vec<Row> = on_tx!(self, c => sqlx::query_as(sql).bind(millis(now)).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, client, alert, tz, next, until)| {
                Ok(DigestDue {
                    query_id: QueryId(id),
                    client_id: ClientId(client),
                    alert: AlertMode::parse(&alert).unwrap_or_default(),
                    time_zone: tz,
                    next_digest_at: next.map(timestamp).transpose()?,
                    digest_until: until.map(timestamp).transpose()?,
                })
            })
            .collect()
    }

    /// Records that the digest covering up to `until` was dealt with, and when the next one is due.
    pub async fn set_digest_schedule(&mut self, query: QueryId, next: Timestamp, until: Timestamp) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE listening_queries SET next_digest_at = $2, digest_until = $3 WHERE id = $1")
            .bind(query.0).bind(millis(next)).bind(millis(until)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Queues a digest of the query's matches in `[from, to)`.
    pub async fn enqueue_digest(
        &mut self,
        query: QueryId,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO alert_deliveries (query_id, kind, from_ms, to_ms, created_at, next_attempt)
             VALUES ($1, 'digest', $2, $3, $4, $4)")
            .bind(query.0).bind(millis(from)).bind(millis(to)).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Deliveries due by `now`, oldest first.
    pub async fn pending_deliveries(&mut self, now: Timestamp, limit: u32) -> Result<Vec<PendingDelivery>> {
        let sql = "SELECT id, query_id, kind, hit_id, from_ms, to_ms, created_at, attempts FROM alert_deliveries
                   WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $2";
        let rows: Vec<DeliveryRow> =
            on_tx!(self, c => sqlx::query_as(sql).bind(millis(now)).bind(i64::from(limit)).fetch_all(c).await)?;
        deliveries(rows)
    }

    /// Takes the deliveries due by `now` for this process: they are not due again before
    /// `lease_until`, so another process does not send them too (unless this one dies first).
    pub async fn claim_deliveries(
        &mut self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<PendingDelivery>> {
        let sql = "UPDATE alert_deliveries SET next_attempt = $2
                   WHERE sent_at IS NULL AND next_attempt <= $1
                   AND id IN (SELECT id FROM alert_deliveries WHERE sent_at IS NULL AND next_attempt <= $1 ORDER BY id LIMIT $3)
                   RETURNING id, query_id, kind, hit_id, from_ms, to_ms, created_at, attempts";
        let mut rows: Vec<DeliveryRow> = on_tx!(self, c => sqlx::query_as(sql)
            .bind(millis(now)).bind(millis(lease_until)).bind(i64::from(limit)).fetch_all(c).await)?;
        rows.sort_by_key(|r| r.0);
        deliveries(rows)
    }
}

type DeliveryRow = (i64, i64, String, Option<i64>, Option<i64>, Option<i64>, i64, i64);

fn deliveries(rows: Vec<DeliveryRow>) -> Result<Vec<PendingDelivery>> {
    rows.into_iter()
        .map(|(id, query, kind, hit, from, to, created, attempts)| {
            let kind = match (kind.as_str(), hit, from, to) {
                ("instant", Some(hit), _, _) => DeliveryKind::Instant(HitId(hit)),
                ("digest", _, Some(from), Some(to)) => {
                    DeliveryKind::Digest { from: timestamp(from)?, to: timestamp(to)? }
                }
                _ => return Err(crate::StoreError::Corrupt(format!("alert_deliveries {id}: kind {kind}"))),
            };
            Ok(PendingDelivery {
                id,
                query_id: QueryId(query),
                kind,
                created_at: timestamp(created)?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

impl Tx {
    /// Marks deliveries as handed to the mail server.
    pub async fn deliveries_sent(&mut self, ids: &[i64], now: Timestamp) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE alert_deliveries SET sent_at = {}, attempts = attempts + 1, last_error = NULL WHERE id IN ({})",
            self.list_of(1),
            self.list_of_from(2, ids.len())
        );
        on_tx!(self, c => {
            let mut q = sqlx::query(&sql).bind(millis(now));
            for id in ids {
                q = q.bind(*id);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn delivery_failed(&mut self, id: i64, error: &str, retry_at: Timestamp) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "UPDATE alert_deliveries SET attempts = attempts + 1, last_error = $2, next_attempt = $3 WHERE id = $1")
            .bind(id).bind(error).bind(millis(retry_at)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Deliveries not sent yet per query of a client.
    pub async fn unsent_deliveries_by_query(&mut self, client: ClientId) -> Result<Vec<(QueryId, u64)>> {
        let sql = "SELECT d.query_id, COUNT(*) FROM alert_deliveries d JOIN listening_queries q ON q.id = d.query_id
                   WHERE d.sent_at IS NULL AND q.client_id = $1 GROUP BY d.query_id";
        let rows: Vec<(i64, i64)> = on_tx!(self, c => sqlx::query_as(sql).bind(client.0).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(q, n)| (QueryId(q), u64::try_from(n).unwrap_or(0))).collect())
    }

    /// Deliveries not sent yet (for operations and tests).
    pub async fn unsent_deliveries(&mut self) -> Result<u64> {
        let n: i64 = on_tx!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM alert_deliveries WHERE sent_at IS NULL").fetch_one(c).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The latest live matches of alerting queries of these clients (the notifications area).
    pub async fn notifications(&mut self, clients: &[ClientId], limit: u32) -> Result<Vec<QueryHit>> {
        if clients.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT h.id, h.query_id, h.mention_id, h.client_id, h.matched_at, h.live FROM query_hits h
             JOIN listening_queries q ON q.id = h.query_id
             WHERE h.live AND q.alert <> 'off' AND h.client_id IN ({}) ORDER BY h.id DESC LIMIT {}",
            self.list_of(clients.len()),
            limit
        );
        let rows: Vec<HitRow> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for c in clients {
                q = q.bind(c.0);
            }
            q.fetch_all(c).await
        })?;
        rows.into_iter().map(HitRow::into_hit).collect()
    }

    /// How many notifications of these clients come after `seen`.
    pub async fn unread_notifications(&mut self, clients: &[ClientId], seen: HitId) -> Result<u64> {
        if clients.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM query_hits h JOIN listening_queries q ON q.id = h.query_id
             WHERE h.live AND q.alert <> 'off' AND h.id > {} AND h.client_id IN ({})",
            self.list_of(1),
            self.list_of_from(2, clients.len())
        );
        let n: i64 = on_tx!(self, c => {
            let mut q = sqlx::query_scalar(&sql).bind(seen.0);
            for c in clients {
                q = q.bind(c.0);
            }
            q.fetch_one(c).await
        })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The last notification the user has seen.
    pub async fn notifications_seen(&mut self, user: UserId) -> Result<HitId> {
        let v: Option<i64> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT last_seen_hit FROM notification_reads WHERE user_id = $1").bind(user.0).fetch_optional(c).await)?;
        Ok(HitId(v.unwrap_or(0)))
    }

    /// Records that the user has seen the notifications up to `hit` (never moves back).
    pub async fn set_notifications_seen(&mut self, user: UserId, hit: HitId) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO notification_reads (user_id, last_seen_hit) VALUES ($1, $2)
             ON CONFLICT (user_id) DO UPDATE SET last_seen_hit =
               CASE WHEN excluded.last_seen_hit > notification_reads.last_seen_hit
                    THEN excluded.last_seen_hit ELSE notification_reads.last_seen_hit END")
            .bind(user.0).bind(hit.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
