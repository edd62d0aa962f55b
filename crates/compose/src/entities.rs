//! Hashtags, mentions and URLs in a post's text, with UTF-8 byte offsets, and the Bluesky rich-text facets built
//! from them.
//!
//! Choices: a URL is a link only with an explicit `http://` or `https://` scheme (linkify finds it and leaves out
//! trailing punctuation and unbalanced brackets). A bare `example.com/path` stays text on every network, so what the
//! preview shows is what gets linked, and `1.5` or `fichier.txt` never become links. A `#` or `@` inside a URL, or
//! right after a letter, digit or `_` (`C#`, `alice@example.com`), starts nothing. A hashtag made only of digits
//! (`#2026`) is not a hashtag, as on Mastodon, X and Bluesky.

use linkify::{LinkFinder, LinkKind};
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Url,
    Hashtag,
    Mention,
}

/// One entity: `text[start..end]` (byte offsets) is what was written, `#` and `@` included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub start: usize,
    pub end: usize,
    /// The URL as written; the tag without `#`; the handle without the first `@` (`alice.bsky.social`,
    /// `user@social.example`).
    pub value: String,
}

/// The longest tag Bluesky makes a facet of, in graphemes.
pub const BLUESKY_MAX_TAG_GRAPHEMES: usize = 64;

/// The entities of `text`, in order, never overlapping.
pub fn entities(text: &str) -> Vec<Entity> {
    let mut found = urls(text);
    let mut others = Vec::new();
    let inside_url = |i: usize| found.iter().any(|u: &Entity| u.start <= i && i < u.end);
    let mut iter = text.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((i, c)) = iter.next() {
        let entity = match c {
            '#' | '＃' if !inside_url(i) && starts_word(previous) => hashtag(text, i, c.len_utf8()),
            '@' if !inside_url(i) && starts_word(previous) => mention(text, i),
            _ => None,
        };
        previous = Some(c);
        if let Some(entity) = entity {
            // Skip what the entity covers.
            while iter.peek().is_some_and(|(j, _)| *j < entity.end) {
                previous = iter.next().map(|(_, c)| c);
            }
            others.push(entity);
        }
    }
    found.append(&mut others);
    found.sort_by_key(|e| e.start);
    found
}

fn urls(text: &str) -> Vec<Entity> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(true);
    finder
        .links(text)
        .filter(|link| {
            let s = link.as_str();
            let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
            (lower.starts_with("http://") && s.len() > 7) || (lower.starts_with("https://") && s.len() > 8)
        })
        .map(|link| Entity { kind: EntityKind::Url, start: link.start(), end: link.end(), value: link.as_str().into() })
        .collect()
}

/// Whether an entity may start after `previous`.
fn starts_word(previous: Option<char>) -> bool {
    previous.is_none_or(|p| !(p.is_alphanumeric() || matches!(p, '_' | '&' | '#' | '＃' | '@' | '.' | '/')))
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
        || matches!(c, '\u{200C}' | '\u{200D}')
}

fn hashtag(text: &str, at: usize, hash_len: usize) -> Option<Entity> {
    let body_start = at + hash_len;
    let rest = text.get(body_start..)?;
    let len: usize =
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || is_combining(*c)).map(char::len_utf8).sum();
    let tag = rest.get(..len)?;
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) || tag.starts_with(is_combining) {
        return None;
    }
    Some(Entity { kind: EntityKind::Hashtag, start: at, end: body_start + len, value: tag.to_owned() })
}

fn handle_len(s: &str) -> usize {
    s.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')).count()
}

/// Length without trailing dots and hyphens (`@alice.` ends a sentence).
fn trimmed(s: &str) -> usize {
    s.trim_end_matches(['.', '-']).len()
}

fn mention(text: &str, at: usize) -> Option<Entity> {
    let rest = text.get(at + 1..)?;
    let user = trimmed(rest.get(..handle_len(rest))?);
    if user == 0 || !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut len = user;
    // `@user@domain`: the domain needs a dot and must be right after the user part.
    if rest.get(user..).is_some_and(|r| r.starts_with('@')) && rest.get(..handle_len(rest)).map(str::len) == Some(user)
    {
        let domain_rest = rest.get(user + 1..)?;
        let domain = trimmed(domain_rest.get(..handle_len(domain_rest))?);
        let domain_text = domain_rest.get(..domain)?;
        if domain_text.contains('.') && !domain_text.starts_with(['.', '-']) {
            len = user + 1 + domain;
        }
    }
    let value = rest.get(..len)?;
    Some(Entity { kind: EntityKind::Mention, start: at, end: at + 1 + len, value: value.to_owned() })
}

/// What a Bluesky facet marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetFeature {
    /// `app.bsky.richtext.facet#link`: the URI.
    Link(String),
    /// `app.bsky.richtext.facet#mention`: the handle (lower case, without `@`); the publisher resolves it to a DID.
    Mention(String),
    /// `app.bsky.richtext.facet#tag`: the tag without `#`.
    Tag(String),
}

/// A Bluesky rich-text facet: `byte_start..byte_end` are UTF-8 byte offsets into the post's text, as the AT
/// Protocol requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    pub byte_start: usize,
    pub byte_end: usize,
    pub feature: FacetFeature,
}

/// Whether `handle` can be a Bluesky handle: a domain name of at least two labels, no `@`.
pub fn is_bluesky_handle(handle: &str) -> bool {
    let labels: Vec<&str> = handle.split('.').collect();
    labels.len() >= 2
        && handle.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// The facets Bluesky needs for `text`: links, mentions whose handle is a domain (`@alice.bsky.social`; a bare
/// `@alice` stays text) and tags of at most 64 graphemes.
pub fn bluesky_facets(text: &str) -> Vec<Facet> {
    entities(text)
        .into_iter()
        .filter_map(|e| {
            let feature = match e.kind {
                EntityKind::Url => FacetFeature::Link(e.value),
                EntityKind::Mention if is_bluesky_handle(&e.value) => {
                    FacetFeature::Mention(e.value.to_ascii_lowercase())
                }
                EntityKind::Hashtag if e.value.graphemes(true).count() <= BLUESKY_MAX_TAG_GRAPHEMES => {
                    FacetFeature::Tag(e.value)
                }
                _ => return None,
            };
            Some(Facet { byte_start: e.start, byte_end: e.end, feature })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, kind: EntityKind) -> Vec<String> {
        entities(text).into_iter().filter(|e| e.kind == kind).map(|e| e.value).collect()
    }

    #[test]
    fn hashtags_take_accents_and_refuse_csharp_and_numbers() {
        assert_eq!(values("Un #café au #Marché_Bio, C# et #2026 !", EntityKind::Hashtag), ["café", "Marché_Bio"]);
        assert_eq!(values("#été2026 et #ne\u{301}", EntityKind::Hashtag), ["été2026", "ne\u{301}"]);
        assert_eq!(values("&#39; ##double", EntityKind::Hashtag), Vec::<String>::new());
    }

    #[test]
    fn nothing_inside_a_url_is_a_hashtag_or_mention() {
        let text = "Voir https://example.com/page#section et https://mastodon.social/@alice #ok";
        assert_eq!(values(text, EntityKind::Hashtag), ["ok"]);
        assert!(values(text, EntityKind::Mention).is_empty());
        assert_eq!(
            values(text, EntityKind::Url),
            ["https://example.com/page#section", "https://mastodon.social/@alice"]
        );
    }

    #[test]
    fn mentions_of_each_kind() {
        assert_eq!(
            values(
                "Merci @alice.bsky.social, @bob@social.example et @carol. Écrire à dan@example.com",
                EntityKind::Mention
            ),
            ["alice.bsky.social", "bob@social.example", "carol"]
        );
    }

    #[test]
    fn offsets_are_utf8_bytes() {
        let text = "Été 🎉 #fête";
        let tag = &entities(text)[0];
        assert_eq!(&text[tag.start..tag.end], "#fête");
        assert_eq!(tag.start, "Été 🎉 ".len());
    }

    #[test]
    fn bare_domains_are_not_links() {
        assert!(values("Rendez-vous sur example.com/agenda", EntityKind::Url).is_empty());
    }

    #[test]
    fn bluesky_handles_are_domains() {
        assert!(is_bluesky_handle("alice.bsky.social"));
        assert!(!is_bluesky_handle("alice"));
        assert!(!is_bluesky_handle("alice..social"));
        assert!(!is_bluesky_handle("user@social.example"));
        assert!(!is_bluesky_handle("host.123"));
    }
}
