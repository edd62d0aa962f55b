//! The search index of this process: a derived copy of the mentions archive (tantivy, under the
//! data directory) kept up to date by tailing the database's change sequence. The database stays
//! the truth: the index can be deleted and rebuilt at any time (`filrouge reindex`), and on
//! PostgreSQL every process keeps its own copy, fed the same way.

use std::path::Path;

use filrouge_search::{IndexDoc, IndexWriter, MentionIndex, SearchError};
use filrouge_store::IndexedMention;
use tokio::sync::Mutex;

use crate::error::Result;
use crate::App;

/// Links read per catch-up batch (one index commit each).
const BATCH: u32 = 5_000;
/// Indexing memory budget of the writer.
const WRITER_HEAP: usize = 64 * 1024 * 1024;

/// The index and its single writer.
pub struct SearchIndex {
    pub(crate) index: MentionIndex,
    writer: Mutex<Option<IndexWriter>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("docs", &self.index.doc_count()).finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it, or recreating it empty when its format changed (the
    /// next catch-up then rebuilds it from the database). Returns whether it was recreated.
    pub fn open(dir: &Path) -> Result<(Self, bool)> {
        let (index, recreated) = match MentionIndex::open(dir) {
            Ok(index) => (index, false),
            Err(SearchError::NeedsRebuild { .. }) => (MentionIndex::recreate(dir)?, true),
            Err(e) => return Err(e.into()),
        };
        Ok((Self { index, writer: Mutex::new(None) }, recreated))
    }

    /// An index in memory (tests, one-shot commands).
    pub fn in_ram() -> Result<Self> {
        Ok(Self { index: MentionIndex::open_in_ram()?, writer: Mutex::new(None) })
    }

    pub fn doc_count(&self) -> u64 {
        self.index.doc_count()
    }

    /// How far the index has read the change sequence.
    pub fn watermark(&self) -> Result<i64> {
        Ok(self.index.watermark()?.unwrap_or(0))
    }
}

fn to_doc(m: IndexedMention) -> IndexDoc {
    IndexDoc {
        mention_id: m.id.0,
        client_ids: m.client_ids.into_iter().map(|c| c.0).collect(),
        source_kind: m.source_kind.as_str().to_owned(),
        source_ids: m.source_ids.into_iter().map(|s| s.0).collect(),
        site: m.site,
        author: m.author,
        lang: m.lang,
        sentiment: m.sentiment.map(|s| s.as_str().to_owned()),
        intent: m.intent.map(|i| i.as_str().to_owned()),
        title: m.title,
        text: m.text,
        published_ms: m.published.as_millisecond(),
    }
}

impl App {
    /// Brings the index up to date with the database; returns how many mentions were (re)indexed.
    /// Safe to call from several tasks: they take turns.
    pub async fn index_catch_up(&self) -> Result<u64> {
        self.index_catch_up_with(&|_, _| {}).await
    }

    /// The same, reporting progress as (links read, links to read).
    pub async fn index_catch_up_with(&self, progress: &(dyn Fn(i64, i64) + Sync)) -> Result<u64> {
        let Some(search) = self.listening.index.clone() else {
            return Ok(0);
        };
        let mut guard = search.writer.lock().await;
        if guard.is_none() {
            match search.index.writer(WRITER_HEAP) {
                Ok(w) => *guard = Some(w),
                Err(SearchError::WriterBusy) => {
                    // Another process (the server) keeps this index; it will catch up itself.
                    tracing::debug!("the search index is kept by another process");
                    search.index.reload()?;
                    return Ok(0);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let start = search.watermark()?;
        let mut watermark = start;
        let head = self.store.read().await?.mention_changes_head().await?;
        let mut indexed = 0u64;
        loop {
            let (docs, next) = self.store.read().await?.mention_changes_after(watermark, BATCH).await?;
            if next == watermark {
                break;
            }
            let Some(writer) = guard.as_mut() else { break };
            for m in docs {
                writer.upsert(&to_doc(m))?;
                indexed += 1;
            }
            writer.commit(next)?;
            watermark = next;
            progress(watermark - start, (head - start).max(watermark - start));
        }
        if indexed > 0 {
            search.index.reload()?;
        }
        Ok(indexed)
    }

    /// Empties the index and rebuilds it from the database.
    pub async fn reindex(&self, progress: &(dyn Fn(i64, i64) + Sync)) -> Result<u64> {
        let Some(search) = self.listening.index.clone() else {
            return Ok(0);
        };
        {
            let mut guard = search.writer.lock().await;
            if guard.is_none() {
                *guard = Some(search.index.writer(WRITER_HEAP)?);
            }
            if let Some(writer) = guard.as_mut() {
                writer.delete_all()?;
                writer.commit(0)?;
            }
        }
        self.index_catch_up_with(progress).await
    }
}
