//! Connected accounts and their credentials: sealed at rest, shown as a hint, given back in
//! plaintext only to the code that publishes.

use filrouge_app::accounts::{AccountView, CredentialsChange};
use filrouge_app::AppError;
use filrouge_domain::account::{AccountProfile, AccountStatus, Network};
use filrouge_domain::ids::{AccountId, SecretId};
use filrouge_store::SealedSecret;

use crate::helpers::{assert_invalid, assert_not_found, TestApp};

const TOKEN: &str = "bsky-app-password-wxyz-9876";

fn bluesky(handle: &str) -> AccountProfile {
    AccountProfile { network: Network::Bluesky, handle: handle.into(), display_name: "Da Marco".into() }
}

async fn raw_secret(t: &TestApp, id: SecretId) -> Option<SealedSecret> {
    t.app.store().read().await.unwrap().secret(id).await.unwrap()
}

async fn view(t: &TestApp, id: AccountId) -> AccountView {
    t.app
        .accounts(&t.operator, "da-marco")
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.account.id == id)
        .expect("the account is listed")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn with_account(token: Option<&str>) -> (TestApp, AccountId) {
    let t = TestApp::new().await;
    t.client("da-marco", "Da Marco").await;
    let id = t
        .app
        .add_account(&t.operator, "da-marco", bluesky("damarco.bsky.social"), token.map(str::to_owned))
        .await
        .unwrap();
    (t, id)
}

#[tokio::test]
async fn a_token_is_stored_sealed_and_shown_only_by_its_last_four_characters() {
    let (t, id) = with_account(Some(TOKEN)).await;

    let v = view(&t, id).await;
    assert_eq!(v.account.status, AccountStatus::Connected);
    assert_eq!(v.credentials_hint.as_deref(), Some("…9876"));
    let secret = v.account.credentials.expect("credentials are stored");

    let raw = raw_secret(&t, secret).await.expect("a secrets row");
    assert_eq!(raw.hint, "…9876");
    assert!(!contains(&raw.sealed, TOKEN.as_bytes()), "the token must not be stored in clear");
    assert!(!contains(&raw.sealed, b"wxyz"), "not even a piece of it");
    assert!(raw.sealed.len() > TOKEN.len(), "nonce and tag around the ciphertext");

    assert_eq!(t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap().as_deref(), Some(TOKEN));
    assert!(!format!("{:?}", t.app.accounts(&t.operator, "da-marco").await.unwrap()).contains(TOKEN));
}

#[tokio::test]
async fn a_token_is_trimmed_before_it_is_sealed() {
    let (t, id) = with_account(Some("  padded-token-abcd-1234 \n")).await;
    assert_eq!(
        t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap().as_deref(),
        Some("padded-token-abcd-1234")
    );
    assert_eq!(view(&t, id).await.credentials_hint.as_deref(), Some("…1234"));
}

#[tokio::test]
async fn a_short_token_gets_a_hint_that_gives_nothing_away() {
    let (t, id) = with_account(Some("abc123")).await;
    assert_eq!(view(&t, id).await.credentials_hint.as_deref(), Some("…"));
    assert_eq!(t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap().as_deref(), Some("abc123"));
}

#[tokio::test]
async fn an_account_without_a_token_is_not_connected() {
    for token in [None, Some("   ")] {
        let (t, id) = with_account(token).await;
        let v = view(&t, id).await;
        assert_eq!(v.account.status, AccountStatus::NotConnected, "{token:?}");
        assert_eq!(v.account.credentials, None);
        assert_eq!(v.credentials_hint, None);
        assert_eq!(t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap(), None);
    }
}

#[tokio::test]
async fn replacing_credentials_seals_the_new_token_and_deletes_the_old_one() {
    let (t, id) = with_account(Some(TOKEN)).await;
    let old = view(&t, id).await.account.credentials.unwrap();
    t.app
        .edit_account(
            &t.operator,
            "da-marco",
            id,
            bluesky("damarco.bsky.social"),
            Some(AccountStatus::NeedsReconnect),
            CredentialsChange::Keep,
        )
        .await
        .unwrap();
    assert_eq!(view(&t, id).await.account.status, AccountStatus::NeedsReconnect);

    let new_token = "fresh-app-password-0000-4321";
    t.app
        .edit_account(
            &t.operator,
            "da-marco",
            id,
            bluesky("damarco.bsky.social"),
            None,
            CredentialsChange::Replace(new_token.into()),
        )
        .await
        .unwrap();

    let v = view(&t, id).await;
    let new = v.account.credentials.expect("new credentials");
    assert_ne!(new, old);
    assert_eq!(v.account.status, AccountStatus::Connected, "new credentials reconnect the account");
    assert_eq!(v.credentials_hint.as_deref(), Some("…4321"));
    assert!(raw_secret(&t, old).await.is_none(), "the old sealed token is deleted");
    assert!(!contains(&raw_secret(&t, new).await.unwrap().sealed, new_token.as_bytes()));
    assert_eq!(t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap().as_deref(), Some(new_token));
}

#[tokio::test]
async fn removing_credentials_deletes_the_secret_and_disconnects_the_account() {
    let (t, id) = with_account(Some(TOKEN)).await;
    let old = view(&t, id).await.account.credentials.unwrap();

    t.app
        .edit_account(&t.operator, "da-marco", id, bluesky("damarco.bsky.social"), None, CredentialsChange::Remove)
        .await
        .unwrap();

    let v = view(&t, id).await;
    assert_eq!(v.account.credentials, None);
    assert_eq!(v.credentials_hint, None);
    assert_eq!(v.account.status, AccountStatus::NotConnected);
    assert!(raw_secret(&t, old).await.is_none());
    assert_eq!(t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap(), None);
}

#[tokio::test]
async fn keeping_credentials_changes_only_the_profile() {
    let (t, id) = with_account(Some(TOKEN)).await;
    let before = view(&t, id).await;
    let renamed = AccountProfile { display_name: "Pizzeria Da Marco".into(), ..bluesky("damarco.fr") };

    t.app.edit_account(&t.operator, "da-marco", id, renamed.clone(), None, CredentialsChange::Keep).await.unwrap();
    // A blank replacement, as an empty form field sends, keeps them too.
    t.app
        .edit_account(&t.operator, "da-marco", id, renamed.clone(), None, CredentialsChange::Replace("  ".into()))
        .await
        .unwrap();

    let after = view(&t, id).await;
    assert_eq!(after.account.profile, renamed);
    assert_eq!(after.account.credentials, before.account.credentials);
    assert_eq!(after.account.status, AccountStatus::Connected);
    assert_eq!(after.credentials_hint, before.credentials_hint);
    assert_eq!(t.app.account_credentials(&t.operator, "da-marco", id).await.unwrap().as_deref(), Some(TOKEN));
}

#[tokio::test]
async fn removing_an_account_deletes_its_sealed_token() {
    let (t, id) = with_account(Some(TOKEN)).await;
    let secret = view(&t, id).await.account.credentials.unwrap();

    t.app.remove_account(&t.operator, "da-marco", id).await.unwrap();

    assert!(t.app.accounts(&t.operator, "da-marco").await.unwrap().is_empty());
    assert!(raw_secret(&t, secret).await.is_none());
    assert_not_found("credentials of a removed account", t.app.account_credentials(&t.operator, "da-marco", id).await);
    assert_not_found("removed twice", t.app.remove_account(&t.operator, "da-marco", id).await);
}

#[tokio::test]
async fn an_account_is_checked_and_unique_per_network_and_handle() {
    let (t, _) = with_account(None).await;
    assert_invalid(
        "a handle with a space",
        t.app.add_account(&t.operator, "da-marco", bluesky("da marco"), None).await,
        "handle",
    );
    assert_invalid(
        "no handle",
        t.app.add_account(&t.operator, "da-marco", bluesky(" "), Some(TOKEN.into())).await,
        "handle",
    );
    match t.app.add_account(&t.operator, "da-marco", bluesky("damarco.bsky.social"), Some(TOKEN.into())).await {
        Err(AppError::Conflict(_)) => {}
        other => panic!("the same handle twice must conflict, got {other:?}"),
    }
    let same_handle_elsewhere = AccountProfile { network: Network::Threads, ..bluesky("damarco.bsky.social") };
    t.app.add_account(&t.operator, "da-marco", same_handle_elsewhere, None).await.unwrap();

    let accounts = t.app.accounts(&t.operator, "da-marco").await.unwrap();
    assert_eq!(accounts.len(), 2);
    let mut tx = t.app.store().read().await.unwrap();
    for id in 1..10 {
        assert!(tx.secret(SecretId(id)).await.unwrap().is_none(), "a refused account leaves no secret behind");
    }
}

#[tokio::test]
async fn credentials_sealed_by_one_installation_do_not_open_in_another() {
    let (t, id) = with_account(Some(TOKEN)).await;
    let secret = view(&t, id).await.account.credentials.unwrap();
    let sealed = raw_secret(&t, secret).await.unwrap().sealed;
    let other_key =
        filrouge_app::secrets::SecretBox::from_base64(&filrouge_app::secrets::SecretBox::generate_key()).unwrap();
    assert!(matches!(other_key.open("account", &sealed), Err(AppError::Crypto(_))));
}
