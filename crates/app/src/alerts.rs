//! Alerts: hourly and daily digests put in the outbox when due, the outbox drained to the mail
//! server (instant alerts grouped per query, retried with backoff until the server takes them),
//! and the notifications area of each user.
//!
//! An e-mail is marked sent only after the server accepted it: a crash between the two sends it
//! again (at least once), with the same `Message-ID` so that mail readers can tell.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use futures_util::StreamExt;

use filrouge_domain::client::Client;
use filrouge_domain::ids::{ClientId, HitId, MentionId, QueryId};
use filrouge_domain::listening_query::{next_digest, ListeningQuery};
use filrouge_domain::mention::{truncate_chars, Mention};
use filrouge_domain::permission::Action;
use filrouge_feeds::escape::xml as escape;
use filrouge_store::{DeliveryKind, PendingDelivery};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::access::Actor;
use crate::error::Result;
use crate::mailer::Letter;
use crate::App;

/// Matches found less than this long before a digest's time go into the next digest: a
/// transaction still open at that time commits before the next one.
pub const DIGEST_LAG: SignedDuration = SignedDuration::from_secs(60);
/// How long a claimed delivery is this process's to send before another may try.
const LEASE: SignedDuration = SignedDuration::from_secs(120);
/// A group of deliveries and what the mail server said (`None`: nothing had to be sent).
type Outcome = (QueryId, Vec<PendingDelivery>, Option<std::result::Result<(), String>>);

/// E-mails handed to the mail server at the same time.
const SENDING_AT_ONCE: usize = crate::mailer::CONNECTIONS as usize;
/// Deliveries handled per round.
const ROUND: u32 = 500;
/// Mentions listed in one e-mail at most.
const LISTED: usize = 25;
/// Longest wait between two attempts of a failing delivery.
const MAX_RETRY: SignedDuration = SignedDuration::from_secs(3600);

/// What a round of delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub emails_sent: u64,
    pub deliveries_done: u64,
    pub failed: u64,
}

/// One notification: a live match of an alerting query.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub hit: HitId,
    pub client: Client,
    pub query_name: String,
    pub query_id: QueryId,
    pub mention: Mention,
    pub matched_at: Timestamp,
    pub unread: bool,
}

/// The notifications area.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotificationsPage {
    pub items: Vec<Notification>,
    pub unread: u64,
}

fn retry_after(attempts: u32) -> SignedDuration {
    let secs = 30i64.saturating_mul(1i64 << attempts.min(10));
    SignedDuration::from_secs(secs).min(MAX_RETRY)
}

/// A mention's one-line title for an e-mail: its title, else the start of its text.
fn headline(m: &Mention) -> String {
    let t = if m.title.trim().is_empty() { m.text.trim() } else { m.title.trim() };
    let line: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let short = truncate_chars(&line, 140);
    if short.len() < line.len() {
        format!("{short}…")
    } else {
        short.to_owned()
    }
}

impl App {
    /// Puts due digests in the outbox and schedules the next ones; returns how many were queued.
    pub async fn schedule_digests(&self) -> Result<u64> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut queued = 0;
        for due in tx.digests_due(now).await? {
            let tz = TimeZone::get(&due.time_zone).unwrap_or(TimeZone::UTC);
            let Some(next) = next_digest(now, due.alert, &tz) else { continue };
            let Some(at) = due.next_digest_at else {
                // First time: start counting now.
                tx.set_digest_schedule(due.query_id, next, now).await?;
                continue;
            };
            let to = at.min(now).checked_sub(DIGEST_LAG).unwrap_or(at);
            let from = due.digest_until.unwrap_or(to).min(to);
            if tx.count_hits_between(due.query_id, from, to).await? > 0 {
                tx.enqueue_digest(due.query_id, from, to, now).await?;
                queued += 1;
            }
            tx.set_digest_schedule(due.query_id, next, to).await?;
        }
        tx.commit().await?;
        if queued > 0 {
            self.alerts_committed();
        }
        Ok(queued)
    }

    /// Waits until alerts are committed in this process, or `at_most`.
    pub async fn alerts_wait(&self, at_most: std::time::Duration) {
        let _ = tokio::time::timeout(at_most, self.veille.alerts_queued.notified()).await;
    }

    /// Hands due e-mails to the mail server. Without a mail server, does nothing (they wait).
    pub async fn deliver_alerts(&self) -> Result<DeliveryReport> {
        let Some(mailer) = self.veille.mailer.clone() else {
            return Ok(DeliveryReport::default());
        };
        let now = self.now();
        let pending = {
            let mut tx = self.store.write().await?;
            let lease = now.checked_add(LEASE).unwrap_or(now);
            let claimed = tx.claim_deliveries(now, lease, ROUND).await?;
            tx.commit().await?;
            claimed
        };
        let mut report = DeliveryReport::default();
        // Instant alerts of one query go out together; each digest on its own.
        let mut groups: BTreeMap<(QueryId, i64), Vec<PendingDelivery>> = BTreeMap::new();
        for d in pending {
            let key = match d.kind {
                DeliveryKind::Instant(_) => (d.query_id, 0),
                DeliveryKind::Digest { .. } => (d.query_id, d.id),
            };
            groups.entry(key).or_default().push(d);
        }
        // Compose (database reads), send several at once, then record every outcome in one transaction.
        let mut letters = Vec::with_capacity(groups.len());
        for ((query_id, _), group) in groups {
            let letter = self.compose(query_id, &group).await?;
            letters.push((query_id, group, letter));
        }
        let outcomes: Vec<Outcome> =
            futures_util::stream::iter(letters.into_iter().map(|(query_id, group, letter)| {
                let mailer = &mailer;
                async move {
                    let outcome = match letter {
                        Some(letter) => Some(mailer.send(&letter).await),
                        // The query lost its recipients or its matches: nothing to send.
                        None => None,
                    };
                    (query_id, group, outcome)
                }
            }))
            .buffer_unordered(SENDING_AT_ONCE)
            .collect()
            .await;
        let sent_at = self.now();
        let mut done: Vec<i64> = Vec::new();
        let mut tx = self.store.write().await?;
        for (query_id, group, outcome) in outcomes {
            match outcome {
                Some(Err(error)) => {
                    tracing::warn!(query = query_id.0, %error, "alert e-mail not accepted; will retry");
                    for d in &group {
                        let retry = now.checked_add(retry_after(d.attempts)).unwrap_or(now);
                        tx.delivery_failed(d.id, &error, retry).await?;
                    }
                    report.failed += group.len() as u64;
                }
                sent => {
                    report.emails_sent += u64::from(sent.is_some());
                    report.deliveries_done += group.len() as u64;
                    done.extend(group.iter().map(|d| d.id));
                }
            }
        }
        for chunk in done.chunks(500) {
            tx.deliveries_sent(chunk, sent_at).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The e-mail for a group of deliveries of one query; `None` when there is nothing to say.
    async fn compose(&self, query_id: QueryId, group: &[PendingDelivery]) -> Result<Option<Letter>> {
        let mut tx = self.store.read().await?;
        let Some(query) = tx.query_by_id(query_id).await? else { return Ok(None) };
        if query.recipients.is_empty() {
            return Ok(None);
        }
        let Some(client) = tx.client_by_id(query.client_id).await? else { return Ok(None) };
        let mut mention_ids: Vec<MentionId> = Vec::new();
        let mut total = 0u64;
        let mut digest_range = None;
        let instants: Vec<HitId> = group
            .iter()
            .filter_map(|d| match d.kind {
                DeliveryKind::Instant(hit) => Some(hit),
                DeliveryKind::Digest { .. } => None,
            })
            .collect();
        for h in tx.hits(&instants).await? {
            mention_ids.push(h.mention_id);
            total += 1;
        }
        for d in group {
            match d.kind {
                DeliveryKind::Instant(_) => {}
                DeliveryKind::Digest { from, to } => {
                    total += tx.count_hits_between(query_id, from, to).await?;
                    let hits = tx.hits_between(query_id, from, to, LISTED as u32).await?;
                    mention_ids.extend(hits.iter().map(|h| h.mention_id));
                    digest_range = Some((from, to));
                }
            }
        }
        mention_ids.truncate(LISTED);
        let mentions = tx.mentions_by_ids(client.id, &mention_ids).await?;
        if mentions.is_empty() {
            return Ok(None);
        }
        let first = group.first().map_or(0, |d| d.id);
        Ok(Some(self.letter(&client, &query, &mentions, total, digest_range, first)))
    }

    fn letter(
        &self,
        client: &Client,
        query: &ListeningQuery,
        mentions: &[Mention],
        total: u64,
        digest: Option<(Timestamp, Timestamp)>,
        first_delivery: i64,
    ) -> Letter {
        let base = &self.veille.public_url;
        let slug = client.profile.slug.as_str();
        let what = if total == 1 { "1 new mention".to_owned() } else { format!("{total} new mentions") };
        let subject = match digest {
            Some(_) => format!("[{}] {} — digest: {what}", client.profile.name, query.name),
            None => format!("[{}] {} — {what}", client.profile.name, query.name),
        };
        let mut text = format!("{} — listening query « {} »\n{}\n\n", client.profile.name, query.name, query.query);
        let mut html = format!(
            "<p><strong>{}</strong> — listening query « {} »<br><code>{}</code></p><ul>",
            escape(&client.profile.name),
            escape(&query.name),
            escape(&query.query)
        );
        for m in mentions {
            let link = format!("{base}/c/{slug}/mentions/{}", m.id);
            let mood =
                m.analysis.map(|a| format!(" [{} · {}]", a.sentiment.as_str(), a.intent.as_str())).unwrap_or_default();
            let _ = write!(text, "- {}{}\n  {} — {}\n  {}\n\n", headline(m), mood, m.author.handle, m.url, link);
            let _ = write!(
                html,
                "<li><a href=\"{}\">{}</a>{} — {}<br><small><a href=\"{}\">{}</a></small></li>",
                escape(&link),
                escape(&headline(m)),
                escape(&mood),
                escape(&m.author.handle),
                escape(&m.url),
                escape(&m.site)
            );
        }
        if total > mentions.len() as u64 {
            let more = total - mentions.len() as u64;
            let _ = writeln!(text, "… and {more} more: {base}/c/{slug}/queries/{}", query.id);
            let _ = write!(html, "<li>… and <a href=\"{base}/c/{slug}/queries/{}\">{more} more</a></li>", query.id);
        }
        html.push_str("</ul>");
        let host = url::Url::parse(base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "filrouge".into());
        Letter {
            to: query.recipients.clone(),
            subject,
            text,
            html,
            message_id: format!("<alert-{}-{first_delivery}@{host}>", query.id),
        }
    }

    /// The latest notifications of the clients the actor may watch; marks them seen when `mark_seen`.
    pub async fn notifications(&self, actor: &Actor, limit: u32) -> Result<NotificationsPage> {
        let visible = self.visible_clients(actor).await?;
        let clients: Vec<&Client> = visible.iter().filter(|c| actor.may(Action::ViewMentions, Some(c.id))).collect();
        let ids: Vec<ClientId> = clients.iter().map(|c| c.id).collect();
        let mut tx = self.store.read().await?;
        let seen = match actor.user_id() {
            Some(u) => tx.notifications_seen(u).await?,
            None => HitId(i64::MAX),
        };
        let hits = tx.notifications(&ids, limit).await?;
        let unread = tx.unread_notifications(&ids, seen).await?;
        // The mentions, one read per client.
        let mut mentions: BTreeMap<(ClientId, MentionId), Mention> = BTreeMap::new();
        for client in &ids {
            let wanted: Vec<MentionId> = hits.iter().filter(|h| h.client_id == *client).map(|h| h.mention_id).collect();
            if !wanted.is_empty() {
                for m in tx.mentions_by_ids(*client, &wanted).await? {
                    mentions.insert((*client, m.id), m);
                }
            }
        }
        let mut items = Vec::with_capacity(hits.len());
        let mut names: BTreeMap<QueryId, String> = BTreeMap::new();
        for h in hits {
            let Some(client) = clients.iter().find(|c| c.id == h.client_id) else { continue };
            let Some(mention) = mentions.get(&(h.client_id, h.mention_id)).cloned() else { continue };
            let name = match names.get(&h.query_id) {
                Some(n) => n.clone(),
                None => {
                    let n = tx.query(h.client_id, h.query_id).await?.map(|q| q.name).unwrap_or_default();
                    names.insert(h.query_id, n.clone());
                    n
                }
            };
            items.push(Notification {
                hit: h.id,
                client: (*client).clone(),
                query_name: name,
                query_id: h.query_id,
                mention,
                matched_at: h.matched_at,
                unread: h.id > seen,
            });
        }
        Ok(NotificationsPage { items, unread })
    }

    /// How many notifications the actor has not seen.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<u64> {
        let Some(user) = actor.user_id() else { return Ok(0) };
        let visible = self.visible_clients(actor).await?;
        let ids: Vec<ClientId> =
            visible.iter().filter(|c| actor.may(Action::ViewMentions, Some(c.id))).map(|c| c.id).collect();
        let mut tx = self.store.read().await?;
        let seen = tx.notifications_seen(user).await?;
        Ok(tx.unread_notifications(&ids, seen).await?)
    }

    /// Records that the actor has seen the notifications up to `hit`.
    pub async fn mark_notifications_seen(&self, actor: &Actor, hit: HitId) -> Result<()> {
        let Some(user) = actor.user_id() else { return Ok(()) };
        let mut tx = self.store.write().await?;
        tx.set_notifications_seen(user, hit).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_deliveries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_after(0), SignedDuration::from_secs(30));
        assert_eq!(retry_after(1), SignedDuration::from_secs(60));
        assert_eq!(retry_after(20), MAX_RETRY);
    }
}
