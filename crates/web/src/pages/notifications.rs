//! The notifications area: the latest live matches of alerting queries, across the clients the
//! user may watch, new ones first; "mark all as seen".

use axum::extract::State;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_domain::ids::HitId;
use jiff::tz::TimeZone;
use maud::html;
use serde::Deserialize;

use crate::context::{redirect_with_flash, Flash, SignedIn};
use crate::error::WebResult;
use crate::pages::layout::{csrf_field, page as render, Shell};
use crate::pages::mentions::analysis_badges;
use crate::WebState;

/// Notifications shown at once.
const SHOWN: u32 = 100;

pub async fn page(State(state): State<WebState>, signed: SignedIn) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let data = state.app.notifications(actor, SHOWN).await?;
    let clients = state.app.client_switcher(actor).await?;
    let newest = data.items.first().map_or(0, |n| n.hit.0);
    let content = html! {
        h1 { (t.notifications) @if data.unread > 0 { " " span.badge.count { (data.unread) } } }
        @if data.items.is_empty() { p { (t.no_notifications) } }
        @else {
            @if data.unread > 0 {
                form.inline method="post" action="/notifications/seen" {
                    (csrf_field(ctx))
                    input type="hidden" name="up_to" value=(newest);
                    button type="submit" { (t.mark_all_seen) }
                }
            }
            ol.mentions.notifications {
                @for n in &data.items {
                    @let m = &n.mention;
                    @let tz = TimeZone::get(n.client.profile.time_zone.as_str()).unwrap_or(TimeZone::UTC);
                    li.mention.unread[n.unread] {
                        p.meta {
                            span.dot style={ "background:" (n.client.profile.colour.as_str()) } {} " "
                            strong { (n.client.profile.name) } " · "
                            a href={ "/c/" (n.client.profile.slug) "/queries/" (n.query_id) } { (n.query_name) } " · "
                            time datetime=(n.matched_at) { (n.matched_at.to_zoned(tz).strftime("%d/%m %H:%M")) }
                            @if n.unread { " " span.badge.new { (t.new_label) } }
                        }
                        p.meta { (analysis_badges(m, t)) (m.site) @if !m.author.handle.is_empty() { " · " (m.author.handle) } }
                        h2 { a href={ "/c/" (n.client.profile.slug) "/mentions/" (m.id) } {
                            @if m.title.is_empty() { (m.text.chars().take(120).collect::<String>()) } @else { (m.title) }
                        } }
                    }
                }
            }
        }
    };
    Ok(render(&Shell { ctx, actor, clients: &clients, current: None, title: t.notifications }, content).into_response())
}

#[derive(Deserialize)]
pub struct SeenForm {
    #[serde(default)]
    up_to: i64,
}

pub async fn seen(State(state): State<WebState>, signed: SignedIn, Form(f): Form<SeenForm>) -> WebResult {
    state.app.mark_notifications_seen(&signed.actor, HitId(f.up_to)).await?;
    Ok(redirect_with_flash(&state, "/notifications", Flash::Ok(signed.ctx.t().saved.into())))
}
