//! Users of the installation and their roles.

use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, UserId};
use crate::locale::UiLang;
use crate::validate::required_text;
use crate::Invalid;

/// What a user may do, installation-wide. Which clients they may see is decided by membership
/// (see [`crate::permission`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the agency: every client, every user, every setting.
    Owner,
    /// Runs a team: creates clients and users, manages the clients they belong to.
    Manager,
    /// Writes, publishes and answers for the clients they belong to.
    CommunityManager,
    /// Reads everything of the clients they belong to; changes nothing.
    Analyst,
    /// A person at the client: belongs to exactly one client, sees its calendar, approves or
    /// rejects posts and comments; nothing else.
    ClientReviewer,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Owner, Role::Manager, Role::CommunityManager, Role::Analyst, Role::ClientReviewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::CommunityManager => "community_manager",
            Role::Analyst => "analyst",
            Role::ClientReviewer => "client_reviewer",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let v = value.trim().to_ascii_lowercase().replace('-', "_");
        let v = if v == "cm" { "community_manager".to_owned() } else { v };
        Role::ALL.into_iter().find(|r| r.as_str() == v).ok_or_else(|| {
            Invalid::new(
                "role",
                format!("unknown role '{value}' (owner, manager, community_manager, analyst, client_reviewer)"),
            )
        })
    }
}

/// An e-mail address used as the login; stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let v = value.trim().to_lowercase();
        let bad = || Invalid::new("email", format!("'{}' is not an e-mail address", value.trim()));
        let (local, domain) = v.split_once('@').ok_or_else(bad)?;
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            && v.len() <= 254
            && !domain.contains('@');
        if plausible {
            Ok(Self(v))
        } else {
            Err(bad())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

/// A user as stored, without secrets (password hash and second factor stay in storage and the
/// authentication use-case).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// The interface language chosen by the user; `None` follows the browser.
    pub ui_lang: Option<UiLang>,
    pub totp_enabled: bool,
    pub disabled: bool,
}

/// Checks a display name.
pub fn user_name(value: &str) -> Result<String, Invalid> {
    required_text("name", value, 120)
}

/// The smallest password accepted: long enough to resist guessing, with no composition rules
/// (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn check_new_password(password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Invalid::new("password", format!("must be at least {MIN_PASSWORD_CHARS} characters")));
    }
    if n > 1024 {
        return Err(Invalid::new("password", "must be at most 1024 characters"));
    }
    Ok(())
}

/// The clients a user belongs to, with the role that applies everywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub user_id: UserId,
    pub client_id: ClientId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse(" Marie@Agence.FR ").unwrap().as_str(), "marie@agence.fr");
        for bad in ["marie", "marie@agence", "@agence.fr", "ma rie@agence.fr", "a@b@c.fr"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_parse_from_their_names_and_cm() {
        assert_eq!(Role::parse("cm").unwrap(), Role::CommunityManager);
        assert_eq!(Role::parse("client-reviewer").unwrap(), Role::ClientReviewer);
        assert!(Role::parse("admin").is_err());
    }
}
