//! Prefilter statistics on bench/match data: candidates per mention, and the queries let through most often.
//! `cargo run --release -p filrouge-query --example candidates -- DIR [MENTIONS]`

use filrouge_query::{parse, Document, Matcher, Scratch};
use std::collections::HashMap;
use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).ok_or("DIR")?);
    let limit: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let mut queries = Vec::new();
    let mut texts = HashMap::new();
    for line in std::io::BufReader::new(std::fs::File::open(dir.join("queries.jsonl"))?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let id = v["id"].as_u64().ok_or("id")?;
        let q = v["q"].as_str().ok_or("q")?.to_string();
        queries.push((id, parse(&q)?));
        texts.insert(id, q);
    }
    let literals: HashMap<u64, Vec<String>> =
        queries.iter().map(|(id, _)| *id).zip(Matcher::anchor_report(&queries)).collect();
    let matcher = Matcher::new(queries);
    let mut mentions = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(dir.join("mentions.jsonl"))?).lines().take(limit) {
        mentions.push(serde_json::from_str::<serde_json::Value>(&line?)?);
    }
    let (mut scratch, mut out) = (Scratch::default(), Vec::new());
    let (mut total, mut per_query) = (0usize, HashMap::<u64, usize>::new());
    let (mut matched, mut evals) = (0usize, Vec::new());
    for m in &mentions {
        let s = |k: &str| m[k].as_str().unwrap_or_default();
        let doc = Document {
            title: s("title"),
            text: s("text"),
            author_handle: s("author_handle"),
            author_name: s("author_name"),
            url: s("url"),
            lang: Some(s("lang")),
            source: s("source"),
            sentiment: None,
        };
        matcher.candidates(&doc, &mut scratch, &mut out);
        total += out.len();
        for id in &out {
            *per_query.entry(*id).or_default() += 1;
        }
        evals.push(out.len());
        matcher.matches(&doc, &mut scratch, &mut out);
        matched += out.len();
    }
    let n = mentions.len().max(1) as f64;
    println!(
        "{} mentions: {:.1} candidates per mention ({:.1}% with any), {:.3} matches per mention",
        mentions.len(),
        total as f64 / n,
        evals.iter().filter(|&&e| e > 0).count() as f64 * 100.0 / n,
        matched as f64 / n
    );
    let mut top: Vec<_> = per_query.into_iter().collect();
    top.sort_by_key(|(id, c)| (std::cmp::Reverse(*c), *id));
    let mut by_literal: HashMap<String, usize> = HashMap::new();
    for (id, c) in &top {
        for l in literals.get(id).into_iter().flatten() {
            *by_literal.entry(l.clone()).or_default() += c;
        }
    }
    for (id, c) in top.iter().take(25) {
        println!("{c:6} {:?} {}", literals.get(id), texts.get(id).map_or("", |s| s.as_str()));
    }
    let mut lits: Vec<_> = by_literal.into_iter().collect();
    lits.sort_by_key(|(l, c)| (std::cmp::Reverse(*c), l.clone()));
    for (l, c) in lits.iter().take(40) {
        let users: Vec<&u64> = literals.iter().filter(|(_, ls)| ls.contains(l)).map(|(id, _)| id).collect();
        println!("literal {c:8} {l} ({} queries)", users.len());
        for id in users.iter().take(3) {
            println!("           {:?} {}", literals.get(id), texts.get(id).map_or("", |s| s.as_str()));
        }
    }
    Ok(())
}
