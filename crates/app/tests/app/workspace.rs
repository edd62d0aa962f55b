//! The workspace file: an export imported elsewhere exports the same text again, and a file that
//! cannot be imported is refused with its file, line and column, with nothing written.

use filrouge_app::accounts::CredentialsChange;
use filrouge_app::auth::SignIn;
use filrouge_app::users::NewUserInput;
use filrouge_app::workspace::WorkspaceError;
use filrouge_app::AppError;
use filrouge_domain::account::{AccountProfile, AccountStatus, Network};
use filrouge_domain::client::{
    AddressForm, Brief, Charter, ClientProfile, Colour, CompetitorProfile, EmojiPolicy, TimeZoneName,
};
use filrouge_domain::ids::{ClientId, Slug};
use filrouge_domain::locale::{Lang, UiLang};
use filrouge_domain::permission::Action;
use filrouge_domain::user::Role;

use crate::helpers::{profile, TestApp, ADDR, PASSWORD};

const SECRET_TOKEN: &str = "ig-long-lived-token-SECRET-7777";

async fn add_user(t: &TestApp, email: &str, name: &str, role: Role, ui_lang: Option<UiLang>, clients: &[ClientId]) {
    let input = NewUserInput {
        email: email.into(),
        name: name.into(),
        role,
        password: PASSWORD.into(),
        ui_lang,
        clients: clients.to_vec(),
    };
    t.app.create_user(&t.operator, input).await.unwrap();
}

/// An installation with something of everything.
async fn seeded() -> TestApp {
    let t = TestApp::new().await;
    let marco = ClientProfile {
        slug: Slug::parse("da-marco").unwrap(),
        name: "Pizzeria « Da Marco »".into(),
        colour: Colour::parse("#C0392B").unwrap(),
        time_zone: TimeZoneName::parse("Europe/Paris").unwrap(),
        languages: vec![Lang::Fr, Lang::It],
        brief: Brief {
            activity: "Pizzeria au feu de bois, pâte maturée 72 h".into(),
            location: "Lyon 7e".into(),
            audience: "Étudiants et familles du quartier".into(),
            expectations: "Deux posts par semaine.\nRépondre aux avis Google sous 24 h.".into(),
            goals: "Remplir la salle le mardi".into(),
            existing_networks: "Instagram @damarco (1 200 abonnés)".into(),
            keywords: vec!["pizza".into(), "napolitaine".into(), "\"fait maison\"".into()],
        },
        charter: Charter {
            address: AddressForm::Tu,
            tone: "Chaleureux, un brin d'humour, jamais vulgaire".into(),
            banned: vec!["pas cher".into(), "malbouffe".into()],
            required_hashtags: vec!["DaMarco".into(), "#Lyon".into()],
            signature: "— Marco & l'équipe".into(),
            max_hashtags: 4,
            emoji: EmojiPolicy::None,
            ..Charter::default()
        },
    };
    let marco = t.app.create_client(&t.operator, marco).await.unwrap();
    let mut lea = profile("osteo-lea", "Cabinet d'ostéopathie Léa");
    lea.languages = vec![Lang::Fr, Lang::En];
    lea.time_zone = TimeZoneName::parse("America/Martinique").unwrap();
    let lea = t.app.create_client(&t.operator, lea).await.unwrap();
    t.client("ancien-client", "Ancien client").await;
    t.app.set_archived(&t.operator, "ancien-client", true).await.unwrap();

    add_user(&t, "patronne@agence.fr", "Sophie Martin", Role::Owner, Some(UiLang::Fr), &[]).await;
    add_user(&t, "chef@agence.fr", "Karim", Role::Manager, None, &[marco.id]).await;
    add_user(&t, "marie@agence.fr", "Marie Dupont", Role::CommunityManager, Some(UiLang::En), &[marco.id, lea.id])
        .await;
    add_user(&t, "alex@agence.fr", "Alex", Role::Analyst, None, &[lea.id]).await;
    add_user(&t, "paul@da-marco.fr", "Paul", Role::ClientReviewer, None, &[marco.id]).await;

    for (slug, name, handles, sites) in [
        ("da-marco", "Pizza Hut Lyon", vec!["@pizzahutfr"], vec!["https://www.pizzahut.fr"]),
        ("da-marco", "Del Arte", vec![], vec!["https://www.delarte.fr", "http://old.delarte.fr"]),
        ("osteo-lea", "Kiné Confluence", vec!["kine.bsky.social"], vec![]),
    ] {
        let p = CompetitorProfile {
            name: name.into(),
            handles: handles.into_iter().map(str::to_owned).collect(),
            sites: sites.into_iter().map(str::to_owned).collect(),
        };
        t.app.add_competitor(&t.operator, slug, p).await.unwrap();
    }
    let ig = AccountProfile { network: Network::Instagram, handle: "@damarco".into(), display_name: "Da Marco".into() };
    let ig = t.app.add_account(&t.operator, "da-marco", ig, Some(SECRET_TOKEN.into())).await.unwrap();
    let masto = AccountProfile {
        network: Network::Mastodon,
        handle: "@damarco@piaille.fr".into(),
        display_name: String::new(),
    };
    t.app.add_account(&t.operator, "da-marco", masto, None).await.unwrap();
    let li =
        AccountProfile {
            network: Network::Linkedin, handle: "cabinet-lea".into(), display_name: "Cabinet Léa".into()
        };
    t.app.add_account(&t.operator, "osteo-lea", li, None).await.unwrap();
    t.app
        .edit_account(
            &t.operator,
            "da-marco",
            ig,
            AccountProfile { network: Network::Instagram, handle: "@damarco".into(), display_name: "Da Marco".into() },
            Some(AccountStatus::NeedsReconnect),
            CredentialsChange::Keep,
        )
        .await
        .unwrap();
    let inbox = filrouge_app::inbox_settings::InboxSettingsForm {
        rules:
            "when intent = spam then done, hide\nquand texte contient \"remboursement\" alors assigner marie@agence.fr"
                .into(),
        hours: "lun-ven 09:00-18:00".into(),
        target_minutes: "60".into(),
        rota: "lun-ven 18:00-09:00 chef@agence.fr".into(),
        replies_need_approval: true,
    };
    t.app.save_inbox_settings(&t.operator, "da-marco", inbox).await.unwrap();
    t.app.save_saved_reply(&t.operator, "da-marco", "Merci", "Merci {prénom} ! {signature}").await.unwrap();
    t
}

#[tokio::test]
async fn a_workspace_exported_then_imported_elsewhere_exports_the_same_text() {
    let source = seeded().await;
    let exported = source.app.export_workspace(&source.operator).await.unwrap();
    assert!(exported.starts_with("# Fil Rouge workspace file"), "{exported}");
    for expected in [
        "[[users]]",
        "patronne@agence.fr",
        "[[clients]]",
        "da-marco",
        "osteo-lea",
        "[[clients.competitors]]",
        "@damarco@piaille.fr",
        "#Lyon",
        "Répondre aux avis",
        "[clients.inbox]",
        "remboursement",
        "Merci {prénom}",
    ] {
        assert!(exported.contains(expected), "the export lacks {expected}:\n{exported}");
    }
    assert!(!exported.contains(SECRET_TOKEN) && !exported.contains("7777"), "credentials are never exported");
    assert!(!exported.contains("argon2"), "password hashes are never exported");

    let target = TestApp::new().await;
    let report = target.app.import_workspace(&target.operator, "agence.toml", &exported).await.unwrap();
    assert_eq!(report.clients_created, 3);
    assert_eq!(report.clients_updated, 0);
    assert_eq!(report.users_created, 5);
    assert_eq!(report.users_without_password.len(), 5);

    let again = target.app.export_workspace(&target.operator).await.unwrap();
    assert_eq!(again, exported, "the round trip changes nothing");

    // What the file does not carry: passwords and credentials.
    assert!(matches!(target.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Ok(SignIn::Refused)));
    for account in target.app.accounts(&target.operator, "da-marco").await.unwrap() {
        assert_eq!(account.account.credentials, None);
        assert_eq!(account.credentials_hint, None);
    }
    let marco = target.app.client(&target.operator, "da-marco", Action::ViewClientSettings).await.unwrap();
    let original = source.app.client(&source.operator, "da-marco", Action::ViewClientSettings).await.unwrap();
    assert_eq!(marco.profile, original.profile);
    let settings = target.app.inbox_settings(&target.operator, "da-marco").await.unwrap();
    assert_eq!(settings.record, source.app.inbox_settings(&source.operator, "da-marco").await.unwrap().record);
    assert_eq!(target.app.saved_replies(&target.operator, "da-marco").await.unwrap()[0].name, "Merci");
    assert!(target.app.client(&target.operator, "ancien-client", Action::ViewClient).await.unwrap().archived);
}

#[tokio::test]
async fn importing_the_same_file_again_updates_in_place() {
    let source = seeded().await;
    let exported = source.app.export_workspace(&source.operator).await.unwrap();
    let target = TestApp::new().await;
    target.app.import_workspace(&target.operator, "agence.toml", &exported).await.unwrap();

    let report = target.app.import_workspace(&target.operator, "agence.toml", &exported).await.unwrap();
    assert_eq!((report.clients_created, report.clients_updated, report.users_created), (0, 3, 0));
    assert_eq!(target.app.export_workspace(&target.operator).await.unwrap(), exported);
    assert_eq!(
        target.app.competitors(&target.operator, "da-marco").await.unwrap().len(),
        2,
        "competitors are replaced, not doubled"
    );
}

/// A small valid file; the tests below break one line of it at a time.
const BASE: [&str; 44] = [
    "# Fil Rouge workspace file",
    "version = 1",
    "",
    "[[users]]",
    "email = \"marie@agence.fr\"",
    "name = \"Marie\"",
    "role = \"community_manager\"",
    "",
    "[[users]]",
    "email = \"paul@da-marco.fr\"",
    "name = \"Paul\"",
    "role = \"client_reviewer\"",
    "",
    "[[clients]]",
    "slug = \"da-marco\"",
    "name = \"Pizzeria Da Marco\"",
    "colour = \"#c0392b\"",
    "time_zone = \"Europe/Paris\"",
    "languages = [\"fr\", \"en\"]",
    "members = [\"marie@agence.fr\", \"paul@da-marco.fr\"]",
    "",
    "[clients.brief]",
    "activity = \"Pizzeria au feu de bois\"",
    "keywords = [\"pizza\", \"Lyon\"]",
    "",
    "[clients.charter]",
    "address = \"tu\"",
    "banned = [\"pas cher\"]",
    "required_hashtags = [\"pizza\"]",
    "",
    "[[clients.competitors]]",
    "name = \"Pizza Hut\"",
    "sites = [\"https://www.pizzahut.fr\"]",
    "",
    "[[clients.accounts]]",
    "network = \"instagram\"",
    "handle = \"@damarco\"",
    "",
    "[[clients]]",
    "slug = \"osteo-lea\"",
    "name = \"Cabinet Léa\"",
    "time_zone = \"Europe/Paris\"",
    "languages = [\"fr\"]",
    "members = [\"marie@agence.fr\"]",
];

/// The base file with line `n` (1-based) replaced.
fn with_line(n: usize, line: &str) -> String {
    let mut lines = BASE.map(str::to_owned);
    lines[n - 1] = line.to_owned();
    lines.join("\n") + "\n"
}

/// Imports `text` into a fresh installation, expects a refusal at `line:column` whose message
/// contains every one of `words`, and checks nothing was written.
async fn refused_at(text: &str, line: usize, column: usize, words: &[&str]) -> WorkspaceError {
    let t = TestApp::new().await;
    let err = match t.app.import_workspace(&t.operator, "agence.toml", text).await {
        Err(AppError::Workspace(err)) => err,
        other => panic!("expected a workspace error at {line}:{column}, got {other:?}\n{text}"),
    };
    let shown = err.to_string();
    assert!(shown.starts_with(&format!("agence.toml:{line}:{column}: ")), "wrong place: {shown}");
    assert_eq!((err.line, err.column), (line, column), "{shown}");
    for word in words {
        assert!(err.message.contains(word), "the message should name {word}: {shown}");
    }
    assert_eq!(t.client_count().await, 0, "no client may be written");
    assert_eq!(t.user_count().await, 0, "no user may be written");
    err
}

#[tokio::test]
async fn the_base_file_of_the_refusal_tests_is_valid() {
    let t = TestApp::new().await;
    let report = t.app.import_workspace(&t.operator, "agence.toml", &BASE.join("\n")).await.unwrap();
    assert_eq!((report.clients_created, report.users_created), (2, 2));
    let members: Vec<_> = t.app.members(&t.operator, "da-marco").await.unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(members, vec!["Marie", "Paul"]);
}

#[tokio::test]
async fn an_unknown_key_in_the_charter_is_refused_where_it_is() {
    refused_at(&with_line(28, "banished = [\"pas cher\"]"), 28, 1, &["unknown field", "banished"]).await;
}

#[tokio::test]
async fn a_missing_time_zone_is_refused_at_its_client() {
    refused_at(&with_line(18, ""), 14, 1, &["missing field", "time_zone"]).await;
}

#[tokio::test]
async fn an_unknown_time_zone_is_refused_at_its_value() {
    refused_at(&with_line(18, "time_zone = \"Europe/Lyon\""), 18, 13, &["clients[0].time_zone", "Europe/Lyon"]).await;
}

#[tokio::test]
async fn a_colour_by_name_is_refused_at_its_value() {
    refused_at(&with_line(17, "colour = \"red\""), 17, 10, &["clients[0].colour", "'red'", "#rrggbb"]).await;
}

#[tokio::test]
async fn an_address_form_other_than_tu_or_vous_is_refused_at_its_value() {
    refused_at(&with_line(27, "address = \"toi\""), 27, 11, &["toi", "tu", "vous"]).await;
}

#[tokio::test]
async fn a_slug_with_capitals_is_refused_at_its_value() {
    refused_at(&with_line(15, "slug = \"Da-Marco\""), 15, 8, &["clients[0].slug", "lower-case"]).await;
}

#[tokio::test]
async fn a_slug_used_twice_is_refused_at_the_second_one() {
    refused_at(&with_line(40, "slug = \"da-marco\""), 40, 8, &["clients[1].slug", "da-marco", "appears twice"]).await;
}

#[tokio::test]
async fn a_member_who_is_not_among_the_users_is_refused() {
    refused_at(
        &with_line(44, "members = [\"sophie@agence.fr\"]"),
        44,
        12,
        &["clients[1].members[0]", "sophie@agence.fr", "[[users]]"],
    )
    .await;
}

#[tokio::test]
async fn a_client_reviewer_in_two_clients_is_refused_at_the_second_membership() {
    let text = with_line(44, "members = [\"marie@agence.fr\", \"paul@da-marco.fr\"]");
    refused_at(&text, 44, 31, &["clients[1].members[1]", "paul@da-marco.fr", "client reviewer"]).await;
}

#[tokio::test]
async fn a_bad_later_client_keeps_the_good_earlier_one_and_the_users_out_too() {
    refused_at(&with_line(42, "time_zone = \"Mars/Olympus\""), 42, 13, &["clients[1].time_zone", "Mars/Olympus"]).await;
    refused_at(&with_line(43, "languages = [\"fr\", \"xx\"]"), 43, 13, &["clients[1].languages", "xx"]).await;
}

#[tokio::test]
async fn a_file_of_another_version_is_refused_at_its_version() {
    refused_at(&with_line(2, "version = 2"), 2, 11, &["version", "reads version 1", "says 2"]).await;
}

#[tokio::test]
async fn a_charter_breaking_its_own_rules_is_refused() {
    let text = with_line(29, "required_hashtags = [\"pizza\", \"lyon\", \"four\"]")
        .replace("banned = [\"pas cher\"]", "max_hashtags = 2");
    refused_at(&text, 26, 1, &["clients[0].charter.max_hashtags"]).await;
}

#[tokio::test]
async fn broken_toml_is_refused_where_it_breaks() {
    refused_at(&with_line(16, "name = \"Pizzeria Da Marco"), 16, 26, &[]).await;
}

#[tokio::test]
async fn a_bad_user_is_refused_at_its_value() {
    refused_at(&with_line(5, "email = \"marie\""), 5, 9, &["users[0].email", "'marie'"]).await;
    refused_at(&with_line(7, "role = \"admin\""), 7, 8, &["users[0].role", "admin"]).await;
    refused_at(&with_line(10, "email = \"MARIE@agence.fr\""), 10, 9, &["users[1].email", "appears twice"]).await;
}

#[tokio::test]
async fn an_import_cannot_give_an_existing_client_reviewer_a_second_client() {
    let t = TestApp::new().await;
    let lea = t.client("osteo-lea", "Cabinet Léa").await;
    let paul = t.user("paul@da-marco.fr", Role::ClientReviewer, &[lea.id]).await;
    // The file only has da-marco (paul's membership of osteo-lea is in the database, not in it).
    let text = BASE[..38].join("\n");

    let err = match t.app.import_workspace(&t.operator, "agence.toml", &text).await {
        Err(AppError::Workspace(err)) => err,
        other => panic!("expected a workspace error, got {other:?}"),
    };
    assert_eq!((err.line, err.column), (20, 31), "{err}");
    assert!(err.message.contains("paul@da-marco.fr") && err.message.contains("client reviewer"), "{err}");
    assert_eq!(t.client_count().await, 1, "nothing written");
    assert_eq!(t.user_count().await, 1);
    let users = t.app.users(&t.operator).await.unwrap();
    assert_eq!(users.iter().find(|u| u.user.id == paul).unwrap().clients, vec![lea.id]);
}

#[tokio::test]
async fn inbox_rules_with_a_mistake_are_refused_at_their_clients_inbox() {
    let text = with_line(38, "[clients.inbox]\nrules = \"when intnet = spam then done\"\n");
    refused_at(&text, 38, 1, &["clients[0].inbox.rules", "line 1, column 6", "intnet"]).await;
    let text = with_line(38, "[clients.inbox]\nrota = \"sam 10:00-12:00 inconnu@agence.fr\"\n");
    refused_at(&text, 38, 1, &["clients[0].inbox.rota", "inconnu@agence.fr", "not a member"]).await;
    let text =
        with_line(38, "[clients.inbox]\n[[clients.inbox.saved_replies]]\nname = \"x\"\nbody = \"Bonjour {prenon}\"\n");
    let err = refused_at(&text, 38, 1, &["saved_replies[0].body", "prenon"]).await;
    assert!(err.message.contains("column 9"), "{err}");
}
