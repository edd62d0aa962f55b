//! The alert latency benchmark: mentions arrive at a steady rate (1,000/s by default) through the
//! application's ingest path (analysis, archive, matching against every active query, hits and
//! instant alerts in one transaction) while the delivery worker hands alert e-mails to a real SMTP
//! server (Debian's aiosmtpd). For every alerted mention: the time from its arrival (just before
//! the ingest call) to the moment the mail server wrote the message (the Maildir file's time).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use filrouge_app::config::{AnalysisConfig, AuthSettings, ListenConfig, MailConfig, MailSecurity};
use filrouge_app::secrets::SecretBox;
use filrouge_app::veille::Veille;
use filrouge_app::{Actor, App};
use filrouge_domain::clock::SystemClock;
use filrouge_domain::listening_query::QueryDraft;
use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::SourceKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::ingest::profile_named;

/// Brands with an instant alert each; every arriving mention names one of them.
const BRANDS: usize = 50;
/// Other active queries (counters, no alert), so that matching does real work.
const OTHER_QUERIES: usize = 1_000;

struct Smtp {
    child: Child,
    port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_smtp(maildir: &Path) -> anyhow::Result<Smtp> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let python = std::env::var("FILROUGE_AIOSMTPD_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let child = Command::new(&python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("{python} -m aiosmtpd (apt install python3-aiosmtpd)"))?;
    let smtp = Smtp { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        anyhow::ensure!(Instant::now() < deadline, "aiosmtpd is not listening after 20 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(smtp)
}

fn brand(i: usize) -> String {
    format!("Maison Brandt{i:03}")
}

fn mention(i: usize, rng: &mut StdRng) -> NewMention {
    let b = brand(rng.gen_range(0..BRANDS));
    let text = match i % 4 {
        0 => format!("Je suis passé chez {b} hier soir, accueil très sympa et prix corrects, je reviendrai."),
        1 => format!("Commande chez {b} toujours pas livrée après deux semaines, service client injoignable !"),
        2 => format!("Quelqu'un connaît les horaires de {b} le dimanche ? Merci d'avance"),
        _ => format!("Nouvelle boutique {b} rue de la République, ouverture samedi avec des animations."),
    };
    let url = format!("https://blog.bench.test/m/{i}");
    NewMention {
        dedup_key: url.clone(),
        source_kind: SourceKind::Feed,
        url,
        site: "blog.bench.test".into(),
        author: Author { handle: format!("user{}", rng.gen_range(0..3000)), name: None, followers: None },
        title: String::new(),
        text,
        html: String::new(),
        lang: None,
        published: jiff::Timestamp::from_second(1_780_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        engagement: Engagement::default(),
        fingerprint: None,
        analysis: None,
    }
}

/// Mention number → when the mail server wrote a message listing it (the earliest).
fn received(maildir: &Path) -> HashMap<usize, SystemTime> {
    let mut out: HashMap<usize, SystemTime> = HashMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else { continue };
        for e in entries.flatten() {
            let Ok(when) = e.metadata().and_then(|m| m.modified()) else { continue };
            let Ok(raw) = std::fs::read_to_string(e.path()) else { continue };
            for part in raw.split("https://blog.bench.test/m/").skip(1) {
                let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<usize>() {
                    let slot = out.entry(n).or_insert(when);
                    if when < *slot {
                        *slot = when;
                    }
                }
            }
        }
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn alerts(rate: usize, seconds: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let maildir = dir.path().join("maildir");
    let smtp = start_smtp(&maildir)?;
    let store = filrouge_store::Store::open(&format!("sqlite://{}", dir.path().join("bench.db").display())).await?;
    let mail = MailConfig {
        host: Some("127.0.0.1".into()),
        port: smtp.port,
        security: MailSecurity::None,
        from: "Fil Rouge <alertes@bench.test>".into(),
        ..MailConfig::default()
    };
    // No search index in this process: in `serve` indexing is its own worker and never delays alerts.
    let app = App::new(
        store,
        Arc::new(SystemClock),
        SecretBox::from_base64(&SecretBox::generate_key())?,
        AuthSettings::default(),
    )
    .with_listening(&ListenConfig::default(), None)
    .with_veille(Veille::new(&AnalysisConfig::default(), &mail, "https://filrouge.bench.test")?);
    let op = Actor::operator();
    app.create_client(&op, profile_named("bench")?).await?;
    let source = app.add_source(&op, "bench", "feed", "", "https://bench.test/feed", "").await?;
    for i in 0..BRANDS {
        let q = format!("\"{}\"", brand(i).to_lowercase());
        let draft = QueryDraft::parse(&format!("Marque {i}"), &q, true, "instant", "cm@agence.test")?;
        app.create_query(&op, "bench", draft).await?;
    }
    for i in 0..OTHER_QUERIES {
        let q = format!("(produit{i} OR gamme{i}*) NEAR/4 (avis OR prix) -recrutement");
        app.create_query(&op, "bench", QueryDraft::parse(&format!("Compteur {i}"), &q, true, "off", "")?).await?;
    }

    // The delivery worker, as `serve` runs it.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let worker = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            let mut rounds: Vec<(f64, u64)> = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                app.alerts_wait(Duration::from_secs(1)).await;
                let t = Instant::now();
                match app.deliver_alerts().await {
                    Ok(r) if r.deliveries_done > 0 => rounds.push((t.elapsed().as_secs_f64() * 1000.0, r.emails_sent)),
                    Ok(_) => {}
                    Err(e) => eprintln!("delivery: {e}"),
                }
            }
            rounds
        })
    };

    // Arrivals: a batch every 10 ms (a stream or a poll cycle brings a few at a time).
    let mut rng = StdRng::seed_from_u64(11);
    let per_tick = (rate / 100).max(1);
    let total = rate * seconds as usize;
    let mut arrived: HashMap<usize, SystemTime> = HashMap::with_capacity(total);
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut n = 0;
    while n < total {
        tick.tick().await;
        let batch: Vec<NewMention> = (n..(n + per_tick).min(total)).map(|i| mention(i, &mut rng)).collect();
        // Wall-clock time on purpose: it is compared with the mail server's file times.
        #[allow(clippy::disallowed_methods)]
        let now = SystemTime::now();
        for i in n..n + batch.len() {
            arrived.insert(i, now);
        }
        n += batch.len();
        app.ingest_mentions(&op, "bench", source, batch).await?;
    }
    let fed = start.elapsed().as_secs_f64();
    // Let the last alerts go out.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let waiting = app.store().read().await?.unsent_deliveries().await?;
        if waiting == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = worker.await.unwrap_or_default();
    let round_ms: Vec<f64> = rounds.iter().map(|(ms, _)| *ms).collect();
    let mean_round = round_ms.iter().sum::<f64>() / round_ms.len().max(1) as f64;
    let max_round = round_ms.iter().copied().fold(0.0, f64::max);

    let got = received(&maildir);
    let mut latencies: Vec<f64> = arrived
        .iter()
        .filter_map(|(i, at)| got.get(i).and_then(|r| r.duration_since(*at).ok()).map(|d| d.as_secs_f64() * 1000.0))
        .collect();
    latencies.sort_by(f64::total_cmp);
    let emails =
        ["new", "cur"].iter().filter_map(|s| std::fs::read_dir(maildir.join(s)).ok()).map(|d| d.count()).sum::<usize>();
    println!(
        "| offered rate | mentions | fed in | achieved rate | alerted mentions seen by the mail server | e-mails | p50 | p95 | p99 | max |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {rate}/s | {total} | {fed:.1} s | {:.0}/s | {} | {emails} | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} ms |",
        total as f64 / fed,
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0),
    );
    println!();
    println!(
        "{BRANDS} instant queries with a recipient each, {OTHER_QUERIES} other active queries; every mention names one brand. \
         Delivery rounds: {}, mean {mean_round:.0} ms, max {max_round:.0} ms.",
        rounds.len()
    );
    drop(smtp);
    Ok(())
}
