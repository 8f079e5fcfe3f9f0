#!/usr/bin/env python3
"""Audit sampling (shared/eval/audit.md): draws 60 `shares-passages` pairs and
40 verbatim passages between documents of different near-duplicate clusters
from an athar JSON report, with random.seed(SEED) then random.sample(items, n)
over the lists in report order, and prints both sides of each item with about
200 characters of context, sliced from the original texts by byte offsets.

usage: sample.py REPORT.json CORPUS.jsonl SEED [pairs|passages] [context]
"""
import json, random, sys

report, corpus, seed, which = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ctx = int(sys.argv[5]) if len(sys.argv) > 5 else 200
r = json.load(open(report))
texts = {}
for line in open(corpus, encoding='utf-8'):
    d = json.loads(line)
    texts[d['id']] = d['text'].encode('utf-8')
cluster = {}
for c in r['clusters']:
    for m in c['members']:
        cluster[m] = c['id']

def show(loc):
    t = texts[loc['doc']]
    s, e = loc['start'], loc['end']
    pre = t[max(0, s - ctx * 2):s].decode('utf-8', 'ignore')[-ctx:]
    post = t[e:e + ctx * 2].decode('utf-8', 'ignore')[:ctx]
    mid = t[s:e].decode('utf-8')
    return f"…{pre}【{mid}】{post}…".replace('\n', ' ⏎ ')

verbatim = [p for p in r['passages'] if p['kind'] == 'verbatim']
if which == 'pairs':
    items = [p for p in r['pairs'] if p['relation'] == 'shares-passages']
    sample = random.Random(seed).sample(items, min(60, len(items))) if False else None
    random.seed(seed)
    sample = random.sample(items, min(60, len(items)))
    by_pair = {}
    for p in verbatim:
        by_pair.setdefault((p['a']['doc'], p['b']['doc']), []).append(p)
    for i, p in enumerate(sample):
        ps = by_pair.get((p['a'], p['b']), [])
        print(f"=== pair {i}\t{p['a']}\t{p['b']}\tpassages {len(ps)}")
        for q in ps:
            print(f"  A {q['a']['start']}-{q['a']['end']}: {show(q['a'])}")
            print(f"  B {q['b']['start']}-{q['b']['end']}: {show(q['b'])}")
else:
    items = [p for p in verbatim
             if cluster.get(p['a']['doc'], -1) != cluster.get(p['b']['doc'], -2)
             or p['a']['doc'] not in cluster]
    random.seed(seed)
    sample = random.sample(items, min(40, len(items)))
    for i, q in enumerate(sample):
        print(f"=== passage {i}\t{q['a']['doc']}:{q['a']['start']}-{q['a']['end']}\t{q['b']['doc']}:{q['b']['start']}-{q['b']['end']}")
        print(f"  A: {show(q['a'])}")
        print(f"  B: {show(q['b'])}")
