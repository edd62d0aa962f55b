//! What we know about a media file attached to a post: its kind, type, size, dimensions and alternative text.
//!
//! The bytes live in the data directory's media store; this is the description the guards check against each
//! network's limits (`filrouge-compose`).

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// The kinds of media networks distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Gif,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Gif => "gif",
            Self::Video => "video",
        }
    }
}

/// A media file's facts, read from its bytes (never from its name or what the uploader claimed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFacts {
    pub kind: MediaKind,
    /// `image/jpeg`, `image/png`, `image/webp`, `image/gif`, `video/mp4`…
    pub mime: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// Videos only, when known.
    pub duration_ms: Option<u64>,
}

/// Alternative text is bounded like the networks bound it (Mastodon 1,500, Bluesky 2,000 graphemes; we keep 1,500).
pub const MAX_ALT_TEXT: usize = 1500;

/// A media file attached to a post, as the guards see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub facts: MediaFacts,
    /// Alternative text for people who cannot see the image; empty when none was written.
    pub alt: String,
}

impl Attachment {
    pub fn new(facts: MediaFacts, alt: &str) -> Result<Self, Invalid> {
        let alt = alt.trim();
        if alt.chars().count() > MAX_ALT_TEXT {
            return Err(Invalid::new("alt", format!("is longer than {MAX_ALT_TEXT} characters")));
        }
        Ok(Self { facts, alt: alt.to_owned() })
    }
}
