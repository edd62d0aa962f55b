//! The inbox from the command line against the real Mastodon-API test server: `inbox sync` killed again and again
//! in the middle of reading a burst of mentions, then run to the end, stores every mention exactly once;
//! `inbox list` prints them as JSON lines; a bad state is a usage error; `serve` syncs by itself every
//! `inbox.sync_secs`.

use std::collections::HashSet;
use std::time::Duration;

use rand::Rng;

use crate::helpers::{s, Cli};

const WORKSPACE: &str = r#"version = 1
[[clients]]
slug = "da-marco"
name = "Pizzeria Da Marco"
time_zone = "UTC"
languages = ["fr"]
"#;

/// The client `da-marco` with Ada's account on the test server connected.
fn client_with_ada(cli: &Cli, base: &str) {
    let ws = cli.write("ws.toml", WORKSPACE);
    assert_eq!(cli.run(&["client", "import", s(&ws)]).code, 0);
    let args = [
        "account",
        "connect",
        "--client",
        "da-marco",
        "--network",
        "mastodon",
        "--handle",
        "@ada@localhost",
        "--server",
        base,
    ];
    let run = cli.run_with_env("FILROUGE_ACCOUNT_SECRET", filrouge_testkit::mastodon::ADA_TOKEN, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Mentions in the burst.
const BURST: usize = 150;

#[test]
fn a_sync_killed_in_the_middle_again_and_again_stores_every_mention_exactly_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(mock) = rt.block_on(filrouge_testkit::mastodon::MockServer::start()) else {
        filrouge_testkit::missing_component("mastodon-mock");
        return;
    };
    let base = mock.base_url().trim_end_matches('/').to_owned();
    let cli = Cli::new().with_env("FILROUGE_PUBLISHING__ALLOW_PRIVATE_ADDRESSES", "true");
    client_with_ada(&cli, &base);

    // The burst: Grace mentions Ada 150 times.
    rt.block_on(async {
        let http = reqwest::Client::new();
        for i in 0..BURST {
            let answer = http
                .post(format!("{base}/api/v1/statuses"))
                .bearer_auth(filrouge_testkit::mastodon::GRACE_TOKEN)
                .form(&[("status", format!("@ada question numéro {i} ?"))])
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success(), "{}", answer.status());
        }
    });

    let mut rng = rand::thread_rng();
    let mut killed = 0;
    for _ in 0..12 {
        let mut child = cli.command(&["inbox", "sync"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(40..400)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        let _ = child.wait();
    }
    assert!(killed >= 3, "the syncs must really be killed mid-run ({killed})");
    let last = cli.run(&["inbox", "sync"]);
    assert_eq!(last.code, 0, "{}{}", last.stdout, last.stderr);
    let again = cli.run(&["inbox", "sync"]);
    assert!(again.stdout.contains(" 0 new"), "nothing new the second time: {}", again.stdout);

    let list = cli.run(&["inbox", "list", "--client", "da-marco", "--state", "new", "--limit", "1000"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let lines: Vec<serde_json::Value> = list.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let texts: HashSet<String> = lines.iter().map(|l| l["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(lines.len(), BURST, "every mention once (killed {killed} times)");
    assert_eq!(texts.len(), BURST, "no duplicate");
    assert!(lines.iter().all(|l| l["client"] == "da-marco" && l["kind"] == "mention"));
    assert!(lines.iter().all(|l| l["intent"] == "question"), "analysed: {}", lines[0]);

    let bad = cli.run(&["inbox", "list", "--state", "closed"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("unknown state 'closed'"), "{}", bad.stderr);
}

#[test]
fn serve_brings_new_mentions_into_the_inbox_by_itself() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(mock) = rt.block_on(filrouge_testkit::mastodon::MockServer::start()) else {
        filrouge_testkit::missing_component("mastodon-mock");
        return;
    };
    let base = mock.base_url().trim_end_matches('/').to_owned();
    let cli = Cli::new()
        .with_env("FILROUGE_PUBLISHING__ALLOW_PRIVATE_ADDRESSES", "true")
        .with_env("FILROUGE_INBOX__SYNC_SECS", "1")
        .with_env("FILROUGE_METRICS__LISTEN", "127.0.0.1:0");
    client_with_ada(&cli, &base);
    let mut server = cli.command(&["serve", "--addr", "127.0.0.1:0"]).spawn().unwrap();
    rt.block_on(async {
        let answer = reqwest::Client::new()
            .post(format!("{base}/api/v1/statuses"))
            .bearer_auth(filrouge_testkit::mastodon::GRACE_TOKEN)
            .form(&[("status", "@ada vous êtes ouverts ce soir ?")])
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let found = loop {
        let list = cli.run(&["inbox", "list", "--client", "da-marco"]);
        if list.stdout.contains("ouverts ce soir") {
            break list.stdout;
        }
        if std::time::Instant::now() > deadline {
            break String::new();
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let _ = server.kill();
    let _ = server.wait();
    assert!(!found.is_empty(), "serve never brought the mention into the inbox");
    assert_eq!(found.lines().count(), 1, "{found}");
}
