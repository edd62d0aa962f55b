//! Escaping text we write into XML or HTML ourselves (not the sanitiser's job: that keeps markup we read).

/// A text or attribute value escaped for XML (and so for HTML): `&`, `<`, `>` and `"`, newlines and tabs
/// as character references (attributes would otherwise lose them), and the characters XML 1.0 cannot carry
/// dropped. For what we write ourselves: OPML, the queries' Atom feeds, alert e-mails.
pub fn xml(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // characters XML 1.0 cannot carry at all
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}
