//! The publishing engine against the real Mastodon-API test server (PyPI mastodon-mock) with its fault injection
//! (`/api/v1/_mock/faults`): a 429 with Retry-After, a 500, a time-out after the server accepted the post, and a
//! revoked token each end in their documented state, and every post exists exactly once on the server.

use std::sync::Arc;
use std::time::Duration;

use filrouge_app::posts::PostInput;
use filrouge_app::publishers::NetworkPublishers;
use filrouge_app::publishing::PublishSettings;
use filrouge_app::App;
use filrouge_domain::account::{AccountProfile, AccountStatus, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::publishing::DeliveryState;
use filrouge_testkit::mastodon::{MockServer, ADA_TOKEN};
use jiff::SignedDuration;
use serde_json::{json, Value};

use crate::helpers::TestApp;

struct Peer {
    _mock: MockServer,
    base: String,
    http: reqwest::Client,
    t: TestApp,
    app: App,
    account: AccountId,
}

impl Peer {
    async fn start() -> Option<Peer> {
        let Some(mock) = MockServer::start().await else {
            filrouge_testkit::missing_component("mastodon-mock");
            return None;
        };
        let base = mock.base_url().trim_end_matches('/').to_owned();
        let t = TestApp::new().await;
        // The server dates its statuses with the real time; reading back looks near the post's time.
        t.clock.set(filrouge_domain::clock::Clock::now(&filrouge_domain::clock::SystemClock));
        t.client("da-marco", "Da Marco").await;
        let settings = PublishSettings {
            installation: "faults".into(),
            call_timeout: Duration::from_millis(1500),
            ..PublishSettings::default()
        };
        let app = t.app.clone().with_publishing(settings, Arc::new(NetworkPublishers::new(true).unwrap()));
        let profile =
            AccountProfile { network: Network::Mastodon, handle: "@ada@localhost".into(), display_name: "Ada".into() };
        let connection = Connection::Mastodon { instance: base.clone(), token: ADA_TOKEN.into() };
        let account = app.connect_account(&t.operator, "da-marco", profile, connection).await.unwrap();
        Some(Peer { _mock: mock, base, http: reqwest::Client::new(), t, app, account })
    }

    /// Adds a fault rule for the next `count` status creations.
    async fn fault_on_create(&self, effect: Value, count: u32) {
        let rule =
            json!({"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": effect, "count": count});
        let answer = self.http.post(format!("{}/api/v1/_mock/faults", self.base)).json(&rule).send().await.unwrap();
        assert!(answer.status().is_success(), "fault refused: {}", answer.text().await.unwrap());
    }

    async fn due_now(&self, text: &str) -> PostId {
        let content = PostContent {
            text: text.into(),
            targets: vec![Target { account_id: self.account, text: None, media: None }],
            ..PostContent::default()
        };
        // Scheduled a minute ahead (a past time is refused), then the clock moves to it.
        let when = self.app.now().saturating_add(SignedDuration::from_mins(1)).unwrap();
        let input = PostInput { content, planned_at: Some(when), campaign: None };
        let id = self.app.create_post(&self.t.operator, "da-marco", input).await.unwrap();
        self.app.schedule_post(&self.t.operator, "da-marco", id, 1).await.unwrap();
        self.t.clock.set(when);
        id
    }

    /// An API answer, as Ada.
    async fn get(&self, path: &str) -> Value {
        let answer = self.http.get(format!("{}{path}", self.base)).bearer_auth(ADA_TOKEN).send().await.unwrap();
        answer.json().await.unwrap()
    }

    /// How many of Ada's statuses on the server carry `text`.
    async fn on_server(&self, text: &str) -> usize {
        let me = self.get("/api/v1/accounts/verify_credentials").await;
        let id = me["id"].as_str().map(str::to_owned).unwrap_or_else(|| me["id"].to_string());
        let statuses = self.get(&format!("/api/v1/accounts/{id}/statuses?limit=40")).await;
        let statuses = statuses.as_array().cloned().unwrap_or_default();
        statuses.iter().filter(|s| s["content"].as_str().unwrap_or("").contains(text)).count()
    }

    async fn delivery(&self, post: PostId) -> filrouge_store::Delivery {
        self.app.post_deliveries(&self.t.operator, "da-marco", post).await.unwrap().remove(0)
    }

    async fn post_state(&self, post: PostId) -> PostState {
        self.app.post(&self.t.operator, "da-marco", post).await.unwrap().post.state
    }
}

#[tokio::test]
async fn a_429_waits_for_retry_after_and_a_500_is_retried_each_post_exactly_once() {
    let Some(p) = Peer::start().await else { return };

    // 429 with Retry-After: the delivery and the account's pace wait for it.
    p.fault_on_create(json!({"type": "ratelimit", "headers": {"Retry-After": "120"}}), 1).await;
    let limited = p.due_now("Limité une fois").await;
    let report = p.app.publish_due().await.unwrap();
    assert_eq!((report.claimed, report.retried, report.published), (1, 1, 0), "{report:?}");
    let d = p.delivery(limited).await;
    assert_eq!(d.state, DeliveryState::Pending);
    assert!(d.next_attempt >= p.app.now().saturating_add(SignedDuration::from_secs(119)).unwrap(), "{d:?}");
    assert!(!d.read_back, "a refused call reached nothing");
    assert_eq!(p.on_server("Limité une fois").await, 0);
    p.t.advance(SignedDuration::from_secs(60));
    assert_eq!(p.app.publish_due().await.unwrap().claimed, 0, "not before Retry-After");
    p.t.advance(SignedDuration::from_secs(61));
    assert_eq!(p.app.publish_due().await.unwrap().published, 1);
    assert_eq!(p.post_state(limited).await, PostState::Published);
    assert_eq!(p.on_server("Limité une fois").await, 1);

    // 500: transient, tried again later with the same key.
    p.fault_on_create(json!({"type": "status", "status": 500}), 1).await;
    let failing = p.due_now("Erreur serveur une fois").await;
    p.t.advance(SignedDuration::from_secs(10));
    let report = p.app.publish_due().await.unwrap();
    assert_eq!((report.retried, report.published), (1, 0), "{report:?}");
    let d = p.delivery(failing).await;
    assert_eq!(d.state, DeliveryState::Pending);
    assert!(d.last_error.as_deref().unwrap_or("").contains("500"), "{d:?}");
    p.t.advance(SignedDuration::from_secs(31));
    assert_eq!(p.app.publish_due().await.unwrap().published, 1);
    let d = p.delivery(failing).await;
    assert_eq!(d.state, DeliveryState::Published);
    assert!(d.url.as_deref().unwrap_or("").contains("/@ada/"), "{d:?}");
    assert_eq!(p.on_server("Erreur serveur une fois").await, 1);
}

/// Between the engine and the server: forwards every request, but holds the server's answer to the next status
/// creation for `hold` — the post is on the server, its answer never reaches the engine in time (a network cut after
/// acceptance, which mastodon-mock's own latency fault cannot give: it delays before posting).
async fn answer_late_proxy(target: String, hold: Duration) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let late = Arc::new(AtomicUsize::new(1));
    let pending = late.clone();
    let http = reqwest::Client::new();
    let forward = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (http, target, pending) = (http.clone(), target.clone(), pending.clone());
        async move {
            let url = format!("{target}{}", uri.path_and_query().map_or("/", |p| p.as_str()));
            let mut req = http.request(method.clone(), url).body(body);
            for name in ["authorization", "content-type", "idempotency-key", "accept"] {
                if let Some(v) = headers.get(name) {
                    req = req.header(name, v.clone());
                }
            }
            let answer = req.send().await.unwrap();
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let text = answer.text().await.unwrap();
            let creating = method == Method::POST && uri.path() == "/api/v1/statuses";
            if creating && pending.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                tokio::time::sleep(hold).await;
            }
            (status, [("content-type", "application/json")], text)
        }
    };
    let app = axum::Router::new().fallback(forward);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), late)
}

#[tokio::test]
async fn a_time_out_after_the_server_accepted_is_read_back_and_never_posted_twice() {
    let Some(p) = Peer::start().await else { return };
    // The engine talks to the server through a proxy that posts, then holds the answer past the engine's 1.5 s.
    let (proxy, late) = answer_late_proxy(p.base.clone(), Duration::from_secs(4)).await;
    let profile =
        AccountProfile { network: Network::Mastodon, handle: "@ada@localhost".into(), display_name: "Ada".into() };
    let connection = Connection::Mastodon { instance: proxy, token: ADA_TOKEN.into() };
    p.app.connect_account(&p.t.operator, "da-marco", profile, connection).await.unwrap();

    let slow = p.due_now("Réponse perdue").await;
    let report = p.app.publish_due().await.unwrap();
    assert_eq!((report.retried, report.published), (1, 0), "{report:?}");
    assert_eq!(late.load(std::sync::atomic::Ordering::SeqCst), 0, "the creation went through the proxy");
    let d = p.delivery(slow).await;
    assert!(d.read_back, "an unknown outcome is read back before any new attempt: {d:?}");
    assert_eq!(d.state, DeliveryState::Pending);
    assert!(d.last_error.as_deref().unwrap_or("").contains("no answer"), "{d:?}");
    assert_eq!(p.on_server("Réponse perdue").await, 1, "the server has the post");

    p.t.advance(SignedDuration::from_mins(5));
    let report = p.app.publish_due().await.unwrap();
    assert_eq!(report.published, 1, "{report:?}");
    let d = p.delivery(slow).await;
    assert_eq!(d.state, DeliveryState::Published);
    assert!(d.remote_id.is_some() && d.url.is_some());
    assert_eq!(p.post_state(slow).await, PostState::Published);
    assert_eq!(p.on_server("Réponse perdue").await, 1, "read back, not posted again");

    // The same with the read-back also failing first: mastodon-mock refuses the account lookup once (500).
    let again = p.due_now("Réponse perdue, puis lecture refusée").await;
    late.store(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(p.app.publish_due().await.unwrap().retried, 1);
    let rule = json!({"match": {"methods": ["GET"], "path": "/api/v1/accounts/verify_credentials"},
        "effect": {"type": "status", "status": 500}, "count": 1});
    p.http.post(format!("{}/api/v1/_mock/faults", p.base)).json(&rule).send().await.unwrap();
    p.t.advance(SignedDuration::from_mins(5));
    let report = p.app.publish_due().await.unwrap();
    assert_eq!((report.retried, report.published), (1, 0), "no new attempt without a read back: {report:?}");
    assert!(p.delivery(again).await.read_back, "still to be read back");
    p.t.advance(SignedDuration::from_mins(5));
    assert_eq!(p.app.publish_due().await.unwrap().published, 1);
    assert_eq!(p.on_server("Réponse perdue, puis lecture refusée").await, 1);
}

#[tokio::test]
async fn a_revoked_token_holds_the_account_until_it_is_reconnected_then_posts_once() {
    let Some(p) = Peer::start().await else { return };
    p.fault_on_create(json!({"type": "status", "status": 401, "body": {"error": "The access token was revoked"}}), 1)
        .await;
    let first = p.due_now("Jeton révoqué").await;
    let second = p.due_now("Et la suivante").await;
    let report = p.app.publish_due().await.unwrap();
    assert_eq!(report.held, 1, "{report:?}");
    let accounts = p.app.accounts(&p.t.operator, "da-marco").await.unwrap();
    assert_eq!(accounts[0].account.status, AccountStatus::NeedsReconnect);
    for post in [first, second] {
        assert_eq!(p.delivery(post).await.state, DeliveryState::Held, "held, never dropped");
    }
    p.t.advance(SignedDuration::from_mins(10));
    assert_eq!(p.app.publish_due().await.unwrap().claimed, 0, "nothing leaves a disconnected account");
    assert_eq!(p.on_server("Jeton révoqué").await, 0);

    // Reconnected: the held posts go, the first read back first (it may have reached the server).
    let profile =
        AccountProfile { network: Network::Mastodon, handle: "@ada@localhost".into(), display_name: "Ada".into() };
    let connection = Connection::Mastodon { instance: p.base.clone(), token: ADA_TOKEN.into() };
    p.app.connect_account(&p.t.operator, "da-marco", profile, connection).await.unwrap();
    let mut published = 0;
    for _ in 0..4 {
        published += p.app.publish_due().await.unwrap().published;
        p.t.advance(SignedDuration::from_secs(10));
    }
    assert_eq!(published, 2);
    assert_eq!(p.on_server("Jeton révoqué").await, 1);
    assert_eq!(p.on_server("Et la suivante").await, 1);
}
