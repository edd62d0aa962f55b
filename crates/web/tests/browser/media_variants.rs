//! An account's own media through the real browser, on a phone-sized window: the community manager opens one
//! account's version, chooses "its own selection" (the list appears, CSS only), adds a square crop from the
//! library with the "add" button (a plain submit: what was typed stays), describes it and saves; the post's page
//! shows that account's media, and the other account keeps the post's.

use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::ids::PostId;
use filrouge_domain::post::PostMedia;
use filrouge_domain::user::Role;

use crate::harness::{screenshot_dir, Harness};

const SLUG: &str = "da-marco";

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 3) as u8, (y * 2) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode a PNG");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_manager_gives_one_account_its_own_media_and_the_post_page_shows_them() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let op = Actor::operator();
    let client = h.client(SLUG, "Da Marco", "#c0392b").await;
    let profile = |network, handle: &str| AccountProfile { network, handle: handle.into(), display_name: "DM".into() };
    let bsky =
        h.app.add_account(&op, SLUG, profile(Network::Bluesky, "damarco.bsky.social"), None).await.expect("bsky");
    let masto = h.app.add_account(&op, SLUG, profile(Network::Mastodon, "@damarco@lyon.social"), None).await;
    let masto = masto.expect("mastodon");
    let wide = h.app.add_media(&op, SLUG, "four-large.png", png(80, 45)).await.expect("a file");
    let square = h.app.add_media(&op, SLUG, "four-carre.png", png(60, 60)).await.expect("a file");
    h.user("cm@agence.fr", Role::CommunityManager, &[client]).await;

    h.browser.set_window_size(390, 844).await.expect("resize the window");
    h.sign_in("cm@agence.fr", "/").await;
    h.goto(&format!("/c/{SLUG}/posts/new")).await;
    h.fill("#post-text", "Le four est chaud").await;
    h.click(&format!("input[name=account][value='{bsky}']")).await;
    h.click(&format!("input[name=account][value='{masto}']")).await;

    // Bluesky's version: "its own selection", then the square crop from the library.
    h.click(&format!("details:has([data-testid=media-variant-{bsky}]) > summary")).await;
    // Shown: laid out (a hidden ancestor gives no offsetParent).
    let list_shown = format!("return document.querySelector('#vadd-{bsky}').offsetParent !== null;");
    assert_eq!(h.js(&list_shown).await, serde_json::json!(false), "hidden while 'same as the post' is chosen");
    h.click(&format!("input[name=media-variant-{bsky}][value=own]")).await;
    assert_eq!(h.js(&list_shown).await, serde_json::json!(true), "the list appears with 'its own selection'");
    let offered = h.text(&format!("#vadd-{bsky}")).await;
    assert!(offered.contains("four-large.png") && offered.contains("four-carre.png"), "the library: {offered}");
    let _ = wide;
    h.find(&format!("#vadd-{bsky}")).await.select_by_value(&square.to_string()).await.expect("choose the square crop");
    h.click_to(&format!("button[name=vadd][value='{bsky}']"), &format!("/c/{SLUG}/posts/media/variant")).await;
    assert_eq!(h.value("#post-text").await, "Le four est chaud", "what was typed stays");
    let own = h.text(&format!("[data-testid=media-variant-{bsky}] [data-testid=variant-attachment] .facts")).await;
    assert!(own.contains("four-carre.png") && own.contains("60×60"), "{own}");
    h.fill(&format!("#valt-{bsky}-0"), "Le four, cadré au carré").await;

    // On a phone, nothing scrolls sideways.
    let v = h
        .js("const d = document.documentElement; \
             return [document.querySelector('main').scrollWidth, window.innerWidth, d.scrollWidth, d.clientWidth];")
        .await;
    let w = |i: usize| v[i].as_i64().unwrap_or_else(|| panic!("width {i} in {v}"));
    assert!(w(0) <= w(1) && w(2) <= w(3), "the composer overflows a phone: {v}");
    h.js(&format!("document.querySelector('[data-testid=media-variant-{bsky}]').scrollIntoView(); return null;")).await;
    let shot = h.browser.screenshot().await.expect("screenshot");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    std::fs::write(dir.join("media-variant-mobile.png"), shot).expect("write the screenshot");

    // The live checks know Bluesky has its own media.
    h.text_when("#lint", |t| t.contains("1 fichier") || t.contains("1 file")).await;

    h.js("window.__filrouge_old_page = true; return null;").await;
    h.click("button[name=then][value=draft]:not(.visually-hidden)").await;
    let text = h.text_when("[data-testid=variant-media]", |t| t.contains("Le four, cadré au carré")).await;
    assert!(text.contains("Le four, cadré au carré"), "{text}");
    let path = h.path().await;
    let id: i64 = path.rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("a post id in {path}"));
    let src = h.js("return document.querySelector('[data-testid=variant-media] img').getAttribute('src');").await;
    assert_eq!(src, serde_json::json!(format!("/c/{SLUG}/media/{square}")));

    let post = h.app.post(&op, SLUG, PostId(id)).await.expect("the post").post;
    assert_eq!(
        post.content.media_for(bsky),
        &[PostMedia { media_id: square, alt: "Le four, cadré au carré".into() }][..]
    );
    assert_eq!(post.content.targets.iter().find(|t| t.account_id == masto).and_then(|t| t.media.clone()), None);
    h.finish().await;
}
