//! Fuzz inputs kept as regression tests, replayed in plain `cargo test`
//! through the same checks as the fuzz targets (`fuzz/checks.rs`,
//! `fuzz/report_invariants.rs`).
//!
//! * `tests/fixtures/fuzz/tokenize/*`: inputs of the `tokenize` target
//!   (byte 0 = preset, byte 1 = flags, then the text), picked from its
//!   corpus for the code they reach (Greek sigma, invalid UTF-8 replaced,
//!   controls, mixed scripts), plus two seed-article excerpts;
//! * `tests/fixtures/fuzz/jsonl/*`: hand-made JSON Lines edge cases (mid-
//!   stream byte-order mark, CRLF, duplicate ids, UTF-16, Windows-1256,
//!   invalid UTF-8, NUL, arrays, give-up after 20 bad lines, text first),
//!   read as JSON Lines and with detection, strict and lenient;
//! * alignment and pipeline edge cases written out below.
//!
//! When a fuzz target finds a crash, minimize it (`cargo fuzz tmin`), copy
//! the file into the target's fixture folder and it is replayed here.

use std::path::{Path, PathBuf};

use athar::corpus::ReadOptions;
use athar::passages::align::AlignParams;
use athar::pipeline::{Config, MaxDf, NoProgress, analyse};
use athar::text::normalize::{NormalizeOptions, Preset};
use athar::text::tokenize::Tokenizer;

#[path = "../../fuzz/checks.rs"]
mod checks;
use crate::common;

fn fixtures(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

#[test]
fn tokenize_fixtures() {
    for path in fixtures("tokenize") {
        let data = std::fs::read(&path).unwrap();
        let [p, f, rest @ ..] = data.as_slice() else {
            panic!("{}: shorter than 2 bytes", path.display());
        };
        let mut tk = Tokenizer::new(checks::options(*p, *f));
        checks::check_tokenize(&mut tk, &String::from_utf8_lossy(rest));
        // Every preset and flag set on the same text.
        for preset in 0..3 {
            for flags in [0, 1, 2, 4, 8, 16, 32, 63] {
                let mut tk = Tokenizer::new(checks::options(preset, flags));
                checks::check_tokenize(&mut tk, &String::from_utf8_lossy(rest));
            }
        }
    }
}

#[test]
fn tokenize_edge_texts() {
    let texts = [
        "",
        " ",
        "ﷺ ﷺ",
        "٢٠٢٣م 2023م",
        "ΣΑΣ aΣ a\u{600}Σ",
        "e\u{640}\u{301} a\u{64b}\u{301}",
        "\u{200b}\u{200c}\u{feff}كلمة\u{200d}أخرى",
        "\u{fdfd}\u{fdfc}",
        "الـــمدرسة ،؛؟ «قال»",
        "\u{653}\u{654}\u{655}ا",
        "x\u{0}y\u{7f}z\u{85}",
    ];
    for text in texts {
        for preset in 0..3 {
            for flags in [0, 1, 16, 32, 63] {
                let mut tk = Tokenizer::new(checks::options(preset, flags));
                checks::check_tokenize(&mut tk, text);
            }
        }
    }
}

#[test]
fn jsonl_fixtures() {
    for path in fixtures("jsonl") {
        let bytes = std::fs::read(&path).unwrap();
        for detect in [false, true] {
            for (lossy, decode_cp1256) in [(false, false), (true, false), (false, true)] {
                let opts = ReadOptions {
                    lossy,
                    decode_cp1256,
                    ..ReadOptions::default()
                };
                checks::check_jsonl_raw(&bytes, detect, &opts);
            }
        }
    }
}

/// What the fixtures are for: the reader's answers on a few of them.
#[test]
fn jsonl_fixture_outcomes() {
    use athar::corpus::{InputFormat, Item, read_reader};
    let read = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz/jsonl")
            .join(name);
        let bytes = std::fs::read(path).unwrap();
        let mut items = Vec::new();
        read_reader(
            checks::NAME,
            &mut bytes.as_slice(),
            InputFormat::JsonLines,
            &ReadOptions::default(),
            &mut |i| items.push(i),
        );
        items
    };
    let docs = |items: &[Item]| -> Vec<(String, String)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Document(d) => Some((d.id.clone(), d.source.clone())),
                Item::Skipped(_) => None,
            })
            .collect()
    };
    let items = read("bom-crlf-dup.jsonl");
    let want = [
        ("a", "in.jsonl:1"),
        ("a~2", "in.jsonl:2"),
        ("7", "in.jsonl:4"),
        ("in.jsonl:5", "in.jsonl:5"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(docs(&items), want);

    let items = read("give-up.jsonl");
    assert_eq!(items.len(), 21, "20 bad lines and the give-up");
    assert!(matches!(items.last(), Some(Item::Skipped(s)) if s.source == checks::NAME));

    let items = read("fields.jsonl");
    let ids: Vec<String> = docs(&items).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["x", "x~2", "x~2~2"]);
    assert_eq!(items.len(), 10, "one item per line");

    let items = read("utf16le.jsonl");
    assert!(
        matches!(&items[..], [Item::Document(d)] if d.id == "u" && d.text == "م"),
        "{items:?}"
    );
}

#[test]
fn align_edge_sequences() {
    let mut cases: Vec<(Vec<u64>, Vec<u64>)> = vec![
        (vec![0; 60], vec![0; 45]),
        (
            (0..60).map(|i| i % 2).collect(),
            (0..61).map(|i| i % 2).collect(),
        ),
        (
            (0..80).map(|i| i % 7).collect(),
            (0..80).map(|i| (i * 3) % 7).collect(),
        ),
        ((0..50).collect(), (0..50).rev().collect()),
        ((0..40).chain(0..40).collect(), (0..40).collect()),
        (vec![], (0..20).collect()),
        ((0..30).collect(), vec![]),
    ];
    // A copy with one token changed every `step` tokens.
    for step in [3, 5, 9, 17] {
        let a: Vec<u64> = (0..120).map(|i| i % 11).collect();
        let b: Vec<u64> = a
            .iter()
            .enumerate()
            .map(|(i, &x)| if i % step == 0 { 99 } else { x })
            .collect();
        cases.push((a, b));
    }
    for (a, b) in &cases {
        for k in [1, 2, 3, 5] {
            for (max_gap, min_passage, merge_gap) in
                [(0, 0, 0), (8, 10, 16), (3, 1, 5), (11, 15, 23)]
            {
                let p = AlignParams {
                    k,
                    max_gap,
                    min_passage,
                    max_occurrences: 16,
                    merge_gap,
                };
                checks::check_align(a, b, &p);
            }
        }
    }
}

#[test]
fn pipeline_edge_corpora() {
    // Found by the `pipeline` fuzz target: repeats inside a run of `ﷺ`
    // (four tokens, one span) whose copies cut a `ﷺ` between them.
    let ligatures = "ﷺ ".repeat(17) + "في ".repeat(6).as_str() + "عن";
    let corpora: [&[&str]; 7] = [
        &["ﷺ", "ﷺ"],
        &["x", "", &ligatures],
        &[
            "قال قال قال قال قال قال قال قال قال قال قال قال",
            "قال قال قال قال قال قال قال قال",
        ],
        &["Σ a\u{600}Σ ΣΣ", "σ a σ σσ", "\u{301}"],
        &[
            "٢٠٢٣م 2023 ٢٠٢٣م 2023 ٢٠٢٣م 2023 ٢٠٢٣م 2023",
            "2023 م 2023 م 2023 م 2023 م",
        ],
        &[
            "أ ب ت ث ج ح خ د ذ ر ز س ش ص",
            "أ ب ت ث ج ح خ د ذ ر ز س ش ص",
            "ا ب ت ث ج ح خ د ذ ر ز س ش ص",
        ],
        &[
            "x",
            "",
            " \n ",
            "الـمدرسة الـمدرسة الـمدرسة الـمدرسة الـمدرسة الـمدرسة",
        ],
    ];
    for texts in corpora {
        let corpus = common::corpus_of(texts);
        for preset in [Preset::Default, Preset::None] {
            for (k, min_passage) in [(1, 1), (2, 3), (4, 4), (5, 8)] {
                let normalize = NormalizeOptions::preset(preset);
                let config = Config {
                    normalize,
                    shingle_size: k,
                    min_passage,
                    max_df: MaxDf::Count(1),
                    ..Config::default()
                };
                let report = analyse(&corpus, &config, &NoProgress).expect("analyse");
                crate::common::report_invariants::check_report(&corpus, normalize, &report);
            }
        }
    }
}

/// Found by the `pipeline` fuzz target. A reused phrase that ended inside
/// the four tokens of `ﷺ` (صلى الله عليه وسلم) was reported with the whole
/// `ﷺ`: the phrase said 7 tokens, its text read as 9, and its occurrence in
/// a document that spells the words out read differently. Cause: a phrase's
/// token range is mapped to the cover of its token spans, and one span
/// holds several tokens. Fixed in `pipeline.rs` (`SpanMap::whole_spans`):
/// such a phrase is trimmed to whole spans.
#[test]
fn phrase_cut_inside_a_ligature() {
    let texts = [
        "لدعم لدعم الحكومة لدعم لدعم ﷺ",
        "لدعم لدعم الحكومة لدعم لدعم صلى الله شيء",
    ];
    let corpus = common::corpus_of(&texts);
    let normalize = NormalizeOptions::default();
    let config = Config {
        normalize,
        shingle_size: 2,
        min_passage: 3,
        ..Config::default()
    };
    let report = analyse(&corpus, &config, &NoProgress).expect("analyse");
    let mut tk = Tokenizer::new(normalize);
    assert!(!report.phrases.is_empty(), "the shared phrase is reported");
    for p in &report.phrases {
        let n = tk.tokenize(&p.text).len();
        assert_eq!(
            n, p.tokens,
            "phrase {:?} has {} tokens, reads as {n}",
            p.text, p.tokens
        );
        for o in &p.occurrences {
            let text = &corpus.documents[if o.doc == "d0" { 0 } else { 1 }].text;
            let words: Vec<String> = tk
                .tokenize(&text[o.start..o.end])
                .iter()
                .map(|(w, _)| w.to_string())
                .collect();
            let want: Vec<String> = tk
                .tokenize(&p.text)
                .iter()
                .map(|(w, _)| w.to_string())
                .collect();
            assert_eq!(words, want, "occurrence {o:?} of {:?}", p.text);
        }
    }
}
