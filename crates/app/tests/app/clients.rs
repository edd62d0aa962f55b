//! Client use-cases as seen by the people allowed to use them: creating, editing, archiving,
//! competitors and members.

use filrouge_app::clients::Identity;
use filrouge_app::AppError;
use filrouge_domain::client::{AddressForm, Brief, Charter, CompetitorProfile, EmojiPolicy};
use filrouge_domain::ids::CompetitorId;
use filrouge_domain::locale::Lang;
use filrouge_domain::permission::Action;
use filrouge_domain::user::Role;

use crate::helpers::{assert_invalid, assert_not_found, profile, TestApp};

#[tokio::test]
async fn a_manager_who_creates_a_client_becomes_one_of_its_members() {
    let t = TestApp::new().await;
    let manager = t.member("chef@agence.fr", Role::Manager, &[]).await;

    let client = t.app.create_client(&manager, profile("da-marco", "Pizzeria Da Marco")).await.unwrap();

    let members: Vec<_> = t.app.members(&t.operator, "da-marco").await.unwrap().into_iter().map(|u| u.id).collect();
    assert_eq!(members, vec![manager.user_id().unwrap()]);
    let fresh = t.signed_in("chef@agence.fr").await;
    assert_eq!(fresh.memberships, vec![client.id]);
    assert_eq!(t.app.visible_clients(&fresh).await.unwrap(), vec![client]);
}

#[tokio::test]
async fn an_owner_who_creates_a_client_does_not_need_to_join_it() {
    let t = TestApp::new().await;
    let owner = t.member("patronne@agence.fr", Role::Owner, &[]).await;
    t.app.create_client(&owner, profile("da-marco", "Pizzeria Da Marco")).await.unwrap();
    assert!(t.app.members(&owner, "da-marco").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_slug_is_taken_only_once() {
    let t = TestApp::new().await;
    t.client("da-marco", "Pizzeria Da Marco").await;
    match t.app.create_client(&t.operator, profile("da-marco", "Une autre")).await {
        Err(AppError::Conflict(_)) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(t.client_count().await, 1);
}

#[tokio::test]
async fn a_client_profile_is_checked_before_anything_is_stored() {
    let t = TestApp::new().await;
    assert_invalid("blank name", t.app.create_client(&t.operator, profile("da-marco", "   ")).await, "name");
    let mut no_language = profile("da-marco", "Da Marco");
    no_language.languages.clear();
    assert_invalid("no language", t.app.create_client(&t.operator, no_language).await, "languages");
    let mut twice = profile("da-marco", "Da Marco");
    twice.languages = vec![Lang::Fr, Lang::Fr];
    assert_invalid("a language twice", t.app.create_client(&t.operator, twice).await, "languages");
    assert_eq!(t.client_count().await, 0);
}

#[tokio::test]
async fn the_charter_is_stored_normalised_and_refused_when_inconsistent() {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let charter = Charter {
        address: AddressForm::Tu,
        tone: "  chaleureux, un brin d'humour ".into(),
        banned: vec!["pas cher".into(), " ".into(), "PAS CHER".into()],
        required_hashtags: vec!["pizza".into(), "#Lyon".into()],
        signature: "— Marco".into(),
        max_hashtags: 4,
        emoji: EmojiPolicy::None,
        ..Charter::default()
    };

    let saved = t.app.update_charter(&t.operator, "da-marco", charter).await.unwrap();
    let stored = t.app.client(&t.operator, "da-marco", Action::ViewClientSettings).await.unwrap();
    assert_eq!(stored, saved);
    assert_eq!(stored.profile.charter.tone, "chaleureux, un brin d'humour");
    assert_eq!(stored.profile.charter.banned, vec!["pas cher"]);
    assert_eq!(stored.profile.charter.required_hashtags, vec!["#pizza", "#Lyon"]);
    assert_eq!(stored.profile.charter.address, AddressForm::Tu);

    let too_few = Charter { required_hashtags: vec!["a".into(), "b".into()], max_hashtags: 1, ..Charter::default() };
    assert_invalid(
        "max below required",
        t.app.update_charter(&t.operator, "da-marco", too_few).await,
        "charter.max_hashtags",
    );
    let bad_tag = Charter { required_hashtags: vec!["pas un tag".into()], ..Charter::default() };
    assert_invalid(
        "not a hashtag",
        t.app.update_charter(&t.operator, "da-marco", bad_tag).await,
        "charter.required_hashtags",
    );
    let after = t.app.client(&t.operator, "da-marco", Action::ViewClientSettings).await.unwrap();
    assert_eq!(after, stored, "a refused charter changes nothing");
}

#[tokio::test]
async fn the_brief_and_identity_are_edited_and_checked() {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let brief = Brief {
        activity: "Pizzeria".into(),
        keywords: vec!["pizza".into(), "Pizza".into(), "four".into()],
        ..Brief::default()
    };
    let saved = t.app.update_brief(&t.operator, "da-marco", brief).await.unwrap();
    assert_eq!(saved.profile.brief.keywords, vec!["pizza", "four"]);

    let good = Identity {
        name: "Pizzeria Da Marco".into(),
        colour: "#AABBCC".into(),
        time_zone: "America/Toronto".into(),
        languages: vec!["fr".into(), "en".into()],
    };
    for (field, bad) in [
        ("colour", Identity { colour: "rouge".into(), ..good.clone() }),
        ("time_zone", Identity { time_zone: "Europe/Lyon".into(), ..good.clone() }),
        ("language", Identity { languages: vec!["klingon".into()], ..good.clone() }),
        ("name", Identity { name: String::new(), ..good.clone() }),
    ] {
        assert_invalid(field, t.app.update_identity(&t.operator, "da-marco", bad).await, field);
    }
    let unchanged = t.app.client(&t.operator, "da-marco", Action::ViewClient).await.unwrap();
    assert_eq!(unchanged.profile.name, "Da Marco");

    let changed = t.app.update_identity(&t.operator, "da-marco", good).await.unwrap();
    assert_eq!(changed.profile.colour.as_str(), "#aabbcc");
    assert_eq!(changed.profile.time_zone.as_str(), "America/Toronto");
    assert_eq!(changed.profile.languages, vec![Lang::Fr, Lang::En]);
    assert_eq!(changed.profile.brief, saved.profile.brief, "the brief is left alone");
}

#[tokio::test]
async fn archived_clients_are_listed_last_and_can_be_restored() {
    let t = TestApp::new().await;
    let a = t.client("alpha", "Alpha").await;
    let b = t.client("beta", "Beta").await;
    let c = t.client("gamma", "Gamma").await;

    t.app.set_archived(&t.operator, "alpha", true).await.unwrap();
    let order: Vec<_> =
        t.app.visible_clients(&t.operator).await.unwrap().into_iter().map(|c| (c.id, c.archived)).collect();
    assert_eq!(order, vec![(b.id, false), (c.id, false), (a.id, true)]);

    t.app.set_archived(&t.operator, "alpha", false).await.unwrap();
    assert!(!t.app.client(&t.operator, "alpha", Action::ViewClient).await.unwrap().archived);
}

#[tokio::test]
async fn competitors_keep_their_order_and_are_removed_by_id_within_their_client() {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    t.client("osteo-lea", "Ostéo Léa").await;
    let mut ids = Vec::new();
    for name in ["Pizza Hut", "Domino's", "Del Arte"] {
        let p = CompetitorProfile { name: name.into(), handles: vec![format!("@{name}")], sites: vec![] };
        ids.push(t.app.add_competitor(&t.operator, "da-marco", p).await.unwrap());
    }
    let elsewhere = t
        .app
        .add_competitor(
            &t.operator,
            "osteo-lea",
            CompetitorProfile { name: "Kiné".into(), ..CompetitorProfile::default() },
        )
        .await
        .unwrap();

    let bad =
        CompetitorProfile { name: "Rival".into(), sites: vec!["rival.fr".into()], ..CompetitorProfile::default() };
    assert_invalid("a site without scheme", t.app.add_competitor(&t.operator, "da-marco", bad).await, "sites");

    t.app.remove_competitor(&t.operator, "da-marco", ids[1]).await.unwrap();
    assert_not_found("removed twice", t.app.remove_competitor(&t.operator, "da-marco", ids[1]).await);
    assert_not_found("never existed", t.app.remove_competitor(&t.operator, "da-marco", CompetitorId(9999)).await);
    assert_not_found("another client's", t.app.remove_competitor(&t.operator, "da-marco", elsewhere).await);

    let names: Vec<_> =
        t.app.competitors(&t.operator, "da-marco").await.unwrap().into_iter().map(|c| c.profile.name).collect();
    assert_eq!(names, vec!["Pizza Hut", "Del Arte"]);
    assert_eq!(t.app.competitors(&t.operator, "osteo-lea").await.unwrap().len(), 1);
}

#[tokio::test]
async fn members_are_listed_by_name_and_come_and_go() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let zoe = t.user("zoe@agence.fr", Role::CommunityManager, &[]).await;
    t.user("alex@agence.fr", Role::Analyst, &[a.id]).await;

    t.app.add_member(&t.operator, "da-marco", zoe).await.unwrap();
    let names: Vec<_> = t.app.members(&t.operator, "da-marco").await.unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(names, vec!["Alex", "Zoe"]);

    t.app.remove_member(&t.operator, "da-marco", zoe).await.unwrap();
    let names: Vec<_> = t.app.members(&t.operator, "da-marco").await.unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(names, vec!["Alex"]);
    assert_not_found(
        "an unknown user",
        t.app.add_member(&t.operator, "da-marco", filrouge_domain::ids::UserId(4242)).await,
    );
}
