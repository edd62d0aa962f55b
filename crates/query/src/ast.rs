//! The parsed query tree: Boolean nodes, text leaves (words, phrases, wildcards, hashtags, mentions, exact
//! case) and field filters.

use crate::fold::{key_prefix, word_hash, word_key};

/// A node of the query tree.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// At most `dist` words between the two sides; `ordered`: left before right.
    Near {
        left: Box<Node>,
        right: Box<Node>,
        dist: u32,
        ordered: bool,
    },
    Text(TextLeaf),
    Field(Filter),
}

/// Where a text leaf looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Title and text.
    Body,
    Title,
}

/// Which tokens a text leaf accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeafKind {
    /// Words, and the word of a hashtag or mention.
    Plain,
    /// Hashtags only.
    Hashtag,
    /// Mentions only.
    Mention,
    /// Words with the same case as written.
    Cased,
}

/// A word, phrase, hashtag or mention: consecutive tokens, one pattern each.
#[derive(Debug, Clone)]
pub(crate) struct TextLeaf {
    pub scope: Scope,
    pub kind: LeafKind,
    pub words: Vec<Pat>,
    /// An exact word to look up in the document's index (its place in `words`, its hash); else tokens are scanned.
    pub probe: Option<(usize, u64)>,
}

impl TextLeaf {
    pub fn new(scope: Scope, kind: LeafKind, words: Vec<Pat>) -> TextLeaf {
        let probe = words.iter().enumerate().find_map(|(k, pat)| match pat {
            Pat::Exact(lit) | Pat::Cased { folded: lit, .. } => {
                // A mention is looked up by its user part (what comes before a second `@`).
                let text =
                    if kind == LeafKind::Mention { lit.text.split('@').next().unwrap_or_default() } else { &lit.text };
                Some((k, word_hash(text.as_bytes())))
            }
            Pat::Wild { .. } => None,
        });
        TextLeaf { scope, kind, words, probe }
    }
}

/// A folded literal with its packed first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lit {
    pub text: Box<str>,
    pub key: u64,
}

impl Lit {
    pub fn new(text: String) -> Lit {
        let key = word_key(text.as_bytes());
        Lit { text: text.into_boxed_str(), key }
    }

    /// Equal to these folded bytes.
    #[inline]
    pub fn eq_bytes(&self, folded: &[u8]) -> bool {
        folded == self.text.as_bytes()
    }

    /// Equal to a token's folded bytes, given their packed key (which settles words of up to 8 bytes).
    #[inline]
    pub fn eq_keyed(&self, folded: &[u8], key: u64) -> bool {
        key == self.key && folded.len() == self.text.len() && (folded.len() <= 8 || folded == self.text.as_bytes())
    }
}

/// One word of a leaf.
#[derive(Debug, Clone)]
pub(crate) enum Pat {
    Exact(Lit),
    /// Folded pattern with `?` (one character) and a final `*` (any end); `prefix` is what comes before the first.
    Wild {
        pattern: Box<str>,
        prefix: Box<str>,
        /// The packed first bytes of `prefix` (at most 8), compared before it.
        head: u64,
    },
    /// A word as written (case-sensitive), with its folded form for the prefilter.
    Cased {
        original: Box<str>,
        folded: Lit,
    },
}

impl Pat {
    /// A wildcard pattern with the literal `prefix` before its first wildcard.
    pub fn wild(pattern: Box<str>, prefix: Box<str>) -> Pat {
        let head = word_key(prefix.as_bytes().get(..prefix.len().min(8)).unwrap_or_default());
        Pat::Wild { pattern, prefix, head }
    }

    /// Whether a folded word matches this pattern (for `Cased`, the folded form only).
    #[inline]
    pub fn matches_folded(&self, folded: &[u8], key: u64) -> bool {
        match self {
            Pat::Exact(lit) | Pat::Cased { folded: lit, .. } => lit.eq_keyed(folded, key),
            Pat::Wild { pattern, prefix, head } => {
                let prefix = prefix.as_bytes();
                folded.len() >= prefix.len()
                    && key_prefix(key, prefix.len().min(8)) == *head
                    && (prefix.len() <= 8 || folded.starts_with(prefix))
                    && wild_matches(pattern, folded)
            }
        }
    }

    /// Same, for words taken from a mention (no packed key at hand).
    pub fn matches_part(&self, folded: &[u8]) -> bool {
        self.matches_folded(folded, word_key(folded))
    }
}

/// `?` is one character, a final `*` any end (possibly empty); everything else is literal.
pub(crate) fn wild_matches(pattern: &str, folded: &[u8]) -> bool {
    if folded.is_ascii() {
        // One byte per character of the word; a pattern's non-ASCII character matches none of them.
        let mut bytes = folded.iter();
        for &p in pattern.as_bytes() {
            match p {
                b'*' => return true,
                b'?' => {
                    if bytes.next().is_none() {
                        return false;
                    }
                }
                _ => {
                    if bytes.next() != Some(&p) {
                        return false;
                    }
                }
            }
        }
        return bytes.next().is_none();
    }
    let Ok(word) = std::str::from_utf8(folded) else { return false };
    let mut chars = word.chars();
    for p in pattern.chars() {
        match p {
            '*' => return true,
            '?' => {
                if chars.next().is_none() {
                    return false;
                }
            }
            _ => {
                if chars.next() != Some(p) {
                    return false;
                }
            }
        }
    }
    chars.next().is_none()
}

/// A field filter.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    /// The handle (lowercase, no `@`), or a word or phrase of the author's name (folded words).
    Author {
        handle: Box<str>,
        name: Vec<Lit>,
    },
    /// A host (lowercase, no `www.`): the URL's host or one of its subdomains.
    Site(Box<str>),
    /// A lowercase substring of the URL.
    Url(Box<str>),
    Lang(Box<str>),
    /// Canonical source name (`feed`, `bluesky`, `mastodon`).
    Source(&'static str),
    Sentiment(&'static str),
}
