//! Language: the supported codes, reading a declared language, and detection restricted to the configured ones
//! (function-word and spelling cues first, whatlang's trigrams when the cues do not settle it).
use std::collections::HashMap;

use whatlang::{Detector, Lang};

use crate::lexicon::Lexicons;
use crate::text::{Kind, Token};

/// ISO 639-1 codes this crate accepts, with whatlang's language.
const SUPPORTED: &[(&str, Lang)] = &[
    ("fr", Lang::Fra),
    ("en", Lang::Eng),
    ("es", Lang::Spa),
    ("de", Lang::Deu),
    ("it", Lang::Ita),
    ("pt", Lang::Por),
    ("nl", Lang::Nld),
    ("ca", Lang::Cat),
    ("pl", Lang::Pol),
    ("ro", Lang::Ron),
    ("sv", Lang::Swe),
    ("da", Lang::Dan),
    ("nb", Lang::Nob),
    ("fi", Lang::Fin),
    ("cs", Lang::Ces),
    ("hu", Lang::Hun),
    ("tr", Lang::Tur),
    ("el", Lang::Ell),
    ("ru", Lang::Rus),
    ("uk", Lang::Ukr),
    ("ar", Lang::Ara),
    ("he", Lang::Heb),
    ("zh", Lang::Cmn),
    ("ja", Lang::Jpn),
    ("ko", Lang::Kor),
];

/// Frequent short words, by language: on a ten-word post they say more than trigrams.
const CUES: &[(&str, &[&str])] = &[
    (
        "fr",
        &[
            "le",
            "la",
            "les",
            "des",
            "du",
            "de",
            "une",
            "est",
            "et",
            "pas",
            "je",
            "il",
            "nous",
            "vous",
            "ils",
            "elle",
            "ce",
            "cette",
            "ces",
            "mon",
            "ma",
            "mes",
            "ses",
            "sont",
            "ont",
            "avec",
            "pour",
            "sur",
            "dans",
            "qui",
            "que",
            "mais",
            "où",
            "très",
            "trop",
            "bien",
            "aussi",
            "encore",
            "toujours",
            "jamais",
            "rien",
            "chez",
            "au",
            "aux",
            "c",
            "j",
            "l",
            "d",
            "n",
            "qu",
            "été",
            "était",
            "fait",
            "ça",
            "merci",
            "bonjour",
            "oui",
            "peut",
            "vos",
            "votre",
            "notre",
            "nos",
            "on",
            "suis",
            "êtes",
            "avez",
            "ai",
            "un",
            "à",
            "ne",
            "moi",
            "quand",
            "quel",
            "quelle",
            "combien",
            "pourquoi",
            "comment",
            "slt",
            "bcp",
            "jsui",
            "tro",
            "mdr",
            "ptdr",
            "vs",
            "pr",
            "ya",
            "svp",
            "bonsoir",
            "ouverts",
            "ouvert",
            "demain",
            "aujourd'hui",
            "après",
            "avant",
            "depuis",
            "fois",
            "tout",
            "rdv",
            "même",
            "sans",
            "plus",
        ],
    ),
    (
        "en",
        &[
            "the", "and", "is", "are", "was", "were", "you", "your", "i", "my", "me", "we", "our", "it", "this",
            "that", "with", "for", "of", "to", "in", "on", "at", "be", "have", "has", "had", "do", "does", "did",
            "not", "no", "can", "will", "would", "what", "when", "where", "how", "who", "why", "which", "there",
            "they", "them", "just", "so", "very", "really", "all", "get", "got", "from", "an", "or", "but", "if",
            "been", "don't", "didn't", "can't", "won't", "i'm", "it's", "thanks", "thank", "please", "u", "r", "ur",
            "thx", "any", "still", "again", "after", "never", "open", "time", "our", "their", "by", "up", "out", "new",
            "free", "best", "great", "back", "today", "tomorrow", "anyone", "could", "should", "until", "week",
        ],
    ),
    (
        "es",
        &[
            "el", "la", "los", "las", "y", "es", "está", "están", "son", "muy", "pero", "por", "para", "con", "que",
            "qué", "del", "al", "un", "una", "mi", "su", "lo", "se", "no", "sí", "gracias", "hola", "todavía",
            "cuando", "dónde", "cómo", "también", "ya", "más", "este", "esta", "abren", "he", "estaba", "seguro",
            "pedido",
        ],
    ),
    (
        "de",
        &[
            "der",
            "die",
            "das",
            "und",
            "ist",
            "sind",
            "nicht",
            "ein",
            "eine",
            "mit",
            "für",
            "auf",
            "ich",
            "du",
            "wir",
            "ihr",
            "sie",
            "es",
            "zu",
            "den",
            "dem",
            "von",
            "im",
            "am",
            "auch",
            "noch",
            "sehr",
            "aber",
            "habt",
            "hat",
            "haben",
            "war",
            "wie",
            "was",
            "wo",
            "wann",
            "danke",
            "bitte",
            "kein",
            "keine",
            "immer",
            "geöffnet",
            "wegen",
            "meine",
            "mein",
            "ab",
        ],
    ),
    (
        "it",
        &[
            "il", "lo", "gli", "le", "e", "è", "sono", "non", "un", "una", "con", "per", "di", "del", "della", "che",
            "mi", "ti", "ci", "si", "ma", "molto", "anche", "ancora", "siete", "sei", "ho", "hai", "ha", "grazie",
            "ciao", "come", "quando", "dove", "più", "mai", "questo", "questa", "sarà", "fino", "città", "aperti",
        ],
    ),
    (
        "pt",
        &[
            "o",
            "os",
            "as",
            "e",
            "é",
            "são",
            "não",
            "um",
            "uma",
            "com",
            "para",
            "por",
            "do",
            "da",
            "dos",
            "das",
            "que",
            "meu",
            "minha",
            "você",
            "vocês",
            "muito",
            "mas",
            "ainda",
            "obrigado",
            "obrigada",
            "olá",
            "como",
            "quando",
            "onde",
            "mais",
            "nunca",
            "está",
            "estão",
            "ao",
            "vai",
            "próximo",
            "encomenda",
            "chegou",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "en", "is", "zijn", "niet", "met", "voor", "op", "ik", "jij", "je", "wij", "we",
            "jullie", "u", "van", "te", "dat", "die", "er", "ook", "nog", "heel", "maar", "hoe", "wat", "waar",
            "wanneer", "bedankt", "dank", "geen", "altijd", "mijn", "open", "gesloten", "steeds", "wegens",
        ],
    ),
];

/// Letters that mostly belong to one language of the default set.
const LETTER_CUES: &[(char, &str)] = &[
    ('ç', "fr"),
    ('à', "fr"),
    ('œ', "fr"),
    ('ê', "fr"),
    ('è', "fr"),
    ('ù', "fr"),
    ('û', "fr"),
    ('î', "fr"),
    ('ñ', "es"),
    ('¿', "es"),
    ('¡', "es"),
    ('ß', "de"),
    ('ä', "de"),
    ('ö', "de"),
    ('ü', "de"),
    ('ã', "pt"),
    ('õ', "pt"),
    ('ò', "it"),
];

/// Checks a configured code and returns its static form.
pub fn supported(code: &str) -> Option<&'static str> {
    SUPPORTED.iter().find(|(c, _)| *c == code).map(|(c, _)| *c)
}

pub fn default_languages() -> &'static [&'static str] {
    &["fr", "en", "es", "de", "it", "pt", "nl"]
}

/// The primary subtag of a declared tag (`fr-FR`, `en_US`, `FR`), when it is one of `configured`.
pub fn declared(tag: &str, configured: &[&'static str]) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
    configured.iter().copied().find(|c| c.eq_ignore_ascii_case(primary))
}

/// Detection restricted to the configured languages.
pub struct LanguageDetector {
    configured: Vec<&'static str>,
    whatlang: Detector,
    /// Cue word → bit set of the configured slots (at most 8) whose language uses it.
    cues: HashMap<&'static str, u8>,
}

impl LanguageDetector {
    pub fn new(configured: &[&'static str]) -> LanguageDetector {
        let langs = SUPPORTED.iter().filter(|(c, _)| configured.contains(c)).map(|(_, l)| *l).collect();
        let mut cues: HashMap<&'static str, u8> = HashMap::new();
        for (code, words) in CUES {
            if let Some(slot) = configured.iter().position(|c| c == code).filter(|i| *i < 8) {
                for w in *words {
                    *cues.entry(w).or_default() |= 1 << slot;
                }
            }
        }
        LanguageDetector { configured: configured.to_vec(), whatlang: Detector::with_allowlist(langs), cues }
    }

    /// The language of a text: `None` when it has no letters or is in a script no configured language uses.
    pub fn detect(&self, text: &str, tokens: &[Token], lexicons: &Lexicons) -> Option<&'static str> {
        if !text.chars().any(char::is_alphabetic) {
            return None;
        }
        let mut scores = [0.0f32; 8];
        let configured = &self.configured;
        let slot = |code: &str| configured.iter().position(|c| *c == code).filter(|i| *i < 8);
        for token in tokens.iter().filter(|t| t.kind == Kind::Word) {
            if let Some(bits) = self.cues.get(token.text.as_str()) {
                for (i, score) in scores.iter_mut().enumerate() {
                    if bits & (1 << i) != 0 {
                        *score += 1.0;
                    }
                }
            }
        }
        // A sentiment word of one lexicon only ("amazing", "génial") is a cue too.
        if let (Some(fr), Some(en)) = (slot("fr"), slot("en")) {
            for token in tokens.iter().filter(|t| t.kind == Kind::Word && t.text.chars().count() > 2) {
                match (lexicons.fr.has(&token.text), lexicons.en.has(&token.text)) {
                    (true, false) => scores[fr] += 0.5,
                    (false, true) => scores[en] += 0.5,
                    _ => {}
                }
            }
        }
        for c in text.chars().filter(|c| !c.is_ascii()) {
            if let Some((_, code)) = LETTER_CUES.iter().find(|(l, _)| *l == c.to_lowercase().next().unwrap_or(c)) {
                if let Some(i) = slot(code) {
                    scores[i] += 0.5;
                }
            }
        }
        let (mut best, mut second) = ((0usize, 0.0f32), 0.0f32);
        for (i, s) in scores.iter().enumerate() {
            if *s > best.1 {
                second = best.1;
                best = (i, *s);
            } else if *s > second {
                second = *s;
            }
        }
        if best.1 >= 2.0 && best.1 >= 2.0 * second {
            return configured.get(best.0).copied();
        }
        let info = self.whatlang.detect(text);
        let guessed = info.and_then(|info| {
            // whatlang answers by script alone for one-language scripts (Hebrew, Greek…), whatever the allowlist.
            let code = SUPPORTED.iter().find(|(_, l)| *l == info.lang()).map(|(c, _)| *c)?;
            let code = configured.iter().copied().find(|c| *c == code)?;
            Some((code, info.is_reliable()))
        });
        match guessed {
            Some((code, true)) => Some(code),
            _ if best.1 > second => configured.get(best.0).copied(),
            Some((code, false)) if tokens.iter().filter(|t| t.kind == Kind::Word).count() > 3 => Some(code),
            Some(_) => configured.first().copied(),
            None if text.chars().any(|c| c.is_ascii_alphabetic()) => configured.first().copied(),
            None => None,
        }
    }
}
