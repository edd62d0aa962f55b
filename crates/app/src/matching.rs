//! What happens to every mention on its way into the archive: it is analysed (language,
//! sentiment, intent), stored once, matched against every active listening query, and its matches
//! and their instant alerts are written in the same transaction, so a crash loses none and a
//! refetch adds none.

use filrouge_domain::analysis::{Intent, MentionAnalysis, Sentiment};
use filrouge_domain::ids::{ClientId, MentionId, SourceId};
use filrouge_domain::listening_query::AlertMode;
use filrouge_domain::mention::NewMention;
use filrouge_query::{Document, Scratch};
use filrouge_store::{IngestOutcome, MatchableMention, NewHit, Tx};
use jiff::Timestamp;

use crate::error::Result;
use crate::App;

/// What storing a batch did, beyond the archive's own counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    pub outcome: IngestOutcome,
    /// Matches found.
    pub hits: u64,
    /// Instant alert e-mails queued (ring the mailer after the commit).
    pub alerts: u64,
}

/// What a mention gets when it cannot be analysed.
pub(crate) const NEUTRAL: MentionAnalysis =
    MentionAnalysis { sentiment: Sentiment::Neutral, sentiment_score: 0.0, intent: Intent::Other };

pub(crate) fn to_domain(a: &filrouge_analysis::Analysis) -> MentionAnalysis {
    MentionAnalysis { sentiment: a.sentiment, sentiment_score: a.sentiment_score.clamp(-1.0, 1.0), intent: a.intent }
}

/// The matcher's view of a mention about to be stored.
pub fn document(m: &NewMention) -> Document<'_> {
    Document {
        title: &m.title,
        text: &m.text,
        author_handle: &m.author.handle,
        author_name: m.author.name.as_deref().unwrap_or(""),
        url: &m.url,
        lang: m.lang.as_deref(),
        source: m.source_kind.as_str(),
        sentiment: m.analysis.map(|a| a.sentiment.as_str()),
    }
}

/// The matcher's view of a stored mention.
pub(crate) fn stored_document(m: &MatchableMention) -> Document<'_> {
    Document {
        title: &m.title,
        text: &m.text,
        author_handle: &m.author_handle,
        author_name: m.author_name.as_deref().unwrap_or(""),
        url: &m.url,
        lang: m.lang.as_deref(),
        source: m.source_kind.as_str(),
        sentiment: m.sentiment.map(Sentiment::as_str),
    }
}

impl App {
    /// Fills in each mention's language (declared, else detected among the configured ones) and
    /// its analysis.
    pub fn analyse(&self, mentions: &mut [NewMention]) {
        for m in mentions {
            let (lang, analysis) = self.veille.analyse(&m.title, &m.text, m.lang.as_deref());
            if let Some(lang) = lang {
                m.lang = Some(lang.to_owned());
            }
            m.analysis = Some(analysis);
        }
    }

    /// Stores what a source found for a client, inside `tx`: analysis, the archive, then matches
    /// and instant alerts. The caller commits, then calls [`App::alerts_committed`] when
    /// `alerts > 0`.
    pub(crate) async fn store_mentions(
        &self,
        tx: &mut Tx,
        client: ClientId,
        source: SourceId,
        mentions: &mut [NewMention],
        now: Timestamp,
    ) -> Result<Stored> {
        self.analyse(mentions);
        let outcome = tx.ingest_mentions(client, source, mentions, now).await?;
        let (hits, alerts) = self.match_new(tx, client, mentions, &outcome.new_for_client, now).await?;
        Ok(Stored { outcome, hits, alerts })
    }

    async fn match_new(
        &self,
        tx: &mut Tx,
        client: ClientId,
        mentions: &[NewMention],
        new: &[(usize, MentionId)],
        now: Timestamp,
    ) -> Result<(u64, u64)> {
        if new.is_empty() {
            return Ok((0, 0));
        }
        let book = self.veille.book(tx).await?;
        if book.queries.is_empty() {
            return Ok((0, 0));
        }
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        let mut hits = Vec::new();
        for (position, id) in new {
            let Some(m) = mentions.get(*position) else { continue };
            book.matcher.matches(&document(m), &mut scratch, &mut out);
            for q in &out {
                let Some(query) = book.queries.get(&filrouge_domain::ids::QueryId(*q as i64)) else { continue };
                // A client's queries read what that client's sources bring.
                if query.client_id == client {
                    hits.push(NewHit {
                        query_id: query.id,
                        mention_id: *id,
                        client_id: client,
                        published: m.published,
                        live: true,
                    });
                }
            }
        }
        if hits.is_empty() {
            return Ok((0, 0));
        }
        let stored = tx.insert_hits(&hits, now).await?;
        let instant: Vec<_> = stored
            .iter()
            .copied()
            .filter(|(_, q)| book.queries.get(q).is_some_and(|aq| aq.alert == AlertMode::Instant && aq.has_recipients))
            .collect();
        tx.enqueue_instant_alerts(&instant, now).await?;
        Ok((stored.len() as u64, instant.len() as u64))
    }

    /// Wakes the mailer: alerts were committed.
    pub fn alerts_committed(&self) {
        self.veille.alerts_queued.notify_one();
    }

    /// Analyses the mentions stored before analysis existed, in batches; returns how many.
    pub async fn analyse_backlog(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<u64> {
        let mut done = 0u64;
        loop {
            let batch = self.store.read().await?.unanalysed_mentions(1_000).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            let mut tx = self.store.write().await?;
            for (id, title, text, lang) in &batch {
                let (lang, analysis) = self.veille.analyse(title, text, lang.as_deref());
                tx.set_mention_analysis(*id, lang, analysis).await?;
            }
            tx.commit().await?;
            done += batch.len() as u64;
            progress(done);
        }
    }
}
