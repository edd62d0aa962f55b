//! The inbox against the real Mastodon-API test server (PyPI mastodon-mock): another person's reply, mention and
//! private message to the client's account appear once, threaded and triaged; a reply sent from the inbox appears
//! on the server as a reply in the right thread, naming the person; a private message is answered privately.

use std::sync::Arc;

use filrouge_app::inbox::InboxQuery;
use filrouge_app::inbox_reply::ReplyOutcome;
use filrouge_app::publishers::NetworkPublishers;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::inbox::{ItemKind, ItemState};
use filrouge_testkit::mastodon::{MockServer, ADA_TOKEN, GRACE_TOKEN};
use serde_json::Value;

use crate::helpers::TestApp;

async fn post(http: &reqwest::Client, base: &str, token: &str, body: Value) -> Value {
    let answer = http.post(format!("{base}/api/v1/statuses")).bearer_auth(token).json(&body).send().await.unwrap();
    let status = answer.status();
    let text = answer.text().await.unwrap();
    assert!(status.is_success(), "posting {body}: HTTP {status}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn id(v: &Value) -> String {
    match &v["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn conversations_on_a_mastodon_server_arrive_once_threaded_and_are_answered_in_their_thread() {
    let Some(mock) = MockServer::start().await else {
        filrouge_testkit::missing_component("mastodon-mock");
        return;
    };
    let base = mock.base_url().trim_end_matches('/').to_owned();
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let publishers = NetworkPublishers::new(true).unwrap();
    let app = t.app.clone().with_publishing(Default::default(), Arc::new(publishers));
    let connection = Connection::Mastodon { instance: base.clone(), token: ADA_TOKEN.into() };
    let profile =
        AccountProfile { network: Network::Mastodon, handle: "@ada@localhost".into(), display_name: "Da Marco".into() };
    app.connect_account(&t.operator, "da-marco", profile, connection).await.unwrap();

    let http = reqwest::Client::new();
    let ours = post(&http, &base, ADA_TOKEN, serde_json::json!({"status": "La Regina est de retour !"})).await;
    let question = post(
        &http,
        &base,
        GRACE_TOKEN,
        serde_json::json!({"status": "@ada Vous êtes ouverts dimanche soir ?", "in_reply_to_id": id(&ours)}),
    )
    .await;
    post(&http, &base, GRACE_TOKEN, serde_json::json!({"status": "Merci @ada pour la soirée, super pizza !"})).await;
    let private = post(
        &http,
        &base,
        GRACE_TOKEN,
        serde_json::json!({"status": "@ada Livrez-vous à Villeurbanne ?", "visibility": "direct"}),
    )
    .await;

    let report = app.sync_inbox(&t.operator, Some("da-marco"), &|_, _| {}).await.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
    assert!(report.stored >= 3, "{report:?}");
    let again = app.sync_inbox(&t.operator, Some("da-marco"), &|_, _| {}).await.unwrap();
    assert_eq!(again.stored, 0, "nothing twice: {again:?}");

    let items = app.inbox(&t.operator, Some("da-marco"), &InboxQuery::default()).await.unwrap().items;
    let find = |remote: &str| items.iter().find(|v| v.item.remote_id == remote).map(|v| v.item.clone());
    let reply = find(&id(&question)).unwrap_or_else(|| panic!("the reply is in the inbox: {items:#?}"));
    assert_eq!(reply.kind, ItemKind::Reply);
    assert_eq!(reply.thread_key, id(&ours), "threaded under the client's post");
    assert!(reply.context_text.as_deref().unwrap_or("").contains("La Regina"), "{:?}", reply.context_text);
    assert_eq!(reply.intent, Some(filrouge_domain::analysis::Intent::Question));
    assert!(reply.author.handle.starts_with("grace"), "{:?}", reply.author);
    let dm = find(&id(&private)).expect("the private message is in the inbox");
    assert_eq!(dm.kind, ItemKind::DirectMessage);
    assert_eq!(items.iter().filter(|v| v.item.kind == ItemKind::Mention).count(), 1);

    // The answer goes out as a reply in the thread, naming the person.
    let outcome = app.reply_to_item(&t.operator, "da-marco", reply.id, "Oui, de 18 h à 23 h !", false).await.unwrap();
    let ReplyOutcome::Sent { url } = outcome else { panic!("not sent: {outcome:?}") };
    let detail = app.inbox_item(&t.operator, "da-marco", reply.id).await.unwrap();
    assert_eq!(detail.view.item.state, ItemState::Waiting);
    let sent_id = detail.replies[0].remote_id.clone().unwrap();
    let sent: Value = http
        .get(format!("{base}/api/v1/statuses/{sent_id}"))
        .bearer_auth(ADA_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        sent["in_reply_to_id"].as_str().map(str::to_owned).unwrap_or_else(|| sent["in_reply_to_id"].to_string()),
        id(&question),
        "{sent}"
    );
    assert!(sent["content"].as_str().unwrap_or("").contains("18 h"), "{sent}");
    assert!(sent["content"].as_str().unwrap_or("").contains("grace"), "the person is named: {sent}");
    assert!(!url.is_empty());

    // A private message is answered privately, and liking works.
    app.reply_to_item(&t.operator, "da-marco", dm.id, "Oui, le dimanche.", true).await.unwrap();
    let answer_id = app.inbox_item(&t.operator, "da-marco", dm.id).await.unwrap().replies[0].remote_id.clone().unwrap();
    let answer: Value = http
        .get(format!("{base}/api/v1/statuses/{answer_id}"))
        .bearer_auth(ADA_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["visibility"], "direct", "{answer}");
    // Our answer can be taken back from the network.
    let answer_reply = app.inbox_item(&t.operator, "da-marco", dm.id).await.unwrap().replies.remove(0);
    app.delete_reply(&t.operator, "da-marco", answer_reply.id).await.unwrap();
    let gone = http.get(format!("{base}/api/v1/statuses/{answer_id}")).bearer_auth(ADA_TOKEN).send().await.unwrap();
    assert_eq!(gone.status(), reqwest::StatusCode::NOT_FOUND, "deleted on the server");
    let after = app.inbox_item(&t.operator, "da-marco", dm.id).await.unwrap().replies.remove(0);
    assert_eq!(after.state, "deleted");
    assert!(app.delete_reply(&t.operator, "da-marco", answer_reply.id).await.is_err(), "deleted once");
    app.like_item(&t.operator, "da-marco", reply.id).await.unwrap();
    let liked: Value = http
        .get(format!("{base}/api/v1/statuses/{}", id(&question)))
        .bearer_auth(ADA_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(liked["favourited"], true, "{liked}");
    // Our own reply does not come back into the inbox as something to answer.
    app.sync_inbox(&t.operator, Some("da-marco"), &|_, _| {}).await.unwrap();
    let after = app
        .inbox(&t.operator, Some("da-marco"), &InboxQuery { include_hidden: true, ..InboxQuery::default() })
        .await
        .unwrap();
    assert!(after.items.iter().all(|v| !v.item.author.handle.starts_with("ada")), "{:#?}", after.items);
}
