//! Connecting accounts for publishing: credentials checked against the network before they are stored (sealed),
//! an existing account reconnected in place (its held posts go back to the queue), and a check of every
//! connection that marks refused ones "needs reconnection".

use filrouge_domain::account::{Account, AccountProfile, AccountStatus};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::AccountId;
use filrouge_domain::permission::Action;
use filrouge_networks::publish::PublishError;

use crate::access::{client_for, Actor};
use crate::accounts::CredentialsChange;
use crate::error::{AppError, Result};
use crate::App;

/// What checking a connection found.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionCheck {
    pub account: Account,
    /// Followers when the network answered; the error otherwise.
    pub outcome: std::result::Result<u64, String>,
}

impl App {
    /// Checks `connection` against the network (an authenticated read), then adds the account or, when the client
    /// already has it, replaces its credentials.
    pub async fn connect_account(
        &self,
        actor: &Actor,
        slug: &str,
        profile: AccountProfile,
        connection: Connection,
    ) -> Result<AccountId> {
        {
            let mut tx = self.store.read().await?;
            client_for(&mut tx, actor, slug, Action::ManageAccounts).await?;
        }
        let profile = profile.validate()?;
        let probe = Account {
            id: AccountId(0),
            client_id: filrouge_domain::ids::ClientId(0),
            profile: profile.clone(),
            status: AccountStatus::Connected,
            credentials: None,
        };
        if let Err(e) = self.probe(&probe, &connection).await {
            return Err(AppError::Invalid(filrouge_domain::Invalid::new(
                "credentials",
                format!("{} refused them: {e}", profile.network.label()),
            )));
        }
        let existing = self
            .accounts(actor, slug)
            .await?
            .into_iter()
            .find(|a| a.account.profile.network == profile.network && a.account.profile.handle == profile.handle);
        let id = match existing {
            Some(view) => {
                let id = view.account.id;
                let change = CredentialsChange::Replace(connection.to_secret());
                self.edit_account(actor, slug, id, profile, Some(AccountStatus::Connected), change).await?;
                id
            }
            None => self.add_account(actor, slug, profile, Some(connection.to_secret())).await?,
        };
        self.refresh_limits(id, &connection).await;
        Ok(id)
    }

    /// Reads what the account's server reports about its limits and keeps it with the account (the composer's
    /// counters and guards use it). A failure keeps what was stored and is only logged: the defaults still apply.
    async fn refresh_limits(&self, account: AccountId, connection: &Connection) {
        let Some(factory) = self.publishers.clone() else { return };
        let reported = match tokio::time::timeout(std::time::Duration::from_secs(30), factory.limits(connection)).await
        {
            Ok(Ok(Some(limits))) => limits,
            Ok(Ok(None)) => return,
            Ok(Err(e)) => {
                tracing::warn!(account = %account, error = %e, "instance limits not read");
                return;
            }
            Err(_) => {
                tracing::warn!(account = %account, "instance limits not read: no answer within 30 s");
                return;
            }
        };
        let result: Result<()> = async {
            let json = serde_json::to_string(&reported).map_err(|e| AppError::Remote(e.to_string()))?;
            let mut tx = self.store.write().await?;
            tx.set_account_network_limits(account, Some(&json)).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(account = %account, error = %e, "instance limits not stored");
        }
    }

    async fn probe(&self, account: &Account, connection: &Connection) -> std::result::Result<u64, String> {
        let factory = self.publishers.clone().ok_or("this process does not publish")?;
        let publisher = factory.publisher(account, connection)?;
        match tokio::time::timeout(std::time::Duration::from_secs(30), publisher.followers()).await {
            Ok(Ok(n)) => Ok(n),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("no answer within 30 s".into()),
        }
    }

    /// Checks every connected account of the client; one whose credentials the network refuses is marked
    /// "needs reconnection" and its posts are held.
    pub async fn check_accounts(&self, actor: &Actor, slug: &str) -> Result<Vec<ConnectionCheck>> {
        let accounts = {
            let mut tx = self.store.read().await?;
            let client = client_for(&mut tx, actor, slug, Action::ManageAccounts).await?;
            tx.accounts_of(client.id).await?
        };
        let mut out = Vec::new();
        for account in accounts {
            let Some(secret) = self.account_credentials(actor, slug, account.id).await? else {
                out.push(ConnectionCheck { account, outcome: Err("no credentials".into()) });
                continue;
            };
            let connection = match Connection::parse(&secret, account.profile.network, &account.profile.handle) {
                Ok(c) => c,
                Err(e) => {
                    out.push(ConnectionCheck { account, outcome: Err(e.to_string()) });
                    continue;
                }
            };
            let factory =
                self.publishers.clone().ok_or_else(|| AppError::Remote("this process does not publish".into()))?;
            let outcome = match factory.publisher(&account, &connection) {
                Err(e) => Err(e),
                Ok(p) => match p.followers().await {
                    Ok(n) => {
                        self.refresh_limits(account.id, &connection).await;
                        Ok(n)
                    }
                    Err(PublishError::NeedsReconnection(m)) => {
                        let mut tx = self.store.write().await?;
                        tx.hold_account(account.id, &m, self.now()).await?;
                        tx.commit().await?;
                        Err(m)
                    }
                    Err(e) => Err(e.to_string()),
                },
            };
            out.push(ConnectionCheck { account, outcome });
        }
        Ok(out)
    }
}
