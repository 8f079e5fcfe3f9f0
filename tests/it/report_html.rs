//! The HTML report: right to left, self-contained, escaped; passage tags and
//! their targets; views and heat map under their caps.

use std::collections::BTreeMap;

use athar::report::{Format, Loc, Passage, PassageKind, Relation, RenderOptions, Report, render};
use proptest::prelude::*;

use crate::common::report_sample::*;

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
