//! A Mastodon-API server for tests: PyPI `mastodon-mock`, started on a free loopback port.
//!
//! `scripts/peers/mastodon.sh` installs it in a venv; we find the `mastodon_mock` executable through
//! `FILROUGE_MASTODON_MOCK`, else in `FILROUGE_MASTODON_VENV`, else in the script's default venv
//! (`${XDG_CACHE_HOME:-$HOME/.cache}/filrouge/peers/mastodon-venv`). Each [`MockServer`] is its own
//! process with an in-memory database and the demo community (tokens `ada_token`, `grace_token`,
//! `alan_token`, `katherine_token`); dropping it kills the process.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The demo accounts' bearer tokens (`--demo`).
pub const ADA_TOKEN: &str = "ada_token";
pub const GRACE_TOKEN: &str = "grace_token";
pub const ALAN_TOKEN: &str = "alan_token";
pub const KATHERINE_TOKEN: &str = "katherine_token";

/// The version `scripts/peers/mastodon.sh` installs.
pub const VERSION: &str = "0.6.1";

/// A running `mastodon_mock serve --in-memory --demo` on 127.0.0.1; killed on drop.
#[derive(Debug)]
pub struct MockServer {
    child: Child,
    port: u16,
    log: tempfile::NamedTempFile,
    _dir: tempfile::TempDir,
}

/// The `mastodon_mock` executable, if installed.
pub fn find_executable() -> Option<PathBuf> {
    if let Some(exe) = std::env::var_os("FILROUGE_MASTODON_MOCK") {
        return Some(PathBuf::from(exe)).filter(|p| p.is_file());
    }
    let venv = match std::env::var_os("FILROUGE_MASTODON_VENV") {
        Some(v) => PathBuf::from(v),
        None => {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
            cache.join("filrouge/peers/mastodon-venv")
        }
    };
    Some(venv.join("bin/mastodon_mock")).filter(|p| p.is_file())
}

impl MockServer {
    /// Starts a fresh server and waits until it answers; `None` (after saying why, or failing under
    /// CI) when mastodon-mock is not installed. Panics when it is installed but does not start.
    pub async fn start() -> Option<MockServer> {
        let Some(exe) = find_executable() else {
            crate::missing_component(&format!(
                "mastodon-mock {VERSION} (run scripts/peers/mastodon.sh, or set FILROUGE_MASTODON_MOCK)"
            ));
            return None;
        };
        let mut last_error = String::new();
        // A free port can be taken between our probe and the server's bind: try a few.
        for _ in 0..3 {
            match Self::try_start(&exe).await {
                Ok(server) => return Some(server),
                Err(e) => last_error = e,
            }
        }
        panic!("mastodon-mock at {} did not start: {last_error}", exe.display());
    }

    async fn try_start(exe: &Path) -> Result<MockServer, String> {
        let port = free_port()?;
        // Its own working directory, so no stray .mastodon_mock.toml is read.
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
        let out = log.reopen().map_err(|e| e.to_string())?;
        let err = log.reopen().map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .args(["serve", "--in-memory", "--demo", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--log-level", "warning"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let mut server = MockServer { child, port, log, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("exited with {status}: {}", server.log_text()));
            }
            if health_ok(port) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!("not ready after 60 s: {}", server.log_text()));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the server printed so far (for failure messages).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// `GET /health` answers 200 (a blocking probe with short time-outs).
fn health_ok(port: u16) -> bool {
    let probe = || -> std::io::Result<bool> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
        let mut head = [0u8; 16];
        let n = stream.read(&mut head)?;
        Ok(head[..n].starts_with(b"HTTP/1.1 200") || head[..n].starts_with(b"HTTP/1.0 200"))
    };
    probe().unwrap_or(false)
}

/// A request as [`CannedServer`] saw it.
#[derive(Debug, Clone)]
pub struct CannedRequest {
    pub method: String,
    /// Path and query, as sent (`/api/v1/timelines/tag/x?limit=20`).
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The server's own port, to write URLs that point back at it.
    pub port: u16,
}

impl CannedRequest {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// What [`CannedServer`] answers.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: CannedBody,
}

/// A canned body: bytes (sent with their `Content-Length`), or `total` bytes made of `chunk` repeated,
/// sent without a length and ended by closing the connection (for readers that must stop early).
#[derive(Debug, Clone)]
pub enum CannedBody {
    Bytes(Vec<u8>),
    Endless { chunk: Vec<u8>, total: u64 },
}

impl Canned {
    pub fn json(status: u16, body: &str) -> Canned {
        Canned {
            status,
            headers: vec![("content-type".into(), "application/json; charset=utf-8".into())],
            body: CannedBody::Bytes(body.as_bytes().to_vec()),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Canned {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Handler = dyn Fn(&CannedRequest) -> Canned + Send + Sync + 'static;

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with what a closure says: for
/// answers a real server will not give on demand (oversized or endless bodies, replayed recordings).
/// One thread per connection, one request per connection; stopped on drop.
#[derive(Debug)]
pub struct CannedServer {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    written: std::sync::Arc<std::sync::atomic::AtomicU64>,
    requests: std::sync::Arc<std::sync::Mutex<Vec<CannedRequest>>>,
}

impl CannedServer {
    pub fn start(handler: impl Fn(&CannedRequest) -> Canned + Send + Sync + 'static) -> CannedServer {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("local_addr: {e}")).port();
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (stop2, written2, requests2) = (stop.clone(), written.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (handler, written, requests) = (handler.clone(), written2.clone(), requests2.clone());
                std::thread::spawn(move || {
                    let _ = serve_one(conn, port, &*handler, &written, &requests);
                });
            }
        });
        CannedServer { port, stop, written, requests }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Body bytes written so far, over all connections.
    pub fn body_bytes_written(&self) -> u64 {
        self.written.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<CannedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve_one(
    mut conn: TcpStream,
    port: u16,
    handler: &Handler,
    written: &std::sync::atomic::AtomicU64,
    requests: &std::sync::Mutex<Vec<CannedRequest>>,
) -> std::io::Result<()> {
    use std::sync::atomic::Ordering;
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if conn.read(&mut byte)? == 0 || head.len() > 64 * 1024 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let request = CannedRequest { method, target, headers, port };
    if let Ok(mut r) = requests.lock() {
        r.push(request.clone());
    }
    let answer = handler(&request);
    let mut out = format!("HTTP/1.1 {} Canned\r\nconnection: close\r\n", answer.status);
    for (k, v) in &answer.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    match &answer.body {
        CannedBody::Bytes(body) => {
            out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            conn.write_all(out.as_bytes())?;
            conn.write_all(body)?;
            written.fetch_add(body.len() as u64, Ordering::SeqCst);
        }
        CannedBody::Endless { chunk, total } => {
            out.push_str("\r\n");
            conn.write_all(out.as_bytes())?;
            let mut sent = 0u64;
            while sent < *total && !chunk.is_empty() {
                conn.write_all(chunk)?;
                sent += chunk.len() as u64;
                written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }
        }
    }
    conn.flush()
}
