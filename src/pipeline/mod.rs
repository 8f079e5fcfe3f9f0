//! Runs the stages in order and builds the finished, sorted [`Report`].
//!
//! Pure: takes documents already read and a [`Config`] (checked first with
//! [`Config::validate`]), returns a [`Report`]. Parallel with rayon; every
//! output is sorted, so the report is byte-identical for any thread count. [`analyse`] reads as the list of
//! stages; each stage is a function below it.

mod alignment;
mod build;
mod config;
mod entries;
mod narratives;
mod pairs;
mod spans;

pub use narratives::MAX_LINKS_PER_PAIR;

use alignment::{AlignStage, RARE_IDF};
use entries::{
    FORMULA_TEMPLATES, formula_entries, needed_docs, pair_entries, passage_entries, phrase_entries,
};
use pairs::{
    DocData, boilerplate, candidate_pairs, content_docs, formula_model, minhasher,
    near_duplicate_components, rework_params, shingle_postings, sign, verify_pairs,
};

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::corpus::{Corpus, Document};
use crate::evidence::{self, Classifier, Evidence, FormulaTemplate, TokenClass};
use crate::passages::align::{self, AlignParams, Match};
use crate::passages::content;
use crate::passages::reworded::Aligned;
use crate::phrases::{self, PhraseParams};
use crate::report::{Report, SCHEMA_VERSION};
use crate::sketch::lsh;
use crate::timing::Timings;
use crate::verify::{Similarity, Thresholds};

pub(crate) use build::{
    DocStats, capped_warning, cluster_entries, pair_order, params, relation, round,
    skipped_document, skipped_entries,
};
pub use config::{Algorithm, Config, MaxDf, lsh_params_for};
pub use spans::loc;

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

/// Which of the two sets of a reference run (`athar report SUSPECTS
/// --against SOURCES`) a document belongs to: only pairs across the sets are
/// compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A document checked against the sources.
    Suspect,
    /// A document of the reference set.
    Source,
}

/// A content stem found in more documents than this does not pair
/// documents for reworded alignment (it still weighs in their scores).
pub const STEM_BUCKET: usize = 16;

/// Rare stems (found in 2..=[`STEM_BUCKET`] documents) two documents must
/// share to be aligned for reworded passages when no other source made them
/// a candidate: word-shuffled or reworded copies share few shingles.
pub const MIN_SHARED_STEMS: usize = 8;

/// Shingles two documents must share to be aligned for reworded passages
/// (fewer than a verbatim passage needs).
pub const MIN_SHARED_SHINGLES_REWORDED: usize = 2;

/// The shortest reused phrase, in tokens.
const PHRASE_MIN_TOKENS: usize = 3;

/// A candidate pair after exact verification and alignment.
struct Linked {
    a: u32,
    b: u32,
    sim: Similarity,
    estimate: f64,
    matches: Vec<Aligned>,
    /// The evidence weight of each match.
    weights: Vec<f64>,
}

/// A verified candidate pair.
type Verified = (u32, u32, Similarity);

/// Document pairs `(a, b)`, `a < b`.
type Pairs = Vec<(u32, u32)>;

/// The repeats inside each document that has any: `(document, matches)`.
type Repeats = Vec<(u32, Vec<Match>)>;

/// Formula templates, with the token classes of their example.
type Templates = Vec<(FormulaTemplate, Vec<TokenClass>)>;

/// Analyse a corpus: the whole pipeline. Returns the finished, sorted report,
/// or [`Config::validate`]'s error for a configuration out of its ranges.
pub fn analyse(corpus: &Corpus, config: &Config, progress: &dyn Progress) -> crate::Result<Report> {
    analyse_roles(corpus, None, config, progress)
}

/// Reference mode: like [`analyse`], but only pairs of documents of
/// different [`Role`]s are compared (suspects with sources, never two
/// suspects or two sources); `roles` has one entry per document of
/// `corpus.documents`. Repeats are looked for in suspects only, and phrases
/// and narratives are kept only where they join both sets.
pub fn analyse_against(
    corpus: &Corpus,
    roles: &[Role],
    config: &Config,
    progress: &dyn Progress,
) -> crate::Result<Report> {
    if roles.len() != corpus.documents.len() {
        return Err(crate::Error::InvalidParameter(format!(
            "{} roles for {} documents",
            roles.len(),
            corpus.documents.len()
        )));
    }
    analyse_roles(corpus, Some(roles), config, progress)
}

/// The whole pipeline for [`analyse`] and [`analyse_against`]: the stages in
/// order, each a call to a function below. It is longer than 120 lines
/// because it also shows what each stage hands to the next and where the
/// large per-document data is freed (the `drop`s and emptied vectors), which
/// splitting it further would hide.
fn analyse_roles(
    corpus: &Corpus,
    roles: Option<&[Role]>,
    config: &Config,
    progress: &dyn Progress,
) -> crate::Result<Report> {
    config.validate()?;
    let docs = &corpus.documents;
    if docs.is_empty() {
        return Err(crate::Error::NothingToAnalyse {
            read: corpus.skipped.len(),
        });
    }
    let cross = |a: u32, b: u32| roles.is_none_or(|r| r[a as usize] != r[b as usize]);
    let k = config.shingle_size;
    let hasher = minhasher(config)?;
    let lsh_params = config.lsh_params(config.threshold)?;

    let mut warnings = corpus.warnings.clone();
    let mut timings = Timings::new();
    // 1. Tokens, token hashes, shingle sets and signatures, per document.
    let classifier = Classifier::new(config.normalize);
    let (mut data, signatures, sentence_spans) = sign(docs, config, &hasher, &classifier, progress);
    timings.stage("sign");
    // 2. Shingle postings: the pairs of documents that share shingles, and
    // the masked shingles the formula model learns from.
    let max_df = config.max_df.resolve(docs.len());
    let (postings, formula_postings) = shingle_postings(&mut data, config.max_bucket, max_df);
    timings.stage("postings");
    // 3. LSH candidates from the signatures, merged with the postings'.
    let lsh_candidates = lsh::candidates(&signatures, lsh_params, config.max_bucket)?;
    warnings.extend(capped_warning(
        &lsh_candidates.capped,
        config.max_bucket,
        |d| &docs[d as usize].id,
    ));
    timings.stage("lsh");
    let thresholds = config.thresholds();
    let (verbatim_pairs, candidates, df) = candidate_pairs(
        &mut data,
        &postings,
        &lsh_candidates.pairs,
        config,
        &thresholds,
        &cross,
    );
    let figure_df = pairs::figure_frequencies(&mut data);
    if timings.on() {
        eprintln!("athar: {} candidate pairs", candidates.len());
    }
    timings.stage("candidates");
    // 4. Exact verification of every candidate; near-duplicate clusters.
    let verified = verify_pairs(&data, candidates, progress);
    let mut components = near_duplicate_components(docs.len(), &verified, &thresholds);
    timings.stage("verify");
    // 5. Boilerplate: shingles found in more than max_df near-duplicate
    // clusters (a lone document is its own cluster).
    let boilerplate = boilerplate(postings, &mut components, max_df, config, &mut warnings);
    // Shingle sets served the postings and verification; free them.
    for d in &mut data {
        d.shingle_set = Vec::new();
    }
    timings.stage("boilerplate");
    // 5b. Formula: masked shingles in more unrelated documents than chance
    // allows (see `evidence::formula`).
    let model = formula_model(docs.len(), &verified, formula_postings, k, &timings);
    let formula_min_clusters = model.min_clusters() as usize;
    let evidence = Evidence::new(model, classifier);
    timings.stage("formula");
    // Content words (stems and weights) of the documents of candidate pairs,
    // for reworded passages.
    let content = content_docs(docs, config, &verified, &df);
    let rework = rework_params(docs.len());
    timings.stage("content");
    // 6. Verbatim alignment of the candidates that share enough shingles,
    // weighed by evidence, beside reused phrases and formula templates
    // (both parallel).
    let align_params = align_params(config);
    let phrase_params = PhraseParams {
        min_tokens: PHRASE_MIN_TOKENS,
        max_df,
        top: 200,
    };
    let dates = publication_dates(corpus);
    let stage = AlignStage {
        data: &data,
        signatures: &signatures,
        boilerplate: &boilerplate,
        thresholds: &thresholds,
        params: &align_params,
        min_shared: config.min_shared(),
        evidence: &evidence,
        all_passages: config.all_passages,
        content: &content,
        rework: &rework,
        verbatim_pairs: &verbatim_pairs,
        rare_idf: RARE_IDF.min(content::idf(2, docs.len())),
        figure_df: &figure_df,
        min_evidence: config.min_evidence,
        dates: &dates,
        cycle_days: config.cycle_days,
        distant_unlisted: AtomicUsize::new(0),
    };
    let (linked, (reused, templates)) =
        align_and_phrases(&stage, verified, &phrase_params, &timings, progress);
    timings.stage("align+phrases");
    let distant = stage.distant_unlisted.load(Ordering::Relaxed);
    if distant > 0 {
        let days = config.cycle_days.unwrap_or_default();
        warnings.push(format!(
            "{distant} pair(s) sharing passages not listed: their documents were published more \
             than {days} day(s) apart and their passages weigh less than twice --min-evidence \
             (--cycle-days any lists them)"
        ));
    }
    // 7. Repeats inside documents.
    drop(content);
    let (repeats, repeat_weights) = repeats(&data, roles, &align_params, &evidence);
    let stats = doc_stats(&data);
    // The formula runs of every document: the narrative level does not
    // read stock text (a story is never told in formula).
    let formula_runs = if config.narratives {
        formula_runs(&data, &evidence)
    } else {
        Vec::new()
    };
    // Token hashes are not needed any more: free them before the span map.
    drop(data);
    timings.stage("repeats");
    // 8. Build the report: ids, byte and character offsets, sorted sections.
    // Token spans are needed only for the documents the report points into.
    // With narratives, the narrative stage reads (tokenizes) every document
    // first and keeps the tokens of those for the span map, which then
    // tokenizes nothing again.
    let needed = needed_docs(docs.len(), &linked, &repeats, &reused, &templates);
    let (narrative_index, read_tokens) = if config.narratives {
        progress.start("narratives", 2);
        let (index, tokens) =
            narratives::read(docs, &sentence_spans, &formula_runs, config, &needed);
        progress.advance(1);
        timings.stage("narrative read");
        (Some(index), tokens)
    } else {
        (None, Vec::new())
    };
    let spans = spans::SpanMap::new(docs, config, Some(&needed), read_tokens);
    timings.stage("spanmap");
    let found = Findings {
        linked,
        repeats,
        repeat_weights,
        reused: phrases_across(reused, roles),
        templates,
        stats,
    };
    let mut report = report_head(config, lsh_params, max_df, formula_min_clusters, roles);
    report_sections(&mut report, corpus, config, &thresholds, &spans, &found, df);
    timings.stage("build");
    if let Some(index) = narrative_index {
        let outlets = outlets(corpus);
        // Reference mode: only links between the two sets; and links
        // between outlets unless asked otherwise.
        let may_link = |a: usize, b: usize| {
            cross(a as u32, b as u32)
                && (config.narrative_same_outlet
                    || !matches!((outlets[a], outlets[b]), (Some(x), Some(y)) if x == y))
        };
        let (narrative_links, narratives) = narratives::narratives(
            &index,
            &spans,
            &found.linked,
            &report.clusters,
            config,
            &may_link,
            &dates,
        );
        progress.advance(1);
        progress.finish();
        report.narrative_links = narrative_links;
        warnings.extend(narratives::cap_links(&mut report.narrative_links, config));
        report.narratives = narratives;
    }
    timings.stage("narratives");
    report.warnings = warnings;
    crate::direction::annotate(&mut report);
    Ok(report)
}

/// The verbatim aligner's parameters.
fn align_params(config: &Config) -> AlignParams {
    AlignParams {
        k: config.shingle_size,
        max_gap: config.max_gap,
        min_passage: config.min_passage,
        merge_gap: AlignParams::default().merge_gap.max(config.max_gap),
        ..AlignParams::default()
    }
}

/// Stage 6: the verified pairs aligned (verbatim and reworded passages,
/// weighed), beside the reused phrases and the formula templates.
fn align_and_phrases(
    stage: &AlignStage<'_>,
    verified: Vec<Verified>,
    phrase_params: &PhraseParams,
    timings: &Timings,
    progress: &dyn Progress,
) -> (Vec<Linked>, (Vec<phrases::ReusedPhrase>, Templates)) {
    rayon::join(
        || {
            let t = std::time::Instant::now();
            let linked = stage.align(verified, progress);
            timings.note("align", t);
            linked
        },
        || {
            let t = std::time::Instant::now();
            let found = phrases_and_templates(stage.data, stage.evidence, phrase_params);
            timings.note("phrases", t);
            found
        },
    )
}

/// Stage 6, beside alignment: the reused phrases, and the formula templates
/// with the token classes of their example.
fn phrases_and_templates(
    data: &[DocData],
    evidence: &Evidence,
    phrase_params: &PhraseParams,
) -> (Vec<phrases::ReusedPhrase>, Templates) {
    let hashes: Vec<&[u64]> = data.iter().map(|d| d.token_hashes.as_slice()).collect();
    let reused = phrases::reused_phrases(&hashes, phrase_params);
    let templates = evidence.model.templates_with(
        data.len(),
        |d, out| evidence::masked_hashes(&data[d].token_hashes, &data[d].masks, out),
        FORMULA_TEMPLATES,
    );
    let templates = templates
        .into_iter()
        .map(|t| {
            let d = &data[t.doc as usize];
            let masks = d.masks[t.tokens.start as usize..t.tokens.end as usize].to_vec();
            (t, masks)
        })
        .collect();
    (reused, templates)
}

/// Stage 7: the repeats inside every document (suspects only in reference
/// mode), with the evidence weight of each (the lighter copy). From one
/// shingle up, so that a short caption or heading printed several times is
/// found; below `min_passage` only whole lines are kept (see
/// `build::whole_line`).
fn repeats(
    data: &[DocData],
    roles: Option<&[Role]>,
    align_params: &AlignParams,
    evidence: &Evidence,
) -> (Repeats, Vec<Vec<f64>>) {
    let params = &AlignParams {
        min_passage: align_params.k.min(align_params.min_passage),
        ..*align_params
    };
    let repeats: Repeats = data
        .par_iter()
        .enumerate()
        .filter(|(i, _)| roles.is_none_or(|r| r[*i] == Role::Suspect))
        .map(|(i, d)| (i as u32, align::repeats(&d.token_hashes, params)))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let weights = repeats
        .par_iter()
        .map(|(d, ms)| {
            let e = data[*d as usize].evidence();
            ms.iter()
                .map(|m| {
                    evidence
                        .weight(e, m.a.clone())
                        .min(evidence.weight(e, m.b.clone()))
                })
                .collect()
        })
        .collect();
    (repeats, weights)
}

/// Per document, its publication time (seconds) when its metadata gives a
/// date athar reads ([`crate::direction::publication_date`]).
fn publication_dates(corpus: &Corpus) -> Vec<Option<i64>> {
    corpus
        .documents
        .iter()
        .map(|d| crate::direction::publication_date(corpus.meta.get(&d.id)))
        .collect()
}

/// The outlet of every document (from its metadata), trimmed; `None` when
/// unknown.
fn outlets(corpus: &Corpus) -> Vec<Option<&str>> {
    corpus
        .documents
        .iter()
        .map(|d| {
            let outlet = corpus.meta.get(&d.id)?.outlet.as_deref()?.trim();
            (!outlet.is_empty()).then_some(outlet)
        })
        .collect()
}

/// Tokens and sentences of every document.
fn doc_stats(data: &[DocData]) -> Vec<DocStats> {
    data.iter()
        .map(|d| DocStats {
            tokens: d.token_hashes.len(),
            sentences: d.sentence_starts.len(),
        })
        .collect()
}

/// The formula runs (token ranges) of every document.
fn formula_runs(data: &[DocData], evidence: &Evidence) -> Vec<Vec<std::ops::Range<u32>>> {
    data.par_iter()
        .map_init(Vec::new, |buf, d| {
            evidence::masked_hashes(&d.token_hashes, &d.masks, buf);
            evidence.model.formula_ranges(buf)
        })
        .collect()
}

/// What the stages found, for the report.
struct Findings {
    linked: Vec<Linked>,
    repeats: Repeats,
    /// The evidence weight of each repeat.
    repeat_weights: Vec<Vec<f64>>,
    reused: Vec<phrases::ReusedPhrase>,
    templates: Templates,
    stats: Vec<DocStats>,
}

/// A report with its parameters, before its sections.
fn report_head(
    config: &Config,
    lsh_params: lsh::LshParams,
    max_df: usize,
    formula_min_clusters: usize,
    roles: Option<&[Role]>,
) -> Report {
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("athar {}", env!("CARGO_PKG_VERSION")),
        params: params(config, lsh_params, max_df),
        ..Report::default()
    };
    report.params.formula_min_clusters = Some(formula_min_clusters);
    if roles.is_some() {
        report.params.mode = Some(crate::report::MODE_REFERENCE.to_string());
    }
    report
}

/// Stage 8: the report's sections, every one sorted, with byte and
/// character offsets from `spans`. The stems' document frequencies rank the
/// phrases and are freed.
fn report_sections(
    report: &mut Report,
    corpus: &Corpus,
    config: &Config,
    thresholds: &Thresholds,
    spans: &spans::SpanMap<'_>,
    found: &Findings,
    df: content::DocFrequencies,
) {
    let docs = &corpus.documents;
    report.documents = build::document_entries(corpus, &found.stats);
    report.summary = build::summary(corpus, &found.stats);
    report.skipped = skipped_entries(&corpus.skipped);
    report.pairs = pair_entries(docs, &found.linked, thresholds);
    report.formula = formula_entries(spans, &found.templates);
    report.clusters = near_duplicate_clusters(docs, &found.linked, thresholds);
    report.passages = passage_entries(
        spans,
        &found.linked,
        &found.repeats,
        &found.repeat_weights,
        config.min_passage,
    );
    report.phrases = phrase_entries(
        spans,
        &found.reused,
        PHRASE_MIN_TOKENS,
        config.normalize,
        &df,
    );
}

/// The report's near-duplicate clusters: the linked pairs that pass the
/// thresholds, scored by the larger of Jaccard and containment.
fn near_duplicate_clusters(
    docs: &[Document],
    linked: &[Linked],
    thresholds: &Thresholds,
) -> Vec<crate::report::Cluster> {
    let kept: Vec<(u32, u32, f64)> = linked
        .iter()
        .filter(|l| l.sim.passes(thresholds))
        .map(|l| (l.a, l.b, l.sim.jaccard.max(l.sim.max_containment())))
        .collect();
    cluster_entries(docs.len(), &kept, |d| &docs[d as usize].id)
}

/// The phrases that join both sets in reference mode (all of them
/// otherwise).
fn phrases_across(
    reused: Vec<phrases::ReusedPhrase>,
    roles: Option<&[Role]>,
) -> Vec<phrases::ReusedPhrase> {
    let Some(roles) = roles else {
        return reused;
    };
    reused
        .into_iter()
        .filter(|p| {
            let role = |o: &phrases::Occurrence| roles[o.doc as usize];
            let first = role(&p.occurrences[0]);
            p.occurrences.iter().any(|o| role(o) != first)
        })
        .collect()
}
