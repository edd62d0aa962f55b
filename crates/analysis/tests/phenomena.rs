//! The phenomena the analyser must handle, one example each (the examples of the issue), and the API contract.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use filrouge_analysis::{AnalysisError, Analyzer, Intent, Sentiment};

fn analyzer() -> Analyzer {
    Analyzer::new(Analyzer::default_languages()).unwrap_or_else(|e| panic!("{e}"))
}

fn sentiment(text: &str) -> Sentiment {
    analyzer().analyze(text, None).sentiment
}

fn intent(text: &str) -> Intent {
    analyzer().analyze(text, None).intent
}

fn score(text: &str) -> f32 {
    analyzer().analyze(text, None).sentiment_score
}

#[test]
fn negated_negative_words_read_as_positive() {
    assert_eq!(sentiment("pas mal"), Sentiment::Positive);
    assert_eq!(sentiment("not bad"), Sentiment::Positive);
    assert_ne!(sentiment("je ne dirais pas que c'est nul"), Sentiment::Negative);
    assert_eq!(sentiment("Je ne recommande pas cette pizzeria"), Sentiment::Negative);
}

#[test]
fn intensifiers_strengthen_the_score() {
    assert!(score("très bon") > score("bon"));
    assert!(score("really good") > score("good"));
    assert!(score("un peu lent") > score("lent"));
}

#[test]
fn emoji_carry_sentiment() {
    assert_eq!(sentiment("la commande 😡"), Sentiment::Negative);
    assert_eq!(sentiment("la commande 😍"), Sentiment::Positive);
}

#[test]
fn sms_spellings_are_understood() {
    assert_eq!(sentiment("jsui tro déçu"), Sentiment::Negative);
    assert_eq!(sentiment("c nul"), Sentiment::Negative);
    assert_eq!(sentiment("tro bien, merci bcp"), Sentiment::Positive);
    assert_eq!(sentiment("thx, pizza was gr8"), Sentiment::Positive);
}

#[test]
fn the_clause_after_a_contrast_decides() {
    assert_eq!(sentiment("rapide mais de mauvaise qualité"), Sentiment::Negative);
    assert_eq!(sentiment("un peu long mais la pizza était excellente"), Sentiment::Positive);
    assert_eq!(sentiment("fast but terrible quality"), Sentiment::Negative);
}

#[test]
fn capitals_and_exclamation_marks_add_emphasis() {
    assert!(score("c'est NUL") < score("c'est nul"));
    assert!(score("super!!!") > score("super"));
}

#[test]
fn questions_are_recognised_with_or_without_a_question_mark() {
    assert_eq!(intent("vous êtes ouverts dimanche ?"), Intent::Question);
    assert_eq!(intent("do you deliver?"), Intent::Question);
    assert_eq!(intent("Est-ce que vous livrez à Lyon"), Intent::Question);
}

#[test]
fn complaints_are_recognised() {
    assert_eq!(intent("toujours pas reçu ma commande"), Intent::Complaint);
    assert_eq!(intent("3rd time my card is refused"), Intent::Complaint);
    assert_eq!(intent("Pourquoi vous ne répondez jamais au téléphone ?"), Intent::Complaint);
}

#[test]
fn praise_is_recognised() {
    assert_eq!(intent("Merci pour l'accueil, pizzas délicieuses !"), Intent::Praise);
    assert_eq!(intent("Best bakery in town, highly recommend"), Intent::Praise);
}

#[test]
fn spam_is_recognised() {
    assert_eq!(intent("gagnez 1000€ cliquez ici"), Intent::Spam);
    assert_eq!(intent("Invest in Bitcoin and double your money, link in bio"), Intent::Spam);
    assert_eq!(intent("Buy cheap Instagram followers, DM me"), Intent::Spam);
    assert_eq!(intent("🔥🔥🔥 gagne de l'argent facile 🔥🔥🔥 www.argent.xyz"), Intent::Spam);
}

#[test]
fn news_and_announcements_are_other() {
    assert_eq!(intent("La boulangerie sera fermée du 1er au 15 août."), Intent::Other);
    assert_eq!(intent("New exhibition opens at the city museum on March 12."), Intent::Other);
}

#[test]
fn the_language_is_detected_among_the_configured_ones() {
    let a = analyzer();
    assert_eq!(a.analyze("Vous êtes ouverts dimanche ?", None).lang, Some("fr"));
    assert_eq!(a.analyze("Do you deliver on Sundays?", None).lang, Some("en"));
    assert_eq!(a.analyze("¿Abren el domingo?", None).lang, Some("es"));
    let fr_only = Analyzer::new(&["fr"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fr_only.analyze("Do you deliver on Sundays?", None).lang, Some("fr"));
}

#[test]
fn text_in_a_script_no_configured_language_uses_gets_none_of_them() {
    let a = analyzer();
    for text in ["שלום לכולם", "Καλημέρα σας", "ვ", "こんにちは"] {
        let lang = a.analyze(text, None).lang;
        assert!(lang.is_none_or(|l| a.languages().contains(&l)), "{text}: {lang:?}");
    }
}

#[test]
fn a_declared_language_is_trusted_when_configured() {
    let a = analyzer();
    assert_eq!(a.analyze("top", Some("en_US")).lang, Some("en"));
    assert_eq!(a.analyze("Do you deliver?", Some("fr-FR")).lang, Some("fr"));
    assert_eq!(a.analyze("Do you deliver?", Some("ja")).lang, Some("en"));
    assert_eq!(a.analyze("Do you deliver?", Some("garbage")).lang, Some("en"));
}

#[test]
fn text_without_letters_has_no_language() {
    let a = analyzer();
    assert_eq!(a.analyze("👍👍 !!! 123", None).lang, None);
    assert_eq!(a.analyze("", Some("fr")).lang, None);
    assert_eq!(a.analyze("", None).sentiment, Sentiment::Neutral);
}

#[test]
fn unknown_language_codes_are_refused_by_name() {
    let err = Analyzer::new(&["fr", "xx"]).err();
    assert_eq!(err, Some(AnalysisError::UnsupportedLanguage("xx".to_owned())));
    assert!(err.is_some_and(|e| e.to_string().contains("xx")));
    assert_eq!(Analyzer::new(&[]).err(), Some(AnalysisError::NoLanguage));
}

#[test]
fn the_configured_languages_are_kept_in_order() {
    assert_eq!(Analyzer::default_languages(), ["fr", "en", "es", "de", "it", "pt", "nl"]);
    let a = Analyzer::new(&["en", "fr", "en"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.languages(), ["en", "fr"]);
}

#[test]
fn the_analyzer_is_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Analyzer>();
}

#[test]
fn scores_stay_within_bounds_on_long_and_odd_input() {
    let a = analyzer();
    for text in ["nul ".repeat(10_000), "!".repeat(10_000), "😍".repeat(5_000), "é'-#@".repeat(3_000)] {
        let r = a.analyze(&text, None);
        assert!((-1.0..=1.0).contains(&r.sentiment_score));
    }
}

#[test]
fn the_analysis_serialises_with_lowercase_labels() {
    let r = analyzer().analyze("Merci, c'est parfait !", Some("fr"));
    let json = serde_json::to_string(&r).unwrap_or_default();
    assert!(json.contains("\"sentiment\":\"positive\"") && json.contains("\"intent\":\"praise\""), "{json}");
}
