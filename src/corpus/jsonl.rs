//! JSON Lines: one object a line; the id and text fields are pulled out
//! without allocating the others, and lines are parsed in parallel batches.

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::*;

/// Pulls the id and text fields out of one JSON object, skipping the others
/// without allocating them.
pub(super) struct LineSeed<'a> {
    pub(super) id_field: &'a str,
    pub(super) text_field: &'a str,
    pub(super) meta: &'a MetaFields,
    /// Keep the text field as raw JSON ([`LineFields::raw_text`]) instead of
    /// parsing it into a [`Value`], and the keys not at all (the keys only
    /// serve to say what a line without its text field has; such a line is
    /// parsed again without `raw_text`).
    pub(super) raw_text: bool,
}

#[derive(Default)]
pub(super) struct LineFields<'de> {
    pub(super) id: Option<Value>,
    pub(super) text: Option<Value>,
    /// The text field's raw JSON (with `raw_text`), syntax checked.
    pub(super) raw_text: Option<&'de RawValue>,
    /// With `raw_text`: the text field was found more than once.
    pub(super) repeated_text: bool,
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
    type Value = LineFields<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<LineFields<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = LineFields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<LineFields<'de>, A::Error> {
        let mut fields = LineFields::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if !self.raw_text {
                fields.keys.add(&key);
            }
            if key == self.text_field && self.raw_text {
                fields.repeated_text |= fields.raw_text.is_some();
                fields.raw_text = Some(map.next_value()?);
            } else if key == self.text_field {
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
    /// Where the line, without its line break, is in the batch's buffer
    /// (lines are read one after the other into one buffer, not each into
    /// a vector of its own).
    pub(super) raw: std::ops::Range<usize>,
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
    // The text field is taken raw and unescaped here, without serde_json's
    // scratch buffer and `Value`. Anything unusual (an error, a text that
    // is no plain string, a repeated or missing text field) is parsed again
    // the general way, so messages and values stay the same.
    let fields = parse_fields(opts, &line, true)
        .ok()
        .and_then(|mut f| {
            if f.repeated_text {
                return None;
            }
            let raw = f.raw_text.take()?;
            f.text = Some(Value::String(unescape_json_string(raw.get())?));
            Some(f)
        })
        .map_or_else(|| parse_fields(opts, &line, false), Ok);
    let fields = match fields {
        Ok(fields) => fields,
        Err(e) => return fail(source, json_reason(&e)),
    };
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

/// The id, text and metadata fields of one JSON line, the text field raw
/// (not in [`LineFields::text`]) when `raw_text`.
fn parse_fields<'de>(
    opts: &ReadOptions,
    line: &'de str,
    raw_text: bool,
) -> serde_json::Result<LineFields<'de>> {
    let seed = LineSeed {
        id_field: &opts.id_field,
        text_field: &opts.text_field,
        meta: &opts.meta_fields,
        raw_text,
    };
    let mut de = serde_json::Deserializer::from_str(line);
    seed.deserialize(&mut de).and_then(|f| de.end().map(|()| f))
}

/// The value of a JSON string literal `raw` (quotes included) whose syntax
/// serde_json has checked. `None` when `raw` is not a string, or holds a
/// `\u` escape of a lone surrogate (serde_json refuses those when it parses
/// a string; the caller lets it say so).
pub(super) fn unescape_json_string(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let b = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    let hex = |at: usize| -> Option<u32> {
        let h = b.get(at..at + 4)?;
        h.iter()
            .try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
    };
    while let Some(p) = memchr::memchr(b'\\', &b[i..]) {
        out.push_str(&body[i..i + p]);
        i += p + 2;
        let c = match b.get(i - 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let n = hex(i)?;
                i += 4;
                let n = match n {
                    0xD800..=0xDBFF => {
                        if b.get(i..i + 2)? != b"\\u" {
                            return None;
                        }
                        let low = hex(i + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        i += 6;
                        0x1_0000 + ((n - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return None,
                    n => n,
                };
                char::from_u32(n)?
            }
            _ => return None,
        };
        out.push(c);
    }
    out.push_str(&body[i..]);
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::unescape_json_string;

    /// The string serde_json parses `raw` into, or `None` when it refuses.
    fn serde(raw: &str) -> Option<String> {
        serde_json::from_str::<String>(raw).ok()
    }

    #[test]
    fn unescape_agrees_with_serde_json() {
        let cases = [
            r#""""#,
            r#""قال الرئيس""#,
            r#""\\ \" \/ \b \f \n \r \t""#,
            r#""\u00e9\u00E9\u0627\u0000""#,
            r#""\ud83d\ude02 و \uD83D\uDE02""#,
            r#""end\\""#,
            r#""\\\"""#,
        ];
        for raw in cases {
            assert_eq!(unescape_json_string(raw), serde(raw), "{raw}");
            assert!(serde(raw).is_some(), "{raw}");
        }
        // Lone surrogates: serde_json refuses them, and so must we.
        for raw in [
            r#""\ud83d""#,
            r#""\ud83d alone""#,
            r#""\udc00""#,
            r#""\ud83d\u0041""#,
            r#""\ud83d\ud83d\ude02""#,
            r#""\ud83d\n""#,
        ] {
            assert_eq!(serde(raw), None, "{raw}");
            assert_eq!(unescape_json_string(raw), None, "{raw}");
        }
        // Not a string at all.
        assert_eq!(unescape_json_string("12"), None);
    }

    #[test]
    fn unescape_inverts_serialization() {
        let mut state = 5u64;
        let pool: Vec<char> = "اأإآةىي \n\t\"\\/\u{1}\u{1f}\u{7f}é😂\u{200f}\u{fdfd}a"
            .chars()
            .collect();
        for len in 0..300 {
            let s: String = (0..len)
                .map(|_| {
                    let r = crate::sketch::minhash::splitmix64(&mut state);
                    pool[(r % pool.len() as u64) as usize]
                })
                .collect();
            let plain = serde_json::to_string(&s).unwrap();
            assert_eq!(unescape_json_string(&plain).as_deref(), Some(s.as_str()));
            // serde_json writes non-ASCII as is; escape it as \uXXXX too.
            let mut ascii = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => ascii.push_str("\\\""),
                    '\\' => ascii.push_str("\\\\"),
                    c if c.is_ascii() && !c.is_ascii_control() => ascii.push(c),
                    c => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            ascii.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                }
            }
            ascii.push('"');
            assert_eq!(unescape_json_string(&ascii), serde(&ascii), "{ascii}");
            assert_eq!(unescape_json_string(&ascii).as_deref(), Some(s.as_str()));
        }
    }
}
