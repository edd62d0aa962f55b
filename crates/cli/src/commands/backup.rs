//! `filrouge backup` and `filrouge restore` for SQLite. PostgreSQL is backed up with pg_dump
//! (docs/operations.md).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use filrouge_app::config::Config;
use filrouge_store::{Engine, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::runtime;

fn spinner(message: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub async fn backup(config: Config, out: Option<PathBuf>) -> anyhow::Result<()> {
    let app = runtime::open_app(&config).await?;
    if app.store().engine() == Engine::Postgres {
        bail!("this installation runs on PostgreSQL: back it up with pg_dump (see docs/operations.md)");
    }
    let now = app.now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let out = out.unwrap_or_else(|| config.data_dir.join("backups").join(format!("filrouge-{now}.db")));
    if out.exists() {
        bail!("{} already exists; choose another --out", out.display());
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    }
    let bar = spinner("writing a consistent snapshot");
    let tmp = out.with_extension("db.partial");
    let _ = std::fs::remove_file(&tmp);
    let result = app.store().backup_sqlite(&tmp).await;
    bar.finish_and_clear();
    result.context("backup")?;
    std::fs::rename(&tmp, &out)?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    println!("backup written to {} ({} KiB)", out.display(), size / 1024);
    app.store().close().await;
    Ok(())
}

pub async fn restore(config: Config, file: &Path) -> anyhow::Result<()> {
    let url = config.database_url();
    let Some(target) = url.strip_prefix("sqlite://").map(PathBuf::from) else {
        bail!("this installation runs on PostgreSQL: restore with pg_restore (see docs/operations.md)");
    };
    if !file.exists() {
        bail!("{}: no such file", file.display());
    }
    let _lock = runtime::lock_data_dir(&config, "restore")?;
    let bar = spinner("checking the backup");
    // Open a copy, never the backup itself, and check it is a Fil Rouge database we can migrate.
    let staging = target.with_extension("db.restoring");
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(file, &staging).with_context(|| format!("copying {}", file.display()))?;
    let check = async {
        let store = Store::connect(&format!("sqlite://{}", staging.display())).await?;
        store.migrate().await?;
        let mut tx = store.read().await?;
        let clients = tx.all_clients().await?.len();
        let users = tx.all_users().await?.len();
        drop(tx);
        store.close().await;
        Ok::<_, filrouge_store::StoreError>((clients, users))
    };
    let (clients, users) = match check.await {
        Ok(counts) => counts,
        Err(e) => {
            bar.finish_and_clear();
            let _ = std::fs::remove_file(&staging);
            bail!("{} is not a usable Fil Rouge backup: {e}", file.display());
        }
    };
    bar.finish_and_clear();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
    }
    if target.exists() {
        let previous = target.with_extension("db.before-restore");
        std::fs::rename(&target, &previous)?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
        }
        println!("previous database kept as {}", previous.display());
    }
    std::fs::rename(&staging, &target)?;
    println!("restored {} ({clients} client(s), {users} user(s)) into {}", file.display(), target.display());
    Ok(())
}
