//! Benchmarks of the inbox, printed as one table:
//! - `list`: the inbox of 100,000 items across 10 clients, filtered and sorted, read by the application layer and
//!   as the whole HTML page in process (router, session, use-case, HTML) — target p99 ≤ 50 ms;
//! - `triage`: analysis (language, sentiment, intent) + the client's rules + priority + deadline of one incoming
//!   item — target ≤ 1 ms; and the same with storage, per item, in batches of 40 as a sync stores them;
//! - `sync`: 50 Mastodon accounts synced twice against a local server answering like an instance with nothing
//!   new, counting the requests of the second cycle — target ≤ 1 request per account per cycle.
//!
//! Usage: `cargo run --release -p filrouge-bench-inbox [list|triage|sync] [items]` (default: all, 100000).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use filrouge_app::config::AuthSettings;
use filrouge_app::inbox::InboxQuery;
use filrouge_app::inbox_settings::InboxSettingsForm;
use filrouge_app::secrets::SecretBox;
use filrouge_app::{Actor, App};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::analysis::Intent;
use filrouge_domain::client::{ClientProfile, Colour, TimeZoneName};
use filrouge_domain::clock::ManualClock;
use filrouge_domain::ids::Slug;
use filrouge_domain::inbox::{self, rules, Author, ItemKind, NewInboxItem, Triage};
use filrouge_domain::locale::Lang;
use filrouge_networks::inbox::{IncomingItem, IncomingKind, RemoteAuthor};

const TEXTS: [&str; 8] = [
    "Vous êtes ouverts dimanche soir ?",
    "Pizza froide et 50 minutes d'attente, franchement décevant.",
    "Meilleure Regina de Lyon, merci !",
    "Je veux un remboursement, ma commande n'est jamais arrivée.",
    "Do you deliver to Villeurbanne on Sundays?",
    "Gagnez un iPhone gratuit, cliquez ici http://promo.example",
    "Super accueil, on reviendra avec les enfants.",
    "Le service était lent mais la pizza excellente.",
];

const RULES: &str = "when intent = spam then done, hide\n\
    quand texte contient \"remboursement\" alors label remboursement\n\
    when sentiment = negative and followers > 10000 then urgent";

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[i - 1]
}

fn profile(slug: &str) -> anyhow::Result<ClientProfile> {
    Ok(ClientProfile {
        slug: Slug::parse(slug)?,
        name: slug.to_owned(),
        colour: Colour::parse("#c0392b")?,
        time_zone: TimeZoneName::parse("Europe/Paris")?,
        languages: vec![Lang::Fr, Lang::En],
        brief: Default::default(),
        charter: Default::default(),
    })
}

async fn app_on(dir: &std::path::Path) -> anyhow::Result<App> {
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let store = filrouge_store::Store::open(&url).await?;
    let clock = Arc::new(ManualClock::new("2026-06-15T10:00:00Z".parse()?));
    let secrets = SecretBox::from_base64(&SecretBox::generate_key())?;
    Ok(App::new(store, clock, secrets, AuthSettings::default()))
}

type Row = [String; 5];

async fn list(rows: &mut Vec<Row>, items: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = app_on(dir.path()).await?;
    let op = Actor::operator();
    let mut clients = Vec::new();
    let mut accounts = Vec::new();
    for c in 0..10 {
        let slug = format!("client-{c}");
        let client = app.create_client(&op, profile(&slug)?).await?;
        let account =
            AccountProfile { network: Network::Mastodon, handle: format!("@c{c}@m.test"), display_name: slug.clone() };
        accounts.push(app.add_account(&op, &slug, account, None).await?);
        clients.push((slug, client.id));
    }
    let now: jiff::Timestamp = "2026-06-15T10:00:00Z".parse()?;
    let t = Instant::now();
    let mut tx = app.store().write().await?;
    for n in 0..items {
        let c = n % 10;
        let intent = Intent::ALL[(n / 7) % 5];
        let followers = (n as u64 * 7919) % 200_000;
        let item = NewInboxItem {
            client_id: clients[c].1,
            account_id: Some(accounts[c]),
            mention_id: None,
            network: "mastodon".into(),
            kind: ItemKind::ALL[n % 4],
            remote_id: format!("{n}"),
            cid: None,
            thread_key: format!("t{}", n / 3),
            url: format!("https://m.test/@a/{n}"),
            author: Author {
                remote_id: format!("a{}", n % 5000),
                handle: format!("user{}@m.test", n % 5000),
                name: Some("Camille".into()),
                followers: Some(followers),
                url: None,
            },
            text: TEXTS[n % TEXTS.len()].into(),
            context_text: None,
            in_reply_to: None,
            language: Some("fr".into()),
            sentiment: Some(filrouge_domain::analysis::Sentiment::ALL[(n / 11) % 3]),
            sentiment_score: 0.0,
            intent: Some(intent),
            published_at: now.checked_sub(jiff::SignedDuration::from_secs(n as i64 * 30))?,
            received_at: now,
        };
        // A realistic inbox: most of it is old and done.
        let state = if (n / 10) % 10 < 8 { Some(inbox::ItemState::Done) } else { None };
        let triage = Triage { state, ..Triage::default() };
        let priority = inbox::priority(false, item.kind, item.intent, item.author.followers);
        tx.insert_inbox_item(&item, &triage, priority).await?;
    }
    tx.commit().await?;
    let seeded = t.elapsed();
    let queries: [(&str, InboxQuery); 5] = [
        ("every client, open, priority order", InboxQuery::default()),
        ("every client, state new", InboxQuery { state: Some("new".into()), ..InboxQuery::default() }),
        (
            "every client, questions, negative",
            InboxQuery { intent: Some("question".into()), sentiment: Some("negative".into()), ..InboxQuery::default() },
        ),
        (
            "every client, done, newest first, page 20",
            InboxQuery { state: Some("done".into()), page: 20, ..InboxQuery::default() },
        ),
        ("every client, one account", InboxQuery { account: Some(accounts[3].0), ..InboxQuery::default() }),
    ];
    for (name, query) in &queries {
        let mut times = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            let listing = app.inbox(&op, None, query).await?;
            times.push(t.elapsed());
            std::hint::black_box(listing);
        }
        times.sort();
        rows.push([
            format!("inbox list (app): {name}"),
            format!("{items} items, 10 clients, 200 reads"),
            format!("p50 {} ms, p99 {} ms", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.99))),
            "≤ 50 ms (whole page)".into(),
            format!("seeded in {:.1} s", seeded.as_secs_f64()),
        ]);
    }
    // The whole page, in process, for a community manager of every client.
    let user = filrouge_app::users::NewUserInput {
        email: "ines@agence.test".into(),
        name: "Inès".into(),
        role: filrouge_domain::user::Role::CommunityManager,
        password: "bench-password-123".into(),
        ui_lang: None,
        clients: clients.iter().map(|(_, id)| *id).collect(),
    };
    app.create_user(&op, user).await?;
    let token = match app.sign_in("ines@agence.test", "bench-password-123", "127.0.0.1").await? {
        filrouge_app::auth::SignIn::Done(t) => t,
        other => anyhow::bail!("sign-in: {other:?}"),
    };
    let router = filrouge_web::router(filrouge_web::WebState::new(app.clone(), Default::default()));
    for path in ["/inbox", "/inbox?intent=question&sentiment=negative", "/c/client-3/inbox?state=new"] {
        let mut times = Vec::new();
        let mut bytes = 0;
        let mut status = axum::http::StatusCode::OK;
        for _ in 0..100 {
            use tower::ServiceExt;
            let request = axum::http::Request::get(path)
                .header("cookie", format!("{}={}", filrouge_web::SESSION_COOKIE, token.0))
                .body(axum::body::Body::empty())?;
            let t = Instant::now();
            let response = router.clone().oneshot(request).await?;
            status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 64 << 20).await?;
            times.push(t.elapsed());
            bytes = body.len();
        }
        times.sort();
        rows.push([
            format!("inbox page (HTML): {path}"),
            format!("{items} items, 100 pages of {} KB (HTTP {})", bytes / 1024, status.as_u16()),
            format!("p50 {} ms, p99 {} ms", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.99))),
            "≤ 50 ms".into(),
            "in process: router, session, use-case, HTML".into(),
        ]);
    }
    app.store().close().await;
    Ok(())
}

fn incoming(n: usize) -> IncomingItem {
    IncomingItem {
        kind: if n.is_multiple_of(3) { IncomingKind::Reply } else { IncomingKind::Mention },
        remote_id: format!("{}", 1_000_000 + n),
        cid: None,
        url: format!("https://m.test/@a/{n}"),
        author: RemoteAuthor {
            remote_id: format!("a{n}"),
            handle: format!("user{n}@m.test"),
            display_name: Some("Camille Durand".into()),
            followers: Some((n as u64 * 7919) % 50_000),
            url: None,
        },
        text: TEXTS[n % TEXTS.len()].into(),
        language: None,
        published: "2026-06-15T09:00:00Z".parse().unwrap_or_default(),
        in_reply_to: None,
        thread_root: format!("{}", 1_000_000 + n),
        context_text: None,
        quoted: None,
    }
}

async fn triage(rows: &mut Vec<Row>) -> anyhow::Result<()> {
    // Analysis + rules + priority + deadline, without storage: what `inbox_sync::triage_new` does per item.
    let veille = filrouge_app::veille::Veille::defaults();
    let rules = rules::parse_rules(RULES)?;
    let hours = inbox::hours::parse_hours("lun-ven 09:00-18:00")?;
    let tz = jiff::tz::TimeZone::get("Europe/Paris")?;
    let n = 20_000;
    let items: Vec<IncomingItem> = (0..n).map(incoming).collect();
    let mut times = Vec::with_capacity(n);
    for item in &items {
        let t = Instant::now();
        let (lang, analysis) = veille.analyse("", &item.text, item.language.as_deref());
        let subject = rules::Subject {
            intent: Some(analysis.intent),
            sentiment: Some(analysis.sentiment),
            text: &item.text,
            followers: item.author.followers,
            network: "mastodon",
            kind: ItemKind::Reply,
            language: lang,
        };
        let effects = rules::apply(&rules, &subject);
        let priority = inbox::priority(effects.urgent, ItemKind::Reply, Some(analysis.intent), item.author.followers);
        let due = hours.deadline(item.published, 3600, &tz);
        times.push(t.elapsed());
        std::hint::black_box((effects, priority, due));
    }
    times.sort();
    rows.push([
        "triage of an incoming item: analysis + rules + priority + deadline".into(),
        format!("{n} items"),
        format!("p50 {} ms, p99 {} ms", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.99))),
        "≤ 1 ms".into(),
        "what a sync does per item before storing".into(),
    ]);
    // With storage: batches of 40 stored as a sync stores them (one transaction per page), SQLite.
    let dir = tempfile::tempdir()?;
    let app = app_on(dir.path()).await?;
    let op = Actor::operator();
    app.create_client(&op, profile("bench")?).await?;
    let form = InboxSettingsForm { rules: RULES.into(), target_minutes: "60".into(), ..InboxSettingsForm::default() };
    app.save_inbox_settings(&op, "bench", form).await?;
    let account = app
        .add_account(
            &op,
            "bench",
            AccountProfile { network: Network::Mastodon, handle: "@b@m.test".into(), display_name: "b".into() },
            None,
        )
        .await?;
    let t = Instant::now();
    let mut stored = 0;
    for page in items.chunks(40).take(100) {
        stored += app.receive_inbox_items(&op, "bench", account, page).await?;
    }
    let total = t.elapsed();
    rows.push([
        "triage and storage, pages of 40 (SQLite)".into(),
        format!("{stored} items"),
        format!("{} ms per item", ms(total / stored.max(1) as u32)),
        "—".into(),
        "analysis, settings read, rules, one transaction per page".into(),
    ]);
    app.store().close().await;
    Ok(())
}

async fn sync(rows: &mut Vec<Row>) -> anyhow::Result<()> {
    // A local instance: notifications are empty; every request is counted.
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let server = axum::Router::new().fallback(move |req: axum::http::Request<axum::body::Body>| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = if req.uri().path().ends_with("/notifications") { "[]" } else { "{}" };
            ([(axum::http::header::CONTENT_TYPE, "application/json")], body)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, server).await });
    let dir = tempfile::tempdir()?;
    let publishers = filrouge_app::publishers::NetworkPublishers::new(true)?;
    let app = app_on(dir.path()).await?.with_publishing(Default::default(), Arc::new(publishers));
    let op = Actor::operator();
    app.create_client(&op, profile("bench")?).await?;
    for a in 0..50 {
        let secret = format!("{{\"kind\":\"mastodon\",\"instance\":\"http://{addr}/\",\"token\":\"t{a}\"}}");
        let p = AccountProfile {
            network: Network::Mastodon,
            handle: format!("@a{a}@m.test"),
            display_name: format!("a{a}"),
        };
        app.add_account(&op, "bench", p, Some(secret)).await?;
    }
    let first = app.sync_inbox(&op, None, &|_, _| {}).await?;
    anyhow::ensure!(first.errors.is_empty(), "first sync: {:?}", first.errors);
    let before = requests.load(Ordering::SeqCst);
    let t = Instant::now();
    let second = app.sync_inbox(&op, None, &|_, _| {}).await?;
    let took = t.elapsed();
    anyhow::ensure!(second.errors.is_empty(), "second sync: {:?}", second.errors);
    let per_cycle = requests.load(Ordering::SeqCst) - before;
    rows.push([
        "sync of 50 Mastodon accounts with nothing new".into(),
        format!("second cycle ({} requests in the first)", before),
        format!("{per_cycle} requests ({:.2} per account), {} ms", per_cycle as f64 / 50.0, took.as_millis()),
        "≤ 1 request per account".into(),
        "local instance answering [] ; readers kept between cycles".into(),
    ]);
    app.store().close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let items: usize = std::env::args().nth(2).map(|n| n.parse()).transpose()?.unwrap_or(100_000);
    let mut rows: Vec<Row> = Vec::new();
    if which == "all" || which == "triage" {
        triage(&mut rows).await?;
    }
    if which == "all" || which == "sync" {
        sync(&mut rows).await?;
    }
    if which == "all" || which == "list" {
        list(&mut rows, items).await?;
    }
    println!("| what | size | result | target | notes |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!("| {} | {} | {} | {} | {} |", r[0], r[1], r[2], r[3], r[4]);
    }
    Ok(())
}
