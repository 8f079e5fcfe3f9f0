//! Grouping passages into narratives.

use std::collections::HashMap;

use rayon::prelude::*;

use super::model::Model;
use super::{Link, Member, NarrativeGroup, NarrativeParams};
use crate::cluster::UnionFind;

/// Passages of one document compared with each new one while grouping; a
/// document with more open (mutually overlapping) passages compares only the
/// latest ones, which keeps grouping linear.
pub(super) const MAX_OPEN_PASSAGES: usize = 64;

/// Join passages that overlap within a document into narratives across
/// documents, without labels and on links alone ([`NarrativeIndex::group`](super::NarrativeIndex::group)
/// labels them and drops members that do not hold a group's terms).
///
/// `links` may mix narrative links from [`find_links`](super::find_links) and verbatim passage
/// pairs from alignment (build a [`Link`] with empty `terms`). Every link
/// endpoint is a passage; passages of one document that overlap are joined,
/// and so are the two passages of a link. Groups spanning at least two
/// documents are returned, sorted by their first member.
pub fn group(links: &[Link]) -> Vec<NarrativeGroup> {
    group_with(links, None)
}

/// [`group`], with labels when the model is given.
pub(super) fn group_with(
    links: &[Link],
    labels: Option<(&Model, &NarrativeParams)>,
) -> Vec<NarrativeGroup> {
    let ends: Vec<Member> = links
        .iter()
        .flat_map(|l| {
            [
                Member {
                    doc: l.a.0,
                    span: l.a.1,
                },
                Member {
                    doc: l.b.0,
                    span: l.b.1,
                },
            ]
        })
        .collect();
    let root = passages(&ends);
    let star_of = stars(&ends, links, &root);
    let keep = match labels {
        Some((model, params)) => anchored(model, params, &ends, &root, &star_of),
        None => vec![true; ends.len()],
    };
    let mut uf = UnionFind::new(ends.len());
    for i in 0..ends.len() as u32 {
        let star = star_of[root[i as usize] as usize];
        if star != u32::MAX && keep[i as usize] {
            uf.union(i, star);
        }
    }
    let mut groups: Vec<NarrativeGroup> = uf
        .groups(2)
        .into_par_iter()
        .filter_map(|nodes| narrative_group(&nodes, &ends, links, labels))
        .collect();
    groups.sort_by(|x, y| x.members.cmp(&y.members));
    groups
}

/// Step 1 of [`group_with`], passages: link ends of one document that cover
/// much the same text (their overlap is at least half of the longer one)
/// are one passage. Returns the passage (a representative end) of each end.
fn passages(ends: &[Member]) -> Vec<u32> {
    let mut same = UnionFind::new(ends.len());
    let mut order: Vec<u32> = (0..ends.len() as u32).collect();
    order.sort_by_key(|&i| (ends[i as usize], i));
    let mut active: Vec<u32> = Vec::new(); // passages of the current document still open
    for &i in &order {
        let m = ends[i as usize];
        active.retain(|&j| {
            let a = ends[j as usize];
            a.doc == m.doc && a.span.end() > m.span.start()
        });
        for &j in &active {
            let a = ends[j as usize].span;
            let overlap = a.end().min(m.span.end()) - m.span.start().max(a.start());
            if 2 * overlap >= a.len().max(m.span.len()) {
                same.union(j, i);
            }
        }
        active.push(i);
        if active.len() > MAX_OPEN_PASSAGES {
            active.remove(0);
        }
    }
    (0..ends.len() as u32).map(|i| same.find(i)).collect()
}

/// Step 2 of [`group_with`], star clustering over the passage graph: the
/// passage with the most links (ties: the earliest) and its direct partners
/// form a group, then the next among those left. Connected components would
/// chain stories through generic passages (greetings, official titles) into
/// one giant group; a star never reaches further than one link from its
/// centre. Returns the star (its centre) of each passage, `u32::MAX` for a
/// passage left over (all its partners taken by other stars): it stays out,
/// a group never grows through a chain of single links.
fn stars(ends: &[Member], links: &[Link], root: &[u32]) -> Vec<u32> {
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); ends.len()];
    for k in 0..links.len() {
        let (x, y) = (root[2 * k], root[2 * k + 1]);
        if x != y {
            adjacency[x as usize].push(y);
            adjacency[y as usize].push(x);
        }
    }
    for adj in &mut adjacency {
        adj.sort_unstable();
        adj.dedup();
    }
    let mut centres: Vec<u32> = (0..ends.len() as u32)
        .filter(|&i| root[i as usize] == i && !adjacency[i as usize].is_empty())
        .collect();
    centres.sort_by_key(|&i| {
        (
            std::cmp::Reverse(adjacency[i as usize].len()),
            ends[i as usize],
            i,
        )
    });
    let mut taken = vec![false; ends.len()];
    let mut star_of = vec![u32::MAX; ends.len()];
    for &c in &centres {
        if taken[c as usize] {
            continue;
        }
        let free: Vec<u32> = adjacency[c as usize]
            .iter()
            .copied()
            .filter(|&n| !taken[n as usize])
            .collect();
        if free.is_empty() {
            continue;
        }
        for &n in free.iter().chain(std::iter::once(&c)) {
            taken[n as usize] = true;
            star_of[n as usize] = c;
        }
    }
    star_of
}

/// Step 3 of [`group_with`], anchors: a star is a story only when its centre
/// shares anchors (rare terms: names, places, figures) with its partners,
/// and a partner stays only when it holds two of the star's anchors (the
/// centre stays when a partner does). The star's anchors are the anchor
/// terms found in the most of its documents, heaviest first
/// ([`LABEL_TERMS`] of them). A star whose passages share fewer than two
/// anchors is a topic (common words: `percent, riyal`) or a formula
/// (titles, greetings): it is not reported. Returns whether each end stays.
fn anchored(
    model: &Model,
    params: &NarrativeParams,
    ends: &[Member],
    root: &[u32],
    star_of: &[u32],
) -> Vec<bool> {
    let mut keep = vec![true; ends.len()];
    let mut by_star: Vec<(u32, u32)> = (0..ends.len() as u32)
        .filter_map(|i| {
            let star = star_of[root[i as usize] as usize];
            (star != u32::MAX).then_some((star, i))
        })
        .collect();
    by_star.sort_unstable();
    let stars: Vec<&[(u32, u32)]> = by_star.chunk_by(|x, y| x.0 == y.0).collect();
    let verdicts: Vec<Vec<(u32, bool)>> = stars
        .into_par_iter()
        .map(|star| star_verdicts(model, params, star, root, ends))
        .collect();
    for (i, ok) in verdicts.into_iter().flatten() {
        keep[i as usize] = ok;
    }
    keep
}

/// The group of link ends `nodes`: its members (overlapping spans of one
/// document merged), its representative and its label; `None` when it
/// spans one document only.
fn narrative_group(
    nodes: &[u32],
    ends: &[Member],
    links: &[Link],
    labels: Option<(&Model, &NarrativeParams)>,
) -> Option<NarrativeGroup> {
    let mut members: Vec<Member> = nodes.iter().map(|&i| ends[i as usize]).collect();
    members.sort();
    // Merge overlapping spans of one document.
    let mut merged: Vec<Member> = Vec::new();
    for m in members {
        match merged.last_mut() {
            Some(last) if last.doc == m.doc && m.span.start() < last.span.end() => {
                last.span = last.span.cover(m.span);
            }
            _ => merged.push(m),
        }
    }
    let mut doc_ids: Vec<usize> = merged.iter().map(|m| m.doc).collect();
    doc_ids.dedup();
    if doc_ids.len() < 2 {
        return None;
    }
    // Representative: the merged member touched by the most score.
    let link_ids: Vec<usize> = {
        let mut v: Vec<usize> = nodes.iter().map(|&i| i as usize / 2).collect();
        v.dedup();
        v
    };
    // Each link counts once for every merged member one of its ends
    // overlaps (members of one document are disjoint and sorted).
    let mut touched = vec![0.0f32; merged.len()];
    let mut hit: Vec<usize> = Vec::new();
    for &k in &link_ids {
        let l = &links[k];
        hit.clear();
        for (doc, span) in [l.a, l.b] {
            let from = merged.partition_point(|m| (m.doc, m.span.end()) <= (doc, span.start()));
            hit.extend(
                (from..merged.len())
                    .take_while(|&x| merged[x].doc == doc && merged[x].span.start() < span.end())
                    .filter(|&x| merged[x].span.overlaps(span)),
            );
        }
        hit.sort_unstable();
        hit.dedup();
        for &x in &hit {
            touched[x] += 1.0 + l.score;
        }
    }
    let mut best = (f32::MIN, merged[0]);
    for (x, &m) in merged.iter().enumerate() {
        if touched[x] > best.0 {
            best = (touched[x], m);
        }
    }
    let label = labels
        .map(|(model, params)| group_label(model, &merged, best.1, params))
        .unwrap_or_default();
    Some(NarrativeGroup {
        n_docs: doc_ids.len(),
        representative: best.1,
        members: merged,
        label,
        links: link_ids.len(),
    })
}

/// Which link ends of one star (`(centre, end)` pairs) stay in it: those
/// holding two of the star's anchors, the centre when any partner does.
fn star_verdicts(
    model: &Model,
    params: &NarrativeParams,
    star: &[(u32, u32)],
    root: &[u32],
    ends: &[Member],
) -> Vec<(u32, bool)> {
    let c = star[0].0;
    let mut core: Vec<Member> = star.iter().map(|&(_, i)| ends[i as usize]).collect();
    core.sort_unstable();
    core.dedup();
    let anchors: Vec<u32> = ranked_terms(model, &core, Some(ends[c as usize]), params)
        .into_iter()
        .filter(|&(t, _)| model.is_anchor(t, params))
        .take(LABEL_TERMS)
        .map(|(t, _)| t)
        .collect();
    let need = MEMBER_ANCHORS.min(anchors.len());
    let holds = |m: Member| {
        anchors.len() >= MEMBER_ANCHORS && evidence_in(model, m, &anchors, params).len() >= need
    };
    let mut verdicts: Vec<(u32, bool)> = star
        .iter()
        .map(|&(_, i)| (i, root[i as usize] != c && holds(ends[i as usize])))
        .collect();
    let any = verdicts.iter().any(|v| v.1);
    for v in &mut verdicts {
        if root[v.0 as usize] == c {
            v.1 = any;
        }
    }
    verdicts
}

/// Anchors of its star a member must hold.
const MEMBER_ANCHORS: usize = 2;

/// Where a label term was seen: (in the representative, doc, content index).
pub(super) type Occurrence = (bool, usize, usize);

/// Number of terms in a label (and in a star's evidence).
pub(super) const LABEL_TERMS: usize = 4;

/// Distinctive content terms inside `m` (tokens wholly within its span), in
/// text order with their content index.
pub(super) fn member_terms<'m>(
    model: &'m Model,
    m: Member,
    params: &'m NarrativeParams,
) -> impl Iterator<Item = (u32, usize)> + 'm {
    let c = model.content.get(m.doc);
    let from = c.map_or(0, |c| {
        c.spans
            .partition_point(|s| (s[0] as usize) < m.span.start())
    });
    let to = c.map_or(0, |c| c.len());
    (from..to)
        .map_while(move |k| {
            let c = c?;
            let sp = c.span(k);
            (sp.start() < m.span.end()).then_some((k, sp))
        })
        .filter(move |&(_, sp)| sp.end() <= m.span.end())
        .filter_map(move |(k, _)| {
            let t = model.content[m.doc].terms[k];
            (model.weights[t as usize] >= params.min_term_weight).then_some((t, k))
        })
}

/// The distinct `terms` that occur in passage `m`, sorted.
pub(super) fn evidence_in(
    model: &Model,
    m: Member,
    terms: &[u32],
    params: &NarrativeParams,
) -> Vec<u32> {
    let mut seen: Vec<u32> = member_terms(model, m, params)
        .map(|(t, _)| t)
        .filter(|t| terms.contains(t))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen
}

/// The distinctive terms of `members` (sorted by document) found in at least
/// two of their documents: most documents first, then heaviest, each with
/// where it was first seen (in `rep` when it occurs there).
pub(super) fn ranked_terms(
    model: &Model,
    members: &[Member],
    rep: Option<Member>,
    params: &NarrativeParams,
) -> Vec<(u32, Occurrence)> {
    // term -> (documents containing it, first (doc, content index))
    let mut stats: HashMap<u32, (Vec<usize>, Occurrence)> = HashMap::new();
    for m in members {
        let is_rep = Some(*m) == rep;
        for (t, k) in member_terms(model, *m, params) {
            let e = stats.entry(t).or_insert((Vec::new(), (false, m.doc, k)));
            if e.0.last() != Some(&m.doc) {
                e.0.push(m.doc);
            }
            if is_rep && !e.1.0 {
                e.1 = (true, m.doc, k);
            }
        }
    }
    let mut ranked: Vec<(u32, usize, f32, Occurrence)> = stats
        .into_iter()
        .map(|(t, (ds, first))| (t, ds.len(), model.weights[t as usize], first))
        .filter(|&(_, n, _, _)| n >= 2)
        .collect();
    ranked.sort_by(|x, y| y.1.cmp(&x.1).then(y.2.total_cmp(&x.2)).then(x.0.cmp(&y.0)));
    ranked.into_iter().map(|(t, _, _, o)| (t, o)).collect()
}

/// The label of a group: the stems found in the most member documents,
/// heaviest first, spelled as in the representative (or first) member.
pub(super) fn group_label(
    model: &Model,
    members: &[Member],
    rep: Member,
    params: &NarrativeParams,
) -> Vec<String> {
    ranked_terms(model, members, Some(rep), params)
        .into_iter()
        .filter(|&(t, _)| model.is_anchor(t, params))
        .take(LABEL_TERMS)
        .map(|(_, (_, doc, k))| {
            model.content[doc]
                .span(k)
                .slice(model.texts[doc])
                .to_string()
        })
        .collect()
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn group_joins_overlapping_passages() {
        let l = |a: (usize, usize, usize), b: (usize, usize, usize)| Link {
            a: (a.0, Span::new(a.1, a.2)),
            b: (b.0, Span::new(b.1, b.2)),
            tokens_a: 1,
            tokens_b: 1,
            score: 0.5,
            terms: vec![],
            terms_b: vec![],
        };
        // Doc 1's passages 5..20 and 8..30 cover much the same text (overlap
        // 12 of 22 bytes): one passage. 40..60 only touches 55..70 of a
        // link elsewhere, so doc 5 does not chain into the group.
        let links = vec![
            l((0, 0, 10), (1, 5, 20)),
            l((1, 8, 30), (2, 0, 8)),
            l((3, 0, 5), (4, 0, 5)),
            l((2, 6, 40), (5, 0, 9)),
        ];
        let g = group(&links);
        assert_eq!(g.len(), 3, "{g:?}");
        assert_eq!(g[0].n_docs, 3);
        assert_eq!(
            g[0].members,
            vec![
                Member {
                    doc: 0,
                    span: Span::new(0, 10)
                },
                Member {
                    doc: 1,
                    span: Span::new(5, 30)
                },
                Member {
                    doc: 2,
                    span: Span::new(0, 8)
                },
            ]
        );
        assert_eq!(g[0].links, 2);
        assert!(g.iter().all(|x| x.n_docs == 2 || x.n_docs == 3));
        assert!(
            !g[0].members.iter().any(|m| m.doc == 5),
            "no chaining by a touch"
        );
    }
}
