//! How application errors become HTTP answers: hidden or missing things are 404, refused actions
//! 403, bad input 422; the page says so in the user's language and leaks nothing else.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use filrouge_app::AppError;

use crate::i18n::{texts, Texts};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign in first")]
    SignIn,
    #[error("{0}")]
    Invalid(String),
    /// A body over a route's limit; the message names the limit.
    #[error("{0}")]
    TooLarge(String),
    #[error("rate limited")]
    RateLimited(u64),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => WebError::NotFound,
            AppError::Forbidden => WebError::Forbidden,
            AppError::Unauthenticated => WebError::SignIn,
            AppError::RateLimited { retry_after_secs } => WebError::RateLimited(retry_after_secs),
            AppError::Invalid(i) => WebError::Invalid(i.to_string()),
            AppError::Conflict(c) => WebError::Invalid(c),
            AppError::Workspace(w) => WebError::Invalid(w.to_string()),
            AppError::Remote(r) => WebError::Invalid(r),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::SignIn => StatusCode::SEE_OTHER,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self, t: &Texts) -> String {
        match self {
            WebError::NotFound => t.not_found.to_owned(),
            WebError::Forbidden => t.forbidden.to_owned(),
            WebError::SignIn => t.sign_in.to_owned(),
            WebError::Invalid(m) | WebError::TooLarge(m) => m.clone(),
            WebError::RateLimited(_) => t.too_many_attempts.to_owned(),
            WebError::Internal(_) => t.server_error.to_owned(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignIn = self {
            return Redirect::to("/login").into_response();
        }
        if let WebError::Internal(detail) = &self {
            tracing::error!(target: "filrouge::web", error = %detail, "request failed");
        }
        // The language is not known here; pages that know it render their own errors. This
        // bare page is bilingual.
        let fr = self.message(texts(filrouge_domain::locale::UiLang::Fr));
        let en = self.message(texts(filrouge_domain::locale::UiLang::En));
        let status = self.status();
        let body = crate::pages::layout::bare_page(
            &format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("")),
            &fr,
            &en,
        );
        let mut response = (status, body).into_response();
        if let WebError::RateLimited(secs) = self {
            if let Ok(v) = secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

pub type WebResult<T = Response> = Result<T, WebError>;
