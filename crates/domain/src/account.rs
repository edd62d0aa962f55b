//! A client's connected social account: network, handle, and a reference to its encrypted credentials.

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, ClientId, SecretId};
use crate::validate::{optional_text, required_text};
use crate::Invalid;

/// The social networks an account can live on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Bluesky,
    Mastodon,
    Instagram,
    Facebook,
    Linkedin,
    X,
    Tiktok,
    Youtube,
    Pinterest,
    Threads,
}

impl Network {
    pub const ALL: [Network; 10] = [
        Network::Bluesky,
        Network::Mastodon,
        Network::Instagram,
        Network::Facebook,
        Network::Linkedin,
        Network::X,
        Network::Tiktok,
        Network::Youtube,
        Network::Pinterest,
        Network::Threads,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Network::Bluesky => "bluesky",
            Network::Mastodon => "mastodon",
            Network::Instagram => "instagram",
            Network::Facebook => "facebook",
            Network::Linkedin => "linkedin",
            Network::X => "x",
            Network::Tiktok => "tiktok",
            Network::Youtube => "youtube",
            Network::Pinterest => "pinterest",
            Network::Threads => "threads",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Network::Bluesky => "Bluesky",
            Network::Mastodon => "Mastodon",
            Network::Instagram => "Instagram",
            Network::Facebook => "Facebook",
            Network::Linkedin => "LinkedIn",
            Network::X => "X",
            Network::Tiktok => "TikTok",
            Network::Youtube => "YouTube",
            Network::Pinterest => "Pinterest",
            Network::Threads => "Threads",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Network::ALL
            .into_iter()
            .find(|n| n.as_str() == value.trim().to_ascii_lowercase())
            .ok_or_else(|| Invalid::new("network", format!("unknown network '{value}'")))
    }
}

/// Whether the account can be used to publish and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Credentials present and believed valid.
    Connected,
    /// Listed, but no credentials yet.
    #[default]
    NotConnected,
    /// The network refused the credentials; someone must reconnect.
    NeedsReconnect,
    /// Kept for history; nothing is published or read.
    Disabled,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 4] = [Self::Connected, Self::NotConnected, Self::NeedsReconnect, Self::Disabled];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NotConnected => "not_connected",
            Self::NeedsReconnect => "needs_reconnect",
            Self::Disabled => "disabled",
        }
    }
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
            .ok_or_else(|| Invalid::new("status", format!("unknown account status '{value}'")))
    }
}

/// A connected account as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub client_id: ClientId,
    pub profile: AccountProfile,
    pub status: AccountStatus,
    /// The encrypted credentials, if any; never the credentials themselves.
    pub credentials: Option<SecretId>,
}

/// What identifies an account on its network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountProfile {
    pub network: Network,
    pub handle: String,
    #[serde(default)]
    pub display_name: String,
}

impl AccountProfile {
    pub fn validate(mut self) -> Result<Self, Invalid> {
        self.handle = required_text("handle", &self.handle, 200)?;
        if self.handle.chars().any(char::is_whitespace) {
            return Err(Invalid::new("handle", "must not contain spaces"));
        }
        self.display_name = optional_text("display_name", &self.display_name, 200)?;
        Ok(self)
    }
}
