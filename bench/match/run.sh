#!/usr/bin/env bash
# Matching benchmark in one run: filrouge-query's Matcher beside two Lucene percolators (a MemoryIndex per mention
# running every query, and Elasticsearch-style candidate selection from indexed query terms) with 10,000 and
# 100,000 generated queries over 1 million generated mentions; one thread each; one Markdown table.
#   bash bench/match/run.sh
# Knobs: MENTIONS (1000000), SIZES ("10000 100000"), LUCENE_SECONDS (20, timed run per Lucene engine),
# LUCENE_WARMUP (10), LUCENE_MODES ("naive indexed"), RUST_SECONDS (600: the Rust pass stops there),
# MATCH_DATA (/tmp/filrouge-match-data: generated files, kept between runs), QUIET_WAIT (300: seconds to wait for
# idle CPUs before measuring), CARGO_TARGET_DIR. Installs Debian's liblucene8-java if missing (needs javac, java).
set -euo pipefail
cd "$(dirname "$0")/../.."
MENTIONS=${MENTIONS:-1000000}
SIZES=${SIZES:-"10000 100000"}
LUCENE_SECONDS=${LUCENE_SECONDS:-20}
LUCENE_WARMUP=${LUCENE_WARMUP:-10}
LUCENE_MODES=${LUCENE_MODES:-"naive indexed"}
RUST_SECONDS=${RUST_SECONDS:-600}
DATA=${MATCH_DATA:-/tmp/filrouge-match-data}
target=${CARGO_TARGET_DIR:-target}

if ! ls /usr/share/java/lucene-memory-*.jar >/dev/null 2>&1; then
  apt-get install -y liblucene8-java >&2 || { apt-get update >&2 && apt-get install -y liblucene8-java >&2; }
fi
jar() { ls /usr/share/java/lucene-"$1"-[0-9]*.jar | head -n1; }
cp="$(jar core):$(jar memory):$(jar analyzers-common):$(jar queries):$(jar sandbox)"

cargo build --release --locked -p filrouge-bench-match >&2
bin=$target/release/filrouge-bench-match
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
javac -nowarn -d "$classes" -cp "$cp" bench/match/java/Percolator.java >&2

# Wait (up to QUIET_WAIT seconds) until the CPUs have been at least 80% idle over 3 seconds.
idle_pct() {
  local a b
  read -r _ a1 a2 a3 a4 a5 _ </proc/stat; a=$((a1 + a2 + a3 + a4 + a5))
  local i1=$a4
  sleep 3
  read -r _ b1 b2 b3 b4 b5 _ </proc/stat; b=$((b1 + b2 + b3 + b4 + b5))
  echo $(((b4 - i1) * 100 / (b - a + 1)))
}
waited=0
while [ "$(idle_pct)" -lt 80 ] && [ "$waited" -lt "${QUIET_WAIT:-300}" ]; do waited=$((waited + 3)); done
idle_before=$(idle_pct)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "CPUs idle before measuring: ${idle_before}% (waited ${waited} s)" >&2

rows=$(mktemp -p "$classes")
for queries in $SIZES; do
  dir=$DATA/q$queries-m$MENTIONS
  if [ ! -s "$dir/mentions.jsonl" ] || [ ! -s "$dir/queries.jsonl" ]; then
    "$bin" generate --queries "$queries" --mentions "$MENTIONS" --out "$dir" >&2
  fi
  results=()
  for mode in $LUCENE_MODES; do
    java -XX:+UseSerialGC -Xms1g -Xmx4g -cp "$classes:$cp" Percolator --mode "$mode" --dir "$dir" \
      --seconds "$LUCENE_SECONDS" --warmup "$LUCENE_WARMUP" --out "$dir/lucene-$mode.txt" >&2
    results+=(--lucene "$dir/lucene-$mode.txt")
  done
  "$bin" run --dir "$dir" --max-seconds "$RUST_SECONDS" "${results[@]}" >>"$rows"
done

echo "## Matching ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
echo "CPUs ${idle_before}% idle before measuring (load $load_before), $(idle_pct)% idle after (load $(cut -d' ' -f1-3 /proc/loadavg))."
echo
echo "| engine | queries | mentions timed | build time | mentions/s (wall) | mentions per CPU-second | ratio vs Rust (CPU) | matches |"
echo "|---|---:|---:|---:|---:|---:|---|---:|"
grep '^|' "$rows"
echo
grep '^CHECK' "$rows" | sed 's/^CHECK \([0-9]*\): /- \1 queries: /'
