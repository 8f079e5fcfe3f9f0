//! Candidate window pairs and their scores; merging window pairs into links.

use rayon::prelude::*;

use super::model::{Model, Window};
use super::read::{TIMINGS, note};
use super::{Link, NarrativeParams};
use crate::cluster::UnionFind;
use crate::span::Span;

/// The windows' prefixes (their heaviest anchor terms, as ranks: terms
/// ranked by the number of prefixes they are in, rarest first) and the
/// postings of each rank, in window order ([`Model::key_index`]).
struct KeyIndex {
    /// Window `w`'s prefix is `prefix[prefix_at[w]..prefix_at[w + 1]]`, sorted.
    prefix_at: Vec<u32>,
    prefix: Vec<u32>,
    /// Rank `r`'s windows are `postings[post_at[r]..post_at[r + 1]]`.
    post_at: Vec<u32>,
    postings: Vec<u32>,
}

impl KeyIndex {
    fn prefix_of(&self, w: u32) -> &[u32] {
        &self.prefix[self.prefix_at[w as usize] as usize..self.prefix_at[w as usize + 1] as usize]
    }

    fn posting(&self, r: u32) -> &[u32] {
        &self.postings[self.post_at[r as usize] as usize..self.post_at[r as usize + 1] as usize]
    }
}

impl Model<'_> {
    /// The prefixes of every window (its `prefix_terms` heaviest anchors)
    /// as ranks, terms in more than `max_postings` prefixes dropped, and the
    /// postings of each rank.
    fn key_index(&self, params: &NarrativeParams) -> KeyIndex {
        let windows = &self.windows;
        // Prefixes, sorted by term, in one arena.
        let keep = params.prefix_terms.max(1);
        let mut prefix_at: Vec<u32> = Vec::with_capacity(windows.len() + 1);
        let mut prefix: Vec<u32> = Vec::new();
        prefix_at.push(0);
        let anchor_bar = self.anchor_bar(params);
        for chunk in windows.chunks(1 << 16) {
            // Pieces of windows, each prefix laid out flat with its end.
            let parts: Vec<(Vec<u32>, Vec<u32>)> = chunk
                .par_chunks(1 << 10)
                .map(|piece| {
                    let mut flat: Vec<u32> = Vec::new();
                    let mut ends: Vec<u32> = Vec::with_capacity(piece.len());
                    let mut terms: Vec<(u32, f32)> = Vec::new();
                    for w in piece {
                        terms.clear();
                        // An entry weighs at least its term (`1 + ln tf >= 1`):
                        // a lighter entry is no anchor, without a look at
                        // the term's weight.
                        terms.extend(self.vec(w).iter().copied().filter(|&(t, wt)| {
                            wt >= anchor_bar && self.is_anchor_at(t, anchor_bar)
                        }));
                        terms.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                        terms.truncate(keep);
                        let from = flat.len();
                        flat.extend(terms.iter().map(|&(t, _)| t));
                        flat[from..].sort_unstable();
                        ends.push(flat.len() as u32);
                    }
                    (flat, ends)
                })
                .collect();
            for (flat, ends) in parts {
                let at = prefix.len() as u32;
                prefix.extend(flat);
                prefix_at.extend(ends.into_iter().map(|e| at + e));
            }
        }
        // Terms are ranked by the number of prefixes they are in, rarest
        // first; prefixes hold ranks from here on. Terms in too many
        // prefixes are dropped.
        let n_terms = self.weights.len();
        let mut count = vec![0u32; n_terms];
        for &t in &prefix {
            count[t as usize] += 1;
        }
        let too_common = |c: u32| c as usize > params.max_postings;
        let mut ranked: Vec<u32> = (0..n_terms as u32)
            .filter(|&t| count[t as usize] > 0 && !too_common(count[t as usize]))
            .collect();
        ranked.sort_unstable_by_key(|&t| (count[t as usize], t));
        let mut rank = vec![u32::MAX; n_terms];
        for (r, &t) in ranked.iter().enumerate() {
            rank[t as usize] = r as u32;
        }
        {
            let mut kept = 0usize;
            for w in 0..windows.len() {
                let (s, e) = (prefix_at[w] as usize, prefix_at[w + 1] as usize);
                prefix_at[w] = kept as u32;
                for i in s..e {
                    let r = rank[prefix[i] as usize];
                    if r != u32::MAX {
                        prefix[kept] = r;
                        kept += 1;
                    }
                }
                prefix[prefix_at[w] as usize..kept].sort_unstable();
            }
            prefix_at[windows.len()] = kept as u32;
            prefix.truncate(kept);
            prefix.shrink_to_fit();
        }
        drop(rank);
        // Postings: the windows of each rank, in window order.
        let n_ranks = ranked.len();
        let mut post_at = vec![0u32; n_ranks + 1];
        for (r, &t) in ranked.iter().enumerate() {
            post_at[r + 1] = post_at[r] + count[t as usize];
        }
        drop(count);
        drop(ranked);
        let mut postings = vec![0u32; post_at[n_ranks] as usize];
        {
            let mut fill = post_at.clone();
            for w in 0..windows.len() {
                for &r in &prefix[prefix_at[w] as usize..prefix_at[w + 1] as usize] {
                    postings[fill[r as usize] as usize] = w as u32;
                    fill[r as usize] += 1;
                }
            }
        }
        KeyIndex {
            prefix_at,
            prefix,
            post_at,
            postings,
        }
    }
}

impl Model<'_> {
    /// Every candidate window pair scored: those with the evidence a link
    /// needs and a score at least `bar`, sorted by window pair (module docs,
    /// step 4).
    ///
    /// Stems are ranked by the number of prefixes they are in, rarest first.
    /// Keys (pairs of prefix stems; with `min_terms` below 2, single stems)
    /// are walked one first stem at a time in parallel; a window pair is
    /// scored only under its smallest shared key, so it is scored once
    /// without a global set of pairs. A pair whose smallest key is skipped
    /// (too common, or less frequent than chance) is not a candidate: even
    /// its rarest shared stems are no evidence.
    pub(super) fn scored_pairs(
        &self,
        params: &NarrativeParams,
        bar: f32,
        covered: Option<&Covered>,
    ) -> Vec<RawLink> {
        let t0 = std::time::Instant::now();
        let windows = &self.windows;
        let index = self.key_index(params);
        let n_ranks = index.post_at.len() - 1;
        let prefix_of = |w: u32| index.prefix_of(w);
        let posting = |r: u32| index.posting(r);
        let pairs = params.min_terms >= 2;
        let key_cap = params.max_key_postings.max(2);
        let lift = f64::from(params.min_key_lift.max(0.0));
        let n_windows = windows.len() as f64;
        // The distinctive terms, as bits, for the score bound.
        let mut distinctive = vec![0u64; self.weights.len().div_ceil(64)];
        for t in 0..self.weights.len() {
            if self.is_distinctive(t as u32, params) {
                distinctive[t / 64] |= 1 << (t % 64);
            }
        }
        let bound = Bound {
            vecs: &self.vecs,
            distinctive: &distinctive,
            bar,
            min_terms: params.min_terms,
            exact: params.derived_match > 1.0,
        };
        note("index", t0);
        // Walk the keys by first term.
        let stats = [(); 4].map(|_| std::sync::atomic::AtomicU64::new(0));
        let hist = [(); 5].map(|_| std::sync::atomic::AtomicU64::new(0));
        // Each worker keeps its buffers (and its links) from one first
        // rank to the next.
        let parts: Vec<Vec<RawLink>> = (0..n_ranks as u32)
            .into_par_iter()
            .filter(|&a| posting(a).len() >= 2)
            .fold(Scratch::default, |mut s, a| {
                let Scratch {
                    out,
                    entries,
                    flat,
                    lows,
                } = &mut s;
                let found = out.len();
                // (second term, window) as `b << 32 | w`, sorted: the key
                // runs.
                entries.clear();
                if pairs {
                    for &w in posting(a) {
                        let p = prefix_of(w);
                        let above = p.partition_point(|&b| b <= a);
                        entries.extend(
                            p[above..]
                                .iter()
                                .map(|&b| u64::from(b) << 32 | u64::from(w)),
                        );
                    }
                    entries.sort_unstable();
                } else {
                    entries.extend(
                        posting(a)
                            .iter()
                            .map(|&w| u64::from(a) << 32 | u64::from(w)),
                    );
                }
                let mut local = [entries.len() as u64, 0, 0, 0];
                for run in entries.chunk_by(|x, y| x >> 32 == y >> 32) {
                    let b = (run[0] >> 32) as u32;
                    if run.len() < 2 || run.len() > key_cap {
                        continue;
                    }
                    // A key no more frequent than its two terms meeting by
                    // chance is no evidence.
                    if pairs
                        && (run.len() as f64) * n_windows
                            < lift * posting(a).len() as f64 * posting(b).len() as f64
                    {
                        continue;
                    }
                    local[1] += (run.len() * (run.len() - 1) / 2) as u64;
                    if *TIMINGS {
                        let l = run.len();
                        let bucket = [5, 10, 20, 50].iter().take_while(|&&c| l > c).count();
                        hist[bucket].fetch_add(
                            (l * (l - 1) / 2) as u64,
                            std::sync::atomic::Ordering::Relaxed,
                        );
                    }
                    // The run laid out flat: each window's document, and
                    // the ranks of its prefix below `b` other than `a` (with
                    // a 64-bit filter of them). The pair's smallest key is
                    // `(a, b)` exactly when those ranks of the two windows
                    // are disjoint.
                    let key_b = if pairs { b } else { a };
                    flat.clear();
                    lows.clear();
                    for &e in run {
                        let w = e as u32;
                        let from = lows.len() as u32;
                        let mut mask = 0u64;
                        for &r in prefix_of(w).iter().take_while(|&&r| r < key_b) {
                            if r != a {
                                lows.push(r);
                                mask |= rank_bit(r);
                            }
                        }
                        flat.push(RunEntry {
                            window: w,
                            slim: Slim::of(&windows[w as usize]),
                            mask,
                            low: [from, lows.len() as u32],
                        });
                    }
                    for (x, ex) in flat.iter().enumerate() {
                        let low_x = &lows[ex.low[0] as usize..ex.low[1] as usize];
                        for ey in &flat[x + 1..] {
                            if ex.slim.doc == ey.slim.doc {
                                continue;
                            }
                            // Score the pair under its smallest key only.
                            if ex.mask & ey.mask != 0
                                && shares_any(low_x, &lows[ey.low[0] as usize..ey.low[1] as usize])
                            {
                                continue;
                            }
                            debug_assert_eq!(
                                smallest_key(prefix_of(ex.window), prefix_of(ey.window), pairs),
                                Some((a, b))
                            );
                            local[2] += 1;
                            if !bound.may_pass(&ex.slim, &ey.slim) {
                                continue;
                            }
                            if let Some(r) =
                                self.raw_link(ex.window, ey.window, params, bar, covered)
                            {
                                out.push(r);
                            }
                        }
                    }
                }
                local[3] = (out.len() - found) as u64;
                for (s, l) in stats.iter().zip(local) {
                    s.fetch_add(l, std::sync::atomic::Ordering::Relaxed);
                }
                s
            })
            .map(|s| s.out)
            .collect();
        let mut raw: Vec<RawLink> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            raw.extend(part);
        }
        raw.par_sort_unstable_by_key(|r| (r.wa, r.wb));
        note("candidates", t0);
        if *TIMINGS {
            let [e, p, c, l] = stats.map(|s| s.into_inner());
            eprintln!(
                "athar: narratives {} windows, {} prefix terms, {} key postings, {} pairs in \
                 key runs, {} candidates scored, {} kept",
                windows.len(),
                index.prefix.len(),
                e,
                p,
                c,
                l,
            );
            eprintln!(
                "athar: narratives pairs in runs of <=5, <=10, <=20, <=50, more: {:?}",
                hist.map(|h| h.into_inner())
            );
        }
        raw
    }

    /// The pair of windows `i < j` as a raw link, when it has the evidence a
    /// link needs and scores at least `bar`. The caller has checked
    /// [`Bound::may_pass`].
    pub(super) fn raw_link(
        &self,
        i: u32,
        j: u32,
        params: &NarrativeParams,
        bar: f32,
        covered: Option<&Covered>,
    ) -> Option<RawLink> {
        let (a, b) = (&self.windows[i as usize], &self.windows[j as usize]);
        if covered.is_some_and(|c| c.covers(a, b)) {
            return None;
        }
        let (score, shared) = self.score(a, b, params);
        if score < bar || shared.len() < params.min_terms {
            return None;
        }
        let anchors = self.anchor_evidence(a, b, &shared, params)?;
        Some(RawLink {
            wa: i,
            wb: j,
            score,
            shared: anchors.into_boxed_slice(),
        })
    }

    /// Exact score of a window pair: cosine and the shared distinctive terms
    /// with their contribution, heaviest first.
    pub(super) fn score(
        &self,
        a: &Window,
        b: &Window,
        params: &NarrativeParams,
    ) -> (f32, Vec<(u32, f32)>) {
        let (va, vb) = (self.vec(a), self.vec(b));
        let (mut i, mut j) = (0, 0);
        let mut dot = 0.0f32;
        let mut shared = Vec::new();
        while i < va.len() && j < vb.len() {
            let (ta, wa) = va[i];
            let (tb, wb) = vb[j];
            match ta.cmp(&tb) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let f = if self.fine_agree(a, b, ta) {
                        1.0
                    } else {
                        params.derived_match
                    };
                    dot += f * wa * wb;
                    if self.is_distinctive(ta, params) {
                        shared.push((ta, f * wa * wb));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        let denom = a.norm * b.norm;
        let cos = if denom > 0.0 { dot / denom } else { 0.0 };
        shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        (cos, shared)
    }
}

/// What the key runs read of a window: its document, its vector's range
/// in [`Model::vecs`] and its norm.
#[derive(Clone, Copy)]
struct Slim {
    doc: u32,
    vec: [u32; 2],
    norm: f32,
}

impl Slim {
    fn of(w: &Window) -> Slim {
        Slim {
            doc: w.doc,
            vec: w.vec,
            norm: w.norm,
        }
    }
}

/// The quick bound of a window pair's score ([`Bound::may_pass`]).
struct Bound<'m> {
    vecs: &'m [(u32, f32)],
    /// Distinctive terms, as bits.
    distinctive: &'m [u64],
    bar: f32,
    min_terms: usize,
    /// No bound: a derivation may count more than a full match.
    exact: bool,
}

impl Bound<'_> {
    /// False when the pair cannot score `bar` (every shared term counted as
    /// a full match) or shares too few distinctive terms. Exact:
    /// [`Model::score`] adds the same products in the same order, some of
    /// them scaled down.
    fn may_pass(&self, a: &Slim, b: &Slim) -> bool {
        if self.exact {
            return true;
        }
        let va = &self.vecs[a.vec[0] as usize..a.vec[1] as usize];
        let vb = &self.vecs[b.vec[0] as usize..b.vec[1] as usize];
        let (mut i, mut j) = (0, 0);
        let mut dot = 0.0f32;
        let mut shared = 0usize;
        while i < va.len() && j < vb.len() {
            let (ta, wa) = va[i];
            let (tb, wb) = vb[j];
            match ta.cmp(&tb) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += wa * wb;
                    let bit = self.distinctive[ta as usize / 64] >> (ta % 64) & 1;
                    shared += bit as usize;
                    i += 1;
                    j += 1;
                }
            }
        }
        let denom = a.norm * b.norm;
        let cos = if denom > 0.0 { dot / denom } else { 0.0 };
        cos >= self.bar && shared >= self.min_terms
    }
}

/// A worker's buffers in [`Model::scored_pairs`], kept from one first rank
/// to the next, and the links it found.
#[derive(Default)]
struct Scratch {
    out: Vec<RawLink>,
    entries: Vec<u64>,
    flat: Vec<RunEntry>,
    lows: Vec<u32>,
}

/// One window of a key run ([`Model::scored_pairs`]).
struct RunEntry {
    window: u32,
    slim: Slim,
    /// [`rank_bit`] of each rank in `low`.
    mask: u64,
    /// Range of its prefix ranks that come before the run's key (the run's
    /// first rank left out) in the run's rank buffer.
    low: [u32; 2],
}

/// One of 64 bits for a rank: two sets of ranks whose bits do not meet
/// share no rank.
fn rank_bit(r: u32) -> u64 {
    1u64 << (r.wrapping_mul(0x9E37_79B9) >> 26)
}

/// True when two sorted slices share an element.
fn shares_any(x: &[u32], y: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// The smallest key two windows share: their first two common terms (ranks,
/// sorted), or with `pairs == false` their first common term twice.
pub(super) fn smallest_key(x: &[u32], y: &[u32], pairs: bool) -> Option<(u32, u32)> {
    let (mut i, mut j) = (0, 0);
    let mut first: Option<u32> = None;
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                match first {
                    None if !pairs => return Some((x[i], x[i])),
                    None => first = Some(x[i]),
                    Some(a) => return Some((a, x[i])),
                }
                i += 1;
                j += 1;
            }
        }
    }
    None
}

/// Verbatim passage pairs by document pair: window pairs inside them are
/// not scored (copies are not narratives, and scoring them is most of the
/// work on a corpus of republished news).
pub(super) struct Covered {
    by_pair: ahash::AHashMap<(u32, u32), Vec<[u32; 4]>>,
}

impl Covered {
    pub(super) fn new(verbatim: &[Link]) -> Covered {
        let mut by_pair: ahash::AHashMap<(u32, u32), Vec<[u32; 4]>> = ahash::AHashMap::new();
        for v in verbatim {
            let (x, y) = if v.a.0 <= v.b.0 {
                (v.a, v.b)
            } else {
                (v.b, v.a)
            };
            let s = |sp: Span| [sp.start() as u32, sp.end() as u32];
            let (sx, sy) = (s(x.1), s(y.1));
            by_pair
                .entry((x.0 as u32, y.0 as u32))
                .or_default()
                .push([sx[0], sx[1], sy[0], sy[1]]);
        }
        Covered { by_pair }
    }

    /// True when a verbatim passage pair overlaps both windows.
    fn covers(&self, a: &Window, b: &Window) -> bool {
        let ((x, sx), (y, sy)) = if a.doc <= b.doc {
            ((a.doc, a.span), (b.doc, b.span))
        } else {
            ((b.doc, b.span), (a.doc, a.span))
        };
        let over = |s: [u32; 2], lo: u32, hi: u32| s[0] < hi && lo < s[1];
        self.by_pair.get(&(x, y)).is_some_and(|vs| {
            vs.iter()
                .any(|v| over(sx, v[0], v[1]) && over(sy, v[2], v[3]))
        })
    }
}

/// A raw window-pair link before merging.
pub(super) struct RawLink {
    pub(super) wa: u32,
    pub(super) wb: u32,
    pub(super) score: f32,
    pub(super) shared: Box<[(u32, f32)]>,
}

/// Merge raw links whose windows are the same or consecutive in both
/// documents, and turn them into [`Link`]s.
pub(super) fn merge_links(
    model: &Model,
    mut raw: Vec<RawLink>,
    params: &NarrativeParams,
) -> Vec<Link> {
    let w = &model.windows;
    // Group by document pair, then by window order.
    raw.par_sort_by_key(|r| {
        (
            w[r.wa as usize].doc,
            w[r.wb as usize].doc,
            w[r.wa as usize].ord,
            w[r.wb as usize].ord,
        )
    });
    let mut uf = UnionFind::new(raw.len());
    let mut g0 = 0;
    while g0 < raw.len() {
        let key = |r: &RawLink| (w[r.wa as usize].doc, w[r.wb as usize].doc);
        let mut g1 = g0;
        while g1 < raw.len() && key(&raw[g1]) == key(&raw[g0]) {
            g1 += 1;
        }
        for x in g0..g1 {
            let (ax, bx) = (w[raw[x].wa as usize].ord, w[raw[x].wb as usize].ord);
            for y in x + 1..g1 {
                let (ay, by) = (w[raw[y].wa as usize].ord, w[raw[y].wb as usize].ord);
                if ay > ax + 1 {
                    break;
                }
                if by.abs_diff(bx) <= 1 {
                    uf.union(x as u32, y as u32);
                }
            }
        }
        g0 = g1;
    }
    let mut links: Vec<Link> = uf
        .groups(1)
        .into_par_iter()
        .map(|members| {
            let first = &raw[members[0] as usize];
            let da = w[first.wa as usize].doc as usize;
            let db = w[first.wb as usize].doc as usize;
            let mut sa: Option<Span> = None;
            let mut sb: Option<Span> = None;
            let (mut alo, mut ahi, mut blo, mut bhi) = (u32::MAX, 0, u32::MAX, 0);
            let (mut ta, mut tb) = ([u32::MAX, 0], [u32::MAX, 0]);
            let mut score = 0.0f32;
            let mut contrib: Vec<(u32, f32)> = Vec::new();
            for &m in &members {
                let r = &raw[m as usize];
                let (wa, wb) = (&w[r.wa as usize], &w[r.wb as usize]);
                sa = Some(sa.map_or(wa.span(), |s| s.cover(wa.span())));
                sb = Some(sb.map_or(wb.span(), |s| s.cover(wb.span())));
                alo = alo.min(wa.lo);
                ahi = ahi.max(wa.hi);
                blo = blo.min(wb.lo);
                bhi = bhi.max(wb.hi);
                ta = [ta[0].min(wa.toks[0]), ta[1].max(wa.toks[1])];
                tb = [tb[0].min(wb.toks[0]), tb[1].max(wb.toks[1])];
                score = score.max(r.score);
                contrib.extend_from_slice(&r.shared);
            }
            // The best contribution of each term.
            contrib.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
            contrib.dedup_by_key(|x| x.0);
            contrib.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            contrib.truncate(params.max_key_terms);
            let terms = contrib
                .iter()
                .map(|&(t, _)| model.spelling(da, alo, ahi, t))
                .collect();
            let terms_b = contrib
                .iter()
                .map(|&(t, _)| model.spelling(db, blo, bhi, t))
                .collect();
            Link {
                a: (da, sa.unwrap_or_default()),
                b: (db, sb.unwrap_or_default()),
                tokens_a: ta[1].saturating_sub(ta[0]) as usize,
                tokens_b: tb[1].saturating_sub(tb[0]) as usize,
                score,
                terms,
                terms_b,
            }
        })
        .collect();
    links.par_sort_by(|x, y| {
        (x.a.0, x.b.0, x.a.1, x.b.1)
            .cmp(&(y.a.0, y.b.0, y.a.1, y.b.1))
            .then(y.score.total_cmp(&x.score))
    });
    links
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_key_is_the_first_two_common_terms() {
        assert_eq!(
            smallest_key(&[1, 3, 5, 7], &[2, 3, 4, 7, 9], true),
            Some((3, 7))
        );
        assert_eq!(
            smallest_key(&[1, 3, 5, 7], &[2, 3, 4, 7, 9], false),
            Some((3, 3))
        );
        assert_eq!(smallest_key(&[1, 3], &[3, 4], true), None);
        assert_eq!(smallest_key(&[], &[3, 4], false), None);
    }
}
