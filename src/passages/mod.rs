//! Passages: spans of two original texts that carry the same text.
//!
//! [`align`] finds verbatim passages between two documents (seed on shared
//! shingles, chain, extend) and repeats inside one.

pub mod align;
