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
mod walk;

use decode::*;
use jsonl::*;
use walk::*;

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

    // ----- folders -------------------------------------------------------

    fn read_text_file(
        &mut self,
        path: &Path,
        id: String,
        source: String,
        sink: &mut dyn FnMut(Item),
    ) {
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) => return self.skip(id, source, 0, open_reason(&e), sink),
        };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
        if let Err(e) = file.read_to_end(&mut bytes) {
            let n = bytes.len() as u64;
            return self.skip(id, source, n, format!("cannot read: {e}"), sink);
        }
        self.text_document(id, source, bytes, true, sink);
    }

    /// Decide what a whole text (file or stream) is, and hand it out.
    fn text_document(
        &mut self,
        id: String,
        source: String,
        bytes: Vec<u8>,
        hint_jsonl: bool,
        sink: &mut dyn FnMut(Item),
    ) {
        let n = bytes.len() as u64;
        match decode_text(bytes, self.opts) {
            Err(reason) => self.skip(id, source, n, reason, sink),
            Ok((text, note)) => {
                if is_blank_str(&text) {
                    let reason = if n == 0 {
                        "empty file"
                    } else {
                        "only whitespace"
                    };
                    return self.skip(id, source, n, reason.to_string(), sink);
                }
                if hint_jsonl && looks_like_json_object(first_content_line(text.as_bytes())) {
                    let s = source.clone();
                    self.warnings.push(Kind::Hint, || {
                        format!(
                            "{s}: looks like JSON Lines but was read as one text document; \
                             name it *.jsonl or pass --jsonl"
                        )
                    });
                }
                self.document(id, source, text, note, None, sink);
            }
        }
    }

    // ----- streams and JSON Lines ----------------------------------------

    fn read_stream(
        &mut self,
        name: &str,
        id: &str,
        reader: &mut dyn Read,
        format: InputFormat,
        sink: &mut dyn FnMut(Item),
    ) {
        let mut buffered = BufReader::with_capacity(1 << 16, reader);
        if format == InputFormat::Text {
            let mut bytes = Vec::new();
            if let Err(e) = buffered.read_to_end(&mut bytes) {
                let n = bytes.len() as u64;
                return self.skip(
                    id.to_string(),
                    name.to_string(),
                    n,
                    format!("cannot read: {e}"),
                    sink,
                );
            }
            return self.text_document(id.to_string(), name.to_string(), bytes, false, sink);
        }
        // Look at the head of the stream: a byte-order mark, or binary data.
        let head = buffered.fill_buf().map(<[u8]>::to_vec).unwrap_or_default();
        let utf16 = match head.as_slice() {
            [0xFF, 0xFE, ..] => Some(UTF_16LE),
            [0xFE, 0xFF, ..] => Some(UTF_16BE),
            _ => None,
        };
        if utf16.is_none() {
            if let Some(reason) = binary_reason(&head) {
                return self.skip(
                    id.to_string(),
                    name.to_string(),
                    head.len() as u64,
                    reason,
                    sink,
                );
            }
        }
        let mut lines: Box<dyn BufRead + '_> = match utf16 {
            Some(_) => Box::new(BufReader::with_capacity(
                1 << 16,
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .strip_bom(true)
                    .build(buffered),
            )),
            None => Box::new(buffered),
        };
        self.read_lines(
            name,
            id,
            &mut *lines,
            format == InputFormat::Detect,
            utf16,
            sink,
        );
    }

    fn read_lines(
        &mut self,
        name: &str,
        id: &str,
        reader: &mut dyn BufRead,
        detect: bool,
        utf16: Option<&'static Encoding>,
        sink: &mut dyn FnMut(Item),
    ) {
        let mut buf = Vec::new();
        let mut prefix = Vec::new();
        let mut line_no = 0u64;
        let mut total = 0u64;
        let mut content = false;
        let mut tally = JsonTally::default();
        // Non-blank lines waiting to be parsed (in parallel), and their size.
        let mut batch: Vec<PendingLine> = Vec::new();
        let mut batch_bytes = 0usize;
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => total += n as u64,
                Err(e) => {
                    let at = format!("{name}:{}", line_no + 1);
                    let reason = format!("cannot read: {e}; the rest of {name} was not read");
                    return self.skip(at.clone(), at, buf.len() as u64, reason, sink);
                }
            }
            line_no += 1;
            let line = trim_line(&buf);
            if is_blank_bytes(line) {
                if detect && !content {
                    prefix.extend_from_slice(&buf);
                }
                continue;
            }
            if !content {
                content = true;
                if let Some(enc) = utf16 {
                    let name = name.to_string();
                    self.warnings.push(Kind::Converted, || {
                        format!(
                            "{name}: decoded from {}; byte offsets index the UTF-8 text",
                            enc.name()
                        )
                    });
                }
                if detect && !looks_like_json_object(line) {
                    if utf16.is_some() {
                        self.summary.converted += 1;
                    }
                    prefix.extend_from_slice(&buf);
                    if let Err(e) = reader.read_to_end(&mut prefix) {
                        let n = prefix.len() as u64;
                        let reason = format!("cannot read: {e}");
                        return self.skip(id.to_string(), name.to_string(), n, reason, sink);
                    }
                    return self.text_document(
                        id.to_string(),
                        name.to_string(),
                        prefix,
                        false,
                        sink,
                    );
                }
                if line.first() == Some(&b'[') {
                    let reason = format!(
                        "a JSON array, not JSON Lines (one object a line); convert it with: \
                         jq -c '.[]' {name} > {id}.jsonl"
                    );
                    return self.skip(id.to_string(), name.to_string(), total, reason, sink);
                }
            }
            batch_bytes += line.len();
            batch.push(PendingLine {
                line_no,
                raw: line.to_vec(),
                bytes: buf.len() as u64,
                total,
            });
            if batch_bytes >= JSON_BATCH_BYTES {
                batch_bytes = 0;
                if let Some(total) = self.json_batch(name, &mut batch, utf16, &mut tally, sink) {
                    return self.give_up(id, name, total, sink);
                }
            }
        }
        if let Some(total) = self.json_batch(name, &mut batch, utf16, &mut tally, sink) {
            return self.give_up(id, name, total, sink);
        }
        let missing_ids = tally.missing_ids;
        if !content {
            if detect {
                return self.text_document(id.to_string(), name.to_string(), prefix, false, sink);
            }
            let reason = if total == 0 {
                "empty file (no JSON lines)"
            } else {
                "only blank lines (no JSON lines)"
            };
            return self.skip(
                id.to_string(),
                name.to_string(),
                total,
                reason.to_string(),
                sink,
            );
        }
        if missing_ids > 0 {
            let field = &self.opts.id_field;
            let name = name.to_string();
            self.warnings.push(Kind::JsonId, || {
                format!(
                    "{name}: {missing_ids} line(s) have no usable \"{field}\" field and are named \
                     {name}:LINE (choose the id field with --id-field)"
                )
            });
        }
    }

    /// Parses the lines of `batch` in parallel and hands them out in order.
    /// Returns `Some(total)` (the bytes read up to that line) when the input
    /// should be given up as not JSON Lines at all: [`GIVE_UP_AFTER`] lines
    /// failed before any was a JSON object.
    fn json_batch(
        &mut self,
        name: &str,
        batch: &mut Vec<PendingLine>,
        utf16: Option<&'static Encoding>,
        tally: &mut JsonTally,
        sink: &mut dyn FnMut(Item),
    ) -> Option<u64> {
        let opts = self.opts;
        // Lines are borrowed, so that they are freed on the thread that
        // read them (a free from another thread is slower in glibc).
        let parsed: Vec<(JsonLine, u64)> = batch
            .par_iter()
            .map(|p| {
                let source = format!("{name}:{}", p.line_no);
                (parse_json_line(opts, source, &p.raw, p.bytes), p.total)
            })
            .collect();
        batch.clear();
        for (line, total) in parsed {
            let before = self.summary.documents;
            match self.apply_json_line(line, sink) {
                Some(missing) => {
                    tally.objects += 1;
                    tally.missing_ids += u64::from(missing);
                }
                None if tally.objects == 0 => {
                    tally.failures += 1;
                    if tally.failures == GIVE_UP_AFTER {
                        return Some(total);
                    }
                }
                None => {}
            }
            if utf16.is_some() && self.summary.documents > before {
                self.summary.converted += 1;
            }
        }
        None
    }

    /// Skips the rest of `name`: its first lines were no JSON objects.
    fn give_up(&mut self, id: &str, name: &str, total: u64, sink: &mut dyn FnMut(Item)) {
        let reason = format!(
            "stopped reading: none of the first {GIVE_UP_AFTER} lines is a JSON object (see the \
             lines skipped before); is this really JSON Lines?"
        );
        self.skip(id.to_string(), name.to_string(), total, reason, sink);
    }

    /// Hands out what [`parse_json_line`] made of a line. Returns `None`
    /// when it was not a JSON object (or not text at all), else whether it
    /// had no usable id.
    fn apply_json_line(&mut self, line: JsonLine, sink: &mut dyn FnMut(Item)) -> Option<bool> {
        match line.outcome {
            Ok((id, text, note)) => self.document(id, line.source, text, note, line.meta, sink),
            Err((id, reason)) => self.skip(id, line.source, line.bytes, reason, sink),
        }
        line.missing_id
    }

    // ----- output --------------------------------------------------------

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

// ----- warnings ----------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Duplicate,
    Converted,
    Folder,
    JsonId,
    Hint,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Duplicate,
        Kind::Converted,
        Kind::Folder,
        Kind::JsonId,
        Kind::Hint,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Duplicate => "renamed duplicate id(s)",
            Kind::Converted => "decoded or repaired document(s)",
            Kind::Folder => "folder warning(s)",
            Kind::JsonId => "JSON Lines id warning(s)",
            Kind::Hint => "JSON Lines hint(s)",
        }
    }
}

#[derive(Default)]
struct Warnings {
    list: Vec<String>,
    counts: [usize; 5],
}

impl Warnings {
    fn push(&mut self, kind: Kind, message: impl FnOnce() -> String) {
        let count = &mut self.counts[kind as usize];
        *count += 1;
        if *count <= WARNINGS_PER_KIND {
            self.list.push(message());
        }
    }

    fn finish(mut self) -> Vec<String> {
        for kind in Kind::ALL {
            let count = self.counts[kind as usize];
            if count > WARNINGS_PER_KIND {
                self.list.push(format!(
                    "... and {} more {}",
                    count - WARNINGS_PER_KIND,
                    kind.label()
                ));
            }
        }
        self.list
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
