//! What a phone sees, and the accessibility basics of the densest form page.

use filrouge_domain::user::Role;

use crate::harness::{screenshot_dir, Harness};

const SLUG: &str = "atelier-azur";

/// Widths in CSS pixels: the main content (including what overflows), the window, and the
/// whole document (header, switcher and tabs included) against the visible area.
async fn widths(h: &Harness) -> (i64, i64) {
    let v = h
        .js("const d = document.documentElement; \
             return [document.querySelector('main').scrollWidth, window.innerWidth, d.scrollWidth, d.clientWidth];")
        .await;
    let width = |i: usize| v[i].as_i64().unwrap_or_else(|| panic!("width {i} in {v}"));
    let (main, window, document, visible) = (width(0), width(1), width(2), width(3));
    eprintln!("widths: main {main}, window {window}, document {document}, visible {visible}");
    assert!(document <= visible, "the page scrolls sideways: document is {document}px wide, {visible}px visible");
    (main, window)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_screen() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let a = h.client(SLUG, "Atelier Azur", "#2563eb").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[a]).await;

    h.browser.set_window_size(390, 844).await.expect("resize the window");
    h.goto("/login").await;
    let (main, window) = widths(&h).await;
    assert!((360..=400).contains(&window), "the window did not become phone-sized: innerWidth {window}");
    assert!(main <= window, "sign-in page overflows: main is {main}px wide in a {window}px window");

    h.sign_in("cm@agence.fr", "/").await;
    let settings = format!("/c/{SLUG}/settings");
    h.goto(&settings).await;
    assert_eq!(h.path().await, settings);
    h.find("#max_hashtags").await;
    let (main, window) = widths(&h).await;
    assert!(main <= window, "settings page overflows: main is {main}px wide in a {window}px window");

    let png = h.browser.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let file = dir.join("settings-mobile.png");
    std::fs::write(&file, png).expect("write the screenshot");
    eprintln!("screenshot: {}", file.display());

    // The veille and the sources, with long unbroken text that must wrap.
    let long = "https://www.un-site-avec-une-adresse-tres-longue.example/articles/2026/06/un-titre-sans-espaces";
    let op = filrouge_app::Actor::operator();
    let long_query = format!("\"{}\" OR pizza", "unmotsansfin".repeat(8));
    let draft = filrouge_domain::listening_query::QueryDraft::parse(
        "Une requête au nom long",
        &long_query,
        true,
        "instant",
        "",
    )
    .expect("a valid draft");
    h.app.create_query(&op, SLUG, draft).await.expect("the query is saved");
    h.mentions(SLUG, &[(long, "<p>Un texte</p>"), ("Pizza", &format!("<p>{}</p>", "mot".repeat(60)))]).await;
    for (path, what, png_name) in [
        (format!("/c/{SLUG}/mentions"), "ol.mentions", "mentions-mobile.png"),
        (format!("/c/{SLUG}/sources"), "table.sources", "sources-mobile.png"),
        (format!("/c/{SLUG}/queries"), "table.queries", "queries-mobile.png"),
        ("/notifications".to_owned(), "ol.notifications", "notifications-mobile.png"),
    ] {
        h.goto(&path).await;
        h.find(what).await;
        let (main, window) = widths(&h).await;
        assert!(main <= window, "{path} overflows: main is {main}px wide in a {window}px window");
        let png = h.browser.screenshot().await.expect("screenshot");
        let file = dir.join(png_name);
        std::fs::write(&file, png).expect("write the screenshot");
        eprintln!("screenshot: {}", file.display());
    }

    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_form_fields_all_have_labels() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let a = h.client(SLUG, "Atelier Azur", "#2563eb").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[a]).await;

    h.sign_in("cm@agence.fr", "/").await;
    let settings = format!("/c/{SLUG}/settings");
    h.goto(&settings).await;
    assert_eq!(h.path().await, settings);
    h.find("#max_hashtags").await;

    let report = h
        .js(r#"
            const controls = [...document.querySelectorAll('input, select, textarea')]
                .filter(el => (el.getAttribute('type') || '').toLowerCase() !== 'hidden');
            const unlabelled = [];
            for (const el of controls) {
                const byFor = el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
                const label = byFor || el.closest('label');
                if (!label || label.textContent.trim() === '') unlabelled.push(el.outerHTML);
            }
            const ids = [...document.querySelectorAll('[id]')].map(el => el.id);
            const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
            return {
                count: controls.length,
                unlabelled,
                duplicated,
                lang: document.documentElement.getAttribute('lang') || '',
            };
        "#)
        .await;
    let count = report["count"].as_u64().expect("count");
    assert!(count >= 15, "the settings page should show its three forms, found {count} fields");
    assert_eq!(report["unlabelled"], serde_json::json!([]), "fields without a label");
    assert_eq!(report["duplicated"], serde_json::json!([]), "duplicated ids break label association");
    let lang = report["lang"].as_str().expect("lang");
    assert!(lang == "fr" || lang == "en", "html[lang] is the interface language, got {lang:?}");

    h.finish().await;
}
