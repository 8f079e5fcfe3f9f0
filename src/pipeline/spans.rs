//! Token ranges to report locations: byte and character offsets of the
//! original text, for the documents the report points into.

use std::ops::Range;

use rayon::prelude::*;

use crate::narrative::ReadTokens;
use crate::passages::align::{self, Match};
use crate::phrases;
use crate::report::{Loc, Passage, PassageKind};
use crate::span::Span;
use crate::text::stem;
use crate::text::tokenize::{Tokenizer, Tokens};

use super::Config;
use super::build::round;

/// Maps token ranges of documents to report locations (byte and character
/// offsets of the original text).
pub(crate) struct SpanMap<'c> {
    pub(crate) docs: &'c [crate::corpus::Document],
    tokens: Vec<DocTokens>,
}

/// The tokens of one document as the report needs them: the byte span of
/// every token and whether it is a content word. A third of the memory of
/// full [`Tokens`] (no normalized text), which matters at 100,000 documents.
#[derive(Default)]
struct DocTokens {
    spans: TokenSpans,
    /// Per token: neither a stop word nor a number.
    content: Vec<bool>,
}

/// Token spans, as `u32` offsets when the text allows (under 4 GiB).
enum TokenSpans {
    Narrow(Vec<[u32; 2]>),
    Wide(Vec<Span>),
}

impl Default for TokenSpans {
    fn default() -> Self {
        TokenSpans::Narrow(Vec::new())
    }
}

impl DocTokens {
    pub(crate) fn new(text: &str, tokens: &Tokens) -> DocTokens {
        let spans = if u32::try_from(text.len()).is_ok() {
            TokenSpans::Narrow(
                tokens
                    .tokens
                    .iter()
                    .map(|t| [t.span.start() as u32, t.span.end() as u32])
                    .collect(),
            )
        } else {
            TokenSpans::Wide(tokens.tokens.iter().map(|t| t.span).collect())
        };
        let content = (0..tokens.len())
            .map(|i| {
                let w = tokens.text(i);
                is_content_word(w)
            })
            .collect();
        DocTokens { spans, content }
    }

    fn len(&self) -> usize {
        self.content.len()
    }

    /// The span of token `i`.
    pub(crate) fn span(&self, i: usize) -> Span {
        match &self.spans {
            TokenSpans::Narrow(v) => Span::new(v[i][0] as usize, v[i][1] as usize),
            TokenSpans::Wide(v) => v[i],
        }
    }

    /// The span covering tokens `range` (as [`align::token_range_to_span`]).
    fn range_span(&self, range: Range<u32>) -> Span {
        align::range_span(self.len(), |i| self.span(i), range)
    }
}

impl<'c> SpanMap<'c> {
    /// Tokenizes the documents marked in `needed` (all when `None`); the
    /// others get no tokens and must not be asked about. `read` holds, for
    /// some documents (indexed like `docs`, or empty), their tokens as the
    /// narrative reader kept them with the same normalization
    /// ([`ReadTokens`]): those are taken, not tokenized again.
    pub(crate) fn new(
        docs: &'c [crate::corpus::Document],
        config: &Config,
        needed: Option<&[bool]>,
        mut read: Vec<Option<ReadTokens>>,
    ) -> SpanMap<'c> {
        read.resize_with(docs.len(), || None);
        let tokens = docs
            .par_iter()
            .zip(read.into_par_iter())
            .enumerate()
            .map_init(
                || Tokenizer::new(config.normalize),
                |t, (i, (d, r))| match r {
                    Some(r) => DocTokens {
                        spans: TokenSpans::Narrow(r.spans),
                        content: r.content,
                    },
                    None if needed.is_none_or(|n| n[i]) => {
                        DocTokens::new(&d.text, &t.tokenize(&d.text))
                    }
                    None => DocTokens::default(),
                },
            )
            .collect();
        SpanMap { docs, tokens }
    }

    pub(crate) fn span(&self, doc: u32, range: Range<u32>) -> Span {
        self.tokens[doc as usize].range_span(range)
    }

    pub(crate) fn text(&self, doc: u32, range: Range<u32>) -> &str {
        self.span(doc, range).slice(&self.docs[doc as usize].text)
    }

    /// `phrase` without the function words and numbers at its edges («في
    /// قطاع غزة، على» → «قطاع غزة»): a phrase starts and ends with a content
    /// word. Every occurrence is the same token run, so the first one
    /// decides. `None` when fewer than `min_tokens` tokens remain.
    pub(crate) fn content_edges(
        &self,
        phrase: &phrases::ReusedPhrase,
        min_tokens: usize,
    ) -> Option<phrases::ReusedPhrase> {
        let first = phrase.occurrences.first()?;
        let t = &self.tokens[first.doc as usize];
        let content = |i: u32| t.content[i as usize];
        let (mut s, mut e) = (first.tokens.start, first.tokens.end);
        while s < e && !content(s) {
            s += 1;
        }
        while e > s && !content(e - 1) {
            e -= 1;
        }
        if ((e - s) as usize) < min_tokens.max(1) {
            return None;
        }
        Some(cut(phrase, s - first.tokens.start, first.tokens.end - e))
    }

    /// `phrase` trimmed so that no occurrence starts or ends inside a span
    /// that holds several tokens (`ﷺ` gives four, `٢٠٢٣م` two with
    /// `split_digits`): the reported text then reads as exactly the phrase.
    /// `None` when fewer than `min_tokens` tokens remain.
    pub(crate) fn whole_spans(
        &self,
        phrase: &phrases::ReusedPhrase,
        min_tokens: usize,
    ) -> Option<phrases::ReusedPhrase> {
        let joined = |doc: u32, i: u32| {
            let t = &self.tokens[doc as usize];
            let i = i as usize;
            i > 0 && i < t.len() && t.span(i) == t.span(i - 1)
        };
        let (mut s, mut e) = (0u32, 0u32);
        loop {
            if (s + e + min_tokens.max(1) as u32) > phrase.tokens {
                return None;
            }
            let cut_s = phrase
                .occurrences
                .iter()
                .any(|o| joined(o.doc, o.tokens.start + s));
            let cut_e = phrase
                .occurrences
                .iter()
                .any(|o| joined(o.doc, o.tokens.end - e));
            if !cut_s && !cut_e {
                break;
            }
            s += u32::from(cut_s);
            e += u32::from(cut_e);
        }
        Some(cut(phrase, s, e))
    }

    /// Tokens of `range` that are neither stop words nor numbers.
    pub(crate) fn content_tokens(&self, doc: u32, range: Range<u32>) -> usize {
        let t = &self.tokens[doc as usize];
        range.filter(|&i| t.content[i as usize]).count()
    }

    /// The masked template of tokens `range` of `doc`, whose masks are
    /// `masks`: the original spelling of each token, a number as `#`, a month
    /// name as `[month]`, separated by spaces (a span that holds several
    /// tokens, like `2015م`, is written once, masked if its first token is).
    pub(crate) fn template(
        &self,
        doc: u32,
        range: Range<u32>,
        masks: &[crate::evidence::TokenClass],
    ) -> String {
        use crate::evidence::TokenClass;
        let t = &self.tokens[doc as usize];
        let text = &self.docs[doc as usize].text;
        let mut out: Vec<&str> = Vec::new();
        let mut last: Option<Span> = None;
        for (i, mask) in range.zip(masks) {
            let span = t.span(i as usize);
            if last == Some(span) {
                continue;
            }
            last = Some(span);
            out.push(match mask {
                TokenClass::Number => "#",
                TokenClass::Month => "[month]",
                _ => span.slice(text),
            });
        }
        out.join(" ")
    }

    pub(crate) fn loc(&self, doc: u32, range: Range<u32>) -> Loc {
        let d = &self.docs[doc as usize];
        let span = self.span(doc, range);
        loc(&d.id, &d.text, span)
    }

    pub(crate) fn passage(&self, kind: PassageKind, a: u32, b: u32, m: &Match) -> Passage {
        Passage {
            kind,
            a: self.loc(a, m.a.clone()),
            b: self.loc(b, m.b.clone()),
            tokens_a: m.a.len(),
            tokens_b: m.b.len(),
            score: round(m.score),
            terms: Vec::new(),
            weight: None,
        }
    }
}

/// A report location for `span` of document `id` with text `text`.
pub fn loc(id: &str, text: &str, span: Span) -> Loc {
    let start_char = text[..span.start()].chars().count();
    let end_char = start_char + span.slice(text).chars().count();
    Loc {
        doc: id.to_string(),
        start: span.start(),
        end: span.end(),
        start_char,
        end_char,
    }
}

/// `phrase` without `head` tokens at the start and `tail` at the end of
/// every occurrence (occurrences are the same token run).
fn cut(phrase: &phrases::ReusedPhrase, head: u32, tail: u32) -> phrases::ReusedPhrase {
    phrases::ReusedPhrase {
        tokens: phrase.tokens - head - tail,
        docs: phrase.docs,
        occurrences: phrase
            .occurrences
            .iter()
            .map(|o| phrases::Occurrence {
                doc: o.doc,
                tokens: o.tokens.start + head..o.tokens.end - tail,
            })
            .collect(),
    }
}

/// A normalized token that carries content in the report's sense: neither a
/// stop word nor a number written in digits only.
pub(crate) fn is_content_word(w: &str) -> bool {
    !stem::is_stop_word(w) && !w.chars().all(|c| c.is_ascii_digit())
}
