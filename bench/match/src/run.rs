//! The Rust side (`run`): parse every query, build the matcher (timed), then one thread matches every mention
//! (documents built beforehand) and the rate is printed beside the Lucene percolators' figures. Two checks follow:
//! on a sample, the matcher agrees with each query evaluated on its own; and on the mentions the Java driver
//! timed, our (mention, query) pairs are compared with Lucene's.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use filrouge_query::{parse, Document, Matcher, Query, Scratch};
use serde::Deserialize;

#[derive(Deserialize)]
struct QueryIn {
    id: u64,
    q: String,
}

#[derive(Deserialize)]
struct MentionIn {
    title: String,
    text: String,
    author_handle: String,
    author_name: String,
    url: String,
    lang: String,
    source: String,
    about: Option<usize>,
}

impl MentionIn {
    fn doc(&self) -> Document<'_> {
        Document {
            title: &self.title,
            text: &self.text,
            author_handle: &self.author_handle,
            author_name: &self.author_name,
            url: &self.url,
            lang: Some(&self.lang),
            source: &self.source,
            sentiment: None,
        }
    }
}

fn read_lines<T: for<'de> Deserialize<'de>>(path: &Path, limit: Option<usize>) -> anyhow::Result<Vec<T>> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for line in BufReader::with_capacity(1 << 20, file).lines() {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let line = line?;
        out.push(serde_json::from_str(&line).with_context(|| format!("reading {}", path.display()))?);
    }
    Ok(out)
}

/// What the Java driver reports for one engine: its figures, and the pairs it matched on the mentions it timed.
struct LuceneRun {
    fields: BTreeMap<String, String>,
    mentions: usize,
    pairs: HashSet<(u32, u64)>,
}

fn read_lucene(path: &Path) -> anyhow::Result<LuceneRun> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut lines = BufReader::new(file).lines();
    let head = lines.next().transpose()?.unwrap_or_default();
    let fields: BTreeMap<String, String> =
        head.split_whitespace().filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.into(), v.into())).collect();
    let mentions = fields.get("mentions").and_then(|m| m.parse().ok()).unwrap_or(0);
    let mut pairs = HashSet::new();
    for line in lines {
        let line = line?;
        if let Some((m, q)) = line.split_once(' ') {
            pairs.insert((m.parse()?, q.parse()?));
        }
    }
    Ok(LuceneRun { fields, mentions, pairs })
}

fn mix(m: u64, q: u64) -> u64 {
    let mut z = (m << 32 ^ q).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 32)
}

/// CPU time of the calling thread so far, in seconds (from the scheduler's nanosecond count), so that the rate
/// per core does not depend on what else the machine runs.
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn run(
    dir: &Path,
    limit: Option<usize>,
    lucene: &[PathBuf],
    check_budget: usize,
    max_seconds: f64,
) -> anyhow::Result<()> {
    let queries: Vec<QueryIn> = read_lines(&dir.join("queries.jsonl"), None)?;
    let mentions: Vec<MentionIn> = read_lines(&dir.join("mentions.jsonl"), limit)?;
    let docs: Vec<Document<'_>> = mentions.iter().map(MentionIn::doc).collect();

    // Build: parse every query and make the matcher, as a process would at start.
    let started = Instant::now();
    let mut errors = 0;
    let mut parsed = Vec::with_capacity(queries.len());
    for q in &queries {
        match parse(&q.q) {
            Ok(query) => parsed.push((q.id, query)),
            Err(e) => {
                if errors < 5 {
                    eprintln!("query {} does not parse: {e} — {}", q.id, q.q);
                }
                errors += 1;
            }
        }
    }
    let parse_s = started.elapsed().as_secs_f64();
    let matcher = Matcher::new(parsed);
    let build_s = started.elapsed().as_secs_f64();
    eprintln!(
        "rust: {} queries parsed in {parse_s:.3} s ({errors} errors), matcher built in {build_s:.3} s",
        queries.len()
    );

    // Warm up (caches, branch predictors), then the timed pass over every mention.
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for doc in docs.iter().take(20_000) {
        out.clear();
        matcher.matches(doc, &mut scratch, &mut out);
    }
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let mut total = 0usize;
    let mut checksum = 0u64;
    let mut matched_mentions = 0usize;
    let mut timed = docs.len();
    for (i, doc) in docs.iter().enumerate() {
        if i % 1024 == 0 && started.elapsed().as_secs_f64() > max_seconds {
            timed = i;
            break;
        }
        out.clear();
        matcher.matches(doc, &mut scratch, &mut out);
        total += out.len();
        matched_mentions += usize::from(!out.is_empty());
        for &id in &out {
            checksum = checksum.wrapping_add(mix(i as u64, id));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds() - cpu_started;
    let rate = timed as f64 / secs;
    let cpu_rate = if cpu > 0.0 { timed as f64 / cpu } else { rate };
    eprintln!(
        "rust: {timed} mentions in {secs:.3} s ({cpu:.3} s on the CPU), {total} matches ({matched_mentions} mentions matched), checksum \
         {checksum:016x}{}",
        if timed < docs.len() { format!(" (stopped after {max_seconds} s)") } else { String::new() }
    );

    // Self-check: the matcher against each query evaluated on its own, on plain and on brand mentions.
    let mut checks = Vec::new();
    let sample = if check_budget == 0 { 0 } else { (check_budget / queries.len().max(1)).clamp(50, 5_000) };
    let mut picked: Vec<usize> = (0..docs.len()).take(sample / 2).collect();
    picked.extend(mentions.iter().enumerate().filter(|(_, m)| m.about.is_some()).map(|(i, _)| i).take(sample / 2));
    picked.sort_unstable();
    picked.dedup();
    let reparsed: Vec<(u64, Query)> = queries.iter().filter_map(|q| parse(&q.q).ok().map(|p| (q.id, p))).collect();
    let (mut single_pairs, mut disagree) = (0usize, 0usize);
    for &i in &picked {
        let doc = &docs[i];
        out.clear();
        matcher.matches(doc, &mut scratch, &mut out);
        let fast: HashSet<u64> = out.iter().copied().collect();
        let slow: HashSet<u64> = reparsed.iter().filter(|(_, q)| q.matches(doc)).map(|(id, _)| *id).collect();
        single_pairs += slow.len();
        for id in fast.symmetric_difference(&slow) {
            if disagree < 5 {
                let q = queries.iter().find(|q| q.id == *id).map_or("", |q| q.q.as_str());
                eprintln!(
                    "self-check: mention {i} query {id} matcher={} single={}: {q}",
                    fast.contains(id),
                    slow.contains(id)
                );
            }
            disagree += 1;
        }
    }
    checks.push(format!(
        "self-check on {} mentions ({} about a brand) × {} queries: {single_pairs} matches by single evaluation, {disagree} \
         disagreements with the matcher",
        picked.len(),
        picked.iter().filter(|&&i| mentions[i].about.is_some()).count(),
        queries.len()
    ));

    // How much the prefilter lets through, estimated from the queries' literals.
    let est = crate::prefilter::estimate(
        &reparsed,
        mentions.iter().map(|m| (m.title.as_str(), m.text.as_str(), m.url.as_str())),
        20_000,
    );
    let top: Vec<String> = est.top.iter().map(|(l, n)| format!("{l} ({n})")).collect();
    checks.push(format!(
        "prefilter, estimated from `explain()` literals on the first 20,000 mentions: {:.0} candidate queries per \
         mention, {:.0}% of mentions with at least one, {} queries always evaluated; literals shared by most \
         queries: {}",
        est.per_mention,
        100.0 * est.with_candidates,
        est.always,
        top.join(", ")
    ));

    // Rows: ours, then each Lucene engine, with the agreement on the mentions it timed.
    let n = queries.len();
    println!(
        "| filrouge-query Matcher | {} | {} | {build_s:.2} s | {} | **{}** | 1× | {} |",
        thousands(n as f64),
        thousands(timed as f64),
        thousands(rate),
        thousands(cpu_rate),
        thousands(total as f64)
    );
    let mut ours: HashMap<u32, Vec<u64>> = HashMap::new();
    for path in lucene {
        let l = read_lucene(path)?;
        let get = |k: &str| l.fields.get(k).map_or("?", String::as_str);
        let l_rate: f64 = get("rate").parse().unwrap_or(0.0);
        let l_cpu_rate: f64 = get("cpu_rate").parse().unwrap_or(0.0);
        let l_build: f64 = get("build_s").parse().unwrap_or(0.0);
        println!(
            "| {} | {} | {} | {l_build:.2} s | {} | {} | {} | {} |",
            get("engine").replace('_', " "),
            thousands(n as f64),
            thousands(l.mentions as f64),
            thousands(l_rate),
            thousands(l_cpu_rate),
            if l_cpu_rate > 0.0 { format!("Rust {:.0}× faster", cpu_rate / l_cpu_rate) } else { "—".into() },
            get("matches")
        );
        let mut rust_pairs = HashSet::new();
        for (i, doc) in docs.iter().enumerate().take(l.mentions) {
            let ids = ours.entry(i as u32).or_insert_with(|| {
                out.clear();
                matcher.matches(doc, &mut scratch, &mut out);
                out.clone()
            });
            rust_pairs.extend(ids.iter().map(|id| (i as u32, *id)));
        }
        let common = rust_pairs.intersection(&l.pairs).count();
        let only_rust: Vec<_> = rust_pairs.difference(&l.pairs).collect();
        let only_lucene: Vec<_> = l.pairs.difference(&rust_pairs).collect();
        for (what, list) in [("only Rust", &only_rust), ("only Lucene", &only_lucene)] {
            for (m, q) in list.iter().take(3) {
                let q = queries.iter().find(|x| x.id == *q).map_or("", |x| x.q.as_str());
                let m = &mentions[*m as usize];
                eprintln!("{what}: {q}\n    title: {}\n    text: {}", m.title, m.text);
            }
        }
        let union = common + only_rust.len() + only_lucene.len();
        checks.push(format!(
            "{} on its {} mentions: Rust {} matches, Lucene {}, {common} in common, {} only Rust, {} only Lucene \
             (agreement {:.2}%)",
            get("engine").replace('_', " "),
            l.mentions,
            rust_pairs.len(),
            l.pairs.len(),
            only_rust.len(),
            only_lucene.len(),
            if union == 0 { 100.0 } else { 100.0 * common as f64 / union as f64 }
        ));
    }
    if errors > 0 {
        checks.push(format!("{errors} of {n} queries did not parse and were left out"));
    }
    for c in checks {
        println!("CHECK {n}: {c}");
    }
    Ok(())
}
