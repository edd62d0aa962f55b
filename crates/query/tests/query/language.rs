//! Terms, phrases, operators, NEAR, wildcards and exact case.

use super::{hits, hits_doc};
use filrouge_query::Document;

#[test]
fn plain_terms_search_the_title_and_the_text() {
    let doc = Document { title: "Nouvelle boutique Orange", text: "ouverte ce matin", ..Document::default() };
    assert!(hits_doc("orange", &doc));
    assert!(hits_doc("matin", &doc));
    assert!(!hits_doc("soir", &doc));
}

#[test]
fn terms_match_whole_words_only() {
    assert!(hits("cafe", "un cafe serré"));
    assert!(!hits("cafe", "la cafeteria"));
    assert!(!hits("orange", "orangeade"));
}

#[test]
fn terms_match_regardless_of_case_and_accents() {
    assert!(hits("cafe", "Un CAFÉ serré"));
    assert!(hits("café", "un cafe serre"));
    assert!(hits("ÉLÉPHANT", "un elephant rose"));
    assert!(hits("cafe", "un cafe\u{301} en NFD"));
}

#[test]
fn ligatures_are_folded() {
    assert!(hits("oeuf", "un œuf à la coque"));
    assert!(hits("œuf", "un oeuf à la coque"));
    assert!(hits("aequo", "ex æquo"));
    assert!(hits("æquo", "ex aequo"));
    assert!(hits("strasse", "la Straße 1"));
}

#[test]
fn there_is_no_stemming_but_wildcards_cover_plurals() {
    assert!(!hits("œuf", "des oeufs frais"));
    assert!(hits("œuf*", "des oeufs frais"));
    assert!(hits("oeuf*", "un œuf"));
}

#[test]
fn a_plain_term_also_matches_the_hashtag_and_the_mention() {
    assert!(hits("miam", "trop bon #miam"));
    assert!(hits("miam", "merci @miam"));
    assert!(hits("orange", "merci @orange.fr !"));
}

#[test]
fn a_hashtag_matches_only_the_hashtag() {
    assert!(hits("#miam", "trop bon #Miam"));
    assert!(!hits("#miam", "c'est miam"));
    assert!(!hits("#miam", "merci @miam"));
}

#[test]
fn a_mention_matches_only_the_mention() {
    assert!(hits("@orange", "merci @Orange pour le service"));
    assert!(!hits("@orange", "une orange pressée"));
    assert!(!hits("@orange", "#orange"));
}

#[test]
fn fediverse_mentions_match_by_user_or_whole_handle() {
    assert!(hits("@user@mastodon.social", "cc @user@mastodon.social"));
    assert!(hits("@user", "cc @user@mastodon.social"));
    assert!(!hits("@user@other.example", "cc @user@mastodon.social"));
    assert!(hits("user", "cc @user@mastodon.social"));
}

#[test]
fn an_email_address_is_not_a_mention() {
    assert!(!hits("@example", "écrivez à contact@example.com"));
    assert!(hits("example", "écrivez à contact@example.com"));
}

#[test]
fn exact_phrases_match_consecutive_words() {
    assert!(hits("\"service client\"", "Le Service Client est fermé"));
    assert!(!hits("\"service client\"", "le service du client"));
    assert!(!hits("\"client service\"", "le service client"));
}

#[test]
fn phrases_do_not_cross_from_the_title_to_the_text() {
    let doc = Document { title: "le service", text: "client mécontent", ..Document::default() };
    assert!(!hits_doc("\"service client\"", &doc));
}

#[test]
fn apostrophes_and_hyphens_split_words() {
    assert!(hits("hotel", "l'hôtel est complet"));
    assert!(hits("l'hôtel", "L’hôtel est complet"));
    assert!(hits("coca-cola", "un Coca Cola bien frais"));
    assert!(hits("coca", "un coca-cola bien frais"));
}

#[test]
fn adjacent_terms_all_have_to_match() {
    assert!(hits("orange fibre", "la fibre Orange arrive"));
    assert!(!hits("orange fibre", "la fibre arrive"));
}

#[test]
fn and_or_and_not_combine() {
    assert!(hits("orange AND fibre", "orange fibre"));
    assert!(hits("orange OR sfr", "chez sfr"));
    assert!(!hits("orange NOT fibre", "orange fibre"));
    assert!(hits("orange NOT fibre", "orange mobile"));
}

#[test]
fn lower_case_and_or_not_are_plain_words() {
    assert!(hits("rock and roll", "rock and roll"));
    assert!(!hits("rock and roll", "rock roll"));
}

#[test]
fn and_binds_tighter_than_or() {
    // a OR (b AND c)
    assert!(hits("alpha OR beta gamma", "alpha seul"));
    assert!(!hits("alpha OR beta gamma", "beta seul"));
    assert!(hits("alpha OR beta AND gamma", "beta et gamma"));
}

#[test]
fn not_binds_tighter_than_and() {
    // (NOT alpha) AND beta
    assert!(hits("NOT alpha beta", "beta"));
    assert!(!hits("NOT alpha beta", "alpha beta"));
}

#[test]
fn a_minus_sign_excludes() {
    assert!(hits("orange -fruit", "orange telecom"));
    assert!(!hits("orange -fruit", "orange le fruit"));
    assert!(!hits("orange -\"jus d'orange\"", "un jus d'orange"));
    assert!(!hits("orange -(fruit OR jus)", "un jus orange"));
}

#[test]
fn parentheses_group() {
    assert!(hits("(orange OR sfr) fibre", "sfr fibre"));
    assert!(!hits("(orange OR sfr) fibre", "sfr mobile"));
    assert!(hits("((a1 OR b1) (c1 OR d1))", "b1 d1"));
}

#[test]
fn near_allows_at_most_n_words_between_in_either_order() {
    assert!(hits("orange NEAR/2 panne", "orange encore en panne"));
    assert!(hits("orange NEAR/2 panne", "panne chez orange"));
    assert!(!hits("orange NEAR/1 panne", "orange encore en panne"));
    assert!(hits("orange NEAR/0 panne", "orange panne"));
}

#[test]
fn near_f_keeps_the_order() {
    assert!(hits("orange NEAR/3f panne", "orange encore en panne"));
    assert!(!hits("orange NEAR/3f panne", "panne chez orange"));
}

#[test]
fn near_takes_phrases_and_groups() {
    assert!(hits("\"service client\" NEAR/3 (nul OR lent)", "le service client est vraiment lent"));
    assert!(!hits("\"service client\" NEAR/1 (nul OR lent)", "le service client est vraiment lent"));
    assert!(hits("(orange OR sfr) NEAR/2 \"en panne\"", "sfr toujours en panne"));
}

#[test]
fn near_does_not_reach_from_the_title_into_the_text() {
    let doc = Document { title: "orange", text: "panne", ..Document::default() };
    assert!(!hits_doc("orange NEAR/5 panne", &doc));
}

#[test]
fn chained_near_keeps_every_word_close() {
    assert!(hits("alpha NEAR/1 beta NEAR/1 gamma", "alpha beta gamma"));
    assert!(!hits("alpha NEAR/1 beta NEAR/1 gamma", "alpha beta x x x x gamma"));
}

#[test]
fn a_suffix_wildcard_matches_any_ending() {
    assert!(hits("carref*", "chez Carrefour"));
    assert!(hits("carref*", "carref"));
    assert!(!hits("carref*", "le car"));
}

#[test]
fn a_question_mark_is_exactly_one_character() {
    assert!(hits("colo?r", "colour"));
    assert!(!hits("colo?r", "color"));
    assert!(hits("c?fe", "café"));
}

#[test]
fn braces_match_the_exact_case() {
    assert!(hits("{BT}", "offre BT fibre"));
    assert!(!hits("{BT}", "le bt de mon frère"));
    assert!(!hits("{BT}", "Bt"));
    assert!(hits("{Coca-Cola}", "un Coca-Cola"));
    assert!(!hits("{Coca-Cola}", "un coca-cola"));
}

#[test]
fn title_only_terms_ignore_the_text() {
    let doc = Document { title: "Orange en panne", text: "fibre coupée", ..Document::default() };
    assert!(hits_doc("title:panne", &doc));
    assert!(!hits_doc("title:fibre", &doc));
    assert!(hits_doc("title:\"en panne\"", &doc));
    assert!(hits_doc("title:(fibre OR panne)", &doc));
}
