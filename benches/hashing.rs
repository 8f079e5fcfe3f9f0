//! Benchmarks of the hashing core: shingle hashing, signing (fast and
//! classic), LSH candidates, verification, and the whole sign stage
//! (text → normalize → tokenize → shingle → signature) on 1 and 2 threads.
//!
//! The corpus is 2000 documents (~3.5 KB each) from [`athar_synth`]:
//! Zipf-distributed Arabic vocabulary, near-duplicate copies, shared
//! paragraphs and boilerplate.
//!
//! Single-threaded benchmarks are timed in *thread CPU time* (read from
//! `/proc/thread-self/schedstat`, Linux), so a busy shared machine does not
//! distort them; the 1-vs-2-thread sign stage is timed in wall-clock time
//! (and on other platforms everything is).
//!
//! Run: `cargo bench --bench hashing -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use athar::sketch::lsh::{LshParams, candidates};
use athar::sketch::minhash::{Algorithm, MinHashParams, MinHasher, SignBuffer};
use athar::sketch::shingle::{self, shingle_hashes, shingle_set_into, token_hashes};
use athar::text::normalize::NormalizeOptions;
use athar::text::tokenize::{Tokenizer, Tokens};
use athar::verify::similarity;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

/// CPU time of the calling thread in nanoseconds, or wall-clock nanoseconds
/// where `/proc/thread-self/schedstat` is unavailable.
fn thread_cpu_ns() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| {
            START
                .get_or_init(std::time::Instant::now)
                .elapsed()
                .as_nanos() as u64
        })
}

/// Criterion measurement: CPU time of the benchmarking thread.
struct ThreadCpu;

struct NsFormatter;

impl ValueFormatter for NsFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        tp: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (per_iter, unit) = match *tp {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => (b as f64 / 1e6, "MB/s (cpu)"),
            Throughput::Elements(e) | Throughput::ElementsAndBytes { elements: e, .. } => {
                (e as f64, "elem/s (cpu)")
            }
            Throughput::Bits(b) => (b as f64 / 1e6, "Mbit/s (cpu)"),
        };
        values.iter_mut().for_each(|v| *v = per_iter * 1e9 / *v);
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, i: u64) -> u64 {
        thread_cpu_ns().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NsFormatter
    }
}

struct Corpus {
    texts: Vec<String>,
    bytes: u64,
    tokens: Vec<Tokens>,
    token_hashes: Vec<Vec<u64>>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: std::sync::OnceLock<Corpus> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let synth = athar_synth::generate(&athar_synth::SynthParams {
            docs: 2000,
            seed: 42,
            ..athar_synth::SynthParams::default()
        })
        .expect("synthetic corpus");
        let texts: Vec<String> = synth.docs.into_iter().map(|d| d.text).collect();
        let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
        let mut tk = Tokenizer::new(NormalizeOptions::default());
        let tokens: Vec<Tokens> = texts.iter().map(|t| tk.tokenize(t)).collect();
        let token_hashes = tokens
            .iter()
            .map(|t| {
                let mut v = Vec::new();
                token_hashes(t, &mut v);
                v
            })
            .collect();
        let ntokens: usize = tokens.iter().map(Tokens::len).sum();
        eprintln!(
            "corpus: {} docs, {:.1} MB, {} tokens, {:.0} B/doc",
            texts.len(),
            bytes as f64 / 1e6,
            ntokens,
            bytes as f64 / texts.len() as f64
        );
        Corpus {
            texts,
            bytes,
            tokens,
            token_hashes,
        }
    })
}

fn both(c: &Corpus) -> Throughput {
    Throughput::ElementsAndBytes {
        elements: c.texts.len() as u64,
        bytes: c.bytes,
    }
}

fn fast() -> MinHasher {
    MinHasher::new(MinHashParams::default()).unwrap()
}

/// Text → normalize → tokenize → shingle → signature for every document.
fn sign_stage(texts: &[String], h: &MinHasher) -> Vec<athar::sketch::minhash::Signature> {
    texts
        .par_iter()
        .map_init(
            || {
                (
                    Tokenizer::new(NormalizeOptions::default()),
                    Tokens::default(),
                    SignBuffer::default(),
                )
            },
            |(tk, toks, buf), text| {
                tk.tokenize_into(text, toks);
                h.sign_tokens(toks, buf)
            },
        )
        .collect()
}

/// The sign stage exactly as `pipeline::analyse` runs it: tokens, token
/// hashes, the sorted shingle set, the signature and the sentence count.
fn pipeline_sign_stage(texts: &[String], h: &MinHasher) -> Vec<(Vec<u64>, usize)> {
    texts
        .par_iter()
        .map_init(
            || {
                (
                    Tokenizer::new(NormalizeOptions::default()),
                    Tokens::default(),
                    SignBuffer::default(),
                )
            },
            |(tk, toks, buf), text| {
                tk.tokenize_into(text, toks);
                let mut hashes = Vec::with_capacity(toks.len());
                token_hashes(toks, &mut hashes);
                let mut set = Vec::new();
                shingle_set_into(&hashes, shingle::DEFAULT_K, &mut set);
                let sig = h.sign_token_hashes(&hashes, buf);
                black_box(sig);
                (set, athar::text::sentences::sentences(text).len())
            },
        )
        .collect()
}

/// Single-threaded stages, timed in thread CPU time.
fn single_thread(c: &mut Criterion<ThreadCpu>) {
    let corpus = corpus();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .unwrap();

    let mut g = c.benchmark_group("shingle");
    g.throughput(both(corpus));
    g.bench_function("token_hashes+rolling_k5", |b| {
        let mut buf = Vec::new();
        b.iter(|| {
            let mut acc = 0u64;
            for t in &corpus.tokens {
                token_hashes(t, &mut buf);
                acc ^= shingle_hashes(&buf, shingle::DEFAULT_K).fold(0, |a, h| a ^ h);
            }
            black_box(acc)
        })
    });
    g.finish();

    let fast = fast();
    let classic = MinHasher::new(MinHashParams {
        algorithm: Algorithm::Classic,
        ..MinHashParams::default()
    })
    .unwrap();
    // Token hashing + shingling + signing: everything after the tokenizer.
    let mut g = c.benchmark_group("sign_from_tokens");
    g.throughput(both(corpus));
    for (name, h) in [("fast", &fast), ("classic", &classic)] {
        if name == "classic" {
            g.sample_size(10);
        }
        g.bench_function(name, |b| {
            let mut buf = SignBuffer::default();
            b.iter(|| {
                for t in &corpus.tokens {
                    black_box(h.sign_tokens(t, &mut buf));
                }
            })
        });
    }
    g.finish();

    // Rolling shingles + OPH only (token hashes precomputed).
    let mut g = c.benchmark_group("sign_from_token_hashes");
    g.throughput(both(corpus));
    g.bench_function("fast", |b| {
        let mut buf = SignBuffer::default();
        b.iter(|| {
            for t in &corpus.token_hashes {
                black_box(fast.sign_token_hashes(t, &mut buf));
            }
        })
    });
    g.finish();

    // LSH candidates over 20k signatures: the corpus ten times, each copy
    // with a different number of leading tokens dropped.
    let mut sets: Vec<Vec<u64>> = Vec::new();
    for rep in 0..10 {
        for t in &corpus.token_hashes {
            let mut s = Vec::new();
            shingle_set_into(&t[rep.min(t.len())..], 5, &mut s);
            sets.push(s);
        }
    }
    let sigs = fast.sign_all(&sets);
    let p = LshParams { bands: 32, rows: 4 };
    let cand = candidates(&sigs, p, 1000).unwrap();
    eprintln!(
        "lsh: {} docs, {} candidate pairs, {} capped buckets",
        sigs.len(),
        cand.pairs.len(),
        cand.capped.len()
    );
    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Elements(sigs.len() as u64));
    g.sample_size(10);
    g.bench_function("candidates_20k_32x4", |b| {
        b.iter(|| one.install(|| black_box(candidates(&sigs, p, 1000).unwrap())))
    });
    g.finish();

    let pairs: Vec<(usize, usize)> = cand
        .pairs
        .iter()
        .take(20_000)
        .map(|&(a, b)| (a as usize, b as usize))
        .collect();
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("similarity_pairs", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for &(x, y) in &pairs {
                acc += similarity(&sets[x], &sets[y]).intersection;
            }
            black_box(acc)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("sign_stage_cpu");
    g.throughput(both(corpus));
    g.sample_size(10);
    g.bench_function("1_thread", |b| {
        b.iter(|| one.install(|| black_box(sign_stage(&corpus.texts, &fast))))
    });
    g.bench_function("1_thread_as_pipeline", |b| {
        b.iter(|| one.install(|| black_box(pipeline_sign_stage(&corpus.texts, &fast))))
    });
    g.finish();
}

/// CPU time of the whole process in nanoseconds (sum over its threads), or
/// 0 where `/proc/self/task/*/schedstat` is unavailable.
fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// The whole sign stage on 1 and 2 threads, timed in wall-clock time.
///
/// On a machine shared with other work the wall-clock speedup says little,
/// so this also prints the CPU time all threads spent per run: when the
/// 2-thread run costs no more CPU than the 1-thread run, the work divides
/// evenly and two free cores give a ~2× speedup.
fn threads(c: &mut Criterion) {
    let corpus = corpus();
    let fast = fast();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| black_box(sign_stage(&corpus.texts, &fast)));
        let runs = 3;
        let (cpu0, t0) = (process_cpu_ns(), std::time::Instant::now());
        for _ in 0..runs {
            pool.install(|| black_box(sign_stage(&corpus.texts, &fast)));
        }
        let cpu = (process_cpu_ns() - cpu0) as f64 / runs as f64 / 1e9;
        let wall = t0.elapsed().as_secs_f64() / runs as f64;
        eprintln!(
            "sign stage, {threads} thread(s): {wall:.3} s wall, {cpu:.3} s CPU per run \
             ({:.1} MB/s wall, {:.1} MB/s per CPU-second)",
            corpus.bytes as f64 / 1e6 / wall,
            corpus.bytes as f64 / 1e6 / cpu
        );
    }
    let mut g = c.benchmark_group("sign_stage_wall");
    g.throughput(both(corpus));
    g.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| pool.install(|| black_box(sign_stage(&corpus.texts, &fast))))
        });
    }
    g.finish();
}

criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = single_thread
}
criterion_group!(wall, threads);
criterion_main!(cpu, wall);
