//! The embedded lexicons: word and phrase valences per language, emoji valences and SMS spellings, read once
//! from the data files compiled into the crate (see data/PROVENANCE.md).
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use crate::error::AnalysisError;

const EN_VADER: &str = include_str!("../data/en_vader.tsv");
const EN_EXTRA: &str = include_str!("../data/en_extra.tsv");
const FR_DERIVED: &str = include_str!("../data/fr_vader_textblob.tsv");
const FR_EXTRA: &str = include_str!("../data/fr_extra.tsv");
const EMOJI_VADER: &str = include_str!("../data/emoji_vader.tsv");
const EMOJI_EXTRA: &str = include_str!("../data/emoji_extra.tsv");
const SMS_FR: &str = include_str!("../data/sms_fr.tsv");
const SMS_EN: &str = include_str!("../data/sms_en.tsv");

/// Lowercase text without accents (`dégoûté` → `degoute`), so that SMS spellings without accents still match.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `key<TAB>value` lines with their line number; `#` starts a comment line.
fn entries(
    file: &'static str,
    text: &'static str,
) -> impl Iterator<Item = Result<(usize, &'static str, &'static str), AnalysisError>> {
    text.lines().enumerate().filter(|(_, l)| !l.is_empty() && !l.starts_with('#')).map(move |(i, l)| {
        l.split_once('\t')
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .map(|(k, v)| (i + 1, k, v))
            .ok_or(AnalysisError::BadData { file, line: i + 1 })
    })
}

fn valences(
    file: &'static str,
    text: &'static str,
) -> impl Iterator<Item = Result<(&'static str, f32), AnalysisError>> {
    entries(file, text).map(move |e| {
        let (line, k, v) = e?;
        let v: f32 = v.trim().parse().map_err(|_| AnalysisError::BadData { file, line })?;
        Ok((k, v))
    })
}

/// One language's words, phrases and SMS spellings.
#[derive(Default)]
pub struct Lexicon {
    words: HashMap<Box<str>, f32>,
    phrases: HashMap<Box<str>, f32>,
    max_phrase: usize,
    phrase_starts: HashSet<Box<str>>,
    sms: HashMap<Box<str>, Box<[Box<str>]>>,
}

impl Lexicon {
    fn build(
        derived: (&'static str, &'static str),
        extra: (&'static str, &'static str),
        sms: (&'static str, &'static str),
    ) -> Result<Lexicon, AnalysisError> {
        let mut lex = Lexicon::default();
        for entry in valences(derived.0, derived.1) {
            let (k, v) = entry?;
            lex.words.insert(k.into(), v);
        }
        // Folded forms second, so that an exact form always wins over a folded twin.
        for entry in valences(derived.0, derived.1) {
            let (k, v) = entry?;
            lex.words.entry(fold(k).into()).or_insert(v);
        }
        for entry in valences(extra.0, extra.1) {
            let (k, v) = entry?;
            if k.contains(' ') {
                lex.max_phrase = lex.max_phrase.max(k.split(' ').count());
                let folded = fold(k);
                lex.phrase_starts.insert(folded.split(' ').next().unwrap_or("").into());
                lex.phrases.insert(folded.into(), v);
            } else {
                lex.words.insert(k.into(), v);
                lex.words.insert(fold(k).into(), v);
            }
        }
        for entry in entries(sms.0, sms.1) {
            let (_, k, v) = entry?;
            lex.sms.insert(k.into(), v.split(' ').map(Box::from).collect());
        }
        Ok(lex)
    }

    /// Valence of one lowercase word, exact form first, then without accents.
    pub fn word(&self, word: &str) -> Option<f32> {
        self.words.get(word).copied().or_else(|| match fold(word) {
            Cow::Owned(folded) => self.words.get(folded.as_str()).copied(),
            Cow::Borrowed(_) => None,
        })
    }

    /// Whether the exact lowercase word has an entry.
    pub fn has(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// Valence of a phrase given as folded words separated by single spaces.
    pub fn phrase(&self, folded: &str) -> Option<f32> {
        self.phrases.get(folded).copied()
    }

    /// Whether some phrase starts with this folded word.
    pub fn starts_phrase(&self, folded: &str) -> bool {
        self.phrase_starts.contains(folded)
    }

    pub fn max_phrase(&self) -> usize {
        self.max_phrase
    }

    /// Standard words for an SMS spelling.
    pub fn sms(&self, word: &str) -> Option<&[Box<str>]> {
        self.sms.get(word).map(|w| &**w)
    }
}

/// All embedded lexicons.
pub struct Lexicons {
    pub fr: Lexicon,
    pub en: Lexicon,
    emoji: HashMap<Box<str>, f32>,
}

impl Lexicons {
    pub fn load() -> Result<Lexicons, AnalysisError> {
        let fr =
            Lexicon::build(("fr_vader_textblob.tsv", FR_DERIVED), ("fr_extra.tsv", FR_EXTRA), ("sms_fr.tsv", SMS_FR))?;
        let en = Lexicon::build(("en_vader.tsv", EN_VADER), ("en_extra.tsv", EN_EXTRA), ("sms_en.tsv", SMS_EN))?;
        let mut emoji = HashMap::new();
        for (file, text) in [("emoji_vader.tsv", EMOJI_VADER), ("emoji_extra.tsv", EMOJI_EXTRA)] {
            for entry in valences(file, text) {
                let (k, v) = entry?;
                emoji.insert(k.trim_end_matches('\u{fe0f}').into(), v);
            }
        }
        Ok(Lexicons { fr, en, emoji })
    }

    /// The lexicon for a language, when there is one.
    pub fn for_lang(&self, lang: Option<&str>) -> Option<&Lexicon> {
        match lang {
            Some("fr") => Some(&self.fr),
            Some("en") => Some(&self.en),
            _ => None,
        }
    }

    pub fn emoji(&self, emoji: &str) -> Option<f32> {
        self.emoji.get(emoji).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_data_file_parses() {
        let lex = Lexicons::load();
        assert!(lex.is_ok(), "{:?}", lex.err());
    }

    #[test]
    fn words_match_without_their_accents() {
        let Ok(lex) = Lexicons::load() else { panic!("lexicons") };
        assert_eq!(lex.fr.word("degoute"), lex.fr.word("dégoûté"));
        assert!(lex.fr.word("génial").is_some_and(|v| v > 0.0));
        assert!(lex.en.word("terrible").is_some_and(|v| v < 0.0));
        assert_eq!(fold("œuvre épatée"), "oeuvre epatee");
    }
}
