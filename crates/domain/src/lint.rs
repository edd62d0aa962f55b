//! What the composer's guards report about a draft: findings with a stable code, a severity and where they are.
//!
//! The guards themselves live in `filrouge-compose` (network rules: length, media), `filrouge-lint` (charter and
//! spelling) and `filrouge-resemblance` (wrong client); they all speak this vocabulary so the composer, the
//! command line (`filrouge lint`, JSON) and the CSV importer show one list.

use serde::Serialize;

/// Stable codes: the JSON output of `filrouge lint` and the interface key on them. Never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// Nothing to publish (no text and no media).
    Empty,
    /// Longer than the network (or the charter) allows.
    TooLong,
    /// More hashtags than the charter or the network allows.
    TooManyHashtags,
    /// More @mentions than the network allows.
    TooManyMentions,
    /// A word or expression the charter bans.
    BannedWord,
    /// A hashtag the charter requires is missing.
    MissingHashtag,
    /// The charter's signature does not end the post.
    MissingSignature,
    /// `tu` where the charter says `vous`, or the reverse.
    AddressForm,
    /// Emoji where the charter allows none, or more than it allows.
    Emoji,
    /// A word the dictionaries do not know.
    Spelling,
    /// The draft reads like another client's content.
    WrongClient,
    /// An image without alternative text where the client requires it.
    MissingAltText,
    /// More media than the network takes, or a mix it refuses.
    TooManyMedia,
    /// A media type the network does not take.
    MediaType,
    /// A media file larger than the network takes.
    MediaTooLarge,
    /// Image dimensions or aspect ratio outside the network's range.
    MediaDimensions,
    /// The network needs media and the post has none (Instagram, Pinterest, YouTube, TikTok).
    MediaRequired,
    /// A content warning on a network that has none (it will be dropped).
    Unsupported,
}

impl FindingCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLong => "too_long",
            Self::TooManyHashtags => "too_many_hashtags",
            Self::TooManyMentions => "too_many_mentions",
            Self::BannedWord => "banned_word",
            Self::MissingHashtag => "missing_hashtag",
            Self::MissingSignature => "missing_signature",
            Self::AddressForm => "address_form",
            Self::Emoji => "emoji",
            Self::Spelling => "spelling",
            Self::WrongClient => "wrong_client",
            Self::MissingAltText => "missing_alt_text",
            Self::TooManyMedia => "too_many_media",
            Self::MediaType => "media_type",
            Self::MediaTooLarge => "media_too_large",
            Self::MediaDimensions => "media_dimensions",
            Self::MediaRequired => "media_required",
            Self::Unsupported => "unsupported",
        }
    }
}

/// An error blocks scheduling; a warning is shown and may be overridden; a note is a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Where in the text a finding points: byte offsets into the checked text (`start..end`), and the 1-based line and
/// column (in characters) of `start`, for people and editors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub column: u32,
}

impl Span {
    /// The span of `start..end` in `text`, with its line and column. Offsets past the end are clamped.
    pub fn locate(text: &str, start: usize, end: usize) -> Span {
        let start = start.min(text.len());
        let end = end.clamp(start, text.len());
        let before = text.get(..start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Span { start, end, line: saturating_u32(line), column: saturating_u32(column) }
    }
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One problem (or hint) about a draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// A sentence in English naming the problem and the rule broken (`"312 characters, Bluesky allows 300"`).
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Replacements to offer (spelling suggestions, `vous pouvez` for `tu peux`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// The network the finding is about, when it is network-specific (`"bluesky"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<&'static str>,
    /// For `wrong_client`: the slug of the client the draft resembles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The account the finding is about, when that account sends its own text or media (a variant); a finding
    /// about the post's shared content names only its network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::ids::AccountId>,
}

impl Finding {
    pub fn new(code: FindingCode, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            span: None,
            suggestions: Vec::new(),
            network: None,
            client: None,
            account: None,
        }
    }

    pub fn error(code: FindingCode, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: FindingCode, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    /// Points the finding at `start..end` (byte offsets) of `text`.
    pub fn at(mut self, text: &str, start: usize, end: usize) -> Self {
        self.span = Some(Span::locate(text, start, end));
        self
    }

    pub fn suggest(mut self, suggestions: impl IntoIterator<Item = String>) -> Self {
        self.suggestions.extend(suggestions);
        self
    }

    pub fn on_network(mut self, network: &'static str) -> Self {
        self.network = Some(network);
        self
    }

    /// Names the account the finding is about (its own variant).
    pub fn for_account(mut self, account: crate::ids::AccountId) -> Self {
        self.account = Some(account);
        self
    }

    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts findings the way they are shown: errors first, then by position, then by code.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, a.span.map(|s| s.start), a.code).cmp(&(b.severity, b.span.map(|s| s.start), b.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_characters() {
        let text = "Bonjour\nà tous, été";
        let start = text.find("été").unwrap_or(0);
        let span = Span::locate(text, start, start + "été".len());
        assert_eq!((span.line, span.column), (2, 9));
        assert_eq!(Span::locate(text, 0, 3).column, 1);
        let clamped = Span::locate(text, 999, 1000);
        assert_eq!((clamped.start, clamped.end), (text.len(), text.len()));
    }

    #[test]
    fn codes_are_stable_snake_case() {
        assert_eq!(FindingCode::TooManyHashtags.as_str(), "too_many_hashtags");
        assert_eq!(FindingCode::WrongClient.as_str(), "wrong_client");
    }

    #[test]
    fn errors_sort_first() {
        let text = "abc def";
        let mut findings = vec![
            Finding::warning(FindingCode::Spelling, "w").at(text, 0, 3),
            Finding::error(FindingCode::TooLong, "e").at(text, 4, 7),
        ];
        sort_findings(&mut findings);
        assert_eq!(findings[0].code, FindingCode::TooLong);
        assert!(findings[0].blocks());
    }
}
