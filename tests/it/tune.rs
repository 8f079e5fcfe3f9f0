//! Tests of `athar tune` (`athar::tune`): histograms, the S-curve, label
//! parsing and the precision/recall sweeps, on generated corpora with known
//! truth (through the binary: `crates/cli/tests/cli.rs`).

use std::path::Path;

use athar::corpus::{Corpus, Document, Skipped};
use athar::pipeline::{Config, NoProgress};
use athar::report::tune::{render_json, render_text};
use athar::sketch::lsh::{self, LshParams};
use athar::text::tokenize::Tokenizer;
use athar::tune::{Label, TuneReport, parse_labels, short_limit, tune};
use athar::verify::{Similarity, similarity};
use athar_synth::{SynthParams, TruthKind, doc_id, generate};
use proptest::prelude::*;

fn synth(docs: usize, seed: u64) -> (Corpus, Vec<athar_synth::TruthPair>) {
    let s = generate(&SynthParams {
        docs,
        seed,
        ..SynthParams::default()
    })
    .unwrap();
    let corpus = Corpus {
        documents: s
            .docs
            .into_iter()
            .map(|d| Document {
                source: d.id.clone(),
                id: d.id,
                text: d.text,
            })
            .collect(),
        ..Corpus::default()
    };
    (corpus, s.truth)
}

fn label(a: &str, b: &str, reuse: bool) -> Label {
    Label {
        a: a.into(),
        b: b.into(),
        reuse,
        line: 0,
    }
}

/// Labels from the generator's truth: near-duplicates 1, unrelated 0.
fn truth_labels(truth: &[athar_synth::TruthPair], shared_too: bool) -> Vec<Label> {
    truth
        .iter()
        .filter_map(|t| {
            let reuse = match t.kind {
                TruthKind::NearDuplicate => true,
                TruthKind::SharedParagraph if shared_too => true,
                TruthKind::Unrelated => false,
                _ => return None,
            };
            Some(label(&doc_id(t.a), &doc_id(t.b), reuse))
        })
        .collect()
}

/// Shingle sets computed independently of `athar::tune`.
fn sets(corpus: &Corpus, config: &Config) -> Vec<Vec<u64>> {
    let mut t = Tokenizer::new(config.normalize);
    corpus
        .documents
        .iter()
        .map(|d| {
            let toks = t.tokenize(&d.text);
            let mut h = Vec::new();
            athar::sketch::shingle::token_hashes(&toks, &mut h);
            let mut s = Vec::new();
            athar::sketch::shingle::shingle_set_into(&h, config.shingle_size, &mut s);
            s
        })
        .collect()
}

fn sim_of(corpus: &Corpus, sets: &[Vec<u64>], l: &Label) -> Similarity {
    let idx = |id: &str| corpus.documents.iter().position(|d| d.id == id).unwrap();
    similarity(&sets[idx(&l.a)], &sets[idx(&l.b)])
}

#[test]
fn recommended_thresholds_separate_the_labelled_pairs() {
    let (corpus, truth) = synth(300, 11);
    let config = Config::default();
    let sets = sets(&corpus, &config);

    // Jaccard alone: near-duplicates against unrelated pairs.
    let labels = truth_labels(&truth, false);
    assert!(labels.iter().filter(|l| l.reuse).count() >= 10);
    assert!(labels.iter().filter(|l| !l.reuse).count() >= 10);
    let r = tune(&corpus, &config, Some(&labels), &NoProgress).unwrap();
    let lab = r.labels.as_ref().unwrap();
    assert_eq!(lab.pairs, labels.len());
    assert_eq!(lab.jaccard.best.f1, 1.0, "{:?}", lab.jaccard.best);
    let t = lab.jaccard.best.threshold;
    for l in &labels {
        let j = sim_of(&corpus, &sets, l).jaccard;
        assert_eq!(j >= t - 1e-12, l.reuse, "{l:?}: J {j} vs threshold {t}");
    }
    // Ties go to the higher threshold: one step up loses a positive.
    let min_pos = labels
        .iter()
        .filter(|l| l.reuse)
        .map(|l| sim_of(&corpus, &sets, l).jaccard)
        .fold(1.0, f64::min);
    assert!(t <= min_pos && min_pos < t + 0.01 + 1e-12, "{t} {min_pos}");
    assert!(lab.jaccard.best_from <= t);

    // The rule of `athar report` (J ≥ t or C ≥ c), shared paragraphs as reuse.
    let labels = truth_labels(&truth, true);
    let r = tune(&corpus, &config, Some(&labels), &NoProgress).unwrap();
    let best = &r.labels.as_ref().unwrap().combined.best;
    let c = best.containment.unwrap();
    let mut kept = (0, 0);
    for l in &labels {
        let s = sim_of(&corpus, &sets, l);
        let pass = s.jaccard >= best.threshold - 1e-12 || s.max_containment() >= c - 1e-12;
        match (pass, l.reuse) {
            (true, true) => kept.0 += 1,
            (true, false) => kept.1 += 1,
            _ => {}
        }
    }
    assert_eq!(
        (best.true_positives, best.false_positives),
        kept,
        "{best:?}"
    );
    // The advice names the recommended flags.
    let advice = r.advice.join(" ");
    assert!(
        advice.contains(&format!("--threshold {:.2}", best.threshold)),
        "{advice}"
    );
}

#[test]
fn histograms_count_every_pair_sharing_a_shingle() {
    let (corpus, _) = synth(250, 5);
    let config = Config {
        max_bucket: 1000,
        ..Config::default()
    };
    let sets = sets(&corpus, &config);
    let r = tune(&corpus, &config, None, &NoProgress).unwrap();
    // Brute force over all pairs.
    let mut jaccard = [0u64; 20];
    let mut containment = [0u64; 20];
    let mut pairs = 0;
    let mut near = 0;
    for a in 0..sets.len() {
        for b in a + 1..sets.len() {
            let s = similarity(&sets[a], &sets[b]);
            if s.intersection == 0 {
                continue;
            }
            pairs += 1;
            let union = s.size_a + s.size_b - s.intersection;
            jaccard[(20 * s.intersection / union).min(19)] += 1;
            containment[(20 * s.intersection / s.size_a.min(s.size_b)).min(19)] += 1;
            near += u64::from(s.jaccard >= config.threshold);
        }
    }
    assert!(pairs > 100, "too few pairs to test: {pairs}");
    assert_eq!(r.pairs, pairs);
    assert_eq!(r.jaccard.total(), pairs);
    assert_eq!(r.containment.total(), pairs);
    let counts = |h: &athar::tune::Histogram| h.bins.iter().map(|b| b.count).collect::<Vec<_>>();
    assert_eq!(counts(&r.jaccard), jaccard.to_vec());
    assert_eq!(counts(&r.containment), containment.to_vec());
    assert_eq!(r.jaccard.bins[0].at_least, pairs);
    assert_eq!(r.lsh.near_duplicates.pairs, near);
    assert_eq!(r.crowded_shingles, 0);

    // A small max_bucket drops the pairs made only by crowded shingles.
    let capped = tune(
        &corpus,
        &Config {
            max_bucket: 2,
            ..Config::default()
        },
        None,
        &NoProgress,
    )
    .unwrap();
    assert!(capped.crowded_shingles > 0);
    assert!(capped.pairs < pairs);
    assert_eq!(capped.jaccard.total(), capped.pairs);
}

#[test]
fn s_curve_matches_lsh_probability() {
    let (corpus, _) = synth(60, 2);
    for (config, expect) in [
        (Config::default(), None),
        (
            Config {
                bands_rows: Some((16, 8)),
                threshold: 0.7,
                ..Config::default()
            },
            Some(LshParams { bands: 16, rows: 8 }),
        ),
    ] {
        let r = tune(&corpus, &config, None, &NoProgress).unwrap();
        let params = expect.unwrap_or_else(|| {
            athar::pipeline::lsh_params_for(config.threshold, config.num_perm).unwrap()
        });
        assert_eq!((r.lsh.bands, r.lsh.rows), (params.bands, params.rows));
        assert_eq!(r.lsh.curve.len(), 14);
        for (i, p) in r.lsh.curve.iter().enumerate() {
            let j = 0.30 + 0.05 * i as f64;
            assert!((p.jaccard - j).abs() < 1e-9);
            assert!((p.probability - lsh::probability(j, params)).abs() < 1e-6);
        }
        assert!((r.lsh.at_threshold - lsh::probability(config.threshold, params)).abs() < 1e-6);
        let m = &r.lsh.near_duplicates;
        assert!((0.0..=1.0).contains(&m.lsh_missed));
        assert!(m.pipeline_missed <= m.lsh_missed);
    }
}

#[test]
fn expected_misses_are_the_mean_of_one_minus_p() {
    // Two pairs at known Jaccard: the miss share is the mean of 1 − P(J).
    let words: Vec<String> = (0..200).map(|i| format!("كلمة{i}")).collect();
    let text = |from: usize, to: usize| words[from..to].join(" ");
    let corpus = Corpus {
        documents: vec![
            doc("a", &text(0, 100)),
            doc("b", &text(20, 120)), // shares 76 of 124 shingles
            doc("c", &text(150, 200)),
        ],
        ..Corpus::default()
    };
    let config = Config {
        threshold: 0.5,
        bands_rows: Some((4, 8)),
        min_passage: 1000, // postings pairs are not verified for a passage
        ..Config::default()
    };
    let r = tune(&corpus, &config, None, &NoProgress).unwrap();
    assert_eq!(r.pairs, 1);
    let s = similarity(&sets(&corpus, &config)[0], &sets(&corpus, &config)[1]);
    let p = lsh::probability(s.jaccard, LshParams { bands: 4, rows: 8 });
    let m = &r.lsh.near_duplicates;
    assert_eq!(m.pairs, 1);
    assert!((m.lsh_missed - (1.0 - p)).abs() < 1e-6, "{m:?} vs {p}");
    // The postings still verify a pair that shares enough shingles to pass a
    // threshold, whatever min_passage: the pipeline misses nothing.
    assert!(m.lsh_missed > 0.0);
    assert_eq!(m.pipeline_missed, 0.0);
    // With the default min_passage too.
    let r = tune(
        &corpus,
        &Config {
            min_passage: 8,
            ..config
        },
        None,
        &NoProgress,
    )
    .unwrap();
    assert_eq!(r.lsh.near_duplicates.pipeline_missed, 0.0);
}

fn doc(id: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        source: id.into(),
        text: text.into(),
    }
}

#[test]
fn short_documents_unknown_ids_and_unshared_pairs() {
    let (mut corpus, _) = synth(40, 9);
    corpus
        .documents
        .push(doc("tiny", "خبر قصير جدا عن الطقس اليوم في الرياض"));
    corpus.skipped.push(Skipped {
        id: "empty".into(),
        source: "empty".into(),
        bytes: 0,
        reason: "empty".into(),
    });
    let config = Config::default();
    let ids: Vec<String> = corpus.documents.iter().map(|d| d.id.clone()).collect();
    let labels = vec![
        label(&ids[0], "tiny", true), // shares nothing: similarity 0, a false negative
        label(&ids[1], "nowhere", false),
        label("empty", &ids[2], false),
        label(&ids[3], &ids[4], false),
    ];
    let r = tune(&corpus, &config, Some(&labels), &NoProgress).unwrap();
    assert_eq!(r.short_documents.ids, vec!["tiny".to_string()]);
    assert_eq!(r.short_documents.min_shingles, short_limit(5));
    let lab = r.labels.unwrap();
    assert_eq!(lab.unknown_ids, vec!["nowhere".to_string()]);
    assert_eq!(lab.not_analysed_ids, vec!["empty".to_string()]);
    assert_eq!(lab.skipped_pairs, 2);
    assert_eq!((lab.pairs, lab.positives, lab.negatives), (2, 1, 1));
    assert!(lab.sharing_nothing >= 1);
    for s in &lab.jaccard.scores {
        assert_eq!((s.true_positives, s.false_negatives), (0, 1));
    }
    // No positive found: the advice does not pretend otherwise.
    assert_eq!(lab.jaccard.best.f1, 0.0);
}

#[test]
fn bad_label_lines_are_errors_naming_the_line() {
    let path = Path::new("labels.tsv");
    let ok = "id_a\tid_b\tlabel\n# comment\n\na\tb\t1\r\nc\td\t0\textra\nb\ta\t1\n";
    let labels = parse_labels(ok, path).unwrap();
    assert_eq!(
        labels,
        vec![
            Label {
                a: "a".into(),
                b: "b".into(),
                reuse: true,
                line: 4
            },
            Label {
                a: "c".into(),
                b: "d".into(),
                reuse: false,
                line: 5
            },
        ]
    );
    // No header is fine too.
    assert_eq!(parse_labels("a\tb\t0\n", path).unwrap().len(), 1);
    for (text, line, what) in [
        ("a\tb\t1\nc d 1\n", 2, "column"),
        ("a\tb\t1\nc\td\tyes\n", 2, "label must be 1"),
        ("a\tb\t1\nc\td\t2\n", 2, "label must be 1"),
        ("id_a\tid_b\tlabel\na\tb\tlabel\n", 2, "label must be 1"),
        ("a\ta\t1\n", 1, "itself"),
        ("a\t\t1\n", 1, "empty"),
        ("a\tb\t1\n\nb\ta\t0\n", 3, "line 1"),
    ] {
        let err = parse_labels(text, path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("labels.tsv:{line}: ")) && err.contains(what),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let (corpus, truth) = synth(200, 4);
    let labels = truth_labels(&truth, true);
    let config = Config::default();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| tune(&corpus, &config, Some(&labels), &NoProgress).unwrap());
        let (mut json, mut text) = (Vec::new(), Vec::new());
        render_json(&r, &mut json).unwrap();
        render_text(&r, &mut text).unwrap();
        (json, text)
    };
    let one = run(1);
    assert_eq!(one, run(3));
    let back: TuneReport = serde_json::from_slice(&one.0).unwrap();
    let text = String::from_utf8(one.1).unwrap();
    assert!(text.contains("What to do:"));
    assert!(text.contains(&back.advice[0]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any well-formed labels file parses back to its rows, with line numbers.
    #[test]
    fn labels_round_trip(rows in proptest::collection::vec((0u32..50, 0u32..50, any::<bool>()), 0..30), header in any::<bool>()) {
        let mut text = String::new();
        if header {
            text.push_str("id_a\tid_b\tlabel\n");
        }
        let mut expect: Vec<Label> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        let mut line = usize::from(header);
        let mut conflict = None;
        for (a, b, reuse) in rows {
            line += 1;
            text.push_str(&format!("d{a}\td{b}\t{}\n", u8::from(reuse)));
            if conflict.is_some() {
                continue;
            }
            if a == b {
                conflict = Some(line);
                continue;
            }
            let key = (a.min(b), a.max(b));
            match seen.get(&key) {
                Some(&r) if r != reuse => conflict = Some(line),
                Some(_) => {}
                None => {
                    seen.insert(key, reuse);
                    expect.push(Label { a: format!("d{a}"), b: format!("d{b}"), reuse, line });
                }
            }
        }
        match (parse_labels(&text, Path::new("l.tsv")), conflict) {
            (Ok(got), None) => prop_assert_eq!(got, expect),
            (Err(e), Some(line)) => {
                let prefix = format!("l.tsv:{}: ", line);
                prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
            }
            (got, c) => prop_assert!(false, "{:?} vs conflict {:?}", got.map(|g| g.len()), c),
        }
    }
}
