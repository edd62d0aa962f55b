//! Tokenizing a document field once: words (letter/digit runs, folded), `#hashtags` and `@mentions`, each with
//! its folded form and its byte range in the original text.

use crate::fold::{class, fold_char, fold_word_char, key_prefix, short_hash, word_hash, word_key, Class};
use crate::limits::MAX_FIELD_BYTES;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Hashtag,
    Mention,
}

/// One token: folded form in [`Tokens::fold`], original bytes in the source field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Kind,
    /// Folded bytes: `fold[start..end]`. A mention is folded whole (`user@instance`).
    pub start: u32,
    pub end: u32,
    /// Length of the user part of a mention (before a second `@`), and of its first label (before a `.`).
    pub user_len: u32,
    pub label_len: u32,
    /// First folded bytes, compared before the whole word.
    pub key: u64,
    /// Hashes of the plain forms (word, tag, or a mention's user part and first label) for the prefilter.
    pub hash: u64,
    pub hash2: u64,
    /// Byte range of the word in its source field (without the `#` or `@`).
    pub orig_start: u32,
    pub orig_end: u32,
}

/// The tokens of one or more fields, with their folded bytes.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tokens {
    pub tokens: Vec<Token>,
    pub fold: Vec<u8>,
    /// One bit per token hash (`hash` and `hash2`): a word whose bit is clear is in no token.
    pub bloom: [u64; BLOOM_WORDS],
}

const BLOOM_WORDS: usize = 16;

/// The bloom bit of a hash: its word and mask.
#[inline]
fn bloom_bit(h: u64) -> (usize, u64) {
    let bit = (h >> 52) as usize % (BLOOM_WORDS * 64);
    (bit / 64, 1 << (bit % 64))
}

impl Tokens {
    pub fn clear(&mut self) {
        self.tokens.clear();
        self.fold.clear();
        self.bloom = [0; BLOOM_WORDS];
    }

    /// Whether some token may have this hash (`false`: none has).
    #[inline]
    pub fn may_have(&self, h: u64) -> bool {
        let (word, mask) = bloom_bit(h);
        self.bloom.get(word).is_some_and(|w| w & mask != 0)
    }

    #[inline]
    fn remember(&mut self, h: u64) {
        let (word, mask) = bloom_bit(h);
        if let Some(w) = self.bloom.get_mut(word) {
            *w |= mask;
        }
    }

    /// The folded word of a token (whole handle for a mention).
    #[inline]
    pub fn folded(&self, t: &Token) -> &[u8] {
        self.fold.get(t.start as usize..t.end as usize).unwrap_or_default()
    }

    /// The strings a plain term is compared with: the word, the tag, or a mention's user part and first label.
    #[inline]
    pub fn plain_forms(&self, t: &Token) -> (&[u8], Option<&[u8]>) {
        let all = self.folded(t);
        match t.kind {
            Kind::Word | Kind::Hashtag => (all, None),
            Kind::Mention => {
                let user = all.get(..t.user_len as usize).unwrap_or_default();
                let label = all.get(..t.label_len as usize).unwrap_or_default();
                (user, (label.len() != user.len()).then_some(label))
            }
        }
    }

    /// Appends the tokens of `src` (cut at [`MAX_FIELD_BYTES`]).
    pub fn push_field(&mut self, src: &str) {
        let src = cut(src, MAX_FIELD_BYTES);
        let bytes = src.as_bytes();
        let mut i = 0;
        // Whether the character before `i` is part of a word (then `#` and `@` start nothing).
        let mut after_word = false;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    i = self.word(src, i);
                    after_word = true;
                    continue;
                }
                if (b == b'#' || b == b'@') && !after_word {
                    if let Some(next) = self.sigil(src, i, b == b'#') {
                        i = next;
                        after_word = true;
                        continue;
                    }
                }
                after_word = b == b'&' || b == b'_';
                i += 1;
            } else {
                let c = src[i..].chars().next().unwrap_or(' ');
                match class(c) {
                    Class::Word => {
                        i = self.word(src, i);
                        after_word = true;
                    }
                    Class::Mark => i += c.len_utf8(),
                    Class::Other => {
                        after_word = false;
                        i += c.len_utf8();
                    }
                }
            }
        }
    }

    /// Folds the word starting at `i`; returns where it ends.
    #[inline]
    fn word(&mut self, src: &str, start: usize) -> usize {
        // Fast path: an ASCII word of fewer than 8 bytes followed by an ASCII byte, read 8 bytes at once.
        if let Some(first) = src.as_bytes().get(start..start + 8) {
            let x = u64::from_le_bytes(first.try_into().unwrap_or_default());
            let run = alnum_run(x);
            if run > 0 && first.get(run).is_some_and(|&b| b < 0x80) {
                // Lowercase of an ASCII letter or digit: its 0x20 bit set.
                let lower = x | 0x2020_2020_2020_2020;
                let key = key_prefix(lower, run);
                let fold_start = self.fold.len();
                self.fold.extend_from_slice(&lower.to_le_bytes());
                self.fold.truncate(fold_start + run);
                let hash = short_hash(run, key);
                self.remember(hash);
                self.tokens.push(Token {
                    kind: Kind::Word,
                    start: fold_start as u32,
                    end: (fold_start + run) as u32,
                    user_len: run as u32,
                    label_len: run as u32,
                    key,
                    hash,
                    hash2: hash,
                    orig_start: start as u32,
                    orig_end: (start + run) as u32,
                });
                return start + run;
            }
        }
        self.long_word(src, start)
    }

    /// [`Tokens::word`] for words of 8 bytes or more, or not ASCII.
    #[inline(never)]
    fn long_word(&mut self, src: &str, start: usize) -> usize {
        let bytes = src.as_bytes();
        let fold_start = self.fold.len();
        let mut i = start;
        // The ASCII letters and digits at the start of the word, 8 bytes at a time.
        while let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let run = alnum_run(x);
            // Lowercase of an ASCII letter or digit: its 0x20 bit set.
            let len = self.fold.len();
            self.fold.extend_from_slice(&(x | 0x2020_2020_2020_2020).to_le_bytes());
            self.fold.truncate(len + run);
            i += run;
            if run < 8 {
                break;
            }
        }
        // The rest of the word, if it goes on with a non-ASCII character.
        {
            while i < bytes.len() {
                let b = bytes[i];
                if b < 0x80 {
                    if !b.is_ascii_alphanumeric() {
                        break;
                    }
                    self.fold.push(b.to_ascii_lowercase());
                    i += 1;
                } else {
                    let c = src.get(i..).and_then(|rest| rest.chars().next()).unwrap_or(' ');
                    if fold_word_char(c, &mut self.fold) == Class::Other {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
        }
        self.push_word(fold_start, start, i);
        i
    }

    /// [`Tokens::push`] of a word (not a hashtag nor a mention).
    #[inline]
    fn push_word(&mut self, fold_start: usize, orig_start: usize, orig_end: usize) {
        let end = self.fold.len();
        let folded = self.fold.get(fold_start..).unwrap_or_default();
        if folded.is_empty() {
            return;
        }
        let (key, hash) = (word_key(folded), word_hash(folded));
        let len = (end - fold_start) as u32;
        self.remember(hash);
        self.tokens.push(Token {
            kind: Kind::Word,
            start: fold_start as u32,
            end: end as u32,
            user_len: len,
            label_len: len,
            key,
            hash,
            hash2: hash,
            orig_start: orig_start as u32,
            orig_end: orig_end as u32,
        });
    }

    /// A `#hashtag` or `@mention` at `i` (the sigil), if one starts there; returns where it ends.
    fn sigil(&mut self, src: &str, at: usize, hashtag: bool) -> Option<usize> {
        let start = at + 1;
        let first = src[start..].chars().next()?;
        if class(first) != Class::Word && first != '_' {
            return None;
        }
        let end = if hashtag { tag_end(src, start) } else { handle_end(src, start) };
        if end <= start {
            return None;
        }
        let fold_start = self.fold.len();
        let mut user_len = None;
        let mut label_len = None;
        for c in src[start..end].chars() {
            if !hashtag && c == '@' && user_len.is_none() {
                user_len = Some(self.fold.len() - fold_start);
            }
            if !hashtag && c == '.' && label_len.is_none() && user_len.is_none() {
                label_len = Some(self.fold.len() - fold_start);
            }
            if class(c) != Class::Mark {
                fold_char(c, &mut self.fold);
            }
        }
        let kind = if hashtag { Kind::Hashtag } else { Kind::Mention };
        let user = user_len.unwrap_or(self.fold.len() - fold_start);
        self.push(kind, fold_start, start, end, Some((user, label_len.unwrap_or(user))));
        Some(end)
    }

    fn push(
        &mut self,
        kind: Kind,
        fold_start: usize,
        orig_start: usize,
        orig_end: usize,
        parts: Option<(usize, usize)>,
    ) {
        let len = self.fold.len() - fold_start;
        if len == 0 {
            return;
        }
        let (user_len, label_len) = parts.unwrap_or((len, len));
        let folded = &self.fold[fold_start..];
        let hash = word_hash(folded.get(..user_len).unwrap_or_default());
        let hash2 = if label_len == user_len { hash } else { word_hash(folded.get(..label_len).unwrap_or_default()) };
        let key = word_key(folded);
        self.remember(hash);
        self.remember(hash2);
        self.tokens.push(Token {
            kind,
            start: fold_start as u32,
            end: self.fold.len() as u32,
            user_len: user_len as u32,
            label_len: label_len as u32,
            key,
            hash,
            hash2,
            orig_start: orig_start as u32,
            orig_end: orig_end as u32,
        });
    }
}

/// Number of ASCII letters and digits at the start of 8 bytes (little-endian), computed on all 8 at once.
#[inline]
fn alnum_run(x: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Each byte below 0x80, so that adding less than 0x80 carries into no other byte.
    let y = x & !HIGH;
    let at_least = |lo: u64| (y + (0x80 - lo) * ONES) & HIGH;
    let above = |hi: u64| (y + (0x7f - hi) * ONES) & HIGH;
    let lower = y | (0x20 * ONES);
    let letter = ((lower + (0x80 - 0x61) * ONES) & HIGH) & !((lower + (0x7f - 0x7a) * ONES) & HIGH);
    let digit = at_least(0x30) & !above(0x39);
    let alnum = (letter | digit) & !x & HIGH;
    ((!alnum & HIGH).trailing_zeros() / 8) as usize
}

/// `src` cut to at most `max` bytes, on a character boundary.
pub(crate) fn cut(src: &str, max: usize) -> &str {
    &src[..src.floor_char_boundary(max)]
}

fn is_tag_char(c: char) -> bool {
    c == '_' || class(c) != Class::Other
}

/// End of a hashtag's name starting at `start`: letters, digits, marks and `_`.
fn tag_end(src: &str, start: usize) -> usize {
    src[start..].char_indices().find(|&(_, c)| !is_tag_char(c)).map_or(src.len(), |(i, _)| start + i)
}

/// End of a handle starting at `start`: `user` or `user@instance`, with `.`, `-` and `_` inside, not at the end.
fn handle_end(src: &str, start: usize) -> usize {
    let mut end = start;
    let mut seen_at = false;
    let mut prev_at = false;
    for (i, c) in src[start..].char_indices() {
        let ok = is_tag_char(c) || c == '.' || c == '-' || (c == '@' && !seen_at && !prev_at);
        if !ok {
            break;
        }
        if c == '@' {
            let next = src[start + i + 1..].chars().next();
            if !next.is_some_and(|n| class(n) == Class::Word) {
                break;
            }
            seen_at = true;
        }
        prev_at = c == '@';
        end = start + i + c.len_utf8();
    }
    while end > start && matches!(src.as_bytes()[end - 1], b'.' | b'-' | b'_' | b'@') {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<(Kind, String, String)> {
        let mut t = Tokens::default();
        t.push_field(src);
        t.tokens
            .iter()
            .map(|k| {
                let folded = String::from_utf8(t.folded(k).to_vec()).unwrap();
                (k.kind, folded, src[k.orig_start as usize..k.orig_end as usize].to_string())
            })
            .collect()
    }

    fn folded(src: &str) -> Vec<String> {
        words(src).into_iter().map(|(_, f, _)| f).collect()
    }

    #[test]
    fn alnum_runs_are_counted_like_bytes() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = *b"aZ09zzzz";
                bytes[at] = b;
                let x = u64::from_le_bytes(bytes);
                let expected = bytes.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(8);
                assert_eq!(alnum_run(x), expected, "{b} at {at}");
            }
        }
    }

    #[test]
    fn apostrophes_and_hyphens_split_words() {
        assert_eq!(folded("L'hôtel Coca-Cola, l’été!"), ["l", "hotel", "coca", "cola", "l", "ete"]);
    }

    #[test]
    fn hashtags_and_mentions_are_tokens_of_their_own_kind() {
        let w = words("Miam #Miam_Miam @Jean.bsky.social @user@mastodon.social. fin");
        assert_eq!(w[1], (Kind::Hashtag, "miam_miam".into(), "Miam_Miam".into()));
        assert_eq!(w[2], (Kind::Mention, "jean.bsky.social".into(), "Jean.bsky.social".into()));
        assert_eq!(w[3], (Kind::Mention, "user@mastodon.social".into(), "user@mastodon.social".into()));
        assert_eq!(w[4].1, "fin");
    }

    #[test]
    fn emails_and_csharp_are_not_mentions_or_hashtags() {
        let w = words("mail a@b.com C# x");
        assert!(w.iter().all(|(k, _, _)| *k == Kind::Word));
        assert_eq!(folded("mail a@b.com C# x"), ["mail", "a", "b", "com", "c", "x"]);
    }

    #[test]
    fn mention_parts_are_known() {
        let mut t = Tokens::default();
        t.push_field("@user@inst.social @orange.fr");
        let (user, label) = t.plain_forms(&t.tokens[0]);
        assert_eq!((user, label), (&b"user"[..], None));
        let (user, label) = t.plain_forms(&t.tokens[1]);
        assert_eq!((user, label), (&b"orange.fr"[..], Some(&b"orange"[..])));
    }

    #[test]
    fn decomposed_accents_stay_inside_the_word() {
        assert_eq!(words("cafe\u{301} noir")[0], (Kind::Word, "cafe".into(), "cafe\u{301}".into()));
    }
}
