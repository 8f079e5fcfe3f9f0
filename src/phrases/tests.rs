use super::*;

use crate::sketch::shingle::shingles;
use proptest::prelude::*;

#[test]
fn max_df_display_reads_back() {
    for df in [
        MaxDf::Count(1),
        MaxDf::Count(50),
        MaxDf::Fraction(0.02),
        MaxDf::Fraction(1.0),
        MaxDf::Fraction(1e-7),
        MaxDf::Fraction(0.1 + 0.2),
    ] {
        assert_eq!(df.to_string().parse::<MaxDf>().unwrap(), df, "{df}");
    }
    assert_eq!(MaxDf::Fraction(1.0).to_string(), "1.0");
}

/// The sequential implementation of session 1: the oracle, one step a
/// function.
fn reused_phrases_reference<D: AsRef<[u64]>>(
    docs: &[D],
    params: &PhraseParams,
) -> Vec<ReusedPhrase> {
    let n = params.min_tokens.max(2);
    let max_df = params.max_df.max(2);
    let grams = reference_grams(docs, n);
    let (sets, gram_set) = reference_sets(&grams, max_df);
    let phrases = reference_phrases(docs, n, &grams, &sets, &gram_set);
    let mut out = reference_maximal(phrases);
    // 5. Rank.
    out.sort_by(|x, y| {
        y.docs
            .cmp(&x.docs)
            .then(y.tokens.cmp(&x.tokens))
            .then(x.occurrences[0].doc.cmp(&y.occurrences[0].doc))
            .then(
                x.occurrences[0]
                    .tokens
                    .start
                    .cmp(&y.occurrences[0].tokens.start),
            )
    });
    out.truncate(params.top);
    out
}

/// Step 1: the `n`-gram hashes of every document.
fn reference_grams<D: AsRef<[u64]>>(docs: &[D], n: usize) -> Vec<Vec<u64>> {
    let mut sh = Vec::new();
    docs.iter()
        .map(|doc| {
            let doc = doc.as_ref();
            if doc.len() < n {
                Vec::new()
            } else {
                shingles(doc, n, &mut sh);
                sh.iter().map(|s| s.hash).collect()
            }
        })
        .collect()
}

/// Step 2: the document sets of the grams in 2..=`max_df` documents (interned),
/// and the set of each such gram.
fn reference_sets(grams: &[Vec<u64>], max_df: usize) -> (Vec<Vec<u32>>, AHashMap<u64, u32>) {
    let mut df: AHashMap<u64, (u32, u32)> = AHashMap::new(); // hash -> (last doc + 1, df)
    for (d, g) in grams.iter().enumerate() {
        for &h in g {
            let e = df.entry(h).or_insert((0, 0));
            if e.0 != d as u32 + 1 {
                *e = (d as u32 + 1, e.1 + 1);
            }
        }
    }
    let mut pairs: Vec<(u64, u32)> = Vec::new();
    for (d, g) in grams.iter().enumerate() {
        for &h in g {
            let c = df[&h].1 as usize;
            if (2..=max_df).contains(&c) {
                pairs.push((h, d as u32));
            }
        }
    }
    drop(df);
    pairs.sort_unstable();
    pairs.dedup();
    let mut set_ids: StdHashMap<Vec<u32>, u32> = StdHashMap::new();
    let mut sets: Vec<Vec<u32>> = Vec::new();
    let mut gram_set: AHashMap<u64, u32> = AHashMap::new();
    for group in pairs.chunk_by(|x, y| x.0 == y.0) {
        let members: Vec<u32> = group.iter().map(|p| p.1).collect();
        let id = *set_ids.entry(members).or_insert_with_key(|m| {
            sets.push(m.clone());
            (sets.len() - 1) as u32
        });
        gram_set.insert(group[0].0, id);
    }
    (sets, gram_set)
}

/// Step 3: phrases per document, extended over supersets; those in two documents
/// or more, in discovery order.
fn reference_phrases<D: AsRef<[u64]>>(
    docs: &[D],
    n: usize,
    grams: &[Vec<u64>],
    sets: &[Vec<u32>],
    gram_set: &AHashMap<u64, u32>,
) -> Vec<ReusedPhrase> {
    let mut contains_cache: AHashMap<(u32, u32), bool> = AHashMap::new();
    let mut superset = |t: u32, s: u32| -> bool {
        if t == s {
            return true;
        }
        *contains_cache
            .entry((t, s))
            .or_insert_with(|| is_superset(&sets[t as usize], &sets[s as usize]))
    };
    let mut found: AHashMap<u64, Vec<Occurrence>> = AHashMap::new();
    let mut firsts: Vec<u64> = Vec::new(); // keys in discovery order (deterministic)
    for (d, g) in grams.iter().enumerate() {
        let toks = docs[d].as_ref();
        let sid: Vec<u32> = g
            .iter()
            .map(|h| gram_set.get(h).copied().unwrap_or(u32::MAX))
            .collect();
        let mut reach: AHashMap<u32, usize> = AHashMap::new();
        for p in 0..sid.len() {
            let s = sid[p];
            if s == u32::MAX || (p > 0 && sid[p - 1] == s) {
                continue;
            }
            if reach.get(&s).is_some_and(|&r| p <= r) {
                continue;
            }
            let mut l = p;
            while l > 0 && sid[l - 1] != u32::MAX && superset(sid[l - 1], s) {
                l -= 1;
            }
            let mut r = p;
            while r + 1 < sid.len() && sid[r + 1] != u32::MAX && superset(sid[r + 1], s) {
                r += 1;
            }
            reach.insert(s, r);
            let range = l as u32..(r + n) as u32;
            let key = hash_tokens(&toks[range.start as usize..range.end as usize]);
            let occ = found.entry(key).or_insert_with(|| {
                firsts.push(key);
                Vec::new()
            });
            if occ.last().is_none_or(|o| o.doc != d as u32) {
                occ.push(Occurrence {
                    doc: d as u32,
                    tokens: range,
                });
            }
        }
    }
    firsts
        .iter()
        .filter_map(|k| {
            let occ = found.remove(k)?;
            (occ.len() >= 2).then(|| ReusedPhrase {
                tokens: occ[0].tokens.end - occ[0].tokens.start,
                docs: occ.len(),
                occurrences: occ,
            })
        })
        .collect()
}

/// Step 4: the phrases not contained in a longer one with the same document set.
fn reference_maximal(mut phrases: Vec<ReusedPhrase>) -> Vec<ReusedPhrase> {
    phrases.sort_by(|x, y| {
        let dx: Vec<u32> = x.occurrences.iter().map(|o| o.doc).collect();
        let dy: Vec<u32> = y.occurrences.iter().map(|o| o.doc).collect();
        dx.cmp(&dy)
            .then(
                x.occurrences[0]
                    .tokens
                    .start
                    .cmp(&y.occurrences[0].tokens.start),
            )
            .then(y.tokens.cmp(&x.tokens))
    });
    let mut keep = vec![true; phrases.len()];
    let mut i = 0;
    while i < phrases.len() {
        let same_set = |a: &ReusedPhrase, b: &ReusedPhrase| {
            a.occurrences.len() == b.occurrences.len()
                && a.occurrences
                    .iter()
                    .zip(&b.occurrences)
                    .all(|(x, y)| x.doc == y.doc)
        };
        let mut j = i + 1;
        while j < phrases.len() && same_set(&phrases[i], &phrases[j]) {
            j += 1;
        }
        // Within a set, sorted by start then longest first: drop contained ranges.
        let mut end = 0u32;
        for (x, kept) in keep.iter_mut().enumerate().take(j).skip(i) {
            let r = &phrases[x].occurrences[0].tokens;
            if x > i && r.end <= end {
                *kept = false;
            } else {
                end = end.max(r.end);
            }
        }
        i = j;
    }
    phrases
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

/// `reused_phrases` equals the oracle's `want` on 1 and 3 threads, in one
/// part and in parts of about `per_part` postings.
fn assert_same_as(
    want: &[ReusedPhrase],
    docs: &[Vec<u64>],
    params: &PhraseParams,
    per_part: usize,
) {
    for threads in [1, 3] {
        let pool = pool(threads);
        let got = pool.install(|| reused_phrases(docs, params));
        assert_eq!(got, want, "{threads} thread(s)");
        let got = pool.install(|| reused_phrases_in_parts(docs, params, per_part));
        assert_eq!(got, want, "{threads} thread(s), parts of {per_part}");
    }
}

/// [`assert_same_as`] the oracle, in parts of 16 postings.
fn assert_same_as_reference(docs: &[Vec<u64>], params: &PhraseParams) {
    let want = reused_phrases_reference(docs, params);
    assert_same_as(&want, docs, params, 16);
}

/// Token hashes of a generated corpus.
fn generated(docs: usize, seed: u64) -> Vec<Vec<u64>> {
    let corpus = athar_synth::generate(&athar_synth::SynthParams {
        docs,
        seed,
        ..athar_synth::SynthParams::default()
    })
    .expect("valid parameters");
    let mut tk = crate::text::tokenize::Tokenizer::default();
    corpus
        .docs
        .iter()
        .map(|d| {
            let tokens = tk.tokenize(&d.text);
            let mut h = Vec::new();
            crate::sketch::shingle::token_hashes(&tokens, &mut h);
            h
        })
        .collect()
}

#[test]
fn reused_phrases_match_reference_on_generated_corpus() {
    let docs = generated(400, 7);
    for params in [
        PhraseParams {
            min_tokens: 3,
            max_df: MaxDf::Fraction(0.02).resolve(docs.len()),
            top: 200,
        },
        PhraseParams {
            min_tokens: 5,
            max_df: 4,
            top: usize::MAX,
        },
        PhraseParams::default(),
    ] {
        let want = reused_phrases_reference(&docs, &params);
        assert!(want.len() >= 20, "a corpus with reuse: {}", want.len());
        // About 64 parts: every part recomputes the grams of every document,
        // so the 4,096 parts of 16 postings would cost minutes in debug.
        let total: usize = docs.iter().map(|d| d.len()).sum();
        let parts = crate::sketch::shingle::HashParts::new(total, total / 64);
        assert!(parts.parts >= 32, "{parts:?}");
        assert_same_as(&want, &docs, &params, total / 64);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Small alphabets make every kind of overlap: repeats within a
    /// document, nested document sets, boilerplate above `max_df`.
    #[test]
    fn reused_phrases_match_reference(
        docs in prop::collection::vec(prop::collection::vec(0u64..6, 0..40), 0..12),
        min_tokens in 0usize..5,
        max_df in prop_oneof![2usize..8, Just(usize::MAX)],
        top in prop_oneof![0usize..10, Just(usize::MAX)],
    ) {
        let params = PhraseParams { min_tokens, max_df, top };
        assert_same_as_reference(&docs, &params);
    }

}

#[test]
fn max_df_resolves_and_parses() {
    assert_eq!(MaxDf::default().resolve(5), MIN_BOILERPLATE_DOCS);
    assert_eq!(MaxDf::default().resolve(1000), 500);
    assert_eq!(MaxDf::Count(7).resolve(5), 7);
    assert_eq!("100".parse::<MaxDf>().unwrap(), MaxDf::Count(100));
    assert_eq!("0.25".parse::<MaxDf>().unwrap(), MaxDf::Fraction(0.25));
    assert_eq!("50%".parse::<MaxDf>().unwrap(), MaxDf::Fraction(0.5));
    assert!("1.5".parse::<MaxDf>().is_err());
    assert!("abc".parse::<MaxDf>().is_err());
}

#[test]
fn phrase_extends_through_more_widespread_grams() {
    // doc0: X A B C D Y ; doc1: A B C D ; doc2: X A B C
    let (x, a, b, c, d, y) = (10, 11, 12, 13, 14, 15);
    let docs = vec![
        vec![x, a, b, c, d, y],
        vec![1, a, b, c, d, 2],
        vec![3, x, a, b, c, 4],
    ];
    let p = reused_phrases(&docs, &PhraseParams::default());
    let got: Vec<(usize, Vec<u32>, Range<u32>)> = p
        .iter()
        .map(|p| {
            (
                p.docs,
                p.occurrences.iter().map(|o| o.doc).collect(),
                p.occurrences[0].tokens.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (3, vec![0, 1, 2], 1..4), // A B C
            (2, vec![0, 2], 0..4),    // X A B C (ties: first occurrence first)
            (2, vec![0, 1], 1..5),    // A B C D
        ]
    );
}
