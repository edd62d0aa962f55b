//! The demo agency's veille (media monitoring): the listening sources of each demo client and a
//! generated, deterministic 90-day history of mentions (feed articles, Bluesky and Mastodon posts)
//! ending at a given instant. Pure: no IO, no clock, a fixed seed.

use std::collections::HashSet;

use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::{SourceKind, SourceSpec};
use jiff::Timestamp;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// One listening source of a demo client, with the mentions it "found".
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSource {
    pub client_slug: &'static str,
    pub spec: SourceSpec,
    pub mentions: Vec<NewMention>,
}

/// Sources for every demo client and 90 days of mentions ending at `now`.
pub fn demo_veille(now: Timestamp) -> Vec<DemoSource> {
    let mut serial = 0u64;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (index, brand) in brands().iter().enumerate() {
        out.extend(generate(brand, index as u64, now, &mut serial, &mut seen));
    }
    out
}

const DAYS: i64 = 90;
const DAY: i64 = 86_400;
const MICROS: i64 = 1_000_000;
/// The demo reads hours of the day in Paris winter time (UTC+1) all year round: close enough.
const LOCAL_OFFSET: i64 = 3_600;
const SEED: u64 = 0x0F11_2006_5E11_CAFE;

/// Posting hours (local) of people on social networks: lunch and evenings.
const SOCIAL_HOURS: [f64; 24] = [
    1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.6, 2.6, 3.0, 3.0, 3.4, 5.0, 5.0, 3.6, 3.0, 3.0, 3.6, 5.2, 6.6, 7.2, 6.8, 4.8,
    2.6,
];
/// Publishing hours (local) of blogs, forums and newsrooms: office hours.
const FEED_HOURS: [f64; 24] = [
    0.1, 0.1, 0.0, 0.0, 0.0, 0.2, 1.0, 3.0, 5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 4.0, 4.0, 3.5, 3.0, 2.5, 2.0, 1.5, 1.5, 1.0,
    0.5,
];
/// The first day of a buzz: nothing before late morning, then it snowballs into the evening.
const SPIKE_HOURS: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 4.0, 5.0, 6.0, 6.0, 7.0, 8.0, 9.0, 9.0, 8.0, 6.0,
    4.0,
];
/// Monday first.
const WEEKDAY_FACTOR: [f64; 7] = [1.0, 1.05, 1.0, 1.05, 1.1, 0.65, 0.55];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tongue {
    Fr,
    En,
}

impl Tongue {
    fn code(self) -> &'static str {
        match self {
            Tongue::Fr => "fr",
            Tongue::En => "en",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Praise,
    Question,
    Complaint,
    News,
    Rival,
}

const TONES: [Tone; 5] = [Tone::Praise, Tone::Question, Tone::Complaint, Tone::News, Tone::Rival];
const TONE_WEIGHTS: [f64; 5] = [38.0, 17.0, 15.0, 20.0, 10.0];

/// What people say about a brand in one language. Templates use `{product}`, `{competitor}` and
/// `{place}`, never at the start of a sentence; they carry no emoji (posts add their own).
struct Voice {
    praise: &'static [&'static str],
    question: &'static [&'static str],
    complaint: &'static [&'static str],
    news: &'static [&'static str],
    rival: &'static [&'static str],
    t_praise: &'static [&'static str],
    t_question: &'static [&'static str],
    t_complaint: &'static [&'static str],
    t_news: &'static [&'static str],
    /// Neutral, journalistic sentences about the brand.
    article: &'static [&'static str],
}

impl Voice {
    fn posts(&self, tone: Tone) -> &'static [&'static str] {
        let pool = match tone {
            Tone::Praise => self.praise,
            Tone::Question => self.question,
            Tone::Complaint => self.complaint,
            Tone::News => self.news,
            Tone::Rival => self.rival,
        };
        if pool.is_empty() {
            self.news
        } else {
            pool
        }
    }

    fn titles(&self, tone: Tone) -> &'static [&'static str] {
        match tone {
            Tone::Praise | Tone::Rival => self.t_praise,
            Tone::Question => self.t_question,
            Tone::Complaint => self.t_complaint,
            Tone::News => self.t_news,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FeedKind {
    Blog,
    News,
    Forum,
    Alerts,
}

struct FeedDef {
    kind: FeedKind,
    name: &'static str,
    url: &'static str,
    /// Hosts its items live on (a Google Alerts feed links to many sites).
    hosts_fr: &'static [&'static str],
    hosts_en: &'static [&'static str],
    /// Item path, with `{y}`, `{m}`, `{slug}` and `{n}`.
    path: &'static str,
    /// The first one writes half of the items.
    authors: &'static [&'static str],
}

struct PowerUser {
    /// `name.bsky.social` or `user@mastodon.social`.
    handle: &'static str,
    name: &'static str,
    followers: u64,
}

/// An article syndicated on several sites with the same text.
struct Story {
    days_ago: i64,
    lang: Tongue,
    copies: usize,
    title: &'static str,
    paragraphs: &'static [&'static str],
}

/// A burst of posts on one day, fading over the next two.
struct Spike {
    days_ago: i64,
    extra: [usize; 3],
    fr: &'static [&'static str],
    en: &'static [&'static str],
    titles_fr: &'static [&'static str],
    article_fr: &'static [&'static str],
    /// Negative buzz: more reposts, more replies.
    negative: bool,
}

struct Brand {
    slug: &'static str,
    bluesky_query: &'static str,
    hashtag: &'static str,
    feeds: &'static [FeedDef],
    /// Mentions on an ordinary weekday.
    rate: f64,
    en_share: f64,
    /// Feed, Bluesky, Mastodon.
    shares: [f64; 3],
    products: &'static [&'static str],
    competitors: &'static [&'static str],
    places: &'static [&'static str],
    emojis: &'static [&'static str],
    fr: Voice,
    en: Voice,
    bsky_power: &'static [PowerUser],
    masto_power: &'static [PowerUser],
    stories: &'static [Story],
    spike: Option<Spike>,
}

impl Brand {
    fn voice(&self, lang: Tongue) -> &Voice {
        match lang {
            Tongue::Fr => &self.fr,
            Tongue::En => &self.en,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Net {
    Bluesky,
    Mastodon,
}

const FR_FIRST: &[&str] = &[
    "Camille", "Lucas", "Manon", "Hugo", "Chloé", "Théo", "Léa", "Nathan", "Inès", "Louis", "Sarah", "Jules", "Emma",
    "Arthur", "Julie", "Maxime", "Pauline", "Antoine", "Clara", "Romain", "Élodie", "Mehdi", "Yasmine", "Quentin",
    "Margaux", "Kevin", "Laura", "Nicolas", "Amandine", "Sofiane",
];
const FR_LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Mercier",
    "Blanc",
    "Guérin",
    "Chevalier",
];
const EN_FIRST: &[&str] = &[
    "Emily", "James", "Olivia", "Jack", "Sophie", "Harry", "Grace", "Oliver", "Chloe", "Daniel", "Hannah", "Ryan",
    "Megan", "Ethan", "Lucy",
];
const EN_LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker", "Wright", "Hughes", "Green", "Hall",
    "Clarke", "Baker", "Turner",
];

fn brands() -> [Brand; 5] {
    [da_marco(), tapis_traditions(), gaston_fils(), osteo_lea_moreau(), musee_du_ruban()]
}

fn da_marco() -> Brand {
    Brand {
        slug: "da-marco",
        bluesky_query: "\"Da Marco\"",
        hashtag: "#DaMarco",
        feeds: &[
            FeedDef {
                kind: FeedKind::Blog,
                name: "Lyon Gourmand",
                url: "https://www.lyon-gourmand.example/feed.xml",
                hosts_fr: &["www.lyon-gourmand.example"],
                hosts_en: &[],
                path: "/{y}/{m}/{slug}-{n}/",
                authors: &["Julie Perrin", "Antoine Vidal"],
            },
            FeedDef {
                kind: FeedKind::News,
                name: "Actu Guillotière",
                url: "https://www.actu-guillotiere.example/rss",
                hosts_fr: &["www.actu-guillotiere.example"],
                hosts_en: &[],
                path: "/actualites/{slug}-{n}.html",
                authors: &["La rédaction", "Nadia Cherif", "Paul Mercier"],
            },
            FeedDef {
                kind: FeedKind::Alerts,
                name: "Google Alertes · Da Marco",
                url: "https://www.google.example/alerts/feeds/10472938475610293847/5839201746382910456",
                hosts_fr: &[
                    "www.lyonmag.example",
                    "www.petit-paume.example",
                    "lyon.actu.example",
                    "www.le-progres.example",
                ],
                hosts_en: &["www.lyon-travel-notes.example"],
                path: "/{slug}-{n}",
                authors: &["La rédaction", "Sébastien Roux", "Emma Girard"],
            },
        ],
        rate: 12.0,
        en_share: 0.06,
        shares: [0.15, 0.55, 0.30],
        products: &[
            "la margherita",
            "la pizza du mois",
            "la diavola",
            "la burrata",
            "le tiramisu",
            "la quattro formaggi",
            "la pâte au levain",
        ],
        competitors: &["Pizza Gusto", "Napoli Express"],
        places: &["la Guillotière", "Lyon 7e", "Jean Macé"],
        emojis: &["🍕", "🔥", "😍", "🇮🇹", "👌"],
        fr: Voice {
            praise: &[
                "Testé {product} chez Da Marco ce soir : une tuerie, la pâte est légère comme tout.",
                "Meilleure pizza napolitaine de {place}, et je pèse mes mots. Da Marco ne déçoit jamais.",
                "Soirée entre amis chez Da Marco, service adorable et {product} parfaite. On reviendra !",
                "Le four à bois de Da Marco, c'est quelque chose. Croûte bien léopardée, mozza fondante.",
                "Da Marco à emporter un mardi soir, meilleure décision de la semaine.",
                "Merci Da Marco pour l'accueil avec les enfants, tout le monde a fini son assiette.",
                "Franchement, {product} de Da Marco mérite un détour par {place}.",
            ],
            question: &[
                "Quelqu'un sait si Da Marco prend les réservations le week-end ?",
                "Da Marco fait des pizzas sans gluten ? Je voudrais y emmener une amie cœliaque.",
                "C'est quoi la pizza du mois chez Da Marco en ce moment ?",
                "Da Marco livre jusqu'à Gerland ou il faut passer la chercher ?",
                "Vous conseillez quoi chez Da Marco pour une première fois ?",
            ],
            complaint: &[
                "45 minutes d'attente pour une pizza à emporter chez Da Marco, un peu long quand même.",
                "Pizza arrivée tiède ce soir, Da Marco vous pouvez faire mieux sur la livraison.",
                "Da Marco a encore augmenté ses prix, {product} à 16 € ça pique.",
                "Salle bruyante et service débordé chez Da Marco vendredi, dommage car les pizzas sont bonnes.",
            ],
            news: &[
                "Da Marco fête ses 25 ans à {place} avec une pizza anniversaire tout le mois.",
                "La pizzeria Da Marco ouvre désormais le dimanche soir.",
                "Nouvelle carte de printemps chez Da Marco, avec {product} en vedette.",
                "Da Marco recrute un pizzaiolo et un serveur pour la saison.",
            ],
            rival: &[
                "Comparé {competitor} et Da Marco cette semaine : la pâte de Da Marco gagne largement.",
                "Un {competitor} a ouvert à deux rues de Da Marco, curieux de voir la concurrence à {place}.",
                "Plutôt Da Marco ou {competitor} pour une grande tablée samedi ?",
            ],
            t_praise: &[
                "Da Marco, la napolitaine qui fait l'unanimité à {place}",
                "On a testé Da Marco, pizzeria au feu de bois",
                "Nos 5 pizzerias préférées de Lyon (Da Marco en tête)",
            ],
            t_question: &["Pizzeria sans gluten à Lyon 7e ?", "Avis sur Da Marco à la Guillotière ?"],
            t_complaint: &[
                "Da Marco : des pizzas toujours bonnes mais un service qui sature",
                "Livraison de pizzas à Lyon : des délais qui s'allongent",
            ],
            t_news: &[
                "Da Marco ouvre le dimanche soir",
                "La pizza du mois de Da Marco mise sur les produits de saison",
                "Guillotière : les restaurants du quartier préparent l'été",
            ],
            article: &[
                "Installée depuis 1998 dans le quartier de la Guillotière, la pizzeria Da Marco cuit ses pizzas au feu de bois.",
                "La pâte repose 48 heures avant d'être étalée à la main, selon la tradition napolitaine.",
                "Marco Rossi, le fondateur, a appris le métier à Naples avant de s'installer à Lyon.",
                "La salle compte une quarantaine de couverts et la vente à emporter représente près de la moitié de l'activité.",
                "Chaque mois, une pizza éphémère met à l'honneur un produit de saison.",
                "Les prix restent dans la moyenne du quartier, entre 10 et 16 euros la pizza.",
                "Le restaurant est ouvert du mardi au dimanche, midi et soir.",
            ],
        },
        en: Voice {
            praise: &[
                "Best Neapolitan pizza I had in Lyon, Da Marco near {place} is the real deal.",
                "Da Marco in Lyon: wood-fired oven, chewy crust, friendly staff. Go.",
            ],
            question: &["Anyone been to Da Marco in Lyon? Worth it for a family dinner?"],
            complaint: &["Waited almost an hour at Da Marco in Lyon. Pizza was great, the wait was not."],
            news: &["Da Marco, a Lyon pizzeria since 1998, now opens on Sunday evenings."],
            rival: &["Da Marco vs {competitor} in Lyon: Da Marco's crust wins for me."],
            t_praise: &["Where to eat pizza in Lyon: Da Marco"],
            t_question: &["Pizza in Lyon's 7th arrondissement?"],
            t_complaint: &["Lyon pizza spots: long waits at the busy ones"],
            t_news: &["Lyon food news: Da Marco opens on Sundays"],
            article: &[
                "Da Marco has been baking Neapolitan pizza in a wood-fired oven in Lyon's Guillotière district since 1998.",
                "The dough rests for 48 hours and a monthly special features seasonal produce.",
                "Prices are in line with the neighbourhood, between 10 and 16 euros a pizza.",
            ],
        },
        bsky_power: &[
            PowerUser { handle: "lyonfoodie.bsky.social", name: "Lyon Foodie", followers: 14_200 },
            PowerUser { handle: "camille-mange.bsky.social", name: "Camille", followers: 860 },
            PowerUser { handle: "guillotiere-life.bsky.social", name: "Guillotière Life", followers: 3_100 },
        ],
        masto_power: &[
            PowerUser { handle: "gastronomade@mastodon.social", name: "Gastronomade", followers: 2_300 },
            PowerUser { handle: "jb_lyon@mastodon.social", name: "Jean-Baptiste", followers: 410 },
        ],
        stories: &[Story {
            days_ago: 61,
            lang: Tongue::Fr,
            copies: 3,
            title: "Lyon 7e : la pizzeria Da Marco, 25 ans de feu de bois à la Guillotière",
            paragraphs: &[
                "Ouverte en 1998 par Marco Rossi, arrivé de Naples avec la recette de pâte de sa grand-mère, la pizzeria Da Marco fête cette année ses vingt-cinq ans au cœur du quartier de la Guillotière, dans le 7e arrondissement de Lyon.",
                "Le four à bois, construit par un artisan napolitain, n'a jamais été remplacé. « C'est lui le vrai patron », sourit le pizzaiolo, qui enfourne jusqu'à trois cents pizzas les soirs d'affluence.",
                "Pour l'anniversaire, l'équipe propose tout le mois une pizza à la burrata et aux tomates confites, et organise un concours de dessins pour les enfants du quartier.",
            ],
        }],
        spike: Some(Spike {
            days_ago: 23,
            extra: [150, 55, 18],
            fr: &[
                "La réponse de Da Marco à un avis Google négatif… on insulte ses clients maintenant ? Plus jamais.",
                "Capture qui tourne : le patron de Da Marco traite une cliente de « radine » en réponse à son avis. Classe.",
                "J'allais chez Da Marco toutes les semaines, après cette réponse à un avis je n'y remets plus les pieds.",
                "Quand on répond comme ça à un avis deux étoiles, faut pas s'étonner du bad buzz. Bravo Da Marco.",
                "Sérieux Da Marco ? Mépriser une cliente en public ? Des excuses, c'est le minimum.",
                "La note Google de Da Marco est en chute libre depuis ce matin, ça s'appelle l'effet boomerang.",
                "Déçue. Da Marco c'était ma pizzeria préférée à la Guillotière.",
                "Troisième fois que je vois passer la capture de Da Marco aujourd'hui. Quel gâchis pour une si bonne adresse.",
                "Boycott de Da Marco tant qu'il n'y a pas d'excuses publiques. Partagez.",
                "Les pizzas sont bonnes mais la façon dont Da Marco parle à ses clients, non merci.",
            ],
            en: &[
                "A Lyon pizzeria replying to a bad review by insulting the customer. Da Marco, that's not how it works.",
                "The Da Marco review reply screenshot is everywhere today. Ouch.",
            ],
            titles_fr: &[
                "Avis Google : la réponse cinglante de la pizzeria Da Marco fait polémique",
                "Bad buzz : Da Marco sous le feu des critiques après une réponse à un avis",
                "Da Marco présente ses excuses après la polémique",
            ],
            article_fr: &[
                "Une capture d'écran de la réponse du restaurant à un avis client négatif circule depuis la veille sur les réseaux sociaux.",
                "En quelques heures, la note de l'établissement sur Google a perdu près d'un point.",
                "Contacté, le restaurant dit regretter « un message écrit sous le coup de la colère ».",
            ],
            negative: true,
        }),
    }
}

fn tapis_traditions() -> Brand {
    Brand {
        slug: "tapis-traditions",
        bluesky_query: "\"Tapis & Traditions\"",
        hashtag: "#TapisEtTraditions",
        feeds: &[
            FeedDef {
                kind: FeedKind::Blog,
                name: "Déco du Nord",
                url: "https://www.deco-nord.example/feed/",
                hosts_fr: &["www.deco-nord.example"],
                hosts_en: &[],
                path: "/{y}/{m}/{slug}-{n}/",
                authors: &["Maud Lefèvre", "Invité"],
            },
            FeedDef {
                kind: FeedKind::News,
                name: "Roubaix Infos",
                url: "https://www.roubaix-infos.example/rss.xml",
                hosts_fr: &["www.roubaix-infos.example"],
                hosts_en: &[],
                path: "/actu/{slug}-{n}.html",
                authors: &["La rédaction", "Karim Benaissa"],
            },
        ],
        rate: 4.5,
        en_share: 0.03,
        shares: [0.30, 0.40, 0.30],
        products: &[
            "un kilim ancien",
            "un tapis berbère",
            "un tapis persan",
            "un tapis de Tabriz",
            "un tapis tissé main",
        ],
        competitors: &["Maison du Kilim"],
        places: &["Roubaix", "la métropole lilloise"],
        emojis: &["✨", "🧶", "🏡", "👌"],
        fr: Voice {
            praise: &[
                "L'atelier de Tapis & Traditions a sauvé le tapis de ma grand-mère, on ne voit plus la brûlure.",
                "Acheté {product} chez Tapis & Traditions à {place}, conseils au top et aucune pression.",
                "Nettoyage impeccable chez Tapis & Traditions, les couleurs de notre salon sont revenues.",
                "Tapis & Traditions, c'est une vraie caverne d'Ali Baba boulevard de Paris. Des pièces magnifiques.",
            ],
            question: &[
                "Quelqu'un a déjà fait nettoyer un tapis en soie chez Tapis & Traditions ? Ça coûte combien ?",
                "Tapis & Traditions vient chercher les tapis à domicile ou il faut les déposer ?",
                "Ça vaut le coup de restaurer {product} ? Tapis & Traditions m'a fait un devis.",
            ],
            complaint: &[
                "Trois semaines pour récupérer mon tapis chez Tapis & Traditions, on m'avait dit dix jours.",
                "Devis de restauration chez Tapis & Traditions bien plus cher que prévu, je réfléchis.",
                "Boutique Tapis & Traditions fermée alors que Google la dit ouverte, déplacement pour rien.",
            ],
            news: &[
                "Tapis & Traditions lance ses soldes d'hiver sur les tapis contemporains.",
                "Portes ouvertes de l'atelier de restauration chez Tapis & Traditions ce samedi à Roubaix.",
                "Tapis & Traditions propose désormais l'enlèvement à domicile dans toute la métropole lilloise.",
            ],
            rival: &[
                "Hésitation entre {competitor} et Tapis & Traditions pour un kilim, des avis ?",
                "Plutôt {competitor} ou Tapis & Traditions pour faire nettoyer un grand tapis ?",
            ],
            t_praise: &[
                "Visite de l'atelier Tapis & Traditions, où l'on soigne les tapis anciens",
                "Déco : 5 adresses pour trouver un beau tapis dans le Nord",
            ],
            t_question: &[
                "Nettoyage de tapis ancien dans la métropole lilloise ?",
                "Restaurer un vieux tapis, ça vaut le coup ?",
            ],
            t_complaint: &["Restauration de tapis : des délais qui s'allongent dans les ateliers"],
            t_news: &[
                "Roubaix : Tapis & Traditions ouvre son atelier au public",
                "Soldes : les tapis contemporains à l'honneur boulevard de Paris",
            ],
            article: &[
                "Installée boulevard de Paris à Roubaix, la boutique Tapis & Traditions vend des tapis d'Orient et contemporains.",
                "Son atelier de restauration reprend franges, lisières et trous de mites sur des pièces parfois centenaires.",
                "Le nettoyage se fait à la main, à l'eau et au savon neutre, avant un séchage lent à plat.",
                "Roubaix, ancienne capitale du textile, garde une tradition de savoir-faire autour de la laine.",
                "Un devis est établi gratuitement en boutique ou à domicile.",
            ],
        },
        en: Voice {
            praise: &["Tapis & Traditions in Roubaix restored a 1920s rug for us. Beautiful work."],
            question: &["Anyone know a good rug cleaner near Lille? Tapis & Traditions was recommended."],
            complaint: &["Rug cleaning at Tapis & Traditions took way longer than promised."],
            news: &["Tapis & Traditions, a rug shop in Roubaix, opens its restoration workshop to visitors."],
            rival: &[],
            t_praise: &["Roubaix rug workshop Tapis & Traditions"],
            t_question: &["Rug restoration near Lille?"],
            t_complaint: &["Rug restoration delays"],
            t_news: &["Roubaix rug shop opens its workshop"],
            article: &[
                "The Roubaix shop sells Oriental and contemporary rugs and restores antique pieces in its own workshop.",
            ],
        },
        bsky_power: &[
            PowerUser { handle: "deco-roubaix.bsky.social", name: "Déco Roubaix", followers: 2_700 },
            PowerUser {
                handle: "maud-interieurs.bsky.social",
                name: "Maud · architecte d'intérieur",
                followers: 5_400,
            },
        ],
        masto_power: &[PowerUser { handle: "textile_nord@mastodon.social", name: "Textile du Nord", followers: 1_300 }],
        stories: &[Story {
            days_ago: 34,
            lang: Tongue::Fr,
            copies: 2,
            title: "Roubaix : à l'atelier de Tapis & Traditions, des tapis centenaires retrouvent une seconde vie",
            paragraphs: &[
                "Dans l'arrière-boutique de Tapis & Traditions, boulevard de Paris à Roubaix, deux restauratrices reprennent fil à fil des tapis d'Orient parfois plus que centenaires, confiés par des particuliers de toute la région.",
                "« Un tapis, ça se répare presque toujours », explique la responsable de l'atelier, qui compte une quarantaine de restaurations par mois, de la simple frange au trou de mites.",
                "L'atelier ouvrira ses portes au public lors d'une journée de démonstration, avec des conseils d'entretien gratuits.",
            ],
        }],
        spike: None,
    }
}

fn gaston_fils() -> Brand {
    Brand {
        slug: "gaston-fils",
        bluesky_query: "\"Gaston & Fils\"",
        hashtag: "#GastonEtFils",
        feeds: &[
            FeedDef {
                kind: FeedKind::Blog,
                name: "Bordeaux Style",
                url: "https://www.bordeaux-style.example/feed.xml",
                hosts_fr: &["www.bordeaux-style.example"],
                hosts_en: &[],
                path: "/{y}/{m}/{slug}-{n}/",
                authors: &["Victor Lambert", "Sandrine Blanc"],
            },
            FeedDef {
                kind: FeedKind::Forum,
                name: "Mariage Conseils · Costumes",
                url: "https://forum.mariage-conseils.example/forums/costumes/index.rss",
                hosts_fr: &["forum.mariage-conseils.example"],
                hosts_en: &[],
                path: "/threads/{slug}.{n}/",
                authors: &["Lucie33", "FuturMarié2025", "Sandrine_B", "Thomas.G", "Aurore_et_Max"],
            },
            FeedDef {
                kind: FeedKind::Alerts,
                name: "Google Alertes · Gaston & Fils",
                url: "https://www.google.example/alerts/feeds/09384756102938475610/1029384756473829105",
                hosts_fr: &["www.sudouest.example", "www.bordeaux-actu.example", "www.mariages-aquitaine.example"],
                hosts_en: &["www.bordeaux-traveller.example", "www.weddings-abroad.example"],
                path: "/{y}/{m}/{slug}-{n}",
                authors: &["La rédaction", "Hélène Fournier", "Mark Turner"],
            },
        ],
        rate: 8.0,
        en_share: 0.30,
        shares: [0.20, 0.50, 0.30],
        products: &[
            "un costume trois pièces",
            "un costume de mariage",
            "une veste en tweed",
            "un costume sur-mesure",
            "une chemise sur-mesure",
        ],
        competitors: &["Atelier Lormont"],
        places: &["Bordeaux", "la rue Sainte-Catherine"],
        emojis: &["🤵", "✂️", "👔", "💍", "✨"],
        fr: Voice {
            praise: &[
                "Mon costume de mariage vient de chez Gaston & Fils, trois essayages et une coupe parfaite.",
                "Gaston & Fils : accueil impeccable, conseils précis, et {product} qui tombe parfaitement.",
                "Quel plaisir de voir encore un vrai tailleur à Bordeaux. Merci Gaston & Fils.",
                "Retouches faites en 48 h chez Gaston & Fils, du travail propre.",
            ],
            question: &[
                "Combien de temps faut-il prévoir pour un sur-mesure chez Gaston & Fils avant un mariage ?",
                "Gaston & Fils fait aussi la location de costumes ou seulement la vente ?",
                "Quelqu'un a un avis sur le sur-mesure de Gaston & Fils ? Ça vaut le prix ?",
            ],
            complaint: &[
                "Rendez-vous décalé deux fois par Gaston & Fils, à un mois du mariage ça stresse.",
                "Beau costume mais les prix de Gaston & Fils ont bien grimpé cette année.",
                "Ourlet raté sur mon pantalon Gaston & Fils, je dois y retourner.",
            ],
            news: &[
                "Gaston & Fils présente sa collection automne-hiver, beaucoup de flanelle et de velours.",
                "Gaston & Fils ouvre un salon dédié aux futurs mariés au premier étage de la boutique.",
                "Journée portes ouvertes de l'atelier sur-mesure Gaston & Fils samedi, rue Sainte-Catherine.",
            ],
            rival: &[
                "Plutôt {competitor} ou Gaston & Fils pour un costume de mariage à Bordeaux ?",
                "Essayé {competitor} puis Gaston & Fils : la coupe de Gaston & Fils est nettement au-dessus.",
            ],
            t_praise: &[
                "Gaston & Fils, le tailleur bordelais qui habille les mariés",
                "Où trouver un costume sur-mesure à Bordeaux",
            ],
            t_question: &["Costume de mariage sur-mesure : combien de temps avant ?", "Avis Gaston & Fils Bordeaux ?"],
            t_complaint: &["Costumes de mariage : attention aux délais"],
            t_news: &[
                "Gaston & Fils dévoile sa collection automne-hiver",
                "Rue Sainte-Catherine : Gaston & Fils agrandit sa boutique",
            ],
            article: &[
                "Maison familiale fondée à Bordeaux, Gaston & Fils propose du prêt-à-porter masculin et un service de sur-mesure.",
                "Un costume sur-mesure demande en général trois essayages et six à huit semaines de travail.",
                "Les tissus viennent de filatures italiennes et anglaises, du lin d'été à la flanelle d'hiver.",
                "La boutique de la rue Sainte-Catherine reçoit sur rendez-vous pour le sur-mesure.",
                "Les futurs mariés représentent près d'un tiers de la clientèle de l'atelier.",
            ],
        },
        en: Voice {
            praise: &[
                "Had a suit made at Gaston & Fils in Bordeaux for my wedding. Impeccable fit, lovely people.",
                "If you're in Bordeaux and need proper tailoring, Gaston & Fils is the place.",
                "Picked up {product} at Gaston & Fils while visiting Bordeaux. Best souvenir ever.",
            ],
            question: &[
                "Does Gaston & Fils in Bordeaux do made-to-measure for visitors staying only a week?",
                "Anyone used Gaston & Fils for a destination wedding in Bordeaux?",
            ],
            complaint: &[
                "Gaston & Fils: great suits, but the English booking page is broken.",
                "Lovely shop but Gaston & Fils prices have gone up a lot since last year.",
            ],
            news: &[
                "Bordeaux tailor Gaston & Fils launches its autumn-winter collection.",
                "Gaston & Fils opens a dedicated wedding suit lounge in central Bordeaux.",
            ],
            rival: &["{competitor} or Gaston & Fils for a wedding suit in Bordeaux? Leaning towards Gaston & Fils."],
            t_praise: &["Bordeaux's best tailors: Gaston & Fils", "A made-to-measure suit in Bordeaux"],
            t_question: &["Wedding suit in Bordeaux?"],
            t_complaint: &["Bordeaux tailoring prices on the rise"],
            t_news: &["Gaston & Fils opens a wedding lounge"],
            article: &[
                "Gaston & Fils is a family-run menswear shop and tailor on Bordeaux's rue Sainte-Catherine.",
                "A made-to-measure suit takes three fittings and six to eight weeks.",
                "The shop sees a growing number of English-speaking customers planning weddings in the region.",
            ],
        },
        bsky_power: &[
            PowerUser { handle: "bordeaux-dandy.bsky.social", name: "Le Dandy Bordelais", followers: 9_800 },
            PowerUser { handle: "weddingplanner33.bsky.social", name: "Wedding Planner 33", followers: 4_100 },
            PowerUser { handle: "tom-in-bordeaux.bsky.social", name: "Tom in Bordeaux", followers: 1_200 },
        ],
        masto_power: &[PowerUser { handle: "sartorial@mastodon.social", name: "Sartorial Notes", followers: 3_300 }],
        stories: &[Story {
            days_ago: 47,
            lang: Tongue::Fr,
            copies: 3,
            title: "Bordeaux : Gaston & Fils, trois générations de tailleurs rue Sainte-Catherine",
            paragraphs: &[
                "Rue Sainte-Catherine, la vitrine de Gaston & Fils n'a presque pas changé depuis 1962. Derrière, pourtant, l'atelier de sur-mesure tourne à plein : la maison bordelaise habille chaque année plusieurs centaines de futurs mariés venus de toute la Nouvelle-Aquitaine.",
                "« Un costume réussi, c'est celui qu'on oublie en le portant », résume le petit-fils du fondateur, qui a repris la boutique et ouvert un salon dédié aux mariages au premier étage.",
                "La maison mise aussi sur une clientèle étrangère, de plus en plus nombreuse à choisir le Bordelais pour se marier.",
            ],
        }],
        spike: None,
    }
}

fn osteo_lea_moreau() -> Brand {
    Brand {
        slug: "osteo-lea-moreau",
        bluesky_query: "\"Léa Moreau\"",
        hashtag: "#ostéopathie",
        feeds: &[
            FeedDef {
                kind: FeedKind::Blog,
                name: "Nantes Santé",
                url: "https://www.nantes-sante.example/feed/",
                hosts_fr: &["www.nantes-sante.example"],
                hosts_en: &[],
                path: "/{y}/{m}/{slug}-{n}/",
                authors: &["Dr Anne Rousseau", "Rédaction Nantes Santé"],
            },
            FeedDef {
                kind: FeedKind::Forum,
                name: "Parents nantais · Bébé",
                url: "https://forum.parents-nantais.example/rss/bebe",
                hosts_fr: &["forum.parents-nantais.example"],
                hosts_en: &[],
                path: "/sujet/{slug}-{n}",
                authors: &["MamanDeJules", "Clem44", "PapaRugby", "Aurélie_N", "Ptitbout"],
            },
            FeedDef {
                kind: FeedKind::Alerts,
                name: "Google Alertes · ostéopathe Nantes",
                url: "https://www.google.example/alerts/feeds/15550193847561029384/2938475610293847561",
                hosts_fr: &["www.ouest-actu.example", "www.nantes-infos.example", "www.sante-magazine.example"],
                hosts_en: &[],
                path: "/{y}/{m}/{slug}-{n}",
                authors: &["La rédaction", "Claire Bonnet"],
            },
        ],
        rate: 3.0,
        en_share: 0.03,
        shares: [0.25, 0.35, 0.40],
        products: &[
            "une séance pour mon bébé",
            "une consultation pour le dos",
            "un suivi de grossesse",
            "une séance après un marathon",
        ],
        competitors: &[],
        places: &["l'île de Nantes", "Nantes"],
        emojis: &["🙏", "💆", "👶", "🏃"],
        fr: Voice {
            praise: &[
                "Merci à Léa Moreau, ostéopathe à Nantes, mon bébé dort enfin mieux après la séance.",
                "Coincée du dos après trois semaines de télétravail, une séance chez Léa Moreau et je peux refaire mes lacets.",
                "Ostéopathe très à l'écoute, explications claires : je recommande Léa Moreau à Nantes.",
                "Préparation au semi-marathon : une séance chez Léa Moreau et de bons conseils d'étirement.",
            ],
            question: &[
                "Quelqu'un connaît Léa Moreau, ostéopathe à Nantes ? Elle prend les nourrissons ?",
                "Une séance d'ostéopathie, c'est remboursé par la mutuelle ? On m'a conseillé Léa Moreau.",
                "Combien de séances pour un torticolis du nourrisson ? J'ai pris rendez-vous chez Léa Moreau.",
            ],
            complaint: &[
                "Impossible d'avoir un rendez-vous chez Léa Moreau avant trois semaines, elle est victime de son succès.",
                "Le site de prise de rendez-vous de Léa Moreau plante sur mobile.",
                "Cabinet de Léa Moreau difficile à trouver sur l'île de Nantes, un panneau ne serait pas de trop.",
            ],
            news: &[
                "Léa Moreau, ostéopathe à Nantes, propose désormais la prise de rendez-vous en ligne.",
                "Atelier posture et télétravail animé par l'ostéopathe Léa Moreau à la maison de quartier de {place}.",
                "Mal de dos au bureau : les conseils de prévention de l'ostéopathe nantaise Léa Moreau.",
            ],
            rival: &[],
            t_praise: &["Ostéopathe pour nourrisson à Nantes : vos retours", "Bien choisir son ostéopathe à Nantes"],
            t_question: &[
                "Ostéo pour bébé sur Nantes, des conseils ?",
                "Ostéopathie et mutuelle : comment ça marche ?",
            ],
            t_complaint: &["Rendez-vous chez l'ostéopathe : des délais qui s'allongent à Nantes"],
            t_news: &[
                "Télétravail : prévenir le mal de dos avec une ostéopathe",
                "Île de Nantes : un atelier posture ouvert à tous",
            ],
            article: &[
                "Léa Moreau exerce comme ostéopathe D.O. sur l'île de Nantes et reçoit adultes, nourrissons, sportifs et femmes enceintes.",
                "L'ostéopathie ne remplace pas un avis médical : en cas de douleur persistante, il faut consulter son médecin.",
                "Plusieurs mutuelles remboursent une partie des séances, dans la limite d'un forfait annuel.",
                "En télétravail, changer de position toutes les heures et régler la hauteur de l'écran limite les tensions.",
                "Une consultation dure en général entre 45 minutes et une heure.",
            ],
        },
        en: Voice {
            praise: &["Saw osteopath Léa Moreau in Nantes after a long flight, very professional and clear."],
            question: &["Any English-speaking osteopath in Nantes? Léa Moreau was suggested."],
            complaint: &["Hard to get an appointment with Léa Moreau in Nantes, fully booked for weeks."],
            news: &["Nantes osteopath Léa Moreau now takes bookings online."],
            rival: &[],
            t_praise: &["An English-speaking osteopath in Nantes"],
            t_question: &["Osteopath in Nantes?"],
            t_complaint: &["Long waits for osteopaths in Nantes"],
            t_news: &["Nantes osteopath takes online bookings"],
            article: &["Léa Moreau is an osteopath on the Île de Nantes who sees adults, infants and athletes."],
        },
        bsky_power: &[
            PowerUser { handle: "maman-nantaise.bsky.social", name: "Maman nantaise", followers: 6_300 },
            PowerUser { handle: "run-nantes.bsky.social", name: "Run Nantes", followers: 2_100 },
        ],
        masto_power: &[
            PowerUser { handle: "kine_et_co@mastodon.social", name: "Kiné & co", followers: 900 },
            PowerUser { handle: "sante_ouest@mastodon.social", name: "Santé Ouest", followers: 4_800 },
        ],
        stories: &[Story {
            days_ago: 70,
            lang: Tongue::Fr,
            copies: 2,
            title: "Télétravail : cinq gestes simples pour ménager son dos, par une ostéopathe nantaise",
            paragraphs: &[
                "Depuis la généralisation du télétravail, les consultations pour douleurs lombaires et cervicales ont nettement augmenté, constate Léa Moreau, ostéopathe installée sur l'île de Nantes. En cause, des journées entières passées sur une chaise de cuisine, l'écran posé trop bas.",
                "Ses conseils : régler l'écran à hauteur des yeux, se lever toutes les heures, marcher pendant les appels téléphoniques, garder les pieds à plat et s'accorder quelques étirements doux en fin de journée.",
                "Elle rappelle qu'une douleur qui persiste plus de quelques jours doit toujours conduire à consulter son médecin traitant.",
            ],
        }],
        spike: None,
    }
}

fn musee_du_ruban() -> Brand {
    Brand {
        slug: "musee-du-ruban",
        bluesky_query: "\"Musée du Ruban\"",
        hashtag: "#MuséeDuRuban",
        feeds: &[
            FeedDef {
                kind: FeedKind::Blog,
                name: "Patrimoine industriel",
                url: "https://www.patrimoine-industriel.example/feed.atom",
                hosts_fr: &["www.patrimoine-industriel.example"],
                hosts_en: &[],
                path: "/billets/{slug}-{n}",
                authors: &["Bernard Chevalier", "Association Mémoire ouvrière"],
            },
            FeedDef {
                kind: FeedKind::News,
                name: "Le Progrès Loire · Saint-Chamond",
                url: "https://www.le-progres-loire.example/saint-chamond/rss",
                hosts_fr: &["www.le-progres-loire.example"],
                hosts_en: &[],
                path: "/saint-chamond/{y}/{m}/{slug}-{n}",
                authors: &["Correspondant local", "Martine Garcia"],
            },
            FeedDef {
                kind: FeedKind::Alerts,
                name: "Google Alertes · Musée du Ruban",
                url: "https://www.google.example/alerts/feeds/11029384756102938475/7483920174639201847",
                hosts_fr: &[
                    "www.loire-actu.example",
                    "www.sortir-saint-etienne.example",
                    "www.france3-regions.example",
                ],
                hosts_en: &["www.france-heritage-trips.example"],
                path: "/{slug}-{n}",
                authors: &["La rédaction", "Olivia Hughes"],
            },
        ],
        rate: 6.0,
        en_share: 0.15,
        shares: [0.25, 0.30, 0.45],
        products: &[
            "l'atelier tissage du mercredi",
            "l'exposition temporaire",
            "la salle des métiers à tisser",
            "la visite guidée",
            "l'atelier enfants",
        ],
        competitors: &[],
        places: &["Saint-Chamond", "la vallée du Gier"],
        emojis: &["🎀", "🧵", "🏛️", "👧"],
        fr: Voice {
            praise: &[
                "Super après-midi au Musée du Ruban, les enfants ont adoré {product}.",
                "La démonstration du métier à tisser Jacquard au Musée du Ruban, c'est hypnotique.",
                "Petit musée mais quelle richesse : le Musée du Ruban raconte toute l'histoire de {place}.",
                "Médiatrice passionnante au Musée du Ruban, on a appris plein de choses sur les rubaniers.",
            ],
            question: &[
                "Le Musée du Ruban est ouvert le lundi ? On passe par Saint-Chamond la semaine prochaine.",
                "Il reste des places pour l'atelier enfants du mercredi au Musée du Ruban ?",
                "Le Musée du Ruban est accessible en poussette ?",
            ],
            complaint: &[
                "Pas de parking près du Musée du Ruban un samedi après-midi, on a tourné vingt minutes.",
                "Dommage, {product} du Musée du Ruban était complet deux semaines à l'avance.",
                "Site du Musée du Ruban pas à jour, les horaires affichés étaient faux.",
            ],
            news: &[
                "Le Musée du Ruban prépare une nouvelle exposition sur les rubans de soie de 1850 à 1930.",
                "Ateliers du mercredi : le Musée du Ruban ouvre les inscriptions pour les vacances.",
                "Journées du patrimoine : entrée libre au Musée du Ruban tout le week-end.",
            ],
            rival: &[],
            t_praise: &[
                "Le Musée du Ruban, pépite du patrimoine industriel",
                "Sortie en famille : le Musée du Ruban à Saint-Chamond",
            ],
            t_question: &["Musée du Ruban avec des enfants, des conseils ?"],
            t_complaint: &["Musées de la Loire : l'accueil des familles à améliorer"],
            t_news: &[
                "Saint-Chamond : le Musée du Ruban annonce sa prochaine exposition",
                "Patrimoine : les métiers à tisser reprennent du service",
            ],
            article: &[
                "Le Musée du Ruban retrace l'histoire de la rubanerie, qui a fait vivre la vallée du Gier pendant plus d'un siècle.",
                "Ses collections comptent des métiers à tisser en état de marche et plusieurs milliers d'échantillons.",
                "Chaque mercredi, des ateliers initient les enfants au tissage.",
                "Le musée municipal accueille aussi de nombreuses classes de la région.",
                "Des démonstrations de métier à tisser Jacquard ont lieu tous les dimanches après-midi.",
            ],
        },
        en: Voice {
            praise: &[
                "Lovely small museum in Saint-Chamond: the Musée du Ruban has working Jacquard looms.",
                "If you like industrial heritage, the Musée du Ruban near Saint-Étienne is a hidden gem.",
            ],
            question: &["Is the Musée du Ruban in Saint-Chamond worth a detour from Lyon?"],
            complaint: &["The Musée du Ruban has almost nothing in English, a shame for such a great collection."],
            news: &["The Musée du Ruban in Saint-Chamond opens a new exhibition of silk ribbons."],
            rival: &[],
            t_praise: &["Hidden gems of the Loire: the Musée du Ruban"],
            t_question: &["Saint-Chamond with kids?"],
            t_complaint: &["French museums and English-speaking visitors"],
            t_news: &["Silk ribbons on show in Saint-Chamond"],
            article: &[
                "The Musée du Ruban tells the story of ribbon weaving in the Gier valley, with working looms and thousands of samples.",
            ],
        },
        bsky_power: &[
            PowerUser { handle: "patrimoine-loire.bsky.social", name: "Patrimoine Loire", followers: 7_200 },
            PowerUser { handle: "sortir-st-etienne.bsky.social", name: "Sortir à Saint-Étienne", followers: 11_500 },
        ],
        masto_power: &[
            PowerUser {
                handle: "industrie_patrimoine@mastodon.social",
                name: "Patrimoine industriel",
                followers: 2_600,
            },
            PowerUser { handle: "marie_tisse@mastodon.social", name: "Marie", followers: 350 },
        ],
        stories: &[Story {
            days_ago: 15,
            lang: Tongue::Fr,
            copies: 3,
            title: "Saint-Chamond : le Musée du Ruban remet en marche un métier à tisser de 1880",
            paragraphs: &[
                "Après dix-huit mois de restauration, le métier à tisser Jacquard de 1880 du Musée du Ruban a retrouvé son cliquetis. Les bénévoles de l'association des amis du musée ont démonté, nettoyé et remplacé pièce par pièce les éléments usés de cette machine de plus de deux tonnes.",
                "Le métier sera présenté en fonctionnement chaque dimanche après-midi, et servira de support aux ateliers du mercredi destinés aux enfants.",
            ],
        }],
        spike: Some(Spike {
            days_ago: 52,
            extra: [65, 25, 8],
            fr: &[
                "Vernissage de « Fils d'or » au Musée du Ruban ce soir, les rubans de soie sont sublimes.",
                "Allez voir « Fils d'or » au Musée du Ruban, l'expo est magnifique et gratuite ce week-end.",
                "Queue jusque sur le trottoir pour l'ouverture de l'expo du Musée du Ruban, ça fait plaisir.",
                "Les rubans brodés de 1900 exposés au Musée du Ruban, quelle finesse.",
                "Reportage de France 3 sur le Musée du Ruban : bravo à toute l'équipe.",
            ],
            en: &["The new silk ribbon exhibition at the Musée du Ruban is stunning."],
            titles_fr: &[
                "« Fils d'or » : le Musée du Ruban expose ses plus beaux rubans de soie",
                "Saint-Chamond : affluence record pour la nouvelle exposition du Musée du Ruban",
            ],
            article_fr: &[
                "L'exposition « Fils d'or » réunit près de trois cents rubans de soie tissés entre 1850 et 1930.",
                "Plus de six cents visiteurs se sont pressés au musée le jour de l'ouverture.",
                "L'exposition est visible jusqu'à la fin de l'année, avec des visites guidées le dimanche.",
            ],
            negative: false,
        }),
    }
}

/// Builds one client's sources and their mentions.
fn generate(
    brand: &Brand,
    index: u64,
    now: Timestamp,
    serial: &mut u64,
    seen: &mut HashSet<String>,
) -> Vec<DemoSource> {
    let mut specs: Vec<Option<SourceSpec>> =
        brand.feeds.iter().map(|f| SourceSpec::parse(SourceKind::Feed, f.name, f.url, "").ok()).collect();
    let bsky_name = format!("Bluesky · {}", brand.bluesky_query.trim_matches('"'));
    specs.push(SourceSpec::parse(SourceKind::Bluesky, &bsky_name, "https://bsky.social", brand.bluesky_query).ok());
    let masto_name = format!("Mastodon · {}", brand.hashtag);
    specs.push(SourceSpec::parse(SourceKind::Mastodon, &masto_name, "https://mastodon.social", brand.hashtag).ok());

    let seed = SEED ^ (index + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        brand,
        now_us: now.as_microsecond(),
        serial,
        seen,
        out: specs.iter().map(|_| Vec::new()).collect(),
    };
    g.run();
    let out = std::mem::take(&mut g.out);
    specs
        .into_iter()
        .zip(out)
        .filter_map(|(spec, mentions)| spec.map(|spec| DemoSource { client_slug: brand.slug, spec, mentions }))
        .collect()
}

struct Gen<'a> {
    rng: StdRng,
    brand: &'a Brand,
    now_us: i64,
    serial: &'a mut u64,
    seen: &'a mut HashSet<String>,
    /// Per source: the feeds first, then Bluesky, then Mastodon.
    out: Vec<Vec<NewMention>>,
}

impl Gen<'_> {
    fn run(&mut self) {
        let local_now = self.now_us.div_euclid(MICROS) + LOCAL_OFFSET;
        let today = local_now - local_now.rem_euclid(DAY);
        for k in 0..=DAYS {
            let day = today - k * DAY;
            let weekday = (day.div_euclid(DAY) + 3).rem_euclid(7) as usize;
            let trend = 0.8 + 0.4 * (1.0 - k as f64 / DAYS as f64);
            let noise = self.rng.gen_range(0.55..1.45);
            let expected = self.brand.rate * WEEKDAY_FACTOR[weekday] * trend * noise;
            let count = (expected + self.rng.gen::<f64>()).floor() as usize;
            for _ in 0..count {
                self.ordinary(day);
            }
            if let Some(spike) = &self.brand.spike {
                let since = spike.days_ago - k;
                if (0..3).contains(&since) {
                    let extra = spike.extra[since as usize];
                    for _ in 0..extra {
                        self.spike_mention(spike, day, since == 0);
                    }
                }
            }
            for story in self.brand.stories {
                if story.days_ago == k {
                    self.story(story, day);
                }
            }
        }
    }

    /// A timestamp on the local `day` at an hour drawn from `hours`, if it falls in the window.
    fn at(&mut self, day: i64, hours: &[f64], precise: bool) -> Option<Timestamp> {
        let hour = weighted(&mut self.rng, hours) as i64;
        let local = day + hour * 3_600 + self.rng.gen_range(0..3_600);
        let sub = if precise { self.rng.gen_range(0..MICROS) } else { 0 };
        let us = (local - LOCAL_OFFSET) * MICROS + sub;
        if us > self.now_us || us < self.now_us - DAYS * DAY * MICROS {
            return None;
        }
        Timestamp::from_microsecond(us).ok()
    }

    fn next_serial(&mut self) -> u64 {
        *self.serial += 1;
        *self.serial
    }

    fn push(&mut self, slot: usize, mention: NewMention) {
        if slot < self.out.len() && self.seen.insert(mention.dedup_key.clone()) {
            self.out[slot].push(mention.bounded());
        }
    }

    fn ordinary(&mut self, day: i64) {
        let brand = self.brand;
        let lang = if self.rng.gen_bool(brand.en_share) { Tongue::En } else { Tongue::Fr };
        let tone = TONES[weighted(&mut self.rng, &TONE_WEIGHTS)];
        match weighted(&mut self.rng, &brand.shares) {
            0 => {
                let fi = self.rng.gen_range(0..brand.feeds.len().max(1));
                let Some(feed) = brand.feeds.get(fi) else { return };
                let lang = if feed.hosts_en.is_empty() { Tongue::Fr } else { lang };
                let Some(ts) = self.at(day, &FEED_HOURS, false) else { return };
                let (title, paragraphs) = self.feed_content(feed, ts, lang, tone);
                let host = pick(&mut self.rng, if lang == Tongue::En { feed.hosts_en } else { feed.hosts_fr });
                self.feed_item(fi, host, ts, lang, &title, &paragraphs);
            }
            choice => {
                let net = if choice == 1 { Net::Bluesky } else { Net::Mastodon };
                let Some(ts) = self.at(day, &SOCIAL_HOURS, true) else { return };
                let template = pick(&mut self.rng, brand.voice(lang).posts(tone));
                let text = self.fill(template);
                let boost = if tone == Tone::Complaint { 1.3 } else { 1.0 };
                self.social_post(net, ts, lang, text, boost, false);
            }
        }
    }

    fn spike_mention(&mut self, spike: &Spike, day: i64, first_day: bool) {
        let hours = if first_day { &SPIKE_HOURS } else { &SOCIAL_HOURS };
        let lang = if self.rng.gen_bool(0.08) { Tongue::En } else { Tongue::Fr };
        if lang == Tongue::Fr && self.rng.gen_bool(0.04) {
            // A local newsroom or blog picks the story up.
            let candidates: Vec<usize> =
                (0..self.brand.feeds.len()).filter(|&i| self.brand.feeds[i].kind != FeedKind::Forum).collect();
            let Some(&fi) = candidates.choose(&mut self.rng) else { return };
            let feed = &self.brand.feeds[fi];
            let Some(ts) = self.at(day, &FEED_HOURS, false) else { return };
            let title = pick(&mut self.rng, spike.titles_fr).to_owned();
            let mut sentences: Vec<&str> = spike.article_fr.to_vec();
            sentences.shuffle(&mut self.rng);
            let reaction = pick(&mut self.rng, spike.fr).trim_end_matches('.').to_owned();
            let network = pick(&mut self.rng, &["Bluesky", "Mastodon", "les réseaux sociaux"]);
            let mut paragraphs: Vec<String> = sentences.iter().take(2).map(|s| (*s).to_owned()).collect();
            paragraphs.insert(1, format!("« {reaction} », réagit un internaute sur {network}."));
            paragraphs.push(format!("Article mis à jour le {} à {}.", local_date(ts, lang), local_time(ts)));
            let host = pick(&mut self.rng, feed.hosts_fr);
            self.feed_item(fi, host, ts, lang, &title, &paragraphs);
            return;
        }
        let net = if self.rng.gen_bool(0.6) { Net::Bluesky } else { Net::Mastodon };
        let Some(ts) = self.at(day, hours, true) else { return };
        let pool = if lang == Tongue::En { spike.en } else { spike.fr };
        let text = pick(&mut self.rng, pool).to_owned();
        self.social_post(net, ts, lang, text, if spike.negative { 2.5 } else { 1.6 }, spike.negative);
    }

    fn story(&mut self, story: &Story, day: i64) {
        let mut candidates: Vec<(usize, &'static str)> = Vec::new();
        for (fi, feed) in self.brand.feeds.iter().enumerate() {
            if feed.kind == FeedKind::Forum {
                continue;
            }
            let hosts = if story.lang == Tongue::En { feed.hosts_en } else { feed.hosts_fr };
            candidates.extend(hosts.iter().map(|h| (fi, *h)));
        }
        candidates.shuffle(&mut self.rng);
        let mut hosts_used: Vec<&str> = Vec::new();
        let paragraphs: Vec<String> = story.paragraphs.iter().map(|p| (*p).to_owned()).collect();
        let start = day + self.rng.gen_range(7..11) * 3_600;
        for (fi, host) in candidates {
            if hosts_used.len() >= story.copies || hosts_used.contains(&host) {
                continue;
            }
            let local = start + hosts_used.len() as i64 * self.rng.gen_range(3_600..4 * 3_600);
            hosts_used.push(host);
            let us = (local - LOCAL_OFFSET) * MICROS;
            if us > self.now_us || us < self.now_us - DAYS * DAY * MICROS {
                continue;
            }
            let Ok(ts) = Timestamp::from_microsecond(us) else { continue };
            self.feed_item(fi, host, ts, story.lang, story.title, &paragraphs);
        }
    }

    fn fill(&mut self, template: &str) -> String {
        let brand = self.brand;
        let mut out = template.to_owned();
        for (key, list) in
            [("{product}", brand.products), ("{competitor}", brand.competitors), ("{place}", brand.places)]
        {
            while let Some(pos) = out.find(key) {
                let value = pick(&mut self.rng, list);
                out.replace_range(pos..pos + key.len(), value);
            }
        }
        out
    }

    fn feed_content(&mut self, feed: &FeedDef, ts: Timestamp, lang: Tongue, tone: Tone) -> (String, Vec<String>) {
        let voice = self.brand.voice(lang);
        let title_pool = match feed.kind {
            FeedKind::Forum if tone != Tone::Complaint => voice.t_question,
            _ => voice.titles(tone),
        };
        let title_template = pick(&mut self.rng, title_pool);
        let title = self.fill(title_template);
        let post_template = pick(&mut self.rng, voice.posts(tone));
        let post = self.fill(post_template);
        let mut facts: Vec<&str> = voice.article.to_vec();
        facts.shuffle(&mut self.rng);
        let fact = |i: usize| facts.get(i).map(|s| (*s).to_owned()).unwrap_or_default();
        let context = self.context(feed.kind, ts, lang);
        let mut paragraphs = match feed.kind {
            FeedKind::Forum => {
                let follow_template = pick(&mut self.rng, voice.posts(Tone::Question));
                let follow = self.fill(follow_template);
                let intro = if lang == Tongue::Fr { "Bonjour à tous," } else { "Hi all," };
                vec![intro.to_owned(), post, follow]
            }
            FeedKind::Blog if matches!(tone, Tone::Praise | Tone::Complaint | Tone::Rival) => {
                vec![post, format!("{} {}", fact(0), fact(1)), fact(2)]
            }
            FeedKind::Blog => vec![format!("{} {}", fact(0), fact(1)), fact(2), fact(3)],
            FeedKind::News | FeedKind::Alerts if tone == Tone::News => {
                vec![format!("{} {}", fact(0), fact(1)), fact(2), fact(3)]
            }
            FeedKind::News | FeedKind::Alerts => {
                let said = post.trim_end_matches('.');
                let quote = match lang {
                    Tongue::Fr => format!("« {said} », écrit un internaute."),
                    Tongue::En => format!("“{said}”, one visitor wrote."),
                };
                vec![format!("{} {}", fact(0), fact(1)), quote, fact(2)]
            }
        };
        // One sentence of its own, so that no two template articles are near duplicates.
        let at = if feed.kind == FeedKind::Forum { 2 } else { 1 };
        match paragraphs.get_mut(at) {
            Some(second) => *second = format!("{context} {second}"),
            None => paragraphs.push(context),
        }
        (title, paragraphs.into_iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect())
    }

    /// A sentence tied to the item's day and circumstances: when, with whom, in what weather.
    fn context(&mut self, kind: FeedKind, ts: Timestamp, lang: Tongue) -> String {
        let date = local_date(ts, lang);
        let rng = &mut self.rng;
        match (lang, kind) {
            (Tongue::Fr, FeedKind::Forum) => format!(
                "{} {date}, {}, {}.",
                pick(rng, &["On y est allés le", "Je suis passé le", "Premier rendez-vous le", "Visite faite le"]),
                pick(
                    rng,
                    &["avec mon conjoint", "en famille", "avec ma sœur", "entre midi et deux", "après le travail"],
                ),
                pick(
                    rng,
                    &[
                        "et j'hésite encore",
                        "on verra bien",
                        "je ne sais pas trop quoi en penser",
                        "je vous tiens au courant",
                        "des conseils sont les bienvenus",
                    ],
                ),
            ),
            (Tongue::Fr, _) => format!(
                "{} ce {date}, {}, {}.",
                pick(
                    rng,
                    &[
                        "Nous y sommes passés",
                        "Visite réalisée",
                        "Reportage réalisé",
                        "Rencontre",
                        "Nous avons fait le point"
                    ],
                ),
                pick(
                    rng,
                    &[
                        "sous une pluie fine",
                        "en fin de journée",
                        "à l'heure du déjeuner",
                        "un jour d'affluence",
                        "en pleine semaine",
                        "juste avant la fermeture",
                        "au calme, en matinée",
                        "par un beau soleil",
                    ],
                ),
                pick(
                    rng,
                    &[
                        "l'équipe au complet",
                        "avec une clientèle d'habitués",
                        "au milieu des préparatifs",
                        "avec des visiteurs venus de loin",
                        "dans une ambiance détendue",
                        "entre deux rendez-vous",
                    ],
                ),
            ),
            (Tongue::En, _) => format!(
                "{} on {date}, {}, {}.",
                pick(
                    rng,
                    &["We stopped by", "Our visit took place", "This piece was written after a visit", "We dropped in"]
                ),
                pick(
                    rng,
                    &[
                        "in light rain",
                        "late in the afternoon",
                        "at lunchtime",
                        "on a busy day",
                        "in the middle of the week",
                        "just before closing",
                        "on a quiet morning",
                    ],
                ),
                pick(
                    rng,
                    &[
                        "with the whole team in",
                        "among regulars",
                        "amid preparations",
                        "next to visitors from abroad",
                        "in a relaxed mood"
                    ],
                ),
            ),
        }
    }

    fn feed_item(&mut self, fi: usize, host: &str, ts: Timestamp, lang: Tongue, title: &str, paragraphs: &[String]) {
        let Some(feed) = self.brand.feeds.get(fi) else { return };
        if host.is_empty() {
            return;
        }
        let n = self.next_serial();
        let slug = slugify(title);
        let path = feed
            .path
            .replace("{y}", &ts.strftime("%Y").to_string())
            .replace("{m}", &ts.strftime("%m").to_string())
            .replace("{slug}", &slug)
            .replace("{n}", &(10_000 + n * 7).to_string());
        let url = format!("https://{host}{path}");
        let author = if self.rng.gen_bool(0.5) {
            feed.authors.first().copied().unwrap_or("")
        } else {
            pick(&mut self.rng, feed.authors)
        };
        let text = paragraphs.join("\n\n");
        let html = paragraphs.iter().map(|p| format!("<p>{}</p>", escape_html(p))).collect::<Vec<_>>().join("\n");
        let mention = NewMention {
            dedup_key: url.clone(),
            source_kind: SourceKind::Feed,
            site: host.strip_prefix("www.").unwrap_or(host).to_owned(),
            url,
            author: Author { handle: author.to_owned(), name: Some(author.to_owned()), followers: None },
            title: title.to_owned(),
            text,
            html,
            lang: Some(lang.code().to_owned()),
            published: ts,
            engagement: Engagement::default(),
            fingerprint: None,
            analysis: None,
        };
        self.push(fi, mention);
    }

    fn social_post(&mut self, net: Net, ts: Timestamp, lang: Tongue, mut text: String, boost: f64, heated: bool) {
        let brand = self.brand;
        if self.rng.gen_bool(0.3) {
            text.push(' ');
            text.push_str(pick(&mut self.rng, brand.emojis));
        }
        let tag_missing = !text.to_lowercase().contains(&brand.hashtag.to_lowercase());
        if tag_missing && (net == Net::Mastodon || self.rng.gen_bool(0.15)) {
            text.push(' ');
            text.push_str(brand.hashtag);
        }
        let (handle, name, followers) = self.social_author(net, lang);
        let n = self.next_serial();
        let (url, slot, display) = match net {
            Net::Bluesky => {
                let rkey = tid(ts.as_microsecond(), n);
                (format!("https://bsky.app/profile/{handle}/post/{rkey}"), brand.feeds.len(), format!("@{handle}"))
            }
            Net::Mastodon => {
                let user = handle.split('@').next().unwrap_or("");
                let ms = u64::try_from(ts.as_millisecond()).unwrap_or(0);
                let id = (ms << 16) | (n & 0xFFFF);
                (format!("https://mastodon.social/@{user}/{id}"), brand.feeds.len() + 1, handle.clone())
            }
        };
        let reach = followers as f64 * self.rng.gen_range(0.002..0.03) * boost + self.rng.gen_range(0.0..4.0);
        let likes = reach.round() as u64;
        let share = if heated { self.rng.gen_range(0.3..0.8) } else { self.rng.gen_range(0.05..0.35) };
        let talk = if heated { self.rng.gen_range(0.2..0.6) } else { self.rng.gen_range(0.02..0.25) };
        let engagement = Engagement {
            likes: Some(likes),
            reposts: Some((likes as f64 * share).round() as u64),
            replies: Some((likes as f64 * talk).round() as u64),
        };
        let site = url.trim_start_matches("https://").split('/').next().unwrap_or("").to_owned();
        let mention = NewMention {
            dedup_key: url.clone(),
            source_kind: match net {
                Net::Bluesky => SourceKind::Bluesky,
                Net::Mastodon => SourceKind::Mastodon,
            },
            url,
            site,
            author: Author { handle: display, name: Some(name), followers: Some(followers) },
            title: String::new(),
            text,
            html: String::new(),
            lang: Some(lang.code().to_owned()),
            published: ts,
            engagement,
            fingerprint: None,
            analysis: None,
        };
        self.push(slot, mention);
    }

    /// A handle (`name.bsky.social` or `user@mastodon.social`), a display name and a follower
    /// count: a regular of the brand now and then, else someone from the long tail.
    fn social_author(&mut self, net: Net, lang: Tongue) -> (String, String, u64) {
        let power = match net {
            Net::Bluesky => self.brand.bsky_power,
            Net::Mastodon => self.brand.masto_power,
        };
        if lang == Tongue::Fr && self.rng.gen_bool(0.28) {
            if let Some(p) = power.choose(&mut self.rng) {
                return (p.handle.to_owned(), p.name.to_owned(), p.followers);
            }
        }
        let (firsts, lasts) = match lang {
            Tongue::Fr => (FR_FIRST, FR_LAST),
            Tongue::En => (EN_FIRST, EN_LAST),
        };
        let first = pick(&mut self.rng, firsts);
        let last = pick(&mut self.rng, lasts);
        let (f, l) = (fold(first), fold(last));
        let style = self.rng.gen_range(0..3);
        let num = self.rng.gen_range(1..100);
        let handle = match (net, style) {
            (Net::Bluesky, 0) => format!("{f}{l}.bsky.social"),
            (Net::Bluesky, 1) => format!("{f}-{}{num}.bsky.social", l.chars().next().unwrap_or('x')),
            (Net::Bluesky, _) => format!("{f}.bsky.social"),
            (Net::Mastodon, 0) => format!("{f}_{l}@mastodon.social"),
            (Net::Mastodon, 1) => format!("{f}{num}@mastodon.social"),
            (Net::Mastodon, _) => format!("{f}@mastodon.social"),
        };
        let name = if style == 2 { first.to_owned() } else { format!("{first} {last}") };
        let h = fnv(&handle);
        let followers = if h % 100 < 6 { 2_000 + h % 18_000 } else { 12 + (h / 100) % 1_200 };
        (handle, name, followers)
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_FR: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const DAYS_EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// `mardi 10 juin` or `Tuesday 10 June`, in the demo's local time.
fn local_date(ts: Timestamp, lang: Tongue) -> String {
    let local = ts.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    let month = usize::try_from(local.month() - 1).unwrap_or(0) % 12;
    let weekday = usize::from(local.weekday().to_monday_zero_offset().unsigned_abs()) % 7;
    let day = local.day();
    match lang {
        Tongue::Fr => format!("{} {day} {}", DAYS_FR[weekday], MONTHS_FR[month]),
        Tongue::En => format!("{} {day} {}", DAYS_EN[weekday], MONTHS_EN[month]),
    }
}

/// `14h05`, in the demo's local time.
fn local_time(ts: Timestamp) -> String {
    let local = ts.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    format!("{}h{:02}", local.hour(), local.minute())
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

fn weighted(rng: &mut StdRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

/// A Bluesky record key (TID): microseconds and a clock id, base32-sortable, 13 characters.
fn tid(micros: i64, n: u64) -> String {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    let value = (u64::try_from(micros).unwrap_or(0) << 10 | (n & 0x3FF)) & 0x7FFF_FFFF_FFFF_FFFF;
    (0..13).rev().map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char).collect()
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Lower-case ASCII letters and digits of `s`, accents removed.
fn fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' => out.push('i'),
            'ô' | 'ö' => out.push('o'),
            'ù' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// A URL slug of a title: folded words joined by `-`, at most 60 characters.
fn slugify(title: &str) -> String {
    let words: Vec<String> =
        title.split(|c: char| c.is_whitespace() || c == '\'' || c == '’' || c == '-').map(fold).collect();
    let mut slug = String::new();
    for word in words.iter().filter(|w| !w.is_empty()) {
        if slug.len() + word.len() + 1 > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        slug.push_str("article");
    }
    slug
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::{BTreeMap, HashMap};

    use super::*;

    fn now() -> Timestamp {
        "2025-06-12T15:30:00Z".parse().unwrap()
    }

    fn all_mentions(sources: &[DemoSource]) -> impl Iterator<Item = (&'static str, &NewMention)> {
        sources.iter().flat_map(|s| s.mentions.iter().map(move |m| (s.client_slug, m)))
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(demo_veille(now()), demo_veille(now()));
    }

    #[test]
    fn every_client_has_sources_of_the_three_kinds() {
        let sources = demo_veille(now());
        for brand in brands() {
            let mine: Vec<&DemoSource> = sources.iter().filter(|s| s.client_slug == brand.slug).collect();
            assert!((3..=5).contains(&mine.len()), "{}: {} sources", brand.slug, mine.len());
            for kind in SourceKind::ALL {
                assert!(mine.iter().any(|s| s.spec.kind == kind), "{} has no {kind:?} source", brand.slug);
            }
            for source in &mine {
                assert!(source.mentions.iter().all(|m| m.source_kind == source.spec.kind));
            }
        }
    }

    #[test]
    fn volume_is_plausible() {
        let sources = demo_veille(now());
        let total = all_mentions(&sources).count();
        assert!((2_500..=4_000).contains(&total), "{total} mentions");
        let mut per: HashMap<&str, usize> = HashMap::new();
        for (slug, _) in all_mentions(&sources) {
            *per.entry(slug).or_default() += 1;
        }
        assert!(per["da-marco"] > per["osteo-lea-moreau"] * 2);
    }

    #[test]
    fn dates_fall_in_the_90_days_before_now() {
        let now = now();
        let start = now.as_second() - DAYS * DAY;
        for (_, m) in all_mentions(&demo_veille(now)) {
            assert!(m.published <= now, "{} after now", m.url);
            assert!(m.published.as_second() >= start, "{} too old", m.url);
        }
    }

    #[test]
    fn dedup_keys_are_unique_and_urls_well_formed() {
        let sources = demo_veille(now());
        let mut keys = HashSet::new();
        for (_, m) in all_mentions(&sources) {
            assert!(keys.insert(m.dedup_key.clone()), "duplicate {}", m.dedup_key);
            assert_eq!(m.dedup_key, m.url);
            assert!(!m.site.starts_with("www."));
            assert!(
                m.url.starts_with(&format!("https://{}/", m.site)) || m.url.contains(&format!("://www.{}/", m.site))
            );
            assert!(m.fingerprint.is_none());
            match m.source_kind {
                SourceKind::Feed => {
                    assert!(!m.title.is_empty() && !m.html.is_empty() && m.html.starts_with("<p>"));
                    assert!(!m.html.contains(" & ") && !m.html.contains("'"), "unescaped html: {}", m.html);
                }
                SourceKind::Bluesky => {
                    assert!(m.url.starts_with("https://bsky.app/profile/") && m.url.contains("/post/"));
                    assert!(m.author.handle.starts_with('@'));
                    assert!(m.title.is_empty() && m.html.is_empty() && m.engagement.likes.is_some());
                }
                SourceKind::Mastodon => {
                    assert!(m.url.starts_with("https://mastodon.social/@"));
                    assert!(m.author.handle.ends_with("@mastodon.social"));
                    assert!(m.title.is_empty() && m.html.is_empty() && m.author.followers.is_some());
                }
            }
        }
    }

    #[test]
    fn both_languages_are_present() {
        let sources = demo_veille(now());
        let langs: HashSet<&str> = all_mentions(&sources).filter_map(|(_, m)| m.lang.as_deref()).collect();
        assert!(langs.contains("fr") && langs.contains("en"));
        let en = all_mentions(&sources).filter(|(_, m)| m.lang.as_deref() == Some("en")).count();
        let fr = all_mentions(&sources).filter(|(_, m)| m.lang.as_deref() == Some("fr")).count();
        assert!(fr > en * 4);
    }

    #[test]
    fn the_bad_buzz_day_stands_out() {
        let now = now();
        let sources = demo_veille(now);
        let mut per_day: BTreeMap<i64, usize> = BTreeMap::new();
        for (slug, m) in all_mentions(&sources) {
            if slug == "da-marco" {
                *per_day.entry((m.published.as_second() + LOCAL_OFFSET).div_euclid(DAY)).or_default() += 1;
            }
        }
        let today = (now.as_second() + LOCAL_OFFSET).div_euclid(DAY);
        let spike = per_day.get(&(today - 23)).copied().unwrap_or(0);
        let mut counts: Vec<usize> = per_day.values().copied().collect();
        counts.sort_unstable();
        let median = counts[counts.len() / 2];
        assert!(spike > median * 5, "spike {spike}, median {median}");
        assert_eq!(per_day.iter().max_by_key(|(_, c)| **c).map(|(d, _)| *d), Some(today - 23));
    }

    #[test]
    fn some_articles_are_syndicated_with_identical_text() {
        let sources = demo_veille(now());
        let mut sites: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (_, m) in all_mentions(&sources) {
            if m.text.len() > 200 {
                sites.entry(m.text.as_str()).or_default().insert(m.site.as_str());
            }
        }
        let syndicated = sites.values().filter(|s| s.len() >= 2).count();
        assert!(syndicated >= 4, "{syndicated} syndicated articles");
        assert!(sites.values().any(|s| s.len() == 3));
    }
}
