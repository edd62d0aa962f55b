//! Prefilter anchors of a query: a set of literals at least one of which occurs in every matching document
//! (AND: the most selective child; OR: the union; NOT: none; a phrase: its rarest word or pair of consecutive
//! words), or none when the query must always be evaluated.

use crate::ast::{Filter, LeafKind, Node, Pat, TextLeaf};

/// A literal the prefilter looks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Anchor {
    /// A folded word (a word, a hashtag's name, a mention's user part).
    Word(Box<str>),
    /// Two consecutive folded words of a phrase.
    Pair(Box<str>, Box<str>),
    /// The folded literal start of a wildcard word (at least 3 characters; its first 3 are looked up).
    Prefix(Box<str>),
    /// A `site:` host.
    Host(Box<str>),
}

impl Anchor {
    pub fn display(&self) -> String {
        match self {
            Anchor::Word(w) => w.to_string(),
            Anchor::Pair(a, b) => format!("\"{a} {b}\""),
            Anchor::Prefix(p) => format!("{p}*"),
            Anchor::Host(h) => format!("site:{h}"),
        }
    }
}

/// The anchors of a query, deduplicated and sorted; `None` if it has none (it is then always evaluated).
/// `cost` estimates how many documents an anchor lets through.
pub(crate) fn anchors(node: &Node, cost: &dyn Fn(&Anchor) -> u32) -> Option<Vec<Anchor>> {
    let (mut set, _) = select(node, cost)?;
    set.sort();
    set.dedup();
    Some(set)
}

/// Every anchor a query could use (to count, over all queries, how common each one is).
pub(crate) fn possible(node: &Node, out: &mut Vec<Anchor>) {
    match node {
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| possible(n, out)),
        Node::Near { left, right, .. } => {
            possible(left, out);
            possible(right, out);
        }
        Node::Text(leaf) => out.extend(leaf_options(leaf)),
        Node::Field(Filter::Site(host)) => out.push(Anchor::Host(host.clone())),
        Node::Not(_) | Node::Field(_) => {}
    }
}

/// Words (as [`Anchor::Word`]) that every document the node matches has among its tokens' hashes: all the exact
/// words of a leaf, of every side of an AND or NEAR, and those common to every branch of an OR. Sorted, unique.
pub(crate) fn required(node: &Node) -> Vec<Anchor> {
    let mut out = match node {
        Node::And(items) => items.iter().flat_map(required).collect(),
        Node::Near { left, right, .. } => {
            let mut all = required(left);
            all.extend(required(right));
            all
        }
        Node::Or(items) => {
            let mut iter = items.iter();
            let mut common = iter.next().map(required).unwrap_or_default();
            for item in iter {
                if common.is_empty() {
                    break;
                }
                let other = required(item);
                common.retain(|a| other.binary_search(a).is_ok());
            }
            common
        }
        Node::Text(leaf) => leaf_options(leaf).filter(|a| matches!(a, Anchor::Word(_))).collect(),
        Node::Not(_) | Node::Field(_) => Vec::new(),
    };
    out.sort();
    out.dedup();
    out
}

/// An anchor, and words (as [`Anchor::Word`]) that every document the query matches through it has.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub anchor: Anchor,
    pub guards: Vec<Anchor>,
}

/// Like [`anchors`], each anchor with the words required beside it (by the AND, NEAR and phrases around it).
pub(crate) fn choices(node: &Node, cost: &dyn Fn(&Anchor) -> u32) -> Option<Vec<Choice>> {
    select_guarded(node, cost).map(|(set, _)| set)
}

fn select_guarded(node: &Node, cost: &dyn Fn(&Anchor) -> u32) -> Option<(Vec<Choice>, u32)> {
    match node {
        Node::And(_) | Node::Near { .. } => {
            let best = match node {
                Node::And(items) => items.iter().filter_map(|n| select_guarded(n, cost)).min_by_key(|(_, c)| *c),
                Node::Near { left, right, .. } => [select_guarded(left, cost), select_guarded(right, cost)]
                    .into_iter()
                    .flatten()
                    .min_by_key(|(_, c)| *c),
                _ => None,
            };
            let (mut set, c) = best?;
            let all = required(node);
            for choice in &mut set {
                choice.guards.extend(all.iter().cloned());
            }
            Some((set, c))
        }
        Node::Or(items) => {
            let mut all = Vec::new();
            let mut total = 0u32;
            for item in items {
                let (set, c) = select_guarded(item, cost)?;
                all.extend(set);
                total = total.saturating_add(c);
            }
            Some((all, total))
        }
        Node::Text(_) => {
            let (set, c) = select(node, cost)?;
            let all = required(node);
            Some((set.into_iter().map(|anchor| Choice { anchor, guards: all.clone() }).collect(), c))
        }
        Node::Not(_) | Node::Field(_) => {
            let (set, c) = select(node, cost)?;
            Some((set.into_iter().map(|anchor| Choice { anchor, guards: Vec::new() }).collect(), c))
        }
    }
}

fn select(node: &Node, cost: &dyn Fn(&Anchor) -> u32) -> Option<(Vec<Anchor>, u32)> {
    match node {
        Node::And(items) => items.iter().filter_map(|n| select(n, cost)).min_by_key(|(_, c)| *c),
        Node::Or(items) => {
            let mut all = Vec::new();
            let mut total = 0u32;
            for item in items {
                let (set, c) = select(item, cost)?;
                all.extend(set);
                total = total.saturating_add(c);
            }
            Some((all, total))
        }
        Node::Not(_) => None,
        Node::Near { left, right, .. } => {
            [select(left, cost), select(right, cost)].into_iter().flatten().min_by_key(|(_, c)| *c)
        }
        Node::Text(leaf) => {
            leaf_options(leaf).map(|a| (cost(&a), a)).min_by_key(|(c, _)| *c).map(|(c, a)| (vec![a], c))
        }
        Node::Field(Filter::Site(host)) => {
            let a = Anchor::Host(host.clone());
            let c = cost(&a);
            Some((vec![a], c))
        }
        Node::Field(_) => None,
    }
}

/// The anchors a leaf could use: each word, each pair of consecutive exact words, each wildcard prefix.
fn leaf_options(leaf: &TextLeaf) -> impl Iterator<Item = Anchor> + '_ {
    // Pairs only for words that a plain or exact-case phrase matches one after the other.
    let phrase = matches!(leaf.kind, LeafKind::Plain | LeafKind::Cased);
    let exact = |p: &Pat| match p {
        Pat::Exact(lit) | Pat::Cased { folded: lit, .. } => Some(lit.text.clone()),
        Pat::Wild { .. } => None,
    };
    let singles = leaf.words.iter().filter_map(move |pat| match pat {
        Pat::Exact(lit) | Pat::Cased { folded: lit, .. } => {
            let word =
                if leaf.kind == LeafKind::Mention { lit.text.split('@').next().unwrap_or_default() } else { &lit.text };
            Some(Anchor::Word(word.into()))
        }
        Pat::Wild { prefix, .. } if prefix.chars().count() >= 3 => Some(Anchor::Prefix(prefix.clone())),
        Pat::Wild { .. } => None,
    });
    let pairs = leaf
        .words
        .windows(2)
        .filter(move |_| phrase)
        .filter_map(move |w| Some(Anchor::Pair(exact(&w[0])?, exact(&w[1])?)));
    singles.chain(pairs)
}

/// Common French and English words: poor anchors.
const COMMON: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "cette", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils",
    "je", "la", "le", "les", "leur", "mais", "me", "mon", "ne", "nous", "on", "ou", "par", "pas", "plus", "pour", "qu",
    "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tu", "un", "une", "vous", "y", "c", "d", "j", "l", "m",
    "n", "s", "t", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he", "i", "if",
    "in", "is", "it", "its", "my", "not", "of", "on", "or", "our", "she", "so", "that", "the", "their", "this", "to",
    "was", "we", "were", "with", "you", "your", "tout", "tres", "bien", "fait", "faire", "comme", "very", "all",
    "just", "can", "will", "one", "new", "nouveau", "nouvelle", "service", "client", "clients", "merci", "thanks",
    "avis", "prix", "price", "today", "aujourd", "hui", "encore", "still", "good", "bad",
];

/// The cost of an anchor from its own text: common and short words let many documents through.
pub(crate) fn base_cost(anchor: &Anchor) -> u32 {
    match anchor {
        Anchor::Word(w) => word_cost(w),
        Anchor::Pair(a, b) => (word_cost(a).min(word_cost(b)) / 8).max(2),
        Anchor::Prefix(p) => match p.chars().count() {
            0..=3 => 120,
            4 => 60,
            _ => 30,
        },
        Anchor::Host(_) => 30,
    }
}

fn word_cost(word: &str) -> u32 {
    if COMMON.contains(&word) {
        return 1000;
    }
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return 200;
    }
    match word.chars().count() {
        0 | 1 => 500,
        2 => 300,
        3 => 80,
        4 => 40,
        5 => 20,
        _ => 10,
    }
}
