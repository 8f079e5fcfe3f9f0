//! Narrative inputs from plain texts, shared (by `#[path]`) between
//! `tests/narrative.rs` and `examples/narrative.rs`.

use athar::Span;
use athar::narrative::NarrativeDoc;
use athar::text::sentences::sentences;

/// Sentences of each text.
pub fn prep(texts: &[String]) -> Vec<Vec<Span>> {
    texts.iter().map(|t| sentences(t)).collect()
}

/// The narrative documents of `texts`, with their sentences `p`.
pub fn docs<'a>(texts: &'a [String], p: &'a [Vec<Span>]) -> Vec<NarrativeDoc<'a>> {
    texts
        .iter()
        .zip(p)
        .map(|(t, s)| NarrativeDoc {
            text: t,
            sentences: s,
        })
        .collect()
}
