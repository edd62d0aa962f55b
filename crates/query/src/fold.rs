//! Folding for matching: lowercase, accents and other combining marks stripped (NFKD), ligatures spread out
//! (`œ`→`oe`, `æ`→`ae`, `ß`→`ss`, …), with a table for the Latin ranges and a pure-ASCII fast path.

use std::sync::OnceLock;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// What a character is to the tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A letter or digit: part of a word.
    Word,
    /// A combining mark: part of the word it follows, dropped by folding.
    Mark,
    /// Anything else: separates words.
    Other,
}

/// Folded form of the characters U+0080..U+0370, computed once.
#[derive(Clone, Copy)]
struct Entry {
    class: Class,
    len: u8,
    bytes: [u8; 7],
}

const TABLE_START: u32 = 0x80;
const TABLE_END: u32 = 0x370;
const SLOW: u8 = u8::MAX;

fn table() -> &'static [Entry] {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (TABLE_START..TABLE_END)
            .map(|code| {
                let Some(c) = char::from_u32(code) else {
                    return Entry { class: Class::Other, len: 0, bytes: [0; 7] };
                };
                let mut out = Vec::new();
                fold_slow(c, &mut out);
                let mut bytes = [0; 7];
                let len = if out.len() <= bytes.len() {
                    bytes[..out.len()].copy_from_slice(&out);
                    out.len() as u8
                } else {
                    SLOW
                };
                Entry { class: class_slow(c), len, bytes }
            })
            .collect()
    })
}

fn class_slow(c: char) -> Class {
    if c.is_alphanumeric() {
        Class::Word
    } else if is_combining_mark(c) {
        Class::Mark
    } else {
        Class::Other
    }
}

/// The class of a character.
#[inline]
pub(crate) fn class(c: char) -> Class {
    let code = c as u32;
    if code < 0x80 {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        }
    } else if code < TABLE_END {
        table()[(code - TABLE_START) as usize].class
    } else {
        class_slow(c)
    }
}

/// Appends the folded form of `c` (UTF-8) to `out`.
#[inline]
pub(crate) fn fold_char(c: char, out: &mut Vec<u8>) {
    let code = c as u32;
    if code < 0x80 {
        out.push((code as u8).to_ascii_lowercase());
    } else if code < TABLE_END {
        let entry = &table()[(code - TABLE_START) as usize];
        if entry.len == SLOW {
            fold_slow(c, out);
        } else {
            out.extend_from_slice(&entry.bytes[..entry.len as usize]);
        }
    } else {
        fold_slow(c, out);
    }
}

fn fold_slow(c: char, out: &mut Vec<u8>) {
    decompose_compatible(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        for lower in d.to_lowercase() {
            if !is_combining_mark(lower) {
                push_spread(lower, out);
            }
        }
    });
}

/// Letters that have no decomposition but are searched as plain Latin letters.
fn push_spread(c: char, out: &mut Vec<u8>) {
    let spread = match c {
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        'ø' => "o",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ł' => "l",
        'ı' => "i",
        'ħ' => "h",
        'ŧ' => "t",
        'ĸ' => "k",
        'ŋ' => "n",
        'ƒ' => "f",
        _ => {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            return;
        }
    };
    out.extend_from_slice(spread.as_bytes());
}

/// The folded form of a whole string (every character folded, marks dropped).
pub(crate) fn fold_str(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
    } else {
        for c in s.chars() {
            if class(c) != Class::Mark {
                fold_char(c, &mut out);
            }
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// First bytes of a folded word packed in a `u64`, compared before the whole word.
#[inline]
pub(crate) fn word_key(folded: &[u8]) -> u64 {
    match folded.get(..8) {
        Some(first) => u64::from_le_bytes(first.try_into().unwrap_or_default()),
        None => folded.iter().enumerate().fold(0, |v, (i, &b)| v | (b as u64) << (8 * i)),
    }
}

/// A 64-bit hash of a folded word, for the prefilter (a collision only makes an extra candidate).
#[inline]
pub(crate) fn word_hash(folded: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (folded.len() as u64).wrapping_mul(K);
    let mut chunks = folded.chunks_exact(8);
    for chunk in &mut chunks {
        h = (h.rotate_left(23) ^ u64::from_le_bytes(chunk.try_into().unwrap_or_default())).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = (h.rotate_left(23) ^ word_key(rest)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// The hash of two consecutive words.
#[inline]
pub(crate) fn pair_hash(first: u64, second: u64) -> u64 {
    let h = (first.rotate_left(17) ^ second).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 31)
}

/// Wildcard prefixes are looked up by their first 3, 4 or 5 characters.
pub(crate) const PREFIX_LENGTHS: std::ops::RangeInclusive<usize> = 3..=5;

/// The hash of the first `n` characters of a folded word, if it has that many.
#[inline]
pub(crate) fn prefix_hash(folded: &[u8], n: usize) -> Option<u64> {
    let end = if folded.get(..n)?.is_ascii() {
        n
    } else {
        let s = std::str::from_utf8(folded).ok()?;
        let (i, c) = s.char_indices().nth(n - 1)?;
        i + c.len_utf8()
    };
    Some(word_hash(folded.get(..end)?) ^ 0x5bd1_e995_a3c6_4f2b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowercases_and_strips_accents_and_ligatures() {
        assert_eq!(fold_str("Café"), "cafe");
        assert_eq!(fold_str("Cafe\u{301}"), "cafe");
        assert_eq!(fold_str("ŒUF"), "oeuf");
        assert_eq!(fold_str("Ærø"), "aero");
        assert_eq!(fold_str("Straße"), "strasse");
        assert_eq!(fold_str("ﬁlm"), "film");
        assert_eq!(fold_str("İstanbul"), "istanbul");
        assert_eq!(fold_str("ÉLÉPHANT"), "elephant");
    }

    #[test]
    fn the_table_agrees_with_the_slow_path() {
        for code in TABLE_START..TABLE_END {
            let Some(c) = char::from_u32(code) else { continue };
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            fold_char(c, &mut fast);
            fold_slow(c, &mut slow);
            assert_eq!(fast, slow, "U+{code:04X}");
            assert_eq!(class(c), class_slow(c));
        }
    }

    #[test]
    fn prefix_hashes_count_characters() {
        assert_eq!(prefix_hash(b"ca", 3), None);
        assert_eq!(prefix_hash(b"car", 3), prefix_hash(b"carrefour", 3));
        assert_ne!(prefix_hash(b"car", 3), prefix_hash(b"cat", 3));
        assert_eq!(prefix_hash("été".as_bytes(), 3), prefix_hash("étés".as_bytes(), 3));
        assert_eq!(prefix_hash("ét".as_bytes(), 3), None);
    }
}
