//! How a Bluesky account's requests are authorized: an app-password session (`session.rs`: `Bearer`), or an OAuth
//! grant (`Authorization: DPoP <token>` plus a proof per request, the PDS's nonce retried once). Both give the
//! current credential and replace a refused one once; an OAuth grant is refreshed ahead of its expiry too, and every
//! refreshed grant is handed to the [`GrantStore`] (the caller seals it back into the account: refresh tokens are
//! single use). A refresh the server refuses is a [`SessionError::Refused`]: the account needs reconnecting.

use std::sync::Arc;

use reqwest::header::AUTHORIZATION;
use reqwest::{Request, RequestBuilder};
use tokio::sync::Mutex;
use url::Url;

use super::dpop::{DpopKey, Nonces};
use super::inbox::Now;
use super::oauth::{self, Grant};
use super::session::{SessionError, Sessions};
use super::xrpc::Failure;
use crate::publish::BoxFuture;
use crate::NetworkError;

/// Where a grant lives between processes: refreshed grants are saved there, and read back before refreshing (another
/// process may have refreshed first, which spent our refresh token).
pub trait GrantStore: Send + Sync {
    fn save<'a>(&'a self, grant: &'a Grant) -> BoxFuture<'a, Result<(), String>>;
    fn load(&self) -> BoxFuture<'_, Result<Option<Grant>, String>>;
}

/// An access token and whose it is.
#[derive(Clone)]
pub(crate) struct Credential {
    pub(crate) access: String,
    pub(crate) did: String,
    pub(crate) handle: String,
}

/// An OAuth grant in use.
pub(crate) struct OAuthSession {
    http: reqwest::Client,
    /// The account's handle, for messages.
    handle: String,
    grant: Mutex<Grant>,
    key: DpopKey,
    pub(crate) nonces: Nonces,
    now: Now,
    store: Option<Arc<dyn GrantStore>>,
}

/// Refresh this long before the access token's expiry.
const EARLY_MS: i64 = 30_000;

impl OAuthSession {
    pub(crate) fn new(
        http: reqwest::Client,
        grant: Grant,
        now: Now,
        store: Option<Arc<dyn GrantStore>>,
    ) -> Result<Self, NetworkError> {
        let key = DpopKey::from_private_jwk(&grant.dpop_private_jwk)?;
        let handle = if grant.handle.is_empty() { grant.did.clone() } else { grant.handle.clone() };
        Ok(OAuthSession { http, handle, grant: Mutex::new(grant), key, nonces: Nonces::default(), now, store })
    }

    fn now_ms(&self) -> i64 {
        (self.now)().as_millisecond()
    }

    async fn current(&self) -> Result<Credential, SessionError> {
        let grant = self.grant.lock().await.clone();
        if grant.expires_at_ms - EARLY_MS <= self.now_ms() {
            return self.renew(&grant.access).await;
        }
        Ok(credential(&grant))
    }

    async fn renew(&self, stale: &str) -> Result<Credential, SessionError> {
        let mut grant = self.grant.lock().await;
        if grant.access != stale {
            return Ok(credential(&grant));
        }
        if let Some(store) = &self.store {
            match store.load().await {
                Ok(Some(stored)) if stored.refresh != grant.refresh && stored.did == grant.did => {
                    tracing::debug!(did = %grant.did, "Bluesky OAuth: another process refreshed the grant");
                    *grant = stored;
                    if grant.expires_at_ms - EARLY_MS > self.now_ms() && grant.access != stale {
                        return Ok(credential(&grant));
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(did = %grant.did, error = %e, "Bluesky OAuth: stored grant not read"),
            }
        }
        let now = self.now_ms() / 1000;
        match oauth::refresh(&self.http, &grant, &self.nonces, now).await {
            Ok(fresh) => {
                *grant = fresh;
                if let Some(store) = &self.store {
                    if let Err(e) = store.save(&grant).await {
                        tracing::warn!(did = %grant.did, error = %e, "Bluesky OAuth: refreshed grant not stored");
                    }
                }
                Ok(credential(&grant))
            }
            Err(NetworkError::Auth { message, .. }) => Err(SessionError::Refused(Failure {
                status: reqwest::StatusCode::UNAUTHORIZED,
                error: Some("invalid_grant".into()),
                message: format!("the authorization server refused to refresh: {message}"),
                retry_after_secs: None,
            })),
            Err(e) => Err(SessionError::Network(e)),
        }
    }

    /// The request with its DPoP-bound token and a fresh proof.
    fn authorize(&self, builder: RequestBuilder, access: &str) -> Result<Request, NetworkError> {
        let mut request = builder.build()?;
        let proof = self.key.proof(
            request.method().as_str(),
            request.url(),
            self.now_ms() / 1000,
            self.nonces.get(request.url()).as_deref(),
            Some(access),
        );
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, value(&format!("DPoP {access}"))?);
        headers.insert("dpop", value(&proof)?);
        Ok(request)
    }
}

fn value(text: &str) -> Result<reqwest::header::HeaderValue, NetworkError> {
    reqwest::header::HeaderValue::from_str(text).map_err(|_| super::xrpc::protocol("a token that is not a header"))
}

fn credential(grant: &Grant) -> Credential {
    Credential { access: grant.access.clone(), did: grant.did.clone(), handle: grant.handle.clone() }
}

/// An account's way of authorizing requests.
pub(crate) enum Auth {
    Password(Sessions),
    OAuth(OAuthSession),
}

impl Auth {
    /// Who the account is, for messages (handle or identifier).
    pub(crate) fn label(&self) -> String {
        match self {
            Auth::Password(sessions) => sessions.identifier().to_owned(),
            Auth::OAuth(session) => session.handle.clone(),
        }
    }

    pub(crate) fn is_oauth(&self) -> bool {
        matches!(self, Auth::OAuth(_))
    }

    pub(crate) async fn current(&self) -> Result<Credential, SessionError> {
        match self {
            Auth::Password(sessions) => {
                sessions.current().await.map(|s| Credential { access: s.access_jwt, did: s.did, handle: s.handle })
            }
            Auth::OAuth(session) => session.current().await,
        }
    }

    pub(crate) async fn renew(&self, stale: &str) -> Result<Credential, SessionError> {
        match self {
            Auth::Password(sessions) => {
                sessions.renew(stale).await.map(|s| Credential { access: s.access_jwt, did: s.did, handle: s.handle })
            }
            Auth::OAuth(session) => session.renew(stale).await,
        }
    }

    /// The request `builder` makes, authorized with `access`.
    pub(crate) fn authorize(&self, builder: RequestBuilder, access: &str) -> Result<Request, NetworkError> {
        match self {
            Auth::Password(_) => Ok(builder.header(AUTHORIZATION, format!("Bearer {access}")).build()?),
            Auth::OAuth(session) => session.authorize(builder, access),
        }
    }

    /// Keeps the server's nonce from an answer (OAuth only).
    pub(crate) fn observe(&self, url: &Url, headers: &reqwest::header::HeaderMap) {
        if let Auth::OAuth(session) = self {
            session.nonces.remember(url, headers);
        }
    }
}
