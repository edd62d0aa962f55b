//! The media library: one row per file of a client (by SHA-256), with the facts read from its bytes. The bytes
//! themselves live in the data directory, named by their hash.

use filrouge_domain::ids::{ClientId, MediaId};
use filrouge_domain::media::MediaFacts;
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{from_json, millis, to_json};
use crate::tx::{on_tx, Tx};

/// A file of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    pub id: MediaId,
    pub client_id: ClientId,
    pub sha256: String,
    pub file_name: String,
    pub facts: MediaFacts,
}

impl Tx {
    /// Adds a file to the client's library, or returns the one already there with the same bytes.
    pub async fn insert_media(
        &mut self,
        client: ClientId,
        sha256: &str,
        file_name: &str,
        facts: &MediaFacts,
        now: Timestamp,
    ) -> Result<MediaId> {
        let json = to_json(facts)?;
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(
            "INSERT INTO media (client_id, sha256, file_name, facts, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (client_id, sha256) DO NOTHING RETURNING id")
            .bind(client.0).bind(sha256).bind(file_name).bind(&json).bind(millis(now)).fetch_optional(c).await)?;
        if let Some(id) = id {
            return Ok(MediaId(id));
        }
        let id: i64 = on_tx!(self, c => sqlx::query_scalar("SELECT id FROM media WHERE client_id = $1 AND sha256 = $2")
            .bind(client.0).bind(sha256).fetch_one(c).await)?;
        Ok(MediaId(id))
    }

    /// The client's newest files, at most `limit`, newest first (the composer offers them to a variant).
    pub async fn media_library(&mut self, client: ClientId, limit: usize) -> Result<Vec<MediaRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<(i64, String, String, String)> = on_tx!(self, c => sqlx::query_as(
            "SELECT id, sha256, file_name, facts FROM media WHERE client_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(client.0).bind(limit).fetch_all(c).await)?;
        rows.into_iter().map(|row| record(client, row)).collect()
    }

    /// The client's files among `ids` (another client's ids give nothing).
    pub async fn media_of(&mut self, client: ClientId, ids: &[MediaId]) -> Result<Vec<MediaRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, sha256, file_name, facts FROM media WHERE client_id = {} AND id IN ({})",
            self.list_of(1),
            self.list_of_from(2, ids.len())
        );
        let rows: Vec<(i64, String, String, String)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql).bind(client.0);
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(c).await
        })?;
        rows.into_iter().map(|row| record(client, row)).collect()
    }
}

fn record(client: ClientId, (id, sha256, file_name, facts): (i64, String, String, String)) -> Result<MediaRecord> {
    Ok(MediaRecord { id: MediaId(id), client_id: client, sha256, file_name, facts: from_json("media.facts", &facts)? })
}
