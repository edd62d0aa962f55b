//! Publishing on a Mastodon account: media uploads (waiting while the instance processes them), the status
//! itself with its `Idempotency-Key`, reading back what an earlier attempt made, deletion, metrics, followers;
//! and how every answer and failure is classified for the publishing engine.
//!
//! # Never twice
//!
//! Two protections, in this order:
//!
//! 1. **Mastodon's `Idempotency-Key`.** Every attempt of one delivery sends the same key; for an hour (Mastodon
//!    keeps keys 3,600 s) the instance answers a repeated `POST /api/v1/statuses` with the status the first one
//!    made instead of making another. Retrying after a [`PublishError::Unknown`] within that hour is therefore
//!    safe on its own.
//! 2. **Reading back.** Past that hour, or on a server that ignores the header, [`Publisher::find`] looks among
//!    the account's recent statuses (a read-only call) for one with the post's text, content warning and reply
//!    target, created no earlier than five minutes before the post's `created_at`. The text is compared as
//!    Mastodon shows it (its HTML made plain text the way listening does, spaces collapsed, remote mentions
//!    `@user@domain` shortened to `@user` as Mastodon renders them).
//!
//! # Errors
//!
//! 401, or a 403 about the token, its scopes or the login → [`PublishError::NeedsReconnection`]; 429 →
//! [`PublishError::RateLimited`] (`Retry-After`, else `X-RateLimit-Reset`); 408 and 5xx →
//! [`PublishError::Transient`]; other 4xx (422 above all) → [`PublishError::Permanent`] with Mastodon's own
//! `error` message. No connection (refused, DNS, a connect time-out) → `Transient`. Once the status request
//! has been sent, a time-out, a reset or an unreadable success answer → [`PublishError::Unknown`]: the
//! status may exist. Uploads and reads are safe to repeat, so the same failures there are `Transient`.

use std::time::Duration;

use filrouge_feeds::sanitize::sanitize_html;
use reqwest::header::ACCEPT;
use reqwest::multipart::{Form, Part};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use super::api::{self, MediaAttachment, Status};
use super::{compare_ids, endpoint, http, MAX_BODY_BYTES, MAX_LIMIT};
use crate::publish::{
    BoxFuture, Capabilities, OutgoingMedia, OutgoingPost, PostMetrics, PublishError, Publisher, RemotePost, Visibility,
};

/// How long we wait, in all, for the instance to process one upload (videos take a while).
pub const DEFAULT_MEDIA_WAIT: Duration = Duration::from_secs(120);

/// How far before the post's `created_at` a status may have been made and still be the post's.
pub const FIND_WINDOW: Duration = Duration::from_secs(5 * 60);

/// How many pages of 40 statuses [`Publisher::find`] reads at most.
const FIND_MAX_PAGES: usize = 5;

/// First pause between two looks at an upload still being processed; doubled each time up to the maximum.
const MEDIA_POLL_FIRST: Duration = Duration::from_millis(250);
const MEDIA_POLL_MAX: Duration = Duration::from_secs(3);

/// One Mastodon account, ready to publish.
#[derive(Clone)]
pub struct MastodonPublisher {
    http: reqwest::Client,
    instance: Url,
    token: String,
    media_wait: Duration,
}

impl std::fmt::Debug for MastodonPublisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MastodonPublisher")
            .field("instance", &self.instance.as_str())
            .field("token", &"<redacted>")
            .field("media_wait", &self.media_wait)
            .finish()
    }
}

/// What `POST /api/v1/statuses` is sent (as JSON).
#[derive(Debug, Serialize)]
struct NewStatus<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    media_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spoiler_text: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sensitive: bool,
    visibility: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_reply_to_id: Option<&'a str>,
}

impl MastodonPublisher {
    /// `http` carries the caller's SSRF guard and time-outs (give it a total time-out: a request without an
    /// answer becomes [`PublishError::Unknown`] only when it ends); `instance` is the base URL; `access_token`
    /// a user token with the `read` and `write` scopes.
    pub fn new(http: reqwest::Client, instance: Url, access_token: String) -> Self {
        Self { http, instance, token: access_token, media_wait: DEFAULT_MEDIA_WAIT }
    }

    /// How long to wait, in all, for one upload to be processed ([`DEFAULT_MEDIA_WAIT`]).
    pub fn with_media_wait(mut self, wait: Duration) -> Self {
        self.media_wait = wait;
        self
    }

    fn url(&self, segments: &[&str]) -> Url {
        endpoint(&self.instance, segments)
    }

    async fn publish_post(&self, post: &OutgoingPost) -> Result<RemotePost, PublishError> {
        let mut media_ids = Vec::with_capacity(post.media.len());
        for media in &post.media {
            media_ids.push(self.upload(media).await?);
        }
        let warning = post.content_warning.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let body = NewStatus {
            status: &post.text,
            media_ids,
            spoiler_text: warning,
            sensitive: warning.is_some(),
            visibility: visibility(post.visibility),
            language: post.language.as_deref().map(str::trim).filter(|l| !l.is_empty()),
            in_reply_to_id: post.reply_to.as_deref(),
        };
        let req = self
            .http
            .post(self.url(&["api", "v1", "statuses"]))
            .bearer_auth(&self.token)
            .header(ACCEPT, "application/json")
            .header("Idempotency-Key", &post.idempotency_key)
            .json(&body);
        tracing::debug!(instance = %self.instance, key = %post.idempotency_key, "mastodon: publishing a status");
        let resp = req.send().await.map_err(|e| transport(&e, Sent::MayHaveActed))?;
        if !resp.status().is_success() {
            return Err(refused(resp).await);
        }
        let unknown = |why: String| {
            PublishError::Unknown(format!("the instance accepted the status but its answer is unreadable: {why}"))
        };
        let bytes = http::read_capped(resp, MAX_BODY_BYTES).await.map_err(|e| unknown(e.to_string()))?;
        let status: Status = api::parse(&bytes, "status").map_err(|e| unknown(e.to_string()))?;
        Ok(remote_post(&status))
    }

    /// Uploads one file (`POST /api/v2/media`) and waits until the instance has processed it; its id.
    async fn upload(&self, media: &OutgoingMedia) -> Result<String, PublishError> {
        let part = Part::bytes(media.bytes.clone())
            .file_name(file_name(&media.mime))
            .mime_str(&media.mime)
            .map_err(|_| PublishError::Permanent(format!("not a media type: {:?}", media.mime)))?;
        let mut form = Form::new().part("file", part);
        let alt = media.alt.trim();
        if !alt.is_empty() {
            form = form.text("description", alt.to_owned());
        }
        let req = self.http.post(self.url(&["api", "v2", "media"])).bearer_auth(&self.token).multipart(form);
        let resp = req.header(ACCEPT, "application/json").send().await.map_err(|e| transport(&e, Sent::Harmless))?;
        let processing = resp.status() == StatusCode::ACCEPTED;
        let attachment: MediaAttachment = read_json(resp, "media attachment").await?;
        if processing || attachment.url.is_none() {
            self.wait_for_processing(&attachment.id).await?;
        }
        Ok(attachment.id)
    }

    /// Polls `GET /api/v1/media/:id` while it answers 206 (still processing), within the media wait.
    async fn wait_for_processing(&self, id: &str) -> Result<(), PublishError> {
        let deadline = tokio::time::Instant::now() + self.media_wait;
        let mut pause = MEDIA_POLL_FIRST;
        loop {
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(PublishError::Transient(format!(
                    "media {id} still being processed by the instance after {} s",
                    self.media_wait.as_secs()
                )));
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(MEDIA_POLL_MAX);
            let req = self.http.get(self.url(&["api", "v1", "media", id])).bearer_auth(&self.token);
            let resp =
                req.header(ACCEPT, "application/json").send().await.map_err(|e| transport(&e, Sent::Harmless))?;
            match resp.status() {
                StatusCode::PARTIAL_CONTENT => continue,
                s if s.is_success() => return Ok(()),
                _ => return Err(refused(resp).await),
            }
        }
    }

    async fn find_post(&self, post: &OutgoingPost) -> Result<Option<RemotePost>, PublishError> {
        let me: api::Account = self.get(self.url(&["api", "v1", "accounts", "verify_credentials"]), "account").await?;
        let since = post.created_at.checked_sub(FIND_WINDOW).unwrap_or(post.created_at);
        let matcher = Wanted::of(post);
        let mut max_id: Option<String> = None;
        let mut found: Option<Status> = None;
        for _ in 0..FIND_MAX_PAGES {
            let mut url = self.url(&["api", "v1", "accounts", &me.id, "statuses"]);
            url.query_pairs_mut().append_pair("limit", &MAX_LIMIT.to_string()).append_pair("exclude_reblogs", "true");
            if let Some(max_id) = &max_id {
                url.query_pairs_mut().append_pair("max_id", max_id);
            }
            let page: Vec<Status> = self.get(url, "account statuses").await?;
            let oldest = page.iter().min_by(|a, b| compare_ids(&a.id, &b.id)).cloned();
            for status in page {
                if status.created_at >= since && matcher.matches(&status, &self.instance) {
                    // The earliest match is the one the first attempt made.
                    if found.as_ref().is_none_or(|f| compare_ids(&status.id, &f.id).is_lt()) {
                        found = Some(status);
                    }
                }
            }
            match oldest {
                Some(oldest) if oldest.created_at >= since && max_id.as_deref() != Some(oldest.id.as_str()) => {
                    max_id = Some(oldest.id)
                }
                _ => break,
            }
        }
        Ok(found.as_ref().map(remote_post))
    }

    async fn delete_status(&self, remote_id: &str) -> Result<(), PublishError> {
        let req = self.http.delete(self.url(&["api", "v1", "statuses", remote_id])).bearer_auth(&self.token);
        let resp = req.header(ACCEPT, "application/json").send().await.map_err(|e| transport(&e, Sent::Harmless))?;
        match resp.status() {
            s if s.is_success() => Ok(()),
            // Already gone: what we wanted.
            StatusCode::NOT_FOUND => Ok(()),
            _ => Err(refused(resp).await),
        }
    }

    async fn status_metrics(&self, remote_id: &str) -> Result<PostMetrics, PublishError> {
        let status: Status = self.get(self.url(&["api", "v1", "statuses", remote_id]), "status").await?;
        Ok(PostMetrics {
            likes: count(status.favourites_count),
            reposts: count(status.reblogs_count),
            replies: count(status.replies_count),
            quotes: None,
        })
    }

    async fn follower_count(&self) -> Result<u64, PublishError> {
        let me: api::Account = self.get(self.url(&["api", "v1", "accounts", "verify_credentials"]), "account").await?;
        Ok(me.followers_count.map(count).unwrap_or(0))
    }

    async fn get<T: DeserializeOwned>(&self, url: Url, what: &str) -> Result<T, PublishError> {
        let req: RequestBuilder = self.http.get(url).bearer_auth(&self.token).header(ACCEPT, "application/json");
        let resp = req.send().await.map_err(|e| transport(&e, Sent::Harmless))?;
        read_json(resp, what).await
    }
}

impl Publisher for MastodonPublisher {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            publish: true,
            delete: true,
            reply: true,
            content_warning: true,
            read_notifications: true,
            metrics: true,
            followers: true,
            refresh_credentials: false,
        }
    }

    /// Uploads the media, then posts the status with the post's `Idempotency-Key`. The link card is not sent:
    /// Mastodon builds its own from the first link of the text.
    fn publish<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<RemotePost, PublishError>> {
        Box::pin(self.publish_post(post))
    }

    fn find<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<Option<RemotePost>, PublishError>> {
        Box::pin(self.find_post(post))
    }

    /// Deleting a status that is already gone succeeds.
    fn delete<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(self.delete_status(remote_id))
    }

    fn metrics<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<PostMetrics, PublishError>> {
        Box::pin(self.status_metrics(remote_id))
    }

    fn followers(&self) -> BoxFuture<'_, Result<u64, PublishError>> {
        Box::pin(self.follower_count())
    }
}

/// What [`Publisher::find`] looks for, in comparable form.
struct Wanted {
    text: String,
    warning: String,
    reply_to: Option<String>,
}

impl Wanted {
    fn of(post: &OutgoingPost) -> Self {
        Self {
            text: comparable(&post.text),
            warning: comparable(post.content_warning.as_deref().unwrap_or_default()),
            reply_to: post.reply_to.clone(),
        }
    }

    fn matches(&self, status: &Status, instance: &Url) -> bool {
        status.reblog.is_none()
            && status.in_reply_to_id == self.reply_to
            && comparable(&status.spoiler_text) == self.warning
            && comparable(&sanitize_html(&status.content, Some(instance)).text) == self.text
    }
}

/// Text as compared by [`Publisher::find`]: spaces and line breaks collapsed to one space, and remote
/// mentions cut to `@user` (Mastodon shows `@user@domain` as `@user`).
pub(crate) fn comparable(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(short_mention).collect();
    words.join(" ")
}

fn short_mention(word: &str) -> String {
    let Some(rest) = word.strip_prefix('@') else { return word.to_owned() };
    let Some(at) = rest.find('@') else { return word.to_owned() };
    let (user, domain) = (&rest[..at], &rest[at + 1..]);
    let end = domain.find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '_')).unwrap_or(domain.len());
    let (host, tail) = domain.split_at(end);
    // A trailing dot ends the sentence, not the host.
    let tail = if host.ends_with('.') { format!(".{tail}") } else { tail.to_owned() };
    if user.is_empty() || host.trim_end_matches('.').is_empty() {
        return word.to_owned();
    }
    format!("@{user}{tail}")
}

fn visibility(v: Visibility) -> &'static str {
    match v {
        Visibility::Public => "public",
        Visibility::Unlisted => "unlisted",
        Visibility::Private => "private",
        Visibility::Direct => "direct",
    }
}

/// A file name whose extension matches the type (some servers look at it).
fn file_name(mime: &str) -> String {
    let subtype = mime.split(';').next().unwrap_or_default().trim().rsplit('/').next().unwrap_or_default();
    let ext = match subtype.to_ascii_lowercase().as_str() {
        "jpeg" | "pjpeg" => "jpg".to_owned(),
        "quicktime" => "mov".to_owned(),
        "svg+xml" => "svg".to_owned(),
        s if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) => s.to_owned(),
        _ => "bin".to_owned(),
    };
    format!("media.{ext}")
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn remote_post(status: &Status) -> RemotePost {
    RemotePost { remote_id: status.id.clone(), url: status.url.clone().unwrap_or_else(|| status.uri.clone()) }
}

/// Whether a request that failed in transport may have acted on the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sent {
    /// Creating the status: once sent, it may exist.
    MayHaveActed,
    /// Reads, uploads and deletions: repeating them does no harm.
    Harmless,
}

/// A transport failure, classified by whether anything can have reached the instance.
pub(super) fn transport(e: &reqwest::Error, sent: Sent) -> PublishError {
    let detail = error_chain(e);
    if e.is_connect() {
        PublishError::Transient(format!("could not reach the instance: {detail}"))
    } else if e.is_builder() {
        PublishError::Permanent(format!("cannot build the request: {detail}"))
    } else if sent == Sent::MayHaveActed {
        PublishError::Unknown(format!("no answer after the status was sent (read back before retrying): {detail}"))
    } else {
        PublishError::Transient(format!("no answer from the instance: {detail}"))
    }
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A successful answer's bounded body as `T`, or the refusal classified. An unreadable answer to a read or an
/// upload is `Transient` (nothing was made that a retry would duplicate).
pub(super) async fn read_json<T: DeserializeOwned>(resp: Response, what: &str) -> Result<T, PublishError> {
    if !resp.status().is_success() {
        return Err(refused(resp).await);
    }
    let bytes = http::read_capped(resp, MAX_BODY_BYTES).await.map_err(|e| PublishError::Transient(e.to_string()))?;
    api::parse(&bytes, what).map_err(|e| PublishError::Transient(e.to_string()))
}

pub(super) async fn refused(resp: Response) -> PublishError {
    let (status, headers, message) = http::refusal(resp).await;
    classify(status, http::retry_after_secs(&headers), message)
}

/// An HTTP refusal in the engine's terms.
fn classify(status: StatusCode, retry_after_secs: Option<u64>, message: String) -> PublishError {
    match status {
        StatusCode::UNAUTHORIZED => PublishError::NeedsReconnection(message),
        StatusCode::FORBIDDEN if about_credentials(&message) => PublishError::NeedsReconnection(message),
        StatusCode::TOO_MANY_REQUESTS => {
            PublishError::RateLimited { retry_after: retry_after_secs.map(Duration::from_secs) }
        }
        StatusCode::REQUEST_TIMEOUT => PublishError::Transient(format!("HTTP 408: {message}")),
        s if s.is_server_error() => PublishError::Transient(format!("HTTP {}: {message}", s.as_u16())),
        _ => PublishError::Permanent(message),
    }
}

/// Mastodon's 403s that only a new connection fixes: an invalid or revoked token ("The access token is
/// invalid"), missing scopes ("This action is outside the authorized scopes"), a disabled or unconfirmed login
/// ("Your login is currently disabled"). Other 403s ("This action is not allowed") are about the post.
fn about_credentials(message: &str) -> bool {
    let m = message.to_lowercase();
    ["token", "scope", "login", "authoriz", "revoked", "suspended"].iter().any(|w| m.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_mentions_are_compared_as_mastodon_shows_them() {
        assert_eq!(comparable("  Hello\n\n@bob@other.example, see   you "), "Hello @bob, see you");
        assert_eq!(comparable("ping @ada@x.example."), "ping @ada.");
        assert_eq!(comparable("@ada and mail@x.example"), "@ada and mail@x.example");
        assert_eq!(comparable("@@"), "@@");
    }

    #[test]
    fn refusals_are_classified_for_the_engine() {
        let c = |code: u16, msg: &str| classify(StatusCode::from_u16(code).unwrap(), Some(7), msg.to_owned());
        assert!(matches!(c(401, "The access token is invalid"), PublishError::NeedsReconnection(_)));
        assert!(matches!(c(403, "The access token was revoked"), PublishError::NeedsReconnection(_)));
        assert!(matches!(c(403, "This action is outside the authorized scopes"), PublishError::NeedsReconnection(_)));
        assert_eq!(c(403, "This action is not allowed"), PublishError::Permanent("This action is not allowed".into()));
        assert_eq!(
            c(422, "Validation failed: Text can't be blank"),
            PublishError::Permanent("Validation failed: Text can't be blank".into())
        );
        assert_eq!(
            c(429, "Too many requests"),
            PublishError::RateLimited { retry_after: Some(Duration::from_secs(7)) }
        );
        assert!(matches!(c(503, "down"), PublishError::Transient(_)));
        assert!(matches!(c(408, "slow"), PublishError::Transient(_)));
        assert!(matches!(c(404, "Record not found"), PublishError::Permanent(_)));
    }

    #[test]
    fn uploads_get_a_file_name_matching_their_type() {
        assert_eq!(file_name("image/jpeg"), "media.jpg");
        assert_eq!(file_name("image/png"), "media.png");
        assert_eq!(file_name("video/quicktime"), "media.mov");
        assert_eq!(file_name("weird"), "media.weird");
        assert_eq!(file_name("a/b c"), "media.bin");
    }

    #[test]
    fn the_publisher_debug_hides_the_token() {
        let p = MastodonPublisher::new(reqwest::Client::new(), "https://m.example/".parse().unwrap(), "tok3n".into());
        let shown = format!("{p:?}");
        assert!(!shown.contains("tok3n") && shown.contains("m.example"), "{shown}");
    }
}
