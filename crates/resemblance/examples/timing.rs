//! Timing of the guard with 50 clients (the 12 of the evaluation set plus 38 made by shuffling their posts) of
//! 200 past posts each: build time, and p50/p99 of `check` over every draft of the tuning set.
//! `cargo run --release -p filrouge-resemblance --example timing`

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use filrouge_resemblance::{ProfileInput, Profiles};

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn main() {
    let base = support::clients();
    let posts: Vec<String> = base.iter().flat_map(|c| c.past_posts.clone()).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut clients: Vec<ProfileInput> = base.clone();
    for i in 0..38 {
        let model = &base[i % base.len()];
        clients.push(ProfileInput {
            slug: format!("synthetic-{i}"),
            name: format!("Client synthétique {i}"),
            handles: vec![format!("@synthetic{i}")],
            required_hashtags: vec![format!("#Synth{i}")],
            ..model.clone()
        });
    }
    // 200 past posts each: the client's own, then posts drawn from every client, with a word of its own.
    for (i, c) in clients.iter_mut().enumerate() {
        while c.past_posts.len() < 200 {
            let p = &posts[rng.next(posts.len())];
            c.past_posts.push(format!("{p} (série {i})"));
        }
    }

    let mut builds = Vec::new();
    let mut profiles = Profiles::build(&clients);
    for _ in 0..10 {
        let start = Instant::now();
        profiles = Profiles::build(&clients);
        builds.push(start.elapsed());
    }
    builds.sort();
    println!("build: {} clients × 200 posts, median {:?}, worst {:?}", clients.len(), builds[5], builds[9]);

    let drafts = support::drafts(support::DRAFTS);
    let mut times: Vec<Duration> = Vec::new();
    let mut flagged = 0usize;
    for _round in 0..5 {
        for d in &drafts {
            let current = &clients[rng.next(clients.len())].slug;
            let start = Instant::now();
            let r = profiles.check(current, &d.text);
            times.push(start.elapsed());
            flagged += usize::from(r.is_some());
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "check: {} calls against {} clients, p50 {:?}, p99 {:?}, max {:?} ({flagged} flagged)",
        times.len(),
        clients.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}
