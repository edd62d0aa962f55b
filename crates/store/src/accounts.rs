//! Connected accounts and the encrypted secrets (network tokens) they refer to.

use filrouge_domain::account::{Account, AccountProfile, AccountStatus, Network};
use filrouge_domain::ids::{AccountId, ClientId, SecretId};
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, parsed};
use crate::tx::{on_tx, Tx};

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    client_id: i64,
    network: String,
    handle: String,
    display_name: String,
    status: String,
    secret_id: Option<i64>,
}

impl AccountRow {
    fn into_account(self) -> Result<Account> {
        Ok(Account {
            id: AccountId(self.id),
            client_id: ClientId(self.client_id),
            profile: AccountProfile {
                network: parsed("accounts.network", Network::parse(&self.network))?,
                handle: self.handle,
                display_name: self.display_name,
            },
            status: parsed("accounts.status", AccountStatus::parse(&self.status))?,
            credentials: self.secret_id.map(SecretId),
        })
    }
}

const ACCOUNT_COLUMNS: &str = "id, client_id, network, handle, display_name, status, secret_id";

/// A sealed secret as stored: ciphertext and a short hint shown to people (`…a1b2`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SealedSecret {
    pub sealed: Vec<u8>,
    pub hint: String,
}

impl Tx {
    pub async fn accounts_of(&mut self, client: ClientId) -> Result<Vec<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE client_id = $1 ORDER BY network, handle");
        let rows: Vec<AccountRow> = on_tx!(self, c => sqlx::query_as(&sql).bind(client.0).fetch_all(c).await)?;
        rows.into_iter().map(AccountRow::into_account).collect()
    }

    /// An account of this client; `None` when it does not exist or belongs to another client.
    pub async fn account(&mut self, client: ClientId, id: AccountId) -> Result<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1 AND client_id = $2");
        let row: Option<AccountRow> =
            on_tx!(self, c => sqlx::query_as(&sql).bind(id.0).bind(client.0).fetch_optional(c).await)?;
        row.map(AccountRow::into_account).transpose()
    }

    pub async fn insert_account(
        &mut self,
        client: ClientId,
        profile: &AccountProfile,
        status: AccountStatus,
        secret: Option<SecretId>,
        now: Timestamp,
    ) -> Result<AccountId> {
        let sql = "INSERT INTO accounts (client_id, network, handle, display_name, status, secret_id, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(client.0).bind(profile.network.as_str()).bind(&profile.handle).bind(&profile.display_name)
            .bind(status.as_str()).bind(secret.map(|s| s.0)).bind(millis(now)).fetch_one(c).await)?;
        Ok(AccountId(id))
    }

    pub async fn update_account(
        &mut self,
        client: ClientId,
        id: AccountId,
        profile: &AccountProfile,
        status: AccountStatus,
        secret: Option<SecretId>,
    ) -> Result<bool> {
        let sql = "UPDATE accounts SET network = $1, handle = $2, display_name = $3, status = $4, secret_id = $5
                   WHERE id = $6 AND client_id = $7";
        let n = on_tx!(self, c => sqlx::query(sql)
            .bind(profile.network.as_str()).bind(&profile.handle).bind(&profile.display_name)
            .bind(status.as_str()).bind(secret.map(|s| s.0)).bind(id.0).bind(client.0)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn delete_account(&mut self, client: ClientId, id: AccountId) -> Result<bool> {
        let sql = "DELETE FROM accounts WHERE id = $1 AND client_id = $2";
        let n =
            on_tx!(self, c => sqlx::query(sql).bind(id.0).bind(client.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn insert_secret(
        &mut self,
        purpose: &str,
        sealed: &[u8],
        hint: &str,
        now: Timestamp,
    ) -> Result<SecretId> {
        let sql = "INSERT INTO secrets (purpose, sealed, hint, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(purpose).bind(sealed).bind(hint).bind(millis(now)).fetch_one(c).await)?;
        Ok(SecretId(id))
    }

    pub async fn secret(&mut self, id: SecretId) -> Result<Option<SealedSecret>> {
        let sql = "SELECT sealed, hint FROM secrets WHERE id = $1";
        Ok(on_tx!(self, c => sqlx::query_as(sql).bind(id.0).fetch_optional(c).await)?)
    }

    /// Several sealed secrets in one statement.
    pub async fn secrets_by_ids(&mut self, ids: &[SecretId]) -> Result<Vec<(SecretId, SealedSecret)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT id, sealed, hint FROM secrets WHERE id IN ({})", self.list_of(ids.len()));
        let rows: Vec<(i64, Vec<u8>, String)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().map(|(id, sealed, hint)| (SecretId(id), SealedSecret { sealed, hint })).collect())
    }

    /// What the networks reported of their limits, for several accounts (those with a report).
    pub async fn network_limits_of(&mut self, ids: &[AccountId]) -> Result<Vec<(AccountId, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, network_limits FROM accounts WHERE network_limits IS NOT NULL AND id IN ({})",
            self.list_of(ids.len())
        );
        let rows: Vec<(i64, String)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().map(|(id, limits)| (AccountId(id), limits)).collect())
    }

    pub async fn delete_secret(&mut self, id: SecretId) -> Result<bool> {
        let sql = "DELETE FROM secrets WHERE id = $1";
        let n = on_tx!(self, c => sqlx::query(sql).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
