//! Bluesky search end to end against a real local network (PLC, PDS, AppView from `@atproto/dev-env`):
//! accounts and posts are created on the PDS, then found through `Bluesky::search`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use filrouge_networks::bluesky::Bluesky;
use filrouge_networks::{FoundPost, NetworkError, Page, SocialNetwork};
use filrouge_testkit::bluesky::DevNetwork;
use jiff::Timestamp;
use serde_json::{json, Value};
use url::Url;

/// One account on the PDS, with its session.
struct Account {
    handle: String,
    did: String,
    jwt: String,
}

/// A post as created, for comparing with what search finds.
#[derive(Debug, Clone)]
struct Created {
    uri: String,
    cid: String,
    created_at: Timestamp,
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

async fn create_account(http: &reqwest::Client, pds: &str, name: &str) -> Account {
    let handle = format!("{name}.test");
    let password = format!("{name}-password");
    let body = json!({ "handle": handle, "email": format!("{name}@example.com"), "password": password });
    let answer = xrpc_post(http, pds, "com.atproto.server.createAccount", None, body).await;
    Account {
        handle,
        did: answer["did"].as_str().unwrap().to_owned(),
        jwt: answer["accessJwt"].as_str().unwrap().to_owned(),
    }
}

/// Real time: the PDS and AppView compare record dates with their own clocks.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> Timestamp {
    Timestamp::now()
}

/// A post record's `createdAt`, at millisecond precision as Bluesky clients write it.
fn now_ms() -> Timestamp {
    Timestamp::from_millisecond(wall_clock().as_millisecond()).unwrap()
}

async fn create_post(http: &reqwest::Client, pds: &str, who: &Account, text: &str, extra: Value) -> Created {
    // Successive posts get distinct, increasing times.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let created_at = now_ms();
    let mut record = json!({ "$type": "app.bsky.feed.post", "text": text, "createdAt": format!("{created_at:.3}") });
    if let (Some(record), Value::Object(extra)) = (record.as_object_mut(), extra) {
        record.extend(extra);
    }
    let body = json!({ "repo": who.did, "collection": "app.bsky.feed.post", "record": record });
    let answer = xrpc_post(http, pds, "com.atproto.repo.createRecord", Some(&who.jwt), body).await;
    Created {
        uri: answer["uri"].as_str().unwrap().to_owned(),
        cid: answer["cid"].as_str().unwrap().to_owned(),
        created_at,
    }
}

async fn like(http: &reqwest::Client, pds: &str, who: &Account, post: &Created) {
    let record = json!({
        "$type": "app.bsky.feed.like",
        "subject": { "uri": post.uri, "cid": post.cid },
        "createdAt": format!("{:.3}", now_ms()),
    });
    let body = json!({ "repo": who.did, "collection": "app.bsky.feed.like", "record": record });
    xrpc_post(http, pds, "com.atproto.repo.createRecord", Some(&who.jwt), body).await;
}

/// Searches until `done` accepts the page: the AppView indexes asynchronously.
async fn search_until(
    client: &Bluesky,
    query: &str,
    cursor: Option<&str>,
    limit: u32,
    done: impl Fn(&Page) -> bool,
) -> Page {
    let mut last = None;
    for _ in 0..100 {
        let page = client.search(query, cursor, limit).await.unwrap();
        if done(&page) {
            return page;
        }
        last = Some(page);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("search {query:?} never gave the expected page; last: {last:#?}");
}

fn uris(page: &Page) -> Vec<&str> {
    page.posts.iter().map(|p| p.remote_id.as_str()).collect()
}

fn rkey(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap()
}

fn found<'a>(page: &'a Page, post: &Created) -> &'a FoundPost {
    page.posts.iter().find(|p| p.remote_id == post.uri).unwrap_or_else(|| panic!("{} not in {page:#?}", post.uri))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_a_local_bluesky_network_finds_new_posts_with_their_authors_languages_and_likes() {
    let Some(network) = DevNetwork::start().await else { return };
    eprintln!(
        "local Bluesky network ready in {:?}, {} MiB resident",
        network.started_in,
        network.rss_bytes().unwrap_or(0) / (1024 * 1024)
    );
    let listening = network.listening_addresses();
    assert!(listening.len() >= 3, "PLC, PDS and AppView listen: {listening:?}");
    assert!(listening.iter().all(|a| a.ip().is_loopback()), "only loopback: {listening:?}");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let pds = network.pds.as_str();
    let alice = create_account(&http, pds, "alice").await;
    let bob = create_account(&http, pds, "bob").await;

    let web = Url::parse("https://web.example/").unwrap();
    let client =
        Bluesky::new(http.clone(), Url::parse(pds).unwrap(), Some((alice.handle.clone(), "alice-password".to_owned())))
            .with_web_base(web);

    // Posts in French, with a hashtag, and with hostile text; one that does not match.
    let french =
        create_post(&http, pds, &alice, "Bonjour le filrouge, quel beau temps", json!({ "langs": ["fr"] })).await;
    let tag_text = "Trying #filrouge today";
    let start = tag_text.find('#').unwrap();
    let facets = json!({ "langs": ["en"], "facets": [{
        "index": { "byteStart": start, "byteEnd": start + "#filrouge".len() },
        "features": [{ "$type": "app.bsky.richtext.facet#tag", "tag": "filrouge" }],
    }]});
    let tagged = create_post(&http, pds, &bob, tag_text, facets).await;
    let hostile = create_post(&http, pds, &bob, "filrouge <script>alert(1)</script> & co", json!({})).await;
    create_post(&http, pds, &alice, "nothing to see here", json!({})).await;

    let first = search_until(&client, "filrouge", None, 25, |p| p.posts.len() >= 3).await;
    assert_eq!(uris(&first), [hostile.uri.as_str(), tagged.uri.as_str(), french.uri.as_str()], "newest first");

    let fr = found(&first, &french);
    assert_eq!(fr.network, SocialNetwork::Bluesky);
    assert_eq!(fr.author_handle, "alice.test");
    assert_eq!(fr.author_name, None, "alice has no profile record, so no display name");
    assert_eq!(fr.author_followers, None, "post views do not carry follower counts");
    assert_eq!(fr.text, "Bonjour le filrouge, quel beau temps");
    assert_eq!(fr.html, None);
    assert_eq!(fr.language.as_deref(), Some("fr"));
    assert_eq!(fr.published, french.created_at);
    assert_eq!(fr.url, format!("https://web.example/profile/alice.test/post/{}", rkey(&french.uri)));
    assert_eq!((fr.likes, fr.reposts, fr.replies), (Some(0), Some(0), Some(0)));

    let tg = found(&first, &tagged);
    assert_eq!(tg.author_handle, "bob.test");
    assert_eq!(tg.text, tag_text);
    assert_eq!(tg.language.as_deref(), Some("en"));
    assert_eq!(tg.published, tagged.created_at);

    let hs = found(&first, &hostile);
    assert_eq!(hs.text, "filrouge <script>alert(1)</script> & co", "plain text is kept as written");
    assert_eq!(hs.html, None);
    assert_eq!(hs.language, None);

    // A hashtag query finds the tagged post only.
    let by_tag = search_until(&client, "#filrouge", None, 25, |p| !p.posts.is_empty()).await;
    assert_eq!(uris(&by_tag), [tagged.uri.as_str()]);

    // The cursor returns only what came after it, then nothing, keeping the cursor.
    let cursor = first.cursor.clone().expect("a page with posts has a cursor");
    let later_a = create_post(&http, pds, &alice, "filrouge again, later", json!({ "langs": ["en"] })).await;
    let later_b = create_post(&http, pds, &bob, "filrouge, latest", json!({})).await;
    let second = search_until(&client, "filrouge", Some(&cursor), 25, |p| p.posts.len() >= 2).await;
    assert_eq!(uris(&second), [later_b.uri.as_str(), later_a.uri.as_str()]);
    let cursor2 = second.cursor.clone().unwrap();
    assert_ne!(cursor2, cursor);
    let third = client.search("filrouge", Some(&cursor2), 25).await.unwrap();
    assert!(third.posts.is_empty(), "nothing is newer than the second page: {third:#?}");
    assert_eq!(third.cursor.as_deref(), Some(cursor2.as_str()));

    // With a small limit, a cursor catches up oldest first, so following it misses nothing.
    let one = client.search("filrouge", Some(&cursor), 1).await.unwrap();
    assert_eq!(uris(&one), [later_a.uri.as_str()]);
    let two = client.search("filrouge", one.cursor.as_deref(), 1).await.unwrap();
    assert_eq!(uris(&two), [later_b.uri.as_str()]);
    let none = client.search("filrouge", two.cursor.as_deref(), 1).await.unwrap();
    assert!(none.posts.is_empty());

    // Likes are counted once the AppView has indexed them.
    like(&http, pds, &alice, &tagged).await;
    like(&http, pds, &bob, &tagged).await;
    let liked =
        search_until(&client, "#filrouge", None, 25, |p| p.posts.first().and_then(|p| p.likes) == Some(2)).await;
    assert_eq!(liked.posts[0].remote_id, tagged.uri);

    // The AppView answers searches without an account too.
    let anonymous = Bluesky::new(http.clone(), Url::parse(&network.appview).unwrap(), None);
    let page = anonymous.search("filrouge", None, 2).await.unwrap();
    assert_eq!(uris(&page), [later_b.uri.as_str(), later_a.uri.as_str()]);
    assert_eq!(page.posts[0].url, format!("https://bsky.app/profile/bob.test/post/{}", rkey(&later_b.uri)));

    // A cursor that is not ours is refused rather than silently ignored.
    let refused = client.search("filrouge", Some("3kxyz::not-ours"), 10).await;
    assert!(matches!(refused, Err(NetworkError::Protocol { .. })), "{refused:?}");

    // Bad credentials, and none at all on a PDS, are authentication errors.
    let wrong = Bluesky::new(http.clone(), Url::parse(pds).unwrap(), Some(("alice.test".into(), "wrong".into())));
    let refused = wrong.search("filrouge", None, 10).await;
    assert!(matches!(refused, Err(NetworkError::Auth { .. })), "{refused:?}");
    let unknown = Bluesky::new(http.clone(), Url::parse(pds).unwrap(), Some(("nobody.test".into(), "x".into())));
    let refused = unknown.search("filrouge", None, 10).await;
    assert!(matches!(refused, Err(NetworkError::Auth { .. })), "{refused:?}");
    let nobody = Bluesky::new(http.clone(), Url::parse(pds).unwrap(), None);
    let refused = nobody.search("filrouge", None, 10).await;
    assert!(matches!(refused, Err(NetworkError::Auth { .. })), "{refused:?}");

    // The PDS limits logins per identifier (30 per 5 minutes): past that, a rate-limit error with
    // the wait taken from its ratelimit-reset header.
    let mut limited = None;
    for _ in 0..40 {
        let guesser =
            Bluesky::new(http.clone(), Url::parse(pds).unwrap(), Some(("mallory.test".into(), "guess".into())));
        match guesser.search("filrouge", None, 10).await {
            Err(NetworkError::Auth { .. }) => continue,
            other => {
                limited = Some(other);
                break;
            }
        }
    }
    match limited {
        Some(Err(NetworkError::RateLimited { retry_after_secs: Some(secs), .. })) => assert!(secs <= 300, "{secs}"),
        other => panic!("expected a rate limit after 30 logins, got {other:?}"),
    }

    // An unknown XRPC method on the PDS is a status error carrying the XRPC message.
    let missing = Bluesky::new(http.clone(), Url::parse(&format!("{pds}/nowhere/")).unwrap(), None);
    let refused = missing.search("filrouge", None, 10).await;
    assert!(matches!(refused, Err(NetworkError::Status { status: 404, .. })), "{refused:?}");
}
