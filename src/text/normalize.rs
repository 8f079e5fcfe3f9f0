//! Arabic normalization: the reference pipeline of
//! `shared/arabic-normalization.md` §3, with the optional folds of §6.
//!
//! The steps, in this order (the order matters):
//!
//! 1. delete the invisible controls ([`is_invisible_control`]): U+00AD,
//!    U+061C, U+180E, U+200B–U+200F, U+202A–U+202E, U+2060–U+2064,
//!    U+2066–U+2069, U+FEFF, U+FE00–U+FE0F, U+E0100–U+E01EF. With
//!    [`NormalizeOptions::zwsp_as_space`], U+200B becomes a space instead;
//! 2. camel-tools' fix (U+FDFC → `ريال`, U+FDFD → `بسم الله الرحمن الرحيم`),
//!    then NFKC;
//! 3. lowercase, like Python's `str.lower()` (final sigma included), unless
//!    [`NormalizeOptions::keep_case`];
//! 4. delete the Arabic diacritics of [`is_diacritic`] (an explicit list, not
//!    a category test) and 5. tatweel U+0640;
//! 6. آ أ إ ٱ → ا, 7. ى → ي, 8. ة → ه;
//! 9. Arabic-Indic U+0660–U+0669 and extended U+06F0–U+06F9 digits → ASCII;
//!    then the optional folds [`NormalizeOptions::fold_persian`],
//!    [`NormalizeOptions::fold_foreign`] and [`NormalizeOptions::hamza_seats`].
//!
//! One deliberate addition: when the result of steps 1–9 is not itself NFKC
//! (possible only when a deleted tatweel or Arabic mark sat between a base
//! character and a *non-Arabic* combining mark, e.g. `e` U+0640 U+0301),
//! steps 2–9 are applied again until it is. This keeps normalization
//! idempotent; it never changes text whose reference result is already NFKC.
//!
//! [`Preset::None`] skips steps 2–9 (see its documentation).
//! Tokenization (step 10) lives in [`crate::text::tokenize`].

use serde::{Deserialize, Serialize};
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;

/// Named normalization presets, like tantivy's analyzers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The reference pipeline (§3 steps 1–9) plus Persian-letter folding.
    #[default]
    Default,
    /// Default plus hamza seats (ؤ → و, ئ → ي) and foreign letters
    /// (پ چ ژ ڤ گ ڨ → ب ج ز ف ك ق) folded.
    Loose,
    /// Tokenization only. The text is cut by the token rule of §3 step 10
    /// exactly as written, except that the invisible controls of §3 step 1
    /// are deleted (otherwise a ZWNJ or a bidi mark would split a word
    /// invisibly). No NFKC, no lowercasing, no diacritic or tatweel removal,
    /// no letter or digit folding: tokens keep their marks (`عددًا` stays
    /// `عددًا`, but a mark at the start of a token is dropped as the token
    /// rule says). Flags set explicitly on top of this preset
    /// (`keep_case: false`, `fold_persian`, `fold_foreign`, `hamza_seats`,
    /// `zwsp_as_space`, `split_digits`) still apply.
    None,
}

/// Which folds are applied. Build one with [`NormalizeOptions::preset`] and
/// adjust single flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NormalizeOptions {
    /// The preset these options started from.
    pub preset: Preset,
    /// Keep letter case (default: lowercase non-Arabic letters).
    pub keep_case: bool,
    /// ک ڪ → ك; ی ۍ ې ے → ي; ۀ ہ ۂ ۃ ھ ە → ه (on by default).
    pub fold_persian: bool,
    /// پ چ ژ ڤ ڥ ڦ گ ڨ → ب ج ز ف ف ف ك ق.
    pub fold_foreign: bool,
    /// ؤ → و, ئ → ي.
    pub hamza_seats: bool,
    /// U+200B is a space rather than deleted.
    pub zwsp_as_space: bool,
    /// Split digit runs from letter runs (`2023م` → `2023`, `م`).
    pub split_digits: bool,
}

impl NormalizeOptions {
    /// The options of a named preset.
    pub fn preset(preset: Preset) -> NormalizeOptions {
        let base = NormalizeOptions {
            preset,
            keep_case: false,
            fold_persian: true,
            fold_foreign: false,
            hamza_seats: false,
            zwsp_as_space: false,
            split_digits: true,
        };
        match preset {
            Preset::Default => base,
            Preset::Loose => NormalizeOptions {
                fold_foreign: true,
                hamza_seats: true,
                ..base
            },
            Preset::None => NormalizeOptions {
                keep_case: true,
                fold_persian: false,
                ..base
            },
        }
    }

    /// A short stable id naming these options, recorded in signatures and
    /// reports: the preset name, plus `+flag`/`-flag` for each difference.
    ///
    /// ```
    /// use athar::text::normalize::{NormalizeOptions, Preset};
    /// let mut o = NormalizeOptions::preset(Preset::Default);
    /// assert_eq!(o.id(), "default");
    /// o.fold_persian = false;
    /// o.hamza_seats = true;
    /// assert_eq!(o.id(), "default-fold-persian+hamza-seats");
    /// ```
    pub fn id(&self) -> String {
        let base = NormalizeOptions::preset(self.preset);
        let mut id = match self.preset {
            Preset::Default => "default",
            Preset::Loose => "loose",
            Preset::None => "none",
        }
        .to_string();
        let flags = [
            ("keep-case", self.keep_case, base.keep_case),
            ("fold-persian", self.fold_persian, base.fold_persian),
            ("fold-foreign", self.fold_foreign, base.fold_foreign),
            ("hamza-seats", self.hamza_seats, base.hamza_seats),
            ("zwsp-as-space", self.zwsp_as_space, base.zwsp_as_space),
            ("split-digits", self.split_digits, base.split_digits),
        ];
        for (name, on, default) in flags {
            if on != default {
                id.push(if on { '+' } else { '-' });
                id.push_str(name);
            }
        }
        id
    }
}

impl NormalizeOptions {
    /// Parse an id written by [`NormalizeOptions::id`] (`default`,
    /// `loose+zwsp-as-space`, `none-split-digits`, …). `None` for an unknown
    /// preset or flag.
    ///
    /// ```
    /// use athar::text::normalize::NormalizeOptions;
    /// let o = NormalizeOptions::from_id("loose-fold-persian+keep-case").unwrap();
    /// assert!(!o.fold_persian && o.keep_case && o.hamza_seats);
    /// assert_eq!(o.id(), "loose+keep-case-fold-persian");
    /// ```
    pub fn from_id(id: &str) -> Option<NormalizeOptions> {
        let end = id.find(['+', '-']).unwrap_or(id.len());
        let mut opts = NormalizeOptions::preset(match &id[..end] {
            "default" => Preset::Default,
            "loose" => Preset::Loose,
            "none" => Preset::None,
            _ => return None,
        });
        let mut rest = &id[end..];
        while let Some(sign) = rest.chars().next() {
            let on = sign == '+';
            let body = &rest[1..];
            let name = FLAG_NAMES.iter().find(|f| {
                body.strip_prefix(**f)
                    .is_some_and(|r| r.is_empty() || r.starts_with(['+', '-']))
            })?;
            let flag = match *name {
                "keep-case" => &mut opts.keep_case,
                "fold-persian" => &mut opts.fold_persian,
                "fold-foreign" => &mut opts.fold_foreign,
                "hamza-seats" => &mut opts.hamza_seats,
                "zwsp-as-space" => &mut opts.zwsp_as_space,
                _ => &mut opts.split_digits,
            };
            *flag = on;
            rest = &body[name.len()..];
        }
        Some(opts)
    }
}

/// The flag names used in [`NormalizeOptions::id`].
const FLAG_NAMES: [&str; 6] = [
    "keep-case",
    "fold-persian",
    "fold-foreign",
    "hamza-seats",
    "zwsp-as-space",
    "split-digits",
];

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions::preset(Preset::Default)
    }
}

/// U+FDFD ARABIC LIGATURE BISMILLAH, expanded by camel-tools before NFKC.
const BISMILLAH: &str = "بسم الله الرحمن الرحيم";
/// U+FDFC RIAL SIGN, rewritten by camel-tools before NFKC (NFKC would give a
/// farsi yeh).
const RIAL: &str = "ريال";

/// The invisible controls deleted before NFKC (§3 step 1).
#[inline]
pub fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// The Arabic diacritics deleted after NFKC (§3 step 4): U+0610–U+061A,
/// U+064B–U+065F, U+0670, U+06D6–U+06DC, U+06DF–U+06E8, U+06EA–U+06ED,
/// U+0897–U+089F, U+08CA–U+08E1, U+08E3–U+08FF. Tatweel is not included.
#[inline]
pub fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06DC}'
            | '\u{06DF}'..='\u{06E8}'
            | '\u{06EA}'..='\u{06ED}'
            | '\u{0897}'..='\u{089F}'
            | '\u{08CA}'..='\u{08E1}'
            | '\u{08E3}'..='\u{08FF}'
    )
}

/// Coarse general category as the token rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cat {
    /// `Nd`.
    Digit,
    /// `L*`, `Nl`, `No`.
    Letter,
    /// `M*`.
    Mark,
    /// Everything else: separates tokens.
    Other,
}

/// The coarse category of `c`.
#[inline]
pub(crate) fn cat(c: char) -> Cat {
    use GeneralCategory as G;
    if c.is_ascii() {
        return if c.is_ascii_digit() {
            Cat::Digit
        } else if c.is_ascii_alphabetic() {
            Cat::Letter
        } else {
            Cat::Other
        };
    }
    match get_general_category(c) {
        G::DecimalNumber => Cat::Digit,
        G::UppercaseLetter
        | G::LowercaseLetter
        | G::TitlecaseLetter
        | G::ModifierLetter
        | G::OtherLetter
        | G::LetterNumber
        | G::OtherNumber => Cat::Letter,
        G::NonspacingMark | G::SpacingMark | G::EnclosingMark => Cat::Mark,
        _ => Cat::Other,
    }
}

/// Steps 4–9 and the optional folds for one character of NFKC, lowercased
/// text: `None` when the character is deleted.
#[inline]
pub(crate) fn fold_char(c: char, opts: &NormalizeOptions) -> Option<char> {
    if opts.preset == Preset::None {
        return Some(fold_optional(c, opts));
    }
    let c = match c {
        '\u{0640}' => return None,
        c if is_diacritic(c) => return None,
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => '\u{0627}',
        '\u{0649}' => '\u{064A}',
        '\u{0629}' => '\u{0647}',
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        c => c,
    };
    Some(fold_optional(c, opts))
}

/// The optional folds (§1 and §6 tables).
#[inline]
fn fold_optional(c: char, opts: &NormalizeOptions) -> char {
    if !('\u{0624}'..='\u{06D5}').contains(&c) {
        return c;
    }
    if opts.fold_persian {
        match c {
            // keheh, swash kaf → kaf
            '\u{06A9}' | '\u{06AA}' => return '\u{0643}',
            // farsi yeh, yeh with tail, E, yeh barree → yeh
            '\u{06CC}' | '\u{06CD}' | '\u{06D0}' | '\u{06D2}' => return '\u{064A}',
            // heh with yeh above, heh goal (+hamza), teh marbuta goal,
            // heh doachashmee, AE → heh
            '\u{06C0}'..='\u{06C3}' | '\u{06BE}' | '\u{06D5}' => return '\u{0647}',
            _ => {}
        }
    }
    if opts.fold_foreign {
        match c {
            '\u{067E}' => return '\u{0628}',              // peh → beh
            '\u{0686}' => return '\u{062C}',              // tcheh → jeem
            '\u{0698}' => return '\u{0632}',              // jeh → zain
            '\u{06A4}'..='\u{06A6}' => return '\u{0641}', // veh, peheh → feh
            '\u{06AF}' => return '\u{0643}',              // gaf → kaf
            '\u{06A8}' => return '\u{0642}',              // qaf with 3 dots → qaf
            _ => {}
        }
    }
    if opts.hamza_seats {
        match c {
            '\u{0624}' => return '\u{0648}',
            '\u{0626}' => return '\u{064A}',
            _ => {}
        }
    }
    c
}

/// Reusable buffers for [`normalize_with`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    a: String,
    b: String,
    c: String,
}

/// Normalize one character sequence (no tokenization), appending to `out`.
///
/// This is the whole-text form of the pipeline (steps 1–9, see the module
/// documentation); the tokenizer gives the same tokens while keeping byte
/// offsets into the original text.
///
/// ```
/// use athar::text::normalize::{NormalizeOptions, normalize_into};
/// let mut out = String::new();
/// normalize_into("الـمَدرسةُ ٢٠٢٣", &NormalizeOptions::default(), &mut out);
/// assert_eq!(out, "المدرسه 2023");
/// ```
pub fn normalize_into(text: &str, opts: &NormalizeOptions, out: &mut String) {
    normalize_with(text, opts, &mut Scratch::default(), out);
}

/// [`normalize_into`] with caller-owned scratch buffers.
pub(crate) fn normalize_with(
    text: &str,
    opts: &NormalizeOptions,
    s: &mut Scratch,
    out: &mut String,
) {
    let Scratch { a, b, c: tmp } = s;
    // Step 1 (+ camel's fix, which commutes with it).
    a.clear();
    for c in text.chars() {
        match c {
            '\u{200B}' if opts.zwsp_as_space => a.push(' '),
            c if is_invisible_control(c) => {}
            '\u{FDFC}' if opts.preset != Preset::None => a.push_str(RIAL),
            '\u{FDFD}' if opts.preset != Preset::None => a.push_str(BISMILLAH),
            c => a.push(c),
        }
    }
    if opts.preset == Preset::None {
        lower_fold(a, tmp, opts, out);
        return;
    }
    // Steps 2–9, repeated (rarely) until the result is NFKC.
    for _ in 0..4 {
        b.clear();
        b.extend(a.chars().nfkc());
        a.clear();
        lower_fold(b, tmp, opts, a);
        if unicode_normalization::is_nfkc(a) {
            break;
        }
    }
    out.push_str(a);
}

/// Step 3 (unless `keep_case`), then steps 4–9 and the optional folds:
/// `src` → `out`, using `tmp`.
fn lower_fold(src: &str, tmp: &mut String, opts: &NormalizeOptions, out: &mut String) {
    let src: &str = if opts.keep_case {
        src
    } else if src.contains('\u{03A3}') {
        // Final sigma depends on context: let std do it, exactly like
        // Python's str.lower().
        *tmp = src.to_lowercase();
        tmp
    } else {
        tmp.clear();
        for c in src.chars() {
            tmp.extend(c.to_lowercase());
        }
        tmp
    };
    out.extend(src.chars().filter_map(|c| fold_char(c, opts)));
}

/// Fast-path classes of single characters, as used by the tokenizer: a tag
/// in the top byte, the output character (after lowercasing and folding) in
/// the low 21 bits.
pub(crate) mod class {
    /// A hard separator: ends a raw segment.
    pub const SEP: u32 = 0;
    /// An invisible control: deleted before anything else.
    pub const CTRL: u32 = 1 << 24;
    /// Deleted after NFKC (diacritic, tatweel); needs no NFKC.
    pub const DEL: u32 = 2 << 24;
    /// Might change or combine under NFKC, or lowercase to several
    /// characters: the segment takes the general path.
    pub const SLOW: u32 = 3 << 24;
    /// Kept; the low bits hold the output character, a letter (token rule:
    /// "other L/M/N").
    pub const LETTER: u32 = 4 << 24;
    /// Kept; the output character is `Nd`.
    pub const DIGIT: u32 = 5 << 24;
    /// Kept; the output character is a mark (only with [`super::Preset::None`]).
    pub const MARK: u32 = 6 << 24;
    /// The tag of an entry.
    #[inline(always)]
    pub const fn tag(e: u32) -> u32 {
        e & 0xFF00_0000
    }
    /// The output character of a `LETTER`/`DIGIT`/`MARK` entry.
    #[inline(always)]
    pub fn ch(e: u32) -> char {
        // The low bits were written from a `char`.
        char::from_u32(e & 0x001F_FFFF).unwrap_or('\u{FFFD}')
    }
}

/// True when `c` alone (not a composition partner, no canonical reordering
/// needed) is NFKC-stable: NFKC maps it to itself, it has combining class 0,
/// it is not a mark, and neither it nor the first character of its
/// canonical decomposition can be the second half of a canonical
/// composition. Precomposed letters such as أ ؤ ئ qualify: any marks after
/// them are reordered behind their own mark and they recompose.
fn is_stable_starter(c: char) -> bool {
    use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
    let may_compose_back = |c: char| {
        canonical_combining_class(c) != 0
            || matches!(c, '\u{0653}'..='\u{0655}' | '\u{1100}'..='\u{11FF}')
            || cat(c) == Cat::Mark
    };
    if may_compose_back(c) {
        return false;
    }
    let mut n = 0;
    let mut first = c;
    decompose_compatible(c, |d| {
        if n == 0 {
            first = d;
        }
        n += 1;
    });
    if n == 1 && first == c {
        return true;
    }
    let mut image = std::iter::once(c).nfkc();
    image.next() == Some(c) && image.next().is_none() && !may_compose_back(first)
}

/// True when `c` ends a raw segment: it is not an invisible control and its
/// own NFKC image (after camel's fix) holds no L/M/N character. With
/// [`Preset::None`] (no NFKC), when it is not an invisible control and not
/// L/M/N itself. U+200B is a separator with
/// [`NormalizeOptions::zwsp_as_space`].
pub fn is_hard_separator(c: char, opts: &NormalizeOptions) -> bool {
    classify(c, opts) == class::SEP
}

/// The fast-path class of `c` under `opts` (see [`class`]).
pub(crate) fn classify(c: char, opts: &NormalizeOptions) -> u32 {
    if c == '\u{200B}' && opts.zwsp_as_space {
        return class::SEP;
    }
    if is_invisible_control(c) {
        return class::CTRL;
    }
    if opts.preset == Preset::None {
        return match cat(c) {
            Cat::Other => class::SEP,
            _ => keep(c, opts),
        };
    }
    if matches!(c, '\u{FDFC}' | '\u{FDFD}') {
        return class::SLOW;
    }
    let k = cat(c);
    if !is_stable_starter(c) {
        if k == Cat::Mark && is_stable_mark(c) {
            if c == '\u{0640}' || is_diacritic(c) {
                return class::DEL;
            }
            return class::SLOW;
        }
        let image: String = std::iter::once(c).nfkc().collect();
        if image.chars().all(|d| cat(d) == Cat::Other) {
            return class::SEP;
        }
        return class::SLOW;
    }
    if k == Cat::Other {
        return class::SEP;
    }
    if c == '\u{0640}' {
        return class::DEL;
    }
    keep(c, opts)
}

/// A combining mark without decomposition that cannot be the second half of
/// a composition: deleting it needs no NFKC (canonical reordering only
/// permutes marks, and deleted marks vanish whatever their order).
fn is_stable_mark(c: char) -> bool {
    use unicode_normalization::char::decompose_compatible;
    let mut n = 0;
    let mut same = true;
    decompose_compatible(c, |d| {
        n += 1;
        same &= d == c;
    });
    n == 1 && same && !matches!(c, '\u{0653}'..='\u{0655}')
}

/// Class of a kept character: lowercase (single character only), fold, and
/// check that the result is still stable.
fn keep(c: char, opts: &NormalizeOptions) -> u32 {
    let l = if opts.keep_case {
        c
    } else {
        if c == '\u{03A3}' {
            // Final sigma needs context.
            return class::SLOW;
        }
        let mut it = c.to_lowercase();
        let Some(l) = it.next() else {
            return class::SLOW;
        };
        if it.next().is_some() {
            return class::SLOW;
        }
        l
    };
    let Some(f) = fold_char(l, opts) else {
        return class::DEL;
    };
    let k = cat(f);
    if opts.preset == Preset::None {
        return match k {
            Cat::Digit => class::DIGIT | f as u32,
            Cat::Letter => class::LETTER | f as u32,
            Cat::Mark => class::MARK | f as u32,
            Cat::Other => class::SLOW,
        };
    }
    if f != c && !is_stable_starter(f) {
        return class::SLOW;
    }
    match k {
        Cat::Digit => class::DIGIT | f as u32,
        Cat::Letter => class::LETTER | f as u32,
        Cat::Mark | Cat::Other => class::SLOW,
    }
}

/// The class table for U+0000–U+FFFF that does not depend on the folds
/// (which only touch characters below U+0800): one per (`Preset::None`?,
/// `keep_case`), built on first use.
pub(crate) fn bmp_table(opts: &NormalizeOptions) -> &'static [u32] {
    use std::sync::OnceLock;
    static TABLES: [OnceLock<Box<[u32]>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let none = opts.preset == Preset::None;
    let idx = usize::from(none) * 2 + usize::from(opts.keep_case);
    TABLES[idx].get_or_init(|| {
        let base = NormalizeOptions {
            preset: if none { Preset::None } else { Preset::Default },
            keep_case: opts.keep_case,
            fold_persian: false,
            fold_foreign: false,
            hamza_seats: false,
            zwsp_as_space: false,
            split_digits: true,
        };
        (0u32..0x10000)
            .map(|u| char::from_u32(u).map_or(class::SEP, |c| classify(c, &base)))
            .collect()
    })
}

#[cfg(test)]
mod tests;
