//! Verbatim passages: seed-and-extend over shared shingles, and repeats inside a document.
//!
//! Everything here works on token-hash sequences (one `u64` per normalized
//! token, from [`crate::sketch::shingle::token_hashes`]) and returns token-index
//! ranges; [`token_range_to_span`] maps a range back to the original text.
//!
//! # Algorithm
//!
//! 1. **Seeds.** The word `k`-shingles of both sequences (computed with
//!    [`crate::sketch::shingle::shingles`], so they agree with the hashing core) are
//!    sorted by hash and merge-joined. Every shared shingle gives a seed
//!    `(i, j)`: tokens `a[i..i+k]` equal `b[j..j+k]` (checked token by token,
//!    so a hash collision never seeds). A shingle the caller marks as
//!    boilerplate does not seed, and a shingle occurring more than
//!    [`AlignParams::max_occurrences`] times in either sequence does not seed
//!    either: that keeps repeated text from producing a quadratic number of
//!    seeds (its tokens are still covered by extension from its neighbours).
//! 2. **Exact blocks.** Seeds on one diagonal `j - i` are merged and extended
//!    token by token to maximal exact matches, so a passage at the very start
//!    or end of a document is found completely, not only up to the last
//!    whole shingle.
//! 3. **Chaining.** Blocks are chained by dynamic programming (sorted by their
//!    start in `a`, each block looks back at the blocks that can precede it).
//!    Two blocks chain when they are in the same order in both sequences and
//!    the gap between them is at most [`AlignParams::max_gap`] tokens on each
//!    side: that bridges substitutions, insertions and deletions and lets the
//!    diagonal drift. Chains are taken best first; a block belongs to one chain.
//! 4. **One to one.** Chains are laid down best first. Tokens already covered
//!    by a passage (in `a` or in `b`) are cut out of later chains, so each
//!    part of `a` maps to its best counterpart in `b` and duplicates never
//!    cross. What is left of a chain is split where a gap grows too large.
//! 5. **Ends.** Each passage is extended at both ends, exactly and then over
//!    edits too dense to seed: a skip of up to 3 tokens (both sides together)
//!    followed by at least 2 identical tokens, or a skip of up to `max_gap`
//!    followed by at least 3, or identical tokens up to the start or end of
//!    both sequences. An edit next to the boundary does not cut off the tail.
//! 6. **Merge and filter.** Passages adjacent in both sequences are merged
//!    when the gap is at most `max_gap`, or at most
//!    [`AlignParams::merge_gap`] and no more than half of either passage (a
//!    rewritten sentence inside a copied article); passages with fewer than
//!    [`AlignParams::min_passage`] identical tokens are dropped.
//!
//! The score of a passage is its token identity: identical tokens (exact
//! blocks plus a longest common subsequence inside each gap) divided by the
//! longer of its two sides.

use std::ops::Range;

use crate::sketch::shingle::{Shingle, shingles};
use crate::span::Span;
use crate::text::tokenize::Tokens;

/// Parameters of verbatim alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlignParams {
    /// Words per seed shingle (the shingle size of the hashing core).
    pub k: usize,
    /// Largest gap, in tokens on either side, bridged inside one passage.
    pub max_gap: usize,
    /// Fewest identical tokens in a reported passage.
    pub min_passage: usize,
    /// A shingle occurring more often than this in one sequence does not
    /// seed (its tokens are still reached by extension).
    pub max_occurrences: usize,
    /// Two passages that follow each other in both sequences are merged
    /// across a gap of up to this many tokens (on either side) when the gap
    /// is at most half as long as the identical tokens of each passage: a
    /// rewritten sentence inside a copied article does not split it in two,
    /// while a rewritten paragraph does. Never below `max_gap`.
    pub merge_gap: usize,
}

impl Default for AlignParams {
    /// `k = 5`, `max_gap = 8`, `min_passage = 10`, `max_occurrences = 16`,
    /// `merge_gap = 16`.
    fn default() -> AlignParams {
        AlignParams {
            k: 5,
            max_gap: 8,
            min_passage: 10,
            max_occurrences: 16,
            merge_gap: 16,
        }
    }
}

/// A passage shared by two token sequences (or repeated inside one).
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// Token range in the first sequence.
    pub a: Range<u32>,
    /// Token range in the second sequence (for [`repeats`], the later copy
    /// in the same sequence).
    pub b: Range<u32>,
    /// Tokens aligned identically between the two ranges.
    pub matched_tokens: u32,
    /// Token identity: `matched_tokens / max(a.len(), b.len())`, in `0..=1`.
    pub score: f64,
}

/// The byte span of the original text covered by tokens `range`:
/// `span(range.start).start .. span(range.end - 1).end`.
///
/// An empty range gives an empty span at the start of token `range.start`
/// (or at the end of the last token when `range.start` is past the end).
///
/// # Panics
/// When `range.end > tokens.len()`, or when the range is empty and `tokens`
/// is empty.
pub fn token_range_to_span(tokens: &Tokens, range: Range<u32>) -> Span {
    range_span(tokens.len(), |i| tokens.span(i), range)
}

/// [`token_range_to_span`] over `len` tokens whose spans `span(i)` gives.
pub fn range_span(len: usize, span: impl Fn(usize) -> Span, range: Range<u32>) -> Span {
    let (s, e) = (range.start as usize, range.end as usize);
    if s >= e {
        let at = if s < len {
            span(s).start()
        } else {
            span(len - 1).end()
        };
        return Span::new(at, at);
    }
    Span::new(span(s).start(), span(e - 1).end())
}

/// The verbatim passages shared by `a` and `b`, sorted by their start in `a`.
///
/// The `a` ranges never overlap one another, nor do the `b` ranges.
/// `ignore(h)` is true for shingle hashes that must not seed a passage
/// (boilerplate); pass `&|_| false` to use every shingle.
///
/// ```
/// use athar::passages::align::{AlignParams, align};
/// let a: Vec<u64> = (0..40).collect();
/// let mut b: Vec<u64> = (100..120).collect();
/// b.extend(10..30); // a[10..30] copied into b at 20
/// let m = align(&a, &b, &AlignParams::default(), &|_| false);
/// assert_eq!(m.len(), 1);
/// assert_eq!((m[0].a.clone(), m[0].b.clone()), (10..30, 20..40));
/// ```
pub fn align(
    a: &[u64],
    b: &[u64],
    params: &AlignParams,
    ignore: &dyn Fn(u64) -> bool,
) -> Vec<Match> {
    Aligner::new(a, b, params, false).run(ignore)
}

/// Text repeated inside one sequence: each match has `a` (the earlier copy)
/// entirely before `b` (the later copy). Each later copy is reported once,
/// against its best (earliest on ties) earlier copy, so a caption printed
/// three times gives two matches, both pointing at the first copy. The `b`
/// ranges never overlap one another.
pub fn repeats(a: &[u64], params: &AlignParams) -> Vec<Match> {
    let mut out = Aligner::new(a, a, params, true).run(&|_| false);
    out.sort_by_key(|m| (m.a.start, m.b.start));
    out
}

/// A run of identical tokens: `a[a0..a0+len] == b[b0..b0+len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    a0: u32,
    b0: u32,
    len: u32,
}

impl Block {
    fn a1(&self) -> u32 {
        self.a0 + self.len
    }
    fn b1(&self) -> u32 {
        self.b0 + self.len
    }
}

/// A passage under construction: increasing, disjoint blocks.
#[derive(Clone, Debug)]
struct Passage {
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
    matched: u32,
}

const NONE: u32 = u32::MAX;
/// Predecessors a block looks at while chaining (bounds pathological input).
const CHAIN_LOOKBACK: usize = 256;
/// Skips (edit sizes, tokens on both sides together) up to this need only
/// [`END_MATCH`] identical tokens after them to extend a passage's end.
const END_SKIP: u32 = 3;
/// Identical tokens needed after a short skip for an end extension.
const END_MATCH: u32 = 2;
/// Identical tokens needed after a longer skip (up to `max_gap`).
const END_MATCH_LONG: u32 = 3;

struct Aligner<'s> {
    a: &'s [u64],
    b: &'s [u64],
    p: AlignParams,
    /// `a` and `b` are the same sequence: find repeats.
    same: bool,
    occ_a: Vec<bool>,
    occ_b: Vec<bool>,
}

impl<'s> Aligner<'s> {
    fn new(a: &'s [u64], b: &'s [u64], p: &AlignParams, same: bool) -> Self {
        let mut p = *p;
        p.k = p.k.max(1);
        p.max_occurrences = p.max_occurrences.max(1);
        Aligner {
            a,
            b,
            p,
            same,
            occ_a: Vec::new(),
            occ_b: Vec::new(),
        }
    }

    fn run(mut self, ignore: &dyn Fn(u64) -> bool) -> Vec<Match> {
        let k = self.p.k;
        if self.a.len() < k || self.b.len() < k || self.a.len() >= u32::MAX as usize {
            return Vec::new();
        }
        let seeds = self.seeds(ignore);
        if seeds.is_empty() {
            return Vec::new();
        }
        let blocks = self.blocks(seeds);
        let chains = self.chains(&blocks);
        self.occ_a = vec![false; self.a.len()];
        self.occ_b = vec![false; self.b.len()];
        let mut passages = Vec::new();
        for chain in chains {
            self.lay_chain(&chain, &mut passages);
        }
        if !self.same {
            passages = self.merge_adjacent(passages);
        }
        passages.sort_by_key(|p| (p.a0, p.b0));
        passages
            .into_iter()
            .filter(|p| p.matched as usize >= self.p.min_passage)
            .map(|p| {
                let longer = (p.a1 - p.a0).max(p.b1 - p.b0).max(1);
                Match {
                    a: p.a0..p.a1,
                    b: p.b0..p.b1,
                    matched_tokens: p.matched,
                    score: f64::from(p.matched) / f64::from(longer),
                }
            })
            .collect()
    }

    /// Shared shingles as `(pos in a, pos in b)`, verified token by token.
    fn seeds(&self, ignore: &dyn Fn(u64) -> bool) -> Vec<(u32, u32)> {
        let k = self.p.k;
        let cap = self.p.max_occurrences;
        let mut sa: Vec<Shingle> = Vec::new();
        shingles(self.a, k, &mut sa);
        sa.sort_unstable();
        let mut seeds = Vec::new();
        if self.same {
            let mut i = 0;
            while i < sa.len() {
                let h = sa[i].hash;
                let e = i + sa[i..].iter().take_while(|s| s.hash == h).count();
                if e - i > 1 && e - i <= cap && !ignore(h) {
                    for x in i..e {
                        for y in x + 1..e {
                            let (pa, pb) = (sa[x].pos, sa[y].pos);
                            if (pb - pa) as usize >= k && self.same_tokens(pa, pb) {
                                seeds.push((pa, pb));
                            }
                        }
                    }
                }
                i = e;
            }
            return seeds;
        }
        let mut sb: Vec<Shingle> = Vec::new();
        shingles(self.b, k, &mut sb);
        sb.sort_unstable();
        let (mut i, mut j) = (0, 0);
        while i < sa.len() && j < sb.len() {
            let (ha, hb) = (sa[i].hash, sb[j].hash);
            if ha < hb {
                i += 1;
            } else if hb < ha {
                j += 1;
            } else {
                let ie = i + sa[i..].iter().take_while(|s| s.hash == ha).count();
                let je = j + sb[j..].iter().take_while(|s| s.hash == ha).count();
                if ie - i <= cap && je - j <= cap && !ignore(ha) {
                    for x in &sa[i..ie] {
                        for y in &sb[j..je] {
                            if self.same_tokens(x.pos, y.pos) {
                                seeds.push((x.pos, y.pos));
                            }
                        }
                    }
                }
                i = ie;
                j = je;
            }
        }
        seeds
    }

    fn same_tokens(&self, pa: u32, pb: u32) -> bool {
        let k = self.p.k;
        let (pa, pb) = (pa as usize, pb as usize);
        self.a[pa..pa + k] == self.b[pb..pb + k]
    }

    /// Maximal exact blocks around the seeds, sorted by `(a0, b0)`.
    fn blocks(&self, mut seeds: Vec<(u32, u32)>) -> Vec<Block> {
        let k = self.p.k as u32;
        seeds.sort_unstable_by_key(|&(i, j)| (i64::from(j) - i64::from(i), i));
        let (a, b) = (self.a, self.b);
        let mut out = Vec::new();
        let mut cur: Option<(i64, u32)> = None;
        for (i, j) in seeds {
            let d = i64::from(j) - i64::from(i);
            if let Some((cd, end)) = cur {
                if cd == d && i + k <= end {
                    continue;
                }
            }
            // Repeats: the earlier copy must end before the later one starts.
            let cap = if self.same {
                (j - i) as usize
            } else {
                usize::MAX
            };
            let (mut s, mut t, mut len) = (i as usize, j as usize, k as usize);
            while s > 0 && t > 0 && len < cap && a[s - 1] == b[t - 1] {
                s -= 1;
                t -= 1;
                len += 1;
            }
            while len < cap && s + len < a.len() && t + len < b.len() && a[s + len] == b[t + len] {
                len += 1;
            }
            let blk = Block {
                a0: s as u32,
                b0: t as u32,
                len: len as u32,
            };
            cur = Some((d, blk.a1()));
            out.push(blk);
        }
        out.sort_unstable_by_key(|b| (b.a0, b.b0, b.len));
        out.dedup();
        out
    }

    /// Gain of appending `q` after `p` in a chain, or `None` when they cannot chain.
    fn link(&self, p: &Block, q: &Block) -> Option<i64> {
        if !(p.a0 < q.a0 && p.b0 < q.b0 && q.a1() > p.a1() && q.b1() > p.b1()) {
            return None;
        }
        let ga = i64::from(q.a0) - i64::from(p.a1());
        let gb = i64::from(q.b0) - i64::from(p.b1());
        let ov = 0.max(-ga).max(-gb);
        let (ga, gb) = (ga + ov, gb + ov);
        if ga.max(gb) > self.p.max_gap as i64 {
            return None;
        }
        Some(2 * (i64::from(q.len) - ov) - ga - gb)
    }

    /// Chains of blocks, best first; each block in at most one chain.
    fn chains(&self, blocks: &[Block]) -> Vec<Vec<Block>> {
        let n = blocks.len();
        let max_len = blocks.iter().map(|b| b.len).max().unwrap_or(0);
        let reach = max_len + self.p.max_gap as u32;
        let mut score = vec![0i64; n];
        let mut pred = vec![NONE; n];
        for q in 0..n {
            let bq = &blocks[q];
            let mut best = 2 * i64::from(bq.len);
            let mut bp = NONE;
            let lo = bq.a0.saturating_sub(reach);
            for p in (0..q).rev().take(CHAIN_LOOKBACK) {
                if blocks[p].a0 < lo {
                    break;
                }
                if let Some(g) = self.link(&blocks[p], bq) {
                    if score[p] + g > best {
                        best = score[p] + g;
                        bp = p as u32;
                    }
                }
            }
            score[q] = best;
            pred[q] = bp;
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&q| (std::cmp::Reverse(score[q]), blocks[q].a0, blocks[q].b0));
        let mut used = vec![false; n];
        let mut chains: Vec<(u64, Vec<Block>)> = Vec::new();
        for q in order {
            if used[q] {
                continue;
            }
            let mut chain = Vec::new();
            let mut cur = q as u32;
            while cur != NONE && !used[cur as usize] {
                used[cur as usize] = true;
                chain.push(blocks[cur as usize]);
                cur = pred[cur as usize];
            }
            chain.reverse();
            let cover: u64 = chain.iter().map(|b| u64::from(b.len)).sum();
            chains.push((cover, chain));
        }
        chains.sort_by_key(|(cover, c)| (std::cmp::Reverse(*cover), c[0].a0, c[0].b0));
        chains.into_iter().map(|(_, c)| c).collect()
    }

    fn free(&self, i: u32, j: u32) -> bool {
        !self.occ_a[i as usize] && !self.occ_b[j as usize]
    }

    fn free_range(&self, a: Range<u32>, b: Range<u32>) -> bool {
        self.occ_a[a.start as usize..a.end as usize]
            .iter()
            .chain(&self.occ_b[b.start as usize..b.end as usize])
            .all(|&o| !o)
    }

    /// The parts of `chain` on free tokens, as increasing disjoint blocks.
    fn clip(&self, chain: &[Block]) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        for blk in chain {
            let (pa, pb) = out.last().map_or((0, 0), |l| (l.a1(), l.b1()));
            let ov = pa.saturating_sub(blk.a0).max(pb.saturating_sub(blk.b0));
            let mut run: Option<Block> = None;
            for t in ov..blk.len {
                let (i, j) = (blk.a0 + t, blk.b0 + t);
                if self.free(i, j) {
                    match run.as_mut() {
                        Some(r) => r.len += 1,
                        None => {
                            run = Some(Block {
                                a0: i,
                                b0: j,
                                len: 1,
                            })
                        }
                    }
                } else if let Some(r) = run.take() {
                    out.push(r);
                }
            }
            out.extend(run);
        }
        out
    }

    /// Lay one chain down: clip it to free tokens, split it where gaps grow
    /// too large, extend and record each piece.
    fn lay_chain(&mut self, chain: &[Block], out: &mut Vec<Passage>) {
        let mut rest = self.clip(chain);
        while !rest.is_empty() {
            // Re-clip: the previous piece's end extension may have taken tokens.
            let segs = self.clip(&rest);
            if segs.is_empty() {
                break;
            }
            let mut n = 1;
            while n < segs.len() && self.joinable(&segs[n - 1], &segs[n], segs[0].b0) {
                n += 1;
            }
            rest = segs[n..].to_vec();
            let mut piece = segs[..n].to_vec();
            if self.same {
                // The earlier copy must end before the later copy starts.
                let limit = piece[0].b0;
                piece.retain_mut(|s| {
                    s.len = s.len.min(limit.saturating_sub(s.a0));
                    s.len > 0
                });
            }
            self.extend_ends(&mut piece);
            let p = self.measure(&piece);
            if p.matched as usize >= self.p.min_passage {
                self.occupy(&p);
                out.push(p);
            }
        }
    }

    fn joinable(&self, x: &Block, y: &Block, piece_b0: u32) -> bool {
        let (ga, gb) = (y.a0 - x.a1(), y.b0 - x.b1());
        if ga.max(gb) as usize > self.p.max_gap {
            return false;
        }
        if self.same && y.a0 >= piece_b0 {
            return false;
        }
        self.free_range(x.a1()..y.a0, x.b1()..y.b0)
    }

    fn occupy(&mut self, p: &Passage) {
        if !self.same {
            self.occ_a[p.a0 as usize..p.a1 as usize].fill(true);
        }
        self.occ_b[p.b0 as usize..p.b1 as usize].fill(true);
    }

    /// Extend a piece at both ends over identical tokens and small edits.
    fn extend_ends(&self, piece: &mut Vec<Block>) {
        let (a, b) = (self.a, self.b);
        let same = self.same;
        let skip = self.p.max_gap as u32;
        let need = |s: u32| {
            if s <= END_SKIP {
                END_MATCH
            } else {
                END_MATCH_LONG
            }
        };
        // Right end.
        loop {
            let last = *piece.last().expect("non-empty piece");
            let limit_a = if same { piece[0].b0 } else { a.len() as u32 };
            let run = |i: u32, j: u32| {
                let mut m = 0;
                while i + m < limit_a
                    && (j + m) < b.len() as u32
                    && a[(i + m) as usize] == b[(j + m) as usize]
                    && self.free(i + m, j + m)
                {
                    m += 1;
                }
                m
            };
            let m = run(last.a1(), last.b1());
            if m > 0 {
                piece.last_mut().expect("non-empty").len += m;
                continue;
            }
            let mut found = None;
            'search: for s in 1..=skip {
                for da in (0..=s).rev() {
                    let (i, j) = (last.a1() + da, last.b1() + (s - da));
                    if i > limit_a
                        || j > b.len() as u32
                        || !self.free_range(last.a1()..i, last.b1()..j)
                    {
                        continue;
                    }
                    let m = run(i, j);
                    let at_end = i + m == a.len() as u32 && j + m == b.len() as u32;
                    if m >= need(s) || (m > 0 && at_end) {
                        found = Some(Block {
                            a0: i,
                            b0: j,
                            len: m,
                        });
                        break 'search;
                    }
                }
            }
            match found {
                Some(blk) => piece.push(blk),
                None => break,
            }
        }
        // Left end.
        loop {
            let first = piece[0];
            let last_a1 = piece.last().expect("non-empty").a1();
            let run = |i: u32, j: u32| {
                // Identical tokens ending just before (i, j).
                let mut m = 0;
                while m < i
                    && m < j
                    && a[(i - m - 1) as usize] == b[(j - m - 1) as usize]
                    && self.free(i - m - 1, j - m - 1)
                    && (!same || last_a1 < j - m)
                {
                    m += 1;
                }
                m
            };
            let m = run(first.a0, first.b0);
            if m > 0 {
                piece[0].a0 -= m;
                piece[0].b0 -= m;
                piece[0].len += m;
                continue;
            }
            let mut found = None;
            'search: for s in 1..=skip {
                for da in (0..=s).rev() {
                    let db = s - da;
                    if da > first.a0 || db > first.b0 {
                        continue;
                    }
                    let (i, j) = (first.a0 - da, first.b0 - db);
                    if !self.free_range(i..first.a0, j..first.b0) || (same && last_a1 > j) {
                        continue;
                    }
                    let m = run(i, j);
                    if m >= need(s) || (m > 0 && m == i && m == j) {
                        found = Some(Block {
                            a0: i - m,
                            b0: j - m,
                            len: m,
                        });
                        break 'search;
                    }
                }
            }
            match found {
                Some(blk) => piece.insert(0, blk),
                None => break,
            }
        }
    }

    /// Ranges and identical-token count of a piece.
    fn measure(&self, piece: &[Block]) -> Passage {
        let (first, last) = (piece[0], piece[piece.len() - 1]);
        let mut matched: u32 = piece.iter().map(|b| b.len).sum();
        for w in piece.windows(2) {
            let ga = &self.a[w[0].a1() as usize..w[1].a0 as usize];
            let gb = &self.b[w[0].b1() as usize..w[1].b0 as usize];
            matched += lcs_len(ga, gb);
        }
        Passage {
            a0: first.a0,
            a1: last.a1(),
            b0: first.b0,
            b1: last.b1(),
            matched,
        }
    }

    /// Merge passages that follow each other in both sequences with a small gap.
    fn merge_adjacent(&self, mut ps: Vec<Passage>) -> Vec<Passage> {
        ps.sort_by_key(|p| (p.a0, p.b0));
        let mut out: Vec<Passage> = Vec::with_capacity(ps.len());
        for p in ps {
            if let Some(l) = out.last_mut() {
                let gap = (p.a0.max(l.a1) - l.a1).max(p.b0.max(l.b1) - l.b1) as usize;
                let small = gap <= self.p.max_gap
                    || (gap <= self.p.merge_gap && 2 * gap <= l.matched.max(p.matched) as usize);
                if p.a0 >= l.a1
                    && p.b0 >= l.b1
                    && small
                    && self.occ_b[l.b1 as usize..p.b0 as usize].iter().all(|&o| !o)
                {
                    let ga = &self.a[l.a1 as usize..p.a0 as usize];
                    let gb = &self.b[l.b1 as usize..p.b0 as usize];
                    l.matched += p.matched + lcs_len(ga, gb);
                    l.a1 = p.a1;
                    l.b1 = p.b1;
                    continue;
                }
            }
            out.push(p);
        }
        out
    }
}

/// Length of the longest common subsequence of two short slices
/// (quadratic: for gaps and passages, never whole documents).
pub(crate) fn lcs_len<T: PartialEq + Copy>(x: &[T], y: &[T]) -> u32 {
    if x.is_empty() || y.is_empty() {
        return 0;
    }
    let mut prev = vec![0u32; y.len() + 1];
    let mut cur = vec![0u32; y.len() + 1];
    for &xi in x {
        for (j, &yj) in y.iter().enumerate() {
            cur[j + 1] = if xi == yj {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[y.len()]
}

#[cfg(test)]
mod tests;
