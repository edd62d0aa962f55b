//! Who may do what: the rules, as data. The application layer applies them once, for the web
//! app, the command line and the workers alike.

use crate::ids::ClientId;
use crate::user::Role;

/// Something a user may try to do. Client actions apply to one client; the others to the
/// installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See that the client exists, its name and colour, and its home page.
    ViewClient,
    /// Read the brief, the charter, the competitors and the accounts.
    ViewClientSettings,
    /// Change the brief, the charter and the competitors.
    EditClientSettings,
    /// Connect, edit and remove social accounts and their credentials.
    ManageAccounts,
    /// Choose who belongs to the client.
    ManageMembers,
    /// Archive a client.
    ArchiveClient,
    /// Read the client's journal.
    ViewJournal,
    /// Add a manual note to the client's journal.
    WriteJournalNote,
    /// See the client's calendar (the reviewers' page).
    ViewCalendar,
    /// Create a client.
    CreateClient,
    /// See the list of users.
    ViewUsers,
    /// Create users, change their role, reset passwords, disable them.
    ManageUsers,
    /// Export or import the whole workspace.
    ExportWorkspace,
    ImportWorkspace,
    /// Read the client's mentions (the veille) and see its listening sources and their health.
    ViewMentions,
    /// Mark mentions read, starred or ignored.
    MarkMentions,
    /// Add, edit, pause and remove listening sources; import OPML.
    ManageSources,
    /// Write, edit and remove listening queries, their alerts and their private feeds.
    ManageQueries,
    /// Write, edit, plan, schedule and delete posts; manage posting slots and campaigns; import posts.
    WritePosts,
    /// Approve or reject posts for the agency (clients whose approval policy is "internal").
    ApprovePosts,
    /// Approve, reject or comment posts for the client (clients whose approval policy is "client").
    ReviewPosts,
    /// Read the client's inbox (conversations, notes, response times).
    ViewInbox,
    /// Answer, like, assign, label, annotate and close inbox items.
    AnswerInbox,
    /// Edit the client's inbox rules, saved replies, business hours, response target and duty rota.
    ManageInbox,
}

impl Action {
    /// Whether the action concerns one client (and so needs membership of it).
    pub fn is_client_scoped(self) -> bool {
        !matches!(
            self,
            Action::CreateClient
                | Action::ViewUsers
                | Action::ManageUsers
                | Action::ExportWorkspace
                | Action::ImportWorkspace
        )
    }
}

/// Whether a role may perform an action at all (membership is checked separately).
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Owner => true,
        Role::Manager => !matches!(action, ImportWorkspace),
        Role::CommunityManager => matches!(
            action,
            ViewClient
                | ViewClientSettings
                | EditClientSettings
                | ManageAccounts
                | ViewJournal
                | WriteJournalNote
                | ViewCalendar
                | ViewMentions
                | MarkMentions
                | ManageSources
                | ManageQueries
                | WritePosts
                | ViewInbox
                | AnswerInbox
                | ManageInbox
        ),
        Role::Analyst => {
            matches!(action, ViewClient | ViewClientSettings | ViewJournal | ViewCalendar | ViewMentions | ViewInbox)
        }
        Role::ClientReviewer => matches!(action, ViewClient | ViewCalendar | ReviewPosts),
    }
}

/// Whether a user of `role`, member of `memberships`, may see client `client` at all. Owners see
/// every client; everybody else only the clients they belong to.
pub fn may_see_client(role: Role, memberships: &[ClientId], client: ClientId) -> bool {
    role == Role::Owner || memberships.contains(&client)
}

/// The outcome of a permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// The user cannot see the client: answer as if it did not exist.
    Hidden,
    /// The user can see the client (or the installation) but not do this.
    Forbidden,
}

/// The one permission rule: membership first (hidden), then the role (forbidden).
pub fn decide(role: Role, memberships: &[ClientId], action: Action, client: Option<ClientId>) -> Decision {
    if let Some(client) = client {
        if !may_see_client(role, memberships, client) {
            return Decision::Hidden;
        }
    }
    if role_allows(role, action) {
        Decision::Allowed
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ClientId = ClientId(1);
    const B: ClientId = ClientId(2);

    #[test]
    fn non_members_never_see_a_client_whatever_their_role() {
        for role in [Role::Manager, Role::CommunityManager, Role::Analyst, Role::ClientReviewer] {
            assert_eq!(decide(role, &[A], Action::ViewClient, Some(B)), Decision::Hidden, "{role:?}");
        }
        assert_eq!(decide(Role::Owner, &[], Action::ViewClient, Some(B)), Decision::Allowed);
    }

    #[test]
    fn roles_limit_what_members_do() {
        assert_eq!(decide(Role::Analyst, &[A], Action::EditClientSettings, Some(A)), Decision::Forbidden);
        assert_eq!(decide(Role::Analyst, &[A], Action::ViewJournal, Some(A)), Decision::Allowed);
        assert_eq!(decide(Role::ClientReviewer, &[A], Action::ViewJournal, Some(A)), Decision::Forbidden);
        assert_eq!(decide(Role::ClientReviewer, &[A], Action::ViewCalendar, Some(A)), Decision::Allowed);
        assert_eq!(decide(Role::CommunityManager, &[A], Action::ManageMembers, Some(A)), Decision::Forbidden);
        assert_eq!(decide(Role::CommunityManager, &[A], Action::ManageAccounts, Some(A)), Decision::Allowed);
        assert_eq!(decide(Role::Manager, &[], Action::ManageUsers, None), Decision::Allowed);
        assert_eq!(decide(Role::CommunityManager, &[A], Action::ViewUsers, None), Decision::Forbidden);
    }
}
