//! Intent cues: the words and phrases (folded, French and English) that point to spam, complaints, questions
//! and praise, indexed by their first word so that one pass over a post finds them all.
use std::collections::HashMap;

use crate::prepare::Tok;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// Weight 2 towards spam.
    SpamStrong,
    /// Weight 1 towards spam.
    SpamWeak,
    /// A complaint even when the sentiment is mild.
    Complaint,
    /// News or misfortune: a negative post with one is not a complaint.
    News,
    /// A question when it opens a clause.
    Opener,
    /// Something said about a business: a positive post with one is praise.
    Praise,
    /// A rhetorical question that praises.
    Rhetorical,
    /// Looking forward, plans, a nice day: a positive post with one is not praise.
    Anticipation,
}

const SPAM_STRONG: &[&str] = &[
    "crypto",
    "bitcoin",
    "btc",
    "forex",
    "nft",
    "nfts",
    "airdrop",
    "wallet",
    "casino",
    "followers",
    "abonnes",
    "follow4follow",
    "f4f",
    "lien en bio",
    "lien dans ma bio",
    "link in bio",
    "link in my bio",
    "argent facile",
    "easy money",
    "vous avez gagne",
    "you won",
    "you have won",
    "free spins",
    "tours gratuits",
    "verify your identity",
    "verifie ton identite",
    "verifiez votre identite",
    "confirmez vos coordonnees",
    "confirm your details",
    "robot de trading",
    "trading bot",
    "likes pour",
    "likes for",
    "follow back",
    "je vous suis en retour",
    "gagnez",
    "gagne de l argent",
    "earn money",
    "make money",
    "double your money",
    "double ton capital",
    "devenez riche",
    "millionaire",
    "millionnaire",
    "groupe vip",
    "vip group",
    "methode secrete",
    "secret trick",
    "cliquez ici",
    "click here",
    "entre particuliers",
    "cliquez vite",
    "click fast",
    "en cliquant",
    "cliquant ici",
];

const SPAM_WEAK: &[&str] = &[
    "cliquez",
    "cliquant",
    "click",
    "clic",
    "dm",
    "mp",
    "message prive",
    "en prive",
    "message me",
    "message us",
    "hit me up",
    "contacte moi",
    "contactez moi",
    "contactez nous",
    "contact us",
    "email me",
    "whatsapp",
    "gratuit",
    "gratuits",
    "gratuite",
    "gratuitement",
    "free",
    "garanti",
    "garantie",
    "guaranteed",
    "sans justificatif",
    "no credit check",
    "promo",
    "reclamez",
    "claim",
    "prize",
    "cadeau",
    "cadeaux",
    "gift",
    "felicitations",
    "congratulations",
    "riche",
    "rich",
    "trading",
    "investis",
    "invest",
    "investissement",
    "investment",
    "boost",
    "seo",
    "netflix",
    "essays",
    "suspendu",
    "suspended",
    "defiscalise",
    "rendement",
    "follow",
    "views",
    "vues",
    "likes",
    "gains",
    "exclusifs",
    "exclusive",
    "premiere page",
    "first page",
    "deals",
    "tiktok",
    "instagram",
    "win",
    "gagner",
    "gagne",
    "token",
    "cheap",
    "loans",
    "earn",
    "signals",
    "signaux",
    "coach",
    "paypal",
    "suivez moi",
    "follow me",
    "demande moi",
    "ask me how",
    "luxe",
    "luxury",
    "site officiel",
    "official site",
    "offres",
    "offers",
];

const COMPLAINT: &[&str] = &[
    "toujours pas",
    "toujours rien",
    "toujours aucune",
    "toujours aucun",
    "jamais recu",
    "jamais recue",
    "pas recu",
    "pas recue",
    "still haven't",
    "still waiting",
    "still no",
    "never received",
    "never got",
    "3e fois",
    "troisieme fois",
    "trois fois",
    "3rd time",
    "third time",
    "three times",
    "aucune reponse",
    "pas de reponse",
    "no reply",
    "no answer",
    "no response",
    "personne ne repond",
    "ne repondez jamais",
    "ne repond jamais",
    "nobody answer",
    "nobody answers",
    "nobody picks up",
    "rembourse",
    "remboursement",
    "refund",
    "deux fois",
    "charged twice",
    "taken twice",
    "en double",
    "on hold",
    "plus jamais",
    "never again",
    "derniere fois que",
    "last time i order",
    "a fuir",
    "avoid",
    "arnaque",
    "scam",
    "injoignable",
    "reclamation",
    "complaint",
    "en panne",
    "ne marche pas",
    "doesn't work",
    "ne fonctionne pas",
    "not working",
    "keeps crashing",
    "plante",
    "impossible de",
    "sort it out",
    "fix it",
    "regulariser",
    "sérieusement",
    "seriously",
];

const NEWS: &[&str] = &[
    "triste nouvelle",
    "sad news",
    "malheureusement",
    "unfortunately",
    "incendie",
    "fire",
    "greve",
    "strike",
    "accident",
    "crash at",
    "pleut",
    "raining",
    "meteo",
    "weather",
    "definitivement",
    "for good",
    "hausse",
    "rising",
    "baisse",
    "souffrent",
    "hurting",
    "reporte",
    "postponed",
    "malade",
    "sick",
];

const OPENERS: &[&str] = &[
    "est ce que",
    "est ce qu",
    "pouvez vous",
    "pourriez vous",
    "peut on",
    "puis je",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "combien",
    "quand",
    "comment",
    "pourquoi",
    "savez vous",
    "sauriez vous",
    "y a t il",
    "vous etes",
    "vous avez",
    "vous faites",
    "vous livrez",
    "vous acceptez",
    "vous prenez",
    "vous recrutez",
    "je voudrais savoir",
    "savoir si",
    "dites moi si",
    "quelqu'un sait",
    "quelqu'un a",
    "c est possible",
    "c est combien",
    "a quelle heure",
    "jusqu a quand",
    "do you",
    "do u",
    "does",
    "did you",
    "are you",
    "are u",
    "is there",
    "is it",
    "is the",
    "are there",
    "are the",
    "can i",
    "can we",
    "can you",
    "can kids",
    "could you",
    "would you",
    "will you",
    "should i",
    "how",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "any chance",
    "anyone know",
    "does anyone",
    "wondering if",
    "are you",
    "are dogs",
    "is this",
];

const PRAISE: &[&str] = &[
    "merci",
    "remercie",
    "thanks",
    "thank",
    "bravo",
    "congrats",
    "recommande",
    "recommend",
    "reviendrai",
    "reviendra",
    "reviendrons",
    "retournerai",
    "be back",
    "come back",
    "top",
    "meilleur",
    "meilleure",
    "meilleures",
    "meilleurs",
    "best",
    "parfait",
    "parfaite",
    "perfect",
    "excellent",
    "excellente",
    "service",
    "accueil",
    "staff",
    "personnel",
    "equipe",
    "team",
    "conseiller",
    "conseillere",
    "advisor",
    "vendeur",
    "seller",
    "salesperson",
    "livraison",
    "delivery",
    "qualite",
    "quality",
    "prix",
    "price",
    "value",
    "pizza",
    "pizzas",
    "pizzeria",
    "boulangerie",
    "bakery",
    "osteo",
    "osteopath",
    "osteopathe",
    "musee",
    "museum",
    "expo",
    "exposition",
    "exhibition",
    "visite",
    "visit",
    "tour",
    "guide",
    "garage",
    "voiture",
    "car",
    "tapis",
    "rug",
    "rugs",
    "banque",
    "bank",
    "commande",
    "order",
    "experience",
    "pain",
    "croissants",
    "patisseries",
    "pastries",
    "gateau",
    "cake",
    "atelier",
    "workshop",
    "chapeau",
    "impeccable",
    "delicieux",
    "delicieuses",
    "delicious",
    "adore",
    "loved",
    "love",
    "regale",
    "regales",
    "rien a redire",
    "hats off",
    "well done",
    "good job",
    "recommande",
    "professionnel",
    "professional",
    "efficace",
    "friendly",
    "sympa",
    "aimable",
    "ambiance",
];

const RHETORICAL: &[&str] = &["que demander de plus", "what more could you ask for", "quoi de mieux"];

const ANTICIPATION: &[&str] = &[
    "hate",
    "can't wait",
    "vivement",
    "week end",
    "weekend",
    "vacances",
    "holidays",
    "coucher de soleil",
    "sunset",
    "belle journee",
    "beautiful day",
    "initiative",
    "counting down",
    "looking forward",
    "impatient",
    "enfin le",
];

/// The words after the first, the cue, and the cue's number.
type Entry = (Vec<&'static str>, Cue, usize);

pub struct CueIndex {
    by_first: HashMap<&'static str, Vec<Entry>>,
}

/// What one pass over a post found.
#[derive(Debug, Default)]
pub struct Found {
    pub spam: f32,
    pub complaint: bool,
    pub news: bool,
    pub opener: bool,
    pub praise: bool,
    pub rhetorical: bool,
    pub anticipation: bool,
}

const GREETINGS: &[&str] = &["bonjour", "bonsoir", "salut", "hello", "hi", "hey", "coucou", "svp", "please"];

impl CueIndex {
    pub fn new() -> CueIndex {
        let mut by_first: HashMap<&'static str, Vec<Entry>> = HashMap::new();
        let lists: [(&[&str], Cue); 8] = [
            (SPAM_STRONG, Cue::SpamStrong),
            (SPAM_WEAK, Cue::SpamWeak),
            (COMPLAINT, Cue::Complaint),
            (NEWS, Cue::News),
            (OPENERS, Cue::Opener),
            (PRAISE, Cue::Praise),
            (RHETORICAL, Cue::Rhetorical),
            (ANTICIPATION, Cue::Anticipation),
        ];
        let mut id = 0;
        for (list, cue) in lists {
            for phrase in list {
                let mut words = phrase.split(' ');
                let first = words.next().unwrap_or("");
                by_first.entry(first).or_default().push((words.collect(), cue, id));
                id += 1;
            }
        }
        CueIndex { by_first }
    }

    pub fn find(&self, toks: &[Tok<'_>]) -> Found {
        let mut found = Found::default();
        let mut spam_seen: Vec<usize> = Vec::new();
        let mut clause_start = true;
        for (i, t) in toks.iter().enumerate() {
            if !t.is_word() {
                clause_start = t.is_boundary();
                continue;
            }
            let at_start = clause_start;
            if !GREETINGS.contains(&t.folded.as_ref()) {
                clause_start = false;
            }
            if t.text == "où" && at_start {
                found.opener = true;
            }
            let Some(candidates) = self.by_first.get(t.folded.as_ref()) else { continue };
            for (rest, cue, id) in candidates {
                let matches = rest
                    .iter()
                    .enumerate()
                    .all(|(k, w)| toks.get(i + 1 + k).is_some_and(|n| n.is_word() && (n.folded == *w || n.text == *w)));
                if !matches {
                    continue;
                }
                match cue {
                    Cue::SpamStrong | Cue::SpamWeak if !spam_seen.contains(id) => {
                        spam_seen.push(*id);
                        found.spam += if *cue == Cue::SpamStrong { 2.0 } else { 1.0 };
                    }
                    Cue::SpamStrong | Cue::SpamWeak => {}
                    Cue::Complaint => found.complaint = true,
                    Cue::News => found.news = true,
                    Cue::Opener => found.opener |= at_start && opener_fits(rest, toks, i),
                    Cue::Praise => found.praise = true,
                    Cue::Rhetorical => found.rhetorical = true,
                    Cue::Anticipation => found.anticipation = true,
                }
            }
        }
        found
    }
}

/// An English auxiliary alone ("does", "is the") opens a question only when a subject follows.
fn opener_fits(rest: &[&str], toks: &[Tok<'_>], i: usize) -> bool {
    if !rest.is_empty() || toks[i].folded != "does" {
        return true;
    }
    toks.get(i + 1).is_some_and(|n| n.is_word())
}
