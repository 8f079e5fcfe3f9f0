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

use athar::text::tokenize::Tokenizer;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::collections::HashMap;

#[path = "../checks.rs"]
mod checks;

thread_local! {
    /// One tokenizer per options (building one costs more than a short input).
    static TOKENIZERS: RefCell<HashMap<(u8, u8), Tokenizer>> = RefCell::new(HashMap::new());
}

fuzz_target!(|data: &[u8]| {
    let (key, text) = match data {
        [p, f, rest @ ..] => ((p % 3, f & 63), String::from_utf8_lossy(rest)),
        _ => return,
    };
    TOKENIZERS.with_borrow_mut(|cache| {
        let tk = cache
            .entry(key)
            .or_insert_with(|| Tokenizer::new(checks::options(key.0, key.1)));
        checks::check_tokenize(tk, &text);
    });
});
