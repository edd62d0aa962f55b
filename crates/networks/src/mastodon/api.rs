//! The Mastodon REST wire format we read: only the fields we rely on, checked against real Mastodon 4.6
//! recordings (tests/mastodon_recorded.rs). Everything else in the answers is ignored.

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::NetworkError;

/// Name used in errors.
pub(crate) const NETWORK: &str = "mastodon";

/// A status (post). Counts default to zero and optional texts to empty when a server leaves them
/// out: one odd field must not cost a whole page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Status {
    /// Local to the instance we asked: what `min_id`/`max_id` compare against.
    pub id: String,
    /// The ActivityPub id: stable across instances.
    pub uri: String,
    /// The public web page; `null` for some remote statuses.
    #[serde(default)]
    pub url: Option<String>,
    pub created_at: Timestamp,
    pub account: Account,
    /// Server-rendered HTML: hostile input.
    pub content: String,
    /// The content warning, plain text; empty when none.
    #[serde(default)]
    pub spoiler_text: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub favourites_count: i64,
    #[serde(default)]
    pub reblogs_count: i64,
    #[serde(default)]
    pub replies_count: i64,
    /// When this status is a boost, the boosted status (what we report instead).
    #[serde(default)]
    pub reblog: Option<Box<Status>>,
    /// The status this one answers (an id local to the instance we asked).
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    /// `public`, `unlisted`, `private` or `direct`.
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub media_attachments: Vec<MediaAttachment>,
    /// Mastodon 4.5+: the status this one quotes (`null` when it quotes none; absent on older servers).
    #[serde(default)]
    pub quote: Option<Quote>,
}

/// A status's `quote` (Mastodon 4.5+): the quoted status, hidden (`null`) unless the quote is accepted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Quote {
    /// `accepted`, `pending`, `rejected`, `revoked`, …
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub quoted_status: Option<Box<Status>>,
}

/// `GET /api/v1/notifications`: one notification (we ask for `mention` and `quote` only).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Notification {
    /// Compared as a number (`min_id`), like status ids.
    pub id: String,
    /// `mention`, `quote`, `favourite`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: Timestamp,
    /// Who acted (the status's author for mentions and quotes).
    pub account: Account,
    /// The mentioning or quoting status; absent for types without one.
    #[serde(default)]
    pub status: Option<Status>,
}

/// `GET /api/v1/statuses/:id/context`: the thread around a status, as far as the token may see it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Context {
    /// Oldest first: the thread's root, …, the direct parent.
    #[serde(default)]
    pub ancestors: Vec<Status>,
    #[serde(default)]
    pub descendants: Vec<Status>,
}

/// An uploaded image, video or sound (`POST /api/v2/media`, `GET /api/v1/media/:id`, a status's
/// `media_attachments`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MediaAttachment {
    pub id: String,
    /// `image`, `gifv`, `video`, `audio` or `unknown`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `null` while the server is still processing the file (the upload answered 202).
    #[serde(default)]
    pub url: Option<String>,
    /// The alternative text.
    #[serde(default)]
    pub description: Option<String>,
}

/// The author of a status.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Account {
    pub id: String,
    /// `user` for an account of the instance we asked, `user@domain` for a remote one.
    pub acct: String,
    #[serde(default)]
    pub display_name: String,
    /// Some servers send `-1` for hidden counts: signed on purpose.
    #[serde(default)]
    pub followers_count: Option<i64>,
    /// The profile's web page.
    #[serde(default)]
    pub url: Option<String>,
}

/// `GET /api/v2/search` (we ask for statuses only).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SearchResults {
    #[serde(default)]
    pub statuses: Vec<Status>,
}

/// `GET /api/v2/instance`: only where its streaming server lives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Instance {
    pub domain: String,
    #[serde(default)]
    pub configuration: Option<InstanceConfiguration>,
}

/// `configuration` of [`Instance`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InstanceConfiguration {
    #[serde(default)]
    pub urls: Option<InstanceUrls>,
    #[serde(default)]
    pub statuses: Option<StatusesConfiguration>,
    #[serde(default)]
    pub media_attachments: Option<MediaConfiguration>,
}

/// `configuration.statuses` of [`Instance`]: what a status may hold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusesConfiguration {
    #[serde(default)]
    pub max_characters: Option<u32>,
    #[serde(default)]
    pub max_media_attachments: Option<u32>,
    #[serde(default)]
    pub characters_reserved_per_url: Option<u32>,
}

/// `configuration.media_attachments` of [`Instance`]: what an upload may be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MediaConfiguration {
    #[serde(default)]
    pub supported_mime_types: Option<Vec<String>>,
    /// Bytes.
    #[serde(default)]
    pub image_size_limit: Option<u64>,
    /// Bytes.
    #[serde(default)]
    pub video_size_limit: Option<u64>,
}

/// `configuration.urls` of [`Instance`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InstanceUrls {
    /// Usually a `wss://` URL; the same server answers Server-Sent Events over `https://`.
    #[serde(default)]
    pub streaming: Option<String>,
}

impl Instance {
    /// The streaming server's URL, when the instance says where it is.
    pub fn streaming_url(&self) -> Option<&str> {
        self.configuration.as_ref()?.urls.as_ref()?.streaming.as_deref().filter(|s| !s.trim().is_empty())
    }
}

/// `POST /api/v1/apps`: an OAuth application registered on one instance.
#[derive(Clone, PartialEq, Deserialize)]
pub struct Application {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").field("client_id", &self.client_id).field("client_secret", &"<redacted>").finish()
    }
}

/// `POST /oauth/token`.
#[derive(Clone, PartialEq, Deserialize)]
pub struct Token {
    pub access_token: String,
    #[serde(default)]
    pub token_type: Option<String>,
    /// Space-separated scopes granted.
    #[serde(default)]
    pub scope: Option<String>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .finish()
    }
}

/// The body of an error answer: `{"error": "..."}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ApiError {
    pub error: String,
}

/// Parses a JSON body, naming the path of the field when serde finds a wrong one
/// (`[3].account.acct: invalid type: null, expected a string`).
pub fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, NetworkError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(e, what))?;
    de.end().map_err(|e| NetworkError::Protocol { network: NETWORK, message: format!("{what}: {e}") })?;
    Ok(value)
}

/// [`parse`] for a value already read as JSON (one element of a list read leniently).
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T, NetworkError> {
    serde_path_to_error::deserialize(value).map_err(|e| path_error(e, what))
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>, what: &str) -> NetworkError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let message = if path == "." || path.is_empty() {
        format!("{what}: {inner}")
    } else {
        format!("{what}: field `{path}`: {inner}")
    };
    NetworkError::Protocol { network: NETWORK, message }
}
