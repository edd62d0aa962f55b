//! The journal: the community manager's notebook, one immutable entry per state-changing action.

use jiff::Timestamp;
use serde::Serialize;

use crate::ids::{AccountId, ClientId, JournalId, UserId};
use crate::validate::required_text;
use crate::Invalid;

/// What kind of change an entry records. Stable strings: filters and exports use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalAction {
    Note,
    ClientCreated,
    ClientArchived,
    BriefEdited,
    CharterEdited,
    CompetitorAdded,
    CompetitorRemoved,
    AccountAdded,
    AccountEdited,
    AccountRemoved,
    CredentialsChanged,
    MemberAdded,
    MemberRemoved,
    UserCreated,
    UserEdited,
    PasswordChanged,
    TotpEnabled,
    TotpDisabled,
    SignedIn,
    WorkspaceImported,
    SourceAdded,
    SourceEdited,
    SourceRemoved,
    SourcesImported,
    QueryAdded,
    QueryEdited,
    QueryRemoved,
    QueryFeedChanged,
    PostCreated,
    PostEdited,
    PostMoved,
    PostSubmitted,
    PostApproved,
    PostRejected,
    PostCommented,
    PostScheduled,
    PostUnscheduled,
    PostDeleted,
    PostsImported,
    SlotsChanged,
    ReviewLinkCreated,
    ReviewLinkRevoked,
    MediaAdded,
    ReviewReminded,
    PostPublished,
    PostFailed,
    AccountNeedsReconnection,
    AccountReconnected,
    PublishingPaused,
    PublishingResumed,
}

impl JournalAction {
    pub const ALL: [JournalAction; 50] = [
        Self::Note,
        Self::ClientCreated,
        Self::ClientArchived,
        Self::BriefEdited,
        Self::CharterEdited,
        Self::CompetitorAdded,
        Self::CompetitorRemoved,
        Self::AccountAdded,
        Self::AccountEdited,
        Self::AccountRemoved,
        Self::CredentialsChanged,
        Self::MemberAdded,
        Self::MemberRemoved,
        Self::UserCreated,
        Self::UserEdited,
        Self::PasswordChanged,
        Self::TotpEnabled,
        Self::TotpDisabled,
        Self::SignedIn,
        Self::WorkspaceImported,
        Self::SourceAdded,
        Self::SourceEdited,
        Self::SourceRemoved,
        Self::SourcesImported,
        Self::QueryAdded,
        Self::QueryEdited,
        Self::QueryRemoved,
        Self::QueryFeedChanged,
        Self::PostCreated,
        Self::PostEdited,
        Self::PostMoved,
        Self::PostSubmitted,
        Self::PostApproved,
        Self::PostRejected,
        Self::PostCommented,
        Self::PostScheduled,
        Self::PostUnscheduled,
        Self::PostDeleted,
        Self::PostsImported,
        Self::SlotsChanged,
        Self::ReviewLinkCreated,
        Self::ReviewLinkRevoked,
        Self::MediaAdded,
        Self::ReviewReminded,
        Self::PostPublished,
        Self::PostFailed,
        Self::AccountNeedsReconnection,
        Self::AccountReconnected,
        Self::PublishingPaused,
        Self::PublishingResumed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::ClientCreated => "client_created",
            Self::ClientArchived => "client_archived",
            Self::BriefEdited => "brief_edited",
            Self::CharterEdited => "charter_edited",
            Self::CompetitorAdded => "competitor_added",
            Self::CompetitorRemoved => "competitor_removed",
            Self::AccountAdded => "account_added",
            Self::AccountEdited => "account_edited",
            Self::AccountRemoved => "account_removed",
            Self::CredentialsChanged => "credentials_changed",
            Self::MemberAdded => "member_added",
            Self::MemberRemoved => "member_removed",
            Self::UserCreated => "user_created",
            Self::UserEdited => "user_edited",
            Self::PasswordChanged => "password_changed",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpDisabled => "totp_disabled",
            Self::SignedIn => "signed_in",
            Self::WorkspaceImported => "workspace_imported",
            Self::SourceAdded => "source_added",
            Self::SourceEdited => "source_edited",
            Self::SourceRemoved => "source_removed",
            Self::SourcesImported => "sources_imported",
            Self::QueryAdded => "query_added",
            Self::QueryEdited => "query_edited",
            Self::QueryRemoved => "query_removed",
            Self::QueryFeedChanged => "query_feed_changed",
            Self::PostCreated => "post_created",
            Self::PostEdited => "post_edited",
            Self::PostMoved => "post_moved",
            Self::PostSubmitted => "post_submitted",
            Self::PostApproved => "post_approved",
            Self::PostRejected => "post_rejected",
            Self::PostCommented => "post_commented",
            Self::PostScheduled => "post_scheduled",
            Self::PostUnscheduled => "post_unscheduled",
            Self::PostDeleted => "post_deleted",
            Self::PostsImported => "posts_imported",
            Self::SlotsChanged => "slots_changed",
            Self::ReviewLinkCreated => "review_link_created",
            Self::ReviewLinkRevoked => "review_link_revoked",
            Self::MediaAdded => "media_added",
            Self::ReviewReminded => "review_reminded",
            Self::PostPublished => "post_published",
            Self::PostFailed => "post_failed",
            Self::AccountNeedsReconnection => "account_needs_reconnection",
            Self::AccountReconnected => "account_reconnected",
            Self::PublishingPaused => "publishing_paused",
            Self::PublishingResumed => "publishing_resumed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// An entry about to be appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJournalEntry {
    pub at: Timestamp,
    /// Who did it; `None` for the system itself (a worker, an import from the command line).
    pub user_id: Option<UserId>,
    pub client_id: Option<ClientId>,
    pub account_id: Option<AccountId>,
    pub action: JournalAction,
    /// What was acted on, e.g. `charter`, `account:12`, `user:marie@agence.fr`.
    pub object: String,
    /// One line a person reads.
    pub summary: String,
}

/// An entry as stored, with the author's display name resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    pub id: JournalId,
    pub at: Timestamp,
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub client_id: Option<ClientId>,
    pub account_id: Option<AccountId>,
    pub action: JournalAction,
    pub object: String,
    pub summary: String,
}

/// Checks a manual note's text.
pub fn note_text(value: &str) -> Result<String, Invalid> {
    required_text("note", value, 4000)
}
