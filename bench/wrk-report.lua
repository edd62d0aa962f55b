-- wrk script for bench/run.sh: prints one machine-readable line at the end of a run, with the
-- latency percentiles in microseconds (wrk's own summary rounds them and changes units).
-- The request itself is wrk's default (GET of the URL with the -H headers).

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT p50_us=%d p90_us=%d p99_us=%d max_us=%d requests=%d duration_us=%d bytes=%d socket_errors=%d http_errors=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status))
end
