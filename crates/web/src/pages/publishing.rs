//! Publishing as people see it: the queue (all clients, or one), a post's deliveries, "publish now" and "retry", and
//! the client's pause switch with its banner and the question resuming asks about posts whose time passed.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::queue::{LatePosts, QueueItem};
use filrouge_app::{Actor, AppError};
use filrouge_domain::client::Client;
use filrouge_domain::ids::PostId;
use filrouge_domain::permission::Action;
use filrouge_domain::publishing::DeliveryState;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use maud::{html, Markup};
use serde::Deserialize;

use crate::context::{redirect_with_flash, Ctx, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::posts::{client_zone, date_hm};
use crate::WebState;

/// The queue's default horizon: what is due in the next day.
const DEFAULT_HOURS: i64 = 24;

pub(crate) fn delivery_label(state: DeliveryState, t: &Texts) -> &'static str {
    match state {
        DeliveryState::Pending => t.delivery_pending,
        DeliveryState::Claimed => t.delivery_claimed,
        DeliveryState::Published => t.delivery_published,
        DeliveryState::Failed => t.delivery_failed,
        DeliveryState::Held => t.delivery_held,
    }
}

/// A delivery's state as a badge: a word, never a colour alone.
pub(crate) fn delivery_badge(state: DeliveryState, t: &Texts) -> Markup {
    html! { span class={ "badge delivery-" (state.as_str()) } data-testid="delivery-state" { (delivery_label(state, t)) } }
}

/// What a post's page shows of one delivery (the store's type stays behind the application).
pub(crate) struct DeliveryFacts<'a> {
    pub state: DeliveryState,
    pub next_attempt: Timestamp,
    pub attempts: u32,
    pub last_error: Option<&'a str>,
    pub url: Option<&'a str>,
    pub published_at: Option<Timestamp>,
}

/// One delivery on a post's page: state, the network's link once published, else the error and the next attempt.
pub(crate) fn delivery_details(d: &DeliveryFacts<'_>, tz: &TimeZone, t: &Texts) -> Markup {
    html! {
        (delivery_badge(d.state, t))
        @if d.state == DeliveryState::Published {
            @if let Some(at) = d.published_at { " " (t.published_at) " " time datetime=(at) { (date_hm(tz, at)) } }
            @if let Some(url) = d.url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                " · " a href=(url) rel="noopener noreferrer" data-testid="delivery-link" { (t.view_on_network) }
            }
        } @else {
            @if let Some(e) = d.last_error.filter(|e| !e.is_empty()) {
                " " span.delivery-error data-testid="delivery-error" { (e) }
            }
            @if matches!(d.state, DeliveryState::Pending) {
                " · " (if d.attempts > 0 { t.next_attempt } else { t.planned }) " "
                time datetime=(d.next_attempt) { (date_hm(tz, d.next_attempt)) }
            }
            @if d.attempts > 0 { " · " (d.attempts) " " (t.attempts) }
        }
    }
}

/// "Publishing is paused", on the client's pages, for everyone who sees its calendar; nothing for others.
pub(crate) async fn paused_banner(state: &WebState, signed: &SignedIn, client: &Client) -> WebResult<Markup> {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let slug = client.profile.slug.as_str();
    let paused = match state.app.publishing_paused(actor, slug).await {
        Ok(p) => p,
        Err(AppError::Forbidden | AppError::NotFound) => false,
        Err(e) => return Err(e.into()),
    };
    Ok(html! {
        @if paused {
            div.paused-banner role="status" data-testid="paused-banner" {
                strong { (t.paused_banner) } " "
                a href={ "/c/" (slug) "/calendar#publishing" } { (t.publishing) }
            }
        }
    })
}

/// The client's publishing panel on its calendar: the queue's address and, for writers, the pause switch; when
/// publishing is paused, resuming first lists the posts whose time passed and asks what to do with them.
pub(crate) async fn panel(state: &WebState, signed: &SignedIn, client: &Client) -> WebResult<Markup> {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let slug = client.profile.slug.as_str();
    let tz = client_zone(client);
    let writer = actor.may(Action::WritePosts, Some(client.id));
    let paused = state.app.publishing_paused(actor, slug).await?;
    let overdue = if paused && writer { state.app.overdue_while_paused(actor, slug).await? } else { Vec::new() };
    let items = if overdue.is_empty() { Vec::new() } else { state.app.publishing_queue(actor, Some(slug), 1).await? };
    let base = format!("/c/{slug}/publishing");
    Ok(html! {
        section.publishing-panel #publishing aria-labelledby="publishing-title" {
            h2 #publishing-title { (t.publishing) }
            p { a href={ "/c/" (slug) "/queue" } data-testid="queue-link" { (t.publish_queue) } }
            @if writer && paused {
                @if overdue.is_empty() { p { (t.no_overdue) } }
                @else {
                    p { (t.overdue_intro) }
                    ul data-testid="overdue" {
                        @for id in &overdue {
                            @let item = items.iter().find(|i| i.delivery.post_id == *id);
                            li {
                                a href={ "/c/" (slug) "/posts/" (id) } {
                                    (item.map_or_else(|| format!("#{id}"), |i| headline_or(&i.headline, t)))
                                }
                                @if let Some(i) = item {
                                    " · " time datetime=(i.delivery.next_attempt) { (date_hm(&tz, i.delivery.next_attempt)) }
                                }
                            }
                        }
                    }
                }
                form.row method="post" action={ (base) "/resume" } {
                    (csrf_field(ctx))
                    @if overdue.is_empty() {
                        button type="submit" name="late" value="publish_now" { (t.resume) }
                    } @else {
                        button type="submit" name="late" value="publish_now" { (t.resume_publish_now) }
                        button.secondary type="submit" name="late" value="unschedule" { (t.resume_unschedule) }
                    }
                }
            } @else if writer {
                form.stack method="post" action={ (base) "/pause" } {
                    (csrf_field(ctx))
                    p.help #pause-help { (t.pause_help) }
                    label for="pause-reason" { (t.pause_reason) }
                    input #pause-reason name="reason" maxlength="500" aria-describedby="pause-help";
                    button.danger type="submit" { (t.pause_publishing) }
                }
            }
        }
    })
}

fn headline_or(headline: &str, t: &Texts) -> String {
    if headline.is_empty() {
        t.untitled.to_owned()
    } else {
        headline.to_owned()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    hours: String,
}

impl QueueParams {
    fn hours(&self) -> i64 {
        self.hours.trim().parse::<i64>().ok().filter(|h| *h > 0).unwrap_or(DEFAULT_HOURS).min(24 * 14)
    }
}

/// The queue's groups, in the order people act on them.
const GROUPS: [DeliveryState; 4] =
    [DeliveryState::Failed, DeliveryState::Held, DeliveryState::Claimed, DeliveryState::Pending];

fn group_title(state: DeliveryState, t: &Texts) -> &'static str {
    match state {
        DeliveryState::Pending => t.queue_due,
        other => delivery_label(other, t),
    }
}

/// The clients named by the queue's items, for their colour and time zone.
async fn clients_of(state: &WebState, actor: &Actor, items: &[QueueItem]) -> WebResult<Vec<Client>> {
    let mut out: Vec<Client> = Vec::new();
    for item in items {
        if out.iter().any(|c| c.profile.slug.as_str() == item.client_slug) {
            continue;
        }
        match state.app.client(actor, &item.client_slug, Action::ViewCalendar).await {
            Ok(c) => out.push(c),
            Err(AppError::Forbidden | AppError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

fn queue_markup(ctx: &Ctx, base: &str, hours: i64, items: &[QueueItem], clients: &[Client]) -> Markup {
    let t = ctx.t();
    html! {
        form.row.queue-hours method="get" action=(base) {
            label for="hours" { (t.queue_hours) }
            input #hours type="number" name="hours" min="1" max="336" value=(hours);
            button.secondary type="submit" { (t.queue_show) }
        }
        p.help { (t.queue_times) }
        @if items.is_empty() { p data-testid="queue-empty" { (t.queue_empty) } }
        @for group in GROUPS {
            @let lines = items.iter().filter(|i| i.delivery.state == group).collect::<Vec<_>>();
            @if !lines.is_empty() {
                section class={ "queue-group queue-" (group.as_str()) } data-testid={ "queue-" (group.as_str()) } {
                    h2 { (group_title(group, t)) @if group == DeliveryState::Pending { " (" (hours) " h)" } " · " (lines.len()) }
                    ul.queue {
                        @for item in lines {
                            @let client = clients.iter().find(|c| c.profile.slug.as_str() == item.client_slug);
                            @let tz = client.map_or(TimeZone::UTC, client_zone);
                            @let colour = client.map_or("#6b7280", |c| c.profile.colour.as_str());
                            @let d = &item.delivery;
                            li.queue-item style={ "--client:" (colour) } {
                                span.client-tag { span.dot style={ "background:" (colour) } {} (item.client_name) } " · "
                                (item.network.label()) " · " (item.account_handle) " · "
                                a href={ "/c/" (item.client_slug) "/posts/" (d.post_id) } { (headline_or(&item.headline, t)) } " · "
                                time datetime=(d.next_attempt) { (date_hm(&tz, d.next_attempt)) } " "
                                (delivery_badge(d.state, t))
                                @if let Some(e) = d.last_error.as_deref().filter(|e| !e.is_empty()) {
                                    " " span.delivery-error { (e) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The queue of every client the user sees.
pub async fn all(State(state): State<WebState>, signed: SignedIn, Query(p): Query<QueueParams>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let hours = p.hours();
    let items = state.app.publishing_queue(actor, None, hours).await?;
    let clients = clients_of(&state, actor, &items).await?;
    let switcher = state.app.client_switcher(actor).await?;
    let content = html! {
        h1 { (t.publish_queue) " · " (t.all_clients) }
        (queue_markup(ctx, "/queue", hours, &items, &clients))
    };
    Ok(render(&Shell { ctx, actor, clients: &switcher, current: None, title: t.publish_queue }, content)
        .into_response())
}

/// One client's queue.
pub async fn client_queue(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Query(p): Query<QueueParams>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let client = state.app.client(actor, &slug, Action::ViewCalendar).await?;
    let hours = p.hours();
    let items = state.app.publishing_queue(actor, Some(&slug), hours).await?;
    let switcher = state.app.client_switcher(actor).await?;
    let banner = paused_banner(&state, &signed, &client).await?;
    let content = html! {
        (banner)
        p { a href={ "/c/" (slug) "/calendar" } { "← " (t.calendar) } " · " a href="/queue" { (t.all_clients) } }
        h1 { (t.publish_queue) }
        (queue_markup(ctx, &format!("/c/{slug}/queue"), hours, &items, std::slice::from_ref(&client)))
    };
    let shell =
        Shell { ctx, actor, clients: &switcher, current: Some((&client, Section::Calendar)), title: t.publish_queue };
    Ok(render(&shell, content).into_response())
}

/// Publishes a scheduled or approved post now, or retries a failed one.
pub async fn publish_now(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.publish_now(&signed.actor, &slug, PostId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/posts/{id}"), result)
}

#[derive(Deserialize)]
pub struct PauseForm {
    #[serde(default)]
    reason: String,
}

pub async fn pause(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<PauseForm>,
) -> WebResult {
    let result = state.app.pause_publishing(&signed.actor, &slug, &f.reason).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/calendar"), result)
}

#[derive(Deserialize)]
pub struct ResumeForm {
    #[serde(default)]
    late: String,
}

/// Resumes publishing; the button said what to do with the posts whose time passed.
pub async fn resume(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<ResumeForm>,
) -> WebResult {
    // Access first: a refused user learns nothing from a validation message.
    state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let back = format!("/c/{slug}/calendar");
    let late = match f.late.as_str() {
        "publish_now" => LatePosts::PublishNow,
        "unschedule" => LatePosts::Unschedule,
        _ => {
            let refused = filrouge_domain::Invalid::new("late", "publish_now or unschedule");
            return Ok(redirect_with_flash(&state, &back, Flash::Error(refused.to_string())));
        }
    };
    match state.app.resume_publishing(&signed.actor, &slug, late).await {
        Ok(n) => Ok(redirect_with_flash(&state, &back, Flash::Ok(format!("{} {n}", signed.ctx.t().resumed)))),
        Err(e) => after_change(&state, &signed.ctx, &back, Err::<(), _>(e)),
    }
}
