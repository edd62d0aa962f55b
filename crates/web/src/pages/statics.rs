//! Health check, the stylesheet, the scripts (vendored htmx, our calendar's and inbox's) and the not-found page.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;
use crate::WebState;

pub async fn healthz(State(state): State<WebState>) -> Response {
    match state.app.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(target: "filrouge::web", error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../assets/style.css"),
    )
        .into_response()
}

/// htmx, vendored from npm (see assets/vendor/README.md); its name carries its version, so it is cached long.
pub async fn htmx() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        include_str!("../../assets/vendor/htmx-2.0.11.min.js"),
    )
        .into_response()
}

/// The calendar's drag-and-drop script (ours, small; the page works without it).
pub async fn calendar_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../assets/calendar.js"),
    )
        .into_response()
}

/// The inbox's keyboard shortcuts and its poll guard (ours, small; the pages work without it).
pub async fn inbox_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../assets/inbox.js"),
    )
        .into_response()
}

pub async fn not_found() -> Response {
    WebError::NotFound.into_response()
}
