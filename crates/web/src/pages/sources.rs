//! A client's listening sources: their health (last fetch, status, error, next fetch), add, edit,
//! pause, fetch now, remove; discovery of a site's feeds; OPML import and export.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_domain::ids::SourceId;
use filrouge_domain::permission::Action;
use filrouge_domain::source::{FetchStatus, Source, SourceKind, SourceStatus};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use maud::{html, Markup};
use serde::Deserialize;

use crate::context::{Ctx, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::WebState;

fn when(at: Option<Timestamp>, tz: &TimeZone, t: &Texts) -> String {
    at.map_or_else(|| t.never.to_owned(), |at| at.to_zoned(tz.clone()).strftime("%d/%m %H:%M").to_string())
}

fn status_label(s: &Source, t: &Texts) -> (&'static str, &'static str) {
    if s.status == SourceStatus::Paused {
        return (t.paused, "paused");
    }
    match s.health.last_status {
        None => (t.never, "pending"),
        Some(FetchStatus::Ok) => (t.fetch_ok, "ok"),
        Some(FetchStatus::NotModified) => (t.fetch_not_modified, "ok"),
        Some(FetchStatus::Error) => (t.fetch_error, "error"),
    }
}

fn kind_label(kind: SourceKind, t: &Texts) -> &'static str {
    match kind {
        SourceKind::Feed => t.kind_feed,
        SourceKind::Bluesky => t.kind_bluesky,
        SourceKind::Mastodon => t.kind_mastodon,
    }
}

/// The add form, pre-filled when coming from discovery.
fn add_form(ctx: &Ctx, slug: &str, url: &str, name: &str) -> Markup {
    let t = ctx.t();
    html! {
        form.stack method="post" action={ "/c/" (slug) "/sources" } {
            (csrf_field(ctx))
            label for="src-kind" { (t.source_kind) }
            select #src-kind name="kind" {
                @for k in SourceKind::ALL { option value=(k.as_str()) { (kind_label(k, t)) } }
            }
            label for="src-url" { (t.address) }
            input #src-url name="url" type="url" maxlength="2000" value=(url) aria-describedby="src-url-help";
            p.help #src-url-help { (t.address_help) }
            label for="src-query" { (t.query_terms) }
            input #src-query name="query" maxlength="500";
            label for="src-name" { (t.name) }
            input #src-name name="name" maxlength="120" value=(name);
            button type="submit" { (t.add_source) }
        }
    }
}

async fn render_page(state: &WebState, signed: &SignedIn, slug: &str, discovered: Option<Markup>) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let (client, sources) = state.app.sources(actor, slug).await?;
    let clients = state.app.client_switcher(actor).await?;
    let tz = TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(TimeZone::UTC);
    let editable = actor.may(Action::ManageSources, Some(client.id));
    let content = html! {
        h1 { (t.sources) }
        @if sources.is_empty() { p { (t.no_sources) } }
        @else {
            div.table-wrap {
                table.sources {
                    thead { tr {
                        th scope="col" { (t.name) } th scope="col" { (t.status) } th scope="col" { (t.last_fetch) }
                        th scope="col" { (t.next_fetch) } th scope="col" { (t.mentions) }
                        @if editable { th scope="col" { span.visually-hidden { (t.action) } } }
                    } }
                    tbody {
                        @for s in &sources {
                            @let (label, class) = status_label(s, t);
                            tr {
                                td {
                                    strong { (s.spec.name) } br;
                                    small { (kind_label(s.spec.kind, t)) " · "
                                        @if s.spec.query.is_empty() { (s.spec.url) } @else { (s.spec.query) " · " (s.spec.url) } }
                                    @if let Some(e) = &s.health.last_error { br; small.error { (e) } }
                                }
                                td { span class={ "badge " (class) } { (label) }
                                    @if s.health.consecutive_failures > 1 { " ×" (s.health.consecutive_failures) } }
                                td { (when(s.health.last_fetch, &tz, t)) }
                                td { @if s.status == SourceStatus::Active { (when(s.health.next_fetch, &tz, t)) } @else { "—" } }
                                td.num { (s.health.mentions_total) }
                                @if editable {
                                    td.actions {
                                        form.inline method="post" action={ "/c/" (slug) "/sources/" (s.id) "/fetch" } {
                                            (csrf_field(ctx)) button.link type="submit" { (t.fetch_now) } }
                                        form.inline method="post" action={ "/c/" (slug) "/sources/" (s.id) "/pause" } {
                                            (csrf_field(ctx))
                                            @if s.status == SourceStatus::Active {
                                                input type="hidden" name="paused" value="true";
                                                button.link type="submit" { (t.pause) }
                                            } @else {
                                                input type="hidden" name="paused" value="false";
                                                button.link type="submit" { (t.resume) }
                                            }
                                        }
                                        details {
                                            summary { (t.edit) }
                                            form.stack method="post" action={ "/c/" (slug) "/sources/" (s.id) } {
                                                (csrf_field(ctx))
                                                label for={ "url-" (s.id) } { (t.address) }
                                                input id={ "url-" (s.id) } name="url" value=(s.spec.url) maxlength="2000";
                                                @if s.spec.kind != SourceKind::Feed {
                                                    label for={ "q-" (s.id) } { (t.query_terms) }
                                                    input id={ "q-" (s.id) } name="query" value=(s.spec.query) maxlength="500";
                                                }
                                                label for={ "n-" (s.id) } { (t.name) }
                                                input id={ "n-" (s.id) } name="name" value=(s.spec.name) maxlength="120";
                                                button type="submit" { (t.save) }
                                            }
                                            form.inline method="post" action={ "/c/" (slug) "/sources/" (s.id) "/delete" } {
                                                (csrf_field(ctx))
                                                button.link.danger type="submit" aria-label={ (t.remove) " " (s.spec.name) } { (t.remove) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href={ "/c/" (slug) "/sources/opml" } download { (t.opml_export) } }
        @if editable {
            @if let Some(found) = discovered { (found) }
            h2 { (t.add_source) }
            (add_form(ctx, slug, "", ""))
            h2 { (t.discover) }
            form.stack method="post" action={ "/c/" (slug) "/sources/discover" } {
                (csrf_field(ctx))
                label for="disc-site" { (t.site_address) }
                input #disc-site name="site" required maxlength="2000" placeholder="https://www.example.fr";
                button type="submit" { (t.discover) }
            }
            h2 { (t.opml_import) }
            form.stack method="post" action={ "/c/" (slug) "/sources/opml" } {
                (csrf_field(ctx))
                label for="opml" { (t.opml_paste) }
                textarea #opml name="opml" rows="4" required {}
                button type="submit" { (t.opml_import) }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Sources)), title: t.sources },
        content,
    )
    .into_response())
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    render_page(&state, &signed, &slug, None).await
}

#[derive(Deserialize)]
pub struct SourceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    query: String,
}

pub async fn add(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<SourceForm>,
) -> WebResult {
    let result = state.app.add_source(&signed.actor, &slug, &f.kind, &f.name, &f.url, &f.query).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/sources"), result)
}

pub async fn edit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<SourceForm>,
) -> WebResult {
    let result = state.app.edit_source(&signed.actor, &slug, SourceId(id), &f.name, &f.url, &f.query).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/sources"), result)
}

#[derive(Deserialize)]
pub struct PauseForm {
    #[serde(default)]
    paused: String,
}

pub async fn pause(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<PauseForm>,
) -> WebResult {
    let result = state.app.set_source_paused(&signed.actor, &slug, SourceId(id), f.paused == "true").await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/sources"), result)
}

pub async fn fetch_now(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.fetch_source_soon(&signed.actor, &slug, SourceId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/sources"), result)
}

pub async fn remove(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.remove_source(&signed.actor, &slug, SourceId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/sources"), result)
}

#[derive(Deserialize)]
pub struct DiscoverForm {
    #[serde(default)]
    site: String,
}

/// Finds the feeds a site announces and shows them, each with a one-click add.
pub async fn discover(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<DiscoverForm>,
) -> WebResult {
    let t = signed.ctx.t();
    let found = match state.app.discover_feeds(&signed.actor, &slug, &f.site).await {
        Ok(found) => found,
        Err(e) => return after_change::<()>(&state, &signed.ctx, &format!("/c/{slug}/sources"), Err(e)),
    };
    let markup = html! {
        section.discovered aria-labelledby="discovered-title" {
            h2 #discovered-title { (t.discovered) }
            @if found.is_empty() { p { (t.no_feed_found) } }
            @for feed in &found {
                div.card {
                    p { strong { (feed.title.as_deref().unwrap_or(&feed.url)) } br; small { (feed.url) } }
                    (add_form(&signed.ctx, &slug, &feed.url, feed.title.as_deref().unwrap_or("")))
                }
            }
        }
    };
    render_page(&state, &signed, &slug, Some(markup)).await
}

#[derive(Deserialize)]
pub struct OpmlForm {
    #[serde(default)]
    opml: String,
}

pub async fn import_opml(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<OpmlForm>,
) -> WebResult {
    let result = state.app.import_opml(&signed.actor, &slug, f.opml.as_bytes()).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/sources"), result)
}

pub async fn export_opml(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let text = state.app.export_opml(&signed.actor, &slug).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/x-opml; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{slug}-sources.opml\"")),
        ],
        text,
    )
        .into_response())
}
