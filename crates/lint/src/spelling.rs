//! The spelling guard: Hunspell dictionaries (French and English, embedded) through `spellbook`, and the word
//! cutting that social posts need (URLs, hashtags, mentions, elisions, hyphens, acronyms are not words to check).

use std::fmt;

use filrouge_domain::lint::{Finding, FindingCode};
use spellbook::Dictionary;

use crate::error::LintError;
use crate::text::{inside, is_apostrophe, is_word_char, looks_french, specials};

const FR_AFF: &str = include_str!("../dictionaries/fr/index.aff");
const FR_DIC: &str = include_str!("../dictionaries/fr/index.dic");
const EN_AFF: &str = include_str!("../dictionaries/en/index.aff");
const EN_DIC: &str = include_str!("../dictionaries/en/index.dic");

/// Most suggestions [`Speller::suggest`] returns.
pub const MAX_SUGGESTIONS: usize = 5;

/// French elided words: `l'`, `d'`, `qu'`, … (with either apostrophe) before the word to check.
const ELISIONS: &[&str] =
    &["l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"];

/// The spelling checker: both dictionaries, parsed once (build one per process and share it).
pub struct Speller {
    fr: Dictionary,
    en: Dictionary,
}

impl fmt::Debug for Speller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Speller").field("languages", &["fr", "en"]).finish()
    }
}

impl Speller {
    /// Parses the embedded French and English dictionaries (about a tenth of a second in release builds).
    pub fn new() -> Result<Self, LintError> {
        let fr =
            Dictionary::new(FR_AFF, FR_DIC).map_err(|e| LintError::Dictionary { lang: "fr", reason: e.to_string() })?;
        let en =
            Dictionary::new(EN_AFF, EN_DIC).map_err(|e| LintError::Dictionary { lang: "en", reason: e.to_string() })?;
        Ok(Self { fr, en })
    }

    /// The language codes this speller knows.
    pub fn languages(&self) -> [&'static str; 2] {
        ["fr", "en"]
    }

    fn dictionaries<'a>(&'a self, langs: &[&str]) -> Vec<&'a Dictionary> {
        let mut out = Vec::with_capacity(2);
        for lang in langs {
            let code = lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
            let dict = match code.as_str() {
                "fr" => &self.fr,
                "en" => &self.en,
                _ => continue,
            };
            if !out.iter().any(|d: &&Dictionary| std::ptr::eq(*d, dict)) {
                out.push(dict);
            }
        }
        out
    }

    /// Whether one word is known to any of `langs`.
    pub fn knows(&self, word: &str, langs: &[&str]) -> bool {
        let dicts = self.dictionaries(langs);
        known(&dicts, word)
    }

    /// Words of `text` that none of `langs` knows (`fr`, `en`; other codes are ignored, and with none known
    /// nothing is reported), as warnings without suggestions (ask [`Speller::suggest`] for them on demand).
    ///
    /// Left alone: URLs, e-mail addresses, #hashtags, @mentions, words with digits, one-letter words, acronyms in
    /// capitals of at most five letters, and `accepted` words (ignoring case; an entry of several words accepts
    /// each of them). French elisions (`l'`, `qu'`, `jusqu'`…) are cut off; a hyphenated word is checked whole,
    /// then part by part, and only its unknown parts are reported.
    pub fn check(&self, text: &str, langs: &[&str], accepted: &[String]) -> Vec<Finding> {
        let mut dicts = self.dictionaries(langs);
        let mut out = Vec::new();
        if dicts.is_empty() {
            return out;
        }
        // Ask the draft's likely language first: most words are then settled by one lookup.
        if dicts.len() > 1 && !looks_french(text) {
            dicts.sort_by_key(|d| !std::ptr::eq(*d, &self.en));
        }
        let skip = specials(text);
        let ctx = Ctx { dicts: &dicts, accepted };
        let mut bad = Vec::new();
        for (start, end) in tokens(text) {
            if inside(&skip, start, end) {
                continue;
            }
            ctx.unknown_parts(&text[start..end], start, &mut bad);
        }
        for (s, e) in bad {
            let message = format!("'{}' is not in the {} dictionary", &text[s..e], names(langs));
            out.push(Finding::warning(FindingCode::Spelling, message).at(text, s, e));
        }
        out
    }

    /// Up to [`MAX_SUGGESTIONS`] replacements for `word` from the dictionaries of `langs`, best first per
    /// language. Slow (milliseconds): call it when the user asks, not on every keystroke.
    pub fn suggest(&self, word: &str, langs: &[&str]) -> Vec<String> {
        let word = normalise_apostrophes(word.trim());
        let mut out: Vec<String> = Vec::new();
        let mut buf = Vec::new();
        for dict in self.dictionaries(langs) {
            buf.clear();
            dict.suggest(&word, &mut buf);
            for s in buf.drain(..) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out.truncate(MAX_SUGGESTIONS);
        out
    }
}

fn names(langs: &[&str]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for lang in langs {
        let name = match lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase().as_str() {
            "fr" => "French",
            "en" => "English",
            _ => continue,
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(" or ")
}

struct Ctx<'a> {
    dicts: &'a [&'a Dictionary],
    accepted: &'a [String],
}

impl Ctx<'_> {
    /// Pushes the byte ranges (offset by `at`) of the parts of `word` that are not known.
    fn unknown_parts(&self, word: &str, at: usize, out: &mut Vec<(usize, usize)>) {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters <= 1 || word.chars().any(|c| c.is_numeric()) || is_acronym(word) {
            return;
        }
        if known(self.dicts, word) || self.accepted(word) {
            return;
        }
        if let Some(i) = word.find(is_apostrophe) {
            let (head, tail) = word.split_at(i);
            let apostrophe = tail.chars().next().map_or(1, char::len_utf8);
            let rest = &tail[apostrophe..];
            if ELISIONS.contains(&head.to_lowercase().as_str()) && !rest.is_empty() {
                self.unknown_parts(rest, at + i + apostrophe, out);
                return;
            }
            if matches!(rest, "s" | "S") && (known(self.dicts, head) || self.accepted(head)) {
                return; // English possessive of a known word or brand
            }
        }
        if word.contains('-') {
            let mut offset = 0;
            for part in word.split('-') {
                if !part.is_empty() {
                    self.unknown_parts(part, at + offset, out);
                }
                offset += part.len() + 1;
            }
            return;
        }
        out.push((at, at + word.len()));
    }

    fn accepted(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        self.accepted.iter().flat_map(|a| a.split_whitespace()).any(|a| a == word || a.to_lowercase() == lower)
    }
}

fn known(dicts: &[&Dictionary], word: &str) -> bool {
    if word.contains(['’', 'ʼ']) {
        let straight = normalise_apostrophes(word);
        return dicts.iter().any(|d| d.check(&straight));
    }
    dicts.iter().any(|d| d.check(word))
}

fn normalise_apostrophes(word: &str) -> String {
    word.replace(['’', 'ʼ'], "'")
}

/// Capitals only, two to five letters: NASA, SNCF, RGPD.
fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    (2..=5).contains(&letters) && word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// Words of `text` as byte ranges: letters and digits, joined by one inner apostrophe or hyphen.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
            last_end = i + c.len_utf8();
            continue;
        }
        let joiner = is_apostrophe(c) || c == '-';
        let next_is_word = chars.peek().is_some_and(|&(_, n)| is_word_char(n));
        if joiner && next_is_word && start.is_some() {
            continue;
        }
        if let Some(s) = start.take() {
            out.push((s, last_end));
        }
    }
    if let Some(s) = start {
        out.push((s, last_end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_elisions_and_hyphens_together() {
        let text = "L’été, c'est-à-dire -- aujourd'hui's 'quote' fin-";
        let words: Vec<&str> = tokens(text).into_iter().map(|(s, e)| &text[s..e]).collect();
        assert_eq!(words, vec!["L’été", "c'est-à-dire", "aujourd'hui's", "quote", "fin"]);
    }

    #[test]
    fn acronyms_are_short_capitals() {
        assert!(is_acronym("SNCF"));
        assert!(is_acronym("RGPD"));
        assert!(!is_acronym("BONJOUR"));
        assert!(!is_acronym("Paris"));
    }
}
