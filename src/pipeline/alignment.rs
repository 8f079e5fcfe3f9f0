//! Stage 6 of the pipeline: every verified pair aligned (verbatim seeds,
//! then passages over verbatim and reworded evidence) and its passages
//! weighed by evidence.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::candidates;
use crate::evidence::{self, Evidence, MIN_EVIDENCE};
use crate::passages::align::{self, AlignParams};
use crate::passages::content::{self, ContentDoc};
use crate::passages::reworded::{self, Aligned, ReworkParams, SUBSTITUTED_WEIGHT};
use crate::phrases::BoilerplateSet;
use crate::sketch::minhash::Signature;
use crate::verify::{Similarity, Thresholds};

use super::config::DISTANT_EVIDENCE_FACTOR;
use super::{DocData, Linked, Progress, Verified};

/// What stage 6 (verbatim alignment) needs.
pub(super) struct AlignStage<'a> {
    pub(super) data: &'a [DocData],
    pub(super) signatures: &'a [Signature],
    pub(super) boilerplate: &'a BoilerplateSet,
    pub(super) thresholds: &'a Thresholds,
    pub(super) params: &'a AlignParams,
    pub(super) min_shared: usize,
    pub(super) evidence: &'a Evidence,
    pub(super) all_passages: bool,
    pub(super) content: &'a [ContentDoc],
    pub(super) rework: &'a ReworkParams,
    /// Sorted pairs for verbatim alignment (see [`merge_candidates`]).
    pub(super) verbatim_pairs: &'a [(u32, u32)],
    /// Content stems weighing this much are rare words ([`RARE_IDF`]).
    pub(super) rare_idf: f32,
    /// Documents holding each figure: figures as heavy as rare words are
    /// specifics.
    pub(super) figure_df: &'a content::DocFrequencies,
    /// The weight a pair's passages need together ([`crate::Config::min_evidence`]).
    pub(super) min_evidence: f64,
    /// Publication time (seconds) of each document that has one.
    pub(super) dates: &'a [Option<i64>],
    /// Pairs published further apart need [`DISTANT_EVIDENCE_FACTOR`] times
    /// `min_evidence` ([`crate::Config::cycle_days`]).
    pub(super) cycle_days: Option<f64>,
    /// Pairs not listed only because their documents lie further apart
    /// than `cycle_days` (their passages weigh `min_evidence` or more, less
    /// than the doubled bar): counted for a warning.
    pub(super) distant_unlisted: AtomicUsize,
}

impl AlignStage<'_> {
    /// Aligns the verified pairs (verbatim seeds where the pair shares
    /// enough shingles, then passages over verbatim and reworded evidence);
    /// keeps the pairs that pass a threshold or share a passage.
    pub(super) fn align(
        &self,
        mut verified: Vec<Verified>,
        progress: &dyn Progress,
    ) -> Vec<Linked> {
        progress.start("aligning", verified.len() as u64);
        // Pairs grouped by their second document, which is indexed once for
        // reworded alignment.
        verified.par_sort_unstable_by_key(|v| (v.1, v.0));
        let groups: Vec<&[Verified]> = verified.chunk_by(|x, y| x.1 == y.1).collect();
        let mut linked: Vec<Linked> = groups
            .into_par_iter()
            .flat_map_iter(|group| {
                let b = group[0].1;
                let indexed = reworded::Indexed::new(
                    self.content[b as usize].side_with(&self.data[b as usize].token_hashes),
                    self.rework,
                );
                group
                    .iter()
                    .filter_map(|&(a, b, sim)| {
                        let l = self.align_pair(a, b, sim, &indexed);
                        progress.advance(1);
                        l
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        linked.par_sort_unstable_by_key(|l| (l.a, l.b));
        progress.finish();
        linked
    }

    /// Verbatim alignment (when the pair shares enough shingles; boilerplate
    /// shingles seed nothing, and passages made mostly of them are dropped),
    /// then passages over verbatim and reworded evidence, each weighed
    /// ([`Evidence::weight`], the lighter of its two sides): unless
    /// `all_passages` or the pair is near-duplicate or contained, a passage
    /// weighing less than [`MIN_EVIDENCE`] is dropped, and so are all the
    /// passages of a pair weighing less than `min_evidence` together, so a
    /// pair whose only shared text is formula, a name with its title or a
    /// stock sentence is not listed. Two documents both dated and published
    /// more than `cycle_days` apart need [`DISTANT_EVIDENCE_FACTOR`] times
    /// that weight ([`Self::evidence_bar`]). `None` when the pair neither
    /// passes a threshold nor shares a passage.
    fn align_pair(
        &self,
        a: u32,
        b: u32,
        sim: Similarity,
        indexed: &reworded::Indexed<'_>,
    ) -> Option<Linked> {
        let k = self.params.k;
        let ignore = |h: u64| self.boilerplate.contains(h);
        let (da, db) = (&self.data[a as usize], &self.data[b as usize]);
        let verbatim = self.verbatim_pairs.binary_search(&(a, b)).is_ok();
        let matches = if verbatim && sim.intersection >= self.min_shared {
            let mut m = align::align(&da.token_hashes, &db.token_hashes, self.params, &ignore);
            m.retain(|m| {
                !candidates::mostly_boilerplate(
                    &da.token_hashes[m.a.start as usize..m.a.end as usize],
                    k,
                    self.boilerplate,
                )
            });
            m
        } else {
            Vec::new()
        };
        let ca = &self.content[a as usize];
        let matches = reworded::passages_indexed(
            &ca.side_with(&da.token_hashes),
            indexed,
            &matches,
            self.rework,
        );
        // Near-duplicate and contained pairs are reuse whatever their
        // passages weigh: all are kept.
        let keep_all = self.all_passages || sim.passes(self.thresholds);
        let cb = &self.content[b as usize];
        let (mut matches, mut weights) = self.weigh((da, ca), (db, cb), matches, keep_all);
        let total: f64 = weights.iter().sum();
        let bar = self.evidence_bar(a, b);
        let long_copy = matches
            .iter()
            .zip(&weights)
            .any(|(m, &w)| is_long_copy(m) && w >= LONG_COPY_SHARE * bar);
        if !keep_all && total < bar && !long_copy {
            if total >= self.min_evidence {
                self.distant_unlisted.fetch_add(1, Ordering::Relaxed);
            }
            matches.clear();
            weights.clear();
        }
        (sim.passes(self.thresholds) || !matches.is_empty()).then(|| Linked {
            a,
            b,
            estimate: self.signatures[a as usize]
                .estimate_jaccard(&self.signatures[b as usize])
                .unwrap_or(f64::NAN),
            sim,
            matches,
            weights,
        })
    }

    /// The weight the passages of pair `(a, b)` need together: `min_evidence`,
    /// or [`DISTANT_EVIDENCE_FACTOR`] times it when both documents are dated
    /// and published more than `cycle_days` apart. A copy follows its source
    /// within the news cycle; the same daily bulletin, weekly column footer
    /// or ceremony template filled in again recurs over weeks and months,
    /// and between documents far apart in time it is the likelier reading of
    /// a short shared passage.
    fn evidence_bar(&self, a: u32, b: u32) -> f64 {
        let near = self
            .cycle_days
            .is_none_or(|d| crate::direction::within_days(self.dates, a as usize, b as usize, d));
        if near {
            self.min_evidence
        } else {
            self.min_evidence * DISTANT_EVIDENCE_FACTOR
        }
    }

    /// What the words substituted in place in passage `m` weigh
    /// ([`Aligned::substituted`]): [`SUBSTITUTED_WEIGHT`] each, times one
    /// minus how surely its slot is formula (the highest formula score of
    /// the substituted word and the words either side of it, on both
    /// sides). A slot in fresh prose is a synonym substituted in a copy; a
    /// slot in a formula's frame is a template filled in again (a cable to
    /// another head of state, another day's market close), no evidence.
    ///
    /// With the stems of the pairs substituted in fresh prose (slots whose
    /// formula score is below one half), first side then second.
    fn substituted(
        &self,
        (a, ca): (&DocData, &ContentDoc),
        (b, cb): (&DocData, &ContentDoc),
        m: &Aligned,
    ) -> (f64, Vec<(u32, u32)>) {
        if m.substituted.is_empty() {
            return (0.0, Vec::new());
        }
        let scores = |d: &DocData, r: &Range<u32>| {
            let r = r.start.saturating_sub(1)..r.end + 1;
            (
                r.start,
                self.evidence
                    .model
                    .range_scores(&d.token_hashes, &d.masks, r),
            )
        };
        let (sa, sb) = (scores(a, &m.a), scores(b, &m.b));
        // Highest score of token `i` and its neighbours.
        let slot = |(start, s): &(u32, Vec<f32>), i: u32| -> f32 {
            let k = (i - start) as usize;
            s[k.saturating_sub(1)..(k + 2).min(s.len())]
                .iter()
                .fold(0f32, |x, &y| x.max(y.clamp(0.0, 1.0)))
        };
        let mut fresh = Vec::new();
        let mut w = 0.0;
        for &(i, j) in &m.substituted {
            let f = slot(&sa, i).max(slot(&sb, j));
            w += SUBSTITUTED_WEIGHT * (1.0 - f64::from(f));
            if f < 0.5
                && let (Some(x), Some(y)) = (ca.stem_at(i), cb.stem_at(j))
            {
                fresh.push((x, y));
            }
        }
        (w, fresh)
    }

    /// What makes tokens `r` of a document specific: its rare figures (a
    /// sorted, distinct id list) and its rare words (sorted by id, distinct,
    /// each flagged when every occurrence lies in formula; see
    /// [`evidence::word_agreement`]): stems or figures weighing at least
    /// [`RARE_IDF`], or found in two documents only in a small corpus (`0.1`,
    /// `2015` or `30` are not specific, `4182` is). They are read in the
    /// sentences around the range ([`widen`]): a template's frame is shared
    /// up to its slots, which hold the names and figures that differ, so a
    /// passage cut at the slots holds no specific of its own.
    fn specifics(
        &self,
        d: &DocData,
        c: &ContentDoc,
        r: &Range<u32>,
    ) -> (Vec<u64>, Vec<(u64, bool)>) {
        let r = widen(&d.sentence_starts, d.token_hashes.len() as u32, r);
        let mut figures = Vec::new();
        self.evidence.figures(d.evidence(), r.clone(), &mut figures);
        let n = self.data.len();
        figures.retain(|&f| content::idf(self.figure_df.get(f), n) >= self.rare_idf);
        figures.sort_unstable();
        figures.dedup();
        let lo = c.pos.partition_point(|&p| p < r.start);
        let hi = c.pos.partition_point(|&p| p < r.end);
        // Formula as the model learned it: a template's frame is formula
        // however long it is (copied runs are not set apart here).
        let k = self.evidence.model.k();
        let n = d.token_hashes.len();
        let wl = (r.start as usize).saturating_sub(k - 1);
        let wh = (r.end as usize + k - 1).min(n);
        let mut masked = Vec::new();
        evidence::masked_hashes(&d.token_hashes[wl..wh], &d.masks[wl..wh], &mut masked);
        let mut scores = Vec::new();
        self.evidence.model.token_scores(&masked, &mut scores);
        let mut words: Vec<(u64, bool)> = (lo..hi)
            .filter(|&j| c.weight[j] >= self.rare_idf)
            .map(|j| {
                let formula = scores[c.pos[j] as usize - wl] >= 1.0;
                (u64::from(c.stem[j]), formula)
            })
            .collect();
        // A word is formula only when all its occurrences are.
        words.sort_unstable();
        words.dedup_by_key(|w| w.0);
        (figures, words)
    }

    /// The passages kept, with their weights: the content words outside
    /// formula that each side shares with the other (same stem), the
    /// lighter side's count,
    /// times the agreement of their specifics ([`evidence::agreement`] of
    /// figures, [`evidence::word_agreement`] of rare words: a template filled
    /// in with other figures or other names is not reuse).
    fn weigh(
        &self,
        (a, ca): (&DocData, &ContentDoc),
        (b, cb): (&DocData, &ContentDoc),
        matches: Vec<Aligned>,
        keep_all: bool,
    ) -> (Vec<Aligned>, Vec<f64>) {
        matches
            .into_iter()
            .map(|m| {
                let (sa, sb) = (ca.stems_in(&m.a), cb.stems_in(&m.b));
                let (fa, mut wa) = self.specifics(a, ca, &m.a);
                let (fb, mut wb) = self.specifics(b, cb, &m.b);
                let (subst, fresh) = self.substituted((a, ca), (b, cb), &m);
                // A rare word substituted in place in fresh prose is a
                // synonym, not a specific that disagrees.
                // (A word the other side holds is kept: it agrees.)
                // (Both lists are sorted by word id.)
                let holds =
                    |ws: &[(u64, bool)], x: u64| ws.binary_search_by_key(&x, |w| w.0).is_ok();
                let ra = wa.clone();
                wa.retain(|w| holds(&wb, w.0) || !fresh.iter().any(|f| w.0 == u64::from(f.0)));
                wb.retain(|w| holds(&ra, w.0) || !fresh.iter().any(|f| w.0 == u64::from(f.1)));
                // Figures and names are judged apart: a market close of
                // another day names the same companies with other figures.
                let agree = evidence::agreement(&fa, &fb).min(evidence::word_agreement(&wa, &wb));
                let shared = self
                    .evidence
                    .weight_shared(a.evidence(), m.a.clone(), |i| {
                        ca.stem_at(i).is_some_and(|s| sb.binary_search(&s).is_ok())
                    })
                    .min(self.evidence.weight_shared(b.evidence(), m.b.clone(), |i| {
                        cb.stem_at(i).is_some_and(|s| sa.binary_search(&s).is_ok())
                    }));
                let w = (shared + subst) * agree;
                (m, w)
            })
            .filter(|&(_, w)| keep_all || w >= MIN_EVIDENCE)
            .unzip()
    }
}

/// Tokens a verbatim passage has on both sides, at least, to be a *long
/// copy* ([`is_long_copy`]).
pub(super) const LONG_COPY_TOKENS: u32 = 30;

/// Share of the pair's evidence bar that one long copy ([`is_long_copy`])
/// must weigh to list the pair on its own.
pub(super) const LONG_COPY_SHARE: f64 = 0.75;

/// True when `m` is a *long copy*: a verbatim passage of at least
/// [`LONG_COPY_TOKENS`] tokens on both sides. Thirty words in the same
/// order are not shared by chance, and what keeps such a run from the bar is
/// seldom formula (a template changes within thirty words) but either prose
/// thick with function words or a wire item copied by so many outlets that
/// the formula model discounts part of it. Its weight still decides (formula
/// weighs nothing), against [`LONG_COPY_SHARE`] of the bar.
pub(super) fn is_long_copy(m: &Aligned) -> bool {
    m.kind == reworded::Kind::Verbatim
        && m.a.len() as u32 >= LONG_COPY_TOKENS
        && m.b.len() as u32 >= LONG_COPY_TOKENS
}

/// Tokens a passage's specifics are read beyond it, at most, on each side.
pub(super) const MAX_WIDEN: u32 = 24;

/// Tokens `r` of a document of `n` tokens whose sentences start at `starts`,
/// widened to the sentences they lie in, by at most [`MAX_WIDEN`] tokens on
/// each side.
pub(super) fn widen(starts: &[u32], n: u32, r: &Range<u32>) -> Range<u32> {
    let i = starts.partition_point(|&s| s <= r.start);
    let start = if i == 0 { 0 } else { starts[i - 1] };
    let j = starts.partition_point(|&s| s < r.end);
    let end = starts.get(j).copied().unwrap_or(n).max(r.end);
    start.max(r.start.saturating_sub(MAX_WIDEN))..end.min(r.end.saturating_add(MAX_WIDEN))
}

/// Content stems at least this heavy (IDF over the corpus, see
/// [`content::idf`]) are *rare words* for the agreement of specifics: found in
/// about `e^-4.5 ≈ 1.1%` of the documents or fewer (names, places, rare
/// words; the narrative level's anchors use the same bar). In a corpus too
/// small for that, words found in two documents or fewer.
pub(super) const RARE_IDF: f32 = 4.5;

#[cfg(test)]
mod tests {
    use super::{MAX_WIDEN, widen};

    #[test]
    fn widen_reads_the_sentences_around_a_range_and_no_further() {
        // Sentences start at tokens 0, 10, 20 and 100 of 200.
        let starts = [0, 10, 20, 100];
        assert_eq!(widen(&starts, 200, &(12..15)), 10..20);
        assert_eq!(widen(&starts, 200, &(10..20)), 10..20);
        assert_eq!(widen(&starts, 200, &(5..12)), 0..20);
        // A long sentence is read MAX_WIDEN tokens beyond the range at most.
        assert_eq!(
            widen(&starts, 200, &(50..60)),
            50 - MAX_WIDEN..60 + MAX_WIDEN
        );
        assert_eq!(
            widen(&starts, 200, &(150..160)),
            100.max(150 - MAX_WIDEN)..184
        );
        assert_eq!(widen(&[], 30, &(3..7)), 0..30);
    }
}
