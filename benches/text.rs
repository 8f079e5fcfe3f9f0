//! Throughput of normalize + tokenize on the seed articles and on a larger
//! synthetic text (seeds with diacritics, tatweel, presentation forms and
//! invisible controls mixed in, repeated to about 4 MB).

use athar::text::normalize::{NormalizeOptions, Preset};
use athar::text::sentences::sentences;
use athar::text::tokenize::{Tokenizer, Tokens};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// The seed articles with their token counts under the default preset
/// (checked in every iteration, so a broken tokenizer cannot report a fast
/// time).
const SEEDS: [(&str, &str, usize); 5] = [
    (
        "000",
        include_str!("../corpus/000_a8c9c320c45533b7.txt"),
        492,
    ),
    (
        "001",
        include_str!("../corpus/001_b0e07918fdc47d3a.txt"),
        400,
    ),
    (
        "002",
        include_str!("../corpus/002_57bea19229710927.txt"),
        998,
    ),
    (
        "003",
        include_str!("../corpus/003_10072a147e764a93.txt"),
        519,
    ),
    (
        "004",
        include_str!("../corpus/004_48637a38231df504.txt"),
        889,
    ),
];

/// Token counts of the 4 MB texts (the same under every preset: the
/// presets fold letters but never split or join words here).
const PLAIN_TOKENS: usize = 382_568;
const NOISY_TOKENS: usize = 316_160;

/// All seeds, concatenated and repeated to about 4 MB.
fn plain_mix() -> String {
    let all: String = SEEDS
        .iter()
        .map(|(_, s, _)| *s)
        .collect::<Vec<_>>()
        .join("\n");
    all.repeat(4_000_000 / all.len() + 1)
}

/// The seeds with typing noise: every 7th Arabic letter gets a haraka, every
/// 13th a tatweel, every 101st a ZWNJ, every 211th word becomes a
/// decomposed-hamza or presentation-form spelling. Repeated to about 4 MB.
fn noisy_mix() -> String {
    let all: String = SEEDS
        .iter()
        .map(|(_, s, _)| *s)
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::with_capacity(all.len() * 2);
    let mut n = 0usize;
    for c in all.chars() {
        if c == ' ' {
            n += 1;
            if n % 211 == 0 {
                out.push_str(" \u{FEE3}\u{FEB4}\u{FE8C}\u{FEEE}\u{FEDD} \u{0627}\u{0654}\u{062D}\u{0645}\u{062F}");
            }
        }
        out.push(c);
        if ('\u{0621}'..='\u{064A}').contains(&c) {
            n += 1;
            if n % 7 == 0 {
                out.push('\u{064E}');
            }
            if n % 13 == 0 {
                out.push('\u{0640}');
            }
            if n % 101 == 0 {
                out.push('\u{200C}');
            }
        }
    }
    out.repeat(4_000_000 / out.len() + 1)
}

fn bench_seeds(c: &mut Criterion) {
    let mut group = c.benchmark_group("tokenize/seed");
    for (name, text, expected) in SEEDS {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            let mut tk = Tokenizer::new(NormalizeOptions::default());
            let mut out = Tokens::default();
            b.iter(|| {
                tk.tokenize_into(black_box(text), &mut out);
                assert_eq!(out.len(), expected);
            })
        });
    }
    group.finish();
}

fn bench_large(c: &mut Criterion) {
    let mut group = c.benchmark_group("tokenize/4mb");
    group.sample_size(10);
    for (name, text, expected) in [
        ("plain", plain_mix(), PLAIN_TOKENS),
        ("noisy", noisy_mix(), NOISY_TOKENS),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        for preset in [Preset::Default, Preset::Loose, Preset::None] {
            let opts = NormalizeOptions::preset(preset);
            group.bench_function(format!("{name}/{}", opts.id()), |b| {
                let mut tk = Tokenizer::new(opts);
                let mut out = Tokens::default();
                b.iter(|| {
                    tk.tokenize_into(black_box(&text), &mut out);
                    assert_eq!(out.len(), expected);
                })
            });
        }
    }
    group.finish();
}

/// Texts of the first 2,000 documents of the shared generated corpus
/// `/tmp/g10000.jsonl`, when it is there (about 7 MB of news-like text).
fn g10000_texts() -> Option<Vec<String>> {
    let file = std::fs::read_to_string("/tmp/g10000.jsonl").ok()?;
    let texts = file
        .lines()
        .take(2000)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text")?.as_str().map(str::to_string))
        .collect::<Vec<_>>();
    (!texts.is_empty()).then_some(texts)
}

/// `tokenize::sentences` document by document, as the sign stage calls it:
/// on generated news text (1,000 `athar_synth` documents, and
/// `/tmp/g10000.jsonl` when present) and on the 4 MB seed mixes.
fn bench_sentences(c: &mut Criterion) {
    let mut group = c.benchmark_group("sentences");
    group.sample_size(10);
    let synth: Vec<String> = athar_synth::generate(&athar_synth::SynthParams {
        docs: 1000,
        ..athar_synth::SynthParams::default()
    })
    .expect("valid parameters")
    .docs
    .into_iter()
    .map(|d| d.text)
    .collect();
    let mut sets = vec![("synth1000", synth)];
    if let Some(texts) = g10000_texts() {
        sets.push(("g10000_first2000", texts));
    }
    sets.push(("plain4mb", vec![plain_mix()]));
    sets.push(("noisy4mb", vec![noisy_mix()]));
    for (name, texts) in &sets {
        let bytes: usize = texts.iter().map(String::len).sum();
        // The count is fixed by the first call and checked in every
        // iteration, so a function that stops cutting cannot look fast.
        let expected: usize = texts.iter().map(|t| sentences(t).len()).sum();
        assert!(expected > texts.len());
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(*name, |b| {
            b.iter(|| {
                let n: usize = texts.iter().map(|t| sentences(black_box(t)).len()).sum();
                assert_eq!(n, expected);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_seeds, bench_large, bench_sentences);
criterion_main!(benches);
