//! Reading the documents: content terms, their background weights and the
//! windows of each document.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{NarrativeDoc, NarrativeParams};
use crate::span::Span;
use crate::text::normalize::NormalizeOptions;
use crate::text::stem::{is_stop_word, light10, light10_no_waw, strip_article, verb_form_key};
use crate::text::tokenize::{Tokenizer, Tokens};

// ---------------------------------------------------------------------------
// Background document frequencies

/// The background table: `(number of documents, stem → document frequency)`.
pub(super) static BACKGROUND: LazyLock<(f32, HashMap<&'static str, u32>)> = LazyLock::new(|| {
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
pub(super) fn background_idf(stem: &str) -> f32 {
    background_idf_of(BACKGROUND.1.get(stem).copied().unwrap_or(1))
}

/// Background IDF of a background document frequency.
pub(super) fn background_idf_of(df: u32) -> f32 {
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
pub(super) const ADJACENT: u8 = 1;
/// Flag of a content token: bound to the previous content token (a
/// collocation, see [`bind_collocations`]).
pub(super) const BOUND_LEFT: u8 = 2;
/// Flag of a content token: bound to the next content token.
pub(super) const BOUND_RIGHT: u8 = 4;
/// Flag of a content token: a figure (a run of digits, folded to ASCII).
pub(super) const NUMBER: u8 = 8;

/// Per-document content, compact: one entry per content token (a token that
/// is not a stop word), in text order. About 17 bytes a content token.
#[derive(Default)]
pub(super) struct DocContent {
    /// Term id (a stem id while reading).
    pub(super) terms: Vec<u32>,
    /// Hash of the token's fine form (see [`fine_form`]).
    pub(super) fine: Vec<u32>,
    /// Byte span of the token in the original text.
    pub(super) spans: Vec<[u32; 2]>,
    /// [`ADJACENT`], [`BOUND_LEFT`] and [`BOUND_RIGHT`].
    pub(super) flags: Vec<u8>,
}

impl DocContent {
    pub(super) fn len(&self) -> usize {
        self.terms.len()
    }

    pub(super) fn span(&self, k: usize) -> Span {
        let [s, e] = self.spans[k];
        Span::new(s as usize, e as usize)
    }

    /// The terms of the neighbours (left, right) with which content token `k`
    /// forms a collocation; `u32::MAX` for none.
    pub(super) fn bound(&self, k: usize) -> [u32; 2] {
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
    pub(super) fn is_free(&self, k: usize) -> bool {
        self.flags[k] & (BOUND_LEFT | BOUND_RIGHT) == 0
    }
}

/// A stem met while reading a document: hash of its text, hash of its
/// verb-form key ([`verb_form_key`], or the stem itself), background
/// document frequency.
#[derive(Clone, Copy)]
pub(super) struct StemInfo {
    pub(super) hash: u64,
    pub(super) key: u64,
    pub(super) bg: u32,
}

/// Where a window lies in its document.
#[derive(Clone, Copy, Debug)]
pub(super) struct Geometry {
    /// Range into the document's content tokens.
    pub(super) lo: u32,
    pub(super) hi: u32,
    /// Byte span of the original text.
    pub(super) span: [u32; 2],
    /// The tokens (all of them, stop words included) overlapping `span`.
    pub(super) toks: [u32; 2],
}

/// One document as read, before the corpus-wide numbering of stems.
#[derive(Default)]
pub(super) struct Parsed {
    /// Its distinct stems; `content.terms` index them.
    pub(super) stems: Vec<StemInfo>,
    pub(super) content: DocContent,
    /// `[content index, stem, fine-form hash]`: the stem the token has when
    /// its proclitic `ل`/`ب` is backed off ([`backoff_stem`]), taken when
    /// that stem occurs in the corpus on its own.
    pub(super) backoff: Vec<[u32; 3]>,
    pub(super) windows: Vec<Geometry>,
    /// Its tokens, when the caller asked to keep them ([`Reader::parse`]).
    pub(super) tokens: Option<ReadTokens>,
}

/// A document's tokens as a report needs them, kept by the narrative
/// reader for the documents asked for (see
/// [`NarrativeIndex::build_keeping_tokens`](super::NarrativeIndex::build_keeping_tokens)),
/// so that they need not be tokenized again: the byte span of every token
/// and whether it is a content word (not a stop word, so not a number).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadTokens {
    /// Byte span of every token in the original text.
    pub spans: Vec<[u32; 2]>,
    /// Per token: a content word ([`is_stop_word`] false).
    pub content: Vec<bool>,
}

/// Background document frequency of a stem (`1` when not in the table).
pub(super) fn background_df(stem: &str) -> u32 {
    BACKGROUND.1.get(stem).copied().unwrap_or(1)
}

/// Proclitic back-off (an athar extension of light10, which leaves the
/// prepositions `ل` and `ب` on words without an article: `لحماس`, `بغزه`).
/// A stem starting with `ل` or `ب` is replaced by the light10 stem of the
/// word without that letter when that stem has at least 3 characters, is at
/// least twice as frequent in the background table as the original stem (so
/// `لبنان` stays `لبن`), and occurs in the corpus on its own (checked once
/// the whole corpus is read). Returns that candidate stem.
pub(super) fn backoff_stem<'w>(word: &'w str, stem: &str) -> Option<&'w str> {
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
pub(super) fn fine_hash(word: &str, stem: &str) -> u32 {
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
pub(super) struct WordInfo {
    pub(super) stem: StemInfo,
    pub(super) fine: u32,
    pub(super) backoff: Option<(StemInfo, u32)>,
    /// A figure ([`is_figure`]).
    pub(super) number: bool,
}

pub(super) fn stem_info(stem: &str) -> StemInfo {
    let key = verb_form_key(stem);
    let key = key.as_deref().unwrap_or(stem);
    StemInfo {
        hash: xxhash_rust::xxh3::xxh3_64(stem.as_bytes()),
        key: xxhash_rust::xxh3::xxh3_64(key.as_bytes()),
        bg: background_df(stem),
    }
}

/// The reading of a normalized word; `None` for a stop word.
pub(super) fn word_info(word: &str) -> Option<WordInfo> {
    if is_figure(word) {
        return Some(number_info(word));
    }
    if is_stop_word(word) {
        return None;
    }
    let s = narrative_stem(word);
    Some(WordInfo {
        stem: stem_info(s),
        fine: fine_hash(word, s),
        backoff: backoff_stem(word, s).map(|r| (stem_info(r), fine_hash(word, r))),
        number: false,
    })
}

/// True for a figure of two digits or more (one digit is too common a
/// figure to tell events apart).
pub(super) fn is_figure(word: &str) -> bool {
    word.len() >= 2 && word.bytes().all(|b| b.is_ascii_digit())
}

/// The reading of a figure: its own term (digits are stop words for the
/// stems). Its background frequency is a guess from its shape, since the
/// background table holds words only: years (`19xx`, `20xx`, Hijri `14xx`)
/// are found in most news days, two-digit figures (days, ages, counts) in
/// many, longer figures in few.
pub(super) fn number_info(word: &str) -> WordInfo {
    let hash = xxhash_rust::xxh3::xxh3_64(word.as_bytes()) ^ 0x6e75_6d62_6572_0000;
    let n = BACKGROUND.0 as u32;
    let year = word.len() == 4 && ["19", "20", "14"].iter().any(|p| word.starts_with(p));
    let bg = if year {
        n / 4
    } else if word.len() == 2 {
        n / 20
    } else {
        1
    };
    WordInfo {
        stem: StemInfo {
            hash,
            key: hash,
            bg,
        },
        fine: hash as u32,
        backoff: None,
        number: true,
    }
}

/// Words a reader remembers before it starts afresh.
pub(super) const WORD_CACHE: usize = 1 << 17;

/// Slots of a reader's direct-mapped front cache (a power of two): the
/// words met most often, each in the slot its hash picks, small enough to
/// stay in the core's cache (32 bytes a slot).
const FRONT_SLOTS: usize = 1 << 13;

/// A word, by its 128-bit hash (xxh3): two words of natural text do not
/// share one (the chance is about `n² / 2¹²⁹` for `n` distinct words).
#[derive(Clone, Copy, PartialEq, Eq)]
struct WordKey([u64; 2]);

impl std::hash::Hash for WordKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
    }
}

/// The hasher of [`WordKey`]s, already hashes: it passes their first half
/// through.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A word's reading as a reader keeps it: 16 bytes, its stems numbered in
/// the reader's stem table.
#[derive(Clone, Copy)]
pub(super) struct Reading {
    /// The stem's number; [`Reading::NONE`] for a stop word.
    pub(super) stem: u32,
    /// Hash of the fine form.
    pub(super) fine: u32,
    /// The back-off stem's number ([`backoff_stem`]); [`Reading::NONE`]
    /// for none, [`Reading::FIGURE`] for a figure (which has none).
    pub(super) backoff: u32,
    /// Hash of the back-off's fine form.
    pub(super) backoff_fine: u32,
}

impl Reading {
    pub(super) const NONE: u32 = u32::MAX;
    pub(super) const FIGURE: u32 = u32::MAX - 1;
    const STOP: Reading = Reading {
        stem: Reading::NONE,
        fine: 0,
        backoff: Reading::NONE,
        backoff_fine: 0,
    };

    pub(super) fn is_figure(&self) -> bool {
        self.backoff == Reading::FIGURE
    }

    /// The back-off stem and its fine form, if any.
    pub(super) fn backoff(&self) -> Option<(u32, u32)> {
        (self.backoff < Reading::FIGURE).then_some((self.backoff, self.backoff_fine))
    }
}

/// Word readings ([`word_info`]) by word, per reader: a direct-mapped front
/// of [`FRONT_SLOTS`] entries before a map of up to [`WORD_CACHE`] entries,
/// both keyed by the word's [`WordKey`] and holding compact [`Reading`]s
/// (32 bytes an entry, so that many stay in the processor's caches), and
/// the stems those name. The cache only saves work: a word is read the same
/// whether it is found there or not.
pub(super) struct WordCache {
    /// Words held before starting afresh ([`WORD_CACHE`]).
    capacity: usize,
    front: Box<[(WordKey, Reading)]>,
    back: std::collections::HashMap<WordKey, Reading, std::hash::BuildHasherDefault<KeyHasher>>,
    /// The stems met, numbered in the order met, and their numbers by hash.
    pub(super) stems: Vec<StemInfo>,
    stem_ids: ahash::AHashMap<u64, u32>,
}

impl WordCache {
    pub(super) fn new(capacity: usize) -> WordCache {
        WordCache {
            capacity,
            // No word has the key 0 (its reading's front slot is empty).
            front: vec![(WordKey([0, 0]), Reading::STOP); FRONT_SLOTS].into_boxed_slice(),
            back: Default::default(),
            stems: Vec::new(),
            stem_ids: ahash::AHashMap::new(),
        }
    }

    /// The reading of a normalized word. When it starts afresh (its map is
    /// full) the stems are numbered afresh too: `fresh` is then true.
    pub(super) fn get(&mut self, word: &str, fresh: &mut bool) -> Reading {
        let h = xxhash_rust::xxh3::xxh3_128(word.as_bytes());
        let key = WordKey([h as u64, (h >> 64) as u64 | 1]);
        let slot = &mut self.front[key.0[0] as usize & (FRONT_SLOTS - 1)];
        if slot.0 == key {
            return slot.1;
        }
        let reading = match self.back.get(&key) {
            Some(&r) => r,
            None => {
                if self.back.len() >= self.capacity {
                    self.back.clear();
                    self.stems.clear();
                    self.stem_ids.clear();
                    self.front.fill((WordKey([0, 0]), Reading::STOP));
                    *fresh = true;
                }
                let r = self.read(word);
                self.back.insert(key, r);
                r
            }
        };
        self.front[key.0[0] as usize & (FRONT_SLOTS - 1)] = (key, reading);
        reading
    }

    /// Read a word ([`word_info`]), its stems numbered.
    fn read(&mut self, word: &str) -> Reading {
        let Some(info) = word_info(word) else {
            return Reading::STOP;
        };
        let stem = self.stem_id(info.stem);
        let (backoff, backoff_fine) = match info.backoff {
            Some((s, fine)) => (self.stem_id(s), fine),
            None if info.number => (Reading::FIGURE, 0),
            None => (Reading::NONE, 0),
        };
        Reading {
            stem,
            fine: info.fine,
            backoff,
            backoff_fine,
        }
    }

    fn stem_id(&mut self, s: StemInfo) -> u32 {
        let next = self.stems.len() as u32;
        let id = *self.stem_ids.entry(s.hash).or_insert(next);
        if id == next {
            self.stems.push(s);
        }
        id
    }
}

/// Per-thread reading state: the tokenizer, a token buffer and a cache of
/// word readings (words repeat across documents; the cache only saves work).
pub(super) struct Reader {
    pub(super) tokenizer: Tokenizer,
    pub(super) tokens: Tokens,
    pub(super) words: WordCache,
    /// The document's number of each stem of the word cache met in it, by
    /// the stem's number in the cache ([`LocalStems`]).
    pub(super) local: LocalStems,
    pub(super) toks: Vec<u32>,
    /// Scratch content, copied out at its exact size.
    pub(super) content: DocContent,
}

impl Reader {
    pub(super) fn new(normalize: NormalizeOptions) -> Reader {
        Reader {
            tokenizer: Tokenizer::new(normalize),
            tokens: Tokens::default(),
            words: WordCache::new(WORD_CACHE),
            local: LocalStems::default(),
            toks: Vec::new(),
            content: DocContent::default(),
        }
    }

    /// Read one document: tokenize it, keep its content tokens (stems, fine
    /// forms, spans) and lay out its windows. The tokens themselves are
    /// kept ([`Parsed::tokens`]) only when `keep` is true.
    pub(super) fn parse(
        &mut self,
        doc: &NarrativeDoc,
        params: &NarrativeParams,
        keep: bool,
    ) -> Parsed {
        let mut p = Parsed::default();
        // Offsets are kept as u32: a text of 4 GiB or more is read as empty.
        if u32::try_from(doc.text.len()).is_err() {
            return p;
        }
        let Reader {
            tokenizer,
            tokens,
            words,
            local,
            toks,
            content: c,
        } = self;
        tokenizer.tokenize_into(doc.text, tokens);
        toks.clear();
        local.clear();
        c.terms.clear();
        c.fine.clear();
        c.spans.clear();
        c.flags.clear();
        // A stem's number in this document, in the order first met.
        let intern =
            |stems: &mut Vec<StemInfo>, local: &mut LocalStems, words: &WordCache, s: u32| {
                local.get_or_insert(s, || {
                    stems.push(words.stems[s as usize]);
                    (stems.len() - 1) as u32
                })
            };
        // The kept tokens' content flags, token by token; their spans are
        // laid out after the loop, in one pass.
        let mut kept = keep.then(|| ReadTokens {
            spans: Vec::new(),
            content: Vec::with_capacity(tokens.len()),
        });
        let mut formula = doc.formula.iter().peekable();
        let mut fresh = false;
        for i in 0..tokens.len() {
            while formula.next_if(|r| r.end as usize <= i).is_some() {}
            if formula.peek().is_some_and(|r| r.start as usize <= i) {
                if let Some(k) = &mut kept {
                    k.content.push(!is_stop_word(tokens.text(i)));
                }
                continue;
            }
            let info = words.get(tokens.text(i), &mut fresh);
            if let Some(k) = &mut kept {
                // A figure is a stop word, as is every word without a stem.
                k.content
                    .push(info.stem != Reading::NONE && !info.is_figure());
            }
            if fresh {
                // The cache's stems were numbered afresh: so are this
                // document's so far, by their hashes.
                fresh = false;
                local.clear();
                for (n, s) in p.stems.iter().enumerate() {
                    let id = words.stem_id(*s);
                    local.get_or_insert(id, || n as u32);
                }
            }
            if info.stem == Reading::NONE {
                continue;
            }
            let k = c.terms.len() as u32;
            c.terms.push(intern(&mut p.stems, local, words, info.stem));
            c.fine.push(info.fine);
            if let Some((r, fine)) = info.backoff() {
                p.backoff
                    .push([k, intern(&mut p.stems, local, words, r), fine]);
            }
            let sp = tokens.span(i);
            c.spans.push([sp.start() as u32, sp.end() as u32]);
            let adjacent = toks.last().is_some_and(|&t| t as usize + 1 == i);
            let number = if info.is_figure() { NUMBER } else { 0 };
            c.flags.push(if adjacent { ADJACENT } else { 0 } | number);
            toks.push(i as u32);
        }
        p.windows = window_geometry(doc, tokens, c, toks, params);
        p.content = DocContent {
            terms: c.terms.clone(),
            fine: c.fine.clone(),
            spans: c.spans.clone(),
            flags: c.flags.clone(),
        };
        if let Some(k) = &mut kept {
            k.spans = tokens
                .tokens
                .iter()
                .map(|t| [t.span.start() as u32, t.span.end() as u32])
                .collect();
        }
        p.tokens = kept;
        p
    }
}

/// A document's numbers of the word cache's stems met in it: a table
/// indexed by the cache's stem number (no hashing), cleared through the
/// list of the entries set.
#[derive(Default)]
pub(super) struct LocalStems {
    number: Vec<u32>,
    set: Vec<u32>,
}

impl LocalStems {
    /// Forget every number.
    pub(super) fn clear(&mut self) {
        for &s in &self.set {
            self.number[s as usize] = u32::MAX;
        }
        self.set.clear();
    }

    /// The number of cache stem `s`, given by `new` when it has none yet.
    fn get_or_insert(&mut self, s: u32, new: impl FnOnce() -> u32) -> u32 {
        let i = s as usize;
        if i >= self.number.len() {
            self.number.resize((i + 1).next_power_of_two(), u32::MAX);
        }
        if self.number[i] == u32::MAX {
            self.number[i] = new();
            self.set.push(s);
        }
        self.number[i]
    }
}

/// The windows of one document: sentences merged until a window holds
/// [`NarrativeParams::min_window`] content tokens, longer runs cut into
/// half-overlapping windows of [`NarrativeParams::max_window`]. `toks` are
/// the token indices of the content tokens.
pub(super) fn window_geometry(
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
pub(super) const READ_CHUNK: usize = 4096;

/// Documents a thread reads at a time.
pub(super) const READ_PIECE: usize = 64;

/// Stem ids over the whole corpus, in the order stems are met.
#[derive(Default)]
pub(super) struct StemTable {
    pub(super) ids: ahash::AHashMap<u64, u32>,
    pub(super) info: Vec<StemInfo>,
}

impl StemTable {
    pub(super) fn id(&mut self, s: StemInfo) -> u32 {
        let next = self.info.len() as u32;
        let id = *self.ids.entry(s.hash).or_insert(next);
        if id == next {
            self.info.push(s);
        }
        id
    }
}

/// Timing notes on stderr when `ATHAR_TIMINGS` is set (profiling only).
pub(super) static TIMINGS: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("ATHAR_TIMINGS").is_some());

pub(super) fn note(what: &str, since: std::time::Instant) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A document read by a reader whose word cache holds `capacity`
    /// words: per content token its stem's hash, fine form, span and flags;
    /// the back-offs with their stems' hashes; the windows.
    #[allow(clippy::type_complexity)]
    fn read_with(
        capacity: usize,
        text: &str,
    ) -> (
        Vec<(u64, u32, [u32; 2], u8)>,
        Vec<(u32, u64, u32)>,
        Vec<[u32; 6]>,
    ) {
        let sentences = crate::text::sentences::sentences(text);
        let doc = NarrativeDoc {
            text,
            sentences: &sentences,
            formula: &[],
        };
        let mut r = Reader::new(NormalizeOptions::default());
        r.words = WordCache::new(capacity);
        let params = NarrativeParams {
            min_window: 4,
            max_window: 8,
            ..NarrativeParams::default()
        };
        // Twice: the second time through a cache filled by the first.
        let mut out = None;
        for _ in 0..2 {
            let p = r.parse(&doc, &params, false);
            let c = &p.content;
            let tokens = (0..c.len())
                .map(|k| {
                    (
                        p.stems[c.terms[k] as usize].hash,
                        c.fine[k],
                        c.spans[k],
                        c.flags[k],
                    )
                })
                .collect();
            let backoff = p
                .backoff
                .iter()
                .map(|&[k, s, f]| (k, p.stems[s as usize].hash, f))
                .collect();
            let windows = p
                .windows
                .iter()
                .map(|g| [g.lo, g.hi, g.span[0], g.span[1], g.toks[0], g.toks[1]])
                .collect();
            let this = (tokens, backoff, windows);
            if let Some(first) = &out {
                assert_eq!(first, &this);
            }
            out = Some(this);
        }
        out.unwrap()
    }

    #[test]
    fn a_small_word_cache_reads_alike() {
        // Proclitic back-offs (لحماس، بغزه), figures, repeated stems and
        // stop words; a cache of 3 words starts afresh in the middle of the
        // document, many times.
        let text = "اعتقلت حماس عشرات السلفيين الجهاديين في غزة يوم 12 مارس. \
                    وقال بيان لحماس إن الاعتقالات في بغزه شملت 35 شخصا من السلفيين. \
                    ونفت حماس أن تكون الاعتقالات سياسية، وقالت إن الأمن في غزة أولوية.";
        let big = read_with(WORD_CACHE, text);
        assert!(!big.0.is_empty() && !big.1.is_empty() && big.2.len() >= 2);
        for capacity in [1, 2, 3, 5, 8] {
            assert_eq!(read_with(capacity, text), big, "capacity {capacity}");
        }
    }

    #[test]
    fn background_table_loads() {
        let (n, map) = &*BACKGROUND;
        assert!(*n > 100.0);
        assert!(map.len() > 1000);
        // A very common news stem weighs less than a rare one.
        assert!(background_idf("مملك") < background_idf("سلف"));
    }
}
