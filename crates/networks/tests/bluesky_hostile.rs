//! Bluesky client against answers a real network rarely gives on demand: bad JSON, oversized bodies,
//! 429 with Retry-After, server errors, stale tokens, and writes that never answer (search and publishing). A few-line loopback HTTP server plays them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use std::time::Duration;

use filrouge_networks::bluesky::{Bluesky, BlueskyPublisher, MAX_BODY_BYTES};
use filrouge_networks::publish::{OutgoingPost, PublishError, Publisher, Visibility};
use filrouge_networks::NetworkError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

/// One request as the server saw it: path (without query) and Authorization header.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    path: String,
    auth: Option<String>,
}

/// A canned answer: status, extra header lines, body, and whether to send Content-Length.
struct Answer {
    status: u16,
    headers: Vec<String>,
    body: Vec<u8>,
    length: bool,
    /// How long to wait before answering.
    delay: Duration,
}

fn json(status: u16, body: &str) -> Answer {
    Answer {
        status,
        headers: vec!["content-type: application/json".into()],
        body: body.as_bytes().to_vec(),
        length: true,
        delay: Duration::ZERO,
    }
}

type Route = dyn Fn(&Seen, usize) -> Answer + Send + Sync;

/// Serves `route` on a loopback port (one request per connection); returns its URL and the log.
async fn serve(route: Box<Route>) -> (Url, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let route: Arc<Route> = Arc::from(route);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (log, route) = (seen.clone(), route.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let header = |name: &str| {
                    head.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                    })
                };
                let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                let mut body = vec![0u8; length];
                socket.read_exact(&mut body).await.unwrap();
                let target = head.split(' ').nth(1).unwrap_or("/");
                let request =
                    Seen { path: target.split('?').next().unwrap_or("").to_owned(), auth: header("authorization") };
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(request.clone());
                    log.iter().filter(|s| s.path == request.path).count()
                };
                let answer = route(&request, n);
                tokio::time::sleep(answer.delay).await;
                let mut out = format!("HTTP/1.1 {} X\r\nconnection: close\r\n", answer.status);
                for h in &answer.headers {
                    out.push_str(h);
                    out.push_str("\r\n");
                }
                if answer.length {
                    out.push_str(&format!("content-length: {}\r\n", answer.body.len()));
                }
                out.push_str("\r\n");
                let _ = socket.write_all(out.as_bytes()).await;
                let _ = socket.write_all(&answer.body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (url, log)
}

const SEARCH: &str = "/xrpc/app.bsky.feed.searchPosts";
const LOGIN: &str = "/xrpc/com.atproto.server.createSession";
const REFRESH: &str = "/xrpc/com.atproto.server.refreshSession";

fn session(n: usize) -> Answer {
    json(
        200,
        &format!(r#"{{"did":"did:plc:x","handle":"a.test","accessJwt":"access-{n}","refreshJwt":"refresh-{n}"}}"#),
    )
}

fn client(url: Url, with_account: bool) -> Bluesky {
    let account = with_account.then(|| ("a.test".to_owned(), "app-password".to_owned()));
    Bluesky::new(reqwest::Client::new(), url, account)
}

#[tokio::test]
async fn an_answer_that_is_not_json_is_a_protocol_error() {
    let (url, _) = serve(Box::new(|_, _| json(200, "<html>not json</html>"))).await;
    let result = client(url, false).search("x", None, 10).await;
    assert!(matches!(result, Err(NetworkError::Protocol { .. })), "{result:?}");
}

#[tokio::test]
async fn an_oversized_answer_is_refused_with_or_without_a_declared_length() {
    for length in [true, false] {
        let (url, _) = serve(Box::new(move |_, _| {
            let mut body = br#"{"posts":[],"padding":""#.to_vec();
            body.resize(MAX_BODY_BYTES + 10, b'a');
            body.extend_from_slice(b"\"}");
            Answer { status: 200, headers: vec![], body, length, delay: Duration::ZERO }
        }))
        .await;
        let result = client(url, false).search("x", None, 10).await;
        match result {
            Err(NetworkError::Protocol { message, .. }) => assert!(message.contains("larger"), "{message}"),
            other => panic!("length header {length}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_429_is_a_rate_limit_with_its_retry_after() {
    let (url, _) = serve(Box::new(|_, _| {
        let mut a = json(429, r#"{"error":"RateLimitExceeded","message":"slow down"}"#);
        a.headers.push("retry-after: 7".into());
        a
    }))
    .await;
    let result = client(url, false).search("x", None, 10).await;
    assert!(matches!(result, Err(NetworkError::RateLimited { retry_after_secs: Some(7), .. })), "{result:?}");
}

#[tokio::test]
async fn a_server_error_carries_the_xrpc_message() {
    let (url, _) = serve(Box::new(|_, _| json(502, r#"{"error":"UpstreamFailure","message":"appview down"}"#))).await;
    match client(url, false).search("x", None, 10).await {
        Err(NetworkError::Status { status: 502, message, .. }) => assert_eq!(message, "UpstreamFailure: appview down"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_search_retried_once() {
    let (url, log) = serve(Box::new(|seen, n| match seen.path.as_str() {
        LOGIN => session(n),
        REFRESH => json(200, r#"{"did":"did:plc:x","handle":"a.test","accessJwt":"access-fresh","refreshJwt":"r2"}"#),
        SEARCH if seen.auth.as_deref() == Some("Bearer access-fresh") => json(200, r#"{"posts":[]}"#),
        _ => json(400, r#"{"error":"ExpiredToken","message":"Token has expired"}"#),
    }))
    .await;
    let bluesky = client(url, true);
    let page = bluesky.search("x", None, 10).await.unwrap();
    assert!(page.posts.is_empty());
    // The fresh token is kept for the next search.
    bluesky.search("x", None, 10).await.unwrap();
    let seen: Vec<(String, Option<String>)> =
        log.lock().unwrap().iter().map(|s| (s.path.clone(), s.auth.clone())).collect();
    let bearer = |t: &str| Some(format!("Bearer {t}"));
    assert_eq!(
        seen,
        [
            (LOGIN.to_owned(), None),
            (SEARCH.to_owned(), bearer("access-1")),
            (REFRESH.to_owned(), bearer("refresh-1")),
            (SEARCH.to_owned(), bearer("access-fresh")),
            (SEARCH.to_owned(), bearer("access-fresh")),
        ]
    );
}

#[tokio::test]
async fn a_token_still_refused_after_a_new_login_is_an_auth_error() {
    let (url, log) = serve(Box::new(|seen, n| match seen.path.as_str() {
        LOGIN => session(n),
        REFRESH => json(400, r#"{"error":"ExpiredToken","message":"Token has been revoked"}"#),
        _ => json(401, r#"{"error":"AuthenticationRequired","message":"nope"}"#),
    }))
    .await;
    let result = client(url, true).search("x", None, 10).await;
    assert!(matches!(result, Err(NetworkError::Auth { .. })), "{result:?}");
    let paths: Vec<String> = log.lock().unwrap().iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths, [LOGIN, SEARCH, REFRESH, LOGIN, SEARCH]);
}

const CREATE: &str = "/xrpc/com.atproto.repo.createRecord";
const GET_RECORD: &str = "/xrpc/com.atproto.repo.getRecord";

fn publisher(url: Url, http: reqwest::Client) -> BlueskyPublisher {
    BlueskyPublisher::new(http, url, "a.test", "app-password")
}

fn outgoing() -> OutgoingPost {
    OutgoingPost {
        idempotency_key: "k".into(),
        text: "hello".into(),
        media: Vec::new(),
        content_warning: None,
        visibility: Visibility::Public,
        language: None,
        reply_to: None,
        card: None,
        created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
    }
}

fn not_found() -> Answer {
    json(400, r#"{"error":"RecordNotFound","message":"Could not locate record"}"#)
}

#[tokio::test]
async fn publishing_while_rate_limited_says_when_to_retry() {
    let (url, _) = serve(Box::new(|seen, n| match seen.path.as_str() {
        LOGIN => session(n),
        _ => {
            let mut a = json(429, r#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#);
            a.headers.push("date: Wed, 01 Jan 2025 00:00:00 GMT".into());
            a.headers.push("ratelimit-reset: 1735689630".into());
            a
        }
    }))
    .await;
    let result = publisher(url, reqwest::Client::new()).publish(&outgoing()).await;
    assert_eq!(result, Err(PublishError::RateLimited { retry_after: Some(Duration::from_secs(30)) }));
}

#[tokio::test]
async fn a_server_error_on_a_write_that_left_no_record_is_transient() {
    let (url, log) = serve(Box::new(|seen, n| match seen.path.as_str() {
        LOGIN => session(n),
        CREATE => json(502, r#"{"error":"UpstreamFailure","message":"down"}"#),
        GET_RECORD => not_found(),
        _ => json(500, "{}"),
    }))
    .await;
    let result = publisher(url, reqwest::Client::new()).publish(&outgoing()).await;
    assert!(matches!(result, Err(PublishError::Transient(_))), "{result:?}");
    let paths: Vec<String> = log.lock().unwrap().iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths, [LOGIN, CREATE, GET_RECORD], "the key is read back before giving up");
}

#[tokio::test]
async fn a_write_without_an_answer_is_an_unknown_outcome_and_an_unreachable_server_is_transient() {
    let (url, _) = serve(Box::new(|seen, n| match seen.path.as_str() {
        LOGIN => session(n),
        _ => Answer { delay: Duration::from_secs(5), ..json(200, "{}") },
    }))
    .await;
    let http = reqwest::Client::builder().timeout(Duration::from_millis(300)).build().unwrap();
    let result = publisher(url, http).publish(&outgoing()).await;
    assert!(matches!(result, Err(PublishError::Unknown(_))), "{result:?}");

    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", closed.local_addr().unwrap())).unwrap();
    drop(closed);
    let result = publisher(url, reqwest::Client::new()).publish(&outgoing()).await;
    assert!(matches!(result, Err(PublishError::Transient(_))), "{result:?}");
}

#[tokio::test]
async fn a_revoked_session_and_a_second_factor_ask_for_a_reconnection() {
    let (url, _) = serve(Box::new(|seen, n| match seen.path.as_str() {
        LOGIN if n == 1 => session(n),
        LOGIN => json(401, r#"{"error":"AuthFactorTokenRequired","message":"A sign in code has been sent"}"#),
        REFRESH => json(400, r#"{"error":"ExpiredToken","message":"Token has been revoked"}"#),
        _ => json(400, r#"{"error":"ExpiredToken","message":"Token has expired"}"#),
    }))
    .await;
    let result = publisher(url, reqwest::Client::new()).publish(&outgoing()).await;
    match result {
        Err(PublishError::NeedsReconnection(message)) => {
            assert!(message.contains("AuthFactorTokenRequired"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}
