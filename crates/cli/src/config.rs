//! Loading the configuration: defaults, then the TOML file, then `FILROUGE_*` environment
//! variables (`__` separates levels). Errors name the file or variable, the key and the reason.

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use filrouge_app::config::Config;

/// A configuration that cannot be used; the binary exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Loads the configuration from `file` (or ./filrouge.toml when present) and the environment.
pub fn load(file: Option<&Path>, data_override: Option<&Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    match file {
        Some(path) => {
            if !path.exists() {
                return Err(ConfigError(format!("{}: configuration file not found", path.display())));
            }
            // Parse once ourselves for a line:column on syntax errors; figment then merges.
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
            if let Err(e) = text.parse::<toml::Table>() {
                let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
                return Err(ConfigError(format!(
                    "{}:{line}:{col}: {}",
                    path.display(),
                    e.message().trim().replace('\n', "; ")
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        None => {
            let default = PathBuf::from("filrouge.toml");
            if default.exists() {
                figment = figment.merge(Toml::file_exact(default));
            }
        }
    }
    figment = figment.merge(
        Env::prefixed("FILROUGE_")
            .filter(|k| {
                let k = k.as_str().to_ascii_lowercase();
                // Not configuration: the file, a password, and the test harness's own variables.
                !matches!(
                    k.as_str(),
                    "config"
                        | "password"
                        | "account_secret"
                        | "pg_bin"
                        | "mastodon_mock"
                        | "mastodon_venv"
                        | "bluesky_dev_env"
                ) && !k.starts_with("test_")
            })
            .split("__"),
    );
    let mut config: Config = figment.extract().map_err(|e| ConfigError(describe(e)))?;
    if let Some(data) = data_override {
        config.data_dir = data.to_path_buf();
    }
    Ok(config)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
}

/// One line per problem: where (file or variable), which key, why.
fn describe(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            let key = if e.path.is_empty() { "(top level)".to_owned() } else { e.path.join(".") };
            let source = e
                .metadata
                .as_ref()
                .map(|m| match &m.source {
                    Some(figment::Source::File(p)) => p.display().to_string(),
                    _ => m.name.to_string(),
                })
                .unwrap_or_else(|| "configuration".to_owned());
            format!("{source}: key `{key}`: {}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The configuration as TOML with secrets hidden.
pub fn redacted(config: &Config) -> Result<String, ConfigError> {
    let mut shown = config.clone();
    if shown.secrets.key.is_some() {
        shown.secrets.key = Some("<redacted>".into());
    }
    if shown.mail.password.is_some() {
        shown.mail.password = Some("<redacted>".into());
    }
    if let Some(url) = &shown.database.url {
        shown.database.url = Some(filrouge_store::redact_url(url));
    }
    let mut out = toml::to_string_pretty(&shown).map_err(|e| ConfigError(e.to_string()))?;
    out.insert_str(
        0,
        &format!(
            "# effective configuration; database in use: {}\n",
            filrouge_store::redact_url(&config.database_url())
        ),
    );
    Ok(out)
}
