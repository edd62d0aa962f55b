//! Publishing on Bluesky end to end against a real local network (PLC, PDS, AppView from `@atproto/dev-env`):
//! `BlueskyPublisher` writes as alice and bob, and what it wrote is read back through the AppView.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::time::Duration;

use filrouge_networks::bluesky::{is_tid, record_key, BlueskyPublisher};
use filrouge_networks::publish::{OutgoingCard, OutgoingMedia, OutgoingPost, PublishError, Publisher, Visibility};
use filrouge_testkit::bluesky::DevNetwork;
use jiff::Timestamp;
use serde_json::{json, Value};
use url::Url;

/// One account on the PDS, with its session for reading and for acting as a person would.
struct Account {
    handle: String,
    password: String,
    did: String,
    jwt: String,
}

async fn xrpc_post(http: &reqwest::Client, pds: &str, nsid: &str, jwt: Option<&str>, body: Value) -> Value {
    let (status, text) = xrpc_post_raw(http, pds, nsid, jwt, body).await;
    assert!(status.is_success(), "{nsid} answered {status}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn xrpc_post_raw(
    http: &reqwest::Client,
    pds: &str,
    nsid: &str,
    jwt: Option<&str>,
    body: Value,
) -> (reqwest::StatusCode, String) {
    let mut request = http.post(format!("{pds}/xrpc/{nsid}")).json(&body);
    if let Some(jwt) = jwt {
        request = request.bearer_auth(jwt);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
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

/// Real time at millisecond precision: the PDS and AppView compare record dates with their own clocks.
#[allow(clippy::disallowed_methods)]
fn now_ms() -> Timestamp {
    Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap()
}

fn post(key: &str, text: &str) -> OutgoingPost {
    OutgoingPost {
        idempotency_key: key.to_owned(),
        text: text.to_owned(),
        media: Vec::new(),
        content_warning: None,
        visibility: Visibility::Public,
        language: None,
        reply_to: None,
        card: None,
        created_at: now_ms(),
    }
}

/// A record that `who` writes as a person would (likes, reposts, follows).
async fn act(http: &reqwest::Client, pds: &str, who: &Account, collection: &str, fields: Value) {
    let mut record = json!({ "$type": collection, "createdAt": format!("{:.3}", now_ms()) });
    if let (Some(record), Value::Object(fields)) = (record.as_object_mut(), fields) {
        record.extend(fields);
    }
    let body = json!({ "repo": who.did, "collection": collection, "record": record });
    xrpc_post(http, pds, "com.atproto.repo.createRecord", Some(&who.jwt), body).await;
}

/// Retries `read` until `done` accepts its answer: the AppView indexes asynchronously.
async fn until<T: std::fmt::Debug, F: Future<Output = T>>(
    what: &str,
    read: impl Fn() -> F,
    done: impl Fn(&T) -> bool,
) -> T {
    let mut last = None;
    for _ in 0..100 {
        let value = read().await;
        if done(&value) {
            return value;
        }
        last = Some(value);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: never as expected; last: {last:#?}");
}

/// The post view of `uri` from the AppView (through the PDS), once indexed.
async fn post_view(http: &reqwest::Client, pds: &str, reader: &Account, uri: &str) -> Value {
    let answer = until(
        &format!("getPosts {uri}"),
        || xrpc_get(http, pds, "app.bsky.feed.getPosts", &reader.jwt, vec![("uris", uri.to_owned())]),
        |v| v["posts"].as_array().is_some_and(|p| !p.is_empty()),
    )
    .await;
    answer["posts"][0].clone()
}

/// A small real PNG: `width`×`height`, a gradient.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 8) as u8, (y * 8) as u8, 128]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

fn rkey(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_on_a_local_bluesky_network_writes_facets_images_cards_replies_exactly_once_and_reads_counts_back() {
    let Some(network) = DevNetwork::start().await else { return };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let pds = network.pds.as_str();
    let service = Url::parse(pds).unwrap();
    let web = Url::parse("https://web.example/").unwrap();
    let alice = create_account(&http, pds, "alice").await;
    let bob = create_account(&http, pds, "bob").await;
    let as_alice =
        BlueskyPublisher::new(http.clone(), service.clone(), &alice.handle, &alice.password).with_web_base(web.clone());
    let as_bob = BlueskyPublisher::new(http.clone(), service.clone(), &bob.handle, &bob.password).with_web_base(web);
    assert!(!as_alice.capabilities().content_warning);
    assert_eq!(as_alice.account().await.unwrap(), (alice.did.clone(), alice.handle.clone()));

    // What the PDS answers when a record key is written twice: the exact error the publisher recovers from.
    let probe = record_key("probe", now_ms()).unwrap();
    let record = json!({ "$type": "app.bsky.feed.post", "text": "probe", "createdAt": format!("{:.3}", now_ms()) });
    let body = json!({ "repo": alice.did, "collection": "app.bsky.feed.post", "rkey": probe, "record": record });
    xrpc_post(&http, pds, "com.atproto.repo.createRecord", Some(&alice.jwt), body.clone()).await;
    let (status, text) = xrpc_post_raw(&http, pds, "com.atproto.repo.createRecord", Some(&alice.jwt), body).await;
    eprintln!("createRecord on a taken record key: {status} {text}");
    // It is no named error: the repository's tree refuses the key ("There is already a value at key") and the
    // PDS answers 500, so the publisher reads the key back after any failed write.
    assert_eq!(status, reqwest::StatusCode::INTERNAL_SERVER_ERROR, "{text}");
    assert_eq!(text, r#"{"error":"InternalServerError","message":"Internal Server Error"}"#);
    let body = json!({ "repo": alice.did, "collection": "app.bsky.feed.post", "rkey": probe });
    xrpc_post(&http, pds, "com.atproto.repo.deleteRecord", Some(&alice.jwt), body).await;

    // Text with accents before the facets (UTF-8 offsets differ from character offsets), a link, a tag, a mention.
    let text = format!("Été à Orléans — café ! https://example.org/expo?x=1 #Musée avec @{}", bob.handle);
    let mut first = post("delivery-facets", &text);
    first.language = Some("fr".to_owned());
    first.content_warning = Some("ignored: Bluesky has no free-text warning".to_owned());
    assert_eq!(as_alice.find(&first).await.unwrap(), None, "nothing before publishing");
    let published = as_alice.publish(&first).await.unwrap();
    let expected_key = record_key("delivery-facets", first.created_at).unwrap();
    assert!(is_tid(&expected_key));
    assert_eq!(published.remote_id, format!("at://{}/app.bsky.feed.post/{expected_key}", alice.did));
    assert_eq!(published.url, format!("https://web.example/profile/alice.test/post/{expected_key}"));
    let view = post_view(&http, pds, &alice, &published.remote_id).await;
    let record = &view["record"];
    assert_eq!(record["text"], text.as_str());
    assert_eq!(record["langs"], json!(["fr"]));
    assert_eq!(record["createdAt"], format!("{:.3}", first.created_at).as_str());
    let facets = record["facets"].as_array().unwrap();
    assert_eq!(facets.len(), 3, "{facets:#?}");
    let span = |needle: &str| {
        let start = text.find(needle).unwrap();
        json!({ "byteStart": start, "byteEnd": start + needle.len() })
    };
    assert_ne!(text.find("https").unwrap(), text[..text.find("https").unwrap()].chars().count(), "bytes ≠ chars");
    assert_eq!(facets[0]["index"], span("https://example.org/expo?x=1"));
    assert_eq!(
        facets[0]["features"][0],
        json!({ "$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/expo?x=1" })
    );
    assert_eq!(facets[1]["index"], span("#Musée"));
    assert_eq!(facets[1]["features"][0], json!({ "$type": "app.bsky.richtext.facet#tag", "tag": "Musée" }));
    assert_eq!(facets[2]["index"], span("@bob.test"));
    assert_eq!(facets[2]["features"][0], json!({ "$type": "app.bsky.richtext.facet#mention", "did": bob.did }));

    // Exactly once: the same delivery again gives the same post, and alice's feed holds it once.
    let again = as_alice.publish(&first).await.unwrap();
    assert_eq!(again, published);
    assert_eq!(as_alice.find(&first).await.unwrap(), Some(published.clone()));
    let mut other_delivery = first.clone();
    other_delivery.idempotency_key = "delivery-other".to_owned();
    assert_eq!(as_alice.find(&other_delivery).await.unwrap(), None, "another key is another record");
    let feed = until(
        "alice's feed",
        || xrpc_get(&http, pds, "app.bsky.feed.getAuthorFeed", &alice.jwt, vec![("actor", alice.did.clone())]),
        |v| v["feed"].as_array().is_some_and(|f| !f.is_empty()),
    )
    .await;
    let copies = feed["feed"].as_array().unwrap().iter().filter(|item| item["post"]["record"]["text"] == text.as_str());
    assert_eq!(copies.count(), 1, "{feed:#?}");

    // An image with its alternative text and aspect ratio.
    let mut pictured = post("delivery-image", "Le vernissage");
    pictured.media.push(OutgoingMedia {
        bytes: png(24, 12),
        mime: "image/png".to_owned(),
        alt: "Deux personnes devant un tableau".to_owned(),
        width: 24,
        height: 12,
    });
    let pictured = as_alice.publish(&pictured).await.unwrap();
    let view = post_view(&http, pds, &alice, &pictured.remote_id).await;
    let image = &view["record"]["embed"]["images"][0];
    assert_eq!(view["record"]["embed"]["$type"], "app.bsky.embed.images");
    assert_eq!(image["alt"], "Deux personnes devant un tableau");
    assert_eq!(image["aspectRatio"], json!({ "width": 24, "height": 12 }));
    assert_eq!(image["image"]["mimeType"], "image/png");
    assert_eq!(view["embed"]["$type"], "app.bsky.embed.images#view");
    assert_eq!(view["embed"]["images"][0]["alt"], "Deux personnes devant un tableau");

    // A link card.
    let mut carded_post = post("delivery-card", "Notre programme https://example.org/programme");
    carded_post.card = Some(OutgoingCard {
        url: "https://example.org/programme".to_owned(),
        title: "Programme".to_owned(),
        description: "Toutes les dates".to_owned(),
    });
    let carded = as_alice.publish(&carded_post).await.unwrap();
    let view = post_view(&http, pds, &alice, &carded.remote_id).await;
    assert_eq!(
        view["record"]["embed"],
        json!({ "$type": "app.bsky.embed.external", "external": {
            "uri": "https://example.org/programme", "title": "Programme", "description": "Toutes les dates" } })
    );
    assert_eq!(view["embed"]["$type"], "app.bsky.embed.external#view");

    // Too many or too large images, and a mention of an unknown handle: refused, nothing written.
    let mut crowded = post("delivery-crowded", "Cinq images");
    crowded.media = vec![pictured_media(); 5];
    assert!(matches!(as_alice.publish(&crowded).await, Err(PublishError::Permanent(_))));
    let mut heavy = post("delivery-heavy", "Une lourde");
    heavy.media = vec![OutgoingMedia { bytes: vec![0; 1_000_001], ..pictured_media() }];
    assert!(matches!(as_alice.publish(&heavy).await, Err(PublishError::Permanent(_))));
    let unknown = post("delivery-unknown", "Bonjour @nobody.test !");
    assert_eq!(
        as_alice.publish(&unknown).await,
        Err(PublishError::Permanent("mention of unknown handle @nobody.test".to_owned()))
    );
    assert_eq!(as_alice.find(&unknown).await.unwrap(), None, "nothing was created");

    // Bob replies to alice's post; alice answers bob: the thread's root stays alice's first post.
    let mut reply = post("delivery-reply", "Merci pour l'invitation");
    reply.reply_to = Some(published.remote_id.clone());
    let reply = as_bob.publish(&reply).await.unwrap();
    assert!(reply.url.starts_with("https://web.example/profile/bob.test/post/"));
    let mut answer = post("delivery-answer", "Avec plaisir");
    answer.reply_to = Some(reply.remote_id.clone());
    let answer = as_alice.publish(&answer).await.unwrap();
    let view = post_view(&http, pds, &alice, &answer.remote_id).await;
    assert_eq!(view["record"]["reply"]["parent"]["uri"], reply.remote_id.as_str());
    assert_eq!(view["record"]["reply"]["root"]["uri"], published.remote_id.as_str());
    let thread = until(
        "the thread",
        || xrpc_get(&http, pds, "app.bsky.feed.getPostThread", &alice.jwt, vec![("uri", published.remote_id.clone())]),
        |v| v["thread"]["replies"][0]["replies"].as_array().is_some_and(|r| !r.is_empty()),
    )
    .await;
    let bob_reply = &thread["thread"]["replies"][0];
    assert_eq!(bob_reply["post"]["uri"], reply.remote_id.as_str());
    assert_eq!(bob_reply["post"]["record"]["reply"]["parent"]["uri"], published.remote_id.as_str());
    assert_eq!(bob_reply["post"]["record"]["reply"]["root"]["uri"], published.remote_id.as_str());
    assert_eq!(bob_reply["post"]["record"]["reply"]["root"]["cid"], thread["thread"]["post"]["cid"]);
    assert_eq!(bob_reply["replies"][0]["post"]["uri"], answer.remote_id.as_str());

    // Bob likes, reposts and follows: counts read back once the AppView has indexed them.
    let subject = json!({ "uri": published.remote_id, "cid": thread["thread"]["post"]["cid"] });
    act(&http, pds, &bob, "app.bsky.feed.like", json!({ "subject": subject })).await;
    act(&http, pds, &bob, "app.bsky.feed.repost", json!({ "subject": subject })).await;
    act(&http, pds, &bob, "app.bsky.graph.follow", json!({ "subject": alice.did })).await;
    let metrics = until(
        "metrics",
        || async { as_alice.metrics(&published.remote_id).await.unwrap() },
        |m| m.likes == 1 && m.reposts == 1,
    )
    .await;
    assert_eq!((metrics.likes, metrics.reposts, metrics.replies, metrics.quotes), (1, 1, 1, Some(0)));
    let followers = until("followers", || async { as_alice.followers().await.unwrap() }, |n| *n == 1).await;
    assert_eq!(followers, 1);
    assert_eq!(as_bob.followers().await.unwrap(), 0);

    // Delete: gone from the PDS and for find; deleting another account's post is refused.
    assert!(matches!(as_bob.delete(&carded.remote_id).await, Err(PublishError::Permanent(_))));
    assert_eq!(as_alice.find(&carded_post).await.unwrap(), Some(carded.clone()));
    as_alice.delete(&carded.remote_id).await.unwrap();
    let (status, text) = get_record_raw(&http, pds, &alice.did, rkey(&carded.remote_id)).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("RecordNotFound"), "{text}");
    assert_eq!(as_alice.find(&carded_post).await.unwrap(), None);

    // A wrong app password asks for a reconnection.
    let wrong = BlueskyPublisher::new(http.clone(), service, &alice.handle, "not-the-password");
    let refused = wrong.publish(&post("delivery-wrong", "Bonjour")).await;
    match refused {
        // createSession: 401 AuthenticationRequired "Invalid identifier or password".
        Err(PublishError::NeedsReconnection(message)) => {
            eprintln!("wrong app password: {message}");
            assert!(message.contains("AuthenticationRequired"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

fn pictured_media() -> OutgoingMedia {
    OutgoingMedia { bytes: png(4, 4), mime: "image/png".to_owned(), alt: String::new(), width: 4, height: 4 }
}

async fn get_record_raw(http: &reqwest::Client, pds: &str, did: &str, rkey: &str) -> (reqwest::StatusCode, String) {
    let response = http
        .get(format!("{pds}/xrpc/com.atproto.repo.getRecord"))
        .query(&[("repo", did), ("collection", "app.bsky.feed.post"), ("rkey", rkey)])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}
