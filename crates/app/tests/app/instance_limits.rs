//! A Mastodon account reads its instance's limits when it is connected (and again when checked): the composer's
//! counters and guards, and the publishing engine's last check, use them instead of Mastodon's default 500.

use std::sync::Arc;

use filrouge_app::publishers::NetworkPublishers;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::lint::FindingCode;
use filrouge_domain::post::{PostContent, Target};
use filrouge_testkit::mastodon::{Canned, CannedServer};

use crate::helpers::TestApp;

/// An instance that allows 1,000 characters, 8 attachments, and counts links as 23.
fn instance() -> CannedServer {
    CannedServer::start(|request| match request.path() {
        "/api/v1/accounts/verify_credentials" => Canned::json(
            200,
            r#"{"id":"1","username":"marco","acct":"marco","display_name":"Da Marco","followers_count":12,"url":"https://big.test/@marco"}"#,
        ),
        "/api/v2/instance" => Canned::json(
            200,
            r#"{"domain":"big.test","title":"Big","version":"4.3.0","configuration":{
                "statuses":{"max_characters":1000,"max_media_attachments":8,"characters_reserved_per_url":23},
                "media_attachments":{"image_size_limit":16777216,"video_size_limit":103809024,
                    "supported_mime_types":["image/jpeg","image/png"]}}}"#,
        ),
        _ => Canned::json(404, r#"{"error":"Record not found"}"#),
    })
}

#[tokio::test]
async fn the_composer_counts_against_the_instances_own_limits() {
    let server = instance();
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let app = t.app.clone().with_publishing(Default::default(), Arc::new(NetworkPublishers::new(true).unwrap()));
    let connection =
        Connection::Mastodon { instance: server.base_url().trim_end_matches('/').to_owned(), token: "t".into() };
    let profile =
        AccountProfile { network: Network::Mastodon, handle: "@marco@big.test".into(), display_name: "M".into() };
    let account = app.connect_account(&t.operator, "da-marco", profile, connection).await.unwrap();
    assert!(server.requests().iter().any(|r| r.path() == "/api/v2/instance"), "the limits were asked for");

    let draft = |n: usize| PostContent {
        text: "a".repeat(n),
        targets: vec![Target { account_id: account, text: None, media: None }],
        ..PostContent::default()
    };
    let report = app.lint_post(&t.operator, "da-marco", draft(700)).await.unwrap();
    assert!(!report.findings.iter().any(|f| f.code == FindingCode::TooLong), "700 fit in 1,000: {:?}", report.findings);
    assert_eq!(report.counts[0].limit, 1000, "the counter shows the instance's limit");
    let report = app.lint_post(&t.operator, "da-marco", draft(1001)).await.unwrap();
    assert!(report.findings.iter().any(|f| f.code == FindingCode::TooLong), "{:?}", report.findings);

    // Checking the connection reads them again.
    let before = server.requests().iter().filter(|r| r.path() == "/api/v2/instance").count();
    let checks = app.check_accounts(&t.operator, "da-marco").await.unwrap();
    assert_eq!(checks[0].outcome, Ok(12));
    assert_eq!(server.requests().iter().filter(|r| r.path() == "/api/v2/instance").count(), before + 1);
}
