//! `filrouge-bench-seed --data DIR`: fills an empty data directory with a benchmark-sized agency
//! (50 clients with realistic briefs and charters, 2 competitors and 2 accounts each, 500 users of
//! every role with memberships, journal notes) so that `filrouge serve --data DIR` serves it.
//!
//! The data is deterministic: the same run gives the same clients, users and memberships. Every
//! user has the same password. The logins the benchmark uses are written to DIR/bench-logins.env
//! (shell `KEY=value` lines).
//!
//! Clients, competitors, accounts and notes go through the application layer (as the web app
//! would write them, journaled). Users are written through the store with one argon2 hash shared
//! by all of them: hashing 500 passwords one by one would only make seeding slow.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Parser;
use filrouge_app::auth::hash_password;
use filrouge_app::config::AuthSettings;
use filrouge_app::secrets::SecretBox;
use filrouge_app::{Actor, App};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::{
    AddressForm, Brief, Charter, ClientProfile, Colour, CompetitorProfile, EmojiPolicy, TimeZoneName,
};
use filrouge_domain::clock::SystemClock;
use filrouge_domain::ids::{ClientId, Slug, UserId};
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::locale::{Lang, UiLang};
use filrouge_domain::user::{Email, Role};
use filrouge_store::{NewUser, Store};
use indicatif::{ProgressBar, ProgressStyle};

/// Command line.
#[derive(Debug, Parser)]
#[command(name = "filrouge-bench-seed", about = "Seed a Fil Rouge data directory for the benchmarks")]
struct Args {
    /// Data directory (created if missing); must not hold clients yet.
    #[arg(long)]
    data: PathBuf,
    /// The password of every user (at least 10 characters).
    #[arg(long, default_value = DEFAULT_PASSWORD)]
    password: String,
    /// Also write this many older journal notes, spread over the past 365 days across all
    /// clients (a journal with history; today's entries stay the same).
    #[arg(long, default_value_t = 0)]
    journal_history: usize,
}

const DEFAULT_PASSWORD: &str = "filrouge-bench-2024";

const CLIENTS: usize = 50;
const OWNERS: usize = 2;
const MANAGERS: usize = 8;
const COMMUNITY_MANAGERS: usize = 260;
const ANALYSTS: usize = 180;
/// One per client.
const REVIEWERS: usize = CLIENTS;
const NOTES_PER_CLIENT: usize = 10;

/// A kind of business, with the texts of its brief and charter (`{name}` and `{city}` filled in).
struct Trade {
    prefix: &'static str,
    activity: &'static str,
    audience: &'static str,
    expectations: &'static str,
    goals: &'static str,
    networks: &'static str,
    keywords: &'static [&'static str],
    tone: &'static str,
    banned: &'static [&'static str],
    address: AddressForm,
    emoji: EmojiPolicy,
    accounts: [Network; 2],
    colour: &'static str,
}

const TRADES: [Trade; 10] = [
    Trade {
        prefix: "Boulangerie",
        activity: "Boulangerie-pâtisserie artisanale : pains au levain, viennoiseries pur beurre, gâteaux de fête sur commande. Ouverte 7 jours sur 7 à {city}.",
        audience: "Habitants du quartier, familles, actifs qui passent le matin ; 25–60 ans, surtout sur Facebook et Instagram.",
        expectations: "Montrer le fournil et les produits du jour, annoncer les nouveautés de saison et les commandes de fêtes.",
        goals: "+15 % de commandes de gâteaux d'ici décembre ; 4 publications par semaine ; 500 abonnés de plus sur Instagram.",
        networks: "Instagram (1 800 abonnés), Facebook (page active), Google Business Profile",
        keywords: &["boulangerie", "levain", "viennoiseries", "pâtisserie", "artisan", "fait maison"],
        tone: "Chaleureux, gourmand, proche des habitués ; on parle du geste de l'artisan, jamais de prix cassés.",
        banned: &["industriel", "surgelé", "pas cher"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::Sparing,
        accounts: [Network::Instagram, Network::Facebook],
        colour: "#b9770e",
    },
    Trade {
        prefix: "Garage",
        activity: "Garage indépendant toutes marques : entretien, pneus, carrosserie, diagnostic électronique, véhicules hybrides.",
        audience: "Conducteurs 30–70 ans de {city} et alentours, artisans avec véhicule utilitaire.",
        expectations: "Rassurer sur les prix et les délais, expliquer l'entretien courant, annoncer les offres pneus d'hiver.",
        goals: "20 prises de rendez-vous en ligne par mois ; note Google au-dessus de 4,6.",
        networks: "Facebook, Google Business Profile",
        keywords: &["garage", "entretien", "vidange", "pneus", "carrosserie", "hybride"],
        tone: "Franc, pédagogique, concret ; pas de jargon sans explication.",
        banned: &["arnaque", "garantie à vie"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::None,
        accounts: [Network::Facebook, Network::Youtube],
        colour: "#2c3e50",
    },
    Trade {
        prefix: "Restaurant",
        activity: "Bistrot de marché : cuisine de saison, produits locaux, menu du midi et carte le soir, terrasse l'été.",
        audience: "Actifs du centre de {city} le midi, couples et amis le soir, touristes en été.",
        expectations: "Publier l'ardoise du jour, les arrivages des producteurs, les soirées à thème.",
        goals: "Remplir le service du soir en semaine ; +25 % de réservations en ligne.",
        networks: "Instagram (3 100 abonnés), Facebook, TripAdvisor",
        keywords: &["bistrot", "cuisine de saison", "circuit court", "menu du jour", "terrasse"],
        tone: "Vivant, gourmand, complice ; on met en avant les producteurs par leur nom.",
        banned: &["low cost", "à volonté", "surgelé"],
        address: AddressForm::Tu,
        emoji: EmojiPolicy::Free,
        accounts: [Network::Instagram, Network::Threads],
        colour: "#c0392b",
    },
    Trade {
        prefix: "Cabinet",
        activity: "Cabinet de kinésithérapie : rééducation, kiné du sport, périnéologie, drainage ; quatre praticiens.",
        audience: "Patients adressés par les médecins, sportifs amateurs, jeunes mamans ; {city} et communes voisines.",
        expectations: "Des conseils de prévention et de posture, la présentation de l'équipe ; aucune promesse de résultat.",
        goals: "Faire connaître la nouvelle salle de rééducation ; 30 % de prises de rendez-vous en ligne.",
        networks: "Facebook, LinkedIn, Doctolib",
        keywords: &["kinésithérapie", "rééducation", "posture", "sport", "prévention"],
        tone: "Bienveillant, factuel, rassurant ; respect strict de la déontologie (pas de témoignages patients).",
        banned: &["guérir", "miracle", "garanti", "meilleur kiné"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::None,
        accounts: [Network::Facebook, Network::Linkedin],
        colour: "#16a085",
    },
    Trade {
        prefix: "Librairie",
        activity: "Librairie indépendante généraliste avec un grand rayon jeunesse et BD ; rencontres d'auteurs chaque mois.",
        audience: "Grands lecteurs, parents, enseignants, étudiants de {city}.",
        expectations: "Coups de cœur des libraires, agenda des rencontres, sélection de la rentrée littéraire.",
        goals: "Doubler la fréquentation des rencontres ; lancer le click & collect.",
        networks: "Instagram, Facebook, Mastodon",
        keywords: &["librairie", "livres", "BD", "jeunesse", "rencontre d'auteur", "coup de cœur"],
        tone: "Cultivé sans être pédant, curieux, un peu d'humour ; on cite les livres avec leur auteur.",
        banned: &["Amazon", "pas cher"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::Sparing,
        accounts: [Network::Instagram, Network::Mastodon],
        colour: "#8e44ad",
    },
    Trade {
        prefix: "Fleuriste",
        activity: "Artisan fleuriste : bouquets de saison, fleurs françaises, mariages et deuils, abonnements pour entreprises.",
        audience: "Particuliers 30–65 ans, futurs mariés, entreprises et hôtels de {city}.",
        expectations: "De belles photos de compositions, le calendrier des fêtes (Saint-Valentin, fête des mères), les ateliers.",
        goals: "10 mariages signés par saison ; 40 abonnements entreprises.",
        networks: "Instagram (4 500 abonnés), Pinterest, Facebook",
        keywords: &["fleuriste", "bouquet", "fleurs de saison", "mariage", "atelier floral"],
        tone: "Poétique, délicat, attentif aux saisons ; jamais de promotion agressive.",
        banned: &["destockage", "fleurs importées"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::Sparing,
        accounts: [Network::Instagram, Network::Pinterest],
        colour: "#e84393",
    },
    Trade {
        prefix: "Salle",
        activity: "Salle d'escalade de bloc : 900 m² de murs, cours enfants et adultes, soirées afterwork, espace café.",
        audience: "Étudiants et jeunes actifs 18–35 ans, familles le week-end, comités d'entreprise de {city}.",
        expectations: "Annoncer les nouveaux blocs, les compétitions internes, les créneaux enfants ; montrer l'ambiance.",
        goals: "+300 abonnés annuels ; remplir les cours du mardi ; 15 événements d'entreprise par an.",
        networks: "Instagram, TikTok, YouTube",
        keywords: &["escalade", "bloc", "grimpe", "afterwork", "sport indoor"],
        tone: "Énergique, inclusif, détendu ; on tutoie, on célèbre les progrès de chacun.",
        banned: &["dangereux", "réservé aux pros"],
        address: AddressForm::Tu,
        emoji: EmojiPolicy::Free,
        accounts: [Network::Instagram, Network::Tiktok],
        colour: "#27ae60",
    },
    Trade {
        prefix: "Domaine",
        activity: "Domaine viticole familial en agriculture biologique : vins rouges et blancs, visites de chai, dégustations.",
        audience: "Amateurs de vin 30–65 ans, touristes œnologiques, cavistes et restaurateurs ; clientèle française et anglophone.",
        expectations: "Raconter les vendanges et le travail de la vigne, annoncer les portes ouvertes et les nouveaux millésimes.",
        goals: "+20 % de ventes à la propriété ; 2 000 inscrits à la lettre d'information.",
        networks: "Instagram, Facebook, LinkedIn",
        keywords: &["vin", "domaine", "bio", "vendanges", "dégustation", "millésime", "œnotourisme"],
        tone: "Authentique, terroir, transmission familiale ; rappel de modération sur chaque publication.",
        banned: &["ivresse", "fête arrosée", "pas cher"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::Sparing,
        accounts: [Network::Instagram, Network::Facebook],
        colour: "#7b241c",
    },
    Trade {
        prefix: "Agence",
        activity: "Agence immobilière de quartier : vente, location, gestion locative, estimation gratuite.",
        audience: "Propriétaires vendeurs et bailleurs 35–70 ans, primo-accédants de {city}.",
        expectations: "Mettre en avant les biens exclusifs, l'expertise du marché local, les conseils aux vendeurs.",
        goals: "30 demandes d'estimation par mois ; 10 mandats exclusifs par trimestre.",
        networks: "Facebook, Instagram, LinkedIn",
        keywords: &["immobilier", "estimation", "vente", "location", "gestion locative"],
        tone: "Professionnel, transparent, local ; chiffres du marché sourcés.",
        banned: &["affaire du siècle", "urgent", "prix cassé"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::None,
        accounts: [Network::Facebook, Network::Linkedin],
        colour: "#1f3a93",
    },
    Trade {
        prefix: "Musée",
        activity: "Musée municipal d'histoire locale : collections permanentes, expositions temporaires, ateliers jeune public.",
        audience: "Familles, scolaires, passionnés de patrimoine, visiteurs de passage à {city}.",
        expectations: "Annoncer expositions et ateliers, raconter une pièce de la collection chaque semaine.",
        goals: "Doubler la fréquentation des ateliers du mercredi ; 10 000 visiteurs par an.",
        networks: "Facebook, Instagram, Mastodon (instance culturelle)",
        keywords: &["musée", "patrimoine", "exposition", "atelier", "histoire locale"],
        tone: "Curieux, accessible, fier du patrimoine local.",
        banned: &["ennuyeux", "poussiéreux"],
        address: AddressForm::Vous,
        emoji: EmojiPolicy::Sparing,
        accounts: [Network::Mastodon, Network::Bluesky],
        colour: "#d35400",
    },
];

const CITIES: [(&str, &str); 25] = [
    ("Lyon", "Europe/Paris"),
    ("Nantes", "Europe/Paris"),
    ("Bordeaux", "Europe/Paris"),
    ("Lille", "Europe/Paris"),
    ("Rennes", "Europe/Paris"),
    ("Montpellier", "Europe/Paris"),
    ("Strasbourg", "Europe/Paris"),
    ("Grenoble", "Europe/Paris"),
    ("Dijon", "Europe/Paris"),
    ("Angers", "Europe/Paris"),
    ("Bruxelles", "Europe/Brussels"),
    ("Toulouse", "Europe/Paris"),
    ("Clermont-Ferrand", "Europe/Paris"),
    ("Tours", "Europe/Paris"),
    ("Annecy", "Europe/Paris"),
    ("Genève", "Europe/Zurich"),
    ("Rouen", "Europe/Paris"),
    ("Nancy", "Europe/Paris"),
    ("Montréal", "America/Toronto"),
    ("Brest", "Europe/Paris"),
    ("Poitiers", "Europe/Paris"),
    ("Metz", "Europe/Paris"),
    ("Liège", "Europe/Brussels"),
    ("Avignon", "Europe/Paris"),
    ("La Rochelle", "Europe/Paris"),
];

#[rustfmt::skip]
const FAMILY_NAMES: [&str; 60] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
    "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
    "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly",
    "Benali",
];

#[rustfmt::skip]
const FIRST_NAMES: [&str; 40] = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Jade", "Louise", "Zoé", "Lucie", "Clara", "Julie", "Anaïs",
    "Mathilde", "Pauline", "Yasmine", "Élise", "Margaux", "Nina", "Hugo", "Lucas", "Thomas", "Nathan", "Théo", "Louis", "Jules",
    "Antoine", "Maxime", "Karim", "Romain", "Paul", "Arthur", "Bastien", "Quentin", "Mehdi", "Julien", "Adrien", "Victor",
    "Sacha",
];

const NOTES: [&str; 10] = [
    "Appel avec le client : validation du planning éditorial du mois, deux visuels à reprendre.",
    "Le client souhaite davantage de vidéos courtes ; à tester sur deux semaines avant de généraliser.",
    "Rappel : ne jamais publier le dimanche matin (demande explicite du gérant).",
    "Bilan mensuel envoyé : portée en hausse de 12 %, engagement stable, deux commentaires négatifs traités.",
    "Shooting photo prévu jeudi 10 h sur place ; prévoir les autorisations pour les salariés.",
    "Concurrent très actif en ce moment (jeu-concours) ; proposer une réponse sans copier la mécanique.",
    "Mot de passe du compte réinitialisé par le client ; reconnexion à faire avant la prochaine publication.",
    "Nouvelle charte graphique reçue (couleurs et police) ; mettre à jour les gabarits.",
    "Réponse à un avis négatif validée par le client, publiée dans la foulée.",
    "Idée de série : « les coulisses du lundi », une publication par semaine pendant deux mois.",
];

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|x| (*x).to_owned()).collect()
}

fn fill(template: &str, name: &str, city: &str) -> String {
    template.replace("{name}", name).replace("{city}", city)
}

/// A hashtag from a display name: letters and digits only.
fn hashtag(name: &str) -> String {
    let bare: String =
        name.split_whitespace().map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>()).collect();
    format!("#{bare}")
}

fn handle(name: &str) -> String {
    Slug::from_name(name).map(|s| s.as_str().replace('-', "")).unwrap_or_else(|_| "compte".to_owned())
}

/// A client to create: profile, competitors, and accounts with their optional token.
type PlannedClient = (ClientProfile, Vec<CompetitorProfile>, Vec<(AccountProfile, Option<String>)>);

/// The profile, competitors and accounts of client number `i`.
fn client(i: usize) -> anyhow::Result<PlannedClient> {
    let trade = &TRADES[i % TRADES.len()];
    let (city, tz) = CITIES[i % CITIES.len()];
    let family = FAMILY_NAMES[i % FAMILY_NAMES.len()];
    let name = format!("{} {family}", trade.prefix);
    let languages = if tz == "America/Toronto" || i % 7 == 3 { vec![Lang::Fr, Lang::En] } else { vec![Lang::Fr] };
    let mut keywords = s(trade.keywords);
    keywords.push(city.to_owned());
    let profile = ClientProfile {
        slug: Slug::from_name(&name)?,
        name: name.clone(),
        colour: Colour::parse(trade.colour)?,
        time_zone: TimeZoneName::parse(tz)?,
        languages,
        brief: Brief {
            activity: fill(trade.activity, &name, city),
            location: format!("{city}, {} rue {}", 3 + (i * 7) % 90, FAMILY_NAMES[(i + 17) % FAMILY_NAMES.len()]),
            audience: fill(trade.audience, &name, city),
            expectations: fill(trade.expectations, &name, city),
            goals: fill(trade.goals, &name, city),
            existing_networks: fill(trade.networks, &name, city),
            keywords,
        },
        charter: Charter {
            address: trade.address,
            tone: fill(trade.tone, &name, city),
            banned: s(trade.banned),
            required_hashtags: vec![hashtag(&name), hashtag(city)],
            signature: if i % 3 == 1 { format!("— L'équipe {name}") } else { String::new() },
            max_hashtags: 5,
            emoji: trade.emoji,
            ..Charter::default()
        },
    };
    let competitors = (1..=2)
        .map(|k| {
            let rival = format!("{} {}", trade.prefix, FAMILY_NAMES[(i + 13 * k) % FAMILY_NAMES.len()]);
            let h = handle(&rival);
            CompetitorProfile {
                name: format!("{rival} ({city})"),
                handles: vec![format!("@{h}")],
                sites: if k == 1 { vec![format!("https://{h}.example")] } else { vec![] },
            }
        })
        .collect();
    let h = handle(&name);
    let accounts = trade
        .accounts
        .iter()
        .enumerate()
        .map(|(k, network)| {
            let profile = AccountProfile {
                network: *network,
                handle: format!("{h}.{}", city.to_lowercase().replace(' ', "")),
                display_name: name.clone(),
            };
            // The first account is connected (its token sealed with the installation key).
            let token = (k == 0).then(|| format!("bench-token-{h}-{:032x}", (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15));
            (profile, token)
        })
        .collect();
    Ok((profile, competitors, accounts))
}

/// A planned user: e-mail, name, role, language, client indexes.
struct PlannedUser {
    email: String,
    name: String,
    role: Role,
    lang: Option<UiLang>,
    clients: Vec<usize>,
}

fn person(n: usize) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[n % FIRST_NAMES.len()],
        FAMILY_NAMES[(n * 7 + n / FIRST_NAMES.len()) % FAMILY_NAMES.len()]
    )
}

fn lang_of(n: usize) -> Option<UiLang> {
    match n % 10 {
        0 | 1 => None,
        2 => Some(UiLang::En),
        _ => Some(UiLang::Fr),
    }
}

/// 2 owners, 8 managers (~15 clients each, all clients covered), 260 community managers (5
/// clients each), 180 analysts (10 clients each) and one reviewer per client: 500 users.
fn users() -> Vec<PlannedUser> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut push = |email: String, role: Role, clients: Vec<usize>| {
        out.push(PlannedUser { email, name: person(n), role, lang: lang_of(n), clients });
        n += 1;
    };
    for i in 0..OWNERS {
        push(format!("owner{:02}@bench.example", i + 1), Role::Owner, vec![]);
    }
    for i in 0..MANAGERS {
        push(
            format!("manager{:02}@bench.example", i + 1),
            Role::Manager,
            (0..15).map(|k| (i * 6 + k) % CLIENTS).collect(),
        );
    }
    for i in 0..COMMUNITY_MANAGERS {
        // Steps of 11 modulo 50 never repeat within 5 clients.
        push(
            format!("cm{:03}@bench.example", i + 1),
            Role::CommunityManager,
            (0..5).map(|k| (i * 7 + k * 11) % CLIENTS).collect(),
        );
    }
    for i in 0..ANALYSTS {
        // Steps of 5 modulo 50 never repeat within 10 clients.
        push(
            format!("analyst{:03}@bench.example", i + 1),
            Role::Analyst,
            (0..10).map(|k| (i * 3 + k * 5) % CLIENTS).collect(),
        );
    }
    for i in 0..REVIEWERS {
        push(format!("reviewer{:02}@client{:02}.example", i + 1, i + 1), Role::ClientReviewer, vec![i]);
    }
    out
}

/// Reads DIR/secret.key, or writes a new one (0600) the way `filrouge serve` would.
fn secret_key(dir: &Path) -> anyhow::Result<SecretBox> {
    let path = dir.join("secret.key");
    if !path.exists() {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(SecretBox::generate_key().as_bytes())?;
        file.sync_all()?;
    }
    let key = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    SecretBox::from_base64(&key).with_context(|| format!("{}", path.display()))
}

fn progress(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{elapsed:>4} {bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

async fn seed(args: &Args) -> anyhow::Result<()> {
    let dir = &args.data;
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let dir_text = dir.to_str().context("the data directory path is not UTF-8")?;
    let secrets = secret_key(dir)?;
    let store = Store::open(&format!("sqlite://{dir_text}/filrouge.db")).await.context("opening the database")?;
    let app = App::new(store.clone(), Arc::new(SystemClock), secrets, AuthSettings::default());
    let operator = Actor::operator();
    if !app.visible_clients(&operator).await?.is_empty() {
        bail!("{} already holds clients: seed an empty data directory", dir.display());
    }

    let plan = users();
    let bar = progress(CLIENTS + plan.len() + CLIENTS * NOTES_PER_CLIENT);

    // Clients, competitors and accounts, through the use-cases (journaled like real edits).
    let mut clients: Vec<(Slug, ClientId)> = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let (profile, competitors, accounts) = client(i)?;
        bar.set_message(format!("client {}", profile.name));
        let slug = profile.slug.clone();
        let created = app.create_client(&operator, profile).await.with_context(|| format!("client {slug}"))?;
        for c in competitors {
            app.add_competitor(&operator, slug.as_str(), c).await.with_context(|| format!("competitor of {slug}"))?;
        }
        for (a, token) in accounts {
            app.add_account(&operator, slug.as_str(), a, token).await.with_context(|| format!("account of {slug}"))?;
        }
        clients.push((slug, created.id));
        bar.inc(1);
    }

    // Users: one argon2 hash for all, written in one transaction.
    bar.set_message("hashing the password");
    let hash = hash_password(&args.password)?;
    let now = app.now();
    let mut ids: Vec<UserId> = Vec::with_capacity(plan.len());
    let mut tx = store.write().await?;
    for u in &plan {
        bar.set_message(format!("user {}", u.email));
        let new = NewUser {
            email: Email::parse(&u.email)?,
            name: u.name.clone(),
            role: u.role,
            password_hash: hash.clone(),
            ui_lang: u.lang,
        };
        let id = tx.insert_user(&new, now).await.with_context(|| format!("user {}", u.email))?;
        for &c in &u.clients {
            tx.add_membership(id, clients[c].1).await?;
        }
        ids.push(id);
        bar.inc(1);
    }
    tx.commit().await?;

    // Journal notes, written by the clients' community managers.
    for (c, (slug, _)) in clients.iter().enumerate() {
        bar.set_message(format!("notes of {slug}"));
        let authors: Vec<usize> = plan
            .iter()
            .enumerate()
            .filter(|(_, u)| u.role == Role::CommunityManager && u.clients.contains(&c))
            .map(|(n, _)| n)
            .collect();
        for k in 0..NOTES_PER_CLIENT {
            let actor = match authors.get(k % authors.len().max(1)) {
                Some(&n) => {
                    let user =
                        store.read().await?.user_by_id(ids[n]).await?.context("a user just created is missing")?;
                    let memberships = plan[n].clients.iter().map(|&i| clients[i].1).collect();
                    Actor { user: Some(user), memberships }
                }
                None => operator.clone(),
            };
            app.add_note(&actor, slug.as_str(), NOTES[(c + k) % NOTES.len()])
                .await
                .with_context(|| format!("note on {slug}"))?;
            bar.inc(1);
        }
    }
    // Older notes, written through the store with their past dates, in one transaction.
    if args.journal_history > 0 {
        let cms: Vec<usize> =
            plan.iter().enumerate().filter(|(_, u)| u.role == Role::CommunityManager).map(|(n, _)| n).collect();
        let step_ms = 365 * 24 * 3600 * 1000 / i64::try_from(args.journal_history).unwrap_or(i64::MAX).max(1);
        let mut tx = store.write().await?;
        for k in 0..args.journal_history {
            let back = jiff::SignedDuration::from_hours(24)
                + jiff::SignedDuration::from_millis(step_ms.saturating_mul(i64::try_from(k).unwrap_or(0)));
            let author = cms.get(k % cms.len().max(1)).map(|&n| ids[n]);
            let entry = NewJournalEntry {
                at: now.checked_sub(back).context("journal history date")?,
                user_id: author,
                client_id: Some(clients[k % CLIENTS].1),
                account_id: None,
                action: JournalAction::Note,
                object: "note".into(),
                summary: NOTES[k % NOTES.len()].into(),
            };
            tx.append_journal(&entry).await?;
            if k % 1000 == 0 {
                bar.set_message(format!("journal history {k}/{}", args.journal_history));
            }
        }
        tx.commit().await?;
    }
    bar.finish_and_clear();

    // The logins the benchmark script uses.
    let first = |role: Role| plan.iter().find(|u| u.role == role).context("no user of a role");
    let cm = first(Role::CommunityManager)?;
    let analyst = first(Role::Analyst)?;
    let reviewer = first(Role::ClientReviewer)?;
    let slug_of = |u: &PlannedUser| u.clients.first().map(|&c| clients[c].0.as_str().to_owned()).unwrap_or_default();
    let env = [
        ("BENCH_PASSWORD", args.password.clone()),
        ("BENCH_OWNER", first(Role::Owner)?.email.clone()),
        ("BENCH_MANAGER", first(Role::Manager)?.email.clone()),
        ("BENCH_CM", cm.email.clone()),
        ("BENCH_CM_SLUG", slug_of(cm)),
        ("BENCH_ANALYST", analyst.email.clone()),
        ("BENCH_ANALYST_SLUG", slug_of(analyst)),
        ("BENCH_REVIEWER", reviewer.email.clone()),
        ("BENCH_REVIEWER_SLUG", slug_of(reviewer)),
    ];
    let text: String = env.iter().map(|(k, v)| format!("{k}='{}'\n", v.replace('\'', "'\\''"))).collect();
    let env_path = dir.join("bench-logins.env");
    std::fs::write(&env_path, text).with_context(|| format!("{}", env_path.display()))?;
    store.close().await;

    let by_role = |r: Role| plan.iter().filter(|u| u.role == r).count();
    println!(
        "Seeded {}: {CLIENTS} clients, {} users ({} owners, {} managers, {} community managers, {} analysts, {} reviewers), {} notes today and {} older; logins in {}",
        dir.display(),
        plan.len(),
        by_role(Role::Owner),
        by_role(Role::Manager),
        by_role(Role::CommunityManager),
        by_role(Role::Analyst),
        by_role(Role::ClientReviewer),
        CLIENTS * NOTES_PER_CLIENT,
        args.journal_history,
        env_path.display()
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.password.chars().count() < 10 {
        bail!("--password must be at least 10 characters");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(seed(&args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_has_500_users_and_valid_clients() {
        let plan = users();
        assert_eq!(plan.len(), 500);
        for u in &plan {
            let mut c = u.clients.clone();
            c.sort_unstable();
            c.dedup();
            assert_eq!(c.len(), u.clients.len(), "{} has a client twice", u.email);
        }
        let mut slugs = Vec::new();
        for i in 0..CLIENTS {
            let (profile, competitors, accounts) = client(i).unwrap();
            let profile = profile.validate().unwrap();
            assert_eq!(competitors.len(), 2);
            assert_eq!(accounts.len(), 2);
            for c in competitors {
                c.validate().unwrap();
            }
            for (a, _) in accounts {
                a.validate().unwrap();
            }
            slugs.push(profile.slug);
        }
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), CLIENTS, "slugs are unique");
        for c in 0..CLIENTS {
            assert!(plan.iter().any(|u| u.role == Role::Manager && u.clients.contains(&c)), "client {c} has a manager");
            assert_eq!(plan.iter().filter(|u| u.role == Role::ClientReviewer && u.clients.contains(&c)).count(), 1);
        }
    }
}
