//! The hashing core through its public API: MinHash accuracy for both
//! algorithms, LSH recall against an exact all-pairs oracle, exact
//! verification against a `BTreeSet` oracle, thread-count independence and
//! parameter checks.

use std::collections::BTreeSet;

use athar::Error;
use athar::cluster::near_duplicate_clusters;
use athar::sketch::lsh::{
    self, LshParams, candidates, optimal_params, params_for_recall, probability,
};
use athar::sketch::minhash::{
    Algorithm, MinHashParams, MinHasher, Signature, estimate_jaccard, splitmix64,
};
use athar::sketch::shingle::{shingle_set, shingle_set_into, shingles};
use athar::verify::{Thresholds, similarity, verify_pairs};
use proptest::prelude::*;

/// A small deterministic generator for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        splitmix64(&mut self.0)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Two sets of random hashes with exactly `shared` common elements and
/// `only_a`, `only_b` elements of their own.
fn set_pair(rng: &mut Rng, shared: usize, only_a: usize, only_b: usize) -> (Vec<u64>, Vec<u64>) {
    let common: Vec<u64> = (0..shared).map(|_| rng.next()).collect();
    let mut a = common.clone();
    a.extend((0..only_a).map(|_| rng.next()));
    let mut b = common;
    b.extend((0..only_b).map(|_| rng.next()));
    (a, b)
}

fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
    let a: BTreeSet<u64> = a.iter().copied().collect();
    let b: BTreeSet<u64> = b.iter().copied().collect();
    let i = a.intersection(&b).count();
    i as f64 / (a.len() + b.len() - i) as f64
}

fn hasher(algorithm: Algorithm, seed: u64) -> MinHasher {
    MinHasher::new(MinHashParams {
        algorithm,
        seed,
        ..MinHashParams::default()
    })
    .unwrap()
}

#[test]
fn minhash_estimates_are_within_four_standard_errors() {
    for algorithm in [Algorithm::Fast, Algorithm::Classic] {
        let mut rng = Rng(0xA7_4A8 + algorithm as u64);
        let mut total_err = 0.0;
        let mut count = 0;
        for tenth in 1..=9 {
            let target = tenth as f64 / 10.0;
            for trial in 0..25u64 {
                // Unions of 60 to 3000 elements: below and well above num_perm.
                let union = 60 + rng.below(2940) as usize;
                let shared = ((union as f64) * target).round() as usize;
                let only_a = rng.below((union - shared) as u64 + 1) as usize;
                let only_b = union - shared - only_a;
                let (a, b) = set_pair(&mut rng, shared, only_a, only_b);
                let j = exact_jaccard(&a, &b);
                let h = hasher(algorithm, trial * 1000 + tenth);
                let est = estimate_jaccard(&h.sign(&a), &h.sign(&b)).unwrap();
                let se = (j * (1.0 - j) / 128.0).sqrt();
                assert!(
                    (est - j).abs() <= 4.0 * se,
                    "{algorithm}: J = {j:.3}, estimate {est:.3}, union {union}, se {se:.4}"
                );
                total_err += est - j;
                count += 1;
            }
        }
        // No systematic bias: the mean error of 225 estimates is tiny.
        let mean = total_err / count as f64;
        assert!(mean.abs() < 0.01, "{algorithm}: mean error {mean}");
    }
}

#[test]
fn algorithms_and_seeds_give_different_signatures() {
    let mut rng = Rng(5);
    let (a, _) = set_pair(&mut rng, 400, 0, 0);
    let fast = hasher(Algorithm::Fast, 1).sign(&a);
    let classic = hasher(Algorithm::Classic, 1).sign(&a);
    let reseeded = hasher(Algorithm::Fast, 2).sign(&a);
    assert_ne!(fast.values(), classic.values());
    assert_ne!(fast.values(), reseeded.values());
    assert!(matches!(
        estimate_jaccard(&fast, &classic),
        Err(Error::IncompatibleSignatures {
            what: "algorithm",
            ..
        })
    ));
    assert!(matches!(
        fast.estimate_jaccard(&reseeded),
        Err(Error::IncompatibleSignatures { what: "seed", .. })
    ));
}

/// A corpus of token-hash documents over a Zipf vocabulary: originals plus
/// edited copies (substitutions, insertions, deletions at various rates).
fn corpus(seed: u64, originals: usize) -> Vec<Vec<u64>> {
    let mut rng = Rng(seed);
    let vocab = 3000;
    let cumulative: Vec<f64> = (1..=vocab)
        .scan(0.0, |acc, r| {
            *acc += 1.0 / (r as f64 + 2.7);
            Some(*acc)
        })
        .collect();
    let total = *cumulative.last().unwrap();
    let word = |rng: &mut Rng| {
        let u = rng.unit() * total;
        (cumulative.partition_point(|&c| c < u) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    };
    let mut docs = Vec::new();
    for _ in 0..originals {
        let len = 80 + rng.below(500) as usize;
        let orig: Vec<u64> = (0..len).map(|_| word(&mut rng)).collect();
        let copies = rng.below(4);
        docs.push(orig.clone());
        for _ in 0..copies {
            let rate = [0.005, 0.02, 0.04, 0.08, 0.15][rng.below(5) as usize];
            let mut copy = Vec::with_capacity(len);
            for &t in &orig {
                let u = rng.unit();
                if u < rate / 3.0 {
                    continue; // delete
                } else if u < 2.0 * rate / 3.0 {
                    copy.push(word(&mut rng)); // substitute
                } else if u < rate {
                    copy.push(t);
                    copy.push(word(&mut rng)); // insert
                } else {
                    copy.push(t);
                }
            }
            docs.push(copy);
        }
    }
    docs
}

#[test]
fn lsh_finds_every_pair_above_threshold_plus_margin() {
    let threshold = 0.5;
    // Equal-weight optimal_params would miss ~13% of pairs at J = 0.6.
    let params = params_for_recall(threshold, 128, threshold + 0.1, 0.9999).unwrap();
    assert!(probability(threshold + 0.1, params) >= 0.9999);
    let mut found_total = 0;
    for seed in [1u64, 2, 3] {
        let docs = corpus(seed, 120);
        let sets: Vec<Vec<u64>> = docs
            .iter()
            .map(|d| {
                let mut s = Vec::new();
                shingle_set_into(d, 5, &mut s);
                s
            })
            .collect();
        for algorithm in [Algorithm::Fast, Algorithm::Classic] {
            let h = hasher(algorithm, seed);
            let sigs = h.sign_all(&sets);
            let cand = candidates(&sigs, params, usize::MAX).unwrap();
            assert!(cand.pairs.windows(2).all(|w| w[0] < w[1]));
            assert!(cand.pairs.iter().all(|&(a, b)| a < b));
            let found: BTreeSet<(u32, u32)> = cand.pairs.iter().copied().collect();
            let mut need = 0;
            for a in 0..sets.len() {
                for b in a + 1..sets.len() {
                    let j = similarity(&sets[a], &sets[b]).jaccard;
                    if j >= threshold + 0.1 {
                        need += 1;
                        assert!(
                            found.contains(&(a as u32, b as u32)),
                            "{algorithm}: missed pair ({a}, {b}) with J = {j:.3}"
                        );
                    }
                }
            }
            assert!(
                need > 20,
                "the corpus must contain near duplicates ({need})"
            );
            found_total += need;
        }
    }
    assert!(found_total > 100);
}

#[test]
fn optimal_params_sanity() {
    let p = optimal_params(0.5, 128, 0.5, 0.5).unwrap();
    assert!(p.bands * p.rows <= 128, "{p:?}");
    // The S-curve crosses 1/2 near the threshold.
    let cross = (1..1000)
        .map(|i| i as f64 / 1000.0)
        .find(|&j| probability(j, p) >= 0.5)
        .unwrap();
    assert!((cross - 0.5).abs() < 0.1, "{p:?} crosses at {cross}");
    assert!(probability(0.2, p) < 0.05);
    assert!(probability(0.8, p) > 0.99);
    // Higher thresholds want longer bands.
    let q = optimal_params(0.8, 128, 0.5, 0.5).unwrap();
    assert!(q.rows > p.rows, "{p:?} vs {q:?}");
    // Weighting false negatives more lowers the effective threshold.
    let r = optimal_params(0.5, 128, 0.1, 0.9).unwrap();
    assert!(
        r.approx_threshold() < p.approx_threshold(),
        "{p:?} vs {r:?}"
    );
    // The chosen parameters are at least as good as their neighbours.
    let err = |q: LshParams| {
        0.5 * lsh::false_positive_area(0.5, q) + 0.5 * lsh::false_negative_area(0.5, q)
    };
    for (b, r) in [
        (p.bands + 1, p.rows),
        (p.bands - 1, p.rows),
        (p.bands, p.rows + 1),
    ] {
        if b >= 1 && b * r <= 128 {
            assert!(err(p) <= err(LshParams { bands: b, rows: r }));
        }
    }
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let docs = corpus(9, 150);
    let sets: Vec<Vec<u64>> = docs
        .iter()
        .map(|d| {
            let mut sh = Vec::new();
            shingles(d, 5, &mut sh);
            shingle_set(&sh)
        })
        .collect();
    let p = LshParams { bands: 32, rows: 4 };
    let t = Thresholds {
        jaccard: 0.3,
        containment: Some(0.8),
    };
    let run = |algorithm| {
        let h = hasher(algorithm, 3);
        let sigs = h.sign_all(&sets);
        let cand = candidates(&sigs, p, 3).unwrap();
        let kept = verify_pairs(&sets, &cand.pairs, &t);
        (sigs, cand, kept)
    };
    for algorithm in [Algorithm::Fast, Algorithm::Classic] {
        let one = in_pool(1, || run(algorithm));
        let four = in_pool(4, || run(algorithm));
        assert_eq!(one.0, four.0);
        assert_eq!(one.1, four.1);
        assert_eq!(one.2, four.2);
        assert!(!one.2.is_empty());
    }
}

#[test]
fn capped_buckets_are_reported_and_stay_linear() {
    // 50 identical documents and 10 unrelated ones.
    let mut rng = Rng(77);
    let same: Vec<u64> = (0..300).map(|_| rng.next()).collect();
    let mut sets: Vec<Vec<u64>> = vec![same; 50];
    sets.extend((0..10).map(|_| (0..300).map(|_| rng.next()).collect::<Vec<u64>>()));
    for s in &mut sets {
        s.sort_unstable();
    }
    let h = hasher(Algorithm::Fast, 1);
    let sigs = h.sign_all(&sets);
    let p = LshParams { bands: 16, rows: 8 };
    let full = candidates(&sigs, p, usize::MAX).unwrap();
    assert_eq!(full.pairs.len(), 50 * 49 / 2);
    let capped = candidates(&sigs, p, 10).unwrap();
    assert_eq!(capped.pairs.len(), 49);
    assert_eq!(capped.capped.len(), 1);
    assert_eq!(capped.capped[0].docs, (0..50).collect::<Vec<u32>>());
    assert_eq!(capped.capped[0].bands, (0..16).collect::<Vec<u32>>());
    // The chain still clusters all 50 together.
    let kept: Vec<(u32, u32, f64)> = verify_pairs(
        &sets,
        &capped.pairs,
        &Thresholds {
            jaccard: 0.9,
            containment: None,
        },
    )
    .into_iter()
    .map(|(a, b, s)| (a, b, s.jaccard))
    .collect();
    let clusters = near_duplicate_clusters(sets.len(), &kept);
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].members.len(), 50);
}

#[test]
fn lsh_rejects_mixed_signatures_and_bad_params() {
    let a = hasher(Algorithm::Fast, 1).sign(&[1, 2, 3]);
    let b = hasher(Algorithm::Fast, 2).sign(&[1, 2, 3]);
    let sigs: Vec<Signature> = vec![a.clone(), b];
    assert!(matches!(
        candidates(&sigs, LshParams { bands: 16, rows: 8 }, 100),
        Err(Error::IncompatibleSignatures { .. })
    ));
    assert!(matches!(
        candidates(&[a], LshParams { bands: 16, rows: 9 }, 100),
        Err(Error::InvalidParameter(_))
    ));
}

fn sorted_set() -> impl Strategy<Value = Vec<u64>> {
    // Small values so that sets overlap; sizes skewed to exercise galloping.
    prop_oneof![
        proptest::collection::btree_set(0u64..200, 0..40),
        proptest::collection::btree_set(0u64..5000, 0..2000),
    ]
    .prop_map(|s| s.into_iter().collect())
}

proptest! {
    #[test]
    fn verification_is_exact(a in sorted_set(), b in sorted_set()) {
        let sa: BTreeSet<u64> = a.iter().copied().collect();
        let sb: BTreeSet<u64> = b.iter().copied().collect();
        let inter = sa.intersection(&sb).count();
        let union = sa.union(&sb).count();
        let s = similarity(&a, &b);
        prop_assert_eq!(s.intersection, inter);
        prop_assert_eq!((s.size_a, s.size_b), (a.len(), b.len()));
        let j = if union == 0 { 0.0 } else { inter as f64 / union as f64 };
        prop_assert_eq!(s.jaccard, j);
        prop_assert_eq!(s.containment_a, if a.is_empty() { 0.0 } else { inter as f64 / a.len() as f64 });
        prop_assert_eq!(s.containment_b, if b.is_empty() { 0.0 } else { inter as f64 / b.len() as f64 });
        let rev = similarity(&b, &a);
        prop_assert_eq!(rev.intersection, inter);
        prop_assert_eq!(rev.containment_a, s.containment_b);
    }

    #[test]
    fn shingle_sets_are_sorted_unique_and_complete(tokens in proptest::collection::vec(0u64..20, 0..200), k in 1usize..8) {
        let mut sh = Vec::new();
        shingles(&tokens, k, &mut sh);
        let expected = if tokens.is_empty() { 0 } else { tokens.len().saturating_sub(k) + 1 };
        prop_assert_eq!(sh.len(), expected);
        for (i, s) in sh.iter().enumerate() {
            prop_assert_eq!(s.pos as usize, i);
            let end = (i + k).min(tokens.len());
            prop_assert_eq!(s.hash, athar::sketch::shingle::shingle_hash(&tokens[i..end]));
        }
        let set = shingle_set(&sh);
        prop_assert!(set.windows(2).all(|w| w[0] < w[1]));
        let oracle: BTreeSet<u64> = sh.iter().map(|s| s.hash).collect();
        prop_assert_eq!(set, oracle.into_iter().collect::<Vec<_>>());
    }
}

/// The document path (`sign_tokens`) and the set path (`sign` over the
/// shingle set) give the same signature; near-duplicate copies made by
/// `athar_synth` are found by LSH and pass verification.
#[test]
fn synthetic_near_duplicates_are_found_end_to_end() {
    use athar::text::normalize::NormalizeOptions;
    use athar::text::tokenize::Tokenizer;
    use athar_synth::{SynthParams, TruthKind, generate};

    let corpus = generate(&SynthParams {
        docs: 300,
        seed: 11,
        ..SynthParams::default()
    })
    .unwrap();
    let h = MinHasher::new(MinHashParams::new(&NormalizeOptions::default())).unwrap();
    let mut tk = Tokenizer::new(NormalizeOptions::default());
    let mut buf = athar::sketch::minhash::SignBuffer::default();
    let mut th = Vec::new();
    let mut sets = Vec::new();
    let mut sigs = Vec::new();
    for doc in &corpus.docs {
        let toks = tk.tokenize(&doc.text);
        let sig = h.sign_tokens(&toks, &mut buf);
        athar::sketch::shingle::token_hashes(&toks, &mut th);
        let mut set = Vec::new();
        shingle_set_into(&th, 5, &mut set);
        assert_eq!(sig, h.sign(&set), "document {}", doc.id);
        sets.push(set);
        sigs.push(sig);
    }
    let params = params_for_recall(0.5, 128, 0.6, 0.9999).unwrap();
    let cand = candidates(&sigs, params, 50).unwrap();
    let t = Thresholds {
        jaccard: 0.5,
        containment: Some(0.8),
    };
    let kept: BTreeSet<(u32, u32)> = verify_pairs(&sets, &cand.pairs, &t)
        .into_iter()
        .map(|(a, b, _)| (a, b))
        .collect();
    let mut checked = 0;
    for pair in corpus
        .truth
        .iter()
        .filter(|p| p.kind == TruthKind::NearDuplicate)
    {
        let (a, b) = (pair.a.min(pair.b) as u32, pair.a.max(pair.b) as u32);
        let s = similarity(&sets[a as usize], &sets[b as usize]);
        if s.jaccard >= 0.6 {
            checked += 1;
            assert!(
                kept.contains(&(a, b)),
                "missed ({a}, {b}), J = {}",
                s.jaccard
            );
            let est = sigs[a as usize]
                .estimate_jaccard(&sigs[b as usize])
                .unwrap();
            assert!(
                (est - s.jaccard).abs()
                    < 4.0 * (s.jaccard * (1.0 - s.jaccard) / 128.0).sqrt() + 1e-9
            );
        }
    }
    assert!(
        checked >= 10,
        "only {checked} near-duplicate pairs with J >= 0.6"
    );
    // Every kept pair really passes the thresholds.
    for &(a, b) in &kept {
        assert!(similarity(&sets[a as usize], &sets[b as usize]).passes(&t));
    }
}
