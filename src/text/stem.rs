//! Arabic light stemming (light10) and stop words.
//!
//! Both work on NORMALIZED tokens (the default folds of
//! `shared/arabic-normalization.md` §3: no harakat or tatweel, أ إ آ ٱ → ا,
//! ى → ي, ة → ه). They are used by the [`narrative`](crate::narrative) level,
//! never for exact-passage alignment: light stemming is for recall, and it
//! over-stems common words (`بيان` → `بي`, `على` → `عل`).
//!
//! ## light10
//!
//! Larkey, Ballesteros & Connell, "Improving stemming for Arabic information
//! retrieval: light stemming and co-occurrence analysis" (SIGIR 2002):
//!
//! 1. remove a leading `و` if at least 3 characters remain;
//! 2. remove one definite article out of `ال وال بال كال فال لل` if at least
//!    2 characters remain;
//! 3. walk the suffix list `ها ان ات ون ين يه ية ه ة ي` once, in that order,
//!    removing each suffix found at the end if at least 2 characters remain.
//!
//! Lengths are counted in characters. The Lucene `ArabicStemmer` differs on
//! `و` + article words (`وبالاحتلال` → Lucene `بالاحتلال`, light10 `احتلال`).
//!
//! ## Stop words
//!
//! [`is_stop_word`] uses the list in `src/text/stopwords-ar.txt`, written for
//! athar and documented in that file: prepositions and particles (with their
//! attached pronouns), conjunctions, pronouns, demonstratives, relatives,
//! auxiliaries, the verbs of saying and reporting of news prose (قال، اضاف،
//! اكد، اشار ...), adverbs of time and degree, number words and quantifiers.
//! Digit runs and one-letter tokens are stop words by rule, and so is a
//! listed word behind a conjunction `و` or `ف` (`وقال`, `فهو`).

use std::collections::HashSet;
use std::sync::LazyLock;

/// Definite articles tried by light10 step 2 (at most one is removed).
const ARTICLES: [&str; 6] = ["ال", "وال", "بال", "كال", "فال", "لل"];

/// Suffixes walked once, in order, by light10 step 3. `ية` and `ة` never
/// match normalized text (ة is folded to ه) but are kept to follow the
/// published list exactly.
const SUFFIXES: [&str; 10] = ["ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي"];

/// Number of characters in `s`.
#[inline]
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The light10 stem of a normalized word: a subslice of `word`.
///
/// ```
/// use athar::text::stem::light10;
/// assert_eq!(light10("وبالاحتلال"), "احتلال");
/// assert_eq!(light10("ومكتباتها"), "مكتب");
/// assert_eq!(light10("الله"), "له");
/// ```
pub fn light10(word: &str) -> &str {
    let mut w = word;
    // 1. a leading و when at least 3 characters remain (word length >= 4).
    if let Some(rest) = w.strip_prefix('و') {
        if chars(rest) >= 3 {
            w = rest;
        }
    }
    light10_suffixes(strip_article(w))
}

/// Light10 step 2 alone: one definite article out of `ال وال بال كال فال لل`
/// removed when at least 2 characters remain.
///
/// ```
/// assert_eq!(athar::text::stem::strip_article("الولايه"), "ولايه");
/// ```
pub fn strip_article(word: &str) -> &str {
    for art in ARTICLES {
        if let Some(rest) = word.strip_prefix(art) {
            if chars(rest) >= 2 {
                return rest;
            }
        }
    }
    word
}

/// Light10 steps 2 and 3 (article and suffixes), without step 1 (the
/// leading `و`). Useful as a back-off where step 1 eats a root letter
/// (`ولايه` → light10 `لا`, this `ولا`).
pub fn light10_no_waw(word: &str) -> &str {
    light10_suffixes(strip_article(word))
}

/// Light10 step 3: walk the suffix list once.
fn light10_suffixes(word: &str) -> &str {
    let mut w = word;
    for suf in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suf) {
            if chars(rest) >= 2 {
                w = rest;
            }
        }
    }
    w
}

/// The list of `src/text/stopwords-ar.txt` (comments and blank lines removed).
static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("stopwords-ar.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// The stop-word list (normalized spellings), without the rules of
/// [`is_stop_word`] (digits, single letters, prefixes).
pub fn stop_words() -> impl Iterator<Item = &'static str> {
    STOP_WORDS.iter().copied()
}

/// True when a normalized token is a stop word: in the documented list
/// (`src/text/stopwords-ar.txt`), a listed word behind a conjunction `و` or
/// `ف`, a run of digits, or a single character.
///
/// ```
/// use athar::text::stem::is_stop_word;
/// assert!(is_stop_word("الذي"));
/// assert!(is_stop_word("وقال"));
/// assert!(is_stop_word("2015"));
/// assert!(!is_stop_word("اعتقالات"));
/// ```
pub fn is_stop_word(normalized: &str) -> bool {
    let mut it = normalized.chars();
    match (it.next(), it.next()) {
        (None, _) | (Some(_), None) => return true,
        _ => {}
    }
    if normalized.chars().all(|c| c.is_numeric()) {
        return true;
    }
    if STOP_WORDS.contains(normalized) {
        return true;
    }
    // Tanween alif: `عددا`, `كثيرا` are listed words in the accusative.
    if let Some(rest) = normalized.strip_suffix('ا') {
        if chars(rest) >= 3 && STOP_WORDS.contains(rest) {
            return true;
        }
    }
    match normalized
        .strip_prefix('و')
        .or_else(|| normalized.strip_prefix('ف'))
    {
        Some(rest) if chars(rest) >= 2 => STOP_WORDS.contains(rest),
        _ => false,
    }
}

/// The verb key of a stem of a derived verb form (forms VII `انفعل`, VIII
/// `افتعل` and X `استفعل`), shared by its perfect, imperfect and verbal noun
/// (masdar): `اعتقال`, `اعتقلت`, `اعتقلوا`, `يعتقل` (light10 stems) all give
/// `اعتقل`; `انسحاب`/`ينسحب` give `انسحب`; `استهداف`/`تستهدف` give
/// `استهدف`. `None` when the stem has none of these shapes.
///
/// An athar extension of light10 (which keeps the verb prefixes and the
/// masdar's long vowel): only these three forms are folded, because their
/// shapes (`ا.ت..`, `ان...`, `است...` with a fixed length) are rarely taken
/// by unrelated nouns, unlike form I (`قتل`/`مقتل`/`قتال`). The narrative
/// level counts a match between two words that only share this key as a
/// derivation (a weaker match), never as the same word.
///
/// ```
/// use athar::text::stem::verb_form_key;
/// assert_eq!(verb_form_key("اعتقال").as_deref(), Some("اعتقل"));
/// assert_eq!(verb_form_key("اعتقلت").as_deref(), Some("اعتقل"));
/// assert_eq!(verb_form_key("يعتقل").as_deref(), Some("اعتقل"));
/// assert_eq!(verb_form_key("استهداف").as_deref(), Some("استهدف"));
/// assert_eq!(verb_form_key("حماس"), None);
/// ```
pub fn verb_form_key(stem: &str) -> Option<String> {
    let c: Vec<char> = stem.chars().collect();
    // The perfect of a form: ا C ت C C, ا ن C C C, ا س ت C C C.
    // (A long vowel before the last letter is a noun pattern: تنظيم.)
    let perfect = |c: &[char]| -> bool {
        if c.len() < 5 || matches!(c[c.len() - 2], 'ا' | 'و' | 'ي') {
            return false;
        }
        match c.len() {
            5 => c[0] == 'ا' && (c[2] == 'ت' || c[1] == 'ن'),
            6 => c[0] == 'ا' && c[1] == 'س' && c[2] == 'ت',
            _ => false,
        }
    };
    let key = |c: &[char]| Some(c.iter().collect::<String>());
    if perfect(&c) {
        return key(&c);
    }
    // The perfect with a subject suffix: اعتقلت، اعتقلوا، انسحبتا.
    for suf in [&['و', 'ا'][..], &['ت', 'ا'], &['ت']] {
        if c.ends_with(suf) && perfect(&c[..c.len() - suf.len()]) {
            return key(&c[..c.len() - suf.len()]);
        }
    }
    // The imperfect: ي/ت/ن in place of the ا.
    if matches!(c.first(), Some('ي' | 'ت' | 'ن')) {
        let mut p = c.clone();
        p[0] = 'ا';
        if perfect(&p) {
            return key(&p);
        }
    }
    // The masdar: the perfect with ا before the last letter (اعتقال،
    // انسحاب، استهداف).
    if c.len() >= 6 && c[c.len() - 2] == 'ا' {
        let mut p = c.clone();
        p.remove(c.len() - 2);
        if perfect(&p) {
            return key(&p);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule1_leading_waw_needs_three_remaining() {
        assert_eq!(light10("وزير"), "زير");
        assert_eq!(light10("واحدا"), "احدا");
        // ولد: only 2 characters would remain.
        assert_eq!(light10("ولد"), "ولد");
    }

    #[test]
    fn rule2_one_article_leaving_two() {
        assert_eq!(light10("الحركه"), "حرك");
        assert_eq!(light10("بالقطاع"), "قطاع");
        assert_eq!(light10("كالبحر"), "بحر");
        assert_eq!(light10("فالامر"), "امر");
        assert_eq!(light10("للاحتلال"), "احتلال");
        // و then an article: both go (light10, unlike Lucene).
        assert_eq!(light10("والاحتلال"), "احتلال");
        assert_eq!(light10("وبالاحتلال"), "احتلال");
        assert_eq!(light10("وللاحتلال"), "احتلال");
        assert_eq!(light10("وكالاحتلال"), "احتلال");
        // الي (إلى): removing ال would leave one character.
        assert_eq!(light10("الي"), "ال");
        assert_eq!(light10("التي"), "تي");
    }

    #[test]
    fn rule3_suffixes_walked_once_in_order() {
        assert_eq!(light10("ومكتباتها"), "مكتب");
        assert_eq!(light10("اعتقالات"), "اعتقال");
        assert_eq!(light10("اعتقالاتها"), "اعتقال");
        assert_eq!(light10("السلفيين"), "سلف");
        assert_eq!(light10("الفلسطينيون"), "فلسطين");
        assert_eq!(light10("بيان"), "بي");
        assert_eq!(light10("علي"), "عل");
        assert_eq!(light10("عربيه"), "عرب");
        // suffix would leave one character: kept.
        assert_eq!(light10("له"), "له");
    }

    #[test]
    fn stemmer_probes_of_the_reference() {
        // shared/arabic-normalization.md §4 and the probe line (edge case 21).
        for (w, s) in [
            ("للاحتلال", "احتلال"),
            ("والاحتلال", "احتلال"),
            ("وبالاحتلال", "احتلال"),
            ("وللاحتلال", "احتلال"),
            ("الله", "له"),
            ("والده", "ده"),
            ("وزير", "زير"),
            ("ومكتباتها", "مكتب"),
            ("بيان", "بي"),
            ("التي", "تي"),
            ("الي", "ال"),
            ("علي", "عل"),
            ("واحدا", "احدا"),
        ] {
            assert_eq!(light10(w), s, "{w}");
        }
    }

    #[test]
    fn stem_is_a_subslice_and_never_empty() {
        for w in ["و", "ال", "ها", "وال", "a", "", "٣", "ولها"] {
            let s = light10(w);
            assert!(w.contains(s));
            assert_eq!(s.is_empty(), w.is_empty(), "{w}");
        }
    }

    #[test]
    fn verb_form_keys() {
        for (w, k) in [
            ("اعتقال", "اعتقل"),
            ("اعتقل", "اعتقل"),
            ("اعتقلت", "اعتقل"),
            ("اعتقلوا", "اعتقل"),
            ("يعتقل", "اعتقل"),
            ("تعتقل", "اعتقل"),
            ("انسحاب", "انسحب"),
            ("ينسحب", "انسحب"),
            ("انسحبت", "انسحب"),
            ("انتخاب", "انتخب"),
            ("استهداف", "استهدف"),
            ("تستهدف", "استهدف"),
            ("استهدفوا", "استهدف"),
        ] {
            assert_eq!(verb_form_key(light10(w)).as_deref(), Some(k), "{w}");
        }
        for w in [
            "حماس",
            "سلف",
            "قتل",
            "مقتل",
            "قتال",
            "تنظيم",
            "اسلام",
            "نظام",
            "امير",
        ] {
            assert_eq!(verb_form_key(w), None, "{w}");
        }
    }

    #[test]
    fn stop_words() {
        for w in [
            "في", "الذي", "قال", "وقال", "فهو", "اضاف", "اكد", "2015", "x", "هذه", "عددا",
        ] {
            assert!(is_stop_word(w), "{w}");
        }
        for w in ["حماس", "اعتقالات", "السلفيين", "غزه", "وزير", "ولايه"]
        {
            assert!(!is_stop_word(w), "{w}");
        }
    }

    #[test]
    fn stop_list_is_in_normalized_spelling() {
        for w in STOP_WORDS.iter() {
            assert!(
                !w.contains(['أ', 'إ', 'آ', 'ٱ', 'ى', 'ة', 'ـ', ' ']),
                "{w} is not normalized"
            );
        }
        assert!(STOP_WORDS.len() > 300);
    }
}
