//! Narrative links: passages that tell the same story in other words.
//!
//! Verbatim alignment ([`align`](crate::align)) needs shared word runs. Outlets
//! that retell a story share none, yet they share its *distinctive words*:
//! `اعتقالات … السلفيين الجهاديين … حماس` in one article, `الاعتقال … حماس ضد
//! السلفيين الجهاديين` in another. This module finds such passage pairs.
//!
//! ## Method
//!
//! 1. **Content terms.** Every token that is not a stop word
//!    ([`stem::is_stop_word`](crate::stem::is_stop_word)) is reduced to its
//!    light10 stem ([`stem::light10`](crate::stem::light10)), with two
//!    back-offs ([`narrative_stem`]): where light10 eats a root letter and
//!    leaves a stop word or under 3 letters (`ولايه` → `لا`), and where a
//!    proclitic `ل`/`ب` hides a word seen elsewhere (`لحماس` → `حماس`).
//!    Terms found in one document only cannot be shared: they are not stored,
//!    and enter a window's norm at [`NarrativeParams::lonely_weight`].
//!    Stems of one derived verb (forms VII, VIII, X:
//!    [`stem::verb_form_key`](crate::stem::verb_form_key)) are one term:
//!    `اعتقال`, `اعتقلت`, `يعتقل` (a derivation match, see step 5).
//! 2. **Term weights.** A stem's weight is an IDF blended from two sources:
//!    a built-in *background* document frequency table
//!    (`src/data/background-df.tsv`, derived from one day of Saudi news, see
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
//! 3. **Windows.** The sentences of [`tokenize::sentences`](crate::tokenize::sentences)
//!    are merged until a window holds at least
//!    [`NarrativeParams::min_window`] content tokens; longer runs are cut into
//!    windows of [`NarrativeParams::max_window`] tokens overlapping by half.
//!    A window is a vector of `(1 + ln tf) · weight` over its stems.
//! 4. **Candidates** (scales to large corpora): each window is indexed under
//!    its [`NarrativeParams::prefix_terms`] heaviest distinctive stems (prefix
//!    filtering); two windows of different documents are candidates when they
//!    share at least two indexed stems. Stems indexed by more than
//!    [`NarrativeParams::max_postings`] windows are too common to be keys and
//!    are skipped.
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
//! [`NarrativeGroup`]s across documents.
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
use crate::stem::{is_stop_word, light10, light10_no_waw, strip_article, verb_form_key};
use crate::tokenize::Tokens;

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
            background_docs: 50.0,
            max_key_terms: 8,
            lonely_weight: 0.5,
            derived_match: 0.5,
            group_support: 0.5,
        }
    }
}

/// One document as the narrative level sees it. All three fields describe
/// the same text: `tokens` from [`Tokenizer`](crate::tokenize::Tokenizer) and
/// `sentences` from [`sentences`](crate::tokenize::sentences).
#[derive(Clone, Copy, Debug)]
pub struct NarrativeDoc<'a> {
    /// The original text.
    pub text: &'a str,
    /// Its tokens (spans into `text`).
    pub tokens: &'a Tokens,
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
    for line in include_str!("data/background-df.tsv").lines() {
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

/// Proclitic back-off (an athar extension of light10, which leaves the
/// prepositions `ل` and `ب` on words without an article: `لحماس`, `بغزه`).
/// A stem starting with `ل` or `ب` is replaced by the light10 stem of the
/// word without that letter when that stem has at least 3 characters, occurs
/// in the corpus on its own, and is at least twice as frequent in the
/// background table as the original stem (so `لبنان` stays `لبن`).
fn backoff_proclitics<'a>(docs: &[NarrativeDoc<'a>], stems: &mut [Vec<(u32, &'a str)>]) {
    let known: std::collections::HashSet<&str> = stems.iter().flatten().map(|&(_, s)| s).collect();
    let bg = |s: &str| BACKGROUND.1.get(s).copied().unwrap_or(1);
    let mut memo: HashMap<&'a str, &'a str> = HashMap::new();
    for (d, list) in stems.iter_mut().enumerate() {
        for (i, s) in list.iter_mut() {
            let word: &'a str = docs[d].tokens.text(*i as usize);
            let w0 = word
                .strip_prefix('و')
                .filter(|r| r.chars().count() >= 3)
                .unwrap_or(word);
            let Some(rest) = w0.strip_prefix('ل').or_else(|| w0.strip_prefix('ب')) else {
                continue;
            };
            let to = *memo.entry(word).or_insert_with(|| {
                let r = narrative_stem(rest);
                if r.chars().count() >= 3 && known.contains(r) && bg(r) >= 2 * bg(s) {
                    r
                } else {
                    s
                }
            });
            *s = to;
        }
    }
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
// The model

/// A window: a run of content tokens of one document.
#[derive(Clone, Debug)]
struct Window {
    doc: u32,
    /// Range into the document's content-token list.
    lo: u32,
    hi: u32,
    /// Index of the window within its document.
    ord: u32,
    /// `(term, weight)` sorted by term.
    vec: Vec<(u32, f32)>,
    norm: f32,
    span: Span,
}

/// Per-document content: token index and term id of every content token.
struct DocContent {
    toks: Vec<u32>,
    terms: Vec<u32>,
    /// Hash of the token's fine form (see [`fine_form`]).
    fine: Vec<u64>,
    /// The terms of the adjacent tokens (left, right) with which this token
    /// forms a collocation (see [`bind_collocations`]); `u32::MAX` for none.
    bound: Vec<[u32; 2]>,
}

/// Merge the terms of one derived verb ([`verb_form_key`]): returns the
/// final term of every interned stem, and the background document frequency
/// of every final term.
fn fold_verb_forms(names: &[&str]) -> (Vec<u32>, Vec<u32>) {
    let bg = |s: &str| BACKGROUND.1.get(s).copied().unwrap_or(1);
    let mut by_key: HashMap<String, u32> = HashMap::new();
    let mut canon = Vec::with_capacity(names.len());
    let mut bg_df: Vec<u32> = Vec::with_capacity(names.len());
    for s in names {
        let key = verb_form_key(s).unwrap_or_else(|| (*s).to_string());
        let next = bg_df.len() as u32;
        let id = *by_key.entry(key).or_insert(next);
        if id == next {
            bg_df.push(bg(s));
        } else {
            bg_df[id as usize] += bg(s);
        }
        canon.push(id);
    }
    (canon, bg_df)
}

/// Collocations: two adjacent tokens (no word between) are *bound* to each
/// other when their pair of terms occurs at least twice in the corpus (in
/// either order: `السلفيين الجهاديين`, `جهاديون سلفيون`) and
/// accounts for at least half of the occurrences of one of the two terms
/// (`لواء التوحيد` binds `التوحيد`; `الجناح العسكري` binds `الجناح`;
/// `ولاية سيناء` binds both words there, but not `سيناء` in `في سيناء`). A bound word names a
/// fixed phrase: the same word outside that phrase (`راية التوحيد`,
/// `الجناح المسلح`) is another sense or another entity.
fn bind_collocations(content: &mut [DocContent], n_terms: usize) {
    let mut count = vec![0u32; n_terms];
    let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
    for c in content.iter() {
        for &t in &c.terms {
            count[t as usize] += 1;
        }
        for k in 1..c.terms.len() {
            if c.toks[k] == c.toks[k - 1] + 1 && c.terms[k] != c.terms[k - 1] {
                let (x, y) = (c.terms[k - 1], c.terms[k]);
                *pairs.entry((x.min(y), x.max(y))).or_default() += 1;
            }
        }
    }
    let binds = |(x, y): (u32, u32), _t: u32| {
        let pair = (x.min(y), x.max(y));
        pairs.get(&pair).is_some_and(|&n| {
            n >= 2 && (2 * n >= count[pair.0 as usize] || 2 * n >= count[pair.1 as usize])
        })
    };
    for c in content.iter_mut() {
        let n = c.terms.len();
        c.bound = (0..n)
            .map(|k| {
                let t = c.terms[k];
                let mut b = [u32::MAX; 2];
                if k > 0 && c.toks[k] == c.toks[k - 1] + 1 && binds((c.terms[k - 1], t), t) {
                    b[0] = c.terms[k - 1];
                }
                if k + 1 < n && c.toks[k + 1] == c.toks[k] + 1 && binds((t, c.terms[k + 1]), t) {
                    b[1] = c.terms[k + 1];
                }
                b
            })
            .collect();
    }
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

/// Corpus-wide state shared by [`find_links`] and [`group`].
struct Model<'d, 'a> {
    docs: &'d [NarrativeDoc<'a>],
    content: Vec<DocContent>,
    weights: Vec<f32>,
    windows: Vec<Window>,
}

impl<'d, 'a> Model<'d, 'a> {
    fn build(docs: &'d [NarrativeDoc<'a>], params: &NarrativeParams) -> Self {
        let mut stems: Vec<Vec<(u32, &str)>> =
            docs.par_iter().map(|d| content_stems(d.tokens)).collect();
        backoff_proclitics(docs, &mut stems);
        // Intern stems in document order: deterministic ids.
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        let mut content = Vec::with_capacity(docs.len());
        for (d, list) in stems.iter().enumerate() {
            let mut toks = Vec::with_capacity(list.len());
            let mut terms = Vec::with_capacity(list.len());
            let mut fine = Vec::with_capacity(list.len());
            for &(i, s) in list {
                let id = *ids.entry(s).or_insert_with(|| {
                    names.push(s);
                    (names.len() - 1) as u32
                });
                toks.push(i);
                terms.push(id);
                let word = docs[d].tokens.text(i as usize);
                let mut f = fine_form(word);
                if !f.starts_with(s) {
                    // A proclitic ل or ب was backed off: drop it here too.
                    let w0 = word.strip_prefix('و').unwrap_or(word);
                    let mut ch = w0.chars();
                    ch.next();
                    let g = fine_form(ch.as_str());
                    if g.starts_with(s) {
                        f = g;
                    }
                }
                fine.push(xxhash_rust::xxh3::xxh3_64(f.as_bytes()));
            }
            content.push(DocContent {
                toks,
                terms,
                fine,
                bound: Vec::new(),
            });
        }
        // Derived verb forms share one term (اعتقال، اعتقلت، يعتقل); their
        // fine forms differ, so they match as derivations. The background
        // frequency of a merged term is the sum of its stems'.
        let (canon, bg_df) = fold_verb_forms(&names);
        let mut df: Vec<u32> = vec![0; bg_df.len()];
        let mut seen: Vec<u32> = vec![u32::MAX; bg_df.len()];
        for (d, c) in content.iter_mut().enumerate() {
            for t in c.terms.iter_mut() {
                *t = canon[*t as usize];
                if seen[*t as usize] != d as u32 {
                    seen[*t as usize] = d as u32;
                    df[*t as usize] += 1;
                }
            }
        }
        bind_collocations(&mut content, df.len());
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
        let windows: Vec<Window> = docs
            .par_iter()
            .zip(content.par_iter())
            .enumerate()
            .map(|(d, (doc, c))| windows_of(d as u32, doc, c, &weights, &df, params))
            .flatten()
            .collect();
        Model {
            docs,
            content,
            weights,
            windows,
        }
    }

    fn is_distinctive(&self, term: u32, params: &NarrativeParams) -> bool {
        self.weights[term as usize] >= params.min_term_weight
    }

    /// Candidate window pairs `(i, j)`, `i < j`, of different documents.
    fn candidates(&self, params: &NarrativeParams) -> Vec<(u32, u32)> {
        let prefixes: Vec<Vec<u32>> = self
            .windows
            .par_iter()
            .map(|w| {
                let mut terms: Vec<(u32, f32)> = w
                    .vec
                    .iter()
                    .copied()
                    .filter(|&(t, _)| self.is_distinctive(t, params))
                    .collect();
                terms.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                terms.truncate(params.prefix_terms.max(1));
                terms.into_iter().map(|(t, _)| t).collect()
            })
            .collect();
        let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
        for (w, p) in prefixes.iter().enumerate() {
            for &t in p {
                postings.entry(t).or_default().push(w as u32);
            }
        }
        let need = params.min_terms.clamp(1, 2);
        let mut pairs: Vec<(u32, u32)> = prefixes
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, p)| {
                let doc = self.windows[i].doc;
                let mut hits: Vec<u32> = Vec::new();
                for t in p {
                    let list = &postings[t];
                    if list.len() > params.max_postings {
                        continue;
                    }
                    // Postings are in window order; only look forward.
                    let from = list.partition_point(|&j| j <= i as u32);
                    hits.extend(
                        list[from..]
                            .iter()
                            .copied()
                            .filter(|&j| self.windows[j as usize].doc != doc),
                    );
                }
                hits.sort_unstable();
                let mut out = Vec::new();
                let mut k = 0;
                while k < hits.len() {
                    let mut e = k;
                    while e < hits.len() && hits[e] == hits[k] {
                        e += 1;
                    }
                    if e - k >= need {
                        out.push((i as u32, hits[k]));
                    }
                    k = e;
                }
                out
            })
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// Exact score of a window pair: cosine and the shared distinctive terms
    /// with their contribution, heaviest first.
    fn score(&self, a: &Window, b: &Window, params: &NarrativeParams) -> (f32, Vec<(u32, f32)>) {
        let (mut i, mut j) = (0, 0);
        let mut dot = 0.0f32;
        let mut shared = Vec::new();
        while i < a.vec.len() && j < b.vec.len() {
            let (ta, wa) = a.vec[i];
            let (tb, wb) = b.vec[j];
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
        let forms = |w: &Window| {
            let c = &self.content[w.doc as usize];
            (w.lo as usize..w.hi as usize)
                .filter(|&k| c.terms[k] == term)
                .map(|k| (c.fine[k], c.bound[k]))
                .collect::<Vec<(u64, [u32; 2])>>()
        };
        let fa = forms(a);
        forms(b)
            .iter()
            .any(|&(f, bb)| fa.iter().any(|&(g, ba)| f == g && same_context(ba, bb)))
    }

    /// True when some shared term occurs outside any collocation in both
    /// windows. Passages that share only fixed phrases (`ابو بكر البغدادي`,
    /// `ولاية سيناء`, `صاحب السمو الملكي`) mention the same names or
    /// formulas; they do not yet tell the same story.
    fn has_free_evidence(&self, a: &Window, b: &Window, shared: &[(u32, f32)]) -> bool {
        let free = |w: &Window, t: u32| {
            let c = &self.content[w.doc as usize];
            (w.lo as usize..w.hi as usize).any(|k| c.terms[k] == t && c.bound[k] == [u32::MAX; 2])
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
        let d = &self.docs[doc];
        (lo as usize..hi as usize)
            .find(|&k| c.terms[k] == term)
            .map(|k| d.tokens.span(c.toks[k] as usize).slice(d.text).to_string())
            .unwrap_or_default()
    }
}

/// The windows of one document.
fn windows_of(
    d: u32,
    doc: &NarrativeDoc,
    c: &DocContent,
    weights: &[f32],
    df: &[u32],
    params: &NarrativeParams,
) -> Vec<Window> {
    let n = c.toks.len();
    if n == 0 {
        return Vec::new();
    }
    let min_w = params.min_window.max(1);
    let max_w = params.max_window.max(min_w);
    // Content-token index where each sentence ends.
    let mut ends: Vec<usize> = Vec::with_capacity(doc.sentences.len() + 1);
    let mut k = 0;
    for s in doc.sentences {
        while k < n && doc.tokens.span(c.toks[k] as usize).start() < s.end() {
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
        .enumerate()
        .map(|(ord, (lo, hi))| {
            let mut terms: Vec<u32> = c.terms[lo..hi].to_vec();
            terms.sort_unstable();
            let mut vec: Vec<(u32, f32)> = Vec::new();
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
                        vec.push((terms[i], w));
                    }
                } else {
                    lonely += w * w;
                }
                i = e;
            }
            let h = params.lonely_weight;
            let norm = (vec.iter().map(|(_, w)| w * w).sum::<f32>() + h * h * lonely).sqrt();
            // From the first token after the previous content token (so
            // leading stop words are shown), not before the sentence start.
            let first = doc.tokens.span(c.toks[lo] as usize);
            let from_tok = if lo == 0 {
                0
            } else {
                c.toks[lo - 1] as usize + 1
            };
            let sent_start = doc
                .sentences
                .partition_point(|s| s.start() <= first.start())
                .checked_sub(1)
                .map_or(0, |k| doc.sentences[k].start());
            let start = doc
                .tokens
                .span(from_tok)
                .start()
                .max(sent_start)
                .min(first.start());
            let span = Span::new(start, doc.tokens.span(c.toks[hi - 1] as usize).end());
            Window {
                doc: d,
                lo: lo as u32,
                hi: hi as u32,
                ord: ord as u32,
                vec,
                norm,
                span,
            }
        })
        .collect()
}

/// A raw window-pair link before merging.
struct RawLink {
    wa: u32,
    wb: u32,
    score: f32,
    shared: Vec<(u32, f32)>,
}

/// Find narrative links between passages of different documents.
///
/// Links are sorted by `(a.0, b.0, a.1, b.1)`; `a.0 < b.0` always. Empty and
/// very short documents simply produce no windows.
pub fn find_links(docs: &[NarrativeDoc], params: &NarrativeParams) -> Vec<Link> {
    let model = Model::build(docs, params);
    let support_bar = params.threshold * params.group_support.clamp(0.0, 1.0);
    // Every candidate pair with enough evidence, at the bar or above the
    // support bar.
    let scored: Vec<RawLink> = model
        .candidates(params)
        .into_par_iter()
        .filter_map(|(i, j)| {
            let (a, b) = (&model.windows[i as usize], &model.windows[j as usize]);
            let (score, shared) = model.score(a, b, params);
            (score >= support_bar.min(params.threshold)
                && shared.len() >= params.min_terms
                && model.evidence_units(a, b, &shared, params) >= params.min_terms as f32
                && model.has_free_evidence(a, b, &shared))
            .then_some(RawLink {
                wa: i,
                wb: j,
                score,
                shared,
            })
        })
        .collect();
    let (mut raw, weak): (Vec<RawLink>, Vec<RawLink>) = scored
        .into_iter()
        .partition(|r| r.score >= params.threshold);
    // Group support: a window linked at the bar has the evidence of its
    // links (the terms they share). A window not linked at the bar, of a
    // third document, joins through its best link under the bar when that
    // link shares one of those terms: the term is then found in three
    // tellings, and two of them already agree at the bar.
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
        evidence.sort_unstable();
        evidence.dedup();
        let linked: std::collections::HashSet<u32> =
            raw.iter().flat_map(|r| [r.wa, r.wb]).collect();
        // The member `m` supports the orphan window `o` through link `r`.
        let supports = |m: u32, o: u32, r: &RawLink| {
            let od = w[o as usize].doc;
            !linked.contains(&o)
                && r.shared.iter().any(|&(t, _)| {
                    let from = evidence.partition_point(|e| (e.0, e.1) < (m, t));
                    evidence[from..]
                        .iter()
                        .take_while(|e| (e.0, e.1) == (m, t))
                        .any(|e| e.2 != od)
                })
        };
        let mut best: HashMap<u32, usize> = HashMap::new();
        for (k, r) in weak.iter().enumerate() {
            for (m, o) in [(r.wa, r.wb), (r.wb, r.wa)] {
                if supports(m, o, r) {
                    let e = best.entry(o).or_insert(k);
                    let cur = &weak[*e];
                    if (r.score, std::cmp::Reverse((r.wa, r.wb)))
                        > (cur.score, std::cmp::Reverse((cur.wa, cur.wb)))
                    {
                        *e = k;
                    }
                }
            }
        }
        let mut keep: Vec<usize> = best.into_values().collect();
        keep.sort_unstable();
        keep.dedup();
        let mut weak: Vec<Option<RawLink>> = weak.into_iter().map(Some).collect();
        raw.extend(keep.into_iter().filter_map(|k| weak[k].take()));
    }
    merge_links(&model, raw, params)
}

/// Merge raw links whose windows are the same or consecutive in both
/// documents, and turn them into [`Link`]s.
fn merge_links(model: &Model, mut raw: Vec<RawLink>, params: &NarrativeParams) -> Vec<Link> {
    let w = &model.windows;
    // Group by document pair, then by window order.
    raw.sort_by_key(|r| {
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
        .into_iter()
        .map(|members| {
            let first = &raw[members[0] as usize];
            let da = w[first.wa as usize].doc as usize;
            let db = w[first.wb as usize].doc as usize;
            let mut sa: Option<Span> = None;
            let mut sb: Option<Span> = None;
            let (mut alo, mut ahi, mut blo, mut bhi) = (u32::MAX, 0, u32::MAX, 0);
            let mut score = 0.0f32;
            let mut contrib: HashMap<u32, f32> = HashMap::new();
            for &m in &members {
                let r = &raw[m as usize];
                let (wa, wb) = (&w[r.wa as usize], &w[r.wb as usize]);
                sa = Some(sa.map_or(wa.span, |s| s.cover(wa.span)));
                sb = Some(sb.map_or(wb.span, |s| s.cover(wb.span)));
                alo = alo.min(wa.lo);
                ahi = ahi.max(wa.hi);
                blo = blo.min(wb.lo);
                bhi = bhi.max(wb.hi);
                score = score.max(r.score);
                for &(t, c) in &r.shared {
                    let e = contrib.entry(t).or_insert(0.0);
                    *e = e.max(c);
                }
            }
            let mut shared: Vec<(u32, f32)> = contrib.into_iter().collect();
            shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            shared.truncate(params.max_key_terms);
            let terms = shared
                .iter()
                .map(|&(t, _)| model.spelling(da, alo, ahi, t))
                .collect();
            let terms_b = shared
                .iter()
                .map(|&(t, _)| model.spelling(db, blo, bhi, t))
                .collect();
            Link {
                a: (da, sa.unwrap_or_default()),
                b: (db, sb.unwrap_or_default()),
                score,
                terms,
                terms_b,
            }
        })
        .collect();
    links.sort_by(|x, y| {
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
/// documents.
///
/// `links` may mix narrative links from [`find_links`] and verbatim passage
/// pairs from alignment (build a [`Link`] with empty `terms`). Every link
/// endpoint is a passage; passages of one document that overlap are joined,
/// and so are the two passages of a link. Groups spanning at least two
/// documents are returned, sorted by their first member. `docs` (the same
/// slice the links refer to) and `params` give the label its words.
pub fn group(
    docs: &[NarrativeDoc],
    links: &[Link],
    params: &NarrativeParams,
) -> Vec<NarrativeGroup> {
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
    let mut uf = UnionFind::new(ends.len());
    for i in 0..ends.len() as u32 {
        let star = star_of[root[i as usize] as usize];
        if star != u32::MAX {
            uf.union(i, star);
        }
    }
    let model = (!docs.is_empty()).then(|| Model::build(docs, params));
    let mut groups: Vec<NarrativeGroup> = uf
        .groups(2)
        .into_iter()
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
            let mut best = (f32::MIN, merged[0]);
            for &m in &merged {
                let s: f32 = link_ids
                    .iter()
                    .map(|&k| &links[k])
                    .filter(|l| {
                        (l.a.0 == m.doc && l.a.1.overlaps(m.span))
                            || (l.b.0 == m.doc && l.b.1.overlaps(m.span))
                    })
                    .map(|l| 1.0 + l.score)
                    .sum();
                if s > best.0 {
                    best = (s, m);
                }
            }
            let label = model
                .as_ref()
                .map(|model| group_label(model, &merged, best.1, params))
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

/// The label of a group: the stems found in the most member documents,
/// heaviest first, spelled as in the representative (or first) member.
fn group_label(
    model: &Model,
    members: &[Member],
    rep: Member,
    params: &NarrativeParams,
) -> Vec<String> {
    // term -> (documents containing it, first (doc, content index))
    let mut stats: HashMap<u32, (Vec<usize>, Occurrence)> = HashMap::new();
    for m in members {
        let Some(c) = model.content.get(m.doc) else {
            continue;
        };
        let d = &model.docs[m.doc];
        for (k, (&tok, &t)) in c.toks.iter().zip(&c.terms).enumerate() {
            let sp = d.tokens.span(tok as usize);
            if !(sp.start() >= m.span.start() && sp.end() <= m.span.end()) {
                continue;
            }
            if model.weights[t as usize] < params.min_term_weight {
                continue;
            }
            let e = stats.entry(t).or_insert((Vec::new(), (false, m.doc, k)));
            if e.0.last() != Some(&m.doc) {
                e.0.push(m.doc);
            }
            let is_rep = *m == rep;
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
    ranked
        .into_iter()
        .take(4)
        .map(|(_, _, _, (_, doc, k))| {
            let d = &model.docs[doc];
            let tok = model.content[doc].toks[k] as usize;
            d.tokens.span(tok).slice(d.text).to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::NormalizeOptions;
    use crate::tokenize::{Tokenizer, sentences};

    fn prep(texts: &[&str]) -> Vec<(Tokens, Vec<Span>)> {
        let mut tk = Tokenizer::new(NormalizeOptions::default());
        texts
            .iter()
            .map(|t| (tk.tokenize(t), sentences(t)))
            .collect()
    }

    fn docs<'a>(texts: &[&'a str], p: &'a [(Tokens, Vec<Span>)]) -> Vec<NarrativeDoc<'a>> {
        texts
            .iter()
            .zip(p)
            .map(|(t, (tk, s))| NarrativeDoc {
                text: t,
                tokens: tk,
                sentences: s,
            })
            .collect()
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
        let m = Model::build(&d, &params);
        assert!(m.windows.len() >= 2);
        let mut prev_lo = 0;
        for w in &m.windows {
            assert!(w.hi > w.lo && (w.hi - w.lo) as usize <= 8);
            assert!(w.lo >= prev_lo);
            prev_lo = w.lo;
            assert!(!w.span.slice(text).is_empty());
        }
        assert_eq!(
            m.windows.last().unwrap().hi as usize,
            m.content[0].toks.len()
        );
    }

    #[test]
    fn group_joins_overlapping_passages() {
        let l = |a: (usize, usize, usize), b: (usize, usize, usize)| Link {
            a: (a.0, Span::new(a.1, a.2)),
            b: (b.0, Span::new(b.1, b.2)),
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
        let g = group(&[], &links, &NarrativeParams::default());
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
