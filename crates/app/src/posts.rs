//! Writing and planning posts: create, edit, move in time, schedule and unschedule, delete, with the state machine
//! of `domain::post` and a journal entry for every change.

use filrouge_domain::client::Client;
use filrouge_domain::ids::{AccountId, ClientId, PostId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::lint::Finding;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{next_state, Post, PostContent, PostEvent, PostState};
use filrouge_domain::Invalid;
use filrouge_store::{NewPost, PostComment, Tx};
use jiff::Timestamp;

use crate::access::{client_for, Actor};
use crate::clients::entry;
use crate::error::{AppError, Result};
use crate::App;

/// What the composer sends: the content, when it is planned (`None`: the ideas backlog), and its campaign by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostInput {
    pub content: PostContent,
    pub planned_at: Option<Timestamp>,
    pub campaign: Option<String>,
}

/// A post with what its page shows beside it.
#[derive(Debug, Clone)]
pub struct PostDetail {
    pub client: Client,
    pub post: Post,
    pub comments: Vec<PostComment>,
    pub campaign: Option<String>,
}

pub(crate) fn post_entry(
    actor: &Actor,
    now: Timestamp,
    client: ClientId,
    id: PostId,
    action: JournalAction,
    summary: String,
) -> filrouge_domain::journal::NewJournalEntry {
    entry(actor, now, Some(client), action, &format!("post:{id}"), summary)
}

/// Why a post cannot be scheduled: the blocking findings of its guards.
pub(crate) fn blocked(findings: &[Finding]) -> Option<AppError> {
    let errors: Vec<&str> = findings.iter().filter(|f| f.blocks()).map(|f| f.message.as_str()).collect();
    (!errors.is_empty()).then(|| AppError::Invalid(Invalid::new("post", errors.join("; "))))
}

impl App {
    /// Checks that every target account belongs to the client, and returns the content validated.
    async fn checked_content(&self, tx: &mut Tx, client: ClientId, content: PostContent) -> Result<PostContent> {
        let content = content.validate()?;
        let accounts = tx.accounts_of(client).await?;
        for target in &content.targets {
            if !accounts.iter().any(|a| a.id == target.account_id) {
                return Err(AppError::Invalid(Invalid::new(
                    "accounts",
                    format!("account {} is not one of this client's accounts", target.account_id),
                )));
            }
        }
        // The post's media and every account's own selection go through the same check: only this client's files.
        let known = self.attachments(tx, client, &content).await?;
        let used =
            content.media.iter().map(|m| (None, m)).chain(
                content.targets.iter().flat_map(|t| t.media.iter().flatten().map(move |m| (Some(t.account_id), m))),
            );
        for (account, media) in used {
            if !known.iter().any(|(id, _)| *id == media.media_id) {
                let whose = account.map_or_else(String::new, |a| format!(" (own selection of account {a})"));
                return Err(AppError::Invalid(Invalid::new(
                    "media",
                    format!("media {}{whose} is not in this client's library", media.media_id),
                )));
            }
        }
        Ok(content)
    }

    async fn campaign_id(
        &self,
        tx: &mut Tx,
        client: ClientId,
        name: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<filrouge_domain::ids::CampaignId>> {
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            None => Ok(None),
            Some(name) => {
                let name = filrouge_domain::validate::required_text("campaign", name, 80)?;
                Ok(Some(tx.campaign_named(client, &name, now).await?))
            }
        }
    }

    /// Creates a draft (an idea when it has no time).
    pub async fn create_post(&self, actor: &Actor, slug: &str, input: PostInput) -> Result<PostId> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let content = self.checked_content(&mut tx, client.id, input.content).await?;
        let campaign = self.campaign_id(&mut tx, client.id, input.campaign.as_deref(), now).await?;
        let new = NewPost {
            client: client.id,
            state: PostState::Draft,
            planned_at: input.planned_at,
            campaign,
            content: &content,
            created_by: actor.user_id(),
        };
        let id = tx.insert_post(&new, now).await?;
        let when = input.planned_at.map_or_else(|| "in the ideas backlog".to_owned(), |t| self.local(&client, t));
        let summary = format!("Post drafted ({when}): {}", filrouge_domain::post::headline(&content.text));
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostCreated, summary)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A post and its comments.
    pub async fn post(&self, actor: &Actor, slug: &str, id: PostId) -> Result<PostDetail> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        let post = tx.post(client.id, id).await?.ok_or(AppError::NotFound)?;
        if !crate::calendar::visible_to(actor, &post) {
            return Err(AppError::NotFound);
        }
        let comments = tx.post_comments(id).await?;
        let campaign = match post.campaign_id {
            Some(c) => tx.campaigns(client.id).await?.into_iter().find(|x| x.id == c).map(|x| x.name),
            None => None,
        };
        Ok(PostDetail { client, post, comments, campaign })
    }

    /// Loads a post for a change, refusing a stale version with a message that says someone else changed it.
    pub(crate) async fn post_for_change(
        &self,
        tx: &mut Tx,
        client: ClientId,
        id: PostId,
        version: i64,
    ) -> Result<Post> {
        let post = tx.post(client, id).await?.ok_or(AppError::NotFound)?;
        if post.version != version {
            return Err(stale());
        }
        Ok(post)
    }

    /// Replaces a post's content. Editing an approved or scheduled post of a client with approval sends it back to
    /// draft: the reviewer approved other words.
    pub async fn edit_post(&self, actor: &Actor, slug: &str, id: PostId, version: i64, input: PostInput) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = self.post_for_change(&mut tx, client.id, id, version).await?;
        let state = next_state(post.state, PostEvent::Edit, client.profile.charter.approval).map_err(invalid)?;
        let content = self.checked_content(&mut tx, client.id, input.content).await?;
        if state == PostState::Scheduled {
            let findings = self.guard_findings(&mut tx, &client, &content).await?;
            if let Some(err) = blocked(&findings) {
                return Err(err);
            }
        }
        let campaign = self.campaign_id(&mut tx, client.id, input.campaign.as_deref(), now).await?;
        if !tx.update_post(client.id, id, version, state, &content, campaign, now).await? {
            return Err(stale());
        }
        if input.planned_at != post.planned_at {
            self.check_time(state, input.planned_at, now)?;
            tx.move_post(client.id, id, version + 1, input.planned_at, state, now).await?;
        }
        self.sync_queue(&mut tx, client.id, id).await?;
        let mut summary = format!("Post edited: {}", filrouge_domain::post::headline(&content.text));
        if state != post.state {
            summary.push_str(&format!(" ({} → {})", post.state.as_str(), state.as_str()));
        }
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostEdited, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    fn check_time(&self, state: PostState, planned_at: Option<Timestamp>, now: Timestamp) -> Result<()> {
        if state == PostState::Scheduled {
            match planned_at {
                None => return Err(invalid_msg("planned_at", "a scheduled post needs a time; unschedule it first")),
                Some(t) if t <= now => return Err(invalid_msg("planned_at", "this time has passed")),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Moves a post to another time (drag and drop), or back to the ideas backlog with `None`. A scheduled post
    /// stays scheduled at its new time (that is not an edit); one moved to the backlog is unscheduled.
    pub async fn move_post(
        &self,
        actor: &Actor,
        slug: &str,
        id: PostId,
        version: i64,
        planned_at: Option<Timestamp>,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = self.post_for_change(&mut tx, client.id, id, version).await?;
        if !post.state.editable() {
            return Err(invalid_msg("post", "a post that has left for the networks cannot be moved"));
        }
        let state = match (post.state, planned_at) {
            (PostState::Scheduled, None) => {
                next_state(post.state, PostEvent::Unschedule, client.profile.charter.approval).map_err(invalid)?
            }
            (state, _) => state,
        };
        self.check_time(state, planned_at, now)?;
        if !tx.move_post(client.id, id, version, planned_at, state, now).await? {
            return Err(stale());
        }
        self.sync_queue(&mut tx, client.id, id).await?;
        let from = post.planned_at.map_or_else(|| "backlog".to_owned(), |t| self.local(&client, t));
        let to = planned_at.map_or_else(|| "backlog".to_owned(), |t| self.local(&client, t));
        let summary = format!("Post moved from {from} to {to}: {}", post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostMoved, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Locks a post in for publishing at its time, after its guards pass and any approval its client needs.
    pub async fn schedule_post(&self, actor: &Actor, slug: &str, id: PostId, version: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = self.post_for_change(&mut tx, client.id, id, version).await?;
        let state = next_state(post.state, PostEvent::Schedule, client.profile.charter.approval).map_err(invalid)?;
        self.check_time(state, post.planned_at, now)?;
        let findings = self.guard_findings(&mut tx, &client, &post.content).await?;
        if let Some(err) = blocked(&findings) {
            return Err(err);
        }
        if !tx.set_post_state(client.id, id, version, state, None, now).await? {
            return Err(stale());
        }
        self.sync_queue(&mut tx, client.id, id).await?;
        let at = post.planned_at.map(|t| self.local(&client, t)).unwrap_or_default();
        let summary = format!("Post scheduled for {at}: {}", post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostScheduled, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a post out of the publishing queue (it keeps its time and, if it had one, its approval).
    pub async fn unschedule_post(&self, actor: &Actor, slug: &str, id: PostId, version: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = self.post_for_change(&mut tx, client.id, id, version).await?;
        let state = next_state(post.state, PostEvent::Unschedule, client.profile.charter.approval).map_err(invalid)?;
        if !tx.set_post_state(client.id, id, version, state, None, now).await? {
            return Err(stale());
        }
        self.sync_queue(&mut tx, client.id, id).await?;
        let summary = format!("Post unscheduled: {}", post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostUnscheduled, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_post(&self, actor: &Actor, slug: &str, id: PostId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = tx.post(client.id, id).await?.ok_or(AppError::NotFound)?;
        if !post.state.editable() {
            return Err(invalid_msg("post", "a post that has left for the networks cannot be deleted here"));
        }
        tx.delete_post(client.id, id).await?;
        let summary = format!("Post deleted ({}): {}", post.state.as_str(), post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostDeleted, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `at` on the client's wall clock with its zone, for journal lines: `2026-03-10 12:30 CET (Europe/Paris)`.
    pub(crate) fn local(&self, client: &Client, at: Timestamp) -> String {
        let zone = client.profile.time_zone.as_str();
        match filrouge_domain::local_time::zone(zone) {
            Ok(tz) => format!(
                "{} {} ({zone})",
                at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M"),
                filrouge_domain::local_time::abbreviation(&tz, at)
            ),
            Err(_) => at.to_string(),
        }
    }

    /// The accounts of a client that a post may target.
    pub async fn post_accounts(&self, actor: &Actor, slug: &str) -> Result<Vec<filrouge_domain::account::Account>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        Ok(tx.accounts_of(client.id).await?)
    }

    /// Sets the target accounts of a post in a content, keeping existing variants (used by forms).
    pub fn with_targets(content: &mut PostContent, accounts: &[AccountId]) {
        content.targets.retain(|t| accounts.contains(&t.account_id));
        for account in accounts {
            if !content.targets.iter().any(|t| t.account_id == *account) {
                content.targets.push(filrouge_domain::post::Target { account_id: *account, text: None, media: None });
            }
        }
    }
}

pub(crate) fn stale() -> AppError {
    AppError::Conflict("someone changed this post meanwhile; reload it to see their changes".to_owned())
}

pub(crate) fn invalid(e: filrouge_domain::post::TransitionError) -> AppError {
    AppError::Invalid(Invalid::new("state", e.to_string()))
}

pub(crate) fn invalid_msg(field: &str, reason: &str) -> AppError {
    AppError::Invalid(Invalid::new(field, reason))
}
