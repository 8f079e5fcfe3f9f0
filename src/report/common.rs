//! What the text and HTML renderers share: which entries they show and in
//! which order, snippets, findings, numbers in words. Pure functions of the
//! report.

use ahash::AHashMap as HashMap;

use super::{
    Cluster, Loc, Narrative, NarrativeOutlet, Pair, Params, Passage, PassageKind, Relation, Report,
    TextSource,
};

/// The text `loc` covers, when its document is available and the span falls
/// on character boundaries inside it.
pub(crate) fn loc_text<'t>(texts: &'t dyn TextSource, loc: &Loc) -> Option<&'t str> {
    texts.text(&loc.doc)?.get(loc.start..loc.end)
}

/// A one-line excerpt of `s`: runs of whitespace collapse to one space and
/// the result is cut to at most `max` characters (plus the `…` that marks a
/// cut), at a word boundary when there is one in the second half. Characters
/// stay in logical order; display shaping is left to the terminal or browser.
pub(crate) fn snippet(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut cut = false;
    for word in s.split_whitespace() {
        let len = word.chars().count();
        let sep = usize::from(!out.is_empty());
        if chars + sep + len <= max {
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(word);
            chars += sep + len;
            continue;
        }
        cut = true;
        if chars < max / 2 {
            // No word boundary late enough: cut inside this word.
            if sep == 1 {
                out.push(' ');
                chars += 1;
            }
            let room = max.saturating_sub(chars + 1);
            out.extend(word.chars().take(room));
        }
        break;
    }
    if cut {
        out.push('…');
    }
    out
}

/// Like [`snippet`], but starting a few words before the first occurrence
/// of any of `terms` in `s` when that occurrence would fall late in a plain
/// snippet, so the reader sees why the passage was linked. A snippet that
/// does not start at the beginning of `s` opens with `…`. Terms are looked
/// up as written (original spelling); when none occurs, this is
/// [`snippet`].
pub(crate) fn snippet_at(s: &str, terms: &[&str], max: usize) -> String {
    let pos = terms
        .iter()
        .filter(|t| !t.trim().is_empty())
        .filter_map(|t| s.find(t.trim()))
        .min();
    let Some(pos) = pos else {
        return snippet(s, max);
    };
    // The term already shows in the first quarter of a plain snippet.
    let lead = s[..pos].split_whitespace().collect::<Vec<_>>();
    let lead_chars: usize = lead.iter().map(|w| w.chars().count() + 1).sum();
    if lead_chars <= max / 4 {
        return snippet(s, max);
    }
    // Back to the start of the term's word, then two more words.
    let mut start = word_start(s, pos);
    for _ in 0..2 {
        let before = s[..start].trim_end();
        if before.is_empty() {
            break;
        }
        start = word_start(s, before.len().saturating_sub(1));
    }
    if s[..start].trim().is_empty() {
        return snippet(s, max);
    }
    format!("…{}", snippet(&s[start..], max.saturating_sub(1)))
}

/// Byte offset of the start of the word holding byte `pos` of `s`.
fn word_start(s: &str, pos: usize) -> usize {
    let mut pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    s[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The terms of a narrative label (`"a، b، c"`), in order.
pub(crate) fn label_terms(label: &str) -> Vec<&str> {
    label
        .split(['،', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// One member of `n` per document, in the narrative's member order with
/// the representative's document first: the representative stands for its
/// document, the first member for each other document.
pub(crate) fn narrative_docs(n: &Narrative) -> Vec<&Loc> {
    let rep = n.members.get(n.representative);
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut out: Vec<&Loc> = Vec::new();
    if let Some(r) = rep {
        seen.insert(&r.doc);
        out.push(r);
    }
    for m in &n.members {
        if seen.insert(&m.doc) {
            out.push(m);
        }
    }
    out
}

/// Narratives in display order: most documents first, then most passages,
/// then by id.
pub(crate) fn narratives_by_size(r: &Report) -> Vec<&Narrative> {
    let mut v: Vec<&Narrative> = r.narratives.iter().collect();
    v.sort_by(|x, y| {
        y.docs
            .cmp(&x.docs)
            .then(y.members.len().cmp(&x.members.len()))
            .then(x.id.cmp(&y.id))
    });
    v
}

/// Clusters in display order: most members first, then by id.
pub(crate) fn clusters_by_size(r: &Report) -> Vec<&Cluster> {
    let mut v: Vec<&Cluster> = r.clusters.iter().collect();
    v.sort_by(|x, y| y.members.len().cmp(&x.members.len()).then(x.id.cmp(&y.id)));
    v
}

/// The unordered key of a pair of document ids.
pub(crate) fn pair_key<'a>(x: &'a str, y: &'a str) -> (&'a str, &'a str) {
    if x <= y { (x, y) } else { (y, x) }
}

/// Passages shared between two documents (not repeats), by unordered pair
/// of document ids; indexes into `r.passages`, longest first (verbatim
/// before narrative at equal length).
pub(crate) fn passages_by_pair(r: &Report) -> HashMap<(&str, &str), Vec<usize>> {
    let mut m: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, p) in r.passages.iter().enumerate() {
        if p.kind == PassageKind::Repeat || p.a.doc == p.b.doc {
            continue;
        }
        m.entry(pair_key(&p.a.doc, &p.b.doc)).or_default().push(i);
    }
    for v in m.values_mut() {
        v.sort_by_key(|&i| substance(&r.passages[i], i));
    }
    m
}

/// Sort key putting the most substantial passage first: verbatim before
/// narrative (before repeats), then the longest (tokens on its longer
/// side), then report order.
pub(crate) fn substance(p: &Passage, index: usize) -> (u8, std::cmp::Reverse<usize>, usize) {
    let kind = match p.kind {
        PassageKind::Verbatim => 0,
        PassageKind::Mixed => 1,
        PassageKind::Reworded => 2,
        PassageKind::Narrative => 3,
        PassageKind::Repeat => 4,
    };
    (kind, std::cmp::Reverse(p.tokens_a.max(p.tokens_b)), index)
}

/// Shared passages (not repeats) in display order, as indexes into
/// `r.passages`: first those linking documents that are not in the same
/// near-duplicate cluster, then those inside a cluster (the duplicates
/// themselves, already shown by the clusters); within each group verbatim
/// before narrative and the longest first (see [`substance`]).
pub(crate) fn passages_for_display(r: &Report) -> Vec<usize> {
    let cluster_of: HashMap<&str, usize> = r
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(move |m| (m.as_str(), c.id)))
        .collect();
    let same_cluster = |p: &Passage| match (
        cluster_of.get(p.a.doc.as_str()),
        cluster_of.get(p.b.doc.as_str()),
    ) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    let mut v: Vec<usize> = (0..r.passages.len())
        .filter(|&i| {
            let p = &r.passages[i];
            p.kind != PassageKind::Repeat && p.a.doc != p.b.doc
        })
        .collect();
    v.sort_by_key(|&i| {
        let p = &r.passages[i];
        (same_cluster(p), substance(p, i))
    });
    v
}

/// Narrative links in display order, as indexes into
/// `r.narrative_links`: highest score first, then report order.
pub(crate) fn narrative_links_for_display(r: &Report) -> Vec<usize> {
    let mut v: Vec<usize> = (0..r.narrative_links.len()).collect();
    v.sort_by(|&x, &y| {
        r.narrative_links[y]
            .score
            .total_cmp(&r.narrative_links[x].score)
            .then(x.cmp(&y))
    });
    v
}

/// Pairs split by relation: near-duplicate or contained pairs (report
/// order), and pairs that only share passages, those with the longest
/// shared passage first.
pub(crate) fn split_pairs<'r>(
    r: &'r Report,
    by_pair: &HashMap<(&str, &str), Vec<usize>>,
) -> (Vec<&'r Pair>, Vec<&'r Pair>) {
    let (strong, mut weak): (Vec<&Pair>, Vec<&Pair>) = r
        .pairs
        .iter()
        .partition(|p| p.relation != Relation::SharesPassages);
    weak.sort_by_cached_key(|p| {
        let longest = longest_passage(r, by_pair, p).map_or(0, |q| q.tokens_a.max(q.tokens_b));
        (
            std::cmp::Reverse(longest),
            std::cmp::Reverse(p.shared_shingles),
        )
    });
    (strong, weak)
}

/// The contained pairs of `strong`, most contained first.
pub(crate) fn contained_pairs<'r>(strong: &[&'r Pair]) -> Vec<&'r Pair> {
    let mut contained: Vec<&Pair> = strong
        .iter()
        .copied()
        .filter(|p| p.relation == Relation::Contained)
        .collect();
    contained.sort_by(|x, y| y.max_containment().total_cmp(&x.max_containment()));
    contained
}

/// The most substantial passage shared by the two documents of `p`.
pub(crate) fn longest_passage<'r>(
    r: &'r Report,
    by_pair: &HashMap<(&str, &str), Vec<usize>>,
    p: &Pair,
) -> Option<&'r Passage> {
    by_pair
        .get(&pair_key(&p.a, &p.b))
        .and_then(|v| v.first())
        .map(|&i| &r.passages[i])
}

/// One sentence on the pairs that only share passages: how many have a
/// longest shared passage of 30 words or more, 15–29, and under 15.
pub(crate) fn weak_pairs_summary(
    r: &Report,
    by_pair: &HashMap<(&str, &str), Vec<usize>>,
    weak: &[&Pair],
) -> String {
    let mut buckets = [0usize; 3];
    for p in weak {
        let len = longest_passage(r, by_pair, p).map_or(0, |q| q.tokens_a.max(q.tokens_b));
        buckets[usize::from(len < 30) + usize::from(len < 15)] += 1;
    }
    format!(
        "Below both thresholds. Longest shared passage: 30 words or more in {}, 15–29 in {}, \
         under 15 in {} (short ones are often formulaic titles, datelines or quotations).",
        plural(buckets[0], "pair", "pairs"),
        thousands(buckets[1]),
        thousands(buckets[2])
    )
}

/// Plain-words statements of what a run found, for the top of the text and
/// HTML reports, e.g. `"127 groups of near-duplicate documents (412
/// documents)"`. Counts only; every figure is a count of report entries.
pub(crate) fn findings(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let count = |rel| r.pairs.iter().filter(|p| p.relation == rel).count();
    let near = count(Relation::NearDuplicate);
    let contained = count(Relation::Contained);
    let weak = count(Relation::SharesPassages);
    let in_clusters: usize = r.clusters.iter().map(|c| c.members.len()).sum();
    if r.clusters.is_empty() {
        out.push("no documents copy one another".to_string());
    } else {
        out.push(format!(
            "{} of documents that copy one another ({} documents in all)",
            plural(r.clusters.len(), "group", "groups"),
            thousands(in_clusters)
        ));
    }
    if near + contained > 0 {
        let mut kinds = Vec::new();
        if near > 0 {
            kinds.push(format!("{} near-duplicate", thousands(near)));
        }
        if contained > 0 {
            kinds.push(format!(
                "{} where one is mostly contained in the other",
                thousands(contained)
            ));
        }
        out.push(format!(
            "{} ({})",
            plural(
                near + contained,
                "pair of documents reuses text",
                "pairs of documents reuse text"
            ),
            kinds.join(", ")
        ));
    }
    if weak > 0 {
        let (one, many) = if near + contained > 0 {
            ("more pair shares", "more pairs share")
        } else {
            ("pair shares", "pairs share")
        };
        out.push(format!("{} only some passages", plural(weak, one, many)));
    }
    let kind = |k| r.passages.iter().filter(|p| p.kind == k).count();
    let v = kind(PassageKind::Verbatim);
    let n = kind(PassageKind::Mixed) + kind(PassageKind::Reworded);
    if v + n > 0 {
        out.push(format!(
            "shared passages: {} copied word for word, {} reworded or partly reworded",
            if v == 0 {
                "none".to_string()
            } else {
                thousands(v)
            },
            if n == 0 {
                "none".to_string()
            } else {
                thousands(n)
            }
        ));
    }
    let wide = r.narratives.iter().filter(|n| n.docs >= 3).count();
    let wide_told = r
        .narratives
        .iter()
        .filter(|n| n.docs >= 3 && !n.verbatim)
        .count();
    if !r.narratives.is_empty() {
        let mut s = format!(
            "{} across documents",
            plural(
                r.narratives.len(),
                "story or passage recurs",
                "stories or passages recur"
            )
        );
        if wide > 0 {
            let _ = std::fmt::Write::write_fmt(
                &mut s,
                format_args!(
                    ", {} of them in 3 or more documents ({} at least partly reworded)",
                    thousands(wide),
                    thousands(wide_told)
                ),
            );
        }
        out.push(s);
    }
    if r.summary.skipped > 0 {
        out.push(format!(
            "{} skipped (see the end of the report)",
            plural(r.summary.skipped, "document was", "documents were")
        ));
    }
    out
}

/// What an empty narratives section says: nothing recurs, or narratives
/// were not looked for (`params.narrative_threshold` absent).
pub(crate) fn no_narratives_message(r: &Report) -> &'static str {
    if r.params.narrative_threshold.is_some() {
        "No story or passage recurs across documents."
    } else {
        "Not looked for in this run (--no-narratives, or more documents than the narrative \
         limit: see the warnings)."
    }
}

/// `n` with thousands separators: `1,318`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 thing` or `n things` (with thousands separators).
/// Most outlets listed per narrative.
const MAX_OUTLETS: usize = 8;

/// "told by SPA (3 documents, first 2015-07-21 02:51), Okaz (2 documents,
/// 2 h later), alyaum (1 document)": a narrative's outlets; outlet names
/// and dates (input text) go through `text` (escaping for HTML); `None`
/// without outlets.
pub(crate) fn outlets_line(
    outlets: &[NarrativeOutlet],
    text: impl Fn(&str) -> String,
) -> Option<String> {
    if outlets.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = outlets
        .iter()
        .take(MAX_OUTLETS)
        .map(|o| {
            let docs = plural(o.docs, "document", "documents");
            let when = match (&o.first_seen, o.after_seconds) {
                (Some(date), Some(0) | None) => format!(", first {}", text(date)),
                (_, Some(s)) => format!(", {} later", crate::direction::delay_words(s)),
                (None, None) => String::new(),
            };
            format!("{} ({docs}{when})", text(&o.outlet))
        })
        .collect();
    if outlets.len() > MAX_OUTLETS {
        parts.push(format!("+{} more", outlets.len() - MAX_OUTLETS));
    }
    Some(format!("told by {}", parts.join(", ")))
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// The parameters as `name=value` pairs, in the JSON field names; stages
/// not run are left out.
pub(crate) fn params_list(p: &Params) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("normalize", p.normalize.clone()),
        ("shingle_size", p.shingle_size.to_string()),
        ("hash", p.hash.clone()),
    ];
    let mut opt = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            v.push((name, value));
        }
    };
    opt("minhash", p.minhash.clone());
    opt("num_perm", p.num_perm.map(|x| x.to_string()));
    opt("seed", p.seed.map(|x| x.to_string()));
    opt("bands", p.bands.map(|x| x.to_string()));
    opt("rows", p.rows.map(|x| x.to_string()));
    opt("threshold", p.threshold.map(|x| x.to_string()));
    opt("containment", p.containment.map(|x| x.to_string()));
    opt("max_bucket", p.max_bucket.map(|x| x.to_string()));
    opt("max_df", p.max_df.map(|x| x.to_string()));
    opt("max_gap", p.max_gap.map(|x| x.to_string()));
    opt("min_passage", p.min_passage.map(|x| x.to_string()));
    opt("min_evidence", p.min_evidence.map(|x| x.to_string()));
    opt("cycle_days", p.cycle_days.map(|x| x.to_string()));
    opt(
        "narrative_threshold",
        p.narrative_threshold.map(|x| x.to_string()),
    );
    opt("narrative_days", p.narrative_days.map(|x| x.to_string()));
    opt(
        "narrative_same_outlet",
        p.narrative_same_outlet.then(|| "true".to_string()),
    );
    opt("mode", p.mode.clone());
    v
}

/// How many items of `len` a section shows under a `top` limit (`0` = all).
pub(crate) fn shown(len: usize, top: usize) -> usize {
    if top == 0 { len } else { len.min(top) }
}

/// A share in 0..1 as a whole percentage rounded down, so that a share
/// just under a threshold never reads as the threshold itself.
pub(crate) fn floor_pct(x: f64) -> String {
    format!("{:.0}%", (x * 100.0 + 1e-9).floor())
}

/// A value in 0..1 with two decimals, rounded down (0.4998 reads 0.49,
/// not the threshold 0.50).
pub(crate) fn floor2(x: f64) -> String {
    format!("{:.2}", (x * 100.0 + 1e-9).floor() / 100.0)
}

/// A share in 0..1 as a whole percentage; a small non-zero share is `<1%`.
pub(crate) fn pct(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_collapses_whitespace_and_cuts_at_words() {
        assert_eq!(
            snippet("  قال\n\n  الوزير \t اليوم ", 80),
            "قال الوزير اليوم"
        );
        let long = "كلمة ".repeat(40);
        let s = snippet(&long, 22);
        assert!(s.ends_with('…'));
        assert_eq!(s, "كلمة كلمة كلمة كلمة…");
        assert!(s.chars().count() <= 23);
    }

    #[test]
    fn snippet_cuts_inside_a_long_word() {
        let s = snippet(&"ب".repeat(100), 10);
        assert_eq!(s, format!("{}…", "ب".repeat(9)));
        assert_eq!(snippet("", 10), "");
    }

    #[test]
    fn snippet_at_starts_near_the_first_term() {
        let filler = "كلام تمهيدي طويل ".repeat(12);
        let s = format!("{filler}ثم قال الوزير إن الاتفاق النووي مهم جدا للمنطقة");
        let out = snippet_at(&s, &["النووي", "غائب"], 40);
        assert!(out.starts_with('…'), "{out}");
        assert!(out.contains("الاتفاق النووي"), "{out}");
        // Two words of context before the term's word.
        assert!(out.starts_with("…إن الاتفاق النووي"), "{out}");
        assert!(out.chars().count() <= 41, "{out}");
        // A term near the start, or none found: a plain snippet.
        assert_eq!(snippet_at(&s, &["كلام"], 40), snippet(&s, 40));
        assert_eq!(snippet_at(&s, &["غائب"], 40), snippet(&s, 40));
        assert_eq!(snippet_at(&s, &[], 40), snippet(&s, 40));
        assert_eq!(snippet_at("", &["x"], 40), "");
    }

    #[test]
    fn thousands_and_plural() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1318), "1,318");
        assert_eq!(thousands(3728252), "3,728,252");
        assert_eq!(plural(1, "pair", "pairs"), "1 pair");
        assert_eq!(plural(2211, "pair", "pairs"), "2,211 pairs");
    }

    #[test]
    fn narrative_docs_gives_one_member_per_document_representative_first() {
        let loc = |doc: &str, start| Loc {
            doc: doc.into(),
            start,
            end: start + 1,
            start_char: start,
            end_char: start + 1,
        };
        let n = Narrative {
            id: 1,
            label: "أ، ب".into(),
            docs: 3,
            members: vec![
                loc("a", 0),
                loc("a", 5),
                loc("b", 0),
                loc("b", 9),
                loc("c", 2),
            ],
            representative: 3,
            verbatim: false,
            anchors: vec![],
            links: 0,
            outlets: vec![],
        };
        let docs: Vec<(&str, usize)> = narrative_docs(&n)
            .iter()
            .map(|l| (l.doc.as_str(), l.start))
            .collect();
        assert_eq!(docs, vec![("b", 9), ("a", 0), ("c", 2)]);
        assert_eq!(label_terms("أ، ب ,ج"), vec!["أ", "ب", "ج"]);
    }

    #[test]
    fn shown_respects_zero_as_unlimited() {
        assert_eq!(shown(5, 0), 5);
        assert_eq!(shown(5, 3), 3);
        assert_eq!(shown(2, 3), 2);
    }
}
