//! Counting a post's length the way each network counts it (graphemes, Mastodon's rule, X's weights), and
//! finding where the text passes the limit.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::entities::{entities, Entity, EntityKind};
use crate::limits::{Counting, NetworkLimits};

/// A post's length and entities as one network counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Length by the network's rule.
    pub used: usize,
    pub limit: usize,
    pub hashtags: usize,
    pub mentions: usize,
    pub urls: usize,
}

impl Count {
    pub fn over(&self) -> bool {
        self.used > self.limit
    }
}

/// Counts `text` by the rule of `limits.network`.
pub fn count(limits: &NetworkLimits, text: &str) -> Count {
    let found = entities(text);
    let of = |kind| found.iter().filter(|e| e.kind == kind).count();
    Count {
        used: units(limits.counting, text, &found).iter().map(|u| u.1).sum(),
        limit: limits.max_text,
        hashtags: of(EntityKind::Hashtag),
        mentions: of(EntityKind::Mention),
        urls: of(EntityKind::Url),
    }
}

/// The byte offset of the first unit (grapheme, or whole URL) that takes the length past `budget`, if any.
pub fn overflow_at(limits: &NetworkLimits, text: &str, budget: usize) -> Option<usize> {
    let mut used = 0;
    for (start, weight) in units(limits.counting, text, &entities(text)) {
        used += weight;
        if used > budget {
            return Some(start);
        }
    }
    None
}

/// The counted units of `text`: (byte offset, weight).
fn units(counting: Counting, text: &str, found: &[Entity]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len());
    let mut pos = 0;
    let plain = |out: &mut Vec<(usize, usize)>, from: usize, to: usize| {
        if let Some(part) = text.get(from..to) {
            for (i, g) in part.grapheme_indices(true) {
                out.push((from + i, grapheme_weight(counting, g)));
            }
        }
    };
    for entity in found {
        match (counting, entity.kind) {
            (Counting::Mastodon { reserved_per_url } | Counting::Weighted { reserved_per_url }, EntityKind::Url) => {
                plain(&mut out, pos, entity.start);
                out.push((entity.start, reserved_per_url));
                pos = entity.end;
            }
            (Counting::Mastodon { .. }, EntityKind::Mention) => {
                // `@user@domain` counts as `@user`: the domain part weighs nothing.
                let user_end = entity.value.find('@').map_or(entity.end, |at| entity.start + 1 + at);
                plain(&mut out, pos, user_end);
                pos = entity.end;
            }
            _ => {}
        }
    }
    plain(&mut out, pos, text.len());
    out
}

fn grapheme_weight(counting: Counting, grapheme: &str) -> usize {
    match counting {
        Counting::Graphemes | Counting::Mastodon { .. } => 1,
        Counting::Weighted { .. } if is_emoji(grapheme) => 2,
        Counting::Weighted { .. } => grapheme.nfc().map(twitter_weight).sum(),
    }
}

/// twitter-text v3's ranges of weight 1 (scaled by 100 in its configuration: 100, default 200).
fn twitter_weight(c: char) -> usize {
    match c as u32 {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

/// Whether a grapheme is an emoji (twitter-text counts a whole emoji sequence as 2). Heuristic over the emoji
/// blocks and the presentation selector, joiner and keycap marks.
fn is_emoji(grapheme: &str) -> bool {
    grapheme
        .chars()
        .any(|c| matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D | 0x20E3))
}

#[cfg(test)]
mod tests {
    use filrouge_domain::account::Network;

    use super::*;

    fn used(network: Network, text: &str) -> usize {
        count(&NetworkLimits::of(network), text).used
    }

    #[test]
    fn emoji_sequences_and_flags_are_one_grapheme() {
        // Family (ZWJ sequence), French flag, thumbs up with skin tone.
        let text = "👨\u{200D}👩\u{200D}👧🇫🇷👍🏽";
        assert_eq!(used(Network::Bluesky, text), 3);
        assert_eq!(used(Network::Mastodon, text), 3);
        assert_eq!(used(Network::X, text), 6);
    }

    #[test]
    fn combining_accents_count_once() {
        let decomposed = "e\u{301}te\u{301}";
        assert_eq!(used(Network::Bluesky, decomposed), 3);
        assert_eq!(used(Network::X, decomposed), 3);
    }

    #[test]
    fn cjk_weighs_two_on_x() {
        assert_eq!(used(Network::X, "日本語"), 6);
        assert_eq!(used(Network::X, "Café — “ok”"), 11);
        assert_eq!(used(Network::Bluesky, "日本語"), 3);
    }

    #[test]
    fn overflow_points_at_the_first_unit_past_the_budget() {
        let limits = NetworkLimits::of(Network::Bluesky);
        assert_eq!(overflow_at(&limits, "ééé", 2), Some(4));
        assert_eq!(overflow_at(&limits, "ééé", 3), None);
        let x = NetworkLimits::of(Network::X);
        let text = "ab https://example.com/x";
        assert_eq!(overflow_at(&x, text, 10), Some(3));
    }
}
