//! Sentiment: a VADER-style scorer over prepared tokens (lexicon valence, boosters, negation window,
//! contrast weighting, capitals and exclamation emphasis, emoji), and the neutral band.
use crate::lexicon::{Lexicon, Lexicons};
use crate::prepare::Tok;
use crate::text::Kind;
use crate::Sentiment;

/// Negation words (folded), French and English.
const NEGATIONS: &[&str] = &[
    "ne",
    "n",
    "pas",
    "jamais",
    "rien",
    "aucun",
    "aucune",
    "sans",
    "ni",
    "guere",
    "not",
    "no",
    "never",
    "none",
    "nothing",
    "nowhere",
    "neither",
    "nor",
    "without",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "won't",
    "wouldn't",
    "can't",
    "cannot",
    "couldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "hadn't",
    "ain't",
    "never",
];

/// Words that raise the intensity of the next sentiment word.
const BOOSTERS_UP: &[&str] = &[
    "tres",
    "trop",
    "vraiment",
    "hyper",
    "tellement",
    "extremement",
    "vachement",
    "completement",
    "totalement",
    "absolument",
    "particulierement",
    "si",
    "beaucoup",
    "carrement",
    "very",
    "really",
    "so",
    "too",
    "extremely",
    "absolutely",
    "totally",
    "completely",
    "incredibly",
    "highly",
    "truly",
    "such",
    "most",
    "especially",
    "hugely",
    "way",
    "damn",
];

/// Words that lower it.
const BOOSTERS_DOWN: &[&str] =
    &["peu", "legerement", "plutot", "assez", "bit", "slightly", "somewhat", "kinda", "barely", "hardly", "little"];

/// "X but Y": Y counts more than X.
const CONTRASTS: &[&str] = &["mais", "cependant", "pourtant", "neanmoins", "toutefois", "but", "however"];

/// Words skipped when looking back for a negation ("je ne dirais pas que c'est nul").
const SKIPPED: &[&str] = &[
    "c", "ce", "ca", "est", "etait", "sont", "suis", "que", "qu", "il", "elle", "on", "le", "la", "les", "un", "une",
    "des", "du", "de", "d", "l", "j", "je", "y", "en", "it", "is", "was", "were", "that", "the", "a", "an", "this",
    "be", "been", "i", "to", "it's", "at", "all", "very", "really", "so", "tres", "vraiment", "trop",
];

const NEGATION_SCALAR: f32 = -0.74;
const BOOST: f32 = 0.293;
const CAPS_BOOST: f32 = 0.733;
const CONTRAST_BEFORE: f32 = 0.5;
const CONTRAST_AFTER: f32 = 1.5;
const ALPHA: f32 = 15.0;

/// Compound scores at or above this are positive.
pub const POSITIVE_FROM: f32 = 0.2;
/// Compound scores at or below this are negative.
pub const NEGATIVE_FROM: f32 = -0.2;

pub fn label(compound: f32) -> Sentiment {
    if compound >= POSITIVE_FROM {
        Sentiment::Positive
    } else if compound <= NEGATIVE_FROM {
        Sentiment::Negative
    } else {
        Sentiment::Neutral
    }
}

fn is_in(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

pub fn is_negation(word: &str) -> bool {
    is_in(NEGATIONS, word)
}

fn is_contrast(toks: &[Tok<'_>], i: usize) -> bool {
    let w = toks[i].folded.as_ref();
    is_in(CONTRASTS, w) || (w == "contre" && i > 0 && toks[i - 1].folded == "par")
}

/// Compound score in -1.0..=1.0 of prepared tokens; `lex` is `None` for languages without a lexicon (then only
/// emoji count).
pub fn score(toks: &[Tok<'_>], lex: Option<&Lexicon>, lexicons: &Lexicons) -> f32 {
    let n = toks.len();
    let mut vals = vec![0.0f32; n];
    let words = toks.iter().filter(|t| t.is_word()).count();
    let shouting = words > 0 && toks.iter().filter(|t| t.is_word() && t.caps).count() == words;
    let mut phrase = String::new();
    let mut i = 0;
    while i < n {
        let t = &toks[i];
        match t.kind {
            Kind::Emoji => vals[i] = lexicons.emoji(t.text).unwrap_or(0.0),
            Kind::Word => {
                if let Some(lex) = lex {
                    if let Some((v, len)) = phrase_at(toks, i, lex, &mut phrase) {
                        let negatable = !is_negation(&t.folded);
                        vals[i] = modified(v, toks, i, shouting, negatable);
                        i += len;
                        continue;
                    }
                    let w = t.folded.as_ref();
                    let closed =
                        is_negation(w) || is_in(BOOSTERS_UP, w) || is_in(BOOSTERS_DOWN, w) || is_contrast(toks, i);
                    if !closed {
                        if let Some(v) = lex.word(t.text) {
                            vals[i] = modified(v, toks, i, shouting, true);
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(k) = (0..n).find(|&k| toks[k].is_word() && is_contrast(toks, k)) {
        for (j, v) in vals.iter_mut().enumerate() {
            *v *= if j < k { CONTRAST_BEFORE } else { CONTRAST_AFTER };
        }
    }
    let mut sum: f32 = vals.iter().sum();
    if sum != 0.0 {
        let bangs = toks.iter().filter(|t| t.is_punct('!')).count().min(4) as f32;
        let questions = toks.iter().filter(|t| t.is_punct('?')).count();
        let qm = if questions > 1 { (questions.min(3) as f32) * 0.18 } else { 0.0 };
        sum += sum.signum() * (bangs * 0.292 + qm);
    }
    (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// The longest phrase of the lexicon starting at `i`, with its valence and length in tokens.
fn phrase_at(toks: &[Tok<'_>], i: usize, lex: &Lexicon, buf: &mut String) -> Option<(f32, usize)> {
    if !lex.starts_phrase(&toks[i].folded) {
        return None;
    }
    let max = lex.max_phrase().min(toks.len() - i);
    let mut best = None;
    buf.clear();
    buf.push_str(&toks[i].folded);
    for len in 2..=max {
        let t = &toks[i + len - 1];
        if !t.is_word() {
            break;
        }
        buf.push(' ');
        buf.push_str(&t.folded);
        if let Some(v) = lex.phrase(buf) {
            best = Some((v, len));
        }
    }
    best
}

/// Valence after capitals emphasis, preceding boosters and a preceding negation within the clause.
fn modified(mut v: f32, toks: &[Tok<'_>], i: usize, shouting: bool, negatable: bool) -> f32 {
    if toks[i].caps && !shouting {
        v += v.signum() * CAPS_BOOST;
    }
    let mut seen = 0;
    let mut content = 0;
    let mut negated = false;
    for j in (0..i).rev() {
        let t = &toks[j];
        if !t.is_word() || is_contrast(toks, j) {
            break;
        }
        let w = t.folded.as_ref();
        if seen < 3 {
            let decay = [1.0, 0.95, 0.9][seen];
            if is_in(BOOSTERS_UP, w) {
                v += v.signum() * BOOST * decay;
            } else if is_in(BOOSTERS_DOWN, w) {
                v -= v.signum() * BOOST * decay;
            }
        }
        seen += 1;
        if negatable && is_negation(w) {
            negated = true;
            break;
        }
        if !is_in(SKIPPED, w) {
            content += 1;
        }
        if content >= 3 || seen >= 6 {
            break;
        }
    }
    if negated {
        v *= NEGATION_SCALAR;
    }
    v
}
