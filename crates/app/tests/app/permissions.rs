//! Who may do what: membership hides clients ("not found"), roles limit what members do
//! ("forbidden"), and the rules on owners and client reviewers hold.

use filrouge_app::accounts::CredentialsChange;
use filrouge_app::clients::Identity;
use filrouge_app::journal::JournalFilter;
use filrouge_app::users::NewUserInput;
use filrouge_app::{Actor, AppError};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::{Brief, Charter, CompetitorProfile};
use filrouge_domain::ids::{AccountId, ClientId, CompetitorId, UserId};
use filrouge_domain::permission::Action;
use filrouge_domain::user::Role;

use crate::helpers::{assert_forbidden, assert_invalid, assert_not_found, profile, TestApp, PASSWORD};

fn instagram(handle: &str) -> AccountProfile {
    AccountProfile { network: Network::Instagram, handle: handle.into(), display_name: String::new() }
}

fn competitor(name: &str) -> CompetitorProfile {
    CompetitorProfile { name: name.into(), handles: vec!["@rival".into()], sites: vec!["https://rival.example".into()] }
}

fn identity() -> Identity {
    Identity {
        name: "Nouveau nom".into(),
        colour: "#112233".into(),
        time_zone: "Europe/Paris".into(),
        languages: vec!["fr".into()],
    }
}

fn new_user(email: &str, role: Role, clients: Vec<ClientId>) -> NewUserInput {
    NewUserInput {
        email: email.into(),
        name: "Quelqu'un".into(),
        role,
        password: PASSWORD.into(),
        ui_lang: None,
        clients,
    }
}

/// A client with something of everything, seeded by the operator.
struct Seeded {
    id: ClientId,
    slug: &'static str,
    competitor: CompetitorId,
    account: AccountId,
    member: UserId,
}

async fn seed(t: &TestApp, slug: &'static str, member_email: &str) -> Seeded {
    let client = t.client(slug, &format!("Client {slug}")).await;
    let competitor = t.app.add_competitor(&t.operator, slug, competitor("Rival")).await.unwrap();
    let account = t
        .app
        .add_account(&t.operator, slug, instagram(&format!("@{slug}")), Some("a-long-enough-token-1234".into()))
        .await
        .unwrap();
    let member = t.user(member_email, Role::CommunityManager, &[client.id]).await;
    Seeded { id: client.id, slug, competitor, account, member }
}

/// Every client-scoped use-case, tried by `actor` on `c`; returns each outcome as a unit result.
async fn try_everything(
    t: &TestApp,
    actor: &Actor,
    c: &Seeded,
    other_user: UserId,
) -> Vec<(&'static str, Result<(), AppError>)> {
    let s = c.slug;
    let app = &t.app;
    vec![
        ("client/view", app.client(actor, s, Action::ViewClient).await.map(drop)),
        ("client/settings", app.client(actor, s, Action::ViewClientSettings).await.map(drop)),
        ("client/calendar", app.client(actor, s, Action::ViewCalendar).await.map(drop)),
        ("competitors", app.competitors(actor, s).await.map(drop)),
        ("accounts", app.accounts(actor, s).await.map(drop)),
        ("members", app.members(actor, s).await.map(drop)),
        ("client_journal", app.client_journal(actor, s, &JournalFilter::default()).await.map(drop)),
        ("account_credentials", app.account_credentials(actor, s, c.account).await.map(drop)),
        ("add_note", app.add_note(actor, s, "une note").await),
        (
            "update_charter",
            app.update_charter(actor, s, Charter { tone: "chaleureux".into(), ..Charter::default() }).await.map(drop),
        ),
        (
            "update_brief",
            app.update_brief(actor, s, Brief { goals: "plus de clients".into(), ..Brief::default() }).await.map(drop),
        ),
        ("update_identity", app.update_identity(actor, s, identity()).await.map(drop)),
        ("add_competitor", app.add_competitor(actor, s, competitor("Autre")).await.map(drop)),
        ("remove_competitor", app.remove_competitor(actor, s, c.competitor).await),
        (
            "add_account",
            app.add_account(actor, s, instagram("@nouveau"), Some("another-long-token-5678".into())).await.map(drop),
        ),
        (
            "edit_account",
            app.edit_account(
                actor,
                s,
                c.account,
                instagram("@renamed"),
                None,
                CredentialsChange::Replace("stolen-token-000000".into()),
            )
            .await,
        ),
        ("remove_account", app.remove_account(actor, s, c.account).await),
        ("add_member", app.add_member(actor, s, other_user).await),
        ("remove_member", app.remove_member(actor, s, c.member).await),
        ("set_archived", app.set_archived(actor, s, true).await),
    ]
}

const READS: [&str; 7] =
    ["client/view", "client/settings", "client/calendar", "competitors", "accounts", "members", "client_journal"];

#[tokio::test]
async fn a_community_manager_cannot_see_or_touch_a_client_they_do_not_belong_to() {
    let t = TestApp::new().await;
    let a = seed(&t, "da-marco", "gerant@da-marco.fr").await;
    let b = seed(&t, "osteo-lea", "lea@osteo.fr").await;
    let cm = t.member("marie@agence.fr", Role::CommunityManager, &[a.id]).await;
    let journal_before = t.journal(b.slug).await;
    let accounts_before = t.app.accounts(&t.operator, b.slug).await.unwrap();

    let visible: Vec<_> = t.app.visible_clients(&cm).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(visible, vec![a.id]);

    let outcomes = try_everything(&t, &cm, &b, cm.user_id().unwrap()).await;
    assert_eq!(outcomes.len(), 20);
    for (what, result) in outcomes {
        assert_not_found(what, result);
    }
    // A client that does not exist gets exactly the same answer.
    assert_not_found("unknown slug", t.app.client(&cm, "nulle-part", Action::ViewClient).await);

    // An account of B cannot be reached through A's address either.
    assert_not_found("credentials of B via A", t.app.account_credentials(&cm, a.slug, b.account).await);
    assert_not_found("remove B's account via A", t.app.remove_account(&cm, a.slug, b.account).await);
    assert_not_found("remove B's competitor via A", t.app.remove_competitor(&cm, a.slug, b.competitor).await);

    assert_eq!(t.journal(b.slug).await, journal_before, "nothing happened on B");
    assert_eq!(t.app.accounts(&t.operator, b.slug).await.unwrap(), accounts_before);
    let b_now = t.app.client(&t.operator, b.slug, Action::ViewClient).await.unwrap();
    assert_eq!(b_now.profile, profile(b.slug, "Client osteo-lea"));
    assert!(!b_now.archived);
}

#[tokio::test]
async fn every_role_but_the_owner_is_a_stranger_to_clients_it_does_not_belong_to() {
    let t = TestApp::new().await;
    let a = seed(&t, "da-marco", "gerant@da-marco.fr").await;
    let b = seed(&t, "osteo-lea", "lea@osteo.fr").await;
    for (email, role) in [
        ("manager@agence.fr", Role::Manager),
        ("analyst@agence.fr", Role::Analyst),
        ("reviewer@da-marco.fr", Role::ClientReviewer),
    ] {
        let actor = t.member(email, role, &[a.id]).await;
        for (what, result) in try_everything(&t, &actor, &b, actor.user_id().unwrap()).await {
            assert_not_found(&format!("{role:?} {what}"), result);
        }
    }
    let owner = t.member("patronne@agence.fr", Role::Owner, &[]).await;
    let mut all: Vec<_> = t.app.visible_clients(&owner).await.unwrap().into_iter().map(|c| c.id).collect();
    all.sort();
    assert_eq!(all, vec![a.id, b.id], "an owner sees every client without belonging to it");
    t.app.client(&owner, b.slug, Action::ViewClientSettings).await.unwrap();
}

#[tokio::test]
async fn an_analyst_reads_its_client_but_changes_nothing() {
    let t = TestApp::new().await;
    let a = seed(&t, "da-marco", "gerant@da-marco.fr").await;
    let outsider = t.user("sophie@agence.fr", Role::CommunityManager, &[]).await;
    let analyst = t.member("alex@agence.fr", Role::Analyst, &[a.id]).await;
    let journal_before = t.journal(a.slug).await;

    for (what, result) in try_everything(&t, &analyst, &a, outsider).await {
        if READS.contains(&what) {
            assert!(result.is_ok(), "{what}: an analyst reads, got {result:?}");
        } else {
            assert_forbidden(what, result);
        }
    }
    assert_eq!(t.app.accounts(&analyst, a.slug).await.unwrap().len(), 1);
    assert_eq!(t.app.competitors(&analyst, a.slug).await.unwrap().len(), 1);
    assert_forbidden("create_client", t.app.create_client(&analyst, profile("autre", "Autre")).await);
    assert_forbidden("users", t.app.users(&analyst).await);
    assert_forbidden(
        "create_user",
        t.app.create_user(&analyst, new_user("x@agence.fr", Role::Analyst, vec![a.id])).await,
    );
    assert_forbidden("export", t.app.export_workspace(&analyst).await);
    assert_eq!(t.journal(a.slug).await, journal_before, "nothing happened");
}

#[tokio::test]
async fn a_community_manager_works_on_its_client_but_does_not_choose_its_members() {
    let t = TestApp::new().await;
    let a = seed(&t, "da-marco", "gerant@da-marco.fr").await;
    let outsider = t.user("sophie@agence.fr", Role::CommunityManager, &[]).await;
    let cm = t.member("marie@agence.fr", Role::CommunityManager, &[a.id]).await;

    for (what, result) in try_everything(&t, &cm, &a, outsider).await {
        if matches!(what, "add_member" | "remove_member" | "set_archived") {
            assert_forbidden(what, result);
        } else {
            assert!(result.is_ok(), "{what}: a community manager may, got {result:?}");
        }
    }
    assert_forbidden("create_client", t.app.create_client(&cm, profile("autre", "Autre")).await);
    assert_forbidden("users", t.app.users(&cm).await);
}

#[tokio::test]
async fn a_client_reviewer_sees_only_its_client_and_neither_its_settings_nor_its_journal() {
    let t = TestApp::new().await;
    let a = seed(&t, "da-marco", "gerant@da-marco.fr").await;
    let b = seed(&t, "osteo-lea", "lea@osteo.fr").await;
    let reviewer = t.member("paul@da-marco.fr", Role::ClientReviewer, &[a.id]).await;

    let visible: Vec<_> = t.app.visible_clients(&reviewer).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(visible, vec![a.id]);
    assert_eq!(t.app.client(&reviewer, a.slug, Action::ViewClient).await.unwrap().id, a.id);
    assert_eq!(t.app.client(&reviewer, a.slug, Action::ViewCalendar).await.unwrap().id, a.id);

    for (what, result) in try_everything(&t, &reviewer, &a, b.member).await {
        if matches!(what, "client/view" | "client/calendar") {
            assert!(result.is_ok(), "{what}: {result:?}");
        } else {
            assert_forbidden(what, result);
        }
    }
    assert_not_found("the other client", t.app.client(&reviewer, b.slug, Action::ViewClient).await);
}

#[tokio::test]
async fn a_manager_can_neither_create_an_owner_nor_touch_one() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let owner = t.user("patronne@agence.fr", Role::Owner, &[]).await;
    let cm = t.user("marie@agence.fr", Role::CommunityManager, &[a.id]).await;
    let manager = t.member("chef@agence.fr", Role::Manager, &[a.id]).await;
    let users_before = t.app.users(&t.operator).await.unwrap();

    assert_forbidden(
        "create an owner",
        t.app.create_user(&manager, new_user("boss@agence.fr", Role::Owner, vec![])).await,
    );
    assert_forbidden("promote to owner", t.app.edit_user(&manager, cm, "Marie", Role::Owner, false).await);
    assert_forbidden("demote an owner", t.app.edit_user(&manager, owner, "Patronne", Role::Manager, false).await);
    assert_forbidden("disable an owner", t.app.edit_user(&manager, owner, "Patronne", Role::Owner, true).await);
    assert_forbidden(
        "reset an owner's password",
        t.app.set_password(&manager, "patronne@agence.fr", "un nouveau mot de passe").await,
    );
    assert_eq!(t.app.users(&t.operator).await.unwrap(), users_before, "nothing changed");

    // What a manager may do: users of the clients they belong to, below owner.
    let b = t.client("osteo-lea", "Ostéo Léa").await;
    t.app.create_user(&manager, new_user("new@agence.fr", Role::CommunityManager, vec![a.id])).await.unwrap();
    assert_not_found(
        "a member of a client the manager is not in",
        t.app.create_user(&manager, new_user("n2@agence.fr", Role::Analyst, vec![b.id])).await,
    );
    t.app.edit_user(&manager, cm, "Marie", Role::Analyst, false).await.unwrap();
    assert_eq!(t.app.users(&t.operator).await.unwrap().len(), users_before.len() + 1);
}

#[tokio::test]
async fn the_last_active_owner_can_be_neither_demoted_nor_disabled() {
    let t = TestApp::new().await;
    let first = t.user("patronne@agence.fr", Role::Owner, &[]).await;
    let herself = t.signed_in("patronne@agence.fr").await;

    assert_invalid(
        "demote the only owner",
        t.app.edit_user(&t.operator, first, "Patronne", Role::Manager, false).await,
        "role",
    );
    assert_invalid(
        "disable the only owner",
        t.app.edit_user(&t.operator, first, "Patronne", Role::Owner, true).await,
        "role",
    );
    assert_invalid("demote herself", t.app.edit_user(&herself, first, "Patronne", Role::Manager, false).await, "role");

    // A disabled owner does not count.
    let second = t.user("associe@agence.fr", Role::Owner, &[]).await;
    t.app.edit_user(&t.operator, second, "Associé", Role::Owner, true).await.unwrap();
    assert_invalid(
        "demote the only active owner",
        t.app.edit_user(&t.operator, first, "Patronne", Role::Manager, false).await,
        "role",
    );

    let users = t.app.users(&t.operator).await.unwrap();
    let patronne = users.iter().find(|u| u.user.id == first).unwrap();
    assert_eq!(patronne.user.role, Role::Owner);
    assert!(!patronne.user.disabled);
    assert!(t.app.session(&t.sign_in("patronne@agence.fr").await).await.unwrap().is_some());

    // With another active owner, the first may step down.
    t.app.edit_user(&t.operator, second, "Associé", Role::Owner, false).await.unwrap();
    t.app.edit_user(&t.operator, first, "Patronne", Role::Manager, false).await.unwrap();
    assert_invalid(
        "and now the second is the last",
        t.app.edit_user(&t.operator, second, "Associé", Role::Owner, true).await,
        "role",
    );
}

#[tokio::test]
async fn a_client_reviewer_belongs_to_exactly_one_client() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let b = t.client("osteo-lea", "Ostéo Léa").await;

    assert_invalid(
        "no client",
        t.app.create_user(&t.operator, new_user("paul@da-marco.fr", Role::ClientReviewer, vec![])).await,
        "clients",
    );
    assert_invalid(
        "two clients",
        t.app.create_user(&t.operator, new_user("paul@da-marco.fr", Role::ClientReviewer, vec![a.id, b.id])).await,
        "clients",
    );
    assert_eq!(t.user_count().await, 0, "no user was created");

    let paul =
        t.app.create_user(&t.operator, new_user("paul@da-marco.fr", Role::ClientReviewer, vec![a.id])).await.unwrap();
    assert_invalid("a second client", t.app.add_member(&t.operator, "osteo-lea", paul).await, "members");
    t.app.add_member(&t.operator, "da-marco", paul).await.unwrap();
    let users = t.app.users(&t.operator).await.unwrap();
    assert_eq!(users.iter().find(|u| u.user.id == paul).unwrap().clients, vec![a.id]);
    assert!(t.app.members(&t.operator, "osteo-lea").await.unwrap().is_empty());

    // Nor can someone who belongs to two clients become a reviewer.
    let marie = t.user("marie@agence.fr", Role::CommunityManager, &[a.id, b.id]).await;
    assert_invalid(
        "become a reviewer",
        t.app.edit_user(&t.operator, marie, "Marie", Role::ClientReviewer, false).await,
        "role",
    );
}

#[tokio::test]
async fn a_reviewer_removed_from_its_client_is_signed_out() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let paul = t.user("paul@da-marco.fr", Role::ClientReviewer, &[a.id]).await;
    let marie = t.user("marie@agence.fr", Role::CommunityManager, &[a.id]).await;
    let paul_session = t.sign_in("paul@da-marco.fr").await;
    let marie_session = t.sign_in("marie@agence.fr").await;

    t.app.remove_member(&t.operator, "da-marco", paul).await.unwrap();
    t.app.remove_member(&t.operator, "da-marco", marie).await.unwrap();

    assert!(t.app.session(&paul_session).await.unwrap().is_none());
    let marie_now = t.app.session(&marie_session).await.unwrap().expect("others keep their session");
    assert!(marie_now.actor.memberships.is_empty());
}

#[tokio::test]
async fn only_the_owner_imports_a_workspace() {
    let t = TestApp::new().await;
    let manager = t.member("chef@agence.fr", Role::Manager, &[]).await;
    let owner = t.member("patronne@agence.fr", Role::Owner, &[]).await;
    let text = "version = 1\n";
    assert_forbidden("manager import", t.app.import_workspace(&manager, "ws.toml", text).await);
    t.app.export_workspace(&manager).await.unwrap();
    t.app.import_workspace(&owner, "ws.toml", text).await.unwrap();
}
