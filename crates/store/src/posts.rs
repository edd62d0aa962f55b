//! Posts of the fil rouge: their content (JSON), their target accounts with variants, state and planned time, with
//! a version checked on every change so two editors never overwrite each other silently.

use std::collections::HashMap;

use filrouge_domain::ids::{AccountId, CampaignId, ClientId, PostId, UserId};
use filrouge_domain::post::{Post, PostContent, PostMedia, PostState, Target};
use jiff::Timestamp;

use crate::error::{Result, StoreError};
use crate::rows::{from_json, millis, timestamp, to_json};
use crate::tx::{on_tx, Tx};

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    client_id: i64,
    state: String,
    planned_at: Option<i64>,
    campaign_id: Option<i64>,
    content: String,
    review_comment: String,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    post_id: i64,
    account_id: i64,
    text_variant: Option<String>,
    media_variant: Option<String>,
}

const POST_COLUMNS: &str = "p.id, p.client_id, p.state, p.planned_at, p.campaign_id, p.content, p.review_comment, \
     p.created_by, p.created_at, p.updated_at, p.version";

impl PostRow {
    fn into_post(self, targets: Vec<Target>) -> Result<Post> {
        let state =
            PostState::parse(&self.state).ok_or_else(|| StoreError::Corrupt(format!("posts.state: {}", self.state)))?;
        let mut content: PostContent = from_json("posts.content", &self.content)?;
        content.targets = targets;
        Ok(Post {
            id: PostId(self.id),
            client_id: ClientId(self.client_id),
            state,
            planned_at: self.planned_at.map(timestamp).transpose()?,
            campaign_id: self.campaign_id.map(CampaignId),
            content,
            review_comment: self.review_comment,
            created_by: self.created_by.map(UserId),
            created_at: timestamp(self.created_at)?,
            updated_at: timestamp(self.updated_at)?,
            version: self.version,
        })
    }
}

impl TargetRow {
    fn into_target(self) -> Result<Target> {
        let media: Option<Vec<PostMedia>> =
            self.media_variant.as_deref().map(|m| from_json("post_targets.media_variant", m)).transpose()?;
        Ok(Target { account_id: AccountId(self.account_id), text: self.text_variant, media })
    }
}

/// The content column holds everything but the targets, which have their own rows.
fn content_column(content: &PostContent) -> Result<String> {
    let without_targets = PostContent { targets: Vec::new(), ..content.clone() };
    to_json(&without_targets)
}

/// A new post about to be stored.
#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub client: ClientId,
    pub state: PostState,
    pub planned_at: Option<Timestamp>,
    pub campaign: Option<CampaignId>,
    pub content: &'a PostContent,
    pub created_by: Option<UserId>,
}

impl Tx {
    pub async fn insert_post(&mut self, post: &NewPost<'_>, now: Timestamp) -> Result<PostId> {
        let sql = "INSERT INTO posts (client_id, state, planned_at, campaign_id, content, created_by, created_at,
                   updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
        let content = content_column(post.content)?;
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(post.client.0).bind(post.state.as_str()).bind(post.planned_at.map(millis))
            .bind(post.campaign.map(|c| c.0)).bind(&content).bind(post.created_by.map(|u| u.0)).bind(millis(now))
            .fetch_one(c).await)?;
        self.write_targets(PostId(id), &post.content.targets).await?;
        Ok(PostId(id))
    }

    async fn write_targets(&mut self, post: PostId, targets: &[Target]) -> Result<()> {
        on_tx!(self, c => sqlx::query("DELETE FROM post_targets WHERE post_id = $1").bind(post.0).execute(c).await.map(drop))?;
        for (position, target) in targets.iter().enumerate() {
            let media = target.media.as_ref().map(to_json).transpose()?;
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            on_tx!(self, c => sqlx::query(
                "INSERT INTO post_targets (post_id, account_id, position, text_variant, media_variant)
                 VALUES ($1, $2, $3, $4, $5)")
                .bind(post.0).bind(target.account_id.0).bind(position).bind(target.text.as_deref()).bind(media.as_deref())
                .execute(c).await.map(drop))?;
        }
        Ok(())
    }

    /// Replaces a post's content and state if its version is still `version`; false when someone changed it
    /// meanwhile (or it is not the client's).
    #[allow(clippy::too_many_arguments)]
    pub async fn update_post(
        &mut self,
        client: ClientId,
        id: PostId,
        version: i64,
        state: PostState,
        content: &PostContent,
        campaign: Option<CampaignId>,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = "UPDATE posts SET content = $4, state = $5, campaign_id = $6, updated_at = $7, version = version + 1
                   WHERE id = $1 AND client_id = $2 AND version = $3";
        let column = content_column(content)?;
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(id.0).bind(client.0).bind(version).bind(&column).bind(state.as_str()).bind(campaign.map(|c| c.0))
            .bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        if n > 0 {
            self.write_targets(id, &content.targets).await?;
        }
        Ok(n > 0)
    }

    /// Sets a post's state (and the reviewer's comment when given) if its version is still `version`.
    pub async fn set_post_state(
        &mut self,
        client: ClientId,
        id: PostId,
        version: i64,
        state: PostState,
        review_comment: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = "UPDATE posts SET state = $4, review_comment = COALESCE($5, review_comment), updated_at = $6,
                   version = version + 1 WHERE id = $1 AND client_id = $2 AND version = $3";
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(id.0).bind(client.0).bind(version).bind(state.as_str()).bind(review_comment).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Moves a post in time (or, with `None`, back to the ideas backlog) and sets its state, if its version is
    /// still `version`.
    pub async fn move_post(
        &mut self,
        client: ClientId,
        id: PostId,
        version: i64,
        planned_at: Option<Timestamp>,
        state: PostState,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = "UPDATE posts SET planned_at = $4, state = $5, updated_at = $6, version = version + 1
                   WHERE id = $1 AND client_id = $2 AND version = $3";
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(id.0).bind(client.0).bind(version).bind(planned_at.map(millis)).bind(state.as_str())
            .bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn delete_post(&mut self, client: ClientId, id: PostId) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query("DELETE FROM posts WHERE id = $1 AND client_id = $2")
            .bind(id.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn post(&mut self, client: ClientId, id: PostId) -> Result<Option<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts p WHERE p.id = $1 AND p.client_id = $2");
        let row: Option<PostRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).bind(client.0).fetch_optional(c).await)?;
        let Some(row) = row else { return Ok(None) };
        let sql = "SELECT post_id, account_id, text_variant, media_variant FROM post_targets WHERE post_id = $1
                   ORDER BY position";
        let targets: Vec<TargetRow> = on_tx!(self, c => sqlx::query_as(sql).bind(id.0).fetch_all(c).await)?;
        row.into_post(targets.into_iter().map(TargetRow::into_target).collect::<Result<_>>()?).map(Some)
    }

    /// The posts of `clients` planned in `[from, to)`, by time then id.
    pub async fn posts_between(&mut self, clients: &[ClientId], from: Timestamp, to: Timestamp) -> Result<Vec<Post>> {
        if clients.is_empty() {
            return Ok(Vec::new());
        }
        let range = self.list_of(2);
        let (lo, hi) = range.split_once(',').unwrap_or(("$1", "$2"));
        let ids = self.list_of_from(3, clients.len());
        let filter = format!("p.planned_at >= {lo} AND p.planned_at < {hi} AND p.client_id IN ({ids})");
        let clients: Vec<i64> = clients.iter().map(|c| c.0).collect();
        self.posts_where(&filter, Some((from, to)), &clients, "p.planned_at, p.id").await
    }

    /// The ideas backlog: posts of `clients` with no planned time, newest first.
    pub async fn backlog(&mut self, clients: &[ClientId]) -> Result<Vec<Post>> {
        if clients.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.list_of(clients.len());
        let filter = format!("p.client_id IN ({ids}) AND p.planned_at IS NULL");
        let clients: Vec<i64> = clients.iter().map(|c| c.0).collect();
        self.posts_where(&filter, None, &clients, "p.updated_at DESC, p.id DESC").await
    }

    /// Posts by id, whatever their client (the publishing engine loads what it claimed), in two statements.
    pub async fn posts_by_ids(&mut self, ids: &[PostId]) -> Result<Vec<Post>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let filter = format!("p.id IN ({})", self.list_of(ids.len()));
        let ids: Vec<i64> = ids.iter().map(|p| p.0).collect();
        self.posts_where(&filter, None, &ids, "p.id").await
    }

    /// Posts matching `filter` (its parameters: the range if any, then `values`) with their targets, in two
    /// statements whatever their number.
    async fn posts_where(
        &mut self,
        filter: &str,
        range: Option<(Timestamp, Timestamp)>,
        values: &[i64],
        order: &str,
    ) -> Result<Vec<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts p WHERE {filter} ORDER BY {order}");
        let targets_sql = format!(
            "SELECT t.post_id, t.account_id, t.text_variant, t.media_variant FROM post_targets t
             JOIN posts p ON p.id = t.post_id WHERE {filter} ORDER BY t.post_id, t.position"
        );
        macro_rules! bind_all {
            ($q:expr) => {{
                let mut q = $q;
                if let Some((from, to)) = range {
                    q = q.bind(millis(from)).bind(millis(to));
                }
                for value in values {
                    q = q.bind(*value);
                }
                q
            }};
        }
        let rows: Vec<PostRow> = on_tx!(self, c => bind_all!(sqlx::query_as(&sql)).fetch_all(c).await)?;
        let target_rows: Vec<TargetRow> =
            on_tx!(self, c => bind_all!(sqlx::query_as(&targets_sql)).fetch_all(c).await)?;
        let mut targets: HashMap<i64, Vec<Target>> = HashMap::new();
        for row in target_rows {
            targets.entry(row.post_id).or_default().push(row.into_target()?);
        }
        rows.into_iter()
            .map(|row| {
                let t = targets.remove(&row.id).unwrap_or_default();
                row.into_post(t)
            })
            .collect()
    }
}

impl Tx {
    /// The texts of posts that went through review or out (approved, scheduled, publishing, published), newest
    /// first, at most `per_client` per client: what the wrong-client guard learns each client's voice from.
    pub async fn past_post_texts(&mut self, per_client: usize) -> Result<Vec<(ClientId, String)>> {
        let sql = "SELECT client_id, content FROM (
                       SELECT client_id, content, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY id DESC) AS n
                       FROM posts WHERE state IN ('approved', 'scheduled', 'publishing', 'published')) AS t
                   WHERE n <= $1 ORDER BY client_id";
        let limit = i64::try_from(per_client).unwrap_or(i64::MAX);
        let rows: Vec<(i64, String)> = on_tx!(self, c => sqlx::query_as(sql).bind(limit).fetch_all(c).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for (client, content) in rows {
            let content: PostContent = from_json("posts.content", &content)?;
            out.push((ClientId(client), content.text));
        }
        Ok(out)
    }
}

impl Tx {
    /// Posts waiting for review whose time comes before `before` (and after `now`) and whose reviewers have not
    /// been reminded for that time: (client, post, planned time).
    pub async fn posts_to_remind(
        &mut self,
        now: Timestamp,
        before: Timestamp,
    ) -> Result<Vec<(ClientId, PostId, Timestamp)>> {
        let sql = "SELECT client_id, id, planned_at FROM posts
                   WHERE state = 'in_review' AND planned_at > $1 AND planned_at <= $2
                     AND (reminded_for IS NULL OR reminded_for <> planned_at) ORDER BY planned_at, id";
        let rows: Vec<(i64, i64, i64)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(millis(now)).bind(millis(before)).fetch_all(c).await)?;
        rows.into_iter().map(|(c, p, at)| Ok((ClientId(c), PostId(p), timestamp(at)?))).collect()
    }

    /// Claims the reminder of a post for its planned time `at`; false when another process already did.
    pub async fn claim_reminder(&mut self, post: PostId, at: Timestamp) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "UPDATE posts SET reminded_for = $2 WHERE id = $1 AND planned_at = $2
             AND (reminded_for IS NULL OR reminded_for <> $2)")
            .bind(post.0).bind(millis(at)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Gives a claimed reminder back (its e-mail could not be sent): the next round tries again.
    pub async fn release_reminder(&mut self, post: PostId) -> Result<()> {
        on_tx!(self, c => sqlx::query("UPDATE posts SET reminded_for = NULL WHERE id = $1")
            .bind(post.0).execute(c).await.map(drop))?;
        Ok(())
    }
}
