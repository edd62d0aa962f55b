//! Splitting a query into lexemes (parentheses, quoted phrases, `{exact case}` and bare words) with their
//! character columns.

use crate::error::QueryError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lex {
    Open,
    Close,
    /// `"…"` without the quotes.
    Phrase(String),
    /// `{…}` without the braces.
    Cased(String),
    /// Anything else up to a space, a parenthesis, a quote or a brace.
    Word(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Lexeme {
    pub lex: Lex,
    /// 1-based column of the first character.
    pub col: usize,
    /// Column just after the last character.
    pub end: usize,
}

pub(crate) fn lex(input: &str) -> Result<Vec<Lexeme>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let (lex, next) = match c {
            '(' => (Lex::Open, i + 1),
            ')' => (Lex::Close, i + 1),
            '"' => {
                let close = find(&chars, i + 1, '"').ok_or_else(|| QueryError::new("unclosed quote", col))?;
                (Lex::Phrase(chars[i + 1..close].iter().collect()), close + 1)
            }
            '{' => {
                let close = find(&chars, i + 1, '}')
                    .ok_or_else(|| QueryError::new("unclosed brace: {…} needs a closing }", col))?;
                (Lex::Cased(chars[i + 1..close].iter().collect()), close + 1)
            }
            _ => {
                let mut j = i;
                while j < chars.len() && !chars[j].is_whitespace() && !matches!(chars[j], '(' | ')' | '"' | '{') {
                    j += 1;
                }
                (Lex::Word(chars[i..j].iter().collect()), j)
            }
        };
        out.push(Lexeme { lex, col, end: next + 1 });
        i = next;
    }
    Ok(out)
}

fn find(chars: &[char], from: usize, wanted: char) -> Option<usize> {
    chars.get(from..)?.iter().position(|&c| c == wanted).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_groups_are_split_with_columns() {
        let lexemes = lex(r#"site:(a.com) -"x y" {BT}"#).unwrap();
        let got: Vec<(Lex, usize, usize)> = lexemes.into_iter().map(|l| (l.lex, l.col, l.end)).collect();
        assert_eq!(
            got,
            [
                (Lex::Word("site:".into()), 1, 6),
                (Lex::Open, 6, 7),
                (Lex::Word("a.com".into()), 7, 12),
                (Lex::Close, 12, 13),
                (Lex::Word("-".into()), 14, 15),
                (Lex::Phrase("x y".into()), 15, 20),
                (Lex::Cased("BT".into()), 21, 25),
            ]
        );
    }
}
