//! Publishing in the web app: a post's deliveries, the queue across clients, the pause switch and resuming, and
//! connecting an account (refused by the network, nothing stored).

use axum::http::StatusCode;
use filrouge_app::posts::PostInput;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::user::Role;
use jiff::SignedDuration;

use crate::helpers::{spawn_app, spawn_publishing_app, Answer, Browser, TestApp};

/// An account of `slug` without credentials: not connected, so its deliveries are held.
async fn unconnected(t: &TestApp, slug: &str, handle: &str) -> AccountId {
    let p = AccountProfile { network: Network::Bluesky, handle: handle.into(), display_name: handle.into() };
    t.app.add_account(&Actor::operator(), slug, p, None).await.unwrap()
}

/// A post of `slug` for `accounts`, planned `hours` from now and scheduled.
async fn scheduled(t: &TestApp, slug: &str, text: &str, accounts: &[AccountId], hours: i64) -> PostId {
    let content = PostContent {
        text: text.into(),
        targets: accounts.iter().map(|a| Target { account_id: *a, text: None, media: None }).collect(),
        ..PostContent::default()
    };
    let planned_at = Some(t.app.now() + SignedDuration::from_hours(hours));
    let input = PostInput { content, planned_at, campaign: None };
    let id = t.app.create_post(&Actor::operator(), slug, input).await.unwrap();
    t.app.schedule_post(&Actor::operator(), slug, id, 1).await.unwrap();
    id
}

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

/// Follows a redirect as a browser does, carrying its message.
async fn follow(b: &Browser, answer: &Answer) -> Answer {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = flash_cookie(answer);
    b.get_with(answer.location(), &[("cookie", cookie.as_str())]).await
}

/// The part of `body` from the element marked `testid` on (up to the next section).
fn part<'a>(body: &'a str, testid: &str) -> &'a str {
    let start = body.find(&format!("data-testid=\"{testid}\"")).unwrap_or_else(|| panic!("no {testid} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_post_page_shows_each_accounts_delivery_pending_or_held_with_its_reason() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let connected = t.account("alpha", "alpha.pizza").await;
    let offline = unconnected(&t, "alpha", "alpha.offline").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let id = scheduled(&t, "alpha", "Pizza du jour", &[connected, offline], 48).await;
    let browser = t.browser("cm@agence.fr").await;

    let page = browser.get(&format!("/c/alpha/posts/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let section = part(&page.body, "deliveries");
    let lines: Vec<&str> = section.split("data-testid=\"delivery\"").skip(1).collect();
    assert_eq!(lines.len(), 2, "one delivery per target account: {section}");
    let pending = lines.iter().find(|l| l.contains("alpha.pizza")).unwrap();
    assert!(pending.contains("badge delivery-pending"), "{pending}");
    assert!(pending.contains(" CET<") || pending.contains(" CEST<"), "its time in the client's zone: {pending}");
    let held = lines.iter().find(|l| l.contains("alpha.offline")).unwrap();
    assert!(held.contains("badge delivery-held"), "{held}");
    assert!(held.contains("alpha.offline is not connected (not_connected)"), "with its reason: {held}");
    assert!(section.contains("data-testid=\"publish-now\""), "a scheduled post may be published now");
    assert!(section.contains(&format!("action=\"/c/alpha/posts/{id}/publish\"")));

    // An account that needs reconnecting says so in red on the accounts page, with why its posts are held.
    let p = AccountProfile { network: Network::Bluesky, handle: "alpha.offline".into(), display_name: "".into() };
    let keep = filrouge_app::accounts::CredentialsChange::Keep;
    let needs = Some(filrouge_domain::account::AccountStatus::NeedsReconnect);
    t.app.edit_account(&Actor::operator(), "alpha", offline, p, needs, keep).await.unwrap();
    let accounts = browser.get("/c/alpha/accounts").await.body;
    let article = accounts.split("data-testid=\"account\"").find(|a| a.contains("alpha.offline")).unwrap();
    assert!(article.contains("account-status error"), "{article}");
    let reason = article.split("data-testid=\"status-reason\"").nth(1).expect("the reason is shown");
    assert!(reason.contains("is not connected"), "{reason}");
    assert!(article.contains("<details class=\"connect\" open"), "the reconnect form is open: {article}");

    // Publishing now moves the post's time to now; nothing else is lost.
    // (Times are stored to the millisecond: a second of margin.)
    let before = t.app.now() - SignedDuration::from_secs(1);
    let sent = browser.post(&format!("/c/alpha/posts/{id}/publish"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let post = t.app.post(&Actor::operator(), "alpha", id).await.unwrap().post;
    assert_eq!(post.state, PostState::Scheduled);
    assert!(post.planned_at.unwrap() >= before && post.planned_at.unwrap() <= t.app.now());
}

#[tokio::test]
async fn pausing_shows_the_banner_and_resuming_can_take_the_late_posts_out_of_the_queue() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let account = t.account("alpha", "alpha.pizza").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    t.user("analyst@agence.fr", Role::Analyst, &[alpha]).await;
    let late = scheduled(&t, "alpha", "Soirée calzone", &[account], 48).await;
    let later = scheduled(&t, "alpha", "Brunch de dimanche", &[account], 96).await;
    let browser = t.browser("cm@agence.fr").await;

    let calendar = browser.get("/c/alpha/calendar").await.body;
    assert!(!calendar.contains("data-testid=\"paused-banner\""));
    let paused = browser.post("/c/alpha/publishing/pause", &[("reason", "Crise en cours")]).await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER);
    assert!(t.app.publishing_paused(&Actor::operator(), "alpha").await.unwrap());
    let post_page = format!("/c/alpha/posts/{later}");
    for path in
        ["/c/alpha", "/c/alpha/calendar", "/c/alpha/accounts", "/c/alpha/posts/new", "/c/alpha/queue", &post_page]
    {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("data-testid=\"paused-banner\""), "{path} says publishing is paused");
    }
    let analyst = t.browser("analyst@agence.fr").await;
    let seen = analyst.get("/c/alpha/calendar").await.body;
    assert!(seen.contains("data-testid=\"paused-banner\""), "everyone who sees the calendar is told");
    assert!(!seen.contains("/publishing/resume"), "only writers get the switch");

    // The first post's time passes during the pause ("publish now" puts it at now; nothing is sent while paused).
    t.app.publish_now(&Actor::operator(), "alpha", late).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let calendar = browser.get("/c/alpha/calendar").await.body;
    let overdue = part(&calendar, "overdue");
    assert!(overdue.contains("Soirée calzone"), "the late post is listed: {overdue}");
    assert!(!overdue.contains("Brunch"), "a post still to come is not: {overdue}");
    assert!(calendar.contains("name=\"late\" value=\"publish_now\"") && calendar.contains("value=\"unschedule\""));

    let resumed = browser.post("/c/alpha/publishing/resume", &[("late", "unschedule")]).await;
    let page = follow(&browser, &resumed).await;
    assert!(page.body.contains("flash ok"), "{}", page.body);
    assert!(!page.body.contains("data-testid=\"paused-banner\""), "the banner is gone");
    assert!(!t.app.publishing_paused(&Actor::operator(), "alpha").await.unwrap());
    let post = t.app.post(&Actor::operator(), "alpha", late).await.unwrap().post;
    assert_ne!(post.state, PostState::Scheduled, "the late post is out of the queue");
    assert!(t.app.post_deliveries(&Actor::operator(), "alpha", late).await.unwrap().is_empty());
    let kept = t.app.post(&Actor::operator(), "alpha", later).await.unwrap().post;
    assert_eq!(kept.state, PostState::Scheduled, "the post still to come keeps its place");
}

#[tokio::test]
async fn the_queue_lists_held_deliveries_with_their_error_and_never_another_clients_items() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.client("bravo", "Bravo Bistro", "#2980b9").await;
    let offline = unconnected(&t, "alpha", "alpha.offline").await;
    let connected = t.account("alpha", "alpha.pizza").await;
    let bravo_account = unconnected(&t, "bravo", "bravo.offline").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let held = scheduled(&t, "alpha", "Pâtes fraîches", &[offline], 2).await;
    scheduled(&t, "alpha", "Tiramisu maison", &[connected], 48).await;
    scheduled(&t, "bravo", "Bravo secret menu", &[bravo_account], 2).await;
    let browser = t.browser("cm@agence.fr").await;

    let queue = browser.get("/queue").await;
    assert_eq!(queue.status, StatusCode::OK);
    let group = part(&queue.body, "queue-held");
    assert!(group.contains("Alpha Pizza") && group.contains("--client:#c0392b"), "client name and colour: {group}");
    assert!(group.contains("alpha.offline is not connected (not_connected)"), "with its error: {group}");
    assert!(group.contains(&format!("href=\"/c/alpha/posts/{held}\"")) && group.contains("Pâtes fraîches"));
    assert!(group.contains(" CET<") || group.contains(" CEST<"), "the time in the client's zone: {group}");
    assert!(!queue.body.contains("Tiramisu"), "due in two days: beyond the next 24 hours");
    for answer in [&queue, &browser.get("/queue?hours=72").await] {
        assert!(!answer.body.contains("Bravo"), "another client's items never appear");
    }
    let wider = browser.get("/queue?hours=72").await.body;
    assert!(part(&wider, "queue-pending").contains("Tiramisu maison"), "the hours parameter widens the view");

    let own = browser.get("/c/alpha/queue").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Pâtes fraîches"));
    assert_eq!(browser.get("/c/bravo/queue").await.status, StatusCode::NOT_FOUND);
    let calendar = browser.get("/c/alpha/calendar").await.body;
    assert!(calendar.contains("href=\"/c/alpha/queue\""), "the client's calendar links to its queue");
    assert!(browser.get("/calendar").await.body.contains("href=\"/queue\""));
}

#[tokio::test]
async fn connecting_with_a_bad_instance_address_shows_the_refusal_and_stores_nothing() {
    let t = spawn_publishing_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let browser = t.browser("cm@agence.fr").await;

    let page = browser.get("/c/alpha/accounts").await.body;
    assert!(page.contains("action=\"/c/alpha/accounts/connect\"") && page.contains("name=\"app_password\""));
    assert!(page.contains("value=\"https://bsky.social\""), "Bluesky's PDS by default");
    let secret = "tok-s3cret-never-shown";
    let fields = [
        ("network", "mastodon"),
        ("handle", "@alpha@mastodon.test"),
        ("instance", "http://127.0.0.1:9"),
        ("token", secret),
    ];
    let refused = browser.post("/c/alpha/accounts/connect", &fields).await;
    assert!(flash_cookie(&refused).starts_with("filrouge_flash=error."), "{}", flash_cookie(&refused));
    let page = follow(&browser, &refused).await;
    let message = page.body.split("flash error").nth(1).expect("the refusal is shown");
    assert!(message.contains("Mastodon refused them"), "the application's message: {message}");
    assert!(!page.body.contains(secret), "the secret is never echoed");
    assert!(t.app.accounts(&Actor::operator(), "alpha").await.unwrap().is_empty(), "nothing stored");

    // Checking connections lists each account's outcome.
    let p = AccountProfile { network: Network::Mastodon, handle: "@a@nowhere.invalid".into(), display_name: "".into() };
    t.app.add_account(&Actor::operator(), "alpha", p, None).await.unwrap();
    let checked = browser.post("/c/alpha/accounts/check", &[]).await;
    assert_eq!(checked.status, StatusCode::OK);
    let results = part(&checked.body, "check-results");
    assert!(results.contains("@a@nowhere.invalid") && results.contains("no credentials"), "{results}");
}
