//! Command-line interface: clap definitions (`Args`) and their conversion
//! into a validated [`athar::pipeline::Config`].
//!
//! The clap structs only mirror the flags; [`ReportArgs::to_config`] checks
//! cross-flag rules once and builds the configuration the library runs on.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use athar::corpus::ReadOptions;
use athar::pipeline::{Algorithm, Config, MaxDf};
use athar::report::Format;
use athar::text::normalize::{NormalizeOptions, Preset};

const EXAMPLES: &str = "\
Examples:
  athar                                  report on the .txt files in corpus/
  athar report news/ -o report.html      HTML report on a folder, side by side
  athar report day.jsonl --format json   JSON report on JSON Lines (id/text)
  athar dedup crawl.jsonl --keep ids.txt near-duplicate clusters of millions of documents
  athar tokens --offsets article.txt     normalized tokens with byte offsets
  athar tune day.jsonl                   help choosing thresholds";

/// athar (أثر, \"trace\"): find near-duplicate Arabic articles and the passages they share.
#[derive(Debug, Parser)]
#[command(
    name = "athar",
    version,
    about,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no subcommand, athar runs `report`.
    #[command(flatten)]
    pub(crate) report: ReportArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report near-duplicates, shared passages, narratives and reused phrases (the default).
    #[command(after_help = "Example:\n  athar report corpus/ --format json -o report.json")]
    Report(ReportArgs),
    /// Near-duplicate clusters only, for millions of documents: streams the input, keeps no texts.
    #[command(
        after_help = "Examples:\n  athar dedup crawl.jsonl -o clusters.json --keep kept-ids.txt\n  \
                      athar dedup archive/ --threshold 0.7\n\n\
                      Passage, narrative and phrase options do not apply. Pairs come from LSH \
                      only: a short text inside a long one (low Jaccard) is found by athar report."
    )]
    Dedup(DedupArgs),
    /// Print the normalized tokens, one per line (for checking normalization).
    #[command(after_help = "Example:\n  athar tokens --offsets corpus/001_b0e07918fdc47d3a.txt")]
    Tokens(TokensArgs),
    /// Help choose thresholds: similarity histograms, the LSH S-curve, precision/recall on labels.
    #[command(after_help = "Example:\n  athar tune day.jsonl --labels pairs.tsv")]
    Tune(TuneArgs),
    /// Write a generated Arabic corpus with known truth (for tests and benchmarks).
    #[command(
        after_help = "Example:\n  athar gen --docs 1000 --seed 7 -o gen.jsonl --truth truth.tsv"
    )]
    Gen(GenArgs),
    /// Print shell completions for athar.
    #[command(after_help = "Example:\n  athar completions bash > /etc/bash_completion.d/athar")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print athar's man page (roff).
    #[command(after_help = "Example:\n  athar man > athar.1 && man ./athar.1")]
    Man,
}

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
        default_value = "id",
        value_name = "FIELD",
        help_heading = "Input"
    )]
    pub(crate) id_field: String,
    /// JSON field holding the document text.
    #[arg(
        long,
        default_value = "text",
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

/// Similarity, hashing and passage parameters.
#[derive(Debug, Clone, Args)]
pub struct MatchArgs {
    /// Jaccard similarity (of word shingle sets) that makes two documents near-duplicates.
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "J",
        help_heading = "Matching"
    )]
    pub(crate) threshold: f64,
    /// Share of the smaller document found in the larger one that makes a pair reuse,
    /// whatever the Jaccard (a short article inside a long one).
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "C",
        help_heading = "Matching"
    )]
    pub(crate) containment: f64,
    /// Words per shingle.
    #[arg(long, default_value_t = 5, value_name = "K", help_heading = "Matching")]
    pub(crate) shingle_size: usize,
    /// MinHash values per signature.
    #[arg(
        long,
        default_value_t = 128,
        value_name = "N",
        help_heading = "Matching"
    )]
    pub(crate) num_perm: usize,
    /// MinHash seed.
    #[arg(long, default_value_t = 1, help_heading = "Matching")]
    pub(crate) seed: u64,
    /// MinHash algorithm: fast (one-permutation hashing, optimal densification) or classic.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Fast, help_heading = "Matching")]
    pub(crate) minhash: AlgorithmArg,
    /// LSH bands (default: chosen from the threshold). Needs --rows.
    #[arg(long, requires = "rows", help_heading = "Matching")]
    pub(crate) bands: Option<usize>,
    /// LSH rows per band (default: chosen from the threshold). Needs --bands.
    #[arg(long, requires = "bands", help_heading = "Matching")]
    pub(crate) rows: Option<usize>,
    /// Largest LSH bucket expanded into all its pairs; larger ones are only chained, and reported.
    #[arg(
        long,
        default_value_t = 200,
        value_name = "N",
        help_heading = "Matching"
    )]
    pub(crate) max_bucket: usize,
    /// Shingles found in more unrelated documents than this are boilerplate: they seed no
    /// passage (copies of one story count once). A count (e.g. 50), a fraction (0.02) or a
    /// percentage (2%) of the documents [default: 2%, and never fewer than 10].
    #[arg(long, value_name = "N|F", help_heading = "Passages")]
    pub(crate) max_df: Option<String>,
    /// Largest gap (tokens) bridged inside one verbatim passage.
    #[arg(
        long,
        default_value_t = 8,
        value_name = "TOKENS",
        help_heading = "Passages"
    )]
    pub(crate) max_gap: usize,
    /// Shortest passage reported (tokens).
    #[arg(
        long,
        default_value_t = 10,
        value_name = "TOKENS",
        help_heading = "Passages"
    )]
    pub(crate) min_passage: usize,
    /// Score (0..1) a narrative link needs: same story, other words.
    #[arg(
        long,
        default_value_t = 0.31,
        value_name = "S",
        help_heading = "Passages"
    )]
    pub(crate) narrative_threshold: f64,
    /// Do not look for narrative links (verbatim reuse only).
    #[arg(long, help_heading = "Passages")]
    pub(crate) no_narratives: bool,
    /// Look for narratives whatever the corpus size (by default they are skipped, with a warning,
    /// above 20,000 documents).
    #[arg(long, conflicts_with = "no_narratives", help_heading = "Passages")]
    pub(crate) narratives: bool,
    /// Worker threads (default: all cores). Output is identical for any count.
    #[arg(long, short = 'j', value_name = "N")]
    pub(crate) threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum AlgorithmArg {
    Fast,
    Classic,
}

/// How the report is written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format (default: from the -o extension, else text).
    #[arg(long, short = 'f', value_enum, help_heading = "Output")]
    pub(crate) format: Option<FormatArg>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub(crate) output: Option<PathBuf>,
    /// Entries shown per section of the text and HTML reports.
    #[arg(long, default_value_t = 20, value_name = "N", help_heading = "Output")]
    pub(crate) top: usize,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, help_heading = "Output")]
    pub(crate) color: ColorArg,
    /// No progress bars or notes on standard error.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub(crate) quiet: bool,
    /// Exit with status 1 when any reuse is found (for pipelines).
    #[arg(long, help_heading = "Output")]
    pub(crate) fail_on_reuse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Text,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    Auto,
    Always,
    Never,
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

    pub(crate) fn color(&self) -> bool {
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                self.output.is_none()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Arguments of `athar report` (also the default command).
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Reference mode: compare PATHS (the suspects) with these sources only,
    /// never two suspects or two sources with each other (a draft against an
    /// archive, today's feed against last week's).
    #[arg(long, value_name = "SOURCES", num_args = 1.., help_heading = "Input")]
    pub(crate) against: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) normalize: NormalizeArgs,
    #[command(flatten)]
    pub(crate) matching: MatchArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

impl ReportArgs {
    /// Check the flags together and build the run configuration.
    pub fn to_config(&self) -> athar::Result<Config> {
        let m = &self.matching;
        let bad = |msg: String| Err(athar::Error::InvalidParameter(msg));
        for (name, v) in [
            ("--threshold", m.threshold),
            ("--containment", m.containment),
        ] {
            if !(0.0..=1.0).contains(&v) || v.is_nan() {
                return bad(format!("{name} must be between 0 and 1, got {v}"));
            }
        }
        if m.shingle_size == 0 {
            return bad("--shingle-size must be at least 1".into());
        }
        if m.num_perm == 0 {
            return bad("--num-perm must be at least 1".into());
        }
        if let (Some(b), Some(r)) = (m.bands, m.rows) {
            if b == 0 || r == 0 || b * r > m.num_perm {
                return bad(format!(
                    "--bands {b} × --rows {r} must be between 1 and --num-perm {}",
                    m.num_perm
                ));
            }
        }
        if m.max_bucket < 2 {
            return bad("--max-bucket must be at least 2".into());
        }
        let max_df = match &m.max_df {
            None => None,
            Some(s) => Some(s.parse::<MaxDf>()?),
        };
        if max_df == Some(MaxDf::Count(0)) {
            return bad("--max-df must be at least 1 document".into());
        }
        let t = m.narrative_threshold;
        if !(0.0..=1.0).contains(&t) {
            return bad(format!(
                "--narrative-threshold must be between 0 and 1, got {t}"
            ));
        }
        if m.min_passage == 0 {
            return bad("--min-passage must be at least 1".into());
        }
        if m.threads == Some(0) {
            return bad("--threads must be at least 1".into());
        }
        let mut config = Config {
            read: self.input.read_options(),
            normalize: self.normalize.options(),
            shingle_size: m.shingle_size,
            num_perm: m.num_perm,
            seed: m.seed,
            algorithm: match m.minhash {
                AlgorithmArg::Fast => Algorithm::Fast,
                AlgorithmArg::Classic => Algorithm::Classic,
            },
            threshold: m.threshold,
            containment: m.containment,
            bands_rows: m.bands.zip(m.rows),
            max_bucket: m.max_bucket,
            narratives: !m.no_narratives,
            narrative_max_docs: if m.narratives {
                None
            } else {
                Config::default().narrative_max_docs
            },
            ..Config::default()
        };
        if let Some(df) = max_df {
            config.max_df = df;
        }
        config.max_gap = m.max_gap;
        config.min_passage = m.min_passage;
        config.narrative_threshold = m.narrative_threshold;
        Ok(config)
    }
}

/// Arguments of `athar dedup`.
#[derive(Debug, Clone, Args)]
pub struct DedupArgs {
    #[command(flatten)]
    pub(crate) report: ReportArgs,
    /// Also write the ids of the documents to keep, one a line, in input order: every document
    /// in no cluster and each cluster's representative.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub(crate) keep: Option<PathBuf>,
}

/// Arguments of `athar tokens`.
#[derive(Debug, Clone, Args)]
pub struct TokensArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) normalize: NormalizeArgs,
    /// Print `start<TAB>end<TAB>token<TAB>original` (byte offsets into the original text).
    #[arg(long)]
    pub(crate) offsets: bool,
    /// Print the light10 stem of each token instead of the token.
    #[arg(long)]
    pub(crate) stem: bool,
}

/// Arguments of `athar tune`.
#[derive(Debug, Clone, Args)]
pub struct TuneArgs {
    #[command(flatten)]
    pub(crate) report: ReportArgs,
    /// Labelled pairs: TSV `id_a<TAB>id_b<TAB>label`, label 1 = reuse, 0 = not (header line
    /// optional, `#` lines ignored). Adds precision, recall and F1 per threshold and the
    /// thresholds with the best F1.
    #[arg(long, value_name = "FILE")]
    pub(crate) labels: Option<PathBuf>,
}

/// Arguments of `athar gen`.
#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    /// Number of documents.
    #[arg(long, default_value_t = 1000)]
    pub(crate) docs: usize,
    /// Random seed (the same seed writes the same bytes).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Write the JSON Lines corpus here (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Write the known truth (pairs and spans) as TSV here.
    #[arg(long, value_name = "FILE")]
    pub(crate) truth: Option<PathBuf>,
}

/// Run the `athar` command line; returns the process exit code
/// (0 success, 1 reuse found with `--fail-on-reuse`, 2 error).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "athar: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => crate::app::report(&cli.report),
        Some(Command::Report(args)) => crate::app::report(&args),
        Some(Command::Dedup(args)) => crate::app::dedup(&args),
        Some(Command::Tokens(args)) => crate::app::tokens(&args),
        Some(Command::Tune(args)) => crate::app::tune(&args),
        Some(Command::Gen(args)) => crate::app::gen_corpus(&args),
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "athar", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_is_report_on_corpus() {
        let cli = Cli::try_parse_from(["athar"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.report.input.paths, vec![PathBuf::from("corpus")]);
        let c = cli.report.to_config().unwrap();
        assert_eq!(c.shingle_size, 5);
        assert_eq!(c.num_perm, 128);
    }

    #[test]
    fn narratives_flag_lifts_the_document_limit() {
        let parse = |args: &[&str]| Cli::try_parse_from(args.iter().copied());
        let c = parse(&["athar"]).unwrap().report.to_config().unwrap();
        assert_eq!(
            c.narrative_max_docs,
            Some(athar::pipeline::NARRATIVE_MAX_DOCS)
        );
        let c = parse(&["athar", "report", "--narratives"]).unwrap();
        let Some(Command::Report(args)) = c.command else {
            panic!("report expected")
        };
        let c = args.to_config().unwrap();
        assert!(c.narratives && c.narrative_max_docs.is_none());
        assert!(parse(&["athar", "--narratives", "--no-narratives"]).is_err());
    }

    #[test]
    fn format_is_inferred_from_output_extension() {
        let cli = Cli::try_parse_from(["athar", "report", "-o", "x.HTML"]).unwrap();
        let Some(Command::Report(a)) = cli.command else {
            panic!("report expected")
        };
        assert_eq!(a.output.format(), Format::Html);
        let cli = Cli::try_parse_from(["athar", "-o", "x.json", "-f", "text"]).unwrap();
        assert_eq!(cli.report.output.format(), Format::Text);
    }

    #[test]
    fn bad_combinations_are_errors() {
        for args in [
            &["athar", "--threshold", "1.5"][..],
            &["athar", "--bands", "64", "--rows", "4"],
            &["athar", "--max-df", "0"],
            &["athar", "--max-df", "abc"],
            &["athar", "--shingle-size", "0"],
        ] {
            let cli = Cli::try_parse_from(args).unwrap();
            assert!(cli.report.to_config().is_err(), "{args:?} accepted");
        }
        assert!(Cli::try_parse_from(["athar", "--bands", "4"]).is_err());
    }

    #[test]
    fn max_df_takes_count_or_fraction() {
        let df = |s: &str| {
            Cli::try_parse_from(["athar", "--max-df", s])
                .unwrap()
                .report
                .to_config()
        };
        assert_eq!(df("50").unwrap().max_df, MaxDf::Count(50));
        assert_eq!(df("0.05").unwrap().max_df, MaxDf::Fraction(0.05));
        assert!(df("1.5").is_err());
    }

    #[test]
    fn normalization_flags_adjust_the_preset() {
        let cli = Cli::try_parse_from(["athar", "--no-fold-persian", "--hamza-seats"]).unwrap();
        let o = cli.report.normalize.options();
        assert!(!o.fold_persian && o.hamza_seats);
        assert_eq!(o.id(), "default-fold-persian+hamza-seats");
    }
}
