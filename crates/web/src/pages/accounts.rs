//! A client's connected accounts: list with status (and why one needs reconnecting) and a hint of the credentials,
//! connect or reconnect through the network's OAuth (`oauth.rs`) or with a token / app password (checked with the
//! network first), check every connection, add, edit, remove. Tokens and
//! passwords are write-only.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::accounts::CredentialsChange;
use filrouge_app::connect::ConnectionCheck;
use filrouge_app::AppError;
use filrouge_domain::account::{Account, AccountProfile, AccountStatus, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::AccountId;
use filrouge_domain::permission::Action;
use filrouge_domain::publishing::DeliveryState;
use maud::{html, Markup};
use serde::Deserialize;

use crate::context::{redirect_with_flash, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::{after_change, publishing};
use crate::WebState;

fn status_label(t: &Texts, s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Connected => t.status_connected,
        AccountStatus::NotConnected => t.status_not_connected,
        AccountStatus::NeedsReconnect => t.status_needs_reconnect,
        AccountStatus::Disabled => t.status_disabled,
    }
}

/// The status as a badge, red when the account needs reconnecting.
fn status_badge(t: &Texts, s: AccountStatus) -> Markup {
    let class = match s {
        AccountStatus::Connected => "ok",
        AccountStatus::NeedsReconnect => "error",
        AccountStatus::NotConnected | AccountStatus::Disabled => "pending",
    };
    html! { span class={ "badge account-status " (class) } data-testid="account-status" { (status_label(t, s)) } }
}

/// Where Mastodon credentials of `@user@instance` would be used: `https://instance`.
fn instance_of(handle: &str) -> String {
    handle.trim_start_matches('@').split_once('@').map(|(_, h)| format!("https://{h}")).unwrap_or_default()
}

/// The fields of one network's credentials; the secrets are password fields, never filled in.
fn credential_fields(t: &Texts, network: Network, key: &str, handle: &str) -> Markup {
    html! {
        @match network {
            Network::Mastodon => {
                label for={ "instance-" (key) } { (t.instance_address) }
                input id={ "instance-" (key) } type="url" name="instance" value=(instance_of(handle))
                    placeholder="https://mastodon.social";
                label for={ "access-token-" (key) } { (t.access_token) }
                input id={ "access-token-" (key) } type="password" name="token" autocomplete="off";
            }
            Network::Bluesky => {
                label for={ "service-" (key) } { (t.pds_address) }
                input id={ "service-" (key) } type="url" name="service" value=(DEFAULT_PDS);
                label for={ "app-password-" (key) } { (t.app_password) }
                input id={ "app-password-" (key) } type="password" name="app_password" autocomplete="off";
            }
            _ => {}
        }
    }
}

const DEFAULT_PDS: &str = "https://bsky.social";

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    render_page(&state, &signed, &slug, None).await
}

/// The accounts page; after "check connections", with what the check found (or why it could not run).
async fn render_page(
    state: &WebState,
    signed: &SignedIn,
    slug: &str,
    checks: Option<Result<Vec<ConnectionCheck>, String>>,
) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let accounts = state.app.accounts(actor, slug).await?;
    let client = state.app.client(actor, slug, Action::ViewClientSettings).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::ManageAccounts, Some(client.id));
    // Why an account is held: the error of its held deliveries, for those who may see the queue.
    let held = match state.app.publishing_queue(actor, Some(slug), 24 * 14).await {
        Ok(items) => items,
        Err(AppError::Forbidden | AppError::NotFound) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let reason_of = |a: &Account| -> Option<String> {
        let checked = checks
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .and_then(|c| c.iter().find(|c| c.account.id == a.id).and_then(|c| c.outcome.as_ref().err().cloned()));
        checked.or_else(|| {
            held.iter()
                .find(|i| i.delivery.account_id == a.id && i.delivery.state == DeliveryState::Held)
                .and_then(|i| i.delivery.last_error.clone())
        })
    };
    let banner = publishing::paused_banner(state, signed, &client).await?;
    let content = html! {
        (banner)
        h1 { (t.accounts) }
        @if editable {
            form.inline method="post" action={ "/c/" (slug) "/accounts/check" } {
                (csrf_field(ctx))
                button.secondary type="submit" { (t.check_connections) }
            }
        }
        @match &checks {
            Some(Ok(list)) => {
                section.checks data-testid="check-results" {
                    h2 { (t.check_results) }
                    ul {
                        @for c in list {
                            li {
                                strong { (c.account.profile.network.label()) " · " (c.account.profile.handle) } " : "
                                @match &c.outcome {
                                    Ok(n) => { span.badge.ok { (t.connection_ok) } " · " (n) " " (t.followers) }
                                    Err(e) => { span.badge.error { (t.delivery_failed) } " " (e) }
                                }
                            }
                        }
                    }
                }
            }
            Some(Err(e)) => p.flash.error role="alert" data-testid="check-results" { (e) },
            None => {}
        }
        @if accounts.is_empty() { p { (t.no_accounts) } }
        @for view in &accounts {
            @let a = &view.account;
            @let reason = (a.status == AccountStatus::NeedsReconnect).then(|| reason_of(a)).flatten();
            article.account data-testid="account" {
                h2 { (a.profile.network.label()) " · " (a.profile.handle) }
                p.account-state {
                    (t.status) " : " (status_badge(t, a.status))
                    @if let Some(r) = &reason { " " span.status-reason.error data-testid="status-reason" { (t.status_reason) " : " (r) } }
                    @if let Some(h) = &view.credentials_hint { " · " (t.credentials) " " code { (h) } }
                }
                @if editable && matches!(a.profile.network, Network::Mastodon | Network::Bluesky) {
                    form.inline method="post" action={ "/c/" (slug) "/accounts/oauth" } {
                        (csrf_field(ctx))
                        input type="hidden" name="network" value=(a.profile.network.as_str());
                        input type="hidden" name="handle" value=(a.profile.handle);
                        button.secondary type="submit" { (t.oauth_reconnect) }
                    }
                    details.connect open[a.status == AccountStatus::NeedsReconnect] {
                        summary { (t.connect_account) " · " (t.oauth_fallback) }
                        form.stack method="post" action={ "/c/" (slug) "/accounts/connect" } {
                            (csrf_field(ctx))
                            input type="hidden" name="network" value=(a.profile.network.as_str());
                            input type="hidden" name="handle" value=(a.profile.handle);
                            input type="hidden" name="display_name" value=(a.profile.display_name);
                            (credential_fields(t, a.profile.network, &a.id.to_string(), &a.profile.handle))
                            p.help { (t.connect_help) }
                            button type="submit" { (t.connect) }
                        }
                    }
                }
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
            h2 { (t.oauth_title) }
            p.help { (t.oauth_help) }
            div.oauth-connect {
                form.stack method="post" action={ "/c/" (slug) "/accounts/oauth" } data-testid="oauth-bluesky" {
                    (csrf_field(ctx))
                    input type="hidden" name="network" value="bluesky";
                    label for="oauth-bluesky-handle" { (t.oauth_bluesky_handle) }
                    input #oauth-bluesky-handle name="handle" required placeholder="compte.bsky.social";
                    button type="submit" { (t.oauth_connect_bluesky) }
                }
                form.stack method="post" action={ "/c/" (slug) "/accounts/oauth" } data-testid="oauth-mastodon" {
                    (csrf_field(ctx))
                    input type="hidden" name="network" value="mastodon";
                    label for="oauth-mastodon-instance" { (t.oauth_mastodon_instance) }
                    input #oauth-mastodon-instance name="handle" required placeholder="@compte@instance.social";
                    button type="submit" { (t.oauth_connect_mastodon) }
                }
            }
            h2 { (t.connect_new) " · " (t.oauth_fallback) }
            form.stack.connect-new method="post" action={ "/c/" (slug) "/accounts/connect" } {
                (csrf_field(ctx))
                label for="connect-network" { (t.network) }
                select #connect-network name="network" {
                    @for n in [Network::Mastodon, Network::Bluesky] { option value=(n.as_str()) { (n.label()) } }
                }
                label for="connect-handle" { (t.handle) }
                input #connect-handle name="handle" required placeholder="@compte@instance.social";
                label for="connect-display" { (t.display_name) }
                input #connect-display name="display_name";
                fieldset { legend { (t.connect_mastodon) } (credential_fields(t, Network::Mastodon, "new", "")) }
                fieldset { legend { (t.connect_bluesky) } (credential_fields(t, Network::Bluesky, "new", "")) }
                p.help { (t.connect_help) }
                button type="submit" { (t.connect) }
            }
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

#[derive(Deserialize)]
pub struct ConnectForm {
    #[serde(default)]
    network: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    instance: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    app_password: String,
}

fn required(field: &str, value: &str) -> Result<String, filrouge_domain::Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(filrouge_domain::Invalid::new(field, "required"));
    }
    Ok(value.to_owned())
}

/// The profile and the credentials the form gives, for the network it names.
fn connection_of(f: &ConnectForm) -> Result<(AccountProfile, Connection), filrouge_domain::Invalid> {
    let network = Network::parse(&f.network)?;
    let profile = AccountProfile { network, handle: f.handle.trim().to_owned(), display_name: f.display_name.clone() };
    let connection = match network {
        Network::Mastodon => {
            Connection::Mastodon { instance: required("instance", &f.instance)?, token: required("token", &f.token)? }
        }
        Network::Bluesky => Connection::Bluesky {
            service: Some(f.service.trim()).filter(|s| !s.is_empty()).unwrap_or(DEFAULT_PDS).to_owned(),
            identifier: required("handle", f.handle.trim_start_matches('@'))?,
            password: required("app_password", &f.app_password)?,
        },
        other => {
            return Err(filrouge_domain::Invalid::new(
                "network",
                format!("publishing to {} is not available yet", other.label()),
            ))
        }
    };
    Ok((profile, connection))
}

/// Connects an account (or reconnects the client's account of that network and handle): the application checks
/// the credentials with the network before storing anything; a refusal comes back as a message.
pub async fn connect(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<ConnectForm>,
) -> WebResult {
    // Access first: a refused user learns nothing from a validation message.
    state.app.client(&signed.actor, &slug, Action::ManageAccounts).await?;
    let back = format!("/c/{slug}/accounts");
    let result = match connection_of(&f) {
        Ok((profile, connection)) => state.app.connect_account(&signed.actor, &slug, profile, connection).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(&state, &back, Flash::Ok(signed.ctx.t().connected_ok.into()))),
        Err(e) => after_change(&state, &signed.ctx, &back, Err::<(), _>(e)),
    }
}

/// Checks every connection of the client with its network and shows what each answered.
pub async fn check(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let checks = match state.app.check_accounts(&signed.actor, &slug).await {
        Ok(c) => Ok(c),
        Err(AppError::Remote(m) | AppError::Conflict(m)) => Err(m),
        Err(AppError::Invalid(i)) => Err(i.to_string()),
        Err(e) => return Err(e.into()),
    };
    render_page(&state, &signed, &slug, Some(checks)).await
}
