//! The mentions archive: batched ingestion with deduplication (one row per dedup key, linked to
//! every client and source it came through), near-duplicate grouping, team marks, and the change
//! feed the search index tails.

use std::collections::HashMap;

use filrouge_domain::analysis::{Intent, MentionAnalysis, Sentiment};
use filrouge_domain::ids::{ClientId, MentionId, SourceId};
use filrouge_domain::mention::{Author, Engagement, Mark, Marks, Mention, NewMention};
use filrouge_domain::source::SourceKind;
use jiff::Timestamp;

use crate::error::Result;
use crate::rows::{millis, parsed, timestamp};
use crate::tx::{on_tx, Tx};

/// Rows per INSERT statement: 21 bindings each, well under both engines' limits.
const BATCH: usize = 200;

/// Near-duplicate texts differ in at most this many bits of their 64-bit fingerprints. Four
/// 16-bit bands then guarantee that two near-duplicates share at least one band exactly.
pub const NEAR_DUPLICATE_BITS: u32 = 3;

/// What an ingestion did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Mentions new to the archive.
    pub inserted: u64,
    /// Mentions newly tied to this client and source (new ones included).
    pub linked: u64,
    /// The mentions newly tied to this client (through any source), as (index in the items given,
    /// id): what the client's listening queries have not seen yet.
    pub new_for_client: Vec<(usize, MentionId)>,
}

/// A mention as the search index needs it, with every client and source it is tied to.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedMention {
    pub id: MentionId,
    pub client_ids: Vec<ClientId>,
    pub source_ids: Vec<SourceId>,
    pub source_kind: SourceKind,
    pub site: String,
    pub author: String,
    pub lang: Option<String>,
    pub title: String,
    pub text: String,
    pub published: Timestamp,
    pub sentiment: Option<Sentiment>,
    pub intent: Option<Intent>,
}

/// A stored mention with what a listening query looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchableMention {
    pub id: MentionId,
    pub source_kind: SourceKind,
    pub url: String,
    pub author_handle: String,
    pub author_name: Option<String>,
    pub title: String,
    pub text: String,
    pub lang: Option<String>,
    pub sentiment: Option<Sentiment>,
    pub published: Timestamp,
}

/// Where a client's mention came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionSourceRef {
    pub id: SourceId,
    pub name: Option<String>,
    pub kind: SourceKind,
}

#[derive(sqlx::FromRow)]
struct MentionRow {
    id: i64,
    source_kind: String,
    url: String,
    site: String,
    author_handle: String,
    author_name: Option<String>,
    author_followers: Option<i64>,
    title: String,
    body: String,
    html: String,
    lang: Option<String>,
    published: i64,
    fetched: i64,
    likes: Option<i64>,
    reposts: Option<i64>,
    replies: Option<i64>,
    duplicate_of: Option<i64>,
    sentiment: Option<String>,
    sentiment_score: Option<f64>,
    intent: Option<String>,
    is_read: Option<bool>,
    starred: Option<bool>,
    ignored: Option<bool>,
    needs_reply: Option<bool>,
}

const MENTION_COLUMNS: &str = "m.id, m.source_kind, m.url, m.site, m.author_handle, m.author_name, \
     m.author_followers, m.title, m.body, m.html, m.lang, m.published, m.fetched, m.likes, m.reposts, m.replies, \
     m.duplicate_of, m.sentiment, m.sentiment_score, m.intent, k.is_read, k.starred, k.ignored, k.needs_reply";

fn count(v: Option<i64>) -> Option<u64> {
    v.and_then(|v| u64::try_from(v).ok())
}

fn signed(v: Option<u64>) -> Option<i64> {
    v.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
}

impl MentionRow {
    fn into_mention(self) -> Result<Mention> {
        Ok(Mention {
            id: MentionId(self.id),
            source_kind: parsed("mentions.source_kind", SourceKind::parse(&self.source_kind))?,
            url: self.url,
            site: self.site,
            author: Author {
                handle: self.author_handle,
                name: self.author_name,
                followers: count(self.author_followers),
            },
            title: self.title,
            text: self.body,
            html: self.html,
            lang: self.lang,
            published: timestamp(self.published)?,
            fetched: timestamp(self.fetched)?,
            engagement: Engagement {
                likes: count(self.likes),
                reposts: count(self.reposts),
                replies: count(self.replies),
            },
            duplicate_of: self.duplicate_of.map(MentionId),
            analysis: analysis(self.sentiment.as_deref(), self.sentiment_score, self.intent.as_deref()),
            marks: Marks {
                read: self.is_read.unwrap_or(false),
                starred: self.starred.unwrap_or(false),
                ignored: self.ignored.unwrap_or(false),
                needs_reply: self.needs_reply.unwrap_or(false),
            },
        })
    }
}

/// The stored analysis, when all of it is there and readable.
fn analysis(sentiment: Option<&str>, score: Option<f64>, intent: Option<&str>) -> Option<MentionAnalysis> {
    Some(MentionAnalysis {
        sentiment: Sentiment::parse(sentiment?)?,
        sentiment_score: score? as f32,
        intent: Intent::parse(intent?)?,
    })
}

fn mark_column(mark: Mark) -> &'static str {
    match mark {
        Mark::Read => "is_read",
        Mark::Starred => "starred",
        Mark::Ignored => "ignored",
        Mark::NeedsReply => "needs_reply",
    }
}

/// The four 16-bit bands of a fingerprint, tagged with their position.
fn bands(fingerprint: u64) -> [i64; 4] {
    let mut out = [0i64; 4];
    for (i, band) in out.iter_mut().enumerate() {
        *band = ((i as i64) << 16) | ((fingerprint >> (16 * i)) & 0xFFFF) as i64;
    }
    out
}

impl Tx {
    /// Stores what a source found for a client. A mention already in the archive (same dedup key)
    /// is not stored again: its engagement counts are refreshed and it is tied to this client and
    /// source if it was not yet. New long texts are grouped with their near-duplicates.
    pub async fn ingest_mentions(
        &mut self,
        client: ClientId,
        source: SourceId,
        items: &[NewMention],
        now: Timestamp,
    ) -> Result<IngestOutcome> {
        let mut outcome = IngestOutcome::default();
        for (n, chunk) in items.chunks(BATCH).enumerate() {
            let mut seen = std::collections::HashSet::new();
            let (positions, chunk): (Vec<usize>, Vec<&NewMention>) = chunk
                .iter()
                .enumerate()
                .filter(|(_, m)| seen.insert(m.dedup_key.as_str()))
                .map(|(i, m)| (n * BATCH + i, m))
                .unzip();
            let inserted = self.insert_new_mentions(&chunk, now).await?;
            outcome.inserted += inserted.len() as u64;
            let ids = self.ids_of_keys(&chunk, &inserted).await?;
            self.refresh_engagement(&chunk, &inserted, &ids).await?;
            self.group_near_duplicates(&chunk, &inserted).await?;
            let known_to_client = self.linked_to_client(client, &ids).await?;
            let newly_linked = self.link_mentions(client, source, &ids, now).await?;
            outcome.linked += newly_linked.len() as u64;
            for (position, id) in positions.iter().zip(&ids) {
                if newly_linked.contains(id) && !known_to_client.contains(id) {
                    outcome.new_for_client.push((*position, MentionId(*id)));
                }
            }
        }
        if outcome.linked > 0 {
            on_tx!(self, c => sqlx::query("UPDATE sources SET mentions_total = mentions_total + $2 WHERE id = $1")
                .bind(source.0).bind(i64::try_from(outcome.linked).unwrap_or(i64::MAX))
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        Ok(outcome)
    }

    /// Inserts the mentions whose key is new; returns key → id of those inserted.
    async fn insert_new_mentions(&mut self, chunk: &[&NewMention], now: Timestamp) -> Result<HashMap<String, i64>> {
        const COLS: usize = 21;
        let sql = format!(
            "INSERT INTO mentions (dedup_key, source_kind, url, site, author_handle, author_name, author_followers,
             title, body, html, lang, published, fetched, likes, reposts, replies, fingerprint, duplicate_of,
             sentiment, sentiment_score, intent)
             VALUES {} ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key",
            self.rows_of(chunk.len(), COLS, None)
        );
        let rows: Vec<(i64, String)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for m in chunk {
                q = q
                    .bind(&m.dedup_key).bind(m.source_kind.as_str()).bind(&m.url).bind(&m.site)
                    .bind(&m.author.handle).bind(m.author.name.as_deref()).bind(signed(m.author.followers))
                    .bind(&m.title).bind(&m.text).bind(&m.html).bind(m.lang.as_deref())
                    .bind(millis(m.published)).bind(millis(now))
                    .bind(signed(m.engagement.likes)).bind(signed(m.engagement.reposts)).bind(signed(m.engagement.replies))
                    .bind(m.fingerprint.map(|f| f as i64)).bind(None::<i64>)
                    .bind(m.analysis.map(|a| a.sentiment.as_str()))
                    .bind(m.analysis.map(|a| f64::from(a.sentiment_score)))
                    .bind(m.analysis.map(|a| a.intent.as_str()));
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().map(|(id, key)| (key, id)).collect())
    }

    /// Ids of every mention of the chunk, in chunk order.
    async fn ids_of_keys(&mut self, chunk: &[&NewMention], inserted: &HashMap<String, i64>) -> Result<Vec<i64>> {
        let missing: Vec<&str> =
            chunk.iter().map(|m| m.dedup_key.as_str()).filter(|k| !inserted.contains_key(*k)).collect();
        let mut known = inserted.clone();
        if !missing.is_empty() {
            let sql =
                format!("SELECT id, dedup_key FROM mentions WHERE dedup_key IN ({})", self.list_of(missing.len()));
            let rows: Vec<(i64, String)> = on_tx!(self, c => {
                let mut q = sqlx::query_as(&sql);
                for k in &missing {
                    q = q.bind(*k);
                }
                q.fetch_all(c).await
            })?;
            known.extend(rows.into_iter().map(|(id, key)| (key, id)));
        }
        Ok(chunk.iter().filter_map(|m| known.get(&m.dedup_key).copied()).collect())
    }

    /// Engagement counts of mentions seen again move on (likes grow after the first fetch).
    async fn refresh_engagement(
        &mut self,
        chunk: &[&NewMention],
        inserted: &HashMap<String, i64>,
        ids: &[i64],
    ) -> Result<()> {
        for (m, id) in chunk.iter().zip(ids) {
            let e = m.engagement;
            if inserted.contains_key(&m.dedup_key) || (e.likes.is_none() && e.reposts.is_none() && e.replies.is_none())
            {
                continue;
            }
            let sql = "UPDATE mentions SET likes = COALESCE($2, likes), reposts = COALESCE($3, reposts),
                       replies = COALESCE($4, replies), author_followers = COALESCE($5, author_followers)
                       WHERE id = $1";
            on_tx!(self, c => sqlx::query(sql).bind(*id)
                .bind(signed(e.likes)).bind(signed(e.reposts)).bind(signed(e.replies))
                .bind(signed(m.author.followers))
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Ties each new mention that has a fingerprint to the group of an earlier near-duplicate
    /// (in the archive or earlier in the chunk), then records its bands.
    async fn group_near_duplicates(&mut self, chunk: &[&NewMention], inserted: &HashMap<String, i64>) -> Result<()> {
        let new: Vec<(i64, u64)> =
            chunk.iter().filter_map(|m| Some((*inserted.get(&m.dedup_key)?, m.fingerprint?))).collect();
        if new.is_empty() {
            return Ok(());
        }
        let all_bands: Vec<i64> = new.iter().flat_map(|(_, f)| bands(*f)).collect();
        let sql = format!(
            "SELECT m.id, m.fingerprint, m.duplicate_of FROM mention_bands b JOIN mentions m ON m.id = b.mention_id
             WHERE b.band IN ({})",
            self.list_of(all_bands.len())
        );
        let mut candidates: Vec<(i64, u64, Option<i64>)> = on_tx!(self, c => {
            let mut q = sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(&sql);
            for b in &all_bands {
                q = q.bind(*b);
            }
            q.fetch_all(c).await
        })?
        .into_iter()
        .filter_map(|(id, f, d)| Some((id, f? as u64, d)))
        .collect();
        candidates.sort_by_key(|(id, _, _)| *id);
        let mut band_rows: Vec<(i64, i64)> = Vec::new();
        for (id, fingerprint) in new {
            let group = candidates
                .iter()
                .find(|(_, f, _)| (f ^ fingerprint).count_ones() <= NEAR_DUPLICATE_BITS)
                .map(|(cid, _, dup)| dup.unwrap_or(*cid));
            if let Some(first) = group {
                on_tx!(self, c => sqlx::query("UPDATE mentions SET duplicate_of = $2 WHERE id = $1")
                    .bind(id).bind(first).execute(c).await.map(|r| r.rows_affected()))?;
            }
            candidates.push((id, fingerprint, group));
            band_rows.extend(bands(fingerprint).into_iter().map(|b| (b, id)));
        }
        let sql =
            format!("INSERT INTO mention_bands (band, mention_id) VALUES {}", self.rows_of(band_rows.len(), 2, None));
        on_tx!(self, c => {
            let mut q = sqlx::query(&sql);
            for (b, id) in &band_rows {
                q = q.bind(*b).bind(*id);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Of `ids`, those already tied to the client (through any source).
    async fn linked_to_client(&mut self, client: ClientId, ids: &[i64]) -> Result<std::collections::HashSet<i64>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let sql = format!(
            "SELECT DISTINCT mention_id FROM mention_links WHERE client_id = {} AND mention_id IN ({})",
            self.list_of(1),
            self.list_of_from(2, ids.len())
        );
        let rows: Vec<i64> = on_tx!(self, c => {
            let mut q = sqlx::query_scalar(&sql).bind(client.0);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().collect())
    }

    /// Ties the mentions to the client and source; returns the ids of the links that are new.
    async fn link_mentions(
        &mut self,
        client: ClientId,
        source: SourceId,
        ids: &[i64],
        now: Timestamp,
    ) -> Result<std::collections::HashSet<i64>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let sql = format!(
            "INSERT INTO mention_links (mention_id, client_id, source_id, linked_at) VALUES {} ON CONFLICT DO NOTHING
             RETURNING mention_id",
            self.rows_of(ids.len(), 4, None)
        );
        let rows: Vec<i64> = on_tx!(self, c => {
            let mut q = sqlx::query_scalar(&sql);
            for id in ids {
                q = q.bind(*id).bind(client.0).bind(source.0).bind(millis(now));
            }
            q.fetch_all(c).await
        })?;
        Ok(rows.into_iter().collect())
    }

    /// These mentions as `client` sees them, in the order of `ids`; ids not tied to the client are
    /// left out (they are another client's).
    pub async fn mentions_by_ids(&mut self, client: ClientId, ids: &[MentionId]) -> Result<Vec<Mention>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {MENTION_COLUMNS} FROM mentions m
             LEFT JOIN mention_marks k ON k.mention_id = m.id AND k.client_id = $1
             WHERE m.id IN ({}) AND EXISTS (SELECT 1 FROM mention_links l WHERE l.mention_id = m.id AND l.client_id = $1)",
            (2..ids.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(",")
        );
        let rows: Vec<MentionRow> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql).bind(client.0);
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(c).await
        })?;
        let mut by_id: HashMap<i64, Mention> = HashMap::with_capacity(rows.len());
        for row in rows {
            let m = row.into_mention()?;
            by_id.insert(m.id.0, m);
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(&id.0)).collect())
    }

    /// The sources (of this client) a mention came through.
    pub async fn mention_sources(&mut self, client: ClientId, id: MentionId) -> Result<Vec<MentionSourceRef>> {
        let sql = "SELECT l.source_id, s.name, COALESCE(s.kind, m.source_kind) FROM mention_links l
                   JOIN mentions m ON m.id = l.mention_id
                   LEFT JOIN sources s ON s.id = l.source_id
                   WHERE l.mention_id = $1 AND l.client_id = $2 ORDER BY l.id";
        let rows: Vec<(i64, Option<String>, String)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(id.0).bind(client.0).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(sid, name, kind)| {
                Ok(MentionSourceRef {
                    id: SourceId(sid),
                    name,
                    kind: parsed("sources.kind", SourceKind::parse(&kind))?,
                })
            })
            .collect()
    }

    /// Other mentions of the same near-duplicate group that this client sees.
    pub async fn near_duplicates(&mut self, client: ClientId, mention: &Mention) -> Result<Vec<(MentionId, String)>> {
        let group = mention.duplicate_of.unwrap_or(mention.id);
        let sql = "SELECT m.id, m.url FROM mentions m
                   WHERE (m.id = $1 OR m.duplicate_of = $1) AND m.id <> $2
                   AND EXISTS (SELECT 1 FROM mention_links l WHERE l.mention_id = m.id AND l.client_id = $3)
                   ORDER BY m.id LIMIT 50";
        let rows: Vec<(i64, String)> = on_tx!(self, c => sqlx::query_as(sql)
            .bind(group.0).bind(mention.id.0).bind(client.0).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(id, url)| (MentionId(id), url)).collect())
    }

    /// Sets or clears a mark of a client's mention.
    pub async fn set_mention_mark(
        &mut self,
        client: ClientId,
        id: MentionId,
        mark: Mark,
        on: bool,
        now: Timestamp,
    ) -> Result<()> {
        let column = mark_column(mark);
        let sql = format!(
            "INSERT INTO mention_marks (client_id, mention_id, {column}, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (client_id, mention_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(client.0).bind(id.0).bind(on).bind(millis(now))
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ids of the client's mentions carrying a mark (for the "starred" and "unread" views, which the
    /// index does not know).
    pub async fn marked_mentions(&mut self, client: ClientId, mark: Mark) -> Result<Vec<MentionId>> {
        let column = mark_column(mark);
        let sql = format!("SELECT mention_id FROM mention_marks WHERE client_id = $1 AND {column} ORDER BY mention_id");
        let rows: Vec<i64> = on_tx!(self, c => sqlx::query_scalar(&sql).bind(client.0).fetch_all(c).await)?;
        Ok(rows.into_iter().map(MentionId).collect())
    }

    /// The highest change number of the links (what a fully caught-up index has seen).
    pub async fn mention_changes_head(&mut self) -> Result<i64> {
        let v: Option<i64> =
            on_tx!(self, c => sqlx::query_scalar("SELECT MAX(id) FROM mention_links").fetch_one(c).await)?;
        Ok(v.unwrap_or(0))
    }

    /// Mentions whose links changed after `watermark`, with all their clients and sources, and
    /// the watermark to resume from. At most `limit` links are read at once.
    pub async fn mention_changes_after(&mut self, watermark: i64, limit: u32) -> Result<(Vec<IndexedMention>, i64)> {
        let sql = "SELECT id, mention_id FROM mention_links WHERE id > $1 ORDER BY id LIMIT $2";
        let links: Vec<(i64, i64)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(watermark).bind(i64::from(limit)).fetch_all(c).await)?;
        let Some(last) = links.last().map(|(id, _)| *id) else {
            return Ok((Vec::new(), watermark));
        };
        let mut ids: Vec<i64> = links.into_iter().map(|(_, m)| m).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for part in ids.chunks(500) {
            out.extend(self.indexed_mentions(part).await?);
        }
        Ok((out, last))
    }

    async fn indexed_mentions(&mut self, ids: &[i64]) -> Result<Vec<IndexedMention>> {
        let list = self.list_of(ids.len());
        let sql = format!(
            "SELECT id, source_kind, site, author_handle, lang, title, body, published, sentiment, intent
             FROM mentions WHERE id IN ({list})"
        );
        type Row = (i64, String, String, String, Option<String>, String, String, i64, Option<String>, Option<String>);
        let rows: Vec<Row> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        let sql = format!("SELECT mention_id, client_id, source_id FROM mention_links WHERE mention_id IN ({list})");
        let links: Vec<(i64, i64, i64)> = on_tx!(self, c => {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        let mut ties: HashMap<i64, (Vec<ClientId>, Vec<SourceId>)> = HashMap::new();
        for (m, client, source) in links {
            let e = ties.entry(m).or_default();
            if !e.0.contains(&ClientId(client)) {
                e.0.push(ClientId(client));
            }
            if !e.1.contains(&SourceId(source)) {
                e.1.push(SourceId(source));
            }
        }
        rows.into_iter()
            .map(|(id, kind, site, author, lang, title, text, published, sentiment, intent)| {
                let (client_ids, source_ids) = ties.remove(&id).unwrap_or_default();
                Ok(IndexedMention {
                    id: MentionId(id),
                    client_ids,
                    source_ids,
                    source_kind: parsed("mentions.source_kind", SourceKind::parse(&kind))?,
                    site,
                    author,
                    lang,
                    title,
                    text,
                    published: timestamp(published)?,
                    sentiment: sentiment.as_deref().and_then(Sentiment::parse),
                    intent: intent.as_deref().and_then(Intent::parse),
                })
            })
            .collect()
    }

    /// How many mentions a client has.
    pub async fn mention_count(&mut self, client: ClientId) -> Result<u64> {
        let n: i64 = on_tx!(self, c => sqlx::query_scalar(
            "SELECT COUNT(DISTINCT mention_id) FROM mention_links WHERE client_id = $1").bind(client.0).fetch_one(c).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// A client's mentions published since `since`, newest first, at most `limit`: what a query is
    /// tried on when it is saved or tested.
    pub async fn matchable_mentions(
        &mut self,
        client: ClientId,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<MatchableMention>> {
        let sql = "SELECT m.id, m.source_kind, m.url, m.author_handle, m.author_name, m.title, m.body, m.lang,
                   m.sentiment, m.published FROM mentions m
                   WHERE m.published >= $2 AND m.id IN (SELECT mention_id FROM mention_links WHERE client_id = $1)
                   ORDER BY m.published DESC, m.id DESC LIMIT $3";
        type Row = (i64, String, String, String, Option<String>, String, String, Option<String>, Option<String>, i64);
        let rows: Vec<Row> = on_tx!(self, c => sqlx::query_as(sql)
            .bind(client.0).bind(millis(since)).bind(i64::from(limit)).fetch_all(c).await)?;
        rows.into_iter()
            .map(|(id, kind, url, handle, name, title, text, lang, sentiment, published)| {
                Ok(MatchableMention {
                    id: MentionId(id),
                    source_kind: parsed("mentions.source_kind", SourceKind::parse(&kind))?,
                    url,
                    author_handle: handle,
                    author_name: name,
                    title,
                    text,
                    lang,
                    sentiment: sentiment.as_deref().and_then(Sentiment::parse),
                    published: timestamp(published)?,
                })
            })
            .collect()
    }

    /// Mentions stored before they were analysed: (id, title, text, lang), at most `limit`.
    pub async fn unanalysed_mentions(
        &mut self,
        limit: u32,
    ) -> Result<Vec<(MentionId, String, String, Option<String>)>> {
        let sql = "SELECT id, title, body, lang FROM mentions WHERE sentiment IS NULL ORDER BY id LIMIT $1";
        let rows: Vec<(i64, String, String, Option<String>)> =
            on_tx!(self, c => sqlx::query_as(sql).bind(i64::from(limit)).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(id, t, b, l)| (MentionId(id), t, b, l)).collect())
    }

    /// Records a mention's analysis and language.
    pub async fn set_mention_analysis(
        &mut self,
        id: MentionId,
        lang: Option<&str>,
        analysis: MentionAnalysis,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "UPDATE mentions SET lang = COALESCE($2, lang), sentiment = $3, sentiment_score = $4, intent = $5 WHERE id = $1")
            .bind(id.0).bind(lang).bind(analysis.sentiment.as_str()).bind(f64::from(analysis.sentiment_score))
            .bind(analysis.intent.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
