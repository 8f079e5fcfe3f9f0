#!/usr/bin/env python3
"""Draw the narrative audit sample of an athar JSON report (see shared/eval/audit.md).

usage: sample.py REPORT.json CORPUS.jsonl [--seed 42] [--links 60] [--groups 15]

Prints, for each of `--links` narrative links drawn with random.seed(SEED) then
random.sample(report["narrative_links"], n) (report order), both sides with about
200 characters of context; then the `--groups` largest narratives (most documents,
then most members, then id: the report's display order) with every member.
"""
import argparse, json, random

ap = argparse.ArgumentParser()
ap.add_argument("report"); ap.add_argument("corpus")
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--links", type=int, default=60)
ap.add_argument("--groups", type=int, default=15)
ap.add_argument("--context", type=int, default=200)
a = ap.parse_args()

r = json.load(open(a.report, encoding="utf-8"))
texts = {}
for line in open(a.corpus, encoding="utf-8"):
    d = json.loads(line)
    texts[str(d["id"])] = d["text"].encode("utf-8")

def side(loc):
    t = texts[loc["doc"]]
    s, e = loc["start"], loc["end"]
    lo, hi = max(0, s - a.context * 2), min(len(t), e + a.context * 2)
    pre = t[lo:s].decode("utf-8", "ignore")[-a.context:]
    post = t[e:hi].decode("utf-8", "ignore")[:a.context]
    mid = t[s:e].decode("utf-8")
    return f"…{pre}⟦{mid}⟧{post}…".replace("\n", " ")

links = r["narrative_links"]
random.seed(a.seed)
pick = random.sample(links, min(a.links, len(links)))
print(f"# {len(links)} narrative links; sample of {len(pick)} (seed {a.seed})")
for i, l in enumerate(pick, 1):
    print(f"\n## link {i}\t{l['a']['doc']}:{l['a']['start']}-{l['a']['end']}\t{l['b']['doc']}:{l['b']['start']}-{l['b']['end']}")
    print("A:", side(l["a"]))
    print("B:", side(l["b"]))
    print("anchors:", " | ".join(l["anchors"]), " // ", " | ".join(l.get("anchors_b", [])), f" score {l['score']}")

ns = sorted(r["narratives"], key=lambda n: (-n["docs"], -len(n["members"]), n["id"]))[: a.groups]
print(f"\n# {len(r['narratives'])} narratives; the {len(ns)} largest")
for n in ns:
    print(f"\n## narrative {n['id']}\t{n['docs']} docs\t{n['label']}")
    for k, m in enumerate(n["members"]):
        star = "*" if k == n["representative"] else " "
        t = texts[m["doc"]][m["start"]:m["end"]].decode("utf-8").replace("\n", " ")
        print(f" {star}{m['doc']}:{m['start']}-{m['end']}  {t[:400]}")
