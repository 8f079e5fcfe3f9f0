"""Near-duplicate detection on Apache Spark, with athar's signatures.

The same pass as ``athar dedup``, spread over a cluster:

1. read JSON Lines or Parquet (``id`` and ``text`` columns), number the
   documents in input order;
2. sign and band them with :class:`athar.MinHasher` inside ``mapInPandas``
   (one Arrow batch at a time, on every executor), keeping each document's
   compact shingle set;
3. candidate pairs: group the band keys in Spark; a bucket of more than
   ``max_bucket`` documents gives only the chain of its consecutive members,
   as athar does;
4. verify every candidate exactly on the shingle sets (``mapInPandas``);
5. clusters: connected components by iterative minimum-label propagation
   (Spark joins; no pair is collected on the driver), representatives by the
   summed similarity, as athar chooses them;
6. write ``pairs``, ``clusters`` and ``kept`` (the ids to keep) as Parquet.

The result equals ``athar dedup`` on the same file (``tests/test_spark.py``).
Run it in local mode with::

    python -m athar.spark corpus.jsonl out/ --master 'local[2]'
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd

import athar

SIGNED_SCHEMA = "idx long, id string, empty boolean, set binary, keys array<long>"
VERIFIED_SCHEMA = "a long, b long, shared long, size_a long, size_b long"


def _sign_partitions(hasher_params, bands, rows):
    """The ``mapInPandas`` function that signs and bands batches of documents."""

    def sign(batches):
        hasher = athar.MinHasher(**hasher_params)
        for pdf in batches:
            sigs, sets, _ = hasher.sketch_batch(pdf["text"].tolist())
            keys = hasher.band_keys(sigs, bands, rows).view(np.int64)
            yield pd.DataFrame(
                {
                    "idx": pdf["idx"].to_numpy(),
                    "id": pdf["id"].to_numpy(),
                    "empty": np.fromiter((len(s) == 0 for s in sets), bool, len(sets)),
                    "set": [s.tobytes() for s in sets],
                    "keys": list(keys),
                }
            )

    return sign


def _verify(batches):
    """The ``mapInPandas`` function that counts the shingles each candidate
    pair shares (sets are sorted, distinct uint32 arrays as bytes)."""
    for pdf in batches:
        shared = np.empty(len(pdf), np.int64)
        size_a = np.empty(len(pdf), np.int64)
        size_b = np.empty(len(pdf), np.int64)
        for i, (sa, sb) in enumerate(zip(pdf["set_a"], pdf["set_b"])):
            x = np.frombuffer(sa, dtype=np.uint32)
            y = np.frombuffer(sb, dtype=np.uint32)
            shared[i] = np.intersect1d(x, y, assume_unique=True).size
            size_a[i] = x.size
            size_b[i] = y.size
        yield pd.DataFrame(
            {"a": pdf["a"], "b": pdf["b"], "shared": shared, "size_a": size_a, "size_b": size_b}
        )


def read_documents(spark, path, fmt=None, id_field="id", text_field="text"):
    """Documents with ``idx`` (input order), ``id`` and ``text``. Rows without
    text, or with only white space, are left out (athar skips them)."""
    from pyspark.sql import functions as F

    fmt = fmt or ("parquet" if path.endswith(".parquet") or os.path.isdir(path) else "jsonl")
    if fmt == "parquet":
        df = spark.read.parquet(path)
    else:
        schema = f"`{id_field}` string, `{text_field}` string"
        df = spark.read.schema(schema).json(path)
    df = df.select(
        F.col(id_field).cast("string").alias("id"), F.col(text_field).alias("text")
    ).withColumn("idx", F.monotonically_increasing_id())
    return df.where(F.col("text").isNotNull() & (F.length(F.trim("text")) > 0))


def candidate_pairs(signed, max_bucket):
    """Candidate pairs ``(a, b)``, ``a < b``, distinct: documents sharing a band
    key. A bucket larger than ``max_bucket`` gives the chain of its
    consecutive members only (as ``athar dedup``)."""
    from pyspark.sql import functions as F

    band = signed.where(~F.col("empty")).select(
        "idx", F.posexplode("keys").alias("band", "key")
    )
    buckets = (
        band.groupBy("band", "key")
        .agg(F.array_sort(F.collect_list("idx")).alias("m"))
        .where(F.size("m") >= 2)
    )
    all_pairs = (
        "flatten(transform(sequence(0, size(m) - 2), i -> transform("
        "slice(m, i + 2, size(m) - i - 1), x -> named_struct('a', m[i], 'b', x))))"
    )
    chain = "transform(sequence(0, size(m) - 2), i -> named_struct('a', m[i], 'b', m[i + 1]))"
    pairs = buckets.select(
        F.explode(
            F.when(F.size("m") <= max_bucket, F.expr(all_pairs)).otherwise(F.expr(chain))
        ).alias("p")
    )
    return pairs.select("p.a", "p.b").distinct()


def verify_pairs(pairs, signed, threshold, containment):
    """Candidate pairs checked exactly on the shingle sets: the pairs whose
    Jaccard reaches ``threshold`` or whose larger containment reaches
    ``containment``, with ``jaccard``, ``containment_a``, ``containment_b``,
    ``shared`` (shingles), ``weight`` and ``relation``."""
    from pyspark.sql import functions as F

    sets = signed.select("idx", "set")
    joined = pairs.join(
        sets.select(F.col("idx").alias("a"), F.col("set").alias("set_a")), "a"
    ).join(sets.select(F.col("idx").alias("b"), F.col("set").alias("set_b")), "b")
    counted = joined.select("a", "b", "set_a", "set_b").mapInPandas(_verify, VERIFIED_SCHEMA)
    # Doubles divided as athar divides them (IEEE, same operands).
    union = F.col("size_a") + F.col("size_b") - F.col("shared")
    j = F.when(union > 0, F.col("shared").cast("double") / union.cast("double")).otherwise(0.0)
    ca = F.when(F.col("size_a") > 0, F.col("shared") / F.col("size_a")).otherwise(0.0)
    cb = F.when(F.col("size_b") > 0, F.col("shared") / F.col("size_b")).otherwise(0.0)
    out = counted.select(
        "a",
        "b",
        "shared",
        j.alias("jaccard"),
        ca.alias("containment_a"),
        cb.alias("containment_b"),
    )
    near = F.col("jaccard") >= threshold
    passes = (F.col("shared") > 0) & (
        near | (F.greatest("containment_a", "containment_b") >= containment)
    )
    return out.where(passes).select(
        "*",
        F.greatest("jaccard", "containment_a", "containment_b").alias("weight"),
        F.when(near, "near-duplicate").otherwise("contained").alias("relation"),
    )


def connected_components(edges, max_iter=100):
    """``(v, label)`` for every document in an edge: the smallest document of
    its connected component. Minimum-label propagation over Spark joins, one
    round per step of the graph's diameter; lineage cut every round."""
    from pyspark.sql import functions as F

    both = edges.select("a", "b").union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    both = both.localCheckpoint()
    labels = both.groupBy(F.col("a").alias("v")).agg(
        F.least(F.col("a"), F.min("b")).alias("label")
    )
    labels = labels.localCheckpoint()
    for _ in range(max_iter):
        lowest = (
            both.join(labels.select(F.col("v").alias("b"), F.col("label").alias("lb")), "b")
            .groupBy(F.col("a").alias("v"))
            .agg(F.min("lb").alias("lb"))
        )
        new = (
            labels.join(lowest, "v")
            .select("v", F.least("label", "lb").alias("label"), F.col("label").alias("old"))
            .localCheckpoint()
        )
        changed = new.where(F.col("label") != F.col("old")).count()
        labels = new.select("v", "label")
        if changed == 0:
            return labels
    raise RuntimeError(f"connected components did not converge in {max_iter} rounds")


def clusters_of(kept, docs):
    """Clusters as ``athar dedup`` reports them: ``cluster`` (numbered from 1
    in the order of their first member), ``representative`` (the member with
    the highest summed weight over its pairs, ties to the earliest) and
    ``members`` (ids in input order). Also returns the ``(v, label)`` table."""
    from pyspark.sql import functions as F

    labels = connected_components(kept)
    # Sum each member's weights in athar's order (pairs sorted by (a, b)).
    ends = kept.select(F.col("a").alias("v"), "a", "b", "weight").union(
        kept.select(F.col("b").alias("v"), "a", "b", "weight")
    )
    scores = ends.groupBy("v").agg(
        F.expr(
            "aggregate(array_sort(collect_list(struct(a, b, weight))), 0.0D, "
            "(acc, x) -> acc + x.weight)"
        ).alias("score")
    )
    named = labels.join(scores, "v").join(docs.select(F.col("idx").alias("v"), "id"), "v")
    grouped = named.groupBy("label").agg(
        F.min(F.struct((-F.col("score")).alias("neg"), F.col("v"), F.col("id"))).alias("best"),
        F.array_sort(F.collect_list(F.struct("v", "id"))).alias("ms"),
    )
    grouped = grouped.select(
        "label",
        F.col("best.id").alias("representative"),
        F.expr("transform(ms, m -> m.id)").alias("members"),
    )
    spark = kept.sparkSession
    numbered = (
        grouped.rdd.sortBy(lambda r: r["label"])
        .zipWithIndex()
        .map(lambda ri: (ri[1] + 1, ri[0]["label"], ri[0]["representative"], ri[0]["members"]))
    )
    schema = "cluster long, label long, representative string, members array<string>"
    return spark.createDataFrame(numbered, schema), labels


def partition_sizes(df):
    """Rows per partition of ``df`` (to show how the work divides)."""
    from pyspark.sql import functions as F

    rows = df.groupBy(F.spark_partition_id().alias("p")).count().orderBy("p").collect()
    return [r["count"] for r in rows]


def run(
    spark,
    path,
    out,
    fmt=None,
    threshold=0.5,
    containment=0.5,
    num_perm=128,
    seed=1,
    shingle_size=5,
    max_bucket=200,
    id_field="id",
    text_field="text",
):
    """Runs the whole pass on ``path`` and writes ``out/pairs``,
    ``out/clusters`` and ``out/kept`` as Parquet. Returns a dict of counts,
    the LSH parameters, the rows per partition of each stage and the time
    taken."""
    from pyspark.sql import functions as F

    t0 = time.perf_counter()
    bands, rows = athar.lsh_params(threshold, containment, num_perm)
    hasher_params = dict(num_perm=num_perm, seed=seed, shingle_size=shingle_size)
    docs = read_documents(spark, path, fmt, id_field, text_field)
    signed = docs.mapInPandas(_sign_partitions(hasher_params, bands, rows), SIGNED_SCHEMA)
    signed = signed.persist()
    pairs = candidate_pairs(signed, max_bucket).persist()
    kept = verify_pairs(pairs, signed, threshold, containment).persist()
    ids = signed.select("idx", "id")
    clusters, labels = clusters_of(kept, ids)
    clusters = clusters.persist()
    named = kept.join(ids.select(F.col("idx").alias("a"), F.col("id").alias("id_a")), "a").join(
        ids.select(F.col("idx").alias("b"), F.col("id").alias("id_b")), "b"
    )
    named.select(
        "id_a", "id_b", "jaccard", "containment_a", "containment_b", "shared", "relation", "a", "b"
    ).orderBy("a", "b").write.mode("overwrite").parquet(os.path.join(out, "pairs"))
    clusters.drop("label").orderBy("cluster").write.mode("overwrite").parquet(
        os.path.join(out, "clusters")
    )
    dropped = (
        labels.join(clusters.select("label", "representative"), "label")
        .join(ids.select(F.col("idx").alias("v"), "id"), "v")
        .where(F.col("id") != F.col("representative"))
        .select(F.col("v").alias("idx"))
    )
    keep = ids.join(dropped, "idx", "left_anti").orderBy("idx")
    keep.write.mode("overwrite").parquet(os.path.join(out, "kept"))
    stats = {
        "documents": signed.count(),
        "candidate_pairs": pairs.count(),
        "pairs": kept.count(),
        "clusters": clusters.count(),
        "kept": spark.read.parquet(os.path.join(out, "kept")).count(),
        "bands": bands,
        "rows": rows,
        "partitions": {
            "signing": partition_sizes(signed),
            "candidates": partition_sizes(pairs),
            "verified": partition_sizes(kept),
        },
    }
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    for df in (signed, pairs, kept, clusters):
        df.unpersist()
    return stats


def session(master="local[2]", shuffle_partitions=8, partition_mb=8):
    """A Spark session for this job: executors run this Python (so they
    import the same athar), small input splits so that even a small corpus
    spreads over several tasks."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("athar-dedup")
    if master.startswith("local"):
        # Local mode talks to itself only: bind the driver to the loopback.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    return (
        builder
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.files.maxPartitionBytes", str(partition_mb << 20))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m athar.spark",
        description="athar dedup on Apache Spark: pairs, clusters and kept ids as Parquet.",
    )
    p.add_argument("input", help="JSON Lines file(s) or Parquet (file or folder)")
    p.add_argument("out", help="output folder (pairs/, clusters/, kept/)")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--format", choices=["jsonl", "parquet"], default=None)
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--containment", type=float, default=0.5)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shingle-size", type=int, default=5)
    p.add_argument("--max-bucket", type=int, default=200)
    p.add_argument("--id-field", default="id")
    p.add_argument("--text-field", default="text")
    p.add_argument("--shuffle-partitions", type=int, default=8)
    p.add_argument("--partition-mb", type=int, default=8, help="input split size")
    a = p.parse_args(argv)
    spark = session(a.master, a.shuffle_partitions, a.partition_mb)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        stats = run(
            spark,
            a.input,
            a.out,
            a.format,
            a.threshold,
            a.containment,
            a.num_perm,
            a.seed,
            a.shingle_size,
            a.max_bucket,
            a.id_field,
            a.text_field,
        )
    finally:
        spark.stop()
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
