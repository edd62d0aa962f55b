//! Publishing on Bluesky with an app password or an OAuth grant (`auth.rs`): [`BlueskyPublisher`] implements
//! [`Publisher`] over a PDS.
//!
//! Exactly once: every post is written with `createRecord` under a record key computed from its creation time and
//! idempotency key (see `tid.rs`), so a repeated attempt targets the same `at://did/app.bsky.feed.post/<rkey>`. When
//! `createRecord` fails and a record is then found under that key with the same text, it is the earlier attempt's
//! and is returned as published. Rich text comes from `filrouge_compose::bluesky_facets`; mentions are resolved to
//! DIDs before anything is written, so a mention of an unknown handle creates nothing.
//!
//! Private messages: a post whose `reply_to` is a `chat:<convoId>:<messageId>` id is sent as a message in that
//! conversation instead (`chat.rs`: `sendMessage`; read back with `getMessages`, at most once rather than exactly
//! once; deleting one only hides it for the account).
//!
//! Errors: 401 and stale tokens renew the session once (an OAuth grant: refreshed, its new tokens handed to the
//! caller's [`GrantStore`]), then are [`PublishError::NeedsReconnection`] (a token
//! without the chat scope is not renewed: a new one would not have it either); 429 is
//! [`PublishError::RateLimited`], 5xx [`PublishError::Transient`], a time-out or broken answer after a write was
//! sent [`PublishError::Unknown`].
//!
//! Choices: one embed per post, as the lexicon allows: images when there are any, else the link card (without a
//! thumbnail). Bluesky has no free-text content warning: [`OutgoingPost::content_warning`] is ignored. Visibility
//! does not exist either: every post is public.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use filrouge_compose::bluesky_facets;
use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use super::auth::{Auth, Credential, GrantStore, OAuthSession};
use super::chat::{is_chat_id, CHAT_PROXY};
use super::dpop::asks_for_nonce;
use super::oauth::Grant;
use super::session::{SessionError, Sessions};
use super::tid::record_key;
use super::view::{post_url, split_post_uri};
use super::xrpc::{self, Failure, Outcome};
use super::DEFAULT_WEB_BASE;
use crate::publish::{
    BoxFuture, Capabilities, OutgoingMedia, OutgoingPost, PostMetrics, PublishError, Publisher, RemotePost,
};
use crate::NetworkError;

/// Most images on one post (`app.bsky.embed.images`).
pub const MAX_IMAGES: usize = 4;
/// Largest image accepted, in bytes (the lexicon's `maxSize` for an image blob).
pub const MAX_IMAGE_BYTES: usize = 1_000_000;

const POST: &str = "app.bsky.feed.post";

/// One Bluesky account, ready to publish: its PDS, its app password, and the session made from them.
pub struct BlueskyPublisher {
    http: reqwest::Client,
    service: Url,
    pub(super) web_base: Url,
    auth: Auth,
}

impl fmt::Debug for BlueskyPublisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlueskyPublisher")
            .field("service", &self.service.as_str())
            .field("account", &self.auth.label())
            .field("oauth", &self.auth.is_oauth())
            .finish_non_exhaustive()
    }
}

/// Whether a failed call may have changed something: a time-out after sending a write is an unknown outcome, while
/// a safe call (a read, or a blob upload that publishes nothing by itself) can simply be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Safe,
    Write,
}

/// A record as `getRecord` returns it.
#[derive(Debug, Deserialize)]
pub(super) struct RecordOutput {
    pub(super) uri: String,
    pub(super) cid: String,
    #[serde(default)]
    pub(super) value: Value,
}

#[derive(Debug, Deserialize)]
struct CreatedRecord {
    uri: String,
}

impl BlueskyPublisher {
    /// A publisher for the account `identifier` (handle, DID or e-mail) on its PDS `service`, with an app password.
    /// `http` carries the caller's SSRF guard and time-outs. No request is made until the first call.
    pub fn new(
        http: reqwest::Client,
        service: Url,
        identifier: impl Into<String>,
        app_password: impl Into<String>,
    ) -> Self {
        let web_base = Url::parse(DEFAULT_WEB_BASE).unwrap_or_else(|_| service.clone());
        let sessions = Sessions::new(http.clone(), service.clone(), identifier.into(), app_password.into());
        BlueskyPublisher { http, service, web_base, auth: Auth::Password(sessions) }
    }

    /// A publisher for the account of an OAuth `grant` (on its PDS). `now` is the caller's clock (proofs, expiry);
    /// every refreshed grant is handed to `store` (refresh tokens are single use: the caller must keep the new one).
    pub fn with_oauth(
        http: reqwest::Client,
        grant: Grant,
        now: super::Now,
        store: Option<std::sync::Arc<dyn GrantStore>>,
    ) -> Result<Self, NetworkError> {
        let service = Url::parse(&grant.service).map_err(|e| xrpc::protocol(format!("PDS {}: {e}", grant.service)))?;
        let web_base = Url::parse(DEFAULT_WEB_BASE).unwrap_or_else(|_| service.clone());
        let session = OAuthSession::new(http.clone(), grant, now, store)?;
        Ok(BlueskyPublisher { http, service, web_base, auth: Auth::OAuth(session) })
    }

    /// Post addresses are `<web_base>/profile/<handle>/post/<rkey>` instead of bsky.app's.
    pub fn with_web_base(mut self, web_base: Url) -> Self {
        self.web_base = web_base;
        self
    }

    /// The account's DID and handle, logging in if needed: checks that the credentials work.
    pub async fn account(&self) -> Result<(String, String), PublishError> {
        let session = self.session().await?;
        Ok((session.did, session.handle))
    }

    pub(super) async fn session(&self) -> Result<Credential, PublishError> {
        self.auth.current().await.map_err(|e| self.session_error(e))
    }

    fn session_error(&self, error: SessionError) -> PublishError {
        match error {
            SessionError::Refused(failure) => PublishError::NeedsReconnection(format!(
                "Bluesky refused the {} of {}: {}",
                if self.auth.is_oauth() { "authorization" } else { "app password" },
                self.auth.label(),
                failure.message
            )),
            SessionError::Network(e) => network_error(e, Kind::Safe),
        }
    }

    /// Sends the request `build` makes with an access token; a refused token is renewed once. Failures other than
    /// authentication are returned for the caller to read (a missing record is an answer, not an error).
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        kind: Kind,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Outcome<T>, PublishError> {
        let session = self.session().await?;
        match self.send_once(kind, &build, &session.access).await? {
            Outcome::Failed(failure) if failure.is_auth() && !failure.is_scope() => {
                let fresh = self.auth.renew(&session.access).await.map_err(|e| self.session_error(e))?;
                match self.send_once(kind, &build, &fresh.access).await? {
                    Outcome::Failed(failure) if failure.is_auth() => Err(PublishError::NeedsReconnection(format!(
                        "Bluesky refused the session of {}: {}",
                        self.auth.label(),
                        failure.message
                    ))),
                    outcome => Ok(outcome),
                }
            }
            outcome => Ok(outcome),
        }
    }

    /// One request with `token`; under OAuth, sent again once with the nonce the PDS asks for.
    async fn send_once<T: DeserializeOwned>(
        &self,
        kind: Kind,
        build: &impl Fn() -> RequestBuilder,
        token: &str,
    ) -> Result<Outcome<T>, PublishError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = self.auth.authorize(build(), token).map_err(|e| network_error(e, Kind::Safe))?;
            let url = request.url().clone();
            let response = self.http.execute(request).await.map_err(|e| network_error(e.into(), kind))?;
            let (status, headers) = (response.status(), response.headers().clone());
            self.auth.observe(&url, &headers);
            let body = xrpc::read_capped(response).await.map_err(|e| network_error(e, kind))?;
            if attempt == 1 && self.auth.is_oauth() && asks_for_nonce(status, &headers, &body) {
                continue;
            }
            return xrpc::decode(status, &headers, &body).map_err(|e| network_error(e, kind));
        }
    }

    /// A call whose every failure is an error.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        kind: Kind,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<T, PublishError> {
        match self.send(kind, build).await? {
            Outcome::Ok(value) => Ok(value),
            Outcome::Failed(failure) => Err(failure_error(failure)),
        }
    }

    fn url(&self, nsid: &str) -> Result<Url, PublishError> {
        xrpc::method_url(&self.service, nsid).map_err(|e| PublishError::Permanent(e.to_string()))
    }

    pub(super) fn get(
        &self,
        nsid: &str,
        params: Vec<(&'static str, String)>,
    ) -> Result<impl Fn() -> RequestBuilder, PublishError> {
        let url = self.url(nsid)?;
        let http = self.http.clone();
        Ok(move || http.get(url.clone()).query(&params))
    }

    pub(super) fn post_json(&self, nsid: &str, body: Value) -> Result<impl Fn() -> RequestBuilder, PublishError> {
        let url = self.url(nsid)?;
        let http = self.http.clone();
        Ok(move || http.post(url.clone()).json(&body))
    }

    /// A chat call (`chat.bsky.*`): proxied by the PDS to the chat service.
    pub(super) fn chat_get(
        &self,
        nsid: &str,
        params: Vec<(&'static str, String)>,
    ) -> Result<impl Fn() -> RequestBuilder, PublishError> {
        let get = self.get(nsid, params)?;
        Ok(move || get().header("atproto-proxy", CHAT_PROXY))
    }

    /// A chat procedure (`chat.bsky.*`): proxied by the PDS to the chat service.
    pub(super) fn chat_post(&self, nsid: &str, body: Value) -> Result<impl Fn() -> RequestBuilder, PublishError> {
        let post = self.post_json(nsid, body)?;
        Ok(move || post().header("atproto-proxy", CHAT_PROXY))
    }

    /// The record at `uri`'s parts, `None` when the PDS (or the AppView it asks) has no such record.
    pub(super) async fn get_record(
        &self,
        repo: &str,
        collection: &str,
        rkey: &str,
    ) -> Result<Option<RecordOutput>, PublishError> {
        let params = vec![("repo", repo.to_owned()), ("collection", collection.to_owned()), ("rkey", rkey.to_owned())];
        match self.send(Kind::Safe, self.get("com.atproto.repo.getRecord", params)?).await? {
            Outcome::Ok(record) => Ok(Some(record)),
            Outcome::Failed(failure) if is_not_found(&failure) => Ok(None),
            Outcome::Failed(failure) => Err(failure_error(failure)),
        }
    }

    /// The post this publisher wrote under `post`'s record key, if it exists and is that post (same text).
    async fn existing(
        &self,
        session: &Credential,
        post: &OutgoingPost,
        rkey: &str,
    ) -> Result<Option<RemotePost>, PublishError> {
        let Some(record) = self.get_record(&session.did, POST, rkey).await? else { return Ok(None) };
        if record.value.get("text").and_then(Value::as_str) != Some(post.text.as_str()) {
            return Err(PublishError::Permanent(format!(
                "the record key {rkey} already holds another post (same creation time, colliding idempotency keys)"
            )));
        }
        Ok(Some(self.remote_post(session, record.uri, rkey)))
    }

    fn remote_post(&self, session: &Credential, uri: String, rkey: &str) -> RemotePost {
        let actor = if session.handle == "handle.invalid" { &session.did } else { &session.handle };
        let url = post_url(&self.web_base, actor, rkey).unwrap_or_else(|| uri.clone());
        RemotePost { remote_id: uri, url }
    }

    /// Each mentioned handle's DID; an unknown handle is a permanent refusal of the post.
    pub(super) async fn resolve_mentions(
        &self,
        handles: Vec<String>,
    ) -> Result<BTreeMap<String, String>, PublishError> {
        #[derive(Deserialize)]
        struct Resolved {
            did: String,
        }
        let mut dids = BTreeMap::new();
        for handle in handles {
            let build = self.get("com.atproto.identity.resolveHandle", vec![("handle", handle.clone())])?;
            match self.send::<Resolved>(Kind::Safe, build).await? {
                Outcome::Ok(Resolved { did }) if did.starts_with("did:") => {
                    dids.insert(handle, did);
                }
                Outcome::Ok(_) => {
                    return Err(PublishError::Permanent(format!("mention of unresolvable handle @{handle}")))
                }
                Outcome::Failed(failure) if failure.status == StatusCode::BAD_REQUEST => {
                    tracing::debug!(handle, message = %failure.message, "Bluesky: unknown mentioned handle");
                    return Err(PublishError::Permanent(format!("mention of unknown handle @{handle}")));
                }
                Outcome::Failed(failure) => return Err(failure_error(failure)),
            }
        }
        Ok(dids)
    }

    /// The `reply` field answering `parent_uri`: the parent's strong ref, and the root its own reply names (or the
    /// parent itself when it starts the thread).
    async fn reply_ref(&self, parent_uri: &str) -> Result<Value, PublishError> {
        let (repo, collection, rkey) = split_any_uri(parent_uri)
            .ok_or_else(|| PublishError::Permanent(format!("cannot reply to {parent_uri}: not an at:// record URI")))?;
        let parent = self
            .get_record(repo, collection, rkey)
            .await?
            .ok_or_else(|| PublishError::Permanent(format!("cannot reply to {parent_uri}: the post is gone")))?;
        let parent_ref = json!({ "uri": parent.uri, "cid": parent.cid });
        let root = parent
            .value
            .get("reply")
            .and_then(|r| r.get("root"))
            .filter(|r| r.get("uri").is_some_and(Value::is_string) && r.get("cid").is_some_and(Value::is_string))
            .map(|r| json!({ "uri": r["uri"], "cid": r["cid"] }))
            .unwrap_or_else(|| parent_ref.clone());
        Ok(json!({ "root": root, "parent": parent_ref }))
    }

    async fn upload(&self, media: &OutgoingMedia) -> Result<Value, PublishError> {
        #[derive(Deserialize)]
        struct Uploaded {
            blob: Value,
        }
        let url = self.url("com.atproto.repo.uploadBlob")?;
        let (http, mime, bytes) = (self.http.clone(), media.mime.clone(), media.bytes.clone());
        let build = move || http.post(url.clone()).header(CONTENT_TYPE, mime.as_str()).body(bytes.clone());
        let uploaded: Uploaded = self.call(Kind::Safe, build).await?;
        Ok(uploaded.blob)
    }

    async fn embed(&self, post: &OutgoingPost) -> Result<Option<Value>, PublishError> {
        if !post.media.is_empty() {
            let mut images = Vec::with_capacity(post.media.len());
            for media in &post.media {
                let blob = self.upload(media).await?;
                let mut image = json!({ "image": blob, "alt": media.alt });
                if media.width > 0 && media.height > 0 {
                    image["aspectRatio"] = json!({ "width": media.width, "height": media.height });
                }
                images.push(image);
            }
            return Ok(Some(json!({ "$type": "app.bsky.embed.images", "images": images })));
        }
        Ok(post.card.as_ref().map(|card| {
            json!({
                "$type": "app.bsky.embed.external",
                "external": { "uri": card.url, "title": card.title, "description": card.description },
            })
        }))
    }

    async fn publish_post(&self, post: &OutgoingPost) -> Result<RemotePost, PublishError> {
        if let Some(reply_to) = post.reply_to.as_deref().filter(|r| is_chat_id(r)) {
            return self.send_chat_message(post, reply_to).await;
        }
        check_media(&post.media)?;
        let rkey = key_of(post)?;
        let facets = bluesky_facets(&post.text);
        let dids = self.resolve_mentions(super::richtext::mentioned_handles(&facets)).await?;
        let session = self.session().await?;
        let mut record = json!({
            "$type": POST,
            "text": post.text,
            "createdAt": format!("{:.3}", post.created_at),
        });
        let facets = super::richtext::to_json(&facets, &dids);
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if let Some(language) = post.language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            record["langs"] = json!([language]);
        }
        if let Some(parent) = &post.reply_to {
            record["reply"] = self.reply_ref(parent).await?;
        }
        if let Some(embed) = self.embed(post).await? {
            record["embed"] = embed;
        }
        let body = json!({ "repo": session.did, "collection": POST, "rkey": rkey, "record": record });
        match self.send::<CreatedRecord>(Kind::Write, self.post_json("com.atproto.repo.createRecord", body)?).await {
            Ok(Outcome::Ok(created)) => Ok(self.remote_post(&session, created.uri, &rkey)),
            Ok(Outcome::Failed(failure)) if failure.status != StatusCode::TOO_MANY_REQUESTS => {
                // A repeat: the PDS refuses to create a record under a key it already holds.
                if let Some(existing) = self.existing(&session, post, &rkey).await? {
                    tracing::info!(rkey, message = %failure.message, "Bluesky: the post was already published");
                    return Ok(existing);
                }
                Err(failure_error(failure))
            }
            Ok(Outcome::Failed(failure)) => Err(failure_error(failure)),
            Err(e) => Err(e),
        }
    }

    async fn find_post(&self, post: &OutgoingPost) -> Result<Option<RemotePost>, PublishError> {
        if let Some(reply_to) = post.reply_to.as_deref().filter(|r| is_chat_id(r)) {
            return self.find_chat_message(post, reply_to).await;
        }
        let rkey = key_of(post)?;
        let session = self.session().await?;
        match self.existing(&session, post, &rkey).await {
            Err(PublishError::Permanent(_)) => Ok(None),
            other => other,
        }
    }

    async fn delete_post(&self, remote_id: &str) -> Result<(), PublishError> {
        if is_chat_id(remote_id) {
            return self.delete_chat_message(remote_id).await;
        }
        let (did, rkey) = split_post_uri(remote_id)
            .ok_or_else(|| PublishError::Permanent(format!("not a Bluesky post URI: {remote_id}")))?;
        let session = self.session().await?;
        if did != session.did {
            return Err(PublishError::Permanent(format!("{remote_id} belongs to another account")));
        }
        let body = json!({ "repo": did, "collection": POST, "rkey": rkey });
        let _: Value = self.call(Kind::Write, self.post_json("com.atproto.repo.deleteRecord", body)?).await?;
        Ok(())
    }

    async fn post_metrics(&self, remote_id: &str) -> Result<PostMetrics, PublishError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Counts {
            uri: String,
            like_count: Option<u64>,
            repost_count: Option<u64>,
            reply_count: Option<u64>,
            quote_count: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Posts {
            posts: Vec<Counts>,
        }
        let build = self.get("app.bsky.feed.getPosts", vec![("uris", remote_id.to_owned())])?;
        let posts: Posts = self.call(Kind::Safe, build).await?;
        let counts = posts.posts.into_iter().find(|p| p.uri == remote_id).ok_or_else(|| {
            PublishError::Permanent(format!("{remote_id} is not on the AppView (deleted, or not indexed yet)"))
        })?;
        Ok(PostMetrics {
            likes: counts.like_count.unwrap_or(0),
            reposts: counts.repost_count.unwrap_or(0),
            replies: counts.reply_count.unwrap_or(0),
            quotes: counts.quote_count,
        })
    }

    async fn follower_count(&self) -> Result<u64, PublishError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Profile {
            followers_count: Option<u64>,
        }
        let session = self.session().await?;
        let profile: Profile =
            self.call(Kind::Safe, self.get("app.bsky.actor.getProfile", vec![("actor", session.did)])?).await?;
        Ok(profile.followers_count.unwrap_or(0))
    }
}

impl Publisher for BlueskyPublisher {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            publish: true,
            delete: true,
            reply: true,
            content_warning: false,
            read_notifications: false,
            metrics: true,
            followers: true,
            refresh_credentials: true,
        }
    }

    fn publish<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<RemotePost, PublishError>> {
        Box::pin(self.publish_post(post))
    }

    fn find<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<Option<RemotePost>, PublishError>> {
        Box::pin(self.find_post(post))
    }

    fn delete<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(self.delete_post(remote_id))
    }

    fn metrics<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<PostMetrics, PublishError>> {
        Box::pin(self.post_metrics(remote_id))
    }

    fn followers(&self) -> BoxFuture<'_, Result<u64, PublishError>> {
        Box::pin(self.follower_count())
    }
}

fn key_of(post: &OutgoingPost) -> Result<String, PublishError> {
    record_key(&post.idempotency_key, post.created_at).ok_or_else(|| {
        PublishError::Permanent(format!("no Bluesky record key for a post created at {}", post.created_at))
    })
}

/// Refuses what Bluesky would refuse, before anything is sent.
fn check_media(media: &[OutgoingMedia]) -> Result<(), PublishError> {
    if media.len() > MAX_IMAGES {
        return Err(PublishError::Permanent(format!(
            "{} images: Bluesky takes at most {MAX_IMAGES} per post",
            media.len()
        )));
    }
    for (i, m) in media.iter().enumerate() {
        if !m.mime.starts_with("image/") {
            return Err(PublishError::Permanent(format!(
                "attachment {} is {}: only images are published on Bluesky",
                i + 1,
                m.mime
            )));
        }
        if m.bytes.len() > MAX_IMAGE_BYTES {
            return Err(PublishError::Permanent(format!(
                "image {} weighs {} bytes: Bluesky takes at most {MAX_IMAGE_BYTES}",
                i + 1,
                m.bytes.len()
            )));
        }
    }
    Ok(())
}

/// `at://<repo>/<collection>/<rkey>` → its three parts (any collection: one may reply to any post URI).
fn split_any_uri(uri: &str) -> Option<(&str, &str, &str)> {
    let mut parts = uri.strip_prefix("at://")?.split('/');
    let (repo, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = parts.next().is_none() && !repo.is_empty() && !collection.is_empty() && !rkey.is_empty();
    ok.then_some((repo, collection, rkey))
}

/// `getRecord` has no such record: `RecordNotFound` (the PDS), or the AppView's 400/404 for a foreign one.
pub(super) fn is_not_found(failure: &Failure) -> bool {
    failure.error.as_deref() == Some("RecordNotFound")
        || failure.status == StatusCode::NOT_FOUND
        || (failure.status == StatusCode::BAD_REQUEST && failure.message.contains("Could not locate record"))
}

/// A non-2xx answer in the engine's terms.
pub(super) fn failure_error(failure: Failure) -> PublishError {
    if failure.status == StatusCode::TOO_MANY_REQUESTS {
        PublishError::RateLimited { retry_after: failure.retry_after_secs.map(Duration::from_secs) }
    } else if failure.is_auth() {
        PublishError::NeedsReconnection(failure.message)
    } else if failure.status.is_server_error() {
        PublishError::Transient(format!("Bluesky answered HTTP {}: {}", failure.status.as_u16(), failure.message))
    } else {
        PublishError::Permanent(failure.message)
    }
}

/// A transport or protocol failure in the engine's terms: a write that timed out or broke after being sent may
/// have happened.
fn network_error(error: NetworkError, kind: Kind) -> PublishError {
    match error {
        NetworkError::Transport(e) if e.is_connect() => PublishError::Transient(format!("cannot reach Bluesky: {e}")),
        NetworkError::Transport(e) if e.is_builder() => PublishError::Permanent(e.to_string()),
        NetworkError::Transport(e) if kind == Kind::Write => {
            PublishError::Unknown(format!("Bluesky did not answer the write: {e}"))
        }
        NetworkError::Transport(e) => PublishError::Transient(format!("Bluesky request failed: {e}")),
        NetworkError::RateLimited { retry_after_secs, .. } => {
            PublishError::RateLimited { retry_after: retry_after_secs.map(Duration::from_secs) }
        }
        NetworkError::Auth { message, .. } => PublishError::NeedsReconnection(message),
        NetworkError::Status { status, message, .. } if status >= 500 => {
            PublishError::Transient(format!("Bluesky answered HTTP {status}: {message}"))
        }
        NetworkError::Status { message, .. } => PublishError::Permanent(message),
        NetworkError::Protocol { message, .. } if kind == Kind::Write => PublishError::Unknown(message),
        NetworkError::Protocol { message, .. } => PublishError::Transient(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(bytes: usize, mime: &str) -> OutgoingMedia {
        OutgoingMedia { bytes: vec![0; bytes], mime: mime.into(), alt: String::new(), width: 1, height: 1 }
    }

    #[test]
    fn too_many_or_too_large_images_are_refused_before_sending() {
        assert!(check_media(&[image(10, "image/png")]).is_ok());
        assert!(matches!(check_media(&vec![image(10, "image/png"); 5]), Err(PublishError::Permanent(_))));
        assert!(matches!(check_media(&[image(MAX_IMAGE_BYTES + 1, "image/jpeg")]), Err(PublishError::Permanent(_))));
        assert!(matches!(check_media(&[image(10, "video/mp4")]), Err(PublishError::Permanent(_))));
    }

    #[test]
    fn answers_are_classified_for_the_engine() {
        let failure = |status: u16, error: Option<&str>| Failure {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            error: error.map(str::to_owned),
            message: "m".into(),
            retry_after_secs: Some(7),
        };
        assert_eq!(
            failure_error(failure(429, None)),
            PublishError::RateLimited { retry_after: Some(Duration::from_secs(7)) }
        );
        assert!(matches!(failure_error(failure(400, Some("ExpiredToken"))), PublishError::NeedsReconnection(_)));
        assert!(matches!(failure_error(failure(502, None)), PublishError::Transient(_)));
        assert!(matches!(failure_error(failure(400, Some("InvalidRequest"))), PublishError::Permanent(_)));
        assert!(is_not_found(&failure(400, Some("RecordNotFound"))));
        assert!(!is_not_found(&failure(500, None)));
    }

    #[test]
    fn reply_targets_are_at_uris() {
        assert_eq!(
            split_any_uri("at://did:plc:a/app.bsky.feed.post/3k"),
            Some(("did:plc:a", "app.bsky.feed.post", "3k"))
        );
        assert_eq!(split_any_uri("https://bsky.app/profile/a/post/3k"), None);
        assert_eq!(split_any_uri("at://did:plc:a/app.bsky.feed.post"), None);
    }
}
