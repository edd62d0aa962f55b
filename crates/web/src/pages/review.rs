//! The page behind a signed review link: the client's posts waiting for a decision, each with a form to approve,
//! reject or comment by one's name. No account needed; the link's secret is the access, and an unknown, expired or
//! revoked link is a plain "not found".

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::auth::random_token;
use filrouge_app::reviews::Decision;
use filrouge_app::AppError;
use filrouge_domain::ids::PostId;
use filrouge_domain::post::PostState;
use maud::html;
use serde::Deserialize;

use crate::context::{redirect_with_flash, set_cookie, Ctx, Flash, CSRF_COOKIE};
use crate::error::WebResult;
use crate::pages::layout::public_page;
use crate::pages::posts::{client_zone, date_hm, preview_markup, state_badge};
use crate::WebState;

pub async fn page(State(state): State<WebState>, ctx: Ctx, Path(token): Path<String>) -> WebResult {
    let t = ctx.t();
    let (review, accounts) = state.app.link_review_with_accounts(&token).await?;
    // Signed out, the form's token is the one of the sign-in form's cookie (made here when missing).
    let (csrf, fresh) = match ctx.csrf() {
        "" => (random_token(), true),
        c => (c.to_owned(), false),
    };
    let client = &review.client;
    let tz = client_zone(client);
    let colour = client.profile.colour.as_str();
    let content = html! {
        h2.review-client style={ "--client:" (colour) } {
            span.dot style={ "background:" (colour) } {} (client.profile.name)
        }
        p { (t.review_page_intro) " (" (review.link.label) ")" }
        @if review.posts.is_empty() { p { (t.review_nothing) } }
        @for post in &review.posts {
            article.review-post #{ "post-" (post.id) } {
                p.post-meta {
                    (state_badge(post.state, t)) " "
                    @if let Some(at) = post.planned_at {
                        time datetime=(at) { (date_hm(&tz, at)) } " (" (client.profile.time_zone.as_str()) ")"
                    }
                }
                @if !post.review_comment.is_empty() { div.rejection { strong { (t.rejected_because) } " " (post.review_comment) } }
                @for target in &post.content.targets {
                    @if let Some(a) = accounts.iter().find(|a| a.id == target.account_id) {
                        section.preview-box {
                            h3 { (a.profile.network.as_str()) " · " (a.profile.handle) }
                            (preview_markup(a.profile.network, post.content.text_for(a.id), t))
                        }
                    }
                }
                @if post.content.targets.is_empty() { div.post-text { (post.content.text) } }
                form.stack method="post" action={ "/r/" (token) "/posts/" (post.id) } {
                    input type="hidden" name="_csrf" value=(csrf);
                    input type="hidden" name="version" value=(post.version);
                    label for={ "name-" (post.id) } { (t.your_name) }
                    input id={ "name-" (post.id) } name="name" required maxlength="120" autocomplete="name";
                    label for={ "comment-" (post.id) } { (t.comment_label) }
                    textarea id={ "comment-" (post.id) } name="comment" rows="3" aria-describedby={ "help-" (post.id) } {}
                    p.help id={ "help-" (post.id) } { (t.reject_needs_comment) }
                    div.row {
                        @if post.state == PostState::InReview {
                            button type="submit" name="decision" value="approve" { (t.approve) }
                            button.danger type="submit" name="decision" value="reject" { (t.reject) }
                        }
                        button.secondary type="submit" name="decision" value="comment" { (t.comment) }
                    }
                }
            }
        }
    };
    let mut response = public_page(&ctx, &client.profile.name, content).into_response();
    if fresh {
        if let Ok(v) = set_cookie(&state, CSRF_COOKIE, &csrf, None).parse() {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
        .headers_mut()
        .insert(header::HeaderName::from_static("x-robots-tag"), header::HeaderValue::from_static("noindex"));
    Ok(response)
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    comment: String,
}

pub async fn decide(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((token, id)): Path<(String, i64)>,
    Form(f): Form<DecideForm>,
) -> WebResult {
    // The link first: an unknown one is "not found" whatever the form says.
    state.app.link_review(&token).await?;
    let back = format!("/r/{token}");
    let version = f.version.trim().parse().unwrap_or(0);
    let result = match Decision::parse(&f.decision) {
        Some(d) => state.app.link_decide(&token, PostId(id), version, d, &f.name, &f.comment).await,
        None => Err(AppError::Invalid(filrouge_domain::Invalid::new("decision", "approve, reject or comment"))),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(&state, &back, Flash::Ok(ctx.t().thanks.into()))),
        Err(AppError::Invalid(i)) => Ok(redirect_with_flash(&state, &back, Flash::Error(i.to_string()))),
        Err(AppError::Conflict(c)) => Ok(redirect_with_flash(&state, &back, Flash::Error(c))),
        Err(e) => Err(e.into()),
    }
}
