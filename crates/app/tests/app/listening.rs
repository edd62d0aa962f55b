//! Listening end to end: a real HTTP server on loopback serves feeds; sources are added, polled,
//! stored once, searched, marked, and kept apart between clients.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use filrouge_app::config::ListenConfig;
use filrouge_app::mentions::{MentionFilter, MentionView};
use filrouge_app::{Actor, App, AppError};
use filrouge_domain::ids::SourceId;
use filrouge_domain::mention::Mark;
use filrouge_domain::source::FetchStatus;
use filrouge_domain::user::Role;
use jiff::SignedDuration;

use crate::helpers::{assert_forbidden, assert_invalid, assert_not_found, TestApp};

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le blog du quartier</title><link>http://blog.test/</link><ttl>60</ttl>
<item><title>Le meilleur café de Lyon</title><link>http://blog.test/cafe?utm_source=rss</link>
<guid>1</guid><pubDate>Sun, 14 Jun 2026 10:00:00 +0200</pubDate><author>marie@blog.test (Marie)</author>
<description>&lt;p&gt;Un café &lt;b&gt;délicieux&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description></item>
<item><title>Pizza au feu de bois</title><link>http://blog.test/pizza</link><guid>2</guid>
<pubDate>Sat, 13 Jun 2026 09:00:00 GMT</pubDate><description>La pâte est fine.</description></item>
<item><title>Tapis persans</title><link>http://blog.test/tapis</link><guid>3</guid>
<pubDate>Fri, 12 Jun 2026 09:00:00 GMT</pubDate><description>Un tapis rouge.</description></item>
</channel></rss>"#;

#[derive(Default)]
struct Hits {
    feed: AtomicUsize,
    not_modified: AtomicUsize,
}

/// A loopback web server with a feed (ETag-aware), a moved feed, a site page linking its feed,
/// a failing feed and a throttled one.
async fn feed_server() -> (String, Arc<Hits>) {
    let hits = Arc::new(Hits::default());
    async fn feed(State(hits): State<Arc<Hits>>, headers: HeaderMap) -> Response {
        hits.feed.fetch_add(1, Ordering::SeqCst);
        if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") {
            hits.not_modified.fetch_add(1, Ordering::SeqCst);
            return StatusCode::NOT_MODIFIED.into_response();
        }
        ([(header::CONTENT_TYPE, "application/rss+xml"), (header::ETAG, "\"v1\"")], FEED).into_response()
    }
    let app = Router::new()
        .route("/feed.xml", get(feed))
        .route("/old.xml", get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/feed.xml")]) }))
        .route(
            "/site",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    r#"<html><head><link rel="alternate" type="application/rss+xml" title="Le blog" href="/feed.xml"></head></html>"#,
                )
            }),
        )
        .route("/broken.xml", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/busy.xml", get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "7200")]) }))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), hits)
}

async fn search(app: &App, actor: &Actor, slug: &str, text: &str) -> Vec<String> {
    let filter = MentionFilter { text: text.into(), ..Default::default() };
    app.mentions(actor, slug, &filter).await.unwrap().mentions.into_iter().map(|m| m.title).collect()
}

#[tokio::test]
async fn a_polled_feed_is_stored_once_searched_and_fetched_again_conditionally() {
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    let (base, hits) = feed_server().await;
    let id = t.app.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{base}/feed.xml"), "").await.unwrap();

    let report = t.app.poll_due(100).await.unwrap();
    assert_eq!((report.sources, report.ok, report.new_mentions), (1, 1, 3));

    // Accent- and case-insensitive search; the newest first.
    assert_eq!(search(&t.app, &t.operator, "cafe-lyon", "CAFE").await, vec!["Le meilleur café de Lyon"]);
    assert_eq!(search(&t.app, &t.operator, "cafe-lyon", "").await.len(), 3);
    let page = t.app.mentions(&t.operator, "cafe-lyon", &MentionFilter::default()).await.unwrap();
    let cafe = &page.mentions[0];
    assert_eq!(cafe.url, "http://blog.test/cafe?utm_source=rss");
    assert_eq!(cafe.author.name.as_deref(), Some("Marie"));
    assert!(!cafe.html.contains("script"), "{}", cafe.html);
    assert_eq!(cafe.text, "Un café délicieux");
    assert_eq!(cafe.published.to_string(), "2026-06-14T08:00:00Z");
    assert_eq!(page.histogram.len(), 90);
    assert_eq!(page.histogram.iter().map(|(_, n)| n).sum::<u64>(), 3);
    assert_eq!(page.facets.sites, vec![("blog.test".to_owned(), 3)]);

    // Not due yet: nothing fetched. The feed's ttl (60 min) is honoured.
    assert_eq!(t.app.poll_due(100).await.unwrap().sources, 0);
    let source = t.app.source(&t.operator, "cafe-lyon", id).await.unwrap();
    let wait = source.health.next_fetch.map(|n| (n - t.app.now()).get_seconds() / 60).unwrap();
    assert!((60..=66).contains(&wait), "{wait} min: the ttl plus at most a tenth of spread");
    assert_eq!(source.health.etag.as_deref(), Some("\"v1\""));

    // Due again: a conditional GET, answered 304; nothing stored twice.
    t.advance(SignedDuration::from_hours(2));
    let report = t.app.poll_due(100).await.unwrap();
    assert_eq!((report.not_modified, report.new_mentions), (1, 0));
    assert_eq!(hits.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(search(&t.app, &t.operator, "cafe-lyon", "").await.len(), 3);
}

#[tokio::test]
async fn a_mention_found_for_two_clients_is_stored_once_and_each_sees_only_its_own() {
    let t = TestApp::new().await;
    let a = t.client("cafe-lyon", "Café Lyon").await;
    let b = t.client("tapis-paris", "Tapis Paris").await;
    t.client("musee", "Musée").await;
    let (base, _) = feed_server().await;
    for slug in ["cafe-lyon", "tapis-paris"] {
        t.app.add_source(&t.operator, slug, "feed", "", &format!("{base}/feed.xml"), "").await.unwrap();
    }
    assert_eq!(t.app.poll_due(100).await.unwrap().new_mentions, 6, "3 links per client");
    assert_eq!(t.app.search_index().unwrap().doc_count(), 3, "stored and indexed once");

    let marie = t.member("marie@agence.test", Role::CommunityManager, &[a.id]).await;
    assert_eq!(search(&t.app, &marie, "cafe-lyon", "tapis").await, vec!["Tapis persans"]);
    assert_not_found("another client's stream", t.app.mentions(&marie, "tapis-paris", &MentionFilter::default()).await);
    assert!(search(&t.app, &t.operator, "musee", "").await.is_empty(), "a client without sources sees nothing");

    // Marks belong to each client.
    let page = t.app.mentions(&marie, "cafe-lyon", &MentionFilter::default()).await.unwrap();
    let first = page.mentions[0].id;
    t.app.mark_mention(&marie, "cafe-lyon", first, Mark::Starred, true).await.unwrap();
    let starred = MentionFilter { view: MentionView::Starred, ..Default::default() };
    assert_eq!(t.app.mentions(&marie, "cafe-lyon", &starred).await.unwrap().total, 1);
    assert_eq!(t.app.mentions(&t.operator, "tapis-paris", &starred).await.unwrap().total, 0);
    let _ = b;
    assert_not_found(
        "marking through another client",
        t.app.mark_mention(&marie, "tapis-paris", first, Mark::Read, true).await,
    );
    assert_not_found("a mention through another client", t.app.mention(&marie, "tapis-paris", first).await);
}

#[tokio::test]
async fn analysts_read_mentions_but_do_not_mark_them_and_reviewers_see_none() {
    let t = TestApp::new().await;
    let a = t.client("cafe-lyon", "Café Lyon").await;
    let (base, _) = feed_server().await;
    t.app.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{base}/feed.xml"), "").await.unwrap();
    t.app.poll_due(100).await.unwrap();
    let analyst = t.member("ana@agence.test", Role::Analyst, &[a.id]).await;
    let reviewer = t.member("client@cafe.test", Role::ClientReviewer, &[a.id]).await;
    let page = t.app.mentions(&analyst, "cafe-lyon", &MentionFilter::default()).await.unwrap();
    assert_eq!(page.total, 3);
    let id = page.mentions[0].id;
    assert_forbidden("analyst marks", t.app.mark_mention(&analyst, "cafe-lyon", id, Mark::Read, true).await);
    assert_forbidden(
        "analyst adds a source",
        t.app.add_source(&analyst, "cafe-lyon", "feed", "", "https://x.test/f", "").await,
    );
    assert_forbidden(
        "reviewer reads the veille",
        t.app.mentions(&reviewer, "cafe-lyon", &MentionFilter::default()).await,
    );
}

#[tokio::test]
async fn a_permanent_redirect_moves_the_source_and_failures_back_off() {
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    let (base, _) = feed_server().await;
    let moved =
        t.app.add_source(&t.operator, "cafe-lyon", "feed", "Old", &format!("{base}/old.xml"), "").await.unwrap();
    let broken =
        t.app.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{base}/broken.xml"), "").await.unwrap();
    let busy = t.app.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{base}/busy.xml"), "").await.unwrap();
    let report = t.app.poll_due(100).await.unwrap();
    assert_eq!((report.ok, report.failed), (1, 2));

    let source = |id: SourceId| t.app.source(&t.operator, "cafe-lyon", id);
    assert_eq!(source(moved).await.unwrap().spec.url, format!("{base}/feed.xml"));
    let b = source(broken).await.unwrap();
    assert_eq!(b.health.last_status, Some(FetchStatus::Error));
    assert_eq!(b.health.last_error.as_deref(), Some("the server answered HTTP 500"));
    assert_eq!(b.health.consecutive_failures, 1);
    let wait = |s: &filrouge_domain::source::Source| (s.health.next_fetch.unwrap() - t.app.now()).get_seconds() / 60;
    assert!((5..=5).contains(&wait(&b)), "first failure: the minimum interval");
    assert!((120..=132).contains(&wait(&source(busy).await.unwrap())), "Retry-After: 7200 honoured");

    t.advance(SignedDuration::from_mins(6));
    t.app.poll_due(100).await.unwrap();
    let b = source(broken).await.unwrap();
    assert_eq!(b.health.consecutive_failures, 2);
    assert!((10..=11).contains(&wait(&b)), "second failure waits twice as long");
}

#[tokio::test]
async fn internal_addresses_are_refused_unless_the_configuration_allows_them() {
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    let (base, hits) = feed_server().await;
    let strict = t.app.clone().with_listening(&ListenConfig::default(), t.app.search_index().cloned());
    let id = strict.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{base}/feed.xml"), "").await.unwrap();
    let localhost = base.replace("127.0.0.1", "localhost");
    let by_name =
        strict.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{localhost}/feed.xml"), "").await.unwrap();
    let report = strict.poll_due(100).await.unwrap();
    assert_eq!(report.failed, 2);
    assert_eq!(hits.feed.load(Ordering::SeqCst), 0, "the server was never reached");
    for id in [id, by_name] {
        let error = strict.source(&t.operator, "cafe-lyon", id).await.unwrap().health.last_error.unwrap();
        assert!(error.contains("internal address"), "{error}");
    }
    let discovered = strict.discover_feeds(&t.operator, "cafe-lyon", &format!("{base}/site")).await;
    assert!(matches!(discovered, Err(AppError::Remote(ref e)) if e.contains("internal address")), "{discovered:?}");
}

#[tokio::test]
async fn a_site_address_leads_to_its_feed_and_opml_round_trips() {
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    t.client("musee", "Musée").await;
    let (base, _) = feed_server().await;
    let found = t.app.discover_feeds(&t.operator, "cafe-lyon", &format!("{base}/site")).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].url, format!("{base}/feed.xml"));
    let direct = t.app.discover_feeds(&t.operator, "cafe-lyon", &format!("{base}/feed.xml")).await.unwrap();
    assert_eq!(direct[0].title.as_deref(), Some("Le blog du quartier"));

    t.app.add_source(&t.operator, "cafe-lyon", "feed", "Le blog", &found[0].url, "").await.unwrap();
    t.app.add_source(&t.operator, "cafe-lyon", "mastodon", "", "https://mastodon.test", "#cafe").await.unwrap();
    let opml = t.app.export_opml(&t.operator, "cafe-lyon").await.unwrap();
    assert!(opml.contains("Le blog") && !opml.contains("mastodon.test"), "{opml}");
    let report = t.app.import_opml(&t.operator, "musee", opml.as_bytes()).await.unwrap();
    assert_eq!((report.added, report.skipped), (1, 0));
    let again = t.app.import_opml(&t.operator, "musee", opml.as_bytes()).await.unwrap();
    assert_eq!((again.added, again.skipped), (0, 1));

    let bad = t.app.import_opml(&t.operator, "musee", b"<opml><body><outline xmlUrl=\"x\"").await;
    assert_invalid("broken OPML", bad, "opml");
    assert_eq!(t.app.sources(&t.operator, "musee").await.unwrap().1.len(), 1, "nothing half-imported");
    assert_invalid(
        "a social source without terms",
        t.app.add_source(&t.operator, "musee", "bluesky", "", "", "").await,
        "query",
    );
    assert_invalid(
        "a feed that is not http",
        t.app.add_source(&t.operator, "musee", "feed", "", "file:///etc/passwd", "").await,
        "url",
    );
}

#[tokio::test]
async fn the_index_rebuilt_from_the_database_answers_the_same() {
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    let (base, _) = feed_server().await;
    t.app.add_source(&t.operator, "cafe-lyon", "feed", "", &format!("{base}/feed.xml"), "").await.unwrap();
    t.app.poll_due(100).await.unwrap();
    let before = search(&t.app, &t.operator, "cafe-lyon", "pizza").await;
    let reindexed = t.app.reindex(&|_, _| {}).await.unwrap();
    assert_eq!(reindexed, 3);
    assert_eq!(search(&t.app, &t.operator, "cafe-lyon", "pizza").await, before);
    assert_eq!(t.app.search_index().unwrap().doc_count(), 3);
}

/// Posts a public status on the Mastodon-API test server.
async fn toot(base: &str, text: &str) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/v1/statuses"))
        .bearer_auth(filrouge_testkit::mastodon::ADA_TOKEN)
        .json(&serde_json::json!({ "status": text, "visibility": "public", "language": "fr" }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "posting failed: {}", resp.status());
}

#[tokio::test]
async fn a_mastodon_hashtag_source_brings_each_post_once_through_the_poller() {
    let Some(server) = filrouge_testkit::mastodon::MockServer::start().await else {
        return;
    };
    let base = server.base_url().trim_end_matches('/').to_owned();
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    toot(&base, "Meilleur café du quartier #cafelyon").await;
    toot(&base, "Service un peu lent ce matin #cafelyon").await;
    toot(&base, "Rien à voir #autre").await;
    let id = t.app.add_source(&t.operator, "cafe-lyon", "mastodon", "", &base, "#cafelyon").await.unwrap();

    let report = t.app.poll_due(10).await.unwrap();
    assert_eq!((report.ok, report.new_mentions), (1, 2), "{report:?}");
    let page = t.app.mentions(&t.operator, "cafe-lyon", &MentionFilter::default()).await.unwrap();
    assert_eq!(page.total, 2);
    assert!(page.mentions.iter().all(|m| m.source_kind == filrouge_domain::source::SourceKind::Mastodon));
    assert!(page.mentions.iter().all(|m| m.author.handle.starts_with("ada@")), "{:?}", page.mentions[0].author);
    assert_eq!(search(&t.app, &t.operator, "cafe-lyon", "lent").await.len(), 1);

    // The cursor: the next poll brings only what came after.
    toot(&base, "Nouvelle carte des desserts #cafelyon").await;
    t.advance(SignedDuration::from_hours(1));
    let report = t.app.poll_due(10).await.unwrap();
    assert_eq!(report.new_mentions, 1, "{report:?}");
    t.advance(SignedDuration::from_hours(1));
    assert_eq!(t.app.poll_due(10).await.unwrap().new_mentions, 0, "nothing twice");
    let source = t.app.source(&t.operator, "cafe-lyon", id).await.unwrap();
    assert_eq!(source.health.mentions_total, 3);
    assert!(source.health.cursor.is_some());
}

#[tokio::test]
async fn a_mastodon_hashtag_is_followed_live_without_waiting_for_the_next_poll() {
    let Some(server) = filrouge_testkit::mastodon::MockServer::start().await else {
        return;
    };
    let base = server.base_url().trim_end_matches('/').to_owned();
    let t = TestApp::new().await;
    t.client("cafe-lyon", "Café Lyon").await;
    t.app.add_source(&t.operator, "cafe-lyon", "mastodon", "", &base, "#badbuzz").await.unwrap();
    t.app.add_source(&t.operator, "cafe-lyon", "mastodon", "", &base, "recherche libre").await.unwrap();
    let live = t.app.streamable_sources().await.unwrap();
    assert_eq!(live.len(), 1, "only hashtags stream");
    let app = t.app.clone();
    let follower = tokio::spawn(async move { app.follow_stream(live.into_iter().next().unwrap()).await });
    // Post until the subscription is in place and the post arrives.
    let mut found = 0;
    for attempt in 0..40 {
        if attempt % 10 == 0 {
            toot(&base, &format!("Service catastrophique ce soir #badbuzz ({attempt})")).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        t.app.index_catch_up().await.unwrap();
        found = t.app.mentions(&t.operator, "cafe-lyon", &MentionFilter::default()).await.unwrap().total;
        if found > 0 {
            break;
        }
    }
    follower.abort();
    assert!(found >= 1, "the streamed post was stored");
    assert_eq!(search(&t.app, &t.operator, "cafe-lyon", "catastrophique").await.len() as u64, found);
}

/// Creates an account on the local Bluesky network's PDS; returns (did, access token).
async fn bluesky_account(pds: &str, name: &str) -> (String, String) {
    let body = serde_json::json!({ "handle": format!("{name}.test"), "email": format!("{name}@example.com"),
        "password": format!("{name}-password") });
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{pds}/xrpc/com.atproto.server.createAccount"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (answer["did"].as_str().unwrap().to_owned(), answer["accessJwt"].as_str().unwrap().to_owned())
}

/// Posts on Bluesky as `did`, dated by the wall clock (the network checks dates against its own).
async fn skeet(pds: &str, did: &str, jwt: &str, text: &str) {
    #[allow(clippy::disallowed_methods)]
    let now = jiff::Timestamp::now();
    let record = serde_json::json!({ "$type": "app.bsky.feed.post", "text": text, "langs": ["fr"],
        "createdAt": format!("{:.3}", jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap()) });
    let body = serde_json::json!({ "repo": did, "collection": "app.bsky.feed.post", "record": record });
    let resp = reqwest::Client::new()
        .post(format!("{pds}/xrpc/com.atproto.repo.createRecord"))
        .bearer_auth(jwt)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "posting failed: {}", resp.text().await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

/// Polls (moving the clock so the source is due) until `want` new mentions came, or gives up.
async fn poll_until(t: &TestApp, want: u64) -> u64 {
    let mut got = 0;
    for _ in 0..60 {
        t.advance(SignedDuration::from_hours(1));
        got += t.app.poll_due(10).await.unwrap().new_mentions;
        if got >= want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    got
}

#[tokio::test]
async fn a_bluesky_search_source_brings_each_post_once_through_the_poller() {
    let Some(network) = filrouge_testkit::bluesky::DevNetwork::start().await else {
        return;
    };
    let pds = network.pds.trim_end_matches('/').to_owned();
    let (did, jwt) = bluesky_account(&pds, "alice").await;
    let t = TestApp::new().await;
    t.client("da-marco", "Pizzeria Da Marco").await;
    // The client's connected Bluesky account authenticates the search.
    let account = filrouge_domain::account::AccountProfile {
        network: filrouge_domain::account::Network::Bluesky,
        handle: "alice.test".into(),
        display_name: "Alice".into(),
    };
    t.app.add_account(&t.operator, "da-marco", account, Some("alice-password".into())).await.unwrap();
    skeet(&pds, &did, &jwt, "La pizza de Marcoville est incroyable").await;
    skeet(&pds, &did, &jwt, "Marcoville : service lent ce soir").await;
    skeet(&pds, &did, &jwt, "Rien à voir").await;
    let id = t.app.add_source(&t.operator, "da-marco", "bluesky", "", &pds, "Marcoville").await.unwrap();

    assert_eq!(poll_until(&t, 2).await, 2, "both posts found once the AppView indexed them");
    let page = t.app.mentions(&t.operator, "da-marco", &MentionFilter::default()).await.unwrap();
    assert_eq!(page.total, 2);
    for m in &page.mentions {
        assert_eq!(m.source_kind, filrouge_domain::source::SourceKind::Bluesky);
        assert_eq!(m.author.handle, "alice.test");
        assert_eq!(m.lang.as_deref(), Some("fr"));
        assert!(m.url.starts_with("https://bsky.app/profile/alice.test/post/"), "{}", m.url);
    }
    skeet(&pds, &did, &jwt, "Marcoville recrute un pizzaiolo").await;
    assert_eq!(poll_until(&t, 1).await, 1, "only the new post");
    let source = t.app.source(&t.operator, "da-marco", id).await.unwrap();
    assert_eq!(source.health.mentions_total, 3);
    assert_eq!(search(&t.app, &t.operator, "da-marco", "pizzaiolo").await.len(), 1);
}
