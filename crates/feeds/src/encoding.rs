//! The character encoding of a document (BOM, then HTTP charset, then XML declaration) and its
//! transcoding to UTF-8 with the declaration removed, so the XML parser reads UTF-8 only.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// A document as UTF-8 text.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    pub warnings: Vec<String>,
}

/// The `charset` parameter of a Content-Type header value, if any (quotes and case tolerated).
pub(crate) fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=').or_else(|| param.split_once(':'))?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!v.is_empty()).then_some(v)
    })
}

/// The `encoding="…"` of an XML declaration at the start of `head` (ASCII-compatible bytes).
fn declared_encoding(head: &[u8]) -> Option<&[u8]> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = &head[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = &decl[at + 8..];
    let rest = &rest[rest.iter().position(|b| *b == b'=')? + 1..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let close = value.iter().position(|b| *b == quote)?;
    Some(&value[..close])
}

/// UTF-16 without a BOM, recognised by how `<?` or `<` is laid out.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [b'<', 0, b'?', 0, ..] | [b'<', 0, _, 0, ..] => Some(UTF_16LE),
        [0, b'<', 0, b'?', ..] | [0, b'<', 0, _, ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// Picks the encoding and decodes to UTF-8. Malformed sequences become U+FFFD (with a warning).
pub(crate) fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    let mut warnings = Vec::new();
    let (encoding, skip) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, bom_len)
    } else if let Some(enc) = sniff_utf16(bytes) {
        (enc, 0)
    } else {
        let from_header = content_type.and_then(charset_of).and_then(|label| {
            let found = Encoding::for_label(label.as_bytes());
            if found.is_none() {
                warnings.push(format!("unknown charset {label:?} in Content-Type, ignored"));
            }
            found
        });
        let from_decl = || {
            declared_encoding(&bytes[..bytes.len().min(1024)]).and_then(|label| {
                let found = Encoding::for_label(label);
                if found.is_none() {
                    warnings.push(format!(
                        "unknown encoding {:?} in the XML declaration, UTF-8 assumed",
                        String::from_utf8_lossy(label)
                    ));
                }
                found
            })
        };
        (from_header.or_else(from_decl).unwrap_or(UTF_8), 0)
    };
    // A declaration naming UTF-16 in a document without a BOM or UTF-16 layout is a lie: read UTF-8.
    let encoding = if skip == 0 && (encoding == UTF_16LE || encoding == UTF_16BE) && sniff_utf16(bytes).is_none() {
        UTF_8
    } else {
        encoding
    };
    let body = &bytes[skip..];
    let text = if encoding == UTF_8 {
        match std::str::from_utf8(body) {
            Ok(s) => Cow::Borrowed(s),
            Err(e) => {
                warnings.push(format!("invalid UTF-8 at byte {}, replaced", e.valid_up_to() + skip));
                Cow::Owned(String::from_utf8_lossy(body).into_owned())
            }
        }
    } else {
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if had_errors {
            warnings.push(format!("invalid {} sequences, replaced", encoding.name()));
        }
        text
    };
    Decoded { text: strip_declaration(text), encoding, warnings }
}

/// Removes a leading XML declaration (it may name the original encoding, which is no longer true).
fn strip_declaration(text: Cow<'_, str>) -> Cow<'_, str> {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let offset = text.len() - trimmed.len();
    if !trimmed.starts_with("<?xml") || trimmed[5..].starts_with(|c: char| c.is_alphanumeric() || c == '-') {
        return if offset == 0 { text } else { cut(text, offset) };
    }
    match trimmed.find("?>") {
        Some(end) => cut(text, offset + end + 2),
        None => text,
    }
}

fn cut(text: Cow<'_, str>, from: usize) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(&s[from..]),
        Cow::Owned(s) => Cow::Owned(s[from..].to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_charset_parameter_is_found_in_odd_spellings() {
        assert_eq!(charset_of("text/xml; charset=ISO-8859-1"), Some("ISO-8859-1"));
        assert_eq!(charset_of("application/rss+xml;charset= \"us-ascii\""), Some("us-ascii"));
        assert_eq!(charset_of("text/xml; charset:iso-8859-1"), Some("iso-8859-1"));
        assert_eq!(charset_of("text/xml"), None);
    }

    #[test]
    fn the_declaration_is_read_then_removed() {
        let d = decode(b"<?xml version='1.0' encoding='iso-8859-1'?><rss>caf\xe9</rss>", None);
        assert_eq!(d.encoding.name(), "windows-1252");
        assert_eq!(d.text, "<rss>café</rss>");
    }

    #[test]
    fn the_http_charset_wins_over_the_declaration_and_the_bom_over_both() {
        let doc = b"<?xml version='1.0' encoding='utf-8'?><rss>\xe9</rss>";
        assert_eq!(decode(doc, Some("text/xml; charset=latin1")).text, "<rss>é</rss>");
        let bom = b"\xef\xbb\xbf<?xml version='1.0' encoding='latin1'?><rss>\xc3\xa9</rss>";
        assert_eq!(decode(bom, Some("text/xml; charset=koi8-r")).text, "<rss>é</rss>");
    }

    #[test]
    fn utf16_without_a_bom_is_recognised() {
        let doc: Vec<u8> = "<?xml version=\"1.0\"?><a>é</a>".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&doc, None);
        assert_eq!(d.text, "<a>é</a>");
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning() {
        let d = decode(b"<a>\xff</a>", None);
        assert_eq!(d.text, "<a>\u{fffd}</a>");
        assert_eq!(d.warnings.len(), 1);
    }
}
