#!/usr/bin/env python3
"""Derives the embedded lexicons from the unpacked PyPI packages (see PROVENANCE.md). Run by hand, never at build.

usage: derive.py VADER_DIR VADER_FR_DIR TEXTBLOB_FR_DIR OUT_DIR
  VADER_DIR        unpacked vaderSentiment-3.3.2 wheel, folder vaderSentiment/
  VADER_FR_DIR     unpacked vaderSentiment-fr-1.3.4 sdist, folder vaderSentiment_fr/
  TEXTBLOB_FR_DIR  unpacked textblob-fr-0.2.0 wheel, folder textblob_fr/
"""
import re, sys, os
from collections import defaultdict

vader, vader_fr, textblob_fr, out = sys.argv[1:5]

# English: token -> mean valence (-4..4), exactly VADER's lexicon.
en = {}
for line in open(os.path.join(vader, "vader_lexicon.txt"), encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) >= 2 and parts[0]:
        en[parts[0]] = float(parts[1])

# French: vaderSentiment-fr's lexicon ("token->valence"), then the textblob-fr (pattern) adjectives, whose
# hand-tagged polarity (-1..1, averaged over senses) replaces it, scaled by 3 to VADER's range.
fr = {}
for line in open(os.path.join(vader_fr, "fr_lexicon.txt"), encoding="utf-8"):
    line = line.rstrip("\n")
    if "->" in line:
        word, _, value = line.rpartition("->")
        try:
            fr[word] = float(value)
        except ValueError:
            pass
senses = defaultdict(list)
xml = open(os.path.join(textblob_fr, "fr-sentiment.xml"), encoding="utf-8").read()
for m in re.finditer(r'<word form="([^"]+)"[^>]*polarity="([-0-9.]+)"', xml):
    senses[m.group(1)].append(float(m.group(2)))
for word, values in senses.items():
    mean = sum(values) / len(values)
    if abs(mean) >= 0.05:
        fr[word] = round(mean * 3.0, 2)

# Emoji: VADER replaces an emoji by its English description; we precompute the sum of the description's valences.
emoji = {}
for line in open(os.path.join(vader, "emoji_utf8_lexicon.txt"), encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) == 2:
        total = sum(en.get(w, 0.0) for w in parts[1].lower().split())
        if total != 0.0:
            emoji[parts[0]] = round(total, 2)

def write(name, table):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        for k in sorted(table):
            if "\t" not in k and "\n" not in k and " " not in k:
                f.write(f"{k}\t{table[k]:g}\n")

write("en_vader.tsv", en)
write("fr_vader_textblob.tsv", fr)
write("emoji_vader.tsv", emoji)
