//! `filrouge analyze` and `filrouge query check|explain`: JSON lines in and out, the same code as
//! the app, syntax errors with their position and exit status 2, nothing half-written.

use crate::helpers::{Cli, Run};

fn lines(run: &Run) -> Vec<serde_json::Value> {
    run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn analyze_adds_language_sentiment_score_and_intent_to_each_line() {
    let cli = Cli::new();
    let input = concat!(
        "{\"id\": 1, \"text\": \"Vous êtes ouverts dimanche ?\"}\n",
        "\n",
        "{\"id\": 2, \"text\": \"Worst service ever, my order never arrived and nobody answers.\"}\n",
        "{\"id\": 3, \"text\": \"Pas mal du tout, je recommande !\", \"lang\": \"fr\"}\n",
    );
    let run = cli.run_with_stdin(&["analyze"], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = lines(&run);
    assert_eq!(out.len(), 3, "blank lines are skipped, every object comes back");
    assert_eq!(out[0]["id"], 1, "the input's own fields are kept");
    assert_eq!((out[0]["lang"].as_str(), out[0]["intent"].as_str()), (Some("fr"), Some("question")));
    assert_eq!((out[1]["lang"].as_str(), out[1]["sentiment"].as_str()), (Some("en"), Some("negative")));
    assert_eq!(out[1]["intent"], "complaint");
    assert_eq!(out[2]["sentiment"], "positive", "'pas mal' is a compliment");
    for o in &out {
        let score = o["sentiment_score"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&score), "{score}");
    }
}

#[test]
fn analyze_refuses_a_bad_line_by_number_and_writes_nothing() {
    let cli = Cli::new();
    let run = cli.run_with_stdin(&["analyze"], "{\"text\": \"ok\"}\n{\"text\": 12}\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("line 2") && run.stderr.contains("text"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing half-written");
    let run = cli.run_with_stdin(&["analyze"], "{\"text\": \"ok\"}\n{\"text\": \"cassé\"\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("stdin:2"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn query_check_writes_the_matching_mentions_only() {
    let cli = Cli::new();
    let input = concat!(
        "{\"text\": \"La Bella Napoli fait la meilleure pizza.\", \"url\": \"https://blog.test/a\"}\n",
        "{\"text\": \"Bella vue sur Napoli.\"}\n",
        "{\"text\": \"La bella napoli recrute un pizzaiolo.\"}\n",
        "{\"title\": \"Avis\", \"text\": \"Très bon accueil chez Bella Napoli\", \"url\": \"https://www.avis.test/x\"}\n",
    );
    let run = cli.run_with_stdin(&["query", "check", "\"bella napoli\" -recrute"], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept: Vec<String> = lines(&run).iter().map(|o| o["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(kept, ["La Bella Napoli fait la meilleure pizza.", "Très bon accueil chez Bella Napoli"]);
    let run = cli.run_with_stdin(&["query", "check", "napoli site:avis.test"], input);
    assert_eq!(lines(&run).len(), 1, "site: matches the host and its subdomains");
}

#[test]
fn query_check_shows_a_syntax_error_with_a_caret_and_exits_2() {
    let cli = Cli::new();
    let run = cli.run_with_stdin(&["query", "check", "pizza AND (napoli"], "{\"text\": \"pizza\"}\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("column"), "{}", run.stderr);
    assert!(run.stderr.contains("pizza AND (napoli\n") && run.stderr.contains('^'), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn query_explain_prints_the_tree_and_the_prefilter_literals() {
    let cli = Cli::new();
    let run = cli.run(&["query", "explain", "\"bella napoli\" NEAR/3 pizz* -recrutement"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("NEAR"), "{}", run.stdout);
    assert!(run.stdout.contains("prefilter literals:"), "{}", run.stdout);
    assert!(run.stdout.to_lowercase().contains("napoli") || run.stdout.contains("pizz"), "{}", run.stdout);
}
