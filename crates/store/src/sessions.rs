//! Server-side sessions (stored by the hash of their token) and the failed-login record used for
//! rate limiting.

use filrouge_domain::ids::UserId;
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, timestamp};
use crate::tx::{on_tx, Tx};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub csrf: String,
    /// The password was right but the second factor is still to be given.
    pub second_factor_pending: bool,
    pub expires_at: Timestamp,
    pub last_seen_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    csrf: String,
    second_factor_pending: bool,
    expires_at: i64,
    last_seen_at: i64,
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    csrf: String,
    second_factor_pending: bool,
    expires_at: i64,
    last_seen_at: i64,
    #[sqlx(flatten)]
    user: crate::users::UserRow,
}

impl Tx {
    /// The session with this token hash and its user, in one statement (every signed-in request
    /// starts here), if it has not expired at `now`.
    pub async fn session_with_user(
        &mut self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(SessionRecord, filrouge_domain::user::User)>> {
        let user_columns: Vec<String> =
            crate::users::USER_COLUMNS.split(", ").map(|c| format!("u.{}", c.trim())).collect();
        let sql = format!(
            "SELECT s.csrf, s.second_factor_pending, s.expires_at, s.last_seen_at, {}
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            user_columns.join(", ")
        );
        let row: Option<SessionUserRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(token_hash).bind(millis(now)).fetch_optional(c).await)?;
        let Some(row) = row else { return Ok(None) };
        let user = row.user.into_credentials()?.user;
        let record = SessionRecord {
            user_id: user.id,
            csrf: row.csrf,
            second_factor_pending: row.second_factor_pending,
            expires_at: timestamp(row.expires_at)?,
            last_seen_at: timestamp(row.last_seen_at)?,
        };
        Ok(Some((record, user)))
    }

    pub async fn insert_session(
        &mut self,
        token_hash: &[u8],
        user: UserId,
        csrf: &str,
        second_factor_pending: bool,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let sql = "INSERT INTO sessions (token_hash, user_id, csrf, second_factor_pending, created_at, expires_at, last_seen_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $5)";
        on_tx!(self, c => sqlx::query(sql).bind(token_hash).bind(user.0).bind(csrf).bind(second_factor_pending)
            .bind(millis(now)).bind(millis(expires_at)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The session with this token hash, if it has not expired at `now`.
    pub async fn session(&mut self, token_hash: &[u8], now: Timestamp) -> Result<Option<SessionRecord>> {
        let sql = "SELECT user_id, csrf, second_factor_pending, expires_at, last_seen_at FROM sessions
                   WHERE token_hash = $1 AND expires_at > $2";
        let row: Option<SessionRow> =
            on_tx!(self, c => sqlx::query_as(sql).bind(token_hash).bind(millis(now)).fetch_optional(c).await)?;
        row.map(|r| {
            Ok(SessionRecord {
                user_id: UserId(r.user_id),
                csrf: r.csrf,
                second_factor_pending: r.second_factor_pending,
                expires_at: timestamp(r.expires_at)?,
                last_seen_at: timestamp(r.last_seen_at)?,
            })
        })
        .transpose()
    }

    /// Extends a session (sliding expiry).
    pub async fn touch_session(&mut self, token_hash: &[u8], now: Timestamp, expires_at: Timestamp) -> Result<()> {
        let sql = "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3";
        on_tx!(self, c => sqlx::query(sql).bind(millis(now)).bind(millis(expires_at)).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_session(&mut self, token_hash: &[u8]) -> Result<()> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1";
        on_tx!(self, c => sqlx::query(sql).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends every session of a user (password change, account disabled); returns how many.
    pub async fn delete_sessions_of_user(&mut self, user: UserId) -> Result<u64> {
        let sql = "DELETE FROM sessions WHERE user_id = $1";
        Ok(on_tx!(self, c => sqlx::query(sql).bind(user.0).execute(c).await.map(|r| r.rows_affected()))?)
    }

    /// Ends every session of a user but one (after they change their own password).
    pub async fn delete_sessions_of_user_except(&mut self, user: UserId, keep_hash: &[u8]) -> Result<u64> {
        let sql = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
        Ok(
            on_tx!(self, c => sqlx::query(sql).bind(user.0).bind(keep_hash).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }

    pub async fn delete_expired_sessions(&mut self, now: Timestamp) -> Result<u64> {
        let sql = "DELETE FROM sessions WHERE expires_at <= $1";
        Ok(on_tx!(self, c => sqlx::query(sql).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?)
    }

    pub async fn record_login_failure(&mut self, key: &str, now: Timestamp) -> Result<()> {
        let sql = "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
        on_tx!(self, c => sqlx::query(sql).bind(key).bind(millis(now)).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn count_login_failures(&mut self, key: &str, since: Timestamp) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2";
        Ok(on_tx!(self, c => sqlx::query_scalar(sql).bind(key).bind(millis(since)).fetch_one(c).await)?)
    }

    pub async fn clear_login_failures(&mut self, key: &str) -> Result<()> {
        let sql = "DELETE FROM login_failures WHERE key = $1";
        on_tx!(self, c => sqlx::query(sql).bind(key).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn prune_login_failures(&mut self, before: Timestamp) -> Result<u64> {
        let sql = "DELETE FROM login_failures WHERE at < $1";
        Ok(on_tx!(self, c => sqlx::query(sql).bind(millis(before)).execute(c).await.map(|r| r.rows_affected()))?)
    }
}
