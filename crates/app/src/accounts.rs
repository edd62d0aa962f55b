//! Connected accounts: list, add, edit, remove, with their credentials sealed by the secret box.
//! Credentials are write-only: people see a hint, never the token.

use filrouge_domain::account::{Account, AccountProfile, AccountStatus};
use filrouge_domain::ids::AccountId;
use filrouge_domain::journal::JournalAction;
use filrouge_domain::permission::Action;

use crate::access::{client_for, Actor};
use crate::clients::entry;
use crate::error::{AppError, Result};
use crate::secrets::hint;
use crate::App;

pub(crate) const ACCOUNT_PURPOSE: &str = "account";

/// An account with what may be shown of its credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountView {
    pub account: Account,
    /// `…a1b2` when credentials are stored.
    pub credentials_hint: Option<String>,
}

/// What to do with an account's credentials on edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsChange {
    Keep,
    Remove,
    Replace(String),
}

impl App {
    pub async fn accounts(&self, actor: &Actor, slug: &str) -> Result<Vec<AccountView>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewClientSettings).await?;
        let mut out = Vec::new();
        for account in tx.accounts_of(client.id).await? {
            let credentials_hint = match account.credentials {
                Some(id) => tx.secret(id).await?.map(|s| s.hint),
                None => None,
            };
            out.push(AccountView { account, credentials_hint });
        }
        Ok(out)
    }

    pub async fn add_account(
        &self,
        actor: &Actor,
        slug: &str,
        profile: AccountProfile,
        token: Option<String>,
    ) -> Result<AccountId> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageAccounts).await?;
        let profile = profile.validate()?;
        let token = token.filter(|t| !t.trim().is_empty());
        let (secret, status) = match &token {
            Some(t) => {
                let sealed = self.secrets.seal(ACCOUNT_PURPOSE, t.trim().as_bytes())?;
                (
                    Some(tx.insert_secret(ACCOUNT_PURPOSE, &sealed, &hint(t.trim()), now).await?),
                    AccountStatus::Connected,
                )
            }
            None => (None, AccountStatus::NotConnected),
        };
        let id = tx.insert_account(client.id, &profile, status, secret, now).await?;
        tx.append_journal(&account_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::AccountAdded,
            format!("{} account {} added", profile.network.label(), profile.handle),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn edit_account(
        &self,
        actor: &Actor,
        slug: &str,
        id: AccountId,
        profile: AccountProfile,
        status: Option<AccountStatus>,
        credentials: CredentialsChange,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageAccounts).await?;
        let profile = profile.validate()?;
        let account = tx.account(client.id, id).await?.ok_or(AppError::NotFound)?;
        let (secret, mut new_status) = match &credentials {
            CredentialsChange::Keep => (account.credentials, account.status),
            CredentialsChange::Remove => (None, AccountStatus::NotConnected),
            CredentialsChange::Replace(t) if t.trim().is_empty() => (account.credentials, account.status),
            CredentialsChange::Replace(t) => {
                let sealed = self.secrets.seal(ACCOUNT_PURPOSE, t.trim().as_bytes())?;
                (
                    Some(tx.insert_secret(ACCOUNT_PURPOSE, &sealed, &hint(t.trim()), now).await?),
                    AccountStatus::Connected,
                )
            }
        };
        if let Some(s) = status {
            new_status = s;
        }
        tx.update_account(client.id, id, &profile, new_status, secret).await?;
        if new_status == AccountStatus::Connected && account.status != AccountStatus::Connected {
            let released = tx.release_account(id, now).await?;
            tx.append_journal(&account_entry(
                actor,
                now,
                client.id,
                id,
                JournalAction::AccountReconnected,
                format!("{} reconnected; {released} held post(s) back in the queue", profile.handle),
            ))
            .await?;
        }
        if secret != account.credentials {
            if let Some(old) = account.credentials {
                tx.delete_secret(old).await?;
            }
            tx.append_journal(&account_entry(
                actor,
                now,
                client.id,
                id,
                JournalAction::CredentialsChanged,
                format!("credentials of {} {} changed", profile.network.label(), profile.handle),
            ))
            .await?;
        }
        tx.append_journal(&account_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::AccountEdited,
            format!("{} account {} edited", profile.network.label(), profile.handle),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_account(&self, actor: &Actor, slug: &str, id: AccountId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageAccounts).await?;
        let account = tx.account(client.id, id).await?.ok_or(AppError::NotFound)?;
        tx.delete_account(client.id, id).await?;
        if let Some(secret) = account.credentials {
            tx.delete_secret(secret).await?;
        }
        tx.append_journal(&account_entry(
            actor,
            now,
            client.id,
            id,
            JournalAction::AccountRemoved,
            format!("{} account {} removed", account.profile.network.label(), account.profile.handle),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The plaintext credentials of an account, for the networks code only (never shown).
    pub async fn account_credentials(&self, actor: &Actor, slug: &str, id: AccountId) -> Result<Option<String>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageAccounts).await?;
        let account = tx.account(client.id, id).await?.ok_or(AppError::NotFound)?;
        let Some(secret) = account.credentials else { return Ok(None) };
        let sealed = tx.secret(secret).await?.ok_or(AppError::NotFound)?;
        let plain = self.secrets.open(ACCOUNT_PURPOSE, &sealed.sealed)?;
        Ok(Some(String::from_utf8_lossy(&plain).into_owned()))
    }
}

/// A journal entry about one account of a client.
fn account_entry(
    actor: &Actor,
    at: jiff::Timestamp,
    client: filrouge_domain::ids::ClientId,
    account: AccountId,
    action: JournalAction,
    summary: String,
) -> filrouge_domain::journal::NewJournalEntry {
    let mut e = entry(actor, at, Some(client), action, &format!("account:{account}"), summary);
    e.account_id = Some(account);
    e
}
