//! How an account is connected: what its sealed credentials hold (the instance and token on Mastodon; the PDS,
//! identifier and app password on Bluesky, or the OAuth grant: DPoP-bound tokens and the key they are bound to).
//! Serialised as JSON inside the encrypted secret; never printed.

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// The credentials of one connected account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Connection {
    Mastodon {
        /// `https://mastodon.example`
        instance: String,
        token: String,
    },
    Bluesky {
        /// The account's PDS (`https://bsky.social`).
        service: String,
        /// Handle or e-mail.
        identifier: String,
        /// An app password.
        password: String,
    },
    /// A Bluesky account connected through OAuth (PAR + PKCE + DPoP): tokens bound to `dpop_private_jwk`.
    #[serde(rename = "bluesky_oauth")]
    BlueskyOAuth(BlueskyGrant),
}

/// What a Bluesky OAuth connection keeps: who it is for, which authorization server issued its tokens, the tokens
/// and the DPoP key they are bound to. The tokens rotate on refresh, and the new ones are sealed back in its place.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueskyGrant {
    /// The account's PDS (`https://morel.us-east.host.bsky.network`).
    pub service: String,
    pub did: String,
    /// The handle when connected (for addresses; the DID is what counts).
    pub handle: String,
    /// The authorization server (`https://bsky.social`).
    pub issuer: String,
    /// Our client id on that server (the loopback form or our metadata document's address).
    pub client_id: String,
    pub access: String,
    pub refresh: String,
    /// When the access token stops working, in milliseconds since the epoch.
    pub expires_at_ms: i64,
    /// The DPoP private key (P-256) as a JWK.
    pub dpop_private_jwk: String,
}

impl std::fmt::Debug for BlueskyGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlueskyGrant")
            .field("service", &self.service)
            .field("did", &self.did)
            .field("handle", &self.handle)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mastodon { instance, .. } => {
                f.debug_struct("Mastodon").field("instance", instance).finish_non_exhaustive()
            }
            Self::Bluesky { service, identifier, .. } => f
                .debug_struct("Bluesky")
                .field("service", service)
                .field("identifier", identifier)
                .finish_non_exhaustive(),
            Self::BlueskyOAuth(grant) => grant.fmt(f),
        }
    }
}

impl Connection {
    /// Reads sealed credentials: the JSON form, or a bare token (a Mastodon token on the instance of the handle
    /// `@user@instance`; a Bluesky app password for the handle on bsky.social) as accounts added before it stored.
    pub fn parse(secret: &str, network: crate::account::Network, handle: &str) -> Result<Self, Invalid> {
        let secret = secret.trim();
        if secret.starts_with('{') {
            return serde_json::from_str(secret).map_err(|e| Invalid::new("credentials", format!("unreadable: {e}")));
        }
        match network {
            crate::account::Network::Mastodon => {
                let host = handle.trim_start_matches('@').split_once('@').map(|(_, h)| h).unwrap_or_default();
                if host.is_empty() {
                    return Err(Invalid::new("credentials", "a Mastodon token needs a handle like @user@instance"));
                }
                Ok(Self::Mastodon { instance: format!("https://{host}"), token: secret.to_owned() })
            }
            crate::account::Network::Bluesky => Ok(Self::Bluesky {
                service: "https://bsky.social".to_owned(),
                identifier: handle.trim_start_matches('@').to_owned(),
                password: secret.to_owned(),
            }),
            other => Err(Invalid::new("credentials", format!("publishing to {} is not available yet", other.label()))),
        }
    }

    pub fn to_secret(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Network;

    #[test]
    fn json_and_bare_tokens_are_read_and_debug_hides_secrets() {
        let c = Connection::Mastodon { instance: "https://m.test".into(), token: "s3cr3t".into() };
        assert_eq!(Connection::parse(&c.to_secret(), Network::Mastodon, "@a@m.test").unwrap(), c);
        assert!(!format!("{c:?}").contains("s3cr3t"));
        let bare = Connection::parse("tok", Network::Mastodon, "@ada@social.test").unwrap();
        assert_eq!(bare, Connection::Mastodon { instance: "https://social.test".into(), token: "tok".into() });
        assert!(Connection::parse("tok", Network::Mastodon, "ada").is_err());
        assert!(Connection::parse("tok", Network::Linkedin, "x").is_err());
    }

    #[test]
    fn an_oauth_grant_round_trips_and_hides_its_secrets() {
        let c = Connection::BlueskyOAuth(BlueskyGrant {
            service: "http://localhost:2583".into(),
            did: "did:plc:abc".into(),
            handle: "ada.test".into(),
            issuer: "http://localhost:2583".into(),
            client_id: "http://localhost?scope=atproto".into(),
            access: "acc-SECRET".into(),
            refresh: "ref-SECRET".into(),
            expires_at_ms: 1_700_000_000_000,
            dpop_private_jwk: r#"{"kty":"EC","d":"KEY-SECRET"}"#.into(),
        });
        let secret = c.to_secret();
        assert!(secret.contains(r#""kind":"bluesky_oauth""#), "{secret}");
        assert_eq!(Connection::parse(&secret, Network::Bluesky, "ada.test").unwrap(), c);
        let shown = format!("{c:?}");
        assert!(shown.contains("did:plc:abc") && !shown.contains("SECRET"), "{shown}");
    }
}
