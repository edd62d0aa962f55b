//! An estimate of how much the matcher's prefilter lets through, from the literals `Query::explain` lists: for a
//! sample of mentions, how many queries have one of their literals in the mention (words, consecutive word pairs
//! within the title or the text, wildcard prefixes, site hosts), and which literals are shared by most queries.
//! The mention's words come from this crate's approximation of the tokenizer, so the figures are estimates.

use std::collections::{HashMap, HashSet};

use filrouge_query::Query;

use crate::ast;

pub struct Estimate {
    pub per_mention: f64,
    pub with_candidates: f64,
    pub always: usize,
    pub top: Vec<(String, usize)>,
}

pub fn estimate<'a>(
    queries: &[(u64, Query)],
    mentions: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    sample: usize,
) -> Estimate {
    let mut by_literal: HashMap<String, Vec<u32>> = HashMap::new();
    let mut always = Vec::new();
    for (i, (_, q)) in queries.iter().enumerate() {
        let literals = q.explain().literals;
        if literals.is_empty() {
            always.push(i as u32);
        }
        for l in literals {
            by_literal.entry(l).or_default().push(i as u32);
        }
    }
    let mut top: Vec<(String, usize)> = by_literal.iter().map(|(l, q)| (l.clone(), q.len())).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(8);

    let (mut total, mut some, mut n) = (0usize, 0usize, 0usize);
    let mut hit: HashSet<u32> = HashSet::new();
    for (title, text, url) in mentions.take(sample) {
        hit.clear();
        hit.extend(always.iter().copied());
        let mut look = |lit: &str| {
            if let Some(qs) = by_literal.get(lit) {
                hit.extend(qs.iter().copied());
            }
        };
        for field in [title, text] {
            let words = ast::tokens(field);
            for (k, w) in words.iter().enumerate() {
                look(w);
                if let Some(next) = words.get(k + 1) {
                    look(&format!("\"{w} {next}\""));
                }
                for (end, _) in w.char_indices().skip(3) {
                    look(&format!("{}*", &w[..end]));
                }
                look(&format!("{w}*"));
            }
        }
        let host = url.split("://").nth(1).unwrap_or("").split(['/', '?', '#', ':']).next().unwrap_or("");
        let mut h = host.strip_prefix("www.").unwrap_or(host);
        while !h.is_empty() {
            look(&format!("site:{h}"));
            h = h.split_once('.').map_or("", |(_, rest)| rest);
        }
        total += hit.len();
        some += usize::from(!hit.is_empty());
        n += 1;
    }
    let n = n.max(1) as f64;
    Estimate { per_mention: total as f64 / n, with_candidates: some as f64 / n, always: always.len(), top }
}
