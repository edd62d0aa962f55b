"""Times Python vaderSentiment on English posts read from stdin (one JSON string per line): prints posts per second.

usage: python vader.py ROUNDS < texts.jsonl   (run by the filrouge-bench-analysis binary)
"""
import json, sys, time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

rounds = int(sys.argv[1])
texts = [json.loads(line) for line in sys.stdin if line.strip()]
analyzer = SentimentIntensityAnalyzer()
start = time.perf_counter()
for _ in range(rounds):
    for t in texts:
        analyzer.polarity_scores(t)
elapsed = time.perf_counter() - start
print(f"{len(texts) * rounds / elapsed:.0f}")
