//! A post of the fil rouge: what it says (text, first comment, content warning, media, a variant per account), when
//! it is planned, and its life from draft to published, as a state machine every front end obeys.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, CampaignId, ClientId, MediaId, PostId, UserId};
use crate::validate::optional_text;
use crate::Invalid;

/// Bounds of what a post may hold, whatever the network (networks have tighter limits, checked by the guards).
pub const MAX_TEXT: usize = 63_206;
pub const MAX_NOTES: usize = 8_000;
pub const MAX_LABELS: usize = 20;
pub const MAX_TARGETS: usize = 30;
pub const MAX_MEDIA: usize = 20;

/// Where a post is in its life. Stored as the stable strings of `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    /// Being written, or an idea in the backlog (no planned time).
    Draft,
    /// Waiting for the approval the client's policy requires.
    InReview,
    /// Approved, not yet locked in for publishing (no time, or the time was cleared).
    Approved,
    /// Locked in: the publishing engine will send it at its time.
    Scheduled,
    /// Claimed by the publishing engine.
    Publishing,
    Published,
    Failed,
}

impl PostState {
    pub const ALL: [PostState; 7] =
        [Self::Draft, Self::InReview, Self::Approved, Self::Scheduled, Self::Publishing, Self::Published, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Scheduled => "scheduled",
            Self::Publishing => "publishing",
            Self::Published => "published",
            Self::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the post's content may still change (it has not left for the networks).
    pub fn editable(self) -> bool {
        !matches!(self, Self::Publishing | Self::Published)
    }
}

/// Who must approve a client's posts before they can be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalPolicy {
    /// The community manager schedules directly.
    #[default]
    None,
    /// A manager of the agency approves.
    Internal,
    /// Someone at the client approves (signed in as a reviewer, or from a signed link).
    Client,
}

impl ApprovalPolicy {
    pub const ALL: [ApprovalPolicy; 3] = [Self::None, Self::Internal, Self::Client];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Internal => "internal",
            Self::Client => "client",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == value.trim())
            .ok_or_else(|| Invalid::new("approval", format!("'{value}' is not one of none, internal, client")))
    }
}

/// Something that happens to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostEvent {
    /// Its text, media, accounts or notes changed.
    Edit,
    /// Sent for approval.
    Submit,
    Approve,
    /// Refused, with a comment: back to draft.
    Reject,
    /// Locked in for publishing at its planned time.
    Schedule,
    /// Taken out of the publishing queue (to move or rework it).
    Unschedule,
    /// The publishing engine took it.
    Claim,
    Publish,
    Fail,
    /// A failed post goes back to the queue.
    Retry,
}

impl PostEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Schedule => "schedule",
            Self::Unschedule => "unschedule",
            Self::Claim => "claim",
            Self::Publish => "publish",
            Self::Fail => "fail",
            Self::Retry => "retry",
        }
    }
}

/// A transition the rules refuse, saying why in words a community manager understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("this post needs approval ({policy}) before it can be scheduled")]
    NeedsApproval { policy: &'static str },
    #[error("this client's posts need no approval: schedule it directly")]
    NoApprovalNeeded,
    #[error("a post that is {state} cannot be {event}")]
    NotNow { state: &'static str, event: &'static str },
}

/// The one state machine of a post. Editing approved or scheduled content withdraws its approval (the reviewer
/// approved other words); moving a post in time does not (that is not an edit). Anything that reaches the network
/// (`Publishing`, `Published`) is frozen.
pub fn next_state(state: PostState, event: PostEvent, policy: ApprovalPolicy) -> Result<PostState, TransitionError> {
    use PostEvent as E;
    use PostState as S;
    let needs_approval = policy != ApprovalPolicy::None;
    let refused = || TransitionError::NotNow { state: state.as_str(), event: past_participle(event) };
    match (state, event) {
        (S::Draft | S::InReview | S::Failed, E::Edit) => Ok(S::Draft),
        (S::Approved | S::Scheduled, E::Edit) if needs_approval => Ok(S::Draft),
        (S::Approved | S::Scheduled, E::Edit) => Ok(state),
        (S::Draft, E::Submit) if !needs_approval => Err(TransitionError::NoApprovalNeeded),
        (S::Draft, E::Submit) => Ok(S::InReview),
        (S::InReview, E::Approve) => Ok(S::Approved),
        (S::InReview, E::Reject) => Ok(S::Draft),
        (S::Draft | S::InReview, E::Schedule) if needs_approval => {
            Err(TransitionError::NeedsApproval { policy: policy.as_str() })
        }
        (S::Draft | S::Approved, E::Schedule) => Ok(S::Scheduled),
        (S::Scheduled, E::Unschedule) if needs_approval => Ok(S::Approved),
        (S::Scheduled, E::Unschedule) => Ok(S::Draft),
        (S::Scheduled, E::Claim) => Ok(S::Publishing),
        (S::Publishing, E::Publish) => Ok(S::Published),
        (S::Publishing, E::Fail) => Ok(S::Failed),
        (S::Failed, E::Retry) => Ok(S::Scheduled),
        _ => Err(refused()),
    }
}

fn past_participle(event: PostEvent) -> &'static str {
    match event {
        PostEvent::Edit => "edited",
        PostEvent::Submit => "submitted for review",
        PostEvent::Approve => "approved",
        PostEvent::Reject => "rejected",
        PostEvent::Schedule => "scheduled",
        PostEvent::Unschedule => "unscheduled",
        PostEvent::Claim => "claimed",
        PostEvent::Publish => "published",
        PostEvent::Fail => "failed",
        PostEvent::Retry => "retried",
    }
}

/// A media file attached to a post (the file itself is in the client's media library).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostMedia {
    pub media_id: MediaId,
    #[serde(default)]
    pub alt: String,
}

/// One account a post goes to, with what differs there from the post's main text and media.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub account_id: AccountId,
    /// The text for this account when it differs from the post's text.
    #[serde(default)]
    pub text: Option<String>,
    /// The media for this account when they differ (an empty list: no media here).
    #[serde(default)]
    pub media: Option<Vec<PostMedia>>,
}

/// What the composer edits: everything about a post except its identity and state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PostContent {
    pub text: String,
    #[serde(default)]
    pub first_comment: String,
    /// Shown before the text where the network supports it (Mastodon).
    #[serde(default)]
    pub content_warning: String,
    #[serde(default)]
    pub media: Vec<PostMedia>,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub labels: Vec<String>,
    /// Team notes, never published.
    #[serde(default)]
    pub notes: String,
    /// What the client sent for this post (their words, a link to their files), never published.
    #[serde(default)]
    pub client_material: String,
}

impl PostContent {
    pub fn validate(mut self) -> Result<Self, Invalid> {
        // The text keeps its leading/trailing line breaks out, but its inner layout is the author's.
        self.text = optional_text("text", &self.text, MAX_TEXT)?;
        self.first_comment = optional_text("first_comment", &self.first_comment, MAX_TEXT)?;
        self.content_warning = optional_text("content_warning", &self.content_warning, 500)?;
        self.notes = optional_text("notes", &self.notes, MAX_NOTES)?;
        self.client_material = optional_text("client_material", &self.client_material, MAX_NOTES)?;
        let mut labels: Vec<String> = Vec::new();
        for label in &self.labels {
            let label = optional_text("labels", label, 60)?;
            if !label.is_empty() && !labels.iter().any(|l| l.eq_ignore_ascii_case(&label)) {
                labels.push(label);
            }
        }
        if labels.len() > MAX_LABELS {
            return Err(Invalid::new("labels", format!("at most {MAX_LABELS} labels")));
        }
        self.labels = labels;
        if self.targets.len() > MAX_TARGETS {
            return Err(Invalid::new("accounts", format!("at most {MAX_TARGETS} accounts per post")));
        }
        let mut seen = Vec::new();
        for target in &mut self.targets {
            if seen.contains(&target.account_id) {
                return Err(Invalid::new("accounts", format!("account {} is targeted twice", target.account_id)));
            }
            seen.push(target.account_id);
            if let Some(text) = &target.text {
                let text = optional_text("variant", text, MAX_TEXT)?;
                target.text = (!text.is_empty()).then_some(text);
            }
        }
        if self.media.len() > MAX_MEDIA {
            return Err(Invalid::new("media", format!("at most {MAX_MEDIA} media per post")));
        }
        if let Some(target) = self.targets.iter().find(|t| t.media.as_ref().is_some_and(|m| m.len() > MAX_MEDIA)) {
            return Err(Invalid::new(
                "media",
                format!("at most {MAX_MEDIA} media for account {} (its own selection)", target.account_id),
            ));
        }
        for media in self.media.iter_mut().chain(self.targets.iter_mut().flat_map(|t| t.media.iter_mut().flatten())) {
            media.alt = optional_text("alt", &media.alt, crate::media::MAX_ALT_TEXT)?;
        }
        Ok(self)
    }

    /// The text that goes to `account` (its variant, else the main text).
    pub fn text_for(&self, account: AccountId) -> &str {
        self.targets.iter().find(|t| t.account_id == account).and_then(|t| t.text.as_deref()).unwrap_or(&self.text)
    }

    /// The media that go to `account`: its own selection when it has one (`Some`, possibly empty: no media on this
    /// account), else the post's media (`None`: same as the post).
    pub fn media_for(&self, account: AccountId) -> &[PostMedia] {
        self.targets.iter().find(|t| t.account_id == account).and_then(|t| t.media.as_deref()).unwrap_or(&self.media)
    }

    /// Whether any media is attached, to the post or to one account's variant. An empty own selection (`Some(vec![])`)
    /// attaches nothing.
    pub fn has_media(&self) -> bool {
        !self.media.is_empty() || self.targets.iter().any(|t| t.media.as_ref().is_some_and(|m| !m.is_empty()))
    }
}

/// A post as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    pub id: PostId,
    pub client_id: ClientId,
    pub state: PostState,
    /// When it should go out; `None` for an idea in the backlog.
    pub planned_at: Option<Timestamp>,
    pub campaign_id: Option<CampaignId>,
    pub content: PostContent,
    /// The last reviewer's comment when it was rejected (cleared when approved).
    pub review_comment: String,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped by every change, so two people editing at once do not overwrite each other silently.
    pub version: i64,
}

impl Post {
    /// A short line for the calendar and the journal: the first line of the text, at most 80 characters.
    pub fn headline(&self) -> String {
        headline(&self.content.text)
    }
}

/// The first line of `text`, cut at 80 characters with an ellipsis.
pub fn headline(text: &str) -> String {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut out: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// A campaign groups posts of one client (a launch, the Christmas season) and gives them a colour in the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub client_id: ClientId,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalPolicy as P;
    use PostEvent as E;
    use PostState as S;

    #[test]
    fn without_approval_a_draft_is_scheduled_directly() {
        assert_eq!(next_state(S::Draft, E::Schedule, P::None), Ok(S::Scheduled));
        assert_eq!(next_state(S::Draft, E::Submit, P::None), Err(TransitionError::NoApprovalNeeded));
        assert_eq!(next_state(S::Scheduled, E::Unschedule, P::None), Ok(S::Draft));
        assert_eq!(next_state(S::Scheduled, E::Edit, P::None), Ok(S::Scheduled));
    }

    #[test]
    fn with_approval_a_draft_must_be_approved_before_it_is_scheduled() {
        for policy in [P::Internal, P::Client] {
            assert!(matches!(next_state(S::Draft, E::Schedule, policy), Err(TransitionError::NeedsApproval { .. })));
            assert!(matches!(next_state(S::InReview, E::Schedule, policy), Err(TransitionError::NeedsApproval { .. })));
            assert_eq!(next_state(S::Draft, E::Submit, policy), Ok(S::InReview));
            assert_eq!(next_state(S::InReview, E::Approve, policy), Ok(S::Approved));
            assert_eq!(next_state(S::Approved, E::Schedule, policy), Ok(S::Scheduled));
        }
    }

    #[test]
    fn a_rejected_post_returns_to_draft_and_editing_withdraws_an_approval() {
        assert_eq!(next_state(S::InReview, E::Reject, P::Client), Ok(S::Draft));
        assert_eq!(next_state(S::Approved, E::Edit, P::Client), Ok(S::Draft));
        assert_eq!(next_state(S::Scheduled, E::Edit, P::Internal), Ok(S::Draft));
        // Moving it out of the queue keeps the approval.
        assert_eq!(next_state(S::Scheduled, E::Unschedule, P::Client), Ok(S::Approved));
    }

    #[test]
    fn what_has_reached_the_network_is_frozen() {
        for event in [E::Edit, E::Submit, E::Approve, E::Reject, E::Schedule, E::Unschedule] {
            assert!(next_state(S::Publishing, event, P::None).is_err());
            assert!(next_state(S::Published, event, P::Client).is_err());
        }
        let err = next_state(S::Published, E::Edit, P::None).unwrap_err();
        assert_eq!(err.to_string(), "a post that is published cannot be edited");
        assert_eq!(next_state(S::Publishing, E::Publish, P::None), Ok(S::Published));
        assert_eq!(next_state(S::Failed, E::Retry, P::None), Ok(S::Scheduled));
    }

    #[test]
    fn content_validation_dedupes_labels_and_refuses_a_double_target() {
        let content = PostContent {
            text: "  Ciao !  ".into(),
            labels: vec!["Noël".into(), "noël".into(), " ".into()],
            ..PostContent::default()
        };
        let content = content.validate().unwrap();
        assert_eq!(content.text, "Ciao !");
        assert_eq!(content.labels, vec!["Noël".to_owned()]);
        let twice = PostContent {
            targets: vec![
                Target { account_id: AccountId(1), text: None, media: None },
                Target { account_id: AccountId(1), text: None, media: None },
            ],
            ..PostContent::default()
        };
        assert_eq!(twice.validate().unwrap_err().field, "accounts");
    }

    #[test]
    fn a_variant_replaces_the_text_for_its_account_only() {
        let content = PostContent {
            text: "Main".into(),
            targets: vec![
                Target { account_id: AccountId(1), text: Some("Court".into()), media: Some(vec![]) },
                Target { account_id: AccountId(2), text: None, media: None },
            ],
            media: vec![PostMedia { media_id: MediaId(9), alt: "Une pizza".into() }],
            ..PostContent::default()
        };
        assert_eq!(content.text_for(AccountId(1)), "Court");
        assert_eq!(content.text_for(AccountId(2)), "Main");
        assert!(content.media_for(AccountId(1)).is_empty());
        assert_eq!(content.media_for(AccountId(2)).len(), 1);
    }

    #[test]
    fn an_empty_own_selection_means_no_media_on_that_account_and_none_means_the_posts() {
        let photo = PostMedia { media_id: MediaId(9), alt: "Une pizza".into() };
        let square = PostMedia { media_id: MediaId(10), alt: "La même, au carré".into() };
        let content = PostContent {
            text: "Main".into(),
            media: vec![photo.clone()],
            targets: vec![
                Target { account_id: AccountId(1), text: None, media: None },
                Target { account_id: AccountId(2), text: None, media: Some(vec![]) },
                Target { account_id: AccountId(3), text: None, media: Some(vec![square.clone(), photo.clone()]) },
            ],
            ..PostContent::default()
        };
        assert_eq!(content.media_for(AccountId(1)), &[photo.clone()][..], "same as the post");
        assert!(content.media_for(AccountId(2)).is_empty(), "an empty own selection is no media");
        assert_eq!(content.media_for(AccountId(3)), &[square, photo][..], "its own order");
        assert_eq!(content.media_for(AccountId(99)), &content.media[..], "an account not targeted gets the post's");
        assert!(content.has_media());

        // Only an empty own selection, and no media on the post: nothing is attached anywhere.
        let bare = PostContent {
            text: "Main".into(),
            targets: vec![Target { account_id: AccountId(2), text: None, media: Some(vec![]) }],
            ..PostContent::default()
        };
        assert!(!bare.has_media());
        assert!(bare.media_for(AccountId(2)).is_empty());
        // The distinction survives storage as JSON.
        let json = serde_json::to_string(&content).unwrap();
        let back: PostContent = serde_json::from_str(&json).unwrap();
        assert_eq!(back.targets[0].media, None);
        assert_eq!(back.targets[1].media, Some(vec![]));
    }

    #[test]
    fn a_variants_media_are_bounded_and_their_alt_texts_validated() {
        let many = (0..=MAX_MEDIA as i64).map(|i| PostMedia { media_id: MediaId(i), alt: String::new() }).collect();
        let content = PostContent {
            targets: vec![Target { account_id: AccountId(4), text: None, media: Some(many) }],
            ..PostContent::default()
        };
        let err = content.validate().unwrap_err();
        assert_eq!(err.field, "media");
        assert!(err.reason.contains("account 4"), "{err}");
        let content = PostContent {
            targets: vec![Target {
                account_id: AccountId(4),
                text: None,
                media: Some(vec![PostMedia { media_id: MediaId(1), alt: "  Une vitrine  ".into() }]),
            }],
            ..PostContent::default()
        };
        let content = content.validate().unwrap();
        assert_eq!(content.targets[0].media.as_ref().map(|m| m[0].alt.as_str()), Some("Une vitrine"));
    }

    #[test]
    fn the_headline_is_the_first_non_empty_line_cut_at_80() {
        assert_eq!(headline("\n  Bonjour Lyon\nsuite"), "Bonjour Lyon");
        let long = "é".repeat(100);
        assert_eq!(headline(&long).chars().count(), 81);
    }
}
