//! The inbox of one Mastodon account: [`MastodonInbox`] implements [`InboxReader`] over the notifications API.
//! (A type of its own rather than [`super::MastodonPublisher`]: reading needs only the `read` scope, and the
//! engine holds readers and publishers apart.)
//!
//! # What is read
//!
//! `GET /api/v1/notifications?types[]=mention&types[]=quote&limit=N&min_id=CURSOR`. Real Mastodon notifies a
//! reply and a private message as a `mention` (the reply names the parent's author), and a quote as `quote`
//! (Mastodon 4.5+). Each notification's status becomes one [`IncomingItem`]; its kind, in this order:
//! visibility `direct` → [`IncomingKind::DirectMessage`]; `in_reply_to_id` set → [`IncomingKind::Reply`];
//! notification type `quote` → [`IncomingKind::Quote`]; else [`IncomingKind::Mention`]. mastodon-mock 0.6.1
//! makes no `quote` notifications (a quote that names the account arrives as a `mention`); the `quote` path is
//! tested on a canned server with the shape of a real Mastodon 4.6 quote.
//!
//! # Cursor
//!
//! Without a cursor (the first sync) the read starts at `min_id=0`: the oldest notifications the instance keeps, then
//! onwards page by page. The cursor is the highest notification id returned (ids compare as numbers: [`compare_ids`]), sent back as
//! `min_id`, not `since_id` (see the `# Cursors` doc of `mastodon.rs`): the server then returns the notifications
//! right after it, so a burst larger than `limit` comes over several calls without a gap. Anything at or below
//! the cursor is dropped here too, in case a server ignores `min_id`. `more` says a full page came back (and the
//! cursor moved). Items come oldest first (by notification id); a status notified twice in one page (`mention`
//! and `quote`) is one item, of the stronger kind.
//!
//! # Fields
//!
//! - `remote_id` is the status id local to the instance (what [`super::MastodonPublisher`]'s `reply_to`,
//!   `delete` and [`InboxReader::like`] take); `url` its web page (`url`, else `uri`), empty when neither is an
//!   http(s) address.
//! - Text: the status's HTML made plain text as listening does (`filrouge_feeds::sanitize`), the content
//!   warning prepended as `CW: <warning>` and a blank line (no separate field: the inbox shows one text), then
//!   cut to [`MAX_TEXT_BYTES`] on a character boundary. Zero-width and bidi characters are kept: whoever shows
//!   the text escapes it. The parent's text (`context_text`) and names are bounded the same way.
//! - Quotes: the `RE: <quoted URL>` line Mastodon puts first in a quote's HTML for older clients is dropped;
//!   `quote.quoted_status.id` (only when the server shows the quoted status, i.e. the quote is
//!   accepted) fills `quoted` and its text `context_text`, for any item quoting a post.
//! - Threads: a non-reply is its own `thread_root`. For a reply, `GET /api/v1/statuses/:id/context` on the
//!   reply gives its ancestors (oldest first): the first is the root, the last the parent, whose text becomes
//!   `context_text`. One call per distinct parent per page (replies to one parent share it), at most
//!   [`MAX_CONTEXT_CALLS`] per page;
//!   beyond that, or when the parent is gone (404) or hidden, the root is taken to be the parent (the best
//!   known) and `context_text` stays empty. Other failures of that call fail the page (the cursor does not
//!   move, nothing is lost).
//! - Author: account id, `acct` with the instance's host for local accounts (`ada@host`), display name,
//!   `followers_count` (a negative count, as some servers send for hidden ones, is `None`), profile `url`.
//!
//! # Hostile answers
//!
//! Bodies are capped ([`super::MAX_BODY_BYTES`]). The list is read leniently: a notification that does not
//! decode is skipped with a warning naming the field (`[2].status.account.acct: invalid type…`); the cursor still
//! moves past it when its id is readable, so it is never read again. Unknown fields are ignored; missing optional
//! ones default. Errors are classified as the publisher does: 401/403 about the token → `NeedsReconnection`, 429
//! → `RateLimited`, 5xx and no connection → `Transient`, other 4xx → `Permanent`.

use std::cmp::Ordering;
use std::collections::HashMap;

use filrouge_feeds::sanitize::sanitize_html;
use reqwest::header::ACCEPT;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::api::{self, Context, Notification, Status};
use super::publish::{read_json, refused, transport, Sent};
use super::{author_handle, compare_ids, endpoint, web_url, MAX_LIMIT};
use crate::inbox::{InboxReader, IncomingItem, IncomingKind, IncomingPage, RemoteAuthor};
use crate::publish::{BoxFuture, PublishError};

/// Longest text kept, in bytes (a Mastodon status holds 500 characters by default, some instances allow more).
pub const MAX_TEXT_BYTES: usize = 20_000;
/// Most `context` calls one page makes (one per distinct parent).
pub const MAX_CONTEXT_CALLS: usize = 20;
const MAX_NAME_BYTES: usize = 1_000;

/// One Mastodon account's inbox.
#[derive(Clone)]
pub struct MastodonInbox {
    http: reqwest::Client,
    instance: Url,
    token: String,
}

impl std::fmt::Debug for MastodonInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MastodonInbox")
            .field("instance", &self.instance.as_str())
            .field("token", &"<redacted>")
            .finish()
    }
}

/// What a parent status tells about a reply: its thread's root and its own text.
#[derive(Debug, Clone)]
struct Thread {
    root: String,
    parent_text: Option<String>,
}

impl MastodonInbox {
    /// `http` carries the caller's SSRF guard and time-outs; `instance` is the base URL; `access_token` a user
    /// token with the `read` scope (and `write:favourites` to like).
    pub fn new(http: reqwest::Client, instance: Url, access_token: String) -> Self {
        Self { http, instance, token: access_token }
    }

    async fn get<T: DeserializeOwned>(&self, url: Url, what: &str) -> Result<T, PublishError> {
        tracing::debug!(url = %url, "mastodon inbox request");
        let req = self.http.get(url).bearer_auth(&self.token).header(ACCEPT, "application/json");
        let resp = req.send().await.map_err(|e| transport(&e, Sent::Harmless))?;
        read_json(resp, what).await
    }

    async fn read_received(&self, cursor: Option<&str>, limit: u32) -> Result<IncomingPage, PublishError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let mut url = endpoint(&self.instance, &["api", "v1", "notifications"]);
        url.query_pairs_mut()
            .append_pair("types[]", "mention")
            .append_pair("types[]", "quote")
            .append_pair("limit", &limit.to_string());
        // No cursor yet: start from the oldest notification the instance keeps (`min_id=0`), so what arrived before
        // the first sync is read too, page by page, instead of only the newest page.
        url.query_pairs_mut().append_pair("min_id", cursor.unwrap_or("0"));
        let raw: Vec<Value> = self.get(url, "notifications").await?;
        let full = raw.len() >= limit as usize;
        let (notifications, newest) = decode(raw, cursor);
        let cursor_moved = newest.as_deref() != cursor;
        let mut threads: HashMap<String, Option<Thread>> = HashMap::new();
        let mut items: Vec<IncomingItem> = Vec::new();
        for notification in notifications {
            let Some(status) = notification.status.as_ref() else { continue };
            let mut item = self.item(&notification, status);
            if let Some(parent) = status.in_reply_to_id.as_deref().filter(|p| !p.is_empty()) {
                if !threads.contains_key(parent) && threads.len() < MAX_CONTEXT_CALLS {
                    let thread = self.thread_of(&status.id, parent).await?;
                    threads.insert(parent.to_owned(), thread);
                }
                if let Some(Some(thread)) = threads.get(parent) {
                    item.thread_root = thread.root.clone();
                    item.context_text = thread.parent_text.clone();
                }
            }
            match items.iter_mut().find(|i| i.remote_id == item.remote_id) {
                Some(seen) if strength(item.kind) > strength(seen.kind) => seen.kind = item.kind,
                Some(_) => {}
                None => items.push(item),
            }
        }
        Ok(IncomingPage { items, cursor: newest, more: full && cursor_moved })
    }

    /// The thread of the reply `id` whose parent is `parent`: its root and the parent's text, from the reply's
    /// context (ancestors oldest first: the root, …, the parent); `None` when the reply is gone or hidden.
    async fn thread_of(&self, id: &str, parent: &str) -> Result<Option<Thread>, PublishError> {
        let url = endpoint(&self.instance, &["api", "v1", "statuses", id, "context"]);
        let context: Context = match self.get(url, "status context").await {
            Ok(context) => context,
            // Deleted meanwhile, or not visible to this token: Mastodon answers 404.
            Err(PublishError::Permanent(message)) => {
                tracing::debug!(id, %message, "mastodon inbox: no context for a reply");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let root = context.ancestors.first().map(|s| s.id.clone()).unwrap_or_else(|| parent.to_owned());
        let parent_text = context.ancestors.last().filter(|s| s.id == parent).map(|s| plain_text(s, &self.instance));
        Ok(Some(Thread { root, parent_text }))
    }

    fn item(&self, notification: &Notification, status: &Status) -> IncomingItem {
        let kind = if status.visibility.as_deref() == Some("direct") {
            IncomingKind::DirectMessage
        } else if status.in_reply_to_id.as_deref().is_some_and(|p| !p.is_empty()) {
            IncomingKind::Reply
        } else if notification.kind == "quote" {
            IncomingKind::Quote
        } else {
            IncomingKind::Mention
        };
        let quoted = status.quote.as_ref().and_then(|q| q.quoted_status.as_deref());
        let account = &status.account;
        let display_name = bounded(account.display_name.trim(), MAX_NAME_BYTES);
        IncomingItem {
            kind,
            remote_id: status.id.clone(),
            cid: None,
            url: status.url.as_deref().and_then(web_url).or_else(|| web_url(&status.uri)).unwrap_or_default(),
            author: RemoteAuthor {
                remote_id: account.id.clone(),
                handle: bounded(&author_handle(&account.acct, &self.instance), MAX_NAME_BYTES),
                display_name: (!display_name.is_empty()).then_some(display_name),
                followers: account.followers_count.and_then(|n| u64::try_from(n).ok()),
                url: account.url.as_deref().and_then(web_url),
            },
            text: plain_text(status, &self.instance),
            language: status.language.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(|l| bounded(l, 35)),
            published: status.created_at,
            in_reply_to: status.in_reply_to_id.clone().filter(|p| !p.is_empty()),
            thread_root: status.id.clone(),
            context_text: quoted.map(|q| plain_text(q, &self.instance)),
            quoted: quoted.map(|q| q.id.clone()),
        }
    }

    async fn favourite(&self, remote_id: &str) -> Result<(), PublishError> {
        let url = endpoint(&self.instance, &["api", "v1", "statuses", remote_id, "favourite"]);
        let req = self.http.post(url).bearer_auth(&self.token).header(ACCEPT, "application/json");
        // Favouriting is idempotent on Mastodon: repeating it after a lost answer does no harm.
        let resp = req.send().await.map_err(|e| transport(&e, Sent::Harmless))?;
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND => {
                Err(PublishError::Permanent(format!("status {remote_id} is gone or not visible to this account")))
            }
            _ => Err(refused(resp).await),
        }
    }
}

impl InboxReader for MastodonInbox {
    fn received<'a>(
        &'a self,
        cursor: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<IncomingPage, PublishError>> {
        Box::pin(self.read_received(cursor, limit))
    }

    /// Favourites the status (`cid` is ignored); favouriting twice is not an error.
    fn like<'a>(&'a self, remote_id: &'a str, _cid: Option<&'a str>) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(self.favourite(remote_id))
    }
}

/// The notifications after `cursor` that decode, oldest first, and the new cursor (the highest readable id,
/// or `cursor` itself).
fn decode(raw: Vec<Value>, cursor: Option<&str>) -> (Vec<Notification>, Option<String>) {
    let after = |id: &str| cursor.is_none_or(|c| compare_ids(id, c) == Ordering::Greater);
    let mut newest: Option<String> = cursor.map(str::to_owned);
    let mut decoded = Vec::new();
    for (i, value) in raw.into_iter().enumerate() {
        let id = value.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()).map(str::to_owned);
        if let Some(id) = &id {
            if newest.as_deref().is_none_or(|n| compare_ids(id, n) == Ordering::Greater) {
                newest = Some(id.clone());
            }
        }
        match api::parse_value::<Notification>(value, &format!("notification [{i}]")) {
            Ok(n) if after(&n.id) => decoded.push(n),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mastodon inbox: skipping a notification that does not decode"),
        }
    }
    decoded.sort_by(|a, b| compare_ids(&a.id, &b.id));
    (decoded, newest)
}

/// A status's text as the inbox shows it: `CW: <warning>` first when it has one, bounded.
fn plain_text(status: &Status, instance: &Url) -> String {
    let mut text = sanitize_html(&status.content, Some(instance)).text;
    if status.quote.is_some() {
        // Mastodon 4.5+ starts a quote's HTML with `<p class="quote-inline">RE: <a>quoted URL</a></p>` for
        // clients that cannot show quotes; the quoted post is in `quoted`, so the line goes.
        if let Some(rest) = text.strip_prefix("RE: ").and_then(|r| r.split_once('\n')).map(|(_, rest)| rest) {
            text = rest.trim_start().to_owned();
        }
    }
    let warning = status.spoiler_text.trim();
    let text = if warning.is_empty() { text } else { format!("CW: {warning}\n\n{text}").trim().to_owned() };
    bounded(&text, MAX_TEXT_BYTES)
}

/// At most `max` bytes of `s`, cut on a character boundary.
fn bounded(s: &str, max: usize) -> String {
    s[..s.floor_char_boundary(max)].to_owned()
}

/// Which kind wins when one status is notified twice.
fn strength(kind: IncomingKind) -> u8 {
    match kind {
        IncomingKind::Mention => 0,
        IncomingKind::Quote => 1,
        IncomingKind::Reply => 2,
        IncomingKind::DirectMessage => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_on_a_character_boundary() {
        assert_eq!(bounded("héllo", 2), "h");
        assert_eq!(bounded("abc", 10), "abc");
    }

    #[test]
    fn the_cursor_moves_past_unreadable_notifications_and_drops_old_ones() {
        let raw = vec![
            serde_json::json!({"id": "12", "type": "mention"}),
            serde_json::json!({"id": "9", "type": "mention"}),
            serde_json::json!({"type": "mention"}),
        ];
        let (decoded, newest) = decode(raw, Some("10"));
        assert!(decoded.is_empty());
        assert_eq!(newest.as_deref(), Some("12"));
        let (_, same) = decode(Vec::new(), Some("10"));
        assert_eq!(same.as_deref(), Some("10"));
    }
}
