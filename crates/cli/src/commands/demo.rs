//! `filrouge demo`: a demo agency (five clients, a user for every role) created once in the data
//! directory, then served on 127.0.0.1.

use std::net::SocketAddr;

use anyhow::bail;
use filrouge_app::config::Config;
use filrouge_app::users::NewUserInput;
use filrouge_app::{Actor, App};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::{
    AddressForm, Brief, Charter, ClientProfile, Colour, CompetitorProfile, EmojiPolicy, TimeZoneName,
};
use filrouge_domain::ids::{ClientId, Slug};
use filrouge_domain::locale::{Lang, UiLang};
use filrouge_domain::user::Role;
use indicatif::{ProgressBar, ProgressStyle};

use crate::runtime;

/// The password of every demo user (the demo listens on loopback only).
pub const DEMO_PASSWORD: &str = "filrouge-demo";

struct DemoClient {
    slug: &'static str,
    name: &'static str,
    colour: &'static str,
    languages: &'static [Lang],
    brief: Brief,
    charter: Charter,
    competitors: Vec<CompetitorProfile>,
    accounts: Vec<(Network, &'static str, &'static str)>,
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

fn clients() -> Vec<DemoClient> {
    vec![
        DemoClient {
            slug: "da-marco",
            name: "Pizzeria Da Marco",
            colour: "#c0392b",
            languages: &[Lang::Fr],
            brief: Brief {
                activity: "Pizzeria napolitaine au feu de bois, sur place et à emporter, depuis 1998.".into(),
                location: "Lyon 7e, quartier de la Guillotière".into(),
                audience: "Étudiants et familles du quartier, 18–45 ans, très présents sur Instagram.".into(),
                expectations: "Remplir la salle du mardi et du mercredi soir ; faire connaître la pizza du mois."
                    .into(),
                goals: "+20 % de réservations en semaine d'ici juin ; 3 publications par semaine.".into(),
                existing_networks: "Instagram @damarco.lyon (2 400 abonnés), Facebook (page peu active)".into(),
                keywords: s(&["pizza", "napolitaine", "feu de bois", "Guillotière", "pizza du mois"]),
            },
            charter: Charter {
                address: AddressForm::Tu,
                tone: "Chaleureux, gourmand, un brin d'italien (ciao, mamma mia) sans caricature.".into(),
                banned: s(&["pas cher", "low cost", "surgelé"]),
                required_hashtags: s(&["#DaMarco"]),
                signature: "— Marco & l'équipe".into(),
                max_hashtags: 4,
                emoji: EmojiPolicy::Free,
                ..Charter::default()
            },
            competitors: vec![
                CompetitorProfile {
                    name: "Pizza Gusto Lyon".into(),
                    handles: s(&["@pizzagusto.lyon"]),
                    sites: s(&["https://pizzagusto.example"]),
                },
                CompetitorProfile { name: "Napoli Express".into(), handles: s(&["@napoliexpress"]), sites: vec![] },
            ],
            accounts: vec![
                (Network::Instagram, "damarco.lyon", "Da Marco"),
                (Network::Bluesky, "damarco.bsky.social", "Pizzeria Da Marco"),
            ],
        },
        DemoClient {
            slug: "tapis-traditions",
            name: "Tapis & Traditions",
            colour: "#8e44ad",
            languages: &[Lang::Fr],
            brief: Brief {
                activity: "Magasin de tapis d'Orient et contemporains, restauration et nettoyage.".into(),
                location: "Roubaix, boulevard de Paris".into(),
                audience: "Propriétaires 35–65 ans, décorateurs d'intérieur.".into(),
                expectations: "Montrer le savoir-faire de l'atelier de restauration ; annoncer les soldes.".into(),
                goals: "Faire venir en boutique ; 50 demandes de devis nettoyage par mois.".into(),
                existing_networks: "Facebook Tapis & Traditions, Pinterest".into(),
                keywords: s(&["tapis", "kilim", "restauration de tapis", "nettoyage", "Roubaix"]),
            },
            charter: Charter {
                address: AddressForm::Vous,
                tone: "Élégant, pédagogique, jamais pressant.".into(),
                banned: s(&["destockage", "liquidation totale"]),
                required_hashtags: vec![],
                signature: String::new(),
                max_hashtags: 3,
                emoji: EmojiPolicy::Sparing,
                ..Charter::default()
            },
            competitors: vec![CompetitorProfile {
                name: "Maison du Kilim".into(),
                handles: vec![],
                sites: s(&["https://maisondukilim.example"]),
            }],
            accounts: vec![
                (Network::Facebook, "tapisettraditions", "Tapis & Traditions"),
                (Network::Pinterest, "tapistraditions", "Tapis & Traditions"),
            ],
        },
        DemoClient {
            slug: "gaston-fils",
            name: "Gaston & Fils",
            colour: "#1f3a93",
            languages: &[Lang::Fr, Lang::En],
            brief: Brief {
                activity: "Prêt-à-porter masculin et sur-mesure, costumes de mariage.".into(),
                location: "Bordeaux, rue Sainte-Catherine".into(),
                audience: "Hommes 25–55 ans, futurs mariés, touristes anglophones.".into(),
                expectations: "Des looks de saison, les coulisses de l'atelier sur-mesure.".into(),
                goals: "Prendre 30 rendez-vous sur-mesure par mois.".into(),
                existing_networks: "Instagram @gastonetfils, LinkedIn".into(),
                keywords: s(&["costume", "sur-mesure", "mariage", "Bordeaux", "tailoring"]),
            },
            charter: Charter {
                address: AddressForm::Vous,
                tone: "Raffiné, sobre, une touche d'humour britannique.".into(),
                banned: s(&["promo", "bon plan"]),
                required_hashtags: s(&["#GastonEtFils"]),
                signature: String::new(),
                max_hashtags: 5,
                emoji: EmojiPolicy::Sparing,
                ..Charter::default()
            },
            competitors: vec![CompetitorProfile {
                name: "Atelier Lormont".into(),
                handles: s(&["@atelierlormont"]),
                sites: vec![],
            }],
            accounts: vec![
                (Network::Instagram, "gastonetfils", "Gaston & Fils"),
                (Network::Linkedin, "gaston-et-fils", "Gaston & Fils"),
            ],
        },
        DemoClient {
            slug: "osteo-lea-moreau",
            name: "Cabinet d'ostéopathie Léa Moreau",
            colour: "#16a085",
            languages: &[Lang::Fr],
            brief: Brief {
                activity: "Ostéopathe D.O., adultes, nourrissons, sportifs et femmes enceintes.".into(),
                location: "Nantes, île de Nantes".into(),
                audience: "Parents, sportifs amateurs, actifs en télétravail.".into(),
                expectations: "Conseils de prévention, jamais de promesse de guérison (déontologie).".into(),
                goals: "Être reconnue comme la référence du quartier ; prise de rendez-vous en ligne.".into(),
                existing_networks: "Facebook, Google Business Profile".into(),
                keywords: s(&["ostéopathie", "ostéopathe", "dos", "nourrisson", "posture"]),
            },
            charter: Charter {
                address: AddressForm::Vous,
                tone: "Bienveillant, factuel, rassurant ; aucune allégation thérapeutique.".into(),
                banned: s(&["guérir", "miracle", "garanti"]),
                required_hashtags: vec![],
                signature: "Léa Moreau, ostéopathe D.O.".into(),
                max_hashtags: 2,
                emoji: EmojiPolicy::None,
                ..Charter::default()
            },
            competitors: vec![],
            accounts: vec![(Network::Facebook, "osteo.leamoreau", "Léa Moreau Ostéopathe")],
        },
        DemoClient {
            slug: "musee-du-ruban",
            name: "Musée du Ruban",
            colour: "#d35400",
            languages: &[Lang::Fr, Lang::En],
            brief: Brief {
                activity: "Musée municipal de l'industrie du ruban : collections, ateliers, expositions temporaires."
                    .into(),
                location: "Saint-Chamond".into(),
                audience: "Familles, scolaires, passionnés de patrimoine industriel.".into(),
                expectations: "Annoncer les expositions et les ateliers du mercredi.".into(),
                goals: "Doubler la fréquentation des ateliers enfants.".into(),
                existing_networks: "Facebook, Instagram, Mastodon (instance culturelle)".into(),
                keywords: s(&["musée", "ruban", "patrimoine", "métier à tisser", "exposition"]),
            },
            charter: Charter {
                address: AddressForm::Vous,
                tone: "Curieux, accessible, fier du patrimoine local.".into(),
                banned: vec![],
                required_hashtags: s(&["#MuséeDuRuban"]),
                signature: String::new(),
                max_hashtags: 4,
                emoji: EmojiPolicy::Sparing,
                ..Charter::default()
            },
            competitors: vec![],
            accounts: vec![(Network::Mastodon, "@museeduruban@mastodon.example", "Musée du Ruban")],
        },
    ]
}

struct DemoUser {
    email: &'static str,
    name: &'static str,
    role: Role,
    lang: Option<UiLang>,
    clients: &'static [&'static str],
}

const USERS: [DemoUser; 7] = [
    DemoUser {
        email: "claire@agence-demo.fr",
        name: "Claire Dubois",
        role: Role::Owner,
        lang: Some(UiLang::Fr),
        clients: &[],
    },
    DemoUser {
        email: "hugo@agence-demo.fr",
        name: "Hugo Martin",
        role: Role::Manager,
        lang: None,
        clients: &["da-marco", "tapis-traditions", "gaston-fils", "osteo-lea-moreau", "musee-du-ruban"],
    },
    DemoUser {
        email: "ines@agence-demo.fr",
        name: "Inès Benali",
        role: Role::CommunityManager,
        lang: Some(UiLang::Fr),
        clients: &["da-marco", "tapis-traditions", "gaston-fils"],
    },
    DemoUser {
        email: "tom@agence-demo.fr",
        name: "Tom Leroy",
        role: Role::CommunityManager,
        lang: Some(UiLang::En),
        clients: &["osteo-lea-moreau", "musee-du-ruban"],
    },
    DemoUser {
        email: "sophie@agence-demo.fr",
        name: "Sophie Petit",
        role: Role::Analyst,
        lang: None,
        clients: &["da-marco", "tapis-traditions", "gaston-fils", "osteo-lea-moreau", "musee-du-ruban"],
    },
    DemoUser {
        email: "marco@damarco.example",
        name: "Marco Rossi",
        role: Role::ClientReviewer,
        lang: Some(UiLang::Fr),
        clients: &["da-marco"],
    },
    DemoUser {
        email: "lea@osteo-moreau.example",
        name: "Léa Moreau",
        role: Role::ClientReviewer,
        lang: Some(UiLang::Fr),
        clients: &["osteo-lea-moreau"],
    },
];

/// Creates the demo agency unless the data directory already has clients. Returns whether it
/// created anything.
pub async fn seed(app: &App) -> anyhow::Result<bool> {
    let operator = Actor::operator();
    if !app.visible_clients(&operator).await?.is_empty() {
        return Ok(false);
    }
    let demo = clients();
    let bar = ProgressBar::new((demo.len() + USERS.len()) as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    let mut ids: Vec<(&str, ClientId)> = Vec::new();
    for c in demo {
        bar.set_message(c.name);
        let profile = ClientProfile {
            slug: Slug::parse(c.slug)?,
            name: c.name.into(),
            colour: Colour::parse(c.colour)?,
            time_zone: TimeZoneName::parse("Europe/Paris")?,
            languages: c.languages.to_vec(),
            brief: c.brief,
            charter: c.charter,
        };
        let client = app.create_client(&operator, profile).await?;
        for comp in c.competitors {
            app.add_competitor(&operator, c.slug, comp).await?;
        }
        for (network, handle, display) in c.accounts {
            app.add_account(
                &operator,
                c.slug,
                AccountProfile { network, handle: handle.into(), display_name: display.into() },
                None,
            )
            .await?;
        }
        app.add_note(
            &operator,
            c.slug,
            "Dossier client ouvert : brief et charte saisis d'après le rendez-vous de lancement.",
        )
        .await?;
        ids.push((c.slug, client.id));
        bar.inc(1);
    }
    for u in USERS {
        bar.set_message(u.name);
        let clients =
            u.clients.iter().filter_map(|slug| ids.iter().find(|(s, _)| s == slug).map(|(_, id)| *id)).collect();
        app.create_user(
            &operator,
            NewUserInput {
                email: u.email.into(),
                name: u.name.into(),
                role: u.role,
                password: DEMO_PASSWORD.into(),
                ui_lang: u.lang,
                clients,
            },
        )
        .await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    seed_veille(app, &operator).await?;
    super::demo_posts::seed_posts(app, &operator).await?;
    super::demo_inbox::seed_inbox(app, &operator).await?;
    Ok(true)
}

/// Listening queries of the demo clients: (client, name, query, alert).
const DEMO_QUERIES: [(&str, &str, &str, &str); 12] = [
    ("da-marco", "Marque", "\"da marco\" OR #damarco", "off"),
    ("da-marco", "Réclamations", "(\"da marco\" OR #damarco) sentiment:negative", "instant"),
    ("da-marco", "Concurrents", "\"pizza gusto\" OR \"napoli express\" OR @napoliexpress", "daily"),
    ("tapis-traditions", "Marque", "\"tapis & traditions\" OR #tapisettraditions", "off"),
    ("tapis-traditions", "Tapis d'Orient", "tapis NEAR/3 (persan* OR berb* OR kilim*) -\"tapis rouge\"", "daily"),
    ("gaston-fils", "Marque", "\"gaston & fils\" OR #gastonetfils", "off"),
    ("gaston-fils", "Réclamations", "(\"gaston & fils\" OR #gastonetfils) sentiment:negative", "instant"),
    ("osteo-lea-moreau", "Cabinet", "\"léa moreau\" OR (ostéo* NEAR/5 moreau)", "off"),
    ("osteo-lea-moreau", "Questions", "(ostéo* OR #ostéopathie) -recrute", "hourly"),
    ("musee-du-ruban", "Marque", "\"musée du ruban\" OR #muséeduruban", "off"),
    ("musee-du-ruban", "Expositions", "(exposition OR expo) NEAR/6 ruban*", "daily"),
    ("musee-du-ruban", "Avis négatifs", "(\"musée du ruban\" OR #muséeduruban) sentiment:negative", "instant"),
];

/// Sources for every client and 90 days of mentions. The sources are paused: the demo works
/// offline, and their addresses are not real.
async fn seed_veille(app: &App, operator: &Actor) -> anyhow::Result<()> {
    let veille = super::demo_veille::demo_veille(app.now());
    let total: usize = veille.iter().map(|s| s.mentions.len()).sum();
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} mentions {msg}") {
        bar.set_style(style);
    }
    // Queries first, so that mentions arriving match them live (the complaint ones alert in the app).
    for (slug, name, query, alert) in DEMO_QUERIES {
        let draft = filrouge_domain::listening_query::QueryDraft::parse(name, query, true, alert, "")
            .map_err(|e| anyhow::anyhow!("demo query {name}: {e}"))?;
        app.create_query(operator, slug, draft).await?;
    }
    for source in veille {
        bar.set_message(source.spec.name.clone());
        let spec = &source.spec;
        let id = app
            .add_source(operator, source.client_slug, spec.kind.as_str(), &spec.name, &spec.url, &spec.query)
            .await?;
        let n = source.mentions.len() as u64;
        app.ingest_mentions(operator, source.client_slug, id, source.mentions).await?;
        app.set_source_paused(operator, source.client_slug, id, true).await?;
        bar.inc(n);
    }
    bar.finish_and_clear();
    Ok(())
}

pub async fn demo(mut config: Config, addr: SocketAddr, no_serve: bool) -> anyhow::Result<()> {
    if !addr.ip().is_loopback() {
        bail!("the demo serves on loopback only (127.0.0.1 or ::1), not {addr}");
    }
    config.web.listen = addr;
    config.web.public_url = format!("http://{addr}");
    config.metrics.listen = None;
    // One server per SQLite database (PostgreSQL installations run several on purpose).
    let _lock = if config.database_url().starts_with("sqlite:") {
        Some(runtime::lock_data_dir(&config, "start the demo")?)
    } else {
        None
    };
    let app = runtime::open_app(&config).await?;
    let created = seed(&app).await?;
    let data = config.data_dir.display();
    println!("{} demo agency in {data}", if created { "Created the" } else { "Using the" });
    println!("Logins (password for all: {DEMO_PASSWORD}):");
    for u in USERS {
        println!("  {:<28} {}", u.email, u.role.as_str());
    }
    if no_serve {
        app.store().close().await;
        return Ok(());
    }
    let ready: Box<dyn FnOnce(SocketAddr) + Send> = Box::new(|addr| println!("Open http://{addr}/ (Ctrl-C to stop)"));
    super::serve::run_server(config, app, Some(ready)).await
}
