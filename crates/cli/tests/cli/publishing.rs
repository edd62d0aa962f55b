//! Crash safety of publishing, counted on the network's side: a burst of posts due at once is published by
//! `filrouge serve` against the real Mastodon-API test server while the server is SIGKILLed at random moments, again
//! and again; afterwards every post exists exactly once on the network and is marked published with its address.

use std::time::Duration;

use rand::Rng;

use crate::helpers::{s, Cli};

/// Posts in the burst (the issue asks for 1,000; `CRASH_TEST_POSTS` changes it).
fn posts() -> usize {
    std::env::var("CRASH_TEST_POSTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

/// Kills of the server while it publishes.
fn kills() -> usize {
    std::env::var("CRASH_TEST_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(50)
}

const WORKSPACE: &str = r#"version = 1
[[clients]]
slug = "da-marco"
name = "Pizzeria Da Marco"
time_zone = "UTC"
languages = ["fr"]
"#;

/// Every status of the account behind `token`, as their plain texts.
async fn statuses(http: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let me: serde_json::Value = http
        .get(format!("{base}/api/v1/accounts/verify_credentials"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = match &me["id"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => panic!("verify_credentials with {token}: no id ({other}) in {me}"),
    };
    let mut out = Vec::new();
    let mut max_id: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/accounts/{id}/statuses?limit=40");
        if let Some(m) = &max_id {
            url.push_str(&format!("&max_id={m}"));
        }
        let answer = http.get(url).bearer_auth(token).send().await.unwrap();
        let status = answer.status();
        let body = answer.text().await.unwrap();
        let page: Vec<serde_json::Value> =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("statuses: HTTP {status}: {e}: {body}"));
        if page.is_empty() {
            break;
        }
        for s in &page {
            let html = s["content"].as_str().unwrap_or("");
            out.push(html.replace("<p>", "").replace("</p>", ""));
        }
        max_id = page.last().map(|s| match &s["id"] {
            serde_json::Value::Number(n) => n.to_string(),
            other => other.as_str().unwrap_or_default().to_owned(),
        });
    }
    out
}

#[test]
fn a_burst_of_due_posts_survives_random_kills_and_is_published_exactly_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(mock) = rt.block_on(filrouge_testkit::mastodon::MockServer::start()) else {
        filrouge_testkit::missing_component("mastodon-mock");
        return;
    };
    let base = mock.base_url().trim_end_matches('/').to_owned();
    let cli = Cli::new()
        .with_env("FILROUGE_PUBLISHING__ALLOW_PRIVATE_ADDRESSES", "true")
        .with_env("FILROUGE_PUBLISHING__MASTODON_PACE_MS", "0")
        .with_env("FILROUGE_METRICS__LISTEN", "127.0.0.1:0");
    let ws = cli.write("ws.toml", WORKSPACE);
    let imported = cli.run(&["client", "import", s(&ws)]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let tokens = [
        filrouge_testkit::mastodon::ADA_TOKEN,
        filrouge_testkit::mastodon::GRACE_TOKEN,
        filrouge_testkit::mastodon::ALAN_TOKEN,
        filrouge_testkit::mastodon::KATHERINE_TOKEN,
    ];
    let names = ["ada", "grace", "alan", "katherine"];
    for (name, token) in names.iter().zip(tokens) {
        let handle = format!("@{name}@localhost");
        let args = [
            "account",
            "connect",
            "--client",
            "da-marco",
            "--network",
            "mastodon",
            "--handle",
            &handle,
            "--server",
            &base,
        ];
        let run = cli.run_with_env("FILROUGE_ACCOUNT_SECRET", token, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    // The burst: every post due 30 seconds from now (time to import them), spread over the four accounts.
    let n = posts();
    #[allow(clippy::disallowed_methods)] // the test sets a real time a real server will reach
    let due = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_secs(30)).unwrap();
    let (date, time) = (due.strftime("%Y-%m-%d").to_string(), due.strftime("%H:%M:%S").to_string());
    let mut csv = String::from("date,time,time_zone,client,accounts,text\n");
    for i in 0..n {
        let account = format!("@{}@localhost", names[i % names.len()]);
        csv.push_str(&format!("{date},{time},UTC,da-marco,{account},Rafale {i}\n"));
    }
    let file = cli.write("burst.csv", &csv);
    let run = cli.run(&["post", "import", s(&file), "--schedule"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(&format!("{n} post(s) scheduled")), "{}", run.stdout);
    #[allow(clippy::disallowed_methods)]
    let wait = due.duration_since(jiff::Timestamp::now()).as_secs_f64();
    if wait > 0.0 {
        std::thread::sleep(Duration::from_secs_f64(wait + 0.5));
    }

    let mut rng = rand::thread_rng();
    let mut killed = 0;
    for _ in 0..kills() {
        let mut child = cli.command(&["serve", "--addr", "127.0.0.1:0"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(150..900)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        let _ = child.wait();
    }
    assert!(killed >= kills() / 2, "the servers must really be killed mid-run ({killed})");

    // A last server runs until the queue is empty.
    let mut child = cli.command(&["serve", "--addr", "127.0.0.1:0"]).spawn().unwrap();
    let http = reqwest::Client::new();
    let mut empty = false;
    for _ in 0..1200 {
        let queue = cli.run(&["queue", "--json", "--hours", "1"]);
        if queue.code == 0 && queue.stdout.trim().is_empty() {
            empty = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    std::thread::sleep(Duration::from_secs(2)); // anything still in flight lands (or shows as a duplicate)
    let _ = child.kill();
    let _ = child.wait();
    assert!(empty, "the queue never emptied");

    // Counting on the network's side: each post exactly once, on its own account.
    for (parity, token) in tokens.iter().enumerate() {
        let texts = rt.block_on(statuses(&http, &base, token));
        let mut seen = std::collections::HashMap::new();
        for t in &texts {
            *seen.entry(t.clone()).or_insert(0) += 1;
        }
        let dupes: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
        assert!(dupes.is_empty(), "duplicates on the network: {dupes:?}");
        for i in (parity..n).step_by(tokens.len()) {
            assert_eq!(seen.get(&format!("Rafale {i}")), Some(&1), "post {i} missing on its account");
        }
    }
    // And on our side: nothing left in the queue, every post published with its address.
    let queue = cli.run(&["queue", "--json", "--hours", "1"]);
    assert_eq!(queue.code, 0, "{}", queue.stderr);
    assert!(queue.stdout.trim().is_empty(), "the queue still holds:\n{}", queue.stdout);
    eprintln!("{n} posts, {killed} servers killed mid-run: each post published exactly once");
}
