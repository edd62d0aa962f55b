//! Exact evaluation of one query tree over a prepared document: Boolean nodes, words and phrases on tokens,
//! `NEAR` on token positions, field filters.

use crate::ast::{Filter, LeafKind, Node, Pat, Scope, TextLeaf};
use crate::doc::{Document, Prepared, Span};
use crate::index::Index;
use crate::leaves::canonical_source;
use crate::limits::MAX_NEAR_SPANS;
use crate::tokenize::{Kind, Token, Tokens};

/// The searched text of a document: tokens plus the original title and text (for `{exact case}`).
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub toks: &'a Tokens,
    pub index: &'a Index,
    pub title_end: usize,
    pub title: &'a str,
    pub text: &'a str,
}

impl<'a> View<'a> {
    pub fn body(p: &'a Prepared, doc: &Document<'a>) -> View<'a> {
        View { toks: &p.body, index: &p.index, title_end: p.title_end, title: doc.title, text: doc.text }
    }

    /// Token indices a scope looks at.
    pub fn range(&self, scope: Scope) -> std::ops::Range<usize> {
        match scope {
            Scope::Body => 0..self.toks.tokens.len(),
            Scope::Title => 0..self.title_end,
        }
    }

    /// End of the field (title or text) that token `i` is in: phrases do not cross it.
    #[inline]
    pub fn field_end(&self, i: usize) -> usize {
        if i < self.title_end {
            self.title_end
        } else {
            self.toks.tokens.len()
        }
    }

    fn original(&self, i: usize, t: &Token) -> &'a str {
        let src = if i < self.title_end { self.title } else { self.text };
        src.get(t.orig_start as usize..t.orig_end as usize).unwrap_or_default()
    }
}

pub(crate) fn eval(node: &Node, doc: &Document<'_>, p: &mut Prepared) -> bool {
    match node {
        Node::And(items) => items.iter().all(|n| eval(n, doc, p)),
        Node::Or(items) => items.iter().any(|n| eval(n, doc, p)),
        Node::Not(inner) => !eval(inner, doc, p),
        Node::Text(leaf) => leaf_matches(leaf, &View::body(p, doc)),
        Node::Near { .. } => {
            let start = p.spans.len();
            spans(node, doc, p);
            let found = p.spans.len() > start;
            p.spans.truncate(start);
            found
        }
        Node::Field(filter) => filter_matches(filter, doc, p),
    }
}

/// Whether one token matches one word of a leaf.
#[inline]
fn token_matches(kind: LeafKind, pat: &Pat, view: &View<'_>, i: usize, t: &Token) -> bool {
    let toks = view.toks;
    match kind {
        LeafKind::Plain => match t.kind {
            Kind::Word | Kind::Hashtag => pat.matches_folded(toks.folded(t), t.key),
            Kind::Mention => {
                let (user, label) = toks.plain_forms(t);
                pat.matches_part(user) || label.is_some_and(|l| pat.matches_part(l))
            }
        },
        LeafKind::Hashtag => t.kind == Kind::Hashtag && pat.matches_folded(toks.folded(t), t.key),
        LeafKind::Mention => {
            t.kind == Kind::Mention
                && (pat.matches_folded(toks.folded(t), t.key) || pat.matches_part(toks.plain_forms(t).0))
        }
        LeafKind::Cased => {
            t.kind != Kind::Mention
                && pat.matches_folded(toks.folded(t), t.key)
                && matches!(pat, Pat::Cased { original, .. } if **original == *view.original(i, t))
        }
    }
}

/// Whether the leaf's words match the tokens from `i` on (within `i`'s field).
#[inline]
fn leaf_at(leaf: &TextLeaf, view: &View<'_>, i: usize) -> bool {
    let tokens = &view.toks.tokens;
    let n = leaf.words.len();
    if i + n > view.field_end(i) {
        return false;
    }
    leaf.words.iter().enumerate().all(|(k, pat)| token_matches(leaf.kind, pat, view, i + k, &tokens[i + k]))
}

pub(crate) fn leaf_matches(leaf: &TextLeaf, view: &View<'_>) -> bool {
    let mut found = false;
    occurrences(leaf, view, |_| {
        found = true;
        false
    });
    found
}

/// Calls `f` with the start of each occurrence of the leaf (in no particular order) until it returns false.
/// Looks the leaf's exact word up in the document's index when there is one, else scans the tokens.
pub(crate) fn occurrences(leaf: &TextLeaf, view: &View<'_>, mut f: impl FnMut(usize) -> bool) {
    let range = view.range(leaf.scope);
    match leaf.probe {
        Some((k, hash)) if view.index.is_built() => {
            for j in view.index.get(hash) {
                if let Some(i) = j.checked_sub(k) {
                    if range.contains(&i) && leaf_at(leaf, view, i) && !f(i) {
                        return;
                    }
                }
            }
        }
        _ => {
            for i in range {
                if leaf_at(leaf, view, i) && !f(i) {
                    return;
                }
            }
        }
    }
}

/// Appends to `p.spans` where `node` (a leaf, an OR of them, or a `NEAR`) occurs, at most [`MAX_NEAR_SPANS`].
fn spans(node: &Node, doc: &Document<'_>, p: &mut Prepared) {
    match node {
        Node::Text(leaf) => {
            let Prepared { body, title_end, spans, index, .. } = p;
            let view = View { toks: body, index, title_end: *title_end, title: doc.title, text: doc.text };
            let width = leaf.words.len().saturating_sub(1) as u32;
            let mut taken = 0;
            occurrences(leaf, &view, |i| {
                spans.push(Span { start: i as u32, end: i as u32 + width });
                taken += 1;
                taken < MAX_NEAR_SPANS
            });
        }
        Node::Or(items) => {
            let start = p.spans.len();
            for item in items {
                spans(item, doc, p);
            }
            p.spans.truncate(start + MAX_NEAR_SPANS);
        }
        Node::Near { left, right, dist, ordered } => {
            let a = p.spans.len();
            spans(left, doc, p);
            let b = p.spans.len();
            if a == b {
                return;
            }
            spans(right, doc, p);
            let c = p.spans.len();
            let title_end = p.title_end as u32;
            'outer: for i in a..b {
                for j in b..c {
                    let (l, r) = (p.spans[i], p.spans[j]);
                    if near(l, r, *dist, *ordered, title_end) {
                        p.spans.push(Span { start: l.start.min(r.start), end: l.end.max(r.end) });
                        if p.spans.len() - c >= MAX_NEAR_SPANS {
                            break 'outer;
                        }
                    }
                }
            }
            p.spans.copy_within(c.., a);
            let kept = p.spans.len() - c;
            p.spans.truncate(a + kept);
        }
        _ => {}
    }
}

/// At most `dist` tokens between `l` and `r`, in the same field, not overlapping; `ordered`: `l` first.
#[inline]
fn near(l: Span, r: Span, dist: u32, ordered: bool, title_end: u32) -> bool {
    if (l.start < title_end) != (r.start < title_end) {
        return false;
    }
    if r.start > l.end {
        r.start - l.end - 1 <= dist
    } else if !ordered && l.start > r.end {
        l.start - r.end - 1 <= dist
    } else {
        false
    }
}

fn filter_matches(filter: &Filter, doc: &Document<'_>, p: &mut Prepared) -> bool {
    match filter {
        Filter::Author { handle, name } => {
            let h = p.handle(doc);
            if h == &**handle || h.split('@').next() == Some(handle) {
                return true;
            }
            !name.is_empty() && name_matches(name, p.author(doc))
        }
        Filter::Site(site) => {
            let host = p.host(doc);
            host == &**site
                || (host.len() > site.len()
                    && host.ends_with(&**site)
                    && host.as_bytes()[host.len() - site.len() - 1] == b'.')
        }
        Filter::Url(part) => memchr::memmem::find(p.url(doc).as_bytes(), part.as_bytes()).is_some(),
        Filter::Lang(code) => doc.lang.is_some_and(|l| {
            let l = l.trim().as_bytes();
            let c = code.as_bytes();
            l.len() >= c.len() && l[..c.len()].eq_ignore_ascii_case(c) && (l.len() == c.len() || l[c.len()] == b'-')
        }),
        Filter::Source(source) => match canonical_source(doc.source.trim()) {
            Some(canonical) => canonical == *source,
            None => doc.source.trim().eq_ignore_ascii_case(source),
        },
        Filter::Sentiment(s) => doc.sentiment.is_some_and(|d| d.trim().eq_ignore_ascii_case(s)),
    }
}

/// The folded words of `name` appear one after the other in the author's name.
fn name_matches(name: &[crate::ast::Lit], toks: &Tokens) -> bool {
    let tokens = &toks.tokens;
    (0..tokens.len()).any(|i| {
        i + name.len() <= tokens.len()
            && name.iter().enumerate().all(|(k, lit)| {
                let t = &tokens[i + k];
                let (word, label) = toks.plain_forms(t);
                lit.eq_bytes(word) || label.is_some_and(|l| lit.eq_bytes(l))
            })
    })
}
