//! A client's competitors: list, add, remove.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_domain::client::CompetitorProfile;
use filrouge_domain::ids::CompetitorId;
use filrouge_domain::permission::Action;
use maud::html;
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::WebResult;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::{after_change, lines};
use crate::WebState;

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let competitors = state.app.competitors(actor, &slug).await?;
    let client = state.app.client(actor, &slug, Action::ViewClientSettings).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::EditClientSettings, Some(client.id));
    let content = html! {
        h1 { (t.competitors) }
        @if competitors.is_empty() { p { (t.no_competitors) } }
        ul.items {
            @for c in &competitors {
                li {
                    strong { (c.profile.name) }
                    @if !c.profile.handles.is_empty() { " · " (c.profile.handles.join(", ")) }
                    @for site in &c.profile.sites { " · " a href=(site) rel="noopener noreferrer nofollow" { (site) } }
                    @if editable {
                        form.inline method="post" action={ "/c/" (slug) "/competitors/" (c.id) "/delete" } {
                            (csrf_field(ctx))
                            button.link type="submit" aria-label={ (t.remove) " " (c.profile.name) } { (t.remove) }
                        }
                    }
                }
            }
        }
        @if editable {
            h2 { (t.add) }
            form.stack method="post" action={ "/c/" (slug) "/competitors" } {
                (csrf_field(ctx))
                label for="comp-name" { (t.name) }
                input #comp-name name="name" required maxlength="120";
                label for="comp-handles" { (t.handles) }
                textarea #comp-handles name="handles" rows="2" aria-describedby="comp-help" {}
                label for="comp-sites" { (t.sites) }
                textarea #comp-sites name="sites" rows="2" aria-describedby="comp-help" {}
                p.help #comp-help { (t.one_per_line) }
                button type="submit" { (t.add) }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Competitors)), title: t.competitors },
        content,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct CompetitorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    handles: String,
    #[serde(default)]
    sites: String,
}

pub async fn add(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<CompetitorForm>,
) -> WebResult {
    let profile = CompetitorProfile { name: f.name, handles: lines(&f.handles), sites: lines(&f.sites) };
    let result = state.app.add_competitor(&signed.actor, &slug, profile).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/competitors"), result)
}

pub async fn remove(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.remove_competitor(&signed.actor, &slug, CompetitorId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/competitors"), result)
}
