//! User use-cases: list, create, change role or state, reset passwords, and each user's own
//! preferences.

use filrouge_domain::ids::{ClientId, UserId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::locale::UiLang;
use filrouge_domain::permission::Action;
use filrouge_domain::user::{check_new_password, user_name, Email, Role, User};
use filrouge_domain::Invalid;
use filrouge_store::NewUser;

use crate::access::Actor;
use crate::auth::hash_password;
use crate::clients::entry;
use crate::error::{AppError, Result};
use crate::App;

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
    pub ui_lang: Option<UiLang>,
    /// Clients the user joins at once (exactly one for a client reviewer).
    pub clients: Vec<ClientId>,
}

/// A user with the clients they belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct UserWithClients {
    pub user: User,
    pub clients: Vec<ClientId>,
}

/// Managers may not create or change owners, nor make anyone an owner.
fn check_role_change(actor: &Actor, from: Option<Role>, to: Role) -> Result<()> {
    if actor.role() != Role::Owner && (to == Role::Owner || from == Some(Role::Owner)) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

impl App {
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserWithClients>> {
        actor.require(Action::ViewUsers)?;
        let mut tx = self.store.read().await?;
        let mut memberships: std::collections::HashMap<UserId, Vec<ClientId>> = std::collections::HashMap::new();
        for (user, client) in tx.all_memberships().await? {
            memberships.entry(user).or_default().push(client);
        }
        let users = tx.all_users().await?;
        Ok(users
            .into_iter()
            .map(|user| {
                let clients = memberships.remove(&user.id).unwrap_or_default();
                UserWithClients { user, clients }
            })
            .collect())
    }

    /// One page of users (by name) whose name or e-mail contains `search`, with their clients,
    /// and how many match in all.
    pub async fn users_page(
        &self,
        actor: &Actor,
        search: &str,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<UserWithClients>, u64)> {
        actor.require(Action::ViewUsers)?;
        let per_page = per_page.clamp(1, 500);
        let mut tx = self.store.read().await?;
        let (users, total) = tx.users_page(search, per_page, page.saturating_sub(1).saturating_mul(per_page)).await?;
        let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
        let mut memberships: std::collections::HashMap<UserId, Vec<ClientId>> = std::collections::HashMap::new();
        for (user, client) in tx.memberships_of_users(&ids).await? {
            memberships.entry(user).or_default().push(client);
        }
        let page = users
            .into_iter()
            .map(|user| {
                let clients = memberships.remove(&user.id).unwrap_or_default();
                UserWithClients { user, clients }
            })
            .collect();
        Ok((page, total))
    }

    pub async fn create_user(&self, actor: &Actor, input: NewUserInput) -> Result<UserId> {
        actor.require(Action::ManageUsers)?;
        check_role_change(actor, None, input.role)?;
        let email = Email::parse(&input.email)?;
        let name = user_name(&input.name)?;
        check_new_password(&input.password)?;
        if input.role == Role::ClientReviewer && input.clients.len() != 1 {
            return Err(Invalid::new("clients", "a client reviewer belongs to exactly one client").into());
        }
        for client in &input.clients {
            actor.require_on(Action::ManageMembers, *client)?;
        }
        let hash = hash_password(&input.password)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let id = tx
            .insert_user(
                &NewUser {
                    email: email.clone(),
                    name: name.clone(),
                    role: input.role,
                    password_hash: hash,
                    ui_lang: input.ui_lang,
                },
                now,
            )
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => {
                    AppError::Conflict(format!("a user with the e-mail {} already exists", email.as_str()))
                }
                other => other,
            })?;
        for client in &input.clients {
            if tx.client_by_id(*client).await?.is_none() {
                return Err(AppError::NotFound);
            }
            tx.add_membership(id, *client).await?;
        }
        let summary = format!("user {name} <{}> created as {}", email.as_str(), input.role.as_str());
        tx.append_journal(&entry(
            actor,
            now,
            None,
            JournalAction::UserCreated,
            &format!("user:{}", email.as_str()),
            summary,
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes another user's name, role or disabled state. The last active owner stays.
    pub async fn edit_user(&self, actor: &Actor, id: UserId, name: &str, role: Role, disabled: bool) -> Result<()> {
        actor.require(Action::ManageUsers)?;
        let name = user_name(name)?;
        let mut tx = self.store.write().await?;
        let mut user = tx.user_by_id(id).await?.ok_or(AppError::NotFound)?;
        check_role_change(actor, Some(user.role), role)?;
        if role == Role::ClientReviewer && user.role != Role::ClientReviewer && tx.memberships_of(id).await?.len() > 1 {
            return Err(Invalid::new(
                "role",
                "a client reviewer belongs to exactly one client: remove the other memberships first",
            )
            .into());
        }
        let was_active_owner = user.role == Role::Owner && !user.disabled;
        user.name = name;
        user.role = role;
        user.disabled = disabled;
        tx.update_user(&user).await?;
        if was_active_owner && (role != Role::Owner || disabled) && tx.count_active_owners().await? == 0 {
            return Err(Invalid::new("role", "the installation must keep at least one active owner").into());
        }
        if disabled {
            tx.delete_sessions_of_user(id).await?;
        }
        let summary = format!("user {} now {}{}", user.name, role.as_str(), if disabled { ", disabled" } else { "" });
        tx.append_journal(&entry(
            actor,
            self.now(),
            None,
            JournalAction::UserEdited,
            &format!("user:{}", user.email.as_str()),
            summary,
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a user's password (administration, or the operator at the command line) and ends
    /// their sessions.
    pub async fn set_password(&self, actor: &Actor, email: &str, password: &str) -> Result<()> {
        actor.require(Action::ManageUsers)?;
        check_new_password(password)?;
        let hash = hash_password(password)?;
        let mut tx = self.store.write().await?;
        let creds = tx.credentials_by_email(email).await?.ok_or(AppError::NotFound)?;
        check_role_change(actor, Some(creds.user.role), creds.user.role)?;
        tx.set_password_hash(creds.user.id, &hash).await?;
        tx.delete_sessions_of_user(creds.user.id).await?;
        let summary = format!("password of {} reset", creds.user.name);
        tx.append_journal(&entry(
            actor,
            self.now(),
            None,
            JournalAction::PasswordChanged,
            &format!("user:{}", creds.user.email.as_str()),
            summary,
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed-in user's interface language (`None`: follow the browser).
    pub async fn set_own_language(&self, actor: &Actor, lang: Option<UiLang>) -> Result<()> {
        let Some(user) = &actor.user else { return Err(AppError::Forbidden) };
        let mut tx = self.store.write().await?;
        // The stored user, not the actor's copy: writing that back would undo a change of name,
        // role or state made by an administrator since the actor was loaded.
        let mut user = tx.user_by_id(user.id).await?.ok_or(AppError::NotFound)?;
        user.ui_lang = lang;
        tx.update_user(&user).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a user (by e-mail) to a client; used by the members page and the command line.
    pub async fn user_by_email(&self, actor: &Actor, email: &str) -> Result<User> {
        actor.require(Action::ViewUsers)?;
        let creds = self.store.read().await?.credentials_by_email(email).await?.ok_or(AppError::NotFound)?;
        Ok(creds.user)
    }
}
