//! Shared text helpers of the guards: folding with offsets, words, hashtags, URLs and mentions, emoji, French cues.

use unicode_normalization::char::decompose_canonical;
use unicode_properties::emoji::{is_emoji_presentation_selector, UnicodeEmoji};
use unicode_properties::EmojiStatus;
use unicode_segmentation::UnicodeSegmentation;

/// Straight and typographic apostrophes (and the modifier letter some keyboards produce).
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// A letter, a digit or a combining mark: what words are made of.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Text folded for comparison (lower case, no accents, `’` → `'`, œ → oe, runs of white space → one space), with
/// the original byte range of every folded byte.
pub(crate) struct Folded {
    pub text: String,
    origin: Vec<(usize, usize)>,
}

impl Folded {
    pub fn new(text: &str) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut last_space = false;
        for (i, c) in text.char_indices() {
            let range = (i, i + c.len_utf8());
            if c.is_whitespace() {
                if !last_space {
                    out.push(' ');
                    origin.push(range);
                }
                last_space = true;
                continue;
            }
            last_space = false;
            let before = out.len();
            fold_char(c, &mut out);
            origin.resize(origin.len() + (out.len() - before), range);
        }
        Self { text: out, origin }
    }

    /// The original byte range of the folded range `start..end` (non-empty).
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let a = self.origin.get(start).map_or(0, |r| r.0);
        let b = self.origin.get(end.saturating_sub(1)).map_or(a, |r| r.1);
        (a, b.max(a))
    }
}

/// Folds one piece of text for comparison (the same folding as [`Folded`]), trimmed.
pub(crate) fn fold(text: &str) -> String {
    Folded::new(text.trim()).text
}

fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        '’' | 'ʼ' | '‘' => out.push('\''),
        'œ' | 'Œ' => out.push_str("oe"),
        'æ' | 'Æ' => out.push_str("ae"),
        _ => {
            for lower in c.to_lowercase() {
                decompose_canonical(lower, |d| {
                    if !('\u{300}'..='\u{36f}').contains(&d) {
                        out.push(d);
                    }
                });
            }
        }
    }
}

/// One word of the text: a run of letters and digits, by byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// The runs of letters and digits of `text`, in order.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word { start: s, end: i, text: &text[s..i] });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word { start: s, end: text.len(), text: &text[s..] });
    }
    out
}

/// What kind of token a skipped range is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    Url,
    Email,
    Hashtag,
    Mention,
}

/// URLs, e-mail addresses, #hashtags and @mentions of `text` (byte ranges, in order, not overlapping): text the
/// word guards leave alone.
pub(crate) fn specials(text: &str) -> Vec<(usize, usize, Special)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let at_boundary = i == 0 || !text[..i].chars().next_back().is_some_and(is_word_char);
        let url_start = at_boundary
            && (starts_with_ignore_case(rest, "http://")
                || starts_with_ignore_case(rest, "https://")
                || starts_with_ignore_case(rest, "www."));
        if url_start {
            let end = i + token_end(rest);
            out.push((i, end, Special::Url));
            i = end;
            continue;
        }
        let b = bytes[i];
        if (b == b'#' || b == b'@') && at_boundary {
            let len = rest[1..]
                .char_indices()
                .find(|&(_, c)| !(is_word_char(c) || c == '_'))
                .map_or(rest.len() - 1, |(j, _)| j);
            let name = &rest[1..1 + len];
            if name.chars().any(char::is_alphabetic) {
                let kind = if b == b'#' { Special::Hashtag } else { Special::Mention };
                // Fediverse handles: @name@server.tld
                let mut end = i + 1 + len;
                if kind == Special::Mention && text[end..].starts_with('@') {
                    end += token_end(&text[end..]);
                }
                out.push((i, end, kind));
                i = end;
                continue;
            }
        }
        if b == b'@' && !at_boundary {
            // An e-mail address: extend back to the word start and forward to the end of the token.
            let start = text[..i]
                .char_indices()
                .rev()
                .find(|&(_, c)| !(is_word_char(c) || matches!(c, '.' | '_' | '-' | '+')))
                .map_or(0, |(j, c)| j + c.len_utf8());
            let end = i + token_end(rest);
            if rest[1..end - i].contains('.') {
                while out.last().is_some_and(|&(s, _, _)| s >= start) {
                    out.pop();
                }
                out.push((start, end, Special::Email));
                i = end;
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Length of the token starting `text`: up to white space, without trailing punctuation.
fn token_end(text: &str) -> usize {
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let token = &text[..end];
    token.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '’', '»', '…']).len()
}

/// Whether `pos` falls inside one of the ranges (sorted by start).
pub(crate) fn inside(ranges: &[(usize, usize, Special)], start: usize, end: usize) -> bool {
    ranges.iter().any(|&(s, e, _)| start < e && end > s)
}

/// Whether a grapheme is an emoji: a pictograph shown as emoji by default, anything followed by the emoji
/// presentation selector, a flag or a keycap. Plain ©, ®, ™, ‼, arrows and digits are not.
pub(crate) fn is_emoji(grapheme: &str) -> bool {
    let mut chars = grapheme.chars();
    let Some(first) = chars.next() else { return false };
    if first.is_ascii() && grapheme.len() == 1 {
        return false;
    }
    let status = first.emoji_status();
    let presentation = matches!(
        status,
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    if presentation {
        return true;
    }
    let selected = grapheme.chars().any(|c| is_emoji_presentation_selector(c) || c == '\u{20e3}');
    if first.is_emoji_char() && selected {
        return true;
    }
    // Pictographs whose default is text (☀, ✔, ♥, ✈) still show as emoji on phones; letter-like symbols and
    // arrows below U+2300 (©, ®, ™, ‼, ↔) do not count.
    matches!(status, EmojiStatus::EmojiOther | EmojiStatus::EmojiModifierBase) && u32::from(first) >= 0x2300
}

/// The emoji of `text`, as byte ranges of graphemes.
pub(crate) fn emoji(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.grapheme_indices(true).filter(|(_, g)| !g.is_ascii() && is_emoji(g)).map(|(i, g)| (i, i + g.len()))
}

const FRENCH_CUES: &[&str] = &[
    "le",
    "la",
    "les",
    "des",
    "du",
    "une",
    "et",
    "est",
    "pour",
    "avec",
    "dans",
    "sur",
    "vous",
    "tu",
    "nous",
    "pas",
    "que",
    "qui",
    "au",
    "aux",
    "ce",
    "cette",
    "ces",
    "votre",
    "vos",
    "ton",
    "ta",
    "tes",
    "mon",
    "ma",
    "mes",
    "son",
    "sa",
    "ses",
    "ça",
    "très",
    "plus",
    "il",
    "elle",
    "ne",
    "je",
    "chez",
    "toi",
    "te",
    "nos",
    "notre",
    "sont",
    "mais",
    "ou",
    "où",
    "bien",
    "aussi",
    "tous",
    "toutes",
    "merci",
    "bonjour",
    "découvrez",
    "découvre",
    "viens",
    "venez",
    "peux",
    "pouvez",
    "fait",
];
const ENGLISH_CUES: &[&str] = &[
    "the", "and", "is", "are", "to", "of", "for", "with", "you", "your", "this", "that", "it", "we", "our", "be", "at",
    "from", "not", "will", "can", "have", "has", "an", "in", "on", "my", "all", "new", "now", "get", "i",
];

/// Words that elide before a vowel in French (`l'été`, `t'attend`); English has `I'm` and `don't`, not these.
const ELIDED: &[&str] = &["l", "d", "j", "t", "n", "s", "c", "m", "qu", "jusqu", "lorsqu", "puisqu"];

/// Whether the text reads as French: more French function words than English ones (accents count for French).
pub(crate) fn looks_french(text: &str) -> bool {
    let mut fr = 0usize;
    let mut en = 0usize;
    for w in words(text) {
        let lower = w.text.to_lowercase();
        let mut after = text[w.end..].chars();
        let elided = after.next().is_some_and(is_apostrophe) && after.next().is_some_and(char::is_alphabetic);
        if elided && ELIDED.contains(&lower.as_str()) {
            fr += 2;
            continue;
        }
        if FRENCH_CUES.contains(&lower.as_str()) {
            fr += 2;
        }
        if ENGLISH_CUES.contains(&lower.as_str()) {
            en += 2;
        }
        if lower.contains(['é', 'è', 'ê', 'à', 'ç', 'ù', 'û', 'ô', 'î', 'œ']) {
            fr += 1;
        }
    }
    fr > 0 && fr >= en
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_the_way_back_to_the_original() {
        let text = "Très  CHÈRE l’Œuvre";
        let f = Folded::new(text);
        assert_eq!(f.text, "tres chere l'oeuvre");
        let at = f.text.find("chere").unwrap();
        let (a, b) = f.original(at, at + 5);
        assert_eq!(&text[a..b], "CHÈRE");
        let at = f.text.find("oeuvre").unwrap();
        let (a, b) = f.original(at, at + 6);
        assert_eq!(&text[a..b], "Œuvre");
    }

    #[test]
    fn specials_find_urls_mails_tags_and_mentions() {
        let text = "Voir https://ex.fr/a#b, écrire à contact@pizza.fr ou @napoli@mastodon.social #Pizza #1 fin.";
        let kinds: Vec<_> = specials(text).into_iter().map(|(s, e, k)| (&text[s..e], k)).collect();
        assert_eq!(
            kinds,
            vec![
                ("https://ex.fr/a#b", Special::Url),
                ("contact@pizza.fr", Special::Email),
                ("@napoli@mastodon.social", Special::Mention),
                ("#Pizza", Special::Hashtag),
            ]
        );
    }

    #[test]
    fn emoji_are_pictographs_not_symbols_or_digits() {
        let found: Vec<_> = emoji("Top 🍕 ©2024 ™ ❤️ 👍🏽 🇫🇷 1️⃣ ☀ → 3").collect();
        assert_eq!(found.len(), 6);
        assert!(!is_emoji("©"));
        assert!(!is_emoji("™"));
        assert!(is_emoji("👨‍👩‍👧"));
    }

    #[test]
    fn french_is_told_from_english() {
        assert!(looks_french("Tu peux venir ce soir ?"));
        assert!(looks_french("Découvrez notre nouvelle carte"));
        assert!(!looks_french("You can join us tonight at the bar"));
        assert!(!looks_french("Check out our new menu"));
        assert!(looks_french("On t’attend demain"));
        assert!(!looks_french("I'm sure you don't mind"));
    }
}
