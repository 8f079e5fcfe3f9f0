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
use athar::passages::align::AlignParams;
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

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

    checks::check_align(&a, &b, &p);
});
