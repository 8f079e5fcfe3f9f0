//! The report model and its renderers.
//!
//! [`Report`] is the finished, sorted result of a run. Renderers compute
//! nothing: they take a `Report` (plus the original texts, for renderers that
//! quote them) and write it in one format.
//!
//! Every byte offset in the report indexes the document's ORIGINAL UTF-8
//! text; `start_char`/`end_char` give the same positions in Unicode scalar
//! values for tools that count code points.

use ahash::AHashMap as HashMap;
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

/// Access to original document texts, for renderers that quote them.
pub trait TextSource {
    /// The original text of document `id`, if available.
    fn text(&self, id: &str) -> Option<&str>;
}

impl TextSource for std::collections::HashMap<String, String> {
    fn text(&self, id: &str) -> Option<&str> {
        self.get(id).map(String::as_str)
    }
}

impl TextSource for std::collections::BTreeMap<String, String> {
    fn text(&self, id: &str) -> Option<&str> {
        self.get(id).map(String::as_str)
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Readable terminal report.
    #[default]
    Text,
    /// The JSON contract.
    Json,
    /// A self-contained HTML page.
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 3] = [Format::Text, Format::Json, Format::Html];

    /// The format's name: `text`, `json` or `html`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// Parses `text`, `json` or `html` (any case).
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown format {s:?}: expected text, json or html"))
    }
}

pub mod html;
pub mod json;
pub mod text;
pub mod tune;

/// How a report is rendered. The defaults suit an interactive terminal
/// without colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Emit ANSI colours (text format only). The CLI decides: standard
    /// output is a terminal and `NO_COLOR` is unset.
    pub color: bool,
    /// Most items listed per section (text and HTML); `0` means no limit.
    /// Cut sections end with "… and N more".
    pub top: usize,
    /// Pretty-print JSON (indented); compact, one line, otherwise.
    pub pretty: bool,
    /// HTML: most side-by-side pair views rendered; `0` means no limit.
    pub max_pair_views: usize,
    /// HTML: most documents in the similarity heat map; `0` means no limit.
    pub max_heatmap_docs: usize,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            color: false,
            top: 20,
            pretty: true,
            max_pair_views: 50,
            max_heatmap_docs: 40,
        }
    }
}

/// Writes `report` to `out` in `format`.
///
/// `texts` supplies the original documents for quoting snippets (text) and
/// for the side-by-side views (HTML); documents it lacks are rendered
/// without quotes. The JSON format ignores `texts`. Renderers compute
/// nothing: they lay out the finished, sorted report as it is, so the same
/// report always gives the same bytes.
///
/// ```
/// use athar::report::{render, Format, RenderOptions, Report};
/// use std::collections::BTreeMap;
/// let texts: BTreeMap<String, String> = BTreeMap::new();
/// let mut out = Vec::new();
/// render(&Report::default(), &texts, Format::Json, &RenderOptions::default(), &mut out).unwrap();
/// let back: Report = serde_json::from_slice(&out).unwrap();
/// assert_eq!(back, Report::default());
/// ```
pub fn render(
    report: &Report,
    texts: &dyn TextSource,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(report, texts, opts, out),
        Format::Json => json::render(report, opts, out),
        Format::Html => html::render(report, texts, opts, out),
    }
}

/// The text `loc` covers, when its document is available and the span falls
/// on character boundaries inside it.
pub(crate) fn loc_text<'t>(texts: &'t dyn TextSource, loc: &Loc) -> Option<&'t str> {
    texts.text(&loc.doc)?.get(loc.start..loc.end)
}

/// A one-line excerpt of `s`: runs of whitespace collapse to one space and
/// the result is cut to at most `max` characters (plus the `…` that marks a
/// cut), at a word boundary when there is one in the second half. Characters
/// stay in logical order; display shaping is left to the terminal or browser.
pub(crate) fn snippet(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut cut = false;
    for word in s.split_whitespace() {
        let len = word.chars().count();
        let sep = usize::from(!out.is_empty());
        if chars + sep + len <= max {
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(word);
            chars += sep + len;
            continue;
        }
        cut = true;
        if chars < max / 2 {
            // No word boundary late enough: cut inside this word.
            if sep == 1 {
                out.push(' ');
                chars += 1;
            }
            let room = max.saturating_sub(chars + 1);
            out.extend(word.chars().take(room));
        }
        break;
    }
    if cut {
        out.push('…');
    }
    out
}

/// Like [`snippet`], but starting a few words before the first occurrence
/// of any of `terms` in `s` when that occurrence would fall late in a plain
/// snippet, so the reader sees why the passage was linked. A snippet that
/// does not start at the beginning of `s` opens with `…`. Terms are looked
/// up as written (original spelling); when none occurs, this is
/// [`snippet`].
pub(crate) fn snippet_at(s: &str, terms: &[&str], max: usize) -> String {
    let pos = terms
        .iter()
        .filter(|t| !t.trim().is_empty())
        .filter_map(|t| s.find(t.trim()))
        .min();
    let Some(pos) = pos else {
        return snippet(s, max);
    };
    // The term already shows in the first quarter of a plain snippet.
    let lead = s[..pos].split_whitespace().collect::<Vec<_>>();
    let lead_chars: usize = lead.iter().map(|w| w.chars().count() + 1).sum();
    if lead_chars <= max / 4 {
        return snippet(s, max);
    }
    // Back to the start of the term's word, then two more words.
    let mut start = word_start(s, pos);
    for _ in 0..2 {
        let before = s[..start].trim_end();
        if before.is_empty() {
            break;
        }
        start = word_start(s, before.len().saturating_sub(1));
    }
    if s[..start].trim().is_empty() {
        return snippet(s, max);
    }
    format!("…{}", snippet(&s[start..], max.saturating_sub(1)))
}

/// Byte offset of the start of the word holding byte `pos` of `s`.
fn word_start(s: &str, pos: usize) -> usize {
    let mut pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    s[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The terms of a narrative label (`"a، b، c"`), in order.
pub(crate) fn label_terms(label: &str) -> Vec<&str> {
    label
        .split(['،', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// One member of `n` per document, in the narrative's member order with
/// the representative's document first: the representative stands for its
/// document, the first member for each other document.
pub(crate) fn narrative_docs(n: &Narrative) -> Vec<&Loc> {
    let rep = n.members.get(n.representative);
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut out: Vec<&Loc> = Vec::new();
    if let Some(r) = rep {
        seen.insert(&r.doc);
        out.push(r);
    }
    for m in &n.members {
        if seen.insert(&m.doc) {
            out.push(m);
        }
    }
    out
}

/// Narratives in display order: most documents first, then most passages,
/// then by id.
pub(crate) fn narratives_by_size(r: &Report) -> Vec<&Narrative> {
    let mut v: Vec<&Narrative> = r.narratives.iter().collect();
    v.sort_by(|x, y| {
        y.docs
            .cmp(&x.docs)
            .then(y.members.len().cmp(&x.members.len()))
            .then(x.id.cmp(&y.id))
    });
    v
}

/// Clusters in display order: most members first, then by id.
pub(crate) fn clusters_by_size(r: &Report) -> Vec<&Cluster> {
    let mut v: Vec<&Cluster> = r.clusters.iter().collect();
    v.sort_by(|x, y| y.members.len().cmp(&x.members.len()).then(x.id.cmp(&y.id)));
    v
}

/// The unordered key of a pair of document ids.
pub(crate) fn pair_key<'a>(x: &'a str, y: &'a str) -> (&'a str, &'a str) {
    if x <= y { (x, y) } else { (y, x) }
}

/// Passages shared between two documents (not repeats), by unordered pair
/// of document ids; indexes into `r.passages`, longest first (verbatim
/// before narrative at equal length).
pub(crate) fn passages_by_pair(r: &Report) -> HashMap<(&str, &str), Vec<usize>> {
    let mut m: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, p) in r.passages.iter().enumerate() {
        if p.kind == PassageKind::Repeat || p.a.doc == p.b.doc {
            continue;
        }
        m.entry(pair_key(&p.a.doc, &p.b.doc)).or_default().push(i);
    }
    for v in m.values_mut() {
        v.sort_by_key(|&i| substance(&r.passages[i], i));
    }
    m
}

/// Sort key putting the most substantial passage first: verbatim before
/// narrative (before repeats), then the longest (tokens on its longer
/// side), then report order.
pub(crate) fn substance(p: &Passage, index: usize) -> (u8, std::cmp::Reverse<usize>, usize) {
    let kind = match p.kind {
        PassageKind::Verbatim => 0,
        PassageKind::Mixed => 1,
        PassageKind::Reworded => 2,
        PassageKind::Narrative => 3,
        PassageKind::Repeat => 4,
    };
    (kind, std::cmp::Reverse(p.tokens_a.max(p.tokens_b)), index)
}

/// Shared passages (not repeats) in display order, as indexes into
/// `r.passages`: first those linking documents that are not in the same
/// near-duplicate cluster, then those inside a cluster (the duplicates
/// themselves, already shown by the clusters); within each group verbatim
/// before narrative and the longest first (see [`substance`]).
pub(crate) fn passages_for_display(r: &Report) -> Vec<usize> {
    let cluster_of: HashMap<&str, usize> = r
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(move |m| (m.as_str(), c.id)))
        .collect();
    let same_cluster = |p: &Passage| match (
        cluster_of.get(p.a.doc.as_str()),
        cluster_of.get(p.b.doc.as_str()),
    ) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    let mut v: Vec<usize> = (0..r.passages.len())
        .filter(|&i| {
            let p = &r.passages[i];
            p.kind != PassageKind::Repeat && p.a.doc != p.b.doc
        })
        .collect();
    v.sort_by_key(|&i| {
        let p = &r.passages[i];
        (same_cluster(p), substance(p, i))
    });
    v
}

/// Narrative links in display order, as indexes into
/// `r.narrative_links`: highest score first, then report order.
pub(crate) fn narrative_links_for_display(r: &Report) -> Vec<usize> {
    let mut v: Vec<usize> = (0..r.narrative_links.len()).collect();
    v.sort_by(|&x, &y| {
        r.narrative_links[y]
            .score
            .total_cmp(&r.narrative_links[x].score)
            .then(x.cmp(&y))
    });
    v
}

/// Pairs split by relation: near-duplicate or contained pairs (report
/// order), and pairs that only share passages, those with the longest
/// shared passage first.
pub(crate) fn split_pairs<'r>(
    r: &'r Report,
    by_pair: &HashMap<(&str, &str), Vec<usize>>,
) -> (Vec<&'r Pair>, Vec<&'r Pair>) {
    let (strong, mut weak): (Vec<&Pair>, Vec<&Pair>) = r
        .pairs
        .iter()
        .partition(|p| p.relation != Relation::SharesPassages);
    weak.sort_by_cached_key(|p| {
        let longest = longest_passage(r, by_pair, p).map_or(0, |q| q.tokens_a.max(q.tokens_b));
        (
            std::cmp::Reverse(longest),
            std::cmp::Reverse(p.shared_shingles),
        )
    });
    (strong, weak)
}

/// The contained pairs of `strong`, most contained first.
pub(crate) fn contained_pairs<'r>(strong: &[&'r Pair]) -> Vec<&'r Pair> {
    let mut contained: Vec<&Pair> = strong
        .iter()
        .copied()
        .filter(|p| p.relation == Relation::Contained)
        .collect();
    contained.sort_by(|x, y| y.max_containment().total_cmp(&x.max_containment()));
    contained
}

/// The most substantial passage shared by the two documents of `p`.
pub(crate) fn longest_passage<'r>(
    r: &'r Report,
    by_pair: &HashMap<(&str, &str), Vec<usize>>,
    p: &Pair,
) -> Option<&'r Passage> {
    by_pair
        .get(&pair_key(&p.a, &p.b))
        .and_then(|v| v.first())
        .map(|&i| &r.passages[i])
}

/// One sentence on the pairs that only share passages: how many have a
/// longest shared passage of 30 words or more, 15–29, and under 15.
pub(crate) fn weak_pairs_summary(
    r: &Report,
    by_pair: &HashMap<(&str, &str), Vec<usize>>,
    weak: &[&Pair],
) -> String {
    let mut buckets = [0usize; 3];
    for p in weak {
        let len = longest_passage(r, by_pair, p).map_or(0, |q| q.tokens_a.max(q.tokens_b));
        buckets[usize::from(len < 30) + usize::from(len < 15)] += 1;
    }
    format!(
        "Below both thresholds. Longest shared passage: 30 words or more in {}, 15–29 in {}, \
         under 15 in {} (short ones are often formulaic titles, datelines or quotations).",
        plural(buckets[0], "pair", "pairs"),
        thousands(buckets[1]),
        thousands(buckets[2])
    )
}

/// Plain-words statements of what a run found, for the top of the text and
/// HTML reports, e.g. `"127 groups of near-duplicate documents (412
/// documents)"`. Counts only; every figure is a count of report entries.
pub(crate) fn findings(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let count = |rel| r.pairs.iter().filter(|p| p.relation == rel).count();
    let near = count(Relation::NearDuplicate);
    let contained = count(Relation::Contained);
    let weak = count(Relation::SharesPassages);
    let in_clusters: usize = r.clusters.iter().map(|c| c.members.len()).sum();
    if r.clusters.is_empty() {
        out.push("no documents copy one another".to_string());
    } else {
        out.push(format!(
            "{} of documents that copy one another ({} documents in all)",
            plural(r.clusters.len(), "group", "groups"),
            thousands(in_clusters)
        ));
    }
    if near + contained > 0 {
        let mut kinds = Vec::new();
        if near > 0 {
            kinds.push(format!("{} near-duplicate", thousands(near)));
        }
        if contained > 0 {
            kinds.push(format!(
                "{} where one is mostly contained in the other",
                thousands(contained)
            ));
        }
        out.push(format!(
            "{} ({})",
            plural(
                near + contained,
                "pair of documents reuses text",
                "pairs of documents reuse text"
            ),
            kinds.join(", ")
        ));
    }
    if weak > 0 {
        let (one, many) = if near + contained > 0 {
            ("more pair shares", "more pairs share")
        } else {
            ("pair shares", "pairs share")
        };
        out.push(format!("{} only some passages", plural(weak, one, many)));
    }
    let kind = |k| r.passages.iter().filter(|p| p.kind == k).count();
    let v = kind(PassageKind::Verbatim);
    let n = kind(PassageKind::Mixed) + kind(PassageKind::Reworded);
    if v + n > 0 {
        out.push(format!(
            "shared passages: {} copied word for word, {} reworded or partly reworded",
            if v == 0 {
                "none".to_string()
            } else {
                thousands(v)
            },
            if n == 0 {
                "none".to_string()
            } else {
                thousands(n)
            }
        ));
    }
    let wide = r.narratives.iter().filter(|n| n.docs >= 3).count();
    let wide_told = r
        .narratives
        .iter()
        .filter(|n| n.docs >= 3 && !n.verbatim)
        .count();
    if !r.narratives.is_empty() {
        let mut s = format!(
            "{} across documents",
            plural(
                r.narratives.len(),
                "story or passage recurs",
                "stories or passages recur"
            )
        );
        if wide > 0 {
            let _ = std::fmt::Write::write_fmt(
                &mut s,
                format_args!(
                    ", {} of them in 3 or more documents ({} at least partly reworded)",
                    thousands(wide),
                    thousands(wide_told)
                ),
            );
        }
        out.push(s);
    }
    if r.summary.skipped > 0 {
        out.push(format!(
            "{} skipped (see the end of the report)",
            plural(r.summary.skipped, "document was", "documents were")
        ));
    }
    out
}

/// What an empty narratives section says: nothing recurs, or narratives
/// were not looked for (`params.narrative_threshold` absent).
pub(crate) fn no_narratives_message(r: &Report) -> &'static str {
    if r.params.narrative_threshold.is_some() {
        "No story or passage recurs across documents."
    } else {
        "Not looked for in this run (--no-narratives, or more documents than the narrative \
         limit: see the warnings)."
    }
}

/// `n` with thousands separators: `1,318`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 thing` or `n things` (with thousands separators).
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// The parameters as `name=value` pairs, in the JSON field names; stages
/// not run are left out.
pub(crate) fn params_list(p: &Params) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("normalize", p.normalize.clone()),
        ("shingle_size", p.shingle_size.to_string()),
        ("hash", p.hash.clone()),
    ];
    let mut opt = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            v.push((name, value));
        }
    };
    opt("minhash", p.minhash.clone());
    opt("num_perm", p.num_perm.map(|x| x.to_string()));
    opt("seed", p.seed.map(|x| x.to_string()));
    opt("bands", p.bands.map(|x| x.to_string()));
    opt("rows", p.rows.map(|x| x.to_string()));
    opt("threshold", p.threshold.map(|x| x.to_string()));
    opt("containment", p.containment.map(|x| x.to_string()));
    opt("max_bucket", p.max_bucket.map(|x| x.to_string()));
    opt("max_df", p.max_df.map(|x| x.to_string()));
    opt("max_gap", p.max_gap.map(|x| x.to_string()));
    opt("min_passage", p.min_passage.map(|x| x.to_string()));
    opt(
        "narrative_threshold",
        p.narrative_threshold.map(|x| x.to_string()),
    );
    opt("mode", p.mode.clone());
    v
}

/// How many items of `len` a section shows under a `top` limit (`0` = all).
pub(crate) fn shown(len: usize, top: usize) -> usize {
    if top == 0 { len } else { len.min(top) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_collapses_whitespace_and_cuts_at_words() {
        assert_eq!(
            snippet("  قال\n\n  الوزير \t اليوم ", 80),
            "قال الوزير اليوم"
        );
        let long = "كلمة ".repeat(40);
        let s = snippet(&long, 22);
        assert!(s.ends_with('…'));
        assert_eq!(s, "كلمة كلمة كلمة كلمة…");
        assert!(s.chars().count() <= 23);
    }

    #[test]
    fn snippet_cuts_inside_a_long_word() {
        let s = snippet(&"ب".repeat(100), 10);
        assert_eq!(s, format!("{}…", "ب".repeat(9)));
        assert_eq!(snippet("", 10), "");
    }

    #[test]
    fn snippet_at_starts_near_the_first_term() {
        let filler = "كلام تمهيدي طويل ".repeat(12);
        let s = format!("{filler}ثم قال الوزير إن الاتفاق النووي مهم جدا للمنطقة");
        let out = snippet_at(&s, &["النووي", "غائب"], 40);
        assert!(out.starts_with('…'), "{out}");
        assert!(out.contains("الاتفاق النووي"), "{out}");
        // Two words of context before the term's word.
        assert!(out.starts_with("…إن الاتفاق النووي"), "{out}");
        assert!(out.chars().count() <= 41, "{out}");
        // A term near the start, or none found: a plain snippet.
        assert_eq!(snippet_at(&s, &["كلام"], 40), snippet(&s, 40));
        assert_eq!(snippet_at(&s, &["غائب"], 40), snippet(&s, 40));
        assert_eq!(snippet_at(&s, &[], 40), snippet(&s, 40));
        assert_eq!(snippet_at("", &["x"], 40), "");
    }

    #[test]
    fn thousands_and_plural() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1318), "1,318");
        assert_eq!(thousands(3728252), "3,728,252");
        assert_eq!(plural(1, "pair", "pairs"), "1 pair");
        assert_eq!(plural(2211, "pair", "pairs"), "2,211 pairs");
    }

    #[test]
    fn narrative_docs_gives_one_member_per_document_representative_first() {
        let loc = |doc: &str, start| Loc {
            doc: doc.into(),
            start,
            end: start + 1,
            start_char: start,
            end_char: start + 1,
        };
        let n = Narrative {
            id: 1,
            label: "أ، ب".into(),
            docs: 3,
            members: vec![
                loc("a", 0),
                loc("a", 5),
                loc("b", 0),
                loc("b", 9),
                loc("c", 2),
            ],
            representative: 3,
            verbatim: false,
            anchors: vec![],
            links: 0,
        };
        let docs: Vec<(&str, usize)> = narrative_docs(&n)
            .iter()
            .map(|l| (l.doc.as_str(), l.start))
            .collect();
        assert_eq!(docs, vec![("b", 9), ("a", 0), ("c", 2)]);
        assert_eq!(label_terms("أ، ب ,ج"), vec!["أ", "ب", "ج"]);
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert_eq!("HTML".parse::<Format>(), Ok(Format::Html));
        let err = "pdf".parse::<Format>().unwrap_err();
        assert!(err.contains("expected text, json or html"), "{err}");
    }

    #[test]
    fn shown_respects_zero_as_unlimited() {
        assert_eq!(shown(5, 0), 5);
        assert_eq!(shown(5, 3), 3);
        assert_eq!(shown(2, 3), 2);
    }
}
