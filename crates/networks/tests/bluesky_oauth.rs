//! Requests with a Bluesky OAuth grant against canned servers (an authorization server and a PDS): DPoP proofs on
//! every request with `ath` towards the PDS, the `use_dpop_nonce` answer of either server retried once with the
//! nonce it gave, a 401 `invalid_token` refreshed once (the rotated grant handed to the store) then retried, a refused
//! refresh turned into "needs reconnection", and a grant refreshed by another process adopted instead of refreshing.
//! (The whole flow against a real PDS: crates/web/tests/browser/oauth.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use filrouge_networks::bluesky::oauth::Grant;
use filrouge_networks::bluesky::{BlueskyPublisher, DpopKey, GrantStore};
use filrouge_networks::publish::{BoxFuture, PublishError, Publisher};
use filrouge_testkit::mastodon::{Canned, CannedRequest, CannedServer};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const DID: &str = "did:plc:ada";

/// The claims of a request's DPoP proof.
fn proof_claims(request: &CannedRequest) -> Value {
    let proof = request.header("dpop").unwrap_or_else(|| panic!("no DPoP proof on {}", request.target));
    serde_json::from_slice(&B64.decode(proof.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

fn token_of(request: &CannedRequest) -> String {
    let auth = request.header("authorization").unwrap_or_default();
    auth.strip_prefix("DPoP ").unwrap_or_else(|| panic!("not a DPoP authorization: {auth}")).to_owned()
}

/// An authorization server: metadata, and a token endpoint that wants a nonce, then answers `answer`.
fn authorization_server(answer: Canned) -> CannedServer {
    CannedServer::start(move |r| {
        let base = format!("http://127.0.0.1:{}", r.port);
        match r.path() {
            "/.well-known/oauth-authorization-server" => Canned::json(
                200,
                &json!({
                    "issuer": base,
                    "authorization_endpoint": format!("{base}/oauth/authorize"),
                    "token_endpoint": format!("{base}/oauth/token"),
                    "pushed_authorization_request_endpoint": format!("{base}/oauth/par"),
                })
                .to_string(),
            ),
            "/oauth/token" if proof_claims(r)["nonce"] != "as-nonce" => Canned::json(
                400,
                r#"{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof"}"#,
            )
            .with_header("DPoP-Nonce", "as-nonce"),
            "/oauth/token" => answer.clone(),
            _ => Canned::json(404, "{}"),
        }
    })
}

fn tokens(access: &str, refresh: &str) -> Canned {
    Canned::json(
        200,
        &json!({ "access_token": access, "refresh_token": refresh, "token_type": "DPoP", "expires_in": 3600,
                 "sub": DID, "scope": "atproto transition:generic" })
        .to_string(),
    )
}

/// A PDS that wants a nonce, refuses `access-1` as expired and answers a profile to `access-2`.
fn pds() -> CannedServer {
    CannedServer::start(|r| {
        let claims = proof_claims(r);
        if claims["nonce"] != "pds-nonce" {
            return Canned::json(401, r#"{"error":"use_dpop_nonce","message":"DPoP nonce mismatch"}"#)
                .with_header("WWW-Authenticate", r#"DPoP error="use_dpop_nonce", error_description="Nonce""#)
                .with_header("DPoP-Nonce", "pds-nonce");
        }
        match token_of(r).as_str() {
            "access-2" => Canned::json(200, r#"{"did":"did:plc:ada","followersCount":7}"#),
            _ => Canned::json(401, r#"{"error":"InvalidToken","message":"\"exp\" claim timestamp check failed"}"#)
                .with_header("WWW-Authenticate", r#"DPoP error="invalid_token", error_description="expired""#),
        }
    })
}

/// Grants handed over for keeping, and what another process may have kept before.
#[derive(Default)]
struct Kept {
    saved: Mutex<Vec<Grant>>,
    stored: Mutex<Option<Grant>>,
}

impl GrantStore for Kept {
    fn save<'a>(&'a self, grant: &'a Grant) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.saved.lock().unwrap().push(grant.clone());
            Ok(())
        })
    }

    fn load(&self) -> BoxFuture<'_, Result<Option<Grant>, String>> {
        Box::pin(async move { Ok(self.stored.lock().unwrap().clone()) })
    }
}

fn grant(pds: &CannedServer, issuer: &CannedServer, key: &DpopKey) -> Grant {
    Grant {
        service: pds.base_url(),
        did: DID.into(),
        handle: "ada.test".into(),
        issuer: issuer.base_url().trim_end_matches('/').to_owned(),
        client_id: "http://localhost?scope=atproto".into(),
        access: "access-1".into(),
        refresh: "refresh-1".into(),
        // 2026-06-01T11:00:00Z: an hour after the clock below, so no early refresh.
        expires_at_ms: 1_780_311_600_000,
        dpop_private_jwk: key.to_private_jwk(),
    }
}

fn publisher(grant: Grant, kept: &Arc<Kept>) -> BlueskyPublisher {
    let now: filrouge_networks::bluesky::Now = Arc::new(|| "2026-06-01T10:00:00Z".parse().unwrap());
    let store: Arc<dyn GrantStore> = kept.clone();
    BlueskyPublisher::with_oauth(reqwest::Client::new(), grant, now, Some(store)).unwrap()
}

#[tokio::test]
async fn nonces_are_fetched_an_expired_token_is_refreshed_once_and_the_rotated_grant_is_kept() {
    let (issuer, pds) = (authorization_server(tokens("access-2", "refresh-2")), pds());
    let key = DpopKey::generate();
    let kept = Arc::new(Kept::default());
    let publisher = publisher(grant(&pds, &issuer, &key), &kept);
    assert!(!format!("{publisher:?}").contains("access-1"));

    assert_eq!(publisher.followers().await.unwrap(), 7);

    let at_pds = pds.requests();
    let tokens_sent: Vec<String> = at_pds.iter().map(token_of).collect();
    assert_eq!(tokens_sent, ["access-1", "access-1", "access-2"], "nonce retry, refused token, refreshed token");
    for request in &at_pds {
        let claims = proof_claims(request);
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], format!("{}xrpc/app.bsky.actor.getProfile", pds.base_url()));
        assert_eq!(claims["ath"], B64.encode(Sha256::digest(token_of(request).as_bytes())));
    }
    assert_eq!(proof_claims(&at_pds[0]).get("nonce"), None);
    assert_eq!(proof_claims(&at_pds[2])["nonce"], "pds-nonce");
    // The proofs' key is the grant's.
    let header: Value =
        serde_json::from_slice(&B64.decode(at_pds[0].header("dpop").unwrap().split('.').next().unwrap()).unwrap())
            .unwrap();
    assert_eq!(header["jwk"], key.public_jwk());

    let at_issuer: Vec<_> = issuer.requests().into_iter().filter(|r| r.path() == "/oauth/token").collect();
    assert_eq!(at_issuer.len(), 2, "the token endpoint: without, then with its nonce");
    assert!(at_issuer.iter().all(|r| proof_claims(r).get("ath").is_none() && proof_claims(r)["htm"] == "POST"));

    let saved = kept.saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1);
    assert_eq!((saved[0].access.as_str(), saved[0].refresh.as_str()), ("access-2", "refresh-2"));
    assert_eq!(saved[0].expires_at_ms, 1_780_308_000_000 + 3_600_000);
    assert_eq!(saved[0].dpop_private_jwk, key.to_private_jwk());
    assert!(!format!("{:?}", saved[0]).contains("refresh-2"));

    // The next call uses the new token at once, with the nonce it knows.
    assert_eq!(publisher.followers().await.unwrap(), 7);
    assert_eq!(pds.requests().len(), 4);
    assert_eq!(kept.saved.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_refresh_means_the_account_needs_reconnecting() {
    let refused = Canned::json(400, r#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#);
    let (issuer, pds) = (authorization_server(refused), pds());
    let kept = Arc::new(Kept::default());
    let publisher = publisher(grant(&pds, &issuer, &DpopKey::generate()), &kept);
    let err = publisher.followers().await.unwrap_err();
    assert!(matches!(&err, PublishError::NeedsReconnection(m) if m.contains("Invalid refresh token")), "{err:?}");
    assert!(kept.saved.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_grant_another_process_refreshed_is_used_instead_of_refreshing_again() {
    let (issuer, pds) = (authorization_server(tokens("never", "never")), pds());
    let key = DpopKey::generate();
    let kept = Arc::new(Kept::default());
    let first = grant(&pds, &issuer, &key);
    *kept.stored.lock().unwrap() =
        Some(Grant { access: "access-2".into(), refresh: "refresh-2".into(), ..first.clone() });
    let publisher = publisher(first, &kept);
    assert_eq!(publisher.followers().await.unwrap(), 7);
    assert!(issuer.requests().iter().all(|r| r.path() != "/oauth/token"), "no refresh: the stored grant was newer");
}

#[tokio::test]
async fn the_code_is_exchanged_only_from_the_issuer_we_started_with_for_the_account_we_resolved() {
    use filrouge_networks::bluesky::oauth::{finish, PendingAuthorization};
    let issuer = authorization_server(tokens("access-1", "refresh-1"));
    let key = DpopKey::generate();
    let pending = |did: &str| PendingAuthorization {
        did: did.into(),
        handle: "ada.test".into(),
        pds: "http://127.0.0.1:9/".into(),
        issuer: issuer.base_url().trim_end_matches('/').to_owned(),
        client_id: "http://localhost?scope=atproto".into(),
        redirect_uri: "http://127.0.0.1:8080/oauth/bluesky/callback".into(),
        pkce_verifier: "verifier".into(),
        dpop_private_jwk: key.to_private_jwk(),
    };
    let http = reqwest::Client::new();
    let iss = issuer.base_url();
    let now = 1_780_308_000;
    let grant = finish(&http, &pending(DID), "code", Some(&iss), now).await.unwrap();
    assert_eq!((grant.access.as_str(), grant.refresh.as_str(), grant.did.as_str()), ("access-1", "refresh-1", DID));
    assert_eq!(grant.expires_at_ms, (now + 3600) * 1000);
    assert_eq!(grant.dpop_private_jwk, key.to_private_jwk(), "the tokens are bound to the key of the start");
    let exchanges = issuer.requests().into_iter().filter(|r| r.path() == "/oauth/token").count();

    let other = finish(&http, &pending("did:plc:mallory"), "code", Some(&iss), now).await.unwrap_err();
    assert!(other.to_string().contains("not did:plc:mallory"), "{other}");
    let wrong_iss = finish(&http, &pending(DID), "code", Some("https://evil.example"), now).await.unwrap_err();
    assert!(wrong_iss.to_string().contains("evil.example"), "{wrong_iss}");
    assert!(finish(&http, &pending(DID), "code", None, now).await.is_err(), "no iss, no exchange");
    let after = issuer.requests().into_iter().filter(|r| r.path() == "/oauth/token").count();
    assert_eq!(after, exchanges + 2, "only the sub mismatch reached the token endpoint (with its nonce retry)");
}
