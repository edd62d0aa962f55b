//! The ingest benchmark: generated mentions into the archive (dedup keys, links, near-duplicate
//! bands) and the search index, beside raw batched SQLite inserts of the same rows.

use std::sync::Arc;
use std::time::Instant;

use filrouge_app::config::{AuthSettings, ListenConfig};
use filrouge_app::search_index::SearchIndex;
use filrouge_app::secrets::SecretBox;
use filrouge_app::{Actor, App};
use filrouge_domain::client::{Brief, Charter, ClientProfile, Colour, TimeZoneName};
use filrouge_domain::clock::ManualClock;
use filrouge_domain::ids::Slug;
use filrouge_domain::locale::Lang;
use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::SourceKind;
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const WORDS: &[&str] = &[
    "pizza",
    "four",
    "bois",
    "livraison",
    "accueil",
    "service",
    "rapide",
    "lent",
    "délicieux",
    "froid",
    "prix",
    "terrasse",
    "quartier",
    "Lyon",
    "réservation",
    "menu",
    "dessert",
    "tiramisu",
    "équipe",
    "sympa",
    "attente",
    "great",
    "food",
    "slow",
    "friendly",
    "price",
    "the",
    "le",
    "la",
    "et",
    "est",
    "une",
    "très",
    "pas",
    "trop",
];

fn mentions(n: usize, now: Timestamp) -> Vec<NewMention> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..n)
        .map(|i| {
            let words: Vec<&str> = (0..rng.gen_range(8..40)).map(|_| WORDS[rng.gen_range(0..WORDS.len())]).collect();
            let social = i % 3 != 0;
            let url = if social {
                format!("https://bsky.app/profile/user{}.bsky.social/post/{i:x}", rng.gen_range(0..5000))
            } else {
                format!("https://blog{}.test/articles/{i}", rng.gen_range(0..300))
            };
            NewMention {
                dedup_key: url.clone(),
                source_kind: if social { SourceKind::Bluesky } else { SourceKind::Feed },
                site: url.split('/').nth(2).unwrap_or("").to_owned(),
                url,
                author: Author { handle: format!("user{}", rng.gen_range(0..5000)), name: None, followers: Some(120) },
                title: if social { String::new() } else { words[..5.min(words.len())].join(" ") },
                text: words.join(" "),
                html: String::new(),
                lang: Some(if i % 4 == 0 { "en" } else { "fr" }.into()),
                published: now - SignedDuration::from_secs(rng.gen_range(0..90 * 86_400)),
                engagement: Engagement { likes: Some(rng.gen_range(0..50)), reposts: None, replies: None },
                fingerprint: None,
                analysis: None,
            }
        })
        .collect()
}

/// A valid client profile for the benchmarks.
pub fn profile_named(slug: &str) -> anyhow::Result<ClientProfile> {
    Ok(ClientProfile {
        slug: Slug::parse(slug)?,
        name: slug.into(),
        colour: Colour::parse("#123456")?,
        time_zone: TimeZoneName::parse("Europe/Paris")?,
        languages: vec![Lang::Fr],
        brief: Brief::default(),
        charter: Charter::default(),
    })
}

/// A fresh application on SQLite in `dir` with one client and one source to store into.
struct Bench {
    store: filrouge_store::Store,
    app: App,
    client: filrouge_domain::ids::ClientId,
    source: filrouge_domain::ids::SourceId,
}

async fn bench_app(dir: &std::path::Path, now: Timestamp) -> anyhow::Result<Bench> {
    let store = filrouge_store::Store::open(&format!("sqlite://{}", dir.join("bench.db").display())).await?;
    let (index, _) = SearchIndex::open(&dir.join("index"))?;
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::new(now)),
        SecretBox::from_base64(&SecretBox::generate_key())?,
        AuthSettings::default(),
    )
    .with_listening(&ListenConfig::default(), Some(Arc::new(index)));
    let op = Actor::operator();
    let client = app.create_client(&op, profile_named("bench")?).await?.id;
    let source = app.add_source(&op, "bench", "feed", "", "https://bench.test/feed", "").await?;
    Ok(Bench { store, app, client, source })
}

impl Bench {
    /// Stores `items` in transactions of 1,000, as a busy poll cycle does.
    async fn store_all(&self, items: &[NewMention], now: Timestamp) -> anyhow::Result<()> {
        for chunk in items.chunks(1000) {
            let mut tx = self.store.write().await?;
            tx.ingest_mentions(self.client, self.source, chunk, now).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

pub async fn ingest(n: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let now = Timestamp::from_second(1_780_000_000)?;
    let bench = bench_app(dir.path(), now).await?;
    let items = mentions(n, now);

    // The archive: one transaction per 1,000 mentions, as a busy poll cycle stores them.
    let t = Instant::now();
    bench.store_all(&items, now).await?;
    let archive = t.elapsed().as_secs_f64();
    // The index catches up from the database's change sequence.
    let t = Instant::now();
    let indexed = bench.app.index_catch_up().await?;
    let index_secs = t.elapsed().as_secs_f64();
    // Seen again (a refetch): nothing stored twice.
    let t = Instant::now();
    bench.store_all(&items, now).await?;
    let again = t.elapsed().as_secs_f64();

    // Raw: the same rows into a bare table (no unique key, no links), multi-row INSERTs.
    let raw_url = format!("sqlite://{}?mode=rwc", dir.path().join("raw.db").display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&raw_url).await?;
    sqlx::query("PRAGMA journal_mode=WAL").execute(&pool).await?;
    sqlx::query("PRAGMA synchronous=NORMAL").execute(&pool).await?;
    sqlx::query(
        "CREATE TABLE m (id INTEGER PRIMARY KEY, dedup_key TEXT, source_kind TEXT, url TEXT, site TEXT, author TEXT,
         title TEXT, body TEXT, lang TEXT, published BIGINT, likes BIGINT)",
    )
    .execute(&pool)
    .await?;
    let t = Instant::now();
    for chunk in items.chunks(1000) {
        let mut tx = pool.begin().await?;
        for rows in chunk.chunks(200) {
            let values = (0..rows.len())
                .map(|r| {
                    format!(
                        "(${},${},${},${},${},${},${},${},${},${})",
                        r * 10 + 1,
                        r * 10 + 2,
                        r * 10 + 3,
                        r * 10 + 4,
                        r * 10 + 5,
                        r * 10 + 6,
                        r * 10 + 7,
                        r * 10 + 8,
                        r * 10 + 9,
                        r * 10 + 10
                    )
                })
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!("INSERT INTO m (dedup_key, source_kind, url, site, author, title, body, lang, published, likes) VALUES {values}");
            let mut q = sqlx::query(&sql);
            for m in rows {
                q = q
                    .bind(&m.dedup_key)
                    .bind(m.source_kind.as_str())
                    .bind(&m.url)
                    .bind(&m.site)
                    .bind(&m.author.handle)
                    .bind(&m.title)
                    .bind(&m.text)
                    .bind(m.lang.as_deref())
                    .bind(m.published.as_millisecond())
                    .bind(m.engagement.likes.map(|l| l as i64));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }
    let raw = t.elapsed().as_secs_f64();

    // Sustained, as `serve` runs it: the poller stores while the index worker tails, at once.
    let dir2 = tempfile::tempdir()?;
    let live = bench_app(dir2.path(), now).await?;
    let t = Instant::now();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let indexer = {
        let (app, done) = (live.app.clone(), done.clone());
        tokio::spawn(async move {
            loop {
                let finished = done.load(std::sync::atomic::Ordering::Acquire);
                app.index_catch_up().await?;
                if finished {
                    return anyhow::Ok(());
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        })
    };
    live.store_all(&items, now).await?;
    done.store(true, std::sync::atomic::Ordering::Release);
    indexer.await??;
    let sustained = t.elapsed().as_secs_f64();
    let in_index = live.app.search_index().map_or(0, |i| i.doc_count());

    let rate = |secs: f64| n as f64 / secs.max(1e-9);
    println!("| step ({n} mentions) | seconds | mentions/s | target |");
    println!("|---|---:|---:|---|");
    println!("| raw batched SQLite INSERT (bare table) | {raw:.2} | {:.0} | reference |", rate(raw));
    println!("| archive (dedup, links, bands) | {archive:.2} | {:.0} | |", rate(archive));
    println!("| search index catch-up ({indexed} docs) | {index_secs:.2} | {:.0} | |", rate(index_secs));
    println!(
        "| archive + index, one after the other | {:.2} | {:.0} | ≥ 20,000 |",
        archive + index_secs,
        rate(archive + index_secs)
    );
    println!(
        "| **sustained: archive and index at once ({in_index} indexed)** | {sustained:.2} | {:.0} | ≥ 20,000 |",
        rate(sustained)
    );
    println!("| the same mentions seen again (no duplicates) | {again:.2} | {:.0} | |", rate(again));
    println!("\npeak RSS: {:.0} MB", crate::peak_rss_mb());
    Ok(())
}
