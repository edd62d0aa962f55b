//! Identifiers: numeric row ids wrapped per entity, and the URL-safe client slug.

use serde::{Deserialize, Serialize};

use crate::Invalid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(/// A client (a brand the agency works for: one workspace).
    ClientId);
id_type!(/// A user of the installation.
    UserId);
id_type!(/// A connected social account of a client.
    AccountId);
id_type!(/// A competitor watched for a client.
    CompetitorId);
id_type!(/// An encrypted secret (a network token).
    SecretId);
id_type!(/// A journal entry.
    JournalId);

/// A client's short name in addresses: lower-case ASCII letters, digits and single hyphens,
/// 2 to 40 characters, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let bad = |reason: &str| Invalid::new("slug", reason.to_owned());
        if value.len() < 2 || value.len() > 40 {
            return Err(bad("must be 2 to 40 characters"));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(bad("must start with a lower-case letter"));
        }
        if !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(bad("may contain only a-z, 0-9 and '-'"));
        }
        if value.ends_with('-') || value.contains("--") {
            return Err(bad("must not end with '-' or contain '--'"));
        }
        Ok(Self(value.to_owned()))
    }

    /// Derives a slug from a display name: `Pizzeria Da Marco` → `pizzeria-da-marco`.
    pub fn from_name(name: &str) -> Result<Self, Invalid> {
        let mut out = String::new();
        for c in name.to_lowercase().chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(40).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn fold_accent(c: char) -> Vec<char> {
    let folded = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' => 'y',
        'œ' => return vec!['o', 'e'],
        'æ' => return vec!['a', 'e'],
        other => other,
    };
    vec![folded]
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_the_url_alphabet_only() {
        assert!(Slug::parse("da-marco").is_ok());
        assert!(Slug::parse("osteo-2").is_ok());
        for bad in ["a", "Da-marco", "2pizza", "da--marco", "da-", "da marco", "dà"] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn slugs_derive_from_names_with_accents_folded() {
        assert_eq!(Slug::from_name("Pizzeria Da Marco").unwrap().as_str(), "pizzeria-da-marco");
        assert_eq!(Slug::from_name("Cabinet d'ostéopathie Léa").unwrap().as_str(), "cabinet-d-osteopathie-lea");
        assert_eq!(Slug::from_name("Œuvres & Co.").unwrap().as_str(), "oeuvres-co");
    }
}

id_type!(/// A listening source of a client (a feed, a Bluesky search, a Mastodon hashtag).
    SourceId);
id_type!(/// A mention in the archive (stored once, whatever the number of clients and sources).
    MentionId);
id_type!(/// A listening query of a client (its brand, a product, a competitor, a hashtag).
    QueryId);
id_type!(/// One match of a listening query on a mention; the ids are the order matches were found in.
    HitId);
id_type!(/// A post of the fil rouge (one text for one or several accounts).
    PostId);
id_type!(/// A campaign grouping posts of one client.
    CampaignId);
id_type!(/// A media file in a client's library.
    MediaId);
id_type!(/// A recurring posting slot of an account.
    SlotId);
id_type!(/// A comment on a post (a reviewer's or a teammate's).
    CommentId);
id_type!(/// An item of the inbox (a reply, a mention, a quote, a private message, a listening mention to answer).
    InboxItemId);
id_type!(/// A saved reply of a client.
    SavedReplyId);
id_type!(/// A team note on an inbox item.
    InboxNoteId);
id_type!(/// A reply written from the inbox.
    InboxReplyId);
