//! The typed configuration of an installation. Loading it (file, then `FILROUGE_*` variables) is
//! the binary's job; this is the shape and the defaults, documented in docs/configuration.md.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Every setting, with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the SQLite database, the generated secret key and backups live.
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub web: WebConfig,
    pub metrics: MetricsConfig,
    pub auth: AuthSettings,
    pub secrets: SecretsConfig,
    pub log: LogConfig,
    pub listen: ListenConfig,
    pub analysis: AnalysisConfig,
    pub mail: MailConfig,
    pub publishing: PublishingConfig,
    pub inbox: InboxConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            database: DatabaseConfig::default(),
            web: WebConfig::default(),
            metrics: MetricsConfig::default(),
            auth: AuthSettings::default(),
            secrets: SecretsConfig::default(),
            log: LogConfig::default(),
            listen: ListenConfig::default(),
            analysis: AnalysisConfig::default(),
            mail: MailConfig::default(),
            publishing: PublishingConfig::default(),
            inbox: InboxConfig::default(),
        }
    }
}

/// The inbox worker of `serve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InboxConfig {
    /// Seconds between two syncs of every connected account's inbox (0: `serve` does not sync; `filrouge inbox
    /// sync` still does).
    pub sync_secs: u64,
}

impl Default for InboxConfig {
    fn default() -> Self {
        Self { sync_secs: 60 }
    }
}

/// The publishing engine of `serve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublishingConfig {
    /// Whether this process publishes (several processes may; they share the queue).
    pub enabled: bool,
    /// Deliveries claimed per round.
    pub batch: usize,
    /// Network calls made at once.
    pub concurrency: usize,
    /// The least time between two posts of one Bluesky account, in milliseconds.
    pub bluesky_pace_ms: u64,
    /// The least time between two posts of one Mastodon account, in milliseconds.
    pub mastodon_pace_ms: u64,
    /// Allow publishing to loopback and private addresses (test servers only).
    pub allow_private_addresses: bool,
    /// Where Bluesky handles are resolved when connecting through OAuth (`com.atproto.identity.resolveHandle`).
    pub bluesky_handle_resolver: String,
    /// The PLC directory (DID documents of `did:plc` accounts).
    pub bluesky_plc_directory: String,
}

impl Default for PublishingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            batch: 64,
            concurrency: 16,
            bluesky_pace_ms: 2_000,
            mastodon_pace_ms: 5_000,
            allow_private_addresses: false,
            bluesky_handle_resolver: "https://bsky.social".into(),
            bluesky_plc_directory: "https://plc.directory".into(),
        }
    }
}

impl Config {
    /// The database URL in force: the configured one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("filrouge.db").display()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`; empty means SQLite in `data_dir`.
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    pub listen: SocketAddr,
    /// The address people use to reach the app (for links in e-mails); also decides whether
    /// cookies are marked Secure (when it starts with https://).
    pub public_url: String,
    /// Force the Secure flag on cookies even when `public_url` is http (behind a TLS proxy).
    pub secure_cookies: Option<bool>,
    /// Seconds a request may take before it is cut.
    pub request_timeout_secs: u64,
    /// Trust `X-Forwarded-For` for the client address (only behind your own proxy).
    pub trust_forwarded_for: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: None,
            request_timeout_secs: 30,
            trust_forwarded_for: false,
        }
    }
}

impl WebConfig {
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.public_url.starts_with("https://"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Prometheus `/metrics` listens here, apart from the app; `None` disables it.
    pub listen: Option<SocketAddr>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { listen: Some(SocketAddr::from(([127, 0, 0, 1], 9464))) }
    }
}

/// Sessions and sign-in limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: u32,
    /// Failed sign-ins allowed per e-mail address within `failure_window_minutes`.
    pub max_failures_per_email: u32,
    /// Failed sign-ins allowed per client address within `failure_window_minutes`.
    pub max_failures_per_ip: u32,
    pub failure_window_minutes: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 12 * 60,
            max_failures_per_email: 10,
            max_failures_per_ip: 50,
            failure_window_minutes: 15,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// The 32-byte key that encrypts network tokens, base64. When absent it is read from
    /// `data_dir/secret.key`, created there (mode 0600) at first start.
    pub key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` filter: `info`, `filrouge=debug,sqlx=warn`, …
    pub level: String,
    /// `text` for people, `json` for log collectors.
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into(), format: LogFormat::Text }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Listening: how sources are polled and what the fetcher may reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListenConfig {
    /// Let feeds and instances resolve to loopback, private or link-local addresses (an intranet
    /// feed you trust, or tests). Off by default: a feed must never be a way into your network.
    pub allow_private_addresses: bool,
    /// Normal minutes between two fetches of a healthy source.
    pub poll_interval_minutes: u32,
    /// Never sooner than this, whatever a server says.
    pub min_interval_minutes: u32,
    /// Never later than this for a healthy source.
    pub max_interval_minutes: u32,
    /// Longest wait after repeated failures.
    pub max_backoff_minutes: u32,
    /// Seconds a whole request may take, body included.
    pub timeout_secs: u64,
    /// Largest feed or page accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests at once to one host, and overall.
    pub per_host_concurrency: usize,
    pub concurrency: usize,
    /// Whether `serve` polls sources (turn off on web-only processes of a PostgreSQL deployment).
    pub poll: bool,
}

impl Default for ListenConfig {
    fn default() -> Self {
        Self {
            allow_private_addresses: false,
            poll_interval_minutes: 15,
            min_interval_minutes: 5,
            max_interval_minutes: 6 * 60,
            max_backoff_minutes: 24 * 60,
            timeout_secs: 30,
            max_body_bytes: 8 * 1024 * 1024,
            per_host_concurrency: 2,
            concurrency: 64,
            poll: true,
        }
    }
}

/// Analysis of incoming mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalysisConfig {
    /// The languages mentions may be detected in (ISO 639-1 codes); detection picks among these only.
    pub languages: Vec<String>,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self { languages: ["fr", "en", "es", "de", "it", "pt", "nl"].map(String::from).to_vec() }
    }
}

/// How the mail server is reached for alert e-mails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// Plain SMTP (a relay on the same machine or network).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// The mail server alert e-mails are handed to. Without a host, alerts stay in the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    pub host: Option<String>,
    pub port: u16,
    pub security: MailSecurity,
    pub username: Option<String>,
    /// Never logged; `config print` shows it redacted.
    pub password: Option<String>,
    /// The sender, e.g. `Fil Rouge <alertes@agence.fr>`.
    pub from: String,
    /// Seconds one SMTP exchange may take.
    pub timeout_secs: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            host: None,
            port: 587,
            security: MailSecurity::Starttls,
            username: None,
            password: None,
            from: "Fil Rouge <filrouge@localhost>".into(),
            timeout_secs: 20,
        }
    }
}
