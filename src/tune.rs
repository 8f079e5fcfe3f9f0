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
//! [`render_text`] and [`render_json`] write the report. The module is pure:
//! no file or terminal access.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::pipeline::{self, Config, Progress};
use crate::sketch::lsh::{self, LshParams};
use crate::sketch::shingle;
use crate::text::tokenize::{Tokenizer, Tokens};
use crate::verify::Similarity;

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

/// One labelled pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Id of the first document.
    pub a: String,
    /// Id of the second document.
    pub b: String,
    /// True for reuse (label 1), false for not (label 0).
    pub reuse: bool,
    /// 1-based line of the labels file.
    pub line: usize,
}

/// Parses labelled pairs: one `id_a<TAB>id_b<TAB>label` a line, label `1`
/// (reuse) or `0` (not). Further columns are ignored. Blank lines and lines
/// starting with `#` are skipped; the first line is a header when its label
/// column is not a number. `path` names the file in errors.
///
/// Errors ([`Error::BadInput`], with the line) on a line with fewer than
/// three columns, an empty id, a label other than 0 or 1, a document paired
/// with itself, and a pair labelled both 0 and 1. A pair listed twice with
/// the same label counts once.
pub fn parse_labels(text: &str, path: &Path) -> Result<Vec<Label>> {
    let bad = |line: usize, message: String| Error::BadInput {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut out: Vec<Label> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut first = true;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        let raw = if line == 1 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let header = std::mem::replace(&mut first, false);
        let cols: Vec<&str> = raw.split('\t').map(str::trim).collect();
        if cols.len() < 3 {
            return Err(bad(
                line,
                format!(
                    "expected id_a<TAB>id_b<TAB>label, found {} column(s): {:?}",
                    cols.len(),
                    clip(raw)
                ),
            ));
        }
        let reuse = match cols[2] {
            "1" => true,
            "0" => false,
            other if header && other.parse::<f64>().is_err() => continue,
            other => {
                return Err(bad(
                    line,
                    format!(
                        "label must be 1 (reuse) or 0 (not), found {:?}",
                        clip(other)
                    ),
                ));
            }
        };
        let (a, b) = (cols[0], cols[1]);
        if a.is_empty() || b.is_empty() {
            return Err(bad(line, "empty document id".into()));
        }
        if a == b {
            return Err(bad(line, format!("document {a:?} is paired with itself")));
        }
        let key = if a < b { (a, b) } else { (b, a) };
        let key = (key.0.to_string(), key.1.to_string());
        if let Some(&j) = seen.get(&key) {
            if out[j].reuse != reuse {
                return Err(bad(
                    line,
                    format!(
                        "pair {a} – {b} is labelled {} here and {} on line {}",
                        u8::from(reuse),
                        u8::from(out[j].reuse),
                        out[j].line
                    ),
                ));
            }
            continue;
        }
        seen.insert(key, out.len());
        out.push(Label {
            a: a.to_string(),
            b: b.to_string(),
            reuse,
            line,
        });
    }
    Ok(out)
}

/// At most 60 characters of `s`, for error messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
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

/// Runs the tuning analysis. `labels` come from [`parse_labels`].
pub fn tune(
    corpus: &Corpus,
    config: &Config,
    labels: Option<&[Label]>,
    progress: &dyn Progress,
) -> Result<TuneReport> {
    let docs = &corpus.documents;
    if docs.is_empty() {
        return Err(Error::NothingToAnalyse {
            read: corpus.skipped.len(),
        });
    }
    if config.max_bucket < 2 {
        return Err(Error::InvalidParameter(
            "max_bucket must be at least 2".into(),
        ));
    }
    let k = config.shingle_size;
    let lsh_params = match config.bands_rows {
        Some((bands, rows)) => LshParams { bands, rows },
        None => pipeline::lsh_params_for(config.threshold, config.num_perm)?,
    };
    lsh_params.validate(config.num_perm)?;
    // As in the pipeline: pairs sharing this many shingles are candidates
    // whatever LSH says.
    let min_shared = config.min_shared();

    // 1. Shingle sets.
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
    let data = DocSets { sets };

    // 2. Postings runs of 2..=max_bucket documents.
    let mut postings: Vec<(u64, u32)> = data
        .sets
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, s)| s.iter().map(move |&h| (h, d as u32)))
        .collect();
    postings.par_sort_unstable();
    let mut crowded_shingles = 0;
    // (hash, start, end) of each run that pairs documents.
    let mut runs: Vec<(u64, usize, usize)> = Vec::new();
    let mut start = 0;
    for run in postings.chunk_by(|x, y| x.0 == y.0) {
        let end = start + run.len();
        if run.len() > config.max_bucket {
            crowded_shingles += 1;
        } else if run.len() >= 2 {
            runs.push((run[0].0, start, end));
        }
        start = end;
    }

    // 3. Every pair sharing a shingle, from the side of its first document.
    progress.start("pairing", docs.len() as u64);
    let chunks: Vec<Acc> = (0..docs.len())
        .collect::<Vec<usize>>()
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut acc = Acc::default();
            let mut neighbours: Vec<u32> = Vec::new();
            for &a in chunk {
                neighbours.clear();
                for h in &data.sets[a] {
                    let r = runs.partition_point(|x| x.0 < *h);
                    if let Some(&(rh, s, e)) = runs.get(r) {
                        if rh == *h {
                            neighbours.extend(
                                postings[s..e]
                                    .iter()
                                    .map(|p| p.1)
                                    .filter(|&b| b as usize > a),
                            );
                        }
                    }
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
                    let by_postings = same.len() >= min_shared;
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

    let curve = (CURVE_FROM..=CURVE_TO)
        .map(|i| {
            let j = i as f64 / BINS as f64;
            CurvePoint {
                jaccard: round(j),
                probability: round6(lsh::probability(j, lsh_params)),
            }
        })
        .collect();
    let lsh_curve = LshCurve {
        bands: lsh_params.bands,
        rows: lsh_params.rows,
        steepest_at: round(lsh_params.approx_threshold()),
        curve,
        at_threshold: round6(lsh::probability(config.threshold, lsh_params)),
        near_duplicates: acc.near.finish(),
        contained: acc.contained.finish(),
    };

    let labels = labels.map(|l| evaluate(corpus, &data, l, config));
    let params = TuneParams {
        normalize: config.normalize.id(),
        shingle_size: k,
        num_perm: config.num_perm,
        threshold: config.threshold,
        containment: config.containment,
        max_bucket: config.max_bucket,
        min_shared,
    };
    let mut report = TuneReport {
        tool: format!("athar {}", env!("CARGO_PKG_VERSION")),
        params,
        documents: docs.len(),
        pairs: acc.pairs,
        crowded_shingles,
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

/// The exact similarity of every labelled pair, and the sweeps.
fn evaluate(corpus: &Corpus, data: &DocSets, labels: &[Label], config: &Config) -> LabelReport {
    let index: HashMap<&str, usize> = corpus
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let skipped: std::collections::HashSet<&str> =
        corpus.skipped.iter().map(|s| s.id.as_str()).collect();
    let mut unknown: Vec<String> = Vec::new();
    let mut not_analysed: Vec<String> = Vec::new();
    let mut skipped_pairs = 0;
    // (label, jaccard step, containment step, passes current rule)
    let mut rows: Vec<(bool, usize, usize, bool)> = Vec::new();
    let mut sharing_nothing = 0;
    for l in labels {
        let (a, b) = (index.get(l.a.as_str()), index.get(l.b.as_str()));
        for (id, found) in [(&l.a, a), (&l.b, b)] {
            if found.is_none() {
                if skipped.contains(id.as_str()) {
                    not_analysed.push(id.clone());
                } else {
                    unknown.push(id.clone());
                }
            }
        }
        let (Some(&a), Some(&b)) = (a, b) else {
            skipped_pairs += 1;
            continue;
        };
        let (sa, sb) = (&data.sets[a], &data.sets[b]);
        let inter = crate::verify::intersection_size(sa, sb);
        sharing_nothing += usize::from(inter == 0);
        let union = sa.len() + sb.len() - inter;
        let small = sa.len().min(sb.len());
        let current = inter > 0
            && (at_least(inter, union, config.threshold)
                || at_least(inter, small, config.containment));
        rows.push((
            l.reuse,
            step_of(inter, union),
            step_of(inter, small),
            current,
        ));
    }
    unknown.sort();
    unknown.dedup();
    not_analysed.sort();
    not_analysed.dedup();
    let positives = rows.iter().filter(|r| r.0).count();
    let negatives = rows.len() - positives;

    // counts[j][c]: pairs (positive, negative) with jaccard step j and containment step c.
    let mut grid = vec![[0usize; 2]; (STEPS + 1) * (STEPS + 1)];
    for &(reuse, j, c, _) in &rows {
        grid[j * (STEPS + 1) + c][usize::from(!reuse)] += 1;
    }
    // Suffix sums: at[j][c] = pairs with step_j ≥ j and step_c ≥ c.
    let w = STEPS + 1;
    let mut at = grid.clone();
    for j in (0..=STEPS).rev() {
        for c in (0..=STEPS).rev() {
            for s in 0..2 {
                let mut v = grid[j * w + c][s];
                if j < STEPS {
                    v += at[(j + 1) * w + c][s];
                }
                if c < STEPS {
                    v += at[j * w + c + 1][s];
                }
                if j < STEPS && c < STEPS {
                    v -= at[(j + 1) * w + c + 1][s];
                }
                at[j * w + c][s] = v;
            }
        }
    }
    let totals = [positives, negatives];
    // Kept under "jaccard ≥ j/STEPS or containment ≥ c/STEPS" (j, c ≥ 1).
    let kept = |j: usize, c: usize, s: usize| {
        let jj = if j > STEPS { 0 } else { at[j * w][s] };
        let cc = if c > STEPS { 0 } else { at[c][s] };
        let both = if j > STEPS || c > STEPS {
            0
        } else {
            at[j * w + c][s]
        };
        jj + cc - both
    };
    let counts = |j: usize, c: usize| {
        let tp = kept(j, c, 0);
        Counts {
            tp,
            fp: kept(j, c, 1),
            fnn: totals[0] - tp,
        }
    };
    let t = |i: usize| i as f64 / STEPS as f64;
    // Jaccard alone: containment threshold beyond the grid.
    let sweep = |f: &dyn Fn(usize) -> Counts| {
        let all: Vec<Counts> = (1..=STEPS).map(f).collect();
        let mut best = 0;
        for (i, c) in all.iter().enumerate() {
            if !all[best].beats(*c) {
                best = i;
            }
        }
        let mut from = best;
        while from > 0 && all[from - 1].same_f1(all[best]) {
            from -= 1;
        }
        Sweep {
            scores: all
                .iter()
                .enumerate()
                .map(|(i, c)| c.score(t(i + 1), None))
                .collect(),
            best: all[best].score(t(best + 1), None),
            best_from: round(t(from + 1)),
        }
    };
    let jaccard = sweep(&|j| counts(j, STEPS + 1));
    let containment = sweep(&|c| counts(STEPS + 1, c));
    // Equal F1: the Jaccard threshold nearest the one Jaccard alone
    // recommends (it decides what athar report calls a near-duplicate), then
    // the higher containment, then the higher Jaccard.
    let j_alone = (jaccard.best.threshold * STEPS as f64).round() as usize;
    let tie_key = |j: usize, c: usize| (std::cmp::Reverse(j.abs_diff(j_alone)), c, j);
    let mut best = (1, 1);
    for j in 1..=STEPS {
        for c in 1..=STEPS {
            let (new, old) = (counts(j, c), counts(best.0, best.1));
            if new.beats(old) || (new.same_f1(old) && tie_key(j, c) > tie_key(best.0, best.1)) {
                best = (j, c);
            }
        }
    }
    let combined = Combined {
        best: counts(best.0, best.1).score(t(best.0), Some(t(best.1))),
    };
    let cur_tp = rows.iter().filter(|r| r.0 && r.3).count();
    let current = Counts {
        tp: cur_tp,
        fp: rows.iter().filter(|r| !r.0 && r.3).count(),
        fnn: positives - cur_tp,
    }
    .score(config.threshold, Some(config.containment));
    LabelReport {
        pairs: rows.len(),
        positives,
        negatives,
        sharing_nothing,
        unknown_ids: unknown,
        not_analysed_ids: not_analysed,
        skipped_pairs,
        jaccard,
        containment,
        combined,
        current,
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

/// Writes the report as pretty JSON, with a final newline.
pub fn render_json(report: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

/// Width of the longest bar.
const BAR: usize = 40;

/// A bar of `frac` (0..1) of [`BAR`] cells, at least one cell when `frac > 0`.
fn bar(frac: f64) -> String {
    if frac <= 0.0 {
        return String::new();
    }
    let cells = ((frac * BAR as f64).round() as usize).clamp(1, BAR);
    "█".repeat(cells)
}

fn histogram_text(h: &Histogram, out: &mut dyn Write) -> std::io::Result<()> {
    let max = h.bins.iter().map(|b| b.count).max().unwrap_or(0);
    let log_max = (max as f64 + 1.0).ln();
    writeln!(out, "  {:<11} {:>10} {:>10}", "range", "pairs", "≥ low")?;
    for b in &h.bins {
        let frac = if max == 0 {
            0.0
        } else {
            (b.count as f64 + 1.0).ln() / log_max
        };
        let line = format!(
            "  {:.2}–{:.2}   {:>10} {:>10}  {}",
            b.lo,
            b.hi,
            b.count,
            b.at_least,
            bar(frac)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The first `n` ids, and how many more.
fn id_list(ids: &[String], n: usize) -> String {
    let shown: Vec<&str> = ids.iter().take(n).map(String::as_str).collect();
    let mut s = shown.join(", ");
    if ids.len() > n {
        s.push_str(&format!(", … ({} more in --format json)", ids.len() - n));
    }
    s
}

fn pct(x: f64) -> String {
    let p = 100.0 * x;
    if p > 0.0 && p < 0.01 {
        "<0.01%".to_string()
    } else {
        format!("{p:.2}%")
    }
}

/// Writes the report for a terminal.
pub fn render_text(r: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    let p = &r.params;
    writeln!(
        out,
        "athar tune: {} documents; {}-word shingles, normalization {}",
        r.documents, p.shingle_size, p.normalize
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{} document pairs share at least one shingle (all of them are counted below).",
        r.pairs
    )?;
    if r.crowded_shingles > 0 {
        writeln!(
            out,
            "{} shingle(s) found in more than --max-bucket {} documents are left out of the pairing, as \
             athar report does (their pairs are not counted unless they share other shingles).",
            r.crowded_shingles, p.max_bucket
        )?;
    }
    writeln!(out)?;
    if r.pairs > 0 {
        writeln!(
            out,
            "Jaccard similarity of those pairs (bars on a log scale; \"≥ low\" = pairs at or above the bin):"
        )?;
        histogram_text(&r.jaccard, out)?;
        writeln!(out)?;
        writeln!(
            out,
            "Max containment (share of the smaller document found in the other):"
        )?;
        histogram_text(&r.containment, out)?;
        writeln!(out)?;
    }

    let l = &r.lsh;
    writeln!(
        out,
        "LSH: {} bands × {} rows of --num-perm {} (steepest near J {:.2}). Chance that a pair becomes a candidate:",
        l.bands, l.rows, p.num_perm, l.steepest_at
    )?;
    for c in &l.curve {
        writeln!(
            out,
            "  J {:.2}  {:>8.4}  {}",
            c.jaccard,
            c.probability,
            bar(c.probability)
        )?;
    }
    writeln!(
        out,
        "  at --threshold {:.2}: {:.4}",
        p.threshold, l.at_threshold
    )?;
    for (what, m) in [
        (
            format!("with J ≥ {:.2} (near-duplicates)", p.threshold),
            &l.near_duplicates,
        ),
        (
            format!(
                "with J < {:.2} but containment ≥ {:.2} (contained)",
                p.threshold, p.containment
            ),
            &l.contained,
        ),
    ] {
        if m.pairs == 0 {
            writeln!(out, "  No pair {what}.")?;
        } else {
            writeln!(
                out,
                "  Of the {} pair(s) {what}, LSH alone would miss an expected {}; with the pairs \
                 sharing ≥ {} shingles that athar also checks, {}.",
                m.pairs,
                pct(m.lsh_missed),
                p.min_shared,
                pct(m.pipeline_missed)
            )?;
        }
    }
    writeln!(out)?;

    let s = &r.short_documents;
    if s.ids.is_empty() {
        writeln!(
            out,
            "No short documents (all have at least {} distinct shingles).",
            s.min_shingles
        )?;
    } else {
        writeln!(
            out,
            "{} short document(s) with fewer than {} distinct shingles: one changed word can take an \
             identical copy below Jaccard 1/3, so their similarities are unreliable (check them \
             by eye or leave them out):",
            s.ids.len(),
            s.min_shingles
        )?;
        writeln!(out, "  {}", id_list(&s.ids, 10))?;
    }

    if let Some(lab) = &r.labels {
        writeln!(out)?;
        writeln!(
            out,
            "Labels: {} pair(s) evaluated, {} reuse (1), {} not (0); {} share no shingle (similarity 0).",
            lab.pairs, lab.positives, lab.negatives, lab.sharing_nothing
        )?;
        if lab.skipped_pairs > 0 {
            writeln!(out, "  {} pair(s) skipped:", lab.skipped_pairs)?;
            for (what, ids) in [
                ("not in the input", &lab.unknown_ids),
                ("of documents skipped when reading", &lab.not_analysed_ids),
            ] {
                if !ids.is_empty() {
                    writeln!(out, "    {} id(s) {what}: {}", ids.len(), id_list(ids, 5))?;
                }
            }
        }
        if lab.pairs > 0 {
            writeln!(
                out,
                "  {:>9}   {:>24}   {:>24}",
                "threshold", "Jaccard ≥ t", "containment ≥ t"
            )?;
            writeln!(
                out,
                "  {:>9}   {:>6} {:>6} {:>6}        {:>6} {:>6} {:>6}",
                "t", "P", "R", "F1", "P", "R", "F1"
            )?;
            let jb = ((lab.jaccard.best.threshold * STEPS as f64).round()) as usize;
            let cb = ((lab.containment.best.threshold * STEPS as f64).round()) as usize;
            for i in 1..=STEPS {
                if i % 5 != 0 && i != jb && i != cb {
                    continue;
                }
                let (j, c) = (&lab.jaccard.scores[i - 1], &lab.containment.scores[i - 1]);
                let line = format!(
                    "  {:>9.2}   {:>6.3} {:>6.3} {:>6.3} {:<4}   {:>6.3} {:>6.3} {:>6.3} {:<4}",
                    j.threshold,
                    j.precision,
                    j.recall,
                    j.f1,
                    if i == jb { "best" } else { "" },
                    c.precision,
                    c.recall,
                    c.f1,
                    if i == cb { "best" } else { "" },
                );
                writeln!(out, "{}", line.trim_end())?;
            }
            for (name, sw) in [("Jaccard", &lab.jaccard), ("containment", &lab.containment)] {
                if sw.best_from < sw.best.threshold {
                    writeln!(
                        out,
                        "  {name}: F1 {:.3} for any threshold from {:.2} to {:.2}.",
                        sw.best.f1, sw.best_from, sw.best.threshold
                    )?;
                }
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "What to do:")?;
    for a in &r.advice {
        writeln!(out, "  {a}")?;
    }
    Ok(())
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
