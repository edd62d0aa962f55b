//! Explaining a query: its tree, one node per line, and the literals the prefilter looks for.

use crate::anchors::Anchor;
use crate::ast::{Filter, LeafKind, Node, Pat, Scope, TextLeaf};
use serde::Serialize;
use std::fmt::Write;

/// What a query is made of, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Indented, one node per line.
    pub tree: String,
    /// The prefilter anchors: one of them occurs in every matching document (empty: checked on every document).
    pub literals: Vec<String>,
}

pub(crate) fn explain(root: &Node, anchors: Option<&[Anchor]>) -> Explanation {
    let mut tree = String::new();
    line(root, 0, &mut tree);
    let literals = anchors.unwrap_or_default().iter().map(Anchor::display).collect();
    Explanation { tree, literals }
}

fn line(node: &Node, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let _ = match node {
        Node::And(items) | Node::Or(items) => {
            let _ = writeln!(out, "{indent}{}", if matches!(node, Node::And(_)) { "AND" } else { "OR" });
            items.iter().for_each(|n| line(n, depth + 1, out));
            Ok(())
        }
        Node::Not(inner) => {
            let _ = writeln!(out, "{indent}NOT");
            line(inner, depth + 1, out);
            Ok(())
        }
        Node::Near { left, right, dist, ordered } => {
            let _ = writeln!(out, "{indent}NEAR/{dist}{}", if *ordered { " (in this order)" } else { "" });
            line(left, depth + 1, out);
            line(right, depth + 1, out);
            Ok(())
        }
        Node::Text(leaf) => writeln!(out, "{indent}{}", leaf_text(leaf)),
        Node::Field(filter) => writeln!(out, "{indent}{}", filter_text(filter)),
    };
}

fn leaf_text(leaf: &TextLeaf) -> String {
    let words: Vec<String> = leaf
        .words
        .iter()
        .map(|p| match p {
            Pat::Exact(lit) => lit.text.to_string(),
            Pat::Wild { pattern, .. } => pattern.to_string(),
            Pat::Cased { original, .. } => original.to_string(),
        })
        .collect();
    let joined = words.join(" ");
    let wild = leaf.words.iter().any(|p| matches!(p, Pat::Wild { .. }));
    let what = match leaf.kind {
        LeafKind::Hashtag => format!("hashtag #{joined}"),
        LeafKind::Mention => format!("mention @{joined}"),
        LeafKind::Cased => format!("exact case {{{joined}}}"),
        LeafKind::Plain if words.len() > 1 => format!("phrase \"{joined}\""),
        LeafKind::Plain if wild => format!("wildcard {joined}"),
        LeafKind::Plain => format!("word {joined}"),
    };
    match leaf.scope {
        Scope::Body => what,
        Scope::Title => format!("title: {what}"),
    }
}

fn filter_text(filter: &Filter) -> String {
    match filter {
        Filter::Author { handle, .. } => format!("author: {handle}"),
        Filter::Site(h) => format!("site: {h}"),
        Filter::Url(u) => format!("url: {u}"),
        Filter::Lang(l) => format!("lang: {l}"),
        Filter::Source(s) => format!("source: {s}"),
        Filter::Sentiment(s) => format!("sentiment: {s}"),
    }
}
