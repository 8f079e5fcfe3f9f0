//! What the default run must show on the five seed articles in `corpus/`.
//! They tell overlapping stories in their own words: no paragraph is copied.

use athar::corpus::{self, ReadOptions};
use athar::pipeline::{self, Config, NoProgress};
use athar::report::{PassageKind, Report};

fn seed_report() -> (Report, corpus::Corpus) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let corpus = corpus::load(&[dir], &ReadOptions::default()).unwrap();
    let report = pipeline::analyse(&corpus, &Config::default(), &NoProgress).unwrap();
    (report, corpus)
}

fn text<'c>(corpus: &'c corpus::Corpus, id: &str) -> &'c str {
    &corpus.documents.iter().find(|d| d.id == id).unwrap().text
}

#[test]
fn seeds_are_not_near_duplicates_of_each_other() {
    let (report, _) = seed_report();
    assert_eq!(report.summary.analysed, 5);
    assert!(report.clusters.is_empty(), "{:?}", report.clusters);
    assert!(
        report
            .passages
            .iter()
            .all(|p| p.kind == PassageKind::Repeat),
        "no paragraph is copied or reworded between the seeds (they share stories, not text)"
    );
}

#[test]
fn caption_printed_several_times_in_002_is_a_repeat() {
    let (report, corpus) = seed_report();
    let doc = "002_57bea19229710927";
    let t = text(&corpus, doc);
    let repeats: Vec<_> = report
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Repeat && p.a.doc == doc)
        .collect();
    assert!(
        repeats.len() >= 2,
        "the caption is printed 7 times: {repeats:?}"
    );
    for p in &repeats {
        assert_eq!(p.b.doc, doc);
        assert!(p.a.start < p.b.start);
        let (a, b) = (&t[p.a.start..p.a.end], &t[p.b.start..p.b.end]);
        assert!(a.contains("حلفاء أم أعداء"), "{a}");
        assert!(b.contains("حلفاء أم أعداء"), "{b}");
    }
}

#[test]
fn every_location_slices_its_original_text() {
    let (report, corpus) = seed_report();
    let locs = report
        .passages
        .iter()
        .flat_map(|p| [&p.a, &p.b])
        .chain(report.narratives.iter().flat_map(|n| &n.members))
        .chain(report.phrases.iter().flat_map(|p| &p.occurrences));
    let mut n = 0;
    for loc in locs {
        let t = text(&corpus, &loc.doc);
        let s = t
            .get(loc.start..loc.end)
            .expect("byte span on char boundaries");
        assert!(!s.trim().is_empty());
        assert_eq!(t[..loc.start].chars().count(), loc.start_char);
        assert_eq!(loc.start_char + s.chars().count(), loc.end_char);
        n += 1;
    }
    assert!(n > 10, "the seeds share narratives and phrases");
}

#[test]
fn no_narratives_turns_off_the_narrative_level_only() {
    let (full, corpus) = seed_report();
    assert!(!full.narratives.is_empty());
    let off = Config {
        narratives: false,
        ..Config::default()
    };
    let report = pipeline::analyse(&corpus, &off, &NoProgress).unwrap();
    assert!(report.narratives.is_empty());
    assert!(report.narrative_links.is_empty());
    assert_eq!(report.params.narrative_threshold, None);
    // Everything else is the same run.
    assert_eq!(report.pairs, full.pairs);
    assert_eq!(report.passages, full.passages);
    assert_eq!(report.phrases, full.phrases);
}
