//! Connecting a Bluesky account through OAuth in the real browser, against a real local Bluesky network (PDS with its
//! OAuth provider and consent pages, PLC, AppView): the accounts page's button, the PDS's sign-in and consent pages,
//! the callback, then posts published with the OAuth connection (DPoP) and read back through the AppView, a reply
//! synced into the inbox with the same grant, a forced refresh of the tokens (rotated and sealed back), and a spent
//! refresh token that makes the account need reconnecting.

use std::sync::Arc;
use std::time::Duration;

use filrouge_app::oauth_connect::OAuthSettings;
use filrouge_app::posts::PostInput;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountStatus, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::user::Role;
use filrouge_networks::bluesky::identity::Resolver;
use filrouge_testkit::bluesky::DevNetwork;
use serde_json::{json, Value};

use crate::harness::Harness;

const SLUG: &str = "atelier-azur";

async fn create_account(pds: &str, name: &str) -> (String, String, String) {
    let handle = format!("{name}.test");
    let password = format!("{name}-password-long");
    let body = json!({ "handle": handle, "email": format!("{name}@example.com"), "password": password });
    let answer = reqwest::Client::new()
        .post(format!("{pds}/xrpc/com.atproto.server.createAccount"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let value: Value = answer.json().await.unwrap();
    assert!(status.is_success(), "createAccount: {value}");
    (handle, password, value["did"].as_str().unwrap().to_owned())
}

async fn create_account_with_session(pds: &str, name: &str) -> (String, String, String, String) {
    let handle = format!("{name}.test");
    let password = format!("{name}-password-long");
    let body = json!({ "handle": handle, "email": format!("{name}@example.com"), "password": password });
    let answer = reqwest::Client::new()
        .post(format!("{pds}/xrpc/com.atproto.server.createAccount"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let value: Value = answer.json().await.unwrap();
    let did = value["did"].as_str().unwrap().to_owned();
    (handle, password, did, value["accessJwt"].as_str().unwrap().to_owned())
}

/// Real time at millisecond precision: the PDS compares record dates with its own clock.
#[allow(clippy::disallowed_methods)]
fn now_text() -> String {
    format!("{:.3}", jiff::Timestamp::now())
}

/// The URI and CID of `did`'s post with `text`, from the AppView.
async fn post_ref(appview: &str, did: &str, text: &str) -> (String, String) {
    let url = format!("{appview}/xrpc/app.bsky.feed.getAuthorFeed");
    let answer = reqwest::Client::new().get(url).query(&[("actor", did)]).send().await.unwrap();
    let value: Value = answer.json().await.unwrap();
    let post = value["feed"]
        .as_array()
        .and_then(|f| f.iter().find(|i| i["post"]["record"]["text"] == text))
        .unwrap_or_else(|| panic!("{text} not in {value}"));
    (post["post"]["uri"].as_str().unwrap().to_owned(), post["post"]["cid"].as_str().unwrap().to_owned())
}

/// The texts of the posts of `did` on the AppView.
async fn feed_texts(appview: &str, did: &str) -> Vec<String> {
    let url = format!("{appview}/xrpc/app.bsky.feed.getAuthorFeed");
    let Ok(answer) = reqwest::Client::new().get(url).query(&[("actor", did)]).send().await else { return Vec::new() };
    let value: Value = answer.json().await.unwrap_or_default();
    value["feed"]
        .as_array()
        .map(|f| f.iter().filter_map(|i| i["post"]["record"]["text"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn until_in_feed(appview: &str, did: &str, text: &str) {
    for _ in 0..100 {
        if feed_texts(appview, did).await.iter().any(|t| t == text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{text} never reached the AppView; feed: {:?}", feed_texts(appview, did).await);
}

/// A post of the client for `account`, sent to publish now and published by one round of the engine.
async fn publish(h: &Harness, account: filrouge_domain::ids::AccountId, text: &str) {
    let content = PostContent {
        text: text.into(),
        targets: vec![Target { account_id: account, text: None, media: None }],
        ..PostContent::default()
    };
    let input = PostInput { content, planned_at: None, campaign: None };
    let id = h.app.create_post(&Actor::operator(), SLUG, input).await.unwrap();
    h.app.publish_now(&Actor::operator(), SLUG, id).await.unwrap();
    // The account's pace (2 s between posts) may hold the second post for a moment.
    let mut report = h.app.publish_due().await.unwrap();
    for _ in 0..50 {
        if report.claimed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        report = h.app.publish_due().await.unwrap();
    }
    let deliveries = h.app.post_deliveries(&Actor::operator(), SLUG, id).await.unwrap();
    assert_eq!(report.published, 1, "{report:?} {deliveries:?}");
    let post = h.app.post(&Actor::operator(), SLUG, id).await.unwrap();
    assert_eq!(post.post.state, PostState::Published);
}

async fn stored_grant(
    h: &Harness,
    account: filrouge_domain::ids::AccountId,
) -> filrouge_domain::connection::BlueskyGrant {
    let secret = h.app.account_credentials(&Actor::operator(), SLUG, account).await.unwrap().unwrap();
    match Connection::parse(&secret, Network::Bluesky, "x").unwrap() {
        Connection::BlueskyOAuth(grant) => grant,
        other => panic!("not an OAuth connection: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bluesky_account_connects_through_oauth_in_the_browser_publishes_and_survives_a_refresh() {
    let Some(net) = DevNetwork::start().await else { return };
    let (handle, password, did) = create_account(&net.pds, "ada").await;
    let resolver = Resolver { handles: net.pds.parse().unwrap(), plc: net.plc.parse().unwrap() };
    let Some(h) = Harness::start_with(move |app, base| {
        let app = app.with_oauth(OAuthSettings::new(base, resolver, true).unwrap());
        let publishers = app.network_publishers(true).unwrap();
        app.with_publishing(filrouge_app::publishing::PublishSettings::default(), Arc::new(publishers))
    })
    .await
    else {
        return;
    };
    let client = h.client(SLUG, "Atelier Azur", "#2563eb").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[client]).await;
    h.sign_in("cm@agence.fr", "/").await;

    // The accounts page: "Connect with Bluesky" with the handle sends the browser to the PDS.
    h.goto(&format!("/c/{SLUG}/accounts")).await;
    h.fill("#oauth-bluesky-handle", &handle).await;
    h.click("form[data-testid=oauth-bluesky] button[type=submit]").await;
    let url = url_when(&h, |u| u.starts_with(&net.pds)).await;
    assert!(url.contains("request_uri="), "PAR: only the request_uri goes through the browser: {url}");
    assert!(!url.contains("code_challenge") && !url.contains("state="), "{url}");
    // The PDS's sign-in page (the handle is filled in from login_hint), then its consent page.
    url_when(&h, |u| u.contains("step=sign-in")).await;
    h.fill("input[name=password]", &password).await;
    h.click("form button[type=submit]").await;
    url_when(&h, |u| u.contains("step=consent")).await;
    let mut authorize = None;
    for button in h.find_all("button[type=submit]").await {
        if button.text().await.unwrap().trim() == "Authorize" {
            authorize = Some(button);
        }
    }
    authorize.expect("the consent page's Authorize button").click().await.unwrap();

    // Back on the accounts page through the callback: connected, with an OAuth grant for this DID.
    h.wait_for_path(&format!("/c/{SLUG}/accounts")).await;
    let flash = h.text_when("p.flash", |t| !t.is_empty()).await;
    assert!(flash.contains("Account connected"), "{flash}");
    let accounts = h.app.accounts(&Actor::operator(), SLUG).await.unwrap();
    assert_eq!(accounts.len(), 1);
    let account = accounts[0].account.clone();
    assert_eq!((account.profile.network, account.profile.handle.as_str()), (Network::Bluesky, handle.as_str()));
    assert_eq!(account.status, AccountStatus::Connected);
    let grant = stored_grant(&h, account.id).await;
    assert_eq!(grant.did, did);
    assert_eq!(grant.service.trim_end_matches('/'), net.pds.trim_end_matches('/'));
    assert!(grant.client_id.starts_with("http://localhost?"), "{}", grant.client_id);
    let journal = h.text("main").await;
    assert!(!journal.contains(&grant.access), "no token on the page");

    // Published with the OAuth connection (DPoP-bound token), read back through the AppView.
    publish(&h, account.id, "Publié par OAuth").await;
    until_in_feed(&net.appview, &did, "Publié par OAuth").await;

    // The inbox reads with the same grant: bob's reply to that post arrives (private messages are skipped: the
    // grant has no chat scope).
    let (_, _, bob_did, bob_jwt) = create_account_with_session(&net.pds, "bob").await;
    let (uri, cid) = post_ref(&net.appview, &did, "Publié par OAuth").await;
    let reply = json!({
        "repo": bob_did, "collection": "app.bsky.feed.post",
        "record": { "$type": "app.bsky.feed.post", "text": "Merci Ada !", "createdAt": now_text(),
                    "reply": { "root": { "uri": uri, "cid": cid }, "parent": { "uri": uri, "cid": cid } } },
    });
    let answer = reqwest::Client::new()
        .post(format!("{}/xrpc/com.atproto.repo.createRecord", net.pds))
        .bearer_auth(&bob_jwt)
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
    let mut stored = 0;
    for _ in 0..100 {
        let report = h.app.sync_inbox(&Actor::operator(), Some(SLUG), &|_, _| {}).await.unwrap();
        assert!(report.errors.is_empty(), "{report:?}");
        stored += report.stored;
        if stored > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let listing = h.app.inbox(&Actor::operator(), Some(SLUG), &Default::default()).await.unwrap();
    assert!(listing.items.iter().any(|i| i.item.text.contains("Merci Ada")), "{:?}", listing.items);

    // Forced refresh: the stored access token is marked expired; the next post refreshes the grant first, and the
    // rotated tokens are sealed back into the account.
    let expired = filrouge_domain::connection::BlueskyGrant { expires_at_ms: 0, ..grant.clone() };
    h.app
        .edit_account(
            &Actor::operator(),
            SLUG,
            account.id,
            account.profile.clone(),
            None,
            filrouge_app::accounts::CredentialsChange::Replace(Connection::BlueskyOAuth(expired).to_secret()),
        )
        .await
        .unwrap();
    publish(&h, account.id, "Publié après rafraîchissement").await;
    until_in_feed(&net.appview, &did, "Publié après rafraîchissement").await;
    let refreshed = stored_grant(&h, account.id).await;
    assert_ne!(refreshed.refresh, grant.refresh, "the rotated refresh token was kept");
    assert_ne!(refreshed.access, grant.access);
    assert!(refreshed.expires_at_ms > 0);
    assert_eq!(refreshed.dpop_private_jwk, grant.dpop_private_jwk, "same DPoP key");

    // The old refresh token is spent: a grant holding it cannot refresh, and the account then needs reconnecting.
    let spent = filrouge_domain::connection::BlueskyGrant { expires_at_ms: 0, ..grant };
    h.app
        .edit_account(
            &Actor::operator(),
            SLUG,
            account.id,
            account.profile.clone(),
            None,
            filrouge_app::accounts::CredentialsChange::Replace(Connection::BlueskyOAuth(spent).to_secret()),
        )
        .await
        .unwrap();
    let checks = h.app.check_accounts(&Actor::operator(), SLUG).await.unwrap();
    assert!(checks[0].outcome.is_err(), "{checks:?}");
    let after = h.app.accounts(&Actor::operator(), SLUG).await.unwrap();
    assert_eq!(after[0].account.status, AccountStatus::NeedsReconnect);
    h.finish().await;
}

/// The browser's address once `want` accepts it.
async fn url_when(h: &Harness, want: impl Fn(&str) -> bool) -> String {
    let mut url = String::new();
    for _ in 0..150 {
        url = h.browser.current_url().await.unwrap().to_string();
        if want(&url) {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = std::fs::create_dir_all(crate::harness::screenshot_dir());
    std::fs::write(filrouge_testkit_page(), h.source().await).ok();
    panic!("the browser stayed at {url}");
}

fn filrouge_testkit_page() -> std::path::PathBuf {
    crate::harness::screenshot_dir().join("oauth-stuck.html")
}
