//! The authorization matrix: every route of the table, every role, with a client the user does
//! not belong to and with their own client. A route added to the table is covered here without
//! anyone writing a test for it.

use axum::http::{Method, StatusCode};
use filrouge_domain::permission::{role_allows, Action};
use filrouge_domain::user::Role;
use filrouge_web::routes::{specs, Access, RouteSpec};

use crate::helpers::{png, spawn_app, Browser, TestApp};

const FOREIGN_NAME: &str = "Bravo Bistro";
const FOREIGN_SECRET: &str = "bravo-only-activity";
const FOREIGN_COMPETITOR: &str = "Bravo Rival";
const FOREIGN_HANDLE: &str = "bravo.handle";
const FOREIGN_MENTION: &str = "Bravo confidential mention";
const FOREIGN_QUERY: &str = "Bravo secret campaign";
const FOREIGN_INBOX: &str = "Bravo private inbox message";
const FOREIGN_SAVED: &str = "Bravo saved secret";

/// Plausible values for every form field any route reads; access is decided before the values
/// matter.
fn form_for(user_id: &str, email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Matrix".into()),
        ("colour", "#112233".into()),
        ("time_zone", "Europe/Paris".into()),
        ("languages", "fr".into()),
        ("address", "vous".into()),
        ("max_hashtags", "3".into()),
        ("emoji", "sparing".into()),
        ("network", "bluesky".into()),
        ("handle", "matrix.test".into()),
        ("user_id", user_id.into()),
        ("role", "analyst".into()),
        ("text", "a note".into()),
        ("email", email.into()),
        ("password", "long enough password".into()),
        ("archived", "true".into()),
        ("lang", "en".into()),
        ("code", "000000".into()),
        ("current", "wrong password!".into()),
        ("new", "another long password".into()),
        ("mark", "starred".into()),
        ("on", "true".into()),
        ("query", "pizza OR napoli".into()),
        ("alert", "off".into()),
        ("recipients", "".into()),
        ("active", "true".into()),
        ("up_to", "1".into()),
        // Posts and reviews: a comment is the decision every role that works on posts may make.
        ("decision", "comment".into()),
        ("comment", "a matrix comment".into()),
        ("label", "Matrix link".into()),
        ("days", "7".into()),
        // Publishing: the pause's reason, what resuming does with late posts, the queue's horizon.
        ("reason", "matrix pause".into()),
        ("late", "unschedule".into()),
        ("hours", "24".into()),
    ]
}

struct World {
    t: TestApp,
    roles: Vec<(Role, Browser)>,
    /// Objects of the foreign client, by path parameter.
    foreign_competitor: String,
    foreign_account: String,
    foreign_member: String,
    foreign_source: String,
    foreign_mention: String,
    foreign_query: String,
    foreign_post: String,
    foreign_media: String,
    foreign_inbox_item: String,
    foreign_inbox_reply: String,
    foreign_saved: String,
    /// Alpha's inbox objects, for the routes that act on one.
    alpha_inbox_item: String,
    alpha_inbox_reply: String,
    alpha_saved: String,
}

async fn world() -> World {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let bravo = t.client("bravo", FOREIGN_NAME, "#2980b9").await;
    let brief = filrouge_domain::client::Brief { activity: FOREIGN_SECRET.into(), ..Default::default() };
    t.app.update_brief(&filrouge_app::Actor::operator(), "bravo", brief).await.unwrap();
    let foreign_competitor = t.competitor("bravo", FOREIGN_COMPETITOR).await.to_string();
    let foreign_account = t.account("bravo", FOREIGN_HANDLE).await.to_string();
    let foreign_member = t.user("bravo-member@agence.fr", Role::CommunityManager, &[bravo]).await.to_string();
    // An alerting query first, so that the foreign mention is also a (foreign) notification.
    let draft = filrouge_domain::listening_query::QueryDraft::parse(FOREIGN_QUERY, "confidential", true, "instant", "")
        .unwrap();
    let foreign_query = t.app.create_query(&filrouge_app::Actor::operator(), "bravo", draft).await.unwrap().to_string();
    let (source, mentions) = t.mentions("bravo", &[(FOREIGN_MENTION, "<p>only for bravo</p>")]).await;
    let (foreign_source, foreign_mention) = (source.to_string(), mentions[0].to_string());
    let foreign_post = post_of(&t, "bravo", foreign_account.parse().unwrap(), false).await;
    let foreign_media = media_of(&t, "bravo").await;
    // Alpha's posts are approved by the client, so that signed links and reviews have something to act on.
    let operator = filrouge_app::Actor::operator();
    let mut charter = t.app.client(&operator, "alpha", Action::ViewClient).await.unwrap().profile.charter;
    charter.approval = filrouge_domain::post::ApprovalPolicy::Client;
    t.app.update_charter(&operator, "alpha", charter).await.unwrap();
    t.account("alpha", "alpha.main").await;
    let (foreign_inbox_item, foreign_inbox_reply, foreign_saved) =
        inbox_of(&t, "bravo", FOREIGN_INBOX, FOREIGN_SAVED).await;
    let (alpha_inbox_item, alpha_inbox_reply, alpha_saved) =
        inbox_of(&t, "alpha", "Alpha question", "Alpha saved").await;
    t.user("owner@agence.fr", Role::Owner, &[]).await;
    t.user("manager@agence.fr", Role::Manager, &[alpha]).await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    t.user("analyst@agence.fr", Role::Analyst, &[alpha]).await;
    t.user("reviewer@alpha.fr", Role::ClientReviewer, &[alpha]).await;
    let mut roles = Vec::new();
    for (role, email) in [
        (Role::Owner, "owner@agence.fr"),
        (Role::Manager, "manager@agence.fr"),
        (Role::CommunityManager, "cm@agence.fr"),
        (Role::Analyst, "analyst@agence.fr"),
        (Role::ClientReviewer, "reviewer@alpha.fr"),
    ] {
        roles.push((role, t.browser(email).await));
    }
    World {
        t,
        roles,
        foreign_competitor,
        foreign_account,
        foreign_member,
        foreign_source,
        foreign_mention,
        foreign_query,
        foreign_post,
        foreign_media,
        foreign_inbox_item,
        foreign_inbox_reply,
        foreign_saved,
        alpha_inbox_item,
        alpha_inbox_reply,
        alpha_saved,
    }
}

/// An inbox item of `slug` (received through its connected account), a sent reply to it and a saved reply: ids.
async fn inbox_of(t: &TestApp, slug: &str, text: &str, saved: &str) -> (String, String, String) {
    use filrouge_networks::inbox::IncomingKind;
    let operator = filrouge_app::Actor::operator();
    let item = crate::inbox_net::incoming(1, IncomingKind::Reply, &format!("{slug}.customer"), "Client", text);
    let id = t.inbox_items(slug, vec![item]).await[0];
    let net = std::sync::Arc::new(crate::inbox_net::Net::default());
    let networked = crate::inbox_net::with_network(&t.app, &net);
    networked.reply_to_item(&operator, slug, id, "Merci !", false).await.unwrap();
    let reply = networked.inbox_item(&operator, slug, id).await.unwrap().replies[0].id;
    let saved = t.app.save_saved_reply(&operator, slug, saved, "Merci {prénom} !").await.unwrap();
    (id.to_string(), reply.to_string(), saved.to_string())
}

/// A file of `slug`'s media library, by id.
async fn media_of(t: &TestApp, slug: &str) -> String {
    let operator = filrouge_app::Actor::operator();
    t.app.add_media(&operator, slug, &format!("{slug}.png"), png(4, 3, false)).await.unwrap().to_string()
}

/// A post of `slug` on `account`, planned in ten days; sent for review when `submit` (visible to reviewers).
async fn post_of(t: &TestApp, slug: &str, account: i64, submit: bool) -> String {
    let operator = filrouge_app::Actor::operator();
    let content = filrouge_domain::post::PostContent {
        text: "Bonne semaine à tous".into(),
        targets: vec![filrouge_domain::post::Target {
            account_id: filrouge_domain::ids::AccountId(account),
            text: None,
            media: None,
        }],
        ..Default::default()
    };
    let planned_at = Some(t.app.now() + jiff::SignedDuration::from_hours(240));
    let input = filrouge_app::posts::PostInput { content, planned_at, campaign: None };
    let id = t.app.create_post(&operator, slug, input).await.unwrap();
    if submit {
        t.app.submit_post(&operator, slug, id, 1).await.unwrap();
    }
    id.to_string()
}

/// A fresh post of alpha, waiting for the client's review.
async fn alpha_post(t: &TestApp) -> String {
    let operator = filrouge_app::Actor::operator();
    let accounts = t.app.accounts(&operator, "alpha").await.unwrap();
    let account = accounts.iter().find(|a| a.account.profile.handle == "alpha.main").unwrap().account.id.0;
    post_of(t, "alpha", account, true).await
}

/// A fresh signed review link of alpha: (id, token).
async fn alpha_link(t: &TestApp) -> (String, String) {
    let operator = filrouge_app::Actor::operator();
    let (token, _) = t.app.create_review_link(&operator, "alpha", "Matrix", 7).await.unwrap();
    let links = t.app.review_links(&operator, "alpha").await.unwrap();
    (links.iter().map(|l| l.id).max().unwrap().to_string(), token)
}

/// A listening query of `slug` named `name`, by id.
async fn query_of(t: &TestApp, slug: &str, name: &str) -> String {
    let draft = filrouge_domain::listening_query::QueryDraft::parse(name, "pizza", true, "off", "").unwrap();
    t.app.create_query(&filrouge_app::Actor::operator(), slug, draft).await.unwrap().to_string()
}

/// The path with its parameters; `{saved_id}` (a saved reply beside an inbox item) is `saved`.
fn fill(spec: &RouteSpec, slug: &str, id: &str, saved: &str) -> String {
    spec.path.replace("{slug}", slug).replace("{id}", id).replace("{saved_id}", saved)
}

/// Which object a `{id}` in this path names.
fn id_kind(path: &str) -> &'static str {
    if path.contains("/inbox/replies/") {
        "inbox_reply"
    } else if path.contains("/inbox/saved/") {
        "saved_reply"
    } else if path.contains("/inbox/{id}") {
        "inbox_item"
    } else if path.contains("/media/{id}") {
        "media"
    } else if path.contains("/competitors/") {
        "competitor"
    } else if path.contains("/accounts/") {
        "account"
    } else if path.contains("/members/") {
        "member"
    } else if path.contains("/sources/") {
        "source"
    } else if path.contains("/mentions/") {
        "mention"
    } else if path.contains("/queries/") {
        "query"
    } else if path.contains("/posts/") {
        "post"
    } else if path.contains("/review-links/") {
        "review_link"
    } else if path.contains("/users/") {
        "user"
    } else {
        "none"
    }
}

/// The foreign client's object a `{id}` in this path names ("0" when the path names none).
fn foreign_id(w: &World, path: &str) -> String {
    match id_kind(path) {
        "competitor" => w.foreign_competitor.clone(),
        "account" => w.foreign_account.clone(),
        "member" => w.foreign_member.clone(),
        "source" => w.foreign_source.clone(),
        "mention" => w.foreign_mention.clone(),
        "query" => w.foreign_query.clone(),
        "post" => w.foreign_post.clone(),
        "media" => w.foreign_media.clone(),
        "inbox_item" => w.foreign_inbox_item.clone(),
        "inbox_reply" => w.foreign_inbox_reply.clone(),
        "saved_reply" => w.foreign_saved.clone(),
        _ => "0".into(),
    }
}

/// The foreign client's objects are all still there, unchanged.
async fn assert_foreign_objects_untouched(w: &World) {
    let operator = filrouge_app::Actor::operator();
    assert_eq!(w.t.app.competitors(&operator, "bravo").await.unwrap().len(), 1);
    assert_eq!(w.t.app.accounts(&operator, "bravo").await.unwrap().len(), 1);
    assert_eq!(w.t.app.members(&operator, "bravo").await.unwrap().len(), 1);
    let (_, sources) = w.t.app.sources(&operator, "bravo").await.unwrap();
    assert_eq!(sources.len(), 1, "the foreign source is still there");
    assert_eq!(sources[0].spec.name, "Blog", "and unchanged");
    let queries = w.t.app.queries(&operator, "bravo").await.unwrap().queries;
    assert_eq!(queries.len(), 1, "the foreign query is still there");
    assert_eq!((queries[0].query.name.as_str(), queries[0].query.has_feed), (FOREIGN_QUERY, false), "and unchanged");
    let starred = filrouge_app::mentions::MentionFilter {
        view: filrouge_app::mentions::MentionView::Starred,
        ..Default::default()
    };
    assert_eq!(w.t.app.mentions(&operator, "bravo", &starred).await.unwrap().total, 0, "no foreign mark");
    let post = w.t.app.post(&operator, "bravo", filrouge_domain::ids::PostId(w.foreign_post.parse().unwrap())).await;
    let post = post.expect("the foreign post is still there").post;
    assert_eq!((post.version, post.content.text.as_str()), (1, "Bonne semaine à tous"), "and unchanged");
    assert!(post.planned_at.is_some(), "and still planned");
    let media = filrouge_domain::ids::MediaId(w.foreign_media.parse().unwrap());
    assert_eq!(w.t.app.media_items(&operator, "bravo", &[media]).await.unwrap().len(), 1, "the foreign file is kept");
    let item = filrouge_domain::ids::InboxItemId(w.foreign_inbox_item.parse().unwrap());
    let detail = w.t.app.inbox_item(&operator, "bravo", item).await.expect("the foreign inbox item is still there");
    let i = &detail.view.item;
    assert_eq!(
        (i.state, i.hidden, i.labels.len(), i.assignee),
        (filrouge_domain::inbox::ItemState::Waiting, false, 0, None)
    );
    assert!(detail.notes.is_empty(), "no note on the foreign item");
    assert_eq!(detail.replies.len(), 1, "no reply to the foreign item");
    assert_eq!(detail.replies[0].state, "sent");
    let saved = w.t.app.saved_replies(&operator, "bravo").await.unwrap();
    assert_eq!(saved.len(), 1, "the foreign saved reply is kept");
    assert_eq!(saved[0].name, FOREIGN_SAVED);
}

async fn call(b: &Browser, spec: &RouteSpec, path: &str, user_id: &str, email: &str) -> crate::helpers::Answer {
    if spec.method == Method::GET {
        b.get(path).await
    } else {
        let form = form_for(user_id, email);
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post(path, &fields).await
    }
}

fn assert_no_leak(answer: &crate::helpers::Answer, what: &str) {
    for secret in [
        FOREIGN_NAME,
        FOREIGN_SECRET,
        FOREIGN_COMPETITOR,
        FOREIGN_HANDLE,
        FOREIGN_MENTION,
        FOREIGN_QUERY,
        FOREIGN_INBOX,
        FOREIGN_SAVED,
        "bravo.customer",
    ] {
        assert!(!answer.body.contains(secret), "{what}: the answer mentions '{secret}'");
        let location = answer.location();
        assert!(!location.contains(secret), "{what}: redirect mentions '{secret}'");
    }
}

#[tokio::test]
async fn no_role_reaches_a_client_it_does_not_belong_to_on_any_route() {
    let w = world().await;
    let client_routes: Vec<RouteSpec> = specs().into_iter().filter(|s| matches!(s.access, Access::Client(_))).collect();
    assert!(client_routes.len() >= 15, "the table lists the client routes");
    for spec in &client_routes {
        let id = foreign_id(&w, spec.path);
        let path = fill(spec, "bravo", &id, &w.foreign_saved);
        for (role, browser) in &w.roles {
            if *role == Role::Owner {
                continue; // owners belong to every client
            }
            let answer = call(browser, spec, &path, &w.foreign_member, "cm@agence.fr").await;
            let what = format!("{role:?} {} {path}", spec.method);
            assert!(
                answer.status == StatusCode::NOT_FOUND || answer.status == StatusCode::FORBIDDEN,
                "{what}: expected 403/404, got {} ({})",
                answer.status,
                answer.location()
            );
            assert_no_leak(&answer, &what);
            assert!(!answer.body.contains("bravo-member"), "{what}: lists the foreign client's members");
        }
    }
    // Nothing of the foreign client changed under all those requests.
    let operator = filrouge_app::Actor::operator();
    let bravo = w.t.app.client(&operator, "bravo", Action::ViewClient).await.unwrap();
    assert_eq!(bravo.profile.name, FOREIGN_NAME);
    assert_eq!(bravo.profile.brief.activity, FOREIGN_SECRET);
    assert!(!bravo.archived);
    assert_foreign_objects_untouched(&w).await;
}

#[tokio::test]
async fn objects_of_another_client_cannot_be_reached_through_ones_own_client() {
    let w = world().await;
    for spec in specs().into_iter().filter(|s| matches!(s.access, Access::Client(_)) && s.path.contains("{id}")) {
        let id = foreign_id(&w, spec.path);
        let path = fill(&spec, "alpha", &id, &w.foreign_saved);
        for (role, browser) in &w.roles {
            let answer = call(browser, &spec, &path, &w.foreign_member, "cm@agence.fr").await;
            let what = format!("{role:?} {} {path}", spec.method);
            let refused = matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN);
            // Removing a non-member from alpha is a no-op, never a change to bravo.
            assert!(refused || answer.status == StatusCode::SEE_OTHER, "{what}: got {}", answer.status);
            assert_no_leak(&answer, &what);
        }
    }
    assert_foreign_objects_untouched(&w).await;
}

/// On their own client, a role gets in exactly when the table's rule says so.
#[tokio::test]
async fn every_route_answers_as_its_rule_says_for_every_role() {
    let w = world().await;
    for spec in specs() {
        if spec.path == "/logout" {
            continue; // would end the sessions the other routes need; see security.rs
        }
        for (role, browser) in &w.roles {
            // Fresh objects of alpha for routes that act on one.
            let id = match id_kind(spec.path) {
                "competitor" => w.t.competitor("alpha", "Alpha Rival").await.to_string(),
                "source" => w.t.mentions("alpha", &[]).await.0.to_string(),
                "mention" => w.t.mentions("alpha", &[("Alpha news", "<p>news</p>")]).await.1[0].to_string(),
                "query" if spec.path.contains("{id}") => query_of(&w.t, "alpha", &format!("Q{}", rand_suffix())).await,
                "post" if spec.path.contains("{id}") => alpha_post(&w.t).await,
                "review_link" => alpha_link(&w.t).await.0,
                "media" => media_of(&w.t, "alpha").await,
                "inbox_item" => w.alpha_inbox_item.clone(),
                "inbox_reply" => w.alpha_inbox_reply.clone(),
                // Deleting removes it: a fresh one each time.
                "saved_reply" => {
                    let name = format!("S{}", rand_suffix());
                    let op = filrouge_app::Actor::operator();
                    w.t.app.save_saved_reply(&op, "alpha", &name, "Merci !").await.unwrap().to_string()
                }
                "account" => w.t.account("alpha", &format!("alpha{}.test", rand_suffix())).await.to_string(),
                "member" | "user" => {
                    let alpha =
                        w.t.app.client(&filrouge_app::Actor::operator(), "alpha", Action::ViewClient).await.unwrap().id;
                    w.t.user(&format!("m{}@agence.fr", rand_suffix()), Role::Analyst, &[alpha]).await.to_string()
                }
                _ if spec.path.ends_with("/members") => {
                    let email = format!("free{}@agence.fr", rand_suffix());
                    w.t.user(&email, Role::Analyst, &[]).await;
                    email
                }
                _ => "0".into(),
            };
            let email = if id.contains('@') { id.clone() } else { format!("new{}@matrix.test", rand_suffix()) };
            let mut path = fill(&spec, "alpha", &id, &w.alpha_saved);
            if path.starts_with("/r/") {
                // A signed review link: its secret is the access.
                path = path.replace("{token}", &alpha_link(&w.t).await.1);
            } else if path.contains("{token}") {
                // A private feed address: its secret is the access.
                let q = query_of(&w.t, "alpha", &format!("F{}", rand_suffix())).await;
                let q = filrouge_domain::ids::QueryId(q.parse().unwrap());
                let token = w.t.app.renew_query_feed(&filrouge_app::Actor::operator(), "alpha", q).await.unwrap();
                path = path.replace("{token}", &token);
            }
            let answer = call(browser, &spec, &path, &id, &email).await;
            let what = format!("{role:?} {} {path}", spec.method);
            let allowed = match spec.access {
                Access::Public | Access::SignedIn | Access::SecondFactor => true,
                // Reviews: the application asks ApprovePosts or ReviewPosts (by policy) to decide, and any of those
                // or WritePosts to comment, which is what the matrix sends.
                Access::Client(_) if spec.path.ends_with("/review") => {
                    [Action::WritePosts, Action::ReviewPosts, Action::ApprovePosts]
                        .into_iter()
                        .any(|a| role_allows(*role, a))
                }
                Access::Global(action) | Access::Client(action) => role_allows(*role, action),
            };
            if allowed {
                assert!(
                    !matches!(answer.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
                        && !answer.status.is_server_error(),
                    "{what}: allowed by the table but answered {}",
                    answer.status
                );
            } else {
                assert_eq!(
                    answer.status,
                    StatusCode::FORBIDDEN,
                    "{what}: refused by the table but answered {}",
                    answer.status
                );
            }
            if *role != Role::Owner {
                assert_no_leak(&answer, &what);
            }
        }
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

#[tokio::test]
async fn signed_out_visitors_reach_only_public_routes() {
    let w = world().await;
    let anonymous = w.t.anonymous();
    for spec in specs() {
        let path = fill(&spec, "alpha", "1", "1");
        let answer = call(&anonymous, &spec, &path, "1", "x@y.fr").await;
        if spec.access == Access::Public {
            continue;
        }
        let what = format!("anonymous {} {path}", spec.method);
        assert!(answer.status != StatusCode::OK, "{what}: answered 200");
        if spec.method == Method::GET {
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{what}");
            assert_eq!(answer.location(), "/login", "{what}");
        } else {
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}: a signed-out POST has no valid form token");
        }
        assert!(!answer.body.contains("Alpha Pizza"), "{what}");
    }
}

/// The matrix above only protects routes that are in the table: no route may be added elsewhere.
#[test]
fn routes_are_declared_only_in_the_route_table() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                let adds_route =
                    line.contains(".route(") || line.contains(".nest(") || line.contains(".route_service(");
                // server.rs serves /metrics on its own listener, never on the app's.
                let next = lines.get(n + 1).copied().unwrap_or("");
                let metrics = line.contains("\"/metrics\"") || next.contains("\"/metrics\"");
                let allowed = rel == "routes.rs" || (rel == "server.rs" && metrics);
                if adds_route && !allowed {
                    offenders.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "routes added outside routes.rs: {offenders:#?}");
    let table = specs();
    let mut seen = std::collections::HashSet::new();
    for spec in &table {
        assert!(seen.insert((spec.method.clone(), spec.path)), "{} {} is declared twice", spec.method, spec.path);
    }
}
