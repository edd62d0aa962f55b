//! Per-request context: the session (if any) behind the cookie, the interface language, and the
//! flash message left by the previous redirect. Resolved once by a middleware, read by handlers.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use filrouge_app::auth::{Session, SessionToken};
use filrouge_app::Actor;
use filrouge_domain::locale::UiLang;

use crate::error::WebError;
use crate::i18n::{texts, Texts};
use crate::WebState;

/// The session cookie's name (prefixed `__Host-` when cookies are Secure).
pub const SESSION_COOKIE: &str = "filrouge_session";
/// The cookie carrying the CSRF token of signed-out forms (sign-in).
pub const CSRF_COOKIE: &str = "filrouge_csrf";
pub(crate) const FLASH_COOKIE: &str = "filrouge_flash";

pub(crate) fn cookie_name(state: &WebState, base: &str) -> String {
    if state.config.cookies_secure() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub(crate) fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value with the flags every cookie of ours carries.
pub(crate) fn set_cookie(state: &WebState, base: &str, value: &str, max_age_secs: Option<i64>) -> String {
    let name = cookie_name(state, base);
    let secure = if state.config.cookies_secure() { "; Secure" } else { "" };
    let age = max_age_secs.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}")
}

/// What a handler knows about the request before it starts.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub session: Option<Session>,
    pub token: Option<SessionToken>,
    pub lang: UiLang,
    pub flash: Option<Flash>,
    pub client_addr: String,
    /// The token of signed-out forms, from its cookie (set on the sign-in page).
    pub login_csrf: Option<String>,
    /// New inbox items per client slug, for the navigation (full pages only; empty otherwise).
    pub inbox_counts: Vec<(String, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flash {
    Ok(String),
    Error(String),
}

impl Ctx {
    pub fn t(&self) -> &'static Texts {
        texts(self.lang)
    }

    /// The signed-in actor, fully authenticated (second factor done).
    pub fn actor(&self) -> Option<&Actor> {
        self.session.as_ref().filter(|s| !s.second_factor_pending).map(|s| &s.actor)
    }

    pub fn csrf(&self) -> &str {
        match &self.session {
            Some(s) => &s.csrf,
            None => self.login_csrf.as_deref().unwrap_or(""),
        }
    }
}

/// The signed-in user of a page; extracting it from a signed-out request redirects to sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub ctx: Ctx,
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ctx = parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| WebError::Internal("no context".into()).into_response())?;
        match ctx.session.as_ref() {
            Some(s) if s.second_factor_pending => Err(Redirect::to("/login/totp").into_response()),
            Some(s) => {
                let actor = s.actor.clone();
                Ok(SignedIn { ctx, actor })
            }
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| WebError::Internal("no context".into()).into_response())
    }
}

fn client_addr(state: &WebState, req: &Request) -> String {
    if state.config.trust_forwarded_for {
        if let Some(first) =
            req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next())
        {
            return first.trim().to_owned();
        }
    }
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// Whether a request may render a full page with the navigation: a GET that is neither a static file, a feed, an
/// htmx fragment nor a polled fragment. Only those pay for the inbox counts.
fn wants_navigation(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == axum::http::Method::GET
        && !path.starts_with("/static/")
        && !path.starts_with("/feeds/")
        && path != "/healthz"
        && req.headers().get("hx-request").is_none()
        && !req.uri().query().is_some_and(|q| q.split('&').any(|p| p == "fragment=1"))
}

/// Resolves the context of every request and clears a flash once shown.
pub async fn resolve(State(state): State<WebState>, mut req: Request, next: Next) -> Result<Response, Response> {
    let headers = req.headers();
    let token = read_cookie(headers, &cookie_name(&state, SESSION_COOKIE)).map(SessionToken);
    let session = match &token {
        Some(t) => state.app.session(t).await.map_err(|e| WebError::from(e).into_response())?,
        None => None,
    };
    let browser_lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(UiLang::from_accept_language)
        .unwrap_or_default();
    let lang = session.as_ref().and_then(|s| s.actor.user.as_ref()).and_then(|u| u.ui_lang).unwrap_or(browser_lang);
    let flash = read_cookie(headers, &cookie_name(&state, FLASH_COOKIE)).and_then(|v| decode_flash(&v));
    let login_csrf = read_cookie(headers, &cookie_name(&state, CSRF_COOKIE));
    let inbox_counts = match session.as_ref().filter(|s| !s.second_factor_pending) {
        Some(s) if wants_navigation(&req) => state.app.inbox_counts(&s.actor).await.unwrap_or_else(|e| {
            tracing::warn!(target: "filrouge::web", error = %e, "inbox counts unavailable");
            Vec::new()
        }),
        _ => Vec::new(),
    };
    let ctx = Ctx {
        token: if session.is_some() { token } else { None },
        session,
        lang,
        flash: flash.clone(),
        client_addr: client_addr(&state, &req),
        login_csrf,
        inbox_counts,
    };
    req.extensions_mut().insert(ctx);
    let mut response = next.run(req).await;
    let is_redirect = response.status().is_redirection();
    if flash.is_some() && !is_redirect {
        if let Ok(v) = set_cookie(&state, FLASH_COOKIE, "", Some(0)).parse() {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

/// A redirect that shows a message on the next page.
pub fn redirect_with_flash(state: &WebState, to: &str, flash: Flash) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(v) = set_cookie(state, FLASH_COOKIE, &encode_flash(&flash), Some(60)).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn encode_flash(flash: &Flash) -> String {
    let (kind, text) = match flash {
        Flash::Ok(t) => ("ok", t),
        Flash::Error(t) => ("error", t),
    };
    let text: String = text.chars().take(300).collect();
    format!("{kind}.{}", form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>())
}

fn decode_flash(value: &str) -> Option<Flash> {
    let (kind, text) = value.split_once('.')?;
    let text: String = form_urlencoded::parse(format!("t={text}").as_bytes()).find(|(k, _)| k == "t")?.1.into_owned();
    match kind {
        "ok" => Some(Flash::Ok(text)),
        "error" => Some(Flash::Error(text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_messages_survive_the_cookie_round_trip() {
        for flash in
            [Flash::Ok("Enregistré.".into()), Flash::Error("charter.max_hashtags: must be at most 30; a=b".into())]
        {
            assert_eq!(decode_flash(&encode_flash(&flash)), Some(flash));
        }
        assert_eq!(decode_flash("weird.x"), None);
    }
}
