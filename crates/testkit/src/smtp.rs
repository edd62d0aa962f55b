//! A real SMTP server for tests: Debian's `python3-aiosmtpd` (or PyPI `aiosmtpd`), started on a
//! free loopback port with its `Mailbox` handler, which writes every message it accepts into a
//! Maildir we then read. Dropping the server kills it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `python3 -m aiosmtpd` on 127.0.0.1; killed on drop.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    log: tempfile::NamedTempFile,
}

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The raw message (headers and body, as sent).
    pub raw: String,
}

impl Received {
    /// The first value of a header (case-insensitive name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or("").replace("\r\n ", " ").replace("\n ", " ");
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// A Python that has the `aiosmtpd` module: `FILROUGE_AIOSMTPD_PYTHON`, else the system's.
pub fn find_python() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("FILROUGE_AIOSMTPD_PYTHON") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![PathBuf::from("/usr/bin/python3"), PathBuf::from("python3")],
    };
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

impl SmtpServer {
    /// Starts a server and waits until it accepts connections; `None` (after saying why, or
    /// failing under CI) when aiosmtpd is not installed.
    pub async fn start() -> Option<SmtpServer> {
        let Some(python) = find_python() else {
            crate::missing_component("aiosmtpd (apt install python3-aiosmtpd, or set FILROUGE_AIOSMTPD_PYTHON)");
            return None;
        };
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start(&python).await {
                Ok(s) => return Some(s),
                Err(e) => last = e,
            }
        }
        panic!("aiosmtpd did not start: {last}");
    }

    async fn try_start(python: &Path) -> Result<SmtpServer, String> {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            l.local_addr().map_err(|e| e.to_string())?.port()
        };
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let maildir = dir.path().join("maildir");
        let log = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(log.reopen().map_err(|e| e.to_string())?)
            .stderr(log.reopen().map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        let mut server = SmtpServer { child, port, dir, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "exited with {status}: {}",
                    std::fs::read_to_string(server.log.path()).unwrap_or_default()
                ));
            }
            if TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err("not listening after 20 s".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message accepted so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("maildir").join(sub)) else { continue };
            for e in entries.flatten() {
                let modified = e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH);
                files.push((modified, e.path()));
            }
        }
        files.sort();
        files.into_iter().filter_map(|(_, p)| std::fs::read_to_string(p).ok()).map(|raw| Received { raw }).collect()
    }

    /// Waits until at least `n` messages arrived (or `timeout`), and returns them.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
