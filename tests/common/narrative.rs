//! Narrative inputs from plain texts, and the texts of a folder; shared
//! between `tests/it/narrative.rs` and `examples/narrative.rs` (by `#[path]`).

use std::path::Path;

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
            formula: &[],
        })
        .collect()
}

/// The texts of the `.txt` files of `dir`, in file-name order.
pub fn txt_files(dir: &Path) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}
