//! Publishing on Mastodon end to end against a real Mastodon-API server (mastodon-mock): media with alt text,
//! content warnings, replies, metrics, deletion, the Idempotency-Key, reading back, OAuth at run time and the
//! instance's limits; and, for failures no server gives on demand (429, 500, a silent server, a closed port), a
//! tiny canned local server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use filrouge_networks::mastodon::{self, oauth, MastodonPublisher};
use filrouge_networks::publish::{OutgoingMedia, OutgoingPost, PublishError, Publisher, Visibility};
use filrouge_networks::NetworkError;
use filrouge_testkit::mastodon::{Canned, CannedServer, MockServer, ADA_TOKEN, GRACE_TOKEN};
use jiff::Timestamp;
use serde_json::{json, Value};
use url::Url;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[allow(clippy::disallowed_methods)] // the test stands for the engine, which reads its Clock
fn now() -> Timestamp {
    Timestamp::now()
}

fn post(key: &str, text: &str) -> OutgoingPost {
    OutgoingPost {
        idempotency_key: key.to_owned(),
        text: text.to_owned(),
        media: Vec::new(),
        content_warning: None,
        visibility: Visibility::Public,
        language: Some("fr".into()),
        reply_to: None,
        card: None,
        created_at: now(),
    }
}

struct Peer {
    server: MockServer,
    http: reqwest::Client,
}

impl Peer {
    async fn start() -> Option<Peer> {
        let server = MockServer::start().await?;
        Some(Peer { server, http: reqwest::Client::new() })
    }

    fn base(&self) -> Url {
        self.server.base_url().parse().unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path.trim_start_matches('/'))
    }

    fn publisher(&self, token: &str) -> MastodonPublisher {
        MastodonPublisher::new(self.http.clone(), self.base(), token.to_owned())
    }

    async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let resp = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn post_as(&self, token: &str, path: &str) -> Value {
        let resp = self.http.post(self.url(path)).bearer_auth(token).send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// Ada's statuses as the server lists them (raw JSON).
    async fn ada_statuses(&self) -> Vec<Value> {
        let (_, me) = self.get(ADA_TOKEN, "/api/v1/accounts/verify_credentials").await;
        let id = me["id"].as_str().unwrap().to_owned();
        let (status, list) = self.get(ADA_TOKEN, &format!("/api/v1/accounts/{id}/statuses?limit=40")).await;
        assert_eq!(status, 200);
        list.as_array().unwrap().clone()
    }
}

#[tokio::test]
async fn a_post_with_an_image_and_its_alt_text_is_published_replied_to_measured_and_deleted() {
    let Some(peer) = Peer::start().await else { return };
    let ada = peer.publisher(ADA_TOKEN);
    let caps = ada.capabilities();
    assert!(caps.publish && caps.delete && caps.reply && caps.content_warning && caps.metrics && caps.followers);
    assert!(!caps.refresh_credentials);

    let mut first = post("delivery-1", "Vernissage ce soir au musée, entrée libre. #FilRouge");
    first.media.push(OutgoingMedia {
        bytes: PNG.to_vec(),
        mime: "image/png".into(),
        alt: "L'affiche du vernissage : un fil rouge sur fond blanc".into(),
        width: 1,
        height: 1,
    });
    first.content_warning = Some("Annonce".into());
    first.visibility = Visibility::Unlisted;
    let published = ada.publish(&first).await.unwrap();
    assert!(!published.remote_id.is_empty());
    assert!(published.url.starts_with("http") && published.url.ends_with(&published.remote_id), "{}", published.url);

    let listed = peer.ada_statuses().await;
    let status = listed.iter().find(|s| s["id"] == published.remote_id.as_str()).expect("on ada's account");
    assert_eq!(status["url"], published.url.as_str());
    assert_eq!(status["spoiler_text"], "Annonce");
    assert_eq!(status["sensitive"], true);
    assert_eq!(status["visibility"], "unlisted");
    assert_eq!(status["language"], "fr");
    let media = status["media_attachments"].as_array().unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0]["type"], "image");
    assert_eq!(media[0]["description"], "L'affiche du vernissage : un fil rouge sur fond blanc");

    let mut answer = post("delivery-2", "Et merci à toutes celles et ceux qui sont venus !");
    answer.reply_to = Some(published.remote_id.clone());
    let reply = ada.publish(&answer).await.unwrap();
    let (_, reply_status) = peer.get(ADA_TOKEN, &format!("/api/v1/statuses/{}", reply.remote_id)).await;
    assert_eq!(reply_status["in_reply_to_id"], published.remote_id.as_str());

    peer.post_as(GRACE_TOKEN, &format!("/api/v1/statuses/{}/favourite", published.remote_id)).await;
    peer.post_as(GRACE_TOKEN, &format!("/api/v1/statuses/{}/reblog", published.remote_id)).await;
    let metrics = ada.metrics(&published.remote_id).await.unwrap();
    assert_eq!((metrics.likes, metrics.reposts, metrics.replies, metrics.quotes), (1, 1, 1, None));

    let (_, me) = peer.get(ADA_TOKEN, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(ada.followers().await.unwrap(), me["followers_count"].as_u64().unwrap());
    assert!(me["followers_count"].as_u64().unwrap() > 0, "the demo community follows ada");

    ada.delete(&reply.remote_id).await.unwrap();
    ada.delete(&published.remote_id).await.unwrap();
    let (gone, _) = peer.get(ADA_TOKEN, &format!("/api/v1/statuses/{}", published.remote_id)).await;
    assert_eq!(gone, 404);
    ada.delete(&published.remote_id).await.expect("deleting what is already gone succeeds");
    assert!(matches!(ada.metrics(&published.remote_id).await, Err(PublishError::Permanent(_))));
}

#[tokio::test]
async fn the_same_idempotency_key_makes_one_status_and_another_key_a_second() {
    let Some(peer) = Peer::start().await else { return };
    let ada = peer.publisher(ADA_TOKEN);
    let text = "Atelier couture samedi, inscriptions ouvertes";
    let once = ada.publish(&post("key-A", text)).await.unwrap();
    let again = ada.publish(&post("key-A", text)).await.unwrap();
    assert_eq!(once, again);
    let count = |list: &[Value]| list.iter().filter(|s| s["content"].as_str().unwrap().contains("Atelier")).count();
    assert_eq!(count(&peer.ada_statuses().await), 1);

    let other = ada.publish(&post("key-B", text)).await.unwrap();
    assert_ne!(other.remote_id, once.remote_id);
    assert_eq!(count(&peer.ada_statuses().await), 2);
}

#[tokio::test]
async fn find_returns_the_status_an_attempt_made_and_nothing_before() {
    let Some(peer) = Peer::start().await else { return };
    let ada = peer.publisher(ADA_TOKEN);
    let mut wanted =
        post("key-find", "Fermeture exceptionnelle lundi\n\nMerci de votre compréhension @grace@elsewhere.example");
    wanted.content_warning = Some("Horaires".into());
    assert_eq!(ada.find(&wanted).await.unwrap(), None);
    // A status with the same text but another warning is not ours.
    let mut other = wanted.clone();
    other.idempotency_key = "key-other".into();
    other.content_warning = None;
    ada.publish(&other).await.unwrap();
    assert_eq!(ada.find(&wanted).await.unwrap(), None);

    let published = ada.publish(&wanted).await.unwrap();
    assert_eq!(ada.find(&wanted).await.unwrap(), Some(published));

    // A post created long after that status cannot be the one it made.
    let mut later = wanted.clone();
    later.created_at = wanted.created_at.checked_add(jiff::SignedDuration::from_mins(30)).unwrap();
    assert_eq!(ada.find(&later).await.unwrap(), None);
}

#[tokio::test]
async fn an_unknown_or_revoked_token_needs_reconnection() {
    let Some(peer) = Peer::start().await else { return };
    let stranger = peer.publisher("not-a-token");
    let err = stranger.publish(&post("k", "Bonjour")).await.unwrap_err();
    assert!(matches!(err, PublishError::NeedsReconnection(_)), "{err:?}");
    assert!(matches!(stranger.followers().await, Err(PublishError::NeedsReconnection(_))));
    assert!(matches!(stranger.find(&post("k", "Bonjour")).await, Err(PublishError::NeedsReconnection(_))));
}

#[tokio::test]
async fn a_text_over_the_instance_limit_is_refused_for_good_with_the_servers_message() {
    let Some(peer) = Peer::start().await else { return };
    let limits = mastodon::instance_limits(&peer.http, &peer.base()).await.unwrap();
    let long = "a".repeat(limits.max_characters as usize + 1);
    let err = peer.publisher(ADA_TOKEN).publish(&post("k-long", &long)).await.unwrap_err();
    assert_eq!(
        err,
        PublishError::Permanent(format!(
            "Validation failed: Text is too long (maximum is {} characters)",
            limits.max_characters
        ))
    );
    assert!(peer.ada_statuses().await.iter().all(|s| !s["content"].as_str().unwrap().contains("aaaa")));
}

#[tokio::test]
async fn the_servers_rate_limit_is_reported_with_its_delay() {
    let Some(peer) = Peer::start().await else { return };
    let rule = json!({
        "match": { "methods": ["POST"], "path": "/api/v1/statuses" },
        "effect": { "type": "ratelimit", "headers": { "Retry-After": "120" } },
        "count": 1,
    });
    let resp = peer.http.post(peer.url("/api/v1/_mock/faults")).json(&rule).send().await.unwrap();
    assert!(resp.status().is_success());
    let ada = peer.publisher(ADA_TOKEN);
    let err = ada.publish(&post("k-rl", "Bientôt")).await.unwrap_err();
    assert_eq!(err, PublishError::RateLimited { retry_after: Some(Duration::from_secs(120)) });
    ada.publish(&post("k-rl", "Bientôt")).await.expect("the rule fired once");
}

#[tokio::test]
async fn the_instance_reports_its_limits() {
    let Some(peer) = Peer::start().await else { return };
    let limits = mastodon::instance_limits(&peer.http, &peer.base()).await.unwrap();
    let (_, raw) = peer.get(ADA_TOKEN, "/api/v2/instance").await;
    let statuses = &raw["configuration"]["statuses"];
    let media = &raw["configuration"]["media_attachments"];
    assert_eq!(u64::from(limits.max_characters), statuses["max_characters"].as_u64().unwrap());
    assert_eq!(
        u64::from(limits.characters_reserved_per_url),
        statuses["characters_reserved_per_url"].as_u64().unwrap()
    );
    assert_eq!(u64::from(limits.max_media_attachments), statuses["max_media_attachments"].as_u64().unwrap());
    assert_eq!(limits.image_size_limit, media["image_size_limit"].as_u64().unwrap());
    assert_eq!(limits.video_size_limit, media["video_size_limit"].as_u64().unwrap());
    assert!(limits.supported_mime_types.iter().any(|m| m == "image/png"), "{:?}", limits.supported_mime_types);
}

#[tokio::test]
async fn an_account_is_connected_through_oauth_and_its_token_works_until_revoked() {
    let Some(peer) = Peer::start().await else { return };
    let redirect = "http://127.0.0.1:9/connect/mastodon/callback";
    let scopes = ["read", "write"];
    let app = oauth::register_app(&peer.http, &peer.base(), "Fil Rouge", redirect, &scopes).await.unwrap();
    assert!(!app.client_id.is_empty() && !app.client_secret.is_empty());
    assert!(!format!("{app:?}").contains(&app.client_secret));

    let authorize = oauth::authorize_url(&peer.base(), &app, redirect, &scopes, "state-42");
    // The user's browser: the instance's page, then its form (mastodon-mock asks which account to use).
    let page = peer.http.get(authorize.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form"));
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    let form = [
        ("username", "ada"),
        ("redirect_uri", query["redirect_uri"].as_str()),
        ("client_id", query["client_id"].as_str()),
        ("scope", query["scope"].as_str()),
        ("state", query["state"].as_str()),
    ];
    let answer = browser.post(peer.url("/oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    let back: Url = answer.headers()["location"].to_str().unwrap().parse().unwrap();
    assert!(back.as_str().starts_with(redirect), "{back}");
    let back: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(back["state"], "state-42");

    let token = oauth::exchange_code(&peer.http, &peer.base(), &app, &back["code"], redirect).await.unwrap();
    assert!(!format!("{token:?}").contains(token.secret()));
    let account = oauth::verify(&peer.http, &peer.base(), token.secret()).await.unwrap();
    assert_eq!(account.acct, "ada");
    assert_eq!(account.display_name, "Ada Lovelace");
    let (_, me) = peer.get(ADA_TOKEN, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(account.id, me["id"].as_str().unwrap());
    assert_eq!(account.followers_count, me["followers_count"].as_u64().unwrap());

    let publisher = peer.publisher(token.secret());
    publisher.publish(&post("k-oauth", "Connecté par OAuth")).await.unwrap();

    let revoke = [("token", token.secret()), ("client_id", &app.client_id), ("client_secret", &app.client_secret)];
    assert!(peer.http.post(peer.url("/oauth/revoke")).form(&revoke).send().await.unwrap().status().is_success());
    let err = publisher.publish(&post("k-oauth-2", "Encore ?")).await.unwrap_err();
    assert!(matches!(err, PublishError::NeedsReconnection(_)), "{err:?}");
    assert!(matches!(oauth::verify(&peer.http, &peer.base(), token.secret()).await, Err(NetworkError::Auth { .. })));

    let refused = oauth::exchange_code(&peer.http, &peer.base(), &app, "made-up", redirect).await.unwrap_err();
    assert!(matches!(refused, NetworkError::Status { status: 400, .. }), "{refused:?}");
}

// ---- failures a real server does not give on demand: a canned local server ----

fn canned_publisher(server: &CannedServer, timeout: Duration) -> MastodonPublisher {
    let http = reqwest::Client::builder().timeout(timeout).build().unwrap();
    MastodonPublisher::new(http, server.base_url().parse().unwrap(), "tok".into())
}

#[tokio::test]
async fn a_429_a_500_and_a_silence_after_sending_are_rate_limited_transient_and_unknown() {
    let rate_limited = CannedServer::start(|_| {
        Canned::json(429, r#"{"error":"Too many requests"}"#)
            .with_header("x-ratelimit-reset", "2026-08-01T15:00:00.000Z")
            .with_header("date", "Sat, 01 Aug 2026 14:59:30 GMT")
    });
    let err = canned_publisher(&rate_limited, Duration::from_secs(5)).publish(&post("k", "x")).await.unwrap_err();
    assert_eq!(err, PublishError::RateLimited { retry_after: Some(Duration::from_secs(30)) });

    let broken = CannedServer::start(|_| Canned::json(500, r#"{"error":"An unexpected error occurred"}"#));
    let err = canned_publisher(&broken, Duration::from_secs(5)).publish(&post("k", "x")).await.unwrap_err();
    assert_eq!(err, PublishError::Transient("HTTP 500: An unexpected error occurred".into()));

    let silent = CannedServer::start(|_| {
        std::thread::sleep(Duration::from_secs(2));
        Canned::json(200, "{}")
    });
    let publisher = canned_publisher(&silent, Duration::from_millis(300));
    let err = publisher.publish(&post("k", "x")).await.unwrap_err();
    assert!(matches!(err, PublishError::Unknown(_)), "{err:?}");
    assert_eq!(silent.requests()[0].header("idempotency-key"), Some("k"));
    // Reading is safe to repeat: the same silence there is only transient.
    let err = publisher.metrics("1").await.unwrap_err();
    assert!(matches!(err, PublishError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn a_closed_port_is_transient_as_nothing_was_sent() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let publisher = MastodonPublisher::new(
        reqwest::Client::new(),
        format!("http://127.0.0.1:{port}/").parse().unwrap(),
        "t".into(),
    );
    let err = publisher.publish(&post("k", "x")).await.unwrap_err();
    assert!(matches!(err, PublishError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn an_upload_still_processing_after_the_allowed_wait_is_transient_and_no_status_is_posted() {
    let polls = Arc::new(AtomicUsize::new(0));
    let seen = polls.clone();
    let server = CannedServer::start(move |req| match (req.method.as_str(), req.path()) {
        ("POST", "/api/v2/media") => Canned::json(202, r#"{"id":"7","type":"video","url":null,"description":"d"}"#),
        ("GET", "/api/v1/media/7") => {
            seen.fetch_add(1, Ordering::SeqCst);
            Canned::json(206, r#"{"id":"7","type":"video","url":null,"description":"d"}"#)
        }
        _ => Canned::json(500, r#"{"error":"unexpected"}"#),
    });
    let publisher = canned_publisher(&server, Duration::from_secs(5)).with_media_wait(Duration::from_millis(900));
    let mut with_video = post("k", "Vidéo");
    with_video.media.push(OutgoingMedia {
        bytes: vec![0; 64],
        mime: "video/mp4".into(),
        alt: "d".into(),
        width: 2,
        height: 2,
    });
    let err = publisher.publish(&with_video).await.unwrap_err();
    assert!(matches!(&err, PublishError::Transient(m) if m.contains("still being processed")), "{err:?}");
    assert!(polls.load(Ordering::SeqCst) >= 2);
    assert!(server.requests().iter().all(|r| r.path() != "/api/v1/statuses"));
}
