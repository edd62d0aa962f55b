//! A scripted network for the inbox, shared by the router tests and the browser tests: each account of a client
//! "received" the items the test gives, and replies and likes are accepted and remembered. Items enter the inbox
//! the way they do in production, through the application's sync.

use std::sync::{Arc, Mutex};

use filrouge_app::publishing::{PublishSettings, PublisherFactory};
use filrouge_app::{Actor, App};
use filrouge_domain::account::Account;
use filrouge_domain::connection::Connection;
use filrouge_networks::inbox::{InboxReader, IncomingItem, IncomingKind, IncomingPage, RemoteAuthor};
use filrouge_networks::publish::{
    BoxFuture, Capabilities, OutgoingPost, PostMetrics, PublishError, Publisher, RemotePost,
};

/// What the network holds.
#[derive(Debug, Default)]
pub struct Net {
    pub received: Mutex<Vec<IncomingItem>>,
    pub posted: Mutex<Vec<OutgoingPost>>,
    pub liked: Mutex<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Scripted(pub Arc<Net>);

impl PublisherFactory for Scripted {
    fn publisher(&self, _: &Account, _: &Connection) -> Result<Box<dyn Publisher>, String> {
        Ok(Box::new(self.clone()))
    }
    fn inbox(&self, _: &Account, _: &Connection) -> Result<Box<dyn InboxReader>, String> {
        Ok(Box::new(self.clone()))
    }
}

impl InboxReader for Scripted {
    /// The cursor is how many items were already returned.
    fn received<'a>(
        &'a self,
        cursor: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<IncomingPage, PublishError>> {
        Box::pin(async move {
            let all = self.0.received.lock().expect("the script");
            let from: usize = cursor.and_then(|c| c.parse().ok()).unwrap_or(0).min(all.len());
            let items: Vec<IncomingItem> = all[from..].iter().take(limit as usize).cloned().collect();
            let to = from + items.len();
            Ok(IncomingPage { more: to < all.len(), items, cursor: Some(to.to_string()) })
        })
    }

    fn like<'a>(&'a self, remote_id: &'a str, _: Option<&'a str>) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(async move {
            self.0.liked.lock().expect("the script").push(remote_id.to_owned());
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
            let mut posted = self.0.posted.lock().expect("the script");
            let n = match posted.iter().position(|p| p.idempotency_key == post.idempotency_key) {
                Some(n) => n,
                None => {
                    posted.push(post.clone());
                    posted.len() - 1
                }
            };
            Ok(RemotePost { remote_id: format!("r{n}"), url: format!("https://net.test/r{n}") })
        })
    }

    fn find<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<Option<RemotePost>, PublishError>> {
        Box::pin(async move {
            let posted = self.0.posted.lock().expect("the script");
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

/// An item received by an account: `n` numbers it (its remote id), the author is `handle` named `name`.
pub fn incoming(n: u64, kind: IncomingKind, handle: &str, name: &str, text: &str) -> IncomingItem {
    use filrouge_domain::clock::Clock;
    let published = filrouge_domain::clock::SystemClock
        .now()
        .checked_sub(jiff::SignedDuration::from_mins(30 + n as i64))
        .expect("a time");
    IncomingItem {
        kind,
        remote_id: format!("{n}"),
        cid: None,
        url: format!("https://net.test/@{handle}/{n}"),
        author: RemoteAuthor {
            remote_id: format!("acct-{handle}"),
            handle: handle.into(),
            display_name: Some(name.into()),
            followers: Some(120),
            url: Some(format!("https://net.test/@{handle}")),
        },
        text: text.into(),
        language: Some("fr".into()),
        published,
        in_reply_to: (kind == IncomingKind::Reply).then(|| "900".to_owned()),
        thread_root: if kind == IncomingKind::Reply { "900".into() } else { n.to_string() },
        context_text: (kind == IncomingKind::Reply).then(|| "Notre pizza du jour : la Regina.".to_owned()),
        quoted: None,
    }
}

/// The application with this scripted network for publishing and the inbox.
pub fn with_network(app: &App, net: &Arc<Net>) -> App {
    let settings = PublishSettings { installation: "test".into(), ..PublishSettings::default() };
    app.clone().with_publishing(settings, Arc::new(Scripted(net.clone())))
}

/// Makes `slug`'s connected accounts receive `items` and syncs the inbox: the items are then stored as the
/// application stores them. Returns the ids of the client's items, in the list's order.
pub async fn receive(app: &App, slug: &str, items: Vec<IncomingItem>) -> Vec<filrouge_domain::ids::InboxItemId> {
    let net = Arc::new(Net::default());
    net.received.lock().expect("the script").extend(items);
    let op = Actor::operator();
    let report = with_network(app, &net).sync_inbox(&op, Some(slug), &|_, _| {}).await.expect("the inbox syncs");
    assert!(report.errors.is_empty(), "sync errors: {:?}", report.errors);
    let query = filrouge_app::inbox::InboxQuery { include_hidden: true, ..Default::default() };
    app.inbox(&op, Some(slug), &query).await.expect("the inbox lists").items.into_iter().map(|v| v.item.id).collect()
}
