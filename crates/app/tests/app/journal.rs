//! The journal: one entry per change, naming who did it, and days cut in the client's time zone.

use filrouge_app::accounts::CredentialsChange;
use filrouge_app::journal::JournalFilter;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::{Brief, Charter, CompetitorProfile};
use filrouge_domain::journal::{JournalAction, JournalEntry};
use filrouge_domain::user::Role;
use jiff::civil::date;

use crate::helpers::{assert_forbidden, assert_invalid, profile, profile_in, TestApp};

fn mastodon(handle: &str) -> AccountProfile {
    AccountProfile { network: Network::Mastodon, handle: handle.into(), display_name: "Da Marco".into() }
}

/// Runs `change`, then checks the client's journal grew by exactly one entry, of `action`, by
/// `actor`, about that client; returns the entry.
async fn one_entry(
    t: &TestApp,
    actor: &Actor,
    slug: &str,
    action: JournalAction,
    before: &mut Vec<JournalEntry>,
) -> JournalEntry {
    let after = t.journal(slug).await;
    assert_eq!(after.len(), before.len() + 1, "{action:?}: exactly one new entry, journal is {after:#?}");
    assert_eq!(&after[1..], &before[..], "{action:?}: earlier entries are untouched");
    let newest = after[0].clone();
    assert_eq!(newest.action, action);
    assert_eq!(newest.user_id, actor.user_id(), "{action:?}: the author");
    assert_eq!(newest.user_name, actor.user.as_ref().map(|u| u.name.clone()));
    let client = t.app.client(&t.operator, slug, filrouge_domain::permission::Action::ViewClient).await.unwrap();
    assert_eq!(newest.client_id, Some(client.id));
    assert_eq!(newest.at, t.app.now());
    *before = after;
    newest
}

#[tokio::test]
async fn every_change_to_a_client_appends_exactly_one_entry_naming_its_author() {
    let t = TestApp::new().await;
    let colleague = t.user("zoe@agence.fr", Role::CommunityManager, &[]).await;
    let manager = t.member("chef@agence.fr", Role::Manager, &[]).await;
    let slug = "da-marco";

    t.app.create_client(&manager, profile(slug, "Da Marco")).await.unwrap();
    let mut seen = Vec::new();
    let e = one_entry(&t, &manager, slug, JournalAction::ClientCreated, &mut seen).await;
    assert!(e.summary.contains("Da Marco"), "{}", e.summary);
    // The manager now belongs to the client: act with a fresh session, as the web app would.
    let manager = t.signed_in("chef@agence.fr").await;

    t.app.update_charter(&manager, slug, Charter { tone: "chaleureux".into(), ..Charter::default() }).await.unwrap();
    one_entry(&t, &manager, slug, JournalAction::CharterEdited, &mut seen).await;

    t.app.update_brief(&manager, slug, Brief { goals: "remplir la salle".into(), ..Brief::default() }).await.unwrap();
    one_entry(&t, &manager, slug, JournalAction::BriefEdited, &mut seen).await;

    t.advance(jiff::SignedDuration::from_mins(3));
    let competitor = t
        .app
        .add_competitor(&manager, slug, CompetitorProfile { name: "Pizza Hut".into(), ..CompetitorProfile::default() })
        .await
        .unwrap();
    let e = one_entry(&t, &manager, slug, JournalAction::CompetitorAdded, &mut seen).await;
    assert_eq!(e.object, format!("competitor:{competitor}"));

    t.app.remove_competitor(&manager, slug, competitor).await.unwrap();
    one_entry(&t, &manager, slug, JournalAction::CompetitorRemoved, &mut seen).await;

    let account = t.app.add_account(&manager, slug, mastodon("@damarco@piaille.fr"), None).await.unwrap();
    let e = one_entry(&t, &manager, slug, JournalAction::AccountAdded, &mut seen).await;
    assert_eq!(e.account_id, Some(account));

    t.app
        .edit_account(&manager, slug, account, mastodon("@damarco@piaille.fr"), None, CredentialsChange::Keep)
        .await
        .unwrap();
    let e = one_entry(&t, &manager, slug, JournalAction::AccountEdited, &mut seen).await;
    assert_eq!(e.account_id, Some(account));

    t.app.remove_account(&manager, slug, account).await.unwrap();
    let e = one_entry(&t, &manager, slug, JournalAction::AccountRemoved, &mut seen).await;
    assert_eq!(e.account_id, Some(account));

    t.app.add_member(&manager, slug, colleague).await.unwrap();
    let e = one_entry(&t, &manager, slug, JournalAction::MemberAdded, &mut seen).await;
    assert_eq!(e.object, "user:zoe@agence.fr");

    t.app.remove_member(&manager, slug, colleague).await.unwrap();
    one_entry(&t, &manager, slug, JournalAction::MemberRemoved, &mut seen).await;

    t.app.add_note(&manager, slug, "  Appelé Marco : il veut plus de vidéos.  ").await.unwrap();
    let e = one_entry(&t, &manager, slug, JournalAction::Note, &mut seen).await;
    assert_eq!(e.summary, "Appelé Marco : il veut plus de vidéos.");

    t.app.set_archived(&manager, slug, true).await.unwrap();
    one_entry(&t, &manager, slug, JournalAction::ClientArchived, &mut seen).await;
}

#[tokio::test]
async fn changes_by_the_operator_are_journaled_without_a_user() {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    t.app.add_note(&t.operator, "da-marco", "importé à la main").await.unwrap();
    let journal = t.journal("da-marco").await;
    assert_eq!(
        journal.iter().map(|e| e.action).collect::<Vec<_>>(),
        vec![JournalAction::Note, JournalAction::ClientCreated]
    );
    assert!(journal.iter().all(|e| e.user_id.is_none() && e.user_name.is_none()));
}

#[tokio::test]
async fn a_community_managers_changes_carry_their_name() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let cm = t.member("marie@agence.fr", Role::CommunityManager, &[a.id]).await;
    let mut seen = t.journal("da-marco").await;

    t.app
        .add_account(&cm, "da-marco", mastodon("@damarco@piaille.fr"), Some("a-token-long-enough-42".into()))
        .await
        .unwrap();
    one_entry(&t, &cm, "da-marco", JournalAction::AccountAdded, &mut seen).await;
    t.app.add_note(&cm, "da-marco", "Post publié").await.unwrap();
    let e = one_entry(&t, &cm, "da-marco", JournalAction::Note, &mut seen).await;
    assert_eq!(e.user_name.as_deref(), Some("Marie"));
}

#[tokio::test]
async fn replacing_credentials_journals_the_credentials_change_beside_the_edit() {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let id = t
        .app
        .add_account(&t.operator, "da-marco", mastodon("@damarco@piaille.fr"), Some("first-token-abcdefgh".into()))
        .await
        .unwrap();
    let before = t.journal("da-marco").await.len();

    t.app
        .edit_account(
            &t.operator,
            "da-marco",
            id,
            mastodon("@damarco@piaille.fr"),
            None,
            CredentialsChange::Replace("second-token-ijklmnop".into()),
        )
        .await
        .unwrap();

    let journal = t.journal("da-marco").await;
    assert_eq!(journal.len(), before + 2);
    let newest: Vec<_> = journal[..2].iter().map(|e| (e.action, e.account_id)).collect();
    assert_eq!(newest, vec![(JournalAction::AccountEdited, Some(id)), (JournalAction::CredentialsChanged, Some(id))]);
    assert!(journal.iter().all(|e| !e.summary.contains("token")), "no secret in the journal");
}

#[tokio::test]
async fn a_change_that_does_not_happen_leaves_no_entry() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let zoe = t.user("zoe@agence.fr", Role::CommunityManager, &[a.id]).await;
    let analyst = t.member("alex@agence.fr", Role::Analyst, &[a.id]).await;
    let before = t.journal("da-marco").await;

    assert_forbidden("analyst note", t.app.add_note(&analyst, "da-marco", "coucou").await);
    assert_invalid("blank note", t.app.add_note(&t.operator, "da-marco", "   ").await, "note");
    let bad = Charter { max_hashtags: 99, ..Charter::default() };
    assert_invalid("bad charter", t.app.update_charter(&t.operator, "da-marco", bad).await, "max_hashtags");
    t.app.add_member(&t.operator, "da-marco", zoe).await.unwrap(); // already a member
    t.app.remove_member(&t.operator, "da-marco", analyst.user_id().unwrap()).await.unwrap();
    t.app.remove_member(&t.operator, "da-marco", analyst.user_id().unwrap()).await.unwrap(); // not any more

    let after = t.journal("da-marco").await;
    assert_eq!(after.len(), before.len() + 1, "only the one real removal: {after:#?}");
    assert_eq!(after[0].action, JournalAction::MemberRemoved);
}

#[tokio::test]
async fn journal_days_are_cut_in_the_clients_time_zone() {
    let t = TestApp::new().await;
    t.set_time("2026-06-01T12:00:00Z");
    t.app.create_client(&t.operator, profile_in("da-marco", "Da Marco", "Europe/Paris")).await.unwrap();
    t.app.create_client(&t.operator, profile_in("big-apple", "Big Apple", "America/New_York")).await.unwrap();

    // Paris is UTC+2 in summer, New York UTC-4.
    for (utc, note) in [
        ("2026-06-30T21:59:59Z", "dernier du 30"),
        ("2026-06-30T22:00:00Z", "premier du 1er"),
        ("2026-06-30T23:30:00Z", "tard le soir"),
        ("2026-07-01T21:59:59Z", "dernier du 1er"),
        ("2026-07-01T22:00:00Z", "premier du 2"),
    ] {
        t.set_time(utc);
        t.app.add_note(&t.operator, "da-marco", note).await.unwrap();
        t.app.add_note(&t.operator, "big-apple", note).await.unwrap();
    }

    let day = |slug: &'static str, d: jiff::civil::Date| {
        let t = &t;
        async move {
            let filter = JournalFilter { day: Some(d), ..JournalFilter::default() };
            t.app
                .client_journal(&t.operator, slug, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.summary)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(day("da-marco", date(2026, 7, 1)).await, vec!["dernier du 1er", "tard le soir", "premier du 1er"]);
    assert_eq!(day("da-marco", date(2026, 6, 30)).await, vec!["dernier du 30"]);
    assert_eq!(day("da-marco", date(2026, 7, 2)).await, vec!["premier du 2"]);
    assert_eq!(
        day("big-apple", date(2026, 6, 30)).await,
        vec!["tard le soir", "premier du 1er", "dernier du 30"],
        "23:30 UTC on June 30 is still June 30 in New York"
    );
    assert_eq!(day("big-apple", date(2026, 7, 1)).await, vec!["premier du 2", "dernier du 1er"]);
    assert!(day("da-marco", date(2026, 6, 29)).await.is_empty());
}

#[tokio::test]
async fn journal_days_follow_winter_time_too() {
    let t = TestApp::new().await;
    t.set_time("2026-01-01T00:00:00Z");
    t.client("da-marco", "Da Marco").await;
    t.set_time("2026-01-15T23:30:00Z"); // 00:30 on the 16th in Paris (UTC+1)
    t.app.add_note(&t.operator, "da-marco", "minuit et demie").await.unwrap();

    for (d, expected) in [(date(2026, 1, 15), 0), (date(2026, 1, 16), 1)] {
        let filter = JournalFilter { day: Some(d), ..JournalFilter::default() };
        assert_eq!(t.app.client_journal(&t.operator, "da-marco", &filter).await.unwrap().len(), expected, "{d}");
    }
}

#[tokio::test]
async fn the_journal_filters_by_action_and_author() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let marie = t.member("marie@agence.fr", Role::CommunityManager, &[a.id]).await;
    let zoe = t.member("zoe@agence.fr", Role::CommunityManager, &[a.id]).await;
    t.app.add_note(&marie, "da-marco", "note de Marie").await.unwrap();
    t.app.add_note(&zoe, "da-marco", "note de Zoé").await.unwrap();
    t.app.update_brief(&marie, "da-marco", Brief { goals: "plus de monde".into(), ..Brief::default() }).await.unwrap();

    let filter = JournalFilter { action: Some(JournalAction::Note), ..JournalFilter::default() };
    let notes: Vec<_> =
        t.app.client_journal(&marie, "da-marco", &filter).await.unwrap().into_iter().map(|e| e.summary).collect();
    assert_eq!(notes, vec!["note de Zoé", "note de Marie"]);

    let filter = JournalFilter { user: marie.user_id(), ..JournalFilter::default() };
    let by_marie: Vec<_> =
        t.app.client_journal(&zoe, "da-marco", &filter).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(by_marie, vec![JournalAction::BriefEdited, JournalAction::Note]);
}
