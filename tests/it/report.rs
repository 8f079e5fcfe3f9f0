//! Report renderers: JSON round trip, text snapshot, the report fixture
//! (`tests/it/report_html.rs`: the HTML page).

use std::collections::BTreeMap;

use athar::report::{Format, RenderOptions, Report, SCHEMA_VERSION, render};

use crate::common::report_sample::*;

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

// ---------------------------------------------------------------- fixture

/// The fixture is the current pipeline's output; after an intended change,
/// regenerate it with `ATHAR_UPDATE_GOLDEN=1 cargo test --test it report::fixture`.
#[test]
fn fixture_is_what_the_pipeline_gives_today() {
    use athar::corpus::{self, ReadOptions};
    use athar::pipeline::{self, Config, NoProgress};
    // Relative paths, as a user would type them from the repository root
    // (tests run there), so that sources in the fixture are portable.
    let inputs = ["corpus", "tests/fixtures/report"].map(std::path::PathBuf::from);
    let corpus = corpus::load(&inputs, &ReadOptions::default()).unwrap();
    // Every passage, formula and light ones too: the summary's short
    // shared passage (a retelling whose specifics differ, weight 0) holds
    // the `<…>` the HTML escaping check needs in a side-by-side view.
    let config = Config {
        all_passages: true,
        ..Config::default()
    };
    let report = pipeline::analyse(&corpus, &config, &NoProgress).unwrap();
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
         ATHAR_UPDATE_GOLDEN=1 cargo test --test it report::fixture",
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
