//! A client's listening queries: the list with matches per day, the editor that checks the syntax
//! as one types and tries the query on the archive (htmx fragments), alerts and recipients, the
//! private Atom feed; and the feed itself, public behind its secret address.

use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::queries::{check_query, Backtest, QueryCheck, QuerySummary};
use filrouge_domain::ids::QueryId;
use filrouge_domain::listening_query::{AlertMode, ListeningQuery, QueryDraft};
use filrouge_domain::permission::Action;
use filrouge_query::Highlights;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use crate::context::{redirect_with_flash, Ctx, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::mentions::analysis_badges;
use crate::WebState;

fn alert_label(mode: AlertMode, t: &Texts) -> &'static str {
    match mode {
        AlertMode::Off => t.alert_off,
        AlertMode::Instant => t.alert_instant,
        AlertMode::Hourly => t.alert_hourly,
        AlertMode::Daily => t.alert_daily,
    }
}

/// Thirty little bars: matches per day.
fn sparkline(per_day: &[u64], t: &Texts) -> Markup {
    let max = per_day.iter().copied().max().unwrap_or(0).max(1);
    let total: u64 = per_day.iter().sum();
    html! {
        span.sparkline role="img" aria-label={ (t.matches_30_days) " : " (total) } {
            @for n in per_day { span style={ "--h:" (n * 100 / max) "%" } {} }
        }
    }
}

/// The result of a syntax check: the error with its caret, or what the prefilter looks for.
fn check_markup(check: &QueryCheck, t: &Texts) -> Markup {
    match check {
        QueryCheck::Valid(e) => html! {
            p.ok role="status" { (t.query_valid) " "
                @if !e.literals.is_empty() { small { (t.query_literals) " : " (e.literals.join(", ")) } } }
        },
        QueryCheck::Invalid { message, column, caret } => html! {
            div.error role="alert" {
                p { (message) " (col. " (column) ")" }
                pre.caret { (caret) }
            }
        },
    }
}

/// `text` with the byte ranges wrapped in `<mark>` (escaped; ranges out of bounds or off a
/// character boundary are skipped).
fn highlighted(text: &str, ranges: &[std::ops::Range<usize>]) -> Markup {
    let mut ranges: Vec<_> = ranges.iter().filter(|r| r.start < r.end && r.end <= text.len()).cloned().collect();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for r in ranges {
        if r.start < at || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        out.push_str(&maud::html! { (text[at..r.start]) }.into_string());
        out.push_str("<mark>");
        out.push_str(&maud::html! { (text[r.start..r.end]) }.into_string());
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&maud::html! { (text[at..]) }.into_string());
    PreEscaped(out)
}

/// The excerpt of a text around its first highlight (at most ~300 characters), ranges shifted.
fn around(text: &str, h: &[std::ops::Range<usize>]) -> (String, Vec<std::ops::Range<usize>>) {
    const WINDOW: usize = 300;
    if text.len() <= WINDOW {
        return (text.to_owned(), h.to_vec());
    }
    let first = h.iter().map(|r| r.start).min().unwrap_or(0);
    let mut start = first.saturating_sub(80);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let shifted =
        h.iter().filter(|r| r.start >= start && r.end <= end).map(|r| (r.start - start)..(r.end - start)).collect();
    (text[start..end].to_owned(), shifted)
}

fn backtest_markup(slug: &str, b: &Backtest, t: &Texts) -> Markup {
    html! {
        section.backtest aria-live="polite" {
            p { strong { (t.backtest_result) " " (b.matched) } " " (t.backtest_of) " " (b.tried) " " (t.backtest_in_days) " " (b.days) }
            ol.mentions {
                @for (m, h) in &b.sample {
                    @let Highlights { title, text } = h;
                    @let (excerpt, ranges) = around(&m.text, text);
                    li.mention {
                        p.meta { (analysis_badges(m, t)) (m.site) " · " (m.author.handle) }
                        h3 { a href={ "/c/" (slug) "/mentions/" (m.id) } {
                            @if m.title.is_empty() { (m.text.chars().take(90).collect::<String>()) } @else { (highlighted(&m.title, title)) }
                        } }
                        p { (highlighted(&excerpt, &ranges)) }
                    }
                }
            }
        }
    }
}

/// The editor's fields; `q` is the query being edited, if any.
fn editor(ctx: &Ctx, slug: &str, q: Option<&ListeningQuery>, mail_configured: bool) -> Markup {
    let t = ctx.t();
    let action = match q {
        Some(q) => format!("/c/{slug}/queries/{}", q.id),
        None => format!("/c/{slug}/queries"),
    };
    let alert = q.map_or(AlertMode::Off, |q| q.alert);
    let recipients =
        q.map(|q| q.recipients.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default();
    let id = q.map_or("new".to_owned(), |q| q.id.to_string());
    html! {
        form.stack.query-editor method="post" action=(action) {
            (csrf_field(ctx))
            label for={ "qn-" (id) } { (t.name) }
            input id={ "qn-" (id) } name="name" required maxlength="100" value=[q.map(|q| q.name.as_str())];
            label for={ "qq-" (id) } { (t.query) }
            textarea id={ "qq-" (id) } name="query" rows="3" required maxlength="4096" spellcheck="false"
                aria-describedby={ "qh-" (id) " qc-" (id) }
                hx-get={ "/c/" (slug) "/queries/check" } hx-trigger="input changed delay:300ms, load"
                hx-target={ "#qc-" (id) } hx-swap="innerHTML" { (q.map_or("", |q| q.query.as_str())) }
            p.help id={ "qh-" (id) } { (t.query_help) }
            div.check id={ "qc-" (id) } aria-live="polite" {}
            label {
                input type="checkbox" name="active" value="true" checked[q.is_none_or(|q| q.active)];
                " " (t.query_active)
            }
            label for={ "qa-" (id) } { (t.alert) }
            select id={ "qa-" (id) } name="alert" {
                @for mode in AlertMode::ALL { option value=(mode.as_str()) selected[mode == alert] { (alert_label(mode, t)) } }
            }
            label for={ "qr-" (id) } { (t.recipients) }
            input id={ "qr-" (id) } name="recipients" maxlength="2000" value=(recipients) aria-describedby={ "qrh-" (id) };
            p.help id={ "qrh-" (id) } { (t.recipients_help) @if !mail_configured { " " strong { (t.mail_not_configured) } } }
            div.row {
                button type="submit" { (t.save) }
                button.secondary type="button" hx-get={ "/c/" (slug) "/queries/backtest" } hx-include={ "#qq-" (id) }
                    hx-target={ "#qb-" (id) } hx-swap="innerHTML" { (t.backtest) }
            }
        }
        div id={ "qb-" (id) } {}
    }
}

fn list_row(slug: &str, s: &QuerySummary, t: &Texts) -> Markup {
    let q = &s.query;
    html! {
        tr.inactive[!q.active] {
            td { a href={ "/c/" (slug) "/queries/" (q.id) } { strong { (q.name) } } br; code { (q.query) } }
            td { (alert_label(q.alert, t)) }
            td.num { (s.total) }
            td { (sparkline(&s.per_day, t)) }
        }
    }
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let data = state.app.queries(actor, &slug).await?;
    let clients = state.app.client_switcher(actor).await?;
    let client = &data.client;
    let editable = actor.may(Action::ManageQueries, Some(client.id));
    let content = html! {
        h1 { (t.queries) }
        p { (t.queries_intro) }
        @if data.queries.is_empty() { p { (t.no_queries) } }
        @else {
            div.table-wrap {
                table.queries {
                    thead { tr {
                        th scope="col" { (t.query) } th scope="col" { (t.alert) }
                        th scope="col" { (t.matches) } th scope="col" { (t.matches_30_days) }
                    } }
                    tbody { @for s in &data.queries { (list_row(&slug, s, t)) } }
                }
            }
        }
        @if editable {
            h2 { (t.new_query) }
            (editor(ctx, &slug, None, data.mail_configured))
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((client, Section::Queries)), title: t.queries },
        content,
    )
    .into_response())
}

pub async fn detail(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    render_detail(&state, &signed, &slug, QueryId(id), None).await
}

async fn render_detail(
    state: &WebState,
    signed: &SignedIn,
    slug: &str,
    id: QueryId,
    new_feed: Option<String>,
) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let (client, q) = state.app.query(actor, slug, id).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::ManageQueries, Some(client.id));
    let mail = state.app.mail_configured();
    let sample = state.app.backtest(actor, slug, &q.query, 30).await.ok();
    let base = state.config.public_url.trim_end_matches('/');
    let content = html! {
        p { a href={ "/c/" (slug) "/queries" } { "← " (t.queries) } }
        h1 { (q.name) }
        @if editable { (editor(ctx, slug, Some(&q), mail)) } @else { pre { (q.query) } }
        @if let Some(b) = &sample {
            h2 { (t.latest_matches) }
            (backtest_markup(slug, b, t))
        }
        @if editable {
            h2 { (t.private_feed) }
            p.help { (t.private_feed_help) }
            @if let Some(token) = &new_feed {
                p.flash.ok role="status" { (t.feed_copy_now) br; code.feed-url { (base) "/feeds/q/" (token) } }
            } @else if q.has_feed { p { (t.feed_exists) } }
            div.row {
                form.inline method="post" action={ "/c/" (slug) "/queries/" (q.id) "/feed" } {
                    (csrf_field(ctx))
                    button type="submit" { @if q.has_feed { (t.feed_renew) } @else { (t.feed_make) } }
                }
                @if q.has_feed {
                    form.inline method="post" action={ "/c/" (slug) "/queries/" (q.id) "/feed/delete" } {
                        (csrf_field(ctx)) button.link.danger type="submit" { (t.feed_revoke) }
                    }
                }
            }
            h2 { (t.delete) }
            form.inline method="post" action={ "/c/" (slug) "/queries/" (q.id) "/delete" } {
                (csrf_field(ctx))
                button.link.danger type="submit" aria-label={ (t.delete) " " (q.name) } { (t.delete) }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Queries)), title: &q.name },
        content,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct QueryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    alert: String,
    #[serde(default)]
    recipients: String,
}

impl QueryForm {
    fn draft(&self) -> Result<QueryDraft, filrouge_app::AppError> {
        Ok(QueryDraft::parse(&self.name, &self.query, self.active == "true", &self.alert, &self.recipients)?)
    }
}

pub async fn create(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<QueryForm>,
) -> WebResult {
    // Access first: a refused user learns nothing from a validation message.
    let result = match state.app.client(&signed.actor, &slug, Action::ManageQueries).await {
        Ok(_) => match f.draft() {
            Ok(draft) => state.app.create_query(&signed.actor, &slug, draft).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            Ok(redirect_with_flash(&state, &format!("/c/{slug}/queries/{id}"), Flash::Ok(signed.ctx.t().saved.into())))
        }
        Err(e) => after_change::<()>(&state, &signed.ctx, &format!("/c/{slug}/queries"), Err(e)),
    }
}

pub async fn edit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<QueryForm>,
) -> WebResult {
    let result = match state.app.client(&signed.actor, &slug, Action::ManageQueries).await {
        Ok(_) => match f.draft() {
            Ok(draft) => state.app.edit_query(&signed.actor, &slug, QueryId(id), draft).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    after_change(&state, &signed.ctx, &format!("/c/{slug}/queries/{id}"), result)
}

pub async fn remove(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.remove_query(&signed.actor, &slug, QueryId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/queries"), result)
}

pub async fn renew_feed(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let token = state.app.renew_query_feed(&signed.actor, &slug, QueryId(id)).await?;
    render_detail(&state, &signed, &slug, QueryId(id), Some(token)).await
}

pub async fn revoke_feed(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.revoke_query_feed(&signed.actor, &slug, QueryId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/queries/{id}"), result)
}

#[derive(Deserialize)]
pub struct CheckParams {
    #[serde(default)]
    query: String,
    #[serde(default)]
    days: Option<i64>,
}

/// The syntax check, as an htmx fragment (access as for the page: the client must be visible).
pub async fn check(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    UrlQuery(p): UrlQuery<CheckParams>,
) -> WebResult {
    state.app.client(&signed.actor, &slug, Action::ViewMentions).await?;
    let t = signed.ctx.t();
    if p.query.trim().is_empty() {
        return Ok(html! {}.into_response());
    }
    Ok(check_markup(&check_query(&p.query), t).into_response())
}

/// The backtest, as an htmx fragment.
pub async fn backtest(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    UrlQuery(p): UrlQuery<CheckParams>,
) -> WebResult {
    let t = signed.ctx.t();
    match state.app.backtest(&signed.actor, &slug, &p.query, p.days.unwrap_or(30)).await {
        Ok(b) => Ok(backtest_markup(&slug, &b, t).into_response()),
        Err(filrouge_app::AppError::Invalid(_)) => Ok(check_markup(&check_query(&p.query), t).into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A query's matches as Atom, behind its secret address. Unknown or revoked: 404.
pub async fn atom(State(state): State<WebState>, Path(token): Path<String>) -> WebResult {
    let token = token.trim_end_matches(".atom");
    let feed = state.app.query_feed(token).await?;
    let base = state.config.public_url.trim_end_matches('/');
    let slug = feed.client.profile.slug.as_str();
    let updated = feed.entries.iter().map(|m| m.fetched).max().unwrap_or(feed.query.updated_at);
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "<title>{} — {}</title>\n<id>urn:filrouge:query:{}</id>\n<updated>{}</updated>\n<link rel=\"alternate\" href=\"{}/c/{}/queries/{}\"/>\n",
        filrouge_feeds::escape::xml(&feed.client.profile.name),
        filrouge_feeds::escape::xml(&feed.query.name),
        feed.query.id,
        updated,
        filrouge_feeds::escape::xml(base),
        filrouge_feeds::escape::xml(slug),
        feed.query.id
    ));
    for m in &feed.entries {
        let title =
            if m.title.trim().is_empty() { m.text.chars().take(100).collect::<String>() } else { m.title.clone() };
        let summary: String = m.text.chars().take(1000).collect();
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>urn:filrouge:mention:{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n<published>{}</published>\n<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
            filrouge_feeds::escape::xml(&title),
            m.id,
            filrouge_feeds::escape::xml(&m.url),
            m.fetched,
            m.published,
            filrouge_feeds::escape::xml(if m.author.handle.is_empty() { &m.site } else { &m.author.handle }),
            filrouge_feeds::escape::xml(&summary)
        ));
    }
    xml.push_str("</feed>\n");
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=60"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        xml,
    )
        .into_response())
}
