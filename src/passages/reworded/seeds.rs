//! Step 1, seeds: verbatim matches, window pairs of similar stem vectors,
//! anchor pairs of rare stems.

use std::ops::Range;

use super::{ANCHOR, ContentSide, Indexed, ReworkParams, Seed, WINDOW};

/// Where each stem occurs in one document: `(stem, content position)` sorted.
pub(super) struct StemIndex<'a> {
    occ: std::borrow::Cow<'a, [(u32, u32)]>,
}

impl<'a> StemIndex<'a> {
    pub(super) fn new(side: &ContentSide<'a>) -> StemIndex<'a> {
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
pub(super) fn windows(n: usize, w: usize) -> Vec<Range<u32>> {
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
pub(super) fn vector(
    side: &ContentSide<'_>,
    r: &Range<u32>,
    out: &mut Vec<(u32, f32, u32)>,
) -> f32 {
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
pub(super) fn window_seeds(
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
pub(super) fn anchor_seeds(
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
