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
    may_link: &dyn Fn(usize, usize) -> bool,
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
    // Reference mode, outlets: only the links `may_link` allows.
    links.retain(|l| may_link(l.a.0, l.b.0));
    if let Some(days) = config.narrative_days {
        links.retain(|l| direction::within_days(dates, l.a.0, l.b.0, days));
        // Late in the window, the story must show beyond the passage.
        links.retain(|l| {
            direction::within_days(dates, l.a.0, l.b.0, days * DISTANT_SHARE)
                || index.context(l) >= DISTANT_CONTEXT
        });
    }
    let mut all = verbatim;
    all.extend(links.iter().cloned());
    let groups = index.group(&all);
    let group_of = group_of_links(&groups, &links);
    // A story's links lie within the window of its centre, and its copies
    // follow within the window too: over more than twice it, a group recurs.
    let recurring = |g: &narrative::NarrativeGroup| {
        config
            .narrative_days
            .is_some_and(|days| recurs(g, dates, 2.0 * days))
    };
    let (groups, inside, group_of) =
        without_templates(groups, group_of, clusters, spans, &recurring);
    let narrative_links = link_entries(&links, &group_of, spans);
    let narratives = narrative_entries(&groups, &inside, spans);
    (narrative_links, narratives)
}

/// Share of the narrative window (`--narrative-days`) beyond which a link
/// is *late* (36 hours with the default two days).
pub const DISTANT_SHARE: f64 = 0.75;

/// Context ([`NarrativeIndex::context`]: word anchors shared outside the
/// linked passages) that a late link ([`DISTANT_SHARE`]) needs. A story
/// travels between outlets within a day or so; a subject's background
/// paragraph, a club's names or a bulletin's frame come back every day, and
/// a link days apart is a story only when the two articles share more of
/// it than one passage.
pub const DISTANT_CONTEXT: usize = 2;

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

/// The groups without templates ([`is_template`], and `recurring` ones: see
/// [`recurs`]) and without verbatim groups that are part of another's story
/// ([`nested_in_larger`], [`retold_in_larger`]; a group holding a narrative
/// link is never a template nor part of another), numbered again, with the
/// narrative links inside each and the new group of each link.
fn without_templates(
    groups: Vec<narrative::NarrativeGroup>,
    group_of: Vec<Option<usize>>,
    clusters: &[Cluster],
    spans: &SpanMap<'_>,
    recurring: &dyn Fn(&narrative::NarrativeGroup) -> bool,
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
    let verbatim: Vec<bool> = inside.iter().map(|&n| n == 0).collect();
    let retold = retold_in_larger(&groups, &verbatim);
    let keep: Vec<bool> = groups
        .iter()
        .zip(&inside)
        .zip(nested.iter().zip(&retold))
        .map(|((g, &n), (&nested, &retold))| {
            !recurring(g) && (n > 0 || !(nested || retold || is_template(g, spans, &cluster)))
        })
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
    let at = members_by_doc(groups);
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
                let mut hosts: Vec<usize> = in_doc(&at, m.doc)
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

/// Every member of `groups` as `(doc, start, end, group)`, sorted.
fn members_by_doc(groups: &[narrative::NarrativeGroup]) -> Vec<(usize, usize, usize, usize)> {
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
    at
}

/// The entries of [`members_by_doc`] in document `doc`.
fn in_doc(at: &[(usize, usize, usize, usize)], doc: usize) -> &[(usize, usize, usize, usize)] {
    let lo = at.partition_point(|x| x.0 < doc);
    let hi = at.partition_point(|x| x.0 <= doc);
    &at[lo..hi]
}

/// Per group, whether it is a verbatim group (`verbatim[i]`: joined by
/// copies alone) whose story another group tells too: a group with
/// narrative links, with at least as many documents, that has a passage
/// inside at least [`NESTED_SHARE`] of its members (so holds about that
/// share of its documents), and has at least that share of its own members
/// inside them (a
/// group of many more documents, a subject or a daily bulletin over several
/// days, is another narrative). A wire story copied whole by many outlets is grouped once by
/// its copies and once more by the passages that a retelling in another
/// outlet links to in each copy; the second group is the story with its
/// retelling, and one story is listed once.
fn retold_in_larger(groups: &[narrative::NarrativeGroup], verbatim: &[bool]) -> Vec<bool> {
    let at = members_by_doc(groups);
    groups
        .par_iter()
        .enumerate()
        .map(|(i, g)| {
            if !verbatim[i] {
                return false;
            }
            // Per other group with links, (group, member of `g`) for each of
            // its members inside a member of `g` (members of one document do
            // not overlap, so each lies inside one at most).
            let mut held: Vec<(usize, usize)> = Vec::new();
            for (j, m) in g.members.iter().enumerate() {
                let (s, e) = (m.span.start(), m.span.end());
                held.extend(
                    in_doc(&at, m.doc)
                        .iter()
                        .filter(|x| x.3 != i && !verbatim[x.3] && s <= x.1 && x.2 <= e)
                        .map(|x| (x.3, j)),
                );
            }
            held.sort_unstable();
            held.chunk_by(|x, y| x.0 == y.0).any(|run| {
                let other = &groups[run[0].0];
                let mut holding: Vec<usize> = run.iter().map(|x| x.1).collect();
                holding.dedup();
                // Most of each group lies in the other: the same documents,
                // the same place in them.
                holding.len() as f64 >= NESTED_SHARE * g.members.len() as f64
                    && run.len() as f64 >= NESTED_SHARE * other.members.len() as f64
                    && other.n_docs >= g.n_docs
            })
        })
        .collect()
}

/// True when the dated documents of group `g` were published more than
/// `days` apart (first to last). The pipeline asks it with twice the
/// narrative window (`--narrative-days`): a story's links lie within the
/// window of its centre and its copies follow within days, while a text
/// published again and again over a longer time (a daily weather bulletin,
/// copied word for word and so alike that all its days fall in one
/// near-duplicate cluster; a camp's daily training reports; a programme
/// announced all month) is a template or a topic.
fn recurs(g: &narrative::NarrativeGroup, dates: &[Option<i64>], days: f64) -> bool {
    let mut dated = g
        .members
        .iter()
        .filter_map(|m| dates.get(m.doc).copied().flatten());
    let Some(first) = dated.next() else {
        return false;
    };
    let (lo, hi) = dated.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    (hi - lo) as f64 > days * 86_400.0
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
    use super::{nested_in_larger, recurs, retold_in_larger};
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

    /// A weather bulletin copied word for word by the same outlets every day
    /// recurs; one story copied over two days does not; undated documents
    /// never recur.
    #[test]
    fn a_text_published_over_more_than_the_window_recurs() {
        let day = 86_400;
        let dates: Vec<Option<i64>> =
            vec![Some(0), Some(day / 2), Some(2 * day), Some(7 * day), None];
        let bulletin = group(&[(0, 0, 100), (1, 0, 100), (3, 0, 100)]);
        let story = group(&[(0, 0, 100), (1, 0, 100), (2, 0, 100)]);
        let undated = group(&[(0, 0, 100), (4, 0, 100)]);
        assert!(recurs(&bulletin, &dates, 2.0));
        assert!(!recurs(&bulletin, &dates, 7.0));
        assert!(!recurs(&story, &dates, 2.0));
        assert!(recurs(&story, &dates, 1.0));
        assert!(!recurs(&undated, &dates, 0.5));
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

    #[test]
    fn a_story_copied_whole_and_retold_is_listed_once() {
        // A wire story copied whole by four documents (a verbatim group),
        // and the passages of each copy that a retelling in a fifth
        // document links to (a group with links).
        let copies = group(&[(0, 0, 2000), (1, 10, 2010), (2, 0, 1900), (3, 5, 2100)]);
        let retold = group(&[
            (0, 800, 1100),
            (1, 810, 1110),
            (2, 790, 1090),
            (3, 700, 1000),
            (4, 0, 300),
        ]);
        let verbatim = [true, false];
        assert_eq!(
            retold_in_larger(&[copies.clone(), retold.clone()], &verbatim),
            vec![true, false]
        );
        // Three of the four copies retold are the same story (the fourth
        // copy is listed with the pairs)…
        let partial = group(&[(0, 800, 1100), (1, 810, 1110), (2, 790, 1090), (4, 0, 300)]);
        assert_eq!(
            retold_in_larger(&[copies.clone(), partial], &verbatim),
            vec![true, false]
        );
        // …two of them are not: only when the group with links has a passage
        // in three of four copies…
        let half = group(&[(0, 800, 1100), (1, 810, 1110), (4, 0, 300), (5, 0, 300)]);
        // A group of many more documents is another narrative.
        let wider = group(&[
            (0, 800, 1100),
            (1, 810, 1110),
            (2, 790, 1090),
            (3, 700, 1000),
            (4, 0, 300),
            (5, 0, 300),
            (6, 0, 300),
        ]);
        assert_eq!(
            retold_in_larger(&[copies.clone(), wider], &verbatim),
            vec![false; 2]
        );
        assert_eq!(
            retold_in_larger(&[copies.clone(), half], &verbatim),
            vec![false; 2]
        );
        // …is itself told by links, and lies inside the copies.
        assert_eq!(
            retold_in_larger(&[copies.clone(), retold.clone()], &[true, true]),
            vec![false; 2]
        );
        let elsewhere = group(&[
            (0, 2500, 2900),
            (1, 2600, 3000),
            (2, 2400, 2800),
            (3, 2200, 2600),
            (4, 0, 300),
        ]);
        assert_eq!(
            retold_in_larger(&[copies, elsewhere], &verbatim),
            vec![false; 2]
        );
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
