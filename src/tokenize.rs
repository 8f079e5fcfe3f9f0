//! Tokens with byte spans into the original text, and sentence boundaries.
//!
//! NOTE: skeleton implementation; the exact, fast version replaces it.

use crate::normalize::{NormalizeOptions, normalize_into};
use crate::span::Span;

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

/// A reusable tokenizer: normalization options plus scratch buffers.
#[derive(Clone, Debug, Default)]
pub struct Tokenizer {
    opts: NormalizeOptions,
    scratch: String,
}

impl Tokenizer {
    /// A tokenizer applying `opts`.
    pub fn new(opts: NormalizeOptions) -> Tokenizer {
        Tokenizer {
            opts,
            scratch: String::new(),
        }
    }

    /// The options in force.
    pub fn options(&self) -> &NormalizeOptions {
        &self.opts
    }

    /// Tokenize `text`, replacing the contents of `out`.
    pub fn tokenize_into(&mut self, text: &str, out: &mut Tokens) {
        out.clear();
        let mut seg_start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let word = c.is_alphanumeric() || ('\u{064B}'..='\u{0670}').contains(&c);
            match (word, seg_start) {
                (true, None) => seg_start = Some(i),
                (false, Some(s)) => {
                    self.push_segment(Span::new(s, i), text, out);
                    seg_start = None;
                }
                _ => {}
            }
        }
    }

    /// Tokenize `text` into a new [`Tokens`].
    pub fn tokenize(&mut self, text: &str) -> Tokens {
        let mut out = Tokens::default();
        self.tokenize_into(text, &mut out);
        out
    }

    fn push_segment(&mut self, span: Span, text: &str, out: &mut Tokens) {
        self.scratch.clear();
        normalize_into(span.slice(text), &self.opts, &mut self.scratch);
        let mut start = None;
        let mut prev_digit = false;
        let s = std::mem::take(&mut self.scratch);
        for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            let word = c.is_alphanumeric();
            let digit = c.is_ascii_digit();
            if let Some(st) = start {
                if !word || (self.opts.split_digits && digit != prev_digit) {
                    let ns = out.normalized.len() as u32;
                    out.normalized.push_str(&s[st..i]);
                    out.tokens.push(Token {
                        span,
                        norm_start: ns,
                        norm_end: out.normalized.len() as u32,
                    });
                    start = None;
                }
            }
            if word && start.is_none() {
                start = Some(i);
            }
            prev_digit = digit;
        }
        self.scratch = s;
    }
}

/// Sentence boundaries of `text` as spans of the original text (trimmed of
/// surrounding whitespace; empty sentences dropped).
pub fn sentences(text: &str) -> Vec<Span> {
    use unicode_segmentation::UnicodeSegmentation;
    text.split_sentence_bound_indices()
        .filter_map(|(i, s)| {
            let t = s.trim_start();
            let start = i + (s.len() - t.len());
            let t = t.trim_end();
            (!t.is_empty()).then(|| Span::new(start, start + t.len()))
        })
        .collect()
}
