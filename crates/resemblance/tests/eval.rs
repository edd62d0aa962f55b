//! The evaluation of the wrong-client guard: every labelled draft placed on its own client (a flag is a false alarm)
//! and on every other client (it should be flagged, naming its own), generic drafts on every client (never flagged).
//! Run with `--nocapture` to see the figures; `RESEMBLANCE_VERBOSE=1` also lists the failures.

mod support;

use filrouge_resemblance::Profiles;
use support::{clients, drafts, evaluate, Report, DRAFTS, HOLDOUT, HOLDOUT2, HOLDOUT3};

fn run(name: &str, set: &str) -> Report {
    run_on(name, clients(), set)
}

/// Every draft of `set` on every one of `clients`, the figures printed (and the failures, when asked).
fn run_on(name: &str, clients: Vec<filrouge_resemblance::ProfileInput>, set: &str) -> Report {
    let profiles = Profiles::build(&clients);
    let report = evaluate(&profiles, &clients, &drafts(set));
    println!("{}", report.summary(name));
    if std::env::var_os("RESEMBLANCE_VERBOSE").is_some() {
        for line in report.misses.iter().chain(&report.false_alarms) {
            println!("  {line}");
        }
    }
    report
}

#[test]
fn the_tuning_set_is_detected_with_few_false_alarms() {
    let r = run("tuning", DRAFTS);
    assert!(r.misplaced >= 12 * 25 * 11, "the tuning set has at least 25 drafts per client");
    // 90.3% before the everyday-words rule; it costs two points here and took the false alarms on unseen drafts
    // from 17% to under 6% (bench/results/planning.md). The 90% is not met on profiles alone.
    assert!(r.detection() >= 0.88, "{}", r.summary("tuning"));
    assert!(r.naming() >= 0.90, "{}", r.summary("tuning"));
    assert!(r.false_alarm() <= 0.05, "{}", r.summary("tuning"));
}

#[test]
fn the_holdout_set_is_detected_with_few_false_alarms() {
    let r = run("holdout", HOLDOUT);
    assert!(r.own >= 100, "the holdout set has at least 100 labelled drafts");
    assert!(r.detection() >= 0.85, "{}", r.summary("holdout"));
    assert!(r.naming() >= 0.85, "{}", r.summary("holdout"));
    assert!(r.false_alarm() <= 0.08, "{}", r.summary("holdout"));
}

/// On the tuning set no generic draft is flagged on any client. (The holdout set has one that is, on every client:
/// "changement d'horaires pendant les vacances scolaires" reads like the museum; it counts in its false alarms above
/// and is left as found, since the holdout set is not tuned on. See docs/guards.md.)
#[test]
fn generic_drafts_of_the_tuning_set_are_never_flagged() {
    let clients = clients();
    let profiles = Profiles::build(&clients);
    let generic: Vec<_> = drafts(DRAFTS).into_iter().filter(|d| d.generic).collect();
    let r = evaluate(&profiles, &clients, &generic);
    assert_eq!(r.generic_flagged, 0, "{:#?}", r.false_alarms);
}

/// The held-out drafts on clients that have a history: each client's profile also learns from the tuning set's
/// drafts of that client, as its published posts (the app feeds each client's recent posts to its profile).
fn run_with_history(name: &str, set: &str) -> Report {
    let mut clients = clients();
    for d in drafts(DRAFTS) {
        if let Some(c) = clients.iter_mut().find(|c| Some(&c.slug) == d.client.as_ref()) {
            c.past_posts.push(d.text.clone());
        }
    }
    run_on(name, clients, set)
}

/// Figures of the history condition, printed for the results; it guards against regressions with the bounds
/// measured when the test was written (see bench/results/planning.md), not the targets.
#[test]
fn the_holdout_set_on_clients_with_a_history() {
    let r = run_with_history("holdout, clients with 25 past posts", HOLDOUT);
    assert!(r.detection() >= 0.88, "{}", r.summary("holdout with history"));
    assert!(r.false_alarm() <= 0.09, "{}", r.summary("holdout with history"));
}

/// The blind set (holdout2.jsonl, 144 drafts + 12 generic, written by someone who never saw the guard), on clients
/// with only their profile and on clients with a history. Bounds are what it measured the one time it was run.
/// The second held-out set (holdout2.jsonl, written blind by someone who never saw the guard, measured once at
/// 84.6% / 17.4%; since then a development set: the everyday-words rule was written after reading its failures).
#[test]
fn the_second_holdout_set() {
    let r = run("holdout2, profiles only", HOLDOUT2);
    assert_eq!(r.own, 144);
    assert!(r.detection() >= 0.82 && r.false_alarm() <= 0.06, "{}", r.summary("holdout2"));
    let h = run_with_history("holdout2, clients with 25 past posts", HOLDOUT2);
    assert!(h.detection() >= 0.84 && h.false_alarm() <= 0.06, "{}", h.summary("holdout2 with history"));
}

/// The blind set (holdout3.jsonl, 144 drafts + 16 generic, written by someone who never saw the guard, after its
/// last change): on clients with only their profile and on clients with a history.
#[test]
fn the_blind_set() {
    let r = run("blind (holdout3), profiles only", HOLDOUT3);
    assert_eq!(r.own, 144);
    let h = run_with_history("blind (holdout3), clients with 25 past posts", HOLDOUT3);
    // Measured once (2026-11-23): 81.4% / 13.7%, and 88.9% / 17.3% with a history — below the targets
    // (≥ 90% / ≤ 5%); these bounds only catch a regression.
    assert!(r.detection() >= 0.81 && r.false_alarm() <= 0.14, "{}", r.summary("blind"));
    assert!(h.detection() >= 0.88 && h.false_alarm() <= 0.18, "{}", h.summary("blind with history"));
}
