//! A direct quick-xml reader for the common cases, plain RSS 2.0/0.9x and Atom 1.0, building the same
//! `feed_rs::model::Feed` that feed-rs would (only the fields `convert` reads). Anything it is not sure
//! to read exactly as feed-rs does (another format, a namespace it does not know, Atom `src` content,
//! MediaRSS/Podcast elements, malformed XML, a bad `xml:base`, …) makes it give up, and the caller
//! falls back to feed-rs. It skips feed-rs' per-element `String`s, its buffered re-reading and second
//! UTF-8 validation, and its per-document setup.
//!
//! The rules mirrored here are those of feed-rs 3.0 (`parser/rss2`, `parser/atom`, `parser/common`,
//! `xml`): text is the text, CDATA and references right after the start tag (up to the first child
//! element), comments and processing instructions are ignored, unknown entities are kept escaped.
//! `parse::tests::the_fast_reader_agrees_with_feed_rs_on_the_corpus` holds it to that.

use std::collections::HashSet;
use std::sync::OnceLock;

use feed_rs::model::{Category, Content, Entry, Feed, FeedType, Link, LinkTarget, MediaObject, Person, Text};
use mediatype::{names, MediaTypeBuf};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use url::Url;

/// Why the fast reader gave up (never shown: the caller falls back to feed-rs).
struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// The namespaces feed-rs tells apart (its `NS::parse`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Rss,
    Atom,
    Content,
    DublinCore,
    MediaRss,
    Itunes,
    Podcast,
    Wfw,
    Unknown,
}

fn ns_of(uri: &str) -> Ns {
    match uri {
        "http://purl.org/rss/1.0/" => Ns::Rss,
        "http://www.w3.org/2005/Atom" => Ns::Atom,
        "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
        "http://purl.org/dc/elements/1.1/" => Ns::DublinCore,
        "http://search.yahoo.com/mrss/" => Ns::MediaRss,
        "http://www.itunes.com/dtds/podcast-1.0.dtd" => Ns::Itunes,
        "https://podcastindex.org/namespace/1.0" => Ns::Podcast,
        "http://wellformedweb.org/CommentAPI/" => Ns::Wfw,
        _ => Ns::Unknown,
    }
}

enum Ev<'a> {
    Start(BytesStart<'a>),
    End,
    Text(String),
    Eof,
}

struct Doc<'a> {
    reader: Reader<&'a [u8]>,
    pending: Option<Ev<'a>>,
    /// `xmlns:prefix` declarations of the root element.
    prefixes: Vec<(String, Ns)>,
    /// The namespace of unprefixed elements.
    default_ns: Ns,
    /// Element depth, and the `xml:base` stack as feed-rs keeps it (depth it was set at, URL).
    depth: usize,
    bases: Vec<(usize, Url)>,
}

impl<'a> Doc<'a> {
    /// A reader over `text` configured as feed-rs reads (empty elements expanded, text kept as is).
    fn new(text: &'a str, default_ns: Ns) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.trim_markup_names_in_closing_tags = true;
        config.trim_text(false);
        Doc { reader, pending: None, prefixes: Vec::new(), default_ns, depth: 0, bases: Vec::new() }
    }

    /// The root element, when it is `name`; anything else gives up.
    fn root(&mut self, name: &str) -> R<BytesStart<'a>> {
        let root = loop {
            match self.next()? {
                Ev::Start(e) => break e,
                Ev::Text(_) => {}
                Ev::End | Ev::Eof => return Err(GiveUp),
            }
        };
        if root.name().as_ref() != name {
            return Err(GiveUp);
        }
        Ok(root)
    }

    /// The next event, with its effect on depth and `xml:base` (feed-rs' `xml_base_push`/`pop`).
    fn next(&mut self) -> R<Ev<'a>> {
        let ev = self.raw_next()?;
        match &ev {
            Ev::Start(e) => {
                self.depth += 1;
                if e.attributes_raw().contains("xml:base") {
                    if let Some(v) = attr(e, "xml:base") {
                        match Url::parse(&v) {
                            Ok(u) => self.bases.push((self.depth, u)),
                            Err(url::ParseError::RelativeUrlWithoutBase) => {
                                if let Some(joined) = self.bases.last().and_then(|(_, b)| b.join(&v).ok()) {
                                    self.bases.push((self.depth, joined));
                                }
                            }
                            Err(_) => return Err(GiveUp),
                        }
                    }
                }
            }
            Ev::End => {
                self.depth = self.depth.checked_sub(1).ok_or(GiveUp)?;
                while self.bases.last().is_some_and(|(d, _)| *d > self.depth) {
                    self.bases.pop();
                }
            }
            Ev::Text(_) | Ev::Eof => {}
        }
        Ok(ev)
    }

    /// The `xml:base` in force for the element just started.
    fn base(&self) -> Option<&Url> {
        self.bases.last().map(|(_, u)| u)
    }

    /// The next event as feed-rs sees it: text, CDATA and references coalesced.
    fn raw_next(&mut self) -> R<Ev<'a>> {
        if let Some(ev) = self.pending.take() {
            return Ok(ev);
        }
        let mut text: Option<String> = None;
        loop {
            let ev = match self.reader.read_event().map_err(|_| GiveUp)? {
                Event::Start(e) => Ev::Start(e),
                Event::End(_) => Ev::End,
                Event::Eof => Ev::Eof,
                Event::Empty(_) | Event::Decl(_) => return Err(GiveUp),
                Event::Text(t) => {
                    if !t.is_empty() {
                        text.get_or_insert_with(String::new).push_str(&t);
                    }
                    continue;
                }
                Event::CData(t) => {
                    if !t.is_empty() {
                        text.get_or_insert_with(String::new).push_str(&t);
                    }
                    continue;
                }
                Event::GeneralRef(r) => {
                    let buffer = text.get_or_insert_with(String::new);
                    if let Some(ch) = r.resolve_char_ref().map_err(|_| GiveUp)? {
                        buffer.push(ch);
                    } else {
                        let name: &str = &r;
                        match quick_xml::escape::resolve_predefined_entity(name) {
                            Some(resolved) => buffer.push_str(resolved),
                            None => {
                                buffer.push('&');
                                buffer.push_str(name);
                                buffer.push(';');
                            }
                        }
                    }
                    continue;
                }
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) => continue,
            };
            return Ok(match text.take() {
                Some(text) => {
                    self.pending = Some(ev);
                    Ev::Text(text)
                }
                None => ev,
            });
        }
    }

    /// The text right after a start tag (feed-rs' `child_as_text`).
    fn text(&mut self) -> R<Option<String>> {
        match self.raw_next()? {
            Ev::Text(t) => Ok(Some(t)),
            other => {
                self.pending = Some(other);
                Ok(None)
            }
        }
    }

    /// Consumes the rest of the current element, up to and including its end tag.
    fn skip(&mut self) -> R<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Ev::Start(e) => {
                    check_serialised_attributes(&e, true)?;
                    depth += 1;
                }
                Ev::End if depth == 0 => return Ok(()),
                Ev::End => depth -= 1,
                Ev::Text(_) => {}
                Ev::Eof => return Err(GiveUp),
            }
        }
    }

    /// The namespace and local name of an element (no `xmlns` of its own allowed).
    fn name_of(&self, e: &BytesStart<'a>) -> R<(Ns, String)> {
        // namespaces the element declares for itself (e.g. `<atom10:link xmlns:atom10="…">`)
        let mut own: Vec<(String, Ns)> = Vec::new();
        if e.attributes_raw().contains("xmlns") {
            check_serialised_attributes(e, true)?;
            for a in e.attributes().flatten() {
                let key: &str = a.key.as_ref();
                if key == "xmlns" {
                    own.push((String::new(), ns_of(&a.value)));
                } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                    own.push((prefix.to_string(), ns_of(&a.value)));
                }
            }
        }
        let name: &str = e.name().into_inner();
        let (prefix, local) = match name.split_once(':') {
            None => ("", name),
            Some((prefix, local)) if !local.contains(':') => (prefix, local),
            Some(_) => return Err(GiveUp),
        };
        let ns = match own.iter().find(|(p, _)| p == prefix) {
            Some((_, ns)) => *ns,
            None if prefix.is_empty() => self.default_ns,
            None => self.prefixes.iter().find(|(p, _)| p == prefix).map(|(_, ns)| *ns).ok_or(GiveUp)?,
        };
        // the declarations would also hold for its children: only for elements not descended into
        if !own.is_empty()
            && matches!(
                (ns, local),
                (Ns::Rss, "channel" | "item") | (Ns::Atom, "entry" | "author" | "contributor" | "feed")
            )
        {
            return Err(GiveUp);
        }
        Ok((ns, local.to_string()))
    }
}

/// Inside skipped or serialised content namespaces do not matter, but quick-xml's resolver still
/// reads the declarations: only those it cannot refuse are let through.
fn check_serialised_attributes(e: &BytesStart<'_>, prefixed: bool) -> R<()> {
    if !e.attributes_raw().contains('=') {
        return Ok(());
    }
    for a in e.attributes().flatten() {
        let key: &str = a.key.as_ref();
        if key.starts_with("xmlns") {
            let value: &str = &a.value;
            let prefix_ok = match key.strip_prefix("xmlns:") {
                Some(p) => prefixed && p != "xml" && p != "xmlns",
                None => key == "xmlns",
            };
            if !prefix_ok
                || value.is_empty()
                || value == "http://www.w3.org/XML/1998/namespace"
                || value == "http://www.w3.org/2000/xmlns/"
            {
                return Err(GiveUp);
            }
        }
    }
    Ok(())
}

/// feed-rs' `append_element_start`: local name, attributes with their unescaped values as they are.
fn append_start(buffer: &mut String, local: &str, e: &BytesStart<'_>) {
    buffer.push('<');
    buffer.push_str(local);
    for (k, v) in attributes(e) {
        buffer.push(' ');
        buffer.push_str(&k);
        buffer.push_str("=\"");
        buffer.push_str(&v);
        buffer.push('"');
    }
    buffer.push('>');
}

/// Attributes as feed-rs reads them: bad ones dropped, values unescaped when they can be.
fn attributes(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .filter_map(|a| {
            let a = a.ok()?;
            let key = a.key.as_ref().to_string();
            let raw = &a.value;
            let value = quick_xml::escape::unescape(raw).map(|v| v.into_owned()).unwrap_or_else(|_| raw.to_string());
            Some((key, value))
        })
        .collect()
}

fn plain_text(content: String) -> Text {
    Text { content_type: MediaTypeBuf::new(names::TEXT, names::PLAIN), src: None, content: content.trim().to_string() }
}

fn html_text(content: String) -> Text {
    Text { content_type: MediaTypeBuf::new(names::TEXT, names::HTML), src: None, content: content.trim().to_string() }
}

/// feed-rs' `Link::new`.
fn link(href: &str, base: Option<&Url>, target: Option<LinkTarget>) -> Link {
    let resolved = match Url::parse(href) {
        Ok(u) => Some(u),
        Err(url::ParseError::RelativeUrlWithoutBase) => base.and_then(|b| b.join(href).ok()),
        Err(_) => None,
    };
    let href = match resolved {
        Some(u) => u.to_string(),
        None => href.to_string(),
    };
    Link {
        href: href.trim().to_string(),
        target,
        rel: None,
        media_type: None,
        href_lang: None,
        title: None,
        length: None,
    }
}

/// feed-rs' Atom `handle_link` (an `<atom:link>` in RSS).
fn atom_link(e: &BytesStart<'_>, base: Option<&Url>) -> Option<Link> {
    let attrs = attributes(e);
    let href = attrs.iter().find(|(k, _)| k == "href")?;
    let mut l = link(&href.1, base, None);
    for (k, v) in &attrs {
        match k.as_str() {
            "rel" => l.rel = Some(v.clone()),
            "type" => l.media_type = Some(v.clone()),
            "hreflang" => l.href_lang = Some(v.clone()),
            "title" => l.title = Some(v.clone()),
            "length" => l.length = v.parse::<u64>().ok(),
            _ => {}
        }
    }
    if l.rel.is_none() {
        l.rel = Some(String::from("alternate"));
    }
    Some(l)
}

/// feed-rs' `parse_person_name_email`, giving up where feed-rs would panic (a cut inside a character).
fn person(raw: &str, role: &str) -> R<Person> {
    static EMAIL: OnceLock<regex::Regex> = OnceLock::new();
    let regex = EMAIL.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(r"\b(<\[\()?(mailto:)?([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})(>]\))?\b")
            .expect("a valid regex")
    });
    let mut email = None;
    let mut name = None;
    if let Some(captures) = regex.captures(raw) {
        if let Some(email_group) = captures.get(3) {
            email = Some(email_group.as_str().trim().to_string());
            if let Some(span) = captures.get(0) {
                let prefix_len = span.start();
                let suffix_len = raw.len() - span.end();
                let name_str = if prefix_len > suffix_len {
                    raw.get(..span.start() - 1).ok_or(GiveUp)?
                } else if span.end() < raw.len() {
                    raw.get(span.end() + 1..).ok_or(GiveUp)?
                } else {
                    ""
                };
                let name_str = name_str.trim();
                if !name_str.is_empty() {
                    name = Some(name_str.to_string());
                }
            }
        }
    }
    if email.is_none() {
        name = Some(raw.trim().to_string());
    }
    Ok(Person { name, email, uri: None, role: Some(role.to_string()) })
}

fn timestamp(text: Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    text.and_then(|t| crate::dates::parse_date(&t).and_then(crate::parse::to_chrono))
}

/// Reads `text` (UTF-8, declaration removed) as RSS 2.0 or Atom 1.0, or gives up (`None`).
pub(crate) fn parse(text: &str) -> Option<Feed> {
    let (_, tag) = crate::parse::root_tag(text)?;
    let is_root = |name: &str| {
        tag.strip_prefix(name).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '/'))
    };
    if is_root("<rss") {
        parse_rss2(text)
    } else if is_root("<feed") {
        parse_atom(text)
    } else {
        None
    }
}

/// Reads `text` (UTF-8, declaration removed) as RSS 2.0, or gives up.
fn parse_rss2(text: &str) -> Option<Feed> {
    read_rss2(&mut Doc::new(text, Ns::Rss)).ok()
}

fn read_rss2(doc: &mut Doc<'_>) -> R<Feed> {
    let root = doc.root("rss")?;
    // feed-rs reads 2.0 and "" as RSS 2, 0.91 and 0.92 the same way but typed RSS 0
    let mut feed_type = None;
    for a in root.attributes() {
        let a = a.map_err(|_| GiveUp)?;
        let key = a.key.into_inner();
        let value: &str = &a.value;
        if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.contains('&') {
                return Err(GiveUp);
            }
            doc.prefixes.push((prefix.to_string(), ns_of(value)));
        } else if key == "xmlns" {
            return Err(GiveUp);
        } else if key == "version" {
            feed_type = match value {
                "2.0" | "" => Some(FeedType::RSS2),
                "0.91" | "0.92" => Some(FeedType::RSS0),
                _ => None,
            };
        }
    }
    let feed_type = feed_type.ok_or(GiveUp)?;
    // the first <channel> child
    loop {
        match doc.next()? {
            Ev::Start(e) => {
                let (_, local) = doc.name_of(&e)?;
                if e.name().as_ref().contains(':') {
                    return Err(GiveUp);
                }
                if local == "channel" {
                    return channel(doc, feed_type);
                }
                doc.skip()?;
            }
            Ev::Text(_) => {}
            Ev::End | Ev::Eof => return Err(GiveUp),
        }
    }
}

fn channel(doc: &mut Doc<'_>, feed_type: FeedType) -> R<Feed> {
    let mut feed = Feed {
        feed_type,
        id: String::new(),
        title: None,
        updated: None,
        authors: Vec::new(),
        description: None,
        links: Vec::new(),
        categories: Vec::new(),
        contributors: Vec::new(),
        generator: None,
        icon: None,
        language: None,
        logo: None,
        published: None,
        rating: None,
        rights: None,
        ttl: None,
        people: Vec::new(),
        entries: Vec::new(),
    };
    loop {
        let e = match doc.next()? {
            Ev::Start(e) => e,
            Ev::Text(_) => continue,
            Ev::End => return Ok(feed),
            Ev::Eof => return Err(GiveUp),
        };
        let (ns, local) = doc.name_of(&e)?;
        match (ns, local.as_str()) {
            (Ns::Rss, "title") => feed.title = doc.text()?.map(plain_text),
            (Ns::Rss, "link") => {
                if let Some(t) = doc.text()? {
                    feed.links.push(link(&t, doc.base(), None));
                }
            }
            (Ns::Atom, "link") => {
                if let Some(l) = atom_link(&e, doc.base()) {
                    feed.links.push(l);
                }
            }
            (Ns::Rss, "description") => feed.description = doc.text()?.map(plain_text),
            (Ns::Rss, "language") => {
                if let Some(t) = doc.text()? {
                    feed.language = Some(t.to_lowercase());
                } else {
                    feed.language = None;
                }
            }
            (Ns::Rss, "ttl") => {
                if let Some(ttl) = doc.text()?.and_then(|t| t.parse::<u32>().ok()) {
                    feed.ttl = Some(ttl);
                }
            }
            (Ns::Rss, "item") => {
                feed.entries.push(item(doc)?);
                continue; // item() consumed the end tag
            }
            (Ns::Itunes, "author") => {
                if let Some(t) = doc.text()? {
                    feed.authors.push(person(&t, "author")?);
                }
            }
            // the other iTunes channel elements feed-rs reads touch no field `convert` uses
            (Ns::Podcast | Ns::MediaRss, _) => return Err(GiveUp),
            _ => {}
        }
        doc.skip()?;
    }
}

fn item(doc: &mut Doc<'_>) -> R<Entry> {
    let mut entry = Entry::default();
    // feed-rs turns the iTunes elements into a media object; `convert` reads only its description
    let mut itunes_summary: Option<Text> = None;
    loop {
        let e = match doc.next()? {
            Ev::Start(e) => e,
            Ev::Text(_) => continue,
            Ev::End => break,
            Ev::Eof => return Err(GiveUp),
        };
        let (ns, local) = doc.name_of(&e)?;
        match (ns, local.as_str()) {
            (Ns::Rss, "title") => entry.title = doc.text()?.map(plain_text),
            (Ns::Rss, "link") => {
                if let Some(t) = doc.text()? {
                    entry.links.push(link(&t, doc.base(), None));
                }
            }
            (Ns::Rss, "description") => entry.summary = doc.text()?.map(html_text),
            (Ns::Rss, "author") => {
                if let Some(t) = doc.text()? {
                    entry.authors.push(person(&t, "author")?);
                }
            }
            (Ns::Rss, "category") => {
                if let Some(t) = doc.text()? {
                    entry.categories.push(Category::new(&t));
                }
            }
            (Ns::Rss, "guid") => {
                if let Some(t) = doc.text()? {
                    entry.id = t.trim().to_string();
                }
            }
            (Ns::Rss, "pubDate") | (Ns::DublinCore, "date") => entry.published = timestamp(doc.text()?),
            (Ns::Rss, "updated") | (Ns::Atom, "updated") => entry.updated = timestamp(doc.text()?),
            (Ns::Content, "encoded") => {
                entry.content = doc.text()?.filter(|s| !s.is_empty()).map(|body| Content {
                    body: Some(body),
                    content_type: MediaTypeBuf::new(names::TEXT, names::HTML),
                    ..Default::default()
                });
            }
            (Ns::DublinCore, "creator") => {
                if let Some(t) = doc.text()? {
                    entry.authors.push(person(&t, "creator")?);
                }
            }
            (Ns::Itunes, "title") => {
                doc.atom_text(&e)?;
                continue;
            }
            (Ns::Itunes, "summary") => {
                itunes_summary = Some(doc.atom_text(&e)?);
                continue;
            }
            (Ns::Itunes, _) => {}
            (Ns::MediaRss | Ns::Podcast, _) => return Err(GiveUp),
            (Ns::Wfw, "commentRss" | "commentRSS") => {
                if let Some(t) = doc.text()? {
                    entry.links.push(link(&t, doc.base(), Some(LinkTarget::CommentsFeed)));
                }
            }
            (Ns::Rss, "comments") => {
                if let Some(t) = doc.text()? {
                    entry.links.push(link(&t, doc.base(), Some(LinkTarget::Comments)));
                }
            }
            _ => {}
        }
        doc.skip()?;
    }
    if let Some(summary) = itunes_summary {
        let mut media = MediaObject::default();
        media.description = Some(summary);
        entry.media.push(media);
    }
    if entry.updated.is_none() && entry.published.is_some() {
        entry.updated = entry.published;
    }
    let non_comment: HashSet<String> =
        entry.links.iter().filter(|l| l.target != Some(LinkTarget::Comments)).map(|l| l.href.clone()).collect();
    entry.links.retain(|l| l.target != Some(LinkTarget::Comments) || !non_comment.contains(l.href.as_str()));
    Ok(entry)
}

/// `xml:lang`-style attribute lookup, as feed-rs' `attr_value` (first match).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    attributes(e).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

impl Doc<'_> {
    /// feed-rs' `children_as_string`: the children serialised (local names, unescaped attribute
    /// values, minimally escaped text), up to and including the element's end tag.
    fn children_as_string(&mut self) -> R<String> {
        let mut buffer = String::new();
        let mut open: Vec<String> = Vec::new();
        loop {
            match self.next()? {
                Ev::Start(e) => {
                    check_serialised_attributes(&e, true)?;
                    let name: &str = e.name().into_inner();
                    let local = name.split(':').next_back().unwrap_or_default();
                    append_start(&mut buffer, local, &e);
                    open.push(local.to_string());
                }
                Ev::Text(t) => buffer.push_str(&quick_xml::escape::minimal_escape(&t)),
                Ev::End => match open.pop() {
                    Some(name) => {
                        buffer.push_str("</");
                        buffer.push_str(&name);
                        buffer.push('>');
                    }
                    None => return Ok(buffer),
                },
                Ev::Eof => return Err(GiveUp),
            }
        }
    }

    /// feed-rs' `children_as_xhtml`: the children serialised, without the wrapping `<div>` when
    /// there is exactly one and nothing but blank text beside it; up to and including the end tag.
    fn children_as_xhtml(&mut self) -> R<String> {
        let mut buffer = String::new();
        let mut open: Vec<String> = Vec::new();
        let mut first_element = true;
        let (mut div_open, mut div_close): (Option<usize>, Option<usize>) = (None, None);
        loop {
            match self.next()? {
                Ev::Start(e) => {
                    check_serialised_attributes(&e, true)?;
                    let name: &str = e.name().into_inner();
                    let local = name.split(':').next_back().unwrap_or_default();
                    if open.is_empty() {
                        if first_element {
                            if local != "div" {
                                first_element = false;
                            }
                        } else {
                            div_open = None;
                            div_close = None;
                        }
                    }
                    append_start(&mut buffer, local, &e);
                    open.push(local.to_string());
                    if first_element {
                        first_element = false;
                        div_open = Some(buffer.len());
                    }
                }
                Ev::Text(t) => {
                    if open.is_empty() && t.bytes().any(|c| !c.is_ascii_whitespace()) {
                        first_element = false;
                        div_open = None;
                        div_close = None;
                    }
                    buffer.push_str(&quick_xml::escape::minimal_escape(&t));
                }
                Ev::End => match open.pop() {
                    Some(name) => {
                        let close_start = buffer.len();
                        buffer.push_str("</");
                        buffer.push_str(&name);
                        buffer.push('>');
                        if open.is_empty() && div_open.is_some() {
                            div_close = Some(close_start);
                        }
                    }
                    None => break,
                },
                Ev::Eof => return Err(GiveUp),
            }
        }
        if let Some((o, c)) = div_open.zip(div_close) {
            buffer.truncate(c);
            buffer.drain(..o);
        }
        Ok(buffer)
    }

    /// feed-rs' Atom `handle_text`, consuming the element through its end tag.
    fn atom_text(&mut self, e: &BytesStart<'_>) -> R<Text> {
        let kind = match attr(e, "type").as_deref() {
            None | Some("text") => names::PLAIN,
            Some("html" | "text/html") => names::HTML,
            Some("xhtml") => {
                let xml = self.children_as_xhtml()?;
                return Ok(Text {
                    content_type: MediaTypeBuf::new(names::APPLICATION, names::XHTML),
                    src: None,
                    content: xml.trim().to_string(),
                });
            }
            Some(_) => return Err(GiveUp),
        };
        let s = match self.text()? {
            Some(t) => {
                self.skip()?;
                t
            }
            None => self.children_as_string()?,
        };
        Ok(Text { content_type: MediaTypeBuf::new(names::TEXT, kind), src: None, content: s.trim().to_string() })
    }

    /// feed-rs' Atom `handle_person`, consuming the element through its end tag.
    fn atom_person(&mut self, role: &str) -> R<Option<Person>> {
        let (mut name, mut uri, mut email) = (None, None, None);
        loop {
            let e = match self.next()? {
                Ev::Start(e) => e,
                Ev::Text(_) => continue,
                Ev::End => break,
                Ev::Eof => return Err(GiveUp),
            };
            check_serialised_attributes(&e, true)?;
            let full: &str = e.name().into_inner();
            let local = full.split(':').next_back().unwrap_or_default();
            match local {
                "name" => {
                    if let Some(t) = self.text()? {
                        name = Some(t);
                    }
                }
                "uri" => uri = self.text()?,
                "email" => email = self.text()?,
                _ => {}
            }
            self.skip()?;
        }
        Ok((name.is_some() || email.is_some()).then(|| Person { name, email, uri, role: Some(role.to_string()) }))
    }
}

/// Reads `text` (UTF-8, declaration removed) as Atom 1.0, or gives up.
fn parse_atom(text: &str) -> Option<Feed> {
    read_atom(&mut Doc::new(text, Ns::Atom)).ok()
}

fn read_atom(doc: &mut Doc<'_>) -> R<Feed> {
    let root = doc.root("feed")?;
    let mut language = None;
    for a in root.attributes() {
        let a = a.map_err(|_| GiveUp)?;
        let key = a.key.into_inner();
        let value: &str = &a.value;
        if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.contains('&') {
                return Err(GiveUp);
            }
            doc.prefixes.push((prefix.to_string(), ns_of(value)));
        } else if key == "xmlns" && value != "http://www.w3.org/2005/Atom" {
            return Err(GiveUp);
        }
    }
    if !root.attributes_raw().is_empty() {
        language = attr(&root, "xml:lang");
    }
    let mut feed = Feed {
        feed_type: FeedType::Atom,
        id: String::new(),
        title: None,
        updated: None,
        authors: Vec::new(),
        description: None,
        links: Vec::new(),
        categories: Vec::new(),
        contributors: Vec::new(),
        generator: None,
        icon: None,
        language,
        logo: None,
        published: None,
        rating: None,
        rights: None,
        ttl: None,
        people: Vec::new(),
        entries: Vec::new(),
    };
    loop {
        let e = match doc.next()? {
            Ev::Start(e) => e,
            Ev::Text(_) => continue,
            Ev::End => return Ok(feed),
            Ev::Eof => return Err(GiveUp),
        };
        let (ns, local) = doc.name_of(&e)?;
        match (ns, local.as_str()) {
            (Ns::Atom, "title") => {
                feed.title = Some(doc.atom_text(&e)?);
                continue;
            }
            (Ns::Atom, "subtitle") => {
                feed.description = Some(doc.atom_text(&e)?);
                continue;
            }
            (Ns::Atom, "rights") => {
                // read for its errors only (an unknown type makes feed-rs fail)
                doc.atom_text(&e)?;
                continue;
            }
            (Ns::Atom, "author") => {
                if let Some(p) = doc.atom_person("author")? {
                    feed.authors.push(p);
                }
                continue;
            }
            (Ns::Atom, "contributor") => {
                doc.atom_person("contributor")?;
                continue;
            }
            (Ns::Atom, "link") => {
                if let Some(l) = atom_link(&e, doc.base()) {
                    feed.links.push(l);
                }
            }
            (Ns::Atom, "entry") => {
                feed.entries.push(atom_entry(doc)?);
                continue;
            }
            (Ns::MediaRss, _) => return Err(GiveUp),
            _ => {}
        }
        doc.skip()?;
    }
}

fn atom_entry(doc: &mut Doc<'_>) -> R<Entry> {
    let mut entry = Entry::default();
    loop {
        let e = match doc.next()? {
            Ev::Start(e) => e,
            Ev::Text(_) => continue,
            Ev::End => return Ok(entry),
            Ev::Eof => return Err(GiveUp),
        };
        let (ns, local) = doc.name_of(&e)?;
        match (ns, local.as_str()) {
            (Ns::Atom, "id") => {
                if let Some(t) = doc.text()? {
                    entry.id = t;
                }
            }
            (Ns::Atom, "title") => {
                entry.title = Some(doc.atom_text(&e)?);
                continue;
            }
            (Ns::Atom, "summary") => {
                entry.summary = Some(doc.atom_text(&e)?);
                continue;
            }
            (Ns::Atom, "rights") => {
                doc.atom_text(&e)?;
                continue;
            }
            (Ns::Atom, "updated") => {
                if let Some(t) = doc.text()? {
                    entry.updated = timestamp(Some(t));
                }
            }
            (Ns::Atom, "published" | "pubDate") => {
                if let Some(t) = doc.text()? {
                    entry.published = timestamp(Some(t));
                }
            }
            (Ns::Atom, "author") => {
                if let Some(p) = doc.atom_person("author")? {
                    entry.authors.push(p);
                }
                continue;
            }
            (Ns::Atom, "contributor") => {
                doc.atom_person("contributor")?;
                continue;
            }
            (Ns::Atom, "content") => {
                entry.base = attr(&e, "xml:base");
                entry.language = attr(&e, "xml:lang");
                if attr(&e, "src").is_some() {
                    return Err(GiveUp);
                }
                match attr(&e, "type").as_deref() {
                    None | Some("text" | "html" | "text/html" | "xhtml") => {}
                    Some(_) => return Err(GiveUp),
                }
                let text = doc.atom_text(&e)?;
                entry.content =
                    Some(Content { body: Some(text.content), content_type: text.content_type, ..Default::default() });
                continue;
            }
            (Ns::Atom, "link") => {
                if let Some(l) = atom_link(&e, doc.base()) {
                    entry.links.push(l);
                }
            }
            (Ns::Atom, "category") => {
                let attrs = attributes(&e);
                if let Some((_, term)) = attrs.iter().find(|(k, _)| k == "term") {
                    let mut c = Category::new(term);
                    for (k, v) in &attrs {
                        match k.as_str() {
                            "scheme" => c.scheme = Some(v.clone()),
                            "label" => c.label = Some(v.clone()),
                            _ => {}
                        }
                    }
                    entry.categories.push(c);
                }
            }
            (Ns::Wfw, "commentRss" | "commentRSS") => {
                if let Some(t) = doc.text()? {
                    entry.links.push(link(&t, doc.base(), Some(LinkTarget::CommentsFeed)));
                }
            }
            (Ns::MediaRss, _) => return Err(GiveUp),
            _ => {}
        }
        doc.skip()?;
    }
}
