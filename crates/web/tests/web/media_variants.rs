//! Per-account media in the composer: an account's own selection (from the post's attachments and the client's
//! library, each file with its alternative text) is saved, comes back on the edit page and on the post's page, is
//! checked by the live checks under the account's name, and can never take another client's file.

use axum::http::StatusCode;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::Charter;
use filrouge_domain::ids::{AccountId, MediaId, PostId};
use filrouge_domain::post::PostMedia;
use filrouge_domain::user::Role;

use crate::helpers::{png, spawn_app, Browser, TestApp};

/// Alpha with a Bluesky and a Mastodon account, three files in its library and a community manager signed in.
struct Alpha {
    t: TestApp,
    bsky: AccountId,
    masto: AccountId,
    files: Vec<MediaId>,
    browser: Browser,
}

async fn alpha() -> Alpha {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.client("bravo", "Bravo Bistro", "#2980b9").await;
    let bsky = t.account("alpha", "alpha.pizza").await;
    let profile =
        AccountProfile { network: Network::Mastodon, handle: "@alpha@pizza.social".into(), display_name: "A".into() };
    let masto = t.app.add_account(&Actor::operator(), "alpha", profile, Some("token-abcdefghijklmnop".into())).await;
    let masto = masto.unwrap();
    let mut files = Vec::new();
    for (i, name) in ["four.png", "carre.png", "salle.png", "terrasse.png", "cave.png"].iter().enumerate() {
        let file = png(200 + i as u32, 200, false);
        files.push(t.app.add_media(&Actor::operator(), "alpha", name, file).await.unwrap());
    }
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let browser = t.browser("cm@agence.fr").await;
    Alpha { t, bsky, masto, files, browser }
}

/// The ids an account's own selection carries on a composer page, in order.
fn own_ids(body: &str, account: AccountId) -> Vec<i64> {
    body.split(&format!("name=\"vmedia-{account}[]\" value=\""))
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn an_accounts_own_selection_is_saved_and_comes_back_on_the_edit_and_post_pages() {
    let Alpha { t, bsky, masto, files, browser } = alpha().await;
    let (b, m) = (bsky.to_string(), masto.to_string());
    let (post_file, square) = (files[0].to_string(), files[1].to_string());
    let mode_b = format!("media-variant-{b}");
    let mode_m = format!("media-variant-{m}");
    let (vmedia, valt, vadd) = (format!("vmedia-{b}[]"), format!("valt-{b}[]"), format!("vadd-{b}"));

    // The composer offers the post's attachment and the library to each account, "same as the post" chosen.
    let base = vec![
        ("text", "Le four est chaud"),
        ("account", b.as_str()),
        ("account", m.as_str()),
        ("media_id[]", post_file.as_str()),
        ("alt[]", "Le four à bois"),
    ];
    let page = browser.post("/c/alpha/posts/media/remove", &base).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let fieldset = page.body.split(&format!("data-testid=\"media-variant-{b}\"")).nth(1).unwrap();
    assert!(fieldset.contains(&format!("name=\"{mode_b}\" value=\"same\" checked")), "same by default");
    assert!(fieldset.contains("carre.png") && fieldset.contains("salle.png"), "the library is offered");
    assert!(fieldset.contains(&format!("<option value=\"{post_file}\">four.png")), "the post's file too");

    // "Add" takes the chosen file into the account's own selection; the post's alt text comes with the post's file.
    let add =
        [base.clone(), vec![(mode_b.as_str(), "same"), (vadd.as_str(), post_file.as_str()), ("vadd", b.as_str())]]
            .concat();
    let page = browser.post("/c/alpha/posts/media/variant", &add).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(own_ids(&page.body, bsky), vec![files[0].0]);
    assert!(page.body.contains(&format!("name=\"{mode_b}\" value=\"own\" checked")), "the selection is its own now");
    let fieldset = page.body.split(&format!("data-testid=\"media-variant-{b}\"")).nth(1).unwrap();
    let own = fieldset.split("data-testid=\"variant-attachment\"").nth(1).unwrap();
    assert!(own.contains(">Le four à bois</textarea>"), "the post's alt text is the start: {own}");

    // Then a square crop from the library, moved first, and the draft is saved with its own alt texts.
    let add = [
        base.clone(),
        vec![
            (mode_b.as_str(), "own"),
            (vmedia.as_str(), post_file.as_str()),
            (valt.as_str(), "Le four à bois"),
            (vadd.as_str(), square.as_str()),
            ("vadd", b.as_str()),
        ],
    ]
    .concat();
    let page = browser.post("/c/alpha/posts/media/variant", &add).await;
    assert_eq!(own_ids(&page.body, bsky), vec![files[0].0, files[1].0]);
    let up = format!("{b}:1");
    let moved = [
        base.clone(),
        vec![
            (mode_b.as_str(), "own"),
            (vmedia.as_str(), post_file.as_str()),
            (valt.as_str(), "Le four à bois"),
            (vmedia.as_str(), square.as_str()),
            (valt.as_str(), ""),
            ("vup", up.as_str()),
        ],
    ]
    .concat();
    let page = browser.post("/c/alpha/posts/media/variant", &moved).await;
    assert_eq!(own_ids(&page.body, bsky), vec![files[1].0, files[0].0], "moved up");

    let save = [
        base.clone(),
        vec![
            (mode_b.as_str(), "own"),
            (vmedia.as_str(), square.as_str()),
            (valt.as_str(), "Le four, au carré"),
            (vmedia.as_str(), post_file.as_str()),
            (valt.as_str(), "Le four à bois, pour Bluesky"),
            (mode_m.as_str(), "same"),
            ("then", "draft"),
        ],
    ]
    .concat();
    let saved = browser.post("/c/alpha/posts", &save).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id: i64 = saved.location().rsplit('/').next().unwrap().parse().unwrap();
    let post = t.app.post(&Actor::operator(), "alpha", PostId(id)).await.unwrap().post;
    let expected = [
        PostMedia { media_id: files[1], alt: "Le four, au carré".into() },
        PostMedia { media_id: files[0], alt: "Le four à bois, pour Bluesky".into() },
    ];
    assert_eq!(post.content.media_for(bsky), &expected[..]);
    let mastodon = post.content.targets.iter().find(|t| t.account_id == masto).unwrap();
    assert_eq!(mastodon.media, None, "Mastodon sends the post's media");

    // The edit page gives it all back.
    let edit = browser.get(&format!("/c/alpha/posts/{id}/edit")).await;
    assert_eq!(own_ids(&edit.body, bsky), vec![files[1].0, files[0].0]);
    assert!(own_ids(&edit.body, masto).is_empty());
    assert!(edit.body.contains(&format!("name=\"{mode_b}\" value=\"own\" checked")));
    assert!(edit.body.contains(&format!("name=\"{mode_m}\" value=\"same\" checked")));
    assert!(
        edit.body.contains(">Le four, au carré</textarea>")
            && edit.body.contains(">Le four à bois, pour Bluesky</textarea>")
    );

    // Saving the edit page as it is changes nothing.
    let version = post.version.to_string();
    let again = [
        base.clone(),
        vec![
            ("version", version.as_str()),
            (mode_b.as_str(), "own"),
            (vmedia.as_str(), square.as_str()),
            (valt.as_str(), "Le four, au carré"),
            (vmedia.as_str(), post_file.as_str()),
            (valt.as_str(), "Le four à bois, pour Bluesky"),
            (mode_m.as_str(), "own"),
            ("then", "draft"),
        ],
    ]
    .concat();
    let saved = browser.post(&format!("/c/alpha/posts/{id}"), &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let post = t.app.post(&Actor::operator(), "alpha", PostId(id)).await.unwrap().post;
    assert_eq!(post.content.media_for(bsky), &expected[..]);
    let mastodon = post.content.targets.iter().find(|t| t.account_id == masto).unwrap();
    assert_eq!(mastodon.media, Some(vec![]), "an own selection left empty: no media on Mastodon, not the post's");
    let edit = browser.get(&format!("/c/alpha/posts/{id}/edit")).await;
    assert!(edit.body.contains(&format!("name=\"{mode_m}\" value=\"own\" checked")), "own and empty stays own");

    // The post's page shows each account's media.
    let page = browser.get(&format!("/c/alpha/posts/{id}")).await;
    let targets: Vec<&str> = page.body.split("data-testid=\"target\"").skip(1).collect();
    let bluesky = targets.iter().find(|t| t.contains("alpha.pizza")).unwrap();
    assert!(bluesky.contains("data-testid=\"variant-media\"") && bluesky.contains(&format!("/c/alpha/media/{square}")));
    assert!(bluesky.contains("Le four, au carré"), "{bluesky}");
    let masto_li = targets.iter().find(|t| t.contains("@alpha@pizza.social")).unwrap();
    assert!(masto_li.contains("data-testid=\"variant-no-media\""), "{masto_li}");
}

#[tokio::test]
async fn the_live_checks_name_the_account_whose_own_media_break_a_rule() {
    let Alpha { t, bsky, masto, files, browser } = alpha().await;
    let charter = Charter { require_alt_text: true, ..Charter::default() };
    t.app.update_charter(&Actor::operator(), "alpha", charter).await.unwrap();
    let (b, m) = (bsky.to_string(), masto.to_string());
    let ids: Vec<String> = files.iter().map(ToString::to_string).collect();
    let (mode_b, vmedia, valt) = (format!("media-variant-{b}"), format!("vmedia-{b}[]"), format!("valt-{b}[]"));
    let mut fields = vec![
        ("text", "Cinq vues de la salle"),
        ("account", b.as_str()),
        ("account", m.as_str()),
        (mode_b.as_str(), "own"),
    ];
    for id in &ids {
        fields.extend([(vmedia.as_str(), id.as_str()), (valt.as_str(), "Une vue")]);
    }
    let lint = browser.post("/c/alpha/posts/lint", &fields).await;
    assert_eq!(lint.status, StatusCode::OK);
    let finding = lint.body.split("<li class=\"finding").find(|f| f.contains("too_many_media")).unwrap_or_default();
    assert!(
        finding.contains("data-testid=\"finding-account\"") && finding.contains("bluesky · alpha.pizza"),
        "{}",
        lint.body
    );
    assert!(finding.contains("5 media, Bluesky takes at most 4"), "{finding}");
    assert!(!lint.body.contains("pizza.social</strong>"), "Mastodon has no media: nothing named for it");

    // A file of the account's own selection without alt text, when the charter requires it.
    let fields = vec![
        ("text", "La salle"),
        ("account", b.as_str()),
        (mode_b.as_str(), "own"),
        (vmedia.as_str(), ids[0].as_str()),
        (valt.as_str(), ""),
    ];
    let lint = browser.post("/c/alpha/posts/lint", &fields).await;
    let finding = lint.body.split("<li class=\"finding").find(|f| f.contains("missing_alt_text")).unwrap_or_default();
    assert!(finding.contains("bluesky · alpha.pizza"), "{}", lint.body);
    // The same file with its alt text on the post, the same as the post on the account: not named.
    let fields = vec![("text", "La salle"), ("account", b.as_str()), ("media_id[]", ids[0].as_str()), ("alt[]", "")];
    let lint = browser.post("/c/alpha/posts/lint", &fields).await;
    let finding = lint.body.split("<li class=\"finding").find(|f| f.contains("missing_alt_text")).unwrap_or_default();
    assert!(!finding.is_empty() && !finding.contains("finding-account"), "{}", lint.body);
}

#[tokio::test]
async fn another_clients_file_is_refused_in_an_accounts_own_selection() {
    let Alpha { t, bsky, files, browser, .. } = alpha().await;
    let foreign = t.app.add_media(&Actor::operator(), "bravo", "bravo.png", png(9, 9, false)).await.unwrap();
    let (b, foreign_id, own_id) = (bsky.to_string(), foreign.to_string(), files[0].to_string());
    let (mode_b, vmedia, valt) = (format!("media-variant-{b}"), format!("vmedia-{b}[]"), format!("valt-{b}[]"));
    let fields = [
        ("text", "Un coffre"),
        ("account", b.as_str()),
        (mode_b.as_str(), "own"),
        (vmedia.as_str(), own_id.as_str()),
        (valt.as_str(), ""),
        (vmedia.as_str(), foreign_id.as_str()),
        (valt.as_str(), "forged"),
        ("then", "draft"),
    ];
    let refused = browser.post("/c/alpha/posts", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let message = format!("media {foreign} (own selection of account {bsky}) is not in this client&#39;s library");
    assert!(
        refused.body.contains(&message) || refused.body.contains(&message.replace("&#39;", "'")),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("bravo.png"), "nothing of the other client is shown");
    // Nothing was saved.
    let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let view = t.app.calendar(&Actor::operator(), Some("alpha"), now, now).await.unwrap();
    assert!(view.backlog.is_empty(), "{:?}", view.backlog);

    // Through the "add" list too: the forged id is refused on saving, and never shown as a file of the library.
    let vadd = format!("vadd-{b}");
    let fields = [
        ("text", "Un coffre"),
        ("account", b.as_str()),
        (mode_b.as_str(), "own"),
        (vadd.as_str(), foreign_id.as_str()),
        ("then", "draft"),
    ];
    let refused = browser.post("/c/alpha/posts", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains(&format!("media {foreign} (own selection")), "{}", refused.body);
    assert!(!refused.body.contains("bravo.png"));
}
