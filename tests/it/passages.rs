//! Passages through the whole pipeline: reordered and reworded copies are
//! one passage each, reference mode compares across the two sets only, and
//! every passage slices the original texts at word boundaries.

use athar::corpus::{Corpus, Document};
use athar::pipeline::{self, Config, NoProgress, Role};
use athar::report::{Passage, PassageKind, Relation, Report};

fn article(name: &str) -> String {
    let path = format!("{}/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn articles() -> Vec<String> {
    [
        "000_a8c9c320c45533b7.txt",
        "001_b0e07918fdc47d3a.txt",
        "002_57bea19229710927.txt",
        "003_10072a147e764a93.txt",
        "004_48637a38231df504.txt",
    ]
    .iter()
    .map(|n| article(n))
    .collect()
}

fn corpus(texts: &[(&str, &str)]) -> Corpus {
    Corpus {
        documents: texts
            .iter()
            .map(|(id, text)| Document {
                id: id.to_string(),
                source: format!("{id}.txt"),
                text: text.to_string(),
            })
            .collect(),
        ..Corpus::default()
    }
}

/// Words `from..to` of `text` (split on white space).
fn words(text: &str, from: usize, to: usize) -> Vec<&str> {
    text.split_whitespace().skip(from).take(to - from).collect()
}

/// `host` with `guest` inserted after its first `at` words.
fn insert(host: &str, at: usize, guest: &str) -> String {
    let w: Vec<&str> = host.split_whitespace().collect();
    format!("{}\n\n{guest}\n\n{}", w[..at].join(" "), w[at..].join(" "))
}

/// Passages between two different documents.
fn shared<'r>(r: &'r Report, x: &str, y: &str) -> Vec<&'r Passage> {
    r.passages
        .iter()
        .filter(|p| {
            p.kind != PassageKind::Repeat
                && ((p.a.doc == x && p.b.doc == y) || (p.a.doc == y && p.b.doc == x))
        })
        .collect()
}

/// Share of `needle`'s bytes in `text` that `[start, end)` covers.
fn coverage(text: &str, needle: &str, start: usize, end: usize) -> f64 {
    let s = text.find(needle).expect("inserted text");
    let e = s + needle.len();
    (end.min(e).saturating_sub(start.max(s))) as f64 / needle.len() as f64
}

/// Every passage slices its texts at word boundaries.
fn check_offsets(r: &Report, texts: &[(&str, &str)]) {
    let text = |id: &str| texts.iter().find(|t| t.0 == id).expect("known id").1;
    for p in &r.passages {
        for l in [&p.a, &p.b] {
            let t = text(&l.doc);
            let slice = t.get(l.start..l.end).expect("offsets on char boundaries");
            assert!(!slice.is_empty());
            assert_eq!(t[..l.start].chars().count(), l.start_char);
            let before = t[..l.start].chars().next_back();
            let after = t[l.end..].chars().next();
            assert!(
                !before.is_some_and(char::is_alphanumeric),
                "{} starts inside a word: {slice:?}",
                l.doc
            );
            assert!(
                !after.is_some_and(char::is_alphanumeric),
                "{} ends inside a word: {slice:?}",
                l.doc
            );
        }
    }
}

#[test]
fn phrase_shuffled_copy_is_one_passage() {
    let arts = articles();
    // Eight-word phrases of a paragraph of the source, in another order.
    let src = words(&arts[0], 40, 120);
    let phrases: Vec<String> = src.chunks(8).map(|c| c.join(" ")).collect();
    let order = [3, 0, 7, 5, 1, 9, 2, 6, 4, 8];
    let shuffled: Vec<&str> = order.iter().map(|&k| phrases[k].as_str()).collect();
    let guest = shuffled.join("، ");
    let suspect = insert(&arts[1], 60, &guest);
    let texts = [
        ("s", suspect.as_str()),
        ("src", arts[0].as_str()),
        ("x", arts[2].as_str()),
    ];
    let r = pipeline::analyse(&corpus(&texts), &Config::default(), &NoProgress).unwrap();
    check_offsets(&r, &texts);
    let ps = shared(&r, "s", "src");
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = ps[0];
    let (sp, op) = if p.a.doc == "s" {
        (&p.a, &p.b)
    } else {
        (&p.b, &p.a)
    };
    // Whole but for a word or two at the ends (stop words are not evidence).
    assert!(coverage(&suspect, &guest, sp.start, sp.end) > 0.9, "{p:#?}");
    // The source side holds the copied words, and not much more.
    let got: Vec<&str> = arts[0][op.start..op.end].split_whitespace().collect();
    let held = src.iter().filter(|w| got.contains(w)).count();
    assert!(
        10 * held >= 9 * src.len(),
        "{held} of {}: {p:#?}",
        src.len()
    );
    assert!(
        10 * got.len() <= 12 * src.len(),
        "{} words: {p:#?}",
        got.len()
    );
    assert_ne!(p.kind, PassageKind::Verbatim);
}

#[test]
fn word_shuffled_paragraph_is_found_as_reworded() {
    let arts = articles();
    let src = words(&arts[0], 100, 160);
    let n = src.len();
    // Every word of the paragraph, in a scrambled order.
    let shuffled: Vec<&str> = (0..n).map(|i| src[(i * 37 + 11) % n]).collect();
    let guest = shuffled.join(" ");
    let suspect = insert(&arts[2], 50, &guest);
    let texts = [
        ("s", suspect.as_str()),
        ("src", arts[0].as_str()),
        ("x", arts[3].as_str()),
    ];
    let r = pipeline::analyse(&corpus(&texts), &Config::default(), &NoProgress).unwrap();
    check_offsets(&r, &texts);
    let ps = shared(&r, "s", "src");
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert_eq!(ps[0].kind, PassageKind::Reworded);
    let sp = if ps[0].a.doc == "s" {
        &ps[0].a
    } else {
        &ps[0].b
    };
    assert!(
        coverage(&suspect, &guest, sp.start, sp.end) > 0.9,
        "{:#?}",
        ps[0]
    );
    // No passage with the unrelated article.
    assert!(shared(&r, "s", "x").is_empty());
}

#[test]
fn reference_mode_never_pairs_two_sources_or_two_suspects() {
    let arts = articles();
    let copy = words(&arts[0], 30, 90).join(" ");
    let suspect = insert(&arts[1], 40, &copy);
    let suspect2 = insert(&arts[3], 40, &copy);
    // Two sources that are near-duplicates of each other.
    let source2 = format!("{}\n\nتحديث.", arts[0]);
    let texts = [
        ("s1", suspect.as_str()),
        ("s2", suspect2.as_str()),
        ("src1", arts[0].as_str()),
        ("src2", source2.as_str()),
    ];
    let roles = [Role::Suspect, Role::Suspect, Role::Source, Role::Source];
    let c = corpus(&texts);
    let r = pipeline::analyse_against(&c, &roles, &Config::default(), &NoProgress).unwrap();
    check_offsets(&r, &texts);
    let is_source = |d: &str| d.starts_with("src");
    for p in &r.passages {
        if p.kind == PassageKind::Repeat {
            assert!(!is_source(&p.a.doc), "{p:#?}");
            continue;
        }
        assert_ne!(is_source(&p.a.doc), is_source(&p.b.doc), "{p:#?}");
    }
    for p in &r.pairs {
        assert_ne!(is_source(&p.a), is_source(&p.b), "{p:#?}");
    }
    assert!(!shared(&r, "s1", "src1").is_empty());
    assert!(!shared(&r, "s2", "src1").is_empty());
    assert_eq!(r.params.mode.as_deref(), Some("reference"));
    // Without reference mode the sources pair with each other.
    let full = pipeline::analyse(&c, &Config::default(), &NoProgress).unwrap();
    assert!(!shared(&full, "src1", "src2").is_empty());
    assert!(!shared(&full, "s1", "s2").is_empty());
}

/// Pairs listed between documents `x` and `y`, with their relation.
fn pair_relation(r: &Report, x: &str, y: &str) -> Option<Relation> {
    r.pairs
        .iter()
        .find(|p| (p.a == x && p.b == y) || (p.a == y && p.b == x))
        .map(|p| p.relation)
}

/// A market close: the same frame, filled in with the session's figures.
fn market_close(f: &[&str; 6]) -> String {
    format!(
        "وفيما يلي إغلاق مؤشرات أسواق الأسهم في المنطقة حيث هبط مؤشر دبي بنسبة {} في المئة إلى \
         {} نقطة وارتفع مؤشر أبوظبي بنسبة {} في المئة إلى {} نقطة وصعد مؤشر الكويت بنسبة {} في \
         المئة إلى {} نقطة بعد تداولات متوسطة شملت أسهم البنوك والعقارات والاتصالات",
        f[0], f[1], f[2], f[3], f[4], f[5]
    )
}

#[test]
fn a_template_filled_in_again_is_not_a_reuse_pair() {
    let arts = articles();
    // Two sessions that moved by the same small percentages: those figures
    // are common (three other articles hold them), the index levels are not.
    let day1 = market_close(&["0.1", "4182", "0.6", "4852", "0.3", "6304"]);
    let day2 = market_close(&["0.1", "4110", "0.6", "4855", "0.3", "6235"]);
    let common = "وتراوحت التغيرات بين 0.1 في المئة و0.6 في المئة و0.3 في المئة";
    let (a, b) = (insert(&arts[1], 30, &day1), insert(&arts[2], 50, &day2));
    let others: Vec<String> = [0, 3, 4]
        .iter()
        .map(|&k| insert(&arts[k], 40, common))
        .collect();
    let texts = |b: &str| -> Vec<(String, String)> {
        let mut t = vec![
            ("a".to_string(), a.clone()),
            ("b".to_string(), b.to_string()),
        ];
        t.extend(
            others
                .iter()
                .enumerate()
                .map(|(i, o)| (format!("x{i}"), o.clone())),
        );
        t
    };
    let c = |t: &[(String, String)]| {
        let t: Vec<(&str, &str)> = t.iter().map(|(i, x)| (i.as_str(), x.as_str())).collect();
        corpus(&t)
    };
    let filled_again = c(&texts(&b));
    let r = pipeline::analyse(&filled_again, &Config::default(), &NoProgress).unwrap();
    assert_eq!(pair_relation(&r, "a", "b"), None, "{:#?}", r.pairs);
    // The frame is found, and shown when asked for everything.
    let all = Config {
        all_passages: true,
        ..Config::default()
    };
    let r = pipeline::analyse(&filled_again, &all, &NoProgress).unwrap();
    assert_eq!(shared(&r, "a", "b").len(), 1, "{:#?}", r.passages);
    // The same close copied with its figures is reuse.
    let copied = c(&texts(&insert(&arts[2], 50, &day1)));
    let r = pipeline::analyse(&copied, &Config::default(), &NoProgress).unwrap();
    assert_eq!(pair_relation(&r, "a", "b"), Some(Relation::SharesPassages));
}

#[test]
fn a_shared_name_and_title_is_not_a_reuse_pair() {
    let arts = articles();
    let title = "وقال رئيس مجلس إدارة الغرفة التجارية الصناعية عبدالرحمن بن صالح العطيشان";
    let (a, b) = (insert(&arts[1], 30, title), insert(&arts[2], 50, title));
    let texts = [
        ("a", a.as_str()),
        ("b", b.as_str()),
        ("x", arts[3].as_str()),
    ];
    let c = corpus(&texts);
    let r = pipeline::analyse(&c, &Config::default(), &NoProgress).unwrap();
    assert_eq!(pair_relation(&r, "a", "b"), None, "{:#?}", r.pairs);
    // A lower bar lists it: the passage is found and weighed, not lost.
    let low = Config {
        min_evidence: 5.0,
        ..Config::default()
    };
    let r = pipeline::analyse(&c, &low, &NoProgress).unwrap();
    assert_eq!(
        pair_relation(&r, "a", "b"),
        Some(Relation::SharesPassages),
        "{:#?}",
        r.passages
    );
}

#[test]
fn documents_far_apart_in_time_need_twice_the_evidence() {
    use athar::corpus::DocMeta;
    let arts = articles();
    // One sentence of fresh prose: more than the pair bar, less than twice it.
    let sentence = "أعلنت هيئة الموانئ في ميناء الملك عبدالعزيز بالدمام تشغيل رصيف جديد \
                    لاستقبال سفن الحاويات العملاقة بطاقة استيعابية إضافية تخدم المصدرين \
                    والمستوردين في المنطقة الشرقية";
    let (a, b) = (
        insert(&arts[1], 30, sentence),
        insert(&arts[2], 50, sentence),
    );
    let texts = [
        ("a", a.as_str()),
        ("b", b.as_str()),
        ("x", arts[3].as_str()),
    ];
    let dated = |da: &str, db: &str| {
        let mut c = corpus(&texts);
        for (id, d) in [("a", da), ("b", db)] {
            let meta = DocMeta {
                date: Some(d.to_string()),
                ..DocMeta::default()
            };
            c.meta.insert(id.to_string(), meta);
        }
        c
    };
    let pair = |c: &Corpus, config: &Config| {
        let r = pipeline::analyse(c, config, &NoProgress).unwrap();
        r.pairs
            .iter()
            .find(|p| (p.a == "a" && p.b == "b") || (p.a == "b" && p.b == "a"))
            .map(|p| (p.relation, p.weight))
    };
    let default = Config::default();
    // Within the news cycle (and undated): listed, and the weight is between
    // the bar and twice it, so the rule below is what decides.
    let (relation, weight) = pair(&dated("2015-07-21 09:00", "2015-07-22 18:00"), &default)
        .expect("a pair a day apart is listed");
    assert_eq!(relation, Relation::SharesPassages);
    assert!(
        weight >= default.min_evidence && weight < 2.0 * default.min_evidence,
        "{weight}"
    );
    assert_eq!(
        pair(&corpus(&texts), &default).map(|p| p.0),
        Some(Relation::SharesPassages)
    );
    // Ten days apart: the same sentence is not enough, and a warning says so.
    let far = dated("2015-07-21", "2015-07-31");
    assert_eq!(pair(&far, &default), None);
    let unlisted = |c: &Corpus| {
        let r = pipeline::analyse(c, &default, &NoProgress).unwrap();
        r.warnings.iter().any(|w| w.contains("--cycle-days any"))
    };
    assert!(unlisted(&far));
    assert!(!unlisted(&corpus(&texts)));
    // Unless the rule is turned off, or the window is wide enough.
    for cycle_days in [None, Some(12.0)] {
        let config = Config {
            cycle_days,
            ..Config::default()
        };
        assert_eq!(
            pair(&far, &config).map(|p| p.0),
            Some(Relation::SharesPassages)
        );
    }
}

#[test]
fn words_substituted_in_place_weigh_as_evidence() {
    let arts = articles();
    // Written for this test: a report and its copy with eight content words
    // replaced by synonyms, the words around them kept.
    let report = "وأكد المتحدث باسم الهيئة أن فرق الإنقاذ وصلت إلى موقع الحادث بعد ساعات \
                  من البلاغ وبدأت على الفور بإخلاء السكان من المباني المتضررة ونقل المصابين \
                  إلى المستشفيات القريبة في انتظار وصول معدات ثقيلة من العاصمة";
    let copy = "وأوضح الناطق باسم الهيئة أن فرق الإغاثة وصلت إلى موقع الحادث بعد ساعات \
                من الإخطار وبدأت على الفور بإجلاء السكان من البنايات المتضررة ونقل الجرحى \
                إلى المشافي المجاورة في انتظار قدوم معدات ثقيلة من العاصمة";
    let (a, b) = (insert(&arts[1], 30, report), insert(&arts[2], 50, copy));
    let texts = [
        ("a", a.as_str()),
        ("b", b.as_str()),
        ("x", arts[3].as_str()),
        ("y", arts[4].as_str()),
    ];
    let r = pipeline::analyse(&corpus(&texts), &Config::default(), &NoProgress).unwrap();
    assert_eq!(pair_relation(&r, "a", "b"), Some(Relation::SharesPassages));
    let p = shared(&r, "a", "b");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, PassageKind::Reworded);
    assert!(
        coverage(&a, report, p[0].a.start, p[0].a.end) > 0.8,
        "{p:#?}"
    );
    // 15 content words shared (وصلت موقع الحادث ساعات السكان ...), and the
    // substituted ones (أكد/أوضح, المتحدث/الناطق, البلاغ/الإخطار, ...) in
    // the same slots: they weigh too.
    let weight = p[0].weight.expect("weighed");
    assert!(weight >= 15.0 + 6.0, "{p:#?}");
}

#[test]
fn a_long_copy_is_listed_though_thick_with_function_words() {
    // Thirty-five words copied in the same order, only ten of them
    // content words: under the pair bar, over three quarters of it.
    let copy = "وقال إنه لم يكن في وسعهم أن يتوقفوا عن العمل في \
                ذلك اليوم لأن كل ما كان لديهم من وقت قد ذهب إلى ما لم يكن من قبل في \
                حسبان أي منهم حين بدأوا المشروع";
    assert!(copy.split_whitespace().count() >= 30);
    let arts = articles();
    let (a, b) = (insert(&arts[1], 30, copy), insert(&arts[2], 50, copy));
    let texts = [
        ("a", a.as_str()),
        ("b", b.as_str()),
        ("x", arts[3].as_str()),
    ];
    let c = corpus(&texts);
    let pair = |config: &Config| {
        let r = pipeline::analyse(&c, config, &NoProgress).unwrap();
        r.pairs
            .iter()
            .find(|p| (p.a == "a" && p.b == "b") || (p.a == "b" && p.b == "a"))
            .map(|p| (p.relation, p.weight))
    };
    let default = Config::default();
    let (relation, weight) = pair(&default).expect("a long copy is listed");
    assert_eq!(relation, Relation::SharesPassages);
    // Its weight alone would not list it: the long copy does.
    assert!(
        weight >= 0.75 * default.min_evidence && weight < default.min_evidence,
        "{weight}"
    );
    // A bar it weighs under three quarters of leaves it out.
    let strict = Config {
        min_evidence: weight / 0.75 + 1.0,
        ..Config::default()
    };
    assert_eq!(pair(&strict), None);
}
