//! The model: corpus-wide term weights, collocations and window vectors.

use rayon::prelude::*;

use super::read::*;
use super::{NarrativeDoc, NarrativeParams};
use crate::span::Span;
use crate::text::normalize::NormalizeOptions;

// ---------------------------------------------------------------------------
// The model

/// Digits from which a figure is a code (see [`Model::code`]).
pub(super) const CODE_DIGITS: usize = 5;

/// A window: a run of content tokens of one document.
#[derive(Clone, Copy, Debug)]
pub(super) struct Window {
    pub(super) doc: u32,
    /// Range into the document's content tokens.
    pub(super) lo: u32,
    pub(super) hi: u32,
    /// Index of the window within its document.
    pub(super) ord: u32,
    /// Range of its `(term, weight)` entries in [`Model::vecs`], sorted by
    /// term.
    pub(super) vec: [u32; 2],
    pub(super) norm: f32,
    pub(super) span: [u32; 2],
    /// The tokens overlapping `span` (first, one past the last).
    pub(super) toks: [u32; 2],
}

impl Window {
    pub(super) fn span(&self) -> Span {
        Span::new(self.span[0] as usize, self.span[1] as usize)
    }
}

/// Collocations: two adjacent tokens (no word between) are *bound* to each
/// other when their pair of terms occurs at least twice in the corpus (in
/// either order: `السلفيين الجهاديين`, `جهاديون سلفيون`) and
/// accounts for at least half of the occurrences of one of the two terms
/// (`لواء التوحيد` binds `التوحيد`; `الجناح العسكري` binds `الجناح`;
/// `ولاية سيناء` binds both words there, but not `سيناء` in `في سيناء`). A bound word names a
/// fixed phrase: the same word outside that phrase (`راية التوحيد`,
/// `الجناح المسلح`) is another sense or another entity.
///
/// Pairs are counted in parts by hash, so that only a part of them is held
/// at once.
pub(super) fn bind_collocations(content: &mut [DocContent], count: &[u32]) {
    let key = |x: u32, y: u32| (u64::from(x.min(y)) << 32) | u64::from(x.max(y));
    let pair_at = |c: &DocContent, k: usize| {
        // Figures are never part of a fixed phrase.
        (k > 0
            && c.flags[k] & ADJACENT != 0
            && (c.flags[k] | c.flags[k - 1]) & NUMBER == 0
            && c.terms[k] != c.terms[k - 1])
            .then(|| key(c.terms[k - 1], c.terms[k]))
    };
    let total: usize = content.iter().map(|c| c.len()).sum();
    let parts = total.div_ceil(1 << 23).next_power_of_two().max(1) as u64;
    let part_of = |p: u64| (p.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % parts;
    let mut binding: Vec<u64> = Vec::new();
    for part in 0..parts {
        let mut pairs: Vec<u64> = content
            .par_iter()
            .flat_map_iter(|c| {
                (1..c.len())
                    .filter_map(move |k| pair_at(c, k))
                    .filter(move |&p| part_of(p) == part)
            })
            .collect();
        pairs.par_sort_unstable();
        binding.extend(pairs.chunk_by(|x, y| x == y).filter_map(|run| {
            let n = run.len() as u32;
            let (x, y) = ((run[0] >> 32) as usize, (run[0] & 0xFFFF_FFFF) as usize);
            (n >= 2 && (2 * n >= count[x] || 2 * n >= count[y])).then_some(run[0])
        }));
    }
    let binding: ahash::AHashSet<u64> = binding.into_iter().collect();
    content.par_iter_mut().for_each(|c| {
        for k in 1..c.len() {
            if pair_at(c, k).is_some_and(|p| binding.contains(&p)) {
                c.flags[k] |= BOUND_LEFT;
                c.flags[k - 1] |= BOUND_RIGHT;
            }
        }
    });
}

/// Corpus-wide state behind [`NarrativeIndex`].
pub(super) struct Model<'a> {
    pub(super) texts: Vec<&'a str>,
    pub(super) content: Vec<DocContent>,
    pub(super) weights: Vec<f32>,
    /// Per term: a figure.
    pub(super) number: Vec<bool>,
    /// Per term: a code (a figure of [`CODE_DIGITS`] digits or more: phone
    /// numbers, SMS codes, account numbers belong to contact lines and
    /// templates, not to events); never an anchor.
    pub(super) code: Vec<bool>,
    pub(super) windows: Vec<Window>,
    /// The `(term, weight)` vectors of all windows.
    pub(super) vecs: Vec<(u32, f32)>,
    /// The tokens of the documents asked for ([`ReadTokens`]), per
    /// document; empty when none were.
    pub(super) tokens: Vec<Option<ReadTokens>>,
}

impl<'a> Model<'a> {
    pub(super) fn build(
        docs: &[NarrativeDoc<'a>],
        normalize: NormalizeOptions,
        params: &NarrativeParams,
        keep: Option<&[bool]>,
    ) -> Self {
        let t0 = std::time::Instant::now();
        note("start", t0);
        // 1. Read the documents; stems numbered in the order they are met;
        // the tokens of the documents in `keep` kept.
        let (mut content, backoff, geometry, info, tokens) =
            read_all(docs, normalize, params, keep);
        note("read", t0);
        // 2. Proclitic back-off, now that the corpus's stems are known.
        back_off(&mut content, backoff, info.len());
        // 3. Terms: the stems of one derived verb merged, their counts and
        // weights.
        let bg_df = merge_verb_forms(&mut content, info);
        let stats = term_stats(docs, &content, bg_df.len());
        bind_collocations(&mut content, &stats.count);
        let weights = term_weights(&bg_df, &stats.df, docs.len(), params);
        note("terms", t0);
        // 4. Window vectors, a chunk of documents at a time.
        let (windows, vecs) = all_windows(&geometry, &content, &weights, &stats.df, params);
        note("windows", t0);
        Model {
            texts: docs.iter().map(|d| d.text).collect(),
            content,
            weights,
            number: stats.number,
            code: stats.code,
            windows,
            vecs,
            tokens,
        }
    }

    pub(super) fn vec(&self, w: &Window) -> &[(u32, f32)] {
        &self.vecs[w.vec[0] as usize..w.vec[1] as usize]
    }

    pub(super) fn is_distinctive(&self, term: u32, params: &NarrativeParams) -> bool {
        self.weights[term as usize] >= params.min_term_weight
    }
}

impl Model<'_> {
    /// Original spelling of the first occurrence of `term` in content range
    /// `lo..hi` of document `doc`.
    pub(super) fn spelling(&self, doc: usize, lo: u32, hi: u32, term: u32) -> String {
        let c = &self.content[doc];
        (lo as usize..hi as usize)
            .find(|&k| c.terms[k] == term)
            .map(|k| c.span(k).slice(self.texts[doc]).to_string())
            .unwrap_or_default()
    }
}

/// The windows of one document and their vector entries.
pub(super) type WindowsOfDoc = (Vec<Window>, Vec<(u32, f32)>);

/// The windows of one document with their vectors (entries numbered from 0
/// in the returned vector).
pub(super) fn window_vectors(
    d: u32,
    geometry: &[Geometry],
    c: &DocContent,
    weights: &[f32],
    df: &[u32],
    params: &NarrativeParams,
) -> WindowsOfDoc {
    let mut vecs: Vec<(u32, f32)> = Vec::new();
    let mut terms: Vec<u32> = Vec::new();
    let windows = geometry
        .iter()
        .enumerate()
        .map(|(ord, g)| {
            terms.clear();
            terms.extend_from_slice(&c.terms[g.lo as usize..g.hi as usize]);
            terms.sort_unstable();
            let from = vecs.len();
            let mut lonely = 0.0f32;
            let mut i = 0;
            while i < terms.len() {
                let mut e = i;
                while e < terms.len() && terms[e] == terms[i] {
                    e += 1;
                }
                let w = (1.0 + ((e - i) as f32).ln()) * weights[terms[i] as usize];
                // Terms of one document only can match nothing: they are
                // not stored, and count in the norm at a reduced weight.
                if df[terms[i] as usize] >= 2 {
                    if w > 0.0 {
                        vecs.push((terms[i], w));
                    }
                } else {
                    lonely += w * w;
                }
                i = e;
            }
            let h = params.lonely_weight;
            let norm =
                (vecs[from..].iter().map(|(_, w)| w * w).sum::<f32>() + h * h * lonely).sqrt();
            Window {
                doc: d,
                lo: g.lo,
                hi: g.hi,
                ord: ord as u32,
                vec: [from as u32, vecs.len() as u32],
                norm,
                span: g.span,
                toks: g.toks,
            }
        })
        .collect();
    (windows, vecs)
}

/// What [`read_all`] makes of the documents: per document its content, its
/// proclitic back-offs `[token, stem, fine form]` and its window geometry;
/// and the stems, numbered in the order they are met; the tokens kept
/// (empty when none were asked for).
type ReadAll = (
    Vec<DocContent>,
    Vec<Vec<[u32; 3]>>,
    Vec<Vec<Geometry>>,
    Vec<StemInfo>,
    Vec<Option<ReadTokens>>,
);

/// Step 1: the documents read, a chunk at a time in parallel; stems numbered
/// in the order they are met (deterministic ids).
fn read_all(
    docs: &[NarrativeDoc<'_>],
    normalize: NormalizeOptions,
    params: &NarrativeParams,
    keep: Option<&[bool]>,
) -> ReadAll {
    let mut table = StemTable::default();
    let keeping = keep.is_some();
    let mut tokens: Vec<Option<ReadTokens>> = Vec::new();
    if keeping {
        tokens.reserve_exact(docs.len());
    }
    let keep = |d: usize| keep.is_some_and(|k| k.get(d).copied().unwrap_or(false));
    let mut content: Vec<DocContent> = Vec::with_capacity(docs.len());
    let mut backoff: Vec<Vec<[u32; 3]>> = Vec::with_capacity(docs.len());
    let mut geometry: Vec<Vec<Geometry>> = Vec::with_capacity(docs.len());
    // One reader a thread (its word cache warm from chunk to chunk, and no
    // larger than one core's share of the processor's caches), and one for
    // a caller outside the thread pool. A document is read alike by any
    // reader, so which thread reads which piece does not matter.
    let threads = rayon::current_num_threads().max(1);
    let readers: Vec<std::sync::Mutex<Reader>> = (0..=threads)
        .map(|_| std::sync::Mutex::new(Reader::new(normalize)))
        .collect();
    for (c, chunk) in docs.chunks(READ_CHUNK).enumerate() {
        let parsed: Vec<Parsed> = chunk
            .par_chunks(READ_PIECE)
            .enumerate()
            .flat_map_iter(|(k, part)| {
                let i = rayon::current_thread_index().map_or(threads, |i| i.min(threads));
                let mut r = readers[i].lock().unwrap_or_else(|e| e.into_inner());
                let d0 = c * READ_CHUNK + k * READ_PIECE;
                part.iter()
                    .enumerate()
                    .map(|(j, d)| r.parse(d, params, keep(d0 + j)))
                    .collect::<Vec<Parsed>>()
            })
            .collect();
        for mut p in parsed {
            let ids: Vec<u32> = p.stems.iter().map(|&s| table.id(s)).collect();
            for t in &mut p.content.terms {
                *t = ids[*t as usize];
            }
            for b in &mut p.backoff {
                b[1] = ids[b[1] as usize];
            }
            content.push(p.content);
            backoff.push(p.backoff);
            geometry.push(p.windows);
            if keeping {
                tokens.push(p.tokens);
            }
        }
    }
    (content, backoff, geometry, table.info, tokens)
}

/// Step 2: a token whose stem without its proclitic is a stem of the corpus
/// takes that stem (and its fine form).
fn back_off(content: &mut [DocContent], backoff: Vec<Vec<[u32; 3]>>, n_stems: usize) {
    let mut known = vec![false; n_stems];
    for c in content.iter() {
        for &t in &c.terms {
            known[t as usize] = true;
        }
    }
    content
        .par_iter_mut()
        .zip(backoff.par_iter())
        .for_each(|(c, b)| {
            for &[k, stem, fine] in b {
                if known[stem as usize] {
                    c.terms[k as usize] = stem;
                    c.fine[k as usize] = fine;
                }
            }
        });
}

/// Step 3a: stems become terms, numbered in the order first met; the stems
/// of one derived verb ([`verb_form_key`]) share a term (اعتقال، اعتقلت،
/// يعتقل), their fine forms differ, so they match as derivations. Returns
/// the background frequency of each term: the sum of its stems'.
fn merge_verb_forms(content: &mut [DocContent], info: Vec<StemInfo>) -> Vec<u32> {
    let mut term_of = vec![u32::MAX; info.len()];
    let mut by_key: ahash::AHashMap<u64, u32> = ahash::AHashMap::new();
    let mut bg_df: Vec<u32> = Vec::new();
    for c in content.iter() {
        for &s in &c.terms {
            if term_of[s as usize] == u32::MAX {
                let next = bg_df.len() as u32;
                let id = *by_key.entry(info[s as usize].key).or_insert(next);
                if id == next {
                    bg_df.push(0);
                }
                bg_df[id as usize] += info[s as usize].bg;
                term_of[s as usize] = id;
            }
        }
    }
    content.par_iter_mut().for_each(|c| {
        for t in &mut c.terms {
            *t = term_of[*t as usize];
        }
    });
    bg_df
}

/// Per term, what the corpus says of it ([`term_stats`]).
struct TermStats {
    /// Documents holding it.
    df: Vec<u32>,
    /// Occurrences.
    count: Vec<u32>,
    /// A figure.
    number: Vec<bool>,
    /// A code: a figure of [`CODE_DIGITS`] digits or more.
    code: Vec<bool>,
}

/// Step 3b: document frequency, occurrences, figures and codes of the
/// `n_terms` terms.
fn term_stats(docs: &[NarrativeDoc<'_>], content: &[DocContent], n_terms: usize) -> TermStats {
    let mut df: Vec<u32> = vec![0; n_terms];
    let mut count: Vec<u32> = vec![0; n_terms];
    let mut seen: Vec<u32> = vec![u32::MAX; n_terms];
    let mut number = vec![false; n_terms];
    let mut code = vec![false; n_terms];
    for (d, c) in content.iter().enumerate() {
        for (k, (&t, &f)) in c.terms.iter().zip(&c.flags).enumerate() {
            if f & NUMBER != 0 {
                number[t as usize] = true;
                let [s, e] = c.spans[k];
                let digits = docs[d].text[s as usize..e as usize].chars().count();
                code[t as usize] |= digits >= CODE_DIGITS;
            }
            count[t as usize] += 1;
            if seen[t as usize] != d as u32 {
                seen[t as usize] = d as u32;
                df[t as usize] += 1;
            }
        }
    }
    TermStats {
        df,
        count,
        number,
        code,
    }
}

/// Step 3c: the weight of each term in a corpus of `n` documents: its IDF
/// mixed with the background's (strength `params.background_docs`), scaled
/// down for terms spread over most documents of a small corpus.
fn term_weights(bg_df: &[u32], df: &[u32], n: usize, params: &NarrativeParams) -> Vec<f32> {
    let n = n as f32;
    let m = params.background_docs.max(0.0);
    let conf = n / (n + 3.0);
    bg_df
        .par_iter()
        .zip(df.par_iter())
        .map(|(&s, &df)| {
            let idf_bg = background_idf_of(s);
            let idf_c = ((n + 1.0) / (df as f32 + 0.5)).ln();
            let base = (m * idf_bg + n * idf_c) / (m + n).max(f32::MIN_POSITIVE);
            let spread = if n >= 2.0 {
                (df as f32 - 1.0) / (n - 1.0)
            } else {
                0.0
            };
            (base * (1.0 - conf * spread * spread)).max(0.0)
        })
        .collect()
}

/// Step 4: the windows of every document and their `(term, weight)`
/// vectors, a chunk of documents at a time.
fn all_windows(
    geometry: &[Vec<Geometry>],
    content: &[DocContent],
    weights: &[f32],
    df: &[u32],
    params: &NarrativeParams,
) -> (Vec<Window>, Vec<(u32, f32)>) {
    let mut windows: Vec<Window> = Vec::new();
    let mut vecs: Vec<(u32, f32)> = Vec::new();
    let mut d0 = 0;
    for chunk in geometry.chunks(READ_CHUNK) {
        let built: Vec<WindowsOfDoc> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, g)| {
                let d = d0 + i;
                window_vectors(d as u32, g, &content[d], weights, df, params)
            })
            .collect();
        for (ws, v) in built {
            let at = vecs.len() as u32;
            windows.extend(ws.into_iter().map(|mut w| {
                w.vec = [w.vec[0] + at, w.vec[1] + at];
                w
            }));
            vecs.extend(v);
        }
        d0 += chunk.len();
    }
    (windows, vecs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrative::NarrativeDoc;
    use crate::span::Span;
    use crate::text::sentences::sentences;

    fn prep(texts: &[&str]) -> Vec<Vec<Span>> {
        texts.iter().map(|t| sentences(t)).collect()
    }

    fn docs<'a>(texts: &[&'a str], p: &'a [Vec<Span>]) -> Vec<NarrativeDoc<'a>> {
        texts
            .iter()
            .zip(p)
            .map(|(t, s)| NarrativeDoc {
                text: t,
                sentences: s,
                formula: &[],
            })
            .collect()
    }

    #[test]
    fn windows_cover_content_in_order() {
        let text = "قال الوزير إن الحكومة قررت بناء مدارس جديدة في المدن الشمالية. \
                    وأضاف أن المشروع يشمل مستشفيات وطرقا وجسورا. \
                    وتبلغ تكلفة المشروع مليار دولار تمولها الدولة بالكامل خلال خمس سنوات.";
        let p = prep(&[text]);
        let d = docs(&[text], &p);
        let params = NarrativeParams {
            min_window: 5,
            max_window: 8,
            ..Default::default()
        };
        let m = Model::build(&d, NormalizeOptions::default(), &params, None);
        assert!(m.windows.len() >= 2);
        let mut prev_lo = 0;
        for w in &m.windows {
            assert!(w.hi > w.lo && (w.hi - w.lo) as usize <= 8);
            assert!(w.lo >= prev_lo);
            prev_lo = w.lo;
            assert!(!w.span().slice(text).is_empty());
        }
        assert_eq!(m.windows.last().unwrap().hi as usize, m.content[0].len());
        // Content spans slice the text at token boundaries, in order.
        let c = &m.content[0];
        for k in 0..c.len() {
            assert!(!c.span(k).slice(text).is_empty());
            assert!(k == 0 || c.span(k - 1).end() <= c.span(k).start());
        }
    }
}
