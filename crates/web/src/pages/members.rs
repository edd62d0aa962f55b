//! Who belongs to a client: list, add (by e-mail), remove.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_domain::ids::UserId;
use filrouge_domain::permission::Action;
use maud::html;
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::WebResult;
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::users::role_label;
use crate::WebState;

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let members = state.app.members(actor, &slug).await?;
    let client = state.app.client(actor, &slug, Action::ViewClientSettings).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::ManageMembers, Some(client.id));
    let content = html! {
        h1 { (t.members) }
        @if members.is_empty() { p { (t.no_members) } }
        ul.items {
            @for m in &members {
                li {
                    strong { (m.name) } " · " (m.email.as_str()) " · " span.badge { (role_label(t, m.role)) }
                    @if editable {
                        form.inline method="post" action={ "/c/" (slug) "/members/" (m.id) "/delete" } {
                            (csrf_field(ctx))
                            button.link type="submit" aria-label={ (t.remove) " " (m.name) } { (t.remove) }
                        }
                    }
                }
            }
        }
        @if editable {
            h2 { (t.add_member) }
            form.stack method="post" action={ "/c/" (slug) "/members" } {
                (csrf_field(ctx))
                label for="member-email" { (t.email) }
                input #member-email type="email" name="email" required autocomplete="off";
                button type="submit" { (t.add) }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Members)), title: t.members },
        content,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    email: String,
}

pub async fn add(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<MemberForm>,
) -> WebResult {
    let result = state.app.add_member_by_email(&signed.actor, &slug, &f.email).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/members"), result)
}

pub async fn remove(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.remove_member(&signed.actor, &slug, UserId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/members"), result)
}
