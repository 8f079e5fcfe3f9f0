//! Narrative links: passages that tell the same story in other words.
//!
//! Verbatim alignment ([`align`](crate::passages::align)) needs shared word runs. Outlets
//! that retell a story share none, yet they share its *distinctive words*:
//! `اعتقالات … السلفيين الجهاديين … حماس` in one article, `الاعتقال … حماس ضد
//! السلفيين الجهاديين` in another. This module finds such passage pairs.
//!
//! ## Method
//!
//! 1. **Content terms.** Every token that is not a stop word
//!    ([`stem::is_stop_word`](crate::text::stem::is_stop_word)) is reduced to its
//!    light10 stem ([`stem::light10`](crate::text::stem::light10)), with two
//!    back-offs ([`narrative_stem`]): where light10 eats a root letter and
//!    leaves a stop word or under 3 letters (`ولايه` → `لا`), and where a
//!    proclitic `ل`/`ب` hides a word seen elsewhere (`لحماس` → `حماس`).
//!    Terms found in one document only cannot be shared: they are not stored,
//!    and enter a window's norm at [`NarrativeParams::lonely_weight`].
//!    Stems of one derived verb (forms VII, VIII, X:
//!    [`stem::verb_form_key`](crate::text::stem::verb_form_key)) are one term:
//!    `اعتقال`, `اعتقلت`, `يعتقل` (a derivation match, see step 5).
//! 2. **Term weights.** A stem's weight is an IDF blended from two sources:
//!    a built-in *background* document frequency table
//!    (`src/narrative/background-df.tsv`, derived from one day of Saudi news, see
//!    its header) and the corpus itself. With `N` corpus documents and `M =`
//!    [`NarrativeParams::background_docs`] pseudo-documents for the
//!    background,
//!    `base = (M·idf_bg + N·idf_corpus) / (M + N)`, so a small corpus leans on
//!    the background and a large one on itself. A term found in most corpus
//!    documents (the topic words, the names in every article) cannot tell
//!    passages apart, whatever the background says, so `base` is multiplied
//!    by `1 − c·s²`, where `s = (df − 1)/(N − 1)` is the share of the other
//!    documents that contain the term and `c = N/(N + 3)` the confidence in
//!    that share. A term weighing at least [`NarrativeParams::min_term_weight`]
//!    is *distinctive*.
//! 3. **Windows.** The sentences of [`tokenize::sentences`](crate::text::sentences::sentences)
//!    are merged until a window holds at least
//!    [`NarrativeParams::min_window`] content tokens; longer runs are cut into
//!    windows of [`NarrativeParams::max_window`] tokens overlapping by half.
//!    A window is a vector of `(1 + ln tf) · weight` over its stems.
//! 4. **Candidates** (scales to large corpora): each window is indexed under
//!    its [`NarrativeParams::prefix_terms`] heaviest distinctive stems (prefix
//!    filtering); two windows of different documents are candidates when they
//!    share at least two indexed stems. The index is keyed by *pairs* of
//!    indexed stems, so its lists are short; a window pair is scored once,
//!    under its smallest shared key (its two rarest shared stems), without a
//!    global set of pairs. Stems indexed by more than
//!    [`NarrativeParams::max_postings`] windows are skipped; so are keys found
//!    in more than [`NarrativeParams::max_key_postings`] windows (a formula or
//!    a theme, not one story), and keys found less often than
//!    [`NarrativeParams::min_key_lift`] times what their two stems would give
//!    by chance. The work per window is then bounded.
//! 5. **Scoring.** The exact cosine of the two vectors. A shared stem whose
//!    occurrences differ beyond inflection (`حمله` campaign / `حمل` carried,
//!    `قياده` / `قيادي`: different *fine forms*, see [`fine_form`]) counts
//!    [`NarrativeParams::derived_match`] instead of 1. A pair is a link when
//!    the cosine reaches [`NarrativeParams::threshold`] and the shared
//!    distinctive stems give at least [`NarrativeParams::min_terms`] units of
//!    evidence, where stems adjacent in BOTH windows form one unit
//!    (`كتائب القسام`, `ابو بكر البغدادي` are one name, not two pieces of
//!    evidence). Overlap made of common words or one name is not a narrative.
//!    **Collocations**: two adjacent words (no word between) whose
//!    pair recurs in the corpus and makes up at least half of the uses of one
//!    of them are a fixed phrase (`لواء التوحيد`, `الجناح العسكري`). A shared
//!    word inside a fixed phrase in one passage and outside it (or in another)
//!    in the other matches as a derivation only (`لواء التوحيد` / `راية
//!    التوحيد`; `الجناح العسكري` / `الجناح المسلح`), and a link needs at least
//!    one shared word that is free of fixed phrases in both passages: names
//!    and formulas alone (`ابو بكر البغدادي`, `ولاية سيناء`, `خادم الحرمين
//!    الشريفين`) are not a story.
//! 6. **Anchors**: a link also needs
//!    [`NarrativeParams::min_anchors`] units of shared *anchors*, terms few
//!    documents contain (weight ≥ [`NarrativeParams::anchor_weight`]): names,
//!    places, rare words, figures; and its figures must not conflict. Windows
//!    are indexed under their anchors only. There is no group support: a
//!    window under the bar is no link. **Context**: a link whose two documents share no other word anchor
//!    outside the linked passages ([`NarrativeIndex::context`]) needs
//!    [`NarrativeParams::lone_anchors`] shared anchor terms: a background
//!    paragraph, a list of one club's names or a formula found in two
//!    otherwise unrelated articles is no story. (The pipeline also asks a
//!    context of late links, between documents published more than a day
//!    and a half apart.)
//! 7. **Merging.** Links between the same two documents whose windows are
//!    the same or consecutive in both documents merge into one passage pair.
//!
//! [`group`] then joins passages (narrative links, and verbatim passages
//! given as [`Link`]s) that overlap within a document into
//! [`NarrativeGroup`]s across documents: star clustering, the most-linked
//! passage with its partners. [`NarrativeIndex::group`] also checks each
//! member against the star's evidence terms (the terms its centre and direct
//! partners share most, which its label shows): a partner must hold one of
//! them, a passage two links away two, or one that the star passage it is
//! linked to also holds. A passage that only overlaps a linked passage of its
//! document, or is linked through a name or a title, stays out.
//!
//! Output is deterministic: the same input gives the same links in the same
//! order, whatever the number of threads.
//!
//! ## Known limits
//!
//! Evidence is lexical; the key terms of every link are reported so that a
//! reader can judge. Courtesy formulas
//! and site boilerplate repeated across outlets also look like shared
//! narratives: drop links covered by verbatim or boilerplate passages
//! ([`without_verbatim`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::span::Span;
use crate::text::normalize::NormalizeOptions;

mod anchors;
mod candidates;
mod grouping;
mod model;
mod read;

use candidates::{Covered, merge_links};
pub use grouping::group;
use grouping::group_with;
use model::Model;
use read::note;
pub use read::{ReadTokens, content_stems, fine_form, narrative_stem};

/// Parameters of the narrative level. `Default` gives the tuned values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NarrativeParams {
    /// Minimum cosine similarity of two windows' weighted stem vectors
    /// (`--narrative-threshold`), in `0..=1`.
    pub threshold: f32,
    /// Minimum number of distinctive stems two windows must share.
    pub min_terms: usize,
    /// Weight a stem needs to count as distinctive (see the module docs).
    pub min_term_weight: f32,
    /// Sentences are merged until a window has this many content tokens.
    pub min_window: usize,
    /// Longer runs are cut into windows of this many content tokens,
    /// overlapping by half.
    pub max_window: usize,
    /// Number of heaviest distinctive stems under which a window is indexed.
    pub prefix_terms: usize,
    /// Stems indexed by more windows than this are not used as keys.
    pub max_postings: usize,
    /// Keys (pairs of indexed stems) shared by more windows than this are
    /// no evidence and are skipped; this bounds the work per window, so
    /// candidate generation grows linearly with the corpus.
    pub max_key_postings: usize,
    /// A key (pair of indexed stems) must be found in at least this many
    /// times the windows its two stems would share by chance
    /// (`count(a) · count(b) / windows`): stems that meet less often than
    /// independent words would are no evidence of one story. It does not
    /// bite on small corpora; on large ones it drops chance meetings of
    /// common words.
    pub min_key_lift: f32,
    /// Strength of the background table, in pseudo-documents (`M`).
    pub background_docs: f32,
    /// Maximum number of key terms reported per link.
    pub max_key_terms: usize,
    /// Factor applied to the weight of terms found in one document only
    /// when they enter a window's norm (they cannot be shared).
    pub lonely_weight: f32,
    /// Value of a match between different derivations of one light10 stem
    /// (`حمل`/`حمله`, `قيادي`/`قياده`), relative to 1 for an inflectional
    /// match (`اعتقال`/`اعتقالات`); applied to the score and the evidence.
    pub derived_match: f32,
    /// Weight a term needs to *anchor* a story (see the module docs): a
    /// name, a place, a rare word or a figure that few documents contain.
    /// With `N` documents a term found in about `N·e^-anchor_weight` of them
    /// or fewer is an anchor; topic words and formulas never are.
    pub anchor_weight: f32,
    /// Anchor evidence a link needs: shared anchors, a run of anchors
    /// adjacent in both passages (one name) counting once, a derivation
    /// [`derived_match`](Self::derived_match), a shared figure
    /// [`number_match`](Self::number_match).
    pub min_anchors: f32,
    /// Value of a shared distinctive figure (digits) in the anchor evidence.
    pub number_match: f32,
    /// Shared anchor terms a link needs when its two documents share no
    /// other word anchor ([`NarrativeIndex::context`] 0): a background
    /// paragraph, a list of names or a formula found in two otherwise
    /// unrelated articles is no story; a story told in two short items
    /// shares many of its names and words.
    pub lone_anchors: usize,
}

impl Default for NarrativeParams {
    fn default() -> Self {
        NarrativeParams {
            threshold: 0.31,
            min_terms: 2,
            min_term_weight: 2.0,
            min_window: 8,
            max_window: 20,
            prefix_terms: 12,
            max_postings: 20_000,
            max_key_postings: 500,
            min_key_lift: 1.0,
            background_docs: 50.0,
            max_key_terms: 8,
            lonely_weight: 0.5,
            derived_match: 0.5,
            anchor_weight: 4.5,
            min_anchors: 3.0,
            number_match: 1.5,
            lone_anchors: 5,
        }
    }
}

/// One document as the narrative level sees it: its text and its sentences
/// (from [`sentences`](crate::text::sentences::sentences)). [`NarrativeIndex::build`]
/// tokenizes the text itself.
#[derive(Clone, Copy, Debug)]
pub struct NarrativeDoc<'a> {
    /// The original text.
    pub text: &'a str,
    /// Its sentences (spans into `text`), in text order.
    pub sentences: &'a [Span],
    /// Token ranges (in the order of [`Tokenizer`](crate::text::tokenize::Tokenizer)'s
    /// tokens of `text` with the index's normalization) that are formula
    /// (see [`crate::evidence`]), sorted and disjoint: their words are not
    /// read, since stock text is never evidence of one story. Empty when
    /// no formula is known.
    pub formula: &'a [std::ops::Range<u32>],
}

/// A pair of passages in two documents that tell the same story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Document index (into the slice given to [`find_links`]) and byte span
    /// of the original text of the first passage. `a.0 < b.0`.
    pub a: (usize, Span),
    /// Document index and byte span of the second passage.
    pub b: (usize, Span),
    /// Number of tokens (stop words included) overlapping passage `a`.
    pub tokens_a: usize,
    /// Number of tokens overlapping passage `b`.
    pub tokens_b: usize,
    /// Cosine similarity of the passages' weighted stem vectors (the best
    /// window pair when several were merged). Verbatim passages handed to
    /// [`group`] may carry any score.
    pub score: f32,
    /// The shared distinctive terms, heaviest first, spelled as in the
    /// original text of passage `a`.
    pub terms: Vec<String>,
    /// The same terms spelled as in passage `b` (parallel to `terms`).
    pub terms_b: Vec<String>,
}

/// One passage of a [`NarrativeGroup`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Member {
    /// Document index.
    pub doc: usize,
    /// Byte span of the original text.
    pub span: Span,
}

/// Passages of several documents joined by links: one story told across
/// documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NarrativeGroup {
    /// The passages, sorted by document then offset. Overlapping passages of
    /// one document are merged.
    pub members: Vec<Member>,
    /// Number of distinct documents among the members.
    pub n_docs: usize,
    /// A label: the heaviest stems shared by the most documents of the group,
    /// in an original spelling.
    pub label: Vec<String>,
    /// The member with the most (and strongest) links.
    pub representative: Member,
    /// Number of links inside the group.
    pub links: usize,
}

/// The narrative level over one corpus: its documents read once (compact
/// per-document content, no tokens kept), ready to [find
/// links](Self::find_links) and to [group](Self::group) passages into
/// narratives with labels.
pub struct NarrativeIndex<'a> {
    model: Model<'a>,
    params: NarrativeParams,
}

impl std::fmt::Debug for NarrativeIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NarrativeIndex")
            .field("documents", &self.model.texts.len())
            .field("windows", &self.model.windows.len())
            .field("terms", &self.model.weights.len())
            .field("params", &self.params)
            .finish()
    }
}

impl<'a> NarrativeIndex<'a> {
    /// Read the documents: tokenize each (with `normalize`, in parallel),
    /// keep its content terms, weigh the terms over the corpus and lay out
    /// the windows. Memory grows with the number of content tokens (about
    /// 17 bytes each, plus the windows); the tokens are not kept.
    pub fn build(
        docs: &[NarrativeDoc<'a>],
        normalize: NormalizeOptions,
        params: &NarrativeParams,
    ) -> NarrativeIndex<'a> {
        NarrativeIndex {
            model: Model::build(docs, normalize, params, None),
            params: params.clone(),
        }
    }

    /// [`build`](Self::build), keeping the tokens of the documents marked
    /// in `keep` (indexed like `docs`): per document the [`ReadTokens`]
    /// of its text, `None` when not asked for (or when the text is not
    /// read: 4 GiB or more). A caller that needs those tokens too (the
    /// report's span map) does not tokenize the documents again.
    pub fn build_keeping_tokens(
        docs: &[NarrativeDoc<'a>],
        normalize: NormalizeOptions,
        params: &NarrativeParams,
        keep: &[bool],
    ) -> (NarrativeIndex<'a>, Vec<Option<ReadTokens>>) {
        let mut model = Model::build(docs, normalize, params, Some(keep));
        let tokens = std::mem::take(&mut model.tokens);
        let index = NarrativeIndex {
            model,
            params: params.clone(),
        };
        (index, tokens)
    }

    /// The parameters the index was built with.
    pub fn params(&self) -> &NarrativeParams {
        &self.params
    }

    /// Number of windows (runs of content tokens compared across documents).
    pub fn windows(&self) -> usize {
        self.model.windows.len()
    }

    /// Find narrative links between passages of different documents.
    ///
    /// Links are sorted by `(a.0, b.0, a.1, b.1)`; `a.0 < b.0` always. Empty
    /// and very short documents simply produce no windows.
    pub fn find_links(&self) -> Vec<Link> {
        self.find_links_beside(&[])
    }

    /// [`find_links`](Self::find_links) beside verbatim passage pairs
    /// (alignment's, in the [`Link`] shape): window pairs that a verbatim
    /// pair overlaps on both sides are not scored, and links such a pair
    /// overlaps are dropped ([`without_verbatim`]).
    pub fn find_links_beside(&self, verbatim: &[Link]) -> Vec<Link> {
        let t0 = std::time::Instant::now();
        let (model, params) = (&self.model, &self.params);
        let covered = (!verbatim.is_empty()).then(|| Covered::new(verbatim));
        let raw = model.scored_pairs(params, params.threshold, covered.as_ref());
        let mut links = without_verbatim(merge_links(model, raw, params), verbatim);
        links.retain(|l| {
            (l.terms.len() >= params.lone_anchors || self.context(l) > 0)
                && !model.figures_differ(l.a.0, l.b.0, params)
        });
        note("links", t0);
        links
    }

    /// The context of link `l` (its documents index the index was built
    /// from): the word anchors its two documents share outside the linked
    /// passages, not counting those found in either passage. Two tellings
    /// of one story share more than one paragraph's names (the place, the
    /// people, the outcome told elsewhere in each article); two articles
    /// that share only a background paragraph, a list of names or a
    /// formula share little else.
    pub fn context(&self, l: &Link) -> usize {
        self.model.context(l.a, l.b, &self.params)
    }

    /// Join passages that overlap within a document into narratives across
    /// documents, labelled with the words their documents share (see
    /// [`group`]). Unlike [`group`], a passage stays in a narrative only when
    /// it holds the narrative's evidence terms (see the module notes), so the
    /// groups are those of [`group`] less the passages that do not tell
    /// their story. `links` may mix narrative links from
    /// [`find_links`](Self::find_links) and verbatim passage pairs; their
    /// document indices refer to the documents the index was built from.
    pub fn group(&self, links: &[Link]) -> Vec<NarrativeGroup> {
        let t0 = std::time::Instant::now();
        let groups = group_with(links, Some((&self.model, &self.params)));
        note("groups", t0);
        groups
    }
}

/// Find narrative links between passages of different documents: builds a
/// [`NarrativeIndex`] and calls [`NarrativeIndex::find_links`].
pub fn find_links(
    docs: &[NarrativeDoc],
    normalize: NormalizeOptions,
    params: &NarrativeParams,
) -> Vec<Link> {
    NarrativeIndex::build(docs, normalize, params).find_links()
}

/// Drop the narrative links already explained by verbatim reuse: a link is
/// dropped when a verbatim passage pair between the same two documents
/// overlaps both of its passages. `verbatim` uses the [`Link`] shape (from
/// alignment; `terms` may be empty). Order is kept.
pub fn without_verbatim(links: Vec<Link>, verbatim: &[Link]) -> Vec<Link> {
    let mut by_pair: HashMap<(usize, usize), Vec<(Span, Span)>> = HashMap::new();
    for v in verbatim {
        let (x, y) = if v.a.0 <= v.b.0 {
            (v.a, v.b)
        } else {
            (v.b, v.a)
        };
        by_pair.entry((x.0, y.0)).or_default().push((x.1, y.1));
    }
    links
        .into_iter()
        .filter(|l| {
            by_pair.get(&(l.a.0, l.b.0)).is_none_or(|vs| {
                !vs.iter()
                    .any(|(sa, sb)| sa.overlaps(l.a.1) && sb.overlaps(l.b.1))
            })
        })
        .collect()
}
