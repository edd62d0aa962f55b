//! The Bluesky inbox end to end against a real local network (PLC, PDS, AppView from `@atproto/dev-env`): bob and
//! carol reply to, mention and quote alice; alice's `BlueskyInbox` returns each once with its kind, thread and
//! followers, reads a burst larger than its limit (and than its page bound) completely, and likes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use filrouge_networks::bluesky::{BlueskyInbox, BlueskyPublisher};
use filrouge_networks::inbox::{InboxReader, IncomingItem, IncomingKind, IncomingPage};
use filrouge_networks::publish::{OutgoingPost, Publisher, RemotePost, Visibility};
use filrouge_testkit::bluesky::DevNetwork;
use jiff::Timestamp;
use serde_json::{json, Value};
use url::Url;

struct Account {
    handle: String,
    password: String,
    did: String,
    jwt: String,
}

async fn xrpc_post(http: &reqwest::Client, pds: &str, nsid: &str, jwt: Option<&str>, body: Value) -> Value {
    let mut request = http.post(format!("{pds}/xrpc/{nsid}")).json(&body);
    if let Some(jwt) = jwt {
        request = request.bearer_auth(jwt);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{nsid} answered {status}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn xrpc_get(http: &reqwest::Client, pds: &str, nsid: &str, jwt: &str, params: Vec<(&str, String)>) -> Value {
    let response = http.get(format!("{pds}/xrpc/{nsid}")).query(&params).bearer_auth(jwt).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{nsid} answered {status}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn create_account(http: &reqwest::Client, pds: &str, name: &str) -> Account {
    let handle = format!("{name}.test");
    let password = format!("{name}-password");
    let body = json!({ "handle": handle, "email": format!("{name}@example.com"), "password": password });
    let answer = xrpc_post(http, pds, "com.atproto.server.createAccount", None, body).await;
    Account {
        handle,
        password,
        did: answer["did"].as_str().unwrap().to_owned(),
        jwt: answer["accessJwt"].as_str().unwrap().to_owned(),
    }
}

/// The test stands for the engine, which reads its Clock.
#[allow(clippy::disallowed_methods)]
fn now() -> Timestamp {
    Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap()
}

fn post(key: &str, text: &str, reply_to: Option<&str>) -> OutgoingPost {
    OutgoingPost {
        idempotency_key: key.to_owned(),
        text: text.to_owned(),
        media: Vec::new(),
        content_warning: None,
        visibility: Visibility::Public,
        language: Some("fr".to_owned()),
        reply_to: reply_to.map(str::to_owned),
        card: None,
        created_at: now(),
    }
}

/// A record `who` writes as a person would.
async fn act(http: &reqwest::Client, pds: &str, who: &Account, collection: &str, fields: Value) -> Value {
    let mut record = json!({ "$type": collection, "createdAt": format!("{:.3}", now()) });
    if let (Some(record), Value::Object(fields)) = (record.as_object_mut(), fields) {
        record.extend(fields);
    }
    let body = json!({ "repo": who.did, "collection": collection, "record": record });
    xrpc_post(http, pds, "com.atproto.repo.createRecord", Some(&who.jwt), body).await
}

/// Calls `received` from `cursor` until `want` items came (the AppView indexes asynchronously), within a
/// deadline; every page's items are kept, in order, and the last cursor returned.
async fn read_until(
    inbox: &BlueskyInbox,
    mut cursor: Option<String>,
    limit: u32,
    want: usize,
) -> (Vec<IncomingItem>, Option<String>, Vec<IncomingPage>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut items = Vec::new();
    let mut pages = Vec::new();
    loop {
        let page = inbox.received(cursor.as_deref(), limit).await.unwrap();
        assert!(page.items.len() <= limit as usize, "{page:#?}");
        items.extend(page.items.iter().cloned());
        cursor = page.cursor.clone();
        let more = page.more;
        pages.push(page);
        if items.len() >= want && !more {
            return (items, cursor, pages);
        }
        assert!(Instant::now() < deadline, "only {} of {want} items: {items:#?}", items.len());
        if !more {
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

async fn post_view(http: &reqwest::Client, pds: &str, reader: &Account, uri: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = xrpc_get(http, pds, "app.bsky.feed.getPosts", &reader.jwt, vec![("uris", uri.to_owned())]).await;
        if let Some(post) = answer["posts"].as_array().and_then(|p| p.first()) {
            return post.clone();
        }
        assert!(Instant::now() < deadline, "{uri} never indexed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_reads_replies_mentions_and_quotes_once_follows_bursts_and_likes() {
    let Some(network) = DevNetwork::start().await else { return };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let pds = network.pds.as_str();
    let service = Url::parse(pds).unwrap();
    let web = Url::parse("https://web.example/").unwrap();
    let alice = create_account(&http, pds, "alice").await;
    let bob = create_account(&http, pds, "bob").await;
    let carol = create_account(&http, pds, "carol").await;
    let publisher = |a: &Account| {
        BlueskyPublisher::new(http.clone(), service.clone(), &a.handle, &a.password).with_web_base(web.clone())
    };
    let (as_alice, as_bob, as_carol) = (publisher(&alice), publisher(&bob), publisher(&carol));
    let inbox = BlueskyInbox::new(http.clone(), service.clone(), &alice.handle, &alice.password, Arc::new(now))
        .with_web_base(web.clone());

    // Nothing yet; then a follow (not an inbox item) gives a first mark.
    assert_eq!(inbox.received(None, 10).await.unwrap(), IncomingPage::default());
    act(&http, pds, &carol, "app.bsky.graph.follow", json!({ "subject": bob.did })).await;
    act(&http, pds, &bob, "app.bsky.graph.follow", json!({ "subject": alice.did })).await;
    let start = loop {
        let page = inbox.received(None, 10).await.unwrap();
        if page.cursor.is_some() {
            assert!(page.items.is_empty() && !page.more, "{page:#?}");
            break page.cursor;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    };

    let root: RemotePost = as_alice.publish(&post("root", "Vernissage ce soir", None)).await.unwrap();
    let root_cid = post_view(&http, pds, &alice, &root.remote_id).await["cid"].as_str().unwrap().to_owned();
    let reply = as_bob.publish(&post("reply", "J'y serai !", Some(&root.remote_id))).await.unwrap();
    let answer = as_alice.publish(&post("answer", "Super", Some(&reply.remote_id))).await.unwrap();
    // The AppView notifies a reply only if it already knows the parent (else it cannot tell whose it is).
    post_view(&http, pds, &alice, &answer.remote_id).await;
    let deep = as_carol.publish(&post("deep", "Moi aussi", Some(&answer.remote_id))).await.unwrap();
    let mention = as_carol.publish(&post("mention", "Allez voir @alice.test", None)).await.unwrap();
    let quote = act(
        &http,
        pds,
        &bob,
        "app.bsky.feed.post",
        json!({ "text": "À voir", "langs": ["fr"], "embed": {
            "$type": "app.bsky.embed.record", "record": { "uri": root.remote_id, "cid": root_cid } } }),
    )
    .await;
    let quote_uri = quote["uri"].as_str().unwrap().to_owned();
    act(&http, pds, &carol, "app.bsky.feed.like", json!({ "subject": { "uri": root.remote_id, "cid": root_cid } }))
        .await;

    let (items, cursor, _) = read_until(&inbox, start, 10, 4).await;
    let uris: Vec<&str> = items.iter().map(|i| i.remote_id.as_str()).collect();
    // Each once. Items come in the AppView's order (the earlier of creation and indexing): posts written a few
    // milliseconds apart by different people may swap under load, so only causal order is asserted.
    let wanted = [reply.remote_id.as_str(), deep.remote_id.as_str(), mention.remote_id.as_str(), quote_uri.as_str()];
    assert_eq!(uris.len(), 4, "{uris:?}");
    assert_eq!(uris.iter().collect::<HashSet<_>>(), wanted.iter().collect::<HashSet<_>>(), "once each: {uris:?}");
    let at = |uri: &str| uris.iter().position(|u| *u == uri).unwrap();
    assert!(at(&reply.remote_id) < at(&deep.remote_id), "a reply before the answer to it: {uris:?}");
    let item = |uri: &str| items.iter().find(|i| i.remote_id == uri).unwrap();
    let (r, d, m, q) = (item(&reply.remote_id), item(&deep.remote_id), item(&mention.remote_id), item(&quote_uri));

    assert_eq!(r.kind, IncomingKind::Reply);
    assert_eq!(r.in_reply_to.as_deref(), Some(root.remote_id.as_str()));
    assert_eq!(r.thread_root, root.remote_id);
    assert_eq!(r.context_text.as_deref(), Some("Vernissage ce soir"));
    assert_eq!(r.text, "J'y serai !");
    assert_eq!(r.url, reply.url);
    assert_eq!(r.language.as_deref(), Some("fr"));
    assert!(r.cid.as_deref().is_some_and(|c| !c.is_empty()));
    assert_eq!(r.author.remote_id, bob.did);
    assert_eq!(r.author.handle, "bob.test");
    assert_eq!(r.author.url.as_deref(), Some("https://web.example/profile/bob.test"));
    assert_eq!(r.author.followers, Some(1), "carol follows bob");

    assert_eq!(d.kind, IncomingKind::Reply);
    assert_eq!(d.in_reply_to.as_deref(), Some(answer.remote_id.as_str()));
    assert_eq!(d.thread_root, root.remote_id, "a deeper answer keeps the thread's root");
    assert_eq!(d.context_text.as_deref(), Some("Super"));
    assert_eq!(d.author.followers, Some(0));

    assert_eq!(m.kind, IncomingKind::Mention);
    assert_eq!(m.thread_root, mention.remote_id);
    assert_eq!((m.in_reply_to.as_deref(), m.quoted.as_deref(), m.context_text.as_deref()), (None, None, None));

    assert_eq!(q.kind, IncomingKind::Quote);
    assert_eq!(q.quoted.as_deref(), Some(root.remote_id.as_str()));
    assert_eq!(q.context_text.as_deref(), Some("Vernissage ce soir"));
    assert_eq!(q.thread_root, quote_uri);

    // Nothing new: nothing again.
    let again = inbox.received(cursor.as_deref(), 10).await.unwrap();
    assert!(again.items.is_empty() && !again.more, "{again:#?}");
    // (The cursor may still move: it also takes in carol's like once indexed.)
    let cursor = again.cursor;

    // A burst of 7 mentions, read 3 at a time by an inbox that reads at most 2 pages of 2 notifications: the
    // page bound is hit, the reading goes on where it stopped, and everything comes once, in order.
    let mut burst = Vec::new();
    for n in 0..7 {
        burst.push(
            as_bob.publish(&post(&format!("burst-{n}"), &format!("@alice.test message {n}"), None)).await.unwrap(),
        );
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while xrpc_get(&http, pds, "app.bsky.notification.listNotifications", &alice.jwt, vec![("limit", "100".into())])
        .await["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| burst.iter().any(|b| n["uri"] == b.remote_id.as_str()))
        .count()
        < burst.len()
    {
        assert!(Instant::now() < deadline, "the burst is never indexed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let small = BlueskyInbox::new(http.clone(), service.clone(), &alice.handle, &alice.password, Arc::new(now))
        .with_web_base(web.clone())
        .with_paging(2, 2);
    let (read, end, pages) = read_until(&small, cursor.clone(), 3, burst.len()).await;
    let read: Vec<&str> = read.iter().map(|i| i.remote_id.as_str()).collect();
    let expected: Vec<&str> = burst.iter().map(|b| b.remote_id.as_str()).collect();
    assert_eq!(read, expected, "no gap, no duplicate, oldest first");
    assert!(pages.iter().any(|p| p.items.is_empty() && p.more), "the page bound was hit: {pages:#?}");
    assert_eq!(read.iter().collect::<HashSet<_>>().len(), read.len());
    assert!(small.received(end.as_deref(), 3).await.unwrap().items.is_empty());

    // Like bob's reply, twice (the second time without its cid): one like on the post.
    inbox.like(&reply.remote_id, r.cid.as_deref()).await.unwrap();
    inbox.like(&reply.remote_id, None).await.expect("liking twice is not an error");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let view = post_view(&http, pds, &bob, &reply.remote_id).await;
        if view["likeCount"] == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the like never shows: {view:#?}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let likes = xrpc_get(
        &http,
        pds,
        "com.atproto.repo.listRecords",
        &alice.jwt,
        vec![("repo", alice.did.clone()), ("collection", "app.bsky.feed.like".into())],
    )
    .await;
    assert_eq!(likes["records"].as_array().unwrap().len(), 1, "{likes:#?}");

    // A foreign cursor is refused.
    assert!(inbox.received(Some("bsky1|2025-01-01T00:00:00Z"), 5).await.is_err());
}
