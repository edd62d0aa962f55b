#!/usr/bin/env bash
# The search benchmark in one command: builds (release), generates N synthetic mentions (BENCH_N, default
# 10 000 000; e.g. BENCH_N=200000 for a quick run), indexes them with tantivy and SQLite FTS5 under BENCH_DIR
# (default /tmp/filrouge-search-bench), measures each engine from its own process, and prints one table.
# SKIP_INDEX=1 reuses the indexes of an earlier run with the same N.
set -euo pipefail
cd "$(dirname "$0")"
export BENCH_N="${BENCH_N:-10000000}"
export BENCH_DIR="${BENCH_DIR:-/tmp/filrouge-search-bench}"
cargo build --release --quiet
bin=target/release/filrouge-bench-search
mkdir -p "$BENCH_DIR"
rm -f "$BENCH_DIR/results.tsv"
"$bin" gen
if [[ "${SKIP_INDEX:-}" != 1 ]]; then
  rm -f "$BENCH_DIR/results-index.tsv"
  "$bin" index-tantivy
  "$bin" index-sqlite
fi
sync
"$bin" serve-tantivy
"$bin" serve-sqlite
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
"$bin" report
