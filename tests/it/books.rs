//! Book-length documents (`athar_synth::generate_books`): every planted
//! passage, verbatim or lightly altered, is found whole, as one passage.

use athar::corpus::{Corpus, Document};
use athar::pipeline::{Config, NoProgress, analyse};
use athar::report::{Passage, PassageKind};
use athar::span::Span;
use athar_synth::{BookCase, BookParams, generate_books};

/// Bytes of `x` (a planted span) that `y` (a reported span) covers.
fn covered(x: (usize, usize), y: (usize, usize)) -> usize {
    x.1.min(y.1).saturating_sub(x.0.max(y.0))
}

/// The words of a planted span: without the punctuation at its ends, which
/// is no token.
fn words(text: &str, span: Span) -> (usize, usize) {
    let s = span.slice(text);
    let lead = s.len() - s.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
    let body = s.trim_matches(|c: char| !c.is_alphanumeric());
    (span.start() + lead, span.start() + lead + body.len())
}

/// The reported passages of pair `(a, b)` that overlap `sa` in `a` and `sb`
/// in `b`.
fn found<'r>(
    passages: &'r [Passage],
    ids: &[String],
    t: &BookCase,
    (sa, sb): ((usize, usize), (usize, usize)),
) -> Vec<&'r Passage> {
    let (ia, ib) = (&ids[t.a], &ids[t.b]);
    passages
        .iter()
        .filter(|p| p.kind != PassageKind::Repeat && p.kind != PassageKind::Narrative)
        .filter(|p| {
            // Passages are listed with their documents in either order.
            let (pa, pb) = if &p.a.doc == ia && &p.b.doc == ib {
                (&p.a, &p.b)
            } else if &p.a.doc == ib && &p.b.doc == ia {
                (&p.b, &p.a)
            } else {
                return false;
            };
            covered(sa, (pa.start, pa.end)) > 0 && covered(sb, (pb.start, pb.end)) > 0
        })
        .collect()
}

#[test]
fn every_planted_passage_is_found_whole() {
    let params = BookParams {
        books: 3,
        book_bytes: 200_000,
        seed: 5,
        passages_per_book: 4.0,
        ..BookParams::default()
    };
    let books = generate_books(&params).unwrap();
    assert!(books.truth.len() >= 12, "{}", books.truth.len());
    assert!(books.truth.iter().any(|t| t.altered));
    let corpus = Corpus {
        documents: books
            .docs
            .iter()
            .map(|d| Document {
                id: d.id.clone(),
                source: format!("{}.txt", d.id),
                text: d.text.clone(),
            })
            .collect(),
        ..Default::default()
    };
    let ids: Vec<String> = books.docs.iter().map(|d| d.id.clone()).collect();
    let report = analyse(&corpus, &Config::default(), &NoProgress).unwrap();
    for t in &books.truth {
        let sa = words(&books.docs[t.a].text, t.a_span);
        let sb = words(&books.docs[t.b].text, t.b_span);
        let f = found(&report.passages, &ids, t, (sa, sb));
        assert_eq!(f.len(), 1, "case {t:?}: {f:#?}");
        let p = f[0];
        let (pa, pb) = if p.a.doc == ids[t.a] {
            (&p.a, &p.b)
        } else {
            (&p.b, &p.a)
        };
        // Whole: the planted text on both sides, and no more than a word
        // or two around it.
        for (span, loc) in [(sa, pa), (sb, pb)] {
            assert!(
                loc.start <= span.0 && loc.end >= span.1,
                "case {t:?} not covered: {p:#?}"
            );
            let extra = (loc.end - loc.start) - (span.1 - span.0);
            assert!(extra <= 40, "case {t:?}: {extra} bytes more: {p:#?}");
        }
    }
}
