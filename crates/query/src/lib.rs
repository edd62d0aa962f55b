//! Listening queries without IO: the Boolean query language (parse, errors with positions, explain,
//! highlights) and one matcher for all active queries (literal prefilter, then exact evaluation).
//!
//! The language is described for users in `docs/queries.md`.

mod anchors;
mod ast;
mod doc;
mod error;
mod eval;
mod explain;
mod fold;
mod highlight;
mod index;
mod leaves;
mod lexer;
pub mod limits;
mod matcher;
mod parser;
mod tokenize;

pub use doc::Document;
pub use error::QueryError;
pub use explain::Explanation;
pub use highlight::Highlights;
pub use matcher::{Matcher, Scratch};

use anchors::Anchor;
use ast::Node;
use doc::Prepared;

/// A parsed listening query.
#[derive(Debug, Clone)]
pub struct Query {
    root: Node,
    /// Prefilter anchors; `None`: evaluated on every document.
    anchors: Option<Vec<Anchor>>,
}

/// Parses a query; the error names the problem and its column.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let root = parser::parse_tree(input)?;
    let anchors = anchors::anchors(&root, &anchors::base_cost);
    Ok(Query { root, anchors })
}

impl Query {
    /// Whether the query matches the document (the same answer as [`Matcher::matches`]).
    pub fn matches(&self, doc: &Document<'_>) -> bool {
        let mut prepared = Prepared::default();
        prepared.prepare(doc);
        prepared.index();
        eval::eval(&self.root, doc, &mut prepared)
    }

    /// The query's tree and prefilter literals, for people.
    pub fn explain(&self) -> Explanation {
        explain::explain(&self.root, self.anchors.as_deref())
    }

    /// Where the terms the query looks for occur in the document's title and text.
    pub fn highlights(&self, doc: &Document<'_>) -> Highlights {
        highlight::highlights(&self.root, doc)
    }
}
