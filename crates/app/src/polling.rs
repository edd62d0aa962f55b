//! The poller: fetches due sources politely (per-host limits, conditional GET, the server's
//! timing wishes, backoff), turns what came back into mentions and stores them with the source's
//! new health in one transaction, so a crash at any point loses nothing and stores nothing twice
//! (mentions are deduplicated by key; a refetch after a crash only finds them again).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use filrouge_domain::account::Network;
use filrouge_domain::ids::{ClientId, SourceId};
use filrouge_domain::mention::NewMention;
use filrouge_domain::permission::Action;
use filrouge_domain::schedule::{next_fetch, ServerHints};
use filrouge_domain::source::{FetchStatus, Source, SourceKind};
use filrouge_listen::fetch::{fetch, Validators};
use filrouge_listen::{normalise, social};
use filrouge_store::FetchRecord;
use futures_util::StreamExt;
use jiff::SignedDuration;
use url::Url;

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::App;

const ACCOUNT_PURPOSE: &str = "account";

/// What a poll cycle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollReport {
    pub sources: u32,
    pub ok: u32,
    pub not_modified: u32,
    pub failed: u32,
    pub new_mentions: u64,
}

/// What fetching one source did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOutcome {
    pub source: SourceId,
    pub status: FetchStatus,
    pub new_mentions: u64,
    pub error: Option<String>,
}

impl App {
    /// Stores mentions found for a source outside the poller (imports, the demo, benchmarks):
    /// fingerprints computed where missing, stored once, then indexed.
    pub async fn ingest_mentions(
        &self,
        actor: &Actor,
        slug: &str,
        source: SourceId,
        mentions: Vec<NewMention>,
    ) -> Result<filrouge_store::IngestOutcome> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        tx.source(client.id, source).await?.ok_or(AppError::NotFound)?;
        let mut mentions: Vec<NewMention> = mentions
            .into_iter()
            .map(|mut m| {
                if m.fingerprint.is_none() && m.text.chars().count() >= normalise::MIN_FINGERPRINT_CHARS {
                    m.fingerprint = Some(filrouge_feeds::neardup::fingerprint(&m.text));
                }
                m.bounded()
            })
            .collect();
        let stored = self.store_mentions(&mut tx, client.id, source, &mut mentions, now).await?;
        tx.commit().await?;
        if stored.alerts > 0 {
            self.alerts_committed();
        }
        self.index_catch_up().await?;
        Ok(stored.outcome)
    }
}

/// Health updates waiting to be written together.
type Pending = std::sync::Mutex<Vec<(SourceId, FetchRecord)>>;

/// Health updates written per transaction during a poll cycle.
const HEALTH_BATCH: usize = 256;

impl App {
    async fn flush_health(&self, batch: Vec<(SourceId, FetchRecord)>) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let (unchanged, others): (Vec<_>, Vec<_>) = batch.into_iter().partition(|(_, r)| {
            r.status == FetchStatus::NotModified
                && r.etag.is_none()
                && r.last_modified.is_none()
                && r.cursor.is_none()
                && r.moved_to.is_none()
                && r.error.is_none()
        });
        let unchanged: Vec<_> = unchanged.into_iter().map(|(id, r)| (id, r.at, r.next_fetch)).collect();
        let mut tx = self.store.write().await?;
        tx.record_unchanged(&unchanged).await?;
        for (id, record) in &others {
            tx.record_fetch(*id, record).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// What a fetch produced before it is stored.
struct Harvest {
    status: FetchStatus,
    error: Option<String>,
    mentions: Vec<NewMention>,
    hints: ServerHints,
    etag: Option<String>,
    last_modified: Option<String>,
    cursor: Option<String>,
    moved_to: Option<String>,
}

impl Harvest {
    fn failed(error: String, retry_after: Option<std::time::Duration>) -> Self {
        Harvest {
            status: FetchStatus::Error,
            error: Some(error),
            mentions: Vec::new(),
            hints: ServerHints { retry_after: signed(retry_after), ..Default::default() },
            etag: None,
            last_modified: None,
            cursor: None,
            moved_to: None,
        }
    }
}

fn signed(d: Option<std::time::Duration>) -> Option<SignedDuration> {
    d.and_then(|d| SignedDuration::try_from(d).ok())
}

/// A stable spread in [0, 1) per source, so sources added together do not stay in step.
fn jitter(id: SourceId) -> f64 {
    ((id.0.unsigned_abs().wrapping_mul(2_654_435_761)) % 1000) as f64 / 1000.0
}

impl App {
    /// One poll cycle over the sources due now (at most `limit`), fetched concurrently within the
    /// per-host and global limits. Errors are recorded on each source, not returned.
    pub async fn poll_due(&self, limit: u32) -> Result<PollReport> {
        let due = self.store.read().await?.due_sources(self.now(), limit).await?;
        let report = (AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0), AtomicU64::new(0));
        let pending: Pending = std::sync::Mutex::new(Vec::new());
        let concurrency = self.listening.concurrency;
        futures_util::stream::iter(due)
            .for_each_concurrent(concurrency, |source| {
                let (report, pending) = (&report, &pending);
                async move {
                    let outcome = self.poll_one(source, Some(pending)).await;
                    match outcome.status {
                        FetchStatus::Ok => report.0.fetch_add(1, Ordering::Relaxed),
                        FetchStatus::NotModified => report.1.fetch_add(1, Ordering::Relaxed),
                        FetchStatus::Error => report.2.fetch_add(1, Ordering::Relaxed),
                    };
                    report.3.fetch_add(outcome.new_mentions, Ordering::Relaxed);
                }
            })
            .await;
        let rest = std::mem::take(&mut *pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        self.flush_health(rest).await?;
        let (ok, nm, failed) =
            (report.0.load(Ordering::Relaxed), report.1.load(Ordering::Relaxed), report.2.load(Ordering::Relaxed));
        let new_mentions = report.3.load(Ordering::Relaxed);
        if new_mentions > 0 {
            self.index_catch_up().await?;
        }
        Ok(PollReport { sources: ok + nm + failed, ok, not_modified: nm, failed, new_mentions })
    }

    /// Fetches one source now, whatever its schedule (the command line's `source poll`).
    pub async fn poll_source(&self, actor: &Actor, slug: &str, id: SourceId) -> Result<SourceOutcome> {
        let source = {
            let mut tx = self.store.read().await?;
            let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
            tx.source(client.id, id).await?.ok_or(AppError::NotFound)?
        };
        let outcome = self.poll_one(source, None).await;
        if outcome.new_mentions > 0 {
            self.index_catch_up().await?;
        }
        Ok(outcome)
    }

    /// Fetches, normalises and stores one source. Never fails: a failure is the source's health.
    async fn poll_one(&self, source: Source, pending: Option<&Pending>) -> SourceOutcome {
        let harvest = match source.spec.kind {
            SourceKind::Feed => self.harvest_feed(&source).await,
            SourceKind::Bluesky | SourceKind::Mastodon => self.harvest_social(&source).await,
        };
        let id = source.id;
        match self.store_harvest(&source, harvest, pending).await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(source = id.0, error = %e, "could not store what a source returned");
                SourceOutcome { source: id, status: FetchStatus::Error, new_mentions: 0, error: Some(e.to_string()) }
            }
        }
    }

    async fn harvest_feed(&self, source: &Source) -> Harvest {
        let url = match Url::parse(&source.spec.url) {
            Ok(u) => u,
            Err(e) => return Harvest::failed(format!("bad address: {e}"), None),
        };
        let Some(http) = self.listening.http.as_ref() else {
            return Harvest::failed("no HTTP client".into(), None);
        };
        let host = url.host_str().unwrap_or("").to_owned();
        let _slot = self.listening.limiter.acquire(&host).await;
        let validators =
            Validators { etag: source.health.etag.clone(), last_modified: source.health.last_modified.clone() };
        let outcome = match fetch(http, &self.listening.settings, &url, &validators).await {
            Ok(o) => o,
            Err(e) => return Harvest::failed(e.to_string(), e.retry_after()),
        };
        let moved_to = outcome.moved_to.as_ref().map(Url::to_string);
        let mut hints =
            ServerHints { retry_after: signed(outcome.retry_after), max_age: signed(outcome.max_age), ttl: None };
        let Some(page) = outcome.fetched else {
            return Harvest {
                status: FetchStatus::NotModified,
                error: None,
                mentions: Vec::new(),
                hints,
                etag: None,
                last_modified: None,
                cursor: None,
                moved_to,
            };
        };
        let now = self.now();
        let final_url = page.final_url.clone();
        let options = filrouge_feeds::ParseOptions {
            base_url: Some(page.final_url.clone()),
            content_type: page.content_type.clone(),
            max_bytes: self.listening.settings.max_body_bytes,
            ..Default::default()
        };
        let body = page.body;
        let parsed = tokio::task::spawn_blocking(move || filrouge_feeds::parse(&body, &options)).await;
        let feed = match parsed {
            Ok(Ok(feed)) => feed,
            Ok(Err(e)) => return Harvest::failed(format!("not a readable feed: {e}"), None),
            Err(e) => return Harvest::failed(format!("parser stopped: {e}"), None),
        };
        hints.ttl = feed.ttl_minutes.map(|m| SignedDuration::from_mins(i64::from(m)));
        let mentions = feed.items.iter().map(|item| normalise::from_feed_item(item, &feed, &final_url, now)).collect();
        Harvest {
            status: FetchStatus::Ok,
            error: feed
                .recovered
                .then(|| format!("damaged feed: kept the items before the break ({})", feed.warnings.join("; "))),
            mentions,
            hints,
            etag: page.validators.etag,
            last_modified: page.validators.last_modified,
            cursor: None,
            moved_to,
        }
    }

    async fn harvest_social(&self, source: &Source) -> Harvest {
        let Some(http) = self.listening.http.as_ref() else {
            return Harvest::failed("no HTTP client".into(), None);
        };
        let credentials = match self.network_credentials(source.client_id, source.spec.kind).await {
            Ok(c) => c,
            Err(e) => return Harvest::failed(format!("credentials: {e}"), None),
        };
        let host = Url::parse(&source.spec.url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
        let _slot = self.listening.limiter.acquire(&host).await;
        let page = match social::search(
            http,
            &self.listening.settings,
            &source.spec,
            source.health.cursor.as_deref(),
            credentials,
        )
        .await
        {
            Ok(p) => p,
            Err(e) => return Harvest::failed(e.to_string(), e.retry_after()),
        };
        let now = self.now();
        let mentions: Vec<NewMention> = page.posts.iter().map(|p| normalise::from_post(p, now)).collect();
        Harvest {
            status: if mentions.is_empty() { FetchStatus::NotModified } else { FetchStatus::Ok },
            error: None,
            mentions,
            hints: ServerHints::default(),
            etag: None,
            last_modified: None,
            cursor: page.cursor,
            moved_to: None,
        }
    }

    /// The handle and secret of the client's connected account on that network, if any.
    pub(crate) async fn network_credentials(
        &self,
        client: ClientId,
        kind: SourceKind,
    ) -> Result<Option<(String, String)>> {
        let network = match kind {
            SourceKind::Bluesky => Network::Bluesky,
            SourceKind::Mastodon => Network::Mastodon,
            SourceKind::Feed => return Ok(None),
        };
        let mut tx = self.store.read().await?;
        for account in tx.accounts_of(client).await? {
            if account.profile.network != network {
                continue;
            }
            let Some(secret_id) = account.credentials else { continue };
            let Some(sealed) = tx.secret(secret_id).await? else { continue };
            let secret = self.secrets.open(ACCOUNT_PURPOSE, &sealed.sealed)?;
            let secret = String::from_utf8(secret).map_err(|_| AppError::Crypto("credentials are not text".into()))?;
            return Ok(Some((account.profile.handle, secret)));
        }
        Ok(None)
    }

    /// Stores what a fetch brought and the source's new health in one transaction. A fetch that
    /// brought nothing (304, an error) only updates health: with `pending`, those updates are
    /// batched into one transaction per [`HEALTH_BATCH`] sources (losing them in a crash only means
    /// fetching those sources again).
    async fn store_harvest(
        &self,
        source: &Source,
        harvest: Harvest,
        pending: Option<&Pending>,
    ) -> Result<SourceOutcome> {
        let now = self.now();
        let failures = if harvest.status == FetchStatus::Error { source.health.consecutive_failures + 1 } else { 0 };
        let next = next_fetch(now, &self.listening.policy, harvest.hints, failures, jitter(source.id));
        let record = FetchRecord {
            at: now,
            status: harvest.status,
            error: harvest.error.clone(),
            next_fetch: next,
            consecutive_failures: failures,
            etag: harvest.etag,
            last_modified: harvest.last_modified,
            cursor: harvest.cursor,
            moved_to: harvest.moved_to,
        };
        if let (Some(pending), true) = (pending, harvest.mentions.is_empty()) {
            let full = {
                let mut queue = pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                queue.push((source.id, record));
                (queue.len() >= HEALTH_BATCH).then(|| std::mem::take(&mut *queue))
            };
            if let Some(batch) = full {
                self.flush_health(batch).await?;
            }
            return Ok(SourceOutcome {
                source: source.id,
                status: harvest.status,
                new_mentions: 0,
                error: harvest.error,
            });
        }
        let mut tx = self.store.write().await?;
        let mut mentions = harvest.mentions;
        let stored = if mentions.is_empty() {
            Default::default()
        } else {
            self.store_mentions(&mut tx, source.client_id, source.id, &mut mentions, now).await?
        };
        tx.record_fetch(source.id, &record).await?;
        tx.commit().await?;
        if stored.alerts > 0 {
            self.alerts_committed();
        }
        Ok(SourceOutcome {
            source: source.id,
            status: harvest.status,
            new_mentions: stored.outcome.linked,
            error: harvest.error,
        })
    }
}
