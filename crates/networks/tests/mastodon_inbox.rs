//! The Mastodon inbox end to end against a real Mastodon-API server (mastodon-mock): grace replies to, mentions
//! and writes privately to ada; ada's reader returns each once with its kind and thread, follows the cursor
//! through a burst larger than its limit, and likes. Then hostile answers from a canned server, and a quote in
//! the shape a real Mastodon 4.6 gives it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use filrouge_networks::inbox::{InboxReader, IncomingKind};
use filrouge_networks::mastodon::inbox::MAX_TEXT_BYTES;
use filrouge_networks::mastodon::MastodonInbox;
use filrouge_networks::publish::PublishError;
use filrouge_testkit::mastodon::{Canned, CannedServer, MockServer, ADA_TOKEN, GRACE_TOKEN};
use serde_json::{json, Value};
use url::Url;

struct Peer {
    server: MockServer,
    http: reqwest::Client,
}

impl Peer {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path.trim_start_matches('/'))
    }

    fn inbox(&self, token: &str) -> MastodonInbox {
        MastodonInbox::new(self.http.clone(), self.server.base_url().parse().unwrap(), token.to_owned())
    }

    async fn post(&self, token: &str, form: &[(&str, &str)]) -> Value {
        let resp = self.http.post(self.url("/api/v1/statuses")).bearer_auth(token).form(form).send().await.unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.json().await.unwrap()
    }

    async fn get(&self, token: &str, path: &str) -> Value {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap().json().await.unwrap()
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn ada_reads_replies_mentions_and_private_messages_once_with_their_threads_and_likes_them() {
    let Some(server) = MockServer::start().await else { return };
    let peer = Peer { server, http: reqwest::Client::new() };
    let ada = peer.inbox(ADA_TOKEN);

    // Whatever the demo community already holds: read it all, so only what follows is new.
    let mut cursor = None;
    loop {
        let page = ada.received(cursor.as_deref(), 40).await.unwrap();
        cursor = page.cursor.clone();
        if !page.more {
            break;
        }
    }

    let root = peer.post(ADA_TOKEN, &[("status", "Vernissage ce soir, venez !")]).await;
    let reply =
        peer.post(GRACE_TOKEN, &[("status", "@ada J'y serai avec plaisir"), ("in_reply_to_id", &id(&root))]).await;
    let answer = peer.post(ADA_TOKEN, &[("status", "@grace Super !"), ("in_reply_to_id", &id(&reply))]).await;
    let deep = peer.post(GRACE_TOKEN, &[("status", "@ada À ce soir"), ("in_reply_to_id", &id(&answer))]).await;
    let mention = peer
        .post(GRACE_TOKEN, &[("status", "Allez voir le travail de @ada"), ("spoiler_text", "Art"), ("language", "fr")])
        .await;
    let direct = peer.post(GRACE_TOKEN, &[("status", "@ada Un mot en privé"), ("visibility", "direct")]).await;

    let page = ada.received(cursor.as_deref(), 40).await.unwrap();
    assert!(!page.more);
    let ids: Vec<&str> = page.items.iter().map(|i| i.remote_id.as_str()).collect();
    assert_eq!(ids, [id(&reply), id(&deep), id(&mention), id(&direct)], "oldest first, once each");
    let (r, d, m, dm) = (&page.items[0], &page.items[1], &page.items[2], &page.items[3]);

    assert_eq!(r.kind, IncomingKind::Reply);
    assert_eq!(r.in_reply_to.as_deref(), Some(id(&root).as_str()));
    assert_eq!(r.thread_root, id(&root));
    assert_eq!(r.context_text.as_deref(), Some("Vernissage ce soir, venez !"));
    assert!(r.text.contains("J'y serai avec plaisir") && !r.text.contains('<'), "{}", r.text);
    assert_eq!(r.url, reply["url"].as_str().unwrap());
    assert_eq!(r.cid, None);
    let grace = peer.get(GRACE_TOKEN, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(r.author.remote_id, id(&grace));
    assert_eq!(r.author.handle, format!("grace@127.0.0.1:{}", peer.server.port()));
    assert_eq!(r.author.display_name.as_deref(), grace["display_name"].as_str());
    assert_eq!(r.author.followers, grace["followers_count"].as_u64());
    assert_eq!(r.author.url.as_deref(), grace["url"].as_str());

    assert_eq!(d.kind, IncomingKind::Reply);
    assert_eq!(d.in_reply_to.as_deref(), Some(id(&answer).as_str()));
    assert_eq!(d.thread_root, id(&root), "a deeper answer keeps the thread's root");
    assert_eq!(d.context_text.as_deref(), Some("@grace Super !"));

    assert_eq!(m.kind, IncomingKind::Mention);
    assert_eq!(m.thread_root, id(&mention));
    assert_eq!(m.in_reply_to, None);
    assert!(m.text.starts_with("CW: Art\n\n") && m.text.contains("Allez voir"), "{}", m.text);
    assert_eq!(m.language.as_deref(), Some("fr"));

    assert_eq!(dm.kind, IncomingKind::DirectMessage);
    assert_eq!(dm.thread_root, id(&direct));

    // Nothing new: nothing again, and the cursor stays.
    let again = ada.received(page.cursor.as_deref(), 40).await.unwrap();
    assert!(again.items.is_empty() && !again.more, "{again:?}");
    assert_eq!(again.cursor, page.cursor);

    // Like, twice.
    ada.like(&id(&reply), None).await.unwrap();
    ada.like(&id(&reply), None).await.expect("liking twice is not an error");
    let seen = peer.get(ADA_TOKEN, &format!("/api/v1/statuses/{}", id(&reply))).await;
    assert_eq!(seen["favourited"], true);
    assert_eq!(seen["favourites_count"], 1);
    assert!(matches!(ada.like("999999999999999", None).await, Err(PublishError::Permanent(_))));

    // A burst larger than the limit: every mention, once, over several calls, in order.
    let mut burst = Vec::new();
    for n in 0..13 {
        burst.push(id(&peer.post(GRACE_TOKEN, &[("status", &format!("@ada message {n}"))]).await));
    }
    let mut cursor = again.cursor;
    let mut read = Vec::new();
    let mut calls = 0;
    loop {
        let page = ada.received(cursor.as_deref(), 5).await.unwrap();
        calls += 1;
        assert!(page.items.len() <= 5);
        read.extend(page.items.iter().map(|i| i.remote_id.clone()));
        cursor = page.cursor;
        if !page.more {
            break;
        }
        assert!(calls < 10, "no end");
    }
    assert_eq!(read, burst, "no gap, no duplicate, oldest first");
    assert!(calls >= 3);
    assert!(ada.received(cursor.as_deref(), 5).await.unwrap().items.is_empty());

    // A revoked token asks for a reconnection.
    assert!(matches!(peer.inbox("not-a-token").received(None, 5).await, Err(PublishError::NeedsReconnection(_))));
}

/// A notification as real Mastodon 4.6 sends it (fields trimmed to those a 4.6 answer always has).
fn notification(id: &str, kind: &str, status: Value) -> Value {
    json!({
        "id": id, "type": kind, "created_at": "2026-08-01T13:51:39.668Z", "group_key": format!("ungrouped-{id}"),
        "account": status["account"].clone(), "status": status,
        "unknown_future_field": {"nested": [1, 2, 3]}
    })
}

fn status(id: &str, content: &str) -> Value {
    json!({
        "id": id, "created_at": "2026-08-01T13:51:39.138Z", "in_reply_to_id": null, "in_reply_to_account_id": null,
        "sensitive": false, "spoiler_text": "", "visibility": "public", "language": "en",
        "uri": format!("https://m.example/users/eve/statuses/{id}"), "url": format!("https://m.example/@eve/{id}"),
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "content": content, "reblog": null,
        "account": {"id": "7", "username": "eve", "acct": "eve@m.example", "display_name": "Eve",
                    "url": "https://m.example/@eve", "followers_count": 12},
        "media_attachments": [], "quote": null
    })
}

#[tokio::test]
async fn hostile_notifications_give_bounded_plain_text_and_a_malformed_one_is_skipped() {
    let huge = format!("<p>{}</p>", "é".repeat(50_000)); // 100 KB of text
    let mut minimal = status("104", "<p>minimal</p>");
    for field in ["url", "language", "spoiler_text", "visibility", "in_reply_to_id", "media_attachments", "quote"] {
        minimal.as_object_mut().unwrap().remove(field);
    }
    for field in ["display_name", "url", "followers_count"] {
        minimal["account"].as_object_mut().unwrap().remove(field);
    }
    let mut broken = status("103", "<p>broken</p>");
    broken["account"]["acct"] = Value::Null;
    let mut quoting = status("105", "<p>vu !</p>");
    let mut quoted = status("90", "<p>mon affiche</p>");
    quoted["account"]["acct"] = json!("ada");
    quoting["quote"] = json!({"state": "accepted", "quoted_status": quoted});
    let body = json!([
        notification("105", "quote", quoting),
        notification("104", "mention", minimal),
        notification("103", "mention", broken),
        notification("102", "mention", status("102", &huge)),
        notification(
            "101",
            "mention",
            status(
                "101",
                "<p>hi<script>alert(1)</script> \u{200b}\u{202e}evil\u{202c} <a href=\"javascript:x\">link</a></p>",
            )
        ),
        notification("100", "mention", status("100", "old")),
    ])
    .to_string();
    assert!(body.len() > 100_000);
    let server = CannedServer::start(move |req| {
        if req.path() == "/api/v1/notifications" {
            Canned::json(200, &body)
        } else {
            Canned::json(404, r#"{"error":"Record not found"}"#)
        }
    });
    let inbox = MastodonInbox::new(reqwest::Client::new(), Url::parse(&server.base_url()).unwrap(), "t".into());
    let page = inbox.received(Some("100"), 6).await.unwrap();
    let target = &server.requests()[0].target;
    assert!(target.contains("types%5B%5D=mention&types%5B%5D=quote") && target.contains("min_id=100"), "{target}");
    assert_eq!(page.cursor.as_deref(), Some("105"), "the cursor moves past the malformed one");
    assert!(page.more, "a full page");
    let ids: Vec<&str> = page.items.iter().map(|i| i.remote_id.as_str()).collect();
    assert_eq!(ids, ["101", "102", "104", "105"], "the one at the cursor is dropped, the malformed one skipped");

    let hostile = &page.items[0];
    assert!(!hostile.text.contains("<script") && !hostile.text.contains("alert(1)<"), "{}", hostile.text);
    assert!(hostile.text.contains('\u{202e}') && hostile.text.contains('\u{200b}'), "kept for whoever shows it");
    assert_eq!(hostile.author.handle, "eve@m.example");
    assert_eq!(hostile.author.followers, Some(12));

    let long = &page.items[1];
    assert!(long.text.len() <= MAX_TEXT_BYTES && long.text.len() > MAX_TEXT_BYTES - 4, "{}", long.text.len());

    let bare = &page.items[2];
    assert_eq!(bare.kind, IncomingKind::Mention);
    assert_eq!(bare.url, "https://m.example/users/eve/statuses/104", "the uri when there is no url");
    assert_eq!(
        (bare.language.as_deref(), bare.author.display_name.as_deref(), bare.author.followers),
        (None, None, None)
    );
    assert_eq!(bare.author.url, None);

    let quote = &page.items[3];
    assert_eq!(quote.kind, IncomingKind::Quote);
    assert_eq!(quote.quoted.as_deref(), Some("90"));
    assert_eq!(quote.context_text.as_deref(), Some("mon affiche"));
    assert_eq!(quote.thread_root, "105");

    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn refusals_are_classified_for_the_engine() {
    let server = CannedServer::start(|req| match req.header("authorization") {
        Some("Bearer expired") => Canned::json(401, r#"{"error":"The access token is invalid"}"#),
        Some("Bearer busy") => Canned::json(429, r#"{"error":"Too many requests"}"#).with_header("retry-after", "30"),
        Some("Bearer down") => Canned::json(503, "<html>down</html>"),
        _ => Canned::json(200, r#"{"not": "a list"}"#),
    });
    let inbox =
        |token: &str| MastodonInbox::new(reqwest::Client::new(), server.base_url().parse().unwrap(), token.into());
    assert!(matches!(inbox("expired").received(None, 5).await, Err(PublishError::NeedsReconnection(_))));
    assert_eq!(
        inbox("busy").received(None, 5).await,
        Err(PublishError::RateLimited { retry_after: Some(std::time::Duration::from_secs(30)) })
    );
    assert!(matches!(inbox("down").received(None, 5).await, Err(PublishError::Transient(_))));
    match inbox("odd").received(None, 5).await {
        Err(PublishError::Transient(message)) => assert!(message.contains("notifications"), "{message}"),
        other => panic!("{other:?}"),
    }
    drop(server);
    let closed = MastodonInbox::new(reqwest::Client::new(), "http://127.0.0.1:9/".parse().unwrap(), "t".into());
    assert!(matches!(closed.received(None, 5).await, Err(PublishError::Transient(_))));
}
