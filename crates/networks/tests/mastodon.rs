//! The Mastodon client end to end against a real Mastodon-API server (mastodon-mock, in a venv installed by
//! scripts/peers/mastodon.sh) and, for answers no server gives on demand, a tiny canned local server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use filrouge_networks::mastodon::{Mastodon, MAX_BODY_BYTES};
use filrouge_networks::{NetworkError, SocialNetwork};
use filrouge_testkit::mastodon::{Canned, CannedBody, CannedServer, MockServer, ADA_TOKEN, GRACE_TOKEN};
use futures_util::StreamExt;
use serde_json::{json, Value};

struct Peer {
    server: MockServer,
    http: reqwest::Client,
}

impl Peer {
    async fn start() -> Option<Peer> {
        let server = MockServer::start().await?;
        Some(Peer { server, http: reqwest::Client::new() })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path.trim_start_matches('/'))
    }

    fn client(&self, token: Option<&str>) -> Mastodon {
        Mastodon::new(self.http.clone(), self.server.base_url().parse().unwrap(), token.map(str::to_owned))
    }

    /// The instance host as our handles carry it.
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.server.port())
    }

    /// Posts a public status as a demo user; returns the status as the server gave it back.
    async fn post(&self, token: &str, text: &str) -> Value {
        let resp = self
            .http
            .post(self.url("/api/v1/statuses"))
            .bearer_auth(token)
            .json(&json!({ "status": text, "visibility": "public", "language": "en" }))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "posting failed: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// Registers a mastodon-mock fault rule (`/api/v1/_mock/faults`), fired once.
    async fn fault(&self, path: &str, effect: Value) {
        let rule = json!({ "match": { "methods": ["GET"], "path": path }, "effect": effect, "count": 1 });
        let resp = self.http.post(self.url("/api/v1/_mock/faults")).json(&rule).send().await.unwrap();
        assert!(resp.status().is_success(), "fault rule refused: {}", resp.text().await.unwrap());
    }
}

fn texts(page: &filrouge_networks::Page) -> Vec<&str> {
    page.posts.iter().map(|p| p.text.as_str()).collect()
}

#[tokio::test]
async fn a_hashtag_finds_public_posts_with_their_author_text_and_address() {
    let Some(peer) = Peer::start().await else { return };
    let first = peer.post(ADA_TOKEN, "Notes on the engine #FilRouge").await;
    let second = peer.post(GRACE_TOKEN, "Compilers, again. #filrouge").await;
    peer.post(GRACE_TOKEN, "Nothing to see #otherthing").await;

    let page = peer.client(None).hashtag("#filrouge", None, 20).await.unwrap();

    assert_eq!(texts(&page), ["Compilers, again. #filrouge", "Notes on the engine #FilRouge"], "newest first");
    let ada = &page.posts[1];
    assert_eq!(ada.network, SocialNetwork::Mastodon);
    assert_eq!(ada.author_handle, format!("ada@{}", peer.host()));
    assert_eq!(ada.author_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(Some(ada.author_followers.unwrap() as i64), first["account"]["followers_count"].as_i64());
    assert_eq!(ada.remote_id, first["uri"].as_str().unwrap());
    assert_eq!(ada.url, first["url"].as_str().unwrap());
    assert_eq!(ada.language.as_deref(), Some("en"));
    assert_eq!(ada.published, first["created_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap());
    assert_eq!((ada.likes, ada.reposts, ada.replies), (Some(0), Some(0), Some(0)));
    assert_eq!(page.posts[0].author_handle, format!("grace@{}", peer.host()));
    assert_eq!(page.cursor.as_deref(), second["id"].as_str());
}

#[tokio::test]
async fn a_second_call_with_the_cursor_returns_the_posts_right_after_it_and_nothing_twice() {
    let Some(peer) = Peer::start().await else { return };
    let client = peer.client(None);
    for n in 1..=2 {
        peer.post(ADA_TOKEN, &format!("old {n} #cursor")).await;
    }
    let first = client.hashtag("cursor", None, 40).await.unwrap();
    assert_eq!(texts(&first), ["old 2 #cursor", "old 1 #cursor"]);
    for n in 1..=3 {
        peer.post(GRACE_TOKEN, &format!("new {n} #cursor")).await;
    }

    // Three new posts, two asked for: the two right after the cursor (min_id), not the newest two.
    let second = client.hashtag("cursor", first.cursor.as_deref(), 2).await.unwrap();
    assert_eq!(texts(&second), ["new 2 #cursor", "new 1 #cursor"]);
    let third = client.hashtag("cursor", second.cursor.as_deref(), 2).await.unwrap();
    assert_eq!(texts(&third), ["new 3 #cursor"]);
    let fourth = client.hashtag("cursor", third.cursor.as_deref(), 2).await.unwrap();
    assert!(fourth.posts.is_empty());
    assert_eq!(fourth.cursor, third.cursor, "an empty page keeps the cursor");
}

#[tokio::test]
async fn search_finds_posts_by_a_word_and_honours_the_cursor() {
    let Some(peer) = Peer::start().await else { return };
    let client = peer.client(Some(GRACE_TOKEN));
    peer.post(ADA_TOKEN, "The difference engine needs a quokka").await;
    peer.post(ADA_TOKEN, "Unrelated words entirely").await;

    let page = client.search("quokka", None, 20).await.unwrap();
    assert_eq!(texts(&page), ["The difference engine needs a quokka"]);
    assert_eq!(page.posts[0].author_handle, format!("ada@{}", peer.host()));

    // mastodon-mock ignores min_id on search: the client drops what is not after the cursor.
    let again = client.search("quokka", page.cursor.as_deref(), 20).await.unwrap();
    assert!(again.posts.is_empty(), "{:?}", texts(&again));
    peer.post(ADA_TOKEN, "A second quokka").await;
    let newer = client.search("quokka", page.cursor.as_deref(), 20).await.unwrap();
    assert_eq!(texts(&newer), ["A second quokka"]);
}

#[tokio::test]
async fn the_hashtag_stream_yields_a_post_made_after_subscribing() {
    let Some(peer) = Peer::start().await else { return };
    peer.post(ADA_TOKEN, "Before subscribing #live").await;
    let stream = peer.client(Some(GRACE_TOKEN)).stream_hashtag("live").await.unwrap();
    // The stream is Send + 'static: a worker task can own it.
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let reader = tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            if tx.send(item).await.is_err() {
                break;
            }
        }
    });
    // Subscribed once the server answered; post elsewhere on the way, then the one we wait for.
    peer.post(ADA_TOKEN, "Not this one #elsewhere").await;
    let posted = peer.post(ADA_TOKEN, "Live from the engine #Live").await;

    let got =
        tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("no post in 10 s").unwrap().unwrap();
    assert_eq!(got.text, "Live from the engine #Live");
    assert_eq!(got.remote_id, posted["uri"].as_str().unwrap());
    assert_eq!(got.author_handle, format!("ada@{}", peer.host()));
    reader.abort();
}

#[tokio::test]
async fn markup_typed_in_a_post_stays_text() {
    let Some(peer) = Peer::start().await else { return };
    peer.post(ADA_TOKEN, "Look <script>alert(1)</script> <img src=x onerror=alert(2)> #typed").await;

    let page = peer.client(None).hashtag("typed", None, 20).await.unwrap();

    let post = &page.posts[0];
    assert_eq!(post.text, "Look <script>alert(1)</script> <img src=x onerror=alert(2)> #typed");
    let html = post.html.as_deref().unwrap();
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}

#[tokio::test]
async fn hostile_html_from_a_server_comes_back_sanitised() {
    let Some(peer) = Peer::start().await else { return };
    // mastodon-mock escapes what is posted (as Mastodon does for local posts); federated posts arrive as
    // HTML written elsewhere. A real status of the mock, with hostile content, served by its fault rules.
    let mut status = peer.post(ADA_TOKEN, "placeholder #hostile").await;
    status["content"] = json!(
        "<p>Hello <script>alert(1)</script><img src=x onerror=\"alert(2)\"> \
         <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">click</a> \
         <a href=\"/tags/ok\">#ok</a><style>p{}</style><iframe src=\"https://evil.example\"></iframe></p>"
    );
    status["spoiler_text"] = json!("Careful <b>now</b>");
    peer.fault("/api/v1/timelines/tag/hostile", json!({ "type": "status", "status": 200, "body": [status] })).await;

    let page = peer.client(None).hashtag("hostile", None, 20).await.unwrap();

    let post = &page.posts[0];
    let html = post.html.as_deref().unwrap();
    for bad in ["<script", "alert(1)", "onerror", "javascript:", "onclick", "<style", "<iframe"] {
        assert!(!html.contains(bad), "{bad} left in {html}");
    }
    assert!(html.contains(&format!("href=\"{}tags/ok\"", peer.server.base_url())), "relative link resolved: {html}");
    assert!(!post.text.contains("alert"), "{}", post.text);
    assert_eq!(post.text, "Careful <b>now</b>\n\nHello click #ok", "spoiler first, as the plain text it is");
}

#[tokio::test]
async fn rate_limiting_is_reported_with_the_delay_the_server_asks_for() {
    let Some(peer) = Peer::start().await else { return };
    peer.fault("/api/v1/timelines/tag/busy", json!({ "type": "ratelimit", "headers": { "Retry-After": "42" } })).await;

    let err = peer.client(None).hashtag("busy", None, 20).await.unwrap_err();

    assert!(matches!(err, NetworkError::RateLimited { retry_after_secs: Some(42), .. }), "{err:?}");
    // The rule fired once: the next call goes through.
    assert!(peer.client(None).hashtag("busy", None, 20).await.is_ok());
}

#[tokio::test]
async fn a_retry_date_and_mastodons_own_reset_header_become_delays() {
    let server = CannedServer::start(|req| {
        let answer =
            Canned::json(429, r#"{"error":"Too many requests"}"#).with_header("date", "Sat, 01 Aug 2026 14:58:00 GMT");
        if req.target.contains("tag/dated") {
            answer.with_header("retry-after", "Sat, 01 Aug 2026 15:00:00 GMT")
        } else {
            // What real Mastodon sends: no Retry-After, an ISO 8601 reset time.
            answer.with_header("x-ratelimit-reset", "2026-08-01T15:00:00.916474Z")
        }
    });
    let client = Mastodon::new(reqwest::Client::new(), server.base_url().parse().unwrap(), None);

    let dated = client.hashtag("dated", None, 20).await.unwrap_err();
    let reset = client.hashtag("reset", None, 20).await.unwrap_err();

    assert!(matches!(dated, NetworkError::RateLimited { retry_after_secs: Some(120), .. }), "{dated:?}");
    assert!(matches!(reset, NetworkError::RateLimited { retry_after_secs: Some(121), .. }), "{reset:?}");
}

#[tokio::test]
async fn refusals_and_failures_are_typed() {
    let Some(peer) = Peer::start().await else { return };
    let client = peer.client(None);
    peer.fault("/api/v1/timelines/tag/locked", json!({ "type": "status", "status": 401 })).await;
    peer.fault("/api/v1/timelines/tag/forbidden", json!({ "type": "status", "status": 403 })).await;
    peer.fault("/api/v1/timelines/tag/down", json!({ "type": "status", "status": 503 })).await;
    peer.fault("/api/v1/timelines/tag/garbled", json!({ "type": "malformed" })).await;

    assert!(matches!(client.hashtag("locked", None, 5).await, Err(NetworkError::Auth { .. })));
    assert!(matches!(client.hashtag("forbidden", None, 5).await, Err(NetworkError::Auth { .. })));
    match client.hashtag("down", None, 5).await {
        Err(NetworkError::Status { status: 503, message, .. }) => {
            assert_eq!(message, "Service temporarily unavailable")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(client.hashtag("garbled", None, 5).await, Err(NetworkError::Protocol { .. })));
    // (mastodon-mock ignores an invalid token on public endpoints, where Mastodon answers 401: hence the
    // fault rules above rather than a bad token.)
}

#[tokio::test]
async fn a_body_announced_too_large_is_refused_before_it_is_read() {
    let size = MAX_BODY_BYTES + 1;
    let server = CannedServer::start(move |_| Canned {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: CannedBody::Bytes(vec![b' '; size]),
    });
    let client = Mastodon::new(reqwest::Client::new(), server.base_url().parse().unwrap(), None);

    let err = client.hashtag("big", None, 20).await.unwrap_err();

    assert!(matches!(&err, NetworkError::Protocol { message, .. } if message.contains("larger than")), "{err:?}");
}

#[tokio::test]
async fn an_endless_body_is_cut_off_instead_of_buffered() {
    let total = 512 * 1024 * 1024;
    let server = CannedServer::start(move |_| Canned {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: CannedBody::Endless { chunk: b"[".repeat(64 * 1024), total },
    });
    let client = Mastodon::new(reqwest::Client::new(), server.base_url().parse().unwrap(), None);

    let err = client.hashtag("endless", None, 20).await.unwrap_err();

    assert!(matches!(&err, NetworkError::Protocol { message, .. } if message.contains("larger than")), "{err:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = server.body_bytes_written();
    assert!(written < 64 * 1024 * 1024, "the server got to write {written} bytes");
}

#[tokio::test]
async fn a_stream_that_is_not_event_stream_is_refused() {
    let server = CannedServer::start(|req| {
        if req.path() == "/api/v2/instance" {
            Canned::json(404, r#"{"error":"Not found"}"#)
        } else {
            Canned::json(200, "[]")
        }
    });
    let client = Mastodon::new(reqwest::Client::new(), server.base_url().parse().unwrap(), None);

    let err = client.stream_hashtag("x").await.err().expect("refused");

    assert!(matches!(err, NetworkError::Protocol { .. }), "{err:?}");
    let paths: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(paths, ["/api/v2/instance", "/api/v1/streaming/hashtag?tag=x"], "falls back to the instance itself");
}
