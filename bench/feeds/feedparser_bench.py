# Benchmark driver (bench/feeds/run.sh): Python feedparser (which sanitises too) parses every file
# listed on stdin N times and prints `bytes items seconds`.
import sys, time
import feedparser

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
docs = [open(p, "rb").read() for p in sys.stdin.read().split("\n") if p]
total = items = 0
start = time.perf_counter()
for _ in range(rounds):
    for d in docs:
        total += len(d)
        items += len(feedparser.parse(d).entries)
print(f"{total} {items} {time.perf_counter() - start:.4f}")
