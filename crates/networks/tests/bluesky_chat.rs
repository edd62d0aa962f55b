//! Bluesky private messages (`chat.bsky.*`) in the inbox and as replies, against canned servers playing a PDS that
//! proxies chat calls. The local dev-env network (`@atproto/dev-env`) has no chat service, so scripted answers
//! shaped after the `chat.bsky.convo` lexicons are the only way to exercise this here; the notifications side is
//! tested end to end in `bluesky_inbox.rs`.
//!
//! `CannedServer` does not keep request bodies, so the tests that check what is sent (`sendMessage`,
//! `deleteMessageForSelf`) use a small body-keeping server of their own, which can also drop a request without
//! answering (a lost answer).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use filrouge_networks::bluesky::{BlueskyInbox, BlueskyPublisher};
use filrouge_networks::inbox::{InboxReader, IncomingKind};
use filrouge_networks::publish::{OutgoingMedia, OutgoingPost, PublishError, Publisher, RemotePost, Visibility};
use filrouge_testkit::mastodon::{Canned, CannedRequest, CannedServer};
use jiff::Timestamp;
use serde_json::{json, Value};
use url::Url;

const ALICE: &str = "did:plc:alice";
const BOB: &str = "did:plc:bob";
const PROXY: &str = "did:web:api.bsky.chat#bsky_chat";

fn session() -> Canned {
    let body = json!({ "accessJwt": "access-1", "refreshJwt": "refresh-1", "did": ALICE, "handle": "alice.test" });
    Canned::json(200, &body.to_string())
}

fn message(id: &str, rev: &str, sender: &str, text: &str, sent_at: &str) -> Value {
    json!({
        "$type": "chat.bsky.convo.defs#messageView",
        "id": id, "rev": rev, "text": text, "sender": { "did": sender }, "sentAt": sent_at,
    })
}

fn created(rev: &str, convo: &str, message: Value) -> Value {
    json!({ "$type": "chat.bsky.convo.defs#logCreateMessage", "rev": rev, "convoId": convo, "message": message })
}

/// The whole chat log after `3rev0`, oldest first.
fn log_entries() -> Vec<Value> {
    vec![
        json!({ "$type": "chat.bsky.convo.defs#logBeginConvo", "rev": "3rev1", "convoId": "convo1" }),
        created("3rev2", "convo1", message("m2", "3rev2", BOB, "hello <b>there</b>", "2026-01-01T10:00:00Z")),
        created("3rev3", "convo1", message("m3", "3rev3", ALICE, "hi Bob, how can I help?", "2026-01-01T10:01:00Z")),
        created(
            "3rev4",
            "convo1",
            json!({
                "$type": "chat.bsky.convo.defs#deletedMessageView",
                "id": "m4", "rev": "3rev4", "sender": { "did": BOB }, "sentAt": "2026-01-01T10:02:00Z",
            }),
        ),
        created("3rev5", "convo1", message("m5", "3rev5", BOB, "second question", "2026-01-01T10:03:00Z")),
        created("3rev6", "convo1", message("m6", "3rev6", BOB, "oops", "2026-01-01T10:04:00Z")),
        json!({
            "$type": "chat.bsky.convo.defs#logDeleteMessage", "rev": "3rev7", "convoId": "convo1",
            "message": message("m6", "3rev7", BOB, "oops", "2026-01-01T10:04:00Z"),
        }),
    ]
}

/// `getLog`: without a cursor, only the latest rev (as the chat service does); with one, the next (at most) three
/// entries after it.
fn get_log(cursor: Option<&str>) -> Value {
    let Some(cursor) = cursor else { return json!({ "cursor": "3rev0", "logs": [] }) };
    let page: Vec<Value> = log_entries().into_iter().filter(|l| l["rev"].as_str().unwrap() > cursor).take(3).collect();
    let next = page.last().map_or(cursor.to_owned(), |l| l["rev"].as_str().unwrap().to_owned());
    json!({ "cursor": next, "logs": page })
}

fn query(req: &CannedRequest, name: &str) -> Option<String> {
    let url = Url::parse(&format!("http://x{}", req.target)).unwrap();
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn profiles() -> Canned {
    let body = json!({ "profiles": [
        { "did": BOB, "handle": "bob.test", "displayName": "Bob", "followersCount": 7 },
    ] });
    Canned::json(200, &body.to_string())
}

/// A PDS; `chat_failure` is what every chat call gets instead of an answer.
fn pds(notifications: Value, chat_failure: Option<(u16, &'static str)>) -> CannedServer {
    CannedServer::start(move |req| match req.path() {
        "/xrpc/com.atproto.server.createSession" => session(),
        "/xrpc/app.bsky.notification.listNotifications" => Canned::json(200, &notifications.to_string()),
        "/xrpc/app.bsky.actor.getProfiles" => profiles(),
        path if path.starts_with("/xrpc/chat.") && chat_failure.is_some() => {
            let (status, body) = chat_failure.unwrap();
            Canned::json(status, body)
        }
        "/xrpc/chat.bsky.convo.getLog" => Canned::json(200, &get_log(query(req, "cursor").as_deref()).to_string()),
        _ => Canned::json(404, r#"{"error":"MethodNotImplemented"}"#),
    })
}

fn inbox(server_url: &str) -> BlueskyInbox {
    let now = Arc::new(|| Timestamp::from_second(1_767_225_600).unwrap());
    BlueskyInbox::new(reqwest::Client::new(), Url::parse(server_url).unwrap(), "alice.test", "app-pass", now)
}

#[tokio::test]
async fn private_messages_arrive_once_oldest_first_from_a_cursor_starting_now() {
    let server = pds(json!({ "notifications": [] }), None);
    let inbox = inbox(&server.base_url());

    let first = inbox.received(None, 10).await.unwrap();
    assert!(first.items.is_empty() && !first.more, "no history imported: {first:?}");
    let cursor = first.cursor.expect("a cursor holding the latest rev");
    assert!(cursor.contains("3rev0"), "{cursor}");

    let page = inbox.received(Some(&cursor), 10).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|i| i.remote_id.as_str()).collect();
    assert_eq!(ids, ["chat:convo1:m2", "chat:convo1:m5"], "not our own, not the deleted ones, oldest first");
    assert!(!page.more);
    let hello = &page.items[0];
    assert_eq!(hello.kind, IncomingKind::DirectMessage);
    assert_eq!(hello.thread_root, "chat:convo1");
    assert_eq!((hello.url.as_str(), hello.cid.as_deref(), hello.in_reply_to.as_deref()), ("", None, None));
    assert_eq!(hello.text, "hello <b>there</b>", "kept as sent: whoever shows it escapes it");
    assert_eq!(hello.published, "2026-01-01T10:00:00Z".parse::<Timestamp>().unwrap());
    assert_eq!(hello.author.remote_id, BOB);
    assert_eq!(hello.author.handle, "bob.test");
    assert_eq!(hello.author.display_name.as_deref(), Some("Bob"));
    assert_eq!(hello.author.followers, Some(7));
    assert_eq!(hello.author.url.as_deref(), Some("https://bsky.app/profile/bob.test"));
    assert_eq!(page.items[1].thread_root, "chat:convo1");

    let cursor = page.cursor.expect("a cursor");
    assert!(cursor.contains("3rev7"), "{cursor}");
    let again = inbox.received(Some(&cursor), 10).await.unwrap();
    assert!(again.items.is_empty() && !again.more, "{again:?}");

    let requests = server.requests();
    let chat: Vec<&CannedRequest> = requests.iter().filter(|r| r.path().starts_with("/xrpc/chat.")).collect();
    assert!(chat.len() >= 4, "{chat:?}");
    for r in &chat {
        assert_eq!(r.header("atproto-proxy"), Some(PROXY), "{}", r.target);
        assert_eq!(r.header("authorization"), Some("Bearer access-1"), "{}", r.target);
    }
    let others = requests.iter().filter(|r| !r.path().starts_with("/xrpc/chat."));
    assert!(others.clone().all(|r| r.header("atproto-proxy").is_none()), "only chat calls are proxied to chat");
}

#[tokio::test]
async fn a_burst_larger_than_the_limit_continues_and_old_cursors_start_chat_now() {
    let server = pds(json!({ "notifications": [] }), None);
    let inbox = inbox(&server.base_url());
    // A cursor written before private messages were read: chat starts from the latest rev.
    let old =
        r#"{"v":1,"floor":"2026-01-01T09:00:00Z","seen":[[1767258000000,"at://did:plc:bob/app.bsky.feed.post/3k"]]}"#;
    let upgraded = inbox.received(Some(old), 10).await.unwrap();
    assert!(upgraded.items.is_empty());
    let cursor = upgraded.cursor.unwrap();
    assert!(cursor.contains("3rev0") && cursor.contains("at://did:plc:bob/app.bsky.feed.post/3k"), "{cursor}");

    let one = inbox.received(Some(&cursor), 1).await.unwrap();
    assert_eq!(one.items.iter().map(|i| i.remote_id.as_str()).collect::<Vec<_>>(), ["chat:convo1:m2"]);
    assert!(one.more);
    let two = inbox.received(one.cursor.as_deref(), 1).await.unwrap();
    assert_eq!(two.items.iter().map(|i| i.remote_id.as_str()).collect::<Vec<_>>(), ["chat:convo1:m5"]);
    let three = inbox.received(two.cursor.as_deref(), 1).await.unwrap();
    assert!(three.items.is_empty() && !three.more);
}

fn one_mention() -> Value {
    json!({ "notifications": [{
        "uri": "at://did:plc:bob/app.bsky.feed.post/3kabc",
        "cid": "bafyreia",
        "author": { "did": BOB, "handle": "bob.test" },
        "reason": "mention",
        "record": { "$type": "app.bsky.feed.post", "text": "@alice.test hi", "createdAt": "2026-01-01T10:00:00Z" },
        "indexedAt": "2026-01-01T10:00:01Z",
    }] })
}

const BAD_SCOPE: &str = r#"{"error":"AuthenticationRequired","message":"Bad token scope"}"#;

#[tokio::test]
async fn a_password_without_chat_access_still_reads_notifications() {
    let server = pds(one_mention(), Some((401, BAD_SCOPE)));
    let inbox = inbox(&server.base_url());
    let page = inbox.received(None, 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].kind, IncomingKind::Mention);
    assert_eq!(page.items[0].author.followers, Some(7));
    let cursor = page.cursor.unwrap();
    assert!(!cursor.contains("chat"), "{cursor}");
    let again = inbox.received(Some(&cursor), 10).await.unwrap();
    assert!(again.items.is_empty(), "{again:?}");
    let sessions = server.requests().iter().filter(|r| r.path().contains("createSession")).count();
    assert_eq!(sessions, 1, "a token without the chat scope is not renewed");
    let refreshes = server.requests().iter().filter(|r| r.path().contains("refreshSession")).count();
    assert_eq!(refreshes, 0);
}

#[tokio::test]
async fn a_failing_chat_service_leaves_notifications_working_and_loses_no_message() {
    let down = pds(one_mention(), Some((500, r#"{"error":"InternalServerError"}"#)));
    let page = inbox(&down.base_url()).received(Some(r#"{"v":1,"chat":"3rev0"}"#), 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    let cursor = page.cursor.unwrap();
    assert!(cursor.contains(r#""chat":"3rev0""#), "chat stays where it was: {cursor}");
    let up = pds(json!({ "notifications": [] }), None);
    let page = inbox(&up.base_url()).received(Some(&cursor), 10).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|i| i.remote_id.as_str()).collect();
    assert_eq!(ids, ["chat:convo1:m2", "chat:convo1:m5"]);
}

#[tokio::test]
async fn a_private_message_cannot_be_liked() {
    let server = pds(json!({ "notifications": [] }), None);
    let inbox = inbox(&server.base_url());
    assert_eq!(
        inbox.like("chat:convo1:m2", None).await,
        Err(PublishError::Permanent("a private message cannot be liked".into()))
    );
    assert!(server.requests().is_empty());
}

/// A request the body-keeping server received.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

type Answer = Option<(u16, String)>;

/// A one-request-per-connection HTTP server keeping bodies; `None` from the handler closes without answering.
struct BodyServer {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl BodyServer {
    fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> BodyServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (handler, seen2) = (Arc::new(handler), seen.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (handler, seen) = (handler.clone(), seen2.clone());
                std::thread::spawn(move || serve(conn, &*handler, &seen));
            }
        });
        BodyServer { port, seen }
    }

    fn url(&self) -> Url {
        Url::parse(&format!("http://127.0.0.1:{}/", self.port)).unwrap()
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.target.split('?').next() == Some(path)).cloned().collect()
    }
}

fn serve(mut conn: TcpStream, handler: &(dyn Fn(&Seen) -> Answer + Send + Sync), seen: &Mutex<Vec<Seen>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if conn.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let target = lines.next().unwrap_or_default().split(' ').nth(1).unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0u8; length];
    if conn.read_exact(&mut body).is_err() {
        return;
    }
    let request = Seen { target, headers, body: serde_json::from_slice(&body).unwrap_or(Value::Null) };
    seen.lock().unwrap().push(request.clone());
    if let Some((status, body)) = handler(&request) {
        let out = format!(
            "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = conn.write_all(out.as_bytes());
    }
}

fn reply(text: &str) -> OutgoingPost {
    OutgoingPost {
        idempotency_key: "delivery-1".into(),
        text: text.into(),
        media: Vec::new(),
        content_warning: None,
        visibility: Visibility::Public,
        language: Some("fr".into()),
        reply_to: Some("chat:convo1:m2".into()),
        card: None,
        created_at: "2026-01-01T12:00:00Z".parse().unwrap(),
    }
}

/// A PDS whose `sendMessage` answers by the text sent: `lost` gets no answer, `busy` 429, `down` 503, `expired` 401.
fn chat_pds() -> BodyServer {
    BodyServer::start(|req| {
        let path = req.target.split('?').next().unwrap_or_default();
        let text = req.body["message"]["text"].as_str().unwrap_or_default();
        match path {
            "/xrpc/com.atproto.server.createSession" => Some((
                200,
                json!({
                    "accessJwt": "access-1", "refreshJwt": "refresh-1", "did": ALICE, "handle": "alice.test",
                })
                .to_string(),
            )),
            "/xrpc/com.atproto.server.refreshSession" => Some((400, r#"{"error":"ExpiredToken"}"#.into())),
            "/xrpc/chat.bsky.convo.sendMessage" => match text {
                "lost" => None,
                "busy" => Some((429, r#"{"error":"RateLimitExceeded"}"#.into())),
                "down" => Some((503, r#"{"error":"InternalServerError"}"#.into())),
                "expired" => Some((401, r#"{"error":"ExpiredToken","message":"token has expired"}"#.into())),
                _ => Some((200, message("m10", "3rev10", ALICE, text, "2026-01-01T12:00:01Z").to_string())),
            },
            "/xrpc/chat.bsky.convo.getMessages" => Some((
                200,
                json!({ "messages": [
                message("m12", "3rev12", BOB, "lost", "2026-01-01T12:00:03Z"),
                message("m11", "3rev11", ALICE, "lost", "2026-01-01T12:00:02Z"),
                message("m9", "3rev9", ALICE, "lost", "2026-01-01T11:50:00Z"),
                message("m8", "3rev8", ALICE, "old", "2026-01-01T11:54:59Z"),
            ] })
                .to_string(),
            )),
            "/xrpc/chat.bsky.convo.deleteMessageForSelf" => Some((
                200,
                json!({
                    "$type": "chat.bsky.convo.defs#deletedMessageView",
                    "id": "m10", "rev": "3rev13", "sender": { "did": ALICE }, "sentAt": "2026-01-01T12:00:01Z",
                })
                .to_string(),
            )),
            _ => Some((404, r#"{"error":"MethodNotImplemented"}"#.into())),
        }
    })
}

fn publisher(url: Url) -> BlueskyPublisher {
    BlueskyPublisher::new(reqwest::Client::new(), url, "alice.test", "app-pass")
}

#[tokio::test]
async fn a_reply_to_a_private_message_is_sent_in_its_conversation() {
    let server = chat_pds();
    let publisher = publisher(server.url());
    let sent = publisher.publish(&reply("Merci, on regarde ça")).await.unwrap();
    assert_eq!(sent, RemotePost { remote_id: "chat:convo1:m10".into(), url: String::new() });
    let sends = server.seen("/xrpc/chat.bsky.convo.sendMessage");
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].body, json!({ "convoId": "convo1", "message": { "text": "Merci, on regarde ça" } }));
    assert_eq!(sends[0].header("atproto-proxy"), Some(PROXY));
    assert_eq!(sends[0].header("authorization"), Some("Bearer access-1"));
    assert!(server.seen("/xrpc/com.atproto.repo.createRecord").is_empty(), "no post is written");

    publisher.delete("chat:convo1:m10").await.unwrap();
    let deletes = server.seen("/xrpc/chat.bsky.convo.deleteMessageForSelf");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].body, json!({ "convoId": "convo1", "messageId": "m10" }));
    assert_eq!(deletes[0].header("atproto-proxy"), Some(PROXY));

    let mut with_image = reply("look");
    with_image.media =
        vec![OutgoingMedia { bytes: vec![1], mime: "image/png".into(), alt: String::new(), width: 1, height: 1 }];
    assert!(matches!(publisher.publish(&with_image).await, Err(PublishError::Permanent(_))));
    let mut odd = reply("x");
    odd.reply_to = Some("chat:convo1".into());
    assert!(matches!(publisher.publish(&odd).await, Err(PublishError::Permanent(_))));
}

#[tokio::test]
async fn a_lost_answer_is_unknown_and_found_again_by_reading_the_conversation() {
    let server = chat_pds();
    let publisher = publisher(server.url());
    let post = reply("lost");
    assert!(matches!(publisher.publish(&post).await, Err(PublishError::Unknown(_))));
    let found = publisher.find(&post).await.unwrap();
    assert_eq!(found, Some(RemotePost { remote_id: "chat:convo1:m11".into(), url: String::new() }));
    let reads = server.seen("/xrpc/chat.bsky.convo.getMessages");
    assert!(reads[0].target.contains("convoId=convo1"), "{}", reads[0].target);
    assert_eq!(reads[0].header("atproto-proxy"), Some(PROXY));
    // Same text, but sent long before this post was created: another message.
    assert_eq!(publisher.find(&reply("old")).await.unwrap(), None);
    assert_eq!(publisher.find(&reply("never sent")).await.unwrap(), None);
}

#[tokio::test]
async fn chat_refusals_are_classified_for_the_engine() {
    let server = chat_pds();
    let publisher = publisher(server.url());
    assert!(matches!(publisher.publish(&reply("busy")).await, Err(PublishError::RateLimited { .. })));
    assert!(matches!(publisher.publish(&reply("down")).await, Err(PublishError::Transient(_))));
    assert!(matches!(publisher.publish(&reply("expired")).await, Err(PublishError::NeedsReconnection(_))));
}
