//! Sentence boundaries: UAX #29 plus the Arabic rules, in one forward pass.
//!
//! [`sentences`] returns spans of the original text; the narrative and
//! alignment stages cut documents at them.

use crate::span::Span;

/// True for characters that end an Arabic sentence when followed by
/// whitespace.
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{061F}' | '\u{06D4}' | '\u{2026}')
}

/// Closing quotes and brackets that may follow a terminator.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '\u{00BB}'
            | '\u{201D}'
            | '\u{2019}'
            | '\u{FD3E}'
            | '\u{FD3F}'
    )
}

/// Arabic-script characters (letters, digits, marks).
fn is_arabic(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
    )
}

/// Sentence boundaries of `text` as spans of the original text (trimmed of
/// surrounding whitespace; empty sentences dropped).
///
/// The boundaries are those of Unicode UAX #29 (which already ends a
/// sentence at `؟`, `!`, `۔`, at `.` before a space and a non-lowercase
/// letter, and at every line break, so a news paragraph on one line is never
/// merged with the next), plus: in Arabic context, `.` `!` `?` `؟` `…`
/// (with closing quotes or brackets) followed by whitespace end a sentence
/// even when a lowercase Latin word follows (`قال. iPhone`). The Arabic comma
/// `،` and semicolon `؛` never end a sentence. A `.` after a one-letter
/// Arabic word (`د.` doctor, `م.` engineer) does not end one.
///
/// ```
/// use athar::text::sentences::sentences;
/// let text = "قال د. أحمد: هل انتهى؟ نعم، انتهى. iPhone جديد\nسطر آخر";
/// let s: Vec<&str> = sentences(text).iter().map(|s| s.slice(text)).collect();
/// assert_eq!(s, ["قال د. أحمد: هل انتهى؟", "نعم، انتهى.", "iPhone جديد", "سطر آخر"]);
/// ```
///
/// # Speed
///
/// UAX #29 breaks only after a line break, or after a terminal (`.` `!` `?`
/// `؟` `۔` and the other ATerm/STerm characters) and the closing marks and
/// spaces that follow it; the Arabic rules start only at `.` `!` `?` `؟` `۔`
/// `…`. So one forward pass skips every other byte with a table lookup (no
/// decoding of ASCII or the Arabic block) and applies the rules only around
/// those characters, with the Sentence_Break classes of the ranges news text
/// uses (Latin-1, Arabic, general punctuation, common symbols and emoji). A
/// text holding a character outside them takes the `unicode-segmentation`
/// path instead; both give the same boundaries.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut cuts = Vec::new();
    if !fast_cuts(text, &mut cuts) {
        cuts.clear();
        general_cuts(text, &mut cuts);
    }
    spans_between(text, cuts)
}

/// The UAX #29 Sentence_Break classes, with `Format` merged into `Extend`
/// (the rules treat them alike).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sb {
    Other,
    OLetter,
    Numeric,
    SContinue,
    Upper,
    Lower,
    Close,
    Sp,
    Extend,
    ATerm,
    STerm,
    Cr,
    Lf,
    Sep,
}

/// Sentence_Break of U+0000..=U+00FF.
const fn latin1_class(u: u32) -> Sb {
    match u {
        0x09 | 0x0B | 0x0C | 0x20 | 0xA0 => Sb::Sp,
        0x0A => Sb::Lf,
        0x0D => Sb::Cr,
        0x85 => Sb::Sep,
        0x21 | 0x3F => Sb::STerm,
        0x2E => Sb::ATerm,
        0x22 | 0x27..=0x29 | 0x5B | 0x5D | 0x7B | 0x7D | 0xAB | 0xBB => Sb::Close,
        0x2C | 0x2D | 0x3A | 0x3B => Sb::SContinue,
        0x30..=0x39 => Sb::Numeric,
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => Sb::Upper,
        0x61..=0x7A | 0xAA | 0xB5 | 0xBA | 0xDF..=0xF6 | 0xF8..=0xFF => Sb::Lower,
        0xAD => Sb::Extend,
        _ => Sb::Other,
    }
}

/// Sentence_Break of the Arabic block U+0600..=U+06FF.
const fn arabic_class(u: u32) -> Sb {
    match u {
        0x0600..=0x0605 | 0x0660..=0x0669 | 0x066B | 0x066C | 0x06DD | 0x06F0..=0x06F9 => {
            Sb::Numeric
        }
        0x060C | 0x060D => Sb::SContinue,
        0x0610..=0x061A
        | 0x061C
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06DC
        | 0x06DF..=0x06E4
        | 0x06E7
        | 0x06E8
        | 0x06EA..=0x06ED => Sb::Extend,
        0x061D..=0x061F | 0x06D4 => Sb::STerm,
        0x0620..=0x064A
        | 0x066E
        | 0x066F
        | 0x0671..=0x06D3
        | 0x06D5
        | 0x06E5
        | 0x06E6
        | 0x06EE
        | 0x06EF
        | 0x06FA..=0x06FC
        | 0x06FF => Sb::OLetter,
        _ => Sb::Other,
    }
}

/// [`latin1_class`] as a table.
const LATIN1: [Sb; 256] = {
    let mut t = [Sb::Other; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = latin1_class(i as u32);
        i += 1;
    }
    t
};

/// [`arabic_class`] as a table, indexed by `c - U+0600`.
const ARABIC: [Sb; 256] = {
    let mut t = [Sb::Other; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = arabic_class(0x0600 + i as u32);
        i += 1;
    }
    t
};

/// The bytes [`fast_cuts`] stops at: the ASCII terminals and line breaks,
/// the lead bytes of characters outside the Arabic block U+0600..=U+06FF,
/// and the second bytes of its terminals (the lead bytes D8..=DB are
/// skipped, so the other characters of the block cost one byte test each).
const WATCHED: [bool; 256] = {
    let mut t = [false; 256];
    let mut x = 0;
    while x < 256 {
        t[x] = matches!(
            x as u8,
            b'\n' | b'\r' | b'.' | b'!' | b'?' | 0x94 | 0x9D..=0x9F
        ) || x >= 0xC0 && !(x >= 0xD8 && x <= 0xDB);
        x += 1;
    }
    t
};

/// The UAX #29 Sentence_Break class of `c` (Unicode 17, the version of
/// `unicode-segmentation`), for the ranges Arabic news text uses: Latin-1,
/// combining diacritics, the Arabic blocks and presentation forms, general
/// punctuation, arrows, box drawing, shapes, dingbats and the common emoji
/// blocks. `None` elsewhere (the caller then uses `unicode-segmentation`).
/// Checked character by character against `unicode-segmentation` in the
/// tests.
fn sb_class(c: char) -> Option<Sb> {
    let u = c as u32;
    Some(match u {
        0..=0xFF => LATIN1[u as usize],
        0x0300..=0x036F | 0xFE00..=0xFE0F => Sb::Extend,
        0x0600..=0x06FF => ARABIC[(u - 0x0600) as usize],
        0x0750..=0x077F => Sb::OLetter,
        0x0870..=0x08FF => match u {
            0x0888 | 0x0892..=0x0896 => Sb::Other,
            0x0890 | 0x0891 | 0x08E2 => Sb::Numeric,
            0x0897..=0x089F | 0x08CA..=0x08E1 | 0x08E3..=0x08FF => Sb::Extend,
            _ => Sb::OLetter,
        },
        0x2000..=0x206F => match u {
            0x2000..=0x200A | 0x202F | 0x205F => Sb::Sp,
            0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F => Sb::Extend,
            0x2013 | 0x2014 => Sb::SContinue,
            0x2018..=0x201F | 0x2039 | 0x203A | 0x2045 | 0x2046 => Sb::Close,
            0x2024 => Sb::ATerm,
            0x2028 | 0x2029 => Sb::Sep,
            0x203C | 0x203D | 0x2047..=0x2049 => Sb::STerm,
            _ => Sb::Other,
        },
        0x20D0..=0x20F0 => Sb::Extend,
        0x20F1..=0x20FF
        | 0x2190..=0x2307
        | 0x2500..=0x275A
        | 0x1F000..=0x1F12F
        | 0x1F190..=0x1F675
        | 0x1F679..=0x1FAFF => Sb::Other,
        0xFB50..=0xFDFF => match u {
            0xFD3E | 0xFD3F => Sb::Close,
            0xFBB2..=0xFBD2 | 0xFD40..=0xFD4F | 0xFD90 | 0xFD91 | 0xFDC8..=0xFDEF | 0xFDFC.. => {
                Sb::Other
            }
            _ => Sb::OLetter,
        },
        0xFE70..=0xFEFF => match u {
            0xFE75 | 0xFEFD | 0xFEFE => Sb::Other,
            0xFEFF => Sb::Extend,
            _ => Sb::OLetter,
        },
        _ => return None,
    })
}

/// Candidate cuts of `text` in one forward pass: the UAX #29 boundaries and
/// the Arabic-terminator cuts ([`terminator_run`]), unsorted. False (with
/// `cuts` partly filled) when `text` holds a character [`sb_class`] does not
/// know.
fn fast_cuts(text: &str, cuts: &mut Vec<usize>) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Terminators before this offset belong to a run already handled.
    let mut run_end = 0;
    // Skip the bytes that can neither break nor start a terminator run.
    while let Some(k) = b[i..].iter().position(|&x| WATCHED[x as usize]) {
        i += k;
        let x = b[i];
        if x & 0xC0 == 0x80 {
            // The second byte of an Arabic-block character: U+061D..=U+061F
            // (D8 9D..9F) and U+06D4 (DB 94) are terminals, the others not.
            let lead = if i > 0 { b[i - 1] } else { 0 };
            if lead == 0xD8 && x >= 0x9D || lead == 0xDB && x == 0x94 {
                i -= 1;
            } else {
                i += 1;
                continue;
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let Some(class) = sb_class(c) else {
            return false;
        };
        let len = c.len_utf8();
        if i >= run_end && is_terminator(c) {
            let (end, cut) = terminator_run(text, i, c);
            cuts.extend(cut);
            run_end = end;
        }
        match class {
            // SB3, SB4: after a line break, but not between CR and LF.
            Sb::Cr => {
                if b.get(i + 1) != Some(&b'\n') {
                    cuts.push(i + 1);
                }
                i += 1;
            }
            Sb::Lf | Sb::Sep => {
                cuts.push(i + len);
                i += len;
            }
            Sb::ATerm | Sb::STerm => {
                let Some((next, cut)) = after_terminal(text, i, len, class) else {
                    return false;
                };
                if cut {
                    cuts.push(next);
                }
                i = next;
            }
            _ => i += len,
        }
    }
    true
}

/// UAX #29 after the terminal (`ATerm` or `STerm`) `text[i..i + len]`:
/// skips `Close* Sp*` (and `Extend`/`Format`, SB5) and returns the offset
/// of the next character (or the end), with true when SB11 breaks there,
/// that is when none of SB6 to SB10 applies. A following line break is left
/// to the caller (SB9, SB10, then SB4). `None` on a character [`sb_class`]
/// does not know.
fn after_terminal(text: &str, i: usize, len: usize, class: Sb) -> Option<(usize, bool)> {
    let mut p = i + len;
    // A Close or Sp came between the terminal and `p`.
    let mut gap = false;
    let mut in_spaces = false;
    let mut next = None;
    for c in text[p..].chars() {
        match sb_class(c)? {
            Sb::Extend => {}
            Sb::Close if !in_spaces => gap = true,
            Sb::Sp => {
                gap = true;
                in_spaces = true;
            }
            k => {
                next = Some(k);
                break;
            }
        }
        p += c.len_utf8();
    }
    let Some(next) = next else {
        return Some((p, false));
    };
    let no_break = match next {
        // SB9, SB10 (then SB4 after the line break); SB8a.
        Sb::Cr | Sb::Lf | Sb::Sep | Sb::SContinue | Sb::STerm | Sb::ATerm => true,
        _ if class != Sb::ATerm => false,
        // SB6: `3.5`.
        Sb::Numeric if !gap => true,
        // SB7: `U.S.A`.
        Sb::Upper if !gap && cased_before(text, i)? => true,
        // SB8: `etc. and`.
        _ => lower_follows(text, p)?,
    };
    Some((p, !no_break))
}

/// The character before offset `i`, skipping `Extend`/`Format`, is `Upper`
/// or `Lower` (SB7).
fn cased_before(text: &str, i: usize) -> Option<bool> {
    for c in text[..i].chars().rev() {
        match sb_class(c)? {
            Sb::Extend => {}
            k => return Some(matches!(k, Sb::Upper | Sb::Lower)),
        }
    }
    Some(false)
}

/// SB8: from offset `p`, a `Lower` comes before any `OLetter`, `Upper`,
/// line break or terminal.
fn lower_follows(text: &str, p: usize) -> Option<bool> {
    for c in text[p..].chars() {
        match sb_class(c)? {
            Sb::Lower => return Some(true),
            Sb::OLetter | Sb::Upper | Sb::Cr | Sb::Lf | Sb::Sep | Sb::STerm | Sb::ATerm => {
                return Some(false);
            }
            _ => {}
        }
    }
    Some(false)
}

/// Candidate cuts of `text` for any text: UAX #29 from
/// `unicode-segmentation`, then the Arabic-terminator cuts.
fn general_cuts(text: &str, cuts: &mut Vec<usize>) {
    use unicode_segmentation::UnicodeSegmentation;
    cuts.extend(
        text.split_sentence_bound_indices()
            .map(|(i, _)| i)
            .filter(|&i| i > 0),
    );
    let mut run_end = 0;
    for (i, c) in text.char_indices() {
        if i >= run_end && is_terminator(c) {
            let (end, cut) = terminator_run(text, i, c);
            cuts.extend(cut);
            run_end = end;
        }
    }
}

/// The terminator run starting with `c` at offset `i`: terminators, then
/// closers. Returns the offset after the run, and that offset as a cut when
/// whitespace follows in Arabic context (`c` is `؟` or `۔`, or the character
/// before the run is Arabic).
fn terminator_run(text: &str, i: usize, c: char) -> (usize, Option<usize>) {
    let before = text[..i].chars().next_back();
    let mut rest = text[i..].chars();
    let mut end = i;
    let mut next = rest.next();
    while let Some(t) = next.filter(|&t| is_terminator(t)) {
        end += t.len_utf8();
        next = rest.next();
    }
    while let Some(t) = next.filter(|&t| is_closer(t)) {
        end += t.len_utf8();
        next = rest.next();
    }
    let arabic = c == '\u{061F}' || c == '\u{06D4}' || before.is_some_and(is_arabic);
    let cut = next.is_some_and(char::is_whitespace) && arabic;
    (end, cut.then_some(end))
}

/// The sentences between `cuts`: sorted and deduplicated, a cut after an
/// abbreviation dropped unless a line break comes before it, each piece
/// trimmed of whitespace and dropped when empty.
fn spans_between(text: &str, mut cuts: Vec<usize>) -> Vec<Span> {
    const LINE_BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
    cuts.sort_unstable();
    cuts.dedup();
    // Drop cuts after an abbreviation: a one-letter Arabic word and a dot.
    // A line break always ends a sentence. Cuts in one run of whitespace
    // (a run of blank lines) share the text before it, found once, so the
    // work stays linear.
    let mut prev: Option<(usize, usize, bool)> = None;
    cuts.retain(|&cut| {
        let (head, line_break) = match prev {
            Some((p, head, line_break)) if text[p..cut].chars().all(char::is_whitespace) => {
                (head, line_break || text[p..cut].contains(LINE_BREAKS))
            }
            _ => {
                let head = text[..cut].trim_end().len();
                (head, text[head..cut].contains(LINE_BREAKS))
            }
        };
        prev = Some((cut, head, line_break));
        line_break || !ends_with_abbreviation(&text[..head])
    });
    pieces(text, cuts)
}

/// The non-blank pieces of `text` between sorted byte offsets `cuts`, with
/// surrounding white space trimmed.
fn pieces(text: &str, cuts: Vec<usize>) -> Vec<Span> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for end in cuts.into_iter().chain(std::iter::once(text.len())) {
        if end <= start {
            continue;
        }
        let s = &text[start..end];
        let t = s.trim_start();
        let a = start + (s.len() - t.len());
        let t = t.trim_end();
        if !t.is_empty() {
            out.push(Span::new(a, a + t.len()));
        }
        start = end;
    }
    out
}

/// `… د.`: a dot right after a one-letter Arabic word.
fn ends_with_abbreviation(s: &str) -> bool {
    let Some(s) = s.strip_suffix('.') else {
        return false;
    };
    let mut it = s.chars().rev();
    let Some(letter) = it.next() else {
        return false;
    };
    ('\u{0621}'..='\u{064A}').contains(&letter) && it.next().is_none_or(char::is_whitespace)
}

#[cfg(test)]
mod tests;
