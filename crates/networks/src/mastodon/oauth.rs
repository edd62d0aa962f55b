//! Connecting a Mastodon account at run time: register our OAuth application on the instance, send the user to
//! its authorisation page, exchange the code it gives back for an access token, and check whose token it is.
//! Secrets (client secret, access token) never appear in `Debug` output.

use url::Url;

use super::api::{self, Application, Token};
use super::{endpoint, http};
use crate::NetworkError;

/// The redirect URI that makes the instance show the code to the user instead of redirecting.
pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Our application as registered on one instance (`POST /api/v1/apps`); keep it per instance.
#[derive(Clone, PartialEq, Eq)]
pub struct AppRegistration {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for AppRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// A user's access token on one instance.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    /// The token itself, to store encrypted or to hand to [`super::MastodonPublisher::new`].
    pub fn secret(&self) -> &str {
        &self.0
    }

    pub fn into_secret(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// The account a token speaks for (`GET /api/v1/accounts/verify_credentials`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    /// `user` (the instance's own accounts).
    pub acct: String,
    pub display_name: String,
    /// Zero when the instance hides it.
    pub followers_count: u64,
}

/// Registers our application on `instance` (`POST /api/v1/apps`) with this redirect URI (or [`OUT_OF_BAND`])
/// and these scopes (`["read", "write"]`).
pub async fn register_app(
    http: &reqwest::Client,
    instance: &Url,
    client_name: &str,
    redirect_uri: &str,
    scopes: &[&str],
) -> Result<AppRegistration, NetworkError> {
    let url = endpoint(instance, &["api", "v1", "apps"]);
    let scopes = scopes.join(" ");
    let form = [("client_name", client_name), ("redirect_uris", redirect_uri), ("scopes", scopes.as_str())];
    let app: Application = http::json(http.post(url).form(&form), "app registration").await?;
    Ok(AppRegistration { client_id: app.client_id, client_secret: app.client_secret })
}

/// Where to send the user to grant us access (`GET /oauth/authorize`, `response_type=code`). `state` comes back
/// with the code on `redirect_uri`: check it there.
pub fn authorize_url(
    instance: &Url,
    registration: &AppRegistration,
    redirect_uri: &str,
    scopes: &[&str],
    state: &str,
) -> Url {
    let mut url = endpoint(instance, &["oauth", "authorize"]);
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &registration.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", state);
    url
}

/// Exchanges the code the authorisation page gave for an access token (`POST /oauth/token`,
/// `grant_type=authorization_code`). A used or unknown code is refused with HTTP 400 (`invalid_grant`).
pub async fn exchange_code(
    http: &reqwest::Client,
    instance: &Url,
    registration: &AppRegistration,
    code: &str,
    redirect_uri: &str,
) -> Result<AccessToken, NetworkError> {
    let url = endpoint(instance, &["oauth", "token"]);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", registration.client_id.as_str()),
        ("client_secret", registration.client_secret.as_str()),
        ("redirect_uri", redirect_uri),
    ];
    let token: Token = http::json(http.post(url).form(&form), "token").await?;
    if token.access_token.trim().is_empty() {
        return Err(NetworkError::Protocol { network: api::NETWORK, message: "token: empty access_token".into() });
    }
    Ok(AccessToken(token.access_token))
}

/// The account this token speaks for; [`NetworkError::Auth`] when the instance refuses the token.
pub async fn verify(http: &reqwest::Client, instance: &Url, token: &str) -> Result<Account, NetworkError> {
    let url = endpoint(instance, &["api", "v1", "accounts", "verify_credentials"]);
    let account: api::Account = http::json(http.get(url).bearer_auth(token), "account").await?;
    Ok(account_of(account))
}

pub(crate) fn account_of(account: api::Account) -> Account {
    Account {
        id: account.id,
        acct: account.acct,
        display_name: account.display_name,
        followers_count: account.followers_count.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let app = AppRegistration { client_id: "public-id".into(), client_secret: "s3cret".into() };
        let shown = format!("{app:?} {:?}", AccessToken::new("t0ken".into()));
        assert!(shown.contains("public-id"), "{shown}");
        assert!(!shown.contains("s3cret") && !shown.contains("t0ken"), "{shown}");
    }

    #[test]
    fn the_authorize_url_asks_for_a_code_with_our_state() {
        let app = AppRegistration { client_id: "id 1".into(), client_secret: "s".into() };
        let url = authorize_url(
            &"https://m.example/".parse().unwrap(),
            &app,
            "https://fil.example/cb",
            &["read", "write"],
            "xyz",
        );
        assert_eq!(
            url.as_str(),
            "https://m.example/oauth/authorize?response_type=code&client_id=id+1\
             &redirect_uri=https%3A%2F%2Ffil.example%2Fcb&scope=read+write&state=xyz"
        );
        assert!(!url.as_str().contains("client_secret"));
    }
}
