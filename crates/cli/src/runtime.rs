//! Turning a configuration into a running application: logging, the data directory, the secret
//! key, storage (migrated), and the `App`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use filrouge_app::config::{Config, LogFormat};
use filrouge_app::search_index::SearchIndex;
use filrouge_app::secrets::SecretBox;
use filrouge_app::App;
use filrouge_domain::clock::SystemClock;
use filrouge_store::Store;
use tracing_subscriber::EnvFilter;

pub fn init_logging(config: &Config) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(&config.log.level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match config.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The secret key: from the configuration, else from DATA/secret.key, created (0600) when
/// missing.
pub fn secret_box(config: &Config) -> anyhow::Result<SecretBox> {
    if let Some(key) = &config.secrets.key {
        return SecretBox::from_base64(key).context("secrets.key");
    }
    let path = config.data_dir.join("secret.key");
    if !path.exists() {
        write_new_key(&path)?;
        tracing::info!(path = %path.display(), "generated a new secret key");
    }
    let key = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    SecretBox::from_base64(&key).with_context(|| format!("{}", path.display()))
}

fn write_new_key(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(SecretBox::generate_key().as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Creates the data directory (0700) if needed.
pub fn ensure_data_dir(config: &Config) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if !config.data_dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&config.data_dir)
            .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
    }
    Ok(())
}

/// Opens storage, applies migrations and builds the application.
pub async fn open_app(config: &Config) -> anyhow::Result<App> {
    ensure_data_dir(config)?;
    let secrets = secret_box(config)?;
    let url = config.database_url();
    let store = Store::open(&url).await.with_context(|| format!("database {}", filrouge_store::redact_url(&url)))?;
    let index_dir = config.data_dir.join("index");
    let (index, recreated) =
        SearchIndex::open(&index_dir).with_context(|| format!("search index {}", index_dir.display()))?;
    if recreated {
        tracing::info!(dir = %index_dir.display(), "search index (re)created; it is rebuilt from the database");
    }
    let veille = filrouge_app::veille::Veille::new(&config.analysis, &config.mail, &config.web.public_url)
        .map_err(|e| crate::config::ConfigError(e.to_string()))?;
    let app = App::new(store, Arc::new(SystemClock), secrets, config.auth.clone())
        .with_listening(&config.listen, Some(Arc::new(index)))
        .with_veille(veille)
        .with_media_dir(config.data_dir.join("media"));
    let p = &config.publishing;
    if !p.enabled {
        return Ok(app);
    }
    let resolver = filrouge_networks::bluesky::identity::Resolver {
        handles: url::Url::parse(&p.bluesky_handle_resolver)
            .with_context(|| format!("publishing.bluesky_handle_resolver {}", p.bluesky_handle_resolver))?,
        plc: url::Url::parse(&p.bluesky_plc_directory)
            .with_context(|| format!("publishing.bluesky_plc_directory {}", p.bluesky_plc_directory))?,
    };
    let oauth =
        filrouge_app::oauth_connect::OAuthSettings::new(&config.web.public_url, resolver, p.allow_private_addresses)?;
    let app = app.with_oauth(oauth);
    let publishers = app.network_publishers(p.allow_private_addresses)?;
    let mut settings = filrouge_app::publishing::PublishSettings {
        worker: worker_name(std::process::id()).unwrap_or_else(|| format!("{}-{}", hostname(), std::process::id())),
        batch: p.batch.max(1),
        concurrency: p.concurrency.max(1),
        installation: installation_id(config)?,
        ..Default::default()
    };
    settings.pace.insert(
        filrouge_domain::account::Network::Bluesky,
        jiff::SignedDuration::from_millis(i64::try_from(p.bluesky_pace_ms).unwrap_or(i64::MAX)),
    );
    settings.pace.insert(
        filrouge_domain::account::Network::Mastodon,
        jiff::SignedDuration::from_millis(i64::try_from(p.mastodon_pace_ms).unwrap_or(i64::MAX)),
    );
    Ok(app.with_publishing(settings, Arc::new(publishers)))
}

/// `host/pid/start`: a process of this host, told apart from a later one that reuses its pid by its start time.
pub fn worker_name(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let start = stat.rsplit(')').next()?.split_whitespace().nth(19)?.to_owned();
    Some(format!("{}/{pid}/{start}", hostname()))
}

/// Whether the worker named `name` is a process of this host that no longer runs (its claims can be taken over
/// at once instead of after their lease).
pub fn worker_is_dead_here(name: &str) -> bool {
    let mut parts = name.split('/');
    let (Some(host), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next()) else { return false };
    if host != hostname() {
        return false;
    }
    let Ok(pid) = pid.parse::<u32>() else { return false };
    worker_name(pid).as_deref() != Some(name)
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "host".into())
}

/// A random id made once per data directory (`DATA/installation-id`), part of every idempotency key, so two
/// installations publishing to one account never share keys.
fn installation_id(config: &Config) -> anyhow::Result<String> {
    let path = config.data_dir.join("installation-id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim().to_owned();
        if !id.is_empty() {
            return Ok(id);
        }
    }
    let id: String = filrouge_app::auth::random_token().chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, &id).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(id)
}

/// Held by a running server for as long as it runs: a second server on the same data directory,
/// or a `restore` under a running server, is refused instead of corrupting the database.
#[derive(Debug)]
pub struct DataDirLock {
    _file: std::fs::File,
}

/// Takes the data directory's lock, or says who holds it.
pub fn lock_data_dir(config: &Config, purpose: &str) -> anyhow::Result<DataDirLock> {
    ensure_data_dir(config)?;
    let path = config.data_dir.join("filrouge.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(DataDirLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "cannot {purpose}: a filrouge server is running on {} (stop it first)",
            config.data_dir.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}
