//! Benchmarks of the fil rouge, printed as one table:
//! - `lint`: the composer's whole check of a draft (networks' rules for three accounts, charter, spelling in French
//!   and English, wrong client against 50 clients) — the target is p99 ≤ 5 ms so it can run on every keystroke;
//! - `import`: a 1,000-row CSV planned and imported with every check, on SQLite — target ≤ 2 s;
//! - `calendar`: the month of a client with 600 posts read by the application layer (the page's rendering is
//!   measured by bench/run.sh's HTTP pass) — target for the whole page ≤ 30 ms.
//!
//! Usage: `cargo run --release -p filrouge-bench-planning [lint|import|calendar]` (default: all).

use std::sync::Arc;
use std::time::{Duration, Instant};

use filrouge_app::config::{AuthSettings, ListenConfig};
use filrouge_app::guards::{lint_content, Tools};
use filrouge_app::import::MediaSource;
use filrouge_app::secrets::SecretBox;
use filrouge_app::{Actor, App};
use filrouge_domain::account::{Account, AccountProfile, AccountStatus, Network};
use filrouge_domain::client::{Brief, Charter, Client, ClientProfile, Colour, TimeZoneName};
use filrouge_domain::clock::ManualClock;
use filrouge_domain::ids::{AccountId, ClientId, Slug};
use filrouge_domain::locale::Lang;
use filrouge_domain::post::{PostContent, Target};
use filrouge_resemblance::{ProfileInput, Profiles};
use serde::Deserialize;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../crates/resemblance/tests/data");

#[derive(Deserialize)]
struct ClientData {
    slug: String,
    name: String,
    brief: BriefData,
    keywords: Vec<String>,
    signature: String,
    required_hashtags: Vec<String>,
    competitors: Vec<String>,
    handles: Vec<String>,
    past_posts: Vec<String>,
}

#[derive(Deserialize, Default)]
struct BriefData {
    #[serde(default)]
    activity: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    audience: String,
}

#[derive(Deserialize)]
struct DraftData {
    /// Generic drafts have no client: they are linted for the first client.
    #[serde(default)]
    client: String,
    text: String,
}

fn load() -> anyhow::Result<(Vec<ClientData>, Vec<DraftData>)> {
    let clients: Vec<ClientData> = serde_json::from_str(&std::fs::read_to_string(format!("{DATA}/clients.json"))?)?;
    let drafts = std::fs::read_to_string(format!("{DATA}/drafts.jsonl"))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<Vec<DraftData>, _>>()?;
    Ok((clients, drafts))
}

fn profile(c: &ClientData, slug: &str, name: &str) -> anyhow::Result<ClientProfile> {
    Ok(ClientProfile {
        slug: Slug::parse(slug)?,
        name: name.to_owned(),
        colour: Colour::parse("#c0392b")?,
        time_zone: TimeZoneName::parse("Europe/Paris")?,
        languages: vec![Lang::Fr, Lang::En],
        brief: Brief {
            activity: c.brief.activity.clone(),
            location: c.brief.location.clone(),
            audience: c.brief.audience.clone(),
            keywords: c.keywords.clone(),
            ..Brief::default()
        },
        charter: Charter {
            banned: vec!["pas cher".into(), "low cost".into(), "promo de folie".into(), "arnaque".into()],
            required_hashtags: c.required_hashtags.clone(),
            signature: c.signature.clone(),
            max_hashtags: 5,
            max_length: 500,
            ..Charter::default()
        },
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// The whole lint of realistic drafts for a client among 50.
fn bench_lint(rows: &mut Vec<[String; 5]>) -> anyhow::Result<()> {
    let (data, drafts) = load()?;
    // 50 clients: the 12 of the evaluation set, then copies under other names with their posts rotated.
    let mut inputs = Vec::new();
    let mut clients = Vec::new();
    for i in 0..50 {
        let c = &data[i % data.len()];
        let (slug, name) = if i < data.len() {
            (c.slug.clone(), c.name.clone())
        } else {
            (format!("{}-{i}", c.slug), format!("{} {i}", c.name))
        };
        let mut posts = c.past_posts.clone();
        let n = posts.len().max(1);
        posts.rotate_left(i % n);
        let p = profile(c, &slug, &name)?;
        inputs.push(ProfileInput::from_client(&p, &[], c.handles.clone(), posts));
        let _ = &c.competitors;
        clients.push(Client { id: ClientId(i as i64 + 1), profile: p, archived: false });
    }
    let t0 = Instant::now();
    let profiles = Profiles::build(&inputs);
    let build = t0.elapsed();
    let t0 = Instant::now();
    let speller = filrouge_lint::Speller::new()?;
    let load = t0.elapsed();
    let networks = [Network::Bluesky, Network::Mastodon, Network::Instagram];
    let mut times = Vec::new();
    let rounds = 5;
    for _ in 0..rounds {
        for d in &drafts {
            let client = clients.iter().find(|c| c.profile.slug.as_str() == d.client).unwrap_or(&clients[0]);
            let accounts: Vec<Account> = networks
                .iter()
                .zip(1..)
                .map(|(n, id)| Account {
                    id: AccountId(id),
                    client_id: client.id,
                    profile: AccountProfile { network: *n, handle: format!("h{id}"), display_name: String::new() },
                    status: AccountStatus::Connected,
                    credentials: None,
                })
                .collect();
            let content = PostContent {
                text: d.text.clone(),
                targets: accounts.iter().map(|a| Target { account_id: a.id, text: None, media: None }).collect(),
                ..PostContent::default()
            };
            let tools = Tools { speller: Some(&speller), profiles: Some(&profiles), instance_limits: None };
            let t = Instant::now();
            let report = lint_content(client, &accounts, &content, &[], tools);
            times.push(t.elapsed());
            std::hint::black_box(report);
        }
    }
    times.sort();
    rows.push([
        "lint: networks + charter + spelling + wrong client (50 clients), per draft".into(),
        format!("{} drafts × {rounds}", times.len() / rounds),
        format!(
            "p50 {} ms, p99 {} ms, max {} ms",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(times[times.len() - 1])
        ),
        "p99 ≤ 5 ms".into(),
        format!("profiles built in {} ms; dictionaries loaded in {} ms (once per process)", ms(build), ms(load)),
    ]);
    Ok(())
}

struct NoMedia;

impl MediaSource for NoMedia {
    fn read(&self, reference: &str) -> Result<(String, Vec<u8>), String> {
        Err(format!("{reference}: no media in this benchmark"))
    }
}

async fn app(dir: &std::path::Path) -> anyhow::Result<App> {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let store = filrouge_store::Store::open(&url).await?;
    let clock = Arc::new(ManualClock::new("2026-06-15T07:30:00Z".parse()?));
    let secrets = SecretBox::from_base64(&SecretBox::generate_key()).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(App::new(store, clock, secrets, AuthSettings::default())
        .with_listening(&ListenConfig::default(), None)
        .with_media_dir(dir.join("media")))
}

async fn agency(app: &App, data: &[ClientData]) -> anyhow::Result<()> {
    let op = Actor::operator();
    for c in data {
        app.create_client(&op, profile(c, &c.slug, &c.name)?).await?;
        for (n, network) in [Network::Bluesky, Network::Mastodon, Network::Instagram].into_iter().enumerate() {
            let handle = format!("{}-{n}", c.slug);
            app.add_account(&op, &c.slug, AccountProfile { network, handle, display_name: c.name.clone() }, None)
                .await?;
        }
    }
    Ok(())
}

async fn bench_import(rows: &mut Vec<[String; 5]>) -> anyhow::Result<()> {
    let (data, drafts) = load()?;
    let dir = tempfile::tempdir()?;
    let app = app(dir.path()).await?;
    agency(&app, &data).await?;
    let mut csv = String::from("date,time,time_zone,client,accounts,text,labels\n");
    for i in 0..1000 {
        let d = &drafts[i % drafts.len()];
        let c = data.iter().find(|c| c.slug == d.client).unwrap_or(&data[0]);
        let day = 16 + (i / 48) % 14;
        let (h, m) = (8 + (i % 48) / 4, (i % 4) * 15);
        let text = format!("{} {}\n{}", d.text.replace('"', "\"\""), c.required_hashtags.join(" "), c.signature);
        csv.push_str(&format!(
            "2026-06-{day:02},{h:02}:{m:02},Europe/Paris,{},{}-0 | {}-1,\"{text}\",bench\n",
            c.slug, c.slug, c.slug
        ));
    }
    let op = Actor::operator();
    // Warm the process-wide tools as a running server has them.
    app.plan_import(&op, "warm.csv", b"client,accounts,text\n", &NoMedia).await?;
    let t0 = Instant::now();
    let plan = app.plan_import(&op, "plan.csv", csv.as_bytes(), &NoMedia).await?;
    let planned = t0.elapsed();
    let valid = plan.valid_rows();
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        for p in plan.problems().filter(|p| p.severity == filrouge_domain::lint::Severity::Error).take(20) {
            eprintln!("{}:{}: {}", p.line, p.column, p.message);
        }
    }
    let outcome = app.apply_import(&op, plan, true).await?;
    let total = t0.elapsed();
    rows.push([
        "import: 1,000-row CSV, every row checked, created in one transaction (SQLite)".into(),
        format!("{valid} valid rows, {} created", outcome.created.len()),
        format!("{} ms (checks {} ms)", ms(total), ms(planned)),
        "≤ 2 s".into(),
        "3 accounts per client, 12 clients".into(),
    ]);
    app.store().close().await;
    Ok(())
}

async fn bench_calendar(rows: &mut Vec<[String; 5]>) -> anyhow::Result<()> {
    let (data, drafts) = load()?;
    let dir = tempfile::tempdir()?;
    let app = app(dir.path()).await?;
    agency(&app, &data[..1]).await?;
    let op = Actor::operator();
    let slug = data[0].slug.as_str();
    let accounts = app.post_accounts(&op, slug).await?;
    for i in 0..600 {
        let at: jiff::Timestamp =
            format!("2026-07-{:02}T{:02}:{:02}:00Z", 1 + i % 31, 6 + (i / 31) % 14, (i % 4) * 15).parse()?;
        let content = PostContent {
            text: drafts[i % drafts.len()].text.clone(),
            targets: accounts.iter().map(|a| Target { account_id: a.id, text: None, media: None }).collect(),
            ..PostContent::default()
        };
        app.create_post(&op, slug, filrouge_app::posts::PostInput { content, planned_at: Some(at), campaign: None })
            .await?;
    }
    let (from, to): (jiff::Timestamp, jiff::Timestamp) =
        ("2026-06-30T22:00:00Z".parse()?, "2026-07-31T22:00:00Z".parse()?);
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let view = app.calendar(&op, Some(slug), from, to).await?;
        times.push(t.elapsed());
        std::hint::black_box(view);
    }
    times.sort();
    rows.push([
        "calendar: one client's month with 600 posts, read by the app (SQLite)".into(),
        "50 reads".into(),
        format!("p50 {} ms, p99 {} ms", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.99))),
        "—".into(),
        "the part of the page below that is the database".into(),
    ]);
    // The whole page: router, session and CSRF middleware, the use-case and the HTML, in process (no socket).
    let user = filrouge_app::users::NewUserInput {
        email: "ines@agence.test".into(),
        name: "Inès".into(),
        role: filrouge_domain::user::Role::CommunityManager,
        password: "bench-password-123".into(),
        ui_lang: None,
        clients: vec![app.client(&op, slug, filrouge_domain::permission::Action::ViewClient).await?.id],
    };
    app.create_user(&op, user).await?;
    let token = match app.sign_in("ines@agence.test", "bench-password-123", "127.0.0.1").await? {
        filrouge_app::auth::SignIn::Done(t) => t,
        other => anyhow::bail!("sign-in: {other:?}"),
    };
    let router = filrouge_web::router(filrouge_web::WebState::new(app.clone(), Default::default()));
    let path = format!("/c/{slug}/calendar?view=month&date=2026-07-01");
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..50 {
        use tower::ServiceExt;
        let request = axum::http::Request::get(&path)
            .header("cookie", format!("{}={}", filrouge_web::SESSION_COOKIE, token.0))
            .body(axum::body::Body::empty())?;
        let t = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 64 << 20).await?;
        times.push(t.elapsed());
        anyhow::ensure!(status.is_success(), "{path}: {status}");
        bytes = body.len();
    }
    times.sort();
    rows.push([
        "calendar page: month view of one client with 600 posts (HTML)".into(),
        format!("50 pages of {} KB", bytes / 1024),
        format!("p50 {} ms, p99 {} ms", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.99))),
        "≤ 30 ms".into(),
        "in process: router, session, use-case, maud".into(),
    ]);
    app.store().close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let mut rows = Vec::new();
    if which == "all" || which == "lint" {
        bench_lint(&mut rows)?;
    }
    if which == "all" || which == "import" {
        bench_import(&mut rows).await?;
    }
    if which == "all" || which == "calendar" {
        bench_calendar(&mut rows).await?;
    }
    println!("| what | work | measured | target | notes |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!("| {} | {} | {} | {} | {} |", r[0], r[1], r[2], r[3], r[4]);
    }
    Ok(())
}
