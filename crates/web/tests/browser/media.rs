//! Media through the real browser: a file chosen in the composer is uploaded by a multipart form (the form token
//! first, as the browser orders fields), its thumbnail loads under the page's content policy, what was typed stays,
//! and the alternative text is saved with the draft.

use std::time::{Duration, Instant};

use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::ids::PostId;
use filrouge_domain::user::Role;

use crate::harness::Harness;

const SLUG: &str = "da-marco";

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode a PNG");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_manager_attaches_an_image_describes_it_and_saves_the_draft() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let client = h.client(SLUG, "Da Marco", "#c0392b").await;
    let profile =
        AccountProfile { network: Network::Bluesky, handle: "damarco.bsky.social".into(), display_name: "DM".into() };
    h.app.add_account(&Actor::operator(), SLUG, profile, None).await.expect("account");
    h.user("cm@agence.fr", Role::CommunityManager, &[client]).await;
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("four.png");
    std::fs::write(&file, png()).expect("write the image");

    h.sign_in("cm@agence.fr", "/").await;
    h.goto(&format!("/c/{SLUG}/posts/new")).await;
    h.fill("#post-text", "Le four est chaud").await;
    h.click("input[name=account]").await;
    h.find("#media-files").await.send_keys(&file.display().to_string()).await.expect("choose the file");
    h.click_to("button[value=attach]", &format!("/c/{SLUG}/posts/media")).await;

    let facts = h.text("[data-testid=attachment] .facts").await;
    assert!(facts.contains("four.png") && facts.contains("64×48"), "{facts}");
    assert_eq!(h.value("#post-text").await, "Le four est chaud", "what was typed stays");
    let loaded = h.js("return document.querySelector('img.thumb').naturalWidth;").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut width = loaded.as_i64().unwrap_or(0);
    while width != 64 {
        assert!(Instant::now() < deadline, "the thumbnail did not load");
        tokio::time::sleep(Duration::from_millis(50)).await;
        width = h.js("return document.querySelector('img.thumb').naturalWidth;").await.as_i64().unwrap_or(0);
    }

    h.fill("#alt-0", "Le four à bois, allumé").await;
    h.js("window.__filrouge_old_page = true; return null;").await;
    h.click("button[name=then][value=draft]:not(.visually-hidden)").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let path = loop {
        let path = h.path().await;
        if path.starts_with(&format!("/c/{SLUG}/posts/")) && !path.ends_with("/media") {
            break path;
        }
        assert!(Instant::now() < deadline, "the draft was not saved (still on {path})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let id: i64 = path.rsplit('/').next().and_then(|s| s.parse().ok()).expect("a post id");
    let post = h.app.post(&Actor::operator(), SLUG, PostId(id)).await.expect("the post").post;
    assert_eq!(post.content.media.len(), 1);
    assert_eq!(post.content.media[0].alt, "Le four à bois, allumé");
    h.finish().await;
}
