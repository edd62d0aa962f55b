//! Tuning aid: scores the development sets (tests/data/drafts.jsonl, holdout.jsonl and holdout2.jsonl, once each
//! had been measured) for a grid of settings and prints one line each. Never run on holdout3.jsonl, the blind set
//! kept for measuring. `cargo run --release -p filrouge-resemblance --example sweep`

#[path = "../tests/support/mod.rs"]
mod support;

use filrouge_resemblance::{Profiles, Settings};

fn main() {
    let clients = support::clients();
    let mut drafts = support::drafts(support::DRAFTS);
    drafts.extend(support::drafts(support::HOLDOUT));
    drafts.extend(support::drafts(support::HOLDOUT2));
    let base = Settings::default();
    println!("{}", support::evaluate(&Profiles::build_with(&clients, base), &clients, &drafts).summary("default"));
    for everyday_weight in [1.0, 0.5] {
        for floor in [0.03, 0.04, 0.05] {
            for margin in [0.01, 0.02, 0.03] {
                for ratio in [1.3, 1.5, 2.0] {
                    let s = Settings { everyday_weight, floor, margin, ratio, ..base };
                    let r = support::evaluate(&Profiles::build_with(&clients, s), &clients, &drafts);
                    println!("{}", r.summary(&format!("e{everyday_weight} f{floor} m{margin} r{ratio}")));
                }
            }
        }
    }
}
