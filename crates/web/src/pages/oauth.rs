//! Connecting accounts through OAuth: the accounts page's "Connect with Bluesky/Mastodon" forms start an
//! authorisation (the app checks the right to manage accounts) and send the browser to the network; the network sends
//! it back to `/oauth/{network}/callback`, which finishes and returns to the client's accounts page with what
//! happened. A web client's metadata document (Bluesky, https installations) is served here too.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use filrouge_app::oauth_connect::{bluesky_client_metadata as metadata_of, Callback, OAuthRefusal};
use filrouge_domain::account::Network;
use filrouge_domain::permission::Action;
use maud::html;
use serde::Deserialize;

use crate::context::{redirect_with_flash, Flash, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::after_change;
use crate::WebState;

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    network: String,
    /// A Bluesky handle, or a Mastodon instance or handle.
    #[serde(default)]
    handle: String,
}

/// Starts an authorisation and sends the browser to the network.
pub async fn start(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<StartForm>,
) -> WebResult {
    // Access first: a refused user learns nothing from a validation message.
    state.app.client(&signed.actor, &slug, Action::ManageAccounts).await?;
    let back = format!("/c/{slug}/accounts");
    let result = match Network::parse(&f.network) {
        Ok(network) => state.app.start_oauth(&signed.actor, &slug, network, &f.handle).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(url) => Ok(leave_for(signed.ctx.t(), url.as_str())),
        Err(e) => after_change(&state, &signed.ctx, &back, Err::<(), _>(e)),
    }
}

/// A page that sends the browser on to the network at once. Not a redirect: the answer to a form may only lead back
/// to this site (`form-action 'self'`), while a page's refresh and its link may go anywhere.
fn leave_for(t: &Texts, url: &str) -> Response {
    let markup = html! {
        (maud::DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                meta http-equiv="refresh" content={ "0;url=" (url) };
                title { (t.oauth_continue) }
                link rel="stylesheet" href="/static/style.css";
            }
            body { main { p { a href=(url) data-testid="oauth-continue" { (t.oauth_continue) } } } }
        }
    };
    ([(header::REFERRER_POLICY, "no-referrer")], markup).into_response()
}

#[derive(Deserialize, Default)]
pub struct CallbackQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    iss: Option<String>,
}

pub async fn bluesky_callback(state: State<WebState>, signed: SignedIn, query: Query<CallbackQuery>) -> WebResult {
    callback(state, signed, query, Network::Bluesky).await
}

pub async fn mastodon_callback(state: State<WebState>, signed: SignedIn, query: Query<CallbackQuery>) -> WebResult {
    callback(state, signed, query, Network::Mastodon).await
}

async fn callback(
    State(state): State<WebState>,
    signed: SignedIn,
    Query(q): Query<CallbackQuery>,
    network: Network,
) -> WebResult {
    let error = q.error.map(|e| match q.error_description.filter(|d| !d.trim().is_empty()) {
        Some(d) => format!("{e}: {d}"),
        None => e,
    });
    let back = Callback { state: q.state, code: q.code, error, iss: q.iss };
    let done = state.app.finish_oauth(&signed.actor, network, back).await?;
    let t = signed.ctx.t();
    let to = done.slug.as_ref().map_or_else(|| "/".to_owned(), |s| format!("/c/{s}/accounts"));
    let flash = match done.result {
        Ok(_) => Flash::Ok(t.connected_ok.into()),
        Err(why) => Flash::Error(refusal(t, &why)),
    };
    Ok(redirect_with_flash(&state, &to, flash))
}

fn refusal(t: &Texts, why: &OAuthRefusal) -> String {
    match why {
        OAuthRefusal::Unknown => t.oauth_unknown.into(),
        OAuthRefusal::Expired => t.oauth_expired.into(),
        OAuthRefusal::Used => t.oauth_used.into(),
        OAuthRefusal::OtherUser => t.oauth_other_user.into(),
        OAuthRefusal::Denied(e) => format!("{} ({e}).", t.oauth_denied),
        OAuthRefusal::Failed(e) => format!("{} : {e}", t.oauth_failed),
    }
}

/// Our client metadata document as a Bluesky web client (authorization servers fetch it when the public address is
/// https; a plain-http installation uses the loopback client form and nobody asks for it).
pub async fn bluesky_client_metadata(State(state): State<WebState>) -> Response {
    let Some(body) = metadata_of(&state.config.public_url) else { return StatusCode::NOT_FOUND.into_response() };
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "max-age=600")], body).into_response()
}
