//! Cross-site request forgery protection for every POST: the form must carry the token of the
//! session (or, signed out, the token of the sign-in cookie), and a cross-site `Origin` or
//! `Sec-Fetch-Site` is refused outright. A `multipart/form-data` form (uploads) must carry the token
//! as its first field; only that field is read here, the rest streams on to the handler unbuffered.

use axum::body::Bytes;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use subtle::ConstantTimeEq;

use crate::context::Ctx;
use crate::WebState;

/// The largest form body accepted.
pub const MAX_FORM_BYTES: usize = 256 * 1024;
/// How much of a multipart body is read to find its first field, the token.
const MAX_MULTIPART_HEAD: usize = 8 * 1024;

pub async fn check(State(_state): State<WebState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host {
            return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
        }
    }
    let expected = req.extensions().get::<Ctx>().map(|c| c.csrf().to_owned()).unwrap_or_default();
    if let Some(boundary) = multipart_boundary(req.headers()) {
        let (parts, body) = req.into_parts();
        return match multipart_token(body, &boundary).await {
            Some((given, body)) if !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes())) => {
                next.run(Request::from_parts(parts, body)).await
            }
            _ => refused(),
        };
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let given =
        form_urlencoded::parse(&bytes).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned()).unwrap_or_default();
    if expected.is_empty() || !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn refused() -> Response {
    (StatusCode::FORBIDDEN, "missing or wrong form token; reload the page and try again").into_response()
}

/// The boundary of a `multipart/form-data` body.
fn multipart_boundary(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (mime, params) = value.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty()).then(|| v.to_owned())
    })
}

/// Reads a multipart body until its first field is complete; that field must be `_csrf`. Returns its value and
/// the whole body again (what was read, then the rest as it arrives).
async fn multipart_token(body: Body, boundary: &str) -> Option<(String, Body)> {
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    let token = loop {
        if let Some(token) = first_field(&head, boundary) {
            break token?;
        }
        if head.len() > MAX_MULTIPART_HEAD {
            return None;
        }
        head.extend_from_slice(&stream.next().await?.ok()?);
    };
    let head = futures_util::stream::once(async move { Ok::<Bytes, axum::Error>(Bytes::from(head)) });
    Some((token, Body::from_stream(head.chain(stream))))
}

/// `None` while the first field is incomplete; `Some(None)` when it is not a `_csrf` field.
fn first_field(head: &[u8], boundary: &str) -> Option<Option<String>> {
    let text = String::from_utf8_lossy(head);
    let opening = format!("--{boundary}\r\n");
    let start = text.find(&opening)? + opening.len();
    let rest = &text[start..];
    let (headers, value) = rest.split_once("\r\n\r\n")?;
    let (value, _) = value.split_once(&format!("\r\n--{boundary}"))?;
    let is_token = headers.lines().any(|h| {
        let h = h.to_ascii_lowercase();
        h.starts_with("content-disposition:") && h.contains("name=\"_csrf\"")
    });
    Some(is_token.then(|| value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_token_of_a_multipart_form_is_its_first_field_and_the_body_is_kept_whole() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nsecret\r\n--XyZ\r\n\
                    Content-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n--XyZ--\r\n";
        let (token, rest) = multipart_token(Body::from(body), "XyZ").await.unwrap();
        assert_eq!(token, "secret");
        assert_eq!(axum::body::to_bytes(rest, 1 << 20).await.unwrap(), body.as_bytes());
        let other = "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n--XyZ--\r\n";
        assert!(multipart_token(Body::from(other), "XyZ").await.is_none(), "the token must come first");
        assert!(multipart_token(Body::from("--XyZ\r\nnever ends"), "XyZ").await.is_none());
    }
}
