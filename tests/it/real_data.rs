//! Recall on real republished news: one day of SaudiNewsNet (1,318 articles)
//! with the exhaustive list of overlapping pairs (Jaccard ≥ 0.1 or
//! min-containment ≥ 0.5 over word 5-shingles). The data lives outside the
//! repository (`../shared/data`); the test fails, saying so, when it is absent.

use std::collections::HashSet;

use athar::corpus::{self, ReadOptions};
use athar::pipeline::{self, Config, NoProgress};
use athar::report::Relation;

use crate::common;

#[test]
fn every_overlapping_pair_of_the_saudi_day_is_found() {
    let jsonl = common::shared("data/saudinewsnet-2015-07-23.jsonl");
    let pairs = common::shared("data/saudinewsnet-2015-07-23.pairs.tsv");
    let corpus = corpus::load(&[jsonl], &ReadOptions::default()).unwrap();
    // The reference's own definition of an overlapping pair.
    let config = Config {
        threshold: 0.1,
        containment: 0.5,
        ..Config::default()
    };
    let report = pipeline::analyse(&corpus, &config, &NoProgress).unwrap();
    let found: HashSet<(String, String)> = report
        .pairs
        .iter()
        .flat_map(|p| [(p.a.clone(), p.b.clone()), (p.b.clone(), p.a.clone())])
        .collect();
    let truth = std::fs::read_to_string(pairs).unwrap();
    let mut missed = Vec::new();
    let mut total = 0;
    for line in truth.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (jaccard, containment): (f64, f64) = (f[4].parse().unwrap(), f[5].parse().unwrap());
        total += 1;
        if !found.contains(&(f[0].to_string(), f[1].to_string())) {
            missed.push((f[0].to_string(), f[1].to_string(), jaccard, containment));
        }
    }
    assert!(total > 600);
    assert!(
        missed.is_empty(),
        "missed {} of {total}: {missed:?}",
        missed.len()
    );
    // Every listed pair is a near-duplicate or contained pair at these
    // thresholds, and real near-duplicates share passages.
    for line in truth.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let jaccard: f64 = f[4].parse().unwrap();
        if jaccard >= 0.6 {
            let p = report
                .pairs
                .iter()
                .find(|p| (p.a == f[0] && p.b == f[1]) || (p.a == f[1] && p.b == f[0]))
                .unwrap();
            assert_eq!(p.relation, Relation::NearDuplicate, "{p:?}");
            assert!(
                p.passages >= 1,
                "a near-duplicate pair shares passages: {p:?}"
            );
        }
    }
}
