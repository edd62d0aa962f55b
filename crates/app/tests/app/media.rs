//! The media library: files checked from their bytes, stored once, checked against each target network, shrunk
//! to fit where that is safe, and alt text required when the client's charter says so.

use filrouge_app::AppError;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::Charter;
use filrouge_domain::lint::FindingCode;
use filrouge_domain::post::{PostContent, PostMedia, Target};

use crate::helpers::TestApp;

/// A PNG of noise (it does not compress): about 3 bytes per pixel.
fn noisy_png(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 12345;
    let img = image::RgbImage::from_fn(width, height, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let b = seed.to_le_bytes();
        image::Rgb([b[1], b[2], b[3]])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn an_image_too_large_for_bluesky_is_flagged_then_shrunk_to_fit_and_alt_text_can_be_required() {
    let t = TestApp::new().await;
    t.client("musee", "Musée").await;
    let charter = Charter { require_alt_text: true, ..Charter::default() };
    t.app.update_charter(&t.operator, "musee", charter).await.unwrap();
    let bsky =
        AccountProfile { network: Network::Bluesky, handle: "musee.bsky.social".into(), display_name: "M".into() };
    let account = t.app.add_account(&t.operator, "musee", bsky, None).await.unwrap();
    let png = noisy_png(1200, 900);
    assert!(png.len() > 2_000_000, "{}", png.len());
    let id = t.app.add_media(&t.operator, "musee", "affiche.png", png.clone()).await.unwrap();
    assert_eq!(t.app.add_media(&t.operator, "musee", "copie.png", png).await.unwrap(), id, "same bytes, same file");
    let items = t.app.media_items(&t.operator, "musee", &[id]).await.unwrap();
    assert_eq!((items[0].facts.width, items[0].facts.height, items[0].facts.mime.as_str()), (1200, 900, "image/png"));

    let content = |media_id, alt: &str| PostContent {
        text: "Nouvelle affiche".into(),
        media: vec![PostMedia { media_id, alt: alt.into() }],
        targets: vec![Target { account_id: account, text: None, media: None }],
        ..PostContent::default()
    };
    let report = t.app.lint_post(&t.operator, "musee", content(id, "")).await.unwrap();
    let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&FindingCode::MediaTooLarge), "{:?}", report.findings);
    assert!(codes.contains(&FindingCode::MissingAltText), "{:?}", report.findings);

    let fitted = t.app.fit_media(&t.operator, "musee", id, Network::Bluesky).await.unwrap();
    assert_ne!(fitted, id);
    let facts = &t.app.media_items(&t.operator, "musee", &[fitted]).await.unwrap()[0].facts;
    assert_eq!(facts.mime, "image/jpeg");
    assert!(facts.bytes <= 1_000_000, "{}", facts.bytes);
    assert_eq!(facts.width * 3, facts.height * 4, "the aspect is kept");
    let report = t.app.lint_post(&t.operator, "musee", content(fitted, "Affiche de l'exposition")).await.unwrap();
    assert!(report.findings.iter().all(|f| !f.blocks()), "{:?}", report.findings);
    let (mime, bytes) = t.app.media_bytes(&t.operator, "musee", fitted).await.unwrap();
    assert_eq!((mime.as_str(), bytes.len() as u64), ("image/jpeg", facts.bytes));
}

#[tokio::test]
async fn unknown_or_foreign_files_are_refused() {
    let t = TestApp::new().await;
    t.client("musee", "Musée").await;
    t.client("banque", "Banque").await;
    match t.app.add_media(&t.operator, "musee", "notes.txt", b"just text".to_vec()).await {
        Err(AppError::Invalid(e)) => assert!(e.reason.contains("notes.txt"), "{e}"),
        other => panic!("a text file is not media: {other:?}"),
    }
    let id = t.app.add_media(&t.operator, "musee", "a.png", noisy_png(10, 10)).await.unwrap();
    assert!(matches!(t.app.media_bytes(&t.operator, "banque", id).await, Err(AppError::NotFound)));
    // A post of another client cannot use it either.
    let content = PostContent {
        text: "x".into(),
        media: vec![PostMedia { media_id: id, alt: String::new() }],
        ..PostContent::default()
    };
    let input = filrouge_app::posts::PostInput { content, planned_at: None, campaign: None };
    match t.app.create_post(&t.operator, "banque", input).await {
        Err(AppError::Invalid(e)) => assert_eq!(e.field, "media"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_accounts_own_media_are_checked_for_that_account_and_named_and_only_the_clients_files_are_taken() {
    let t = TestApp::new().await;
    t.client("musee", "Musée").await;
    t.client("banque", "Banque").await;
    let charter = Charter { require_alt_text: true, ..Charter::default() };
    t.app.update_charter(&t.operator, "musee", charter).await.unwrap();
    let account = |network, handle: &str| AccountProfile { network, handle: handle.into(), display_name: "M".into() };
    let bsky = t.app.add_account(&t.operator, "musee", account(Network::Bluesky, "musee.bsky.social"), None).await;
    let insta = t.app.add_account(&t.operator, "musee", account(Network::Instagram, "musee"), None).await;
    let (bsky, insta) = (bsky.unwrap(), insta.unwrap());
    let mut files = Vec::new();
    for i in 0..5 {
        files.push(t.app.add_media(&t.operator, "musee", &format!("{i}.png"), noisy_png(400 + i, 400)).await.unwrap());
    }
    let described = |alt: &str| files.iter().map(|id| PostMedia { media_id: *id, alt: alt.into() }).collect::<Vec<_>>();
    let content = |bsky_media: Option<Vec<PostMedia>>, insta_media: Option<Vec<PostMedia>>| PostContent {
        text: "Nouvelle salle".into(),
        media: described("Une salle")[..1].to_vec(),
        targets: vec![
            Target { account_id: bsky, text: None, media: bsky_media },
            Target { account_id: insta, text: None, media: insta_media },
        ],
        ..PostContent::default()
    };

    // Five images for Bluesky alone: the finding names the account; Instagram (same as the post) is fine.
    let report = t.app.lint_post(&t.operator, "musee", content(Some(described("Une salle")), None)).await.unwrap();
    let too_many: Vec<_> = report.findings.iter().filter(|f| f.code == FindingCode::TooManyMedia).collect();
    assert_eq!(too_many.len(), 1, "{:?}", report.findings);
    assert_eq!((too_many[0].account, too_many[0].network), (Some(bsky), Some("bluesky")));
    assert!(report.findings.iter().all(|f| f.account != Some(insta)), "{:?}", report.findings);

    // A variant without alt text, when the charter requires it: named by its account.
    let report = t.app.lint_post(&t.operator, "musee", content(Some(described("")[..2].to_vec()), None)).await;
    let report = report.unwrap();
    let missing: Vec<_> = report.findings.iter().filter(|f| f.code == FindingCode::MissingAltText).collect();
    assert_eq!(missing.len(), 2, "{:?}", report.findings);
    assert!(missing.iter().all(|f| f.account == Some(bsky)), "{:?}", missing);

    // An empty own selection is no media on that account: Instagram needs one.
    let report = t.app.lint_post(&t.operator, "musee", content(None, Some(vec![]))).await.unwrap();
    let required: Vec<_> = report.findings.iter().filter(|f| f.code == FindingCode::MediaRequired).collect();
    assert_eq!(required.len(), 1, "{:?}", report.findings);
    assert_eq!(required[0].account, Some(insta));
    assert!(report.findings.iter().all(|f| f.account != Some(bsky)), "Bluesky sends the post's image");

    // Another client's file cannot come in through an account's own selection.
    let foreign = t.app.add_media(&t.operator, "banque", "coffre.png", noisy_png(33, 33)).await.unwrap();
    let forged = content(Some(vec![PostMedia { media_id: foreign, alt: "Un coffre".into() }]), None);
    let input = filrouge_app::posts::PostInput { content: forged, planned_at: None, campaign: None };
    match t.app.create_post(&t.operator, "musee", input).await {
        Err(AppError::Invalid(e)) => {
            assert_eq!(e.field, "media");
            assert!(e.reason.contains(&format!("media {foreign} (own selection of account {bsky})")), "{e}");
        }
        other => panic!("a foreign file was taken: {other:?}"),
    }
    // Saved and read back, "no media here" stays distinct from "same as the post".
    let input =
        filrouge_app::posts::PostInput { content: content(None, Some(vec![])), planned_at: None, campaign: None };
    let id = t.app.create_post(&t.operator, "musee", input).await.unwrap();
    let post = t.app.post(&t.operator, "musee", id).await.unwrap().post;
    assert_eq!((post.content.targets[0].media.clone(), post.content.targets[1].media.clone()), (None, Some(vec![])));
}
