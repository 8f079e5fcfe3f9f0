//! Steps 3 and 4, validation and filter: a cluster's rectangle trimmed to
//! the content both sides hold, scored (weighted Dice), and its order and
//! evidence checked.

use std::ops::Range;

use super::{ContentSide, ReworkParams};

/// Share of the matched content tokens found in the same order on both
/// sides (0 when the rectangle is too large to measure).
pub(super) fn order(a: &ContentSide<'_>, b: &ContentSide<'_>, t: &Trimmed) -> f64 {
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
    f64::from(crate::passages::align::lcs_len(&x, &y)) / f64::from(t.matched)
}

/// Rounds a score to 4 decimals (stable text and JSON).
pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Largest rectangle (content tokens × content tokens) whose order is measured.
const MAX_ORDER_CELLS: usize = 1 << 21;

/// Whether a reworded passage's evidence is enough: its matched content
/// tokens, and their weight plus [`SUBSTITUTED_WEIGHT`] times the weight of
/// the words substituted in place ([`frame`]).
pub(super) fn strong_enough(t: &Trimmed, f: &Frame, p: &ReworkParams) -> bool {
    t.matched as usize >= p.min_matched
        && t.matched_weight + SUBSTITUTED_WEIGHT * f.weight >= f64::from(p.min_matched_weight)
}

/// What a content word substituted in place is worth as evidence, against
/// a word both sides share (1): as much. In fresh prose, a word replaced in
/// the same slot between the same words is as sure a sign of copying as the
/// word kept (a template's slots are formula, which the pipeline reads).
pub const SUBSTITUTED_WEIGHT: f64 = 1.0;

/// Largest rectangle (tokens × tokens) whose substitutions in place are
/// looked for: about 250 tokens a side, a long paragraph. A longer passage
/// weighs enough by the words it shares; the table would cost more than the
/// rest of its alignment.
const MAX_FRAME_CELLS: usize = 1 << 16;

/// Longest slot, in tokens, a substitution in place fills on each side.
const MAX_SLOT: usize = 2;

/// Content words substituted in place in a trimmed rectangle ([`frame`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Frame {
    /// Pairs of content words substituted in place: their token indices in
    /// the first and the second document.
    pub(super) substituted: Vec<(u32, u32)>,
    /// Their weight: the lighter of each pair, summed.
    pub(super) weight: f64,
}

/// The content words substituted in place between the two sides of `t`
/// (see [`super::Aligned::substituted`]): the longest common subsequence
/// of their tokens (content tokens compared by stem, the others by token
/// hash) is taken; every gap between two of its tokens that spans as many
/// tokens on both sides, [`MAX_SLOT`] at most, is a slot, and each content
/// word of one side facing a content word of the other in it is a
/// substitution. Nothing when either side has no token hashes or the
/// rectangle is larger than [`MAX_FRAME_CELLS`].
pub(super) fn frame(a: &ContentSide<'_>, b: &ContentSide<'_>, t: &Trimmed) -> Frame {
    frame_tokens(a, b, a.token_range(t.a.clone()), b.token_range(t.b.clone()))
}

/// [`frame`] of token ranges `ta` of `a` and `tb` of `b`.
pub(super) fn frame_tokens(
    a: &ContentSide<'_>,
    b: &ContentSide<'_>,
    ta: Range<u32>,
    tb: Range<u32>,
) -> Frame {
    if a.tokens.len() < ta.end as usize || b.tokens.len() < tb.end as usize {
        return Frame::default();
    }
    let (n, m) = (ta.len(), tb.len());
    if n == 0 || m == 0 || n * m > MAX_FRAME_CELLS {
        return Frame::default();
    }
    // Key of a token, and its content index (`u32::MAX`: a function word).
    const CONTENT: u64 = 1 << 63;
    let keys = |s: &ContentSide<'_>, r: &Range<u32>| -> Vec<(u64, u32)> {
        let mut j = s.pos.partition_point(|&p| p < r.start);
        r.clone()
            .map(|i| {
                if s.pos.get(j) == Some(&i) {
                    j += 1;
                    (CONTENT | u64::from(s.stem[j - 1]), (j - 1) as u32)
                } else {
                    (s.tokens[i as usize] & !CONTENT, u32::MAX)
                }
            })
            .collect()
    };
    let (x, y) = (keys(a, &ta), keys(b, &tb));
    // Suffix table: `len[i * (m + 1) + j]` is the LCS of `x[i..]` and `y[j..]`.
    let w = m + 1;
    let mut len = vec![0u16; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[i * w + j] = if x[i].0 == y[j].0 {
                len[(i + 1) * w + j + 1] + 1
            } else {
                len[(i + 1) * w + j].max(len[i * w + j + 1])
            };
        }
    }
    let mut f = Frame::default();
    let (mut i, mut j) = (0, 0);
    let mut last: Option<(usize, usize)> = None;
    while i < n && j < m {
        if x[i].0 == y[j].0 {
            if let Some((pi, pj)) = last {
                let (ga, gb) = (i - pi - 1, j - pj - 1);
                if ga == gb && ga <= MAX_SLOT {
                    for k in 1..=ga {
                        let (ca, cb) = (x[pi + k].1, y[pj + k].1);
                        if ca != u32::MAX && cb != u32::MAX {
                            f.substituted
                                .push((ta.start + (pi + k) as u32, tb.start + (pj + k) as u32));
                            f.weight += f64::from(a.weight[ca as usize].min(b.weight[cb as usize]));
                        }
                    }
                }
            }
            last = Some((i, j));
            i += 1;
            j += 1;
        } else if len[(i + 1) * w + j] >= len[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    f
}

/// A rectangle trimmed to the content both sides hold, and its score.
pub(super) struct Trimmed {
    pub(super) a: Range<u32>,
    pub(super) b: Range<u32>,
    /// Weighted Dice coefficient of the two stem multisets.
    pub(super) dice: f64,
    /// Matched weight `Σ w · min(count_a, count_b)`.
    pub(super) matched_weight: f64,
    /// Matched content tokens `Σ min(count_a, count_b)`.
    pub(super) matched: u32,
}

/// Stem counts of the two sides of a rectangle, reused across clusters:
/// `(stem, count in a, count in b, weight)`, sorted by stem (sums run in
/// that order, so scores do not depend on hashing).
#[derive(Default)]
pub(super) struct Scorer {
    count: Vec<(u32, u32, u32, f32)>,
}

impl Scorer {
    fn at(&mut self, stem: u32) -> &mut (u32, u32, u32, f32) {
        let i = self.count.partition_point(|c| c.0 < stem);
        &mut self.count[i]
    }

    pub(super) fn trim(
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
