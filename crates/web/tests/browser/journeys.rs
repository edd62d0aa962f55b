//! Whole journeys through the real browser: signing in, switching client, editing a charter,
//! signing out; and what a client reviewer can and cannot reach.

use filrouge_app::Actor;
use filrouge_domain::client::AddressForm;
use filrouge_domain::permission::Action;
use filrouge_domain::user::Role;

use crate::harness::Harness;

const A_SLUG: &str = "atelier-azur";
const A_NAME: &str = "Atelier Azur";
const B_SLUG: &str = "boulangerie-zephyr";
const B_NAME: &str = "Boulangerie Zéphyr";

/// Texts of the links of the client switcher, in order.
async fn switcher_names(h: &Harness) -> Vec<String> {
    let mut names = Vec::new();
    for link in h.find_all("nav.switcher a").await {
        names.push(link.text().await.expect("switcher link text").trim().to_owned());
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_manager_signs_in_switches_client_edits_the_charter_and_signs_out() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let a = h.client(A_SLUG, A_NAME, "#2563eb").await;
    let b = h.client(B_SLUG, B_NAME, "#16a34a").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[a, b]).await;
    let a_home = format!("/c/{A_SLUG}");
    let b_home = format!("/c/{B_SLUG}");
    let b_settings = format!("/c/{B_SLUG}/settings");

    // Sign in through the form: the session cookie sticks and we land on the overview.
    h.sign_in("cm@agence.fr", "/").await;
    h.find(&format!("ul.cards a[href='{b_home}']")).await;
    h.click_to(&format!("ul.cards a[href='{a_home}']"), &a_home).await;
    assert_eq!(h.text("[data-testid=current-client]").await, A_NAME);
    assert_eq!(switcher_names(&h).await, [A_NAME, B_NAME]);

    // One click in the switcher.
    let mut targets = Vec::new();
    for link in h.find_all("nav.switcher a").await {
        if link.text().await.expect("link text").trim() == B_NAME {
            targets.push(link);
        }
    }
    assert_eq!(targets.len(), 1, "exactly one switcher link for {B_NAME}");
    h.click_element_to(targets.remove(0), &b_home).await;
    assert_eq!(h.text("[data-testid=current-client]").await, B_NAME);
    assert_eq!(h.text("nav.switcher a[aria-current=page]").await, B_NAME, "the switcher marks the current client");

    // B's settings: edit the charter.
    h.click_to(&format!("nav.tabs a[href='{b_settings}']"), &b_settings).await;
    assert_eq!(h.text("[data-testid=current-client]").await, B_NAME);
    let tu = "input[name=address][value=tu]";
    assert!(!h.find(tu).await.is_selected().await.expect("radio state"), "the default charter says vous");
    assert!(h.find_all("p.flash").await.is_empty(), "no flash before saving");
    h.click(tu).await;
    h.fill("#banned", "promo\nlow cost").await;
    h.fill("#max_hashtags", "4").await;
    h.click_to("form[action$='/charter'] button[type=submit]", &b_settings).await;

    // After the redirect: the saved values and a success message.
    let flash = h.text("p.flash.ok").await;
    assert!(flash == "Enregistré." || flash == "Saved.", "success flash, got {flash:?}");
    assert!(h.find(tu).await.is_selected().await.expect("radio state"), "tu is saved");
    assert_eq!(h.value("#banned").await, "promo\nlow cost");
    assert_eq!(h.value("#max_hashtags").await, "4");
    assert_eq!(h.text("[data-testid=current-client]").await, B_NAME);

    // Saved for real, on B and not on A.
    let saved = h.app.client(&Actor::operator(), B_SLUG, Action::ViewClient).await.expect("client B").profile.charter;
    assert_eq!(saved.address, AddressForm::Tu);
    assert_eq!(saved.banned, ["promo", "low cost"]);
    assert_eq!(saved.max_hashtags, 4);
    let untouched =
        h.app.client(&Actor::operator(), A_SLUG, Action::ViewClient).await.expect("client A").profile.charter;
    assert_eq!(untouched.address, AddressForm::Vous);
    assert!(untouched.banned.is_empty());

    // The flash is shown once.
    h.goto(&b_settings).await;
    assert!(h.find_all("p.flash").await.is_empty(), "the flash is gone after a reload");

    // Sign out from the header; the session is over.
    h.click_to("header.top form[action='/logout'] button[type=submit]", "/login").await;
    h.find("#email").await;
    h.goto("/").await;
    h.wait_for_path("/login").await;
    h.goto(&b_settings).await;
    h.wait_for_path("/login").await;

    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_reviewer_sees_only_their_client() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let a = h.client(A_SLUG, A_NAME, "#2563eb").await;
    h.client(B_SLUG, B_NAME, "#16a34a").await;
    h.user("relecture@azur.fr", Role::ClientReviewer, &[a]).await;

    // Signing in takes a reviewer straight to their only client.
    h.sign_in("relecture@azur.fr", &format!("/c/{A_SLUG}")).await;
    assert_eq!(h.text("[data-testid=current-client]").await, A_NAME);
    assert_eq!(switcher_names(&h).await, [A_NAME], "the switcher lists only A");
    let page = h.source().await;
    assert!(!page.contains(B_NAME) && !page.contains(B_SLUG), "B leaks into A's page:\n{page}");

    // B does not exist for them, and looks exactly like a client that does not exist.
    let mut seen = Vec::new();
    for path in [format!("/c/{B_SLUG}"), format!("/c/{B_SLUG}/settings"), "/c/no-such-client".to_owned()] {
        h.goto(&path).await;
        assert_eq!(h.path().await, path);
        let title = h.browser.title().await.expect("title");
        assert!(title.starts_with("404"), "{path}: title {title:?}");
        let body = h.text("body").await;
        let lower = body.to_lowercase();
        assert!(lower.contains("introuvable") || lower.contains("not found"), "{path}: {body}");
        let page = h.source().await;
        assert!(!page.contains(B_NAME), "{path} names B:\n{page}");
        seen.push(body);
    }
    assert_eq!(seen[0], seen[2], "a hidden client and a missing one give the same page");

    h.finish().await;
}

/// Payloads that try every way to run script from a mention: tags, handlers, URLs, SVG, forms.
const XSS: &[(&str, &str)] = &[
    ("<script>window.__pwned=1</script>Titre", "<p>Bonjour<script>window.__pwned=1</script></p>"),
    ("Image", "<img src=x onerror=\"window.__pwned=1\"><p>image</p>"),
    ("Lien", "<a href=\"javascript:window.__pwned=1\">clic</a> <a href=\" jAvAsCrIpT:window.__pwned=1\">x</a>"),
    ("SVG", "<svg><script>window.__pwned=1</script></svg><svg onload=\"window.__pwned=1\"></svg>"),
    ("Iframe", "<iframe src=\"javascript:window.__pwned=1\"></iframe><object data=\"javascript:window.__pwned=1\"></object>"),
    ("Style", "<div style=\"background:url(javascript:window.__pwned=1)\">s</div><style>@import 'javascript:x'</style>"),
    ("Form", "<form action=\"javascript:window.__pwned=1\"><button>go</button></form><math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_carrying_script_payloads_are_shown_and_nothing_runs() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let a = h.client(A_SLUG, A_NAME, "#2563eb").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[a]).await;
    let (_, ids) = h.mentions(A_SLUG, XSS).await;
    assert_eq!(ids.len(), XSS.len());
    h.sign_in("cm@agence.fr", "/").await;
    let stream = format!("/c/{A_SLUG}/mentions");
    h.goto(&stream).await;
    assert_eq!(h.find_all("ol.mentions li").await.len(), XSS.len(), "every mention is listed");
    assert_eq!(h.js("return window.__pwned === undefined").await, serde_json::json!(true), "the stream ran nothing");
    for id in ids {
        h.goto(&format!("/c/{A_SLUG}/mentions/{id}")).await;
        h.find("article.mention-detail").await;
        // Clicking every link in the content must not run anything either.
        for link in h.find_all("article.mention-detail .content a").await {
            let href = link.attr("href").await.expect("href").unwrap_or_default();
            assert!(!href.to_ascii_lowercase().contains("javascript"), "a javascript: link survived: {href}");
        }
        assert_eq!(
            h.js("return window.__pwned === undefined").await,
            serde_json::json!(true),
            "mention {id} ran script"
        );
        assert_eq!(h.js("return document.querySelectorAll('.content script, .content iframe, .content object, .content svg').length").await, serde_json::json!(0));
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_editor_checks_the_syntax_as_one_types_and_tries_the_query() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let a = h.client(A_SLUG, A_NAME, "#2563eb").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[a]).await;
    h.mentions(
        A_SLUG,
        &[("Bella Napoli", "<p>La pizza de la Bella Napoli est parfaite.</p>"), ("Autre", "<p>Rien.</p>")],
    )
    .await;
    h.sign_in("cm@agence.fr", "/").await;
    let queries = format!("/c/{A_SLUG}/queries");
    h.goto(&queries).await;
    // Typing an unbalanced query shows the error with its caret, without submitting anything.
    h.fill("#qq-new", "pizza AND (napoli").await;
    h.find("#qc-new [role=alert] pre.caret").await;
    assert!(h.text("#qc-new [role=alert]").await.contains('^'));
    assert_eq!(h.path().await, queries, "nothing was submitted");
    // Fixing it turns the message into a confirmation naming the prefilter's words.
    h.fill("#qq-new", "pizza AND (napoli OR napolitaine)").await;
    h.find("#qc-new [role=status]").await;
    // Trying it on the archive shows how many mentions it would have matched, with the terms marked.
    h.click("#qb-new + *, button[hx-get$='/queries/backtest']").await;
    h.find("#qb-new section.backtest mark").await;
    assert!(h.text("#qb-new section.backtest").await.contains("1"));
    // Saving it leads to its page.
    h.fill("#qn-new", "Marque").await;
    h.click("form.query-editor button[type=submit]").await;
    // The next page's title, once it has replaced this one (reading at once could still see "Queries").
    assert_eq!(h.text_when("h1", |t| t == "Marque").await, "Marque");
    assert_eq!(h.js("return window.__pwned === undefined").await, serde_json::json!(true));
    h.finish().await;
}
