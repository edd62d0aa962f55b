//! Tiny real images encoded in memory, and attachments built from them.

use std::io::Cursor;

use filrouge_compose::probe;
use filrouge_domain::media::{Attachment, MediaFacts, MediaKind};
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

/// Pseudo-random noise (compresses badly, so sizes are realistic), the same on every run.
pub fn noise(width: u32, height: u32) -> DynamicImage {
    let mut state: u32 = 0x2545_F491;
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |_, _| {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state & 0xFF) as u8
        };
        image::Rgb([next(), next(), next()])
    }))
}

/// A smooth gradient (compresses well).
pub fn gradient(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    }))
}

pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A fully transparent PNG.
pub fn transparent_png(width: u32, height: u32) -> Vec<u8> {
    encode(&DynamicImage::ImageRgba8(RgbaImage::from_pixel(width, height, image::Rgba([0, 0, 0, 0]))), ImageFormat::Png)
}

/// The first bytes of an MP4 file (an `ftyp` box), enough for `probe`.
pub fn mp4_head() -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.extend_from_slice(&[0; 64]);
    bytes
}

pub fn attachment(bytes: &[u8], alt: &str) -> Attachment {
    Attachment::new(probe(bytes).unwrap(), alt).unwrap()
}

/// An attachment described by its facts only (sizes too large to encode in a test).
pub fn facts(kind: MediaKind, mime: &str, bytes: u64, width: u32, height: u32) -> Attachment {
    let facts = MediaFacts { kind, mime: mime.into(), bytes, width, height, duration_ms: None };
    Attachment::new(facts, "Une description").unwrap()
}
