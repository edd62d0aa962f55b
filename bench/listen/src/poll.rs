//! The poll benchmark: feeds on 100 loopback hosts, 90% unchanged (304), 10% with a new item.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use filrouge_app::config::{AuthSettings, ListenConfig};
use filrouge_app::search_index::SearchIndex;
use filrouge_app::secrets::SecretBox;
use filrouge_app::{Actor, App};
use filrouge_domain::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};

fn host(i: usize) -> String {
    format!("127.0.{}.{}", 1 + i / 200, 2 + i % 200)
}

fn feed(n: usize, round: u64) -> String {
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title><link>https://site{n}.test/</link>
<item><title>Item {n}-{round}</title><link>https://site{n}.test/{round}</link><guid>{n}-{round}</guid>
<pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate><description>Nouvelles du quartier, épisode {round}.</description></item>
</channel></rss>"#
    )
}

#[derive(Default)]
struct Counters {
    not_modified: AtomicU64,
    full: AtomicU64,
    round: AtomicU64,
}

async fn answer(State(c): State<Arc<Counters>>, Path(n): Path<usize>, headers: HeaderMap) -> Response {
    let round = c.round.load(Ordering::Relaxed);
    // In round 1, one feed in ten has a new item; the others are unchanged.
    let version = if round >= 1 && n % 10 == 0 { 1 } else { 0 };
    let etag = format!("\"{n}-{version}\"");
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        c.not_modified.fetch_add(1, Ordering::Relaxed);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    c.full.fetch_add(1, Ordering::Relaxed);
    ([(header::CONTENT_TYPE, "application/rss+xml".to_owned()), (header::ETAG, etag)], feed(n, version)).into_response()
}

pub async fn serve(_feeds: usize, hosts: usize, port: u16) -> anyhow::Result<()> {
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    let app = Router::new()
        .route("/feed/{n}", get(answer))
        .route(
            "/round/{r}",
            get(move |Path(r): Path<u64>| {
                let c = c.clone();
                async move {
                    c.round.store(r, Ordering::Relaxed);
                    format!("{} {}", c.not_modified.swap(0, Ordering::Relaxed), c.full.swap(0, Ordering::Relaxed))
                }
            }),
        )
        .with_state(counters);
    let mut tasks = Vec::new();
    for i in 0..hosts {
        let listener = tokio::net::TcpListener::bind((host(i).as_str(), port)).await?;
        let app = app.clone();
        tasks.push(tokio::spawn(async move { axum::serve(listener, app).await }));
    }
    eprintln!("serving on {} hosts, port {port}", hosts);
    for t in tasks {
        t.await??;
    }
    Ok(())
}

async fn control(port: u16, round: u64) -> anyhow::Result<(u64, u64)> {
    // A raw HTTP/1.0 request: the benchmark needs no HTTP client of its own.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect((host(0).as_str(), port)).await?;
    s.write_all(format!("GET /round/{round} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes()).await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    let body = out.rsplit("\r\n\r\n").next().unwrap_or("");
    let mut parts = body.split_whitespace().map(|v| v.parse::<u64>().unwrap_or(0));
    Ok((parts.next().unwrap_or(0), parts.next().unwrap_or(0)))
}

pub async fn poll(feeds: usize, hosts: usize, port: u16) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = filrouge_store::Store::open(&url).await?;
    let clock = Arc::new(ManualClock::new(Timestamp::from_second(1_780_000_000)?));
    let secrets = SecretBox::from_base64(&SecretBox::generate_key())?;
    let (index, _) = SearchIndex::open(&dir.path().join("index"))?;
    let listen = ListenConfig { allow_private_addresses: true, concurrency: 128, ..ListenConfig::default() };
    let app =
        App::new(store, clock.clone(), secrets, AuthSettings::default()).with_listening(&listen, Some(Arc::new(index)));
    let op = Actor::operator();
    app.create_client(&op, crate::ingest::profile_named("bench")?).await?;
    for n in 0..feeds {
        let url = format!("http://{}:{port}/feed/{n}", host(n % hosts));
        app.add_source(&op, "bench", "feed", &format!("Feed {n}"), &url, "").await?;
    }
    control(port, 0).await?;
    let t0 = Instant::now();
    let first = app.poll_due(feeds as u32).await?;
    let first_secs = t0.elapsed().as_secs_f64();
    let (nm0, full0) = control(port, 1).await?;

    clock.advance(SignedDuration::from_hours(7));
    let cpu0 = crate::cpu_seconds();
    let t1 = Instant::now();
    let second = app.poll_due(feeds as u32).await?;
    let wall = t1.elapsed().as_secs_f64();
    let cpu = crate::cpu_seconds() - cpu0;
    let (nm1, full1) = control(port, 2).await?;
    let requests = (nm1 + full1).max(1);

    // Extra unchanged cycles first, for profiling (BENCH_UNCHANGED_REPEAT=N).
    let repeat: usize = std::env::var("BENCH_UNCHANGED_REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    for _ in 0..repeat {
        clock.advance(SignedDuration::from_hours(7));
        app.poll_due(feeds as u32).await?;
        control(port, 2).await?;
    }
    // A cycle where nothing changed: the CPU cost of one 304, alone.
    clock.advance(SignedDuration::from_hours(7));
    let cpu2 = crate::cpu_seconds();
    let t2 = Instant::now();
    let third = app.poll_due(feeds as u32).await?;
    let wall2 = t2.elapsed().as_secs_f64();
    let cpu_304 = crate::cpu_seconds() - cpu2;
    let (nm2, full2) = control(port, 3).await?;

    println!("| cycle | sources | 304 | 200 | new mentions | wall (s) | CPU (s) | CPU per request (µs) | target |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    println!(
        "| first (all new) | {} | {nm0} | {full0} | {} | {first_secs:.2} | — | — | — |",
        first.sources, first.new_mentions
    );
    println!(
        "| measured (90% 304) | {} | {nm1} | {full1} | {} | {wall:.2} | {cpu:.2} | {:.0} | ≤ 30 s, ≤ 50 µs per 304 |",
        second.sources,
        second.new_mentions,
        cpu * 1e6 / requests as f64
    );
    println!(
        "| all unchanged (100% 304) | {} | {nm2} | {full2} | {} | {wall2:.2} | {cpu_304:.2} | {:.0} | ≤ 50 µs per 304 |",
        third.sources,
        third.new_mentions,
        cpu_304 * 1e6 / (nm2 + full2).max(1) as f64
    );
    println!("\npeak RSS of the poller: {:.0} MB", crate::peak_rss_mb());
    Ok(())
}
