"""athar (أثر): near-duplicate and passage detection for Arabic text.

The same core as the ``athar`` command line, from Python:

>>> import athar
>>> athar.normalize("الـمَدرسةُ ٢٠٢٣")
'المدرسه 2023'
>>> h = athar.MinHasher(num_perm=128, seed=1, shingle_size=5)
>>> sigs = h.sign_batch(["نص أول", "نص ثان"])      # numpy uint32 (2, 128)
>>> keys = h.band_keys(sigs, bands=34, rows=2)       # numpy uint64 (2, 34)

Signatures, band keys and shingle sets equal the command line's for the same
parameters; :func:`dedup` and :func:`report` return the command line's JSON
report as a dict. :mod:`athar.spark` runs the near-duplicate pass on Apache
Spark.
"""

from ._athar import (
    MinHasher,
    __version__,
    band_keys,
    containment,
    dedup,
    jaccard,
    lsh_params,
    normalize,
    report,
    shingle_set,
    tokens,
)

__all__ = [
    "MinHasher",
    "__version__",
    "band_keys",
    "containment",
    "dedup",
    "jaccard",
    "keep_ids",
    "lsh_params",
    "normalize",
    "report",
    "shingle_set",
    "tokens",
]


def keep_ids(result):
    """The ids to keep after deduplication, as ``athar dedup --keep`` writes
    them: every analysed document in no cluster, plus each cluster's
    representative, in input order. ``result`` is a dict from :func:`dedup`
    or :func:`report`."""
    dropped = set()
    for cluster in result["clusters"]:
        dropped.update(m for m in cluster["members"] if m != cluster["representative"])
    return [
        d["id"]
        for d in result["documents"]
        if d["status"] == "analysed" and d["id"] not in dropped
    ]
