//! The report model and its renderers.
//!
//! [`Report`] is the finished, sorted result of a run. Renderers compute
//! nothing: they take a `Report` (plus the original texts, for renderers that
//! quote them) and write it in one format.
//!
//! Every byte offset in the report indexes the document's ORIGINAL UTF-8
//! text; `start_char`/`end_char` give the same positions in Unicode scalar
//! values for tools that count code points.

use serde::{Deserialize, Serialize};

/// Version of the JSON report format. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

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
    /// Shared passages: verbatim, narrative and in-document repeats.
    pub passages: Vec<Passage>,
    /// Passages that recur across documents, grouped.
    pub narratives: Vec<Narrative>,
    /// Reused phrases (maximal shared n-grams), most widespread first.
    pub phrases: Vec<Phrase>,
    /// Phrases so common they were ignored as boilerplate.
    pub boilerplate: Vec<Boilerplate>,
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
    /// Score needed for a narrative link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative_threshold: Option<f64>,
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
    /// The same content words, not the same wording.
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

/// A phrase so common it was left out of pairs and passages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Boilerplate {
    /// One original spelling.
    pub text: String,
    /// Number of documents it occurs in.
    pub docs: usize,
    /// Share of analysed documents it occurs in.
    pub fraction: f64,
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
