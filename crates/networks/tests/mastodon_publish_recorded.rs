//! The publisher's, OAuth's and instance limits' wire types against answers recorded from a real Mastodon 4.6
//! server (Mastodon.py's cassettes, MIT, in tests/data/mastodon-recorded): every media attachment, status,
//! account, instance, app registration, token and error body is parsed and compared with the raw JSON; then
//! recorded conversations are replayed to the publisher through a canned local server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use filrouge_networks::mastodon::api::{self, ApiError, Application, Instance, MediaAttachment, Status, Token};
use filrouge_networks::mastodon::{self, oauth, InstanceLimits, MastodonPublisher};
use filrouge_networks::publish::{OutgoingMedia, OutgoingPost, PublishError, Publisher, RemotePost, Visibility};
use filrouge_testkit::mastodon::{Canned, CannedServer};
use serde_json::Value;

#[derive(serde::Deserialize)]
struct Cassette {
    interactions: Vec<Interaction>,
}

#[derive(Clone, serde::Deserialize)]
struct Interaction {
    request: Request,
    response: Response,
}

#[derive(Clone, serde::Deserialize)]
struct Request {
    method: String,
    uri: String,
}

#[derive(Clone, serde::Deserialize)]
struct Response {
    status: ResponseStatus,
    body: ResponseBody,
    #[serde(default)]
    headers: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, serde::Deserialize)]
struct ResponseStatus {
    code: u16,
}

#[derive(Clone, serde::Deserialize)]
struct ResponseBody {
    string: Option<String>,
}

impl Interaction {
    fn path(&self) -> String {
        url::Url::parse(&self.request.uri).unwrap().path().trim_end_matches('/').to_owned()
    }

    fn body(&self) -> &str {
        self.response.body.string.as_deref().unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_str(self.body()).unwrap()
    }
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/mastodon-recorded")
}

fn cassette(name: &str) -> Vec<Interaction> {
    let text = std::fs::read_to_string(data_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let c: Cassette = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    c.interactions
}

fn all_cassettes() -> Vec<(String, Interaction)> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "cassettes not found in {}", data_dir().display());
    names.into_iter().flat_map(|n| cassette(&n).into_iter().map(move |i| (n.clone(), i))).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Media,
    Status,
    AccountStatuses,
    Account,
    Instance,
    App,
    Token,
    Error,
}

fn check_media(context: &str, parsed: &MediaAttachment, raw: &Value, code: u16) {
    assert_eq!(parsed.id, raw["id"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.kind, raw["type"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.url.as_deref(), raw["url"].as_str(), "{context}");
    assert_eq!(parsed.description.as_deref(), raw["description"].as_str(), "{context}");
    // Still processing: no file address yet, which is what makes us wait.
    if code == 202 || code == 206 {
        assert_eq!(parsed.url, None, "{context}");
    }
}

fn check_status(context: &str, parsed: &Status, raw: &Value) {
    assert_eq!(parsed.id, raw["id"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.url.as_deref(), raw["url"].as_str(), "{context}");
    assert_eq!(parsed.in_reply_to_id.as_deref(), raw["in_reply_to_id"].as_str(), "{context}");
    assert_eq!(parsed.visibility.as_deref(), raw["visibility"].as_str(), "{context}");
    assert_eq!(parsed.spoiler_text, raw["spoiler_text"].as_str().unwrap(), "{context}");
    assert_eq!(parsed.favourites_count, raw["favourites_count"].as_i64().unwrap(), "{context}");
    assert_eq!(parsed.reblogs_count, raw["reblogs_count"].as_i64().unwrap(), "{context}");
    assert_eq!(parsed.replies_count, raw["replies_count"].as_i64().unwrap(), "{context}");
    let media = raw["media_attachments"].as_array().unwrap();
    assert_eq!(parsed.media_attachments.len(), media.len(), "{context}");
    for (p, r) in parsed.media_attachments.iter().zip(media) {
        check_media(context, p, r, 200);
    }
}

#[test]
fn every_recorded_answer_the_publisher_reads_parses_with_our_types() {
    let mut seen: HashMap<Kind, usize> = HashMap::new();
    let mut with_media = 0;
    let mut processing = 0;
    for (name, i) in all_cassettes() {
        let code = i.response.status.code;
        let context = format!("{name} {} {} {code}", i.request.method, i.request.uri);
        if i.response.body.string.is_none() {
            continue;
        }
        let path = i.path();
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let method = i.request.method.as_str();
        let body = i.body().as_bytes();
        let kind = if code >= 400 {
            let parsed: ApiError = api::parse(body, "error").unwrap_or_else(|e| panic!("{context}: {e}"));
            assert_eq!(parsed.error, i.json()["error"].as_str().unwrap(), "{context}");
            Kind::Error
        } else {
            match (method, segments.as_slice()) {
                ("POST", ["api", "v2", "media"]) | ("GET" | "PUT", ["api", "v1", "media", _]) => {
                    let parsed: MediaAttachment =
                        api::parse(body, "media attachment").unwrap_or_else(|e| panic!("{context}: {e}"));
                    check_media(&context, &parsed, &i.json(), code);
                    processing += usize::from(code != 200);
                    Kind::Media
                }
                // DELETE answers carry `text` for delete-and-redraft; we only read their status code.
                ("POST", ["api", "v1", "statuses"])
                | ("GET", ["api", "v1", "statuses", _])
                | ("POST", ["api", "v1", "statuses", _, "favourite" | "unfavourite"]) => {
                    let parsed: Status = api::parse(body, "status").unwrap_or_else(|e| panic!("{context}: {e}"));
                    check_status(&context, &parsed, &i.json());
                    with_media += usize::from(!parsed.media_attachments.is_empty());
                    Kind::Status
                }
                ("GET", ["api", "v1", "accounts", _, "statuses"]) => {
                    let parsed: Vec<Status> =
                        api::parse(body, "account statuses").unwrap_or_else(|e| panic!("{context}: {e}"));
                    let raw = i.json();
                    let raw = raw.as_array().unwrap();
                    assert_eq!(parsed.len(), raw.len(), "{context}");
                    for (p, r) in parsed.iter().zip(raw) {
                        check_status(&context, p, r);
                    }
                    Kind::AccountStatuses
                }
                ("GET", ["api", "v1", "accounts", "verify_credentials"]) => {
                    let parsed: api::Account = api::parse(body, "account").unwrap_or_else(|e| panic!("{context}: {e}"));
                    let raw = i.json();
                    assert_eq!(parsed.id, raw["id"].as_str().unwrap(), "{context}");
                    assert_eq!(parsed.acct, raw["acct"].as_str().unwrap(), "{context}");
                    assert_eq!(parsed.display_name, raw["display_name"].as_str().unwrap(), "{context}");
                    assert_eq!(parsed.followers_count, raw["followers_count"].as_i64(), "{context}");
                    Kind::Account
                }
                ("GET", ["api", "v2", "instance"]) => {
                    let parsed: Instance = api::parse(body, "instance").unwrap_or_else(|e| panic!("{context}: {e}"));
                    let limits = InstanceLimits::from_instance(&parsed);
                    let raw = i.json();
                    let (statuses, media) =
                        (&raw["configuration"]["statuses"], &raw["configuration"]["media_attachments"]);
                    assert_eq!(Some(u64::from(limits.max_characters)), statuses["max_characters"].as_u64());
                    assert_eq!(
                        Some(u64::from(limits.characters_reserved_per_url)),
                        statuses["characters_reserved_per_url"].as_u64()
                    );
                    assert_eq!(
                        Some(u64::from(limits.max_media_attachments)),
                        statuses["max_media_attachments"].as_u64()
                    );
                    assert_eq!(Some(limits.image_size_limit), media["image_size_limit"].as_u64());
                    assert_eq!(Some(limits.video_size_limit), media["video_size_limit"].as_u64());
                    let mimes: Vec<&str> =
                        media["supported_mime_types"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
                    assert_eq!(limits.supported_mime_types, mimes, "{context}");
                    Kind::Instance
                }
                ("POST", ["api", "v1", "apps"]) => {
                    let parsed: Application = api::parse(body, "app").unwrap_or_else(|e| panic!("{context}: {e}"));
                    let raw = i.json();
                    assert_eq!(parsed.client_id, raw["client_id"].as_str().unwrap());
                    assert_eq!(parsed.client_secret, raw["client_secret"].as_str().unwrap());
                    assert!(!format!("{parsed:?}").contains(&parsed.client_secret));
                    Kind::App
                }
                ("POST", ["oauth", "token"]) => {
                    let parsed: Token = api::parse(body, "token").unwrap_or_else(|e| panic!("{context}: {e}"));
                    assert_eq!(parsed.access_token, i.json()["access_token"].as_str().unwrap());
                    assert!(!format!("{parsed:?}").contains(&parsed.access_token));
                    Kind::Token
                }
                _ => continue,
            }
        };
        *seen.entry(kind).or_default() += 1;
    }
    for kind in [
        Kind::Media,
        Kind::Status,
        Kind::AccountStatuses,
        Kind::Account,
        Kind::Instance,
        Kind::App,
        Kind::Token,
        Kind::Error,
    ] {
        assert!(seen.get(&kind).copied().unwrap_or(0) > 0, "no recorded {kind:?} answer read: {seen:?}");
    }
    assert!(with_media > 0 && processing >= 2, "media statuses {with_media}, processing answers {processing}");
}

/// A canned server that answers each request with the next recorded answer for its method and path.
fn replay(interactions: Vec<Interaction>) -> CannedServer {
    let queue = Arc::new(Mutex::new(interactions));
    CannedServer::start(move |req| {
        let mut queue = queue.lock().unwrap();
        let at =
            queue.iter().position(|i| i.request.method == req.method && i.path() == req.path().trim_end_matches('/'));
        match at {
            Some(at) => {
                let i = queue.remove(at);
                let mut canned = Canned::json(i.response.status.code, i.body());
                for name in ["x-ratelimit-reset", "date", "retry-after"] {
                    if let Some(v) = i.response.headers.get(name).and_then(|v| v.first()) {
                        canned = canned.with_header(name, v);
                    }
                }
                canned
            }
            None => Canned::json(599, r#"{"error":"not in the recording"}"#),
        }
    })
}

fn post(text: &str) -> OutgoingPost {
    OutgoingPost {
        idempotency_key: "recorded".into(),
        text: text.into(),
        media: Vec::new(),
        content_warning: None,
        visibility: Visibility::Public,
        language: None,
        reply_to: None,
        card: None,
        created_at: "2026-08-01T00:00:00Z".parse().unwrap(),
    }
}

fn publisher(server: &CannedServer) -> MastodonPublisher {
    MastodonPublisher::new(reqwest::Client::new(), server.base_url().parse().unwrap(), "tok".into())
}

#[tokio::test]
async fn a_recorded_upload_that_needed_processing_is_waited_for_then_posted() {
    let recorded = cassette("test_media_post[False].trimmed.yaml");
    let status = recorded.iter().find(|i| i.path() == "/api/v1/statuses").unwrap().json();
    let server = replay(recorded);
    let mut with_video = post("me when a cat");
    with_video.media.push(OutgoingMedia {
        bytes: vec![0; 32],
        mime: "video/mp4".into(),
        alt: "me when a cat".into(),
        width: 640,
        height: 640,
    });
    let published = publisher(&server).publish(&with_video).await.unwrap();
    assert_eq!(
        published,
        RemotePost { remote_id: status["id"].as_str().unwrap().into(), url: status["url"].as_str().unwrap().into() }
    );
    let requests: Vec<String> = server.requests().iter().map(|r| format!("{} {}", r.method, r.path())).collect();
    assert_eq!(requests[0], "POST /api/v2/media");
    assert!(requests[1].starts_with("GET /api/v1/media/"), "{requests:?}");
    assert_eq!(requests.last().unwrap(), "POST /api/v1/statuses");
    let sent = server.requests().into_iter().last().unwrap();
    assert_eq!(sent.header("idempotency-key"), Some("recorded"));
    assert_eq!(sent.header("authorization"), Some("Bearer tok"));
}

#[tokio::test]
async fn recorded_refusals_keep_mastodons_own_message() {
    for (name, expected) in [
        ("test_lang_for_errors.yaml", "バリデーションに失敗しました: Text上限は500文字です"),
        ("test_status_empty.yaml", "バリデーションに失敗しました: Textを入力してください"),
    ] {
        let server = replay(cassette(name));
        let err = publisher(&server).publish(&post("x")).await.unwrap_err();
        assert_eq!(err, PublishError::Permanent(expected.into()), "{name}");
    }
    // The recorded 401 for a missing token, answered to a post.
    let mut unauthorised = cassette("test_home_tl_anonymous_throws.yaml");
    unauthorised[0].request.method = "POST".into();
    unauthorised[0].request.uri = "http://localhost:3000/api/v1/statuses".into();
    let server = replay(unauthorised);
    let err = publisher(&server).publish(&post("x")).await.unwrap_err();
    assert_eq!(err, PublishError::NeedsReconnection("The access token is invalid".into()));
}

#[tokio::test]
async fn a_recorded_account_and_its_statuses_are_read_back_by_find() {
    let recorded = cassette("test_account_pinned.yaml");
    let listed = recorded.iter().find(|i| i.path().ends_with("/statuses") && i.request.method == "GET").unwrap().json();
    let target = &listed[0];
    // find() pages back while statuses are recent enough: the page after the recorded one is empty.
    let mut conversation = recorded.clone();
    let mut next_page =
        conversation.iter().find(|i| i.path().ends_with("/statuses") && i.request.method == "GET").unwrap().clone();
    next_page.response.body.string = Some("[]".into());
    conversation.push(next_page);
    let server = replay(conversation);
    let mut ours = post(
        &filrouge_feeds::sanitize::sanitize_html(target["content"].as_str().unwrap(), None).text.replace('\n', "\n\n"),
    );
    ours.created_at = target["created_at"].as_str().unwrap().parse().unwrap();
    let found = publisher(&server).find(&ours).await.unwrap();
    assert_eq!(found.map(|p| p.remote_id), Some(target["id"].as_str().unwrap().to_owned()));

    let server = replay(recorded);
    let me = recorded_account();
    assert_eq!(publisher(&server).followers().await.unwrap(), me["followers_count"].as_u64().unwrap());
}

fn recorded_account() -> Value {
    cassette("test_account_pinned.yaml").iter().find(|i| i.path().ends_with("verify_credentials")).unwrap().json()
}

#[tokio::test]
async fn a_recorded_registration_token_and_account_are_read_by_the_oauth_calls() {
    let recorded = cassette("test_app_account_create.yaml");
    let app_raw = recorded[0].json();
    let token_raw = recorded[1].json();
    let server = replay(recorded);
    let base: url::Url = server.base_url().parse().unwrap();
    let http = reqwest::Client::new();
    let app = oauth::register_app(&http, &base, "Fil Rouge", oauth::OUT_OF_BAND, &["read", "write"]).await.unwrap();
    assert_eq!(app.client_id, app_raw["client_id"].as_str().unwrap());
    assert_eq!(app.client_secret, app_raw["client_secret"].as_str().unwrap());
    let token = oauth::exchange_code(&http, &base, &app, "code", oauth::OUT_OF_BAND).await.unwrap();
    assert_eq!(token.secret(), token_raw["access_token"].as_str().unwrap());

    let recorded = cassette("test_verify_credentials.yaml");
    let raw = recorded[0].json();
    let server = replay(recorded);
    let account = oauth::verify(&http, &server.base_url().parse().unwrap(), "tok").await.unwrap();
    assert_eq!(account.id, raw["id"].as_str().unwrap());
    assert_eq!(account.acct, raw["acct"].as_str().unwrap());
    assert_eq!(account.followers_count, raw["followers_count"].as_u64().unwrap());
}

#[tokio::test]
async fn the_recorded_instance_gives_its_limits() {
    let server = replay(cassette("test_instance.yaml"));
    let limits = mastodon::instance_limits(&reqwest::Client::new(), &server.base_url().parse().unwrap()).await.unwrap();
    assert_eq!(
        (
            limits.max_characters,
            limits.characters_reserved_per_url,
            limits.max_media_attachments,
            limits.image_size_limit,
            limits.video_size_limit
        ),
        (500, 23, 4, 16_777_216, 103_809_024)
    );
    assert!(limits.supported_mime_types.iter().any(|m| m == "image/avif"));
}

#[tokio::test]
async fn a_recorded_status_gives_its_metrics() {
    let recorded = cassette("test_status_fav_unfav.yaml");
    let favourited = recorded.iter().find(|i| i.path().ends_with("/favourite")).unwrap().clone();
    let raw = favourited.json();
    let mut as_read = favourited;
    as_read.request.method = "GET".into();
    as_read.request.uri = format!("http://localhost:3000/api/v1/statuses/{}", raw["id"].as_str().unwrap());
    let server = replay(vec![as_read]);
    let metrics = publisher(&server).metrics(raw["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(metrics.likes, raw["favourites_count"].as_u64().unwrap());
    assert_eq!(metrics.likes, 1);
    assert_eq!(metrics.reposts, raw["reblogs_count"].as_u64().unwrap());
}
