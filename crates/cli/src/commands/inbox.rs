//! `filrouge inbox sync|list`: filling the inbox from the networks (with a progress bar) and reading it as JSON.

use filrouge_app::inbox::{InboxQuery, ItemView};
use filrouge_app::{Actor, App, AppError};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::UsageError;
use crate::cli::InboxCommand;
use crate::runtime;
use filrouge_app::config::Config;

fn usage(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound => UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

pub async fn run(config: Config, cmd: InboxCommand) -> anyhow::Result<()> {
    let app = runtime::open_app(&config).await?;
    let result = match cmd {
        InboxCommand::Sync { client } => sync(&app, client.as_deref()).await,
        InboxCommand::List { client, state, intent, kind, include_hidden, limit } => {
            let query = InboxQuery { state, intent, kind, include_hidden, ..InboxQuery::default() };
            list(&app, client.as_deref(), query, limit).await
        }
    };
    app.store().close().await;
    result
}

async fn sync(app: &App, client: Option<&str>) -> anyhow::Result<()> {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} accounts  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let report = app.sync_inbox(&Actor::operator(), client, &progress).await.map_err(usage)?;
    bar.finish_and_clear();
    for error in &report.errors {
        eprintln!("{error}");
    }
    println!(
        "{} account(s): {} item(s) read, {} new, {} error(s)",
        report.accounts,
        report.fetched,
        report.stored,
        report.errors.len()
    );
    anyhow::ensure!(report.errors.is_empty(), "{} account(s) could not be synced; see above", report.errors.len());
    Ok(())
}

fn line(v: &ItemView) -> serde_json::Value {
    let i = &v.item;
    json!({
        "id": i.id, "client": v.client_slug, "network": i.network, "account": v.account_handle,
        "kind": i.kind.as_str(), "state": i.state.as_str(), "priority": i.priority, "urgent": i.urgent,
        "hidden": i.hidden, "author": {"handle": i.author.handle, "name": i.author.name, "followers": i.author.followers},
        "text": i.text, "url": i.url, "thread": i.thread_key, "in_reply_to": i.in_reply_to,
        "language": i.language, "sentiment": i.sentiment.map(|s| s.as_str()), "intent": i.intent.map(|s| s.as_str()),
        "published": i.published_at.to_string(), "received": i.received_at.to_string(),
        "assignee": v.assignee_name, "labels": i.labels, "due": i.due_at.map(|d| d.to_string()),
        "first_response": i.first_response_at.map(|d| d.to_string()),
    })
}

async fn list(app: &App, client: Option<&str>, mut query: InboxQuery, limit: usize) -> anyhow::Result<()> {
    let operator = Actor::operator();
    let mut printed = 0;
    loop {
        let listing = app.inbox(&operator, client, &query).await.map_err(usage)?;
        for view in &listing.items {
            if printed == limit {
                return Ok(());
            }
            println!("{}", line(view));
            printed += 1;
        }
        if !listing.has_more {
            return Ok(());
        }
        query.page += 1;
    }
}
