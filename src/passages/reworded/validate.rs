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

/// The place to weigh a reworded passage's evidence: today its size.
pub(super) fn strong_enough(t: &Trimmed, p: &ReworkParams) -> bool {
    t.matched as usize >= p.min_matched && t.matched_weight >= f64::from(p.min_matched_weight)
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
