//! The streaming near-duplicate pass (`athar::dedup`, `athar dedup`).

use std::collections::HashSet;

use athar::corpus::{Corpus, Document, Item, Skipped};
use athar::dedup::{Dedup, keep_list};
use athar::pipeline::{self, Config, NoProgress};
use athar::report::{Relation, Report, Status};
use athar_synth::{SynthParams, TruthKind, generate};

fn items(corpus: &athar_synth::SynthCorpus) -> Vec<Item> {
    corpus
        .docs
        .iter()
        .map(|d| {
            Item::Document(Document {
                id: d.id.clone(),
                source: format!("gen:{}", d.id),
                text: d.text.clone(),
            })
        })
        .collect()
}

/// The pass over `items` added in batches of `batch`, on `threads` threads.
fn run(items: &[Item], batch: usize, threads: usize) -> Report {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut d = Dedup::new(&Config::default()).unwrap();
        for chunk in items.chunks(batch) {
            d.add(chunk.to_vec());
        }
        d.finish(vec!["a reader warning".into()]).unwrap()
    })
}

fn pair_set(r: &Report) -> HashSet<(String, String)> {
    r.pairs.iter().map(|p| (p.a.clone(), p.b.clone())).collect()
}

#[test]
fn finds_the_generated_near_duplicates_and_agrees_with_the_full_report() {
    let synth = generate(&SynthParams {
        docs: 600,
        seed: 11,
        ..SynthParams::default()
    })
    .unwrap();
    let items = items(&synth);
    let report = run(&items, 64, 2);
    assert!(report.params.near_duplicates_only());
    assert!(report.passages.is_empty() && report.narratives.is_empty());
    let found = pair_set(&report);
    let truth: Vec<_> = synth
        .truth
        .iter()
        .filter(|t| t.kind == TruthKind::NearDuplicate)
        .collect();
    assert!(truth.len() > 20, "corpus has near-duplicates");
    let missed: Vec<_> = truth
        .iter()
        .filter(|t| {
            let (a, b) = (&synth.docs[t.a].id, &synth.docs[t.b].id);
            !found.contains(&(a.clone(), b.clone())) && !found.contains(&(b.clone(), a.clone()))
        })
        .collect();
    assert!(missed.is_empty(), "missed near-duplicates: {missed:?}");

    // Every near-duplicate pair of the full pipeline, with the same exact
    // Jaccard (compact sets) and the same estimate (same signatures).
    let corpus = Corpus {
        documents: synth
            .docs
            .iter()
            .map(|d| Document {
                id: d.id.clone(),
                source: format!("gen:{}", d.id),
                text: d.text.clone(),
            })
            .collect(),
        ..Corpus::default()
    };
    let full = pipeline::analyse(
        &corpus,
        &Config {
            narratives: false,
            ..Config::default()
        },
        &NoProgress,
    )
    .unwrap();
    let ours: std::collections::HashMap<(&str, &str), &athar::report::Pair> = report
        .pairs
        .iter()
        .map(|p| ((p.a.as_str(), p.b.as_str()), p))
        .collect();
    for p in full
        .pairs
        .iter()
        .filter(|p| p.relation == Relation::NearDuplicate)
    {
        let q = ours
            .get(&(p.a.as_str(), p.b.as_str()))
            .unwrap_or_else(|| panic!("dedup missed {} {}", p.a, p.b));
        assert_eq!(
            (q.jaccard, q.estimated_jaccard, q.relation),
            (p.jaccard, p.estimated_jaccard, p.relation)
        );
    }
    assert_eq!(report.summary.tokens, full.summary.tokens);
    assert_eq!(report.warnings[0], "a reader warning");
}

#[test]
fn same_report_for_any_batch_size_and_thread_count() {
    let synth = generate(&SynthParams {
        docs: 300,
        seed: 5,
        ..SynthParams::default()
    })
    .unwrap();
    let items = items(&synth);
    let json = |r: &Report| serde_json::to_string(r).unwrap();
    let want = json(&run(&items, 1000, 1));
    assert!(!run(&items, 1000, 1).clusters.is_empty());
    for (batch, threads) in [(1, 2), (7, 3), (128, 4)] {
        assert_eq!(
            json(&run(&items, batch, threads)),
            want,
            "{batch} {threads}"
        );
    }
}

/// 300 generated articles (seed 9) as items, with a skipped item `bad`
/// inserted at `at`.
fn with_skipped(at: usize) -> (athar_synth::SynthCorpus, Vec<Item>) {
    let synth = generate(&SynthParams {
        docs: 300,
        seed: 9,
        ..SynthParams::default()
    })
    .unwrap();
    let mut items = items(&synth);
    items.insert(
        at,
        Item::Skipped(Skipped {
            id: "bad".into(),
            source: "bad.txt".into(),
            bytes: 4,
            reason: "invalid UTF-8".into(),
        }),
    );
    (synth, items)
}

#[test]
fn keep_list_keeps_one_document_per_cluster_and_every_other_one() {
    let (synth, items) = with_skipped(3);
    let report = run(&items, 50, 2);
    let keep = keep_list(&report);
    let kept: HashSet<&str> = keep.iter().copied().collect();
    assert!(!kept.contains("bad"), "skipped documents are not kept");
    assert_eq!(report.documents.last().unwrap().status, Status::Skipped);
    for c in &report.clusters {
        let n = c
            .members
            .iter()
            .filter(|m| kept.contains(m.as_str()))
            .count();
        assert_eq!(n, 1, "cluster {} keeps exactly one member", c.id);
        assert!(kept.contains(c.representative.as_str()));
    }
    let clustered: usize = report.clusters.iter().map(|c| c.members.len()).sum();
    assert_eq!(
        keep.len(),
        synth.docs.len() - clustered + report.clusters.len()
    );
    // Input order.
    let order: Vec<&str> = report
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| kept.contains(id))
        .collect();
    assert_eq!(keep, order);
}

#[test]
fn heads_are_quoted_for_paired_documents_only() {
    // A skipped item among the documents: heads follow the analysed ones.
    let (synth, items) = with_skipped(5);
    let mut d = Dedup::new(&Config::default()).unwrap();
    for chunk in items.chunks(70) {
        d.add(chunk.to_vec());
    }
    let heads = d.take_heads();
    let report = d.finish(Vec::new()).unwrap();
    let quoted = heads.quoted(&report);
    let named: HashSet<&str> = report
        .pairs
        .iter()
        .flat_map(|p| [p.a.as_str(), p.b.as_str()])
        .collect();
    assert!(!named.is_empty());
    let keys: HashSet<&str> = quoted.keys().map(String::as_str).collect();
    assert_eq!(keys, named, "exactly the paired documents are quoted");
    for doc in &synth.docs {
        let Some(head) = quoted.get(&doc.id) else {
            continue;
        };
        assert!(doc.text.starts_with(head.as_str()), "{}", doc.id);
        let want = doc.text.len().min(athar::dedup::HEAD_BYTES);
        assert!(head.len() <= want && head.len() + 4 > want, "{}", doc.id);
    }
}

#[test]
fn nothing_to_analyse_is_an_error() {
    let mut d = Dedup::new(&Config::default()).unwrap();
    d.add(vec![Item::Skipped(Skipped {
        id: "x".into(),
        source: "x.txt".into(),
        bytes: 0,
        reason: "empty file".into(),
    })]);
    assert!(matches!(
        d.finish(Vec::new()),
        Err(athar::Error::NothingToAnalyse { read: 1 })
    ));
}
