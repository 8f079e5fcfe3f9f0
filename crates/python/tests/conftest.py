"""Shared helpers: the repository root, the athar binary, generated corpora."""

import json
import math
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


def athar_bin():
    """The athar command line to compare with: $ATHAR_BIN, else the release
    build, else the debug build of this checkout."""
    if os.environ.get("ATHAR_BIN"):
        return os.environ["ATHAR_BIN"]
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "athar"
        if p.exists():
            return str(p)
    pytest.fail("no athar binary: build it (cargo build --release -p athar-cli) or set ATHAR_BIN")


def run_athar(*args, cwd=None):
    out = subprocess.run(
        [athar_bin(), *map(str, args)], cwd=cwd, capture_output=True, check=True
    )
    return out.stdout


def generate(tmp, docs, seed, name="corpus.jsonl"):
    """A generated corpus (`athar gen`): the path, and its ids and texts."""
    path = pathlib.Path(tmp) / name
    run_athar("gen", "--docs", docs, "--seed", seed, "-o", path)
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            ids.append(row["id"])
            texts.append(row["text"])
    return path, ids, texts


def rust_round(x):
    """athar's `round` (4 decimals, halves away from zero), exactly."""
    y = x * 10_000.0
    f = math.floor(y)
    return (f + 1 if y - f >= 0.5 else f) / 10_000.0
