#!/usr/bin/env bash
# Listening benchmarks in one run: a poll cycle over 10,000 feeds (served by a separate process on
# 100 loopback addresses, 127.0.1.2-127.0.1.101; 90% answer 304), then ingestion of 200,000
# mentions into the archive and the search index beside raw batched SQLite inserts.
#   bash bench/listen/run.sh            (knobs: FEEDS=10000 MENTIONS=200000 PORT=18080)
set -euo pipefail
cd "$(dirname "$0")/../.."
FEEDS=${FEEDS:-10000}
MENTIONS=${MENTIONS:-200000}
PORT=${PORT:-18080}
cargo build --release --locked -p filrouge-bench-listen >&2
bin=target/release/filrouge-bench-listen
"$bin" serve --feeds "$FEEDS" --hosts 100 --port "$PORT" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
echo "## Poll cycle ($FEEDS feeds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
"$bin" poll --feeds "$FEEDS" --hosts 100 --port "$PORT"
echo
echo "## Ingest ($MENTIONS mentions)"
echo
"$bin" ingest --mentions "$MENTIONS"
