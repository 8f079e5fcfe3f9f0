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
            counts,
            shingles: distinct,
            lambda,
            min_clusters: MIN_FORMULA_CLUSTERS,
        };
        while model.chance(model.min_clusters) > ALPHA && model.min_clusters < u32::MAX {
            model.min_clusters += 1;
        }
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
        self.clusters(h) >= self.min_clusters
    }

    /// Per token of a masked document, the highest [`Self::score`] of the
    /// shingles covering it, replacing `out`.
    pub fn token_scores(&self, masked: &[u64], out: &mut Vec<f32>) {
        out.clear();
        out.resize(masked.len(), 0.0);
        if self.counts.is_empty() {
            return;
        }
        let k = self.k.min(masked.len());
        for (p, h) in shingle::shingle_hashes(masked, self.k).enumerate() {
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

    /// [`Self::token_scores`] of tokens `range` of a document given by its
    /// exact token hashes and classes; shingles reaching outside the range
    /// count (formula is a property of the text around a token).
    pub fn range_scores(
        &self,
        token_hashes: &[u64],
        classes: &[TokenClass],
        range: Range<u32>,
    ) -> Vec<f32> {
        let n = token_hashes.len().min(classes.len());
        let (s, e) = ((range.start as usize).min(n), (range.end as usize).min(n));
        let lo = s.saturating_sub(self.k - 1);
        let hi = (e + self.k - 1).min(n);
        let mut masked = Vec::with_capacity(hi - lo);
        masked_hashes(&token_hashes[lo..hi], &classes[lo..hi], &mut masked);
        let mut scores = Vec::new();
        if hi - lo < self.k && (lo, hi) != (0, n) {
            // Too short a window to hold a shingle of the document.
            return vec![0.0; e - s];
        }
        self.token_scores(&masked, &mut scores);
        scores[s - lo..e - lo].to_vec()
    }

    /// Formula runs of a masked document: token ranges covered by formula
    /// shingles, overlapping and adjacent shingles merged, in text order.
    pub fn formula_ranges(&self, masked: &[u64]) -> Vec<Range<u32>> {
        let mut out: Vec<Range<u32>> = Vec::new();
        let n = masked.len() as u32;
        for (p, h) in shingle::shingle_hashes(masked, self.k).enumerate() {
            if !self.is_formula(h) {
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
mod tests {
    use super::*;
    use crate::evidence::{Classifier, Evidence, EvidenceDoc, MIN_EVIDENCE};
    use crate::text::normalize::NormalizeOptions;
    use crate::text::tokenize::Tokenizer;
    use proptest::prelude::*;

    /// A deterministic stream of made-up Arabic words: unrelated texts.
    struct Words(u64);

    impl Words {
        fn word(&mut self) -> String {
            const LETTERS: &[char] = &[
                'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ع', 'غ',
                'ف', 'ق', 'ك', 'ل', 'م', 'ن',
            ];
            let mut next = || crate::sketch::minhash::splitmix64(&mut self.0);
            let len = 3 + (next() % 4) as usize;
            (0..len)
                .map(|_| LETTERS[(next() % LETTERS.len() as u64) as usize])
                .collect()
        }

        fn text(&mut self, words: usize) -> String {
            (0..words)
                .map(|_| self.word())
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    struct Corpus {
        hashes: Vec<Vec<u64>>,
        classes: Vec<Vec<TokenClass>>,
        masked: Vec<Vec<u64>>,
    }

    fn prepare(texts: &[String]) -> Corpus {
        let opts = NormalizeOptions::default();
        let mut tk = Tokenizer::new(opts);
        let cl = Classifier::new(opts);
        let mut c = Corpus {
            hashes: Vec::new(),
            classes: Vec::new(),
            masked: Vec::new(),
        };
        for t in texts {
            let tokens = tk.tokenize(t);
            let mut h = Vec::new();
            crate::sketch::shingle::token_hashes(&tokens, &mut h);
            let mut cls = Vec::new();
            cl.classes_into(&tokens, &h, &mut cls);
            let mut m = Vec::new();
            masked_hashes(&h, &cls, &mut m);
            c.hashes.push(h);
            c.classes.push(cls);
            c.masked.push(m);
        }
        c
    }

    fn lone(n: usize) -> Vec<u32> {
        (0..n as u32).collect()
    }

    fn dateline(i: usize) -> String {
        format!(
            "الرياض {} شوال {} هـ الموافق {} أغسطس {} م واس",
            1 + i % 29,
            1430 + i % 7,
            1 + (i * 7) % 30,
            2009 + i % 7
        )
    }

    /// Where `needle` starts in `hay`.
    fn find(hay: &[u64], needle: &[u64]) -> usize {
        hay.windows(needle.len())
            .position(|w| w == needle)
            .expect("the needle is in the haystack")
    }

    #[test]
    fn a_template_with_changing_numbers_is_formula() {
        let mut w = Words(1);
        let texts: Vec<String> = (0..300)
            .map(|i| {
                if i % 3 == 0 {
                    format!("{} {} {}", w.text(30), dateline(i), w.text(30))
                } else {
                    w.text(60)
                }
            })
            .collect();
        let c = prepare(&texts);
        let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
        assert!(model.min_clusters() >= MIN_FORMULA_CLUSTERS);
        assert!(!model.is_empty());
        let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
        // Every dateline is formula, whatever its numbers; the text around
        // it is not.
        for d in (0..300).step_by(3) {
            let doc = EvidenceDoc {
                token_hashes: &c.hashes[d],
                masks: &c.classes[d],
            };
            let share = ev.formula_share(doc, 30..41);
            assert_eq!(share, 1.0, "document {d}");
            assert_eq!(ev.weight(doc, 30..41), 0.0);
            let content = c.classes[d][..30].iter().filter(|c| c.is_content()).count();
            assert!(content >= 25);
            assert_eq!(ev.weight(doc, 0..30), content as f64);
        }
        // The templates section names it once, with its documents.
        let t = ev.model.templates(&c.masked, 10);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!((t[0].doc, t[0].tokens.clone(), t[0].docs), (0, 30..41, 100));
    }

    #[test]
    fn a_copied_paragraph_is_evidence_even_with_a_title_in_it() {
        let mut w = Words(2);
        let title = "صاحب السمو الملكي الأمير فلان بن فلان أمير المنطقة";
        let mut texts: Vec<String> = (0..200)
            .map(|i| {
                if i % 4 == 0 {
                    format!("{} {title} {}", w.text(20), w.text(20))
                } else {
                    w.text(50)
                }
            })
            .collect();
        // Two unrelated articles share a paragraph that holds the title.
        let paragraph = format!("{} {title} {}", w.text(15), w.text(15));
        texts[1] = format!("{} {paragraph} {}", w.text(20), w.text(20));
        texts[2] = format!("{} {paragraph} {}", w.text(25), w.text(10));
        let c = prepare(&texts);
        let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
        let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
        let p = prepare(std::slice::from_ref(&paragraph));
        let t = prepare(&[title.to_string()]);
        for d in [1, 2] {
            let at = find(&c.hashes[d], &p.hashes[0]) as u32;
            let doc = EvidenceDoc {
                token_hashes: &c.hashes[d],
                masks: &c.classes[d],
            };
            let range = at..at + p.hashes[0].len() as u32;
            let wgt = ev.weight(doc, range.clone());
            // The 30 fresh words count, the title (formula) does not.
            assert!((29.0..=31.0).contains(&wgt), "{wgt}");
            assert!(wgt >= MIN_EVIDENCE);
            let tat = find(&c.hashes[d], &t.hashes[0]) as u32;
            let tr = tat..tat + t.hashes[0].len() as u32;
            assert_eq!(ev.formula_share(doc, tr), 1.0);
        }
    }

    #[test]
    fn a_formula_shared_by_two_documents_only_is_not_formula_but_weighs_little() {
        let mut w = Words(3);
        let mut texts: Vec<String> = (0..100).map(|_| w.text(50)).collect();
        texts[10] = format!("{} {} {}", w.text(20), dateline(1), w.text(20));
        texts[20] = format!("{} {} {}", w.text(20), dateline(2), w.text(20));
        let c = prepare(&texts);
        let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
        assert!(model.is_empty(), "nothing recurs in three documents");
        let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
        for d in [10, 20] {
            let doc = EvidenceDoc {
                token_hashes: &c.hashes[d],
                masks: &c.classes[d],
            };
            assert_eq!(ev.formula_share(doc, 20..31), 0.0);
            let wgt = ev.weight(doc, 20..31);
            assert!(wgt < MIN_EVIDENCE, "{wgt}");
        }
    }

    #[test]
    fn copies_of_one_story_count_once() {
        let mut w = Words(4);
        let story = w.text(40);
        let texts: Vec<String> = (0..100)
            .map(|i| if i < 10 { story.clone() } else { w.text(40) })
            .collect();
        let c = prepare(&texts);
        let clusters: Vec<u32> = (0..100).map(|i| if i < 10 { 0 } else { i }).collect();
        assert!(FormulaModel::learn(&c.masked, &clusters, 5).is_empty());
        // Counted as ten unrelated documents, the story would be formula.
        assert!(!FormulaModel::learn(&c.masked, &lone(100), 5).is_empty());
    }

    #[test]
    fn a_chain_of_bulletins_is_not_one_copy() {
        // Documents 0..12 share a template; each is a near-duplicate of the
        // next (one cluster), none of the others.
        let mut w = Words(5);
        let texts: Vec<String> = (0..100)
            .map(|i| {
                if i < 12 {
                    format!("{} {} {}", w.text(20), dateline(i), w.text(20))
                } else {
                    w.text(40)
                }
            })
            .collect();
        let c = prepare(&texts);
        let clusters: Vec<u32> = (0..100).map(|i| if i < 12 { 0 } else { i }).collect();
        let sets: Vec<Vec<u64>> = c
            .masked
            .iter()
            .map(|m| shingle::shingle_hashes(m, 5).collect())
            .collect();
        let gathered = |sets: &[Vec<u64>]| {
            let mut postings: Vec<(u64, u32)> = sets
                .iter()
                .enumerate()
                .flat_map(|(d, s)| s.iter().map(move |&h| (h, d as u32)))
                .collect();
            postings.sort_unstable();
            postings.dedup();
            let mut g = FormulaPostings::default();
            for run in postings.chunk_by(|x, y| x.0 == y.0) {
                g.add_run(run[0].0, run.iter().map(|x| x.1));
            }
            g
        };
        let one = gathered(&sets).model(5, |d| clusters[d as usize]);
        assert!(one.is_empty(), "one cluster counts once");
        let chain =
            gathered(&sets).model_with_copies(5, |d| clusters[d as usize], |a, b| b == a + 1);
        assert!(!chain.is_empty(), "a chain is not one copy");
        let h = shingle::shingle_hashes(&c.masked[0][20..31], 5)
            .next()
            .unwrap();
        assert_eq!(chain.clusters(h), 6);
    }

    #[test]
    fn the_bar_grows_with_the_corpus() {
        let model = |s: u64| FormulaModel::from_counts(5, AHashMap::new(), s, s / 20);
        let (small, mid, large) = (model(2_000), model(3_500_000), model(1_000_000_000));
        assert!(small.min_clusters() >= MIN_FORMULA_CLUSTERS);
        assert!(small.min_clusters() < mid.min_clusters());
        assert!(mid.min_clusters() < large.min_clusters());
        assert_eq!(mid.min_clusters(), 6);
        // Scores rise with the cluster count.
        let s: Vec<f32> = (0..10).map(|c| mid.score(c)).collect();
        assert!(s.windows(2).all(|w| w[0] <= w[1]), "{s:?}");
        assert_eq!((s[2], s[6]), (0.0, 1.0));
    }

    #[test]
    fn poisson_tail_matches_direct_sums() {
        for &lambda in &[0.01, 0.05, 0.3, 1.0, 4.0, 20.0] {
            for m in 0..30u32 {
                let direct: f64 = (m..200)
                    .map(|i| (-lambda + i as f64 * f64::ln(lambda) - ln_factorial(i)).exp())
                    .sum();
                let got = poisson_tail(lambda, m);
                assert!(
                    (got - direct).abs() <= 1e-9 * direct.max(1e-300) + 1e-12,
                    "λ {lambda} m {m}: {got} vs {direct}"
                );
            }
        }
        assert_eq!(poisson_tail(0.0, 1), 0.0);
    }

    fn brute(masked: &[Vec<u64>], clusters: &[u32], k: usize) -> (AHashMap<u64, u32>, u64, u64) {
        let mut sets: std::collections::BTreeMap<u64, std::collections::BTreeSet<u32>> =
            Default::default();
        for (d, doc) in masked.iter().enumerate() {
            for h in shingle::shingle_hashes(doc, k) {
                sets.entry(h).or_default().insert(clusters[d]);
            }
        }
        let distinct = sets.len() as u64;
        let others = sets.values().map(|s| s.len() as u64 - 1).sum();
        let counts = sets
            .into_iter()
            .filter(|(_, s)| s.len() as u32 >= MIN_FORMULA_CLUSTERS)
            .map(|(h, s)| (h, s.len() as u32))
            .collect();
        (counts, distinct, others)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        /// The model counts clusters exactly, whatever the thread count, and
        /// weights never exceed the content words.
        #[test]
        fn learn_counts_clusters_exactly(
            docs in prop::collection::vec(prop::collection::vec(0u64..4, 0..30), 0..14),
            k in 1usize..4,
            ncl in 1u32..6,
        ) {
            let clusters: Vec<u32> = (0..docs.len() as u32).map(|d| d % (ncl + 7)).collect();
            let (counts, distinct, others) = brute(&docs, &clusters, k);
            let want = FormulaModel::from_counts(k, counts.clone(), distinct, others);
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let got = pool.install(|| FormulaModel::learn(&docs, &clusters, k));
                prop_assert_eq!(&got.counts, &counts);
                prop_assert_eq!(got.min_clusters(), want.min_clusters());
                prop_assert_eq!(got.distinct_shingles(), distinct);
                for doc in &docs {
                    let mut s = Vec::new();
                    got.token_scores(doc, &mut s);
                    prop_assert!(s.iter().all(|x| (0.0..=1.0).contains(x)));
                    let classes = vec![TokenClass::Content; doc.len()];
                    let wgt = super::super::weight(&classes, &s);
                    prop_assert!(wgt >= 0.0 && wgt <= doc.len() as f64 + 1e-9);
                }
            }
        }
    }
}
