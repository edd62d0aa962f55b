//! Connecting a Mastodon account through OAuth with the web routes, against the Mastodon-API test server: the
//! accounts page's form, our application registered once on the instance, the instance's authorisation form, the
//! callback, the account connected and its token used to publish. And who may start and finish an authorisation:
//! only members who manage the client's accounts, only the user who started it, once, within 10 minutes. (The
//! pages speak French: no Accept-Language is sent.)

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use filrouge_app::posts::PostInput;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountStatus, Network};
use filrouge_domain::clock::ManualClock;
use filrouge_domain::connection::Connection;
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::user::Role;
use filrouge_testkit::mastodon::MockServer;
use jiff::SignedDuration;

use crate::helpers::{spawn_oauth_app, Answer, Browser, TestApp};

/// The flash cookie a redirect set.
fn flash_cookie(answer: &Answer) -> String {
    answer
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("filrouge_flash="))
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .to_owned()
}

/// Follows a redirect as a browser does, carrying its message; the page's flash text.
async fn follow(b: &Browser, answer: &Answer) -> (String, String) {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = flash_cookie(answer);
    let page = b.get_with(answer.location(), &[("cookie", cookie.as_str())]).await;
    let flash = page.body.split("class=\"flash").nth(1).and_then(|r| r.split('>').nth(1)).unwrap_or("");
    let flash = flash.split('<').next().unwrap_or("").replace("&#39;", "'").replace("&amp;", "&");
    (answer.location().to_owned(), flash)
}

/// Starts connecting through the accounts page's form: the page that leaves for the instance, and its address.
async fn start(b: &Browser, slug: &str, network: &str, handle: &str) -> String {
    let page = b.post(&format!("/c/{slug}/accounts/oauth"), &[("network", network), ("handle", handle)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let href = page.body.split("data-testid=\"oauth-continue\"").next().unwrap_or("");
    let href = href.rsplit("href=\"").next().unwrap_or("").split('"').next().unwrap_or("");
    assert!(page.body.contains("http-equiv=\"refresh\""), "{}", page.body);
    href.replace("&amp;", "&")
}

/// The user's browser on the instance: its authorisation form, answered as `username`; the callback address it gives.
async fn authorize_on_instance(authorize: &str, username: &str) -> String {
    let url: url::Url = authorize.parse().unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http.get(url.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let query: HashMap<_, _> = url.query_pairs().into_owned().collect();
    let form = [
        ("username", username),
        ("redirect_uri", query["redirect_uri"].as_str()),
        ("client_id", query["client_id"].as_str()),
        ("scope", query["scope"].as_str()),
        ("state", query["state"].as_str()),
    ];
    let mut action = url.clone();
    action.set_query(None);
    let answer = http.post(action).form(&form).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// The path and query of our callback address (the router is called in-process).
fn local(callback: &str) -> String {
    let url: url::Url = callback.parse().unwrap();
    assert_eq!(url.path(), "/oauth/mastodon/callback");
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

async fn app_with_client() -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new("2026-06-01T10:00:00Z".parse().unwrap()));
    let t = spawn_oauth_app(clock.clone()).await;
    let alpha = t.client("alpha", "Alpha", "#112233").await;
    let bravo = t.client("bravo", "Bravo", "#445566").await;
    t.user("cm@agence.test", Role::CommunityManager, &[alpha]).await;
    t.user("cm2@agence.test", Role::CommunityManager, &[alpha]).await;
    t.user("other@agence.test", Role::CommunityManager, &[bravo]).await;
    t.user("analyst@agence.test", Role::Analyst, &[alpha]).await;
    (t, clock)
}

#[tokio::test]
async fn a_mastodon_account_connects_through_oauth_from_the_accounts_page_and_its_token_publishes() {
    let Some(mock) = MockServer::start().await else { return };
    let (t, _clock) = app_with_client().await;
    let b = t.browser("cm@agence.test").await;
    let instance = mock.base_url();

    let page = b.get("/c/alpha/accounts").await;
    assert!(page.body.contains("data-testid=\"oauth-mastodon\"") && page.body.contains("Se connecter avec Mastodon"));
    let authorize = start(&b, "alpha", "mastodon", &instance).await;
    assert!(authorize.starts_with(&format!("{}/oauth/authorize?", instance.trim_end_matches('/'))), "{authorize}");
    assert!(authorize.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Foauth%2Fmastodon%2Fcallback"));
    let callback = authorize_on_instance(&authorize, "ada").await;
    let (to, flash) = follow(&b, &b.get(&local(&callback)).await).await;
    assert_eq!((to.as_str(), flash.as_str()), ("/c/alpha/accounts", "Compte connecté."));

    let accounts = t.app.accounts(&Actor::operator(), "alpha").await.unwrap();
    assert_eq!(accounts.len(), 1);
    let account = accounts[0].account.clone();
    assert_eq!((account.profile.network, account.profile.handle.as_str()), (Network::Mastodon, "@ada@127.0.0.1"));
    assert_eq!((account.status, account.profile.display_name.as_str()), (AccountStatus::Connected, "Ada Lovelace"));
    let secret = t.app.account_credentials(&Actor::operator(), "alpha", account.id).await.unwrap().unwrap();
    let Connection::Mastodon { instance: stored, token } = Connection::parse(&secret, Network::Mastodon, "x").unwrap()
    else {
        panic!("not a Mastodon connection")
    };
    assert_eq!(stored, instance.trim_end_matches('/'));
    assert!(!page.body.contains(&token));

    // The token publishes: a post sent to publish now goes out in one round of the engine.
    let content = PostContent {
        text: "Connecté par OAuth depuis la page".into(),
        targets: vec![Target { account_id: account.id, text: None, media: None }],
        ..PostContent::default()
    };
    let input = PostInput { content, planned_at: None, campaign: None };
    let id = t.app.create_post(&Actor::operator(), "alpha", input).await.unwrap();
    t.app.publish_now(&Actor::operator(), "alpha", id).await.unwrap();
    let report = t.app.publish_due().await.unwrap();
    assert_eq!(report.published, 1, "{report:?}");
    assert_eq!(t.app.post(&Actor::operator(), "alpha", id).await.unwrap().post.state, PostState::Published);

    // Our application is registered once per instance: a second start reuses it (same client id).
    let again = start(&b, "alpha", "mastodon", instance.trim_end_matches('/')).await;
    let client_id = |u: &str| u.split("client_id=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    assert_eq!(client_id(&again), client_id(&authorize));
    // Reconnecting through OAuth updates the same account.
    let callback = authorize_on_instance(&again, "ada").await;
    let (_, flash) = follow(&b, &b.get(&local(&callback)).await).await;
    assert_eq!(flash, "Compte connecté.");
    assert_eq!(t.app.accounts(&Actor::operator(), "alpha").await.unwrap().len(), 1);
}

#[tokio::test]
async fn only_the_user_who_started_an_authorisation_may_finish_it_once_within_ten_minutes() {
    let Some(mock) = MockServer::start().await else { return };
    let (t, clock) = app_with_client().await;
    let cm = t.browser("cm@agence.test").await;
    let instance = mock.base_url();

    // Not a member of the client, or not allowed to manage its accounts: no authorisation starts.
    for email in ["other@agence.test", "analyst@agence.test"] {
        let b = t.browser(email).await;
        let answer = b.post("/c/alpha/accounts/oauth", &[("network", "mastodon"), ("handle", &instance)]).await;
        assert!(matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{email}: {}", answer.status);
        assert!(!answer.body.contains("oauth-continue"));
    }

    // Another user (even of the same client) cannot use cm's authorisation; cm still can, once.
    let callback = local(&authorize_on_instance(&start(&cm, "alpha", "mastodon", &instance).await, "ada").await);
    for email in ["cm2@agence.test", "other@agence.test"] {
        let b = t.browser(email).await;
        let (to, flash) = follow(&b, &b.get(&callback).await).await;
        assert_eq!(to, "/", "{email}");
        assert!(flash.contains("commencée par un autre utilisateur"), "{email}: {flash}");
    }
    assert!(t.app.accounts(&Actor::operator(), "alpha").await.unwrap().is_empty());
    let (_, flash) = follow(&cm, &cm.get(&callback).await).await;
    assert_eq!(flash, "Compte connecté.");
    let (to, flash) = follow(&cm, &cm.get(&callback).await).await;
    assert_eq!(to, "/c/alpha/accounts");
    assert!(flash.contains("déjà servi"), "{flash}");

    // Unknown state, or one of the other network.
    let (_, flash) = follow(&cm, &cm.get("/oauth/mastodon/callback?state=made-up&code=x").await).await;
    assert!(flash.contains("inconnue"), "{flash}");
    let state = callback.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let (_, flash) = follow(&cm, &cm.get(&format!("/oauth/bluesky/callback?state={state}&code=x")).await).await;
    assert!(flash.contains("inconnue"), "{flash}");

    // Expired: back after more than 10 minutes.
    let late = local(&authorize_on_instance(&start(&cm, "alpha", "mastodon", &instance).await, "ada").await);
    clock.advance(SignedDuration::from_mins(11));
    let (_, flash) = follow(&cm, &cm.get(&late).await).await;
    assert!(flash.contains("expiré"), "{flash}");

    // Denied on the instance: the error comes back instead of a code.
    let denied = start(&cm, "alpha", "mastodon", &instance).await;
    let state = denied.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let back = format!("/oauth/mastodon/callback?state={state}&error=access_denied&error_description=no");
    let (_, flash) = follow(&cm, &cm.get(&back).await).await;
    assert!(flash.contains("refusé") && flash.contains("access_denied"), "{flash}");

    // Signed out, the callback asks to sign in first.
    let answer = t.anonymous().get(&callback).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.location().starts_with("/login"), "{}", answer.location());
}
