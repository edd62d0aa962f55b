//! Media files against a network's limits: what a file is (read from its bytes, never its name), the findings about
//! a post's attachments, and shrinking an image until the network takes it.
//!
//! Sizes in messages use binary units: 1 KB = 1,024 bytes, 1 MB = 1,024 KB, with at most two decimals
//! (`976.56 KB` is Bluesky's 1,000,000 bytes).

use std::io::Cursor;

use filrouge_domain::lint::{Finding, FindingCode};
use filrouge_domain::media::{Attachment, MediaFacts, MediaKind};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use unicode_segmentation::UnicodeSegmentation;

use crate::limits::NetworkLimits;

/// Images larger than this (width × height) are refused before decoding: decompression bombs.
pub const MAX_DECODE_PIXELS: u64 = 100_000_000;

/// Why a file could not be read or fitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the file is empty")]
    Empty,
    #[error("unsupported media type: {seen}")]
    Unknown { seen: String },
    #[error("damaged {mime} file: {reason}")]
    Malformed { mime: &'static str, reason: String },
    #[error("image of {width}×{height} pixels is over the 100 megapixel limit")]
    TooManyPixels { width: u32, height: u32 },
    #[error("cannot make the image fit {network}'s limits")]
    CannotFit { network: &'static str },
    #[error("cannot encode the image: {0}")]
    Encode(String),
}

/// A type we recognise by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Image(ImageFormat, &'static str),
    Gif,
    Video(&'static str),
}

fn sniff(bytes: &[u8]) -> Result<Sniffed, MediaError> {
    let at = |range: std::ops::Range<usize>| bytes.get(range).unwrap_or_default();
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Sniffed::Image(ImageFormat::Jpeg, "image/jpeg"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Sniffed::Image(ImageFormat::Png, "image/png"));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Sniffed::Gif);
    }
    if at(0..4) == b"RIFF" && at(8..12) == b"WEBP" {
        return Ok(Sniffed::Image(ImageFormat::WebP, "image/webp"));
    }
    if at(4..8) == b"ftyp" {
        return match at(8..12) {
            b"qt  " => Ok(Sniffed::Video("video/quicktime")),
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc" => {
                Err(MediaError::Unknown { seen: "a HEIF/HEIC image (convert it to JPEG)".into() })
            }
            b"avif" | b"avis" => Err(MediaError::Unknown { seen: "an AVIF image (convert it to JPEG)".into() }),
            _ => Ok(Sniffed::Video("video/mp4")),
        };
    }
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let head = at(0..64.min(bytes.len()));
        if head.windows(4).any(|w| w == b"webm") {
            return Ok(Sniffed::Video("video/webm"));
        }
        return Err(MediaError::Unknown { seen: "a Matroska video (only WebM is taken)".into() });
    }
    Err(MediaError::Unknown { seen: describe_unknown(bytes) })
}

/// Names what an unknown file looks like, with its first bytes.
fn describe_unknown(bytes: &[u8]) -> String {
    let looks = if bytes.starts_with(b"%PDF") {
        Some("a PDF document")
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some("a ZIP archive (or an Office document)")
    } else if bytes.starts_with(b"BM") {
        Some("a BMP image")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("a TIFF image")
    } else if bytes.starts_with(b"ID3") || bytes.get(..2).is_some_and(|b| b[0] == 0xFF && b[1] & 0xE0 == 0xE0) {
        Some("an MP3 audio file")
    } else {
        let head = String::from_utf8_lossy(bytes.get(..256).unwrap_or(bytes)).to_ascii_lowercase();
        if head.contains("<svg") {
            Some("an SVG image")
        } else if head.contains("<html") || head.contains("<!doctype") {
            Some("an HTML page")
        } else {
            None
        }
    };
    let hex: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    match looks {
        Some(what) => format!("{what} (first bytes {})", hex.join(" ")),
        None => format!("first bytes {}", hex.join(" ")),
    }
}

fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

fn dimensions(bytes: &[u8], format: ImageFormat, mime: &'static str) -> Result<(u32, u32), MediaError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decode_limits());
    reader.into_dimensions().map_err(|e| MediaError::Malformed { mime, reason: e.to_string() })
}

/// What a file is: its kind and MIME type from its magic bytes, its size, and its dimensions from its header
/// (videos: 0×0, the container is not read further). Unknown types are refused, naming what was seen.
pub fn probe(bytes: &[u8]) -> Result<MediaFacts, MediaError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let (kind, mime, (width, height)) = match sniff(bytes)? {
        Sniffed::Image(format, mime) => (MediaKind::Image, mime, dimensions(bytes, format, mime)?),
        Sniffed::Gif => (MediaKind::Gif, "image/gif", dimensions(bytes, ImageFormat::Gif, "image/gif")?),
        Sniffed::Video(mime) => (MediaKind::Video, mime, (0, 0)),
    };
    Ok(MediaFacts { kind, mime: mime.to_owned(), bytes: size, width, height, duration_ms: None })
}

/// A byte count for people, in binary units with at most two decimals (`976.56 KB`, `2.4 MB`).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {}", UNITS.get(unit).unwrap_or(&"TB"))
}

fn human_duration(ms: u64) -> String {
    let seconds = ms.div_ceil(1000);
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// The findings about a post's attachments on one network: how many, of what type, how large, what dimensions,
/// and (when `require_alt`) images and GIFs without alternative text. Alt text longer than the network takes is
/// reported as `TooLong`; a video longer than the network takes as `MediaTooLarge`.
pub fn check_media(limits: &NetworkLimits, attachments: &[Attachment], require_alt: bool) -> Vec<Finding> {
    let network = limits.network.as_str();
    let label = limits.label();
    let mut out = Vec::new();
    let moving = attachments.iter().filter(|a| a.facts.kind != MediaKind::Image).count();
    let still = attachments.len() - moving;
    if limits.max_media == 0 && !attachments.is_empty() {
        out.push(Finding::error(FindingCode::TooManyMedia, format!("{label} takes no media")));
    } else if attachments.len() > limits.max_media {
        out.push(Finding::error(
            FindingCode::TooManyMedia,
            format!("{} media, {label} takes at most {}", attachments.len(), limits.max_media),
        ));
    }
    if moving > limits.max_videos && limits.max_media > 0 {
        out.push(Finding::error(
            FindingCode::TooManyMedia,
            format!("{moving} videos or GIFs, {label} takes at most {}", limits.max_videos),
        ));
    }
    if !limits.mixed_media && moving > 0 && still > 0 {
        out.push(Finding::error(
            FindingCode::TooManyMedia,
            format!("{label} does not mix images with a video or GIF in one post"),
        ));
    }
    for (index, attachment) in attachments.iter().enumerate() {
        media_findings(limits, index + 1, attachment, require_alt, &mut out);
    }
    out.into_iter().map(|f| f.on_network(network)).collect()
}

fn media_findings(limits: &NetworkLimits, n: usize, a: &Attachment, require_alt: bool, out: &mut Vec<Finding>) {
    let label = limits.label();
    let facts = &a.facts;
    let what = format!("{} {n}", facts.kind.as_str());
    if !limits.accepts(&facts.mime) {
        let accepted = limits.mime_types.join(", ");
        out.push(Finding::error(FindingCode::MediaType, format!("{what} is {}, {label} takes {accepted}", facts.mime)));
        // Size and dimensions are moot for a type the network refuses.
        return;
    }
    let max_bytes = match facts.kind {
        MediaKind::Image => limits.image_max_bytes,
        MediaKind::Gif => limits.gif_max_bytes,
        MediaKind::Video => limits.video_max_bytes,
    };
    if facts.bytes > max_bytes {
        out.push(Finding::error(
            FindingCode::MediaTooLarge,
            format!("{what} is {}, {label} takes at most {}", human_bytes(facts.bytes), human_bytes(max_bytes)),
        ));
    }
    if let (Some(duration), Some(max)) = (facts.duration_ms, limits.video_max_ms) {
        if facts.kind == MediaKind::Video && duration > max {
            out.push(Finding::error(
                FindingCode::MediaTooLarge,
                format!("{what} lasts {}, {label} takes at most {}", human_duration(duration), human_duration(max)),
            ));
        }
    }
    if facts.kind != MediaKind::Video && facts.width > 0 && facts.height > 0 {
        dimension_findings(limits, &what, facts, out);
    }
    let alt = a.alt.trim();
    if require_alt && alt.is_empty() && facts.kind != MediaKind::Video {
        out.push(Finding::error(FindingCode::MissingAltText, format!("{what} has no alternative text")));
    }
    if let Some(max) = limits.alt_max {
        let length = alt.graphemes(true).count();
        if length > max {
            out.push(Finding::error(
                FindingCode::TooLong,
                format!("alternative text of {what} is {length} characters, {label} allows {max}"),
            ));
        }
    }
}

fn dimension_findings(limits: &NetworkLimits, what: &str, facts: &MediaFacts, out: &mut Vec<Finding>) {
    let label = limits.label();
    let (w, h) = (facts.width, facts.height);
    let mut problem = |message: String| out.push(Finding::error(FindingCode::MediaDimensions, message));
    if w < limits.min_width || h < limits.min_height {
        let needed = match (limits.min_width, limits.min_height) {
            (mw, 0) => format!("{mw} pixels wide"),
            (0, mh) => format!("{mh} pixels high"),
            (mw, mh) => format!("{mw}×{mh} pixels"),
        };
        problem(format!("{what} is {w}×{h} pixels, {label} needs at least {needed}"));
    }
    if let Some(aspect) = limits.aspect {
        if !aspect.contains(w, h) {
            problem(format!(
                "{what} is {w}×{h} pixels ({:.2}:1), {label} takes {}:{} to {}:{}",
                f64::from(w) / f64::from(h),
                aspect.min.0,
                aspect.min.1,
                f64::from(aspect.max.0) / f64::from(aspect.max.1),
                1
            ));
        }
    }
    if let Some(max) = limits.max_side {
        if w.max(h) > max {
            problem(format!("{what} is {w}×{h} pixels, {label} takes at most {max} pixels a side"));
        }
    }
    if let Some(max) = limits.max_pixels {
        if u64::from(w) * u64::from(h) > max {
            problem(format!("{what} is {w}×{h} pixels, {label} takes at most {max} pixels in all"));
        }
    }
}

/// The largest size within the network's side and pixel limits, keeping the aspect ratio.
fn target_size(limits: &NetworkLimits, width: u32, height: u32) -> (u32, u32) {
    let mut scale = 1.0_f64;
    if let Some(max) = limits.max_side {
        scale = scale.min(f64::from(max) / f64::from(width.max(height)));
    }
    if let Some(max) = limits.max_pixels {
        scale = scale.min((max as f64 / (f64::from(width) * f64::from(height))).sqrt());
    }
    scaled(width, height, scale)
}

fn scaled(width: u32, height: u32, scale: f64) -> (u32, u32) {
    if scale >= 1.0 {
        return (width, height);
    }
    let w = (f64::from(width) * scale).floor().max(1.0) as u32;
    let h = (f64::from(height) * scale).floor().max(1.0) as u32;
    (w, h)
}

fn fits(limits: &NetworkLimits, facts: &MediaFacts) -> bool {
    let (w, h) = (facts.width, facts.height);
    facts.bytes <= limits.image_max_bytes
        && limits.accepts(&facts.mime)
        && limits.max_side.is_none_or(|max| w.max(h) <= max)
        && limits.max_pixels.is_none_or(|max| u64::from(w) * u64::from(h) <= max)
}

const QUALITIES: [u8; 7] = [90, 85, 80, 72, 64, 55, 45];

/// When a JPEG, PNG or WebP image is over the network's byte, side or pixel limit (or of a type the network does
/// not take while it takes JPEG), a JPEG that fits: downscaled with its aspect kept, at decreasing quality, then
/// smaller again if needed. `None` when the file already fits, and always for GIFs and videos (left untouched).
/// The EXIF orientation is applied; other metadata (location included) is dropped. Transparency is flattened on
/// white. Images over 100 megapixels are refused before decoding.
pub fn fit_image(bytes: &[u8], limits: &NetworkLimits) -> Result<Option<Vec<u8>>, MediaError> {
    let facts = probe(bytes)?;
    let Sniffed::Image(format, mime) = sniff(bytes)? else {
        return Ok(None);
    };
    if fits(limits, &facts) || limits.image_max_bytes == 0 || !limits.accepts("image/jpeg") {
        return Ok(None);
    }
    if u64::from(facts.width) * u64::from(facts.height) > MAX_DECODE_PIXELS {
        return Err(MediaError::TooManyPixels { width: facts.width, height: facts.height });
    }
    let image = decode(bytes, format, mime)?;
    let (mut width, mut height) = target_size(limits, image.width(), image.height());
    let network = limits.network.as_str();
    loop {
        let resized = if (width, height) == (image.width(), image.height()) {
            flatten(&image)
        } else {
            flatten(&image.resize_exact(width, height, FilterType::CatmullRom))
        };
        for quality in QUALITIES {
            let encoded = encode_jpeg(&resized, quality)?;
            if u64::try_from(encoded.len()).unwrap_or(u64::MAX) <= limits.image_max_bytes {
                return Ok(Some(encoded));
            }
        }
        if width.max(height) <= 64 {
            return Err(MediaError::CannotFit { network });
        }
        (width, height) = scaled(width, height, 0.75);
    }
}

fn decode(bytes: &[u8], format: ImageFormat, mime: &'static str) -> Result<DynamicImage, MediaError> {
    let malformed = |e: image::ImageError| MediaError::Malformed { mime, reason: e.to_string() };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decode_limits());
    let mut decoder = reader.into_decoder().map_err(malformed)?;
    let orientation = decoder.orientation().map_err(malformed)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(malformed)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// RGB, with any transparency composited on white (JPEG has no alpha; dropping it would show black).
fn flatten(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let alpha = u16::from(p[3]);
        let blend = |c: u8| ((u16::from(c) * alpha + 255 * (255 - alpha)) / 255) as u8;
        image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])])
    })
}

fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .map_err(|e| MediaError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use filrouge_domain::account::Network;

    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 7) as u8, (y * 13) as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn probe_reads_type_and_dimensions_from_the_bytes() {
        let facts = probe(&png(40, 30)).unwrap();
        assert_eq!(
            (facts.kind, facts.mime.as_str(), facts.width, facts.height),
            (MediaKind::Image, "image/png", 40, 30)
        );
    }

    #[test]
    fn unknown_types_are_named() {
        let err = probe(b"%PDF-1.7\n...").unwrap_err();
        assert!(err.to_string().contains("PDF"), "{err}");
        let err = probe(b"\0\0\0\x18ftypheic\0\0").unwrap_err();
        assert!(err.to_string().contains("HEIC"), "{err}");
        assert_eq!(probe(b""), Err(MediaError::Empty));
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(human_bytes(1_000_000), "976.56 KB");
        assert_eq!(human_bytes(2_516_582), "2.4 MB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5 MB");
        assert_eq!(human_bytes(512), "512 bytes");
    }

    #[test]
    fn target_size_keeps_the_aspect() {
        let mut limits = NetworkLimits::of(Network::Instagram);
        limits.max_side = Some(1440);
        assert_eq!(target_size(&limits, 2880, 3600), (1152, 1440));
        assert_eq!(target_size(&limits, 1000, 1000), (1000, 1000));
    }
}
