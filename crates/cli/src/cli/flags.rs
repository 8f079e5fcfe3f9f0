//! Flag groups of the subcommands (see the table below): each group's
//! `apply` copies its flags into the `Config`, which the library validates.

use super::*;

// ---------------------------------------------------------------------------
// Flag groups. Each subcommand flattens the groups it uses, so a flag given to
// a subcommand that does not use it is an error from clap:
//
// | group               | report | dedup | tune | tokens |
// |---------------------|--------|-------|------|--------|
// | InputArgs           |   x    |   x   |  x   |   x    |
// | NormalizeArgs       |   x    |   x   |  x   |   x    |
// | MatchArgs           |   x    |   x   |  x   |        |
// | PassageArgs         |   x    |       |      |        |
// | MinPassageArg       |   x    |       |  x   |        |
// | NarrativeArgs       |   x    |       |      |        |
// | ThreadsArg          |   x    |   x   |  x   |        |
// | OutputArgs          |   x    |   x   |  x   |        |
// | ReportOutputArgs    |   x    |   x   |      |        |
//
// Defaults come from the library (`Config::default()`, `RenderOptions::default()`);
// each group's `apply` copies its flags into the `Config`, which the library
// validates (`Config::validate`).

/// Where documents come from.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Folders (recursive, *.txt), files, JSON Lines (.jsonl/.ndjson) or - for standard input.
    #[arg(value_name = "PATHS", default_value = "corpus")]
    pub(crate) paths: Vec<PathBuf>,
    /// Read every file (and standard input) as JSON Lines, whatever its extension.
    #[arg(long, help_heading = "Input")]
    pub(crate) jsonl: bool,
    /// JSON field holding the document id.
    #[arg(
        long,
        default_value_t = ReadOptions::default().id_field,
        value_name = "FIELD",
        help_heading = "Input"
    )]
    pub(crate) id_field: String,
    /// JSON field holding the document text.
    #[arg(
        long,
        default_value_t = ReadOptions::default().text_field,
        value_name = "FIELD",
        help_heading = "Input"
    )]
    pub(crate) text_field: String,
    /// Replace invalid UTF-8 with U+FFFD instead of skipping the document.
    #[arg(long, help_heading = "Input")]
    pub(crate) lossy: bool,
    /// Decode files that look like legacy Arabic encodings (Windows-1256, ISO-8859-6)
    /// instead of skipping them.
    #[arg(long, help_heading = "Input")]
    pub(crate) decode_cp1256: bool,
}

impl InputArgs {
    pub(crate) fn read_options(&self) -> ReadOptions {
        ReadOptions {
            jsonl: self.jsonl,
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            lossy: self.lossy,
            decode_cp1256: self.decode_cp1256,
            meta_fields: Default::default(),
            date_from_mtime: false,
        }
    }
}

/// JSON Lines fields holding document metadata: outlet, date, title, url.
/// `athar index` reads them by default (these names); `athar report` reads
/// them when any of these flags is given (the others keep their names), so
/// a report run without them keeps its bytes.
#[derive(Debug, Clone, Default, Args)]
pub struct MetaArgs {
    /// JSON field holding the outlet that published a document [default: source].
    #[arg(long, value_name = "FIELD", help_heading = "Metadata")]
    pub(crate) source_field: Option<String>,
    /// JSON field holding its publication date or time (ISO 8601) [default: date].
    #[arg(long, value_name = "FIELD", help_heading = "Metadata")]
    pub(crate) date_field: Option<String>,
    /// JSON field holding its title [default: title].
    #[arg(long, value_name = "FIELD", help_heading = "Metadata")]
    pub(crate) title_field: Option<String>,
    /// JSON field holding its URL (linked from the HTML report) [default: url].
    #[arg(long, value_name = "FIELD", help_heading = "Metadata")]
    pub(crate) url_field: Option<String>,
    /// Date each text file by its modification time (files read as text only; JSON Lines take
    /// --date-field): when a file was last written, which is its publication date only in some
    /// archives.
    #[arg(long, help_heading = "Metadata")]
    pub(crate) date_from_mtime: bool,
}

impl MetaArgs {
    /// The fields to read: the flags given, the default names for the
    /// others; nothing when `by_default` is false and no flag is given.
    pub(crate) fn fields(&self, by_default: bool) -> MetaFields {
        let given = [
            &self.source_field,
            &self.date_field,
            &self.title_field,
            &self.url_field,
        ];
        if !by_default && given.iter().all(|f| f.is_none()) {
            return MetaFields::default();
        }
        let or = |f: &Option<String>, name: &str| Some(f.clone().unwrap_or_else(|| name.into()));
        MetaFields {
            outlet: or(&self.source_field, "source"),
            date: or(&self.date_field, "date"),
            title: or(&self.title_field, "title"),
            url: or(&self.url_field, "url"),
        }
    }
}

/// How Arabic text is normalized.
#[derive(Debug, Clone, Args)]
pub struct NormalizeArgs {
    /// Normalization preset: default (reference folds + Persian letters), loose (+ hamza seats,
    /// foreign letters), none (tokenize only).
    #[arg(long, value_enum, default_value_t = PresetArg::Default, help_heading = "Normalization")]
    pub(crate) normalize: PresetArg,
    /// Keep letter case of non-Arabic scripts.
    #[arg(long, help_heading = "Normalization")]
    pub(crate) keep_case: bool,
    /// Do not fold Persian letters (ک ی ے ہ ھ ۃ ە) into Arabic ones.
    #[arg(long, help_heading = "Normalization")]
    pub(crate) no_fold_persian: bool,
    /// Fold foreign letters پ چ ژ ڤ گ into ب ج ز ف ك.
    #[arg(long, help_heading = "Normalization")]
    pub(crate) fold_foreign: bool,
    /// Fold hamza seats: ؤ → و, ئ → ي.
    #[arg(long, help_heading = "Normalization")]
    pub(crate) hamza_seats: bool,
    /// Treat U+200B ZERO WIDTH SPACE as a space rather than deleting it.
    #[arg(long, help_heading = "Normalization")]
    pub(crate) zwsp_as_space: bool,
    /// Keep letter+digit runs together (2023م stays one token).
    #[arg(long, help_heading = "Normalization")]
    pub(crate) no_split_digits: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PresetArg {
    Default,
    Loose,
    None,
}

impl NormalizeArgs {
    pub(crate) fn options(&self) -> NormalizeOptions {
        let preset = match self.normalize {
            PresetArg::Default => Preset::Default,
            PresetArg::Loose => Preset::Loose,
            PresetArg::None => Preset::None,
        };
        let mut o = NormalizeOptions::preset(preset);
        o.keep_case |= self.keep_case;
        if self.no_fold_persian {
            o.fold_persian = false;
        }
        o.fold_foreign |= self.fold_foreign;
        o.hamza_seats |= self.hamza_seats;
        o.zwsp_as_space |= self.zwsp_as_space;
        if self.no_split_digits {
            o.split_digits = false;
        }
        o
    }
}

/// Similarity, hashing and LSH: how documents become candidate and
/// near-duplicate pairs (report, dedup, tune).
#[derive(Debug, Clone, Args)]
pub struct MatchArgs {
    /// Jaccard similarity (of word shingle sets) that makes two documents near-duplicates
    /// (above 0, at most 1).
    #[arg(
        long,
        default_value_t = Config::default().threshold,
        value_name = "J",
        help_heading = "Matching"
    )]
    pub(crate) threshold: f64,
    /// Share of the smaller document found in the larger one that makes a pair reuse,
    /// whatever the Jaccard (a short article inside a long one; above 0, at most 1).
    #[arg(
        long,
        default_value_t = Config::default().containment,
        value_name = "C",
        help_heading = "Matching"
    )]
    pub(crate) containment: f64,
    /// Words per shingle.
    #[arg(
        long,
        default_value_t = Config::default().shingle_size,
        value_name = "K",
        help_heading = "Matching"
    )]
    pub(crate) shingle_size: usize,
    /// MinHash values per signature (at most 65536).
    #[arg(
        long,
        default_value_t = Config::default().num_perm,
        value_name = "N",
        help_heading = "Matching"
    )]
    pub(crate) num_perm: usize,
    /// MinHash seed.
    #[arg(long, default_value_t = Config::default().seed, help_heading = "Matching")]
    pub(crate) seed: u64,
    /// MinHash algorithm: fast (one-permutation hashing, optimal densification) or classic.
    #[arg(
        long,
        value_enum,
        default_value_t = Config::default().algorithm.into(),
        help_heading = "Matching"
    )]
    pub(crate) minhash: AlgorithmArg,
    /// LSH bands (default: chosen from the threshold). Needs --rows; bands × rows ≤ --num-perm.
    #[arg(long, requires = "rows", help_heading = "Matching")]
    pub(crate) bands: Option<usize>,
    /// LSH rows per band (default: chosen from the threshold). Needs --bands.
    #[arg(long, requires = "bands", help_heading = "Matching")]
    pub(crate) rows: Option<usize>,
    /// Largest LSH bucket expanded into all its pairs; larger ones are only chained, and reported.
    #[arg(
        long,
        default_value_t = Config::default().max_bucket,
        value_name = "N",
        help_heading = "Matching"
    )]
    pub(crate) max_bucket: usize,
}

impl MatchArgs {
    pub(crate) fn apply(&self, c: &mut Config) {
        c.threshold = self.threshold;
        c.containment = self.containment;
        c.shingle_size = self.shingle_size;
        c.num_perm = self.num_perm;
        c.seed = self.seed;
        c.algorithm = self.minhash.into();
        c.bands_rows = self.bands.zip(self.rows);
        c.max_bucket = self.max_bucket;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AlgorithmArg {
    Fast,
    Classic,
}

impl From<Algorithm> for AlgorithmArg {
    fn from(a: Algorithm) -> AlgorithmArg {
        match a {
            Algorithm::Fast => AlgorithmArg::Fast,
            Algorithm::Classic => AlgorithmArg::Classic,
        }
    }
}

impl From<AlgorithmArg> for Algorithm {
    fn from(a: AlgorithmArg) -> Algorithm {
        match a {
            AlgorithmArg::Fast => Algorithm::Fast,
            AlgorithmArg::Classic => Algorithm::Classic,
        }
    }
}

/// The shortest passage (report, and tune, whose candidates follow it).
#[derive(Debug, Clone, Args)]
pub struct MinPassageArg {
    /// Shortest passage reported (tokens).
    #[arg(
        long,
        default_value_t = Config::default().min_passage,
        value_name = "TOKENS",
        help_heading = "Passages"
    )]
    pub(crate) min_passage: usize,
}

impl MinPassageArg {
    pub(crate) fn apply(&self, c: &mut Config) {
        c.min_passage = self.min_passage;
    }
}

/// How verbatim passages are found (report).
#[derive(Debug, Clone, Args)]
pub struct PassageArgs {
    /// Shingles found in more unrelated documents than this are boilerplate: they seed no
    /// passage (copies of one story count once). A count (e.g. 50), a fraction (0.02) or a
    /// percentage (2%) of the documents; a fraction never means fewer than 10 documents.
    #[arg(
        long,
        default_value_t = Config::default().max_df,
        value_name = "N|F",
        value_parser = max_df,
        help_heading = "Passages"
    )]
    pub(crate) max_df: MaxDf,
    /// Largest gap (tokens) bridged inside one verbatim passage.
    #[arg(
        long,
        default_value_t = Config::default().max_gap,
        value_name = "TOKENS",
        help_heading = "Passages"
    )]
    pub(crate) max_gap: usize,
    #[command(flatten)]
    pub(crate) min_passage: MinPassageArg,
    /// Show every verbatim passage, and every pair that shares one, even when the shared text is
    /// formula (datelines, titles, templates learned from the corpus) and weighs too little to be
    /// evidence of reuse.
    #[arg(long, help_heading = "Passages")]
    pub(crate) all_passages: bool,
    /// Evidence a pair that is neither near-duplicate nor contained needs to be listed as sharing
    /// passages: the content words outside formula that both sides share, summed over its
    /// passages, scaled down when their figures or rare names disagree (about a sentence and a
    /// half of fresh prose by default).
    #[arg(
        long,
        default_value_t = Config::default().min_evidence,
        value_name = "WEIGHT",
        help_heading = "Passages"
    )]
    pub(crate) min_evidence: f64,
    /// Documents published more than this many days apart (both dated: see the metadata flags)
    /// need twice --min-evidence to be listed as sharing passages: a copy follows its source
    /// within the news cycle, a template (a daily bulletin, a ceremony report) recurs for
    /// months; `any` for no such rule [default: 2].
    #[arg(
        long,
        value_name = "DAYS|any",
        value_parser = days,
        help_heading = "Passages"
    )]
    pub(crate) cycle_days: Option<Days>,
}

fn max_df(s: &str) -> Result<MaxDf, String> {
    s.parse().map_err(|e| match e {
        athar::Error::InvalidParameter(m) => m,
        e => e.to_string(),
    })
}

impl PassageArgs {
    pub(crate) fn apply(&self, c: &mut Config) {
        c.max_df = self.max_df;
        c.max_gap = self.max_gap;
        c.all_passages = self.all_passages;
        c.min_evidence = self.min_evidence;
        if let Some(Days(d)) = self.cycle_days {
            c.cycle_days = d;
        }
        self.min_passage.apply(c);
    }
}

/// Narrative links: the same story in other words (report).
#[derive(Debug, Clone, Args)]
pub struct NarrativeArgs {
    /// Score (above 0, at most 1) a narrative link needs: same story, other words.
    #[arg(
        long,
        default_value_t = Config::default().narrative_threshold,
        value_name = "S",
        help_heading = "Narratives"
    )]
    pub(crate) narrative_threshold: f64,
    /// Do not look for narrative links (verbatim reuse only).
    #[arg(long, help_heading = "Narratives")]
    pub(crate) no_narratives: bool,
    /// Look for narratives (the default at any corpus size; kept for older scripts).
    #[arg(long, hide = true, conflicts_with = "no_narratives")]
    pub(crate) narratives: bool,
    /// Documents published more than this many days apart (both dated: see the metadata flags)
    /// are not linked as one story, only as the same subject; `any` for no limit [default: 2].
    #[arg(
        long,
        value_name = "DAYS|any",
        value_parser = days,
        help_heading = "Narratives"
    )]
    pub(crate) narrative_days: Option<Days>,
    /// Also link passages of two documents of the same outlet (see --source-field): by default
    /// narratives are stories told by several outlets.
    #[arg(long, help_heading = "Narratives")]
    pub(crate) narrative_same_outlet: bool,
}

/// `--narrative-days` and `--cycle-days`: a number of days, or no limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Days(Option<f64>);

fn days(s: &str) -> Result<Days, String> {
    if s == "any" {
        return Ok(Days(None));
    }
    match s.parse::<f64>() {
        Ok(d) if d >= 0.0 && d.is_finite() => Ok(Days(Some(d))),
        _ => Err(format!(
            "expected a number of days (0 or more) or `any`, got `{s}`"
        )),
    }
}

impl NarrativeArgs {
    pub(crate) fn apply(&self, c: &mut Config) {
        c.narrative_threshold = self.narrative_threshold;
        if let Some(Days(d)) = self.narrative_days {
            c.narrative_days = d;
        }
        c.narratives = !self.no_narratives;
        c.narrative_same_outlet = self.narrative_same_outlet;
    }
}

/// Worker threads (report, dedup, tune).
#[derive(Debug, Clone, Args)]
pub struct ThreadsArg {
    /// Worker threads (default: all cores; more than 8 per core are cut back to that, with a
    /// note). Output is identical for any count.
    #[arg(long, short = 'j', value_name = "N", value_parser = at_least_one)]
    pub(crate) threads: Option<usize>,
}

/// Most worker threads per core: idle workers cost every parallel stage a
/// wake-up, and 1,000 threads on 2 cores take seconds where 2 take 0.1 s.
pub(crate) const MAX_THREADS_PER_CORE: usize = 8;

impl ThreadsArg {
    /// The thread count to run with (`None`: rayon's default, all cores) for
    /// a machine of `cores` cores, and the note to show when the requested
    /// count was cut back.
    pub(crate) fn count(&self, cores: usize) -> (Option<usize>, Option<String>) {
        let cap = cores.max(1).saturating_mul(MAX_THREADS_PER_CORE);
        match self.threads {
            Some(n) if n > cap => (
                Some(cap),
                Some(format!(
                    "--threads {n} is more than {MAX_THREADS_PER_CORE} per core ({cores} \
                     core(s)): using {cap}"
                )),
            ),
            t => (t, None),
        }
    }
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// Where and how a command writes (report, dedup, tune).
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format (default: from the -o extension, else text).
    #[arg(long, short = 'f', value_enum, help_heading = "Output")]
    pub(crate) format: Option<FormatArg>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub(crate) output: Option<PathBuf>,
    /// No progress bars or notes on standard error.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub(crate) quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Text,
    Json,
    Html,
}

impl OutputArgs {
    pub(crate) fn format(&self) -> Format {
        let from_ext = || {
            let ext = self
                .output
                .as_ref()?
                .extension()?
                .to_str()?
                .to_ascii_lowercase();
            match ext.as_str() {
                "json" => Some(Format::Json),
                "html" | "htm" => Some(Format::Html),
                _ => None,
            }
        };
        match self.format {
            Some(FormatArg::Text) => Format::Text,
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Html) => Format::Html,
            None => from_ext().unwrap_or(Format::Text),
        }
    }
}

/// How a report of pairs and clusters is shown, and the exit code it gives
/// (report, dedup).
#[derive(Debug, Clone, Args)]
pub struct ReportOutputArgs {
    /// Entries shown per section of the text and HTML reports.
    #[arg(
        long,
        default_value_t = RenderOptions::default().top,
        value_name = "N",
        help_heading = "Output"
    )]
    pub(crate) top: usize,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, help_heading = "Output")]
    pub(crate) color: ColorArg,
    /// Exit with status 1 when any reuse is found (for pipelines).
    #[arg(long, help_heading = "Output")]
    pub(crate) fail_on_reuse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ReportOutputArgs {
    /// Whether to colour a report written to `output` (`None`: standard output).
    pub(crate) fn color(&self, output: Option<&std::path::Path>) -> bool {
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                output.is_none()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}
