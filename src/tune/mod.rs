//! `athar tune`: help choose thresholds from the user's own data.
//!
//! [`tune`] takes a corpus, the [`Config`] in force and optionally labelled
//! pairs ([`parse_labels`]) and returns a [`TuneReport`]:
//!
//! - the distribution of exact Jaccard and max-containment over every pair of
//!   documents that shares at least one shingle (shingles found in more than
//!   `max_bucket` documents pair nobody, as in the pipeline);
//! - the LSH S-curve of the banding in force ([`lsh::probability`]) and the
//!   expected share of the corpus's pairs at or above the thresholds that LSH
//!   alone would miss, and that the pipeline misses once its shingle-postings
//!   candidates are added;
//! - documents too short for a reliable similarity ([`short_limit`]);
//! - with labels: precision, recall and F1 per threshold, for Jaccard alone,
//!   containment alone and the rule `athar report` applies (Jaccard ≥ t or
//!   containment ≥ c), and the thresholds with the best F1.
//!
//! Thresholds are compared with exact integer arithmetic on shingle counts
//! (`100·|A∩B| ≥ i·|A∪B|` for threshold `i/100`), so a pair exactly at a bin
//! or threshold boundary always lands on the same side.
//!
//! [`crate::report::tune`] writes the report. The module is pure: no file or
//! terminal access.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, Document};
use crate::error::{Error, Result};
use crate::pipeline::{Config, Progress};
use crate::sketch::lsh;
use crate::sketch::shingle;
use crate::text::tokenize::{Tokenizer, Tokens};
use crate::verify::Similarity;

mod labels;

use labels::evaluate;
pub use labels::{Label, parse_labels};

/// Histogram bins per unit of similarity (bins of 0.05).
pub const BINS: usize = 20;

/// Threshold steps per unit in the precision/recall sweeps (steps of 0.01).
pub const STEPS: usize = 100;

/// S-curve points: Jaccard 0.30, 0.35 … 0.95 (in twentieths).
const CURVE_FROM: usize = 6;
const CURVE_TO: usize = 19;

/// Documents handled per parallel task; fixed so results do not depend on
/// the number of threads.
const CHUNK: usize = 64;

/// A document is *short* when it has fewer distinct shingles than this
/// (`2·k`: 10 with the default 5-word shingles).
///
/// One changed word alters up to `k` shingles. In a document of `n`
/// shingles, a copy with a single word replaced has Jaccard `(n−k)/(n+k)`:
/// for `n < 2k` that is below 1/3, so one edit moves an otherwise identical
/// copy across any sensible threshold, and a few common 5-word phrases are
/// enough to make two unrelated short texts look alike. The similarities of
/// such documents say little, so they are listed for the user to check (or
/// drop) rather than used to choose a threshold.
pub fn short_limit(shingle_size: usize) -> usize {
    2 * shingle_size.max(1)
}

/// What `athar tune` found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TuneReport {
    /// Program name and version.
    pub tool: String,
    /// The parameters in force.
    pub params: TuneParams,
    /// Documents analysed.
    pub documents: usize,
    /// Document pairs sharing at least one shingle (the pairs of the histograms).
    pub pairs: u64,
    /// Shingles found in more than `max_bucket` documents (they pair nobody).
    pub crowded_shingles: usize,
    /// Exact Jaccard of the pairs.
    pub jaccard: Histogram,
    /// Exact max containment (share of the smaller document found in the other).
    pub containment: Histogram,
    /// The LSH S-curve and the pairs it would miss.
    pub lsh: LshCurve,
    /// Documents too short for a reliable similarity.
    pub short_documents: ShortDocuments,
    /// Precision and recall on labelled pairs, when labels were given.
    pub labels: Option<LabelReport>,
    /// What to do, in a sentence or two.
    pub advice: Vec<String>,
}

/// The parameters a tune run used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TuneParams {
    /// Normalization id.
    pub normalize: String,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash values per signature.
    pub num_perm: usize,
    /// Jaccard threshold in force.
    pub threshold: f64,
    /// Containment threshold in force.
    pub containment: f64,
    /// Largest shingle posting (and LSH bucket) expanded into pairs.
    pub max_bucket: usize,
    /// Shingles two documents must share (through postings of at most
    /// `max_bucket` documents) to be paired without LSH, as the pipeline does.
    pub min_shared: usize,
}

/// Counts of pairs per similarity bin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Width of a bin.
    pub bin_width: f64,
    /// Bins from 0 up; bin `i` is `[i·w, (i+1)·w)`, the last one includes 1.
    pub bins: Vec<Bin>,
}

/// One histogram bin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// Lower bound (included).
    pub lo: f64,
    /// Upper bound (excluded, except 1 for the last bin).
    pub hi: f64,
    /// Pairs in the bin.
    pub count: u64,
    /// Pairs in this bin or above (similarity ≥ `lo`).
    pub at_least: u64,
}

impl Histogram {
    fn new(counts: &[u64]) -> Histogram {
        let w = 1.0 / counts.len() as f64;
        let mut at_least = 0;
        let mut bins: Vec<Bin> = counts
            .iter()
            .enumerate()
            .rev()
            .map(|(i, &count)| {
                at_least += count;
                Bin {
                    lo: round(i as f64 * w),
                    hi: round((i + 1) as f64 * w),
                    count,
                    at_least,
                }
            })
            .collect();
        bins.reverse();
        Histogram {
            bin_width: round(w),
            bins,
        }
    }

    /// Total pairs counted.
    pub fn total(&self) -> u64 {
        self.bins.iter().map(|b| b.count).sum()
    }
}

/// The LSH S-curve for the banding in force and what it misses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LshCurve {
    /// Bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// Where the curve is steepest, `(1/bands)^(1/rows)`.
    pub steepest_at: f64,
    /// Probability of becoming a candidate at Jaccard 0.30, 0.35 … 0.95.
    pub curve: Vec<CurvePoint>,
    /// Probability at the Jaccard threshold in force.
    pub at_threshold: f64,
    /// Pairs with Jaccard at or above the threshold.
    pub near_duplicates: Missed,
    /// Pairs below the Jaccard threshold with max containment at or above
    /// the containment threshold (kept by `athar report` as "contained").
    pub contained: Missed,
}

/// One point of the S-curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Jaccard similarity.
    pub jaccard: f64,
    /// Probability of becoming an LSH candidate.
    pub probability: f64,
}

/// Expected misses over a set of pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    /// Pairs in the set.
    pub pairs: u64,
    /// Mean of `1 − P(J)` over the pairs: the expected share LSH alone misses.
    pub lsh_missed: f64,
    /// Expected share missed by the pipeline, which also pairs documents
    /// sharing at least `min_shared` shingles whatever LSH says.
    pub pipeline_missed: f64,
}

/// Documents too short for a reliable similarity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShortDocuments {
    /// A document with fewer distinct shingles than this is short ([`short_limit`]).
    pub min_shingles: usize,
    /// Ids of the short documents, in input order.
    pub ids: Vec<String>,
}

/// Evaluation against labelled pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelReport {
    /// Labelled pairs evaluated (both ids known).
    pub pairs: usize,
    /// Of which labelled reuse (1).
    pub positives: usize,
    /// Of which labelled not reuse (0).
    pub negatives: usize,
    /// Labelled pairs that share no shingle (similarity 0).
    pub sharing_nothing: usize,
    /// Ids in the labels found nowhere in the input (sorted); their pairs are skipped.
    pub unknown_ids: Vec<String>,
    /// Ids in the labels of documents the reader skipped (empty, bad
    /// encoding…; sorted); their pairs are skipped.
    pub not_analysed_ids: Vec<String>,
    /// Pairs skipped because of unknown or not analysed ids.
    pub skipped_pairs: usize,
    /// Jaccard ≥ t, for t = 0.01 … 1.00.
    pub jaccard: Sweep,
    /// Max containment ≥ t, for t = 0.01 … 1.00.
    pub containment: Sweep,
    /// The best pair of thresholds under the rule of `athar report`
    /// (Jaccard ≥ t or containment ≥ c).
    pub combined: Combined,
    /// The rule of `athar report` with the thresholds in force.
    pub current: Score,
}

/// Precision, recall and F1 of one threshold (or pair of thresholds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Jaccard threshold (in a containment sweep: the containment threshold).
    pub threshold: f64,
    /// Containment threshold, for the combined rule.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub containment: Option<f64>,
    /// Label-1 pairs kept.
    pub true_positives: usize,
    /// Label-0 pairs kept.
    pub false_positives: usize,
    /// Label-1 pairs not kept.
    pub false_negatives: usize,
    /// `tp / (tp + fp)`; 1 when nothing is kept.
    pub precision: f64,
    /// `tp / (tp + fn)`; 1 when there are no label-1 pairs.
    pub recall: f64,
    /// `2tp / (2tp + fp + fn)`; 0 when `tp = 0`.
    pub f1: f64,
}

/// A precision/recall sweep over one threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// One score per threshold 0.01 … 1.00.
    pub scores: Vec<Score>,
    /// The score with the highest F1 (ties: the higher threshold).
    pub best: Score,
    /// Lowest threshold from which every threshold up to `best` reaches the
    /// best F1 (the plateau the recommendation sits on).
    pub best_from: f64,
}

/// The best pair of thresholds under the combined rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Combined {
    /// The best score on the grid 0.01 … 1.00 × 0.01 … 1.00. Ties: the
    /// Jaccard threshold nearest the best of Jaccard alone (it decides what
    /// `athar report` calls a near-duplicate), then the higher containment,
    /// then the higher Jaccard.
    pub best: Score,
}

/// Counts of one score, compared exactly.
#[derive(Clone, Copy, Debug)]
struct Counts {
    tp: usize,
    fp: usize,
    fnn: usize,
}

impl Counts {
    /// F1 as the exact fraction `2tp / (2tp + fp + fn)`.
    fn f1_frac(self) -> (u128, u128) {
        let num = 2 * self.tp as u128;
        (num, num + self.fp as u128 + self.fnn as u128)
    }

    /// True when `self` has a strictly higher F1 than `other`.
    fn beats(self, other: Counts) -> bool {
        let (a, b) = self.f1_frac();
        let (c, d) = other.f1_frac();
        // a/b > c/d, with 0/0 taken as 0.
        let (b, d) = (b.max(1), d.max(1));
        a * d > c * b
    }

    fn same_f1(self, other: Counts) -> bool {
        !self.beats(other) && !other.beats(self)
    }

    fn score(self, threshold: f64, containment: Option<f64>) -> Score {
        let ratio = |n: usize, d: usize, empty: f64| {
            if d == 0 {
                empty
            } else {
                round(n as f64 / d as f64)
            }
        };
        Score {
            threshold: round(threshold),
            containment: containment.map(round),
            true_positives: self.tp,
            false_positives: self.fp,
            false_negatives: self.fnn,
            precision: ratio(self.tp, self.tp + self.fp, 1.0),
            recall: ratio(self.tp, self.tp + self.fnn, 1.0),
            f1: ratio(2 * self.tp, 2 * self.tp + self.fp + self.fnn, 0.0),
        }
    }
}

/// Per-document first pass.
struct DocSets {
    sets: Vec<Vec<u64>>,
}

/// Sums over a chunk of documents.
#[derive(Clone, Debug, Default)]
struct Acc {
    pairs: u64,
    jaccard: [u64; BINS],
    containment: [u64; BINS],
    near: MissAcc,
    contained: MissAcc,
}

#[derive(Clone, Copy, Debug, Default)]
struct MissAcc {
    pairs: u64,
    lsh: f64,
    pipeline: f64,
}

impl MissAcc {
    fn add(&mut self, p: f64, postings_candidate: bool) {
        self.pairs += 1;
        self.lsh += 1.0 - p;
        if !postings_candidate {
            self.pipeline += 1.0 - p;
        }
    }

    fn merge(&mut self, o: &MissAcc) {
        self.pairs += o.pairs;
        self.lsh += o.lsh;
        self.pipeline += o.pipeline;
    }

    fn finish(&self) -> Missed {
        let share = |x: f64| {
            if self.pairs == 0 {
                0.0
            } else {
                round6(x / self.pairs as f64)
            }
        };
        Missed {
            pairs: self.pairs,
            lsh_missed: share(self.lsh),
            pipeline_missed: share(self.pipeline),
        }
    }
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.pairs += o.pairs;
        for i in 0..BINS {
            self.jaccard[i] += o.jaccard[i];
            self.containment[i] += o.containment[i];
        }
        self.near.merge(&o.near);
        self.contained.merge(&o.contained);
    }
}

/// Index `⌊bins · n / d⌋` of the bin of the ratio `n/d ∈ [0, 1]` (exact).
fn bin_of(n: usize, d: usize, bins: usize) -> usize {
    if d == 0 {
        return 0;
    }
    ((bins * n) / d).min(bins - 1)
}

/// Largest `i ≤ STEPS` with `n/d ≥ i/STEPS` (exact): the highest grid
/// threshold a pair passes (0: passes none).
fn step_of(n: usize, d: usize) -> usize {
    if d == 0 || n == 0 {
        return 0;
    }
    ((STEPS * n) / d).min(STEPS)
}

/// The exact test `n/d ≥ t` for a threshold in `[0, 1]` given as an f64,
/// robust for thresholds on the 0.01 grid.
fn at_least(n: usize, d: usize, t: f64) -> bool {
    if d == 0 {
        return false;
    }
    let scaled = (t * 1e6).round() as u128;
    n as u128 * 1_000_000 >= scaled * d as u128
}

/// Runs the tuning analysis. `labels` come from [`parse_labels`]; `config` is
/// checked first ([`Config::validate`]).
pub fn tune(
    corpus: &Corpus,
    config: &Config,
    labels: Option<&[Label]>,
    progress: &dyn Progress,
) -> Result<TuneReport> {
    config.validate()?;
    let docs = &corpus.documents;
    if docs.is_empty() {
        return Err(Error::NothingToAnalyse {
            read: corpus.skipped.len(),
        });
    }
    let k = config.shingle_size;
    let lsh_params = config.lsh_params(config.threshold)?;
    let data = shingle_sets(docs, config, progress);
    let runs = Runs::new(&data, config.max_bucket);
    let acc = pair_stats(&data, &runs, config, lsh_params, progress);
    let limit = short_limit(k);
    let short_documents = ShortDocuments {
        min_shingles: limit,
        ids: docs
            .iter()
            .zip(&data.sets)
            .filter(|(_, s)| s.len() < limit)
            .map(|(d, _)| d.id.clone())
            .collect(),
    };
    let lsh_curve = lsh_curve(lsh_params, config.threshold, &acc);
    let labels = labels.map(|l| evaluate(corpus, &data, l, config));
    let params = TuneParams {
        normalize: config.normalize.id(),
        shingle_size: k,
        num_perm: config.num_perm,
        threshold: config.threshold,
        containment: config.containment,
        max_bucket: config.max_bucket,
        min_shared: config.min_shared(),
    };
    let mut report = TuneReport {
        tool: format!("athar {}", env!("CARGO_PKG_VERSION")),
        params,
        documents: docs.len(),
        pairs: acc.pairs,
        crowded_shingles: runs.crowded_shingles,
        jaccard: Histogram::new(&acc.jaccard),
        containment: Histogram::new(&acc.containment),
        lsh: lsh_curve,
        short_documents,
        labels,
        advice: Vec::new(),
    };
    report.advice = advice(&report);
    Ok(report)
}

/// Stage 1: the shingle set of every document.
fn shingle_sets(docs: &[Document], config: &Config, progress: &dyn Progress) -> DocSets {
    let k = config.shingle_size;
    progress.start("shingling", docs.len() as u64);
    let sets: Vec<Vec<u64>> = docs
        .par_iter()
        .map_init(
            || {
                (
                    Tokenizer::new(config.normalize),
                    Tokens::default(),
                    Vec::new(),
                )
            },
            |(tokenizer, tokens, hashes), doc| {
                tokenizer.tokenize_into(&doc.text, tokens);
                shingle::token_hashes(tokens, hashes);
                let mut set = Vec::new();
                shingle::shingle_set_into(hashes, k, &mut set);
                progress.advance(1);
                set
            },
        )
        .collect();
    progress.finish();
    DocSets { sets }
}

/// Stage 2: every `(shingle, document)` posting, sorted, and the runs of
/// 2..=`max_bucket` documents that pair them.
struct Runs {
    postings: Vec<(u64, u32)>,
    /// `(hash, start, end)` of each run that pairs documents.
    runs: Vec<(u64, usize, usize)>,
    /// Shingles in more than `max_bucket` documents (pairing nobody).
    crowded_shingles: usize,
}

impl Runs {
    fn new(data: &DocSets, max_bucket: usize) -> Runs {
        let mut postings: Vec<(u64, u32)> = data
            .sets
            .par_iter()
            .enumerate()
            .flat_map_iter(|(d, s)| s.iter().map(move |&h| (h, d as u32)))
            .collect();
        postings.par_sort_unstable();
        let mut crowded_shingles = 0;
        let mut runs: Vec<(u64, usize, usize)> = Vec::new();
        let mut start = 0;
        for run in postings.chunk_by(|x, y| x.0 == y.0) {
            let end = start + run.len();
            if run.len() > max_bucket {
                crowded_shingles += 1;
            } else if run.len() >= 2 {
                runs.push((run[0].0, start, end));
            }
            start = end;
        }
        Runs {
            postings,
            runs,
            crowded_shingles,
        }
    }

    /// Appends to `out` the documents after `a` that share shingle `h` with it.
    fn neighbours_after(&self, h: u64, a: usize, out: &mut Vec<u32>) {
        let r = self.runs.partition_point(|x| x.0 < h);
        if let Some(&(rh, s, e)) = self.runs.get(r) {
            if rh == h {
                out.extend(
                    self.postings[s..e]
                        .iter()
                        .map(|p| p.1)
                        .filter(|&b| b as usize > a),
                );
            }
        }
    }
}

/// Stage 3: every pair sharing a shingle, from the side of its first
/// document; histograms and what LSH and the pipeline would miss.
fn pair_stats(
    data: &DocSets,
    runs: &Runs,
    config: &Config,
    lsh_params: lsh::LshParams,
    progress: &dyn Progress,
) -> Acc {
    // As in the pipeline: pairs sharing this many shingles are candidates
    // whatever LSH says.
    let min_shared = config.min_shared();
    let thresholds = config.thresholds();
    let n = data.sets.len();
    progress.start("pairing", n as u64);
    let chunks: Vec<Acc> = (0..n)
        .collect::<Vec<usize>>()
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut acc = Acc::default();
            let mut neighbours: Vec<u32> = Vec::new();
            for &a in chunk {
                neighbours.clear();
                for &h in &data.sets[a] {
                    runs.neighbours_after(h, a, &mut neighbours);
                }
                neighbours.sort_unstable();
                for same in neighbours.chunk_by(|x, y| x == y) {
                    let b = same[0] as usize;
                    let sim = Similarity::from_counts(
                        crate::verify::intersection_size(&data.sets[a], &data.sets[b]),
                        data.sets[a].len(),
                        data.sets[b].len(),
                    );
                    acc.pairs += 1;
                    let union = sim.size_a + sim.size_b - sim.intersection;
                    let small = sim.size_a.min(sim.size_b);
                    acc.jaccard[bin_of(sim.intersection, union, BINS)] += 1;
                    acc.containment[bin_of(sim.intersection, small, BINS)] += 1;
                    let p = lsh::probability(sim.jaccard, lsh_params);
                    let by_postings = crate::candidates::worth_verifying(
                        same.len(),
                        sim.size_a,
                        sim.size_b,
                        min_shared,
                        &thresholds,
                    );
                    if at_least(sim.intersection, union, config.threshold) {
                        acc.near.add(p, by_postings);
                    } else if at_least(sim.intersection, small, config.containment) {
                        acc.contained.add(p, by_postings);
                    }
                }
                progress.advance(1);
            }
            acc
        })
        .collect();
    progress.finish();
    let mut acc = Acc::default();
    for c in &chunks {
        acc.merge(c);
    }
    acc
}

/// Stage 4: the S-curve of the banding in force, and the pairs it would miss.
fn lsh_curve(lsh_params: lsh::LshParams, threshold: f64, acc: &Acc) -> LshCurve {
    let curve = (CURVE_FROM..=CURVE_TO)
        .map(|i| {
            let j = i as f64 / BINS as f64;
            CurvePoint {
                jaccard: round(j),
                probability: round6(lsh::probability(j, lsh_params)),
            }
        })
        .collect();
    LshCurve {
        bands: lsh_params.bands,
        rows: lsh_params.rows,
        steepest_at: round(lsh_params.approx_threshold()),
        curve,
        at_threshold: round6(lsh::probability(threshold, lsh_params)),
        near_duplicates: acc.near.finish(),
        contained: acc.contained.finish(),
    }
}

/// One or two sentences on what to do.
fn advice(r: &TuneReport) -> Vec<String> {
    let p = &r.params;
    let mut out = Vec::new();
    match &r.labels {
        Some(l) if l.positives > 0 && l.negatives > 0 => {
            let b = &l.combined.best;
            out.push(format!(
                "With these labels, --threshold {:.2} --containment {:.2} gives F1 {:.3} \
                 (precision {:.3}, recall {:.3}); the thresholds in force give F1 {:.3}.",
                b.threshold,
                b.containment.unwrap_or(1.0),
                b.f1,
                b.precision,
                b.recall,
                l.current.f1
            ));
            out.push(format!(
                "On its own, Jaccard is best at --threshold {:.2} (F1 {:.3}), containment at \
                 --containment {:.2} (F1 {:.3}).",
                l.jaccard.best.threshold,
                l.jaccard.best.f1,
                l.containment.best.threshold,
                l.containment.best.f1
            ));
        }
        Some(l) => out.push(format!(
            "The labels hold {} reuse and {} non-reuse pair(s) known to the corpus: label \
             both kinds to get a recommendation.",
            l.positives, l.negatives
        )),
        None => {
            let (n, c) = (&r.lsh.near_duplicates, &r.lsh.contained);
            out.push(format!(
                "At --threshold {:.2} --containment {:.2}, athar report would keep about {} pair(s) \
                 as near-duplicates and {} more as contained.",
                p.threshold, p.containment, n.pairs, c.pairs
            ));
            out.push(
                "To choose from your own judgement, label some pairs on both sides of these \
                 values (id_a<TAB>id_b<TAB>1|0) and rerun with --labels FILE."
                    .to_string(),
            );
        }
    }
    let n = &r.lsh.near_duplicates;
    if n.pairs > 0 && n.pipeline_missed >= 0.01 {
        out.push(format!(
            "athar is expected to miss {:.1}% of the near-duplicate pairs: raise --num-perm or \
             lower --rows.",
            100.0 * n.pipeline_missed
        ));
    }
    out
}

/// Rounds to 4 decimals (stable output).
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Rounds to 6 decimals (small probabilities).
fn round6(x: f64) -> f64 {
    (x * 1_000_000.0).round() / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_steps_are_exact_at_boundaries() {
        // 3/20 = 0.15 exactly: bin 3 (a float product could give 2.999…).
        assert_eq!(bin_of(3, 20, BINS), 3);
        assert_eq!(bin_of(20, 20, BINS), BINS - 1);
        assert_eq!(bin_of(0, 7, BINS), 0);
        assert_eq!(step_of(7, 100), 7);
        assert_eq!(step_of(1, 3), 33);
        assert_eq!(step_of(0, 3), 0);
        assert!(at_least(7, 100, 0.07));
        assert!(!at_least(6, 100, 0.07));
        assert!(at_least(1, 2, 0.5) && !at_least(0, 0, 0.0));
    }

    #[test]
    fn f1_comparison_is_exact() {
        let c = |tp, fp, fnn| Counts { tp, fp, fnn };
        // 2·2/(4+1+1) = 2/3 = 2·4/(8+2+2).
        assert!(c(2, 1, 1).same_f1(c(4, 2, 2)));
        assert!(c(3, 0, 1).beats(c(3, 1, 1)));
        assert!(!c(0, 0, 3).beats(c(0, 5, 3)));
        let s = c(3, 1, 0).score(0.5, None);
        assert_eq!((s.precision, s.recall, s.f1), (0.75, 1.0, round(6.0 / 7.0)));
    }
}
