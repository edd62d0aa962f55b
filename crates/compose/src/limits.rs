//! Each network's publishing limits: the one table in code (with each row's source), and the overlay of what a
//! Mastodon instance reports about itself.
//!
//! Sizes are bytes; a "KB" in messages is 1,024 bytes and a "MB" 1,024 KB (see `media::human_bytes`). Where a
//! network documents no value we leave the field open (`None`) rather than guess, and say so in the row's source.

use filrouge_domain::account::Network;

/// How a network counts the length of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Extended grapheme clusters, each URL counted in full (Bluesky and the networks without a special rule).
    Graphemes,
    /// Mastodon's `StatusLengthValidator`: graphemes, each `http(s)://` URL counts `reserved_per_url`, and a mention
    /// `@user@domain` counts as `@user`.
    Mastodon { reserved_per_url: usize },
    /// twitter-text v3: NFC, code points in the Latin and general punctuation ranges weigh 1, others 2, an emoji
    /// (whatever its sequence) 2, each URL `reserved_per_url`.
    Weighted { reserved_per_url: usize },
}

/// A bound on hashtags or mentions. `hard`: the network refuses the post (an error); otherwise the extra ones are
/// only not treated specially (a warning), like Threads' single topic tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityLimit {
    pub max: usize,
    pub hard: bool,
}

/// An aspect-ratio range as width:height fractions, inclusive (`4:5` to `191:100` for Instagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AspectRange {
    pub min: (u32, u32),
    pub max: (u32, u32),
}

impl AspectRange {
    /// Whether `width`×`height` lies within the range (exact integer comparison, no floating point).
    pub fn contains(&self, width: u32, height: u32) -> bool {
        let (w, h) = (u64::from(width), u64::from(height));
        let (min_w, min_h) = (u64::from(self.min.0), u64::from(self.min.1));
        let (max_w, max_h) = (u64::from(self.max.0), u64::from(self.max.1));
        // w/h >= min_w/min_h  and  w/h <= max_w/max_h
        w * min_h >= min_w * h && w * max_h <= max_w * h
    }
}

/// What one network accepts in one post.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkLimits {
    pub network: Network,
    /// Where the numbers come from (documentation address and when it was read).
    pub source: &'static str,
    /// Maximum text length, counted by `counting` (Pinterest and YouTube: the description).
    pub max_text: usize,
    pub counting: Counting,
    pub max_hashtags: Option<EntityLimit>,
    pub max_mentions: Option<EntityLimit>,
    /// Attachments of any kind in one post (0: the network takes none).
    pub max_media: usize,
    /// Videos and GIFs (moving media) in one post.
    pub max_videos: usize,
    /// Whether still images may sit beside a GIF or video in the same post.
    pub mixed_media: bool,
    pub image_max_bytes: u64,
    pub gif_max_bytes: u64,
    pub video_max_bytes: u64,
    pub video_max_ms: Option<u64>,
    /// MIME types accepted, as `probe` reports them (`image/jpeg`…).
    pub mime_types: Vec<String>,
    pub aspect: Option<AspectRange>,
    pub min_width: u32,
    pub min_height: u32,
    /// Longest side of an image, in pixels, when the network refuses bigger ones.
    pub max_side: Option<u32>,
    /// Width × height of an image, when the network refuses bigger ones.
    pub max_pixels: Option<u64>,
    /// Instagram, Pinterest, TikTok and YouTube publish nothing without media.
    pub media_required: bool,
    /// A free-text content warning (Mastodon). Bluesky's self-labels are a fixed list, not free text.
    pub content_warning: bool,
    /// Alternative text length in characters, where documented.
    pub alt_max: Option<usize>,
    /// Whether URLs in the text become links (Instagram, TikTok and Pinterest show them as plain text).
    pub clickable_links: bool,
    /// Characters shown in the feed before a "more" fold, where the network folds (commonly cited values).
    pub fold_at: Option<usize>,
}

/// What a Mastodon instance reports in `GET /api/v2/instance` (`configuration.statuses` and
/// `configuration.media_attachments`). `Default` gives Mastodon's defaults, so a caller may set only what the
/// instance reported. Stored with the account as JSON (missing fields take the defaults).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct InstanceLimits {
    pub max_characters: usize,
    pub characters_reserved_per_url: usize,
    pub max_media_attachments: usize,
    pub image_size_limit: u64,
    pub video_size_limit: u64,
    /// Empty: keep the default list.
    pub supported_mime_types: Vec<String>,
}

impl Default for InstanceLimits {
    fn default() -> Self {
        let row = row(Network::Mastodon);
        Self {
            max_characters: row.max_text,
            characters_reserved_per_url: MASTODON_URL,
            max_media_attachments: row.max_media,
            image_size_limit: row.image_max_bytes,
            video_size_limit: row.video_max_bytes,
            supported_mime_types: Vec::new(),
        }
    }
}

const MB: u64 = 1024 * 1024;
const MINUTE: u64 = 60_000;
const MASTODON_URL: usize = 23;

const JPEG: &str = "image/jpeg";
const PNG: &str = "image/png";
const WEBP: &str = "image/webp";
const GIF: &str = "image/gif";
const MP4: &str = "video/mp4";
const MOV: &str = "video/quicktime";
const WEBM: &str = "video/webm";

/// One row of the table: `NetworkLimits` with static strings.
struct Row {
    network: Network,
    source: &'static str,
    max_text: usize,
    counting: Counting,
    max_hashtags: Option<EntityLimit>,
    max_mentions: Option<EntityLimit>,
    max_media: usize,
    max_videos: usize,
    mixed_media: bool,
    image_max_bytes: u64,
    gif_max_bytes: u64,
    video_max_bytes: u64,
    video_max_ms: Option<u64>,
    mime_types: &'static [&'static str],
    aspect: Option<AspectRange>,
    min_width: u32,
    min_height: u32,
    max_side: Option<u32>,
    max_pixels: Option<u64>,
    media_required: bool,
    content_warning: bool,
    alt_max: Option<usize>,
    clickable_links: bool,
    fold_at: Option<usize>,
}

/// The table. Keep docs/composer.md in step with it.
const TABLE: [Row; 10] = [
    Row {
        network: Network::Bluesky,
        source: "https://docs.bsky.app/docs/advanced-guides/posts; lexicons app.bsky.feed.post (300 graphemes), \
                 app.bsky.embed.images (4 images, 1,000,000 bytes each), app.bsky.embed.video (100 MB, 3 min); \
                 networks.md 2026. GIFs are refused: the CDN serves images as still JPEG (the app converts GIFs to \
                 video, we do not)",
        max_text: 300,
        counting: Counting::Graphemes,
        max_hashtags: None,
        max_mentions: None,
        max_media: 4,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 1_000_000,
        gif_max_bytes: 0,
        video_max_bytes: 100 * MB,
        video_max_ms: Some(3 * MINUTE),
        mime_types: &[JPEG, PNG, WEBP, MP4, MOV, WEBM],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: false,
        content_warning: false,
        alt_max: Some(2000),
        clickable_links: true,
        fold_at: None,
    },
    Row {
        network: Network::Mastodon,
        source: "https://docs.joinmastodon.org/entities/Instance/ (defaults of configuration.statuses and \
                 media_attachments: 500 characters, 23 per URL, 4 attachments, 16 MB images, 99 MB videos, \
                 33,177,600 pixels); app/validators/status_length_validator.rb; networks.md 2026. Per instance: \
                 overlay with NetworkLimits::mastodon_instance",
        max_text: 500,
        counting: Counting::Mastodon { reserved_per_url: MASTODON_URL },
        max_hashtags: None,
        max_mentions: None,
        max_media: 4,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 16 * MB,
        gif_max_bytes: 16 * MB,
        video_max_bytes: 99 * MB,
        video_max_ms: None,
        mime_types: &[JPEG, PNG, WEBP, GIF, MP4, MOV, WEBM],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: Some(33_177_600),
        media_required: false,
        content_warning: true,
        alt_max: Some(1500),
        clickable_links: true,
        fold_at: None,
    },
    Row {
        network: Network::Instagram,
        source: "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media \
                 (JPEG only, 8 MB, aspect 4:5 to 1.91:1, width at least 320 (wider than 1440 is scaled down by Instagram), carousel up to 10, Reels 300 MB and \
                 15 min); networks.md 2026 (2,200 characters, 30 hashtags, 20 mentions)",
        max_text: 2200,
        counting: Counting::Graphemes,
        max_hashtags: Some(EntityLimit { max: 30, hard: true }),
        max_mentions: Some(EntityLimit { max: 20, hard: true }),
        max_media: 10,
        max_videos: 10,
        mixed_media: true,
        image_max_bytes: 8 * MB,
        gif_max_bytes: 0,
        video_max_bytes: 300 * MB,
        video_max_ms: Some(15 * MINUTE),
        mime_types: &[JPEG, MP4, MOV],
        aspect: Some(AspectRange { min: (4, 5), max: (191, 100) }),
        min_width: 320,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: true,
        content_warning: false,
        alt_max: None,
        clickable_links: false,
        fold_at: Some(125),
    },
    Row {
        network: Network::Facebook,
        source: "https://developers.facebook.com/docs/pages-api/posts and /docs/graph-api/reference/photo \
                 (10 MB photos), /docs/video-api (10 GB); networks.md 2026 (63,206 characters, up to 10 images, \
                 1 video)",
        max_text: 63_206,
        counting: Counting::Graphemes,
        max_hashtags: None,
        max_mentions: None,
        max_media: 10,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 10 * MB,
        gif_max_bytes: 10 * MB,
        video_max_bytes: 10 * 1024 * MB,
        video_max_ms: None,
        mime_types: &[JPEG, PNG, WEBP, GIF, MP4, MOV],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: false,
        content_warning: false,
        alt_max: None,
        clickable_links: true,
        fold_at: Some(480),
    },
    Row {
        network: Network::Linkedin,
        source: "https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api and \
                 images-api (36,152,320 pixels, altText 4,086 characters), videos-api (MP4, 3 s to 30 min, \
                 500 MB); networks.md 2026 (3,000 characters, 5 MB, up to 9 images)",
        max_text: 3000,
        counting: Counting::Graphemes,
        max_hashtags: None,
        max_mentions: None,
        max_media: 9,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 5 * MB,
        gif_max_bytes: 5 * MB,
        video_max_bytes: 500 * MB,
        video_max_ms: Some(30 * MINUTE),
        mime_types: &[JPEG, PNG, GIF, MP4],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: Some(36_152_320),
        media_required: false,
        content_warning: false,
        alt_max: Some(4086),
        clickable_links: true,
        fold_at: Some(210),
    },
    Row {
        network: Network::X,
        source: "https://docs.x.com/resources/fundamentals/counting-characters (twitter-text v3 weights, 23 per \
                 URL) and media upload best practices (images 5 MB, GIF 15 MB, video 512 MB and 140 s, 8,192 px, \
                 alt text 1,000); networks.md 2026 (4 images or 1 GIF or 1 video; 280 without Premium)",
        max_text: 280,
        counting: Counting::Weighted { reserved_per_url: 23 },
        max_hashtags: None,
        max_mentions: None,
        max_media: 4,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 5 * MB,
        gif_max_bytes: 15 * MB,
        video_max_bytes: 512 * MB,
        video_max_ms: Some(140_000),
        mime_types: &[JPEG, PNG, WEBP, GIF, MP4, MOV],
        aspect: None,
        min_width: 4,
        min_height: 4,
        max_side: Some(8192),
        max_pixels: None,
        media_required: false,
        content_warning: false,
        alt_max: Some(1000),
        clickable_links: true,
        fold_at: None,
    },
    Row {
        network: Network::Tiktok,
        source: "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (photos JPEG or WebP, \
                 20 MB, up to 35; video MP4/WebM/MOV, 4 GB, 10 min); networks.md 2026 (2,200 characters, media \
                 required)",
        max_text: 2200,
        counting: Counting::Graphemes,
        max_hashtags: None,
        max_mentions: None,
        max_media: 35,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 20 * MB,
        gif_max_bytes: 0,
        video_max_bytes: 4 * 1024 * MB,
        video_max_ms: Some(10 * MINUTE),
        mime_types: &[JPEG, WEBP, MP4, MOV, WEBM],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: true,
        content_warning: false,
        alt_max: None,
        clickable_links: false,
        fold_at: None,
    },
    Row {
        network: Network::Youtube,
        source: "https://developers.google.com/youtube/v3/docs/videos (description 5,000 bytes, one video, \
                 256 GB, 12 h); networks.md 2026 (title 100 is not checked here: the text is the description)",
        max_text: 5000,
        counting: Counting::Graphemes,
        max_hashtags: None,
        max_mentions: None,
        max_media: 1,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 0,
        gif_max_bytes: 0,
        video_max_bytes: 256 * 1024 * MB,
        video_max_ms: Some(12 * 60 * MINUTE),
        mime_types: &[MP4, MOV, WEBM],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: true,
        content_warning: false,
        alt_max: None,
        clickable_links: true,
        fold_at: None,
    },
    Row {
        network: Network::Pinterest,
        source: "https://developers.pinterest.com/docs/api/v5/pins-create (description 500, alt_text 500, \
                 carousel up to 5 images, images 20 MB, video 2 GB and 15 min); networks.md 2026 (title 100 is \
                 not checked here: the text is the description)",
        max_text: 500,
        counting: Counting::Graphemes,
        max_hashtags: None,
        max_mentions: None,
        max_media: 5,
        max_videos: 1,
        mixed_media: false,
        image_max_bytes: 20 * MB,
        gif_max_bytes: 20 * MB,
        video_max_bytes: 2 * 1024 * MB,
        video_max_ms: Some(15 * MINUTE),
        mime_types: &[JPEG, PNG, WEBP, GIF, MP4, MOV],
        aspect: None,
        min_width: 0,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: true,
        content_warning: false,
        alt_max: Some(500),
        clickable_links: false,
        fold_at: None,
    },
    Row {
        network: Network::Threads,
        source: "https://developers.facebook.com/docs/threads/posts (500 characters, one topic tag, carousel up to \
                 20, images JPEG/PNG 8 MB, video 1 GB and 5 min, alt_text 1,000); networks.md 2026",
        max_text: 500,
        counting: Counting::Graphemes,
        max_hashtags: Some(EntityLimit { max: 1, hard: false }),
        max_mentions: None,
        max_media: 20,
        max_videos: 20,
        mixed_media: true,
        image_max_bytes: 8 * MB,
        gif_max_bytes: 0,
        video_max_bytes: 1024 * MB,
        video_max_ms: Some(5 * MINUTE),
        mime_types: &[JPEG, PNG, MP4, MOV],
        aspect: None,
        min_width: 320,
        min_height: 0,
        max_side: None,
        max_pixels: None,
        media_required: false,
        content_warning: false,
        alt_max: Some(1000),
        clickable_links: true,
        fold_at: None,
    },
];

fn row(network: Network) -> &'static Row {
    // The table has one row per network, in `Network::ALL` order; a test holds it so.
    let index = Network::ALL.iter().position(|n| *n == network).unwrap_or(0);
    TABLE.get(index).filter(|r| r.network == network).unwrap_or(&TABLE[0])
}

impl NetworkLimits {
    /// The limits of `network` from the table.
    pub fn of(network: Network) -> NetworkLimits {
        let r = row(network);
        NetworkLimits {
            network: r.network,
            source: r.source,
            max_text: r.max_text,
            counting: r.counting,
            max_hashtags: r.max_hashtags,
            max_mentions: r.max_mentions,
            max_media: r.max_media,
            max_videos: r.max_videos,
            mixed_media: r.mixed_media,
            image_max_bytes: r.image_max_bytes,
            gif_max_bytes: r.gif_max_bytes,
            video_max_bytes: r.video_max_bytes,
            video_max_ms: r.video_max_ms,
            mime_types: r.mime_types.iter().map(|m| (*m).to_owned()).collect(),
            aspect: r.aspect,
            min_width: r.min_width,
            min_height: r.min_height,
            max_side: r.max_side,
            max_pixels: r.max_pixels,
            media_required: r.media_required,
            content_warning: r.content_warning,
            alt_max: r.alt_max,
            clickable_links: r.clickable_links,
            fold_at: r.fold_at,
        }
    }

    /// Mastodon's limits with what one instance reports laid over the defaults. Zero values (an instance that
    /// reported nothing usable) keep the default; the MIME list keeps only types `probe` can recognise.
    pub fn mastodon_instance(instance: InstanceLimits) -> NetworkLimits {
        let mut limits = NetworkLimits::of(Network::Mastodon);
        if instance.max_characters > 0 {
            limits.max_text = instance.max_characters;
        }
        limits.counting = Counting::Mastodon { reserved_per_url: instance.characters_reserved_per_url };
        if instance.max_media_attachments > 0 {
            limits.max_media = instance.max_media_attachments;
        }
        if instance.image_size_limit > 0 {
            limits.image_max_bytes = instance.image_size_limit;
            limits.gif_max_bytes = instance.image_size_limit;
        }
        if instance.video_size_limit > 0 {
            limits.video_max_bytes = instance.video_size_limit;
        }
        let known: Vec<String> = instance
            .supported_mime_types
            .iter()
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| [JPEG, PNG, WEBP, GIF, MP4, MOV, WEBM].contains(&m.as_str()))
            .collect();
        if !known.is_empty() {
            limits.mime_types = known;
        }
        limits
    }

    /// Whether the network accepts this MIME type.
    pub fn accepts(&self, mime: &str) -> bool {
        self.mime_types.iter().any(|m| m == mime)
    }

    /// The network's name for people (`"Bluesky"`).
    pub fn label(&self) -> &'static str {
        self.network.label()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_row_per_network_in_order() {
        for (row, network) in TABLE.iter().zip(Network::ALL) {
            assert_eq!(row.network, network);
            assert!(!row.source.is_empty());
            assert_eq!(NetworkLimits::of(network).network, network);
        }
    }

    #[test]
    fn instagram_takes_four_fifths_to_one_point_ninety_one() {
        let aspect = NetworkLimits::of(Network::Instagram).aspect.unwrap();
        assert!(aspect.contains(1080, 1350));
        assert!(aspect.contains(1910, 1000));
        assert!(aspect.contains(1080, 1080));
        assert!(!aspect.contains(1080, 1351));
        assert!(!aspect.contains(1920, 1000));
    }

    #[test]
    fn an_instance_overlays_the_mastodon_defaults() {
        let limits = NetworkLimits::mastodon_instance(InstanceLimits {
            max_characters: 5000,
            characters_reserved_per_url: 30,
            max_media_attachments: 8,
            supported_mime_types: vec!["image/jpeg".into(), "image/heic".into(), "video/mp4".into()],
            ..InstanceLimits::default()
        });
        assert_eq!(limits.max_text, 5000);
        assert_eq!(limits.counting, Counting::Mastodon { reserved_per_url: 30 });
        assert_eq!(limits.max_media, 8);
        assert_eq!(limits.image_max_bytes, 16 * MB);
        assert_eq!(limits.mime_types, ["image/jpeg", "video/mp4"]);
        assert_eq!(NetworkLimits::mastodon_instance(InstanceLimits::default()), NetworkLimits::of(Network::Mastodon));
    }
}
