//! Veille II end to end: mentions analysed on the way in, matched by every active query of their
//! client once, alerts queued in the same transaction and handed to a real SMTP server
//! (aiosmtpd), digests, notifications, private feeds, backtests and the permissions around them.

use std::time::Duration;

use filrouge_app::config::{AnalysisConfig, MailConfig, MailSecurity};
use filrouge_app::mentions::{MentionFilter, MentionView};
use filrouge_app::veille::Veille;
use filrouge_app::{Actor, AppError};
use filrouge_domain::analysis::{Intent, Sentiment};
use filrouge_domain::ids::{HitId, SourceId};
use filrouge_domain::listening_query::QueryDraft;
use filrouge_domain::mention::{Author, Engagement, Mark, NewMention};
use filrouge_domain::source::SourceKind;
use filrouge_domain::user::Role;
use filrouge_testkit::smtp::SmtpServer;
use jiff::SignedDuration;

use crate::helpers::{assert_forbidden, assert_invalid, assert_not_found, at, TestApp};

fn post(key: &str, title: &str, text: &str) -> NewMention {
    NewMention {
        dedup_key: format!("https://blog.test/{key}"),
        source_kind: SourceKind::Feed,
        url: format!("https://blog.test/{key}"),
        site: "blog.test".into(),
        author: Author { handle: "marie".into(), name: Some("Marie".into()), followers: None },
        title: title.into(),
        text: text.into(),
        html: String::new(),
        lang: None,
        published: at("2026-06-15T06:00:00Z"),
        engagement: Engagement::default(),
        fingerprint: None,
        analysis: None,
    }
}

fn draft(name: &str, query: &str, alert: &str, recipients: &str) -> QueryDraft {
    QueryDraft::parse(name, query, true, alert, recipients).unwrap()
}

async fn source(t: &TestApp, slug: &str) -> SourceId {
    t.app.add_source(&t.operator, slug, "feed", "Blog", &format!("https://{slug}.test/feed.xml"), "").await.unwrap()
}

/// Client `alpha` with one feed source, the source's id.
async fn alpha_with_source(t: &TestApp) -> SourceId {
    t.client("alpha", "Pizzeria Alpha").await;
    source(t, "alpha").await
}

async fn unsent(t: &TestApp) -> u64 {
    t.app.store().read().await.unwrap().unsent_deliveries().await.unwrap()
}

async fn total_of(t: &TestApp, slug: &str, name: &str) -> u64 {
    let page = t.app.queries(&t.operator, slug).await.unwrap();
    page.queries.iter().find(|s| s.query.name == name).map(|s| s.total).unwrap()
}

#[tokio::test]
async fn arriving_mentions_are_analysed_and_matched_once_by_their_own_clients_queries() {
    let t = TestApp::new().await;
    t.client("alpha", "Pizzeria Alpha").await;
    t.client("bravo", "Pizzeria Bravo").await;
    let sa = source(&t, "alpha").await;
    let op = &t.operator;
    t.app.create_query(op, "alpha", draft("Pizza", "pizza -froide", "instant", "cm@agence.fr")).await.unwrap();
    t.app.create_query(op, "bravo", draft("Pizza", "pizza", "instant", "cm@agence.fr")).await.unwrap();
    let batch = vec![
        post("1", "Pizza délicieuse", "Merci pour cette pizza excellente, je recommande !"),
        post("2", "Déçu", "La pizza était froide et le livreur impoli."),
        post("3", "Tapis", "Un tapis rouge magnifique."),
    ];
    t.app.ingest_mentions(op, "alpha", sa, batch.clone()).await.unwrap();
    assert_eq!(total_of(&t, "alpha", "Pizza").await, 1, "one mention matches 'pizza -froide'");
    assert_eq!(total_of(&t, "bravo", "Pizza").await, 0, "bravo's query never sees alpha's mentions");
    assert_eq!(unsent(&t).await, 1, "one instant alert queued with the match");

    // The same batch again (a refetch): nothing new.
    t.app.ingest_mentions(op, "alpha", sa, batch).await.unwrap();
    assert_eq!(total_of(&t, "alpha", "Pizza").await, 1);
    assert_eq!(unsent(&t).await, 1);

    // Every stored mention carries its language and analysis.
    let page = t.app.mentions(op, "alpha", &MentionFilter { page: 1, ..MentionFilter::default() }).await.unwrap();
    assert_eq!(page.total, 3);
    for m in &page.mentions {
        assert_eq!(m.lang.as_deref(), Some("fr"), "{}", m.title);
        assert!(m.analysis.is_some(), "{}", m.title);
    }
    let praise = page.mentions.iter().find(|m| m.title == "Pizza délicieuse").unwrap().analysis.unwrap();
    assert_eq!(praise.sentiment, Sentiment::Positive);
    let complaint = page.mentions.iter().find(|m| m.title == "Déçu").unwrap().analysis.unwrap();
    assert_eq!(complaint.sentiment, Sentiment::Negative);
    assert_eq!(complaint.intent, Intent::Complaint);
}

#[tokio::test]
async fn the_stream_filters_by_sentiment_and_intent_and_lists_mentions_needing_a_reply() {
    let t = TestApp::new().await;
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    let batch = vec![
        post("1", "Bravo", "Merci, pizza excellente, je recommande !"),
        post("2", "Colère", "Service horrible, commande jamais reçue, je suis furieux."),
        post("3", "Horaires", "Vous êtes ouverts dimanche soir ?"),
    ];
    t.app.ingest_mentions(op, "alpha", sa, batch).await.unwrap();
    let filter = |sentiments: &[&str], intents: &[&str]| MentionFilter {
        page: 1,
        sentiments: sentiments.iter().map(|s| s.to_string()).collect(),
        intents: intents.iter().map(|s| s.to_string()).collect(),
        ..MentionFilter::default()
    };
    let negative = t.app.mentions(op, "alpha", &filter(&["negative"], &[])).await.unwrap();
    assert_eq!(negative.mentions.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(), vec!["Colère"]);
    let questions = t.app.mentions(op, "alpha", &filter(&[], &["question"])).await.unwrap();
    assert_eq!(questions.mentions.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(), vec!["Horaires"]);
    let all = t.app.mentions(op, "alpha", &filter(&[], &[])).await.unwrap();
    let sentiments = &all.facets.sentiments;
    assert!(sentiments.contains(&("negative".to_string(), 1)), "{sentiments:?}");
    assert_eq!(sentiments.iter().map(|(_, n)| n).sum::<u64>(), 3, "{sentiments:?}");

    let question = questions.mentions[0].id;
    t.app.mark_mention(op, "alpha", question, Mark::NeedsReply, true).await.unwrap();
    let view = MentionFilter { page: 1, view: MentionView::NeedsReply, ..MentionFilter::default() };
    let waiting = t.app.mentions(op, "alpha", &view).await.unwrap();
    assert_eq!(waiting.mentions.iter().map(|m| m.id).collect::<Vec<_>>(), vec![question]);
    assert!(waiting.mentions[0].marks.needs_reply);
}

#[tokio::test]
async fn a_saved_query_counts_its_archive_matches_without_alerting_and_a_backtest_highlights_them() {
    let t = TestApp::new().await;
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    let batch = vec![
        post("1", "Napoli", "La pizza napolitaine de la Bella Napoli est parfaite."),
        post("2", "Autre", "Une pizzeria ouvre rue Victor Hugo."),
        post("3", "Loin", "Bella vue sur la baie de Napoli."),
    ];
    t.app.ingest_mentions(op, "alpha", sa, batch).await.unwrap();
    let b = t.app.backtest(op, "alpha", "\"bella napoli\" OR pizzeria", 30).await.unwrap();
    assert_eq!((b.tried, b.matched), (3, 2));
    assert_eq!(b.sample.len(), 2);
    for (m, h) in &b.sample {
        assert!(!h.text.is_empty(), "the matched words of {} are highlighted", m.title);
        let marked: Vec<&str> = h.text.iter().map(|r| &m.text[r.clone()]).collect();
        assert!(marked.iter().all(|w| ["Bella Napoli", "pizzeria"].contains(w)), "{marked:?}");
    }
    t.app
        .create_query(op, "alpha", draft("Napoli", "\"bella napoli\" OR pizzeria", "instant", "cm@agence.fr"))
        .await
        .unwrap();
    assert_eq!(total_of(&t, "alpha", "Napoli").await, 2);
    assert_eq!(unsent(&t).await, 0, "matches found in the archive do not alert");
    let page = t.app.queries(op, "alpha").await.unwrap();
    assert_eq!(page.queries[0].per_day.iter().sum::<u64>(), 2, "both were published within 30 days");
    assert_eq!(page.queries[0].per_day.len(), 30);
}

#[tokio::test]
async fn a_query_written_elsewhere_takes_effect_without_a_restart() {
    let t = TestApp::new().await;
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    // This process builds its matcher (no query yet) while storing a first mention.
    t.app.ingest_mentions(op, "alpha", sa, vec![post("0", "Bonjour", "Rien à voir.")]).await.unwrap();
    // Another process (another App on the same database) adds a query.
    let other = filrouge_app::App::new(
        t.app.store().clone(),
        t.clock.clone(),
        filrouge_app::secrets::SecretBox::from_base64(&filrouge_app::secrets::SecretBox::generate_key()).unwrap(),
        Default::default(),
    );
    other.create_query(&Actor::operator(), "alpha", draft("Tapis", "tapis*", "off", "")).await.unwrap();
    t.app.ingest_mentions(op, "alpha", sa, vec![post("1", "Tapis", "Des tapisseries anciennes.")]).await.unwrap();
    assert_eq!(total_of(&t, "alpha", "Tapis").await, 1, "the first process saw the new query at once");
}

#[tokio::test]
async fn syntax_errors_name_their_column_and_names_are_unique_per_client() {
    let t = TestApp::new().await;
    t.client("alpha", "Pizzeria Alpha").await;
    let op = &t.operator;
    match t.app.create_query(op, "alpha", draft("Cassée", "pizza AND (napoli", "off", "")).await {
        Err(AppError::Invalid(e)) => {
            assert_eq!(e.field, "query");
            assert!(e.reason.contains("column"), "{e}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    t.app.create_query(op, "alpha", draft("Marque", "pizza", "off", "")).await.unwrap();
    assert!(matches!(
        t.app.create_query(op, "alpha", draft("Marque", "napoli", "off", "")).await,
        Err(AppError::Conflict(_))
    ));
    assert!(t.journal("alpha").await.iter().any(|e| e.summary.starts_with("Query added: Marque")));
}

#[tokio::test]
async fn who_may_see_and_change_queries() {
    let t = TestApp::new().await;
    let alpha = t.client("alpha", "Pizzeria Alpha").await;
    let bravo = t.client("bravo", "Pizzeria Bravo").await;
    let q = t.app.create_query(&t.operator, "alpha", draft("Marque", "pizza", "off", "")).await.unwrap();
    let qb = t.app.create_query(&t.operator, "bravo", draft("Marque", "pizza", "off", "")).await.unwrap();
    let analyst = t.member("ana@agence.fr", Role::Analyst, &[alpha.id]).await;
    let cm = t.member("cm@agence.fr", Role::CommunityManager, &[alpha.id]).await;
    let reviewer = t.member("rev@client.fr", Role::ClientReviewer, &[alpha.id]).await;
    assert_eq!(t.app.queries(&analyst, "alpha").await.unwrap().queries.len(), 1);
    t.app.backtest(&analyst, "alpha", "pizza", 7).await.unwrap();
    assert_forbidden("analyst writes", t.app.create_query(&analyst, "alpha", draft("X", "x", "off", "")).await);
    assert_forbidden("analyst removes", t.app.remove_query(&analyst, "alpha", q).await);
    assert_forbidden("reviewer lists", t.app.queries(&reviewer, "alpha").await);
    assert_not_found("another client's list", t.app.queries(&cm, "bravo").await);
    assert_not_found("another client's query through one's own", t.app.query(&cm, "alpha", qb).await);
    assert_not_found("editing it that way", t.app.edit_query(&cm, "alpha", qb, draft("Y", "y", "off", "")).await);
    assert_not_found("its feed", t.app.renew_query_feed(&cm, "alpha", qb).await);
    // Validation comes after access: a refused user learns nothing from the error.
    assert_not_found(
        "bad query on a hidden client",
        t.app.create_query(&cm, "bravo", draft("Z", "(", "off", "")).await,
    );
    assert_invalid(
        "bad query on one's own",
        t.app.create_query(&cm, "alpha", draft("Z", "(", "off", "")).await,
        "query",
    );
    t.app.edit_query(&cm, "alpha", q, draft("Marque", "pizza OR pizzeria", "daily", "")).await.unwrap();
    let _ = bravo;
}

#[tokio::test]
async fn private_feeds_show_the_matches_and_stop_when_renewed_or_revoked() {
    let t = TestApp::new().await;
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    let q = t.app.create_query(op, "alpha", draft("Marque", "pizza", "off", "")).await.unwrap();
    t.app.ingest_mentions(op, "alpha", sa, vec![post("1", "Pizza", "Une pizza.")]).await.unwrap();
    let first = t.app.renew_query_feed(op, "alpha", q).await.unwrap();
    let feed = t.app.query_feed(&first).await.unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.query.id, q);
    let second = t.app.renew_query_feed(op, "alpha", q).await.unwrap();
    assert_not_found("the old address", t.app.query_feed(&first).await);
    assert!(t.app.query_feed(&second).await.is_ok());
    t.app.revoke_query_feed(op, "alpha", q).await.unwrap();
    assert_not_found("a revoked address", t.app.query_feed(&second).await);
    assert_not_found("a made-up address", t.app.query_feed("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").await);
}

#[tokio::test]
async fn notifications_show_alerting_matches_to_the_clients_members_until_seen() {
    let t = TestApp::new().await;
    let alpha = t.client("alpha", "Pizzeria Alpha").await;
    let bravo = t.client("bravo", "Pizzeria Bravo").await;
    let sa = source(&t, "alpha").await;
    let op = &t.operator;
    t.app.create_query(op, "alpha", draft("Alerte", "pizza", "instant", "")).await.unwrap();
    t.app.create_query(op, "alpha", draft("Compteur", "pizza", "off", "")).await.unwrap();
    t.app.ingest_mentions(op, "alpha", sa, vec![post("1", "Pizza", "Une pizza.")]).await.unwrap();
    let cm = t.member("cm@agence.fr", Role::CommunityManager, &[alpha.id]).await;
    let other = t.member("cm2@agence.fr", Role::CommunityManager, &[bravo.id]).await;
    let page = t.app.notifications(&cm, 50).await.unwrap();
    assert_eq!(page.items.len(), 1, "only the alerting query notifies");
    assert_eq!((page.unread, page.items[0].query_name.as_str()), (1, "Alerte"));
    assert!(t.app.notifications(&other, 50).await.unwrap().items.is_empty(), "nothing of another client");
    t.app.mark_notifications_seen(&cm, page.items[0].hit).await.unwrap();
    assert_eq!(t.app.unread_notifications(&cm).await.unwrap(), 0);
    t.app.mark_notifications_seen(&cm, HitId(0)).await.unwrap();
    assert_eq!(t.app.unread_notifications(&cm).await.unwrap(), 0, "seen never goes back");
}

fn mail_to(server: &SmtpServer) -> MailConfig {
    MailConfig {
        host: Some("127.0.0.1".into()),
        port: server.port(),
        security: MailSecurity::None,
        from: "Fil Rouge <alertes@agence.test>".into(),
        ..MailConfig::default()
    }
}

#[tokio::test]
async fn instant_alerts_reach_a_real_mail_server_once() {
    let Some(smtp) = SmtpServer::start().await else { return };
    let t = TestApp::new().await;
    let veille = Veille::new(&AnalysisConfig::default(), &mail_to(&smtp), "https://filrouge.agence.test").unwrap();
    let app = t.app.clone().with_veille(veille);
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    app.create_query(op, "alpha", draft("Marque", "pizza", "instant", "cm@agence.test, boss@agence.test"))
        .await
        .unwrap();
    app.ingest_mentions(op, "alpha", sa, vec![post("1", "Pizza froide", "La pizza était froide.")]).await.unwrap();
    let report = app.deliver_alerts().await.unwrap();
    assert_eq!((report.emails_sent, report.deliveries_done), (1, 1));
    let mail = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert!(m.header("To").unwrap().contains("cm@agence.test"));
    assert!(m.header("To").unwrap().contains("boss@agence.test"));
    let subject = m.header("Subject").unwrap();
    assert!(subject.contains("Marque") || subject.contains("=?utf-8?"), "{subject}");
    assert!(m.raw.contains("https://blog.test/1"), "the original address is in the e-mail");
    assert!(m.raw.contains("https://filrouge.agence.test/c/alpha/mentions/"), "and the app's page of the mention");
    assert_eq!(app.deliver_alerts().await.unwrap().emails_sent, 0, "sent once");
    assert_eq!(unsent(&t).await, 0);
}

#[tokio::test]
async fn digests_gather_the_hours_matches_in_one_email() {
    let Some(smtp) = SmtpServer::start().await else { return };
    let t = TestApp::new().await;
    let veille = Veille::new(&AnalysisConfig::default(), &mail_to(&smtp), "https://filrouge.agence.test").unwrap();
    let app = t.app.clone().with_veille(veille);
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    app.create_query(op, "alpha", draft("Marque", "pizza", "hourly", "cm@agence.test")).await.unwrap();
    assert_eq!(app.schedule_digests().await.unwrap(), 0, "the first look only schedules");
    t.advance(SignedDuration::from_mins(5));
    let batch = vec![post("1", "Pizza 1", "Une pizza."), post("2", "Pizza 2", "Deux pizzas, une pizza.")];
    app.ingest_mentions(op, "alpha", sa, batch).await.unwrap();
    assert_eq!(app.schedule_digests().await.unwrap(), 0, "not due yet");
    t.set_time("2026-06-15T08:00:30Z");
    assert_eq!(app.schedule_digests().await.unwrap(), 1);
    app.deliver_alerts().await.unwrap();
    let mail = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mail.len(), 1, "one e-mail for both matches");
    assert!(mail[0].raw.contains("https://blog.test/1") && mail[0].raw.contains("https://blog.test/2"));
    t.set_time("2026-06-15T09:00:30Z");
    assert_eq!(app.schedule_digests().await.unwrap(), 0, "an hour without matches sends nothing");
}

#[tokio::test]
async fn a_mail_server_that_refuses_is_tried_again_later() {
    let t = TestApp::new().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mail = MailConfig {
        host: Some("127.0.0.1".into()),
        port: closed,
        security: MailSecurity::None,
        timeout_secs: 2,
        ..MailConfig::default()
    };
    let app = t.app.clone().with_veille(Veille::new(&AnalysisConfig::default(), &mail, "http://x.test").unwrap());
    let sa = alpha_with_source(&t).await;
    let op = &t.operator;
    app.create_query(op, "alpha", draft("Marque", "pizza", "instant", "cm@agence.test")).await.unwrap();
    app.ingest_mentions(op, "alpha", sa, vec![post("1", "Pizza", "Une pizza.")]).await.unwrap();
    let report = app.deliver_alerts().await.unwrap();
    assert_eq!((report.emails_sent, report.failed), (0, 1));
    assert_eq!(unsent(&t).await, 1, "kept for later");
    assert_eq!(app.deliver_alerts().await.unwrap().failed, 0, "not retried before its time");
    t.advance(SignedDuration::from_secs(31));
    assert_eq!(app.deliver_alerts().await.unwrap().failed, 1, "retried after 30 s");
}
