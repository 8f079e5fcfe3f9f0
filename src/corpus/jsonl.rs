//! JSON Lines: one object a line; the id and text fields are pulled out
//! without allocating the others, and lines are parsed in parallel batches.

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::*;

/// Pulls the id and text fields out of one JSON object, skipping the others
/// without allocating them.
pub(super) struct LineSeed<'a> {
    pub(super) id_field: &'a str,
    pub(super) text_field: &'a str,
    pub(super) meta: &'a MetaFields,
}

#[derive(Default)]
pub(super) struct LineFields {
    pub(super) id: Option<Value>,
    pub(super) text: Option<Value>,
    pub(super) keys: KeyList,
    pub(super) meta: DocMeta,
}

/// The first few keys of an object, to say which fields a line has.
#[derive(Default)]
pub(super) struct KeyList {
    pub(super) first: Vec<String>,
    pub(super) count: usize,
}

impl KeyList {
    const SHOWN: usize = 8;

    fn add(&mut self, key: &str) {
        if self.first.len() < Self::SHOWN {
            self.first.push(key.to_string());
        }
        self.count += 1;
    }

    fn describe(&self) -> String {
        if self.count == 0 {
            return "none".to_string();
        }
        let mut s = self.first.join(", ");
        if self.count > self.first.len() {
            s.push_str(&format!(", ... ({} in all)", self.count));
        }
        s
    }
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_> {
    type Value = LineFields;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<LineFields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = LineFields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<LineFields, A::Error> {
        let mut fields = LineFields::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            fields.keys.add(&key);
            if key == self.text_field {
                fields.text = Some(map.next_value()?);
            } else if key == self.id_field {
                fields.id = Some(map.next_value()?);
            } else if let Some(slot) = meta_slot(self.meta, &mut fields.meta, &key) {
                *slot = match map.next_value::<Value>()? {
                    Value::String(v) if !v.is_empty() => Some(v),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(fields)
    }
}

/// Where the value of JSON field `key` goes in `meta`, when it is one of
/// the metadata `fields`.
fn meta_slot<'m>(
    fields: &MetaFields,
    meta: &'m mut DocMeta,
    key: &str,
) -> Option<&'m mut Option<String>> {
    let is = |f: &Option<String>| f.as_deref() == Some(key);
    if is(&fields.outlet) {
        Some(&mut meta.outlet)
    } else if is(&fields.date) {
        Some(&mut meta.date)
    } else if is(&fields.title) {
        Some(&mut meta.title)
    } else if is(&fields.url) {
        Some(&mut meta.url)
    } else {
        None
    }
}

/// JSON lines are parsed in parallel batches of about this many bytes.
pub(super) const JSON_BATCH_BYTES: usize = 4 << 20;

/// A non-blank JSON line read but not parsed yet.
pub(super) struct PendingLine {
    pub(super) line_no: u64,
    /// The line without its line break.
    pub(super) raw: Vec<u8>,
    /// Bytes of the line with its line break.
    pub(super) bytes: u64,
    /// Bytes of the input read up to and including this line.
    pub(super) total: u64,
}

/// Counts kept over the lines of one JSON Lines input.
#[derive(Default)]
pub(super) struct JsonTally {
    /// Lines that were JSON objects.
    pub(super) objects: u64,
    /// Lines that failed before any was a JSON object.
    pub(super) failures: u64,
    /// Objects without a usable id.
    pub(super) missing_ids: u64,
}

/// What one non-blank JSON line holds, worked out without touching the
/// reader's state (so that lines can be parsed in parallel).
pub(super) struct JsonLine {
    /// `name:line`.
    pub(super) source: String,
    /// Bytes of the line.
    pub(super) bytes: u64,
    /// `None` when the line is not a JSON object; else whether it had no
    /// usable id (it is then named by its source).
    pub(super) missing_id: Option<bool>,
    /// `(id, text, conversion note)` of a document, or `(id, reason)` of a
    /// skipped line.
    pub(super) outcome: std::result::Result<(String, String, Option<String>), (String, String)>,
    /// Metadata of a document, when its line had any.
    pub(super) meta: Option<DocMeta>,
}

/// Parses one non-blank JSON line `raw` found at `source`.
pub(super) fn parse_json_line(
    opts: &ReadOptions,
    source: String,
    raw: &[u8],
    bytes: u64,
) -> JsonLine {
    let fail = |source: String, reason: String| JsonLine {
        outcome: Err((source.clone(), reason)),
        source,
        bytes,
        missing_id: None,
        meta: None,
    };
    // SIMD validation: the standard library's check runs at about 450 MB/s
    // on Arabic text, an eighth of `athar dedup`'s time on one core.
    let (line, note) = match simdutf8::basic::from_utf8(raw) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(_) => match decode_invalid(raw, opts, true) {
            Ok((s, note)) => (Cow::Owned(s), Some(note)),
            Err(reason) => return fail(source, reason),
        },
    };
    if !line.trim_start().starts_with('{') {
        let reason = "not a JSON object (each line must be one object, like \
                      {\"id\": ..., \"text\": ...})"
            .to_string();
        return fail(source, reason);
    }
    let seed = LineSeed {
        id_field: &opts.id_field,
        text_field: &opts.text_field,
        meta: &opts.meta_fields,
    };
    let mut de = serde_json::Deserializer::from_str(&line);
    let fields = match seed.deserialize(&mut de).and_then(|f| de.end().map(|()| f)) {
        Ok(fields) => fields,
        Err(e) => return fail(source, json_reason(&e)),
    };
    drop(line);
    let (id, missing) = match fields.id {
        Some(Value::String(s)) if !s.is_empty() => (s, false),
        Some(Value::Number(n)) => (n.to_string(), false),
        _ => (source.clone(), true),
    };
    let field = &opts.text_field;
    let outcome = match fields.text {
        Some(Value::String(text)) if is_blank_str(&text) => {
            let what = if text.is_empty() {
                "empty"
            } else {
                "only whitespace"
            };
            Err((id, format!("field \"{field}\" is {what}")))
        }
        Some(Value::String(text)) => Ok((id, text, note)),
        None => Err((
            id,
            format!(
                "no \"{field}\" field (fields: {}); choose the text field with --text-field",
                fields.keys.describe()
            ),
        )),
        Some(other) => Err((
            id,
            format!("field \"{field}\" is {}, not a string", value_kind(&other)),
        )),
    };
    let meta = (outcome.is_ok() && !fields.meta.is_empty()).then_some(fields.meta);
    JsonLine {
        source,
        bytes,
        missing_id: Some(missing),
        outcome,
        meta,
    }
}

/// "malformed JSON at column 12: expected `:`", without serde_json's
/// "at line 1" (the line is ours to give).
pub(super) fn json_reason(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    if e.column() > 0 {
        format!("malformed JSON at column {}: {message}", e.column())
    } else {
        format!("malformed JSON: {message}")
    }
}

pub(super) fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A line (without its newline) that looks like one JSON object.
pub(super) fn looks_like_json_object(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    line.first() == Some(&b'{') && line.last() == Some(&b'}')
}

pub(super) fn first_content_line(text: &[u8]) -> &[u8] {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    text.split(|&b| b == b'\n')
        .find(|l| !l.trim_ascii().is_empty())
        .unwrap_or(&[])
}

/// Strip the line ending (LF or CRLF) and a UTF-8 byte-order mark (on any
/// line: `cat a.jsonl b.jsonl` puts b's mark mid-stream).
pub(super) fn trim_line(buf: &[u8]) -> &[u8] {
    let mut line = buf.strip_suffix(b"\n").unwrap_or(buf);
    line = line.strip_suffix(b"\r").unwrap_or(line);
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}
