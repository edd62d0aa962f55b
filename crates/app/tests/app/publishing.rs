//! The publishing engine's bookkeeping, with a scripted network so each outcome can be chosen: deliveries follow
//! the post's state, claims are paced per account, every outcome ends in its documented state, nothing is sent
//! twice, revoked tokens hold posts, a paused client holds everything. End-to-end runs against the real test
//! servers are in the networks and CLI tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use filrouge_app::posts::PostInput;
use filrouge_app::publishing::{PublishSettings, PublisherFactory};
use filrouge_app::queue::LatePosts;
use filrouge_domain::account::{Account, AccountProfile, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::post::{PostContent, PostState, Target};
use filrouge_domain::publishing::DeliveryState;
use filrouge_networks::publish::{
    BoxFuture, Capabilities, OutgoingPost, PostMetrics, PublishError, Publisher, RemotePost,
};
use jiff::SignedDuration;

use crate::helpers::{at, TestApp};

/// A network whose answers the test scripts, and which remembers what it holds (by idempotency key).
#[derive(Debug, Default)]
struct Script {
    answers: Mutex<VecDeque<Result<(), PublishError>>>,
    posts: Mutex<Vec<(String, String)>>,
    calls: Mutex<usize>,
}

#[derive(Debug, Clone)]
struct Scripted(Arc<Script>);

impl PublisherFactory for Scripted {
    fn publisher(&self, _: &Account, _: &Connection) -> Result<Box<dyn Publisher>, String> {
        Ok(Box::new(self.clone()))
    }
}

impl Publisher for Scripted {
    fn capabilities(&self) -> Capabilities {
        Capabilities { publish: true, ..Capabilities::default() }
    }

    fn publish<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<RemotePost, PublishError>> {
        Box::pin(async move {
            *self.0.calls.lock().unwrap() += 1;
            let answer = self.0.answers.lock().unwrap().pop_front().unwrap_or(Ok(()));
            // "Accepted, then the answer was lost": the network holds it but says nothing.
            if let Err(PublishError::Unknown(m)) = &answer {
                self.0.posts.lock().unwrap().push((post.idempotency_key.clone(), post.text.clone()));
                return Err(PublishError::Unknown(m.clone()));
            }
            answer?;
            let mut posts = self.0.posts.lock().unwrap();
            if !posts.iter().any(|(k, _)| *k == post.idempotency_key) {
                posts.push((post.idempotency_key.clone(), post.text.clone()));
            }
            let n = posts.iter().position(|(k, _)| *k == post.idempotency_key).unwrap_or(0);
            Ok(RemotePost { remote_id: format!("r{n}"), url: format!("https://net.test/r{n}") })
        })
    }

    fn find<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<Option<RemotePost>, PublishError>> {
        Box::pin(async move {
            let posts = self.0.posts.lock().unwrap();
            Ok(posts
                .iter()
                .position(|(k, _)| *k == post.idempotency_key)
                .map(|n| RemotePost { remote_id: format!("r{n}"), url: format!("https://net.test/r{n}") }))
        })
    }

    fn delete<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(async { Ok(()) })
    }

    fn metrics<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<PostMetrics, PublishError>> {
        Box::pin(async { Ok(PostMetrics::default()) })
    }

    fn followers(&self) -> BoxFuture<'_, Result<u64, PublishError>> {
        Box::pin(async { Ok(0) })
    }
}

struct Bench {
    t: TestApp,
    app: filrouge_app::App,
    net: Arc<Script>,
    account: AccountId,
}

async fn bench() -> Bench {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let profile =
        AccountProfile { network: Network::Mastodon, handle: "@marco@m.test".into(), display_name: "M".into() };
    let account = t.app.add_account(&t.operator, "da-marco", profile, Some("token-123".into())).await.unwrap();
    let net = Arc::new(Script::default());
    let settings = PublishSettings { installation: "test".into(), ..PublishSettings::default() };
    let app = t.app.clone().with_publishing(settings, Arc::new(Scripted(net.clone())));
    Bench { t, app, net, account }
}

impl Bench {
    async fn scheduled(&self, text: &str, when: &str) -> PostId {
        let content = PostContent {
            text: text.into(),
            targets: vec![Target { account_id: self.account, text: None, media: None }],
            ..PostContent::default()
        };
        let input = PostInput { content, planned_at: Some(at(when)), campaign: None };
        let id = self.app.create_post(&self.t.operator, "da-marco", input).await.unwrap();
        self.app.schedule_post(&self.t.operator, "da-marco", id, 1).await.unwrap();
        id
    }

    async fn state(&self, id: PostId) -> (PostState, Vec<DeliveryState>) {
        let post = self.app.post(&self.t.operator, "da-marco", id).await.unwrap().post;
        let d = self.app.post_deliveries(&self.t.operator, "da-marco", id).await.unwrap();
        (post.state, d.into_iter().map(|d| d.state).collect())
    }

    fn answer(&self, a: Result<(), PublishError>) {
        self.net.answers.lock().unwrap().push_back(a);
    }

    fn posted(&self) -> usize {
        self.net.posts.lock().unwrap().len()
    }
}

#[tokio::test]
async fn a_scheduled_post_is_published_once_at_its_time_with_the_networks_address() {
    let b = bench().await;
    let id = b.scheduled("Ciao !", "2026-06-15T10:00:00Z").await;
    assert_eq!(b.state(id).await, (PostState::Scheduled, vec![DeliveryState::Pending]));
    assert_eq!(b.app.publish_due().await.unwrap().claimed, 0, "not before its time");
    b.t.set_time("2026-06-15T10:00:00Z");
    let report = b.app.publish_due().await.unwrap();
    assert_eq!((report.claimed, report.published), (1, 1));
    assert_eq!(b.state(id).await, (PostState::Published, vec![DeliveryState::Published]));
    let d = &b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap()[0];
    assert_eq!(d.url.as_deref(), Some("https://net.test/r0"));
    b.t.advance(SignedDuration::from_mins(10));
    assert_eq!(b.app.publish_due().await.unwrap().claimed, 0, "never again");
    assert_eq!(b.posted(), 1);
    let journal = b.t.journal("da-marco").await;
    assert!(journal
        .iter()
        .any(|e| e.action == JournalAction::PostPublished && e.summary.contains("https://net.test/r0")));
}

#[tokio::test]
async fn an_unknown_outcome_is_read_back_before_any_retry_and_nothing_is_posted_twice() {
    let b = bench().await;
    let id = b.scheduled("Timeout après acceptation", "2026-06-15T08:00:00Z").await;
    b.t.set_time("2026-06-15T08:00:00Z");
    b.answer(Err(PublishError::Unknown("no answer within 60 s".into())));
    let report = b.app.publish_due().await.unwrap();
    assert_eq!(report.retried, 1);
    let d = &b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap()[0];
    assert!(d.read_back && d.state == DeliveryState::Pending, "{d:?}");
    b.t.advance(SignedDuration::from_mins(5));
    let report = b.app.publish_due().await.unwrap();
    assert_eq!(report.published, 1, "found by reading back");
    assert_eq!(*b.net.calls.lock().unwrap(), 1, "no second publish call");
    assert_eq!(b.posted(), 1);
    assert_eq!(b.state(id).await.0, PostState::Published);
}

#[tokio::test]
async fn transient_errors_and_rate_limits_are_retried_later_and_permanent_ones_fail_with_the_message() {
    let b = bench().await;
    let id = b.scheduled("Un", "2026-06-15T08:00:00Z").await;
    b.t.set_time("2026-06-15T08:00:00Z");
    b.answer(Err(PublishError::Transient("HTTP 502".into())));
    b.app.publish_due().await.unwrap();
    let d = &b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap()[0];
    assert_eq!(
        (d.state, d.next_attempt, d.last_error.as_deref()),
        (DeliveryState::Pending, at("2026-06-15T08:00:30Z"), Some("HTTP 502"))
    );
    b.t.set_time("2026-06-15T08:00:30Z");
    b.answer(Err(PublishError::RateLimited { retry_after: Some(Duration::from_secs(120)) }));
    b.app.publish_due().await.unwrap();
    let d = &b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap()[0];
    assert_eq!(d.next_attempt, at("2026-06-15T08:02:30Z"), "as long as the network says");
    b.t.set_time("2026-06-15T08:02:30Z");
    b.answer(Err(PublishError::Permanent("Text character limit of 500 exceeded".into())));
    let report = b.app.publish_due().await.unwrap();
    assert_eq!(report.failed, 1);
    assert_eq!(b.state(id).await, (PostState::Failed, vec![DeliveryState::Failed]));
    let d = &b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap()[0];
    assert_eq!(d.last_error.as_deref(), Some("Text character limit of 500 exceeded"));
    assert_eq!(b.posted(), 0);
    // Retrying by hand sends it again, as soon as the account's pace allows (5 s between two Mastodon posts).
    b.app.publish_now(&b.t.operator, "da-marco", id).await.unwrap();
    assert_eq!(b.app.publish_due().await.unwrap().claimed, 0, "paced");
    b.t.advance(SignedDuration::from_secs(5));
    assert_eq!(b.app.publish_due().await.unwrap().published, 1);
    assert_eq!(b.state(id).await.0, PostState::Published);
}

#[tokio::test]
async fn a_revoked_token_holds_every_post_of_the_account_until_it_is_reconnected() {
    use filrouge_app::accounts::CredentialsChange;
    use filrouge_domain::account::AccountStatus;
    let b = bench().await;
    let first = b.scheduled("Un", "2026-06-15T08:00:00Z").await;
    let second = b.scheduled("Deux", "2026-06-15T09:00:00Z").await;
    b.t.set_time("2026-06-15T08:00:00Z");
    b.answer(Err(PublishError::NeedsReconnection("The access token was revoked".into())));
    let report = b.app.publish_due().await.unwrap();
    assert_eq!(report.held, 1);
    assert_eq!(b.state(first).await.1, vec![DeliveryState::Held]);
    assert_eq!(b.state(second).await.1, vec![DeliveryState::Held], "the account's other posts too");
    let accounts = b.app.accounts(&b.t.operator, "da-marco").await.unwrap();
    assert_eq!(accounts[0].account.status, AccountStatus::NeedsReconnect);
    b.t.set_time("2026-06-15T10:00:00Z");
    assert_eq!(b.app.publish_due().await.unwrap().claimed, 0, "held, never dropped, never sent");
    let profile = accounts[0].account.profile.clone();
    b.app
        .edit_account(
            &b.t.operator,
            "da-marco",
            b.account,
            profile,
            None,
            CredentialsChange::Replace("new-token".into()),
        )
        .await
        .unwrap();
    let mut published = 0;
    for _ in 0..3 {
        b.t.advance(SignedDuration::from_secs(10));
        published += b.app.publish_due().await.unwrap().published;
    }
    assert_eq!(published, 2);
    assert_eq!(b.posted(), 2);
    let journal = b.t.journal("da-marco").await;
    assert!(journal.iter().any(|e| e.action == JournalAction::AccountNeedsReconnection));
    assert!(journal.iter().any(|e| e.action == JournalAction::AccountReconnected));
}

#[tokio::test]
async fn a_paused_client_holds_its_posts_and_resuming_decides_about_the_late_ones() {
    let b = bench().await;
    let late = b.scheduled("En retard", "2026-06-15T08:00:00Z").await;
    let later = b.scheduled("Plus tard", "2026-06-15T12:00:00Z").await;
    b.app.pause_publishing(&b.t.operator, "da-marco", "bad buzz").await.unwrap();
    b.t.set_time("2026-06-15T09:00:00Z");
    assert_eq!(b.app.publish_due().await.unwrap().claimed, 0);
    assert_eq!(b.app.overdue_while_paused(&b.t.operator, "da-marco").await.unwrap(), vec![late]);
    assert_eq!(b.app.resume_publishing(&b.t.operator, "da-marco", LatePosts::Unschedule).await.unwrap(), 1);
    assert_eq!(b.state(late).await, (PostState::Draft, vec![]));
    b.t.set_time("2026-06-15T12:00:00Z");
    assert_eq!(b.app.publish_due().await.unwrap().published, 1);
    assert_eq!(b.state(later).await.0, PostState::Published);
}

#[tokio::test]
async fn unscheduling_and_moving_follow_the_queue_and_an_unconnected_account_is_held_visibly() {
    let b = bench().await;
    let id = b.scheduled("Un", "2026-06-16T08:00:00Z").await;
    b.app.move_post(&b.t.operator, "da-marco", id, 2, Some(at("2026-06-17T08:00:00Z"))).await.unwrap();
    let d = &b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap()[0];
    assert_eq!(d.next_attempt, at("2026-06-17T08:00:00Z"));
    b.app.unschedule_post(&b.t.operator, "da-marco", id, 3).await.unwrap();
    assert!(b.app.post_deliveries(&b.t.operator, "da-marco", id).await.unwrap().is_empty());

    let profile =
        AccountProfile { network: Network::Bluesky, handle: "marco.bsky.social".into(), display_name: "M".into() };
    let offline = b.app.add_account(&b.t.operator, "da-marco", profile, None).await.unwrap();
    let content = PostContent {
        text: "Deux réseaux".into(),
        targets: vec![
            Target { account_id: b.account, text: None, media: None },
            Target { account_id: offline, text: None, media: None },
        ],
        ..PostContent::default()
    };
    let input = PostInput { content, planned_at: Some(at("2026-06-15T08:00:00Z")), campaign: None };
    let two = b.app.create_post(&b.t.operator, "da-marco", input).await.unwrap();
    b.app.schedule_post(&b.t.operator, "da-marco", two, 1).await.unwrap();
    let ds = b.app.post_deliveries(&b.t.operator, "da-marco", two).await.unwrap();
    let held = ds.iter().find(|d| d.account_id == offline).unwrap();
    assert_eq!(held.state, DeliveryState::Held);
    assert!(held.last_error.as_deref().unwrap_or("").contains("not connected"), "{held:?}");
    b.t.set_time("2026-06-15T08:00:00Z");
    assert_eq!(b.app.publish_due().await.unwrap().published, 1, "the connected account publishes; the other waits");
    assert_eq!(b.state(two).await.0, PostState::Publishing, "not published everywhere yet");
}
