//! The users of the installation: list with their role and clients, create, edit.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::users::NewUserInput;
use filrouge_domain::ids::{ClientId, UserId};
use filrouge_domain::locale::UiLang;
use filrouge_domain::user::Role;
use maud::html;

use crate::context::SignedIn;
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page as render, Shell};
use crate::pages::{after_change, all, field};
use crate::WebState;

pub fn role_label(t: &Texts, role: Role) -> &'static str {
    match role {
        Role::Owner => t.role_owner,
        Role::Manager => t.role_manager,
        Role::CommunityManager => t.role_community_manager,
        Role::Analyst => t.role_analyst,
        Role::ClientReviewer => t.role_client_reviewer,
    }
}

/// Users shown per page.
const PAGE_SIZE: usize = 50;

#[derive(serde::Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<usize>,
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Query(query): Query<UsersQuery>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let requested = u32::try_from(query.page.unwrap_or(1)).unwrap_or(1).max(1);
    let (mut users, mut total) = state.app.users_page(actor, &query.q, requested, PAGE_SIZE as u32).await?;
    let pages = usize::try_from(total).unwrap_or(usize::MAX).div_ceil(PAGE_SIZE).max(1);
    let current = (requested as usize).min(pages);
    if current != requested as usize {
        (users, total) = state.app.users_page(actor, &query.q, current as u32, PAGE_SIZE as u32).await?;
    }
    let _ = total;
    let q = form_urlencoded::byte_serialize(query.q.trim().as_bytes()).collect::<String>();
    let clients = state.app.client_switcher(actor).await?;
    let may_manage = actor.may(filrouge_domain::permission::Action::ManageUsers, None);
    let name_of = |id: ClientId| clients.iter().find(|c| c.id == id).map(|c| c.name.clone());
    let content = html! {
        h1 { (t.users) }
        form.filters method="get" role="search" {
            label for="q" { (t.search) }
            input #q type="search" name="q" value=(query.q);
            button type="submit" { (t.filter) }
        }
        table.users {
            thead { tr { th scope="col" { (t.name) } th scope="col" { (t.email) } th scope="col" { (t.role) } th scope="col" { (t.user_clients) } @if may_manage { th scope="col" { (t.settings) } } } }
            tbody {
                @for u in &users {
                    tr class=[u.user.disabled.then_some("disabled")] {
                        td { (u.user.name) @if u.user.disabled { " " span.badge { (t.disabled) } } }
                        td { (u.user.email.as_str()) }
                        td { (role_label(t, u.user.role)) }
                        td { (u.clients.iter().filter_map(|c| name_of(*c)).collect::<Vec<_>>().join(", ")) }
                        @if may_manage {
                            td {
                                details {
                                    summary { (t.settings) }
                                    form.stack method="post" action={ "/users/" (u.user.id) } {
                                        (csrf_field(ctx))
                                        label for={ "uname-" (u.user.id) } { (t.name) }
                                        input id={ "uname-" (u.user.id) } name="name" value=(u.user.name) required;
                                        label for={ "urole-" (u.user.id) } { (t.role) }
                                        select id={ "urole-" (u.user.id) } name="role" {
                                            @for r in Role::ALL { option value=(r.as_str()) selected[r == u.user.role] { (role_label(t, r)) } }
                                        }
                                        label.inline { input type="checkbox" name="disabled" value="1" checked[u.user.disabled]; " " (t.disabled) }
                                        button type="submit" { (t.save) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label=(t.pages) {
                @if current > 1 { a href={ "/users?page=" (current - 1) "&q=" (q) } rel="prev" { "← " (t.previous_page) } }
                span { (current) " / " (pages) }
                @if current < pages { a href={ "/users?page=" (current + 1) "&q=" (q) } rel="next" { (t.next_page) " →" } }
            }
        }
        @if may_manage {
            h2 { (t.new_user) }
            form.stack method="post" action="/users" {
                (csrf_field(ctx))
                label for="nu-name" { (t.name) }
                input #nu-name name="name" required maxlength="120";
                label for="nu-email" { (t.email) }
                input #nu-email type="email" name="email" required;
                label for="nu-role" { (t.role) }
                select #nu-role name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == Role::CommunityManager] { (role_label(t, r)) } } }
                label for="nu-password" { (t.password) }
                input #nu-password type="password" name="password" required minlength="10" autocomplete="new-password";
                fieldset {
                    legend { (t.user_clients) }
                    @for c in &clients { label.inline { input type="checkbox" name="client" value=(c.id); " " (c.name) } }
                }
                button type="submit" { (t.create) }
            }
        }
    };
    Ok(render(&Shell { ctx, actor, clients: &clients, current: None, title: t.users }, content).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    signed: SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let role = Role::parse(field(&form, "role"));
    let result = match role {
        Ok(role) => {
            let input = NewUserInput {
                email: field(&form, "email").to_owned(),
                name: field(&form, "name").to_owned(),
                role,
                password: field(&form, "password").to_owned(),
                ui_lang: UiLang::parse(field(&form, "language")),
                clients: all(&form, "client").filter_map(|c| c.parse().ok()).map(ClientId).collect(),
            };
            state.app.create_user(&signed.actor, input).await.map(|_| ())
        }
        Err(e) => {
            signed.actor.require(filrouge_domain::permission::Action::ManageUsers)?;
            Err(e.into())
        }
    };
    after_change(&state, &signed.ctx, "/users", result)
}

pub async fn edit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let result = match Role::parse(field(&form, "role")) {
        Ok(role) => {
            state
                .app
                .edit_user(&signed.actor, UserId(id), field(&form, "name"), role, field(&form, "disabled") == "1")
                .await
        }
        Err(e) => {
            signed.actor.require(filrouge_domain::permission::Action::ManageUsers)?;
            Err(e.into())
        }
    };
    after_change(&state, &signed.ctx, "/users", result)
}
