//! The link card of a page (Bluesky's external embed, the composer's preview): Open Graph title, description and
//! image read from the page's HTML, falling back to `<title>` and `<meta name="description">`. Parsing only; the
//! page is fetched elsewhere. Uses html5ever's tokenizer, like `filrouge-feeds`' feed discovery.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use serde::Serialize;
use url::Url;

/// HTML read at most (the head is what matters).
pub const MAX_HTML_BYTES: usize = 512 * 1024;
/// Bounds of what a card keeps, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
pub const MAX_URL_BYTES: usize = 2048;

/// What a link card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkCard {
    /// The page's address, as given.
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    /// Absolute `http(s)` address of the image.
    pub image_url: Option<String>,
}

#[derive(Default)]
struct Found {
    og_title: Option<String>,
    og_description: Option<String>,
    og_image: Option<String>,
    description: Option<String>,
    title: Option<String>,
    base: Option<String>,
    in_title: bool,
    title_text: String,
    done: bool,
}

struct Sink(RefCell<Found>);

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs.iter().find(|a| a.name.local.eq_str_ignore_ascii_case(name)).map(|a| &*a.value)
}

fn set(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none() {
        *slot = value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut found = self.0.borrow_mut();
        if found.done {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::CharacterTokens(text) if found.in_title && found.title_text.len() < MAX_TITLE_CHARS * 4 => {
                found.title_text.push_str(&text);
            }
            Token::TagToken(tag) if tag.kind == TagKind::EndTag => match &*tag.name {
                "title" if found.in_title => {
                    found.in_title = false;
                    let text = std::mem::take(&mut found.title_text);
                    set(&mut found.title, Some(&text));
                }
                "head" => found.done = true,
                _ => {}
            },
            Token::TagToken(tag) => match &*tag.name {
                "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "noscript" | "xmp" | "iframe" | "noembed" | "noframes" => {
                    return TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "title" => {
                    found.in_title = true;
                    return TokenSinkResult::RawData(RawKind::Rcdata);
                }
                "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
                "body" => found.done = true,
                "base" => {
                    let href = attr(&tag, "href");
                    set(&mut found.base, href);
                }
                "meta" => {
                    let key = attr(&tag, "property").or_else(|| attr(&tag, "name")).unwrap_or_default();
                    let content = attr(&tag, "content");
                    match key.trim().to_ascii_lowercase().as_str() {
                        "og:title" => set(&mut found.og_title, content),
                        "og:description" => set(&mut found.og_description, content),
                        "og:image" | "og:image:url" | "og:image:secure_url" => set(&mut found.og_image, content),
                        "description" => set(&mut found.description, content),
                        _ => {}
                    }
                }
                _ => {}
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Collapses white space and cuts to `max` characters (with `…` when cut).
fn bounded(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The card of the page at `page_url` whose HTML is `html`; `None` when the page has no title at all or
/// `page_url` is not an absolute `http(s)` address. Only the first 512 KB and the `<head>` are read.
pub fn open_graph(html: &str, page_url: &str) -> Option<LinkCard> {
    let page = Url::parse(page_url).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let html = html.get(..html.floor_char_boundary(MAX_HTML_BYTES)).unwrap_or(html);
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Found::default())), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let mut found = tokenizer.sink.0.into_inner();
    if found.in_title {
        // An unclosed title (truncated page).
        let text = std::mem::take(&mut found.title_text);
        set(&mut found.title, Some(&text));
    }
    let title = found.og_title.or(found.title).map(|t| bounded(&t, MAX_TITLE_CHARS)).filter(|t| !t.is_empty())?;
    let description = found
        .og_description
        .or(found.description)
        .map(|d| bounded(&d, MAX_DESCRIPTION_CHARS))
        .filter(|d| !d.is_empty());
    let base = found.base.as_deref().and_then(|b| page.join(b).ok()).unwrap_or_else(|| page.clone());
    let image_url = found
        .og_image
        .and_then(|i| base.join(&i).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from)
        .filter(|u| u.len() <= MAX_URL_BYTES);
    Some(LinkCard { url: page_url.to_owned(), title, description, image_url })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_wins_and_relative_images_become_absolute() {
        let html = r#"<html><head><title>Titre &amp; page</title>
            <meta property="og:title" content="L'été au marché">
            <meta name="description" content="Repli">
            <meta property="og:description" content="  Tout   sur le marché  ">
            <meta property="og:image" content="/img/une.jpg">
            </head><body><meta property="og:image" content="/no.jpg"></body></html>"#;
        let card = open_graph(html, "https://example.fr/blog/ete").unwrap();
        assert_eq!(card.title, "L'été au marché");
        assert_eq!(card.description.as_deref(), Some("Tout sur le marché"));
        assert_eq!(card.image_url.as_deref(), Some("https://example.fr/img/une.jpg"));
    }

    #[test]
    fn title_and_description_are_the_fallback() {
        let html = r#"<title>Hello &amp; welcome</title><meta name="Description" content="A page">
            <script>var x = '<meta property="og:title" content="no">';</script>"#;
        let card = open_graph(html, "http://example.com/").unwrap();
        assert_eq!(card.title, "Hello & welcome");
        assert_eq!(card.description.as_deref(), Some("A page"));
        assert_eq!(card.image_url, None);
    }

    #[test]
    fn no_title_no_card_and_images_must_be_web() {
        assert_eq!(open_graph("<p>rien</p>", "https://example.com/"), None);
        assert_eq!(open_graph("<title>x</title>", "file:///etc/passwd"), None);
        let card = open_graph(
            r#"<title>x</title><meta property="og:image" content="javascript:alert(1)">"#,
            "https://a.example/",
        );
        assert_eq!(card.unwrap().image_url, None);
    }

    #[test]
    fn long_titles_are_bounded() {
        let html = format!("<title>{}</title>", "mot ".repeat(500));
        let card = open_graph(&html, "https://example.com/").unwrap();
        assert_eq!(card.title.chars().count(), MAX_TITLE_CHARS);
        assert!(card.title.ends_with('…'));
    }
}
