//! The tu/vous guard: tutoiement in a `vous` charter, vouvoiement in a `tu` charter, with the rewrite to offer.
//!
//! Written by hand (no crate knows French address forms): the text is cut into words that remember what touches
//! them (apostrophe, hyphen, start of sentence), then a few context rules find the pronouns, possessives, the verb
//! that follows a subject pronoun, inverted questions (`peux-tu`), imperatives with a pronoun (`inscris-toi`) and
//! common imperatives opening a sentence (`Découvre notre carte`).

use filrouge_domain::client::AddressForm;
use filrouge_domain::lint::{Finding, FindingCode};

use crate::conjugation::{tu_form, tu_imperative, vous_form, vous_imperative};
use crate::text::{inside, is_apostrophe, is_word_char, specials, words};

/// A word and what touches it.
#[derive(Debug)]
struct Tok {
    start: usize,
    end: usize,
    lower: String,
    /// Followed by an apostrophe then a letter (`t'`, `n'`): `end` excludes the apostrophe.
    elided: bool,
    /// Byte length of the apostrophe after an elided word.
    apostrophe_len: usize,
    hyphen_before: bool,
    hyphen_after: bool,
    /// First word of the text or of a sentence (after `.`, `!`, `?`, `:`, a line break or an emoji).
    sentence_start: bool,
    /// Nothing but spaces between this word and the next one.
    joined_to_next: bool,
}

/// Object and negation clitics that may stand between a subject pronoun and its verb.
const CLITICS: &[&str] = &["ne", "n", "me", "m", "le", "la", "les", "l", "lui", "leur", "y", "en", "nous"];
/// Words after which `ton` is the noun (le ton de la voix).
const TON_NOUN_BEFORE: &[&str] =
    &["le", "un", "du", "au", "ce", "mon", "son", "notre", "votre", "leur", "quel", "même", "bon", "haut", "demi"];
/// Words after which `ton` is the noun, or that cannot follow the possessive.
const TON_NOUN_AFTER: &[&str] =
    &["de", "d", "du", "des", "et", "ou", "sur", "qui", "que", "est", "a", "juste", "neutre", "plus"];
/// Words after which `vous` is an object (`on vous attend`), not the subject.
const SUBJECTS: &[&str] = &["je", "j", "on", "il", "elle", "ils", "elles", "nous", "ne", "n", "ce", "c", "qui", "cela"];
/// Pronouns that follow an imperative with a hyphen (`dis-moi`, `rejoins-nous`).
const IMPERATIVE_PRONOUNS: &[&str] = &["moi", "nous", "le", "la", "les", "lui", "leur", "en", "y"];
/// Determiners after which `rendez-vous` is the noun.
const DETERMINERS: &[&str] = &[
    "un",
    "le",
    "les",
    "des",
    "du",
    "au",
    "aux",
    "ce",
    "ces",
    "votre",
    "vos",
    "ton",
    "tes",
    "mon",
    "mes",
    "son",
    "ses",
    "notre",
    "nos",
    "leur",
    "leurs",
    "prochain",
    "prochains",
    "premier",
    "chaque",
    "quel",
    "l",
    "d",
];
/// Singular imperatives that open posts. Those also used as nouns (offre, visite…) need a complement next.
const IMPERATIVES: &[&str] = &[
    "découvre",
    "redécouvre",
    "profite",
    "viens",
    "rejoins",
    "participe",
    "inscris",
    "clique",
    "fonce",
    "essaie",
    "essaye",
    "goûte",
    "laisse",
    "dis",
    "écris",
    "suis",
    "teste",
    "gagne",
    "joue",
    "choisis",
    "fais",
    "prends",
    "va",
    "rends",
    "envoie",
    "mets",
    "ose",
    "craque",
    "imagine",
    "oublie",
    "hésite",
    "tague",
    "identifie",
    "montre",
    "raconte",
    "contacte",
    "appelle",
    "écoute",
    "explore",
    "savoure",
    "régale",
    "trouve",
    "attends",
    "réponds",
    "ajoute",
    "partage",
    "télécharge",
    "apprends",
    "achète",
    "sois",
    "aie",
    "sache",
    "abonne",
    "like",
    "réserve",
    "commande",
    "offre",
    "visite",
    "tente",
    "retrouve",
    "regarde",
    "passe",
    "note",
    "vote",
    "rencontre",
    "donne",
    "lis",
    "cours",
];
/// Of the imperatives above, those that are also common nouns at the head of a sentence.
const NOUN_LIKE: &[&str] = &[
    "commande",
    "offre",
    "visite",
    "tente",
    "retrouve",
    "regarde",
    "passe",
    "note",
    "vote",
    "rencontre",
    "donne",
    "cours",
];
/// What follows an imperative that takes a complement (`Commande ta pizza`, `Visite notre site`).
const COMPLEMENT_STARTS: &[&str] = &[
    "notre",
    "nos",
    "ta",
    "ton",
    "tes",
    "ce",
    "cette",
    "ces",
    "vite",
    "maintenant",
    "dès",
    "nous",
    "moi",
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "tout",
    "toute",
    "tous",
    "toutes",
    "sur",
    "y",
    "à",
    "au",
    "aux",
    "chez",
    "ici",
    "bien",
    "votre",
    "vos",
];

/// The address-form findings of `text` for a charter that says `form`.
pub(crate) fn check(form: AddressForm, text: &str, out: &mut Vec<Finding>) {
    let toks = tokens(text);
    if toks.is_empty() {
        return;
    }
    let mut used = vec![false; toks.len()];
    match form {
        AddressForm::Vous => flag_tu(text, &toks, &mut used, out),
        AddressForm::Tu => flag_vous(text, &toks, &mut used, out),
    }
}

fn tokens(text: &str) -> Vec<Tok> {
    let skip = specials(text);
    let all = words(text);
    let mut toks: Vec<Tok> = Vec::with_capacity(all.len());
    let mut prev_end = 0;
    for w in all {
        if inside(&skip, w.start, w.end) {
            prev_end = w.end;
            continue;
        }
        let before = text[..w.start].chars().next_back();
        let after = &text[w.end..];
        let mut after_chars = after.chars();
        let next = after_chars.next();
        let next2 = after_chars.next();
        let elided = next.is_some_and(is_apostrophe) && next2.is_some_and(char::is_alphabetic);
        let gap = &text[prev_end..w.start];
        let sentence_start = toks.is_empty()
            || gap
                .chars()
                .any(|c| matches!(c, '.' | '!' | '?' | ':' | '\n' | '…' | '•' | '|') || u32::from(c) > 0x2190);
        if let Some(last) = toks.last_mut() {
            last.joined_to_next = gap.chars().all(char::is_whitespace) || last.elided;
        }
        toks.push(Tok {
            start: w.start,
            end: w.end,
            lower: w.text.to_lowercase(),
            elided,
            apostrophe_len: if elided { next.map_or(0, char::len_utf8) } else { 0 },
            hyphen_before: before == Some('-') && text[..w.start - 1].chars().next_back().is_some_and(is_word_char),
            hyphen_after: next == Some('-') && next2.is_some_and(is_word_char),
            sentence_start,
            joined_to_next: false,
        });
        prev_end = w.end;
    }
    toks
}

fn is(tok: Option<&Tok>, words: &[&str]) -> bool {
    tok.is_some_and(|t| words.contains(&t.lower.as_str()))
}

/// Keeps the capital of the original word (`Tu` → `Vous`).
fn match_case(original: &str, replacement: &str) -> String {
    let upper = original.chars().next().is_some_and(char::is_uppercase);
    if !upper {
        return replacement.to_owned();
    }
    let mut chars = replacement.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// `text[start..end]` with some of its ranges replaced.
fn rewrite(text: &str, start: usize, end: usize, edits: &[(usize, usize, String)]) -> String {
    let mut out = String::new();
    let mut at = start;
    for (s, e, with) in edits {
        out.push_str(&text[at..*s]);
        out.push_str(with);
        at = *e;
    }
    out.push_str(&text[at..end]);
    out
}

fn starts_with_vowel(word: &str) -> bool {
    word.chars().next().is_some_and(|c| "aeiouyhéèêàâîôûœ".contains(c.to_lowercase().next().unwrap_or(c)))
}

fn finding(text: &str, start: usize, end: usize, message: String, suggestion: Vec<String>) -> Finding {
    Finding::warning(FindingCode::AddressForm, message).at(text, start, end).suggest(suggestion)
}

fn tutoiement(text: &str, start: usize, end: usize, suggestion: impl IntoIterator<Item = String>) -> Finding {
    let quoted = &text[start..end];
    finding(text, start, end, format!("'{quoted}' says tu; the charter says vous"), suggestion.into_iter().collect())
}

fn vouvoiement(text: &str, start: usize, end: usize, suggestion: impl IntoIterator<Item = String>) -> Finding {
    let quoted = &text[start..end];
    finding(text, start, end, format!("'{quoted}' says vous; the charter says tu"), suggestion.into_iter().collect())
}

/// Whether the word is where an imperative goes: opening a sentence, or after an opening `n'`/`ne`.
fn imperative_position(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    if t.hyphen_before {
        return false;
    }
    t.sentence_start || (i > 0 && matches!(toks[i - 1].lower.as_str(), "n" | "ne") && toks[i - 1].sentence_start)
}

fn flag_tu(text: &str, toks: &[Tok], used: &mut [bool], out: &mut Vec<Finding>) {
    for i in 0..toks.len() {
        if used[i] {
            continue;
        }
        let t = &toks[i];
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        let next = toks.get(i + 1).filter(|_| t.joined_to_next);
        match t.lower.as_str() {
            "tu" if t.hyphen_before => {
                // peux-tu → pouvez-vous
                let Some(p) = prev else { continue };
                let verb = if p.lower == "t" { i.checked_sub(2).map(|q| &toks[q]) } else { Some(p) };
                let Some(verb) = verb else { continue };
                let suggestion =
                    vous_form(&verb.lower).map(|v| format!("{}-vous", match_case(&text[verb.start..verb.end], &v)));
                out.push(tutoiement(text, verb.start, t.end, suggestion));
                used[i] = true;
            }
            "tu" => subject_tu(text, toks, i, used, out),
            "t" if t.elided && !t.hyphen_before => {
                let raw_end = t.end + t.apostrophe_len;
                match next.map(|n| n.lower.as_str()) {
                    Some(v @ ("es" | "as")) => {
                        let n = &toks[i + 1];
                        let verb = if v == "es" { "êtes" } else { "avez" };
                        let s = format!("{} {verb}", match_case(&text[t.start..t.end], "vous"));
                        out.push(tutoiement(text, t.start, n.end, Some(s)));
                        used[i + 1] = true;
                    }
                    _ => out.push(tutoiement(text, t.start, raw_end, vec![match_case(&text[t.start..t.end], "vous ")])),
                }
                used[i] = true;
            }
            "te" if !t.hyphen_before => {
                out.push(tutoiement(text, t.start, t.end, vec![match_case(&text[t.start..t.end], "vous")]));
            }
            "toi" if t.hyphen_before => imperative_with_pronoun(text, toks, i - 1, i, used, out),
            "toi" => out.push(tutoiement(text, t.start, t.end, vec![match_case(&text[t.start..t.end], "vous")])),
            "ton" => {
                let noun = is(prev, TON_NOUN_BEFORE) || next.is_none() || is(next, TON_NOUN_AFTER);
                if !noun {
                    out.push(tutoiement(text, t.start, t.end, vec![match_case(&text[t.start..t.end], "votre")]));
                }
            }
            "ta" | "tes" if next.is_some() && !t.hyphen_before && !t.hyphen_after => {
                let v = if t.lower == "ta" { "votre" } else { "vos" };
                out.push(tutoiement(text, t.start, t.end, vec![match_case(&text[t.start..t.end], v)]));
            }
            "tien" | "tienne" | "tiens" | "tiennes" if is(prev, &["le", "la", "les"]) => {
                let v = if t.lower.ends_with('s') { "vôtres" } else { "vôtre" };
                out.push(tutoiement(text, t.start, t.end, Some(v.to_owned())));
            }
            // dis-moi, rejoins-nous: only verbs we can conjugate, and not inside names (Marne-la-Vallée).
            word if t.hyphen_after
                && toks.get(i + 1).is_some_and(|n| n.hyphen_before && !n.hyphen_after)
                && (t.sentence_start || !text[t.start..t.end].starts_with(char::is_uppercase))
                && is(toks.get(i + 1), IMPERATIVE_PRONOUNS)
                && !is(prev, DETERMINERS)
                && vous_imperative(word).is_some() =>
            {
                imperative_with_pronoun(text, toks, i, i + 1, used, out);
            }
            word if IMPERATIVES.contains(&word) && imperative_position(toks, i) && !t.hyphen_after => {
                if NOUN_LIKE.contains(&word) && !is(next, COMPLEMENT_STARTS) {
                    continue;
                }
                let suggestion = vous_imperative(word).map(|v| match_case(&text[t.start..t.end], &v));
                out.push(tutoiement(text, t.start, t.end, suggestion));
                used[i] = true;
            }
            _ => {}
        }
    }
}

/// An imperative joined to a pronoun: `inscris-toi` → `inscrivez-vous`, `dis-moi` → `dites-moi`.
fn imperative_with_pronoun(
    text: &str,
    toks: &[Tok],
    verb: usize,
    pronoun: usize,
    used: &mut [bool],
    out: &mut Vec<Finding>,
) {
    if used[verb] || used[pronoun] {
        return;
    }
    let (v, p) = (&toks[verb], &toks[pronoun]);
    let pronoun_text = if p.lower == "toi" { "vous".to_owned() } else { text[p.start..p.end].to_owned() };
    let suggestion = vous_imperative(&v.lower)
        .map(|plural| format!("{}-{pronoun_text}", match_case(&text[v.start..v.end], &plural)));
    out.push(tutoiement(text, v.start, p.end, suggestion));
    used[verb] = true;
    used[pronoun] = true;
}

/// `tu` as a subject: the finding covers the verb after it (and the clitics between), rewritten.
fn subject_tu(text: &str, toks: &[Tok], i: usize, used: &mut [bool], out: &mut Vec<Finding>) {
    let t = &toks[i];
    let mut edits = vec![(t.start, t.end, match_case(&text[t.start..t.end], "vous"))];
    let mut j = i + 1;
    let mut end = t.end;
    while j < toks.len() && toks[j - 1].joined_to_next && j - i <= 4 {
        let w = &toks[j];
        match w.lower.as_str() {
            "te" => edits.push((w.start, w.end, "vous".to_owned())),
            "t" if w.elided => edits.push((w.start, w.end + w.apostrophe_len, "vous ".to_owned())),
            c if CLITICS.contains(&c) => {}
            verb => {
                if let Some(v) = vous_form(verb) {
                    edits.push((w.start, w.end, v));
                    end = w.end;
                    used[j] = true;
                }
                break;
            }
        }
        used[j] = true;
        j += 1;
    }
    if end == t.end {
        // No verb we know: point at the pronoun alone, the verb must follow it.
        edits.truncate(1);
        for u in used.iter_mut().take(j).skip(i + 1) {
            *u = false;
        }
    }
    let suggestion = rewrite(text, t.start, end, &edits);
    out.push(tutoiement(text, t.start, end, Some(suggestion)));
    used[i] = true;
}

fn flag_vous(text: &str, toks: &[Tok], used: &mut [bool], out: &mut Vec<Finding>) {
    for i in 0..toks.len() {
        if used[i] {
            continue;
        }
        let t = &toks[i];
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        let original = &text[t.start..t.end];
        match t.lower.as_str() {
            "vous" if t.hyphen_before => {
                let Some(p) = prev else { continue };
                if p.lower == "rendez" && i >= 2 && is(Some(&toks[i - 2]), DETERMINERS) {
                    continue; // un rendez-vous
                }
                let question = text[t.end..].chars().find(|c| matches!(c, '.' | '!' | '?' | '\n')) == Some('?');
                let verb_text = &text[p.start..p.end];
                let suggestion = if question {
                    tu_form(&p.lower).map(|v| format!("{}-tu", match_case(verb_text, &v)))
                } else {
                    tu_imperative(&p.lower).map(|v| format!("{}-toi", match_case(verb_text, &v)))
                };
                out.push(vouvoiement(text, p.start, t.end, suggestion));
                used[i - 1] = true;
                used[i] = true;
            }
            "vous" => subject_or_object_vous(text, toks, i, used, out),
            "votre" => {
                out.push(vouvoiement(text, t.start, t.end, [match_case(original, "ton"), match_case(original, "ta")]));
            }
            "vos" => out.push(vouvoiement(text, t.start, t.end, [match_case(original, "tes")])),
            "vôtre" => out.push(vouvoiement(text, t.start, t.end, ["tien".to_owned(), "tienne".to_owned()])),
            "vôtres" => out.push(vouvoiement(text, t.start, t.end, ["tiens".to_owned(), "tiennes".to_owned()])),
            word if t.hyphen_after && is(toks.get(i + 1), IMPERATIVE_PRONOUNS) && looks_plural_imperative(word) => {
                // Rejoignez-nous → Rejoins-nous
                let p = &toks[i + 1];
                if !p.hyphen_before {
                    continue;
                }
                if let Some(mut v) = tu_imperative(word) {
                    if matches!(p.lower.as_str(), "y" | "en") && (v.ends_with('e') || v == "va") {
                        v.push('s'); // vas-y, profites-en
                    }
                    let s = format!("{}-{}", match_case(original, &v), &text[p.start..p.end]);
                    out.push(vouvoiement(text, t.start, p.end, Some(s)));
                    used[i] = true;
                    used[i + 1] = true;
                }
            }
            word if imperative_position(toks, i) && !t.hyphen_after && looks_plural_imperative(word) => {
                if let Some(v) = tu_imperative(word) {
                    out.push(vouvoiement(text, t.start, t.end, vec![match_case(original, &v)]));
                    used[i] = true;
                }
            }
            _ => {}
        }
    }
}

fn looks_plural_imperative(word: &str) -> bool {
    (word.ends_with("ez") && word.chars().count() >= 5 && !matches!(word, "chez" | "assez"))
        || matches!(word, "faites" | "dites" | "soyez" | "ayez")
}

/// `vous` followed by a verb we know is the subject (`vous pouvez` → `tu peux`); otherwise it is an object after a
/// subject (`on vous attend` → `on t'attend`) or stands after a preposition (`chez vous` → `chez toi`).
fn subject_or_object_vous(text: &str, toks: &[Tok], i: usize, used: &mut [bool], out: &mut Vec<Finding>) {
    let t = &toks[i];
    let original = &text[t.start..t.end];
    let mut edits = vec![(t.start, t.end, match_case(original, "tu"))];
    let mut j = i + 1;
    let mut verb_end = None;
    while j < toks.len() && toks[j - 1].joined_to_next && j - i <= 4 {
        let w = &toks[j];
        match w.lower.as_str() {
            "vous" => {
                // vous vous inscrivez → tu t'inscris
                let follows = toks.get(j + 1).map(|n| n.lower.as_str()).and_then(tu_form);
                let to_next = toks.get(j + 1).map_or(w.end, |n| n.start);
                let elide = follows.as_deref().is_some_and(starts_with_vowel);
                edits.push((w.start, to_next, if elide { "t'".to_owned() } else { "te ".to_owned() }));
            }
            c if CLITICS.contains(&c) => {}
            verb => {
                if let Some(v) = tu_form(verb) {
                    edits.push((w.start, w.end, v));
                    verb_end = Some(j);
                }
                break;
            }
        }
        j += 1;
    }
    let prev = i.checked_sub(1).map(|p| &toks[p]);
    if let Some(v) = verb_end {
        if !is(prev, SUBJECTS) {
            let suggestion = rewrite(text, t.start, toks[v].end, &edits);
            out.push(vouvoiement(text, t.start, toks[v].end, Some(suggestion)));
            for u in used.iter_mut().take(v + 1).skip(i) {
                *u = true;
            }
            return;
        }
    }
    let object = is(prev, SUBJECTS) || is(prev, CLITICS);
    let next = toks.get(i + 1).filter(|_| t.joined_to_next);
    match next {
        Some(n) if object && starts_with_vowel(&n.lower) => {
            // on vous attend → on t'attend: the elision swallows the space.
            out.push(vouvoiement(text, t.start, n.start, vec![match_case(original, "t'")]));
        }
        _ => {
            let s = match_case(original, if object { "te" } else { "toi" });
            out.push(vouvoiement(text, t.start, t.end, vec![s]));
        }
    }
    used[i] = true;
}
