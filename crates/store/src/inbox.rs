//! The inbox's storage: items stored once (per account and remote id, per client and mention) with their sync
//! cursors in the same transaction, filtered listings in priority order, threads and an author's history, team
//! notes, replies recorded before they are sent, saved replies and each client's inbox settings.

use filrouge_domain::analysis::{Intent, Sentiment};
use filrouge_domain::ids::{
    AccountId, ClientId, InboxItemId, InboxNoteId, InboxReplyId, MentionId, SavedReplyId, UserId,
};
use filrouge_domain::inbox::{Author, InboxItem, ItemKind, ItemState, NewInboxItem, Triage};
use jiff::Timestamp;

use crate::error::{Result, StoreError};
use crate::rows::{from_json, millis, timestamp, to_json};
use crate::tx::{on_tx, Tx};

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    client_id: i64,
    account_id: Option<i64>,
    mention_id: Option<i64>,
    network: String,
    kind: String,
    remote_id: String,
    cid: Option<String>,
    thread_key: String,
    url: String,
    author_remote_id: String,
    author_handle: String,
    author_name: Option<String>,
    author_followers: Option<i64>,
    author_url: Option<String>,
    body: String,
    context_text: Option<String>,
    in_reply_to: Option<String>,
    language: Option<String>,
    sentiment: Option<String>,
    sentiment_score: f64,
    intent: Option<String>,
    published_at: i64,
    received_at: i64,
    state: String,
    assignee_id: Option<i64>,
    urgent: bool,
    hidden: bool,
    liked: bool,
    labels: String,
    priority: i64,
    due_at: Option<i64>,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    version: i64,
}

const ITEM_COLUMNS: &str = "id, client_id, account_id, mention_id, network, kind, remote_id, cid, thread_key, url, \
     author_remote_id, author_handle, author_name, author_followers, author_url, body, context_text, in_reply_to, \
     language, sentiment, sentiment_score, intent, published_at, received_at, state, assignee_id, urgent, hidden, \
     liked, labels, priority, due_at, first_response_at, resolved_at, version";

impl ItemRow {
    fn into_item(self) -> Result<InboxItem> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("inbox_items.{what}: {v}"));
        Ok(InboxItem {
            id: InboxItemId(self.id),
            client_id: ClientId(self.client_id),
            account_id: self.account_id.map(AccountId),
            mention_id: self.mention_id.map(MentionId),
            kind: ItemKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            network: self.network,
            remote_id: self.remote_id,
            cid: self.cid,
            thread_key: self.thread_key,
            url: self.url,
            author: Author {
                remote_id: self.author_remote_id,
                handle: self.author_handle,
                name: self.author_name,
                followers: self.author_followers.map(|f| f.max(0) as u64),
                url: self.author_url,
            },
            text: self.body,
            context_text: self.context_text,
            in_reply_to: self.in_reply_to,
            language: self.language,
            sentiment: self.sentiment.as_deref().and_then(Sentiment::parse),
            sentiment_score: self.sentiment_score as f32,
            intent: self.intent.as_deref().and_then(Intent::parse),
            published_at: timestamp(self.published_at)?,
            received_at: timestamp(self.received_at)?,
            state: ItemState::parse(&self.state).ok_or_else(|| corrupt("state", &self.state))?,
            assignee: self.assignee_id.map(UserId),
            urgent: self.urgent,
            hidden: self.hidden,
            liked: self.liked,
            labels: from_json("inbox_items.labels", &self.labels)?,
            priority: self.priority as i32,
            due_at: self.due_at.map(timestamp).transpose()?,
            first_response_at: self.first_response_at.map(timestamp).transpose()?,
            resolved_at: self.resolved_at.map(timestamp).transpose()?,
            version: self.version,
        })
    }
}

/// Which items to list.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// The clients the reader may see (never empty: an empty list lists nothing).
    pub clients: Vec<ClientId>,
    pub account: Option<AccountId>,
    pub network: Option<String>,
    pub kind: Option<ItemKind>,
    pub intent: Option<Intent>,
    pub sentiment: Option<Sentiment>,
    /// `None`: every open state (new, assigned, waiting).
    pub state: Option<ItemState>,
    pub assignee: Option<UserId>,
    pub label: Option<String>,
    pub include_hidden: bool,
    pub limit: u32,
    pub offset: u32,
}

/// A team note on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxNote {
    pub id: InboxNoteId,
    pub user_id: Option<UserId>,
    pub author: String,
    pub body: String,
    pub at: Timestamp,
}

/// A reply written from the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxReply {
    pub id: InboxReplyId,
    pub item_id: InboxItemId,
    pub client_id: ClientId,
    pub account_id: AccountId,
    pub author_id: Option<UserId>,
    pub body: String,
    /// `awaiting_approval`, `sending`, `sent`, `failed`, `rejected`.
    pub state: String,
    pub idempotency_key: String,
    pub remote_id: Option<String>,
    pub url: Option<String>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// A client's saved reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReply {
    pub id: SavedReplyId,
    pub client_id: ClientId,
    pub name: String,
    pub body: String,
}

/// A client's inbox settings as stored (texts parsed by the domain when used).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboxSettingsRecord {
    pub rules: String,
    pub hours: String,
    pub target_minutes: Option<i64>,
    pub rota: String,
    pub replies_need_approval: bool,
}

/// What response times are computed from: one answered or closed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    pub client_id: ClientId,
    /// When the person wrote (or when it reached us, if earlier: a clock skew).
    pub received_at: Timestamp,
    pub first_response_at: Option<Timestamp>,
    pub first_responder: Option<UserId>,
    pub resolved_at: Option<Timestamp>,
    pub resolver: Option<UserId>,
}

/// The sync position of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxCursor {
    pub cursor: Option<String>,
    pub synced_at: Timestamp,
    pub last_error: Option<String>,
}

impl Tx {
    /// Stores an item unless it is already there (same account and remote id, or same client and mention);
    /// returns its id when it was new.
    pub async fn insert_inbox_item(
        &mut self,
        item: &NewInboxItem,
        triage: &Triage,
        priority: i32,
    ) -> Result<Option<InboxItemId>> {
        let state = if triage.history {
            ItemState::Done
        } else {
            triage.state.unwrap_or(if triage.assignee.is_some() { ItemState::Assigned } else { ItemState::New })
        };
        let sql =
            "INSERT INTO inbox_items (client_id, account_id, mention_id, network, kind, remote_id, cid, thread_key,
                 url, author_remote_id, author_handle, author_name, author_followers, author_url, body, context_text,
                 in_reply_to, language, sentiment, sentiment_score, intent, published_at, received_at, state,
                 assignee_id, urgent, hidden, labels, priority, due_at, resolved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                 $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)
             ON CONFLICT DO NOTHING RETURNING id";
        let labels = to_json(&triage.labels)?;
        // History is closed without a resolution time (left out of response times).
        let resolved = (state == ItemState::Done && !triage.history).then(|| millis(item.received_at));
        let due = if triage.history { None } else { triage.due_at.map(millis) };
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(item.client_id.0).bind(item.account_id.map(|a| a.0)).bind(item.mention_id.map(|m| m.0))
            .bind(&item.network).bind(item.kind.as_str()).bind(&item.remote_id).bind(&item.cid)
            .bind(&item.thread_key).bind(&item.url).bind(&item.author.remote_id).bind(&item.author.handle)
            .bind(&item.author.name).bind(item.author.followers.map(|f| f.min(i64::MAX as u64) as i64))
            .bind(&item.author.url).bind(&item.text).bind(&item.context_text).bind(&item.in_reply_to)
            .bind(&item.language).bind(item.sentiment.map(Sentiment::as_str)).bind(f64::from(item.sentiment_score))
            .bind(item.intent.map(Intent::as_str)).bind(millis(item.published_at)).bind(millis(item.received_at))
            .bind(state.as_str()).bind(triage.assignee.map(|u| u.0)).bind(triage.urgent).bind(triage.hidden)
            .bind(&labels).bind(i64::from(priority)).bind(due).bind(resolved)
            .fetch_optional(c).await)?;
        Ok(id.map(InboxItemId))
    }

    pub async fn inbox_cursor(&mut self, account: AccountId) -> Result<Option<InboxCursor>> {
        let row: Option<(Option<String>, i64, Option<String>)> = on_tx!(self, c => sqlx::query_as(
            "SELECT cursor, synced_at, last_error FROM inbox_cursors WHERE account_id = $1")
            .bind(account.0).fetch_optional(c).await)?;
        row.map(|(cursor, at, last_error)| Ok(InboxCursor { cursor, synced_at: timestamp(at)?, last_error }))
            .transpose()
    }

    /// Records how far an account's inbox was read (`cursor` unchanged when `None` is given with an error).
    pub async fn set_inbox_cursor(
        &mut self,
        account: AccountId,
        cursor: Option<&str>,
        now: Timestamp,
        error: Option<&str>,
    ) -> Result<()> {
        let sql = "INSERT INTO inbox_cursors (account_id, cursor, synced_at, last_error) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id) DO UPDATE SET cursor = COALESCE(excluded.cursor, inbox_cursors.cursor),
                 synced_at = excluded.synced_at, last_error = excluded.last_error";
        on_tx!(self, c => sqlx::query(sql).bind(account.0).bind(cursor).bind(millis(now)).bind(error)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn inbox_item(&mut self, id: InboxItemId) -> Result<Option<InboxItem>> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM inbox_items WHERE id = $1");
        let row: Option<ItemRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await)?;
        row.map(ItemRow::into_item).transpose()
    }

    /// The item a client's inbox holds for a mention of the veille, if any.
    pub async fn inbox_item_for_mention(
        &mut self,
        client: ClientId,
        mention: MentionId,
    ) -> Result<Option<InboxItemId>> {
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT id FROM inbox_items WHERE client_id = $1 AND mention_id = $2")
            .bind(client.0).bind(mention.0).fetch_optional(c).await)?;
        Ok(id.map(InboxItemId))
    }

    /// Items in priority order (urgent, questions and complaints, reach; oldest first within a rank); closed
    /// items newest first.
    pub async fn inbox_items(&mut self, filter: &InboxFilter) -> Result<Vec<InboxItem>> {
        if filter.clients.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Params { sqlite: matches!(self, Tx::Sqlite(_)), order: Vec::new() };
        // `+client_id`: the clients are a filter, not the way in. The planner then walks the partial index of the
        // list's order (open items by priority and age, closed ones by when they were closed) and stops after a
        // page, instead of gathering every open item of every client and sorting them (bench/inbox: 100,000 items).
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM inbox_items WHERE +client_id IN (");
        for (i, client) in filter.clients.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            q.int(&mut sql, client.0);
        }
        sql.push(')');
        let texts = [
            ("network", filter.network.clone()),
            ("kind", filter.kind.map(|k| k.as_str().to_owned())),
            ("intent", filter.intent.map(|i| i.as_str().to_owned())),
            ("sentiment", filter.sentiment.map(|s| s.as_str().to_owned())),
            ("state", filter.state.map(|s| s.as_str().to_owned())),
        ];
        for (column, value) in texts {
            if let Some(value) = value {
                sql.push_str(&format!(" AND {column} = "));
                q.text(&mut sql, value);
            }
        }
        if filter.state != Some(ItemState::Done) {
            sql.push_str(" AND state <> 'done'");
        }
        if let Some(label) = &filter.label {
            sql.push_str(" AND labels LIKE ");
            q.text(&mut sql, format!("%{}%", to_json(label)?));
        }
        if let Some(account) = filter.account {
            sql.push_str(" AND account_id = ");
            q.int(&mut sql, account.0);
        }
        if let Some(assignee) = filter.assignee {
            sql.push_str(" AND assignee_id = ");
            q.int(&mut sql, assignee.0);
        }
        if !filter.include_hidden {
            sql.push_str(" AND hidden = FALSE");
        }
        if filter.state == Some(ItemState::Done) {
            sql.push_str(" ORDER BY resolved_at DESC, id DESC");
        } else {
            sql.push_str(" ORDER BY priority, published_at, id");
        }
        sql.push_str(" LIMIT ");
        q.int(&mut sql, i64::from(filter.limit.max(1)));
        sql.push_str(" OFFSET ");
        q.int(&mut sql, i64::from(filter.offset));
        let binds = q.order;
        let rows: Vec<ItemRow> = on_tx!(self, c => {
            let mut query = sqlx::query_as(&sql);
            for bind in &binds {
                query = match bind {
                    Bind::Text(t) => query.bind(t.clone()),
                    Bind::Int(i) => query.bind(*i),
                };
            }
            query.fetch_all(c).await
        })?;
        rows.into_iter().map(ItemRow::into_item).collect()
    }

    /// The items of one conversation, oldest first.
    pub async fn inbox_thread(&mut self, client: ClientId, thread_key: &str) -> Result<Vec<InboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM inbox_items WHERE client_id = $1 AND thread_key = $2
             ORDER BY published_at, id LIMIT 200"
        );
        let rows: Vec<ItemRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).bind(thread_key).fetch_all(c).await)?;
        rows.into_iter().map(ItemRow::into_item).collect()
    }

    /// How many items each of these conversations of a client holds.
    pub async fn inbox_thread_sizes(&mut self, client: ClientId, thread_keys: &[String]) -> Result<Vec<(String, i64)>> {
        if thread_keys.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT thread_key, COUNT(*) FROM inbox_items WHERE thread_key IN ({}) AND client_id = {} GROUP BY thread_key",
            self.list_of(thread_keys.len()),
            if matches!(self, Tx::Sqlite(_)) { "?".to_owned() } else { format!("${}", thread_keys.len() + 1) }
        );
        let rows: Vec<(String, i64)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for key in thread_keys {
                q = q.bind(key);
            }
            q.bind(client.0).fetch_all(c).await
        })?;
        Ok(rows)
    }

    /// What one person wrote to a client before, newest first.
    pub async fn inbox_author_history(
        &mut self,
        client: ClientId,
        author_remote_id: &str,
        limit: u32,
    ) -> Result<Vec<InboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM inbox_items WHERE client_id = $1 AND author_remote_id = $2
             ORDER BY published_at DESC, id DESC LIMIT $3"
        );
        let rows: Vec<ItemRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).bind(author_remote_id)
            .bind(i64::from(limit)).fetch_all(c).await)?;
        rows.into_iter().map(ItemRow::into_item).collect()
    }

    /// Writes the triage fields of an item (state, assignee, urgent, hidden, liked, labels, response and
    /// resolution times) if its version is still the one it was read at; bumps the version.
    pub async fn save_inbox_triage(
        &mut self,
        item: &InboxItem,
        responder: Option<UserId>,
        resolver: Option<UserId>,
    ) -> Result<bool> {
        let sql = "UPDATE inbox_items SET state = $3, assignee_id = $4, urgent = $5, hidden = $6, liked = $7,
                 labels = $8, priority = $9, first_response_at = $10,
                 first_responder_id = COALESCE(first_responder_id, $11), resolved_at = $12,
                 resolver_id = CASE WHEN $12 IS NULL THEN NULL ELSE COALESCE($13, resolver_id) END,
                 version = version + 1
             WHERE id = $1 AND version = $2";
        let labels = to_json(&item.labels)?;
        let n = on_tx!(self, c => sqlx::query(sql).bind(item.id.0).bind(item.version).bind(item.state.as_str())
            .bind(item.assignee.map(|u| u.0)).bind(item.urgent).bind(item.hidden).bind(item.liked).bind(&labels)
            .bind(i64::from(item.priority)).bind(item.first_response_at.map(millis)).bind(responder.map(|u| u.0))
            .bind(item.resolved_at.map(millis)).bind(resolver.map(|u| u.0))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Open, visible items per client: the navigation's unread counts (state `new`).
    pub async fn inbox_new_counts(&mut self, clients: &[ClientId]) -> Result<Vec<(ClientId, i64)>> {
        if clients.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT client_id, COUNT(*) FROM inbox_items WHERE client_id IN ({}) AND state = 'new' AND hidden = FALSE
             GROUP BY client_id",
            self.list_of(clients.len())
        );
        let rows: Vec<(i64, i64)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for client in clients {
                q = q.bind(client.0);
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().map(|(c, n)| (ClientId(c), n)).collect())
    }

    /// Items received in `[from, to)` for response-time figures.
    pub async fn inbox_responses(
        &mut self,
        client: ClientId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ResponseRecord>> {
        type Row = (i64, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Row> = on_tx!(self, c => sqlx::query_as(
            "SELECT client_id, CASE WHEN published_at < received_at THEN published_at ELSE received_at END,
                 first_response_at, first_responder_id, resolved_at, resolver_id
             FROM inbox_items WHERE client_id = $1 AND received_at >= $2 AND received_at < $3 AND hidden = FALSE
                 AND NOT (state = 'done' AND resolved_at IS NULL)")
            .bind(client.0).bind(millis(from)).bind(millis(to)).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(client, received, first, responder, resolved, resolver)| {
                Ok(ResponseRecord {
                    client_id: ClientId(client),
                    received_at: timestamp(received)?,
                    first_response_at: first.map(timestamp).transpose()?,
                    first_responder: responder.map(UserId),
                    resolved_at: resolved.map(timestamp).transpose()?,
                    resolver: resolver.map(UserId),
                })
            })
            .collect()
    }

    pub async fn insert_inbox_note(
        &mut self,
        item: InboxItemId,
        user: Option<UserId>,
        body: &str,
        at: Timestamp,
    ) -> Result<InboxNoteId> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "INSERT INTO inbox_notes (item_id, user_id, body, at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(item.0).bind(user.map(|u| u.0)).bind(body).bind(millis(at)).fetch_one(c).await)?;
        Ok(InboxNoteId(id))
    }

    pub async fn inbox_notes(&mut self, item: InboxItemId) -> Result<Vec<InboxNote>> {
        type Row = (i64, Option<i64>, Option<String>, String, i64);
        let rows: Vec<Row> = on_tx!(self, c => sqlx::query_as(
            "SELECT n.id, n.user_id, u.name, n.body, n.at FROM inbox_notes n LEFT JOIN users u ON u.id = n.user_id
             WHERE n.item_id = $1 ORDER BY n.id")
            .bind(item.0).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, user, name, body, at)| {
                Ok(InboxNote {
                    id: InboxNoteId(id),
                    user_id: user.map(UserId),
                    author: name.unwrap_or_default(),
                    body,
                    at: timestamp(at)?,
                })
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_inbox_reply(
        &mut self,
        item: &InboxItem,
        account: AccountId,
        author: Option<UserId>,
        body: &str,
        state: &str,
        idempotency_key: &str,
        now: Timestamp,
    ) -> Result<InboxReplyId> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "INSERT INTO inbox_replies (item_id, client_id, account_id, author_id, body, state, idempotency_key,
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(item.id.0).bind(item.client_id.0).bind(account.0).bind(author.map(|u| u.0)).bind(body)
            .bind(state).bind(idempotency_key).bind(millis(now)).fetch_one(c).await)?;
        Ok(InboxReplyId(id))
    }

    /// Moves a reply on: `sent` with the network's id and address, `failed` with its message, `sending` once
    /// approved, `rejected`.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_inbox_reply_state(
        &mut self,
        id: InboxReplyId,
        from_state: &str,
        state: &str,
        remote: Option<(&str, &str)>,
        error: Option<&str>,
        decided_by: Option<UserId>,
        now: Timestamp,
    ) -> Result<bool> {
        let sent_at = (state == "sent").then(|| millis(now));
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE inbox_replies SET state = $3, remote_id = COALESCE($4, remote_id), url = COALESCE($5, url),
                 last_error = $6, decided_by = COALESCE($7, decided_by), sent_at = COALESCE($8, sent_at)
             WHERE id = $1 AND state = $2")
            .bind(id.0).bind(from_state).bind(state).bind(remote.map(|r| r.0)).bind(remote.map(|r| r.1))
            .bind(error).bind(decided_by.map(|u| u.0)).bind(sent_at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn inbox_replies(&mut self, item: InboxItemId) -> Result<Vec<InboxReply>> {
        self.inbox_replies_where("item_id = $1", item.0).await
    }

    pub async fn inbox_reply(&mut self, id: InboxReplyId) -> Result<Option<InboxReply>> {
        Ok(self.inbox_replies_where("id = $1", id.0).await?.into_iter().next())
    }

    /// Replies of a client waiting for approval, oldest first.
    pub async fn inbox_replies_awaiting(&mut self, client: ClientId) -> Result<Vec<InboxReply>> {
        self.inbox_replies_where("client_id = $1 AND state = 'awaiting_approval'", client.0).await
    }

    async fn inbox_replies_where(&mut self, condition: &str, value: i64) -> Result<Vec<InboxReply>> {
        type Row = (
            i64,
            i64,
            i64,
            i64,
            Option<i64>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            Option<i64>,
        );
        let sql = format!(
            "SELECT id, item_id, client_id, account_id, author_id, body, state, idempotency_key, remote_id, url,
                 last_error, created_at, sent_at FROM inbox_replies WHERE {condition} ORDER BY id"
        );
        let rows: Vec<Row> = on_tx!(self, c => sqlx::query_as(&sql).bind(value).fetch_all(c).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(InboxReply {
                    id: InboxReplyId(r.0),
                    item_id: InboxItemId(r.1),
                    client_id: ClientId(r.2),
                    account_id: AccountId(r.3),
                    author_id: r.4.map(UserId),
                    body: r.5,
                    state: r.6,
                    idempotency_key: r.7,
                    remote_id: r.8,
                    url: r.9,
                    last_error: r.10,
                    created_at: timestamp(r.11)?,
                    sent_at: r.12.map(timestamp).transpose()?,
                })
            })
            .collect()
    }

    pub async fn saved_replies(&mut self, client: ClientId) -> Result<Vec<SavedReply>> {
        let rows: Vec<(i64, String, String)> = on_tx!(self, c => sqlx::query_as(
            "SELECT id, name, body FROM saved_replies WHERE client_id = $1 ORDER BY name")
            .bind(client.0).fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, body)| SavedReply { id: SavedReplyId(id), client_id: client, name, body })
            .collect())
    }

    /// Adds a saved reply or replaces the one of the same name.
    pub async fn put_saved_reply(&mut self, client: ClientId, name: &str, body: &str) -> Result<SavedReplyId> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "INSERT INTO saved_replies (client_id, name, body) VALUES ($1, $2, $3)
             ON CONFLICT (client_id, name) DO UPDATE SET body = excluded.body RETURNING id")
            .bind(client.0).bind(name).bind(body).fetch_one(c).await)?;
        Ok(SavedReplyId(id))
    }

    pub async fn delete_saved_reply(&mut self, client: ClientId, id: SavedReplyId) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query("DELETE FROM saved_replies WHERE id = $1 AND client_id = $2")
            .bind(id.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn inbox_settings(&mut self, client: ClientId) -> Result<InboxSettingsRecord> {
        let row: Option<(String, String, Option<i64>, String, bool)> = on_tx!(self, c => sqlx::query_as(
            "SELECT rules, hours, target_minutes, rota, replies_need_approval FROM inbox_settings WHERE client_id = $1")
            .bind(client.0).fetch_optional(c).await)?;
        Ok(row
            .map(|(rules, hours, target_minutes, rota, replies_need_approval)| InboxSettingsRecord {
                rules,
                hours,
                target_minutes,
                rota,
                replies_need_approval,
            })
            .unwrap_or_default())
    }

    pub async fn put_inbox_settings(
        &mut self,
        client: ClientId,
        settings: &InboxSettingsRecord,
        now: Timestamp,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "INSERT INTO inbox_settings (client_id, rules, hours, target_minutes, rota, replies_need_approval, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (client_id) DO UPDATE SET rules = excluded.rules, hours = excluded.hours,
                 target_minutes = excluded.target_minutes, rota = excluded.rota,
                 replies_need_approval = excluded.replies_need_approval, updated_at = excluded.updated_at")
            .bind(client.0).bind(&settings.rules).bind(&settings.hours).bind(settings.target_minutes)
            .bind(&settings.rota).bind(settings.replies_need_approval).bind(millis(now)).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// What a network reported about an account's limits (a Mastodon instance's), as JSON.
    pub async fn set_account_network_limits(&mut self, account: AccountId, limits: Option<&str>) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE accounts SET network_limits = $2 WHERE id = $1")
            .bind(account.0).bind(limits).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn account_network_limits(&mut self, account: AccountId) -> Result<Option<String>> {
        let v: Option<Option<String>> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT network_limits FROM accounts WHERE id = $1").bind(account.0).fetch_optional(c).await)?;
        Ok(v.flatten())
    }
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Placeholders written in order with their values (`?` on SQLite, `$n` on PostgreSQL).
struct Params {
    sqlite: bool,
    order: Vec<Bind>,
}

impl Params {
    fn placeholder(&mut self, sql: &mut String) {
        if self.sqlite {
            sql.push('?');
        } else {
            sql.push_str(&format!("${}", self.order.len()));
        }
    }
    fn text(&mut self, sql: &mut String, value: String) {
        self.order.push(Bind::Text(value));
        self.placeholder(sql);
    }
    fn int(&mut self, sql: &mut String, value: i64) {
        self.order.push(Bind::Int(value));
        self.placeholder(sql);
    }
}
