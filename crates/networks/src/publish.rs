//! Publishing behind one trait: what the publishing engine asks of any network (publish, read back, delete, reply,
//! metrics, follower counts, limits) and how every network's errors are classified for it. X, Facebook Pages,
//! Instagram and LinkedIn plug in as further implementations without the engine changing.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What one network can do, so the engine and the interface offer only what exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub publish: bool,
    pub delete: bool,
    pub reply: bool,
    pub content_warning: bool,
    pub read_notifications: bool,
    pub metrics: bool,
    pub followers: bool,
    pub refresh_credentials: bool,
}

/// One image (or video) to attach, with its alternative text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMedia {
    pub bytes: Vec<u8>,
    pub mime: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

/// Who may see a post (Mastodon's visibilities; other networks publish publicly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
    Direct,
}

/// A link card to show under the post (Bluesky's external embed; Mastodon builds its own from the first link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCard {
    pub url: String,
    pub title: String,
    pub description: String,
}

/// A post to publish on one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingPost {
    /// The same for every attempt of this delivery: Mastodon's `Idempotency-Key`, the seed of Bluesky's record key.
    pub idempotency_key: String,
    pub text: String,
    pub media: Vec<OutgoingMedia>,
    pub content_warning: Option<String>,
    pub visibility: Visibility,
    /// BCP-47 language of the text (`fr`).
    pub language: Option<String>,
    /// The remote id of the post this one answers.
    pub reply_to: Option<String>,
    pub card: Option<OutgoingCard>,
    /// When the post was created by us (Bluesky's `createdAt`; stable across attempts).
    pub created_at: jiff::Timestamp,
}

/// A post as it exists on the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePost {
    /// The network's id (`at://did/app.bsky.feed.post/rkey`, a Mastodon status id).
    pub remote_id: String,
    /// Its public address.
    pub url: String,
}

/// Counts read back from a published post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostMetrics {
    pub likes: u64,
    pub reposts: u64,
    pub replies: u64,
    pub quotes: Option<u64>,
}

/// How a call failed, in the engine's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// Worth retrying soon (5xx, a connection refused before anything was sent).
    #[error("{0}")]
    Transient(String),
    #[error("rate-limited{}", retry_after.map(|d| format!("; retry after {} s", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    /// The network refused this post; its own message.
    #[error("{0}")]
    Permanent(String),
    /// Expired or revoked credentials.
    #[error("{0}")]
    NeedsReconnection(String),
    /// The request may have reached the network (a time-out after sending): read back before retrying.
    #[error("{0}")]
    Unknown(String),
}

/// A boxed future, so the trait can be used as `dyn Publisher`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One connected account on one network, ready to publish. Implementations hold their credentials and HTTP client.
pub trait Publisher: Send + Sync {
    fn capabilities(&self) -> Capabilities;

    /// Publishes `post`. Repeating it with the same `idempotency_key` must not make a second post.
    fn publish<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<RemotePost, PublishError>>;

    /// The post an earlier attempt with this key made, if the network has it (read back after an unknown outcome).
    fn find<'a>(&'a self, post: &'a OutgoingPost) -> BoxFuture<'a, Result<Option<RemotePost>, PublishError>>;

    fn delete<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<(), PublishError>>;

    fn metrics<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<PostMetrics, PublishError>>;

    fn followers(&self) -> BoxFuture<'_, Result<u64, PublishError>>;
}
