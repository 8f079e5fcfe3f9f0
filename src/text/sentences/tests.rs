//! Unit tests of [`super`].
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
    // The oracle checks where sentences are cut; the trimming is shared.
    pieces(text, cuts)
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
    let text =
        "قال د. أحمد: «هل انتهى؟» نعم، انتهى… U.S. e.g. this 3.5 A. B\r\nسطر—آخر ﴿الله﴾ 😂\u{2028}";
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
