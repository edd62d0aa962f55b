//! Prefilter anchors of a query: a set of literals at least one of which occurs in every matching document
//! (AND: the most selective child; OR: the union; NOT: none), or none when the query must always be evaluated.

use crate::ast::{Filter, LeafKind, Node, Pat, TextLeaf};

/// A literal the prefilter looks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Anchor {
    /// A folded word (a word, a hashtag's name, a mention's user part).
    Word(Box<str>),
    /// The folded literal start of a wildcard word (at least 3 characters; its first 3 are looked up).
    Prefix(Box<str>),
    /// A `site:` host.
    Host(Box<str>),
}

impl Anchor {
    pub fn display(&self) -> String {
        match self {
            Anchor::Word(w) => w.to_string(),
            Anchor::Prefix(p) => format!("{p}*"),
            Anchor::Host(h) => format!("site:{h}"),
        }
    }
}

/// The anchors of a query, deduplicated and sorted; `None` if it has none (it is then always evaluated).
pub(crate) fn anchors(node: &Node) -> Option<Vec<Anchor>> {
    let (mut set, _) = select(node)?;
    set.sort();
    set.dedup();
    Some(set)
}

/// Anchors with an estimated cost (how often they would let a document through).
fn select(node: &Node) -> Option<(Vec<Anchor>, u32)> {
    match node {
        Node::And(items) => items.iter().filter_map(select).min_by_key(|(_, cost)| *cost),
        Node::Or(items) => {
            let mut all = Vec::new();
            let mut total = 0u32;
            for item in items {
                let (set, cost) = select(item)?;
                all.extend(set);
                total = total.saturating_add(cost);
            }
            Some((all, total))
        }
        Node::Not(_) => None,
        Node::Near { left, right, .. } => [select(left), select(right)].into_iter().flatten().min_by_key(|(_, c)| *c),
        Node::Text(leaf) => leaf_anchor(leaf).map(|(a, c)| (vec![a], c)),
        Node::Field(Filter::Site(host)) => Some((vec![Anchor::Host(host.clone())], 30)),
        Node::Field(_) => None,
    }
}

/// The best word of a leaf.
fn leaf_anchor(leaf: &TextLeaf) -> Option<(Anchor, u32)> {
    leaf.words
        .iter()
        .filter_map(|pat| match pat {
            Pat::Exact(lit) | Pat::Cased { folded: lit, .. } => {
                let word = if leaf.kind == LeafKind::Mention {
                    lit.text.split('@').next().unwrap_or_default()
                } else {
                    &lit.text
                };
                Some((Anchor::Word(word.into()), word_cost(word)))
            }
            Pat::Wild { prefix, .. } if prefix.chars().count() >= 3 => {
                Some((Anchor::Prefix(prefix.clone()), 100u32.saturating_sub(prefix.chars().count() as u32)))
            }
            Pat::Wild { .. } => None,
        })
        .min_by_key(|(_, cost)| *cost)
}

/// Common French and English words: poor anchors.
const COMMON: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "cette", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils",
    "je", "la", "le", "les", "leur", "mais", "me", "mon", "ne", "nous", "on", "ou", "par", "pas", "plus", "pour", "qu",
    "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tu", "un", "une", "vous", "y", "c", "d", "j", "l", "m",
    "n", "s", "t", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he", "i", "if",
    "in", "is", "it", "its", "my", "not", "of", "on", "or", "our", "she", "so", "that", "the", "their", "this", "to",
    "was", "we", "were", "with", "you", "your", "tout", "tres", "bien", "fait", "faire", "comme", "very", "all",
    "just", "can", "will", "one", "new", "nouveau", "nouvelle",
];

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
