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
mod spans;

use alignment::{AlignStage, RARE_IDF};
use entries::{
    FORMULA_TEMPLATES, formula_entries, needed_docs, pair_entries, passage_entries, phrase_entries,
};

use rayon::prelude::*;

use crate::candidates::{self, DocShingles, Postings};
use crate::cluster::UnionFind;
use crate::corpus::{Corpus, Document};
use crate::evidence::{self, Classifier, Evidence, EvidenceDoc, FormulaTemplate, TokenClass};
use crate::passages::align::{self, AlignParams, Match};
use crate::passages::content::{self, ContentDoc};
use crate::passages::reworded::{Aligned, ReworkParams};
use crate::phrases::{self, PhraseParams};
use crate::report::{Report, SCHEMA_VERSION};
use crate::sketch::lsh;
use crate::sketch::minhash::{MinHashParams, MinHasher, SignBuffer, Signature};
use crate::sketch::shingle;
use crate::span::Span;
use crate::text::sentences::sentences;
use crate::text::tokenize::{Tokenizer, Tokens};
use crate::timing::Timings;
use crate::verify::{self, Similarity, Thresholds};

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

/// Per-document results of the first pass.
struct DocData {
    /// One stable hash per normalized token.
    token_hashes: Vec<u64>,
    /// Sorted, distinct shingle hashes.
    shingle_set: Vec<u64>,
    /// Number of sentences.
    sentences: usize,
    /// Per token: a number, a month name, or neither ([`Classifier::mask`]).
    masks: Vec<TokenClass>,
    /// Sorted exact hashes of the shingles that hold a masked token.
    exact_masked: Vec<u64>,
    /// Sorted masked hashes of the same shingles.
    masked_set: Vec<u64>,
    /// Sorted, distinct hashes of the content stems (reworded candidates).
    stems: Vec<u64>,
}

impl DocData {
    fn evidence(&self) -> EvidenceDoc<'_> {
        EvidenceDoc {
            token_hashes: &self.token_hashes,
            masks: &self.masks,
        }
    }
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

/// The whole pipeline for [`analyse`] and [`analyse_against`]. It is long
/// because it is the list of stages in order, with what each hands to the
/// next and when memory is freed; every stage's work is a function below.
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
    let hasher = MinHasher::new(MinHashParams {
        algorithm: config.algorithm,
        num_perm: config.num_perm,
        seed: config.seed,
        k,
        ..MinHashParams::new(&config.normalize)
    })?;
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
    let sets: Vec<DocShingles<'_>> = data
        .iter()
        .map(|d| DocShingles {
            exact: &d.shingle_set,
            exact_masked: &d.exact_masked,
            masked: &d.masked_set,
        })
        .collect();
    let mut postings = candidates::shingle_postings(&sets, config.max_bucket, max_df);
    drop(sets);
    let formula_postings = std::mem::take(&mut postings.formula);
    for d in &mut data {
        d.exact_masked = Vec::new();
        d.masked_set = Vec::new();
    }
    timings.stage("postings");
    // 3. LSH candidates from the signatures, merged with the postings'.
    let lsh_candidates = lsh::candidates(&signatures, lsh_params, config.max_bucket)?;
    warnings.extend(capped_warning(
        &lsh_candidates.capped,
        config.max_bucket,
        |d| &docs[d as usize].id,
    ));
    timings.stage("lsh");
    let thresholds = Thresholds {
        jaccard: config.threshold,
        containment: Some(config.containment),
    };
    let worth = |(a, b): (u32, u32), n: u32| {
        let size = |d: u32| data[d as usize].shingle_set.len();
        candidates::worth_verifying(
            n as usize,
            size(a),
            size(b),
            config.min_shared(),
            &thresholds,
        )
    };
    // The pairs verbatim alignment looks at: LSH pairs and pairs of the
    // postings worth verifying. The others are aligned for reworded passages
    // only.
    let verbatim_pairs = merge_candidates(&postings, &lsh_candidates.pairs, worth);
    let (reworded_pairs, df) = reworded_candidates(&mut data, &postings);
    let mut candidates = verbatim_pairs.clone();
    candidates.extend(reworded_pairs);
    candidates.retain(|&(a, b)| cross(a, b));
    candidates.par_sort_unstable();
    candidates.dedup();
    if timings.on() {
        eprintln!("athar: {} candidate pairs", candidates.len());
    }
    timings.stage("candidates");
    // 4. Exact verification of every candidate; near-duplicate clusters.
    let verified = verify_pairs(&data, candidates, progress);
    let mut components = UnionFind::new(docs.len());
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
    let align_params = AlignParams {
        k,
        max_gap: config.max_gap,
        min_passage: config.min_passage,
        merge_gap: AlignParams::default().merge_gap.max(config.max_gap),
        ..AlignParams::default()
    };
    let phrase_params = PhraseParams {
        min_tokens: 3,
        max_df,
        top: 200,
    };
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
    };
    let (linked, (reused, templates)) = rayon::join(
        || {
            let t = std::time::Instant::now();
            let linked = stage.align(verified, progress);
            timings.note("align", t);
            linked
        },
        || {
            let t = std::time::Instant::now();
            let hashes: Vec<&[u64]> = data.iter().map(|d| d.token_hashes.as_slice()).collect();
            let reused = phrases::reused_phrases(&hashes, &phrase_params);
            let templates = evidence.model.templates_with(
                data.len(),
                |d, out| evidence::masked_hashes(&data[d].token_hashes, &data[d].masks, out),
                FORMULA_TEMPLATES,
            );
            let templates: Vec<(FormulaTemplate, Vec<TokenClass>)> = templates
                .into_iter()
                .map(|t| {
                    let d = &data[t.doc as usize];
                    let masks = d.masks[t.tokens.start as usize..t.tokens.end as usize].to_vec();
                    (t, masks)
                })
                .collect();
            timings.note("phrases", t);
            (reused, templates)
        },
    );
    timings.stage("align+phrases");
    // 7. Repeats inside documents: from one shingle up, so that a short
    // caption or heading printed several times is found; below
    // `min_passage` only whole lines are kept (see `build::whole_line`).
    let repeat_params = AlignParams {
        min_passage: k.min(config.min_passage),
        ..align_params
    };
    drop(content);
    let repeats: Vec<(u32, Vec<Match>)> = data
        .par_iter()
        .enumerate()
        .filter(|(i, _)| roles.is_none_or(|r| r[*i] == Role::Suspect))
        .map(|(i, d)| (i as u32, align::repeats(&d.token_hashes, &repeat_params)))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let repeat_weights: Vec<Vec<f64>> = repeats
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
    let stats: Vec<DocStats> = data
        .iter()
        .map(|d| DocStats {
            tokens: d.token_hashes.len(),
            sentences: d.sentences,
        })
        .collect();
    // The formula runs of every document: the narrative level does not
    // read stock text (a story is never told in formula).
    let formula_runs: Vec<Vec<std::ops::Range<u32>>> = if config.narratives {
        data.par_iter()
            .map_init(Vec::new, |buf, d| {
                evidence::masked_hashes(&d.token_hashes, &d.masks, buf);
                evidence.model.formula_ranges(buf)
            })
            .collect()
    } else {
        Vec::new()
    };
    // Token hashes are not needed any more: free them before the span map.
    drop(data);
    timings.stage("repeats");
    // 8. Build the report: ids, byte and character offsets, sorted sections.
    // Token spans are needed only for the documents the report points into
    // (the narrative stage tokenizes what it reads itself).
    let needed = needed_docs(docs.len(), &linked, &repeats, &reused, &templates);
    let spans = spans::SpanMap::new(docs, config, Some(&needed), sentence_spans);
    timings.stage("spanmap");
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
    report.documents = build::document_entries(corpus, &stats);
    report.summary = build::summary(corpus, &stats);
    report.skipped = skipped_entries(&corpus.skipped);
    report.pairs = pair_entries(docs, &linked, &thresholds);
    report.formula = formula_entries(&spans, &templates);
    let kept: Vec<(u32, u32, f64)> = linked
        .iter()
        .filter(|l| l.sim.passes(&thresholds))
        .map(|l| (l.a, l.b, l.sim.jaccard.max(l.sim.max_containment())))
        .collect();
    report.clusters = cluster_entries(docs.len(), &kept, |d| &docs[d as usize].id);
    report.passages = passage_entries(
        &spans,
        &linked,
        &repeats,
        &repeat_weights,
        config.min_passage,
    );
    let reused: Vec<phrases::ReusedPhrase> = match roles {
        // Reference mode: a phrase must be found in both sets.
        Some(r) => reused
            .into_iter()
            .filter(|p| {
                let role = |o: &phrases::Occurrence| r[o.doc as usize];
                let first = role(&p.occurrences[0]);
                p.occurrences.iter().any(|o| role(o) != first)
            })
            .collect(),
        None => reused,
    };
    report.phrases = phrase_entries(
        &spans,
        &reused,
        phrase_params.min_tokens,
        config.normalize,
        &df,
    );
    drop(df);
    timings.stage("build");
    if config.narratives {
        progress.start("narratives", 1);
        let cross = |a: usize, b: usize| cross(a as u32, b as u32);
        let (narrative_links, narratives) = narratives::narratives(
            &spans,
            &linked,
            &report.clusters,
            config,
            &cross,
            &formula_runs,
        );
        progress.finish();
        report.narrative_links = narrative_links;
        if !config.all_passages {
            let dropped = cap_links_per_pair(&mut report.narrative_links, MAX_LINKS_PER_PAIR);
            if dropped > 0 {
                warnings.push(format!(
                    "{dropped} narrative link(s) not listed: at most {MAX_LINKS_PER_PAIR} per \
                     document pair, the highest scores (--all-passages lists every one)"
                ));
            }
        }
        report.narratives = narratives;
    }
    timings.stage("narratives");
    report.warnings = warnings;
    crate::direction::annotate(&mut report);
    Ok(report)
}

/// Two documents whose lengths (in tokens) multiply to more than this
/// squared are a *long pair*: book-length documents (a 1 MB book holds about
/// 90,000 tokens), far longer than any news article or the documents of the
/// PAN corpora.
pub const LONG_PAIR_TOKENS: usize = 50_000;

/// `max(1, a·b / LONG_PAIR_TOKENS²)` rounded up, for documents of `a` and `b`
/// tokens: what two texts share by chance grows with the product of their
/// lengths, what one reworded passage shares does not. A long pair (factor
/// above 1) is aligned for reworded passages alone when it shares
/// [`MIN_SHARED_SHINGLES_REWORDED`] times this many shingles; rare stems do
/// not pair it (a book holds thousands of the stems a corpus of books calls
/// rare, and any two books share hundreds). Pairs sharing a verbatim passage
/// are aligned whatever their length.
pub fn chance_factor(a: usize, b: usize) -> usize {
    let l2 = (LONG_PAIR_TOKENS * LONG_PAIR_TOKENS) as u128;
    ((a as u128 * b as u128).div_ceil(l2)).max(1) as usize
}

/// Narrative links listed per document pair (the highest scores; ties by
/// position) unless `--all-passages`: two long documents telling the same
/// stories link window by window, thousands of times, where a reader needs
/// the pair and its strongest links. Narratives keep every link.
pub const MAX_LINKS_PER_PAIR: usize = 20;

/// Keeps at most `max` links of each document pair, the highest scores
/// first (then by position), in their order; returns how many were dropped.
fn cap_links_per_pair(links: &mut Vec<crate::report::NarrativeLink>, max: usize) -> usize {
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by(|&x, &y| {
        let (p, q) = (&links[x], &links[y]);
        (&p.a.doc, &p.b.doc)
            .cmp(&(&q.a.doc, &q.b.doc))
            .then(q.score.total_cmp(&p.score))
            .then((p.a.start, p.b.start, x).cmp(&(q.a.start, q.b.start, y)))
    });
    let mut keep = vec![false; links.len()];
    for run in order
        .chunk_by(|&x, &y| (&links[x].a.doc, &links[x].b.doc) == (&links[y].a.doc, &links[y].b.doc))
    {
        for &i in run.iter().take(max) {
            keep[i] = true;
        }
    }
    let before = links.len();
    let mut i = 0;
    links.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    before - links.len()
}

/// Reworded candidates: pairs sharing [`MIN_SHARED_STEMS`] content stems
/// found in at most [`STEM_BUCKET`] documents, and pairs sharing
/// [`MIN_SHARED_SHINGLES_REWORDED`] shingles, too few for a verbatim passage
/// (synonyms substituted break most shingles); for long pairs, see
/// [`chance_factor`]. With the stems' document frequencies. The
/// documents' stem sets are freed.
fn reworded_candidates(
    data: &mut [DocData],
    postings: &Postings,
) -> (Vec<(u32, u32)>, content::DocFrequencies) {
    let stem_sets: Vec<&[u64]> = data.iter().map(|d| d.stems.as_slice()).collect();
    let stem_docs: Vec<DocShingles<'_>> = stem_sets.iter().map(|s| DocShingles::exact(s)).collect();
    let stem_postings = candidates::shingle_postings(&stem_docs, STEM_BUCKET, usize::MAX).shared;
    drop(stem_docs);
    let df = content::document_frequencies(&stem_sets);
    drop(stem_sets);
    let tokens: Vec<usize> = data.iter().map(|d| d.token_hashes.len()).collect();
    let factor = |(a, b): (u32, u32)| chance_factor(tokens[a as usize], tokens[b as usize]);
    let pairs = stem_postings
        .iter()
        .filter(|&&(p, n)| n as usize >= MIN_SHARED_STEMS && factor(p) == 1)
        .chain(
            postings
                .shared
                .iter()
                .filter(|&&(p, n)| n as usize >= MIN_SHARED_SHINGLES_REWORDED * factor(p)),
        )
        .map(|&(p, _)| p)
        .collect();
    for d in data.iter_mut() {
        d.stems = Vec::new();
    }
    (pairs, df)
}

/// The formula model of `n` documents: masked shingles in more unrelated
/// documents than chance allows. Copies (pairs at
/// [`evidence::COPY_JACCARD`] or above, and their transitive closure) count
/// once.
fn formula_model(
    n: usize,
    verified: &[Verified],
    postings: evidence::FormulaPostings,
    k: usize,
    timings: &Timings,
) -> evidence::FormulaModel {
    let mut copies = UnionFind::new(n);
    for (a, b, sim) in verified {
        if sim.jaccard >= evidence::COPY_JACCARD {
            copies.union(*a, *b);
        }
    }
    let copy_of: Vec<u32> = (0..n as u32).map(|d| copies.find(d)).collect();
    let model = postings.model(k, |d| copy_of[d as usize]);
    if timings.on() {
        eprintln!(
            "athar: formula: {} distinct masked shingles, lambda {:.4}; formula from {} \
             clusters: {} shingles",
            model.distinct_shingles(),
            model.lambda(),
            model.min_clusters(),
            model.len()
        );
    }
    model
}

/// Reworded-passage parameters for a corpus of `n` documents.
fn rework_params(n: usize) -> ReworkParams {
    ReworkParams {
        // A stem found only in the two documents always anchors, however
        // small the corpus.
        anchor_min_weight: ReworkParams::default()
            .anchor_min_weight
            .min(content::idf(2, n)),
        // Matched words must weigh 2.5 each on average (a stem in about 8% of
        // the documents), or half the weight of a unique stem in a corpus
        // too small to weigh that much.
        min_matched_weight: ReworkParams::default()
            .min_matched_weight
            .min(ReworkParams::default().min_matched as f32 * 0.5 * content::idf(1, n)),
        ..ReworkParams::default()
    }
}

/// Stage 1: per document, in parallel, the token hashes, the sorted shingle
/// set and the signature; sentence spans are kept only for the narrative
/// stage (the count always).
fn sign(
    docs: &[Document],
    config: &Config,
    hasher: &MinHasher,
    classifier: &Classifier,
    progress: &dyn Progress,
) -> (Vec<DocData>, Vec<Signature>, Vec<Vec<Span>>) {
    let k = config.shingle_size;
    let keep_sentences = config.narratives;
    progress.start("signing", docs.len() as u64);
    #[allow(clippy::type_complexity)]
    let (data, (signatures, sentence_spans)): (Vec<DocData>, (Vec<Signature>, Vec<Vec<Span>>)) =
        docs.par_iter()
            .map_init(
                || {
                    (
                        Tokenizer::new(config.normalize),
                        Tokens::default(),
                        SignBuffer::default(),
                        Vec::new(),
                        content::StemCache::default(),
                    )
                },
                |(tokenizer, tokens, buf, scratch, stem_cache), doc| {
                    tokenizer.tokenize_into(&doc.text, tokens);
                    let mut token_hashes = Vec::with_capacity(tokens.len());
                    shingle::token_hashes(tokens, &mut token_hashes);
                    let mut shingle_set = Vec::new();
                    shingle::shingle_set_into(&token_hashes, k, &mut shingle_set);
                    // MinHash of the distinct shingles equals MinHash of the
                    // sequence: sign the set just built instead of rolling again.
                    let signature = hasher.sign_iter(shingle_set.iter().copied(), buf);
                    let sents = sentences(&doc.text);
                    let mut masks = Vec::new();
                    classifier.masks_into(tokens, &token_hashes, &mut masks);
                    let (mut exact_masked, mut masked_set) = (Vec::new(), Vec::new());
                    evidence::masked_shingle_sets(
                        &token_hashes,
                        &masks,
                        k,
                        scratch,
                        &mut exact_masked,
                        &mut masked_set,
                    );
                    let stems = stem_cache.stem_set(tokens, &token_hashes);
                    progress.advance(1);
                    let data = DocData {
                        token_hashes,
                        shingle_set,
                        sentences: sents.len(),
                        masks,
                        exact_masked,
                        masked_set,
                        stems,
                    };
                    let sents = if keep_sentences { sents } else { Vec::new() };
                    (data, (signature, sents))
                },
            )
            .unzip();
    progress.finish();
    (data, signatures, sentence_spans)
}

/// Stage 3: the pairs of the postings `worth` verifying (given the pair and
/// the number of shingles it shares), and the LSH pairs; sorted and distinct.
fn merge_candidates(
    postings: &Postings,
    lsh: &[(u32, u32)],
    worth: impl Fn((u32, u32), u32) -> bool,
) -> Vec<(u32, u32)> {
    let mut candidates: Vec<(u32, u32)> = postings
        .shared
        .iter()
        .filter(|&&(p, n)| worth(p, n))
        .map(|&(p, _)| p)
        .chain(lsh.iter().copied())
        .collect();
    candidates.par_sort_unstable();
    candidates.dedup();
    candidates
}

/// Stage 4: exact Jaccard and containments of every candidate.
fn verify_pairs(
    data: &[DocData],
    candidates: Vec<(u32, u32)>,
    progress: &dyn Progress,
) -> Vec<Verified> {
    progress.start("verifying", candidates.len() as u64);
    let verified = candidates
        .par_iter()
        .map(|&(a, b)| {
            progress.advance(1);
            let sim =
                verify::similarity(&data[a as usize].shingle_set, &data[b as usize].shingle_set);
            (a, b, sim)
        })
        .collect();
    progress.finish();
    verified
}

/// The content words of every document found in a verified pair (the others
/// stay empty): token positions, stems and their weights (IDF over the
/// corpus, from `df`).
fn content_docs(
    docs: &[Document],
    config: &Config,
    verified: &[Verified],
    df: &content::DocFrequencies,
) -> Vec<ContentDoc> {
    let mut needed = vec![false; docs.len()];
    for &(a, b, _) in verified {
        needed[a as usize] = true;
        needed[b as usize] = true;
    }
    let n = docs.len();
    docs.par_iter()
        .zip(needed.par_iter())
        .map_init(
            || {
                (
                    Tokenizer::new(config.normalize),
                    Tokens::default(),
                    Vec::new(),
                )
            },
            |(tokenizer, tokens, words), (doc, &need)| {
                if !need {
                    return ContentDoc::default();
                }
                tokenizer.tokenize_into(&doc.text, tokens);
                content::content_tokens(tokens, words);
                ContentDoc::new(words, |h| content::idf(df.get(h), n))
            },
        )
        .collect()
}

#[cfg(test)]
mod cap_tests {
    use super::cap_links_per_pair;
    use crate::report::{Loc, NarrativeLink};

    fn link(a: &str, b: &str, start: usize, score: f64) -> NarrativeLink {
        let loc = |doc: &str| Loc {
            doc: doc.to_string(),
            start,
            end: start + 10,
            start_char: start,
            end_char: start + 10,
        };
        NarrativeLink {
            a: loc(a),
            b: loc(b),
            tokens_a: 10,
            tokens_b: 10,
            score,
            anchors: Vec::new(),
            anchors_b: Vec::new(),
            narrative: None,
        }
    }

    #[test]
    fn links_are_capped_per_pair_keeping_the_best_in_order() {
        let mut links = vec![
            link("x", "y", 0, 0.5),
            link("x", "y", 10, 0.9),
            link("x", "z", 0, 0.1),
            link("x", "y", 20, 0.7),
            link("x", "y", 30, 0.7),
        ];
        assert_eq!(cap_links_per_pair(&mut links, 2), 2);
        let kept: Vec<(&str, usize)> = links
            .iter()
            .map(|l| (l.b.doc.as_str(), l.a.start))
            .collect();
        // The best two of x–y (0.9, then the earlier of the two 0.7), and x–z.
        assert_eq!(kept, [("y", 10), ("z", 0), ("y", 20)]);
        assert_eq!(cap_links_per_pair(&mut links, 2), 0);
    }
}
