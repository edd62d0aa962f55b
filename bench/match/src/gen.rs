//! The deterministic generator (`generate`): fictional brands with their products, people, competitors and
//! hashtags, N listening queries about them (phrases, OR groups, NEAR/n and NEAR/nf, suffix wildcards, exclusions,
//! a few field filters), and M French and English mentions, a few percent of which talk about a brand.
//!
//! Everything comes from one seeded generator, so the same arguments always write the same files.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::ast::{self, Node};

/// SplitMix64: small, fast, and the same on every platform and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// A trade: what brands of it are called, what they sell, and what people say about them.
struct Trade {
    domain: usize,
    fr: &'static [&'static str],
    en: &'static [&'static str],
    products: &'static [&'static str],
    topics: &'static [&'static str],
}

const DOMAINS: [&str; 5] = ["food", "shops", "health", "banking", "culture"];

const TRADES: &[Trade] = &[
    Trade {
        domain: 0,
        fr: &["Pizzeria", "Trattoria", "Boulangerie", "Crêperie", "Brasserie", "Bistrot", "Pâtisserie", "Fromagerie"],
        en: &["Kitchen", "Bakery", "Burger", "Coffee", "Diner", "Noodle Bar"],
        products: &[
            "pizza",
            "calzone",
            "galette",
            "croissant",
            "menu",
            "burger",
            "brioche",
            "tarte",
            "café",
            "formule",
        ],
        topics: &["livraison", "commande", "avis", "service", "menu", "terrasse", "réservation", "délicieux", "tasty"],
    },
    Trade {
        domain: 1,
        fr: &["Tapis", "Meubles", "Librairie", "Fleurs", "Optique", "Chaussures", "Bijouterie", "Quincaillerie"],
        en: &["Books", "Garden", "Home", "Outfitters", "Hardware"],
        products: &["tapis", "canapé", "lampe", "roman", "bouquet", "lunettes", "baskets", "bague", "perceuse"],
        topics: &["livraison", "commande", "soldes", "promo", "retour", "boutique", "prix", "qualité", "delivery"],
    },
    Trade {
        domain: 2,
        fr: &["Pharmacie", "Clinique", "Cabinet", "Laboratoire", "Centre Dentaire", "Kiné", "Mutuelle Santé"],
        en: &["Health", "Clinic", "Pharmacy", "Care", "Wellness"],
        products: &["vaccin", "consultation", "bilan", "crème", "sérum", "téléconsultation", "ordonnance"],
        topics: &["rendez-vous", "attente", "accueil", "remboursement", "urgence", "médecin", "appointment"],
    },
    Trade {
        domain: 3,
        fr: &["Banque", "Crédit", "Caisse", "Assurances", "Épargne", "Finance"],
        en: &["Bank", "Capital", "Insurance", "Savings", "Pay"],
        products: &["livret", "prêt", "carte", "compte", "assurance", "crédit", "appli", "placement"],
        topics: &["frais", "taux", "agence", "conseiller", "virement", "panne", "fraude", "tarif", "fees"],
    },
    Trade {
        domain: 4,
        fr: &["Théâtre", "Cinéma", "Galerie", "Musée", "Festival", "Éditions", "Librairie"],
        en: &["Studio", "Gallery", "Records", "Theatre", "Pictures"],
        products: &["spectacle", "exposition", "film", "album", "concert", "roman", "billet", "abonnement"],
        topics: &["billetterie", "programmation", "critique", "soirée", "places", "tickets", "review", "première"],
    },
];

const SURNAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dumas",
    "Dubois",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Walker",
    "Wright",
    "Green",
    "Hughes",
];

const FIRST_NAMES: &[&str] = &[
    "Julie", "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Claire", "Sophie", "Hélène", "Nadia",
    "Thomas", "Nicolas", "Julien", "Antoine", "Hugo", "Lucas", "Karim", "Mehdi", "Pierre", "Louis", "Paul", "Yann",
    "Oliver", "Jack", "Harry", "Emily", "Grace", "Olivia", "James", "Amelia",
];

/// Evocative words for brand cores and product lines.
const EVOCATIVE: &[&str] = &[
    "Bella Napoli",
    "Casa Roma",
    "Forno Verde",
    "Solidaire",
    "du Marché",
    "des Arts",
    "Horizon",
    "Nomade",
    "Étoile",
    "Azur",
    "Soleil",
    "Nova",
    "Prima",
    "Lumière",
    "Opale",
    "Zénith",
    "Golden Spoon",
    "Green Leaf",
    "Blue Harbour",
    "Le Phare",
    "Les Mots Bleus",
    "La Fabrique",
    "Ker Avel",
    "Belle Époque",
    "Rive Gauche",
    "Petit Prince",
    "Grand Large",
    "Mistral",
    "Sirocco",
    "Atlas",
    "Boréal",
    "Céleste",
    "Mosaïque",
    "Olympe",
    "Vertigo",
    "Aurore",
];

const ONSETS: &[&str] = &[
    "Van", "Ker", "Bri", "Mal", "Cor", "Sal", "Bel", "Tor", "Lum", "Gar", "Vel", "Mor", "Dar", "Fen", "Quin", "Ros",
    "Tal", "Ber", "Cal", "Mir", "Pel", "Sol", "Val", "Zan", "Lor", "Nor", "Gal", "Bra", "Cla", "Fla",
];
const MIDDLES: &[&str] = &[
    "to", "a", "i", "o", "e", "ou", "an", "er", "il", "ar", "en", "ol", "u", "é", "in", "on", "ys", "eau", "ai", "or",
];
const ENDINGS: &[&str] = &[
    "rel", "vel", "sac", "ny", "mont", "lac", "tine", "ville", "court", "dine", "bert", "nac", "zio", "ra", "lia",
    "ro", "ssa", "quet", "let", "dor",
];

const CITIES: &[&str] = &[
    "Paris",
    "Lyon",
    "Marseille",
    "Nantes",
    "Rennes",
    "Lille",
    "Bordeaux",
    "Toulouse",
    "Brest",
    "Nice",
    "Grenoble",
    "Strasbourg",
    "Montpellier",
    "Dijon",
    "Angers",
    "Quimper",
    "London",
    "Bristol",
    "Montréal",
    "Bruxelles",
];

const FEED_SITES: &[&str] = &[
    "www.lemonde.fr",
    "www.ouest-france.fr",
    "www.leparisien.fr",
    "www.20minutes.fr",
    "actu.fr",
    "www.lefigaro.fr",
    "www.liberation.fr",
    "www.theguardian.com",
    "www.bbc.co.uk",
    "blog.lesgourmands.fr",
    "www.tripadvisor.fr",
    "forum.hardware.fr",
    "www.doctissimo.fr",
    "www.boursorama.com",
    "www.telerama.fr",
    "news.google.com",
];
const MASTODON_SITES: &[&str] = &["mastodon.social", "piaille.fr", "mamot.fr", "framapiaf.org"];
const SITE_FILTERS: &[&str] =
    &["lemonde.fr", "ouest-france.fr", "leparisien.fr", "tripadvisor.fr", "theguardian.com", "bsky.app", "actu.fr"];

const EXCLUSIONS: &[&str] = &[
    "recrutement",
    "job",
    "jobs",
    "stage",
    "alternance",
    "CDI",
    "hiring",
    "concours",
    "giveaway",
    "horoscope",
    "arnaque",
    "recette",
];
const EXCLUDED_PHRASES: &[&str] = &["offre emploi", "on recrute", "we are hiring", "jeu concours"];

const HASHTAGS: &[&str] = &[
    "miam",
    "foodporn",
    "paris",
    "lyon",
    "shopping",
    "santé",
    "banque",
    "culture",
    "cinema",
    "sortir",
    "weekend",
    "bonplan",
    "avis",
    "food",
    "books",
    "art",
    "theatre",
    "local",
    "commercelocal",
    "noel",
];

/// One brand: its name, the distinctive part of it, and what people say around it.
pub struct Brand {
    trade: usize,
    name: String,
    /// The distinctive part ("Bella Napoli"); None when the name is only a trade and a common surname.
    core: Option<String>,
    surname: Option<&'static str>,
    category: &'static str,
    hashtag: String,
    products: Vec<String>,
    people: Vec<String>,
    en: bool,
    /// The core is a made-up word, distinctive on its own (unlike "Soleil" or "Horizon").
    made_up: bool,
}

fn made_up_name(rng: &mut Rng) -> String {
    let mut s = String::new();
    s.push_str(rng.pick(ONSETS));
    s.push_str(rng.pick(MIDDLES));
    s.push_str(rng.pick(ENDINGS));
    s
}

fn make_brands(rng: &mut Rng, n: usize) -> Vec<Brand> {
    let mut seen = HashSet::new();
    let mut brands = Vec::with_capacity(n);
    while brands.len() < n {
        let trade = rng.below(TRADES.len());
        let t = &TRADES[trade];
        let en = rng.chance(0.3);
        let category = rng.pick(if en { t.en } else { t.fr });
        let (core, surname, made_up) = match rng.below(10) {
            0..=2 => (None, Some(rng.pick(SURNAMES)), false),
            3..=5 => (Some(rng.pick(EVOCATIVE).to_owned()), None, false),
            _ => (Some(made_up_name(rng)), None, true),
        };
        let distinctive = core.clone().unwrap_or_else(|| surname.unwrap_or("").to_owned());
        let name = if en { format!("{distinctive} {category}") } else { format!("{category} {distinctive}") };
        if !seen.insert(ast::fold(&name)) {
            continue;
        }
        let hashtag: String = ast::tokens(&name).concat();
        let products = (0..2 + rng.below(3))
            .map(|_| {
                let line = if rng.chance(0.5) { made_up_name(rng) } else { rng.pick(EVOCATIVE).to_owned() };
                let word = rng.pick(t.products);
                let mut w = word.chars();
                let word = w.next().map(|c| c.to_uppercase().chain(w).collect::<String>()).unwrap_or_default();
                format!("{word} {line}")
            })
            .collect();
        let people =
            (0..1 + rng.below(2)).map(|_| format!("{} {}", rng.pick(FIRST_NAMES), made_up_name(rng))).collect();
        brands.push(Brand { trade, name, core, surname, category, hashtag, products, people, en, made_up });
    }
    brands
}

/// Ways of naming a brand in a query: the full name, its distinctive part when it has one (a made-up word, or
/// several words like "Bella Napoli"), its hashtag.
fn brand_names(rng: &mut Rng, b: &Brand) -> Node {
    let mut args = vec![ast::phrase(&b.name)];
    match (&b.core, b.surname) {
        (Some(core), _)
            if b.made_up
                || ast::tokens(core).len() > 1
                    && !ast::tokens(core)
                        .first()
                        .is_some_and(|w| ["du", "des", "le", "la", "les"].contains(&w.as_str())) =>
        {
            args.push(ast::phrase(core))
        }
        (None, Some(surname)) if rng.chance(0.5) => {
            let cat = ast::tokens(b.category).into_iter().next().unwrap_or_default();
            let cat = if cat.len() > 5 { ast::prefix(&cat[..cat.len().min(5)]) } else { ast::term(&cat) };
            args.push(ast::near(2, rng.chance(0.3), ast::term(surname), cat));
        }
        _ => {}
    }
    if rng.chance(0.6) {
        args.push(ast::tag(&b.hashtag));
    }
    ast::or(args)
}

fn topic_group(rng: &mut Rng, b: &Brand) -> Node {
    let t = &TRADES[b.trade];
    let mut args = Vec::new();
    let mut seen = HashSet::new();
    for _ in 0..2 + rng.below(3) {
        let w = rng.pick(t.topics);
        if !seen.insert(w) {
            continue;
        }
        if ast::fold(w).len() >= 6 && rng.chance(0.35) {
            args.push(ast::prefix(&w[..w.char_indices().nth(5).map_or(w.len(), |(i, _)| i)]));
        } else {
            args.push(ast::phrase(w));
        }
    }
    ast::or(args)
}

fn exclusions(rng: &mut Rng, args: &mut Vec<Node>) {
    for _ in 0..rng.below(3) {
        let dash = rng.chance(0.6);
        let what = if rng.chance(0.25) {
            ast::phrase(rng.pick(EXCLUDED_PHRASES))
        } else if !dash && rng.chance(0.4) {
            ast::or(vec![ast::term(rng.pick(EXCLUSIONS)), ast::term(rng.pick(EXCLUSIONS))])
        } else {
            ast::term(rng.pick(EXCLUSIONS))
        };
        args.push(ast::not(what, dash));
    }
}

fn filters(rng: &mut Rng, b: &Brand, args: &mut Vec<Node>) {
    match rng.below(14) {
        0 | 1 => args.push(ast::field("lang", if b.en { "en" } else { "fr" })),
        2 => args.push(ast::field("source", if rng.chance(0.5) { "bluesky" } else { "mastodon" })),
        3 => args.push(ast::field("site", rng.pick(SITE_FILTERS))),
        4 => args.push(ast::not(ast::field("source", "feed"), false)),
        _ => {}
    }
}

/// One listening query about brand `i` (its kind chosen at random among realistic ones).
fn make_query(rng: &mut Rng, brands: &[Brand], i: usize) -> Node {
    let b = &brands[i];
    let mut args = Vec::new();
    match rng.below(8) {
        // The brand, with noise excluded.
        0 | 1 => args.push(brand_names(rng, b)),
        // The brand with what people say about it.
        2 => {
            args.push(brand_names(rng, b));
            args.push(topic_group(rng, b));
        }
        // The brand near a topic.
        3 => {
            let name = ast::phrase(&b.name);
            args.push(ast::near(3 + rng.below(6) as u32, false, name, topic_group(rng, b)));
        }
        // A product line.
        4 => {
            let p = &b.products[rng.below(b.products.len())];
            let words: Vec<&str> = p.split(' ').collect();
            let mut alts = vec![ast::phrase(p)];
            if let [kind, line @ ..] = words.as_slice() {
                let line = line.join(" ");
                if ast::tokens(&line).iter().map(String::len).sum::<usize>() >= 6 {
                    alts.push(ast::near(4, rng.chance(0.5), ast::phrase(&line), ast::phrase(kind)));
                }
            }
            args.push(ast::or(alts));
        }
        // A person, alone or near the brand.
        5 => {
            let p = &b.people[rng.below(b.people.len())];
            let last = p.rsplit(' ').next().unwrap_or(p);
            args.push(ast::or(vec![
                ast::phrase(p),
                ast::near(5, rng.chance(0.5), ast::term(last), brand_names(rng, b)),
            ]));
        }
        // The brand and its competitors, on prices.
        6 => {
            let mut names = vec![ast::phrase(&b.name)];
            for _ in 0..1 + rng.below(3) {
                let c = &brands[rng.below(brands.len())];
                names.push(ast::phrase(&c.name));
            }
            args.push(ast::or(names));
            let t = &TRADES[b.trade];
            args.push(ast::or(vec![
                ast::term("prix"),
                ast::prefix("tarif"),
                ast::prefix("promo"),
                ast::phrase(rng.pick(t.topics)),
            ]));
        }
        // Wildcards near the trade word.
        _ => {
            let core = b.core.clone().unwrap_or_else(|| b.surname.unwrap_or("").to_owned());
            let toks = ast::tokens(&core);
            let main = toks.iter().max_by_key(|t| t.len()).cloned().unwrap_or_default();
            let stem = if main.chars().count() >= 6 {
                ast::prefix(&main.chars().take(main.chars().count() - 2).collect::<String>())
            } else {
                ast::term(&main)
            };
            let cat = ast::tokens(b.category).into_iter().next().unwrap_or_default();
            args.push(ast::near(2, rng.chance(0.5), ast::term(&cat), stem));
            if rng.chance(0.5) {
                args.push(topic_group(rng, b));
            }
        }
    }
    exclusions(rng, &mut args);
    filters(rng, b, &mut args);
    if args.len() == 1 {
        return args.into_iter().next().unwrap_or(Node::And { args: Vec::new() });
    }
    ast::and(args)
}

#[derive(Serialize)]
struct QueryLine<'a> {
    id: u64,
    brand: usize,
    q: String,
    ast: &'a Node,
}

#[derive(Serialize)]
struct MentionLine<'a> {
    title: &'a str,
    text: &'a str,
    author_handle: &'a str,
    author_name: &'a str,
    url: &'a str,
    lang: &'a str,
    source: &'a str,
    /// The brand this mention was written about (none for ordinary chatter); not given to the engines.
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<usize>,
}

const FR_OPENERS: &[&str] = &[
    "Je suis passé à la {cat} de {city} {when}, {opinion}.",
    "Quelqu'un connaît une bonne {cat} à {city} ? {ask}",
    "{When}, petite visite chez {surname} : {opinion}.",
    "Franchement le {product} de {city} est {adj}, {opinion}.",
    "Article intéressant sur les {cat}s indépendantes de {city} et la question des {topic}.",
    "Encore une histoire de {topic} avec ma {cat}, {opinion}.",
    "Le marché de {city} {when} : {product}, {product} et beaucoup de monde.",
    "{First} {surname} ouvre une nouvelle {cat} à {city}, {opinion}.",
    "Mon avis sur le {product} : {adj}, mais le {topic} laisse à désirer.",
    "On parle beaucoup de {topic} en ce moment, notamment pour les {cat}s de {city}.",
];
const FR_TAILS: &[&str] = &[
    "Je recommande.",
    "Je n'y retournerai pas.",
    "Prix corrects.",
    "Service un peu lent.",
    "Accueil chaleureux.",
    "À tester absolument !",
    "Trop de monde le samedi.",
    "Merci à toute l'équipe.",
    "Vivement le printemps.",
    "Qui vient avec moi ?",
    "Plus d'infos sur le site.",
    "On en reparle la semaine prochaine.",
];
const FR_OPINIONS: &[&str] = &[
    "c'était excellent",
    "un peu décevant",
    "rien à redire",
    "super accueil",
    "les prix ont encore augmenté",
    "livraison en retard comme d'habitude",
    "très bonne surprise",
    "bof bof",
    "la qualité est au rendez-vous",
    "personnel aux petits soins",
];
const FR_ASK: &[&str] =
    &["Merci d'avance !", "Je cherche surtout du {topic}.", "Pas trop cher si possible.", "Avec terrasse idéalement."];
const FR_WHEN: &[&str] = &["hier", "ce matin", "samedi dernier", "ce midi", "la semaine dernière", "dimanche"];
const FR_ADJ: &[&str] = &["génial", "moyen", "trop cher", "excellent", "correct", "incroyable", "banal"];

/// Everyday sentences with no trade word in them.
const FR_GENERIC: &[&str] = &[
    "Encore des bouchons sur le périphérique de {city} {when}.",
    "Il pleut depuis trois jours à {city}, vivement le soleil.",
    "Belle victoire de {city} {when}, quel match !",
    "Grève des transports annoncée à {city} pour jeudi.",
    "{First} m'a conseillé un super podcast sur l'histoire de {city}.",
    "Réunion de quartier {when} à {city} : beaucoup de questions sur le stationnement.",
    "Les travaux de la rue principale à {city} n'en finissent pas.",
    "Petit footing {when} au bord de l'eau, {city} est magnifique au printemps.",
];
const EN_GENERIC: &[&str] = &[
    "Traffic in {city} was a nightmare {when}.",
    "It has been raining for three days in {city}.",
    "Great win for {city} {when}, what a game!",
    "Train strike announced in {city} for Thursday.",
    "{First} recommended a great podcast about the history of {city}.",
    "Council meeting in {city} {when}: lots of questions about parking.",
];

const EN_OPENERS: &[&str] = &[
    "Went to that {cat} in {city} {when}, {opinion}.",
    "Anyone know a good {cat} near {city}? {ask}",
    "Quick stop at {surname}'s {when}: {opinion}.",
    "Honestly the {product} in {city} is {adj}, {opinion}.",
    "Interesting piece on independent {cat}s in {city} and the {topic} problem.",
    "Another {topic} story with my {cat}, {opinion}.",
    "{First} {surname} is opening a new {cat} in {city}, {opinion}.",
    "My review of the {product}: {adj}, but the {topic} could be better.",
];
const EN_TAILS: &[&str] = &[
    "Highly recommend.",
    "Won't go back.",
    "Fair prices.",
    "Slow service though.",
    "Lovely staff.",
    "Must try!",
    "Too crowded on Saturdays.",
    "More on the blog.",
    "Who's coming?",
];
const EN_OPINIONS: &[&str] = &[
    "it was excellent",
    "a bit disappointing",
    "nothing to complain about",
    "prices went up again",
    "delivery was late as usual",
    "a really nice surprise",
    "meh",
    "great quality",
];
const EN_ASK: &[&str] = &["Thanks in advance!", "Mostly looking for {topic}.", "Not too pricey please."];
const EN_WHEN: &[&str] = &["yesterday", "this morning", "last Saturday", "at lunch", "last week", "on Sunday"];
const EN_ADJ: &[&str] = &["great", "average", "overpriced", "excellent", "fine", "amazing", "bland"];

/// Fills a template's slots with words of the trade `t` (and, for a brand mention, nothing brand-specific: the
/// caller adds the brand).
fn fill(rng: &mut Rng, template: &str, en: bool, t: &Trade, out: &mut String) {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else { break };
        let slot = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let cat = |rng: &mut Rng| ast::fold(rng.pick(if en { t.en } else { t.fr }));
        match slot {
            "cat" => out.push_str(&cat(rng)),
            "city" => out.push_str(rng.pick(CITIES)),
            "when" => out.push_str(rng.pick(if en { EN_WHEN } else { FR_WHEN })),
            "When" => {
                let w = rng.pick(if en { EN_WHEN } else { FR_WHEN });
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            }
            "opinion" => out.push_str(rng.pick(if en { EN_OPINIONS } else { FR_OPINIONS })),
            "ask" => {
                let a = rng.pick(if en { EN_ASK } else { FR_ASK });
                fill(rng, a, en, t, out);
            }
            "surname" => out.push_str(rng.pick(SURNAMES)),
            "First" => out.push_str(rng.pick(FIRST_NAMES)),
            "product" => out.push_str(rng.pick(t.products)),
            "topic" => out.push_str(rng.pick(t.topics)),
            "adj" => out.push_str(rng.pick(if en { EN_ADJ } else { FR_ADJ })),
            other => out.push_str(other),
        }
    }
    out.push_str(rest);
}

/// What a brand mention says about it: its name, a product, a person or its hashtag, next to trade words.
fn brand_sentence(rng: &mut Rng, b: &Brand, brands: &[Brand], out: &mut String) {
    let t = &TRADES[b.trade];
    let topic = rng.pick(t.topics);
    let opinion = rng.pick(if b.en { EN_OPINIONS } else { FR_OPINIONS });
    let s = match rng.below(7) {
        0 | 1 => {
            if b.en {
                format!("Tried {} {}: {opinion}, the {topic} was {}.", b.name, rng.pick(EN_WHEN), rng.pick(EN_ADJ))
            } else {
                format!("Testé {} {} : {opinion}, {topic} {}.", b.name, rng.pick(FR_WHEN), rng.pick(FR_ADJ))
            }
        }
        2 => {
            let short = b.core.clone().unwrap_or_else(|| b.name.clone());
            if b.en {
                format!("{short} again! {topic} and prices ({opinion}).")
            } else {
                format!("Encore {short} ! {topic} et prix ({opinion}).")
            }
        }
        3 => {
            let p = &b.products[rng.below(b.products.len())];
            if b.en {
                format!("The new {p} from {} is {}, {opinion}.", b.name, rng.pick(EN_ADJ))
            } else {
                format!("Le nouveau {p} de chez {} est {}, {opinion}.", b.name, rng.pick(FR_ADJ))
            }
        }
        4 => {
            let p = &b.people[rng.below(b.people.len())];
            if b.en {
                format!("Interview with {p}, who runs {}: {topic}, growth and {}.", b.name, rng.pick(t.topics))
            } else {
                format!("Entretien avec {p}, à la tête de {} : {topic}, croissance et {}.", b.name, rng.pick(t.topics))
            }
        }
        5 => {
            let c = &brands[rng.below(brands.len())];
            if b.en {
                format!("{} or {}? Comparing {topic} and prices, {opinion}.", b.name, c.name)
            } else {
                format!("{} ou {} ? Comparatif {topic} et prix : {opinion}.", b.name, c.name)
            }
        }
        _ => format!("{} #{} #{}", opinion, b.hashtag, rng.pick(HASHTAGS)),
    };
    out.push_str(&s);
}

struct Author {
    handle: String,
    name: String,
}

/// Writes `queries.jsonl` and `mentions.jsonl` in `dir`.
pub fn generate(queries: usize, mentions: usize, dir: &Path, seed: u64) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let n_brands = (queries / 2).clamp(5_000, 50_000);
    let brands = make_brands(&mut rng, n_brands);

    let mut qf = BufWriter::new(File::create(dir.join("queries.jsonl"))?);
    for id in 0..queries {
        // The first queries cover every brand once, then brands get more queries at random.
        let i = if id < brands.len() { id } else { rng.below(brands.len()) };
        let node = make_query(&mut rng, &brands, i);
        let line = QueryLine { id: id as u64 + 1, brand: i, q: node.to_syntax(), ast: &node };
        serde_json::to_writer(&mut qf, &line)?;
        qf.write_all(b"\n")?;
    }
    qf.flush()?;

    let authors: Vec<Author> = (0..20_000)
        .map(|_| {
            let first = rng.pick(FIRST_NAMES);
            let last = if rng.chance(0.5) { rng.pick(SURNAMES).to_owned() } else { made_up_name(&mut rng) };
            let handle = format!("{}{}{}", ast::fold(first), ast::fold(&last), rng.below(100));
            Author { handle, name: format!("{first} {last}") }
        })
        .collect();

    let mut mf = BufWriter::new(File::create(dir.join("mentions.jsonl"))?);
    let (mut title, mut text) = (String::new(), String::new());
    for m in 0..mentions {
        title.clear();
        text.clear();
        let about = rng.chance(0.035).then(|| rng.below(brands.len()));
        let en = match about {
            Some(b) => brands[b].en || rng.chance(0.1),
            None => rng.chance(0.3),
        };
        let trade = match about {
            Some(b) => &TRADES[brands[b].trade],
            None => &TRADES[rng.below(TRADES.len())],
        };
        let source = match rng.below(20) {
            0..=7 => "bluesky",
            8..=12 => "mastodon",
            _ => "feed",
        };
        let target = 100 + rng.below(300);
        let brand_at = rng.below(3);
        let mut sentence = 0;
        while text.len() < target {
            if !text.is_empty() {
                text.push(' ');
            }
            match about {
                Some(b) if sentence == brand_at || (sentence > brand_at && text.len() + 40 >= target) => {
                    brand_sentence(&mut rng, &brands[b], &brands, &mut text)
                }
                _ if sentence > 0 && rng.chance(0.4) => text.push_str(rng.pick(if en { EN_TAILS } else { FR_TAILS })),
                _ if rng.chance(0.45) => {
                    let tpl = rng.pick(if en { EN_GENERIC } else { FR_GENERIC });
                    fill(&mut rng, tpl, en, trade, &mut text);
                }
                _ => {
                    let tpl = rng.pick(if en { EN_OPENERS } else { FR_OPENERS });
                    fill(&mut rng, tpl, en, trade, &mut text);
                }
            }
            if rng.chance(0.15) {
                text.push_str(" #");
                text.push_str(rng.pick(HASHTAGS));
            }
            sentence += 1;
        }
        // Keep within 400 characters, at a word boundary.
        if text.len() > 420 {
            let mut cut = 400;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let cut = text[..cut].rfind(' ').unwrap_or(cut);
            text.truncate(cut);
            text.push('…');
        }
        let author = &authors[rng.below(authors.len())];
        let url = match source {
            "bluesky" => format!("https://bsky.app/profile/{}.bsky.social/post/3k{:x}", author.handle, rng.next_u64()),
            "mastodon" => format!("https://{}/@{}/{}", rng.pick(MASTODON_SITES), author.handle, 1_000_000 + m),
            _ => {
                let tpl = rng_title(&mut rng, en);
                fill(&mut rng, tpl, en, trade, &mut title);
                if let Some(b) = about.filter(|_| rng.chance(0.5)) {
                    title.push_str(" : ");
                    title.push_str(&brands[b].name);
                }
                format!("https://{}/{}/article-{m}.html", rng.pick(FEED_SITES), DOMAINS[trade.domain])
            }
        };
        let line = MentionLine {
            title: &title,
            text: &text,
            author_handle: &author.handle,
            author_name: &author.name,
            url: &url,
            lang: if en { "en" } else { "fr" },
            source,
            about,
        };
        serde_json::to_writer(&mut mf, &line)?;
        mf.write_all(b"\n")?;
    }
    mf.flush()?;
    eprintln!("generated {queries} queries about {} brands and {mentions} mentions in {}", brands.len(), dir.display());
    Ok(())
}

fn rng_title(rng: &mut Rng, en: bool) -> &'static str {
    if en {
        rng.pick(&["The best {cat}s in {city}", "{city}: the {topic} debate", "Why {product} prices are rising"])
    } else {
        rng.pick(&["Les meilleures {cat}s de {city}", "{city} : le casse-tête des {topic}", "Le {product} à {city}"])
    }
}
