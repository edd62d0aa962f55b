//! Benchmark entry point (filled in by its owner).
fn main() {}
