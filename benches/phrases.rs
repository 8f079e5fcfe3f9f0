//! Reused-phrase mining on a generated corpus.
//!
//! `cargo bench --bench phrases -- --warm-up-time 1 --measurement-time 3`
//!
//! One-shot timing on a JSONL corpus (one object a line with a `text`
//! field), as the report pipeline calls it (3-token phrases, boilerplate
//! above 2% of the documents, top 200):
//!
//! `ATHAR_PHRASES_JSONL=/tmp/g100000.jsonl cargo bench --bench phrases`
//!
//! prints wall and CPU seconds and the peak RSS added by the call (Linux).

use athar::timing::{cpu_seconds, peak_rss_mb};
use std::hint::black_box;
use std::io::BufRead;

use athar::phrases::{MaxDf, PhraseParams, reused_phrases};
use athar::sketch::shingle::token_hashes;
use athar::text::tokenize::Tokenizer;
use athar_synth::{SynthParams, generate};
use criterion::{Criterion, Throughput, criterion_group};
use rayon::prelude::*;

/// Token hashes of each text.
fn hash_all(texts: &[String]) -> Vec<Vec<u64>> {
    texts
        .par_iter()
        .map_init(Tokenizer::default, |tk, t| {
            let tokens = tk.tokenize(t);
            let mut h = Vec::new();
            token_hashes(&tokens, &mut h);
            h
        })
        .collect()
}

/// The pipeline's phrase parameters for a corpus of `n` documents.
fn params(n: usize) -> PhraseParams {
    PhraseParams {
        min_tokens: 3,
        max_df: MaxDf::Fraction(0.02).resolve(n),
        top: 200,
    }
}

fn bench_phrases(c: &mut Criterion) {
    let corpus = generate(&SynthParams {
        docs: 2000,
        ..SynthParams::default()
    })
    .expect("valid parameters");
    let texts: Vec<String> = corpus.docs.into_iter().map(|d| d.text).collect();
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let docs = hash_all(&texts);
    let p = params(docs.len());
    assert!(!reused_phrases(&docs, &p).is_empty());
    let mut g = c.benchmark_group("phrases");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("reused_phrases/2000_generated", |bch| {
        bch.iter(|| reused_phrases(black_box(&docs), &p).len())
    });
    g.finish();
}

/// One timed call on the corpus at `path`.
fn one_shot(path: &str) {
    let file = std::fs::File::open(path).expect("readable JSONL file");
    let texts: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("a line")).expect("JSON");
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let docs = hash_all(&texts);
    drop(texts);
    let p = params(docs.len());
    // The process's peak so far (it only grows): what the stage adds shows
    // when it goes above it.
    let rss = peak_rss_mb();
    let (t, cpu) = (std::time::Instant::now(), cpu_seconds());
    let found = reused_phrases(&docs, &p);
    let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    let peak = peak_rss_mb();
    let checksum = found.iter().fold(0u64, |h, p| {
        p.occurrences.iter().fold(h, |h, o| {
            h.rotate_left(5)
                ^ (u64::from(o.doc) << 32 | u64::from(o.tokens.start))
                ^ u64::from(o.tokens.end) << 16
        })
    });
    println!(
        "{} docs, {} threads: reused_phrases {wall:.3} s wall {cpu:.2} s cpu, peak {rss} MB -> \
         {peak} MB (+{} MB); {} phrases, checksum {checksum:016x}",
        docs.len(),
        rayon::current_num_threads(),
        peak.saturating_sub(rss),
        found.len(),
    );
}

criterion_group!(benches, bench_phrases);

fn main() {
    if let Some(path) = std::env::var_os("ATHAR_PHRASES_JSONL") {
        one_shot(&path.to_string_lossy());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
