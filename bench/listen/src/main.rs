//! Listening benchmarks, printed as Markdown tables (see bench/README.md):
//! `poll`: one full poll cycle over N feeds spread over 100 loopback hosts, 90% answering 304,
//! with the wall time and the CPU time of the polling process per request;
//! `ingest`: mentions per second into the archive and the search index, beside raw batched
//! SQLite inserts of the same rows, measured in the same run;
//! `alerts`: from a mention's arrival to its instant alert handed to a real SMTP server, at a
//! steady arrival rate.

mod alerts;
mod ingest;
mod poll;

use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Serve N feeds on 127.0.0.2.. (run as its own process so its CPU is not counted).
    Serve {
        #[arg(long, default_value_t = 10_000)]
        feeds: usize,
        #[arg(long, default_value_t = 100)]
        hosts: usize,
        #[arg(long, default_value_t = 18080)]
        port: u16,
    },
    /// Poll N feeds served by `serve`: a first cycle (all new), then the measured cycle.
    Poll {
        #[arg(long, default_value_t = 10_000)]
        feeds: usize,
        #[arg(long, default_value_t = 100)]
        hosts: usize,
        #[arg(long, default_value_t = 18080)]
        port: u16,
    },
    /// Ingest N generated mentions.
    Ingest {
        #[arg(long, default_value_t = 200_000)]
        mentions: usize,
    },
    /// Arrival-to-SMTP latency of instant alerts at a steady rate.
    Alerts {
        #[arg(long, default_value_t = 1_000)]
        rate: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::env::var("BENCH_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(2))
        .enable_all()
        .build()?;
    rt.block_on(async {
        match args.what {
            What::Serve { feeds, hosts, port } => poll::serve(feeds, hosts, port).await,
            What::Poll { feeds, hosts, port } => poll::poll(feeds, hosts, port).await,
            What::Ingest { mentions } => ingest::ingest(mentions).await,
            What::Alerts { rate, seconds } => alerts::alerts(rate, seconds).await,
        }
    })
}

/// CPU time (user + system) of this process so far, in seconds.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the full line: 11 and 12 after the state field.
    (ticks(11) + ticks(12)) / 100.0
}

/// Resident memory high-water mark of this process, in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}
