//! Tuning aid: scores the tuning set (tests/data/drafts.jsonl) for a grid of settings and prints one line each.
//! `cargo run --release -p filrouge-resemblance --example sweep`

#[path = "../tests/support/mod.rs"]
mod support;

use filrouge_resemblance::{Profiles, Settings};

fn main() {
    let clients = support::clients();
    let drafts = support::drafts(support::DRAFTS);
    let base = Settings::default();
    println!("{}", support::evaluate(&Profiles::build_with(&clients, base), &clients, &drafts).summary("default"));
    for prefix in [0, 5, 6, 7] {
        for boost in [1.0, 2.0, 3.0] {
            for (floor, margin, ratio) in [(0.08, 0.04, 1.3), (0.10, 0.05, 1.5), (0.12, 0.06, 1.5), (0.15, 0.08, 2.0)] {
                let s = Settings { prefix, identity_boost: boost, floor, margin, ratio, ..base };
                let r = support::evaluate(&Profiles::build_with(&clients, s), &clients, &drafts);
                println!("{}", r.summary(&format!("p{prefix} b{boost} f{floor} m{margin} r{ratio}")));
            }
        }
    }
}
