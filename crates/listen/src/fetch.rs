//! Polite fetching of one address: conditional GET (ETag, Last-Modified), redirects followed by
//! hand (each hop checked; a chain of permanent moves reported so the stored address is updated),
//! the server's timing wishes read (`Retry-After`, `Cache-Control: max-age`), and the body read
//! with a size limit.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use url::Url;

use crate::guard::{check_url, GuardError, HttpSettings};

/// The validators of the last successful fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A body that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Where the body actually came from (after redirects).
    pub final_url: Url,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub validators: Validators,
}

/// What a fetch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOutcome {
    /// `None` when the server answered 304 Not Modified.
    pub fetched: Option<Fetched>,
    /// Every hop was a permanent redirect (301/308): the address to store from now on.
    pub moved_to: Option<Url>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// `Retry-After` on a successful answer (rare, but honoured).
    pub retry_after: Option<Duration>,
}

/// Why a fetch failed; the text is what the sources page shows.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused address: {0}")]
    Guard(#[from] GuardError),
    #[error("bad address: {0}")]
    Url(#[from] url::ParseError),
    #[error("the server took too long (over {0:?})")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("request failed: {0}")]
    Transport(String),
    #[error("the server answered HTTP {status}")]
    Status { status: u16, retry_after: Option<Duration> },
    #[error("the server asks us to slow down (HTTP {status})")]
    Throttled { status: u16, retry_after: Option<Duration> },
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("a redirect without a Location header")]
    RedirectWithoutLocation,
    #[error("the answer is larger than {0} bytes; stopped")]
    TooLarge(usize),
}

impl FetchError {
    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } | FetchError::Throttled { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    fn from_reqwest(e: reqwest::Error, settings: &HttpSettings) -> Self {
        if e.is_timeout() {
            return FetchError::Timeout(settings.timeout);
        }
        // A refusal by the guarded resolver surfaces as a connect error whose source is ours.
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
        while let Some(s) = source {
            if let Some(g) = s.downcast_ref::<GuardError>() {
                return FetchError::Guard(g.clone());
            }
            source = s.source();
        }
        if e.is_connect() {
            return FetchError::Connect(error_chain(&e));
        }
        FetchError::Transport(error_chain(&e))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

const ACCEPT_FEEDS: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, \
     application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5";

/// Fetches `url` politely. `validators` make it a conditional GET.
pub async fn fetch(
    client: &reqwest::Client,
    settings: &HttpSettings,
    url: &Url,
    validators: &Validators,
) -> Result<FetchOutcome, FetchError> {
    let mut current = url.clone();
    let mut all_permanent = true;
    for _hop in 0..=settings.max_redirects {
        check_url(&current, settings.allow_private)?;
        let mut request = client.get(current.clone()).header(header::ACCEPT, ACCEPT_FEEDS);
        // Validators belong to the stored address; after a redirect they may not apply, but
        // servers ignore validators they do not recognise, so sending them is harmless.
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, lm);
        }
        let response = request.send().await.map_err(|e| FetchError::from_reqwest(e, settings))?;
        let status = response.status();
        let headers = response.headers().clone();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(FetchError::RedirectWithoutLocation)?;
            all_permanent &= matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
            current = current.join(location)?;
            continue;
        }
        let moved_to = (all_permanent && current != *url).then(|| current.clone());
        let retry_after = retry_after(&headers);
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome { fetched: None, moved_to, max_age: max_age(&headers), retry_after });
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            return Err(FetchError::Throttled { status: status.as_u16(), retry_after });
        }
        if !status.is_success() {
            return Err(FetchError::Status { status: status.as_u16(), retry_after });
        }
        if let Some(len) = response.content_length() {
            if len > settings.max_body_bytes as u64 {
                return Err(FetchError::TooLarge(settings.max_body_bytes));
            }
        }
        let body = read_limited(response, settings).await?;
        let fetched = Fetched {
            final_url: current.clone(),
            body,
            content_type: text_header(&headers, header::CONTENT_TYPE),
            validators: Validators {
                etag: text_header(&headers, header::ETAG),
                last_modified: text_header(&headers, header::LAST_MODIFIED),
            },
        };
        return Ok(FetchOutcome { fetched: Some(fetched), moved_to, max_age: max_age(&headers), retry_after });
    }
    Err(FetchError::TooManyRedirects(settings.max_redirects))
}

async fn read_limited(response: reqwest::Response, settings: &HttpSettings) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| FetchError::from_reqwest(e, settings))?;
        if body.len() + chunk.len() > settings.max_body_bytes {
            return Err(FetchError::TooLarge(settings.max_body_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn text_header(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(500).collect())
}

/// `Retry-After` as seconds or as an HTTP date (relative to the server's own `Date` when given,
/// so clock differences between us and the server do not matter).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let server_now =
        headers.get(header::DATE).and_then(|d| d.to_str().ok()).and_then(|d| httpdate::parse_http_date(d).ok())?;
    Some(at.duration_since(server_now).unwrap_or(Duration::ZERO))
}

/// `Cache-Control: max-age=N` (ignoring `no-cache`/`no-store`, which say nothing about polling).
pub fn max_age(headers: &HeaderMap) -> Option<Duration> {
    headers.get_all(header::CACHE_CONTROL).iter().filter_map(|v: &HeaderValue| v.to_str().ok()).find_map(|v| {
        v.split(',')
            .find_map(|d| d.trim().strip_prefix("max-age=").and_then(|n| n.trim_matches('"').parse::<u64>().ok()))
            .map(Duration::from_secs)
    })
}
