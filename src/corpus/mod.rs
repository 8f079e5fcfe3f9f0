//! Reading a corpus: folders of `.txt` files, single files, JSON Lines and
//! standard input. This is the only module that reads input.
//!
//! Every document read ends up either as a [`Document`] (to analyse) or as a
//! [`Skipped`] entry with a human-readable reason. One bad document never
//! stops the others.
//!
//! # Inputs
//!
//! * **A folder** is walked recursively (symbolic links followed, loops
//!   detected and reported), in sorted path order. Every `*.txt` file
//!   (extension case-insensitive) is one document whose id is its path
//!   relative to the folder without the extension, with `/` separators
//!   (`a.txt` → `a`, `sub/b.txt` → `sub/b`). Other files and hidden entries
//!   (names starting with `.`) are not read; one warning per folder counts
//!   them.
//! * **A file** is one plain-text document whose id is its file stem, whatever
//!   its extension, except `*.jsonl` and `*.ndjson` which are JSON Lines.
//!   [`ReadOptions::jsonl`] reads every named file as JSON Lines.
//! * **`-`** is standard input: JSON Lines with [`ReadOptions::jsonl`], or when
//!   its first non-blank line is a JSON object (`{...}`); otherwise one text
//!   document with id `stdin`.
//! * **JSON Lines**: one JSON object a line; the id and text are read from
//!   [`ReadOptions::id_field`] and [`ReadOptions::text_field`]. An id may be a
//!   string or a number; without one the document is named `path:line`. Blank
//!   lines are ignored. Files are read line by line with a reused buffer,
//!   never whole.
//!
//! [`Document::source`] is the path as given (relative paths stay relative),
//! or `path:line` for JSON Lines.
//!
//! # Ids
//!
//! Ids are unique. A repeated id gets a deterministic suffix in input order
//! (`x`, `x~2`, `x~3`, ...) and a warning naming both sources; documents are
//! never merged.
//!
//! # Encodings and byte offsets
//!
//! Byte offsets reported by athar index [`Document::text`]. For UTF-8 input
//! (the normal case) that is the file itself: a UTF-8 byte-order mark is kept
//! in the text (the tokenizer ignores U+FEFF) so that offsets equal file
//! offsets. Text that had to be converted — UTF-16 (recognised by its
//! byte-order mark, or by its pattern of NUL bytes), Windows-1256 with
//! [`ReadOptions::decode_cp1256`], bad bytes replaced with
//! [`ReadOptions::lossy`] — gets a warning, and its offsets index the
//! converted UTF-8 text.
//!
//! # Skip reasons
//!
//! A document is skipped, with a reason that says what to do, when it is
//! empty or only whitespace; binary (a NUL byte, mostly control bytes, or a
//! known compressed/document format); invalid UTF-8 (with the byte offset and
//! line); Windows-1256 or ISO-8859-6 Arabic (recognised, with the `iconv`
//! command to convert it); unreadable (permission denied, a broken symbolic link, not a
//! regular file); or, in JSON Lines, a malformed line (with the column and the
//! parser's message), a line that is not an object, or a text field that is
//! missing, null, not a string or empty. A JSON array file is skipped whole
//! with the `jq` command that converts it; a file whose first 20 non-blank
//! lines are all unusable (say, a CSV named `.jsonl`) is not read further.
//!
//! # Errors
//!
//! Only a path named by the user that does not exist at all is an error
//! ([`Error::MissingPath`]). When nothing at all can be analysed, [`load`]
//! and [`read_each`] still succeed; it is the pipeline that reports
//! [`Error::NothingToAnalyse`].
//!
//! # Streaming
//!
//! [`read_each`] hands items to a callback one at a time, so a large JSON
//! Lines file or a folder of 100,000 files is read with memory bounded by
//! the largest single document (plus one small entry per id, to keep ids
//! unique). [`load`] collects everything into a [`Corpus`].

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use ahash::AHashMap;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Error, Result};

mod decode;
mod jsonl;
mod stream;
mod walk;
mod warnings;

use decode::*;
use jsonl::*;
use walk::*;
use warnings::*;

/// A document to analyse: an id, where it came from, and its original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Unique id: the file stem of a named file, the path relative to the
    /// folder without `.txt` for a file found in a folder (`sub/b`), the
    /// JSON id field, or `path:line`. A repeated id gets a deterministic
    /// suffix in input order (`x~2`, `x~3`, ...) and a warning.
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
    /// Binary files are still skipped. Text recognised as Windows-1256 is still skipped (replacing every
    /// Arabic letter would leave nothing to analyse) unless
    /// [`ReadOptions::decode_cp1256`] is set.
    pub lossy: bool,
    /// Decode text that is not UTF-8 but looks like Windows-1256 (CP1256)
    /// Arabic, instead of skipping it. Text recognised as ISO-8859-6 (the
    /// other legacy Arabic encoding) is decoded too.
    pub decode_cp1256: bool,
    /// JSON fields holding metadata (outlet, date, title, url), read when a
    /// line has them into [`ReadSummary::metadata`] and [`Corpus::meta`].
    /// None by default: nothing is kept.
    pub meta_fields: MetaFields,
    /// Date a text file (not JSON Lines, not standard input) by its
    /// modification time, when asked: a file's time is when it was last
    /// written, which is a publication date only for some archives.
    pub date_from_mtime: bool,
}

/// Names of the JSON Lines fields that hold document metadata; `None`: not
/// read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetaFields {
    /// The outlet (source) that published the document.
    pub outlet: Option<String>,
    /// Its publication date or time, as written (ISO 8601 sorts).
    pub date: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its URL.
    pub url: Option<String>,
}

impl MetaFields {
    /// Whether any field is read.
    pub fn any(&self) -> bool {
        self.outlet.is_some() || self.date.is_some() || self.title.is_some() || self.url.is_some()
    }
}

/// What a document's JSON line said about it besides its id and text
/// ([`ReadOptions::meta_fields`]). Strings as written; numbers as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocMeta {
    /// The outlet that published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Its publication date or time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl DocMeta {
    /// No field at all.
    pub fn is_empty(&self) -> bool {
        *self == DocMeta::default()
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            jsonl: false,
            id_field: "id".to_string(),
            text_field: "text".to_string(),
            lossy: false,
            decode_cp1256: false,
            meta_fields: MetaFields::default(),
            date_from_mtime: false,
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
    /// Run-level notes (renamed duplicate ids, decoded or repaired text,
    /// ignored files, ...), in input order.
    pub warnings: Vec<String>,
    /// Metadata of the documents that have any, by id
    /// ([`ReadOptions::meta_fields`]).
    pub meta: std::collections::BTreeMap<String, DocMeta>,
}

/// How to interpret a stream given to [`CorpusReader::read_reader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// The whole stream is one text document.
    Text,
    /// One JSON object a line.
    JsonLines,
    /// JSON Lines if the first non-blank line is a JSON object (`{...}`),
    /// otherwise one text document. Used for standard input.
    Detect,
}

/// Totals of one read, returned by [`read_each`] and
/// [`CorpusReader::finish`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Documents handed out as [`Item::Document`].
    pub documents: usize,
    /// Documents handed out as [`Item::Skipped`].
    pub skipped: usize,
    /// Documents whose text was converted: decoded from UTF-16 or
    /// Windows-1256, or with invalid bytes replaced.
    pub converted: usize,
    /// Documents whose id was renamed because it was already taken.
    pub renamed: usize,
    /// Entries in folders that were not read (not `.txt`, or hidden).
    pub ignored: usize,
    /// Total bytes of document text handed out.
    pub text_bytes: u64,
    /// Run-level notes, in input order. Each kind is capped at
    /// [`WARNINGS_PER_KIND`] messages, followed by a count of the rest.
    pub warnings: Vec<String>,
    /// `(id, metadata)` of the documents whose line had metadata fields
    /// ([`ReadOptions::meta_fields`]), in input order.
    pub metadata: Vec<(String, DocMeta)>,
}

/// A JSON Lines input whose first this-many non-blank lines are all unusable
/// (not JSON objects, or not text) is not read further.
const GIVE_UP_AFTER: u64 = 20;

/// At most this many warnings of one kind (e.g. renamed ids) are listed;
/// the rest are counted in one closing line.
pub const WARNINGS_PER_KIND: usize = 50;

/// Read all inputs into memory. A missing path is an error; bad documents
/// are skipped with a reason. This is [`read_each`] collected.
///
/// When every document is skipped (or there are none) this still returns
/// `Ok`; the pipeline reports [`Error::NothingToAnalyse`].
pub fn load(paths: &[PathBuf], opts: &ReadOptions) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    let summary = read_each(paths, opts, &mut |item| match item {
        Item::Document(d) => corpus.documents.push(d),
        Item::Skipped(s) => corpus.skipped.push(s),
    })?;
    corpus.warnings = summary.warnings;
    corpus.meta = summary.metadata.into_iter().collect();
    Ok(corpus)
}

/// Read all inputs in order and hand each item to `sink` as soon as it is
/// read: memory stays bounded by the largest single document.
///
/// `-` reads standard input. A path that does not exist is
/// [`Error::MissingPath`], returned before anything is read from it (items
/// of earlier paths have already been handed out).
///
/// # Example
///
/// ```
/// use athar::corpus::{read_each, Item, ReadOptions};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "قال الوزير")?;
/// std::fs::write(dir.path().join("b.txt"), "")?;
/// let mut ids = Vec::new();
/// let summary = read_each(&[dir.path().to_path_buf()], &ReadOptions::default(), &mut |item| {
///     match item {
///         Item::Document(doc) => ids.push(doc.id), // analyse it here
///         Item::Skipped(s) => assert_eq!(s.reason, "empty file"),
///     }
/// })?;
/// assert_eq!(ids, ["a"]);
/// assert_eq!((summary.documents, summary.skipped), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_each(
    paths: &[PathBuf],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<ReadSummary> {
    let mut reader = CorpusReader::new(opts);
    for path in paths {
        reader.read_path(path, sink)?;
    }
    Ok(reader.finish())
}

/// Read one stream (standard input, a socket, an in-memory buffer) named
/// `name`, as [`CorpusReader::read_reader`] does, and return its summary.
///
/// # Example
///
/// ```
/// use athar::corpus::{read_reader, InputFormat, Item, ReadOptions};
///
/// let input = "{\"id\": \"a\", \"text\": \"نص\"}\n\n{\"id\": \"b\", \"text\": 3}\n";
/// let mut items = Vec::new();
/// let opts = ReadOptions::default();
/// let summary = read_reader("-", &mut input.as_bytes(), InputFormat::Detect, &opts, &mut |i| {
///     items.push(i)
/// });
/// assert_eq!(summary.documents, 1);
/// assert!(matches!(&items[0], Item::Document(d) if d.source == "-:1"));
/// assert!(matches!(&items[1], Item::Skipped(s)
///     if s.source == "-:3" && s.reason == "field \"text\" is a number, not a string"));
/// ```
pub fn read_reader(
    name: &str,
    reader: &mut dyn Read,
    format: InputFormat,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> ReadSummary {
    let mut r = CorpusReader::new(opts);
    r.read_reader(name, reader, format, sink);
    r.finish()
}

/// A reader of several inputs that keeps ids unique across all of them.
///
/// [`read_each`] is the usual entry point; use this type to mix paths and
/// streams.
pub struct CorpusReader<'o> {
    opts: &'o ReadOptions,
    /// Every id handed out, with the source that first used it and the next
    /// suffix to try.
    ids: AHashMap<Box<str>, SeenId>,
    warnings: Warnings,
    summary: ReadSummary,
}

struct SeenId {
    first: Box<str>,
    next: u64,
}

impl fmt::Debug for CorpusReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorpusReader")
            .field("opts", &self.opts)
            .field("ids", &self.ids.len())
            .field("summary", &self.summary)
            .finish()
    }
}

impl<'o> CorpusReader<'o> {
    /// A reader with no ids taken yet.
    pub fn new(opts: &'o ReadOptions) -> Self {
        CorpusReader {
            opts,
            ids: AHashMap::new(),
            warnings: Warnings::default(),
            summary: ReadSummary::default(),
        }
    }

    /// Read one path named by the user: `-` (standard input), a folder, a
    /// JSON Lines file or a text file.
    ///
    /// Only a path that does not exist at all is an error
    /// ([`Error::MissingPath`]); anything else wrong becomes an
    /// [`Item::Skipped`] or a warning.
    pub fn read_path(&mut self, path: &Path, sink: &mut dyn FnMut(Item)) -> Result<()> {
        if path.as_os_str() == "-" {
            let format = if self.opts.jsonl {
                InputFormat::JsonLines
            } else {
                InputFormat::Detect
            };
            let stdin = io::stdin();
            let mut lock = stdin.lock();
            self.read_reader("-", &mut lock, format, sink);
            return Ok(());
        }
        let name = path.display().to_string();
        let id = stem(path);
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(path).is_ok() {
                    self.skip(id, name, 0, broken_link_reason(path), sink);
                    return Ok(());
                }
                return Err(Error::MissingPath {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => {
                self.skip(id, name, 0, open_reason(&e), sink);
                return Ok(());
            }
        };
        if meta.is_dir() {
            self.read_dir(path, sink);
        } else if self.opts.jsonl || is_jsonl_name(path) {
            match File::open(path) {
                Ok(mut file) => {
                    self.read_stream(&name, &id, &mut file, InputFormat::JsonLines, sink)
                }
                Err(e) => self.skip(id, name, 0, open_reason(&e), sink),
            }
        } else {
            // Not only regular files: `<(zcat x.gz)` names a pipe.
            self.read_text_file(path, id, name, sink);
        }
        Ok(())
    }

    /// Read a stream named `name` (used as the source, and as `name:line`
    /// for JSON Lines). A text document read this way has id `stdin` when
    /// the name is `-`, else the stem of `name`.
    ///
    /// Read errors are not fatal: what was read so far is kept and the rest
    /// is reported as skipped.
    pub fn read_reader(
        &mut self,
        name: &str,
        reader: &mut dyn Read,
        format: InputFormat,
        sink: &mut dyn FnMut(Item),
    ) {
        let id = if name == "-" {
            "stdin".to_string()
        } else {
            stem(Path::new(name))
        };
        self.read_stream(name, &id, reader, format, sink);
    }

    /// The totals and the warnings, in input order.
    pub fn finish(mut self) -> ReadSummary {
        self.summary.warnings = self.warnings.finish();
        self.summary
    }

    // ----- output: every item handed out goes through these --------------

    fn skip(
        &mut self,
        id: String,
        source: String,
        bytes: u64,
        reason: String,
        sink: &mut dyn FnMut(Item),
    ) {
        self.summary.skipped += 1;
        sink(Item::Skipped(Skipped {
            id,
            source,
            bytes,
            reason,
        }));
    }

    fn document(
        &mut self,
        id: String,
        source: String,
        text: String,
        note: Option<String>,
        meta: Option<DocMeta>,
        sink: &mut dyn FnMut(Item),
    ) {
        if let Some(note) = note {
            self.summary.converted += 1;
            let s = source.clone();
            self.warnings
                .push(Kind::Converted, || format!("{s}: {note}"));
        }
        let id = self.unique_id(id, &source);
        self.summary.documents += 1;
        self.summary.text_bytes += text.len() as u64;
        if let Some(meta) = meta {
            self.summary.metadata.push((id.clone(), meta));
        }
        sink(Item::Document(Document { id, source, text }));
    }

    fn unique_id(&mut self, id: String, source: &str) -> String {
        let Some(seen) = self.ids.get_mut(id.as_str()) else {
            self.ids.insert(
                id.clone().into_boxed_str(),
                SeenId {
                    first: source.into(),
                    next: 2,
                },
            );
            return id;
        };
        let first = seen.first.clone();
        let mut n = seen.next;
        let renamed = loop {
            let candidate = format!("{id}~{n}");
            n += 1;
            if !self.ids.contains_key(candidate.as_str()) {
                break candidate;
            }
        };
        if let Some(seen) = self.ids.get_mut(id.as_str()) {
            seen.next = n;
        }
        self.ids.insert(
            renamed.clone().into_boxed_str(),
            SeenId {
                first: source.into(),
                next: 2,
            },
        );
        self.summary.renamed += 1;
        let r = renamed.clone();
        self.warnings.push(Kind::Duplicate, || {
            format!("duplicate id \"{id}\": {source} renamed to \"{r}\" (\"{id}\" is {first})")
        });
        renamed
    }
}

/// Whitespace, byte-order marks and invisible format characters only.
fn is_blank_str(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200F}' | '\u{2060}')
    })
}

fn is_blank_bytes(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}
