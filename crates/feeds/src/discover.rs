//! Feed discovery in an HTML page: `<link rel="alternate">` elements with a feed type, relative
//! hrefs resolved against the page URL or its `<base href>`.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use url::Url;

use crate::FeedKind;

/// A feed announced by a page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiscoveredFeed {
    /// Absolute.
    pub url: String,
    pub title: Option<String>,
    /// `None` for a generic JSON type (`application/json`), which may or may not be a JSON Feed.
    pub kind: Option<FeedKind>,
}

#[derive(Default)]
struct Found {
    base: Option<String>,
    links: Vec<(String, Option<String>, Option<FeedKind>)>,
    seen_base: bool,
}

struct Sink(RefCell<Found>);

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs.iter().find(|a| a.name.local.eq_str_ignore_ascii_case(name)).map(|a| &*a.value)
}

/// What a `type` attribute says about a feed (`Some(None)`: JSON, maybe a feed).
fn feed_kind(media: &str) -> Option<Option<FeedKind>> {
    let media = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match media.as_str() {
        "application/rss+xml" => Some(Some(FeedKind::Rss2)),
        "application/rdf+xml" => Some(Some(FeedKind::Rss1)),
        "application/atom+xml" => Some(Some(FeedKind::Atom)),
        "application/feed+json" => Some(Some(FeedKind::Json)),
        "application/json" => Some(None),
        _ => None,
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        match &*tag.name {
            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "noscript" | "xmp" | "iframe" | "noembed" | "noframes" => {
                return TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "title" | "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
            "base" => {
                let mut found = self.0.borrow_mut();
                if !found.seen_base {
                    if let Some(href) = attr(&tag, "href") {
                        found.base = Some(href.to_string());
                        found.seen_base = true;
                    }
                }
            }
            "link" => {
                let rel = attr(&tag, "rel").unwrap_or_default();
                let is_alternate = rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("alternate"));
                let kind = attr(&tag, "type").and_then(feed_kind);
                if let (true, Some(kind), Some(href)) = (is_alternate, kind, attr(&tag, "href")) {
                    let title = attr(&tag, "title").map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
                    let mut found = self.0.borrow_mut();
                    if found.links.len() < 1000 {
                        found.links.push((href.trim().to_string(), title.filter(|t| !t.is_empty()), kind));
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The feeds a page announces, in page order, without duplicates. Relative hrefs are resolved
/// against the first `<base href>` (itself resolved against `page_url`), else `page_url`.
pub fn discover(html: &[u8], page_url: &Url) -> Vec<DiscoveredFeed> {
    let text = crate::encoding::decode(html, None).text;
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Found::default())), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(&text));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let found = tokenizer.sink.0.into_inner();
    let base = found.base.as_deref().and_then(|b| page_url.join(b.trim()).ok()).unwrap_or_else(|| page_url.clone());
    let mut out: Vec<DiscoveredFeed> = Vec::new();
    for (href, title, kind) in found.links {
        let Ok(url) = base.join(&href) else { continue };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let url = url.to_string();
        if !out.iter().any(|f| f.url == url) {
            out.push(DiscoveredFeed { url, title, kind });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn feeds_are_found_resolved_and_typed() {
        let page = br#"<!doctype html><html><head><title>x <link rel="alternate" type="application/rss+xml" href="/no"></title>
            <script>var s = '<link rel="alternate" type="application/rss+xml" href="/nope">';</script>
            <base href="/blog/">
            <LINK REL="Alternate home" TYPE="application/rss+xml; charset=utf-8" HREF="rss.xml" title=" Le  blog ">
            <link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
            <link rel="alternate" type="application/feed+json" href="feed.json">
            <link rel="alternate" type="application/json" href="../api.json">
            <link rel="alternate" type="text/html" href="/fr/">
            <link rel="stylesheet" type="application/rss+xml" href="/style">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let found = discover(page, &Url::parse("https://site.example/a/page.html").unwrap());
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://site.example/blog/rss.xml",
                "https://other.example/atom",
                "https://site.example/blog/feed.json",
                "https://site.example/api.json"
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("Le blog"));
        assert_eq!(found[0].kind, Some(FeedKind::Rss2));
        assert_eq!(found[2].kind, Some(FeedKind::Json));
        assert_eq!(found[3].kind, None);
    }

    #[test]
    fn a_page_without_feeds_gives_nothing() {
        assert!(discover(b"<p>hello", &Url::parse("http://a.example/").unwrap()).is_empty());
        assert!(discover(b"\xff\xfe\x00<", &Url::parse("http://a.example/").unwrap()).is_empty());
    }
}
