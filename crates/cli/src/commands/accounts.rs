//! `filrouge account connect|list|check`, `filrouge publish now` and `filrouge queue`: connections and the
//! publishing queue from the command line.

use std::io::Read;

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_app::{Actor, App, AppError};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::connection::Connection;
use filrouge_domain::ids::PostId;
use serde_json::json;

use super::UsageError;
use crate::cli::{AccountCommand, PublishCommand};
use crate::runtime;

fn usage(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound => UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

fn secret() -> anyhow::Result<String> {
    if let Ok(s) = std::env::var("FILROUGE_ACCOUNT_SECRET") {
        return Ok(s);
    }
    let mut s = String::new();
    std::io::stdin().take(64 * 1024).read_to_string(&mut s).context("reading the secret on standard input")?;
    let s = s.trim().to_owned();
    if s.is_empty() {
        return Err(UsageError("give the secret in FILROUGE_ACCOUNT_SECRET or on standard input".into()).into());
    }
    Ok(s)
}

async fn with_app<T>(config: &Config, f: impl AsyncFnOnce(&App) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let app = runtime::open_app(config).await?;
    let result = f(&app).await;
    app.store().close().await;
    result
}

pub async fn run(config: Config, cmd: AccountCommand) -> anyhow::Result<()> {
    let operator = Actor::operator();
    match cmd {
        AccountCommand::Connect { client, network, handle, server } => {
            let network = Network::parse(&network).map_err(|e| UsageError(format!("--network: {}", e.reason)))?;
            let secret = secret()?;
            let connection = match network {
                Network::Mastodon => {
                    let instance = server
                        .ok_or_else(|| UsageError("--server: the Mastodon instance's address is needed".into()))?;
                    Connection::Mastodon { instance, token: secret }
                }
                Network::Bluesky => Connection::Bluesky {
                    service: server.unwrap_or_else(|| "https://bsky.social".into()),
                    identifier: handle.trim_start_matches('@').to_owned(),
                    password: secret,
                },
                other => return Err(UsageError(format!("publishing to {} is not available yet", other.label())).into()),
            };
            let profile = AccountProfile { network, handle: handle.clone(), display_name: handle.clone() };
            let id = with_app(&config, async |app| {
                app.connect_account(&operator, &client, profile, connection).await.map_err(usage)
            })
            .await?;
            println!("account {id} ({} {handle}) connected to {client}", network.label());
            Ok(())
        }
        AccountCommand::List { client, json } => {
            let accounts = with_app(&config, async |app| app.accounts(&operator, &client).await.map_err(usage)).await?;
            for v in accounts {
                let a = &v.account;
                if json {
                    let line = json!({"id": a.id, "network": a.profile.network.as_str(), "handle": a.profile.handle,
                        "status": a.status.as_str(), "credentials": v.credentials_hint});
                    println!("{line}");
                } else {
                    println!(
                        "{:>5}  {:<10} {:<40} {}",
                        a.id,
                        a.profile.network.as_str(),
                        a.profile.handle,
                        a.status.as_str()
                    );
                }
            }
            Ok(())
        }
        AccountCommand::Check { client } => {
            let checks =
                with_app(&config, async |app| app.check_accounts(&operator, &client).await.map_err(usage)).await?;
            let mut refused = 0;
            for c in checks {
                match c.outcome {
                    Ok(n) => println!("ok       {} ({n} followers)", c.account.profile.handle),
                    Err(e) => {
                        refused += 1;
                        println!("refused  {}: {e}", c.account.profile.handle);
                    }
                }
            }
            if refused > 0 {
                return Err(super::Failed(format!("{refused} account(s) need attention")).into());
            }
            Ok(())
        }
    }
}

pub async fn publish(config: Config, cmd: PublishCommand) -> anyhow::Result<()> {
    let PublishCommand::Now { client, post } = cmd;
    let operator = Actor::operator();
    with_app(&config, async |app| app.publish_now(&operator, &client, PostId(post)).await.map_err(usage)).await?;
    println!("post {post} is due now; the running server publishes it (or run `filrouge serve`)");
    Ok(())
}

pub async fn queue(config: Config, client: Option<&str>, hours: i64, json: bool) -> anyhow::Result<()> {
    let operator = Actor::operator();
    let items =
        with_app(&config, async |app| app.publishing_queue(&operator, client, hours).await.map_err(usage)).await?;
    for i in items {
        let d = &i.delivery;
        if json {
            let line = json!({"client": i.client_slug, "post": d.post_id, "account": i.account_handle,
                "network": i.network.as_str(), "state": d.state.as_str(), "due": d.next_attempt.to_string(),
                "attempts": d.attempts, "error": d.last_error, "url": d.url, "headline": i.headline});
            println!("{line}");
        } else {
            println!(
                "{:<10} {:<20} post {:>5}  {:<28} {}  {}",
                d.state.as_str(),
                d.next_attempt.strftime("%Y-%m-%d %H:%M UTC"),
                d.post_id,
                i.account_handle,
                i.client_slug,
                d.last_error.as_deref().unwrap_or(&i.headline)
            );
        }
    }
    Ok(())
}
