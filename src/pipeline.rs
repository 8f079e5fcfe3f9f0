//! Runs the stages in order and builds the finished, sorted [`Report`].
//!
//! Pure: takes documents already read and a validated [`Config`], returns a
//! [`Report`]. Parallel with rayon; every output is sorted, so the report is
//! byte-identical for any thread count.

use std::ops::Range;

use rayon::prelude::*;

use crate::align::{self, AlignParams, Match};
use crate::cluster;
use crate::corpus::Corpus;
use crate::lsh::{self, LshParams};
use crate::minhash::{MinHashParams, MinHasher, SignBuffer, Signature};
use crate::narrative::{self, Link, NarrativeDoc, NarrativeIndex, NarrativeParams};
use crate::normalize::NormalizeOptions;
use crate::phrases::{self, BoilerplateSet, PhraseParams};
use crate::report::{
    Boilerplate, Cluster, DocumentEntry, Loc, Narrative, Pair, Params, Passage, PassageKind,
    Phrase, Relation, Report, SCHEMA_VERSION, Status, Summary,
};
use crate::shingle;
use crate::span::Span;
use crate::stem;
use crate::tokenize::{Tokenizer, Tokens, sentences};
use crate::verify::{self, Similarity, Thresholds};

pub use crate::minhash::Algorithm;
pub use crate::phrases::MaxDf;

/// Everything a run needs to know, validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// How inputs are read.
    pub read: crate::corpus::ReadOptions,
    /// How text is normalized.
    pub normalize: NormalizeOptions,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash values per signature.
    pub num_perm: usize,
    /// MinHash seed.
    pub seed: u64,
    /// MinHash algorithm.
    pub algorithm: Algorithm,
    /// Jaccard threshold for a near-duplicate pair.
    pub threshold: f64,
    /// Containment (of the smaller document) threshold for a reuse pair.
    pub containment: f64,
    /// LSH bands and rows; `None` = chosen from the threshold.
    pub bands_rows: Option<(usize, usize)>,
    /// Largest LSH bucket expanded into pairs.
    pub max_bucket: usize,
    /// Boilerplate limit: a shingle found in more near-duplicate clusters than
    /// this (a lone document is a cluster of its own) is boilerplate. Default:
    /// 2% of the documents, never fewer than [`crate::phrases::MIN_BOILERPLATE_DOCS`].
    pub max_df: MaxDf,
    /// Largest gap (tokens) bridged inside one verbatim passage.
    pub max_gap: usize,
    /// Shortest passage reported (tokens).
    pub min_passage: usize,
    /// Look for narrative links.
    pub narratives: bool,
    /// Above this many documents, narratives are not looked for (with a
    /// warning) unless this is `None`: their cost grows faster than the
    /// corpus (see [`NARRATIVE_MAX_DOCS`]).
    pub narrative_max_docs: Option<usize>,
    /// Score a narrative link needs.
    pub narrative_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            read: Default::default(),
            normalize: NormalizeOptions::default(),
            shingle_size: 5,
            num_perm: 128,
            seed: 1,
            algorithm: Algorithm::Fast,
            threshold: 0.5,
            containment: 0.5,
            bands_rows: None,
            max_bucket: 200,
            max_df: MaxDf::Fraction(0.02),
            max_gap: 8,
            min_passage: 10,
            narratives: true,
            narrative_max_docs: Some(NARRATIVE_MAX_DOCS),
            narrative_threshold: round(NarrativeParams::default().threshold as f64),
        }
    }
}

/// Default [`Config::narrative_max_docs`]: a week of a country's news fits
/// under it. Narratives over 10,000 generated articles take about 2 CPU-s,
/// over 100,000 about 40 CPU-s and 1 GB more memory (`--narratives` forces
/// them).
pub const NARRATIVE_MAX_DOCS: usize = 20_000;

impl Config {
    /// Shingles two documents must share before they are aligned (and, found
    /// through shingle postings, checked at all): enough to hold one passage
    /// of `min_passage` tokens.
    pub fn min_shared(&self) -> usize {
        self.min_passage.saturating_sub(self.shingle_size) + 1
    }
}

/// Receives progress from long stages. Implementations must be cheap and thread-safe.
pub trait Progress: Sync {
    /// A stage starts with `total` units of work (0: not known in advance).
    fn start(&self, stage: &'static str, total: u64);
    /// `n` more units are done.
    fn advance(&self, n: u64);
    /// The current stage is done.
    fn finish(&self);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &'static str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Stage timings on stderr when the environment variable `ATHAR_TIMINGS` is
/// set (to anything): for profiling runs only; the report is unaffected.
pub(crate) struct Timings {
    on: bool,
    start: std::time::Instant,
    last: std::time::Instant,
    last_cpu: f64,
}

/// A memory figure of this process from Linux's `/proc/self/status`, in MB
/// (0 where unknown): `VmRSS:` (now) or `VmHWM:` (peak). For profiling and
/// benchmarks only.
pub fn memory_mb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// CPU seconds (user + system) of this process so far, where Linux's
/// `/proc/self/stat` tells it (assumes the usual 100 clock ticks a second).
pub(crate) fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which ends in ')'): utime and stime are
    // the 12th and 13th of them.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (tick(11) + tick(12)) / 100.0
}

impl Timings {
    pub(crate) fn new() -> Timings {
        let now = std::time::Instant::now();
        let on = std::env::var_os("ATHAR_TIMINGS").is_some();
        Timings {
            on,
            start: now,
            last: now,
            last_cpu: if on { cpu_seconds() } else { 0.0 },
        }
    }

    /// Reports the time a part of a stage took since `start`.
    fn note(&self, name: &str, start: std::time::Instant) {
        if self.on {
            eprintln!(
                "athar: timing   {name:<11} {:>8.3} s wall",
                start.elapsed().as_secs_f64()
            );
        }
    }

    /// Reports the time since the previous stage ended.
    pub(crate) fn stage(&mut self, name: &str) {
        let now = std::time::Instant::now();
        if self.on {
            let cpu = cpu_seconds();
            eprintln!(
                "athar: timing {name:<13} {:>8.3} s wall {:>8.2} s cpu (total {:>8.3} s wall) \
                 rss {} MB, peak {} MB",
                (now - self.last).as_secs_f64(),
                cpu - self.last_cpu,
                (now - self.start).as_secs_f64(),
                memory_mb("VmRSS:"),
                memory_mb("VmHWM:"),
            );
            self.last_cpu = cpu;
        }
        self.last = now;
    }
}

/// Per-document results of the first pass.
struct DocData {
    /// One stable hash per normalized token.
    token_hashes: Vec<u64>,
    /// Sorted, distinct shingle hashes.
    shingle_set: Vec<u64>,
    /// Number of sentences.
    sentences: usize,
}

/// A candidate pair after exact verification and alignment.
struct Linked {
    a: u32,
    b: u32,
    sim: Similarity,
    estimate: f64,
    matches: Vec<Match>,
}

/// Analyse a corpus: the whole pipeline. Returns the finished, sorted report.
pub fn analyse(corpus: &Corpus, config: &Config, progress: &dyn Progress) -> crate::Result<Report> {
    let docs = &corpus.documents;
    if docs.is_empty() {
        return Err(crate::Error::NothingToAnalyse {
            read: corpus.skipped.len(),
        });
    }
    let k = config.shingle_size;
    let hasher = MinHasher::new(MinHashParams {
        algorithm: config.algorithm,
        num_perm: config.num_perm,
        seed: config.seed,
        k,
        ..MinHashParams::new(&config.normalize)
    })?;
    let lsh_params = match config.bands_rows {
        Some((bands, rows)) => LshParams { bands, rows },
        None => lsh_params_for(config.threshold, config.num_perm)?,
    };
    lsh_params.validate(config.num_perm)?;

    let mut warnings = corpus.warnings.clone();
    let unlimited;
    let config = match config.narrative_max_docs {
        Some(max) if config.narratives && docs.len() > max => {
            warnings.push(format!(
                "narratives were not looked for: {} documents is more than {}, and their cost \
                 grows faster than the corpus (pass --narratives to look for them anyway)",
                crate::report::thousands(docs.len()),
                crate::report::thousands(max)
            ));
            unlimited = Config {
                narratives: false,
                ..config.clone()
            };
            &unlimited
        }
        _ => config,
    };
    let mut timings = Timings::new();
    // 1. Tokens, token hashes, shingle sets and signatures, per document.
    progress.start("signing", docs.len() as u64);
    // Sentence spans are kept only for the narrative stage.
    let keep_sentences = config.narratives;
    #[allow(clippy::type_complexity)]
    let (mut data, (signatures, sentence_spans)): (
        Vec<DocData>,
        (Vec<Signature>, Vec<Vec<Span>>),
    ) = docs
        .par_iter()
        .map_init(
            || {
                (
                    Tokenizer::new(config.normalize),
                    Tokens::default(),
                    SignBuffer::default(),
                )
            },
            |(tokenizer, tokens, buf), doc| {
                tokenizer.tokenize_into(&doc.text, tokens);
                let mut token_hashes = Vec::with_capacity(tokens.len());
                shingle::token_hashes(tokens, &mut token_hashes);
                let mut shingle_set = Vec::new();
                shingle::shingle_set_into(&token_hashes, k, &mut shingle_set);
                // MinHash of the distinct shingles equals MinHash of the
                // sequence: sign the set just built instead of rolling again.
                let signature = hasher.sign_iter(shingle_set.iter().copied(), buf);
                let sents = sentences(&doc.text);
                progress.advance(1);
                let data = DocData {
                    token_hashes,
                    shingle_set,
                    sentences: sents.len(),
                };
                let sents = if keep_sentences { sents } else { Vec::new() };
                (data, (signature, sents))
            },
        )
        .unzip();
    progress.finish();

    timings.stage("sign");
    // 2. Shingle postings: the pairs of documents that share shingles.
    let max_df = config.max_df.resolve(docs.len());
    let postings = shingle_postings(&data, config.max_bucket, max_df);

    timings.stage("postings");
    // 3. LSH candidates from the signatures.
    let lsh_candidates = lsh::candidates(&signatures, lsh_params, config.max_bucket)?;
    warnings.extend(capped_warning(
        &lsh_candidates.capped,
        config.max_bucket,
        |d| &docs[d as usize].id,
    ));
    timings.stage("lsh");
    let min_shared = config.min_shared();
    let mut candidates: Vec<(u32, u32)> = postings
        .shared
        .iter()
        .filter(|&&(_, n)| n as usize >= min_shared)
        .map(|&(p, _)| p)
        .chain(lsh_candidates.pairs.iter().copied())
        .collect();
    candidates.par_sort_unstable();
    candidates.dedup();

    timings.stage("candidates");
    // 4. Exact verification of every candidate; near-duplicate clusters.
    let thresholds = Thresholds {
        jaccard: config.threshold,
        containment: Some(config.containment),
    };
    progress.start("verifying", candidates.len() as u64);
    let verified: Vec<(u32, u32, Similarity)> = candidates
        .par_iter()
        .map(|&(a, b)| {
            progress.advance(1);
            let sim =
                verify::similarity(&data[a as usize].shingle_set, &data[b as usize].shingle_set);
            (a, b, sim)
        })
        .collect();
    progress.finish();
    drop(candidates);
    let mut components = cluster::UnionFind::new(docs.len());
    for (a, b, sim) in &verified {
        if sim.passes(&thresholds) {
            components.union(*a, *b);
        }
    }

    timings.stage("verify");
    // 5. Boilerplate: shingles found in more than max_df near-duplicate
    // clusters (a lone document is its own cluster). Counting clusters, not
    // documents, keeps a story republished by many outlets from being taken
    // for boilerplate, while a site template in unrelated articles is.
    let (boilerplate, crowded) = postings.boilerplate(&mut components, max_df, config.max_bucket);
    if crowded > 0 {
        warnings.push(format!(
            "{crowded} shingle(s) occur in more than --max-bucket {} documents (but in no more \
             than --max-df {max_df} unrelated ones): they do not pair documents on their own",
            config.max_bucket
        ));
    }
    drop(postings);
    // Shingle sets served the postings and verification; free them.
    for d in &mut data {
        d.shingle_set = Vec::new();
    }
    let data_owned = data;
    let data = &data_owned;

    timings.stage("boilerplate");
    // 6. Verbatim alignment of the candidates that share enough shingles.
    let align_params = AlignParams {
        k,
        max_gap: config.max_gap,
        min_passage: config.min_passage,
        merge_gap: AlignParams::default().merge_gap.max(config.max_gap),
        ..AlignParams::default()
    };
    let boilerplate = &boilerplate;
    let ignore = |h: u64| boilerplate.contains(h);
    // Reused phrases and boilerplate phrases (both parallel), beside the alignment.
    let phrase_params = PhraseParams {
        min_tokens: 3,
        max_df,
        top: 200,
    };
    let phrase_stage = || {
        let t = std::time::Instant::now();
        let token_hashes: Vec<&[u64]> = data.iter().map(|d| d.token_hashes.as_slice()).collect();
        let reused = phrases::reused_phrases(&token_hashes, &phrase_params);
        let boiler = phrases::boilerplate_phrases(&token_hashes, k, boilerplate);
        timings.note("phrases", t);
        (reused, boiler)
    };
    let align_stage = || {
        let t = std::time::Instant::now();
        progress.start("aligning", verified.len() as u64);
        let linked: Vec<Linked> = verified
            .into_par_iter()
            .filter_map(|(a, b, sim)| {
                let (da, db) = (&data[a as usize], &data[b as usize]);
                let matches = if sim.intersection >= min_shared {
                    let mut m =
                        align::align(&da.token_hashes, &db.token_hashes, &align_params, &ignore);
                    m.retain(|m| {
                        !mostly_boilerplate(
                            &da.token_hashes[m.a.start as usize..m.a.end as usize],
                            k,
                            boilerplate,
                        )
                    });
                    m
                } else {
                    Vec::new()
                };
                progress.advance(1);
                (sim.passes(&thresholds) || !matches.is_empty()).then(|| Linked {
                    a,
                    b,
                    estimate: signatures[a as usize]
                        .estimate_jaccard(&signatures[b as usize])
                        .unwrap_or(f64::NAN),
                    sim,
                    matches,
                })
            })
            .collect();
        progress.finish();
        timings.note("align", t);
        linked
    };
    let (linked, (reused, boiler)) = rayon::join(align_stage, phrase_stage);

    timings.stage("align+phrases");
    // 7. Repeats inside documents: from one shingle up, so that a short
    // caption or heading printed several times is found; below
    // `min_passage` only whole lines are kept (see `whole_line`).
    let repeat_params = AlignParams {
        min_passage: k.min(config.min_passage),
        ..align_params
    };
    let repeats: Vec<(u32, Vec<Match>)> = data
        .par_iter()
        .enumerate()
        .map(|(i, d)| (i as u32, align::repeats(&d.token_hashes, &repeat_params)))
        .filter(|(_, m)| !m.is_empty())
        .collect();

    let stats: Vec<DocStats> = data
        .iter()
        .map(|d| DocStats {
            tokens: d.token_hashes.len(),
            sentences: d.sentences,
        })
        .collect();
    // Token hashes are not needed any more: free them before the span map.
    drop(data_owned);
    timings.stage("repeats");
    // 8. Build the report: ids, byte and character offsets, sorted sections.
    // Token spans are needed only for the documents the report points into
    // (the narrative stage tokenizes what it reads itself).
    let needed: Vec<bool> = {
        let mut needed = vec![false; docs.len()];
        for l in linked.iter().filter(|l| !l.matches.is_empty()) {
            needed[l.a as usize] = true;
            needed[l.b as usize] = true;
        }
        for (d, _) in &repeats {
            needed[*d as usize] = true;
        }
        for p in &reused {
            for o in &p.occurrences {
                needed[o.doc as usize] = true;
            }
        }
        for b in &boiler {
            needed[b.doc] = true;
        }
        needed
    };
    let spans = SpanMap::new(docs, config, Some(&needed), sentence_spans);
    timings.stage("spanmap");
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("athar {}", env!("CARGO_PKG_VERSION")),
        params: params(config, lsh_params, max_df),
        ..Report::default()
    };
    report.documents = document_entries(corpus, &stats);
    report.summary = summary(corpus, &stats);
    report.skipped = skipped_entries(&corpus.skipped);

    let mut pairs: Vec<&Linked> = linked.iter().collect();
    pairs.sort_by(|x, y| pair_order((&x.sim, x.a, x.b), (&y.sim, y.a, y.b)));
    report.pairs = pairs
        .iter()
        .map(|l| Pair {
            a: docs[l.a as usize].id.clone(),
            b: docs[l.b as usize].id.clone(),
            jaccard: round(l.sim.jaccard),
            containment_a: round(l.sim.containment_a),
            containment_b: round(l.sim.containment_b),
            estimated_jaccard: l.estimate.is_finite().then(|| round(l.estimate)),
            shared_shingles: l.sim.intersection,
            passages: l.matches.len(),
            relation: relation(&l.sim, &thresholds),
        })
        .collect();

    let kept: Vec<(u32, u32, f64)> = linked
        .iter()
        .filter(|l| l.sim.passes(&thresholds))
        .map(|l| (l.a, l.b, l.sim.jaccard.max(l.sim.max_containment())))
        .collect();
    report.clusters = cluster_entries(docs.len(), &kept, |d| &docs[d as usize].id);

    let mut passages: Vec<(u32, u32, Passage)> = Vec::new();
    for l in &linked {
        for m in &l.matches {
            passages.push((l.a, l.b, spans.passage(PassageKind::Verbatim, l.a, l.b, m)));
        }
    }
    for (d, ms) in &repeats {
        let text = &docs[*d as usize].text;
        for m in ms {
            let long = m.matched_tokens as usize >= config.min_passage;
            if long
                || (whole_line(text, spans.span(*d, m.a.clone()))
                    && whole_line(text, spans.span(*d, m.b.clone())))
            {
                passages.push((*d, *d, spans.passage(PassageKind::Repeat, *d, *d, m)));
            }
        }
    }
    passages.sort_by(|x, y| {
        (x.0, x.2.a.start, x.1, x.2.b.start, x.2.kind).cmp(&(
            y.0,
            y.2.a.start,
            y.1,
            y.2.b.start,
            y.2.kind,
        ))
    });
    report.passages = passages.into_iter().map(|(_, _, p)| p).collect();

    report.phrases = reused
        .iter()
        .filter_map(|p| spans.whole_spans(p, phrase_params.min_tokens))
        .filter(|p| {
            let o = &p.occurrences[0];
            spans.content_tokens(o.doc, o.tokens.clone()) >= MIN_PHRASE_CONTENT_WORDS
        })
        .map(|p| {
            let first = &p.occurrences[0];
            Phrase {
                text: spans.text(first.doc, first.tokens.clone()).to_string(),
                tokens: p.tokens as usize,
                docs: p.docs,
                occurrences: p
                    .occurrences
                    .iter()
                    .map(|o| spans.loc(o.doc, o.tokens.clone()))
                    .collect(),
            }
        })
        .collect();
    report.boilerplate = boiler
        .iter()
        .filter(|b| b.docs >= 2)
        .map(|b| Boilerplate {
            text: spans.text(b.doc as u32, b.tokens.clone()).to_string(),
            docs: b.docs,
            fraction: round(b.docs as f64 / docs.len() as f64),
        })
        .collect();
    timings.stage("build");
    if config.narratives {
        progress.start("narratives", 1);
        let (narrative_passages, narratives) = narratives(&spans, &linked, config);
        progress.finish();
        report.passages.extend(narrative_passages);
        report.narratives = narratives;
        sort_passages(&mut report.passages, docs);
    }
    timings.stage("narratives");
    report.warnings = warnings;
    Ok(report)
}

/// LSH bands and rows for a Jaccard threshold: a pair at the threshold plus
/// 0.1 is found with probability 0.999 when the slots allow it (verification
/// is exact, so a missed pair costs more than a checked one); otherwise the
/// datasketch-style optimum of equal false-positive and false-negative weight.
pub fn lsh_params_for(threshold: f64, num_perm: usize) -> crate::Result<LshParams> {
    let t = threshold.clamp(0.01, 0.99);
    lsh::params_for_recall(t, num_perm, (t + 0.1).min(0.999), 0.999)
        .or_else(|_| lsh::optimal_params(t, num_perm, 0.5, 0.5))
}

/// A reused phrase needs this many words that are neither stop words nor
/// numbers: «في إسرائيل منذ» is not worth reporting, «في الأشهر الأخيرة» is.
const MIN_PHRASE_CONTENT_WORDS: usize = 2;

/// Rounds a ratio to 4 decimals for the report (stable text and JSON).
pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// True when `span` covers a whole line of `text`: nothing but white space
/// and punctuation between it and the line breaks (or the ends of the text)
/// around it. A caption or heading printed several times is such a line.
fn whole_line(text: &str, span: Span) -> bool {
    let filler = |c: char| !c.is_alphanumeric();
    let before = text[..span.start()].rsplit('\n').next().unwrap_or("");
    let after = text[span.end()..].split('\n').next().unwrap_or("");
    before.chars().all(filler) && after.chars().all(filler)
}

/// True when at least half the shingles of `tokens` are boilerplate: a
/// stock formula (an official's full title, a site's "read also" line) whose
/// rarer variants seeded a passage that is still mostly boilerplate.
fn mostly_boilerplate(tokens: &[u64], k: usize, boilerplate: &BoilerplateSet) -> bool {
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
struct Postings {
    /// Document pairs sharing shingles, with the number shared (pairs are
    /// only counted through shingles in at most `max_bucket` documents),
    /// sorted by pair.
    shared: Vec<((u32, u32), u32)>,
    /// The shingles found in more than `max_df` documents, by hash, each
    /// with its documents in order.
    frequent: Vec<(u64, Vec<u32>)>,
}

/// The `(shingle, document)` postings are built in parts, by the top bits of
/// the shingle hash, about this many postings a part: each part is sorted and
/// scanned on its own, so only a few parts are in memory at once.
const POSTINGS_PER_PART: usize = 1 << 22;

/// Pairs the documents of each shingle found in 2..=`max_bucket` documents
/// and keeps the documents of shingles found in more than `max_df`.
fn shingle_postings(data: &[DocData], max_bucket: usize, max_df: usize) -> Postings {
    shingle_postings_in_parts(data, max_bucket, max_df, POSTINGS_PER_PART)
}

/// [`shingle_postings`] with about `per_part` postings a part.
fn shingle_postings_in_parts(
    data: &[DocData],
    max_bucket: usize,
    max_df: usize,
    per_part: usize,
) -> Postings {
    let total: usize = data.iter().map(|d| d.shingle_set.len()).sum();
    let split = shingle::HashParts::new(total, per_part);
    let parts = split.parts;
    let part_of = |h: u64| split.of(h);
    // Consecutive parts form a group, scanned in order by one thread with a
    // cursor into each (sorted) shingle set. The result does not depend on
    // the grouping.
    let groups = rayon::current_num_threads().clamp(1, parts);
    let per_group = parts.div_ceil(groups);
    let results: Vec<Postings> = (0..groups)
        .into_par_iter()
        .map(|g| {
            let (first, last) = (g * per_group, ((g + 1) * per_group).min(parts));
            let mut cursor: Vec<u32> = data
                .iter()
                .map(|d| d.shingle_set.partition_point(|&h| part_of(h) < first) as u32)
                .collect();
            let mut shared = Vec::new();
            let mut frequent = Vec::new();
            let mut postings: Vec<(u64, u32)> = Vec::new();
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for part in first..last {
                postings.clear();
                for (d, dd) in data.iter().enumerate() {
                    let set = &dd.shingle_set;
                    let start = cursor[d] as usize;
                    let end = start + set[start..].partition_point(|&h| part_of(h) == part);
                    postings.extend(set[start..end].iter().map(|&h| (h, d as u32)));
                    cursor[d] = end as u32;
                }
                postings.par_sort_unstable();
                pairs.clear();
                for run in postings.chunk_by(|x, y| x.0 == y.0) {
                    if (2..=max_bucket).contains(&run.len()) {
                        for (i, x) in run.iter().enumerate() {
                            pairs.extend(run[i + 1..].iter().map(|y| (x.1, y.1)));
                        }
                    }
                    if run.len() > max_df {
                        frequent.push((run[0].0, run.iter().map(|&(_, d)| d).collect()));
                    }
                }
                pairs.par_sort_unstable();
                shared.extend(
                    pairs
                        .chunk_by(|x, y| x == y)
                        .map(|run| (run[0], run.len() as u32)),
                );
            }
            Postings { shared, frequent }
        })
        .collect();
    let mut shared: Vec<((u32, u32), u32)> = Vec::new();
    let mut frequent = Vec::new();
    for p in results {
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
    Postings { shared, frequent }
}

impl Postings {
    /// The shingles found in more than `max_df` clusters of `components`,
    /// and the number of other shingles in more than `max_bucket` documents.
    fn boilerplate(
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

/// Maps token ranges of documents to report locations (byte and character
/// offsets of the original text).
struct SpanMap<'c> {
    docs: &'c [crate::corpus::Document],
    tokens: Vec<DocTokens>,
    sentences: Vec<Vec<Span>>,
}

/// The tokens of one document as the report needs them: the byte span of
/// every token and whether it is a content word. A third of the memory of
/// full [`Tokens`] (no normalized text), which matters at 100,000 documents.
#[derive(Default)]
struct DocTokens {
    spans: TokenSpans,
    /// Per token: neither a stop word nor a number.
    content: Vec<bool>,
}

/// Token spans, as `u32` offsets when the text allows (under 4 GiB).
enum TokenSpans {
    Narrow(Vec<[u32; 2]>),
    Wide(Vec<Span>),
}

impl Default for TokenSpans {
    fn default() -> Self {
        TokenSpans::Narrow(Vec::new())
    }
}

impl DocTokens {
    fn new(text: &str, tokens: &Tokens) -> DocTokens {
        let spans = if u32::try_from(text.len()).is_ok() {
            TokenSpans::Narrow(
                tokens
                    .tokens
                    .iter()
                    .map(|t| [t.span.start() as u32, t.span.end() as u32])
                    .collect(),
            )
        } else {
            TokenSpans::Wide(tokens.tokens.iter().map(|t| t.span).collect())
        };
        let content = (0..tokens.len())
            .map(|i| {
                let w = tokens.text(i);
                !stem::is_stop_word(w) && !w.chars().all(|c| c.is_ascii_digit())
            })
            .collect();
        DocTokens { spans, content }
    }

    fn len(&self) -> usize {
        self.content.len()
    }

    /// The span of token `i`.
    fn span(&self, i: usize) -> Span {
        match &self.spans {
            TokenSpans::Narrow(v) => Span::new(v[i][0] as usize, v[i][1] as usize),
            TokenSpans::Wide(v) => v[i],
        }
    }

    /// The span covering tokens `range` (as [`align::token_range_to_span`]).
    fn range_span(&self, range: Range<u32>) -> Span {
        align::range_span(self.len(), |i| self.span(i), range)
    }
}

impl<'c> SpanMap<'c> {
    /// Tokenizes the documents marked in `needed` (all when `None`); the
    /// others get no tokens and must not be asked about. `sentences` are
    /// the sentence spans of every document, or empty.
    fn new(
        docs: &'c [crate::corpus::Document],
        config: &Config,
        needed: Option<&[bool]>,
        sentences: Vec<Vec<Span>>,
    ) -> SpanMap<'c> {
        let tokens = docs
            .par_iter()
            .enumerate()
            .map_init(
                || Tokenizer::new(config.normalize),
                |t, (i, d)| {
                    if needed.is_none_or(|n| n[i]) {
                        DocTokens::new(&d.text, &t.tokenize(&d.text))
                    } else {
                        DocTokens::default()
                    }
                },
            )
            .collect();
        SpanMap {
            docs,
            tokens,
            sentences,
        }
    }

    fn span(&self, doc: u32, range: Range<u32>) -> Span {
        self.tokens[doc as usize].range_span(range)
    }

    fn text(&self, doc: u32, range: Range<u32>) -> &str {
        self.span(doc, range).slice(&self.docs[doc as usize].text)
    }

    /// `phrase` trimmed so that no occurrence starts or ends inside a span
    /// that holds several tokens (`ﷺ` gives four, `٢٠٢٣م` two with
    /// `split_digits`): the reported text then reads as exactly the phrase.
    /// `None` when fewer than `min_tokens` tokens remain.
    fn whole_spans(
        &self,
        phrase: &phrases::ReusedPhrase,
        min_tokens: usize,
    ) -> Option<phrases::ReusedPhrase> {
        let joined = |doc: u32, i: u32| {
            let t = &self.tokens[doc as usize];
            let i = i as usize;
            i > 0 && i < t.len() && t.span(i) == t.span(i - 1)
        };
        let (mut s, mut e) = (0u32, 0u32);
        loop {
            if (s + e + min_tokens.max(1) as u32) > phrase.tokens {
                return None;
            }
            let cut_s = phrase
                .occurrences
                .iter()
                .any(|o| joined(o.doc, o.tokens.start + s));
            let cut_e = phrase
                .occurrences
                .iter()
                .any(|o| joined(o.doc, o.tokens.end - e));
            if !cut_s && !cut_e {
                break;
            }
            s += u32::from(cut_s);
            e += u32::from(cut_e);
        }
        Some(phrases::ReusedPhrase {
            tokens: phrase.tokens - s - e,
            docs: phrase.docs,
            occurrences: phrase
                .occurrences
                .iter()
                .map(|o| phrases::Occurrence {
                    doc: o.doc,
                    tokens: o.tokens.start + s..o.tokens.end - e,
                })
                .collect(),
        })
    }

    /// Tokens of `range` that are neither stop words nor numbers.
    fn content_tokens(&self, doc: u32, range: Range<u32>) -> usize {
        let t = &self.tokens[doc as usize];
        range.filter(|&i| t.content[i as usize]).count()
    }

    fn loc(&self, doc: u32, range: Range<u32>) -> Loc {
        let d = &self.docs[doc as usize];
        let span = self.span(doc, range);
        loc(&d.id, &d.text, span)
    }

    fn passage(&self, kind: PassageKind, a: u32, b: u32, m: &Match) -> Passage {
        Passage {
            kind,
            a: self.loc(a, m.a.clone()),
            b: self.loc(b, m.b.clone()),
            tokens_a: m.a.len(),
            tokens_b: m.b.len(),
            score: round(m.score),
            terms: Vec::new(),
        }
    }
}

/// A report location for `span` of document `id` with text `text`.
pub fn loc(id: &str, text: &str, span: Span) -> Loc {
    let start_char = text[..span.start()].chars().count();
    let end_char = start_char + span.slice(text).chars().count();
    Loc {
        doc: id.to_string(),
        start: span.start(),
        end: span.end(),
        start_char,
        end_char,
    }
}

/// Sorts passages by the input order of `a.doc`, then `a.start`, `b.doc`,
/// `b.start` and kind (the order `docs/report-schema.md` promises).
fn sort_passages(passages: &mut [Passage], docs: &[crate::corpus::Document]) {
    let index: ahash::AHashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let key = |p: &Passage| {
        (
            index[p.a.doc.as_str()],
            p.a.start,
            index[p.b.doc.as_str()],
            p.b.start,
            p.kind,
        )
    };
    passages.sort_by(|x, y| {
        key(x)
            .cmp(&key(y))
            .then(x.a.end.cmp(&y.a.end))
            .then(x.b.end.cmp(&y.b.end))
    });
}

/// Narrative links (same story, other words) not already explained by
/// verbatim passages, and the narratives that verbatim and narrative
/// passages form across documents.
fn narratives(
    spans: &SpanMap<'_>,
    linked: &[Linked],
    config: &Config,
) -> (Vec<Passage>, Vec<Narrative>) {
    let params = NarrativeParams {
        threshold: config.narrative_threshold as f32,
        ..NarrativeParams::default()
    };
    let ndocs: Vec<NarrativeDoc<'_>> = spans
        .docs
        .iter()
        .zip(&spans.sentences)
        .map(|(d, sentences)| NarrativeDoc {
            text: &d.text,
            sentences,
        })
        .collect();
    let index = NarrativeIndex::build(&ndocs, config.normalize, &params);
    let verbatim: Vec<Link> = linked
        .iter()
        .flat_map(|l| {
            l.matches.iter().map(|m| Link {
                a: (l.a as usize, spans.span(l.a, m.a.clone())),
                b: (l.b as usize, spans.span(l.b, m.b.clone())),
                tokens_a: m.a.len(),
                tokens_b: m.b.len(),
                score: m.score as f32,
                terms: Vec::new(),
                terms_b: Vec::new(),
            })
        })
        .collect();
    let links = narrative::without_verbatim(index.find_links(), &verbatim);
    let passages: Vec<Passage> = links
        .par_iter()
        .map(|l| {
            let (da, db) = (&spans.docs[l.a.0], &spans.docs[l.b.0]);
            let (a, b) = (loc(&da.id, &da.text, l.a.1), loc(&db.id, &db.text, l.b.1));
            Passage {
                kind: PassageKind::Narrative,
                tokens_a: l.tokens_a,
                tokens_b: l.tokens_b,
                a,
                b,
                score: round(l.score as f64),
                terms: l.terms.clone(),
            }
        })
        .collect();
    // The narrative passages of every document, sorted: a group is verbatim
    // when none of its members overlaps one.
    let mut narrative_ends: Vec<(usize, Span)> = links.iter().flat_map(|l| [l.a, l.b]).collect();
    narrative_ends.sort_unstable();
    let longest = narrative_ends.iter().map(|e| e.1.len()).max().unwrap_or(0);
    let overlaps_narrative = |doc: usize, span: Span| {
        // Ends starting before `span.end()`, and late enough to reach it.
        let lo = narrative_ends
            .partition_point(|e| (e.0, e.1.start()) < (doc, span.start().saturating_sub(longest)));
        narrative_ends[lo..]
            .iter()
            .take_while(|e| e.0 == doc && e.1.start() < span.end())
            .any(|e| e.1.overlaps(span))
    };
    let mut all = verbatim;
    all.extend(links);
    let groups = index.group(&all);
    let narratives = groups
        .par_iter()
        .enumerate()
        .map(|(i, g)| {
            let members: Vec<Loc> = g
                .members
                .iter()
                .map(|m| {
                    let d = &spans.docs[m.doc];
                    loc(&d.id, &d.text, m.span)
                })
                .collect();
            let representative = g
                .members
                .iter()
                .position(|m| *m == g.representative)
                .unwrap_or(0);
            let verbatim = !g.members.iter().any(|m| overlaps_narrative(m.doc, m.span));
            Narrative {
                id: i + 1,
                label: g.label.join("، "),
                docs: g.n_docs,
                members,
                representative,
                verbatim,
            }
        })
        .collect();
    (passages, narratives)
}

/// Per-document facts for the report.
struct DocStats {
    tokens: usize,
    sentences: usize,
}

/// A warning naming the LSH buckets that held more than `max_bucket`
/// documents (`id` names a document), or `None` when there were none.
pub(crate) fn capped_warning<'a>(
    capped: &[lsh::CappedBucket],
    max_bucket: usize,
    id: impl Fn(u32) -> &'a str,
) -> Option<String> {
    if capped.is_empty() {
        return None;
    }
    let mut docs_in: Vec<u32> = capped.iter().flat_map(|c| c.docs.iter().copied()).collect();
    docs_in.sort_unstable();
    docs_in.dedup();
    let names: Vec<&str> = docs_in.iter().take(5).map(|&d| id(d)).collect();
    Some(format!(
        "{} LSH bucket(s) held more than --max-bucket {max_bucket} documents and were not \
         expanded (boilerplate or mass duplication?); {} documents involved, e.g. {}",
        capped.len(),
        docs_in.len(),
        names.join(", ")
    ))
}

/// Report order of pairs `(similarity, a, b)`: most similar first (Jaccard,
/// then the larger containment), then by document.
pub(crate) fn pair_order(
    x: (&Similarity, u32, u32),
    y: (&Similarity, u32, u32),
) -> std::cmp::Ordering {
    y.0.jaccard
        .total_cmp(&x.0.jaccard)
        .then(y.0.max_containment().total_cmp(&x.0.max_containment()))
        .then((x.1, x.2).cmp(&(y.1, y.2)))
}

/// What a verified pair is: near-duplicate (Jaccard at the threshold),
/// contained (containment at its threshold), or sharing passages only.
pub(crate) fn relation(sim: &Similarity, thresholds: &Thresholds) -> Relation {
    if sim.intersection > 0 && sim.jaccard >= thresholds.jaccard {
        Relation::NearDuplicate
    } else if sim.passes(thresholds) {
        Relation::Contained
    } else {
        Relation::SharesPassages
    }
}

/// The report's clusters of `n` documents from the kept pairs
/// `(a, b, similarity)`; `id` names a document.
pub(crate) fn cluster_entries<'a>(
    n: usize,
    kept: &[(u32, u32, f64)],
    id: impl Fn(u32) -> &'a str,
) -> Vec<Cluster> {
    cluster::near_duplicate_clusters(n, kept)
        .into_iter()
        .map(|c| Cluster {
            id: c.id,
            representative: id(c.representative).to_string(),
            members: c.members.iter().map(|&m| id(m).to_string()).collect(),
        })
        .collect()
}

/// The report's list of skipped documents.
pub(crate) fn skipped_entries(
    skipped: &[crate::corpus::Skipped],
) -> Vec<crate::report::SkippedEntry> {
    skipped
        .iter()
        .map(|s| crate::report::SkippedEntry {
            id: s.id.clone(),
            source: s.source.clone(),
            reason: s.reason.clone(),
        })
        .collect()
}

/// The document entry of a skipped document.
pub(crate) fn skipped_document(s: &crate::corpus::Skipped) -> DocumentEntry {
    DocumentEntry {
        id: s.id.clone(),
        source: s.source.clone(),
        bytes: s.bytes,
        tokens: 0,
        sentences: 0,
        status: Status::Skipped,
        reason: Some(s.reason.clone()),
    }
}

pub(crate) fn params(config: &Config, lsh: LshParams, max_df: usize) -> Params {
    Params {
        normalize: config.normalize.id(),
        shingle_size: config.shingle_size,
        hash: crate::shingle::HASH_ID.to_string(),
        minhash: Some(config.algorithm.as_str().to_string()),
        num_perm: Some(config.num_perm),
        seed: Some(config.seed),
        threshold: Some(config.threshold),
        containment: Some(config.containment),
        bands: Some(lsh.bands),
        rows: Some(lsh.rows),
        max_bucket: Some(config.max_bucket),
        max_df: Some(max_df),
        max_gap: Some(config.max_gap),
        min_passage: Some(config.min_passage),
        narrative_threshold: config
            .narratives
            .then_some(round(config.narrative_threshold)),
        mode: None,
    }
}

fn document_entries(corpus: &Corpus, stats: &[DocStats]) -> Vec<DocumentEntry> {
    // Documents and skipped entries are each in input order; merge them by
    // their position in the input, which `source` order does not give, so
    // list analysed documents first, then skipped ones.
    let mut out: Vec<DocumentEntry> = corpus
        .documents
        .iter()
        .zip(stats)
        .map(|(d, s)| DocumentEntry {
            id: d.id.clone(),
            source: d.source.clone(),
            bytes: d.text.len() as u64,
            tokens: s.tokens,
            sentences: s.sentences,
            status: Status::Analysed,
            reason: None,
        })
        .collect();
    out.extend(corpus.skipped.iter().map(skipped_document));
    out
}

fn summary(corpus: &Corpus, stats: &[DocStats]) -> Summary {
    Summary {
        documents_read: corpus.documents.len() + corpus.skipped.len(),
        analysed: corpus.documents.len(),
        skipped: corpus.skipped.len(),
        bytes: corpus.documents.iter().map(|d| d.text.len() as u64).sum(),
        tokens: stats.iter().map(|s| s.tokens as u64).sum(),
        sentences: stats.iter().map(|s| s.sentences as u64).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents whose shingle sets draw from a small pool of hashes spread
    /// over the whole `u64` range, so that shingles are shared and fall in
    /// every part.
    fn docs(n: usize) -> Vec<DocData> {
        let mut state = 7u64;
        let pool: Vec<u64> = (0..400)
            .map(|_| crate::minhash::splitmix64(&mut state))
            .collect();
        (0..n)
            .map(|_| {
                let len = (crate::minhash::splitmix64(&mut state) % 60) as usize;
                let mut set: Vec<u64> = (0..len)
                    .map(|_| pool[(crate::minhash::splitmix64(&mut state) % 400) as usize])
                    .collect();
                set.sort_unstable();
                set.dedup();
                DocData {
                    token_hashes: Vec::new(),
                    shingle_set: set,
                    sentences: 0,
                }
            })
            .collect()
    }

    /// Brute force: every pair of documents and the number of shingles they
    /// share through shingles in at most `max_bucket` documents.
    fn brute(data: &[DocData], max_bucket: usize, max_df: usize) -> Postings {
        let mut df: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
        for (d, dd) in data.iter().enumerate() {
            for &h in &dd.shingle_set {
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
        }
    }

    #[test]
    fn postings_do_not_depend_on_parts_or_threads() {
        let data = docs(300);
        let want = brute(&data, 40, 20);
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
            }
        }
    }
}
