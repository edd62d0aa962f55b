//! Bluesky private messages (`chat.bsky.*`): reading them into the inbox, answering, reading back and hiding one's
//! own answers.
//!
//! Chat calls go to the account's PDS with the header `atproto-proxy: did:web:api.bsky.chat#bsky_chat` and the
//! session's access token; the PDS forwards them to the chat service. An app password made without the "direct
//! messages" permission gets a 401 `Bad token scope` there (and only there): such a refusal is not worth a new
//! session (`Failure::is_scope`), and the inbox then reads notifications alone (see `inbox.rs`).
//!
//! Ids: a message is `chat:<convoId>:<messageId>` (its `remote_id`), a conversation `chat:<convoId>` (the
//! `thread_root` of its messages). Messages have no public address (`url` is empty) and no content id.
//!
//! # Reading
//!
//! `chat.bsky.convo.getLog` is read forwards from a `rev` (its cursor): `logCreateMessage` entries carrying a
//! `messageView` from someone else become [`IncomingKind::DirectMessage`] items; the account's own messages,
//! deleted ones (a `deletedMessageView`, or a `logDeleteMessage` later in the same reading) and every other log
//! (conversations begun, left, reactions…) are passed over. Without a `rev`, one `getLog` without a cursor gives
//! the latest one and nothing is imported: chat starts "now". When the answer carries neither a cursor nor a log
//! (an account without any chat activity), there is no `rev` yet and the next call starts "now" again, so a
//! message arriving in between is missed.
//!
//! # Answering
//!
//! [`super::BlueskyPublisher`] answers an item whose `reply_to` is a `chat:` id with `chat.bsky.convo.sendMessage`
//! in that conversation (text and facets; no images, no link card: a message with images is refused). It has no
//! idempotency key: `find` looks at the newest [`FIND_PAGES`] pages of `getMessages` for a message of the account
//! with the same text sent at most [`FIND_WINDOW`] before the post's `created_at`; the engine reads back before any
//! retry, which makes sending at most once. `delete` calls `deleteMessageForSelf`, which only hides the message
//! for the account: the other members still see it.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{json, Value};

use super::publish::{BlueskyPublisher, Kind};
use super::view::MAX_HANDLE_BYTES;
use super::xrpc::truncate;
use super::MAX_TEXT_BYTES;
use crate::inbox::{IncomingItem, IncomingKind, RemoteAuthor};
use crate::publish::{OutgoingPost, PublishError, RemotePost};

/// The prefix of chat ids.
pub(super) const CHAT_PREFIX: &str = "chat:";
/// The service chat calls are proxied to (`atproto-proxy`).
pub(super) const CHAT_PROXY: &str = "did:web:api.bsky.chat#bsky_chat";
/// `getMessages` pages `find` reads, newest first.
pub const FIND_PAGES: usize = 2;
/// How long before a post's `created_at` a message found by `find` may have been sent.
pub const FIND_WINDOW: SignedDuration = SignedDuration::from_secs(300);
const FIND_PAGE_SIZE: u32 = 100;
const DELETED: &str = "chat.bsky.convo.defs#deletedMessageView";

/// Whether `id` names a private message (or conversation).
pub(super) fn is_chat_id(id: &str) -> bool {
    id.starts_with(CHAT_PREFIX)
}

/// `chat:<convoId>:<messageId>` → its two parts.
pub(super) fn split_chat_id(id: &str) -> Option<(&str, &str)> {
    let (convo, message) = id.strip_prefix(CHAT_PREFIX)?.split_once(':')?;
    let ok = |s: &str| !s.is_empty() && s.len() <= 512 && !s.contains(['/', '?', '#']);
    (ok(convo) && ok(message) && !message.contains(':')).then_some((convo, message))
}

fn chat_id(convo: &str, message: &str) -> String {
    format!("{CHAT_PREFIX}{convo}:{message}")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageView {
    #[serde(rename = "$type", default)]
    kind: Option<String>,
    id: String,
    #[serde(default)]
    text: Option<String>,
    sender: Sender,
    sent_at: String,
}

impl MessageView {
    fn deleted(&self) -> bool {
        self.kind.as_deref() == Some(DELETED) || self.text.is_none()
    }
}

#[derive(Debug, Deserialize)]
struct Sender {
    did: String,
}

#[derive(Debug, Deserialize)]
struct GetLogOutput {
    #[serde(default)]
    cursor: Option<String>,
    /// Kept raw: one odd log does not spoil the page.
    #[serde(default)]
    logs: Vec<Value>,
}

/// What one reading of the chat log gave: the items, the `rev` to go on from, and whether more is waiting.
#[derive(Debug, Default)]
pub(super) struct ChatPage {
    pub(super) items: Vec<IncomingItem>,
    pub(super) rev: Option<String>,
    pub(super) more: bool,
}

impl BlueskyPublisher {
    /// Messages to the account after `rev`, at most `budget`, reading at most `max_pages` pages of `getLog`.
    /// Without a `rev`, only the latest one is read (see the module's doc). Authors carry only their DID (the
    /// inbox fills the rest from their profiles).
    pub(super) async fn read_chat(
        &self,
        rev: Option<&str>,
        budget: usize,
        max_pages: usize,
    ) -> Result<ChatPage, PublishError> {
        let Some(start) = rev.filter(|r| !r.is_empty()) else {
            let log: GetLogOutput = self.call(Kind::Safe, self.chat_get("chat.bsky.convo.getLog", Vec::new())?).await?;
            let newest = log.logs.iter().filter_map(log_rev).max().map(str::to_owned);
            let rev = log.cursor.filter(|c| !c.is_empty()).max(newest);
            return Ok(ChatPage { items: Vec::new(), rev, more: false });
        };
        let own = self.session().await?.did;
        let mut position = start.to_owned();
        let mut items: Vec<IncomingItem> = Vec::new();
        let mut more = false;
        'pages: for page in 0..max_pages {
            let params = vec![("cursor", position.clone())];
            let log: GetLogOutput = self.call(Kind::Safe, self.chat_get("chat.bsky.convo.getLog", params)?).await?;
            let mut logs: Vec<(String, Value)> = log
                .logs
                .into_iter()
                .filter_map(|raw| Some((log_rev(&raw)?.to_owned(), raw)))
                .filter(|(rev, _)| *rev > position)
                .collect();
            if logs.is_empty() {
                break;
            }
            logs.sort_by(|a, b| a.0.cmp(&b.0));
            for (rev, raw) in logs {
                let kind = raw.get("$type").and_then(Value::as_str).unwrap_or_default();
                let convo = raw.get("convoId").and_then(Value::as_str).unwrap_or_default();
                let message = raw.get("message").cloned().map(serde_json::from_value::<MessageView>);
                match (kind.rsplit('#').next(), message) {
                    (Some("logCreateMessage"), Some(Ok(view))) if !view.deleted() && view.sender.did != own => {
                        if items.len() >= budget {
                            more = true;
                            break 'pages;
                        }
                        if let Some(item) = message_item(convo, view) {
                            items.push(item);
                        }
                    }
                    (Some("logDeleteMessage"), Some(Ok(view))) => {
                        let gone = chat_id(convo, &view.id);
                        items.retain(|i| i.remote_id != gone);
                    }
                    (Some("logCreateMessage"), Some(Err(e))) => {
                        tracing::warn!(error = %e, rev, "Bluesky chat: skipping a message that does not decode");
                    }
                    _ => {}
                }
                position = rev;
            }
            if let Some(cursor) = log.cursor.filter(|c| *c > position) {
                position = cursor;
            }
            if page + 1 == max_pages {
                more = true;
            }
        }
        Ok(ChatPage { items, rev: Some(position), more })
    }

    /// Sends `post` as a private message in the conversation of `reply_to` (`chat:<convoId>:<messageId>`).
    pub(super) async fn send_chat_message(
        &self,
        post: &OutgoingPost,
        reply_to: &str,
    ) -> Result<RemotePost, PublishError> {
        let (convo, _) = parse(reply_to)?;
        if !post.media.is_empty() {
            return Err(PublishError::Permanent("a Bluesky private message cannot carry images".to_owned()));
        }
        let facets = filrouge_compose::bluesky_facets(&post.text);
        let dids = self.resolve_mentions(super::richtext::mentioned_handles(&facets)).await?;
        let mut message = json!({ "text": post.text });
        let facets = super::richtext::to_json(&facets, &dids);
        if !facets.is_empty() {
            message["facets"] = Value::Array(facets);
        }
        let body = json!({ "convoId": convo, "message": message });
        let sent: MessageView = self.call(Kind::Write, self.chat_post("chat.bsky.convo.sendMessage", body)?).await?;
        Ok(RemotePost { remote_id: chat_id(convo, &sent.id), url: String::new() })
    }

    /// The message an earlier attempt at `post` sent, if the conversation's newest messages hold it.
    pub(super) async fn find_chat_message(
        &self,
        post: &OutgoingPost,
        reply_to: &str,
    ) -> Result<Option<RemotePost>, PublishError> {
        #[derive(Deserialize)]
        struct Messages {
            #[serde(default)]
            cursor: Option<String>,
            #[serde(default)]
            messages: Vec<Value>,
        }
        let (convo, _) = parse(reply_to)?;
        let own = self.session().await?.did;
        let earliest = post.created_at.checked_sub(FIND_WINDOW).unwrap_or(post.created_at);
        let mut cursor: Option<String> = None;
        let mut found: Option<String> = None;
        for _ in 0..FIND_PAGES {
            let mut params = vec![("convoId", convo.to_owned()), ("limit", FIND_PAGE_SIZE.to_string())];
            if let Some(c) = &cursor {
                params.push(("cursor", c.clone()));
            }
            let page: Messages = self.call(Kind::Safe, self.chat_get("chat.bsky.convo.getMessages", params)?).await?;
            let mut older = false;
            for raw in page.messages {
                let Ok(view) = serde_json::from_value::<MessageView>(raw) else { continue };
                let Ok(sent) = view.sent_at.parse::<Timestamp>() else { continue };
                older |= sent < earliest;
                if sent >= earliest
                    && !view.deleted()
                    && view.sender.did == own
                    && view.text.as_deref() == Some(post.text.as_str())
                {
                    // Newest first: the last match is the oldest, closest to the first attempt.
                    found = Some(view.id);
                }
            }
            cursor = page.cursor.filter(|c| !c.is_empty());
            if older || cursor.is_none() {
                break;
            }
        }
        Ok(found.map(|id| RemotePost { remote_id: chat_id(convo, &id), url: String::new() }))
    }

    /// Hides one of the account's messages for the account (`deleteMessageForSelf`): the others still see it.
    pub(super) async fn delete_chat_message(&self, remote_id: &str) -> Result<(), PublishError> {
        let (convo, message) = parse(remote_id)?;
        let body = json!({ "convoId": convo, "messageId": message });
        let _: Value = self.call(Kind::Write, self.chat_post("chat.bsky.convo.deleteMessageForSelf", body)?).await?;
        Ok(())
    }
}

fn parse(id: &str) -> Result<(&str, &str), PublishError> {
    split_chat_id(id).ok_or_else(|| PublishError::Permanent(format!("not a Bluesky private message id: {id}")))
}

fn log_rev(raw: &Value) -> Option<&str> {
    raw.get("rev").and_then(Value::as_str).filter(|r| !r.is_empty() && r.len() <= 64)
}

/// A received message as an item; its author has only a DID until the inbox reads profiles.
fn message_item(convo: &str, view: MessageView) -> Option<IncomingItem> {
    let valid = |s: &str| !s.is_empty() && s.len() <= 512 && !s.contains(':');
    if !valid(convo) || !valid(&view.id) || !view.sender.did.starts_with("did:") {
        tracing::warn!(convo, message = view.id, "Bluesky chat: skipping a message with odd ids");
        return None;
    }
    let Ok(published) = view.sent_at.parse::<Timestamp>() else {
        tracing::warn!(convo, message = view.id, "Bluesky chat: skipping a message without a readable time");
        return None;
    };
    let did = truncate(&view.sender.did, MAX_HANDLE_BYTES);
    Some(IncomingItem {
        kind: IncomingKind::DirectMessage,
        remote_id: chat_id(convo, &view.id),
        cid: None,
        url: String::new(),
        author: RemoteAuthor { remote_id: did.clone(), handle: did, display_name: None, followers: None, url: None },
        text: truncate(view.text.as_deref().unwrap_or_default(), MAX_TEXT_BYTES),
        language: None,
        published,
        in_reply_to: None,
        thread_root: format!("{CHAT_PREFIX}{convo}"),
        context_text: None,
        quoted: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_ids_split_into_conversation_and_message() {
        assert_eq!(split_chat_id("chat:3abc:3xyz"), Some(("3abc", "3xyz")));
        assert_eq!(split_chat_id("chat:3abc"), None);
        assert_eq!(split_chat_id("chat::3xyz"), None);
        assert_eq!(split_chat_id("chat:a:b:c"), None);
        assert_eq!(split_chat_id("at://did:plc:a/app.bsky.feed.post/3k"), None);
        assert!(is_chat_id("chat:a:b") && !is_chat_id("at://x"));
    }
}
