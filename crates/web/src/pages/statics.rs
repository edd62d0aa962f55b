//! Health check, the stylesheet and the not-found page.

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

pub async fn not_found() -> Response {
    WebError::NotFound.into_response()
}
