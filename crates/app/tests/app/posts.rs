//! The fil rouge: posts from idea to scheduled, approvals signed in and from signed links, moves in time across
//! daylight-saving changes, posting slots, and who may do what.

use filrouge_app::posts::PostInput;
use filrouge_app::reviews::Decision;
use filrouge_app::AppError;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::Charter;
use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::post::{ApprovalPolicy, PostContent, PostState, Target};
use filrouge_domain::user::Role;
use jiff::SignedDuration;

use crate::helpers::{assert_forbidden, assert_invalid, assert_not_found, at, TestApp};

async fn client_with_account(t: &TestApp, slug: &str, policy: ApprovalPolicy) -> AccountId {
    t.client(slug, &slug.replace('-', " ")).await;
    if policy != ApprovalPolicy::None {
        let charter = Charter { approval: policy, ..Charter::default() };
        t.app.update_charter(&t.operator, slug, charter).await.unwrap();
    }
    let profile =
        AccountProfile { network: Network::Mastodon, handle: format!("@{slug}@m.test"), display_name: slug.into() };
    t.app.add_account(&t.operator, slug, profile, None).await.unwrap()
}

fn input(text: &str, account: AccountId, planned: Option<&str>) -> PostInput {
    PostInput {
        content: PostContent {
            text: text.into(),
            targets: vec![Target { account_id: account, text: None, media: None }],
            ..PostContent::default()
        },
        planned_at: planned.map(at),
        campaign: None,
    }
}

async fn state(t: &TestApp, slug: &str, id: PostId) -> (PostState, i64) {
    let post = t.app.post(&t.operator, slug, id).await.unwrap().post;
    (post.state, post.version)
}

#[tokio::test]
async fn without_approval_a_draft_is_scheduled_and_every_step_is_journaled() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    let id = t
        .app
        .create_post(&t.operator, "da-marco", input("Ciao Lyon !", acc, Some("2026-06-16T10:30:00Z")))
        .await
        .unwrap();
    assert_eq!(state(&t, "da-marco", id).await, (PostState::Draft, 1));
    t.app.schedule_post(&t.operator, "da-marco", id, 1).await.unwrap();
    assert_eq!(state(&t, "da-marco", id).await, (PostState::Scheduled, 2));
    // Moving a scheduled post keeps it scheduled; moving it to the backlog unschedules it.
    t.app.move_post(&t.operator, "da-marco", id, 2, Some(at("2026-06-17T10:30:00Z"))).await.unwrap();
    assert_eq!(state(&t, "da-marco", id).await, (PostState::Scheduled, 3));
    t.app.move_post(&t.operator, "da-marco", id, 3, None).await.unwrap();
    assert_eq!(state(&t, "da-marco", id).await, (PostState::Draft, 4));

    let actions: Vec<JournalAction> = t.journal("da-marco").await.into_iter().map(|e| e.action).collect();
    for expected in [JournalAction::PostCreated, JournalAction::PostScheduled, JournalAction::PostMoved] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    let moved = t.journal("da-marco").await.into_iter().find(|e| e.action == JournalAction::PostMoved).unwrap();
    assert!(moved.summary.contains("to backlog"), "{}", moved.summary);
    let first_move = t.journal("da-marco").await.into_iter().rfind(|e| e.action == JournalAction::PostMoved).unwrap();
    assert!(
        first_move.summary.contains("2026-06-16 12:30 CEST (Europe/Paris) to 2026-06-17 12:30 CEST"),
        "journal lines give times on the client's clock with the zone: {}",
        first_move.summary
    );
}

#[tokio::test]
async fn a_post_cannot_be_scheduled_in_the_past_without_accounts_or_with_a_stale_version() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    let past =
        t.app.create_post(&t.operator, "da-marco", input("Hier", acc, Some("2026-06-14T10:00:00Z"))).await.unwrap();
    assert_invalid("past", t.app.schedule_post(&t.operator, "da-marco", past, 1).await, "planned_at");
    let mut nowhere = input("Nulle part", acc, Some("2026-06-20T10:00:00Z"));
    nowhere.content.targets.clear();
    let nowhere = t.app.create_post(&t.operator, "da-marco", nowhere).await.unwrap();
    assert_invalid("no account", t.app.schedule_post(&t.operator, "da-marco", nowhere, 1).await, "post");
    let ok =
        t.app.create_post(&t.operator, "da-marco", input("Demain", acc, Some("2026-06-16T10:00:00Z"))).await.unwrap();
    t.app.move_post(&t.operator, "da-marco", ok, 1, Some(at("2026-06-18T10:00:00Z"))).await.unwrap();
    match t.app.schedule_post(&t.operator, "da-marco", ok, 1).await {
        Err(AppError::Conflict(m)) => assert!(m.contains("someone changed this post"), "{m}"),
        other => panic!("a stale version must be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_post_cannot_target_another_clients_account() {
    let t = TestApp::new().await;
    let _mine = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    let theirs = client_with_account(&t, "tapis-royal", ApprovalPolicy::None).await;
    let result = t.app.create_post(&t.operator, "da-marco", input("Tapis !", theirs, None)).await;
    assert_invalid("foreign account", result, "accounts");
}

#[tokio::test]
async fn with_client_approval_the_reviewer_approves_and_the_post_goes_into_the_queue() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "musee", ApprovalPolicy::Client).await;
    let client = t.app.client(&t.operator, "musee", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    let cm = t.member("camille@agence.test", Role::CommunityManager, &[client.id]).await;
    let reviewer = t.member("conservateur@musee.test", Role::ClientReviewer, &[client.id]).await;
    let id = t.app.create_post(&cm, "musee", input("Nocturne jeudi", acc, Some("2026-06-18T17:00:00Z"))).await.unwrap();

    // Not before approval; the reviewer does not see the draft at all.
    assert_invalid("unapproved", t.app.schedule_post(&cm, "musee", id, 1).await, "state");
    assert_not_found("draft hidden from reviewer", t.app.post(&reviewer, "musee", id).await);
    t.app.submit_post(&cm, "musee", id, 1).await.unwrap();
    let view =
        t.app.calendar(&reviewer, Some("musee"), at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await.unwrap();
    assert_eq!(view.posts.len(), 1, "the reviewer sees what waits for them");

    // The community manager may not approve for the client.
    assert_forbidden("cm approves", t.app.review_post(&cm, "musee", id, 2, Decision::Approve, "").await);
    let state = t.app.review_post(&reviewer, "musee", id, 2, Decision::Approve, "Parfait").await.unwrap();
    assert_eq!(state, PostState::Scheduled, "approved with a time to come: straight into the queue");
    let detail = t.app.post(&cm, "musee", id).await.unwrap();
    assert_eq!(detail.comments.len(), 1);
    assert_eq!(detail.comments[0].author, "Conservateur");

    // Editing the approved words withdraws the approval.
    t.app
        .edit_post(&cm, "musee", id, 3, input("Nocturne jeudi et vendredi", acc, Some("2026-06-18T17:00:00Z")))
        .await
        .unwrap();
    assert_eq!(state_of(&t, "musee", id).await, PostState::Draft);
    let approved = t.journal("musee").await.into_iter().find(|e| e.action == JournalAction::PostApproved).unwrap();
    assert!(
        approved.summary.contains("approved by Conservateur and scheduled for 2026-06-18 19:00 CEST"),
        "{}",
        approved.summary
    );
}

async fn state_of(t: &TestApp, slug: &str, id: PostId) -> PostState {
    state(t, slug, id).await.0
}

#[tokio::test]
async fn a_rejected_post_returns_to_draft_with_the_comment() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "banque", ApprovalPolicy::Internal).await;
    let client = t.app.client(&t.operator, "banque", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    let cm = t.member("camille@agence.test", Role::CommunityManager, &[client.id]).await;
    let manager = t.member("marie@agence.test", Role::Manager, &[client.id]).await;
    let id = t.app.create_post(&cm, "banque", input("Taux à 0 % !", acc, Some("2026-06-19T08:00:00Z"))).await.unwrap();
    t.app.submit_post(&cm, "banque", id, 1).await.unwrap();
    assert_invalid(
        "reject without a word",
        t.app.review_post(&manager, "banque", id, 2, Decision::Reject, " ").await,
        "comment",
    );
    let state =
        t.app.review_post(&manager, "banque", id, 2, Decision::Reject, "Mention légale manquante").await.unwrap();
    assert_eq!(state, PostState::Draft);
    let post = t.app.post(&cm, "banque", id).await.unwrap().post;
    assert_eq!(post.review_comment, "Mention légale manquante");
    let rejected = t.journal("banque").await.into_iter().find(|e| e.action == JournalAction::PostRejected).unwrap();
    assert!(rejected.summary.contains("Mention légale manquante"), "{}", rejected.summary);
}

#[tokio::test]
async fn a_signed_link_lets_the_client_approve_until_it_expires_or_is_revoked() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "musee", ApprovalPolicy::Client).await;
    let other = client_with_account(&t, "banque", ApprovalPolicy::Client).await;
    let id =
        t.app.create_post(&t.operator, "musee", input("Expo Monet", acc, Some("2026-06-20T08:00:00Z"))).await.unwrap();
    let theirs =
        t.app.create_post(&t.operator, "banque", input("Livret A", other, Some("2026-06-20T08:00:00Z"))).await.unwrap();
    let draft =
        t.app.create_post(&t.operator, "musee", input("Brouillon", acc, Some("2026-06-21T08:00:00Z"))).await.unwrap();
    t.app.submit_post(&t.operator, "musee", id, 1).await.unwrap();
    t.app.submit_post(&t.operator, "banque", theirs, 1).await.unwrap();
    let (token, expires) = t.app.create_review_link(&t.operator, "musee", "Direction du musée", 7).await.unwrap();
    assert_eq!(expires, at("2026-06-22T07:30:00Z"));

    let page = t.app.link_review(&token).await.unwrap();
    assert_eq!(page.posts.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id], "only what waits, never drafts");
    // A link of one client reaches none of another's posts, nor drafts.
    assert_not_found("other client", t.app.link_decide(&token, theirs, 2, Decision::Approve, "Léa", "").await);
    assert_not_found("draft", t.app.link_decide(&token, draft, 1, Decision::Approve, "Léa", "").await);
    assert_invalid("anonymous", t.app.link_decide(&token, id, 2, Decision::Approve, "", "").await, "name");
    let state = t.app.link_decide(&token, id, 2, Decision::Approve, "Léa Martin", "Go").await.unwrap();
    assert_eq!(state, PostState::Scheduled);
    let entry = t.journal("musee").await.into_iter().find(|e| e.action == JournalAction::PostApproved).unwrap();
    assert!(entry.summary.contains("Léa Martin (signed link \"Direction du musée\")"), "{}", entry.summary);
    assert_eq!(entry.user_id, None);

    assert_not_found("bad token", t.app.link_review("not-a-token").await);
    t.advance(SignedDuration::from_hours(24 * 7));
    assert_not_found("expired", t.app.link_review(&token).await);
    let (token2, _) = t.app.create_review_link(&t.operator, "musee", "Com", 3).await.unwrap();
    let link = t.app.review_links(&t.operator, "musee").await.unwrap().into_iter().find(|l| l.label == "Com").unwrap();
    t.app.revoke_review_link(&t.operator, "musee", link.id).await.unwrap();
    assert_not_found("revoked", t.app.link_review(&token2).await);
}

#[tokio::test]
async fn the_calendar_shows_each_clients_posts_and_who_has_nothing_tomorrow() {
    let t = TestApp::new().await;
    let a = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    let _b = client_with_account(&t, "tapis-royal", ApprovalPolicy::None).await;
    let client_a =
        t.app.client(&t.operator, "da-marco", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    // Tomorrow in Paris is Tuesday 16 June.
    t.app.create_post(&t.operator, "da-marco", input("Mardi midi", a, Some("2026-06-16T10:30:00Z"))).await.unwrap();
    t.app.create_post(&t.operator, "da-marco", input("Une idée", a, None)).await.unwrap();
    let cm = t.member("camille@agence.test", Role::CommunityManager, &[client_a.id]).await;
    let view = t.app.calendar(&t.operator, None, at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await.unwrap();
    assert_eq!(view.posts.len(), 1);
    assert_eq!(view.backlog.len(), 1);
    let gaps: Vec<_> =
        view.empty_tomorrow.iter().map(|id| view.client(*id).unwrap().profile.slug.to_string()).collect();
    assert_eq!(gaps, vec!["tapis-royal"]);
    let mine = t.app.calendar(&cm, None, at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await.unwrap();
    assert_eq!(mine.clients.len(), 1, "a community manager sees only their clients");
    assert_not_found(
        "foreign calendar",
        t.app.calendar(&cm, Some("tapis-royal"), at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await,
    );
}

#[tokio::test]
async fn a_post_dropped_into_the_queue_takes_the_next_free_slot_on_the_wall_clock() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    t.app.set_slots(&t.operator, "da-marco", acc, "mar 12:30\njeu 12:30").await.unwrap();
    assert_invalid("bad slot", t.app.set_slots(&t.operator, "da-marco", acc, "tue 12:30\nsomeday").await, "line 2");
    let first = t.app.create_post(&t.operator, "da-marco", input("Un", acc, None)).await.unwrap();
    let second = t.app.create_post(&t.operator, "da-marco", input("Deux", acc, None)).await.unwrap();
    assert_eq!(t.app.queue_post(&t.operator, "da-marco", first, 1).await.unwrap(), at("2026-06-16T10:30:00Z"));
    assert_eq!(t.app.queue_post(&t.operator, "da-marco", second, 1).await.unwrap(), at("2026-06-18T10:30:00Z"));
    // In winter, the same wall-clock slot is one hour later in UTC.
    t.set_time("2026-10-26T08:00:00Z");
    let third = t.app.create_post(&t.operator, "da-marco", input("Trois", acc, None)).await.unwrap();
    assert_eq!(t.app.queue_post(&t.operator, "da-marco", third, 1).await.unwrap(), at("2026-10-27T11:30:00Z"));
}

#[tokio::test]
async fn reviewers_and_analysts_cannot_write_posts() {
    let t = TestApp::new().await;
    let acc = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    let client = t.app.client(&t.operator, "da-marco", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    for (email, role) in [("a@x.test", Role::Analyst), ("r@x.test", Role::ClientReviewer)] {
        let actor = t.member(email, role, &[client.id]).await;
        assert_forbidden("write", t.app.create_post(&actor, "da-marco", input("x", acc, None)).await);
    }
    let stranger = t.member("s@x.test", Role::CommunityManager, &[]).await;
    assert_not_found("stranger", t.app.create_post(&stranger, "da-marco", input("x", acc, None)).await);
}

#[tokio::test]
async fn the_charter_blocks_scheduling_and_the_live_lint_names_the_client_a_draft_resembles() {
    use filrouge_domain::client::Brief;
    use filrouge_domain::lint::FindingCode;
    let t = TestApp::new().await;
    let pizza = client_with_account(&t, "da-marco", ApprovalPolicy::None).await;
    let osteo = client_with_account(&t, "cabinet-lemoine", ApprovalPolicy::None).await;
    let charter =
        Charter { banned: vec!["pas cher".into()], required_hashtags: vec!["#DaMarco".into()], ..Charter::default() };
    t.app.update_charter(&t.operator, "da-marco", charter).await.unwrap();
    let brief = |activity: &str, keywords: &[&str]| Brief {
        activity: activity.into(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        ..Brief::default()
    };
    t.app
        .update_brief(
            &t.operator,
            "da-marco",
            brief("Pizzeria napolitaine, four à bois", &["pizza", "mozzarella", "four à bois", "burrata"]),
        )
        .await
        .unwrap();
    t.app
        .update_brief(
            &t.operator,
            "cabinet-lemoine",
            brief("Cabinet d'ostéopathie", &["ostéopathie", "dos", "lombalgie", "posture", "séance"]),
        )
        .await
        .unwrap();

    let id = t
        .app
        .create_post(&t.operator, "da-marco", input("Pizza pas cher ce soir !", pizza, Some("2026-06-16T10:00:00Z")))
        .await
        .unwrap();
    match t.app.schedule_post(&t.operator, "da-marco", id, 1).await {
        Err(AppError::Invalid(e)) => assert!(e.reason.contains("pas cher") || e.reason.contains("#DaMarco"), "{e}"),
        other => panic!("a banned word must block scheduling, got {other:?}"),
    }

    let draft = input("Mal de dos ? Une séance d'ostéopathie soulage la lombalgie et corrige la posture.", pizza, None);
    let report = t.app.lint_post(&t.operator, "da-marco", draft.content).await.unwrap();
    let wrong = report.findings.iter().find(|f| f.code == FindingCode::WrongClient).expect("a wrong-client warning");
    assert_eq!(wrong.client.as_deref(), Some("cabinet-lemoine"));
    assert!(report.findings.iter().any(|f| f.code == FindingCode::MissingHashtag));
    assert_eq!(report.counts.len(), 1);
    assert_eq!(report.counts[0].limit, 500, "a Mastodon account counts to 500");
    let right = input("Mal de dos ? Une séance d'ostéopathie soulage la lombalgie.", osteo, None);
    let report = t.app.lint_post(&t.operator, "cabinet-lemoine", right.content).await.unwrap();
    assert!(!report.findings.iter().any(|f| f.code == FindingCode::WrongClient), "{:?}", report.findings);
}

#[tokio::test]
async fn reviewers_are_reminded_once_a_day_before_a_post_still_waits() {
    use filrouge_app::config::{AnalysisConfig, MailConfig, MailSecurity};
    use filrouge_app::veille::Veille;
    use filrouge_testkit::smtp::SmtpServer;
    use std::time::Duration;
    let Some(smtp) = SmtpServer::start().await else { return };
    let t = TestApp::new().await;
    let mail = MailConfig {
        host: Some("127.0.0.1".into()),
        port: smtp.port(),
        security: MailSecurity::None,
        from: "Fil Rouge <calendrier@agence.test>".into(),
        ..MailConfig::default()
    };
    let app = t
        .app
        .clone()
        .with_veille(Veille::new(&AnalysisConfig::default(), &mail, "https://filrouge.agence.test").unwrap());
    let acc = client_with_account(&t, "musee", ApprovalPolicy::Client).await;
    let client = t.app.client(&t.operator, "musee", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    t.user("conservateur@musee.test", Role::ClientReviewer, &[client.id]).await;
    t.user("camille@agence.test", Role::CommunityManager, &[client.id]).await;
    // Planned in two days: no reminder yet; a day before: one, to the reviewer only.
    let id = app.create_post(&t.operator, "musee", input("Nocturne", acc, Some("2026-06-17T17:00:00Z"))).await.unwrap();
    app.submit_post(&t.operator, "musee", id, 1).await.unwrap();
    assert_eq!(app.remind_reviewers().await.unwrap(), 0);
    t.set_time("2026-06-16T18:00:00Z");
    assert_eq!(app.remind_reviewers().await.unwrap(), 1);
    assert_eq!(app.remind_reviewers().await.unwrap(), 0, "once per planned time");
    let mails = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);
    let to = mails[0].header("To").unwrap();
    assert!(to.contains("conservateur@musee.test") && !to.contains("camille"), "{to}");
    assert!(mails[0].raw.contains("https://filrouge.agence.test/c/musee/posts/"), "the post's page is linked");
    assert!(t.journal("musee").await.iter().any(|e| e.action == JournalAction::ReviewReminded));
    // Moved to another time: reminded again for that time.
    app.move_post(&t.operator, "musee", id, 2, Some(at("2026-06-17T09:00:00Z"))).await.unwrap();
    assert_eq!(app.remind_reviewers().await.unwrap(), 1);
}
