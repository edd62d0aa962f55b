//! `filrouge lint`, `filrouge post import` and `filrouge calendar export` through the real binary: JSON findings
//! with stable codes and exit 0/1, a dry run that creates nothing, an all-or-nothing import, exports.

use crate::helpers::{Cli, Run};

const WORKSPACE: &str = r##"version = 1

[[clients]]
slug = "da-marco"
name = "Pizzeria Da Marco"
time_zone = "Europe/Paris"
languages = ["fr", "en"]

[clients.brief]
activity = "Pizzeria napolitaine au feu de bois à Lyon"
keywords = ["pizza", "burrata", "mozzarella", "four à bois", "pâte"]

[clients.charter]
address = "vous"
banned = ["pas cher"]
required_hashtags = ["#DaMarco"]
max_hashtags = 3

[[clients.accounts]]
network = "bluesky"
handle = "damarco.bsky.social"

[[clients]]
slug = "cabinet-lemoine"
name = "Cabinet Lemoine"
time_zone = "Europe/Paris"
languages = ["fr"]

[clients.brief]
activity = "Cabinet d'ostéopathie"
keywords = ["ostéopathie", "dos", "lombalgie", "posture", "séance", "douleur"]
"##;

fn codes(run: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn lint_prints_stable_codes_and_exits_1_on_errors() {
    let cli = Cli::new();
    std::fs::write(cli.path("agence.toml"), WORKSPACE).unwrap();
    let ws = cli.path("agence.toml");
    let ws = ws.to_str().unwrap();
    let bad = "Tu peux réserver ta table, c'est pas cher ! #a #b #c #d";
    let run = cli.run_with_stdin(&["lint", "--workspace", ws, "--client", "da-marco"], bad);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = codes(&run);
    for code in ["banned_word", "missing_hashtag", "too_many_hashtags", "address_form"] {
        assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
    }
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["counts"][0]["network"], "bluesky");
    assert_eq!(v["counts"][0]["limit"], 300);

    let wrong = "Mal de dos ? Une séance d'ostéopathie soulage la lombalgie et la douleur. #DaMarco";
    let run = cli.run_with_stdin(&["lint", "--workspace", ws, "--client", "da-marco"], wrong);
    assert_eq!(run.code, 0, "a warning is not an error: {}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let w = v["findings"].as_array().unwrap().iter().find(|f| f["code"] == "wrong_client").expect("wrong_client");
    assert_eq!(w["client"], "cabinet-lemoine");

    let long = format!("{} #DaMarco", "Une pizza au feu de bois. ".repeat(20));
    let run = cli.run_with_stdin(&["lint", "--workspace", ws, "--client", "da-marco", "--network", "x"], &long);
    assert_eq!(run.code, 1);
    assert!(codes(&run).contains(&"too_long".to_owned()), "{}", run.stdout);

    let run = cli.run_with_stdin(&["lint", "--workspace", ws, "--client", "nobody"], "x");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no client 'nobody'"), "{}", run.stderr);
}

fn setup(cli: &Cli) {
    std::fs::write(cli.path("agence.toml"), WORKSPACE).unwrap();
    let run = cli.run(&["client", "import", cli.path("agence.toml").to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn post_import_checks_every_row_first_and_creates_nothing_from_a_bad_file() {
    let cli = Cli::new();
    setup(&cli);
    let csv = "date,time,client,accounts,text\n\
               2031-06-20,12:30,da-marco,damarco.bsky.social,Ciao Lyon ! #DaMarco\n\
               2031-02-30,12:30,da-marco,damarco.bsky.social,Jamais #DaMarco\n";
    std::fs::write(cli.path("plan.csv"), csv).unwrap();
    let file = cli.path("plan.csv");
    let file = file.to_str().unwrap();
    let run = cli.run(&["post", "import", file, "--dry-run"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("plan.csv:3: error: date: 2031-02-30 does not exist"), "{}", run.stderr);
    let run = cli.run(&["post", "import", file]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("nothing was created"), "{}", run.stdout);
    let export = cli.run(&["calendar", "export", "--client", "da-marco", "--from", "2031-06-01", "--to", "2031-07-01"]);
    assert_eq!(export.stdout.lines().count(), 1, "only the header: nothing was imported\n{}", export.stdout);

    let run = cli.run(&["post", "import", file, "--only-valid", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["created"].as_array().unwrap().len(), 1);
    let export = cli.run(&["calendar", "export", "--client", "da-marco", "--from", "2031-06-01", "--to", "2031-07-01"]);
    assert!(
        export
            .stdout
            .contains("2031-06-20,12:30+02:00,Europe/Paris,da-marco,bluesky:damarco.bsky.social,Ciao Lyon ! #DaMarco"),
        "{}",
        export.stdout
    );
    let ics = cli.run(&["calendar", "export", "--client", "da-marco", "--format", "ics", "--from", "2031-06-01"]);
    assert!(ics.stdout.contains("DTSTART:20310620T103000Z"), "{}", ics.stdout);
    let bad = cli.run(&["calendar", "export", "--client", "da-marco", "--format", "pdf"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn a_file_with_an_unknown_column_is_refused_with_its_name() {
    let cli = Cli::new();
    setup(&cli);
    std::fs::write(cli.path("plan.csv"), "date,time,client,accounts,text,couleur\n").unwrap();
    let run = cli.run(&["post", "import", cli.path("plan.csv").to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("plan.csv:1: column 6 ('couleur') is not one of"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was imported"), "{}", run.stderr);
}
