//! Configuration: file, environment, errors that name file, key and reason, redaction.

use crate::helpers::{s, Cli};

#[test]
fn config_print_shows_the_effective_configuration_with_secrets_redacted() {
    let cli = Cli::new()
        .with_env("FILROUGE_WEB__LISTEN", "127.0.0.1:9999")
        .with_env("FILROUGE_SECRETS__KEY", "c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk=")
        .with_env("FILROUGE_DATABASE__URL", "postgres://fil:hunter2@db.internal/filrouge");
    let run = cli.run(&["config", "print"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("listen = \"127.0.0.1:9999\""), "{}", run.stdout);
    assert!(run.stdout.contains("key = \"<redacted>\""), "{}", run.stdout);
    assert!(!run.stdout.contains("c2VjcmV0"), "the key never prints");
    assert!(!run.stdout.contains("hunter2"), "the database password never prints");
    assert!(run.stdout.contains("[auth]") && run.stdout.contains("session_idle_minutes"), "every section is shown");
}

#[test]
fn a_malformed_config_file_names_file_line_and_column_and_exits_2() {
    let cli = Cli::new();
    let file = cli.write("filrouge.toml", "[web]\nlisten = \"127.0.0.1:8080\"\npublic_url = \n");
    let run = cli.run(&["--config", s(&file), "config", "print"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&format!("{}:3:", file.display())), "{}", run.stderr);
}

#[test]
fn an_unknown_key_or_a_bad_value_names_the_key_and_exits_2() {
    let cli = Cli::new();
    let file = cli.write("unknown.toml", "[web]\nlisen = \"127.0.0.1:8080\"\n");
    let run = cli.run(&["--config", s(&file), "config", "print"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown.toml") && run.stderr.contains("lisen"), "{}", run.stderr);

    let file = cli.write("bad.toml", "[web]\nlisten = \"not an address\"\n");
    let run = cli.run(&["--config", s(&file), "config", "print"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.toml") && run.stderr.contains("web.listen"), "{}", run.stderr);

    let run = Cli::new().with_env("FILROUGE_AUTH__SESSION_IDLE_MINUTES", "soon").run(&["config", "print"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("FILROUGE_") || run.stderr.contains("environment"), "{}", run.stderr);
    assert!(run.stderr.contains("auth.session_idle_minutes"), "{}", run.stderr);
}

#[test]
fn a_missing_config_file_is_an_error() {
    let cli = Cli::new();
    let run = cli.run(&["--config", "/nonexistent/filrouge.toml", "config", "print"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("/nonexistent/filrouge.toml"), "{}", run.stderr);
}

#[test]
fn the_secret_key_is_generated_once_with_owner_only_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let cli = Cli::new();
    assert_eq!(cli.run(&["user", "list"]).code, 0);
    let key = cli.data().join("secret.key");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let first = std::fs::read_to_string(&key).unwrap();
    assert_eq!(cli.run(&["user", "list"]).code, 0);
    assert_eq!(std::fs::read_to_string(&key).unwrap(), first, "never regenerated");
}

#[test]
fn migrate_applies_once() {
    let cli = Cli::new();
    let first = cli.run(&["migrate"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/sqlite");
    let files = std::fs::read_dir(dir).unwrap().count();
    assert!(first.stdout.contains(&format!("{files} migration(s) applied")), "{}", first.stdout);
    let second = cli.run(&["migrate"]);
    assert!(second.stdout.contains("0 migration(s) applied"), "{}", second.stdout);
}

#[test]
fn an_unknown_analysis_language_or_a_bad_mail_sender_stops_with_exit_2() {
    let cli = Cli::new();
    let bad = cli.write("bad.toml", "[analysis]\nlanguages = [\"fr\", \"klingon\"]\n");
    let run = cli.run(&["--config", crate::helpers::s(&bad), "query", "list", "x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("klingon"), "{}", run.stderr);
    let bad = cli.write("mail.toml", "[mail]\nhost = \"127.0.0.1\"\nfrom = \"pas une adresse\"\n");
    let run = cli.run(&["--config", crate::helpers::s(&bad), "query", "list", "x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("mail.from"), "{}", run.stderr);
}

#[test]
fn config_print_redacts_the_mail_password() {
    let cli = Cli::new().with_env("FILROUGE_MAIL__PASSWORD", "s3cret-smtp-pass");
    let run = cli.run(&["config", "print"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("s3cret-smtp-pass") && run.stdout.contains("<redacted>"), "{}", run.stdout);
}
