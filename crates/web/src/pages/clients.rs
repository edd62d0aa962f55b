//! The clients overview (the agency's home), creating a client, a client's home page and
//! archiving.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use filrouge_domain::client::{Brief, Charter, ClientProfile, ClientSummary, Colour, TimeZoneName};
use filrouge_domain::ids::Slug;
use filrouge_domain::locale::Lang;
use filrouge_domain::permission::Action;
use filrouge_domain::user::Role;
use maud::html;
use serde::Deserialize;

use crate::context::{redirect_with_flash, Flash, SignedIn};
use crate::error::{WebError, WebResult};
use crate::pages::layout::{csrf_field, page, Section, Shell};
use crate::WebState;

pub async fn overview(State(state): State<WebState>, signed: SignedIn) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let clients = state.app.visible_clients(actor).await?;
    // A reviewer has one client: take them straight there.
    if actor.role() == Role::ClientReviewer {
        if let [only] = clients.as_slice() {
            return Ok(axum::response::Redirect::to(&format!("/c/{}", only.profile.slug)).into_response());
        }
    }
    let content = html! {
        h1 { (t.clients) }
        @if clients.is_empty() { p { (t.no_clients) } }
        ul.cards {
            @for c in &clients {
                li.card style={ "--client:" (c.profile.colour.as_str()) } {
                    a href={ "/c/" (c.profile.slug) } {
                        strong { (c.profile.name) }
                        @if c.archived { " " span.badge { (t.archived) } }
                    }
                    p { (c.profile.brief.activity.chars().take(140).collect::<String>()) }
                    p.muted { (c.profile.brief.location) " · " (c.profile.time_zone.as_str()) }
                }
            }
        }
        @if actor.may(Action::CreateClient, None) {
            section {
                h2 { (t.new_client) }
                form.stack method="post" action="/clients" {
                    (csrf_field(ctx))
                    label for="new-name" { (t.name) }
                    input #new-name name="name" required maxlength="120";
                    label for="new-colour" { (t.colour) }
                    input #new-colour type="color" name="colour" value="#2563eb";
                    label for="new-tz" { (t.time_zone) }
                    input #new-tz name="time_zone" value="Europe/Paris" required;
                    label for="new-langs" { (t.languages) }
                    input #new-langs name="languages" value="fr" aria-describedby="new-langs-help";
                    p.help #new-langs-help { (t.languages_help) }
                    button type="submit" { (t.create) }
                }
            }
        }
    };
    let switcher: Vec<ClientSummary> = clients.iter().map(ClientSummary::from).collect();
    Ok(page(&Shell { ctx, actor, clients: &switcher, current: None, title: t.clients }, content).into_response())
}

#[derive(Deserialize)]
pub struct NewClientForm {
    name: String,
    #[serde(default)]
    colour: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    languages: String,
}

pub(crate) fn parse_languages(text: &str) -> Result<Vec<Lang>, WebError> {
    text.split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| Lang::parse(s).map_err(|e| WebError::Invalid(e.to_string())))
        .collect()
}

pub async fn create(
    State(state): State<WebState>,
    signed: SignedIn,
    Form(form): Form<NewClientForm>,
) -> WebResult<Response> {
    let SignedIn { ctx, actor } = &signed;
    let result: Result<ClientProfile, WebError> = (|| {
        Ok(ClientProfile {
            slug: Slug::from_name(&form.name).map_err(|e| WebError::Invalid(e.to_string()))?,
            name: form.name.clone(),
            colour: Colour::parse(&form.colour).map_err(|e| WebError::Invalid(e.to_string()))?,
            time_zone: TimeZoneName::parse(&form.time_zone).map_err(|e| WebError::Invalid(e.to_string()))?,
            languages: parse_languages(&form.languages)?,
            brief: Brief::default(),
            charter: Charter::default(),
        })
    })();
    let profile = match result {
        Ok(p) => p,
        Err(WebError::Invalid(m)) => return Ok(redirect_with_flash(&state, "/", Flash::Error(m))),
        Err(e) => return Err(e),
    };
    match state.app.create_client(actor, profile).await {
        Ok(client) => Ok(redirect_with_flash(
            &state,
            &format!("/c/{}/settings", client.profile.slug),
            Flash::Ok(ctx.t().saved.into()),
        )),
        Err(filrouge_app::AppError::Invalid(i)) => Ok(redirect_with_flash(&state, "/", Flash::Error(i.to_string()))),
        Err(filrouge_app::AppError::Conflict(_)) => {
            Ok(redirect_with_flash(&state, "/", Flash::Error(format!("{}: « {} »", ctx.t().slug, form.name))))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn home(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let client = state.app.client(actor, &slug, Action::ViewClient).await?;
    let clients = state.app.client_switcher(actor).await?;
    let banner = crate::pages::publishing::paused_banner(&state, &signed, &client).await?;
    let p = &client.profile;
    let content = html! {
        (banner)
        h1 { (p.name) }
        @if actor.role() == Role::ClientReviewer {
            p { (t.reviewer_home) }
            p.muted { (t.nothing_to_review) }
        } @else {
            p.muted { (t.client_home_intro) }
            dl.facts {
                dt { (t.activity) } dd { (p.brief.activity) }
                dt { (t.location) } dd { (p.brief.location) }
                dt { (t.time_zone) } dd { (p.time_zone.as_str()) }
                dt { (t.languages) } dd { (p.languages.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ")) }
                dt { (t.address_form) } dd { (p.charter.address.as_str()) }
            }
            @if actor.may(Action::ArchiveClient, Some(client.id)) {
                form method="post" action={ "/c/" (p.slug) "/archive" } {
                    (csrf_field(ctx))
                    input type="hidden" name="archived" value=(if client.archived { "false" } else { "true" });
                    button.secondary type="submit" { (if client.archived { t.restore } else { t.archive }) }
                }
            }
        }
    };
    Ok(page(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Home)), title: t.overview },
        content,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    archived: String,
}

pub async fn archive(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<ArchiveForm>,
) -> WebResult {
    state.app.set_archived(&signed.actor, &slug, form.archived == "true").await?;
    Ok(redirect_with_flash(&state, &format!("/c/{slug}"), Flash::Ok(signed.ctx.t().saved.into())))
}
