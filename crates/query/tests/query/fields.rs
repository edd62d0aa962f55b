//! Field filters: author, site, url, title, lang, source, sentiment.

use super::hits_doc;
use filrouge_query::Document;

fn post() -> Document<'static> {
    Document {
        title: "Panne géante",
        text: "La fibre est coupée depuis ce matin",
        author_handle: "@Jean_Dupont",
        author_name: "Jean-Pierre Dupont",
        url: "https://WWW.Blog.Example.com/2024/Panne?ref=x",
        lang: Some("fr"),
        source: "feed",
        sentiment: Some("negative"),
    }
}

#[test]
fn author_matches_the_handle_with_or_without_at_in_any_case() {
    assert!(hits_doc("fibre author:jean_dupont", &post()));
    assert!(hits_doc("fibre author:@JEAN_DUPONT", &post()));
    assert!(!hits_doc("fibre author:jean_dupond", &post()));
}

#[test]
fn author_matches_a_word_or_a_phrase_of_the_name() {
    assert!(hits_doc("author:dupont", &post()));
    assert!(hits_doc("author:\"jean pierre\"", &post()));
    assert!(hits_doc("author:\"Jean-Pierre Dupont\"", &post()));
    assert!(!hits_doc("author:\"pierre jean\"", &post()));
}

#[test]
fn author_matches_the_user_part_of_a_fediverse_handle() {
    let doc = Document { author_handle: "@marie@mastodon.social", ..post() };
    assert!(hits_doc("author:marie", &doc));
    assert!(hits_doc("author:marie@mastodon.social", &doc));
}

#[test]
fn site_matches_the_host_or_any_subdomain_ignoring_www_and_case() {
    assert!(hits_doc("site:example.com", &post()));
    assert!(hits_doc("site:blog.example.com", &post()));
    assert!(hits_doc("site:www.EXAMPLE.com", &post()));
    assert!(!hits_doc("site:ample.com", &post()));
    assert!(!hits_doc("site:other.com", &post()));
}

#[test]
fn site_takes_grouped_values() {
    assert!(hits_doc("fibre site:(other.com OR example.com)", &post()));
    assert!(!hits_doc("fibre site:(other.com OR foo.org)", &post()));
    assert!(!hits_doc("fibre -site:example.com", &post()));
}

#[test]
fn url_is_a_case_insensitive_substring() {
    assert!(hits_doc("url:/2024/panne", &post()));
    assert!(hits_doc("url:REF=X", &post()));
    assert!(!hits_doc("url:/2023/", &post()));
}

#[test]
fn lang_is_an_equality_and_a_document_without_lang_never_matches() {
    assert!(hits_doc("fibre lang:fr", &post()));
    assert!(hits_doc("fibre lang:FR", &post()));
    assert!(!hits_doc("fibre lang:en", &post()));
    assert!(hits_doc("lang:fr", &Document { lang: Some("fr-CA"), ..post() }));
    assert!(!hits_doc("fibre lang:fr", &Document { lang: None, ..post() }));
}

#[test]
fn source_knows_the_feed_aliases() {
    for alias in ["feed", "rss", "atom", "blog", "news", "RSS"] {
        assert!(hits_doc(&format!("fibre source:{alias}"), &post()), "{alias}");
    }
    assert!(!hits_doc("fibre source:bluesky", &post()));
    let toot = Document { source: "mastodon", ..post() };
    assert!(hits_doc("source:mastodon", &toot));
    assert!(hits_doc("source:(bluesky OR mastodon)", &toot));
}

#[test]
fn sentiment_is_an_equality_and_a_document_without_sentiment_never_matches() {
    assert!(hits_doc("fibre sentiment:negative", &post()));
    assert!(!hits_doc("fibre sentiment:positive", &post()));
    assert!(!hits_doc("fibre sentiment:negative", &Document { sentiment: None, ..post() }));
    assert!(!hits_doc("fibre -sentiment:neutral", &Document { sentiment: Some("neutral"), ..post() }));
}

#[test]
fn field_names_are_case_insensitive_and_unknown_ones_are_words() {
    assert!(hits_doc("Site:example.com", &post()));
    assert!(hits_doc("est:coupée", &post()));
}

#[test]
fn a_query_of_field_filters_only_is_accepted() {
    assert!(hits_doc("lang:fr site:example.com", &post()));
    assert!(!hits_doc("lang:en site:example.com", &post()));
}
