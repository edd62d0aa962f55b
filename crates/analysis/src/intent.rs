//! Intent: rules over the prepared tokens, the cues found and the sentiment score (spam first, then complaint,
//! question, praise, other).
use crate::cues::{CueIndex, Found};
use crate::prepare::Tok;
use crate::sentiment::{NEGATIVE_FROM, POSITIVE_FROM};
use crate::text::Kind;
use crate::Intent;

/// Spam from this weight of cues on.
const SPAM_FROM: f32 = 2.5;

pub fn classify(text: &str, toks: &[Tok<'_>], compound: f32, cues: &CueIndex) -> Intent {
    let found = cues.find(toks);
    if spam_weight(text, toks, &found) >= SPAM_FROM {
        return Intent::Spam;
    }
    let negative = compound <= NEGATIVE_FROM;
    let positive = compound >= POSITIVE_FROM;
    let question_mark = toks.iter().any(|t| t.is_punct('?'));
    let clearly_negative = negative && !found.news && (!question_mark || compound <= -0.5);
    if clearly_negative || (found.complaint && compound < 0.5) {
        return Intent::Complaint;
    }
    let asks = question_mark || (found.opener && !toks.iter().any(|t| t.is_punct('!')) && compound.abs() < 0.5);
    if asks && !found.rhetorical {
        return Intent::Question;
    }
    if positive && (found.praise || found.rhetorical || compound >= 0.6) && !found.anticipation {
        return Intent::Praise;
    }
    Intent::Other
}

fn spam_weight(text: &str, toks: &[Tok<'_>], found: &Found) -> f32 {
    let mut weight = found.spam;
    if toks.iter().any(|t| t.kind == Kind::Url) {
        weight += 1.0;
    }
    if has_money(text) {
        weight += 1.0;
    }
    let emoji: Vec<&str> = toks.iter().filter(|t| t.kind == Kind::Emoji).map(|t| t.text).collect();
    let flood = emoji.len() >= 6 || emoji.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
    if flood {
        weight += 1.0;
    }
    if emoji.contains(&"👉") {
        weight += 1.0;
    }
    if text.contains("!!!") {
        weight += 0.5;
    }
    let words = toks.iter().filter(|t| t.is_word()).count();
    let shouted = toks.iter().filter(|t| t.is_word() && t.caps && t.text.chars().count() >= 4).count();
    if shouted > 0 && shouted < words {
        weight += 0.5;
    }
    weight
}

/// An amount of money: a digit next to a currency sign (`1000€`, `$5`, `500 €`).
fn has_money(text: &str) -> bool {
    let currency = |c: char| matches!(c, '€' | '$' | '£');
    let mut last_visible: Option<char> = None;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if currency(c) && last_visible.is_some_and(|p| p.is_ascii_digit()) {
            return true;
        }
        if c.is_ascii_digit() && prev.is_some_and(currency) {
            return true;
        }
        if !c.is_whitespace() {
            last_visible = Some(c);
        }
        prev = Some(c);
    }
    false
}
