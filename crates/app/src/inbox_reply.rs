//! Answering from the inbox: the reply is checked by the same guards as the composer, may wait for a manager's
//! approval (clients whose settings say so), is recorded *before* the network is called with a key that makes a
//! repeat harmless (Mastodon's `Idempotency-Key`, Bluesky's deterministic record key), and is sent through the
//! account's `Publisher` as a reply in the item's thread. An unknown outcome is read back before anything is sent
//! again. Liking goes through the account's `InboxReader`. Everything is journaled.

use filrouge_domain::account::{Account, AccountStatus, Network};
use filrouge_domain::client::Client;
use filrouge_domain::ids::{InboxItemId, InboxReplyId};
use filrouge_domain::inbox::template::{self, Values};
use filrouge_domain::inbox::{InboxItem, ItemKind, ItemState};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{PostContent, Target};
use filrouge_domain::validate::required_text;
use filrouge_domain::Invalid;
use filrouge_networks::publish::{OutgoingPost, PublishError, Visibility};
use filrouge_store::{InboxReply, Tx};

use crate::access::client_for;
use crate::error::{AppError, Result};
use crate::guards::LintReport;
use crate::inbox::journal_item;
use crate::inbox_settings::settings_of;
use crate::{Actor, App};

/// The longest a call to a network may take before its outcome counts as unknown.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// What became of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyOutcome {
    Sent { url: String },
    AwaitingApproval,
    Failed(String),
}

/// The text that goes out: on Mastodon a reply names the person it answers (or they are not told, and a private
/// message would reach nobody), unless the text already does.
fn outgoing_text(network: Network, item: &InboxItem, text: &str) -> String {
    if network != Network::Mastodon {
        return text.to_owned();
    }
    let handle = format!("@{}", item.author.handle.trim_start_matches('@'));
    let short = handle.split('@').nth(1).map(|user| format!("@{user}")).unwrap_or_else(|| handle.clone());
    let names_them = text.split_whitespace().any(|w| {
        let w = w.trim_end_matches([',', '.', ':', '!', '?', ';']);
        w.eq_ignore_ascii_case(&handle) || w.eq_ignore_ascii_case(&short)
    });
    if names_them {
        text.to_owned()
    } else {
        format!("{handle} {text}")
    }
}

impl App {
    /// The account a reply to `item` goes out from: the one it came through, if still connected.
    pub(crate) async fn reply_account(&self, tx: &mut Tx, item: &InboxItem) -> Result<Option<Account>> {
        let Some(id) = item.account_id else { return Ok(None) };
        Ok(tx.account(item.client_id, id).await?.filter(|a| a.status == AccountStatus::Connected))
    }

    fn reply_content(account: &Account, text: &str) -> PostContent {
        PostContent {
            text: text.to_owned(),
            targets: vec![Target { account_id: account.id, text: None, media: None }],
            ..PostContent::default()
        }
    }

    /// The guards on a reply being written (charter, spelling, wrong client, the network's limits).
    pub async fn lint_reply(&self, actor: &Actor, slug: &str, id: InboxItemId, text: &str) -> Result<LintReport> {
        let mut tx = self.store.read().await?;
        let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?;
        let Some(account) = self.reply_account(&mut tx, &item).await? else {
            return Ok(LintReport { findings: Vec::new(), counts: Vec::new() });
        };
        let text = outgoing_text(account.profile.network, &item, text);
        self.lint_with_tools(&mut tx, &client, &Self::reply_content(&account, &text)).await
    }

    /// A saved reply filled in for the author of `id`.
    pub async fn fill_saved_reply(
        &self,
        actor: &Actor,
        slug: &str,
        id: InboxItemId,
        saved: filrouge_domain::ids::SavedReplyId,
    ) -> Result<String> {
        let mut tx = self.store.read().await?;
        let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?;
        let saved = tx.saved_replies(client.id).await?.into_iter().find(|s| s.id == saved).ok_or(AppError::NotFound)?;
        let first = item.author.first_name();
        let values = Values {
            first_name: &first,
            name: item.author.name.as_deref().unwrap_or(&first),
            handle: &item.author.handle,
            client: &client.profile.name,
            signature: &client.profile.charter.signature,
        };
        Ok(template::render(&saved.body, &values)?)
    }

    /// Answers an item through its network (or queues the answer for approval).
    pub async fn reply_to_item(
        &self,
        actor: &Actor,
        slug: &str,
        id: InboxItemId,
        text: &str,
        close: bool,
    ) -> Result<ReplyOutcome> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?;
        let text = required_text("reply", text, 10_000)?;
        let Some(account) = self.reply_account(&mut tx, &item).await? else {
            return Err(Invalid::new(
                "reply",
                "this message did not come through a connected account of the client: answer it on its site, then \
                 mark it answered",
            )
            .into());
        };
        let text = outgoing_text(account.profile.network, &item, &text);
        let report = self.lint_with_tools(&mut tx, &client, &Self::reply_content(&account, &text)).await?;
        if let Some(err) = crate::posts::blocked(&report.findings) {
            return Err(err);
        }
        let settings = settings_of(&mut tx, &client).await?;
        let needs_approval = settings.record.replies_need_approval && !actor.may(Action::ApprovePosts, Some(client.id));
        let earlier = tx.inbox_replies(item.id).await?.len();
        let key =
            format!("{}-reply-{}-{}-{:x}", self.publishing.installation, item.id, earlier + 1, now.as_millisecond());
        let state = if needs_approval { "awaiting_approval" } else { "sending" };
        let reply_id = tx.insert_inbox_reply(&item, account.id, actor.user_id(), &text, state, &key, now).await?;
        if needs_approval {
            journal_item(
                &mut tx,
                actor,
                now,
                &client,
                &item,
                JournalAction::InboxReplyAwaitingApproval,
                format!("Reply to @{} waiting for approval", item.author.handle),
            )
            .await?;
            tx.commit().await?;
            return Ok(ReplyOutcome::AwaitingApproval);
        }
        tx.commit().await?;
        let reply = self.store.read().await?.inbox_reply(reply_id).await?.ok_or(AppError::NotFound)?;
        self.send_reply(actor, &client, &account, item, reply, close, false).await
    }

    /// Approves a reply waiting for it, and sends it.
    pub async fn approve_reply(&self, actor: &Actor, slug: &str, id: InboxReplyId) -> Result<ReplyOutcome> {
        let (client, account, item, reply) = self.reply_for(actor, slug, id, Action::ApprovePosts).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        if !tx.set_inbox_reply_state(reply.id, "awaiting_approval", "sending", None, None, actor.user_id(), now).await?
        {
            return Err(AppError::Conflict("this reply is no longer waiting for approval".into()));
        }
        tx.commit().await?;
        self.send_reply(actor, &client, &account, item, reply, false, false).await
    }

    /// Refuses a reply waiting for approval (it is never sent).
    pub async fn reject_reply(&self, actor: &Actor, slug: &str, id: InboxReplyId, comment: &str) -> Result<()> {
        let (client, _, item, reply) = self.reply_for(actor, slug, id, Action::ApprovePosts).await?;
        let comment = required_text("comment", comment, 2_000)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        if !tx
            .set_inbox_reply_state(
                reply.id,
                "awaiting_approval",
                "rejected",
                None,
                Some(&comment),
                actor.user_id(),
                now,
            )
            .await?
        {
            return Err(AppError::Conflict("this reply is no longer waiting for approval".into()));
        }
        journal_item(
            &mut tx,
            actor,
            now,
            &client,
            &item,
            JournalAction::InboxReplyRejected,
            format!("Reply to @{} rejected: {comment}", item.author.handle),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends again a reply that failed, with the same key (so it cannot make a second post).
    pub async fn retry_reply(&self, actor: &Actor, slug: &str, id: InboxReplyId) -> Result<ReplyOutcome> {
        let (client, account, item, reply) = self.reply_for(actor, slug, id, Action::AnswerInbox).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        if !tx.set_inbox_reply_state(reply.id, "failed", "sending", None, None, None, now).await? {
            return Err(AppError::Conflict("only a failed reply can be sent again".into()));
        }
        tx.commit().await?;
        self.send_reply(actor, &client, &account, item, reply, false, true).await
    }

    /// Deletes one of our replies from the network (it stays in the inbox's history as deleted).
    pub async fn delete_reply(&self, actor: &Actor, slug: &str, id: InboxReplyId) -> Result<()> {
        let (client, account, item, reply) = self.reply_for(actor, slug, id, Action::AnswerInbox).await?;
        let Some(remote_id) = reply.remote_id.clone().filter(|_| reply.state == "sent") else {
            return Err(AppError::Conflict("only a sent reply can be deleted".into()));
        };
        let publisher = self.publisher_of(&account).await?;
        match tokio::time::timeout(CALL_TIMEOUT, publisher.delete(&remote_id)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(AppError::Remote(e.to_string())),
            Err(_) => return Err(AppError::Remote("no answer from the network".into())),
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        tx.set_inbox_reply_state(reply.id, "sent", "deleted", None, None, actor.user_id(), now).await?;
        journal_item(
            &mut tx,
            actor,
            now,
            &client,
            &item,
            JournalAction::InboxReplyDeleted,
            format!("Reply to @{} deleted from {}", item.author.handle, account.profile.handle),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reply_for(
        &self,
        actor: &Actor,
        slug: &str,
        id: InboxReplyId,
        action: Action,
    ) -> Result<(Client, Account, InboxItem, InboxReply)> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, action).await?;
        let reply = tx.inbox_reply(id).await?.filter(|r| r.client_id == client.id).ok_or(AppError::NotFound)?;
        let item = tx.inbox_item(reply.item_id).await?.ok_or(AppError::NotFound)?;
        let account = tx.account(client.id, reply.account_id).await?.ok_or(AppError::NotFound)?;
        Ok((client, account, item, reply))
    }

    /// Sends a reply recorded as `sending`; `read_back` first when an earlier attempt may have reached the network.
    #[allow(clippy::too_many_arguments)]
    async fn send_reply(
        &self,
        actor: &Actor,
        client: &Client,
        account: &Account,
        item: InboxItem,
        reply: InboxReply,
        close: bool,
        read_back: bool,
    ) -> Result<ReplyOutcome> {
        let publisher = self.publisher_of(account).await?;
        let created_at = reply.created_at;
        let outgoing = OutgoingPost {
            idempotency_key: reply.idempotency_key.clone(),
            text: reply.body.clone(),
            media: Vec::new(),
            content_warning: None,
            visibility: if item.kind == ItemKind::DirectMessage { Visibility::Direct } else { Visibility::Public },
            language: item.language.clone(),
            reply_to: Some(item.remote_id.clone()),
            card: None,
            created_at,
        };
        let call = async {
            if read_back {
                if let Some(found) = publisher.find(&outgoing).await? {
                    return Ok(found);
                }
            }
            match publisher.publish(&outgoing).await {
                // The outcome is unknown: look for it, then send again under the same key (a repeat is harmless).
                Err(PublishError::Unknown(_)) => match publisher.find(&outgoing).await? {
                    Some(found) => Ok(found),
                    None => publisher.publish(&outgoing).await,
                },
                other => other,
            }
        };
        let result = match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(r) => r,
            Err(_) => Err(PublishError::Unknown(format!("no answer within {} s", CALL_TIMEOUT.as_secs()))),
        };
        let now = self.now();
        let mut tx = self.store.write().await?;
        let outcome = match result {
            Ok(remote) => {
                tx.set_inbox_reply_state(
                    reply.id,
                    "sending",
                    "sent",
                    Some((&remote.remote_id, &remote.url)),
                    None,
                    None,
                    now,
                )
                .await?;
                let mut current = tx.inbox_item(item.id).await?.unwrap_or(item.clone());
                current.first_response_at.get_or_insert(now);
                current.state = if close { ItemState::Done } else { ItemState::Waiting };
                if close {
                    current.resolved_at.get_or_insert(now);
                }
                let responder = actor.user_id().or(reply.author_id);
                tx.save_inbox_triage(&current, responder, close.then_some(responder).flatten()).await?;
                journal_item(
                    &mut tx,
                    actor,
                    now,
                    client,
                    &item,
                    JournalAction::InboxReplySent,
                    format!("Replied to @{} from {}: {}", item.author.handle, account.profile.handle, remote.url),
                )
                .await?;
                ReplyOutcome::Sent { url: remote.url }
            }
            Err(e) => {
                if let PublishError::NeedsReconnection(reason) = &e {
                    tx.hold_account(account.id, reason, now).await?;
                }
                let message = e.to_string();
                tx.set_inbox_reply_state(reply.id, "sending", "failed", None, Some(&message), None, now).await?;
                journal_item(
                    &mut tx,
                    actor,
                    now,
                    client,
                    &item,
                    JournalAction::InboxReplyFailed,
                    format!("Reply to @{} not sent: {message}", item.author.handle),
                )
                .await?;
                ReplyOutcome::Failed(message)
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Likes (favourites) an item on its network.
    pub async fn like_item(&self, actor: &Actor, slug: &str, id: InboxItemId) -> Result<()> {
        let (client, item, reader) = {
            let mut tx = self.store.read().await?;
            let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?;
            let account = self.reply_account(&mut tx, &item).await?.ok_or_else(|| {
                AppError::Invalid(Invalid::new("like", "this message did not come through a connected account"))
            })?;
            let reader = self.inbox_reader(&mut tx, &account).await?;
            (client, item, reader)
        };
        match tokio::time::timeout(CALL_TIMEOUT, reader.like(&item.remote_id, item.cid.as_deref())).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(AppError::Remote(e.to_string())),
            Err(_) => return Err(AppError::Remote("no answer from the network".into())),
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut current = tx.inbox_item(item.id).await?.ok_or(AppError::NotFound)?;
        current.liked = true;
        tx.save_inbox_triage(&current, None, None).await?;
        journal_item(
            &mut tx,
            actor,
            now,
            &client,
            &item,
            JournalAction::InboxLiked,
            format!("Liked the message from @{}", item.author.handle),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use filrouge_domain::ids::{ClientId, InboxItemId};
    use filrouge_domain::inbox::Author;

    fn item(handle: &str) -> InboxItem {
        let now: jiff::Timestamp = "2026-06-01T10:00:00Z".parse().unwrap();
        InboxItem {
            id: InboxItemId(1),
            client_id: ClientId(1),
            account_id: None,
            mention_id: None,
            network: "mastodon".into(),
            kind: ItemKind::Reply,
            remote_id: "1".into(),
            cid: None,
            thread_key: "1".into(),
            url: String::new(),
            author: Author { remote_id: "a".into(), handle: handle.into(), name: None, followers: None, url: None },
            text: String::new(),
            context_text: None,
            in_reply_to: None,
            language: None,
            sentiment: None,
            sentiment_score: 0.0,
            intent: None,
            published_at: now,
            received_at: now,
            state: ItemState::New,
            assignee: None,
            urgent: false,
            hidden: false,
            liked: false,
            labels: vec![],
            priority: 0,
            due_at: None,
            first_response_at: None,
            resolved_at: None,
            version: 1,
        }
    }

    #[test]
    fn a_mastodon_reply_names_the_person_once() {
        let it = item("camille@social.test");
        assert_eq!(outgoing_text(Network::Mastodon, &it, "Merci !"), "@camille@social.test Merci !");
        assert_eq!(outgoing_text(Network::Mastodon, &it, "@camille, merci !"), "@camille, merci !");
        assert_eq!(outgoing_text(Network::Mastodon, &it, "Merci @Camille@social.test."), "Merci @Camille@social.test.");
        assert_eq!(outgoing_text(Network::Bluesky, &item("camille.bsky.social"), "Merci !"), "Merci !");
    }
}
