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
