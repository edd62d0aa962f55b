//! The parsing pipeline: size cap, encoding, dialect fixes, feed-rs, recovery of damaged documents,
//! then the normalised model (absolute links, UTC dates, sanitised HTML, plain-text titles).

use std::borrow::Cow;

use feed_rs::model;
use sha2::{Digest, Sha256};
use url::Url;

use crate::recover::{self, Break};
use crate::sanitize::{sanitize_html, SafeHtml};
use crate::{encoding, Author, FeedError, FeedItem, FeedKind, ParseOptions, ParsedFeed};

/// Parses feed bytes (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into the normalised model.
///
/// A damaged document keeps the items before the break (`recovered`, with a warning naming the
/// position); an error comes only when nothing usable is left.
pub fn parse(bytes: &[u8], opts: &ParseOptions) -> Result<ParsedFeed, FeedError> {
    if bytes.len() > opts.max_bytes {
        return Err(FeedError::TooLarge { size: bytes.len(), max: opts.max_bytes });
    }
    let decoded = encoding::decode(bytes, opts.content_type.as_deref());
    let mut warnings = decoded.warnings;
    let text = decoded.text;
    let (raw, recovered, hint) = match text.trim_start().as_bytes().first() {
        Some(b'<') => {
            let (prepared, hint) = prepare_xml(&text);
            let (feed, recovered) = parse_xml(&prepared, &mut warnings)?;
            (feed, recovered, hint)
        }
        Some(b'{') => {
            let (feed, recovered) = parse_json(&text, &mut warnings)?;
            (feed, recovered, None)
        }
        Some(_) => return Err(FeedError::NotAFeed { reason: "the document is neither XML nor JSON".into() }),
        None => return Err(FeedError::NotAFeed { reason: "the document is empty".into() }),
    };
    let mut feed = convert(raw, hint, opts, &mut warnings);
    feed.recovered = recovered;
    feed.warnings = warnings;
    feed.encoding = decoded.encoding.name().to_string();
    Ok(feed)
}

/// The message of the error that stands for a panic inside feed-rs (a bug to fix, found by fuzzing).
const PANICKED: &str = "the feed parser failed";

fn panicked(e: &feed_rs::parser::ParseFeedError) -> Option<FeedError> {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    match e {
        ParseFeedError::ParseError(ParseErrorKind::IllegalState { reference, .. }) if reference == PANICKED => {
            Some(FeedError::Malformed { line: 1, column: 1, message: PANICKED.into() })
        }
        _ => None,
    }
}

/// feed-rs on UTF-8 text. A fresh parser each time: its MediaRSS state is left dirty by a failed
/// parse (and then asserts). A panic inside feed-rs is never passed on: the known one (a person
/// whose e-mail address touches a non-ASCII character is cut inside that character) is avoided by
/// reading again with `@` disguised; any other becomes an error.
fn feed_rs(text: &str) -> Result<model::Feed, feed_rs::parser::ParseFeedError> {
    let run = |text: &str| {
        std::panic::catch_unwind(|| {
            feed_rs::parser::Builder::new()
                .sanitize_content(false)
                .id_generator(|_, _, _| String::new())
                .timestamp_parser(|s| crate::dates::parse_date(s).and_then(to_chrono))
                .build()
                .parse(text.as_bytes())
        })
    };
    if let Ok(result) = run(text) {
        return result;
    }
    if text.contains('@') {
        if let Ok(result) = run(&text.replace('@', "\u{FF20}")) {
            return result.map(|mut feed| {
                restore_at_signs(&mut feed);
                feed
            });
        }
    }
    Err(feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::IllegalState {
        position: 0,
        reference: PANICKED.into(),
    }))
}

/// Undoes the `@` disguise in the fields we read.
fn restore_at_signs(feed: &mut model::Feed) {
    let fix = |s: &mut String| {
        if s.contains('\u{FF20}') {
            *s = s.replace('\u{FF20}', "@");
        }
    };
    let fix_text = |t: &mut Option<model::Text>| {
        if let Some(t) = t.as_mut() {
            fix(&mut t.content);
        }
    };
    fix_text(&mut feed.title);
    fix_text(&mut feed.description);
    feed.links.iter_mut().for_each(|l| fix(&mut l.href));
    for e in &mut feed.entries {
        fix(&mut e.id);
        fix_text(&mut e.title);
        fix_text(&mut e.summary);
        if let Some(body) = e.content.as_mut().and_then(|c| c.body.as_mut()) {
            fix(body);
        }
        e.links.iter_mut().for_each(|l| fix(&mut l.href));
        for p in &mut e.authors {
            p.name.iter_mut().chain(p.email.iter_mut()).chain(p.uri.iter_mut()).for_each(fix);
        }
    }
}

pub(crate) fn to_chrono(ts: jiff::Timestamp) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(ts.as_second(), u32::try_from(ts.subsec_nanosecond()).ok()?)
}

fn from_chrono(dt: chrono::DateTime<chrono::Utc>) -> Option<jiff::Timestamp> {
    jiff::Timestamp::new(dt.timestamp(), i32::try_from(dt.timestamp_subsec_nanos()).ok()?).ok()
}

fn malformed(text: &str, at: &Break) -> FeedError {
    let (line, column) = at.line_column(text);
    FeedError::Malformed { line, column, message: at.message.clone() }
}

fn is_usable(feed: &model::Feed) -> bool {
    !feed.entries.is_empty() || feed.title.is_some()
}

/// feed-rs, retried with the content types it refuses (`type="image/jpeg"`, Atom 0.3 MIME types)
/// rewritten to `text` or `html`.
fn feed_rs_lenient(text: &str, warnings: &mut Vec<String>) -> Result<model::Feed, feed_rs::parser::ParseFeedError> {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    let mut current = Cow::Borrowed(text);
    for _ in 0..32 {
        match feed_rs(&current) {
            Err(ParseFeedError::ParseError(ParseErrorKind::UnknownMimeType { mime, .. })) => {
                // feed-rs refuses this type wherever it appears: rewrite its first occurrence
                let from = 0;
                let tail = &current[..];
                let Some(at) = [format!("\"{mime}\""), format!("'{mime}'")].iter().filter_map(|q| tail.find(q)).min()
                else {
                    return feed_rs(&current);
                };
                let replacement = if mime.starts_with("text/plain") { "\"text\"" } else { "\"html\"" };
                let mut fixed = String::with_capacity(current.len());
                fixed.push_str(&current[..from + at]);
                fixed.push_str(replacement);
                fixed.push_str(&current[from + at + mime.len() + 2..]);
                warnings.push(format!("unsupported content type {mime:?} read as {replacement}"));
                current = Cow::Owned(fixed);
            }
            other => return other,
        }
    }
    feed_rs(&current)
}

/// feed-rs on XML text; on failure, the document cut after the last complete item.
fn parse_xml(text: &str, warnings: &mut Vec<String>) -> Result<(model::Feed, bool), FeedError> {
    if let Some(feed) = crate::fast::parse(text) {
        return Ok((feed, false));
    }
    let first = match feed_rs_lenient(text, warnings) {
        Ok(feed) => return Ok((feed, false)),
        Err(e) => e,
    };
    if let Some(e) = panicked(&first) {
        return Err(e);
    }
    if matches!(first, feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot)) {
        let root = root_name(text);
        if matches!(root.as_str(), "rss" | "RDF" | "feed") && recover::repair_xml(text).is_ok_and(|r| r.is_none()) {
            // A well-formed feed document with no channel: a feed with nothing in it.
            warnings.push(format!("<{root}> holds no channel"));
            if let Ok(feed) = feed_rs("<rss version=\"2.0\"><channel></channel></rss>") {
                return Ok((feed, false));
            }
        }
        return Err(FeedError::NotAFeed { reason: not_a_feed_reason(text) });
    }
    let message = first.to_string();
    match recover::repair_xml(text) {
        Ok(Some(repaired)) => match feed_rs_lenient(&repaired.text, warnings) {
            Ok(feed) if is_usable(&feed) => {
                let (line, column) = repaired.at.line_column(text);
                warnings.push(format!(
                    "damaged feed at line {line}, column {column}: {}; kept the {} items before it",
                    repaired.at.message,
                    feed.entries.len()
                ));
                Ok((feed, true))
            }
            _ => Err(malformed(text, &repaired.at)),
        },
        Err(at) => Err(malformed(text, &at)),
        Ok(None) if message.contains("Url error") && text.contains("xml:base") => {
            // An unparseable xml:base: read the feed without any.
            let without = text.replace("xml:base=", "xml:ignored-base=");
            let feed = feed_rs_lenient(&without, warnings).map_err(|e| FeedError::Malformed {
                line: 1,
                column: 1,
                message: e.to_string(),
            })?;
            warnings.push("invalid xml:base ignored".into());
            Ok((feed, false))
        }
        Ok(None) => Err(FeedError::Malformed { line: 1, column: 1, message }),
    }
}

fn root_name(text: &str) -> String {
    let Some((_, tag)) = root_tag(text) else { return String::new() };
    let name: String = tag[1..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
    name.rsplit(':').next().unwrap_or_default().to_string()
}

fn not_a_feed_reason(text: &str) -> String {
    match root_tag(text) {
        Some((_, tag)) => {
            let name: String = tag[1..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
            format!("the root element <{name}> is not rss, rdf:RDF or feed")
        }
        None => "no root element".into(),
    }
}

fn parse_json(text: &str, warnings: &mut Vec<String>) -> Result<(model::Feed, bool), FeedError> {
    let err = match feed_rs(text) {
        Ok(feed) => return Ok((feed, false)),
        Err(e) => e,
    };
    if let Some(e) = panicked(&err) {
        return Err(e);
    }
    let (line, column, message) = match &err {
        feed_rs::parser::ParseFeedError::JsonSerde(e) => (e.line(), e.column(), e.to_string()),
        feed_rs::parser::ParseFeedError::JsonUnsupportedVersion(v) => {
            return Err(FeedError::NotAFeed { reason: format!("unsupported JSON Feed version {v:?}") })
        }
        other => return Err(FeedError::NotAFeed { reason: other.to_string() }),
    };
    let at = recover::offset_of(text, line, column);
    if let Some(repaired) = recover::repair_json(text, at) {
        if let Ok(feed) = feed_rs(&repaired) {
            if is_usable(&feed) {
                warnings.push(format!(
                    "damaged feed at line {line}, column {column}: {message}; kept the {} items before it",
                    feed.entries.len()
                ));
                return Ok((feed, true));
            }
        }
    }
    if message.contains("missing field") || message.contains("invalid type") {
        return Err(FeedError::NotAFeed { reason: format!("JSON but not a JSON Feed: {message}") });
    }
    Err(FeedError::Malformed { line: line as u64, column: column as u64, message })
}

/// The first element start tag (after the prolog): its offset and text up to `>`.
pub(crate) fn root_tag(text: &str) -> Option<(usize, &str)> {
    let mut from = 0;
    loop {
        let lt = from + text.get(from..)?.find('<')?;
        let rest = &text[lt..];
        if rest.starts_with("<!--") {
            from = lt + memchr::memmem::find(rest.as_bytes(), b"-->")? + 3;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            // a DOCTYPE may hold an internal subset in brackets
            let gt = rest.find('>')?;
            let end = if rest.starts_with("<!DOCTYPE") && rest[..gt].contains('[') {
                memchr::memmem::find(rest.as_bytes(), b"]>").map(|i| i + 1)?
            } else {
                gt
            };
            from = lt + end + 1;
        } else {
            let gt = rest.find('>')?;
            return Some((lt, &rest[..gt]));
        }
    }
}

/// Rewrites the dialects feed-rs does not know into ones it does: RSS versions other than
/// 0.91/0.92/2.0, RSS 2 with a default namespace, RSS 0.90 and Atom 0.3 namespaces.
/// Returns the hint that the feed is an RSS 0.9x.
fn prepare_xml(text: &str) -> (Cow<'_, str>, Option<FeedKind>) {
    let (text, hint) = prepare_dialect(text);
    (neutralise_late_declarations(text), hint)
}

/// An `<?xml …?>` declaration after the start is illegal, and makes quick-xml (under feed-rs)
/// switch encodings mid-stream and panic: turn it into an ordinary processing instruction.
fn neutralise_late_declarations(text: Cow<'_, str>) -> Cow<'_, str> {
    let is_late_decl = |s: &str| {
        memchr::memmem::find_iter(s.as_bytes(), b"<?xml")
            .any(|i| s[i + 5..].starts_with(|c: char| c.is_ascii_whitespace() || c == '?'))
    };
    if !is_late_decl(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = &text[..];
    while let Some(i) = rest.find("<?xml") {
        out.push_str(&rest[..i]);
        if rest[i + 5..].starts_with(|c: char| c.is_ascii_whitespace() || c == '?') {
            out.push_str("<?ignored-xml");
        } else {
            out.push_str("<?xml");
        }
        rest = &rest[i + 5..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn prepare_dialect(text: &str) -> (Cow<'_, str>, Option<FeedKind>) {
    let Some((at, tag)) = root_tag(text) else {
        return (Cow::Borrowed(text), None);
    };
    let name_end = tag.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(tag.len());
    let name = &tag[1..name_end];
    let local = name.rsplit(':').next().unwrap_or(name);
    if name == "rss" {
        let version = attr(tag, "version");
        let ns = attr(tag, "xmlns");
        let ok = matches!(version, Some("2.0" | "" | "0.91" | "0.92"));
        let hint = version.filter(|v| v.starts_with("0.9")).map(|_| FeedKind::Rss09x);
        if ok && ns.is_none() {
            return (Cow::Borrowed(text), hint);
        }
        let new_version = if hint.is_some() { "0.92" } else { "2.0" };
        let mut new_tag = String::from("<rss version=\"");
        new_tag.push_str(new_version);
        new_tag.push('"');
        new_tag.push_str(&strip_attr(&strip_attr(&tag[4..], "version"), "xmlns"));
        let mut out = String::with_capacity(text.len() + 16);
        out.push_str(&text[..at]);
        out.push_str(&new_tag);
        out.push_str(&text[at + tag.len()..]);
        return (Cow::Owned(out), hint);
    }
    if local == "RDF" && text.contains("http://my.netscape.com/rdf/simple/0.9/") {
        let out = text.replace("http://my.netscape.com/rdf/simple/0.9/", "http://purl.org/rss/1.0/");
        return (Cow::Owned(out), Some(FeedKind::Rss09x));
    }
    if local == "feed" && text.contains("http://purl.org/atom/ns#") {
        let mut out = text.replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom");
        for (old, new) in [
            ("modified>", "updated>"),
            ("issued>", "published>"),
            ("<tagline", "<subtitle"),
            ("</tagline>", "</subtitle>"),
            ("<copyright", "<rights"),
            ("</copyright>", "</rights>"),
            ("<url>", "<uri>"),
            ("</url>", "</uri>"),
            ("type=\"application/xhtml+xml\"", "type=\"xhtml\""),
            ("type=\"text/html\"", "type=\"html\""),
            ("type=\"text/plain\"", "type=\"text\""),
        ] {
            if out.contains(old) {
                out = out.replace(old, new);
            }
        }
        return (Cow::Owned(out), None);
    }
    (Cow::Borrowed(text), None)
}

/// The value of attribute `name` in a start tag's text (simple quoting only).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = tag.get(from..)?.find(name) {
        let at = from + i;
        from = at + name.len();
        if !tag[..at].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else { continue };
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value = &rest[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

/// The tag text without attribute `name`.
fn strip_attr(tag: &str, name: &str) -> String {
    let Some(value) = attr(tag, name) else {
        return tag.to_string();
    };
    let value_at = value.as_ptr() as usize - tag.as_ptr() as usize;
    let start = tag[..value_at].rfind(name).unwrap_or(value_at);
    let end = (value_at + value.len() + 1).min(tag.len());
    format!("{}{}", &tag[..start], &tag[end..])
}

fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

fn is_html(media: &str) -> bool {
    media.contains("html")
}

/// A title or description as plain text (markup dropped, entities decoded) when it may be HTML.
fn plain(content: &str, may_be_html: bool) -> String {
    if may_be_html && content.contains(['<', '&']) {
        sanitize_html(content, None).text
    } else {
        let mut out = String::with_capacity(content.len());
        for w in content.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        out
    }
}

fn text_plain(text: &model::Text, kind: FeedKind) -> Option<String> {
    let may_be_html = kind != FeedKind::Atom || is_html(text.content_type.as_str());
    let out = plain(&text.content, may_be_html);
    (!out.is_empty()).then_some(out)
}

/// `href` made absolute against the first base that works.
fn absolute(href: &str, bases: &[Option<&Url>]) -> String {
    let href = href.trim();
    match Url::parse(href) {
        Ok(u) => u.to_string(),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            bases.iter().flatten().find_map(|b| b.join(href).ok()).map_or_else(|| href.to_string(), |u| u.to_string())
        }
        Err(_) => href.to_string(),
    }
}

fn main_link(links: &[model::Link]) -> Option<&model::Link> {
    links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")) && !l.href.trim().is_empty())
        .or_else(|| links.iter().find(|l| !matches!(l.rel.as_deref(), Some("self" | "enclosure" | "hub"))))
}

fn convert(raw: model::Feed, hint: Option<FeedKind>, opts: &ParseOptions, warnings: &mut Vec<String>) -> ParsedFeed {
    let kind = match raw.feed_type {
        model::FeedType::Atom => FeedKind::Atom,
        model::FeedType::JSON => FeedKind::Json,
        model::FeedType::RSS0 => FeedKind::Rss09x,
        model::FeedType::RSS1 => hint.unwrap_or(FeedKind::Rss1),
        model::FeedType::RSS2 => hint.unwrap_or(FeedKind::Rss2),
    };
    let base_url = opts.base_url.as_ref();
    let site_url = main_link(&raw.links).map(|l| absolute(&l.href, &[base_url]));
    let site = site_url.as_deref().and_then(|s| Url::parse(s).ok());
    let mut items = Vec::with_capacity(raw.entries.len().min(opts.max_items));
    if raw.entries.len() > opts.max_items {
        warnings.push(format!("{} items, only the first {} kept", raw.entries.len(), opts.max_items));
    }
    let feed_author = raw.authors.first();
    for entry in raw.entries.into_iter().take(opts.max_items) {
        let entry_base = entry.base.as_deref().and_then(|b| Url::parse(b).ok());
        let bases = [entry_base.as_ref(), site.as_ref(), base_url];
        let url = main_link(&entry.links).map(|l| absolute(&l.href, &bases)).or_else(|| {
            // an RSS guid that is a URL is the item's permalink
            let id = entry.id.trim();
            (id.starts_with("http://") || id.starts_with("https://")).then(|| id.to_string())
        });
        let title = entry.title.as_ref().and_then(|t| text_plain(t, kind));
        let published = entry.published.and_then(from_chrono);
        let updated = entry.updated.and_then(from_chrono);
        let content_base = bases.iter().flatten().next().copied();
        let body = content_of(&entry, opts.max_text_bytes, content_base);
        let id = match entry.id.trim() {
            "" => url.clone().unwrap_or_else(|| hash_id(title.as_deref(), published.or(updated), &body.text)),
            id => id.to_string(),
        };
        let author = entry.authors.first().or(feed_author).map(|p| Author {
            name: p.name.as_ref().map(|n| author_name(&plain(n, true))).filter(|n| !n.is_empty() && n != "Unknown"),
            email: p.email.clone(),
            uri: p.uri.as_deref().map(|u| absolute(u, &bases)),
        });
        let mut categories: Vec<String> = Vec::new();
        for c in &entry.categories {
            let name = if c.term.trim().is_empty() { c.label.as_deref().unwrap_or_default() } else { &c.term };
            let name = name.trim();
            if !name.is_empty() && !categories.iter().any(|x| x == name) {
                categories.push(name.to_string());
            }
        }
        items.push(FeedItem {
            id,
            url,
            title,
            author,
            published,
            updated,
            html: body.html,
            text: body.text,
            language: entry.language.or_else(|| raw.language.clone()),
            categories,
        });
    }
    ParsedFeed {
        kind,
        title: raw.title.as_ref().and_then(|t| text_plain(t, kind)),
        site_url,
        description: raw.description.as_ref().and_then(|t| text_plain(t, kind)),
        language: raw.language,
        ttl_minutes: raw.ttl,
        items,
        recovered: false,
        warnings: Vec::new(),
        encoding: String::new(),
    }
}

/// The item's content (full content, else summary, else media description), sanitised and cut.
fn content_of(entry: &model::Entry, max_text: usize, base: Option<&Url>) -> SafeHtml {
    let (source, html): (&str, bool) = if let Some(body) = entry.content.as_ref().and_then(|c| c.body.as_deref()) {
        let media = entry.content.as_ref().map(|c| c.content_type.as_str()).unwrap_or("text/html");
        (body, is_html(media) || !media.starts_with("text/plain"))
    } else if let Some(summary) = &entry.summary {
        (&summary.content, true)
    } else if let Some(desc) = entry.media.iter().find_map(|m| m.description.as_ref()) {
        (&desc.content, is_html(desc.content_type.as_str()))
    } else {
        return SafeHtml::default();
    };
    let source = cut_at_char_boundary(source, max_text.saturating_mul(2));
    let mut safe = if html {
        sanitize_html(source, base)
    } else {
        let text = source.trim().to_string();
        SafeHtml { html: escape_html(&text), text }
    };
    if safe.text.len() > max_text {
        let cut = cut_at_char_boundary(&safe.text, max_text).len();
        safe.text.truncate(cut);
    }
    safe
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// A stable id for an item with neither guid nor link.
fn hash_id(title: Option<&str>, date: Option<jiff::Timestamp>, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(title.unwrap_or_default().as_bytes());
    h.update([0]);
    h.update(date.map(|d| d.to_string()).unwrap_or_default().as_bytes());
    if title.is_none() && date.is_none() {
        h.update([0]);
        h.update(text.as_bytes());
    }
    let digest = h.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(5 + 32);
    out.push_str("hash:");
    for b in &digest[..16] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// RSS writes `email (Name)`; feed-rs keeps the parentheses on the name: `(Marie)` → `Marie`.
fn author_name(name: &str) -> String {
    let trimmed = name.trim();
    match trimmed.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
        Some(inner) => inner.trim().to_owned(),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn an_rss_author_written_email_then_name_gives_the_name() {
        let feed = super::parse(
            b"<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><guid>1</guid>\
              <author>marie@blog.test (Marie)</author></item></channel></rss>",
            &crate::ParseOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let author = feed.items[0].author.clone().unwrap_or_else(|| panic!("no author"));
        assert_eq!(author.name.as_deref(), Some("Marie"));
        assert_eq!(author.email.as_deref(), Some("marie@blog.test"));
    }

    #[test]
    fn attributes_are_found_and_removed() {
        let tag = r#"<rss xmlns="http://backend.userland.com/rss2" version='0.94'"#;
        assert_eq!(attr(tag, "version"), Some("0.94"));
        assert_eq!(attr(tag, "xmlns"), Some("http://backend.userland.com/rss2"));
        assert_eq!(strip_attr(tag, "xmlns"), "<rss  version='0.94'");
    }

    /// The fast reader (src/fast.rs) must give, on every corpus document it accepts, what feed-rs gives.
    #[test]
    fn the_fast_reader_agrees_with_feed_rs_on_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut stack = vec![root];
        let (mut accepted, mut total) = (0, 0);
        let opts = ParseOptions {
            base_url: Some(Url::parse("http://corpus.example/dir/feed.xml").unwrap()),
            ..ParseOptions::default()
        };
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let decoded = encoding::decode(&bytes, None);
                let (prepared, hint) = prepare_xml(&decoded.text);
                total += 1;
                let Some(fast) = crate::fast::parse(&prepared) else { continue };
                accepted += 1;
                let slow = feed_rs(&prepared).unwrap_or_else(|e| panic!("feed-rs refused {}: {e}", path.display()));
                let (mut w1, mut w2) = (Vec::new(), Vec::new());
                assert_eq!(
                    convert(fast, hint, &opts, &mut w1),
                    convert(slow, hint, &opts, &mut w2),
                    "{}",
                    path.display()
                );
                assert_eq!(w1, w2, "{}", path.display());
            }
        }
        assert!(accepted * 10 > total, "the fast reader took only {accepted} of {total} documents");
    }

    #[test]
    fn the_root_tag_is_found_after_the_prolog() {
        let doc = "<!-- c --><!DOCTYPE rss [<!ENTITY a 'b'>]><?pi x?><rss version=\"2.0\"><channel/></rss>";
        assert_eq!(root_tag(doc).unwrap().1, "<rss version=\"2.0\"");
    }
}
