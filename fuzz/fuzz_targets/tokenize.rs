//! Normalization and tokenization of arbitrary text under arbitrary
//! [`NormalizeOptions`].
//!
//! Input: byte 0 = preset, byte 1 = flags, the rest = text (lossy UTF-8).
//! Checks: every token span slices the original text on character
//! boundaries and is non-empty; spans are in order (equal, or starting at or
//! after the previous end); normalized texts are non-empty and laid out in
//! order in `Tokens::normalized`; a reused (dirty) `Tokens` gives the same
//! result as a fresh one; a token's normalized text tokenizes to itself
//! (idempotence); the tokens of the whole text equal the tokens of its raw
//! segments; sentence spans slice the text and are in order.

#![no_main]

use athar::normalize::{NormalizeOptions, Preset};
use athar::tokenize::{Tokenizer, Tokens, sentences};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// One tokenizer per options (building one costs more than a short input).
    static TOKENIZERS: RefCell<HashMap<(u8, u8), Tokenizer>> = RefCell::new(HashMap::new());
}

fn options(preset: u8, flags: u8) -> NormalizeOptions {
    let preset = match preset % 3 {
        0 => Preset::Default,
        1 => Preset::Loose,
        _ => Preset::None,
    };
    NormalizeOptions {
        keep_case: flags & 1 != 0,
        fold_persian: flags & 2 != 0,
        fold_foreign: flags & 4 != 0,
        hamza_seats: flags & 8 != 0,
        zwsp_as_space: flags & 16 != 0,
        split_digits: flags & 32 != 0,
        ..NormalizeOptions::preset(preset)
    }
}

fuzz_target!(|data: &[u8]| {
    let (key, text) = match data {
        [p, f, rest @ ..] => ((p % 3, f & 63), String::from_utf8_lossy(rest)),
        _ => return,
    };
    TOKENIZERS.with_borrow_mut(|cache| {
        let tk = cache
            .entry(key)
            .or_insert_with(|| Tokenizer::new(options(key.0, key.1)));
        check(tk, &text);
    });
});

fn check(tk: &mut Tokenizer, text: &str) {
    // A dirty buffer must not leak into the result.
    let mut toks = Tokens::default();
    tk.tokenize_into("بقايا نص سابق 123 abc", &mut toks);
    tk.tokenize_into(text, &mut toks);
    assert_eq!(toks, tk.tokenize(text), "reused buffer differs");

    let mut prev: Option<athar::Span> = None;
    let mut norm_at = 0u32;
    for t in &toks.tokens {
        let s = t.span;
        assert!(s.start() < s.end(), "empty span {s:?}");
        assert!(s.end() <= text.len(), "span {s:?} past the end");
        assert!(
            text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()),
            "span {s:?} not on char boundaries"
        );
        if let Some(p) = prev {
            assert!(
                s == p || s.start() >= p.end(),
                "spans out of order: {p:?} then {s:?}"
            );
        }
        prev = Some(s);
        assert!(t.norm_start == norm_at, "normalized text not contiguous");
        assert!(t.norm_start < t.norm_end, "empty normalized token");
        assert!(t.norm_end as usize <= toks.normalized.len());
        assert!(toks.normalized.is_char_boundary(t.norm_end as usize));
        norm_at = t.norm_end;
    }
    assert_eq!(norm_at as usize, toks.normalized.len());

    // Idempotence: a normalized token is one token, itself.
    let mut again = Tokens::default();
    for i in 0..toks.len() {
        let w = toks.text(i);
        tk.tokenize_into(w, &mut again);
        assert_eq!(again.len(), 1, "token {w:?} re-tokenizes to {again:?}");
        assert_eq!(again.text(0), w, "token {w:?} is not normalized");
    }

    // Whole text = its raw segments tokenized one by one.
    let segments: Vec<athar::Span> = tk.segments(text).collect();
    let mut from_segments: Vec<(String, athar::Span)> = Vec::new();
    for seg in segments {
        assert!(text.is_char_boundary(seg.start()) && text.is_char_boundary(seg.end()));
        tk.tokenize_into(seg.slice(text), &mut again);
        for (w, s) in again.iter() {
            let shifted = athar::Span::new(s.start() + seg.start(), s.end() + seg.start());
            from_segments.push((w.to_string(), shifted));
        }
    }
    let whole: Vec<(String, athar::Span)> = toks.iter().map(|(w, s)| (w.to_string(), s)).collect();
    assert_eq!(whole, from_segments, "whole text differs from its segments");

    let mut end = 0;
    for s in sentences(text) {
        assert!(s.start() >= end && s.start() <= s.end() && s.end() <= text.len());
        assert!(text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()));
        end = s.end();
    }
}
