//! Untrusted HTML made safe to show (ammonia), and its plain-text version.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use url::Url;

/// HTML that is safe to insert in a page, and the same content as plain text.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct SafeHtml {
    pub html: String,
    pub text: String,
}

fn builder() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("noopener noreferrer nofollow ugc"));
    b.url_schemes(["http", "https", "mailto"].into_iter().collect());
    b
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(builder)
}

thread_local! {
    /// The base the shared base-resolving builder joins relative links to, set around each clean.
    static BASE: RefCell<Option<Url>> = const { RefCell::new(None) };
}

/// One builder for all bases: relative links are joined to this thread's [`BASE`] exactly as
/// `UrlRelative::RewriteWithBase` would (building an ammonia builder per feed cost more than the clean).
fn base_cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = builder();
        b.url_relative(ammonia::UrlRelative::Custom(Box::new(join_to_base)));
        b
    })
}

fn join_to_base(url: &str) -> Option<Cow<'_, str>> {
    BASE.with(|base| base.borrow().as_ref().and_then(|b| b.join(url).ok()).map(|u| Cow::Owned(u.into())))
}

fn clean_with_base(html: &str, base: &Url) -> String {
    BASE.with(|current| {
        let mut current = current.borrow_mut();
        if current.as_ref() != Some(base) {
            *current = Some(base.clone());
        }
    });
    base_cleaner().clean(html).to_string()
}

/// Sanitises `html` (scripts, styles, event handlers, `javascript:` links removed; relative links
/// resolved against `base` when given) and derives its plain text. Text without `<` or `&` cannot
/// hold markup and skips the HTML parser.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> SafeHtml {
    if !html.contains(['<', '&']) {
        let text = collapse_space(html);
        return SafeHtml { html: html.replace('>', "&gt;"), text };
    }
    if !html.contains('<') {
        if let Some(decoded) = decode_simple_text(html) {
            let html_out = escape_text(&decoded);
            let text = plain_text(&html_out);
            return SafeHtml { html: html_out, text };
        }
    }
    let html_out = match base {
        Some(base) => clean_with_base(html, base),
        None => cleaner().clean(html).to_string(),
    };
    let text = plain_text(&html_out);
    SafeHtml { html: html_out, text }
}

/// Text holding character references but no markup, decoded as the HTML parser would, when every
/// reference is one of the unambiguous forms (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;`,
/// ordinary numeric ones) and no character gets special treatment (CR, NUL, controls, BOM); `None`
/// otherwise, and the parser decides. Spares html5ever for the many titles like `Q&amp;A`.
fn decode_simple_text(s: &str) -> Option<String> {
    let special = |c: char| c == '&' || c == '\u{feff}' || (c.is_control() && c != '\t' && c != '\n');
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(special) {
        out.push_str(&rest[..i]);
        let body = rest[i..].strip_prefix('&')?;
        // `&` not followed by a letter, digit or `#` is not a reference
        if !body.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '#') {
            out.push('&');
            rest = body;
            continue;
        }
        let semi = body.bytes().take(12).position(|b| b == b';')?;
        let name = &body[..semi];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => {
                let (digits, radix) = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    Some(hex) => (hex, 16),
                    None => (name.strip_prefix('#')?, 10),
                };
                if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                    return None;
                }
                let n = u32::from_str_radix(digits, radix).ok()?;
                let ordinary = n == 9
                    || n == 10
                    || (0x20..0x7f).contains(&n)
                    || (0xa0..0xd800).contains(&n)
                    || (0xe000..0xfdd0).contains(&n)
                    || (0xfdf0..0xfeff).contains(&n)
                    || (0xff00..0xfffe).contains(&n);
                if !ordinary {
                    return None;
                }
                char::from_u32(n)?
            }
        };
        out.push(c);
        rest = &body[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Text escaped as html5ever's serialiser does outside attributes.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text of already-sanitised HTML: tags dropped, block ends become line breaks, entities
/// decoded, runs of blank space collapsed.
pub fn plain_text(clean_html: &str) -> String {
    let mut out = String::with_capacity(clean_html.len());
    let mut rest = clean_html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>();
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "br" | "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "tr" | "pre"
        ) {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    push_decoded(&mut out, rest);
    collapse_space(&out)
}

fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse::<u32>().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

fn collapse_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(first);
        for w in words {
            out.push(' ');
            out.push_str(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let safe = sanitize_html(
            r#"<p onclick="x()">Bonjour <b>à</b> tous<script>alert(1)</script></p><a href="javascript:alert(1)">l</a>"#,
            None,
        );
        assert!(!safe.html.contains("script"));
        assert!(!safe.html.contains("onclick"));
        assert!(!safe.html.contains("javascript"));
        assert_eq!(safe.text, "Bonjour à tous\nl");
    }

    #[test]
    fn relative_links_are_resolved_against_the_base() {
        let base = Url::parse("https://blog.example/posts/1").unwrap_or_else(|_| unreachable!());
        let safe = sanitize_html(r#"<a href="../img/a.png">a</a>"#, Some(&base));
        assert!(safe.html.contains("https://blog.example/img/a.png"), "{}", safe.html);
    }

    #[test]
    fn text_without_markup_reads_as_the_html_parser_reads_it() {
        for sample in [
            "Q&amp;A",
            "R&D &amp; co",
            "a &lt;b&gt; &quot;c&quot; &apos;d&apos;",
            "caf&#233; &#xE9;t&#XE9; &#x2764;",
            "x&nbsp;y",
            "AT&T; &#; &#x; & &",
            "&copy; 2024",
            "&eacute;t&eacute;",
            "&amp",
            "&#128; &#0; &#x110000;",
            "a\r\nb &amp; c",
            "tab\there &amp;",
            "&#65;&#x42;",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "x\u{a0}&amp;",
        ] {
            let fast = sanitize_html(sample, None);
            let html = cleaner().clean(sample).to_string();
            let slow = SafeHtml { text: plain_text(&html), html };
            assert_eq!(fast, slow, "{sample:?}");
        }
    }

    #[test]
    fn entities_are_decoded_in_the_text() {
        assert_eq!(plain_text("caf&eacute; &amp; th&#233; &#x2764;"), "caf&eacute; & thé ❤");
    }

    #[test]
    fn an_ampersand_before_multibyte_text_is_kept() {
        assert_eq!(plain_text("a &ééééééé; b"), "a &ééééééé; b");
        assert_eq!(sanitize_html("R&D — été", None).text, "R&D — été");
    }
}
