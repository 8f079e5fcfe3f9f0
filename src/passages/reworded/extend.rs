//! Step 2, extension: seeds split into clusters wherever a gap opens in
//! either document; each cluster validated (or split again) into candidates.

use super::validate::{Frame, Scorer, frame, order, round4, strong_enough};
use super::{
    ANCHOR, Candidate, ContentSide, Kind, ReworkParams, Seed, VERBATIM, WINDOW, verbatim_candidate,
};
use crate::passages::align::Match;

/// Splits seeds into clusters: wherever a gap of more than `gap` opens in the
/// first document, then in the second, until no part splits.
pub(super) fn cluster(seeds: Vec<Seed>, gap: u32) -> Vec<Vec<Seed>> {
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
pub(super) fn resolve(
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
    let shaped = t.dice >= f64::from(p.min_similarity)
        && (t.dice >= f64::from(p.strong_similarity) || order(a, b, &t) >= f64::from(p.min_order));
    let f = if shaped {
        frame(a, b, &t)
    } else {
        Frame::default()
    };
    let ok = shaped && (n_verbatim > 0 || strong_enough(&t, &f, p));
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
            substituted: f.substituted,
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
