//! Filling the inbox: each connected account's replies, mentions, quotes and private messages read from its
//! network after the stored cursor, analysed (language, sentiment, intent), triaged (the client's rules, the duty
//! rota after hours, the response target) and stored once, **with the cursor in the same transaction**: a crash
//! or a restart in the middle of a sync loses nothing (the cursor did not move past anything not stored) and
//! stores nothing twice (items are unique per account and remote id). The veille's mentions marked "needs a
//! reply" join the inbox the same way.

use std::collections::HashMap;
use std::sync::Arc;

use filrouge_domain::account::{Account, AccountStatus};
use filrouge_domain::client::Client;
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::{AccountId, SecretId};
use filrouge_domain::inbox::rules::{self, Subject};
use filrouge_domain::inbox::{self, Author, ItemKind, NewInboxItem, Triage};
use filrouge_domain::mention::Mention;
use filrouge_domain::permission::Action;
use filrouge_domain::user::User;
use filrouge_networks::inbox::{InboxReader, IncomingItem, IncomingKind};
use filrouge_networks::publish::PublishError;
use filrouge_store::Tx;
use jiff::{SignedDuration, Timestamp};

use crate::error::{AppError, Result};
use crate::inbox_settings::{settings_of, InboxSettings};
use crate::{Actor, App};

/// Items asked for per call.
pub const PAGE_LIMIT: u32 = 40;
/// Calls per account per sync at most (a longer backlog continues at the next sync).
pub const MAX_PAGES: usize = 25;
/// The longest a call to a network may take.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The readers of this process, per account and credentials (a reconnection makes a new one).
#[derive(Default)]
pub(crate) struct Readers(std::sync::Mutex<HashMap<(AccountId, SecretId), Arc<dyn InboxReader>>>);

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |r| r.len());
        write!(f, "Readers({n})")
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub accounts: usize,
    pub fetched: usize,
    /// New items stored (the rest were already there).
    pub stored: usize,
    /// `handle: error` per account that failed.
    pub errors: Vec<String>,
}

/// Decides what happens to a new item: rules, the rota after hours, the response deadline, the priority.
pub(crate) fn triage_new(
    settings: &InboxSettings,
    members: &[User],
    tz: &jiff::tz::TimeZone,
    item: &NewInboxItem,
) -> (Triage, i32) {
    let subject = Subject {
        intent: item.intent,
        sentiment: item.sentiment,
        text: &item.text,
        followers: item.author.followers,
        network: &item.network,
        kind: item.kind,
        language: item.language.as_deref(),
    };
    let effects = rules::apply(&settings.rules, &subject);
    let member = |email: &str| members.iter().find(|m| m.email.as_str().eq_ignore_ascii_case(email)).map(|m| m.id);
    let mut assignee = effects.assign.as_deref().and_then(member);
    let arrived = item.published_at.min(item.received_at);
    if assignee.is_none() && !settings.hours.is_open(arrived, tz) {
        assignee = settings.rota.on_duty(arrived, tz).and_then(member);
    }
    let due_at = settings
        .target()
        .filter(|_| inbox::expects_answer(item.kind, item.intent))
        .and_then(|target| settings.hours.deadline(arrived, target.as_secs(), tz));
    let priority = inbox::priority(effects.urgent, item.kind, item.intent, item.author.followers);
    let triage = Triage {
        state: effects.state,
        assignee,
        urgent: effects.urgent,
        hidden: effects.hidden,
        labels: effects.labels,
        due_at,
        history: false,
    };
    (triage, priority)
}

fn kind_of(kind: IncomingKind) -> ItemKind {
    match kind {
        IncomingKind::Reply => ItemKind::Reply,
        IncomingKind::Mention => ItemKind::Mention,
        IncomingKind::Quote => ItemKind::Quote,
        IncomingKind::DirectMessage => ItemKind::DirectMessage,
    }
}

fn bounded(text: &str) -> String {
    if text.len() <= inbox::MAX_TEXT_CHARS {
        return text.to_owned();
    }
    let cut = text.floor_char_boundary(inbox::MAX_TEXT_CHARS);
    format!("{}…", &text[..cut])
}

impl App {
    /// Syncs the inbox of every connected account of `slug` (or of every client the actor may answer for).
    /// `progress` is told `(accounts done, accounts in all)`.
    pub async fn sync_inbox(
        &self,
        actor: &Actor,
        slug: Option<&str>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SyncReport> {
        let clients = self.clients_allowed(actor, slug, false, Action::AnswerInbox).await?;
        let mut work = Vec::new();
        {
            let mut tx = self.store.read().await?;
            for client in clients {
                for account in tx.accounts_of(client.id).await? {
                    if account.status == AccountStatus::Connected && account.credentials.is_some() {
                        work.push((client.clone(), account));
                    }
                }
            }
        }
        let mut report = SyncReport { accounts: work.len(), ..SyncReport::default() };
        progress(0, work.len());
        for (n, (client, account)) in work.iter().enumerate() {
            let (fetched, stored, error) = self.sync_account(client, account).await;
            report.fetched += fetched;
            report.stored += stored;
            if let Some(e) = error {
                report.errors.push(format!("{}: {e}", account.profile.handle));
            }
            progress(n + 1, work.len());
        }
        Ok(report)
    }

    /// The reader of an account's inbox, from its stored connection (kept for the next call).
    pub(crate) async fn inbox_reader(&self, tx: &mut Tx, account: &Account) -> Result<Arc<dyn InboxReader>> {
        let key = account.credentials.map(|secret| (account.id, secret));
        let cached = |readers: &Readers| {
            let readers = readers.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            key.and_then(|k| readers.get(&k).cloned())
        };
        if let Some(reader) = cached(&self.inbox_readers) {
            return Ok(reader);
        }
        let connection = self.connection_of(tx, account).await?;
        let factory = self.publishers.clone().ok_or_else(|| AppError::Remote("this process has no networks".into()))?;
        let reader: Arc<dyn InboxReader> = Arc::from(factory.inbox(account, &connection).map_err(AppError::Remote)?);
        if let Some(k) = key {
            let mut readers = self.inbox_readers.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            readers.retain(|(a, _), _| *a != account.id);
            readers.insert(k, reader.clone());
        }
        Ok(reader)
    }

    /// The publisher of an account, from its stored connection.
    pub(crate) async fn publisher_of(
        &self,
        account: &Account,
    ) -> Result<Box<dyn filrouge_networks::publish::Publisher>> {
        let connection = {
            let mut tx = self.store.read().await?;
            self.connection_of(&mut tx, account).await?
        };
        let factory = self.publishers.clone().ok_or_else(|| AppError::Remote("this process has no networks".into()))?;
        factory.publisher(account, &connection).map_err(AppError::Remote)
    }

    /// An account's stored connection, unsealed.
    pub(crate) async fn connection_of(&self, tx: &mut Tx, account: &Account) -> Result<Connection> {
        let secret_id = account
            .credentials
            .ok_or_else(|| AppError::Remote(format!("{} has no credentials", account.profile.handle)))?;
        let sealed = tx.secret(secret_id).await?.ok_or(AppError::NotFound)?;
        self.unseal_connection(account, &sealed)
    }

    /// The connection sealed in an account's secret.
    pub(crate) fn unseal_connection(
        &self,
        account: &Account,
        sealed: &filrouge_store::SealedSecret,
    ) -> Result<Connection> {
        let plain = self.secrets.open(crate::accounts::ACCOUNT_PURPOSE, &sealed.sealed)?;
        Connection::parse(&String::from_utf8_lossy(&plain), account.profile.network, &account.profile.handle)
            .map_err(|e| AppError::Remote(e.to_string()))
    }

    /// Reads one account's new items page by page, storing each page with its cursor: what was fetched and
    /// stored, and the error that stopped it (what came before the error is kept).
    async fn sync_account(&self, client: &Client, account: &Account) -> (usize, usize, Option<AppError>) {
        let mut counts = (0, 0);
        let error = self.sync_pages(client, account, &mut counts).await.err();
        (counts.0, counts.1, error)
    }

    async fn sync_pages(&self, client: &Client, account: &Account, counts: &mut (usize, usize)) -> Result<()> {
        let reader = {
            let mut tx = self.store.read().await?;
            self.inbox_reader(&mut tx, account).await?
        };
        let tz = jiff::tz::TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(jiff::tz::TimeZone::UTC);
        // An account's first sync reads its history: what is older than a week arrives closed.
        let first_sync = self.store.read().await?.inbox_cursor(account.id).await?.is_none();
        for _ in 0..MAX_PAGES {
            let cursor = self.store.read().await?.inbox_cursor(account.id).await?.and_then(|c| c.cursor);
            let page = match tokio::time::timeout(CALL_TIMEOUT, reader.received(cursor.as_deref(), PAGE_LIMIT)).await {
                Ok(Ok(page)) => page,
                Ok(Err(e)) => return Err(self.sync_failed(account, e).await),
                Err(_) => {
                    let e = PublishError::Transient(format!("no answer within {} s", CALL_TIMEOUT.as_secs()));
                    return Err(self.sync_failed(account, e).await);
                }
            };
            counts.0 += page.items.len();
            counts.1 += self
                .store_received(client, account, &tz, &page.items, Some(page.cursor.as_deref()), first_sync)
                .await?;
            if !page.more {
                break;
            }
        }
        Ok(())
    }

    /// Analyses, triages and stores received items in one transaction, with the account's cursor when given;
    /// returns how many were new.
    async fn store_received(
        &self,
        client: &Client,
        account: &Account,
        tz: &jiff::tz::TimeZone,
        items: &[IncomingItem],
        cursor: Option<Option<&str>>,
        first_sync: bool,
    ) -> Result<usize> {
        let now = self.now();
        let history_before =
            now.saturating_sub(SignedDuration::from_hours(24 * inbox::FIRST_SYNC_OPEN_DAYS)).unwrap_or(now);
        let new: Vec<NewInboxItem> = items.iter().map(|i| self.new_item(client, account, i, now)).collect();
        let mut tx = self.store.write().await?;
        let settings = settings_of(&mut tx, client).await?;
        let members = tx.users_of_client(client.id).await?;
        let mut stored = 0;
        for item in &new {
            let (mut triage, priority) = triage_new(&settings, &members, tz, item);
            triage.history = first_sync && item.published_at < history_before;
            if tx.insert_inbox_item(item, &triage, priority).await?.is_some() {
                stored += 1;
            }
        }
        if let Some(cursor) = cursor {
            tx.set_inbox_cursor(account.id, cursor, now, None).await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// Stores items an account received that came another way than a sync (the demo, an import): analysed,
    /// triaged and stored once, like synced ones; the account's cursor is left alone.
    pub async fn receive_inbox_items(
        &self,
        actor: &Actor,
        slug: &str,
        account: AccountId,
        items: &[IncomingItem],
    ) -> Result<usize> {
        let (client, account) = {
            let mut tx = self.store.read().await?;
            let client = crate::access::client_for(&mut tx, actor, slug, Action::AnswerInbox).await?;
            let account = tx.account(client.id, account).await?.ok_or(AppError::NotFound)?;
            (client, account)
        };
        let tz = jiff::tz::TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(jiff::tz::TimeZone::UTC);
        self.store_received(&client, &account, &tz, items, None, false).await
    }

    /// Records a failed sync on the account's cursor; revoked credentials hold the account as publishing does.
    async fn sync_failed(&self, account: &Account, e: PublishError) -> AppError {
        let now = self.now();
        let message = e.to_string();
        let result: Result<()> = async {
            let mut tx = self.store.write().await?;
            tx.set_inbox_cursor(account.id, None, now, Some(&message)).await?;
            if let PublishError::NeedsReconnection(reason) = &e {
                tx.hold_account(account.id, reason, now).await?;
            }
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(store) = result {
            tracing::warn!(error = %store, "could not record the inbox sync failure");
        }
        AppError::Remote(message)
    }

    fn new_item(&self, client: &Client, account: &Account, item: &IncomingItem, now: Timestamp) -> NewInboxItem {
        let text = bounded(&item.text);
        let (lang, analysis) = self.veille.analyse("", &text, item.language.as_deref());
        NewInboxItem {
            client_id: client.id,
            account_id: Some(account.id),
            mention_id: None,
            network: account.profile.network.as_str().to_owned(),
            kind: kind_of(item.kind),
            remote_id: item.remote_id.clone(),
            cid: item.cid.clone(),
            thread_key: item.thread_root.clone(),
            url: item.url.clone(),
            author: Author {
                remote_id: item.author.remote_id.clone(),
                handle: item.author.handle.clone(),
                name: item.author.display_name.clone(),
                followers: item.author.followers,
                url: item.author.url.clone(),
            },
            text,
            context_text: item.context_text.as_deref().map(bounded),
            in_reply_to: item.in_reply_to.clone(),
            language: lang.map(str::to_owned).or_else(|| item.language.clone()),
            sentiment: Some(analysis.sentiment),
            sentiment_score: analysis.sentiment_score,
            intent: Some(analysis.intent),
            published_at: item.published,
            received_at: now,
        }
    }

    /// Puts a mention of the veille marked "needs a reply" into the client's inbox (once).
    pub(crate) async fn inbox_from_mention(&self, tx: &mut Tx, client: &Client, mention: &Mention) -> Result<()> {
        if tx.inbox_item_for_mention(client.id, mention.id).await?.is_some() {
            return Ok(());
        }
        let text = if mention.title.is_empty() || mention.text.starts_with(&mention.title) {
            bounded(&mention.text)
        } else {
            bounded(&format!("{}\n{}", mention.title, mention.text))
        };
        let analysis = mention.analysis;
        let item = NewInboxItem {
            client_id: client.id,
            account_id: None,
            mention_id: Some(mention.id),
            network: mention.source_kind.as_str().to_owned(),
            kind: ItemKind::Listening,
            remote_id: mention.url.clone(),
            cid: None,
            thread_key: format!("mention:{}", mention.id),
            url: mention.url.clone(),
            author: Author {
                remote_id: mention.author.handle.clone(),
                handle: mention.author.handle.clone(),
                name: mention.author.name.clone(),
                followers: mention.author.followers,
                url: None,
            },
            text,
            context_text: None,
            in_reply_to: None,
            language: mention.lang.clone(),
            sentiment: analysis.map(|a| a.sentiment),
            sentiment_score: analysis.map_or(0.0, |a| a.sentiment_score),
            intent: analysis.map(|a| a.intent),
            published_at: mention.published,
            received_at: self.now(),
        };
        let settings = settings_of(tx, client).await?;
        let members = tx.users_of_client(client.id).await?;
        let tz = jiff::tz::TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(jiff::tz::TimeZone::UTC);
        let (triage, priority) = triage_new(&settings, &members, &tz, &item);
        tx.insert_inbox_item(&item, &triage, priority).await?;
        Ok(())
    }
}
