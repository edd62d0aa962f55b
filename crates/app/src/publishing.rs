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
use filrouge_domain::publishing::{idempotency_key, next_step, CallOutcome, DeliveryState, NextStep};
use filrouge_networks::publish::{OutgoingMedia, OutgoingPost, PublishError, Publisher, Visibility};
use filrouge_store::{Delivery, NewDelivery, Tx};
use jiff::{SignedDuration, Timestamp};

use crate::error::{AppError, Result};
use crate::App;

/// How long a claim lasts: longer than any network call (their time-out is `CALL_TIMEOUT`).
pub const LEASE: SignedDuration = SignedDuration::from_secs(120);
/// The longest a publish call may take before its outcome counts as unknown.
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
    Done { remote_id: String, url: String },
    Retry { at: Timestamp, error: String, read_back: bool },
    Fail(String),
    Hold(String),
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
        let now = self.now();
        let settings = self.publishing.clone();
        let mut tx = self.store.write().await?;
        let networks: HashMap<AccountId, Network> = tx.account_networks().await?.into_iter().collect();
        let pace = |a: AccountId| {
            networks.get(&a).and_then(|n| settings.pace.get(n)).copied().unwrap_or(SignedDuration::from_secs(2))
        };
        let lease_until = now.saturating_add(LEASE).unwrap_or(now);
        let claimed = tx.claim_publications(now, lease_until, &settings.worker, settings.batch, &pace).await?;
        for d in &claimed {
            tx.mark_post_publishing(d.post_id, now).await?;
        }
        tx.commit().await?;
        let mut report = PublishReport { claimed: claimed.len(), ..PublishReport::default() };
        use futures_util::stream::StreamExt;
        let mut attempts = futures_util::stream::iter(claimed.into_iter().map(|d| async move {
            let finish = self.attempt(&d).await;
            (d, finish)
        }))
        .buffer_unordered(settings.concurrency.max(1));
        let mut outcomes = Vec::new();
        while let Some((delivery, finish)) = attempts.next().await {
            match &finish {
                Ok(Finish::Done { .. }) => report.published += 1,
                Ok(Finish::Retry { .. }) | Err(_) => report.retried += 1,
                Ok(Finish::Fail(_)) => report.failed += 1,
                Ok(Finish::Hold(_)) => report.held += 1,
            }
            let finish = finish.unwrap_or_else(|e| Finish::Retry {
                at: self.now().saturating_add(SignedDuration::from_secs(30)).unwrap_or(now),
                error: e.to_string(),
                read_back: true,
            });
            outcomes.push((delivery, finish));
        }
        // The round's outcomes in one transaction (a crash before it commits leaves the claims to be read back).
        let mut tx = self.store.write().await?;
        let mut reconnect = Vec::new();
        for (delivery, finish) in &outcomes {
            if let Some(handle) = self.finish_in(&mut tx, delivery, finish).await? {
                reconnect.push((delivery.client_id, handle));
            }
        }
        tx.commit().await?;
        for (client, handle) in reconnect {
            self.notify_reconnection(client, &handle).await;
        }
        Ok(report)
    }

    /// One attempt of one claimed delivery: check, build, read back or publish.
    async fn attempt(&self, d: &Delivery) -> Result<Finish> {
        let factory = self.publishers.clone().ok_or_else(|| AppError::Remote("no publisher configured".into()))?;
        let (client, post, account, connection, media, instance_limits) = {
            let mut tx = self.store.read().await?;
            let client = tx.client_by_id(d.client_id).await?.ok_or(AppError::NotFound)?;
            let post = tx.post(d.client_id, d.post_id).await?.ok_or(AppError::NotFound)?;
            let account = tx.account(d.client_id, d.account_id).await?.ok_or(AppError::NotFound)?;
            let connection = match self.connection_of(&mut tx, &account).await {
                Ok(c) => c,
                // Missing or unreadable credentials hold the delivery until the account is connected again.
                Err(AppError::Remote(e)) => return Ok(Finish::Hold(e)),
                Err(e) => return Err(e),
            };
            let media = self.attachments(&mut tx, d.client_id, &post.content).await?;
            let limits = crate::guards::stored_instance_limits(&mut tx, std::slice::from_ref(&account)).await?;
            (client, post, account, connection, media, limits)
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
            match tokio::time::timeout(CALL_TIMEOUT, publisher.find(&outgoing)).await {
                Ok(Ok(Some(found))) => return Ok(Finish::Done { remote_id: found.remote_id, url: found.url }),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => return Ok(self.step(classify(e), d.attempts, now)),
                Err(_) => return Ok(self.step(CallOutcome::Unknown("reading back timed out".into()), d.attempts, now)),
            }
        }
        let outcome = match tokio::time::timeout(CALL_TIMEOUT, publisher.publish(&outgoing)).await {
            Ok(Ok(remote)) => CallOutcome::Published { remote_id: remote.remote_id, url: remote.url },
            Ok(Err(e)) => classify(e),
            Err(_) => CallOutcome::Unknown(format!("no answer within {} s", CALL_TIMEOUT.as_secs())),
        };
        Ok(self.step(outcome, d.attempts, self.now()))
    }

    fn step(&self, outcome: CallOutcome, attempts: u32, now: Timestamp) -> Finish {
        match next_step(outcome, attempts, now) {
            NextStep::Done { remote_id, url } => Finish::Done { remote_id, url },
            NextStep::RetryAt(at, error) => Finish::Retry { at, error, read_back: false },
            NextStep::ReadBackAt(at, error) => Finish::Retry { at, error, read_back: true },
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

    /// Records an attempt's outcome, moves the post's state when all its deliveries are settled, and journals it.
    /// Returns the account's handle when it now needs reconnection (to notify after the commit).
    async fn finish_in(&self, tx: &mut Tx, d: &Delivery, finish: &Finish) -> Result<Option<String>> {
        let now = self.now();
        let worker = self.publishing.worker.clone();
        let account = tx.account(d.client_id, d.account_id).await?;
        let handle = account.as_ref().map_or_else(|| format!("account {}", d.account_id), |a| a.profile.handle.clone());
        let (held, entry) = match finish {
            Finish::Done { remote_id, url } => {
                if !tx.publication_done(d.id, &worker, remote_id, url, now).await? {
                    return Ok(None); // another worker took it over: it records its own outcome
                }
                (false, Some((JournalAction::PostPublished, format!("Published on {handle}: {url}"))))
            }
            Finish::Retry { at, error, read_back } => {
                tx.publication_retry(d.id, &worker, *at, error, *read_back, now).await?;
                (false, None)
            }
            Finish::Fail(error) => {
                if !tx.publication_failed(d.id, &worker, error, now).await? {
                    return Ok(None);
                }
                (false, Some((JournalAction::PostFailed, format!("Not published on {handle}: {error}"))))
            }
            Finish::Hold(reason) => {
                let n = tx.hold_account(d.account_id, reason, now).await?;
                let summary =
                    format!("{handle} needs reconnection ({reason}); {n} post(s) held until it is reconnected");
                (true, Some((JournalAction::AccountNeedsReconnection, summary)))
            }
        };
        self.settle_post(tx, d.client_id, d.post_id, now).await?;
        if let Some((action, summary)) = entry {
            let entry = NewJournalEntry {
                at: now,
                user_id: None,
                client_id: Some(d.client_id),
                account_id: Some(d.account_id),
                action,
                object: format!("post:{}", d.post_id),
                summary,
            };
            tx.append_journal(&entry).await?;
        }
        Ok(held.then_some(handle))
    }

    /// Published when every delivery is; failed when none is left to try and one failed.
    async fn settle_post(&self, tx: &mut Tx, client: ClientId, post: PostId, now: Timestamp) -> Result<()> {
        let deliveries = tx.deliveries_of_post(post).await?;
        let all = |s: DeliveryState| deliveries.iter().all(|d| d.state == s);
        let busy = deliveries.iter().any(|d| matches!(d.state, DeliveryState::Pending | DeliveryState::Claimed));
        let state = if !deliveries.is_empty() && all(DeliveryState::Published) {
            Some(PostState::Published)
        } else if !busy && deliveries.iter().any(|d| d.state == DeliveryState::Failed) {
            Some(PostState::Failed)
        } else {
            None
        };
        if let Some(state) = state {
            tx.set_post_state_any(client, post, state, now).await?;
        }
        Ok(())
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
