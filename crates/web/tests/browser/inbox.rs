//! The inbox in a real browser: messages with hostile content (markup, scripts, zero-width and bidi controls, a
//! 100 KB body, a name with HTML) render as inert text in a list that keeps its columns and fits a phone; the
//! keyboard shortcuts work (`j` then `d` marks the first message done).

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use filrouge_app::inbox::InboxQuery;
use filrouge_app::Actor;
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::inbox::ItemState;
use filrouge_domain::user::Role;
use filrouge_networks::inbox::IncomingKind;

use crate::harness::{screenshot_dir, Harness};
use crate::inbox_net::{incoming, receive};

const SLUG: &str = "da-marco";

async fn press(h: &Harness, key: char) {
    let keys = KeyActions::new(format!("keyboard-{key}"))
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    h.browser.perform_actions(keys).await.unwrap_or_else(|e| panic!("press {key}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_messages_stay_inert_the_list_fits_a_phone_and_the_shortcuts_work() {
    let Some(h) = Harness::start().await else {
        return;
    };
    let c = h.client(SLUG, "Da Marco", "#c0392b").await;
    h.user("cm@agence.fr", Role::CommunityManager, &[c]).await;
    let op = Actor::operator();
    let profile = AccountProfile {
        network: Network::Bluesky,
        handle: "damarco.bsky.social".into(),
        display_name: "Da Marco".into(),
    };
    h.app.add_account(&op, SLUG, profile, Some("token-abcdefghijklmnop".into())).await.expect("an account");
    let big = format!("{}{}", "A".repeat(60_000), " bla".repeat(10_000));
    let items = vec![
        incoming(
            1,
            IncomingKind::Reply,
            "camille.bsky.social",
            "<b>Camille</b><img src=x onerror=alert(1)>",
            "<script>alert(1)</script> Vous êtes ouverts dimanche ?",
        ),
        incoming(
            2,
            IncomingKind::Mention,
            "zw\u{200B}\u{202E}lirt.bsky.social",
            "\u{2066}Léa",
            "\u{202E}txet esrever\u{2066} <img src=x onerror=alert(1)>",
        ),
        incoming(3, IncomingKind::DirectMessage, "gros.bsky.social", "Gros message", &big),
    ];
    receive(&h.app, SLUG, items).await;
    let listed = h.app.inbox(&op, Some(SLUG), &InboxQuery::default()).await.expect("the inbox").items;
    assert_eq!(listed.len(), 3, "the three messages are in the inbox");
    let first = listed[0].item.id;

    h.browser.set_window_size(390, 844).await.expect("resize the window");
    h.sign_in("cm@agence.fr", "/").await;
    let list = format!("/c/{SLUG}/inbox");
    h.goto(&list).await;
    h.find("table.inbox tr.inbox-item").await;

    // Inert: no dialog, nothing the messages carried became an element.
    assert!(h.browser.get_alert_text().await.is_err(), "an alert dialog opened");
    let injected = h
        .js("return [document.querySelectorAll('img[src=\"x\"], img[onerror]').length, \
             Array.from(document.scripts).filter(s => (s.textContent || '').includes('alert')).length, \
             document.querySelectorAll('main b').length];")
        .await;
    assert_eq!(injected, serde_json::json!([0, 0, 0]), "injected elements in the DOM");
    let shown = h.text("table.inbox").await;
    assert!(shown.contains("<script>alert(1)</script>"), "the markup is shown as text");

    // Layout: the table keeps its four columns and the page does not scroll sideways on a phone.
    let shape = h
        .js("const rows = Array.from(document.querySelectorAll('tr.inbox-item')); \
             const d = document.documentElement; \
             return [document.querySelectorAll('table.inbox thead th').length, \
                     rows.length, rows.every(r => r.children.length === 4), d.scrollWidth, d.clientWidth];")
        .await;
    assert_eq!(shape[0], 4, "four columns: {shape}");
    assert_eq!(shape[1], 3, "three rows: {shape}");
    assert_eq!(shape[2], true, "every row has its four cells: {shape}");
    let (scroll, visible) = (shape[3].as_i64().unwrap(), shape[4].as_i64().unwrap());
    if scroll > visible {
        let wide = h
            .js("const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *')) \
                 .filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 12) \
                 .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));")
            .await;
        eprintln!("too wide: {wide}");
    }
    assert!(scroll <= visible, "the list scrolls sideways at 390 px: {scroll} > {visible}");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let png = h.browser.screenshot().await.expect("screenshot");
    std::fs::write(dir.join("inbox-mobile.png"), png).expect("write the screenshot");

    // The big message's page: the whole text in a scrolling block, the page still phone-wide.
    let big_id = listed.iter().find(|v| v.item.author.handle.starts_with("gros")).expect("the big one").item.id;
    h.goto(&format!("/c/{SLUG}/inbox/{big_id}")).await;
    h.find("div.message-text.full").await;
    let fit = h.js("const d = document.documentElement; return [d.scrollWidth, d.clientWidth];").await;
    assert!(fit[0].as_i64() <= fit[1].as_i64(), "the item page scrolls sideways: {fit}");

    // Shortcuts: j focuses the first message, d marks it done (the page reloads without it).
    h.goto(&list).await;
    h.find("table.inbox tr.inbox-item").await;
    h.js("window.__filrouge_old_page = true; return null;").await;
    press(&h, 'j').await;
    let focused = h
        .js("return document.activeElement.closest('tr') ? document.activeElement.closest('tr').dataset.item : null;")
        .await;
    assert_eq!(focused, serde_json::json!(first.to_string()), "j focuses the first message");
    press(&h, 'd').await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let state = h.app.inbox_item(&op, SLUG, first).await.expect("the item").view.item.state;
        if state == ItemState::Done {
            break;
        }
        assert!(Instant::now() < deadline, "d did not mark the first message done (still {state:?})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // `?` opens the list of shortcuts.
    h.goto(&list).await;
    h.find("#shortcuts").await;
    press(&h, '?').await;
    let open = h.js("return document.getElementById('shortcuts').open;").await;
    assert_eq!(open, serde_json::json!(true), "? shows the shortcuts");
    h.finish().await;
}
