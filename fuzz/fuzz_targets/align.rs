//! Verbatim alignment (`align::align`) and in-document repeats
//! (`align::repeats`) on small-alphabet token sequences, where matches,
//! repeats and near-misses are frequent.
//!
//! Checks: every range lies inside its sequence and is non-empty; `align`
//! output is sorted by `a.start` and neither its `a` nor its `b` ranges
//! overlap; `repeats` output is sorted by `(a.start, b.start)`, each `a`
//! lies entirely before its `b`, and the `b` ranges do not overlap; each
//! match starts and ends on identical tokens; `matched_tokens` is at least
//! `min_passage`, at most the longest common subsequence of the two ranges,
//! and `score = matched_tokens / max(len a, len b)`; an `ignore` that
//! rejects every shingle finds nothing; a sequence aligned with itself is
//! one whole match.

#![no_main]

use arbitrary::Arbitrary;
use athar::align::{AlignParams, Match, align, repeats};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    alphabet: u8,
    a: Vec<u8>,
    b: Vec<u8>,
    k: u8,
    max_gap: u8,
    min_passage: u8,
    max_occurrences: u8,
    merge_gap: u8,
}

/// Longest common subsequence length of two short slices.
fn lcs(a: &[u64], b: &[u64]) -> u32 {
    let mut row = vec![0u32; b.len() + 1];
    for &x in a {
        let mut diag = 0;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y {
                diag + 1
            } else {
                row[j + 1].max(row[j])
            };
            diag = up;
        }
    }
    row[b.len()]
}

fn check_match(m: &Match, a: &[u64], b: &[u64], p: &AlignParams) {
    let (ra, rb) = (
        m.a.start as usize..m.a.end as usize,
        m.b.start as usize..m.b.end as usize,
    );
    assert!(
        ra.start < ra.end && ra.end <= a.len(),
        "a range {ra:?} of {}",
        a.len()
    );
    assert!(
        rb.start < rb.end && rb.end <= b.len(),
        "b range {rb:?} of {}",
        b.len()
    );
    assert_eq!(a[ra.start], b[rb.start], "{m:?} starts on different tokens");
    assert_eq!(
        a[ra.end - 1],
        b[rb.end - 1],
        "{m:?} ends on different tokens"
    );
    assert!(
        m.matched_tokens as usize >= p.min_passage,
        "{m:?} shorter than {p:?}"
    );
    let longest = lcs(&a[ra.clone()], &b[rb.clone()]);
    assert!(
        m.matched_tokens <= longest,
        "{m:?} claims more than the LCS {longest}"
    );
    let expected = f64::from(m.matched_tokens) / ra.len().max(rb.len()) as f64;
    assert!(
        (m.score - expected).abs() < 1e-9,
        "{m:?} score, expected {expected}"
    );
}

fn disjoint(mut ranges: Vec<std::ops::Range<u32>>) -> bool {
    ranges.sort_by_key(|r| r.start);
    ranges.windows(2).all(|w| w[0].end <= w[1].start)
}

fuzz_target!(|input: Input| {
    let n = u64::from(input.alphabet % 6) + 1;
    let seq = |v: &[u8]| -> Vec<u64> { v.iter().take(400).map(|&x| u64::from(x) % n).collect() };
    let (a, b) = (seq(&input.a), seq(&input.b));
    let p = AlignParams {
        k: usize::from(input.k % 6) + 1,
        max_gap: usize::from(input.max_gap % 12),
        min_passage: usize::from(input.min_passage % 16),
        max_occurrences: usize::from(input.max_occurrences % 20) + 1,
        merge_gap: usize::from(input.merge_gap % 24),
    };

    let ms = align(&a, &b, &p, &|_| false);
    for m in &ms {
        check_match(m, &a, &b, &p);
    }
    assert!(
        ms.windows(2).all(|w| w[0].a.start <= w[1].a.start),
        "not sorted"
    );
    assert!(
        disjoint(ms.iter().map(|m| m.a.clone()).collect()),
        "a ranges overlap"
    );
    assert!(
        disjoint(ms.iter().map(|m| m.b.clone()).collect()),
        "b ranges overlap"
    );
    assert_eq!(ms, align(&a, &b, &p, &|_| false), "not deterministic");

    assert!(
        align(&a, &b, &p, &|_| true).is_empty(),
        "ignored shingles seeded a match"
    );

    let rs = repeats(&a, &p);
    for m in &rs {
        check_match(m, &a, &a, &p);
        assert!(m.a.end <= m.b.start, "repeat {m:?}: copies overlap");
    }
    assert!(
        rs.windows(2)
            .all(|w| (w[0].a.start, w[0].b.start) <= (w[1].a.start, w[1].b.start)),
        "repeats not sorted"
    );
    assert!(
        disjoint(rs.iter().map(|m| m.b.clone()).collect()),
        "repeat b ranges overlap"
    );

    // A sequence aligned with itself: one match covering all of it, when it
    // is long enough to be seeded by a shingle that is not too frequent.
    if a.len() >= p.k.max(p.min_passage).max(1) {
        let own = align(&a, &a, &p, &|_| false);
        for m in &own {
            check_match(m, &a, &a, &p);
        }
        let distinct = {
            let mut s: Vec<&[u64]> = a.windows(p.k).collect();
            s.sort_unstable();
            s.windows(2).all(|w| w[0] != w[1])
        };
        if distinct {
            let whole = 0..a.len() as u32;
            assert!(
                own.len() == 1 && own[0].a == whole && own[0].b == whole,
                "self-alignment of {} tokens gave {own:?}",
                a.len()
            );
        }
    }
});
