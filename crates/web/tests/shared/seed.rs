//! Seeding shared by the router tests and the browser tests: mentions of a client, stored through
//! the application layer as a source would bring them.

use filrouge_app::{Actor, App};
use filrouge_domain::ids::{MentionId, SourceId};
use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::SourceKind;

/// A paused feed source of `slug` holding one mention per (title, html); returns their ids, newest
/// first as the stream lists them.
pub async fn mentions(app: &App, slug: &str, items: &[(&str, &str)]) -> (SourceId, Vec<MentionId>) {
    let op = Actor::operator();
    let n = app.sources(&op, slug).await.map(|(_, s)| s.len()).unwrap_or(0);
    let source = app.add_source(&op, slug, "feed", "Blog", &format!("https://{slug}.test/feed/{n}"), "").await.unwrap();
    app.set_source_paused(&op, slug, source, true).await.unwrap();
    let now = app.now();
    let mentions = items
        .iter()
        .enumerate()
        .map(|(i, (title, html))| NewMention {
            dedup_key: format!("https://{slug}.test/{n}/post/{i}"),
            source_kind: SourceKind::Feed,
            url: format!("https://{slug}.test/{n}/post/{i}"),
            site: format!("{slug}.test"),
            author: Author { handle: "Camille".into(), name: None, followers: None },
            title: (*title).into(),
            text: filrouge_feeds::sanitize::sanitize_html(html, None).text,
            html: (*html).into(),
            lang: Some("fr".into()),
            published: now,
            engagement: Engagement::default(),
            fingerprint: None,
            analysis: None,
        })
        .collect();
    app.ingest_mentions(&op, slug, source, mentions).await.unwrap();
    let page = app.mentions(&op, slug, &Default::default()).await.unwrap();
    (source, page.mentions.into_iter().map(|m| m.id).collect())
}
