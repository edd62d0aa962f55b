//! The calendar, the composer and a post's page: times in the client's zone, live checks, moves and reviews.

use axum::http::StatusCode;
use filrouge_app::posts::PostInput;
use filrouge_app::Actor;
use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::user::Role;
use jiff::Timestamp;

use crate::helpers::{spawn_app, TestApp};

fn content(text: &str, account: AccountId) -> PostContent {
    PostContent {
        text: text.into(),
        targets: vec![Target { account_id: account, text: None, media: None }],
        ..PostContent::default()
    }
}

async fn post_at(t: &TestApp, slug: &str, text: &str, account: AccountId, at: Option<&str>) -> PostId {
    let planned_at = at.map(|a| a.parse::<Timestamp>().unwrap());
    let input = PostInput { content: content(text, account), planned_at, campaign: None };
    t.app.create_post(&Actor::operator(), slug, input).await.unwrap()
}

/// The text of the calendar day cell of `date`.
fn day<'a>(body: &'a str, date: &str) -> &'a str {
    let start = body.find(&format!("data-drop-date=\"{date}\"")).unwrap_or_else(|| panic!("no cell for {date}"));
    let rest = &body[start..];
    &rest[..rest[1..].find("data-drop-date=").map_or(rest.len(), |i| i + 1)]
}

#[tokio::test]
async fn the_month_shows_each_post_at_its_wall_clock_time_with_the_zone_of_the_day() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let account = t.account("alpha", "alpha.pizza").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    post_at(&t, "alpha", "Printemps au four", account, Some("2026-03-30T10:30:00Z")).await;
    post_at(&t, "alpha", "Dernier vendredi d'hiver", account, Some("2026-03-27T11:30:00Z")).await;
    post_at(&t, "alpha", "Une idée de calzone", account, None).await;
    let browser = t.browser("cm@agence.fr").await;

    let page = browser.get("/c/alpha/calendar?view=month&date=2026-03-15").await;
    assert_eq!(page.status, StatusCode::OK);
    let monday = day(&page.body, "2026-03-30");
    assert!(monday.contains("12:30 CEST") && monday.contains("Printemps au four"), "summer time: {monday}");
    let friday = day(&page.body, "2026-03-27");
    assert!(friday.contains("12:30 CET<") && friday.contains("Dernier vendredi"), "winter time: {friday}");
    assert!(page.body.contains("data-drop-date=\"2026-02-23\""), "weeks start on Monday (23 February)");
    assert!(page.body.contains("draggable=\"true\""), "a writer may drag");
    let backlog = page.body.split("class=\"backlog\"").nth(1).unwrap();
    assert!(backlog.contains("Une idée de calzone"), "the idea waits in the backlog");
    assert!(page.body.contains("src=\"/static/calendar.js\""));

    for view in ["week", "day", "list"] {
        let page = browser.get(&format!("/c/alpha/calendar?view={view}&date=2026-03-30")).await;
        assert_eq!(page.status, StatusCode::OK, "{view}");
        assert!(page.body.contains("12:30 CEST"), "{view}");
    }
    let script = browser.get("/static/calendar.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.lines().count() < 80, "the script stays small");

    // All clients: each post with its client's name and colour; clients with nothing tomorrow listed.
    let all = browser.get("/calendar?view=list&date=2026-03-01").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("chip-client\">Alpha Pizza") && all.body.contains("--client:#c0392b"));
    let gaps = all.body.split("data-testid=\"empty-tomorrow\"").nth(1).expect("the gaps banner");
    assert!(gaps.contains("Alpha Pizza"));
}

#[tokio::test]
async fn the_composer_checks_as_one_types_and_refuses_a_time_the_clocks_skip() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let account = t.account("alpha", "alpha.pizza").await.to_string();
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let browser = t.browser("cm@agence.fr").await;

    let page = browser.get("/c/alpha/posts/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("hx-post=\"/c/alpha/posts/lint\""));
    let banner = page.body.split("data-testid=\"composer-client\"").nth(1).unwrap();
    assert!(banner.contains("Alpha Pizza"), "the client is named on the composer");

    let long = format!("{} https://example.com/une/tres/longue/adresse/de/page #pizza", "Pâte fraîche. ".repeat(25));
    let lint = browser.post("/c/alpha/posts/lint", &[("text", &long), ("account", &account)]).await;
    assert_eq!(lint.status, StatusCode::OK);
    assert!(lint.body.contains("/ 300</span>"), "a counter against Bluesky's limit: {}", lint.body);
    assert!(lint.body.contains("class=\"over\""), "over the limit");
    assert!(lint.body.contains("class=\"finding error\"><code>too_long</code>"), "the error first: {}", lint.body);
    assert!(lint.body.contains("class=\"pv-tag\">#pizza") || lint.body.contains("class=\"pv-cut\""));
    assert!(lint.body.contains("class=\"pv-cut\""), "what Bluesky refuses is greyed");

    let empty = browser.post("/c/alpha/posts/lint", &[("text", "Bonjour")]).await;
    assert!(empty.body.contains("<code>empty</code>"), "no account chosen");

    let gap = [("text", "Bonjour"), ("account", &account), ("date", "2026-03-29"), ("time", "02:30")];
    let refused = browser.post("/c/alpha/posts", &gap).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("does not exist"), "{}", refused.body);
    assert!(refused.body.contains(">Bonjour</textarea>"), "what was typed is kept");

    let ok = [("text", "Bonjour"), ("account", &account), ("date", "2026-03-30"), ("time", "12:30")];
    let created = browser.post("/c/alpha/posts", &ok).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let post = browser.get(created.location()).await;
    assert!(post.body.contains("2026-03-30 12:30 CEST"), "{}", post.body);
}

#[tokio::test]
async fn a_post_moves_by_its_form_keeping_the_wall_clock_and_a_rejection_is_shown_on_its_page() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let account = t.account("alpha", "alpha.pizza").await;
    let mut charter = t
        .app
        .client(&Actor::operator(), "alpha", filrouge_domain::permission::Action::ViewClient)
        .await
        .unwrap()
        .profile
        .charter;
    charter.approval = filrouge_domain::post::ApprovalPolicy::Internal;
    t.app.update_charter(&Actor::operator(), "alpha", charter).await.unwrap();
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    t.user("manager@agence.fr", Role::Manager, &[alpha]).await;
    let id = post_at(&t, "alpha", "Soirée napolitaine", account, Some("2030-03-27T11:30:00Z")).await;
    let cm = t.browser("cm@agence.fr").await;
    let path = format!("/c/alpha/posts/{id}");

    let moved = cm.post(&format!("{path}/move"), &[("version", "1"), ("date", "2030-04-02"), ("time", "12:30")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let post = t.app.post(&Actor::operator(), "alpha", id).await.unwrap().post;
    assert_eq!(post.planned_at, Some("2030-04-02T10:30:00Z".parse().unwrap()), "12:30 in Paris, summer time");
    let stale = cm.post(&format!("{path}/move"), &[("version", "1"), ("date", "")]).await;
    assert!(stale.location().ends_with(&path));
    assert_eq!(t.app.post(&Actor::operator(), "alpha", id).await.unwrap().post.version, 2, "a stale move is refused");

    assert_eq!(cm.post(&format!("{path}/submit"), &[("version", "2")]).await.status, StatusCode::SEE_OTHER);
    let manager = t.browser("manager@agence.fr").await;
    let page = manager.get(&path).await.body;
    assert!(page.contains("value=\"approve\"") && page.contains("value=\"reject\""), "the approver decides");
    assert!(!cm.get(&path).await.body.contains("value=\"approve\""), "the writer only comments");
    let no_reason = manager.post(&format!("{path}/review"), &[("version", "3"), ("decision", "reject")]).await;
    assert_eq!(no_reason.status, StatusCode::SEE_OTHER);
    assert_eq!(t.app.post(&Actor::operator(), "alpha", id).await.unwrap().post.state, PostState::InReview);
    let fields = [("version", "3"), ("decision", "reject"), ("comment", "Trop long pour Bluesky")];
    assert_eq!(manager.post(&format!("{path}/review"), &fields).await.status, StatusCode::SEE_OTHER);
    let page = cm.get(&path).await.body;
    let rejection = page.split("data-testid=\"rejection\"").nth(1).expect("the rejection is highlighted");
    assert!(rejection.contains("Trop long pour Bluesky"));
    assert!(page.contains("Brouillon") || page.contains("Draft"));
}

#[tokio::test]
async fn a_signed_link_is_shown_once_and_an_unknown_or_revoked_one_is_not_found() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let mut charter = t
        .app
        .client(&Actor::operator(), "alpha", filrouge_domain::permission::Action::ViewClient)
        .await
        .unwrap()
        .profile
        .charter;
    charter.approval = filrouge_domain::post::ApprovalPolicy::Client;
    t.app.update_charter(&Actor::operator(), "alpha", charter).await.unwrap();
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let cm = t.browser("cm@agence.fr").await;

    let made = cm.post("/c/alpha/review-links", &[("label", "Direction"), ("days", "7")]).await;
    assert_eq!(made.status, StatusCode::OK);
    let start = made.body.find("/r/").expect("the address is shown once") + "/r/".len();
    let token: String =
        made.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    assert!(!cm.get("/c/alpha/calendar").await.body.contains(&token), "and never again");

    let anonymous = t.anonymous();
    let page = anonymous.get(&format!("/r/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Alpha Pizza"));
    assert!(page.headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("filrouge_csrf=")));
    assert_eq!(anonymous.get("/r/not-a-token").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        cm.post("/c/alpha/review-links", &[("label", "Trop long"), ("days", "91")]).await.status,
        StatusCode::SEE_OTHER
    );

    let id = t.app.review_links(&Actor::operator(), "alpha").await.unwrap()[0].id;
    assert_eq!(cm.post(&format!("/c/alpha/review-links/{id}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.get(&format!("/r/{token}")).await.status, StatusCode::NOT_FOUND, "revoked");
}
