//! Building the leaves of a query from its words: plain words and phrases (split and folded like documents),
//! wildcards, hashtags, mentions, `{exact case}`, and the values of field filters.

use crate::ast::{Filter, LeafKind, Lit, Pat, Scope, TextLeaf};
use crate::error::QueryError;
use crate::fold::{class, fold_char, fold_str, Class};
use crate::limits::{MAX_TERMS, MAX_WILDCARDS, MIN_WILDCARD_PREFIX};

/// The fields a filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Author,
    Site,
    Url,
    Title,
    Lang,
    Source,
    Sentiment,
}

impl Field {
    pub fn from_name(name: &str) -> Option<Field> {
        Some(match name.to_ascii_lowercase().as_str() {
            "author" => Field::Author,
            "site" => Field::Site,
            "url" => Field::Url,
            "title" => Field::Title,
            "lang" => Field::Lang,
            "source" => Field::Source,
            "sentiment" => Field::Sentiment,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Author => "author",
            Field::Site => "site",
            Field::Url => "url",
            Field::Title => "title",
            Field::Lang => "lang",
            Field::Source => "source",
            Field::Sentiment => "sentiment",
        }
    }
}

/// Counts terms and wildcards against the limits.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    terms: usize,
    wildcards: usize,
}

impl Budget {
    pub fn term(&mut self, col: usize) -> Result<(), QueryError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(QueryError::new(format!("too many terms ({MAX_TERMS} at most)"), col));
        }
        Ok(())
    }

    fn wildcard(&mut self, col: usize) -> Result<(), QueryError> {
        self.wildcards += 1;
        if self.wildcards > MAX_WILDCARDS {
            return Err(QueryError::new(format!("too many wildcards ({MAX_WILDCARDS} at most)"), col));
        }
        Ok(())
    }
}

fn is_wild(c: char) -> bool {
    c == '*' || c == '?'
}

/// Pieces of `s` that are words (letters, digits, marks, and wildcards if `wild`), with their char offsets.
fn pieces(s: &str, wild: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (i, c) in s.chars().enumerate() {
        let inside = match class(c) {
            Class::Word => true,
            Class::Mark => !current.is_empty(),
            Class::Other => wild && is_wild(c),
        };
        if inside {
            if current.is_empty() {
                start = i;
            }
            current.push(c);
        } else if !current.is_empty() {
            out.push((start, std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// One word of a text leaf: exact (folded) or a checked wildcard pattern.
fn word_pat(piece: &str, col: usize, budget: &mut Budget) -> Result<Option<Pat>, QueryError> {
    if !piece.chars().any(is_wild) {
        let folded = fold_str(piece);
        return Ok((!folded.is_empty()).then(|| Pat::Exact(Lit::new(folded))));
    }
    let count = piece.chars().count();
    if let Some(i) = piece.chars().position(|c| c == '*').filter(|&i| i + 1 != count) {
        return Err(QueryError::new("* is only allowed at the end of a word", col + i));
    }
    let letters = piece.chars().filter(|&c| class(c) == Class::Word).count();
    if letters < MIN_WILDCARD_PREFIX {
        return Err(QueryError::new(
            format!("wildcard too short: a word with * or ? needs at least {MIN_WILDCARD_PREFIX} letters or digits"),
            col,
        ));
    }
    budget.wildcard(col)?;
    let mut pattern = Vec::new();
    let mut prefix_len = None;
    for c in piece.chars() {
        if is_wild(c) {
            prefix_len.get_or_insert(pattern.len());
            pattern.push(c as u8);
        } else if class(c) != Class::Mark {
            fold_char(c, &mut pattern);
        }
    }
    let pattern = String::from_utf8(pattern).unwrap_or_default();
    let prefix = pattern.get(..prefix_len.unwrap_or(pattern.len())).unwrap_or_default().to_string();
    Ok(Some(Pat::wild(pattern.into_boxed_str(), prefix.into_boxed_str())))
}

/// A plain word or phrase: split and folded like a document; several pieces make a phrase.
pub(crate) fn text(s: &str, col: usize, scope: Scope, budget: &mut Budget, what: &str) -> Result<TextLeaf, QueryError> {
    let mut words = Vec::new();
    for (offset, piece) in pieces(s, true) {
        if let Some(pat) = word_pat(&piece, col + offset, budget)? {
            words.push(pat);
        }
    }
    if words.is_empty() {
        return Err(QueryError::new(format!("nothing to search in {what}: a term needs letters or digits"), col));
    }
    budget.term(col)?;
    Ok(TextLeaf::new(scope, LeafKind::Plain, words))
}

/// `{Word}`: words compared with their case as written.
pub(crate) fn cased(s: &str, col: usize, scope: Scope, budget: &mut Budget) -> Result<TextLeaf, QueryError> {
    if let Some(i) = s.chars().position(is_wild) {
        return Err(QueryError::new("no wildcards inside {…}", col + 1 + i));
    }
    let words: Vec<Pat> = pieces(s, false)
        .into_iter()
        .filter_map(|(_, piece)| {
            let folded = fold_str(&piece);
            (!folded.is_empty()).then(|| Pat::Cased { original: piece.into_boxed_str(), folded: Lit::new(folded) })
        })
        .collect();
    if words.is_empty() {
        return Err(QueryError::new("nothing to search in {…}: a term needs letters or digits", col));
    }
    budget.term(col)?;
    Ok(TextLeaf::new(scope, LeafKind::Cased, words))
}

/// `#tag` (with the `#`): letters, digits, `_`, and wildcards.
pub(crate) fn hashtag(word: &str, col: usize, scope: Scope, budget: &mut Budget) -> Result<TextLeaf, QueryError> {
    let tag = &word[1..];
    if let Some(i) = tag.chars().position(|c| class(c) == Class::Other && c != '_' && !is_wild(c)) {
        return Err(QueryError::new("a hashtag has only letters, digits and _", col + 1 + i));
    }
    let pat =
        word_pat(tag, col + 1, budget)?.ok_or_else(|| QueryError::new("nothing to search in this hashtag", col))?;
    budget.term(col)?;
    Ok(TextLeaf::new(scope, LeafKind::Hashtag, vec![pat]))
}

/// `@handle` or `@user@instance` (with the first `@`).
pub(crate) fn mention(word: &str, col: usize, scope: Scope, budget: &mut Budget) -> Result<TextLeaf, QueryError> {
    let handle = &word[1..];
    let bad = |i: usize| QueryError::new("a mention is @name or @name@instance", col + 1 + i);
    let mut ats = 0;
    for (i, c) in handle.chars().enumerate() {
        let ok = class(c) != Class::Other || matches!(c, '_' | '.' | '-') || (c == '@' && i > 0);
        if c == '@' {
            ats += 1;
        }
        if !ok || ats > 1 {
            return Err(bad(i));
        }
    }
    if handle.ends_with(['.', '-', '@']) || handle.starts_with(['.', '-']) {
        return Err(bad(handle.chars().count().saturating_sub(1)));
    }
    let folded = fold_str(handle);
    budget.term(col)?;
    Ok(TextLeaf::new(scope, LeafKind::Mention, vec![Pat::Exact(Lit::new(folded))]))
}

/// The filter of a field other than `title:` for one value.
pub(crate) fn filter(field: Field, value: &str, col: usize, budget: &mut Budget) -> Result<Filter, QueryError> {
    let value = value.trim();
    let err = |message: String| Err(QueryError::new(message, col));
    let filter = match field {
        Field::Author => {
            let handle = value.trim_start_matches('@').to_lowercase();
            let name: Vec<Lit> =
                pieces(value, false).iter().map(|(_, p)| fold_str(p)).filter(|f| !f.is_empty()).map(Lit::new).collect();
            if handle.is_empty() {
                return err("author: needs a handle or a name".into());
            }
            Filter::Author { handle: handle.into_boxed_str(), name }
        }
        Field::Site => match host(value) {
            Some(h) => Filter::Site(h.into_boxed_str()),
            None => return err("site: needs a host name, like example.com".into()),
        },
        Field::Url => {
            if value.is_empty() {
                return err("url: needs a part of an address".into());
            }
            Filter::Url(value.to_lowercase().into_boxed_str())
        }
        Field::Lang => {
            let code = value.to_ascii_lowercase();
            let ok = (2..=16).contains(&code.len())
                && code.starts_with(|c: char| c.is_ascii_alphabetic())
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return err("lang: needs a language code, like fr or en".into());
            }
            Filter::Lang(code.into_boxed_str())
        }
        Field::Source => match canonical_source(value) {
            Some(s) => Filter::Source(s),
            None => {
                return err(format!(
                    "unknown source \"{value}\": use feed (or rss, atom, blog, news), bluesky or mastodon"
                ))
            }
        },
        Field::Sentiment => match value.to_ascii_lowercase().as_str() {
            "positive" => Filter::Sentiment("positive"),
            "negative" => Filter::Sentiment("negative"),
            "neutral" => Filter::Sentiment("neutral"),
            _ => return err(format!("unknown sentiment \"{value}\": use positive, negative or neutral")),
        },
        Field::Title => return err("title: takes words, not a value".into()),
    };
    budget.term(col)?;
    Ok(filter)
}

/// The canonical name of a source, from its aliases.
pub(crate) fn canonical_source(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "feed" | "rss" | "atom" | "blog" | "news" => "feed",
        "bluesky" | "bsky" => "bluesky",
        "mastodon" => "mastodon",
        _ => return None,
    })
}

/// The host of a `site:` value or of a URL: lowercase, without scheme, user, port, path or `www.`.
pub(crate) fn host(value: &str) -> Option<String> {
    let mut host = String::new();
    host_into(value, &mut host).then_some(host)
}

/// [`host`] written into `out` (cleared first); `false` (and `out` empty) if there is none.
pub(crate) fn host_into(value: &str, out: &mut String) -> bool {
    out.clear();
    let rest = value.find("://").map_or(value, |i| &value[i + 3..]);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let rest = rest.rsplit('@').next().unwrap_or_default();
    let rest = rest.split(':').next().unwrap_or_default();
    let rest = rest.trim_matches('.');
    if rest.is_ascii() {
        out.extend(rest.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&rest.to_lowercase());
    }
    if out.starts_with("www.") {
        out.drain(..4);
    }
    let ok = !out.is_empty()
        && out.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == '_')
        && !out.contains("..");
    if !ok {
        out.clear();
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_lose_scheme_www_port_and_path() {
        assert_eq!(host("https://www.Example.COM:8080/a?b").as_deref(), Some("example.com"));
        assert_eq!(host("blog.example.com").as_deref(), Some("blog.example.com"));
        assert_eq!(host("a b"), None);
        assert_eq!(host(""), None);
    }

    #[test]
    fn wildcard_prefix_is_what_comes_before_the_first_wildcard() {
        let mut b = Budget::default();
        let Some(Pat::Wild { pattern, prefix, .. }) = word_pat("Carref*", 1, &mut b).unwrap() else { panic!() };
        assert_eq!((&*pattern, &*prefix), ("carref*", "carref"));
        let Some(Pat::Wild { pattern, prefix, .. }) = word_pat("colo?r", 1, &mut b).unwrap() else { panic!() };
        assert_eq!((&*pattern, &*prefix), ("colo?r", "colo"));
    }
}
