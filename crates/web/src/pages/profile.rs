//! The signed-in user's own profile: interface language, password, second factor.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_domain::locale::UiLang;
use maud::html;
use serde::Deserialize;

use crate::context::{redirect_with_flash, Flash, SignedIn};
use crate::error::WebResult;
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, trusted_svg, Shell};
use crate::WebState;

fn profile_content(signed: &SignedIn, setup: Option<&filrouge_app::auth::TotpSetup>) -> maud::Markup {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let user = actor.user.as_ref();
    let current = user.and_then(|u| u.ui_lang);
    let totp_on = user.is_some_and(|u| u.totp_enabled);
    html! {
        h1 { (t.profile) }
        @if let Some(u) = user { p { (u.name) " · " (u.email.as_str()) } }
        section {
            h2 { (t.interface_language) }
            form.stack method="post" action="/profile/language" {
                (csrf_field(ctx))
                label for="lang" { (t.interface_language) }
                select #lang name="lang" {
                    option value="" selected[current.is_none()] { (t.follow_browser) }
                    option value="fr" lang="fr" selected[current == Some(UiLang::Fr)] { "Français" }
                    option value="en" lang="en" selected[current == Some(UiLang::En)] { "English" }
                }
                button type="submit" { (t.save) }
            }
        }
        section {
            h2 { (t.change_password) }
            form.stack method="post" action="/profile/password" {
                (csrf_field(ctx))
                label for="current" { (t.current_password) }
                input #current type="password" name="current" autocomplete="current-password" required;
                label for="new" { (t.new_password) }
                input #new type="password" name="new" autocomplete="new-password" minlength="10" required;
                button type="submit" { (t.save) }
            }
        }
        section {
            h2 { (t.two_factor) }
            @if totp_on {
                p { (t.two_factor_on) }
                form.stack method="post" action="/profile/totp/disable" {
                    (csrf_field(ctx))
                    label for="totp-password" { (t.password) }
                    input #totp-password type="password" name="password" autocomplete="current-password" required;
                    button.danger type="submit" { (t.two_factor_disable) }
                }
            } @else if let Some(s) = setup {
                p { (t.two_factor_scan) }
                figure.qr { (trusted_svg(&s.qr_svg)) }
                p { (t.secret_key) " : " code data-testid="totp-secret" { (s.secret_base32) } }
                form.stack method="post" action="/profile/totp/confirm" {
                    (csrf_field(ctx))
                    label for="totp-code" { (t.second_factor) }
                    input #totp-code name="code" inputmode="numeric" autocomplete="one-time-code" required;
                    button type="submit" { (t.verify) }
                }
            } @else {
                p { (t.two_factor_off) }
                form method="post" action="/profile/totp/setup" {
                    (csrf_field(ctx))
                    button type="submit" { (t.two_factor_setup) }
                }
            }
        }
    }
}

async fn render_profile(
    state: &WebState,
    signed: &SignedIn,
    setup: Option<&filrouge_app::auth::TotpSetup>,
) -> WebResult {
    let clients = state.app.client_switcher(&signed.actor).await?;
    let content = profile_content(signed, setup);
    Ok(render(
        &Shell {
            ctx: &signed.ctx,
            actor: &signed.actor,
            clients: &clients,
            current: None,
            title: signed.ctx.t().profile,
        },
        content,
    )
    .into_response())
}

pub async fn page(State(state): State<WebState>, signed: SignedIn) -> WebResult {
    render_profile(&state, &signed, None).await
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
}

pub async fn language(State(state): State<WebState>, signed: SignedIn, Form(f): Form<LanguageForm>) -> WebResult {
    let result = state.app.set_own_language(&signed.actor, UiLang::parse(&f.lang)).await;
    after_change(&state, &signed.ctx, "/profile", result)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub async fn password(State(state): State<WebState>, signed: SignedIn, Form(f): Form<PasswordForm>) -> WebResult {
    let t = signed.ctx.t();
    match state.app.change_own_password(&signed.actor, signed.ctx.token.as_ref(), &f.current, &f.new).await {
        Ok(true) => Ok(redirect_with_flash(&state, "/profile", Flash::Ok(t.password_changed.into()))),
        Ok(false) => Ok(redirect_with_flash(&state, "/profile", Flash::Error(t.wrong_password.into()))),
        Err(e) => after_change(&state, &signed.ctx, "/profile", Err::<(), _>(e)),
    }
}

pub async fn totp_setup(State(state): State<WebState>, signed: SignedIn) -> WebResult {
    let setup = state.app.begin_totp_setup(&signed.actor).await?;
    render_profile(&state, &signed, Some(&setup)).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn totp_confirm(State(state): State<WebState>, signed: SignedIn, Form(f): Form<CodeForm>) -> WebResult {
    let t = signed.ctx.t();
    match state.app.confirm_totp(&signed.actor, &f.code).await? {
        true => Ok(redirect_with_flash(&state, "/profile", Flash::Ok(t.two_factor_on.into()))),
        false => Ok(redirect_with_flash(&state, "/profile", Flash::Error(t.wrong_code.into()))),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    password: String,
}

pub async fn totp_disable(State(state): State<WebState>, signed: SignedIn, Form(f): Form<DisableForm>) -> WebResult {
    let t = signed.ctx.t();
    match state.app.disable_totp(&signed.actor, &f.password).await? {
        true => Ok(redirect_with_flash(&state, "/profile", Flash::Ok(t.two_factor_off.into()))),
        false => Ok(redirect_with_flash(&state, "/profile", Flash::Error(t.wrong_password.into()))),
    }
}
