//! The edge of the program: runs a command-line subcommand, reading inputs
//! through [`athar::corpus`], the pure [`athar::pipeline`], and writing through
//! [`athar::report`]. Terminals, files and progress bars live here.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{
    DedupArgs, GenArgs, InputArgs, OutputArgs, ReportArgs, ReportOutputArgs, ThreadsArg,
    TokensArgs, TuneArgs,
};
use athar::corpus::{self, Corpus};
use athar::dedup::Dedup;
use athar::pipeline::{self, Progress};
use athar::report::{self, RenderOptions};
use athar::text::tokenize::{Tokenizer, Tokens};

/// Progress bars on standard error, hidden when it is not a terminal or with `--quiet`.
pub(crate) struct Bars {
    bar: Option<ProgressBar>,
    current: std::sync::Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub(crate) fn new(quiet: bool) -> Bars {
        let on = !quiet && std::io::stderr().is_terminal();
        Bars {
            bar: on.then(ProgressBar::hidden),
            current: std::sync::Mutex::new(None),
        }
    }
}

impl Progress for Bars {
    fn start(&self, stage: &'static str, total: u64) {
        if self.bar.is_none() {
            return;
        }
        // A total of 0 means "unknown" (a stream being read): a counter, not a bar.
        let (len, template) = if total == 0 {
            (None, "{msg:>12} {spinner} {human_pos} documents, {elapsed}")
        } else {
            (
                Some(total),
                "{msg:>12} [{bar:30}] {pos}/{len} {per_sec} eta {eta}",
            )
        };
        let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        pb.set_message(stage);
        *self.current.lock().expect("progress lock") = Some(pb);
    }

    fn advance(&self, n: u64) {
        if let Some(pb) = self.current.lock().expect("progress lock").as_ref() {
            pb.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(pb) = self.current.lock().expect("progress lock").take() {
            pb.finish_and_clear();
        }
    }
}

pub(crate) fn load(input: &InputArgs) -> anyhow::Result<Corpus> {
    Ok(corpus::load(&input.paths, &input.read_options())?)
}

/// Reads the suspects (`input.paths`) then the sources (`against`) with one
/// reader, so that ids stay unique across both sets; returns the corpus and
/// the role of every document.
fn load_against(
    paths: &[std::path::PathBuf],
    opts: &corpus::ReadOptions,
    against: &[std::path::PathBuf],
) -> anyhow::Result<(Corpus, Vec<pipeline::Role>)> {
    let mut reader = corpus::CorpusReader::new(opts);
    let mut corpus = Corpus::default();
    let mut roles = Vec::new();
    for (paths, role) in [
        (paths, pipeline::Role::Suspect),
        (against, pipeline::Role::Source),
    ] {
        for path in paths {
            reader.read_path(path, &mut |item| match item {
                corpus::Item::Document(d) => {
                    corpus.documents.push(d);
                    roles.push(role);
                }
                corpus::Item::Skipped(s) => corpus.skipped.push(s),
            })?;
        }
    }
    let summary = reader.finish();
    corpus.warnings = summary.warnings;
    corpus.meta = summary.metadata.into_iter().collect();
    Ok((corpus, roles))
}

/// The worker threads `--threads` asks for, cut back to
/// [`crate::cli::MAX_THREADS_PER_CORE`] per core with a note (unless `quiet`).
pub(crate) fn thread_pool(threads: &ThreadsArg, quiet: bool) -> anyhow::Result<rayon::ThreadPool> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (threads, note) = threads.count(cores);
    if let Some(note) = note.filter(|_| !quiet) {
        eprintln!("athar: {note}");
    }
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    b.build().context("starting worker threads")
}

fn open_output(path: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    })
}

/// `athar report` (and the default command).
pub fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let config = args.to_config()?;
    let out_args = &args.output;
    let timings = std::env::var_os("ATHAR_TIMINGS").is_some();
    let t0 = std::time::Instant::now();
    let mut opts = args.input.read_options();
    opts.meta_fields = args.meta.fields(false);
    opts.date_from_mtime = args.meta.date_from_mtime;
    let (corpus, roles) = if args.against.is_empty() {
        (corpus::load(&args.input.paths, &opts)?, None)
    } else {
        let (corpus, roles) = load_against(&args.input.paths, &opts, &args.against)?;
        (corpus, Some(roles))
    };
    if timings {
        eprintln!(
            "athar: timing load         {:>8.3} s",
            t0.elapsed().as_secs_f64()
        );
    }
    let bars = Bars::new(out_args.quiet);
    let pool = thread_pool(&args.threads, out_args.quiet)?;
    let report = pool.install(|| match &roles {
        Some(roles) => pipeline::analyse_against(&corpus, roles, &config, &bars),
        None => pipeline::analyse(&corpus, &config, &bars),
    })?;
    let texts: std::collections::HashMap<String, String> = corpus
        .documents
        .into_iter()
        .map(|d| (d.id, d.text))
        .collect();
    write_report(&report, &texts, out_args, &args.shown)
}

/// Renders `report` where `out_args` say, as `shown` says; the exit code
/// follows `--fail-on-reuse`.
pub(crate) fn write_report(
    report: &report::Report,
    texts: &dyn report::TextSource,
    out_args: &OutputArgs,
    shown: &ReportOutputArgs,
) -> anyhow::Result<ExitCode> {
    let timings = std::env::var_os("ATHAR_TIMINGS").is_some();
    let mut out = open_output(out_args.output.as_deref())?;
    let opts = RenderOptions {
        color: shown.color(out_args.output.as_deref()),
        top: shown.top,
        ..RenderOptions::default()
    };
    let t1 = std::time::Instant::now();
    report::render(report, texts, out_args.format(), &opts, &mut out)?;
    out.flush()?;
    if timings {
        eprintln!(
            "athar: timing render       {:>8.3} s",
            t1.elapsed().as_secs_f64()
        );
    }
    if let Some(p) = &out_args.output {
        if !out_args.quiet {
            eprintln!("athar: wrote {}", p.display());
        }
    }
    let reuse = !report.pairs.is_empty() || !report.passages.is_empty();
    Ok(if shown.fail_on_reuse && reuse {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `athar dedup`: the near-duplicate pass alone. Documents are signed in
/// batches while the next ones are read (on a thread of their own), and
/// their texts dropped: memory holds signatures and compact shingle sets,
/// not the corpus.
pub fn dedup(args: &DedupArgs) -> anyhow::Result<ExitCode> {
    let config = args.to_config()?;
    let out_args = &args.output;
    if out_args.format() == report::Format::Html {
        anyhow::bail!(
            "athar dedup writes text or JSON, not HTML (the HTML report shows texts side by \
             side: use athar report)"
        );
    }
    let mut dedup = Dedup::new(&config)?;
    let pool = thread_pool(&args.threads, out_args.quiet)?;
    let read = config.read.clone();
    let paths = &args.input.paths;
    let bars = Bars::new(out_args.quiet);
    bars.start("signing", 0);
    let summary = pool.install(|| {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<corpus::Item>>(2);
            let reader = scope.spawn(move || {
                let mut batch = Vec::new();
                let mut bytes = 0usize;
                let summary = corpus::read_each(paths, &read, &mut |item| {
                    if let corpus::Item::Document(d) = &item {
                        bytes += d.text.len();
                    }
                    batch.push(item);
                    if bytes >= DEDUP_BATCH_BYTES || batch.len() >= DEDUP_BATCH_DOCS {
                        // A closed channel means the consumer failed; stop sending.
                        let _ = tx.send(std::mem::take(&mut batch));
                        bytes = 0;
                    }
                });
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                summary
            });
            for batch in rx {
                let n = batch.len() as u64;
                dedup.add(batch);
                bars.advance(n);
            }
            reader.join().expect("reader thread")
        })
    })?;
    bars.finish();
    let heads = dedup.take_heads();
    let report = pool.install(|| dedup.finish(summary.warnings))?;
    // Only the text report quotes documents (the clusters').
    let quoted = if out_args.format() == report::Format::Text {
        heads.quoted(&report)
    } else {
        Default::default()
    };
    drop(heads);
    if let Some(path) = &args.keep {
        let mut f = BufWriter::new(
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?,
        );
        for id in athar::dedup::keep_list(&report) {
            writeln!(f, "{id}")?;
        }
        f.flush()
            .with_context(|| format!("{}: cannot write", path.display()))?;
        if !out_args.quiet {
            eprintln!("athar: wrote {}", path.display());
        }
    }
    write_report(&report, &quoted, out_args, &args.shown)
}

/// `athar dedup` hands the reader's documents to the signers in batches of
/// about this many bytes of text...
const DEDUP_BATCH_BYTES: usize = 16 << 20;
/// ...or this many documents, whichever comes first.
const DEDUP_BATCH_DOCS: usize = 8192;

/// `athar tokens`.
pub fn tokens(args: &TokensArgs) -> anyhow::Result<ExitCode> {
    let corpus = load(&args.input)?;
    for s in &corpus.skipped {
        eprintln!("athar: skipped {}: {}", s.source, s.reason);
    }
    let mut tokenizer = Tokenizer::new(args.normalize.options());
    let mut toks = Tokens::default();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for doc in &corpus.documents {
        tokenizer.tokenize_into(&doc.text, &mut toks);
        for (text, span) in toks.iter() {
            let text = if args.stem {
                athar::text::stem::light10(text)
            } else {
                text
            };
            if args.offsets {
                let original = span.slice(&doc.text);
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    span.start(),
                    span.end(),
                    text,
                    original
                )?;
            } else {
                writeln!(out, "{text}")?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `athar tune`.
pub fn tune(args: &TuneArgs) -> anyhow::Result<ExitCode> {
    let config = args.to_config()?;
    let out_args = &args.output;
    let format = out_args.format();
    if format == report::Format::Html {
        anyhow::bail!("athar tune writes text or JSON, not HTML (use --format text or json)");
    }
    let labels = match &args.labels {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8", path.display()))?;
            Some(athar::tune::parse_labels(&text, path)?)
        }
        None => None,
    };
    let corpus = load(&args.input)?;
    let bars = Bars::new(out_args.quiet);
    let pool = thread_pool(&args.threads, out_args.quiet)?;
    let tuned = pool.install(|| athar::tune::tune(&corpus, &config, labels.as_deref(), &bars))?;
    if !out_args.quiet {
        if let Some(l) = &tuned.labels {
            if l.skipped_pairs > 0 {
                let ids: Vec<&str> = l
                    .unknown_ids
                    .iter()
                    .chain(&l.not_analysed_ids)
                    .take(3)
                    .map(String::as_str)
                    .collect();
                eprintln!(
                    "athar: {} labelled pair(s) skipped: ids not in the input or skipped \
                     when reading, e.g. {}",
                    l.skipped_pairs,
                    ids.join(", ")
                );
            }
        }
    }
    let mut out = open_output(out_args.output.as_deref())?;
    match format {
        report::Format::Json => athar::report::tune::render_json(&tuned, &mut out)?,
        _ => athar::report::tune::render_text(&tuned, &mut out)?,
    }
    out.flush()?;
    if let Some(p) = &out_args.output {
        if !out_args.quiet {
            eprintln!("athar: wrote {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `athar gen --books N`.
fn gen_books(args: &GenArgs, books: usize) -> anyhow::Result<ExitCode> {
    let params = athar_synth::BookParams {
        books,
        book_bytes: args.book_bytes,
        seed: args.seed,
        passages_per_book: args.book_passages,
        ..athar_synth::BookParams::default()
    };
    let corpus = athar_synth::generate_books(&params)?;
    let mut out = open_output(args.output.as_deref())?;
    for doc in &corpus.docs {
        athar_synth::write_doc_jsonl(doc, &mut out)?;
    }
    out.flush()?;
    if let Some(path) = &args.truth {
        let f = File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        athar_synth::write_book_truth_tsv(&corpus.truth, BufWriter::new(f))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `athar gen`.
pub fn gen_corpus(args: &GenArgs) -> anyhow::Result<ExitCode> {
    if let Some(books) = args.books {
        return gen_books(args, books);
    }
    let params = athar_synth::SynthParams {
        docs: args.docs,
        seed: args.seed,
        ..athar_synth::SynthParams::default()
    };
    let mut out = open_output(args.output.as_deref())?;
    let truth = athar_synth::generate_each(&params, |doc| {
        athar_synth::write_doc_jsonl(&doc, &mut out).map_err(anyhow::Error::from)
    })?;
    out.flush()?;
    if let Some(path) = &args.truth {
        let f = File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        athar_synth::write_truth_tsv(&truth, BufWriter::new(f))?;
    }
    Ok(ExitCode::SUCCESS)
}
