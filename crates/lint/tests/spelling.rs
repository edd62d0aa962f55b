//! The spelling guard over the embedded dictionaries: French and English text, and what it leaves alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use filrouge_domain::lint::{FindingCode, Severity};
use filrouge_lint::Speller;

fn speller() -> &'static Speller {
    static SPELLER: OnceLock<Speller> = OnceLock::new();
    SPELLER.get_or_init(|| Speller::new().expect("the embedded dictionaries parse"))
}

/// The words flagged in `text`.
fn unknown(text: &str, langs: &[&str], accepted: &[&str]) -> Vec<String> {
    let accepted: Vec<String> = accepted.iter().map(|s| (*s).to_owned()).collect();
    speller()
        .check(text, langs, &accepted)
        .into_iter()
        .map(|f| {
            assert_eq!((f.code, f.severity), (FindingCode::Spelling, Severity::Warning));
            assert!(f.suggestions.is_empty());
            let span = f.span.expect("a span");
            text[span.start..span.end].to_owned()
        })
        .collect::<Vec<_>>()
}

const BOTH: &[&str] = &["fr", "en"];

#[test]
fn correct_french_with_accents_elisions_and_hyphens_passes() {
    let text = "Aujourd’hui, l'équipe s’est régalée : c'est-à-dire qu’on a goûté jusqu'à minuit ! \
                Lorsqu'il pleut, viendra-t-il ? Peut-être. Inscrivez-vous vite, rendez-vous à l’arc-en-ciel. \
                Où êtes-vous ? Ça dépend. L'été, les œufs, Noël, déjà, naïf, garçon.";
    assert_eq!(unknown(text, &["fr"], &[]), Vec::<String>::new());
}

#[test]
fn correct_english_passes() {
    let text = "We're thrilled: don't miss tonight's tasting, it's the chef's favorite—I'd say you'll love it. \
                Well-known, state-of-the-art, and gluten-free!";
    assert_eq!(unknown(text, &["en"], &[]), Vec::<String>::new());
}

#[test]
fn misspellings_are_flagged_with_their_span() {
    assert_eq!(unknown("Nous somme ravis de vous aceuillir ce soir.", &["fr"], &[]), vec!["aceuillir"]);
    assert_eq!(unknown("We are thrilld to welcome you tonite.", &["en"], &[]), vec!["thrilld", "tonite"]);
    // A hyphenated word reports only its unknown part; an elision only the word after it.
    assert_eq!(unknown("Un plat fait-mason et l'éxpérience", &["fr"], &[]), vec!["mason", "éxpérience"]);
}

#[test]
fn a_word_is_right_if_any_language_knows_it() {
    let text = "Le brunch du dimanche, so delicious, avec un cocktail maison.";
    assert_eq!(unknown(text, BOTH, &[]), Vec::<String>::new());
    assert_eq!(unknown(text, &["fr"], &[]), vec!["so", "delicious"]);
    assert!(speller().knows("delicious", &["fr-FR", "en_US"]));
}

#[test]
fn urls_tags_mentions_numbers_acronyms_and_emoji_are_left_alone() {
    let text = "RDV sur https://pizza-napoli.fr/menuu ou www.napolli.fr, écrivez à contact@napolli.fr, \
                #PizzaNapolli @napolli @chef@mastodon.socal 🍕🍕 le 14/07 à 20h30, -20 %, 3e édition, SNCF et RGPD.";
    assert_eq!(unknown(text, BOTH, &[]), Vec::<String>::new());
}

#[test]
fn accepted_words_count_whatever_their_case() {
    let text = "Napolli et Margheritta vous attendent chez Napolli's. NAPOLLI!";
    assert_eq!(unknown(text, BOTH, &[]), vec!["Napolli", "Margheritta", "Napolli's", "NAPOLLI"]);
    assert_eq!(unknown(text, BOTH, &["napolli", "Pizza Margheritta"]), Vec::<String>::new());
}

#[test]
fn capitalised_and_sentence_initial_words_are_checked_in_lower_case() {
    assert_eq!(unknown("Bienvenue ! Merci. Welcome. BONJOUR Paris", BOTH, &[]), Vec::<String>::new());
}

#[test]
fn unknown_languages_check_nothing() {
    assert!(unknown("Zzzxq blorf", &["de"], &[]).is_empty());
    assert_eq!(unknown("Zzzxq blorf", &["de", "en"], &[]), vec!["Zzzxq", "blorf"]);
}

#[test]
fn suggestions_come_on_demand() {
    let fr = speller().suggest("aceuillir", &["fr"]);
    assert!(fr.iter().any(|s| s == "accueillir"), "{fr:?}");
    assert!(fr.len() <= filrouge_lint::MAX_SUGGESTIONS);
    let en = speller().suggest("thrilld", &["en"]);
    assert!(en.iter().any(|s| s == "thrilled"), "{en:?}");
}
