//! Matching benchmark (see bench/match/run.sh): `generate` writes N listening queries and M mentions; `run` times
//! `filrouge_query::Matcher` over them on one thread, checks it against each query's own evaluation and against
//! the Lucene percolators' matches, and prints the table rows with the Java driver's figures beside ours.

mod ast;
mod gen;
mod prefilter;
mod run;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Write DIR/queries.jsonl and DIR/mentions.jsonl (deterministic for a given seed).
    Generate {
        #[arg(long, default_value_t = 10_000)]
        queries: usize,
        #[arg(long, default_value_t = 1_000_000)]
        mentions: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Time the matcher over DIR's mentions and print table rows (Markdown) with the Lucene results given.
    Run {
        #[arg(long)]
        dir: PathBuf,
        /// Use only the first N mentions.
        #[arg(long)]
        mentions: Option<usize>,
        /// Result files of the Java driver (`key=value` line, then the matched pairs) to compare and tabulate.
        #[arg(long)]
        lucene: Vec<PathBuf>,
        /// Budget of single-query evaluations for the self-check (queries × sampled mentions; 0: no self-check).
        #[arg(long, default_value_t = 5_000_000)]
        check_budget: usize,
        /// Stop the timed pass after this many seconds (the rate is then over the mentions done).
        #[arg(long, default_value_t = 600.0)]
        max_seconds: f64,
    },
}

fn main() -> anyhow::Result<()> {
    match Args::parse().what {
        What::Generate { queries, mentions, out, seed } => gen::generate(queries, mentions, &out, seed),
        What::Run { dir, mentions, lucene, check_budget, max_seconds } => {
            run::run(&dir, mentions, &lucene, check_budget, max_seconds)
        }
    }
}
