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
        Ok(Self { http, clock: std::sync::Arc::new(filrouge_domain::clock::SystemClock) })
    }

    /// Uses this clock for what the networks record with a time (tests move it by hand).
    #[must_use]
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn filrouge_domain::clock::Clock>) -> Self {
        self.clock = clock;
        self
    }
}

fn url(value: &str) -> Result<Url, String> {
    Url::parse(value).map_err(|e| format!("'{value}': {e}"))
}

impl PublisherFactory for NetworkPublishers {
    fn publisher(&self, _account: &Account, connection: &Connection) -> Result<Box<dyn Publisher>, String> {
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

    fn inbox(&self, _account: &Account, connection: &Connection) -> Result<Box<dyn InboxReader>, String> {
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
        }
    }
}
