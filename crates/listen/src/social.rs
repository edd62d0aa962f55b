//! The social searches of a source: which network client to call with its address, terms and
//! cursor. The networks crate does the talking.

use filrouge_domain::source::{SourceKind, SourceSpec};
use filrouge_networks::bluesky::Bluesky;
use filrouge_networks::mastodon::Mastodon;
use filrouge_networks::{FoundPost, NetworkError, Page};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use url::Url;

use crate::guard::{check_url, GuardError, HttpSettings};

/// Why a social search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SocialError {
    #[error("refused address: {0}")]
    Guard(#[from] GuardError),
    #[error("bad address: {0}")]
    Url(#[from] url::ParseError),
    #[error("{0}")]
    Network(#[from] NetworkError),
    #[error("a {0} source cannot be searched")]
    NotSocial(&'static str),
}

impl SocialError {
    /// How long the network asked us to wait, when it is rate-limiting us.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            SocialError::Network(NetworkError::RateLimited { retry_after_secs, .. }) => {
                Some(std::time::Duration::from_secs(retry_after_secs.unwrap_or(15 * 60)))
            }
            _ => None,
        }
    }
}

/// Posts per search call.
pub const PAGE_SIZE: u32 = 40;

/// Runs the source's search after `cursor`. `credentials` (handle, app password) authenticate on
/// Bluesky, `token` on Mastodon, when the client has a connected account there.
pub async fn search(
    http: &reqwest::Client,
    settings: &HttpSettings,
    spec: &SourceSpec,
    cursor: Option<&str>,
    credentials: Option<(String, String)>,
) -> Result<Page, SocialError> {
    let service = Url::parse(&spec.url)?;
    check_url(&service, settings.allow_private)?;
    match spec.kind {
        SourceKind::Feed => Err(SocialError::NotSocial("feed")),
        SourceKind::Bluesky => {
            let client = Bluesky::new(http.clone(), service, credentials);
            Ok(client.search(&spec.query, cursor, PAGE_SIZE).await?)
        }
        SourceKind::Mastodon => {
            let client = Mastodon::new(http.clone(), service, credentials.map(|(_, token)| token));
            match spec.query.strip_prefix('#') {
                Some(tag) => Ok(client.hashtag(tag, cursor, PAGE_SIZE).await?),
                None => Ok(client.search(&spec.query, cursor, PAGE_SIZE).await?),
            }
        }
    }
}

/// Whether a source can be followed live: a Mastodon hashtag (instances stream hashtags).
pub fn streams(spec: &SourceSpec) -> bool {
    spec.kind == SourceKind::Mastodon && spec.query.starts_with('#')
}

/// Follows a Mastodon hashtag live (server-sent events). `http` must come from
/// [`crate::guard::streaming_client`]: a total time limit would cut the stream.
pub async fn stream(
    http: &reqwest::Client,
    settings: &HttpSettings,
    spec: &SourceSpec,
    token: Option<String>,
) -> Result<BoxStream<'static, Result<FoundPost, NetworkError>>, SocialError> {
    if !streams(spec) {
        return Err(SocialError::NotSocial("non-streaming"));
    }
    let instance = Url::parse(&spec.url)?;
    check_url(&instance, settings.allow_private)?;
    let client = Mastodon::new(http.clone(), instance, token);
    Ok(client.stream_hashtag(&spec.query).await?.boxed())
}
