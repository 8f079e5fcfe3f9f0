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

use std::collections::HashMap;

use crate::report::{Direction, Report};

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

/// Sets the direction of every pair of `report` whose documents carry
/// dates or whose containments differ enough. Does nothing when no
/// document has a date (a report without dates keeps its bytes).
pub fn annotate(report: &mut Report) {
    let dates: HashMap<&str, i64> = report
        .documents
        .iter()
        .filter_map(|d| {
            let date = d.meta.as_ref()?.date.as_deref()?;
            Some((d.id.as_str(), parse_date(date)?))
        })
        .collect();
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
    for (p, d) in report.pairs.iter_mut().zip(found) {
        p.direction = d;
    }
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
}
