#!/usr/bin/env bash
# Performance benchmarks of the Fil Rouge foundation: start time, idle memory and latency of the
# server-rendered pages under load, on SQLite with 50 clients and 500 users. See bench/README.md.
#
#   bash bench/run.sh
#
# Prints a Markdown report and writes it to bench/results-latest.md. Needs wrk and curl (Debian
# packages) and cargo. Everything runs on 127.0.0.1, in a temporary data directory.
#
# Knobs (environment): BENCH_SKIP_BUILD=1 (use the binaries already in target/release),
# BENCH_STARTS=10, BENCH_DURATION=20s, BENCH_CONNECTIONS=50, BENCH_THREADS=2, BENCH_IDLE_SECS=5,
# BENCH_SINGLE_DURATION=5s (the one-connection run of each page, 0 to skip),
# BENCH_THINK_DURATION=10s (the run with 50 connections that think 300-700 ms between requests),
# BENCH_JOURNAL_HISTORY=0 (older journal notes to seed, spread over the past year),
# BENCH_KEEP=1 (keep the temporary directory with the server logs and raw wrk outputs),
# BENCH_QUIET_WAIT=600 (seconds to wait for other processes to leave the CPUs alone; 0: don't).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STARTS=${BENCH_STARTS:-10}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
THREADS=${BENCH_THREADS:-2}
IDLE_SECS=${BENCH_IDLE_SECS:-5}
SINGLE_DURATION=${BENCH_SINGLE_DURATION:-5s}
THINK_DURATION=${BENCH_THINK_DURATION:-10s}
JOURNAL_HISTORY=${BENCH_JOURNAL_HISTORY:-0}
OUT=$ROOT/bench/results-latest.md

# Targets (issue text).
TARGET_START_MS=300
TARGET_RSS_MB=40
TARGET_P99_MS=20

log() { printf '%s\n' "bench: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

for tool in wrk curl cargo awk; do
  command -v "$tool" >/dev/null || die "$tool is needed (Debian: apt-get install wrk curl)"
done

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  log "building the release binaries (cargo build --release -p filrouge -p filrouge-bench-seed)"
  (cd "$ROOT" && cargo build --release -p filrouge -p filrouge-bench-seed >&2)
fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
[[ $TARGET_DIR = /* ]] || TARGET_DIR=$ROOT/$TARGET_DIR
BIN=$TARGET_DIR/release/filrouge
SEED=$TARGET_DIR/release/filrouge-bench-seed
[[ -x $BIN && -x $SEED ]] || die "missing $BIN or $SEED (build them first)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/filrouge-bench.XXXXXX")
DATA=$WORK/data
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
# The server reads ./filrouge.toml when present: run everything from the empty work directory.
cd "$WORK"

now_us() { echo "${EPOCHREALTIME/./}"; }

# A port nobody listens on, different from the ones given as arguments.
free_port() {
  local p
  for _ in $(seq 1 500); do
    p=$((20000 + RANDOM % 40000))
    [[ " $* " == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}
PORT=$(free_port)
METRICS_PORT=$(free_port "$PORT")
BASE=http://127.0.0.1:$PORT

# Only the settings given here: no FILROUGE_* or RUST_LOG from the caller's environment.
while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(FILROUGE_|RUST_LOG$)' || true)
export FILROUGE_METRICS__LISTEN=127.0.0.1:$METRICS_PORT
export FILROUGE_WEB__PUBLIC_URL=$BASE

# Percentage of all CPUs busy over one second (everything on the machine).
cpu_busy() {
  local a b
  a=$(awk '/^cpu / { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print total, idle }' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print total, idle }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[1] - x[1]; i = y[2] - x[2]; printf "%d", (t > 0 ? 100 * (t - i) / t : 0) }'
}

# The figures mean little while something else (a build, a test suite) uses the CPUs: wait for
# three quiet seconds in a row, at most BENCH_QUIET_WAIT seconds, and report what was seen.
QUIET_WAIT=${BENCH_QUIET_WAIT:-600}
wait_quiet() {
  local deadline quiet=0 busy
  deadline=$((SECONDS + QUIET_WAIT))
  while :; do
    busy=$(cpu_busy)
    if ((busy < 10)); then quiet=$((quiet + 1)); else quiet=0; fi
    if ((quiet >= 3 || SECONDS >= deadline)); then
      echo "$busy"
      return 0
    fi
    ((quiet > 0)) || log "the machine is busy (${busy}% CPU used by other processes); waiting for it to calm down"
  done
}

# ---------------------------------------------------------------------------------------------
log "seeding 50 clients and 500 users in $DATA"
seed_start=$(now_us)
"$SEED" --data "$DATA" --journal-history "$JOURNAL_HISTORY" >&2
seed_ms=$((($(now_us) - seed_start) / 1000))
# shellcheck disable=SC1091
source "$DATA/bench-logins.env"
DB_KB=$(du -k "$DATA/filrouge.db" | cut -f1)

start_server() { # $1: log file; extra environment may be set by the caller
  "$BIN" serve --data "$DATA" --addr "127.0.0.1:$PORT" >/dev/null 2>"$1" &
  SERVER_PID=$!
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Polls /healthz as fast as curl can go until it answers 200 (10 s at most).
wait_healthy() { # $1: log file of the server, shown on failure
  local deadline code
  deadline=$(($(now_us) + 10000000))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true)
    [[ $code == 200 ]] && return 0
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -n 20 "$1" >&2 || true
      die "the server exited before answering"
    fi
    (($(now_us) < deadline)) || die "no answer from /healthz within 10 s"
  done
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }'; }

# ---------------------------------------------------------------------------------------------
busy_before=$(wait_quiet)
log "start to first answered request, $STARTS times"
starts=()
for i in $(seq 1 "$STARTS"); do
  t0=$(now_us)
  start_server "$WORK/start-$i.log"
  wait_healthy "$WORK/start-$i.log"
  t1=$(now_us)
  starts+=($(((t1 - t0) / 1000)))
  stop_server
done
sorted=$(printf '%s\n' "${starts[@]}" | sort -n)
start_median=$(awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%d", (v[NR / 2] + v[NR / 2 + 1]) / 2 }' <<<"$sorted")
start_max=$(tail -n 1 <<<"$sorted")
start_min=$(head -n 1 <<<"$sorted")

# ---------------------------------------------------------------------------------------------
log "idle memory: start, wait ${IDLE_SECS} s"
start_server "$WORK/serve.log"
wait_healthy "$WORK/serve.log"
sleep "$IDLE_SECS"
rss_idle_kb=$(status_kb "$SERVER_PID" VmRSS)
threads_idle=$(awk '$1 == "Threads:" { print $2 }' "/proc/$SERVER_PID/status")

# Signs in through the form (GET /login for the CSRF cookie and field, then POST /login) and
# prints the session token.
login() { # $1: e-mail
  local jar page csrf code token
  jar=$(mktemp "$WORK/jar.XXXXXX")
  page=$(curl -s -c "$jar" "$BASE/login")
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -n 1 | sed 's/.*value="//; s/"$//' || true)
  [[ -n $csrf ]] || csrf=$(awk -F'\t' '$6 == "filrouge_csrf" { print $7 }' "$jar")
  [[ -n $csrf ]] || die "no CSRF token on /login"
  code=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "_csrf=$csrf" --data-urlencode "email=$1" --data-urlencode "password=$BENCH_PASSWORD" "$BASE/login")
  [[ $code == 303 || $code == 302 ]] || die "sign-in of $1 answered HTTP $code (expected a redirect)"
  token=$(awk -F'\t' '$6 == "filrouge_session" { print $7 }' "$jar")
  [[ -n $token ]] || die "sign-in of $1 set no filrouge_session cookie"
  echo "$token"
}

# label | who (e-mail, or - for no session) | role shown | path
PAGES=(
  "healthz (baseline, no session, no page)|-|—|/healthz"
  "clients overview|$BENCH_OWNER|owner|/"
  "clients overview|$BENCH_CM|community manager|/"
  "client settings|$BENCH_CM|community manager|/c/$BENCH_CM_SLUG/settings"
  "client journal (today)|$BENCH_CM|community manager|/c/$BENCH_CM_SLUG/journal"
  "client home|$BENCH_REVIEWER|client reviewer|/c/$BENCH_REVIEWER_SLUG"
  "users (500)|$BENCH_OWNER|owner|/users"
)

# Runs wrk and leaves its BENCH-RESULT line in $line. $1: output file; the rest: wrk arguments.
run_wrk() {
  local out=$1
  shift
  local TIMEFORMAT='%U %S' rc=0
  { time wrk "$@" >"$out" 2>&1 || rc=$?; } 2>"$out.cpu"
  ((rc == 0)) || die "wrk failed: $(cat "$out")"
  line=$(grep '^BENCH-RESULT' "$out") || die "no result from wrk: $(cat "$out")"
}

CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
# Busy CPU time of the whole machine and of the server, in clock ticks.
machine_ticks() { awk '/^cpu / { busy = 0; for (i = 2; i <= NF; i++) if (i != 5 && i != 6) busy += $i; print busy }' /proc/stat; }
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
field() { grep -o "$1=[0-9]*" <<<"$line" | cut -d= -f2; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

page_rows=()
verdicts=()
all_pages_met=1
n=0
for spec in "${PAGES[@]}"; do
  IFS='|' read -r label who role path <<<"$spec"
  n=$((n + 1))
  headers=()
  if [[ $who != - ]]; then
    token=$(login "$who")
    headers=(-H "Cookie: filrouge_session=$token")
  fi
  check=$(curl -s -o "$WORK/page-$n.html" -w '%{http_code} %{size_download}' "${headers[@]}" "$BASE$path")
  read -r code size <<<"$check"
  [[ $code == 200 ]] || die "$path as $role answered HTTP $code before the load test"
  log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION $path as $role ($size bytes)"
  single="—"
  if [[ $SINGLE_DURATION != 0 ]]; then
    run_wrk "$WORK/wrk-$n-single.txt" -t1 -c1 -d"$SINGLE_DURATION" -s "$ROOT/bench/wrk-report.lua" "${headers[@]}" "$BASE$path"
    single=$(ms "$(field p50_us)")
  fi
  # The loaded run, with the CPU time of the server, of wrk and of everything else over it;
  # run again (twice at most) when something else took more than 10 % of the machine.
  for attempt in 1 2 3; do
    m0=$(machine_ticks) s0=$(server_ticks) w0=$(now_us)
    run_wrk "$WORK/wrk-$n.txt" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/wrk-report.lua" "${headers[@]}" "$BASE$path"
    m1=$(machine_ticks) s1=$(server_ticks) w1=$(now_us)
    read -r wrk_user wrk_sys <"$WORK/wrk-$n.txt.cpu"
    other=$(awk -v m="$((m1 - m0))" -v s="$((s1 - s0))" -v hz="$CLK_TCK" -v u="$wrk_user" -v y="$wrk_sys" -v wall="$((w1 - w0))" -v n="$NCPU" \
      'BEGIN { o = (m - s) / hz - u - y; if (o < 0) o = 0; printf "%d", 100 * o / (wall / 1e6 * n) }')
    server_cpu_ticks=$((s1 - s0))
    ((other > 10 && attempt < 3)) || break
    log "other processes took ${other}% of the CPUs during that run: waiting for quiet and running it again"
    wait_quiet >/dev/null
  done
  p50=$(field p50_us) p90=$(field p90_us) p99=$(field p99_us) max=$(field max_us)
  requests=$(field requests) dur=$(field duration_us) sock=$(field socket_errors) http=$(field http_errors)
  rps=$(awk -v r="$requests" -v d="$dur" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  cpu_per_req=$(awk -v t="$server_cpu_ticks" -v hz="$CLK_TCK" -v r="$requests" 'BEGIN { printf "%.2f", (r > 0 ? 1000 * t / hz / r : 0) }')
  errors=$((sock + http))
  # The same page for 50 people with a think time between clicks (open loop, about 100 req/s).
  BENCH_DIR="$ROOT/bench" run_wrk "$WORK/wrk-$n-think.txt" -t"$THREADS" -c"$CONNECTIONS" -d"$THINK_DURATION" -s "$ROOT/bench/wrk-think.lua" "${headers[@]}" "$BASE$path"
  think_p99=$(ms "$(field p99_us)")
  think_rps=$(awk -v r="$(field requests)" -v d="$(field duration_us)" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  if [[ $path == /healthz ]]; then
    verdict="—"
  elif ((p99 <= TARGET_P99_MS * 1000 && errors == 0)); then
    verdict="yes"
  else
    verdict="**no**"
    all_pages_met=0
  fi
  page_rows+=("| $label | $role | \`$path\` | $(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1024 }') | $(ms "$p50") | $(ms "$p90") | **$(ms "$p99")** | $(ms "$max") | $rps | $errors | $single | $cpu_per_req | $(mb "$(status_kb "$SERVER_PID" VmRSS)") | $other % | $think_p99 ($think_rps req/s)")
  verdicts+=("$verdict")
done

rss_after_kb=$(status_kb "$SERVER_PID" VmRSS)
hwm_kb=$(status_kb "$SERVER_PID" VmHWM)
stop_server
busy_after=$(cpu_busy)

# ---------------------------------------------------------------------------------------------
# SQL statements per request: one more start with sqlx's statement log, one request per page.
log "counting SQL statements per request"
NO_COLOR=1 RUST_LOG="warn,sqlx::query=debug" start_server "$WORK/sql.log"
wait_healthy "$WORK/sql.log"
declare -A statements
for spec in "${PAGES[@]}"; do
  IFS='|' read -r label who role path <<<"$spec"
  headers=()
  if [[ $who != - ]]; then
    token=$(login "$who")
    headers=(-H "Cookie: filrouge_session=$token")
  fi
  # The first request may open a database connection (its PRAGMAs are logged too): count the
  # second one.
  curl -s -o /dev/null "${headers[@]}" "$BASE$path"
  sleep 0.2
  before=$(grep 'sqlx::query' "$WORK/sql.log" | grep -vc 'PRAGMA' || true)
  curl -s -o /dev/null "${headers[@]}" "$BASE$path"
  sleep 0.2
  after=$(grep 'sqlx::query' "$WORK/sql.log" | grep -vc 'PRAGMA' || true)
  statements["$role $path"]=$((after - before))
done
stop_server

# ---------------------------------------------------------------------------------------------
yes_no() { if (($1)); then echo "yes"; else echo "**no**"; fi; }
start_met=$(yes_no $((start_max <= TARGET_START_MS)))
rss_met=$(yes_no "$(awk -v kb="$rss_idle_kb" -v t="$TARGET_RSS_MB" 'BEGIN { print ((kb * 1024 <= t * 1e6) ? 1 : 0) }')")
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain -- . ':!bench' 2>/dev/null) ]]; then commit="$commit (with uncommitted changes)"; fi

{
  echo "# Fil Rouge benchmark results"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(nproc) CPU ($cpu), $mem RAM, Linux $(uname -r)"
  echo "- Build: \`cargo build --release\` at commit $commit; $(rustc --version 2>/dev/null || echo 'rustc ?'); binary $(awk -v b="$(stat -c %s "$BIN")" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
  echo "- Data: SQLite, 50 clients (2 competitors, 2 accounts, 10 notes each), 500 users, $JOURNAL_HISTORY older journal notes over the past year, ${DB_KB} KiB database; seeded in $((seed_ms / 1000)).$(((seed_ms % 1000) / 100)) s"
  echo "- CPU used by other processes: ${busy_before}% just before the measures, ${busy_after}% just after the load tests (of all CPUs; above a few % the figures are pessimistic)"
  echo "- Load: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION\` from a second process on the same machine, one signed-in session per page"
  echo
  echo "| Measure | Target | Measured | Met |"
  echo "| --- | --- | --- | --- |"
  echo "| Start to first answered request (\`/healthz\` 200), $STARTS starts | ≤ $TARGET_START_MS ms | median $start_median ms, max $start_max ms (min $start_min) | $start_met |"
  echo "| Idle RSS, ${IDLE_SECS} s after start | ≤ $TARGET_RSS_MB MB | $(mb "$rss_idle_kb") MB ($threads_idle threads) | $rss_met |"
  echo "| RSS after the load tests (peak) | — | $(mb "$rss_after_kb") MB (peak $(mb "$hwm_kb") MB) | — |"
  echo "| Server-rendered pages, p99 at $CONNECTIONS connections | ≤ $TARGET_P99_MS ms | see below | $(yes_no "$all_pages_met") |"
  echo
  echo "Latencies in ms from wrk at $CONNECTIONS connections (closed loop, no think time, so p50 ≈ $CONNECTIONS ÷ req/s); KiB: size of one answer;"
  echo "1-conn p50: median latency with a single connection (one request's cost, no queueing); CPU/req: server CPU ms (user + system, all threads) per request under load;"
  echo "RSS: server RSS in MB after that page's run; other: CPU taken by other processes than the server and wrk during the loaded run (share of all CPUs);"
  echo "SQL: statements sqlx logged for one request (session lookup included; BEGIN/COMMIT are not logged);"
  echo "think p99: p99 in ms with the same $CONNECTIONS connections each waiting 300-700 ms between requests (bench/wrk-think.lua), and the rate that gives."
  echo
  echo "| Page | As | Path | KiB | p50 | p90 | p99 | max | req/s | errors | 1-conn p50 | CPU/req | RSS | other | think p99 | SQL | p99 ≤ $TARGET_P99_MS ms |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  i=0
  for spec in "${PAGES[@]}"; do
    IFS='|' read -r label who role path <<<"$spec"
    echo "${page_rows[$i]} | ${statements["$role $path"]:-?} | ${verdicts[$i]} |"
    i=$((i + 1))
  done
} >"$WORK/report.md"

cp "$WORK/report.md" "$OUT"
cat "$WORK/report.md"
log "written to $OUT"
