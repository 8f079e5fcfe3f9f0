//! The archive (`athar index`): adding a batch to a stored archive, against
//! signing that batch alone; querying one document. The archive holds
//! `ATHAR_BENCH_ARCHIVE_DOCS` generated documents (default 20,000); the
//! batch is 1,500 (a day of the Saudi corpus). Disk bytes per document are
//! printed when the archive is built.
//!
//! Run: `cargo bench --bench archive -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;

use athar::archive::{Archive, Signer};
use athar::corpus::{Corpus, Document};
use athar::pipeline::{Config, NoProgress};
use athar::sketch::minhash::MinHasher;
use athar_synth::{SynthParams, generate};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 1500;

fn docs(n: usize, seed: u64, prefix: &str) -> Vec<Document> {
    generate(&SynthParams {
        docs: n,
        seed,
        ..SynthParams::default()
    })
    .expect("synthetic corpus")
    .docs
    .into_iter()
    .map(|d| Document {
        id: format!("{prefix}{}", d.id),
        source: prefix.to_string(),
        text: d.text,
    })
    .collect()
}

fn bench(c: &mut Criterion) {
    let stored: usize = std::env::var("ATHAR_BENCH_ARCHIVE_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let config = Config {
        narratives: false,
        ..Config::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.athar");
    {
        let mut archive = Archive::open_or_create(&base, &config).unwrap();
        for (i, chunk) in docs(stored, 1, "old-").chunks(10_000).enumerate() {
            let t = std::time::Instant::now();
            archive.add(chunk, &config, &NoProgress).unwrap();
            eprintln!(
                "archive: batch {i} of {} added in {:.2} s",
                chunk.len(),
                t.elapsed().as_secs_f64()
            );
        }
        let s = archive.stats().unwrap();
        eprintln!(
            "archive: {} documents, {} bytes on disk, {} bytes per document ({} of text)",
            s.documents,
            s.file_bytes,
            s.file_bytes / s.documents,
            s.text_bytes / s.documents
        );
    }
    let batch = docs(BATCH, 2, "new-");
    let bytes: usize = batch.iter().map(|d| d.text.len()).sum();
    let mut g = c.benchmark_group("archive");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));

    let params = athar::archive::ArchiveParams::from_config(&config).unwrap();
    let hasher = MinHasher::new(params.minhash_params().unwrap()).unwrap();
    let signer = Signer {
        normalize: config.normalize,
        k: params.shingle_size,
        hasher: &hasher,
        lsh: params.lsh(),
        window: params.window,
    };
    g.bench_function("sign_1500", |b| {
        b.iter(|| black_box(signer.sign_all(&batch)))
    });

    let copy = dir.path().join("copy.athar");
    g.bench_function(format!("add_1500_to_{stored}"), |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(copy.with_extension("athar-wal"));
                std::fs::copy(&base, &copy).unwrap();
                Archive::open(&copy).unwrap()
            },
            |mut archive| black_box(archive.add(&batch, &config, &NoProgress).unwrap()),
            BatchSize::PerIteration,
        )
    });
    g.throughput(Throughput::Elements(1));
    let archive = Archive::open(&base).unwrap();
    let one = Corpus {
        documents: batch[..1].to_vec(),
        ..Corpus::default()
    };
    g.bench_function(format!("query_1_of_{stored}"), |b| {
        b.iter(|| black_box(archive.query(&one, &config, &NoProgress).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
