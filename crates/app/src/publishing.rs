//! The publishing engine: due deliveries are claimed with a lease (the attempt is recorded before the network is
//! called), checked again, sent through the account's `Publisher` with an idempotency key, read back first when an
//! earlier attempt's outcome is unknown, and finished — published only with the network's id and address, retried
//! with backoff, failed with the network's message, or held until the account is reconnected.

use std::collections::HashMap;
use std::sync::Arc;

use filrouge_domain::account::{Account, AccountStatus, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::{AccountId, ClientId, PostId};
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::post::{Post, PostState};
use filrouge_domain::publishing::{idempotency_key, next_step, CallOutcome, NextStep};
use filrouge_networks::publish::{OutgoingMedia, OutgoingPost, PublishError, Publisher, Visibility};
use filrouge_store::{Delivery, NewDelivery, Tx};
use jiff::{SignedDuration, Timestamp};

use crate::error::{AppError, Result};
use crate::App;

/// How long a claim lasts: longer than any network call (their time-out is `CALL_TIMEOUT`).
pub const LEASE: SignedDuration = SignedDuration::from_secs(120);
/// The longest a publish call may take before its outcome counts as unknown (by default).
pub const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Builds the `Publisher` of a connected account. The real one talks to the networks; tests may point it at
/// local servers.
pub trait PublisherFactory: Send + Sync + std::fmt::Debug {
    fn publisher(&self, account: &Account, connection: &Connection) -> std::result::Result<Box<dyn Publisher>, String>;

    /// What the account's server reports about its limits (a Mastodon instance's `/api/v2/instance`); `None`
    /// where the network has nothing to report.
    fn limits<'a>(
        &'a self,
        _connection: &'a Connection,
    ) -> filrouge_networks::publish::BoxFuture<'a, std::result::Result<Option<filrouge_compose::InstanceLimits>, String>>
    {
        Box::pin(async { Ok(None) })
    }

    /// The inbox side of the same account (received items, likes). Factories that only publish say so.
    fn inbox(
        &self,
        account: &Account,
        _connection: &Connection,
    ) -> std::result::Result<Box<dyn filrouge_networks::inbox::InboxReader>, String> {
        Err(format!("{} cannot read its inbox here", account.profile.handle))
    }
}

/// The engine's settings.
#[derive(Debug, Clone)]
pub struct PublishSettings {
    /// This process's name in claims (`host-pid`).
    pub worker: String,
    /// Deliveries claimed per round.
    pub batch: usize,
    /// Calls made at once.
    pub concurrency: usize,
    /// The least time between two posts of one account, per network.
    pub pace: HashMap<Network, SignedDuration>,
    /// Part of every idempotency key, unique per installation.
    pub installation: String,
    /// The longest a publish or read-back call may take before its outcome counts as unknown.
    pub call_timeout: std::time::Duration,
}

impl Default for PublishSettings {
    fn default() -> Self {
        let pace = [(Network::Bluesky, 2), (Network::Mastodon, 5)]
            .into_iter()
            .map(|(n, s)| (n, SignedDuration::from_secs(s)))
            .collect();
        Self {
            worker: format!("worker-{}", std::process::id()),
            batch: 64,
            concurrency: 16,
            pace,
            installation: "filrouge".into(),
            call_timeout: CALL_TIMEOUT,
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublishReport {
    pub claimed: usize,
    pub published: usize,
    pub retried: usize,
    pub failed: usize,
    pub held: usize,
}

enum Finish {
    Done {
        remote_id: String,
        url: String,
    },
    /// `rate_limited`: the network asked the account to wait; its pace waits too.
    Retry {
        at: Timestamp,
        error: String,
        read_back: bool,
        rate_limited: bool,
    },
    Fail(String),
    Hold(String),
}

/// What one claimed delivery's attempt needs, read with the others of its batch.
struct AttemptContext {
    client: filrouge_domain::client::Client,
    post: Post,
    account: Account,
    connection: Result<Connection>,
    media: Vec<(filrouge_domain::ids::MediaId, filrouge_domain::media::MediaFacts)>,
    instance_limits: crate::guards::InstanceLimitsByAccount,
}

/// An attempt's outcome, to be recorded.
struct Attempted {
    delivery: Delivery,
    finish: Finish,
    handle: String,
}

/// A retry after a failed read back reads back again.
fn still_to_read_back(finish: Finish) -> Finish {
    match finish {
        Finish::Retry { at, error, rate_limited, .. } => Finish::Retry { at, error, read_back: true, rate_limited },
        other => other,
    }
}

fn classify(e: PublishError) -> CallOutcome {
    match e {
        PublishError::Transient(m) => CallOutcome::Transient(m),
        PublishError::RateLimited { retry_after } => {
            CallOutcome::RateLimited { retry_after: retry_after.and_then(|d| SignedDuration::try_from(d).ok()) }
        }
        PublishError::Permanent(m) => CallOutcome::Permanent(m),
        PublishError::NeedsReconnection(m) => CallOutcome::NeedsReconnection(m),
        PublishError::Unknown(m) => CallOutcome::Unknown(m),
    }
}

impl App {
    /// Whether this process publishes (it has publishers).
    pub fn publishes(&self) -> bool {
        self.publishers.is_some()
    }

    /// How many deliveries one round claims at most.
    pub fn publish_batch(&self) -> usize {
        self.publishing.batch
    }

    /// Queues a scheduled post's deliveries (one per target account), inside the caller's transaction. Accounts
    /// that are not connected get a held delivery saying so.
    pub(crate) async fn queue_deliveries(&self, tx: &mut Tx, post: &Post) -> Result<()> {
        let Some(due) = post.planned_at else { return Ok(()) };
        let now = self.now();
        let deliveries: Vec<NewDelivery> = post
            .content
            .targets
            .iter()
            .map(|t| NewDelivery {
                post_id: post.id,
                account_id: t.account_id,
                client_id: post.client_id,
                due,
                idempotency_key: idempotency_key(post.id, t.account_id, &self.publishing.installation),
            })
            .collect();
        tx.queue_deliveries(&deliveries, now).await?;
        let accounts = tx.accounts_of(post.client_id).await?;
        for t in &post.content.targets {
            if let Some(a) = accounts.iter().find(|a| a.id == t.account_id && a.status != AccountStatus::Connected) {
                let reason = format!("{} is not connected ({})", a.profile.handle, a.status.as_str());
                tx.hold_delivery(post.id, a.id, &reason, now).await?;
            }
        }
        Ok(())
    }

    /// Brings a post's deliveries in line with its state after a change, inside the caller's transaction: a
    /// scheduled post has one per target at its time; any other editable state has none waiting.
    pub(crate) async fn sync_queue(&self, tx: &mut Tx, client: ClientId, post: PostId) -> Result<()> {
        let Some(post) = tx.post(client, post).await? else { return Ok(()) };
        match post.state {
            PostState::Scheduled => {
                let targets: Vec<AccountId> = post.content.targets.iter().map(|t| t.account_id).collect();
                tx.unqueue_deliveries_except(post.id, &targets).await?;
                self.queue_deliveries(tx, &post).await
            }
            PostState::Draft | PostState::InReview | PostState::Approved => {
                let started = tx.unqueue_deliveries(post.id).await?;
                if started > 0 {
                    return Err(AppError::Conflict(
                        "this post has started leaving for the networks; it cannot be taken back here".into(),
                    ));
                }
                Ok(())
            }
            PostState::Publishing | PostState::Published | PostState::Failed => Ok(()),
        }
    }

    /// Takes over at once the claims of workers that `is_dead` says no longer run (a process of this host killed
    /// mid-round), instead of waiting for their lease; they are read back before anything is sent again.
    pub async fn recover_claims(&self, is_dead: &(dyn Fn(&str) -> bool + Sync)) -> Result<u64> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut released = 0;
        for worker in tx.claiming_workers().await? {
            if worker != self.publishing.worker && is_dead(&worker) {
                released += tx.release_claims_of(&worker, now).await?;
            }
        }
        tx.commit().await?;
        Ok(released)
    }

    /// Runs one round: claims what is due, publishes, records the outcomes.
    pub async fn publish_due(&self) -> Result<PublishReport> {
        let claimed = self.claim(self.publishing.batch).await?;
        let contexts = self.attempt_contexts(&claimed).await?;
        use futures_util::stream::StreamExt;
        let concurrency = self.publishing.concurrency.max(1);
        let outcomes: Vec<Attempted> = futures_util::stream::iter(claimed.into_iter().zip(contexts))
            .map(|(d, ctx)| self.attempted(d, ctx))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        self.record(outcomes).await
    }

    /// Publishes until `stop` resolves, as a pipeline: claims whenever calls may start (each account as soon as its
    /// pace allows), keeps up to `concurrency` calls in flight, and records outcomes in small batches as they
    /// return — a slow call never holds the others' next posts. Each attempt is a task of its own (the checks
    /// and the calls of a batch use every core). Stopping records what has returned and cancels the calls still
    /// in flight: they keep their claims, which the next process reads back before anything is sent again.
    pub async fn publish_continuously(&self, stop: impl std::future::Future<Output = ()>) {
        /// Outcomes are recorded at least this often while calls return.
        const FLUSH: std::time::Duration = std::time::Duration::from_millis(10);
        /// How often to look for accounts whose pace has ended while calls are in flight.
        const TICK: std::time::Duration = std::time::Duration::from_millis(10);
        let concurrency = self.publishing.concurrency.max(1);
        let mut in_flight: tokio::task::JoinSet<Attempted> = tokio::task::JoinSet::new();
        let mut returned: Vec<Attempted> = Vec::new();
        let mut next_claim = tokio::time::Instant::now();
        let mut last_flush = tokio::time::Instant::now();
        tokio::pin!(stop);
        loop {
            let room = concurrency.saturating_sub(in_flight.len());
            if room > 0 && tokio::time::Instant::now() >= next_claim {
                let claimed = match self.claim(room.min(self.publishing.batch.max(1))).await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming deliveries failed");
                        Vec::new()
                    }
                };
                let got = claimed.len();
                match self.attempt_contexts(&claimed).await {
                    Ok(contexts) => {
                        for (d, ctx) in claimed.into_iter().zip(contexts) {
                            let app = self.clone();
                            in_flight.spawn(async move { app.attempted(d, ctx).await });
                        }
                    }
                    // The claims stay: their lease ends and they are read back, never lost.
                    Err(e) => tracing::warn!(error = %e, "loading claimed deliveries failed"),
                }
                next_claim = tokio::time::Instant::now()
                    + if got > 0 || !in_flight.is_empty() { TICK } else { self.idle_wait().await };
            }
            // Wake for the next claim when there is room for one, and for the next flush when outcomes wait.
            let room = concurrency.saturating_sub(in_flight.len());
            let wake = match (room > 0, returned.is_empty()) {
                (true, true) => Some(next_claim),
                (true, false) => Some(next_claim.min(last_flush + FLUSH)),
                (false, false) => Some(last_flush + FLUSH),
                (false, true) => None,
            };
            tokio::select! {
                Some(outcome) = in_flight.join_next(), if !in_flight.is_empty() => match outcome {
                    Ok(outcome) => returned.push(outcome),
                    // A panicked attempt keeps its claim: its lease ends and it is read back, never sent twice.
                    Err(e) => tracing::error!(error = %e, "a publishing attempt stopped abnormally"),
                },
                () = tokio::time::sleep_until(wake.unwrap_or(next_claim)), if wake.is_some() => {}
                () = &mut stop => break,
            }
            if !returned.is_empty() && (in_flight.is_empty() || returned.len() >= 64 || last_flush.elapsed() >= FLUSH) {
                self.record_logged(std::mem::take(&mut returned)).await;
                last_flush = tokio::time::Instant::now();
            }
        }
        self.record_logged(returned).await;
    }

    async fn record_logged(&self, outcomes: Vec<Attempted>) {
        if outcomes.is_empty() {
            return;
        }
        match self.record(outcomes).await {
            Ok(r) => tracing::info!(
                published = r.published,
                retried = r.retried,
                failed = r.failed,
                held = r.held,
                "publishing outcomes recorded"
            ),
            // Not recorded: the claims' leases end and the deliveries are read back before any new attempt.
            Err(e) => tracing::warn!(error = %e, "recording publishing outcomes failed"),
        }
    }

    /// How long to wait when nothing could be claimed: until the next delivery is due (at most a second), or
    /// briefly when one is due but its account's pace holds it.
    async fn idle_wait(&self) -> std::time::Duration {
        use std::time::Duration;
        match self.next_due().await {
            Ok(Some(at)) => {
                let until = at.duration_since(self.now());
                if until.is_negative() {
                    Duration::from_millis(50)
                } else {
                    Duration::try_from(until).unwrap_or(Duration::from_secs(1))
                }
            }
            _ => Duration::from_secs(1),
        }
        .clamp(Duration::from_millis(20), Duration::from_secs(1))
    }

    /// Claims up to `limit` due deliveries, counting the attempt before any call.
    async fn claim(&self, limit: usize) -> Result<Vec<Delivery>> {
        let now = self.now();
        let settings = &self.publishing;
        let mut tx = self.store.write().await?;
        let networks: HashMap<AccountId, Network> = tx.account_networks().await?.into_iter().collect();
        let pace = |a: AccountId| {
            networks.get(&a).and_then(|n| settings.pace.get(n)).copied().unwrap_or(SignedDuration::from_secs(2))
        };
        let lease_until = now.saturating_add(LEASE).unwrap_or(now);
        let claimed = tx.claim_publications(now, lease_until, &settings.worker, limit, &pace).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// What each claimed delivery's attempt needs, read for the whole batch in a few statements (in order).
    async fn attempt_contexts(&self, claimed: &[Delivery]) -> Result<Vec<Result<AttemptContext>>> {
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.store.read().await?;
        let mut clients = HashMap::new();
        let mut accounts = HashMap::new();
        for d in claimed {
            if let std::collections::hash_map::Entry::Vacant(e) = clients.entry(d.client_id) {
                e.insert(tx.client_by_id(d.client_id).await?);
                for a in tx.accounts_of(d.client_id).await? {
                    accounts.insert(a.id, a);
                }
            }
        }
        let post_ids: Vec<PostId> = claimed.iter().map(|d| d.post_id).collect();
        let posts: HashMap<PostId, Post> = tx.posts_by_ids(&post_ids).await?.into_iter().map(|p| (p.id, p)).collect();
        let secret_ids: Vec<_> =
            claimed.iter().filter_map(|d| accounts.get(&d.account_id).and_then(|a: &Account| a.credentials)).collect();
        let secrets: HashMap<_, _> = tx.secrets_by_ids(&secret_ids).await?.into_iter().collect();
        let account_ids: Vec<AccountId> = claimed.iter().map(|d| d.account_id).collect();
        let mut limits = crate::guards::InstanceLimitsByAccount::new();
        for (account, json) in tx.network_limits_of(&account_ids).await? {
            match serde_json::from_str(&json) {
                Ok(l) => {
                    limits.insert(account, l);
                }
                Err(e) => tracing::warn!(account = %account, error = %e, "stored instance limits unreadable"),
            }
        }
        let mut contexts = Vec::with_capacity(claimed.len());
        for d in claimed {
            let client = clients.get(&d.client_id).cloned().flatten();
            let post = posts.get(&d.post_id).filter(|p| p.client_id == d.client_id).cloned();
            let account = accounts.get(&d.account_id).filter(|a| a.client_id == d.client_id).cloned();
            let (Some(client), Some(post), Some(account)) = (client, post, account) else {
                contexts.push(Err(AppError::NotFound));
                continue;
            };
            let connection = match account.credentials.and_then(|id| secrets.get(&id)) {
                Some(sealed) => self.unseal_connection(&account, sealed),
                None => Err(AppError::Remote(format!("{} has no credentials", account.profile.handle))),
            };
            let media = if post.content.has_media() {
                self.attachments(&mut tx, d.client_id, &post.content).await?
            } else {
                Vec::new()
            };
            let mut instance_limits = crate::guards::InstanceLimitsByAccount::new();
            if let Some(l) = limits.get(&account.id) {
                instance_limits.insert(account.id, l.clone());
            }
            contexts.push(Ok(AttemptContext { client, post, account, connection, media, instance_limits }));
        }
        Ok(contexts)
    }

    /// One claimed delivery's attempt, with the account's handle for the journal.
    async fn attempted(&self, d: Delivery, ctx: Result<AttemptContext>) -> Attempted {
        let handle = match &ctx {
            Ok(c) => c.account.profile.handle.clone(),
            Err(_) => format!("account {}", d.account_id),
        };
        let finish = match ctx {
            Ok(ctx) => self.attempt(&d, ctx).await,
            Err(e) => Err(e),
        };
        let finish = finish.unwrap_or_else(|e| Finish::Retry {
            at: self.now().saturating_add(SignedDuration::from_secs(30)).unwrap_or_else(|_| self.now()),
            error: e.to_string(),
            read_back: true,
            rate_limited: false,
        });
        Attempted { delivery: d, finish, handle }
    }

    /// Records a batch of outcomes in one transaction (a crash before it commits leaves the claims to be read
    /// back), settles their posts and journals them.
    async fn record(&self, outcomes: Vec<Attempted>) -> Result<PublishReport> {
        let mut report = PublishReport { claimed: outcomes.len(), ..PublishReport::default() };
        if outcomes.is_empty() {
            return Ok(report);
        }
        let now = self.now();
        let worker = self.publishing.worker.clone();
        let mut tx = self.store.write().await?;
        let done: Vec<(i64, String, String)> = outcomes
            .iter()
            .filter_map(|o| match &o.finish {
                Finish::Done { remote_id, url } => Some((o.delivery.id, remote_id.clone(), url.clone())),
                _ => None,
            })
            .collect();
        let recorded: std::collections::HashSet<i64> =
            tx.publications_done(&worker, &done, now).await?.into_iter().collect();
        let mut journal = Vec::new();
        let mut reconnect = Vec::new();
        for Attempted { delivery: d, finish, handle } in &outcomes {
            let entry = match finish {
                Finish::Done { url, .. } => {
                    if !recorded.contains(&d.id) {
                        continue; // another worker took it over: it records its own outcome
                    }
                    report.published += 1;
                    Some((JournalAction::PostPublished, format!("Published on {handle}: {url}")))
                }
                Finish::Retry { at, error, read_back, rate_limited } => {
                    report.retried += 1;
                    tx.publication_retry(d.id, &worker, *at, error, *read_back, now).await?;
                    if *rate_limited {
                        tx.pace_account_until(d.account_id, *at).await?;
                    }
                    None
                }
                Finish::Fail(error) => {
                    if !tx.publication_failed(d.id, &worker, error, now).await? {
                        continue;
                    }
                    report.failed += 1;
                    Some((JournalAction::PostFailed, format!("Not published on {handle}: {error}")))
                }
                Finish::Hold(reason) => {
                    report.held += 1;
                    let n = tx.hold_account(d.account_id, reason, now).await?;
                    reconnect.push((d.client_id, handle.clone()));
                    let summary =
                        format!("{handle} needs reconnection ({reason}); {n} post(s) held until it is reconnected");
                    Some((JournalAction::AccountNeedsReconnection, summary))
                }
            };
            if let Some((action, summary)) = entry {
                journal.push(NewJournalEntry {
                    at: now,
                    user_id: None,
                    client_id: Some(d.client_id),
                    account_id: Some(d.account_id),
                    action,
                    object: format!("post:{}", d.post_id),
                    summary,
                });
            }
        }
        let mut posts: Vec<PostId> = outcomes.iter().map(|o| o.delivery.post_id).collect();
        posts.sort_unstable_by_key(|p| p.0);
        posts.dedup();
        tx.settle_posts(&posts, now).await?;
        tx.append_journal_many(&journal).await?;
        tx.commit().await?;
        reconnect.sort();
        reconnect.dedup();
        for (client, handle) in reconnect {
            self.notify_reconnection(client, &handle).await;
        }
        Ok(report)
    }

    /// One attempt of one claimed delivery: check, build, read back or publish.
    async fn attempt(&self, d: &Delivery, ctx: AttemptContext) -> Result<Finish> {
        let factory = self.publishers.clone().ok_or_else(|| AppError::Remote("no publisher configured".into()))?;
        let AttemptContext { client, post, account, connection, media, instance_limits } = ctx;
        let connection = match connection {
            Ok(c) => c,
            // Missing or unreadable credentials hold the delivery until the account is connected again.
            Err(AppError::Remote(e)) => return Ok(Finish::Hold(e)),
            Err(e) => return Err(e),
        };
        // The guards again, for this account: nothing the network would refuse is sent.
        let accounts = vec![account.clone()];
        let mut only_here = post.content.clone();
        only_here.targets.retain(|t| t.account_id == account.id);
        let tools = crate::guards::Tools { instance_limits: Some(&instance_limits), ..Default::default() };
        let report = crate::guards::lint_content(&client, &accounts, &only_here, &media, tools);
        let blocking: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.blocks() && f.network.is_none_or(|n| n == account.profile.network.as_str()))
            .map(|f| f.message.as_str())
            .collect();
        if !blocking.is_empty() {
            return Ok(Finish::Fail(format!("refused before sending: {}", blocking.join("; "))));
        }
        let outgoing = self.outgoing(d, &post, &account, &media).await?;
        let publisher = match factory.publisher(&account, &connection) {
            Ok(p) => p,
            Err(e) => return Ok(Finish::Hold(e)),
        };
        let now = self.now();
        if d.read_back {
            match tokio::time::timeout(self.publishing.call_timeout, publisher.find(&outgoing)).await {
                Ok(Ok(Some(found))) => return Ok(Finish::Done { remote_id: found.remote_id, url: found.url }),
                Ok(Ok(None)) => {}
                // Reading back failed: the outcome is still unknown, so the next attempt reads back again.
                Ok(Err(e)) => return Ok(still_to_read_back(self.step(classify(e), d.attempts, now))),
                Err(_) => {
                    let unknown = CallOutcome::Unknown("reading back timed out".into());
                    return Ok(still_to_read_back(self.step(unknown, d.attempts, now)));
                }
            }
        }
        let timeout = self.publishing.call_timeout;
        let outcome = match tokio::time::timeout(timeout, publisher.publish(&outgoing)).await {
            Ok(Ok(remote)) => CallOutcome::Published { remote_id: remote.remote_id, url: remote.url },
            Ok(Err(e)) => classify(e),
            Err(_) => CallOutcome::Unknown(format!("no answer within {} ms", timeout.as_millis())),
        };
        Ok(self.step(outcome, d.attempts, self.now()))
    }

    fn step(&self, outcome: CallOutcome, attempts: u32, now: Timestamp) -> Finish {
        let rate_limited = matches!(outcome, CallOutcome::RateLimited { .. });
        match next_step(outcome, attempts, now) {
            NextStep::Done { remote_id, url } => Finish::Done { remote_id, url },
            NextStep::RetryAt(at, error) => Finish::Retry { at, error, read_back: false, rate_limited },
            NextStep::ReadBackAt(at, error) => Finish::Retry { at, error, read_back: true, rate_limited },
            NextStep::Fail(e) => Finish::Fail(e),
            NextStep::HoldAccount(e) => Finish::Hold(e),
        }
    }

    async fn outgoing(
        &self,
        d: &Delivery,
        post: &Post,
        account: &Account,
        media: &[(filrouge_domain::ids::MediaId, filrouge_domain::media::MediaFacts)],
    ) -> Result<OutgoingPost> {
        let mut files = Vec::new();
        for m in post.content.media_for(account.id) {
            let Some((_, facts)) = media.iter().find(|(id, _)| *id == m.media_id) else { continue };
            let (mime, bytes) = self.media_file(d.client_id, m.media_id).await?;
            files.push(OutgoingMedia { bytes, mime, alt: m.alt.clone(), width: facts.width, height: facts.height });
        }
        let cw = post.content.content_warning.trim();
        Ok(OutgoingPost {
            idempotency_key: d.idempotency_key.clone(),
            text: post.content.text_for(account.id).to_owned(),
            media: files,
            content_warning: (!cw.is_empty()).then(|| cw.to_owned()),
            visibility: Visibility::Public,
            language: None,
            reply_to: None,
            card: None,
            created_at: post.planned_at.unwrap_or(post.created_at),
        })
    }

    /// Tells the client's community managers an account needs reconnection (by e-mail when a server is set; the
    /// journal and the accounts page say it anyway).
    async fn notify_reconnection(&self, client: ClientId, handle: &str) {
        let Some(mailer) = self.veille.mailer.clone() else { return };
        let Ok(mut tx) = self.store.read().await else { return };
        let Ok(Some(c)) = tx.client_by_id(client).await else { return };
        let Ok(users) = tx.users_of_client(client).await else { return };
        let to: Vec<_> = users
            .into_iter()
            .filter(|u| {
                !u.disabled
                    && matches!(
                        u.role,
                        filrouge_domain::user::Role::CommunityManager | filrouge_domain::user::Role::Manager
                    )
            })
            .map(|u| u.email)
            .collect();
        if to.is_empty() {
            return;
        }
        let link = format!("{}/c/{}/accounts", self.veille.public_url, c.profile.slug);
        let letter = crate::mailer::Letter {
            to,
            subject: format!("[{}] {handle} : à reconnecter / needs reconnection", c.profile.name),
            text: format!(
                "Le compte {handle} de {} doit être reconnecté ; ses publications sont retenues (jamais perdues).\n\
                 The account {handle} needs reconnection; its posts are held, not dropped.\n\n{link}\n",
                c.profile.name
            ),
            html: format!("<p>{}</p>", filrouge_feeds::escape::xml(&format!("{handle}: {link}"))),
            message_id: format!("<reconnect-{client}-{}@filrouge>", self.now().as_millisecond()),
        };
        if let Err(e) = mailer.send(&letter).await {
            tracing::warn!(error = %e, "reconnection notice not sent");
        }
    }
}

/// The default publishers.
pub(crate) type Factory = Arc<dyn PublisherFactory>;
