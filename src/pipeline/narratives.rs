//! The narrative step of the pipeline: narrative links not already explained
//! by verbatim passages, and the narratives they form with verbatim passages.

use rayon::prelude::*;

use crate::direction;
use crate::narrative::{self, Link, NarrativeDoc, NarrativeIndex, NarrativeParams, ReadTokens};
use crate::report::{Cluster, Loc, Narrative, NarrativeLink};
use crate::span::Span;

use super::build::round;
use super::spans::{SpanMap, loc};
use super::{Config, Linked};

/// The narrative index of the corpus: every document read (tokenized,
/// its content words kept, its formula runs `formula` left unread), before
/// the span map, since the tokens of the documents marked in `needed` are
/// kept for it: the span map takes them instead of tokenizing those
/// documents again.
pub(crate) fn read<'a>(
    docs: &'a [crate::corpus::Document],
    sentences: &'a [Vec<Span>],
    formula: &'a [Vec<std::ops::Range<u32>>],
    config: &Config,
    needed: &[bool],
) -> (NarrativeIndex<'a>, Vec<Option<ReadTokens>>) {
    let params = NarrativeParams {
        threshold: config.narrative_threshold as f32,
        ..NarrativeParams::default()
    };
    let ndocs: Vec<NarrativeDoc<'_>> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| NarrativeDoc {
            text: &d.text,
            sentences: sentences.get(i).map_or(&[], |s| s.as_slice()),
            formula: formula.get(i).map_or(&[], |f| f.as_slice()),
        })
        .collect();
    NarrativeIndex::build_keeping_tokens(&ndocs, config.normalize, &params, needed)
}

/// Narrative links (same story, other words) not already explained by
/// verbatim passages, and the narratives that verbatim and narrative
/// passages form across documents, from the corpus's narrative index
/// ([`read`]).
pub(crate) fn narratives(
    index: &NarrativeIndex<'_>,
    spans: &SpanMap<'_>,
    linked: &[Linked],
    clusters: &[Cluster],
    config: &Config,
    cross: &dyn Fn(usize, usize) -> bool,
    dates: &[Option<i64>],
) -> (Vec<NarrativeLink>, Vec<Narrative>) {
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
    let mut links = index.find_links_beside(&verbatim);
    // Reference mode: only links between the two sets.
    links.retain(|l| cross(l.a.0, l.b.0));
    if let Some(days) = config.narrative_days {
        links.retain(|l| direction::within_days(dates, l.a.0, l.b.0, days));
    }
    let mut all = verbatim;
    all.extend(links.iter().cloned());
    let groups = index.group(&all);
    let group_of = group_of_links(&groups, &links);
    let (groups, inside, group_of) = without_templates(groups, group_of, clusters, spans);
    let narrative_links = link_entries(&links, &group_of, spans);
    let narratives = narrative_entries(&groups, &inside, spans);
    (narrative_links, narratives)
}

/// Narrative links listed per document pair (the highest scores; ties by
/// position) unless `--all-passages`: two long documents telling the same
/// stories link window by window, thousands of times, where a reader needs
/// the pair and its strongest links. Narratives keep every link.
pub const MAX_LINKS_PER_PAIR: usize = 20;

/// Keeps at most `max` links of each document pair, the highest scores
/// first (then by position), in their order; returns how many were dropped.
fn cap_links_per_pair(links: &mut Vec<NarrativeLink>, max: usize) -> usize {
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by(|&x, &y| {
        let (p, q) = (&links[x], &links[y]);
        (&p.a.doc, &p.b.doc)
            .cmp(&(&q.a.doc, &q.b.doc))
            .then(q.score.total_cmp(&p.score))
            .then((p.a.start, p.b.start, x).cmp(&(q.a.start, q.b.start, y)))
    });
    let mut keep = vec![false; links.len()];
    for run in order
        .chunk_by(|&x, &y| (&links[x].a.doc, &links[x].b.doc) == (&links[y].a.doc, &links[y].b.doc))
    {
        for &i in run.iter().take(max) {
            keep[i] = true;
        }
    }
    let before = links.len();
    let mut i = 0;
    links.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    before - links.len()
}

/// The narrative links listed: at most [`MAX_LINKS_PER_PAIR`] per document
/// pair unless `--all-passages`; returns the warning saying how many were
/// left out, if any.
pub(super) fn cap_links(links: &mut Vec<NarrativeLink>, config: &Config) -> Option<String> {
    if config.all_passages {
        return None;
    }
    let dropped = cap_links_per_pair(links, MAX_LINKS_PER_PAIR);
    (dropped > 0).then(|| {
        format!(
            "{dropped} narrative link(s) not listed: at most {MAX_LINKS_PER_PAIR} per \
             document pair, the highest scores (--all-passages lists every one)"
        )
    })
}

/// The group of each narrative link: the one whose members overlap both of
/// its passages (members of a group are disjoint and sorted).
fn group_of_links(groups: &[narrative::NarrativeGroup], links: &[Link]) -> Vec<Option<usize>> {
    let mut member_of: Vec<(usize, Span, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, n)| n.members.iter().map(move |m| (m.doc, m.span, g)))
        .collect();
    member_of.sort_unstable_by_key(|x| (x.0, x.1.start(), x.2));
    let longest = member_of.iter().map(|e| e.1.len()).max().unwrap_or(0);
    let groups_at = |doc: usize, span: Span| -> Vec<usize> {
        let lo = member_of
            .partition_point(|e| (e.0, e.1.start()) < (doc, span.start().saturating_sub(longest)));
        let mut v: Vec<usize> = member_of[lo..]
            .iter()
            .take_while(|e| e.0 == doc && e.1.start() < span.end())
            .filter(|e| e.1.overlaps(span))
            .map(|e| e.2)
            .collect();
        v.sort_unstable();
        v
    };
    links
        .par_iter()
        .map(|l| {
            let gb = groups_at(l.b.0, l.b.1);
            groups_at(l.a.0, l.a.1)
                .into_iter()
                .find(|g| gb.binary_search(g).is_ok())
        })
        .collect()
}

/// The groups without templates ([`is_template`]) and without verbatim
/// groups nested in a larger one ([`nested_in_larger`]; a group holding a
/// narrative link is never either), numbered again, with the narrative links
/// inside each and the new group of each link.
fn without_templates(
    groups: Vec<narrative::NarrativeGroup>,
    group_of: Vec<Option<usize>>,
    clusters: &[Cluster],
    spans: &SpanMap<'_>,
) -> (
    Vec<narrative::NarrativeGroup>,
    Vec<usize>,
    Vec<Option<usize>>,
) {
    let mut inside = vec![0usize; groups.len()];
    for g in group_of.iter().flatten() {
        inside[*g] += 1;
    }
    let cluster: ahash::AHashMap<&str, usize> = clusters
        .iter()
        .flat_map(|c| c.members.iter().map(move |m| (m.as_str(), c.id)))
        .collect();
    let nested = nested_in_larger(&groups);
    let keep: Vec<bool> = groups
        .iter()
        .zip(&inside)
        .zip(&nested)
        .map(|((g, &n), &nested)| n > 0 || !(nested || is_template(g, spans, &cluster)))
        .collect();
    let mut new_id = vec![usize::MAX; groups.len()];
    let mut next = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_id[i] = next;
            next += 1;
        }
    }
    let groups: Vec<narrative::NarrativeGroup> = groups
        .into_iter()
        .zip(&keep)
        .filter_map(|(g, &k)| k.then_some(g))
        .collect();
    let inside: Vec<usize> = inside
        .into_iter()
        .zip(&keep)
        .filter_map(|(n, &k)| k.then_some(n))
        .collect();
    let group_of: Vec<Option<usize>> = group_of
        .into_iter()
        .map(|g| g.map(|g| new_id[g]).filter(|&g| g != usize::MAX))
        .collect();
    (groups, inside, group_of)
}

/// The report's narrative links, each with its narrative's id.
fn link_entries(
    links: &[Link],
    group_of: &[Option<usize>],
    spans: &SpanMap<'_>,
) -> Vec<NarrativeLink> {
    links
        .par_iter()
        .zip(group_of)
        .map(|(l, g)| {
            let (da, db) = (&spans.docs[l.a.0], &spans.docs[l.b.0]);
            NarrativeLink {
                a: loc(&da.id, &da.text, l.a.1),
                b: loc(&db.id, &db.text, l.b.1),
                tokens_a: l.tokens_a,
                tokens_b: l.tokens_b,
                score: round(l.score as f64),
                anchors: l.terms.clone(),
                anchors_b: l.terms_b.clone(),
                narrative: g.map(|g| g + 1),
            }
        })
        .collect()
}

/// The report's narratives, numbered from 1; `inside[i]`: the narrative
/// links of group `i` (0: joined by verbatim passages alone).
fn narrative_entries(
    groups: &[narrative::NarrativeGroup],
    inside: &[usize],
    spans: &SpanMap<'_>,
) -> Vec<Narrative> {
    groups
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
            Narrative {
                id: i + 1,
                label: g.label.join("، "),
                docs: g.n_docs,
                members,
                representative,
                verbatim: inside[i] == 0,
                anchors: g.label.clone(),
                links: inside[i],
                outlets: Vec::new(),
            }
        })
        .collect()
}

/// Share of a group's members that must lie inside members of one larger
/// group for it to be part of that group's story ([`nested_in_larger`]).
const NESTED_SHARE: f64 = 0.75;

/// Per group, whether at least [`NESTED_SHARE`] of its members lie inside
/// members of one larger group (more documents, or as many and more text):
/// a paragraph of a wire story copied whole by many outlets is grouped
/// on its own as well as with the whole story, and one story is listed once.
fn nested_in_larger(groups: &[narrative::NarrativeGroup]) -> Vec<bool> {
    // Every member as (doc, start, end, group), sorted.
    let mut at: Vec<(usize, usize, usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| {
            g.members
                .iter()
                .map(move |m| (m.doc, m.span.start(), m.span.end(), i))
        })
        .collect();
    at.sort_unstable();
    let size = |g: &narrative::NarrativeGroup| -> (usize, usize) {
        (g.n_docs, g.members.iter().map(|m| m.span.len()).sum())
    };
    groups
        .par_iter()
        .enumerate()
        .map(|(i, g)| {
            let own = size(g);
            let mut inside: Vec<usize> = Vec::new();
            for m in &g.members {
                let (s, e) = (m.span.start(), m.span.end());
                let lo = at.partition_point(|x| x.0 < m.doc);
                let hi = at.partition_point(|x| x.0 <= m.doc);
                let mut hosts: Vec<usize> = at[lo..hi]
                    .iter()
                    .filter(|x| x.3 != i && x.1 <= s && e <= x.2 && size(&groups[x.3]) > own)
                    .map(|x| x.3)
                    .collect();
                hosts.sort_unstable();
                hosts.dedup();
                inside.extend(hosts);
            }
            inside.sort_unstable();
            inside
                .chunk_by(|x, y| x == y)
                .any(|run| run.len() as f64 >= NESTED_SHARE * g.members.len() as f64)
        })
        .collect()
}

/// Documents from this many near-duplicate clusters (a lone document is a
/// cluster of its own) sharing one passage verbatim make a template.
const TEMPLATE_CLUSTERS: usize = 3;

/// True for a template: a group joined by verbatim passages alone whose
/// documents belong to [`TEMPLATE_CLUSTERS`] or more near-duplicate clusters
/// is a passage recurring word for word in otherwise different documents (a
/// contact line, a daily bulletin's frame, a list of titles), not a story
/// told by several outlets (copies of one story are near-duplicates or
/// contain one another, and fall in one cluster).
fn is_template(
    g: &narrative::NarrativeGroup,
    spans: &SpanMap<'_>,
    cluster: &ahash::AHashMap<&str, usize>,
) -> bool {
    let cluster_of = |d: usize| -> usize {
        cluster
            .get(spans.docs[d].id.as_str())
            .copied()
            .unwrap_or(usize::MAX - d)
    };
    let mut cs: Vec<usize> = Vec::new();
    for m in &g.members {
        let c = cluster_of(m.doc);
        if !cs.contains(&c) {
            cs.push(c);
            if cs.len() >= TEMPLATE_CLUSTERS {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::nested_in_larger;
    use crate::narrative::{Member, NarrativeGroup};
    use crate::span::Span;

    fn group(members: &[(usize, usize, usize)]) -> NarrativeGroup {
        let members: Vec<Member> = members
            .iter()
            .map(|&(doc, s, e)| Member {
                doc,
                span: Span::new(s, e),
            })
            .collect();
        let mut docs: Vec<usize> = members.iter().map(|m| m.doc).collect();
        docs.dedup();
        NarrativeGroup {
            n_docs: docs.len(),
            label: Vec::new(),
            representative: members[0],
            links: 0,
            members,
        }
    }

    #[test]
    fn a_paragraph_of_a_story_grouped_apart_is_part_of_the_story() {
        // A wire story copied whole by four documents, and one of its
        // paragraphs grouped on its own (also quoted in a fifth document).
        let story = group(&[(0, 0, 2000), (1, 10, 2010), (2, 0, 1900), (3, 5, 2100)]);
        let paragraph = group(&[(0, 800, 1100), (1, 810, 1110), (2, 790, 1090), (4, 0, 300)]);
        // Another story in the same documents, elsewhere in their text.
        let other = group(&[(0, 2500, 2900), (1, 2600, 3000), (2, 2400, 2800)]);
        let nested = nested_in_larger(&[story, paragraph, other]);
        assert_eq!(nested, vec![false, true, false]);
        // Half the members inside is not enough; equal groups keep each other.
        let half = group(&[(0, 800, 1100), (1, 810, 1110), (5, 0, 300), (6, 0, 300)]);
        let same = group(&[(0, 0, 2000), (1, 10, 2010), (2, 0, 1900), (3, 5, 2100)]);
        let story = group(&[(0, 0, 2000), (1, 10, 2010), (2, 0, 1900), (3, 5, 2100)]);
        assert_eq!(nested_in_larger(&[story, half, same]), vec![false; 3]);
    }
}

#[cfg(test)]
mod cap_tests {
    use super::cap_links_per_pair;
    use crate::report::{Loc, NarrativeLink};

    fn link(a: &str, b: &str, start: usize, score: f64) -> NarrativeLink {
        let loc = |doc: &str| Loc {
            doc: doc.to_string(),
            start,
            end: start + 10,
            start_char: start,
            end_char: start + 10,
        };
        NarrativeLink {
            a: loc(a),
            b: loc(b),
            tokens_a: 10,
            tokens_b: 10,
            score,
            anchors: Vec::new(),
            anchors_b: Vec::new(),
            narrative: None,
        }
    }

    #[test]
    fn links_are_capped_per_pair_keeping_the_best_in_order() {
        let mut links = vec![
            link("x", "y", 0, 0.5),
            link("x", "y", 10, 0.9),
            link("x", "z", 0, 0.1),
            link("x", "y", 20, 0.7),
            link("x", "y", 30, 0.7),
        ];
        assert_eq!(cap_links_per_pair(&mut links, 2), 2);
        let kept: Vec<(&str, usize)> = links
            .iter()
            .map(|l| (l.b.doc.as_str(), l.a.start))
            .collect();
        // The best two of x–y (0.9, then the earlier of the two 0.7), and x–z.
        assert_eq!(kept, [("y", 10), ("z", 0), ("y", 20)]);
        assert_eq!(cap_links_per_pair(&mut links, 2), 0);
    }
}
