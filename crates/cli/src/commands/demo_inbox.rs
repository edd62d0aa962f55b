//! The demo's inbox: a few days of replies, mentions, quotes and private messages on the demo clients' Bluesky and
//! Mastodon accounts (questions, complaints, praise, spam, a person who writes often), saved replies, business
//! hours, a response target and rules, so every inbox screen has something to show offline.

use filrouge_app::inbox_settings::InboxSettingsForm;
use filrouge_app::{Actor, App};
use filrouge_domain::account::Network;
use filrouge_networks::inbox::{IncomingItem, IncomingKind, RemoteAuthor};
use jiff::SignedDuration;

/// (client, kind, author handle, display name, followers, hours ago, text)
type Line = (&'static str, IncomingKind, &'static str, &'static str, u64, i64, &'static str);

const ITEMS: [Line; 14] = [
    (
        "da-marco",
        IncomingKind::Reply,
        "camille.lyon.bsky.social",
        "Camille",
        212,
        1,
        "Vous êtes ouverts dimanche soir ?",
    ),
    (
        "da-marco",
        IncomingKind::Reply,
        "jb-foodie.bsky.social",
        "JB Foodie",
        18_400,
        3,
        "Pizza froide et 50 minutes d'attente hier soir. Franchement décevant.",
    ),
    (
        "da-marco",
        IncomingKind::Mention,
        "marie.dupont.bsky.social",
        "Marie Dupont",
        95,
        5,
        "Meilleure Regina de Lyon chez @damarco.bsky.social, merci !",
    ),
    (
        "da-marco",
        IncomingKind::Quote,
        "lyon-eats.bsky.social",
        "Lyon Eats",
        4_300,
        8,
        "À tester : la nouvelle pizza à la truffe de Da Marco",
    ),
    (
        "da-marco",
        IncomingKind::Reply,
        "camille.lyon.bsky.social",
        "Camille",
        212,
        26,
        "Vous faites des pizzas sans gluten ?",
    ),
    (
        "da-marco",
        IncomingKind::Mention,
        "promo-gagnant.bsky.social",
        "Promo",
        3,
        30,
        "Gagnez un iPhone gratuit, cliquez ici http://promo.example",
    ),
    (
        "da-marco",
        IncomingKind::Reply,
        "t.martin.bsky.social",
        "Thomas Martin",
        41,
        50,
        "Je veux un remboursement, ma commande n'est jamais arrivée.",
    ),
    (
        "musee-du-ruban",
        IncomingKind::DirectMessage,
        "prof.histoire@mastodon.example",
        "Mme Lefèvre",
        160,
        2,
        "Bonjour, proposez-vous des visites guidées pour une classe de CM2 en juin ?",
    ),
    (
        "musee-du-ruban",
        IncomingKind::Reply,
        "rubans@mastodon.example",
        "Atelier Rubans",
        820,
        6,
        "Magnifique exposition, bravo à toute l'équipe !",
    ),
    (
        "musee-du-ruban",
        IncomingKind::Mention,
        "visiteur@piaille.example",
        "Paul",
        57,
        20,
        "Le musée du ruban est-il accessible en fauteuil roulant ?",
    ),
    (
        "musee-du-ruban",
        IncomingKind::Reply,
        "guide.loire@mastodon.example",
        "Guide Loire",
        1_250,
        45,
        "Pas mal du tout, la nouvelle salle des métiers.",
    ),
    (
        "musee-du-ruban",
        IncomingKind::Quote,
        "patrimoine@mastodon.example",
        "Patrimoine 42",
        9_800,
        60,
        "Une belle initiative du musée pour les Journées du patrimoine",
    ),
    (
        "musee-du-ruban",
        IncomingKind::DirectMessage,
        "prof.histoire@mastodon.example",
        "Mme Lefèvre",
        160,
        1,
        "Et quel serait le tarif pour 28 élèves ?",
    ),
    (
        "musee-du-ruban",
        IncomingKind::Reply,
        "anonyme@mastodon.example",
        "Anonyme",
        2,
        70,
        "Boutique fermée le dimanche, c'est nul.",
    ),
];

fn item(n: usize, line: &Line, now: jiff::Timestamp) -> IncomingItem {
    let (_, kind, handle, name, followers, hours, text) = *line;
    let published = now.saturating_sub(SignedDuration::from_hours(hours)).unwrap_or(now);
    let bluesky = !handle.contains('@');
    let remote_id = if bluesky {
        format!("at://did:plc:demo{n}/app.bsky.feed.post/3demo{n:04}")
    } else {
        format!("{}", 113_000_000 + n)
    };
    let thread_root = match kind {
        IncomingKind::Reply if bluesky => "at://did:plc:damarco/app.bsky.feed.post/3root".to_owned(),
        IncomingKind::Reply => "112999999".to_owned(),
        IncomingKind::DirectMessage => format!("dm:{handle}"),
        _ => remote_id.clone(),
    };
    let url = if bluesky {
        format!("https://bsky.app/profile/{handle}/post/3demo{n:04}")
    } else {
        let (user, host) = handle.split_once('@').unwrap_or((handle, "mastodon.example"));
        format!("https://{host}/@{user}/{}", 113_000_000 + n)
    };
    IncomingItem {
        kind,
        remote_id,
        cid: None,
        url,
        author: RemoteAuthor {
            remote_id: format!("demo:{handle}"),
            handle: handle.to_owned(),
            display_name: Some(name.to_owned()),
            followers: Some(followers),
            url: None,
        },
        text: text.to_owned(),
        language: Some("fr".to_owned()),
        published,
        in_reply_to: (kind == IncomingKind::Reply).then(|| thread_root.clone()),
        context_text: (kind == IncomingKind::Reply).then(|| "Notre post de la semaine".to_owned()),
        thread_root,
        quoted: None,
    }
}

pub async fn seed_inbox(app: &App, operator: &Actor) -> anyhow::Result<()> {
    let now = app.now();
    for slug in ["da-marco", "musee-du-ruban"] {
        let rules = if slug == "da-marco" {
            "when intent = spam then done, hide\n\
             quand texte contient \"remboursement\" alors label remboursement\n\
             when sentiment = negative and followers > 10000 then urgent"
        } else {
            "when intent = spam then done, hide"
        };
        let form = InboxSettingsForm {
            rules: rules.into(),
            hours: "lun-ven 09:00-18:00; sam 10:00-13:00".into(),
            target_minutes: "60".into(),
            rota: String::new(),
            replies_need_approval: slug == "musee-du-ruban",
        };
        app.save_inbox_settings(operator, slug, form).await?;
        app.save_saved_reply(operator, slug, "Merci", "Merci beaucoup {prénom}, à très bientôt ! {signature}").await?;
        app.save_saved_reply(
            operator,
            slug,
            "Désolé",
            "Bonjour {prénom}, nous sommes désolés. Pouvez-vous nous écrire en message privé pour qu'on arrange ça ?",
        )
        .await?;
        let accounts = app.accounts(operator, slug).await?;
        let network = if slug == "da-marco" { Network::Bluesky } else { Network::Mastodon };
        let Some(account) = accounts.iter().find(|a| a.account.profile.network == network) else { continue };
        let items: Vec<IncomingItem> =
            ITEMS.iter().enumerate().filter(|(_, line)| line.0 == slug).map(|(n, line)| item(n, line, now)).collect();
        app.receive_inbox_items(operator, slug, account.account.id, &items).await?;
    }
    Ok(())
}
