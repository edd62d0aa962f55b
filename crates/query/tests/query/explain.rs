//! Explanations and highlights.

use super::text;
use filrouge_query::{parse, Document};

#[test]
fn explain_shows_the_tree_one_node_per_line_and_the_anchors() {
    let e = parse("(orange OR \"service client\") -spam site:orange.fr carref*").unwrap().explain();
    assert_eq!(
        e.tree,
        "AND\n  OR\n    word orange\n    phrase \"service client\"\n  NOT\n    word spam\n  site: orange.fr\n  wildcard carref*\n"
    );
    assert_eq!(e.literals, ["site:orange.fr"]);
}

#[test]
fn the_anchors_of_an_and_are_its_most_selective_child() {
    let e = parse("le \"service client\" nul").unwrap().explain();
    assert_eq!(e.literals, ["nul"]);
    let e = parse("le \"service client\"").unwrap().explain();
    assert_eq!(e.literals, ["\"service client\""]);
    let e = parse("orange OR #miam OR @sfr@mastodon.social OR {BT}").unwrap().explain();
    assert_eq!(e.literals, ["bt", "miam", "orange", "sfr"]);
}

#[test]
fn a_query_of_filters_only_has_no_anchors() {
    let e = parse("lang:fr source:rss").unwrap().explain();
    assert_eq!(e.tree, "AND\n  lang: fr\n  source: feed\n");
    assert!(e.literals.is_empty());
}

#[test]
fn explain_serialises_to_json() {
    let json = serde_json::to_string(&parse("a1 NEAR/2f b1").unwrap().explain()).unwrap();
    assert_eq!(json, r#"{"tree":"NEAR/2 (in this order)\n  word a1\n  word b1\n","literals":["a1"]}"#);
}

#[test]
fn highlights_cover_the_matched_terms_in_title_and_text() {
    let doc = Document { title: "Orange: panne", text: "L'équipe #Orange dit \"service client\" ok", ..text("") };
    let h = parse("orange OR \"service client\" -spam").unwrap().highlights(&doc);
    assert_eq!(h.title, vec![0..6]);
    let words: Vec<&str> = h.text.iter().map(|r| &doc.text[r.clone()]).collect();
    assert_eq!(words, ["#Orange", "service client"]);
}

#[test]
fn highlights_skip_excluded_terms() {
    let h = parse("orange -panne").unwrap().highlights(&text("orange en panne"));
    assert_eq!(h.text, vec![0..6]);
}

#[test]
fn a_site_filter_anchors_a_query_whose_words_are_common() {
    let e = parse("le site:orange.fr").unwrap().explain();
    assert_eq!(e.literals, ["site:orange.fr"]);
}
