//! Benchmark driver (bench/feeds/run.sh): parses + sanitises every file listed on stdin N times and
//! prints `bytes items seconds`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let mut list = String::new();
    std::io::stdin().read_to_string(&mut list).unwrap();
    let docs: Vec<Vec<u8>> = list.lines().filter(|l| !l.is_empty()).map(|p| std::fs::read(p).unwrap()).collect();
    let opts = filrouge_feeds::ParseOptions::default();
    let (mut bytes, mut items) = (0usize, 0usize);
    let start = Instant::now();
    for _ in 0..rounds {
        for doc in &docs {
            bytes += doc.len();
            if let Ok(feed) = filrouge_feeds::parse(doc, &opts) {
                items += feed.items.len();
            }
        }
    }
    println!("{bytes} {items} {:.4}", start.elapsed().as_secs_f64());
}
