//! A listening source of a client: what to watch (a feed, a Bluesky search, a Mastodon hashtag or
//! search), whether it is active, and its health as last seen by the poller.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, SourceId};
use crate::validate::{optional_text, required_text};
use crate::Invalid;

/// Where a source reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// RSS, Atom or JSON Feed at `url` (blogs, forums, news, Google Alerts).
    Feed,
    /// Bluesky posts matching `query`, through the service at `url`.
    Bluesky,
    /// Mastodon posts on the instance at `url`: `#tag` reads the hashtag timeline, other text searches.
    Mastodon,
}

impl SourceKind {
    pub const ALL: [SourceKind; 3] = [SourceKind::Feed, SourceKind::Bluesky, SourceKind::Mastodon];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Bluesky => "bluesky",
            SourceKind::Mastodon => "mastodon",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let v = value.trim().to_ascii_lowercase();
        match v.as_str() {
            "feed" | "rss" | "atom" => Ok(SourceKind::Feed),
            "bluesky" | "bsky" => Ok(SourceKind::Bluesky),
            "mastodon" => Ok(SourceKind::Mastodon),
            _ => Err(Invalid::new("kind", format!("unknown source kind '{value}' (feed, bluesky, mastodon)"))),
        }
    }

    /// Whether the source needs search terms.
    pub fn needs_query(self) -> bool {
        !matches!(self, SourceKind::Feed)
    }
}

/// A validated description of a source, as entered by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSpec {
    pub kind: SourceKind,
    pub name: String,
    /// Feed address, or the network service/instance address.
    pub url: String,
    /// Search terms or `#hashtag` for social sources; empty for feeds.
    pub query: String,
}

pub const DEFAULT_BLUESKY_SERVICE: &str = "https://bsky.social";

impl SourceSpec {
    /// Validates what a person typed. Feed and instance addresses must be absolute `http(s)` URLs
    /// (whether they may point inside the network is decided later, after DNS resolution).
    pub fn parse(kind: SourceKind, name: &str, url: &str, query: &str) -> Result<Self, Invalid> {
        let url = url.trim();
        let url = if url.is_empty() && kind == SourceKind::Bluesky { DEFAULT_BLUESKY_SERVICE } else { url };
        let url = required_text("url", url, 2000)?;
        check_http_url("url", &url)?;
        let query = optional_text("query", query, 500)?;
        if kind.needs_query() && query.is_empty() {
            return Err(Invalid::new("query", "a social source needs search terms or a #hashtag"));
        }
        if kind == SourceKind::Mastodon
            && query.starts_with('#')
            && query[1..].chars().any(|c| !c.is_alphanumeric() && c != '_')
        {
            return Err(Invalid::new("query", "a hashtag has only letters, digits and '_'"));
        }
        let name = optional_text("name", name, 120)?;
        let name = if name.is_empty() {
            match kind {
                SourceKind::Feed => url.clone(),
                _ => format!("{} · {query}", kind.as_str()),
            }
        } else {
            name
        };
        Ok(Self { kind, name, url, query: if kind.needs_query() { query } else { String::new() } })
    }
}

/// Refuses anything but an absolute `http://` or `https://` address with a host.
pub fn check_http_url(field: &str, url: &str) -> Result<(), Invalid> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| Invalid::new(field, "must start with http:// or https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') || host.chars().any(char::is_whitespace) {
        return Err(Invalid::new(field, "must name a host"));
    }
    Ok(())
}

/// Whether the poller reads the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    Active,
    Paused,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Active => "active",
            SourceStatus::Paused => "paused",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        match value {
            "active" => Ok(SourceStatus::Active),
            "paused" => Ok(SourceStatus::Paused),
            _ => Err(Invalid::new("status", format!("unknown status '{value}'"))),
        }
    }
}

/// How the last fetch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchStatus {
    /// New content read.
    Ok,
    /// The server said nothing changed (HTTP 304) or there was nothing new.
    NotModified,
    /// The fetch failed; see the error.
    Error,
}

impl FetchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FetchStatus::Ok => "ok",
            FetchStatus::NotModified => "not_modified",
            FetchStatus::Error => "error",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "ok" => Some(FetchStatus::Ok),
            "not_modified" => Some(FetchStatus::NotModified),
            "error" => Some(FetchStatus::Error),
            _ => None,
        }
    }
}

/// A source as stored, with its health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub client_id: ClientId,
    pub spec: SourceSpec,
    pub status: SourceStatus,
    pub created_at: Timestamp,
    pub health: SourceHealth,
}

/// What the poller knows about a source: when it last ran and how, and when it runs next.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceHealth {
    pub last_fetch: Option<Timestamp>,
    pub last_status: Option<FetchStatus>,
    pub last_error: Option<String>,
    pub next_fetch: Option<Timestamp>,
    pub consecutive_failures: u32,
    pub mentions_total: u64,
    /// HTTP validators for conditional GET, and the social cursor.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<String>,
}
