//! The network guard of a draft: everything one network would refuse or drop (empty post, length, hashtags,
//! mentions, media, content warning), as findings with stable codes.

use filrouge_domain::lint::{Finding, FindingCode};
use filrouge_domain::media::Attachment;
use unicode_segmentation::UnicodeSegmentation;

use crate::count::{count, overflow_at};
use crate::entities::{entities, EntityKind};
use crate::limits::{EntityLimit, NetworkLimits};
use crate::media::check_media;

/// What the composer is about to publish on one network.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub text: &'a str,
    pub attachments: &'a [Attachment],
    /// The content warning (Mastodon's spoiler text), when one was written.
    pub content_warning: Option<&'a str>,
    /// The client requires alternative text on images.
    pub require_alt: bool,
}

impl<'a> Draft<'a> {
    /// A draft of text only.
    pub fn text(text: &'a str) -> Self {
        Self { text, attachments: &[], content_warning: None, require_alt: false }
    }
}

/// Everything `limits.network` would refuse (errors) or silently change (warnings) in `draft`. Spans are byte
/// offsets into `draft.text`; every finding names the network.
pub fn check(limits: &NetworkLimits, draft: &Draft<'_>) -> Vec<Finding> {
    let network = limits.network.as_str();
    let label = limits.label();
    let text = draft.text;
    let warning = draft.content_warning.map(str::trim).filter(|w| !w.is_empty());
    if text.trim().is_empty() && draft.attachments.is_empty() {
        return vec![Finding::error(FindingCode::Empty, "nothing to publish: no text and no media").on_network(network)];
    }
    let mut out = Vec::new();

    // Mastodon counts the content warning with the text.
    let warning_length = match warning {
        Some(w) if limits.content_warning => w.graphemes(true).count(),
        _ => 0,
    };
    let counted = count(limits, text);
    let used = counted.used + warning_length;
    if used > counted.limit {
        let budget = counted.limit.saturating_sub(warning_length);
        let start = overflow_at(limits, text, budget).unwrap_or(text.len());
        let with_warning = if warning_length > 0 { " (content warning included)" } else { "" };
        out.push(
            Finding::error(
                FindingCode::TooLong,
                format!("{used} characters{with_warning}, {label} allows {}", counted.limit),
            )
            .at(text, start, text.len()),
        );
    }

    let found = entities(text);
    let bound = |kind: EntityKind, limit: Option<EntityLimit>, code: FindingCode, noun: &str| {
        let limit = limit?;
        let of_kind: Vec<_> = found.iter().filter(|e| e.kind == kind).collect();
        let first_extra = of_kind.get(limit.max)?;
        let message = format!("{} {noun}, {label} allows {}", of_kind.len(), limit.max);
        let finding = if limit.hard { Finding::error(code, message) } else { Finding::warning(code, message) };
        Some(finding.at(text, first_extra.start, first_extra.end))
    };
    out.extend(bound(EntityKind::Hashtag, limits.max_hashtags, FindingCode::TooManyHashtags, "hashtags"));
    out.extend(bound(EntityKind::Mention, limits.max_mentions, FindingCode::TooManyMentions, "mentions"));

    out.extend(check_media(limits, draft.attachments, draft.require_alt));
    if limits.media_required && draft.attachments.is_empty() {
        out.push(Finding::error(
            FindingCode::MediaRequired,
            format!("{label} publishes nothing without an image or video"),
        ));
    }
    if warning.is_some() && !limits.content_warning {
        out.push(Finding::warning(
            FindingCode::Unsupported,
            format!("{label} has no content warning; it will be left out"),
        ));
    }
    out.into_iter().map(|f| f.on_network(network)).collect()
}

#[cfg(test)]
mod tests {
    use filrouge_domain::account::Network;
    use filrouge_domain::lint::Severity;

    use super::*;

    #[test]
    fn too_long_points_at_the_overflow() {
        let text = "a".repeat(312);
        let findings = check(&NetworkLimits::of(Network::Bluesky), &Draft::text(&text));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].message, "312 characters, Bluesky allows 300");
        let span = findings[0].span.unwrap();
        assert_eq!((span.start, span.end), (300, 312));
        assert_eq!(findings[0].network, Some("bluesky"));
    }

    #[test]
    fn the_content_warning_counts_on_mastodon() {
        let text = "x".repeat(490);
        let limits = NetworkLimits::of(Network::Mastodon);
        let draft = Draft { content_warning: Some("Spoilers: the end"), ..Draft::text(&text) };
        let findings = check(&limits, &draft);
        assert_eq!(findings[0].code, FindingCode::TooLong);
        assert_eq!(findings[0].span.unwrap().start, 500 - 17);
    }

    #[test]
    fn threads_extra_tags_are_a_warning() {
        let findings = check(&NetworkLimits::of(Network::Threads), &Draft::text("#un #deux"));
        assert_eq!(findings[0].code, FindingCode::TooManyHashtags);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!(findings[0].span.unwrap().start, 4);
    }
}
