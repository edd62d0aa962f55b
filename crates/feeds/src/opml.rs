//! OPML subscription lists: read the feeds (with the folder each sits in) and write them back.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::recover::Break;

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outline {
    pub title: Option<String>,
    pub xml_url: String,
    pub html_url: Option<String>,
    /// The name of the folder (enclosing outline) the feed sits in, the innermost one when nested.
    pub category: Option<String>,
}

/// Why an OPML document could not be read (line and column count from 1, in the decoded text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("OPML error at line {line}, column {column}: {message}")]
pub struct OpmlError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// Documents larger than this are refused (a subscription list is a few hundred KB at most).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

fn error(text: &str, offset: usize, message: String) -> OpmlError {
    let (line, column) = Break { offset, message: String::new() }.line_column(text);
    OpmlError { line, column, message }
}

fn attr(tag: &BytesStart<'_>, name: &str) -> Option<String> {
    tag.attributes().flatten().find(|a| a.key.local_name().as_ref().eq_ignore_ascii_case(name)).map(|a| {
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.to_string());
        value.trim().to_string()
    })
}

/// The feeds of an OPML document, in document order. Outlines without `xmlUrl` are folders.
pub fn parse(bytes: &[u8]) -> Result<Vec<Outline>, OpmlError> {
    if bytes.len() > MAX_BYTES {
        return Err(OpmlError { line: 1, column: 1, message: format!("document larger than {MAX_BYTES} bytes") });
    }
    let text = crate::encoding::decode(bytes, None).text;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut outlines = Vec::new();
    // One entry per open <outline>: the folder name it opens, if it is a folder.
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut depth = 0usize;
    let mut seen_root = false;
    loop {
        let event = reader.read_event();
        let (tag, is_start) = match event {
            Ok(Event::Start(tag)) => (tag, true),
            Ok(Event::Empty(tag)) => (tag, false),
            Ok(Event::End(tag)) => {
                depth = depth.saturating_sub(1);
                if tag.local_name().as_ref().eq_ignore_ascii_case("outline") {
                    folders.pop();
                }
                continue;
            }
            Ok(Event::Eof) if depth > 0 => {
                return Err(error(&text, text.len(), "the document ends before </opml>".into()));
            }
            Ok(Event::Eof) => break,
            Ok(_) => continue,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                return Err(error(&text, at, e.to_string()));
            }
        };
        if !seen_root {
            seen_root = true;
            if !tag.local_name().as_ref().eq_ignore_ascii_case("opml") {
                let name = tag.name().as_ref().to_string();
                let at = usize::try_from(reader.buffer_position()).unwrap_or(0);
                return Err(error(&text, at, format!("the root element is <{name}>, not <opml>")));
            }
        }
        if is_start {
            depth += 1;
            if depth > 1024 {
                return Err(error(&text, 0, "outlines nested too deeply".into()));
            }
        }
        if !tag.local_name().as_ref().eq_ignore_ascii_case("outline") {
            continue;
        }
        let title =
            attr(&tag, "title").filter(|t| !t.is_empty()).or_else(|| attr(&tag, "text")).filter(|t| !t.is_empty());
        let xml_url = attr(&tag, "xmlUrl").filter(|u| !u.is_empty());
        if let Some(xml_url) = xml_url {
            outlines.push(Outline {
                title,
                xml_url,
                html_url: attr(&tag, "htmlUrl").filter(|u| !u.is_empty()),
                category: folders.iter().rev().flatten().next().cloned(),
            });
            if is_start {
                folders.push(None);
            }
        } else if is_start {
            folders.push(title);
        }
    }
    if !seen_root {
        return Err(OpmlError { line: 1, column: 1, message: "no <opml> element".into() });
    }
    Ok(outlines)
}

fn write_outline(out: &mut String, o: &Outline, indent: &str) {
    let title = crate::escape::xml(o.title.as_deref().unwrap_or(&o.xml_url));
    out.push_str(indent);
    out.push_str("<outline type=\"rss\" text=\"");
    out.push_str(&title);
    out.push_str("\" title=\"");
    out.push_str(&title);
    out.push_str("\" xmlUrl=\"");
    out.push_str(&crate::escape::xml(&o.xml_url));
    out.push('"');
    if let Some(html) = &o.html_url {
        out.push_str(" htmlUrl=\"");
        out.push_str(&crate::escape::xml(html));
        out.push('"');
    }
    out.push_str("/>\n");
}

/// An OPML 2.0 document: outlines without a category first, then one folder per category (in
/// order of first appearance).
pub fn write(title: &str, outlines: &[Outline]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    out.push_str("    <title>");
    out.push_str(&crate::escape::xml(title));
    out.push_str("</title>\n  </head>\n  <body>\n");
    for o in outlines.iter().filter(|o| o.category.is_none()) {
        write_outline(&mut out, o, "    ");
    }
    let mut categories: Vec<&str> = Vec::new();
    for c in outlines.iter().filter_map(|o| o.category.as_deref()) {
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    for c in categories {
        let name = crate::escape::xml(c);
        out.push_str("    <outline text=\"");
        out.push_str(&name);
        out.push_str("\" title=\"");
        out.push_str(&name);
        out.push_str("\">\n");
        for o in outlines.iter().filter(|o| o.category.as_deref() == Some(c)) {
            write_outline(&mut out, o, "      ");
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0"><head><title>mes flux</title></head><body>
  <outline text="Loose" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/>
  <outline text="Presse">
    <outline text="Le Monde &amp; co" type="rss" xmlurl="https://lemonde.example/rss"/>
    <outline title="Local"><outline text="Ouest" xmlUrl="https://ouest.example/rss"></outline></outline>
  </outline>
</body></opml>"#;

    #[test]
    fn feeds_are_read_with_their_folder() {
        let got = parse(DOC.as_bytes()).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].category, None);
        assert_eq!(got[0].html_url.as_deref(), Some("https://a.example/"));
        assert_eq!(got[1].title.as_deref(), Some("Le Monde & co"));
        assert_eq!(got[1].category.as_deref(), Some("Presse"));
        assert_eq!(got[2].category.as_deref(), Some("Local"));
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let outlines = parse(DOC.as_bytes()).unwrap();
        let mut odd = outlines.clone();
        odd.push(Outline {
            title: Some("quotes \" <tags> & new\nline".into()),
            xml_url: "https://x.example/?a=1&b=2".into(),
            html_url: None,
            category: Some("Presse".into()),
        });
        let written = write("Mes <flux>", &odd);
        let mut back = parse(written.as_bytes()).unwrap();
        let mut expected = odd.clone();
        expected.sort_by(|a, b| a.xml_url.cmp(&b.xml_url));
        back.sort_by(|a, b| a.xml_url.cmp(&b.xml_url));
        assert_eq!(back, expected);
    }

    #[test]
    fn a_broken_document_names_the_position() {
        let err = parse(b"<opml>\n<body>\n  <outline text='a' xmlUrl='u'></body>").unwrap_err();
        assert_eq!((err.line, err.column), (3, 32), "{err}");
        let err = parse(b"<html><body/></html>").unwrap_err();
        assert!(err.message.contains("not <opml>"), "{err}");
    }
}
