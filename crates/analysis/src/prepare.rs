//! Tokens made ready for scoring: SMS spellings expanded (`jsui` → `je suis`) and words folded without accents.
use std::borrow::Cow;

use crate::lexicon::{fold, Lexicon};
use crate::text::{Kind, Token};

#[derive(Debug, Clone)]
pub struct Tok<'a> {
    pub kind: Kind,
    /// Lowercase text.
    pub text: &'a str,
    /// Lowercase text without accents.
    pub folded: Cow<'a, str>,
    pub caps: bool,
}

impl Tok<'_> {
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// A clause boundary: sentence punctuation.
    pub fn is_boundary(&self) -> bool {
        self.kind == Kind::Punct
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }
}

pub fn prepare<'a>(tokens: &'a [Token], lex: Option<&'a Lexicon>) -> Vec<Tok<'a>> {
    let mut out = Vec::with_capacity(tokens.len() + 4);
    for t in tokens {
        if t.kind == Kind::Word {
            if let Some(words) = lex.and_then(|l| l.sms(&t.text)) {
                for w in words {
                    out.push(Tok { kind: Kind::Word, text: w, folded: fold(w), caps: t.caps });
                }
                continue;
            }
        }
        out.push(Tok { kind: t.kind, text: &t.text, folded: fold(&t.text), caps: t.caps });
    }
    out
}
