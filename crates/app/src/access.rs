//! Who is acting, and the one function that decides whether they may.

use filrouge_domain::client::Client;
use filrouge_domain::ids::{ClientId, UserId};
use filrouge_domain::permission::{decide, Action, Decision};
use filrouge_domain::user::{Role, User};
use filrouge_store::Tx;

use crate::error::{AppError, Result};

/// The person (or the operator at the command line) on whose behalf a use-case runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// `None` for the operator at the command line, who has the owner's rights.
    pub user: Option<User>,
    pub memberships: Vec<ClientId>,
}

impl Actor {
    /// The operator running `filrouge` commands on the server itself.
    pub fn operator() -> Self {
        Self { user: None, memberships: Vec::new() }
    }

    pub fn role(&self) -> Role {
        self.user.as_ref().map_or(Role::Owner, |u| u.role)
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.user.as_ref().map(|u| u.id)
    }

    /// A short name for the journal and logs.
    pub fn display(&self) -> String {
        self.user.as_ref().map_or_else(|| "operator".to_owned(), |u| u.name.clone())
    }

    /// Checks an installation-wide action.
    pub fn require(&self, action: Action) -> Result<()> {
        match decide(self.role(), &self.memberships, action, None) {
            Decision::Allowed => Ok(()),
            Decision::Hidden => Err(AppError::NotFound),
            Decision::Forbidden => Err(AppError::Forbidden),
        }
    }

    /// Checks an action on one client.
    pub fn require_on(&self, action: Action, client: ClientId) -> Result<()> {
        match decide(self.role(), &self.memberships, action, Some(client)) {
            Decision::Allowed => Ok(()),
            Decision::Hidden => Err(AppError::NotFound),
            Decision::Forbidden => Err(AppError::Forbidden),
        }
    }

    pub fn may(&self, action: Action, client: Option<ClientId>) -> bool {
        decide(self.role(), &self.memberships, action, client) == Decision::Allowed
    }
}

/// Loads a client by slug and checks the actor may do `action` on it: the door every
/// client-scoped use-case goes through. A client the actor cannot see is "not found".
pub(crate) async fn client_for(tx: &mut Tx, actor: &Actor, slug: &str, action: Action) -> Result<Client> {
    let client = tx.client_by_slug(slug).await?.ok_or(AppError::NotFound)?;
    actor.require_on(action, client.id)?;
    Ok(client)
}
