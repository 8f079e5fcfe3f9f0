//! The narrative step of the pipeline: narrative links not already explained
//! by verbatim passages, and the narratives they form with verbatim passages.

use rayon::prelude::*;

use crate::narrative::{self, Link, NarrativeDoc, NarrativeIndex, NarrativeParams};
use crate::report::{Loc, Narrative, Passage, PassageKind};
use crate::span::Span;

use super::build::round;
use super::spans::{SpanMap, loc};
use super::{Config, Linked};

/// Narrative links (same story, other words) not already explained by
/// verbatim passages, and the narratives that verbatim and narrative
/// passages form across documents.
pub(crate) fn narratives(
    spans: &SpanMap<'_>,
    linked: &[Linked],
    config: &Config,
    keep: &dyn Fn(usize, usize) -> bool,
) -> (Vec<Passage>, Vec<Narrative>) {
    let params = NarrativeParams {
        threshold: config.narrative_threshold as f32,
        ..NarrativeParams::default()
    };
    let ndocs: Vec<NarrativeDoc<'_>> = spans
        .docs
        .iter()
        .zip(&spans.sentences)
        .map(|(d, sentences)| NarrativeDoc {
            text: &d.text,
            sentences,
        })
        .collect();
    let index = NarrativeIndex::build(&ndocs, config.normalize, &params);
    let verbatim: Vec<Link> = linked
        .iter()
        .flat_map(|l| {
            l.matches.iter().map(|m| Link {
                a: (l.a as usize, spans.span(l.a, m.a.clone())),
                b: (l.b as usize, spans.span(l.b, m.b.clone())),
                tokens_a: m.a.len(),
                tokens_b: m.b.len(),
                score: m.score as f32,
                terms: Vec::new(),
                terms_b: Vec::new(),
            })
        })
        .collect();
    let mut links = narrative::without_verbatim(index.find_links(), &verbatim);
    links.retain(|l| keep(l.a.0, l.b.0));
    let passages: Vec<Passage> = links
        .par_iter()
        .map(|l| {
            let (da, db) = (&spans.docs[l.a.0], &spans.docs[l.b.0]);
            let (a, b) = (loc(&da.id, &da.text, l.a.1), loc(&db.id, &db.text, l.b.1));
            Passage {
                kind: PassageKind::Narrative,
                tokens_a: l.tokens_a,
                tokens_b: l.tokens_b,
                a,
                b,
                score: round(l.score as f64),
                terms: l.terms.clone(),
            }
        })
        .collect();
    // The narrative passages of every document, sorted: a group is verbatim
    // when none of its members overlaps one.
    let mut narrative_ends: Vec<(usize, Span)> = links.iter().flat_map(|l| [l.a, l.b]).collect();
    narrative_ends.sort_unstable();
    let longest = narrative_ends.iter().map(|e| e.1.len()).max().unwrap_or(0);
    let overlaps_narrative = |doc: usize, span: Span| {
        // Ends starting before `span.end()`, and late enough to reach it.
        let lo = narrative_ends
            .partition_point(|e| (e.0, e.1.start()) < (doc, span.start().saturating_sub(longest)));
        narrative_ends[lo..]
            .iter()
            .take_while(|e| e.0 == doc && e.1.start() < span.end())
            .any(|e| e.1.overlaps(span))
    };
    let mut all = verbatim;
    all.extend(links);
    let groups = index.group(&all);
    let narratives = groups
        .par_iter()
        .enumerate()
        .map(|(i, g)| {
            let members: Vec<Loc> = g
                .members
                .iter()
                .map(|m| {
                    let d = &spans.docs[m.doc];
                    loc(&d.id, &d.text, m.span)
                })
                .collect();
            let representative = g
                .members
                .iter()
                .position(|m| *m == g.representative)
                .unwrap_or(0);
            let verbatim = !g.members.iter().any(|m| overlaps_narrative(m.doc, m.span));
            Narrative {
                id: i + 1,
                label: g.label.join("، "),
                docs: g.n_docs,
                members,
                representative,
                verbatim,
            }
        })
        .collect();
    (passages, narratives)
}
