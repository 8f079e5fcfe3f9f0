//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod narrative;
#[path = "../../fuzz/report_invariants.rs"]
pub mod report_invariants;
pub mod report_sample;

use std::path::{Path, PathBuf};

/// A file or folder of the project's shared evaluation data, which lives
/// beside the repository (`../shared`, not committed: third-party data).
///
/// # Panics
///
/// When it is missing, with a message that says what the test needs: a test
/// that needs the data fails rather than passing without it. Tests that may
/// be run without the data are marked `#[ignore]` with the reason.
pub fn shared(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let path = root.join(rel);
    assert!(
        path.exists(),
        "this test needs {} (the project's shared evaluation data, kept beside the \
         repository as ../shared and not committed); it is missing",
        path.display()
    );
    path
}

/// A corpus of `texts`, with ids `d0`, `d1`, … and sources `d0.txt`, ….
pub fn corpus_of(texts: &[&str]) -> athar::corpus::Corpus {
    athar::corpus::Corpus {
        documents: texts
            .iter()
            .enumerate()
            .map(|(i, t)| athar::corpus::Document {
                id: format!("d{i}"),
                source: format!("d{i}.txt"),
                text: t.to_string(),
            })
            .collect(),
        ..Default::default()
    }
}
