//! Inputs that once crashed or hung a parser (found by `cargo fuzz`, see fuzz/): each file in
//! tests/regressions/ goes through parse, discover and opml::parse without panicking, and without
//! falling back on the guard that turns a panic inside feed-rs into an error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use filrouge_feeds::{discover, opml, parse, FeedError, ParseOptions};

#[test]
fn inputs_that_once_crashed_are_read_or_refused_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
        for opts in [
            ParseOptions::default(),
            ParseOptions {
                base_url: url::Url::parse("https://fuzz.example/dir/feed.xml").ok(),
                content_type: Some("text/xml; charset=iso-8859-1".into()),
                max_items: 50,
                max_text_bytes: 4096,
                ..ParseOptions::default()
            },
        ] {
            if let Err(FeedError::Malformed { message, .. }) = parse(&bytes, &opts) {
                assert!(!message.contains("the feed parser failed"), "{}: feed-rs panicked", path.display());
            }
        }
        let _ = discover(&bytes, &url::Url::parse("https://fuzz.example/a/b.html").unwrap());
        if let Ok(outlines) = opml::parse(&bytes) {
            assert!(opml::parse(opml::write("x", &outlines).as_bytes()).is_ok(), "{}", path.display());
        }
    }
    assert!(seen > 0);
}
