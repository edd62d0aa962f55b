//! Running the real binary in a fresh data directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub struct Cli {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Cli {
    pub fn new() -> Self {
        Cli { dir: tempfile::tempdir().unwrap(), env: vec![] }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn with_env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_filrouge"));
        cmd.current_dir(self.dir.path())
            .arg("--data")
            .arg(self.data())
            .args(args)
            .env_remove("FILROUGE_CONFIG")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().unwrap().into()
    }

    /// Runs a command with `input` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap().into()
    }

    /// Runs a command with one more environment variable, for that command only.
    pub fn run_with_env(&self, key: &str, value: &str, args: &[&str]) -> Run {
        self.command(args).env(key, value).output().unwrap().into()
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A small workspace file: two users, one client.
pub const WORKSPACE: &str = r##"version = 1

[[users]]
email = "ines@agence.fr"
name = "Inès"
role = "community_manager"

[[users]]
email = "marco@damarco.example"
name = "Marco"
role = "client_reviewer"

[[clients]]
slug = "da-marco"
name = "Pizzeria Da Marco"
colour = "#c0392b"
time_zone = "Europe/Paris"
languages = ["fr"]
members = ["ines@agence.fr", "marco@damarco.example"]

[clients.brief]
activity = "Pizzeria au feu de bois"
keywords = ["pizza", "Lyon"]

[clients.charter]
address = "tu"
banned = ["pas cher"]
required_hashtags = ["#DaMarco"]
max_hashtags = 3
emoji = "free"

[[clients.competitors]]
name = "Pizza Gusto"
handles = ["@gusto"]

[[clients.accounts]]
network = "bluesky"
handle = "damarco.bsky.social"
display_name = "Da Marco"
"##;
