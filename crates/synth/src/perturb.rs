//! Builders of truth cases: inserting a paragraph, shuffling words, perturbing
//! spelling (diacritics, tatweel, letter variants).

use super::*;

/// Where [`insert_paragraph`] puts the paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    /// Before the first line.
    Start,
    /// After the first `⌈n / 2⌉` of `n` lines (after the only line if `n == 1`).
    Middle,
    /// After the last line.
    End,
}

/// Inserts `paragraph` as a line of its own into `host` (lines separated by
/// `\n`) and returns the new text with the byte span of the paragraph in it.
///
/// ```
/// use athar_synth::{insert_paragraph, Position};
/// let (text, (s, e)) = insert_paragraph("أ\nب\nج", "فقرة", Position::Middle);
/// assert_eq!(text, "أ\nب\nفقرة\nج");
/// assert_eq!(&text[s..e], "فقرة");
/// ```
pub fn insert_paragraph(host: &str, paragraph: &str, at: Position) -> (String, (usize, usize)) {
    let mut out = String::with_capacity(host.len() + paragraph.len() + 2);
    if host.is_empty() {
        out.push_str(paragraph);
        return (out, (0, paragraph.len()));
    }
    let split = match at {
        Position::Start => 0,
        Position::End => host.len(),
        Position::Middle => {
            let n = host.split('\n').count();
            // Byte offset of the start of line n/2 (rounded up for odd n).
            let k = n.div_ceil(2);
            if k >= n {
                host.len()
            } else {
                host.match_indices('\n')
                    .nth(k - 1)
                    .map_or(host.len(), |(i, _)| i + 1)
            }
        }
    };
    if split == 0 {
        out.push_str(paragraph);
        out.push('\n');
        out.push_str(host);
        (out, (0, paragraph.len()))
    } else if split >= host.len() {
        out.push_str(host);
        out.push('\n');
        let s = out.len();
        out.push_str(paragraph);
        let e = out.len();
        (out, (s, e))
    } else {
        out.push_str(&host[..split]);
        let s = out.len();
        out.push_str(paragraph);
        let e = out.len();
        out.push('\n');
        out.push_str(&host[split..]);
        (out, (s, e))
    }
}

/// The whitespace-separated words of `paragraph` in a random order, joined
/// by single spaces. The multiset of words is unchanged.
pub fn shuffle_words(paragraph: &str, rng: &mut SynthRng) -> String {
    let mut words: Vec<&str> = paragraph.split_whitespace().collect();
    if words.len() > 1 {
        let before = words.clone();
        rng.shuffle(&mut words);
        if words == before {
            words.rotate_left(1);
        }
    }
    words.join(" ")
}

pub(crate) const FATHATAN: char = '\u{064B}';
pub(crate) const DAMMATAN: char = '\u{064C}';
pub(crate) const KASRATAN: char = '\u{064D}';
pub(crate) const HARAKAT: [char; 4] = ['\u{064E}', '\u{064F}', '\u{0650}', '\u{0652}'];
pub(crate) const SHADDA: char = '\u{0651}';
pub(crate) const TATWEEL: char = '\u{0640}';
pub(crate) const TANWIN_CHOICES: [&[char]; 4] =
    [&[FATHATAN], &[DAMMATAN], &[KASRATAN], &[HARAKAT[0]]];
pub(crate) const SHADDA_CHOICES: [&[char]; 3] =
    [&[SHADDA, HARAKAT[0]], &[SHADDA, HARAKAT[1]], &[SHADDA]];
pub(crate) const HARAKA_CHOICES: [&[char]; 4] =
    [&[HARAKAT[0]], &[HARAKAT[1]], &[HARAKAT[2]], &[HARAKAT[3]]];

/// Letters that do not join to the next letter (no tatweel after them).
pub(crate) fn joins_next(c: char) -> bool {
    is_arabic_letter(c) && !"اأإآدذرزوؤةىء".contains(c)
}

pub(crate) fn add_variants(word: &str, rng: &mut SynthRng) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    // Candidate edits: (index, replacement).
    let mut cands: Vec<(usize, char)> = Vec::new();
    // Alef at the start, or after a clitic prefix (ال و ب ل ف وال بال).
    for i in 0..n.min(4) {
        let c = chars[i];
        let prefix: String = chars[..i].iter().collect();
        if i > 0
            && !matches!(
                prefix.as_str(),
                "ال" | "و" | "ب" | "ل" | "ف" | "وال" | "بال"
            )
        {
            continue;
        }
        match c {
            'أ' | 'إ' | 'آ' => cands.push((i, 'ا')),
            // Not the alef of the article ال.
            'ا' if chars.get(i + 1) != Some(&'ل') => {
                cands.push((i, if rng.chance(0.5) { 'أ' } else { 'إ' }))
            }
            _ => {}
        }
    }
    if n >= 2 {
        match chars[n - 1] {
            'ى' => cands.push((n - 1, 'ي')),
            'ي' => cands.push((n - 1, 'ى')),
            'ة' => cands.push((n - 1, 'ه')),
            _ => {}
        }
    }
    if cands.is_empty() {
        return None;
    }
    let (i, r) = *rng.pick(&cands);
    let mut out = chars;
    out[i] = r;
    Some(out.into_iter().collect())
}

pub(crate) fn add_tatweel(word: &str, rng: &mut SynthRng) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let spots: Vec<usize> = (0..chars.len().saturating_sub(1))
        .filter(|&i| joins_next(chars[i]) && is_arabic_letter(chars[i + 1]))
        .collect();
    if spots.is_empty() {
        return None;
    }
    let at = *rng.pick(&spots);
    let count = if rng.chance(0.8) { 1 } else { rng.range(2, 4) };
    let mut out = String::with_capacity(word.len() + 2 * count);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        if i == at {
            out.extend(std::iter::repeat_n(TATWEEL, count));
        }
    }
    Some(out)
}

/// Adds diacritics the way news text has them: mostly a final tanwin or
/// haraka (أيضًا), sometimes one shadda with its haraka, rarely a fully
/// vocalized word. Returns `None` when the word has no Arabic letter.
pub(crate) fn add_diacritics(word: &str, rng: &mut SynthRng) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| is_arabic_letter(chars[i]))
        .collect();
    let &last = letters.last()?;
    // marks[i]: the marks to put after chars[i].
    let mut marks: Vec<&'static [char]> = vec![&[]; chars.len()];
    let mode = rng.below(100);
    if mode < 60 {
        // Final tanwin (on a final alef, the tanwin goes on the letter before).
        let at = if chars[last] == 'ا' && letters.len() >= 2 {
            letters[letters.len() - 2]
        } else {
            last
        };
        marks[at] = *rng.pick(&TANWIN_CHOICES[..]);
    } else if mode < 85 && letters.len() >= 3 {
        let at = letters[rng.range(1, letters.len() - 2)];
        marks[at] = *rng.pick(&SHADDA_CHOICES[..]);
    } else {
        for &i in &letters {
            if !"اىآوي".contains(chars[i]) || i == last {
                marks[i] = *rng.pick(&HARAKA_CHOICES[..]);
            }
        }
        if marks.iter().all(|m| m.is_empty()) {
            marks[last] = &HARAKAT[..1];
        }
    }
    let mut out = String::with_capacity(word.len() * 2);
    for (c, m) in chars.iter().zip(&marks) {
        out.push(*c);
        out.extend(m.iter());
    }
    Some(out)
}

/// Splits a whitespace-separated token into leading punctuation, core and
/// trailing punctuation.
pub(crate) fn split_token(tok: &str) -> (&str, &str, &str) {
    let is_core = |c: char| c.is_alphanumeric() || is_arabic_mark(c);
    let start = tok.find(is_core).unwrap_or(tok.len());
    let end = tok.rfind(is_core).map_or(start, |i| {
        i + tok[i..].chars().next().map_or(0, char::len_utf8)
    });
    (
        &tok[..start],
        &tok[start..end.max(start)],
        &tok[end.max(start)..],
    )
}

pub(crate) fn is_sentence_end(tok: &str) -> bool {
    tok.ends_with(['.', '؟', '!', '?']) || tok.ends_with(".»") || tok.ends_with("؟»")
}

/// A perturbed copy of `text`: sentences and paragraphs (lines) swapped with
/// their neighbours, words substituted, inserted or deleted, diacritics,
/// tatweel and letter variants added, boilerplate lines added, each at the
/// rates of `p`. Whitespace within a line is normalized to single spaces.
/// With [`PerturbParams::none`] only whitespace may change.
pub fn perturb(text: &str, p: &PerturbParams, rng: &mut SynthRng) -> String {
    let vocab = vocab();
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.len() >= 3 && p.reorder_rate > 0.0 {
        for i in 1..lines.len() - 1 {
            if rng.chance(p.reorder_rate) {
                lines.swap(i, i + 1);
            }
        }
    }
    let mut out_lines: Vec<String> = Vec::with_capacity(lines.len() + 2);
    if rng.chance(p.boilerplate_rate) {
        out_lines.push(boilerplate_header(rng));
    }
    for line in lines {
        // Sentences as token lists.
        let mut sentences: Vec<Vec<&str>> = vec![Vec::new()];
        for tok in line.split_whitespace() {
            sentences.last_mut().expect("non-empty").push(tok);
            if is_sentence_end(tok) {
                sentences.push(Vec::new());
            }
        }
        sentences.retain(|s| !s.is_empty());
        if p.reorder_rate > 0.0 {
            for i in 0..sentences.len().saturating_sub(1) {
                if rng.chance(p.reorder_rate) {
                    sentences.swap(i, i + 1);
                }
            }
        }
        let mut out = String::with_capacity(line.len() + line.len() / 4);
        let push_word = |out: &mut String, w: &str| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        };
        for tok in sentences.iter().flatten() {
            let (pre, core, post) = split_token(tok);
            let mut core: std::borrow::Cow<'_, str> = core.into();
            let mut insert_after: Option<&str> = None;
            if !core.is_empty() && rng.chance(p.edit_rate) {
                match rng.below(3) {
                    0 => core = vocab.zipf(rng).into(),
                    1 => insert_after = Some(vocab.zipf(rng)),
                    _ => {
                        if pre.is_empty() && post.is_empty() {
                            continue;
                        }
                        core = vocab.zipf(rng).into();
                    }
                }
            }
            if !core.is_empty() {
                if rng.chance(p.variant_rate) {
                    if let Some(v) = add_variants(&core, rng) {
                        core = v.into();
                    }
                }
                if rng.chance(p.tatweel_rate) {
                    if let Some(v) = add_tatweel(&core, rng) {
                        core = v.into();
                    }
                }
                if rng.chance(p.diacritics_rate) {
                    if let Some(v) = add_diacritics(&core, rng) {
                        core = v.into();
                    }
                }
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(pre);
            out.push_str(&core);
            out.push_str(post);
            if let Some(w) = insert_after {
                push_word(&mut out, w);
            }
        }
        out_lines.push(out);
    }
    if rng.chance(p.boilerplate_rate) {
        out_lines.push(boilerplate_footer(rng));
    }
    out_lines.join("\n")
}
