//! Unit tests of [`super`].
use super::*;

fn norm(text: &str, opts: &NormalizeOptions) -> String {
    let mut out = String::new();
    normalize_into(text, opts, &mut out);
    out
}

fn def(text: &str) -> String {
    norm(text, &NormalizeOptions::default())
}

fn with(f: impl FnOnce(&mut NormalizeOptions)) -> NormalizeOptions {
    let mut o = NormalizeOptions::default();
    f(&mut o);
    o
}

#[test]
fn deletes_every_invisible_control_before_nfkc() {
    let controls = [
        0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C,
        0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069,
        0xFEFF, 0xFE00, 0xFE0F, 0xE0100, 0xE01EF,
    ];
    for u in controls {
        let c = char::from_u32(u).unwrap();
        assert!(is_invisible_control(c), "{u:04X}");
        assert_eq!(def(&format!("كت{c}اب")), "كتاب", "{u:04X}");
    }
    for c in ['\u{2065}', '\u{202F}', '\u{061D}', '\u{FE10}', 'a'] {
        assert!(!is_invisible_control(c));
    }
    // Deleted before NFKC: a ZWJ cannot block hamza composition.
    assert_eq!(def("\u{0648}\u{200D}\u{0654}"), "\u{0624}");
}

#[test]
fn zwsp_as_space() {
    let o = with(|o| o.zwsp_as_space = true);
    assert_eq!(def("الأمم\u{200B}المتحدة"), "الاممالمتحده");
    assert_eq!(norm("الأمم\u{200B}المتحدة", &o), "الامم المتحده");
    // ZWNJ is still deleted.
    assert_eq!(norm("مع\u{200C}لومات", &o), "معلومات");
}

#[test]
fn deletes_the_explicit_diacritic_list() {
    let ranges = [
        (0x0610, 0x061A),
        (0x064B, 0x065F),
        (0x0670, 0x0670),
        (0x06D6, 0x06DC),
        (0x06DF, 0x06E8),
        (0x06EA, 0x06ED),
        (0x0897, 0x089F),
        (0x08CA, 0x08E1),
        (0x08E3, 0x08FF),
    ];
    for (a, b) in ranges {
        for u in a..=b {
            let c = char::from_u32(u).unwrap();
            assert!(is_diacritic(c), "{u:04X}");
            // U+0653–U+0655 compose with ا/و/ي first; after a ب they
            // are plain leftovers.
            assert_eq!(def(&format!("ب{c}ت")), "بت", "{u:04X}");
        }
    }
    // Neighbours that are not in the list.
    for c in [
        '\u{061B}', '\u{06DD}', '\u{06DE}', '\u{06E9}', '\u{08E2}', '\u{0896}',
    ] {
        assert!(!is_diacritic(c), "{:04X}", c as u32);
    }
    assert_eq!(def("مُحَمَّدٌ عددًا ضدّ"), "محمد عددا ضد");
}

#[test]
fn composes_decomposed_hamza_before_dediac() {
    assert_eq!(def("\u{0627}\u{0653}خر"), "اخر"); // آ → ا
    assert_eq!(
        norm("\u{0648}\u{0654}", &with(|o| o.keep_case = true)),
        "\u{0624}"
    );
    assert_eq!(def("\u{064A}\u{0654}"), "\u{0626}");
    // ه + hamza above has no precomposed form: the mark is dropped.
    assert_eq!(def("\u{0647}\u{0654}"), "\u{0647}");
    // ە + hamza above composes to ۀ, which fold-persian maps to ه.
    assert_eq!(def("\u{06D5}\u{0654}"), "\u{0647}");
}

#[test]
fn deletes_tatweel() {
    assert_eq!(def("الســــلام الـ20"), "السلام ال20");
}

#[test]
fn folds_alef_yeh_teh_marbuta() {
    assert_eq!(def("آ أ إ ٱ ا"), "ا ا ا ا ا");
    assert_eq!(def("على مدرسة"), "علي مدرسه");
    // Not folded: wavy hamza alef, hamza on the line.
    assert_eq!(def("\u{0672} ء"), "\u{0672} ء");
    // U+0675 high hamza alef → ا + U+0674 by NFKC.
    assert_eq!(def("\u{0675}"), "\u{0627}\u{0674}");
}

#[test]
fn folds_digits_to_ascii() {
    assert_eq!(def("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹"), "0123456789 0123456789");
    // Other Nd digits are kept.
    assert_eq!(def("१२"), "१२");
}

#[test]
fn fold_persian_table() {
    let on = NormalizeOptions::default();
    let off = with(|o| o.fold_persian = false);
    let cases = [
        ('\u{06A9}', '\u{0643}'),
        ('\u{06AA}', '\u{0643}'),
        ('\u{06CC}', '\u{064A}'),
        ('\u{06CD}', '\u{064A}'),
        ('\u{06D0}', '\u{064A}'),
        ('\u{06D2}', '\u{064A}'),
        ('\u{06C0}', '\u{0647}'),
        ('\u{06C1}', '\u{0647}'),
        ('\u{06C2}', '\u{0647}'),
        ('\u{06C3}', '\u{0647}'),
        ('\u{06BE}', '\u{0647}'),
        ('\u{06D5}', '\u{0647}'),
    ];
    for (from, to) in cases {
        assert_eq!(norm(&format!("ب{from}"), &on), format!("ب{to}"));
        assert_eq!(norm(&format!("ب{from}"), &off), format!("ب{from}"));
    }
    assert_eq!(norm("کتاب یوم", &on), "كتاب يوم");
    // Not part of fold-persian.
    assert_eq!(norm("پ", &on), "پ");
}

#[test]
fn fold_foreign_and_hamza_seats() {
    let loose = NormalizeOptions::preset(Preset::Loose);
    let cases = [
        ('\u{067E}', '\u{0628}'),
        ('\u{0686}', '\u{062C}'),
        ('\u{0698}', '\u{0632}'),
        ('\u{06A4}', '\u{0641}'),
        ('\u{06A5}', '\u{0641}'),
        ('\u{06A6}', '\u{0641}'),
        ('\u{06AF}', '\u{0643}'),
        ('\u{06A8}', '\u{0642}'),
        ('\u{0624}', '\u{0648}'),
        ('\u{0626}', '\u{064A}'),
    ];
    for (from, to) in cases {
        assert_eq!(norm(&from.to_string(), &loose), to.to_string());
        assert_eq!(def(&from.to_string()), from.to_string(), "off by default");
    }
    assert_eq!(norm("ڤيينا مسؤول رئيس", &loose), "فيينا مسوول رييس");
}

#[test]
fn nfkc_and_camel_fix() {
    // Presentation forms and lam-alef ligatures.
    assert_eq!(def("\u{FE8D}\u{FEDF}\u{FEA8}\u{FE92}\u{FEAE}"), "الخبر");
    assert_eq!(def("\u{FEFB} \u{FEF7} \u{FEF5} \u{FEFC}"), "لا لا لا لا");
    assert_eq!(def("\u{FDF2}"), "الله");
    assert_eq!(def("\u{FDFA}"), "صلي الله عليه وسلم");
    // camel: rial with an Arabic yeh, bismillah expanded.
    assert_eq!(def("\u{FDFC}"), "ريال");
    assert_eq!(def("\u{FDFD}"), "بسم الله الرحمن الرحيم");
    // Other NFKC effects.
    assert_eq!(def("ＡＢＣ１２３ ﬁ ½"), "abc123 fi 1⁄2");
}

#[test]
fn lowercases_unless_keep_case() {
    assert_eq!(def("COVID Straße ΣΟΦΟΣ İ"), "covid straße σοφος i\u{0307}");
    let keep = with(|o| o.keep_case = true);
    assert_eq!(norm("COVID أحمد", &keep), "COVID احمد");
}

#[test]
fn preset_none_only_deletes_controls() {
    let none = NormalizeOptions::preset(Preset::None);
    assert_eq!(norm("أَحمدُ\u{200C} الـ٢٠ ﷺ Σ", &none), "أَحمدُ الـ٢٠ ﷺ Σ");
    let mut lower = none;
    lower.keep_case = false;
    lower.fold_persian = true;
    assert_eq!(norm("ABC کتاب", &lower), "abc كتاب");
}

#[test]
fn result_is_a_fixpoint() {
    // A deleted tatweel between e and a Latin acute: composed by the
    // second pass, so normalizing again changes nothing.
    let once = def("e\u{0640}\u{0301}");
    assert_eq!(once, "\u{00E9}");
    assert_eq!(def(&once), once);
}

#[test]
fn presets_and_ids() {
    let d = NormalizeOptions::preset(Preset::Default);
    assert!(d.fold_persian && !d.fold_foreign && !d.hamza_seats && !d.keep_case);
    assert!(d.split_digits && !d.zwsp_as_space);
    let l = NormalizeOptions::preset(Preset::Loose);
    assert!(l.fold_persian && l.fold_foreign && l.hamza_seats);
    let n = NormalizeOptions::preset(Preset::None);
    assert!(n.keep_case && !n.fold_persian && !n.fold_foreign);
    assert_eq!(d.id(), "default");
    assert_eq!(l.id(), "loose");
    assert_eq!(n.id(), "none");
    assert_eq!(NormalizeOptions::default(), d);
    let mut o = d;
    o.split_digits = false;
    o.zwsp_as_space = true;
    assert_eq!(o.id(), "default+zwsp-as-space-split-digits");
    // Every combination round-trips through its id.
    for p in [Preset::Default, Preset::Loose, Preset::None] {
        for bits in 0..64u32 {
            let o = NormalizeOptions {
                preset: p,
                keep_case: bits & 1 != 0,
                fold_persian: bits & 2 != 0,
                fold_foreign: bits & 4 != 0,
                hamza_seats: bits & 8 != 0,
                zwsp_as_space: bits & 16 != 0,
                split_digits: bits & 32 != 0,
            };
            assert_eq!(NormalizeOptions::from_id(&o.id()), Some(o), "{}", o.id());
        }
    }
    for bad in ["", "strict", "default+bogus", "default+", "default-keep"] {
        assert_eq!(NormalizeOptions::from_id(bad), None, "{bad}");
    }
}

#[test]
fn hard_separators() {
    let d = NormalizeOptions::default();
    for c in [
        ' ', '\u{00A0}', '\u{3000}', '\n', '.', '،', '؛', '؟', '٪', '٫', '٬', '٭', '۝', '۞', '۩',
        '\u{0600}', '\u{08E2}', '😂', '\u{E000}', '\u{FFFD}', '…', '≮', '\u{FDFE}',
    ] {
        assert!(is_hard_separator(c, &d), "{:04X}", c as u32);
    }
    for c in [
        'a', 'ب', '\u{064E}', '\u{0640}', '\u{200C}', '\u{FEFF}', '½', '²', '\u{FDFA}', '\u{FDFD}',
        '\u{FDFC}', '\u{20E3}', '\u{0338}',
    ] {
        assert!(!is_hard_separator(c, &d), "{:04X}", c as u32);
    }
    assert!(is_hard_separator(
        '\u{200B}',
        &with(|o| o.zwsp_as_space = true)
    ));
    assert!(!is_hard_separator('\u{200B}', &d));
}

/// The fast path relies on this: no character it keeps or deletes
/// without NFKC is changed by NFKC or can be the second half of a
/// canonical composition.
#[test]
fn fast_classes_are_nfkc_inert() {
    use unicode_normalization::char::decompose_canonical;
    let mut second = std::collections::HashSet::new();
    for u in 0..0x11_0000u32 {
        let Some(c) = char::from_u32(u) else { continue };
        let mut d = Vec::new();
        decompose_canonical(c, |x| d.push(x));
        if d.len() >= 2 {
            second.insert(*d.last().unwrap());
        }
    }
    for opts in [
        NormalizeOptions::preset(Preset::Default),
        NormalizeOptions::preset(Preset::Loose),
        with(|o| o.keep_case = true),
    ] {
        let bmp = bmp_table(&opts);
        for u in 0..0x1_0000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let e = if u < 0x800 {
                classify(c, &opts)
            } else {
                bmp[u as usize]
            };
            let t = class::tag(e);
            if t == class::LETTER || t == class::DIGIT || t == class::DEL {
                assert!(!second.contains(&c), "{u:04X} composes");
                let mut first = None;
                decompose_canonical(c, |x| {
                    first.get_or_insert(x);
                });
                let first = first.unwrap();
                assert!(!second.contains(&first), "{u:04X} base composes");
                let image: String = std::iter::once(c).nfkc().collect();
                assert_eq!(image, c.to_string(), "{u:04X} changes under NFKC");
            }
            if t == class::LETTER || t == class::DIGIT {
                let out = class::ch(e);
                assert!(!second.contains(&out), "{u:04X} output composes");
                let mut n = String::new();
                normalize_into(&c.to_string(), &opts, &mut n);
                assert_eq!(n, out.to_string(), "{u:04X} fast != general");
            }
        }
    }
}
