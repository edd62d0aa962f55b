//! Sign-in, second factor and sign-out.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use filrouge_app::auth::{random_token, SignIn};
use filrouge_app::AppError;
use maud::{html, Markup};
use serde::Deserialize;

use crate::context::{set_cookie, Ctx, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::{WebError, WebResult};
use crate::pages::layout::{csrf_field, public_page};
use crate::WebState;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn login_form(ctx: &Ctx, csrf: &str, email: &str, error: Option<&str>) -> Markup {
    let t = ctx.t();
    public_page(
        ctx,
        t.sign_in_title,
        html! {
            h2 { (t.sign_in_title) }
            @if let Some(e) = error { p.flash.error role="alert" #login-error { (e) } }
            form.stack method="post" action="/login" {
                input type="hidden" name="_csrf" value=(csrf);
                label for="email" { (t.email) }
                input #email type="email" name="email" value=(email) autocomplete="username" required autofocus
                    aria-describedby=[error.map(|_| "login-error")];
                label for="password" { (t.password) }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { (t.sign_in) }
            }
        },
    )
}

pub async fn login_page(State(state): State<WebState>, ctx: Ctx) -> Response {
    if ctx.actor().is_some() {
        return Redirect::to("/").into_response();
    }
    let (csrf, fresh) = match &ctx.login_csrf {
        Some(c) if !c.is_empty() => (c.clone(), false),
        _ => (random_token(), true),
    };
    let mut response = login_form(&ctx, &csrf, "", None).into_response();
    if fresh {
        if let Ok(v) = set_cookie(&state, CSRF_COOKIE, &csrf, None).parse() {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

pub async fn login(State(state): State<WebState>, ctx: Ctx, Form(form): Form<LoginForm>) -> WebResult {
    let t = ctx.t();
    let csrf = ctx.login_csrf.clone().unwrap_or_default();
    let outcome = match state.app.sign_in(&form.email, &form.password, &ctx.client_addr).await {
        Ok(o) => o,
        Err(AppError::RateLimited { retry_after_secs }) => {
            let mut response =
                (StatusCode::TOO_MANY_REQUESTS, login_form(&ctx, &csrf, &form.email, Some(t.too_many_attempts)))
                    .into_response();
            if let Ok(v) = retry_after_secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(response);
        }
        Err(e) => return Err(e.into()),
    };
    let (token, next) = match outcome {
        SignIn::Done(token) => (token, "/"),
        SignIn::NeedsSecondFactor(token) => (token, "/login/totp"),
        SignIn::Refused => {
            return Ok((StatusCode::UNAUTHORIZED, login_form(&ctx, &csrf, &form.email, Some(t.wrong_credentials)))
                .into_response());
        }
    };
    let mut response = Redirect::to(next).into_response();
    let cookie = set_cookie(&state, SESSION_COOKIE, &token.0, None);
    response.headers_mut().append(header::SET_COOKIE, cookie.parse().map_err(|_| WebError::Internal("cookie".into()))?);
    Ok(response)
}

fn totp_form(ctx: &Ctx, error: Option<&str>) -> Markup {
    let t = ctx.t();
    public_page(
        ctx,
        t.second_factor,
        html! {
            h2 { (t.second_factor) }
            @if let Some(e) = error { p.flash.error role="alert" { (e) } }
            form.stack method="post" action="/login/totp" {
                (csrf_field(ctx))
                label for="code" { (t.second_factor) }
                p.help #code-help { (t.second_factor_help) }
                input #code name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus aria-describedby="code-help";
                button type="submit" { (t.verify) }
            }
        },
    )
}

/// Where to send someone who is not half-way through signing in (`None`: they are).
fn not_pending(ctx: &Ctx) -> Option<Redirect> {
    match &ctx.session {
        Some(s) if s.second_factor_pending => None,
        Some(_) => Some(Redirect::to("/")),
        None => Some(Redirect::to("/login")),
    }
}

pub async fn totp_page(ctx: Ctx) -> Response {
    if let Some(r) = not_pending(&ctx) {
        return r.into_response();
    }
    totp_form(&ctx, None).into_response()
}

#[derive(Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    code: String,
}

pub async fn totp(State(state): State<WebState>, ctx: Ctx, Form(form): Form<TotpForm>) -> WebResult {
    if let Some(r) = not_pending(&ctx) {
        return Ok(r.into_response());
    }
    let Some(token) = &ctx.token else { return Ok(Redirect::to("/login").into_response()) };
    match state.app.second_factor(token, &form.code, &ctx.client_addr).await {
        Ok(Some(fresh)) => {
            let mut response = Redirect::to("/").into_response();
            let cookie = set_cookie(&state, SESSION_COOKIE, &fresh.0, None);
            response
                .headers_mut()
                .append(header::SET_COOKIE, cookie.parse().map_err(|_| WebError::Internal("cookie".into()))?);
            Ok(response)
        }
        Ok(None) => Ok((StatusCode::UNAUTHORIZED, totp_form(&ctx, Some(ctx.t().wrong_code))).into_response()),
        Err(AppError::RateLimited { .. }) => {
            Ok((StatusCode::TOO_MANY_REQUESTS, totp_form(&ctx, Some(ctx.t().too_many_attempts))).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(state): State<WebState>, ctx: Ctx) -> WebResult {
    if let Some(token) = &ctx.token {
        state.app.sign_out(token).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    let cookie = set_cookie(&state, SESSION_COOKIE, "", Some(0));
    response.headers_mut().append(header::SET_COOKIE, cookie.parse().map_err(|_| WebError::Internal("cookie".into()))?);
    Ok(response)
}
