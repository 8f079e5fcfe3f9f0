//! Outlets and publication times of generated documents: copies follow
//! their original, so the direction of reuse is known.

use crate::sub_rng;

const SALT_TIME: u64 = 0x0054_494d_4553;

/// Outlets of generated documents. The first is a wire agency: it publishes
/// half of the originals and no copy.
pub const OUTLETS: [&str; 6] = ["wire", "alpha", "beta", "gamma", "delta", "epsilon"];

/// Seconds since the epoch of 2026-01-01T00:00:00Z, the first day of a
/// generated corpus.
pub const FIRST_DAY: i64 = 1_767_225_600;

/// Outlet and publication time (seconds since the epoch) of the documents
/// of group `number`, in block `block` (a day: block `n` is published on
/// [`FIRST_DAY`] + `n` days), original first, then its derived documents.
/// The original appears at a random time of the day; each derived document
/// (copy or receiver of a paragraph) follows it by 5 minutes to 3 days. The
/// original comes from the wire half of the time; derived documents never
/// do, nor from the original's outlet. Drawn from a generator of their own,
/// so the texts do not depend on them.
pub fn publication(seed: u64, number: u64, block: u64, docs: usize) -> Vec<(&'static str, i64)> {
    let mut rng = sub_rng(seed, SALT_TIME, number);
    let t0 = FIRST_DAY + block as i64 * 86_400 + rng.below(86_400) as i64;
    let last = OUTLETS.len() - 1;
    let first = if rng.chance(0.5) {
        0
    } else {
        rng.range(1, last)
    };
    let mut out = vec![(OUTLETS[first], t0)];
    for _ in 1..docs {
        let delay = match rng.below(3) {
            0 => rng.range(5, 60) * 60,
            1 => rng.range(1, 24) * 3600,
            _ => rng.range(86_400, 3 * 86_400 - 1),
        };
        // Any outlet but the wire and the original's.
        let o = if first == 0 {
            rng.range(1, last)
        } else {
            let o = rng.range(1, last - 1);
            if o >= first { o + 1 } else { o }
        };
        out.push((OUTLETS[o], t0 + delay as i64));
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ` of `t` seconds since the epoch (RFC 3339, UTC).
///
/// # Panics
///
/// Outside the years jiff represents (-9999 to 9999).
pub fn format_time(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .expect("a time within the years -9999 to 9999")
        .to_string()
}
