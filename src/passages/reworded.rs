//! Passages between two documents: seed → extend → filter over verbatim and
//! reworded evidence.
//!
//! [`verbatim`](super::align) finds text copied word for word. Reuse is often
//! edited: synonyms substituted, phrases or whole sentences reordered, words
//! shuffled. This module joins every kind of evidence two documents share
//! into whole passages, one per reuse case.
//!
//! # Algorithm
//!
//! Everything works on the *content tokens* of each document (tokens that
//! are not stop words, each reduced to a light10 stem id with a weight, see
//! [`ContentSide`]); positions are indices into that sequence.
//!
//! 1. **Seeds** of three kinds, each a rectangle `[a0, a1) × [b0, b1)`:
//!    - *verbatim*: the passages of the verbatim aligner, as given;
//!    - *window*: windows of [`ReworkParams::window`] content tokens
//!      (overlapping by half) whose weighted stem vectors have a cosine of
//!      at least [`ReworkParams::seed_cosine`]: a sentence with synonyms
//!      substituted or its phrases reordered;
//!    - *anchor*: a stem found at most [`ReworkParams::anchor_max_occ`] times
//!      in each document (and not common in the corpus): each pair of its
//!      occurrences. Rare words survive any reordering, even a shuffle of
//!      every word of a paragraph, where no window keeps its partner.
//! 2. **Extension** joins seeds by proximity in *each* document, not along
//!    one diagonal: the seeds are split wherever a gap of more than
//!    [`ReworkParams::gap`] content tokens opens in the first document, each
//!    part wherever one opens in the second, and so on until no part splits.
//!    Reordered sentences or shuffled words of one passage stay one cluster;
//!    two passages apart in either document become two.
//! 3. **Validation.** A cluster's bounding rectangle is trimmed at both ends
//!    of both sides while the end token's stem is more frequent in its side
//!    than in the other (a word the other side does not hold), and scored by
//!    the weighted Dice coefficient of the two stem multisets. A cluster
//!    below [`ReworkParams::min_similarity`] is split again with half the
//!    gap (down to [`ReworkParams::min_gap`]), as in Sanchez-Perez, Sidorov
//!    and Gelbukh's PAN 2014 text aligner, whose extension this follows.
//! 4. **Filter.** A passage without verbatim evidence needs
//!    [`ReworkParams::min_matched`] matched content tokens, and one below
//!    [`ReworkParams::strong_similarity`] must keep the order of what it
//!    shares ([`ReworkParams::min_order`]): synonyms substituted in a text
//!    keep its order, two texts that merely share a topic do not. Anchors
//!    alone need [`ReworkParams::min_anchors`] of them; the place where an
//!    evidence weight can be applied is [`strong_enough`]. Overlaps are
//!    resolved best first: a passage overlapping (in either document) one
//!    already kept is dropped.
//!
//! A cluster made of verbatim seeds only, or whose rectangle the verbatim
//! seeds cover almost entirely, gives the verbatim passages unchanged
//! ([`Kind::Verbatim`]); otherwise the passage is [`Kind::Reworded`] (no
//! verbatim seed) or [`Kind::Mixed`].

use std::ops::Range;

use super::align::Match;

/// Parameters of passage finding over reworded evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReworkParams {
    /// Content tokens per window seed (windows overlap by half).
    pub window: usize,
    /// Cosine two windows need to seed.
    pub seed_cosine: f32,
    /// A stem seeds anchors when found at most this many times in each document.
    pub anchor_max_occ: usize,
    /// Weight (IDF) a stem needs to seed anchors: common words anchor nothing.
    pub anchor_min_weight: f32,
    /// Largest gap, in content tokens of either document, bridged by extension.
    pub gap: usize,
    /// Smallest gap tried when a cluster fails validation.
    pub min_gap: usize,
    /// Weighted Dice of the two stem multisets a passage needs.
    pub min_similarity: f32,
    /// A passage below this weighted Dice (and at least `min_similarity`)
    /// must keep the order of its words: synonyms substituted in a sentence
    /// keep it, two texts that merely share a topic do not.
    pub strong_similarity: f32,
    /// Share of the matched content tokens found in the same order on both
    /// sides (longest common subsequence of stems over matched tokens) that
    /// such a passage needs.
    pub min_order: f32,
    /// Content tokens matched between the two sides (`Σ min(count_a,
    /// count_b)` over stems) that a passage without verbatim evidence needs.
    pub min_matched: usize,
    /// Matched weight (`Σ weight · min(count_a, count_b)`) such a passage
    /// needs: its shared words must be rarer on average than the stock
    /// words of titles and formulas found in many documents.
    pub min_matched_weight: f32,
    /// Anchors a cluster of anchors alone needs.
    pub min_anchors: usize,
}

impl Default for ReworkParams {
    fn default() -> Self {
        ReworkParams {
            window: 12,
            seed_cosine: 0.4,
            anchor_max_occ: 2,
            anchor_min_weight: 2.0,
            gap: 16,
            min_gap: 4,
            min_similarity: 0.4,
            strong_similarity: 0.7,
            min_order: 0.8,
            min_matched: 10,
            min_matched_weight: 25.0,
            min_anchors: 4,
        }
    }
}

/// The content tokens of one document.
#[derive(Clone, Copy, Debug)]
pub struct ContentSide<'a> {
    /// Token index (into the document's tokens) of every content token, increasing.
    pub pos: &'a [u32],
    /// Stem id of every content token.
    pub stem: &'a [u32],
    /// Weight of every content token's stem (an IDF, positive).
    pub weight: &'a [f32],
    /// `(stem, content position)` for every content token, sorted; or empty,
    /// to have it computed for each pair.
    pub occ: &'a [(u32, u32)],
}

impl ContentSide<'_> {
    fn len(&self) -> usize {
        self.pos.len()
    }

    /// Content indices of the tokens in `range`.
    fn content_range(&self, range: &Range<u32>) -> Range<u32> {
        let s = self.pos.partition_point(|&p| p < range.start) as u32;
        let e = self.pos.partition_point(|&p| p < range.end) as u32;
        s..e
    }

    /// Token range from the first to the last content token of `range`.
    fn token_range(&self, range: Range<u32>) -> Range<u32> {
        if range.is_empty() {
            return 0..0;
        }
        self.pos[range.start as usize]..self.pos[range.end as usize - 1] + 1
    }
}

/// How a passage was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A verbatim passage, as the verbatim aligner found it.
    Verbatim,
    /// Reworded evidence only.
    Reworded,
    /// Verbatim passages joined with reworded evidence.
    Mixed,
}

/// A passage shared by two documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Aligned {
    /// Token range in the first document.
    pub a: Range<u32>,
    /// Token range in the second document.
    pub b: Range<u32>,
    /// How it was found.
    pub kind: Kind,
    /// Verbatim: the token identity of the match. Otherwise the weighted
    /// Dice coefficient of the two sides' content stems.
    pub score: f64,
    /// Verbatim: identical tokens. Otherwise content tokens of the smaller
    /// side that match the other side.
    pub matched_tokens: u32,
}

const VERBATIM: u8 = 0;
const WINDOW: u8 = 1;
const ANCHOR: u8 = 2;

/// Evidence: a rectangle of content positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seed {
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
    kind: u8,
    /// Index of the verbatim match (verbatim seeds).
    id: u32,
}

/// A passage before overlaps are resolved.
struct Candidate {
    a: Range<u32>,
    b: Range<u32>,
    kind: Kind,
    score: f64,
    matched: u32,
    /// Matched weight: the order in which overlaps are resolved.
    strength: f64,
}

/// The passages `a` and `b` share, from their `verbatim` matches (as the
/// verbatim aligner found them) and reworded evidence. Sorted by their start
/// in `a`; the `a` ranges never overlap one another, nor do the `b` ranges.
pub fn passages(
    a: &ContentSide<'_>,
    b: &ContentSide<'_>,
    verbatim: &[Match],
    params: &ReworkParams,
) -> Vec<Aligned> {
    passages_indexed(a, &Indexed::new(*b, params), verbatim, params)
}

/// The second document of [`passages`] prepared once for all its pairs
/// (its windows' stem vectors and where each stem occurs): a document paired
/// with many others is indexed once.
pub struct Indexed<'a> {
    side: ContentSide<'a>,
    index: StemIndex<'a>,
    windows: Vec<Range<u32>>,
    norms: Vec<f32>,
    /// `(stem, window, value)` sorted by stem then window.
    post: Vec<(u32, u32, f32)>,
    /// The vector of every window, `(stem, value)` sorted by stem, one
    /// after the other: window `k` is `vecs[offsets[k]..offsets[k + 1]]`.
    vecs: Vec<(u32, f32)>,
    offsets: Vec<u32>,
    window: usize,
}

impl<'a> Indexed<'a> {
    /// Indexes `b` for windows of `params.window` content tokens.
    pub fn new(b: ContentSide<'a>, params: &ReworkParams) -> Indexed<'a> {
        let wb = windows(b.len(), params.window);
        let mut v = Vec::new();
        let mut norms = Vec::with_capacity(wb.len());
        let mut post: Vec<(u32, u32, f32)> = Vec::new();
        let mut vecs = Vec::new();
        let mut offsets = vec![0u32];
        for (k, r) in wb.iter().enumerate() {
            norms.push(vector(&b, r, &mut v));
            post.extend(v.iter().map(|&(s, x, _)| (s, k as u32, x)));
            vecs.extend(v.iter().map(|&(s, x, _)| (s, x)));
            offsets.push(vecs.len() as u32);
        }
        post.sort_unstable_by_key(|x| (x.0, x.1));
        Indexed {
            side: b,
            index: StemIndex::new(&b),
            windows: wb,
            norms,
            post,
            vecs,
            offsets,
            window: params.window,
        }
    }
}

/// [`passages`] with the second document already indexed (with the same
/// `params`).
pub fn passages_indexed(
    a: &ContentSide<'_>,
    ib: &Indexed<'_>,
    verbatim: &[Match],
    params: &ReworkParams,
) -> Vec<Aligned> {
    let p = params;
    debug_assert_eq!(ib.window, p.window);
    let b = &ib.side;
    let mut seeds: Vec<Seed> = Vec::new();
    let mut loose: Vec<usize> = Vec::new();
    for (k, m) in verbatim.iter().enumerate() {
        let (ca, cb) = (a.content_range(&m.a), b.content_range(&m.b));
        if ca.is_empty() || cb.is_empty() {
            loose.push(k);
        } else {
            seeds.push(Seed {
                a0: ca.start,
                a1: ca.end,
                b0: cb.start,
                b1: cb.end,
                kind: VERBATIM,
                id: k as u32,
            });
        }
    }
    let n_verbatim = seeds.len();
    if a.len() > 0 && b.len() > 0 {
        let index_a = StemIndex::new(a);
        window_seeds(a, &index_a, ib, p, &mut seeds);
        anchor_seeds(a, &index_a, &ib.index, p, &mut seeds);
    }
    let mut cands: Vec<Candidate> = loose
        .iter()
        .map(|&k| verbatim_candidate(&verbatim[k]))
        .collect();
    if seeds.len() > n_verbatim {
        let mut scorer = Scorer::default();
        for c in cluster(seeds, p.gap as u32) {
            resolve(c, p.gap as u32, a, b, verbatim, p, &mut scorer, &mut cands);
        }
    } else {
        cands.extend(verbatim.iter().map(verbatim_candidate));
    }
    choose(cands)
}

fn verbatim_candidate(m: &Match) -> Candidate {
    Candidate {
        a: m.a.clone(),
        b: m.b.clone(),
        kind: Kind::Verbatim,
        score: m.score,
        matched: m.matched_tokens,
        // Verbatim evidence first: a verbatim passage beats a reworded
        // passage of the same size.
        strength: 4.0 * f64::from(m.matched_tokens),
    }
}

/// Keeps the strongest candidates that overlap no stronger one in either
/// document; sorted by their start in `a`.
fn choose(mut cands: Vec<Candidate>) -> Vec<Aligned> {
    cands.sort_by(|x, y| {
        y.strength.total_cmp(&x.strength).then(
            (x.a.start, x.b.start, x.a.end, x.b.end).cmp(&(y.a.start, y.b.start, y.a.end, y.b.end)),
        )
    });
    let mut kept: Vec<Candidate> = Vec::new();
    for c in cands {
        let clash = kept.iter().any(|k| clashes(k, &c));
        if !clash {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| (c.a.start, c.b.start));
    kept.into_iter()
        .map(|c| Aligned {
            a: c.a,
            b: c.b,
            kind: c.kind,
            score: c.score,
            matched_tokens: c.matched,
        })
        .collect()
}

/// Tokens `x` and `y` share.
fn overlap(x: &Range<u32>, y: &Range<u32>) -> u32 {
    x.end.min(y.end).saturating_sub(x.start.max(y.start))
}

/// Two candidates clash when they overlap in both documents: the same
/// reuse found twice. A text reused twice (once in each of two places of the
/// other document) overlaps in one document only, and both are kept.
fn clashes(x: &Candidate, y: &Candidate) -> bool {
    overlap(&x.a, &y.a) > 0 && overlap(&x.b, &y.b) > 0
}

/// Where each stem occurs in one document: `(stem, content position)` sorted.
struct StemIndex<'a> {
    occ: std::borrow::Cow<'a, [(u32, u32)]>,
}

impl<'a> StemIndex<'a> {
    fn new(side: &ContentSide<'a>) -> StemIndex<'a> {
        if side.occ.len() == side.len() {
            return StemIndex {
                occ: std::borrow::Cow::Borrowed(side.occ),
            };
        }
        let mut occ: Vec<(u32, u32)> = side
            .stem
            .iter()
            .enumerate()
            .map(|(i, &s)| (s, i as u32))
            .collect();
        occ.sort_unstable();
        StemIndex {
            occ: std::borrow::Cow::Owned(occ),
        }
    }
}

/// Window starts over `n` content tokens: windows of `w` overlapping by half,
/// the last one flush with the end.
fn windows(n: usize, w: usize) -> Vec<Range<u32>> {
    let w = w.max(1);
    if n == 0 {
        return Vec::new();
    }
    if n <= w {
        #[allow(clippy::single_range_in_vec_init)]
        return vec![0..n as u32];
    }
    let step = (w / 2).max(1);
    let mut out = Vec::new();
    let mut s = 0;
    while s + w < n {
        out.push(s as u32..(s + w) as u32);
        s += step;
    }
    out.push((n - w) as u32..n as u32);
    out
}

/// The weighted stem vector of a window, sorted by stem: `(stem, (1 + ln
/// tf) · weight, position of its first occurrence)`; returns its norm.
fn vector(side: &ContentSide<'_>, r: &Range<u32>, out: &mut Vec<(u32, f32, u32)>) -> f32 {
    out.clear();
    out.extend((r.start..r.end).map(|i| (side.stem[i as usize], side.weight[i as usize], i)));
    out.sort_unstable_by_key(|x| (x.0, x.2));
    let mut w = 0;
    let mut r = 0;
    while r < out.len() {
        let s = out[r].0;
        let e = r + out[r..].iter().take_while(|x| x.0 == s).count();
        let tf = (e - r) as f32;
        out[w] = (s, (1.0 + tf.ln()) * out[r].1, out[r].2);
        w += 1;
        r = e;
    }
    out.truncate(w);
    out.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt()
}

/// Window pairs whose cosine reaches `seed_cosine`.
fn window_seeds(
    a: &ContentSide<'_>,
    index_a: &StemIndex<'_>,
    ib: &Indexed<'_>,
    p: &ReworkParams,
    seeds: &mut Vec<Seed>,
) {
    let (wb, norms, post) = (&ib.windows, &ib.norms, &ib.post);
    // Per content token of `a`: the range of `post` holding its stem (a
    // merge of the two sorted stem lists, so no search per window).
    let mut local = vec![u32::MAX; a.len()];
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut j = 0usize;
    for run in index_a.occ.chunk_by(|x, y| x.0 == y.0) {
        let s = run[0].0;
        j = gallop(post, j, |q| q.0 < s);
        let hi = j + post[j..].iter().take_while(|q| q.0 == s).count();
        if hi > j {
            for &(_, i) in run {
                local[i as usize] = ranges.len() as u32;
            }
            ranges.push((j as u32, hi as u32));
        }
        j = hi;
    }
    if ranges.is_empty() {
        return;
    }
    let mut v = Vec::new();
    let mut dots = vec![0f32; wb.len()];
    let mut touched: Vec<u32> = Vec::new();
    for ra in windows(a.len(), p.window) {
        let na = vector(a, &ra, &mut v);
        if na <= 0.0 {
            continue;
        }
        for &(_, _, i) in &v {
            let id = local[i as usize];
            if id == u32::MAX {
                continue;
            }
            let (lo, hi) = ranges[id as usize];
            // Stems found in many windows of `b` do not propose window
            // pairs (they still count in the exact cosine below).
            if hi - lo > MAX_SEED_POSTINGS {
                continue;
            }
            for q in &post[lo as usize..hi as usize] {
                let d = &mut dots[q.1 as usize];
                if *d == 0.0 {
                    touched.push(q.1);
                }
                *d += 1.0;
            }
        }
        touched.sort_unstable();
        for &k in &touched {
            let k = k as usize;
            // Two rare stems in common at least.
            if dots[k] < 2.0 {
                dots[k] = 0.0;
                continue;
            }
            let wv = &ib.vecs[ib.offsets[k] as usize..ib.offsets[k + 1] as usize];
            let dot = sparse_dot(&v, wv);
            let cos = dot / (na * norms[k]).max(f32::MIN_POSITIVE);
            if cos >= p.seed_cosine {
                seeds.push(shrink(a, &ib.side, ra.clone(), wb[k].clone()));
            }
            dots[k] = 0.0;
        }
        touched.clear();
    }
}

/// Windows of the second document a stem may be found in and still propose
/// window pairs (a pair needs two such stems in common). A window copied
/// from the second document holds words rare in it; a word found all over
/// it would pair every window with every other.
const MAX_SEED_POSTINGS: u32 = 8;

/// The first index at or after `from` where `below` turns false (`v` is
/// sorted so that it is true, then false), by galloping: cheap when the
/// answer is near `from`, logarithmic otherwise.
fn gallop<T>(v: &[T], from: usize, below: impl Fn(&T) -> bool) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1);
    while hi < v.len() && below(&v[hi]) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(v.len());
    lo + v[lo..hi].partition_point(below)
}

/// Dot product of two vectors sorted by stem.
fn sparse_dot(x: &[(u32, f32, u32)], y: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0f32);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += x[i].1 * y[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// A window seed reduced to the tokens from the first to the last whose
/// stem the other window holds, on each side: a window that straddles the
/// end of a passage does not carry its neighbour's words into it.
fn shrink(a: &ContentSide<'_>, b: &ContentSide<'_>, ra: Range<u32>, rb: Range<u32>) -> Seed {
    let sa = &a.stem[ra.start as usize..ra.end as usize];
    let sb = &b.stem[rb.start as usize..rb.end as usize];
    let inner = |x: &[u32], y: &[u32], r: &Range<u32>| {
        let first = x.iter().position(|s| y.contains(s));
        let last = x.iter().rposition(|s| y.contains(s));
        match (first, last) {
            (Some(f), Some(l)) => (r.start + f as u32, r.start + l as u32 + 1),
            _ => (r.start, r.end),
        }
    };
    let (a0, a1) = inner(sa, sb, &ra);
    let (b0, b1) = inner(sb, sa, &rb);
    Seed {
        a0,
        a1,
        b0,
        b1,
        kind: WINDOW,
        id: 0,
    }
}

/// Occurrence pairs of stems rare in both documents and in the corpus.
fn anchor_seeds(
    a: &ContentSide<'_>,
    index_a: &StemIndex<'_>,
    index_b: &StemIndex<'_>,
    p: &ReworkParams,
    seeds: &mut Vec<Seed>,
) {
    let max = p.anchor_max_occ.max(1);
    let occ = &index_b.occ;
    let mut j = 0;
    for run in index_a.occ.chunk_by(|x, y| x.0 == y.0) {
        let s = run[0].0;
        if run.len() > max || a.weight[run[0].1 as usize] < p.anchor_min_weight {
            continue;
        }
        j = gallop(occ, j, |o| o.0 < s);
        let occ_b = &occ[j..j + occ[j..].iter().take_while(|o| o.0 == s).count()];
        if occ_b.is_empty() || occ_b.len() > max {
            continue;
        }
        for &(_, i) in run {
            for &(_, j) in occ_b {
                seeds.push(Seed {
                    a0: i,
                    a1: i + 1,
                    b0: j,
                    b1: j + 1,
                    kind: ANCHOR,
                    id: 0,
                });
            }
        }
    }
}

/// Splits seeds into clusters: wherever a gap of more than `gap` opens in the
/// first document, then in the second, until no part splits.
fn cluster(seeds: Vec<Seed>, gap: u32) -> Vec<Vec<Seed>> {
    let mut work = vec![seeds];
    let mut out = Vec::new();
    while let Some(c) = work.pop() {
        let mut parts = split(c, gap, false);
        if parts.len() == 1 {
            parts = split(parts.pop().expect("one part"), gap, true);
            if parts.len() == 1 {
                out.push(parts.pop().expect("one part"));
                continue;
            }
        }
        work.extend(parts);
    }
    for c in &mut out {
        c.sort_unstable();
    }
    out.sort_unstable_by_key(|c| (c[0].a0, c[0].b0));
    out
}

/// One split of `seeds` on the first (`in_b` false) or second document.
fn split(mut seeds: Vec<Seed>, gap: u32, in_b: bool) -> Vec<Vec<Seed>> {
    let key = |s: &Seed| if in_b { (s.b0, s.b1) } else { (s.a0, s.a1) };
    seeds.sort_unstable_by(|x, y| key(x).cmp(&key(y)).then(x.cmp(y)));
    let mut out: Vec<Vec<Seed>> = Vec::new();
    let mut end = 0u32;
    for s in seeds {
        let (s0, s1) = key(&s);
        match out.last_mut() {
            Some(c) if s0 <= end + gap => {
                c.push(s);
                end = end.max(s1);
            }
            _ => {
                out.push(vec![s]);
                end = s1;
            }
        }
    }
    out
}

/// Turns one cluster into candidates (see the module docs, steps 3–4).
#[allow(clippy::too_many_arguments)]
fn resolve(
    c: Vec<Seed>,
    gap: u32,
    a: &ContentSide<'_>,
    b: &ContentSide<'_>,
    verbatim: &[Match],
    p: &ReworkParams,
    scorer: &mut Scorer,
    out: &mut Vec<Candidate>,
) {
    let n_verbatim = c.iter().filter(|s| s.kind == VERBATIM).count();
    let n_window = c.iter().filter(|s| s.kind == WINDOW).count();
    let n_anchor = c.iter().filter(|s| s.kind == ANCHOR).count();
    let verbatim_only = |out: &mut Vec<Candidate>| {
        out.extend(
            c.iter()
                .filter(|s| s.kind == VERBATIM)
                .map(|s| verbatim_candidate(&verbatim[s.id as usize])),
        );
    };
    if n_window == 0 && n_anchor < p.min_anchors {
        verbatim_only(out);
        return;
    }
    let a0 = c.iter().map(|s| s.a0).min().expect("non-empty");
    let a1 = c.iter().map(|s| s.a1).max().expect("non-empty");
    let b0 = c.iter().map(|s| s.b0).min().expect("non-empty");
    let b1 = c.iter().map(|s| s.b1).max().expect("non-empty");
    let t = scorer.trim(a, b, a0..a1, b0..b1);
    let ok = t.dice >= f64::from(p.min_similarity)
        && (n_verbatim > 0 || strong_enough(&t, p))
        && (t.dice >= f64::from(p.strong_similarity) || order(a, b, &t) >= f64::from(p.min_order));
    if ok {
        // One verbatim seed that covers almost all of the passage: report it
        // as it is. Several verbatim pieces (reordered, or with reworded text
        // between them) are one mixed passage.
        let cov_a: u32 = c
            .iter()
            .filter(|s| s.kind == VERBATIM)
            .map(|s| s.a1.min(t.a.end).saturating_sub(s.a0.max(t.a.start)))
            .sum();
        let cov_b: u32 = c
            .iter()
            .filter(|s| s.kind == VERBATIM)
            .map(|s| s.b1.min(t.b.end).saturating_sub(s.b0.max(t.b.start)))
            .sum();
        let len_a = t.a.end - t.a.start;
        let len_b = t.b.end - t.b.start;
        if n_verbatim == 1 && 10 * cov_a >= 9 * len_a && 10 * cov_b >= 9 * len_b {
            verbatim_only(out);
            return;
        }
        let mut ta = a.token_range(t.a.clone());
        let mut tb = b.token_range(t.b.clone());
        // Verbatim seeds inside keep their exact ends (they may start or
        // end with stop words).
        for s in c.iter().filter(|s| s.kind == VERBATIM) {
            let m = &verbatim[s.id as usize];
            if s.a1 > t.a.start && s.a0 < t.a.end && s.b1 > t.b.start && s.b0 < t.b.end {
                ta = ta.start.min(m.a.start)..ta.end.max(m.a.end);
                tb = tb.start.min(m.b.start)..tb.end.max(m.b.end);
            }
        }
        out.push(Candidate {
            a: ta,
            b: tb,
            kind: if n_verbatim > 0 {
                Kind::Mixed
            } else {
                Kind::Reworded
            },
            score: round4(t.dice),
            matched: t.matched,
            strength: t.matched_weight,
        });
        return;
    }
    let half = gap / 2;
    if half >= p.min_gap as u32 && c.len() > 1 {
        for sub in cluster(c, half) {
            resolve(sub, half, a, b, verbatim, p, scorer, out);
        }
    } else {
        verbatim_only(out);
    }
}

/// Share of the matched content tokens found in the same order on both
/// sides (0 when the rectangle is too large to measure).
fn order(a: &ContentSide<'_>, b: &ContentSide<'_>, t: &Trimmed) -> f64 {
    let x = &a.stem[t.a.start as usize..t.a.end as usize];
    let y = &b.stem[t.b.start as usize..t.b.end as usize];
    if t.matched == 0 {
        return 0.0;
    }
    // Only tokens whose stem the other side holds can be in order.
    let mut sx: Vec<u32> = x.to_vec();
    sx.sort_unstable();
    sx.dedup();
    let mut sy: Vec<u32> = y.to_vec();
    sy.sort_unstable();
    sy.dedup();
    let x: Vec<u32> = x
        .iter()
        .copied()
        .filter(|s| sy.binary_search(s).is_ok())
        .collect();
    let y: Vec<u32> = y
        .iter()
        .copied()
        .filter(|s| sx.binary_search(s).is_ok())
        .collect();
    if x.len() * y.len() > MAX_ORDER_CELLS {
        return 0.0;
    }
    f64::from(super::align::lcs_len(&x, &y)) / f64::from(t.matched)
}

/// Rounds a score to 4 decimals (stable text and JSON).
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Largest rectangle (content tokens × content tokens) whose order is measured.
const MAX_ORDER_CELLS: usize = 1 << 21;

/// The place to weigh a reworded passage's evidence: today its size.
fn strong_enough(t: &Trimmed, p: &ReworkParams) -> bool {
    t.matched as usize >= p.min_matched && t.matched_weight >= f64::from(p.min_matched_weight)
}

/// A rectangle trimmed to the content both sides hold, and its score.
struct Trimmed {
    a: Range<u32>,
    b: Range<u32>,
    /// Weighted Dice coefficient of the two stem multisets.
    dice: f64,
    /// Matched weight `Σ w · min(count_a, count_b)`.
    matched_weight: f64,
    /// Matched content tokens `Σ min(count_a, count_b)`.
    matched: u32,
}

/// Stem counts of the two sides of a rectangle, reused across clusters:
/// `(stem, count in a, count in b, weight)`, sorted by stem (sums run in
/// that order, so scores do not depend on hashing).
#[derive(Default)]
struct Scorer {
    count: Vec<(u32, u32, u32, f32)>,
}

impl Scorer {
    fn at(&mut self, stem: u32) -> &mut (u32, u32, u32, f32) {
        let i = self.count.partition_point(|c| c.0 < stem);
        &mut self.count[i]
    }

    fn trim(
        &mut self,
        a: &ContentSide<'_>,
        b: &ContentSide<'_>,
        mut ra: Range<u32>,
        mut rb: Range<u32>,
    ) -> Trimmed {
        self.count.clear();
        self.count.extend(
            ra.clone()
                .map(|i| (a.stem[i as usize], 1, 0, a.weight[i as usize])),
        );
        self.count.extend(
            rb.clone()
                .map(|j| (b.stem[j as usize], 0, 1, b.weight[j as usize])),
        );
        self.count
            .sort_unstable_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
        self.count.dedup_by(|x, y| {
            if x.0 == y.0 {
                y.1 += x.1;
                y.2 += x.2;
                true
            } else {
                false
            }
        });
        // Trim while an end token's stem is more frequent on its side.
        loop {
            let mut changed = false;
            while !ra.is_empty() {
                let c = self.at(a.stem[ra.start as usize]);
                if c.1 <= c.2 {
                    break;
                }
                c.1 -= 1;
                ra.start += 1;
                changed = true;
            }
            while !ra.is_empty() {
                let c = self.at(a.stem[ra.end as usize - 1]);
                if c.1 <= c.2 {
                    break;
                }
                c.1 -= 1;
                ra.end -= 1;
                changed = true;
            }
            while !rb.is_empty() {
                let c = self.at(b.stem[rb.start as usize]);
                if c.2 <= c.1 {
                    break;
                }
                c.2 -= 1;
                rb.start += 1;
                changed = true;
            }
            while !rb.is_empty() {
                let c = self.at(b.stem[rb.end as usize - 1]);
                if c.2 <= c.1 {
                    break;
                }
                c.2 -= 1;
                rb.end -= 1;
                changed = true;
            }
            if !changed {
                break;
            }
        }
        let (mut wa, mut wb, mut wm, mut m) = (0f64, 0f64, 0f64, 0u32);
        for &(_, ca, cb, w) in &self.count {
            let w = f64::from(w);
            wa += w * f64::from(ca);
            wb += w * f64::from(cb);
            wm += w * f64::from(ca.min(cb));
            m += ca.min(cb);
        }
        let dice = if wa + wb > 0.0 {
            2.0 * wm / (wa + wb)
        } else {
            0.0
        };
        Trimmed {
            a: ra,
            b: rb,
            dice,
            matched_weight: wm,
            matched: m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of content tokens only (token index = content index),
    /// every stem weighing 3.
    struct Doc {
        pos: Vec<u32>,
        stem: Vec<u32>,
        weight: Vec<f32>,
    }

    impl Doc {
        fn new(stem: Vec<u32>) -> Doc {
            Doc {
                pos: (0..stem.len() as u32).collect(),
                weight: vec![3.0; stem.len()],
                stem,
            }
        }
        fn side(&self) -> ContentSide<'_> {
            ContentSide {
                pos: &self.pos,
                stem: &self.stem,
                weight: &self.weight,
                occ: &[],
            }
        }
    }

    /// `n` stems of their own, starting at `base`.
    fn filler(base: u32, n: u32) -> Vec<u32> {
        (base..base + n).collect()
    }

    fn run(a: &[u32], b: &[u32]) -> Vec<Aligned> {
        let (a, b) = (Doc::new(a.to_vec()), Doc::new(b.to_vec()));
        passages(&a.side(), &b.side(), &[], &ReworkParams::default())
    }

    #[test]
    fn phrase_shuffled_copy_is_one_passage() {
        let copied: Vec<u32> = (100..160).collect();
        let mut b = filler(5000, 50);
        b.extend(&copied);
        b.extend(filler(6000, 50));
        let mut a = filler(1000, 80);
        for k in [3, 0, 5, 1, 4, 2] {
            a.extend(&copied[k * 10..k * 10 + 10]);
        }
        a.extend(filler(2000, 40));
        let got = run(&a, &b);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].a.clone(), got[0].b.clone()), (80..140, 50..110));
        assert_eq!(got[0].kind, Kind::Reworded);
        assert!(got[0].score > 0.99);
    }

    #[test]
    fn word_shuffled_paragraph_is_found() {
        let copied: Vec<u32> = (100..140).collect();
        let mut b = filler(5000, 30);
        b.extend(&copied);
        b.extend(filler(6000, 30));
        let mut a = filler(1000, 60);
        // A permutation of every word of the paragraph.
        a.extend((0..40).map(|i| copied[(i * 17 + 5) % 40]));
        a.extend(filler(2000, 60));
        let got = run(&a, &b);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].a.clone(), got[0].b.clone()), (60..100, 30..70));
        assert_eq!(got[0].kind, Kind::Reworded);
    }

    #[test]
    fn substituted_words_in_order_are_one_passage() {
        // Every third word replaced: the rest keeps its order.
        let copied: Vec<u32> = (100..160).collect();
        let mut b = filler(5000, 40);
        b.extend(&copied);
        b.extend(filler(6000, 40));
        let mut a = filler(1000, 40);
        a.extend(
            copied
                .iter()
                .enumerate()
                .map(|(i, &s)| if i % 3 == 1 { 9000 + i as u32 } else { s }),
        );
        a.extend(filler(2000, 40));
        let got = run(&a, &b);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].a.clone(), got[0].b.clone()), (40..100, 40..100));
    }

    #[test]
    fn scattered_shared_words_are_no_passage() {
        // The same topic words, spread over both documents in other orders.
        let topic: Vec<u32> = (100..130).collect();
        let mut a = filler(1000, 600);
        let mut b = filler(5000, 600);
        for (k, &s) in topic.iter().enumerate() {
            a[k * 20] = s;
            b[(k * 37 + 11) % 600] = s;
        }
        assert!(run(&a, &b).is_empty());
    }

    #[test]
    fn verbatim_alone_passes_through() {
        let mut a = filler(1000, 30);
        a.extend(100..120);
        a.extend(filler(2000, 30));
        let mut b = filler(5000, 10);
        b.extend(100..120);
        b.extend(filler(6000, 10));
        let (da, db) = (Doc::new(a), Doc::new(b));
        let m = Match {
            a: 30..50,
            b: 10..30,
            matched_tokens: 20,
            score: 1.0,
        };
        let got = passages(&da.side(), &db.side(), &[m], &ReworkParams::default());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, Kind::Verbatim);
        assert_eq!((got[0].a.clone(), got[0].b.clone()), (30..50, 10..30));
    }

    #[test]
    fn verbatim_pieces_of_a_reordered_text_are_one_mixed_passage() {
        let copied: Vec<u32> = (100..160).collect();
        let mut b = filler(5000, 20);
        b.extend(&copied);
        b.extend(filler(6000, 20));
        let mut a = filler(1000, 20);
        a.extend(&copied[30..60]);
        a.extend(&copied[0..30]);
        a.extend(filler(2000, 20));
        let (da, db) = (Doc::new(a), Doc::new(b));
        let ms = [
            Match {
                a: 20..50,
                b: 50..80,
                matched_tokens: 30,
                score: 1.0,
            },
            Match {
                a: 50..80,
                b: 20..50,
                matched_tokens: 30,
                score: 1.0,
            },
        ];
        let got = passages(&da.side(), &db.side(), &ms, &ReworkParams::default());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].kind, Kind::Mixed);
        assert_eq!((got[0].a.clone(), got[0].b.clone()), (20..80, 20..80));
    }

    #[test]
    fn a_text_reused_twice_is_two_passages() {
        let copied: Vec<u32> = (100..140).collect();
        let mut b = filler(5000, 30);
        b.extend(&copied);
        b.extend(filler(6000, 30));
        let mut a = filler(1000, 30);
        a.extend(copied.iter().rev());
        a.extend(filler(2000, 30));
        a.extend((0..40).map(|i| copied[(i * 7 + 3) % 40]));
        a.extend(filler(3000, 30));
        let got = run(&a, &b);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].a, 30..70);
        assert_eq!(got[1].a, 100..140);
        assert!(got.iter().all(|g| g.b == (30..70)));
    }

    #[test]
    fn windows_cover_the_sequence() {
        assert!(windows(0, 12).is_empty());
        assert_eq!(windows(5, 12).len(), 1);
        assert_eq!(windows(5, 12)[0], 0..5);
        assert_eq!(windows(20, 12), vec![0..12, 6..18, 8..20]);
        assert_eq!(windows(30, 12), vec![0..12, 6..18, 12..24, 18..30]);
    }
}
