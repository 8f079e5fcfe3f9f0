//! Stages 1 to 5 of [`super::analyse`]: every document signed (tokens,
//! shingles, MinHash, masks, stems), the candidate pairs (shingle postings,
//! LSH, reworded candidates), their exact verification, the boilerplate and
//! formula decisions, and the content words of the documents paired.

use rayon::prelude::*;

use crate::candidates::{self, DocShingles, Postings};
use crate::cluster::UnionFind;
use crate::corpus::Document;
use crate::evidence::{self, Classifier, EvidenceDoc, TokenClass};
use crate::passages::content::{self, ContentDoc};
use crate::passages::reworded::ReworkParams;
use crate::phrases;
use crate::sketch::minhash::{MinHashParams, MinHasher, SignBuffer, Signature};
use crate::sketch::shingle;
use crate::span::Span;
use crate::text::sentences::sentences;
use crate::text::tokenize::{Tokenizer, Tokens};
use crate::timing::Timings;
use crate::verify::{self, Thresholds};

use super::{
    Config, MIN_SHARED_SHINGLES_REWORDED, MIN_SHARED_STEMS, Pairs, Progress, STEM_BUCKET, Verified,
};

/// Per-document results of the first pass.
pub(super) struct DocData {
    /// One stable hash per normalized token.
    pub(super) token_hashes: Vec<u64>,
    /// Sorted, distinct shingle hashes.
    pub(super) shingle_set: Vec<u64>,
    /// Token index at which each sentence starts, ascending (the first is
    /// 0 when the document starts with a token).
    pub(super) sentence_starts: Vec<u32>,
    /// Sorted, distinct figures of the document ([`evidence::figures`]),
    /// until their document frequencies are counted.
    pub(super) figures: Vec<u64>,
    /// Per token: a number, a month name, or neither ([`Classifier::mask`]).
    pub(super) masks: Vec<TokenClass>,
    /// Sorted exact hashes of the shingles that hold a masked token.
    pub(super) exact_masked: Vec<u64>,
    /// Sorted masked hashes of the same shingles.
    pub(super) masked_set: Vec<u64>,
    /// Sorted, distinct hashes of the content stems (reworded candidates).
    pub(super) stems: Vec<u64>,
}

impl DocData {
    pub(super) fn evidence(&self) -> EvidenceDoc<'_> {
        EvidenceDoc {
            token_hashes: &self.token_hashes,
            masks: &self.masks,
        }
    }
}

/// The MinHash signer the configuration asks for.
pub(super) fn minhasher(config: &Config) -> crate::Result<MinHasher> {
    MinHasher::new(MinHashParams {
        algorithm: config.algorithm,
        num_perm: config.num_perm,
        seed: config.seed,
        k: config.shingle_size,
        ..MinHashParams::new(&config.normalize)
    })
}

/// Stage 1: per document, in parallel, the token hashes, the sorted shingle
/// set and the signature; sentence spans are kept only for the narrative
/// stage (the count always).
pub(super) fn sign(
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
                    let sentence_starts = sentence_starts(tokens, &sents);
                    let mut figures = Vec::new();
                    let whole = 0..token_hashes.len() as u32;
                    evidence::figures(
                        EvidenceDoc {
                            token_hashes: &token_hashes,
                            masks: &masks,
                        },
                        whole,
                        &mut figures,
                    );
                    figures.sort_unstable();
                    figures.dedup();
                    progress.advance(1);
                    let data = DocData {
                        token_hashes,
                        shingle_set,
                        sentence_starts,
                        figures,
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

/// Stage 2: the shingle postings of every document (shared shingles, and
/// the masked shingles of the formula model, handed out apart). The masked
/// sets are freed.
pub(super) fn shingle_postings(
    data: &mut [DocData],
    max_bucket: usize,
    max_df: usize,
) -> (Postings, evidence::FormulaPostings) {
    let sets: Vec<DocShingles<'_>> = data
        .iter()
        .map(|d| DocShingles {
            exact: &d.shingle_set,
            exact_masked: &d.exact_masked,
            masked: &d.masked_set,
        })
        .collect();
    let mut postings = candidates::shingle_postings(&sets, max_bucket, max_df);
    drop(sets);
    let formula_postings = std::mem::take(&mut postings.formula);
    for d in data.iter_mut() {
        d.exact_masked = Vec::new();
        d.masked_set = Vec::new();
    }
    (postings, formula_postings)
}

/// Stage 3: the pairs verbatim alignment looks at (LSH pairs and the
/// postings' pairs worth verifying); every candidate (those and the
/// reworded candidates), across the roles, sorted and distinct; and the
/// content stems' document frequencies.
pub(super) fn candidate_pairs(
    data: &mut [DocData],
    postings: &Postings,
    lsh_pairs: &[(u32, u32)],
    config: &Config,
    thresholds: &Thresholds,
    cross: &dyn Fn(u32, u32) -> bool,
) -> (Pairs, Pairs, content::DocFrequencies) {
    let worth = |(a, b): (u32, u32), n: u32| {
        let size = |d: u32| data[d as usize].shingle_set.len();
        candidates::worth_verifying(
            n as usize,
            size(a),
            size(b),
            config.min_shared(),
            thresholds,
        )
    };
    // The others are aligned for reworded passages only.
    let verbatim_pairs = merge_candidates(postings, lsh_pairs, worth);
    let (reworded_pairs, df) = reworded_candidates(data, postings);
    let mut candidates = verbatim_pairs.clone();
    candidates.extend(reworded_pairs);
    candidates.retain(|&(a, b)| cross(a, b));
    candidates.par_sort_unstable();
    candidates.dedup();
    (verbatim_pairs, candidates, df)
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

/// Two documents whose lengths (in tokens) multiply to more than this
/// squared are a *long pair*: book-length documents (a 1 MB book holds about
/// 90,000 tokens), far longer than any news article or the documents of the
/// PAN corpora.
pub(super) const LONG_PAIR_TOKENS: usize = 50_000;

/// `max(1, a·b / LONG_PAIR_TOKENS²)` rounded up, for documents of `a` and `b`
/// tokens: what two texts share by chance grows with the product of their
/// lengths, what one reworded passage shares does not. A long pair (factor
/// above 1) is aligned for reworded passages alone when it shares
/// [`MIN_SHARED_SHINGLES_REWORDED`] times this many shingles; rare stems do
/// not pair it (a book holds thousands of the stems a corpus of books calls
/// rare, and any two books share hundreds). Pairs sharing a verbatim passage
/// are aligned whatever their length.
pub(super) fn chance_factor(a: usize, b: usize) -> usize {
    let l2 = (LONG_PAIR_TOKENS * LONG_PAIR_TOKENS) as u128;
    ((a as u128 * b as u128).div_ceil(l2)).max(1) as usize
}

/// Reworded candidates: pairs sharing [`MIN_SHARED_STEMS`] content stems
/// found in at most [`STEM_BUCKET`] documents, and pairs sharing
/// [`MIN_SHARED_SHINGLES_REWORDED`] shingles, too few for a verbatim passage
/// (synonyms substituted break most shingles); for long pairs, see
/// [`chance_factor`]. With the stems' document frequencies. The documents'
/// stem sets are freed.
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

/// Stage 4: exact Jaccard and containments of every candidate.
pub(super) fn verify_pairs(
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

/// Stage 4: the near-duplicate components: the verified pairs that pass the
/// thresholds, joined.
pub(super) fn near_duplicate_components(
    n: usize,
    verified: &[Verified],
    thresholds: &Thresholds,
) -> UnionFind {
    let mut components = UnionFind::new(n);
    for (a, b, sim) in verified {
        if sim.passes(thresholds) {
            components.union(*a, *b);
        }
    }
    components
}

/// Stage 5: the boilerplate shingles, decided on near-duplicate clusters
/// (`components`). Counting clusters, not documents, keeps a story
/// republished by many outlets from being taken for boilerplate, while a
/// site template in unrelated articles is. Warns of shingles too crowded to
/// pair documents.
pub(super) fn boilerplate(
    postings: Postings,
    components: &mut UnionFind,
    max_df: usize,
    config: &Config,
    warnings: &mut Vec<String>,
) -> phrases::BoilerplateSet {
    let (boilerplate, crowded) = postings.boilerplate(components, max_df, config.max_bucket);
    if crowded > 0 {
        warnings.push(format!(
            "{crowded} shingle(s) occur in more than --max-bucket {} documents (but in no more \
             than --max-df {max_df} unrelated ones): they do not pair documents on their own",
            config.max_bucket
        ));
    }
    boilerplate
}

/// The formula model of `n` documents: masked shingles in more unrelated
/// documents than chance allows. Copies (pairs at
/// [`evidence::COPY_JACCARD`] or above, and their transitive closure) count
/// once.
pub(super) fn formula_model(
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

/// The content words of every document found in a verified pair (the others
/// stay empty): token positions, stems and their weights (IDF over the
/// corpus, from `df`).
pub(super) fn content_docs(
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

/// Reworded-passage parameters for a corpus of `n` documents.
pub(super) fn rework_params(n: usize) -> ReworkParams {
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

/// The token index at which each sentence of `sents` starts: its first
/// token (sentences holding no token are left out).
fn sentence_starts(tokens: &Tokens, sents: &[Span]) -> Vec<u32> {
    let mut out = Vec::with_capacity(sents.len());
    let mut t = 0;
    for s in sents {
        while t < tokens.len() && tokens.span(t).start() < s.start() {
            t += 1;
        }
        if t < tokens.len() && tokens.span(t).start() < s.end() && out.last() != Some(&(t as u32)) {
            out.push(t as u32);
        }
    }
    out
}

/// Document frequencies of the documents' figures; the figure sets are
/// freed.
pub(super) fn figure_frequencies(data: &mut [DocData]) -> content::DocFrequencies {
    let sets: Vec<&[u64]> = data.iter().map(|d| d.figures.as_slice()).collect();
    let df = content::document_frequencies(&sets);
    drop(sets);
    for d in data.iter_mut() {
        d.figures = Vec::new();
    }
    df
}
