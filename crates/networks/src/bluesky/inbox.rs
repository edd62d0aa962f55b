//! The inbox of one Bluesky account: [`BlueskyInbox`] implements [`InboxReader`] over
//! `app.bsky.notification.listNotifications`, with the app-password session of [`BlueskyPublisher`] (one session
//! per account, refreshed or renewed as `session.rs` says).
//!
//! # What is read
//!
//! Notifications with the reasons `reply`, `mention` and `quote`, filtered here (the `reasons=` parameter is not
//! sent: several filters at once misbehave on the AppView). Kind: the notification's reason (`reply` →
//! [`IncomingKind::Reply`], `quote` → [`IncomingKind::Quote`], `mention` → [`IncomingKind::Mention`]); one post
//! notified twice (a reply that also names the account) is one item of the stronger kind (reply, then quote,
//! then mention). Private messages come from the chat log (see "Private messages" below).
//!
//! # Cursor
//!
//! `listNotifications` is newest first and its own cursor pages backwards. Ours points forwards, like search's
//! (`cursor.rs`), but remembers more: the AppView indexes asynchronously and sorts a notification at the earlier
//! of the post's `createdAt` and its indexing time, so a post indexed late appears *below* notifications already
//! read (the tests saw it happen within one second). Our mark is therefore a *floor* time and the URIs consumed
//! at or after it: a notification is new when it is at or after the floor and not among those URIs. The floor
//! trails the newest notification consumed by [`LATE_WINDOW`] (two minutes), and the mark keeps at most 200 URIs
//! (past that the floor rises to the oldest one kept). A call pages backwards from the newest notification until
//! it passes the floor, at most `max_pages` pages of `page_size` (10 × 100 by default), then returns the
//! *oldest* `limit` new items, oldest first; the mark also takes in likes, follows and other skipped
//! notifications, so they are not paged through again. `more` says new items remain.
//!
//! When the bound is hit before the mark is reached, the oldest new items have not been seen, so nothing is
//! returned (returning newer items would move the mark over the unseen ones): the page is empty, `more` is true,
//! and the cursor keeps the old mark plus an AppView cursor to resume from (`resume`): the one that fetched the
//! deepest page holding something new, so the next call re-reads that page and goes on downwards (another
//! `max_pages` at most). Its range thus always holds at least one new item, and the AppView's cursors being
//! exclusive (`sortAt < cursor`) loses nothing. Once a call reaches the mark it returns the oldest `limit` items
//! after it, with `more` true; the call after that starts from the newest again. Every call thus either moves
//! the mark or goes deeper, and nothing between the mark and the newest notification is skipped (a backlog of
//! `n` pages costs about `n²/2` page reads in all: the defaults make that rare).
//!
//! Without a cursor, "everything recent" is the newest page of notifications (`page_size`): older ones are not
//! read. Limits: a post that sorts more than [`LATE_WINDOW`] below the newest notification consumed (back-dated,
//! or indexed very late) is not seen; an item indexed late comes in a later page than newer ones (each page is
//! still oldest first); notifications sharing one millisecond across two AppView pages can be skipped by the
//! AppView's own paging.
//!
//! # Private messages
//!
//! Each call also reads `chat.bsky.convo.getLog` forwards from the `rev` kept in the cursor (`chat.rs` says what
//! becomes an item: messages from others, not deleted), as [`IncomingKind::DirectMessage`] items:
//! `remote_id` `chat:<convoId>:<messageId>`, `thread_root` `chat:<convoId>`, `url` empty, no `cid`, `published`
//! the message's `sentAt`, the author's handle, display name and followers from `getProfiles`. The chat part takes
//! what the notifications left of `limit`; when they took it all, chat is not read and `more` is true. Items of
//! both sources are returned oldest first (merged by `published`, each source keeping its own order); `more` is
//! true when either has more.
//!
//! A cursor without a chat part (`None`, or one written before private messages were read) starts chat "now":
//! its latest `rev` is read and no older message is imported.
//!
//! Chat never fails the call: when the chat service refuses the account (a 4xx: an app password without the
//! "direct messages" permission gets a 401 `Bad token scope` on chat calls only, or chat is not enabled) or fails
//! (429, 5xx, unreachable: a PDS without a chat service, like the local dev-env's, answers 500), notifications are
//! returned as usual and the chat part of the cursor is kept as it was, so the next call reads the same messages
//! again and nothing is lost. A warning is logged when chat starts failing (once, not at every call), and again
//! after it worked in between.
//!
//! The cursor is JSON (`{"v":1,"floor":…,"seen":[…],"resume":…,"chat":"<rev>"}`); `chat` was added later and is
//! optional, and `floor`/`seen` are absent while no notification was ever consumed.
//!
//! # Fields
//!
//! `remote_id` is the post's `at://` URI, `cid` its content id; `url` `<web base>/profile/<handle>/post/<rkey>`
//! (bsky.app unless [`BlueskyInbox::with_web_base`]); text the record's `text` (plain already), cut to
//! [`super::MAX_TEXT_BYTES`]; language `langs[0]` when it looks like a tag; `published` the record's
//! `createdAt`, else the notification's time. A reply's `in_reply_to` and `thread_root` are its record's
//! `reply.parent.uri` and `reply.root.uri` (else the post is its own root); a quote's `quoted` is its embedded
//! record's URI (`app.bsky.embed.record`, or the record of `app.bsky.embed.recordWithMedia`), filled for any
//! item quoting a post. `context_text` is the parent's text (a reply) or the quoted post's text, read with
//! `app.bsky.feed.getPosts` in batches of 25 distinct URIs (at most `limit` URIs per call of
//! [`InboxReader::received`]). Followers come from `app.bsky.actor.getProfiles` for the distinct authors, in
//! batches of 25 (the notification's author view has no counts). A notification that does not decode is skipped
//! with a warning; the mark still moves over it when its time and URI are readable.
//!
//! # Likes
//!
//! A private message cannot be liked: [`InboxReader::like`] refuses a `chat:` id ([`PublishError::Permanent`]).
//!
//! [`InboxReader::hide`] puts a reply in the `hiddenReplies` of the threadgate of the account's own thread (the
//! record shares the root post's key; its other fields are kept); replies in other people's threads cannot be hidden.
//!
//! [`InboxReader::like`] writes an `app.bsky.feed.like` record under a record key computed from the liked post's
//! URI (a valid TID from a hash, as `tid.rs` does for posts), so liking twice targets the same record: when the
//! write fails (the PDS answers 500 for a taken key) and a like of that post is found under the key, it succeeds.
//! Without a `cid`, the post's is read with `getPosts`. The like's `createdAt` comes from the clock given to
//! [`BlueskyInbox::new`].

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use jiff::Timestamp;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use super::chat::{is_chat_id, ChatPage};
use super::publish::{failure_error, BlueskyPublisher, Kind};
use super::tid::record_key;
use super::view::{language, post_url, split_post_uri, valid_handle, MAX_HANDLE_BYTES, MAX_NAME_BYTES};
use super::xrpc::{truncate, Outcome};
use super::MAX_TEXT_BYTES;
use crate::inbox::{InboxReader, IncomingItem, IncomingKind, IncomingPage, RemoteAuthor};
use crate::publish::{BoxFuture, PublishError};

/// Most items one call returns (`listNotifications` pages hold at most 100).
pub const MAX_INBOX_LIMIT: u32 = 100;
/// Notifications asked for per `listNotifications` page by default.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// `listNotifications` pages one call reads at most by default, looking for its mark.
pub const DEFAULT_MAX_PAGES: usize = 10;
/// `getPosts` and `getProfiles` take at most this many URIs or actors.
const BATCH: usize = 25;
const LIKE: &str = "app.bsky.feed.like";
/// Who may reply to a thread, and which replies its author hid.
const THREADGATE: &str = "app.bsky.feed.threadgate";
/// The lexicon's bound on `hiddenReplies`.
const MAX_HIDDEN_REPLIES: usize = 300;

/// Where likes get their `createdAt`: the caller's clock.
pub type Now = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// One Bluesky account's inbox.
pub struct BlueskyInbox {
    account: BlueskyPublisher,
    now: Now,
    page_size: u32,
    max_pages: usize,
    /// Whether chat failed at the last call (its warning was logged).
    chat_failing: AtomicBool,
}

impl fmt::Debug for BlueskyInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlueskyInbox")
            .field("account", &self.account)
            .field("page_size", &self.page_size)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

/// How far back from the newest notification consumed a mark still remembers what it consumed: notifications
/// are indexed asynchronously and sort at the earlier of `createdAt` and their indexing time, so one can appear
/// below notifications already read.
pub const LATE_WINDOW: std::time::Duration = std::time::Duration::from_secs(120);
/// Most URIs a mark remembers.
const MAX_SEEN: usize = 200;

/// Where the inbox stands: notifications before `floor` are old; at or after it, those in `seen` were consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InboxMark {
    floor: Timestamp,
    seen: Vec<(Timestamp, String)>,
}

impl InboxMark {
    fn is_new(&self, at: Timestamp, uri: &str) -> bool {
        at >= self.floor && !self.seen.iter().any(|(_, u)| u == uri)
    }

    /// The mark after consuming `consumed` (on top of `self`, if any): it remembers what was consumed within
    /// [`LATE_WINDOW`] of the newest, at most [`MAX_SEEN`] URIs (the floor rises to the oldest one kept).
    fn after(previous: Option<&InboxMark>, consumed: impl Iterator<Item = (Timestamp, String)>) -> Option<InboxMark> {
        let mut all: Vec<(Timestamp, String)> = previous.map(|m| m.seen.clone()).unwrap_or_default();
        all.extend(consumed);
        let newest = all.iter().map(|(at, _)| *at).max()?;
        let window = jiff::SignedDuration::try_from(LATE_WINDOW).unwrap_or_default();
        let mut floor = newest.checked_sub(window).unwrap_or(newest);
        if let Some(previous) = previous {
            floor = floor.max(previous.floor);
        }
        all.retain(|(at, _)| *at >= floor);
        all.sort_by(|a, b| b.cmp(a));
        all.dedup_by(|a, b| a.1 == b.1);
        if all.len() > MAX_SEEN {
            let edge = all[MAX_SEEN - 1].0;
            all.retain(|(at, _)| *at >= edge);
            floor = edge;
        }
        Some(InboxMark { floor, seen: all })
    }
}

/// Our cursor's text: the mark, and where the AppView's paging should resume (see the module's doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InboxCursor {
    v: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor: Option<Timestamp>,
    /// `[millisecond since the epoch, uri]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    seen: Vec<(i64, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resume: Option<String>,
    /// The chat log's `rev` (absent from cursors written before private messages were read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chat: Option<String>,
}

/// A cursor's parts: the notifications' mark and resume point, and the chat log's `rev`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Position {
    mark: Option<InboxMark>,
    resume: Option<String>,
    chat: Option<String>,
}

impl InboxCursor {
    fn parse(text: &str) -> Option<Position> {
        let cursor: InboxCursor = serde_json::from_str(text).ok()?;
        (cursor.v == 1).then_some(())?;
        let seen = cursor
            .seen
            .into_iter()
            .map(|(ms, uri)| Some((Timestamp::from_millisecond(ms).ok()?, uri)))
            .collect::<Option<Vec<_>>>()?;
        let mark = cursor.floor.map(|floor| InboxMark { floor, seen });
        let resume = cursor.resume.filter(|r| !r.is_empty() && mark.is_some());
        Some(Position { mark, resume, chat: cursor.chat.filter(|c| !c.is_empty()) })
    }

    /// The cursor's text; `None` when there is nothing to remember.
    fn encode(position: &Position) -> Option<String> {
        if position.mark.is_none() && position.chat.is_none() {
            return None;
        }
        let mark = position.mark.as_ref();
        let seen = mark.map(|m| m.seen.iter().map(|(at, uri)| (at.as_millisecond(), uri.clone())).collect());
        let cursor = InboxCursor {
            v: 1,
            floor: mark.map(|m| m.floor),
            seen: seen.unwrap_or_default(),
            resume: position.resume.clone(),
            chat: position.chat.clone(),
        };
        serde_json::to_string(&cursor).ok()
    }
}

/// What the notifications gave: items oldest first, the position to store, and whether more is waiting.
#[derive(Debug, Default)]
struct NotificationPage {
    items: Vec<IncomingItem>,
    mark: Option<InboxMark>,
    resume: Option<String>,
    more: bool,
}

#[derive(Debug, Deserialize)]
struct ListNotificationsOutput {
    #[serde(default)]
    cursor: Option<String>,
    /// Kept raw so one malformed notification does not spoil the page.
    #[serde(default)]
    notifications: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationView {
    uri: String,
    #[serde(default)]
    cid: Option<String>,
    author: AuthorView,
    #[serde(default)]
    record: PostRecord,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorView {
    did: String,
    handle: String,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostRecord {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    langs: Option<Vec<Value>>,
    #[serde(default)]
    reply: Option<ReplyRef>,
    #[serde(default)]
    embed: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct ReplyRef {
    root: StrongRef,
    parent: StrongRef,
}

#[derive(Debug, Deserialize)]
struct StrongRef {
    uri: String,
}

/// One notification after the mark: its place, and the item when it is one we keep.
#[derive(Debug)]
struct Entry {
    at: Timestamp,
    uri: String,
    item: Option<IncomingItem>,
}

impl BlueskyInbox {
    /// The inbox of `identifier` (handle, DID or e-mail) on its PDS `service`, with an app password. `http` carries
    /// the caller's SSRF guard and time-outs; `now` is the caller's clock (a like's `createdAt`). No request is
    /// made until the first call.
    pub fn new(
        http: reqwest::Client,
        service: Url,
        identifier: impl Into<String>,
        app_password: impl Into<String>,
        now: Now,
    ) -> Self {
        BlueskyInbox {
            account: BlueskyPublisher::new(http, service, identifier, app_password),
            now,
            page_size: DEFAULT_PAGE_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
            chat_failing: AtomicBool::new(false),
        }
    }

    /// The inbox of the account of an OAuth `grant`, through `publisher` ([`BlueskyPublisher::with_oauth`], whose
    /// clock and grant store it shares). Private messages need the chat scope, which OAuth connections do not ask
    /// for: they are skipped as for an app password without it.
    pub fn with_publisher(publisher: BlueskyPublisher, now: Now) -> Self {
        BlueskyInbox {
            account: publisher,
            now,
            page_size: DEFAULT_PAGE_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
            chat_failing: AtomicBool::new(false),
        }
    }

    /// Post addresses are `<web_base>/profile/<handle>/post/<rkey>` instead of bsky.app's.
    pub fn with_web_base(mut self, web_base: Url) -> Self {
        self.account = self.account.with_web_base(web_base);
        self
    }

    /// `listNotifications` page size (1–100) and the most pages one call reads looking for its mark.
    /// At least 2 pages: a call that stops at the bound re-reads its deepest page with something new next time.
    pub fn with_paging(mut self, page_size: u32, max_pages: usize) -> Self {
        self.page_size = page_size.clamp(1, 100);
        self.max_pages = max_pages.max(2);
        self
    }

    async fn read_received(&self, cursor: Option<&str>, limit: u32) -> Result<IncomingPage, PublishError> {
        let limit = limit.clamp(1, MAX_INBOX_LIMIT) as usize;
        let position = match cursor {
            Some(text) => InboxCursor::parse(text)
                .ok_or_else(|| PublishError::Permanent("not a cursor from a Bluesky inbox".to_owned()))?,
            None => Position::default(),
        };
        let notifications = self.read_notifications(position.mark, position.resume, limit).await?;
        let budget = limit.saturating_sub(notifications.items.len());
        let chat = match (&position.chat, budget) {
            (Some(_), 0) => ChatPage { items: Vec::new(), rev: position.chat.clone(), more: true },
            _ => self.chat_or_skip(position.chat.as_deref(), budget).await,
        };
        let more = notifications.more || chat.more;
        let mut items = merge_by_time(notifications.items, chat.items);
        self.fill_authors(&mut items).await?;
        self.fill_context(&mut items).await?;
        let next = Position { mark: notifications.mark, resume: notifications.resume, chat: chat.rev };
        Ok(IncomingPage { items, cursor: InboxCursor::encode(&next), more })
    }

    /// The chat part of a call; when chat is refused or fails, nothing, and the chat position stays where it was
    /// (see the module's doc).
    async fn chat_or_skip(&self, rev: Option<&str>, budget: usize) -> ChatPage {
        match self.account.read_chat(rev, budget, self.max_pages).await {
            Ok(page) => {
                self.chat_failing.store(false, Ordering::Relaxed);
                page
            }
            Err(e) => {
                if self.chat_failing.swap(true, Ordering::Relaxed) {
                    tracing::debug!(error = %e, "Bluesky inbox: private messages skipped again");
                } else if matches!(e, PublishError::NeedsReconnection(_) | PublishError::Permanent(_)) {
                    tracing::warn!(
                        error = %e,
                        "Bluesky inbox: the chat service refuses this account (an app password without access to \
                         direct messages?); private messages are not read until it accepts"
                    );
                } else {
                    tracing::warn!(error = %e, "Bluesky inbox: the chat service fails; private messages wait");
                }
                ChatPage { items: Vec::new(), rev: rev.map(str::to_owned), more: false }
            }
        }
    }

    async fn read_notifications(
        &self,
        mark: Option<InboxMark>,
        resume: Option<String>,
        limit: usize,
    ) -> Result<NotificationPage, PublishError> {
        let resumed = resume.is_some();
        let mut entries: Vec<Entry> = Vec::new();
        // The AppView cursor the next page is fetched with, and (page index, cursor it was fetched with) of the
        // deepest page holding something after the mark.
        let mut fetch = resume;
        let mut deepest_new: Option<(usize, Option<String>)> = None;
        let mut complete = false;
        let pages = if mark.is_some() { self.max_pages } else { 1 };
        for index in 0..pages {
            let mut params = vec![("limit", self.page_size.to_string())];
            if let Some(c) = &fetch {
                params.push(("cursor", c.clone()));
            }
            let page: ListNotificationsOutput = self
                .account
                .call(Kind::Safe, self.account.get("app.bsky.notification.listNotifications", params)?)
                .await?;
            let count = page.notifications.len();
            let mut passed_mark = false;
            let mut page_new = false;
            for raw in page.notifications {
                let Some(entry) = self.entry(raw) else { continue };
                if let Some(m) = &mark {
                    if !m.is_new(entry.at, &entry.uri) {
                        passed_mark |= entry.at < m.floor;
                        continue;
                    }
                }
                page_new = true;
                entries.push(entry);
            }
            if page_new {
                deepest_new = Some((index, fetch.clone()));
            }
            let next = page.cursor.filter(|c| !c.is_empty());
            if mark.is_none() || passed_mark || next.is_none() || count == 0 {
                complete = true;
                break;
            }
            fetch = next;
        }
        if let (false, Some(mark)) = (complete, &mark) {
            // The next call re-reads the deepest page that held something new (so its range holds at least that:
            // every call makes progress), or, when no page did, goes on below the last one.
            let resume_at = match deepest_new {
                Some((index, cursor)) if index > 0 => Some(cursor),
                Some(_) => None,
                None => Some(fetch),
            };
            if let Some(resume_at) = resume_at {
                tracing::info!(
                    pages = self.max_pages,
                    "Bluesky inbox: the mark is further than the page bound; the next call goes on from there"
                );
                return Ok(NotificationPage {
                    items: Vec::new(),
                    mark: Some(mark.clone()),
                    resume: resume_at,
                    more: true,
                });
            }
            // Only the first page held new notifications and every later one was already consumed: taken as
            // reaching the mark (only more than a page of consumed notifications within the window can hide more).
            tracing::warn!("Bluesky inbox: pages of consumed notifications below the newest ones");
        }
        let entries = merge(entries);
        let mut end = 0;
        let mut kept = 0;
        for entry in &entries {
            if entry.item.is_some() {
                if kept == limit {
                    break;
                }
                kept += 1;
            }
            end += 1;
        }
        // After a resumed reading, what lies above the resume point is still to be read.
        let more = resumed || entries[end..].iter().any(|e| e.item.is_some());
        let consumed = &entries[..end];
        let next = InboxMark::after(mark.as_ref(), consumed.iter().map(|e| (e.at, e.uri.clone())));
        let next = match (next, mark) {
            (Some(next), _) => next,
            (None, Some(mark)) => mark,
            (None, None) => return Ok(NotificationPage::default()),
        };
        let items: Vec<IncomingItem> = entries.into_iter().take(end).filter_map(|e| e.item).collect();
        Ok(NotificationPage { items, mark: Some(next), resume: None, more })
    }

    /// A notification's place and, for a kept reason, its item; `None` when even its time or URI is unreadable.
    fn entry(&self, raw: Value) -> Option<Entry> {
        let at: Timestamp = raw.get("indexedAt").and_then(Value::as_str)?.parse().ok()?;
        let uri = raw.get("uri").and_then(Value::as_str).filter(|u| u.starts_with("at://"))?.to_owned();
        let kind = match raw.get("reason").and_then(Value::as_str) {
            Some("reply") => IncomingKind::Reply,
            Some("mention") => IncomingKind::Mention,
            Some("quote") => IncomingKind::Quote,
            _ => return Some(Entry { at, uri, item: None }),
        };
        let view: NotificationView = match serde_path_to_error::deserialize(raw) {
            Ok(view) => view,
            Err(e) => {
                tracing::warn!(error = %e, uri, "Bluesky inbox: skipping a notification that does not decode");
                return Some(Entry { at, uri, item: None });
            }
        };
        let item = self.item(kind, view, at);
        if item.is_none() {
            tracing::warn!(uri, "Bluesky inbox: skipping a notification without a post URI");
        }
        Some(Entry { at, uri, item })
    }

    fn item(&self, kind: IncomingKind, view: NotificationView, at: Timestamp) -> Option<IncomingItem> {
        let (did, rkey) = split_post_uri(&view.uri)?;
        let handle = truncate(&view.author.handle, MAX_HANDLE_BYTES);
        let actor = if valid_handle(&handle) { handle.clone() } else { did.to_owned() };
        let web_base = &self.account.web_base;
        let url = post_url(web_base, &actor, rkey)?;
        let record = view.record;
        let reply = record.reply.as_ref();
        let quoted = record.embed.as_ref().and_then(quoted_uri);
        let published = record.created_at.as_deref().and_then(|t| t.parse().ok()).unwrap_or(at);
        let display_name =
            view.author.display_name.map(|n| truncate(n.trim(), MAX_NAME_BYTES)).filter(|n| !n.is_empty());
        Some(IncomingItem {
            kind,
            remote_id: view.uri.clone(),
            cid: view.cid.filter(|c| !c.is_empty()),
            url,
            author: RemoteAuthor {
                remote_id: truncate(&view.author.did, MAX_HANDLE_BYTES),
                handle: actor.clone(),
                display_name,
                followers: None,
                url: profile_url(web_base, &actor),
            },
            text: truncate(record.text.as_deref().unwrap_or_default(), MAX_TEXT_BYTES),
            language: record.langs.as_deref().and_then(<[_]>::first).and_then(Value::as_str).and_then(language),
            published,
            in_reply_to: reply.map(|r| r.parent.uri.clone()),
            thread_root: reply.map(|r| r.root.uri.clone()).unwrap_or_else(|| view.uri.clone()),
            context_text: None,
            quoted,
        })
    }

    /// Fills each author's follower count, and a private message's author's handle, name and profile address
    /// (`getProfiles`, 25 actors per call).
    async fn fill_authors(&self, items: &mut [IncomingItem]) -> Result<(), PublishError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Profile {
            did: String,
            #[serde(default)]
            handle: Option<String>,
            #[serde(default)]
            display_name: Option<String>,
            #[serde(default)]
            followers_count: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Profiles {
            #[serde(default)]
            profiles: Vec<Value>,
        }
        let mut dids: Vec<String> = items.iter().map(|i| i.author.remote_id.clone()).collect();
        dids.sort();
        dids.dedup();
        let mut profiles: HashMap<String, Profile> = HashMap::new();
        for batch in dids.chunks(BATCH) {
            let params = batch.iter().map(|d| ("actors", d.clone())).collect();
            let answer: Profiles =
                self.account.call(Kind::Safe, self.account.get("app.bsky.actor.getProfiles", params)?).await?;
            for raw in answer.profiles {
                if let Ok(profile) = serde_json::from_value::<Profile>(raw) {
                    profiles.insert(profile.did.clone(), profile);
                }
            }
        }
        let web_base = &self.account.web_base;
        for item in items {
            let profile = profiles.get(&item.author.remote_id);
            item.author.followers = profile.and_then(|p| p.followers_count);
            if item.kind != IncomingKind::DirectMessage {
                continue;
            }
            let handle = profile.and_then(|p| p.handle.as_deref()).map(|h| truncate(h, MAX_HANDLE_BYTES));
            if let Some(handle) = handle.filter(|h| valid_handle(h)) {
                item.author.handle = handle;
            }
            item.author.display_name = profile
                .and_then(|p| p.display_name.as_deref())
                .map(|n| truncate(n.trim(), MAX_NAME_BYTES))
                .filter(|n| !n.is_empty());
            item.author.url = profile_url(web_base, &item.author.handle);
        }
        Ok(())
    }

    /// Fills `context_text` with the parent's (or the quoted post's) text (`getPosts`, 25 URIs per call).
    async fn fill_context(&self, items: &mut [IncomingItem]) -> Result<(), PublishError> {
        #[derive(Deserialize)]
        struct Posts {
            #[serde(default)]
            posts: Vec<Value>,
        }
        let wanted = |i: &IncomingItem| i.in_reply_to.clone().or_else(|| i.quoted.clone());
        let mut uris: Vec<String> = items.iter().filter_map(wanted).filter(|u| split_post_uri(u).is_some()).collect();
        uris.sort();
        uris.dedup();
        let mut texts: HashMap<String, String> = HashMap::new();
        for batch in uris.chunks(BATCH) {
            let params = batch.iter().map(|u| ("uris", u.clone())).collect();
            let answer: Posts =
                self.account.call(Kind::Safe, self.account.get("app.bsky.feed.getPosts", params)?).await?;
            for post in answer.posts {
                let uri = post.get("uri").and_then(Value::as_str);
                let text = post.get("record").and_then(|r| r.get("text")).and_then(Value::as_str);
                if let (Some(uri), Some(text)) = (uri, text) {
                    texts.insert(uri.to_owned(), truncate(text, MAX_TEXT_BYTES));
                }
            }
        }
        for item in items {
            item.context_text = wanted(item).and_then(|u| texts.get(&u).cloned());
        }
        Ok(())
    }

    async fn like_post(&self, uri: &str, cid: Option<&str>) -> Result<(), PublishError> {
        if is_chat_id(uri) {
            return Err(PublishError::Permanent("a private message cannot be liked".to_owned()));
        }
        split_post_uri(uri).ok_or_else(|| PublishError::Permanent(format!("not a Bluesky post URI: {uri}")))?;
        let cid = match cid.filter(|c| !c.is_empty()) {
            Some(cid) => cid.to_owned(),
            None => self.cid_of(uri).await?,
        };
        let rkey =
            like_key(uri).ok_or_else(|| PublishError::Permanent(format!("no record key for a like of {uri}")))?;
        let session = self.account.session().await?;
        let record = json!({
            "$type": LIKE,
            "subject": { "uri": uri, "cid": cid },
            "createdAt": format!("{:.3}", (self.now)()),
        });
        let body = json!({ "repo": session.did, "collection": LIKE, "rkey": rkey, "record": record });
        let build = self.account.post_json("com.atproto.repo.createRecord", body)?;
        match self.account.send::<Value>(Kind::Write, build).await? {
            Outcome::Ok(_) => Ok(()),
            Outcome::Failed(failure) if failure.status != StatusCode::TOO_MANY_REQUESTS => {
                // Liked before: the PDS refuses a second record under the same key (HTTP 500, no error name).
                let existing = self.account.get_record(&session.did, LIKE, &rkey).await?;
                let subject = existing.as_ref().and_then(|r| r.value.get("subject")).and_then(|s| s.get("uri"));
                if subject.and_then(Value::as_str) == Some(uri) {
                    tracing::debug!(uri, "Bluesky inbox: already liked");
                    return Ok(());
                }
                Err(failure_error(failure))
            }
            Outcome::Failed(failure) => Err(failure_error(failure)),
        }
    }

    /// Adds a reply to (or takes it out of) the `hiddenReplies` of the threadgate of the account's own thread
    /// `root`: the threadgate record shares the root post's record key; an existing one keeps its other fields
    /// (who may reply). A thread that is not the account's cannot be gated: `Ok(false)`.
    async fn hide_reply(&self, uri: &str, root: &str, hidden: bool) -> Result<bool, PublishError> {
        let session = self.account.session().await?;
        let Some((repo, rkey)) = split_post_uri(root) else { return Ok(false) };
        if repo != session.did || is_chat_id(uri) || uri == root {
            return Ok(false);
        }
        let existing = self.account.get_record(&session.did, THREADGATE, rkey).await?;
        let mut record = existing.map(|r| r.value).filter(Value::is_object).unwrap_or_else(
            || json!({ "$type": THREADGATE, "post": root, "createdAt": format!("{:.3}", (self.now)()) }),
        );
        let mut list: Vec<String> = record
            .get("hiddenReplies")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        list.retain(|u| u != uri);
        if hidden {
            list.push(uri.to_owned());
        }
        if list.len() > MAX_HIDDEN_REPLIES {
            return Err(PublishError::Permanent(format!(
                "Bluesky hides at most {MAX_HIDDEN_REPLIES} replies per thread"
            )));
        }
        record["hiddenReplies"] = json!(list);
        let body = json!({ "repo": session.did, "collection": THREADGATE, "rkey": rkey, "record": record });
        let _: Value =
            self.account.call(Kind::Write, self.account.post_json("com.atproto.repo.putRecord", body)?).await?;
        Ok(true)
    }

    /// A post's content id, from the AppView.
    async fn cid_of(&self, uri: &str) -> Result<String, PublishError> {
        #[derive(Deserialize)]
        struct PostRef {
            uri: String,
            cid: String,
        }
        #[derive(Deserialize)]
        struct Posts {
            posts: Vec<PostRef>,
        }
        let build = self.account.get("app.bsky.feed.getPosts", vec![("uris", uri.to_owned())])?;
        let posts: Posts = self.account.call(Kind::Safe, build).await?;
        posts.posts.into_iter().find(|p| p.uri == uri).map(|p| p.cid).ok_or_else(|| {
            PublishError::Permanent(format!("{uri} is not on the AppView (deleted, or not indexed yet)"))
        })
    }
}

impl InboxReader for BlueskyInbox {
    fn received<'a>(
        &'a self,
        cursor: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<IncomingPage, PublishError>> {
        Box::pin(self.read_received(cursor, limit))
    }

    fn like<'a>(&'a self, remote_id: &'a str, cid: Option<&'a str>) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(self.like_post(remote_id, cid))
    }

    fn hide<'a>(
        &'a self,
        remote_id: &'a str,
        thread_root: &'a str,
        hidden: bool,
    ) -> BoxFuture<'a, Result<bool, PublishError>> {
        Box::pin(self.hide_reply(remote_id, thread_root, hidden))
    }
}

/// Two lists each oldest first, as one list oldest first (by `published`; each keeps its own order).
fn merge_by_time(a: Vec<IncomingItem>, b: Vec<IncomingItem>) -> Vec<IncomingItem> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y.published < x.published => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(item) => out.push(item),
            None => return out,
        }
    }
}

/// Entries oldest first, one per URI (the stronger kind when a post was notified twice).
fn merge(mut entries: Vec<Entry>) -> Vec<Entry> {
    entries.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.uri.cmp(&b.uri)));
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    for entry in entries {
        match out.last_mut() {
            Some(last) if last.uri == entry.uri && last.at == entry.at => match (&mut last.item, entry.item) {
                (Some(kept), Some(new)) if strength(new.kind) > strength(kept.kind) => kept.kind = new.kind,
                (slot @ None, Some(new)) => *slot = Some(new),
                _ => {}
            },
            _ => out.push(entry),
        }
    }
    out
}

fn strength(kind: IncomingKind) -> u8 {
    match kind {
        IncomingKind::Mention => 0,
        IncomingKind::Quote => 1,
        IncomingKind::Reply => 2,
        IncomingKind::DirectMessage => 3,
    }
}

/// The post an embed quotes: `app.bsky.embed.record`'s record, or `recordWithMedia`'s.
fn quoted_uri(embed: &Value) -> Option<String> {
    let record = match embed.get("$type").and_then(Value::as_str)? {
        "app.bsky.embed.record" => embed.get("record")?,
        "app.bsky.embed.recordWithMedia" => embed.get("record")?.get("record")?,
        _ => return None,
    };
    let uri = record.get("uri").and_then(Value::as_str)?;
    split_post_uri(uri).map(|_| uri.to_owned())
}

/// `<web base>/profile/<handle or did>`.
fn profile_url(web_base: &Url, actor: &str) -> Option<String> {
    let mut url = web_base.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut().ok()?.pop_if_empty().extend(["profile", actor]);
    Some(url.into())
}

/// The record key of this account's like of `uri`: a valid TID derived from the URI alone, so a second like
/// writes the same record. Its time part is spread over 2023–2027 by the hash (it says nothing; `createdAt` does).
fn like_key(uri: &str) -> Option<String> {
    const BASE_MS: i64 = 1_672_531_200_000; // 2023-01-01T00:00:00Z
    const SPAN_MS: u64 = 4 * 365 * 24 * 3600 * 1000;
    let hash = Sha256::digest(format!("like\n{uri}").as_bytes());
    let mut word = [0u8; 8];
    word.copy_from_slice(&hash[..8]);
    let offset = i64::try_from(u64::from_be_bytes(word) % SPAN_MS).ok()?;
    let at = Timestamp::from_millisecond(BASE_MS + offset).ok()?;
    record_key(uri, at)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::tid::is_tid;
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_like_key_is_a_stable_tid_per_post() {
        let a = like_key("at://did:plc:a/app.bsky.feed.post/3k").unwrap();
        assert!(is_tid(&a), "{a}");
        assert_eq!(a, like_key("at://did:plc:a/app.bsky.feed.post/3k").unwrap());
        assert_ne!(a, like_key("at://did:plc:a/app.bsky.feed.post/3l").unwrap());
    }

    #[test]
    fn the_cursor_survives_its_text_form_and_foreign_ones_are_refused() {
        let mark = InboxMark {
            floor: ts("2025-01-01T00:00:00Z"),
            seen: vec![(ts("2025-01-01T00:00:01.5Z"), "at://x/a".into())],
        };
        let resumed =
            Position { mark: Some(mark.clone()), resume: Some("2025-01-01T00:00:00.000Z".into()), chat: None };
        assert_eq!(InboxCursor::parse(&InboxCursor::encode(&resumed).unwrap()), Some(resumed));
        let both = Position { mark: Some(mark.clone()), resume: None, chat: Some("3rev".into()) };
        assert_eq!(InboxCursor::parse(&InboxCursor::encode(&both).unwrap()), Some(both));
        let chat_only = Position { mark: None, resume: None, chat: Some("3rev".into()) };
        assert_eq!(InboxCursor::encode(&chat_only).as_deref(), Some(r#"{"v":1,"chat":"3rev"}"#));
        assert_eq!(InboxCursor::parse(r#"{"v":1,"chat":"3rev"}"#), Some(chat_only));
        assert_eq!(InboxCursor::encode(&Position::default()), None);
        let old = r#"{"v":1,"floor":"2025-01-01T00:00:00Z","seen":[[1735689601500,"at://x/a"]]}"#;
        assert_eq!(InboxCursor::parse(old), Some(Position { mark: Some(mark), resume: None, chat: None }));
        assert_eq!(InboxCursor::parse("bsky1|2025-01-01T00:00:00Z"), None);
        assert_eq!(InboxCursor::parse(r#"{"v":2,"floor":"2025-01-01T00:00:00Z","seen":[]}"#), None);
    }

    #[test]
    fn a_mark_remembers_what_it_consumed_within_the_window_so_late_notifications_still_count() {
        let mark = InboxMark::after(
            None,
            [
                (ts("2025-01-01T00:10:00Z"), "at://x/new".to_owned()),
                (ts("2025-01-01T00:00:00Z"), "at://x/old".to_owned()),
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(mark.floor, ts("2025-01-01T00:08:00Z"));
        assert_eq!(mark.seen, vec![(ts("2025-01-01T00:10:00Z"), "at://x/new".to_owned())]);
        assert!(!mark.is_new(ts("2025-01-01T00:10:00Z"), "at://x/new"));
        assert!(mark.is_new(ts("2025-01-01T00:09:00Z"), "at://x/late"), "indexed late, sorted below");
        assert!(!mark.is_new(ts("2025-01-01T00:07:00Z"), "at://x/older"));
        let next = InboxMark::after(Some(&mark), [(ts("2025-01-01T00:09:00Z"), "at://x/late".to_owned())].into_iter())
            .unwrap();
        assert_eq!(next.floor, mark.floor, "the floor never goes down");
        assert_eq!(next.seen.len(), 2);
        let many = (0..MAX_SEEN as i64 + 10)
            .map(|i| (Timestamp::from_millisecond(1_700_000_000_000 + i).unwrap(), format!("at://x/{i}")));
        let capped = InboxMark::after(None, many).unwrap();
        assert_eq!(capped.seen.len(), MAX_SEEN);
        assert_eq!(capped.floor, Timestamp::from_millisecond(1_700_000_000_010).unwrap());
    }

    #[test]
    fn quotes_are_read_from_both_embed_shapes() {
        let uri = "at://did:plc:a/app.bsky.feed.post/3k";
        assert_eq!(
            quoted_uri(&json!({"$type": "app.bsky.embed.record", "record": {"uri": uri, "cid": "c"}})).as_deref(),
            Some(uri)
        );
        let with_media = json!({"$type": "app.bsky.embed.recordWithMedia", "record": {"record": {"uri": uri}}});
        assert_eq!(quoted_uri(&with_media).as_deref(), Some(uri));
        let list = json!({"$type": "app.bsky.embed.record", "record": {"uri": "at://did:plc:a/app.bsky.graph.list/x"}});
        assert_eq!(quoted_uri(&list), None);
    }

    #[test]
    fn one_post_notified_twice_is_one_entry_of_the_stronger_kind() {
        let at = ts("2025-01-01T00:00:00Z");
        let item = |kind| IncomingItem {
            kind,
            remote_id: "at://x/a".into(),
            cid: None,
            url: String::new(),
            author: RemoteAuthor {
                remote_id: "d".into(),
                handle: "h".into(),
                display_name: None,
                followers: None,
                url: None,
            },
            text: String::new(),
            language: None,
            published: at,
            in_reply_to: None,
            thread_root: "at://x/a".into(),
            context_text: None,
            quoted: None,
        };
        let merged = merge(vec![
            Entry { at, uri: "at://x/a".into(), item: Some(item(IncomingKind::Mention)) },
            Entry { at, uri: "at://x/a".into(), item: Some(item(IncomingKind::Reply)) },
            Entry { at, uri: "at://x/b".into(), item: None },
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].item.as_ref().unwrap().kind, IncomingKind::Reply);
    }
}
