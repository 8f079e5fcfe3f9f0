//! The report's sections built from the pipeline's results: pairs,
//! passages, reused phrases and formula templates, with offsets from the
//! span map.

use crate::corpus::Document;
use crate::evidence::{FormulaTemplate, TokenClass};
use crate::passages::align::Match;
use crate::passages::content;
use crate::passages::reworded;
use crate::phrases;
use crate::report::{Formula, Pair, Passage, PassageKind, Phrase};
use crate::text::tokenize::Tokenizer;
use crate::verify::Thresholds;

use super::build::{self, pair_order, relation, round};
use super::{Linked, spans};

/// The documents the report points into (passages, repeats, phrases,
/// boilerplate examples): only these are tokenized again for offsets.
pub(super) fn needed_docs(
    n: usize,
    linked: &[Linked],
    repeats: &[(u32, Vec<Match>)],
    reused: &[phrases::ReusedPhrase],
    templates: &[(FormulaTemplate, Vec<TokenClass>)],
) -> Vec<bool> {
    let mut needed = vec![false; n];
    for l in linked.iter().filter(|l| !l.matches.is_empty()) {
        needed[l.a as usize] = true;
        needed[l.b as usize] = true;
    }
    for (d, _) in repeats {
        needed[*d as usize] = true;
    }
    for p in reused {
        for o in &p.occurrences {
            needed[o.doc as usize] = true;
        }
    }
    for (t, _) in templates {
        needed[t.doc as usize] = true;
    }
    needed
}

/// The report's pairs, most similar first.
pub(super) fn pair_entries(
    docs: &[Document],
    linked: &[Linked],
    thresholds: &Thresholds,
) -> Vec<Pair> {
    let mut pairs: Vec<&Linked> = linked.iter().collect();
    pairs.sort_by(|x, y| pair_order((&x.sim, x.a, x.b), (&y.sim, y.a, y.b)));
    pairs
        .iter()
        .map(|l| Pair {
            a: docs[l.a as usize].id.clone(),
            b: docs[l.b as usize].id.clone(),
            jaccard: round(l.sim.jaccard),
            containment_a: round(l.sim.containment_a),
            containment_b: round(l.sim.containment_b),
            estimated_jaccard: l.estimate.is_finite().then(|| round(l.estimate)),
            shared_shingles: l.sim.intersection,
            passages: l.matches.len(),
            relation: relation(&l.sim, thresholds),
            weight: round(l.weights.iter().sum()),
            direction: None,
        })
        .collect()
}

/// The report's verbatim passages and repeats, in document order. A repeat
/// shorter than `min_passage` is kept only when both copies are whole lines.
pub(super) fn passage_entries(
    spans: &spans::SpanMap<'_>,
    linked: &[Linked],
    repeats: &[(u32, Vec<Match>)],
    repeat_weights: &[Vec<f64>],
    min_passage: usize,
) -> Vec<Passage> {
    let mut passages: Vec<(u32, u32, Passage)> = Vec::new();
    for l in linked {
        for (m, &w) in l.matches.iter().zip(&l.weights) {
            let kind = match m.kind {
                reworded::Kind::Verbatim => PassageKind::Verbatim,
                reworded::Kind::Reworded => PassageKind::Reworded,
                reworded::Kind::Mixed => PassageKind::Mixed,
            };
            let m = Match {
                a: m.a.clone(),
                b: m.b.clone(),
                matched_tokens: m.matched_tokens,
                score: m.score,
            };
            let mut p = spans.passage(kind, l.a, l.b, &m);
            p.weight = Some(round(w));
            passages.push((l.a, l.b, p));
        }
    }
    for ((d, ms), ws) in repeats.iter().zip(repeat_weights) {
        let text = &spans.docs[*d as usize].text;
        for (m, &w) in ms.iter().zip(ws) {
            let long = m.matched_tokens as usize >= min_passage;
            if long
                || (build::whole_line(text, spans.span(*d, m.a.clone()))
                    && build::whole_line(text, spans.span(*d, m.b.clone())))
            {
                let mut p = spans.passage(PassageKind::Repeat, *d, *d, m);
                p.weight = Some(round(w));
                passages.push((*d, *d, p));
            }
        }
    }
    passages.sort_by(|x, y| {
        (x.0, x.2.a.start, x.1, x.2.b.start, x.2.kind).cmp(&(
            y.0,
            y.2.a.start,
            y.1,
            y.2.b.start,
            y.2.kind,
        ))
    });
    passages.into_iter().map(|(_, _, p)| p).collect()
}

/// The report's reused phrases: whole spans that start and end with a
/// content word, with at least [`build::MIN_PHRASE_CONTENT_WORDS`] content
/// words, most informative first. Phrases that read the same once trimmed
/// («في قطاع غزة» and «في قطاع غزة، على») are one. The information of a
/// phrase is the sum of the IDF of its content words over the corpus
/// (`df`): a phrase made of the words every article on the topic uses ranks
/// below one that only the documents sharing it contain.
pub(super) fn phrase_entries(
    spans: &spans::SpanMap<'_>,
    reused: &[phrases::ReusedPhrase],
    min_tokens: usize,
    normalize: crate::text::normalize::NormalizeOptions,
    df: &content::DocFrequencies,
) -> Vec<Phrase> {
    let n = spans.docs.len();
    let mut tokenizer = Tokenizer::new(normalize);
    // (information, key: the normalized words, the phrase)
    let mut kept: Vec<(f64, String, phrases::ReusedPhrase)> = Vec::new();
    for p in reused {
        let Some(p) = spans
            .content_edges(p, min_tokens)
            .and_then(|p| spans.whole_spans(&p, min_tokens))
        else {
            continue;
        };
        let o = &p.occurrences[0];
        if spans.content_tokens(o.doc, o.tokens.clone()) < build::MIN_PHRASE_CONTENT_WORDS {
            continue;
        }
        let tokens = tokenizer.tokenize(spans.text(o.doc, o.tokens.clone()));
        let words: Vec<&str> = (0..tokens.len()).map(|i| tokens.text(i)).collect();
        let information: f64 = words
            .iter()
            .filter(|w| spans::is_content_word(w))
            .map(|w| {
                f64::from(content::idf(
                    df.get(content::stem_hash(content::content_stem(w))),
                    n,
                ))
            })
            .sum();
        kept.push((information, words.join(" "), p));
    }
    // One entry per trimmed text: the occurrences of its phrases, one per
    // document.
    kept.sort_by(|x, y| x.1.cmp(&y.1).then(y.2.docs.cmp(&x.2.docs)));
    let mut merged: Vec<(f64, phrases::ReusedPhrase)> = Vec::new();
    for run in kept.chunk_by(|x, y| x.1 == y.1) {
        let mut occurrences: Vec<phrases::Occurrence> = run
            .iter()
            .flat_map(|(_, _, p)| p.occurrences.iter().cloned())
            .collect();
        occurrences.sort_by_key(|o| (o.doc, o.tokens.start));
        occurrences.dedup_by_key(|o| o.doc);
        merged.push((
            run[0].0,
            phrases::ReusedPhrase {
                tokens: run[0].2.tokens,
                docs: occurrences.len(),
                occurrences,
            },
        ));
    }
    merged.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then(y.1.docs.cmp(&x.1.docs))
            .then(y.1.tokens.cmp(&x.1.tokens))
            .then(x.1.occurrences[0].doc.cmp(&y.1.occurrences[0].doc))
            .then(
                x.1.occurrences[0]
                    .tokens
                    .start
                    .cmp(&y.1.occurrences[0].tokens.start),
            )
    });
    merged
        .into_iter()
        .map(|(_, p)| {
            let first = &p.occurrences[0];
            Phrase {
                text: spans.text(first.doc, first.tokens.clone()).to_string(),
                tokens: p.tokens as usize,
                docs: p.docs,
                occurrences: p
                    .occurrences
                    .iter()
                    .map(|o| spans.loc(o.doc, o.tokens.clone()))
                    .collect(),
            }
        })
        .collect()
}

/// Formula templates listed at most (the most widespread).
pub(super) const FORMULA_TEMPLATES: usize = 200;

/// The report's formula templates, most widespread first: the masked
/// template and one example each.
pub(super) fn formula_entries(
    spans: &spans::SpanMap<'_>,
    templates: &[(FormulaTemplate, Vec<TokenClass>)],
) -> Vec<Formula> {
    let n = spans.docs.len();
    templates
        .iter()
        .map(|(t, masks)| Formula {
            template: spans.template(t.doc, t.tokens.clone(), masks),
            text: spans.text(t.doc, t.tokens.clone()).to_string(),
            docs: t.docs,
            fraction: round(t.docs as f64 / n as f64),
            example: spans.loc(t.doc, t.tokens.clone()),
        })
        .collect()
}
