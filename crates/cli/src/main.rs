//! The `filrouge` binary: parses the command line, loads the configuration, opens storage and
//! runs the command. Only this crate uses `anyhow`; it maps failures to exit codes.

mod cli;
mod commands;
mod config;
mod runtime;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("filrouge: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = err.downcast_ref::<config::ConfigError>().map_or(1, |_| 2);
            let code = err.downcast_ref::<commands::UsageError>().map_or(code, |_| 2);
            let code = err.downcast_ref::<commands::Failed>().map_or(code, |_| 1);
            eprintln!("filrouge: {err:#}");
            ExitCode::from(code)
        }
    }
}
