#!/usr/bin/env python3
# The same sample as `audit_sample.py REPORT CORPUS 42 pairs` (seed 42), but
# printing a pair's passages of every kind (verbatim, mixed, reworded).
# usage: show_pairs_all.py REPORT.json CORPUS.jsonl [SEED (42)]
import json, random, sys
r = json.load(open(sys.argv[1]))
texts = {}
for line in open(sys.argv[2], encoding='utf-8'):
    d = json.loads(line); texts[d['id']] = d['text'].encode('utf-8')
def show(loc, ctx=60, cap=400):
    t = texts[loc['doc']]; s, e = loc['start'], loc['end']
    pre = t[max(0, s-ctx*2):s].decode('utf-8','ignore')[-ctx:]
    mid = t[s:e].decode('utf-8','ignore')
    if len(mid) > cap: mid = mid[:cap//2] + ' … ' + mid[-cap//2:]
    post = t[e:e+ctx*2].decode('utf-8','ignore')[:ctx]
    return f"…{pre}【{mid}】{post}…".replace('\n',' ⏎ ')
items = [p for p in r['pairs'] if p['relation'] == 'shares-passages']
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 42); sample = random.sample(items, min(60, len(items)))
by = {}
for q in r['passages']:
    by.setdefault((q['a']['doc'], q['b']['doc']), []).append(q)
    by.setdefault((q['b']['doc'], q['a']['doc']), []).append(q)
for i, p in enumerate(sample):
    ps = by.get((p['a'], p['b']), [])
    print(f"=== pair {i}\t{p['a']}\t{p['b']}\tweight={p['weight']}\tn={len(ps)}")
    for q in ps:
        print(f"  [{q['kind']}] A {q['a']['doc']}: {show(q['a'])}")
        print(f"        B {q['b']['doc']}: {show(q['b'])}")
