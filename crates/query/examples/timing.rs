//! Private timing of the matcher while developing (the real benchmark is bench/match):
//! `cargo run --release -p filrouge-query --example timing -- QUERIES MENTIONS`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use filrouge_query::{parse, Document, Matcher, Scratch};
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const COMMON: &[&str] = &[
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "de",
    "du",
    "et",
    "est",
    "pas",
    "très",
    "vraiment",
    "service",
    "client",
    "clients",
    "commande",
    "livraison",
    "reçu",
    "déçu",
    "génial",
    "merci",
    "encore",
    "panne",
    "depuis",
    "hier",
    "matin",
    "avec",
    "pour",
    "mon",
    "ma",
    "nouveau",
    "nouvelle",
    "prix",
    "qualité",
    "été",
    "hôtel",
    "l'équipe",
    "qu'il",
    "c'est",
    "j'ai",
    "the",
    "a",
    "is",
    "was",
    "great",
    "customer",
    "support",
    "order",
    "delivery",
    "never",
    "again",
    "love",
    "this",
    "new",
    "store",
    "price",
    "quality",
    "thanks",
    "today",
    "still",
    "waiting",
    "my",
    "for",
    "and",
    "with",
    "really",
    "bad",
    "good",
    "app",
    "update",
    "bug",
    "crash",
    "écran",
    "téléphone",
    "réseau",
];
const COMPLAINTS: &[&str] = &["nul", "lent", "cher", "panne", "arnaque", "bug", "remboursement", "scandale"];

/// A made-up brand name: 3 or 4 syllables of a consonant and a vowel (accented at times).
fn brand(rng: &mut Rng) -> String {
    const CONSONANTS: &[&str] =
        &["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "br", "tr"];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "é", "ou", "ai", "y"];
    let n = 3 + rng.below(2);
    (0..n).map(|_| format!("{}{}", rng.pick(CONSONANTS), rng.pick(VOWELS))).collect()
}

fn query(rng: &mut Rng, b: &str, b2: &str) -> String {
    let c = rng.pick(COMPLAINTS);
    let stem: String = b.chars().take(5).collect();
    let forced: Option<usize> = std::env::var("TEMPLATE").ok().and_then(|t| t.parse().ok());
    match forced.unwrap_or_else(|| rng.below(10)) {
        0 => b.to_string(),
        1 => format!("{b} OR \"{b2} {}\"", rng.pick(COMMON)),
        2 => format!("\"{b} service\" OR {b}"),
        3 => format!("{b} ({c} OR bug OR \"service client\") -promo"),
        4 => format!("{b} NEAR/3 ({c} OR lent OR cher)"),
        5 => format!("{stem}* -recrute"),
        6 => format!("({b} OR #{b} OR @{b}) lang:fr"),
        7 => format!("{b} -site:{b}.com"),
        8 => format!("{{{}}} OR {b2} sentiment:negative", b.to_uppercase()),
        _ => format!("\"{b} {b2}\" NEAR/5f avis OR ({b} {c})"),
    }
}

fn mention(rng: &mut Rng, brands: &[String]) -> String {
    let mut s = String::new();
    let target = 150 + rng.below(250);
    while s.len() < target {
        let r = rng.below(100);
        let word = if r < 4 {
            brands[rng.below(brands.len())].clone()
        } else if r < 6 {
            format!("#{}", rng.pick(COMMON))
        } else if r < 7 {
            format!("@{}", brands[rng.below(brands.len())])
        } else if r < 9 {
            rng.pick(COMPLAINTS).to_string()
        } else {
            rng.pick(COMMON).to_string()
        };
        if !s.is_empty() {
            s.push_str(if rng.below(12) == 0 { ". " } else { " " });
        }
        s.push_str(&word);
    }
    s
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (n_queries, n_docs) = (args.first().copied().unwrap_or(10_000), args.get(1).copied().unwrap_or(200_000));
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let brands: Vec<String> = (0..n_queries).map(|_| brand(&mut rng)).collect();
    let sources: Vec<String> = (0..n_queries)
        .map(|i| {
            let b2 = &brands[rng.below(brands.len())];
            query(&mut rng, &brands[i], b2)
        })
        .collect();
    let started = Instant::now();
    let parsed: Vec<_> = sources.iter().map(|s| parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))).collect();
    let parse_time = started.elapsed();
    let started = Instant::now();
    let matcher = Matcher::new(parsed.into_iter().enumerate().map(|(i, q)| (i as u64, q)));
    let build_time = started.elapsed();
    // Mentions name a brand of the queries' vocabulary at times, and one outside it at others.
    let mut pool = brands.clone();
    pool.extend((0..n_queries).map(|_| brand(&mut rng)));
    let docs: Vec<(String, String)> = (0..10_000.min(n_docs))
        .map(|_| {
            (
                if rng.below(3) == 0 { mention(&mut rng, &pool)[..0].to_string() } else { String::new() },
                mention(&mut rng, &pool),
            )
        })
        .collect();
    let urls = ["https://www.example.com/post/1", "https://bsky.app/profile/x/post/y", "https://mastodon.social/@a/1"];
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut matches = 0usize;
    let mut bytes = 0usize;
    let started = Instant::now();
    for i in 0..n_docs {
        let (title, text) = &docs[i % docs.len()];
        let doc = Document {
            title,
            text,
            url: urls[i % 3],
            lang: Some(if i % 2 == 0 { "fr" } else { "en" }),
            source: ["feed", "bluesky", "mastodon"][i % 3],
            sentiment: Some("negative"),
            ..Document::default()
        };
        matcher.matches(&doc, &mut scratch, &mut out);
        matches += out.len();
        bytes += text.len();
    }
    let elapsed = started.elapsed();
    println!(
        "{n_queries} queries: parse {:.0} ms, build {:.0} ms; {n_docs} mentions (avg {} bytes) in {:.2} s = {:.0} mentions/s, {:.2} matches/mention",
        parse_time.as_secs_f64() * 1e3,
        build_time.as_secs_f64() * 1e3,
        bytes / n_docs.max(1),
        elapsed.as_secs_f64(),
        n_docs as f64 / elapsed.as_secs_f64(),
        matches as f64 / n_docs.max(1) as f64
    );
}
