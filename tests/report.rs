//! Report renderers: JSON round trip, text snapshot, HTML structure.

use std::collections::BTreeMap;

use athar::report::{
    Cluster, DocumentEntry, Format, Formula, Loc, Narrative, Pair, Params, Passage, PassageKind,
    Phrase, Relation, RenderOptions, Report, SCHEMA_VERSION, SkippedEntry, Status, Summary, render,
};
use proptest::prelude::*;

const A: &str = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في العاصمة.\n\nوقال المتحدث الرسمي إن الوضع تحت السيطرة وإن الفرق الطبية تعمل على مدار الساعة. وأكد الوزير أن المستشفيات مستعدة لاستقبال المرضى. وقال المتحدث الرسمي إن الوضع تحت السيطرة. جميع الحقوق محفوظة.";
const B: &str = "نقلت وكالة الأنباء أن وزارة الصحة سجلت حالات جديدة. وقال المتحدث الرسمي إن الوضع تحت السيطرة وإن الفرق الطبية تعمل على مدار الساعة. <script>alert(\"x\")</script> جميع الحقوق محفوظة.";
const C: &str = "صرّح مسؤول في الوزارة بأن المستشفيات جاهزة لاستقبال المصابين، مؤكدًا أن الأوضاع مستقرة. جميع الحقوق محفوظة.";

const VERBATIM: &str =
    "وقال المتحدث الرسمي إن الوضع تحت السيطرة وإن الفرق الطبية تعمل على مدار الساعة";
const REPEATED: &str = "وقال المتحدث الرسمي إن الوضع تحت السيطرة";

/// The span of `needle` in `text`, the last occurrence when `last`.
fn loc_at(doc: &str, text: &str, needle: &str, last: bool) -> Loc {
    let start = if last {
        text.rfind(needle)
    } else {
        text.find(needle)
    }
    .unwrap_or_else(|| panic!("{needle:?} not in {doc}"));
    let end = start + needle.len();
    Loc {
        doc: doc.to_string(),
        start,
        end,
        start_char: text[..start].chars().count(),
        end_char: text[..end].chars().count(),
    }
}

fn loc(doc: &str, text: &str, needle: &str) -> Loc {
    loc_at(doc, text, needle, false)
}

fn texts() -> BTreeMap<String, String> {
    [("a", A), ("b", B), ("c", C)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn doc(id: &str, text: &str, tokens: usize, sentences: usize) -> DocumentEntry {
    DocumentEntry {
        id: id.to_string(),
        source: format!("news/{id}.txt"),
        bytes: text.len() as u64,
        tokens,
        sentences,
        status: Status::Analysed,
        reason: None,
        meta: None,
    }
}

fn sample() -> Report {
    let narrative_a = "وأكد الوزير أن المستشفيات مستعدة لاستقبال المرضى";
    let narrative_c = "صرّح مسؤول في الوزارة بأن المستشفيات جاهزة لاستقبال المصابين";
    let passages = vec![
        Passage {
            kind: PassageKind::Verbatim,
            a: loc("a", A, VERBATIM),
            b: loc("b", B, VERBATIM),
            tokens_a: 14,
            tokens_b: 14,
            score: 1.0,
            terms: vec![],
            weight: None,
        },
        Passage {
            kind: PassageKind::Narrative,
            a: loc("a", A, "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة"),
            b: loc("b", B, "وزارة الصحة سجلت حالات جديدة"),
            tokens_a: 8,
            tokens_b: 5,
            score: 0.71,
            terms: vec!["وزارة".into(), "الصحة".into(), "حالات".into()],
            weight: None,
        },
        Passage {
            kind: PassageKind::Narrative,
            a: loc("a", A, narrative_a),
            b: loc("c", C, narrative_c),
            tokens_a: 7,
            tokens_b: 8,
            score: 0.62,
            terms: vec!["المستشفيات".into(), "لاستقبال".into()],
            weight: None,
        },
        Passage {
            kind: PassageKind::Repeat,
            a: loc("a", A, REPEATED),
            b: loc_at("a", A, REPEATED, true),
            tokens_a: 7,
            tokens_b: 7,
            score: 1.0,
            terms: vec![],
            weight: None,
        },
    ];
    Report {
        schema_version: SCHEMA_VERSION,
        tool: "athar 0.1.0".into(),
        params: Params {
            normalize: "default".into(),
            shingle_size: 5,
            hash: "xxh3-64".into(),
            minhash: Some("fast".into()),
            num_perm: Some(128),
            seed: Some(42),
            threshold: Some(0.5),
            containment: Some(0.8),
            bands: Some(16),
            rows: Some(8),
            max_bucket: Some(500),
            max_df: Some(2),
            max_gap: Some(3),
            min_passage: Some(6),
            narrative_threshold: Some(0.6),
            formula_min_clusters: Some(3),
            mode: None,
        },
        summary: Summary {
            documents_read: 4,
            analysed: 3,
            skipped: 1,
            bytes: (A.len() + B.len() + C.len()) as u64,
            tokens: 83,
            sentences: 9,
        },
        documents: vec![
            doc("a", A, 38, 5),
            doc("b", B, 28, 2),
            doc("c", C, 17, 2),
            DocumentEntry {
                id: "d".into(),
                source: "feed.jsonl:4".into(),
                bytes: 0,
                tokens: 0,
                sentences: 0,
                status: Status::Skipped,
                reason: Some("empty text".into()),
                meta: None,
            },
        ],
        pairs: vec![Pair {
            a: "a".into(),
            b: "b".into(),
            jaccard: 0.41,
            containment_a: 0.45,
            containment_b: 0.62,
            estimated_jaccard: Some(0.39),
            shared_shingles: 12,
            passages: 1,
            relation: Relation::Contained,
            weight: 12.0,
            direction: None,
        }],
        clusters: vec![Cluster {
            id: 1,
            representative: "a".into(),
            members: vec!["a".into(), "b".into()],
        }],
        narrative_links: vec![],
        narratives: vec![
            Narrative {
                id: 1,
                label: "المتحدث الرسمي الوضع السيطرة".into(),
                docs: 2,
                members: vec![passages[0].a.clone(), passages[0].b.clone()],
                representative: 0,
                verbatim: true,
                anchors: vec![],
                links: 0,
            },
            Narrative {
                id: 2,
                label: "المستشفيات لاستقبال".into(),
                docs: 2,
                members: vec![passages[2].a.clone(), passages[2].b.clone()],
                representative: 1,
                verbatim: false,
                anchors: vec![],
                links: 1,
            },
        ],
        passages,
        phrases: vec![Phrase {
            text: REPEATED.into(),
            tokens: 7,
            docs: 2,
            occurrences: vec![loc("a", A, REPEATED), loc("b", B, REPEATED)],
        }],
        formula: vec![Formula {
            template: "جميع الحقوق محفوظة #".into(),
            text: "جميع الحقوق محفوظة".into(),
            docs: 3,
            fraction: 1.0,
            example: loc("a", A, VERBATIM),
        }],
        skipped: vec![SkippedEntry {
            id: "d".into(),
            source: "feed.jsonl:4".into(),
            reason: "empty text".into(),
        }],
        warnings: vec!["1 LSH bucket larger than max_bucket=500 was cut".into()],
    }
}

fn render_to_string(report: &Report, format: Format, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(report, &texts(), format, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn all_locs(r: &Report) -> Vec<&Loc> {
    let mut v: Vec<&Loc> = Vec::new();
    for p in &r.passages {
        v.push(&p.a);
        v.push(&p.b);
    }
    v.extend(r.narratives.iter().flat_map(|n| &n.members));
    v.extend(r.phrases.iter().flat_map(|p| &p.occurrences));
    v
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_round_trips_field_by_field() {
    let report = sample();
    for pretty in [true, false] {
        let opts = RenderOptions {
            pretty,
            ..RenderOptions::default()
        };
        let json = render_to_string(&report, Format::Json, &opts);
        assert!(json.ends_with('\n'));
        assert_eq!(json.trim_end().contains('\n'), pretty, "pretty={pretty}");
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back.schema_version, SCHEMA_VERSION);
        assert_eq!(back.tool, report.tool);
        assert_eq!(back.params, report.params);
        assert_eq!(back.summary, report.summary);
        assert_eq!(back.documents, report.documents);
        assert_eq!(back.pairs, report.pairs);
        assert_eq!(back.clusters, report.clusters);
        assert_eq!(back.passages, report.passages);
        assert_eq!(back.narratives, report.narratives);
        assert_eq!(back.phrases, report.phrases);
        assert_eq!(back.formula, report.formula);
        assert_eq!(back.skipped, report.skipped);
        assert_eq!(back.warnings, report.warnings);
        assert_eq!(back, report);
    }
}

#[test]
fn json_spans_slice_the_original_text() {
    let json = render_to_string(&sample(), Format::Json, &RenderOptions::default());
    let back: Report = serde_json::from_str(&json).unwrap();
    let texts = texts();
    let p = &back.passages[0];
    assert_eq!(&A[p.a.start..p.a.end], VERBATIM);
    assert_eq!(&B[p.b.start..p.b.end], VERBATIM);
    let r = &back.passages[3];
    assert_eq!(&A[r.a.start..r.a.end], REPEATED);
    assert_eq!(&A[r.b.start..r.b.end], REPEATED);
    assert!(r.a.end <= r.b.start);
    for phrase in &back.phrases {
        for o in &phrase.occurrences {
            assert_eq!(&texts[&o.doc][o.start..o.end], phrase.text);
        }
    }
    for l in all_locs(&back) {
        let t = &texts[&l.doc];
        let s = t.get(l.start..l.end).expect("span on char boundaries");
        // Code point offsets agree with byte offsets.
        let by_chars: String = t
            .chars()
            .skip(l.start_char)
            .take(l.end_char - l.start_char)
            .collect();
        assert_eq!(by_chars, s);
    }
}

#[test]
fn json_wire_format_names_and_omissions() {
    let mut report = sample();
    report.params.minhash = None;
    report.pairs[0].estimated_jaccard = None;
    let json = render_to_string(&report, Format::Json, &RenderOptions::default());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Top-level fields in declaration order (pretty output indents them by two).
    let top: Vec<&str> = json
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(
        top,
        [
            "schema_version",
            "tool",
            "params",
            "summary",
            "documents",
            "pairs",
            "clusters",
            "passages",
            "narratives",
            "narrative_links",
            "phrases",
            "formula",
            "skipped",
            "warnings"
        ]
    );
    assert!(v["params"].get("minhash").is_none());
    assert!(v["pairs"][0].get("estimated_jaccard").is_none());
    assert_eq!(v["passages"][0]["kind"], "verbatim");
    assert!(
        v["passages"][0].get("terms").is_none(),
        "empty terms are omitted"
    );
    assert_eq!(v["passages"][1]["kind"], "narrative");
    assert_eq!(v["passages"][3]["kind"], "repeat");
    assert_eq!(v["documents"][3]["status"], "skipped");
    assert_eq!(v["documents"][3]["reason"], "empty text");
    assert!(v["documents"][0].get("reason").is_none());
    // Deterministic bytes.
    assert_eq!(
        json,
        render_to_string(&report, Format::Json, &RenderOptions::default())
    );
}

// ---------------------------------------------------------------- text

#[test]
fn text_snapshot() {
    let opts = RenderOptions {
        color: false,
        ..RenderOptions::default()
    };
    let text = render_to_string(&sample(), Format::Text, &opts);
    assert!(!text.contains('\x1b'));
    insta::assert_snapshot!("text_report", text);
}

#[test]
fn text_colour_only_when_asked() {
    let opts = RenderOptions {
        color: true,
        ..RenderOptions::default()
    };
    let colored = render_to_string(&sample(), Format::Text, &opts);
    assert!(colored.contains("\x1b["));
    let plain = render_to_string(&sample(), Format::Text, &RenderOptions::default());
    // Stripping the escapes gives the plain report.
    let mut stripped = String::new();
    let mut it = colored.chars();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            stripped.push(c);
        }
    }
    assert_eq!(stripped, plain);
}

#[test]
fn text_keeps_arabic_in_logical_order() {
    let text = render_to_string(&sample(), Format::Text, &RenderOptions::default());
    assert!(text.contains(&format!("«{VERBATIM}»")));
    let reversed: String = VERBATIM.chars().rev().collect();
    assert!(!text.contains(&reversed));
}

#[test]
fn text_top_cuts_sections_and_says_so() {
    let mut report = sample();
    let p = report.pairs[0].clone();
    for i in 0..5 {
        let mut q = p.clone();
        q.b = format!("x{i}");
        report.pairs.push(q);
    }
    let opts = RenderOptions {
        top: 2,
        ..RenderOptions::default()
    };
    let text = render_to_string(&report, Format::Text, &opts);
    assert!(text.contains("… and 4 more"), "{text}");
    assert!(text.contains("… and 1 more"), "passages 3 > 2: {text}");
    assert!(!text.contains("x2"));
    let all = render_to_string(&report, Format::Text, &RenderOptions { top: 0, ..opts });
    assert!(all.contains("x4") && !all.contains("more"));
}

#[test]
fn text_empty_sections_explain_themselves() {
    let mut report = sample();
    report.pairs.clear();
    report.clusters.clear();
    report.phrases.clear();
    report.formula.clear();
    report.skipped.clear();
    report.warnings.clear();
    let text = render_to_string(&report, Format::Text, &RenderOptions::default());
    assert!(
        text.contains(
            "No near-duplicate pairs at Jaccard ≥ 0.5 or containment ≥ 0.8; 3 passage links below."
        ),
        "{text}"
    );
    assert!(text.contains(
        "None: no text recurs in 3 or more unrelated documents (copies of one story count once)."
    ));
    assert!(text.contains("None: every document read was analysed."));
    let empty = render_to_string(&Report::default(), Format::Text, &RenderOptions::default());
    assert!(empty.contains("No passage is shared between documents."));
    assert!(empty.contains("and no shared passages."));
}

#[test]
fn text_survives_missing_texts_and_bad_offsets() {
    let mut report = sample();
    report.passages[0].a.end = A.len() + 10;
    report.passages[0].b.start = 1; // inside a two-byte letter
    let mut out = Vec::new();
    let no_texts: BTreeMap<String, String> = BTreeMap::new();
    render(
        &report,
        &no_texts,
        Format::Text,
        &RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("(text not available)"));
    let s = render_to_string(&report, Format::Text, &RenderOptions::default());
    assert!(s.contains("(text not available)"));
}

/// `sample()` plus pairs of every relation: a near-duplicate (identical), a
/// contained pair, and two pairs that only share passages, one through a
/// long verbatim passage, one through a short one.
fn with_relations() -> Report {
    let mut r = sample();
    r.pairs[0].relation = Relation::Contained;
    let mut near = r.pairs[0].clone();
    near.b = "c".into();
    near.jaccard = 1.0;
    near.containment_a = 1.0;
    near.containment_b = 1.0;
    near.relation = Relation::NearDuplicate;
    let mut weak_short = r.pairs[0].clone();
    weak_short.a = "b".into();
    weak_short.b = "c".into();
    weak_short.jaccard = 0.1;
    weak_short.relation = Relation::SharesPassages;
    r.pairs.insert(0, near);
    r.pairs.push(weak_short);
    // The narrative a↔c (8 tokens) is the passage of the b↔c stand-in; add
    // a long verbatim passage between b and c so that pair leads.
    let long = Passage {
        kind: PassageKind::Verbatim,
        a: loc("b", B, VERBATIM),
        b: loc("c", C, "صرّح مسؤول في الوزارة بأن المستشفيات جاهزة"),
        tokens_a: 40,
        tokens_b: 40,
        score: 1.0,
        terms: vec![],
        weight: None,
    };
    r.passages.push(long);
    r
}

#[test]
fn text_pairs_lead_with_reuse_and_summarise_shared_passages() {
    let text = render_to_string(&with_relations(), Format::Text, &RenderOptions::default());
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s:?} missing:\n{text}"))
    };
    assert!(text.contains("(3: 1 near-duplicate, 1 contained, 1 sharing passages only)"));
    // Near-duplicates, then contained, then the summary of the rest.
    assert!(at("  Near-duplicates (1;") < at("  Contained (1;"));
    assert!(at("  Contained (1;") < at("  Pairs that only share passages (1;"));
    assert!(
        text.contains("1 pair is identical after normalization"),
        "{text}"
    );
    assert!(text.contains("a = c"));
    let joined = text.replace("\n  ", " ");
    assert!(
        joined.contains("30 words or more in 1 pair, 15–29 in 0, under 15 in 0"),
        "{text}"
    );
    // The shares-passages pair quotes its longest passage (40 words).
    assert!(
        text.contains("b ↔ c  shares passages  Jaccard 0.10"),
        "{text}"
    );
    assert!(text.contains("longest shared 40 words"), "{text}");
    // Containment reads in the direction it holds.
    assert!(
        text.contains("62% of b is found in a (45% the other way)"),
        "{text}"
    );
}

#[test]
fn text_shares_rounded_down_never_reach_the_threshold() {
    let mut r = sample();
    r.pairs[0].jaccard = 0.4998;
    r.pairs[0].containment_b = 0.4967;
    let text = render_to_string(&r, Format::Text, &RenderOptions::default());
    assert!(text.contains("Jaccard 0.49"), "{text}");
    assert!(text.contains("49% of b"), "{text}");
    assert!(!text.contains("0.50") && !text.contains("50% of"), "{text}");
}

#[test]
fn text_passages_most_substantial_first() {
    let mut r = sample();
    // Outside any cluster: verbatim first, then narratives longest first.
    r.clusters.clear();
    let text = render_to_string(&r, Format::Text, &RenderOptions::default());
    let v = text.find("1. verbatim   14 words").expect(&text);
    let n8 = text.find("2. narrative  8/5 words").expect(&text);
    let n7 = text.find("3. narrative  7/8 words").expect(&text);
    assert!(v < n8 && n8 < n7, "{text}");
    // A passage inside a near-duplicate cluster (a, b) goes last.
    let text = render_to_string(&sample(), Format::Text, &RenderOptions::default());
    assert!(text.contains("3. narrative  8/5 words"), "{text}");
    assert!(text.contains("2. verbatim   14 words"), "{text}");
    // The cut keeps the most substantial.
    let top1 = RenderOptions {
        top: 1,
        ..RenderOptions::default()
    };
    let text = render_to_string(&r, Format::Text, &top1);
    assert!(
        text.contains("1. verbatim") && !text.contains("2. narrative"),
        "{text}"
    );
}

#[test]
fn text_narrative_snippets_show_the_key_terms() {
    let mut r = sample();
    // A narrative passage whose first key term lies far into the span.
    let lead = "كلام تمهيدي لا علاقة له بالموضوع ".repeat(4);
    let tail = "ثم أعلن الوزير أن المستشفيات جاهزة لاستقبال الجميع";
    let long = format!("{lead}{tail}");
    let mut texts = texts();
    texts.insert("e".into(), long.clone());
    let mut p = r.passages[2].clone();
    p.a = loc("e", &long, &long);
    r.passages = vec![p];
    let mut out = Vec::new();
    render(
        &r,
        &texts,
        Format::Text,
        &RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("«…الوزير أن المستشفيات جاهزة لاستقبال الجميع»"),
        "{text}"
    );
    assert!(!text.contains("«كلام تمهيدي"), "{text}");
}

#[test]
fn text_narratives_biggest_first_one_quote_per_document() {
    let mut r = sample();
    // Narrative 2 grows to three documents, with two passages in `a`.
    let extra = loc("a", A, "وأكد الوزير");
    let n2 = &mut r.narratives[1];
    n2.members.insert(0, extra);
    n2.members.push(loc("b", B, "وزارة الصحة"));
    n2.docs = 3;
    n2.representative = 2; // c
    let text = render_to_string(&r, Format::Text, &RenderOptions::default());
    let i2 = text.find("#2   المستشفيات").expect(&text);
    let i1 = text.find("#1   المتحدث").expect(&text);
    assert!(i2 < i1, "biggest first:\n{text}");
    let block = &text[i2..i1];
    assert_eq!(block.matches("\n      a ").count(), 1, "{block}");
    assert!(
        block.contains("\n      c*"),
        "representative first: {block}"
    );
    assert!(block.contains("3 documents, 4 passages"), "{block}");
    let top2 = RenderOptions {
        top: 2,
        ..RenderOptions::default()
    };
    let text = render_to_string(&r, Format::Text, &top2);
    assert!(text.contains("… and 1 more documents"), "{text}");
}

#[test]
fn text_header_says_what_was_found_in_plain_words() {
    let text = render_to_string(&with_relations(), Format::Text, &RenderOptions::default());
    let found = text.find("Found: ").expect(&text);
    let params = text.find("Parameters: ").expect(&text);
    assert!(found < params && params < text.find("Near-duplicate clusters").unwrap());
    let para = text[found..params].replace('\n', " ");
    for want in [
        "1 group of documents that copy one another (2 documents in all)",
        "2 pairs of documents reuse text (1 near-duplicate, 1 where one is mostly contained in the other)",
        "1 more pair shares only some passages",
        "2 copied word for word, none reworded",
        "2 stories or passages recur across documents",
        "1 document was skipped",
    ] {
        assert!(para.contains(want), "{want:?} not in {para:?}");
    }
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
}

// ---------------------------------------------------------------- HTML

/// Value of attribute `name` in the tag starting at `tag`.
fn attr<'h>(tag: &'h str, name: &str) -> Option<&'h str> {
    let end = tag.find('>').unwrap_or(tag.len());
    let head = &tag[..end];
    let key = format!(" {name}=\"");
    let i = head.find(&key)? + key.len();
    let j = head[i..].find('"')? + i;
    Some(&head[i..j])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// (id, data-target) of every passage tag.
fn tags(html: &str) -> Vec<(String, String)> {
    html.match_indices("<a class=\"tag ")
        .map(|(i, _)| {
            let t = &html[i..];
            (
                attr(t, "id").unwrap().to_string(),
                attr(t, "data-target").unwrap().to_string(),
            )
        })
        .collect()
}

/// For each passage-side id, the text of every highlight piece it covers.
fn highlighted(html: &str) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = BTreeMap::new();
    for (i, _) in html.match_indices("<mark class=\"hl") {
        let t = &html[i..];
        let Some(ps) = attr(t, "data-p") else {
            continue;
        };
        let body_start = t.find('>').unwrap() + 1;
        let body_end = t.find("</mark>").unwrap();
        let body = unescape(&t[body_start..body_end]);
        for p in ps.split(' ') {
            m.entry(p.to_string()).or_default().push_str(&body);
        }
    }
    m
}

#[test]
fn html_is_rtl_and_self_contained() {
    let html = render_to_string(&sample(), Format::Html, &RenderOptions::default());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(html.contains("Noto Naskh Arabic"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains(" src=") && !html.contains("<link") && !html.contains("@import"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn html_escapes_document_text() {
    let html = render_to_string(&sample(), Format::Html, &RenderOptions::default());
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
}

#[test]
fn html_one_tag_per_passage_side_with_matching_targets() {
    let report = sample();
    let html = render_to_string(&report, Format::Html, &RenderOptions::default());
    let tags = tags(&html);
    // View a↔b: verbatim + narrative + the repeat in a; view a↔c: narrative
    // + the repeat in a. Two sides each.
    assert_eq!(tags.len(), 2 * (3 + 2), "{tags:?}");
    let ids: std::collections::BTreeSet<&str> = tags.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(ids.len(), tags.len(), "ids are unique");
    for (id, target) in &tags {
        assert!(ids.contains(target.as_str()), "{id} -> {target}");
        let back = tags.iter().find(|t| &t.0 == target).unwrap();
        assert_eq!(&back.1, id, "targets are mutual");
        assert!(html.contains(&format!("href=\"#{target}\"")));
    }
    // Each tag's highlight pieces spell exactly one side of a passage.
    let texts = texts();
    let hl = highlighted(&html);
    for (id, _) in &tags {
        let got = &hl[id];
        let found = report.passages.iter().any(|p| {
            [&p.a, &p.b]
                .iter()
                .any(|l| texts[&l.doc][l.start..l.end] == **got)
        });
        assert!(found, "{id}: {got:?}");
    }
    // Every passage side between shown documents is highlighted somewhere.
    for p in &report.passages {
        for l in [&p.a, &p.b] {
            let want = &texts[&l.doc][l.start..l.end];
            assert!(hl.values().any(|t| t == want), "missing {want:?}");
        }
    }
    // Every piece's targets exist.
    for (i, _) in html.match_indices("<mark class=\"hl") {
        if let Some(ts) = attr(&html[i..], "data-target") {
            for t in ts.split(' ') {
                assert!(ids.contains(t), "{t}");
            }
        }
    }
    // Kinds are coloured apart.
    assert!(html.contains("<mark class=\"hl v"));
    assert!(html.contains("<mark class=\"hl n"));
    assert!(html.contains("<mark class=\"hl r"));
    assert!(
        html.contains("class=\"hl v r multi\""),
        "repeat nested in verbatim"
    );
}

#[test]
fn html_splits_pairs_maps_real_pairs_and_lists_passages() {
    let full = render_to_string(&with_relations(), Format::Html, &RenderOptions::default());
    let html = full.clone();
    assert!(
        html.contains(">Near-duplicates <span class=\"count\">1</span>"),
        "{html}"
    );
    assert!(html.contains(">Contained <span class=\"count\">1</span>"));
    assert!(html.contains(">Pairs that only share passages <span class=\"count\">1</span>"));
    assert!(html.contains("<p class=\"found\""));
    // The heat map covers a, b, c through the real pairs only…
    assert_eq!(html.matches("<th class=\"row\">").count(), 3);
    // …and a shares-passages pair alone is not mapped.
    let mut r = sample();
    r.pairs[0].relation = Relation::SharesPassages;
    let html = render_to_string(&r, Format::Html, &RenderOptions::default());
    assert_eq!(html.matches("<th class=\"row\">").count(), 0);
    assert!(html.contains("No near-duplicate or contained pairs to map."));
    // Shared passages, most substantial first, key terms in bold.
    let start = full.find("id=\"passages\"").expect("passages section");
    let section = &full[start..];
    let v = section.find("chip v\">verbatim").unwrap();
    let n = section.find("chip n\">narrative").unwrap();
    assert!(v < n, "{section}");
    assert!(section.contains("<b>المستشفيات</b>"), "{section}");
}

#[test]
fn html_views_take_every_kind_of_link_in_turn() {
    let opts = RenderOptions {
        max_pair_views: 3,
        ..RenderOptions::default()
    };
    let html = render_to_string(&with_relations(), Format::Html, &opts);
    // One near-duplicate, one contained, one shares-passages view.
    assert!(
        html.contains("view-1\">") && html.contains("near-duplicate · Jaccard 1.00"),
        "{html}"
    );
    assert!(html.contains("contained · Jaccard 0.41"));
    assert!(html.contains("shares passages · Jaccard 0.10"));
}

#[test]
fn html_bold_terms_stay_escaped() {
    let mut r = sample();
    r.narratives[1].label = "<b>، المستشفيات".into();
    let html = render_to_string(&r, Format::Html, &RenderOptions::default());
    assert!(html.contains("&lt;b&gt;، المستشفيات"));
    assert!(html.contains("<b>المستشفيات</b>"));
}

#[test]
fn html_caps_views_and_heatmap_and_says_so() {
    let mut report = sample();
    let p = report.pairs[0].clone();
    for i in 0..5 {
        let mut q = p.clone();
        q.b = format!("x{i}");
        q.jaccard = 0.3;
        report.pairs.push(q);
    }
    let opts = RenderOptions {
        max_pair_views: 2,
        max_heatmap_docs: 3,
        ..RenderOptions::default()
    };
    let html = render_to_string(&report, Format::Html, &opts);
    assert_eq!(html.matches("<article class=\"view\"").count(), 2);
    assert!(
        html.contains("Showing the first 2 of 7 linked pairs"),
        "6 pairs + a↔c"
    );
    assert!(html.contains("Showing the 3 most linked of the 7 documents in pairs."));
    assert_eq!(html.matches("<th class=\"row\">").count(), 3);
    // The same input gives the same bytes.
    assert_eq!(html, render_to_string(&report, Format::Html, &opts));
}

#[test]
fn html_survives_missing_texts_and_bad_offsets() {
    let mut report = sample();
    report.passages[0].a.end = A.len() + 10;
    let html = render_to_string(&report, Format::Html, &RenderOptions::default());
    assert!(html.contains("1 passage span(s) fall outside this text"));
    let mut out = Vec::new();
    let no_texts: BTreeMap<String, String> = BTreeMap::new();
    render(
        &sample(),
        &no_texts,
        Format::Html,
        &RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(html.contains("Original text not available."));
    let empty = render_to_string(&Report::default(), Format::Html, &RenderOptions::default());
    assert!(empty.contains("No two documents share a passage."));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the overlaps, the page shows the whole text once, in order,
    /// and each passage side's highlight pieces spell exactly its span.
    #[test]
    fn html_highlights_any_overlapping_spans(
        spans in prop::collection::vec((0usize..60, 0usize..60, 0usize..60, 0usize..60, 0u8..3), 1..8)
    ) {
        let x = "في <العاصمة> & قال الوزير: \"الوضع مستقر\" واليوم، أعلنت الوزارة عن خطة جديدة للطوارئ.";
        let y = "أعلنت الوزارة اليوم عن خطة جديدة للطوارئ والوضع مستقر كما قال الوزير في العاصمة.";
        let cx: Vec<usize> = x.char_indices().map(|(i, _)| i).chain([x.len()]).collect();
        let cy: Vec<usize> = y.char_indices().map(|(i, _)| i).chain([y.len()]).collect();
        let mk = |doc: &str, t: &str, c: &[usize], s: usize, e: usize| {
            let (s, e) = (c[s % c.len()], c[e % c.len()]);
            let (s, e) = (s.min(e), s.max(e));
            Loc { doc: doc.into(), start: s, end: e, start_char: t[..s].chars().count(), end_char: t[..e].chars().count() }
        };
        let passages: Vec<Passage> = spans.iter().enumerate().map(|(i, &(s1, e1, s2, e2, k))| {
            // The first links the two documents, so there is a view.
            let k = if i == 0 { 0 } else { k as usize };
            let kind = [PassageKind::Verbatim, PassageKind::Narrative, PassageKind::Repeat][k];
            let (a, b) = if kind == PassageKind::Repeat {
                (mk("x", x, &cx, s1, e1), mk("x", x, &cx, s2, e2))
            } else {
                (mk("x", x, &cx, s1, e1), mk("y", y, &cy, s2, e2))
            };
            Passage { kind, a, b, tokens_a: 1, tokens_b: 1, score: 1.0, terms: vec![], weight: None }
        }).collect();
        let report = Report { passages: passages.clone(), ..Report::default() };
        let texts: BTreeMap<String, String> =
            [("x".to_string(), x.to_string()), ("y".to_string(), y.to_string())].into();
        let mut out = Vec::new();
        render(&report, &texts, Format::Html, &RenderOptions::default(), &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        // The text boxes, tags removed, give back the texts.
        let mut shown = Vec::new();
        for (i, _) in html.match_indices("<div class=\"text\" dir=\"auto\">") {
            let t = &html[i + "<div class=\"text\" dir=\"auto\">".len()..];
            let body = &t[..t.find("</div>").unwrap()];
            let mut plain = String::new();
            let mut in_tag = false;
            let mut in_a = false;
            let mut rest = body;
            while let Some(c) = rest.chars().next() {
                if rest.starts_with("<a ") { in_a = true; }
                if rest.starts_with("</a>") { in_a = false; }
                if c == '<' { in_tag = true; }
                if !in_tag && !in_a { plain.push(c); }
                if c == '>' { in_tag = false; }
                rest = &rest[c.len_utf8()..];
            }
            shown.push(unescape(&plain));
        }
        prop_assert_eq!(shown, vec![x.to_string(), y.to_string()]);
        let hl = highlighted(&html);
        let tags = tags(&html);
        prop_assert_eq!(tags.len(), 2 * passages.len());
        for p in &passages {
            for l in [&p.a, &p.b] {
                let want = &texts[&l.doc][l.start..l.end];
                prop_assert!(want.is_empty() || hl.values().any(|t| t == want), "missing {:?}", want);
            }
        }
        for (id, target) in &tags {
            prop_assert!(tags.iter().any(|t| &t.0 == target && &t.1 == id));
        }
    }
}

// ---------------------------------------------------------------- fixture

/// A realistic report over real articles (`corpus/`) and two rewrites of
/// one of them (`tests/fixtures/report/`): a wire copy with edits and a
/// short summary, plus an empty file (skipped). It is the output of
/// `athar report corpus tests/fixtures/report --format json` with the
/// default flags, checked by [`fixture_is_what_the_pipeline_gives_today`].
fn fixture() -> (Report, BTreeMap<String, String>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/report");
    let report: Report =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let paths: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("texts.json")).unwrap()).unwrap();
    let texts = paths
        .into_iter()
        .map(|(id, p)| (id, std::fs::read_to_string(root.join(p)).unwrap()))
        .collect();
    (report, texts)
}

/// The fixture is the current pipeline's output; after an intended change,
/// regenerate it with `ATHAR_UPDATE_GOLDEN=1 cargo test --test report fixture`.
#[test]
fn fixture_is_what_the_pipeline_gives_today() {
    use athar::corpus::{self, ReadOptions};
    use athar::pipeline::{self, Config, NoProgress};
    // Relative paths, as a user would type them from the repository root
    // (tests run there), so that sources in the fixture are portable.
    let inputs = ["corpus", "tests/fixtures/report"].map(std::path::PathBuf::from);
    let corpus = corpus::load(&inputs, &ReadOptions::default()).unwrap();
    let report = pipeline::analyse(&corpus, &Config::default(), &NoProgress).unwrap();
    let texts: BTreeMap<String, String> = corpus
        .documents
        .iter()
        .map(|d| (d.id.clone(), d.text.clone()))
        .collect();
    let mut json = Vec::new();
    render(
        &report,
        &texts,
        Format::Json,
        &RenderOptions::default(),
        &mut json,
    )
    .unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/report.json");
    if std::env::var_os("ATHAR_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(
        want == String::from_utf8(json).unwrap(),
        "{} is not what the pipeline gives today; if the change is intended, regenerate it: \
         ATHAR_UPDATE_GOLDEN=1 cargo test --test report fixture",
        path.display()
    );
}

#[test]
fn fixture_spans_slice_and_render_deterministically() {
    let (report, texts) = fixture();
    for l in all_locs(&report) {
        let t = &texts[&l.doc];
        let s = t.get(l.start..l.end).unwrap_or_else(|| panic!("{l:?}"));
        assert_eq!(t[..l.start].chars().count(), l.start_char);
        assert_eq!(s.chars().count(), l.end_char - l.start_char);
    }
    for n in &report.narratives {
        assert!(n.representative < n.members.len());
    }
    let opts = RenderOptions::default();
    let mut outputs = Vec::new();
    for format in [Format::Text, Format::Json, Format::Html] {
        let mut first = Vec::new();
        render(&report, &texts, format, &opts, &mut first).unwrap();
        let mut again = Vec::new();
        render(&report, &texts, format, &opts, &mut again).unwrap();
        assert_eq!(first, again, "{format:?} is deterministic");
        outputs.push(String::from_utf8(first).unwrap());
    }
    let html = &outputs[2];
    // The summary's `<نحو مواجهة مفتوحة>` is text, not markup.
    assert!(html.contains("&lt;نحو مواجهة مفتوحة&gt;"));
    // Views: one per pair of documents sharing passages (within the cap).
    let pairs: std::collections::BTreeSet<(&str, &str)> = report
        .passages
        .iter()
        .filter(|p| p.a.doc != p.b.doc)
        .map(|p| {
            (
                p.a.doc.as_str().min(&p.b.doc),
                p.a.doc.as_str().max(&p.b.doc),
            )
        })
        .collect();
    assert!(
        pairs.len() >= 2,
        "the fixture shares passages between several pairs"
    );
    assert_eq!(
        html.matches("<article class=\"view\"").count(),
        pairs.len().min(opts.max_pair_views)
    );
    let tags = tags(html);
    let hl = highlighted(html);
    for (id, _) in &tags {
        assert!(hl.contains_key(id), "{id} highlights text");
    }
    // Narrative members link to their view with the representative.
    let nar = &html[html.find("id=\"narratives\"").unwrap()..html.find("id=\"phrases\"").unwrap()];
    assert!(
        nar.matches("<small class=\"vlink\"><a href=\"#view-")
            .count()
            >= 4,
        "{nar}"
    );
    // For scripts/html-check.sh and the screenshot in docs/.
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-report.html");
    std::fs::write(&out, html).unwrap();
    assert_eq!(
        serde_json::from_str::<Report>(&outputs[1]).unwrap(),
        report,
        "the fixture round-trips"
    );
}

#[test]
fn html_shortens_long_unshared_stretches_of_big_documents() {
    let filler = "جملة لا علاقة لها بالموضوع. ".repeat(3000); // ~ 150 KB
    let shared = "هذه الجملة منقولة حرفيا من المصدر الأصلي";
    let x = format!("{filler}{shared}{filler}");
    let y = format!("مقدمة قصيرة. {shared}. خاتمة.");
    let report = Report {
        passages: vec![Passage {
            kind: PassageKind::Verbatim,
            a: loc("x", &x, shared),
            b: loc("y", &y, shared),
            tokens_a: 7,
            tokens_b: 7,
            score: 1.0,
            terms: vec![],
            weight: None,
        }],
        ..Report::default()
    };
    let texts: BTreeMap<String, String> =
        [("x".to_string(), x.clone()), ("y".to_string(), y.clone())].into();
    let mut out = Vec::new();
    render(
        &report,
        &texts,
        Format::Html,
        &RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(html.len() < 30_000, "{} bytes", html.len());
    let n = filler.chars().count() - 800;
    assert_eq!(
        html.matches(&format!("[… {n} characters without shared passages …]"))
            .count(),
        2
    );
    let hl = highlighted(&html);
    assert_eq!(hl["v1-p1-a"], shared);
    assert_eq!(hl["v1-p1-b"], shared);
    // The small document is shown whole.
    assert!(html.contains("مقدمة قصيرة. ") && html.contains(". خاتمة."));
}

#[test]
fn schema_doc_describes_every_field() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/report-schema.md"
    ))
    .unwrap();
    let json = render_to_string(&sample(), Format::Json, &RenderOptions::default());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.insert(k.clone());
                    keys(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let mut all = std::collections::BTreeSet::new();
    keys(&v, &mut all);
    assert!(all.len() > 50, "{all:?}");
    for k in &all {
        assert!(
            doc.contains(&format!("| `{k}` |")),
            "docs/report-schema.md lacks a row for `{k}`"
        );
    }
    for value in [
        "\"verbatim\"",
        "\"narrative\"",
        "\"repeat\"",
        "\"analysed\"",
        "\"skipped\"",
    ] {
        assert!(doc.contains(value), "{value}");
    }
    assert!(doc.contains(&format!("Currently **{SCHEMA_VERSION}**")));
}
