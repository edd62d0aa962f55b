//! A client's listening queries: list with matches per day, write, edit, remove; check the syntax
//! as one types; try a query on the archive (backtest); the private Atom feed of its matches.
//! Saving a query finds its matches in the recent archive at once (they count, they do not alert).

use std::collections::HashMap;

use filrouge_domain::client::Client;
use filrouge_domain::ids::{ClientId, MentionId, QueryId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::listening_query::{ListeningQuery, QueryDraft};
use filrouge_domain::mention::Mention;
use filrouge_domain::permission::Action;
use filrouge_domain::Invalid;
use filrouge_query::{Explanation, Highlights};
use filrouge_store::{NewHit, Tx};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::access::{client_for, Actor};
use crate::clients::entry;
use crate::error::{AppError, Result};
use crate::matching::stored_document;
use crate::App;

/// Days of matches shown per query in the list.
pub const HISTORY_DAYS: i64 = 30;
/// How far back a saved query looks for its first matches.
pub const RETRO_DAYS: i64 = 90;
/// Most archived mentions a save or a backtest reads.
pub const MAX_TRIED: u32 = 200_000;
/// Mentions shown as a backtest's sample.
pub const SAMPLE_SIZE: usize = 10;
/// Entries of a query's Atom feed.
pub const FEED_ENTRIES: u32 = 50;

/// A query with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySummary {
    pub query: ListeningQuery,
    pub total: u64,
    /// Alert e-mails not handed to the mail server yet.
    pub alerts_waiting: u64,
    /// Matches per day over the last [`HISTORY_DAYS`] days (by publication, client's days), oldest first.
    pub per_day: Vec<u64>,
}

/// The queries page.
#[derive(Debug, Clone, PartialEq)]
pub struct QueriesPage {
    pub client: Client,
    pub queries: Vec<QuerySummary>,
    /// Whether alert e-mails can go out (a mail server is configured).
    pub mail_configured: bool,
}

/// What the syntax check says.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryCheck {
    Valid(Explanation),
    Invalid { message: String, column: usize, caret: String },
}

/// A query tried on the archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub days: i64,
    /// Mentions tried (at most [`MAX_TRIED`]).
    pub tried: u64,
    pub matched: u64,
    /// The latest matches, with the byte ranges of the matched terms in title and text.
    pub sample: Vec<(Mention, Highlights)>,
}

/// A query's feed: what an Atom reader gets.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryFeed {
    pub client: Client,
    pub query: ListeningQuery,
    pub entries: Vec<Mention>,
}

/// Checks a query's syntax (no access needed: nothing is read).
pub fn check_query(text: &str) -> QueryCheck {
    match filrouge_query::parse(text) {
        Ok(q) => QueryCheck::Valid(q.explain()),
        Err(e) => QueryCheck::Invalid { message: e.message().to_owned(), column: e.column(), caret: e.caret(text) },
    }
}

fn parse_query(text: &str) -> Result<filrouge_query::Query> {
    filrouge_query::parse(text).map_err(|e| AppError::Invalid(Invalid::new("query", e.to_string())))
}

pub(crate) fn feed_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn query_entry(
    actor: &Actor,
    now: Timestamp,
    client: ClientId,
    id: QueryId,
    action: JournalAction,
    summary: String,
) -> filrouge_domain::journal::NewJournalEntry {
    entry(actor, now, Some(client), action, &format!("query:{id}"), summary)
}

/// Counts per day of `times` over the `days` days ending today (client's days), oldest first.
fn per_day(times: &[Timestamp], days: i64, now: Timestamp, tz: &TimeZone) -> Vec<u64> {
    let today = now.to_zoned(tz.clone()).date();
    let mut out = vec![0u64; usize::try_from(days).unwrap_or(0)];
    for t in times {
        let day = t.to_zoned(tz.clone()).date();
        let Ok(ago) = today.since(day).map(|s| i64::from(s.get_days())) else { continue };
        if (0..days).contains(&ago) {
            let i = usize::try_from(days - 1 - ago).unwrap_or(0);
            if let Some(slot) = out.get_mut(i) {
                *slot += 1;
            }
        }
    }
    out
}

impl App {
    /// The client's queries with their matches per day.
    pub async fn queries(&self, actor: &Actor, slug: &str) -> Result<QueriesPage> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        let tz = TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(TimeZone::UTC);
        let queries = tx.queries(client.id).await?;
        let totals: HashMap<QueryId, u64> = tx.hit_totals(client.id).await?.into_iter().collect();
        let waiting: HashMap<QueryId, u64> = tx.unsent_deliveries_by_query(client.id).await?.into_iter().collect();
        let since = now.checked_sub(jiff::SignedDuration::from_hours(24 * (HISTORY_DAYS + 1))).unwrap_or(now);
        let mut times: HashMap<QueryId, Vec<Timestamp>> = HashMap::new();
        for (q, t) in tx.hit_times(client.id, since).await? {
            times.entry(q).or_default().push(t);
        }
        let queries = queries
            .into_iter()
            .map(|q| QuerySummary {
                total: totals.get(&q.id).copied().unwrap_or(0),
                alerts_waiting: waiting.get(&q.id).copied().unwrap_or(0),
                per_day: per_day(times.get(&q.id).map_or(&[][..], Vec::as_slice), HISTORY_DAYS, now, &tz),
                query: q,
            })
            .collect();
        Ok(QueriesPage { client, queries, mail_configured: self.veille.mailer.is_some() })
    }

    /// Whether alert e-mails can go out (a mail server is configured).
    pub fn mail_configured(&self) -> bool {
        self.veille.mailer.is_some()
    }

    pub async fn query(&self, actor: &Actor, slug: &str, id: QueryId) -> Result<(Client, ListeningQuery)> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        let query = tx.query(client.id, id).await?.ok_or(AppError::NotFound)?;
        Ok((client, query))
    }

    /// Tries a query on the client's mentions of the last `days` days.
    pub async fn backtest(&self, actor: &Actor, slug: &str, text: &str, days: i64) -> Result<Backtest> {
        let now = self.now();
        let days = days.clamp(1, 365);
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        let query = parse_query(text)?;
        let since = now.checked_sub(jiff::SignedDuration::from_hours(24 * days)).unwrap_or(now);
        let archive = tx.matchable_mentions(client.id, since, MAX_TRIED).await?;
        let mut matched = 0u64;
        let mut sample: Vec<(MentionId, Highlights)> = Vec::new();
        for m in &archive {
            let doc = stored_document(m);
            if query.matches(&doc) {
                matched += 1;
                if sample.len() < SAMPLE_SIZE {
                    sample.push((m.id, query.highlights(&doc)));
                }
            }
        }
        let ids: Vec<MentionId> = sample.iter().map(|(id, _)| *id).collect();
        let mut mentions: HashMap<MentionId, Mention> =
            tx.mentions_by_ids(client.id, &ids).await?.into_iter().map(|m| (m.id, m)).collect();
        let sample = sample.into_iter().filter_map(|(id, h)| Some((mentions.remove(&id)?, h))).collect();
        Ok(Backtest { days, tried: archive.len() as u64, matched, sample })
    }

    /// Finds a query's matches in the recent archive (not live: they count, they do not alert).
    async fn match_archive(
        &self,
        tx: &mut Tx,
        client: ClientId,
        id: QueryId,
        query: &filrouge_query::Query,
    ) -> Result<u64> {
        let now = self.now();
        let since = now.checked_sub(jiff::SignedDuration::from_hours(24 * RETRO_DAYS)).unwrap_or(now);
        let archive = tx.matchable_mentions(client, since, MAX_TRIED).await?;
        let hits: Vec<NewHit> = archive
            .iter()
            .filter(|m| query.matches(&stored_document(m)))
            .map(|m| NewHit { query_id: id, mention_id: m.id, client_id: client, published: m.published, live: false })
            .collect();
        Ok(tx.insert_hits(&hits, now).await?.len() as u64)
    }

    /// Adds a query; its matches of the last [`RETRO_DAYS`] days are found at once.
    pub async fn create_query(&self, actor: &Actor, slug: &str, draft: QueryDraft) -> Result<QueryId> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageQueries).await?;
        let parsed = parse_query(&draft.query)?;
        let id = tx
            .insert_query(client.id, &draft, now)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("this client already has a query named {}", draft.name)))?;
        self.match_archive(&mut tx, client.id, id, &parsed).await?;
        let summary = format!("Query added: {} ({})", draft.name, draft.query);
        tx.append_journal(&query_entry(actor, now, client.id, id, JournalAction::QueryAdded, summary)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a query; when its text changed, its matches are found again.
    pub async fn edit_query(&self, actor: &Actor, slug: &str, id: QueryId, draft: QueryDraft) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageQueries).await?;
        let old = tx.query(client.id, id).await?.ok_or(AppError::NotFound)?;
        let parsed = parse_query(&draft.query)?;
        if let Some(other) = tx.query_named(client.id, &draft.name).await? {
            if other.id != id {
                return Err(AppError::Conflict(format!("this client already has a query named {}", draft.name)));
            }
        }
        tx.update_query(client.id, id, &draft, now).await?;
        if old.query != draft.query {
            tx.delete_hits(id).await?;
            self.match_archive(&mut tx, client.id, id, &parsed).await?;
        }
        let summary = format!("Query edited: {} ({})", draft.name, draft.query);
        tx.append_journal(&query_entry(actor, now, client.id, id, JournalAction::QueryEdited, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_query(&self, actor: &Actor, slug: &str, id: QueryId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageQueries).await?;
        let old = tx.query(client.id, id).await?.ok_or(AppError::NotFound)?;
        tx.delete_query(client.id, id).await?;
        let summary = format!("Query removed: {}", old.name);
        tx.append_journal(&query_entry(actor, now, client.id, id, JournalAction::QueryRemoved, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes a new private feed address for the query (the old one stops working); returns the
    /// token, shown once.
    pub async fn renew_query_feed(&self, actor: &Actor, slug: &str, id: QueryId) -> Result<String> {
        let now = self.now();
        let token = crate::auth::random_token();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageQueries).await?;
        let q = tx.query(client.id, id).await?.ok_or(AppError::NotFound)?;
        tx.set_query_feed(client.id, id, Some(&feed_hash(&token))).await?;
        let summary = format!("Private feed address made for query {}", q.name);
        tx.append_journal(&query_entry(actor, now, client.id, id, JournalAction::QueryFeedChanged, summary)).await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn revoke_query_feed(&self, actor: &Actor, slug: &str, id: QueryId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageQueries).await?;
        let q = tx.query(client.id, id).await?.ok_or(AppError::NotFound)?;
        tx.set_query_feed(client.id, id, None).await?;
        let summary = format!("Private feed address revoked for query {}", q.name);
        tx.append_journal(&query_entry(actor, now, client.id, id, JournalAction::QueryFeedChanged, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The feed behind a private address; `NotFound` for an unknown or revoked token.
    pub async fn query_feed(&self, token: &str) -> Result<QueryFeed> {
        if token.len() < 20 || token.len() > 200 {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.read().await?;
        let query = tx.query_by_feed(&feed_hash(token)).await?.ok_or(AppError::NotFound)?;
        let client = tx.client_by_id(query.client_id).await?.ok_or(AppError::NotFound)?;
        let hits = tx.latest_hits(query.id, FEED_ENTRIES).await?;
        let ids: Vec<MentionId> = hits.iter().map(|h| h.mention_id).collect();
        let entries = tx.mentions_by_ids(client.id, &ids).await?;
        Ok(QueryFeed { client, query, entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_per_day_fall_in_the_clients_days() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let now: Timestamp = "2026-03-10T12:00:00Z".parse().unwrap();
        let times: Vec<Timestamp> =
            ["2026-03-10T08:00:00Z", "2026-03-09T23:30:00Z", "2026-03-09T22:30:00Z", "2026-01-01T00:00:00Z"]
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
        // 23:30 UTC on the 9th is 00:30 on the 10th in Paris.
        assert_eq!(per_day(&times, 3, now, &tz), vec![0, 1, 2]);
    }

    #[test]
    fn the_syntax_check_names_the_column() {
        match check_query("(pizza") {
            QueryCheck::Invalid { column, caret, .. } => {
                assert!(column >= 1);
                assert!(caret.contains('^'));
            }
            QueryCheck::Valid(_) => panic!("an open parenthesis is an error"),
        }
    }
}
