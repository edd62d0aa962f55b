//! The inbox's wire types against answers recorded from a real Mastodon 4.6 server (Mastodon.py's cassettes, MIT,
//! in tests/data/mastodon-recorded): notifications (mention filters), a status context, conversations (a direct
//! status) and a quote are parsed and compared with the raw JSON; then a recorded notifications answer and a
//! recorded quote are replayed to the inbox through a canned server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use filrouge_networks::inbox::{InboxReader, IncomingKind};
use filrouge_networks::mastodon::api::{self, Context, Notification, Status};
use filrouge_networks::mastodon::MastodonInbox;
use filrouge_testkit::mastodon::{Canned, CannedServer};
use serde_json::{json, Value};

#[derive(serde::Deserialize)]
struct Cassette {
    interactions: Vec<Interaction>,
}

#[derive(serde::Deserialize)]
struct Interaction {
    request: Request,
    response: Response,
}

#[derive(serde::Deserialize)]
struct Request {
    method: String,
    uri: String,
}

#[derive(serde::Deserialize)]
struct Response {
    body: ResponseBody,
}

#[derive(serde::Deserialize)]
struct ResponseBody {
    string: Option<String>,
}

/// `(method, path, body)` of every answer with a body in one cassette.
fn answers(name: &str) -> Vec<(String, String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/mastodon-recorded").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let cassette: Cassette = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    cassette
        .interactions
        .into_iter()
        .filter_map(|i| {
            let path = url::Url::parse(&i.request.uri).unwrap().path().trim_end_matches('/').to_owned();
            Some((i.request.method, path, i.response.body.string?))
        })
        .collect()
}

fn check_status(context: &str, parsed: &Status, raw: &Value) {
    assert_eq!(parsed.id, raw["id"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.uri, raw["uri"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.url.as_deref(), raw["url"].as_str(), "{context}");
    assert_eq!(parsed.content, raw["content"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.spoiler_text, raw["spoiler_text"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.language.as_deref(), raw["language"].as_str(), "{context}");
    assert_eq!(parsed.in_reply_to_id.as_deref(), raw["in_reply_to_id"].as_str(), "{context}");
    assert_eq!(parsed.visibility.as_deref(), raw["visibility"].as_str(), "{context}");
    assert_eq!(parsed.created_at.to_string().get(..19), raw["created_at"].as_str().unwrap().get(..19), "{context}");
    let account = &raw["account"];
    assert_eq!(parsed.account.id, account["id"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.account.acct, account["acct"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.account.display_name, account["display_name"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.account.followers_count, account["followers_count"].as_i64(), "{context}");
    assert_eq!(parsed.account.url.as_deref(), account["url"].as_str(), "{context}");
    assert!(account["url"].is_string(), "{context}: every field we read is in the real answer");
    assert!(raw.get("quote").is_some(), "{context}: Mastodon 4.6 always sends `quote`");
    match (&parsed.quote, &raw["quote"]) {
        (None, Value::Null) => {}
        (Some(quote), raw_quote) => {
            assert_eq!(quote.state.as_deref(), raw_quote["state"].as_str(), "{context}");
            let quoted = quote.quoted_status.as_deref().expect("an accepted quote shows the quoted status");
            check_status(&format!("{context} quoted"), quoted, &raw_quote["quoted_status"]);
        }
        (None, other) => panic!("{context}: quote {other} not read"),
    }
}

#[test]
fn recorded_notifications_contexts_conversations_and_quotes_parse_with_our_types() {
    let mut notifications = 0;
    for name in ["test_notifications.yaml", "test_notifications_types.yaml", "test_notifications_mentions_only.yaml"] {
        for (method, path, body) in answers(name) {
            if method != "GET" || path != "/api/v1/notifications" {
                continue;
            }
            let parsed: Vec<Notification> = api::parse(body.as_bytes(), "notifications").unwrap();
            let raw: Value = serde_json::from_str(&body).unwrap();
            let raw = raw.as_array().unwrap();
            assert_eq!(parsed.len(), raw.len());
            for (p, r) in parsed.iter().zip(raw) {
                let context = format!("{name} {path}");
                assert_eq!(p.id, r["id"].as_str().unwrap(), "{context}");
                assert_eq!(p.kind, r["type"].as_str().unwrap(), "{context}");
                assert_eq!(p.account.id, r["account"]["id"].as_str().unwrap(), "{context}");
                check_status(&context, p.status.as_ref().unwrap(), &r["status"]);
                notifications += 1;
            }
        }
    }
    assert!(notifications >= 3, "{notifications}");

    let (_, _, body) = answers("test_status_context.yaml")
        .into_iter()
        .find(|(m, p, _)| m == "GET" && p.ends_with("/context"))
        .unwrap();
    let context: Context = api::parse(body.as_bytes(), "status context").unwrap();
    assert!(context.ancestors.is_empty() && context.descendants.is_empty());

    // A direct status, as conversations show it: visibility `direct`.
    let (_, _, body) = answers("test_conversations.yaml")
        .into_iter()
        .find(|(m, p, _)| m == "GET" && p == "/api/v1/conversations")
        .unwrap();
    let raw: Value = serde_json::from_str(&body).unwrap();
    let last = &raw[0]["last_status"];
    let parsed: Status = api::parse(last.to_string().as_bytes(), "status").unwrap();
    check_status("conversation", &parsed, last);
    assert_eq!(parsed.visibility.as_deref(), Some("direct"));

    // A quote: `quote.state` and `quote.quoted_status`.
    let quotes: Vec<(Status, Value)> = answers("test_status_post_with_quote.yaml")
        .into_iter()
        .filter(|(m, p, _)| m == "POST" && p == "/api/v1/statuses")
        .map(|(_, _, body)| (api::parse(body.as_bytes(), "status").unwrap(), serde_json::from_str(&body).unwrap()))
        .collect();
    for (parsed, raw) in &quotes {
        check_status("quote cassette", parsed, raw);
    }
    assert!(quotes.iter().any(|(s, _)| s.quote.is_some()), "the recording holds a quote");
}

#[tokio::test]
async fn recorded_answers_replayed_to_the_inbox_become_items() {
    let (_, _, mentions) = answers("test_notifications_mentions_only.yaml")
        .into_iter()
        .find(|(m, p, _)| m == "GET" && p == "/api/v1/notifications")
        .unwrap();
    // The quote of the recording, notified as Mastodon 4.5+ does (`type: quote`), after the mention.
    let (_, _, quote) = answers("test_status_post_with_quote.yaml")
        .into_iter()
        .find(|(m, p, body)| m == "POST" && p == "/api/v1/statuses" && body.contains("\"quote\":{"))
        .unwrap();
    let quote: Value = serde_json::from_str(&quote).unwrap();
    let mut list: Value = serde_json::from_str(&mentions).unwrap();
    let mention_id = list[0]["id"].as_str().unwrap().to_owned();
    let quote_notification = json!({
        "id": "999", "type": "quote", "created_at": quote["created_at"], "group_key": "ungrouped-999",
        "account": quote["account"], "status": quote,
    });
    list.as_array_mut().unwrap().insert(0, quote_notification);
    let body = list.to_string();
    let server = CannedServer::start(move |_| Canned::json(200, &body));
    let inbox = MastodonInbox::new(reqwest::Client::new(), server.base_url().parse().unwrap(), "t".into());
    let page = inbox.received(None, 40).await.unwrap();
    assert_eq!(page.cursor.as_deref(), Some("999"));
    assert!(!page.more);
    assert_eq!(page.items.len(), 2);
    let mention = &page.items[0];
    let raw: Value = serde_json::from_str(&mentions).unwrap();
    assert_eq!(mention.kind, IncomingKind::Mention);
    assert_eq!(mention.remote_id, raw[0]["status"]["id"].as_str().unwrap());
    assert_eq!(mention.text, "@mastodonpy_test hello!");
    assert_eq!(mention.url, raw[0]["status"]["url"].as_str().unwrap());
    assert_eq!(mention.author.remote_id, raw[0]["account"]["id"].as_str().unwrap());
    assert!(mention.author.handle.starts_with("admin@127.0.0.1:"), "{}", mention.author.handle);
    assert_eq!(mention.author.display_name, None, "an empty display name is none");
    assert_eq!(mention.author.followers, Some(1));
    assert_eq!(mention.author.url.as_deref(), Some("http://localhost:3000/@admin"));
    assert_eq!(mention.language.as_deref(), Some("en"));
    assert_eq!(mention.thread_root, mention.remote_id);
    assert_ne!(mention_id, "999");
    let quoting = &page.items[1];
    assert_eq!(quoting.kind, IncomingKind::Quote);
    assert_eq!(quoting.text, "yoooooooo");
    assert_eq!(quoting.quoted.as_deref(), quote["quote"]["quoted_status"]["id"].as_str());
    assert_eq!(quoting.context_text.as_deref(), Some("Toot!"));
}
