//! Text preparation: bounding what is analysed and cutting it into tokens (words, emoji, links, punctuation).

/// At most this many bytes of a mention are analysed (cut at a character boundary).
pub const MAX_BYTES: usize = 4096;
/// At most this many tokens of a mention are analysed.
pub const MAX_TOKENS: usize = 1000;

/// The first `MAX_BYTES` of `text`, cut at a character boundary.
pub fn bound(text: &str) -> &str {
    &text[..text.floor_char_boundary(MAX_BYTES)]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    Emoji,
    Url,
    Hashtag,
    Mention,
    /// `!`, `?` or a clause boundary (`.`, `,`, `;`, `:`, `…`).
    Punct,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Kind,
    /// Lowercase for words (apostrophes as `'`); the emoji without variation selector; the punctuation character.
    pub text: String,
    /// The word was written in capitals (two letters or more).
    pub caps: bool,
}

impl Token {
    fn new(kind: Kind, text: String) -> Token {
        Token { kind, text, caps: false }
    }

    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text == word
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }
}

/// French elided words: `c'est` → `c` + `est`, `n'ai` → `n` + `ai`. Other apostrophes keep the word whole
/// (`don't`, `it's`, `aujourd'hui`).
const ELISIONS: &[&str] =
    &["c", "j", "l", "d", "n", "s", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"];

const TLDS: &[&str] = &[
    "com", "fr", "io", "xyz", "biz", "info", "top", "online", "net", "org", "me", "ly", "co", "shop", "site", "app",
    "be", "ch", "de", "uk", "us", "eu", "store", "club", "live", "vip", "link", "click", "gl", "gg", "tv", "ru",
];

pub fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x231A..=0x23FF | 0x2190..=0x21FF)
        && !is_emoji_modifier(c)
}

fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0x1F3FB..=0x1F3FF | 0xFE0F | 0x200D | 0x20E3)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Whether a whitespace-free chunk is a link: a scheme, `www.`, or a host with a common top-level domain.
pub fn is_url(chunk: &str) -> bool {
    let lower = chunk.trim_start_matches(['(', '"', '<']);
    let starts = |p: &str| lower.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    if starts("http://") || starts("https://") || starts("www.") {
        return true;
    }
    let host = lower.split('/').next().unwrap_or("");
    let Some((name, tld)) = host.rsplit_once('.') else { return false };
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && name.chars().any(|c| c.is_ascii_alphabetic())
        && TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld))
}

/// Cuts bounded text into at most `MAX_TOKENS` tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 4 + 4);
    for chunk in text.split_whitespace() {
        if out.len() >= MAX_TOKENS {
            break;
        }
        let core = chunk.trim_end_matches(['.', ',', '!', '?', ';', ':', ')', '"', '…']);
        if core.len() > 3 && is_url(core) {
            out.push(Token::new(Kind::Url, core.to_lowercase()));
            scan(&chunk[core.len()..], &mut out);
        } else {
            scan(chunk, &mut out);
        }
    }
    out.truncate(MAX_TOKENS);
    out
}

fn scan(s: &str, out: &mut Vec<Token>) {
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                let next_is_alpha = s[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphabetic);
                if d.is_alphanumeric() || (is_apostrophe(d) && next_is_alpha) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            push_word(&s[i..end], out);
        } else if (c == '#' || c == '@') && chars.peek().is_some_and(|&(_, d)| d.is_alphanumeric()) {
            let start = i + 1;
            let mut end = start;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let kind = if c == '#' { Kind::Hashtag } else { Kind::Mention };
            out.push(Token::new(kind, s[start..end].to_lowercase()));
        } else if is_emoji(c) {
            out.push(Token::new(Kind::Emoji, c.to_string()));
        } else if matches!(c, '!' | '?' | '.' | ',' | ';' | ':' | '…' | '¿' | '¡') {
            out.push(Token::new(Kind::Punct, c.to_string()));
        }
    }
}

fn push_word(word: &str, out: &mut Vec<Token>) {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        out.push(Token::new(Kind::Number, word.to_owned()));
        return;
    }
    let caps = letters >= 2 && word.chars().all(|c| !c.is_lowercase());
    let lower: String =
        word.chars().map(|c| if is_apostrophe(c) { '\'' } else { c }).collect::<String>().to_lowercase();
    if let Some((left, right)) = lower.split_once('\'') {
        if ELISIONS.contains(&left) {
            out.push(Token { kind: Kind::Word, text: left.to_owned(), caps });
            push_word(right, out);
            return;
        }
    }
    out.push(Token { kind: Kind::Word, text: lower, caps });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn french_elisions_split_and_english_contractions_stay_whole() {
        assert_eq!(words("C'est l’accueil"), ["c", "est", "l", "accueil"]);
        assert_eq!(words("don't it's aujourd'hui"), ["don't", "it's", "aujourd'hui"]);
    }

    #[test]
    fn links_emoji_hashtags_and_punctuation_are_tokens() {
        let tokens = tokenize("Top!! 👉 bit.ly/x #f4f 😍😍");
        let kinds: Vec<Kind> = tokens.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [Kind::Word, Kind::Punct, Kind::Punct, Kind::Emoji, Kind::Url, Kind::Hashtag, Kind::Emoji, Kind::Emoji]
        );
        assert!(!tokens[0].caps && tokenize("NUL")[0].caps);
    }

    #[test]
    fn bounding_cuts_long_text_at_a_character_boundary() {
        let text = "é".repeat(5000);
        let bounded = bound(&text);
        assert!(bounded.len() <= MAX_BYTES && bounded.len() > MAX_BYTES - 4);
        assert!(tokenize(&"a ".repeat(5000)).len() == MAX_TOKENS);
    }
}
