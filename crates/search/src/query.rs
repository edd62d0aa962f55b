//! The user's words and the filters of a [`SearchQuery`] turned into one tantivy query.

use std::ops::Bound;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

use crate::guard::ForwardOnly;
use crate::schema::{keyword, Fields};
use crate::SearchQuery;

/// One clause of the user's text, before analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextClause {
    /// `-word` or `-"a phrase"`.
    pub exclude: bool,
    /// Written between double quotes.
    pub quoted: bool,
    /// The raw words (for a quoted clause, everything between the quotes).
    pub words: String,
}

/// Splits the user's text into clauses: whitespace separates terms, `"…"` groups a phrase (an unbalanced quote runs
/// to the end), a leading `-` excludes. Never fails; a lone `-` or `""` gives nothing.
pub fn parse_user_text(text: &str) -> Vec<TextClause> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let mut exclude = false;
        if first == '-' {
            while chars.next_if_eq(&'-').is_some() {}
            exclude = true;
        }
        let quoted = chars.next_if_eq(&'"').is_some();
        let mut words = String::new();
        if quoted {
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                words.push(c);
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                words.push(c);
            }
        }
        if !words.trim().is_empty() {
            out.push(TextClause { exclude, quoted, words });
        }
    }
    out
}

type Queries = Vec<Box<dyn Query>>;

/// The text part: each clause analysed; one token is a term, several are a phrase (so `l'été` or `e-commerce`
/// match as written), none (emoji, punctuation) is dropped. Returns (must, must_not) clauses.
fn text_clauses(text: &str, body: Field, analyzer: &mut TextAnalyzer) -> (Queries, Queries) {
    let mut must: Vec<Box<dyn Query>> = Vec::new();
    let mut must_not: Vec<Box<dyn Query>> = Vec::new();
    for clause in parse_user_text(text) {
        let mut terms: Vec<(usize, Term)> = Vec::new();
        let mut stream = analyzer.token_stream(&clause.words);
        stream.process(&mut |token| terms.push((token.position, Term::from_field_text(body, &token.text))));
        let query: Box<dyn Query> = match terms.len() {
            0 => continue,
            1 => match terms.pop() {
                Some((_, term)) => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                None => continue,
            },
            _ => {
                let first = terms.first().map(|(p, _)| *p).unwrap_or(0);
                let terms = terms.into_iter().map(|(p, t)| (p - first, t)).collect();
                Box::new(PhraseQuery::new_with_offset(terms))
            }
        };
        if clause.exclude {
            must_not.push(Box::new(ForwardOnly(query)));
        } else {
            must.push(query);
        }
    }
    (must, must_not)
}

/// A filter: matches or not, adds nothing to the score.
fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn any_keyword(field: Field, values: &[String]) -> Option<Box<dyn Query>> {
    let mut terms: Vec<String> = values.iter().map(|v| keyword(v)).filter(|v| !v.is_empty()).collect();
    if terms.is_empty() {
        return None;
    }
    terms.sort();
    terms.dedup();
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|v| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Some(filter(Box::new(BooleanQuery::new(clauses))))
}

fn any_exact(field: Field, values: &[String]) -> Option<Box<dyn Query>> {
    if values.is_empty() {
        return None;
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = values
        .iter()
        .map(|v| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Some(filter(Box::new(BooleanQuery::new(clauses))))
}

/// The whole query: client, filters, then text. Returns the query and whether it has positive text clauses (only
/// then does relevance mean anything).
pub(crate) fn build(q: &SearchQuery, f: &Fields, analyzer: &mut TextAnalyzer) -> (Box<dyn Query>, bool) {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let client: Box<dyn Query> =
        Box::new(TermQuery::new(Term::from_field_i64(f.client_ids, q.client_id), IndexRecordOption::Basic));
    clauses.push((Occur::Must, filter(client)));
    if q.from_ms.is_some() || q.to_ms.is_some() {
        let lower = q.from_ms.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.published, v)));
        let upper = q.to_ms.map_or(Bound::Unbounded, |v| Bound::Excluded(Term::from_field_i64(f.published, v)));
        clauses.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
    }
    for filter in [
        any_keyword(f.source_kind, &q.sources),
        any_keyword(f.lang, &q.langs),
        any_keyword(f.sentiment, &q.sentiments),
        any_keyword(f.intent, &q.intents),
        any_keyword(f.site_suffix, &q.sites.iter().map(|s| s.trim_end_matches('.').to_string()).collect::<Vec<_>>()),
        any_exact(f.author, &q.authors),
    ]
    .into_iter()
    .flatten()
    {
        clauses.push((Occur::Must, filter));
    }
    let mut has_text = false;
    if let Some(text) = &q.text {
        let (must, must_not) = text_clauses(text, f.body, analyzer);
        has_text = !must.is_empty();
        clauses.extend(must.into_iter().map(|c| (Occur::Must, c)));
        clauses.extend(must_not.into_iter().map(|c| (Occur::MustNot, c)));
    }
    (Box::new(BooleanQuery::new(clauses)), has_text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn clause(exclude: bool, quoted: bool, words: &str) -> TextClause {
        TextClause { exclude, quoted, words: words.to_string() }
    }

    #[test]
    fn words_phrases_and_exclusions_are_told_apart() {
        assert_eq!(
            parse_user_text(r#"café "bon appétit" -pluie -"mauvais temps""#),
            vec![
                clause(false, false, "café"),
                clause(false, true, "bon appétit"),
                clause(true, false, "pluie"),
                clause(true, true, "mauvais temps"),
            ]
        );
    }

    #[test]
    fn malformed_text_degrades_to_terms() {
        assert_eq!(parse_user_text(r#"a "b c"#), vec![clause(false, false, "a"), clause(false, true, "b c")]);
        assert_eq!(parse_user_text(" - -- \"\" \" "), vec![]);
        assert_eq!(parse_user_text("x-y"), vec![clause(false, false, "x-y")]);
    }
}
