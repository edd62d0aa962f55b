//! Pathological queries are refused with a clear limit, or accepted and still correct.

use super::hits;
use filrouge_query::limits::{MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, MAX_WILDCARDS};
use filrouge_query::{parse, Document, Matcher, Scratch};

#[test]
fn a_query_longer_than_the_limit_is_refused_at_the_first_extra_character() {
    let long = "a".repeat(MAX_QUERY_CHARS + 1);
    let e = parse(&long).unwrap_err();
    assert_eq!((e.message(), e.column()), ("query too long (4096 characters at most)", MAX_QUERY_CHARS + 1));
    assert!(parse(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let ok = format!("{}orange{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(hits(&ok, "orange"));
    let deep = format!("{}orange{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
    let e = parse(&deep).unwrap_err();
    assert_eq!((e.message(), e.column()), ("too deeply nested (32 levels at most)", MAX_DEPTH + 1));
}

#[test]
fn thousands_of_nots_or_parentheses_are_refused_not_overflowing_the_stack() {
    assert!(parse(&format!("a {}b", "NOT ".repeat(2000))).is_err());
    assert!(parse(&"(".repeat(4000)).is_err());
    assert!(parse(&format!("a {}", "-(".repeat(2000))).is_err());
}

#[test]
fn more_terms_than_the_limit_are_refused_at_the_first_extra_term() {
    let terms: Vec<String> = (0..=MAX_TERMS).map(|i| format!("w{i}")).collect();
    let e = parse(&terms.join(" OR ")).unwrap_err();
    let column = terms[..MAX_TERMS].iter().map(|t| t.len() + 4).sum::<usize>() + 1;
    assert_eq!((e.message(), e.column()), ("too many terms (500 at most)", column));
}

#[test]
fn a_query_at_the_term_limit_is_accepted_and_matches() {
    let terms: Vec<String> = (0..MAX_TERMS).map(|i| format!("w{i}")).collect();
    let query = parse(&terms.join(" OR ")).unwrap();
    let matcher = Matcher::new([(7, query)]);
    let mut out = Vec::new();
    matcher.matches(&Document { text: "un w499 ici", ..Document::default() }, &mut Scratch::default(), &mut out);
    assert_eq!(out, [7]);
}

#[test]
fn more_wildcards_than_the_limit_are_refused() {
    let words: Vec<String> = (0..=MAX_WILDCARDS).map(|i| format!("mot{i}*")).collect();
    let e = parse(&words.join(" OR ")).unwrap_err();
    assert_eq!(e.message(), "too many wildcards (20 at most)");
    assert!(parse(&words[..MAX_WILDCARDS].join(" OR ")).is_ok());
}

#[test]
fn a_long_chain_of_near_is_accepted_and_evaluated() {
    let words: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
    let query = words.join(" NEAR/1 ");
    assert!(hits(&query, &words.join(" ")));
    assert!(!hits(&query, &words[..199].join(" ")));
}

#[test]
fn near_over_a_document_repeating_one_word_stays_correct() {
    let body = "spam ".repeat(5000);
    assert!(hits("spam NEAR/0 spam", &body));
    assert!(!hits("spam NEAR/0 eggs", &body));
}
