use super::*;
use crate::evidence::{Classifier, Evidence, EvidenceDoc, MIN_EVIDENCE};
use crate::text::normalize::NormalizeOptions;
use crate::text::tokenize::Tokenizer;
use proptest::prelude::*;

/// A deterministic stream of made-up Arabic words: unrelated texts.
struct Words(u64);

impl Words {
    fn word(&mut self) -> String {
        const LETTERS: &[char] = &[
            'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ع', 'غ', 'ف',
            'ق', 'ك', 'ل', 'م', 'ن',
        ];
        let mut next = || crate::sketch::minhash::splitmix64(&mut self.0);
        let len = 3 + (next() % 4) as usize;
        (0..len)
            .map(|_| LETTERS[(next() % LETTERS.len() as u64) as usize])
            .collect()
    }

    fn text(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| self.word())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

struct Corpus {
    hashes: Vec<Vec<u64>>,
    classes: Vec<Vec<TokenClass>>,
    masked: Vec<Vec<u64>>,
}

fn prepare(texts: &[String]) -> Corpus {
    let opts = NormalizeOptions::default();
    let mut tk = Tokenizer::new(opts);
    let cl = Classifier::new(opts);
    let mut c = Corpus {
        hashes: Vec::new(),
        classes: Vec::new(),
        masked: Vec::new(),
    };
    for t in texts {
        let tokens = tk.tokenize(t);
        let mut h = Vec::new();
        crate::sketch::shingle::token_hashes(&tokens, &mut h);
        let mut cls = Vec::new();
        cl.classes_into(&tokens, &h, &mut cls);
        let mut m = Vec::new();
        masked_hashes(&h, &cls, &mut m);
        c.hashes.push(h);
        c.classes.push(cls);
        c.masked.push(m);
    }
    c
}

fn lone(n: usize) -> Vec<u32> {
    (0..n as u32).collect()
}

fn dateline(i: usize) -> String {
    format!(
        "الرياض {} شوال {} هـ الموافق {} أغسطس {} م واس",
        1 + i % 29,
        1430 + i % 7,
        1 + (i * 7) % 30,
        2009 + i % 7
    )
}

/// Where `needle` starts in `hay`.
fn find(hay: &[u64], needle: &[u64]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("the needle is in the haystack")
}

#[test]
fn a_template_with_changing_numbers_is_formula() {
    let mut w = Words(1);
    let texts: Vec<String> = (0..300)
        .map(|i| {
            if i % 3 == 0 {
                format!("{} {} {}", w.text(30), dateline(i), w.text(30))
            } else {
                w.text(60)
            }
        })
        .collect();
    let c = prepare(&texts);
    let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
    assert!(model.min_clusters() >= MIN_FORMULA_CLUSTERS);
    assert!(!model.is_empty());
    let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
    // Every dateline is formula, whatever its numbers; the text around
    // it is not.
    for d in (0..300).step_by(3) {
        let doc = EvidenceDoc {
            token_hashes: &c.hashes[d],
            masks: &c.classes[d],
        };
        let share = ev.formula_share(doc, 30..41);
        assert_eq!(share, 1.0, "document {d}");
        assert_eq!(ev.weight(doc, 30..41), 0.0);
        let content = c.classes[d][..30].iter().filter(|c| c.is_content()).count();
        assert!(content >= 25);
        assert_eq!(ev.weight(doc, 0..30), content as f64);
    }
    // The templates section names it once, with its documents.
    let t = ev.model.templates(&c.masked, 10);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!((t[0].doc, t[0].tokens.clone(), t[0].docs), (0, 30..41, 100));
}

#[test]
fn a_copied_paragraph_is_evidence_even_with_a_title_in_it() {
    let mut w = Words(2);
    let title = "صاحب السمو الملكي الأمير فلان بن فلان أمير المنطقة";
    let mut texts: Vec<String> = (0..200)
        .map(|i| {
            if i % 4 == 0 {
                format!("{} {title} {}", w.text(20), w.text(20))
            } else {
                w.text(50)
            }
        })
        .collect();
    // Two unrelated articles share a paragraph that holds the title.
    let paragraph = format!("{} {title} {}", w.text(15), w.text(15));
    texts[1] = format!("{} {paragraph} {}", w.text(20), w.text(20));
    texts[2] = format!("{} {paragraph} {}", w.text(25), w.text(10));
    let c = prepare(&texts);
    let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
    let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
    let p = prepare(std::slice::from_ref(&paragraph));
    let t = prepare(&[title.to_string()]);
    for d in [1, 2] {
        let at = find(&c.hashes[d], &p.hashes[0]) as u32;
        let doc = EvidenceDoc {
            token_hashes: &c.hashes[d],
            masks: &c.classes[d],
        };
        let range = at..at + p.hashes[0].len() as u32;
        let wgt = ev.weight(doc, range.clone());
        // The 30 fresh words count, the title (formula) does not.
        assert!((29.0..=31.0).contains(&wgt), "{wgt}");
        assert!(wgt >= MIN_EVIDENCE);
        let tat = find(&c.hashes[d], &t.hashes[0]) as u32;
        let tr = tat..tat + t.hashes[0].len() as u32;
        assert_eq!(ev.formula_share(doc, tr), 1.0);
    }
}

#[test]
fn a_passage_copied_whole_into_many_documents_is_evidence_not_formula() {
    let mut w = Words(4);
    // A long paragraph (a statement carried by many outlets, a tradition
    // quoted in many books) and a short stock phrase, both in the same 40 of
    // 200 unrelated documents.
    let passage = w.text(COPIED_RUN_TOKENS + 20);
    let stock = w.text(12);
    let texts: Vec<String> = (0..200)
        .map(|i| {
            if i % 5 == 0 {
                format!(
                    "{} {passage} {} {stock} {}",
                    w.text(20),
                    w.text(15),
                    w.text(20)
                )
            } else {
                w.text(80)
            }
        })
        .collect();
    let c = prepare(&texts);
    let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
    let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
    let (p, st) = (prepare(&[passage]), prepare(&[stock]));
    for d in (0..200).step_by(5) {
        let doc = EvidenceDoc {
            token_hashes: &c.hashes[d],
            masks: &c.classes[d],
        };
        let at = find(&c.hashes[d], &p.hashes[0]) as u32;
        let range = at..at + p.hashes[0].len() as u32;
        // Every word of the copied passage counts, here and in its parts.
        assert_eq!(ev.formula_share(doc, range.clone()), 0.0, "document {d}");
        let mid = range.start + 10..range.start + 20;
        assert_eq!(ev.formula_share(doc, mid), 0.0, "document {d}");
        // The stock phrase is formula.
        let at = find(&c.hashes[d], &st.hashes[0]) as u32;
        let range = at..at + st.hashes[0].len() as u32;
        assert_eq!(ev.formula_share(doc, range), 1.0, "document {d}");
    }
    // The templates section lists the stock phrase, not the passage.
    let t = ev.model.templates(&c.masked, 10);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0].docs, 40);
    assert_eq!(t[0].tokens.len(), st.hashes[0].len());
}

#[test]
fn copied_runs_stop_at_numbers_and_where_other_documents_join() {
    let mut w = Words(5);
    // A long frame whose middle holds a figure that changes: two runs, each
    // too short to be a copied passage. A long passage whose second half is
    // also found in other documents: one run, then another.
    let (f1, f2) = (w.text(30), w.text(30));
    let (h1, h2) = (w.text(45), w.text(45));
    let texts: Vec<String> = (0..300)
        .map(|i| match i % 6 {
            0 => format!("{} {f1} {} {f2} {}", w.text(10), 100 + i, w.text(10)),
            1 => format!("{} {h1} {h2} {}", w.text(10), w.text(10)),
            2 | 3 => format!("{} {h2} {}", w.text(10), w.text(10)),
            _ => w.text(60),
        })
        .collect();
    let c = prepare(&texts);
    let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
    assert!(copied_runs(&model, &c.masked[0], COPIED_RUN_TOKENS).is_empty());
    let frame = prepare(&[format!("{f1} 7 {f2}")]);
    let fr = copied_runs(&model, &frame.masked[0], 20);
    assert_eq!(fr.len(), 2, "{fr:?} {}", frame.masked[0].len());
    // Document 1: h1 is in 50 documents, h2 in 150; the shingles across
    // their junction are in 50.
    let runs = copied_runs(&model, &c.masked[1], COPIED_RUN_TOKENS);
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[0].start, 10);
    let h2_at = find(&c.hashes[1], &prepare(&[h2]).hashes[0]);
    assert_eq!(runs[1].start, h2_at);
}

#[test]
fn a_formula_shared_by_two_documents_only_is_not_formula_but_weighs_little() {
    let mut w = Words(3);
    let mut texts: Vec<String> = (0..100).map(|_| w.text(50)).collect();
    texts[10] = format!("{} {} {}", w.text(20), dateline(1), w.text(20));
    texts[20] = format!("{} {} {}", w.text(20), dateline(2), w.text(20));
    let c = prepare(&texts);
    let model = FormulaModel::learn(&c.masked, &lone(texts.len()), 5);
    assert!(model.is_empty(), "nothing recurs in three documents");
    let ev = Evidence::new(model, Classifier::new(NormalizeOptions::default()));
    for d in [10, 20] {
        let doc = EvidenceDoc {
            token_hashes: &c.hashes[d],
            masks: &c.classes[d],
        };
        assert_eq!(ev.formula_share(doc, 20..31), 0.0);
        let wgt = ev.weight(doc, 20..31);
        assert!(wgt < MIN_EVIDENCE, "{wgt}");
    }
}

#[test]
fn copies_of_one_story_count_once() {
    let mut w = Words(4);
    let story = w.text(40);
    let texts: Vec<String> = (0..100)
        .map(|i| if i < 10 { story.clone() } else { w.text(40) })
        .collect();
    let c = prepare(&texts);
    let clusters: Vec<u32> = (0..100).map(|i| if i < 10 { 0 } else { i }).collect();
    assert!(FormulaModel::learn(&c.masked, &clusters, 5).is_empty());
    // Counted as ten unrelated documents, the story would be formula.
    assert!(!FormulaModel::learn(&c.masked, &lone(100), 5).is_empty());
}

#[test]
fn a_chain_of_bulletins_is_not_one_copy() {
    // Documents 0..12 share a template; each is a near-duplicate of the
    // next (one cluster), none of the others.
    let mut w = Words(5);
    let texts: Vec<String> = (0..100)
        .map(|i| {
            if i < 12 {
                format!("{} {} {}", w.text(20), dateline(i), w.text(20))
            } else {
                w.text(40)
            }
        })
        .collect();
    let c = prepare(&texts);
    let clusters: Vec<u32> = (0..100).map(|i| if i < 12 { 0 } else { i }).collect();
    let sets: Vec<Vec<u64>> = c
        .masked
        .iter()
        .map(|m| shingle::shingle_hashes(m, 5).collect())
        .collect();
    let gathered = |sets: &[Vec<u64>]| {
        let mut postings: Vec<(u64, u32)> = sets
            .iter()
            .enumerate()
            .flat_map(|(d, s)| s.iter().map(move |&h| (h, d as u32)))
            .collect();
        postings.sort_unstable();
        postings.dedup();
        let mut g = FormulaPostings::default();
        for run in postings.chunk_by(|x, y| x.0 == y.0) {
            g.add_run(run[0].0, run.iter().map(|x| x.1));
        }
        g
    };
    let one = gathered(&sets).model(5, |d| clusters[d as usize]);
    assert!(one.is_empty(), "one cluster counts once");
    let chain = gathered(&sets).model_with_copies(5, |d| clusters[d as usize], |a, b| b == a + 1);
    assert!(!chain.is_empty(), "a chain is not one copy");
    let h = shingle::shingle_hashes(&c.masked[0][20..31], 5)
        .next()
        .unwrap();
    assert_eq!(chain.clusters(h), 6);
}

#[test]
fn the_bar_grows_with_the_corpus() {
    let model = |s: u64| FormulaModel::from_counts(5, AHashMap::new(), s, s / 20);
    let (small, mid, large) = (model(2_000), model(3_500_000), model(1_000_000_000));
    assert!(small.min_clusters() >= MIN_FORMULA_CLUSTERS);
    assert!(small.min_clusters() < mid.min_clusters());
    assert!(mid.min_clusters() < large.min_clusters());
    assert_eq!(mid.min_clusters(), 6);
    // Scores rise with the cluster count.
    let s: Vec<f32> = (0..10).map(|c| mid.score(c)).collect();
    assert!(s.windows(2).all(|w| w[0] <= w[1]), "{s:?}");
    assert_eq!((s[2], s[6]), (0.0, 1.0));
}

#[test]
fn poisson_tail_matches_direct_sums() {
    for &lambda in &[0.01, 0.05, 0.3, 1.0, 4.0, 20.0] {
        for m in 0..30u32 {
            let direct: f64 = (m..200)
                .map(|i| (-lambda + i as f64 * f64::ln(lambda) - ln_factorial(i)).exp())
                .sum();
            let got = poisson_tail(lambda, m);
            assert!(
                (got - direct).abs() <= 1e-9 * direct.max(1e-300) + 1e-12,
                "λ {lambda} m {m}: {got} vs {direct}"
            );
        }
    }
    assert_eq!(poisson_tail(0.0, 1), 0.0);
}

fn brute(masked: &[Vec<u64>], clusters: &[u32], k: usize) -> (AHashMap<u64, u32>, u64, u64) {
    let mut sets: std::collections::BTreeMap<u64, std::collections::BTreeSet<u32>> =
        Default::default();
    for (d, doc) in masked.iter().enumerate() {
        for h in shingle::shingle_hashes(doc, k) {
            sets.entry(h).or_default().insert(clusters[d]);
        }
    }
    let distinct = sets.len() as u64;
    let others = sets.values().map(|s| s.len() as u64 - 1).sum();
    let counts = sets
        .into_iter()
        .filter(|(_, s)| s.len() as u32 >= MIN_FORMULA_CLUSTERS)
        .map(|(h, s)| (h, s.len() as u32))
        .collect();
    (counts, distinct, others)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The model counts clusters exactly, whatever the thread count, and
    /// weights never exceed the content words.
    #[test]
    fn learn_counts_clusters_exactly(
        docs in prop::collection::vec(prop::collection::vec(0u64..4, 0..30), 0..14),
        k in 1usize..4,
        ncl in 1u32..6,
    ) {
        let clusters: Vec<u32> = (0..docs.len() as u32).map(|d| d % (ncl + 7)).collect();
        let (counts, distinct, others) = brute(&docs, &clusters, k);
        let want = FormulaModel::from_counts(k, counts.clone(), distinct, others);
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let got = pool.install(|| FormulaModel::learn(&docs, &clusters, k));
            prop_assert_eq!(&got.counts, &counts);
            prop_assert_eq!(got.min_clusters(), want.min_clusters());
            prop_assert_eq!(got.distinct_shingles(), distinct);
            for doc in &docs {
                let mut s = Vec::new();
                got.token_scores(doc, &mut s);
                prop_assert!(s.iter().all(|x| (0.0..=1.0).contains(x)));
                let classes = vec![TokenClass::Content; doc.len()];
                let wgt = super::super::weight(&classes, &s);
                prop_assert!(wgt >= 0.0 && wgt <= doc.len() as f64 + 1e-9);
            }
        }
    }
}
