//! Passages between two documents: seed → extend → filter over verbatim and
//! reworded evidence.
//!
//! [`verbatim`](super::align) finds text copied word for word. Reuse is often
//! edited: synonyms substituted, phrases or whole sentences reordered, words
//! shuffled. This module joins every kind of evidence two documents share
//! into whole passages, one per reuse case.
//!
//! # Algorithm
//!
//! Everything works on the *content tokens* of each document (tokens that
//! are not stop words, each reduced to a light10 stem id with a weight, see
//! [`ContentSide`]); positions are indices into that sequence.
//!
//! 1. **Seeds** of three kinds, each a rectangle `[a0, a1) × [b0, b1)`:
//!    - *verbatim*: the passages of the verbatim aligner, as given;
//!    - *window*: windows of [`ReworkParams::window`] content tokens
//!      (overlapping by half) whose weighted stem vectors have a cosine of
//!      at least [`ReworkParams::seed_cosine`]: a sentence with synonyms
//!      substituted or its phrases reordered;
//!    - *anchor*: a stem found at most [`ReworkParams::anchor_max_occ`] times
//!      in each document (and not common in the corpus): each pair of its
//!      occurrences. Rare words survive any reordering, even a shuffle of
//!      every word of a paragraph, where no window keeps its partner.
//! 2. **Extension** joins seeds by proximity in *each* document, not along
//!    one diagonal: the seeds are split wherever a gap of more than
//!    [`ReworkParams::gap`] content tokens opens in the first document, each
//!    part wherever one opens in the second, and so on until no part splits.
//!    Reordered sentences or shuffled words of one passage stay one cluster;
//!    two passages apart in either document become two.
//! 3. **Validation.** A cluster's bounding rectangle is trimmed at both ends
//!    of both sides while the end token's stem is more frequent in its side
//!    than in the other (a word the other side does not hold), and scored by
//!    the weighted Dice coefficient of the two stem multisets. A cluster
//!    below [`ReworkParams::min_similarity`] is split again with half the
//!    gap (down to [`ReworkParams::min_gap`]), as in Sanchez-Perez, Sidorov
//!    and Gelbukh's PAN 2014 text aligner, whose extension this follows.
//! 4. **Filter.** A passage without verbatim evidence needs
//!    [`ReworkParams::min_matched`] matched content tokens, and one below
//!    [`ReworkParams::strong_similarity`] must keep the order of what it
//!    shares ([`ReworkParams::min_order`]): synonyms substituted in a text
//!    keep its order, two texts that merely share a topic do not. Anchors
//!    alone need [`ReworkParams::min_anchors`] of them. The matched weight
//!    a passage needs counts the words substituted in place too
//!    (`validate::frame`, [`Aligned::substituted`]): a content word facing
//!    another between the same words on both sides. Overlaps are
//!    resolved best first: a passage overlapping (in either document) one
//!    already kept is dropped.
//!
//! A cluster made of verbatim seeds only, or whose rectangle the verbatim
//! seeds cover almost entirely, gives the verbatim passages unchanged
//! ([`Kind::Verbatim`]); otherwise the passage is [`Kind::Reworded`] (no
//! verbatim seed) or [`Kind::Mixed`].
//!
//! Files: this one holds the types and runs the steps; `seeds.rs` is step 1,
//! `extend.rs` step 2, `validate.rs` steps 3 and 4.

mod extend;
mod seeds;
mod validate;

use std::ops::Range;

use super::align::Match;
use extend::{cluster, resolve};
use seeds::{StemIndex, anchor_seeds, vector, window_seeds, windows};
pub use validate::SUBSTITUTED_WEIGHT;
use validate::Scorer;

/// Parameters of passage finding over reworded evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReworkParams {
    /// Content tokens per window seed (windows overlap by half).
    pub window: usize,
    /// Cosine two windows need to seed.
    pub seed_cosine: f32,
    /// A stem seeds anchors when found at most this many times in each document.
    pub anchor_max_occ: usize,
    /// Weight (IDF) a stem needs to seed anchors: common words anchor nothing.
    pub anchor_min_weight: f32,
    /// Largest gap, in content tokens of either document, bridged by extension.
    pub gap: usize,
    /// Smallest gap tried when a cluster fails validation.
    pub min_gap: usize,
    /// Weighted Dice of the two stem multisets a passage needs.
    pub min_similarity: f32,
    /// A passage below this weighted Dice (and at least `min_similarity`)
    /// must keep the order of its words: synonyms substituted in a sentence
    /// keep it, two texts that merely share a topic do not.
    pub strong_similarity: f32,
    /// Share of the matched content tokens found in the same order on both
    /// sides (longest common subsequence of stems over matched tokens) that
    /// such a passage needs.
    pub min_order: f32,
    /// Content tokens matched between the two sides (`Σ min(count_a,
    /// count_b)` over stems) that a passage without verbatim evidence needs.
    pub min_matched: usize,
    /// Matched weight (`Σ weight · min(count_a, count_b)`) such a passage
    /// needs: its shared words must be rarer on average than the stock
    /// words of titles and formulas found in many documents.
    pub min_matched_weight: f32,
    /// Anchors a cluster of anchors alone needs.
    pub min_anchors: usize,
}

impl Default for ReworkParams {
    fn default() -> Self {
        ReworkParams {
            window: 12,
            seed_cosine: 0.4,
            anchor_max_occ: 2,
            anchor_min_weight: 2.0,
            gap: 16,
            min_gap: 4,
            min_similarity: 0.4,
            strong_similarity: 0.7,
            min_order: 0.8,
            min_matched: 10,
            min_matched_weight: 25.0,
            min_anchors: 4,
        }
    }
}

/// The content tokens of one document.
#[derive(Clone, Copy, Debug)]
pub struct ContentSide<'a> {
    /// Token index (into the document's tokens) of every content token, increasing.
    pub pos: &'a [u32],
    /// Stem id of every content token.
    pub stem: &'a [u32],
    /// Weight of every content token's stem (an IDF, positive).
    pub weight: &'a [f32],
    /// `(stem, content position)` for every content token, sorted; or empty,
    /// to have it computed for each pair.
    pub occ: &'a [(u32, u32)],
    /// The hash of every token of the document (content or not), indexed
    /// like `pos`; or empty, when words substituted in place are not looked
    /// for (see [`Aligned::substituted`]).
    pub tokens: &'a [u64],
}

impl ContentSide<'_> {
    fn len(&self) -> usize {
        self.pos.len()
    }

    /// Content indices of the tokens in `range`.
    fn content_range(&self, range: &Range<u32>) -> Range<u32> {
        let s = self.pos.partition_point(|&p| p < range.start) as u32;
        let e = self.pos.partition_point(|&p| p < range.end) as u32;
        s..e
    }

    /// Token range from the first to the last content token of `range`.
    fn token_range(&self, range: Range<u32>) -> Range<u32> {
        if range.is_empty() {
            return 0..0;
        }
        self.pos[range.start as usize]..self.pos[range.end as usize - 1] + 1
    }
}

/// How a passage was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A verbatim passage, as the verbatim aligner found it.
    Verbatim,
    /// Reworded evidence only.
    Reworded,
    /// Verbatim passages joined with reworded evidence.
    Mixed,
}

/// A passage shared by two documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Aligned {
    /// Token range in the first document.
    pub a: Range<u32>,
    /// Token range in the second document.
    pub b: Range<u32>,
    /// How it was found.
    pub kind: Kind,
    /// Verbatim: the token identity of the match. Otherwise the weighted
    /// Dice coefficient of the two sides' content stems.
    pub score: f64,
    /// Verbatim: identical tokens. Otherwise content tokens of the smaller
    /// side that match the other side.
    pub matched_tokens: u32,
    /// Content words substituted in place, as token indices in `a` and `b`:
    /// pairs of content words, one on each side, in the same slot between
    /// the same words (a gap of at most two tokens on both sides of the
    /// longest common subsequence of their tokens, content words compared by
    /// stem). Synonyms substituted in a copied text keep its other words
    /// around them; two texts on one topic share words, not slots. A
    /// template filled in again does too: its frame is formula, which the
    /// evidence weight reads (see `pipeline::alignment`).
    pub substituted: Vec<(u32, u32)>,
}

const VERBATIM: u8 = 0;
const WINDOW: u8 = 1;
const ANCHOR: u8 = 2;

/// Evidence: a rectangle of content positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seed {
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
    kind: u8,
    /// Index of the verbatim match (verbatim seeds).
    id: u32,
}

/// A passage before overlaps are resolved.
struct Candidate {
    a: Range<u32>,
    b: Range<u32>,
    kind: Kind,
    score: f64,
    matched: u32,
    /// Matched weight: the order in which overlaps are resolved.
    strength: f64,
    /// Content words substituted in place.
    substituted: Vec<(u32, u32)>,
}

/// The passages `a` and `b` share, from their `verbatim` matches (as the
/// verbatim aligner found them) and reworded evidence. Sorted by their start
/// in `a`; the `a` ranges never overlap one another, nor do the `b` ranges.
pub fn passages(
    a: &ContentSide<'_>,
    b: &ContentSide<'_>,
    verbatim: &[Match],
    params: &ReworkParams,
) -> Vec<Aligned> {
    passages_indexed(a, &Indexed::new(*b, params), verbatim, params)
}

/// The second document of [`passages`] prepared once for all its pairs
/// (its windows' stem vectors and where each stem occurs): a document paired
/// with many others is indexed once.
pub struct Indexed<'a> {
    side: ContentSide<'a>,
    index: StemIndex<'a>,
    windows: Vec<Range<u32>>,
    norms: Vec<f32>,
    /// `(stem, window, value)` sorted by stem then window.
    post: Vec<(u32, u32, f32)>,
    /// The vector of every window, `(stem, value)` sorted by stem, one
    /// after the other: window `k` is `vecs[offsets[k]..offsets[k + 1]]`.
    vecs: Vec<(u32, f32)>,
    offsets: Vec<u32>,
    window: usize,
}

impl<'a> Indexed<'a> {
    /// Indexes `b` for windows of `params.window` content tokens.
    pub fn new(b: ContentSide<'a>, params: &ReworkParams) -> Indexed<'a> {
        let wb = windows(b.len(), params.window);
        let mut v = Vec::new();
        let mut norms = Vec::with_capacity(wb.len());
        let mut post: Vec<(u32, u32, f32)> = Vec::new();
        let mut vecs = Vec::new();
        let mut offsets = vec![0u32];
        for (k, r) in wb.iter().enumerate() {
            norms.push(vector(&b, r, &mut v));
            post.extend(v.iter().map(|&(s, x, _)| (s, k as u32, x)));
            vecs.extend(v.iter().map(|&(s, x, _)| (s, x)));
            offsets.push(vecs.len() as u32);
        }
        post.sort_unstable_by_key(|x| (x.0, x.1));
        Indexed {
            side: b,
            index: StemIndex::new(&b),
            windows: wb,
            norms,
            post,
            vecs,
            offsets,
            window: params.window,
        }
    }
}

/// [`passages`] with the second document already indexed (with the same
/// `params`).
pub fn passages_indexed(
    a: &ContentSide<'_>,
    ib: &Indexed<'_>,
    verbatim: &[Match],
    params: &ReworkParams,
) -> Vec<Aligned> {
    let p = params;
    debug_assert_eq!(ib.window, p.window);
    let b = &ib.side;
    let mut seeds: Vec<Seed> = Vec::new();
    let mut loose: Vec<usize> = Vec::new();
    for (k, m) in verbatim.iter().enumerate() {
        let (ca, cb) = (a.content_range(&m.a), b.content_range(&m.b));
        if ca.is_empty() || cb.is_empty() {
            loose.push(k);
        } else {
            seeds.push(Seed {
                a0: ca.start,
                a1: ca.end,
                b0: cb.start,
                b1: cb.end,
                kind: VERBATIM,
                id: k as u32,
            });
        }
    }
    let n_verbatim = seeds.len();
    if a.len() > 0 && b.len() > 0 {
        let index_a = StemIndex::new(a);
        window_seeds(a, &index_a, ib, p, &mut seeds);
        anchor_seeds(a, &index_a, &ib.index, p, &mut seeds);
    }
    let mut cands: Vec<Candidate> = loose
        .iter()
        .map(|&k| verbatim_candidate(&verbatim[k]))
        .collect();
    if seeds.len() > n_verbatim {
        let mut scorer = Scorer::default();
        for c in cluster(seeds, p.gap as u32) {
            resolve(c, p.gap as u32, a, b, verbatim, p, &mut scorer, &mut cands);
        }
    } else {
        cands.extend(verbatim.iter().map(verbatim_candidate));
    }
    let mut out = choose(cands);
    // A verbatim passage with words that differ inside: substitutions in place.
    for m in out
        .iter_mut()
        .filter(|m| m.kind == Kind::Verbatim && m.score < 1.0)
    {
        m.substituted = validate::frame_tokens(a, b, m.a.clone(), m.b.clone()).substituted;
    }
    out
}

fn verbatim_candidate(m: &Match) -> Candidate {
    Candidate {
        a: m.a.clone(),
        b: m.b.clone(),
        kind: Kind::Verbatim,
        score: m.score,
        matched: m.matched_tokens,
        // Verbatim evidence first: a verbatim passage beats a reworded
        // passage of the same size.
        strength: 4.0 * f64::from(m.matched_tokens),
        substituted: Vec::new(),
    }
}

/// Keeps the strongest candidates that overlap no stronger one in either
/// document; sorted by their start in `a`.
fn choose(mut cands: Vec<Candidate>) -> Vec<Aligned> {
    cands.sort_by(|x, y| {
        y.strength.total_cmp(&x.strength).then(
            (x.a.start, x.b.start, x.a.end, x.b.end).cmp(&(y.a.start, y.b.start, y.a.end, y.b.end)),
        )
    });
    let mut kept: Vec<Candidate> = Vec::new();
    for c in cands {
        let clash = kept.iter().any(|k| clashes(k, &c));
        if !clash {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| (c.a.start, c.b.start));
    kept.into_iter()
        .map(|c| Aligned {
            a: c.a,
            b: c.b,
            kind: c.kind,
            score: c.score,
            matched_tokens: c.matched,
            substituted: c.substituted,
        })
        .collect()
}

/// Tokens `x` and `y` share.
fn overlap(x: &Range<u32>, y: &Range<u32>) -> u32 {
    x.end.min(y.end).saturating_sub(x.start.max(y.start))
}

/// Two candidates clash when they overlap in both documents: the same
/// reuse found twice. A text reused twice (once in each of two places of the
/// other document) overlaps in one document only, and both are kept.
fn clashes(x: &Candidate, y: &Candidate) -> bool {
    overlap(&x.a, &y.a) > 0 && overlap(&x.b, &y.b) > 0
}

#[cfg(test)]
mod tests;
