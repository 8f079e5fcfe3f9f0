//! Text: from an original string to normalized tokens with byte spans.
//!
//! [`normalize`] folds Arabic per the reference pipeline; [`tokenize`] cuts
//! the original text into raw segments and normalizes each, so every token
//! keeps the span of the original it came from; [`sentences`] finds sentence
//! boundaries; [`stem`] holds the light10 stemmer and the stop words the
//! content-word stages use.

pub mod normalize;
pub mod sentences;
pub mod stem;
pub mod tokenize;
