//! The commands, one module each; `run` dispatches.

mod accounts;
mod backup;
mod clients;
mod demo;
mod demo_inbox;
mod demo_posts;
mod demo_veille;
mod feeds;
mod inbox;
mod posts;
mod queries;
mod serve;
mod sources;
mod users;

use crate::cli::{Args, Command, ConfigCommand};
use crate::{config, runtime};

/// A command used wrongly (bad argument value); exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A check that found problems (its report is already printed); exit status 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Failed(pub String);

pub async fn run(args: Args) -> anyhow::Result<()> {
    let mut config = config::load(args.config.as_deref(), args.data.as_deref())?;
    if let Command::Demo { .. } = &args.command {
        if args.data.is_none() && args.config.is_none() && std::env::var_os("FILROUGE_DATA_DIR").is_none() {
            config.data_dir = "./filrouge-demo".into();
        }
    }
    runtime::init_logging(&config);
    match args.command {
        Command::Serve { addr } => {
            if let Some(addr) = addr {
                config.web.listen = addr;
            }
            serve::serve(config).await
        }
        Command::Demo { addr, no_serve } => demo::demo(config, addr, no_serve).await,
        Command::Migrate => {
            runtime::ensure_data_dir(&config)?;
            let store = filrouge_store::Store::connect(&config.database_url()).await?;
            let applied = store.migrate().await?;
            println!("{applied} migration(s) applied; database is up to date");
            Ok(())
        }
        Command::User(cmd) => users::run(config, cmd).await,
        Command::Client(cmd) => clients::run(config, cmd).await,
        Command::Backup { out } => backup::backup(config, out).await,
        Command::Restore { file } => backup::restore(config, &file).await,
        Command::Feed(cmd) => feeds::run(config, cmd).await,
        Command::Source(cmd) => sources::run(config, cmd).await,
        Command::Reindex => sources::reindex(config).await,
        Command::Analyze => queries::analyze(&config),
        Command::Query(cmd) => queries::run(config, cmd).await,
        Command::Lint { workspace, client, network } => posts::lint(&workspace, &client, network.as_deref()),
        Command::Post(cmd) => posts::run(config, cmd).await,
        Command::Calendar(cmd) => posts::calendar(config, cmd).await,
        Command::Account(cmd) => accounts::run(config, cmd).await,
        Command::Publish(cmd) => accounts::publish(config, cmd).await,
        Command::Inbox(cmd) => inbox::run(config, cmd).await,
        Command::Queue { client, hours, json } => accounts::queue(config, client.as_deref(), hours, json).await,
        Command::Config(ConfigCommand::Print) => {
            print!("{}", config::redacted(&config)?);
            Ok(())
        }
    }
}
