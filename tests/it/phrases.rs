//! Reused phrases a reader can use: they start and end with a content word,
//! one entry per text, most informative first.

use crate::common;

use athar::pipeline::{self, Config, NoProgress};
use athar::text::normalize::NormalizeOptions;
use athar::text::stem::is_stop_word;
use athar::text::tokenize::Tokenizer;

#[test]
fn phrases_start_and_end_with_content_words() {
    // Our own sentences: three reports share «في قطاع غزة» (a place name any
    // article on the topic uses, with a preposition in front) and «نقص حاد في
    // الأدوية» (the phrase they took from one another).
    let c = common::corpus_of(&[
        "قال مسؤولون في قطاع غزة إن الحصار المفروض منذ سنوات أدى إلى نقص حاد في الأدوية والوقود.",
        "وذكرت مصادر طبية في قطاع غزة، على لسان مدير المستشفى، أن نقص حاد في الأدوية يهدد حياة المرضى.",
        "أعلنت وزارة الصحة في قطاع غزة، على موقعها، أن نقص حاد في الأدوية دفعها إلى تأجيل العمليات.",
    ]);
    let report = pipeline::analyse(&c, &Config::default(), &NoProgress).unwrap();
    let texts: Vec<&str> = report.phrases.iter().map(|p| p.text.as_str()).collect();
    assert!(texts.contains(&"نقص حاد في الأدوية"), "{texts:?}");
    let mut tokenizer = Tokenizer::new(NormalizeOptions::default());
    for p in &report.phrases {
        let tokens = tokenizer.tokenize(&p.text);
        let first = tokens.text(0);
        let last = tokens.text(tokens.len() - 1);
        assert!(!is_stop_word(first) && !is_stop_word(last), "«{}»", p.text);
        assert!(p.docs >= 2 && p.occurrences.len() == p.docs);
    }
    // «في قطاع غزة» and «في قطاع غزة، على» trim to «قطاع غزة»: two words,
    // under the three a phrase needs.
    assert!(!texts.iter().any(|t| t.starts_with("في ")), "{texts:?}");
    let mut sorted = texts.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), texts.len(), "one entry per text: {texts:?}");
}
