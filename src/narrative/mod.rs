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
//! 6. **Group support.** A window not linked at the bar joins a narrative
//!    through its best pair scoring at least
//!    [`NarrativeParams::group_support`] × threshold (with the evidence above)
//!    when its partner window is linked at the bar to a third document and
//!    the pair shares a term of that link's evidence: the term is then found
//!    in three tellings, two of which agree at the bar. Such links report
//!    their own (lower) score.
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
//! reader can judge. Group support trades precision for recall on large
//! corpora (on one day of Saudi news it adds about a third more links, most
//! of them weak); `group_support = 1` turns it off. Courtesy formulas
//! and site boilerplate repeated across outlets also look like shared
//! narratives: drop links covered by verbatim or boilerplate passages
//! ([`without_verbatim`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cluster::UnionFind;
use crate::span::Span;
use crate::text::normalize::NormalizeOptions;
use crate::text::stem::{is_stop_word, light10, light10_no_waw, strip_article, verb_form_key};
use crate::text::tokenize::{Tokenizer, Tokens};

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
    /// Group support, as a fraction of [`threshold`](Self::threshold): a
    /// pair scoring at least `group_support × threshold` (with the evidence
    /// [`min_terms`](Self::min_terms) asks for) is also a link when one of
    /// its passages is linked at the bar and the pair shares a term of that
    /// narrative group's evidence. `1` turns support off.
    pub group_support: f32,
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
            group_support: 0.5,
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

// ---------------------------------------------------------------------------
// Background document frequencies

/// The background table: `(number of documents, stem → document frequency)`.
static BACKGROUND: LazyLock<(f32, HashMap<&'static str, u32>)> = LazyLock::new(|| {
    let mut docs = 1.0f32;
    let mut map = HashMap::new();
    for line in include_str!("background-df.tsv").lines() {
        if let Some(rest) = line.strip_prefix("#docs\t") {
            docs = rest.trim().parse().unwrap_or(1.0);
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some((stem, df)) = line.split_once('\t') {
            if let Ok(df) = df.trim().parse() {
                map.insert(stem, df);
            }
        }
    }
    (docs, map)
});

/// Background IDF of a stem: `ln((Nb + 1) / (df + 0.5))`; stems missing from
/// the table (seen in fewer documents than its cut-off) count as `df = 1`.
#[cfg(test)]
fn background_idf(stem: &str) -> f32 {
    background_idf_of(BACKGROUND.1.get(stem).copied().unwrap_or(1))
}

/// Background IDF of a background document frequency.
fn background_idf_of(df: u32) -> f32 {
    let n = BACKGROUND.0;
    ((n + 1.0) / (df.min(n as u32) as f32 + 0.5)).ln()
}

/// The content stems of a token sequence: `(token index, stem)` for every
/// token that is not a stop word.
///
/// The stem is [`light10`], backing off when light10 leaves a stop word or
/// fewer than 3 characters (it eats root letters: `ولايه` → `لا`,
/// `بيان` → `بي`): first to light10 without its `و` step, then to the word
/// without its article (`ولايه`, `بيان`), then to the word itself.
pub fn content_stems(tokens: &Tokens) -> Vec<(u32, &str)> {
    (0..tokens.len())
        .filter_map(|i| {
            let t = tokens.text(i);
            (!is_stop_word(t)).then(|| (i as u32, narrative_stem(t)))
        })
        .collect()
}

/// The stem used by the narrative level (see [`content_stems`]).
pub fn narrative_stem(word: &str) -> &str {
    let ok = |s: &str| s.chars().count() >= 3 && !is_stop_word(s);
    [light10(word), light10_no_waw(word), strip_article(word)]
        .into_iter()
        .find(|s| ok(s))
        .unwrap_or(word)
}

// ---------------------------------------------------------------------------
// Reading the documents

/// Flag of a content token: the previous content token is the token just
/// before it (no stop word between them).
const ADJACENT: u8 = 1;
/// Flag of a content token: bound to the previous content token (a
/// collocation, see [`bind_collocations`]).
const BOUND_LEFT: u8 = 2;
/// Flag of a content token: bound to the next content token.
const BOUND_RIGHT: u8 = 4;

/// Per-document content, compact: one entry per content token (a token that
/// is not a stop word), in text order. About 17 bytes a content token.
#[derive(Default)]
struct DocContent {
    /// Term id (a stem id while reading).
    terms: Vec<u32>,
    /// Hash of the token's fine form (see [`fine_form`]).
    fine: Vec<u32>,
    /// Byte span of the token in the original text.
    spans: Vec<[u32; 2]>,
    /// [`ADJACENT`], [`BOUND_LEFT`] and [`BOUND_RIGHT`].
    flags: Vec<u8>,
}

impl DocContent {
    fn len(&self) -> usize {
        self.terms.len()
    }

    fn span(&self, k: usize) -> Span {
        let [s, e] = self.spans[k];
        Span::new(s as usize, e as usize)
    }

    /// The terms of the neighbours (left, right) with which content token `k`
    /// forms a collocation; `u32::MAX` for none.
    fn bound(&self, k: usize) -> [u32; 2] {
        let f = self.flags[k];
        [
            if f & BOUND_LEFT != 0 {
                self.terms[k - 1]
            } else {
                u32::MAX
            },
            if f & BOUND_RIGHT != 0 {
                self.terms[k + 1]
            } else {
                u32::MAX
            },
        ]
    }

    /// True when content token `k` is in no collocation.
    fn is_free(&self, k: usize) -> bool {
        self.flags[k] & (BOUND_LEFT | BOUND_RIGHT) == 0
    }
}

/// A stem met while reading a document: hash of its text, hash of its
/// verb-form key ([`verb_form_key`], or the stem itself), background
/// document frequency.
#[derive(Clone, Copy)]
struct StemInfo {
    hash: u64,
    key: u64,
    bg: u32,
}

/// Where a window lies in its document.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    /// Range into the document's content tokens.
    lo: u32,
    hi: u32,
    /// Byte span of the original text.
    span: [u32; 2],
    /// The tokens (all of them, stop words included) overlapping `span`.
    toks: [u32; 2],
}

/// One document as read, before the corpus-wide numbering of stems.
#[derive(Default)]
struct Parsed {
    /// Its distinct stems; `content.terms` index them.
    stems: Vec<StemInfo>,
    content: DocContent,
    /// `[content index, stem, fine-form hash]`: the stem the token has when
    /// its proclitic `ل`/`ب` is backed off ([`backoff_stem`]), taken when
    /// that stem occurs in the corpus on its own.
    backoff: Vec<[u32; 3]>,
    windows: Vec<Geometry>,
}

/// Background document frequency of a stem (`1` when not in the table).
fn background_df(stem: &str) -> u32 {
    BACKGROUND.1.get(stem).copied().unwrap_or(1)
}

/// Proclitic back-off (an athar extension of light10, which leaves the
/// prepositions `ل` and `ب` on words without an article: `لحماس`, `بغزه`).
/// A stem starting with `ل` or `ب` is replaced by the light10 stem of the
/// word without that letter when that stem has at least 3 characters, is at
/// least twice as frequent in the background table as the original stem (so
/// `لبنان` stays `لبن`), and occurs in the corpus on its own (checked once
/// the whole corpus is read). Returns that candidate stem.
fn backoff_stem<'w>(word: &'w str, stem: &str) -> Option<&'w str> {
    let w0 = word
        .strip_prefix('و')
        .filter(|r| r.chars().count() >= 3)
        .unwrap_or(word);
    let rest = w0.strip_prefix('ل').or_else(|| w0.strip_prefix('ب'))?;
    let r = narrative_stem(rest);
    (r.chars().count() >= 3 && background_df(r) >= 2 * background_df(stem)).then_some(r)
}

/// Hash of the fine form of `word` whose stem is `stem`: when a proclitic
/// `ل` or `ب` was backed off (the fine form does not start with the stem),
/// it is dropped from the fine form too.
fn fine_hash(word: &str, stem: &str) -> u32 {
    let mut f = fine_form(word);
    if !f.starts_with(stem) {
        let w0 = word.strip_prefix('و').unwrap_or(word);
        let mut ch = w0.chars();
        ch.next();
        let g = fine_form(ch.as_str());
        if g.starts_with(stem) {
            f = g;
        }
    }
    xxhash_rust::xxh3::xxh3_64(f.as_bytes()) as u32
}

/// What reading a content word gives: its stem, the hash of its fine form,
/// and the back-off candidate ([`backoff_stem`]) with its fine form.
#[derive(Clone, Copy)]
struct WordInfo {
    stem: StemInfo,
    fine: u32,
    backoff: Option<(StemInfo, u32)>,
}

fn stem_info(stem: &str) -> StemInfo {
    let key = verb_form_key(stem);
    let key = key.as_deref().unwrap_or(stem);
    StemInfo {
        hash: xxhash_rust::xxh3::xxh3_64(stem.as_bytes()),
        key: xxhash_rust::xxh3::xxh3_64(key.as_bytes()),
        bg: background_df(stem),
    }
}

/// The reading of a normalized word; `None` for a stop word.
fn word_info(word: &str) -> Option<WordInfo> {
    if is_stop_word(word) {
        return None;
    }
    let s = narrative_stem(word);
    Some(WordInfo {
        stem: stem_info(s),
        fine: fine_hash(word, s),
        backoff: backoff_stem(word, s).map(|r| (stem_info(r), fine_hash(word, r))),
    })
}

/// Words a reader remembers before it starts afresh.
const WORD_CACHE: usize = 1 << 17;

/// Per-thread reading state: the tokenizer, a token buffer and a cache of
/// word readings (words repeat across documents; the cache only saves work).
struct Reader {
    tokenizer: Tokenizer,
    tokens: Tokens,
    words: ahash::AHashMap<Box<str>, Option<WordInfo>>,
    ids: ahash::AHashMap<u64, u32>,
    toks: Vec<u32>,
    /// Scratch content, copied out at its exact size.
    content: DocContent,
}

impl Reader {
    fn new(normalize: NormalizeOptions) -> Reader {
        Reader {
            tokenizer: Tokenizer::new(normalize),
            tokens: Tokens::default(),
            words: ahash::AHashMap::new(),
            ids: ahash::AHashMap::new(),
            toks: Vec::new(),
            content: DocContent::default(),
        }
    }

    /// Read one document: tokenize it, keep its content tokens (stems, fine
    /// forms, spans) and lay out its windows. The tokens themselves are not
    /// kept.
    fn parse(&mut self, doc: &NarrativeDoc, params: &NarrativeParams) -> Parsed {
        let mut p = Parsed::default();
        // Offsets are kept as u32: a text of 4 GiB or more is read as empty.
        if u32::try_from(doc.text.len()).is_err() {
            return p;
        }
        let Reader {
            tokenizer,
            tokens,
            words,
            ids,
            toks,
            content: c,
        } = self;
        tokenizer.tokenize_into(doc.text, tokens);
        ids.clear();
        toks.clear();
        c.terms.clear();
        c.fine.clear();
        c.spans.clear();
        c.flags.clear();
        let mut intern = |stems: &mut Vec<StemInfo>, s: StemInfo| {
            *ids.entry(s.hash).or_insert_with(|| {
                stems.push(s);
                (stems.len() - 1) as u32
            })
        };
        for i in 0..tokens.len() {
            let word = tokens.text(i);
            let info = match words.get(word) {
                Some(&info) => info,
                None => {
                    if words.len() >= WORD_CACHE {
                        words.clear();
                    }
                    let info = word_info(word);
                    words.insert(word.into(), info);
                    info
                }
            };
            let Some(info) = info else {
                continue;
            };
            let k = c.terms.len() as u32;
            c.terms.push(intern(&mut p.stems, info.stem));
            c.fine.push(info.fine);
            if let Some((r, fine)) = info.backoff {
                p.backoff.push([k, intern(&mut p.stems, r), fine]);
            }
            let sp = tokens.span(i);
            c.spans.push([sp.start() as u32, sp.end() as u32]);
            let adjacent = toks.last().is_some_and(|&t| t as usize + 1 == i);
            c.flags.push(if adjacent { ADJACENT } else { 0 });
            toks.push(i as u32);
        }
        p.windows = window_geometry(doc, tokens, c, toks, params);
        p.content = DocContent {
            terms: c.terms.clone(),
            fine: c.fine.clone(),
            spans: c.spans.clone(),
            flags: c.flags.clone(),
        };
        p
    }
}

/// The windows of one document: sentences merged until a window holds
/// [`NarrativeParams::min_window`] content tokens, longer runs cut into
/// half-overlapping windows of [`NarrativeParams::max_window`]. `toks` are
/// the token indices of the content tokens.
fn window_geometry(
    doc: &NarrativeDoc,
    tokens: &Tokens,
    c: &DocContent,
    toks: &[u32],
    params: &NarrativeParams,
) -> Vec<Geometry> {
    let n = c.len();
    if n == 0 {
        return Vec::new();
    }
    let min_w = params.min_window.max(1);
    let max_w = params.max_window.max(min_w);
    // Content-token index where each sentence ends.
    let mut ends: Vec<usize> = Vec::with_capacity(doc.sentences.len() + 1);
    let mut k = 0;
    for s in doc.sentences {
        while k < n && (c.spans[k][0] as usize) < s.end() {
            k += 1;
        }
        if ends.last() != Some(&k) && k > 0 {
            ends.push(k);
        }
    }
    if ends.last() != Some(&n) {
        ends.push(n);
    }
    // Merge sentences into runs of >= min_w tokens.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for &e in &ends {
        if e - start >= min_w {
            runs.push((start, e));
            start = e;
        }
    }
    if start < n {
        match runs.last_mut() {
            Some(last) if n - start < min_w / 2 + 1 => last.1 = n,
            _ => runs.push((start, n)),
        }
    }
    // Cut long runs into half-overlapping windows.
    let mut ranges = Vec::new();
    for (lo, hi) in runs {
        if hi - lo <= max_w {
            ranges.push((lo, hi));
            continue;
        }
        let stride = (max_w / 2).max(1);
        let mut s = lo;
        loop {
            if s + max_w >= hi {
                ranges.push((hi - max_w, hi));
                break;
            }
            ranges.push((s, s + max_w));
            s += stride;
        }
    }
    ranges
        .into_iter()
        .map(|(lo, hi)| {
            // From the first token after the previous content token (so
            // leading stop words are shown), not before the sentence start.
            let first = c.span(lo);
            let from_tok = if lo == 0 {
                0
            } else {
                toks[lo - 1] as usize + 1
            };
            let sent_start = doc
                .sentences
                .partition_point(|s| s.start() <= first.start())
                .checked_sub(1)
                .map_or(0, |k| doc.sentences[k].start());
            let start = tokens
                .span(from_tok)
                .start()
                .max(sent_start)
                .min(first.start());
            let end = c.spans[hi - 1][1] as usize;
            let t = &tokens.tokens;
            let tok_first = t.partition_point(|x| x.span.end() <= start);
            let tok_last = t.partition_point(|x| x.span.start() < end);
            Geometry {
                lo: lo as u32,
                hi: hi as u32,
                span: [start as u32, end as u32],
                toks: [tok_first as u32, tok_last.max(tok_first) as u32],
            }
        })
        .collect()
}

/// Documents read in parallel per chunk, then numbered in order.
const READ_CHUNK: usize = 4096;

/// Stem ids over the whole corpus, in the order stems are met.
#[derive(Default)]
struct StemTable {
    ids: ahash::AHashMap<u64, u32>,
    info: Vec<StemInfo>,
}

impl StemTable {
    fn id(&mut self, s: StemInfo) -> u32 {
        let next = self.info.len() as u32;
        let id = *self.ids.entry(s.hash).or_insert(next);
        if id == next {
            self.info.push(s);
        }
        id
    }
}

/// Timing notes on stderr when `ATHAR_TIMINGS` is set (profiling only).
static TIMINGS: LazyLock<bool> = LazyLock::new(|| std::env::var_os("ATHAR_TIMINGS").is_some());

fn note(what: &str, since: std::time::Instant) {
    if *TIMINGS {
        // CPU seconds of the process so far (user + system), from Linux's
        // /proc/self/stat at the usual 100 ticks a second.
        let cpu = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let f: Vec<u64> = s
                    .rsplit_once(')')?
                    .1
                    .split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|v| v.parse().ok())
                    .collect();
                (f.len() == 2).then(|| (f[0] + f[1]) as f64 / 100.0)
            })
            .unwrap_or(f64::NAN);
        eprintln!(
            "athar: narratives {what:<12} {:>8.3} s wall, process cpu {cpu:.2} s",
            since.elapsed().as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------------------
// The model

/// A window: a run of content tokens of one document.
#[derive(Clone, Copy, Debug)]
struct Window {
    doc: u32,
    /// Range into the document's content tokens.
    lo: u32,
    hi: u32,
    /// Index of the window within its document.
    ord: u32,
    /// Range of its `(term, weight)` entries in [`Model::vecs`], sorted by
    /// term.
    vec: [u32; 2],
    norm: f32,
    span: [u32; 2],
    /// The tokens overlapping `span` (first, one past the last).
    toks: [u32; 2],
}

impl Window {
    fn span(&self) -> Span {
        Span::new(self.span[0] as usize, self.span[1] as usize)
    }
}

/// Collocations: two adjacent tokens (no word between) are *bound* to each
/// other when their pair of terms occurs at least twice in the corpus (in
/// either order: `السلفيين الجهاديين`, `جهاديون سلفيون`) and
/// accounts for at least half of the occurrences of one of the two terms
/// (`لواء التوحيد` binds `التوحيد`; `الجناح العسكري` binds `الجناح`;
/// `ولاية سيناء` binds both words there, but not `سيناء` in `في سيناء`). A bound word names a
/// fixed phrase: the same word outside that phrase (`راية التوحيد`,
/// `الجناح المسلح`) is another sense or another entity.
///
/// Pairs are counted in parts by hash, so that only a part of them is held
/// at once.
fn bind_collocations(content: &mut [DocContent], count: &[u32]) {
    let key = |x: u32, y: u32| (u64::from(x.min(y)) << 32) | u64::from(x.max(y));
    let pair_at = |c: &DocContent, k: usize| {
        (k > 0 && c.flags[k] & ADJACENT != 0 && c.terms[k] != c.terms[k - 1])
            .then(|| key(c.terms[k - 1], c.terms[k]))
    };
    let total: usize = content.iter().map(|c| c.len()).sum();
    let parts = total.div_ceil(1 << 23).next_power_of_two().max(1) as u64;
    let part_of = |p: u64| (p.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % parts;
    let mut binding: Vec<u64> = Vec::new();
    for part in 0..parts {
        let mut pairs: Vec<u64> = content
            .par_iter()
            .flat_map_iter(|c| {
                (1..c.len())
                    .filter_map(move |k| pair_at(c, k))
                    .filter(move |&p| part_of(p) == part)
            })
            .collect();
        pairs.par_sort_unstable();
        binding.extend(pairs.chunk_by(|x, y| x == y).filter_map(|run| {
            let n = run.len() as u32;
            let (x, y) = ((run[0] >> 32) as usize, (run[0] & 0xFFFF_FFFF) as usize);
            (n >= 2 && (2 * n >= count[x] || 2 * n >= count[y])).then_some(run[0])
        }));
    }
    let binding: ahash::AHashSet<u64> = binding.into_iter().collect();
    content.par_iter_mut().for_each(|c| {
        for k in 1..c.len() {
            if pair_at(c, k).is_some_and(|p| binding.contains(&p)) {
                c.flags[k] |= BOUND_LEFT;
                c.flags[k - 1] |= BOUND_RIGHT;
            }
        }
    });
}

/// Corpus-wide state behind [`NarrativeIndex`].
struct Model<'a> {
    texts: Vec<&'a str>,
    content: Vec<DocContent>,
    weights: Vec<f32>,
    windows: Vec<Window>,
    /// The `(term, weight)` vectors of all windows.
    vecs: Vec<(u32, f32)>,
}

impl<'a> Model<'a> {
    fn build(
        docs: &[NarrativeDoc<'a>],
        normalize: NormalizeOptions,
        params: &NarrativeParams,
    ) -> Self {
        let t0 = std::time::Instant::now();
        note("start", t0);
        // 1. Read the documents, a chunk at a time in parallel; number the
        // stems in the order they are met (deterministic ids).
        let mut table = StemTable::default();
        let mut content: Vec<DocContent> = Vec::with_capacity(docs.len());
        let mut backoff: Vec<Vec<[u32; 3]>> = Vec::with_capacity(docs.len());
        let mut geometry: Vec<Vec<Geometry>> = Vec::with_capacity(docs.len());
        // Readers keep their word caches from chunk to chunk: a chunk is cut
        // into as many pieces as there are readers, one reader a piece.
        let readers: Vec<std::sync::Mutex<Reader>> = (0..2 * rayon::current_num_threads().max(1))
            .map(|_| std::sync::Mutex::new(Reader::new(normalize)))
            .collect();
        for chunk in docs.chunks(READ_CHUNK) {
            let per = chunk.len().div_ceil(readers.len());
            let parsed: Vec<Parsed> = chunk
                .par_chunks(per)
                .enumerate()
                .flat_map_iter(|(i, part)| {
                    let mut r = readers[i].lock().unwrap_or_else(|e| e.into_inner());
                    part.iter()
                        .map(|d| r.parse(d, params))
                        .collect::<Vec<Parsed>>()
                })
                .collect();
            for mut p in parsed {
                let ids: Vec<u32> = p.stems.iter().map(|&s| table.id(s)).collect();
                for t in &mut p.content.terms {
                    *t = ids[*t as usize];
                }
                for b in &mut p.backoff {
                    b[1] = ids[b[1] as usize];
                }
                content.push(p.content);
                backoff.push(p.backoff);
                geometry.push(p.windows);
            }
        }
        drop(readers);
        let StemTable { ids, info } = table;
        drop(ids);
        note("read", t0);
        // 2. Proclitic back-off, now that the corpus's stems are known.
        let mut known = vec![false; info.len()];
        for c in &content {
            for &t in &c.terms {
                known[t as usize] = true;
            }
        }
        content
            .par_iter_mut()
            .zip(backoff.par_iter())
            .for_each(|(c, b)| {
                for &[k, stem, fine] in b {
                    if known[stem as usize] {
                        c.terms[k as usize] = stem;
                        c.fine[k as usize] = fine;
                    }
                }
            });
        drop(backoff);
        drop(known);
        // 3. Terms: stems numbered in the order first met; the stems of one
        // derived verb ([`verb_form_key`]) share a term (اعتقال، اعتقلت،
        // يعتقل), their fine forms differ, so they match as derivations. The
        // background frequency of a merged term is the sum of its stems'.
        let mut term_of = vec![u32::MAX; info.len()];
        let mut by_key: ahash::AHashMap<u64, u32> = ahash::AHashMap::new();
        let mut bg_df: Vec<u32> = Vec::new();
        for c in &content {
            for &s in &c.terms {
                if term_of[s as usize] == u32::MAX {
                    let next = bg_df.len() as u32;
                    let id = *by_key.entry(info[s as usize].key).or_insert(next);
                    if id == next {
                        bg_df.push(0);
                    }
                    bg_df[id as usize] += info[s as usize].bg;
                    term_of[s as usize] = id;
                }
            }
        }
        drop(by_key);
        drop(info);
        content.par_iter_mut().for_each(|c| {
            for t in &mut c.terms {
                *t = term_of[*t as usize];
            }
        });
        drop(term_of);
        let n_terms = bg_df.len();
        let mut df: Vec<u32> = vec![0; n_terms];
        let mut count: Vec<u32> = vec![0; n_terms];
        let mut seen: Vec<u32> = vec![u32::MAX; n_terms];
        for (d, c) in content.iter().enumerate() {
            for &t in &c.terms {
                count[t as usize] += 1;
                if seen[t as usize] != d as u32 {
                    seen[t as usize] = d as u32;
                    df[t as usize] += 1;
                }
            }
        }
        drop(seen);
        bind_collocations(&mut content, &count);
        drop(count);
        let n = docs.len() as f32;
        let m = params.background_docs.max(0.0);
        let conf = n / (n + 3.0);
        let weights: Vec<f32> = bg_df
            .par_iter()
            .zip(df.par_iter())
            .map(|(&s, &df)| {
                let idf_bg = background_idf_of(s);
                let idf_c = ((n + 1.0) / (df as f32 + 0.5)).ln();
                let base = (m * idf_bg + n * idf_c) / (m + n).max(f32::MIN_POSITIVE);
                let spread = if n >= 2.0 {
                    (df as f32 - 1.0) / (n - 1.0)
                } else {
                    0.0
                };
                (base * (1.0 - conf * spread * spread)).max(0.0)
            })
            .collect();
        note("terms", t0);
        // 4. Window vectors, a chunk of documents at a time.
        let mut windows: Vec<Window> = Vec::new();
        let mut vecs: Vec<(u32, f32)> = Vec::new();
        let mut d0 = 0;
        for chunk in geometry.chunks(READ_CHUNK) {
            let built: Vec<WindowsOfDoc> = chunk
                .par_iter()
                .enumerate()
                .map(|(i, g)| {
                    let d = d0 + i;
                    window_vectors(d as u32, g, &content[d], &weights, &df, params)
                })
                .collect();
            for (ws, v) in built {
                let at = vecs.len() as u32;
                windows.extend(ws.into_iter().map(|mut w| {
                    w.vec = [w.vec[0] + at, w.vec[1] + at];
                    w
                }));
                vecs.extend(v);
            }
            d0 += chunk.len();
        }
        note("windows", t0);
        Model {
            texts: docs.iter().map(|d| d.text).collect(),
            content,
            weights,
            windows,
            vecs,
        }
    }

    fn vec(&self, w: &Window) -> &[(u32, f32)] {
        &self.vecs[w.vec[0] as usize..w.vec[1] as usize]
    }

    fn is_distinctive(&self, term: u32, params: &NarrativeParams) -> bool {
        self.weights[term as usize] >= params.min_term_weight
    }

    /// Every candidate window pair scored: those with the evidence a link
    /// needs and a score at least `bar`, sorted by window pair (module docs,
    /// step 4).
    ///
    /// Stems are ranked by the number of prefixes they are in, rarest first.
    /// Keys (pairs of prefix stems; with `min_terms` below 2, single stems)
    /// are walked one first stem at a time in parallel; a window pair is
    /// scored only under its smallest shared key, so it is scored once
    /// without a global set of pairs. A pair whose smallest key is skipped
    /// (too common, or less frequent than chance) is not a candidate: even
    /// its rarest shared stems are no evidence.
    fn scored_pairs(&self, params: &NarrativeParams, bar: f32) -> Vec<RawLink> {
        let t0 = std::time::Instant::now();
        let windows = &self.windows;
        // Prefixes, sorted by term, in one arena.
        let keep = params.prefix_terms.max(1);
        let mut prefix_at: Vec<u32> = Vec::with_capacity(windows.len() + 1);
        let mut prefix: Vec<u32> = Vec::new();
        prefix_at.push(0);
        for chunk in windows.chunks(1 << 16) {
            let parts: Vec<Vec<u32>> = chunk
                .par_iter()
                .map(|w| {
                    let mut terms: Vec<(u32, f32)> = self
                        .vec(w)
                        .iter()
                        .copied()
                        .filter(|&(t, _)| self.is_distinctive(t, params))
                        .collect();
                    terms.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                    terms.truncate(keep);
                    let mut p: Vec<u32> = terms.into_iter().map(|(t, _)| t).collect();
                    p.sort_unstable();
                    p
                })
                .collect();
            for p in parts {
                prefix.extend(p);
                prefix_at.push(prefix.len() as u32);
            }
        }
        // Terms are ranked by the number of prefixes they are in, rarest
        // first; prefixes hold ranks from here on. Terms in too many
        // prefixes are dropped.
        let n_terms = self.weights.len();
        let mut count = vec![0u32; n_terms];
        for &t in &prefix {
            count[t as usize] += 1;
        }
        let too_common = |c: u32| c as usize > params.max_postings;
        let mut ranked: Vec<u32> = (0..n_terms as u32)
            .filter(|&t| count[t as usize] > 0 && !too_common(count[t as usize]))
            .collect();
        ranked.sort_unstable_by_key(|&t| (count[t as usize], t));
        let mut rank = vec![u32::MAX; n_terms];
        for (r, &t) in ranked.iter().enumerate() {
            rank[t as usize] = r as u32;
        }
        {
            let mut kept = 0usize;
            for w in 0..windows.len() {
                let (s, e) = (prefix_at[w] as usize, prefix_at[w + 1] as usize);
                prefix_at[w] = kept as u32;
                for i in s..e {
                    let r = rank[prefix[i] as usize];
                    if r != u32::MAX {
                        prefix[kept] = r;
                        kept += 1;
                    }
                }
                prefix[prefix_at[w] as usize..kept].sort_unstable();
            }
            prefix_at[windows.len()] = kept as u32;
            prefix.truncate(kept);
            prefix.shrink_to_fit();
        }
        drop(rank);
        // Postings: the windows of each rank, in window order.
        let n_ranks = ranked.len();
        let mut post_at = vec![0u32; n_ranks + 1];
        for (r, &t) in ranked.iter().enumerate() {
            post_at[r + 1] = post_at[r] + count[t as usize];
        }
        drop(count);
        drop(ranked);
        let mut postings = vec![0u32; post_at[n_ranks] as usize];
        {
            let mut fill = post_at.clone();
            for w in 0..windows.len() {
                for &r in &prefix[prefix_at[w] as usize..prefix_at[w + 1] as usize] {
                    postings[fill[r as usize] as usize] = w as u32;
                    fill[r as usize] += 1;
                }
            }
        }
        let prefix_of =
            |w: u32| &prefix[prefix_at[w as usize] as usize..prefix_at[w as usize + 1] as usize];
        let posting =
            |r: u32| &postings[post_at[r as usize] as usize..post_at[r as usize + 1] as usize];
        let pairs = params.min_terms >= 2;
        let key_cap = params.max_key_postings.max(2);
        let lift = f64::from(params.min_key_lift.max(0.0));
        let n_windows = windows.len() as f64;
        note("index", t0);
        // Walk the keys by first term.
        let stats = [(); 4].map(|_| std::sync::atomic::AtomicU64::new(0));
        let hist = [(); 5].map(|_| std::sync::atomic::AtomicU64::new(0));
        let mut raw: Vec<RawLink> = (0..n_ranks as u32)
            .into_par_iter()
            .filter(|&a| posting(a).len() >= 2)
            .flat_map_iter(|a| {
                let mut out: Vec<RawLink> = Vec::new();
                // (second term, window), sorted: the key runs.
                let entries: Vec<(u32, u32)> = if pairs {
                    let mut e: Vec<(u32, u32)> = posting(a)
                        .iter()
                        .flat_map(|&w| {
                            prefix_of(w)
                                .iter()
                                .filter(move |&&b| b > a)
                                .map(move |&b| (b, w))
                        })
                        .collect();
                    e.sort_unstable();
                    e
                } else {
                    posting(a).iter().map(|&w| (a, w)).collect()
                };
                let mut local = [entries.len() as u64, 0, 0, 0];
                for run in entries.chunk_by(|x, y| x.0 == y.0) {
                    let b = run[0].0;
                    if run.len() < 2 || run.len() > key_cap {
                        continue;
                    }
                    // A key no more frequent than its two terms meeting by
                    // chance is no evidence.
                    if pairs
                        && (run.len() as f64) * n_windows
                            < lift * posting(a).len() as f64 * posting(b).len() as f64
                    {
                        continue;
                    }
                    local[1] += (run.len() * (run.len() - 1) / 2) as u64;
                    if *TIMINGS {
                        let l = run.len();
                        let bucket = [5, 10, 20, 50].iter().take_while(|&&c| l > c).count();
                        hist[bucket].fetch_add(
                            (l * (l - 1) / 2) as u64,
                            std::sync::atomic::Ordering::Relaxed,
                        );
                    }
                    for (x, &(_, i)) in run.iter().enumerate() {
                        let wi = &windows[i as usize];
                        for &(_, j) in &run[x + 1..] {
                            let wj = &windows[j as usize];
                            if wi.doc == wj.doc {
                                continue;
                            }
                            // Score the pair under its smallest key only.
                            if smallest_key(prefix_of(i), prefix_of(j), pairs) != Some((a, b)) {
                                continue;
                            }
                            local[2] += 1;
                            if let Some(r) = self.raw_link(i, j, params, bar) {
                                out.push(r);
                            }
                        }
                    }
                }
                local[3] = out.len() as u64;
                for (s, l) in stats.iter().zip(local) {
                    s.fetch_add(l, std::sync::atomic::Ordering::Relaxed);
                }
                out
            })
            .collect();
        raw.par_sort_unstable_by_key(|r| (r.wa, r.wb));
        note("candidates", t0);
        if *TIMINGS {
            let [e, p, c, l] = stats.map(|s| s.into_inner());
            eprintln!(
                "athar: narratives {} windows, {} prefix terms, {} key postings, {} pairs in \
                 key runs, {} candidates scored, {} kept",
                windows.len(),
                prefix.len(),
                e,
                p,
                c,
                l,
            );
            eprintln!(
                "athar: narratives pairs in runs of <=5, <=10, <=20, <=50, more: {:?}",
                hist.map(|h| h.into_inner())
            );
        }
        raw
    }

    /// The pair of windows `i < j` as a raw link, when it has the evidence a
    /// link needs and scores at least `bar`.
    fn raw_link(&self, i: u32, j: u32, params: &NarrativeParams, bar: f32) -> Option<RawLink> {
        let (a, b) = (&self.windows[i as usize], &self.windows[j as usize]);
        if !self.may_pass(a, b, params, bar) {
            return None;
        }
        let (score, shared) = self.score(a, b, params);
        (score >= bar
            && shared.len() >= params.min_terms
            && self.evidence_units(a, b, &shared, params) >= params.min_terms as f32
            && self.has_free_evidence(a, b, &shared))
        .then_some(RawLink {
            wa: i,
            wb: j,
            score,
            shared: shared.into_boxed_slice(),
        })
    }

    /// A quick bound: false when the pair cannot score `bar` (every shared
    /// term counted as a full match) or shares too few distinctive terms.
    /// Exact: [`score`](Self::score) adds the same products in the same
    /// order, some of them scaled down.
    fn may_pass(&self, a: &Window, b: &Window, params: &NarrativeParams, bar: f32) -> bool {
        if params.derived_match > 1.0 {
            return true;
        }
        let (va, vb) = (self.vec(a), self.vec(b));
        let (mut i, mut j) = (0, 0);
        let mut dot = 0.0f32;
        let mut shared = 0usize;
        while i < va.len() && j < vb.len() {
            let (ta, wa) = va[i];
            let (tb, wb) = vb[j];
            match ta.cmp(&tb) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += wa * wb;
                    shared += usize::from(self.is_distinctive(ta, params));
                    i += 1;
                    j += 1;
                }
            }
        }
        let denom = a.norm * b.norm;
        let cos = if denom > 0.0 { dot / denom } else { 0.0 };
        cos >= bar && shared >= params.min_terms
    }

    /// Exact score of a window pair: cosine and the shared distinctive terms
    /// with their contribution, heaviest first.
    fn score(&self, a: &Window, b: &Window, params: &NarrativeParams) -> (f32, Vec<(u32, f32)>) {
        let (va, vb) = (self.vec(a), self.vec(b));
        let (mut i, mut j) = (0, 0);
        let mut dot = 0.0f32;
        let mut shared = Vec::new();
        while i < va.len() && j < vb.len() {
            let (ta, wa) = va[i];
            let (tb, wb) = vb[j];
            match ta.cmp(&tb) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let f = if self.fine_agree(a, b, ta) {
                        1.0
                    } else {
                        params.derived_match
                    };
                    dot += f * wa * wb;
                    if self.is_distinctive(ta, params) {
                        shared.push((ta, f * wa * wb));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        let denom = a.norm * b.norm;
        let cos = if denom > 0.0 { dot / denom } else { 0.0 };
        shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        (cos, shared)
    }

    /// True when some occurrence of `term` in `a` and some in `b` have the
    /// same fine form and the same collocation context ([`same_context`]).
    fn fine_agree(&self, a: &Window, b: &Window, term: u32) -> bool {
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
    fn has_free_evidence(&self, a: &Window, b: &Window, shared: &[(u32, f32)]) -> bool {
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
    fn evidence_units(
        &self,
        a: &Window,
        b: &Window,
        shared: &[(u32, f32)],
        params: &NarrativeParams,
    ) -> f32 {
        let n = shared.len();
        let value = |t: u32| {
            if self.fine_agree(a, b, t) {
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

    /// Original spelling of the first occurrence of `term` in content range
    /// `lo..hi` of document `doc`.
    fn spelling(&self, doc: usize, lo: u32, hi: u32, term: u32) -> String {
        let c = &self.content[doc];
        (lo as usize..hi as usize)
            .find(|&k| c.terms[k] == term)
            .map(|k| c.span(k).slice(self.texts[doc]).to_string())
            .unwrap_or_default()
    }
}

/// The smallest key two windows share: their first two common terms (ranks,
/// sorted), or with `pairs == false` their first common term twice.
fn smallest_key(x: &[u32], y: &[u32], pairs: bool) -> Option<(u32, u32)> {
    let (mut i, mut j) = (0, 0);
    let mut first: Option<u32> = None;
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                match first {
                    None if !pairs => return Some((x[i], x[i])),
                    None => first = Some(x[i]),
                    Some(a) => return Some((a, x[i])),
                }
                i += 1;
                j += 1;
            }
        }
    }
    None
}

/// The windows of one document and their vector entries.
type WindowsOfDoc = (Vec<Window>, Vec<(u32, f32)>);

/// The windows of one document with their vectors (entries numbered from 0
/// in the returned vector).
fn window_vectors(
    d: u32,
    geometry: &[Geometry],
    c: &DocContent,
    weights: &[f32],
    df: &[u32],
    params: &NarrativeParams,
) -> WindowsOfDoc {
    let mut vecs: Vec<(u32, f32)> = Vec::new();
    let mut terms: Vec<u32> = Vec::new();
    let windows = geometry
        .iter()
        .enumerate()
        .map(|(ord, g)| {
            terms.clear();
            terms.extend_from_slice(&c.terms[g.lo as usize..g.hi as usize]);
            terms.sort_unstable();
            let from = vecs.len();
            let mut lonely = 0.0f32;
            let mut i = 0;
            while i < terms.len() {
                let mut e = i;
                while e < terms.len() && terms[e] == terms[i] {
                    e += 1;
                }
                let w = (1.0 + ((e - i) as f32).ln()) * weights[terms[i] as usize];
                // Terms of one document only can match nothing: they are
                // not stored, and count in the norm at a reduced weight.
                if df[terms[i] as usize] >= 2 {
                    if w > 0.0 {
                        vecs.push((terms[i], w));
                    }
                } else {
                    lonely += w * w;
                }
                i = e;
            }
            let h = params.lonely_weight;
            let norm =
                (vecs[from..].iter().map(|(_, w)| w * w).sum::<f32>() + h * h * lonely).sqrt();
            Window {
                doc: d,
                lo: g.lo,
                hi: g.hi,
                ord: ord as u32,
                vec: [from as u32, vecs.len() as u32],
                norm,
                span: g.span,
                toks: g.toks,
            }
        })
        .collect();
    (windows, vecs)
}

/// True when two occurrences stand in the same collocation context: both
/// free, or bound to the same neighbouring term (on either side: `جهاديون
/// سلفيون` and `السلفيين الجهاديين` are one phrase).
fn same_context(x: [u32; 2], y: [u32; 2]) -> bool {
    let free = |b: [u32; 2]| b == [u32::MAX; 2];
    (free(x) && free(y)) || x.iter().any(|&t| t != u32::MAX && y.contains(&t))
}

/// A token's form with only light10's prefixes and the inflectional
/// suffixes `ها ان ات ون ين` removed: `اعتقالات` and `الاعتقال` agree
/// (`اعتقال`), `حمله` (campaign) and `حمل` (carried) do not, although
/// light10 gives both `حمل`. Matches whose fine forms differ are weaker
/// evidence (derivation, not inflection).
pub fn fine_form(word: &str) -> &str {
    let mut w = word;
    if let Some(rest) = w.strip_prefix('و') {
        if rest.chars().count() >= 3 {
            w = rest;
        }
    }
    w = strip_article(w);
    for suf in ["ها", "ان", "ات", "ون", "ين"] {
        if let Some(r) = w.strip_suffix(suf) {
            if r.chars().count() >= 2 {
                w = r;
            }
        }
    }
    w
}

/// A raw window-pair link before merging.
struct RawLink {
    wa: u32,
    wb: u32,
    score: f32,
    shared: Box<[(u32, f32)]>,
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
            model: Model::build(docs, normalize, params),
            params: params.clone(),
        }
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
        let t0 = std::time::Instant::now();
        let (model, params) = (&self.model, &self.params);
        let support_bar = params.threshold * params.group_support.clamp(0.0, 1.0);
        // Every candidate pair with enough evidence, at the bar or above the
        // support bar.
        let scored = model.scored_pairs(params, support_bar.min(params.threshold));
        let (mut raw, weak): (Vec<RawLink>, Vec<RawLink>) = scored
            .into_iter()
            .partition(|r| r.score >= params.threshold);
        // Group support: a window linked at the bar has the evidence of its
        // links (the terms they share). A window not linked at the bar, of a
        // third document, joins through its best link under the bar when
        // that link shares one of those terms: the term is then found in
        // three tellings, and two of them already agree at the bar.
        if !weak.is_empty() && !raw.is_empty() {
            let w = &model.windows;
            // (window, term, partner document) of every link at the bar.
            let mut evidence: Vec<(u32, u32, u32)> = raw
                .iter()
                .flat_map(|r| {
                    r.shared.iter().flat_map(move |&(t, _)| {
                        [
                            (r.wa, t, w[r.wb as usize].doc),
                            (r.wb, t, w[r.wa as usize].doc),
                        ]
                    })
                })
                .collect();
            evidence.par_sort_unstable();
            evidence.dedup();
            let mut linked: Vec<u32> = raw.iter().flat_map(|r| [r.wa, r.wb]).collect();
            linked.par_sort_unstable();
            linked.dedup();
            // The member `m` supports the orphan window `o` through link `r`.
            let supports = |m: u32, o: u32, r: &RawLink| {
                let od = w[o as usize].doc;
                linked.binary_search(&o).is_err()
                    && r.shared.iter().any(|&(t, _)| {
                        let from = evidence.partition_point(|e| (e.0, e.1) < (m, t));
                        evidence[from..]
                            .iter()
                            .take_while(|e| (e.0, e.1) == (m, t))
                            .any(|e| e.2 != od)
                    })
            };
            // (orphan window, weak link) for every supported orphan end.
            let mut support: Vec<(u32, u32)> = weak
                .par_iter()
                .enumerate()
                .flat_map_iter(|(k, r)| {
                    [(r.wa, r.wb), (r.wb, r.wa)]
                        .into_iter()
                        .filter(move |&(m, o)| supports(m, o, r))
                        .map(move |(_, o)| (o, k as u32))
                })
                .collect();
            support.par_sort_unstable();
            // The best weak link of each orphan: highest score, then the
            // smallest window pair.
            let mut keep: Vec<usize> = support
                .chunk_by(|x, y| x.0 == y.0)
                .map(|run| {
                    run.iter()
                        .map(|&(_, k)| k as usize)
                        .max_by(|&x, &y| {
                            let (rx, ry) = (&weak[x], &weak[y]);
                            (rx.score, std::cmp::Reverse((rx.wa, rx.wb)))
                                .partial_cmp(&(ry.score, std::cmp::Reverse((ry.wa, ry.wb))))
                                .unwrap_or(std::cmp::Ordering::Equal)
                        })
                        .unwrap_or(run[0].1 as usize)
                })
                .collect();
            keep.sort_unstable();
            keep.dedup();
            let mut weak: Vec<Option<RawLink>> = weak.into_iter().map(Some).collect();
            raw.extend(keep.into_iter().filter_map(|k| weak[k].take()));
        }
        let links = merge_links(model, raw, params);
        note("links", t0);
        links
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

/// Merge raw links whose windows are the same or consecutive in both
/// documents, and turn them into [`Link`]s.
fn merge_links(model: &Model, mut raw: Vec<RawLink>, params: &NarrativeParams) -> Vec<Link> {
    let w = &model.windows;
    // Group by document pair, then by window order.
    raw.par_sort_by_key(|r| {
        (
            w[r.wa as usize].doc,
            w[r.wb as usize].doc,
            w[r.wa as usize].ord,
            w[r.wb as usize].ord,
        )
    });
    let mut uf = UnionFind::new(raw.len());
    let mut g0 = 0;
    while g0 < raw.len() {
        let key = |r: &RawLink| (w[r.wa as usize].doc, w[r.wb as usize].doc);
        let mut g1 = g0;
        while g1 < raw.len() && key(&raw[g1]) == key(&raw[g0]) {
            g1 += 1;
        }
        for x in g0..g1 {
            let (ax, bx) = (w[raw[x].wa as usize].ord, w[raw[x].wb as usize].ord);
            for y in x + 1..g1 {
                let (ay, by) = (w[raw[y].wa as usize].ord, w[raw[y].wb as usize].ord);
                if ay > ax + 1 {
                    break;
                }
                if by.abs_diff(bx) <= 1 {
                    uf.union(x as u32, y as u32);
                }
            }
        }
        g0 = g1;
    }
    let mut links: Vec<Link> = uf
        .groups(1)
        .into_par_iter()
        .map(|members| {
            let first = &raw[members[0] as usize];
            let da = w[first.wa as usize].doc as usize;
            let db = w[first.wb as usize].doc as usize;
            let mut sa: Option<Span> = None;
            let mut sb: Option<Span> = None;
            let (mut alo, mut ahi, mut blo, mut bhi) = (u32::MAX, 0, u32::MAX, 0);
            let (mut ta, mut tb) = ([u32::MAX, 0], [u32::MAX, 0]);
            let mut score = 0.0f32;
            let mut contrib: Vec<(u32, f32)> = Vec::new();
            for &m in &members {
                let r = &raw[m as usize];
                let (wa, wb) = (&w[r.wa as usize], &w[r.wb as usize]);
                sa = Some(sa.map_or(wa.span(), |s| s.cover(wa.span())));
                sb = Some(sb.map_or(wb.span(), |s| s.cover(wb.span())));
                alo = alo.min(wa.lo);
                ahi = ahi.max(wa.hi);
                blo = blo.min(wb.lo);
                bhi = bhi.max(wb.hi);
                ta = [ta[0].min(wa.toks[0]), ta[1].max(wa.toks[1])];
                tb = [tb[0].min(wb.toks[0]), tb[1].max(wb.toks[1])];
                score = score.max(r.score);
                contrib.extend_from_slice(&r.shared);
            }
            // The best contribution of each term.
            contrib.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
            contrib.dedup_by_key(|x| x.0);
            contrib.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            contrib.truncate(params.max_key_terms);
            let terms = contrib
                .iter()
                .map(|&(t, _)| model.spelling(da, alo, ahi, t))
                .collect();
            let terms_b = contrib
                .iter()
                .map(|&(t, _)| model.spelling(db, blo, bhi, t))
                .collect();
            Link {
                a: (da, sa.unwrap_or_default()),
                b: (db, sb.unwrap_or_default()),
                tokens_a: ta[1].saturating_sub(ta[0]) as usize,
                tokens_b: tb[1].saturating_sub(tb[0]) as usize,
                score,
                terms,
                terms_b,
            }
        })
        .collect();
    links.par_sort_by(|x, y| {
        (x.a.0, x.b.0, x.a.1, x.b.1)
            .cmp(&(y.a.0, y.b.0, y.a.1, y.b.1))
            .then(y.score.total_cmp(&x.score))
    });
    links
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

/// Passages of one document compared with each new one while grouping; a
/// document with more open (mutually overlapping) passages compares only the
/// latest ones, which keeps grouping linear.
const MAX_OPEN_PASSAGES: usize = 64;

/// Join passages that overlap within a document into narratives across
/// documents, without labels and on links alone ([`NarrativeIndex::group`]
/// labels them and drops members that do not hold a group's terms).
///
/// `links` may mix narrative links from [`find_links`] and verbatim passage
/// pairs from alignment (build a [`Link`] with empty `terms`). Every link
/// endpoint is a passage; passages of one document that overlap are joined,
/// and so are the two passages of a link. Groups spanning at least two
/// documents are returned, sorted by their first member.
pub fn group(links: &[Link]) -> Vec<NarrativeGroup> {
    group_with(links, None)
}

/// [`group`], with labels when the model is given.
fn group_with(links: &[Link], labels: Option<(&Model, &NarrativeParams)>) -> Vec<NarrativeGroup> {
    let ends: Vec<Member> = links
        .iter()
        .flat_map(|l| {
            [
                Member {
                    doc: l.a.0,
                    span: l.a.1,
                },
                Member {
                    doc: l.b.0,
                    span: l.b.1,
                },
            ]
        })
        .collect();
    // 1. Passages: link ends of one document that cover much the same text
    // (their overlap is at least half of the longer one) are one passage.
    let mut same = UnionFind::new(ends.len());
    let mut order: Vec<u32> = (0..ends.len() as u32).collect();
    order.sort_by_key(|&i| (ends[i as usize], i));
    let mut active: Vec<u32> = Vec::new(); // passages of the current document still open
    for &i in &order {
        let m = ends[i as usize];
        active.retain(|&j| {
            let a = ends[j as usize];
            a.doc == m.doc && a.span.end() > m.span.start()
        });
        for &j in &active {
            let a = ends[j as usize].span;
            let overlap = a.end().min(m.span.end()) - m.span.start().max(a.start());
            if 2 * overlap >= a.len().max(m.span.len()) {
                same.union(j, i);
            }
        }
        active.push(i);
        if active.len() > MAX_OPEN_PASSAGES {
            active.remove(0);
        }
    }
    // 2. Star clustering over the passage graph: the passage with the most
    // links (ties: the earliest) and its direct partners form a group, then
    // the next among those left. Connected components would chain stories
    // through generic passages (greetings, official titles) into one giant
    // group; a star never reaches further than one link from its centre.
    let root: Vec<u32> = (0..ends.len() as u32).map(|i| same.find(i)).collect();
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); ends.len()];
    for k in 0..links.len() {
        let (x, y) = (root[2 * k], root[2 * k + 1]);
        if x != y {
            adjacency[x as usize].push(y);
            adjacency[y as usize].push(x);
        }
    }
    for adj in &mut adjacency {
        adj.sort_unstable();
        adj.dedup();
    }
    let mut centres: Vec<u32> = (0..ends.len() as u32)
        .filter(|&i| root[i as usize] == i && !adjacency[i as usize].is_empty())
        .collect();
    centres.sort_by_key(|&i| {
        (
            std::cmp::Reverse(adjacency[i as usize].len()),
            ends[i as usize],
            i,
        )
    });
    let mut taken = vec![false; ends.len()];
    let mut star_of = vec![u32::MAX; ends.len()];
    for &c in &centres {
        if taken[c as usize] {
            continue;
        }
        let free: Vec<u32> = adjacency[c as usize]
            .iter()
            .copied()
            .filter(|&n| !taken[n as usize])
            .collect();
        if free.is_empty() {
            continue;
        }
        for &n in free.iter().chain(std::iter::once(&c)) {
            taken[n as usize] = true;
            star_of[n as usize] = c;
        }
    }
    // A passage left over joins the star of its first grouped partner: a
    // story told once more elsewhere is still part of it, and no group
    // reaches further than two links from its centre.
    for &c in &centres {
        if taken[c as usize] {
            continue;
        }
        if let Some(&n) = adjacency[c as usize]
            .iter()
            .find(|&&n| star_of[n as usize] != u32::MAX)
        {
            taken[c as usize] = true;
            star_of[c as usize] = star_of[n as usize];
        }
    }
    // 3. Evidence: with the model at hand, a passage stays in its star only
    // when it tells the star's story in words. The star's core is its centre
    // and the passages linked to it directly; its evidence terms are the
    // terms its core documents share most (what its label would show). A
    // passage of the core must contain one of them; a passage two links away
    // two, or one that the passage it is linked to in the star shares. A passage
    // that merely overlaps a linked passage of its document, or a weak link
    // through a name or a title, does not carry the story along.
    let mut keep = vec![true; ends.len()];
    if let Some((model, params)) = labels {
        let mut by_star: Vec<(u32, u32)> = (0..ends.len() as u32)
            .filter_map(|i| {
                let star = star_of[root[i as usize] as usize];
                (star != u32::MAX).then_some((star, i))
            })
            .collect();
        by_star.sort_unstable();
        let stars: Vec<&[(u32, u32)]> = by_star.chunk_by(|x, y| x.0 == y.0).collect();
        let verdicts: Vec<Vec<(u32, bool)>> = stars
            .into_par_iter()
            .map(|star| {
                let c = star[0].0;
                let direct = |i: u32| {
                    let r = root[i as usize];
                    r == c || adjacency[c as usize].binary_search(&r).is_ok()
                };
                let mut core: Vec<Member> = star
                    .iter()
                    .filter(|&&(_, i)| direct(i))
                    .map(|&(_, i)| ends[i as usize])
                    .collect();
                core.sort_unstable();
                core.dedup();
                let evidence: Vec<u32> = ranked_terms(model, &core, None, params)
                    .into_iter()
                    .take(LABEL_TERMS)
                    .map(|(t, _)| t)
                    .collect();
                let terms_of = |m: Member| evidence_in(model, m, &evidence, params);
                star.iter()
                    .map(|&(_, i)| {
                        let r = root[i as usize];
                        let ok = if r == c || evidence.is_empty() {
                            true
                        } else if direct(i) {
                            !terms_of(ends[i as usize]).is_empty()
                        } else {
                            // Two links from the centre: the link that brings
                            // the passage in must itself tell the story (an
                            // evidence term on both of its ends), or the
                            // passage must hold two evidence terms.
                            let mine = terms_of(ends[i as usize]);
                            let o = i ^ 1;
                            mine.len() >= 2
                                || (star_of[root[o as usize] as usize] == c
                                    && terms_of(ends[o as usize]).iter().any(|t| mine.contains(t)))
                        };
                        (i, ok)
                    })
                    .collect()
            })
            .collect();
        for (i, ok) in verdicts.into_iter().flatten() {
            keep[i as usize] = ok;
        }
    }
    let mut uf = UnionFind::new(ends.len());
    for i in 0..ends.len() as u32 {
        let star = star_of[root[i as usize] as usize];
        if star != u32::MAX && keep[i as usize] {
            uf.union(i, star);
        }
    }
    let mut groups: Vec<NarrativeGroup> = uf
        .groups(2)
        .into_par_iter()
        .filter_map(|nodes| {
            let mut members: Vec<Member> = nodes.iter().map(|&i| ends[i as usize]).collect();
            members.sort();
            // Merge overlapping spans of one document.
            let mut merged: Vec<Member> = Vec::new();
            for m in members {
                match merged.last_mut() {
                    Some(last) if last.doc == m.doc && m.span.start() < last.span.end() => {
                        last.span = last.span.cover(m.span);
                    }
                    _ => merged.push(m),
                }
            }
            let mut doc_ids: Vec<usize> = merged.iter().map(|m| m.doc).collect();
            doc_ids.dedup();
            if doc_ids.len() < 2 {
                return None;
            }
            // Representative: the merged member touched by the most score.
            let link_ids: Vec<usize> = {
                let mut v: Vec<usize> = nodes.iter().map(|&i| i as usize / 2).collect();
                v.dedup();
                v
            };
            // Each link counts once for every merged member one of its ends
            // overlaps (members of one document are disjoint and sorted).
            let mut touched = vec![0.0f32; merged.len()];
            let mut hit: Vec<usize> = Vec::new();
            for &k in &link_ids {
                let l = &links[k];
                hit.clear();
                for (doc, span) in [l.a, l.b] {
                    let from =
                        merged.partition_point(|m| (m.doc, m.span.end()) <= (doc, span.start()));
                    hit.extend(
                        (from..merged.len())
                            .take_while(|&x| {
                                merged[x].doc == doc && merged[x].span.start() < span.end()
                            })
                            .filter(|&x| merged[x].span.overlaps(span)),
                    );
                }
                hit.sort_unstable();
                hit.dedup();
                for &x in &hit {
                    touched[x] += 1.0 + l.score;
                }
            }
            let mut best = (f32::MIN, merged[0]);
            for (x, &m) in merged.iter().enumerate() {
                if touched[x] > best.0 {
                    best = (touched[x], m);
                }
            }
            let label = labels
                .map(|(model, params)| group_label(model, &merged, best.1, params))
                .unwrap_or_default();
            Some(NarrativeGroup {
                n_docs: doc_ids.len(),
                representative: best.1,
                members: merged,
                label,
                links: link_ids.len(),
            })
        })
        .collect();
    groups.sort_by(|x, y| x.members.cmp(&y.members));
    groups
}

/// Where a label term was seen: (in the representative, doc, content index).
type Occurrence = (bool, usize, usize);

/// Number of terms in a label (and in a star's evidence).
const LABEL_TERMS: usize = 4;

/// Distinctive content terms inside `m` (tokens wholly within its span), in
/// text order with their content index.
fn member_terms<'m>(
    model: &'m Model,
    m: Member,
    params: &'m NarrativeParams,
) -> impl Iterator<Item = (u32, usize)> + 'm {
    let c = model.content.get(m.doc);
    let from = c.map_or(0, |c| {
        c.spans
            .partition_point(|s| (s[0] as usize) < m.span.start())
    });
    let to = c.map_or(0, |c| c.len());
    (from..to)
        .map_while(move |k| {
            let c = c?;
            let sp = c.span(k);
            (sp.start() < m.span.end()).then_some((k, sp))
        })
        .filter(move |&(_, sp)| sp.end() <= m.span.end())
        .filter_map(move |(k, _)| {
            let t = model.content[m.doc].terms[k];
            (model.weights[t as usize] >= params.min_term_weight).then_some((t, k))
        })
}

/// The distinct `terms` that occur in passage `m`, sorted.
fn evidence_in(model: &Model, m: Member, terms: &[u32], params: &NarrativeParams) -> Vec<u32> {
    let mut seen: Vec<u32> = member_terms(model, m, params)
        .map(|(t, _)| t)
        .filter(|t| terms.contains(t))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen
}

/// The distinctive terms of `members` (sorted by document) found in at least
/// two of their documents: most documents first, then heaviest, each with
/// where it was first seen (in `rep` when it occurs there).
fn ranked_terms(
    model: &Model,
    members: &[Member],
    rep: Option<Member>,
    params: &NarrativeParams,
) -> Vec<(u32, Occurrence)> {
    // term -> (documents containing it, first (doc, content index))
    let mut stats: HashMap<u32, (Vec<usize>, Occurrence)> = HashMap::new();
    for m in members {
        let is_rep = Some(*m) == rep;
        for (t, k) in member_terms(model, *m, params) {
            let e = stats.entry(t).or_insert((Vec::new(), (false, m.doc, k)));
            if e.0.last() != Some(&m.doc) {
                e.0.push(m.doc);
            }
            if is_rep && !e.1.0 {
                e.1 = (true, m.doc, k);
            }
        }
    }
    let mut ranked: Vec<(u32, usize, f32, Occurrence)> = stats
        .into_iter()
        .map(|(t, (ds, first))| (t, ds.len(), model.weights[t as usize], first))
        .filter(|&(_, n, _, _)| n >= 2)
        .collect();
    ranked.sort_by(|x, y| y.1.cmp(&x.1).then(y.2.total_cmp(&x.2)).then(x.0.cmp(&y.0)));
    ranked.into_iter().map(|(t, _, _, o)| (t, o)).collect()
}

/// The label of a group: the stems found in the most member documents,
/// heaviest first, spelled as in the representative (or first) member.
fn group_label(
    model: &Model,
    members: &[Member],
    rep: Member,
    params: &NarrativeParams,
) -> Vec<String> {
    ranked_terms(model, members, Some(rep), params)
        .into_iter()
        .take(LABEL_TERMS)
        .map(|(_, (_, doc, k))| {
            model.content[doc]
                .span(k)
                .slice(model.texts[doc])
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences::sentences;

    fn prep(texts: &[&str]) -> Vec<Vec<Span>> {
        texts.iter().map(|t| sentences(t)).collect()
    }

    fn docs<'a>(texts: &[&'a str], p: &'a [Vec<Span>]) -> Vec<NarrativeDoc<'a>> {
        texts
            .iter()
            .zip(p)
            .map(|(t, s)| NarrativeDoc {
                text: t,
                sentences: s,
            })
            .collect()
    }

    #[test]
    fn smallest_key_is_the_first_two_common_terms() {
        assert_eq!(
            smallest_key(&[1, 3, 5, 7], &[2, 3, 4, 7, 9], true),
            Some((3, 7))
        );
        assert_eq!(
            smallest_key(&[1, 3, 5, 7], &[2, 3, 4, 7, 9], false),
            Some((3, 3))
        );
        assert_eq!(smallest_key(&[1, 3], &[3, 4], true), None);
        assert_eq!(smallest_key(&[], &[3, 4], false), None);
    }

    #[test]
    fn background_table_loads() {
        let (n, map) = &*BACKGROUND;
        assert!(*n > 100.0);
        assert!(map.len() > 1000);
        // A very common news stem weighs less than a rare one.
        assert!(background_idf("مملك") < background_idf("سلف"));
    }

    #[test]
    fn windows_cover_content_in_order() {
        let text = "قال الوزير إن الحكومة قررت بناء مدارس جديدة في المدن الشمالية. \
                    وأضاف أن المشروع يشمل مستشفيات وطرقا وجسورا. \
                    وتبلغ تكلفة المشروع مليار دولار تمولها الدولة بالكامل خلال خمس سنوات.";
        let p = prep(&[text]);
        let d = docs(&[text], &p);
        let params = NarrativeParams {
            min_window: 5,
            max_window: 8,
            ..Default::default()
        };
        let m = Model::build(&d, NormalizeOptions::default(), &params);
        assert!(m.windows.len() >= 2);
        let mut prev_lo = 0;
        for w in &m.windows {
            assert!(w.hi > w.lo && (w.hi - w.lo) as usize <= 8);
            assert!(w.lo >= prev_lo);
            prev_lo = w.lo;
            assert!(!w.span().slice(text).is_empty());
        }
        assert_eq!(m.windows.last().unwrap().hi as usize, m.content[0].len());
        // Content spans slice the text at token boundaries, in order.
        let c = &m.content[0];
        for k in 0..c.len() {
            assert!(!c.span(k).slice(text).is_empty());
            assert!(k == 0 || c.span(k - 1).end() <= c.span(k).start());
        }
    }

    #[test]
    fn group_joins_overlapping_passages() {
        let l = |a: (usize, usize, usize), b: (usize, usize, usize)| Link {
            a: (a.0, Span::new(a.1, a.2)),
            b: (b.0, Span::new(b.1, b.2)),
            tokens_a: 1,
            tokens_b: 1,
            score: 0.5,
            terms: vec![],
            terms_b: vec![],
        };
        // Doc 1's passages 5..20 and 8..30 cover much the same text (overlap
        // 12 of 22 bytes): one passage. 40..60 only touches 55..70 of a
        // link elsewhere, so doc 5 does not chain into the group.
        let links = vec![
            l((0, 0, 10), (1, 5, 20)),
            l((1, 8, 30), (2, 0, 8)),
            l((3, 0, 5), (4, 0, 5)),
            l((2, 6, 40), (5, 0, 9)),
        ];
        let g = group(&links);
        assert_eq!(g.len(), 3, "{g:?}");
        assert_eq!(g[0].n_docs, 3);
        assert_eq!(
            g[0].members,
            vec![
                Member {
                    doc: 0,
                    span: Span::new(0, 10)
                },
                Member {
                    doc: 1,
                    span: Span::new(5, 30)
                },
                Member {
                    doc: 2,
                    span: Span::new(0, 8)
                },
            ]
        );
        assert_eq!(g[0].links, 2);
        assert!(g.iter().all(|x| x.n_docs == 2 || x.n_docs == 3));
        assert!(
            !g[0].members.iter().any(|m| m.doc == 5),
            "no chaining by a touch"
        );
    }
}
