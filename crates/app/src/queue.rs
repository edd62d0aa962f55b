//! What people do with the publishing queue: see it (due soon, failed, held), publish a post now, retry a failed
//! one, and pause or resume a client's publishing (the crisis switch), deciding what happens to posts whose time
//! passed during the pause.

use filrouge_domain::ids::{ClientId, PostId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{next_state, PostEvent, PostState};
use filrouge_domain::publishing::DeliveryState;
use filrouge_store::Delivery;
use jiff::{SignedDuration, Timestamp};

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::posts::{invalid, post_entry};
use crate::App;

/// One line of the queue view.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub delivery: Delivery,
    pub client_slug: String,
    pub client_name: String,
    pub account_handle: String,
    pub network: filrouge_domain::account::Network,
    pub headline: String,
}

/// What to do, when publishing resumes, with posts whose time passed during the pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatePosts {
    /// Send them now.
    PublishNow,
    /// Take them out of the queue (they keep their approval, and go back to the calendar to be re-planned).
    Unschedule,
}

impl App {
    /// The queue across the actor's clients (or one): due in the next `hours`, being published, failed, held.
    pub async fn publishing_queue(&self, actor: &Actor, slug: Option<&str>, hours: i64) -> Result<Vec<QueueItem>> {
        let clients = self.clients_in_view(actor, slug, true).await?;
        let ids: Vec<ClientId> = clients.iter().map(|c| c.id).collect();
        let until =
            self.now().saturating_add(SignedDuration::from_hours(hours.clamp(1, 24 * 14))).unwrap_or(self.now());
        let mut tx = self.store.read().await?;
        let deliveries = tx.delivery_queue(&ids, until).await?;
        let mut out = Vec::with_capacity(deliveries.len());
        for d in deliveries {
            let Some(c) = clients.iter().find(|c| c.id == d.client_id) else { continue };
            let Some(post) = tx.post(c.id, d.post_id).await? else { continue };
            let Some(account) = tx.account(c.id, d.account_id).await? else { continue };
            out.push(QueueItem {
                client_slug: c.profile.slug.as_str().to_owned(),
                client_name: c.profile.name.clone(),
                account_handle: account.profile.handle.clone(),
                network: account.profile.network,
                headline: post.headline(),
                delivery: d,
            });
        }
        Ok(out)
    }

    /// A post's deliveries, for its page.
    pub async fn post_deliveries(&self, actor: &Actor, slug: &str, id: PostId) -> Result<Vec<Delivery>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        tx.post(client.id, id).await?.ok_or(AppError::NotFound)?;
        Ok(tx.deliveries_of_post(id).await?)
    }

    /// Publishes a post now: a scheduled post's time becomes now; a failed one goes back to the queue (its failed
    /// deliveries are tried again, the published ones are not).
    pub async fn publish_now(&self, actor: &Actor, slug: &str, id: PostId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = tx.post(client.id, id).await?.ok_or(AppError::NotFound)?;
        let policy = client.profile.charter.approval;
        let state = match post.state {
            PostState::Failed => next_state(post.state, PostEvent::Retry, policy).map_err(invalid)?,
            PostState::Scheduled => PostState::Scheduled,
            other => next_state(other, PostEvent::Schedule, policy).map_err(invalid)?,
        };
        let findings = self.guard_findings(&mut tx, &client, &post.content).await?;
        if let Some(err) = crate::posts::blocked(&findings) {
            return Err(err);
        }
        if !tx.move_post(client.id, id, post.version, Some(now), state, now).await? {
            return Err(crate::posts::stale());
        }
        self.sync_queue(&mut tx, client.id, id).await?;
        let summary = format!("Post sent to publish now: {}", post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostScheduled, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn publishing_paused(&self, actor: &Actor, slug: &str) -> Result<bool> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        Ok(tx.publishing_paused(client.id).await?)
    }

    /// Holds every due post of the client until resumed (nothing is dropped).
    pub async fn pause_publishing(&self, actor: &Actor, slug: &str, reason: &str) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        tx.set_publishing_paused(client.id, true).await?;
        let reason = filrouge_domain::validate::optional_text("reason", reason, 500)?;
        let summary =
            if reason.is_empty() { "Publishing paused".to_owned() } else { format!("Publishing paused: {reason}") };
        let entry =
            crate::clients::entry(actor, now, Some(client.id), JournalAction::PublishingPaused, "publishing", summary);
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The posts whose time passed while publishing was paused (what resuming asks about).
    pub async fn overdue_while_paused(&self, actor: &Actor, slug: &str) -> Result<Vec<PostId>> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        let mut ids: Vec<PostId> = tx
            .delivery_queue(&[client.id], now)
            .await?
            .into_iter()
            .filter(|d| d.state == DeliveryState::Pending && d.next_attempt <= now)
            .map(|d| d.post_id)
            .collect();
        ids.dedup();
        Ok(ids)
    }

    /// Resumes publishing; posts whose time passed meanwhile are sent now or taken out of the queue.
    pub async fn resume_publishing(&self, actor: &Actor, slug: &str, late: LatePosts) -> Result<usize> {
        let overdue = self.overdue_while_paused(actor, slug).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let policy = client.profile.charter.approval;
        if late == LatePosts::Unschedule {
            for id in &overdue {
                let Some(post) = tx.post(client.id, *id).await? else { continue };
                if post.state != PostState::Scheduled {
                    continue;
                }
                let state = next_state(post.state, PostEvent::Unschedule, policy).map_err(invalid)?;
                tx.set_post_state(client.id, *id, post.version, state, None, now).await?;
                self.sync_queue(&mut tx, client.id, *id).await?;
            }
        }
        tx.set_publishing_paused(client.id, false).await?;
        let what = match late {
            LatePosts::PublishNow => "sent now",
            LatePosts::Unschedule => "taken out of the queue",
        };
        let summary = format!("Publishing resumed; {} post(s) whose time passed {what}", overdue.len());
        let entry =
            crate::clients::entry(actor, now, Some(client.id), JournalAction::PublishingResumed, "publishing", summary);
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(overdue.len())
    }

    /// When the next delivery of the queue is due (the worker sleeps until then, at most a few seconds).
    pub async fn next_due(&self) -> Result<Option<Timestamp>> {
        Ok(self.store.read().await?.next_delivery_due().await?)
    }
}
