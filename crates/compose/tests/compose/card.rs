//! Link cards from real-looking pages.

use filrouge_compose::open_graph;

#[test]
fn a_news_page_gives_its_open_graph_card() {
    let html = r#"<!DOCTYPE html>
<html lang="fr"><head>
<meta charset="utf-8">
<title>Marché de Noël 2026 | Ville d'Exemple</title>
<base href="https://cdn.ville.example/site/">
<meta name="description" content="Le programme complet.">
<meta property="og:type" content="article">
<meta property="og:title" content="Le marché de Noël revient place de l&#39;Église">
<meta property="og:description" content="Du 1er au 24 décembre, 60 chalets &amp; des animations.">
<meta property="og:image" content="images/marche.jpg">
<script type="application/ld+json">{"headline": "<meta property='og:title' content='no'>"}</script>
</head><body><h1>Marché</h1></body></html>"#;
    let card = open_graph(html, "https://www.ville.example/actualites/marche-de-noel").unwrap();
    assert_eq!(card.url, "https://www.ville.example/actualites/marche-de-noel");
    assert_eq!(card.title, "Le marché de Noël revient place de l'Église");
    assert_eq!(card.description.as_deref(), Some("Du 1er au 24 décembre, 60 chalets & des animations."));
    assert_eq!(card.image_url.as_deref(), Some("https://cdn.ville.example/site/images/marche.jpg"));
}

#[test]
fn a_plain_page_falls_back_to_title_and_description() {
    let html = "<html><head><TITLE>\n  About us\n</TITLE><meta name=description content='Who we are'></head></html>";
    let card = open_graph(html, "https://example.com/about").unwrap();
    assert_eq!(card.title, "About us");
    assert_eq!(card.description.as_deref(), Some("Who we are"));
    assert_eq!(card.image_url, None);
}

#[test]
fn a_huge_page_is_read_only_up_to_its_bound() {
    let html = format!("<html><head>{}<title>late</title></head>", "<meta name=x content=y>".repeat(50_000));
    assert_eq!(open_graph(&html, "https://example.com/"), None);
}
