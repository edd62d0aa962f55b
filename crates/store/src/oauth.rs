//! OAuth bookkeeping: authorisations on their way (single use, for one user and client, until they expire; what they
//! carry is sealed by the caller) and our application's registration on each Mastodon instance.

use filrouge_domain::account::Network;
use filrouge_domain::ids::{ClientId, UserId};
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, parsed, timestamp};
use crate::tx::{on_tx, Tx};

/// A stored authorisation on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthPendingRecord {
    pub id: i64,
    pub user_id: UserId,
    pub client_id: ClientId,
    pub network: Network,
    /// Sealed by the app; opaque here.
    pub sealed: Vec<u8>,
    pub expires_at: Timestamp,
    pub used: bool,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: i64,
    user_id: i64,
    client_id: i64,
    network: String,
    sealed: Vec<u8>,
    expires_at: i64,
    used_at: Option<i64>,
}

/// Our application on one Mastodon instance.
#[derive(Clone, PartialEq, Eq)]
pub struct MastodonAppRecord {
    pub client_id: String,
    pub sealed_secret: Vec<u8>,
}

impl std::fmt::Debug for MastodonAppRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MastodonAppRecord").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

impl Tx {
    /// Records an authorisation under the hash of its `state`; expired ones are cleared on the way.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_oauth_pending(
        &mut self,
        state_hash: &str,
        user: UserId,
        client: ClientId,
        network: Network,
        sealed: &[u8],
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let clear = "DELETE FROM oauth_pending WHERE expires_at < $1";
        on_tx!(self, c => sqlx::query(clear).bind(millis(now)).execute(c).await.map(|_| ()))?;
        let sql =
            "INSERT INTO oauth_pending (state_hash, user_id, client_id, network, sealed, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(state_hash).bind(user.0).bind(client.0).bind(network.as_str()).bind(sealed)
            .bind(millis(now)).bind(millis(expires_at)).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// The authorisation recorded under `state_hash`, used or not.
    pub async fn oauth_pending(&mut self, state_hash: &str) -> Result<Option<OAuthPendingRecord>> {
        let sql = "SELECT id, user_id, client_id, network, sealed, expires_at, used_at FROM oauth_pending \
                   WHERE state_hash = $1";
        let row: Option<PendingRow> = on_tx!(self, c => sqlx::query_as(sql).bind(state_hash).fetch_optional(c).await)?;
        row.map(|r| {
            Ok(OAuthPendingRecord {
                id: r.id,
                user_id: UserId(r.user_id),
                client_id: ClientId(r.client_id),
                network: parsed("oauth_pending.network", Network::parse(&r.network))?,
                sealed: r.sealed,
                expires_at: timestamp(r.expires_at)?,
                used: r.used_at.is_some(),
            })
        })
        .transpose()
    }

    /// Marks an authorisation used; false when it already was (another request got there first).
    pub async fn use_oauth_pending(&mut self, id: i64, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE oauth_pending SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
        let n = on_tx!(self, c => sqlx::query(sql).bind(id).bind(millis(now)).execute(c).await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn mastodon_app(&mut self, instance: &str, redirect_uri: &str) -> Result<Option<MastodonAppRecord>> {
        let sql = "SELECT client_id, sealed_secret FROM mastodon_apps WHERE instance = $1 AND redirect_uri = $2";
        let row: Option<(String, Vec<u8>)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(instance).bind(redirect_uri).fetch_optional(c).await)?;
        Ok(row.map(|(client_id, sealed_secret)| MastodonAppRecord { client_id, sealed_secret }))
    }

    /// Keeps a registration; when another process registered first, its registration stays and is returned.
    pub async fn insert_mastodon_app(
        &mut self,
        instance: &str,
        redirect_uri: &str,
        app: &MastodonAppRecord,
        now: Timestamp,
    ) -> Result<MastodonAppRecord> {
        let sql = "INSERT INTO mastodon_apps (instance, redirect_uri, client_id, sealed_secret, created_at) \
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (instance, redirect_uri) DO NOTHING";
        on_tx!(self, c => sqlx::query(sql).bind(instance).bind(redirect_uri).bind(&app.client_id)
            .bind(&app.sealed_secret).bind(millis(now)).execute(c).await.map(|_| ()))?;
        Ok(self.mastodon_app(instance, redirect_uri).await?.unwrap_or_else(|| app.clone()))
    }

    /// Replaces the sealed content of a secret in place (an OAuth grant's rotated tokens).
    pub async fn update_secret(
        &mut self,
        id: filrouge_domain::ids::SecretId,
        sealed: &[u8],
        hint: &str,
    ) -> Result<bool> {
        let sql = "UPDATE secrets SET sealed = $2, hint = $3 WHERE id = $1";
        let n = on_tx!(self, c => sqlx::query(sql).bind(id.0).bind(sealed).bind(hint).execute(c).await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
