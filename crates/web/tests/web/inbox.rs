//! The inbox pages: the list and its filters, an item's page for a community manager and for a read-only analyst,
//! triage with a stale version, bulk triage (and its refusal of another client's items), replies with saved
//! replies and live checks, the settings with their line/column errors, hostile text kept inert.

use axum::http::StatusCode;
use filrouge_app::inbox::InboxQuery;
use filrouge_app::Actor;
use filrouge_domain::ids::InboxItemId;
use filrouge_domain::user::Role;
use filrouge_networks::inbox::IncomingKind;

use crate::helpers::{spawn_inbox_app, Answer, TestApp};
use crate::inbox_net::incoming;

const SLUG: &str = "da-marco";

fn flash(answer: &Answer) -> String {
    answer
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("filrouge_flash="))
        .unwrap_or("")
        .to_owned()
}

/// Da Marco with a connected account, a CM, an analyst and a reviewer, and three received items: a question
/// (reply), a mention and a private message. Returns the app and the item ids (question, mention, message).
async fn bench() -> (TestApp, InboxItemId, InboxItemId, InboxItemId) {
    let t = spawn_inbox_app().await;
    let c = t.client(SLUG, "Da Marco", "#c0392b").await;
    t.account(SLUG, "damarco.bsky.social").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[c]).await;
    t.user("analyst@agence.fr", Role::Analyst, &[c]).await;
    t.user("reviewer@damarco.fr", Role::ClientReviewer, &[c]).await;
    t.inbox_items(
        SLUG,
        vec![
            incoming(1, IncomingKind::Reply, "camille.bsky.social", "Camille Durand", "Vous êtes ouverts dimanche ?"),
            incoming(2, IncomingKind::Mention, "jules.bsky.social", "Jules", "Super pizza chez Da Marco"),
            incoming(3, IncomingKind::DirectMessage, "lea.bsky.social", "Léa", "Bonjour, une réservation pour 8 ?"),
        ],
    )
    .await;
    let items = t.app.inbox(&Actor::operator(), Some(SLUG), &InboxQuery::default()).await.unwrap().items;
    let find = |handle: &str| items.iter().find(|v| v.item.author.handle.contains(handle)).unwrap().item.id;
    let ids = (find("camille"), find("jules"), find("lea"));
    (t, ids.0, ids.1, ids.2)
}

async fn item(t: &TestApp, id: InboxItemId) -> filrouge_domain::inbox::InboxItem {
    t.app.inbox_item(&Actor::operator(), SLUG, id).await.unwrap().view.item
}

#[tokio::test]
async fn the_list_filters_and_the_item_page_for_a_cm_an_analyst_and_a_reviewer() {
    let (t, question, mention, _) = bench().await;
    let cm = t.browser("cm@agence.fr").await;

    let all = cm.get("/inbox").await;
    assert_eq!(all.status, StatusCode::OK);
    for text in ["Da Marco", "Vous êtes ouverts dimanche ?", "camille.bsky.social", "Camille Durand", "form=\"bulk\""]
    {
        assert!(all.body.contains(text), "/inbox shows {text}");
    }
    assert!(all.body.contains("data-testid=\"nav-inbox\""), "the navigation links the inbox");
    assert!(all.body.contains("hx-trigger=\"every 20s\""), "the list polls its rows");
    assert!(all.body.contains("/static/inbox.js"), "the shortcuts are loaded");

    let mentions = cm.get(&format!("/c/{SLUG}/inbox?kind=mention")).await;
    assert_eq!(mentions.status, StatusCode::OK);
    assert!(mentions.body.contains("Super pizza chez Da Marco"));
    assert!(!mentions.body.contains("dimanche"), "the kind filter keeps mentions only");
    let none = cm.get(&format!("/c/{SLUG}/inbox?assignee=me")).await;
    assert!(!none.body.contains("Super pizza"), "nothing is assigned to the CM yet");

    let fragment = cm.get(&format!("/c/{SLUG}/inbox?fragment=1")).await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(fragment.body.trim_start().starts_with("<tr"), "the polled fragment is rows only");
    assert!(!fragment.body.contains("<html"));

    let page = cm.get(&format!("/c/{SLUG}/inbox/{question}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["reply-text", "/triage", "Notre pizza du jour", "data-testid=\"reply-as\"", "damarco.bsky.social"] {
        assert!(page.body.contains(text), "the CM's item page shows {text}");
    }

    let analyst = t.browser("analyst@agence.fr").await;
    let read = analyst.get(&format!("/c/{SLUG}/inbox/{question}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Vous êtes ouverts dimanche ?"));
    assert!(!read.body.contains("reply-text"), "no reply box for an analyst");
    assert!(!read.body.contains("/triage"), "no triage forms for an analyst");
    let list = analyst.get(&format!("/c/{SLUG}/inbox")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("id=\"bulk\""), "no bulk form for an analyst");
    let refused =
        analyst.post(&format!("/c/{SLUG}/inbox/{mention}/triage"), &[("field", "state"), ("value", "done")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A reviewer of the client may see the client but not its inbox (403, as the route table says); a reviewer of
    // another client does not learn the client exists (404).
    let reviewer = t.browser("reviewer@damarco.fr").await;
    assert_eq!(reviewer.get(&format!("/c/{SLUG}/inbox")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(reviewer.get(&format!("/c/{SLUG}/inbox/{question}")).await.status, StatusCode::FORBIDDEN);
    let own = reviewer.get("/inbox").await;
    assert!(!own.body.contains("dimanche"), "the cross-client inbox shows a reviewer nothing");
    let other = t.client("autre", "Autre", "#2980b9").await;
    t.user("reviewer@autre.fr", Role::ClientReviewer, &[other]).await;
    let stranger = t.browser("reviewer@autre.fr").await;
    assert_eq!(stranger.get(&format!("/c/{SLUG}/inbox")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("/c/{SLUG}/inbox/{question}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_triage_form_from_a_stale_version_shows_the_conflict() {
    let (t, question, _, _) = bench().await;
    let cm = t.browser("cm@agence.fr").await;
    let seen = item(&t, question).await.version.to_string();
    let path = format!("/c/{SLUG}/inbox/{question}/triage");
    let first = cm.post(&path, &[("version", &seen), ("field", "assign"), ("value", "me")]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(flash(&first).starts_with("filrouge_flash=ok."), "{}", flash(&first));
    assert_eq!(item(&t, question).await.state, filrouge_domain::inbox::ItemState::Assigned);

    let stale = cm.post(&path, &[("version", &seen), ("field", "state"), ("value", "done")]).await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert_eq!(stale.location(), format!("/c/{SLUG}/inbox/{question}"));
    assert!(flash(&stale).contains("someone+changed+this+item"), "the app's conflict message: {}", flash(&stale));
    assert_eq!(item(&t, question).await.state, filrouge_domain::inbox::ItemState::Assigned, "nothing changed");
}

#[tokio::test]
async fn bulk_done_closes_the_ticked_items_and_refuses_another_clients() {
    let (t, question, mention, message) = bench().await;
    let cm = t.browser("cm@agence.fr").await;
    let (q, m) = (question.to_string(), mention.to_string());
    let back = format!("/c/{SLUG}/inbox?kind=reply");
    let done = cm.post("/inbox/bulk", &[("item", &q), ("item", &m), ("change", "done"), ("back", &back)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), back, "back to the same filtered list");
    for id in [question, mention] {
        assert_eq!(item(&t, id).await.state, filrouge_domain::inbox::ItemState::Done);
    }
    assert_eq!(item(&t, message).await.state, filrouge_domain::inbox::ItemState::New, "the unticked one is left");

    // Another client's item, by id: not found, and untouched.
    let bravo = t.client("bravo", "Bravo Bistro", "#2980b9").await;
    let _ = bravo;
    t.account("bravo", "bravo.bsky.social").await;
    let foreign =
        t.inbox_items("bravo", vec![incoming(7, IncomingKind::Mention, "x.bsky.social", "X", "Bravo secret")]).await[0];
    let f = foreign.to_string();
    let refused = cm.post("/inbox/bulk", &[("item", &m), ("item", &f), ("change", "hide")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!refused.body.contains("Bravo"));
    let bravo_item = t.app.inbox_item(&Actor::operator(), "bravo", foreign).await.unwrap().view.item;
    assert!(!bravo_item.hidden && bravo_item.version == 1, "the foreign item is unchanged");
    assert!(!item(&t, mention).await.hidden, "all or nothing: the own item is not hidden either");
    // An open redirect is refused: back goes to the inbox.
    let odd = cm.post("/inbox/bulk", &[("item", &q), ("change", "waiting"), ("back", "https://evil.test/")]).await;
    assert_eq!(odd.location(), "/inbox");
}

#[tokio::test]
async fn a_reply_goes_out_with_saved_replies_and_live_checks() {
    let (t, question, _, _) = bench().await;
    let cm = t.browser("cm@agence.fr").await;
    let saved =
        cm.post(&format!("/c/{SLUG}/inbox/saved"), &[("name", "Merci"), ("body", "Merci {prénom}, à bientôt !")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", flash(&saved));
    let sid = t.app.saved_replies(&Actor::operator(), SLUG).await.unwrap()[0].id;

    let filled = cm.get(&format!("/c/{SLUG}/inbox/{question}/saved/{sid}")).await;
    assert_eq!(filled.status, StatusCode::OK);
    assert_eq!(filled.body, "Merci Camille, à bientôt !");
    let prefilled = cm.get(&format!("/c/{SLUG}/inbox/{question}?saved={sid}")).await;
    assert!(prefilled.body.contains("Merci Camille, à bientôt !"), "without scripts the page comes back filled");

    let lint = cm.post(&format!("/c/{SLUG}/inbox/{question}/lint"), &[("text", "Oui, de 12h à 22h !")]).await;
    assert_eq!(lint.status, StatusCode::OK);
    assert!(lint.body.contains("data-testid=\"counter\""), "the fragment counts the reply: {}", lint.body);
    assert!(!lint.body.contains("<html"));

    let sent = cm.post(&format!("/c/{SLUG}/inbox/{question}/reply"), &[("text", "Oui, de 12h à 22h !")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(flash(&sent).starts_with("filrouge_flash=ok."), "{}", flash(&sent));
    let net = t.net.as_ref().unwrap();
    assert_eq!(net.posted.lock().unwrap().len(), 1, "one reply went out");
    let page = cm.get(&format!("/c/{SLUG}/inbox/{question}")).await;
    assert!(page.body.contains("https://net.test/r0"), "the sent reply links to the network");
    assert_eq!(item(&t, question).await.state, filrouge_domain::inbox::ItemState::Waiting);

    // A saved reply of another client cannot be filled in through this one.
    t.client("bravo", "Bravo Bistro", "#2980b9").await;
    let other = t.app.save_saved_reply(&Actor::operator(), "bravo", "Secret", "Bravo secret").await.unwrap();
    let refused = cm.get(&format!("/c/{SLUG}/inbox/{question}/saved/{other}")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_errors_name_the_line_and_column_and_keep_the_text() {
    let (t, _, _, _) = bench().await;
    let cm = t.browser("cm@agence.fr").await;
    let path = format!("/c/{SLUG}/inbox/settings");
    let rules = "when intent = spam then done, hide\nwhen sentiment = furious then urgent";
    let refused = cm.post(&path, &[("rules", rules), ("hours", ""), ("target_minutes", "60"), ("rota", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("line 2, column"), "the error names the line and column");
    assert!(refused.body.contains("when sentiment = furious then urgent"), "the rules are kept");

    let ok = "when intent = spam then done, hide";
    let saved = cm
        .post(&path, &[("rules", ok), ("hours", "mon-fri 09:00-18:00"), ("target_minutes", "60"), ("rota", "")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = cm.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(ok));
    assert!(page.body.contains("data-testid=\"response-times\""), "the response-time figures are shown");

    let analyst = t.browser("analyst@agence.fr").await;
    assert_eq!(analyst.get(&path).await.status, StatusCode::OK, "an analyst reads the settings");
    assert_eq!(analyst.post(&path, &[("rules", "")]).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn hostile_text_from_a_network_stays_text() {
    let t = spawn_inbox_app().await;
    let c = t.client(SLUG, "Da Marco", "#c0392b").await;
    t.account(SLUG, "damarco.bsky.social").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[c]).await;
    let mut evil = incoming(
        1,
        IncomingKind::Mention,
        "evil\u{202E}moc.bsky.social",
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script> \u{2066}tail",
    );
    evil.url = "javascript:alert(1)".into();
    evil.author.url = Some("data:text/html,<b>x</b>".into());
    let id = t.inbox_items(SLUG, vec![evil]).await[0];
    let cm = t.browser("cm@agence.fr").await;
    for path in [format!("/c/{SLUG}/inbox"), format!("/c/{SLUG}/inbox/{id}"), "/inbox".to_owned()] {
        let page = cm.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("<script>alert"), "{path}: raw script");
        assert!(!page.body.contains("<img src=x"), "{path}: raw img");
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}: escaped text shown");
        assert!(!page.body.contains("href=\"javascript:"), "{path}: javascript link");
        assert!(!page.body.contains("href=\"data:"), "{path}: data link");
        assert!(!page.body.contains("evil\u{202E}"), "{path}: bidi control kept in a handle");
    }
}
