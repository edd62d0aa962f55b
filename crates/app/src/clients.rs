//! Client use-cases: listing what a user may see, creating, editing the brief and charter,
//! competitors, members, archiving. Every change is journaled in the same transaction.

use filrouge_domain::client::{Brief, Charter, Client, ClientProfile, ClientSummary, Competitor, CompetitorProfile};
use filrouge_domain::ids::{ClientId, CompetitorId, UserId};
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::permission::Action;
use filrouge_domain::user::{Role, User};
use filrouge_domain::Invalid;
use filrouge_store::Tx;

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::App;

/// The fields of a client's identity edited together on the settings page.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub name: String,
    pub colour: String,
    pub time_zone: String,
    pub languages: Vec<String>,
}

pub(crate) fn entry(
    actor: &Actor,
    at: jiff::Timestamp,
    client: Option<ClientId>,
    action: JournalAction,
    object: &str,
    summary: String,
) -> NewJournalEntry {
    NewJournalEntry {
        at,
        user_id: actor.user_id(),
        client_id: client,
        account_id: None,
        action,
        object: object.to_owned(),
        summary,
    }
}

impl App {
    /// The clients the actor may see, archived ones last.
    pub async fn visible_clients(&self, actor: &Actor) -> Result<Vec<Client>> {
        let mut tx = self.store.read().await?;
        let mut clients = match &actor.user {
            Some(u) if u.role != Role::Owner => tx.clients_of_user(u.id).await?,
            _ => tx.all_clients().await?,
        };
        clients.sort_by_key(|c| c.archived);
        Ok(clients)
    }

    /// What the client switcher lists: the clients the actor may see, by name, archived last.
    pub async fn client_switcher(&self, actor: &Actor) -> Result<Vec<ClientSummary>> {
        let user = actor.user.as_ref().filter(|u| u.role != Role::Owner).map(|u| u.id);
        Ok(self.store.read().await?.client_summaries(user).await?)
    }

    /// One client, if the actor may do `action` on it.
    pub async fn client(&self, actor: &Actor, slug: &str, action: Action) -> Result<Client> {
        let mut tx = self.store.read().await?;
        client_for(&mut tx, actor, slug, action).await
    }

    pub async fn create_client(&self, actor: &Actor, profile: ClientProfile) -> Result<Client> {
        actor.require(Action::CreateClient)?;
        let profile = profile.validate()?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let id = tx.insert_client(&profile, now).await?;
        if let Some(user) = &actor.user {
            if user.role != Role::Owner {
                tx.add_membership(user.id, id).await?;
            }
        }
        let summary = format!("client « {} » created", profile.name);
        tx.append_journal(&entry(actor, now, Some(id), JournalAction::ClientCreated, "client", summary)).await?;
        tx.commit().await?;
        Ok(Client { id, profile, archived: false })
    }

    async fn change_profile(
        &self,
        actor: &Actor,
        slug: &str,
        action: JournalAction,
        object: &str,
        change: impl FnOnce(&mut ClientProfile) -> Result<(), Invalid>,
    ) -> Result<Client> {
        let mut tx = self.store.write().await?;
        let mut client = client_for(&mut tx, actor, slug, Action::EditClientSettings).await?;
        change(&mut client.profile)?;
        client.profile = client.profile.validate()?;
        tx.update_client(client.id, &client.profile).await?;
        let summary = format!("{object} of « {} » edited", client.profile.name);
        tx.append_journal(&entry(actor, self.now(), Some(client.id), action, object, summary)).await?;
        tx.commit().await?;
        self.guards.invalidate();
        Ok(client)
    }

    pub async fn update_identity(&self, actor: &Actor, slug: &str, identity: Identity) -> Result<Client> {
        use filrouge_domain::client::{Colour, TimeZoneName};
        use filrouge_domain::locale::Lang;
        self.change_profile(actor, slug, JournalAction::BriefEdited, "identity", move |p| {
            p.colour = Colour::parse(&identity.colour)?;
            p.time_zone = TimeZoneName::parse(&identity.time_zone)?;
            p.languages = identity.languages.iter().map(|l| Lang::parse(l)).collect::<Result<Vec<_>, Invalid>>()?;
            p.name = identity.name;
            Ok(())
        })
        .await
    }

    pub async fn update_brief(&self, actor: &Actor, slug: &str, brief: Brief) -> Result<Client> {
        self.change_profile(actor, slug, JournalAction::BriefEdited, "brief", move |p| {
            p.brief = brief;
            Ok(())
        })
        .await
    }

    pub async fn update_charter(&self, actor: &Actor, slug: &str, charter: Charter) -> Result<Client> {
        self.change_profile(actor, slug, JournalAction::CharterEdited, "charter", move |p| {
            p.charter = charter;
            Ok(())
        })
        .await
    }

    pub async fn set_archived(&self, actor: &Actor, slug: &str, archived: bool) -> Result<()> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ArchiveClient).await?;
        tx.set_client_archived(client.id, archived).await?;
        let summary = format!("« {} » {}", client.profile.name, if archived { "archived" } else { "restored" });
        tx.append_journal(&entry(actor, self.now(), Some(client.id), JournalAction::ClientArchived, "client", summary))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn competitors(&self, actor: &Actor, slug: &str) -> Result<Vec<Competitor>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewClientSettings).await?;
        Ok(tx.competitors_of(client.id).await?)
    }

    pub async fn add_competitor(&self, actor: &Actor, slug: &str, profile: CompetitorProfile) -> Result<CompetitorId> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::EditClientSettings).await?;
        let profile = profile.validate()?;
        let id = tx.insert_competitor(client.id, &profile).await?;
        let summary = format!("competitor « {} » added", profile.name);
        tx.append_journal(&entry(
            actor,
            self.now(),
            Some(client.id),
            JournalAction::CompetitorAdded,
            &format!("competitor:{id}"),
            summary,
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn remove_competitor(&self, actor: &Actor, slug: &str, id: CompetitorId) -> Result<()> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::EditClientSettings).await?;
        let name = tx.competitors_of(client.id).await?.into_iter().find(|c| c.id == id).map(|c| c.profile.name);
        let Some(name) = name else { return Err(AppError::NotFound) };
        tx.delete_competitor(client.id, id).await?;
        let summary = format!("competitor « {name} » removed");
        tx.append_journal(&entry(
            actor,
            self.now(),
            Some(client.id),
            JournalAction::CompetitorRemoved,
            &format!("competitor:{id}"),
            summary,
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The users who belong to the client, by name.
    pub async fn members(&self, actor: &Actor, slug: &str) -> Result<Vec<User>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewClientSettings).await?;
        Ok(tx.users_of_client(client.id).await?)
    }

    pub async fn add_member(&self, actor: &Actor, slug: &str, user: UserId) -> Result<()> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageMembers).await?;
        let member = tx.user_by_id(user).await?.ok_or(AppError::NotFound)?;
        check_reviewer_has_one_client(&mut tx, &member, client.id).await?;
        if tx.add_membership(member.id, client.id).await? {
            let summary = format!("{} joined « {} »", member.name, client.profile.name);
            tx.append_journal(&entry(
                actor,
                self.now(),
                Some(client.id),
                JournalAction::MemberAdded,
                &format!("user:{}", member.email.as_str()),
                summary,
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds the user with this e-mail to the client (the members page's form).
    pub async fn add_member_by_email(&self, actor: &Actor, slug: &str, email: &str) -> Result<()> {
        let user = {
            let mut tx = self.store.read().await?;
            client_for(&mut tx, actor, slug, Action::ManageMembers).await?;
            tx.credentials_by_email(email).await?.map(|c| c.user.id)
        };
        let Some(user) = user else {
            return Err(Invalid::new("email", format!("no user has the e-mail address '{}'", email.trim())).into());
        };
        self.add_member(actor, slug, user).await
    }

    pub async fn remove_member(&self, actor: &Actor, slug: &str, user: UserId) -> Result<()> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageMembers).await?;
        let member = tx.user_by_id(user).await?.ok_or(AppError::NotFound)?;
        if tx.remove_membership(member.id, client.id).await? {
            // A reviewer removed from their only client has nothing left to see: end their sessions.
            if member.role == Role::ClientReviewer {
                tx.delete_sessions_of_user(member.id).await?;
            }
            let summary = format!("{} left « {} »", member.name, client.profile.name);
            tx.append_journal(&entry(
                actor,
                self.now(),
                Some(client.id),
                JournalAction::MemberRemoved,
                &format!("user:{}", member.email.as_str()),
                summary,
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A client reviewer belongs to exactly one client.
pub(crate) async fn check_reviewer_has_one_client(tx: &mut Tx, user: &User, client: ClientId) -> Result<()> {
    if user.role == Role::ClientReviewer {
        let current = tx.memberships_of(user.id).await?;
        if current.iter().any(|c| *c != client) {
            return Err(Invalid::new(
                "members",
                format!("{} is a client reviewer and already belongs to another client", user.name),
            )
            .into());
        }
    }
    Ok(())
}
