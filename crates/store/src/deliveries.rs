//! The publishing queue: one delivery per (post, account), claimed with a lease (PostgreSQL: `FOR UPDATE SKIP
//! LOCKED`; SQLite: inside its single write transaction), paced per account, and finished with the network's id,
//! a retry time, a failure, or a hold.

use filrouge_domain::ids::{AccountId, ClientId, PostId};
use filrouge_domain::publishing::DeliveryState;
use jiff::{SignedDuration, Timestamp};

use crate::error::{Result, StoreError};
use crate::rows::{millis, timestamp};
use crate::tx::{on_tx, Tx};

/// One (post, account) delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub post_id: PostId,
    pub account_id: AccountId,
    pub client_id: ClientId,
    pub state: DeliveryState,
    pub next_attempt: Timestamp,
    pub attempts: u32,
    pub lease_until: Option<Timestamp>,
    /// An earlier attempt may have reached the network: read back before publishing.
    pub read_back: bool,
    pub idempotency_key: String,
    pub remote_id: Option<String>,
    pub url: Option<String>,
    pub last_error: Option<String>,
    pub published_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    post_id: i64,
    account_id: i64,
    client_id: i64,
    state: String,
    next_attempt: i64,
    attempts: i64,
    lease_until: Option<i64>,
    read_back: bool,
    idempotency_key: String,
    remote_id: Option<String>,
    url: Option<String>,
    last_error: Option<String>,
    published_at: Option<i64>,
}

const COLUMNS: &str = "d.id, d.post_id, d.account_id, d.client_id, d.state, d.next_attempt, d.attempts, \
     d.lease_until, d.read_back, d.idempotency_key, d.remote_id, d.url, d.last_error, d.published_at";

impl DeliveryRow {
    fn into_delivery(self) -> Result<Delivery> {
        Ok(Delivery {
            id: self.id,
            post_id: PostId(self.post_id),
            account_id: AccountId(self.account_id),
            client_id: ClientId(self.client_id),
            state: DeliveryState::parse(&self.state)
                .ok_or_else(|| StoreError::Corrupt(format!("deliveries.state: {}", self.state)))?,
            next_attempt: timestamp(self.next_attempt)?,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            lease_until: self.lease_until.map(timestamp).transpose()?,
            read_back: self.read_back,
            idempotency_key: self.idempotency_key,
            remote_id: self.remote_id,
            url: self.url,
            last_error: self.last_error,
            published_at: self.published_at.map(timestamp).transpose()?,
        })
    }
}

/// A delivery about to be queued.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub post_id: PostId,
    pub account_id: AccountId,
    pub client_id: ClientId,
    pub due: Timestamp,
    pub idempotency_key: String,
}

/// The most an account's next slot may be brought forward to make up for a late claim, in milliseconds.
const CATCH_UP_MS: i64 = 100;

impl Tx {
    /// Queues deliveries (a post was scheduled); one already there keeps its state and takes the new time if it
    /// has not started.
    pub async fn queue_deliveries(&mut self, deliveries: &[NewDelivery], now: Timestamp) -> Result<()> {
        for d in deliveries {
            on_tx!(self, c => sqlx::query(
                "INSERT INTO deliveries (post_id, account_id, client_id, state, next_attempt, idempotency_key, updated_at)
                 VALUES ($1, $2, $3, 'pending', $4, $5, $6)
                 ON CONFLICT (post_id, account_id) DO UPDATE SET next_attempt = excluded.next_attempt,
                   state = CASE WHEN deliveries.state = 'failed' THEN 'pending' ELSE deliveries.state END,
                   updated_at = excluded.updated_at
                 WHERE deliveries.state IN ('pending', 'held', 'failed')")
                .bind(d.post_id.0).bind(d.account_id.0).bind(d.client_id.0).bind(millis(d.due))
                .bind(&d.idempotency_key).bind(millis(now)).execute(c).await.map(drop))?;
            on_tx!(self, c => sqlx::query(
                "INSERT INTO account_pace (account_id, not_before) VALUES ($1, 0) ON CONFLICT (account_id) DO NOTHING")
                .bind(d.account_id.0).execute(c).await.map(drop))?;
        }
        Ok(())
    }

    /// Removes a post's deliveries that have not started; returns how many others (claimed, published, failed)
    /// remain, so the caller can refuse to unschedule a post already on its way.
    pub async fn unqueue_deliveries(&mut self, post: PostId) -> Result<u64> {
        on_tx!(self, c => sqlx::query("DELETE FROM deliveries WHERE post_id = $1 AND state IN ('pending', 'held')")
            .bind(post.0).execute(c).await.map(drop))?;
        let n: i64 = on_tx!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE post_id = $1")
            .bind(post.0).fetch_one(c).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Moves the deliveries of a post that have not started to a new time.
    pub async fn reschedule_deliveries(&mut self, post: PostId, due: Timestamp, now: Timestamp) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET next_attempt = $2, updated_at = $3 WHERE post_id = $1 AND state IN ('pending', 'held')")
            .bind(post.0).bind(millis(due)).bind(millis(now)).execute(c).await.map(drop))?;
        Ok(())
    }

    pub async fn deliveries_of_post(&mut self, post: PostId) -> Result<Vec<Delivery>> {
        let sql = format!("SELECT {COLUMNS} FROM deliveries d WHERE d.post_id = $1 ORDER BY d.id");
        let rows: Vec<DeliveryRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(post.0).fetch_all(c).await)?;
        rows.into_iter().map(DeliveryRow::into_delivery).collect()
    }

    pub async fn delivery(&mut self, id: i64) -> Result<Option<Delivery>> {
        let sql = format!("SELECT {COLUMNS} FROM deliveries d WHERE d.id = $1");
        let row: Option<DeliveryRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
        row.map(DeliveryRow::into_delivery).transpose()
    }

    /// Claims up to `limit` due deliveries for `worker` until `lease_until`: for each account whose pace allows it
    /// now (longest waiting first), its first due delivery — pending and due, or claimed by a worker whose lease
    /// ended (it died: read back first). Each claimed account's pace moves by `pace(account)`; paused clients and
    /// accounts that are not connected are skipped. A handful of statements whatever the number claimed. Run it in
    /// a write transaction (PostgreSQL: the accounts' pace rows are locked, `SKIP LOCKED`, so two workers never
    /// claim for the same account at once).
    pub async fn claim_publications(
        &mut self,
        now: Timestamp,
        lease_until: Timestamp,
        worker: &str,
        limit: usize,
        pace: &(dyn Fn(AccountId) -> SignedDuration + Sync),
    ) -> Result<Vec<Delivery>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let lock = if matches!(self, Tx::Postgres(_)) { " FOR UPDATE OF p SKIP LOCKED" } else { "" };
        let due = "d.account_id = p.account_id AND d.state IN ('pending', 'claimed')
               AND ((d.state = 'pending' AND d.next_attempt <= $1) OR (d.state = 'claimed' AND d.lease_until < $1))";
        let sql = format!(
            "SELECT p.account_id, p.not_before,
               (SELECT d.id FROM deliveries d WHERE {due} ORDER BY d.next_attempt, d.id LIMIT 1)
             FROM account_pace p JOIN accounts a ON a.id = p.account_id JOIN clients c ON c.id = a.client_id
             WHERE p.not_before <= $1 AND a.status = 'connected' AND NOT c.publishing_paused
               AND EXISTS (SELECT 1 FROM deliveries d WHERE {due})
             ORDER BY p.not_before, p.account_id LIMIT $2{lock}"
        );
        let wanted = i64::try_from(limit).unwrap_or(i64::MAX);
        let ready: Vec<(i64, i64, Option<i64>)> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(millis(now)).bind(wanted).fetch_all(c).await)?;
        let chosen: Vec<(AccountId, i64, i64)> =
            ready.into_iter().filter_map(|(a, not_before, d)| d.map(|d| (AccountId(a), not_before, d))).collect();
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        // Each account's pace moves on from its previous slot rather than from now, so the few milliseconds a
        // claim comes after its slot do not add up over an account's posts (a rate, as the networks count it);
        // never less than `pace - catch_up` after now, so an account that was idle gets no burst.
        let now_ms = millis(now);
        let paces: Vec<(i64, i64)> = chosen
            .iter()
            .map(|(account, not_before, _)| {
                let p = i64::try_from(pace(*account).as_millis()).unwrap_or(i64::MAX);
                let catch_up = (p / 4).min(CATCH_UP_MS);
                (account.0, not_before.saturating_add(p).max(now_ms.saturating_add(p - catch_up)))
            })
            .collect();
        let sql = format!(
            "UPDATE account_pace SET not_before = v.column2 FROM (VALUES {}) AS v
             WHERE account_pace.account_id = v.column1",
            self.rows_of(paces.len(), 2, None)
        );
        on_tx!(self, c => {
            let mut q = sqlx::query(&sql);
            for (account, next) in &paces {
                q = q.bind(*account).bind(*next);
            }
            q.execute(c).await.map(drop)
        })?;
        let sql = format!(
            "UPDATE deliveries SET read_back = (read_back OR state = 'claimed'), state = 'claimed',
               lease_until = {}, claimed_by = {}, attempts = attempts + 1, updated_at = {}
             WHERE id IN ({}) RETURNING {}",
            self.list_of_from(1, 1),
            self.list_of_from(2, 1),
            self.list_of_from(3, 1),
            self.list_of_from(4, chosen.len()),
            COLUMNS.replace("d.", "")
        );
        let rows: Vec<DeliveryRow> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql).bind(millis(lease_until)).bind(worker).bind(millis(now));
            for (_, _, id) in &chosen {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        let mut claimed = rows.into_iter().map(DeliveryRow::into_delivery).collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|d| (d.next_attempt, d.id));
        let mut posts: Vec<i64> = claimed.iter().map(|d| d.post_id.0).collect();
        posts.sort_unstable();
        posts.dedup();
        // A scheduled post whose first delivery was claimed is publishing.
        let sql = format!(
            "UPDATE posts SET state = 'publishing', updated_at = {}, version = version + 1
             WHERE state = 'scheduled' AND id IN ({})",
            self.list_of_from(1, 1),
            self.list_of_from(2, posts.len())
        );
        on_tx!(self, c => {
            let mut q = sqlx::query(&sql).bind(millis(now));
            for p in &posts {
                q = q.bind(*p);
            }
            q.execute(c).await.map(drop)
        })?;
        Ok(claimed)
    }

    /// Records the networks' ids and addresses of many deliveries at once: they are done. Returns the ids this
    /// worker still held (the others were taken over: their new worker records its own outcome).
    pub async fn publications_done(
        &mut self,
        worker: &str,
        done: &[(i64, String, String)],
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        let mut recorded = Vec::with_capacity(done.len());
        // Bounded statements: SQLite allows 32,766 values per statement.
        for chunk in done.chunks(1000) {
            let sql = format!(
                "UPDATE deliveries SET state = 'published', remote_id = v.column2, url = v.column3,
                   published_at = {now}, updated_at = {now}, lease_until = NULL, read_back = FALSE, last_error = NULL
                 FROM (VALUES {values}) AS v
                 WHERE deliveries.id = v.column1 AND deliveries.claimed_by = {worker}
                   AND deliveries.state = 'claimed'
                 RETURNING deliveries.id",
                values = self.rows_of(chunk.len(), 3, None),
                // A number of ours, written in the statement: placeholders before the VALUES list would be
                // numbered differently by the two engines.
                now = millis(now),
                worker = self.list_of_from(chunk.len() * 3 + 1, 1),
            );
            let ids: Vec<i64> = on_tx!(self, c => {
                let mut q = sqlx::query_scalar(&sql);
                for (id, remote, url) in chunk {
                    q = q.bind(*id).bind(remote).bind(url);
                }
                q.bind(worker).fetch_all(c).await
            })?;
            recorded.extend(ids);
        }
        Ok(recorded)
    }

    /// Moves posts whose deliveries have settled: published when every delivery is; failed when none is left to
    /// try and one failed. Two statements whatever the number of posts.
    pub async fn settle_posts(&mut self, posts: &[PostId], now: Timestamp) -> Result<()> {
        if posts.is_empty() {
            return Ok(());
        }
        for (state, condition) in [
            ("published", "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = posts.id AND d.state <> 'published')"),
            (
                "failed",
                "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = posts.id AND d.state IN ('pending', 'claimed'))
                 AND EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = posts.id AND d.state = 'failed')",
            ),
        ] {
            let sql = format!(
                "UPDATE posts SET state = '{state}', updated_at = {}, version = version + 1
                 WHERE id IN ({}) AND state <> '{state}'
                   AND EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = posts.id) AND {condition}",
                self.list_of_from(1, 1),
                self.list_of_from(2, posts.len()),
            );
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql).bind(millis(now));
                for p in posts {
                    q = q.bind(p.0);
                }
                q.execute(c).await.map(drop)
            })?;
        }
        Ok(())
    }

    /// The network asked an account to wait: its pace holds it until `until` at least.
    pub async fn pace_account_until(&mut self, account: AccountId, until: Timestamp) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "UPDATE account_pace SET not_before = $2 WHERE account_id = $1 AND not_before < $2")
            .bind(account.0).bind(millis(until)).execute(c).await.map(drop))?;
        Ok(())
    }

    /// Records the network's id and address: the delivery is done. False when this worker no longer holds it.
    pub async fn publication_done(
        &mut self,
        id: i64,
        worker: &str,
        remote_id: &str,
        url: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'published', remote_id = $3, url = $4, published_at = $5, updated_at = $5,
               lease_until = NULL, read_back = FALSE, last_error = NULL
             WHERE id = $1 AND claimed_by = $2 AND state = 'claimed'")
            .bind(id).bind(worker).bind(remote_id).bind(url).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Gives a claimed delivery back for a later attempt (`read_back`: the outcome is unknown).
    pub async fn publication_retry(
        &mut self,
        id: i64,
        worker: &str,
        at: Timestamp,
        error: &str,
        read_back: bool,
        now: Timestamp,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'pending', next_attempt = $3, last_error = $4, read_back = $5,
               lease_until = NULL, updated_at = $6
             WHERE id = $1 AND claimed_by = $2 AND state = 'claimed'")
            .bind(id).bind(worker).bind(millis(at)).bind(error).bind(read_back).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// A permanent failure, with the network's message.
    pub async fn publication_failed(&mut self, id: i64, worker: &str, error: &str, now: Timestamp) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'failed', last_error = $3, lease_until = NULL, updated_at = $4
             WHERE id = $1 AND claimed_by = $2 AND state = 'claimed'")
            .bind(id).bind(worker).bind(error).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// The account needs reconnection: its status says so with the reason, and every delivery of it that has
    /// not been published is held (never dropped). Returns how many were held.
    pub async fn hold_account(&mut self, account: AccountId, reason: &str, now: Timestamp) -> Result<u64> {
        on_tx!(self, c => sqlx::query("UPDATE accounts SET status = 'needs_reconnect', status_reason = $2 WHERE id = $1")
            .bind(account.0).bind(reason).execute(c).await.map(drop))?;
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'held', last_error = $2, lease_until = NULL, updated_at = $3
             WHERE account_id = $1 AND state IN ('pending', 'claimed')")
            .bind(account.0).bind(reason).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// The account is connected again: its held deliveries go back to the queue (read back first: one of them
    /// may have reached the network before the refusal).
    pub async fn release_account(&mut self, account: AccountId, now: Timestamp) -> Result<u64> {
        on_tx!(self, c => sqlx::query("UPDATE accounts SET status_reason = NULL WHERE id = $1")
            .bind(account.0).execute(c).await.map(drop))?;
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'pending', read_back = (attempts > 0), updated_at = $2
             WHERE account_id = $1 AND state = 'held'")
            .bind(account.0).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }

    pub async fn set_publishing_paused(&mut self, client: ClientId, paused: bool) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE clients SET publishing_paused = $2 WHERE id = $1")
            .bind(client.0).bind(paused).execute(c).await.map(drop))?;
        Ok(())
    }

    pub async fn publishing_paused(&mut self, client: ClientId) -> Result<bool> {
        let p: bool = on_tx!(self, c => sqlx::query_scalar("SELECT publishing_paused FROM clients WHERE id = $1")
            .bind(client.0).fetch_one(c).await)?;
        Ok(p)
    }

    /// Deliveries of `clients` that are due before `until`, claimed, failed or held: the publishing queue view.
    pub async fn delivery_queue(&mut self, clients: &[ClientId], until: Timestamp) -> Result<Vec<Delivery>> {
        if clients.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM deliveries d WHERE d.client_id IN ({}) AND
               (d.state IN ('claimed', 'failed', 'held') OR (d.state = 'pending' AND d.next_attempt < {}))
             ORDER BY d.next_attempt, d.id",
            self.list_of(clients.len()),
            self.list_of_from(clients.len() + 1, 1)
        );
        let rows: Vec<DeliveryRow> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for client in clients {
                q = q.bind(client.0);
            }
            q.bind(millis(until)).fetch_all(c).await
        })?;
        rows.into_iter().map(DeliveryRow::into_delivery).collect()
    }

    /// How many deliveries are in each state (operations and tests).
    pub async fn delivery_counts(&mut self) -> Result<Vec<(DeliveryState, u64)>> {
        let rows: Vec<(String, i64)> = on_tx!(self, c => sqlx::query_as(
            "SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state").fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(s, n)| DeliveryState::parse(&s).map(|s| (s, u64::try_from(n).unwrap_or(0))))
            .collect())
    }
}

impl Tx {
    /// Holds one delivery with a reason (its account is not connected).
    pub async fn hold_delivery(
        &mut self,
        post: PostId,
        account: AccountId,
        reason: &str,
        now: Timestamp,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'held', last_error = $3, updated_at = $4
             WHERE post_id = $1 AND account_id = $2 AND state = 'pending'")
            .bind(post.0).bind(account.0).bind(reason).bind(millis(now)).execute(c).await.map(drop))?;
        Ok(())
    }

    /// Every account's network, for pacing.
    pub async fn account_networks(&mut self) -> Result<Vec<(AccountId, filrouge_domain::account::Network)>> {
        let rows: Vec<(i64, String)> =
            on_tx!(self, c => sqlx::query_as("SELECT id, network FROM accounts").fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, n)| filrouge_domain::account::Network::parse(&n).ok().map(|n| (AccountId(id), n)))
            .collect())
    }
}

impl Tx {
    /// Removes the waiting deliveries of a post to accounts it no longer targets.
    pub async fn unqueue_deliveries_except(&mut self, post: PostId, keep: &[AccountId]) -> Result<()> {
        for d in self.deliveries_of_post(post).await? {
            if !keep.contains(&d.account_id) && matches!(d.state, DeliveryState::Pending | DeliveryState::Held) {
                on_tx!(self, c => sqlx::query("DELETE FROM deliveries WHERE id = $1").bind(d.id).execute(c).await.map(drop))?;
            }
        }
        Ok(())
    }
}

impl Tx {
    /// The earliest time a waiting delivery may be tried.
    pub async fn next_delivery_due(&mut self) -> Result<Option<Timestamp>> {
        let t: Option<i64> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT MIN(next_attempt) FROM deliveries WHERE state = 'pending'").fetch_one(c).await)?;
        t.map(timestamp).transpose()
    }
}

impl Tx {
    /// The workers holding claims.
    pub async fn claiming_workers(&mut self) -> Result<Vec<String>> {
        let rows: Vec<Option<String>> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT DISTINCT claimed_by FROM deliveries WHERE state = 'claimed'").fetch_all(c).await)?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// Gives back the claims of a worker known to be dead: due now, read back first.
    pub async fn release_claims_of(&mut self, worker: &str, now: Timestamp) -> Result<u64> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE deliveries SET state = 'pending', read_back = TRUE, next_attempt = $2, lease_until = NULL,
               updated_at = $2 WHERE state = 'claimed' AND claimed_by = $1")
            .bind(worker).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }
}
