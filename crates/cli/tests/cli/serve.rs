//! `serve`: answers, stops gracefully on SIGTERM, and says in one line why it cannot start.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::helpers::Cli;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let cli = Cli::new().with_env("FILROUGE_METRICS__LISTEN", &format!("127.0.0.1:{}", free_port()));
    let port = free_port();
    let mut child = cli
        .command(&["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let line = lines.next().expect("server output").unwrap();
        if line.contains("listening") {
            break;
        }
        assert!(Instant::now() < deadline, "server did not start");
    }
    // While it runs, nothing else may take its SQLite database from under it.
    let second = cli.run(&["serve", "--addr", &format!("127.0.0.1:{}", free_port())]);
    assert_ne!(second.code, 0);
    assert!(second.stderr.contains("server is running"), "{}", second.stderr);
    let snapshot = cli.path("snapshot.db");
    assert_eq!(cli.run(&["backup", "--out", crate::helpers::s(&snapshot)]).code, 0, "backups are online");
    let restore = cli.run(&["restore", crate::helpers::s(&snapshot)]);
    assert_ne!(restore.code, 0);
    assert!(restore.stderr.contains("cannot restore: a filrouge server is running"), "{}", restore.stderr);

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

#[test]
fn a_port_in_use_is_a_one_line_cause() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let cli = Cli::new().with_env("FILROUGE_METRICS__LISTEN", &format!("127.0.0.1:{}", free_port()));
    let run = cli.run(&["serve", "--addr", &addr]);
    assert_ne!(run.code, 0);
    let message: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("filrouge:")).collect();
    assert_eq!(message.len(), 1, "{}", run.stderr);
    assert!(message[0].contains(&addr) && message[0].contains("in use"), "{}", run.stderr);
}

#[test]
fn an_unreachable_database_is_a_one_line_cause() {
    let port = free_port();
    let cli = Cli::new().with_env("FILROUGE_DATABASE__URL", &format!("postgres://fil:pw@127.0.0.1:{port}/filrouge"));
    let run = cli.run(&["migrate"]);
    assert_ne!(run.code, 0);
    let message: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("filrouge:")).collect();
    assert_eq!(message.len(), 1, "{}", run.stderr);
    assert!(message[0].contains("reach the database"), "{}", run.stderr);
    assert!(!run.stderr.contains(":pw@"), "no password in messages");
}

#[test]
fn the_same_commands_work_on_postgresql() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = rt.block_on(filrouge_testkit::postgres::fresh_database()) else { return };
    let cli = Cli::new().with_env("FILROUGE_DATABASE__URL", &url);
    assert_eq!(cli.run(&["migrate"]).code, 0);
    let file = cli.write("ws.toml", crate::helpers::WORKSPACE);
    let import = cli.run(&["client", "import", crate::helpers::s(&file)]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let export = cli.run(&["client", "export"]);
    assert!(export.stdout.contains("slug = \"da-marco\""));
    let backup = cli.run(&["backup"]);
    assert_ne!(backup.code, 0);
    assert!(backup.stderr.contains("pg_dump"), "{}", backup.stderr);
}
