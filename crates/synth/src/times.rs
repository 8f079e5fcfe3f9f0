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

/// `YYYY-MM-DDTHH:MM:SSZ` of `t` seconds since the epoch (proleptic
/// Gregorian calendar, integer arithmetic only).
pub fn format_time(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
