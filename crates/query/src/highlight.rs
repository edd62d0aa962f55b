//! Highlights: byte ranges in the title and text of the words, phrases, hashtags and mentions that a query looks
//! for (not those it excludes).

use crate::ast::{LeafKind, Node, TextLeaf};
use crate::doc::{Document, Prepared};
use crate::eval::{occurrences, View};
use crate::tokenize::Kind;
use std::ops::Range;

/// Byte ranges of matched terms in a document's title and text, sorted, not overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlights {
    pub title: Vec<Range<usize>>,
    pub text: Vec<Range<usize>>,
}

pub(crate) fn highlights(root: &Node, doc: &Document<'_>) -> Highlights {
    let mut p = Prepared::default();
    p.prepare(doc);
    p.index();
    let view = View::body(&p, doc);
    let mut out = Highlights::default();
    walk(root, &view, &mut out);
    out.title = merge(out.title);
    out.text = merge(out.text);
    out
}

fn walk(node: &Node, view: &View<'_>, out: &mut Highlights) {
    match node {
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| walk(n, view, out)),
        Node::Near { left, right, .. } => {
            walk(left, view, out);
            walk(right, view, out);
        }
        Node::Text(leaf) => leaf_ranges(leaf, view, out),
        Node::Not(_) | Node::Field(_) => {}
    }
}

fn leaf_ranges(leaf: &TextLeaf, view: &View<'_>, out: &mut Highlights) {
    let tokens = &view.toks.tokens;
    occurrences(leaf, view, |i| {
        let (first, last) = (&tokens[i], &tokens[i + leaf.words.len() - 1]);
        let sigil = first.kind != Kind::Word && leaf.kind != LeafKind::Cased;
        let start = first.orig_start as usize - usize::from(sigil);
        let range = start..last.orig_end as usize;
        if i < view.title_end {
            out.title.push(range);
        } else {
            out.text.push(range);
        }
        true
    });
}

fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}
