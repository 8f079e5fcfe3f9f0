//! `athar index`: a persistent archive of documents ([`athar::archive`]):
//! add batches, report new documents against it, stats, remove.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::app::{Bars, thread_pool, write_report};
use crate::cli::{
    InputArgs, MatchArgs, MetaArgs, NarrativeArgs, NormalizeArgs, OutputArgs, PassageArgs,
    ReportOutputArgs, ThreadsArg, base_config, checked,
};
use athar::archive::Archive;
use athar::corpus::{self, Corpus};
use athar::pipeline::{Config, Progress};

/// Arguments of `athar index`.
#[derive(Debug, Clone, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    command: IndexCommand,
}

#[derive(Debug, Clone, Subcommand)]
enum IndexCommand {
    /// Add documents to the archive as one batch (created when missing); a stored id is replaced.
    #[command(after_help = "Example:\n  athar index add news.athar day1.jsonl")]
    Add(IndexAddArgs),
    /// Report documents against everything stored: pairs, passages, clusters (not added).
    #[command(after_help = "Example:\n  athar index query news.athar today.jsonl -o today.html")]
    Query(IndexQueryArgs),
    /// Documents, batches, size and parameters of the archive.
    #[command(after_help = "Example:\n  athar index stats news.athar")]
    Stats(IndexStatsArgs),
    /// Remove documents by id.
    #[command(after_help = "Example:\n  athar index remove news.athar 2015-07-23#00601")]
    Remove(IndexRemoveArgs),
}

/// Reads `input` with the metadata fields of `meta` (always read in
/// `athar index`: the default names unless flags name others).
fn load(meta: &MetaArgs, input: &InputArgs) -> anyhow::Result<Corpus> {
    let mut opts = input.read_options();
    opts.meta_fields = meta.fields(true);
    opts.date_from_mtime = meta.date_from_mtime;
    Ok(corpus::load(&input.paths, &opts)?)
}

/// Arguments of `athar index add`.
#[derive(Debug, Clone, Args)]
pub struct IndexAddArgs {
    /// The archive file (an SQLite database; created when missing).
    archive: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    meta: MetaArgs,
    #[command(flatten)]
    normalize: NormalizeArgs,
    #[command(flatten)]
    matching: MatchArgs,
    #[command(flatten)]
    threads: ThreadsArg,
    /// No progress bars or notes on standard error.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Arguments of `athar index query`.
#[derive(Debug, Clone, Args)]
pub struct IndexQueryArgs {
    /// The archive file.
    archive: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    meta: MetaArgs,
    #[command(flatten)]
    normalize: NormalizeArgs,
    #[command(flatten)]
    matching: MatchArgs,
    #[command(flatten)]
    passages: PassageArgs,
    #[command(flatten)]
    narratives: NarrativeArgs,
    #[command(flatten)]
    threads: ThreadsArg,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    shown: ReportOutputArgs,
}

/// Arguments of `athar index stats`.
#[derive(Debug, Clone, Args)]
pub struct IndexStatsArgs {
    /// The archive file.
    archive: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `athar index remove`.
#[derive(Debug, Clone, Args)]
pub struct IndexRemoveArgs {
    /// The archive file.
    archive: PathBuf,
    /// Ids of the documents to remove.
    #[arg(required = true)]
    ids: Vec<String>,
}

/// `athar index`.
pub fn run(args: &IndexArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        IndexCommand::Add(a) => add(a),
        IndexCommand::Query(a) => query(a),
        IndexCommand::Stats(a) => stats(a),
        IndexCommand::Remove(a) => remove(a),
    }
}

/// Set by the fault tests only: stop (sleep) once this many documents of
/// the batch are written, inside the open transaction, so that a test can
/// kill the process there.
const PAUSE_ENV: &str = "ATHAR_INDEX_PAUSE_AT";

/// Progress that pauses the writer at [`PAUSE_ENV`], around the bars.
struct Pausing<'a> {
    inner: &'a dyn Progress,
    at: Option<u64>,
    writing: std::sync::atomic::AtomicBool,
    done: std::sync::atomic::AtomicU64,
}

impl Progress for Pausing<'_> {
    fn start(&self, stage: &'static str, total: u64) {
        use std::sync::atomic::Ordering::SeqCst;
        self.writing.store(stage == "writing", SeqCst);
        self.done.store(0, SeqCst);
        self.pause_if(0);
        self.inner.start(stage, total);
    }

    fn advance(&self, n: u64) {
        let done = self.done.fetch_add(n, std::sync::atomic::Ordering::SeqCst) + n;
        self.pause_if(done);
        self.inner.advance(n);
    }

    fn finish(&self) {
        self.inner.finish();
    }
}

impl Pausing<'_> {
    fn pause_if(&self, done: u64) {
        if self.writing.load(std::sync::atomic::Ordering::SeqCst) && self.at == Some(done) {
            eprintln!("athar: paused after writing {done} document(s)");
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

fn add(args: &IndexAddArgs) -> anyhow::Result<ExitCode> {
    let mut config = base_config(&args.input, &args.normalize);
    args.matching.apply(&mut config);
    let config = checked(config)?;
    let mut archive = Archive::open_or_create(&args.archive, &config)?;
    let corpus = load(&args.meta, &args.input)?;
    for s in corpus.skipped.iter().filter(|_| !args.quiet) {
        eprintln!("athar: skipped {}: {}", s.source, s.reason);
    }
    let bars = Bars::new(args.quiet);
    let progress = Pausing {
        inner: &bars,
        at: std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse().ok()),
        writing: false.into(),
        done: 0.into(),
    };
    let pool = thread_pool(&args.threads, args.quiet)?;
    let added = pool
        .install(|| archive.add_with_meta(&corpus.documents, &corpus.meta, &config, &progress))?;
    let total = archive.count()?;
    if !args.quiet {
        eprintln!(
            "athar: {}: batch {}: {} added, {} replaced, {} skipped; {} documents stored",
            args.archive.display(),
            added.batch,
            added.added,
            added.updated,
            corpus.skipped.len(),
            total
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn query_config(args: &IndexQueryArgs) -> athar::Result<Config> {
    let mut c = base_config(&args.input, &args.normalize);
    args.matching.apply(&mut c);
    args.passages.apply(&mut c);
    args.narratives.apply(&mut c);
    checked(c)
}

fn query(args: &IndexQueryArgs) -> anyhow::Result<ExitCode> {
    let config = query_config(args)?;
    let archive = Archive::open(&args.archive)?;
    archive.check(&config)?;
    let corpus = load(&args.meta, &args.input)?;
    let bars = Bars::new(args.output.quiet);
    let pool = thread_pool(&args.threads, args.output.quiet)?;
    // The connection is not shared between threads: it moves to the pool.
    let (docs, cfg, progress) = (&corpus, &config, &bars);
    let result = pool.install(move || archive.query(docs, cfg, progress))?;
    if !args.output.quiet {
        eprintln!(
            "athar: {} new document(s) compared with {} stored one(s) found in the index",
            corpus.documents.len(),
            result.compared
        );
    }
    let texts: std::collections::HashMap<String, String> = result
        .corpus
        .documents
        .into_iter()
        .map(|d| (d.id, d.text))
        .collect();
    write_report(&result.report, &texts, &args.output, &args.shown)
}

fn stats(args: &IndexStatsArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&args.archive)?;
    let s = archive.stats()?;
    let per_doc = s.file_bytes.checked_div(s.documents).unwrap_or(0);
    if args.json {
        let v = serde_json::json!({
            "archive": args.archive.display().to_string(),
            "schema_version": s.schema_version,
            "documents": s.documents,
            "batches": s.batches,
            "text_bytes": s.text_bytes,
            "file_bytes": s.file_bytes,
            "bytes_per_document": per_doc,
            "params": s.params,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let p = &s.params;
        println!("archive         {}", args.archive.display());
        println!("schema version  {}", s.schema_version);
        println!("documents       {}", s.documents);
        println!("batches         {}", s.batches);
        println!("text            {} bytes", s.text_bytes);
        println!(
            "file            {} bytes ({per_doc} per document)",
            s.file_bytes
        );
        println!(
            "parameters      shingle size {}, normalize {}, hash {}, minhash {} ({} slots, seed \
             {}), LSH {} bands × {} rows, anchor window {}",
            p.shingle_size,
            p.normalize,
            p.hash,
            p.minhash,
            p.num_perm,
            p.seed,
            p.bands,
            p.rows,
            p.window
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(args: &IndexRemoveArgs) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&args.archive)?;
    let missing = archive.remove(&args.ids)?;
    for id in &missing {
        eprintln!("athar: {}: no document {id}", args.archive.display());
    }
    eprintln!(
        "athar: removed {} document(s); {} stored",
        args.ids.len() - missing.len(),
        archive.count()?
    );
    Ok(if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
