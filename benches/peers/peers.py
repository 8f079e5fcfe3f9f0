#!/usr/bin/env python3
"""Compare athar with datasketch and rensa on one generated corpus.

Every tool runs in its own child process, so wall time and peak RSS
(``os.wait4``) are measured per tool the same way. All tools use the same
reference normalization, word 5-shingles, 128 permutations and the LSH bands
and rows athar reports (``params.bands`` / ``params.rows`` of
``athar report --format json``). Pairs are compared with the truth TSV
written by ``athar gen --truth`` (``id_a id_b kind a_start a_end b_start b_end``).

Usage (see README.md; run.sh does all of it):

    peers.py compare --corpus C.jsonl --truth T.tsv [--athar PATH] [--out R.md]
    peers.py tool {datasketch,rensa} --corpus C.jsonl --bands B --rows R --out P.tsv
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unicodedata

NUM_PERM = 128
SHINGLE = 5

# ---------------------------------------------------------------------------
# Reference normalization (docs: /work/shared/arabic-normalization.md §3)
# ---------------------------------------------------------------------------

_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
_MARKS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
    "\u0897-\u089f\u08ca-\u08e1\u08e3-\u08ff\u0640]"
)
_FOLD = str.maketrans(
    {
        "\u0622": "\u0627",  # آ
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0671": "\u0627",  # ٱ
        "\u0649": "\u064a",  # ى → ي
        "\u0629": "\u0647",  # ة → ه
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
# A token is a run of digits or a run of other letters (marks are gone).
_TOKEN = re.compile(r"\d+|[^\W\d_]+")


def normalize(text):
    """Reference normalization: invisible controls out, NFKC, lowercase,
    diacritics and tatweel out, alef / yeh / teh marbuta folded, digits to
    ASCII. Returns the list of tokens."""
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = _MARKS.sub("", text)
    text = text.translate(_FOLD)
    return _TOKEN.findall(text)


def shingles(tokens, k=SHINGLE):
    """Distinct word k-shingles as UTF-8 bytes (one shingle of all tokens
    when there are fewer than k)."""
    if not tokens:
        return []
    if len(tokens) < k:
        return [" ".join(tokens).encode()]
    return list({" ".join(tokens[i : i + k]).encode() for i in range(len(tokens) - k + 1)})


def read_corpus(path):
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                ids.append(str(d["id"]))
                texts.append(d["text"])
    return ids, texts


def pairs_from_candidates(ids, candidates, mhs):
    """{(id_a, id_b): estimated Jaccard} for every candidate pair."""
    out = {}
    for i, cands in enumerate(candidates):
        for j in cands:
            if j != i:
                a, b = ids[i], ids[j]
                key = (a, b) if a < b else (b, a)
                if key not in out:
                    out[key] = mhs[i].jaccard(mhs[j])
    return out


# ---------------------------------------------------------------------------
# The peers (run in a child process)
# ---------------------------------------------------------------------------


def run_datasketch(ids, sets, bands, rows):
    from datasketch import MinHash, MinHashLSH

    mhs = MinHash.bulk(sets, num_perm=NUM_PERM)
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
    with lsh.insertion_session() as session:
        for i, m in enumerate(mhs):
            session.insert(i, m)
    return pairs_from_candidates(ids, (lsh.query(m) for m in mhs), mhs)


def run_rensa(ids, sets, bands, rows):
    from rensa import RMinHash, RMinHashLSH

    # rensa splits num_perm into num_bands bands of num_perm / num_bands rows.
    num_perm = bands * rows
    mhs = RMinHash.from_token_sets(sets, num_perm, 42)
    lsh = RMinHashLSH(0.5, num_perm, bands)
    lsh.insert_pairs(list(enumerate(mhs)))
    return pairs_from_candidates(ids, lsh.query_all(mhs), mhs)


def run_athar_py(ids, texts):
    """athar's Python package (crates/python): the whole dedup pass from
    texts held by Python; pairs with their MinHash estimates."""
    import athar

    report = athar.dedup(texts, ids)
    return {(p["a"], p["b"]) if p["a"] < p["b"] else (p["b"], p["a"]): p["estimated_jaccard"]
            for p in report["pairs"]}


def cmd_tool(args):
    ids, texts = read_corpus(args.corpus)
    if args.tool == "athar-py":
        pairs = run_athar_py(ids, texts)
        with open(args.out, "w", encoding="utf-8") as f:
            for (a, b), j in sorted(pairs.items()):
                f.write(f"{a}\t{b}\t{j:.6f}\n")
        return
    sets = [shingles(normalize(t)) for t in texts]
    run = {"datasketch": run_datasketch, "rensa": run_rensa}[args.tool]
    pairs = run(ids, sets, args.bands, args.rows)
    with open(args.out, "w", encoding="utf-8") as f:
        for (a, b), j in sorted(pairs.items()):
            f.write(f"{a}\t{b}\t{j:.6f}\n")


# ---------------------------------------------------------------------------
# The comparison (parent process)
# ---------------------------------------------------------------------------


def measure(cmd, stdout=None):
    """Runs cmd; returns (wall seconds, peak RSS in MB, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage (ru_maxrss in KiB on Linux).
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.stderr.write(f"{shlex.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}\n")
    return secs, usage.ru_maxrss / 1024.0, proc.returncode


def read_truth(path):
    truth = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3 or fields[0] == "id_a":
                continue
            a, b = fields[0], fields[1]
            truth[(a, b) if a < b else (b, a)] = fields[2]
    return truth


def score(found, truth):
    kinds = sorted({k for k in truth.values() if k != "unrelated"})
    out = {}
    for k in kinds:
        want = {p for p, kk in truth.items() if kk == k}
        out[k] = len(want & found) / len(want) if want else float("nan")
    related = {p for p, k in truth.items() if k != "unrelated"}
    out["precision"] = len(found & related) / len(found) if found else float("nan")
    return out


def cmd_compare(args):
    if not args.athar_args:
        args.athar_args = [
            "dedup --format json {corpus}",
            "report --no-narratives --format json {corpus}",
        ]
    ids, texts = read_corpus(args.corpus)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    truth = read_truth(args.truth)
    results = []
    bands, rows, source = args.bands, args.rows, "command line"
    threshold = args.threshold

    for athar_args in args.athar_args if args.athar else []:
        cmd = [args.athar] + [
            a.replace("{corpus}", args.corpus) for a in shlex.split(athar_args)
        ]
        label = "athar " + " ".join(
            a for a in shlex.split(athar_args) if a not in ("{corpus}", "--format", "json")
        )
        with tempfile.TemporaryFile() as out:
            secs, rss, rc = measure(cmd, stdout=out)
            out.seek(0)
            raw = out.read()
        if rc == 0:
            report = json.loads(raw)
            params = report.get("params", {})
            # The peers band as the first athar run did.
            if source == "command line" and params.get("bands") and params.get("rows"):
                bands, rows, source = params["bands"], params["rows"], label
            if params.get("threshold") is not None:
                threshold = float(params["threshold"])
            found = set()
            for p in report.get("pairs", []):
                a, b = str(p["a"]), str(p["b"])
                found.add((a, b) if a < b else (b, a))
            results.append((label, secs, rss, found))
        else:
            results.append((label + " (failed)", secs, rss, None))

    tools = ["datasketch", "rensa"]
    try:
        import athar  # noqa: F401  (the Python package, when installed in this venv)

        tools.insert(0, "athar-py")
    except ImportError:
        pass
    for tool in tools:
        with tempfile.NamedTemporaryFile(suffix=".tsv", delete=False) as tmp:
            pairs_path = tmp.name
        cmd = [
            sys.executable,
            os.path.abspath(__file__),
            "tool",
            tool,
            "--corpus",
            args.corpus,
            "--bands",
            str(bands),
            "--rows",
            str(rows),
            "--out",
            pairs_path,
        ]
        secs, rss, rc = measure(cmd)
        if rc == 0:
            est = {}
            with open(pairs_path, encoding="utf-8") as f:
                for line in f:
                    a, b, j = line.rstrip("\n").split("\t")
                    est[(a, b)] = float(j)
            if tool == "athar-py":
                # Verified pairs already: no estimate filter row.
                results.append(("athar.dedup (Python package)", secs, rss, set(est)))
                os.unlink(pairs_path)
                continue
            results.append((tool, secs, rss, set(est)))
            kept = {p for p, j in est.items() if j >= threshold}
            results.append((f"{tool}, est. J >= {threshold:g}", secs, rss, kept))
        else:
            results.append((f"{tool} (failed)", secs, rss, None))
        os.unlink(pairs_path)

    kinds = sorted({k for k in truth.values() if k != "unrelated"})
    counts = {k: sum(1 for v in truth.values() if v == k) for k in kinds}
    lines = [
        f"Corpus: {args.corpus} ({len(ids)} documents, {mb:.1f} MB); truth: {args.truth} "
        + ", ".join(f"{counts[k]} {k}" for k in kinds),
        f"MinHash: {NUM_PERM} permutations, word {SHINGLE}-shingles, reference normalization; "
        f"LSH {bands} bands x {rows} rows (from {source}). Pairs: athar's verified pairs; "
        f"the peers' raw LSH candidates, then those with estimated Jaccard >= {threshold:g}.",
        "",
        "| tool | time (s) | MB/s | peak RSS (MB) | pairs | "
        + " | ".join(f"recall {k}" for k in kinds)
        + " | precision |",
        "|---|---:|---:|---:|---:|" + "---:|" * (len(kinds) + 1),
    ]
    for name, secs, rss, found in results:
        if found is None:
            cells = ["-"] * (len(kinds) + 5)
        else:
            s = score(found, truth)
            cells = (
                [f"{secs:.2f}", f"{mb / secs:.1f}", f"{rss:.0f}", str(len(found))]
                + [f"{s[k]:.3f}" for k in kinds]
                + [f"{s['precision']:.3f}"]
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(table + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare", help="run every tool and print the table")
    c.add_argument("--corpus", required=True)
    c.add_argument("--truth", required=True)
    c.add_argument("--athar", help="path of the athar binary (omit to skip athar)")
    c.add_argument(
        "--athar-args",
        action="append",
        help="arguments for one athar run ({corpus} is replaced by the corpus path); repeat "
        "for several runs, each a row (default: dedup, then report --no-narratives)",
    )
    c.add_argument("--bands", type=int, default=16, help="used when athar does not report them")
    c.add_argument("--rows", type=int, default=8, help="used when athar does not report them")
    c.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        help="Jaccard threshold for the peers' filtered rows (athar's params.threshold wins)",
    )
    c.add_argument("--out", help="also write the table (Markdown) here")
    t = sub.add_parser("tool", help="run one peer (used by compare)")
    t.add_argument("tool", choices=["athar-py", "datasketch", "rensa"])
    t.add_argument("--corpus", required=True)
    t.add_argument("--bands", type=int, required=True)
    t.add_argument("--rows", type=int, required=True)
    t.add_argument("--out", required=True)
    args = ap.parse_args()
    (cmd_compare if args.cmd == "compare" else cmd_tool)(args)


if __name__ == "__main__":
    main()
