//! Every kind of error names the problem and its column.

use filrouge_query::parse;

fn error(query: &str) -> (String, usize) {
    match parse(query) {
        Ok(q) => panic!("{query:?} was accepted: {q:?}"),
        Err(e) => (e.message().to_string(), e.column()),
    }
}

fn assert_error(query: &str, message: &str, column: usize) {
    assert_eq!(error(query), (message.to_string(), column), "{query:?}");
}

#[test]
fn the_error_displays_its_message_and_column_and_draws_a_caret() {
    let e = parse("orange (fibre").unwrap_err();
    assert_eq!(e.to_string(), "unclosed parenthesis at column 8");
    assert_eq!(e.caret("orange (fibre"), "orange (fibre\n       ^");
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_error("café été (x", "unclosed parenthesis", 10);
}

#[test]
fn unbalanced_parentheses_are_refused() {
    assert_error("(orange OR sfr", "unclosed parenthesis", 1);
    assert_error("orange OR sfr)", "unmatched closing parenthesis", 14);
    assert_error("((orange) fibre", "unclosed parenthesis", 1);
    assert_error("orange ()", "empty parentheses", 8);
}

#[test]
fn unbalanced_quotes_and_braces_are_refused() {
    assert_error("orange \"service client", "unclosed quote", 8);
    assert_error("orange \"\"", "empty phrase", 8);
    assert_error("{BT", "unclosed brace: {…} needs a closing }", 1);
}

#[test]
fn bad_near_distances_are_refused() {
    assert_error("orange NEAR panne", "NEAR needs a distance, like NEAR/5", 8);
    assert_error("orange NEAR/x panne", "bad NEAR distance: use NEAR/n or NEAR/nf with n from 0 to 20", 13);
    assert_error("orange NEAR/50 panne", "NEAR distance 50 is above the limit of 20", 13);
    assert_error("orange NEAR/99999999999 panne", "NEAR distance 99999999999 is above the limit of 20", 13);
}

#[test]
fn near_needs_terms_on_both_sides() {
    assert_error("NEAR/3 panne", "NEAR needs a term on its left", 1);
    assert_error("orange NEAR/3", "NEAR needs a term on its right", 8);
    assert_error("orange NEAR/3 (a AND b)", "NEAR sides must be words, phrases or groups of OR alternatives", 15);
    assert_error("orange NEAR/3 site:x.com", "NEAR sides must be words, phrases or groups of OR alternatives", 15);
}

#[test]
fn short_or_misplaced_wildcards_are_refused() {
    assert_error("orange ca*", "wildcard too short: a word with * or ? needs at least 3 letters or digits", 8);
    assert_error("a?", "wildcard too short: a word with * or ? needs at least 3 letters or digits", 1);
    assert_error("car*four", "* is only allowed at the end of a word", 4);
    assert_error("{BT*}", "no wildcards inside {…}", 4);
}

#[test]
fn a_query_with_nothing_to_look_for_is_refused() {
    let message = "nothing to look for: NOT and - only exclude, add a term to search";
    assert_error("NOT spam", message, 1);
    assert_error("-spam", message, 1);
    assert_error("-spam -pub", message, 1);
    assert_error("orange OR -spam", message, 11);
    assert_error("-site:example.com", message, 1);
}

#[test]
fn misplaced_operators_are_refused() {
    assert_error("AND orange", "AND needs a term on its left", 1);
    assert_error("orange AND", "AND needs a term on its right", 8);
    assert_error("orange OR OR sfr", "OR needs a term on its right", 8);
    assert_error("orange NOT", "NOT needs a term to exclude", 8);
    assert_error("orange - spam", "- must be followed by a term to exclude, without a space", 8);
}

#[test]
fn empty_queries_and_words_without_letters_are_refused() {
    assert_error("", "empty query", 1);
    assert_error("   ", "empty query", 1);
    assert_error("orange &&", "nothing to search in \"&&\": a term needs letters or digits", 8);
}

#[test]
fn bad_field_values_are_refused() {
    assert_error("orange site:", "site: needs a value", 13);
    assert_error("site:\"a b\"", "site: needs a host name, like example.com", 6);
    assert_error(
        "orange source:twitter",
        "unknown source \"twitter\": use feed (or rss, atom, blog, news), bluesky or mastodon",
        15,
    );
    assert_error("orange sentiment:happy", "unknown sentiment \"happy\": use positive, negative or neutral", 18);
    assert_error("orange lang:f", "lang: needs a language code, like fr or en", 13);
    assert_error("title:(site:x.com)", "a field filter cannot be inside another field's group", 8);
}

#[test]
fn bad_hashtags_and_mentions_are_refused() {
    assert_error("#miam!", "a hashtag has only letters, digits and _", 6);
    assert_error("@jean!", "a mention is @name or @name@instance", 6);
    assert_error("@a@b@c", "a mention is @name or @name@instance", 5);
}
