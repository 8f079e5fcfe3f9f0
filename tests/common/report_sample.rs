//! The sample report and texts the report tests render, the checked-in
//! report fixture, and helpers that read the HTML; shared by
//! `tests/it/report.rs` and `tests/it/report_html.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;

use athar::report::{
    Cluster, DocumentEntry, Format, Formula, Loc, Narrative, Pair, Params, Passage, PassageKind,
    Phrase, Relation, RenderOptions, Report, SCHEMA_VERSION, SkippedEntry, Status, Summary, render,
};

pub const A: &str = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في العاصمة.\n\nوقال المتحدث الرسمي إن الوضع تحت السيطرة وإن الفرق الطبية تعمل على مدار الساعة. وأكد الوزير أن المستشفيات مستعدة لاستقبال المرضى. وقال المتحدث الرسمي إن الوضع تحت السيطرة. جميع الحقوق محفوظة.";
pub const B: &str = "نقلت وكالة الأنباء أن وزارة الصحة سجلت حالات جديدة. وقال المتحدث الرسمي إن الوضع تحت السيطرة وإن الفرق الطبية تعمل على مدار الساعة. <script>alert(\"x\")</script> جميع الحقوق محفوظة.";
pub const C: &str = "صرّح مسؤول في الوزارة بأن المستشفيات جاهزة لاستقبال المصابين، مؤكدًا أن الأوضاع مستقرة. جميع الحقوق محفوظة.";

pub const VERBATIM: &str =
    "وقال المتحدث الرسمي إن الوضع تحت السيطرة وإن الفرق الطبية تعمل على مدار الساعة";
pub const REPEATED: &str = "وقال المتحدث الرسمي إن الوضع تحت السيطرة";

/// The span of `needle` in `text`, the last occurrence when `last`.
pub fn loc_at(doc: &str, text: &str, needle: &str, last: bool) -> Loc {
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

pub fn loc(doc: &str, text: &str, needle: &str) -> Loc {
    loc_at(doc, text, needle, false)
}

pub fn texts() -> BTreeMap<String, String> {
    [("a", A), ("b", B), ("c", C)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn doc(id: &str, text: &str, tokens: usize, sentences: usize) -> DocumentEntry {
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

/// A report with an entry in every section over the texts `A`, `B` and `C`.
/// Long because it is one literal (data, not logic).
pub fn sample() -> Report {
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
            min_evidence: Some(12.0),
            cycle_days: Some(2.0),
            narrative_days: Some(2.0),
            narrative_same_outlet: false,
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
            propagation: vec![],
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
                outlets: vec![],
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
                outlets: vec![],
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
        outlet_flows: vec![],
    }
}

pub fn render_to_string(report: &Report, format: Format, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(report, &texts(), format, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

pub fn all_locs(r: &Report) -> Vec<&Loc> {
    let mut v: Vec<&Loc> = Vec::new();
    for p in &r.passages {
        v.push(&p.a);
        v.push(&p.b);
    }
    v.extend(r.narratives.iter().flat_map(|n| &n.members));
    v.extend(r.phrases.iter().flat_map(|p| &p.occurrences));
    v
}

/// `sample()` plus pairs of every relation: a near-duplicate (identical), a
/// contained pair, and two pairs that only share passages, one through a
/// long verbatim passage, one through a short one.
pub fn with_relations() -> Report {
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

/// Value of attribute `name` in the tag starting at `tag`.
pub fn attr<'h>(tag: &'h str, name: &str) -> Option<&'h str> {
    let end = tag.find('>').unwrap_or(tag.len());
    let head = &tag[..end];
    let key = format!(" {name}=\"");
    let i = head.find(&key)? + key.len();
    let j = head[i..].find('"')? + i;
    Some(&head[i..j])
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// (id, data-target) of every passage tag.
pub fn tags(html: &str) -> Vec<(String, String)> {
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
pub fn highlighted(html: &str) -> BTreeMap<String, String> {
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

/// A realistic report over real articles (`corpus/`) and two rewrites of
/// one of them (`tests/fixtures/report/`): a wire copy with edits and a
/// short summary, plus an empty file (skipped). It is the output of
/// `athar report corpus tests/fixtures/report --format json` with the
/// default flags, checked by `fixture_is_what_the_pipeline_gives_today` (tests/it/report.rs).
pub fn fixture() -> (Report, BTreeMap<String, String>) {
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
