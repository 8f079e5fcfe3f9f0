//! Evidence: how much shared text says that one document took it from another.
//!
//! Two unrelated documents share words all the time: datelines, titles and
//! honorifics, greetings, contact lines, daily bulletin templates, quoted
//! scripture. None of that is evidence of reuse. This module learns such
//! *formula* from the corpus itself ([`formula::FormulaModel`]) and weighs a
//! shared passage by what remains ([`weight`]):
//!
//! - every token has a [`TokenClass`]: a content word, a function word (the
//!   stop-word list of [`crate::stem`], single letters), a number (any token
//!   with a digit) or a month name (Hijri or Gregorian, in the Arabic
//!   spellings of the Middle East and the Maghreb);
//! - formula is learned on a *masked* form where numbers and month names are
//!   replaced by a placeholder ([`masked_hashes`]), so a dateline or a price
//!   bulletin whose figures change every day is still one template; passages
//!   keep their exact text and offsets;
//! - the weight of a passage is the number of its content words, each counted
//!   `1 - f` where `f` in `[0, 1]` is how surely the text around it is formula
//!   ([`formula::FormulaModel::token_scores`]). Numbers, month names and
//!   function words weigh nothing: two documents sharing a date and the
//!   word "said" share no evidence. For a passage found between two documents
//!   only the words the other side shares count ([`Evidence::weight_shared`]),
//!   and the weight is scaled by the [`agreement`] of the two sides'
//!   specifics (figures, rare words): a template filled in again changes
//!   them, a copy keeps them.
//!
//! [`Evidence`] bundles the model with the token classifier so that
//! any stage can weigh any token range of any document
//! ([`Evidence::weight`]); [`MIN_EVIDENCE`] is the weight below which a
//! passage, or a pair's passages together, are not reported as reuse.

pub mod formula;

use std::ops::Range;

use ahash::AHashMap;

use crate::sketch::shingle;
use crate::text::normalize::NormalizeOptions;
use crate::text::stem;
use crate::text::tokenize::{Tokenizer, Tokens};

pub use formula::{FormulaModel, FormulaPostings, FormulaTemplate};

/// The weight (in content words outside formula) a passage needs to be
/// reported. About half of the default shortest passage (10
/// tokens): fresh news prose is about two thirds content words.
pub const MIN_EVIDENCE: f64 = 5.0;

/// The weight all the passages of a pair that is neither near-duplicate nor
/// contained need together for the pair to be listed as sharing passages
/// (the default of `--min-evidence`): about a sentence and a half of fresh
/// prose. A shared name with its title, a stock sentence or a template's
/// frame weighs less; a copied paragraph weighs several times more.
pub const MIN_PAIR_EVIDENCE: f64 = 12.0;

/// Two documents at this Jaccard or above are copies of one text (small
/// edits at most): copies (and copies of copies) count once when formula is
/// learned. Near-duplicate clusters (Jaccard 0.5) cannot serve: daily
/// bulletins (weather, markets), each a near-duplicate of the day before,
/// chain into one cluster that holds the template dozens of times.
pub const COPY_JACCARD: f64 = 0.9;

/// What a token is, for evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TokenClass {
    /// A word that carries content: weighs 1 outside formula.
    Content = 0,
    /// A function word or a single letter: weighs nothing.
    Function = 1,
    /// A token with a digit: masked, weighs nothing.
    Number = 2,
    /// A month name: masked, weighs nothing.
    Month = 3,
}

impl TokenClass {
    /// True for [`TokenClass::Content`].
    #[inline]
    pub fn is_content(self) -> bool {
        self == TokenClass::Content
    }

    /// True for the classes masked when formula is learned.
    #[inline]
    pub fn is_masked(self) -> bool {
        matches!(self, TokenClass::Number | TokenClass::Month)
    }
}

/// The stand-in hash of every number in the masked form.
pub const MASK_NUMBER: u64 = 0x4e55_4d42_4552_2323; // "NUMBER##"
/// The stand-in hash of every month name in the masked form.
pub const MASK_MONTH: u64 = 0x4d4f_4e54_4840_4040; // "MONTH@@@"

/// Month names, Hijri and Gregorian (Syriac-derived names of the Levant and
/// Iraq, and the French-derived names of the Maghreb included). These are
/// general Arabic, not tied to a country or an outlet. Each word of a
/// two-word name is listed (`ربيع الأول`: only `ربيع` varies by month).
const MONTHS: &str = "محرم صفر ربيع جمادى جمادي رجب شعبان رمضان شوال القعدة الحجة \
    يناير فبراير مارس أبريل ابريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس اغسطس سبتمبر \
    أكتوبر اكتوبر نوفمبر ديسمبر كانون شباط آذار اذار نيسان أيار ايار حزيران تموز آب \
    أيلول ايلول تشرين جانفي فيفري أفريل افريل ماي جوان جويلية أوت اوت";

/// Classifies normalized tokens ([`TokenClass`]). Build one per
/// normalization ([`Classifier::new`]); share it between threads.
///
/// Masking ([`Classifier::mask`]) looks at every token of the corpus and
/// costs a byte scan and a bit test; the full class of an unmasked token
/// ([`Classifier::resolve`]) needs only its hash, so it is looked up for the
/// tokens of the passages being weighed, not for the whole corpus.
#[derive(Clone, Debug)]
pub struct Classifier {
    /// Hashes of month names.
    months: AHashMap<u64, ()>,
    /// One bit per hash prefix of `months`.
    month_filter: Vec<u64>,
    /// Hashes of function words: stop words as [`stem::is_stop_word`]
    /// accepts them (listed, behind `و` or `ف`, or with a tanween alif) and
    /// single letters (Arabic and Latin).
    function: AHashMap<u64, ()>,
}

/// Bits of the hash prefix of [`Classifier`]'s month filter.
const MONTH_FILTER_BITS: u32 = 12;

impl Classifier {
    /// A classifier for tokens normalized with `normalize` (month names are
    /// normalized the same way; the stop-word list is in normalized form).
    pub fn new(normalize: NormalizeOptions) -> Classifier {
        let mut function = AHashMap::new();
        let mut add = |w: &str| {
            function.insert(shingle::token_hash(w), ());
        };
        for w in stem::stop_words() {
            let n = w.chars().count();
            add(w);
            if n >= 3 {
                add(&format!("{w}ا"));
            }
            if n >= 2 {
                add(&format!("و{w}"));
                add(&format!("ف{w}"));
            }
        }
        let letters = ('\u{0600}'..='\u{06FF}').chain('a'..='z').chain('A'..='Z');
        for c in letters {
            add(c.encode_utf8(&mut [0; 4]));
        }
        let mut months = AHashMap::new();
        let mut month_filter = vec![0u64; 1 << (MONTH_FILTER_BITS - 6)];
        let tokens = Tokenizer::new(normalize).tokenize(MONTHS);
        for i in 0..tokens.len() {
            let h = shingle::token_hash(tokens.text(i));
            months.insert(h, ());
            let b = (h >> (64 - MONTH_FILTER_BITS)) as usize;
            month_filter[b >> 6] |= 1 << (b & 63);
        }
        Classifier {
            months,
            month_filter,
            function,
        }
    }

    /// Whether a normalized token with hash `hash` ([`shingle::token_hash`]
    /// of `norm`) is masked: [`TokenClass::Number`], [`TokenClass::Month`],
    /// or [`TokenClass::Content`] for any other token (see [`Self::resolve`]).
    #[inline]
    pub fn mask(&self, norm: &str, hash: u64) -> TokenClass {
        if has_digit(norm) {
            return TokenClass::Number;
        }
        let b = (hash >> (64 - MONTH_FILTER_BITS)) as usize;
        if self.month_filter[b >> 6] & (1 << (b & 63)) != 0 && self.months.contains_key(&hash) {
            return TokenClass::Month;
        }
        TokenClass::Content
    }

    /// The class of a token given its hash and its [`Self::mask`].
    #[inline]
    pub fn resolve(&self, hash: u64, mask: TokenClass) -> TokenClass {
        if mask == TokenClass::Content && self.function.contains_key(&hash) {
            TokenClass::Function
        } else {
            mask
        }
    }

    /// The class of a normalized token with hash `hash`.
    pub fn class(&self, norm: &str, hash: u64) -> TokenClass {
        self.resolve(hash, self.mask(norm, hash))
    }

    /// The masks ([`Self::mask`]) of `tokens` (whose hashes are `hashes`),
    /// replacing `out`.
    pub fn masks_into(&self, tokens: &Tokens, hashes: &[u64], out: &mut Vec<TokenClass>) {
        out.clear();
        out.extend((0..tokens.len()).map(|i| self.mask(tokens.text(i), hashes[i])));
    }

    /// The classes of `tokens` (whose hashes are `hashes`), replacing `out`.
    pub fn classes_into(&self, tokens: &Tokens, hashes: &[u64], out: &mut Vec<TokenClass>) {
        out.clear();
        out.extend((0..tokens.len()).map(|i| self.class(tokens.text(i), hashes[i])));
    }
}

/// True when `s` holds an ASCII, Arabic-Indic or Eastern Arabic-Indic digit.
#[inline]
fn has_digit(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c.is_ascii_digit()
            || (c == 0xD9 && matches!(b.get(i + 1), Some(0xA0..=0xA9)))
            || (c == 0xDB && matches!(b.get(i + 1), Some(0xB0..=0xB9)))
    })
}

/// The masked form of a document: its token hashes with every number and
/// month name replaced by [`MASK_NUMBER`] / [`MASK_MONTH`], replacing `out`.
/// Shingles of the masked form that hold no masked token equal the exact
/// shingles.
pub fn masked_hashes(token_hashes: &[u64], classes: &[TokenClass], out: &mut Vec<u64>) {
    out.clear();
    out.extend(token_hashes.iter().zip(classes).map(|(&h, &c)| match c {
        TokenClass::Number => MASK_NUMBER,
        TokenClass::Month => MASK_MONTH,
        _ => h,
    }));
}

/// The shingles of a document that hold a masked token (a number or a
/// month name), as two sorted, distinct sets replacing `exact` and `masked`:
/// their exact hashes and their masked hashes. Every other shingle is the same
/// in both forms. `buf` is scratch space.
pub fn masked_shingle_sets(
    token_hashes: &[u64],
    classes: &[TokenClass],
    k: usize,
    buf: &mut Vec<u64>,
    exact: &mut Vec<u64>,
    masked: &mut Vec<u64>,
) {
    exact.clear();
    masked.clear();
    let n = token_hashes.len().min(classes.len());
    let count = shingle::shingle_count(n, k);
    if count == 0 {
        return;
    }
    // Only the shingles around masked tokens differ: hash those alone
    // (a shingle of `m` tokens starting at `p` holds token `i` when
    // `p <= i < p + m`).
    let m = k.max(1).min(n);
    let mut next = 0usize;
    for i in (0..n).filter(|&i| classes[i].is_masked()) {
        let lo = (i + 1).saturating_sub(m).max(next);
        let hi = i.min(count - 1);
        for p in lo..=hi {
            let window = &token_hashes[p..p + m];
            exact.push(shingle::shingle_hash(window));
            masked_hashes(window, &classes[p..p + m], buf);
            masked.push(shingle::shingle_hash(buf));
        }
        next = next.max(hi + 1);
    }
    exact.sort_unstable();
    exact.dedup();
    masked.sort_unstable();
    masked.dedup();
}

/// The evidence weight of tokens with classes `classes` whose formula scores
/// are `scores` (same length, see [`FormulaModel::token_scores`]): the
/// number of content words, each counted `1 - score`. A pure function: 0 for
/// text made of formula, numbers, dates and function words only; the number
/// of content words for text found nowhere else.
pub fn weight(classes: &[TokenClass], scores: &[f32]) -> f64 {
    classes
        .iter()
        .zip(scores)
        .filter(|(c, _)| c.is_content())
        .map(|(_, &s)| 1.0 - f64::from(s.clamp(0.0, 1.0)))
        .sum()
}

/// Specifics (figures, rare words) a passage needs on each side before
/// they are compared ([`agreement`]).
pub const MIN_SPECIFICS: usize = 2;

/// How far the *specifics* of two passages agree, as a factor on their
/// evidence weight, in `0..=1`. `a` and `b` are sorted, distinct ids of what
/// makes each side specific: its figures ([`Evidence::figures`]), or its
/// rare words (names, places: words few documents of the corpus contain);
/// the pipeline judges the two kinds apart and keeps the lower agreement.
/// Copied or retold text keeps its facts: the specifics of one side are found
/// on the other. A template filled in again (a market close of another day,
/// the earnings of another company, a cable to another head of state) keeps
/// its frame and changes its specifics. With fewer than [`MIN_SPECIFICS`]
/// on either side there is nothing to compare: 1. Otherwise
/// `min(1, 2·shared / min(|a|, |b|))`: half the specifics of the poorer side
/// found on the other is full agreement (retold text rounds figures and drops
/// names), none found is none.
pub fn agreement(a: &[u64], b: &[u64]) -> f64 {
    let fewer = a.len().min(b.len());
    if fewer < MIN_SPECIFICS {
        return 1.0;
    }
    let shared = a.iter().filter(|h| b.binary_search(h).is_ok()).count();
    (2.0 * shared as f64 / fewer as f64).min(1.0)
}

/// How far two sides' rare words agree ([`agreement`]), each side's words
/// sorted by id and distinct, flagged `true` when the word lies in formula.
/// A template's frame holds rare words too (an institution's name, the
/// terms of a title or a ruling): they agree between any two fillings of
/// the template. So when both sides hold [`MIN_SPECIFICS`] rare words outside
/// formula, those alone are compared too (the slots: names, places, what
/// happened), and the lower agreement is kept; otherwise all are compared.
pub fn word_agreement(a: &[(u64, bool)], b: &[(u64, bool)]) -> f64 {
    let ids = |s: &[(u64, bool)], fresh_only: bool| -> Vec<u64> {
        s.iter()
            .filter(|w| !(fresh_only && w.1))
            .map(|w| w.0)
            .collect()
    };
    let all = agreement(&ids(a, false), &ids(b, false));
    let (fa, fb) = (ids(a, true), ids(b, true));
    if fa.len().min(fb.len()) < MIN_SPECIFICS {
        return all;
    }
    all.min(agreement(&fa, &fb))
}

/// The figures in `range` of `doc`, written into `out` (unsorted): one id
/// per run of adjacent number tokens, so that `9372.74` (tokens `9372` and
/// `74`) is one figure and its pieces do not meet the pieces of another
/// figure by chance.
pub fn figures(doc: EvidenceDoc<'_>, range: Range<u32>, out: &mut Vec<u64>) {
    let n = doc.token_hashes.len().min(doc.masks.len());
    let r = (range.start as usize).min(n)..(range.end as usize).min(n);
    let mut run: Option<usize> = None;
    for i in r.clone().chain(std::iter::once(r.end)) {
        let number = i < r.end && doc.masks[i] == TokenClass::Number;
        match (number, run) {
            (true, None) => run = Some(i),
            (false, Some(s)) => {
                out.push(shingle::shingle_hash(&doc.token_hashes[s..i]));
                run = None;
            }
            _ => {}
        }
    }
}

/// One document as evidence needs it: its exact token hashes and their
/// masks ([`Classifier::masks_into`]; full classes work too).
#[derive(Clone, Copy, Debug)]
pub struct EvidenceDoc<'a> {
    /// One hash per normalized token ([`shingle::token_hashes`]).
    pub token_hashes: &'a [u64],
    /// One mask (or class) per token.
    pub masks: &'a [TokenClass],
}

/// A formula model and what it needs to weigh token ranges of documents.
#[derive(Clone, Debug)]
pub struct Evidence {
    /// The formula learned from the corpus.
    pub model: FormulaModel,
    /// Token classes.
    pub classifier: Classifier,
}

impl Evidence {
    /// Evidence from a learned model and the classifier of its corpus.
    pub fn new(model: FormulaModel, classifier: Classifier) -> Evidence {
        Evidence { model, classifier }
    }

    /// The classes of tokens `range` of `doc` (clipped to the document).
    pub fn classes(&self, doc: EvidenceDoc<'_>, range: Range<u32>) -> Vec<TokenClass> {
        let n = doc.token_hashes.len().min(doc.masks.len());
        let r = (range.start as usize).min(n)..(range.end as usize).min(n);
        r.map(|i| self.classifier.resolve(doc.token_hashes[i], doc.masks[i]))
            .collect()
    }

    /// The evidence weight of tokens `range` of `doc` ([`weight`]): formula
    /// is judged on the document's text around the range too, so a range
    /// cut inside a formula is still seen as formula.
    pub fn weight(&self, doc: EvidenceDoc<'_>, range: Range<u32>) -> f64 {
        self.weight_shared(doc, range, |_| true)
    }

    /// The evidence weight of tokens `range` of `doc` counting only the
    /// content words that `shared(i)` accepts (token index `i`): for a
    /// reworded passage, the words whose stem the other side holds too. Words
    /// of one side that the other does not share say nothing about reuse, and
    /// a template whose only shared words are its frame weighs what its
    /// frame weighs (nothing, once the frame is formula).
    pub fn weight_shared(
        &self,
        doc: EvidenceDoc<'_>,
        range: Range<u32>,
        shared: impl Fn(u32) -> bool,
    ) -> f64 {
        let scores = self
            .model
            .range_scores(doc.token_hashes, doc.masks, range.clone());
        let mut classes = self.classes(doc, range.clone());
        // Words the other side does not share count as function words.
        for (c, i) in classes.iter_mut().zip(range) {
            if c.is_content() && !shared(i) {
                *c = TokenClass::Function;
            }
        }
        weight(&classes, &scores)
    }

    /// The figures in `range` of `doc` ([`figures`]).
    pub fn figures(&self, doc: EvidenceDoc<'_>, range: Range<u32>, out: &mut Vec<u64>) {
        figures(doc, range, out);
    }

    /// Share of the content words of `range` that are formula (score 1 is
    /// one whole word): 0 for fresh text, 1 for pure formula, 0 when the range
    /// holds no content word.
    pub fn formula_share(&self, doc: EvidenceDoc<'_>, range: Range<u32>) -> f64 {
        let content = self
            .classes(doc, range.clone())
            .iter()
            .filter(|c| c.is_content())
            .count();
        if content == 0 {
            return 0.0;
        }
        1.0 - self.weight(doc, range) / content as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> (Vec<u64>, Vec<TokenClass>) {
        let opts = NormalizeOptions::default();
        let tokens = Tokenizer::new(opts).tokenize(text);
        let mut h = Vec::new();
        shingle::token_hashes(&tokens, &mut h);
        let mut c = Vec::new();
        Classifier::new(opts).classes_into(&tokens, &h, &mut c);
        (h, c)
    }

    #[test]
    fn classes_mask_numbers_and_months_only() {
        let (_, c) = doc("الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015م في الوزارة");
        use TokenClass::*;
        assert_eq!(
            c,
            vec![
                Content, Number, Month, Number, Function, Content, Number, Month, Number, Function,
                Function, Content
            ]
        );
    }

    #[test]
    fn classes_agree_with_the_stop_word_list() {
        let text = "وقال الوزير إن المشروع الذي أعلنه فيما بعد عددا كثيرا من ٣ و 12 ب الرياض";
        let opts = NormalizeOptions::default();
        let tokens = Tokenizer::new(opts).tokenize(text);
        let cl = Classifier::new(opts);
        for i in 0..tokens.len() {
            let w = tokens.text(i);
            let c = cl.class(w, shingle::token_hash(w));
            let digit = w.chars().any(char::is_numeric);
            assert_eq!(c == TokenClass::Number, digit, "{w}");
            if !digit {
                assert_eq!(c == TokenClass::Function, stem::is_stop_word(w), "{w}");
            }
        }
    }

    #[test]
    fn masked_shingle_sets_are_the_shingles_that_differ() {
        for text in [
            "قال الوزير إن المشروع الجديد يخدم 300 ألف مواطن في 12 مارس 2015 في المنطقة",
            "في 12 مارس",
            "لا أرقام هنا على الإطلاق في هذا النص",
            "2015",
        ] {
            let (h, c) = doc(text);
            let mut m = Vec::new();
            masked_hashes(&h, &c, &mut m);
            for k in [1, 3, 5] {
                let mut want: Vec<(u64, u64)> = shingle::shingle_hashes(&h, k)
                    .zip(shingle::shingle_hashes(&m, k))
                    .filter(|(e, m)| e != m)
                    .collect();
                let mut we: Vec<u64> = want.iter().map(|x| x.0).collect();
                let mut wm: Vec<u64> = want.drain(..).map(|x| x.1).collect();
                we.sort_unstable();
                we.dedup();
                wm.sort_unstable();
                wm.dedup();
                let (mut buf, mut e, mut ms) = (Vec::new(), Vec::new(), Vec::new());
                masked_shingle_sets(&h, &c, k, &mut buf, &mut e, &mut ms);
                assert_eq!((e, ms), (we, wm), "{text} k={k}");
            }
        }
    }

    #[test]
    fn weight_counts_content_words_outside_formula() {
        use TokenClass::*;
        let classes = [Content, Function, Number, Content, Content];
        assert_eq!(weight(&classes, &[0.0; 5]), 3.0);
        assert_eq!(weight(&classes, &[1.0, 0.0, 0.0, 1.0, 0.5]), 0.5);
        assert_eq!(weight(&[], &[]), 0.0);
    }

    #[test]
    fn figures_agree_when_the_facts_are_kept() {
        let opts = NormalizeOptions::default();
        let evidence = Evidence::new(FormulaModel::default(), Classifier::new(opts));
        let figs = |text: &str| {
            let (h, c) = doc(text);
            let mut v = Vec::new();
            evidence.figures(
                EvidenceDoc {
                    token_hashes: &h,
                    masks: &c,
                },
                0..h.len() as u32,
                &mut v,
            );
            v.sort_unstable();
            v.dedup();
            v
        };
        // A template filled in on another day: same frame, other figures
        // (the pieces of 9372.74 and 9107.74 do not agree on their own).
        let mon = figs("ليغلق المؤشر عند مستوى 9372.74 نقطة بتداول 143 مليون سهم بقيمة 4.1 مليار");
        let tue = figs("ليغلق المؤشر عند مستوى 9107.74 نقطة بتداول 122 مليون سهم بقيمة 3.1 مليار");
        assert_eq!(mon.len(), 3);
        assert_eq!(agreement(&mon, &tue), 0.0);
        // The same report retold, one figure in another digit script and one dropped.
        let retold = figs("بلغ المؤشر ٩٣٧٢.٧٤ نقطة وتداول المستثمرون 143 مليون سهم");
        assert_eq!(agreement(&mon, &retold), 1.0);
        // Too few figures to judge.
        assert_eq!(agreement(&figs("قتل 13 شخصا"), &figs("قتل 15 شخصا")), 1.0);
        assert_eq!(agreement(&[], &mon), 1.0);
    }

    #[test]
    fn a_template_frame_does_not_make_two_fillings_agree() {
        // Rare words 1-4 are the frame (formula), 10-12 and 20-22 the names
        // in its slots.
        let frame = |names: &[u64]| -> Vec<(u64, bool)> {
            let mut v: Vec<(u64, bool)> = (1..=4).map(|w| (w, true)).collect();
            v.extend(names.iter().map(|&w| (w, false)));
            v.sort_unstable();
            v
        };
        let (a, b) = (frame(&[10, 11, 12]), frame(&[20, 21, 22]));
        // All rare words together agree (the frame's); the slots do not.
        let plain = |s: &[(u64, bool)]| s.iter().map(|w| w.0).collect::<Vec<_>>();
        assert_eq!(agreement(&plain(&a), &plain(&b)), 1.0);
        assert_eq!(word_agreement(&a, &b), 0.0);
        // The same filling copied agrees; so does a copy that drops a name.
        assert_eq!(word_agreement(&a, &a), 1.0);
        assert_eq!(word_agreement(&a, &frame(&[10, 11])), 1.0);
        // With fewer than MIN_SPECIFICS words outside formula on a side,
        // all rare words are compared.
        assert_eq!(word_agreement(&a, &frame(&[20])), 1.0);
        assert_eq!(word_agreement(&[], &b), 1.0);
    }

    #[test]
    fn masked_shingles_without_masked_tokens_are_exact() {
        let (h, c) = doc("قال الوزير إن المشروع الجديد يخدم 300 ألف مواطن في المنطقة الشرقية");
        let mut m = Vec::new();
        masked_hashes(&h, &c, &mut m);
        let exact: Vec<u64> = shingle::shingle_hashes(&h, 5).collect();
        let masked: Vec<u64> = shingle::shingle_hashes(&m, 5).collect();
        assert_eq!(exact[..2], masked[..2]);
        assert_ne!(exact[4], masked[4]);
        assert_eq!(exact[exact.len() - 1], masked[masked.len() - 1]);
    }
}
