//! The storage conformance suite: every story runs on SQLite and on PostgreSQL, and must behave
//! the same on both.

// Tests: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use filrouge_domain::account::{AccountProfile, AccountStatus, Network};
use filrouge_domain::client::{Brief, Charter, ClientProfile, Colour, CompetitorProfile, TimeZoneName};
use filrouge_domain::ids::{ClientId, Slug, UserId};
use filrouge_domain::ids::{HitId, MentionId};
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::listening_query::{AlertMode, QueryDraft};
use filrouge_domain::locale::{Lang, UiLang};
use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::{FetchStatus, SourceKind, SourceSpec, SourceStatus};
use filrouge_domain::user::{Email, Role};
use filrouge_store::{DeliveryKind, FetchRecord, IngestOutcome, JournalQuery, NewHit, NewUser, Store, StoreError};
use filrouge_testkit::{postgres as pg, sqlite::TempSqlite};
use jiff::Timestamp;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn profile(slug: &str, name: &str) -> ClientProfile {
    ClientProfile {
        slug: Slug::parse(slug).unwrap(),
        name: name.into(),
        colour: Colour::parse("#c0392b").unwrap(),
        time_zone: TimeZoneName::parse("Europe/Paris").unwrap(),
        languages: vec![Lang::Fr, Lang::En],
        brief: Brief { activity: "Pizzeria au feu de bois".into(), keywords: vec!["pizza".into()], ..Brief::default() },
        charter: Charter { banned: vec!["pas cher".into()], signature: "— Marco".into(), ..Charter::default() },
    }
}

fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        name: email.split('@').next().unwrap().into(),
        role,
        password_hash: "$argon2id$fake".into(),
        ui_lang: Some(UiLang::En),
    }
}

/// Runs one story against both engines.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                let db = super::TempSqlite::new();
                let store = super::Store::open(&db.url).await.unwrap();
                super::$name(store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                let Some(url) = super::pg::fresh_database().await else { return };
                let store = super::Store::open(&url).await.unwrap();
                super::$name(store).await;
            })*
        }
    };
}

on_both_engines!(
    clients_round_trip_with_brief_and_charter,
    slugs_are_unique,
    memberships_decide_which_clients_a_user_lists,
    competitors_and_accounts_belong_to_one_client,
    secrets_are_stored_as_given,
    oauth_authorisations_are_single_use_and_mastodon_apps_registered_once,
    users_are_found_by_email_whatever_its_case,
    journal_is_append_only_and_filterable,
    sessions_expire_and_end,
    totp_steps_only_move_forward,
    login_failures_are_counted_in_a_window,
    uncommitted_writes_are_not_seen,
    migrations_are_idempotent,
    mentions_are_stored_once_and_linked_to_every_client_and_source,
    near_duplicates_are_grouped_under_the_first,
    sources_record_health_and_moves,
    queries_keep_their_hits_alerts_and_notifications,
    posts_keep_their_targets_versions_and_comments,
    a_clients_media_library_lists_its_own_files_newest_first,
    deliveries_are_claimed_once_paced_per_account_and_taken_over_after_their_lease,
    a_busy_account_never_starves_the_others_and_its_pace_keeps_its_slots_without_bursts,
    inbox_items_are_stored_once_listed_by_priority_and_changed_from_their_version,
);

fn mention(key: &str, text: &str, fingerprint: Option<u64>) -> NewMention {
    NewMention {
        dedup_key: key.into(),
        source_kind: SourceKind::Feed,
        url: key.into(),
        site: "blog.test".into(),
        author: Author { handle: "Camille".into(), name: None, followers: None },
        title: "Titre".into(),
        text: text.into(),
        html: String::new(),
        lang: Some("fr".into()),
        published: at("2026-06-01T10:00:00Z"),
        engagement: Engagement { likes: Some(1), reposts: None, replies: None },
        fingerprint,
        analysis: None,
    }
}

fn feed(url: &str) -> SourceSpec {
    SourceSpec::parse(SourceKind::Feed, "", url, "").unwrap()
}

async fn mentions_are_stored_once_and_linked_to_every_client_and_source(store: Store) {
    let now = at("2026-06-01T12:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("alpha", "Alpha"), now).await.unwrap();
    let b = tx.insert_client(&profile("bravo", "Bravo"), now).await.unwrap();
    let sa = tx.insert_source(a, &feed("https://a.test/feed"), SourceStatus::Active, now).await.unwrap().unwrap();
    let sb = tx.insert_source(b, &feed("https://b.test/feed"), SourceStatus::Active, now).await.unwrap().unwrap();
    assert_eq!(tx.insert_source(a, &feed("https://a.test/feed"), SourceStatus::Active, now).await.unwrap(), None);
    let batch = vec![mention("https://x.test/1", "un", None), mention("https://x.test/2", "deux", None)];
    let first = tx.ingest_mentions(a, sa, &batch, now).await.unwrap();
    assert_eq!((first.inserted, first.linked), (2, 2));
    let positions: Vec<usize> = first.new_for_client.iter().map(|(i, _)| *i).collect();
    assert_eq!(positions, vec![0, 1], "both are new to the client");
    // The same batch again, with a duplicate inside it and more likes: nothing new, counts move.
    let mut again = batch.clone();
    again.push(mention("https://x.test/1", "un", None));
    again[1].engagement.likes = Some(9);
    assert_eq!(tx.ingest_mentions(a, sa, &again, now).await.unwrap(), IngestOutcome::default());
    // Another client's source finds one of them: linked, not stored again.
    let other = tx.ingest_mentions(b, sb, &batch[..1], now).await.unwrap();
    assert_eq!((other.inserted, other.linked), (0, 1));
    assert_eq!(other.new_for_client, vec![(0, first.new_for_client[0].1)], "new to b, though not to the archive");
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.mention_count(a).await.unwrap(), 2);
    assert_eq!(tx.mention_count(b).await.unwrap(), 1);
    let (changes, head) = tx.mention_changes_after(0, 100).await.unwrap();
    assert_eq!(changes.len(), 2, "two mentions, three links");
    assert_eq!(head, tx.mention_changes_head().await.unwrap());
    let shared = changes.iter().find(|m| m.client_ids.len() == 2).unwrap();
    assert_eq!(shared.source_ids.len(), 2);
    let ids: Vec<_> = changes.iter().map(|m| m.id).collect();
    let seen_by_b = tx.mentions_by_ids(b, &ids).await.unwrap();
    assert_eq!(seen_by_b.len(), 1, "b sees only the mention found for it");
    let seen_by_a = tx.mentions_by_ids(a, &ids).await.unwrap();
    assert_eq!(seen_by_a.iter().find(|m| m.url.ends_with("/2")).unwrap().engagement.likes, Some(9));
    assert_eq!(tx.sources_of(a).await.unwrap()[0].health.mentions_total, 2);
    let (later, _) = tx.mention_changes_after(head, 100).await.unwrap();
    assert!(later.is_empty());
}

async fn near_duplicates_are_grouped_under_the_first(store: Store) {
    let now = at("2026-06-01T12:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("alpha", "Alpha"), now).await.unwrap();
    let s = tx.insert_source(a, &feed("https://a.test/feed"), SourceStatus::Active, now).await.unwrap().unwrap();
    let f: u64 = 0xDEAD_BEEF_1234_5678;
    let batch = vec![
        mention("https://one.test/a", "article", Some(f)),
        mention("https://two.test/a", "article", Some(f ^ 0b101)), // 2 bits apart: a copy
        mention("https://three.test/b", "autre", Some(!f)),        // far apart: its own
    ];
    tx.ingest_mentions(a, s, &batch, now).await.unwrap();
    tx.ingest_mentions(a, s, &[mention("https://four.test/a", "article", Some(f ^ (1 << 40)))], now).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let (all, _) = tx.mention_changes_after(0, 100).await.unwrap();
    let ids: Vec<_> = all.iter().map(|m| m.id).collect();
    let mentions = tx.mentions_by_ids(a, &ids).await.unwrap();
    let by_url = |u: &str| mentions.iter().find(|m| m.url == u).unwrap();
    let first = by_url("https://one.test/a");
    assert_eq!(first.duplicate_of, None);
    assert_eq!(by_url("https://two.test/a").duplicate_of, Some(first.id));
    assert_eq!(by_url("https://four.test/a").duplicate_of, Some(first.id), "found across batches");
    assert_eq!(by_url("https://three.test/b").duplicate_of, None);
    let copies = tx.near_duplicates(a, first).await.unwrap();
    assert_eq!(copies.len(), 2);
}

async fn sources_record_health_and_moves(store: Store) {
    let now = at("2026-06-01T12:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("alpha", "Alpha"), now).await.unwrap();
    let s = tx.insert_source(a, &feed("http://a.test/old"), SourceStatus::Active, now).await.unwrap().unwrap();
    let paused = tx.insert_source(a, &feed("http://a.test/p"), SourceStatus::Paused, now).await.unwrap().unwrap();
    assert_eq!(tx.due_sources(now, 10).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![s]);
    let record = FetchRecord {
        at: now,
        status: FetchStatus::Ok,
        error: None,
        next_fetch: at("2026-06-01T13:00:00Z"),
        consecutive_failures: 0,
        etag: Some("\"v1\"".into()),
        last_modified: None,
        cursor: None,
        moved_to: Some("https://a.test/new".into()),
    };
    tx.record_fetch(s, &record).await.unwrap();
    let stored = tx.source(a, s).await.unwrap().unwrap();
    assert_eq!(stored.spec.url, "https://a.test/new");
    assert_eq!(stored.health.etag.as_deref(), Some("\"v1\""));
    assert!(tx.due_sources(now, 10).await.unwrap().is_empty(), "not due before its next fetch");
    // A failure keeps the validators (COALESCE) and counts.
    let failed = FetchRecord {
        status: FetchStatus::Error,
        error: Some("HTTP 500".into()),
        etag: None,
        moved_to: None,
        consecutive_failures: 1,
        ..record
    };
    tx.record_fetch(s, &failed).await.unwrap();
    let stored = tx.source(a, s).await.unwrap().unwrap();
    assert_eq!((stored.health.consecutive_failures, stored.health.etag.as_deref()), (1, Some("\"v1\"")));
    // Many unchanged fetches in one statement: health moves, validators stay.
    tx.record_unchanged(&[(s, at("2026-06-01T14:00:00Z"), at("2026-06-01T15:00:00Z"))]).await.unwrap();
    let stored = tx.source(a, s).await.unwrap().unwrap();
    assert_eq!(stored.health.last_status, Some(FetchStatus::NotModified));
    assert_eq!(stored.health.next_fetch, Some(at("2026-06-01T15:00:00Z")));
    assert_eq!(stored.health.last_fetch, Some(at("2026-06-01T14:00:00Z")));
    assert_eq!((stored.health.consecutive_failures, stored.health.last_error.as_deref()), (0, None));
    assert_eq!(stored.health.etag.as_deref(), Some("\"v1\""));
    tx.set_source_status(paused, SourceStatus::Active, now).await.unwrap();
    assert_eq!(tx.due_sources(now, 10).await.unwrap().len(), 1, "a resumed source is due at once");
    tx.commit().await.unwrap();
}

async fn clients_round_trip_with_brief_and_charter(store: Store) {
    let mut tx = store.write().await.unwrap();
    let id = tx.insert_client(&profile("da-marco", "Pizzeria Da Marco"), at("2026-01-01T10:00:00Z")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let client = tx.client_by_slug("da-marco").await.unwrap().unwrap();
    assert_eq!(client.id, id);
    assert_eq!(client.profile, profile("da-marco", "Pizzeria Da Marco"));
    assert!(!client.archived);
    assert_eq!(tx.client_by_id(id).await.unwrap().unwrap(), client);
    assert!(tx.client_by_slug("nobody").await.unwrap().is_none());
    drop(tx);

    let mut changed = profile("da-marco", "Da Marco");
    changed.charter.max_hashtags = 2;
    let mut tx = store.write().await.unwrap();
    assert!(tx.update_client(id, &changed).await.unwrap());
    assert!(tx.set_client_archived(id, true).await.unwrap());
    tx.commit().await.unwrap();
    let client = store.read().await.unwrap().client_by_id(id).await.unwrap().unwrap();
    assert_eq!(client.profile, changed);
    assert!(client.archived);
}

async fn slugs_are_unique(store: Store) {
    let mut tx = store.write().await.unwrap();
    tx.insert_client(&profile("da-marco", "A"), at("2026-01-01T10:00:00Z")).await.unwrap();
    let err = tx.insert_client(&profile("da-marco", "B"), at("2026-01-01T10:00:00Z")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

async fn memberships_decide_which_clients_a_user_lists(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("zeta", "Zeta"), now).await.unwrap();
    let b = tx.insert_client(&profile("alpha", "Alpha"), now).await.unwrap();
    let user = tx.insert_user(&new_user("cm@agence.fr", Role::CommunityManager), now).await.unwrap();
    assert!(tx.add_membership(user, a).await.unwrap());
    assert!(!tx.add_membership(user, a).await.unwrap(), "second add is a no-op");
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let names: Vec<_> = tx.all_clients().await.unwrap().into_iter().map(|c| c.profile.name).collect();
    assert_eq!(names, vec!["Alpha", "Zeta"]);
    let mine: Vec<_> = tx.clients_of_user(user).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(mine, vec![a]);
    assert_eq!(tx.memberships_of(user).await.unwrap(), vec![a]);
    assert_eq!(tx.member_ids_of_client(b).await.unwrap(), Vec::<UserId>::new());
    let members: Vec<_> = tx.users_of_client(a).await.unwrap().into_iter().map(|u| u.id).collect();
    assert_eq!(members, vec![user]);
    assert!(tx.users_of_client(b).await.unwrap().is_empty());
    assert_eq!(tx.all_memberships().await.unwrap(), vec![(user, a)]);
    let everyone: Vec<_> = tx.client_summaries(None).await.unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(everyone, vec!["Alpha", "Zeta"], "by name");
    let summaries = tx.client_summaries(Some(user)).await.unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!((summaries[0].id, summaries[0].slug.as_str(), summaries[0].colour.as_str()), (a, "zeta", "#c0392b"));
    drop(tx);

    let mut tx = store.write().await.unwrap();
    assert!(tx.remove_membership(user, a).await.unwrap());
    assert!(!tx.remove_membership(user, a).await.unwrap());
    tx.commit().await.unwrap();
    assert!(store.read().await.unwrap().clients_of_user(user).await.unwrap().is_empty());
}

async fn competitors_and_accounts_belong_to_one_client(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("aa", "A"), now).await.unwrap();
    let b = tx.insert_client(&profile("bb", "B"), now).await.unwrap();
    let first = CompetitorProfile {
        name: "Domino's".into(),
        handles: vec!["@dominos_fr".into()],
        sites: vec!["https://dominos.fr".into()],
    };
    let second = CompetitorProfile { name: "Pizza Hut".into(), ..Default::default() };
    let c1 = tx.insert_competitor(a, &first).await.unwrap();
    tx.insert_competitor(a, &second).await.unwrap();
    let acc = AccountProfile {
        network: Network::Bluesky,
        handle: "damarco.bsky.social".into(),
        display_name: "Da Marco".into(),
    };
    let acc_id = tx.insert_account(a, &acc, AccountStatus::NotConnected, None, now).await.unwrap();
    tx.commit().await.unwrap();
    // A failed statement spoils its transaction on PostgreSQL: callers give up the transaction.
    let mut tx = store.write().await.unwrap();
    let dup = tx.insert_account(a, &acc, AccountStatus::NotConnected, None, now).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)));
    drop(tx);

    let mut tx = store.write().await.unwrap();
    let names: Vec<_> = tx.competitors_of(a).await.unwrap().into_iter().map(|c| c.profile.name).collect();
    assert_eq!(names, vec!["Domino's", "Pizza Hut"], "kept in the order added");
    assert_eq!(tx.competitors_of(a).await.unwrap()[0].profile, first);
    assert!(!tx.delete_competitor(b, c1).await.unwrap(), "another client's competitor is not deleted");
    assert!(tx.account(b, acc_id).await.unwrap().is_none(), "another client's account is not found");
    assert!(!tx.delete_account(b, acc_id).await.unwrap());
    let renamed = AccountProfile { display_name: "Pizzeria Da Marco".into(), ..acc.clone() };
    assert!(!tx.update_account(b, acc_id, &renamed, AccountStatus::Connected, None).await.unwrap());
    assert!(tx.update_account(a, acc_id, &renamed, AccountStatus::Connected, None).await.unwrap());
    assert!(tx.delete_competitor(a, c1).await.unwrap());
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let account = tx.account(a, acc_id).await.unwrap().unwrap();
    assert_eq!(account.profile, renamed);
    assert_eq!(account.status, AccountStatus::Connected);
    assert_eq!(tx.accounts_of(a).await.unwrap().len(), 1);
    assert!(tx.accounts_of(b).await.unwrap().is_empty());
    assert_eq!(tx.competitors_of(a).await.unwrap().len(), 1);
}

async fn secrets_are_stored_as_given(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let sealed = vec![0u8, 1, 2, 255, 254];
    let mut tx = store.write().await.unwrap();
    let id = tx.insert_secret("account", &sealed, "…9f3a", now).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.write().await.unwrap();
    let back = tx.secret(id).await.unwrap().unwrap();
    assert_eq!(back.sealed, sealed);
    assert_eq!(back.hint, "…9f3a");
    assert!(tx.delete_secret(id).await.unwrap());
    assert!(tx.secret(id).await.unwrap().is_none());
}

async fn oauth_authorisations_are_single_use_and_mastodon_apps_registered_once(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let client = tx.insert_client(&profile("da-marco", "Da Marco"), now).await.unwrap();
    let user = tx.insert_user(&new_user("cm@agence.test", Role::CommunityManager), now).await.unwrap();
    let later = at("2026-01-01T10:10:00Z");
    tx.insert_oauth_pending("hash-1", user, client, Network::Bluesky, &[9, 8, 7], now, later).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    let pending = tx.oauth_pending("hash-1").await.unwrap().unwrap();
    assert_eq!((pending.user_id, pending.client_id, pending.network), (user, client, Network::Bluesky));
    assert_eq!((pending.sealed.as_slice(), pending.expires_at, pending.used), (&[9u8, 8, 7][..], later, false));
    assert!(tx.oauth_pending("hash-2").await.unwrap().is_none());
    assert!(tx.use_oauth_pending(pending.id, now).await.unwrap());
    assert!(!tx.use_oauth_pending(pending.id, now).await.unwrap(), "single use");
    assert!(tx.oauth_pending("hash-1").await.unwrap().unwrap().used);
    // A new authorisation clears the expired ones.
    let much_later = at("2026-01-01T11:00:00Z");
    tx.insert_oauth_pending("hash-3", user, client, Network::Mastodon, &[1], much_later, much_later).await.unwrap();
    assert!(tx.oauth_pending("hash-1").await.unwrap().is_none());
    assert!(tx.insert_oauth_pending("hash-3", user, client, Network::Mastodon, &[1], now, later).await.is_err());
    drop(tx);

    let mut tx = store.write().await.unwrap();
    let app = filrouge_store::MastodonAppRecord { client_id: "id-1".into(), sealed_secret: vec![1, 2] };
    assert!(tx.mastodon_app("https://m.test", "http://x/cb").await.unwrap().is_none());
    assert_eq!(tx.insert_mastodon_app("https://m.test", "http://x/cb", &app, now).await.unwrap(), app);
    let second = filrouge_store::MastodonAppRecord { client_id: "id-2".into(), sealed_secret: vec![3] };
    assert_eq!(tx.insert_mastodon_app("https://m.test", "http://x/cb", &second, now).await.unwrap(), app);
    assert_eq!(tx.insert_mastodon_app("https://m.test", "http://y/cb", &second, now).await.unwrap(), second);
    let secret = tx.insert_secret("account", &[1], "…", now).await.unwrap();
    assert!(tx.update_secret(secret, &[2, 3], "…new").await.unwrap());
    assert_eq!(tx.secret(secret).await.unwrap().unwrap().sealed, vec![2, 3]);
    tx.commit().await.unwrap();
}

async fn users_are_found_by_email_whatever_its_case(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let id = tx.insert_user(&new_user("Marie@Agence.fr", Role::Owner), now).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.write().await.unwrap();
    let dup = tx.insert_user(&new_user("marie@agence.fr", Role::Analyst), now).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)));
    drop(tx);

    let mut tx = store.write().await.unwrap();
    let creds = tx.credentials_by_email("  MARIE@agence.FR").await.unwrap().unwrap();
    assert_eq!(creds.user.id, id);
    assert_eq!(creds.user.role, Role::Owner);
    assert_eq!(creds.user.ui_lang, Some(UiLang::En));
    assert_eq!(creds.password_hash, "$argon2id$fake");
    assert_eq!(tx.count_active_owners().await.unwrap(), 1);
    let mut user = creds.user;
    user.disabled = true;
    user.role = Role::Manager;
    assert!(tx.update_user(&user).await.unwrap());
    assert!(tx.set_password_hash(id, "$argon2id$other").await.unwrap());
    assert_eq!(tx.count_active_owners().await.unwrap(), 0);
    let creds = tx.credentials_by_id(id).await.unwrap().unwrap();
    assert_eq!(creds.user, user);
    assert_eq!(creds.password_hash, "$argon2id$other");
    assert_eq!(tx.all_users().await.unwrap().len(), 1);
}

async fn journal_is_append_only_and_filterable(store: Store) {
    let now = at("2026-03-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("aa", "A"), now).await.unwrap();
    let b = tx.insert_client(&profile("bb", "B"), now).await.unwrap();
    let user = tx.insert_user(&new_user("cm@agence.fr", Role::CommunityManager), now).await.unwrap();
    let entry = |client: ClientId, at_: &str, action: JournalAction, user_id: Option<UserId>| NewJournalEntry {
        at: at(at_),
        user_id,
        client_id: Some(client),
        account_id: None,
        action,
        object: "charter".into(),
        summary: format!("{action:?} at {at_}"),
    };
    tx.append_journal(&entry(a, "2026-03-01T08:00:00Z", JournalAction::CharterEdited, Some(user))).await.unwrap();
    tx.append_journal(&entry(a, "2026-03-01T09:00:00Z", JournalAction::Note, Some(user))).await.unwrap();
    tx.append_journal(&entry(a, "2026-03-02T09:00:00Z", JournalAction::Note, None)).await.unwrap();
    tx.append_journal(&entry(b, "2026-03-01T09:30:00Z", JournalAction::Note, Some(user))).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let day = JournalQuery {
        client: Some(a),
        from: Some(at("2026-03-01T00:00:00Z")),
        to: Some(at("2026-03-02T00:00:00Z")),
        ..JournalQuery::default()
    };
    let entries = tx.journal(&day).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].action, JournalAction::Note, "newest first");
    assert_eq!(entries[0].user_name.as_deref(), Some("cm"));
    let notes = tx.journal(&JournalQuery { action: Some(JournalAction::Note), ..day.clone() }).await.unwrap();
    assert_eq!(notes.len(), 1);
    let everything_of_a = tx.journal(&JournalQuery { client: Some(a), ..JournalQuery::default() }).await.unwrap();
    assert_eq!(everything_of_a.len(), 3);
    let by_user = tx.journal(&JournalQuery { user: Some(user), ..JournalQuery::default() }).await.unwrap();
    assert_eq!(by_user.len(), 3);
    let limited = tx.journal(&JournalQuery { limit: 1, ..JournalQuery::default() }).await.unwrap();
    assert_eq!(limited.len(), 1);
    drop(tx);

    let mut tx = store.write().await.unwrap();
    let err = filrouge_store_raw_update(&mut tx).await;
    assert!(err.contains("immutable"), "{err}");
}

/// Tries to rewrite history behind the store's back: the database itself must refuse.
async fn filrouge_store_raw_update(tx: &mut filrouge_store::Tx) -> String {
    match tx.raw_execute_for_tests("UPDATE journal SET summary = 'rewritten'").await {
        Ok(()) => "update went through".into(),
        Err(e) => e.to_string(),
    }
}

async fn sessions_expire_and_end(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let later = at("2026-01-01T22:00:00Z");
    let mut tx = store.write().await.unwrap();
    let user = tx.insert_user(&new_user("cm@agence.fr", Role::CommunityManager), now).await.unwrap();
    tx.insert_session(b"hash-1", user, "csrf-1", false, now, at("2026-01-01T18:00:00Z")).await.unwrap();
    tx.insert_session(b"hash-2", user, "csrf-2", true, now, at("2026-01-02T10:00:00Z")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    let s = tx.session(b"hash-1", now).await.unwrap().unwrap();
    assert_eq!((s.user_id, s.csrf.as_str(), s.second_factor_pending), (user, "csrf-1", false));
    assert!(tx.session(b"hash-1", later).await.unwrap().is_none(), "expired");
    let (record, user_of_session) = tx.session_with_user(b"hash-1", now).await.unwrap().unwrap();
    assert_eq!((record.user_id, record.csrf.as_str(), user_of_session.id), (user, "csrf-1", user));
    assert_eq!(user_of_session.email.as_str(), "cm@agence.fr");
    assert!(tx.session_with_user(b"hash-1", later).await.unwrap().is_none(), "expired");
    assert!(tx.session_with_user(b"unknown", now).await.unwrap().is_none());
    assert!(tx.session(b"hash-2", later).await.unwrap().unwrap().second_factor_pending);
    tx.touch_session(b"hash-2", later, at("2026-01-03T10:00:00Z")).await.unwrap();
    assert_eq!(tx.session(b"hash-2", later).await.unwrap().unwrap().expires_at, at("2026-01-03T10:00:00Z"));
    assert_eq!(tx.delete_expired_sessions(later).await.unwrap(), 1);
    assert_eq!(tx.delete_sessions_of_user(user).await.unwrap(), 1);
    assert!(tx.session(b"hash-2", now).await.unwrap().is_none());
}

async fn totp_steps_only_move_forward(store: Store) {
    let now = at("2026-01-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let user = tx.insert_user(&new_user("cm@agence.fr", Role::CommunityManager), now).await.unwrap();
    assert!(tx.set_totp(user, Some(b"sealed"), true).await.unwrap());
    assert!(tx.advance_totp_step(user, 100).await.unwrap());
    assert!(!tx.advance_totp_step(user, 100).await.unwrap(), "replayed code");
    assert!(!tx.advance_totp_step(user, 99).await.unwrap());
    assert!(tx.advance_totp_step(user, 101).await.unwrap());
    let creds = tx.credentials_by_id(user).await.unwrap().unwrap();
    assert_eq!(creds.totp_secret.as_deref(), Some(&b"sealed"[..]));
    assert!(creds.user.totp_enabled);
    assert!(tx.set_totp(user, None, false).await.unwrap());
    assert!(tx.credentials_by_id(user).await.unwrap().unwrap().totp_secret.is_none());
}

async fn login_failures_are_counted_in_a_window(store: Store) {
    let mut tx = store.write().await.unwrap();
    for minute in 0..5 {
        tx.record_login_failure("user:x@y.fr", at(&format!("2026-01-01T10:0{minute}:00Z"))).await.unwrap();
    }
    assert_eq!(tx.count_login_failures("user:x@y.fr", at("2026-01-01T10:02:00Z")).await.unwrap(), 3);
    assert_eq!(tx.count_login_failures("ip:127.0.0.1", at("2026-01-01T10:00:00Z")).await.unwrap(), 0);
    assert_eq!(tx.prune_login_failures(at("2026-01-01T10:01:00Z")).await.unwrap(), 1);
    tx.clear_login_failures("user:x@y.fr").await.unwrap();
    assert_eq!(tx.count_login_failures("user:x@y.fr", at("2026-01-01T00:00:00Z")).await.unwrap(), 0);
}

async fn uncommitted_writes_are_not_seen(store: Store) {
    let mut tx = store.write().await.unwrap();
    tx.insert_client(&profile("ghost", "Ghost"), at("2026-01-01T10:00:00Z")).await.unwrap();
    drop(tx); // rolled back
    assert!(store.read().await.unwrap().client_by_slug("ghost").await.unwrap().is_none());
}

async fn migrations_are_idempotent(store: Store) {
    assert_eq!(store.migrate().await.unwrap(), 0, "already applied by open()");
    store.ping().await.unwrap();
}

async fn queries_keep_their_hits_alerts_and_notifications(store: Store) {
    let now = at("2026-06-01T12:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("alpha", "Alpha"), now).await.unwrap();
    let b = tx.insert_client(&profile("bravo", "Bravo"), now).await.unwrap();
    let v0 = tx.query_book_version().await.unwrap();
    let draft = QueryDraft::parse("Marque", "alpha OR \"alpha pizza\"", true, "instant", "cm@agence.fr").unwrap();
    let q = tx.insert_query(a, &draft, now).await.unwrap().unwrap();
    assert_eq!(tx.insert_query(a, &draft, now).await.unwrap(), None, "names are unique per client");
    let other =
        tx.insert_query(b, &QueryDraft { alert: AlertMode::Daily, ..draft.clone() }, now).await.unwrap().unwrap();
    assert!(tx.query_book_version().await.unwrap() > v0, "every change moves the book version");
    assert!(tx.query(b, q).await.unwrap().is_none(), "a query is found only through its client");
    let active = tx.active_queries().await.unwrap();
    assert_eq!(active.len(), 2);
    assert!(active.iter().all(|aq| aq.has_recipients));

    let s = tx.insert_source(a, &feed("https://a.test/feed"), SourceStatus::Active, now).await.unwrap().unwrap();
    let m = tx.ingest_mentions(a, s, &[mention("https://x.test/1", "alpha", None)], now).await.unwrap();
    let mention_id: MentionId = m.new_for_client[0].1;
    let hit = NewHit { query_id: q, mention_id, client_id: a, published: now, live: true };
    let new = tx.insert_hits(&[hit, hit], now).await.unwrap();
    assert_eq!(new.len(), 1, "a mention matches a query once");
    assert!(tx.insert_hits(&[hit], now).await.unwrap().is_empty());
    tx.enqueue_instant_alerts(&new, now).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    let pending = tx.pending_deliveries(now, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].kind, DeliveryKind::Instant(new[0].0));
    tx.delivery_failed(pending[0].id, "server said 451", at("2026-06-01T12:05:00Z")).await.unwrap();
    assert!(tx.pending_deliveries(now, 10).await.unwrap().is_empty(), "a failed delivery waits for its retry time");
    let retry = tx.pending_deliveries(at("2026-06-01T12:05:00Z"), 10).await.unwrap();
    assert_eq!(retry[0].attempts, 1);
    tx.deliveries_sent(&[retry[0].id], now).await.unwrap();
    assert_eq!(tx.unsent_deliveries().await.unwrap(), 0);

    // Digests: only queries in a digest mode, due or never scheduled.
    let due = tx.digests_due(now).await.unwrap();
    assert_eq!(due.iter().map(|d| d.query_id).collect::<Vec<_>>(), vec![other]);
    tx.set_digest_schedule(other, at("2026-06-02T06:00:00Z"), now).await.unwrap();
    assert!(tx.digests_due(now).await.unwrap().is_empty());
    tx.enqueue_digest(other, at("2026-06-01T00:00:00Z"), now, now).await.unwrap();
    let digest = tx.pending_deliveries(now, 10).await.unwrap();
    assert!(matches!(digest[0].kind, DeliveryKind::Digest { .. }));
    assert_eq!(tx.count_hits_between(q, at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z")).await.unwrap(), 1);

    // Notifications: live hits of alerting queries of the clients one sees; read marks move forward only.
    let user = tx.insert_user(&new_user("cm@agence.fr", Role::CommunityManager), now).await.unwrap();
    assert_eq!(tx.notifications(&[a], 10).await.unwrap().len(), 1);
    assert!(tx.notifications(&[b], 10).await.unwrap().is_empty());
    let seen = tx.notifications_seen(user).await.unwrap();
    assert_eq!(tx.unread_notifications(&[a], seen).await.unwrap(), 1);
    tx.set_notifications_seen(user, new[0].0).await.unwrap();
    tx.set_notifications_seen(user, HitId(0)).await.unwrap();
    assert_eq!(tx.notifications_seen(user).await.unwrap(), new[0].0);
    assert_eq!(tx.unread_notifications(&[a], new[0].0).await.unwrap(), 0);

    // Editing keeps the id; deleting takes the hits along.
    let edited = QueryDraft { query: "alpha".into(), ..draft };
    assert!(tx.update_query(a, q, &edited, now).await.unwrap());
    assert!(!tx.update_query(b, q, &edited, now).await.unwrap(), "not through another client");
    assert_eq!(tx.query(a, q).await.unwrap().unwrap().query, "alpha");
    assert!(tx.delete_query(a, q).await.unwrap());
    assert!(tx.hit(new[0].0).await.unwrap().is_none());
    tx.commit().await.unwrap();
}

async fn a_clients_media_library_lists_its_own_files_newest_first(store: Store) {
    use filrouge_domain::media::{MediaFacts, MediaKind};
    let now = at("2026-03-01T10:00:00Z");
    let facts = |bytes| MediaFacts {
        kind: MediaKind::Image,
        mime: "image/png".into(),
        bytes,
        width: 10,
        height: 10,
        duration_ms: None,
    };
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("aa", "A"), now).await.unwrap();
    let b = tx.insert_client(&profile("bb", "B"), now).await.unwrap();
    let first = tx.insert_media(a, "aaaa", "un.png", &facts(1), now).await.unwrap();
    let second = tx.insert_media(a, "bbbb", "deux.png", &facts(2), now).await.unwrap();
    let third = tx.insert_media(a, "cccc", "trois.png", &facts(3), now).await.unwrap();
    let foreign = tx.insert_media(b, "dddd", "autre.png", &facts(4), now).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let ids = |records: Vec<filrouge_store::MediaRecord>| records.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(tx.media_library(a, 10).await.unwrap()), vec![third, second, first]);
    assert_eq!(ids(tx.media_library(a, 2).await.unwrap()), vec![third, second], "bounded");
    assert_eq!(ids(tx.media_library(b, 10).await.unwrap()), vec![foreign], "each client its own");
    let library = tx.media_library(a, 1).await.unwrap();
    assert_eq!((library[0].file_name.as_str(), library[0].facts.bytes), ("trois.png", 3));
    assert!(tx.media_of(a, &[foreign]).await.unwrap().is_empty(), "another client's file is never one of ours");
}

async fn posts_keep_their_targets_versions_and_comments(store: Store) {
    use filrouge_domain::ids::MediaId;
    use filrouge_domain::post::{PostContent, PostMedia, PostState, Target};
    use filrouge_store::NewPost;
    use jiff::civil::{time, Weekday};

    let now = at("2026-03-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("aa", "A"), now).await.unwrap();
    let b = tx.insert_client(&profile("bb", "B"), now).await.unwrap();
    let acc = AccountProfile { network: Network::Mastodon, handle: "@a@m.test".into(), display_name: "A".into() };
    let acc_a = tx.insert_account(a, &acc, AccountStatus::Connected, None, now).await.unwrap();
    let acc_a2 = tx
        .insert_account(
            a,
            &AccountProfile { network: Network::Bluesky, ..acc.clone() },
            AccountStatus::Connected,
            None,
            now,
        )
        .await
        .unwrap();
    let content = PostContent {
        text: "Ciao Lyon !".into(),
        media: vec![PostMedia { media_id: MediaId(3), alt: "Une pizza".into() }],
        targets: vec![
            Target { account_id: acc_a2, text: Some("Ciao 🦋".into()), media: Some(vec![]) },
            Target { account_id: acc_a, text: None, media: None },
        ],
        labels: vec!["Noël".into()],
        ..PostContent::default()
    };
    let campaign = tx.campaign_named(a, "Noël", now).await.unwrap();
    assert_eq!(tx.campaign_named(a, "Noël", now).await.unwrap(), campaign, "one campaign per name");
    let planned = at("2026-03-10T11:30:00Z");
    let new = NewPost {
        client: a,
        state: PostState::Draft,
        planned_at: Some(planned),
        campaign: Some(campaign),
        content: &content,
        created_by: None,
    };
    let id = tx.insert_post(&new, now).await.unwrap();
    let idea = tx.insert_post(&NewPost { planned_at: None, campaign: None, ..new.clone() }, now).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    let post = tx.post(a, id).await.unwrap().unwrap();
    assert_eq!(post.content, content, "targets come back in order with their variants");
    assert_eq!((post.state, post.planned_at, post.version), (PostState::Draft, Some(planned), 1));
    assert!(tx.post(b, id).await.unwrap().is_none(), "another client's post is not found");
    assert!(!tx.delete_post(b, id).await.unwrap());
    // A stale version changes nothing.
    assert!(!tx.move_post(a, id, 7, None, PostState::Draft, now).await.unwrap());
    assert!(tx.move_post(a, id, 1, Some(at("2026-03-11T11:30:00Z")), PostState::Draft, now).await.unwrap());
    let edited =
        PostContent { targets: vec![Target { account_id: acc_a, text: None, media: None }], ..content.clone() };
    assert!(!tx.update_post(a, id, 1, PostState::Draft, &edited, None, now).await.unwrap(), "version 1 is gone");
    assert!(tx.update_post(a, id, 2, PostState::Scheduled, &edited, None, now).await.unwrap());
    assert!(tx.set_post_state(a, id, 3, PostState::Draft, Some("Trop tôt"), now).await.unwrap());
    tx.insert_post_comment(id, "reject", None, "Marco (lien)", "Trop tôt", now).await.unwrap();
    tx.set_slots(acc_a, &[(Weekday::Tuesday, time(12, 30, 0, 0)), (Weekday::Tuesday, time(12, 30, 0, 0))])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let post = tx.post(a, id).await.unwrap().unwrap();
    assert_eq!((post.version, post.state, post.review_comment.as_str()), (4, PostState::Draft, "Trop tôt"));
    assert_eq!(post.content.targets.len(), 1);
    assert_eq!(post.campaign_id, None);
    let month = tx.posts_between(&[a, b], at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")).await.unwrap();
    assert_eq!(month.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);
    assert!(tx.posts_between(&[b], at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")).await.unwrap().is_empty());
    let backlog = tx.backlog(&[a]).await.unwrap();
    assert_eq!(backlog.iter().map(|p| p.id).collect::<Vec<_>>(), vec![idea]);
    assert_eq!(backlog[0].content.targets.len(), 2);
    let comments = tx.post_comments(id).await.unwrap();
    assert_eq!((comments[0].kind.as_str(), comments[0].author.as_str()), ("reject", "Marco (lien)"));
    let slots = tx.slots(a).await.unwrap();
    assert_eq!(slots.len(), 1, "a repeated slot is stored once");
    assert_eq!((slots[0].weekday, slots[0].time), (Weekday::Tuesday, time(12, 30, 0, 0)));
    assert!(tx.slots(b).await.unwrap().is_empty());
}

/// A client with Mastodon accounts `handles`, and `n` posts due at `now` queued (one delivery each), the i-th for
/// the account `account_of(i)` (an index into `handles`). Returns the client and its accounts.
async fn queued_posts(
    store: &Store,
    handles: &[&str],
    n: usize,
    account_of: impl Fn(usize) -> usize,
    now: Timestamp,
) -> (filrouge_domain::ids::ClientId, Vec<filrouge_domain::ids::AccountId>) {
    use filrouge_domain::post::{PostContent, PostState, Target};
    use filrouge_store::{NewDelivery, NewPost};
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("aa", "A"), now).await.unwrap();
    let mut accounts = Vec::new();
    for h in handles {
        let p = AccountProfile { network: Network::Mastodon, handle: (*h).into(), display_name: (*h).into() };
        accounts.push(tx.insert_account(a, &p, AccountStatus::Connected, None, now).await.unwrap());
    }
    let mut deliveries = Vec::new();
    for i in 0..n {
        let account = accounts[account_of(i)];
        let content = PostContent {
            text: format!("post {i}"),
            targets: vec![Target { account_id: account, text: None, media: None }],
            ..PostContent::default()
        };
        let new = NewPost {
            client: a,
            state: PostState::Scheduled,
            planned_at: Some(now),
            campaign: None,
            content: &content,
            created_by: None,
        };
        let post = tx.insert_post(&new, now).await.unwrap();
        deliveries.push(NewDelivery {
            post_id: post,
            account_id: account,
            client_id: a,
            due: now,
            idempotency_key: format!("k{i}"),
        });
    }
    tx.queue_deliveries(&deliveries, now).await.unwrap();
    tx.commit().await.unwrap();
    (a, accounts)
}

async fn deliveries_are_claimed_once_paced_per_account_and_taken_over_after_their_lease(store: Store) {
    use filrouge_domain::publishing::DeliveryState;
    use jiff::SignedDuration;

    let now = at("2026-03-01T10:00:00Z");
    let (_, accounts) = queued_posts(&store, &["@one@m.test", "@two@m.test"], 6, |i| i % 2, now).await;

    let pace = |_| SignedDuration::from_secs(10);
    let lease = now.saturating_add(SignedDuration::from_secs(120)).unwrap();
    let mut tx = store.write().await.unwrap();
    let first = tx.claim_publications(now, lease, "w1", 10, &pace).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(first.len(), 2, "one per account per round");
    assert!(first.iter().all(|d| d.state == DeliveryState::Claimed && d.attempts == 1 && !d.read_back));
    let mut tx = store.write().await.unwrap();
    assert!(
        tx.claim_publications(now, lease, "w2", 10, &pace).await.unwrap().is_empty(),
        "paced, and claimed ones are held"
    );
    tx.commit().await.unwrap();

    // Ten seconds later the accounts may publish again; the first claims are still leased.
    let later = at("2026-03-01T10:00:10Z");
    let mut tx = store.write().await.unwrap();
    let second = tx.claim_publications(later, lease, "w2", 10, &pace).await.unwrap();
    assert_eq!(second.len(), 2);
    assert!(second.iter().all(|d| !first.iter().any(|f| f.id == d.id)), "never the same delivery twice");
    assert!(tx.publication_done(second[0].id, "w2", "r1", "https://m.test/r1", later).await.unwrap());
    assert!(
        !tx.publication_done(first[0].id, "w2", "r2", "https://m.test/r2", later).await.unwrap(),
        "w2 does not hold it"
    );
    tx.commit().await.unwrap();

    // w1 died: after its lease, its deliveries are taken over and marked to be read back.
    let after_lease = at("2026-03-01T10:03:00Z");
    let mut tx = store.write().await.unwrap();
    let taken = tx.claim_publications(after_lease, at("2026-03-01T10:05:00Z"), "w3", 10, &pace).await.unwrap();
    tx.commit().await.unwrap();
    let retaken: Vec<_> = taken.iter().filter(|d| first.iter().any(|f| f.id == d.id)).collect();
    assert!(!retaken.is_empty());
    assert!(retaken.iter().all(|d| d.read_back && d.attempts == 2), "{retaken:?}");
    let mut tx = store.write().await.unwrap();
    assert!(tx.hold_account(accounts[0], "revoked", after_lease).await.unwrap() > 0);
    let counts = tx.delivery_counts().await.unwrap();
    tx.commit().await.unwrap();
    assert!(counts.iter().any(|(s, n)| *s == DeliveryState::Held && *n > 0), "{counts:?}");
    assert!(counts.iter().any(|(s, n)| *s == DeliveryState::Published && *n == 1), "{counts:?}");
}

async fn a_busy_account_never_starves_the_others_and_its_pace_keeps_its_slots_without_bursts(store: Store) {
    use filrouge_domain::post::PostState;
    use filrouge_domain::publishing::DeliveryState;
    use jiff::SignedDuration;

    let now = at("2026-03-01T10:00:00Z");
    // 40 posts for the busy account queued first, then one for the quiet account.
    let (a, accounts) =
        queued_posts(&store, &["@busy@m.test", "@quiet@m.test"], 41, |i| usize::from(i >= 40), now).await;

    let pace = |_| SignedDuration::from_secs(10);
    let lease = |t: jiff::Timestamp| t.saturating_add(SignedDuration::from_secs(120)).unwrap();
    let claim = |t: jiff::Timestamp| {
        let store = store.clone();
        async move {
            let mut tx = store.write().await.unwrap();
            let claimed = tx.claim_publications(t, lease(t), "w1", 2, &pace).await.unwrap();
            tx.commit().await.unwrap();
            claimed
        }
    };
    let first = claim(now).await;
    let mut got: Vec<_> = first.iter().map(|d| d.account_id).collect();
    got.sort();
    assert_eq!(got, accounts, "the quiet account's post goes in the first round despite 40 queued before it");
    let posts: Vec<_> = first.iter().map(|d| d.post_id).collect();

    // Its posts are publishing; recorded in one statement, they are published and settle.
    let mut tx = store.write().await.unwrap();
    for p in &posts {
        assert_eq!(tx.post(a, *p).await.unwrap().unwrap().state, PostState::Publishing);
    }
    let done: Vec<_> = first.iter().map(|d| (d.id, format!("r{}", d.id), format!("https://m.test/{}", d.id))).collect();
    let recorded = tx.publications_done("w1", &done, now).await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert!(tx.publications_done("w2", &done, now).await.unwrap().is_empty(), "only the claiming worker records");
    tx.settle_posts(&posts, now).await.unwrap();
    for p in &posts {
        assert_eq!(tx.post(a, *p).await.unwrap().unwrap().state, PostState::Published);
        let d = tx.deliveries_of_post(*p).await.unwrap();
        assert_eq!(d[0].state, DeliveryState::Published);
        assert_eq!(d[0].url.as_deref(), Some(format!("https://m.test/{}", d[0].id).as_str()));
    }
    tx.commit().await.unwrap();

    // An idle account gets no burst: its next slot is a pace after the claim, less 100 ms at most (9.9 s).
    assert!(claim(at("2026-03-01T10:00:09.800Z")).await.is_empty());
    // Claimed 50 ms after its slot, the account keeps its slots: the next is 19.9 s, not 19.95 s — lateness
    // does not add up over an account's posts.
    let late = claim(at("2026-03-01T10:00:09.950Z")).await;
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].account_id, accounts[0]);
    assert!(claim(at("2026-03-01T10:00:19.850Z")).await.is_empty());
    assert_eq!(claim(at("2026-03-01T10:00:19.900Z")).await.len(), 1);
    // Claimed 3 s late, it does not catch up with a burst: the next slot is 9.9 s after the claim.
    assert_eq!(claim(at("2026-03-01T10:00:32.900Z")).await.len(), 1);
    assert!(claim(at("2026-03-01T10:00:42.700Z")).await.is_empty());
    assert_eq!(claim(at("2026-03-01T10:00:42.800Z")).await.len(), 1);
}

async fn inbox_items_are_stored_once_listed_by_priority_and_changed_from_their_version(store: Store) {
    use filrouge_domain::analysis::{Intent, Sentiment};
    use filrouge_domain::inbox::{self, Author as InboxAuthor, ItemKind, ItemState, NewInboxItem, Triage};
    use filrouge_store::{InboxFilter, InboxSettingsRecord};

    let now = at("2026-06-01T10:00:00Z");
    let mut tx = store.write().await.unwrap();
    let a = tx.insert_client(&profile("aa", "A"), now).await.unwrap();
    let b = tx.insert_client(&profile("bb", "B"), now).await.unwrap();
    let acc = AccountProfile { network: Network::Mastodon, handle: "@a@m.test".into(), display_name: "A".into() };
    let acc_a = tx.insert_account(a, &acc, AccountStatus::Connected, None, now).await.unwrap();
    let acc_b = tx.insert_account(b, &acc, AccountStatus::Connected, None, now).await.unwrap();
    let item = |account, client, id: &str, intent, followers, minute: i64| NewInboxItem {
        client_id: client,
        account_id: Some(account),
        mention_id: None,
        network: "mastodon".into(),
        kind: ItemKind::Reply,
        remote_id: id.into(),
        cid: None,
        thread_key: "root-1".into(),
        url: format!("https://m.test/@x/{id}"),
        author: InboxAuthor {
            remote_id: format!("author-{id}"),
            handle: "x@m.test".into(),
            name: Some("X".into()),
            followers,
            url: None,
        },
        text: format!("texte {id} <script>"),
        context_text: Some("le post du client".into()),
        in_reply_to: Some("root-1".into()),
        language: Some("fr".into()),
        sentiment: Some(Sentiment::Negative),
        sentiment_score: -0.5,
        intent: Some(intent),
        published_at: now.checked_add(jiff::SignedDuration::from_mins(minute)).unwrap(),
        received_at: now,
    };
    let cases = [
        ("1", Intent::Praise, Some(100_000), 0),
        ("2", Intent::Question, Some(10), 5),
        ("3", Intent::Spam, Some(10), 1),
        ("4", Intent::Question, Some(50_000), 9),
    ];
    for (id, intent, followers, minute) in cases {
        let new = item(acc_a, a, id, intent, followers, minute);
        let p = inbox::priority(false, new.kind, new.intent, followers);
        assert!(tx.insert_inbox_item(&new, &Triage::default(), p).await.unwrap().is_some());
        // The same remote id on the same account is stored once; on another client's account it is its own.
        assert!(tx.insert_inbox_item(&new, &Triage::default(), p).await.unwrap().is_none(), "{id} twice");
    }
    let other = item(acc_b, b, "1", Intent::Praise, None, 0);
    assert!(tx.insert_inbox_item(&other, &Triage::default(), 20).await.unwrap().is_some());
    tx.set_inbox_cursor(acc_a, Some("104"), now, None).await.unwrap();
    tx.set_inbox_cursor(acc_a, None, now, Some("timeout")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let cursor = tx.inbox_cursor(acc_a).await.unwrap().unwrap();
    assert_eq!(cursor.cursor.as_deref(), Some("104"), "an error keeps the cursor");
    assert_eq!(cursor.last_error.as_deref(), Some("timeout"));
    let filter = InboxFilter { clients: vec![a], limit: 50, ..InboxFilter::default() };
    let listed: Vec<String> = tx.inbox_items(&filter).await.unwrap().into_iter().map(|i| i.remote_id).collect();
    assert_eq!(listed, vec!["4", "2", "1", "3"], "questions by reach, then praise, spam last");
    let questions = InboxFilter { intent: Some(Intent::Question), ..filter.clone() };
    assert_eq!(tx.inbox_items(&questions).await.unwrap().len(), 2);
    let none = InboxFilter { clients: vec![], limit: 50, ..InboxFilter::default() };
    assert!(tx.inbox_items(&none).await.unwrap().is_empty(), "no client, nothing");
    assert_eq!(tx.inbox_thread(a, "root-1").await.unwrap().len(), 4);
    assert_eq!(tx.inbox_new_counts(&[a, b]).await.unwrap(), vec![(a, 4), (b, 1)]);
    let mut first = tx.inbox_items(&filter).await.unwrap().remove(0);
    assert_eq!(first.text, "texte 4 <script>", "stored as given; escaping is the page's job");
    drop(tx);

    let mut tx = store.write().await.unwrap();
    let stale = first.clone();
    first.state = ItemState::Done;
    first.labels = vec!["vip".into()];
    first.resolved_at = Some(now);
    assert!(tx.save_inbox_triage(&first, None, None).await.unwrap());
    assert!(!tx.save_inbox_triage(&stale, None, None).await.unwrap(), "a stale version changes nothing");
    let note = tx.insert_inbox_note(first.id, None, "client VIP", now).await.unwrap();
    tx.put_saved_reply(a, "merci", "Merci {prénom} !").await.unwrap();
    tx.put_saved_reply(a, "merci", "Merci beaucoup {prénom} !").await.unwrap();
    let settings = InboxSettingsRecord { rules: "when intent = spam then done".into(), ..Default::default() };
    tx.put_inbox_settings(a, &settings, now).await.unwrap();
    let reply = tx.insert_inbox_reply(&first, acc_a, None, "Bonjour", "sending", "key-1", now).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    assert!(tx.insert_inbox_reply(&first, acc_a, None, "Bonjour", "sending", "key-1", now).await.is_err());
    drop(tx);
    let mut tx = store.write().await.unwrap();
    assert!(tx
        .set_inbox_reply_state(reply, "sending", "sent", Some(("r9", "https://m.test/r9")), None, None, now)
        .await
        .unwrap());
    assert!(!tx.set_inbox_reply_state(reply, "sending", "failed", None, Some("x"), None, now).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let done = InboxFilter { state: Some(ItemState::Done), ..filter.clone() };
    let closed = tx.inbox_items(&done).await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].labels, vec!["vip".to_owned()]);
    assert_eq!(closed[0].version, first.version + 1);
    let vip = InboxFilter { label: Some("vip".into()), state: Some(ItemState::Done), ..filter.clone() };
    assert_eq!(tx.inbox_items(&vip).await.unwrap().len(), 1);
    assert_eq!(tx.inbox_items(&filter).await.unwrap().len(), 3, "closed items leave the open list");
    assert_eq!(tx.inbox_notes(first.id).await.unwrap()[0].id, note);
    let saved = tx.saved_replies(a).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].body, "Merci beaucoup {prénom} !");
    assert_eq!(tx.inbox_settings(a).await.unwrap(), settings);
    assert_eq!(tx.inbox_settings(b).await.unwrap(), InboxSettingsRecord::default());
    let replies = tx.inbox_replies(first.id).await.unwrap();
    assert_eq!(replies[0].state, "sent");
    assert_eq!(replies[0].url.as_deref(), Some("https://m.test/r9"));
}
