//! A client's journal for one day (in the client's time zone), with filters and manual notes.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::journal::JournalFilter;
use filrouge_domain::ids::UserId;
use filrouge_domain::journal::JournalAction;
use filrouge_domain::permission::Action;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::html;
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::{WebError, WebResult};
use crate::pages::after_change;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::WebState;

#[derive(Deserialize, Default)]
pub struct JournalQuery {
    #[serde(default)]
    day: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    user: Option<String>,
}

pub async fn page(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<JournalQuery>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let day = match q.day.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(
            d.parse::<Date>().map_err(|_| WebError::Invalid(format!("day: '{d}' is not a date written YYYY-MM-DD")))?,
        ),
        None => None,
    };
    let action = q.action.as_deref().filter(|a| !a.is_empty()).and_then(JournalAction::parse);
    let user = q.user.as_deref().and_then(|u| u.parse::<i64>().ok()).map(UserId);
    let view = state.app.journal_view(actor, &slug, &JournalFilter { day, action, user }).await?;
    let (client, day, today, entries, members) = (view.client, view.day, view.today, view.entries, view.members);
    let tz = TimeZone::get(client.profile.time_zone.as_str()).map_err(|e| WebError::Internal(e.to_string()))?;
    let clients = state.app.client_switcher(actor).await?;
    let may_write = actor.may(Action::WriteJournalNote, Some(client.id));
    let prev = day.yesterday().map(|d| d.to_string()).unwrap_or_default();
    let next = day.tomorrow().map(|d| d.to_string()).unwrap_or_default();
    let content = html! {
        h1 { (t.journal) " · " time datetime=(day) { (day) } }
        nav.pager {
            a href={ "?day=" (prev) } rel="prev" { "← " (t.previous_day) }
            @if day < today { a href={ "?day=" (next) } rel="next" { (t.next_day) " →" } }
        }
        form.filters method="get" {
            label for="day" { (t.day) }
            input #day type="date" name="day" value=(day);
            label for="action" { (t.action) }
            select #action name="action" {
                option value="" { (t.all_actions) }
                @for a in JournalAction::ALL { option value=(a.as_str()) selected[Some(a) == action] { (a.as_str()) } }
            }
            label for="user" { (t.who) }
            select #user name="user" {
                option value="" { (t.all_people) }
                @for m in &members { option value=(m.id) selected[Some(m.id) == user] { (m.name) } }
            }
            button type="submit" { (t.filter) }
        }
        @if entries.is_empty() { p { (t.journal_empty) } }
        @else {
            table.journal {
                thead { tr { th scope="col" { (t.when) } th scope="col" { (t.who) } th scope="col" { (t.action) } th scope="col" { (t.what) } } }
                tbody {
                    @for e in &entries {
                        tr class=[(e.action == JournalAction::Note).then_some("note")] {
                            td { time datetime=(e.at) { (e.at.to_zoned(tz.clone()).strftime("%H:%M")) } }
                            td { (e.user_name.as_deref().unwrap_or(t.system)) }
                            td { code { (e.action.as_str()) } }
                            td { (e.summary) }
                        }
                    }
                }
            }
        }
        @if may_write {
            h2 { (t.add_note) }
            form.stack method="post" action={ "/c/" (slug) "/journal/notes" } {
                (csrf_field(ctx))
                label for="note" { (t.note) }
                textarea #note name="text" rows="3" required maxlength="4000" {}
                button type="submit" { (t.add) }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Journal)), title: t.journal },
        content,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    text: String,
}

pub async fn add_note(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<NoteForm>,
) -> WebResult {
    let result = state.app.add_note(&signed.actor, &slug, &f.text).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/journal"), result)
}
