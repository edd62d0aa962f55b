//! Bluesky facets: byte offsets in UTF-8, links without trailing punctuation, handles, tags.

use filrouge_compose::{bluesky_facets, entities, EntityKind, Facet, FacetFeature};

fn covered<'a>(text: &'a str, facet: &Facet) -> &'a str {
    &text[facet.byte_start..facet.byte_end]
}

#[test]
fn facets_use_utf8_byte_offsets_after_accents_and_emoji() {
    let text = "Fête 🎉 chez @alice.bsky.social : #été https://example.fr/fête";
    let facets = bluesky_facets(text);
    assert_eq!(facets.len(), 3);
    assert_eq!(covered(text, &facets[0]), "@alice.bsky.social");
    assert_eq!(facets[0].feature, FacetFeature::Mention("alice.bsky.social".into()));
    assert_eq!(facets[0].byte_start, "Fête 🎉 chez ".len());
    assert_ne!(facets[0].byte_start, "Fête 🎉 chez ".chars().count());
    assert_eq!(covered(text, &facets[1]), "#été");
    assert_eq!(facets[1].feature, FacetFeature::Tag("été".into()));
    assert_eq!(facets[2].feature, FacetFeature::Link("https://example.fr/fête".into()));
    assert_eq!(facets[2].byte_end, text.len());
}

#[test]
fn trailing_punctuation_is_not_part_of_a_link() {
    let text = "Read it (https://example.com/post). Then https://example.com/faq, or https://example.com/a?b=c!";
    let links: Vec<&str> = bluesky_facets(text).iter().map(|f| covered(text, f)).collect();
    assert_eq!(links, ["https://example.com/post", "https://example.com/faq", "https://example.com/a?b=c"]);
}

#[test]
fn handles_without_a_domain_and_over_long_tags_get_no_facet() {
    let long_tag = "a".repeat(65);
    let text = format!("Hi @alice and @Bob.Example.COM #{long_tag} #{}", "b".repeat(64));
    let facets = bluesky_facets(&text);
    let features: Vec<&FacetFeature> = facets.iter().map(|f| &f.feature).collect();
    assert_eq!(features, [&FacetFeature::Mention("bob.example.com".into()), &FacetFeature::Tag("b".repeat(64))]);
}

#[test]
fn hashtags_are_not_found_in_urls_emails_or_after_letters() {
    let text = "C# and F# devs: see https://example.com/#install or mail team@example.com #rustlang";
    let found = entities(text);
    let kinds: Vec<(EntityKind, &str)> = found.iter().map(|e| (e.kind, &text[e.start..e.end])).collect();
    assert_eq!(kinds, [(EntityKind::Url, "https://example.com/#install"), (EntityKind::Hashtag, "#rustlang")]);
}

#[test]
fn a_bare_domain_is_not_a_link() {
    assert!(bluesky_facets("Tout est sur mairie.example/agenda.").is_empty());
}
