"""Signing throughput of the Python package on a JSON Lines corpus.

    RAYON_NUM_THREADS=1 python crates/python/benches/sign_rate.py corpus.jsonl

Reads the texts (not timed), then times `MinHasher.sign_batch` (twice: the
first pass also pays Python's one-off UTF-8 encoding of each `str`, which
CPython then caches) and `sketch_batch` over all of them in batches of 8192,
and prints documents and MB per CPU-second (process CPU time, so a busy
machine does not skew it).
"""

import json
import sys
import time

import athar


def main(path, batch=8192):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                texts.append(json.loads(line)["text"])
    mb = sum(len(t.encode()) for t in texts) / 1e6
    h = athar.MinHasher()
    for name in ("sign_batch", "sign_batch", "sketch_batch"):
        fn = getattr(h, name)
        c0, w0 = time.process_time(), time.perf_counter()
        for i in range(0, len(texts), batch):
            fn(texts[i : i + batch])
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print(
            f"{name}: {len(texts)} docs, {mb:.1f} MB in {cpu:.2f} CPU-s ({wall:.2f} s wall): "
            f"{len(texts) / cpu:,.0f} docs/CPU-s, {mb / cpu:.1f} MB/CPU-s"
        )


if __name__ == "__main__":
    main(sys.argv[1])
