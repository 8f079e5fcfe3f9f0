//! The JSON Lines reader (`corpus::read_reader` with `InputFormat::JsonLines`
//! and `InputFormat::Detect`).
//!
//! Two kinds of input:
//!
//! * `Raw`: arbitrary bytes. Checks: no panic; the summary counts every item
//!   handed out; documents have unique ids and non-blank text; every item
//!   comes from `name` (the whole stream) or from a distinct non-blank line
//!   `name:L`, in line order; unless the whole stream was skipped (binary,
//!   a JSON array, nothing usable) or decoded from UTF-16, every non-blank
//!   line gives exactly one item; Detect on a stream whose first non-blank
//!   line is not an object gives one item, the whole stream unchanged when it
//!   is UTF-8.
//! * `Lines`: a generated JSON Lines file (objects with string, numeric,
//!   empty or missing ids and texts of any kind, blank lines, non-JSON
//!   lines). Checks that each line gives exactly the item it should: the
//!   document with this exact text and id (or the id with a `~N` suffix
//!   when taken), or a skip, with source `name:L`.

#![no_main]

use arbitrary::Arbitrary;
use athar::corpus::{InputFormat, Item, ReadOptions, read_reader};
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;
use checks::{NAME, check_common, is_ws_like};

#[derive(Arbitrary, Debug)]
enum Input {
    Raw {
        bytes: Vec<u8>,
        detect: bool,
        lossy: bool,
        cp1256: bool,
    },
    Lines {
        lines: Vec<Line>,
        detect: bool,
        crlf: bool,
    },
}

#[derive(Arbitrary, Debug)]
enum Id {
    Missing,
    Str(String),
    Num(i64),
    Bool(bool),
}

#[derive(Arbitrary, Debug)]
enum Text {
    Missing,
    Str(String),
    Num(f32),
    Null,
    List(Vec<String>),
}

#[derive(Arbitrary, Debug)]
enum Line {
    Blank(u8),
    Object {
        id: Id,
        text: Text,
        /// An extra field (name, value), before or after the others.
        extra: Option<(String, String, bool)>,
    },
    /// A line that is not JSON: `x` and the text, control characters removed.
    NotJson(String),
}

fn generated(lines: &[Line], detect: bool, crlf: bool) {
    let mut input = String::new();
    for line in lines {
        match line {
            Line::Blank(n) => input.extend(std::iter::repeat_n(' ', usize::from(n % 4))),
            Line::NotJson(s) => {
                input.push('x');
                input.extend(s.chars().filter(|c| !c.is_control()));
            }
            Line::Object { id, text, extra } => {
                let mut obj = serde_json::Map::new();
                let extra = extra.as_ref().filter(|(k, _, _)| k != "id" && k != "text");
                if let Some((k, v, true)) = extra {
                    obj.insert(k.clone(), v.clone().into());
                }
                match id {
                    Id::Missing => {}
                    Id::Str(s) => drop(obj.insert("id".into(), s.clone().into())),
                    Id::Num(n) => drop(obj.insert("id".into(), (*n).into())),
                    Id::Bool(b) => drop(obj.insert("id".into(), (*b).into())),
                }
                match text {
                    Text::Missing => {}
                    Text::Str(s) => drop(obj.insert("text".into(), s.clone().into())),
                    Text::Num(x) => drop(obj.insert("text".into(), (*x).into())),
                    Text::Null => drop(obj.insert("text".into(), serde_json::Value::Null)),
                    Text::List(v) => drop(obj.insert("text".into(), v.clone().into())),
                }
                if let Some((k, v, false)) = extra {
                    obj.insert(k.clone(), v.clone().into());
                }
                // serde_json writes DEL (U+007F) raw; escaped, a string of them
                // does not make the stream look binary (which skips it whole).
                let json = serde_json::Value::Object(obj).to_string();
                input.push_str(&json.replace('\u{7f}', "\\u007f"));
            }
        }
        input.push_str(if crlf { "\r\n" } else { "\n" });
    }
    let format = if detect {
        InputFormat::Detect
    } else {
        InputFormat::JsonLines
    };
    let opts = ReadOptions::default();
    let mut items = Vec::new();
    let summary = read_reader(NAME, &mut input.as_bytes(), format, &opts, &mut |i| {
        items.push(i)
    });
    check_common(&items, &summary);

    let first = lines.iter().position(|l| !matches!(l, Line::Blank(_)));
    let Some(first) = first else {
        // Nothing but blank lines: one skipped stream.
        assert_eq!(items.len(), 1);
        assert!(matches!(&items[0], Item::Skipped(s) if s.source == NAME));
        return;
    };
    if detect && matches!(lines[first], Line::NotJson(_)) {
        assert_eq!(items.len(), 1);
        assert!(matches!(&items[0], Item::Document(d) if d.text == input && d.id == "in"));
        return;
    }
    let mut it = items.iter();
    let mut objects = 0;
    let mut failures = 0;
    for (i, line) in lines.iter().enumerate() {
        let at = format!("{NAME}:{}", i + 1);
        match line {
            Line::Blank(_) => {}
            Line::NotJson(_) => {
                let item = it.next().expect("an item for a non-JSON line");
                assert!(matches!(item, Item::Skipped(s) if s.source == at && s.id == at));
                if objects == 0 {
                    failures += 1;
                    if failures == 20 {
                        let item = it.next().expect("the give-up item");
                        assert!(matches!(item, Item::Skipped(s) if s.source == NAME));
                        assert!(it.next().is_none(), "read on after giving up");
                        return;
                    }
                }
            }
            Line::Object { id, text, .. } => {
                objects += 1;
                let item = it.next().expect("an item for an object line");
                let expected_id = match id {
                    Id::Str(s) if !s.is_empty() => s.clone(),
                    Id::Num(n) => n.to_string(),
                    _ => at.clone(),
                };
                match (text, item) {
                    (Text::Str(t), Item::Document(d)) => {
                        assert!(!t.chars().all(is_ws_like), "blank text read");
                        assert_eq!(&d.text, t);
                        assert_eq!(d.source, at);
                        assert!(
                            d.id == expected_id || d.id.starts_with(&format!("{expected_id}~")),
                            "id {:?} for {expected_id:?}",
                            d.id
                        );
                    }
                    (Text::Str(t), Item::Skipped(s)) => {
                        assert!(
                            t.chars().all(is_ws_like),
                            "text {t:?} skipped: {}",
                            s.reason
                        );
                        assert_eq!(s.source, at);
                        assert_eq!(s.id, expected_id);
                    }
                    (_, Item::Skipped(s)) => {
                        assert_eq!(s.source, at);
                        assert_eq!(s.id, expected_id);
                    }
                    (t, Item::Document(d)) => panic!("{t:?} read as document {d:?}"),
                }
            }
        }
    }
    assert!(it.next().is_none(), "more items than lines");
}

fuzz_target!(|input: Input| {
    match input {
        Input::Raw {
            bytes,
            detect,
            lossy,
            cp1256,
        } => {
            let opts = ReadOptions {
                lossy,
                decode_cp1256: cp1256,
                ..ReadOptions::default()
            };
            checks::check_jsonl_raw(&bytes, detect, &opts);
        }
        Input::Lines {
            lines,
            detect,
            crlf,
        } => generated(&lines, detect, crlf),
    }
});
