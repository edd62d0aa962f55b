//! The veille's mentions of a client: search with filters, facets and a per-day histogram (the
//! search index answers, the database fills in the content), a mention's detail, and the marks.

use filrouge_domain::client::Client;
use filrouge_domain::ids::MentionId;
use filrouge_domain::mention::{Mark, Mention};
use filrouge_domain::permission::Action;
use filrouge_domain::Invalid;
use filrouge_search::{Facets, SearchQuery, Sort};
use filrouge_store::MentionSourceRef;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::ToSpan;

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::App;

/// Mentions per page.
pub const PAGE_SIZE: usize = 50;
/// Days in the histogram when no date range is chosen.
pub const DEFAULT_HISTOGRAM_DAYS: i32 = 90;
/// Longest histogram: a year of days.
pub const MAX_HISTOGRAM_DAYS: i32 = 366;

/// Which mentions to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MentionView {
    /// Everything (ignored ones included, shown as such).
    #[default]
    All,
    Starred,
    Ignored,
    /// Marked "needs a reply" (the inbox picks these up).
    NeedsReply,
}

impl MentionView {
    pub fn parse(value: &str) -> Self {
        match value {
            "starred" => MentionView::Starred,
            "ignored" => MentionView::Ignored,
            "needs_reply" => MentionView::NeedsReply,
            _ => MentionView::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MentionView::All => "all",
            MentionView::Starred => "starred",
            MentionView::Ignored => "ignored",
            MentionView::NeedsReply => "needs_reply",
        }
    }
}

/// A search of a client's mentions, as a person fills the form. Days are the client's days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MentionFilter {
    pub text: String,
    pub from: Option<Date>,
    /// Inclusive.
    pub to: Option<Date>,
    pub sources: Vec<String>,
    pub langs: Vec<String>,
    pub authors: Vec<String>,
    pub sites: Vec<String>,
    /// `positive`, `negative`, `neutral`, any of.
    pub sentiments: Vec<String>,
    /// `question`, `complaint`, `praise`, `spam`, `other`, any of.
    pub intents: Vec<String>,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
    pub view: MentionView,
}

/// A page of results with what helps narrow them.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionsPage {
    pub client: Client,
    pub mentions: Vec<Mention>,
    pub total: u64,
    pub page: usize,
    pub pages: usize,
    pub facets: Facets,
    /// One count per day of the range (the last 90 days when no range is chosen).
    pub histogram: Vec<(Date, u64)>,
}

/// A mention with where it came from and its near-duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionDetail {
    pub client: Client,
    pub mention: Mention,
    pub sources: Vec<MentionSourceRef>,
    pub duplicates: Vec<(MentionId, String)>,
}

fn client_tz(client: &Client) -> Result<TimeZone> {
    TimeZone::get(client.profile.time_zone.as_str())
        .map_err(|e| AppError::Invalid(Invalid::new("time_zone", e.to_string())))
}

fn day_start(day: Date, tz: &TimeZone) -> Result<i64> {
    Ok(day.to_zoned(tz.clone()).map_err(|e| Invalid::new("day", e.to_string()))?.timestamp().as_millisecond())
}

impl App {
    /// Searches the client's mentions.
    pub async fn mentions(&self, actor: &Actor, slug: &str, filter: &MentionFilter) -> Result<MentionsPage> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        let tz = client_tz(&client)?;
        let today = self.now().to_zoned(tz.clone()).date();
        // The index pages no deeper than MAX_WINDOW results: the last reachable page is the deepest.
        let page = filter.page.clamp(1, filrouge_search::MAX_WINDOW / PAGE_SIZE);
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(Invalid::new("from", "the start day is after the end day").into());
            }
        }
        // The histogram covers the chosen range, or the last 90 days; a year at most.
        let hist_to = filter.to.unwrap_or(today);
        let hist_from = filter
            .from
            .unwrap_or_else(|| hist_to.checked_sub((DEFAULT_HISTOGRAM_DAYS - 1).days()).unwrap_or(hist_to))
            .max(hist_to.checked_sub((MAX_HISTOGRAM_DAYS - 1).days()).unwrap_or(hist_to));
        let mut days = Vec::new();
        let mut buckets = Vec::new();
        let mut d = hist_from;
        while d <= hist_to {
            buckets.push(day_start(d, &tz)?);
            days.push(d);
            d = match d.tomorrow() {
                Ok(next) => next,
                Err(_) => break,
            };
        }
        let end_of = |day: Date| -> Result<Option<i64>> {
            match day.tomorrow() {
                Ok(next) => Ok(Some(day_start(next, &tz)?)),
                Err(_) => Ok(None),
            }
        };
        let from_ms = filter.from.map(|d| day_start(d, &tz)).transpose()?;
        let to_ms = match filter.to {
            Some(d) => end_of(d)?,
            None => None,
        };
        let index = self.listening.index.as_ref().ok_or_else(|| AppError::Remote("no search index".into()))?;
        let mut query = SearchQuery {
            client_id: client.id.0,
            text: Some(filter.text.trim().to_owned()).filter(|t| !t.is_empty()),
            from_ms,
            to_ms,
            sources: filter.sources.clone(),
            langs: filter.langs.clone(),
            authors: filter.authors.clone(),
            sites: filter.sites.clone(),
            sentiments: filter.sentiments.clone(),
            intents: filter.intents.clone(),
            sort: filter.sort,
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
            facets: true,
            histogram_buckets: Vec::new(),
        };
        let (mentions, total, facets) = match filter.view {
            MentionView::All => {
                let result = index.index.search(&query)?;
                let ids: Vec<MentionId> = result.hits.iter().map(|h| MentionId(h.mention_id)).collect();
                (tx.mentions_by_ids(client.id, &ids).await?, result.total, result.facets)
            }
            view => {
                let mark = match view {
                    MentionView::Starred => Mark::Starred,
                    MentionView::NeedsReply => Mark::NeedsReply,
                    _ => Mark::Ignored,
                };
                let ids = tx.marked_mentions(client.id, mark).await?;
                let mut all = tx.mentions_by_ids(client.id, &ids).await?;
                all.sort_by_key(|m| std::cmp::Reverse(m.published));
                let total = all.len() as u64;
                let start = ((page - 1) * PAGE_SIZE).min(all.len());
                let end = (start + PAGE_SIZE).min(all.len());
                (all[start..end].to_vec(), total, Facets::default())
            }
        };
        // The histogram follows the filters but spans its own range.
        query.from_ms = Some(buckets.first().copied().unwrap_or(0));
        query.to_ms = end_of(hist_to)?;
        query.limit = 0;
        query.offset = 0;
        query.facets = false;
        query.histogram_buckets = buckets;
        let counts = index.index.search(&query)?.histogram;
        let histogram = days.into_iter().zip(counts.into_iter().chain(std::iter::repeat(0))).collect();
        let pages = (total as usize).div_ceil(PAGE_SIZE).clamp(1, filrouge_search::MAX_WINDOW / PAGE_SIZE);
        Ok(MentionsPage { client, mentions, total, page, pages, facets, histogram })
    }

    /// One mention of the client, with its sources and near-duplicates.
    pub async fn mention(&self, actor: &Actor, slug: &str, id: MentionId) -> Result<MentionDetail> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewMentions).await?;
        let mention = tx.mentions_by_ids(client.id, &[id]).await?.pop().ok_or(AppError::NotFound)?;
        let sources = tx.mention_sources(client.id, id).await?;
        let duplicates = tx.near_duplicates(client.id, &mention).await?;
        Ok(MentionDetail { client, mention, sources, duplicates })
    }

    /// Sets or clears a mark on a client's mention.
    pub async fn mark_mention(&self, actor: &Actor, slug: &str, id: MentionId, mark: Mark, on: bool) -> Result<()> {
        self.mark_mention_named(actor, slug, id, mark.as_str(), on).await
    }

    /// The same with the mark named as a form sends it (`read`, `starred`, `ignored`); the name is
    /// checked after access, so a refused user learns nothing from it.
    pub async fn mark_mention_named(
        &self,
        actor: &Actor,
        slug: &str,
        id: MentionId,
        mark: &str,
        on: bool,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::MarkMentions).await?;
        let Some(mention) = tx.mentions_by_ids(client.id, &[id]).await?.pop() else {
            return Err(AppError::NotFound);
        };
        let mark = Mark::parse(mark).ok_or_else(|| Invalid::new("mark", format!("unknown mark '{mark}'")))?;
        tx.set_mention_mark(client.id, id, mark, on, now).await?;
        if mark == Mark::NeedsReply && on {
            // The inbox picks it up at once, in the same transaction.
            self.inbox_from_mention(&mut tx, &client, &mention).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
