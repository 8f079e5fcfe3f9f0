//! Invariants every [`Report`] from `athar::pipeline::analyse` must satisfy.
//!
//! Shared (by `#[path]`) between the `pipeline` fuzz target and the
//! property tests of `tests/it/invariants.rs`, so both check the same contract.
//! Every check panics with a message naming the broken invariant.

use std::collections::{BTreeMap, BTreeSet};

use athar::corpus::Corpus;
use athar::report::{Loc, PassageKind, Relation, Report};
use athar::text::normalize::NormalizeOptions;
use athar::text::tokenize::Tokenizer;

/// Checks `report`, the result of analysing `corpus` with normalization
/// `norm`, against the report contract (see `docs/report-schema.md`).
pub fn check_report(corpus: &Corpus, norm: NormalizeOptions, report: &Report) {
    let check = Check::new(corpus, report);
    let mut tk = Tokenizer::new(norm);
    check.documents(&mut tk);
    let pairs = check.pairs();
    check.passages(&pairs);
    check.clusters();
    check.narratives();
    check.phrases(&mut tk);
    check.formula();

    // JSON round trip.
    let json = serde_json::to_string(report).expect("report serializes");
    let back: Report = serde_json::from_str(&json).expect("report deserializes");
    assert!(back == *report, "JSON round trip changed the report");
}

/// A report and the corpus it was made from, one check per section.
struct Check<'a> {
    corpus: &'a Corpus,
    report: &'a Report,
    /// Input position of every analysed document.
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Check<'a> {
    fn new(corpus: &'a Corpus, report: &'a Report) -> Check<'a> {
        let index: BTreeMap<&str, usize> = corpus
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        assert_eq!(index.len(), corpus.documents.len(), "corpus ids not unique");
        Check {
            corpus,
            report,
            index,
        }
    }

    fn text(&self, id: &str) -> &'a str {
        &self.corpus.documents[self.index[id]].text
    }

    fn at(&self, id: &str) -> usize {
        *self
            .index
            .get(id)
            .unwrap_or_else(|| panic!("report names unknown document {id:?}"))
    }

    /// Every location slices its document on character boundaries, with
    /// the right character offsets.
    fn loc(&self, l: &Loc, what: &str) {
        let t = self.text(&l.doc);
        assert!(
            l.start <= l.end && l.end <= t.len(),
            "{what}: {l:?} outside {} bytes",
            t.len()
        );
        assert!(
            t.is_char_boundary(l.start) && t.is_char_boundary(l.end),
            "{what}: {l:?} not on char boundaries"
        );
        assert_eq!(
            l.start_char,
            t[..l.start].chars().count(),
            "{what}: {l:?} start_char"
        );
        assert_eq!(
            l.end_char,
            t[..l.end].chars().count(),
            "{what}: {l:?} end_char"
        );
    }

    fn documents(&self, tk: &mut Tokenizer) {
        // Documents and summary.
        let ids: Vec<&str> = self
            .report
            .documents
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        let expected: Vec<&str> = self
            .corpus
            .documents
            .iter()
            .map(|d| d.id.as_str())
            .chain(self.corpus.skipped.iter().map(|s| s.id.as_str()))
            .collect();
        assert_eq!(ids, expected, "documents not in input order");
        let s = &self.report.summary;
        assert_eq!(s.analysed, self.corpus.documents.len());
        assert_eq!(s.skipped, self.corpus.skipped.len());
        assert_eq!(s.documents_read, s.analysed + s.skipped);
        let bytes: u64 = self
            .corpus
            .documents
            .iter()
            .map(|d| d.text.len() as u64)
            .sum();
        assert_eq!(s.bytes, bytes, "summary bytes");
        let tokens: u64 = self.report.documents.iter().map(|d| d.tokens as u64).sum();
        assert_eq!(s.tokens, tokens, "summary tokens");
        for (d, entry) in self.corpus.documents.iter().zip(&self.report.documents) {
            assert_eq!(entry.bytes, d.text.len() as u64);
            assert_eq!(
                entry.tokens,
                tk.tokenize(&d.text).len(),
                "token count of {}",
                d.id
            );
        }
    }

    /// Returns the pairs, by input positions.
    fn pairs(&self) -> BTreeSet<(usize, usize)> {
        // Pairs: a before b, unique, ratios in range, passages counted.
        let mut seen = BTreeSet::new();
        for p in &self.report.pairs {
            let (a, b) = (self.at(&p.a), self.at(&p.b));
            assert!(a < b, "pair {} / {} not in input order", p.a, p.b);
            assert!(seen.insert((a, b)), "pair {} / {} listed twice", p.a, p.b);
            for x in [p.jaccard, p.containment_a, p.containment_b] {
                assert!((0.0..=1.0).contains(&x), "pair ratio {x} out of range");
            }
            let verbatim = self
                .report
                .passages
                .iter()
                .filter(|q| {
                    matches!(
                        q.kind,
                        PassageKind::Verbatim | PassageKind::Mixed | PassageKind::Reworded
                    ) && q.a.doc == p.a
                        && q.b.doc == p.b
                })
                .count();
            assert_eq!(p.passages, verbatim, "pair {} / {} passage count", p.a, p.b);
        }
        for w in self.report.pairs.windows(2) {
            assert!(w[0].jaccard >= w[1].jaccard, "pairs not sorted by Jaccard");
        }

        seen
    }

    /// `pairs`: the pairs, by input positions.
    fn passages(&self, pairs: &BTreeSet<(usize, usize)>) {
        // Passages.
        for p in &self.report.passages {
            self.loc(&p.a, "passage a");
            self.loc(&p.b, "passage b");
            let (a, b) = (self.at(&p.a.doc), self.at(&p.b.doc));
            assert!(a <= b, "passage {p:?}: a.doc after b.doc");
            assert!((0.0..=1.0).contains(&p.score), "passage score {}", p.score);
            match p.kind {
                PassageKind::Repeat => {
                    assert_eq!(a, b, "repeat across documents");
                    assert!(p.a.start < p.b.start, "repeat {p:?}: a not before b");
                    // The token ranges are disjoint, but the byte spans may
                    // share one span holding several tokens (ﷺ cut between the
                    // copies), so only the starts are ordered.
                }
                PassageKind::Verbatim | PassageKind::Mixed | PassageKind::Reworded => {
                    assert!(a < b, "passage inside one document");
                    assert!(
                        pairs.contains(&(a, b)),
                        "verbatim passage {p:?} without its pair"
                    );
                }
                PassageKind::Narrative => {}
            }
            if p.kind != PassageKind::Narrative {
                assert!(p.tokens_a > 0 && p.tokens_b > 0, "empty passage {p:?}");
                assert!(
                    p.a.start < p.a.end && p.b.start < p.b.end,
                    "empty span {p:?}"
                );
            }
        }
        let key = |p: &athar::report::Passage| {
            (
                self.at(&p.a.doc),
                p.a.start,
                self.at(&p.b.doc),
                p.b.start,
                p.kind,
            )
        };
        for w in self.report.passages.windows(2) {
            assert!(
                key(&w[0]) <= key(&w[1]),
                "passages not sorted: {:?} then {:?}",
                w[0],
                w[1]
            );
        }
    }

    fn clusters(&self) {
        // Clusters: ids 1..n, members in input order, unique, disjoint,
        // connected by kept pairs, numbered by smallest member.
        let mut clustered = BTreeMap::new();
        let mut firsts = Vec::new();
        for (i, c) in self.report.clusters.iter().enumerate() {
            assert_eq!(c.id, i + 1, "cluster ids not 1..n");
            assert!(c.members.len() >= 2, "singleton cluster {}", c.id);
            let m: Vec<usize> = c.members.iter().map(|id| self.at(id)).collect();
            assert!(
                m.windows(2).all(|w| w[0] < w[1]),
                "cluster {} members not sorted/unique",
                c.id
            );
            assert!(
                c.members.contains(&c.representative),
                "representative outside cluster"
            );
            for &d in &m {
                assert!(
                    clustered.insert(d, c.id).is_none(),
                    "clusters overlap at {d}"
                );
            }
            firsts.push(m[0]);
        }
        assert!(
            firsts.windows(2).all(|w| w[0] < w[1]),
            "clusters not numbered by first member"
        );
        // Kept pairs (near-duplicate or contained) join exactly the clusters.
        let mut parent: Vec<usize> = (0..self.corpus.documents.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for p in &self.report.pairs {
            let (a, b) = (self.at(&p.a), self.at(&p.b));
            if p.relation != Relation::SharesPassages {
                assert!(
                    clustered.contains_key(&a) && clustered.get(&a) == clustered.get(&b),
                    "kept pair {} / {} not in one cluster",
                    p.a,
                    p.b
                );
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                parent[ra] = rb;
            }
        }
        for c in &self.report.clusters {
            let roots: BTreeSet<usize> = c
                .members
                .iter()
                .map(|id| find(&mut parent, self.at(id)))
                .collect();
            assert_eq!(
                roots.len(),
                1,
                "cluster {} not connected by its pairs",
                c.id
            );
        }
    }

    fn narratives(&self) {
        // Narratives.
        for (i, n) in self.report.narratives.iter().enumerate() {
            assert_eq!(n.id, i + 1, "narrative ids not 1..n");
            assert!(
                n.representative < n.members.len(),
                "narrative representative out of range"
            );
            for m in &n.members {
                self.loc(m, "narrative member");
            }
            let docs: BTreeSet<usize> = n.members.iter().map(|m| self.at(&m.doc)).collect();
            assert_eq!(n.docs, docs.len(), "narrative {} document count", n.id);
            let order: Vec<(usize, usize)> = n
                .members
                .iter()
                .map(|m| (self.at(&m.doc), m.start))
                .collect();
            assert!(
                order.windows(2).all(|w| w[0] <= w[1]),
                "narrative {} members not ordered",
                n.id
            );
        }
    }

    fn phrases(&self, tk: &mut Tokenizer) {
        // Phrases: every occurrence reads as the phrase, once per document
        // (also when the phrase touches a span holding several tokens, like ﷺ).
        let words = |tk: &mut Tokenizer, s: &str| -> Vec<String> {
            tk.tokenize(s).iter().map(|(w, _)| w.to_string()).collect()
        };
        for p in &self.report.phrases {
            let want = words(tk, &p.text);
            assert_eq!(want.len(), p.tokens, "phrase {:?} token count", p.text);
            assert!(
                p.occurrences.len() <= p.docs && p.docs >= 2,
                "phrase {:?} docs",
                p.text
            );
            let mut docs = BTreeSet::new();
            for o in &p.occurrences {
                self.loc(o, "phrase occurrence");
                assert!(
                    docs.insert(o.doc.as_str()),
                    "phrase {:?} twice in {}",
                    p.text,
                    o.doc
                );
                let got = words(tk, &self.text(&o.doc)[o.start..o.end]);
                assert_eq!(got, want, "phrase occurrence {o:?} reads differently");
            }
        }
    }

    fn formula(&self) {
        for f in &self.report.formula {
            assert!(
                f.docs >= 2 && f.docs <= self.corpus.documents.len(),
                "formula docs {}",
                f.docs
            );
            assert!((0.0..=1.0).contains(&f.fraction));
            self.loc(&f.example, "formula example");
            assert_eq!(
                &self.text(&f.example.doc)[f.example.start..f.example.end],
                f.text
            );
        }
    }
}
