//! One matcher for all active queries: a prefilter (hashes of folded words and of consecutive word pairs behind
//! a small bit filter, 3-character prefixes of wildcards, hosts, and the few queries without anchors), then exact
//! evaluation of the candidate queries only.

use crate::anchors::{self, Anchor};
use crate::doc::{Document, Prepared};
use crate::eval::eval;
use crate::fold::{key_prefix, pair_hash, prefix_hash, prefix_hash_keyed, word_hash, word_key, PREFIX_LENGTHS};
use crate::tokenize::Tokens;
use crate::Query;
use rustc_hash::FxHashMap;

/// From this many candidate queries on, a document's tokens are indexed before evaluating them.
const INDEX_AFTER: usize = 8;

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
    /// One bit per hash of a word that starts a pair anchor: pairs are hashed only after such a word.
    firsts: Vec<u64>,
    has_pairs: bool,
    /// The lengths `n` (ascending) such that some wildcard is looked up by its first `n` characters.
    prefix_ns: Vec<usize>,
    hosts: FxHashMap<Box<str>, Postings>,
    /// (query, guard) pairs.
    postings: Vec<(u32, u32)>,
    /// Queries without anchors, checked on every document.
    always: Vec<u32>,
    /// Checked when an anchor is found, before its query becomes a candidate (0: nothing to check).
    guards: Vec<Guard>,
}

/// At most this many guard words per query.
const MAX_GUARDS: usize = 3;

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

/// An anchor and its guard words.
type Guarded = (Anchor, Vec<Anchor>);

/// Each query's anchors, chosen by their cost among all queries, with their guard words (rarest first).
fn choose(all: &[(u64, Query)]) -> Vec<Option<Vec<Guarded>>> {
    let counts = costs(all);
    let cost = |a: &Anchor| {
        let shared = counts.get(a).copied().unwrap_or(1).saturating_sub(1);
        anchors::base_cost(a).saturating_add(shared.saturating_mul(2).min(2000))
    };
    all.iter()
        .map(|(_, q)| {
            let mut choices = anchors::choices(&q.root, &cost)?;
            choices.sort_by(|a, b| a.anchor.cmp(&b.anchor));
            let mut out: Vec<Guarded> = Vec::with_capacity(choices.len());
            for anchors::Choice { anchor, mut guards } in choices {
                // The anchor's own words are there whenever it is found.
                guards.retain(|g| match (&anchor, g) {
                    (Anchor::Word(w), Anchor::Word(g)) => w != g,
                    (Anchor::Pair(a, b), Anchor::Word(g)) => a != g && b != g,
                    _ => true,
                });
                guards.sort();
                guards.dedup();
                guards.sort_by_cached_key(|g| cost(g));
                guards.truncate(MAX_GUARDS);
                match out.last_mut() {
                    // The same anchor reached twice: either way lets the query through.
                    Some((last, kept)) if *last == anchor => kept.retain(|g| guards.contains(g)),
                    _ => out.push((anchor, guards)),
                }
            }
            Some(out)
        })
        .collect()
}

/// Words that must all be in the document (in its bloom of token hashes), and for a wildcard anchor the first
/// bytes the token must start with (the prefix looked up may be shorter than the wildcard's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Guard {
    words: [u64; MAX_GUARDS],
    len: u8,
    head_len: u8,
    head: u64,
}

impl Guard {
    /// `key` and `form_len`: the packed first bytes and the length of the token form that was looked up.
    #[inline]
    fn pass(&self, toks: &Tokens, key: u64, form_len: usize) -> bool {
        let head_len = self.head_len as usize;
        (head_len == 0 || (form_len >= head_len && key_prefix(key, head_len) == self.head))
            && self.words.iter().take(self.len as usize).all(|&h| toks.may_have(h))
    }
}

impl Matcher {
    /// Builds the matcher of these queries (ids need not be unique nor sorted).
    pub fn new(queries: impl IntoIterator<Item = (u64, Query)>) -> Matcher {
        let mut all: Vec<(u64, Query)> = queries.into_iter().collect();
        all.sort_by_key(|(id, _)| *id);
        let chosen = choose(&all);
        let mut words: FxHashMap<u64, Vec<(u32, u32)>> = FxHashMap::default();
        let mut hosts: FxHashMap<Box<str>, Vec<(u32, u32)>> = FxHashMap::default();
        let mut always = Vec::new();
        let mut has_pairs = false;
        let mut first_words = Vec::new();
        let mut prefix_lengths = 0u32;
        let mut guards = vec![Guard::default()];
        let mut guard_ids: FxHashMap<Guard, u32> = FxHashMap::default();
        guard_ids.insert(Guard::default(), 0);
        for (index, anchors) in chosen.iter().enumerate() {
            let index = index as u32;
            let Some(anchors) = anchors else {
                always.push(index);
                continue;
            };
            for (anchor, guard_words) in anchors {
                let mut guard = Guard::default();
                for (slot, w) in guard.words.iter_mut().zip(guard_words) {
                    if let Anchor::Word(w) = w {
                        *slot = word_hash(w.as_bytes());
                        guard.len += 1;
                    }
                }
                if let Anchor::Prefix(p) = anchor {
                    let n = p.len().min(8);
                    if p.chars().count() > *PREFIX_LENGTHS.end() {
                        guard.head_len = n as u8;
                        guard.head = word_key(p.as_bytes().get(..n).unwrap_or_default());
                    }
                }
                let guard = *guard_ids.entry(guard).or_insert_with(|| {
                    guards.push(guard);
                    guards.len() as u32 - 1
                });
                let list = match anchor {
                    Anchor::Word(w) => words.entry(word_hash(w.as_bytes())).or_default(),
                    Anchor::Pair(a, b) => {
                        has_pairs = true;
                        let first = word_hash(a.as_bytes());
                        first_words.push(first);
                        words.entry(pair_hash(first, word_hash(b.as_bytes()))).or_default()
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
                if list.last().is_none_or(|&(q, _)| q != index) {
                    list.push((index, guard));
                }
            }
        }
        let bits = (words.len() * 16).next_power_of_two().max(4096);
        let mut filter = vec![0u64; bits / 64];
        for &h in words.keys() {
            set_bit(&mut filter, h);
        }
        let bits = (first_words.len() * 16).next_power_of_two().max(1024);
        let mut firsts = vec![0u64; bits / 64];
        for &h in &first_words {
            set_bit(&mut firsts, h);
        }
        let mut postings = Vec::new();
        let words = freeze(words, &mut postings);
        let hosts = freeze(hosts, &mut postings);
        let (ids, queries): (Vec<u64>, Vec<Query>) = all.into_iter().unzip();
        // A query's nodes, copied one query after the other, lie close together in memory: evaluating a candidate
        // then reads a few neighbouring cache lines instead of allocations scattered since parsing.
        let queries = queries.iter().map(Query::clone).collect();
        let prefix_ns = PREFIX_LENGTHS.filter(|n| prefix_lengths & (1 << n) != 0).collect();
        Matcher { ids, queries, words, filter, firsts, has_pairs, prefix_ns, hosts, postings, always, guards }
    }

    /// The anchors the matcher would choose for each query (as `explain()` shows them): for measuring.
    #[doc(hidden)]
    pub fn anchor_report(queries: &[(u64, Query)]) -> Vec<Vec<String>> {
        choose(queries).iter().map(|a| a.iter().flatten().map(|(a, _)| a.display()).collect()).collect()
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
        self.prefilter(doc, scratch);
        let Scratch { prepared, candidates, .. } = scratch;
        if candidates.is_empty() {
            return;
        }
        // A few candidates compare the tokens' hashes; many share the cost of an index.
        if candidates.len() >= INDEX_AFTER {
            prepared.index();
        }
        for &q in candidates.iter() {
            let (Some(query), Some(&id)) = (self.queries.get(q as usize), self.ids.get(q as usize)) else { continue };
            if out.last() != Some(&id) && eval(&query.root, doc, prepared) {
                out.push(id);
            }
        }
    }

    /// The ids of the queries the prefilter lets through for `doc` (ascending, possibly repeated ids): for
    /// measuring how selective the anchors are.
    #[doc(hidden)]
    pub fn candidates(&self, doc: &Document<'_>, scratch: &mut Scratch, out: &mut Vec<u64>) {
        out.clear();
        if self.queries.is_empty() {
            return;
        }
        self.prefilter(doc, scratch);
        out.extend(scratch.candidates.iter().filter_map(|&q| self.ids.get(q as usize)));
    }

    /// Prepares the document and leaves in `scratch.candidates` the queries (indices, ascending) to evaluate.
    fn prefilter(&self, doc: &Document<'_>, scratch: &mut Scratch) {
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
        if !self.hosts.is_empty() {
            prepared.host(doc);
        }
        let toks = &prepared.body;
        let mut found = Found {
            stamps: &mut stamps[..],
            generation,
            candidates,
            postings: &self.postings,
            guards: &self.guards,
            toks,
        };
        // Most words are in no query: the bit filter turns them away before the map.
        let (filter, words) = (&self.filter, &self.words);
        let probe = |h: u64, key: u64, form_len: usize, found: &mut Found<'_>| {
            if has_bit(filter, h) {
                if let Some(p) = words.get(&h) {
                    found.add(p, key, form_len);
                }
            }
        };
        let (firsts, prefix_ns) = (&self.firsts, &self.prefix_ns[..]);
        // The hashes of the previous token that start some pair anchor.
        let (mut first1, mut first2): (Option<u64>, Option<u64>) = (None, None);
        for (i, t) in toks.tokens.iter().enumerate() {
            let two = t.hash2 != t.hash;
            probe(t.hash, 0, 0, &mut found);
            if two {
                probe(t.hash2, 0, 0, &mut found);
            }
            if self.has_pairs {
                if i != prepared.title_end {
                    if let Some(first) = first1 {
                        probe(pair_hash(first, t.hash), 0, 0, &mut found);
                        if two {
                            probe(pair_hash(first, t.hash2), 0, 0, &mut found);
                        }
                    }
                    if let Some(first) = first2 {
                        probe(pair_hash(first, t.hash), 0, 0, &mut found);
                        if two {
                            probe(pair_hash(first, t.hash2), 0, 0, &mut found);
                        }
                    }
                }
                first1 = has_bit(firsts, t.hash).then_some(t.hash);
                first2 = (two && has_bit(firsts, t.hash2)).then_some(t.hash2);
            }
            // A word of fewer bytes than the shortest prefix has fewer characters too.
            if prefix_ns.first().is_some_and(|&n| n <= t.user_len.max(t.label_len) as usize) {
                // The plain forms of the token: the word or tag, or a mention's user part and first label.
                let all = toks.folded(t);
                let user = all.get(..t.user_len as usize).unwrap_or_default();
                for &n in prefix_ns {
                    match prefix_hash_keyed(user, t.key, n) {
                        Some(h) => probe(h, t.key, user.len(), &mut found),
                        None => break,
                    }
                }
                if t.label_len != t.user_len {
                    let label = all.get(..t.label_len as usize).unwrap_or_default();
                    for &n in prefix_ns {
                        match prefix_hash_keyed(label, t.key, n) {
                            Some(h) => probe(h, t.key, label.len(), &mut found),
                            None => break,
                        }
                    }
                }
            }
        }
        if !self.hosts.is_empty() {
            let mut host = prepared.cached_host();
            while !host.is_empty() {
                if let Some(p) = self.hosts.get(host) {
                    found.add(p, 0, 0);
                }
                host = host.split_once('.').map_or("", |(_, rest)| rest);
            }
        }
        candidates.extend_from_slice(&self.always);
        candidates.sort_unstable();
    }
}

/// The candidates of one document as they are found.
struct Found<'a> {
    stamps: &'a mut [u32],
    generation: u32,
    candidates: &'a mut Vec<u32>,
    postings: &'a [(u32, u32)],
    guards: &'a [Guard],
    toks: &'a Tokens,
}

impl Found<'_> {
    /// The queries of an anchor found (in a token form of `form_len` bytes with packed first bytes `key`) whose
    /// guards pass.
    #[inline]
    fn add(&mut self, p: &Postings, key: u64, form_len: usize) {
        let start = p.start as usize;
        for &(q, g) in self.postings.get(start..start + p.len as usize).unwrap_or_default() {
            if let Some(stamp) = self.stamps.get_mut(q as usize) {
                if *stamp != self.generation
                    && (g == 0 || self.guards.get(g as usize).is_some_and(|guard| guard.pass(self.toks, key, form_len)))
                {
                    *stamp = self.generation;
                    self.candidates.push(q);
                }
            }
        }
    }
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
fn freeze<K: std::hash::Hash + Eq>(
    map: FxHashMap<K, Vec<(u32, u32)>>,
    postings: &mut Vec<(u32, u32)>,
) -> FxHashMap<K, Postings> {
    let mut out = FxHashMap::default();
    out.reserve(map.len());
    for (key, list) in map {
        let p = Postings { start: postings.len() as u32, len: list.len() as u32 };
        postings.extend(list);
        out.insert(key, p);
    }
    out
}
