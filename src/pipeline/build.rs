//! Report builders the pipeline, `dedup` and `tune` share: pair order and
//! relation, clusters, document entries, parameters, rounding.

use crate::cluster;
use crate::corpus::Corpus;
use crate::report::{Cluster, DocumentEntry, Params, Relation, Status, Summary};
use crate::sketch::lsh::{self, LshParams};
use crate::span::Span;
use crate::verify::{Similarity, Thresholds};

use super::Config;

/// A reused phrase needs this many words that are neither stop words nor
/// numbers: «في إسرائيل منذ» is not worth reporting, «في الأشهر الأخيرة» is.
pub(crate) const MIN_PHRASE_CONTENT_WORDS: usize = 2;

/// Rounds a ratio to 4 decimals for the report (stable text and JSON).
pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// True when `span` covers a whole line of `text`: nothing but white space
/// and punctuation between it and the line breaks (or the ends of the text)
/// around it. A caption or heading printed several times is such a line.
pub(crate) fn whole_line(text: &str, span: Span) -> bool {
    let filler = |c: char| !c.is_alphanumeric();
    let before = text[..span.start()].rsplit('\n').next().unwrap_or("");
    let after = text[span.end()..].split('\n').next().unwrap_or("");
    before.chars().all(filler) && after.chars().all(filler)
}

/// Per-document facts for the report.
pub(crate) struct DocStats {
    pub(crate) tokens: usize,
    pub(crate) sentences: usize,
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
            propagation: Vec::new(),
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
        meta: None,
    }
}

/// The report's parameters of a run.
pub(crate) fn params(config: &Config, lsh: LshParams, max_df: usize) -> Params {
    Params {
        normalize: config.normalize.id(),
        shingle_size: config.shingle_size,
        hash: crate::sketch::shingle::HASH_ID.to_string(),
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
        formula_min_clusters: None,
        min_evidence: (!config.all_passages).then_some(round(config.min_evidence)),
        cycle_days: config.cycle_days.filter(|_| !config.all_passages),
        narrative_days: config.narrative_days.filter(|_| config.narratives),
        narrative_same_outlet: config.narratives && config.narrative_same_outlet,
        mode: None,
    }
}

pub(crate) fn document_entries(corpus: &Corpus, stats: &[DocStats]) -> Vec<DocumentEntry> {
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
            meta: corpus.meta.get(&d.id).cloned(),
        })
        .collect();
    out.extend(corpus.skipped.iter().map(skipped_document));
    out
}

pub(crate) fn summary(corpus: &Corpus, stats: &[DocStats]) -> Summary {
    Summary {
        documents_read: corpus.documents.len() + corpus.skipped.len(),
        analysed: corpus.documents.len(),
        skipped: corpus.skipped.len(),
        bytes: corpus.documents.iter().map(|d| d.text.len() as u64).sum(),
        tokens: stats.iter().map(|s| s.tokens as u64).sum(),
        sentences: stats.iter().map(|s| s.sentences as u64).sum(),
    }
}
