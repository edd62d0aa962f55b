//! `filrouge client import|export`: the workspace file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_app::{Actor, AppError};

use crate::cli::ClientCommand;
use crate::runtime;

pub async fn run(config: Config, cmd: ClientCommand) -> anyhow::Result<()> {
    let app = runtime::open_app(&config).await?;
    let operator = Actor::operator();
    let result = match cmd {
        ClientCommand::Import { file } => import(&app, &operator, file).await,
        ClientCommand::Export { out } => {
            let text = app.export_workspace(&operator).await?;
            match out {
                Some(path) => write_atomically(&path, text.as_bytes()),
                None => {
                    std::io::stdout().write_all(text.as_bytes())?;
                    Ok(())
                }
            }
        }
    };
    app.store().close().await;
    result
}

async fn import(app: &filrouge_app::App, operator: &Actor, file: PathBuf) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
    match app.import_workspace(operator, &file.display().to_string(), &text).await {
        Ok(report) => {
            println!(
                "imported {}: {} client(s) created, {} updated, {} user(s) created",
                file.display(),
                report.clients_created,
                report.clients_updated,
                report.users_created
            );
            for email in report.users_without_password {
                println!("  {email} has no password yet: filrouge user passwd --email {email}");
            }
            Ok(())
        }
        Err(AppError::Workspace(e)) => Err(super::UsageError(format!("{e}\nnothing was imported")).into()),
        Err(e) => Err(e.into()),
    }
}

/// Writes to a temporary file beside `path`, then renames: a reader never sees half a file.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(".{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("out")));
    {
        let mut f = std::fs::File::create(&tmp).with_context(|| format!("{}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("{}", path.display()))?;
    Ok(())
}
