//! XRPC over HTTP for the Bluesky client: building method URLs, reading capped bodies, and turning
//! non-2xx answers (with their `{"error", "message"}` bodies) into [`NetworkError`]s.

use jiff::Timestamp;
use reqwest::header::HeaderMap;
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::NetworkError;

pub(crate) const NETWORK: &str = "Bluesky";

/// Largest response body read; a larger one is a protocol error (the server is hostile input).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// `<service>/xrpc/<nsid>`, keeping any path the service URL has.
pub(crate) fn method_url(service: &Url, nsid: &str) -> Result<Url, NetworkError> {
    let mut url = service.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .map_err(|()| protocol(format!("service URL {service} cannot take a path")))?
        .pop_if_empty()
        .extend(["xrpc", nsid]);
    Ok(url)
}

pub(crate) fn protocol(message: impl Into<String>) -> NetworkError {
    NetworkError::Protocol { network: NETWORK, message: message.into() }
}

/// A failed XRPC call, kept apart from [`NetworkError`] until the caller knows whether to retry
/// with a fresh session.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: StatusCode,
    /// The XRPC error name (`ExpiredToken`, `AuthenticationRequired`, …), if the body had one.
    pub(crate) error: Option<String>,
    pub(crate) message: String,
    pub(crate) retry_after_secs: Option<u64>,
}

impl Failure {
    /// Whether a new access token could help: 401, or the 400 `ExpiredToken`/`InvalidToken` that
    /// PDSes answer for a stale token.
    pub(crate) fn is_auth(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
            || matches!(self.error.as_deref(), Some("ExpiredToken" | "InvalidToken" | "AuthenticationRequired"))
    }

    /// Whether the token was refused for lacking a scope (an app password without the chat permission, on a
    /// chat call): a renewed session would be refused the same way.
    pub(crate) fn is_scope(&self) -> bool {
        let message = self.message.to_ascii_lowercase();
        message.contains("token scope") || message.contains("required scope")
    }

    pub(crate) fn into_error(self) -> NetworkError {
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            NetworkError::RateLimited { network: NETWORK, retry_after_secs: self.retry_after_secs }
        } else if self.is_auth() {
            NetworkError::Auth { network: NETWORK, message: self.message }
        } else {
            NetworkError::Status { network: NETWORK, status: self.status.as_u16(), message: self.message }
        }
    }
}

/// Either a decoded answer or a failure that may be retried after logging in again.
pub(crate) enum Outcome<T> {
    Ok(T),
    Failed(Failure),
}

/// Reads a response: on 2xx decodes the (capped) JSON body, otherwise describes the failure.
pub(crate) async fn read<T: DeserializeOwned>(response: Response) -> Result<Outcome<T>, NetworkError> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_capped(response).await?;
    decode(status, &headers, &body)
}

/// [`read`] of an answer whose body was already read.
pub(crate) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Outcome<T>, NetworkError> {
    if status.is_success() {
        return serde_json::from_slice(body)
            .map(Outcome::Ok)
            .map_err(|e| protocol(format!("cannot decode the answer: {e}")));
    }
    #[derive(serde::Deserialize)]
    struct XrpcError {
        error: Option<String>,
        /// XRPC's `message`, or OAuth's `error_description`.
        #[serde(alias = "error_description")]
        message: Option<String>,
    }
    let parsed: Option<XrpcError> = serde_json::from_slice(body).ok();
    let error = parsed.as_ref().and_then(|p| p.error.clone()).map(|e| truncate(&e, 200));
    let detail = parsed.and_then(|p| p.message).map(|m| truncate(&m, 500));
    let message = match (&error, detail) {
        (Some(e), Some(m)) => format!("{e}: {m}"),
        (Some(e), None) => e.clone(),
        (None, Some(m)) => m,
        (None, None) => status.canonical_reason().unwrap_or("no reason given").to_owned(),
    };
    let retry_after_secs = if status == StatusCode::TOO_MANY_REQUESTS { retry_after(headers) } else { None };
    Ok(Outcome::Failed(Failure { status, error, message, retry_after_secs }))
}

pub(crate) async fn read_capped(mut response: Response) -> Result<Vec<u8>, NetworkError> {
    if response.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(protocol(format!("answer larger than {MAX_BODY_BYTES} bytes")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(protocol(format!("answer larger than {MAX_BODY_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Seconds to wait, from `Retry-After` (seconds or an HTTP date) or from Bluesky's
/// `ratelimit-reset` (epoch seconds). Dates are measured against the answer's own `Date` header,
/// so no local clock is read.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<u64> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let server_now = text("date").and_then(http_date);
    if let Some(value) = text("retry-after") {
        if let Ok(secs) = value.parse::<u64>() {
            return Some(secs);
        }
        if let (Some(when), Some(now)) = (http_date(value), server_now) {
            return Some(seconds_between(now, when));
        }
    }
    let reset = text("ratelimit-reset")?.parse::<i64>().ok()?;
    let now = server_now?;
    let when = Timestamp::from_second(reset).ok()?;
    Some(seconds_between(now, when))
}

fn http_date(value: &str) -> Option<Timestamp> {
    jiff::fmt::rfc2822::parse(value).ok().map(|z| z.timestamp())
}

fn seconds_between(now: Timestamp, later: Timestamp) -> u64 {
    u64::try_from(later.as_second().saturating_sub(now.as_second())).unwrap_or(0)
}

/// At most `max` bytes of `s`, cut at a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn method_urls_keep_the_service_path() {
        let plain = Url::parse("http://localhost:2583").unwrap();
        assert_eq!(method_url(&plain, "a.b.c").unwrap().as_str(), "http://localhost:2583/xrpc/a.b.c");
        let nested = Url::parse("https://example.org/bsky/?x=1").unwrap();
        assert_eq!(method_url(&nested, "a.b.c").unwrap().as_str(), "https://example.org/bsky/xrpc/a.b.c");
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_ratelimit_reset() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("42"));
        assert_eq!(retry_after(&h), Some(42));
        let mut h = HeaderMap::new();
        h.insert("date", HeaderValue::from_static("Wed, 01 Jan 2025 00:00:00 GMT"));
        h.insert("retry-after", HeaderValue::from_static("Wed, 01 Jan 2025 00:01:30 GMT"));
        assert_eq!(retry_after(&h), Some(90));
        let mut h = HeaderMap::new();
        h.insert("date", HeaderValue::from_static("Wed, 01 Jan 2025 00:00:00 GMT"));
        h.insert("ratelimit-reset", HeaderValue::from_static("1735689610"));
        assert_eq!(retry_after(&h), Some(10));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
