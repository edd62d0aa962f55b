//! Use-cases of Fil Rouge. The web app, the command line and the workers all call these, and
//! permissions are checked here, once: nothing above this crate decides who may see or change
//! what. This crate knows neither HTTP nor SQL.

pub mod access;
pub mod accounts;
pub mod alerts;
pub mod auth;
pub mod calendar;
pub mod calendar_views;
pub mod clients;
pub mod config;
pub mod connect;
mod error;
pub mod export;
pub mod guards;
pub mod import;
pub mod import_csv;
pub mod inbox;
pub mod inbox_reply;
pub mod inbox_settings;
pub mod inbox_sync;
pub mod journal;
pub mod listening;
pub mod mailer;
pub mod matching;
pub mod media;
pub mod mentions;
pub mod oauth_connect;
pub mod polling;
pub mod posts;
pub mod publishers;
pub mod publishing;
pub mod queries;
pub mod queue;
pub mod reminders;
pub mod reviews;
pub mod search_index;
pub mod secrets;
pub mod slots;
pub mod sources;
pub mod streaming;
pub mod users;
pub mod veille;
pub mod workspace;

use std::sync::Arc;

use filrouge_domain::clock::Clock;
use filrouge_store::Store;

pub use access::Actor;
pub use error::AppError;
pub use filrouge_store::Engine;

/// Everything a use-case needs: storage, the clock, the secret box and the settings.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) secrets: secrets::SecretBox,
    pub(crate) settings: Arc<config::AuthSettings>,
    pub(crate) listening: Arc<listening::Listening>,
    pub(crate) veille: Arc<veille::Veille>,
    pub(crate) guards: Arc<guards::GuardTools>,
    /// Where media files are stored (`DATA/media`); `None`: media cannot be added.
    pub(crate) media_dir: Option<std::path::PathBuf>,
    pub(crate) publishing: Arc<publishing::PublishSettings>,
    /// Builds the publisher of an account; `None`: this process does not publish.
    pub(crate) publishers: Option<publishing::Factory>,
    /// Each account's inbox reader, kept between syncs so a session is opened once, not every cycle.
    pub(crate) inbox_readers: Arc<inbox_sync::Readers>,
    /// Connecting accounts through OAuth; `None`: only tokens and app passwords.
    pub(crate) oauth: Option<Arc<oauth_connect::OAuthSettings>>,
}

impl App {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        secrets: secrets::SecretBox,
        settings: config::AuthSettings,
    ) -> Self {
        let listening = Arc::new(listening::Listening::new(&config::ListenConfig::default(), None));
        let veille = Arc::new(veille::Veille::defaults());
        let guards = Arc::new(guards::GuardTools::default());
        Self {
            store,
            clock,
            secrets,
            settings: Arc::new(settings),
            listening,
            veille,
            guards,
            media_dir: None,
            publishing: Arc::new(publishing::PublishSettings::default()),
            publishers: None,
            inbox_readers: Arc::default(),
            oauth: None,
        }
    }

    /// The same application with this analysis, these queries' mailer and this public address.
    #[must_use]
    pub fn with_veille(mut self, veille: veille::Veille) -> Self {
        self.veille = Arc::new(veille);
        self
    }

    /// The same application storing media files under `dir`.
    #[must_use]
    pub fn with_media_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.media_dir = Some(dir);
        self
    }

    /// The same application publishing with these settings through these publishers.
    #[must_use]
    pub fn with_publishing(
        mut self,
        settings: publishing::PublishSettings,
        publishers: Arc<dyn publishing::PublisherFactory>,
    ) -> Self {
        self.publishing = Arc::new(settings);
        self.publishers = Some(publishers);
        self
    }

    /// The same application with these listening settings and this search index.
    #[must_use]
    pub fn with_listening(
        mut self,
        config: &config::ListenConfig,
        index: Option<Arc<search_index::SearchIndex>>,
    ) -> Self {
        self.listening = Arc::new(listening::Listening::new(config, index));
        self
    }

    /// The search index, when this process has one.
    pub fn search_index(&self) -> Option<&Arc<search_index::SearchIndex>> {
        self.listening.index.as_ref()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
