//! Narrative level: passages that tell the same story in other words.

use athar::Span;
use athar::narrative::{Link, NarrativeGroup, NarrativeIndex, NarrativeParams, find_links, group};
use athar::text::normalize::NormalizeOptions;
use athar::text::tokenize::Tokenizer;

use crate::common::narrative::{docs, prep, txt_files};

/// Labelled narrative groups of `links` over `texts`.
fn groups_of(texts: &[String], links: &[Link], params: &NarrativeParams) -> Vec<NarrativeGroup> {
    let p = prep(texts);
    NarrativeIndex::build(&docs(texts, &p), NormalizeOptions::default(), params).group(links)
}

/// The five seed articles, in file-name order.
fn seeds() -> Vec<String> {
    txt_files(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus"
    )))
}

fn links_of(texts: &[String], params: &NarrativeParams) -> Vec<Link> {
    let p = prep(texts);
    let d = docs(texts, &p);
    find_links(&d, NormalizeOptions::default(), params)
}

fn check_spans(texts: &[String], links: &[Link]) {
    for l in links {
        assert!(l.a.0 < l.b.0);
        // Slicing panics when a span is off a character boundary.
        assert!(!l.a.1.slice(&texts[l.a.0]).is_empty());
        assert!(!l.b.1.slice(&texts[l.b.0]).is_empty());
        assert_eq!(l.terms.len(), l.terms_b.len());
        assert!(l.score > 0.0 && l.score <= 1.0 + 1e-4);
    }
}

/// Links between documents `x` and `y` (in either order).
fn between(links: &[Link], x: usize, y: usize) -> Vec<&Link> {
    links
        .iter()
        .filter(|l| (l.a.0, l.b.0) == (x.min(y), x.max(y)))
        .collect()
}

fn side<'t>(texts: &'t [String], l: &Link, doc: usize) -> &'t str {
    if l.a.0 == doc {
        l.a.1.slice(&texts[doc])
    } else {
        l.b.1.slice(&texts[doc])
    }
}

#[test]
fn arrests_of_salafi_jihadists_are_linked_across_001_002_003() {
    let texts = seeds();
    let links = links_of(&texts, &NarrativeParams::default());
    check_spans(&texts, &links);
    // 001 and 003 both tell of Hamas arresting Salafi jihadists, in other
    // words (`عمليات الاعتقال التي تنفذها حماس ضد السلفيين الجهاديين` /
    // `اعتقالات نفذتها حركة حماس ضدهم`, and the crackdown `حملة الحركة ...
    // ضد السلفيين الجهاديين، واعتقال العشرات`).
    let l13: Vec<_> = between(&links, 1, 3)
        .into_iter()
        .filter(|l| {
            let (a, b) = (side(&texts, l, 1), side(&texts, l, 3));
            a.contains("الاعتقال")
                && a.contains("السلفيين")
                && b.contains("اعتقال")
                && b.contains("السلفيين")
        })
        .collect();
    assert!(l13.len() >= 2, "001-003 arrests links: {links:#?}");
    for l in &l13 {
        assert!(l.terms.iter().any(|t| t.contains("اعتقال")), "{l:?}");
        assert!(l.terms.iter().any(|t| t.contains("سلفي")), "{l:?}");
    }
    // 002 tells of a wave of arrests of IS supporters; it shares only a few
    // words with 003 (arrests, campaign) and no anchor: group support, which
    // once linked it through 003's link to 001, is gone (it chained topics).
}

/// The whole pipeline on corpus/: one narrative holds the arrests story as
/// told by 001, 002 and 003.
#[test]
fn pipeline_groups_the_arrests_story_of_001_002_003() {
    use athar::corpus::{ReadOptions, load};
    use athar::pipeline::{Config, NoProgress, analyse};
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"));
    let corpus = load(&[dir], &ReadOptions::default()).unwrap();
    let report = analyse(&corpus, &Config::default(), &NoProgress).unwrap();
    let text_of = |id: &str| {
        &corpus
            .documents
            .iter()
            .find(|d| d.id == id)
            .expect("member document")
            .text
    };
    let arrests = |s: &str| s.contains("اعتقال") || s.contains("اعتقل");
    let found = report.narratives.iter().any(|n| {
        ["001_", "003_"].iter().all(|prefix| {
            n.members
                .iter()
                .any(|m| m.doc.contains(prefix) && arrests(&text_of(&m.doc)[m.start..m.end]))
        })
    });
    assert!(found, "{:#?}", report.narratives);
}

/// An entity with its stock description (`كتائب القسام، الجناح العسكري لحركة
/// حماس`), repeated by documents on different stories, is not a narrative.
#[test]
fn stock_collocation_repeated_across_documents_is_not_a_link() {
    let texts: Vec<String> = [
        "أعلنت كتائب القسام الجناح العسكري لحركة حماس مسؤوليتها عن قصف مستوطنة \
         سديروت بالصواريخ. وقالت المصادر إن الصواريخ أصابت منازل ومصنعا للأغذية.",
        "نعت كتائب القسام الجناح العسكري لحركة حماس قائدا ميدانيا توفي في حادث سير \
         على طريق صلاح الدين. وشارك آلاف المشيعين في الجنازة بمدينة خان يونس.",
        "نظمت كتائب القسام الجناح العسكري لحركة حماس معرضا للكتب والصور في ذكرى \
         تأسيسها. وزار المعرض طلاب المدارس والجامعات وأساتذة التاريخ.",
        "رفضت كتائب القسام الجناح العسكري لحركة حماس مبادرة مصرية لتبادل الأسرى \
         قبل رفع الحصار. وطالبت الوسطاء بضمانات دولية مكتوبة وجدول زمني.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let links = links_of(&texts, &NarrativeParams::default());
    assert!(links.is_empty(), "{links:#?}");
}

#[test]
fn grouping_joins_the_tellings_of_one_story() {
    let texts = seeds();
    let params = NarrativeParams::default();
    let links = links_of(&texts, &params);
    let groups = groups_of(&texts, &links, &params);
    assert!(!groups.is_empty());
    for g in &groups {
        assert!(g.n_docs >= 2 && g.links >= 1);
        assert!(g.members.windows(2).all(|w| w[0] < w[1]));
        assert!(g.members.contains(&g.representative));
        for m in &g.members {
            assert!(!m.span.slice(&texts[m.doc]).is_empty());
        }
    }
    // The arrests story: one group holds the 001 and 003 tellings, labelled
    // with its words.
    let g = groups
        .iter()
        .find(|g| {
            g.members
                .iter()
                .any(|m| m.doc == 1 && m.span.slice(&texts[1]).contains("الاعتقال"))
                && g.members
                    .iter()
                    .any(|m| m.doc == 3 && m.span.slice(&texts[3]).contains("اعتقالات"))
        })
        .expect("arrests group");
    assert!(g.label.iter().any(|t| t.contains("سلفي")), "{g:?}");
}

#[test]
fn key_terms_are_original_spellings_from_the_spans() {
    let texts = seeds();
    let links = links_of(&texts, &NarrativeParams::default());
    assert!(!links.is_empty());
    for l in &links {
        assert!(l.terms.len() >= NarrativeParams::default().min_terms);
        for (ta, tb) in l.terms.iter().zip(&l.terms_b) {
            assert!(l.a.1.slice(&texts[l.a.0]).contains(ta.as_str()), "{ta}");
            assert!(l.b.1.slice(&texts[l.b.0]).contains(tb.as_str()), "{tb}");
        }
    }
}

/// A small deterministic generator (xorshift), for shuffling.
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[test]
fn shuffled_paragraph_is_found() {
    let seeds = seeds();
    // A paragraph of 004 (the leaked document on Hamas's help to IS Sinai).
    let para = seeds[4]
        .split('\n')
        .find(|l| l.contains("أبو مرام الجزائري أُبلغ"))
        .unwrap()
        .to_string();
    let mut words: Vec<&str> = para.split_whitespace().collect();
    shuffle(&mut words, 0x9E37_79B9_7F4A_7C15);
    let shuffled = words.join(" ");
    assert_ne!(shuffled, para);
    // Planted in the middle of 000, an article on another story.
    let host = &seeds[0];
    let cut = host.find("يذكر أن تننظيم").unwrap();
    let planted = format!("{}{}. {}", &host[..cut], shuffled, &host[cut..]);
    let plant = Span::new(cut, cut + shuffled.len());
    let texts = vec![seeds[4].clone(), planted, seeds[2].clone()];
    let links = links_of(&texts, &NarrativeParams::default());
    check_spans(&texts, &links);
    let para_at = seeds[4].find(&para).unwrap();
    let para_span = Span::new(para_at, para_at + para.len());
    assert!(
        between(&links, 0, 1)
            .iter()
            .any(|l| l.a.1.overlaps(para_span) && l.b.1.overlaps(plant)),
        "{links:#?}"
    );
}

#[test]
fn shared_stop_words_and_ubiquitous_names_are_not_a_narrative() {
    // Four articles on different stories; all name the same two people and
    // the same city, and all use the same function words and verbs of saying.
    let texts: Vec<String> = [
        "قال محمد العتيبي إن الشركة افتتحت في الرياض مصنعا جديدا للألبان، \
         وأضاف خالد الدوسري أن المصنع في جدة ينتج الحليب والأجبان لصالح أرامكو.",
        "أكد محمد العتيبي أن المنتخب فاز في الرياض بثلاثة أهداف في المباراة النهائية، \
         وقال خالد الدوسري إن الجماهير احتفلت في جدة حتى الصباح برعاية أرامكو.",
        "أشار محمد العتيبي إلى أن الأمطار الغزيرة أغرقت شوارع الرياض وأغلقت الأنفاق، \
         وأوضح خالد الدوسري أن السيول في جدة حاصرت عائلات أنقذتها فرق أرامكو.",
        "أوضح محمد العتيبي أن معرض الكتاب في الرياض يستقبل الزوار ودور النشر، \
         وقال خالد الدوسري إن ندوات جدة تناقش الرواية والشعر بدعم أرامكو.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let links = links_of(&texts, &NarrativeParams::default());
    assert!(links.is_empty(), "{links:#?}");
}

#[test]
fn empty_and_short_documents_do_not_panic() {
    let params = NarrativeParams::default();
    assert!(links_of(&[], &params).is_empty());
    let texts: Vec<String> = ["", " ", "حماس", "...", "في من على", "غزة ٢٠٢٣"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(links_of(&texts, &params).is_empty());
    let mut with_seed = texts.clone();
    with_seed.push(seeds()[1].clone());
    with_seed.push(String::new());
    assert!(links_of(&with_seed, &params).is_empty());
    // A corpus of one document has no cross-document links.
    assert!(links_of(&seeds()[..1], &params).is_empty());
    assert!(groups_of(&texts, &[], &params).is_empty());
    assert!(group(&[]).is_empty());
}

#[test]
fn output_is_deterministic_across_runs_and_thread_counts() {
    let texts = seeds();
    let params = NarrativeParams::default();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| links_of(&texts, &params))
    };
    let one = run(1);
    assert_eq!(one, run(3));
    assert_eq!(one, links_of(&texts, &params));
    assert_eq!(
        format!("{one:?}"),
        format!("{:?}", run(2)),
        "byte-identical debug output"
    );
}

#[test]
fn threshold_is_a_bar() {
    let texts = seeds();
    let strict = NarrativeParams {
        threshold: 0.99,
        ..Default::default()
    };
    assert!(links_of(&texts, &strict).is_empty());
    let loose = NarrativeParams {
        threshold: 0.1,
        ..Default::default()
    };
    assert!(links_of(&texts, &loose).len() >= links_of(&texts, &NarrativeParams::default()).len());
}

#[test]
fn links_covered_by_verbatim_passages_are_dropped() {
    let texts = seeds();
    let links = links_of(&texts, &NarrativeParams::default());
    assert!(links.len() >= 2);
    let first = links[0].clone();
    // A verbatim pair given in the other orientation still matches.
    let verbatim = vec![Link {
        a: first.b,
        b: first.a,
        tokens_a: first.tokens_b,
        tokens_b: first.tokens_a,
        score: 1.0,
        terms: vec![],
        terms_b: vec![],
    }];
    let kept = athar::narrative::without_verbatim(links.clone(), &verbatim);
    assert_eq!(kept.len(), links.len() - 1);
    assert!(!kept.contains(&first));
    assert_eq!(
        athar::narrative::without_verbatim(links.clone(), &[]),
        links
    );
}

/// Number of tokens overlapping `span`, counted from a fresh tokenization.
fn tokens_overlapping(text: &str, span: Span) -> usize {
    let t = Tokenizer::new(NormalizeOptions::default()).tokenize(text);
    t.tokens
        .iter()
        .filter(|x| x.span.start() < span.end() && x.span.end() > span.start())
        .count()
}

#[test]
fn links_count_the_tokens_of_their_passages() {
    let texts = seeds();
    let links = links_of(&texts, &NarrativeParams::default());
    assert!(!links.is_empty());
    for l in &links {
        assert_eq!(
            l.tokens_a,
            tokens_overlapping(&texts[l.a.0], l.a.1),
            "{l:?}"
        );
        assert_eq!(
            l.tokens_b,
            tokens_overlapping(&texts[l.b.0], l.b.1),
            "{l:?}"
        );
        assert!(l.tokens_a > 0 && l.tokens_b > 0);
    }
}

#[test]
fn labelled_groups_refine_bare_groups() {
    let texts = seeds();
    let params = NarrativeParams::default();
    let p = prep(&texts);
    let index = NarrativeIndex::build(&docs(&texts, &p), NormalizeOptions::default(), &params);
    let links = index.find_links();
    assert_eq!(
        links,
        links_of(&texts, &params),
        "index and free function agree"
    );
    let labelled = index.group(&links);
    let bare = group(&links);
    assert!(!labelled.is_empty());
    assert!(labelled.len() <= bare.len());
    for y in &bare {
        assert!(y.label.is_empty());
    }
    for x in &labelled {
        // The index only drops passages that do not tell a group's story:
        // every labelled group lies within one bare group.
        assert!(
            bare.iter().any(|y| x
                .members
                .iter()
                .all(|m| y.members.iter().any(|n| n.doc == m.doc
                    && n.span.start() <= m.span.start()
                    && m.span.end() <= n.span.end()))),
            "{x:?}"
        );
        assert!(x.members.contains(&x.representative));
        assert!(!x.label.is_empty(), "{x:?}");
        // Label words are spelled as in some member passage.
        for w in &x.label {
            assert!(
                x.members
                    .iter()
                    .any(|m| m.span.slice(&texts[m.doc]).contains(w.as_str()))
            );
        }
    }
}

/// Two seed articles, then `n` generated unrelated articles, `with_formula`
/// of which end with the same formula (the same words, in another order).
fn formula_corpus(n: usize, with_formula: usize) -> Vec<String> {
    use athar_synth::{SynthParams, generate};
    let words = [
        "مباحثات",
        "الهدنة",
        "الوسطاء",
        "الأسرى",
        "الحدودية",
        "المعابر",
        "الجرحى",
        "القصف",
    ];
    let fresh = generate(&SynthParams {
        docs: n,
        seed: 11,
        dup_rate: 0.0,
        shared_rate: 0.0,
        shuffled_rate: 0.0,
        boilerplate_rate: 0.0,
        ..SynthParams::default()
    })
    .unwrap();
    let mut out: Vec<String> = seeds()[..2].to_vec();
    for (i, d) in fresh.docs.iter().enumerate() {
        if i < with_formula {
            // The same words in another order each time, never side by side.
            let mut w = words.to_vec();
            w.rotate_left(i % words.len());
            out.push(format!("{}\n{}.", d.text, w.join(" في ")));
        } else {
            out.push(d.text.clone());
        }
    }
    out
}

#[test]
fn keys_in_too_many_windows_are_no_evidence() {
    let texts = formula_corpus(80, 12);
    // Without anchors (any distinctive term anchors), the formula links its
    // documents; capping keys is what this test checks.
    let loose = NarrativeParams {
        anchor_weight: 2.0,
        min_anchors: 2.0,
        ..NarrativeParams::default()
    };
    let tight = NarrativeParams {
        max_key_postings: 10,
        ..loose.clone()
    };
    // With the default anchors, the formula's common words link nothing.
    let anchored = links_of(&texts, &NarrativeParams::default());
    let formula_links = |links: &[Link]| {
        links
            .iter()
            .filter(|l| l.a.0 >= 2 && l.b.0 < 14 && l.b.1.slice(&texts[l.b.0]).contains("مباحثات"))
            .count()
    };
    assert_eq!(formula_links(&anchored), 0, "{anchored:#?}");
    let all = links_of(&texts, &loose);
    assert!(formula_links(&all) > 10, "the formula links its documents");
    let capped = links_of(&texts, &tight);
    assert_eq!(formula_links(&capped), 0, "{capped:#?}");
    // Capping keys only takes candidates away.
    let pairs = |links: &[Link]| {
        let mut p: Vec<(usize, usize)> = links.iter().map(|l| (l.a.0, l.b.0)).collect();
        p.dedup();
        p
    };
    let (before, after) = (pairs(&all), pairs(&capped));
    assert!(after.iter().all(|p| before.contains(p)));
}

#[test]
fn index_is_deterministic_across_thread_counts() {
    let texts = formula_corpus(40, 10);
    let params = NarrativeParams::default();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let p = prep(&texts);
                let index =
                    NarrativeIndex::build(&docs(&texts, &p), NormalizeOptions::default(), &params);
                let links = index.find_links();
                let groups = index.group(&links);
                format!("{links:?}{groups:?}")
            })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
}

mod props {
    use super::*;
    use athar::text::stem::light10;
    use proptest::prelude::*;

    /// Words from Arabic letters with the prefixes and suffixes light10 knows.
    fn word() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["", "و", "ال", "وال", "بال", "لل", "ف", "ب"]),
            "[بتثجحخدذرزسشصضطظعغفقكلمنهوي]{0,5}",
            prop::sample::select(vec!["", "ها", "ات", "ون", "ين", "يه", "ه", "ي", "ان"]),
        )
            .prop_map(|(p, r, s)| format!("{p}{r}{s}"))
    }

    proptest! {
        #[test]
        fn light10_is_a_nonempty_subslice(w in word()) {
            let s = light10(&w);
            prop_assert!(w.contains(s));
            prop_assert_eq!(s.is_empty(), w.is_empty());
            // Never shorter than 2 characters unless the word was.
            prop_assert!(s.chars().count() >= w.chars().count().min(2));
        }

        #[test]
        fn links_are_valid_and_deterministic(
            docs_words in prop::collection::vec(prop::collection::vec(word(), 0..60), 0..5)
        ) {
            let texts: Vec<String> = docs_words
                .iter()
                .map(|ws| {
                    ws.chunks(9)
                        .map(|c| c.join(" "))
                        .collect::<Vec<_>>()
                        .join(". ")
                })
                .collect();
            let params = NarrativeParams::default();
            let links = links_of(&texts, &params);
            check_spans(&texts, &links);
            let mut sorted = links.clone();
            sorted.sort_by_key(|x| (x.a.0, x.b.0, x.a.1, x.b.1));
            prop_assert_eq!(&sorted, &links);
            prop_assert_eq!(&links, &links_of(&texts, &params));
            for g in groups_of(&texts, &links, &params) {
                prop_assert!(g.n_docs >= 2);
                for m in &g.members {
                    prop_assert!(m.span.end() <= texts[m.doc].len());
                }
            }
        }
    }
}

/// A link between the passages of `texts[x]` and `texts[y]` that begin with
/// `from_x` / `from_y` and run to the end of the given sentence.
fn link_between(texts: &[String], x: (usize, &str, &str), y: (usize, &str, &str)) -> Link {
    let span = |(doc, from, to): (usize, &str, &str)| {
        let t = &texts[doc];
        let start = t.find(from).expect("passage start");
        let end = t[start..].find(to).expect("passage end") + start + to.len();
        (doc, Span::new(start, end))
    };
    Link {
        a: span(x),
        b: span(y),
        tokens_a: 0,
        tokens_b: 0,
        score: 1.0,
        terms: Vec::new(),
        terms_b: Vec::new(),
    }
}

/// Three documents tell of a flood in Jeddah; the last of them goes on,
/// in a long passage that overlaps its flood passage, to a football match
/// that a fourth document reports. The match report is linked to a
/// passage of a flood document but does not tell of the flood: it is not
/// in the flood's narrative (star clustering over overlapping passages
/// used to pull it in).
#[test]
fn a_passage_linked_through_an_overlap_does_not_join_an_unrelated_story() {
    let flood = "أعلن الدفاع المدني في جدة غرق عشرات السيارات في الأنفاق بعد أمطار غزيرة \
                 وسيول جارفة اجتاحت الأحياء الجنوبية، وأغلقت الشرطة الطرق المؤدية إليها.";
    let texts: Vec<String> = vec![
        format!("{flood} وقال متحدث إن فرق الإنقاذ انتشلت المحتجزين."),
        format!("وفي التفاصيل، {flood} ودعت السلطات السكان إلى البقاء في منازلهم."),
        format!(
            "{flood} وفي شأن آخر، فاز فريق الاتحاد على الهلال بثلاثة أهداف مقابل هدف \
             في نهائي كأس الملك على ملعب الجوهرة، وسجل المهاجم هدفين في الشوط الثاني."
        ),
        "فاز فريق الاتحاد على الهلال بثلاثة أهداف مقابل هدف في نهائي كأس الملك على \
         ملعب الجوهرة، وسجل المهاجم هدفين في الشوط الثاني وسط حضور جماهيري كبير."
            .to_string(),
    ];
    let end = "الطرق المؤدية إليها.";
    let links = vec![
        link_between(&texts, (0, "أعلن", end), (2, "أعلن", end)),
        link_between(&texts, (1, "أعلن", end), (2, "أعلن", end)),
        link_between(&texts, (0, "أعلن", end), (1, "أعلن", end)),
        // 2's window runs from the flood into the match: it overlaps the
        // flood passage by more than half, so grouping treats both as one
        // passage of 2.
        link_between(&texts, (2, "أعلن", "الجوهرة"), (3, "فاز", "الجوهرة")),
    ];
    let groups = groups_of(&texts, &links, &NarrativeParams::default());
    let flood_group = groups
        .iter()
        .find(|g| g.members.iter().any(|m| m.doc == 0))
        .expect("the flood narrative");
    let docs: Vec<usize> = flood_group.members.iter().map(|m| m.doc).collect();
    assert!(
        [0, 1, 2].iter().all(|d| docs.contains(d)),
        "{flood_group:?}"
    );
    assert!(!docs.contains(&3), "{flood_group:?}");
    assert!(
        flood_group.label.iter().any(|w| flood.contains(w.as_str())),
        "{flood_group:?}"
    );
    // Without the model, grouping is structural only and keeps the match.
    let bare = group(&links);
    assert!(
        bare.iter()
            .any(|g| g.members.iter().any(|m| m.doc == 0) && g.members.iter().any(|m| m.doc == 3)),
        "{bare:?}"
    );
}

/// Two articles on different stories, each with the same background told in
/// other words (`bg_a`, `bg_b`), among generated unrelated articles; with
/// `shared`, both also name the same people elsewhere.
fn background_corpus(shared: bool) -> Vec<String> {
    use athar_synth::{SynthParams, generate};
    let bg_a = "وكانت قوات النظام قد خسرت جسر الشغور في الربيع الماضي، ثم خسرت أريحا قبل أن تسقط إدلب أمام فصائل جيش الفتح.";
    let bg_b = "يذكر أن المعارضة سيطرت على جسر الشغور بعد معارك طويلة، ثم دخلت أريحا وحاصرت إدلب وطردت قوات النظام.";
    let (ctx_a, ctx_b) = if shared {
        (
            " وقال المتحدث يوسف البرقاوي إن الهدنة لم تصمد.",
            " ونفى المتحدث يوسف البرقاوي أي اتفاق مع الوسطاء.",
        )
    } else {
        ("", "")
    };
    let fresh = generate(&SynthParams {
        docs: 60,
        seed: 7,
        dup_rate: 0.0,
        shared_rate: 0.0,
        shuffled_rate: 0.0,
        boilerplate_rate: 0.0,
        ..SynthParams::default()
    })
    .unwrap();
    let mut out = vec![
        format!(
            "{bg_a}\n{}{ctx_a}\n{}",
            "تعيش القرى الساحلية حالة من الترقب بعد سقوط قذائف على أطراف مدينة جبلة، وأغلق التجار محالهم في السوق القديم.",
            fresh.docs[0].text
        ),
        format!(
            "{bg_b}\n{}\n{}{ctx_b}",
            fresh.docs[1].text,
            "وصلت قافلة مساعدات إلى بلدتي كفريا والفوعة المحاصرتين بعد مفاوضات طويلة، وحملت الشاحنات الطحين والأدوية."
        ),
    ];
    out.extend(fresh.docs[2..].iter().map(|d| d.text.clone()));
    out
}

/// A background paragraph retold in two articles on different stories is
/// no link when the articles share nothing else: a link whose documents
/// share no other anchor needs `lone_anchors` shared anchors.
#[test]
fn shared_background_alone_is_not_a_link() {
    let texts = background_corpus(false);
    let bare = NarrativeParams {
        lone_anchors: 0,
        ..NarrativeParams::default()
    };
    let background = |links: &[Link]| {
        between(links, 0, 1)
            .iter()
            .filter(|l| side(&texts, l, 0).contains("الشغور"))
            .count()
    };
    let all = links_of(&texts, &bare);
    assert!(
        background(&all) > 0,
        "the background paragraphs match: {all:#?}"
    );
    let links = links_of(&texts, &NarrativeParams::default());
    assert_eq!(background(&links), 0, "{links:#?}");
    // The same paragraphs in articles that name the same spokesman
    // elsewhere: their context makes them a link again.
    let texts = background_corpus(true);
    let links = links_of(&texts, &NarrativeParams::default());
    assert!(
        between(&links, 0, 1)
            .iter()
            .any(|l| side(&texts, l, 0).contains("الشغور")),
        "{links:#?}"
    );
}
