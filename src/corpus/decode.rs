//! Bytes to text: UTF-8, UTF-16 with or without a byte order mark, the
//! legacy Arabic encodings (Windows-1256, ISO-8859-6) recognised and named,
//! and binary files told apart from text.

use encoding_rs::{Encoding, ISO_8859_6, UTF_16BE, UTF_16LE, WINDOWS_1256};

use super::*;

/// Turn the bytes of a whole text document into UTF-8, with a note when it
/// was converted, or say why it cannot be read.
pub(super) fn decode_text(
    bytes: Vec<u8>,
    opts: &ReadOptions,
) -> std::result::Result<(String, Option<String>), String> {
    if let Some(reason) = magic_reason(&bytes) {
        return Err(reason);
    }
    let bom = match bytes.as_slice() {
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        _ => None,
    };
    if let Some(enc) = bom {
        return decode_utf16(enc, &bytes[2..], opts, "");
    }
    if let Some(enc) = utf16_without_bom(&bytes) {
        // A guess: decode strictly, and only keep what reads as text.
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(&bytes) {
            if looks_like_text(&text) {
                let note = format!(
                    "decoded from {} (no byte-order mark; recognised by its NUL bytes); \
                     byte offsets index the UTF-8 text",
                    enc.name()
                );
                return Ok((text.into_owned(), Some(note)));
            }
        }
    }
    if let Some(reason) = binary_reason(&bytes) {
        return Err(reason);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(e) => {
            let bytes = e.into_bytes();
            decode_invalid(&bytes, opts, false).map(|(text, note)| (text, Some(note)))
        }
    }
}

pub(super) fn decode_utf16(
    enc: &'static Encoding,
    body: &[u8],
    opts: &ReadOptions,
    how: &str,
) -> std::result::Result<(String, Option<String>), String> {
    let name = enc.name();
    if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(body) {
        return Ok((
            text.into_owned(),
            Some(format!(
                "decoded from {name}{how}; byte offsets index the UTF-8 text"
            )),
        ));
    }
    if opts.lossy {
        let (text, _) = enc.decode_without_bom_handling(body);
        return Ok((
            text.into_owned(),
            Some(format!(
                "decoded from {name}{how}, invalid sequences replaced with U+FFFD (--lossy); \
                 byte offsets index the UTF-8 text"
            )),
        ));
    }
    Err(format!(
        "invalid {name}{how} (an unpaired surrogate or an odd number of bytes); \
         pass --lossy to replace bad sequences with U+FFFD"
    ))
}

/// Bytes that are not valid UTF-8: recognise Windows-1256, repair with
/// `--lossy`, or say where the first bad byte is.
pub(super) fn decode_invalid(
    bytes: &[u8],
    opts: &ReadOptions,
    json_line: bool,
) -> std::result::Result<(String, String), String> {
    let stats = Utf8Stats::of(bytes);
    if let Some(enc) = legacy_arabic(bytes, &stats) {
        let (name, iconv) = if enc == WINDOWS_1256 {
            ("Windows-1256", "CP1256")
        } else {
            ("ISO-8859-6", "ISO-8859-6")
        };
        if opts.decode_cp1256 {
            let (text, _) = enc.decode_without_bom_handling(bytes);
            return Ok((
                text.into_owned(),
                format!("decoded from {name} (--decode-cp1256); byte offsets index the UTF-8 text"),
            ));
        }
        return Err(format!(
            "not UTF-8: looks like {name} (Arabic); convert it with \
             iconv -f {iconv} -t UTF-8, or pass --decode-cp1256"
        ));
    }
    let at = stats.first_error;
    let place = if json_line {
        format!("byte {at} of the line")
    } else {
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        format!("byte {at} (line {line})")
    };
    if opts.lossy {
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Ok((
            text,
            format!(
                "replaced {} invalid UTF-8 sequence(s) with U+FFFD (--lossy); the first at {place}",
                stats.invalid_runs
            ),
        ));
    }
    Err(format!(
        "invalid UTF-8 at {place}; pass --lossy to replace bad bytes with U+FFFD"
    ))
}

/// How much of a byte string is valid UTF-8 beyond ASCII, and how much is not.
#[derive(Debug, Default)]
pub(super) struct Utf8Stats {
    /// Non-ASCII bytes inside valid UTF-8 sequences.
    pub(super) valid_non_ascii: usize,
    /// Bytes in invalid sequences.
    pub(super) invalid_bytes: usize,
    /// Invalid sequences (each one becomes one U+FFFD with `--lossy`).
    pub(super) invalid_runs: usize,
    /// Offset of the first invalid byte.
    pub(super) first_error: usize,
}

impl Utf8Stats {
    fn of(bytes: &[u8]) -> Utf8Stats {
        let mut stats = Utf8Stats::default();
        let mut rest = bytes;
        let mut offset = 0;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    stats.valid_non_ascii += s.len() - count_ascii(s.as_bytes());
                    break;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    stats.valid_non_ascii += valid - count_ascii(&rest[..valid]);
                    let bad = e.error_len().unwrap_or(rest.len() - valid);
                    if stats.invalid_runs == 0 {
                        stats.first_error = offset + valid;
                    }
                    stats.invalid_runs += 1;
                    stats.invalid_bytes += bad;
                    offset += valid + bad;
                    rest = &rest[valid + bad..];
                }
            }
        }
        stats
    }
}

pub(super) fn count_ascii(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| b.is_ascii()).count()
}

/// The legacy Arabic encoding (Windows-1256 or ISO-8859-6) of text that is
/// not UTF-8, if it looks like one: most of its non-ASCII bytes are invalid
/// UTF-8 (UTF-8 with a few bad bytes is not a legacy encoding), it decodes
/// without error, and at least 80% of its non-ASCII letters are Arabic. When
/// both encodings qualify, the one in which the article "ال" is more
/// frequent wins (Windows-1256 on a tie): the wrong one maps some letters to
/// other letters.
pub(super) fn legacy_arabic(bytes: &[u8], stats: &Utf8Stats) -> Option<&'static Encoding> {
    if stats.invalid_bytes <= stats.valid_non_ascii {
        return None;
    }
    let sample = &bytes[..bytes.len().min(1 << 20)];
    let score = |enc: &'static Encoding| -> Option<(usize, usize)> {
        let (text, had_errors) = enc.decode_without_bom_handling(sample);
        if had_errors {
            return None;
        }
        let (mut arabic, mut other) = (0usize, 0usize);
        for c in text.chars() {
            if c.is_ascii() || !c.is_alphabetic() {
                continue;
            }
            if ('\u{0600}'..='\u{06FF}').contains(&c) {
                arabic += 1;
            } else {
                other += 1;
            }
        }
        let arabic_enough = arabic >= 3 && arabic * 5 >= (arabic + other) * 4;
        arabic_enough.then(|| (text.matches("ال").count(), arabic))
    };
    let cp = score(WINDOWS_1256).map(|(al, _)| al);
    // ISO-8859-6 puts Arabic letters where Latin-1 has à, è, é, ê: ask for
    // the article too (about one letter in twenty starts "ال" in Arabic).
    let iso = score(ISO_8859_6)
        .filter(|&(al, arabic)| al >= 1 && al * 100 >= arabic)
        .map(|(al, _)| al);
    match (cp, iso) {
        (Some(cp), Some(iso)) if iso > cp => Some(ISO_8859_6),
        (Some(_), _) => Some(WINDOWS_1256),
        (None, Some(_)) => Some(ISO_8859_6),
        (None, None) => None,
    }
}

/// UTF-16 without a byte-order mark: NUL bytes (the high byte of spaces,
/// digits and punctuation) in one byte position of each pair only.
pub(super) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(1 << 16) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // At least 5% of one position NUL, at most 1% of the other.
    let many = |n: usize| n * 20 >= pairs;
    let few = |n: usize| n * 100 <= pairs;
    if many(odd) && few(even) {
        Some(UTF_16LE)
    } else if many(even) && few(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decoded text with almost no control, private-use or non-characters
/// (binary data decoded as UTF-16 is full of them).
pub(super) fn looks_like_text(text: &str) -> bool {
    let (mut all, mut odd) = (0usize, 0usize);
    for c in text.chars() {
        all += 1;
        let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C');
        let private = ('\u{E000}'..='\u{F8FF}').contains(&c);
        if control || private || matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            odd += 1;
        }
    }
    odd * 100 <= all
}

/// Known binary formats people mistake for text, by their first bytes.
pub(super) fn magic_reason(bytes: &[u8]) -> Option<String> {
    let what = if bytes.starts_with(&[0x1F, 0x8B]) {
        "binary file (gzip-compressed); decompress it first, e.g. with gunzip"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "binary file (a ZIP archive, or a .docx/.odt document); extract its text first"
    } else if bytes.starts_with(b"%PDF-") {
        "binary file (PDF); extract its text first, e.g. with pdftotext"
    } else if bytes.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        "binary file (xz-compressed); decompress it first, e.g. with unxz"
    } else if bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        "binary file (zstd-compressed); decompress it first, e.g. with unzstd"
    } else if bytes.starts_with(b"BZh") && bytes.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        "binary file (bzip2-compressed); decompress it first, e.g. with bunzip2"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        "binary file (an old Microsoft Office document); save it as plain text (UTF-8) first"
    } else if bytes.starts_with(b"{\\rtf") {
        "an RTF document, not plain text; save it as plain text (UTF-8) first"
    } else {
        return None;
    };
    Some(what.to_string())
}

/// A known binary format, a NUL byte, or mostly control bytes.
pub(super) fn binary_reason(bytes: &[u8]) -> Option<String> {
    if let Some(reason) = magic_reason(bytes) {
        return Some(reason);
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Some(format!("binary file (NUL byte at offset {at})"));
    }
    let sample = &bytes[..bytes.len().min(1 << 16)];
    let control = sample
        .iter()
        .filter(|&&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | 0x1B)) || b == 0x7F
        })
        .count();
    if !sample.is_empty() && control * 10 > sample.len() {
        return Some(format!(
            "binary file ({}% of the first {} bytes are control bytes)",
            control * 100 / sample.len(),
            sample.len()
        ));
    }
    None
}
