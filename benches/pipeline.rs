//! End-to-end benchmark of [`athar::pipeline::analyse`] on a generated
//! corpus: 2000 documents (~3.6 KB each, 7 MB) from [`athar_synth`], with
//! and without the narrative stage, on the default thread pool.
//!
//! Before timing, the benchmark checks the result: every `near_duplicate`
//! and `shared_paragraph` pair of the generator's truth must be among the
//! report's pairs, and repeated runs must give the same number of pairs.
//!
//! Run: `cargo bench --bench pipeline -- --warm-up-time 1 --measurement-time 3`

use std::collections::HashSet;
use std::hint::black_box;

use athar::corpus::{Corpus, Document};
use athar::pipeline::{Config, NoProgress, analyse};
use athar_synth::{SynthParams, TruthKind, generate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const DOCS: usize = 2000;

fn corpus() -> (Corpus, Vec<(String, String)>) {
    let synth = generate(&SynthParams {
        docs: DOCS,
        seed: 42,
        ..SynthParams::default()
    })
    .expect("synthetic corpus");
    let must: Vec<(String, String)> = synth
        .truth
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                TruthKind::NearDuplicate | TruthKind::SharedParagraph
            )
        })
        .map(|t| {
            let (a, b) = (&synth.docs[t.a].id, &synth.docs[t.b].id);
            if a < b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            }
        })
        .collect();
    let documents = synth
        .docs
        .into_iter()
        .map(|d| Document {
            source: d.id.clone(),
            id: d.id,
            text: d.text,
        })
        .collect();
    let corpus = Corpus {
        documents,
        ..Corpus::default()
    };
    (corpus, must)
}

/// Runs the pipeline once, checks recall against the truth, and returns
/// the number of pairs reported.
fn checked_run(corpus: &Corpus, config: &Config, must: &[(String, String)]) -> usize {
    let report = analyse(corpus, config, &NoProgress).expect("analyse");
    let found: HashSet<(&str, &str)> = report
        .pairs
        .iter()
        .map(|p| {
            if p.a < p.b {
                (p.a.as_str(), p.b.as_str())
            } else {
                (p.b.as_str(), p.a.as_str())
            }
        })
        .collect();
    let missed: Vec<_> = must
        .iter()
        .filter(|(a, b)| !found.contains(&(a.as_str(), b.as_str())))
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} truth pairs missed, e.g. {:?}",
        missed.len(),
        must.len(),
        missed.first()
    );
    report.pairs.len()
}

fn pipeline(c: &mut Criterion) {
    let (corpus, must) = corpus();
    let bytes: u64 = corpus.documents.iter().map(|d| d.text.len() as u64).sum();
    let mut g = c.benchmark_group("analyse_2k");
    g.throughput(Throughput::ElementsAndBytes {
        elements: corpus.documents.len() as u64,
        bytes,
    });
    g.sample_size(10);
    for narratives in [false, true] {
        let config = Config {
            narratives,
            ..Config::default()
        };
        let pairs = checked_run(&corpus, &config, &must);
        assert!(pairs >= must.len());
        eprintln!(
            "analyse, {DOCS} docs, narratives {narratives}: {pairs} pairs, all {} \
             near-duplicate and shared-paragraph truth pairs found",
            must.len()
        );
        let name = if narratives {
            "with_narratives"
        } else {
            "no_narratives"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let report = analyse(&corpus, &config, &NoProgress).expect("analyse");
                assert_eq!(report.pairs.len(), pairs);
                black_box(report)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
