//! Approvals: sending a post for review, approving, rejecting and commenting — signed in, or from an expiring
//! signed link that needs no account — with every decision in the journal.

use filrouge_domain::client::Client;
use filrouge_domain::ids::PostId;
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::permission::Action;
use filrouge_domain::post::{next_state, ApprovalPolicy, Post, PostEvent, PostState};
use filrouge_domain::validate::{optional_text, required_text};
use filrouge_store::{ReviewLink, Tx};
use jiff::{SignedDuration, Timestamp};

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::posts::{blocked, invalid, invalid_msg, post_entry, stale};
use crate::queries::feed_hash;
use crate::App;

/// What a reviewer decides about a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Comment,
}

impl Decision {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            "comment" => Some(Self::Comment),
            _ => None,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Comment => "comment",
        }
    }
}

/// Who decides: a signed-in user, or a person on a signed link (by the name they typed).
enum Reviewer<'a> {
    User(&'a Actor),
    Link { name: &'a str, label: &'a str },
}

impl Reviewer<'_> {
    fn describe(&self) -> String {
        match self {
            Reviewer::User(actor) => actor.display(),
            Reviewer::Link { name, label } => format!("{name} (signed link \"{label}\")"),
        }
    }
}

/// What the page behind a signed link shows.
#[derive(Debug, Clone)]
pub struct LinkReview {
    pub client: Client,
    pub link: ReviewLink,
    /// Posts waiting for the client or already planned, from now on, by time.
    pub posts: Vec<Post>,
}

/// How long a signed link lives unless told otherwise, and at most.
pub const LINK_DEFAULT_DAYS: i64 = 14;
pub const LINK_MAX_DAYS: i64 = 90;

impl App {
    /// Sends a draft for approval (its guards must pass first: nobody reviews a post that cannot go out).
    pub async fn submit_post(&self, actor: &Actor, slug: &str, id: PostId, version: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let post = self.post_for_change(&mut tx, client.id, id, version).await?;
        let state = next_state(post.state, PostEvent::Submit, client.profile.charter.approval).map_err(invalid)?;
        let findings = self.guard_findings(&mut tx, &client, &post.content).await?;
        if let Some(err) = blocked(&findings) {
            return Err(err);
        }
        if !tx.set_post_state(client.id, id, version, state, Some(""), now).await? {
            return Err(stale());
        }
        let policy = client.profile.charter.approval.as_str();
        let summary = format!("Post sent for {policy} approval: {}", post.headline());
        tx.append_journal(&post_entry(actor, now, client.id, id, JournalAction::PostSubmitted, summary)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Approves, rejects (with a comment) or comments a post, signed in. Approving for the agency needs the
    /// approver's right, for the client the reviewer's.
    pub async fn review_post(
        &self,
        actor: &Actor,
        slug: &str,
        id: PostId,
        version: i64,
        decision: Decision,
        comment: &str,
    ) -> Result<PostState> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        let needed = match (decision, client.profile.charter.approval) {
            (Decision::Comment, _) => None,
            (_, ApprovalPolicy::Internal) => Some(Action::ApprovePosts),
            (_, ApprovalPolicy::Client) => Some(Action::ReviewPosts),
            (_, ApprovalPolicy::None) => {
                return Err(invalid_msg("approval", "this client's posts need no approval"));
            }
        };
        match needed {
            Some(action) => actor.require_on(action, client.id)?,
            None if actor.may(Action::WritePosts, Some(client.id))
                || actor.may(Action::ReviewPosts, Some(client.id))
                || actor.may(Action::ApprovePosts, Some(client.id)) => {}
            None => return Err(AppError::Forbidden),
        }
        let post = tx.post(client.id, id).await?.ok_or(AppError::NotFound)?;
        if !crate::calendar::visible_to(actor, &post) {
            return Err(AppError::NotFound);
        }
        let state = self.decide(&mut tx, &client, post, version, decision, comment, Reviewer::User(actor)).await?;
        tx.commit().await?;
        Ok(state)
    }

    #[allow(clippy::too_many_arguments)]
    async fn decide(
        &self,
        tx: &mut Tx,
        client: &Client,
        post: Post,
        version: i64,
        decision: Decision,
        comment: &str,
        reviewer: Reviewer<'_>,
    ) -> Result<PostState> {
        let now = self.now();
        if post.version != version {
            return Err(stale());
        }
        let comment = match decision {
            Decision::Approve => optional_text("comment", comment, 4000)?,
            Decision::Reject | Decision::Comment => required_text("comment", comment, 4000)?,
        };
        let policy = client.profile.charter.approval;
        let who = reviewer.describe();
        let (state, action, summary) = match decision {
            Decision::Comment => (post.state, JournalAction::PostCommented, format!("{who} commented: {comment}")),
            Decision::Reject => {
                let state = next_state(post.state, PostEvent::Reject, policy).map_err(invalid)?;
                (state, JournalAction::PostRejected, format!("Post rejected by {who}: {comment}"))
            }
            Decision::Approve => {
                let mut state = next_state(post.state, PostEvent::Approve, policy).map_err(invalid)?;
                let mut summary = format!("Post approved by {who}");
                // An approved post with a time still to come goes straight into the publishing queue.
                if post.planned_at.is_some_and(|t| t > now) {
                    let findings = self.guard_findings(tx, client, &post.content).await?;
                    if blocked(&findings).is_none() {
                        state = next_state(state, PostEvent::Schedule, policy).map_err(invalid)?;
                        let at = post.planned_at.map(|t| self.local(client, t)).unwrap_or_default();
                        summary.push_str(&format!(" and scheduled for {at}"));
                    }
                }
                (state, JournalAction::PostApproved, summary)
            }
        };
        let review_comment = match decision {
            Decision::Reject => Some(comment.as_str()),
            Decision::Approve => Some(""),
            Decision::Comment => None,
        };
        if decision != Decision::Comment
            && !tx.set_post_state(client.id, post.id, version, state, review_comment, now).await?
        {
            return Err(stale());
        }
        if decision != Decision::Comment {
            self.sync_queue(tx, client.id, post.id).await?;
        }
        let (user, author) = match &reviewer {
            Reviewer::User(actor) => (actor.user_id(), actor.display()),
            Reviewer::Link { name, .. } => (None, (*name).to_owned()),
        };
        if !comment.is_empty() {
            tx.insert_post_comment(post.id, decision.kind(), user, &author, &comment, now).await?;
        }
        let entry = NewJournalEntry {
            at: now,
            user_id: user,
            client_id: Some(client.id),
            account_id: None,
            action,
            object: format!("post:{}", post.id),
            summary: format!("{summary} — {}", post.headline()),
        };
        tx.append_journal(&entry).await?;
        Ok(state)
    }

    /// Makes a signed review link for the client's reviewers; returns the token (shown once) and when it expires.
    pub async fn create_review_link(
        &self,
        actor: &Actor,
        slug: &str,
        label: &str,
        days: i64,
    ) -> Result<(String, Timestamp)> {
        let now = self.now();
        let label = required_text("label", label, 120)?;
        if !(1..=LINK_MAX_DAYS).contains(&days) {
            return Err(invalid_msg("days", &format!("a link lives 1 to {LINK_MAX_DAYS} days")));
        }
        let token = crate::auth::random_token();
        let expires = now.saturating_add(SignedDuration::from_hours(24 * days)).unwrap_or(now);
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        if client.profile.charter.approval != ApprovalPolicy::Client {
            return Err(invalid_msg("approval", "signed links are for clients whose posts the client approves"));
        }
        tx.insert_review_link(client.id, &feed_hash(&token), &label, actor.user_id(), now, expires).await?;
        let summary = format!("Signed review link \"{label}\" made, valid until {}", self.local(&client, expires));
        let entry = crate::clients::entry(
            actor,
            now,
            Some(client.id),
            JournalAction::ReviewLinkCreated,
            "review_link",
            summary,
        );
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok((token, expires))
    }

    pub async fn review_links(&self, actor: &Actor, slug: &str) -> Result<Vec<ReviewLink>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        Ok(tx.review_links(client.id).await?)
    }

    pub async fn revoke_review_link(&self, actor: &Actor, slug: &str, id: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        if !tx.revoke_review_link(client.id, id).await? {
            return Err(AppError::NotFound);
        }
        let entry = crate::clients::entry(
            actor,
            now,
            Some(client.id),
            JournalAction::ReviewLinkRevoked,
            "review_link",
            format!("Signed review link {id} revoked"),
        );
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The link's client, if the token is valid now. An unknown, expired or revoked token is "not found".
    async fn link_client(&self, tx: &mut Tx, token: &str) -> Result<(Client, ReviewLink)> {
        let link = tx.review_link(&feed_hash(token)).await?.ok_or(AppError::NotFound)?;
        if link.revoked || link.expires_at <= self.now() {
            return Err(AppError::NotFound);
        }
        let client = tx.client_by_id(link.client_id).await?.ok_or(AppError::NotFound)?;
        if client.archived || client.profile.charter.approval != ApprovalPolicy::Client {
            return Err(AppError::NotFound);
        }
        Ok((client, link))
    }

    /// What the reviewer behind a signed link sees: the client's posts in review or planned from now on.
    pub async fn link_review(&self, token: &str) -> Result<LinkReview> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let (client, link) = self.link_client(&mut tx, token).await?;
        let until = now.saturating_add(SignedDuration::from_hours(24 * 62)).unwrap_or(now);
        let posts = tx
            .posts_between(&[client.id], now, until)
            .await?
            .into_iter()
            .filter(|p| matches!(p.state, PostState::InReview | PostState::Approved | PostState::Scheduled))
            .collect();
        Ok(LinkReview { client, link, posts })
    }

    /// A decision from a signed link page, by the name the reviewer typed.
    pub async fn link_decide(
        &self,
        token: &str,
        id: PostId,
        version: i64,
        decision: Decision,
        name: &str,
        comment: &str,
    ) -> Result<PostState> {
        let name = required_text("name", name, 120)?;
        let mut tx = self.store.write().await?;
        let (client, link) = self.link_client(&mut tx, token).await?;
        let post = tx.post(client.id, id).await?.ok_or(AppError::NotFound)?;
        if post.state == PostState::Draft {
            return Err(AppError::NotFound);
        }
        let reviewer = Reviewer::Link { name: &name, label: &link.label };
        let state = self.decide(&mut tx, &client, post, version, decision, comment, reviewer).await?;
        tx.commit().await?;
        Ok(state)
    }
}
