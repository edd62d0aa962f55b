//! Crash safety of listening: `source poll` killed (SIGKILL) at random moments while it fetches,
//! analyses, stores, matches and indexes; afterwards every item is stored exactly once, the
//! listening query matched each exactly once with exactly one alert queued, and the index agrees.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use rand::Rng;

use crate::helpers::Cli;

const ITEMS: usize = 400;
const FEEDS: usize = 6;

/// `FEEDS` feeds (`/feed/0.xml`…) of `ITEMS` items each, served by a tiny HTTP server on loopback.
fn serve_feed() -> String {
    let feeds: Vec<String> = (0..FEEDS)
        .map(|f| {
            let mut feed = String::from(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Gros blog</title>"#);
            for i in 0..ITEMS {
                feed.push_str(&format!(
                    "<item><title>Article {f}-{i}</title><link>https://gros-blog-{f}.test/{i}</link><guid>{i}</guid>\
                     <pubDate>Mon, 01 Jun 2026 10:{:02}:00 GMT</pubDate><description>Texte de l'article {i} sur la pizza.</description></item>",
                    i % 60
                ));
            }
            feed.push_str("</channel></rss>");
            feed
        })
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let f: usize = request
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.trim_start_matches("/feed/").trim_end_matches(".xml").parse().ok())
                .unwrap_or(0);
            let feed = &feeds[f.min(FEEDS - 1)];
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                feed.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(feed.as_bytes());
        }
    });
    format!("http://{addr}/feed")
}

#[test]
fn a_poll_killed_at_any_moment_loses_nothing_and_stores_nothing_twice() {
    let url = serve_feed();
    let cli = Cli::new().with_env("FILROUGE_LISTEN__ALLOW_PRIVATE_ADDRESSES", "true");
    let ws = cli.write("ws.toml", crate::helpers::WORKSPACE);
    assert_eq!(cli.run(&["client", "import", crate::helpers::s(&ws)]).code, 0);
    for f in 0..FEEDS {
        let added = cli.run(&["source", "add", "da-marco", "--url", &format!("{url}/{f}.xml")]);
        assert_eq!(added.code, 0, "{}", added.stderr);
    }
    // Every item speaks of pizza.
    let q = cli.run(&[
        "query",
        "add",
        "da-marco",
        "Pizza",
        "pizza",
        "--alert",
        "instant",
        "--recipients",
        "cm@agence.test",
    ]);
    assert_eq!(q.code, 0, "{}", q.stderr);

    let mut rng = rand::thread_rng();
    let mut killed = 0;
    for _ in 0..12 {
        let mut child = cli.command(&["source", "poll", "da-marco"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..90)));
        match child.try_wait().unwrap() {
            None => {
                child.kill().unwrap();
                killed += 1;
            }
            Some(status) => assert!(status.success(), "a poll failed on its own: {status}"),
        }
        let _ = child.wait();
    }
    eprintln!("{killed} of 12 polls killed midway");
    assert!(killed >= 3, "the test must actually interrupt polls ({killed} killed)");

    let done = cli.run(&["source", "poll", "da-marco"]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let list = cli.run(&["source", "list", "da-marco", "--json"]);
    for line in list.stdout.lines() {
        let source: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(source["health"]["mentions_total"], ITEMS, "{}", list.stdout);
    }
    assert_eq!(list.stdout.lines().count(), FEEDS);
    let queries = cli.run(&["query", "list", "da-marco", "--json"]);
    let queries: Vec<serde_json::Value> = queries.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let pizza = queries.iter().find(|q| q["name"] == "Pizza").unwrap();
    assert_eq!(pizza["matches"], ITEMS * FEEDS, "each mention matched once");
    assert_eq!(pizza["alerts_waiting"], ITEMS * FEEDS, "one alert each, queued with its match (no mail server here)");
    let reindex = cli.run(&["reindex"]);
    assert_eq!(reindex.code, 0, "{}", reindex.stderr);
    assert!(
        reindex.stdout.contains(&format!("{0} mention(s) indexed, {0} in the index", ITEMS * FEEDS)),
        "{}",
        reindex.stdout
    );
}
