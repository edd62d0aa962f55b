//! A document prepared once for all queries: its title and text tokenized and folded, and the other fields
//! (host, lowercase URL, handle, name tokens) computed on first use.

use crate::index::Index;
use crate::leaves::host_into;
use crate::tokenize::Tokens;

/// One mention as the matcher sees it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Document<'a> {
    pub title: &'a str,
    pub text: &'a str,
    /// With or without a leading `@`; `user@instance` on Mastodon.
    pub author_handle: &'a str,
    pub author_name: &'a str,
    pub url: &'a str,
    pub lang: Option<&'a str>,
    /// "feed", "bluesky", "mastodon".
    pub source: &'a str,
    /// "positive", "negative", "neutral".
    pub sentiment: Option<&'a str>,
}

/// A run of tokens `start..=end` (indices in [`Prepared::body`]) where something matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u32,
    pub end: u32,
}

/// The prepared document, reused from one document to the next.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// Title tokens, then text tokens.
    pub body: Tokens,
    /// Number of title tokens.
    pub title_end: usize,
    /// Work space of `NEAR`.
    pub spans: Vec<Span>,
    /// Word hash → tokens, built by [`Prepared::index`] before evaluating.
    pub index: Index,
    host: Option<String>,
    url: Option<String>,
    handle: Option<String>,
    author: Option<Tokens>,
    spare_author: Tokens,
    spare: Vec<String>,
}

impl Prepared {
    pub fn prepare(&mut self, doc: &Document<'_>) {
        self.body.clear();
        self.body.push_field(doc.title);
        self.title_end = self.body.tokens.len();
        self.body.push_field(doc.text);
        self.spans.clear();
        self.index.clear();
        for s in [self.host.take(), self.url.take(), self.handle.take()].into_iter().flatten() {
            self.spare.push(s);
        }
        if let Some(a) = self.author.take() {
            self.spare_author = a;
        }
    }

    /// Builds the token index (once per document) before queries are evaluated.
    pub fn index(&mut self) {
        if !self.index.is_built() {
            self.index.build(&self.body);
        }
    }

    fn spare_string(&mut self) -> String {
        let mut s = self.spare.pop().unwrap_or_default();
        s.clear();
        s
    }

    /// The URL's host, lowercase, without `www.` (empty if none).
    pub fn host(&mut self, doc: &Document<'_>) -> &str {
        if self.host.is_none() {
            let mut s = self.spare_string();
            host_into(doc.url, &mut s);
            self.host = Some(s);
        }
        self.host.as_deref().unwrap_or_default()
    }

    /// The host once [`Prepared::host`] has computed it (else empty).
    pub fn cached_host(&self) -> &str {
        self.host.as_deref().unwrap_or_default()
    }

    /// The URL, lowercase.
    pub fn url(&mut self, doc: &Document<'_>) -> &str {
        if self.url.is_none() {
            let mut s = self.spare_string();
            if doc.url.is_ascii() {
                s.extend(doc.url.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                s.push_str(&doc.url.to_lowercase());
            }
            self.url = Some(s);
        }
        self.url.as_deref().unwrap_or_default()
    }

    /// The author's handle, lowercase, without a leading `@`.
    pub fn handle(&mut self, doc: &Document<'_>) -> &str {
        if self.handle.is_none() {
            let mut s = self.spare_string();
            s.push_str(&doc.author_handle.trim().trim_start_matches('@').to_lowercase());
            self.handle = Some(s);
        }
        self.handle.as_deref().unwrap_or_default()
    }

    /// The tokens of the author's name.
    pub fn author(&mut self, doc: &Document<'_>) -> &Tokens {
        self.author.get_or_insert_with(|| {
            let mut t = std::mem::take(&mut self.spare_author);
            t.clear();
            t.push_field(doc.author_name);
            t
        })
    }
}
