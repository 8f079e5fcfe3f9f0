//! The report model: the types of the JSON contract
//! (`docs/report-schema.md`). Every byte offset indexes the document's
//! original UTF-8 text.

use serde::{Deserialize, Serialize};

/// Version of the JSON report format. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The whole result of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Version of this format ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `"athar <version>"`.
    pub tool: String,
    /// The parameters in force.
    pub params: Params,
    /// Totals over the corpus.
    pub summary: Summary,
    /// Every document read, analysed or skipped, in input order.
    pub documents: Vec<DocumentEntry>,
    /// Verified near-duplicate / reuse pairs, most similar first.
    pub pairs: Vec<Pair>,
    /// Near-duplicate clusters (connected components of `pairs`).
    pub clusters: Vec<Cluster>,
    /// Shared passages: verbatim and in-document repeats.
    pub passages: Vec<Passage>,
    /// Passages that recur across documents, grouped.
    pub narratives: Vec<Narrative>,
    /// Narrative links: two passages that tell one story in other words,
    /// with the anchors they share.
    #[serde(default)]
    pub narrative_links: Vec<NarrativeLink>,
    /// Reused phrases (maximal shared n-grams), most widespread first.
    pub phrases: Vec<Phrase>,
    /// Formula templates (datelines, titles, bulletins) learned from the
    /// corpus, most widespread first: shared text that is not reuse.
    #[serde(default)]
    pub formula: Vec<Formula>,
    /// Documents read but not analysed, with the reason.
    pub skipped: Vec<SkippedEntry>,
    /// Run-level warnings (capped buckets, renamed ids, ...).
    pub warnings: Vec<String>,
    /// Which outlet's documents are copied by which (near-duplicate and
    /// contained pairs with a direction whose two documents name their
    /// outlet), most pairs first
    /// ([`crate::direction`]); empty without outlets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outlet_flows: Vec<OutletFlow>,
}

/// Pairs whose earlier document came from outlet `from` and the later one
/// from outlet `to` ([`Report::outlet_flows`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletFlow {
    /// The outlet of the first document (the likely source).
    pub from: String,
    /// The outlet of the other document.
    pub to: String,
    /// Pairs in this direction.
    pub pairs: usize,
    /// Median delay of those pairs whose direction comes from dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_delay_seconds: Option<i64>,
}

/// Parameters in force for a run. Stages not run leave their fields `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Normalization id (preset plus changed flags, e.g. `default`).
    pub normalize: String,
    /// Words per shingle.
    pub shingle_size: usize,
    /// Stable hash of tokens and shingles (e.g. `xxh3-64`).
    pub hash: String,
    /// MinHash algorithm (`fast` or `classic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minhash: Option<String>,
    /// Number of MinHash values per signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_perm: Option<usize>,
    /// MinHash seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Jaccard threshold for a near-duplicate pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Containment threshold for a reuse pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub containment: Option<f64>,
    /// LSH bands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bands: Option<usize>,
    /// LSH rows per band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Largest LSH bucket expanded into pairs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bucket: Option<usize>,
    /// Document frequency above which a shingle is boilerplate (absolute count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_df: Option<usize>,
    /// Largest gap (tokens) bridged inside a verbatim passage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_gap: Option<usize>,
    /// Shortest passage reported (tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_passage: Option<usize>,
    /// Formula: a masked shingle found in at least this many near-duplicate
    /// clusters is formula (learned from the corpus; see `evidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula_min_clusters: Option<usize>,
    /// Evidence weight a pair's passages need together to list it as
    /// sharing passages (absent with `--all-passages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_evidence: Option<f64>,
    /// Documents dated more than this many days apart need twice
    /// `min_evidence` (absent: no such rule, or `--all-passages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_days: Option<f64>,
    /// Documents dated more than this many days apart are not linked as one
    /// story (absent: no limit, or no narratives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative_days: Option<f64>,
    /// `true` when narrative links between two articles of one outlet were
    /// looked for (`--narrative-same-outlet`); absent otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub narrative_same_outlet: bool,
    /// Score needed for a narrative link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative_threshold: Option<f64>,
    /// `near-duplicates` when only the near-duplicate pass ran (`athar
    /// dedup`): passages, narratives and phrases were not looked for and
    /// sentences were not counted. Absent from a full report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// [`Params::mode`] of a report made in reference mode (`athar report
/// SUSPECTS --against SOURCES`): only pairs across the two sets were compared.
pub const MODE_REFERENCE: &str = "reference";

/// [`Params::mode`] of a report made by the near-duplicate pass alone.
pub const MODE_NEAR_DUPLICATES: &str = "near-duplicates";

impl Params {
    /// True when only the near-duplicate pass ran ([`MODE_NEAR_DUPLICATES`]).
    pub fn near_duplicates_only(&self) -> bool {
        self.mode.as_deref() == Some(MODE_NEAR_DUPLICATES)
    }
}

/// Totals over the corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Documents read (analysed + skipped).
    pub documents_read: usize,
    /// Documents analysed.
    pub analysed: usize,
    /// Documents skipped.
    pub skipped: usize,
    /// Bytes of analysed text.
    pub bytes: u64,
    /// Tokens in analysed documents.
    pub tokens: u64,
    /// Sentences in analysed documents.
    pub sentences: u64,
}

/// Whether a document was analysed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Analysed.
    Analysed,
    /// Read but not analysed; see `reason`.
    Skipped,
}

/// One document read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    /// Document id.
    pub id: String,
    /// Where it came from (path, `path:line`, `-`).
    pub source: String,
    /// Size of the original text in bytes.
    pub bytes: u64,
    /// Number of tokens (0 when skipped).
    pub tokens: usize,
    /// Number of sentences (0 when skipped).
    pub sentences: usize,
    /// Analysed or skipped.
    pub status: Status,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Outlet, date, title and url, when the input gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<crate::corpus::DocMeta>,
}

/// A verified pair of similar documents (`a` < `b` in input order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// First document id.
    pub a: String,
    /// Second document id.
    pub b: String,
    /// Exact Jaccard of the shingle sets.
    pub jaccard: f64,
    /// |A∩B| / |A|: how much of `a` is found in `b`.
    pub containment_a: f64,
    /// |A∩B| / |B|: how much of `b` is found in `a`.
    pub containment_b: f64,
    /// MinHash estimate of the Jaccard (absent when found without MinHash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_jaccard: Option<f64>,
    /// Shingles the two share.
    pub shared_shingles: usize,
    /// Number of verbatim passages between the two.
    pub passages: usize,
    /// Why the pair is listed.
    #[serde(default)]
    pub relation: Relation,
    /// Evidence weight of the pair's verbatim passages together (the sum of
    /// their `weight`s); 0 when passages were not looked for.
    #[serde(default)]
    pub weight: f64,
    /// Which document came first, when dates or containments tell
    /// ([`crate::direction`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// Which document of a pair most likely came first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Direction {
    /// Id of the earlier document (the likely source).
    pub first: String,
    /// Seconds from the first document's date to the other's; absent when
    /// the direction comes from containments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<i64>,
    /// `date` (the earlier date) or `containment` (dates tie or are
    /// missing: the document found in the other is the source).
    pub basis: String,
}

impl Pair {
    /// The larger of the two containments.
    pub fn max_containment(&self) -> f64 {
        self.containment_a.max(self.containment_b)
    }
}

/// Why a pair of documents is listed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// Jaccard at or above the threshold.
    #[default]
    NearDuplicate,
    /// Below the Jaccard threshold, but one document is mostly contained in
    /// the other (containment at or above its threshold).
    Contained,
    /// Below both thresholds; the two share one or more verbatim passages.
    SharesPassages,
}

/// A near-duplicate cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Stable id: clusters are numbered from 1 in the order of their smallest member.
    pub id: usize,
    /// The member most similar to the others.
    pub representative: String,
    /// Member ids in input order.
    pub members: Vec<String>,
    /// The members with a date, earliest first: where and when the story
    /// was first seen, then each later sighting ([`crate::direction`]);
    /// empty when no member has a date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propagation: Vec<Sighting>,
}

/// One member of a cluster in its propagation ([`Cluster::propagation`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// Document id.
    pub doc: String,
    /// Its outlet, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Its date, as the input wrote it.
    pub date: String,
    /// Seconds after the cluster's first sighting (0 for the first).
    pub after_seconds: i64,
}

/// A span of one document's original text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Loc {
    /// Document id.
    pub doc: String,
    /// First byte (original text).
    pub start: usize,
    /// One past the last byte (original text).
    pub end: usize,
    /// `start` counted in Unicode scalar values.
    pub start_char: usize,
    /// `end` counted in Unicode scalar values.
    pub end_char: usize,
}

/// What kind of sharing a passage is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PassageKind {
    /// The same words in the same order (after normalization).
    Verbatim,
    /// Verbatim pieces joined with reworded text into one passage (a copy
    /// with sentences reordered or rewritten).
    Mixed,
    /// The same content words reworded: synonyms substituted, phrases or
    /// words reordered.
    Reworded,
    /// The same story told in other words (a narrative link).
    Narrative,
    /// Text repeated inside one document (`a.doc == b.doc`).
    Repeat,
}

/// A passage shared by two documents (or repeated inside one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Verbatim, narrative or repeat.
    pub kind: PassageKind,
    /// The span in the first document.
    pub a: Loc,
    /// The span in the second document.
    pub b: Loc,
    /// Tokens covered in `a`.
    pub tokens_a: usize,
    /// Tokens covered in `b`.
    pub tokens_b: usize,
    /// Verbatim: share of aligned tokens that are identical (0..1).
    /// Narrative: weighted overlap of content words (0..1).
    pub score: f64,
    /// Narrative: the shared key terms, in an original spelling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// Verbatim and repeat: the evidence weight, in content words outside
    /// formula (the lighter of the two sides). Absent for narrative passages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

/// A story or passage that recurs across documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Narrative {
    /// Stable id, numbered from 1.
    pub id: usize,
    /// A label made of the top shared terms.
    pub label: String,
    /// Number of distinct documents.
    pub docs: usize,
    /// The members, ordered by document then offset.
    pub members: Vec<Loc>,
    /// Index into `members` of the representative passage.
    pub representative: usize,
    /// True when every link inside is verbatim.
    pub verbatim: bool,
    /// The anchors the members share with the representative (names,
    /// places, rare words, figures), spelled as in the representative.
    #[serde(default)]
    pub anchors: Vec<String>,
    /// Number of narrative links inside (see `Report::narrative_links`).
    #[serde(default)]
    pub links: usize,
    /// The outlets that tell it: each with its documents among the
    /// members and, where dates exist, its first ([`crate::direction`]);
    /// empty when no member names its outlet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outlets: Vec<NarrativeOutlet>,
}

/// An outlet telling a narrative ([`Narrative::outlets`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeOutlet {
    /// The outlet (`meta.outlet`).
    pub outlet: String,
    /// The narrative's documents from this outlet.
    pub docs: usize,
    /// The date of its first dated document, as the input wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Seconds from the narrative's first dated document to this outlet's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_seconds: Option<i64>,
}

/// Two passages of two documents that tell the same story in other words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NarrativeLink {
    /// The passage in the first document.
    pub a: Loc,
    /// The passage in the second document.
    pub b: Loc,
    /// Tokens covered in `a`.
    pub tokens_a: usize,
    /// Tokens covered in `b`.
    pub tokens_b: usize,
    /// Weighted overlap of content words (0..1).
    pub score: f64,
    /// The shared anchors, heaviest first, spelled as in `a`.
    pub anchors: Vec<String>,
    /// The same anchors spelled as in `b`.
    pub anchors_b: Vec<String>,
    /// Id of the narrative holding both passages, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<usize>,
}

/// A phrase (n ≥ 3 tokens) reused across documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phrase {
    /// One original spelling of the phrase.
    pub text: String,
    /// Number of tokens.
    pub tokens: usize,
    /// Number of documents it occurs in.
    pub docs: usize,
    /// Where it occurs (at most one per document listed).
    pub occurrences: Vec<Loc>,
}

/// A formula template: stock text found in many unrelated documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Formula {
    /// The template: the example's words, numbers as `#` and month names as
    /// `[month]`.
    pub template: String,
    /// The example's original text.
    pub text: String,
    /// Number of documents it occurs in.
    pub docs: usize,
    /// Share of analysed documents it occurs in.
    pub fraction: f64,
    /// Where the example is.
    pub example: Loc,
}

/// A document read but not analysed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedEntry {
    /// The id it would have had.
    pub id: String,
    /// Where it came from.
    pub source: String,
    /// Why it was skipped.
    pub reason: String,
}
