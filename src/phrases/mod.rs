//! Reused phrases (maximal shared n-grams) and boilerplate.
//!
//! # Boilerplate
//!
//! A shingle found in more than `max_df` unrelated documents ([`MaxDf::resolve`])
//! is boilerplate ([`BoilerplateSet`]): it does not seed passages (pass
//! `&|h| set.contains(h)` to [`crate::passages::align::align`]). The pipeline
//! decides it in [`crate::candidates::Postings::boilerplate`], counting
//! near-duplicate clusters rather than documents. What an analyst sees of
//! stock text is the formula section, learned by [`crate::evidence`].
//!
//! The default, [`MaxDf::default`], is "more than half of the documents, and
//! never fewer than [`MIN_BOILERPLATE_DOCS`] documents": in a corpus of five
//! articles, a phrase found in three of them is shared text the user wants
//! to see, not a page template.
//!
//! # Reused phrases
//!
//! [`reused_phrases`] finds maximal n-grams (at least
//! [`PhraseParams::min_tokens`] tokens) shared by two or more documents:
//!
//! 1. Every `n`-gram (`n = min_tokens`) of every document is hashed, and
//!    its `(gram, document, position)` posting sorted by gram. Postings are
//!    made and sorted in parts by the top bits of the gram hash (about 8
//!    million postings a part, grams recomputed for each part), and each
//!    part in sub-parts sorted and scanned in parallel. Grams in one document
//!    only, and grams in more than `max_df` documents (boilerplate), are
//!    dropped.
//! 2. Each distinct document set of a shared gram gets an id (sets are
//!    interned by content); each document gets the positions of its shared
//!    grams with their set ids.
//! 3. In each document (in parallel), a phrase starts wherever the document
//!    set of the gram changes, and extends left and right over neighbouring
//!    grams whose set contains its own. The result is the longest run of
//!    shared grams that every document of the set has in common: a phrase
//!    shared by documents {1, 2} runs through a gram that documents {1, 2, 3}
//!    share, while that gram alone is reported for {1, 2, 3}. A memo keeps
//!    each run from being extended twice, so the cost is linear in practice.
//! 4. Phrases are grouped by the hash of their tokens; the documents a group
//!    occurs in are counted exactly (a phrase is counted in a document only
//!    when that document yields the identical token run). A phrase contained
//!    in a longer phrase with the same document set is dropped (maximality).
//! 5. Phrases are ranked by document count, then length, then first
//!    occurrence, and the top [`PhraseParams::top`] are returned.
//!
//! Every sort above is by a total order, so the result does not depend on
//! the number of threads. Memory is about 16 bytes per posting of one part
//! (about 8 million, plus an eighth), 20 bytes per occurrence
//! of a shared gram, and 24 bytes per phrase candidate.

use std::collections::HashMap as StdHashMap;
use std::ops::Range;
use std::str::FromStr;

use ahash::{AHashMap, AHashSet};
use rayon::prelude::*;

use crate::error::{Error, Result};

use crate::sketch::shingle::{fmix64, shingle_hashes};

/// A [`MaxDf::Fraction`] never resolves below this many documents, so small
/// corpora have no boilerplate unless the user asks for a count.
pub const MIN_BOILERPLATE_DOCS: usize = 10;

/// The document frequency above which a shingle is boilerplate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MaxDf {
    /// An absolute number of documents.
    Count(usize),
    /// A share of the analysed documents (`0 < f <= 1`); resolves to at least
    /// [`MIN_BOILERPLATE_DOCS`].
    Fraction(f64),
}

impl Default for MaxDf {
    /// `Fraction(0.5)`: boilerplate is in more than half of the documents
    /// (and in more than [`MIN_BOILERPLATE_DOCS`]).
    fn default() -> MaxDf {
        MaxDf::Fraction(0.5)
    }
}

impl MaxDf {
    /// The absolute document count for a corpus of `n_docs` documents: a
    /// shingle in MORE than this many documents is boilerplate.
    ///
    /// ```
    /// use athar::phrases::MaxDf;
    /// assert_eq!(MaxDf::Count(3).resolve(1000), 3);
    /// assert_eq!(MaxDf::Fraction(0.5).resolve(1000), 500);
    /// assert_eq!(MaxDf::Fraction(0.5).resolve(5), 10); // tiny corpus: nothing is boilerplate
    /// ```
    pub fn resolve(&self, n_docs: usize) -> usize {
        match *self {
            MaxDf::Count(c) => c,
            MaxDf::Fraction(f) => {
                let f = if f.is_nan() { 1.0 } else { f.clamp(0.0, 1.0) };
                ((f * n_docs as f64).floor() as usize).max(MIN_BOILERPLATE_DOCS)
            }
        }
    }
}

impl std::fmt::Display for MaxDf {
    /// A count as an integer (`50`), a fraction as a decimal (`0.02`, `1.0`):
    /// [`MaxDf::from_str`] reads it back to the same value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            MaxDf::Count(c) => write!(f, "{c}"),
            // `{:?}` keeps the decimal point of whole numbers (1.0, not 1).
            MaxDf::Fraction(v) => write!(f, "{v:?}"),
        }
    }
}

impl FromStr for MaxDf {
    type Err = Error;

    /// `"100"` is a count; `"0.5"` or `"50%"` is a fraction.
    fn from_str(s: &str) -> Result<MaxDf> {
        let s = s.trim();
        let bad = || {
            Error::InvalidParameter(format!(
                "max-df: expected a count (100), a fraction (0.5) or a percentage (50%), got {s:?}"
            ))
        };
        if let Some(p) = s.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| bad())?;
            return if v > 0.0 && v <= 100.0 {
                Ok(MaxDf::Fraction(v / 100.0))
            } else {
                Err(bad())
            };
        }
        if let Ok(c) = s.parse::<usize>() {
            return Ok(MaxDf::Count(c));
        }
        let v: f64 = s.parse().map_err(|_| bad())?;
        if v > 0.0 && v <= 1.0 {
            Ok(MaxDf::Fraction(v))
        } else {
            Err(bad())
        }
    }
}

/// Shingle hashes recognised as boilerplate.
#[derive(Clone, Debug, Default)]
pub struct BoilerplateSet {
    hashes: AHashSet<u64>,
}

impl BoilerplateSet {
    /// A set from explicit hashes.
    pub fn from_hashes(hashes: impl IntoIterator<Item = u64>) -> BoilerplateSet {
        BoilerplateSet {
            hashes: hashes.into_iter().collect(),
        }
    }

    /// True when shingle `hash` is boilerplate.
    #[inline]
    pub fn contains(&self, hash: u64) -> bool {
        self.hashes.contains(&hash)
    }

    /// Number of boilerplate shingles.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when nothing is boilerplate.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// Parameters of [`reused_phrases`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhraseParams {
    /// Shortest phrase, in tokens (at least 2; default 3).
    pub min_tokens: usize,
    /// n-grams in more than this many documents are boilerplate and never
    /// part of a phrase (resolve a [`MaxDf`]; default: no limit).
    pub max_df: usize,
    /// Phrases returned at most (default 100).
    pub top: usize,
}

impl Default for PhraseParams {
    fn default() -> PhraseParams {
        PhraseParams {
            min_tokens: 3,
            max_df: usize::MAX,
            top: 100,
        }
    }
}

/// Where a phrase occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Document index.
    pub doc: u32,
    /// Token range in that document.
    pub tokens: Range<u32>,
}

/// A phrase shared by several documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReusedPhrase {
    /// Length in tokens.
    pub tokens: u32,
    /// Number of documents it occurs in (`occurrences.len()`).
    pub docs: usize,
    /// The first occurrence in each document, in document order. The first
    /// entry is a good source for the phrase's original spelling.
    pub occurrences: Vec<Occurrence>,
}

/// Maximal phrases (at least `min_tokens` tokens) shared by two or more
/// documents, most widespread first, then longest. See the module docs for
/// the algorithm. Runs on the current rayon pool; the result does not depend
/// on the number of threads.
pub fn reused_phrases<D: AsRef<[u64]> + Sync>(
    docs: &[D],
    params: &PhraseParams,
) -> Vec<ReusedPhrase> {
    reused_phrases_in_parts(docs, params, POSTINGS_PER_PART)
}

/// [`reused_phrases`], sorting at most about `per_part` postings at a time.
fn reused_phrases_in_parts<D: AsRef<[u64]> + Sync>(
    docs: &[D],
    params: &PhraseParams,
    per_part: usize,
) -> Vec<ReusedPhrase> {
    let n = params.min_tokens.max(2);
    let max_df = params.max_df.max(2);
    let timings = std::env::var_os("ATHAR_TIMINGS").is_some();
    let t0 = std::time::Instant::now();
    // 1-2. Shared grams and their document sets.
    let table = SharedGrams::build(docs, n, max_df, per_part, timings);
    let t1 = std::time::Instant::now();
    // 3. Phrases per document, extended over supersets: (key, doc, start, end),
    //    the first range of each key in each document.
    let mut found: Vec<(u64, u32, u32, u32)> = docs
        .par_iter()
        .enumerate()
        .map_init(Discover::default, |st, (d, doc)| {
            st.run(doc.as_ref(), d as u32, n, &table)
        })
        .flat_map_iter(|v| v)
        .collect();
    drop(table);
    let t2 = std::time::Instant::now();
    // 4. Shared by at least two documents, maximal within a document set.
    // One entry per (key, doc): the sort groups keys, documents ascending.
    found.par_sort_unstable();
    let n_found = found.len();
    // A phrase is a run of `found`: `(first entry, entries)`.
    let mut phrases: Vec<(u32, u32)> = Vec::new();
    let mut at = 0usize;
    for run in found.chunk_by(|x, y| x.0 == y.0) {
        if run.len() >= 2 {
            phrases.push((at as u32, run.len() as u32));
        }
        at += run.len();
    }
    let entries = |p: (u32, u32)| &found[p.0 as usize..(p.0 + p.1) as usize];
    let first = |p: (u32, u32)| {
        let e = &found[p.0 as usize];
        (e.1, e.2, e.3)
    };
    // Distinct phrases never compare equal below (equal first occurrences
    // mean equal token runs, hence one key), so an unstable sort is exact.
    phrases.par_sort_unstable_by(|&x, &y| {
        let (_, sx, ex) = first(x);
        let (_, sy, ey) = first(y);
        entries(x)
            .iter()
            .map(|e| e.1)
            .cmp(entries(y).iter().map(|e| e.1))
            .then(sx.cmp(&sy))
            .then((ey - sy).cmp(&(ex - sx)))
    });
    let same_set = |a: (u32, u32), b: (u32, u32)| {
        a.1 == b.1 && entries(a).iter().zip(entries(b)).all(|(x, y)| x.1 == y.1)
    };
    let mut kept: Vec<(u32, u32)> = Vec::new();
    let mut i = 0;
    while i < phrases.len() {
        let mut j = i + 1;
        while j < phrases.len() && same_set(phrases[i], phrases[j]) {
            j += 1;
        }
        // Within a set, sorted by start then longest first: drop contained ranges.
        let mut end = 0u32;
        for (x, &p) in phrases.iter().enumerate().take(j).skip(i) {
            let (_, _, e) = first(p);
            if x == i || e > end {
                kept.push(p);
                end = end.max(e);
            }
        }
        i = j;
    }
    drop(phrases);
    // 5. Rank (a total order, as above).
    kept.par_sort_unstable_by(|&x, &y| {
        let (dx, sx, ex) = first(x);
        let (dy, sy, ey) = first(y);
        y.1.cmp(&x.1)
            .then((ey - sy).cmp(&(ex - sx)))
            .then(dx.cmp(&dy))
            .then(sx.cmp(&sy))
    });
    kept.truncate(params.top);
    let out: Vec<ReusedPhrase> = kept
        .into_iter()
        .map(|p| {
            let (_, start, end) = first(p);
            ReusedPhrase {
                tokens: end - start,
                docs: p.1 as usize,
                occurrences: entries(p)
                    .iter()
                    .map(|&(_, doc, start, end)| Occurrence {
                        doc,
                        tokens: start..end,
                    })
                    .collect(),
            }
        })
        .collect();
    if timings {
        eprintln!(
            "athar: phrases: shared grams {:.3} s, discovery {:.3} s ({n_found} candidate(s)), \
             grouping {:.3} s (wall)",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            t2.elapsed().as_secs_f64(),
        );
    }
    out
}

/// `(gram, doc, position)` postings held at a time while finding the shared
/// grams (16 bytes each): the grams are split into parts by the top bits of
/// their hash.
const POSTINGS_PER_PART: usize = 1 << 23;

/// Sub-parts of a part (bits of the hash after the part's).
const SUB_BITS: u32 = 6;

/// No shared gram at this position.
const NO_SET: u32 = u32::MAX;

/// The shared grams of a corpus (in 2 to `max_df` documents): for each
/// document, the positions of its shared grams with the id of their document
/// set.
struct SharedGrams {
    /// `at[starts[d]..starts[d + 1]]`: `(position, set id)` in document `d`,
    /// in no particular order.
    at: Vec<(u32, u32)>,
    starts: Vec<usize>,
    sets: SetTable,
}

impl SharedGrams {
    fn build<D: AsRef<[u64]> + Sync>(
        docs: &[D],
        n: usize,
        max_df: usize,
        per_part: usize,
        timings: bool,
    ) -> Self {
        let total: usize = docs
            .iter()
            .map(|d| d.as_ref().len().saturating_sub(n - 1))
            .sum();
        let split = crate::sketch::shingle::HashParts::new(total, per_part);
        let (parts, bits) = (split.parts, split.bits);
        let part_of = |h: u64| split.of(h);
        // Within a part, grams are spread over sub-parts by the next bits
        // of their hash; each sub-part is sorted and scanned on its own.
        let subs = 1usize << SUB_BITS;
        let sub_of = |h: u64| ((h << bits) >> (64 - SUB_BITS)) as usize;
        // Documents in chunks; buffer `c * subs + s` holds the grams of chunk
        // `c` in sub-part `s` (kept across parts).
        let per_chunk = docs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        let chunks = docs.len().div_ceil(per_chunk);
        // Reserve what a chunk's share of a part should hold, with a margin,
        // so buffers rarely grow by doubling.
        let mut bufs: Vec<Vec<(u64, u32, u32)>> = (0..chunks * subs)
            .map(|b| {
                let c = b / subs;
                let grams: usize = docs[c * per_chunk..((c + 1) * per_chunk).min(docs.len())]
                    .iter()
                    .map(|d| d.as_ref().len().saturating_sub(n - 1))
                    .sum();
                let expect = grams / (parts * subs);
                Vec::with_capacity(expect + expect / 8 + 64)
            })
            .collect();
        let mut sets = SetTable::default();
        // (doc, position, set id) of every occurrence of a shared gram.
        let mut occ: Vec<(u32, u32, u32)> = Vec::new();
        let mut shared = 0usize;
        for part in 0..parts {
            bufs.par_chunks_mut(subs).enumerate().for_each(|(c, mine)| {
                for b in mine.iter_mut() {
                    b.clear();
                }
                for (d, doc) in docs.iter().enumerate().skip(c * per_chunk).take(per_chunk) {
                    let doc = doc.as_ref();
                    if doc.len() < n {
                        continue;
                    }
                    for (pos, h) in shingle_hashes(doc, n).enumerate() {
                        if part_of(h) == part {
                            mine[sub_of(h)].push((h, d as u32, pos as u32));
                        }
                    }
                }
            });
            let bufs = &bufs;
            let found: Vec<_> = (0..subs)
                .into_par_iter()
                .map_init(Vec::new, |postings, s| {
                    postings.clear();
                    for c in 0..chunks {
                        postings.extend_from_slice(&bufs[c * subs + s]);
                    }
                    postings.sort_unstable();
                    let mut local = SetTable::default();
                    let mut occ = Vec::new();
                    let mut members = Vec::new();
                    for run in postings.chunk_by(|x, y| x.0 == y.0) {
                        if run[0].1 == run[run.len() - 1].1 {
                            continue; // one document
                        }
                        members.clear();
                        members.extend(run.iter().map(|p| p.1));
                        members.dedup();
                        if members.len() <= max_df {
                            let id = local.intern(&members);
                            occ.extend(run.iter().map(|&(_, d, pos)| (d, pos, id)));
                        }
                    }
                    (local, occ)
                })
                .collect();
            // One id per distinct set over the whole corpus.
            for (local, found) in found {
                let ids: Vec<u32> = (0..local.len() as u32)
                    .map(|i| sets.intern_hashed(local.get(i), local.hashes[i as usize]))
                    .collect();
                occ.extend(found.iter().map(|&(d, pos, id)| (d, pos, ids[id as usize])));
                shared += local.grams;
            }
        }
        drop(bufs);
        sets.finish();
        // Group by document (a counting sort).
        let mut starts = vec![0usize; docs.len() + 1];
        for &(d, _, _) in &occ {
            starts[d as usize + 1] += 1;
        }
        for d in 1..starts.len() {
            starts[d] += starts[d - 1];
        }
        let mut next = starts.clone();
        let mut at = vec![(0u32, 0u32); occ.len()];
        for (d, pos, id) in occ {
            at[next[d as usize]] = (pos, id);
            next[d as usize] += 1;
        }
        if timings {
            eprintln!(
                "athar: phrases: {total} grams in {parts} part(s); {shared} shared ({} \
                 occurrences), {} document sets ({} members)",
                at.len(),
                sets.len(),
                sets.members.len()
            );
        }
        SharedGrams { at, starts, sets }
    }

    /// `(position, set id)` of the shared grams of document `d`.
    fn of(&self, d: usize) -> &[(u32, u32)] {
        &self.at[self.starts[d]..self.starts[d + 1]]
    }
}

/// Interned document sets (sorted document lists), stored end to end.
#[derive(Default)]
struct SetTable {
    members: Vec<u32>,
    /// `starts[id]..starts[id + 1]` in `members`; `starts[0] == 0`.
    starts: Vec<usize>,
    /// Content hash -> first set with that hash.
    index: AHashMap<u64, u32>,
    /// Sets whose content hash collides with another set's.
    overflow: StdHashMap<Vec<u32>, u32>,
    /// [`hash_set`] of each set.
    hashes: Vec<u64>,
    /// Calls to [`SetTable::intern`].
    grams: usize,
}

/// A hash of a document set, for interning (its value never reaches the
/// output: sets are compared by content).
fn hash_set(m: &[u32]) -> u64 {
    let mut h = m.len() as u64;
    for &x in m {
        h = (h ^ u64::from(x))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
    fmix64(h)
}

impl SetTable {
    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn get(&self, id: u32) -> &[u32] {
        &self.members[self.starts[id as usize]..self.starts[id as usize + 1]]
    }

    fn push(&mut self, m: &[u32], key: u64) -> u32 {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.hashes.push(key);
        self.members.extend_from_slice(m);
        self.starts.push(self.members.len());
        (self.starts.len() - 2) as u32
    }

    fn intern(&mut self, m: &[u32]) -> u32 {
        self.intern_hashed(m, hash_set(m))
    }

    /// [`SetTable::intern`] of a set whose [`hash_set`] is `key`.
    fn intern_hashed(&mut self, m: &[u32], key: u64) -> u32 {
        self.grams += 1;
        if let Some(&id) = self.index.get(&key) {
            if self.get(id) == m {
                return id;
            }
            if let Some(&id) = self.overflow.get(m) {
                return id;
            }
            let id = self.push(m, key);
            self.overflow.insert(m.to_vec(), id);
            return id;
        }
        let id = self.push(m, key);
        self.index.insert(key, id);
        id
    }

    /// Drop the lookup structures (interning is over).
    fn finish(&mut self) {
        self.index = AHashMap::new();
        self.overflow = StdHashMap::new();
        self.hashes = Vec::new();
    }
}

/// Scratch space of phrase discovery (step 3), reused across documents.
#[derive(Default)]
struct Discover {
    sid: Vec<u32>,
    reach: AHashMap<u32, usize>,
    seen: AHashSet<u64>,
    /// Memo of superset tests between document sets.
    superset: AHashMap<(u32, u32), bool>,
}

impl Discover {
    /// The phrases of document `d` (tokens `toks`): `(key, d, start, end)`,
    /// the first range of each key in discovery order.
    fn run(
        &mut self,
        toks: &[u64],
        d: u32,
        n: usize,
        table: &SharedGrams,
    ) -> Vec<(u64, u32, u32, u32)> {
        let mut out = Vec::new();
        if toks.len() < n {
            return out;
        }
        let Discover {
            sid,
            reach,
            seen,
            superset,
        } = self;
        let shared = table.of(d as usize);
        if shared.is_empty() {
            return out;
        }
        sid.clear();
        sid.resize(toks.len() + 1 - n, NO_SET);
        for &(pos, id) in shared {
            sid[pos as usize] = id;
        }
        reach.clear();
        seen.clear();
        if superset.len() > 1 << 20 {
            superset.clear();
        }
        let mut contains = |t: u32, s: u32| -> bool {
            t == s
                || *superset
                    .entry((t, s))
                    .or_insert_with(|| is_superset(table.sets.get(t), table.sets.get(s)))
        };
        for p in 0..sid.len() {
            let s = sid[p];
            if s == NO_SET || (p > 0 && sid[p - 1] == s) {
                continue;
            }
            if reach.get(&s).is_some_and(|&r| p <= r) {
                continue;
            }
            let mut l = p;
            while l > 0 && sid[l - 1] != NO_SET && contains(sid[l - 1], s) {
                l -= 1;
            }
            let mut r = p;
            while r + 1 < sid.len() && sid[r + 1] != NO_SET && contains(sid[r + 1], s) {
                r += 1;
            }
            reach.insert(s, r);
            let (start, end) = (l as u32, (r + n) as u32);
            let key = hash_tokens(&toks[start as usize..end as usize]);
            if seen.insert(key) {
                out.push((key, d, start, end));
            }
        }
        out
    }
}

/// True when sorted `t` contains every element of sorted `s`.
fn is_superset(t: &[u32], s: &[u32]) -> bool {
    if s.len() > t.len() {
        return false;
    }
    let mut it = t.iter();
    s.iter().all(|x| it.any(|y| y == x))
}

/// Stable hash of a run of token hashes.
fn hash_tokens(t: &[u64]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for x in t {
        h.update(&x.to_le_bytes());
    }
    h.digest()
}

#[cfg(test)]
mod tests;
