//! The fetcher against hostile servers on loopback: endless redirects, oversized bodies (announced
//! or not), a server that answers byte by byte, conditional GET and the server's timing wishes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use filrouge_listen::fetch::{fetch, FetchError, Validators};
use filrouge_listen::guard::{self, HttpSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

/// A raw HTTP server: `answer(path, request)` gives the bytes to send, written in `chunk`-byte
/// pieces `pause` apart.
async fn server(
    answer: impl Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static,
    chunk: usize,
    pause: Duration,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = stream.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let bytes = answer(&path, &request);
                for piece in bytes.chunks(chunk.max(1)) {
                    if stream.write_all(piece).await.is_err() {
                        return;
                    }
                    if !pause.is_zero() {
                        tokio::time::sleep(pause).await;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn settings() -> HttpSettings {
    HttpSettings { allow_private: true, timeout: Duration::from_secs(5), ..HttpSettings::default() }
}

async fn get(
    url: &str,
    settings: &HttpSettings,
    validators: &Validators,
) -> Result<filrouge_listen::FetchOutcome, FetchError> {
    let client = guard::client(settings).unwrap();
    fetch(&client, settings, &Url::parse(url).unwrap(), validators).await
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    out.into_bytes()
}

#[tokio::test]
async fn an_endless_redirect_chain_is_stopped() {
    let base = server(
        |path, _| {
            let n: u32 = path.trim_start_matches("/r/").parse().unwrap_or(0);
            response("302 Found", &[("Location", &format!("/r/{}", n + 1))], "")
        },
        4096,
        Duration::ZERO,
    )
    .await;
    let result = get(&format!("{base}/r/0"), &settings(), &Validators::default()).await;
    assert!(matches!(result, Err(FetchError::TooManyRedirects(5))), "{result:?}");
}

#[tokio::test]
async fn internal_addresses_are_refused_as_literals_and_after_name_resolution() {
    // Every hop, the first included, goes through the same check (fetch loops over hops), so a
    // redirect to one of these is refused the same way.
    let base = server(|_, _| response("200 OK", &[], "<rss/>"), 4096, Duration::ZERO).await;
    let strict = HttpSettings { allow_private: false, ..settings() };
    let by_name = base.replace("127.0.0.1", "localhost");
    for url in [
        "http://169.254.169.254/latest/meta-data".to_owned(),
        format!("{base}/feed"),
        format!("{by_name}/feed"),
        "http://[::1]/".into(),
    ] {
        let result = get(&url, &strict, &Validators::default()).await;
        assert!(matches!(result, Err(FetchError::Guard(_))), "{url}: {result:?}");
    }
    assert!(get(&format!("{base}/feed"), &settings(), &Validators::default()).await.is_ok(), "allowed when configured");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_whether_announced_or_not() {
    let big = "x".repeat(20_000);
    let announced = big.clone();
    let base = server(
        move |path, _| {
            if path == "/announced" {
                response("200 OK", &[("Content-Type", "application/rss+xml")], &announced)
            } else {
                // No Content-Length: the limit must hold while reading.
                format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}", "y".repeat(20_000)).into_bytes()
            }
        },
        4096,
        Duration::ZERO,
    )
    .await;
    let small = HttpSettings { max_body_bytes: 10_000, ..settings() };
    for path in ["/announced", "/streamed"] {
        let result = get(&format!("{base}{path}"), &small, &Validators::default()).await;
        assert!(matches!(result, Err(FetchError::TooLarge(10_000))), "{path}: {result:?}");
    }
    let roomy = get(&format!("{base}/announced"), &settings(), &Validators::default()).await.unwrap();
    assert_eq!(roomy.fetched.unwrap().body.len(), big.len());
}

#[tokio::test]
async fn a_server_answering_byte_by_byte_is_stopped_by_the_time_limit() {
    let base = server(|_, _| response("200 OK", &[], &"z".repeat(2_000)), 1, Duration::from_millis(20)).await;
    let quick = HttpSettings { timeout: Duration::from_millis(500), ..settings() };
    let started = std::time::Instant::now();
    let result = get(&format!("{base}/slow"), &quick, &Validators::default()).await;
    assert!(matches!(result, Err(FetchError::Timeout(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "stopped near the limit, not at the end");
}

#[tokio::test]
async fn validators_make_a_conditional_get_and_timing_wishes_are_read() {
    let base = server(
        |_, request| {
            if request.contains("If-None-Match: \"abc\"") || request.contains("if-none-match: \"abc\"") {
                response("304 Not Modified", &[("Cache-Control", "public, max-age=3600")], "")
            } else {
                response(
                    "200 OK",
                    &[("ETag", "\"abc\""), ("Last-Modified", "Mon, 01 Jun 2026 10:00:00 GMT"), ("Retry-After", "120")],
                    "<rss/>",
                )
            }
        },
        4096,
        Duration::ZERO,
    )
    .await;
    let first = get(&format!("{base}/feed"), &settings(), &Validators::default()).await.unwrap();
    let page = first.fetched.unwrap();
    assert_eq!(page.validators.etag.as_deref(), Some("\"abc\""));
    assert_eq!(page.validators.last_modified.as_deref(), Some("Mon, 01 Jun 2026 10:00:00 GMT"));
    assert_eq!(first.retry_after, Some(Duration::from_secs(120)));
    let second = get(&format!("{base}/feed"), &settings(), &page.validators).await.unwrap();
    assert!(second.fetched.is_none(), "304");
    assert_eq!(second.max_age, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn throttling_answers_carry_their_retry_after() {
    let base =
        server(|_, _| response("429 Too Many Requests", &[("Retry-After", "600")], ""), 4096, Duration::ZERO).await;
    let result = get(&format!("{base}/feed"), &settings(), &Validators::default()).await;
    match result {
        Err(e @ FetchError::Throttled { status: 429, .. }) => {
            assert_eq!(e.retry_after(), Some(Duration::from_secs(600)))
        }
        other => panic!("{other:?}"),
    }
}
