//! Analysis of short social text without IO: language, sentiment (score and label) and intent of a mention.
//!
//! Everything is computed from data compiled into the crate (see data/PROVENANCE.md); an [`Analyzer`] is built
//! once and shared. Only the first [`text::MAX_BYTES`] bytes and [`text::MAX_TOKENS`] tokens of a text are read.
mod cues;
mod error;
mod intent;
mod lang;
mod lexicon;
mod prepare;
mod sentiment;
pub mod text;

use serde::Serialize;

pub use error::AnalysisError;
/// The labels are the domain's own: what the analyser says is what the archive stores.
pub use filrouge_domain::analysis::{Intent, Sentiment};

/// What the analyser says about one mention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// ISO 639-1 code, one of the configured languages; `None` when the text has no letters (or none of a
    /// configured language's script).
    pub lang: Option<&'static str>,
    pub sentiment: Sentiment,
    /// -1.0 (most negative) ..= 1.0 (most positive).
    pub sentiment_score: f32,
    pub intent: Intent,
}

/// Language, sentiment and intent analyser, restricted to the configured languages. `Send + Sync`.
pub struct Analyzer {
    languages: Vec<&'static str>,
    detector: lang::LanguageDetector,
    lexicons: lexicon::Lexicons,
    cues: cues::CueIndex,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").field("languages", &self.languages).finish_non_exhaustive()
    }
}

impl Analyzer {
    /// An analyser for these ISO 639-1 codes (the first is the fallback for text that gives no evidence).
    pub fn new(languages: &[&str]) -> Result<Analyzer, AnalysisError> {
        if languages.is_empty() {
            return Err(AnalysisError::NoLanguage);
        }
        let mut configured: Vec<&'static str> = Vec::with_capacity(languages.len());
        for code in languages {
            let known = lang::supported(code).ok_or_else(|| AnalysisError::UnsupportedLanguage((*code).to_owned()))?;
            if !configured.contains(&known) {
                configured.push(known);
            }
        }
        Ok(Analyzer {
            detector: lang::LanguageDetector::new(&configured),
            languages: configured,
            lexicons: lexicon::Lexicons::load()?,
            cues: cues::CueIndex::new(),
        })
    }

    /// fr, en, es, de, it, pt, nl.
    pub fn default_languages() -> &'static [&'static str] {
        lang::default_languages()
    }

    pub fn languages(&self) -> &[&'static str] {
        &self.languages
    }

    /// Analyses one mention. `declared_lang` ("fr", "fr-FR", "en_US"…) is trusted when it is a configured
    /// language; otherwise the language is detected.
    pub fn analyze(&self, text: &str, declared_lang: Option<&str>) -> Analysis {
        let text = text::bound(text);
        let tokens = text::tokenize(text);
        let has_letters = text.chars().any(char::is_alphabetic);
        let lang = match declared_lang.and_then(|d| lang::declared(d, &self.languages)) {
            Some(code) if has_letters => Some(code),
            _ => self.detector.detect(text, &tokens, &self.lexicons),
        };
        let lex = self.lexicons.for_lang(lang);
        let toks = prepare::prepare(&tokens, lex);
        let score = sentiment::score(&toks, lex, &self.lexicons);
        Analysis {
            lang,
            sentiment: sentiment::label(score),
            sentiment_score: score,
            intent: intent::classify(text, &toks, score, &self.cues),
        }
    }
}
