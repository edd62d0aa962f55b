//! Bluesky OAuth (the atproto profile: PAR + PKCE S256 + DPoP), the client side: our client id (a loopback client, or
//! a web client whose metadata document we serve), finding the account's authorization server (PDS →
//! `/.well-known/oauth-protected-resource` → `/.well-known/oauth-authorization-server`), pushing the authorization
//! request, the address to send the browser to, exchanging the code (the `sub` and `iss` must be the account and
//! server resolved at the start), and refreshing a grant. Every call to the authorization server carries a DPoP
//! proof and is repeated once with the nonce it asks for. Nothing here is logged with its secrets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use super::dpop::{asks_for_nonce, random_token, DpopKey, Nonces};
use super::identity::{self, Identity, Resolver};
use super::xrpc::{self, protocol, Outcome};
use crate::NetworkError;

/// What we ask for: the account's repository and the Bluesky app's own calls (`transition:generic`). Private
/// messages (`transition:chat.bsky`) are not asked for: DMs need an app password.
pub const SCOPE: &str = "atproto transition:generic";
/// Where the authorization server sends the browser back, under the public address.
pub const CALLBACK_PATH: &str = "/oauth/bluesky/callback";
/// Where a web client's metadata document is served, under the public address.
pub const METADATA_PATH: &str = "/oauth/bluesky/client-metadata.json";

/// How we present ourselves to authorization servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    /// Whether `client_id` is our metadata document (an https installation), not the loopback form.
    pub web: bool,
}

impl OAuthClient {
    /// The client of an installation reached at `public_url`: a web client when it is https; otherwise the loopback
    /// form, whose redirect must be on 127.0.0.1 or [::1] (`localhost` is read as 127.0.0.1). Any other plain-http
    /// address cannot use Bluesky OAuth.
    pub fn for_public_url(public_url: &str) -> Result<Self, NetworkError> {
        let base = Url::parse(public_url.trim()).map_err(|e| protocol(format!("public address {public_url}: {e}")))?;
        if base.scheme() == "https" {
            return Ok(Self::web(&base));
        }
        let mut redirect = base.clone();
        match base.host_str() {
            Some("127.0.0.1" | "[::1]") => {}
            Some("localhost") => {
                redirect.set_host(Some("127.0.0.1")).map_err(|e| protocol(e.to_string()))?;
            }
            _ => {
                return Err(protocol(format!(
                "Bluesky OAuth needs an https public address (or 127.0.0.1 for a local installation), not {public_url}"
            )))
            }
        }
        let redirect_uri = format!("{}{CALLBACK_PATH}", redirect.as_str().trim_end_matches('/'));
        // `http://localhost?…` exactly: no path, as the atproto profile writes a loopback client id.
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", SCOPE)
            .finish();
        Ok(OAuthClient {
            client_id: format!("http://localhost?{query}"),
            redirect_uri,
            scope: SCOPE.to_owned(),
            web: false,
        })
    }

    /// The web client of an installation at `base` (its metadata document is served at its client id). Used when the
    /// address is https; the document is served whatever the address, but only an https one is ever fetched.
    pub fn web(base: &Url) -> Self {
        let root = base.as_str().trim_end_matches('/');
        OAuthClient {
            client_id: format!("{root}{METADATA_PATH}"),
            redirect_uri: format!("{root}{CALLBACK_PATH}"),
            scope: SCOPE.to_owned(),
            web: true,
        }
    }

    /// The metadata document of a web client (served at its `client_id`).
    pub fn metadata(&self, client_name: &str) -> Value {
        let client_uri = self.client_id.strip_suffix(METADATA_PATH).unwrap_or(&self.client_id);
        json!({
            "client_id": self.client_id,
            "client_name": client_name,
            "client_uri": client_uri,
            "application_type": "web",
            "redirect_uris": [self.redirect_uri],
            "scope": self.scope,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "dpop_bound_access_tokens": true,
        })
    }
}

/// A PKCE pair: the verifier we keep, the S256 challenge we send.
#[derive(Clone)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce").field("challenge", &self.challenge).finish_non_exhaustive()
    }
}

impl Pkce {
    pub fn generate() -> Self {
        Self::from_verifier(random_token(48))
    }

    pub fn from_verifier(verifier: String) -> Self {
        let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
        Pkce { verifier, challenge }
    }
}

/// What an authorization server publishes about itself (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub pushed_authorization_request_endpoint: Url,
}

/// The authorization server of the PDS `pds` and its metadata (its `issuer` must be the address it was found at).
pub async fn authorization_server(http: &reqwest::Client, pds: &Url) -> Result<ServerMetadata, NetworkError> {
    #[derive(Deserialize)]
    struct Resource {
        #[serde(default)]
        authorization_servers: Vec<String>,
    }
    let url = pds.join("/.well-known/oauth-protected-resource").map_err(|e| protocol(e.to_string()))?;
    let resource: Resource = ok(xrpc::read(http.get(url).send().await?).await?)?;
    let issuer =
        resource.authorization_servers.into_iter().next().ok_or_else(|| protocol("no authorization server"))?;
    server_metadata(http, &issuer).await
}

/// The metadata of the authorization server `issuer`.
pub async fn server_metadata(http: &reqwest::Client, issuer: &str) -> Result<ServerMetadata, NetworkError> {
    let base = Url::parse(issuer).map_err(|e| protocol(format!("issuer {issuer}: {e}")))?;
    let url = base.join("/.well-known/oauth-authorization-server").map_err(|e| protocol(e.to_string()))?;
    let metadata: ServerMetadata = ok(xrpc::read(http.get(url).send().await?).await?)?;
    if metadata.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(protocol(format!("the authorization server at {issuer} calls itself {}", metadata.issuer)));
    }
    Ok(metadata)
}

fn ok<T>(outcome: Outcome<T>) -> Result<T, NetworkError> {
    match outcome {
        Outcome::Ok(value) => Ok(value),
        Outcome::Failed(failure) => Err(failure.into_error()),
    }
}

/// An authorization on its way: what must be kept (sealed) between sending the browser away and its return.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingAuthorization {
    pub did: String,
    pub handle: String,
    pub pds: String,
    pub issuer: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub pkce_verifier: String,
    pub dpop_private_jwk: String,
}

impl std::fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("did", &self.did)
            .field("handle", &self.handle)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// A started authorization: where to send the browser, and what to keep under `state`.
#[derive(Debug, Clone)]
pub struct Started {
    pub authorize_url: Url,
    pub pending: PendingAuthorization,
}

/// Resolves `handle`, finds its authorization server and pushes the authorization request (PAR, with `login_hint`,
/// `state` and the PKCE challenge). `now` is in seconds since the epoch (the proofs' `iat`).
pub async fn start(
    http: &reqwest::Client,
    resolver: &Resolver,
    client: &OAuthClient,
    handle: &str,
    state: &str,
    now: i64,
) -> Result<Started, NetworkError> {
    let Identity { did, handle, pds } = identity::resolve(http, resolver, handle).await?;
    let server = authorization_server(http, &pds).await?;
    let pkce = Pkce::generate();
    let key = DpopKey::generate();
    let nonces = Nonces::default();
    let login_hint = if handle == "handle.invalid" { did.clone() } else { handle.clone() };
    let form = [
        ("client_id", client.client_id.as_str()),
        ("response_type", "code"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("redirect_uri", client.redirect_uri.as_str()),
        ("scope", client.scope.as_str()),
        ("state", state),
        ("login_hint", login_hint.as_str()),
    ];
    #[derive(Deserialize)]
    struct Pushed {
        request_uri: String,
    }
    let pushed: Pushed =
        match post_form(http, &key, &nonces, &server.pushed_authorization_request_endpoint, &form, now).await? {
            Outcome::Ok(pushed) => pushed,
            Outcome::Failed(failure) => return Err(failure.into_error()),
        };
    let mut authorize_url = server.authorization_endpoint.clone();
    authorize_url
        .query_pairs_mut()
        .append_pair("client_id", &client.client_id)
        .append_pair("request_uri", &pushed.request_uri);
    let pending = PendingAuthorization {
        did,
        handle,
        pds: pds.to_string(),
        issuer: server.issuer,
        client_id: client.client_id.clone(),
        redirect_uri: client.redirect_uri.clone(),
        pkce_verifier: pkce.verifier,
        dpop_private_jwk: key.to_private_jwk(),
    };
    Ok(Started { authorize_url, pending })
}

/// Tokens bound to a DPoP key, for one account on one PDS.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    pub service: String,
    pub did: String,
    pub handle: String,
    pub issuer: String,
    pub client_id: String,
    pub access: String,
    pub refresh: String,
    /// Milliseconds since the epoch.
    pub expires_at_ms: i64,
    pub dpop_private_jwk: String,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("service", &self.service)
            .field("did", &self.did)
            .field("issuer", &self.issuer)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

/// Exchanges the code the browser brought back. `iss` must be the issuer we started with;
/// the tokens must be DPoP tokens for the account resolved at the start, with the `atproto` scope.
pub async fn finish(
    http: &reqwest::Client,
    pending: &PendingAuthorization,
    code: &str,
    iss: Option<&str>,
    now: i64,
) -> Result<Grant, NetworkError> {
    // RFC 9207: atproto authorization servers name themselves in the answer; a missing or other `iss` is refused.
    match iss {
        Some(iss) if iss.trim_end_matches('/') == pending.issuer.trim_end_matches('/') => {}
        Some(iss) => return Err(protocol(format!("the answer comes from {iss}, not {}", pending.issuer))),
        None => return Err(protocol(format!("the answer does not say it comes from {}", pending.issuer))),
    }
    let server = server_metadata(http, &pending.issuer).await?;
    let key = DpopKey::from_private_jwk(&pending.dpop_private_jwk)?;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", pending.redirect_uri.as_str()),
        ("client_id", pending.client_id.as_str()),
        ("code_verifier", pending.pkce_verifier.as_str()),
    ];
    let answer: TokenAnswer =
        match post_form(http, &key, &Nonces::default(), &server.token_endpoint, &form, now).await? {
            Outcome::Ok(answer) => answer,
            Outcome::Failed(failure) => return Err(failure.into_error()),
        };
    let grant = Grant {
        service: pending.pds.clone(),
        did: pending.did.clone(),
        handle: pending.handle.clone(),
        issuer: pending.issuer.clone(),
        client_id: pending.client_id.clone(),
        access: String::new(),
        refresh: String::new(),
        expires_at_ms: 0,
        dpop_private_jwk: pending.dpop_private_jwk.clone(),
    };
    apply(grant, answer, now)
}

/// The grant with the tokens of `answer`, checked.
fn apply(mut grant: Grant, answer: TokenAnswer, now: i64) -> Result<Grant, NetworkError> {
    if answer.sub.as_deref() != Some(grant.did.as_str()) {
        return Err(protocol(format!("the tokens are for {:?}, not {}", answer.sub, grant.did)));
    }
    if !answer.token_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("DPoP")) {
        return Err(protocol("the tokens are not DPoP-bound"));
    }
    if !answer.scope.as_deref().is_some_and(|s| s.split(' ').any(|s| s == "atproto")) {
        return Err(protocol("the tokens lack the atproto scope"));
    }
    let refresh = answer.refresh_token.filter(|r| !r.is_empty()).ok_or_else(|| protocol("no refresh token"))?;
    grant.access = answer.access_token;
    grant.refresh = refresh;
    grant.expires_at_ms = now.saturating_add(answer.expires_in.unwrap_or(300)).saturating_mul(1000);
    Ok(grant)
}

/// Refreshes `grant` (refresh tokens are single use: the answer's must be kept). A refusal (revoked, reused,
/// expired) is [`NetworkError::Auth`].
pub(crate) async fn refresh(
    http: &reqwest::Client,
    grant: &Grant,
    nonces: &Nonces,
    now: i64,
) -> Result<Grant, NetworkError> {
    let server = server_metadata(http, &grant.issuer).await?;
    let key = DpopKey::from_private_jwk(&grant.dpop_private_jwk)?;
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", grant.refresh.as_str()),
        ("client_id", grant.client_id.as_str()),
    ];
    match post_form(http, &key, nonces, &server.token_endpoint, &form, now).await? {
        Outcome::Ok(answer) => apply(grant.clone(), answer, now),
        Outcome::Failed(failure) if failure.status == StatusCode::BAD_REQUEST || failure.status.as_u16() == 401 => {
            Err(NetworkError::Auth { network: xrpc::NETWORK, message: failure.message })
        }
        Outcome::Failed(failure) => Err(failure.into_error()),
    }
}

/// A form POST to the authorization server with a DPoP proof, sent again once with the nonce it asks for.
pub(crate) async fn post_form<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    key: &DpopKey,
    nonces: &Nonces,
    url: &Url,
    form: &[(&str, &str)],
    now: i64,
) -> Result<Outcome<T>, NetworkError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let proof = key.proof("POST", url, now, nonces.get(url).as_deref(), None);
        let response = http.post(url.clone()).header("DPoP", proof).form(form).send().await?;
        let (status, headers) = (response.status(), response.headers().clone());
        nonces.remember(url, &headers);
        let body = xrpc::read_capped(response).await?;
        if attempt == 1 && asks_for_nonce(status, &headers, &body) {
            continue;
        }
        return xrpc::decode(status, &headers, &body);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pkce_is_s256_of_the_verifier() {
        // RFC 7636, appendix B.
        let pair = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(pair.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let fresh = Pkce::generate();
        assert!(fresh.verifier.len() >= 43 && fresh.verifier.len() <= 128);
        assert_ne!(fresh.verifier, Pkce::generate().verifier);
        assert!(!format!("{fresh:?}").contains(&fresh.verifier));
    }

    #[test]
    fn an_https_installation_is_a_web_client_and_a_local_one_a_loopback_client() {
        let web = OAuthClient::for_public_url("https://fil.example/").unwrap();
        assert!(web.web);
        assert_eq!(web.client_id, "https://fil.example/oauth/bluesky/client-metadata.json");
        assert_eq!(web.redirect_uri, "https://fil.example/oauth/bluesky/callback");
        let doc = web.metadata("Fil Rouge");
        assert_eq!(doc["client_id"], web.client_id);
        assert_eq!(doc["client_uri"], "https://fil.example");
        assert_eq!(doc["dpop_bound_access_tokens"], true);

        let local = OAuthClient::for_public_url("http://localhost:8080").unwrap();
        assert!(!local.web);
        assert_eq!(local.redirect_uri, "http://127.0.0.1:8080/oauth/bluesky/callback");
        assert_eq!(
            local.client_id,
            "http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Foauth%2Fbluesky%2Fcallback\
             &scope=atproto+transition%3Ageneric"
        );
        assert!(OAuthClient::for_public_url("http://192.168.1.2:8080").is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let grant = Grant {
            service: "s".into(),
            did: "did:plc:x".into(),
            handle: "h".into(),
            issuer: "i".into(),
            client_id: "c".into(),
            access: "ACCESS".into(),
            refresh: "REFRESH".into(),
            expires_at_ms: 0,
            dpop_private_jwk: "KEY".into(),
        };
        let pending = PendingAuthorization {
            did: "did:plc:x".into(),
            handle: "h".into(),
            pds: "p".into(),
            issuer: "i".into(),
            client_id: "c".into(),
            redirect_uri: "r".into(),
            pkce_verifier: "VERIFIER".into(),
            dpop_private_jwk: "KEY".into(),
        };
        let shown = format!("{grant:?} {pending:?}");
        for secret in ["ACCESS", "REFRESH", "KEY", "VERIFIER"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
