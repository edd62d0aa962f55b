//! The charter guard: address form, banned words, required hashtags, signature, hashtag count, emoji, length.

use filrouge_domain::client::{Charter, EmojiPolicy};
use filrouge_domain::lint::{Finding, FindingCode};
use unicode_segmentation::UnicodeSegmentation;

use crate::text::{emoji, fold, is_word_char, looks_french, specials, Folded, Special};

/// Emoji a `sparing` charter allows in one post.
pub const SPARING_EMOJI: usize = 3;

/// Everything the charter says about `text`, in text order within each rule.
///
/// - address form (warning): only on text that reads as French;
/// - banned words and expressions (error): whole words, ignoring case, accents and the kind of apostrophe;
/// - required hashtags (error, ignoring case); more hashtags than allowed (error; `max_hashtags` 0 allows none);
/// - signature (error): the post must end with it, ignoring case, accents, spacing, and the hashtags and white
///   space that may follow it;
/// - emoji: `none` makes each one an error, `sparing` warns from the fourth on;
/// - `max_length` (error, when not 0): counted in graphemes, the span covers the overflow.
pub fn check_charter(charter: &Charter, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if looks_french(text) {
        crate::address::check(charter.address, text, &mut out);
    }
    let needs_fold = !charter.banned.is_empty() || !charter.signature.trim().is_empty();
    let folded = needs_fold.then(|| Folded::new(text));
    if let Some(folded) = &folded {
        banned(charter, text, folded, &mut out);
    }
    let specials = specials(text);
    let tags: Vec<(usize, usize)> =
        specials.iter().filter(|s| s.2 == Special::Hashtag).map(|&(start, end, _)| (start, end)).collect();
    hashtags(charter, text, &tags, &mut out);
    if !charter.signature.trim().is_empty() {
        signature(&charter.signature, text, &tags, &mut out);
    }
    emoji_policy(charter.emoji, text, &mut out);
    length(charter.max_length, text, &mut out);
    out
}

fn banned(charter: &Charter, text: &str, folded: &Folded, out: &mut Vec<Finding>) {
    let hay = folded.text.as_str();
    for entry in &charter.banned {
        let needle = fold(entry);
        if needle.is_empty() {
            continue;
        }
        for (at, _) in hay.match_indices(needle.as_str()) {
            let end = at + needle.len();
            let before_ok = !hay[..at].chars().next_back().is_some_and(is_word_char)
                || !needle.chars().next().is_some_and(is_word_char);
            let after_ok = !hay[end..].chars().next().is_some_and(is_word_char)
                || !needle.chars().next_back().is_some_and(is_word_char);
            if before_ok && after_ok {
                let (s, e) = folded.original(at, end);
                let message = format!("'{}' is banned by the charter", &text[s..e]);
                out.push(Finding::error(FindingCode::BannedWord, message).at(text, s, e));
            }
        }
    }
}

fn hashtags(charter: &Charter, text: &str, tags: &[(usize, usize)], out: &mut Vec<Finding>) {
    for required in &charter.required_hashtags {
        let bare = required.trim_start_matches('#');
        let present = tags.iter().any(|&(s, e)| text[s + 1..e].to_lowercase() == bare.to_lowercase());
        if !present {
            let tag = format!("#{bare}");
            let message = format!("the charter requires {tag}");
            out.push(Finding::error(FindingCode::MissingHashtag, message).suggest([tag]));
        }
    }
    let max = usize::from(charter.max_hashtags);
    if tags.len() > max {
        let (first, last) = (tags[max].0, tags[tags.len() - 1].1);
        let message = format!("{} hashtags, the charter allows {max}", tags.len());
        out.push(Finding::error(FindingCode::TooManyHashtags, message).at(text, first, last));
    }
}

fn signature(signature: &str, text: &str, tags: &[(usize, usize)], out: &mut Vec<Finding>) {
    // Hashtags and white space may follow the signature: networks put the tags last.
    let mut end = text.trim_end().len();
    for &(s, e) in tags.iter().rev() {
        if e == end {
            end = text[..s].trim_end().len();
        } else {
            break;
        }
    }
    let body = Folded::new(&text[..end]);
    let wanted = fold(signature);
    if !body.text.trim_end().ends_with(&wanted) {
        let message = if body.text.contains(&wanted) {
            format!("the signature '{}' must end the post", signature.trim())
        } else {
            format!("the post must end with the signature '{}'", signature.trim())
        };
        out.push(Finding::error(FindingCode::MissingSignature, message).suggest([signature.trim().to_owned()]));
    }
}

fn emoji_policy(policy: EmojiPolicy, text: &str, out: &mut Vec<Finding>) {
    if policy == EmojiPolicy::Free || text.is_ascii() {
        return;
    }
    for (n, (s, e)) in emoji(text).enumerate() {
        match policy {
            EmojiPolicy::None => {
                let message = format!("'{}': the charter allows no emoji", &text[s..e]);
                out.push(Finding::error(FindingCode::Emoji, message).at(text, s, e));
            }
            EmojiPolicy::Sparing if n >= SPARING_EMOJI => {
                let message = format!("emoji {} of the post, the charter allows {SPARING_EMOJI}", n + 1);
                out.push(Finding::warning(FindingCode::Emoji, message).at(text, s, e));
            }
            _ => {}
        }
    }
}

fn length(max_length: u32, text: &str, out: &mut Vec<Finding>) {
    let max = usize::try_from(max_length).unwrap_or(usize::MAX);
    if max == 0 || text.len() <= max {
        return;
    }
    let mut count = 0;
    let mut overflow = None;
    for (i, _) in text.grapheme_indices(true) {
        if count == max {
            overflow = Some(i);
        }
        count += 1;
    }
    if let Some(start) = overflow {
        let message = format!("{count} characters, the charter allows {max}");
        out.push(Finding::error(FindingCode::TooLong, message).at(text, start, text.len()));
    }
}
