//! Command-line interface: clap definitions (`Args`) and their conversion
//! into a validated [`athar::pipeline::Config`].
//!
//! The clap structs only mirror the flags, in groups that each subcommand
//! takes only when it uses them (see "Flag groups" below). `to_config` of a
//! subcommand builds its one `Config` from the library's defaults and has the
//! library check it ([`Config::validate`]), with the messages naming flags.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use athar::corpus::{MetaFields, ReadOptions};
use athar::pipeline::{Algorithm, Config, MaxDf};
use athar::report::{Format, RenderOptions};
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
                      Pairs come from LSH only: a short text inside a long one (low Jaccard) is \
                      found by athar report."
    )]
    Dedup(DedupArgs),
    /// Print the normalized tokens, one per line (for checking normalization).
    #[command(after_help = "Example:\n  athar tokens --offsets corpus/001_b0e07918fdc47d3a.txt")]
    Tokens(TokensArgs),
    /// Help choose thresholds: similarity histograms, the LSH S-curve, precision/recall on labels.
    #[command(after_help = "Example:\n  athar tune day.jsonl --labels pairs.tsv")]
    Tune(TuneArgs),
    /// A persistent archive: add batches of documents, report new ones against all stored.
    #[command(after_help = "Examples:\n  athar index add news.athar day1.jsonl\n  \
                      athar index query news.athar day2.jsonl -o day2.html\n  \
                      athar index stats news.athar")]
    Index(crate::index::IndexArgs),
    /// Write a generated Arabic corpus with known truth (for tests and benchmarks).
    #[command(
        after_help = "Examples:\n  athar gen --docs 1000 --seed 7 -o gen.jsonl --truth truth.tsv\n  athar gen --books 20 --book-bytes 1000000 -o books.jsonl --truth books.tsv"
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

// Flag groups: `cli/flags.rs`.
mod flags;
pub use flags::*;

// ---------------------------------------------------------------------------
// Subcommands

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
    pub(crate) meta: MetaArgs,
    #[command(flatten)]
    pub(crate) normalize: NormalizeArgs,
    #[command(flatten)]
    pub(crate) matching: MatchArgs,
    #[command(flatten)]
    pub(crate) passages: PassageArgs,
    #[command(flatten)]
    pub(crate) narratives: NarrativeArgs,
    #[command(flatten)]
    pub(crate) threads: ThreadsArg,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    #[command(flatten)]
    pub(crate) shown: ReportOutputArgs,
}

impl ReportArgs {
    /// The validated run configuration.
    pub fn to_config(&self) -> athar::Result<Config> {
        let mut c = base_config(&self.input, &self.normalize);
        self.matching.apply(&mut c);
        self.passages.apply(&mut c);
        self.narratives.apply(&mut c);
        checked(c)
    }
}

/// Arguments of `athar dedup`.
#[derive(Debug, Clone, Args)]
pub struct DedupArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) normalize: NormalizeArgs,
    #[command(flatten)]
    pub(crate) matching: MatchArgs,
    #[command(flatten)]
    pub(crate) threads: ThreadsArg,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    #[command(flatten)]
    pub(crate) shown: ReportOutputArgs,
    /// Also write the ids of the documents to keep, one a line, in input order: every document
    /// in no cluster and each cluster's representative.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub(crate) keep: Option<PathBuf>,
}

impl DedupArgs {
    /// The validated configuration (passages and narratives keep their defaults, unused).
    pub fn to_config(&self) -> athar::Result<Config> {
        let mut c = base_config(&self.input, &self.normalize);
        self.matching.apply(&mut c);
        checked(c)
    }
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
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) normalize: NormalizeArgs,
    #[command(flatten)]
    pub(crate) matching: MatchArgs,
    #[command(flatten)]
    pub(crate) min_passage: MinPassageArg,
    #[command(flatten)]
    pub(crate) threads: ThreadsArg,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    /// Labelled pairs: TSV `id_a<TAB>id_b<TAB>label`, label 1 = reuse, 0 = not (header line
    /// optional, `#` lines ignored). Adds precision, recall and F1 per threshold and the
    /// thresholds with the best F1.
    #[arg(long, value_name = "FILE")]
    pub(crate) labels: Option<PathBuf>,
}

impl TuneArgs {
    /// The validated configuration (passage and narrative settings other than
    /// `--min-passage` keep their defaults, unused).
    pub fn to_config(&self) -> athar::Result<Config> {
        let mut c = base_config(&self.input, &self.normalize);
        self.matching.apply(&mut c);
        self.min_passage.apply(&mut c);
        checked(c)
    }
}

/// The library's defaults with the input and normalization flags applied.
pub(crate) fn base_config(input: &InputArgs, normalize: &NormalizeArgs) -> Config {
    Config {
        read: input.read_options(),
        normalize: normalize.options(),
        ..Config::default()
    }
}

/// `config` once [`Config::validate`] accepts it; its message names the
/// flags (`--num-perm`) where the library names the fields (`` `num_perm` ``).
pub(crate) fn checked(config: Config) -> athar::Result<Config> {
    match config.validate() {
        Ok(()) => Ok(config),
        Err(athar::Error::InvalidParameter(m)) => {
            Err(athar::Error::InvalidParameter(fields_as_flags(&m)))
        }
        Err(e) => Err(e),
    }
}

/// Every `` `field_name` `` in `message` as `--field-name`.
fn fields_as_flags(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    let mut parts = message.split('`');
    out.push_str(parts.next().unwrap_or_default());
    // Odd parts are inside backquotes.
    for (i, part) in parts.enumerate() {
        if i % 2 == 0 {
            out.push_str("--");
            out.push_str(&part.replace('_', "-"));
        } else {
            out.push_str(part);
        }
    }
    out
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
    /// Write this many book-length documents with planted shared passages
    /// instead of news articles.
    #[arg(long, value_name = "N", conflicts_with = "docs")]
    pub(crate) books: Option<usize>,
    /// Length of each book in bytes, before passages are planted (with --books).
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 1_000_000,
        requires = "books"
    )]
    pub(crate) book_bytes: usize,
    /// Planted passages per book, on average (with --books).
    #[arg(long, value_name = "N", default_value_t = 3.0, requires = "books")]
    pub(crate) book_passages: f64,
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
        Some(Command::Index(args)) => crate::index::run(&args),
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
mod tests;
