//! Posting slots: each account's weekly queue ("Tue and Thu 12:30"), and dropping a post into the next free one.

use filrouge_domain::ids::{AccountId, PostId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::local_time::zone;
use filrouge_domain::permission::Action;
use filrouge_domain::post::PostState;
use filrouge_domain::slot::{next_free_slot, parse_slot, PostingSlot};
use filrouge_domain::Invalid;
use jiff::{SignedDuration, Timestamp};

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::posts::{invalid_msg, post_entry, stale};
use crate::App;

/// At most this many slots per account (three a day).
pub const MAX_SLOTS: usize = 21;

impl App {
    /// The slots of every account of the client.
    pub async fn slots(&self, actor: &Actor, slug: &str) -> Result<Vec<PostingSlot>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        Ok(tx.slots(client.id).await?)
    }

    /// Replaces an account's slots with `lines` (`"tue 12:30"`, one per line or comma).
    pub async fn set_slots(&self, actor: &Actor, slug: &str, account: AccountId, lines: &str) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let acc = tx.account(client.id, account).await?.ok_or(AppError::NotFound)?;
        let mut slots = Vec::new();
        for (n, line) in lines.split([',', '\n']).map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            slots.push(parse_slot(line).map_err(|e| Invalid::new(format!("slots (line {})", n + 1), e.reason))?);
        }
        if slots.len() > MAX_SLOTS {
            return Err(invalid_msg("slots", &format!("at most {MAX_SLOTS} slots per account")));
        }
        tx.set_slots(account, &slots).await?;
        let summary = format!("Posting slots of {} set to: {}", acc.profile.handle, lines.replace('\n', ", "));
        let entry = crate::clients::entry(
            actor,
            now,
            Some(client.id),
            JournalAction::SlotsChanged,
            &format!("account:{account}"),
            summary,
        );
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Plans a post at the next free slot of one of its accounts (the earliest over its accounts); returns the time.
    pub async fn queue_post(&self, actor: &Actor, slug: &str, id: PostId, version: i64) -> Result<Timestamp> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = self.post_for_change(&mut tx, client.id, id, version).await?;
        if !post.state.editable() {
            return Err(invalid_msg("post", "a post that has left for the networks cannot be moved"));
        }
        let tz = zone(client.profile.time_zone.as_str()).map_err(|e| AppError::Invalid(e.into()))?;
        let slots = tx.slots(client.id).await?;
        // Slots already taken: any post of the client planned there, over the next eight weeks.
        let horizon = now.saturating_add(SignedDuration::from_hours(24 * 57)).unwrap_or(now);
        let planned = tx.posts_between(&[client.id], now, horizon).await?;
        let mut best: Option<Timestamp> = None;
        for target in &post.content.targets {
            let mine: Vec<_> =
                slots.iter().filter(|s| s.account_id == target.account_id).map(|s| (s.weekday, s.time)).collect();
            let taken: Vec<Timestamp> = planned
                .iter()
                .filter(|p| p.id != id && p.content.targets.iter().any(|t| t.account_id == target.account_id))
                .filter_map(|p| p.planned_at)
                .collect();
            if let Some(at) = next_free_slot(&mine, &tz, now, &taken) {
                best = Some(best.map_or(at, |b| b.min(at)));
            }
        }
        let at = best.ok_or_else(|| invalid_msg("slots", "none of this post's accounts has a free posting slot"))?;
        let state = if post.state == PostState::Failed { PostState::Draft } else { post.state };
        if !tx.move_post(client.id, id, version, Some(at), state, now).await? {
            return Err(stale());
        }
        self.sync_queue(&mut tx, client.id, id).await?;
        let summary = format!("Post queued in the next free slot, {}: {}", self.local(&client, at), post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostMoved, summary)).await?;
        tx.commit().await?;
        Ok(at)
    }
}
