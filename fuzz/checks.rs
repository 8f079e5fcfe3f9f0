//! The checks of the `tokenize`, `jsonl` (raw bytes) and `align` fuzz
//! targets, shared (by `#[path]`) with `tests/it/regressions.rs`, which
//! replays the inputs kept in `tests/fixtures/fuzz/` through them in plain
//! `cargo test`. Every check panics with a message naming what broke.

#![allow(dead_code)]

use athar::corpus::{InputFormat, Item, ReadOptions, read_reader};
use athar::passages::align::{AlignParams, Match, align, repeats};
use athar::text::normalize::{NormalizeOptions, Preset};
use athar::text::sentences::sentences;
use athar::text::tokenize::{Tokenizer, Tokens};

/// The stream name the JSON Lines checks read under.
pub const NAME: &str = "in.jsonl";

// ----- tokenize ----------------------------------------------------------

/// The options a fuzz input selects: `preset % 3` and six flag bits.
pub fn options(preset: u8, flags: u8) -> NormalizeOptions {
    let preset = match preset % 3 {
        0 => Preset::Default,
        1 => Preset::Loose,
        _ => Preset::None,
    };
    NormalizeOptions {
        keep_case: flags & 1 != 0,
        fold_persian: flags & 2 != 0,
        fold_foreign: flags & 4 != 0,
        hamza_seats: flags & 8 != 0,
        zwsp_as_space: flags & 16 != 0,
        split_digits: flags & 32 != 0,
        ..NormalizeOptions::preset(preset)
    }
}

/// Checks the tokens of `text` (see the `tokenize` target).
pub fn check_tokenize(tk: &mut Tokenizer, text: &str) {
    // A dirty buffer must not leak into the result.
    let mut toks = Tokens::default();
    tk.tokenize_into("بقايا نص سابق 123 abc", &mut toks);
    tk.tokenize_into(text, &mut toks);
    assert_eq!(toks, tk.tokenize(text), "reused buffer differs");

    let mut prev: Option<athar::Span> = None;
    let mut norm_at = 0u32;
    for t in &toks.tokens {
        let s = t.span;
        assert!(s.start() < s.end(), "empty span {s:?}");
        assert!(s.end() <= text.len(), "span {s:?} past the end");
        assert!(
            text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()),
            "span {s:?} not on char boundaries"
        );
        if let Some(p) = prev {
            assert!(
                s == p || s.start() >= p.end(),
                "spans out of order: {p:?} then {s:?}"
            );
        }
        prev = Some(s);
        assert!(t.norm_start == norm_at, "normalized text not contiguous");
        assert!(t.norm_start < t.norm_end, "empty normalized token");
        assert!(t.norm_end as usize <= toks.normalized.len());
        assert!(toks.normalized.is_char_boundary(t.norm_end as usize));
        norm_at = t.norm_end;
    }
    assert_eq!(norm_at as usize, toks.normalized.len());

    // Idempotence: a normalized token is one token, itself.
    let mut again = Tokens::default();
    for i in 0..toks.len() {
        let w = toks.text(i);
        tk.tokenize_into(w, &mut again);
        assert_eq!(again.len(), 1, "token {w:?} re-tokenizes to {again:?}");
        assert_eq!(again.text(0), w, "token {w:?} is not normalized");
    }

    // Whole text = its raw segments tokenized one by one.
    let segments: Vec<athar::Span> = tk.segments(text).collect();
    let mut from_segments: Vec<(String, athar::Span)> = Vec::new();
    for seg in segments {
        assert!(text.is_char_boundary(seg.start()) && text.is_char_boundary(seg.end()));
        tk.tokenize_into(seg.slice(text), &mut again);
        for (w, s) in again.iter() {
            let shifted = athar::Span::new(s.start() + seg.start(), s.end() + seg.start());
            from_segments.push((w.to_string(), shifted));
        }
    }
    let whole: Vec<(String, athar::Span)> = toks.iter().map(|(w, s)| (w.to_string(), s)).collect();
    assert_eq!(whole, from_segments, "whole text differs from its segments");

    let mut end = 0;
    for s in sentences(text) {
        assert!(s.start() >= end && s.start() <= s.end() && s.end() <= text.len());
        assert!(text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()));
        end = s.end();
    }
}

// ----- JSON Lines --------------------------------------------------------

pub fn is_ws_like(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200F}' | '\u{2060}')
}

/// The number of items and what each says, checked for every input.
pub fn check_common(items: &[Item], summary: &athar::corpus::ReadSummary) {
    let docs: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            Item::Document(d) => Some(d),
            Item::Skipped(_) => None,
        })
        .collect();
    assert_eq!(summary.documents, docs.len(), "documents miscounted");
    assert_eq!(
        summary.skipped,
        items.len() - docs.len(),
        "skipped miscounted"
    );
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    assert_eq!(summary.text_bytes, bytes, "text bytes miscounted");
    let mut ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate document ids");
    for d in &docs {
        assert!(!d.text.chars().all(char::is_whitespace), "blank document");
        assert!(!d.id.is_empty(), "empty id");
    }
}

fn source(item: &Item) -> &str {
    match item {
        Item::Document(d) => &d.source,
        Item::Skipped(s) => &s.source,
    }
}

fn line_of(item: &Item) -> Option<usize> {
    let s = source(item);
    if s == NAME {
        return None;
    }
    let l = s
        .strip_prefix(NAME)
        .and_then(|r| r.strip_prefix(':'))
        .unwrap_or_else(|| panic!("unexpected source {s:?}"));
    Some(l.parse().expect("line number"))
}

/// Checks the reading of arbitrary bytes (see the `jsonl` target).
pub fn check_jsonl_raw(bytes: &[u8], detect: bool, opts: &ReadOptions) {
    let format = if detect {
        InputFormat::Detect
    } else {
        InputFormat::JsonLines
    };
    let mut items = Vec::new();
    let summary = read_reader(NAME, &mut &bytes[..], format, opts, &mut |i| items.push(i));
    check_common(&items, &summary);
    assert!(!items.is_empty(), "a stream gives at least one item");

    // Lines as the reader sees them: LF-terminated, CR and a BOM stripped.
    let lines: Vec<&[u8]> = bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|l| {
            let l = l.strip_suffix(b"\n").unwrap_or(l);
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l)
        })
        .collect();
    let blank = |l: &[u8]| l.iter().all(u8::is_ascii_whitespace);
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);

    let whole = items.iter().filter(|i| line_of(i).is_none()).count();
    assert!(whole <= 1, "the whole stream reported twice");
    if whole == 1 {
        assert!(
            line_of(items.last().unwrap()).is_none(),
            "items after the whole stream was given up"
        );
    }
    let mut last = 0;
    for item in &items {
        if let Some(l) = line_of(item) {
            assert!(l > last, "line {l} after line {last}");
            last = l;
            if !utf16 {
                assert!(l <= lines.len(), "line {l} of {}", lines.len());
                assert!(!blank(lines[l - 1]), "item from blank line {l}");
            }
        }
    }
    if whole == 0 && !utf16 {
        let non_blank = lines.iter().filter(|l| !blank(l)).count();
        assert_eq!(items.len(), non_blank, "a non-blank line lost or doubled");
    }
    if detect && !utf16 {
        let first = lines.iter().find(|l| !blank(l));
        let object = first.is_some_and(|l| {
            let l = l.trim_ascii();
            l.first() == Some(&b'{') && l.last() == Some(&b'}')
        });
        if !object {
            assert_eq!(items.len(), 1, "Detect: one text document");
            if let (Item::Document(d), Ok(s)) = (&items[0], std::str::from_utf8(bytes)) {
                assert_eq!(d.text, s, "Detect: text document changed");
                assert_eq!(d.id, "in");
            }
        }
    }
}

// ----- align -------------------------------------------------------------

/// Longest common subsequence length of two short slices.
fn lcs(a: &[u64], b: &[u64]) -> u32 {
    let mut row = vec![0u32; b.len() + 1];
    for &x in a {
        let mut diag = 0;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y {
                diag + 1
            } else {
                row[j + 1].max(row[j])
            };
            diag = up;
        }
    }
    row[b.len()]
}

fn check_match(m: &Match, a: &[u64], b: &[u64], p: &AlignParams) {
    let (ra, rb) = (
        m.a.start as usize..m.a.end as usize,
        m.b.start as usize..m.b.end as usize,
    );
    assert!(
        ra.start < ra.end && ra.end <= a.len(),
        "a range {ra:?} of {}",
        a.len()
    );
    assert!(
        rb.start < rb.end && rb.end <= b.len(),
        "b range {rb:?} of {}",
        b.len()
    );
    assert_eq!(a[ra.start], b[rb.start], "{m:?} starts on different tokens");
    assert_eq!(
        a[ra.end - 1],
        b[rb.end - 1],
        "{m:?} ends on different tokens"
    );
    assert!(
        m.matched_tokens as usize >= p.min_passage,
        "{m:?} shorter than {p:?}"
    );
    let longest = lcs(&a[ra.clone()], &b[rb.clone()]);
    assert!(
        m.matched_tokens <= longest,
        "{m:?} claims more than the LCS {longest}"
    );
    let expected = f64::from(m.matched_tokens) / ra.len().max(rb.len()) as f64;
    assert!(
        (m.score - expected).abs() < 1e-9,
        "{m:?} score, expected {expected}"
    );
}

fn disjoint(mut ranges: Vec<std::ops::Range<u32>>) -> bool {
    ranges.sort_by_key(|r| r.start);
    ranges.windows(2).all(|w| w[0].end <= w[1].start)
}

/// Checks `align(a, b)` and `repeats(a)` (see the `align` target).
pub fn check_align(a: &[u64], b: &[u64], p: &AlignParams) {
    let (a, b) = (a.to_vec(), b.to_vec());
    let p = *p;
    let ms = align(&a, &b, &p, &|_| false);
    for m in &ms {
        check_match(m, &a, &b, &p);
    }
    assert!(
        ms.windows(2).all(|w| w[0].a.start <= w[1].a.start),
        "not sorted"
    );
    assert!(
        disjoint(ms.iter().map(|m| m.a.clone()).collect()),
        "a ranges overlap"
    );
    assert!(
        disjoint(ms.iter().map(|m| m.b.clone()).collect()),
        "b ranges overlap"
    );
    assert_eq!(ms, align(&a, &b, &p, &|_| false), "not deterministic");

    assert!(
        align(&a, &b, &p, &|_| true).is_empty(),
        "ignored shingles seeded a match"
    );

    let rs = repeats(&a, &p);
    for m in &rs {
        check_match(m, &a, &a, &p);
        assert!(m.a.end <= m.b.start, "repeat {m:?}: copies overlap");
    }
    assert!(
        rs.windows(2)
            .all(|w| (w[0].a.start, w[0].b.start) <= (w[1].a.start, w[1].b.start)),
        "repeats not sorted"
    );
    assert!(
        disjoint(rs.iter().map(|m| m.b.clone()).collect()),
        "repeat b ranges overlap"
    );

    // A sequence aligned with itself: one match covering all of it, when it
    // is long enough to be seeded by a shingle that is not too frequent.
    if a.len() >= p.k.max(p.min_passage).max(1) {
        let own = align(&a, &a, &p, &|_| false);
        for m in &own {
            check_match(m, &a, &a, &p);
        }
        let distinct = {
            let mut s: Vec<&[u64]> = a.windows(p.k).collect();
            s.sort_unstable();
            s.windows(2).all(|w| w[0] != w[1])
        };
        if distinct {
            let whole = 0..a.len() as u32;
            assert!(
                own.len() == 1 && own[0].a == whole && own[0].b == whole,
                "self-alignment of {} tokens gave {own:?}",
                a.len()
            );
        }
    }
}
