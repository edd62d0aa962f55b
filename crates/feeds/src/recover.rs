//! Damaged documents: find where an XML or JSON document breaks, and cut it after the last complete
//! item with the open elements closed, so the items before the break can still be read.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Where a document breaks (a byte offset into the UTF-8 text) and why.
#[derive(Debug, Clone)]
pub(crate) struct Break {
    pub offset: usize,
    pub message: String,
}

impl Break {
    /// 1-based line and column (in characters) of the break.
    pub fn line_column(&self, text: &str) -> (u64, u64) {
        let mut at = self.offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &text[..at];
        let line = before.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() as u64 + 1;
        (line, column)
    }
}

/// The document cut after the last complete item (or the last complete element) with every open
/// element closed.
#[derive(Debug)]
pub(crate) struct Repaired {
    pub text: String,
    pub at: Break,
}

fn is_item(local_name: &str) -> bool {
    local_name.eq_ignore_ascii_case("item") || local_name.eq_ignore_ascii_case("entry")
}

/// Finds the first well-formedness break of an XML document. `Ok(None)`: no break found.
/// `Err(break)`: a break before anything complete.
pub(crate) fn repair_xml(text: &str) -> Result<Option<Repaired>, Break> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut after_item: Option<(usize, usize)> = None; // (offset, stack depth) after the last </item>
    let mut after_any: Option<(usize, usize)> = None;
    let mut item_stack: Vec<String> = Vec::new();
    let mut any_stack: Vec<String> = Vec::new();
    let brk = loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if stack.len() > 4096 {
                    break Break { offset: position(&reader), message: "elements nested too deeply".into() };
                }
                stack.push(e.name().as_ref().to_string());
            }
            Ok(Event::End(e)) => {
                stack.pop();
                let at = position(&reader);
                if is_item(e.local_name().as_ref()) {
                    after_item = Some((at, stack.len()));
                    item_stack.clone_from(&stack);
                } else if stack.len() <= 3 && !stack.is_empty() {
                    after_any = Some((at, stack.len()));
                    any_stack.clone_from(&stack);
                }
            }
            Ok(Event::Eof) => {
                if stack.is_empty() {
                    return Ok(None);
                }
                let open = stack.last().map(String::as_str).unwrap_or_default();
                break Break { offset: text.len(), message: format!("the document ends inside <{open}>") };
            }
            Ok(_) => {}
            Err(e) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(text.len());
                break Break { offset, message: e.to_string() };
            }
        }
    };
    let (cut, open) = match (after_item, after_any) {
        (Some((at, _)), _) => (at, item_stack),
        (None, Some((at, _))) => (at, any_stack),
        (None, None) => return Err(brk),
    };
    let mut repaired = String::with_capacity(cut + 64);
    repaired.push_str(text.get(..cut).unwrap_or_default());
    for name in open.iter().rev() {
        repaired.push_str("</");
        repaired.push_str(name);
        repaired.push('>');
    }
    Ok(Some(Repaired { text: repaired, at: brk }))
}

fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// Cuts a damaged JSON document after the last complete element of a top-level array (an item)
/// before `break_offset`, closing what is open. `None` when there is no such element.
pub(crate) fn repair_json(text: &str, break_offset: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut stack: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut best: Option<(usize, Vec<u8>)> = None;
    for (i, &b) in bytes.iter().enumerate().take(break_offset.min(bytes.len())) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if stack.len() > 4096 {
                    break;
                }
                stack.push(b);
            }
            b'}' | b']' => {
                stack.pop();
                if stack.len() == 2 && stack == [b'{', b'['] {
                    best = Some((i + 1, stack.clone()));
                }
            }
            _ => {}
        }
    }
    let (cut, open) = best?;
    let mut out = String::with_capacity(cut + 8);
    out.push_str(text.get(..cut)?);
    for b in open.iter().rev() {
        out.push(if *b == b'{' { '}' } else { ']' });
    }
    Some(out)
}

/// Byte offset of a 1-based line and column (as serde_json reports them).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_truncated_document_is_cut_after_the_last_item() {
        let doc = "<rss><channel><title>t</title><item><title>a</title></item><item><title>b";
        let r = repair_xml(doc).unwrap().unwrap();
        assert_eq!(r.text, "<rss><channel><title>t</title><item><title>a</title></item></channel></rss>");
        assert!(r.at.message.contains("ends inside"), "{}", r.at.message);
    }

    #[test]
    fn a_mismatched_tag_names_its_line() {
        let doc = "<rss><channel>\n<item></item>\n<item><b></item>";
        let r = repair_xml(doc).unwrap().unwrap();
        assert_eq!(r.at.line_column(doc), (3, 10));
        assert!(r.text.ends_with("<item></item></channel></rss>"));
    }

    #[test]
    fn a_well_formed_document_needs_no_repair() {
        assert!(repair_xml("<a><b/></a>").unwrap().is_none());
    }

    #[test]
    fn truncated_json_keeps_whole_items() {
        let doc = r#"{"version":"x","items":[{"id":"1","t":"a}"},{"id":"2"#;
        assert_eq!(repair_json(doc, doc.len()).unwrap(), r#"{"version":"x","items":[{"id":"1","t":"a}"}]}"#);
    }
}
