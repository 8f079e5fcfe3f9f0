//! Tokens with byte spans into the original text, and sentence boundaries.
//!
//! # The token rule (`shared/arabic-normalization.md` §3 step 10)
//!
//! After normalization, a token is a maximal run of `Nd` characters, or a
//! maximal run of other `L*`/`M*`/`N*` characters with its leading `M*`
//! characters dropped; a run that ends up empty is dropped. Everything else
//! separates tokens. With `split_digits` off, letters and digits form one
//! run. Categories are Unicode General_Category values, never
//! `char::is_alphanumeric` (which is true for some Arabic marks only).
//!
//! # Spans: the raw-segment property
//!
//! The original text is cut at *hard separators*
//! ([`crate::text::normalize::is_hard_separator`]): characters that are not
//! invisible controls and whose own NFKC image has no L/M/N character
//! (whitespace, punctuation, symbols, emoji…). Each raw segment is
//! normalized on its own and gives 0..n tokens, all with the segment's span
//! (trimmed of leading and trailing invisible controls). This gives exactly
//! the tokens of the whole normalized text, while every span slices the
//! original: `&text[token.span.range()]` is always valid. `ﷺ` gives four
//! tokens with one span; `2023م` gives `2023` and `م` with one span.
//!
//! # Speed
//!
//! A segment made only of characters that NFKC leaves alone (ASCII, the
//! Arabic letters, harakat, tatweel, digits, most other scripts) is
//! normalized and tokenized in one pass through a lookup table, with no
//! allocation. The commonest segment, letters only (one word), has a loop
//! of its own, and letters that normalize to themselves (most Arabic
//! letters) are copied from the original text a run at a time rather than
//! encoded one by one. A segment holding anything NFKC could change (presentation
//! forms, decomposed hamza U+0653–U+0655, Latin combining marks, NBSP-like
//! compatibility characters inside a word, …) takes the general path.

use crate::sketch::shingle::token_hash;
use crate::span::Span;
use crate::text::normalize::{
    Cat, NormalizeOptions, Scratch, bmp_table, cat, class, classify, normalize_with,
};

/// One token: where its normalized text lives in [`Tokens::normalized`] and
/// the span of the ORIGINAL text it came from. Filters never modify spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// The raw segment of the original text this token came from. Several
    /// tokens may share one span (`ﷺ` gives four tokens; `2023م` two).
    pub span: Span,
    /// Start of the normalized text in [`Tokens::normalized`].
    pub norm_start: u32,
    /// End of the normalized text in [`Tokens::normalized`].
    pub norm_end: u32,
}

/// The tokens of one document. Reuse one value across documents to avoid
/// allocation (`clear` keeps the buffers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    /// All normalized token texts, concatenated.
    pub normalized: String,
    /// The tokens in text order.
    pub tokens: Vec<Token>,
}

impl Tokens {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }
    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
    /// Normalized text of token `i`.
    pub fn text(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.normalized[t.norm_start as usize..t.norm_end as usize]
    }
    /// Original span of token `i`.
    pub fn span(&self, i: usize) -> Span {
        self.tokens[i].span
    }
    /// `(normalized text, original span)` for every token.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Span)> + '_ {
        self.tokens.iter().map(move |t| {
            (
                &self.normalized[t.norm_start as usize..t.norm_end as usize],
                t.span,
            )
        })
    }
    /// Empty, keeping the allocations.
    pub fn clear(&mut self) {
        self.normalized.clear();
        self.tokens.clear();
    }
}

/// A reusable tokenizer: normalization options, their lookup tables and
/// scratch buffers. Build one per thread and reuse it.
#[derive(Clone)]
pub struct Tokenizer {
    opts: NormalizeOptions,
    /// Classes of U+0000–U+07FF under `opts` (folds included), with
    /// [`SAME`] marked.
    low: Box<[u32; 0x800]>,
    /// Classes of U+0000–U+FFFF that do not depend on the folds.
    bmp: &'static [u32],
    scratch: Scratch,
    seg: String,
    /// [`Tokenizer::token_hashes_into`]'s buffers.
    hash_scratch: Tokens,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer::new(NormalizeOptions::default())
    }
}

/// The token run being built: none, a digit run or a letter run, and where
/// it starts in `Tokens::normalized`.
#[derive(Clone, Copy)]
struct Run {
    kind: u8,
    start: usize,
}

const NONE: u8 = 0;
const DIGITS: u8 = 1;
const LETTERS: u8 = 2;

impl Run {
    #[inline(always)]
    fn new() -> Run {
        Run {
            kind: NONE,
            start: 0,
        }
    }

    #[inline(always)]
    fn close(&mut self, out: &mut Tokens) {
        if self.kind != NONE && out.normalized.len() > self.start {
            out.tokens.push(Token {
                span: Span::default(),
                norm_start: self.start as u32,
                norm_end: out.normalized.len() as u32,
            });
        }
        self.kind = NONE;
    }

    #[inline(always)]
    fn open(&mut self, kind: u8, out: &mut Tokens) {
        self.close(out);
        self.kind = kind;
        self.start = out.normalized.len();
    }

    #[inline(always)]
    fn push(&mut self, k: Cat, c: char, split_digits: bool, out: &mut Tokens) {
        match k {
            Cat::Letter => {
                if self.kind != LETTERS && (split_digits || self.kind == NONE) {
                    self.open(LETTERS, out);
                }
                out.normalized.push(c);
            }
            Cat::Digit => {
                if split_digits {
                    if self.kind != DIGITS {
                        self.open(DIGITS, out);
                    }
                } else if self.kind == NONE {
                    self.open(LETTERS, out);
                }
                out.normalized.push(c);
            }
            Cat::Mark => {
                if self.kind == LETTERS {
                    // Leading marks of a run are dropped.
                    if out.normalized.len() > self.start {
                        out.normalized.push(c);
                    }
                } else if self.kind == DIGITS && !split_digits {
                    out.normalized.push(c);
                } else {
                    self.open(LETTERS, out);
                }
            }
            Cat::Other => self.close(out),
        }
    }
}

/// Set on a `LETTER` entry whose output character is the input character:
/// the tokenizer copies runs of such letters from the original text in one
/// go instead of encoding them one by one. Above the 21 bits of
/// [`class::ch`], below the tag byte.
const SAME: u32 = 1 << 21;

/// `e` with [`SAME`] set when it is a letter entry whose output is `u`.
#[inline(always)]
fn same(u: u32, e: u32) -> u32 {
    if class::tag(e) == class::LETTER && e & 0x001F_FFFF == u {
        e | SAME
    } else {
        e
    }
}

impl Tokenizer {
    /// A tokenizer applying `opts`.
    pub fn new(opts: NormalizeOptions) -> Tokenizer {
        let low: Vec<u32> = (0u32..0x800)
            .map(|u| char::from_u32(u).map_or(class::SEP, |c| same(u, classify(c, &opts))))
            .collect();
        let low = low
            .into_boxed_slice()
            .try_into()
            .expect("0x800 class entries");
        Tokenizer {
            opts,
            low,
            bmp: bmp_table(&opts),
            scratch: Scratch::default(),
            seg: String::new(),
            hash_scratch: Tokens::default(),
        }
    }

    /// The options in force.
    pub fn options(&self) -> &NormalizeOptions {
        &self.opts
    }

    /// The class entry of the character starting at byte `i`, and its length.
    #[inline(always)]
    fn entry_at(&self, b: &[u8], i: usize) -> (u32, usize) {
        let b0 = b[i] as u32;
        if b0 < 0x80 {
            (self.low[b0 as usize], 1)
        } else if b0 < 0xE0 {
            let c = ((b0 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F);
            (self.low[c as usize & 0x7FF], 2)
        } else if b0 < 0xF0 {
            let c =
                ((b0 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F);
            if c == 0x200B && self.opts.zwsp_as_space {
                (class::SEP, 3)
            } else {
                (same(c, self.bmp[c as usize & 0xFFFF]), 3)
            }
        } else {
            let c = ((b0 & 0x07) << 18)
                | ((b[i + 1] as u32 & 0x3F) << 12)
                | ((b[i + 2] as u32 & 0x3F) << 6)
                | (b[i + 3] as u32 & 0x3F);
            let e = char::from_u32(c).map_or(class::SEP, |ch| same(c, classify(ch, &self.opts)));
            (e, 4)
        }
    }

    /// Tokenize `text`, replacing the contents of `out`.
    ///
    /// # Panics
    /// When the normalized text of one document exceeds 4 GiB (token
    /// offsets into [`Tokens::normalized`] are `u32`).
    ///
    /// ```
    /// use athar::text::normalize::NormalizeOptions;
    /// use athar::text::tokenize::Tokenizer;
    /// let text = "أعلنت الـشركة، عام ٢٠٢٣م!";
    /// let mut tk = Tokenizer::new(NormalizeOptions::default());
    /// let toks = tk.tokenize(text);
    /// let words: Vec<&str> = toks.iter().map(|(t, _)| t).collect();
    /// assert_eq!(words, ["اعلنت", "الشركه", "عام", "2023", "م"]);
    /// assert_eq!(toks.span(4).slice(text), "٢٠٢٣م");
    /// ```
    pub fn tokenize_into(&mut self, text: &str, out: &mut Tokens) {
        self.run::<false>(text, out, &mut Vec::new());
    }

    /// The token hashes of `text` ([`crate::sketch::shingle::token_hash`] of
    /// every normalized token, in order), replacing the contents of
    /// `hashes`: the same values as [`Tokenizer::tokenize_into`] followed by
    /// [`crate::sketch::shingle::token_hashes`], without spans. A word whose
    /// letters all normalize to themselves (most Arabic words) is hashed
    /// straight from `text`, with no copy.
    ///
    /// ```
    /// use athar::sketch::shingle;
    /// use athar::text::tokenize::Tokenizer;
    /// let text = "أعلنت الـشركة، عام ٢٠٢٣م!";
    /// let mut tk = Tokenizer::default();
    /// let mut hashes = Vec::new();
    /// tk.token_hashes_into(text, &mut hashes);
    /// let mut want = Vec::new();
    /// shingle::token_hashes(&tk.tokenize(text), &mut want);
    /// assert_eq!(hashes, want);
    /// ```
    pub fn token_hashes_into(&mut self, text: &str, hashes: &mut Vec<u64>) {
        hashes.clear();
        let mut out = std::mem::take(&mut self.hash_scratch);
        self.run::<true>(text, &mut out, hashes);
        self.hash_scratch = out;
    }

    /// [`Tokenizer::tokenize_into`], or with `HASH` the token hashes into
    /// `hashes` (`out` is then scratch, left empty).
    #[inline(always)]
    fn run<const HASH: bool>(&mut self, text: &str, out: &mut Tokens, hashes: &mut Vec<u64>) {
        out.clear();
        let b = text.as_bytes();
        let n = b.len();
        let split = self.opts.split_digits;
        let mut i = 0;
        while i < n {
            let (mut e, mut len) = self.entry_at(b, i);
            if e == class::SEP {
                i += len;
                continue;
            }
            if class::tag(e) == class::LETTER {
                if let Some(end) = self.letters_only::<HASH>(text, i, e, len, out, hashes) {
                    i = end;
                    continue;
                }
            }
            let seg_start = i;
            let tok_mark = out.tokens.len();
            let norm_mark = out.normalized.len();
            let mut trim_start = usize::MAX;
            let mut trim_end = i;
            let mut slow = false;
            let mut run = Run::new();
            // Start of a run of letters that normalize to themselves, seen
            // in the current letter run and not copied to the output yet:
            // they are `text[copy..i]`.
            let mut copy = usize::MAX;
            loop {
                if e & SAME != 0 && run.kind == LETTERS {
                    // The common case: one more letter of a word, unchanged.
                    if copy == usize::MAX {
                        copy = i;
                    }
                    trim_end = i + len;
                } else {
                    // Anything else: copy the pending letters first.
                    if copy != usize::MAX {
                        out.normalized.push_str(&text[copy..i]);
                        copy = usize::MAX;
                    }
                    let tag = class::tag(e);
                    if tag == class::LETTER && run.kind == LETTERS {
                        // One more letter of a word, folded.
                        trim_end = i + len;
                        out.normalized.push(class::ch(e));
                    } else if tag != class::CTRL {
                        if trim_start == usize::MAX {
                            trim_start = i;
                        }
                        trim_end = i + len;
                        match tag {
                            class::LETTER => run.push(Cat::Letter, class::ch(e), split, out),
                            class::DIGIT => run.push(Cat::Digit, class::ch(e), split, out),
                            class::MARK => run.push(Cat::Mark, class::ch(e), split, out),
                            class::DEL => {}
                            _ => slow = true,
                        }
                    }
                }
                i += len;
                if i >= n {
                    break;
                }
                (e, len) = self.entry_at(b, i);
                if e == class::SEP || slow {
                    break;
                }
            }
            if copy != usize::MAX {
                out.normalized.push_str(&text[copy..i]);
            }
            if slow {
                // Find the end of the segment, then take the general path.
                while i < n {
                    (e, len) = self.entry_at(b, i);
                    if e == class::SEP {
                        break;
                    }
                    if class::tag(e) != class::CTRL {
                        trim_end = i + len;
                    }
                    i += len;
                }
                out.tokens.truncate(tok_mark);
                out.normalized.truncate(norm_mark);
                self.general_segment(&text[seg_start..i], out);
            } else {
                run.close(out);
            }
            if HASH {
                let norm = &out.normalized;
                hashes.extend(
                    out.tokens
                        .iter()
                        .map(|t| token_hash(&norm[t.norm_start as usize..t.norm_end as usize])),
                );
                out.clear();
            } else if out.tokens.len() > tok_mark {
                let span = Span::new(trim_start, trim_end);
                for t in &mut out.tokens[tok_mark..] {
                    t.span = span;
                }
            }
        }
        assert!(
            u32::try_from(out.normalized.len()).is_ok(),
            "normalized text over 4 GiB"
        );
    }

    /// The most common segment: letters only (no digit, mark, deleted
    /// character or control), so one token spanning the whole segment.
    /// `e` and `len` are the entry and length of the letter at `start`.
    /// Appends the token and returns where to go on: past the separator
    /// that ends the segment (already classified here), or the end of the
    /// text; returns `None`
    /// (leaving `out` as it was) at the first character that is not a
    /// letter nor a separator, for the full loop to take the segment again.
    #[inline(always)]
    fn letters_only<const HASH: bool>(
        &self,
        text: &str,
        start: usize,
        mut e: u32,
        mut len: usize,
        out: &mut Tokens,
        hashes: &mut Vec<u64>,
    ) -> Option<usize> {
        let b = text.as_bytes();
        let n = b.len();
        let norm_start = out.normalized.len();
        let mut i = start;
        // `text[copy..i]` normalizes to itself and is not copied yet.
        let mut copy = start;
        // Bytes of the separator after the segment, when there is one.
        let mut sep = 0;
        loop {
            if e & SAME == 0 {
                out.normalized.push_str(&text[copy..i]);
                out.normalized.push(class::ch(e));
                copy = i + len;
            }
            i += len;
            // The hot loop: two-byte letters that stay as they are (most
            // Arabic letters).
            while i + 1 < n {
                let b0 = b[i] as usize;
                if b0 & 0xE0 != 0xC0 {
                    break;
                }
                let c = ((b0 & 0x1F) << 6) | (b[i + 1] as usize & 0x3F);
                if self.low[c] & SAME == 0 {
                    break;
                }
                i += 2;
            }
            if i >= n {
                break;
            }
            (e, len) = self.entry_at(b, i);
            if e == class::SEP {
                sep = len;
                break;
            }
            if class::tag(e) != class::LETTER {
                out.normalized.truncate(norm_start);
                return None;
            }
        }
        if HASH {
            if copy == start {
                // Every letter is its own normalization: the token is
                // `text[start..i]`.
                hashes.push(token_hash(&text[start..i]));
            } else {
                out.normalized.push_str(&text[copy..i]);
                hashes.push(token_hash(&out.normalized[norm_start..]));
                out.normalized.truncate(norm_start);
            }
            return Some(i + sep);
        }
        out.normalized.push_str(&text[copy..i]);
        out.tokens.push(Token {
            span: Span::new(start, i),
            norm_start: norm_start as u32,
            norm_end: out.normalized.len() as u32,
        });
        Some(i + sep)
    }

    /// The general path for one raw segment: the full pipeline, then the
    /// token rule. Appends tokens with placeholder spans.
    fn general_segment(&mut self, seg: &str, out: &mut Tokens) {
        self.seg.clear();
        normalize_with(seg, &self.opts, &mut self.scratch, &mut self.seg);
        let split = self.opts.split_digits;
        let mut run = Run::new();
        for c in self.seg.chars() {
            run.push(cat(c), c, split, out);
        }
        run.close(out);
    }

    /// Tokenize `text` into a new [`Tokens`].
    pub fn tokenize(&mut self, text: &str) -> Tokens {
        let mut out = Tokens::default();
        self.tokenize_into(text, &mut out);
        out
    }

    /// The raw segments of `text` (maximal runs of characters that are not
    /// hard separators), untrimmed, in order. Tokenizing each segment's text
    /// on its own gives the tokens of the whole text.
    pub fn segments<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Span> + 't {
        let b = text.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            while i < b.len() {
                let (e, len) = self.entry_at(b, i);
                if e != class::SEP {
                    break;
                }
                i += len;
            }
            if i >= b.len() {
                return None;
            }
            let start = i;
            while i < b.len() {
                let (e, len) = self.entry_at(b, i);
                if e == class::SEP {
                    break;
                }
                i += len;
            }
            Some(Span::new(start, i))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::Preset;

    fn words_with(opts: NormalizeOptions, text: &str) -> Vec<String> {
        let toks = Tokenizer::new(opts).tokenize(text);
        toks.iter().map(|(t, _)| t.to_string()).collect()
    }

    fn words(text: &str) -> Vec<String> {
        words_with(NormalizeOptions::default(), text)
    }

    /// `(token, original slice)` pairs.
    fn pairs(opts: NormalizeOptions, text: &str) -> Vec<(String, &str)> {
        let toks = Tokenizer::new(opts).tokenize(text);
        toks.iter()
            .map(|(t, s)| (t.to_string(), s.slice(text)))
            .collect()
    }

    #[test]
    fn separators_split_words() {
        assert_eq!(words("قال، ثم؛ هل؟ نعم"), ["قال", "ثم", "هل", "نعم"]);
        assert_eq!(words("٣٫٥٪ ١٬٠٠٠ ٭نجمة"), ["3", "5", "1", "000", "نجمه"]);
        assert_eq!(words("۝١ ۞ ۩ سجدة"), ["1", "سجده"]);
        assert_eq!(
            words("غزة_تحت don't 3.5%"),
            ["غزه", "تحت", "don", "t", "3", "5"]
        );
        assert_eq!(
            words("«عاجل» \"نص\" (قوس) ﴿آية﴾"),
            ["عاجل", "نص", "قوس", "ايه"]
        );
        assert_eq!(
            words("نص\u{00A0}بمسافة\u{3000}و\tتبويب"),
            ["نص", "بمسافه", "و", "تبويب"]
        );
        assert_eq!(words("حرة😂👍🏽كلمة"), ["حره", "كلمه"]);
        assert_eq!(words("غز\u{E000}ة ال\u{FFFD}قدس"), ["غز", "ه", "ال", "قدس"]);
        assert_eq!(words("1\u{FE0F}\u{20E3} #\u{FE0F}\u{20E3}"), ["1"]);
    }

    #[test]
    fn digits_split_from_letters() {
        assert_eq!(
            words("2023م الـ20 COVID-19"),
            ["2023", "م", "ال", "20", "covid", "19"]
        );
        assert_eq!(
            words("عام2023 ب50 50ألف"),
            ["عام", "2023", "ب", "50", "50", "الف"]
        );
        let o = NormalizeOptions {
            split_digits: false,
            ..NormalizeOptions::default()
        };
        assert_eq!(
            words_with(o, "2023م الـ20 COVID-19"),
            ["2023م", "ال20", "covid", "19"]
        );
    }

    #[test]
    fn leading_marks_are_dropped() {
        // A mark after a digit run starts a letter run and is dropped.
        assert_eq!(words("1\u{0301}a"), ["1", "a"]);
        // Orphan fatha after a space (deleted anyway), isolated-haraka forms.
        assert_eq!(
            words("حماس \u{064E}حماس \u{FE70}كلمة"),
            ["حماس", "حماس", "كلمه"]
        );
        // `<` + U+0338 composes to ≮, a symbol.
        assert_eq!(words("a<\u{0338}b"), ["a", "b"]);
        let none = NormalizeOptions::preset(Preset::None);
        assert_eq!(words_with(none, "\u{064E}عددًا"), ["عددًا"]);
    }

    #[test]
    fn ligature_gives_several_tokens_with_one_span() {
        let text = "النبي ﷺ قال";
        let p = pairs(NormalizeOptions::default(), text);
        let want = [
            ("النبي", "النبي"),
            ("صلي", "ﷺ"),
            ("الله", "ﷺ"),
            ("عليه", "ﷺ"),
            ("وسلم", "ﷺ"),
            ("قال", "قال"),
        ];
        let got: Vec<(&str, &str)> = p.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        assert_eq!(got, want);
        let p = pairs(NormalizeOptions::default(), "½ ٢٠٢٣م");
        let got: Vec<(&str, &str)> = p.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        assert_eq!(
            got,
            [("1", "½"), ("2", "½"), ("2023", "٢٠٢٣م"), ("م", "٢٠٢٣م")]
        );
    }

    #[test]
    fn spans_are_trimmed_of_invisible_controls() {
        let text = "\u{FEFF}أعلنت في 10\u{200E}-\u{200E}20 \u{200F}الرئيس\u{200F}";
        let p = pairs(NormalizeOptions::default(), text);
        let got: Vec<(&str, &str)> = p.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        assert_eq!(
            got,
            [
                ("اعلنت", "أعلنت"),
                ("في", "في"),
                ("10", "10"),
                ("20", "20"),
                ("الرئيس", "الرئيس")
            ]
        );
        // Controls inside a word join it.
        assert_eq!(
            words("مع\u{200C}لومات كلمة\u{2060}كلمة"),
            ["معلومات", "كلمهكلمه"]
        );
    }

    #[test]
    fn fast_and_general_paths_agree() {
        // The same word typed plainly, with presentation forms (general
        // path), with decomposed hamza (general path) and with noise.
        let forms = [
            "أحمد",
            "\u{FE83}\u{FEA3}\u{FEE4}\u{FEAA}",
            "\u{0627}\u{0654}حمد",
            "أَحْـمَد\u{200C}",
        ];
        for f in forms {
            assert_eq!(words(f), ["احمد"], "{f}");
        }
        // A general-path segment between fast ones keeps spans right.
        let text = "قال \u{FEFB}\u{FEEE}ن كتب";
        let p = pairs(NormalizeOptions::default(), text);
        assert_eq!(p[1], ("لاون".to_string(), "\u{FEFB}\u{FEEE}ن"));
        assert_eq!(p[2], ("كتب".to_string(), "كتب"));
    }

    #[test]
    fn presets_change_tokens() {
        let text = "مسؤول ڤيينا ک الـ٢٠ Apple";
        assert_eq!(words(text), ["مسؤول", "ڤيينا", "ك", "ال", "20", "apple"]);
        let loose = NormalizeOptions::preset(Preset::Loose);
        assert_eq!(
            words_with(loose, text),
            ["مسوول", "فيينا", "ك", "ال", "20", "apple"]
        );
        let none = NormalizeOptions::preset(Preset::None);
        assert_eq!(
            words_with(none, text),
            ["مسؤول", "ڤيينا", "ک", "الـ", "٢٠", "Apple"]
        );
        // None cuts by raw categories: ﷺ is a symbol-free letter-like
        // ligature (Lo) and stays whole; NBSP is a separator.
        assert_eq!(words_with(none, "ﷺ\u{00A0}أ"), ["ﷺ", "أ"]);
    }

    #[test]
    fn reuses_buffers_across_documents() {
        let mut tk = Tokenizer::default();
        let mut out = Tokens::default();
        tk.tokenize_into("الأولى الثانية", &mut out);
        assert_eq!(out.len(), 2);
        tk.tokenize_into("ثالثة", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out.text(0), "ثالثه");
        assert_eq!(out.span(0), Span::new(0, 10));
        tk.tokenize_into("", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn segments_cover_non_separators() {
        let tk = Tokenizer::default();
        let text = " قال، ﷺ  a.b ";
        let segs: Vec<&str> = tk.segments(text).map(|s| s.slice(text)).collect();
        assert_eq!(segs, ["قال", "ﷺ", "a", "b"]);
    }
}
