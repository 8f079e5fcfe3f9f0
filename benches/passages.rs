//! Verbatim alignment, extension over reworded evidence, long-document
//! alignment and phrase mining on realistic pairs built from the seed corpus
//! (`corpus/*.txt`, five real Arabic news articles).
//!
//! `cargo bench --bench passages -- --warm-up-time 1 --measurement-time 3`
//!
//! Throughput is bytes of original text on both sides of the pairs aligned.
//! `tokenize+hash` times the cheapest part of signing (tokenizing, hashing
//! tokens and shingles) on the same bytes, for comparison.

use std::hint::black_box;

use athar::passages::align::{AlignParams, align};
use athar::passages::content::{ContentDoc, content_tokens};
use athar::passages::reworded::{Kind, ReworkParams, passages};
use athar::phrases::{PhraseParams, reused_phrases};
use athar::sketch::shingle::{Shingle, shingles, token_hashes};
use athar::text::tokenize::{Tokenizer, Tokens};
use athar_synth::{BookParams, generate_books};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TEXTS: [&str; 5] = [
    include_str!("../corpus/000_a8c9c320c45533b7.txt"),
    include_str!("../corpus/001_b0e07918fdc47d3a.txt"),
    include_str!("../corpus/002_57bea19229710927.txt"),
    include_str!("../corpus/003_10072a147e764a93.txt"),
    include_str!("../corpus/004_48637a38231df504.txt"),
];

fn hashes(text: &str) -> Vec<u64> {
    let tokens = Tokenizer::default().tokenize(text);
    let mut h = Vec::new();
    token_hashes(&tokens, &mut h);
    h
}

/// A republished copy: every 15th word changed, every 40th dropped.
fn edited(text: &str) -> String {
    let mut out = Vec::new();
    for (i, w) in text.split_whitespace().enumerate() {
        match i % 40 {
            39 => {}
            _ if i % 15 == 14 => out.push(format!("{w}ه")),
            _ => out.push(w.to_string()),
        }
    }
    out.join(" ")
}

/// `host` with the middle third of `guest` inserted in its middle.
fn inserted(host: &str, guest: &str) -> String {
    let h: Vec<&str> = host.split_whitespace().collect();
    let g: Vec<&str> = guest.split_whitespace().collect();
    let third = g.len() / 3;
    let mut out: Vec<&str> = h[..h.len() / 2].to_vec();
    out.extend(&g[third..2 * third]);
    out.extend(&h[h.len() / 2..]);
    out.join(" ")
}

struct Pairs {
    name: &'static str,
    pairs: Vec<(Vec<u64>, Vec<u64>)>,
    bytes: u64,
}

fn pairs() -> Vec<Pairs> {
    let n = TEXTS.len();
    let mut out = Vec::new();
    let mut make = |name, texts: Vec<(String, String)>| {
        let bytes = texts.iter().map(|(a, b)| (a.len() + b.len()) as u64).sum();
        let pairs = texts.iter().map(|(a, b)| (hashes(a), hashes(b))).collect();
        out.push(Pairs { name, pairs, bytes });
    };
    make(
        "edited_copy",
        TEXTS.iter().map(|t| (t.to_string(), edited(t))).collect(),
    );
    make(
        "inserted_passage",
        (0..n)
            .map(|i| (TEXTS[i].to_string(), inserted(TEXTS[(i + 1) % n], TEXTS[i])))
            .collect(),
    );
    make(
        "unrelated",
        (0..n)
            .map(|i| (TEXTS[i].to_string(), TEXTS[(i + 2) % n].to_string()))
            .collect(),
    );
    out
}

fn bench_align(c: &mut Criterion) {
    let params = AlignParams::default();
    let mut g = c.benchmark_group("align");
    g.sample_size(20);
    for set in pairs() {
        // Check the answer once: one passage per reuse pair, none otherwise.
        let found: Vec<usize> = set
            .pairs
            .iter()
            .map(|(a, b)| align(a, b, &params, &|_| false).len())
            .collect();
        match set.name {
            "unrelated" => assert!(found.iter().all(|&n| n == 0), "{found:?}"),
            _ => assert!(found.iter().all(|&n| n == 1), "{}: {found:?}", set.name),
        }
        g.throughput(Throughput::Bytes(set.bytes));
        g.bench_function(format!("{}/{}_pairs", set.name, set.pairs.len()), |bch| {
            bch.iter(|| {
                let mut total = 0;
                for (a, b) in &set.pairs {
                    total += align(black_box(a), black_box(b), &params, &|_| false).len();
                }
                total
            })
        });
    }
    // Baseline: tokenizing and hashing the same bytes (part of signing).
    let texts: Vec<String> = TEXTS
        .iter()
        .flat_map(|t| [t.to_string(), edited(t)])
        .collect();
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("tokenize+hash/10_docs", |bch| {
        let mut tk = Tokenizer::default();
        let mut tokens = Tokens::default();
        let mut h = Vec::new();
        let mut sh: Vec<Shingle> = Vec::new();
        bch.iter(|| {
            let mut n = 0;
            for t in &texts {
                tk.tokenize_into(black_box(t), &mut tokens);
                token_hashes(&tokens, &mut h);
                shingles(&h, 5, &mut sh);
                n += sh.len();
            }
            n
        })
    });
    g.finish();
}

fn bench_phrases(c: &mut Criterion) {
    let docs: Vec<Vec<u64>> = TEXTS
        .iter()
        .flat_map(|t| [hashes(t), hashes(&edited(t))])
        .collect();
    let bytes: u64 = TEXTS.iter().map(|t| 2 * t.len() as u64).sum();
    let found = reused_phrases(&docs, &PhraseParams::default());
    assert!(!found.is_empty());
    let mut g = c.benchmark_group("phrases");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("reused_phrases/10_docs", |bch| {
        bch.iter(|| reused_phrases(black_box(&docs), &PhraseParams::default()).len())
    });
    g.finish();
}

/// Content words of a text, every stem weighing 3 (as in a corpus where
/// each is equally rare).
fn content(text: &str) -> ContentDoc {
    let tokens = Tokenizer::default().tokenize(text);
    let mut words = Vec::new();
    content_tokens(&tokens, &mut words);
    ContentDoc::new(&words, |_| 3.0)
}

/// `host` with the sentences of `guest`'s middle third inserted in reverse
/// order (a phrase-shuffled copy).
fn reordered(host: &str, guest: &str) -> String {
    let g: Vec<&str> = guest.split_whitespace().collect();
    let third = g.len() / 3;
    let mid = &g[third..2 * third];
    let mut pieces: Vec<String> = mid.chunks(9).map(|c| c.join(" ")).collect();
    pieces.reverse();
    let h: Vec<&str> = host.split_whitespace().collect();
    format!(
        "{} {} {}",
        h[..h.len() / 2].join(" "),
        pieces.join("، "),
        h[h.len() / 2..].join(" ")
    )
}

/// Extension: the seeds of phrase-shuffled copies joined into one passage
/// each (verbatim pieces and window seeds, clustered by proximity in each
/// document, validated).
fn bench_extension(c: &mut Criterion) {
    let n = TEXTS.len();
    let params = AlignParams::default();
    let rework = ReworkParams::default();
    let pairs: Vec<(Vec<u64>, Vec<u64>, ContentDoc, ContentDoc)> = (0..n)
        .map(|i| {
            let a = reordered(TEXTS[(i + 1) % n], TEXTS[i]);
            (hashes(&a), hashes(TEXTS[i]), content(&a), content(TEXTS[i]))
        })
        .collect();
    let bytes: u64 = (0..n)
        .map(|i| (reordered(TEXTS[(i + 1) % n], TEXTS[i]).len() + TEXTS[i].len()) as u64)
        .sum();
    let run = |(ha, hb, ca, cb): &(Vec<u64>, Vec<u64>, ContentDoc, ContentDoc)| {
        let m = align(ha, hb, &params, &|_| false);
        passages(&ca.side(), &cb.side(), &m, &rework)
    };
    for p in &pairs {
        let found = run(p);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_ne!(found[0].kind, Kind::Verbatim);
    }
    let mut g = c.benchmark_group("extension");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function(format!("phrase_shuffled/{n}_pairs"), |bch| {
        bch.iter(|| pairs.iter().map(|p| run(black_box(p)).len()).sum::<usize>())
    });
    g.finish();
}

/// Long documents: two documents of about 1 MB made of the seed articles'
/// sentences in two different orders, sharing six planted passages; and two
/// generated books of 1 MB with their planted passages.
fn bench_long(c: &mut Criterion) {
    let sentences: Vec<&str> = TEXTS.iter().flat_map(|t| t.split('.')).collect();
    let planted: Vec<String> = (0..6)
        .map(|k| {
            (0..40)
                .map(|i| format!("كلمة{k}x{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let build = |step: usize, offset: usize| {
        let mut out = String::new();
        let mut i = offset;
        let mut k = 0;
        while out.len() < 1 << 20 {
            out.push_str(sentences[i % sentences.len()]);
            out.push_str(". ");
            i += step;
            if out.len() > (k + 1) * (1 << 20) / 7 && k < planted.len() {
                out.push_str(&planted[k]);
                out.push_str(". ");
                k += 1;
            }
        }
        out
    };
    let (a, b) = (build(7, 0), build(13, 5));
    let (ha, hb) = (hashes(&a), hashes(&b));
    let (ca, cb) = (content(&a), content(&b));
    let params = AlignParams::default();
    let rework = ReworkParams::default();
    let mut g = c.benchmark_group("long");
    g.sample_size(10);
    g.throughput(Throughput::Bytes((a.len() + b.len()) as u64));
    g.bench_function("verbatim/2x1MB", |bch| {
        bch.iter(|| align(black_box(&ha), black_box(&hb), &params, &|_| false).len())
    });
    let m = align(&ha, &hb, &params, &|_| false);
    g.bench_function("passages/2x1MB", |bch| {
        bch.iter(|| passages(&ca.side(), &cb.side(), black_box(&m), &rework).len())
    });
    // Two generated books (`athar gen --books 2`) sharing planted passages,
    // verbatim and lightly altered, from a few words to a chapter.
    let books = generate_books(&BookParams {
        books: 2,
        book_bytes: 1 << 20,
        seed: 9,
        passages_per_book: 4.0,
        ..BookParams::default()
    })
    .expect("valid parameters");
    let (a, b) = (&books.docs[0].text, &books.docs[1].text);
    let (ha, hb) = (hashes(a), hashes(b));
    let (ca, cb) = (content(a), content(b));
    let m = align(&ha, &hb, &params, &|_| false);
    let found = passages(&ca.side(), &cb.side(), &m, &rework);
    assert!(
        found.len() >= books.truth.len(),
        "{} < {}",
        found.len(),
        books.truth.len()
    );
    g.throughput(Throughput::Bytes((a.len() + b.len()) as u64));
    g.bench_function("books_verbatim/2x1MB", |bch| {
        bch.iter(|| align(black_box(&ha), black_box(&hb), &params, &|_| false).len())
    });
    g.bench_function("books_passages/2x1MB", |bch| {
        bch.iter(|| passages(&ca.side(), &cb.side(), black_box(&m), &rework).len())
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_align,
    bench_extension,
    bench_long,
    bench_phrases
);
criterion_main!(benches);
