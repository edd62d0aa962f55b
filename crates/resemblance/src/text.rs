//! Text preparation: folding (lowercase, accents stripped, ligatures spread), cutting into words with their
//! byte offsets, French and English stop words, and the light stemming that lets `pizzas` meet `pizza`.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// At most this many bytes of a draft are read (cut at a character boundary): the guard runs on every keystroke.
pub const MAX_DRAFT_BYTES: usize = 8192;

/// What came right before a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    /// `#word`
    Hashtag,
    /// `@word`
    Handle,
}

/// A word of the text: folded, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub folded: String,
    pub start: usize,
    pub end: usize,
    pub mark: Mark,
}

/// Folds one character into `out`: lowercase, combining marks dropped, ligatures spread (`œ` → `oe`).
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    decompose_compatible(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        for lower in d.to_lowercase() {
            match lower {
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                'ø' => out.push('o'),
                'ł' => out.push('l'),
                'đ' | 'ð' => out.push('d'),
                l if !is_combining_mark(l) => out.push(l),
                _ => {}
            }
        }
    });
}

/// The folded form of a whole string.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c)
}

/// Cuts `text` into folded words. Apostrophes and hyphens separate (`l'été` → `l`, `ete`); `_` stays inside
/// (handles). A word right after `#` or `@` is marked so.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut mark = Mark::Plain;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if current.is_empty() {
                start = i;
                mark = match prev {
                    Some('#') => Mark::Hashtag,
                    Some('@') => Mark::Handle,
                    _ => Mark::Plain,
                };
            }
            fold_char(c, &mut current);
        } else if !current.is_empty() {
            push_word(&mut out, &mut current, start, i, mark);
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        push_word(&mut out, &mut current, start, text.len(), mark);
    }
    out
}

fn push_word(out: &mut Vec<Word>, current: &mut String, start: usize, end: usize, mark: Mark) {
    let folded = current.trim_matches('_').to_owned();
    current.clear();
    if !folded.is_empty() {
        out.push(Word { folded, start, end, mark });
    }
}

/// Whether a folded word carries meaning: not a stop word, not a number, at least two letters.
pub fn is_content(folded: &str) -> bool {
    folded.chars().count() >= 2
        && !folded.starts_with(|c: char| c.is_ascii_digit())
        && STOP_WORDS.binary_search(&folded).is_err()
}

/// The term a content word counts as: plural `s`/`x` dropped, then cut to `prefix` characters (0: not cut).
pub fn stem(folded: &str, prefix: usize) -> String {
    let mut s = folded;
    if s.chars().count() > 3 {
        if let Some(rest) = s.strip_suffix(['s', 'x']) {
            s = rest;
        }
    }
    if prefix == 0 {
        return s.to_owned();
    }
    match s.char_indices().nth(prefix) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// French and English function words, and the words of social posts that say nothing of a business (folded,
/// sorted for binary search; a test keeps them sorted).
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "ai",
    "aie",
    "ainsi",
    "all",
    "allez",
    "alors",
    "also",
    "am",
    "an",
    "and",
    "annee",
    "annees",
    "ans",
    "any",
    "aout",
    "apres",
    "are",
    "as",
    "at",
    "au",
    "aucun",
    "aujourd",
    "aupres",
    "aussi",
    "autre",
    "autres",
    "aux",
    "avant",
    "avec",
    "avez",
    "avoir",
    "avons",
    "avril",
    "be",
    "beau",
    "beaucoup",
    "beaux",
    "been",
    "before",
    "being",
    "belle",
    "belles",
    "best",
    "bien",
    "bientot",
    "bienvenue",
    "bon",
    "bonjour",
    "bonne",
    "bonnes",
    "bons",
    "bonsoir",
    "bravo",
    "but",
    "by",
    "ca",
    "can",
    "ce",
    "ceci",
    "cela",
    "celle",
    "celles",
    "celui",
    "ces",
    "cet",
    "cette",
    "ceux",
    "chaque",
    "cher",
    "chere",
    "chers",
    "chez",
    "ci",
    "com",
    "comme",
    "comment",
    "commentaire",
    "commentaires",
    "could",
    "dans",
    "day",
    "days",
    "de",
    "decembre",
    "decouvrez",
    "decouvrir",
    "deja",
    "demain",
    "dernier",
    "derniere",
    "des",
    "deux",
    "did",
    "dimanche",
    "do",
    "does",
    "doit",
    "donc",
    "dont",
    "du",
    "each",
    "elle",
    "elles",
    "en",
    "encore",
    "end",
    "enfin",
    "entre",
    "equipe",
    "est",
    "et",
    "etaient",
    "etait",
    "ete",
    "etes",
    "etre",
    "eu",
    "euro",
    "euros",
    "eux",
    "evening",
    "every",
    "faire",
    "fait",
    "faites",
    "felicitations",
    "fevrier",
    "few",
    "first",
    "for",
    "fr",
    "free",
    "from",
    "get",
    "good",
    "grand",
    "grande",
    "gratuit",
    "gratuite",
    "great",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "heure",
    "heures",
    "hey",
    "hi",
    "hier",
    "his",
    "how",
    "http",
    "https",
    "hui",
    "ici",
    "if",
    "il",
    "ils",
    "in",
    "into",
    "is",
    "it",
    "its",
    "jamais",
    "janvier",
    "je",
    "jeudi",
    "jour",
    "jours",
    "juillet",
    "juin",
    "just",
    "la",
    "last",
    "le",
    "les",
    "leur",
    "leurs",
    "lui",
    "lundi",
    "ma",
    "mai",
    "mais",
    "mardi",
    "mars",
    "matin",
    "matins",
    "me",
    "meme",
    "merci",
    "mercredi",
    "mes",
    "midi",
    "minute",
    "minutes",
    "moi",
    "moins",
    "mois",
    "mon",
    "month",
    "more",
    "morning",
    "most",
    "my",
    "ne",
    "new",
    "ni",
    "night",
    "no",
    "non",
    "nos",
    "not",
    "notre",
    "nous",
    "nouveau",
    "nouveaute",
    "nouveaux",
    "nouvelle",
    "nouvelles",
    "novembre",
    "now",
    "nuit",
    "octobre",
    "of",
    "offert",
    "offerte",
    "offerts",
    "on",
    "ont",
    "or",
    "ou",
    "oui",
    "our",
    "out",
    "par",
    "partagez",
    "pas",
    "petit",
    "petite",
    "petites",
    "petits",
    "peu",
    "peut",
    "peuvent",
    "plein",
    "pleine",
    "plus",
    "pour",
    "pourquoi",
    "pouvez",
    "premier",
    "premiere",
    "prix",
    "qu",
    "quand",
    "que",
    "quel",
    "quelle",
    "quelles",
    "quels",
    "qui",
    "quoi",
    "rendez",
    "retrouver",
    "retrouvez",
    "rien",
    "sa",
    "samedi",
    "sans",
    "se",
    "semaine",
    "semaines",
    "septembre",
    "ses",
    "she",
    "si",
    "so",
    "soir",
    "soirs",
    "soit",
    "some",
    "son",
    "sont",
    "sous",
    "souvent",
    "suivez",
    "sur",
    "ta",
    "te",
    "team",
    "tes",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "today",
    "toi",
    "tomorrow",
    "ton",
    "tou",
    "toujours",
    "tous",
    "tout",
    "toute",
    "toutes",
    "tres",
    "trop",
    "tu",
    "un",
    "une",
    "up",
    "us",
    "va",
    "vendredi",
    "venez",
    "very",
    "via",
    "viens",
    "vite",
    "voici",
    "voila",
    "vont",
    "vos",
    "votre",
    "vous",
    "was",
    "we",
    "week",
    "weekend",
    "welcome",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "www",
    "y",
    "year",
    "you",
    "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_and_unique() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn words_are_folded_and_keep_their_place() {
        let text = "L'été à Lyon : #DaMarco œufs @da_marco !";
        let ws = words(text);
        let folded: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["l", "ete", "a", "lyon", "damarco", "oeufs", "da_marco"]);
        assert_eq!(ws[4].mark, Mark::Hashtag);
        assert_eq!(ws[6].mark, Mark::Handle);
        assert_eq!(&text[ws[1].start..ws[1].end], "été");
    }

    #[test]
    fn stems_meet_across_plural_and_cut() {
        assert_eq!(stem("pizzas", 0), stem("pizza", 0));
        assert_eq!(stem("fleuriste", 5), stem("fleurs", 5));
        assert_eq!(stem("bus", 5), "bus");
        assert!(!is_content("vous"));
        assert!(!is_content("2024"));
        assert!(is_content("pizza"));
    }
}
