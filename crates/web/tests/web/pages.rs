//! What the pages show: the current client, the switcher, languages, the journal, forms.

use axum::http::StatusCode;
use filrouge_domain::user::Role;

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_client_page_names_the_current_client_and_switching_keeps_the_section() {
    let t = spawn_app().await;
    let a = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let b = t.client("bravo", "Bravo Tapis", "#2980b9").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[a, b]).await;
    let browser = t.browser("cm@agence.fr").await;
    for section in ["", "/settings", "/accounts", "/competitors", "/members", "/journal"] {
        let page = browser.get(&format!("/c/alpha{section}")).await;
        assert_eq!(page.status, StatusCode::OK, "{section}");
        let header = page.body.split("data-testid=\"current-client\"").nth(1).unwrap_or("");
        assert!(header.starts_with('>') && header.contains("Alpha Pizza"), "{section}: current client shown");
        assert!(page.body.contains("background:#c0392b"), "{section}: the client's colour");
        assert!(
            page.body.contains(&format!("href=\"/c/bravo{section}\"")),
            "{section}: one click to the same section of bravo"
        );
    }
}

#[tokio::test]
async fn the_interface_follows_the_browser_language_unless_the_user_chose_one() {
    let t = spawn_app().await;
    let a = t.client("alpha", "Alpha", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[a]).await;
    let anonymous = t.anonymous();
    let en = anonymous.get_with("/login", &[("accept-language", "en-GB,en;q=0.9")]).await;
    assert!(en.body.contains("lang=\"en\"") && en.body.contains("Sign in"));
    let fr = anonymous.get_with("/login", &[("accept-language", "fr-FR")]).await;
    assert!(fr.body.contains("lang=\"fr\"") && fr.body.contains("Se connecter"));

    let browser = t.browser("cm@agence.fr").await;
    assert_eq!(browser.post("/profile/language", &[("lang", "en")]).await.status, StatusCode::SEE_OTHER);
    let page = browser.get_with("/c/alpha/settings", &[("accept-language", "fr-FR")]).await;
    assert!(page.body.contains("Editorial charter"), "the user's choice wins over the browser");
}

#[tokio::test]
async fn editing_the_charter_is_saved_journaled_and_refused_with_a_reason_when_wrong() {
    let t = spawn_app().await;
    let a = t.client("alpha", "Alpha", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[a]).await;
    let browser = t.browser("cm@agence.fr").await;
    let fields = [
        ("address", "tu"),
        ("tone", "Chaleureux"),
        ("banned", "pas cher\nlow cost"),
        ("required_hashtags", "pizza\n#Lyon"),
        ("signature", "— Marco"),
        ("max_hashtags", "4"),
        ("emoji", "free"),
        ("approval", "none"),
    ];
    let saved = browser.post("/c/alpha/settings/charter", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(flash(&saved).starts_with("filrouge_flash=ok."), "a confirmation is shown on the next page");
    let page = browser.get("/c/alpha/settings").await.body;
    assert!(page.contains("pas cher\nlow cost"));
    assert!(page.contains("#pizza\n#Lyon"));
    assert!(page.contains("value=\"tu\" checked"));

    let too_many = [
        ("address", "tu"),
        ("required_hashtags", "a\nb\nc"),
        ("max_hashtags", "2"),
        ("emoji", "free"),
        ("approval", "none"),
    ];
    let refused = browser.post("/c/alpha/settings/charter", &too_many).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let reason = flash(&refused);
    assert!(
        reason.starts_with("filrouge_flash=error.") && reason.contains("max_hashtags"),
        "the reason names the field: {reason}"
    );
    let page = browser.get("/c/alpha/settings").await.body;
    assert!(page.contains("#pizza\n#Lyon"), "nothing half-written");

    let journal = browser.get("/c/alpha/journal").await.body;
    assert_eq!(journal.matches("charter_edited</code>").count(), 1);
}

fn flash(answer: &crate::helpers::Answer) -> String {
    answer
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("filrouge_flash="))
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn account_tokens_are_never_shown_back() {
    let t = spawn_app().await;
    let a = t.client("alpha", "Alpha", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[a]).await;
    let browser = t.browser("cm@agence.fr").await;
    let token = "bsky-app-password-SECRET-9f3a";
    let added = browser
        .post("/c/alpha/accounts", &[("network", "bluesky"), ("handle", "alpha.bsky.social"), ("token", token)])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = browser.get("/c/alpha/accounts").await.body;
    assert!(page.contains("alpha.bsky.social"));
    assert!(!page.contains("SECRET"), "the token is not in the page");
    assert!(page.contains("…9f3a"), "only a hint is");
}

#[tokio::test]
async fn a_reviewer_lands_on_their_only_client() {
    let t = spawn_app().await;
    let a = t.client("alpha", "Alpha", "#c0392b").await;
    t.client("bravo", "Bravo", "#2980b9").await;
    t.user("rev@alpha.fr", Role::ClientReviewer, &[a]).await;
    let browser = t.browser("rev@alpha.fr").await;
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/c/alpha");
    let page = browser.get("/c/alpha").await.body;
    assert!(!page.contains("Bravo"));
    assert!(!page.contains("href=\"/c/alpha/settings\""), "no settings tab for a reviewer");
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let t = spawn_app().await;
    let health = t.anonymous().get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let _ = t.anonymous().get("/login").await;
    let metrics = t.state.metrics.render();
    assert!(metrics.contains("filrouge_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/login\""), "{metrics}");
}

#[tokio::test]
async fn the_users_page_is_paged_and_searchable() {
    let t = spawn_app().await;
    t.user("owner@agence.fr", Role::Owner, &[]).await;
    for i in 0..59 {
        t.user(&format!("user{i:02}@agence.fr"), Role::Analyst, &[]).await;
    }
    let browser = t.browser("owner@agence.fr").await;
    let rows = |body: &str| body.matches("@agence.fr</td>").count();
    let first = browser.get("/users").await.body;
    assert_eq!(rows(&first), 50);
    assert!(first.contains("href=\"/users?page=2&amp;q=\""), "a link to the next page");
    let second = browser.get("/users?page=2").await.body;
    assert_eq!(rows(&second), 10);
    let found = browser.get("/users?q=USER07").await.body;
    assert_eq!(rows(&found), 1);
    assert!(found.contains("user07@agence.fr"));
}

#[tokio::test]
async fn members_are_added_by_e_mail_and_an_unknown_address_is_explained() {
    let t = spawn_app().await;
    let a = t.client("alpha", "Alpha", "#c0392b").await;
    t.user("manager@agence.fr", Role::Manager, &[a]).await;
    t.user("ines@agence.fr", Role::CommunityManager, &[]).await;
    let browser = t.browser("manager@agence.fr").await;
    let added = browser.post("/c/alpha/members", &[("email", "Ines@Agence.fr")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert!(browser.get("/c/alpha/members").await.body.contains("ines@agence.fr"));
    let unknown = browser.post("/c/alpha/members", &[("email", "nobody@agence.fr")]).await;
    assert!(
        flash(&unknown).contains("nobody%40agence.fr") || flash(&unknown).contains("nobody@agence.fr"),
        "{}",
        flash(&unknown)
    );
}

#[tokio::test]
async fn the_veille_searches_filters_marks_and_shows_a_mention_sanitised() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    t.user("analyst@agence.fr", Role::Analyst, &[alpha]).await;
    let (_, ids) = t
        .mentions(
            "alpha",
            &[
                (
                    "Le meilleur café",
                    "<p>Un café <b>délicieux</b><script>alert('x')</script><img src=x onerror=alert(1)></p>",
                ),
                ("Pizza froide", "<p>Livraison en retard, pizza froide.</p>"),
            ],
        )
        .await;
    let cm = t.browser("cm@agence.fr").await;

    let page = cm.get("/c/alpha/mentions?q=cafe").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Le meilleur café") && !page.body.contains("Pizza froide"), "accent-folded search");
    assert!(page.body.contains("1 résultats") || page.body.contains("1 results"), "the count");
    let all = cm.get("/c/alpha/mentions").await;
    assert!(all.body.contains("Pizza froide") && all.body.contains("Le meilleur café"));
    assert!(all.body.contains("class=\"bars\""), "the per-day histogram");
    assert!(all.body.contains("alpha.test"), "the site facet");
    let narrowed = cm.get("/c/alpha/mentions?site=alpha.test&q=pizza").await;
    assert!(narrowed.body.contains("Pizza froide") && !narrowed.body.contains("Le meilleur café"));
    assert!(
        narrowed.body.contains("href=\"/c/alpha/mentions?q=pizza\""),
        "a link removes the site filter, keeps the words"
    );
    let elsewhere = cm.get("/c/alpha/mentions?site=other.test").await;
    assert!(elsewhere.body.contains("0 résultats") || elsewhere.body.contains("0 results"), "the site filter applies");

    let cafe_id = *ids.iter().find(|id| page.body.contains(&format!("/c/alpha/mentions/{id}\""))).unwrap();
    let detail = cm.get(&format!("/c/alpha/mentions/{cafe_id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("<b>délicieux</b>"), "safe HTML kept");
    assert!(!detail.body.contains("<script>alert") && !detail.body.contains("onerror"), "hostile HTML removed");

    // Star it, then it is in the starred view; an analyst may read but not mark.
    let back = "/c/alpha/mentions";
    let marked = cm
        .post(&format!("/c/alpha/mentions/{cafe_id}/marks"), &[("mark", "starred"), ("on", "true"), ("back", back)])
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert_eq!(marked.location(), back);
    let starred = cm.get("/c/alpha/mentions?view=starred").await;
    assert!(starred.body.contains("Le meilleur café") && !starred.body.contains("Pizza froide"));
    let outside = cm
        .post(
            &format!("/c/alpha/mentions/{cafe_id}/marks"),
            &[("mark", "read"), ("on", "true"), ("back", "https://evil.test/")],
        )
        .await;
    assert_eq!(outside.location(), back, "never an open redirect");
    let analyst = t.browser("analyst@agence.fr").await;
    assert_eq!(analyst.get("/c/alpha/mentions").await.status, StatusCode::OK);
    let refused =
        analyst.post(&format!("/c/alpha/mentions/{cafe_id}/marks"), &[("mark", "read"), ("on", "true")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let sources = analyst.get("/c/alpha/sources").await;
    assert!(sources.body.contains("Blog") && !sources.body.contains("name=\"kind\""), "read-only sources for analysts");
}

#[tokio::test]
async fn queries_are_written_checked_tried_and_followed_by_feed_and_notifications() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    t.user("analyst@agence.fr", Role::Analyst, &[alpha]).await;
    let cm = t.browser("cm@agence.fr").await;

    // The syntax check fragment names the column, with a caret line.
    let bad = cm.get("/c/alpha/queries/check?query=pizza%20AND%20(napoli").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("role=\"alert\"") && bad.body.contains('^'), "{}", bad.body);
    let good = cm.get("/c/alpha/queries/check?query=%22bella%20napoli%22%20OR%20pizz*").await;
    assert!(good.body.contains("role=\"status\""), "{}", good.body);

    // Saving refuses a bad query with the reason, and keeps a good one.
    let refused = cm.post("/c/alpha/queries", &[("name", "Cassée"), ("query", "(pizza"), ("alert", "off")]).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(flash(&refused).contains("column"), "{}", flash(&refused));
    let saved = cm
        .post("/c/alpha/queries", &[("name", "Marque"), ("query", "pizza"), ("alert", "instant"), ("active", "true")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let detail_path = saved.location();
    assert!(detail_path.starts_with("/c/alpha/queries/"), "{detail_path}");

    // Mentions arrive: the query counts them, the stream shows analysis badges, notifications list them.
    t.mentions(
        "alpha",
        &[
            ("Pizza <froide>", "<p>La pizza était froide, livraison en retard, je suis déçu.</p>"),
            ("Nouveau menu", "<p>Le menu change lundi.</p>"),
        ],
    )
    .await;
    let list = cm.get("/c/alpha/queries").await;
    assert!(list.body.contains("Marque") && list.body.contains("class=\"sparkline\""), "the list with its bars");
    let stream = cm.get("/c/alpha/mentions?sentiment=negative").await;
    assert!(
        stream.body.contains("Pizza &lt;froide&gt;") && !stream.body.contains("Nouveau menu"),
        "the sentiment filter: {}",
        stream.body
    );
    assert!(stream.body.contains("sentiment-negative"), "the badge");
    let notifications = cm.get("/notifications").await;
    assert!(notifications.body.contains("Pizza &lt;froide&gt;") && notifications.body.contains("Marque"));
    let backtest = cm.get("/c/alpha/queries/backtest?query=pizza&days=30").await;
    assert!(
        backtest.body.contains("<mark>Pizza</mark>") || backtest.body.contains("<mark>pizza</mark>"),
        "{}",
        backtest.body
    );
    assert!(!backtest.body.contains("<froide>"), "titles are escaped");

    // A private Atom feed: shown once, readable without a session, gone when revoked.
    let made = cm.post(&format!("{detail_path}/feed"), &[]).await;
    assert_eq!(made.status, StatusCode::OK);
    let start = made.body.find("/feeds/q/").expect("the address is shown once") + "/feeds/q/".len();
    let token: String =
        made.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    let anonymous = t.anonymous();
    let atom = anonymous.get(&format!("/feeds/q/{token}")).await;
    assert_eq!(atom.status, StatusCode::OK);
    assert!(
        atom.body.starts_with("<?xml") && atom.body.contains("<entry>") && atom.body.contains("Pizza &lt;froide&gt;")
    );
    assert!(!atom.body.contains("Nouveau menu"), "only the query's matches");
    assert!(!cm.get(detail_path).await.body.contains(&token), "never shown again");
    cm.post(&format!("{detail_path}/feed/delete"), &[]).await;
    assert_eq!(anonymous.get(&format!("/feeds/q/{token}")).await.status, StatusCode::NOT_FOUND);

    // An analyst reads queries but has no editor.
    let analyst = t.browser("analyst@agence.fr").await;
    let seen = analyst.get("/c/alpha/queries").await;
    assert!(seen.body.contains("Marque") && !seen.body.contains("name=\"recipients\""));
}
