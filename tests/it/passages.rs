//! Passages through the whole pipeline: reordered and reworded copies are
//! one passage each, reference mode compares across the two sets only, and
//! every passage slices the original texts at word boundaries.

use athar::corpus::{Corpus, Document};
use athar::pipeline::{self, Config, NoProgress, Role};
use athar::report::{Passage, PassageKind, Report};

fn article(name: &str) -> String {
    let path = format!("{}/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn articles() -> Vec<String> {
    [
        "000_a8c9c320c45533b7.txt",
        "001_b0e07918fdc47d3a.txt",
        "002_57bea19229710927.txt",
        "003_10072a147e764a93.txt",
        "004_48637a38231df504.txt",
    ]
    .iter()
    .map(|n| article(n))
    .collect()
}

fn corpus(texts: &[(&str, &str)]) -> Corpus {
    Corpus {
        documents: texts
            .iter()
            .map(|(id, text)| Document {
                id: id.to_string(),
                source: format!("{id}.txt"),
                text: text.to_string(),
            })
            .collect(),
        ..Corpus::default()
    }
}

/// Words `from..to` of `text` (split on white space).
fn words(text: &str, from: usize, to: usize) -> Vec<&str> {
    text.split_whitespace().skip(from).take(to - from).collect()
}

/// `host` with `guest` inserted after its first `at` words.
fn insert(host: &str, at: usize, guest: &str) -> String {
    let w: Vec<&str> = host.split_whitespace().collect();
    format!("{}\n\n{guest}\n\n{}", w[..at].join(" "), w[at..].join(" "))
}

/// Passages between two different documents.
fn shared<'r>(r: &'r Report, x: &str, y: &str) -> Vec<&'r Passage> {
    r.passages
        .iter()
        .filter(|p| {
            p.kind != PassageKind::Repeat
                && ((p.a.doc == x && p.b.doc == y) || (p.a.doc == y && p.b.doc == x))
        })
        .collect()
}

/// Share of `needle`'s bytes in `text` that `[start, end)` covers.
fn coverage(text: &str, needle: &str, start: usize, end: usize) -> f64 {
    let s = text.find(needle).expect("inserted text");
    let e = s + needle.len();
    (end.min(e).saturating_sub(start.max(s))) as f64 / needle.len() as f64
}

/// Every passage slices its texts at word boundaries.
fn check_offsets(r: &Report, texts: &[(&str, &str)]) {
    let text = |id: &str| texts.iter().find(|t| t.0 == id).expect("known id").1;
    for p in &r.passages {
        for l in [&p.a, &p.b] {
            let t = text(&l.doc);
            let slice = t.get(l.start..l.end).expect("offsets on char boundaries");
            assert!(!slice.is_empty());
            assert_eq!(t[..l.start].chars().count(), l.start_char);
            let before = t[..l.start].chars().next_back();
            let after = t[l.end..].chars().next();
            assert!(
                !before.is_some_and(char::is_alphanumeric),
                "{} starts inside a word: {slice:?}",
                l.doc
            );
            assert!(
                !after.is_some_and(char::is_alphanumeric),
                "{} ends inside a word: {slice:?}",
                l.doc
            );
        }
    }
}

#[test]
fn phrase_shuffled_copy_is_one_passage() {
    let arts = articles();
    // Eight-word phrases of a paragraph of the source, in another order.
    let src = words(&arts[0], 40, 120);
    let phrases: Vec<String> = src.chunks(8).map(|c| c.join(" ")).collect();
    let order = [3, 0, 7, 5, 1, 9, 2, 6, 4, 8];
    let shuffled: Vec<&str> = order.iter().map(|&k| phrases[k].as_str()).collect();
    let guest = shuffled.join("، ");
    let suspect = insert(&arts[1], 60, &guest);
    let texts = [
        ("s", suspect.as_str()),
        ("src", arts[0].as_str()),
        ("x", arts[2].as_str()),
    ];
    let r = pipeline::analyse(&corpus(&texts), &Config::default(), &NoProgress).unwrap();
    check_offsets(&r, &texts);
    let ps = shared(&r, "s", "src");
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = ps[0];
    let (sp, op) = if p.a.doc == "s" {
        (&p.a, &p.b)
    } else {
        (&p.b, &p.a)
    };
    // Whole but for a word or two at the ends (stop words are not evidence).
    assert!(coverage(&suspect, &guest, sp.start, sp.end) > 0.9, "{p:#?}");
    // The source side holds the copied words, and not much more.
    let got: Vec<&str> = arts[0][op.start..op.end].split_whitespace().collect();
    let held = src.iter().filter(|w| got.contains(w)).count();
    assert!(
        10 * held >= 9 * src.len(),
        "{held} of {}: {p:#?}",
        src.len()
    );
    assert!(
        10 * got.len() <= 12 * src.len(),
        "{} words: {p:#?}",
        got.len()
    );
    assert_ne!(p.kind, PassageKind::Verbatim);
}

#[test]
fn word_shuffled_paragraph_is_found_as_reworded() {
    let arts = articles();
    let src = words(&arts[0], 100, 160);
    let n = src.len();
    // Every word of the paragraph, in a scrambled order.
    let shuffled: Vec<&str> = (0..n).map(|i| src[(i * 37 + 11) % n]).collect();
    let guest = shuffled.join(" ");
    let suspect = insert(&arts[2], 50, &guest);
    let texts = [
        ("s", suspect.as_str()),
        ("src", arts[0].as_str()),
        ("x", arts[3].as_str()),
    ];
    let r = pipeline::analyse(&corpus(&texts), &Config::default(), &NoProgress).unwrap();
    check_offsets(&r, &texts);
    let ps = shared(&r, "s", "src");
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert_eq!(ps[0].kind, PassageKind::Reworded);
    let sp = if ps[0].a.doc == "s" {
        &ps[0].a
    } else {
        &ps[0].b
    };
    assert!(
        coverage(&suspect, &guest, sp.start, sp.end) > 0.9,
        "{:#?}",
        ps[0]
    );
    // No passage with the unrelated article.
    assert!(shared(&r, "s", "x").is_empty());
}

#[test]
fn reference_mode_never_pairs_two_sources_or_two_suspects() {
    let arts = articles();
    let copy = words(&arts[0], 30, 90).join(" ");
    let suspect = insert(&arts[1], 40, &copy);
    let suspect2 = insert(&arts[3], 40, &copy);
    // Two sources that are near-duplicates of each other.
    let source2 = format!("{}\n\nتحديث.", arts[0]);
    let texts = [
        ("s1", suspect.as_str()),
        ("s2", suspect2.as_str()),
        ("src1", arts[0].as_str()),
        ("src2", source2.as_str()),
    ];
    let roles = [Role::Suspect, Role::Suspect, Role::Source, Role::Source];
    let c = corpus(&texts);
    let r = pipeline::analyse_against(&c, &roles, &Config::default(), &NoProgress).unwrap();
    check_offsets(&r, &texts);
    let is_source = |d: &str| d.starts_with("src");
    for p in &r.passages {
        if p.kind == PassageKind::Repeat {
            assert!(!is_source(&p.a.doc), "{p:#?}");
            continue;
        }
        assert_ne!(is_source(&p.a.doc), is_source(&p.b.doc), "{p:#?}");
    }
    for p in &r.pairs {
        assert_ne!(is_source(&p.a), is_source(&p.b), "{p:#?}");
    }
    assert!(!shared(&r, "s1", "src1").is_empty());
    assert!(!shared(&r, "s2", "src1").is_empty());
    assert_eq!(r.params.mode.as_deref(), Some("reference"));
    // Without reference mode the sources pair with each other.
    let full = pipeline::analyse(&c, &Config::default(), &NoProgress).unwrap();
    assert!(!shared(&full, "src1", "src2").is_empty());
    assert!(!shared(&full, "s1", "s2").is_empty());
}
