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
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sentence_boundaries() {
        let s = |t: &str| -> Vec<String> {
            sentences(t)
                .iter()
                .map(|s| s.slice(t).to_string())
                .collect()
        };
        assert_eq!(s("هل انتهى؟ نعم."), ["هل انتهى؟", "نعم."]);
        assert_eq!(s("قال، ثم أضاف؛ وانتهى"), ["قال، ثم أضاف؛ وانتهى"]);
        assert_eq!(s("أولا!ثانيا"), ["أولا!", "ثانيا"]);
        assert_eq!(
            s("سطر أول\nسطر ثان\r\n\r\nفقرة"),
            ["سطر أول", "سطر ثان", "فقرة"]
        );
        assert_eq!(s("قال. iPhone جديد"), ["قال.", "iPhone جديد"]);
        assert_eq!(s("قال «انتهى.» ثم"), ["قال «انتهى.»", "ثم"]);
        assert_eq!(s("التقى د. أحمد بـ م. علي"), ["التقى د. أحمد بـ م. علي"]);
        assert_eq!(s("نسبة 3.5 بالمئة"), ["نسبة 3.5 بالمئة"]);
        assert_eq!(s("e.g. this one"), ["e.g. this one"]);
        assert_eq!(s("قال د.\nأحمد"), ["قال د.", "أحمد"]);
        assert_eq!(s("  \n "), Vec::<String>::new());
        let text = "جملة أولى. جملة ثانية؟";
        for sp in sentences(text) {
            assert!(text.is_char_boundary(sp.start()) && text.is_char_boundary(sp.end()));
        }
    }

    /// The previous implementation of [`sentences`] (unicode-segmentation
    /// for UAX #29, then the Arabic rules over a vector of all characters):
    /// the new one must give exactly its spans.
    fn reference_sentences(text: &str) -> Vec<Span> {
        use unicode_segmentation::UnicodeSegmentation;
        let mut cuts: Vec<usize> = text
            .split_sentence_bound_indices()
            .map(|(i, _)| i)
            .filter(|&i| i > 0)
            .collect();
        // Extra cuts in Arabic context.
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut k = 0;
        while k < chars.len() {
            let (_, c) = chars[k];
            if !is_terminator(c) {
                k += 1;
                continue;
            }
            let before = k.checked_sub(1).map(|j| chars[j].1);
            let mut j = k;
            while j < chars.len() && is_terminator(chars[j].1) {
                j += 1;
            }
            while j < chars.len() && is_closer(chars[j].1) {
                j += 1;
            }
            let at_space = j < chars.len() && chars[j].1.is_whitespace();
            let arabic = c == '\u{061F}' || c == '\u{06D4}' || before.is_some_and(is_arabic);
            if at_space && arabic {
                cuts.push(chars[j].0);
            }
            k = j.max(k + 1);
        }
        cuts.sort_unstable();
        cuts.dedup();
        // Drop cuts after an abbreviation: a one-letter Arabic word and a dot.
        // A line break always ends a sentence.
        cuts.retain(|&cut| {
            let head = text[..cut].trim_end();
            text[head.len()..cut].contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
                || !ends_with_abbreviation(head)
        });
        let mut out = Vec::new();
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

    /// Both implementations agree on `text` (with a readable failure).
    fn assert_same(text: &str) {
        let new = sentences(text);
        let old = reference_sentences(text);
        if new != old {
            let show = |v: &[Span]| -> Vec<String> {
                v.iter().map(|s| format!("{:?}", s.slice(text))).collect()
            };
            panic!(
                "sentences differ on {text:?}\n new: {:?}\n old: {:?}",
                show(&new),
                show(&old)
            );
        }
    }

    /// UAX #29 breaks of `s` according to unicode-segmentation, as
    /// character (not byte) offsets.
    fn uax_breaks(s: &str) -> Vec<usize> {
        use unicode_segmentation::UnicodeSegmentation;
        s.split_sentence_bound_indices()
            .map(|(i, _)| s[..i].chars().count())
            .collect()
    }

    /// Contexts in which the Sentence_Break classes behave differently;
    /// `@` stands for the character under test.
    const PROBES: [&str; 18] = [
        "@\n",
        "\r@",
        "a@a",
        "a@A",
        "a.@",
        "a.@a",
        "a. @a",
        "a. @A",
        "A.@A",
        "a.@1",
        "a?@",
        "a? @",
        "a?@a",
        "@.A",
        "@a",
        "a.)@",
        "a.\u{301}@",
        "@\u{301}",
    ];

    /// How unicode-segmentation breaks around `c` in every probe.
    fn behaviour(c: char) -> Vec<Vec<usize>> {
        let mut buf = [0u8; 4];
        let c = c.encode_utf8(&mut buf);
        PROBES
            .iter()
            .map(|p| uax_breaks(&p.replace('@', c)))
            .collect()
    }

    /// One character of each class.
    const REPRESENTATIVES: [(Sb, char); 14] = [
        (Sb::Other, '#'),
        (Sb::OLetter, '\u{05D0}'),
        (Sb::Numeric, '7'),
        (Sb::SContinue, ','),
        (Sb::Upper, 'Q'),
        (Sb::Lower, 'q'),
        (Sb::Close, ')'),
        (Sb::Sp, ' '),
        (Sb::Extend, '\u{0301}'),
        (Sb::ATerm, '.'),
        (Sb::STerm, '?'),
        (Sb::Cr, '\r'),
        (Sb::Lf, '\n'),
        (Sb::Sep, '\u{2028}'),
    ];

    #[test]
    fn sb_class_matches_unicode_segmentation() {
        // The probes tell every class apart, and Format behaves as Extend.
        let reps: Vec<(Sb, Vec<Vec<usize>>)> = REPRESENTATIVES
            .iter()
            .map(|&(k, c)| (k, behaviour(c)))
            .collect();
        for (i, (k, b)) in reps.iter().enumerate() {
            for (k2, b2) in &reps[i + 1..] {
                assert_ne!(b, b2, "{k:?} and {k2:?} look alike");
            }
        }
        assert_eq!(behaviour('\u{00AD}'), reps[8].1, "Format is not Extend");
        // Every character sb_class knows has the behaviour of its class.
        let mut known = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let Some(k) = sb_class(c) else { continue };
            known += 1;
            let rep = &reps.iter().find(|(r, _)| *r == k).expect("every class").1;
            assert_eq!(&behaviour(c), rep, "U+{:04X} is not {k:?}", c as u32);
        }
        assert!(known > 4000, "{known}");
        // Characters outside the table: the general path.
        assert_eq!(sb_class('\u{0100}'), None);
        assert_eq!(sb_class('\u{3002}'), None);
    }

    /// Characters the sentence rules care about, Arabic and Latin letters
    /// and spaces weighted up.
    const POOL: &[char] = &[
        'ا',
        'ل',
        'م',
        'د',
        'ب',
        'ة',
        'ى',
        'ء',
        'ي',
        'ك',
        'ن',
        'و',
        'ه',
        'a',
        'b',
        'z',
        'A',
        'B',
        'Z',
        'é',
        'É',
        'ß',
        'µ',
        '0',
        '3',
        '٣',
        '۵',
        ' ',
        ' ',
        ' ',
        ' ',
        '\t',
        '\u{0B}',
        '\u{0C}',
        '\u{A0}',
        '\u{2009}',
        '\u{202F}',
        '\n',
        '\n',
        '\r',
        '\u{85}',
        '\u{2028}',
        '\u{2029}',
        '.',
        '.',
        '.',
        '!',
        '?',
        '؟',
        '۔',
        '…',
        '\u{2024}',
        '\u{203C}',
        '\u{061D}',
        '\u{061E}',
        '«',
        '»',
        '"',
        '\'',
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '“',
        '”',
        '‘',
        '’',
        '‹',
        '›',
        '﴾',
        '﴿',
        '،',
        '؛',
        ',',
        ';',
        ':',
        '-',
        '–',
        '—',
        '\u{064E}',
        '\u{0651}',
        '\u{0670}',
        '\u{0301}',
        '\u{0640}',
        '\u{200C}',
        '\u{200D}',
        '\u{200B}',
        '\u{200F}',
        '\u{061C}',
        '\u{00AD}',
        '\u{FEFF}',
        '\u{FE0F}',
        '\u{20E3}',
        'ﻻ',
        'ﷺ',
        '\u{0600}',
        '٪',
        '#',
        '@',
        '/',
        '%',
        '*',
        '😂',
        '👍',
        '\u{1F3FD}',
        '\u{1F1F5}',
        '\u{25CF}',
    ];

    /// Characters [`sb_class`] does not know (the general path).
    const RARE: &[char] = &[
        '\u{0101}',
        '\u{3002}',
        '\u{3001}',
        'Ω',
        'ж',
        '\u{10400}',
        '\u{E0001}',
    ];

    fn pool_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(POOL), 0..120)
            .prop_map(|v| v.into_iter().collect())
    }

    fn mixed_text() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            20 => proptest::sample::select(POOL),
            1 => proptest::sample::select(RARE),
            1 => any::<char>(),
        ];
        proptest::collection::vec(c, 0..120).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        // 512 cases by default; PROPTEST_CASES raises it for a long run.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
        ))]

        #[test]
        fn sentences_equal_reference_on_pool_text(text in pool_text()) {
            assert_same(&text);
        }

        #[test]
        fn sentences_equal_reference_on_mixed_text(text in mixed_text()) {
            assert_same(&text);
        }

        #[test]
        fn sentences_equal_reference_on_any_text(text in any::<String>()) {
            assert_same(&text);
        }

        #[test]
        fn sentences_equal_reference_on_words(
            words in proptest::collection::vec(
                proptest::sample::select(&[
                    "قال", "د.", "م.", "أ.", "هل", "انتهى؟", "نعم،", "انتهى.", "iPhone", "e.g.",
                    "U.S.", "A.", "3.5", "«انتهى.»", "(ثم)", "etc.", "Mr.", "ok!", "ok?!", "...",
                    "…", "؟؟", "۔", "\n", "\r\n", " ", "  ", "\u{2029}", "أولا!ثانيا", ".\"",
                    "١٢.٣", "2023م.", "1.", "a.b", "(a.)", ".)", "\u{0651}.", "\u{200F}",
                ][..]),
                0..30,
            )
        ) {
            assert_same(&words.join(" "));
            assert_same(&words.concat());
        }
    }

    #[test]
    fn fast_path_is_taken_on_news_text() {
        let text = "قال د. أحمد: «هل انتهى؟» نعم، انتهى… U.S. e.g. this 3.5 A. B\r\nسطر—آخر ﴿الله﴾ 😂\u{2028}";
        let mut cuts = Vec::new();
        assert!(fast_cuts(text, &mut cuts));
        assert!(!cuts.is_empty());
        assert!(!fast_cuts("a. \u{0101}b", &mut cuts));
        assert_same(text);
        assert_same("a. \u{0101}b");
    }

    #[test]
    fn long_blank_runs_stay_linear() {
        // A cut after every line break of a long blank run: each must not
        // look back over the whole run (quadratic when it did, which made
        // this test run for hours; no timing is asserted).
        let blank = format!(
            "قال د.{}انتهى. ثم\r\n{}",
            "\n".repeat(300_000),
            " \n".repeat(300_000)
        );
        let s: Vec<&str> = sentences(&blank).iter().map(|s| s.slice(&blank)).collect();
        assert_eq!(s, ["قال د.", "انتهى.", "ثم"]);
        for n in [1, 2, 3, 10] {
            for unit in ["\n", " ", "\r\n", " \u{2028}", "\t"] {
                assert_same(&format!("أ.{}د.{}ب", unit.repeat(n), unit.repeat(n)));
                assert_same(&format!("a.{}B. {}c", unit.repeat(n), unit.repeat(n)));
            }
        }
    }

    /// Texts of a JSON Lines file's `text` fields, if the file is there.
    fn jsonl_texts(path: &std::path::Path) -> Vec<String> {
        let Ok(file) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        file.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text")?.as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn sentences_equal_reference_on_corpora() {
        let synth = athar_synth::generate(&athar_synth::SynthParams {
            docs: 300,
            ..athar_synth::SynthParams::default()
        })
        .expect("valid parameters");
        for d in &synth.docs {
            assert_same(&d.text);
        }
        // The seed articles, whole and line by line.
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut seeds = 0;
        for entry in std::fs::read_dir(&corpus).expect("corpus/") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).expect("utf-8 seed");
                assert_same(&text);
                text.lines().for_each(assert_same);
                seeds += 1;
            }
        }
        assert!(seeds >= 5);
        // The shared reference files and real data beside the repository
        // (never copied into it): the test needs them.
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        for dir in ["arabic", "seeds", "data"] {
            let Ok(entries) = std::fs::read_dir(shared.join(dir)) else {
                panic!(
                    "this test needs {} (the project's shared data beside the repository)",
                    shared.join(dir).display()
                );
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if path.extension().is_some_and(|e| e == "jsonl") {
                    jsonl_texts(&path).iter().for_each(|t| assert_same(t));
                } else {
                    assert_same(&text);
                    text.lines().for_each(assert_same);
                }
            }
        }
    }
}
