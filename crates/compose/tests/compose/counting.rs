//! Counting a post the way each network counts it.

use filrouge_compose::{count, InstanceLimits, NetworkLimits};
use filrouge_domain::account::Network;

fn long_url() -> String {
    let url = format!("https://www.example.fr/articles/{}", "chemin-du-marche-".repeat(20));
    assert!(url.len() > 200);
    url
}

#[test]
fn a_long_url_counts_23_on_mastodon_and_x_but_in_full_on_bluesky() {
    let url = long_url();
    let text = format!("Lisez ceci : {url}");
    let prefix = "Lisez ceci : ".chars().count();
    assert_eq!(count(&NetworkLimits::of(Network::Mastodon), &text).used, prefix + 23);
    assert_eq!(count(&NetworkLimits::of(Network::X), &text).used, prefix + 23);
    assert_eq!(count(&NetworkLimits::of(Network::Bluesky), &text).used, text.chars().count());
    assert_eq!(count(&NetworkLimits::of(Network::Bluesky), &text).urls, 1);
}

#[test]
fn a_mastodon_mention_counts_only_the_user_part() {
    let text = "Merci @alice@social.example !";
    let counted = count(&NetworkLimits::of(Network::Mastodon), text);
    assert_eq!(counted.used, "Merci @alice !".chars().count());
    assert_eq!(counted.mentions, 1);
    assert_eq!(count(&NetworkLimits::of(Network::Bluesky), text).used, text.chars().count());
}

#[test]
fn an_instance_with_its_own_url_weight_counts_with_it() {
    let limits = NetworkLimits::mastodon_instance(InstanceLimits {
        max_characters: 1000,
        characters_reserved_per_url: 10,
        ..InstanceLimits::default()
    });
    let counted = count(&limits, "https://example.org/a/very/long/path");
    assert_eq!((counted.used, counted.limit), (10, 1000));
}

#[test]
fn emoji_sequences_flags_and_accents_are_one_character_for_people() {
    // Woman technologist (ZWJ), rainbow flag (ZWJ), the flag of France, "café" with a combining accent.
    let text = "👩\u{200D}💻🏳\u{FE0F}\u{200D}🌈🇫🇷 cafe\u{301}";
    let bluesky = count(&NetworkLimits::of(Network::Bluesky), text);
    assert_eq!(bluesky.used, 3 + 1 + 4);
    // X: each emoji weighs 2 whatever its sequence; the combining accent is composed first (NFC).
    assert_eq!(count(&NetworkLimits::of(Network::X), text).used, 6 + 1 + 4);
}

#[test]
fn cjk_and_other_scripts_weigh_two_on_x() {
    let x = NetworkLimits::of(Network::X);
    assert_eq!(count(&x, "東京で会いましょう").used, 18);
    assert_eq!(count(&x, "Привет").used, 6, "Cyrillic is in the weight-1 range");
    assert_eq!(count(&x, "See you in Tokyo").used, 16);
    let counted = count(&x, &"語".repeat(141));
    assert!(counted.over());
    assert_eq!(counted.used, 282);
}

#[test]
fn hashtags_mentions_and_urls_are_counted() {
    let counted = count(
        &NetworkLimits::of(Network::Instagram),
        "Le #marché de #Noël avec @la_mairie, infos https://example.fr/noel #2024",
    );
    assert_eq!((counted.hashtags, counted.mentions, counted.urls), (2, 1, 1));
    assert_eq!(counted.limit, 2200);
}
