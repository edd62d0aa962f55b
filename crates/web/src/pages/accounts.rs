//! A client's connected accounts: list with status and a hint of the credentials, add, edit,
//! remove. Tokens are write-only.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::accounts::CredentialsChange;
use filrouge_domain::account::{AccountProfile, AccountStatus, Network};
use filrouge_domain::ids::AccountId;
use filrouge_domain::permission::Action;
use maud::html;
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::WebState;

fn status_label(t: &Texts, s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Connected => t.status_connected,
        AccountStatus::NotConnected => t.status_not_connected,
        AccountStatus::NeedsReconnect => t.status_needs_reconnect,
        AccountStatus::Disabled => t.status_disabled,
    }
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let accounts = state.app.accounts(actor, &slug).await?;
    let client = state.app.client(actor, &slug, Action::ViewClientSettings).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::ManageAccounts, Some(client.id));
    let content = html! {
        h1 { (t.accounts) }
        @if accounts.is_empty() { p { (t.no_accounts) } }
        @for view in &accounts {
            @let a = &view.account;
            article.account {
                h2 { (a.profile.network.label()) " · " (a.profile.handle) }
                p { (t.status) " : " span.badge { (status_label(t, a.status)) }
                    @if let Some(h) = &view.credentials_hint { " · " (t.credentials) " " code { (h) } } }
                @if editable {
                    details {
                        summary { (t.settings) }
                        form.stack method="post" action={ "/c/" (slug) "/accounts/" (a.id) } {
                            (csrf_field(ctx))
                            input type="hidden" name="network" value=(a.profile.network.as_str());
                            label for={ "handle-" (a.id) } { (t.handle) }
                            input id={ "handle-" (a.id) } name="handle" value=(a.profile.handle) required;
                            label for={ "display-" (a.id) } { (t.display_name) }
                            input id={ "display-" (a.id) } name="display_name" value=(a.profile.display_name);
                            label for={ "status-" (a.id) } { (t.status) }
                            select id={ "status-" (a.id) } name="status" {
                                @for s in AccountStatus::ALL { option value=(s.as_str()) selected[s == a.status] { (status_label(t, s)) } }
                            }
                            label for={ "token-" (a.id) } { (t.credentials) }
                            input id={ "token-" (a.id) } type="password" name="token" autocomplete="off" aria-describedby={ "token-help-" (a.id) };
                            p.help id={ "token-help-" (a.id) } { (t.credentials_help) }
                            label.inline { input type="checkbox" name="remove_token" value="1"; " " (t.remove_credentials) }
                            button type="submit" { (t.save) }
                        }
                        form method="post" action={ "/c/" (slug) "/accounts/" (a.id) "/delete" } {
                            (csrf_field(ctx))
                            button.danger type="submit" { (t.delete) }
                        }
                    }
                }
            }
        }
        @if editable {
            h2 { (t.add) }
            form.stack method="post" action={ "/c/" (slug) "/accounts" } {
                (csrf_field(ctx))
                label for="network" { (t.network) }
                select #network name="network" { @for n in Network::ALL { option value=(n.as_str()) { (n.label()) } } }
                label for="handle" { (t.handle) }
                input #handle name="handle" required;
                label for="display_name" { (t.display_name) }
                input #display_name name="display_name";
                label for="token" { (t.credentials) }
                input #token type="password" name="token" autocomplete="off";
                button type="submit" { (t.add) }
            }
        }
    };
    let shell = Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Accounts)), title: t.accounts };
    Ok(render(&shell, content).into_response())
}

#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    network: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    token: String,
    #[serde(default)]
    remove_token: Option<String>,
}

fn profile_of(f: &AccountForm) -> Result<AccountProfile, filrouge_domain::Invalid> {
    Ok(AccountProfile {
        network: Network::parse(&f.network)?,
        handle: f.handle.clone(),
        display_name: f.display_name.clone(),
    })
}

pub async fn add(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<AccountForm>,
) -> WebResult {
    let back = format!("/c/{slug}/accounts");
    let result = match profile_of(&f) {
        Ok(p) => state.app.add_account(&signed.actor, &slug, p, Some(f.token.clone())).await,
        Err(e) => {
            state.app.client(&signed.actor, &slug, Action::ManageAccounts).await?;
            Err(e.into())
        }
    };
    after_change(&state, &signed.ctx, &back, result)
}

pub async fn edit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<AccountForm>,
) -> WebResult {
    let back = format!("/c/{slug}/accounts");
    let credentials = if f.remove_token.is_some() {
        CredentialsChange::Remove
    } else if f.token.trim().is_empty() {
        CredentialsChange::Keep
    } else {
        CredentialsChange::Replace(f.token.clone())
    };
    let parsed = profile_of(&f).and_then(|p| Ok((p, f.status.as_deref().map(AccountStatus::parse).transpose()?)));
    let result = match parsed {
        Ok((p, status)) => state.app.edit_account(&signed.actor, &slug, AccountId(id), p, status, credentials).await,
        Err(e) => {
            state.app.client(&signed.actor, &slug, Action::ManageAccounts).await?;
            Err(e.into())
        }
    };
    after_change(&state, &signed.ctx, &back, result)
}

pub async fn remove(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.remove_account(&signed.actor, &slug, AccountId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/accounts"), result)
}
