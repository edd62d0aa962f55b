//! `filrouge feed parse`: reads one feed (file, standard input or address) and prints what Fil
//! Rouge understands of it as JSON, without storing anything.

use std::io::{Read, Write};
use std::time::Duration;

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_feeds::ParseOptions;
use filrouge_listen::fetch::{fetch, Validators};
use filrouge_listen::guard::{self, HttpSettings};

use crate::cli::FeedCommand;

pub async fn run(config: Config, cmd: FeedCommand) -> anyhow::Result<()> {
    let FeedCommand::Parse { input } = cmd;
    let mut options = ParseOptions { max_bytes: config.listen.max_body_bytes, ..ParseOptions::default() };
    let bytes = if input.starts_with("http://") || input.starts_with("https://") {
        let url = url::Url::parse(&input).map_err(|e| super::UsageError(format!("{input}: {e}")))?;
        let settings = HttpSettings {
            allow_private: config.listen.allow_private_addresses,
            timeout: Duration::from_secs(config.listen.timeout_secs.max(1)),
            max_body_bytes: config.listen.max_body_bytes,
            ..HttpSettings::default()
        };
        let client = guard::client(&settings).context("HTTP client")?;
        let outcome = fetch(&client, &settings, &url, &Validators::default()).await.with_context(|| input.clone())?;
        let page = outcome.fetched.with_context(|| format!("{input}: the server answered 304 Not Modified"))?;
        options.base_url = Some(page.final_url);
        options.content_type = page.content_type;
        page.body
    } else if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(config.listen.max_body_bytes as u64 + 1)
            .read_to_end(&mut buf)
            .context("standard input")?;
        buf
    } else {
        std::fs::read(&input).with_context(|| input.clone())?
    };
    let feed = filrouge_feeds::parse(&bytes, &options).map_err(|e| super::UsageError(format!("{input}: {e}")))?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &feed)?;
    writeln!(out)?;
    if feed.recovered {
        eprintln!("filrouge: {input}: damaged feed; kept the items before the break");
        for w in &feed.warnings {
            eprintln!("  {w}");
        }
    }
    Ok(())
}
