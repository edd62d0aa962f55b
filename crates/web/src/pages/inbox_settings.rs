//! A client's inbox settings page: the rules (with their syntax and the app's line/column errors), business hours,
//! response target, duty rota and approval of replies; the saved replies; the response-time figures of the last
//! 30 days, for the client and per teammate.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::inbox_settings::{InboxSettingsForm, ResponseTimes};
use filrouge_app::AppError;
use filrouge_domain::ids::SavedReplyId;
use filrouge_domain::permission::Action;
use maud::{html, Markup};

use crate::context::SignedIn;
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page_with_htmx, Section, Shell};
use crate::pages::{after_change, field};
use crate::WebState;

/// `1 h 05 min`, `12 min`, `40 s`.
fn duration(seconds: Option<i64>) -> String {
    match seconds {
        None => "—".to_owned(),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) if s < 3_600 => format!("{} min", s / 60),
        Some(s) => format!("{} h {:02} min", s / 3_600, (s % 3_600) / 60),
    }
}

fn figures(r: &ResponseTimes, t: &Texts) -> Markup {
    html! {
        section.response-times aria-labelledby="rt-title" {
            h2 #rt-title { (t.response_times) }
            dl.facts data-testid="response-times" {
                dt { (t.received) } dd { (r.received) }
                dt { (t.answered) } dd { (r.answered) }
                dt { (t.resolved) } dd { (r.resolved) }
                dt { (t.median_first_response) } dd { (duration(r.median_first_response)) }
                dt { (t.p90_first_response) } dd { (duration(r.p90_first_response)) }
                dt { (t.median_resolution) } dd { (duration(r.median_resolution)) }
                dt { (t.within_target) } dd { @if let Some(s) = r.within_target { (format!("{:.0} %", s * 100.0)) } @else { "—" } }
            }
            p.help { (t.business_time_help) }
            @if !r.per_teammate.is_empty() {
                div.table-wrap {
                    table.teammates {
                        thead { tr {
                            th scope="col" { (t.who) } th scope="col" { (t.answered) }
                            th scope="col" { (t.median_first_response) } th scope="col" { (t.resolved) }
                        } }
                        tbody {
                            @for p in &r.per_teammate {
                                tr { td { (p.name) } td.num { (p.answered) } td.num { (duration(p.median_first_response)) } td.num { (p.resolved) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

struct Values {
    form: InboxSettingsForm,
    error: Option<(String, String)>,
}

async fn render(state: &WebState, signed: &SignedIn, slug: &str, values: Option<Values>) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let settings = state.app.inbox_settings(actor, slug).await?;
    let saved = state.app.saved_replies(actor, slug).await?;
    let times = state.app.response_times(actor, slug, 30).await?;
    let client = state.app.client(actor, slug, Action::ViewInbox).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::ManageInbox, Some(client.id));
    let failed = values.is_some();
    let Values { form, error } = values.unwrap_or_else(|| Values {
        form: InboxSettingsForm {
            rules: settings.record.rules.clone(),
            hours: settings.record.hours.clone(),
            target_minutes: settings.record.target_minutes.map(|m| m.to_string()).unwrap_or_default(),
            rota: settings.record.rota.clone(),
            replies_need_approval: settings.record.replies_need_approval,
        },
        error: None,
    });
    let bad = |name: &str| error.as_ref().is_some_and(|(f, _)| f == name);
    let content = html! {
        p { a href={ "/c/" (slug) "/inbox" } { "← " (t.inbox) } }
        h1 { (t.inbox_settings) }
        @if let Some((_, message)) = &error { p.flash.error role="alert" #settings-error { (message) } }
        form.stack method="post" action={ "/c/" (slug) "/inbox/settings" } {
            (csrf_field(ctx))
            label for="rules" { (t.inbox_rules) }
            textarea #rules.code name="rules" rows="8" maxlength="20000" spellcheck="false" readonly[!editable]
                aria-invalid=[bad("rules").then_some("true")] aria-describedby="rules-help" { (form.rules) }
            details #rules-help {
                summary { (t.rules_syntax) }
                p.help { (t.rules_help) }
                pre.code { "when intent = spam then done, hide\nquand texte contient \"remboursement\" alors assigner marie@agence.fr\nwhen sentiment = negative and followers > 10,000 then urgent, label vip\nwhen kind = message then label dm" }
            }
            label for="hours" { (t.business_hours) }
            input #hours type="text" name="hours" maxlength="2000" value=(form.hours) placeholder="mon-fri 09:00-18:00" readonly[!editable]
                aria-invalid=[bad("hours").then_some("true")] aria-describedby="hours-help";
            p.help #hours-help { (t.business_hours_help) }
            label for="target" { (t.target_minutes) }
            input #target type="number" name="target_minutes" min="1" max="10080" value=(form.target_minutes) readonly[!editable]
                aria-invalid=[bad("target_minutes").then_some("true")];
            label for="rota" { (t.rota) }
            textarea #rota name="rota" rows="3" maxlength="4000" spellcheck="false" readonly[!editable]
                aria-invalid=[bad("rota").then_some("true")] aria-describedby="rota-help" { (form.rota) }
            p.help #rota-help { (t.rota_help) }
            label.inline {
                input type="checkbox" name="replies_need_approval" value="true" checked[form.replies_need_approval] disabled[!editable];
                (t.replies_need_approval)
            }
            @if editable { button type="submit" { (t.save) } }
        }
        section.saved-replies aria-labelledby="saved-title" {
            h2 #saved-title { (t.saved_replies) }
            @if saved.is_empty() { p.muted { (t.no_saved_replies) } }
            ul.items {
                @for s in &saved {
                    li {
                        strong { (s.name) }
                        div.message-text { (s.body) }
                        @if editable {
                            form.inline method="post" action={ "/c/" (slug) "/inbox/saved/" (s.id) "/delete" } {
                                (csrf_field(ctx)) button.link type="submit" { (t.delete) " " (s.name) }
                            }
                        }
                    }
                }
            }
            @if editable {
                form.stack method="post" action={ "/c/" (slug) "/inbox/saved" } {
                    (csrf_field(ctx))
                    label for="saved-name" { (t.name) }
                    input #saved-name type="text" name="name" required maxlength="80";
                    label for="saved-body" { (t.saved_reply_text) }
                    textarea #saved-body name="body" rows="3" required maxlength="5000" aria-describedby="saved-help" {}
                    p.help #saved-help { (t.saved_reply_help) }
                    button.secondary type="submit" { (t.add_or_replace) }
                }
            }
        }
        (figures(&times, t))
    };
    let body = page_with_htmx(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Inbox)), title: t.inbox_settings },
        content,
    );
    let status = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, body).into_response())
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    render(&state, &signed, &slug, None).await
}

/// Saves the settings; refused input comes back in the form with the app's message (line and column for rules).
pub async fn save(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> WebResult {
    let form = InboxSettingsForm {
        rules: field(&f, "rules").to_owned(),
        hours: field(&f, "hours").to_owned(),
        target_minutes: field(&f, "target_minutes").to_owned(),
        rota: field(&f, "rota").to_owned(),
        replies_need_approval: matches!(field(&f, "replies_need_approval"), "true" | "on"),
    };
    match state.app.save_inbox_settings(&signed.actor, &slug, form.clone()).await {
        Ok(()) => after_change(&state, &signed.ctx, &format!("/c/{slug}/inbox/settings"), Ok(())),
        Err(AppError::Invalid(i)) => {
            let error = Some((i.field.clone(), i.to_string()));
            render(&state, &signed, &slug, Some(Values { form, error })).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct SavedForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    body: String,
}

pub async fn save_saved(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<SavedForm>,
) -> WebResult {
    let result = state.app.save_saved_reply(&signed.actor, &slug, &f.name, &f.body).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/inbox/settings"), result)
}

pub async fn delete_saved(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.delete_saved_reply(&signed.actor, &slug, SavedReplyId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/inbox/settings"), result)
}
