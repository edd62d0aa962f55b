//! The inbox against a real local Bluesky network (@atproto/dev-env): bob's reply to the client's post, carol's
//! mention and her quote arrive once, threaded and triaged; the reply sent from the inbox is on the network as a
//! reply in the right thread (its parent is bob's reply, its root the client's post).

use std::sync::Arc;
use std::time::{Duration, Instant};

use filrouge_app::inbox::{InboxQuery, Triage};
use filrouge_app::inbox_reply::ReplyOutcome;
use filrouge_app::publishers::NetworkPublishers;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::inbox::ItemKind;
use filrouge_testkit::bluesky::DevNetwork;
use serde_json::{json, Value};

use crate::helpers::TestApp;

struct Person {
    handle: String,
    password: String,
    did: String,
    jwt: String,
}

async fn xrpc(http: &reqwest::Client, pds: &str, nsid: &str, jwt: Option<&str>, body: Value) -> Value {
    let mut request = http.post(format!("{pds}/xrpc/{nsid}")).json(&body);
    if let Some(jwt) = jwt {
        request = request.bearer_auth(jwt);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{nsid}: {status}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn person(http: &reqwest::Client, pds: &str, name: &str) -> Person {
    let handle = format!("{name}.test");
    let password = format!("{name}-password");
    let body = json!({ "handle": handle, "email": format!("{name}@example.com"), "password": password });
    let answer = xrpc(http, pds, "com.atproto.server.createAccount", None, body).await;
    Person {
        handle,
        password,
        did: answer["did"].as_str().unwrap().to_owned(),
        jwt: answer["accessJwt"].as_str().unwrap().to_owned(),
    }
}

/// A post as a person writes it (optionally a reply or a quote).
async fn write(http: &reqwest::Client, pds: &str, who: &Person, text: &str, extra: Value) -> (String, String) {
    #[allow(clippy::disallowed_methods)] // a person's own client stamps the record
    let now = jiff::Timestamp::now();
    let mut record =
        json!({ "$type": "app.bsky.feed.post", "text": text, "createdAt": format!("{now:.3}"), "langs": ["fr"] });
    if let (Some(r), Value::Object(fields)) = (record.as_object_mut(), extra) {
        r.extend(fields);
    }
    let body = json!({ "repo": who.did, "collection": "app.bsky.feed.post", "record": record });
    let created = xrpc(http, pds, "com.atproto.repo.createRecord", Some(&who.jwt), body).await;
    (created["uri"].as_str().unwrap().to_owned(), created["cid"].as_str().unwrap().to_owned())
}

async fn record(http: &reqwest::Client, pds: &str, uri: &str) -> Value {
    let parts: Vec<&str> = uri.trim_start_matches("at://").split('/').collect();
    let url =
        format!("{pds}/xrpc/com.atproto.repo.getRecord?repo={}&collection={}&rkey={}", parts[0], parts[1], parts[2]);
    http.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_on_bluesky_arrive_once_threaded_and_the_answer_lands_in_the_thread() {
    let Some(network) = DevNetwork::start().await else { return };
    let pds = network.pds.as_str().trim_end_matches('/').to_owned();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let alice = person(&http, &pds, "marco").await;
    let bob = person(&http, &pds, "bob").await;
    let carol = person(&http, &pds, "carol").await;

    // Connecting reads the account's profile from the AppView, which indexes new accounts asynchronously.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = format!("{pds}/xrpc/app.bsky.actor.getProfile?actor={}", alice.did);
        if http.get(url).bearer_auth(&alice.jwt).send().await.unwrap().status().is_success() {
            break;
        }
        assert!(Instant::now() < deadline, "the account's profile is never indexed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let app = t.app.clone().with_publishing(Default::default(), Arc::new(NetworkPublishers::new(true).unwrap()));
    let connection = Connection::Bluesky {
        service: pds.clone(),
        identifier: alice.handle.clone(),
        password: alice.password.clone(),
    };
    let profile =
        AccountProfile { network: Network::Bluesky, handle: alice.handle.clone(), display_name: "Da Marco".into() };
    app.connect_account(&t.operator, "da-marco", profile, connection).await.unwrap();
    // A first sync marks where the inbox starts.
    app.sync_inbox(&t.operator, Some("da-marco"), &|_, _| {}).await.unwrap();

    let (root, root_cid) = write(&http, &pds, &alice, "La Regina est de retour !", json!({})).await;
    // The AppView notifies a reply only once it knows the post answered: wait until the client's post is indexed.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = format!("{pds}/xrpc/app.bsky.feed.getPosts?uris={root}");
        let view: Value = http.get(url).bearer_auth(&alice.jwt).send().await.unwrap().json().await.unwrap();
        if view["posts"].as_array().is_some_and(|p| !p.is_empty()) {
            break;
        }
        assert!(Instant::now() < deadline, "the client's post is never indexed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let reply_ref = json!({ "root": { "uri": root, "cid": root_cid }, "parent": { "uri": root, "cid": root_cid } });
    let (question, _) =
        write(&http, &pds, &bob, "Vous êtes ouverts dimanche soir ?", json!({ "reply": reply_ref })).await;
    let (mention, _) = write(&http, &pds, &carol, "Meilleure pizza de Lyon chez @marco.test", json!({})).await;
    // The AppView notifies mentions from facets; the handle in plain text above is not one.
    let (mention_with_facet, _) = write(
        &http,
        &pds,
        &carol,
        "Merci @marco.test !",
        json!({ "facets": [{ "index": { "byteStart": 6, "byteEnd": 17 },
            "features": [{ "$type": "app.bsky.richtext.facet#mention", "did": alice.did }] }] }),
    )
    .await;
    let (quote, _) = write(
        &http,
        &pds,
        &carol,
        "À tester",
        json!({ "embed": { "$type": "app.bsky.embed.record", "record": { "uri": root, "cid": root_cid } } }),
    )
    .await;

    // The AppView indexes asynchronously: sync until the three items are there.
    let deadline = Instant::now() + Duration::from_secs(40);
    let items = loop {
        let report = app.sync_inbox(&t.operator, Some("da-marco"), &|_, _| {}).await.unwrap();
        assert!(report.errors.is_empty(), "{report:?}");
        let q = InboxQuery { include_hidden: true, ..InboxQuery::default() };
        let items = app.inbox(&t.operator, Some("da-marco"), &q).await.unwrap().items;
        if items.len() >= 3 {
            break items;
        }
        assert!(Instant::now() < deadline, "only {} items: {items:#?}", items.len());
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let again = app.sync_inbox(&t.operator, Some("da-marco"), &|_, _| {}).await.unwrap();
    assert_eq!(again.stored, 0, "{again:?}");
    assert_eq!(items.len(), 3, "once each: {items:#?}");
    let by = |uri: &str| items.iter().find(|v| v.item.remote_id == uri).map(|v| v.item.clone());
    let asked = by(&question).expect("bob's reply");
    assert_eq!(asked.kind, ItemKind::Reply);
    assert_eq!(asked.thread_key, root);
    assert_eq!(asked.context_text.as_deref(), Some("La Regina est de retour !"));
    assert_eq!(asked.intent, Some(filrouge_domain::analysis::Intent::Question));
    assert_eq!(by(&mention_with_facet).map(|i| i.kind), Some(ItemKind::Mention));
    assert!(by(&mention).is_none(), "a handle in plain text without a facet is not a mention on Bluesky");
    assert_eq!(by(&quote).map(|i| i.kind), Some(ItemKind::Quote));

    let outcome = app.reply_to_item(&t.operator, "da-marco", asked.id, "Oui, de 18 h à 23 h !", false).await.unwrap();
    let ReplyOutcome::Sent { .. } = outcome else { panic!("{outcome:?}") };
    let sent = app.inbox_item(&t.operator, "da-marco", asked.id).await.unwrap().replies.remove(0);
    let on_network = record(&http, &pds, sent.remote_id.as_deref().unwrap()).await;
    let value = &on_network["value"];
    assert_eq!(value["text"], "Oui, de 18 h à 23 h !", "{on_network}");
    assert_eq!(value["reply"]["parent"]["uri"], question.as_str(), "{on_network}");
    assert_eq!(value["reply"]["root"]["uri"], root.as_str(), "{on_network}");

    // Hiding bob's reply hides it on Bluesky too (the threadgate of the client's own thread); showing it again
    // takes it out. Carol's quote is in her own thread: hidden in Fil Rouge only.
    let gate_uri = root.replace("app.bsky.feed.post", "app.bsky.feed.threadgate");
    let hidden_replies = |gate: &Value| -> Vec<String> {
        gate["value"]["hiddenReplies"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let current = app.inbox_item(&t.operator, "da-marco", asked.id).await.unwrap().view.item;
    app.triage_inbox_item(&t.operator, "da-marco", asked.id, current.version, Triage::Hidden(true)).await.unwrap();
    assert_eq!(hidden_replies(&record(&http, &pds, &gate_uri).await), vec![question.clone()]);
    let current = app.inbox_item(&t.operator, "da-marco", asked.id).await.unwrap().view.item;
    assert!(current.hidden);
    app.triage_inbox_item(&t.operator, "da-marco", asked.id, current.version, Triage::Hidden(false)).await.unwrap();
    assert!(hidden_replies(&record(&http, &pds, &gate_uri).await).is_empty());
    let quoted = by(&quote).unwrap();
    app.bulk_triage(&t.operator, &[quoted.id], Triage::Hidden(true)).await.unwrap();
    assert!(app.inbox_item(&t.operator, "da-marco", quoted.id).await.unwrap().view.item.hidden);
}
