"""The package's API against the library's own values and the command line."""

import json

import numpy as np
import pytest

import athar
from conftest import ROOT, generate, run_athar, rust_round

FIXTURE = json.loads((ROOT / "tests/fixtures/python/sketches.json").read_text(encoding="utf-8"))


def hasher_for(setting):
    return athar.MinHasher(
        num_perm=setting["num_perm"],
        seed=setting["seed"],
        shingle_size=setting["shingle_size"],
        algorithm=setting["algorithm"],
    )


@pytest.mark.parametrize("setting", FIXTURE["settings"], ids=lambda s: s["name"])
def test_sketches_equal_the_librarys(setting):
    """Signatures, band keys and shingle sets are the library's (the values
    `athar dedup` computes), for one text and in batches."""
    h = hasher_for(setting)
    docs = FIXTURE["documents"]
    texts = [d["text"] for d in docs]
    want_sigs = np.array([d["sketches"][setting["name"]]["signature"] for d in docs], np.uint32)
    sigs = h.sign_batch(texts)
    assert sigs.dtype == np.uint32 and sigs.shape == (len(docs), setting["num_perm"])
    np.testing.assert_array_equal(sigs, want_sigs)
    keys = h.band_keys(sigs, setting["bands"], setting["rows"])
    assert keys.dtype == np.uint64 and keys.shape == (len(docs), setting["bands"])
    want_keys = np.array([d["sketches"][setting["name"]]["band_keys"] for d in docs], np.uint64)
    np.testing.assert_array_equal(keys, want_keys)
    sk_sigs, sk_sets, sk_tokens = h.sketch_batch(texts)
    np.testing.assert_array_equal(sk_sigs, want_sigs)
    for d, text, sig, cset, ntok in zip(docs, texts, sigs, sk_sets, sk_tokens):
        s = d["sketches"][setting["name"]]
        np.testing.assert_array_equal(h.sign(text), sig)
        full = athar.shingle_set(text, shingle_size=setting["shingle_size"])
        assert full.dtype == np.uint64
        assert full.tolist() == s["set"], d["name"]
        compact = athar.shingle_set(text, shingle_size=setting["shingle_size"], compact=True)
        assert compact.dtype == np.uint32
        assert compact.tolist() == s["compact"] == cset.tolist(), d["name"]
        assert ntok == d["tokens"]
        assert (len(s["set"]) == 0) == s["empty"]


def test_empty_text_signs_to_all_ones():
    h = athar.MinHasher(num_perm=8)
    assert h.sign("… !").tolist() == [2**32 - 1] * 8
    assert h.sign_batch([]).shape == (0, 8)


def test_sign_batch_takes_any_iterable_of_str():
    h = athar.MinHasher(num_perm=16)
    texts = ["خبر عن الطقس في المدينة اليوم", "نص آخر تماما عن الاقتصاد والأسواق"]
    want = h.sign_batch(texts)
    np.testing.assert_array_equal(h.sign_batch(tuple(texts)), want)
    np.testing.assert_array_equal(h.sign_batch(t for t in texts), want)
    np.testing.assert_array_equal(h.sign_batch(np.array(texts, dtype=object)), want)
    with pytest.raises(TypeError):
        h.sign_batch("one string")
    with pytest.raises(TypeError):
        h.sign_batch(["ok", 3])


def test_band_keys_accept_a_strided_view_and_check_the_banding():
    h = athar.MinHasher(num_perm=16)
    sigs = h.sign_batch(["الأول هنا", "الثاني هناك", "الثالث"])
    np.testing.assert_array_equal(
        athar.band_keys(sigs[::2], 4, 4), athar.band_keys(sigs, 4, 4)[::2]
    )
    with pytest.raises(ValueError, match="exceeds num_perm"):
        athar.band_keys(sigs, 5, 4)


def test_normalize_and_tokens():
    assert athar.normalize("الـمَدرسةُ ٢٠٢٣") == "المدرسه 2023"
    assert athar.normalize("مسؤول", preset="loose") == "مسوول"
    assert athar.normalize("مسؤول") == "مسؤول"
    text = "قالَ: «الـمَدرسةُ» ٢٠٢٣م"
    toks = athar.tokens(text)
    assert [t for t, _, _ in toks] == ["قال", "المدرسه", "2023", "م"]
    raw = text.encode()
    assert [raw[s:e].decode() for _, s, e in toks] == ["قالَ", "الـمَدرسةُ", "٢٠٢٣م", "٢٠٢٣م"]
    with pytest.raises(ValueError, match="unknown normalization"):
        athar.normalize("x", preset="strict")


def test_jaccard_and_containment_on_shingle_sets():
    base = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة يضم مئتي سرير"
    a = athar.shingle_set(base)
    b = athar.shingle_set(base + " ويخدم سكان الأحياء الشمالية")
    shared = np.intersect1d(a, b).size
    assert shared == a.size
    assert athar.jaccard(a, b) == shared / np.union1d(a, b).size
    assert athar.containment(a, b) == 1.0
    assert athar.containment(b, a) == shared / b.size
    ca, cb = (athar.shingle_set(t, compact=True) for t in (base, base + " وغيرها"))
    assert 0 < athar.jaccard(ca, cb) < 1
    with pytest.raises(ValueError, match="sorted"):
        athar.jaccard(a[::-1].copy(), b)
    with pytest.raises(TypeError):
        athar.jaccard(a, ca)


def test_minhasher_checks_its_parameters():
    assert athar.MinHasher().params == {
        "algorithm": "fast",
        "num_perm": 128,
        "seed": 1,
        "shingle_size": 5,
        "normalization": "default",
        "hash": "xxh3-64",
    }
    with pytest.raises(ValueError, match="num_perm"):
        athar.MinHasher(num_perm=0)
    with pytest.raises(ValueError, match="algorithm"):
        athar.MinHasher(algorithm="slow")


def test_dedup_equals_the_cli(tmp_path):
    path, ids, texts = generate(tmp_path, 400, 5)
    want = json.loads(run_athar("dedup", path.name, "--format", "json", "--keep", "keep.txt",
                                cwd=tmp_path))
    got = athar.dedup(texts, ids, name=path.name)
    assert got["pairs"], "a generated corpus has near-duplicates"
    assert got == want
    assert athar.keep_ids(got) == (tmp_path / "keep.txt").read_text().split()
    assert (want["params"]["bands"], want["params"]["rows"]) == athar.lsh_params()
    # The estimates come from the same signatures as sign_batch's.
    sigs = athar.MinHasher().sign_batch(texts)
    row = {i: n for n, i in enumerate(ids)}
    for p in want["pairs"]:
        equal = np.count_nonzero(sigs[row[p["a"]]] == sigs[row[p["b"]]])
        assert rust_round(equal / 128) == p["estimated_jaccard"]
    # Flags and ids are passed on; no ids name documents by line.
    strict = athar.dedup(texts, threshold=0.9, containment=0.9, name="x.jsonl", num_perm=64)
    assert strict["params"]["threshold"] == 0.9 and strict["params"]["num_perm"] == 64
    assert strict["documents"][0]["id"] == "x.jsonl:1"
    assert len(strict["pairs"]) < len(got["pairs"])
    with pytest.raises(TypeError, match="max_gap"):
        athar.dedup(texts, max_gap=3)
    with pytest.raises(ValueError, match="ids for"):
        athar.dedup(texts, ids[:-1])


def test_report_equals_the_cli(tmp_path):
    path, ids, texts = generate(tmp_path, 60, 3)
    want = json.loads(run_athar("report", path.name, "--format", "json", "--min-passage", "12",
                                "--no-narratives", cwd=tmp_path))
    got = athar.report(texts, ids, name=path.name, min_passage=12, narratives=False)
    assert got["passages"], "a generated corpus shares passages"
    assert got == want
    with pytest.raises(ValueError, match="threshold"):
        athar.report(texts, threshold=2.0)


def test_dedup_of_awkward_lines_equals_the_cli(tmp_path):
    """A repeated id, an empty id and a blank text go through the reader as
    the CLI reads them (renamed, named by line, skipped, with warnings)."""
    _, ids, texts = generate(tmp_path, 50, 9)
    ids[3] = ids[2]
    ids[7] = ""
    texts[5] = "  \u200b \n"
    path = tmp_path / "awkward.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i, t in zip(ids, texts):
            # Written as serde_json writes it (the skipped line's size is reported).
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
    want = json.loads(run_athar("dedup", path.name, "--format", "json", cwd=tmp_path))
    got = athar.dedup(texts, ids, name=path.name)
    assert want["skipped"] and len(want["warnings"]) >= 2
    assert got == want
