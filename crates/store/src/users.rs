//! Users, their password hashes and second factor.

use filrouge_domain::ids::UserId;
use filrouge_domain::locale::UiLang;
use filrouge_domain::user::{Email, Role, User};
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, parsed};
use crate::tx::{on_tx, Tx};

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub ui_lang: Option<UiLang>,
}

/// What authentication needs to know about a user.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
    /// The sealed TOTP secret, when one was set up (enabled or pending confirmation).
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    ui_lang: Option<String>,
    totp_enabled: bool,
    disabled: bool,
    password_hash: String,
    totp_secret: Option<Vec<u8>>,
    totp_last_step: Option<i64>,
}

impl UserRow {
    pub(crate) fn into_credentials(self) -> Result<UserCredentials> {
        Ok(UserCredentials {
            user: User {
                id: UserId(self.id),
                email: parsed("users.email", Email::parse(&self.email))?,
                name: self.name,
                role: parsed("users.role", Role::parse(&self.role))?,
                ui_lang: self.ui_lang.as_deref().and_then(UiLang::parse),
                totp_enabled: self.totp_enabled,
                disabled: self.disabled,
            },
            password_hash: self.password_hash,
            totp_secret: self.totp_secret,
            totp_last_step: self.totp_last_step,
        })
    }
}

pub(crate) const USER_COLUMNS: &str =
    "id, email, name, role, ui_lang, totp_enabled, disabled, password_hash, totp_secret, totp_last_step";

impl Tx {
    pub async fn insert_user(&mut self, new: &NewUser, now: Timestamp) -> Result<UserId> {
        let sql = "INSERT INTO users (email, name, role, password_hash, ui_lang, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(new.email.as_str()).bind(&new.name).bind(new.role.as_str()).bind(&new.password_hash)
            .bind(new.ui_lang.map(UiLang::code)).bind(millis(now)).fetch_one(c).await)?;
        Ok(UserId(id))
    }

    pub async fn credentials_by_email(&mut self, email: &str) -> Result<Option<UserCredentials>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        let row: Option<UserRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(email.trim().to_lowercase()).fetch_optional(c).await)?;
        row.map(UserRow::into_credentials).transpose()
    }

    pub async fn credentials_by_id(&mut self, id: UserId) -> Result<Option<UserCredentials>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await)?;
        row.map(UserRow::into_credentials).transpose()
    }

    pub async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>> {
        Ok(self.credentials_by_id(id).await?.map(|c| c.user))
    }

    pub async fn all_users(&mut self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name, id");
        let rows: Vec<UserRow> = on_tx!(self, c => sqlx::query_as(&sql).fetch_all(c).await)?;
        rows.into_iter().map(|r| r.into_credentials().map(|c| c.user)).collect()
    }

    /// The users who belong to a client, by name.
    pub async fn users_of_client(&mut self, client: filrouge_domain::ids::ClientId) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {} FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.client_id = $1 ORDER BY u.name, u.id",
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows: Vec<UserRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).fetch_all(c).await)?;
        rows.into_iter().map(|r| r.into_credentials().map(|c| c.user)).collect()
    }

    /// One page of users by name, those whose name or e-mail contains `search` (case-insensitive
    /// for ASCII on SQLite, for all letters on PostgreSQL), and how many match in all.
    pub async fn users_page(&mut self, search: &str, limit: u32, offset: u32) -> Result<(Vec<User>, u64)> {
        let pattern =
            format!("%{}%", search.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let filter = "($1 = '%%' OR lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\')";
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {filter} ORDER BY name, id LIMIT $2 OFFSET $3");
        let rows: Vec<UserRow> = on_tx!(self, c => sqlx::query_as(&sql)
            .bind(&pattern).bind(i64::from(limit)).bind(i64::from(offset)).fetch_all(c).await)?;
        let count_sql = format!("SELECT COUNT(*) FROM users WHERE {filter}");
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(&count_sql).bind(&pattern).fetch_one(c).await)?;
        let users = rows.into_iter().map(|r| r.into_credentials().map(|c| c.user)).collect::<Result<Vec<_>>>()?;
        Ok((users, u64::try_from(total).unwrap_or(0)))
    }

    /// The memberships of some users, as (user, client) pairs.
    pub async fn memberships_of_users(
        &mut self,
        users: &[UserId],
    ) -> Result<Vec<(UserId, filrouge_domain::ids::ClientId)>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT user_id, client_id FROM memberships WHERE user_id IN ({}) ORDER BY user_id, client_id",
            self.list_of(users.len())
        );
        let rows: Vec<(i64, i64)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for u in users {
                q = q.bind(u.0);
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().map(|(u, c)| (UserId(u), filrouge_domain::ids::ClientId(c))).collect())
    }

    /// Every membership, as (user, client) pairs.
    pub async fn all_memberships(&mut self) -> Result<Vec<(UserId, filrouge_domain::ids::ClientId)>> {
        let sql = "SELECT user_id, client_id FROM memberships ORDER BY user_id, client_id";
        let rows: Vec<(i64, i64)> = on_tx!(self, c => sqlx::query_as(sql).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(u, c)| (UserId(u), filrouge_domain::ids::ClientId(c))).collect())
    }

    pub async fn count_active_owners(&mut self) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM users WHERE role = 'owner' AND NOT disabled";
        Ok(on_tx!(self, c => sqlx::query_scalar(sql).fetch_one(c).await)?)
    }

    /// Updates name, role, language and the disabled flag.
    pub async fn update_user(&mut self, user: &User) -> Result<bool> {
        let sql = "UPDATE users SET email = $1, name = $2, role = $3, ui_lang = $4, disabled = $5 WHERE id = $6";
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(user.email.as_str()).bind(&user.name).bind(user.role.as_str()).bind(user.ui_lang.map(UiLang::code))
            .bind(user.disabled).bind(user.id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<bool> {
        let sql = "UPDATE users SET password_hash = $1 WHERE id = $2";
        let n = on_tx!(self, c => sqlx::query(sql).bind(hash).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Stores (or clears) the sealed TOTP secret and whether it is in force.
    pub async fn set_totp(&mut self, id: UserId, sealed: Option<&[u8]>, enabled: bool) -> Result<bool> {
        let sql = "UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = NULL WHERE id = $3";
        let n = on_tx!(self, c => sqlx::query(sql).bind(sealed).bind(enabled).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records the time step of an accepted code, only if it is later than the last one: a code
    /// cannot be replayed. Returns false when the step was already used.
    pub async fn advance_totp_step(&mut self, id: UserId, step: i64) -> Result<bool> {
        let sql =
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)";
        let n = on_tx!(self, c => sqlx::query(sql).bind(step).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
