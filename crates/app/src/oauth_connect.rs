//! Connecting accounts through OAuth from the web: `start_oauth` checks the actor may manage the client's accounts,
//! asks the network where to send the browser (Bluesky: PAR with PKCE and a DPoP key; Mastodon: our application,
//! registered once per instance and kept) and records the authorisation on its way, sealed, under the hash of its
//! `state` (10 minutes, single use, for this user and client); `finish_oauth` takes it back for the same user,
//! exchanges the code, and connects or reconnects the account as `connect_account` does (checked against the network,
//! journaled, held posts released). Refreshed Bluesky grants are sealed back into their account (`SealedGrant`).

use std::sync::Arc;

use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::connection::{BlueskyGrant, Connection};
use filrouge_domain::ids::{AccountId, SecretId};
use filrouge_domain::permission::Action;
use filrouge_networks::bluesky::identity::Resolver;
use filrouge_networks::bluesky::oauth::{self as bsky, Grant, OAuthClient, PendingAuthorization};
use filrouge_networks::mastodon::oauth::{self as masto, AppRegistration};
use filrouge_networks::publish::BoxFuture;
use filrouge_store::{MastodonAppRecord, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::access::{client_for, Actor};
use crate::accounts::ACCOUNT_PURPOSE;
use crate::error::{AppError, Result};
use crate::secrets::{hint, SecretBox};
use crate::App;

/// How long the browser has to come back.
pub const PENDING_FOR: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);
/// What we ask a Mastodon instance for.
pub const MASTODON_SCOPES: [&str; 2] = ["read", "write"];
/// Where Mastodon sends the browser back, under the public address.
pub const MASTODON_CALLBACK_PATH: &str = "/oauth/mastodon/callback";
/// The name networks show on their consent pages.
pub const CLIENT_NAME: &str = "Fil Rouge";
const PENDING_PURPOSE: &str = "oauth-pending";
const MASTODON_APP_PURPOSE: &str = "mastodon-app";

/// What OAuth needs to know about this installation.
#[derive(Clone)]
pub struct OAuthSettings {
    /// The address people use (`web.public_url`): callbacks and Bluesky's client id derive from it.
    pub public_url: String,
    /// Where Bluesky handles and DIDs are resolved.
    pub resolver: Resolver,
    /// The guarded HTTP client (no internal addresses unless allowed, for test servers).
    pub http: filrouge_listen::HttpClient,
    /// The name networks show on their consent pages.
    pub client_name: String,
}

impl std::fmt::Debug for OAuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSettings").field("public_url", &self.public_url).finish_non_exhaustive()
    }
}

impl OAuthSettings {
    /// Settings on a guarded client of their own.
    pub fn new(public_url: &str, resolver: Resolver, allow_private: bool) -> Result<Self> {
        let settings = filrouge_listen::guard::HttpSettings {
            allow_private,
            timeout: std::time::Duration::from_secs(30),
            max_redirects: 0,
            ..Default::default()
        };
        let http =
            filrouge_listen::guard::client(&settings).map_err(|e| AppError::Remote(format!("HTTP client: {e}")))?;
        Ok(Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            resolver,
            http,
            client_name: CLIENT_NAME.into(),
        })
    }

    /// Bluesky's view of us, from the public address.
    pub fn bluesky_client(&self) -> std::result::Result<OAuthClient, String> {
        OAuthClient::for_public_url(&self.public_url).map_err(|e| e.to_string())
    }

    fn mastodon_redirect(&self) -> String {
        format!("{}{MASTODON_CALLBACK_PATH}", self.public_url)
    }
}

/// What is sealed with an authorisation on its way.
#[derive(Serialize, Deserialize)]
#[serde(tag = "network", rename_all = "lowercase")]
enum Pending {
    Bluesky(PendingAuthorization),
    Mastodon { instance: String, redirect_uri: String },
}

/// Why an OAuth return did not connect an account; the web says it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthRefusal {
    /// No such authorisation (or one of another network).
    Unknown,
    /// Started more than 10 minutes ago.
    Expired,
    /// Already used.
    Used,
    /// Started by another user.
    OtherUser,
    /// The user (or the network) declined; the network's words.
    Denied(String),
    /// The exchange or the check failed; why.
    Failed(String),
}

/// Where an OAuth return leads: the client's accounts page when known, and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthReturn {
    pub slug: Option<String>,
    pub result: std::result::Result<AccountId, OAuthRefusal>,
}

/// What the browser brought back to a callback.
#[derive(Debug, Clone, Default)]
pub struct Callback {
    pub state: String,
    pub code: Option<String>,
    /// `error` (e.g. `access_denied`) and its description.
    pub error: Option<String>,
    pub iss: Option<String>,
}

fn state_hash(state: &str) -> String {
    Sha256::digest(state.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn random_state() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Our metadata document as a Bluesky web client of the installation at `public_url` (JSON).
pub fn bluesky_client_metadata(public_url: &str) -> Option<String> {
    let base = Url::parse(public_url.trim()).ok()?;
    Some(OAuthClient::web(&base).metadata(CLIENT_NAME).to_string())
}

/// `@ada@piaille.fr`, `piaille.fr`, `https://piaille.fr/` → `https://piaille.fr`.
pub fn mastodon_instance(input: &str) -> std::result::Result<Url, filrouge_domain::Invalid> {
    let input = input.trim();
    let host = if input.contains("://") {
        input.to_owned()
    } else {
        let host = input.trim_start_matches('@').rsplit('@').next().unwrap_or_default();
        format!("https://{host}")
    };
    let url = Url::parse(&host).map_err(|_| filrouge_domain::Invalid::new("instance", "not an instance address"))?;
    if url.host_str().is_none_or(|h| !h.contains('.') && h != "localhost") {
        return Err(filrouge_domain::Invalid::new("instance", "not an instance address"));
    }
    let mut root = url.clone();
    root.set_path("");
    root.set_query(None);
    root.set_fragment(None);
    Ok(root)
}

/// `@Ada@Piaille.fr` and `ada@piaille.fr` are one account.
fn same_handle(a: &str, b: &str) -> bool {
    let norm = |h: &str| h.trim().trim_start_matches('@').to_ascii_lowercase();
    norm(a) == norm(b)
}

impl App {
    /// The same application connecting accounts through OAuth with these settings.
    #[must_use]
    pub fn with_oauth(mut self, settings: OAuthSettings) -> Self {
        self.oauth = Some(Arc::new(settings));
        self
    }

    pub fn oauth_settings(&self) -> Option<&OAuthSettings> {
        self.oauth.as_deref()
    }

    /// Starts connecting an account of `slug` on `network` (a Bluesky handle, or a Mastodon instance or handle):
    /// returns the address to send the browser to.
    pub async fn start_oauth(&self, actor: &Actor, slug: &str, network: Network, input: &str) -> Result<Url> {
        let client = {
            let mut tx = self.store.read().await?;
            client_for(&mut tx, actor, slug, Action::ManageAccounts).await?
        };
        let user = actor.user.as_ref().map(|u| u.id).ok_or(AppError::Forbidden)?;
        let settings =
            self.oauth.clone().ok_or_else(|| AppError::Remote("OAuth is not set up in this process".into()))?;
        let state = random_state();
        let now = self.now();
        let (url, pending) = match network {
            Network::Bluesky => {
                let handle = input.trim();
                if handle.is_empty() {
                    return Err(filrouge_domain::Invalid::new("handle", "required").into());
                }
                let bsky_client = settings.bluesky_client().map_err(AppError::Remote)?;
                let started =
                    bsky::start(&settings.http, &settings.resolver, &bsky_client, handle, &state, now.as_second())
                        .await
                        .map_err(|e| AppError::Remote(format!("Bluesky: {e}")))?;
                (started.authorize_url, Pending::Bluesky(started.pending))
            }
            Network::Mastodon => {
                let instance = mastodon_instance(input)?;
                let redirect_uri = settings.mastodon_redirect();
                let registration = self.mastodon_app(&settings, &instance, &redirect_uri).await?;
                let url = masto::authorize_url(&instance, &registration, &redirect_uri, &MASTODON_SCOPES, &state);
                let instance = instance.as_str().trim_end_matches('/').to_owned();
                (url, Pending::Mastodon { instance, redirect_uri })
            }
            other => {
                return Err(filrouge_domain::Invalid::new(
                    "network",
                    format!("connecting {} is not available", other.label()),
                )
                .into())
            }
        };
        let json = serde_json::to_vec(&pending).map_err(|e| AppError::Crypto(e.to_string()))?;
        let sealed = self.secrets.seal(PENDING_PURPOSE, &json)?;
        let mut tx = self.store.write().await?;
        tx.insert_oauth_pending(&state_hash(&state), user, client.id, network, &sealed, now, now + PENDING_FOR).await?;
        tx.commit().await?;
        Ok(url)
    }

    /// Our application on `instance`: the one registered before, or a new registration kept for next time.
    async fn mastodon_app(&self, settings: &OAuthSettings, instance: &Url, redirect: &str) -> Result<AppRegistration> {
        let key = instance.as_str().trim_end_matches('/');
        let stored = self.store.read().await?.mastodon_app(key, redirect).await?;
        let record = match stored {
            Some(record) => record,
            None => {
                let app =
                    masto::register_app(&settings.http, instance, &settings.client_name, redirect, &MASTODON_SCOPES)
                        .await
                        .map_err(|e| AppError::Remote(format!("Mastodon: {e}")))?;
                let sealed_secret = self.secrets.seal(MASTODON_APP_PURPOSE, app.client_secret.as_bytes())?;
                let record = MastodonAppRecord { client_id: app.client_id, sealed_secret };
                let mut tx = self.store.write().await?;
                let kept = tx.insert_mastodon_app(key, redirect, &record, self.now()).await?;
                tx.commit().await?;
                kept
            }
        };
        let secret = self.secrets.open(MASTODON_APP_PURPOSE, &record.sealed_secret)?;
        Ok(AppRegistration {
            client_id: record.client_id,
            client_secret: String::from_utf8_lossy(&secret).into_owned(),
        })
    }

    /// Finishes an authorisation the browser came back with (on `network`'s callback).
    pub async fn finish_oauth(&self, actor: &Actor, network: Network, back: Callback) -> Result<OAuthReturn> {
        let user = actor.user.as_ref().map(|u| u.id).ok_or(AppError::Forbidden)?;
        let now = self.now();
        let refuse = |slug: Option<String>, why| Ok(OAuthReturn { slug, result: Err(why) });
        let (record, slug) = {
            let mut tx = self.store.read().await?;
            let Some(record) = tx.oauth_pending(&state_hash(back.state.trim())).await? else {
                return refuse(None, OAuthRefusal::Unknown);
            };
            if record.network != network {
                return refuse(None, OAuthRefusal::Unknown);
            }
            if record.user_id != user {
                return refuse(None, OAuthRefusal::OtherUser);
            }
            let Some(client) = tx.client_by_id(record.client_id).await? else { return Err(AppError::NotFound) };
            let slug = client.profile.slug.as_str().to_owned();
            // The membership may have changed since the start.
            client_for(&mut tx, actor, &slug, Action::ManageAccounts).await?;
            (record, slug)
        };
        if record.used {
            return refuse(Some(slug), OAuthRefusal::Used);
        }
        if record.expires_at <= now {
            return refuse(Some(slug), OAuthRefusal::Expired);
        }
        {
            let mut tx = self.store.write().await?;
            if !tx.use_oauth_pending(record.id, now).await? {
                return refuse(Some(slug), OAuthRefusal::Used);
            }
            tx.commit().await?;
        }
        if let Some(error) = back.error.filter(|e| !e.trim().is_empty()) {
            return refuse(Some(slug), OAuthRefusal::Denied(error));
        }
        let Some(code) = back.code.filter(|c| !c.trim().is_empty()) else {
            return refuse(Some(slug), OAuthRefusal::Denied("no code".into()));
        };
        let settings =
            self.oauth.clone().ok_or_else(|| AppError::Remote("OAuth is not set up in this process".into()))?;
        let opened = self.secrets.open(PENDING_PURPOSE, &record.sealed)?;
        let pending: Pending = serde_json::from_slice(&opened).map_err(|e| AppError::Crypto(e.to_string()))?;
        let (profile, connection) = match self.exchange(&settings, pending, &code, back.iss.as_deref()).await {
            Ok(found) => found,
            Err(why) => return refuse(Some(slug), OAuthRefusal::Failed(why)),
        };
        // Reconnect the client's account of that handle when it has one (whatever its spelling), keeping its name.
        let existing =
            self.accounts(actor, &slug).await?.into_iter().find(|a| {
                a.account.profile.network == network && same_handle(&a.account.profile.handle, &profile.handle)
            });
        let profile = match existing {
            Some(view) => AccountProfile {
                handle: view.account.profile.handle,
                display_name: view.account.profile.display_name,
                ..profile
            },
            None => profile,
        };
        match self.connect_account(actor, &slug, profile, connection).await {
            Ok(id) => Ok(OAuthReturn { slug: Some(slug), result: Ok(id) }),
            Err(AppError::Invalid(e)) => refuse(Some(slug), OAuthRefusal::Failed(e.to_string())),
            Err(e) => Err(e),
        }
    }

    async fn exchange(
        &self,
        settings: &OAuthSettings,
        pending: Pending,
        code: &str,
        iss: Option<&str>,
    ) -> std::result::Result<(AccountProfile, Connection), String> {
        match pending {
            Pending::Bluesky(pending) => {
                let grant = bsky::finish(&settings.http, &pending, code, iss, self.now().as_second())
                    .await
                    .map_err(|e| format!("Bluesky: {e}"))?;
                let profile = AccountProfile {
                    network: Network::Bluesky,
                    handle: grant.handle.clone(),
                    display_name: grant.handle.clone(),
                };
                Ok((profile, Connection::BlueskyOAuth(grant_to_domain(grant))))
            }
            Pending::Mastodon { instance, redirect_uri } => {
                let url = Url::parse(&instance).map_err(|e| e.to_string())?;
                let registration = self.mastodon_app(settings, &url, &redirect_uri).await.map_err(|e| e.to_string())?;
                let token = masto::exchange_code(&settings.http, &url, &registration, code, &redirect_uri)
                    .await
                    .map_err(|e| format!("Mastodon: {e}"))?;
                let account =
                    masto::verify(&settings.http, &url, token.secret()).await.map_err(|e| format!("Mastodon: {e}"))?;
                let host = url.host_str().unwrap_or_default();
                let acct = account.acct.trim_start_matches('@');
                let handle = if acct.contains('@') { format!("@{acct}") } else { format!("@{acct}@{host}") };
                let display_name =
                    if account.display_name.trim().is_empty() { handle.clone() } else { account.display_name };
                let profile = AccountProfile { network: Network::Mastodon, handle, display_name };
                Ok((profile, Connection::Mastodon { instance, token: token.into_secret() }))
            }
        }
    }
}

pub(crate) fn grant_to_domain(g: Grant) -> BlueskyGrant {
    BlueskyGrant {
        service: g.service,
        did: g.did,
        handle: g.handle,
        issuer: g.issuer,
        client_id: g.client_id,
        access: g.access,
        refresh: g.refresh,
        expires_at_ms: g.expires_at_ms,
        dpop_private_jwk: g.dpop_private_jwk,
    }
}

pub(crate) fn grant_from_domain(g: &BlueskyGrant) -> Grant {
    Grant {
        service: g.service.clone(),
        did: g.did.clone(),
        handle: g.handle.clone(),
        issuer: g.issuer.clone(),
        client_id: g.client_id.clone(),
        access: g.access.clone(),
        refresh: g.refresh.clone(),
        expires_at_ms: g.expires_at_ms,
        dpop_private_jwk: g.dpop_private_jwk.clone(),
    }
}

/// An account's Bluesky grant where it is kept: sealed in the account's secret, replaced in place when refreshed.
pub(crate) struct SealedGrant {
    pub(crate) store: Store,
    pub(crate) secrets: SecretBox,
    pub(crate) secret: SecretId,
}

impl filrouge_networks::bluesky::GrantStore for SealedGrant {
    fn save<'a>(&'a self, grant: &'a Grant) -> BoxFuture<'a, std::result::Result<(), String>> {
        Box::pin(async move {
            let text = Connection::BlueskyOAuth(grant_to_domain(grant.clone())).to_secret();
            let sealed = self.secrets.seal(ACCOUNT_PURPOSE, text.as_bytes()).map_err(|e| e.to_string())?;
            let mut tx = self.store.write().await.map_err(|e| e.to_string())?;
            tx.update_secret(self.secret, &sealed, &hint(&text)).await.map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        })
    }

    fn load(&self) -> BoxFuture<'_, std::result::Result<Option<Grant>, String>> {
        Box::pin(async move {
            let mut tx = self.store.read().await.map_err(|e| e.to_string())?;
            let Some(sealed) = tx.secret(self.secret).await.map_err(|e| e.to_string())? else { return Ok(None) };
            let plain = self.secrets.open(ACCOUNT_PURPOSE, &sealed.sealed).map_err(|e| e.to_string())?;
            match serde_json::from_slice::<Connection>(&plain) {
                Ok(Connection::BlueskyOAuth(grant)) => Ok(Some(grant_from_domain(&grant))),
                _ => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_instances_are_read_from_handles_and_addresses() {
        for input in ["@ada@piaille.fr", "ada@piaille.fr", "piaille.fr", "https://piaille.fr/", " piaille.fr "] {
            assert_eq!(mastodon_instance(input).unwrap().as_str(), "https://piaille.fr/", "{input}");
        }
        assert_eq!(mastodon_instance("http://127.0.0.1:3000").unwrap().as_str(), "http://127.0.0.1:3000/");
        assert!(mastodon_instance("nothing").is_err());
        assert_ne!(random_state(), random_state());
        assert_eq!(state_hash("x").len(), 64);
    }
}
