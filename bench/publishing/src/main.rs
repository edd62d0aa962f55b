//! The publishing engine under a burst: 10,000 posts due in the same minute across 500 Mastodon accounts, sent to
//! a local Mastodon-like endpoint that lets each account post once per `INTERVAL` (faster gets HTTP 429 with
//! Retry-After) and records every accepted create, duplicates included (it does not honour Idempotency-Key, so a
//! repeated create would show). Printed per run: wall time, dispatch lateness (time accepted − the earliest time the
//! account's limit allowed that post), engine CPU per post, 429s, duplicates, missing.
//!
//! `cargo run --release -p filrouge-bench-publishing -- [sqlite|postgres|all] [POSTS] [ACCOUNTS]`
//! (`postgres` runs 4 worker processes on one PostgreSQL database; it needs the system's initdb/pg_ctl).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use filrouge_app::config::AuthSettings;
use filrouge_app::publishing::PublishSettings;
use filrouge_app::secrets::SecretBox;
use filrouge_app::App;
use filrouge_domain::account::{AccountProfile, AccountStatus, Network};
use filrouge_domain::client::{Brief, Charter, ClientProfile, Colour, TimeZoneName};
use filrouge_domain::clock::SystemClock;
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::Slug;
use filrouge_domain::locale::Lang;
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::publishing::idempotency_key;
use filrouge_store::{NewDelivery, NewPost, Store};
use jiff::{SignedDuration, Timestamp};

/// Each account may post once per this interval on average.
const INTERVAL: Duration = Duration::from_millis(100);
/// How many posts an account may save up.
const BURST: f64 = 2.0;

#[derive(Default)]
struct Endpoint {
    /// Per token: its bucket (tokens, when last refilled). One token per `INTERVAL`, at most `BURST` saved: the
    /// shape of real networks' limits, which tolerate the jitter of requests sent at exactly the allowed rate.
    bucket: HashMap<String, (f64, Instant)>,
    /// Every accepted create: (token, idempotency key, when).
    accepted: Vec<(String, String, Instant)>,
    refused: usize,
}

type Shared = Arc<Mutex<Endpoint>>;

fn token(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("Bearer ").to_owned())
        .unwrap_or_default()
}

async fn create(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let t = token(&headers);
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let now = Instant::now();
    let mut e = shared.lock().unwrap_or_else(|p| p.into_inner());
    // An account that has not posted yet has its whole allowance, as on the networks.
    let (tokens, since) = e.bucket.get(&t).copied().unwrap_or((BURST, now));
    let tokens = (tokens + now.duration_since(since).as_secs_f64() / INTERVAL.as_secs_f64()).min(BURST);
    if tokens < 1.0 {
        e.refused += 1;
        e.bucket.insert(t, (tokens, now));
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "{\"error\":\"Too many requests\"}")
            .into_response();
    }
    e.bucket.insert(t.clone(), (tokens - 1.0, now));
    e.accepted.push((t, key, now));
    let n = e.accepted.len();
    Json(serde_json::json!({"id": n.to_string(), "url": format!("https://bench.test/@a/{n}"), "uri": format!("https://bench.test/s/{n}"),
        "content": "", "created_at": "2026-01-01T00:00:00.000Z", "visibility": "public", "media_attachments": [],
        "account": {"id": "1", "acct": "a", "username": "a", "url": "https://bench.test/@a", "followers_count": 0}}))
    .into_response()
}

async fn verify() -> Json<serde_json::Value> {
    Json(serde_json::json!({"id": "1", "username": "a", "acct": "a", "display_name": "", "followers_count": 0,
        "url": "https://bench.test/@a"}))
}

async fn start_endpoint() -> anyhow::Result<(SocketAddr, Shared)> {
    let shared: Shared = Arc::default();
    let app = Router::new()
        .route("/api/v1/statuses", post(create))
        .route("/api/v1/accounts/verify_credentials", get(verify))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((addr, shared))
}

/// Calls in flight across all worker processes (each process gets its share).
const IN_FLIGHT: usize = 512;

fn settings(worker: &str, concurrency: usize) -> PublishSettings {
    let mut s = PublishSettings { worker: worker.into(), batch: 512, concurrency, ..PublishSettings::default() };
    s.pace.insert(Network::Mastodon, SignedDuration::try_from(INTERVAL).unwrap_or(SignedDuration::from_millis(100)));
    s
}

async fn open_app(url: &str, key: &str, worker: &str, concurrency: usize) -> anyhow::Result<App> {
    let store = Store::open(url).await?;
    let secrets = SecretBox::from_base64(key).map_err(|e| anyhow::anyhow!("{e}"))?;
    let publishers = Arc::new(filrouge_app::publishers::NetworkPublishers::new(true)?);
    Ok(App::new(store, Arc::new(SystemClock), secrets, AuthSettings::default())
        .with_publishing(settings(worker, concurrency), publishers))
}

/// 500 accounts of 10 clients, 20 posts each, all due at `due`, straight into the store (one transaction).
async fn seed(app: &App, endpoint: SocketAddr, posts: usize, accounts: usize, due: Timestamp) -> anyhow::Result<()> {
    let op = filrouge_app::Actor::operator();
    let now = app.now();
    let mut ids = Vec::new();
    for c in 0..10 {
        let slug = format!("client-{c}");
        let profile = ClientProfile {
            slug: Slug::parse(&slug)?,
            name: format!("Client {c}"),
            colour: Colour::parse("#c0392b")?,
            time_zone: TimeZoneName::parse("Europe/Paris")?,
            languages: vec![Lang::Fr],
            brief: Brief::default(),
            charter: Charter::default(),
        };
        app.create_client(&op, profile).await?;
        for a in 0..accounts / 10 {
            let handle = format!("@acc{c}x{a}@bench.test");
            let connection =
                Connection::Mastodon { instance: format!("http://{endpoint}"), token: format!("t{c}x{a}") };
            let p = AccountProfile { network: Network::Mastodon, handle, display_name: String::new() };
            let id = app.add_account(&op, &slug, p, Some(connection.to_secret())).await?;
            ids.push((app.client(&op, &slug, filrouge_domain::permission::Action::ViewClient).await?.id, id));
        }
    }
    let mut tx = app.store().write().await?;
    let mut deliveries = Vec::new();
    for i in 0..posts {
        let (client, account) = ids[i % ids.len()];
        let content = PostContent {
            text: format!("Post {i}"),
            targets: vec![Target { account_id: account, text: None, media: None }],
            ..PostContent::default()
        };
        let new = NewPost {
            client,
            state: PostState::Scheduled,
            planned_at: Some(due),
            campaign: None,
            content: &content,
            created_by: None,
        };
        let post = tx.insert_post(&new, now).await?;
        deliveries.push(NewDelivery {
            post_id: post,
            account_id: account,
            client_id: client,
            due,
            idempotency_key: idempotency_key(post, account, "filrouge"),
        });
    }
    tx.queue_deliveries(&deliveries, now).await?;
    tx.commit().await?;
    let _ = AccountStatus::Connected;
    Ok(())
}

fn cpu_seconds(pid: u32) -> f64 {
    // utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat), at 100 ticks per second.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

struct Outcome {
    label: String,
    wall: Duration,
    cpu: f64,
    posts: usize,
    lateness: Vec<Duration>,
    /// Lateness after each account's first post: `at − (that account's first post + k × INTERVAL)`, i.e. whether
    /// the engine keeps up with each account's limit once the first burst of 500 accounts has gone out.
    steady: Vec<Duration>,
    /// When the last account's first post was accepted, from the first accepted post (the burst's spread).
    first_burst: Duration,
    refused: usize,
    duplicates: usize,
    missing: usize,
}

fn analyse(label: &str, shared: &Shared, start: Instant, wall: Duration, cpu: f64, posts: usize) -> Outcome {
    let e = shared.lock().unwrap_or_else(|p| p.into_inner());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (_, key, _) in &e.accepted {
        *seen.entry(key.as_str()).or_default() += 1;
    }
    let duplicates = seen.values().map(|n| n - 1).sum();
    let missing = posts.saturating_sub(seen.len());
    // The k-th post of an account may go at start + k × INTERVAL at the earliest, `start` being the first post the
    // endpoint accepted (the workers' own start-up is not publishing).
    let mut per_token: HashMap<&str, usize> = HashMap::new();
    let mut accepted: Vec<&(String, String, Instant)> = e.accepted.iter().collect();
    accepted.sort_by_key(|a| a.2);
    let start = accepted.first().map_or(start, |a| a.2);
    let mut lateness = Vec::new();
    let mut steady = Vec::new();
    let mut firsts: HashMap<&str, Instant> = HashMap::new();
    for (token, _, at) in accepted {
        let k = per_token.entry(token.as_str()).or_default();
        let earliest = start + INTERVAL * u32::try_from(*k).unwrap_or(u32::MAX);
        lateness.push(at.saturating_duration_since(earliest));
        let first = *firsts.entry(token.as_str()).or_insert(*at);
        if *k > 0 {
            steady.push(at.saturating_duration_since(first + INTERVAL * u32::try_from(*k).unwrap_or(u32::MAX)));
        }
        *k += 1;
    }
    lateness.sort();
    steady.sort();
    let first_burst = firsts.values().max().map_or(Duration::ZERO, |last| last.saturating_duration_since(start));
    Outcome {
        label: label.into(),
        wall,
        cpu,
        posts,
        lateness,
        steady,
        first_burst,
        refused: e.refused,
        duplicates,
        missing,
    }
}

async fn run_sqlite(posts: usize, accounts: usize) -> anyhow::Result<Outcome> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    run_workers("SQLite, 1 worker process", &url, 1, posts, accounts).await
}

async fn run_postgres(posts: usize, accounts: usize) -> anyhow::Result<Outcome> {
    let url = filrouge_testkit::postgres::fresh_database().await.ok_or_else(|| anyhow::anyhow!("no PostgreSQL"))?;
    run_workers("PostgreSQL, 4 worker processes", &url, 4, posts, accounts).await
}

/// Seeds the database, then lets `workers` processes of this binary publish; the endpoint runs here, so the CPU
/// counted is the engine's alone.
async fn run_workers(label: &str, url: &str, workers: usize, posts: usize, accounts: usize) -> anyhow::Result<Outcome> {
    let (addr, shared) = start_endpoint().await?;
    let key = SecretBox::generate_key();
    let app = open_app(url, &key, "seeder", IN_FLIGHT).await?;
    let due = app.now();
    seed(&app, addr, posts, accounts, due).await?;
    app.store().close().await;
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let mut children = Vec::new();
    for w in 0..workers {
        children.push(
            std::process::Command::new(&exe)
                .args(["worker", url, &key, &format!("w{w}"), &(IN_FLIGHT / workers).to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::inherit())
                .spawn()?,
        );
    }
    loop {
        let n = shared.lock().unwrap_or_else(|p| p.into_inner()).accepted.len();
        if n >= posts || start.elapsed() > Duration::from_secs(600) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let wall = start.elapsed();
    // Let anything in flight land, so a duplicate would show.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu: f64 = children.iter().map(|c| cpu_seconds(c.id())).sum();
    for mut child in children {
        let _ = child.kill();
        let _ = child.wait();
    }
    Ok(analyse(label, &shared, start, wall, cpu, posts))
}

/// A worker process: the engine's pipeline, as `filrouge serve` runs it, until killed.
async fn worker(url: &str, key: &str, name: &str, concurrency: usize) -> anyhow::Result<()> {
    let app = open_app(url, key, name, concurrency).await?;
    app.publish_continuously(std::future::pending()).await;
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("worker") {
        let concurrency = args.get(5).and_then(|v| v.parse().ok()).unwrap_or(IN_FLIGHT);
        return worker(&args[2], &args[3], &args[4], concurrency).await;
    }
    let which = args.get(1).cloned().unwrap_or_else(|| "all".into());
    let posts: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let accounts: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(500);
    let mut outcomes = Vec::new();
    if which == "all" || which == "sqlite" {
        outcomes.push(run_sqlite(posts, accounts).await?);
    }
    if which == "all" || which == "postgres" {
        outcomes.push(run_postgres(posts, accounts).await?);
    }
    let ideal = INTERVAL * u32::try_from(posts.div_ceil(accounts.max(1))).unwrap_or(1);
    println!(
        "{posts} posts due at once across {accounts} accounts; each account may post every {} ms, so the ideal",
        INTERVAL.as_millis()
    );
    println!("drain time is {} ms.", ideal.as_millis());
    println!();
    println!(
        "| run | wall | lateness p50 / p99 / max (ms) | after each account's first post p50 / p99 (ms) | \
         first posts of all accounts out in | engine CPU per post | 429s | duplicates | missing |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for o in outcomes {
        let at =
            |v: &[Duration], q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default();
        let p = |q: f64| at(&o.lateness, q);
        println!(
            "| {} | {} ms | {} / {} / {} | {} / {} | {} ms | {:.3} ms | {} | {} | {} |",
            o.label,
            o.wall.as_millis(),
            ms(p(0.5)),
            ms(p(0.99)),
            ms(p(1.0)),
            ms(at(&o.steady, 0.5)),
            ms(at(&o.steady, 0.99)),
            ms(o.first_burst),
            o.cpu * 1000.0 / o.posts.max(1) as f64,
            o.refused,
            o.duplicates,
            o.missing
        );
    }
    Ok(())
}
