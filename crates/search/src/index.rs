//! Opening, writing and searching the index: [`MentionIndex`] (many readers) and [`IndexWriter`] (one writer).

use std::cmp::Reverse;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::directory::error::LockError;
use tantivy::query::Query;
use tantivy::schema::Schema;
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, Searcher, SegmentReader, TantivyDocument, TantivyError, Term,
};

use crate::collect::{self, StatsCollector};
use crate::schema::{self, Fields, F_MENTION_ID, F_PUBLISHED, SCHEMA_VERSION, TEXT_ANALYZER, VERSION_FILE};
use crate::{query, Facets, Hit, IndexDoc, SearchError, SearchQuery, SearchResult, Sort, MAX_WINDOW};

/// The smallest indexing heap tantivy accepts (per indexing thread).
const MIN_HEAP_BYTES: usize = 15_000_000;

/// A mentions index, open for searching. Cheap to share between threads (`&self` everywhere).
pub struct MentionIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for MentionIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MentionIndex").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Segments are not merged beyond this many mentions.
pub const MAX_DOCS_PER_SEGMENT: usize = 1_000_000;

impl MentionIndex {
    /// Opens the index in `dir`, creating it (and the directory) if absent. An index written with another
    /// [`SCHEMA_VERSION`] is [`SearchError::NeedsRebuild`].
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        let version_path = dir.join(VERSION_FILE);
        let index = if dir.join("meta.json").exists() {
            let found = std::fs::read_to_string(&version_path).ok().map(|v| v.trim().to_string());
            let rebuild = |found: Option<String>| SearchError::NeedsRebuild {
                path: dir.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            };
            if found.as_deref() != Some(SCHEMA_VERSION.to_string().as_str()) {
                return Err(rebuild(found));
            }
            let index = Index::open_in_dir(dir).map_err(|_| rebuild(found.clone()))?;
            if index.schema() != schema {
                return Err(rebuild(found));
            }
            index
        } else {
            std::fs::create_dir_all(dir).map_err(SearchError::io(dir))?;
            std::fs::write(&version_path, format!("{SCHEMA_VERSION}\n")).map_err(SearchError::io(&version_path))?;
            Index::create_in_dir(dir, schema)?
        };
        Self::from_index(index, fields, Some(dir.to_path_buf()))
    }

    /// Deletes the index in `dir` (which must look like one: it holds the version file or tantivy's `meta.json`, or
    /// is empty) and opens a new, empty one. For after [`SearchError::NeedsRebuild`]; then re-index everything.
    pub fn recreate(dir: &Path) -> Result<Self, SearchError> {
        if dir.exists() {
            let looks_like_index = dir.join(VERSION_FILE).exists() || dir.join("meta.json").exists();
            let empty = std::fs::read_dir(dir).map_err(SearchError::io(dir))?.next().is_none();
            if !looks_like_index && !empty {
                return Err(SearchError::NotAnIndex(dir.to_path_buf()));
            }
            std::fs::remove_dir_all(dir).map_err(SearchError::io(dir))?;
        }
        Self::open(dir)
    }

    /// A new, empty index in memory (tests, tools).
    pub fn open_in_ram() -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, None)
    }

    fn from_index(index: Index, fields: Fields, path: Option<PathBuf>) -> Result<Self, SearchError> {
        index.tokenizers().register(TEXT_ANALYZER, schema::text_analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        Ok(MentionIndex { index, reader, fields, path })
    }

    /// The schema the index uses (for tools and diagnostics).
    pub fn schema(&self) -> Schema {
        self.index.schema()
    }

    /// The one writer of this index. `heap_bytes` is the indexing buffer (at least 15 MB is used); tantivy uses
    /// one indexing thread per 15 MB, up to the number of cores. Another live writer, in this process or another,
    /// gives [`SearchError::WriterBusy`].
    pub fn writer(&self, heap_bytes: usize) -> Result<IndexWriter, SearchError> {
        let writer = self.index.writer(heap_bytes.max(MIN_HEAP_BYTES)).map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::WriterBusy,
            other => SearchError::Index(other),
        })?;
        // Segments stop growing at a million mentions: mentions arrive in time order, so segments stay slices of
        // time and a date-bounded search skips the old ones by their `published` range instead of scanning one
        // huge segment (bench/results/search.md).
        let mut policy = tantivy::indexer::LogMergePolicy::default();
        policy.set_max_docs_before_merge(MAX_DOCS_PER_SEGMENT);
        writer.set_merge_policy(Box::new(policy));
        Ok(IndexWriter { writer, fields: self.fields })
    }

    /// The watermark of the last commit, `None` before any commit with one.
    pub fn watermark(&self) -> Result<Option<i64>, SearchError> {
        match self.index.load_metas()?.payload {
            None => Ok(None),
            Some(payload) => payload.trim().parse().map(Some).map_err(|_| SearchError::BadWatermark(payload)),
        }
    }

    /// Makes the latest commit visible to searches now. Without it, a commit becomes visible shortly after it
    /// lands (tantivy watches the directory).
    pub fn reload(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }

    /// The number of mentions searches currently see.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search within one client's mentions.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResult, SearchError> {
        let window = q.offset.checked_add(q.limit).filter(|w| *w <= MAX_WINDOW);
        if window.is_none() {
            return Err(SearchError::PageTooDeep { max: MAX_WINDOW });
        }
        if q.histogram_buckets.windows(2).any(|w| w[0] >= w[1]) {
            return Err(SearchError::UnsortedBuckets);
        }
        let mut analyzer = schema::text_analyzer();
        let (query, has_text) = query::build(q, &self.fields, &mut analyzer);
        let searcher = self.reader.searcher();
        let stats = StatsCollector { facets: q.facets, buckets: Arc::from(q.histogram_buckets.as_slice()) };
        let sort = if q.sort == Sort::Relevance && !has_text { Sort::Newest } else { q.sort };
        let (hits, stats) = if q.limit == 0 {
            (Vec::new(), searcher.search(&query, &stats)?)
        } else {
            let top = TopDocs::with_limit(q.limit).and_offset(q.offset);
            match sort {
                Sort::Newest => {
                    let (top, stats) = searcher.search(&query, &(top.order_by(newest_key), stats))?;
                    (top.into_iter().map(|((_, id), _)| Hit { mention_id: id, score: 0.0 }).collect(), stats)
                }
                Sort::Oldest => {
                    let (top, stats) = searcher.search(&query, &(top.order_by(oldest_key), stats))?;
                    (top.into_iter().map(|((_, Reverse(id)), _)| Hit { mention_id: id, score: 0.0 }).collect(), stats)
                }
                Sort::Relevance => self.by_relevance(&searcher, &query, top, stats)?,
            }
        };
        let mut facets = stats.facets.into_iter().map(collect::top);
        let facets = if q.facets {
            Facets {
                sources: facets.next().unwrap_or_default(),
                langs: facets.next().unwrap_or_default(),
                sites: facets.next().unwrap_or_default(),
                authors: facets.next().unwrap_or_default(),
                sentiments: facets.next().unwrap_or_default(),
                intents: facets.next().unwrap_or_default(),
            }
        } else {
            Facets::default()
        };
        Ok(SearchResult { total: stats.count, hits, facets, histogram: stats.histogram })
    }

    fn by_relevance(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        top: TopDocs,
        stats: StatsCollector,
    ) -> Result<(Vec<Hit>, collect::Stats), SearchError> {
        let (top, stats) = searcher.search(query, &(top.order_by_score(), stats))?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, DocAddress { segment_ord, doc_id }) in top {
            let Some(segment) = searcher.segment_readers().get(segment_ord as usize) else { continue };
            let ids = segment.fast_fields().i64(F_MENTION_ID)?;
            if let Some(mention_id) = ids.first(doc_id) {
                hits.push(Hit { mention_id, score });
            }
        }
        Ok((hits, stats))
    }
}

/// Reads a single-valued i64 fast field of a segment; a missing column reads as 0 (cannot happen with our schema).
fn i64_column(segment: &SegmentReader, name: &str) -> Arc<dyn tantivy::columnar::ColumnValues<i64>> {
    match segment.fast_fields().i64(name) {
        Ok(column) => column.first_or_default_col(0),
        Err(_) => tantivy::columnar::Column::<i64>::build_empty_column(segment.max_doc()).first_or_default_col(0),
    }
}

/// Sort key for "newest first": the greatest (published, mention id) comes first.
fn newest_key(segment: &SegmentReader) -> impl FnMut(tantivy::DocId) -> (i64, i64) {
    let published = i64_column(segment, F_PUBLISHED);
    let ids = i64_column(segment, F_MENTION_ID);
    move |doc| (published.get_val(doc), ids.get_val(doc))
}

/// Sort key for "oldest first".
fn oldest_key(segment: &SegmentReader) -> impl FnMut(tantivy::DocId) -> (Reverse<i64>, Reverse<i64>) {
    let published = i64_column(segment, F_PUBLISHED);
    let ids = i64_column(segment, F_MENTION_ID);
    move |doc| (Reverse(published.get_val(doc)), Reverse(ids.get_val(doc)))
}

/// The one writer of an index. Changes become durable and visible at [`IndexWriter::commit`]. Dropping it without
/// committing discards the changes since the last commit.
pub struct IndexWriter {
    writer: tantivy::IndexWriter<TantivyDocument>,
    fields: Fields,
}

impl std::fmt::Debug for IndexWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexWriter").finish_non_exhaustive()
    }
}

impl IndexWriter {
    /// Adds the mention, replacing any earlier version of it (same `mention_id`).
    pub fn upsert(&mut self, doc: &IndexDoc) -> Result<(), SearchError> {
        self.delete(doc.mention_id);
        self.writer.add_document(self.document(doc))?;
        Ok(())
    }

    /// Adds the mention without looking for an earlier version: for a first build from an empty index, where it
    /// is faster than [`IndexWriter::upsert`].
    pub fn add_new(&mut self, doc: &IndexDoc) -> Result<(), SearchError> {
        self.writer.add_document(self.document(doc))?;
        Ok(())
    }

    /// Removes the mention, if indexed.
    pub fn delete(&mut self, mention_id: i64) {
        self.writer.delete_term(Term::from_field_i64(self.fields.mention_id, mention_id));
    }

    /// Removes every mention (before re-indexing from scratch).
    pub fn delete_all(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable, recording `watermark` (how far the application got in the database) with them.
    pub fn commit(&mut self, watermark: i64) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&watermark.to_string());
        prepared.commit()?;
        Ok(())
    }

    /// Waits for background merges to finish and releases the directory lock.
    pub fn finish(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    fn document(&self, doc: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_i64(f.mention_id, doc.mention_id);
        for client in &doc.client_ids {
            d.add_i64(f.client_ids, *client);
        }
        for source in &doc.source_ids {
            d.add_i64(f.source_ids, *source);
        }
        d.add_text(f.source_kind, schema::keyword(&doc.source_kind));
        let site = schema::keyword(&doc.site);
        let site = site.trim_end_matches('.');
        d.add_text(f.site, site);
        for suffix in schema::site_suffixes(site) {
            d.add_text(f.site_suffix, suffix);
        }
        d.add_text(f.author, &doc.author);
        if let Some(lang) = doc.lang.as_deref().map(schema::keyword).filter(|l| !l.is_empty()) {
            d.add_text(f.lang, lang);
        }
        if let Some(sentiment) = doc.sentiment.as_deref().map(schema::keyword).filter(|l| !l.is_empty()) {
            d.add_text(f.sentiment, sentiment);
        }
        if let Some(intent) = doc.intent.as_deref().map(schema::keyword).filter(|l| !l.is_empty()) {
            d.add_text(f.intent, intent);
        }
        d.add_text(f.body, &doc.title);
        d.add_text(f.body, &doc.text);
        d.add_i64(f.published, doc.published_ms);
        d
    }
}
