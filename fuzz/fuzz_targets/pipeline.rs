//! The whole pipeline (`athar::pipeline::analyse`) on 2–4 tiny documents
//! built from a small Arabic vocabulary (so documents share words, phrases
//! and passages) mixed with arbitrary strings, under fuzzed parameters.
//!
//! Checks every invariant of `report_invariants.rs` (locations slice the
//! documents, passages/pairs/clusters/narratives/phrases consistent and
//! sorted, JSON round trip), and that a 1-thread and a 3-thread run give the
//! same report.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use athar::corpus::{Corpus, Document};
use athar::text::normalize::{NormalizeOptions, Preset};
use athar::pipeline::{Config, NoProgress, analyse};
use libfuzzer_sys::fuzz_target;

#[path = "../report_invariants.rs"]
mod report_invariants;

/// Words with their usual spelling variants, punctuation and digits.
const VOCAB: [&str; 24] = [
    "قال",
    "الوزير",
    "إن",
    "الحكومة",
    "الحكومه",
    "ستعلن",
    "عن",
    "خطة",
    "جديدة",
    "لدعم",
    "الاقتصاد",
    "في",
    "عام",
    "٢٠٢٣م",
    "2023",
    "،",
    ".",
    "؟",
    "وأضاف",
    "أنّ",
    "الـمدرسة",
    "ﷺ",
    "\n",
    "Σ",
];

#[derive(Arbitrary, Debug)]
enum Piece {
    Word(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    docs: Vec<Vec<Piece>>,
    preset: u8,
    split_digits: bool,
    shingle_size: u8,
    min_passage: u8,
    max_gap: u8,
    threshold: u8,
    narratives: bool,
    max_df: u8,
}

fn pools() -> &'static (rayon::ThreadPool, rayon::ThreadPool) {
    static POOLS: OnceLock<(rayon::ThreadPool, rayon::ThreadPool)> = OnceLock::new();
    POOLS.get_or_init(|| {
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        (pool(1), pool(3))
    })
}

fuzz_target!(|input: Input| {
    if !(2..=4).contains(&input.docs.len()) {
        return;
    }
    let documents: Vec<Document> = input
        .docs
        .iter()
        .enumerate()
        .map(|(i, pieces)| {
            let mut text = String::new();
            for p in pieces.iter().take(200) {
                match p {
                    Piece::Word(w) => text.push_str(VOCAB[usize::from(*w) % VOCAB.len()]),
                    Piece::Raw(s) => text.push_str(s),
                }
                text.push(' ');
            }
            Document {
                id: format!("d{i}"),
                source: format!("d{i}.txt"),
                text,
            }
        })
        .collect();
    let corpus = Corpus {
        documents,
        ..Corpus::default()
    };
    let preset = [Preset::Default, Preset::Loose, Preset::None][usize::from(input.preset % 3)];
    let normalize = NormalizeOptions {
        split_digits: input.split_digits,
        ..NormalizeOptions::preset(preset)
    };
    let config = Config {
        normalize,
        shingle_size: usize::from(input.shingle_size % 5) + 1,
        num_perm: 32,
        min_passage: usize::from(input.min_passage % 10) + 1,
        max_gap: usize::from(input.max_gap % 6),
        threshold: f64::from(input.threshold % 10 + 1) / 10.0,
        narratives: input.narratives,
        max_df: athar::pipeline::MaxDf::Count(usize::from(input.max_df % 4) + 1),
        ..Config::default()
    };
    let (one, three) = pools();
    let report = one.install(|| analyse(&corpus, &config, &NoProgress));
    let report = match report {
        Ok(r) => r,
        Err(e) => panic!("analyse failed on documents: {e}"),
    };
    report_invariants::check_report(&corpus, normalize, &report);
    let again = three
        .install(|| analyse(&corpus, &config, &NoProgress))
        .expect("second run");
    assert!(again == report, "1-thread and 3-thread reports differ");
});
