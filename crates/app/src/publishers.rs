//! The real publishers and inbox readers: a guarded HTTP client per process and, per account, the network's
//! `Publisher` and `InboxReader` built from its connection.

use std::time::Duration;

use filrouge_domain::account::Account;
use filrouge_domain::connection::Connection;
use filrouge_listen::guard::{self, HttpSettings};
use filrouge_networks::inbox::InboxReader;
use filrouge_networks::publish::Publisher;
use url::Url;

use crate::publishing::PublisherFactory;

/// Builds Mastodon and Bluesky publishers on one guarded client (no internal addresses unless allowed, for test
/// servers; bounded bodies and time).
#[derive(Clone)]
pub struct NetworkPublishers {
    http: filrouge_listen::HttpClient,
    /// The time a Bluesky like records (the process's clock).
    clock: std::sync::Arc<dyn filrouge_domain::clock::Clock>,
    /// Where refreshed Bluesky OAuth grants are sealed back (`None`: kept in memory only).
    grants: Option<(filrouge_store::Store, crate::secrets::SecretBox)>,
}

impl std::fmt::Debug for NetworkPublishers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkPublishers").finish_non_exhaustive()
    }
}

impl NetworkPublishers {
    pub fn new(allow_private: bool) -> Result<Self, crate::AppError> {
        let settings = HttpSettings {
            allow_private,
            timeout: Duration::from_secs(50),
            max_body_bytes: 8 * 1024 * 1024,
            // Many accounts publish through one instance (mastodon.social, bsky.social): keep their connections.
            max_idle_per_host: 64,
            ..HttpSettings::default()
        };
        let http = guard::client(&settings).map_err(|e| crate::AppError::Remote(format!("HTTP client: {e}")))?;
        Ok(Self { http, clock: std::sync::Arc::new(filrouge_domain::clock::SystemClock), grants: None })
    }

    /// Uses this clock for what the networks record with a time (tests move it by hand).
    #[must_use]
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn filrouge_domain::clock::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Seals refreshed Bluesky OAuth grants back into their accounts in `store` (refresh tokens are single use: a
    /// grant refreshed and not kept would be lost at the next start).
    #[must_use]
    pub fn with_grant_store(mut self, store: filrouge_store::Store, secrets: crate::secrets::SecretBox) -> Self {
        self.grants = Some((store, secrets));
        self
    }

    /// The publisher of a Bluesky OAuth connection, on this process's clock and grant store.
    fn bluesky_oauth(
        &self,
        account: &Account,
        grant: &filrouge_domain::connection::BlueskyGrant,
    ) -> Result<filrouge_networks::bluesky::BlueskyPublisher, String> {
        let store: Option<std::sync::Arc<dyn filrouge_networks::bluesky::GrantStore>> =
            match (&self.grants, account.credentials) {
                (Some((store, secrets)), Some(secret)) => {
                    Some(std::sync::Arc::new(crate::oauth_connect::SealedGrant {
                        store: store.clone(),
                        secrets: secrets.clone(),
                        secret,
                    }))
                }
                _ => None,
            };
        filrouge_networks::bluesky::BlueskyPublisher::with_oauth(
            self.http.clone(),
            crate::oauth_connect::grant_from_domain(grant),
            self.now(),
            store,
        )
        .map_err(|e| e.to_string())
    }

    fn now(&self) -> filrouge_networks::bluesky::Now {
        let clock = self.clock.clone();
        std::sync::Arc::new(move || clock.now())
    }
}

impl crate::App {
    /// The real publishers on this application's clock, sealing refreshed OAuth grants into its store.
    pub fn network_publishers(&self, allow_private: bool) -> Result<NetworkPublishers, crate::AppError> {
        Ok(NetworkPublishers::new(allow_private)?
            .with_clock(self.clock.clone())
            .with_grant_store(self.store.clone(), self.secrets.clone()))
    }
}

fn url(value: &str) -> Result<Url, String> {
    Url::parse(value).map_err(|e| format!("'{value}': {e}"))
}

impl PublisherFactory for NetworkPublishers {
    fn publisher(&self, account: &Account, connection: &Connection) -> Result<Box<dyn Publisher>, String> {
        match connection {
            Connection::Mastodon { instance, token } => Ok(Box::new(
                filrouge_networks::mastodon::MastodonPublisher::new(self.http.clone(), url(instance)?, token.clone()),
            )),
            Connection::Bluesky { service, identifier, password } => {
                Ok(Box::new(filrouge_networks::bluesky::BlueskyPublisher::new(
                    self.http.clone(),
                    url(service)?,
                    identifier.clone(),
                    password.clone(),
                )))
            }
            Connection::BlueskyOAuth(grant) => Ok(Box::new(self.bluesky_oauth(account, grant)?)),
        }
    }

    fn limits<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> filrouge_networks::publish::BoxFuture<'a, Result<Option<filrouge_compose::InstanceLimits>, String>> {
        Box::pin(async move {
            let Connection::Mastodon { instance, .. } = connection else { return Ok(None) };
            let reported = filrouge_networks::mastodon::instance_limits(&self.http, &url(instance)?)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Some(filrouge_compose::InstanceLimits {
                max_characters: reported.max_characters as usize,
                characters_reserved_per_url: reported.characters_reserved_per_url as usize,
                max_media_attachments: reported.max_media_attachments as usize,
                image_size_limit: reported.image_size_limit,
                video_size_limit: reported.video_size_limit,
                supported_mime_types: reported.supported_mime_types,
            }))
        })
    }

    fn inbox(&self, account: &Account, connection: &Connection) -> Result<Box<dyn InboxReader>, String> {
        match connection {
            Connection::Mastodon { instance, token } => Ok(Box::new(filrouge_networks::mastodon::MastodonInbox::new(
                self.http.clone(),
                url(instance)?,
                token.clone(),
            ))),
            Connection::Bluesky { service, identifier, password } => {
                let clock = self.clock.clone();
                let now: filrouge_networks::bluesky::Now = std::sync::Arc::new(move || clock.now());
                Ok(Box::new(filrouge_networks::bluesky::BlueskyInbox::new(
                    self.http.clone(),
                    url(service)?,
                    identifier.clone(),
                    password.clone(),
                    now,
                )))
            }
            Connection::BlueskyOAuth(grant) => Ok(Box::new(filrouge_networks::bluesky::BlueskyInbox::with_publisher(
                self.bluesky_oauth(account, grant)?,
                self.now(),
            ))),
        }
    }
}
