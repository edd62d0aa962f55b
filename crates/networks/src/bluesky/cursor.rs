//! The Bluesky search cursor we hand out: a mark of the newest posts already returned, so the next
//! search returns only posts after it.
//!
//! `searchPosts`' own cursor pages backwards (towards older posts); ours points forwards. A mark is
//! the newest `sortAt` returned (the earlier of `createdAt` and `indexedAt`, the time the AppView
//! sorts "latest" by and compares `since` with) and the URIs of the returned posts carrying exactly
//! that time, so posts sharing the instant are neither lost nor returned twice.

use jiff::Timestamp;

const PREFIX: &str = "bsky1|";

/// Where a previous search stopped: its newest post time and the posts seen at that exact time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) at: Timestamp,
    pub(crate) uris: Vec<String>,
}

impl Mark {
    /// Reads a cursor this module wrote; `None` when it is not one.
    pub(crate) fn parse(cursor: &str) -> Option<Mark> {
        let rest = cursor.strip_prefix(PREFIX)?;
        let mut parts = rest.split('|');
        let at: Timestamp = parts.next()?.parse().ok()?;
        let uris: Vec<String> = parts.filter(|u| u.starts_with("at://")).map(str::to_owned).collect();
        Some(Mark { at, uris })
    }

    /// The cursor text: `bsky1|<RFC 3339 time>|<at-uri>|…` (AT URIs never contain `|`).
    pub(crate) fn encode(&self) -> String {
        let mut out = format!("{PREFIX}{}", self.at);
        for uri in &self.uris {
            out.push('|');
            out.push_str(uri);
        }
        out
    }

    /// Whether a post with this sort time and URI comes after the mark.
    pub(crate) fn is_before(&self, sort_at: Timestamp, uri: &str) -> bool {
        sort_at > self.at || (sort_at == self.at && !self.uris.iter().any(|u| u == uri))
    }

    /// The mark of a page's posts given newest first as `(sort time, uri)`; `None` when empty.
    pub(crate) fn of_newest<'a>(mut posts: impl Iterator<Item = (Timestamp, &'a str)>) -> Option<Mark> {
        let (at, first) = posts.next()?;
        let mut uris = vec![first.to_owned()];
        for (t, uri) in posts {
            if t == at {
                uris.push(uri.to_owned());
            } else if t < at {
                break;
            }
        }
        Some(Mark { at, uris })
    }

    /// The `since` parameter for `searchPosts` (inclusive): the mark's time floored to the millisecond.
    pub(crate) fn since_param(&self) -> String {
        let ms = self.at.as_millisecond();
        Timestamp::from_millisecond(ms).map(|t| format!("{t:.3}")).unwrap_or_else(|_| self.at.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_mark_survives_its_text_form() {
        let mark =
            Mark { at: ts("2025-01-02T03:04:05.678901Z"), uris: vec!["at://did:plc:a/app.bsky.feed.post/1".into()] };
        assert_eq!(Mark::parse(&mark.encode()), Some(mark));
    }

    #[test]
    fn foreign_cursors_are_refused() {
        assert_eq!(Mark::parse("1700000000000::abc"), None);
        assert_eq!(Mark::parse("bsky1|not a time"), None);
    }

    #[test]
    fn posts_at_the_mark_time_count_as_new_only_when_unseen() {
        let mark = Mark { at: ts("2025-01-01T00:00:00Z"), uris: vec!["at://x/a".into()] };
        assert!(!mark.is_before(ts("2025-01-01T00:00:00Z"), "at://x/a"));
        assert!(mark.is_before(ts("2025-01-01T00:00:00Z"), "at://x/b"));
        assert!(mark.is_before(ts("2025-01-01T00:00:00.001Z"), "at://x/a"));
        assert!(!mark.is_before(ts("2024-12-31T23:59:59Z"), "at://x/c"));
    }

    #[test]
    fn the_mark_of_a_page_keeps_every_post_at_its_newest_time() {
        let t1 = ts("2025-01-01T00:00:01Z");
        let t0 = ts("2025-01-01T00:00:00Z");
        let mark = Mark::of_newest([(t1, "at://x/a"), (t1, "at://x/b"), (t0, "at://x/c")].into_iter()).unwrap();
        assert_eq!(mark, Mark { at: t1, uris: vec!["at://x/a".into(), "at://x/b".into()] });
        assert_eq!(mark.since_param(), "2025-01-01T00:00:01.000Z");
    }
}
