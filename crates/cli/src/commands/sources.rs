//! `filrouge source …` and `filrouge reindex`: a client's listening sources from the command line,
//! and the search index rebuilt from the database (with progress bars).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_app::{Actor, App, AppError};
use filrouge_domain::ids::SourceId;
use filrouge_domain::source::SourceStatus;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::SourceCommand;
use crate::runtime;

pub async fn run(config: Config, cmd: SourceCommand) -> anyhow::Result<()> {
    let app = runtime::open_app(&config).await?;
    let result = dispatch(&app, cmd).await;
    app.store().close().await;
    result
}

fn usage(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound => super::UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

async fn dispatch(app: &App, cmd: SourceCommand) -> anyhow::Result<()> {
    let operator = Actor::operator();
    match cmd {
        SourceCommand::Add { client, kind, url, query, name } => {
            let id = app.add_source(&operator, &client, &kind, &name, &url, &query).await.map_err(usage)?;
            println!("source {id} added to {client}; it is fetched at the next poll (or: filrouge source poll {client} {id})");
            Ok(())
        }
        SourceCommand::List { client, json } => list(app, &operator, &client, json).await,
        SourceCommand::Poll { client, id } => poll(app, &operator, &client, id).await,
        SourceCommand::ImportOpml { client, file } => {
            let bytes = std::fs::read(&file).with_context(|| file.display().to_string())?;
            let report = app.import_opml(&operator, &client, &bytes).await.map_err(|e| match e {
                AppError::Invalid(e) => {
                    super::UsageError(format!("{}: {e}\nnothing was imported", file.display())).into()
                }
                other => usage(other),
            })?;
            println!("{}: {} feed(s) added, {} already there", file.display(), report.added, report.skipped);
            Ok(())
        }
        SourceCommand::ExportOpml { client } => {
            let text = app.export_opml(&operator, &client).await.map_err(usage)?;
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

async fn list(app: &App, operator: &Actor, client: &str, json: bool) -> anyhow::Result<()> {
    let (_, sources) = app.sources(operator, client).await.map_err(usage)?;
    let mut out = std::io::stdout().lock();
    if json {
        for s in &sources {
            serde_json::to_writer(&mut out, s)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:<8}  {:<7}  {:<12}  {:>8}  {:<20}  what",
        "id", "kind", "status", "last", "mentions", "next fetch"
    )?;
    for s in &sources {
        let last = s.health.last_status.map_or("never", |st| st.as_str());
        let next = s.health.next_fetch.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
        let what =
            if s.spec.query.is_empty() { s.spec.url.clone() } else { format!("{} on {}", s.spec.query, s.spec.url) };
        writeln!(
            out,
            "{:>5}  {:<8}  {:<7}  {:<12}  {:>8}  {:<20}  {what}",
            s.id.0,
            s.spec.kind.as_str(),
            s.status.as_str(),
            last,
            s.health.mentions_total,
            next
        )?;
        if let Some(error) = &s.health.last_error {
            writeln!(out, "{:>5}  ! {error}", "")?;
        }
    }
    Ok(())
}

async fn poll(app: &App, operator: &Actor, client: &str, id: Option<i64>) -> anyhow::Result<()> {
    let (_, sources) = app.sources(operator, client).await.map_err(usage)?;
    let chosen: Vec<SourceId> = match id {
        Some(id) => {
            let id = SourceId(id);
            anyhow::ensure!(
                sources.iter().any(|s| s.id == id),
                super::UsageError(format!("{client} has no source {id}"))
            );
            vec![id]
        }
        None => sources.iter().filter(|s| s.status == SourceStatus::Active).map(|s| s.id).collect(),
    };
    let bar = ProgressBar::new(chosen.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} sources  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut failed = 0;
    for id in chosen {
        let outcome = app.poll_source(operator, client, id).await.map_err(usage)?;
        bar.inc(1);
        match &outcome.error {
            Some(e) if outcome.status == filrouge_domain::source::FetchStatus::Error => {
                failed += 1;
                bar.println(format!("source {id}: {e}"));
            }
            _ => bar.println(format!("source {id}: {} ({} new)", outcome.status.as_str(), outcome.new_mentions)),
        }
    }
    bar.finish_and_clear();
    anyhow::ensure!(failed == 0, "{failed} source(s) failed; see above");
    Ok(())
}

pub async fn reindex(config: Config) -> anyhow::Result<()> {
    // The index has one writer: the server's. Stop it first on SQLite (its lock says if it runs).
    let _lock = if config.database_url().starts_with("sqlite:") {
        Some(runtime::lock_data_dir(&config, "reindex")?)
    } else {
        None
    };
    let dir = config.data_dir.join("index");
    remove_index(&dir)?;
    let app = runtime::open_app(&config).await?;
    let spinner = ProgressBar::new_spinner().with_message("analysing mentions stored before analysis");
    let analysed = app.analyse_backlog(&|n| spinner.set_position(n)).await;
    spinner.finish_and_clear();
    let analysed = analysed?;
    if analysed > 0 {
        println!("{analysed} mention(s) analysed");
    }
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} changes  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: i64, total: i64| {
        bar.set_length(u64::try_from(total).unwrap_or(0));
        bar.set_position(u64::try_from(done).unwrap_or(0));
    };
    let result = app.reindex(&progress).await;
    bar.finish_and_clear();
    let indexed = result?;
    let docs = app.search_index().map_or(0, |i| i.doc_count());
    println!("search index rebuilt: {indexed} mention(s) indexed, {docs} in the index");
    app.store().close().await;
    Ok(())
}

/// Deletes the index directory so that it is rebuilt from scratch (a damaged index included).
fn remove_index(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    Ok(())
}
