//! HTTP answers from a Mastodon instance turned into bytes or typed errors: bounded bodies, rate limits
//! (`Retry-After`, or Mastodon's own `X-RateLimit-Reset`), authentication and other refusals.

use jiff::Timestamp;
use reqwest::header::{HeaderMap, ACCEPT, DATE, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::api::{ApiError, NETWORK};
use crate::NetworkError;

/// Largest response body we accept (4 MiB): a page of 40 statuses is about 100 KiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How much of an error answer we read to find its message.
const MAX_ERROR_BODY_BYTES: usize = 16 * 1024;

/// How much of a server's error message goes into our error.
const MAX_MESSAGE_CHARS: usize = 300;

/// Passes a successful answer through; turns any other into the matching [`NetworkError`].
pub(crate) async fn check(resp: Response) -> Result<Response, NetworkError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let (status, headers, message) = refusal(resp).await;
    Err(match status {
        StatusCode::TOO_MANY_REQUESTS => {
            NetworkError::RateLimited { network: NETWORK, retry_after_secs: retry_after_secs(&headers) }
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => NetworkError::Auth { network: NETWORK, message },
        _ => NetworkError::Status { network: NETWORK, status: status.as_u16(), message },
    })
}

/// A refused answer's status, headers and message (Mastodon's own `error` text when it gave one).
pub(crate) async fn refusal(resp: Response) -> (StatusCode, HeaderMap, String) {
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = read_prefix(resp, MAX_ERROR_BODY_BYTES).await;
    let message = error_message(&body, status);
    (status, headers, message)
}

/// The whole body, refused (without reading further) once it passes `cap` bytes.
pub(crate) async fn read_capped(mut resp: Response, cap: usize) -> Result<Vec<u8>, NetworkError> {
    let too_large =
        || NetworkError::Protocol { network: NETWORK, message: format!("response body larger than {cap} bytes") };
    if resp.content_length().is_some_and(|len| len > cap as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Sends `req` (JSON accepted) and parses a successful answer's bounded body as `T`; refusals become
/// [`NetworkError`]s as [`check`] says.
pub(crate) async fn json<T: DeserializeOwned>(req: RequestBuilder, what: &str) -> Result<T, NetworkError> {
    let resp = check(req.header(ACCEPT, "application/json").send().await?).await?;
    let body = read_capped(resp, MAX_BODY_BYTES).await?;
    super::api::parse(&body, what)
}

/// At most `cap` bytes of the body; errors and the rest are dropped (only used to explain a refusal).
async fn read_prefix(mut resp: Response, cap: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = cap.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= cap {
            break;
        }
    }
    body
}

/// Mastodon's `{"error": "..."}` when there is one, else the start of the body, else the reason phrase.
fn error_message(body: &[u8], status: StatusCode) -> String {
    let text = match serde_json::from_slice::<ApiError>(body) {
        Ok(e) => e.error,
        Err(_) => String::from_utf8_lossy(body).trim().to_owned(),
    };
    let text = if text.is_empty() { status.canonical_reason().unwrap_or("no message").to_owned() } else { text };
    text.chars().take(MAX_MESSAGE_CHARS).collect()
}

/// Seconds to wait before retrying, from `Retry-After` (seconds or an HTTP date) or, as real Mastodon
/// sends no `Retry-After` on its own 429s, from `X-RateLimit-Reset` (an RFC 3339 time). Dates are
/// measured against the answer's own `Date` header, so neither our clock nor clock skew matters; without
/// a `Date` header a date cannot be turned into a delay and we say `None`.
pub(crate) fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let server_now =
        header(DATE.as_str()).and_then(|d| httpdate::parse_http_date(d).ok()).and_then(|t| Timestamp::try_from(t).ok());
    let until = |at: Timestamp| {
        let now = server_now?;
        let wait = at.duration_since(now);
        if wait.is_negative() {
            return Some(0);
        }
        u64::try_from(wait.as_secs() + i64::from(wait.subsec_nanos() > 0)).ok()
    };
    if let Some(value) = header(RETRY_AFTER.as_str()) {
        if let Ok(secs) = value.parse::<u64>() {
            return Some(secs);
        }
        if let Some(at) = httpdate::parse_http_date(value).ok().and_then(|t| Timestamp::try_from(t).ok()) {
            return until(at);
        }
    }
    let reset = header("x-ratelimit-reset")?;
    let at = match reset.parse::<i64>() {
        // Some servers (and mastodon-mock) send epoch seconds instead.
        Ok(epoch) => Timestamp::from_second(epoch).ok()?,
        Err(_) => reset.parse::<Timestamp>().ok()?,
    };
    until(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn retry_after_in_seconds_is_taken_as_is() {
        assert_eq!(retry_after_secs(&headers(&[("retry-after", "120")])), Some(120));
    }

    #[test]
    fn retry_after_as_a_date_is_measured_from_the_answers_date() {
        let h = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"), ("date", "Wed, 21 Oct 2015 07:26:30 GMT")]);
        assert_eq!(retry_after_secs(&h), Some(90));
    }

    #[test]
    fn a_retry_date_in_the_past_means_now() {
        let h = headers(&[("retry-after", "Wed, 21 Oct 2015 07:20:00 GMT"), ("date", "Wed, 21 Oct 2015 07:26:30 GMT")]);
        assert_eq!(retry_after_secs(&h), Some(0));
    }

    #[test]
    fn mastodons_own_rate_limit_reset_is_understood() {
        // As real Mastodon 4.6 sends it (tests/data/mastodon-api cassettes).
        let h =
            headers(&[("x-ratelimit-reset", "2026-08-01T15:00:00.916474Z"), ("date", "Sat, 01 Aug 2026 14:59:00 GMT")]);
        assert_eq!(retry_after_secs(&h), Some(61));
    }

    #[test]
    fn a_date_without_the_servers_date_gives_no_delay() {
        assert_eq!(retry_after_secs(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])), None);
        assert_eq!(retry_after_secs(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after_secs(&HeaderMap::new()), None);
    }

    #[test]
    fn error_messages_come_from_mastodons_error_field_and_are_bounded() {
        assert_eq!(error_message(br#"{"error":"Record not found"}"#, StatusCode::NOT_FOUND), "Record not found");
        assert_eq!(error_message(b"", StatusCode::BAD_GATEWAY), "Bad Gateway");
        assert_eq!(error_message(&[b'x'; 5000], StatusCode::BAD_GATEWAY).len(), MAX_MESSAGE_CHARS);
    }
}
