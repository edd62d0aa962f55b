//! Tuning aid: scores the tuning set (tests/data/drafts.jsonl) for a grid of settings around the defaults and prints
//! one line each. Never run on the holdout set. `cargo run --release -p filrouge-resemblance --example sweep`

#[path = "../tests/support/mod.rs"]
mod support;

use filrouge_resemblance::{Profiles, Settings};

fn main() {
    let clients = support::clients();
    let drafts = support::drafts(support::DRAFTS);
    let base = Settings::default();
    println!("{}", support::evaluate(&Profiles::build_with(&clients, base), &clients, &drafts).summary("default"));
    for prefix in [5, 6] {
        for sector_weight in [2.0, 3.0] {
            for sector_min in [4, 6] {
                for floor in [0.03, 0.04] {
                    let s = Settings { prefix, sector_weight, sector_min, floor, ..base };
                    let r = support::evaluate(&Profiles::build_with(&clients, s), &clients, &drafts);
                    println!("{}", r.summary(&format!("p{prefix} s{sector_weight} sm{sector_min} f{floor}")));
                }
            }
        }
    }
}
