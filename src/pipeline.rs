//! Runs the stages in order and builds the finished, sorted [`Report`].
//!
//! Pure: takes documents already read and a validated [`Config`], returns a
//! [`Report`]. Parallel with rayon; every output is sorted, so the report is
//! byte-identical for any thread count.

use rayon::prelude::*;

use crate::corpus::Corpus;
use crate::normalize::NormalizeOptions;
use crate::report::{DocumentEntry, Params, Report, SCHEMA_VERSION, Status, Summary};
use crate::tokenize::{Tokenizer, Tokens, sentences};

/// MinHash algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// One-permutation hashing with optimal densification: O(n + num_perm).
    #[default]
    Fast,
    /// num_perm universal hashes: the reference, O(n · num_perm).
    Classic,
}

/// A document-frequency limit: an absolute count or a share of the documents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DfLimit {
    /// At most this many documents.
    Count(usize),
    /// At most this share (0..1) of the analysed documents.
    Fraction(f64),
}

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
    /// Boilerplate limit on shingle document frequency.
    pub max_df: DfLimit,
    /// Largest gap (tokens) bridged inside one verbatim passage.
    pub max_gap: usize,
    /// Shortest passage reported (tokens).
    pub min_passage: usize,
    /// Look for narrative links.
    pub narratives: bool,
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
            max_df: DfLimit::Fraction(0.5),
            max_gap: 8,
            min_passage: 8,
            narratives: true,
            narrative_threshold: 0.3,
        }
    }
}

/// Receives progress from long stages. Implementations must be cheap and thread-safe.
pub trait Progress: Sync {
    /// A stage starts with `total` units of work.
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

/// Per-document facts from the first pass.
struct DocStats {
    tokens: usize,
    sentences: usize,
}

/// Analyse a corpus: the whole pipeline. Returns the finished, sorted report.
pub fn analyse(corpus: &Corpus, config: &Config, progress: &dyn Progress) -> crate::Result<Report> {
    if corpus.documents.is_empty() {
        return Err(crate::Error::NothingToAnalyse {
            read: corpus.skipped.len(),
        });
    }
    let docs = &corpus.documents;
    progress.start("tokenizing", docs.len() as u64);
    let stats: Vec<DocStats> = docs
        .par_iter()
        .map_init(
            || (Tokenizer::new(config.normalize), Tokens::default()),
            |(tokenizer, tokens), doc| {
                tokenizer.tokenize_into(&doc.text, tokens);
                progress.advance(1);
                DocStats {
                    tokens: tokens.len(),
                    sentences: sentences(&doc.text).len(),
                }
            },
        )
        .collect();
    progress.finish();

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("athar {}", env!("CARGO_PKG_VERSION")),
        params: params(config),
        ..Report::default()
    };
    report.documents = document_entries(corpus, &stats);
    report.summary = summary(corpus, &stats);
    report.skipped = corpus
        .skipped
        .iter()
        .map(|s| crate::report::SkippedEntry {
            id: s.id.clone(),
            source: s.source.clone(),
            reason: s.reason.clone(),
        })
        .collect();
    report.warnings = corpus.warnings.clone();
    Ok(report)
}

fn params(config: &Config) -> Params {
    Params {
        normalize: config.normalize.id(),
        shingle_size: config.shingle_size,
        hash: crate::shingle::HASH_ID.to_string(),
        ..Params::default()
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
    out.extend(corpus.skipped.iter().map(|s| DocumentEntry {
        id: s.id.clone(),
        source: s.source.clone(),
        bytes: s.bytes,
        tokens: 0,
        sentences: 0,
        status: Status::Skipped,
        reason: Some(s.reason.clone()),
    }));
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
