//! Probing files from their bytes, the media findings, and fitting images to a network.

use filrouge_compose::{check_media, fit_image, probe, MediaError, NetworkLimits};
use filrouge_domain::account::Network;
use filrouge_domain::lint::FindingCode;
use filrouge_domain::media::MediaKind;
use image::{GenericImageView, ImageFormat};

use crate::fixtures::{attachment, encode, facts, gradient, mp4_head, noise, transparent_png};

#[test]
fn probe_reads_each_type_from_its_magic_and_header() {
    let image = gradient(64, 48);
    for (format, mime) in [
        (ImageFormat::Jpeg, "image/jpeg"),
        (ImageFormat::Png, "image/png"),
        (ImageFormat::WebP, "image/webp"),
        (ImageFormat::Gif, "image/gif"),
    ] {
        let bytes = encode(&image, format);
        let facts = probe(&bytes).unwrap();
        assert_eq!(facts.mime, mime);
        assert_eq!((facts.width, facts.height), (64, 48), "{mime}");
        assert_eq!(facts.bytes, bytes.len() as u64);
        let kind = if format == ImageFormat::Gif { MediaKind::Gif } else { MediaKind::Image };
        assert_eq!(facts.kind, kind);
    }
    let video = probe(&mp4_head()).unwrap();
    assert_eq!((video.kind, video.mime.as_str(), video.width), (MediaKind::Video, "video/mp4", 0));
    let mut mov = mp4_head();
    mov[8..12].copy_from_slice(b"qt  ");
    assert_eq!(probe(&mov).unwrap().mime, "video/quicktime");
    let webm = [&[0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84][..], b"webm", &[0; 16]].concat();
    assert_eq!(probe(&webm).unwrap().mime, "video/webm");
}

#[test]
fn unknown_or_damaged_files_are_refused_with_what_was_seen() {
    let err = probe(b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>").unwrap_err();
    assert!(err.to_string().contains("SVG"), "{err}");
    let err = probe(b"hello world").unwrap_err();
    assert_eq!(err.to_string(), "unsupported media type: first bytes 68 65 6c 6c 6f 20 77 6f");
    let truncated = &encode(&gradient(10, 10), ImageFormat::Png)[..12];
    assert!(matches!(probe(truncated), Err(MediaError::Malformed { mime: "image/png", .. })));
}

#[test]
fn a_file_name_plays_no_part() {
    // The same PNG bytes are a PNG whatever they were called; there is no name to pass.
    let facts = probe(&encode(&gradient(8, 8), ImageFormat::Png)).unwrap();
    assert_eq!(facts.mime, "image/png");
}

#[test]
fn a_large_image_names_the_network_limit() {
    let limits = NetworkLimits::of(Network::Bluesky);
    let findings = check_media(&limits, &[facts(MediaKind::Image, "image/jpeg", 2_516_582, 2000, 1500)], false);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, FindingCode::MediaTooLarge);
    assert_eq!(findings[0].message, "image 1 is 2.4 MB, Bluesky takes at most 976.56 KB");
    assert_eq!(findings[0].network, Some("bluesky"));
}

#[test]
fn too_many_media_and_forbidden_mixes_are_errors() {
    let photo = facts(MediaKind::Image, "image/jpeg", 100_000, 800, 600);
    let five = vec![photo.clone(); 5];
    let codes: Vec<FindingCode> =
        check_media(&NetworkLimits::of(Network::Bluesky), &five, false).iter().map(|f| f.code).collect();
    assert_eq!(codes, [FindingCode::TooManyMedia]);

    let video = facts(MediaKind::Video, "video/mp4", 1_000_000, 0, 0);
    let mixed = [photo.clone(), video.clone()];
    let x = check_media(&NetworkLimits::of(Network::X), &mixed, false);
    assert_eq!(x.len(), 1);
    assert!(x[0].message.contains("does not mix"), "{}", x[0].message);
    // Instagram carousels mix photos and videos.
    assert!(check_media(&NetworkLimits::of(Network::Instagram), &[photo.clone(), video], false).is_empty());
    // YouTube takes exactly one video and no images.
    let youtube = check_media(&NetworkLimits::of(Network::Youtube), &[photo], false);
    assert_eq!(youtube[0].code, FindingCode::MediaType);
}

#[test]
fn types_dimensions_and_alt_text_are_checked() {
    let instagram = NetworkLimits::of(Network::Instagram);
    let png = attachment(&encode(&gradient(400, 400), ImageFormat::Png), "Un marché de Noël");
    let findings = check_media(&instagram, &[png], true);
    assert_eq!(findings[0].code, FindingCode::MediaType);
    assert!(findings[0].message.contains("image/png"));

    let wide = attachment(&encode(&gradient(400, 100), ImageFormat::Jpeg), "");
    let findings = check_media(&instagram, &[wide], true);
    let codes: Vec<FindingCode> = findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [FindingCode::MediaDimensions, FindingCode::MissingAltText]);
    assert_eq!(findings[0].message, "image 1 is 400×100 pixels (4.00:1), Instagram takes 4:5 to 1.91:1");

    let gif = attachment(&encode(&gradient(40, 40), ImageFormat::Gif), "A dancing cat");
    let bluesky = check_media(&NetworkLimits::of(Network::Bluesky), std::slice::from_ref(&gif), true);
    assert_eq!(bluesky[0].code, FindingCode::MediaType);
    assert!(check_media(&NetworkLimits::of(Network::Mastodon), &[gif], true).is_empty());
}

#[test]
fn an_image_over_the_byte_limit_is_reencoded_to_fit() {
    let png = encode(&noise(700, 700), ImageFormat::Png);
    assert!(png.len() > 1_000_000);
    let limits = NetworkLimits::of(Network::Bluesky);
    let fitted = fit_image(&png, &limits).unwrap().unwrap();
    assert!(fitted.len() as u64 <= limits.image_max_bytes);
    let facts = probe(&fitted).unwrap();
    assert_eq!(facts.mime, "image/jpeg");
    assert_eq!(facts.width, facts.height, "aspect kept");
    assert!(check_media(&limits, &[attachment(&fitted, "Du bruit")], true).is_empty());
}

#[test]
fn a_tight_limit_downscales_keeping_the_aspect() {
    let mut limits = NetworkLimits::of(Network::Mastodon);
    limits.image_max_bytes = 20_000;
    let jpeg = encode(&noise(600, 300), ImageFormat::Jpeg);
    let fitted = fit_image(&jpeg, &limits).unwrap().unwrap();
    let facts = probe(&fitted).unwrap();
    assert!(facts.bytes <= 20_000);
    assert!(facts.width < 600);
    let ratio = f64::from(facts.width) / f64::from(facts.height);
    assert!((ratio - 2.0).abs() < 0.02, "{ratio}");
}

#[test]
fn the_side_limit_is_applied() {
    let mut limits = NetworkLimits::of(Network::X);
    limits.max_side = Some(100);
    let png = encode(&gradient(300, 150), ImageFormat::Png);
    let fitted = fit_image(&png, &limits).unwrap().unwrap();
    let facts = probe(&fitted).unwrap();
    assert_eq!((facts.width, facts.height), (100, 50));
}

#[test]
fn images_that_fit_gifs_and_videos_are_left_alone() {
    let limits = NetworkLimits::of(Network::Bluesky);
    assert_eq!(fit_image(&encode(&gradient(200, 100), ImageFormat::Png), &limits).unwrap(), None);
    let mut tight = limits.clone();
    tight.image_max_bytes = 10;
    tight.gif_max_bytes = 10;
    assert_eq!(fit_image(&encode(&noise(100, 100), ImageFormat::Gif), &tight).unwrap(), None);
    assert_eq!(fit_image(&mp4_head(), &tight).unwrap(), None);
}

#[test]
fn a_type_the_network_refuses_becomes_jpeg() {
    let png = encode(&gradient(400, 500), ImageFormat::Png);
    let fitted = fit_image(&png, &NetworkLimits::of(Network::Instagram)).unwrap().unwrap();
    assert_eq!(probe(&fitted).unwrap().mime, "image/jpeg");
}

#[test]
fn transparency_is_flattened_on_white() {
    let mut limits = NetworkLimits::of(Network::Bluesky);
    limits.max_side = Some(32);
    let fitted = fit_image(&transparent_png(64, 64), &limits).unwrap().unwrap();
    let image = image::load_from_memory(&fitted).unwrap();
    let pixel = image.get_pixel(16, 16).0;
    assert!(pixel[0] > 245 && pixel[1] > 245 && pixel[2] > 245, "{pixel:?}");
}

#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    let mut jpeg = encode(&gradient(16, 16), ImageFormat::Jpeg);
    // Rewrite the frame header (SOF0: FF C0, length, precision, height, width) to claim 20,000 × 20,000 pixels.
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let big = 20_000_u16.to_be_bytes();
    jpeg[sof + 5..sof + 7].copy_from_slice(&big);
    jpeg[sof + 7..sof + 9].copy_from_slice(&big);
    assert_eq!(probe(&jpeg).unwrap().width, 20_000);
    // X takes at most 8,192 pixels a side, so the image would have to be decoded to be shrunk.
    let err = fit_image(&jpeg, &NetworkLimits::of(Network::X)).unwrap_err();
    assert_eq!(err, MediaError::TooManyPixels { width: 20_000, height: 20_000 });
}

#[test]
fn a_narrow_image_is_too_small_for_instagram() {
    let small = attachment(&encode(&gradient(200, 250), ImageFormat::Jpeg), "Petit");
    let findings = check_media(&NetworkLimits::of(Network::Instagram), &[small], true);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].message, "image 1 is 200×250 pixels, Instagram needs at least 320 pixels wide");
}
