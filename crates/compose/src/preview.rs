//! A post as one network would show it: which parts become links, tags and mentions, how links are shortened, and
//! where the text is folded or cut. The web crate renders it; nothing here is HTML.

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::count::overflow_at;
use crate::entities::{entities, is_bluesky_handle, EntityKind, BLUESKY_MAX_TAG_GRAPHEMES};
use crate::limits::{Counting, NetworkLimits};
use filrouge_domain::account::Network;

/// Characters of a link Mastodon and X show before `…` (scheme and `www.` left out).
pub const LINK_DISPLAY_CHARS: usize = 30;

/// One piece of a previewed post. `Tag` and `Mention` hold what is shown, `#` or `@` included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PreviewPart {
    Text(String),
    Link { display: String, url: String },
    Tag(String),
    Mention(String),
}

/// A previewed post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub parts: Vec<PreviewPart>,
    /// The byte offset in the text where the network stops showing it: its "more" fold in the feed (Instagram,
    /// Facebook, LinkedIn), or else the first character past its length limit (beyond it, the post is refused).
    pub truncated_at: Option<usize>,
}

/// `text` as `limits.network` would display it.
pub fn preview(limits: &NetworkLimits, text: &str) -> Preview {
    let mut parts: Vec<PreviewPart> = Vec::new();
    let push_text = |parts: &mut Vec<PreviewPart>, s: &str| {
        if s.is_empty() {
            return;
        }
        if let Some(PreviewPart::Text(last)) = parts.last_mut() {
            last.push_str(s);
        } else {
            parts.push(PreviewPart::Text(s.to_owned()));
        }
    };
    let bluesky = limits.network == Network::Bluesky;
    let tag_limit = limits.max_hashtags.filter(|l| !l.hard).map(|l| l.max);
    let mut tags = 0;
    let mut pos = 0;
    for entity in entities(text) {
        let (Some(before), Some(written)) = (text.get(pos..entity.start), text.get(entity.start..entity.end)) else {
            continue;
        };
        push_text(&mut parts, before);
        pos = entity.end;
        let part = match entity.kind {
            EntityKind::Url if limits.clickable_links => {
                Some(PreviewPart::Link { display: link_display(limits, &entity.value), url: entity.value })
            }
            EntityKind::Hashtag => {
                tags += 1;
                let too_long = bluesky && entity.value.graphemes(true).count() > BLUESKY_MAX_TAG_GRAPHEMES;
                let over = tag_limit.is_some_and(|max| tags > max);
                (!too_long && !over).then(|| PreviewPart::Tag(written.to_owned()))
            }
            EntityKind::Mention if bluesky => {
                is_bluesky_handle(&entity.value).then(|| PreviewPart::Mention(written.to_owned()))
            }
            EntityKind::Mention if matches!(limits.counting, Counting::Mastodon { .. }) => {
                let user = entity.value.split('@').next().unwrap_or_default();
                Some(PreviewPart::Mention(format!("@{user}")))
            }
            EntityKind::Mention => Some(PreviewPart::Mention(written.to_owned())),
            EntityKind::Url => None,
        };
        match part {
            Some(part) => parts.push(part),
            None => push_text(&mut parts, written),
        }
    }
    push_text(&mut parts, text.get(pos..).unwrap_or_default());
    let fold = limits.fold_at.and_then(|n| text.grapheme_indices(true).nth(n).map(|(i, _)| i));
    let overflow = overflow_at(limits, text, limits.max_text);
    let truncated_at = match (fold, overflow) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Preview { parts, truncated_at }
}

/// How a link is shown: Mastodon and X drop the scheme and `www.` and cut after 30 characters with `…`; the
/// others show it as written.
fn link_display(limits: &NetworkLimits, url: &str) -> String {
    if !matches!(limits.counting, Counting::Mastodon { .. } | Counting::Weighted { .. }) {
        return url.to_owned();
    }
    let lower = url.to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        0
    };
    let rest = url.get(scheme..).unwrap_or(url);
    let rest = if rest.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")) {
        rest.get(4..).unwrap_or(rest)
    } else {
        rest
    };
    if rest.chars().count() > LINK_DISPLAY_CHARS {
        let cut: String = rest.chars().take(LINK_DISPLAY_CHARS).collect();
        format!("{cut}…")
    } else {
        rest.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_shortens_links_and_mentions() {
        let text = "Voir https://www.example.com/un/chemin/assez/long/pour/couper @alice@social.example";
        let p = preview(&NetworkLimits::of(Network::Mastodon), text);
        assert_eq!(
            p.parts,
            [
                PreviewPart::Text("Voir ".into()),
                PreviewPart::Link {
                    display: "example.com/un/chemin/assez/lo…".into(),
                    url: "https://www.example.com/un/chemin/assez/long/pour/couper".into()
                },
                PreviewPart::Text(" ".into()),
                PreviewPart::Mention("@alice".into()),
            ]
        );
        assert_eq!(p.truncated_at, None);
    }

    #[test]
    fn instagram_links_are_text_and_the_caption_folds() {
        let text = format!("Lien https://example.com {}", "a".repeat(200));
        let p = preview(&NetworkLimits::of(Network::Instagram), &text);
        assert!(matches!(p.parts.as_slice(), [PreviewPart::Text(_)]));
        assert_eq!(p.truncated_at, Some(125));
    }
}
