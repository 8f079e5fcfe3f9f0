//! Verbatim passages, repeats, boilerplate and reused phrases on generated
//! Arabic text, invariants under proptest, and a check on the real
//! SaudiNewsNet day (`../shared/data`).

use crate::common;

use std::ops::Range;

use athar::passages::align::{AlignParams, Match, align, repeats, token_range_to_span};
use athar::phrases::{BoilerplateSet, MaxDf, PhraseParams, reused_phrases};
use athar::sketch::shingle::{shingles, token_hashes};
use athar::text::tokenize::{Tokenizer, Tokens};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// A small generator of Arabic-looking news text.

/// SplitMix64: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const LETTERS: &[char] = &[
    'ا', 'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
    'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي',
];
const FUNCTION_WORDS: &[&str] = &[
    "في", "من", "على", "إلى", "أن", "التي", "الذي", "عن", "مع", "هذا", "وقال", "كما",
];

struct Gen {
    rng: Rng,
    vocab: Vec<String>,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        let mut rng = Rng(seed);
        let vocab = (0..3000)
            .map(|_| {
                let n = 3 + rng.below(5);
                let mut w: String = if rng.below(3) == 0 {
                    "ال".into()
                } else {
                    String::new()
                };
                w.extend((0..n).map(|_| LETTERS[rng.below(LETTERS.len())]));
                w
            })
            .collect();
        Gen { rng, vocab }
    }

    /// A word: function words are frequent, content words Zipf-like.
    fn word(&mut self) -> String {
        if self.rng.below(4) == 0 {
            return FUNCTION_WORDS[self.rng.below(FUNCTION_WORDS.len())].to_string();
        }
        let u = self.rng.unit();
        self.vocab[(u * u * self.vocab.len() as f64) as usize].clone()
    }

    fn sentence(&mut self) -> String {
        let n = 8 + self.rng.below(12);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push_str(if self.rng.below(9) == 0 { "، " } else { " " });
            }
            s.push_str(&self.word());
        }
        s.push('.');
        s
    }

    fn paragraph(&mut self) -> String {
        let n = 2 + self.rng.below(3);
        (0..n)
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn article(&mut self, paragraphs: usize) -> Vec<String> {
        (0..paragraphs).map(|_| self.paragraph()).collect()
    }
}

/// Join paragraphs; returns the text and the byte range of paragraph `mark`.
fn join(paragraphs: &[String], mark: usize) -> (String, Range<usize>) {
    let mut text = String::new();
    let mut range = 0..0;
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            text.push_str("\n\n");
        }
        if i == mark {
            range.start = text.len();
        }
        text.push_str(p);
        if i == mark {
            range.end = text.len();
        }
    }
    (text, range)
}

struct Doc {
    text: String,
    tokens: Tokens,
    hashes: Vec<u64>,
}

fn doc(text: &str) -> Doc {
    let tokens = Tokenizer::default().tokenize(text);
    let mut hashes = Vec::new();
    token_hashes(&tokens, &mut hashes);
    Doc {
        text: text.to_string(),
        tokens,
        hashes,
    }
}

/// The tokens lying inside a byte range.
fn tokens_in(d: &Doc, bytes: &Range<usize>) -> Range<u32> {
    let inside: Vec<u32> = (0..d.tokens.len())
        .filter(|&i| {
            let s = d.tokens.span(i);
            s.start() >= bytes.start && s.end() <= bytes.end
        })
        .map(|i| i as u32)
        .collect();
    inside[0]..inside[inside.len() - 1] + 1
}

fn within_one(got: &Range<u32>, want: &Range<u32>) -> bool {
    got.start.abs_diff(want.start) <= 1 && got.end.abs_diff(want.end) <= 1
}

fn no_ignore(_: u64) -> bool {
    false
}

// ---------------------------------------------------------------------------
// Passages.

#[test]
fn inserted_paragraph_found_at_start_middle_and_end() {
    for seed in 0..8u64 {
        let mut g = Gen::new(seed);
        let source = g.article(5);
        let other = g.article(6);
        let (x_text, x_par) = join(&source, 2);
        let x = doc(&x_text);
        let p = source[2].clone();
        for (where_, at) in [("start", 0), ("middle", 3), ("end", other.len())] {
            let mut paras = other.clone();
            paras.insert(at, p.clone());
            let (b_text, b_par) = join(&paras, at);
            let b = doc(&b_text);
            let m = align(&x.hashes, &b.hashes, &AlignParams::default(), &no_ignore);
            assert_eq!(m.len(), 1, "seed {seed}, {where_}: {m:?}");
            let (want_a, want_b) = (tokens_in(&x, &x_par), tokens_in(&b, &b_par));
            assert!(
                within_one(&m[0].a, &want_a) && within_one(&m[0].b, &want_b),
                "seed {seed}, {where_}: got {:?}/{:?}, want {want_a:?}/{want_b:?}",
                m[0].a,
                m[0].b
            );
            // The byte spans quote the paragraph in both texts.
            let sb = token_range_to_span(&b.tokens, m[0].b.clone());
            let sa = token_range_to_span(&x.tokens, m[0].a.clone());
            if m[0].b == want_b {
                assert_eq!(sb.slice(&b.text), p.trim_end_matches('.'));
            }
            if m[0].a == want_a {
                assert_eq!(sa.slice(&x.text), p.trim_end_matches('.'));
            }
        }
    }
}

/// Replace a word every 12..18 tokens, insert and delete a few.
fn edit_words(g: &mut Gen, words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = 12 + g.rng.below(7);
    for (i, w) in words.iter().enumerate() {
        if i == next {
            next += 12 + g.rng.below(7);
            match g.rng.below(3) {
                0 => out.push(format!("{w}ه")), // substitution
                1 => {
                    out.push(g.word()); // insertion
                    out.push(w.clone());
                }
                _ => {} // deletion
            }
        } else {
            out.push(w.clone());
        }
    }
    out
}

#[test]
fn light_edits_give_one_passage() {
    for seed in 0..8u64 {
        let mut g = Gen::new(100 + seed);
        let (text, _) = join(&g.article(4), 0);
        let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        let edited = edit_words(&mut g, &words).join(" ");
        let (a, b) = (doc(&text), doc(&edited));
        let m = align(&a.hashes, &b.hashes, &AlignParams::default(), &no_ignore);
        assert_eq!(m.len(), 1, "seed {seed}: fragments {m:?}");
        let (la, lb) = (a.hashes.len() as u32, b.hashes.len() as u32);
        assert!(
            m[0].a.start <= 1 && m[0].a.end + 1 >= la,
            "seed {seed}: {m:?} of {la}"
        );
        assert!(
            m[0].b.start <= 1 && m[0].b.end + 1 >= lb,
            "seed {seed}: {m:?} of {lb}"
        );
        assert!(m[0].score > 0.85 && m[0].score < 1.0, "{}", m[0].score);
    }
}

#[test]
fn shuffled_paragraph_is_not_verbatim() {
    for seed in 0..8u64 {
        let mut g = Gen::new(200 + seed);
        let mut paras = g.article(5);
        // A real paragraph: at least three sentences.
        while paras[2].matches('.').count() < 3 {
            paras[2] = g.paragraph();
        }
        let (a_text, _) = join(&paras, 0);
        let mut shuffled = paras.clone();
        let mut words: Vec<&str> = paras[2].split_whitespace().collect();
        for i in (1..words.len()).rev() {
            words.swap(i, g.rng.below(i + 1));
        }
        shuffled[2] = words.join(" ");
        let (b_text, b_par) = join(&shuffled, 2);
        let (a, b) = (doc(&a_text), doc(&b_text));
        let m = align(&a.hashes, &b.hashes, &AlignParams::default(), &no_ignore);
        let par = tokens_in(&b, &b_par);
        let covered: u32 = m
            .iter()
            .map(|m| {
                m.b.end
                    .min(par.end)
                    .saturating_sub(m.b.start.max(par.start))
            })
            .sum();
        assert!(
            covered <= 2,
            "seed {seed}: {covered} shuffled tokens claimed: {m:?} vs {par:?}"
        );
        // The unshuffled paragraphs are still found.
        assert!(m.len() >= 2, "seed {seed}: {m:?}");
    }
}

#[test]
fn unrelated_articles_share_nothing() {
    let mut g = Gen::new(300);
    let (a, _) = join(&g.article(6), 0);
    let (b, _) = join(&g.article(6), 0);
    let (a, b) = (doc(&a), doc(&b));
    assert!(align(&a.hashes, &b.hashes, &AlignParams::default(), &no_ignore).is_empty());
}

#[test]
fn caption_repeated_three_times_is_a_repeat() {
    let mut g = Gen::new(400);
    let caption = "صورة أرشيفية لمبنى وزارة الخارجية في العاصمة الرياض تصوير عبدالله الشهري";
    let mut paras = g.article(4);
    paras.insert(1, caption.to_string());
    paras.insert(3, caption.to_string());
    paras.push(caption.to_string());
    let (text, _) = join(&paras, 0);
    let d = doc(&text);
    let r = repeats(&d.hashes, &AlignParams::default());
    assert_eq!(r.len(), 2, "{r:?}");
    for m in &r {
        assert_eq!(
            token_range_to_span(&d.tokens, m.a.clone()).slice(&text),
            caption
        );
        assert_eq!(
            token_range_to_span(&d.tokens, m.b.clone()).slice(&text),
            caption
        );
        assert!(m.a.end <= m.b.start);
        assert_eq!(m.score, 1.0);
    }
    assert_eq!(r[0].a, r[1].a, "both later copies point at the first");
}

// ---------------------------------------------------------------------------
// Boilerplate and phrases.

const FOOTER: &str =
    "جميع الحقوق محفوظة لوكالة الأنباء العربية ويمنع النسخ أو إعادة النشر دون إذن مسبق";

#[test]
fn boilerplate_line_does_not_seed_and_is_reported() {
    let mut g = Gen::new(500);
    let docs: Vec<Doc> = (0..12)
        .map(|_| {
            let mut paras = g.article(3);
            paras.push(FOOTER.to_string());
            doc(&join(&paras, 0).0)
        })
        .collect();
    let k = AlignParams::default().k;
    let max_df = MaxDf::default().resolve(docs.len());
    assert_eq!(max_df, 10);
    let set = boilerplate(&docs, k, max_df);
    assert!(!set.is_empty());
    let ignore = |h: u64| set.contains(h);
    let p = AlignParams::default();
    // Without the boilerplate filter the footer is a passage; with it, nothing is.
    assert_eq!(
        align(&docs[0].hashes, &docs[1].hashes, &p, &no_ignore).len(),
        1
    );
    for i in 1..docs.len() {
        let m = align(&docs[0].hashes, &docs[i].hashes, &p, &ignore);
        assert!(m.is_empty(), "doc {i}: {m:?}");
    }
    // A tiny corpus has no boilerplate by default.
    assert!(boilerplate(&docs[..5], k, MaxDf::default().resolve(5)).is_empty());
}

/// The shingles of `docs` found in more than `max_df` of them.
fn boilerplate(docs: &[Doc], k: usize, max_df: usize) -> BoilerplateSet {
    let mut df: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut sh = Vec::new();
    for d in docs {
        shingles(&d.hashes, k, &mut sh);
        let mut distinct: Vec<u64> = sh.iter().map(|s| s.hash).collect();
        distinct.sort_unstable();
        distinct.dedup();
        for h in distinct {
            *df.entry(h).or_default() += 1;
        }
    }
    BoilerplateSet::from_hashes(df.into_iter().filter(|&(_, n)| n > max_df).map(|(h, _)| h))
}

#[test]
fn reused_phrases_ranked_by_documents_then_length() {
    let mut g = Gen::new(600);
    let slogan = "رؤية المملكة الطموحة"; // 3 tokens, in 4 documents
    let quote = "إن الحوار هو السبيل الوحيد لحل الأزمة الراهنة في المنطقة"; // 10 tokens, in 2
    let docs: Vec<Doc> = (0..6)
        .map(|i| {
            let mut paras = g.article(2);
            if i < 4 {
                paras.insert(1, format!("وأكد {slogan} اليوم"));
            }
            if i == 2 || i == 5 {
                paras.push(quote.to_string());
            }
            doc(&join(&paras, 0).0)
        })
        .collect();
    let hashes: Vec<&[u64]> = docs.iter().map(|d| d.hashes.as_slice()).collect();
    let got = reused_phrases(&hashes, &PhraseParams::default());
    let text = |p: &athar::phrases::ReusedPhrase| {
        let o = &p.occurrences[0];
        let d = &docs[o.doc as usize];
        token_range_to_span(&d.tokens, o.tokens.clone())
            .slice(&d.text)
            .to_string()
    };
    let slogan_at = got
        .iter()
        .position(|p| text(p).contains(slogan))
        .expect("slogan found");
    let quote_at = got
        .iter()
        .position(|p| text(p) == quote)
        .expect("quote found");
    assert!(slogan_at < quote_at, "{got:?}");
    assert_eq!(got[slogan_at].docs, 4);
    assert_eq!(
        got[slogan_at]
            .occurrences
            .iter()
            .map(|o| o.doc)
            .collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );
    assert_eq!(got[quote_at].docs, 2);
    assert_eq!(got[quote_at].tokens, 10);
    // Ranked: documents descending, then length descending.
    for w in got.windows(2) {
        assert!(
            (w[0].docs, w[0].tokens) >= (w[1].docs, w[1].tokens),
            "{w:?}"
        );
    }
    // Maximal: no sub-phrase of the quote with the same documents.
    assert!(!got.iter().any(|p| p.docs == 2
        && p.occurrences[0].doc == 2
        && p.tokens < 10
        && quote.contains(&text(p))));
    // Boilerplate is excluded: with max_df 3 the slogan (in 4 documents) goes.
    let capped = reused_phrases(
        &hashes,
        &PhraseParams {
            max_df: 3,
            ..PhraseParams::default()
        },
    );
    assert!(!capped.iter().any(|p| text(p).contains(slogan)));
    assert!(capped.iter().any(|p| text(p) == quote));
}

#[test]
fn boilerplate_set_from_hashes() {
    let s = BoilerplateSet::from_hashes([7, 9]);
    assert!(s.contains(7) && !s.contains(8));
    assert_eq!(s.len(), 2);
}

// ---------------------------------------------------------------------------
// Invariants.

fn check_matches(m: &[Match], la: usize, lb: usize, p: &AlignParams, a: &[u64], b: &[u64]) {
    for x in m {
        assert!(x.a.start < x.a.end && x.a.end as usize <= la, "{x:?}");
        assert!(x.b.start < x.b.end && x.b.end as usize <= lb, "{x:?}");
        assert!(x.matched_tokens as usize >= p.min_passage);
        assert!(x.matched_tokens <= x.a.len().min(x.b.len()) as u32);
        assert!((0.0..=1.0).contains(&x.score));
        // Passages start and end on identical tokens.
        assert_eq!(a[x.a.start as usize], b[x.b.start as usize]);
        assert_eq!(a[x.a.end as usize - 1], b[x.b.end as usize - 1]);
    }
}

fn disjoint_sorted(r: &[Range<u32>]) -> bool {
    r.windows(2).all(|w| w[0].end <= w[1].start)
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn align_invariants(
        a in prop::collection::vec(0u64..6, 0..300),
        edits in prop::collection::vec((0usize..300, 0u64..8, 0u8..3), 0..20),
        p in (1usize..7, 0usize..10, 1usize..12),
    ) {
        let params = AlignParams { k: p.0, max_gap: p.1, min_passage: p.2, ..AlignParams::default() };
        let mut b = a.clone();
        for (at, v, op) in edits {
            let at = at.min(b.len());
            match op {
                0 if at < b.len() => b[at] = v,
                1 => b.insert(at, v),
                _ if at < b.len() => { b.remove(at); }
                _ => {}
            }
        }
        let m = align(&a, &b, &params, &|_| false);
        check_matches(&m, a.len(), b.len(), &params, &a, &b);
        let ra: Vec<_> = m.iter().map(|x| x.a.clone()).collect();
        prop_assert!(disjoint_sorted(&ra), "{:?}", m);
        let mut rb: Vec<_> = m.iter().map(|x| x.b.clone()).collect();
        rb.sort_by_key(|r| r.start);
        prop_assert!(disjoint_sorted(&rb), "{:?}", m);
        // Deterministic.
        prop_assert_eq!(&m, &align(&a, &b, &params, &|_| false));
    }

    #[test]
    fn repeats_invariants(
        a in prop::collection::vec(0u64..5, 0..300),
        p in (1usize..7, 0usize..10, 1usize..12),
    ) {
        let params = AlignParams { k: p.0, max_gap: p.1, min_passage: p.2, ..AlignParams::default() };
        let m = repeats(&a, &params);
        check_matches(&m, a.len(), a.len(), &params, &a, &a);
        for x in &m {
            prop_assert!(x.a.end <= x.b.start, "{:?}", x);
        }
        prop_assert!(m.windows(2).all(|w| (w[0].a.start, w[0].b.start) <= (w[1].a.start, w[1].b.start)));
        let mut rb: Vec<_> = m.iter().map(|x| x.b.clone()).collect();
        rb.sort_by_key(|r| r.start);
        prop_assert!(disjoint_sorted(&rb), "{:?}", m);
    }

    #[test]
    fn phrases_invariants(docs in prop::collection::vec(prop::collection::vec(0u64..4, 0..60), 0..6)) {
        let got = reused_phrases(&docs, &PhraseParams::default());
        for p in &got {
            prop_assert!(p.docs >= 2 && p.docs == p.occurrences.len());
            prop_assert!(p.tokens >= 3);
            let o0 = &p.occurrences[0];
            let first = &docs[o0.doc as usize][o0.tokens.start as usize..o0.tokens.end as usize];
            for o in &p.occurrences {
                prop_assert!(o.tokens.end as usize <= docs[o.doc as usize].len());
                prop_assert_eq!(&docs[o.doc as usize][o.tokens.start as usize..o.tokens.end as usize], first);
            }
            prop_assert!(p.occurrences.windows(2).all(|w| w[0].doc < w[1].doc));
        }
    }
}

// ---------------------------------------------------------------------------
// Real data: the SaudiNewsNet day beside the repository (`../shared/data`).

/// Token positions of `x` covered by a k-shingle also found in `y`.
fn shared_tokens(x: &[u64], y: &[u64], k: usize) -> Vec<bool> {
    let mut sx = Vec::new();
    let mut sy = Vec::new();
    shingles(x, k, &mut sx);
    shingles(y, k, &mut sy);
    let ys: std::collections::HashSet<u64> = sy.iter().map(|s| s.hash).collect();
    let mut cov = vec![false; x.len()];
    if x.len() < k {
        return cov;
    }
    for s in &sx {
        if ys.contains(&s.hash) {
            cov[s.pos as usize..s.pos as usize + k].fill(true);
        }
    }
    cov
}

#[test]
fn real_pairs_passages_cover_shared_text() {
    let read = |rel: &str| std::fs::read_to_string(common::shared(rel)).expect("readable");
    let jsonl = read("data/saudinewsnet-2015-07-23.jsonl");
    let pairs = read("data/saudinewsnet-2015-07-23.pairs.tsv");
    let mut docs = std::collections::HashMap::new();
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let id = v["id"].as_str().expect("id").to_string();
        docs.insert(id, doc(v["text"].as_str().expect("text")));
    }
    let pairs: Vec<(String, String)> = pairs
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let cmin: f64 = f[5].parse().ok()?;
            (cmin >= 0.5).then(|| (f[0].to_string(), f[1].to_string()))
        })
        .collect();
    eprintln!("{} pairs with containment_min >= 0.5", pairs.len());
    let mut checked_default = false;
    // The defaults, and one looser setting for comparison.
    let d = AlignParams::default();
    for (max_gap, min_passage, merge_gap) in [(d.max_gap, d.min_passage, d.merge_gap), (16, 8, 32)]
    {
        let p = AlignParams {
            max_gap,
            min_passage,
            merge_gap,
            ..AlignParams::default()
        };
        let (mut shared_all, mut covered_all, mut passages, mut aligned_tokens) = (0, 0, 0, 0);
        let mut in_passage_not_shared = 0;
        let mut coverages = Vec::new();
        for (ia, ib) in &pairs {
            let (a, b) = (&docs[ia], &docs[ib]);
            // The shorter article's shared text.
            let (x, y, x_is_a) = if a.hashes.len() <= b.hashes.len() {
                (a, b, true)
            } else {
                (b, a, false)
            };
            let shared = shared_tokens(&x.hashes, &y.hashes, p.k);
            let m = align(&a.hashes, &b.hashes, &p, &no_ignore);
            passages += m.len();
            let mut inside = vec![false; x.hashes.len()];
            for mm in &m {
                let r = if x_is_a { &mm.a } else { &mm.b };
                inside[r.start as usize..r.end as usize].fill(true);
                aligned_tokens += r.len();
            }
            let s = shared.iter().filter(|&&v| v).count();
            let c = shared
                .iter()
                .zip(&inside)
                .filter(|&(&s, &i)| s && i)
                .count();
            in_passage_not_shared += shared
                .iter()
                .zip(&inside)
                .filter(|&(&s, &i)| !s && i)
                .count();
            shared_all += s;
            covered_all += c;
            if s > 0 {
                coverages.push(c as f64 / s as f64);
            }
        }
        coverages.sort_by(f64::total_cmp);
        let mean = coverages.iter().sum::<f64>() / coverages.len() as f64;
        eprintln!(
            "max_gap {max_gap:2} min_passage {min_passage:2} merge_gap {merge_gap:2}: coverage of shared tokens {:.4} (mean per pair {mean:.4}, p10 {:.3}, min {:.3}); passages/pair {:.2}; aligned tokens outside shared shingles {:.2}%",
            covered_all as f64 / shared_all as f64,
            coverages[coverages.len() / 10],
            coverages[0],
            passages as f64 / pairs.len() as f64,
            100.0 * in_passage_not_shared as f64 / aligned_tokens as f64,
        );
        if p == AlignParams::default() {
            assert!(covered_all as f64 / shared_all as f64 > 0.95);
            checked_default = true;
        }
    }
    assert!(checked_default, "the defaults were not measured");
}

// ---------------------------------------------------------------------------
// PAN-style evaluation on generated reuse cases: character-level precision,
// recall and granularity of the reported passages.

/// Apply word-level edits with probability `rate` per word.
fn obfuscate(g: &mut Gen, words: &[&str], rate: f64) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        if g.rng.unit() < rate {
            match g.rng.below(3) {
                0 => out.push(g.word()),
                1 => {
                    out.push(w.to_string());
                    out.push(g.word());
                }
                _ => {}
            }
        } else {
            out.push(w.to_string());
        }
    }
    out
}

struct Case {
    a: Range<usize>,
    b: Range<usize>,
}

/// Characters of `r` covered by the union of `by`.
fn covered(r: &Range<usize>, by: &[Range<usize>]) -> usize {
    let mut parts: Vec<Range<usize>> = by
        .iter()
        .filter_map(|x| {
            let (s, e) = (x.start.max(r.start), x.end.min(r.end));
            (s < e).then_some(s..e)
        })
        .collect();
    parts.sort_by_key(|p| p.start);
    let (mut total, mut end) = (0, r.start);
    for p in parts {
        let s = p.start.max(end);
        if p.end > s {
            total += p.end - s;
            end = p.end;
        }
    }
    total
}

/// (precision, recall, granularity, plagdet) of passages against cases,
/// counting characters on both sides as PAN does.
fn pan_scores(edit_rate: f64, seeds: Range<u64>) -> (f64, f64, f64, f64) {
    let (mut prec, mut n_det) = (0.0, 0);
    let (mut rec, mut n_case) = (0.0, 0);
    let (mut gran, mut n_found) = (0.0, 0);
    for seed in seeds {
        let mut g = Gen::new(1000 + seed);
        let (a_text, _) = join(&g.article(8), 0);
        let a_words: Vec<(usize, &str)> = a_text
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - a_text.as_ptr() as usize, w))
            .collect();
        // Two cases: two separate word runs of A, obfuscated, inserted into
        // another article in the same order.
        let host = g.article(6);
        let mut cases = Vec::new();
        let mut b_text = String::new();
        let mut starts = [g.rng.below(a_words.len() / 2 - 60), 0];
        starts[1] = a_words.len() / 2 + g.rng.below(a_words.len() / 2 - 60);
        for (i, para) in host.iter().enumerate() {
            if i > 0 {
                b_text.push_str("\n\n");
            }
            b_text.push_str(para);
            if i == 1 || i == 4 {
                let s = starts[cases.len()];
                let len = 20 + g.rng.below(40);
                let words: Vec<&str> = a_words[s..s + len].iter().map(|w| w.1).collect();
                let a_start = a_words[s].0;
                let a_end = a_words[s + len - 1].0 + a_words[s + len - 1].1.len();
                let copied = obfuscate(&mut g, &words, edit_rate).join(" ");
                b_text.push_str("\n\n");
                let b_start = b_text.len();
                b_text.push_str(&copied);
                cases.push(Case {
                    a: a_start..a_end,
                    b: b_start..b_text.len(),
                });
            }
        }
        let (a, b) = (doc(&a_text), doc(&b_text));
        let m = align(&a.hashes, &b.hashes, &AlignParams::default(), &no_ignore);
        let dets: Vec<(Range<usize>, Range<usize>)> = m
            .iter()
            .map(|m| {
                (
                    token_range_to_span(&a.tokens, m.a.clone()).range(),
                    token_range_to_span(&b.tokens, m.b.clone()).range(),
                )
            })
            .collect();
        let det_a: Vec<_> = dets.iter().map(|d| d.0.clone()).collect();
        let det_b: Vec<_> = dets.iter().map(|d| d.1.clone()).collect();
        let case_a: Vec<_> = cases.iter().map(|c| c.a.clone()).collect();
        let case_b: Vec<_> = cases.iter().map(|c| c.b.clone()).collect();
        for c in &cases {
            let (la, lb) = (c.a.len(), c.b.len());
            rec += (covered(&c.a, &det_a) + covered(&c.b, &det_b)) as f64 / (la + lb) as f64;
            n_case += 1;
            let hits = dets
                .iter()
                .filter(|d| covered(&c.b, std::slice::from_ref(&d.1)) > 0)
                .count();
            if hits > 0 {
                gran += hits as f64;
                n_found += 1;
            }
        }
        for d in &dets {
            let inside = covered(&d.0, &case_a) + covered(&d.1, &case_b);
            prec += inside as f64 / (d.0.len() + d.1.len()) as f64;
            n_det += 1;
        }
    }
    let p = if n_det == 0 { 1.0 } else { prec / n_det as f64 };
    let r = rec / n_case as f64;
    let gr = if n_found == 0 {
        1.0
    } else {
        gran / n_found as f64
    };
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, gr, f1 / (1.0 + gr).log2())
}

#[test]
fn pan_style_scores_on_generated_reuse() {
    for (rate, min_plagdet) in [
        (0.0, 0.98),
        (0.05, 0.97),
        (0.1, 0.95),
        (0.2, 0.90),
        (0.3, 0.75),
    ] {
        let (p, r, g, pd) = pan_scores(rate, 0..40);
        eprintln!(
            "edit rate {rate:.2}: precision {p:.3} recall {r:.3} granularity {g:.3} plagdet {pd:.3}"
        );
        assert!(pd >= min_plagdet, "edit rate {rate}: plagdet {pd:.3}");
    }
}
