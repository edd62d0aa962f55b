//! `filrouge feed parse` and `filrouge source`: JSON out, clear errors with positions, exit codes.

use crate::helpers::{s, Cli};

#[test]
fn feed_parse_prints_normalised_json_with_utc_dates_and_sanitised_text() {
    let cli = Cli::new();
    let feed = cli.write(
        "feed.xml",
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Blog</title><link>https://blog.test/</link>
<item><title>Café</title><link>/cafe</link><guid>c1</guid><pubDate>Tue, 02 Jun 2026 14:00:00 +0200</pubDate>
<description>&lt;p&gt;Bon &lt;script&gt;alert(1)&lt;/script&gt;café&lt;/p&gt;</description></item></channel></rss>"#,
    );
    let run = cli.run(&["feed", "parse", s(&feed)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["title"], "Blog");
    let item = &json["items"][0];
    assert_eq!(item["title"], "Café");
    assert_eq!(item["url"], "https://blog.test/cafe", "relative link resolved against the channel link");
    assert_eq!(item["published"], "2026-06-02T12:00:00Z");
    assert_eq!(item["text"], "Bon café");
    assert!(!item["html"].as_str().unwrap().contains("script"));
}

#[test]
fn a_broken_feed_is_refused_with_its_position_and_exit_code_2() {
    let cli = Cli::new();
    let bad = cli.write("bad.xml", "<rss><channel>\n\n<item><title>never closed");
    let run = cli.run(&["feed", "parse", s(&bad)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("bad.xml") && run.stderr.contains("line 3"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing half-written");
    // A damaged feed keeps the items before the break, and says so.
    let damaged = cli.write(
        "damaged.xml",
        "<rss version=\"2.0\"><channel><title>x</title>\n<item><title>Entier</title><guid>1</guid></item>\n<item><title>cass",
    );
    let run = cli.run(&["feed", "parse", s(&damaged)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 1);
    assert_eq!(json["recovered"], true);
    assert!(run.stderr.contains("damaged"), "{}", run.stderr);
    let junk = cli.write("junk.bin", "\u{0}\u{1}not a feed at all");
    let run = cli.run(&["feed", "parse", s(&junk)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a feed"), "{}", run.stderr);
}

#[test]
fn sources_are_added_listed_and_refused_with_a_reason() {
    let cli = Cli::new();
    let ws = cli.write("ws.toml", crate::helpers::WORKSPACE);
    assert_eq!(cli.run(&["client", "import", s(&ws)]).code, 0);
    let ok = cli.run(&["source", "add", "da-marco", "--url", "https://blog.test/feed.xml", "--name", "Le blog"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let again = cli.run(&["source", "add", "da-marco", "--url", "https://blog.test/feed.xml"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already has the source"), "{}", again.stderr);
    let social = cli.run(&["source", "add", "da-marco", "--kind", "bluesky"]);
    assert_eq!(social.code, 2);
    assert!(social.stderr.contains("query"), "{}", social.stderr);
    let list = cli.run(&["source", "list", "da-marco"]);
    assert!(list.stdout.contains("Le blog") || list.stdout.contains("https://blog.test/feed.xml"), "{}", list.stdout);
    let opml = cli.run(&["source", "export-opml", "da-marco"]);
    assert!(opml.stdout.contains("xmlUrl=\"https://blog.test/feed.xml\""), "{}", opml.stdout);
    let missing = cli.run(&["source", "list", "nobody"]);
    assert_eq!(missing.code, 2);
}
