//! Live listening: Mastodon hashtag sources are followed through the instance's stream, each post
//! stored as it arrives (deduplicated with what polling finds), so a bad buzz shows up in seconds
//! rather than at the next poll. `serve` keeps one stream per such source and restarts ended ones.

use filrouge_domain::ids::SourceId;
use filrouge_domain::permission::Action;
use filrouge_domain::source::{Source, SourceKind};
use filrouge_listen::{normalise, social};
use futures_util::StreamExt;

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::App;

impl App {
    /// The active sources of every client that can be followed live.
    pub async fn streamable_sources(&self) -> Result<Vec<Source>> {
        let mut tx = self.store.read().await?;
        Ok(tx.active_sources().await?.into_iter().filter(|s| social::streams(&s.spec)).collect())
    }

    /// Follows one source's stream until it ends, storing each post; returns how many were new.
    /// Errors of single events are logged and skipped; a broken connection ends the stream (the
    /// caller restarts it).
    pub async fn follow_stream(&self, source: Source) -> Result<u64> {
        let http = self.listening.streaming_http.as_ref().ok_or_else(|| AppError::Remote("no HTTP client".into()))?;
        let token = self.network_credentials(source.client_id, SourceKind::Mastodon).await?.map(|(_, t)| t);
        let mut stream = social::stream(http, &self.listening.settings, &source.spec, token)
            .await
            .map_err(|e| AppError::Remote(e.to_string()))?;
        let mut new = 0;
        while let Some(event) = stream.next().await {
            let post = match event {
                Ok(post) => post,
                Err(e) => {
                    tracing::debug!(source = source.id.0, error = %e, "stream event skipped");
                    continue;
                }
            };
            let now = self.now();
            let mut mention = [normalise::from_post(&post, now)];
            let mut tx = self.store.write().await?;
            let stored = self.store_mentions(&mut tx, source.client_id, source.id, &mut mention, now).await?;
            tx.commit().await?;
            if stored.alerts > 0 {
                self.alerts_committed();
            }
            new += stored.outcome.linked;
        }
        Ok(new)
    }

    /// Follows a client's source from the command line or a test, with access checked.
    pub async fn follow_source_stream(&self, actor: &Actor, slug: &str, id: SourceId) -> Result<u64> {
        let source = {
            let mut tx = self.store.read().await?;
            let client = client_for(&mut tx, actor, slug, Action::ManageSources).await?;
            tx.source(client.id, id).await?.ok_or(AppError::NotFound)?
        };
        self.follow_stream(source).await
    }
}
