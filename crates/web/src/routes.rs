//! Every route of the web app, in one table with its access rule. The router is built from this
//! table only, and the authorization-matrix test walks the same table: a route cannot be added
//! without saying who may use it, and a new route is tested for every role automatically.
//!
//! The rule here describes what the application layer enforces; it is not the enforcement.
//! Handlers call the application layer, which checks permissions itself.

use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use filrouge_domain::permission::Action;

use crate::pages::{
    accounts, auth, calendar, clients, competitors, import, inbox, inbox_settings, journal, media, members, mentions,
    notifications, oauth, posts, profile, publishing, queries, review, settings, sources, statics, users,
};
use crate::WebState;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Signed in with a password, second factor still to give.
    SecondFactor,
    /// Any signed-in user.
    SignedIn,
    /// An installation-wide action.
    Global(Action),
    /// An action on the client named by `{slug}` in the path.
    Client(Action),
}

/// One route: method, path pattern (axum syntax) and access rule.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

const fn spec(method: Method, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec { method, path, access }
}

use Access::{Client, Global, Public, SecondFactor, SignedIn};
use Action::*;

/// The table: every route, its rule and its handler.
fn table() -> Vec<(RouteSpec, MethodRouter<WebState>)> {
    vec![
        (spec(Method::GET, "/healthz", Public), get(statics::healthz)),
        (spec(Method::GET, "/static/style.css", Public), get(statics::stylesheet)),
        (spec(Method::GET, "/static/htmx-2.0.11.min.js", Public), get(statics::htmx)),
        (spec(Method::GET, "/static/calendar.js", Public), get(statics::calendar_js)),
        (spec(Method::GET, "/static/inbox.js", Public), get(statics::inbox_js)),
        (spec(Method::GET, "/feeds/q/{token}", Public), get(queries::atom)),
        (spec(Method::GET, "/r/{token}", Public), get(review::page)),
        (spec(Method::POST, "/r/{token}/posts/{id}", Public), post(review::decide)),
        (spec(Method::GET, "/calendar", SignedIn), get(calendar::all)),
        (spec(Method::GET, "/queue", SignedIn), get(publishing::all)),
        // The inbox across clients; bulk triage checks each item against its own client (AnswerInbox).
        (spec(Method::GET, "/inbox", SignedIn), get(inbox::all)),
        (spec(Method::POST, "/inbox/bulk", SignedIn), post(inbox::bulk)),
        (spec(Method::GET, "/notifications", SignedIn), get(notifications::page)),
        (spec(Method::POST, "/notifications/seen", SignedIn), post(notifications::seen)),
        (spec(Method::GET, "/login", Public), get(auth::login_page)),
        (spec(Method::POST, "/login", Public), post(auth::login)),
        (spec(Method::GET, "/login/totp", SecondFactor), get(auth::totp_page)),
        (spec(Method::POST, "/login/totp", SecondFactor), post(auth::totp)),
        (spec(Method::POST, "/logout", SignedIn), post(auth::logout)),
        (spec(Method::GET, "/", SignedIn), get(clients::overview)),
        (spec(Method::POST, "/clients", Global(CreateClient)), post(clients::create)),
        (spec(Method::GET, "/c/{slug}", Client(ViewClient)), get(clients::home)),
        (spec(Method::POST, "/c/{slug}/archive", Client(ArchiveClient)), post(clients::archive)),
        (spec(Method::GET, "/c/{slug}/calendar", Client(ViewCalendar)), get(calendar::page)),
        (spec(Method::GET, "/c/{slug}/queue", Client(ViewCalendar)), get(publishing::client_queue)),
        (spec(Method::POST, "/c/{slug}/publishing/pause", Client(WritePosts)), post(publishing::pause)),
        (spec(Method::POST, "/c/{slug}/publishing/resume", Client(WritePosts)), post(publishing::resume)),
        (spec(Method::POST, "/c/{slug}/review-links", Client(WritePosts)), post(calendar::create_link)),
        (spec(Method::POST, "/c/{slug}/review-links/{id}/delete", Client(WritePosts)), post(calendar::revoke_link)),
        (spec(Method::POST, "/c/{slug}/accounts/{id}/slots", Client(WritePosts)), post(calendar::set_slots)),
        (spec(Method::GET, "/c/{slug}/posts/new", Client(WritePosts)), get(posts::new_page)),
        (spec(Method::POST, "/c/{slug}/posts", Client(WritePosts)), post(posts::create)),
        (spec(Method::POST, "/c/{slug}/posts/lint", Client(WritePosts)), post(posts::lint)),
        (spec(Method::GET, "/c/{slug}/posts/spelling", Client(WritePosts)), get(posts::suggestions)),
        (spec(Method::GET, "/c/{slug}/posts/link-card", Client(WritePosts)), get(media::link_card)),
        // Uploads are multipart, with their own body limits (a file of the library's largest size; a CSV file).
        (
            spec(Method::POST, "/c/{slug}/posts/media", Client(WritePosts)),
            post(media::attach).layer(DefaultBodyLimit::max(media::MAX_UPLOAD_BODY_BYTES)),
        ),
        (spec(Method::POST, "/c/{slug}/posts/media/fit", Client(WritePosts)), post(media::fit)),
        (spec(Method::POST, "/c/{slug}/posts/media/remove", Client(WritePosts)), post(media::remove)),
        (spec(Method::POST, "/c/{slug}/posts/media/variant", Client(WritePosts)), post(media::variant)),
        (spec(Method::GET, "/c/{slug}/posts/import", Client(WritePosts)), get(import::page)),
        (
            spec(Method::POST, "/c/{slug}/posts/import", Client(WritePosts)),
            post(import::run).layer(DefaultBodyLimit::max(import::MAX_IMPORT_BODY_BYTES)),
        ),
        (spec(Method::GET, "/c/{slug}/media/{id}", Client(ViewCalendar)), get(media::file)),
        (spec(Method::GET, "/c/{slug}/posts/{id}", Client(ViewCalendar)), get(posts::detail)),
        (spec(Method::POST, "/c/{slug}/posts/{id}", Client(WritePosts)), post(posts::edit)),
        (spec(Method::GET, "/c/{slug}/posts/{id}/edit", Client(WritePosts)), get(posts::edit_page)),
        (spec(Method::POST, "/c/{slug}/posts/{id}/move", Client(WritePosts)), post(posts::move_post)),
        (spec(Method::POST, "/c/{slug}/posts/{id}/schedule", Client(WritePosts)), post(posts::schedule)),
        (spec(Method::POST, "/c/{slug}/posts/{id}/unschedule", Client(WritePosts)), post(posts::unschedule)),
        (spec(Method::POST, "/c/{slug}/posts/{id}/submit", Client(WritePosts)), post(posts::submit)),
        (spec(Method::POST, "/c/{slug}/posts/{id}/queue", Client(WritePosts)), post(posts::queue)),
        (spec(Method::POST, "/c/{slug}/posts/{id}/delete", Client(WritePosts)), post(posts::delete)),
        // Publishes a scheduled or approved post now, or retries a failed one.
        (spec(Method::POST, "/c/{slug}/posts/{id}/publish", Client(WritePosts)), post(publishing::publish_now)),
        // Approving needs ApprovePosts or ReviewPosts by the client's policy, commenting any of those or WritePosts:
        // the application decides; the table says the least, seeing the calendar.
        (spec(Method::POST, "/c/{slug}/posts/{id}/review", Client(ViewCalendar)), post(posts::review)),
        (spec(Method::GET, "/c/{slug}/settings", Client(ViewClientSettings)), get(settings::page)),
        (spec(Method::POST, "/c/{slug}/settings/identity", Client(EditClientSettings)), post(settings::identity)),
        (spec(Method::POST, "/c/{slug}/settings/brief", Client(EditClientSettings)), post(settings::brief)),
        (spec(Method::POST, "/c/{slug}/settings/charter", Client(EditClientSettings)), post(settings::charter)),
        (spec(Method::GET, "/c/{slug}/competitors", Client(ViewClientSettings)), get(competitors::page)),
        (spec(Method::POST, "/c/{slug}/competitors", Client(EditClientSettings)), post(competitors::add)),
        (
            spec(Method::POST, "/c/{slug}/competitors/{id}/delete", Client(EditClientSettings)),
            post(competitors::remove),
        ),
        (spec(Method::GET, "/c/{slug}/accounts", Client(ViewClientSettings)), get(accounts::page)),
        (spec(Method::POST, "/c/{slug}/accounts", Client(ManageAccounts)), post(accounts::add)),
        (spec(Method::POST, "/c/{slug}/accounts/connect", Client(ManageAccounts)), post(accounts::connect)),
        (spec(Method::POST, "/c/{slug}/accounts/check", Client(ManageAccounts)), post(accounts::check)),
        (spec(Method::POST, "/c/{slug}/accounts/oauth", Client(ManageAccounts)), post(oauth::start)),
        // The networks send the browser back here; the authorisation names its client, checked by the app.
        (spec(Method::GET, "/oauth/bluesky/callback", SignedIn), get(oauth::bluesky_callback)),
        (spec(Method::GET, "/oauth/mastodon/callback", SignedIn), get(oauth::mastodon_callback)),
        (spec(Method::GET, "/oauth/bluesky/client-metadata.json", Public), get(oauth::bluesky_client_metadata)),
        (spec(Method::POST, "/c/{slug}/accounts/{id}", Client(ManageAccounts)), post(accounts::edit)),
        (spec(Method::POST, "/c/{slug}/accounts/{id}/delete", Client(ManageAccounts)), post(accounts::remove)),
        (spec(Method::GET, "/c/{slug}/members", Client(ViewClientSettings)), get(members::page)),
        (spec(Method::POST, "/c/{slug}/members", Client(ManageMembers)), post(members::add)),
        (spec(Method::POST, "/c/{slug}/members/{id}/delete", Client(ManageMembers)), post(members::remove)),
        (spec(Method::GET, "/c/{slug}/journal", Client(ViewJournal)), get(journal::page)),
        (spec(Method::POST, "/c/{slug}/journal/notes", Client(WriteJournalNote)), post(journal::add_note)),
        (spec(Method::GET, "/c/{slug}/mentions", Client(ViewMentions)), get(mentions::page)),
        (spec(Method::GET, "/c/{slug}/mentions/{id}", Client(ViewMentions)), get(mentions::detail)),
        (spec(Method::POST, "/c/{slug}/mentions/{id}/marks", Client(MarkMentions)), post(mentions::mark)),
        (spec(Method::GET, "/c/{slug}/inbox", Client(ViewInbox)), get(inbox::page)),
        (spec(Method::GET, "/c/{slug}/inbox/settings", Client(ViewInbox)), get(inbox_settings::page)),
        (spec(Method::POST, "/c/{slug}/inbox/settings", Client(ManageInbox)), post(inbox_settings::save)),
        (spec(Method::POST, "/c/{slug}/inbox/saved", Client(ManageInbox)), post(inbox_settings::save_saved)),
        (
            spec(Method::POST, "/c/{slug}/inbox/saved/{id}/delete", Client(ManageInbox)),
            post(inbox_settings::delete_saved),
        ),
        (spec(Method::POST, "/c/{slug}/inbox/replies/{id}/approve", Client(ApprovePosts)), post(inbox::approve_reply)),
        (spec(Method::POST, "/c/{slug}/inbox/replies/{id}/reject", Client(ApprovePosts)), post(inbox::reject_reply)),
        (spec(Method::POST, "/c/{slug}/inbox/replies/{id}/retry", Client(AnswerInbox)), post(inbox::retry_reply)),
        (spec(Method::POST, "/c/{slug}/inbox/replies/{id}/delete", Client(AnswerInbox)), post(inbox::delete_reply)),
        (spec(Method::GET, "/c/{slug}/inbox/{id}", Client(ViewInbox)), get(inbox::detail)),
        (spec(Method::POST, "/c/{slug}/inbox/{id}/triage", Client(AnswerInbox)), post(inbox::triage)),
        (spec(Method::POST, "/c/{slug}/inbox/{id}/notes", Client(AnswerInbox)), post(inbox::add_note)),
        (spec(Method::POST, "/c/{slug}/inbox/{id}/like", Client(AnswerInbox)), post(inbox::like)),
        (spec(Method::POST, "/c/{slug}/inbox/{id}/reply", Client(AnswerInbox)), post(inbox::reply)),
        (spec(Method::POST, "/c/{slug}/inbox/{id}/lint", Client(AnswerInbox)), post(inbox::lint)),
        (spec(Method::GET, "/c/{slug}/inbox/{id}/saved/{saved_id}", Client(AnswerInbox)), get(inbox::fill_saved)),
        (spec(Method::GET, "/c/{slug}/queries", Client(ViewMentions)), get(queries::page)),
        (spec(Method::POST, "/c/{slug}/queries", Client(ManageQueries)), post(queries::create)),
        (spec(Method::GET, "/c/{slug}/queries/check", Client(ViewMentions)), get(queries::check)),
        (spec(Method::GET, "/c/{slug}/queries/backtest", Client(ViewMentions)), get(queries::backtest)),
        (spec(Method::GET, "/c/{slug}/queries/{id}", Client(ViewMentions)), get(queries::detail)),
        (spec(Method::POST, "/c/{slug}/queries/{id}", Client(ManageQueries)), post(queries::edit)),
        (spec(Method::POST, "/c/{slug}/queries/{id}/delete", Client(ManageQueries)), post(queries::remove)),
        (spec(Method::POST, "/c/{slug}/queries/{id}/feed", Client(ManageQueries)), post(queries::renew_feed)),
        (spec(Method::POST, "/c/{slug}/queries/{id}/feed/delete", Client(ManageQueries)), post(queries::revoke_feed)),
        (spec(Method::GET, "/c/{slug}/sources", Client(ViewMentions)), get(sources::page)),
        (spec(Method::POST, "/c/{slug}/sources", Client(ManageSources)), post(sources::add)),
        (spec(Method::POST, "/c/{slug}/sources/discover", Client(ManageSources)), post(sources::discover)),
        (spec(Method::GET, "/c/{slug}/sources/opml", Client(ViewMentions)), get(sources::export_opml)),
        (spec(Method::POST, "/c/{slug}/sources/opml", Client(ManageSources)), post(sources::import_opml)),
        (spec(Method::POST, "/c/{slug}/sources/{id}", Client(ManageSources)), post(sources::edit)),
        (spec(Method::POST, "/c/{slug}/sources/{id}/pause", Client(ManageSources)), post(sources::pause)),
        (spec(Method::POST, "/c/{slug}/sources/{id}/fetch", Client(ManageSources)), post(sources::fetch_now)),
        (spec(Method::POST, "/c/{slug}/sources/{id}/delete", Client(ManageSources)), post(sources::remove)),
        (spec(Method::GET, "/users", Global(ViewUsers)), get(users::page)),
        (spec(Method::POST, "/users", Global(ManageUsers)), post(users::create)),
        (spec(Method::POST, "/users/{id}", Global(ManageUsers)), post(users::edit)),
        (spec(Method::GET, "/profile", SignedIn), get(profile::page)),
        (spec(Method::POST, "/profile/language", SignedIn), post(profile::language)),
        (spec(Method::POST, "/profile/password", SignedIn), post(profile::password)),
        (spec(Method::POST, "/profile/totp/setup", SignedIn), post(profile::totp_setup)),
        (spec(Method::POST, "/profile/totp/confirm", SignedIn), post(profile::totp_confirm)),
        (spec(Method::POST, "/profile/totp/disable", SignedIn), post(profile::totp_disable)),
    ]
}

/// Every route with its rule (for tests and documentation).
pub fn specs() -> Vec<RouteSpec> {
    table().into_iter().map(|(spec, _)| spec).collect()
}

/// The router, built from the table and nothing else.
pub(crate) fn build() -> Router<WebState> {
    let mut router = Router::new();
    for (spec, handler) in table() {
        router = router.route(spec.path, handler);
    }
    router.fallback(statics::not_found)
}
