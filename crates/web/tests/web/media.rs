//! Media in the composer (upload, thumbnail, alt text, remove, shrink), the link preview and spelling suggestions.

use axum::http::{header, StatusCode};
use filrouge_app::Actor;
use filrouge_domain::client::Charter;
use filrouge_domain::ids::{MediaId, PostId};
use filrouge_domain::permission::Action;
use filrouge_domain::post::PostMedia;
use filrouge_domain::user::Role;

use crate::helpers::{png, spawn_app, Browser, TestApp};

/// Alpha with one Bluesky account and a community manager signed in: (app, account id, browser).
async fn alpha() -> (TestApp, String, Browser) {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.client("bravo", "Bravo Bistro", "#2980b9").await;
    let account = t.account("alpha", "alpha.pizza").await.to_string();
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let browser = t.browser("cm@agence.fr").await;
    (t, account, browser)
}

/// The ids of the attachments a composer page carries, in order.
fn attached(body: &str) -> Vec<i64> {
    body.split("name=\"media_id[]\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

fn header_of(answer: &crate::helpers::Answer, name: header::HeaderName) -> &str {
    answer.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn an_uploaded_png_is_attached_with_its_facts_and_served_as_a_png_that_is_never_sniffed() {
    let (t, account, browser) = alpha().await;
    let image = png(64, 48, false);
    let fields = [("text", "Notre terrasse est ouverte"), ("account", account.as_str())];
    let page = browser.post_multipart("/c/alpha/posts/media", &fields, &[("files", "terrasse.png", &image)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let ids = attached(&page.body);
    assert_eq!(ids.len(), 1, "one attachment");
    let attachment = page.body.split("data-testid=\"attachment\"").nth(1).unwrap();
    for fact in ["terrasse.png", "image/png", "64×48 px"] {
        assert!(attachment.contains(fact), "the attachment shows {fact}: {attachment}");
    }
    assert!(attachment.contains(&format!("src=\"/c/alpha/media/{}\"", ids[0])), "an image is shown inline");
    assert!(page.body.contains("Notre terrasse est ouverte"), "what was typed comes back");
    assert!(page.body.contains("name=\"alt[]\""), "with a field for its alternative text");

    let file = browser.get(&format!("/c/alpha/media/{}", ids[0])).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(header_of(&file, header::CONTENT_TYPE), "image/png");
    assert_eq!(header_of(&file, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header_of(&file, header::CONTENT_DISPOSITION), "inline");
    assert!(file.body.contains("PNG") && file.body.contains("IHDR"), "the PNG's bytes");

    // Another client's file is not found, through either client.
    let bravo = t.app.add_media(&Actor::operator(), "bravo", "bravo.png", png(5, 5, false)).await.unwrap();
    assert_eq!(browser.get(&format!("/c/alpha/media/{bravo}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&format!("/c/bravo/media/{bravo}")).await.status, StatusCode::NOT_FOUND);

    // Removing takes the attachment off the draft, keeping the rest.
    let id = ids[0].to_string();
    let fields = [
        ("text", "Notre terrasse est ouverte"),
        ("account", account.as_str()),
        ("media_id[]", id.as_str()),
        ("alt[]", ""),
        ("remove", "0"),
    ];
    let page = browser.post("/c/alpha/posts/media/remove", &fields).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(attached(&page.body).is_empty() && page.body.contains("Notre terrasse est ouverte"));
}

#[tokio::test]
async fn a_file_that_is_not_media_and_a_file_over_the_limit_are_refused_with_their_names() {
    let (t, account, browser) = alpha().await;
    let fields = [("text", "Menu"), ("account", account.as_str())];
    let page = browser.post_multipart("/c/alpha/posts/media", &fields, &[("files", "notes.txt", b"just words")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = page.body.split("id=\"composer-error\"").nth(1).expect("an error message");
    assert!(error.contains("notes.txt"), "the message names the file: {error}");
    assert!(attached(&page.body).is_empty());

    // Over the per-file limit (lowered here): refused naming the file and the limit, the other file kept.
    let mut state = t.state.clone();
    state.max_upload_bytes = 2048;
    let small =
        Browser { router: filrouge_web::router(state), token: browser.token.clone(), csrf: browser.csrf.clone() };
    let big = png(100, 100, true);
    let tiny = png(4, 4, false);
    let files: [(&str, &str, &[u8]); 2] = [("files", "grande.png", &big), ("files", "petite.png", &tiny)];
    let page = small.post_multipart("/c/alpha/posts/media", &fields, &files).await;
    let error = page.body.split("id=\"composer-error\"").nth(1).expect("an error message");
    assert!(error.contains("grande.png") && error.contains("2 KB"), "names the file and the limit: {error}");
    assert_eq!(attached(&page.body).len(), 1, "the small file is attached");

    // A body declared over the route's limit is refused before it is read, naming the library's limit.
    let huge = (filrouge_app::media::MAX_MEDIA_BYTES + (1 << 20)).to_string();
    let answer =
        browser.post_multipart_with("/c/alpha/posts/media", &fields, &[], &[("content-length", huge.as_str())]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.body.contains("512 MB"), "{}", answer.body);
}

#[tokio::test]
async fn alt_text_is_saved_with_the_post_and_the_checks_ask_for_it_when_the_charter_does() {
    let (t, account, browser) = alpha().await;
    let operator = Actor::operator();
    let charter = Charter { require_alt_text: true, ..Charter::default() };
    t.app.update_charter(&operator, "alpha", charter).await.unwrap();
    let media = t.app.add_media(&operator, "alpha", "vitrine.png", png(800, 600, false)).await.unwrap().to_string();
    let mut fields =
        vec![("text", "Bonne semaine à tous"), ("account", account.as_str()), ("media_id[]", media.as_str())];

    let lint = browser.post("/c/alpha/posts/lint", &[fields.clone(), vec![("alt[]", "")]].concat()).await;
    assert!(lint.body.contains("missing_alt_text"), "{}", lint.body);
    let lint = browser.post("/c/alpha/posts/lint", &[fields.clone(), vec![("alt[]", "Une vitrine")]].concat()).await;
    assert!(!lint.body.contains("missing_alt_text"), "{}", lint.body);

    fields.extend([("alt[]", "Une vitrine de pizzeria"), ("then", "draft")]);
    let saved = browser.post("/c/alpha/posts", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id: i64 = saved.location().rsplit('/').next().unwrap().parse().unwrap();
    let post = t.app.post(&operator, "alpha", PostId(id)).await.unwrap().post;
    let expected = PostMedia { media_id: MediaId(media.parse().unwrap()), alt: "Une vitrine de pizzeria".into() };
    assert_eq!(post.content.media, vec![expected]);
    let edit = browser.get(&format!("/c/alpha/posts/{id}/edit")).await;
    assert!(
        edit.body.contains("Une vitrine de pizzeria") && attached(&edit.body) == vec![media.parse::<i64>().unwrap()]
    );
    assert!(edit.body.contains(&format!("name=\"post\" value=\"{id}\"")), "the media buttons know the post");
}

#[tokio::test]
async fn an_image_too_large_for_bluesky_offers_a_shrunk_copy_that_replaces_it() {
    let (t, account, browser) = alpha().await;
    let big = png(640, 560, true);
    assert!(big.len() > 1_000_000, "{}", big.len());
    let media = t.app.add_media(&Actor::operator(), "alpha", "affiche.png", big).await.unwrap().to_string();
    let fields = [
        ("text", "Affiche du mois"),
        ("account", account.as_str()),
        ("media_id[]", media.as_str()),
        ("alt[]", "Une affiche"),
    ];
    // The composer shows the button when it is given the attachment (here: after removing nothing).
    let page = browser.post("/c/alpha/posts/media/remove", &fields).await;
    assert!(page.body.contains("name=\"fit\" value=\"0:bluesky\""), "a shrink button for Bluesky");
    let lint = browser.post("/c/alpha/posts/lint", &fields).await;
    assert!(lint.body.contains("form=\"composer\"") && lint.body.contains("value=\"0:bluesky\""), "{}", lint.body);
    let page = browser.post("/c/alpha/posts/media/fit", &[&fields[..], &[("fit", "0:bluesky")]].concat()).await;
    let ids = attached(&page.body);
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0].to_string(), media, "a new file replaces the attachment");
    let attachment = page.body.split("data-testid=\"attachment\"").nth(1).unwrap();
    assert!(attachment.contains("image/jpeg") && attachment.contains("Une affiche"), "{attachment}");
    assert!(!page.body.contains("name=\"fit\""), "the copy fits");
}

#[tokio::test]
async fn a_link_of_the_draft_can_be_previewed_and_an_internal_address_is_refused_with_a_message() {
    let (_t, account, browser) = alpha().await;
    let lint = browser
        .post("/c/alpha/posts/lint", &[("text", "La carte : https://example.org/carte"), ("account", account.as_str())])
        .await;
    assert!(lint.body.contains("/c/alpha/posts/link-card?url=https%3A%2F%2Fexample.org%2Fcarte"), "{}", lint.body);
    let card = browser.get("/c/alpha/posts/link-card?url=https%3A%2F%2F127.0.0.1%2Fadmin").await;
    assert_eq!(card.status, StatusCode::OK);
    assert!(card.body.contains("role=\"alert\"") && card.body.contains("127.0.0.1"), "{}", card.body);
    let other = browser.get("/c/alpha/posts/link-card?url=ftp%3A%2F%2Fexample.org").await;
    assert!(other.body.contains("role=\"alert\""));
}

#[tokio::test]
async fn a_misspelt_french_word_gets_suggestions_on_demand() {
    let (t, account, browser) = alpha().await;
    let lint = browser.post("/c/alpha/posts/lint", &[("text", "bonjoure à tous"), ("account", account.as_str())]).await;
    assert!(lint.body.contains("/c/alpha/posts/spelling?word=bonjoure"), "{}", lint.body);
    let answer = browser.get("/c/alpha/posts/spelling?word=bonjoure").await;
    assert_eq!(answer.status, StatusCode::OK);
    let list = answer.body.split("data-testid=\"suggestions\"").nth(1).expect("suggestions");
    assert!(list.contains("bonjour"), "{list}");
    assert!(list.split(": ").nth(1).unwrap().split(", ").count() <= 5);
    // A reviewer of the client does not write posts.
    let alpha = t.app.client(&Actor::operator(), "alpha", Action::ViewClient).await.unwrap().id;
    t.user("reviewer@alpha.fr", Role::ClientReviewer, &[alpha]).await;
    let reviewer = t.browser("reviewer@alpha.fr").await;
    assert_eq!(reviewer.get("/c/alpha/posts/spelling?word=bonjoure").await.status, StatusCode::FORBIDDEN);
}
