//! Signing in and out, sessions, rate limiting, the second factor and password changes.

use filrouge_app::auth::{totp_code, SessionToken, SignIn};
use filrouge_app::config::AuthSettings;
use filrouge_app::AppError;
use filrouge_domain::journal::JournalAction;
use filrouge_domain::user::Role;
use filrouge_store::JournalQuery;
use jiff::{SignedDuration, Timestamp};

use crate::helpers::{TestApp, ADDR, PASSWORD};

fn refused(result: Result<SignIn, AppError>) -> bool {
    matches!(result, Ok(SignIn::Refused))
}

/// A six-digit code that is none of the codes accepted around `now`.
fn wrong_code(secret: &str, now: Timestamp) -> String {
    let near: Vec<String> =
        [-30, 0, 30].into_iter().map(|d| totp_code(secret, now + SignedDuration::from_secs(d)).unwrap()).collect();
    ["000000", "111111", "222222"].into_iter().find(|c| !near.iter().any(|n| n == c)).unwrap().to_owned()
}

#[tokio::test]
async fn signing_in_with_the_right_password_opens_a_session_for_that_user() {
    let t = TestApp::new().await;
    let a = t.client("da-marco", "Da Marco").await;
    let id = t.user("marie@agence.fr", Role::CommunityManager, &[a.id]).await;

    let token = match t.app.sign_in("Marie@Agence.fr ", PASSWORD, ADDR).await.unwrap() {
        SignIn::Done(token) => token,
        other => panic!("expected a session, got {other:?}"),
    };
    let session = t.app.session(&token).await.unwrap().expect("live session");
    assert_eq!(session.actor.user_id(), Some(id));
    assert_eq!(session.actor.role(), Role::CommunityManager);
    assert_eq!(session.actor.memberships, vec![a.id]);
    assert!(!session.second_factor_pending);
    assert!(!session.csrf.is_empty());

    let other = t.sign_in("marie@agence.fr").await;
    assert_ne!(other, token, "every sign-in gets its own token");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_are_refused_alike() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;

    assert!(refused(t.app.sign_in("marie@agence.fr", "pas le bon mot de passe", ADDR).await));
    assert!(refused(t.app.sign_in("marie@agence.fr", "", ADDR).await));
    assert!(refused(t.app.sign_in("personne@agence.fr", PASSWORD, ADDR).await));
    assert!(refused(t.app.sign_in("", PASSWORD, ADDR).await));
}

#[tokio::test]
async fn a_disabled_user_is_refused_and_loses_the_sessions_they_had() {
    let t = TestApp::new().await;
    let id = t.user("marie@agence.fr", Role::Manager, &[]).await;
    let token = t.sign_in("marie@agence.fr").await;

    t.app.edit_user(&t.operator, id, "Marie", Role::Manager, true).await.unwrap();

    assert!(refused(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await));
    assert!(t.app.session(&token).await.unwrap().is_none(), "a disabled user's sessions end");

    t.app.edit_user(&t.operator, id, "Marie", Role::Manager, false).await.unwrap();
    t.sign_in("marie@agence.fr").await;
}

#[tokio::test]
async fn too_many_failures_for_an_email_lock_it_even_with_the_right_password_until_the_window_passes() {
    let settings = AuthSettings { max_failures_per_email: 3, failure_window_minutes: 15, ..AuthSettings::default() };
    let t = TestApp::with_settings(settings).await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;

    for _ in 0..3 {
        assert!(refused(t.app.sign_in("marie@agence.fr", "devine devine", ADDR).await));
    }
    match t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await {
        Err(AppError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 15 * 60),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // The lock is per e-mail address, whatever its case, and from anywhere.
    assert!(matches!(
        t.app.sign_in("MARIE@agence.fr", PASSWORD, "198.51.100.7").await,
        Err(AppError::RateLimited { .. })
    ));

    t.advance(SignedDuration::from_mins(14));
    assert!(matches!(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Err(AppError::RateLimited { .. })));

    t.advance(SignedDuration::from_mins(1) + SignedDuration::from_secs(1));
    assert!(matches!(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Ok(SignIn::Done(_))));
}

#[tokio::test]
async fn a_successful_sign_in_forgets_the_earlier_failures_of_that_email() {
    let settings = AuthSettings { max_failures_per_email: 3, ..AuthSettings::default() };
    let t = TestApp::with_settings(settings).await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;

    for _ in 0..2 {
        assert!(refused(t.app.sign_in("marie@agence.fr", "devine devine", ADDR).await));
    }
    t.sign_in("marie@agence.fr").await;
    for _ in 0..2 {
        assert!(refused(t.app.sign_in("marie@agence.fr", "devine devine", ADDR).await));
    }
    t.sign_in("marie@agence.fr").await;
}

#[tokio::test]
async fn too_many_failures_from_one_address_lock_that_address_only() {
    let settings = AuthSettings { max_failures_per_email: 100, max_failures_per_ip: 3, ..AuthSettings::default() };
    let t = TestApp::with_settings(settings).await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;

    for who in ["a@x.fr", "b@x.fr", "c@x.fr"] {
        assert!(refused(t.app.sign_in(who, PASSWORD, "203.0.113.66").await));
    }
    assert!(matches!(
        t.app.sign_in("marie@agence.fr", PASSWORD, "203.0.113.66").await,
        Err(AppError::RateLimited { .. })
    ));
    assert!(matches!(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Ok(SignIn::Done(_))));
}

#[tokio::test]
async fn a_session_ends_after_the_idle_time_without_requests() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let idle = i64::from(AuthSettings::default().session_idle_minutes);
    let token = t.sign_in("marie@agence.fr").await;

    t.advance(SignedDuration::from_mins(idle - 1));
    assert!(t.app.session(&token).await.unwrap().is_some(), "still alive one minute before the end");

    t.advance(SignedDuration::from_mins(idle) + SignedDuration::from_secs(1));
    assert!(t.app.session(&token).await.unwrap().is_none(), "idle for longer than the limit");

    let untouched = t.sign_in("marie@agence.fr").await;
    t.advance(SignedDuration::from_mins(idle));
    assert!(t.app.session(&untouched).await.unwrap().is_none(), "the limit itself is the end");
}

#[tokio::test]
async fn each_request_pushes_the_end_of_the_session_back() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let idle = i64::from(AuthSettings::default().session_idle_minutes);
    let token = t.sign_in("marie@agence.fr").await;

    for _ in 0..4 {
        t.advance(SignedDuration::from_mins(idle - 10));
        assert!(t.app.session(&token).await.unwrap().is_some(), "active sessions stay open");
    }
    t.advance(SignedDuration::from_mins(idle - 1));
    assert!(t.app.session(&token).await.unwrap().is_some());
    t.advance(SignedDuration::from_mins(idle + 1));
    assert!(t.app.session(&token).await.unwrap().is_none());
    assert_eq!(t.app.prune_sessions().await.unwrap(), 1, "the expired session is pruned");
}

#[tokio::test]
async fn signing_out_ends_the_session_and_only_that_one() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let first = t.sign_in("marie@agence.fr").await;
    let second = t.sign_in("marie@agence.fr").await;

    t.app.sign_out(&first).await.unwrap();

    assert!(t.app.session(&first).await.unwrap().is_none());
    assert!(t.app.session(&second).await.unwrap().is_some());
    assert!(t.app.session(&SessionToken("made-up".into())).await.unwrap().is_none());
}

#[tokio::test]
async fn a_confirmed_second_factor_is_asked_at_sign_in_and_its_codes_cannot_be_replayed() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;

    let setup = t.app.begin_totp_setup(&marie).await.unwrap();
    assert!(setup.otpauth_url.starts_with("otpauth://totp/"), "{}", setup.otpauth_url);
    assert!(setup.qr_svg.contains("<svg"));
    let secret = setup.secret_base32;
    assert!(t.app.confirm_totp(&marie, &totp_code(&secret, t.app.now()).unwrap()).await.unwrap());

    // The next time step: the code used to confirm is spent.
    t.advance(SignedDuration::from_secs(30));
    let token = match t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await.unwrap() {
        SignIn::NeedsSecondFactor(token) => token,
        other => panic!("expected the second factor to be asked, got {other:?}"),
    };
    let pending = t.app.session(&token).await.unwrap().expect("a pending session");
    assert!(pending.second_factor_pending);

    let wrong = wrong_code(&secret, t.app.now());
    assert!(t.app.second_factor(&token, &wrong, ADDR).await.unwrap().is_none(), "a wrong code is refused");
    assert!(t.app.session(&token).await.unwrap().expect("still pending").second_factor_pending);

    let code = totp_code(&secret, t.app.now()).unwrap();
    let full = t.app.second_factor(&token, &code, ADDR).await.unwrap().expect("the right code completes the sign-in");
    assert_ne!(full, token, "a fresh token once fully signed in");
    assert!(t.app.session(&token).await.unwrap().is_none(), "the pending token no longer opens anything");
    let done = t.app.session(&full).await.unwrap().expect("a full session");
    assert!(!done.second_factor_pending);
    assert_eq!(done.actor.user_id(), marie.user_id());

    // Someone who saw that code signs in with the password and tries it again.
    t.advance(SignedDuration::from_secs(5));
    let SignIn::NeedsSecondFactor(again) = t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await.unwrap() else {
        panic!("the second factor is asked every time");
    };
    assert!(t.app.second_factor(&again, &code, ADDR).await.unwrap().is_none(), "a used code cannot be replayed");
    assert!(t.app.session(&again).await.unwrap().expect("still pending").second_factor_pending);

    t.advance(SignedDuration::from_secs(30));
    let fresh = totp_code(&secret, t.app.now()).unwrap();
    assert!(t.app.second_factor(&again, &fresh, ADDR).await.unwrap().is_some(), "the next code works");
}

#[tokio::test]
async fn a_second_factor_is_not_in_force_until_a_right_code_confirms_it() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;

    let setup = t.app.begin_totp_setup(&marie).await.unwrap();
    let wrong = wrong_code(&setup.secret_base32, t.app.now());
    assert!(!t.app.confirm_totp(&marie, &wrong).await.unwrap());

    assert!(matches!(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Ok(SignIn::Done(_))));
}

#[tokio::test]
async fn turning_the_second_factor_off_needs_the_password() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;
    let setup = t.app.begin_totp_setup(&marie).await.unwrap();
    assert!(t.app.confirm_totp(&marie, &totp_code(&setup.secret_base32, t.app.now()).unwrap()).await.unwrap());

    assert!(!t.app.disable_totp(&marie, "pas le bon mot de passe").await.unwrap());
    assert!(matches!(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Ok(SignIn::NeedsSecondFactor(_))));

    assert!(t.app.disable_totp(&marie, PASSWORD).await.unwrap());
    assert!(matches!(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await, Ok(SignIn::Done(_))));
}

#[tokio::test]
async fn a_second_factor_code_needs_a_live_session() {
    let t = TestApp::new().await;
    match t.app.second_factor(&SessionToken("made-up".into()), "123456", ADDR).await {
        Err(AppError::Unauthenticated) => {}
        other => panic!("expected Unauthenticated, got {other:?}"),
    }
}

#[tokio::test]
async fn changing_ones_own_password_requires_the_current_one() {
    let t = TestApp::new().await;
    let id = t.user("marie@agence.fr", Role::Manager, &[]).await;
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;
    let new = "une pâte fine et croustillante";

    assert!(!t.app.change_own_password(&marie, None, "pas le bon mot de passe", new).await.unwrap());
    assert!(refused(t.app.sign_in("marie@agence.fr", new, ADDR).await));
    t.sign_in("marie@agence.fr").await;

    match t.app.change_own_password(&marie, None, PASSWORD, "court").await {
        Err(AppError::Invalid(e)) => assert_eq!(e.field, "password"),
        other => panic!("a too short password must be refused, got {other:?}"),
    }

    assert!(t.app.change_own_password(&marie, None, PASSWORD, new).await.unwrap());
    assert!(refused(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await));
    assert!(matches!(t.app.sign_in("marie@agence.fr", new, ADDR).await, Ok(SignIn::Done(_))));

    let mut tx = t.app.store().read().await.unwrap();
    let query =
        JournalQuery { action: Some(JournalAction::PasswordChanged), user: Some(id), ..JournalQuery::default() };
    let entries = tx.journal(&query).await.unwrap();
    assert_eq!(entries.len(), 1, "the change is journaled once");
}

#[tokio::test]
async fn the_operator_has_no_password_or_second_factor_of_its_own() {
    let t = TestApp::new().await;
    assert!(matches!(
        t.app.change_own_password(&t.operator, None, PASSWORD, "un autre mot de passe").await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(t.app.begin_totp_setup(&t.operator).await, Err(AppError::Forbidden)));
}

#[tokio::test]
async fn wrong_second_factor_codes_are_rate_limited_too() {
    let settings = AuthSettings { max_failures_per_email: 2, ..AuthSettings::default() };
    let t = TestApp::with_settings(settings).await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;
    let secret = t.app.begin_totp_setup(&marie).await.unwrap().secret_base32;
    assert!(t.app.confirm_totp(&marie, &totp_code(&secret, t.app.now()).unwrap()).await.unwrap());
    t.advance(SignedDuration::from_secs(60));
    let SignIn::NeedsSecondFactor(token) = t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await.unwrap() else {
        panic!("the second factor is asked");
    };

    let wrong = wrong_code(&secret, t.app.now());
    for _ in 0..2 {
        assert!(t.app.second_factor(&token, &wrong, ADDR).await.unwrap().is_none());
    }
    let right = totp_code(&secret, t.app.now()).unwrap();
    assert!(matches!(t.app.second_factor(&token, &right, ADDR).await, Err(AppError::RateLimited { .. })));

    t.advance(SignedDuration::from_mins(16));
    let SignIn::NeedsSecondFactor(token) = t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await.unwrap() else {
        panic!("the second factor is asked");
    };
    let right = totp_code(&secret, t.app.now()).unwrap();
    assert!(t.app.second_factor(&token, &right, ADDR).await.unwrap().is_some());
}

#[tokio::test]
async fn starting_a_new_second_factor_setup_does_not_turn_off_the_one_in_force() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;
    let secret = t.app.begin_totp_setup(&marie).await.unwrap().secret_base32;
    assert!(t.app.confirm_totp(&marie, &totp_code(&secret, t.app.now()).unwrap()).await.unwrap());

    // Whoever holds a session (a borrowed laptop) must not drop the second factor without the
    // password: that is what disable_totp asks for.
    match t.app.begin_totp_setup(&marie).await.map(drop) {
        Err(AppError::Conflict(_)) => {}
        other => panic!("expected a refusal while the second factor is on, got {other:?}"),
    }
    t.advance(SignedDuration::from_secs(30));
    let SignIn::NeedsSecondFactor(token) = t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await.unwrap() else {
        panic!("the second factor must still be asked");
    };
    assert!(
        t.app.second_factor(&token, &totp_code(&secret, t.app.now()).unwrap(), ADDR).await.unwrap().is_some(),
        "the same secret"
    );

    // Once turned off with the password, a new setup may start.
    assert!(t.app.disable_totp(&marie, PASSWORD).await.unwrap());
    t.app.begin_totp_setup(&marie).await.unwrap();
}

#[tokio::test]
async fn a_password_reset_by_an_administrator_ends_the_users_sessions() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::CommunityManager, &[]).await;
    let token = t.sign_in("marie@agence.fr").await;
    let new = "réinitialisé par la patronne";

    t.app.set_password(&t.operator, "marie@agence.fr", new).await.unwrap();

    assert!(t.app.session(&token).await.unwrap().is_none());
    assert!(refused(t.app.sign_in("marie@agence.fr", PASSWORD, ADDR).await));
    assert!(matches!(t.app.sign_in("marie@agence.fr", new, ADDR).await, Ok(SignIn::Done(_))));
}

#[tokio::test]
async fn choosing_ones_language_does_not_undo_what_an_administrator_changed_meanwhile() {
    let t = TestApp::new().await;
    let id = t.user("marie@agence.fr", Role::CommunityManager, &[]).await;
    // The actor as loaded at the start of Marie's request…
    let marie = t.actor(&t.sign_in("marie@agence.fr").await).await;
    // …while an administrator demotes and renames her.
    t.app.edit_user(&t.operator, id, "Marie D.", Role::Analyst, false).await.unwrap();

    t.app.set_own_language(&marie, Some(filrouge_domain::locale::UiLang::En)).await.unwrap();

    let users = t.app.users(&t.operator).await.unwrap();
    let now = &users.iter().find(|u| u.user.id == id).unwrap().user;
    assert_eq!(now.ui_lang, Some(filrouge_domain::locale::UiLang::En));
    assert_eq!(now.role, Role::Analyst, "the demotion stands");
    assert_eq!(now.name, "Marie D.");
}

#[tokio::test]
async fn changing_ones_own_password_ends_the_other_sessions_but_not_the_current_one() {
    let t = TestApp::new().await;
    t.user("marie@agence.fr", Role::Manager, &[]).await;
    let laptop = t.sign_in("marie@agence.fr").await;
    let phone = t.sign_in("marie@agence.fr").await;
    let marie = t.actor(&laptop).await;
    assert!(t
        .app
        .change_own_password(&marie, Some(&laptop), PASSWORD, "une pâte fine et croustillante")
        .await
        .unwrap());
    assert!(t.app.session(&laptop).await.unwrap().is_some(), "the session in use stays");
    assert!(t.app.session(&phone).await.unwrap().is_none(), "the other session ended");
}
