//! A mention: one thing said somewhere (an article, a post), normalised whatever its source, and
//! the marks a team puts on it (read, starred, ignored).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::analysis::MentionAnalysis;
use crate::ids::{ClientId, MentionId, SourceId};
use crate::source::SourceKind;

/// Upper bounds on what one mention may carry: the internet is hostile, the archive is not a dump.
pub const MAX_TITLE_CHARS: usize = 500;
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
pub const MAX_HTML_BYTES: usize = 128 * 1024;
pub const MAX_FIELD_CHARS: usize = 300;

/// A mention as a source found it, before it is stored. Text fields are already sanitised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewMention {
    /// What makes it unique in the archive: its canonical URL, else the network's own id.
    pub dedup_key: String,
    pub source_kind: SourceKind,
    /// The address a person opens.
    pub url: String,
    /// Host of `url`, lower case (`www.` kept off).
    pub site: String,
    pub author: Author,
    pub title: String,
    pub text: String,
    pub html: String,
    pub lang: Option<String>,
    pub published: Timestamp,
    pub engagement: Engagement,
    /// Near-duplicate fingerprint of the text (simhash), when the text is long enough to tell.
    pub fingerprint: Option<u64>,
    /// Sentiment and intent, filled in by the application before storing.
    pub analysis: Option<MentionAnalysis>,
}

/// Who said it, as far as the source tells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// `@alice.bsky.social`, `ada@mastodon.example`, or the feed author's name or e-mail.
    pub handle: String,
    pub name: Option<String>,
    pub followers: Option<u64>,
}

/// Counts where the source gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engagement {
    pub likes: Option<u64>,
    pub reposts: Option<u64>,
    pub replies: Option<u64>,
}

/// A stored mention as one client sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub id: MentionId,
    pub source_kind: SourceKind,
    pub url: String,
    pub site: String,
    pub author: Author,
    pub title: String,
    pub text: String,
    pub html: String,
    pub lang: Option<String>,
    pub published: Timestamp,
    pub fetched: Timestamp,
    pub engagement: Engagement,
    /// The first mention of its near-duplicate group (the same article syndicated elsewhere), if
    /// this one is a copy.
    pub duplicate_of: Option<MentionId>,
    /// Sentiment and intent (`None` for mentions stored before analysis existed).
    pub analysis: Option<MentionAnalysis>,
    pub marks: Marks,
}

/// What the team marked on a mention, per client (shared by the team: "someone read it").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    pub read: bool,
    pub starred: bool,
    pub ignored: bool,
    /// Someone should answer it: the inbox picks these up.
    pub needs_reply: bool,
}

/// One of the marks, to set or clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Read,
    Starred,
    Ignored,
    NeedsReply,
}

impl Mark {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "read" => Some(Mark::Read),
            "starred" => Some(Mark::Starred),
            "ignored" => Some(Mark::Ignored),
            "needs_reply" => Some(Mark::NeedsReply),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Read => "read",
            Mark::Starred => "starred",
            Mark::Ignored => "ignored",
            Mark::NeedsReply => "needs_reply",
        }
    }
}

/// Where a client's mention came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MentionLink {
    pub mention_id: MentionId,
    pub client_id: ClientId,
    pub source_id: SourceId,
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// Cuts `s` to at most `max` characters.
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl NewMention {
    /// Applies the size limits to every field, so nothing oversized reaches the archive.
    #[must_use]
    pub fn bounded(mut self) -> Self {
        fn cut_chars(s: &mut String, max: usize) {
            let keep = truncate_chars(s, max).len();
            s.truncate(keep);
        }
        fn cut_bytes(s: &mut String, max: usize) {
            let keep = truncate_bytes(s, max).len();
            s.truncate(keep);
        }
        cut_chars(&mut self.title, MAX_TITLE_CHARS);
        cut_bytes(&mut self.text, MAX_TEXT_BYTES);
        if self.html.len() > MAX_HTML_BYTES {
            // Cutting HTML could leave an open tag: keep the plain text only.
            self.html = String::new();
        }
        cut_chars(&mut self.author.handle, MAX_FIELD_CHARS);
        if let Some(name) = &mut self.author.name {
            cut_chars(name, MAX_FIELD_CHARS);
        }
        cut_bytes(&mut self.url, 2048);
        cut_bytes(&mut self.dedup_key, 2048);
        cut_chars(&mut self.site, 255);
        if let Some(lang) = &mut self.lang {
            cut_chars(lang, 35);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_never_splits_a_character() {
        assert_eq!(truncate_bytes("café", 4), "caf");
        assert_eq!(truncate_bytes("café", 5), "café");
        assert_eq!(truncate_chars("œuvre", 2), "œu");
    }
}
