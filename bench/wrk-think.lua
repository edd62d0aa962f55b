-- wrk script for bench/run.sh: 50 people at work rather than 50 request loops. Each connection
-- waits a think time of 300 to 700 ms (5 s per page is more usual; this is a busy team) before its
-- next request, then the same machine-readable line as wrk-report.lua is printed.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk-report.lua")

delay = function()
  return math.random(300, 700)
end
