//! Time and direction of reuse: for a pair of documents, which one came
//! first and how long after the other followed.
//!
//! Pure: reads the dates of the report's documents (`documents[].meta.date`,
//! given by the input, see [`crate::corpus::MetaFields`]) and the pairs'
//! containments, and sets each pair's [`Direction`]. The earlier date is the
//! source. When the dates tie or one is missing, the containment asymmetry
//! decides: the document found in the other much more than the other way
//! round (a wire story inside a paper's longer article) is taken for the
//! source; without dates nor asymmetry, no direction is given.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::corpus::DocMeta;
use crate::report::{
    Direction, Narrative, NarrativeOutlet, OutletFlow, Relation, Report, Sighting,
};

/// Containments must differ by this much for the asymmetry to tell a
/// direction.
pub const MIN_ASYMMETRY: f64 = 0.1;

/// Seconds since the epoch of a date as inputs write it: an RFC 3339
/// timestamp (`2015-07-21T02:51:32Z`), a civil date and time
/// (`2015-07-21 02:51:32`, `2015-07-21T02:51`, taken as UTC) or a date
/// (`2015-07-21`, midnight). `None` when it is none of these.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_second());
    }
    let civil = s.parse::<jiff::civil::DateTime>().ok().or_else(|| {
        s.parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })?;
    jiff::tz::Offset::UTC
        .to_timestamp(civil)
        .ok()
        .map(|t| t.as_second())
}

/// The publication time (seconds) of a document with metadata `meta`, when
/// it gives a date [`parse_date`] reads: the one reading of dates, for the
/// pipeline (narratives within days) and for [`annotate`].
pub fn publication_date(meta: Option<&DocMeta>) -> Option<i64> {
    parse_date(meta?.date.as_deref()?)
}

/// True unless documents `a` and `b` both carry a date (`dates`: seconds, as
/// [`publication_date`] gives them) and were published more than `days`
/// apart. The news cycle: a story travels between outlets, and a copy follows
/// its source, within days, while a subject's names and a template's frame
/// recur all month (the narrative window and the evidence bar of distant
/// pairs). Undated documents are never apart.
pub fn within_days(dates: &[Option<i64>], a: usize, b: usize, days: f64) -> bool {
    match (
        dates.get(a).copied().flatten(),
        dates.get(b).copied().flatten(),
    ) {
        (Some(x), Some(y)) => (x - y).unsigned_abs() as f64 <= days * 86_400.0,
        _ => true,
    }
}

/// The direction of a pair `(a, b)` from their dates (seconds) and
/// containments (`containment_a`: the share of `a` found in `b`).
pub fn direction(a: (&str, Option<i64>, f64), b: (&str, Option<i64>, f64)) -> Option<Direction> {
    let (id_a, date_a, ca) = a;
    let (id_b, date_b, cb) = b;
    if let (Some(x), Some(y)) = (date_a, date_b) {
        if x != y {
            let (first, delay) = if x < y { (id_a, y - x) } else { (id_b, x - y) };
            return Some(Direction {
                first: first.to_string(),
                delay_seconds: Some(delay),
                basis: "date".to_string(),
            });
        }
    }
    if (ca - cb).abs() >= MIN_ASYMMETRY {
        let first = if ca > cb { id_a } else { id_b };
        return Some(Direction {
            first: first.to_string(),
            delay_seconds: None,
            basis: "containment".to_string(),
        });
    }
    None
}

/// Sets the outlets of every narrative whose members name theirs (with
/// their first dates where dates exist); then, when documents carry dates,
/// the direction of every pair whose documents carry dates or whose
/// containments differ enough, the propagation of every cluster (its dated
/// members, earliest first) and the outlet flows (which outlet's documents
/// are copied by which: near-duplicate and contained pairs with a
/// direction, counted by the outlets of their two sides). A report without
/// outlets nor dates keeps its bytes.
pub fn annotate(report: &mut Report) {
    let dates: HashMap<&str, i64> = report
        .documents
        .iter()
        .filter_map(|d| Some((d.id.as_str(), publication_date(d.meta.as_ref())?)))
        .collect();
    let tellers: Vec<Vec<NarrativeOutlet>> = {
        let metas: HashMap<&str, &DocMeta> = report
            .documents
            .iter()
            .filter_map(|d| Some((d.id.as_str(), d.meta.as_ref()?)))
            .collect();
        report
            .narratives
            .iter()
            .map(|n| narrative_outlets(n, &dates, &metas))
            .collect()
    };
    for (n, o) in report.narratives.iter_mut().zip(tellers) {
        n.outlets = o;
    }
    if dates.is_empty() {
        return;
    }
    let found: Vec<Option<Direction>> = report
        .pairs
        .iter()
        .map(|p| {
            direction(
                (&p.a, dates.get(p.a.as_str()).copied(), p.containment_a),
                (&p.b, dates.get(p.b.as_str()).copied(), p.containment_b),
            )
        })
        .collect();
    let metas: HashMap<&str, &DocMeta> = report
        .documents
        .iter()
        .filter_map(|d| Some((d.id.as_str(), d.meta.as_ref()?)))
        .collect();
    let propagation: Vec<Vec<Sighting>> = report
        .clusters
        .iter()
        .map(|c| propagation(&c.members, &dates, &metas))
        .collect();
    let outlet = |id: &str| metas.get(id).and_then(|m| m.outlet.clone());
    let mut flows: BTreeMap<(String, String), Vec<Option<i64>>> = BTreeMap::new();
    // Copies only: a pair that just shares a passage says little about who
    // copies whom.
    for (p, d) in report.pairs.iter().zip(&found) {
        let Some(d) = d
            .as_ref()
            .filter(|_| p.relation != Relation::SharesPassages)
        else {
            continue;
        };
        let other = if d.first == p.a { &p.b } else { &p.a };
        if let (Some(from), Some(to)) = (outlet(&d.first), outlet(other)) {
            flows.entry((from, to)).or_default().push(d.delay_seconds);
        }
    }
    let mut outlet_flows: Vec<OutletFlow> = flows
        .into_iter()
        .map(|((from, to), delays)| {
            let mut dated: Vec<i64> = delays.iter().flatten().copied().collect();
            dated.sort_unstable();
            OutletFlow {
                from,
                to,
                pairs: delays.len(),
                median_delay_seconds: (!dated.is_empty()).then(|| dated[(dated.len() - 1) / 2]),
            }
        })
        .collect();
    // Most pairs first; the map gave (from, to) order within a count.
    outlet_flows.sort_by_key(|f| std::cmp::Reverse(f.pairs));
    for (c, p) in report.clusters.iter_mut().zip(propagation) {
        c.propagation = p;
    }
    for (p, d) in report.pairs.iter_mut().zip(found) {
        p.direction = d;
    }
    report.outlet_flows = outlet_flows;
}

/// The outlets telling narrative `n`: each with its documents among the
/// members and its first date (the earliest of its dated documents, with
/// the delay after the narrative's first dated document); outlets with a
/// date first, earliest first, then the others, most documents first (ties
/// by name). Members without an outlet are left out.
fn narrative_outlets(
    n: &Narrative,
    dates: &HashMap<&str, i64>,
    metas: &HashMap<&str, &DocMeta>,
) -> Vec<NarrativeOutlet> {
    // Outlet → (its documents, its earliest dated document).
    type Told<'a> = (BTreeSet<&'a str>, Option<(i64, &'a str)>);
    let mut by: BTreeMap<&str, Told<'_>> = BTreeMap::new();
    let mut t0: Option<i64> = None;
    for m in &n.members {
        let doc = m.doc.as_str();
        let date = dates.get(doc).copied();
        if let Some(t) = date {
            t0 = Some(t0.map_or(t, |x| x.min(t)));
        }
        let Some(outlet) = metas.get(doc).and_then(|m| m.outlet.as_deref()) else {
            continue;
        };
        let e = by.entry(outlet).or_default();
        e.0.insert(doc);
        if let Some(t) = date {
            if e.1.is_none_or(|f| (t, doc) < f) {
                e.1 = Some((t, doc));
            }
        }
    }
    let mut out: Vec<(Option<i64>, NarrativeOutlet)> = by
        .into_iter()
        .map(|(outlet, (docs, first))| {
            let o = NarrativeOutlet {
                outlet: outlet.to_string(),
                docs: docs.len(),
                first_seen: first.and_then(|(_, d)| metas.get(d)?.date.clone()),
                after_seconds: first.zip(t0).map(|((t, _), t0)| t - t0),
            };
            (first.map(|f| f.0), o)
        })
        .collect();
    // Stable: ties keep the outlets' name order.
    out.sort_by_key(|(t, o)| (t.is_none(), *t, std::cmp::Reverse(o.docs)));
    out.into_iter().map(|(_, o)| o).collect()
}

/// The dated members of a cluster, earliest first (ties by id), each with
/// its delay after the first.
fn propagation(
    members: &[String],
    dates: &HashMap<&str, i64>,
    metas: &HashMap<&str, &DocMeta>,
) -> Vec<Sighting> {
    let mut dated: Vec<(i64, &str)> = members
        .iter()
        .filter_map(|m| Some((*dates.get(m.as_str())?, m.as_str())))
        .collect();
    dated.sort_unstable();
    let Some(&(t0, _)) = dated.first() else {
        return Vec::new();
    };
    dated
        .into_iter()
        .map(|(t, id)| {
            let meta = metas.get(id);
            Sighting {
                doc: id.to_string(),
                outlet: meta.and_then(|m| m.outlet.clone()),
                date: meta
                    .and_then(|m| m.date.clone())
                    .expect("a dated member has a date"),
                after_seconds: t - t0,
            }
        })
        .collect()
}

/// `2 h`, `1 day 3 h`, `45 min`, `20 s`: a delay in words.
pub fn delay_words(seconds: i64) -> String {
    let s = seconds.abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) if m > 0 => format!("{h} h {m} min"),
        (0, h, _) => format!("{h} h"),
        (1, 0, _) => "1 day".to_string(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_more_days_apart_than_allowed_are_apart_and_undated_ones_never() {
        let day = 86_400;
        let dates = [Some(0), Some(2 * day), Some(3 * day + 1), None];
        assert!(within_days(&dates, 0, 1, 2.0));
        assert!(!within_days(&dates, 0, 2, 2.0));
        assert!(within_days(&dates, 2, 0, 3.5));
        assert!(within_days(&dates, 0, 3, 0.0));
        assert!(within_days(&dates, 3, 9, 0.0));
    }

    #[test]
    fn dates_in_the_usual_forms() {
        let t = parse_date("2015-07-21 02:51:32").unwrap();
        assert_eq!(parse_date("2015-07-21T02:51:32").unwrap(), t);
        assert_eq!(parse_date("2015-07-21T02:51:32Z").unwrap(), t);
        assert_eq!(parse_date("2015-07-21T04:51:32+02:00").unwrap(), t);
        assert_eq!(
            parse_date("2015-07-21").unwrap(),
            t - (2 * 3600 + 51 * 60 + 32)
        );
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn the_earlier_date_is_first_else_the_contained_side() {
        let d = direction(("a", Some(100), 0.9), ("b", Some(7300), 0.5)).unwrap();
        assert_eq!(
            (d.first.as_str(), d.delay_seconds, d.basis.as_str()),
            ("a", Some(7200), "date")
        );
        let d = direction(("a", Some(9000), 0.9), ("b", Some(7200), 0.5)).unwrap();
        assert_eq!((d.first.as_str(), d.delay_seconds), ("b", Some(1800)));
        // Same time, or a date missing: the document contained in the other.
        let d = direction(("a", Some(5), 0.4), ("b", Some(5), 0.95)).unwrap();
        assert_eq!((d.first.as_str(), d.basis.as_str()), ("b", "containment"));
        let d = direction(("a", None, 0.9), ("b", Some(5), 0.3)).unwrap();
        assert_eq!((d.first.as_str(), d.delay_seconds), ("a", None));
        // Nothing tells.
        assert_eq!(direction(("a", None, 0.8), ("b", None, 0.75)), None);
    }

    #[test]
    fn delays_in_words() {
        assert_eq!(delay_words(20), "20 s");
        assert_eq!(delay_words(45 * 60), "45 min");
        assert_eq!(delay_words(7200), "2 h");
        assert_eq!(delay_words(7200 + 600), "2 h 10 min");
        assert_eq!(delay_words(86_400 + 3 * 3600), "1 day 3 h");
        assert_eq!(delay_words(3 * 86_400), "3 days");
    }

    fn doc(id: &str, outlet: &str, date: Option<&str>) -> crate::report::DocumentEntry {
        crate::report::DocumentEntry {
            id: id.into(),
            source: id.into(),
            bytes: 1,
            tokens: 1,
            sentences: 1,
            status: crate::report::Status::Analysed,
            reason: None,
            meta: Some(DocMeta {
                outlet: Some(outlet.into()),
                date: date.map(String::from),
                ..DocMeta::default()
            }),
        }
    }

    fn pair(a: &str, b: &str) -> crate::report::Pair {
        crate::report::Pair {
            a: a.into(),
            b: b.into(),
            jaccard: 0.8,
            containment_a: 0.85,
            containment_b: 0.9,
            estimated_jaccard: None,
            shared_shingles: 50,
            passages: 1,
            relation: crate::report::Relation::NearDuplicate,
            weight: 20.0,
            direction: None,
        }
    }

    #[test]
    fn clusters_propagate_from_the_first_outlet_and_flows_count_pairs() {
        let mut r = Report {
            documents: vec![
                doc("x", "paper", Some("2015-07-23 05:00:00")),
                doc("y", "wire", Some("2015-07-23 03:00:00")),
                doc("z", "paper2", Some("2015-07-24 03:00:00")),
                doc("u", "paper", None),
            ],
            pairs: vec![
                pair("x", "y"),
                pair("x", "z"),
                pair("y", "z"),
                pair("u", "y"),
            ],
            clusters: vec![crate::report::Cluster {
                id: 1,
                representative: "y".into(),
                members: vec!["x".into(), "y".into(), "z".into(), "u".into()],
                propagation: vec![],
            }],
            ..Report::default()
        };
        annotate(&mut r);
        let seen: Vec<(&str, Option<&str>, i64)> = r.clusters[0]
            .propagation
            .iter()
            .map(|s| (s.doc.as_str(), s.outlet.as_deref(), s.after_seconds))
            .collect();
        assert_eq!(
            seen,
            [
                ("y", Some("wire"), 0),
                ("x", Some("paper"), 7200),
                ("z", Some("paper2"), 86_400)
            ]
        );
        let d = r.pairs[0].direction.as_ref().unwrap();
        assert_eq!((d.first.as_str(), d.delay_seconds), ("y", Some(7200)));
        // u has no date and the containments are alike: no direction.
        assert_eq!(r.pairs[3].direction, None);
        let flows: Vec<(&str, &str, usize, Option<i64>)> = r
            .outlet_flows
            .iter()
            .map(|f| {
                (
                    f.from.as_str(),
                    f.to.as_str(),
                    f.pairs,
                    f.median_delay_seconds,
                )
            })
            .collect();
        assert_eq!(
            flows,
            [
                ("paper", "paper2", 1, Some(79_200)),
                ("wire", "paper", 1, Some(7200)),
                ("wire", "paper2", 1, Some(86_400))
            ]
        );
        // Without any date nothing is set.
        let mut plain = Report {
            documents: vec![doc("x", "paper", None)],
            pairs: vec![pair("x", "y")],
            ..Report::default()
        };
        annotate(&mut plain);
        assert!(plain.pairs[0].direction.is_none() && plain.outlet_flows.is_empty());
    }

    fn at(doc: &str, start: usize) -> crate::report::Loc {
        crate::report::Loc {
            doc: doc.into(),
            start,
            end: start + 10,
            start_char: start,
            end_char: start + 10,
        }
    }

    /// A narrative told by three outlets names the three, with their
    /// documents and first dates; undated members count, an outlet with no
    /// dated document comes last, a member without outlet is left out.
    #[test]
    fn a_narrative_over_three_outlets_names_them() {
        let mut r = Report {
            documents: vec![
                doc("p1", "paper", Some("2015-07-23 05:00:00")),
                doc("w1", "wire", Some("2015-07-23 03:00:00")),
                doc("p2", "paper", Some("2015-07-23 04:00:00")),
                doc("r1", "radio", None),
                doc("w2", "wire", None),
                crate::report::DocumentEntry {
                    meta: None,
                    ..doc("x", "", None)
                },
            ],
            narratives: vec![crate::report::Narrative {
                id: 1,
                label: "أ، ب".into(),
                docs: 6,
                members: vec![
                    at("p1", 0),
                    at("p1", 40),
                    at("w1", 0),
                    at("p2", 5),
                    at("r1", 0),
                    at("w2", 0),
                    at("x", 0),
                ],
                representative: 2,
                verbatim: false,
                anchors: vec![],
                links: 3,
                outlets: vec![],
            }],
            ..Report::default()
        };
        annotate(&mut r);
        let got: Vec<(&str, usize, Option<&str>, Option<i64>)> = r.narratives[0]
            .outlets
            .iter()
            .map(|o| {
                (
                    o.outlet.as_str(),
                    o.docs,
                    o.first_seen.as_deref(),
                    o.after_seconds,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("wire", 2, Some("2015-07-23 03:00:00"), Some(0)),
                ("paper", 2, Some("2015-07-23 04:00:00"), Some(3600)),
                ("radio", 1, None, None),
            ]
        );
        // Outlets without any date: most documents first, then by name.
        for d in &mut r.documents {
            if let Some(m) = &mut d.meta {
                m.date = None;
            }
        }
        annotate(&mut r);
        let names: Vec<(&str, usize)> = r.narratives[0]
            .outlets
            .iter()
            .map(|o| (o.outlet.as_str(), o.docs))
            .collect();
        assert_eq!(names, [("paper", 2), ("wire", 2), ("radio", 1)]);
        assert!(
            r.narratives[0]
                .outlets
                .iter()
                .all(|o| o.first_seen.is_none())
        );
        // No outlets: nothing.
        for d in &mut r.documents {
            d.meta = None;
        }
        annotate(&mut r);
        assert!(r.narratives[0].outlets.is_empty());
    }
}
