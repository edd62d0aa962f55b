//! The calendar of one client or of all of them: month, week, day and list views in each client's time zone, the
//! ideas backlog, the gaps, drag and drop (a small script, with the post page's form as the path without it), and on
//! a client's calendar its signed review links and posting slots.

use std::collections::BTreeMap;

use axum::extract::{Path, Query as UrlQuery, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::calendar::CalendarView;
use filrouge_domain::client::Client;
use filrouge_domain::ids::AccountId;
use filrouge_domain::local_time::day_bounds;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{ApprovalPolicy, Post};
use filrouge_domain::slot::PostingSlot;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use maud::{html, Markup};
use serde::Deserialize;

use crate::context::{redirect_with_flash, Ctx, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::posts::{client_zone, date_hm, hm, state_badge};
use crate::pages::{after_change, publishing};
use crate::WebState;

/// Where the drag-and-drop script is served.
pub const SCRIPT_PATH: &str = "/static/calendar.js";

#[derive(Debug, Default, Deserialize)]
pub struct CalParams {
    #[serde(default)]
    view: String,
    #[serde(default)]
    date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Month,
    Week,
    Day,
    List,
}

impl View {
    const ALL: [View; 4] = [View::Month, View::Week, View::Day, View::List];

    fn parse(v: &str) -> View {
        match v {
            "week" => View::Week,
            "day" => View::Day,
            "list" => View::List,
            _ => View::Month,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            View::Month => "month",
            View::Week => "week",
            View::Day => "day",
            View::List => "list",
        }
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            View::Month => t.view_month,
            View::Week => t.view_week,
            View::Day => t.view_day,
            View::List => t.view_list,
        }
    }

    /// The days shown: `[start, end)`. Weeks start on Monday.
    fn range(self, date: Date) -> (Date, Date) {
        let monday = |d: Date| d.checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days()).unwrap_or(d);
        let plus = |d: Date, n: i64| d.checked_add(n.days()).unwrap_or(d);
        match self {
            View::Month => {
                let start = monday(date.first_of_month());
                let last = date.last_of_month();
                (start, plus(monday(last), 7))
            }
            View::Week => {
                let start = monday(date);
                (start, plus(start, 7))
            }
            View::Day => (date, plus(date, 1)),
            View::List => (date.first_of_month(), plus(date.last_of_month(), 1)),
        }
    }

    fn step(self, date: Date, forward: bool) -> Date {
        let sign = if forward { 1 } else { -1 };
        let span = match self {
            View::Month | View::List => (sign).months(),
            View::Week => (7 * sign).days(),
            View::Day => (sign).days(),
        };
        date.checked_add(span).unwrap_or(date)
    }
}

fn weekday_slug(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

fn nth(list: &str, n: usize) -> &str {
    list.split(',').nth(n).unwrap_or("")
}

/// `lundi 30 mars 2026`.
fn long_date(d: Date, t: &Texts) -> String {
    let weekday = nth(t.weekdays_long, usize::from(d.weekday().to_monday_zero_offset().unsigned_abs()));
    let month = nth(t.months, usize::from(d.month().unsigned_abs()).saturating_sub(1));
    format!("{weekday} {} {month} {}", d.day(), d.year())
}

/// One post as a chip: time in its client's zone, state, client (on the all-clients view), headline.
fn chip(actor: &filrouge_app::Actor, t: &Texts, client: &Client, post: &Post, show_client: bool) -> Markup {
    let tz = client_zone(client);
    let slug = client.profile.slug.as_str();
    let movable = actor.may(Action::WritePosts, Some(client.id)) && post.state.editable();
    let wall = post.planned_at.map(|at| at.to_zoned(tz.clone()).strftime("%H:%M").to_string()).unwrap_or_default();
    let headline = post.headline();
    html! {
        a.chip href={ "/c/" (slug) "/posts/" (post.id) } style={ "--client:" (client.profile.colour.as_str()) }
            draggable=[movable.then_some("true")]
            data-move=[movable.then(|| format!("/c/{slug}/posts/{}/move", post.id))]
            data-version=(post.version) data-time=(wall) {
            @if let Some(at) = post.planned_at { time.chip-time datetime=(at) { (hm(&tz, at)) } " " }
            (state_badge(post.state, t)) " "
            @if show_client { span.chip-client { (client.profile.name) } " " }
            span.chip-title { @if headline.is_empty() { (t.untitled) } @else { (headline) } }
        }
    }
}

/// The posts of the view by local day (each in its client's zone).
fn by_day(cal: &CalendarView) -> BTreeMap<Date, Vec<(&Client, &Post)>> {
    let mut days: BTreeMap<Date, Vec<(&Client, &Post)>> = BTreeMap::new();
    for post in &cal.posts {
        let (Some(client), Some(at)) = (cal.client(post.client_id), post.planned_at) else { continue };
        let day = at.to_zoned(client_zone(client)).date();
        days.entry(day).or_default().push((client, post));
    }
    for posts in days.values_mut() {
        posts.sort_by_key(|(_, p)| p.planned_at);
    }
    days
}

struct Grid<'a> {
    ctx: &'a Ctx,
    actor: &'a filrouge_app::Actor,
    view: View,
    date: Date,
    today: Date,
    single: bool,
}

fn day_cell(g: &Grid<'_>, day: Date, posts: &[(&Client, &Post)]) -> Markup {
    let t = g.ctx.t();
    let outside = g.view == View::Month && day.month() != g.date.month();
    let gap = g.single && posts.is_empty() && day >= g.today;
    html! {
        li.day.outside[outside].gap[gap].today[day == g.today] data-drop-date=(day) {
            h3.daynum { time datetime=(day) aria-label=(long_date(day, t)) { (day.day()) } }
            @if gap { span.gap-note { (t.nothing_planned) } }
            @if !posts.is_empty() {
                ul.chips { @for (c, p) in posts { li { (chip(g.actor, t, c, p, !g.single)) } } }
            }
        }
    }
}

fn grid(g: &Grid<'_>, cal: &CalendarView, start: Date, end: Date) -> Markup {
    let t = g.ctx.t();
    let days = by_day(cal);
    let mut all_days = Vec::new();
    let mut d = start;
    while d < end {
        all_days.push(d);
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    let empty = Vec::new();
    html! {
        @match g.view {
            View::Month | View::Week => {
                div.weekdays aria-hidden="true" { @for n in 0..7 { span { (nth(t.weekdays, n)) } } }
                ol class={ "cal-grid view-" (g.view.as_str()) } {
                    @for day in &all_days { (day_cell(g, *day, days.get(day).unwrap_or(&empty))) }
                }
            }
            View::Day | View::List => {
                ol.cal-list {
                    @for day in &all_days {
                        @let posts = days.get(day).unwrap_or(&empty);
                        @if g.view == View::Day || !posts.is_empty() {
                            li.day.gap[g.single && posts.is_empty() && *day >= g.today] data-drop-date=(day) {
                                h3 { (long_date(*day, t)) }
                                @if posts.is_empty() { p.gap-note { (t.nothing_planned) } }
                                ul.chips { @for (c, p) in posts { li { (chip(g.actor, t, c, p, !g.single)) } } }
                            }
                        }
                    }
                }
                @if g.view == View::List && days.is_empty() { p { (t.no_posts_period) } }
            }
        }
    }
}

fn slots_text(slots: &[PostingSlot], account: AccountId) -> String {
    slots
        .iter()
        .filter(|s| s.account_id == account)
        .map(|s| format!("{} {}", weekday_slug(s.weekday), s.time.strftime("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn render_calendar(
    state: &WebState,
    signed: &SignedIn,
    slug: Option<&str>,
    p: &CalParams,
    new_link: Option<(String, Timestamp)>,
) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let view = View::parse(&p.view);
    let single = match slug {
        Some(s) => Some(state.app.client(actor, s, Action::ViewCalendar).await?),
        None => None,
    };
    let zone_today = single.as_ref().map_or(TimeZone::UTC, client_zone);
    let today = state.app.now().to_zoned(zone_today).date();
    let date = p.date.parse::<Date>().unwrap_or(today);
    let (start, end) = view.range(date);
    // Read a day more on each side: each post is then placed on its day in its own client's zone.
    let from = day_bounds(&TimeZone::UTC, start.yesterday().unwrap_or(start)).0;
    let to = day_bounds(&TimeZone::UTC, end.tomorrow().unwrap_or(end)).0;
    let cal = state.app.calendar(actor, slug, from, to).await?;
    let clients = state.app.client_switcher(actor).await?;
    let base = slug.map_or_else(|| "/calendar".to_owned(), |s| format!("/c/{s}/calendar"));
    let here = format!("{base}?view={}&date={date}", view.as_str());
    let g = Grid { ctx, actor, view, date, today, single: single.is_some() };
    let writer = single.as_ref().is_some_and(|c| actor.may(Action::WritePosts, Some(c.id)));
    let title = match view {
        View::Month | View::List => {
            format!("{} {}", nth(t.months, usize::from(date.month().unsigned_abs()).saturating_sub(1)), date.year())
        }
        View::Week => format!("{} {}", t.week_of, long_date(start, t)),
        View::Day => long_date(date, t),
    };
    let extras = match (&single, writer) {
        (Some(client), true) => Some(extras(state, signed, client, new_link).await?),
        _ => None,
    };
    let (banner, publishing_panel) = match &single {
        Some(client) => (
            Some(publishing::paused_banner(state, signed, client).await?),
            Some(publishing::panel(state, signed, client).await?),
        ),
        None => (None, None),
    };
    let content = html! {
        @if let Some(b) = banner { (b) }
        div.cal-head {
            h1 { (t.calendar) @if single.is_none() { " · " (t.all_clients) } }
            @if let (Some(c), true) = (&single, writer) {
                a.button href={ "/c/" (c.profile.slug) "/posts/new" } { (t.new_post) }
                " " a.button.secondary href={ "/c/" (c.profile.slug) "/posts/import" } { (t.import_csv) }
            }
            @if single.is_none() { a.button.secondary href="/queue" data-testid="queue-link" { (t.publish_queue) } }
        }
        @if single.is_none() && !cal.empty_tomorrow.is_empty() {
            div.gaps role="status" data-testid="empty-tomorrow" {
                strong { (t.empty_tomorrow) } " "
                @for id in &cal.empty_tomorrow {
                    @if let Some(c) = cal.client(*id) {
                        a.client-tag href={ "/c/" (c.profile.slug) "/calendar" } {
                            span.dot style={ "background:" (c.profile.colour.as_str()) } {} (c.profile.name)
                        } " "
                    }
                }
            }
        }
        nav.cal-nav aria-label=(t.calendar) {
            div.views {
                @for v in View::ALL {
                    a href={ (base) "?view=" (v.as_str()) "&date=" (date) } aria-current=[(v == view).then_some("page")] { (v.label(t)) }
                }
            }
            div.steps {
                a href={ (base) "?view=" (view.as_str()) "&date=" (view.step(date, false)) } rel="prev" { "← " (t.previous) }
                a href={ (base) "?view=" (view.as_str()) } { (t.today) }
                a href={ (base) "?view=" (view.as_str()) "&date=" (view.step(date, true)) } rel="next" { (t.next) " →" }
            }
        }
        @if let Some(c) = &single {
            p.help { (t.times_in) " " (c.profile.time_zone.as_str()) ". " @if writer { (t.drag_help) } }
        } @else {
            p.help { (t.times_in_each) }
        }
        div.calendar #calendar data-csrf=(ctx.csrf()) data-back=(here) {
            section.period aria-label=(title) {
                h2 { (title) }
                (grid(&g, &cal, start, end))
            }
            section.backlog data-drop-date="" aria-labelledby="backlog-title" {
                h2 #backlog-title { (t.backlog) }
                @if cal.backlog.is_empty() { p { (t.backlog_empty) } }
                ul.chips {
                    @for post in &cal.backlog {
                        @if let Some(c) = cal.client(post.client_id) { li { (chip(actor, t, c, post, single.is_none())) } }
                    }
                }
            }
        }
        @if let Some(p) = publishing_panel { (p) }
        @if let Some(x) = extras { (x) }
        script src=(SCRIPT_PATH) defer {}
    };
    let current = single.as_ref().map(|c| (c, Section::Calendar));
    Ok(render(&Shell { ctx, actor, clients: &clients, current, title: t.calendar }, content).into_response())
}

/// A writer's panels on a client's calendar: signed review links (approval by the client) and posting slots.
async fn extras(
    state: &WebState,
    signed: &SignedIn,
    client: &Client,
    new_link: Option<(String, Timestamp)>,
) -> WebResult<Markup> {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let slug = client.profile.slug.as_str();
    let tz = client_zone(client);
    let links = if client.profile.charter.approval == ApprovalPolicy::Client {
        Some(state.app.review_links(actor, slug).await?)
    } else {
        None
    };
    let accounts = state.app.post_accounts(actor, slug).await?;
    let slots = state.app.slots(actor, slug).await?;
    let public = state.config.public_url.trim_end_matches('/');
    Ok(html! {
        @if let Some(links) = links {
            section.review-links #review-links {
                h2 { (t.review_links) }
                p.help { (t.review_links_help) }
                @if let Some((token, expires)) = &new_link {
                    p.flash.ok role="status" {
                        (t.link_copy_now) " (" (t.link_expires) " " (date_hm(&tz, *expires)) ")" br;
                        code.feed-url data-testid="review-url" { (public) "/r/" (token) }
                    }
                }
                @if links.is_empty() { p { (t.no_links) } }
                ul {
                    @for l in &links {
                        li {
                            strong { (l.label) } " · "
                            @if l.revoked { (t.link_revoked) }
                            @else {
                                (t.link_expires) " " (date_hm(&tz, l.expires_at)) " "
                                form.inline method="post" action={ "/c/" (slug) "/review-links/" (l.id) "/delete" } {
                                    (csrf_field(ctx))
                                    button.link.danger type="submit" aria-label={ (t.revoke) " " (l.label) } { (t.revoke) }
                                }
                            }
                        }
                    }
                }
                form.stack method="post" action={ "/c/" (slug) "/review-links" } {
                    (csrf_field(ctx))
                    label for="link-label" { (t.link_label) }
                    input #link-label name="label" required maxlength="120";
                    label for="link-days" { (t.link_days) }
                    input #link-days type="number" name="days" min="1" max="90" value="14" required;
                    button type="submit" { (t.create) }
                }
            }
        }
        section.slots {
            h2 { (t.slots) }
            p.help #slots-help { (t.slots_help) }
            @if accounts.is_empty() { p { (t.no_accounts_yet) } }
            @for a in &accounts {
                form.stack method="post" action={ "/c/" (slug) "/accounts/" (a.id) "/slots" } {
                    (csrf_field(ctx))
                    label for={ "slots-" (a.id) } { (a.profile.network.as_str()) " · " (a.profile.handle) }
                    textarea id={ "slots-" (a.id) } name="slots" rows="2" aria-describedby="slots-help" { (slots_text(&slots, a.id)) }
                    button type="submit" { (t.save) }
                }
            }
        }
    })
}

pub async fn all(State(state): State<WebState>, signed: SignedIn, UrlQuery(p): UrlQuery<CalParams>) -> WebResult {
    render_calendar(&state, &signed, None, &p, None).await
}

pub async fn page(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    UrlQuery(p): UrlQuery<CalParams>,
) -> WebResult {
    render_calendar(&state, &signed, Some(&slug), &p, None).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    days: String,
}

/// Makes a signed review link and shows its address once, on the calendar.
pub async fn create_link(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<LinkForm>,
) -> WebResult {
    // Access first: a refused user learns nothing from a validation message.
    state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let back = format!("/c/{slug}/calendar");
    let days = f.days.trim().parse().unwrap_or(0);
    match state.app.create_review_link(&signed.actor, &slug, &f.label, days).await {
        Ok(link) => render_calendar(&state, &signed, Some(&slug), &CalParams::default(), Some(link)).await,
        Err(filrouge_app::AppError::Invalid(i)) => Ok(redirect_with_flash(&state, &back, Flash::Error(i.to_string()))),
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_link(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.revoke_review_link(&signed.actor, &slug, id).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/calendar"), result)
}

#[derive(Deserialize)]
pub struct SlotsForm {
    #[serde(default)]
    slots: String,
}

pub async fn set_slots(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<SlotsForm>,
) -> WebResult {
    let result = state.app.set_slots(&signed.actor, &slug, AccountId(id), &f.slots).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/calendar"), result)
}
