//! Cross-site request forgery protection for every POST: the form must carry the token of the
//! session (or, signed out, the token of the sign-in cookie), and a cross-site `Origin` or
//! `Sec-Fetch-Site` is refused outright.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::context::Ctx;
use crate::WebState;

/// The largest form body accepted.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

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
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let given =
        form_urlencoded::parse(&bytes).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned()).unwrap_or_default();
    if expected.is_empty() || !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return (StatusCode::FORBIDDEN, "missing or wrong form token; reload the page and try again").into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
