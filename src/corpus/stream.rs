//! Whole texts and streams: a text file or stream decided whole (decoded,
//! blank, or a hint that it is JSON Lines), and streams read line by line as
//! JSON Lines, parsed in parallel batches and handed out in input order.

use super::*;

/// `read_lines` reads into a buffer that grows up to this size (twice a
/// batch, so that a batch is usually parsed before the buffer is full).
const BLOCK_BYTES: usize = 2 * JSON_BATCH_BYTES;

/// A stream read line by line: its name (the source), the id of the text
/// document it may turn out to be, whether it may be one (`detect`), and the
/// encoding it was decoded from.
struct LineStream<'n> {
    name: &'n str,
    id: &'n str,
    detect: bool,
    utf16: Option<&'static Encoding>,
}

impl CorpusReader<'_> {
    pub(super) fn read_text_file(
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
        let meta = if self.opts.date_from_mtime {
            file_date(&file)
        } else {
            None
        };
        self.text_document(id, source, bytes, true, meta, sink);
    }

    /// Decide what a whole text (file or stream) is, and hand it out.
    fn text_document(
        &mut self,
        id: String,
        source: String,
        bytes: Vec<u8>,
        hint_jsonl: bool,
        meta: Option<DocMeta>,
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
                self.document(id, source, text, note, meta, sink);
            }
        }
    }

    pub(super) fn read_stream(
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
            return self.text_document(id.to_string(), name.to_string(), bytes, false, None, sink);
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

    /// Reads JSON Lines from `reader` (already decoded to UTF-8): blank lines
    /// skipped, the others parsed in parallel batches of
    /// [`JSON_BATCH_BYTES`]. With `detect`, a stream whose first non-blank
    /// line is no JSON object is one text document.
    fn read_lines(
        &mut self,
        name: &str,
        id: &str,
        reader: &mut dyn BufRead,
        detect: bool,
        utf16: Option<&'static Encoding>,
        sink: &mut dyn FnMut(Item),
    ) {
        let s = LineStream {
            name,
            id,
            detect,
            utf16,
        };
        // The input is read in large pieces into `block`, and lines are cut
        // there: a line is neither copied nor allocated on its own. The
        // lines of the batch are `block[..scan]`, the bytes read ahead
        // `block[scan..filled]`.
        let mut block: Vec<u8> = vec![0; 1 << 16];
        let (mut scan, mut filled, mut eof) = (0usize, 0usize, false);
        // With `detect`, the blank lines before the first content line: the
        // start of the text if it turns out to be one.
        let mut prefix = Vec::new();
        let mut line_no = 0u64;
        let mut total = 0u64;
        let mut content = false;
        let mut tally = JsonTally::default();
        // Non-blank lines waiting to be parsed (in parallel), and their size.
        let mut batch: Vec<PendingLine> = Vec::new();
        let mut batch_bytes = 0usize;
        loop {
            // The next line, `block[at..end]`, with its line break if any.
            let end = loop {
                if let Some(p) = memchr::memchr(b'\n', &block[scan..filled]) {
                    break scan + p + 1;
                }
                if eof {
                    break filled;
                }
                if filled == block.len() {
                    if block.len() < BLOCK_BYTES {
                        block.resize(block.len() * 2, 0);
                    } else {
                        // Parse the batch, then move the unfinished line to
                        // the front (or make room for a very long line).
                        let done =
                            self.json_batch(name, &block, &mut batch, utf16, &mut tally, sink);
                        batch_bytes = 0;
                        if let Some(total) = done {
                            return self.give_up(id, name, total, sink);
                        }
                        block.copy_within(scan..filled, 0);
                        (filled, scan) = (filled - scan, 0);
                        if filled == block.len() {
                            block.resize(block.len() * 2, 0);
                        }
                    }
                }
                match reader.read(&mut block[filled..]) {
                    Ok(0) => eof = true,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let at_line = format!("{name}:{}", line_no + 1);
                        let reason = format!("cannot read: {e}; the rest of {name} was not read");
                        let n = (filled - scan) as u64;
                        return self.skip(at_line.clone(), at_line, n, reason, sink);
                    }
                }
            };
            if end == scan {
                break;
            }
            let at = scan;
            scan = end;
            total += (end - at) as u64;
            line_no += 1;
            let buf = &block[at..end];
            let line = trim_line(buf);
            if is_blank_bytes(line) {
                if detect && !content {
                    prefix.extend_from_slice(buf);
                }
                continue;
            }
            if !content {
                content = true;
                self.warn_decoded(&s);
                if detect && !looks_like_json_object(line) {
                    // This line, what was read after it, and the rest.
                    prefix.extend_from_slice(&block[at..filled]);
                    return self.rest_as_text(&s, reader, prefix, sink);
                }
                if line.first() == Some(&b'[') {
                    return self.json_array(&s, total, sink);
                }
            }
            batch_bytes += line.len();
            let start = at + (line.as_ptr() as usize - buf.as_ptr() as usize);
            batch.push(PendingLine {
                line_no,
                raw: start..start + line.len(),
                bytes: buf.len() as u64,
                total,
            });
            if batch_bytes >= JSON_BATCH_BYTES {
                batch_bytes = 0;
                if let Some(total) =
                    self.json_batch(name, &block, &mut batch, utf16, &mut tally, sink)
                {
                    return self.give_up(id, name, total, sink);
                }
            }
        }
        if let Some(total) = self.json_batch(name, &block, &mut batch, utf16, &mut tally, sink) {
            return self.give_up(id, name, total, sink);
        }
        if !content {
            return self.no_json_lines(&s, total, prefix, sink);
        }
        self.warn_missing_ids(name, tally.missing_ids);
    }

    /// The first content line of a UTF-16 stream: say it was decoded.
    fn warn_decoded(&mut self, s: &LineStream<'_>) {
        if let Some(enc) = s.utf16 {
            let name = s.name.to_string();
            self.warnings.push(Kind::Converted, || {
                format!(
                    "{name}: decoded from {}; byte offsets index the UTF-8 text",
                    enc.name()
                )
            });
        }
    }

    /// A detected stream whose first content line is no JSON object: it is
    /// one text document, `head` (the lines read so far) and the rest.
    fn rest_as_text(
        &mut self,
        s: &LineStream<'_>,
        reader: &mut dyn BufRead,
        mut head: Vec<u8>,
        sink: &mut dyn FnMut(Item),
    ) {
        if s.utf16.is_some() {
            self.summary.converted += 1;
        }
        let (id, name) = (s.id.to_string(), s.name.to_string());
        if let Err(e) = reader.read_to_end(&mut head) {
            let n = head.len() as u64;
            return self.skip(id, name, n, format!("cannot read: {e}"), sink);
        }
        self.text_document(id, name, head, false, None, sink);
    }

    /// A stream whose first content line opens a JSON array is skipped whole,
    /// with the command that converts it.
    fn json_array(&mut self, s: &LineStream<'_>, total: u64, sink: &mut dyn FnMut(Item)) {
        let (id, name) = (s.id, s.name);
        let reason = format!(
            "a JSON array, not JSON Lines (one object a line); convert it with: \
             jq -c '.[]' {name} > {id}.jsonl"
        );
        self.skip(id.to_string(), name.to_string(), total, reason, sink);
    }

    /// A stream with no content line: an empty text when detected (`blank`
    /// is what it held), else skipped.
    fn no_json_lines(
        &mut self,
        s: &LineStream<'_>,
        total: u64,
        blank: Vec<u8>,
        sink: &mut dyn FnMut(Item),
    ) {
        let (id, name) = (s.id.to_string(), s.name.to_string());
        if s.detect {
            return self.text_document(id, name, blank, false, None, sink);
        }
        let reason = if total == 0 {
            "empty file (no JSON lines)"
        } else {
            "only blank lines (no JSON lines)"
        };
        self.skip(id, name, total, reason.to_string(), sink);
    }

    /// One warning for the lines of `name` that had no usable id.
    fn warn_missing_ids(&mut self, name: &str, missing_ids: u64) {
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
        block: &[u8],
        batch: &mut Vec<PendingLine>,
        utf16: Option<&'static Encoding>,
        tally: &mut JsonTally,
        sink: &mut dyn FnMut(Item),
    ) -> Option<u64> {
        let opts = self.opts;
        // Lines are borrowed from `block`, which the reading thread reuses.
        let parsed: Vec<(JsonLine, u64)> = batch
            .par_iter()
            .map(|p| {
                let source = format!("{name}:{}", p.line_no);
                let raw = &block[p.raw.clone()];
                (parse_json_line(opts, source, raw, p.bytes), p.total)
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
}

/// The modification time of `file` as a date (`2015-07-23T02:51:00Z`), or
/// `None` when the system does not give one.
fn file_date(file: &File) -> Option<DocMeta> {
    let modified = file.metadata().and_then(|m| m.modified()).ok()?;
    let t = jiff::Timestamp::try_from(modified).ok()?;
    Some(DocMeta {
        date: Some(t.to_string()),
        ..DocMeta::default()
    })
}
