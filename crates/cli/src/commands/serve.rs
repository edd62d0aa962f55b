//! `filrouge serve`: the web app, the metrics listener and the background workers in one process,
//! stopped gracefully on SIGINT or SIGTERM.

use std::time::Duration;

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_app::App;
use filrouge_web::WebState;
use tokio::sync::watch;

use crate::runtime;

pub async fn serve(config: Config) -> anyhow::Result<()> {
    // One server per SQLite database (PostgreSQL installations run several on purpose).
    let _lock = if config.database_url().starts_with("sqlite:") {
        Some(runtime::lock_data_dir(&config, "start")?)
    } else {
        None
    };
    let app = runtime::open_app(&config).await?;
    run_server(config, app, None).await
}

/// Serves `app` until a signal; `ready` gets the bound address once listening.
pub async fn run_server(
    config: Config,
    app: App,
    ready: Option<Box<dyn FnOnce(std::net::SocketAddr) + Send>>,
) -> anyhow::Result<()> {
    let listener = filrouge_web::bind(config.web.listen).await?;
    let addr = listener.local_addr().context("listener address")?;
    let metrics_listener = match config.metrics.listen {
        Some(a) => Some(filrouge_web::bind(a).await?),
        None => None,
    };
    let state = WebState::new(app.clone(), config.web.clone());
    let (stop_tx, stop_rx) = watch::channel(false);

    let inbox_every = Duration::from_secs(config.inbox.sync_secs);
    let workers = tokio::spawn(workers(app.clone(), config.listen.poll, inbox_every, stop_rx.clone()));
    let metrics = metrics_listener.map(|l| {
        let mut rx = stop_rx.clone();
        let state = state.clone();
        tokio::spawn(async move {
            filrouge_web::serve_metrics(l, state, async move {
                let _ = rx.wait_for(|s| *s).await;
            })
            .await
        })
    });
    tracing::info!(%addr, engine = ?app.store().engine(), "Fil Rouge is listening");
    if let Some(ready) = ready {
        ready(addr);
    }
    let mut rx = stop_rx.clone();
    let server = tokio::spawn(filrouge_web::serve(listener, state, async move {
        let _ = rx.wait_for(|s| *s).await;
    }));
    shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    server.await.context("server task")??;
    if let Some(m) = metrics {
        m.await.context("metrics task")??;
    }
    let _ = workers.await;
    app.store().close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Periodic chores: listening (poll due sources; keep the search index up to date with what
/// this and other processes stored), session pruning.
async fn workers(app: App, poll: bool, inbox_every: Duration, mut stop: watch::Receiver<bool>) {
    let listening = tokio::spawn(listening(app.clone(), poll, stop.clone()));
    let streams = poll.then(|| tokio::spawn(streams(app.clone(), stop.clone())));
    let alerts = tokio::spawn(alerts(app.clone(), stop.clone()));
    let publishing = tokio::spawn(publishing(app.clone(), stop.clone()));
    let inbox = tokio::spawn(inbox(app.clone(), inbox_every, stop.clone()));
    sessions(app, &mut stop).await;
    let _ = inbox.await;
    let _ = listening.await;
    let _ = alerts.await;
    let _ = publishing.await;
    if let Some(s) = streams {
        let _ = s.await;
    }
}

/// Syncs every connected account's inbox every `every` (never when zero): each account's new items once, with
/// its cursor; an account that fails is retried at the next cycle.
async fn inbox(app: App, every: Duration, mut stop: watch::Receiver<bool>) {
    if every.is_zero() || !app.publishes() {
        return;
    }
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match app.sync_inbox(&filrouge_app::Actor::operator(), None, &|_, _| {}).await {
                    Ok(r) => {
                        if r.stored > 0 || !r.errors.is_empty() {
                            tracing::info!(accounts = r.accounts, new = r.stored, errors = r.errors.len(), "inbox synced");
                        }
                        for e in r.errors {
                            tracing::warn!(error = %e, "inbox sync of an account failed");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "inbox sync failed"),
                }
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
}

/// Keeps one live stream per streamable source (Mastodon hashtags): started when a source
/// appears or resumes, stopped when it is paused or removed, restarted when it ends.
async fn streams(app: App, mut stop: watch::Receiver<bool>) {
    use std::collections::HashMap;
    let mut running: HashMap<i64, (String, tokio::task::JoinHandle<()>)> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let sources = match app.streamable_sources().await {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot list streamable sources");
                        continue;
                    }
                };
                // A source whose address or hashtag changed is restarted.
                let wanted: HashMap<i64, String> =
                    sources.iter().map(|s| (s.id.0, format!("{}|{}", s.spec.url, s.spec.query))).collect();
                running.retain(|id, (key, task)| {
                    let keep = wanted.get(id) == Some(key) && !task.is_finished();
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for source in sources {
                    if running.contains_key(&source.id.0) {
                        continue;
                    }
                    let key = format!("{}|{}", source.spec.url, source.spec.query);
                    let (app, id) = (app.clone(), source.id.0);
                    let task = tokio::spawn(async move {
                        match app.follow_stream(source).await {
                            Ok(n) => tracing::info!(source = id, new_mentions = n, "stream ended"),
                            Err(e) => tracing::warn!(source = id, error = %e, "stream failed"),
                        }
                    });
                    running.insert(id, (key, task));
                }
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
    for (_, (_, task)) in running {
        task.abort();
    }
}

/// Publishing: the engine's pipeline (each account's next post as soon as its pace allows; outcomes recorded in
/// small batches). A stop leaves the calls still in flight to their claims: the next process reads them back first.
async fn publishing(app: App, mut stop: watch::Receiver<bool>) {
    if !app.publishes() {
        return;
    }
    match app.recover_claims(&crate::runtime::worker_is_dead_here).await {
        Ok(n) if n > 0 => tracing::info!(deliveries = n, "claims of a stopped process taken over (read back first)"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "recovering claims failed"),
    }
    let stopped = async move {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
    };
    app.publish_continuously(stopped).await;
}

/// Alerts: the mailer wakes when this process commits alerts (and every second, for the other
/// processes' ones); digests and review reminders are looked at every 30 seconds.
async fn alerts(app: App, mut stop: watch::Receiver<bool>) {
    let mut digest_tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tokio::select! {
            _ = app.alerts_wait(Duration::from_secs(1)) => {
                match app.deliver_alerts().await {
                    Ok(r) if r.deliveries_done + r.failed > 0 => tracing::info!(emails = r.emails_sent,
                        deliveries = r.deliveries_done, failed = r.failed, "alert e-mails"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "alert delivery failed"),
                }
            }
            _ = digest_tick.tick() => {
                if let Err(e) = app.schedule_digests().await {
                    tracing::warn!(error = %e, "digest scheduling failed");
                }
                match app.remind_reviewers().await {
                    Ok(n) if n > 0 => tracing::info!(reminders = n, "review reminders sent"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "review reminders failed"),
                }
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
}

async fn listening(app: App, poll: bool, mut stop: watch::Receiver<bool>) {
    match app.analyse_backlog(&|_| {}).await {
        Ok(n) if n > 0 => tracing::info!(mentions = n, "mentions stored before analysis existed are analysed"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "analysing the backlog failed"),
    }
    let mut poll_tick = tokio::time::interval(Duration::from_secs(10));
    let mut index_tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = poll_tick.tick(), if poll => {
                match app.poll_due(500).await {
                    Ok(r) if r.sources > 0 => tracing::info!(sources = r.sources, ok = r.ok, not_modified = r.not_modified,
                        failed = r.failed, new_mentions = r.new_mentions, "poll cycle"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "poll cycle failed"),
                }
            }
            _ = index_tick.tick() => {
                if let Err(e) = app.index_catch_up().await {
                    tracing::warn!(error = %e, "search index catch-up failed");
                }
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
}

async fn sessions(app: App, stop: &mut watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(15 * 60));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match app.prune_sessions().await {
                    Ok(n) if n > 0 => tracing::debug!(pruned = n, "expired sessions removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "session pruning failed"),
                }
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
}
