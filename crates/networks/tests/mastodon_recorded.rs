//! Our Mastodon wire types against answers recorded from a real Mastodon 4.6 server (Mastodon.py's test
//! cassettes, MIT, in tests/data/mastodon-api): every status, search, timeline, instance and streamed
//! status body the client reads is deserialised and its fields compared with the raw JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use filrouge_networks::mastodon::api::{self, Instance, SearchResults, Status};
use filrouge_networks::mastodon::Mastodon;
use filrouge_testkit::mastodon::{Canned, CannedBody, CannedServer};
use futures_util::StreamExt;
use serde_json::Value;

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
    status: ResponseStatus,
    body: ResponseBody,
    #[serde(default)]
    headers: BTreeMap<String, Vec<String>>,
}

#[derive(serde::Deserialize)]
struct ResponseStatus {
    code: u16,
}

#[derive(serde::Deserialize)]
struct ResponseBody {
    string: Option<String>,
}

/// What kind of body a recorded request got, as our client reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    TagTimeline,
    OtherTimeline,
    Status,
    Search,
    Instance,
    Stream,
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/mastodon-api")
}

/// Every successful recorded answer our client reads, with its cassette name.
fn recorded() -> Vec<(String, Kind, Interaction)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(data_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut cassettes = 0;
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        cassettes += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let cassette: Cassette =
            serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for i in cassette.interactions {
            if !(200..300).contains(&i.response.status.code) || i.response.body.string.is_none() {
                continue;
            }
            let path = url::Url::parse(&i.request.uri).unwrap().path().trim_end_matches('/').to_owned();
            let segments: Vec<&str> = path.split('/').skip(1).collect();
            let kind = match segments.as_slice() {
                ["api", "v1", "timelines", "tag", _] => Kind::TagTimeline,
                ["api", "v1", "timelines", ..] => Kind::OtherTimeline,
                ["api", "v1", "statuses"] if i.request.method == "POST" => Kind::Status,
                // DELETE answers carry the source `text` instead of `content` (for delete-and-redraft): not read.
                ["api", "v1", "statuses", id]
                    if i.request.method != "DELETE" && id.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    Kind::Status
                }
                ["api", "v1", "statuses", _, "reblog" | "unreblog"] => Kind::Status,
                ["api", "v2", "search"] => Kind::Search,
                ["api", "v2", "instance"] => Kind::Instance,
                ["api", "v1", "streaming", "user" | "public" | "hashtag" | "direct", ..] => Kind::Stream,
                _ => continue,
            };
            out.push((name.clone(), kind, i));
        }
    }
    assert!(cassettes >= 10, "cassettes not found in {}", data_dir().display());
    out
}

/// `update` and `status.update` payloads of a recorded SSE body (a plain reading, independent of ours).
fn streamed_statuses(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut event = String::new();
    for line in body.lines() {
        if let Some(e) = line.strip_prefix("event: ") {
            event = e.to_owned();
        } else if let Some(d) = line.strip_prefix("data: ") {
            if event == "update" || event == "status.update" {
                out.push(d.to_owned());
            }
        }
    }
    out
}

fn str_or_null(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// Compares every field we read with the raw JSON; returns how many statuses (boosts included) it checked.
fn check_status(context: &str, parsed: &Status, raw: &Value) -> usize {
    for key in ["id", "uri", "url", "created_at", "account", "content", "spoiler_text", "language", "reblog"]
        .iter()
        .chain(&["favourites_count", "reblogs_count", "replies_count"])
    {
        assert!(raw.get(key).is_some(), "{context}: real status has no `{key}`");
    }
    for key in ["id", "acct", "display_name", "followers_count"] {
        assert!(raw["account"].get(key).is_some(), "{context}: real account has no `{key}`");
    }
    assert_eq!(parsed.id, raw["id"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.uri, raw["uri"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.url, str_or_null(&raw["url"]), "{context}");
    let created: jiff::Timestamp = raw["created_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(parsed.created_at, created, "{context}");
    assert_eq!(parsed.content, raw["content"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.spoiler_text, raw["spoiler_text"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.language, str_or_null(&raw["language"]), "{context}");
    assert_eq!(parsed.favourites_count, raw["favourites_count"].as_i64().unwrap(), "{context}");
    assert_eq!(parsed.reblogs_count, raw["reblogs_count"].as_i64().unwrap(), "{context}");
    assert_eq!(parsed.replies_count, raw["replies_count"].as_i64().unwrap(), "{context}");
    assert_eq!(parsed.account.id, raw["account"]["id"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.account.acct, raw["account"]["acct"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.account.display_name, raw["account"]["display_name"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.account.followers_count, raw["account"]["followers_count"].as_i64(), "{context}");
    match (&parsed.reblog, &raw["reblog"]) {
        (None, Value::Null) => 1,
        (Some(inner), raw_inner @ Value::Object(_)) => {
            1 + check_status(&format!("{context} (boosted)"), inner, raw_inner)
        }
        (p, r) => panic!("{context}: reblog parsed as {p:?} from {r}"),
    }
}

/// What the client makes of a real status: the fields of the found post come from the right places.
fn check_found_post(context: &str, client: &Mastodon, status: &Status, domain: &str) {
    let post = client.found_post(status).unwrap_or_else(|| panic!("{context}: status dropped"));
    let shown = status.reblog.as_deref().unwrap_or(status);
    assert_eq!(post.remote_id, shown.uri, "{context}");
    assert_eq!(Some(&post.url), shown.url.as_ref(), "{context}");
    assert_eq!(post.author_handle, format!("{}@{domain}", shown.account.acct), "{context}");
    assert_eq!(post.published, shown.created_at, "{context}");
    assert_eq!(post.likes, u64::try_from(shown.favourites_count).ok(), "{context}");
    let html = post.html.as_deref().unwrap();
    assert!(!html.contains("<script"), "{context}: {html}");
    if !shown.spoiler_text.is_empty() {
        assert!(post.text.starts_with(&shown.spoiler_text), "{context}: {}", post.text);
    }
    if shown.content.contains("<p>") && !post.text.is_empty() {
        assert!(
            !post.text.contains("<p>") && !post.text.contains("&#39;"),
            "{context}: text is not plain: {}",
            post.text
        );
    }
}

#[test]
fn every_recorded_status_timeline_search_and_instance_answer_reads_with_our_types() {
    let client = Mastodon::new(reqwest::Client::new(), "http://localhost:3000/".parse().unwrap(), None);
    let mut checked: HashMap<Kind, usize> = HashMap::new();
    let mut spoilers = 0;
    let mut local_domain = None;
    let mut streaming_urls = Vec::new();
    for (name, kind, i) in recorded() {
        let body = i.response.body.string.unwrap();
        let context = format!("{name} {} {}", i.request.method, i.request.uri);
        let mut statuses: Vec<(Status, Value)> = Vec::new();
        match kind {
            Kind::TagTimeline | Kind::OtherTimeline => {
                let parsed: Vec<Status> =
                    api::parse(body.as_bytes(), "timeline").unwrap_or_else(|e| panic!("{context}: {e}"));
                let raw: Vec<Value> = serde_json::from_str(&body).unwrap();
                assert_eq!(parsed.len(), raw.len(), "{context}");
                statuses.extend(parsed.into_iter().zip(raw));
            }
            Kind::Status => {
                let parsed: Status = api::parse(body.as_bytes(), "status").unwrap_or_else(|e| panic!("{context}: {e}"));
                statuses.push((parsed, serde_json::from_str(&body).unwrap()));
            }
            Kind::Search => {
                let parsed: SearchResults =
                    api::parse(body.as_bytes(), "search").unwrap_or_else(|e| panic!("{context}: {e}"));
                let raw: Value = serde_json::from_str(&body).unwrap();
                let raw_statuses = raw["statuses"].as_array().expect("search answers carry `statuses`").clone();
                assert_eq!(parsed.statuses.len(), raw_statuses.len(), "{context}");
                statuses.extend(parsed.statuses.into_iter().zip(raw_statuses));
            }
            Kind::Instance => {
                let parsed: Instance =
                    api::parse(body.as_bytes(), "instance").unwrap_or_else(|e| panic!("{context}: {e}"));
                let raw: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(parsed.domain, raw["domain"].as_str().unwrap(), "{context}");
                assert_eq!(parsed.streaming_url(), raw["configuration"]["urls"]["streaming"].as_str(), "{context}");
                streaming_urls.push(parsed.streaming_url().unwrap().to_owned());
                if i.request.uri.starts_with("http://localhost:3000/") {
                    local_domain = Some(parsed.domain.clone());
                }
            }
            Kind::Stream => {
                for data in streamed_statuses(&body) {
                    let parsed: Status =
                        api::parse(data.as_bytes(), "streamed").unwrap_or_else(|e| panic!("{context}: {e}"));
                    statuses.push((parsed, serde_json::from_str(&data).unwrap()));
                }
            }
        }
        for (parsed, raw) in &statuses {
            *checked.entry(kind).or_default() += check_status(&context, parsed, raw);
            spoilers += usize::from(!parsed.spoiler_text.is_empty());
            check_found_post(&context, &client, parsed, "localhost:3000");
        }
        if kind == Kind::Instance || kind == Kind::Search {
            *checked.entry(kind).or_default() += 1;
        }
    }
    eprintln!("checked: {checked:?}, spoilers: {spoilers}, streaming URLs: {streaming_urls:?}");
    // The handle we build for local accounts (`acct@` the host we asked) is what the instance calls itself.
    assert_eq!(local_domain.as_deref(), Some("localhost:3000"));
    assert!(streaming_urls.iter().any(|u| u == "ws://localhost:4000"));
    assert!(streaming_urls.iter().any(|u| u.starts_with("wss://")), "a public instance's streaming URL");
    assert!(spoilers >= 1, "a status with a content warning");
    for (kind, at_least) in [
        (Kind::TagTimeline, 30),
        (Kind::OtherTimeline, 30),
        (Kind::Status, 40),
        (Kind::Search, 3),
        (Kind::Instance, 5),
        (Kind::Stream, 3),
    ] {
        let n = checked.get(&kind).copied().unwrap_or(0);
        assert!(n >= at_least, "only {n} {kind:?} bodies checked");
    }
}

#[test]
fn a_recorded_boost_is_reported_as_the_boosted_post() {
    let body = recorded()
        .into_iter()
        .find(|(_, _, i)| i.request.uri.ends_with("/reblog"))
        .map(|(_, _, i)| i.response.body.string.unwrap())
        .expect("a recorded boost");
    let status: Status = api::parse(body.as_bytes(), "status").unwrap();
    let boosted = status.reblog.as_deref().expect("the boosted status");
    let client = Mastodon::new(reqwest::Client::new(), "http://localhost:3000/".parse().unwrap(), None);
    let post = client.found_post(&status).unwrap();
    assert_ne!(status.uri, boosted.uri);
    assert_eq!(post.remote_id, boosted.uri);
    assert_eq!(post.author_handle, format!("{}@localhost:3000", boosted.account.acct));
}

#[test]
fn a_wrong_field_in_a_real_answer_is_named_in_the_error() {
    let (_, _, i) = recorded().into_iter().find(|(_, k, _)| *k == Kind::TagTimeline).unwrap();
    let mut raw: Value = serde_json::from_str(&i.response.body.string.unwrap()).unwrap();
    raw[0]["account"]["acct"] = Value::Null;
    let err = api::parse::<Vec<Status>>(raw.to_string().as_bytes(), "hashtag timeline").unwrap_err();
    let message = err.to_string();
    assert!(message.contains("[0].account.acct"), "{message}");
    assert!(matches!(err, filrouge_networks::NetworkError::Protocol { .. }));
}

/// Replays a real instance document and a real SSE body: the client finds the streaming server through
/// `configuration.urls.streaming` (a `ws://` URL, here pointed at the replay server) and reads the
/// recorded events.
#[tokio::test]
async fn a_recorded_stream_is_read_through_the_streaming_url_the_instance_names() {
    let all = recorded();
    let instance =
        all.iter().find(|(_, k, i)| *k == Kind::Instance && i.request.uri.contains("localhost:3000")).unwrap();
    let instance_body = instance.2.response.body.string.clone().unwrap();
    let (_, _, stream) = all
        .iter()
        .find(|(n, k, i)| *k == Kind::Stream && n == "test_stream_user_direct.yaml" && i.request.uri.ends_with("/user"))
        .unwrap();
    let stream_body = stream.response.body.string.clone().unwrap();
    let content_type = stream.response.headers.get("Content-Type").and_then(|v| v.first()).cloned().unwrap();
    let expected: Vec<String> = streamed_statuses(&stream_body)
        .iter()
        .map(|d| serde_json::from_str::<Value>(d).unwrap()["uri"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() >= 2, "the recording has updates");

    let streaming = CannedServer::start(move |req| {
        assert_eq!(req.path(), "/api/v1/streaming/hashtag");
        assert_eq!(req.target, "/api/v1/streaming/hashtag?tag=hoot");
        assert_eq!(req.header("authorization"), Some("Bearer secret"));
        Canned {
            status: 200,
            headers: vec![("content-type".into(), content_type.clone())],
            body: CannedBody::Bytes(stream_body.clone().into_bytes()),
        }
    });
    let streaming_url =
        format!("ws://127.0.0.1:{}", streaming.base_url().trim_end_matches('/').rsplit(':').next().unwrap());
    let instance_server = CannedServer::start(move |req| {
        assert_eq!(req.path(), "/api/v2/instance");
        Canned::json(200, &instance_body.replace("ws://localhost:4000", &streaming_url))
    });
    let client =
        Mastodon::new(reqwest::Client::new(), instance_server.base_url().parse().unwrap(), Some("secret".to_owned()));
    let posts: Vec<_> = client.stream_hashtag("#hoot").await.unwrap().collect().await;
    let uris: Vec<String> = posts.into_iter().map(|p| p.unwrap().remote_id).collect();
    assert_eq!(uris, expected);
    assert_eq!(streaming.requests().len(), 1);
}
