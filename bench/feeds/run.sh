#!/usr/bin/env bash
# Parse + sanitise the same real feeds with filrouge-feeds, Go gofeed and Python feedparser; print a table.
# Needs: cargo; golang-go + golang-github-mmcdole-gofeed-dev (apt); python3 (feedparser is pip-installed
# into bench/feeds/.venv). Usage: bench/feeds/run.sh [rust_rounds] [go_rounds] [python_rounds]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$root/crates/feeds/tests/corpus"
rust_rounds="${1:-20}"; go_rounds="${2:-5}"; py_rounds="${3:-1}"
list="$(mktemp)"; trap 'rm -f "$list"' EXIT
# the feed-rs fixtures (real feeds, minus generic XML) and feedparser's well-formed feeds
{ find "$corpus/feed-rs-fixtures" -type f ! -name LICENSE ! -path '*/xml/*'; find "$corpus/feedparser/wellformed" -type f; } | sort > "$list"
echo "files: $(wc -l < "$list"), $(cat $(cat "$list") | wc -c) bytes per round" >&2

cargo build -q --release -p filrouge-feeds --example bench --manifest-path "$root/Cargo.toml"
rust_bin="$root/target/release/examples/bench"
( cd "$here/go" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= go build -o "${TMPDIR:-/tmp}/filrouge-gofeed-bench" . )
if [ ! -x "$here/.venv/bin/python" ]; then python3 -m venv "$here/.venv" && "$here/.venv/bin/pip" install -q feedparser; fi

rust=$("$rust_bin" "$rust_rounds" < "$list")
go=$("${TMPDIR:-/tmp}/filrouge-gofeed-bench" "$go_rounds" < "$list")
py=$("$here/.venv/bin/python" "$here/feedparser_bench.py" "$py_rounds" < "$list")

python3 - "$rust" "$go" "$py" "$rust_rounds" "$go_rounds" "$py_rounds" <<'PY'
import sys
rows = [("filrouge-feeds (Rust)", sys.argv[1], sys.argv[4]), ("gofeed (Go)", sys.argv[2], sys.argv[5]),
        ("feedparser (Python)", sys.argv[3], sys.argv[6])]
parsed = []
for name, line, rounds in rows:
    b, items, secs = line.split()
    parsed.append((name, int(b), int(items), float(secs), int(rounds)))
rust_mbs = parsed[0][1] / parsed[0][3] / 1e6
print(f"| parser | rounds | MB/s | items/s | items per round | Rust is × faster |")
print(f"|---|---:|---:|---:|---:|---:|")
for name, b, items, secs, rounds in parsed:
    mbs = b / secs / 1e6
    print(f"| {name} | {rounds} | {mbs:.2f} | {items / secs:,.0f} | {items // rounds} | {rust_mbs / mbs:.1f} |")
PY
