//! Candidates from shingle postings, and the boilerplate decision.
//!
//! Every `(shingle, document)` posting, sorted in parts by the top bits of
//! the hash: each run of 2..=`max_bucket` documents pairs them. This finds a
//! paragraph shared by two otherwise unrelated articles, which no
//! Jaccard-based LSH can. The same postings give the frequent shingles, from
//! which [`Postings::boilerplate`] decides boilerplate once near-duplicate
//! clusters are known, and, in the same sort, the masked-shingle postings
//! the formula model is learned from ([`crate::evidence::FormulaPostings`]):
//! a shingle without a number or a month name is the same in both forms, so
//! only the shingles that hold one add postings of their own.

use rayon::prelude::*;

use crate::cluster;
use crate::evidence::FormulaPostings;
use crate::phrases::BoilerplateSet;
use crate::sketch::shingle;

/// True when at least half the shingles of `tokens` are boilerplate: a
/// stock formula (an official's full title, a site's "read also" line) whose
/// rarer variants seeded a passage that is still mostly boilerplate.
pub fn mostly_boilerplate(tokens: &[u64], k: usize, boilerplate: &BoilerplateSet) -> bool {
    if boilerplate.is_empty() {
        return false;
    }
    let (mut total, mut common) = (0usize, 0usize);
    for h in shingle::shingle_hashes(tokens, k) {
        total += 1;
        common += usize::from(boilerplate.contains(h));
    }
    2 * common >= total && common > 0
}

/// What the shingle postings of the corpus tell: the document pairs that
/// share shingles, and the documents of every frequent shingle.
pub struct Postings {
    /// Document pairs sharing shingles, with the number shared (pairs are
    /// only counted through shingles in at most `max_bucket` documents),
    /// sorted by pair.
    pub shared: Vec<((u32, u32), u32)>,
    /// The shingles found in more than `max_df` documents, by hash, each
    /// with its documents in order.
    pub frequent: Vec<(u64, Vec<u32>)>,
    /// The masked shingles of every document, for the formula model.
    pub formula: FormulaPostings,
}

/// The shingles of one document, as the postings want them (all sorted and
/// distinct): its exact shingle set, the part of it that holds a masked token,
/// and the masked forms of that part ([`crate::evidence::masked_shingle_sets`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct DocShingles<'a> {
    /// The exact shingle set.
    pub exact: &'a [u64],
    /// The shingles of `exact` that hold a masked token.
    pub exact_masked: &'a [u64],
    /// The masked forms of `exact_masked`.
    pub masked: &'a [u64],
}

impl<'a> DocShingles<'a> {
    /// A document without masked tokens: every shingle is the same in both
    /// forms.
    pub fn exact(set: &'a [u64]) -> DocShingles<'a> {
        DocShingles {
            exact: set,
            ..DocShingles::default()
        }
    }
}

/// A posting of an exact shingle (it pairs documents).
const POSTING_EXACT: u32 = 1;
/// A posting of a masked shingle (formula is learned from it).
const POSTING_MASKED: u32 = 2;

/// The `(shingle, document)` postings are built in parts, by the top bits of
/// the shingle hash, about this many postings a part: each part is sorted and
/// scanned on its own, so only a few parts are in memory at once.
const POSTINGS_PER_PART: usize = 1 << 22;

/// Pairs the documents of each shingle found in 2..=`max_bucket` documents,
/// keeps the documents of shingles found in more than `max_df`, and gathers
/// the masked-shingle postings of the formula model.
pub fn shingle_postings(docs: &[DocShingles<'_>], max_bucket: usize, max_df: usize) -> Postings {
    shingle_postings_in_parts(docs, max_bucket, max_df, POSTINGS_PER_PART)
}

/// [`shingle_postings`] with about `per_part` postings a part.
fn shingle_postings_in_parts(
    data: &[DocShingles<'_>],
    max_bucket: usize,
    max_df: usize,
    per_part: usize,
) -> Postings {
    let total: usize = data.iter().map(|d| d.exact.len() + d.masked.len()).sum();
    let split = shingle::HashParts::new(total, per_part);
    let parts = split.parts;
    // Consecutive parts form a group, scanned in order by one thread with a
    // cursor into each (sorted) shingle set. The result does not depend on
    // the grouping.
    let groups = rayon::current_num_threads().clamp(1, parts);
    let per_group = parts.div_ceil(groups);
    let results: Vec<Postings> = (0..groups)
        .into_par_iter()
        .map(|g| {
            let (first, last) = (g * per_group, ((g + 1) * per_group).min(parts));
            group_postings(data, &split, first..last, max_bucket, max_df)
        })
        .collect();
    let mut shared: Vec<((u32, u32), u32)> = Vec::new();
    let mut frequent = Vec::new();
    let mut formula = FormulaPostings::default();
    for p in results {
        formula.merge(p.formula);
        if shared.is_empty() {
            shared = p.shared;
        } else {
            shared.extend(p.shared);
        }
        frequent.extend(p.frequent);
    }
    if parts > 1 {
        // A pair may share shingles of several parts: add up its counts.
        shared.par_sort_unstable();
        shared = shared
            .chunk_by(|x, y| x.0 == y.0)
            .map(|run| (run[0].0, run.iter().map(|r| r.1).sum()))
            .collect();
    }
    if std::env::var_os("ATHAR_TIMINGS").is_some() {
        eprintln!(
            "athar: postings: {total} in {parts} part(s); {} pairs, {} frequent shingles",
            shared.len(),
            frequent.len()
        );
    }
    Postings {
        shared,
        frequent,
        formula,
    }
}

/// The postings of the parts `range` of `split`, in order.
fn group_postings(
    data: &[DocShingles<'_>],
    split: &shingle::HashParts,
    range: std::ops::Range<usize>,
    max_bucket: usize,
    max_df: usize,
) -> Postings {
    let start_of = |set: &[u64]| set.partition_point(|&h| split.of(h) < range.start) as u32;
    // Cursors into the exact set, its shingles that hold a masked token, and
    // their masked forms.
    let mut cursor: Vec<[u32; 3]> = data
        .iter()
        .map(|d| {
            [
                start_of(d.exact),
                start_of(d.exact_masked),
                start_of(d.masked),
            ]
        })
        .collect();
    let mut out = Postings {
        shared: Vec::new(),
        frequent: Vec::new(),
        formula: FormulaPostings::default(),
    };
    let mut postings: Vec<(u64, u32)> = Vec::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for part in range {
        part_postings(data, split, part, &mut cursor, &mut postings);
        postings.par_sort_unstable();
        pairs.clear();
        scan_runs(&postings, max_bucket, max_df, &mut pairs, &mut out);
        pairs.par_sort_unstable();
        out.shared.extend(
            pairs
                .chunk_by(|x, y| x == y)
                .map(|run| (run[0], run.len() as u32)),
        );
    }
    out
}

/// The postings of part `part` into `postings` (cleared first), unsorted:
/// `(hash, document << 2 | flags)`, [`POSTING_EXACT`] postings pair
/// documents, [`POSTING_MASKED`] ones teach formula. Moves each document's
/// `cursor` past the part.
fn part_postings(
    data: &[DocShingles<'_>],
    split: &shingle::HashParts,
    part: usize,
    cursor: &mut [[u32; 3]],
    postings: &mut Vec<(u64, u32)>,
) {
    postings.clear();
    for (d, dd) in data.iter().enumerate() {
        let c = &mut cursor[d];
        let in_part = |set: &[u64], start: u32| {
            let start = start as usize;
            start..start + set[start..].partition_point(|&h| split.of(h) == part)
        };
        let (e, em, m) = (
            in_part(dd.exact, c[0]),
            in_part(dd.exact_masked, c[1]),
            in_part(dd.masked, c[2]),
        );
        let tag = (d as u32) << 2;
        let mut exact_masked = dd.exact_masked[em.clone()].iter().peekable();
        postings.extend(dd.exact[e.clone()].iter().map(|&h| {
            while exact_masked.next_if(|&&x| x < h).is_some() {}
            if exact_masked.peek() == Some(&&h) {
                (h, tag | POSTING_EXACT)
            } else {
                (h, tag | POSTING_EXACT | POSTING_MASKED)
            }
        }));
        postings.extend(
            dd.masked[m.clone()]
                .iter()
                .map(|&h| (h, tag | POSTING_MASKED)),
        );
        *c = [e.end as u32, em.end as u32, m.end as u32];
    }
}

/// Each run of equal hashes in the sorted `postings`: the pairs of its
/// documents (2..=`max_bucket` of them) into `pairs`, its documents into
/// `out.frequent` (more than `max_df`), its masked postings into
/// `out.formula`.
fn scan_runs(
    postings: &[(u64, u32)],
    max_bucket: usize,
    max_df: usize,
    pairs: &mut Vec<(u32, u32)>,
    out: &mut Postings,
) {
    let (mut exact_docs, mut masked_docs) = (Vec::new(), Vec::new());
    for run in postings.chunk_by(|x, y| x.0 == y.0) {
        exact_docs.clear();
        masked_docs.clear();
        for &(_, v) in run {
            if v & POSTING_EXACT != 0 {
                exact_docs.push(v >> 2);
            }
            if v & POSTING_MASKED != 0 {
                masked_docs.push(v >> 2);
            }
        }
        // Equal hashes from two forms of one document (a hash collision)
        // count once.
        exact_docs.dedup();
        masked_docs.dedup();
        if (2..=max_bucket).contains(&exact_docs.len()) {
            for (i, &x) in exact_docs.iter().enumerate() {
                pairs.extend(exact_docs[i + 1..].iter().map(|&y| (x, y)));
            }
        }
        if exact_docs.len() > max_df {
            out.frequent.push((run[0].0, exact_docs.clone()));
        }
        if !masked_docs.is_empty() {
            out.formula.add_run(run[0].0, masked_docs.iter().copied());
        }
    }
}

impl Postings {
    /// The shingles found in more than `max_df` clusters of `components`,
    /// and the number of other shingles in more than `max_bucket` documents.
    pub fn boilerplate(
        &self,
        components: &mut cluster::UnionFind,
        max_df: usize,
        max_bucket: usize,
    ) -> (BoilerplateSet, usize) {
        let mut boiler = Vec::new();
        let mut crowded = 0;
        let mut roots: Vec<u32> = Vec::new();
        for (hash, run) in &self.frequent {
            roots.clear();
            roots.extend(run.iter().map(|&d| components.find(d)));
            roots.sort_unstable();
            roots.dedup();
            if roots.len() > max_df {
                boiler.push(*hash);
            } else if run.len() > max_bucket {
                crowded += 1;
            }
        }
        (BoilerplateSet::from_hashes(boiler), crowded)
    }
}

/// True when a pair found through the postings sharing `shared` shingles
/// (of sets of `size_a` and `size_b`) must be verified: it shares enough to
/// hold a passage (`min_shared`), or enough that it may pass a threshold of
/// `t` (a short document inside a longer one shares few shingles, all of its
/// own). Verification is exact, so a pair checked for nothing costs time,
/// never a wrong result.
pub fn worth_verifying(
    shared: usize,
    size_a: usize,
    size_b: usize,
    min_shared: usize,
    t: &crate::verify::Thresholds,
) -> bool {
    let (small, large) = (size_a.min(size_b), size_a.max(size_b));
    // |A ∩ B| >= c·min(|A|, |B|) for containment c; >= j·|A ∪ B| >= j·max for Jaccard j.
    let at_least = |need: f64| shared > 0 && shared as f64 >= need;
    shared >= min_shared
        || at_least(t.jaccard * large as f64)
        || t.containment.is_some_and(|c| at_least(c * small as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents whose shingle sets draw from a small pool of hashes spread
    /// over the whole `u64` range, so that shingles are shared and fall in
    /// every part.
    fn docs(n: usize) -> Vec<Vec<u64>> {
        let mut state = 7u64;
        let pool: Vec<u64> = (0..400)
            .map(|_| crate::sketch::minhash::splitmix64(&mut state))
            .collect();
        (0..n)
            .map(|_| {
                let len = (crate::sketch::minhash::splitmix64(&mut state) % 60) as usize;
                let mut set: Vec<u64> = (0..len)
                    .map(|_| pool[(crate::sketch::minhash::splitmix64(&mut state) % 400) as usize])
                    .collect();
                set.sort_unstable();
                set.dedup();
                set
            })
            .collect()
    }

    /// Brute force: every pair of documents and the number of shingles they
    /// share through shingles in at most `max_bucket` documents.
    fn brute(data: &[Vec<u64>], max_bucket: usize, max_df: usize) -> Postings {
        let mut df: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
        for (d, dd) in data.iter().enumerate() {
            for &h in dd {
                df.entry(h).or_default().push(d as u32);
            }
        }
        let mut shared: std::collections::BTreeMap<(u32, u32), u32> = Default::default();
        for docs in df.values().filter(|v| (2..=max_bucket).contains(&v.len())) {
            for (i, &a) in docs.iter().enumerate() {
                for &b in &docs[i + 1..] {
                    *shared.entry((a, b)).or_default() += 1;
                }
            }
        }
        Postings {
            shared: shared.into_iter().collect(),
            frequent: df.into_iter().filter(|(_, v)| v.len() > max_df).collect(),
            formula: FormulaPostings::default(),
        }
    }

    /// Every third shingle of a document "holds a masked token": its masked
    /// form is another hash of the pool's, so masked forms are shared too.
    fn masked(set: &[u64]) -> (Vec<u64>, Vec<u64>) {
        let exact: Vec<u64> = set.iter().copied().filter(|h| h % 3 == 0).collect();
        let mut masked: Vec<u64> = exact.iter().map(|h| (h % 7) ^ 0xABCD_0000_0000).collect();
        masked.sort_unstable();
        masked.dedup();
        (exact, masked)
    }

    #[test]
    fn postings_do_not_depend_on_parts_or_threads() {
        let owned = docs(300);
        let masks: Vec<(Vec<u64>, Vec<u64>)> = owned.iter().map(|s| masked(s)).collect();
        let data: Vec<DocShingles<'_>> = owned
            .iter()
            .zip(&masks)
            .map(|(s, m)| DocShingles {
                exact: s,
                exact_masked: &m.0,
                masked: &m.1,
            })
            .collect();
        // The formula model sees the masked form of every document.
        let masked_forms: Vec<Vec<u64>> = owned
            .iter()
            .zip(&masks)
            .map(|(s, m)| {
                let mut f: Vec<u64> = s.iter().copied().filter(|h| h % 3 != 0).collect();
                f.extend(&m.1);
                f.sort_unstable();
                f
            })
            .collect();
        let clusters: Vec<u32> = (0..owned.len() as u32).map(|d| d / 2).collect();
        let want_formula = crate::evidence::FormulaModel::from_sets(&masked_forms, &clusters, 5);
        let want = brute(&owned, 40, 20);
        assert!(want.shared.len() > 100 && !want.frequent.is_empty());
        for per_part in [usize::MAX, 1000, 97, 1] {
            for threads in [1, 2, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| shingle_postings_in_parts(&data, 40, 20, per_part));
                assert_eq!(
                    got.shared, want.shared,
                    "per_part {per_part}, {threads} threads"
                );
                assert_eq!(got.frequent, want.frequent, "per_part {per_part}");
                let model = got.formula.model(5, |d| clusters[d as usize]);
                assert_eq!(model.min_clusters(), want_formula.min_clusters());
                assert_eq!(model.distinct_shingles(), want_formula.distinct_shingles());
                assert_eq!(model.lambda(), want_formula.lambda());
                for f in &masked_forms {
                    for &h in f {
                        assert_eq!(model.clusters(h), want_formula.clusters(h));
                    }
                }
            }
        }
    }
}
