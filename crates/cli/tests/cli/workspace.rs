//! `client import|export` and `user add|passwd|list` through the binary.

use crate::helpers::{s, Cli, WORKSPACE};

#[test]
fn a_workspace_file_round_trips_through_import_and_export() {
    let cli = Cli::new();
    let file = cli.write("ws.toml", WORKSPACE);
    let import = cli.run(&["client", "import", s(&file)]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(import.stdout.contains("1 client(s) created"), "{}", import.stdout);
    assert!(import.stdout.contains("filrouge user passwd --email ines@agence.fr"), "tells who needs a password");
    let exported = cli.run(&["client", "export"]);
    assert_eq!(exported.code, 0);

    let other = Cli::new();
    let copy = other.write("copy.toml", &exported.stdout);
    assert_eq!(other.run(&["client", "import", s(&copy)]).code, 0);
    let again = other.run(&["client", "export"]);
    assert_eq!(again.stdout, exported.stdout, "export(import(export)) is exact");
    assert!(exported.stdout.contains("address = \"tu\""));
    assert!(exported.stdout.contains("damarco.bsky.social"));
}

#[test]
fn a_bad_workspace_file_names_file_line_and_column_and_writes_nothing() {
    let cases = [
        ("unknown key", WORKSPACE.replace("max_hashtags = 3", "max_hashtag = 3"), "max_hashtag"),
        ("bad value", WORKSPACE.replace("time_zone = \"Europe/Paris\"", "time_zone = \"Europe/Lyon\""), "Europe/Lyon"),
        ("missing field", WORKSPACE.replace("time_zone = \"Europe/Paris\"\n", ""), "time_zone"),
        ("bad address", WORKSPACE.replace("address = \"tu\"", "address = \"toi\""), "toi"),
    ];
    for (what, text, needle) in cases {
        let cli = Cli::new();
        let file = cli.write("ws.toml", &text);
        let run = cli.run(&["client", "import", s(&file)]);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        let prefix = format!("{}:", file.display());
        let position =
            run.stderr.split(&prefix).nth(1).unwrap_or_else(|| panic!("{what}: no file name in {}", run.stderr));
        let mut parts = position.splitn(3, ':');
        let line: usize = parts.next().unwrap().parse().unwrap_or_else(|_| panic!("{what}: no line in {}", run.stderr));
        let col: usize =
            parts.next().unwrap().parse().unwrap_or_else(|_| panic!("{what}: no column in {}", run.stderr));
        assert!(line > 1 && col >= 1, "{what}: {line}:{col}");
        assert!(run.stderr.contains(needle), "{what}: the message names the problem: {}", run.stderr);
        assert!(run.stderr.contains("nothing was imported"), "{what}");
        let export = cli.run(&["client", "export"]);
        assert!(
            !export.stdout.contains("[[clients]]") && !export.stdout.contains("[[users]]"),
            "{what}: nothing written"
        );
    }
}

#[test]
fn users_are_added_listed_and_given_a_new_password_from_the_command_line() {
    let cli = Cli::new();
    let file = cli.write("ws.toml", WORKSPACE);
    assert_eq!(cli.run(&["client", "import", s(&file)]).code, 0);
    let mut add = cli.command(&[
        "user",
        "add",
        "--email",
        "claire@agence.fr",
        "--name",
        "Claire",
        "--role",
        "manager",
        "--client",
        "da-marco",
    ]);
    add.env("FILROUGE_PASSWORD", "a long enough password");
    let run: crate::helpers::Run = add.output().unwrap().into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bad_role = cli.run(&["user", "add", "--email", "x@y.fr", "--name", "X", "--role", "admin"]);
    assert_eq!(bad_role.code, 2);
    assert!(bad_role.stderr.contains("--role"), "{}", bad_role.stderr);
    let unknown_client =
        cli.run(&["user", "add", "--email", "x@y.fr", "--name", "X", "--role", "cm", "--client", "nope"]);
    assert_eq!(unknown_client.code, 2);
    assert!(unknown_client.stderr.contains("nope"));

    let list = cli.run(&["user", "list", "--json"]);
    let lines: Vec<serde_json::Value> = list.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    let claire = lines.iter().find(|u| u["email"] == "claire@agence.fr").unwrap();
    assert_eq!(claire["role"], "manager");
    assert_eq!(claire["clients"], serde_json::json!(["da-marco"]));

    let short = cli
        .command(&["user", "passwd", "--email", "ines@agence.fr"])
        .env("FILROUGE_PASSWORD", "short")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10"));
    let ok = cli
        .command(&["user", "passwd", "--email", "ines@agence.fr"])
        .env("FILROUGE_PASSWORD", "now a good password")
        .output()
        .unwrap();
    assert!(ok.status.success());
}

#[test]
fn the_demo_creates_its_agency_once() {
    let cli = Cli::new();
    let first = cli.run(&["demo", "--no-serve"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.contains("Created the demo agency"));
    for role in ["owner", "manager", "community_manager", "analyst", "client_reviewer"] {
        assert!(first.stdout.contains(role), "a login for {role}");
    }
    let second = cli.run(&["demo", "--no-serve"]);
    assert!(second.stdout.contains("Using the demo agency"));
    let export = cli.run(&["client", "export"]).stdout;
    for slug in ["da-marco", "tapis-traditions", "gaston-fils", "osteo-lea-moreau"] {
        assert_eq!(export.matches(&format!("slug = \"{slug}\"")).count(), 1, "{slug} once");
    }
    let refused = cli.run(&["demo", "--no-serve", "--addr", "0.0.0.0:8080"]);
    assert_ne!(refused.code, 0, "the demo never listens beyond loopback");
}
