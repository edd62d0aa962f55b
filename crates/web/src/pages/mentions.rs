//! The veille of a client: the mentions stream with search, filters, facets and a per-day
//! histogram; a mention's detail (its sanitised content, where it came through, its copies); the
//! marks (read, starred, ignored).

use axum::extract::{Path, RawQuery, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::mentions::{MentionFilter, MentionView, MentionsPage};
use filrouge_domain::ids::MentionId;
use filrouge_domain::mention::{Mark, Mention};
use filrouge_domain::permission::Action;
use filrouge_search::Sort;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use crate::context::{redirect_with_flash, Ctx, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::{all, field};
use crate::WebState;

/// The filter as it travels in the address, so a search can be bookmarked and shared.
fn filter_from(pairs: &[(String, String)]) -> MentionFilter {
    let day = |name: &str| field(pairs, name).parse::<Date>().ok();
    let list = |name: &str| all(pairs, name).filter(|v| !v.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    MentionFilter {
        text: field(pairs, "q").chars().take(500).collect(),
        from: day("from"),
        to: day("to"),
        sources: list("source"),
        langs: list("lang"),
        authors: list("author"),
        sites: list("site"),
        sentiments: list("sentiment"),
        intents: list("intent"),
        sort: match field(pairs, "sort") {
            "oldest" => Sort::Oldest,
            "relevance" => Sort::Relevance,
            _ => Sort::Newest,
        },
        page: field(pairs, "page").parse().unwrap_or(1),
        view: MentionView::parse(field(pairs, "view")),
    }
}

fn query_string(f: &MentionFilter, page: usize, view: MentionView) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !f.text.is_empty() {
        s.append_pair("q", &f.text);
    }
    if let Some(d) = f.from {
        s.append_pair("from", &d.to_string());
    }
    if let Some(d) = f.to {
        s.append_pair("to", &d.to_string());
    }
    for (name, values) in facet_lists(f) {
        for v in values {
            s.append_pair(name, v);
        }
    }
    match f.sort {
        Sort::Newest => {}
        Sort::Oldest => {
            s.append_pair("sort", "oldest");
        }
        Sort::Relevance => {
            s.append_pair("sort", "relevance");
        }
    }
    if view != MentionView::All {
        s.append_pair("view", view.as_str());
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    s.finish()
}

/// Every facet filter of the form, by its name in the address.
fn facet_lists(f: &MentionFilter) -> [(&'static str, &Vec<String>); 6] {
    [
        ("source", &f.sources),
        ("lang", &f.langs),
        ("author", &f.authors),
        ("site", &f.sites),
        ("sentiment", &f.sentiments),
        ("intent", &f.intents),
    ]
}

fn facet_list_mut<'a>(f: &'a mut MentionFilter, facet: &str) -> &'a mut Vec<String> {
    match facet {
        "source" => &mut f.sources,
        "lang" => &mut f.langs,
        "author" => &mut f.authors,
        "sentiment" => &mut f.sentiments,
        "intent" => &mut f.intents,
        _ => &mut f.sites,
    }
}

/// The words for an analysis label (sentiment or intent).
pub(crate) fn label_text(t: &Texts, value: &str) -> String {
    match value {
        "positive" => t.sentiment_positive,
        "negative" => t.sentiment_negative,
        "neutral" => t.sentiment_neutral,
        "question" => t.intent_question,
        "complaint" => t.intent_complaint,
        "praise" => t.intent_praise,
        "spam" => t.intent_spam,
        "other" => t.intent_other,
        other => other,
    }
    .to_owned()
}

/// The sentiment, language and intent badges of a mention.
pub(crate) fn analysis_badges(m: &Mention, t: &Texts) -> Markup {
    html! {
        @if let Some(a) = m.analysis {
            span class={ "badge sentiment-" (a.sentiment.as_str()) } title=(format!("{:+.2}", a.sentiment_score)) {
                (label_text(t, a.sentiment.as_str())) }
            " "
            @if a.intent != filrouge_domain::analysis::Intent::Other {
                span class={ "badge intent-" (a.intent.as_str()) } { (label_text(t, a.intent.as_str())) } " "
            }
        }
        @if let Some(lang) = &m.lang { span.badge.lang lang="en" { (lang) } " " }
        @if m.marks.needs_reply { span.badge.needs-reply { (t.needs_reply) } " " }
    }
}

fn parse_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(100)
        .collect()
}

fn histogram(page: &MentionsPage, t: &Texts) -> Markup {
    let max = page.histogram.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    html! {
        figure.histogram {
            figcaption { (t.per_day) }
            ol.bars {
                @for (day, n) in &page.histogram {
                    li style={ "--h:" (n * 100 / max) "%" } title={ (day) " : " (n) } aria-label={ (day) " : " (n) } {}
                }
            }
        }
    }
}

/// The filter without one facet value.
fn without(f: &MentionFilter, facet: &str, value: &str) -> MentionFilter {
    let mut wider = f.clone();
    facet_list_mut(&mut wider, facet).retain(|v| v != value);
    wider
}

/// The facet values in force, each with a link that removes it.
fn active_filters(slug: &str, f: &MentionFilter, t: &Texts) -> Markup {
    let chosen: Vec<(&str, &String)> =
        facet_lists(f).into_iter().flat_map(|(name, values)| values.iter().map(move |v| (name, v))).collect();
    html! {
        @if !chosen.is_empty() {
            ul.active-filters aria-label=(t.active_filters) {
                @for (name, value) in chosen {
                    li {
                        (label_text(t, value)) " "
                        a href={ "/c/" (slug) "/mentions?" (query_string(&without(f, name, value), 1, f.view)) }
                            aria-label={ (t.remove_filter) " " (value) } { "✕" }
                    }
                }
            }
        }
    }
}

/// The filter with one facet value chosen.
fn narrow(f: &MentionFilter, facet: &str, value: &str) -> MentionFilter {
    let mut narrowed = f.clone();
    *facet_list_mut(&mut narrowed, facet) = vec![value.to_owned()];
    narrowed
}

fn facet(slug: &str, f: &MentionFilter, name: &str, title: &str, values: &[(String, u64)], t: &Texts) -> Markup {
    html! {
        @if !values.is_empty() {
            section.facet {
                h3 { (title) }
                ul {
                    @for (value, n) in values.iter().take(10) {
                        @let narrowed = narrow(f, name, value);
                        li { a href={ "/c/" (slug) "/mentions?" (query_string(&narrowed, 1, f.view)) } { (label_text(t, value)) } " " small { (n) } }
                    }
                }
            }
        }
    }
}

fn excerpt(m: &Mention) -> String {
    let text = m.text.replace('\n', " ");
    let mut out: String = text.chars().take(280).collect();
    if text.chars().count() > 280 {
        out.push('…');
    }
    out
}

fn mark_button(ctx: &Ctx, slug: &str, m: &Mention, mark: Mark, on: bool, label: &str, back: &str) -> Markup {
    html! {
        form.inline method="post" action={ "/c/" (slug) "/mentions/" (m.id) "/marks" } {
            (csrf_field(ctx))
            input type="hidden" name="mark" value=(mark.as_str());
            input type="hidden" name="on" value=(on);
            input type="hidden" name="back" value=(back);
            button.link type="submit" { (label) }
        }
    }
}

/// "Needs a reply", or its undoing.
fn reply_button(ctx: &Ctx, slug: &str, m: &Mention, t: &Texts, back: &str) -> Markup {
    if m.marks.needs_reply {
        mark_button(ctx, slug, m, Mark::NeedsReply, false, t.reply_done, back)
    } else {
        mark_button(ctx, slug, m, Mark::NeedsReply, true, t.needs_reply, back)
    }
}

pub async fn page(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let pairs = parse_pairs(raw.as_deref());
    let filter = filter_from(&pairs);
    let result = state.app.mentions(actor, &slug, &filter).await?;
    let clients = state.app.client_switcher(actor).await?;
    let client = &result.client;
    let tz = TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(TimeZone::UTC);
    let may_mark = actor.may(Action::MarkMentions, Some(client.id));
    let back = format!("/c/{slug}/mentions?{}", query_string(&filter, result.page, filter.view));
    let content = html! {
        h1 { (t.veille) }
        form.search role="search" method="get" action={ "/c/" (slug) "/mentions" } {
            label for="q" { (t.search_mentions) }
            div.row {
                input #q type="search" name="q" value=(filter.text) maxlength="500" aria-describedby="q-help";
                button type="submit" { (t.search) }
            }
            p.help #q-help { (t.search_help) }
            div.filters {
                label { (t.from_day) " " input type="date" name="from" value=[filter.from]; }
                label { (t.to_day) " " input type="date" name="to" value=[filter.to]; }
                label { (t.sort) " "
                    select name="sort" {
                        option value="newest" selected[filter.sort == Sort::Newest] { (t.sort_newest) }
                        option value="oldest" selected[filter.sort == Sort::Oldest] { (t.sort_oldest) }
                        option value="relevance" selected[filter.sort == Sort::Relevance] { (t.sort_relevance) }
                    }
                }
                @for (name, values) in facet_lists(&filter) {
                    @for v in values { input type="hidden" name=(name) value=(v); }
                }
                @if filter.view != MentionView::All { input type="hidden" name="view" value=(filter.view.as_str()); }
            }
        }
        (active_filters(&slug, &filter, t))
        nav.views aria-label=(t.mentions) {
            @for (view, label) in [(MentionView::All, t.view_all), (MentionView::NeedsReply, t.needs_reply), (MentionView::Starred, t.view_starred), (MentionView::Ignored, t.view_ignored)] {
                a href={ "/c/" (slug) "/mentions?" (query_string(&filter, 1, view)) } aria-current=[(view == filter.view).then_some("page")] { (label) }
            }
        }
        (histogram(&result, t))
        div.veille {
            aside.facets {
                (facet(&slug, &filter, "sentiment", t.sentiment, &result.facets.sentiments, t))
                (facet(&slug, &filter, "intent", t.intent, &result.facets.intents, t))
                (facet(&slug, &filter, "source", t.source_filter, &result.facets.sources, t))
                (facet(&slug, &filter, "lang", t.language, &result.facets.langs, t))
                (facet(&slug, &filter, "site", t.site, &result.facets.sites, t))
                (facet(&slug, &filter, "author", t.author, &result.facets.authors, t))
            }
            section.stream aria-label=(t.mentions) {
                p.count { (result.total) " " (t.results) }
                @if result.mentions.is_empty() { p { (t.no_mentions) } }
                ol.mentions {
                    @for m in &result.mentions {
                        li.mention.unread[!m.marks.read].ignored[m.marks.ignored] {
                            p.meta {
                                span.badge { (m.source_kind.as_str()) } " "
                                (analysis_badges(m, t))
                                (m.site) " · "
                                @if !m.author.handle.is_empty() { (m.author.handle) " · " }
                                time datetime=(m.published) { (m.published.to_zoned(tz.clone()).strftime("%d/%m/%Y %H:%M")) }
                                @if !m.marks.read { " · " span.visually-hidden { (t.unread) } }
                                @if m.marks.starred { " ★" }
                            }
                            h2 { a href={ "/c/" (slug) "/mentions/" (m.id) } {
                                @if m.title.is_empty() { (excerpt(m).chars().take(90).collect::<String>()) } @else { (m.title) }
                            } }
                            p { (excerpt(m)) }
                            @if may_mark {
                                div.marks {
                                    @if m.marks.starred { (mark_button(ctx, &slug, m, Mark::Starred, false, t.unstar, &back)) }
                                    @else { (mark_button(ctx, &slug, m, Mark::Starred, true, t.star, &back)) }
                                    @if m.marks.ignored { (mark_button(ctx, &slug, m, Mark::Ignored, false, t.unignore, &back)) }
                                    @else { (mark_button(ctx, &slug, m, Mark::Ignored, true, t.ignore, &back)) }
                                    (reply_button(ctx, &slug, m, t, &back))
                                }
                            }
                        }
                    }
                }
                @if result.pages > 1 {
                    nav.pager aria-label=(t.pages) {
                        @if result.page > 1 { a rel="prev" href={ "/c/" (slug) "/mentions?" (query_string(&filter, result.page - 1, filter.view)) } { (t.previous_page) } }
                        span { (result.page) " / " (result.pages) }
                        @if result.page < result.pages { a rel="next" href={ "/c/" (slug) "/mentions?" (query_string(&filter, result.page + 1, filter.view)) } { (t.next_page) } }
                    }
                }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((client, Section::Mentions)), title: t.veille },
        content,
    )
    .into_response())
}

/// A mention in full. Opening it marks it read for the team (when the viewer may mark).
pub async fn detail(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let detail = state.app.mention(actor, &slug, MentionId(id)).await?;
    let client = &detail.client;
    if actor.may(Action::MarkMentions, Some(client.id)) && !detail.mention.marks.read {
        state.app.mark_mention(actor, &slug, MentionId(id), Mark::Read, true).await?;
    }
    let clients = state.app.client_switcher(actor).await?;
    let tz = TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(TimeZone::UTC);
    let m = &detail.mention;
    // Sanitised when stored; sanitised again here, so no stored HTML reaches a page unchecked.
    let safe = filrouge_feeds::sanitize::sanitize_html(&m.html, None).html;
    let back = format!("/c/{slug}/mentions/{id}");
    let title = if m.title.is_empty() { t.mentions } else { m.title.as_str() };
    let content = html! {
        article.mention-detail {
            p { a href={ "/c/" (slug) "/mentions" } { "← " (t.veille) } }
            h1 { (title) }
            p.meta {
                span.badge { (m.source_kind.as_str()) } " " (analysis_badges(m, t)) (m.site)
                @if !m.author.handle.is_empty() { " · " (m.author.handle) }
                @if let Some(name) = &m.author.name { @if name != &m.author.handle { " (" (name) ")" } }
                @if let Some(f) = m.author.followers { " · " (f) " " (t.followers) }
                @if let Some(lang) = &m.lang { " · " (lang) }
            }
            p.meta {
                (t.published) " " time datetime=(m.published) { (m.published.to_zoned(tz.clone()).strftime("%d/%m/%Y %H:%M")) }
                " · " (t.fetched) " " time datetime=(m.fetched) { (m.fetched.to_zoned(tz.clone()).strftime("%d/%m/%Y %H:%M")) }
                @if let Some(n) = m.engagement.likes { " · " (n) " " (t.likes) }
                @if let Some(n) = m.engagement.reposts { " · " (n) " " (t.reposts) }
                @if let Some(n) = m.engagement.replies { " · " (n) " " (t.replies) }
            }
            div.content {
                @if safe.trim().is_empty() { @for line in m.text.lines() { p { (line) } } }
                @else { (PreEscaped(safe)) }
            }
            p { a href=(m.url) rel="noopener noreferrer nofollow" target="_blank" { (t.open_original) } }
            @if actor.may(Action::MarkMentions, Some(client.id)) {
                div.marks {
                    @if m.marks.starred { (mark_button(ctx, &slug, m, Mark::Starred, false, t.unstar, &back)) }
                    @else { (mark_button(ctx, &slug, m, Mark::Starred, true, t.star, &back)) }
                    @if m.marks.ignored { (mark_button(ctx, &slug, m, Mark::Ignored, false, t.unignore, &back)) }
                    @else { (mark_button(ctx, &slug, m, Mark::Ignored, true, t.ignore, &back)) }
                    (reply_button(ctx, &slug, m, t, &back))
                    (mark_button(ctx, &slug, m, Mark::Read, false, t.mark_unread, &format!("/c/{slug}/mentions")))
                }
            }
            h2 { (t.came_through) }
            ul { @for s in &detail.sources { li { (s.name.as_deref().unwrap_or(s.kind.as_str())) } } }
            @if !detail.duplicates.is_empty() {
                h2 { (t.near_duplicates) }
                ul { @for (dup, url) in &detail.duplicates { li { a href={ "/c/" (slug) "/mentions/" (dup) } { (url) } } } }
            }
        }
    };
    Ok(render(&Shell { ctx, actor, clients: &clients, current: Some((client, Section::Mentions)), title }, content)
        .into_response())
}

#[derive(Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    mark: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    back: String,
}

pub async fn mark(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<MarkForm>,
) -> WebResult {
    let mark =
        Mark::parse(&f.mark).ok_or_else(|| crate::error::WebError::Invalid(format!("unknown mark '{}'", f.mark)))?;
    state.app.mark_mention(&signed.actor, &slug, MentionId(id), mark, f.on == "true").await?;
    // Back only to a page of this client's veille: never an open redirect.
    let own = format!("/c/{slug}/mentions");
    let back = if f.back.starts_with(&own) && !f.back.contains("//") { f.back } else { own };
    Ok(redirect_with_flash(&state, &back, Flash::Ok(signed.ctx.t().saved.into())))
}
