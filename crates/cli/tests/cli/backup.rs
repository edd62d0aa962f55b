//! `backup` writes a consistent snapshot; `restore` puts it back and keeps the previous database.

use crate::helpers::{s, Cli, WORKSPACE};

#[test]
fn a_backup_restores_the_state_it_was_taken_in() {
    let cli = Cli::new();
    let file = cli.write("ws.toml", WORKSPACE);
    assert_eq!(cli.run(&["client", "import", s(&file)]).code, 0);
    let out = cli.path("snapshot.db");
    let backup = cli.run(&["backup", "--out", s(&out)]);
    assert_eq!(backup.code, 0, "{}", backup.stderr);
    assert!(out.exists());
    let again = cli.run(&["backup", "--out", s(&out)]);
    assert_ne!(again.code, 0, "never overwrites a backup");

    let more = WORKSPACE
        .replace("da-marco", "gusto")
        .replace("Pizzeria Da Marco", "Gusto")
        .replace("\"ines@agence.fr\", \"marco@damarco.example\"", "\"ines@agence.fr\"");
    let more_file = cli.write("more.toml", &more);
    assert_eq!(cli.run(&["client", "import", s(&more_file)]).code, 0);
    assert!(cli.run(&["client", "export"]).stdout.contains("slug = \"gusto\""));

    let restore = cli.run(&["restore", s(&out)]);
    assert_eq!(restore.code, 0, "{}", restore.stderr);
    assert!(restore.stdout.contains("1 client(s)"), "{}", restore.stdout);
    let export = cli.run(&["client", "export"]).stdout;
    assert!(export.contains("slug = \"da-marco\""));
    assert!(!export.contains("slug = \"gusto\""), "back to the snapshot");
    assert!(cli.data().join("filrouge.db.before-restore").exists(), "the replaced database is kept");
}

#[test]
fn restoring_something_that_is_not_a_backup_changes_nothing() {
    let cli = Cli::new();
    let file = cli.write("ws.toml", WORKSPACE);
    assert_eq!(cli.run(&["client", "import", s(&file)]).code, 0);
    let junk = cli.write("junk.db", "this is not a database");
    let run = cli.run(&["restore", s(&junk)]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("not a usable Fil Rouge backup"), "{}", run.stderr);
    assert!(cli.run(&["client", "export"]).stdout.contains("da-marco"));
}
