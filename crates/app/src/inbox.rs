//! The inbox as the team sees it: one list across the clients a user may see (or one client's), filtered and in
//! priority order, with each item's client, account, assignee and response deadline; an item with its thread,
//! the author's history with the client, team notes and replies; triage (state, assignment, labels, urgent,
//! hidden), one item or many at once; the navigation's counts of new items.

use std::collections::HashMap;

use filrouge_domain::analysis::{Intent, Sentiment};
use filrouge_domain::client::Client;
use filrouge_domain::ids::{AccountId, ClientId, InboxItemId, UserId};
use filrouge_domain::inbox::{self, InboxItem, ItemKind, ItemState};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::permission::Action;
use filrouge_domain::user::User;
use filrouge_domain::validate::required_text;
use filrouge_domain::Invalid;
use filrouge_store::{InboxFilter, InboxNote, InboxReply, SavedReply, Tx};
use jiff::{SignedDuration, Timestamp};

use crate::access::client_for;
use crate::error::{AppError, Result};
use crate::inbox_settings::settings_of;
use crate::{Actor, App};

/// Items per page.
pub const PAGE_SIZE: u32 = 50;
/// How soon before its deadline an item is shown as about to miss it.
pub const DUE_SOON: SignedDuration = SignedDuration::from_mins(15);

/// What the inbox list is asked for. Values come as a form or the command line sends them; they are checked
/// after access.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    pub account: Option<i64>,
    pub network: Option<String>,
    pub kind: Option<String>,
    pub intent: Option<String>,
    pub sentiment: Option<String>,
    /// `new`, `assigned`, `waiting`, `done`; empty: every open state.
    pub state: Option<String>,
    /// `me`, `none` is not offered; a user id.
    pub assignee: Option<String>,
    pub label: Option<String>,
    pub include_hidden: bool,
    pub page: u32,
}

/// How an item stands against its client's response target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// No target applies, or it was answered.
    None,
    OnTime,
    /// Less than [`DUE_SOON`] left.
    Soon,
    Late,
}

/// An item with what the list shows beside it.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: InboxItem,
    pub client_slug: String,
    pub client_name: String,
    pub client_colour: String,
    pub account_handle: Option<String>,
    pub assignee_name: Option<String>,
    pub due: Due,
    /// How many items its conversation holds (itself included).
    pub thread_size: usize,
}

#[derive(Debug, Clone)]
pub struct InboxListing {
    pub items: Vec<ItemView>,
    pub page: u32,
    pub has_more: bool,
    /// The clients in view (one with a slug).
    pub clients: Vec<Client>,
}

/// One item with its conversation.
#[derive(Debug, Clone)]
pub struct ItemDetail {
    pub view: ItemView,
    pub client: Client,
    /// The items of its thread, oldest first (itself included).
    pub thread: Vec<InboxItem>,
    /// What the same person wrote to the client before (newest first, itself excluded).
    pub history: Vec<InboxItem>,
    pub notes: Vec<InboxNote>,
    pub replies: Vec<InboxReply>,
    pub saved_replies: Vec<SavedReply>,
    /// Who it can be assigned to.
    pub members: Vec<User>,
    pub replies_need_approval: bool,
    /// Whether the item can be answered through the network (it came through one of the client's accounts, or
    /// the client has an account on the mention's network).
    pub can_reply: bool,
}

/// One triage change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    State(ItemState),
    /// `None` unassigns.
    Assign(Option<UserId>),
    AddLabel(String),
    RemoveLabel(String),
    Urgent(bool),
    Hidden(bool),
}

impl Triage {
    /// Reads a change as a form sends it: `state=done`, `assign=12` / `assign=` / `assign=me`, `label=vip`,
    /// `unlabel=vip`, `urgent=on|off`, `hide=on|off`.
    pub fn parse(field: &str, value: &str, actor: &Actor) -> std::result::Result<Self, Invalid> {
        let on = |v: &str| matches!(v, "on" | "true" | "1" | "yes");
        match field {
            "state" => Ok(Triage::State(value.parse()?)),
            "assign" => match value.trim() {
                "" | "none" => Ok(Triage::Assign(None)),
                "me" => Ok(Triage::Assign(actor.user_id())),
                id => id
                    .parse()
                    .map(|id| Triage::Assign(Some(UserId(id))))
                    .map_err(|_| Invalid::new("assign", format!("'{id}' is not a teammate"))),
            },
            "label" => Ok(Triage::AddLabel(inbox::parse_label(value)?)),
            "unlabel" => Ok(Triage::RemoveLabel(inbox::parse_label(value)?)),
            "urgent" => Ok(Triage::Urgent(on(value))),
            "hide" => Ok(Triage::Hidden(on(value))),
            other => Err(Invalid::new("change", format!("unknown change '{other}'"))),
        }
    }

    fn describe(&self, members: &[User]) -> String {
        match self {
            Triage::State(s) => format!("state → {}", s.as_str()),
            Triage::Assign(None) => "unassigned".to_owned(),
            Triage::Assign(Some(u)) => {
                let name = members.iter().find(|m| m.id == *u).map_or_else(|| u.to_string(), |m| m.name.clone());
                format!("assigned to {name}")
            }
            Triage::AddLabel(l) => format!("label '{l}' added"),
            Triage::RemoveLabel(l) => format!("label '{l}' removed"),
            Triage::Urgent(on) => if *on { "marked urgent" } else { "no longer urgent" }.to_owned(),
            Triage::Hidden(on) => if *on { "hidden" } else { "shown again" }.to_owned(),
        }
    }
}

/// Appends the journal entry of a change to an inbox item (its object is `inbox:ID`).
pub(crate) async fn journal_item(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    client: &Client,
    item: &InboxItem,
    action: JournalAction,
    summary: String,
) -> Result<()> {
    let entry = crate::clients::entry(actor, now, Some(client.id), action, &format!("inbox:{}", item.id), summary);
    tx.append_journal(&entry).await?;
    Ok(())
}

pub(crate) fn due_of(item: &InboxItem, now: Timestamp) -> Due {
    match item.due_at {
        Some(due) if item.first_response_at.is_none() && item.state.is_open() => {
            if due <= now {
                Due::Late
            } else if due.duration_since(now) <= DUE_SOON {
                Due::Soon
            } else {
                Due::OnTime
            }
        }
        _ => Due::None,
    }
}

/// Applies a change to an item in memory; `Err` when it would break a rule (assigning a non-member).
pub(crate) fn apply_triage(
    item: &mut InboxItem,
    change: &Triage,
    members: &[User],
    now: Timestamp,
) -> std::result::Result<(), Invalid> {
    match change {
        Triage::State(state) => {
            item.state = *state;
            if *state == ItemState::Waiting {
                // "Answered, waiting for them": an answer given elsewhere (on the site) counts as the first response.
                item.first_response_at.get_or_insert(now);
            }
            item.resolved_at = (*state == ItemState::Done).then(|| item.resolved_at.unwrap_or(now));
        }
        Triage::Assign(who) => {
            if let Some(user) = who {
                if !members.iter().any(|m| m.id == *user) {
                    return Err(Invalid::new("assign", "this teammate does not belong to the client"));
                }
                if item.state == ItemState::New {
                    item.state = ItemState::Assigned;
                }
            } else if item.state == ItemState::Assigned {
                item.state = ItemState::New;
            }
            item.assignee = *who;
        }
        Triage::AddLabel(label) => {
            if !item.labels.contains(label) {
                if item.labels.len() >= 20 {
                    return Err(Invalid::new("label", "at most 20 labels per item"));
                }
                item.labels.push(label.clone());
            }
        }
        Triage::RemoveLabel(label) => item.labels.retain(|l| l != label),
        Triage::Urgent(on) => item.urgent = *on,
        Triage::Hidden(on) => item.hidden = *on,
    }
    item.priority = inbox::priority(item.urgent, item.kind, item.intent, item.author.followers);
    Ok(())
}

fn parse_filter(query: &InboxQuery, actor: &Actor, clients: Vec<ClientId>) -> Result<InboxFilter> {
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let kind = nonempty(&query.kind)
        .map(|k| ItemKind::parse(&k).ok_or_else(|| Invalid::new("kind", format!("unknown kind '{k}'"))))
        .transpose()?;
    let intent = nonempty(&query.intent).map(|v| v.parse::<Intent>()).transpose()?;
    let sentiment = nonempty(&query.sentiment).map(|v| v.parse::<Sentiment>()).transpose()?;
    let state = nonempty(&query.state).map(|v| v.parse::<ItemState>()).transpose()?;
    let assignee = match nonempty(&query.assignee).as_deref() {
        None => None,
        Some("me") => Some(actor.user_id().ok_or_else(|| Invalid::new("assignee", "'me' needs a signed-in user"))?),
        Some(id) => {
            Some(UserId(id.parse().map_err(|_| Invalid::new("assignee", format!("'{id}' is not a teammate")))?))
        }
    };
    Ok(InboxFilter {
        clients,
        account: query.account.map(AccountId),
        network: nonempty(&query.network).map(|n| n.to_lowercase()),
        kind,
        intent,
        sentiment,
        state,
        assignee,
        label: nonempty(&query.label).map(|l| l.to_lowercase()),
        include_hidden: query.include_hidden,
        limit: PAGE_SIZE + 1,
        offset: query.page.min(1_000) * PAGE_SIZE,
    })
}

impl App {
    /// The inbox of `slug`, or of every client the actor may read the inbox of (`None`).
    pub async fn inbox(&self, actor: &Actor, slug: Option<&str>, query: &InboxQuery) -> Result<InboxListing> {
        let now = self.now();
        let clients = self.clients_allowed(actor, slug, false, Action::ViewInbox).await?;
        let filter = parse_filter(query, actor, clients.iter().map(|c| c.id).collect())?;
        let mut tx = self.store.read().await?;
        let mut items = tx.inbox_items(&filter).await?;
        let has_more = items.len() > PAGE_SIZE as usize;
        items.truncate(PAGE_SIZE as usize);
        let views = self.views(&mut tx, &clients, items, now).await?;
        Ok(InboxListing { items: views, page: query.page, has_more, clients })
    }

    async fn views(
        &self,
        tx: &mut Tx,
        clients: &[Client],
        items: Vec<InboxItem>,
        now: Timestamp,
    ) -> Result<Vec<ItemView>> {
        let mut handles: HashMap<AccountId, String> = HashMap::new();
        let mut names: HashMap<UserId, String> = HashMap::new();
        for client in clients {
            if items.iter().any(|i| i.client_id == client.id) {
                for a in tx.accounts_of(client.id).await? {
                    handles.insert(a.id, a.profile.handle);
                }
                for u in tx.users_of_client(client.id).await? {
                    names.insert(u.id, u.name);
                }
            }
        }
        let mut sizes: HashMap<(ClientId, String), usize> = HashMap::new();
        for client in clients {
            let mut keys: Vec<String> =
                items.iter().filter(|i| i.client_id == client.id).map(|i| i.thread_key.clone()).collect();
            keys.sort();
            keys.dedup();
            for (key, n) in tx.inbox_thread_sizes(client.id, &keys).await? {
                sizes.insert((client.id, key), n.max(0) as usize);
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Some(client) = clients.iter().find(|c| c.id == item.client_id) else { continue };
            out.push(ItemView {
                client_slug: client.profile.slug.to_string(),
                client_name: client.profile.name.clone(),
                client_colour: client.profile.colour.as_str().to_owned(),
                account_handle: item.account_id.and_then(|a| handles.get(&a).cloned()),
                assignee_name: item.assignee.and_then(|u| names.get(&u).cloned()),
                due: due_of(&item, now),
                thread_size: sizes.get(&(item.client_id, item.thread_key.clone())).copied().unwrap_or(1),
                item,
            });
        }
        Ok(out)
    }

    /// Loads an item of the client named `slug` after checking `action` on that client.
    pub(crate) async fn item_for(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        slug: &str,
        id: InboxItemId,
        action: Action,
    ) -> Result<(Client, InboxItem)> {
        let client = client_for(tx, actor, slug, action).await?;
        let item = tx.inbox_item(id).await?.filter(|i| i.client_id == client.id).ok_or(AppError::NotFound)?;
        Ok((client, item))
    }

    pub async fn inbox_item(&self, actor: &Actor, slug: &str, id: InboxItemId) -> Result<ItemDetail> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::ViewInbox).await?;
        let mut thread = tx.inbox_thread(client.id, &item.thread_key).await?;
        if thread.is_empty() {
            thread.push(item.clone());
        }
        let history: Vec<InboxItem> = tx
            .inbox_author_history(client.id, &item.author.remote_id, 21)
            .await?
            .into_iter()
            .filter(|i| i.id != item.id && !thread.iter().any(|t| t.id == i.id))
            .take(20)
            .collect();
        let notes = tx.inbox_notes(item.id).await?;
        let replies = tx.inbox_replies(item.id).await?;
        let saved_replies = tx.saved_replies(client.id).await?;
        let members = tx.users_of_client(client.id).await?;
        let settings = settings_of(&mut tx, &client).await?;
        let can_reply = self.reply_account(&mut tx, &item).await?.is_some();
        let view = self.views(&mut tx, std::slice::from_ref(&client), vec![item], now).await?.remove(0);
        Ok(ItemDetail {
            view,
            client,
            thread,
            history,
            notes,
            replies,
            saved_replies,
            members,
            replies_need_approval: settings.record.replies_need_approval,
            can_reply,
        })
    }

    /// New (unread) items per client the actor may read the inbox of: the navigation's counts.
    pub async fn inbox_counts(&self, actor: &Actor) -> Result<Vec<(String, i64)>> {
        let clients = self.clients_allowed(actor, None, false, Action::ViewInbox).await?;
        let ids: Vec<ClientId> = clients.iter().map(|c| c.id).collect();
        let counts = self.store.read().await?.inbox_new_counts(&ids).await?;
        Ok(clients
            .iter()
            .filter_map(|c| counts.iter().find(|(id, _)| *id == c.id).map(|(_, n)| (c.profile.slug.to_string(), *n)))
            .collect())
    }

    /// Applies one change to one item, from the version the user saw.
    pub async fn triage_inbox_item(
        &self,
        actor: &Actor,
        slug: &str,
        id: InboxItemId,
        version: i64,
        change: Triage,
    ) -> Result<()> {
        if let Triage::Hidden(hidden) = change {
            // The network first (outside any transaction): a reply in the client's own Bluesky thread is hidden there.
            let item = {
                let mut tx = self.store.read().await?;
                self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?.1
            };
            self.hide_on_network(&item, hidden).await?;
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?;
        if item.version != version {
            return Err(AppError::Conflict("someone changed this item meanwhile; reload it".into()));
        }
        self.triage_in(&mut tx, actor, &client, item, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies one change to many items (each checked against its own client), in one transaction.
    pub async fn bulk_triage(&self, actor: &Actor, ids: &[InboxItemId], change: Triage) -> Result<usize> {
        if ids.len() > 500 {
            return Err(Invalid::new("items", "at most 500 items at once").into());
        }
        if let Triage::Hidden(hidden) = change {
            for id in ids {
                let item = {
                    let mut tx = self.store.read().await?;
                    let item = tx.inbox_item(*id).await?.ok_or(AppError::NotFound)?;
                    let client = tx.client_by_id(item.client_id).await?.ok_or(AppError::NotFound)?;
                    client_for(&mut tx, actor, client.profile.slug.as_str(), Action::AnswerInbox).await?;
                    item
                };
                self.hide_on_network(&item, hidden).await?;
            }
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut done = 0;
        for id in ids {
            let Some(item) = tx.inbox_item(*id).await? else { return Err(AppError::NotFound) };
            let client = tx.client_by_id(item.client_id).await?.ok_or(AppError::NotFound)?;
            let client = client_for(&mut tx, actor, client.profile.slug.as_str(), Action::AnswerInbox).await?;
            self.triage_in(&mut tx, actor, &client, item, &change, now).await?;
            done += 1;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Hides (or shows) an item on its network where the network allows it (a reply in the client's own Bluesky
    /// thread); `false` when hiding stays in Fil Rouge.
    async fn hide_on_network(&self, item: &InboxItem, hidden: bool) -> Result<bool> {
        if self.publishers.is_none() || item.kind != ItemKind::Reply {
            return Ok(false);
        }
        let reader = {
            let mut tx = self.store.read().await?;
            let Some(account) = self.reply_account(&mut tx, item).await? else { return Ok(false) };
            match self.inbox_reader(&mut tx, &account).await {
                Ok(reader) => reader,
                Err(_) => return Ok(false),
            }
        };
        let call = reader.hide(&item.remote_id, &item.thread_key, hidden);
        match tokio::time::timeout(std::time::Duration::from_secs(60), call).await {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(e)) => Err(AppError::Remote(e.to_string())),
            Err(_) => Err(AppError::Remote("no answer from the network".into())),
        }
    }

    async fn triage_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        client: &Client,
        mut item: InboxItem,
        change: &Triage,
        now: Timestamp,
    ) -> Result<()> {
        let members = tx.users_of_client(client.id).await?;
        let answered_before = item.first_response_at.is_some();
        apply_triage(&mut item, change, &members, now)?;
        let resolver = (item.state == ItemState::Done).then(|| actor.user_id()).flatten();
        let responder = (!answered_before && item.first_response_at.is_some()).then(|| actor.user_id()).flatten();
        if !tx.save_inbox_triage(&item, responder, resolver).await? {
            return Err(AppError::Conflict("someone changed this item meanwhile; reload it".into()));
        }
        let summary = format!("Inbox item from @{}: {}", item.author.handle, change.describe(&members));
        journal_item(tx, actor, now, client, &item, JournalAction::InboxTriaged, summary).await?;
        Ok(())
    }

    /// A team note on an item (never sent to the network).
    pub async fn add_inbox_note(&self, actor: &Actor, slug: &str, id: InboxItemId, body: &str) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (client, item) = self.item_for(&mut tx, actor, slug, id, Action::AnswerInbox).await?;
        let body = required_text("note", body, 5_000)?;
        tx.insert_inbox_note(item.id, actor.user_id(), &body, now).await?;
        journal_item(
            &mut tx,
            actor,
            now,
            &client,
            &item,
            JournalAction::InboxNoted,
            format!("Note on the message from @{}", item.author.handle),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use filrouge_domain::inbox::Author;

    fn item() -> InboxItem {
        let now: Timestamp = "2026-06-01T10:00:00Z".parse().unwrap();
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
            author: Author { remote_id: "a".into(), handle: "a".into(), name: None, followers: None, url: None },
            text: String::new(),
            context_text: None,
            in_reply_to: None,
            language: None,
            sentiment: None,
            sentiment_score: 0.0,
            intent: Some(Intent::Question),
            published_at: now,
            received_at: now,
            state: ItemState::New,
            assignee: None,
            urgent: false,
            hidden: false,
            liked: false,
            labels: vec![],
            priority: 15,
            due_at: Some(now.saturating_add(SignedDuration::from_mins(60)).unwrap()),
            first_response_at: None,
            resolved_at: None,
            version: 1,
        }
    }

    #[test]
    fn an_item_is_late_soon_or_on_time_until_it_is_answered() {
        let mut i = item();
        let due = i.due_at.unwrap();
        assert_eq!(due_of(&i, due.saturating_sub(SignedDuration::from_mins(30)).unwrap()), Due::OnTime);
        assert_eq!(due_of(&i, due.saturating_sub(SignedDuration::from_mins(10)).unwrap()), Due::Soon);
        assert_eq!(due_of(&i, due), Due::Late);
        i.first_response_at = Some(due);
        assert_eq!(due_of(&i, due), Due::None, "answered: no longer due");
    }

    #[test]
    fn assigning_moves_a_new_item_to_assigned_and_done_records_when() {
        let mut i = item();
        let now = i.published_at;
        let err = apply_triage(&mut i, &Triage::Assign(Some(UserId(9))), &[], now).unwrap_err();
        assert!(err.to_string().contains("does not belong"));
        apply_triage(&mut i, &Triage::Urgent(true), &[], now).unwrap();
        assert!(i.priority < 10, "urgent goes first: {}", i.priority);
        apply_triage(&mut i, &Triage::State(ItemState::Done), &[], now).unwrap();
        assert_eq!(i.resolved_at, Some(now));
        apply_triage(&mut i, &Triage::State(ItemState::New), &[], now).unwrap();
        assert_eq!(i.resolved_at, None, "reopened");
    }
}
