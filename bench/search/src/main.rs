//! The search benchmark: index the same synthetic mentions with tantivy (filrouge-search) and SQLite FTS5, then
//! measure queries side by side, each engine serving from its own process so resident memory is its own.
//! Subcommands (run.sh calls them in order): gen | index-tantivy | index-sqlite | serve-tantivy | serve-sqlite | report.

mod gen;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use filrouge_search::{MentionIndex, SearchQuery, Sort};
use gen::{Rng, World, DAY, SEED, SPAN_MS, START_MS};

struct Env {
    n: u64,
    dir: PathBuf,
}

fn env() -> Result<Env> {
    let n = match std::env::var("BENCH_N") {
        Ok(v) => v.replace('_', "").parse().context("BENCH_N")?,
        Err(_) => 10_000_000,
    };
    let dir = std::env::var("BENCH_DIR").map(PathBuf::from).unwrap_or_else(|_| "/tmp/filrouge-search-bench".into());
    std::fs::create_dir_all(&dir)?;
    Ok(Env { n, dir })
}

fn record(env: &Env, engine: &str, metric: &str, value: String) -> Result<()> {
    println!("{engine:>8}  {metric:<28} {value}");
    // Index measurements live in their own file so SKIP_INDEX=1 runs still report them.
    let file = if metric.starts_with("index") { "results-index.tsv" } else { "results.tsv" };
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(env.dir.join(file))?;
    writeln!(f, "{engine}\t{metric}\t{value}")?;
    Ok(())
}

fn dir_size(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        total += dir_size(&entry?.path())?;
    }
    Ok(total)
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / 1_048_576.0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// VmRSS, VmHWM, RssAnon, RssFile in bytes.
fn memory() -> Result<BTreeMap<String, u64>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let mut out = BTreeMap::new();
    for line in status.lines() {
        for key in ["VmRSS", "VmHWM", "RssAnon", "RssFile"] {
            if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
                let kb: u64 = rest.trim().trim_end_matches(" kB").trim().parse()?;
                out.insert(key.to_string(), kb * 1024);
            }
        }
    }
    Ok(out)
}

fn progress(done: u64, n: u64, started: Instant) {
    if done % 1_000_000 == 0 && done > 0 {
        eprintln!("  {done}/{n} in {:.0} s", started.elapsed().as_secs_f64());
    }
}

fn gen_rate(env: &Env) -> Result<()> {
    let world = World::new(env.n);
    let sample = env.n.min(200_000);
    let started = Instant::now();
    let mut words = 0usize;
    for i in 0..sample {
        let d = world.doc(i);
        words += d.title.split_whitespace().count() + d.text.split_whitespace().count();
    }
    let secs = started.elapsed().as_secs_f64();
    record(env, "data", "generation rate", format!("{:.0} docs/s", sample as f64 / secs))?;
    record(env, "data", "words per mention (mean)", format!("{:.1}", words as f64 / sample as f64))?;
    record(env, "data", "biggest client share", format!("{:.1} %", world.client_share(1) * 100.0))?;
    Ok(())
}

fn index_tantivy(env: &Env) -> Result<()> {
    let world = World::new(env.n);
    let path = env.dir.join("tantivy");
    let index = MentionIndex::recreate(&path)?;
    let mut writer = index.writer(1_000_000_000)?;
    let started = Instant::now();
    for i in 0..env.n {
        writer.add_new(&world.doc(i))?;
        progress(i + 1, env.n, started);
    }
    writer.commit(env.n as i64)?;
    writer.finish()?;
    let secs = started.elapsed().as_secs_f64();
    record(env, "tantivy", "index rate (incl. generation)", format!("{:.0} docs/s", env.n as f64 / secs))?;
    record(env, "tantivy", "index time", format!("{secs:.0} s"))?;
    record(env, "tantivy", "index size", mib(dir_size(&path)?))?;
    Ok(())
}

const SQLITE_SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TABLE mentions (id INTEGER PRIMARY KEY, published INTEGER NOT NULL, source_kind TEXT NOT NULL,
  site TEXT NOT NULL, author TEXT NOT NULL, lang TEXT);
CREATE TABLE mention_clients (client_id INTEGER NOT NULL, published INTEGER NOT NULL, mention_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, published, mention_id)) WITHOUT ROWID;
CREATE INDEX mentions_published ON mentions (published);
CREATE VIRTUAL TABLE mentions_fts USING fts5 (title, text, content = '', tokenize = 'unicode61 remove_diacritics 2');
";

fn index_sqlite(env: &Env) -> Result<()> {
    let world = World::new(env.n);
    let path = env.dir.join("fts.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut db = rusqlite::Connection::open(&path)?;
    db.execute_batch(SQLITE_SCHEMA)?;
    let started = Instant::now();
    let mut i = 0;
    while i < env.n {
        let tx = db.transaction()?;
        {
            let mut m = tx.prepare_cached(
                "INSERT INTO mentions (id, published, source_kind, site, author, lang) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut c = tx
                .prepare_cached("INSERT INTO mention_clients (client_id, published, mention_id) VALUES (?1, ?2, ?3)")?;
            let mut f = tx.prepare_cached("INSERT INTO mentions_fts (rowid, title, text) VALUES (?1, ?2, ?3)")?;
            let end = (i + 10_000).min(env.n);
            while i < end {
                let d = world.doc(i);
                m.execute(rusqlite::params![d.mention_id, d.published_ms, d.source_kind, d.site, d.author, d.lang])?;
                for client in &d.client_ids {
                    c.execute(rusqlite::params![client, d.published_ms, d.mention_id])?;
                }
                f.execute(rusqlite::params![d.mention_id, d.title, d.text])?;
                i += 1;
                progress(i, env.n, started);
            }
        }
        tx.commit()?;
    }
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let secs = started.elapsed().as_secs_f64();
    drop(db);
    record(env, "sqlite", "index rate (incl. generation)", format!("{:.0} docs/s", env.n as f64 / secs))?;
    record(env, "sqlite", "index time", format!("{secs:.0} s"))?;
    record(env, "sqlite", "index size", mib(dir_size(&path)?))?;
    Ok(())
}

/// One benchmark query, the same for both engines.
struct Probe {
    client: i64,
    words: Vec<String>,
    from: i64,
    to: i64,
}

/// Queries drawn from the data itself: a random mention gives the client (so clients come in proportion to their
/// size), the words and a 30-day window around its date.
fn probes(world: &World, n: u64, count: usize, phrase: bool, salt: u64) -> Vec<Probe> {
    let mut rng = Rng::new(SEED ^ salt);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let d = world.doc(rng.below(n as usize) as u64);
        let words: Vec<String> =
            d.text.split(|c: char| c == ' ' || c == ',').filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        if words.len() < 3 {
            continue;
        }
        let at = rng.below(words.len() - 1);
        let words = if phrase { words[at..at + 2].to_vec() } else { vec![words[at].clone()] };
        let day_end = (d.published_ms - START_MS) / DAY * DAY + START_MS + DAY;
        let to = day_end + rng.below(30) as i64 * DAY;
        out.push(Probe { client: d.client_ids[0], words, from: to - 30 * DAY, to });
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// Runs `f` over the probes (after a warm-up on the first tenth), recording p50 and p99, and the mean hit total.
fn measure(
    env: &Env,
    engine: &str,
    what: &str,
    probes: &[Probe],
    mut f: impl FnMut(&Probe) -> Result<u64>,
) -> Result<()> {
    for p in probes.iter().take(probes.len() / 10) {
        f(p)?;
    }
    let mut times = Vec::with_capacity(probes.len());
    let mut totals = 0u64;
    for p in probes {
        let started = Instant::now();
        totals += f(p)?;
        times.push(started.elapsed());
    }
    times.sort();
    record(env, engine, &format!("{what} p50"), ms(percentile(&times, 0.5)))?;
    record(env, engine, &format!("{what} p99"), ms(percentile(&times, 0.99)))?;
    record(env, engine, &format!("{what} mean total"), format!("{:.0}", totals as f64 / probes.len() as f64))?;
    Ok(())
}

fn histogram_window() -> (i64, Vec<i64>) {
    let to = START_MS + SPAN_MS;
    let from = to - 90 * DAY;
    (to, (0..90).map(|d| from + d * DAY).collect())
}

fn record_memory(env: &Env, engine: &str) -> Result<()> {
    let mem = memory()?;
    for key in ["VmRSS", "VmHWM", "RssAnon", "RssFile"] {
        record(env, engine, &format!("memory {key}"), mib(mem.get(key).copied().unwrap_or(0)))?;
    }
    Ok(())
}

fn serve_tantivy(env: &Env) -> Result<()> {
    let world = World::new(env.n);
    let started = Instant::now();
    let index = MentionIndex::open(&env.dir.join("tantivy"))?;
    record(env, "tantivy", "open", ms(started.elapsed()))?;
    if index.doc_count() != env.n {
        bail!("the tantivy index holds {} mentions, not {}: run index-tantivy", index.doc_count(), env.n);
    }
    let page = |p: &Probe, text: String, facets: bool| SearchQuery {
        client_id: p.client,
        text: Some(text),
        from_ms: Some(p.from),
        to_ms: Some(p.to),
        sort: Sort::Newest,
        limit: 20,
        facets,
        ..SearchQuery::default()
    };
    let terms = probes(&world, env.n, 1000, false, 1);
    measure(env, "tantivy", "term+client+30d", &terms, |p| {
        Ok(index.search(&page(p, p.words.join(" "), false))?.total)
    })?;
    measure(env, "tantivy", "same, with facets", &terms[..300], |p| {
        Ok(index.search(&page(p, p.words.join(" "), true))?.total)
    })?;
    let phrases = probes(&world, env.n, 300, true, 2);
    measure(env, "tantivy", "phrase+client+30d", &phrases, |p| {
        Ok(index.search(&page(p, format!("\"{}\"", p.words.join(" ")), false))?.total)
    })?;
    let (to, buckets) = histogram_window();
    let hist = SearchQuery {
        client_id: world.biggest_client(),
        from_ms: buckets.first().copied(),
        to_ms: Some(to),
        histogram_buckets: buckets,
        limit: 0,
        ..SearchQuery::default()
    };
    let reps: Vec<Probe> = (0..50).map(|_| Probe { client: 0, words: vec![], from: 0, to: 0 }).collect();
    measure(env, "tantivy", "histogram 90d big client", &reps, |_| {
        let r = index.search(&hist)?;
        Ok(r.histogram.iter().sum())
    })?;
    record_memory(env, "tantivy")
}

fn serve_sqlite(env: &Env) -> Result<()> {
    let world = World::new(env.n);
    let started = Instant::now();
    let db = rusqlite::Connection::open_with_flags(env.dir.join("fts.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    record(env, "sqlite", "open", ms(started.elapsed()))?;
    let count: u64 = db.query_row("SELECT count(*) FROM mentions", [], |r| r.get(0))?;
    if count != env.n {
        bail!("the SQLite database holds {count} mentions, not {}: run index-sqlite", env.n);
    }
    const FILTER: &str =
        "FROM mention_clients mc WHERE mc.client_id = ?1 AND mc.published >= ?2 AND mc.published < ?3 \
        AND mc.mention_id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?4)";
    let mut count_q = db.prepare(&format!("SELECT count(*) {FILTER}"))?;
    let mut page_q = db.prepare(&format!("SELECT mc.mention_id {FILTER} ORDER BY mc.published DESC LIMIT 20"))?;
    let mut run = |p: &Probe| -> Result<u64> {
        // Each word quoted: FTS5 syntax never sees the user's characters.
        let fts = format!("\"{}\"", p.words.iter().map(|w| w.replace('"', "")).collect::<Vec<_>>().join(" "));
        let total: u64 = count_q.query_row(rusqlite::params![p.client, p.from, p.to, fts], |r| r.get(0))?;
        let mut rows = page_q.query(rusqlite::params![p.client, p.from, p.to, fts])?;
        while rows.next()?.is_some() {}
        Ok(total)
    };
    let terms = probes(&world, env.n, 1000, false, 1);
    measure(env, "sqlite", "term+client+30d", &terms, &mut run)?;
    let phrases = probes(&world, env.n, 300, true, 2);
    measure(env, "sqlite", "phrase+client+30d", &phrases, &mut run)?;
    let (to, buckets) = histogram_window();
    let from = buckets.first().copied().unwrap_or(to);
    let mut hist = db.prepare(
        "SELECT (published - ?2) / 86400000, count(*) FROM mention_clients \
         WHERE client_id = ?1 AND published >= ?2 AND published < ?3 GROUP BY 1",
    )?;
    let reps: Vec<Probe> = (0..50).map(|_| Probe { client: 0, words: vec![], from: 0, to: 0 }).collect();
    measure(env, "sqlite", "histogram 90d big client", &reps, |_| {
        let mut sum = 0u64;
        let mut rows = hist.query(rusqlite::params![world.biggest_client(), from, to])?;
        while let Some(row) = rows.next()? {
            sum += row.get::<_, u64>(1)?;
        }
        Ok(sum)
    })?;
    record_memory(env, "sqlite")
}

/// Prints the results file as one markdown table, tantivy and SQLite side by side.
fn report(env: &Env) -> Result<()> {
    let mut text = std::fs::read_to_string(env.dir.join("results-index.tsv")).unwrap_or_default();
    text.push_str(&std::fs::read_to_string(env.dir.join("results.tsv"))?);
    let mut rows: Vec<String> = Vec::new();
    let mut cells: BTreeMap<(String, String), String> = BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(engine), Some(metric), Some(value)) = (parts.next(), parts.next(), parts.next()) else { continue };
        if !rows.iter().any(|r| r == metric) {
            rows.push(metric.to_string());
        }
        cells.insert((metric.to_string(), engine.to_string()), value.to_string());
    }
    let target = |metric: &str| match metric {
        m if m.starts_with("term") && m.ends_with("p50") => "≤ 10 ms",
        m if m.starts_with("term") && m.ends_with("p99") => "≤ 100 ms",
        m if m.starts_with("histogram") && !m.ends_with("total") => "≤ 100 ms",
        "memory VmRSS" | "memory VmHWM" => "≤ 500 MiB",
        _ => "",
    };
    let mut out =
        format!("N = {} mentions\n\n| measure | tantivy | SQLite FTS5 | target |\n|---|---|---|---|\n", env.n);
    for metric in &rows {
        let get = |engine: &str| cells.get(&(metric.clone(), engine.to_string())).cloned().unwrap_or_default();
        let (t, s) = if metric.starts_with("generation") || metric.starts_with("words") || metric.starts_with("biggest")
        {
            (get("data"), String::new())
        } else {
            (get("tantivy"), get("sqlite"))
        };
        let _ = writeln!(out, "| {metric} | {t} | {s} | {} |", target(metric));
    }
    print!("{out}");
    Ok(())
}

fn main() -> Result<()> {
    let env = env()?;
    match std::env::args().nth(1).as_deref() {
        Some("gen") => gen_rate(&env),
        Some("index-tantivy") => index_tantivy(&env),
        Some("index-sqlite") => index_sqlite(&env),
        Some("serve-tantivy") => serve_tantivy(&env),
        Some("serve-sqlite") => serve_sqlite(&env),
        Some("report") => report(&env),
        other => {
            bail!("unknown step {other:?}: gen | index-tantivy | index-sqlite | serve-tantivy | serve-sqlite | report")
        }
    }
}
