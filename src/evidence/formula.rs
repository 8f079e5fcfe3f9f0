//! The formula model: stock text learned from the corpus.
//!
//! A masked shingle ([`super::masked_hashes`]: `k` tokens, numbers and month
//! names replaced by placeholders) is *formula* when it recurs in more
//! unrelated documents than chance allows. "Unrelated" means: in different
//! groups of copies (the caller names the group of each document: the
//! pipeline takes the components of pairs at Jaccard 0.9 or above,
//! [`super::COPY_JACCARD`], so copies of one story count once; a lone
//! document is a group of its own). The counts below are called "clusters". "More than chance" is a test that holds at
//! every scale:
//!
//! - Let `S` be the number of distinct masked shingles of the corpus and
//!   `λ` the mean number of *other* clusters a shingle is found in (the sum
//!   over shingles of `clusters - 1`, divided by `S`): the rate at which
//!   unrelated texts share a shingle, stock phrasing and reuse included.
//! - If clusters shared shingles independently at that rate, a shingle would
//!   be found in `1 + X` clusters with `X ~ Poisson(λ)`, and the number of
//!   shingles of the corpus found in `c` or more clusters by chance would be
//!   `E(c) = S · P(X ≥ c - 1)`.
//! - A shingle in `c` clusters is formula when `E(c) ≤ α` ([`ALPHA`]): not
//!   one such shingle is expected by chance in the whole corpus. It is not
//!   formula at all when `E(c) ≥ 1/α`, and partly formula in between
//!   ([`FormulaModel::score`], on a log scale of `E`).
//! - A shingle in one or two clusters is never formula: two documents sharing
//!   text is the very thing athar reports, and there is nothing to learn a
//!   template from.
//!
//! The bar ([`FormulaModel::min_clusters`]) therefore grows with the corpus,
//! about like `log S / log(1/λ)`: three clusters or more in a few hundred
//! documents, eight in fifteen thousand news articles, a few more in
//! millions; and it is a count of clusters, not a share of the corpus, so a
//! template that recurs every day of a corpus spread over years is found
//! however rare it is on any one day, while a story retold by a few outlets
//! is not formula. No word list is involved: titles, datelines, greetings
//! and bulletins are found because they recur, in any language.

use std::ops::Range;

use ahash::{AHashMap, AHashSet};
use rayon::prelude::*;

use super::{TokenClass, masked_hashes};
use crate::sketch::shingle::{self, HashParts};

/// Expected number of shingles taken for formula by chance in a whole
/// corpus: a shingle is formula when fewer than this many would reach its
/// cluster count by chance.
pub const ALPHA: f64 = 0.05;

/// A shingle must be in at least this many clusters to be formula, whatever
/// the test says.
pub const MIN_FORMULA_CLUSTERS: u32 = 3;

/// A run of recurring shingles covering this many tokens or more is a copied
/// passage, not formula ([`copied_runs`]): about three sentences. Stock
/// phrasing (titles, datelines, greetings, a sign-off, a short quotation) is
/// shorter, or is broken by the names and figures its slots hold; a
/// paragraph reprinted whole in many documents (a statement carried by many
/// outlets, a tradition quoted in many books) is the reuse athar reports.
pub const COPIED_RUN_TOKENS: usize = 40;

/// Shingle positions of a masked document ([`super::masked_hashes`]) that
/// lie in a *copied run*: consecutive shingles, each found in at least
/// [`MIN_FORMULA_CLUSTERS`] clusters, in about as many clusters as the first
/// of the run (within a factor of two: one passage copied into the same
/// documents, not a chain of different titles and phrases), holding no
/// number or month name, and covering at least `min_tokens` tokens
/// together. Sorted, disjoint ranges of shingle positions. A template is
/// shared with its figures masked and its slots filled differently, so its
/// runs stop at every slot; a passage copied whole runs on.
pub fn copied_runs(model: &FormulaModel, masked: &[u64], min_tokens: usize) -> Vec<Range<usize>> {
    let k = model.k;
    let is_masked = |h: u64| h == super::MASK_NUMBER || h == super::MASK_MONTH;
    let mut out = Vec::new();
    // The current run: its first shingle and that shingle's cluster count.
    let mut run: Option<(usize, u32)> = None;
    let mut close = |p: usize, run: &mut Option<(usize, u32)>| {
        if let Some((s, _)) = run.take() {
            // Shingles `s..p` cover `p - s + k - 1` tokens.
            if p - s + k > min_tokens {
                out.push(s..p);
            }
        }
    };
    // The last masked token at or before the end of the current shingle.
    let mut last_masked = masked
        .iter()
        .take(k.saturating_sub(1))
        .rposition(|&h| is_masked(h));
    let count = shingle::shingle_count(masked.len(), k);
    for (p, h) in shingle::shingle_hashes(masked, k).enumerate() {
        if masked.get(p + k - 1).is_some_and(|&t| is_masked(t)) {
            last_masked = Some(p + k - 1);
        }
        let c = model.clusters(h);
        let recurs = c >= MIN_FORMULA_CLUSTERS && last_masked.is_none_or(|m| m < p);
        if run.is_some_and(|(_, r)| !recurs || c > 2 * r || r > 2 * c) {
            close(p, &mut run);
        }
        if recurs && run.is_none() {
            run = Some((p, c));
        }
    }
    close(count, &mut run);
    out
}

/// About this many `(shingle, cluster)` postings are sorted at a time.
const POSTINGS_PER_PART: usize = 1 << 22;

/// What the corpus taught about formula.
#[derive(Clone, Debug, Default)]
pub struct FormulaModel {
    /// Shingles per window.
    k: usize,
    /// Clusters of every masked shingle found in at least
    /// [`MIN_FORMULA_CLUSTERS`] clusters.
    counts: AHashMap<u64, u32>,
    /// Distinct masked shingles of the corpus (`S`).
    shingles: u64,
    /// Mean number of other clusters a shingle is found in (`λ`).
    lambda: f64,
    /// The smallest cluster count that is formula.
    min_clusters: u32,
    /// A bit per top-[`FILTER_BITS`] hash prefix present in `counts`: most
    /// shingles are looked up without touching the map.
    filter: Vec<u64>,
    /// The same for the formula shingles alone (found in `min_clusters` or
    /// more): far fewer than `counts`, so [`Self::is_formula`] rarely
    /// touches the map. Empty when `min_clusters` is under
    /// [`MIN_FORMULA_CLUSTERS`] (every shingle of `counts` is then formula).
    formula_filter: Vec<u64>,
}

/// True when the filter has the bit of `h`'s top [`FILTER_BITS`] bits.
fn filter_has(filter: &[u64], h: u64) -> bool {
    let b = (h >> (64 - FILTER_BITS)) as usize;
    filter.get(b >> 6).is_some_and(|w| w & (1 << (b & 63)) != 0)
}

/// Bits of the hash prefix of [`FormulaModel`]'s lookup filter.
const FILTER_BITS: u32 = 20;

impl FormulaModel {
    /// Learn formula from `masked` documents (masked token hashes, see
    /// [`super::masked_hashes`]) whose near-duplicate clusters are
    /// `cluster_of` (any id per document; documents with the same id are
    /// copies of one text), with `k` tokens per shingle. Parallel (rayon);
    /// the result does not depend on the number of threads.
    pub fn learn<D: AsRef<[u64]> + Sync>(
        masked: &[D],
        cluster_of: &[u32],
        k: usize,
    ) -> FormulaModel {
        assert_eq!(masked.len(), cluster_of.len(), "one cluster per document");
        FormulaModel::learn_with(
            cluster_of,
            |d| masked[d].as_ref().len(),
            |d, out| {
                out.clear();
                out.extend_from_slice(masked[d].as_ref());
            },
            k,
        )
    }

    /// [`Self::learn`] without holding the masked documents: `len(d)` is
    /// the number of tokens of document `d` and `masked(d, out)` writes its
    /// masked token hashes into `out` (called once per document and part of
    /// the postings, so it should be cheap: [`super::masked_hashes`]).
    pub fn learn_with(
        cluster_of: &[u32],
        len: impl Fn(usize) -> usize + Sync,
        masked: impl Fn(usize, &mut Vec<u64>) + Sync,
        k: usize,
    ) -> FormulaModel {
        let k = k.max(1);
        let n = cluster_of.len();
        let total: usize = (0..n).map(|d| shingle::shingle_count(len(d), k)).sum();
        let split = HashParts::new(total, POSTINGS_PER_PART);
        let mut gathered = FormulaPostings::default();
        let mut postings: Vec<(u64, u32)> = Vec::new();
        for part in 0..split.parts {
            postings.clear();
            postings.par_extend(
                (0..n)
                    .into_par_iter()
                    .map_init(Vec::new, |buf, d| {
                        masked(d, buf);
                        shingle::shingle_hashes(buf, k)
                            .filter(|&h| split.of(h) == part)
                            .map(|h| (h, d as u32))
                            .collect::<Vec<_>>()
                    })
                    .flatten_iter(),
            );
            postings.par_sort_unstable();
            postings.dedup();
            for run in postings.chunk_by(|x, y| x.0 == y.0) {
                gathered.add_run(run[0].0, run.iter().map(|x| x.1));
            }
        }
        gathered.model(k, |d| cluster_of[d as usize])
    }

    /// A model from each document's set of masked shingle hashes (any
    /// order, duplicates allowed), `cluster_of` as in [`Self::learn`].
    /// Sequential: for small corpora and tests.
    pub fn from_sets<D: AsRef<[u64]>>(sets: &[D], cluster_of: &[u32], k: usize) -> FormulaModel {
        assert_eq!(sets.len(), cluster_of.len(), "one cluster per document");
        let mut postings: Vec<(u64, u32)> = sets
            .iter()
            .enumerate()
            .flat_map(|(d, s)| s.as_ref().iter().map(move |&h| (h, d as u32)))
            .collect();
        postings.sort_unstable();
        postings.dedup();
        let mut gathered = FormulaPostings::default();
        for run in postings.chunk_by(|x, y| x.0 == y.0) {
            gathered.add_run(run[0].0, run.iter().map(|x| x.1));
        }
        gathered.model(k, |d| cluster_of[d as usize])
    }

    /// A model from cluster counts: `counts` of the shingles found in at
    /// least [`MIN_FORMULA_CLUSTERS`] clusters (others are ignored), out of
    /// `distinct` distinct shingles found in `others` other clusters in all.
    pub fn from_counts(
        k: usize,
        mut counts: AHashMap<u64, u32>,
        distinct: u64,
        others: u64,
    ) -> FormulaModel {
        counts.retain(|_, c| *c >= MIN_FORMULA_CLUSTERS);
        let lambda = if distinct == 0 {
            0.0
        } else {
            others as f64 / distinct as f64
        };
        let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
        for &h in counts.keys() {
            let b = (h >> (64 - FILTER_BITS)) as usize;
            filter[b >> 6] |= 1 << (b & 63);
        }
        let mut model = FormulaModel {
            k: k.max(1),
            filter,
            formula_filter: Vec::new(),
            counts,
            shingles: distinct,
            lambda,
            min_clusters: MIN_FORMULA_CLUSTERS,
        };
        while model.chance(model.min_clusters) > ALPHA && model.min_clusters < u32::MAX {
            model.min_clusters += 1;
        }
        let mut formula_filter = vec![0u64; 1 << (FILTER_BITS - 6)];
        for (&h, _) in model
            .counts
            .iter()
            .filter(|&(_, &c)| c >= model.min_clusters)
        {
            let b = (h >> (64 - FILTER_BITS)) as usize;
            formula_filter[b >> 6] |= 1 << (b & 63);
        }
        model.formula_filter = formula_filter;
        model
    }

    /// Tokens per shingle.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The smallest number of clusters a formula shingle is found in.
    pub fn min_clusters(&self) -> u32 {
        self.min_clusters
    }

    /// The chance rate `λ` (see the module docs).
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// Distinct masked shingles of the corpus.
    pub fn distinct_shingles(&self) -> u64 {
        self.shingles
    }

    /// Number of formula shingles.
    pub fn len(&self) -> usize {
        self.counts
            .values()
            .filter(|&&c| c >= self.min_clusters)
            .count()
    }

    /// True when nothing is formula.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Expected number of shingles of the corpus found in `c` or more
    /// clusters by chance: `S · P(Poisson(λ) ≥ c - 1)`.
    pub fn chance(&self, c: u32) -> f64 {
        self.shingles as f64 * poisson_tail(self.lambda, c.saturating_sub(1))
    }

    /// How surely a shingle found in `c` clusters is formula, in `[0, 1]`: 0
    /// below [`MIN_FORMULA_CLUSTERS`] or when `1/α` or more shingles reach `c`
    /// by chance, 1 at [`Self::min_clusters`] and above, log-linear in the
    /// chance count between.
    pub fn score(&self, c: u32) -> f32 {
        if c < MIN_FORMULA_CLUSTERS {
            return 0.0;
        }
        if c >= self.min_clusters {
            return 1.0;
        }
        let span = (1.0 / ALPHA).log10();
        let e = self.chance(c).max(f64::MIN_POSITIVE).log10();
        ((span - e) / (2.0 * span)).clamp(0.0, 1.0) as f32
    }

    /// Clusters masked shingle `h` is found in, when at least
    /// [`MIN_FORMULA_CLUSTERS`] (0 otherwise: one or two).
    #[inline]
    pub fn clusters(&self, h: u64) -> u32 {
        let b = (h >> (64 - FILTER_BITS)) as usize;
        if self
            .filter
            .get(b >> 6)
            .is_none_or(|w| w & (1 << (b & 63)) == 0)
        {
            return 0;
        }
        self.counts.get(&h).copied().unwrap_or(0)
    }

    /// True when masked shingle `h` is formula.
    pub fn is_formula(&self, h: u64) -> bool {
        if self.min_clusters >= MIN_FORMULA_CLUSTERS && !filter_has(&self.formula_filter, h) {
            return false;
        }
        self.clusters(h) >= self.min_clusters
    }

    /// Per token of a masked document, the highest [`Self::score`] of the
    /// shingles covering it, replacing `out`.
    pub fn token_scores(&self, masked: &[u64], out: &mut Vec<f32>) {
        self.token_scores_except(masked, &[], out);
    }

    /// [`Self::token_scores`] of tokens `range` of a document given by its
    /// exact token hashes and classes; shingles reaching outside the range
    /// count (formula is a property of the text around a token). A *copied
    /// passage* is not formula however many documents hold it: a run of
    /// consecutive recurring shingles free of numbers and month names that
    /// covers [`COPIED_RUN_TOKENS`] tokens or more scores 0 (see
    /// [`copied_runs`]).
    pub fn range_scores(
        &self,
        token_hashes: &[u64],
        classes: &[TokenClass],
        range: Range<u32>,
    ) -> Vec<f32> {
        let n = token_hashes.len().min(classes.len());
        let (s, e) = ((range.start as usize).min(n), (range.end as usize).min(n));
        // The window reaches far enough to see a whole copied run around
        // the range's edges.
        let reach = self.k - 1 + COPIED_RUN_TOKENS;
        let lo = s.saturating_sub(reach);
        let hi = (e + reach).min(n);
        if hi - lo < self.k && (lo, hi) != (0, n) {
            // Too short a window to hold a shingle of the document.
            return vec![0.0; e - s];
        }
        let mut masked = Vec::with_capacity(hi - lo);
        masked_hashes(&token_hashes[lo..hi], &classes[lo..hi], &mut masked);
        let mut scores = Vec::new();
        let copied = copied_runs(self, &masked, COPIED_RUN_TOKENS);
        self.token_scores_except(&masked, &copied, &mut scores);
        scores[s - lo..e - lo].to_vec()
    }

    /// [`Self::token_scores`] counting only the shingles whose position is
    /// not in `skip` (sorted, disjoint position ranges).
    fn token_scores_except(&self, masked: &[u64], skip: &[Range<usize>], out: &mut Vec<f32>) {
        out.clear();
        out.resize(masked.len(), 0.0);
        if self.counts.is_empty() {
            return;
        }
        let k = self.k.min(masked.len());
        let mut next_skip = 0;
        for (p, h) in shingle::shingle_hashes(masked, self.k).enumerate() {
            while next_skip < skip.len() && skip[next_skip].end <= p {
                next_skip += 1;
            }
            if skip.get(next_skip).is_some_and(|r| r.contains(&p)) {
                continue;
            }
            let c = self.clusters(h);
            if c == 0 {
                continue;
            }
            let s = self.score(c);
            for x in &mut out[p..p + k] {
                *x = x.max(s);
            }
        }
    }

    /// Formula runs of a masked document: token ranges covered by formula
    /// shingles outside copied runs ([`copied_runs`]), overlapping and
    /// adjacent shingles merged, in text order.
    pub fn formula_ranges(&self, masked: &[u64]) -> Vec<Range<u32>> {
        let mut out: Vec<Range<u32>> = Vec::new();
        let n = masked.len() as u32;
        // Copied runs matter only where a shingle is formula.
        if !shingle::shingle_hashes(masked, self.k).any(|h| self.is_formula(h)) {
            return out;
        }
        let copied = copied_runs(self, masked, COPIED_RUN_TOKENS);
        let mut next_copied = 0;
        for (p, h) in shingle::shingle_hashes(masked, self.k).enumerate() {
            while next_copied < copied.len() && copied[next_copied].end <= p {
                next_copied += 1;
            }
            if !self.is_formula(h) || copied.get(next_copied).is_some_and(|r| r.contains(&p)) {
                continue;
            }
            let (p, end) = (p as u32, (p as u32 + self.k as u32).min(n));
            match out.last_mut() {
                Some(r) if p <= r.end => r.end = r.end.max(end),
                _ => out.push(p..end),
            }
        }
        out
    }

    /// The templates of a corpus of masked documents: identical formula
    /// runs ([`Self::formula_ranges`]) grouped across documents, most
    /// widespread first (then first occurrence), at most `top` of them, each
    /// found in at least two documents. Parallel; the result does not depend
    /// on the number of threads.
    pub fn templates<D: AsRef<[u64]> + Sync>(
        &self,
        masked: &[D],
        top: usize,
    ) -> Vec<FormulaTemplate> {
        self.templates_with(
            masked.len(),
            |d, out| {
                out.clear();
                out.extend_from_slice(masked[d].as_ref());
            },
            top,
        )
    }

    /// [`Self::templates`] of `n` documents whose masked token hashes
    /// `masked(d, out)` writes (see [`Self::learn_with`]).
    pub fn templates_with(
        &self,
        n: usize,
        masked: impl Fn(usize, &mut Vec<u64>) + Sync,
        top: usize,
    ) -> Vec<FormulaTemplate> {
        if self.is_empty() {
            return Vec::new();
        }
        let per_doc: Vec<Vec<(u64, Range<u32>)>> = (0..n)
            .into_par_iter()
            .map_init(Vec::new, |buf, d| {
                masked(d, buf);
                let doc = &buf[..];
                let mut seen = AHashSet::new();
                self.formula_ranges(doc)
                    .into_iter()
                    .filter_map(|r| {
                        let key = shingle::shingle_hash(&doc[r.start as usize..r.end as usize]);
                        seen.insert(key).then_some((key, r))
                    })
                    .collect()
            })
            .collect();
        let mut groups: AHashMap<u64, FormulaTemplate> = AHashMap::new();
        for (d, runs) in per_doc.into_iter().enumerate() {
            for (key, r) in runs {
                groups
                    .entry(key)
                    .and_modify(|g| g.docs += 1)
                    .or_insert(FormulaTemplate {
                        doc: d as u32,
                        tokens: r,
                        docs: 1,
                    });
            }
        }
        let mut out: Vec<FormulaTemplate> = groups.into_values().filter(|g| g.docs >= 2).collect();
        // A total order: two groups never share a first occurrence.
        out.sort_unstable_by_key(|g| (std::cmp::Reverse(g.docs), g.doc, g.tokens.start));
        out.truncate(top);
        out
    }
}

/// The masked-shingle postings a formula model is learned from, gathered
/// run by run while a caller scans sorted `(shingle, document)` postings
/// (the pipeline does it in the same pass as its exact shingle postings, so
/// the model costs no sort of its own). Runs are added in any order; parts
/// gathered in parallel combine with [`FormulaPostings::merge`].
#[derive(Clone, Debug, Default)]
pub struct FormulaPostings {
    /// Distinct shingles seen.
    distinct: u64,
    /// Shingles found in two documents: the two documents.
    twos: Vec<(u32, u32)>,
    /// Shingles found in three documents or more: hash and the end of its
    /// documents in `docs`.
    runs: Vec<(u64, u32)>,
    /// Documents of the shingles of `runs`, run after run.
    docs: Vec<u32>,
}

impl FormulaPostings {
    /// One distinct masked shingle `hash` and the documents it is found in
    /// (ascending, distinct; at least one).
    #[inline]
    pub fn add_run(&mut self, hash: u64, docs: impl IntoIterator<Item = u32>) {
        self.distinct += 1;
        let start = self.docs.len();
        self.docs.extend(docs);
        match self.docs.len() - start {
            0 | 1 => self.docs.truncate(start),
            2 => {
                self.twos.push((self.docs[start], self.docs[start + 1]));
                self.docs.truncate(start);
            }
            _ => self.runs.push((hash, self.docs.len() as u32)),
        }
    }

    /// Adds the runs gathered by `other`.
    pub fn merge(&mut self, other: FormulaPostings) {
        self.distinct += other.distinct;
        self.twos.extend(other.twos);
        let base = self.docs.len() as u32;
        self.runs
            .extend(other.runs.into_iter().map(|(h, end)| (h, end + base)));
        self.docs.extend(other.docs);
    }

    /// Distinct shingles gathered.
    pub fn distinct(&self) -> u64 {
        self.distinct
    }

    /// The model, once the near-duplicate clusters are known: `cluster_of(d)`
    /// names the cluster of document `d`.
    pub fn model(self, k: usize, cluster_of: impl Fn(u32) -> u32 + Sync) -> FormulaModel {
        self.model_with_copies(k, cluster_of, |_, _| true)
    }

    /// [`Self::model`], where two documents of one cluster count once only
    /// when `copies(a, b)` (`a < b`) says they are near-duplicates of each
    /// other: a cluster is the transitive closure of near-duplicate pairs,
    /// and a chain of daily bulletins (each a near-duplicate of the day
    /// before, none a copy of the others) holds many unrelated texts. In each
    /// cluster, the documents of a shingle are counted greedily in document
    /// order: a document counts unless it is a copy of one counted before.
    pub fn model_with_copies(
        self,
        k: usize,
        cluster_of: impl Fn(u32) -> u32 + Sync,
        copies: impl Fn(u32, u32) -> bool + Sync,
    ) -> FormulaModel {
        let mut others: u64 = self
            .twos
            .par_iter()
            .filter(|&&(a, b)| cluster_of(a) != cluster_of(b) || !copies(a, b))
            .count() as u64;
        let starts: Vec<u32> = std::iter::once(0)
            .chain(self.runs.iter().map(|r| r.1))
            .collect();
        let counted: Vec<(u64, u32)> = self
            .runs
            .par_iter()
            .zip(starts.into_par_iter())
            .map_init(
                || (Vec::new(), Vec::new()),
                |(docs, counted), (&(h, end), start)| {
                    docs.clear();
                    docs.extend(
                        self.docs[start as usize..end as usize]
                            .iter()
                            .map(|&d| (cluster_of(d), d)),
                    );
                    docs.sort_unstable();
                    let mut n = 0u32;
                    for group in docs.chunk_by(|x, y| x.0 == y.0) {
                        counted.clear();
                        for &(_, d) in group {
                            if !counted.iter().any(|&c| copies(c, d)) {
                                counted.push(d);
                            }
                        }
                        n += counted.len() as u32;
                    }
                    (h, n)
                },
            )
            .collect();
        others += counted.iter().map(|&(_, c)| u64::from(c) - 1).sum::<u64>();
        let counts = counted
            .into_iter()
            .filter(|&(_, c)| c >= MIN_FORMULA_CLUSTERS)
            .collect();
        FormulaModel::from_counts(k, counts, self.distinct, others)
    }
}

/// A formula template: one masked token run found in several documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaTemplate {
    /// The document of its first occurrence (an example).
    pub doc: u32,
    /// Token range of that occurrence.
    pub tokens: Range<u32>,
    /// Documents it is found in.
    pub docs: usize,
}

/// `P(X ≥ m)` for `X ~ Poisson(λ)`, accurate far into the tail.
pub fn poisson_tail(lambda: f64, m: u32) -> f64 {
    if m == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    if lambda > m as f64 {
        // Not in the tail: 1 minus the head, summed directly.
        let mut term = (-lambda).exp();
        let mut head = 0.0;
        for i in 0..m {
            head += term;
            term *= lambda / (i + 1) as f64;
        }
        return (1.0 - head).clamp(0.0, 1.0);
    }
    // ln of the first tail term, then the terms after it.
    let ln_first = -lambda + m as f64 * lambda.ln() - ln_factorial(m);
    let mut term = 1.0f64;
    let mut sum = 0.0f64;
    let mut i = m;
    while term > 1e-17 * sum.max(1.0) && i < m + 1000 {
        sum += term;
        i += 1;
        term *= lambda / i as f64;
    }
    (ln_first.exp() * sum).clamp(0.0, 1.0)
}

/// `ln(m!)`.
fn ln_factorial(m: u32) -> f64 {
    (2..=m).map(|i| (i as f64).ln()).sum()
}

#[cfg(test)]
mod tests;
