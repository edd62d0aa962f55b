//! One matcher for all active queries: a prefilter (folded word → queries, wildcard 3-character prefix → queries,
//! host → queries, plus the few queries without anchors), then exact evaluation of the candidates only.

use crate::anchors::Anchor;
use crate::doc::{Document, Prepared};
use crate::eval::eval;
use crate::fold::prefix_key;
use crate::Query;
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

/// All active queries in one matcher.
#[derive(Debug, Default)]
pub struct Matcher {
    /// Query ids, ascending (the index of a query is its place here).
    ids: Vec<u64>,
    queries: Vec<Query>,
    words: FxHashMap<Box<[u8]>, Postings>,
    prefixes: FxHashMap<u64, Postings>,
    hosts: FxHashMap<Box<str>, Postings>,
    postings: Vec<u32>,
    /// Queries without anchors, checked on every document.
    always: Vec<u32>,
}

/// A slice of [`Matcher::postings`].
#[derive(Debug, Clone, Copy)]
struct Postings {
    start: u32,
    len: u32,
}

/// Reusable buffers for [`Matcher::matches`], one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    prepared: Prepared,
    /// `stamps[q] == generation` once query `q` is a candidate for the current document.
    stamps: Vec<u32>,
    generation: u32,
    candidates: Vec<u32>,
}

impl Matcher {
    /// Builds the matcher of these queries (ids need not be unique nor sorted).
    pub fn new(queries: impl IntoIterator<Item = (u64, Query)>) -> Matcher {
        let mut all: Vec<(u64, Query)> = queries.into_iter().collect();
        all.sort_by_key(|(id, _)| *id);
        let mut words: FxHashMap<Box<[u8]>, Vec<u32>> = FxHashMap::default();
        let mut prefixes: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut hosts: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut always = Vec::new();
        for (index, (_, query)) in all.iter().enumerate() {
            let index = index as u32;
            let Some(anchors) = &query.anchors else {
                always.push(index);
                continue;
            };
            for anchor in anchors {
                let list = match anchor {
                    Anchor::Word(w) => words.entry(w.as_bytes().into()).or_default(),
                    Anchor::Prefix(p) => match prefix_key(p) {
                        Some(key) => prefixes.entry(key).or_default(),
                        None => continue,
                    },
                    Anchor::Host(h) => hosts.entry(h.clone()).or_default(),
                };
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }
        let mut postings = Vec::new();
        let words = freeze(words, &mut postings);
        let prefixes = freeze(prefixes, &mut postings);
        let hosts = freeze(hosts, &mut postings);
        let (ids, queries) = all.into_iter().unzip();
        Matcher { ids, queries, words, prefixes, hosts, postings, always }
    }

    /// Number of queries.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// Clears `out`, then pushes the ids of the queries that match `doc`, ascending, without duplicates.
    pub fn matches(&self, doc: &Document<'_>, scratch: &mut Scratch, out: &mut Vec<u64>) {
        out.clear();
        if self.queries.is_empty() {
            return;
        }
        let Scratch { prepared, stamps, generation, candidates } = scratch;
        prepared.prepare(doc);
        if stamps.len() != self.queries.len() {
            stamps.clear();
            stamps.resize(self.queries.len(), 0);
        }
        *generation = generation.wrapping_add(1);
        if *generation == 0 {
            stamps.fill(0);
            *generation = 1;
        }
        let generation = *generation;
        candidates.clear();
        let mut add = |p: &Postings| {
            let start = p.start as usize;
            for &q in self.postings.get(start..start + p.len as usize).unwrap_or_default() {
                if let Some(stamp) = stamps.get_mut(q as usize) {
                    if *stamp != generation {
                        *stamp = generation;
                        candidates.push(q);
                    }
                }
            }
        };
        let toks = &prepared.body;
        let with_prefixes = !self.prefixes.is_empty();
        for t in &toks.tokens {
            let (form, label) = toks.plain_forms(t);
            for form in std::iter::once(form).chain(label) {
                if let Some(p) = self.words.get(form) {
                    add(p);
                }
                if with_prefixes {
                    if let Some(p) = byte_prefix_key(form).and_then(|k| self.prefixes.get(&k)) {
                        add(p);
                    }
                }
            }
        }
        if !self.hosts.is_empty() {
            let mut host = prepared.host(doc);
            while !host.is_empty() {
                if let Some(p) = self.hosts.get(host) {
                    add(p);
                }
                host = host.split_once('.').map_or("", |(_, rest)| rest);
            }
        }
        candidates.extend_from_slice(&self.always);
        candidates.sort_unstable();
        for &q in candidates.iter() {
            let (Some(query), Some(&id)) = (self.queries.get(q as usize), self.ids.get(q as usize)) else { continue };
            if out.last() != Some(&id) && eval(&query.root, doc, prepared) {
                out.push(id);
            }
        }
    }
}

/// The prefix key of a folded word given as bytes.
#[inline]
fn byte_prefix_key(form: &[u8]) -> Option<u64> {
    match form {
        [a, b, c, ..] if *a < 0x80 && *b < 0x80 && *c < 0x80 => {
            Some(((*a as u64) << 42) | ((*b as u64) << 21) | *c as u64)
        }
        _ => std::str::from_utf8(form).ok().and_then(prefix_key),
    }
}

/// Moves the posting lists into one vector.
fn freeze<K: std::hash::Hash + Eq>(map: FxHashMap<K, Vec<u32>>, postings: &mut Vec<u32>) -> FxHashMap<K, Postings> {
    let mut out = FxHashMap::default();
    out.reserve(map.len());
    for (key, list) in map {
        let p = Postings { start: postings.len() as u32, len: list.len() as u32 };
        postings.extend(list);
        if let Entry::Vacant(v) = out.entry(key) {
            v.insert(p);
        }
    }
    out
}
