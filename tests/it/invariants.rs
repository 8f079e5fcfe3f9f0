//! Report invariants of the whole pipeline (proptest).
//!
//! Small random corpora mix real Arabic (paragraphs of the seed articles in
//! `corpus/`), perturbed copies and pasted paragraphs made with
//! `athar_synth`, and random strings. Every report must satisfy the
//! contract checked by `fuzz/report_invariants.rs` (shared with the
//! `pipeline` fuzz target), be the same in a 1-thread and a 3-thread pool,
//! and survive a JSON round trip. `PROPTEST_CASES=500` for a deeper run.

use athar::corpus::{Corpus, Document};
use athar::pipeline::{Config, MaxDf, NoProgress, analyse};
use athar::report::{PassageKind, Relation, Report};
use athar::text::normalize::{NormalizeOptions, Preset};
use athar_synth::{PerturbParams, Position, SynthRng, insert_paragraph, perturb, shuffle_words};
use proptest::prelude::*;

use crate::common::report_invariants::check_report;

const SEEDS: [&str; 5] = [
    include_str!("../../corpus/000_a8c9c320c45533b7.txt"),
    include_str!("../../corpus/001_b0e07918fdc47d3a.txt"),
    include_str!("../../corpus/002_57bea19229710927.txt"),
    include_str!("../../corpus/003_10072a147e764a93.txt"),
    include_str!("../../corpus/004_48637a38231df504.txt"),
];

/// A site footer shared by unrelated articles (boilerplate).
const FOOTER: &str =
    "جميع الحقوق محفوظة لموقع الأخبار العربية، ولا يجوز نشر أي جزء من هذا المحتوى دون إذن مسبق";

/// Paragraphs of the seed articles: their non-blank lines, long lines cut
/// into sentences.
fn paragraphs() -> Vec<String> {
    let mut out = Vec::new();
    for seed in SEEDS {
        for line in seed.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.len() > 600 {
                out.extend(
                    line.split_inclusive(". ")
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty()),
                );
            } else {
                out.push(line.to_string());
            }
        }
    }
    out
}

/// How one document of a random corpus is made.
#[derive(Clone, Debug)]
enum Spec {
    /// Seed paragraphs, joined by newlines, with the site's footer or not.
    Original(Vec<usize>, bool),
    /// A perturbed copy of an earlier document (index modulo the count).
    Copy { of: usize, seed: u64, heavy: bool },
    /// An earlier document with a paragraph of another pasted in.
    Paste { host: usize, donor: usize, at: u8 },
    /// An earlier document with its words shuffled.
    Shuffle { of: usize, seed: u64 },
    /// Arbitrary text, with a seed paragraph around it or not.
    Random(String, Option<usize>),
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        3 => (prop::collection::vec(any::<usize>(), 1..4), any::<bool>())
            .prop_map(|(p, footer)| Spec::Original(p, footer)),
        2 => (any::<usize>(), any::<u64>(), any::<bool>())
            .prop_map(|(of, seed, heavy)| Spec::Copy { of, seed, heavy }),
        2 => (any::<usize>(), any::<usize>(), any::<u8>())
            .prop_map(|(host, donor, at)| Spec::Paste { host, donor, at }),
        1 => (any::<usize>(), any::<u64>()).prop_map(|(of, seed)| Spec::Shuffle { of, seed }),
        1 => (".{0,40}", prop::option::of(any::<usize>())).prop_map(|(s, p)| Spec::Random(s, p)),
    ]
}

/// Builds the texts of a corpus from its specs. The first document is
/// always an original.
fn build(specs: &[Spec]) -> Vec<String> {
    let paras = paragraphs();
    let mut texts: Vec<String> = Vec::new();
    for spec in specs {
        let earlier = |i: usize| -> &str { texts.get(i % texts.len().max(1)).map_or("", |s| s) };
        let text = match spec {
            _ if texts.is_empty() => paras[0].clone(),
            Spec::Original(ix, footer) => {
                let mut t: Vec<&str> = ix
                    .iter()
                    .map(|&i| paras[i % paras.len()].as_str())
                    .collect();
                if *footer {
                    t.push(FOOTER);
                }
                t.join("\n")
            }
            Spec::Copy { of, seed, heavy } => {
                let p = if *heavy {
                    PerturbParams {
                        edit_rate: 0.2,
                        reorder_rate: 0.3,
                        ..PerturbParams::default()
                    }
                } else {
                    PerturbParams::default()
                };
                perturb(earlier(*of), &p, &mut SynthRng::new(*seed))
            }
            Spec::Paste { host, donor, at } => {
                let donor = earlier(*donor);
                let para = donor.lines().max_by_key(|l| l.len()).unwrap_or("");
                let at = [Position::Start, Position::Middle, Position::End][usize::from(at % 3)];
                insert_paragraph(earlier(*host), para, at).0
            }
            Spec::Shuffle { of, seed } => shuffle_words(earlier(*of), &mut SynthRng::new(*seed)),
            Spec::Random(s, around) => match around {
                Some(p) => format!("{}\n{s}", paras[p % paras.len()]),
                None => s.clone(),
            },
        };
        texts.push(text);
    }
    texts
}

fn corpus(texts: Vec<String>) -> Corpus {
    Corpus {
        documents: texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| Document {
                id: format!("doc{i}"),
                source: format!("doc{i}.txt"),
                text,
            })
            .collect(),
        ..Corpus::default()
    }
}

fn run(corpus: &Corpus, config: &Config, threads: usize) -> Report {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| analyse(corpus, config, &NoProgress))
        .expect("analyse")
}

fn config(
    shingle_size: usize,
    min_passage: usize,
    narratives: bool,
    preset: u8,
    max_df: Option<usize>,
) -> Config {
    let preset = [Preset::Default, Preset::Loose, Preset::None][usize::from(preset % 3)];
    Config {
        normalize: NormalizeOptions::preset(preset),
        shingle_size,
        min_passage,
        narratives,
        max_df: max_df.map_or(MaxDf::Fraction(0.02), MaxDf::Count),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40)
    ))]

    /// Every report satisfies the contract, whatever the thread count.
    #[test]
    fn report_invariants_hold(
        specs in prop::collection::vec(spec(), 2..7),
        shingle_size in 2usize..6,
        min_passage in 4usize..12,
        narratives in any::<bool>(),
        preset in any::<u8>(),
        max_df in prop::option::of(1usize..3),
    ) {
        let corpus = corpus(build(&specs));
        let config = config(shingle_size, min_passage, narratives, preset, max_df);
        let report = run(&corpus, &config, 1);
        check_report(&corpus, config.normalize, &report);
        let threaded = run(&corpus, &config, 3);
        prop_assert!(threaded == report, "1-thread and 3-thread reports differ");
    }

    /// A copy that differs only in whitespace is a near-duplicate pair with
    /// Jaccard 1, in one cluster with its original.
    #[test]
    fn whitespace_copy_is_a_near_duplicate(
        ix in prop::collection::vec(any::<usize>(), 1..4),
        seed in any::<u64>(),
    ) {
        let paras = paragraphs();
        let original: Vec<&str> = ix.iter().map(|&i| paras[i % paras.len()].as_str()).collect();
        let original = original.join("\n");
        let copy = perturb(&original, &PerturbParams::none(), &mut SynthRng::new(seed));
        let unrelated = paras[(ix[0] + paras.len() / 2) % paras.len()].clone();
        let corpus = corpus(vec![original, unrelated, copy]);
        let config = Config::default();
        let report = run(&corpus, &config, 2);
        check_report(&corpus, config.normalize, &report);
        let pair = report.pairs.iter().find(|p| p.a == "doc0" && p.b == "doc2");
        prop_assert!(pair.is_some(), "copy not paired: {:?}", report.pairs);
        let pair = pair.unwrap();
        prop_assert_eq!(pair.jaccard, 1.0);
        prop_assert_eq!(pair.relation, Relation::NearDuplicate);
        prop_assert!(report
            .clusters
            .iter()
            .any(|c| c.members.contains(&"doc0".to_string()) && c.members.contains(&"doc2".to_string())));
    }

    /// A long paragraph pasted into an unrelated article is found as a
    /// verbatim passage at the place it was pasted.
    #[test]
    fn pasted_paragraph_is_found(
        donor in any::<usize>(),
        host in any::<usize>(),
        at in 0usize..3,
    ) {
        let paras = paragraphs();
        let long: Vec<&String> = paras.iter().filter(|p| p.split_whitespace().count() >= 25).collect();
        let donor = long[donor % long.len()].clone();
        let host_text = SEEDS[host % SEEDS.len()];
        prop_assume!(!host_text.contains(donor.as_str()));
        let position = [Position::Start, Position::Middle, Position::End][at];
        let (pasted, (s, e)) = insert_paragraph(host_text, &donor, position);
        let corpus = corpus(vec![donor.clone(), pasted]);
        let config = Config::default();
        let report = run(&corpus, &config, 1);
        check_report(&corpus, config.normalize, &report);
        let found = report.passages.iter().any(|p| {
            matches!(p.kind, PassageKind::Verbatim | PassageKind::Mixed)
                && p.a.doc == "doc0"
                && p.b.doc == "doc1"
                && p.b.start < e
                && s < p.b.end
        });
        prop_assert!(found, "pasted paragraph at {}..{} not found: {:?}", s, e, report.passages);
    }
}

/// The seed articles, perturbed copies and pastes among them: one fixed,
/// realistic corpus checked in full.
#[test]
fn seed_corpus_report_invariants() {
    let mut texts: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    let mut rng = SynthRng::new(7);
    for seed in SEEDS {
        texts.push(perturb(seed, &PerturbParams::default(), &mut rng));
    }
    let para = SEEDS[4].lines().max_by_key(|l| l.len()).unwrap();
    texts.push(insert_paragraph(SEEDS[2], para, Position::Middle).0);
    let corpus = corpus(texts);
    for narratives in [false, true] {
        let config = Config {
            narratives,
            ..Config::default()
        };
        let report = run(&corpus, &config, 1);
        check_report(&corpus, config.normalize, &report);
        assert!(
            report.pairs.len() >= SEEDS.len(),
            "perturbed copies not paired: {:?}",
            report.pairs
        );
        assert!(
            run(&corpus, &config, 3) == report,
            "thread count changed the report"
        );
    }
}
