//! The near-duplicate pass on its own, over a stream of documents, in memory
//! that does not hold the texts: `athar dedup`.
//!
//! [`crate::pipeline::analyse`] keeps every text, token and shingle in memory
//! for the passage stages. A dataset builder deduplicating millions of
//! documents needs the clusters only. [`Dedup`] signs documents batch by batch
//! as they are read and keeps, per document, its MinHash signature (32-bit
//! slots), the high 32 bits of every shingle hash (in text order) and the
//! first [`HEAD_BYTES`] of its text for quoting; the texts themselves are
//! dropped. [`Dedup::finish`] runs LSH, exact verification (Jaccard and
//! containment, over compact shingle sets, see [`verify::compact_set`],
//! made only for the documents in a candidate pair) and clustering, and
//! returns a [`Report`] whose `params.mode` is [`MODE_NEAR_DUPLICATES`].
//!
//! The pairs are those LSH proposes. LSH aims at the lower of the Jaccard
//! threshold and the Jaccard that two documents of equal length have at the
//! containment threshold ([`lsh_target`]), so near-duplicates and contained
//! pairs of similar length are found. A short document contained in a much
//! longer one (high containment, low Jaccard) is found by `athar report`,
//! which also pairs documents through the shingles they share; here only
//! when LSH happens to propose the pair.
//!
//! # Example
//!
//! ```
//! use athar::corpus::{Document, Item};
//! use athar::dedup::{keep_list, Dedup};
//! use athar::pipeline::Config;
//!
//! let story = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة يضم مئتي سرير \
//!              ويخدم سكان الأحياء الشمالية والقرى المجاورة لها";
//! let doc = |id: &str, text: String| Item::Document(Document {
//!     id: id.into(),
//!     source: id.into(),
//!     text,
//! });
//! let mut dedup = Dedup::new(&Config::default())?;
//! dedup.add(vec![
//!     doc("a", story.to_string()),
//!     doc("b", format!("{story} الكبرى")),
//!     doc("c", "خبر آخر لا علاقة له بالمستشفى ولا بالوزارة".to_string()),
//! ]);
//! let report = dedup.finish(Vec::new())?;
//! assert_eq!(report.clusters.len(), 1);
//! assert_eq!(report.clusters[0].members, ["a", "b"]);
//! assert_eq!(keep_list(&report).len(), 2); // one of a and b, and c
//! # Ok::<(), athar::Error>(())
//! ```

use rayon::prelude::*;

use crate::corpus::{Item, Skipped};
use crate::pipeline::{self, Config};
use crate::report::{
    DocumentEntry, MODE_NEAR_DUPLICATES, Pair, Report, SCHEMA_VERSION, Status, Summary,
};
use crate::sketch::lsh::{self, LshParams};
use crate::sketch::minhash::{self, MinHashParams, MinHasher};
use crate::sketch::shingle;
use crate::text::tokenize::Tokenizer;
use crate::verify::{self, Similarity};

/// Bytes of each document's text kept for quoting in the text report (cut
/// back to a character boundary).
pub const HEAD_BYTES: usize = 240;

/// The near-duplicate pass over documents added in batches. See the module
/// docs.
pub struct Dedup {
    config: Config,
    hasher: MinHasher,
    lsh: LshParams,
    /// Analysed documents, in input order (`sentences` is not counted).
    entries: Vec<DocumentEntry>,
    /// Signature slots, `num_perm` per analysed document.
    values: Vec<u32>,
    /// Documents without a shingle (too short): in no pair.
    empty: Vec<bool>,
    /// The high 32 bits of every shingle hash, in text order, document
    /// after document (made into compact sets when verification needs
    /// them): one vector for each run of [`SIGN_RUN`] documents signed
    /// together, kept as it was signed (not copied into one vector, nor
    /// one allocation a document: the documents' data are kept to the end,
    /// and many small lasting allocations grow a thread's heap a page at a
    /// time).
    high: Vec<Vec<u32>>,
    /// Each document's run in `high` and the end of its values there.
    high_ends: Vec<(usize, usize)>,
    /// The start of every text, for quoting, one after the other.
    heads: String,
    /// End of each document's head in `heads`.
    head_ends: Vec<usize>,
    skipped: Vec<Skipped>,
}

impl std::fmt::Debug for Dedup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dedup")
            .field("documents", &self.entries.len())
            .field("skipped", &self.skipped.len())
            .field("lsh", &self.lsh)
            .finish()
    }
}

/// What signing gives for a run of documents (their signatures are written
/// in place): [`Dedup`]'s fields for them, ends counted from the run's start.
#[derive(Default)]
struct Signed {
    entries: Vec<DocumentEntry>,
    empty: Vec<bool>,
    high: Vec<u32>,
    high_ends: Vec<usize>,
    heads: String,
    head_ends: Vec<usize>,
}

/// Documents signed together, one task and one [`Signed`] for them.
const SIGN_RUN: usize = 64;

impl Dedup {
    /// A pass with `config`'s normalization, shingles, MinHash, LSH and
    /// thresholds (its passage and narrative settings do not apply), checked
    /// first with [`Config::validate`].
    pub fn new(config: &Config) -> crate::Result<Dedup> {
        config.validate()?;
        let hasher = MinHasher::new(MinHashParams {
            algorithm: config.algorithm,
            num_perm: config.num_perm,
            seed: config.seed,
            k: config.shingle_size,
            ..MinHashParams::new(&config.normalize)
        })?;
        let lsh = config.lsh_params(lsh_target(config))?;
        Ok(Dedup {
            config: config.clone(),
            hasher,
            lsh,
            entries: Vec::new(),
            values: Vec::new(),
            empty: Vec::new(),
            high: Vec::new(),
            high_ends: Vec::new(),
            heads: String::new(),
            head_ends: Vec::new(),
            skipped: Vec::new(),
        })
    }

    /// Documents added so far (analysed and skipped).
    pub fn len(&self) -> usize {
        self.entries.len() + self.skipped.len()
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Signs a batch of items, in parallel, keeping their order; the texts
    /// are dropped.
    pub fn add(&mut self, items: Vec<Item>) {
        let k = self.config.shingle_size;
        let hasher = &self.hasher;
        let normalize = self.config.normalize;
        let mut docs = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Item::Document(d) => docs.push(d),
                Item::Skipped(s) => self.skipped.push(s),
            }
        }
        // Signatures are written straight into their slots.
        let np = self.config.num_perm;
        let first = self.values.len();
        self.values.resize(first + docs.len() * np, 0);
        let signed: Vec<Signed> = docs
            .into_par_iter()
            .zip(self.values[first..].par_chunks_mut(np))
            .chunks(SIGN_RUN)
            .map_init(
                || {
                    (
                        Tokenizer::new(normalize),
                        Vec::new(),
                        Vec::new(),
                        Vec::new(),
                    )
                },
                |(tokenizer, mins, values, hashes), run| {
                    let mut out = Signed::default();
                    // Room for the shingles at the first go (about one a
                    // word; Arabic news has 12 bytes a word), given back at
                    // the end: no copy as the vector grows.
                    let bytes: usize = run.iter().map(|(d, _)| d.text.len()).sum();
                    out.high.reserve(bytes / 8);
                    for (doc, slots) in run {
                        // Token hashes straight from the text: no spans nor
                        // normalized copy are needed here.
                        tokenizer.token_hashes_into(&doc.text, hashes);
                        // One pass over the shingles signs them and keeps
                        // their high halves, unsorted: the signature does not
                        // depend on their order nor on repeats, and only the
                        // sets of documents in a candidate pair are sorted
                        // (in `finish`).
                        let high = &mut out.high;
                        let shingles = shingle::shingle_hashes(hashes, k)
                            .inspect(|&h| high.push((h >> 32) as u32));
                        let nonempty = hasher.sign_values_into(shingles, mins, values);
                        slots.copy_from_slice(values);
                        out.high_ends.push(out.high.len());
                        let mut cut = doc.text.len().min(HEAD_BYTES);
                        while !doc.text.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        out.heads.push_str(&doc.text[..cut]);
                        out.head_ends.push(out.heads.len());
                        out.empty.push(!nonempty);
                        out.entries.push(DocumentEntry {
                            bytes: doc.text.len() as u64,
                            tokens: hashes.len(),
                            sentences: 0,
                            status: Status::Analysed,
                            reason: None,
                            meta: None,
                            id: doc.id,
                            source: doc.source,
                        });
                    }
                    out.high.shrink_to_fit();
                    out
                },
            )
            .collect();
        for s in signed {
            let run = self.high.len();
            self.high_ends.extend(s.high_ends.iter().map(|&e| (run, e)));
            self.high.push(s.high);
            let base = self.heads.len();
            self.heads.push_str(&s.heads);
            self.head_ends.extend(s.head_ends.iter().map(|e| base + e));
            self.entries.extend(s.entries);
            self.empty.extend(s.empty);
        }
    }

    /// Takes the start of every analysed text (kept for quoting), leaving
    /// none: call before [`Dedup::finish`], then [`Heads::quoted`] on its
    /// report.
    pub fn take_heads(&mut self) -> Heads {
        Heads {
            text: std::mem::take(&mut self.heads),
            ends: std::mem::take(&mut self.head_ends),
        }
    }

    /// LSH, exact verification and clusters: the finished report.
    /// `warnings` are the reader's (they come first in the report).
    pub fn finish(self, warnings: Vec<String>) -> crate::Result<Report> {
        let n = self.entries.len();
        if n == 0 {
            return Err(crate::Error::NothingToAnalyse {
                read: self.skipped.len(),
            });
        }
        let mut timings = crate::timing::Timings::new();
        let np = self.config.num_perm;
        let values = &self.values;
        let empty = &self.empty;
        let candidates = lsh::candidates_from_values(
            n,
            |d| &values[d * np..(d + 1) * np],
            |d| empty[d],
            self.lsh,
            self.config.max_bucket,
        );
        timings.stage("lsh");
        let id = |d: u32| self.entries[d as usize].id.as_str();
        let mut warnings = warnings;
        warnings.extend(pipeline::capped_warning(
            &candidates.capped,
            self.config.max_bucket,
            id,
        ));
        let thresholds = self.config.thresholds();
        let mut high = self.high;
        let sets = compact_sets(&mut high, &self.high_ends, &candidates.pairs);
        let set = |d: u32| {
            let (run, ref r) = sets[d as usize];
            &high[run][r.clone()]
        };
        let mut kept: Vec<(u32, u32, Similarity)> = candidates
            .pairs
            .par_iter()
            .filter_map(|&(a, b)| {
                let sim = verify::similarity(set(a), set(b));
                sim.passes(&thresholds).then_some((a, b, sim))
            })
            .collect();
        drop(candidates);
        drop(high);
        kept.par_sort_by(|x, y| pipeline::pair_order((&x.2, x.0, x.1), (&y.2, y.0, y.1)));
        timings.stage("verify");
        let slots = |d: u32| &values[d as usize * np..(d as usize + 1) * np];
        let round = pipeline::round;
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            tool: format!("athar {}", env!("CARGO_PKG_VERSION")),
            params: crate::report::Params {
                max_df: None,
                max_gap: None,
                min_passage: None,
                narrative_threshold: None,
                mode: Some(MODE_NEAR_DUPLICATES.to_string()),
                ..pipeline::params(&self.config, self.lsh, 0)
            },
            ..Report::default()
        };
        report.pairs = kept
            .iter()
            .map(|&(a, b, sim)| Pair {
                a: id(a).to_string(),
                b: id(b).to_string(),
                jaccard: round(sim.jaccard),
                containment_a: round(sim.containment_a),
                containment_b: round(sim.containment_b),
                estimated_jaccard: Some(round(minhash::estimate_from_slots(slots(a), slots(b)))),
                shared_shingles: sim.intersection,
                passages: 0,
                relation: pipeline::relation(&sim, &thresholds),
                weight: 0.0,
                direction: None,
            })
            .collect();
        let weighted: Vec<(u32, u32, f64)> = kept
            .iter()
            .map(|&(a, b, s)| (a, b, s.jaccard.max(s.max_containment())))
            .collect();
        report.clusters = pipeline::cluster_entries(n, &weighted, id);
        report.summary = Summary {
            documents_read: n + self.skipped.len(),
            analysed: n,
            skipped: self.skipped.len(),
            bytes: self.entries.iter().map(|e| e.bytes).sum(),
            tokens: self.entries.iter().map(|e| e.tokens as u64).sum(),
            sentences: 0,
        };
        report.skipped = pipeline::skipped_entries(&self.skipped);
        report.documents = self.entries;
        report
            .documents
            .extend(self.skipped.iter().map(pipeline::skipped_document));
        report.warnings = warnings;
        timings.stage("report");
        Ok(report)
    }
}

/// The start of every analysed text ([`HEAD_BYTES`] at most), in the order
/// the documents were added: [`Dedup::take_heads`].
#[derive(Debug, Default)]
pub struct Heads {
    text: String,
    /// End of each document's head in `text`.
    ends: Vec<usize>,
}

impl Heads {
    /// The heads of the documents `report` names in a pair or a cluster,
    /// by id, for quoting them in the text report; `report` is what
    /// [`Dedup::finish`] returned for the same pass (its analysed documents
    /// come first, in the order they were added). The other documents, most
    /// of a large corpus, are never quoted: their heads are not copied.
    pub fn quoted(&self, report: &Report) -> std::collections::HashMap<String, String> {
        let named: ahash::AHashSet<&str> = report
            .pairs
            .iter()
            .flat_map(|p| [p.a.as_str(), p.b.as_str()])
            .chain(
                report
                    .clusters
                    .iter()
                    .flat_map(|c| c.members.iter().map(String::as_str)),
            )
            .collect();
        report
            .documents
            .iter()
            .zip(ranges(&self.ends))
            .filter(|(d, _)| named.contains(d.id.as_str()))
            .map(|(d, h)| (d.id.clone(), self.text[h].to_string()))
            .collect()
    }
}

/// The ranges of `0..ends.last()` that end at `ends`, in order.
fn ranges(ends: &[usize]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    starts.zip(ends).map(|(a, &b)| a..b)
}

/// Makes the compact shingle sets ([`verify::compact_set`]) of the
/// documents in `pairs` from their unsorted values in `high` (document `d`'s
/// run in `high` and end there at `ends[d]`): sorted, repeats removed, in
/// place. Returns the run and range where each document's set is (the
/// values of documents in no pair are left as they are: most documents are
/// in no candidate pair, and their sets are never compared).
fn compact_sets(
    high: &mut [Vec<u32>],
    ends: &[(usize, usize)],
    pairs: &[(u32, u32)],
) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut paired = vec![false; ends.len()];
    for &(a, b) in pairs {
        paired[a as usize] = true;
        paired[b as usize] = true;
    }
    // Each document's values: (run, start in the run, the values).
    let mut sets: Vec<(usize, usize, &mut [u32])> = Vec::with_capacity(ends.len());
    let mut runs = high.iter_mut().enumerate();
    let (mut run, mut start, mut rest): (usize, usize, &mut [u32]) = (usize::MAX, 0, &mut []);
    for &(r, end) in ends {
        if r != run {
            let values = loop {
                let (i, values) = runs.next().expect("a document's run is in high");
                if i == r {
                    break values;
                }
            };
            (run, start, rest) = (r, 0, values.as_mut_slice());
        }
        let (set, tail) = std::mem::take(&mut rest).split_at_mut(end - start);
        sets.push((run, start, set));
        (start, rest) = (end, tail);
    }
    sets.into_par_iter()
        .zip(paired)
        .map_init(
            || (Vec::new(), Vec::new()),
            |(values, scratch), ((run, start, set), paired)| {
                if !paired {
                    return (run, start..start + set.len());
                }
                values.clear();
                values.extend_from_slice(set);
                shingle::compact_set_of_high(values, scratch);
                set[..values.len()].copy_from_slice(values);
                (run, start..start + values.len())
            },
        )
        .collect()
}

/// The Jaccard LSH aims at: the lower of the Jaccard threshold and the
/// Jaccard of two documents of equal length at the containment threshold
/// (`c / (2 − c)`, 0.33 for 0.5), so that contained pairs of similar length
/// are proposed too. `athar report` finds contained pairs through shared
/// shingles instead.
pub fn lsh_target(config: &Config) -> f64 {
    let c = config.containment;
    config.threshold.min(c / (2.0 - c))
}

/// The documents to keep when deduplicating: every analysed document that is
/// in no cluster, and the representative of every cluster (the member most
/// similar to the others), in the order of `report.documents`.
pub fn keep_list(report: &Report) -> Vec<&str> {
    let mut dropped: ahash::AHashSet<&str> = ahash::AHashSet::new();
    for c in &report.clusters {
        dropped.extend(
            c.members
                .iter()
                .filter(|m| **m != c.representative)
                .map(String::as_str),
        );
    }
    report
        .documents
        .iter()
        .filter(|d| d.status == Status::Analysed && !dropped.contains(d.id.as_str()))
        .map(|d| d.id.as_str())
        .collect()
}
