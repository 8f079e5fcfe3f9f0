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

    /// The distinct figures among `terms` that `keep` accepts, sorted.
    fn figures_among(&self, terms: &[u32], keep: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut v: Vec<u32> = terms
            .iter()
            .copied()
            .filter(|&t| self.number[t as usize] && keep(t))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The distinctive figures of window `w`: term ids, sorted, distinct.
    fn figures(&self, w: &Window, params: &NarrativeParams) -> Vec<u32> {
        let terms = &self.content[w.doc as usize].terms[w.lo as usize..w.hi as usize];
        self.figures_among(terms, |t| self.is_distinctive(t, params))
    }

    /// True when both windows give distinctive figures and none agree.
    pub(super) fn figures_conflict(
        &self,
        a: &Window,
        b: &Window,
        params: &NarrativeParams,
    ) -> bool {
        disagree(&self.figures(a, params), || self.figures(b, params), 1)
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
        let needed = self.anchors_needed(params);
        (self.evidence_units(a, b, &anchors, params, needed) >= needed
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
    /// and count once, and so do the shared items of an enumeration in
    /// either window ([`Self::enumerations`]) unless they are more than
    /// [`ENUM_SHARE`] of its anchors; a unit counts 1 when some term of it
    /// matches in the same fine form on both sides, else
    /// [`NarrativeParams::derived_match`]. Enumerations are read only when
    /// the evidence reaches `needed` without them (they can only lower it).
    pub(super) fn evidence_units(
        &self,
        a: &Window,
        b: &Window,
        shared: &[(u32, f32)],
        params: &NarrativeParams,
        needed: f32,
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
        let values: Vec<f32> = shared.iter().map(|&(t, _)| value(t)).collect();
        let units = |uf: &mut UnionFind| -> f32 {
            uf.groups(1)
                .iter()
                .map(|g| g.iter().map(|&k| values[k as usize]).fold(0.0f32, f32::max))
                .sum()
        };
        let names = units(&mut uf);
        if names < needed {
            return names;
        }
        // Items of one enumeration, most of them not shared, are one unit.
        let bar = self.anchor_bar(params);
        for w in [a, b] {
            for run in self.enumerations(w) {
                let c = &self.content[w.doc as usize];
                let mut items: Vec<u32> = c.terms[run]
                    .iter()
                    .copied()
                    .filter(|&t| self.is_anchor_at(t, bar))
                    .collect();
                items.sort_unstable();
                items.dedup();
                let inside: Vec<usize> = items.iter().filter_map(|&t| idx(t)).collect();
                if inside.len() >= 2 && (inside.len() as f32) <= ENUM_SHARE * items.len() as f32 {
                    for p in inside.windows(2) {
                        uf.union(p[0] as u32, p[1] as u32);
                    }
                }
            }
        }
        units(&mut uf)
    }
}

/// Anchor figures each of two documents must give for their disagreement
/// to tell two events apart ([`Model::figures_differ`]).
pub(super) const DOC_FIGURES: usize = 2;

/// Items an enumeration needs ([`Model::enumerations`]).
pub(super) const ENUM_ITEMS: usize = 4;

/// Content tokens an item of an enumeration holds at most (`عبدالمجيد
/// السواط`, `ريال مدريد`); a longer run between separators is prose.
pub(super) const ENUM_ITEM_TOKENS: usize = 3;

/// Content tokens read beyond each edge of a window for the rest of a list
/// it holds part of ([`Model::enumerations`]).
pub(super) const ENUM_REACH: usize = 24;

/// Share of an enumeration's anchors that another passage must hold for
/// them to count one by one (see [`Model::evidence_units`]).
pub(super) const ENUM_SHARE: f32 = 0.5;

impl Model<'_> {
    /// The enumerations that window `w` holds part of, as ranges of its
    /// document's content tokens (read up to [`ENUM_REACH`] tokens beyond
    /// its edges): runs of at least [`ENUM_ITEMS`] items, each of one to
    /// [`ENUM_ITEM_TOKENS`] content tokens, separated by a comma or by the
    /// conjunction `و` (alone or as a prefix) and by nothing else — a squad,
    /// a list of stocks, a group of a draw (`نواف العابد وعبدالمجيد السواط
    /// وسلمان الفرج`, `سابك، كيان، الإنماء`). Two reports that name four
    /// players of one squad, or three of the day's most traded stocks, do
    /// not tell one story for that: a list's items are one piece of evidence,
    /// unless the other passage holds most of the list.
    pub(super) fn enumerations(&self, w: &Window) -> Vec<std::ops::Range<usize>> {
        let c = &self.content[w.doc as usize];
        let text = self.texts[w.doc as usize].as_bytes();
        // A list cut by the window's edge is read whole.
        let (lo, hi) = (
            (w.lo as usize).saturating_sub(ENUM_REACH),
            (w.hi as usize + ENUM_REACH).min(c.len()),
        );
        let mut runs = Vec::new();
        let (mut start, mut items, mut item_len) = (lo, 1usize, 1usize);
        let close = |runs: &mut Vec<std::ops::Range<usize>>, start: usize, end: usize, items| {
            if items >= ENUM_ITEMS {
                runs.push(start..end);
            }
        };
        for k in lo + 1..hi {
            let ([_, end], [s, e]) = (c.spans[k - 1], c.spans[k]);
            // Two content tokens of one word (`عبد` `الله`) share a span.
            let gap = text.get(end as usize..s as usize).unwrap_or_default();
            let word = &text[s as usize..e as usize];
            match list_gap(gap, word) {
                Gap::Item => {
                    items += 1;
                    item_len = 1;
                }
                Gap::Same if item_len < ENUM_ITEM_TOKENS => item_len += 1,
                Gap::Same | Gap::Break => {
                    close(&mut runs, start, k, items);
                    (start, items, item_len) = (k, 1, 1);
                }
            }
        }
        close(&mut runs, start, hi, items);
        runs.retain(|r| r.start < w.hi as usize && r.end > w.lo as usize);
        runs
    }
}

/// What separates two content tokens of a text, for [`Model::enumerations`].
enum Gap {
    /// A new item: a comma, or the conjunction `و` (alone or prefixed).
    Item,
    /// The same item: only spaces.
    Same,
    /// Anything else (a stop word, a full stop, a bracket): no list here.
    Break,
}

/// `gap`: the text between two content tokens; `word`: the second token.
fn list_gap(gap: &[u8], word: &[u8]) -> Gap {
    let Ok(gap) = std::str::from_utf8(gap) else {
        return Gap::Break;
    };
    let mut commas = 0;
    let mut waw = false;
    for ch in gap.chars() {
        match ch {
            '،' | ',' => commas += 1,
            'و' if !waw => waw = true,
            c if c.is_whitespace() => {}
            _ => return Gap::Break,
        }
    }
    // The conjunction prefixed to the next item (`وعبدالمجيد`): a word of
    // four letters or more that starts with `و`.
    let prefixed = word.starts_with("و".as_bytes()) && word.len() > "و".len() * 3;
    match (commas, waw) {
        (0, false) if prefixed => Gap::Item,
        (0, false) => Gap::Same,
        (0..=1, _) => Gap::Item,
        _ => Gap::Break,
    }
}

/// True when figures `x` and the figures `y` gives (read only when `x` has
/// enough) both number at least `min` and none agree: two events, not one.
fn disagree(x: &[u32], y: impl FnOnce() -> Vec<u32>, min: usize) -> bool {
    if x.len() < min {
        return false;
    }
    let y = y();
    y.len() >= min && !x.iter().any(|t| y.binary_search(t).is_ok())
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

    /// True when documents `a` and `b` each give at least [`DOC_FIGURES`]
    /// anchor figures and share none: two sessions of one market, two
    /// weekly inventory reports, two matches of one player. Two tellings of
    /// one story that both give its figures give some of the same (the toll,
    /// the amount, the date); where one gives none, nothing is concluded.
    pub(super) fn figures_differ(&self, a: usize, b: usize, params: &NarrativeParams) -> bool {
        let bar = self.anchor_bar(params);
        let anchors = |doc: usize| {
            self.figures_among(&self.content[doc].terms, |t| self.is_anchor_at(t, bar))
        };
        disagree(&anchors(a), || anchors(b), DOC_FIGURES)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(g: &str, w: &str) -> &'static str {
        match list_gap(g.as_bytes(), w.as_bytes()) {
            Gap::Item => "item",
            Gap::Same => "same",
            Gap::Break => "break",
        }
    }

    #[test]
    fn commas_and_the_conjunction_separate_items_and_anything_else_ends_a_list() {
        assert_eq!(gap(" ", "وعبدالمجيد"), "item");
        assert_eq!(gap("، ", "سلمان"), "item");
        assert_eq!(gap(", ", "سلمان"), "item");
        assert_eq!(gap(" و ", "سلمان"), "item");
        assert_eq!(gap("، و", "سلمان"), "item");
        assert_eq!(gap(" ", "السواط"), "same");
        // Too short to carry the conjunction: `ولد` is a word.
        assert_eq!(gap(" ", "ولد"), "same");
        assert_eq!(gap(" في ", "الرياض"), "break");
        assert_eq!(gap(". ", "وقال"), "break");
        assert_eq!(gap("، ، ", "سلمان"), "break");
        assert_eq!(gap(" (", "سلمان"), "break");
    }
}
