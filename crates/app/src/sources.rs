//! Listening sources of a client: list, add, edit, pause, remove; discovery of a site's feeds;
//! OPML import and export. Who may do it is checked here; fetching is the poller's job.

use filrouge_domain::client::Client;
use filrouge_domain::ids::{ClientId, SourceId};
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::permission::Action;
use filrouge_domain::source::{check_http_url, Source, SourceKind, SourceSpec, SourceStatus};
use filrouge_domain::Invalid;
use filrouge_feeds::opml;
use filrouge_feeds::DiscoveredFeed;
use filrouge_listen::fetch::{fetch, Validators};
use url::Url;

use crate::access::{client_for, Actor};
use crate::clients::entry;
use crate::error::{AppError, Result};
use crate::App;

/// What an OPML import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpmlImport {
    pub added: u32,
    /// Already there (same address).
    pub skipped: u32,
}

impl App {
    /// The client's sources with their health.
    pub async fn sources(&self, actor: &Actor, slug: &str) -> Result<(Client, Vec<Source>)> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        let sources = tx.sources_of(client.id).await?;
        Ok((client, sources))
    }

    pub async fn source(&self, actor: &Actor, slug: &str, id: SourceId) -> Result<Source> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        tx.source(client.id, id).await?.ok_or(AppError::NotFound)
    }

    /// Adds a source; it is fetched at the next poll.
    pub async fn add_source(
        &self,
        actor: &Actor,
        slug: &str,
        kind: &str,
        name: &str,
        url: &str,
        query: &str,
    ) -> Result<SourceId> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        let spec = SourceSpec::parse(SourceKind::parse(kind)?, name, url, query)?;
        let id = tx
            .insert_source(client.id, &spec, SourceStatus::Active, now)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("this client already has the source {}", spec.url)))?;
        tx.append_journal(&source_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::SourceAdded,
            format!("Source added: {} ({})", spec.name, describe(&spec)),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes what a source reads; it is fetched again at once.
    pub async fn edit_source(
        &self,
        actor: &Actor,
        slug: &str,
        id: SourceId,
        name: &str,
        url: &str,
        query: &str,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        let source = tx.source(client.id, id).await?.ok_or(AppError::NotFound)?;
        let spec = SourceSpec::parse(source.spec.kind, name, url, query)?;
        if !tx.update_source_spec(id, &spec, now).await? {
            return Err(AppError::Conflict(format!("this client already has the source {}", spec.url)));
        }
        tx.append_journal(&source_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::SourceEdited,
            format!("Source edited: {} ({})", spec.name, describe(&spec)),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Pauses or resumes a source.
    pub async fn set_source_paused(&self, actor: &Actor, slug: &str, id: SourceId, paused: bool) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        let source = tx.source(client.id, id).await?.ok_or(AppError::NotFound)?;
        let status = if paused { SourceStatus::Paused } else { SourceStatus::Active };
        if source.status == status {
            return Ok(());
        }
        tx.set_source_status(id, status, now).await?;
        tx.append_journal(&source_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::SourceEdited,
            format!("Source {}: {}", if paused { "paused" } else { "resumed" }, source.spec.name),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Asks for the source to be fetched at the next poll, whatever its schedule.
    pub async fn fetch_source_soon(&self, actor: &Actor, slug: &str, id: SourceId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        tx.source(client.id, id).await?.ok_or(AppError::NotFound)?;
        tx.make_source_due(id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a source; the mentions it brought stay.
    pub async fn remove_source(&self, actor: &Actor, slug: &str, id: SourceId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        let source = tx.source(client.id, id).await?.ok_or(AppError::NotFound)?;
        tx.delete_source(id).await?;
        tx.append_journal(&source_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::SourceRemoved,
            format!("Source removed: {} ({})", source.spec.name, describe(&source.spec)),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The feeds a site offers (`<link rel="alternate">`), or the address itself when it is a feed.
    pub async fn discover_feeds(&self, actor: &Actor, slug: &str, site: &str) -> Result<Vec<DiscoveredFeed>> {
        {
            let mut tx = self.store.read().await?;
            client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        }
        let site = site.trim();
        let site = if site.contains("://") { site.to_owned() } else { format!("https://{site}") };
        check_http_url("site", &site)?;
        let url = Url::parse(&site).map_err(|e| Invalid::new("site", e.to_string()))?;
        let http = self.listening.http.as_ref().ok_or_else(|| AppError::Remote("no HTTP client".into()))?;
        let outcome = fetch(http, &self.listening.settings, &url, &Validators::default())
            .await
            .map_err(|e| AppError::Remote(format!("{site}: {e}")))?;
        let Some(page) = outcome.fetched else { return Ok(Vec::new()) };
        let options = filrouge_feeds::ParseOptions {
            base_url: Some(page.final_url.clone()),
            content_type: page.content_type.clone(),
            ..Default::default()
        };
        if let Ok(feed) = filrouge_feeds::parse(&page.body, &options) {
            return Ok(vec![DiscoveredFeed {
                url: page.final_url.to_string(),
                title: feed.title,
                kind: Some(feed.kind),
            }]);
        }
        Ok(filrouge_feeds::discover(&page.body, &page.final_url))
    }

    /// Adds every feed of an OPML file as a source, in one transaction: all or nothing.
    pub async fn import_opml(&self, actor: &Actor, slug: &str, bytes: &[u8]) -> Result<OpmlImport> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
        let outlines = opml::parse(bytes).map_err(|e| Invalid::new("opml", e.to_string()))?;
        let mut report = OpmlImport::default();
        for (n, outline) in outlines.iter().enumerate() {
            let name = outline.title.as_deref().unwrap_or("");
            let spec = SourceSpec::parse(SourceKind::Feed, name, &outline.xml_url, "")
                .map_err(|e| Invalid::new(format!("opml outline {}: {}", n + 1, e.field), e.reason))?;
            match tx.insert_source(client.id, &spec, SourceStatus::Active, now).await? {
                Some(_) => report.added += 1,
                None => report.skipped += 1,
            }
        }
        tx.append_journal(&entry(
            actor,
            now,
            Some(client.id),
            JournalAction::SourcesImported,
            "sources",
            format!("OPML import: {} feeds added, {} already there", report.added, report.skipped),
        ))
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The client's feeds as OPML.
    pub async fn export_opml(&self, actor: &Actor, slug: &str) -> Result<String> {
        let (client, sources) = self.sources(actor, slug).await?;
        let outlines: Vec<opml::Outline> = sources
            .into_iter()
            .filter(|s| s.spec.kind == SourceKind::Feed)
            .map(|s| opml::Outline { title: Some(s.spec.name), xml_url: s.spec.url, html_url: None, category: None })
            .collect();
        Ok(opml::write(&format!("Fil Rouge — {}", client.profile.name), &outlines))
    }
}

/// The journal entry about one source of a client.
fn source_entry(
    actor: &Actor,
    now: jiff::Timestamp,
    client: ClientId,
    id: SourceId,
    action: JournalAction,
    summary: String,
) -> NewJournalEntry {
    entry(actor, now, Some(client), action, &format!("source:{id}"), summary)
}

/// One line saying what a source reads, for the journal.
fn describe(spec: &SourceSpec) -> String {
    match spec.kind {
        SourceKind::Feed => spec.url.clone(),
        kind => format!("{} {} on {}", kind.as_str(), spec.query, spec.url),
    }
}
