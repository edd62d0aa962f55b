//! The findings of a whole draft on one network.

use filrouge_compose::{check, Draft, NetworkLimits};
use filrouge_domain::account::Network;
use filrouge_domain::lint::{FindingCode, Severity};
use image::ImageFormat;

use crate::fixtures::{attachment, encode, gradient};

fn codes(network: Network, draft: &Draft<'_>) -> Vec<FindingCode> {
    check(&NetworkLimits::of(network), draft).iter().map(|f| f.code).collect()
}

#[test]
fn an_empty_draft_is_only_empty() {
    assert_eq!(codes(Network::Instagram, &Draft::text("  \n ")), [FindingCode::Empty]);
}

#[test]
fn a_short_french_post_passes_on_bluesky_mastodon_and_x() {
    let text = "Bonjour à tous ! Le marché de Noël ouvre samedi à 10 h, place de l'Église. #marchédenoël";
    for network in [Network::Bluesky, Network::Mastodon, Network::X, Network::Facebook, Network::Linkedin] {
        assert!(codes(network, &Draft::text(text)).is_empty(), "{network:?}");
    }
}

#[test]
fn too_long_spans_from_the_first_byte_past_the_limit_to_the_end() {
    let text = format!("{} et la suite déborde", "é".repeat(290));
    let findings = check(&NetworkLimits::of(Network::Bluesky), &Draft::text(&text));
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(finding.code, FindingCode::TooLong);
    assert_eq!(finding.message, "310 characters, Bluesky allows 300");
    let span = finding.span.unwrap();
    assert_eq!(&text[span.start..span.end], "te déborde");
    assert_eq!(span.end, text.len());
}

#[test]
fn too_long_on_x_counts_weights() {
    let text = "日本語のテキスト".repeat(20);
    let findings = check(&NetworkLimits::of(Network::X), &Draft::text(&text));
    assert_eq!(findings[0].message, "320 characters, X allows 280");
    assert_eq!(findings[0].span.unwrap().start, 140 * "日".len());
}

#[test]
fn instagram_refuses_a_31st_hashtag_and_a_21st_mention() {
    let tags: Vec<String> = (1..=31).map(|i| format!("#tag{i}")).collect();
    let mentions: Vec<String> = (1..=21).map(|i| format!("@compte_{i}")).collect();
    let text = format!("Nouveautés ! {} {}", tags.join(" "), mentions.join(" "));
    let image = attachment(&encode(&gradient(400, 400), ImageFormat::Jpeg), "Vitrine");
    let draft = Draft { attachments: std::slice::from_ref(&image), ..Draft::text(&text) };
    let findings = check(&NetworkLimits::of(Network::Instagram), &draft);
    assert_eq!(
        findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [FindingCode::TooManyHashtags, FindingCode::TooManyMentions]
    );
    assert_eq!(findings[0].message, "31 hashtags, Instagram allows 30");
    assert_eq!(findings[0].severity, Severity::Error);
    let span = findings[0].span.unwrap();
    assert_eq!(&text[span.start..span.end], "#tag31");
    assert_eq!(findings[1].message, "21 mentions, Instagram allows 20");
}

#[test]
fn instagram_pinterest_tiktok_and_youtube_need_media() {
    for network in [Network::Instagram, Network::Pinterest, Network::Tiktok, Network::Youtube] {
        assert_eq!(codes(network, &Draft::text("Hello")), [FindingCode::MediaRequired], "{network:?}");
    }
    assert!(codes(Network::Threads, &Draft::text("Hello")).is_empty());
}

#[test]
fn a_content_warning_is_kept_on_mastodon_and_dropped_elsewhere() {
    let draft = Draft { content_warning: Some("Spoiler : la fin du film"), ..Draft::text("Quelle fin !") };
    assert!(codes(Network::Mastodon, &draft).is_empty());
    let bluesky = check(&NetworkLimits::of(Network::Bluesky), &draft);
    assert_eq!(bluesky.len(), 1);
    assert_eq!((bluesky[0].code, bluesky[0].severity), (FindingCode::Unsupported, Severity::Warning));
    assert!(!bluesky[0].blocks());
}

#[test]
fn required_alt_text_and_media_findings_come_through_and_name_the_network() {
    let image = attachment(&encode(&gradient(100, 100), ImageFormat::Png), "");
    let text = "A".repeat(301);
    let draft = Draft {
        text: &text,
        attachments: std::slice::from_ref(&image),
        content_warning: Some("cw"),
        require_alt: true,
    };
    let findings = check(&NetworkLimits::of(Network::Bluesky), &draft);
    let codes: Vec<FindingCode> = findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [FindingCode::TooLong, FindingCode::MissingAltText, FindingCode::Unsupported]);
    assert!(findings.iter().all(|f| f.network == Some("bluesky")));
    let without = Draft { require_alt: false, ..draft };
    assert!(!codes_of(&without).contains(&FindingCode::MissingAltText));
}

fn codes_of(draft: &Draft<'_>) -> Vec<FindingCode> {
    codes(Network::Bluesky, draft)
}

#[test]
fn hostile_text_never_panics_and_spans_fall_on_character_boundaries() {
    let samples = [
        "@",
        "#",
        "@@",
        "##",
        "#＃é",
        "\u{301}#\u{301}",
        "@.@",
        "@a@",
        "@a@b.",
        "@a.b@c.d@e.f",
        "https://",
        "http://#",
        "https://é.fr/#@x",
        "\0#\0@\0",
        "ا#لعربية @مستخدم",
        "🇫",
        "👩\u{200D}",
        &"#x".repeat(400),
        &"é".repeat(70_000),
    ];
    for network in Network::ALL {
        let limits = NetworkLimits::of(network);
        for text in samples {
            for finding in check(&limits, &Draft::text(text)) {
                if let Some(span) = finding.span {
                    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{text:?}");
                }
            }
            let p = filrouge_compose::preview(&limits, text);
            assert!(p.truncated_at.is_none_or(|i| text.is_char_boundary(i)));
            for facet in filrouge_compose::bluesky_facets(text) {
                assert!(text.get(facet.byte_start..facet.byte_end).is_some(), "{text:?}");
            }
        }
    }
}
