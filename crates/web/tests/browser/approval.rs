//! The approval journey through the real browser: a community manager writes a post for a client whose posts the
//! client approves (live checks appear as they type), sends it for review, makes a signed link; the client opens
//! the link without an account and approves one post (it is scheduled) and rejects another (back to draft, the
//! comment shown on the post's page).

use std::time::{Duration, Instant};

use filrouge_app::posts::PostInput;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::permission::Action;
use filrouge_domain::post::{ApprovalPolicy, PostContent, PostState, Target};
use filrouge_domain::user::Role;
use jiff::SignedDuration;

use crate::harness::Harness;

const SLUG: &str = "musee-lumiere";
const NAME: &str = "Musée Lumière";

/// Waits until the browser is on the page of a post (`prefix` then its id), and returns the path.
async fn wait_for_prefix(h: &Harness, prefix: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let path = h.path().await;
        let id = path.strip_prefix(prefix).is_some_and(|rest| rest.parse::<i64>().is_ok());
        if id && h.js("return document.readyState === 'complete';").await == true {
            return path;
        }
        assert!(Instant::now() < deadline, "expected a page under {prefix}, still on {path}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn state_of(h: &Harness, id: PostId) -> PostState {
    h.app.post(&Actor::operator(), SLUG, id).await.expect("the post").post.state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_approves_and_rejects_from_a_signed_link_without_an_account() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let operator = Actor::operator();
    let client = h.client(SLUG, NAME, "#7c3aed").await;
    let mut charter = h.app.client(&operator, SLUG, Action::ViewClient).await.expect("client").profile.charter;
    charter.approval = ApprovalPolicy::Client;
    h.app.update_charter(&operator, SLUG, charter).await.expect("charter");
    let profile =
        AccountProfile { network: Network::Bluesky, handle: "musee.bsky.social".into(), display_name: NAME.into() };
    let account: AccountId =
        h.app.add_account(&operator, SLUG, profile, Some("token-abcdefghijklmnop".into())).await.expect("account");
    h.user("cm@agence.fr", Role::CommunityManager, &[client]).await;
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("Paris");
    let day = (h.app.now() + SignedDuration::from_hours(24 * 10)).to_zoned(paris).date().to_string();

    // The community manager writes and sends for review; the live checks answer while typing.
    h.sign_in("cm@agence.fr", "/").await;
    h.goto(&format!("/c/{SLUG}/posts/new")).await;
    assert!(h.text("[data-testid=composer-client]").await.contains(NAME));
    h.click("input[name=account]").await;
    h.fill("#post-text", "Nocturne au musée jeudi soir, entrée libre").await;
    let counter = h.text("#lint [data-testid=counter]").await;
    assert!(counter.contains("/ 300"), "the live counter: {counter}");
    h.js(&format!(
        "document.querySelector('input[name=date]').value = '{day}'; \
         document.querySelector('input[name=time]').value = '18:30'; return null;"
    ))
    .await;
    h.click("button[name=then][value=submit]").await;
    let path = wait_for_prefix(&h, &format!("/c/{SLUG}/posts/")).await;
    let approved: PostId = PostId(path.rsplit('/').next().and_then(|s| s.parse().ok()).expect("a post id"));
    assert_eq!(state_of(&h, approved).await, PostState::InReview);

    // A second post, sent the same way through the application.
    let content = PostContent {
        text: "Atelier famille dimanche matin".into(),
        targets: vec![Target { account_id: account, text: None, media: None }],
        ..PostContent::default()
    };
    let planned_at = Some(h.app.now() + SignedDuration::from_hours(24 * 12));
    let rejected =
        h.app.create_post(&operator, SLUG, PostInput { content, planned_at, campaign: None }).await.expect("post");
    h.app.submit_post(&operator, SLUG, rejected, 1).await.expect("submit");

    // The signed link, shown once on the calendar.
    h.goto(&format!("/c/{SLUG}/calendar")).await;
    h.fill("#link-label", "Direction du musée").await;
    h.click_to("form[action$='/review-links'] button[type=submit]", &format!("/c/{SLUG}/review-links")).await;
    let url = h.text("[data-testid=review-url]").await;
    let link_path = url.strip_prefix(&h.base).expect("the link is under the public address").to_owned();
    assert!(link_path.starts_with("/r/"));

    // The client, with no account and no cookie, approves the first post.
    h.browser.delete_all_cookies().await.expect("forget the session");
    h.goto(&link_path).await;
    assert!(h.source().await.contains(NAME), "the client's name");
    assert!(h.text(&format!("#post-{approved} time")).await.contains(":30"), "the time in the client's zone");
    h.fill(&format!("#name-{approved}"), "Claire Dubois").await;
    h.click_to(&format!("#post-{approved} button[value=approve]"), &link_path).await;
    assert!(h.text("p.flash.ok").await.len() > 3, "a thank-you");
    assert_eq!(state_of(&h, approved).await, PostState::Scheduled, "approved and in the publishing queue");

    // And rejects the second, with a reason.
    h.fill(&format!("#name-{rejected}"), "Claire Dubois").await;
    h.fill(&format!("#comment-{rejected}"), "Le samedi plutôt, merci").await;
    h.click_to(&format!("#post-{rejected} button[value=reject]"), &link_path).await;
    assert_eq!(state_of(&h, rejected).await, PostState::Draft, "back to draft");

    // The community manager sees the reason on the post's page.
    h.sign_in("cm@agence.fr", "/").await;
    let post_path = format!("/c/{SLUG}/posts/{rejected}");
    h.goto(&post_path).await;
    let reason = h.text("[data-testid=rejection]").await;
    assert!(reason.contains("Le samedi plutôt, merci"), "the rejection is highlighted: {reason}");
    assert!(h.source().await.contains("Claire Dubois"), "with who said it");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dragging_a_post_to_another_day_keeps_its_wall_clock_time_and_to_the_ideas_unplans_it() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let operator = Actor::operator();
    let client = h.client(SLUG, NAME, "#7c3aed").await;
    let profile =
        AccountProfile { network: Network::Bluesky, handle: "musee.bsky.social".into(), display_name: NAME.into() };
    let account: AccountId =
        h.app.add_account(&operator, SLUG, profile, Some("token-abcdefghijklmnop".into())).await.expect("account");
    h.user("cm@agence.fr", Role::CommunityManager, &[client]).await;
    let content = PostContent {
        text: "Visite guidée".into(),
        targets: vec![Target { account_id: account, text: None, media: None }],
        ..PostContent::default()
    };
    // 2030-03-29 12:30 in Paris is winter time (CET); that Sunday is summer time (from 02:00).
    let planned_at = Some("2030-03-29T11:30:00Z".parse().expect("an instant"));
    let id = h.app.create_post(&operator, SLUG, PostInput { content, planned_at, campaign: None }).await.expect("post");

    h.sign_in("cm@agence.fr", "/").await;
    let page = format!("/c/{SLUG}/calendar");
    h.goto(&format!("{page}?view=month&date=2030-03-01")).await;
    let drag = |target: &str| {
        format!(
            "window.__filrouge_old_page = true; \
             const chip = document.querySelector('a.chip[data-move]'); const cell = document.querySelector(\"{target}\"); \
             const dt = new DataTransfer(); \
             chip.dispatchEvent(new DragEvent('dragstart', {{bubbles: true, dataTransfer: dt}})); \
             cell.dispatchEvent(new DragEvent('dragover', {{bubbles: true, cancelable: true, dataTransfer: dt}})); \
             cell.dispatchEvent(new DragEvent('drop', {{bubbles: true, cancelable: true, dataTransfer: dt}})); return null;"
        )
    };
    h.js(&drag("li.day[data-drop-date='2030-03-31']")).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let moved = "2030-03-31T10:30:00Z".parse().expect("an instant");
    while h.app.post(&operator, SLUG, id).await.expect("post").post.planned_at != Some(moved) {
        assert!(Instant::now() < deadline, "the drop did not move the post to Sunday 12:30 CEST");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The page reloads after the drop: read the cell once the reloaded page shows the post.
    let cell = h.text_when("li.day[data-drop-date='2030-03-31']", |t| t.contains("12:30")).await;
    assert!(cell.contains("12:30 CEST"), "reloaded, at the same wall-clock time: {cell}");

    h.js(&drag("section.backlog")).await;
    while h.app.post(&operator, SLUG, id).await.expect("post").post.planned_at.is_some() {
        assert!(Instant::now() < deadline, "the drop on the ideas did not unplan the post");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.finish().await;
}
