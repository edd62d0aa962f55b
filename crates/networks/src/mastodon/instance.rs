//! What a Mastodon instance allows in a post, read from `GET /api/v2/instance` at run time: characters, the
//! weight of a link, attachments, upload sizes and types. The app overlays these on the composer's table.

use url::Url;

use super::api::{Instance, MediaConfiguration, StatusesConfiguration};
use super::{endpoint, http};
use crate::NetworkError;

/// Mastodon's own defaults, used for whatever an instance does not report.
pub const DEFAULT_MAX_CHARACTERS: u32 = 500;
pub const DEFAULT_CHARACTERS_RESERVED_PER_URL: u32 = 23;
pub const DEFAULT_MAX_MEDIA_ATTACHMENTS: u32 = 4;
/// 16 MiB.
pub const DEFAULT_IMAGE_SIZE_LIMIT: u64 = 16 * 1024 * 1024;
/// 99 MiB.
pub const DEFAULT_VIDEO_SIZE_LIMIT: u64 = 99 * 1024 * 1024;

/// The publishing limits of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceLimits {
    pub max_characters: u32,
    /// Every link counts as this many characters, whatever its length.
    pub characters_reserved_per_url: u32,
    pub max_media_attachments: u32,
    /// Bytes.
    pub image_size_limit: u64,
    /// Bytes.
    pub video_size_limit: u64,
    /// MIME types the instance accepts for uploads; empty when it did not say (then ask it by uploading).
    pub supported_mime_types: Vec<String>,
}

impl Default for InstanceLimits {
    fn default() -> Self {
        Self {
            max_characters: DEFAULT_MAX_CHARACTERS,
            characters_reserved_per_url: DEFAULT_CHARACTERS_RESERVED_PER_URL,
            max_media_attachments: DEFAULT_MAX_MEDIA_ATTACHMENTS,
            image_size_limit: DEFAULT_IMAGE_SIZE_LIMIT,
            video_size_limit: DEFAULT_VIDEO_SIZE_LIMIT,
            supported_mime_types: Vec::new(),
        }
    }
}

impl InstanceLimits {
    /// The limits an instance's `/api/v2/instance` answer states, Mastodon's defaults for the rest (a zero is
    /// read as "not stated": no instance allows zero characters).
    pub fn from_instance(instance: &Instance) -> Self {
        let defaults = Self::default();
        let configuration = instance.configuration.as_ref();
        let statuses = configuration.and_then(|c| c.statuses.as_ref());
        let media = configuration.and_then(|c| c.media_attachments.as_ref());
        let stated = |f: fn(&StatusesConfiguration) -> Option<u32>, default: u32| {
            statuses.and_then(f).filter(|&n| n > 0).unwrap_or(default)
        };
        let size = |f: fn(&MediaConfiguration) -> Option<u64>, default: u64| {
            media.and_then(f).filter(|&n| n > 0).unwrap_or(default)
        };
        Self {
            max_characters: stated(|s| s.max_characters, defaults.max_characters),
            characters_reserved_per_url: statuses
                .and_then(|s| s.characters_reserved_per_url)
                .unwrap_or(defaults.characters_reserved_per_url),
            max_media_attachments: stated(|s| s.max_media_attachments, defaults.max_media_attachments),
            image_size_limit: size(|m| m.image_size_limit, defaults.image_size_limit),
            video_size_limit: size(|m| m.video_size_limit, defaults.video_size_limit),
            supported_mime_types: media.and_then(|m| m.supported_mime_types.clone()).unwrap_or_default(),
        }
    }
}

/// The instance's limits from `GET /api/v2/instance` (no token needed). `http` carries the caller's guard
/// and time-outs.
pub async fn instance_limits(http: &reqwest::Client, instance: &Url) -> Result<InstanceLimits, NetworkError> {
    let url = endpoint(instance, &["api", "v2", "instance"]);
    let answer: Instance = http::json(http.get(url), "instance").await?;
    Ok(InstanceLimits::from_instance(&answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mastodon::api;

    #[test]
    fn an_instance_that_states_nothing_gets_mastodons_defaults() {
        let bare: Instance = api::parse(br#"{"domain":"x.example"}"#, "instance").unwrap();
        assert_eq!(InstanceLimits::from_instance(&bare), InstanceLimits::default());
        let partial: Instance = api::parse(
            br#"{"domain":"x.example","configuration":{"statuses":{"max_characters":5000,"max_media_attachments":0}}}"#,
            "instance",
        )
        .unwrap();
        let limits = InstanceLimits::from_instance(&partial);
        assert_eq!(limits.max_characters, 5000);
        assert_eq!(limits.max_media_attachments, 4);
        assert_eq!(limits.characters_reserved_per_url, 23);
        assert_eq!(limits.video_size_limit, 103_809_024);
    }
}
