//! Passages: spans of two original texts that carry the same text.
//!
//! [`align`] finds verbatim passages between two documents (seed on shared
//! shingles, chain, extend) and repeats inside one. [`reworded`] joins them
//! with reworded evidence (content-word windows and rare-word anchors over
//! light10 stems, see [`content`]) into whole passages: seed → extend →
//! filter, one passage per reuse case whether it was copied, reordered or
//! reworded.

pub mod align;
pub mod content;
pub mod reworded;
