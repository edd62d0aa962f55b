//! A private, throwaway PostgreSQL cluster for tests, started with the system's `initdb` and
//! `pg_ctl` on a free loopback port.
//!
//! nextest runs every test in its own process, so the cluster is shared by all the processes of
//! one run: the first creates it under the temporary directory (guarded by a file lock), the others
//! find it running. Each test gets a fresh database in it. `scripts/test` stops it at the end; it
//! is never a server anyone else uses (its own directory, its own port, trust auth on loopback).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use rand::Rng;
use sqlx::Connection;

/// Where the shared test cluster lives. `FILROUGE_TEST_PG_DIR` overrides it.
pub fn cluster_dir() -> PathBuf {
    std::env::var_os("FILROUGE_TEST_PG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("filrouge-test-pg"))
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`, if PostgreSQL is installed.
pub fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FILROUGE_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    versions.pop()
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs a PostgreSQL tool, as the `postgres` system user when we are root (the server refuses to
/// run as root).
fn pg_command(bin: &Path, tool: &str, args: &[&str]) -> Result<String, String> {
    let exe = bin.join(tool);
    let output = if running_as_root() {
        Command::new("runuser").arg("-u").arg("postgres").arg("--").arg(&exe).args(args).output()
    } else {
        Command::new(&exe).args(args).output()
    }
    .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{tool} {} failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Starts (or finds running) the shared cluster and returns its port.
fn ensure_cluster(bin: &Path) -> Result<u16, String> {
    let root = cluster_dir();
    fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join("lock"))
        .map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| format!("lock: {e}"))?;
    let data = root.join("data");
    let port_file = root.join("port");
    if !data.join("PG_VERSION").exists() {
        let _ = fs::remove_dir_all(&data);
        // Only before the cluster exists: a recursive chown of a running cluster races with the
        // files the server creates and removes (seen failing under parallel tests).
        if running_as_root() {
            chown_postgres(&root)?;
        }
        pg_command(
            bin,
            "initdb",
            &["-D", path_str(&data)?, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"],
        )?;
    }
    let status = pg_command(bin, "pg_ctl", &["-D", path_str(&data)?, "status"]);
    let port = match (status, fs::read_to_string(&port_file)) {
        (Ok(_), Ok(port)) => port.trim().parse::<u16>().map_err(|e| e.to_string())?,
        _ => {
            let port = free_port()?;
            let options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                path_str(&root)?
            );
            pg_command(
                bin,
                "pg_ctl",
                &[
                    "-D",
                    path_str(&data)?,
                    "-l",
                    path_str(&root.join("server.log"))?,
                    "-o",
                    &options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            )?;
            let mut f = File::create(&port_file).map_err(|e| e.to_string())?;
            write!(f, "{port}").map_err(|e| e.to_string())?;
            port
        }
    };
    drop(lock);
    Ok(port)
}

fn chown_postgres(path: &Path) -> Result<(), String> {
    let status = Command::new("chown")
        .arg("-R")
        .arg("postgres:postgres")
        .arg(path)
        .status()
        .map_err(|e| format!("chown: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("chown -R postgres {} failed", path.display()))
    }
}

fn path_str(p: &Path) -> Result<&str, String> {
    p.to_str().ok_or_else(|| format!("non-UTF-8 path {}", p.display()))
}

/// A fresh, empty database in the shared test cluster, as a URL; `None` (after saying why) when
/// PostgreSQL is not installed and we are not in CI. `FILROUGE_TEST_PG_URL` points at another
/// server instead (an admin URL; a database is created in it per test).
pub async fn fresh_database() -> Option<String> {
    let admin = match std::env::var("FILROUGE_TEST_PG_URL") {
        Ok(url) => url,
        Err(_) => {
            let Some(bin) = find_bin_dir() else {
                crate::missing_component("PostgreSQL server binaries (apt-get install postgresql)");
                return None;
            };
            let port = tokio::task::spawn_blocking(move || ensure_cluster(&bin))
                .await
                .unwrap_or_else(|e| panic!("cluster task: {e}"))
                .unwrap_or_else(|e| panic!("cannot start the test PostgreSQL cluster: {e}"));
            format!("postgres://postgres@127.0.0.1:{port}/postgres")
        }
    };
    let name = format!("t_{:016x}", rand::thread_rng().gen::<u64>());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| panic!("connect {admin}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("create database: {e}"));
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin);
    Some(format!("{base}/{name}"))
}

/// Stops the shared cluster, if it runs (called by `scripts/test` after the suite).
pub fn stop_cluster() -> Result<(), String> {
    let Some(bin) = find_bin_dir() else { return Ok(()) };
    let data = cluster_dir().join("data");
    if data.exists() {
        pg_command(&bin, "pg_ctl", &["-D", path_str(&data)?, "-m", "fast", "stop"]).map(|_| ())
    } else {
        Ok(())
    }
}
