//! The inbox's use-cases with a scripted network (each answer chosen by the test): items stored once with their
//! cursor, a sync interrupted and resumed losing and duplicating nothing, triage by the client's rules, the rota
//! and the response target, priority and filters, isolation between clients and roles, replies sent once (also
//! after an unknown outcome), approvals, the veille's "needs a reply" mentions, response times. End-to-end runs
//! against the real Bluesky and Mastodon test servers are in the CLI tests and the networks crate.

use std::sync::{Arc, Mutex};

use filrouge_app::inbox::{InboxQuery, Triage};
use filrouge_app::inbox_reply::ReplyOutcome;
use filrouge_app::inbox_settings::InboxSettingsForm;
use filrouge_app::publishing::{PublishSettings, PublisherFactory};
use filrouge_domain::account::{Account, AccountProfile, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::InboxItemId;
use filrouge_domain::inbox::{ItemKind, ItemState};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::mention::{Author, Engagement, Mark, NewMention};
use filrouge_domain::source::SourceKind;
use filrouge_domain::user::Role;
use filrouge_networks::inbox::{InboxReader, IncomingItem, IncomingKind, IncomingPage, RemoteAuthor};
use filrouge_networks::publish::{
    BoxFuture, Capabilities, OutgoingPost, PostMetrics, PublishError, Publisher, RemotePost,
};
use jiff::SignedDuration;

use crate::helpers::{assert_not_found, at, TestApp};

/// A network holding what the account received (ids 1, 2, …) and what was posted, by idempotency key.
#[derive(Debug, Default)]
struct Net {
    received: Mutex<Vec<IncomingItem>>,
    /// Calls to `received` that fail (by call number, from 1).
    fail_calls: Mutex<Vec<usize>>,
    calls: Mutex<usize>,
    posted: Mutex<Vec<OutgoingPost>>,
    /// The next publish is accepted but its answer lost.
    lose_next_answer: Mutex<bool>,
    liked: Mutex<Vec<String>>,
}

#[derive(Debug, Clone)]
struct Scripted(Arc<Net>);

impl PublisherFactory for Scripted {
    fn publisher(&self, _: &Account, _: &Connection) -> Result<Box<dyn Publisher>, String> {
        Ok(Box::new(self.clone()))
    }
    fn inbox(&self, _: &Account, _: &Connection) -> Result<Box<dyn InboxReader>, String> {
        Ok(Box::new(self.clone()))
    }
}

impl InboxReader for Scripted {
    fn received<'a>(
        &'a self,
        cursor: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<IncomingPage, PublishError>> {
        Box::pin(async move {
            let call = {
                let mut calls = self.0.calls.lock().unwrap();
                *calls += 1;
                *calls
            };
            if self.0.fail_calls.lock().unwrap().contains(&call) {
                return Err(PublishError::Transient("connection reset".into()));
            }
            let after: u64 = cursor.map_or(0, |c| c.parse().unwrap());
            let all = self.0.received.lock().unwrap();
            let newer: Vec<IncomingItem> =
                all.iter().filter(|i| i.remote_id.parse::<u64>().unwrap() > after).cloned().collect();
            let items: Vec<IncomingItem> = newer.iter().take(limit as usize).cloned().collect();
            let cursor = items.last().map(|i| i.remote_id.clone()).or(cursor.map(str::to_owned));
            Ok(IncomingPage { more: newer.len() > items.len(), items, cursor })
        })
    }

    fn like<'a>(&'a self, remote_id: &'a str, _: Option<&'a str>) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(async move {
            self.0.liked.lock().unwrap().push(remote_id.to_owned());
            Ok(())
        })
    }
}

impl Publisher for Scripted {
    fn capabilities(&self) -> Capabilities {
        Capabilities { publish: true, reply: true, ..Capabilities::default() }
    }

    fn publish<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<RemotePost, PublishError>> {
        Box::pin(async move {
            let mut posted = self.0.posted.lock().unwrap();
            let n = match posted.iter().position(|p| p.idempotency_key == post.idempotency_key) {
                Some(n) => n,
                None => {
                    posted.push(post.clone());
                    posted.len() - 1
                }
            };
            if std::mem::take(&mut *self.0.lose_next_answer.lock().unwrap()) {
                return Err(PublishError::Unknown("connection reset after sending".into()));
            }
            Ok(RemotePost { remote_id: format!("r{n}"), url: format!("https://net.test/r{n}") })
        })
    }

    fn find<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<Option<RemotePost>, PublishError>> {
        Box::pin(async move {
            let posted = self.0.posted.lock().unwrap();
            Ok(posted
                .iter()
                .position(|p| p.idempotency_key == post.idempotency_key)
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

fn incoming(id: u64, kind: IncomingKind, text: &str, followers: u64) -> IncomingItem {
    IncomingItem {
        kind,
        remote_id: id.to_string(),
        cid: None,
        url: format!("https://m.test/@camille/{id}"),
        author: RemoteAuthor {
            remote_id: format!("acct-{}", id % 3),
            handle: format!("camille{}@social.test", id % 3),
            display_name: Some("Camille Durand".into()),
            followers: Some(followers),
            url: None,
        },
        text: text.into(),
        language: Some("fr".into()),
        published: at("2026-06-15T07:00:00Z").checked_add(SignedDuration::from_secs(id as i64)).unwrap(),
        in_reply_to: (kind == IncomingKind::Reply).then(|| "900".to_owned()),
        thread_root: if kind == IncomingKind::Reply { "900".into() } else { id.to_string() },
        context_text: (kind == IncomingKind::Reply).then(|| "Notre pizza du jour : la Regina.".to_owned()),
        quoted: None,
    }
}

struct Bench {
    t: TestApp,
    app: filrouge_app::App,
    net: Arc<Net>,
}

async fn bench() -> Bench {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    t.client("tapis", "Tapis Royal").await;
    for slug in ["da-marco", "tapis"] {
        let profile =
            AccountProfile { network: Network::Mastodon, handle: format!("@{slug}@m.test"), display_name: slug.into() };
        t.app.add_account(&t.operator, slug, profile, Some("token-123".into())).await.unwrap();
    }
    let net = Arc::new(Net::default());
    let settings = PublishSettings { installation: "test".into(), ..PublishSettings::default() };
    let app = t.app.clone().with_publishing(settings, Arc::new(Scripted(net.clone())));
    Bench { t, app, net }
}

impl Bench {
    fn receive(&self, items: impl IntoIterator<Item = IncomingItem>) {
        self.net.received.lock().unwrap().extend(items);
    }

    async fn sync(&self, slug: &str) -> filrouge_app::inbox_sync::SyncReport {
        self.app.sync_inbox(&self.t.operator, Some(slug), &|_, _| {}).await.unwrap()
    }

    async fn open_items(&self, slug: &str) -> Vec<filrouge_app::inbox::ItemView> {
        self.app.inbox(&self.t.operator, Some(slug), &InboxQuery::default()).await.unwrap().items
    }

    async fn all_items(&self, slug: &str) -> Vec<filrouge_app::inbox::ItemView> {
        let mut all = Vec::new();
        for state in ["new", "assigned", "waiting", "done"] {
            for page in 0.. {
                let q = InboxQuery { state: Some(state.into()), include_hidden: true, page, ..InboxQuery::default() };
                let listing = self.app.inbox(&self.t.operator, Some(slug), &q).await.unwrap();
                all.extend(listing.items);
                if !listing.has_more {
                    break;
                }
            }
        }
        all
    }
}

#[tokio::test]
async fn received_items_are_stored_once_with_their_cursor_and_analysed() {
    let b = bench().await;
    b.receive((1..=95).map(|i| incoming(i, IncomingKind::Mention, &format!("Message numéro {i}"), 10)));
    let report = b.sync("da-marco").await;
    assert_eq!((report.accounts, report.fetched, report.stored), (1, 95, 95), "{report:?}");
    assert!(report.errors.is_empty());
    assert_eq!(*b.net.calls.lock().unwrap(), 3, "40 + 40 + 15, then no more");

    // Nothing new: one call, nothing stored.
    let again = b.sync("da-marco").await;
    assert_eq!((again.fetched, again.stored), (0, 0));

    b.receive([
        incoming(96, IncomingKind::Reply, "Vous êtes ouverts dimanche ?", 10),
        incoming(97, IncomingKind::DirectMessage, "Bonjour, livrez-vous à Villeurbanne ?", 10),
    ]);
    let next = b.sync("da-marco").await;
    assert_eq!(next.stored, 2);
    let items = b.all_items("da-marco").await;
    assert_eq!(items.len(), 97);
    let question = items.iter().find(|v| v.item.remote_id == "96").unwrap();
    assert_eq!(question.item.intent, Some(filrouge_domain::analysis::Intent::Question));
    assert_eq!(question.item.kind, ItemKind::Reply);
    assert_eq!(question.item.thread_key, "900");
    assert_eq!(question.item.context_text.as_deref(), Some("Notre pizza du jour : la Regina."));
    assert_eq!(question.client_name, "Da Marco");
    assert_eq!(question.thread_size, 1, "alone in its thread (root 900)");
    b.receive([incoming(98, IncomingKind::Reply, "Et le samedi ?", 10)]);
    b.sync("da-marco").await;
    let in_900: Vec<usize> =
        b.all_items("da-marco").await.iter().filter(|v| v.item.thread_key == "900").map(|v| v.thread_size).collect();
    assert_eq!(in_900, vec![2, 2], "two replies under post 900, each shown with its conversation's size");
    // Questions and private messages come first.
    let first_two: Vec<String> =
        b.open_items("da-marco").await.iter().take(2).map(|v| v.item.remote_id.clone()).collect();
    assert!(first_two.contains(&"96".to_owned()) && first_two.contains(&"97".to_owned()), "{first_two:?}");
    // The other client's inbox is untouched.
    assert!(b.all_items("tapis").await.is_empty());
}

#[tokio::test]
async fn a_sync_cut_off_in_the_middle_resumes_without_losing_or_duplicating() {
    let b = bench().await;
    b.receive((1..=130).map(|i| incoming(i, IncomingKind::Mention, &format!("Message {i}"), 10)));
    // The second call fails (a connection reset, as a restart would): the first page is stored with its cursor.
    b.net.fail_calls.lock().unwrap().push(2);
    let cut = b.sync("da-marco").await;
    assert_eq!(cut.stored, 40);
    assert_eq!(cut.errors.len(), 1, "{cut:?}");
    assert!(cut.errors[0].contains("connection reset"), "{:?}", cut.errors);
    let resumed = b.sync("da-marco").await;
    assert_eq!(resumed.stored, 90, "{resumed:?}");
    let items = b.all_items("da-marco").await;
    assert_eq!(items.len(), 130);
    let mut ids: Vec<u64> = items.iter().map(|v| v.item.remote_id.parse().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids, (1..=130).collect::<Vec<_>>(), "every item once");
    // A sync that reads everything again from the start (a lost cursor) stores nothing twice.
    let account = b.open_items("da-marco").await[0].item.account_id.unwrap();
    let mut tx = b.app.store().write().await.unwrap();
    tx.set_inbox_cursor(account, Some("0"), at("2026-06-15T08:00:00Z"), None).await.unwrap();
    tx.commit().await.unwrap();
    let replay = b.sync("da-marco").await;
    assert_eq!((replay.fetched, replay.stored), (130, 0));
}

#[tokio::test]
async fn the_clients_rules_the_rota_and_the_target_triage_what_arrives() {
    let b = bench().await;
    let client =
        b.app.client(&b.t.operator, "da-marco", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    b.t.user("marie@agence.test", Role::CommunityManager, &[client.id]).await;
    b.t.user("nuit@agence.test", Role::CommunityManager, &[client.id]).await;
    let form = InboxSettingsForm {
        rules: "when intent = spam then done, hide\n\
                quand texte contient \"remboursement\" alors assigner marie@agence.test, label remboursement\n\
                when followers > 10000 then urgent"
            .into(),
        hours: "lun-ven 09:00-18:00".into(),
        target_minutes: "60".into(),
        rota: "lun-ven 18:00-09:00 nuit@agence.test".into(),
        replies_need_approval: false,
    };
    b.app.save_inbox_settings(&b.t.operator, "da-marco", form.clone()).await.unwrap();
    let mut bad = form.clone();
    bad.rules = "when intnet = spam then done".into();
    let e = b.app.save_inbox_settings(&b.t.operator, "da-marco", bad).await.unwrap_err().to_string();
    assert!(e.contains("line 1, column 6: unknown field 'intnet'"), "{e}");
    let mut stranger = form.clone();
    stranger.rota = "sam 10:00-12:00 inconnu@agence.test".into();
    let e = b.app.save_inbox_settings(&b.t.operator, "da-marco", stranger).await.unwrap_err().to_string();
    assert!(e.contains("inconnu@agence.test is not a member"), "{e}");

    let mut night = incoming(3, IncomingKind::Reply, "Vous livrez ce soir ?", 10);
    night.published = at("2026-06-15T20:00:00Z"); // 22:00 in Paris, after hours
    b.receive([
        incoming(1, IncomingKind::Mention, "Gagnez un iPhone gratuit, cliquez ici http://promo.test", 10),
        incoming(2, IncomingKind::Reply, "Je veux un remboursement, la pizza était froide", 10),
        night,
        incoming(4, IncomingKind::Mention, "Superbe soirée chez Da Marco", 50_000),
    ]);
    b.t.set_time("2026-06-15T20:05:00Z");
    b.sync("da-marco").await;
    let all = b.all_items("da-marco").await;
    let by = |id: &str| all.iter().find(|v| v.item.remote_id == id).unwrap().clone();
    let spam = by("1");
    assert_eq!(spam.item.intent, Some(filrouge_domain::analysis::Intent::Spam), "{:?}", spam.item.intent);
    assert!(spam.item.hidden && spam.item.state == ItemState::Done);
    let refund = by("2");
    assert_eq!(refund.assignee_name.as_deref(), Some("Marie"));
    assert_eq!(refund.item.state, ItemState::Assigned);
    assert_eq!(refund.item.labels, vec!["remboursement".to_owned()]);
    let late = by("3");
    assert_eq!(late.assignee_name.as_deref(), Some("Nuit"), "after hours: whoever is on duty");
    // Due at 10:00 Paris the next morning: one business hour after 09:00.
    assert_eq!(late.item.due_at, Some(at("2026-06-16T08:00:00Z")));
    assert!(by("4").item.urgent);
    // The hidden spam is not in the open list; urgent first.
    let open = b.open_items("da-marco").await;
    assert_eq!(open[0].item.remote_id, "4");
    assert!(!open.iter().any(|v| v.item.remote_id == "1"));
}

#[tokio::test]
async fn each_user_sees_only_the_inboxes_of_their_clients_and_only_answers_where_allowed() {
    let b = bench().await;
    b.receive([incoming(1, IncomingKind::Mention, "Bonjour Da Marco", 10)]);
    b.sync("da-marco").await;
    let item = b.open_items("da-marco").await.remove(0).item;
    let tapis = b.app.client(&b.t.operator, "tapis", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    let marco = b.app.client(&b.t.operator, "da-marco", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    let other = b.t.member("autre@agence.test", Role::CommunityManager, &[tapis.id]).await;
    let analyst = b.t.member("chiffres@agence.test", Role::Analyst, &[marco.id]).await;
    let reviewer = b.t.member("client@marco.test", Role::ClientReviewer, &[marco.id]).await;

    let everything = b.app.inbox(&other, None, &InboxQuery::default()).await.unwrap();
    assert!(everything.items.is_empty(), "another client's CM sees nothing of Da Marco");
    assert_not_found("foreign inbox", b.app.inbox(&other, Some("da-marco"), &InboxQuery::default()).await);
    assert_not_found("foreign item", b.app.inbox_item(&other, "da-marco", item.id).await);
    assert_not_found("item through one's own client", b.app.inbox_item(&other, "tapis", item.id).await);
    assert_not_found("foreign bulk", b.app.bulk_triage(&other, &[item.id], Triage::State(ItemState::Done)).await);
    assert_not_found("foreign reply", b.app.reply_to_item(&other, "tapis", item.id, "Bonjour", false).await);

    assert_eq!(b.app.inbox(&analyst, Some("da-marco"), &InboxQuery::default()).await.unwrap().items.len(), 1);
    assert!(matches!(
        b.app.triage_inbox_item(&analyst, "da-marco", item.id, item.version, Triage::State(ItemState::Done)).await,
        Err(filrouge_app::AppError::Forbidden)
    ));
    assert!(b.app.inbox(&reviewer, Some("da-marco"), &InboxQuery::default()).await.is_err(), "reviewers: no inbox");
    assert!(b.app.inbox(&reviewer, None, &InboxQuery::default()).await.unwrap().items.is_empty());
    let counts = b.app.inbox_counts(&other).await.unwrap();
    assert!(counts.is_empty(), "{counts:?}");
    assert_eq!(b.app.inbox_counts(&analyst).await.unwrap(), vec![("da-marco".to_owned(), 1)]);
    // Nothing changed on the item.
    assert_eq!(b.open_items("da-marco").await[0].item.version, item.version);
}

#[tokio::test]
async fn a_reply_goes_out_once_in_the_thread_even_when_the_answer_is_lost() {
    let b = bench().await;
    b.receive([incoming(7, IncomingKind::Reply, "Vous êtes ouverts le dimanche ?", 10)]);
    b.sync("da-marco").await;
    let item = b.open_items("da-marco").await.remove(0).item;
    b.t.advance(SignedDuration::from_mins(20));
    *b.net.lose_next_answer.lock().unwrap() = true;
    let outcome =
        b.app.reply_to_item(&b.t.operator, "da-marco", item.id, "Oui, de 18 h à 23 h !", false).await.unwrap();
    assert_eq!(outcome, ReplyOutcome::Sent { url: "https://net.test/r0".into() });
    let posted = b.net.posted.lock().unwrap().clone();
    assert_eq!(posted.len(), 1, "the lost answer was read back, not sent again");
    assert_eq!(posted[0].reply_to.as_deref(), Some("7"));
    assert_eq!(posted[0].text, "@camille1@social.test Oui, de 18 h à 23 h !", "the person is named");
    let detail = b.app.inbox_item(&b.t.operator, "da-marco", item.id).await.unwrap();
    assert_eq!(detail.view.item.state, ItemState::Waiting);
    assert_eq!(detail.view.item.first_response_at, Some(at("2026-06-15T07:50:00Z")));
    assert_eq!(detail.replies.len(), 1);
    assert_eq!(detail.replies[0].state, "sent");
    assert!(b
        .t
        .journal("da-marco")
        .await
        .iter()
        .any(|e| e.action == JournalAction::InboxReplySent && e.summary.contains("https://net.test/r0")));
    // Response time: 20 minutes of business time (Monday 09:30–09:50 Paris).
    let times = b.app.response_times(&b.t.operator, "da-marco", 30).await.unwrap();
    assert_eq!(times.answered, 1);
    assert_eq!(times.median_first_response, Some(20 * 60 + 30 * 60 - 7), "from 09:00:07 Paris to 09:50");

    // A private message is answered privately.
    b.receive([incoming(8, IncomingKind::DirectMessage, "Vous livrez ?", 10)]);
    b.sync("da-marco").await;
    let dm = b.all_items("da-marco").await.into_iter().find(|v| v.item.remote_id == "8").unwrap().item;
    b.app.reply_to_item(&b.t.operator, "da-marco", dm.id, "Oui !", true).await.unwrap();
    let last = b.net.posted.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.visibility, filrouge_networks::publish::Visibility::Direct);
    let closed = b.app.inbox_item(&b.t.operator, "da-marco", dm.id).await.unwrap().view.item;
    assert_eq!(closed.state, ItemState::Done);
    // Liking goes to the network.
    b.app.like_item(&b.t.operator, "da-marco", dm.id).await.unwrap();
    assert_eq!(*b.net.liked.lock().unwrap(), vec!["8".to_owned()]);
}

#[tokio::test]
async fn replies_of_a_sensitive_client_wait_for_a_managers_approval() {
    let b = bench().await;
    let marco = b.app.client(&b.t.operator, "da-marco", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    let form = InboxSettingsForm { replies_need_approval: true, ..InboxSettingsForm::default() };
    b.app.save_inbox_settings(&b.t.operator, "da-marco", form).await.unwrap();
    let cm = b.t.member("cm@agence.test", Role::CommunityManager, &[marco.id]).await;
    let manager = b.t.member("chef@agence.test", Role::Manager, &[marco.id]).await;
    b.receive([
        incoming(1, IncomingKind::Reply, "C'est quoi ce service ?", 10),
        incoming(2, IncomingKind::Reply, "Et ça ?", 10),
    ]);
    b.sync("da-marco").await;
    let items: Vec<InboxItemId> = b.open_items("da-marco").await.iter().map(|v| v.item.id).collect();
    let waiting = b.app.reply_to_item(&cm, "da-marco", items[0], "Nous sommes désolés.", false).await.unwrap();
    assert_eq!(waiting, ReplyOutcome::AwaitingApproval);
    assert!(b.net.posted.lock().unwrap().is_empty(), "nothing sent before approval");
    let reply = b.app.inbox_item(&cm, "da-marco", items[0]).await.unwrap().replies.remove(0);
    assert!(matches!(b.app.approve_reply(&cm, "da-marco", reply.id).await, Err(filrouge_app::AppError::Forbidden)));
    let sent = b.app.approve_reply(&manager, "da-marco", reply.id).await.unwrap();
    assert!(matches!(sent, ReplyOutcome::Sent { .. }));
    assert_eq!(b.net.posted.lock().unwrap().len(), 1);
    assert!(b.app.approve_reply(&manager, "da-marco", reply.id).await.is_err(), "approved once");

    b.app.reply_to_item(&cm, "da-marco", items[1], "Bof.", false).await.unwrap();
    let second = b.app.inbox_item(&cm, "da-marco", items[1]).await.unwrap().replies.remove(0);
    b.app.reject_reply(&manager, "da-marco", second.id, "Ton trop sec").await.unwrap();
    let rejected = b.app.inbox_item(&cm, "da-marco", items[1]).await.unwrap().replies.remove(0);
    assert_eq!(rejected.state, "rejected");
    assert_eq!(rejected.last_error.as_deref(), Some("Ton trop sec"));
    assert_eq!(b.net.posted.lock().unwrap().len(), 1);
    // A manager's own reply needs no approval.
    let direct = b.app.reply_to_item(&manager, "da-marco", items[1], "Nous vous rappelons.", false).await.unwrap();
    assert!(matches!(direct, ReplyOutcome::Sent { .. }));
}

#[tokio::test]
async fn a_mention_marked_needs_a_reply_joins_the_inbox_once() {
    let b = bench().await;
    let source =
        b.app.add_source(&b.t.operator, "da-marco", "feed", "Blog", "https://blog.test/feed.xml", "").await.unwrap();
    let mention = NewMention {
        dedup_key: "https://forum.test/t/1".into(),
        source_kind: SourceKind::Feed,
        url: "https://forum.test/t/1".into(),
        site: "forum.test".into(),
        author: Author { handle: "lyonnais".into(), name: None, followers: Some(300) },
        title: "Da Marco".into(),
        text: "Quelqu'un sait si Da Marco fait des pizzas sans gluten ?".into(),
        html: String::new(),
        lang: None,
        published: at("2026-06-15T06:00:00Z"),
        engagement: Engagement::default(),
        fingerprint: None,
        analysis: None,
    };
    b.app.ingest_mentions(&b.t.operator, "da-marco", source, vec![mention]).await.unwrap();
    let page = b
        .app
        .mentions(&b.t.operator, "da-marco", &filrouge_app::mentions::MentionFilter { page: 1, ..Default::default() })
        .await
        .unwrap();
    let id = page.mentions[0].id;
    b.app.mark_mention(&b.t.operator, "da-marco", id, Mark::NeedsReply, true).await.unwrap();
    b.app.mark_mention(&b.t.operator, "da-marco", id, Mark::NeedsReply, false).await.unwrap();
    b.app.mark_mention(&b.t.operator, "da-marco", id, Mark::NeedsReply, true).await.unwrap();
    let items = b.open_items("da-marco").await;
    assert_eq!(items.len(), 1);
    let item = &items[0].item;
    assert_eq!(item.kind, ItemKind::Listening);
    assert_eq!(item.url, "https://forum.test/t/1");
    assert_eq!(item.intent, Some(filrouge_domain::analysis::Intent::Question));
    let detail = b.app.inbox_item(&b.t.operator, "da-marco", item.id).await.unwrap();
    assert!(!detail.can_reply, "answered on its own site");
    // Answered there, then marked as such: that is the first response.
    b.app
        .triage_inbox_item(&b.t.operator, "da-marco", item.id, item.version, Triage::State(ItemState::Waiting))
        .await
        .unwrap();
    let after = b.app.inbox_item(&b.t.operator, "da-marco", item.id).await.unwrap().view.item;
    assert!(after.first_response_at.is_some());
}

#[tokio::test]
async fn triage_changes_items_from_their_version_one_or_many_with_notes_and_a_journal() {
    let b = bench().await;
    let marco = b.app.client(&b.t.operator, "da-marco", filrouge_domain::permission::Action::ViewClient).await.unwrap();
    let marie = b.t.user("marie@agence.test", Role::CommunityManager, &[marco.id]).await;
    b.receive((1..=3).map(|i| incoming(i, IncomingKind::Mention, "Bonjour", 10)));
    b.sync("da-marco").await;
    let items: Vec<_> = b.open_items("da-marco").await.into_iter().map(|v| v.item).collect();
    let first = &items[0];
    b.app
        .triage_inbox_item(&b.t.operator, "da-marco", first.id, first.version, Triage::Assign(Some(marie)))
        .await
        .unwrap();
    let stale = b.app.triage_inbox_item(&b.t.operator, "da-marco", first.id, first.version, Triage::Urgent(true)).await;
    assert!(matches!(stale, Err(filrouge_app::AppError::Conflict(_))), "{stale:?}");
    let mine = InboxQuery { assignee: Some(marie.0.to_string()), ..InboxQuery::default() };
    assert_eq!(b.app.inbox(&b.t.operator, Some("da-marco"), &mine).await.unwrap().items.len(), 1);
    b.app.add_inbox_note(&b.t.operator, "da-marco", first.id, "Client fidèle, le rappeler").await.unwrap();
    let ids: Vec<InboxItemId> = items.iter().map(|i| i.id).collect();
    assert_eq!(b.app.bulk_triage(&b.t.operator, &ids, Triage::State(ItemState::Done)).await.unwrap(), 3);
    assert!(b.open_items("da-marco").await.is_empty());
    let detail = b.app.inbox_item(&b.t.operator, "da-marco", first.id).await.unwrap();
    assert_eq!(detail.notes[0].body, "Client fidèle, le rappeler");
    assert_eq!(detail.view.assignee_name.as_deref(), Some("Marie"));
    let journal = b.t.journal("da-marco").await;
    assert!(journal.iter().any(|e| e.action == JournalAction::InboxTriaged && e.summary.contains("assigned to Marie")));
    assert_eq!(journal.iter().filter(|e| e.summary.contains("state → done")).count(), 3);
    assert!(journal.iter().any(|e| e.action == JournalAction::InboxNoted));
    let bad = InboxQuery { state: Some("closed".into()), ..InboxQuery::default() };
    let e = b.app.inbox(&b.t.operator, Some("da-marco"), &bad).await.unwrap_err().to_string();
    assert!(e.contains("unknown state 'closed'"), "{e}");
}

#[tokio::test]
async fn an_accounts_first_sync_brings_old_history_closed_and_later_syncs_keep_everything_open() {
    let b = bench().await;
    let mut old = incoming(1, IncomingKind::Reply, "Vous livrez ?", 10);
    old.published = at("2026-06-01T10:00:00Z"); // two weeks before the first sync
    b.receive([old, incoming(2, IncomingKind::Reply, "Ouvert ce soir ?", 10)]);
    b.sync("da-marco").await;
    let open: Vec<String> = b.open_items("da-marco").await.iter().map(|v| v.item.remote_id.clone()).collect();
    assert_eq!(open, vec!["2".to_owned()], "history arrives closed");
    let history = b.all_items("da-marco").await.into_iter().find(|v| v.item.remote_id == "1").unwrap().item;
    assert_eq!(history.state, ItemState::Done);
    assert_eq!((history.due_at, history.resolved_at), (None, None));
    let times = b.app.response_times(&b.t.operator, "da-marco", 30).await.unwrap();
    assert_eq!((times.received, times.resolved), (1, 0), "history is not in the response times: {times:?}");

    // Once the account has a cursor, anything that arrives is open, however old it says it is (an outage must not
    // close what nobody answered).
    let mut late = incoming(3, IncomingKind::Reply, "Vous m'aviez oublié ?", 10);
    late.published = at("2026-06-01T11:00:00Z");
    b.receive([late]);
    b.sync("da-marco").await;
    assert!(b.open_items("da-marco").await.iter().any(|v| v.item.remote_id == "3"));
}
