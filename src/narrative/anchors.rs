//! Evidence of one story: anchor terms, fine forms, collocations, figures.
//!
//! A story is specific: its tellings share terms that few documents contain
//! (names, places, rare words, figures), not the words of its topic. A term
//! is an *anchor* when its weight reaches [`NarrativeParams::anchor_weight`]
//! (a rarity over the corpus, blended with the background table). A link
//! needs [`NarrativeParams::min_anchors`] units of anchor evidence: anchors
//! adjacent in both passages are one unit (a multi-word name), a derivation
//! counts [`NarrativeParams::derived_match`], a shared figure
//! [`NarrativeParams::number_match`]. Figures that disagree (both passages
//! give distinctive figures, none the same: two trading sessions, two
//! casualty counts) are evidence of two events, and the pair is no link.

use super::NarrativeParams;
use super::model::{Model, Window};
use crate::cluster::UnionFind;
use crate::span::Span;

impl Model<'_> {
    /// True when `term` is rare enough to anchor a story.
    pub(super) fn is_anchor(&self, term: u32, params: &NarrativeParams) -> bool {
        self.is_anchor_at(term, self.anchor_bar(params))
    }

    /// [`Self::is_anchor`] with the bar computed once ([`Self::anchor_bar`]).
    pub(super) fn is_anchor_at(&self, term: u32, bar: f32) -> bool {
        self.weights[term as usize] >= bar && !self.code[term as usize]
    }

    /// Corpus confidence: `N / (N + M)` with `M` =
    /// [`NarrativeParams::background_docs`]. A small corpus cannot tell a
    /// rare term from a common one (its weights lean on the background
    /// table, and a one-topic corpus shares its topic's words everywhere).
    fn confidence(&self, params: &NarrativeParams) -> f32 {
        let n = self.content.len() as f32;
        n / (n + params.background_docs.max(0.0)).max(1.0)
    }

    /// The weight an anchor needs: [`NarrativeParams::anchor_weight`] on a
    /// large corpus, down to [`NarrativeParams::min_term_weight`] on a tiny
    /// one, by the corpus confidence.
    pub(super) fn anchor_bar(&self, params: &NarrativeParams) -> f32 {
        let (lo, hi) = (
            params.min_term_weight,
            params.anchor_weight.max(params.min_term_weight),
        );
        lo + (hi - lo) * self.confidence(params)
    }

    /// The anchor evidence a link needs: [`NarrativeParams::min_anchors`],
    /// and two units on a corpus smaller than the background's strength.
    fn anchors_needed(&self, params: &NarrativeParams) -> f32 {
        if self.confidence(params) < 0.5 {
            params.min_anchors.min(2.0)
        } else {
            params.min_anchors
        }
    }

    /// The distinctive figures of window `w`: term ids, sorted, distinct.
    fn figures(&self, w: &Window, params: &NarrativeParams) -> Vec<u32> {
        let c = &self.content[w.doc as usize];
        let mut v: Vec<u32> = c.terms[w.lo as usize..w.hi as usize]
            .iter()
            .copied()
            .filter(|&t| self.number[t as usize] && self.is_distinctive(t, params))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// True when both windows give distinctive figures and none agree.
    pub(super) fn figures_conflict(
        &self,
        a: &Window,
        b: &Window,
        params: &NarrativeParams,
    ) -> bool {
        let x = self.figures(a, params);
        if x.is_empty() {
            return false;
        }
        let y = self.figures(b, params);
        !y.is_empty() && !x.iter().any(|t| y.binary_search(t).is_ok())
    }

    /// The shared anchors of a scored pair (`shared`: its shared distinctive
    /// terms, heaviest first) when they are evidence enough for a link.
    pub(super) fn anchor_evidence(
        &self,
        a: &Window,
        b: &Window,
        shared: &[(u32, f32)],
        params: &NarrativeParams,
    ) -> Option<Vec<(u32, f32)>> {
        let anchors: Vec<(u32, f32)> = shared
            .iter()
            .copied()
            .filter(|&(t, _)| self.is_anchor(t, params))
            .collect();
        // A word (not a figure) free of fixed phrases in both passages: figures
        // and names alone are not yet a story.
        let words: Vec<(u32, f32)> = anchors
            .iter()
            .copied()
            .filter(|&(t, _)| !self.number[t as usize])
            .collect();
        (self.evidence_units(a, b, &anchors, params) >= self.anchors_needed(params)
            && self.has_free_evidence(a, b, &words)
            && !self.figures_conflict(a, b, params))
        .then_some(anchors)
    }

    /// True when some occurrence of `term` in `a` and some in `b` have the
    /// same fine form and the same collocation context ([`same_context`]).
    pub(super) fn fine_agree(&self, a: &Window, b: &Window, term: u32) -> bool {
        let (ca, cb) = (&self.content[a.doc as usize], &self.content[b.doc as usize]);
        (b.lo as usize..b.hi as usize)
            .filter(|&k| cb.terms[k] == term)
            .any(|k| {
                let (f, bb) = (cb.fine[k], cb.bound(k));
                (a.lo as usize..a.hi as usize).any(|l| {
                    ca.terms[l] == term && ca.fine[l] == f && same_context(ca.bound(l), bb)
                })
            })
    }

    /// True when some shared term occurs outside any collocation in both
    /// windows. Passages that share only fixed phrases (`ابو بكر البغدادي`,
    /// `ولاية سيناء`, `صاحب السمو الملكي`) mention the same names or
    /// formulas; they do not yet tell the same story.
    pub(super) fn has_free_evidence(&self, a: &Window, b: &Window, shared: &[(u32, f32)]) -> bool {
        let free = |w: &Window, t: u32| {
            let c = &self.content[w.doc as usize];
            (w.lo as usize..w.hi as usize).any(|k| c.terms[k] == t && c.is_free(k))
        };
        shared.iter().any(|&(t, _)| free(a, t) && free(b, t))
    }

    /// The evidence of the shared terms: terms adjacent to each other in BOTH
    /// windows (`كتائب القسام`, `ابو بكر البغدادي`) are one multi-word name
    /// and count once; a unit counts 1 when some term of it matches in the
    /// same fine form on both sides, else [`NarrativeParams::derived_match`].
    pub(super) fn evidence_units(
        &self,
        a: &Window,
        b: &Window,
        shared: &[(u32, f32)],
        params: &NarrativeParams,
    ) -> f32 {
        let n = shared.len();
        let value = |t: u32| {
            if self.number[t as usize] {
                params.number_match
            } else if self.fine_agree(a, b, t) {
                1.0
            } else {
                params.derived_match
            }
        };
        if n < 2 {
            return shared.iter().map(|&(t, _)| value(t)).sum();
        }
        let idx = |t: u32| shared.iter().position(|&(s, _)| s == t);
        let pairs = |w: &Window| {
            let terms = &self.content[w.doc as usize].terms[w.lo as usize..w.hi as usize];
            let mut v: Vec<(usize, usize)> = terms
                .windows(2)
                .filter_map(|p| match (idx(p[0]), idx(p[1])) {
                    (Some(x), Some(y)) if x != y => Some((x.min(y), x.max(y))),
                    _ => None,
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (pa, pb) = (pairs(a), pairs(b));
        let mut uf = UnionFind::new(n);
        for p in &pa {
            if pb.binary_search(p).is_ok() {
                uf.union(p.0 as u32, p.1 as u32);
            }
        }
        uf.groups(1)
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&k| value(shared[k as usize].0))
                    .fold(0.0f32, f32::max)
            })
            .sum()
    }
}

/// True when two occurrences stand in the same collocation context: both
/// free, or bound to the same neighbouring term (on either side: `جهاديون
/// سلفيون` and `السلفيين الجهاديين` are one phrase).
pub(super) fn same_context(x: [u32; 2], y: [u32; 2]) -> bool {
    let free = |b: [u32; 2]| b == [u32::MAX; 2];
    (free(x) && free(y)) || x.iter().any(|&t| t != u32::MAX && y.contains(&t))
}

impl Model<'_> {
    /// The distinct anchor terms of document `doc` outside byte range `skip`
    /// (the linked passage), sorted; and those inside it.
    fn anchors_around(&self, doc: usize, skip: Span, params: &NarrativeParams) -> [Vec<u32>; 2] {
        let c = &self.content[doc];
        let bar = self.anchor_bar(params);
        let (mut out, mut inside) = (Vec::new(), Vec::new());
        for k in 0..c.len() {
            let t = c.terms[k];
            if self.number[t as usize] || !self.is_anchor_at(t, bar) {
                continue;
            }
            if skip.overlaps(c.span(k)) {
                inside.push(t);
            } else {
                out.push(t);
            }
        }
        for v in [&mut out, &mut inside] {
            v.sort_unstable();
            v.dedup();
        }
        [out, inside]
    }

    /// The context of a link (see [`NarrativeIndex::context`](super::NarrativeIndex::context)):
    /// word anchors (not figures) that documents `a.0` and `b.0` share
    /// outside passages `a.1` and `b.1`, less those found in either passage.
    pub(super) fn context(
        &self,
        a: (usize, Span),
        b: (usize, Span),
        params: &NarrativeParams,
    ) -> usize {
        let [oa, ia] = self.anchors_around(a.0, a.1, params);
        let [ob, ib] = self.anchors_around(b.0, b.1, params);
        oa.iter()
            .filter(|t| {
                ob.binary_search(t).is_ok()
                    && ia.binary_search(t).is_err()
                    && ib.binary_search(t).is_err()
            })
            .count()
    }
}
