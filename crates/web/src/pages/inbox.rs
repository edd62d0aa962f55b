//! The inbox: the list across clients (`/inbox`) or of one client, with filters, pagination, bulk triage and a
//! polled fragment of its rows; an item's page with its thread, its author's history, team notes, replies
//! (approve, reject, retry), triage forms, liking and the reply box with saved replies and live guard checks.
//!
//! Everything that came from a network (names, handles, text, context, addresses) is hostile. It is escaped by
//! maud like every other text; addresses become links only with an `http`/`https` scheme; the list shows a bounded
//! excerpt and the item page the whole (bounded) text in a scrolling block. Bidirectional and zero-width controls
//! are handled in two ways, chosen per kind of text: message text is kept as written but always sits in an
//! element with `dir="auto"` that the stylesheet isolates (`unicode-bidi: isolate`), so an unclosed U+202E or
//! U+2066 reorders at most the author's own words, never the page around them; names and handles, which identify
//! someone, have those controls removed for display, so `@moc.evil` cannot pass for another handle.

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::guards::LintReport;
use filrouge_app::inbox::{Due, InboxListing, InboxQuery, ItemDetail, ItemView, Triage};
use filrouge_app::inbox_reply::ReplyOutcome;
use filrouge_app::{Actor, AppError};
use filrouge_domain::client::Client;
use filrouge_domain::ids::{InboxItemId, InboxReplyId, SavedReplyId};
use filrouge_domain::inbox::{InboxItem, ItemKind, ItemState};
use filrouge_domain::lint::Severity;
use filrouge_domain::permission::Action;
use jiff::tz::TimeZone;
use maud::{html, Markup};

use crate::context::{redirect_with_flash, Ctx, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page_with_htmx, Section, Shell};
use crate::pages::mentions::label_text;
use crate::pages::posts::{client_zone, date_hm};
use crate::pages::{after_change, field};
use crate::WebState;

/// Where the keyboard-shortcut script is served.
pub const SCRIPT_PATH: &str = "/static/inbox.js";
/// Characters of a message shown in the list.
const EXCERPT_CHARS: usize = 280;
/// Characters of a message shown on its page (the network's text is bounded when stored; this bounds it again).
const FULL_TEXT_CHARS: usize = 20_000;
/// Characters of a name or handle shown.
const NAME_CHARS: usize = 120;

// --- hostile text ---

fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// A name or handle for display: bidi and zero-width controls and other control characters removed, bounded.
pub(crate) fn clean_name(s: &str) -> String {
    s.chars().filter(|c| !is_bidi_or_invisible(*c) && !c.is_control()).take(NAME_CHARS).collect()
}

/// An excerpt of a message for the list: one line, at most [`EXCERPT_CHARS`] characters.
fn excerpt(text: &str) -> String {
    let mut out: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(EXCERPT_CHARS).collect::<String>();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The whole text, bounded.
fn full_text(text: &str) -> String {
    let mut out: String = text.chars().take(FULL_TEXT_CHARS).collect();
    if text.chars().nth(FULL_TEXT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// An address that may be a link: `http` or `https` only, without spaces or control characters.
pub(crate) fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control() || is_bidi_or_invisible(c));
    (scheme_ok && clean && url.len() <= 2_000).then_some(url)
}

/// A link to a network's page when the address is safe, else the address as plain text.
fn external_link(url: &str, label: &str) -> Markup {
    html! {
        @if let Some(url) = safe_url(url) {
            a href=(url) rel="noopener noreferrer nofollow ugc" target="_blank" { (label) }
        } @else if !url.trim().is_empty() {
            span.unsafe-url dir="auto" { (clean_name(url)) }
        }
    }
}

// --- words ---

pub(crate) fn kind_label(kind: ItemKind, t: &Texts) -> &'static str {
    match kind {
        ItemKind::Reply => t.kind_reply,
        ItemKind::Mention => t.kind_mention,
        ItemKind::Quote => t.kind_quote,
        ItemKind::DirectMessage => t.kind_direct_message,
        ItemKind::Listening => t.veille,
    }
}

pub(crate) fn item_state_label(state: ItemState, t: &Texts) -> &'static str {
    match state {
        ItemState::New => t.inbox_state_new,
        ItemState::Assigned => t.inbox_state_assigned,
        ItemState::Waiting => t.inbox_state_waiting,
        ItemState::Done => t.inbox_state_done,
    }
}

fn reply_state_label(state: &str, t: &Texts) -> &'static str {
    match state {
        "awaiting_approval" => t.reply_awaiting_approval,
        "sending" => t.reply_sending,
        "sent" => t.reply_sent,
        "failed" => t.reply_failed,
        "rejected" => t.reply_rejected,
        "deleted" => t.reply_deleted,
        _ => t.reply_sending,
    }
}

/// The time an item is due, in its client's zone.
fn due_badge(view: &ItemView, tz: &TimeZone, t: &Texts) -> Markup {
    let at = view.item.due_at.map(|d| date_hm(tz, d)).unwrap_or_default();
    html! {
        @match view.due {
            Due::Late => span.badge.due-late data-testid="due" { (t.due_late) " · " (at) },
            Due::Soon => span.badge.due-soon data-testid="due" { (t.due_soon) " · " (at) },
            Due::OnTime => span.badge.due-ok { (t.due_by) " " (at) },
            Due::None => {},
        }
    }
}

/// Intent, sentiment and language badges; the state, the urgent flag and labels.
fn item_badges(item: &InboxItem, t: &Texts) -> Markup {
    html! {
        @if item.urgent { span.badge.urgent { (t.urgent) } " " }
        span class={ "badge inbox-state-" (item.state.as_str()) } { (item_state_label(item.state, t)) } " "
        @if let Some(i) = item.intent {
            @if i != filrouge_domain::analysis::Intent::Other {
                span class={ "badge intent-" (i.as_str()) } { (label_text(t, i.as_str())) } " "
            }
        }
        @if let Some(s) = item.sentiment {
            span class={ "badge sentiment-" (s.as_str()) } { (label_text(t, s.as_str())) } " "
        }
        @if let Some(l) = &item.language { span.badge.lang { (clean_name(l)) } " " }
        @for l in &item.labels { span.badge.label { (clean_name(l)) } " " }
        @if item.hidden { span.badge { (t.hidden) } " " }
        @if item.liked { span.badge { "♥ " (t.liked) } " " }
    }
}

/// `@handle` and the display name, without controls.
fn author_line(item: &InboxItem, t: &Texts) -> Markup {
    let handle = clean_name(item.author.handle.trim_start_matches('@'));
    html! {
        span.author {
            bdi { "@" (handle) }
            @if let Some(name) = item.author.name.as_deref().map(clean_name).filter(|n| !n.trim().is_empty()) {
                " (" bdi { (name) } ")"
            }
            @if let Some(f) = item.author.followers { " · " (f) " " (t.followers) }
        }
    }
}

fn client_chip(view: &ItemView) -> Markup {
    html! {
        span.client-tag style={ "--client:" (view.client_colour) } {
            span.dot style={ "background:" (view.client_colour) } {}
            (view.client_name)
        }
    }
}

// --- the list ---

/// The list's query as it travels in the address.
#[derive(Debug, Clone, Default)]
struct ListParams {
    client: String,
    query: InboxQuery,
    fragment: bool,
}

impl ListParams {
    fn parse(raw: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .take(50)
            .collect();
        let text = |name: &str| {
            let v = field(&pairs, name).trim();
            (!v.is_empty()).then(|| v.chars().take(100).collect::<String>())
        };
        Self {
            client: field(&pairs, "client").trim().chars().take(100).collect(),
            query: InboxQuery {
                account: field(&pairs, "account").trim().parse().ok(),
                network: text("network"),
                kind: text("kind"),
                intent: text("intent"),
                sentiment: text("sentiment"),
                state: text("state"),
                assignee: text("assignee"),
                label: text("label"),
                include_hidden: matches!(field(&pairs, "hidden"), "on" | "true" | "1"),
                page: field(&pairs, "page").trim().parse::<u32>().unwrap_or(0).min(1_000),
            },
            fragment: field(&pairs, "fragment") == "1",
        }
    }

    /// The query string (without `fragment`), for `page`.
    fn to_query(&self, page: u32) -> String {
        let q = &self.query;
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !self.client.is_empty() {
            s.append_pair("client", &self.client);
        }
        if let Some(a) = q.account {
            s.append_pair("account", &a.to_string());
        }
        for (name, value) in [
            ("network", &q.network),
            ("kind", &q.kind),
            ("intent", &q.intent),
            ("sentiment", &q.sentiment),
            ("state", &q.state),
            ("assignee", &q.assignee),
            ("label", &q.label),
        ] {
            if let Some(v) = value {
                s.append_pair(name, v);
            }
        }
        if q.include_hidden {
            s.append_pair("hidden", "on");
        }
        if page > 0 {
            s.append_pair("page", &page.to_string());
        }
        s.finish()
    }
}

/// The rows of the list (also the polled fragment).
fn rows(ctx: &Ctx, actor: &Actor, listing: &InboxListing) -> Markup {
    let t = ctx.t();
    html! {
        @if listing.items.is_empty() {
            tr { td colspan="4" { (t.inbox_empty) } }
        }
        @for view in &listing.items {
            @let item = &view.item;
            @let tz = listing.clients.iter().find(|c| c.profile.slug.as_str() == view.client_slug).map_or(TimeZone::UTC, client_zone);
            @let url = format!("/c/{}/inbox/{}", view.client_slug, item.id);
            @let may_answer = listing.clients.iter().any(|c| c.profile.slug.as_str() == view.client_slug && actor.may(Action::AnswerInbox, Some(c.id)));
            tr.inbox-item.urgent[item.urgent] data-item=(item.id) data-url=(url) style={ "--client:" (view.client_colour) } {
                td.select {
                    @if may_answer {
                        input type="checkbox" name="item" value=(item.id) form="bulk" aria-label={ (t.select_item) " " (item.id) };
                    }
                }
                td.message {
                    p.meta {
                        (client_chip(view)) " "
                        span.network { (clean_name(&item.network)) }
                        @if let Some(h) = &view.account_handle { " · " bdi { (clean_name(h)) } }
                        " · " span.kind { (kind_label(item.kind, t)) }
                        @if view.thread_size > 1 {
                            " · " span.thread-size data-testid="thread-size" { (view.thread_size) " " (t.messages_in_conversation) }
                        }
                    }
                    p.who { a.open href=(url) { (author_line(item, t)) } }
                    p.excerpt dir="auto" { (excerpt(&item.text)) }
                    p.badges { (item_badges(item, t)) }
                }
                td.assignee {
                    @if let Some(name) = &view.assignee_name { (name) } @else { span.muted { (t.unassigned) } }
                }
                td.due { (due_badge(view, &tz, t)) }
            }
        }
    }
}

fn select_options(options: &[(&str, String)], chosen: Option<&str>) -> Markup {
    html! {
        @for (value, label) in options {
            option value=(value) selected[chosen == Some(*value)] { (label) }
        }
    }
}

struct FilterChoices {
    accounts: Vec<(String, String)>,
    members: Vec<(String, String)>,
    counts: Vec<(String, i64)>,
}

fn filters(
    action: &str,
    params: &ListParams,
    listing: &InboxListing,
    choices: &FilterChoices,
    all: bool,
    t: &Texts,
) -> Markup {
    let q = &params.query;
    let kinds: Vec<(&str, String)> = std::iter::once(("", t.any.to_owned()))
        .chain(ItemKind::ALL.iter().map(|k| (k.as_str(), kind_label(*k, t).to_owned())))
        .collect();
    let states: Vec<(&str, String)> = std::iter::once(("", t.open_states.to_owned()))
        .chain(ItemState::ALL.iter().map(|s| (s.as_str(), item_state_label(*s, t).to_owned())))
        .collect();
    let intents: Vec<(&str, String)> = std::iter::once(("", t.any.to_owned()))
        .chain(["question", "complaint", "praise", "spam", "other"].into_iter().map(|i| (i, label_text(t, i))))
        .collect();
    let sentiments: Vec<(&str, String)> = std::iter::once(("", t.any.to_owned()))
        .chain(["positive", "negative", "neutral"].into_iter().map(|s| (s, label_text(t, s))))
        .collect();
    let networks: Vec<(&str, String)> =
        vec![("", t.any.to_owned()), ("bluesky", "Bluesky".into()), ("mastodon", "Mastodon".into())];
    html! {
        form.filters.inbox-filters method="get" action=(action) {
            @if all {
                label { (t.client) " "
                    select name="client" {
                        option value="" { (t.all_clients) }
                        @for c in &listing.clients.iter().collect::<Vec<_>>() {
                            @let slug = c.profile.slug.as_str();
                            @let n = choices.counts.iter().find(|(s, _)| s == slug).map_or(0, |(_, n)| *n);
                            option value=(slug) selected[params.client == slug] {
                                (c.profile.name) @if n > 0 { " (" (n) " " (t.new_label) ")" }
                            }
                        }
                    }
                }
            }
            @if !choices.accounts.is_empty() {
                label { (t.account) " "
                    select name="account" {
                        option value="" { (t.any) }
                        @for (id, handle) in &choices.accounts {
                            option value=(id) selected[q.account.map(|a| a.to_string()).as_deref() == Some(id.as_str())] { (handle) }
                        }
                    }
                }
            }
            label { (t.network) " " select name="network" { (select_options(&networks, q.network.as_deref())) } }
            label { (t.kind) " " select name="kind" { (select_options(&kinds, q.kind.as_deref())) } }
            label { (t.intent) " " select name="intent" { (select_options(&intents, q.intent.as_deref())) } }
            label { (t.sentiment) " " select name="sentiment" { (select_options(&sentiments, q.sentiment.as_deref())) } }
            label { (t.status) " " select name="state" { (select_options(&states, q.state.as_deref())) } }
            label { (t.assignee) " "
                select name="assignee" {
                    option value="" { (t.anyone) }
                    option value="me" selected[q.assignee.as_deref() == Some("me")] { (t.me) }
                    @for (id, name) in &choices.members {
                        option value=(id) selected[q.assignee.as_deref() == Some(id.as_str())] { (name) }
                    }
                }
            }
            label { (t.label) " " input type="text" name="label" maxlength="40" value=[q.label.as_deref()]; }
            label.inline { input type="checkbox" name="hidden" value="on" checked[q.include_hidden]; (t.include_hidden) }
            button type="submit" { (t.filter) }
        }
    }
}

fn bulk_form(ctx: &Ctx, back: &str, t: &Texts) -> Markup {
    html! {
        form.bulk.row #bulk method="post" action="/inbox/bulk" {
            (csrf_field(ctx))
            input type="hidden" name="back" value=(back);
            label for="bulk-change" { (t.with_selected) }
            select #bulk-change name="change" {
                option value="done" { (t.mark_done) }
                option value="waiting" { (t.mark_waiting) }
                option value="assign_me" { (t.assign_to_me) }
                option value="label" { (t.add_label) }
                option value="hide" { (t.hide) }
            }
            label for="bulk-label" { (t.label) }
            input #bulk-label type="text" name="label" maxlength="40";
            button type="submit" { (t.apply) }
        }
    }
}

/// The visible list of keyboard shortcuts (also what `?` shows).
fn shortcuts(t: &Texts, on_item: bool) -> Markup {
    html! {
        details.shortcuts #shortcuts {
            summary { (t.shortcuts) }
            p.help { (t.shortcuts_help) }
            dl.facts {
                @if !on_item {
                    dt { kbd { "j" } } dd { (t.key_next) }
                    dt { kbd { "k" } } dd { (t.key_previous) }
                    dt { kbd { "Enter" } " / " kbd { "o" } } dd { (t.key_open) }
                }
                dt { kbd { "a" } } dd { (t.assign_to_me) }
                dt { kbd { "d" } } dd { (t.mark_done) }
                @if on_item { dt { kbd { "r" } } dd { (t.key_reply) } }
                dt { kbd { "?" } } dd { (t.key_help) }
            }
        }
    }
}

async fn filter_choices(
    state: &WebState,
    ctx: &Ctx,
    actor: &Actor,
    listing: &InboxListing,
    single: bool,
) -> FilterChoices {
    let mut accounts = Vec::new();
    let mut members = Vec::new();
    for c in &listing.clients {
        let slug = c.profile.slug.as_str();
        // Offered when the viewer may see them; the filter works without them.
        if let Ok(list) = state.app.accounts(actor, slug).await {
            for a in list {
                let label = if single {
                    format!("{} · {}", a.account.profile.network.label(), a.account.profile.handle)
                } else {
                    format!("{} · {} · {}", c.profile.name, a.account.profile.network.label(), a.account.profile.handle)
                };
                accounts.push((a.account.id.to_string(), label));
            }
        }
        if single {
            if let Ok(list) = state.app.members(actor, slug).await {
                members.extend(list.into_iter().map(|u| (u.id.to_string(), u.name)));
            }
        }
    }
    // The navigation already counted them for this request.
    let counts = ctx.inbox_counts.clone();
    FilterChoices { accounts, members, counts }
}

async fn list_page(state: WebState, signed: SignedIn, slug: Option<String>, raw: Option<String>) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let params = ListParams::parse(raw.as_deref());
    let all = slug.is_none();
    let wanted = slug.clone().or_else(|| (!params.client.is_empty()).then(|| params.client.clone()));
    let listing = state.app.inbox(actor, wanted.as_deref(), &params.query).await?;
    let base = match &slug {
        Some(s) => format!("/c/{s}/inbox"),
        None => "/inbox".to_owned(),
    };
    let qs = params.to_query(listing.page);
    let back = if qs.is_empty() { base.clone() } else { format!("{base}?{qs}") };
    if params.fragment {
        return Ok(rows(ctx, actor, &listing).into_response());
    }
    let choices = filter_choices(&state, ctx, actor, &listing, !all).await;
    let clients = state.app.client_switcher(actor).await?;
    let may_answer = listing.clients.iter().any(|c| actor.may(Action::AnswerInbox, Some(c.id)));
    let total_new: i64 = choices.counts.iter().map(|(_, n)| n).sum();
    let poll = format!("{base}?{}{}fragment=1", qs, if qs.is_empty() { "" } else { "&" });
    let single = listing.clients.first().filter(|_| !all).cloned();
    let content = html! {
        div.inbox-head {
            h1 { (t.inbox) @if total_new > 0 { " " span.badge.count data-testid="inbox-new" { (total_new) " " (t.new_label) } } }
            @if let Some(c) = &single {
                a href={ "/c/" (c.profile.slug) "/inbox/settings" } { (t.inbox_settings) }
            }
        }
        (filters(&base, &params, &listing, &choices, all, t))
        @if may_answer { (bulk_form(ctx, &back, t)) }
        div.table-wrap {
            table.inbox #inbox-list {
                caption.visually-hidden { (t.inbox) }
                thead { tr {
                    th scope="col" { span.visually-hidden { (t.select_item) } }
                    th scope="col" { (t.message) }
                    th scope="col" { (t.assignee) }
                    th scope="col" { (t.due) }
                } }
                // Live updates: the rows are fetched again every 20 s and replaced. inbox.js cancels a poll while a
                // checkbox is ticked or focus is in the list (htmx:beforeRequest), so a selection or the keyboard
                // position is never swept away; without scripts the page is simply static.
                tbody #inbox-rows hx-get=(poll) hx-trigger="every 20s" hx-swap="innerHTML" aria-live="off" {
                    (rows(ctx, actor, &listing))
                }
            }
        }
        nav.pager aria-label=(t.pages) {
            @if listing.page > 0 { a rel="prev" href={ (base) "?" (params.to_query(listing.page - 1)) } { (t.previous_page) } }
            span { (t.page) " " (listing.page + 1) }
            @if listing.has_more { a rel="next" href={ (base) "?" (params.to_query(listing.page + 1)) } { (t.next_page) } }
        }
        (shortcuts(t, false))
        script src=(SCRIPT_PATH) defer {}
    };
    let current = single.as_ref().map(|c| (c, Section::Inbox));
    Ok(page_with_htmx(&Shell { ctx, actor, clients: &clients, current, title: t.inbox }, content).into_response())
}

/// `/inbox`: every client whose inbox the user may read.
pub async fn all(State(state): State<WebState>, signed: SignedIn, RawQuery(raw): RawQuery) -> WebResult {
    list_page(state, signed, None, raw).await
}

/// `/c/{slug}/inbox`.
pub async fn page(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult {
    list_page(state, signed, Some(slug), raw).await
}

/// Back to an inbox page only (never an open redirect).
fn inbox_back(back: &str) -> String {
    let ok_prefix = back.starts_with("/inbox") || (back.starts_with("/c/") && back.contains("/inbox"));
    if ok_prefix && !back.contains("//") && !back.contains('\\') && back.len() < 2_000 {
        back.to_owned()
    } else {
        "/inbox".to_owned()
    }
}

/// Bulk triage from the list: one change to the ticked items (each checked against its own client).
pub async fn bulk(
    State(state): State<WebState>,
    signed: SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let back = inbox_back(field(&form, "back"));
    let ids: Vec<InboxItemId> =
        crate::pages::all(&form, "item").filter_map(|v| v.trim().parse().ok()).map(InboxItemId).collect();
    if ids.is_empty() {
        return Ok(redirect_with_flash(&state, &back, Flash::Error(t.select_some.into())));
    }
    let change = match field(&form, "change") {
        "done" => Ok(Triage::State(ItemState::Done)),
        "waiting" => Ok(Triage::State(ItemState::Waiting)),
        "assign_me" => Triage::parse("assign", "me", actor),
        "label" => Triage::parse("label", field(&form, "label"), actor),
        "hide" => Ok(Triage::Hidden(true)),
        other => Triage::parse(other, field(&form, "value"), actor),
    };
    let change = match change {
        Ok(c) => c,
        Err(e) => return Ok(redirect_with_flash(&state, &back, Flash::Error(e.to_string()))),
    };
    match state.app.bulk_triage(actor, &ids, change).await {
        Ok(n) => Ok(redirect_with_flash(&state, &back, Flash::Ok(format!("{} : {n}", t.items_updated)))),
        Err(e) => after_change(&state, ctx, &back, Err::<(), _>(e)),
    }
}

// --- an item ---

fn reply_textarea(slug: &str, id: InboxItemId, text: &str, t: &Texts) -> Markup {
    html! {
        textarea #reply-text name="text" rows="6" maxlength="10000" dir="auto" required
            aria-describedby="reply-lint"
            hx-post={ "/c/" (slug) "/inbox/" (id) "/lint" } hx-trigger="input changed delay:400ms"
            hx-target="#reply-lint" hx-swap="innerHTML" placeholder=(t.reply_placeholder) { (text) }
    }
}

fn triage_form(
    ctx: &Ctx,
    slug: &str,
    item: &InboxItem,
    name: &str,
    value: &str,
    label: &str,
    id: Option<&str>,
) -> Markup {
    html! {
        form.inline method="post" action={ "/c/" (slug) "/inbox/" (item.id) "/triage" } id=[id] {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(item.version);
            input type="hidden" name="field" value=(name);
            input type="hidden" name="value" value=(value);
            button.secondary type="submit" { (label) }
        }
    }
}

fn triage_forms(ctx: &Ctx, slug: &str, d: &ItemDetail, t: &Texts) -> Markup {
    let item = &d.view.item;
    let action = format!("/c/{slug}/inbox/{}/triage", item.id);
    html! {
        section.triage aria-labelledby="triage-title" {
            h2 #triage-title { (t.triage) }
            div.row {
                (triage_form(ctx, slug, item, "assign", "me", t.assign_to_me, Some("quick-assign")))
                (triage_form(ctx, slug, item, "state", "done", t.mark_done, Some("quick-done")))
                @if item.urgent { (triage_form(ctx, slug, item, "urgent", "off", t.not_urgent, None)) }
                @else { (triage_form(ctx, slug, item, "urgent", "on", t.mark_urgent, None)) }
                @if item.hidden { (triage_form(ctx, slug, item, "hide", "off", t.unhide, None)) }
                @else { (triage_form(ctx, slug, item, "hide", "on", t.hide, None)) }
            }
            form.row method="post" action=(action) {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(item.version);
                input type="hidden" name="field" value="state";
                label for="t-state" { (t.status) }
                select #t-state name="value" {
                    @for s in ItemState::ALL { option value=(s.as_str()) selected[s == item.state] { (item_state_label(s, t)) } }
                }
                button.secondary type="submit" { (t.save) }
            }
            form.row method="post" action=(action) {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(item.version);
                input type="hidden" name="field" value="assign";
                label for="t-assign" { (t.assignee) }
                select #t-assign name="value" {
                    option value="" selected[item.assignee.is_none()] { (t.unassigned) }
                    @for m in &d.members { option value=(m.id) selected[item.assignee == Some(m.id)] { (m.name) } }
                }
                button.secondary type="submit" { (t.assign) }
            }
            form.row method="post" action=(action) {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(item.version);
                input type="hidden" name="field" value="label";
                label for="t-label" { (t.add_label) }
                input #t-label type="text" name="value" maxlength="40" required;
                button.secondary type="submit" { (t.add) }
            }
            @if !item.labels.is_empty() {
                ul.labels {
                    @for l in &item.labels {
                        li { span.badge.label { (clean_name(l)) } " " (triage_form(ctx, slug, item, "unlabel", l, &format!("{} {}", t.remove, clean_name(l)), None)) }
                    }
                }
            }
        }
    }
}

fn replies_list(ctx: &Ctx, actor: &Actor, slug: &str, d: &ItemDetail, tz: &TimeZone, t: &Texts) -> Markup {
    let may_approve = actor.may(Action::ApprovePosts, Some(d.client.id));
    let may_answer = actor.may(Action::AnswerInbox, Some(d.client.id));
    html! {
        @if !d.replies.is_empty() {
            section.replies aria-labelledby="replies-title" {
                h2 #replies-title { (t.our_replies) }
                ol.replies {
                    @for r in &d.replies {
                        li class={ "reply reply-" (r.state) } {
                            p.meta {
                                span class={ "badge reply-state-" (r.state) } { (reply_state_label(&r.state, t)) } " · "
                                time datetime=(r.created_at) { (date_hm(tz, r.created_at)) }
                                @if let Some(url) = &r.url { " · " (external_link(url, t.view_on_network)) }
                            }
                            div.message-text dir="auto" { (full_text(&r.body)) }
                            @if let Some(e) = &r.last_error { p.delivery-error { (t.reply_error) " " (e) } }
                            @if r.state == "awaiting_approval" && may_approve {
                                div.row {
                                    form.inline method="post" action={ "/c/" (slug) "/inbox/replies/" (r.id) "/approve" } {
                                        (csrf_field(ctx)) button type="submit" { (t.approve) }
                                    }
                                    form.row method="post" action={ "/c/" (slug) "/inbox/replies/" (r.id) "/reject" } {
                                        (csrf_field(ctx))
                                        label for={ "rj-" (r.id) } { (t.comment_label) }
                                        input id={ "rj-" (r.id) } type="text" name="comment" required maxlength="2000";
                                        button.secondary type="submit" { (t.reject) }
                                    }
                                }
                            }
                            @if r.state == "sent" && may_answer {
                                form.inline method="post" action={ "/c/" (slug) "/inbox/replies/" (r.id) "/delete" } {
                                    (csrf_field(ctx)) button.secondary type="submit" { (t.delete_reply) }
                                }
                            }
                            @if r.state == "failed" && may_answer {
                                form.inline method="post" action={ "/c/" (slug) "/inbox/replies/" (r.id) "/retry" } {
                                    (csrf_field(ctx)) button type="submit" { (t.retry) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn reply_box(ctx: &Ctx, actor: &Actor, slug: &str, d: &ItemDetail, text: &str, t: &Texts) -> Markup {
    let item = &d.view.item;
    let colour = d.client.profile.colour.as_str();
    let handle = d.view.account_handle.as_deref().map(clean_name);
    html! {
        section.reply-box #reply style={ "--client:" (colour) } aria-labelledby="reply-title" {
            h2 #reply-title.composer-client data-testid="reply-as" {
                span.dot style={ "background:" (colour) } {}
                (t.reply_as) " " strong { (d.client.profile.name) }
                @if let Some(h) = &handle { " — " bdi { (h) } }
            }
            @if d.can_reply {
                @if d.replies_need_approval && !actor.may(Action::ApprovePosts, Some(d.client.id)) {
                    p.help.approval-note { (t.replies_need_approval_note) }
                }
                @if !d.saved_replies.is_empty() {
                    form.row.saved-replies method="get" action={ "/c/" (slug) "/inbox/" (item.id) } data-fill={ "/c/" (slug) "/inbox/" (item.id) "/saved/" } {
                        label for="saved" { (t.saved_replies) }
                        select #saved name="saved" {
                            @for s in &d.saved_replies { option value=(s.id) { (s.name) } }
                        }
                        button.secondary type="submit" { (t.insert) }
                    }
                }
                form.stack #reply-form method="post" action={ "/c/" (slug) "/inbox/" (item.id) "/reply" } {
                    (csrf_field(ctx))
                    label for="reply-text" { (t.your_reply) }
                    (reply_textarea(slug, item.id, text, t))
                    div #reply-lint.lint aria-live="polite" {}
                    label.inline { input type="checkbox" name="close" value="on"; (t.reply_and_close) }
                    button type="submit" { (t.send_reply) }
                }
            } @else if item.account_id.is_some() {
                // It came through an account that is not connected (or needs reconnecting).
                p.delivery-error {
                    (t.account_not_connected) " "
                    a href={ "/c/" (slug) "/accounts" } { (t.connected_accounts_link) }
                }
                (triage_form(ctx, slug, item, "state", "waiting", t.mark_answered, Some("mark-answered")))
            } @else {
                p { (t.answer_on_site) " " (external_link(&item.url, t.open_original)) }
                (triage_form(ctx, slug, item, "state", "waiting", t.mark_answered, Some("mark-answered")))
            }
        }
    }
}

fn thread_and_author(d: &ItemDetail, slug: &str, tz: &TimeZone, t: &Texts) -> Markup {
    let item = &d.view.item;
    html! {
        @if let Some(context) = item.context_text.as_deref().filter(|c| !c.trim().is_empty()) {
            section.context aria-labelledby="context-title" {
                h2 #context-title { (t.in_reply_to_post) " " (d.client.profile.name) }
                blockquote.message-text dir="auto" { (full_text(context)) }
            }
        }
        @if d.thread.len() > 1 {
            section.thread aria-labelledby="thread-title" {
                h2 #thread-title { (t.conversation) }
                ol.thread {
                    @for m in &d.thread {
                        li.current[m.id == item.id] {
                            p.meta { (author_line(m, t)) " · " time datetime=(m.published_at) { (date_hm(tz, m.published_at)) } }
                            @if m.id == item.id { p.excerpt dir="auto" { (excerpt(&m.text)) } }
                            @else { p.excerpt dir="auto" { a href={ "/c/" (slug) "/inbox/" (m.id) } { (excerpt(&m.text)) } } }
                        }
                    }
                }
            }
        }
        section.author-profile aria-labelledby="author-title" {
            h2 #author-title { (t.author) }
            p { (author_line(item, t)) }
            @if let Some(url) = &item.author.url { p { (external_link(url, t.profile_page)) } }
            h3 { (t.history_with_client) }
            @if d.history.is_empty() { p.muted { (t.no_history) } }
            ol.history {
                @for h in &d.history {
                    li {
                        p.meta {
                            time datetime=(h.published_at) { (date_hm(tz, h.published_at)) } " · " (kind_label(h.kind, t))
                            @if let Some(s) = h.sentiment { " " span class={ "badge sentiment-" (s.as_str()) } { (label_text(t, s.as_str())) } }
                        }
                        p.excerpt dir="auto" { a href={ "/c/" (slug) "/inbox/" (h.id) } { (excerpt(&h.text)) } }
                    }
                }
            }
        }
    }
}

fn notes(ctx: &Ctx, slug: &str, d: &ItemDetail, may_answer: bool, tz: &TimeZone, t: &Texts) -> Markup {
    html! {
        section.notes aria-labelledby="notes-title" {
            h2 #notes-title { (t.team_notes_inbox) }
            @if d.notes.is_empty() { p.muted { (t.no_notes) } }
            ul.items {
                @for n in &d.notes {
                    li { p.meta { (n.author) " · " time datetime=(n.at) { (date_hm(tz, n.at)) } } div.message-text { (n.body) } }
                }
            }
            @if may_answer {
                form.stack method="post" action={ "/c/" (slug) "/inbox/" (d.view.item.id) "/notes" } {
                    (csrf_field(ctx))
                    label for="note-text" { (t.add_note) }
                    textarea #note-text name="text" rows="2" maxlength="5000" required {}
                    button.secondary type="submit" { (t.add_note) }
                }
            }
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DetailParams {
    #[serde(default)]
    saved: Option<i64>,
}

pub async fn detail(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    axum::extract::Query(params): axum::extract::Query<DetailParams>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let id = InboxItemId(id);
    let d = state.app.inbox_item(actor, &slug, id).await?;
    let clients = state.app.client_switcher(actor).await?;
    let client: &Client = &d.client;
    let tz = client_zone(client);
    let may_answer = actor.may(Action::AnswerInbox, Some(client.id));
    // A saved reply chosen without scripts: the page comes back with it filled in.
    let prefill = match params.saved {
        Some(saved) if may_answer => {
            state.app.fill_saved_reply(actor, &slug, id, SavedReplyId(saved)).await.unwrap_or_default()
        }
        _ => String::new(),
    };
    let item = &d.view.item;
    let author = clean_name(item.author.handle.trim_start_matches('@'));
    let title = format!("@{author}");
    let content = html! {
        p { a href={ "/c/" (slug) "/inbox" } { "← " (t.inbox) } }
        article.inbox-detail data-testid="inbox-item" {
            h1 { (kind_label(item.kind, t)) " · " bdi { "@" (author) } }
            p.meta {
                (client_chip(&d.view)) " " (clean_name(&item.network))
                @if let Some(h) = &d.view.account_handle { " · " bdi { (clean_name(h)) } }
                " · " time datetime=(item.published_at) { (date_hm(&tz, item.published_at)) }
                " · " (external_link(&item.url, t.open_original))
            }
            p.badges { (item_badges(item, t)) " " (due_badge(&d.view, &tz, t))
                @if let Some(a) = &d.view.assignee_name { " · " (t.assignee) " : " (a) } }
            div.message-text.full dir="auto" tabindex="0" aria-label=(t.message) { (full_text(&item.text)) }
            // Bluesky private messages cannot be liked.
            @if may_answer && !item.liked && d.can_reply && !(item.kind == ItemKind::DirectMessage && item.network == "bluesky") {
                form.inline method="post" action={ "/c/" (slug) "/inbox/" (item.id) "/like" } {
                    (csrf_field(ctx)) button.secondary type="submit" { "♥ " (t.like) }
                }
            }
        }
        div.inbox-columns {
            div {
                (thread_and_author(&d, &slug, &tz, t))
            }
            div {
                (replies_list(ctx, actor, &slug, &d, &tz, t))
                @if may_answer {
                    (reply_box(ctx, actor, &slug, &d, &prefill, t))
                    (triage_forms(ctx, &slug, &d, t))
                }
                (notes(ctx, &slug, &d, may_answer, &tz, t))
            }
        }
        (shortcuts(t, true))
        script src=(SCRIPT_PATH) defer {}
    };
    Ok(page_with_htmx(
        &Shell { ctx, actor, clients: &clients, current: Some((client, Section::Inbox)), title: &title },
        content,
    )
    .into_response())
}

fn item_back(slug: &str, id: i64) -> String {
    format!("/c/{slug}/inbox/{id}")
}

/// One triage change from the item page; a stale `version` answers with the app's conflict message.
pub async fn triage(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    // Access first: a refused user learns nothing about the form.
    state.app.client(actor, &slug, Action::AnswerInbox).await?;
    let back = item_back(&slug, id);
    let change = match Triage::parse(field(&form, "field"), field(&form, "value"), actor) {
        Ok(c) => c,
        Err(e) => return Ok(redirect_with_flash(&state, &back, Flash::Error(e.to_string()))),
    };
    let version: i64 = field(&form, "version").trim().parse().unwrap_or(-1);
    let result = state.app.triage_inbox_item(actor, &slug, InboxItemId(id), version, change).await;
    after_change(&state, ctx, &back, result)
}

#[derive(serde::Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    close: Option<String>,
    #[serde(default)]
    comment: String,
}

pub async fn add_note(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<TextForm>,
) -> WebResult {
    let result = state.app.add_inbox_note(&signed.actor, &slug, InboxItemId(id), &f.text).await;
    after_change(&state, &signed.ctx, &item_back(&slug, id), result)
}

pub async fn like(State(state): State<WebState>, signed: SignedIn, Path((slug, id)): Path<(String, i64)>) -> WebResult {
    let result = state.app.like_item(&signed.actor, &slug, InboxItemId(id)).await;
    after_change(&state, &signed.ctx, &item_back(&slug, id), result)
}

fn outcome_flash(outcome: &ReplyOutcome, t: &Texts) -> Flash {
    match outcome {
        ReplyOutcome::Sent { .. } => Flash::Ok(t.reply_sent_flash.into()),
        ReplyOutcome::AwaitingApproval => Flash::Ok(t.reply_awaiting_flash.into()),
        ReplyOutcome::Failed(e) => Flash::Error(format!("{} {e}", t.reply_failed_flash)),
    }
}

fn after_reply(state: &WebState, ctx: &Ctx, back: &str, result: Result<ReplyOutcome, AppError>) -> WebResult {
    match result {
        Ok(outcome) => Ok(redirect_with_flash(state, back, outcome_flash(&outcome, ctx.t()))),
        Err(e) => after_change(state, ctx, back, Err::<(), _>(e)),
    }
}

pub async fn reply(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<TextForm>,
) -> WebResult {
    let close = matches!(f.close.as_deref(), Some("on" | "true" | "1"));
    let result = state.app.reply_to_item(&signed.actor, &slug, InboxItemId(id), &f.text, close).await;
    after_reply(&state, &signed.ctx, &item_back(&slug, id), result)
}

fn lint_markup(report: &LintReport, t: &Texts) -> Markup {
    html! {
        h3 { (t.live_checks) }
        ul.counters {
            @for c in &report.counts {
                @let over = c.used > c.limit;
                li.over[over] data-testid="counter" {
                    (c.network.label()) " · " (c.handle) " : " span.count { (c.used) " / " (c.limit) }
                    @if over { " " strong { (t.too_long) } }
                }
            }
        }
        @if report.findings.is_empty() { p.ok { (t.no_findings) } }
        @else {
            ul.findings data-testid="reply-findings" {
                @for f in &report.findings {
                    @let class = match f.severity { Severity::Error => "error", Severity::Warning => "warning", _ => "note" };
                    li class={ "finding " (class) } {
                        code { (f.code.as_str()) } " " (f.message)
                        @if !f.suggestions.is_empty() { br; small { (t.suggestions) " : " (f.suggestions.join(", ")) } }
                    }
                }
            }
        }
    }
}

/// The reply's live guard findings, as an htmx fragment. Nothing is stored.
pub async fn lint(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<TextForm>,
) -> WebResult {
    let t = signed.ctx.t();
    match state.app.lint_reply(&signed.actor, &slug, InboxItemId(id), &f.text).await {
        Ok(report) => Ok(lint_markup(&report, t).into_response()),
        Err(AppError::Invalid(i)) => Ok(html! { p.flash.error role="alert" { (i.to_string()) } }.into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A saved reply filled in for the item's author, as plain text (the script puts it in the reply box; without
/// scripts the item page's `?saved=` does the same).
pub async fn fill_saved(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id, saved)): Path<(String, i64, i64)>,
) -> WebResult {
    let text = state.app.fill_saved_reply(&signed.actor, &slug, InboxItemId(id), SavedReplyId(saved)).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

pub async fn approve_reply(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.approve_reply(&signed.actor, &slug, InboxReplyId(id)).await;
    after_reply(&state, &signed.ctx, &format!("/c/{slug}/inbox"), result)
}

pub async fn reject_reply(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<TextForm>,
) -> WebResult {
    let result = state.app.reject_reply(&signed.actor, &slug, InboxReplyId(id), &f.comment).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/inbox"), result)
}

pub async fn retry_reply(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.retry_reply(&signed.actor, &slug, InboxReplyId(id)).await;
    after_reply(&state, &signed.ctx, &format!("/c/{slug}/inbox"), result)
}

pub async fn delete_reply(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.delete_reply(&signed.actor, &slug, InboxReplyId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/inbox"), result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_addresses_become_links_and_names_lose_their_controls() {
        assert_eq!(safe_url("https://bsky.app/x"), Some("https://bsky.app/x"));
        assert_eq!(safe_url("HTTP://a.test/"), Some("HTTP://a.test/"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("https://a.test/\u{202E}gpj.exe"), None);
        assert_eq!(safe_url("data:text/html,<script>"), None);
        assert_eq!(clean_name("a\u{202E}b\u{200B}c\u{2066}d\n"), "abcd");
        let long = "x".repeat(1_000);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt("a\nb"), "a b");
    }
}
