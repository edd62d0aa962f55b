//! What reviewers say about posts (comments, approvals, rejections) and the signed review links that let a client
//! review without an account.

use filrouge_domain::ids::{ClientId, CommentId, PostId, UserId};
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, timestamp};
use crate::tx::{on_tx, Tx};

/// A comment or decision on a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostComment {
    pub id: CommentId,
    pub post_id: PostId,
    /// `comment`, `approve` or `reject`.
    pub kind: String,
    pub user_id: Option<UserId>,
    /// The user's name, or the name given on a signed link page.
    pub author: String,
    pub body: String,
    pub at: Timestamp,
}

/// A signed review link as stored (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLink {
    pub id: i64,
    pub client_id: ClientId,
    pub label: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked: bool,
}

impl Tx {
    pub async fn insert_post_comment(
        &mut self,
        post: PostId,
        kind: &str,
        user: Option<UserId>,
        author: &str,
        body: &str,
        at: Timestamp,
    ) -> Result<CommentId> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "INSERT INTO post_comments (post_id, kind, user_id, author, body, at) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id")
            .bind(post.0).bind(kind).bind(user.map(|u| u.0)).bind(author).bind(body).bind(millis(at))
            .fetch_one(c).await)?;
        Ok(CommentId(id))
    }

    /// A post's comments, oldest first.
    pub async fn post_comments(&mut self, post: PostId) -> Result<Vec<PostComment>> {
        let rows: Vec<(i64, String, Option<i64>, String, String, i64)> = on_tx!(self, c => sqlx::query_as(
            "SELECT id, kind, user_id, author, body, at FROM post_comments WHERE post_id = $1 ORDER BY id")
            .bind(post.0).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, kind, user, author, body, at)| {
                Ok(PostComment {
                    id: CommentId(id),
                    post_id: post,
                    kind,
                    user_id: user.map(UserId),
                    author,
                    body,
                    at: timestamp(at)?,
                })
            })
            .collect()
    }

    pub async fn insert_review_link(
        &mut self,
        client: ClientId,
        token_hash: &str,
        label: &str,
        by: Option<UserId>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<i64> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "INSERT INTO review_links (client_id, token_hash, label, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(client.0).bind(token_hash).bind(label).bind(by.map(|u| u.0)).bind(millis(now))
            .bind(millis(expires_at)).fetch_one(c).await)?;
        Ok(id)
    }

    /// The link whose token hashes to `token_hash`, whatever its state (the caller checks expiry and revocation).
    pub async fn review_link(&mut self, token_hash: &str) -> Result<Option<ReviewLink>> {
        let row: Option<(i64, i64, String, i64, i64, bool)> = on_tx!(self, c => sqlx::query_as(
            "SELECT id, client_id, label, created_at, expires_at, revoked FROM review_links WHERE token_hash = $1")
            .bind(token_hash).fetch_optional(c).await)?;
        row.map(|(id, client, label, created, expires, revoked)| {
            Ok(ReviewLink {
                id,
                client_id: ClientId(client),
                label,
                created_at: timestamp(created)?,
                expires_at: timestamp(expires)?,
                revoked,
            })
        })
        .transpose()
    }

    pub async fn review_links(&mut self, client: ClientId) -> Result<Vec<ReviewLink>> {
        let rows: Vec<(i64, String, i64, i64, bool)> = on_tx!(self, c => sqlx::query_as(
            "SELECT id, label, created_at, expires_at, revoked FROM review_links WHERE client_id = $1 ORDER BY id DESC")
            .bind(client.0).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, label, created, expires, revoked)| {
                Ok(ReviewLink {
                    id,
                    client_id: client,
                    label,
                    created_at: timestamp(created)?,
                    expires_at: timestamp(expires)?,
                    revoked,
                })
            })
            .collect()
    }

    pub async fn revoke_review_link(&mut self, client: ClientId, id: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query("UPDATE review_links SET revoked = TRUE WHERE id = $1 AND client_id = $2")
            .bind(id).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }
}
