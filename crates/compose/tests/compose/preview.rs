//! Previews as each network shows a post.

use filrouge_compose::{preview, NetworkLimits, PreviewPart};
use filrouge_domain::account::Network;

#[test]
fn x_shortens_long_links_and_bluesky_shows_them_whole() {
    let url = "https://www.example.com/2026/01/15/the-winter-market-is-open";
    let text = format!("Read: {url} #market");
    let x = preview(&NetworkLimits::of(Network::X), &text);
    assert_eq!(
        x.parts,
        [
            PreviewPart::Text("Read: ".into()),
            PreviewPart::Link { display: "example.com/2026/01/15/the-win…".into(), url: url.into() },
            PreviewPart::Text(" ".into()),
            PreviewPart::Tag("#market".into()),
        ]
    );
    let bluesky = preview(&NetworkLimits::of(Network::Bluesky), &text);
    assert_eq!(bluesky.parts[1], PreviewPart::Link { display: url.into(), url: url.into() });
}

#[test]
fn a_bluesky_mention_needs_a_domain() {
    let p = preview(&NetworkLimits::of(Network::Bluesky), "Merci @alice et @bob.bsky.social");
    assert_eq!(
        p.parts,
        [PreviewPart::Text("Merci @alice et ".into()), PreviewPart::Mention("@bob.bsky.social".into())]
    );
}

#[test]
fn threads_makes_only_the_first_hashtag_a_topic() {
    let p = preview(&NetworkLimits::of(Network::Threads), "#cuisine et #recette");
    assert_eq!(p.parts, [PreviewPart::Tag("#cuisine".into()), PreviewPart::Text(" et #recette".into())]);
}

#[test]
fn truncation_is_where_the_network_cuts() {
    let linkedin = preview(&NetworkLimits::of(Network::Linkedin), &"Très long. ".repeat(30));
    assert_eq!(linkedin.truncated_at, Some("Très long. ".repeat(30).char_indices().nth(210).unwrap().0));
    let long = "x".repeat(350);
    assert_eq!(preview(&NetworkLimits::of(Network::Bluesky), &long).truncated_at, Some(300));
    assert_eq!(preview(&NetworkLimits::of(Network::Bluesky), "court").truncated_at, None);
}
