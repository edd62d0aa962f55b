//! The media library of each client: files checked from their bytes (type, size, dimensions), stored once under
//! the data directory by their SHA-256, and the facts the guards check posts against.

use std::path::{Path, PathBuf};

use filrouge_domain::ids::MediaId;
use filrouge_domain::journal::JournalAction;
use filrouge_domain::media::{Attachment, MediaFacts};
use filrouge_domain::permission::Action;
use filrouge_domain::post::PostContent;
use filrouge_domain::Invalid;
use filrouge_store::{MediaRecord, Tx};
use sha2::{Digest, Sha256};

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::App;

/// How many of the library's newest files the composer offers to an account's own selection.
pub const LIBRARY_OFFER: usize = 200;

/// The largest file the library takes, whatever the network (a network's own limit is checked per post).
pub const MAX_MEDIA_BYTES: usize = 512 * 1024 * 1024;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a file with this hash lives: `DIR/ab/abcdef…`.
pub fn media_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
}

impl App {
    /// Adds a file to the client's library after reading its facts from the bytes; the same bytes twice give the
    /// same id. Refuses empty, unknown, malformed and oversized files with the reason.
    pub async fn add_media(&self, actor: &Actor, slug: &str, file_name: &str, bytes: Vec<u8>) -> Result<MediaId> {
        let now = self.now();
        let dir = self.media_dir.clone().ok_or_else(|| AppError::Remote("no media directory is configured".into()))?;
        {
            let mut tx = self.store.read().await?;
            client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        }
        if bytes.len() > MAX_MEDIA_BYTES {
            return Err(AppError::Invalid(Invalid::new(
                "media",
                format!("{file_name} is {}, the library takes at most {}", human(bytes.len()), human(MAX_MEDIA_BYTES)),
            )));
        }
        let (facts, sha, bytes) = tokio::task::spawn_blocking(move || {
            let facts = filrouge_compose::probe(&bytes);
            let sha = hex(&Sha256::digest(&bytes));
            (facts, sha, bytes)
        })
        .await
        .map_err(|e| AppError::Remote(format!("reading the file failed: {e}")))?;
        let facts = facts.map_err(|e| AppError::Invalid(Invalid::new("media", format!("{file_name}: {e}"))))?;
        let path = media_path(&dir, &sha);
        if tokio::fs::metadata(&path).await.is_err() {
            write_atomically(&path, &bytes).await.map_err(|e| AppError::Remote(format!("storing {file_name}: {e}")))?;
        }
        let name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let id = tx.insert_media(client.id, &sha, &name, &facts, now).await?;
        let summary =
            format!("Media added: {name} ({}, {})", facts.mime, human(usize::try_from(facts.bytes).unwrap_or(0)));
        let entry = crate::clients::entry(
            actor,
            now,
            Some(client.id),
            JournalAction::MediaAdded,
            &format!("media:{id}"),
            summary,
        );
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The facts of the media a content uses, as attachments with their alt texts (unknown ids are skipped: the
    /// content was validated against the client's library when saved).
    pub(crate) async fn attachments(
        &self,
        tx: &mut Tx,
        client: filrouge_domain::ids::ClientId,
        content: &PostContent,
    ) -> Result<Vec<(MediaId, MediaFacts)>> {
        let mut ids: Vec<MediaId> = content.media.iter().map(|m| m.media_id).collect();
        for target in &content.targets {
            ids.extend(target.media.iter().flatten().map(|m| m.media_id));
        }
        ids.sort();
        ids.dedup();
        let records: Vec<MediaRecord> = tx.media_of(client, &ids).await?;
        Ok(records.into_iter().map(|r| (r.id, r.facts)).collect())
    }
}

/// The attachments of `media` given the library's facts.
pub(crate) fn to_attachments(
    media: &[filrouge_domain::post::PostMedia],
    facts: &[(MediaId, MediaFacts)],
) -> Vec<Attachment> {
    media
        .iter()
        .filter_map(|m| {
            facts
                .iter()
                .find(|(id, _)| *id == m.media_id)
                .map(|(_, f)| Attachment { facts: f.clone(), alt: m.alt.clone() })
        })
        .collect()
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let tmp = path.with_extension("part");
    tokio::fs::write(&tmp, bytes).await?;
    let file = tokio::fs::File::open(&tmp).await?;
    file.sync_all().await?;
    tokio::fs::rename(&tmp, path).await
}

fn human(bytes: usize) -> String {
    filrouge_compose::human_bytes(u64::try_from(bytes).unwrap_or(u64::MAX))
}

/// A file of the library as the composer lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaItem {
    pub id: MediaId,
    pub file_name: String,
    pub facts: MediaFacts,
}

impl App {
    /// A file's type and bytes, to show it (the client's files only).
    pub async fn media_bytes(&self, actor: &Actor, slug: &str, id: MediaId) -> Result<(String, Vec<u8>)> {
        let client = self.client(actor, slug, Action::ViewCalendar).await?;
        self.media_file(client.id, id).await
    }

    /// A file's type and bytes for the publishing engine (no actor: workers only).
    pub(crate) async fn media_file(
        &self,
        client: filrouge_domain::ids::ClientId,
        id: MediaId,
    ) -> Result<(String, Vec<u8>)> {
        let dir = self.media_dir.clone().ok_or(AppError::NotFound)?;
        let record = self.store.read().await?.media_of(client, &[id]).await?.pop().ok_or(AppError::NotFound)?;
        let bytes = tokio::fs::read(media_path(&dir, &record.sha256)).await.map_err(|_| AppError::NotFound)?;
        Ok((record.facts.mime, bytes))
    }

    /// The facts of some files of the client's library (unknown ids are left out).
    pub async fn media_items(&self, actor: &Actor, slug: &str, ids: &[MediaId]) -> Result<Vec<MediaItem>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        Ok(tx
            .media_of(client.id, ids)
            .await?
            .into_iter()
            .map(|r| MediaItem { id: r.id, file_name: r.file_name, facts: r.facts })
            .collect())
    }

    /// The client's newest files (at most `LIBRARY_OFFER`), newest first: what the composer offers to an account's
    /// own selection of media.
    pub async fn media_library(&self, actor: &Actor, slug: &str) -> Result<Vec<MediaItem>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        Ok(tx
            .media_library(client.id, LIBRARY_OFFER)
            .await?
            .into_iter()
            .map(|r| MediaItem { id: r.id, file_name: r.file_name, facts: r.facts })
            .collect())
    }

    /// A copy of an image shrunk (and re-encoded as JPEG) to fit `network`'s limits, added to the library; the same
    /// id when it already fits. GIFs and videos are never converted.
    pub async fn fit_media(
        &self,
        actor: &Actor,
        slug: &str,
        id: MediaId,
        network: filrouge_domain::account::Network,
    ) -> Result<MediaId> {
        let (_, bytes) = {
            let mut tx = self.store.read().await?;
            client_for(&mut tx, actor, slug, Action::WritePosts).await?;
            drop(tx);
            self.media_bytes(actor, slug, id).await?
        };
        let limits = filrouge_compose::NetworkLimits::of(network);
        let fitted = tokio::task::spawn_blocking(move || filrouge_compose::fit_image(&bytes, &limits))
            .await
            .map_err(|e| AppError::Remote(format!("resizing failed: {e}")))?
            .map_err(|e| AppError::Invalid(Invalid::new("media", e.to_string())))?;
        match fitted {
            None => Ok(id),
            Some(bytes) => {
                let name = format!("{}-{}.jpg", network.as_str(), id);
                self.add_media(actor, slug, &name, bytes).await
            }
        }
    }

    /// The card a link shows (title, description, image), read from the page's Open Graph tags through the
    /// guarded client: no internal addresses, bounded size and time. `None` when the page has no title.
    pub async fn link_card(
        &self,
        actor: &Actor,
        slug: &str,
        address: &str,
    ) -> Result<Option<filrouge_compose::LinkCard>> {
        self.client(actor, slug, Action::WritePosts).await?;
        let url = url::Url::parse(address.trim())
            .map_err(|e| AppError::Invalid(Invalid::new("link", format!("'{address}': {e}"))))?;
        let http = self.listening.http.as_ref().ok_or_else(|| AppError::Remote("no HTTP client".into()))?;
        let mut settings = self.listening.settings.clone();
        settings.max_body_bytes = settings.max_body_bytes.min(2 * 1024 * 1024);
        let outcome = filrouge_listen::fetch::fetch(http, &settings, &url, &Default::default())
            .await
            .map_err(|e| AppError::Remote(format!("{address}: {e}")))?;
        let Some(fetched) = outcome.fetched else { return Ok(None) };
        let html = String::from_utf8_lossy(&fetched.body).into_owned();
        Ok(filrouge_compose::open_graph(&html, fetched.final_url.as_str()))
    }
}
