//! Analysis benchmark: language, sentiment and intent of realistic short posts (the crate's labelled sets), mentions
//! per second on one thread, with Python vaderSentiment timed on the same English posts as context.
//!
//! usage: filrouge-bench-analysis [SECONDS_PER_ROW]   (env VADER_PYTHON: a python with vaderSentiment installed)
use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use filrouge_analysis::Analyzer;
use serde::Deserialize;

const SETS: [&str; 3] = [
    include_str!("../../../crates/analysis/tests/data/eval.jsonl"),
    include_str!("../../../crates/analysis/tests/data/holdout.jsonl"),
    include_str!("../../../crates/analysis/tests/data/languages.jsonl"),
];

#[derive(Deserialize)]
struct Post {
    text: String,
    lang: String,
}

fn workload() -> Result<Vec<Post>, serde_json::Error> {
    SETS.iter().flat_map(|set| set.lines().filter(|l| !l.trim().is_empty())).map(serde_json::from_str).collect()
}

/// A table row: its name, its posts and how each post is analysed.
type Row<'a> = (&'a str, &'a [&'a Post], &'a dyn Fn(&Post));

/// Mentions per second over repeated passes of at least `budget`.
fn rate(posts: &[&Post], budget: Duration, run: impl Fn(&Post)) -> f64 {
    for p in posts {
        run(p);
    }
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < budget {
        for p in posts {
            run(p);
        }
        done += posts.len();
    }
    done as f64 / start.elapsed().as_secs_f64()
}

fn vader(python: &str, english: &[&Post], rounds: usize) -> Option<f64> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/vader.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg(rounds.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut input = String::new();
    for p in english {
        input.push_str(&serde_json::to_string(&p.text).ok()?);
        input.push('\n');
    }
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: f64 = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(3.0);
    let budget = Duration::from_secs_f64(seconds);
    let posts = workload()?;
    let analyzer = Analyzer::new(Analyzer::default_languages())?;
    let all: Vec<&Post> = posts.iter().collect();
    let fr: Vec<&Post> = posts.iter().filter(|p| p.lang == "fr").collect();
    let en: Vec<&Post> = posts.iter().filter(|p| p.lang == "en").collect();
    let mean_len = all.iter().map(|p| p.text.chars().count()).sum::<usize>() as f64 / all.len() as f64;
    let built = Instant::now();
    let _ = black_box(Analyzer::new(Analyzer::default_languages())?);
    let build_ms = built.elapsed().as_secs_f64() * 1000.0;

    println!(
        "workload: {} posts (fr {}, en {}), mean {:.0} characters; one thread, {seconds} s per row",
        all.len(),
        fr.len(),
        en.len(),
        mean_len
    );
    println!("Analyzer::new (lexicons parsed): {build_ms:.1} ms\n");
    println!("| run | posts | mentions/s | µs/mention |");
    println!("|---|---:|---:|---:|");
    let detect = |p: &Post| {
        black_box(analyzer.analyze(black_box(&p.text), None));
    };
    let declared = |p: &Post| {
        black_box(analyzer.analyze(black_box(&p.text), Some(&p.lang)));
    };
    let rows: [Row<'_>; 4] = [
        ("all posts, language detected", &all, &detect),
        ("all posts, language declared", &all, &declared),
        ("French posts, language detected", &fr, &detect),
        ("English posts, language detected", &en, &detect),
    ];
    let mut english_rate = 0.0;
    for (name, set, run) in rows {
        let r = rate(set, budget, run);
        if name.starts_with("English") {
            english_rate = r;
        }
        println!("| {name} | {} | {r:.0} | {:.1} |", set.len(), 1e6 / r);
    }
    let python = std::env::var("VADER_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    match vader(&python, &en, 50) {
        Some(r) => {
            println!(
                "| Python vaderSentiment 3.3.2 polarity_scores, English posts (sentiment only) | {} | {r:.0} | {:.1} |",
                en.len(),
                1e6 / r
            );
            println!("\nfilrouge-analysis (language + sentiment + intent) / vaderSentiment (sentiment only) on English posts: {:.0}×", english_rate / r);
        }
        None => {
            println!("\nPython vaderSentiment not available with {python} (set VADER_PYTHON to a python that has it)")
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_parses() {
        let posts = workload().unwrap_or_default();
        assert!(posts.len() > 500, "{} posts", posts.len());
        assert!(posts.iter().all(|p| !p.text.is_empty() && !p.lang.is_empty()));
    }
}
