//! One matcher for all active queries: a prefilter (hashes of folded words and of consecutive word pairs behind
//! a small bit filter, 3-character prefixes of wildcards, hosts, and the few queries without anchors), then exact
//! evaluation of the candidate queries only.

use crate::anchors::{self, Anchor};
use crate::doc::{Document, Prepared};
use crate::eval::eval;
use crate::fold::{pair_hash, prefix_hash, word_hash, PREFIX_LENGTHS};
use crate::Query;
use rustc_hash::FxHashMap;

/// All active queries in one matcher.
#[derive(Debug, Default)]
pub struct Matcher {
    /// Query ids, ascending (the index of a query is its place here).
    ids: Vec<u64>,
    queries: Vec<Query>,
    /// Hash of a word or of a pair of words → queries. A collision only adds a candidate.
    words: FxHashMap<u64, Postings>,
    /// One bit per word hash (modulo its size): most words of a document are in no query, and are rejected here.
    filter: Vec<u64>,
    has_pairs: bool,
    /// Bit `n` set: some wildcard is looked up by its first `n` characters.
    prefix_lengths: u32,
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

/// The anchor cost used by the matcher: an anchor that many queries could use is probably a common word.
fn costs(all: &[(u64, Query)]) -> FxHashMap<Anchor, u32> {
    let mut counts: FxHashMap<Anchor, u32> = FxHashMap::default();
    let mut options = Vec::new();
    for (_, query) in all {
        options.clear();
        anchors::possible(&query.root, &mut options);
        options.sort();
        options.dedup();
        for a in options.drain(..) {
            *counts.entry(a).or_default() += 1;
        }
    }
    counts
}

impl Matcher {
    /// Builds the matcher of these queries (ids need not be unique nor sorted).
    pub fn new(queries: impl IntoIterator<Item = (u64, Query)>) -> Matcher {
        let mut all: Vec<(u64, Query)> = queries.into_iter().collect();
        all.sort_by_key(|(id, _)| *id);
        let counts = costs(&all);
        let cost = |a: &Anchor| {
            let shared = counts.get(a).copied().unwrap_or(1).saturating_sub(1);
            anchors::base_cost(a).saturating_add(shared.saturating_mul(2).min(2000))
        };
        let mut words: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut hosts: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut always = Vec::new();
        let mut has_pairs = false;
        let mut prefix_lengths = 0u32;
        for (index, (_, query)) in all.iter().enumerate() {
            let index = index as u32;
            let Some(anchors) = anchors::anchors(&query.root, &cost) else {
                always.push(index);
                continue;
            };
            for anchor in &anchors {
                let list = match anchor {
                    Anchor::Word(w) => words.entry(word_hash(w.as_bytes())).or_default(),
                    Anchor::Pair(a, b) => {
                        has_pairs = true;
                        words.entry(pair_hash(word_hash(a.as_bytes()), word_hash(b.as_bytes()))).or_default()
                    }
                    Anchor::Prefix(p) => {
                        let n = p.chars().count().min(*PREFIX_LENGTHS.end());
                        match prefix_hash(p.as_bytes(), n).filter(|_| PREFIX_LENGTHS.contains(&n)) {
                            Some(key) => {
                                prefix_lengths |= 1 << n;
                                words.entry(key).or_default()
                            }
                            None => continue,
                        }
                    }
                    Anchor::Host(h) => hosts.entry(h.clone()).or_default(),
                };
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }
        let bits = (words.len() * 16).next_power_of_two().max(4096);
        let mut filter = vec![0u64; bits / 64];
        for &h in words.keys() {
            set_bit(&mut filter, h);
        }
        let mut postings = Vec::new();
        let words = freeze(words, &mut postings);
        let hosts = freeze(hosts, &mut postings);
        let (ids, queries) = all.into_iter().unzip();
        Matcher { ids, queries, words, filter, has_pairs, prefix_lengths, hosts, postings, always }
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
        // Most words are in no query: the bit filter turns them away before the map.
        let (filter, words) = (&self.filter, &self.words);
        let probe = |h: u64, add: &mut _| {
            if has_bit(filter, h) {
                if let Some(p) = words.get(&h) {
                    call(add, p);
                }
            }
        };
        let toks = &prepared.body;
        let mut previous: Option<(u64, u64)> = None;
        for (i, t) in toks.tokens.iter().enumerate() {
            probe(t.hash, &mut add);
            if t.hash2 != t.hash {
                probe(t.hash2, &mut add);
            }
            if self.has_pairs {
                if let Some((p1, p2)) = previous.filter(|_| i != prepared.title_end) {
                    probe(pair_hash(p1, t.hash), &mut add);
                    if t.hash2 != t.hash {
                        probe(pair_hash(p1, t.hash2), &mut add);
                    }
                    if p2 != p1 {
                        probe(pair_hash(p2, t.hash), &mut add);
                        if t.hash2 != t.hash {
                            probe(pair_hash(p2, t.hash2), &mut add);
                        }
                    }
                }
                previous = Some((t.hash, t.hash2));
            }
            if self.prefix_lengths != 0 {
                let (form, label) = toks.plain_forms(t);
                for form in std::iter::once(form).chain(label) {
                    for n in PREFIX_LENGTHS {
                        if self.prefix_lengths & (1 << n) != 0 {
                            match prefix_hash(form, n) {
                                Some(h) => probe(h, &mut add),
                                None => break,
                            }
                        }
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
        if candidates.is_empty() {
            return;
        }
        candidates.sort_unstable();
        prepared.index();
        for &q in candidates.iter() {
            let (Some(query), Some(&id)) = (self.queries.get(q as usize), self.ids.get(q as usize)) else { continue };
            if out.last() != Some(&id) && eval(&query.root, doc, prepared) {
                out.push(id);
            }
        }
    }
}

#[inline]
fn call(add: &mut impl FnMut(&Postings), p: &Postings) {
    add(p)
}

#[inline]
fn bit_of(filter: &[u64], h: u64) -> (usize, u64) {
    let bits = (filter.len() * 64) as u64;
    let bit = (h >> 7) & (bits - 1);
    ((bit / 64) as usize, 1 << (bit % 64))
}

fn set_bit(filter: &mut [u64], h: u64) {
    let (word, mask) = bit_of(filter, h);
    if let Some(w) = filter.get_mut(word) {
        *w |= mask;
    }
}

#[inline]
fn has_bit(filter: &[u64], h: u64) -> bool {
    let (word, mask) = bit_of(filter, h);
    filter.get(word).is_some_and(|w| w & mask != 0)
}

/// Moves the posting lists into one vector.
fn freeze<K: std::hash::Hash + Eq>(map: FxHashMap<K, Vec<u32>>, postings: &mut Vec<u32>) -> FxHashMap<K, Postings> {
    let mut out = FxHashMap::default();
    out.reserve(map.len());
    for (key, list) in map {
        let p = Postings { start: postings.len() as u32, len: list.len() as u32 };
        postings.extend(list);
        out.insert(key, p);
    }
    out
}
