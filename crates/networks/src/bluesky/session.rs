//! Bluesky sessions from an app password, shared by search and publishing: `createSession` on first use,
//! `refreshSession` when the access token goes stale, a new `createSession` when refreshing is refused.

use std::fmt;

use reqwest::header::AUTHORIZATION;
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use super::xrpc::{self, Failure, Outcome};
use crate::NetworkError;

/// Tokens and identity from `createSession`/`refreshSession`; never logged.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Session {
    pub(crate) access_jwt: String,
    pub(crate) refresh_jwt: String,
    pub(crate) did: String,
    pub(crate) handle: String,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("did", &self.did).field("handle", &self.handle).finish_non_exhaustive()
    }
}

/// Why no session could be had.
#[derive(Debug)]
pub(crate) enum SessionError {
    /// `createSession` refused the credentials (status and XRPC error name kept for the caller to classify).
    Refused(Failure),
    /// The request itself failed.
    Network(NetworkError),
}

impl From<NetworkError> for SessionError {
    fn from(e: NetworkError) -> Self {
        SessionError::Network(e)
    }
}

/// One account's credentials and its current session.
pub(crate) struct Sessions {
    http: reqwest::Client,
    service: Url,
    identifier: String,
    password: String,
    current: Mutex<Option<Session>>,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("service", &self.service.as_str())
            .field("identifier", &self.identifier)
            .finish_non_exhaustive()
    }
}

impl Sessions {
    pub(crate) fn new(http: reqwest::Client, service: Url, identifier: String, password: String) -> Self {
        Sessions { http, service, identifier, password, current: Mutex::new(None) }
    }

    pub(crate) fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The cached session, or a new one.
    pub(crate) async fn current(&self) -> Result<Session, SessionError> {
        let mut current = self.current.lock().await;
        if let Some(session) = current.as_ref() {
            return Ok(session.clone());
        }
        let fresh = self.login().await?;
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// A session replacing the one whose access token `stale` was refused: refreshed, else created again. When
    /// another task already replaced it, that newer session is returned as it is.
    pub(crate) async fn renew(&self, stale: &str) -> Result<Session, SessionError> {
        let mut current = self.current.lock().await;
        if let Some(session) = current.as_ref().filter(|s| s.access_jwt != stale) {
            return Ok(session.clone());
        }
        if let Some(old) = current.take() {
            match self.refresh(&old.refresh_jwt).await? {
                Outcome::Ok(fresh) => {
                    *current = Some(fresh.clone());
                    return Ok(fresh);
                }
                Outcome::Failed(failure) if failure.is_auth() || failure.status.is_client_error() => {
                    tracing::debug!(message = %failure.message, "Bluesky: refresh refused; logging in again");
                }
                Outcome::Failed(failure) => return Err(SessionError::Network(failure.into_error())),
            }
        }
        let fresh = self.login().await?;
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    async fn login(&self) -> Result<Session, SessionError> {
        let url = xrpc::method_url(&self.service, "com.atproto.server.createSession")?;
        let body = serde_json::json!({ "identifier": self.identifier, "password": self.password });
        let response = self.http.post(url).json(&body).send().await.map_err(NetworkError::from)?;
        match xrpc::read::<Session>(response).await? {
            Outcome::Ok(session) => Ok(session),
            // createSession answers 401 AuthenticationRequired for a wrong password, 400 InvalidRequest for an
            // unknown or malformed identifier, 401 AuthFactorTokenRequired when the account wants a second factor,
            // 400 AccountTakedown: all are refusals of these credentials.
            Outcome::Failed(failure) if failure.status.is_client_error() && failure.status.as_u16() != 429 => {
                Err(SessionError::Refused(failure))
            }
            Outcome::Failed(failure) => Err(SessionError::Network(failure.into_error())),
        }
    }

    async fn refresh(&self, refresh_jwt: &str) -> Result<Outcome<Session>, NetworkError> {
        let url = xrpc::method_url(&self.service, "com.atproto.server.refreshSession")?;
        let response = self.http.post(url).header(AUTHORIZATION, format!("Bearer {refresh_jwt}")).send().await?;
        xrpc::read(response).await
    }
}
