//! Pipeline-level recall oracle: on small random corpora with planted copies,
//! every pair of documents above the thresholds by brute-force exact Jaccard
//! or containment (over shingle *strings*, computed here without the
//! library's hashing) is reported, with the same values.

use std::collections::{BTreeMap, BTreeSet};

use athar::corpus::{Corpus, Document};
use athar::pipeline::{self, Config, NoProgress};
use athar::text::tokenize::Tokenizer;
use proptest::prelude::*;

/// A small vocabulary of Arabic words: random documents share words often,
/// 5-word runs rarely, unless copied.
const WORDS: [&str; 48] = [
    "الوزير",
    "أعلن",
    "اليوم",
    "مشروع",
    "جديد",
    "المدينة",
    "الحكومة",
    "قال",
    "إن",
    "المجلس",
    "الاقتصاد",
    "النفط",
    "السوق",
    "الأسهم",
    "ارتفع",
    "انخفض",
    "المؤشر",
    "العام",
    "الماضي",
    "الشركة",
    "الطلاب",
    "المدارس",
    "التعليم",
    "الصحة",
    "المستشفى",
    "المرضى",
    "الأمن",
    "الشرطة",
    "القبض",
    "المتهم",
    "المحكمة",
    "القاضي",
    "الحكم",
    "السجن",
    "الرياض",
    "جدة",
    "مكة",
    "الدمام",
    "الملعب",
    "الفريق",
    "المباراة",
    "الهدف",
    "الدوري",
    "البطولة",
    "المطر",
    "الطقس",
    "الرياح",
    "الحرارة",
];

/// How a document of the corpus is made.
#[derive(Clone, Debug)]
enum Make {
    /// Random words.
    Fresh(Vec<usize>),
    /// A copy of an earlier document with some words replaced.
    Edit {
        of: usize,
        edits: Vec<(usize, usize)>,
    },
    /// Random words around a run copied from an earlier document.
    Quote {
        of: usize,
        from: usize,
        len: usize,
        before: Vec<usize>,
        after: Vec<usize>,
    },
}

fn make_strategy() -> impl Strategy<Value = Vec<Make>> {
    let words = |lo, hi| prop::collection::vec(0..WORDS.len(), lo..hi);
    let make = prop_oneof![
        3 => words(12, 70).prop_map(Make::Fresh),
        2 => (0usize..100, prop::collection::vec((0usize..100, 0..WORDS.len()), 0..8))
            .prop_map(|(of, edits)| Make::Edit { of, edits }),
        2 => (0usize..100, 0usize..100, 8usize..40, words(0, 40), words(0, 40))
            .prop_map(|(of, from, len, before, after)| Make::Quote { of, from, len, before, after }),
    ];
    prop::collection::vec(make, 2..40)
}

/// The documents' words (`of` indices wrap to an earlier document).
fn build(makes: &[Make]) -> Vec<Vec<usize>> {
    let mut docs: Vec<Vec<usize>> = Vec::new();
    for m in makes {
        let doc = match m {
            Make::Fresh(w) => w.clone(),
            _ if docs.is_empty() => vec![0, 1, 2, 3, 4, 5],
            Make::Edit { of, edits } => {
                let mut d = docs[of % docs.len()].clone();
                for &(at, w) in edits {
                    let i = at % d.len();
                    d[i] = w;
                }
                d
            }
            Make::Quote {
                of,
                from,
                len,
                before,
                after,
            } => {
                let src = &docs[of % docs.len()];
                let start = from % src.len();
                let end = (start + len).min(src.len());
                let mut d = before.clone();
                d.extend_from_slice(&src[start..end]);
                d.extend_from_slice(after);
                d
            }
        };
        docs.push(doc);
    }
    docs
}

/// Distinct k-shingles of `text` as strings of normalized words.
fn shingle_strings(text: &str, k: usize) -> BTreeSet<String> {
    let tokens = Tokenizer::default().tokenize(text);
    let words: Vec<String> = tokens.iter().map(|(t, _)| t.to_string()).collect();
    if words.len() < k {
        return std::iter::once(words.join(" "))
            .filter(|s| !s.is_empty())
            .collect();
    }
    words.windows(k).map(|w| w.join(" ")).collect()
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_pair_above_the_thresholds_is_reported(makes in make_strategy()) {
        let words = build(&makes);
        let documents: Vec<Document> = words
            .iter()
            .enumerate()
            .map(|(i, w)| Document {
                id: format!("d{i:03}"),
                source: format!("d{i:03}.txt"),
                text: w.iter().map(|&j| WORDS[j]).collect::<Vec<_>>().join(" "),
            })
            .collect();
        let corpus = Corpus { documents, ..Corpus::default() };
        let config = Config::default();
        let report = pipeline::analyse(&corpus, &config, &NoProgress).unwrap();
        let reported: BTreeMap<(&str, &str), &athar::report::Pair> =
            report.pairs.iter().map(|p| ((p.a.as_str(), p.b.as_str()), p)).collect();
        let sets: Vec<BTreeSet<String>> = corpus
            .documents
            .iter()
            .map(|d| shingle_strings(&d.text, config.shingle_size))
            .collect();
        let mut expected = 0;
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                let inter = sets[i].intersection(&sets[j]).count();
                if inter == 0 {
                    continue;
                }
                let union = sets[i].len() + sets[j].len() - inter;
                let jaccard = inter as f64 / union as f64;
                let (ca, cb) = (
                    inter as f64 / sets[i].len() as f64,
                    inter as f64 / sets[j].len() as f64,
                );
                if jaccard < config.threshold && ca.max(cb) < config.containment {
                    continue;
                }
                expected += 1;
                let (a, b) = (&corpus.documents[i].id, &corpus.documents[j].id);
                let p = reported.get(&(a.as_str(), b.as_str()));
                prop_assert!(p.is_some(), "{a}–{b} (J {jaccard:.3}, C {ca:.3}/{cb:.3}) not reported");
                let p = p.unwrap();
                prop_assert_eq!(p.jaccard, round(jaccard));
                prop_assert_eq!(p.containment_a, round(ca));
                prop_assert_eq!(p.containment_b, round(cb));
                prop_assert_eq!(p.shared_shingles, inter);
            }
        }
        // The strategy plants copies: most corpora have pairs to find.
        prop_assert!(expected <= report.pairs.len());
    }
}
