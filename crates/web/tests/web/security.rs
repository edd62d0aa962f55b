//! Sign-in, sessions, cookies, CSRF and rate limiting, seen from HTTP.

use axum::http::{header, StatusCode};
use filrouge_app::config::WebConfig;
use filrouge_domain::user::Role;
use filrouge_web::CSRF_COOKIE;

use crate::helpers::{spawn_app, spawn_app_with, Browser, PASSWORD};

fn cookie_value(answer: &crate::helpers::Answer, name: &str) -> Option<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.to_owned())
}

/// Opens the sign-in page like a browser and returns its form token and cookie.
async fn login_form(anonymous: &Browser) -> (String, String) {
    let page = anonymous.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = cookie_value(&page, CSRF_COOKIE).expect("the sign-in page sets its form-token cookie");
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    assert!(page.body.contains(&token), "the form carries the same token");
    (token, cookie)
}

async fn try_login(anonymous: &Browser, email: &str, password: &str) -> crate::helpers::Answer {
    let (token, _) = login_form(anonymous).await;
    anonymous
        .post_raw(
            "/login",
            &[("_csrf", &token), ("email", email), ("password", password)],
            &[("cookie", &format!("{CSRF_COOKIE}={token}"))],
        )
        .await
}

#[tokio::test]
async fn signing_in_sets_a_protected_session_cookie_and_signing_out_ends_it() {
    let t = spawn_app().await;
    t.user("cm@agence.fr", Role::CommunityManager, &[]).await;
    let answer = try_login(&t.anonymous(), "cm@agence.fr", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/");
    let cookie = cookie_value(&answer, "filrouge_session").expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain-http installation: {cookie}");

    let browser = t.browser("cm@agence.fr").await;
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
    let out = browser.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login");
    let after = browser.get("/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the old cookie no longer opens anything");
}

#[tokio::test]
async fn https_installations_mark_cookies_secure_with_the_host_prefix() {
    let web = WebConfig { public_url: "https://filrouge.agence.fr".into(), ..WebConfig::default() };
    let t = spawn_app_with(web).await;
    let page = t.anonymous().get("/login").await;
    let cookie = cookie_value(&page, &format!("__Host-{CSRF_COOKIE}")).expect("prefixed cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let t = spawn_app().await;
    t.user("cm@agence.fr", Role::CommunityManager, &[]).await;
    let wrong = try_login(&t.anonymous(), "cm@agence.fr", "not the password").await;
    let unknown = try_login(&t.anonymous(), "nobody@agence.fr", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let strip = |body: &str, email: &str| {
        let after_token = body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split_once('"').unwrap().1;
        after_token.replace(email, "EMAIL")
    };
    assert_eq!(strip(&wrong.body, "cm@agence.fr"), strip(&unknown.body, "nobody@agence.fr"));
    assert!(cookie_value(&wrong, "filrouge_session").is_none());
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_even_with_the_right_password() {
    let t = spawn_app().await;
    t.user("cm@agence.fr", Role::CommunityManager, &[]).await;
    for _ in 0..5 {
        assert_eq!(try_login(&t.anonymous(), "cm@agence.fr", "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let limited = try_login(&t.anonymous(), "cm@agence.fr", PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn forms_without_the_right_token_or_from_another_site_are_refused() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let browser = t.browser("cm@agence.fr").await;
    let note = [("text", "forged")];
    let no_token = browser.post_raw("/c/alpha/journal/notes", &note, &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let wrong = browser.post_raw("/c/alpha/journal/notes", &[("_csrf", "forged"), ("text", "x")], &[]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let csrf = browser.csrf.clone();
    let cross = browser
        .post_raw(
            "/c/alpha/journal/notes",
            &[("_csrf", &csrf), ("text", "x")],
            &[("origin", "https://evil.example"), ("host", "filrouge.local")],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let fetch_site = browser
        .post_raw("/c/alpha/journal/notes", &[("_csrf", &csrf), ("text", "x")], &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(fetch_site.status, StatusCode::FORBIDDEN);
    let ok = browser.post("/c/alpha/journal/notes", &[("text", "real note")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let journal = browser.get("/c/alpha/journal").await.body;
    assert!(journal.contains("real note"));
    assert!(!journal.contains("forged"));
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let t = spawn_app().await;
    let page = t.anonymous().get("/login").await;
    let csp = page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
}

#[tokio::test]
async fn a_second_factor_is_asked_before_anything_opens() {
    let t = spawn_app().await;
    t.user("cm@agence.fr", Role::CommunityManager, &[]).await;
    let browser = t.browser("cm@agence.fr").await;
    let setup = browser.post("/profile/totp/setup", &[]).await;
    assert_eq!(setup.status, StatusCode::OK);
    let secret = setup.body.split("data-testid=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let code = filrouge_app::auth::totp_code(&secret, t.app.now()).unwrap();
    let confirmed = browser.post("/profile/totp/confirm", &[("code", &code)]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);

    let answer = try_login(&t.anonymous(), "cm@agence.fr", PASSWORD).await;
    assert_eq!(answer.location(), "/login/totp");
    let cookie = cookie_value(&answer, "filrouge_session").unwrap();
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    let pending = Browser {
        router: t.router.clone(),
        token: Some(filrouge_app::auth::SessionToken(token.clone())),
        csrf: t.app.session(&filrouge_app::auth::SessionToken(token)).await.unwrap().unwrap().csrf,
    };
    let home = pending.get("/").await;
    assert_eq!(home.location(), "/login/totp", "nothing opens before the second factor");
    assert_eq!(pending.post("/login/totp", &[("code", "000000")]).await.status, StatusCode::UNAUTHORIZED);
}
