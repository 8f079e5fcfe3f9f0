"""The Spark job gives exactly what `athar dedup` gives on the same file."""

import json
import os

import pandas as pd
import pytest

from conftest import generate, run_athar, rust_round

from athar import spark as athar_spark

DOCS = int(os.environ.get("ATHAR_SPARK_DOCS", "10000"))


@pytest.fixture(scope="module")
def session():
    # Splits of 2 MB: 18 signing tasks for 10,000 articles (36 MB).
    mb = 2 if DOCS <= 10_000 else 8
    s = athar_spark.session("local[2]", shuffle_partitions=8 if DOCS <= 10_000 else 16,
                            partition_mb=mb)
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def test_spark_job_equals_athar_dedup(tmp_path, session):
    path, ids, _ = generate(tmp_path, DOCS, 11)
    want = json.loads(
        run_athar("dedup", path, "--format", "json", "--keep", tmp_path / "keep.txt")
    )
    out = tmp_path / "out"
    stats = athar_spark.run(session, str(path), str(out))
    print(json.dumps(stats))
    assert stats["documents"] == DOCS
    assert (stats["bands"], stats["rows"]) == (want["params"]["bands"], want["params"]["rows"])
    # The work is spread: several input splits signed in parallel tasks.
    assert len(stats["partitions"]["signing"]) > 1

    pairs = pd.read_parquet(out / "pairs")
    got_pairs = sorted(
        (
            r.id_a,
            r.id_b,
            rust_round(r.jaccard),
            rust_round(r.containment_a),
            rust_round(r.containment_b),
            r.shared,
            r.relation,
        )
        for r in pairs.itertuples()
    )
    want_pairs = sorted(
        (
            p["a"],
            p["b"],
            p["jaccard"],
            p["containment_a"],
            p["containment_b"],
            p["shared_shingles"],
            p["relation"],
        )
        for p in want["pairs"]
    )
    assert len(want_pairs) > 100
    assert got_pairs == want_pairs

    clusters = pd.read_parquet(out / "clusters").sort_values("cluster")
    got_clusters = [
        (int(r.cluster), r.representative, list(r.members)) for r in clusters.itertuples()
    ]
    want_clusters = [(c["id"], c["representative"], c["members"]) for c in want["clusters"]]
    assert got_clusters == want_clusters

    kept = pd.read_parquet(out / "kept").sort_values("idx")["id"].tolist()
    assert kept == (tmp_path / "keep.txt").read_text().split()
