//! Near-duplicate clusters and similar pairs.

use std::io::{self, Write};

use super::{
    MAX_SIGHTINGS, MAX_WEAK_PAIRS, MIN_SNIPPET_CHARS, PairPassages, TextRenderer, WIDTH, terms,
    wrap,
};
use crate::report::{
    Pair, PassageKind, Relation, Sighting, clusters_by_size, contained_pairs, floor_pct, floor2,
    longest_passage, passages_by_pair, pct, plural, shown, snippet, split_pairs, thousands,
    weak_pairs_summary,
};

impl TextRenderer<'_> {
    pub(super) fn clusters(&self, w: &mut dyn Write) -> io::Result<()> {
        let cs = clusters_by_size(self.report);
        let docs: usize = cs.iter().map(|c| c.members.len()).sum();
        self.section(
            w,
            "Near-duplicate clusters",
            &format!(
                "{}, {}; biggest first",
                thousands(cs.len()),
                plural(docs, "document", "documents")
            ),
        )?;
        if cs.is_empty() {
            return self.empty(
                w,
                "None: no group of documents are near-duplicates of each other.",
            );
        }
        self.note(
            w,
            "  ",
            "Documents linked by near-duplicate or contained pairs. Each cluster is quoted from the \
             start of its representative (*), the member most similar to the others.",
        )?;
        let n = shown(cs.len(), self.top);
        for c in &cs[..n] {
            let head = format!("  #{:<4}{:>3} docs  ", c.id, c.members.len());
            let room = WIDTH
                .saturating_sub(head.chars().count() + 2)
                .max(MIN_SNIPPET_CHARS);
            writeln!(w, "{head}{}", self.doc_quote(&c.representative, room))?;
            let ids: Vec<&str> = c.members.iter().map(String::as_str).collect();
            self.ids(w, "        ", &ids, Some(&c.representative))?;
            self.propagation(w, &c.propagation)?;
        }
        self.more(w, "  ", cs.len(), n, "")
    }

    /// "first seen at X (date), then Y after 2 h, Z after 1 day": the
    /// cluster's dated members, earliest first (nothing without dates).
    fn propagation(&self, w: &mut dyn Write, seen: &[Sighting]) -> io::Result<()> {
        let Some(first) = seen.first() else {
            return Ok(());
        };
        let name = |s: &Sighting| s.outlet.clone().unwrap_or_else(|| s.doc.clone());
        let mut line = format!("first seen at {} ({})", name(first), first.date);
        let later = &seen[1..];
        for (i, s) in later.iter().take(MAX_SIGHTINGS).enumerate() {
            line.push_str(if i == 0 { ", then " } else { ", " });
            if s.after_seconds == 0 {
                line.push_str(&format!("{} at the same time", name(s)));
            } else {
                line.push_str(&format!(
                    "{} after {}",
                    name(s),
                    crate::direction::delay_words(s.after_seconds)
                ));
            }
        }
        if later.len() > MAX_SIGHTINGS {
            line.push_str(&format!(", +{} more", later.len() - MAX_SIGHTINGS));
        }
        for l in wrap(&line, WIDTH - 8) {
            writeln!(w, "        {}", self.st.dim(&l))?;
        }
        Ok(())
    }

    /// Which outlet's documents are found in which other's, when the input
    /// gave outlets and dates (no section otherwise).
    pub(super) fn outlet_flows(&self, w: &mut dyn Write) -> io::Result<()> {
        let flows = &self.report.outlet_flows;
        if flows.is_empty() {
            return Ok(());
        }
        let total: usize = flows.iter().map(|f| f.pairs).sum();
        self.section(
            w,
            "Outlets",
            &format!(
                "{} with a direction; who is copied by whom most often",
                plural(total, "copy", "copies")
            ),
        )?;
        let n = shown(flows.len(), self.top);
        let width = flows[..n]
            .iter()
            .map(|f| f.from.chars().count() + f.to.chars().count() + 3)
            .max()
            .unwrap_or(0);
        for f in &flows[..n] {
            let names = format!("{} → {}", f.from, f.to);
            let pad = width.saturating_sub(names.chars().count());
            let delay = f
                .median_delay_seconds
                .map(|d| format!("  median delay {}", crate::direction::delay_words(d)))
                .unwrap_or_default();
            writeln!(
                w,
                "  {names}{:pad$}  {:>6}{}",
                "",
                plural(f.pairs, "pair", "pairs"),
                self.st.dim(&delay)
            )?;
        }
        self.more(w, "  ", flows.len(), n, "")
    }

    /// One near-duplicate pair on one line (its cluster quotes the text).
    pub(super) fn near_pair(
        &self,
        w: &mut dyn Write,
        p: &Pair,
        cluster: Option<usize>,
    ) -> io::Result<()> {
        let cluster = cluster
            .map(|c| format!("  cluster #{c}"))
            .unwrap_or_default();
        writeln!(
            w,
            "  {} ↔ {}  Jaccard {}  {} / {} found in the other{}",
            self.st.id(&p.a),
            self.st.id(&p.b),
            self.st.bold(&floor2(p.jaccard)),
            floor_pct(p.containment_a),
            floor_pct(p.containment_b),
            self.st.dim(&cluster)
        )?;
        self.meta_lines(w, p)
    }

    /// Outlet · date · title of both documents of `p`, when the input gave
    /// them, and which came first (nothing otherwise).
    fn meta_lines(&self, w: &mut dyn Write, p: &Pair) -> io::Result<()> {
        for id in [&p.a, &p.b] {
            let Some(m) = self.meta.get(id.as_str()) else {
                continue;
            };
            let title = m.title.as_deref().map(|t| snippet(t, 60));
            let parts: Vec<&str> = [m.outlet.as_deref(), m.date.as_deref(), title.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !parts.is_empty() {
                writeln!(
                    w,
                    "      {}: {}",
                    self.st.id(id),
                    self.st.dim(&parts.join(" · "))
                )?;
            }
        }
        if let Some(d) = &p.direction {
            let other = if d.first == p.a { &p.b } else { &p.a };
            let line = match d.delay_seconds {
                Some(s) => format!(
                    "{} first, {} {} later",
                    d.first,
                    other,
                    crate::direction::delay_words(s)
                ),
                None => format!(
                    "{} first (it is found in {other}; dates do not tell)",
                    d.first
                ),
            };
            writeln!(w, "      {}", self.st.dim(&line))?;
        }
        Ok(())
    }

    /// A pair with the share found in each direction and a quote of its
    /// longest shared passage.
    pub(super) fn pair(
        &self,
        w: &mut dyn Write,
        p: &Pair,
        by_pair: &PairPassages<'_>,
    ) -> io::Result<()> {
        let pct = floor_pct;
        writeln!(
            w,
            "  {} ↔ {}  {}  Jaccard {}",
            self.st.id(&p.a),
            self.st.id(&p.b),
            self.st.relation(p.relation),
            self.st.bold(&floor2(p.jaccard)),
        )?;
        self.meta_lines(w, p)?;
        let share = if pct(p.containment_a) == pct(p.containment_b) {
            format!("{} of each is found in the other", pct(p.containment_a))
        } else if p.containment_a >= p.containment_b {
            format!(
                "{} of {} is found in {} ({} the other way)",
                pct(p.containment_a),
                p.a,
                p.b,
                pct(p.containment_b)
            )
        } else {
            format!(
                "{} of {} is found in {} ({} the other way)",
                pct(p.containment_b),
                p.b,
                p.a,
                pct(p.containment_a)
            )
        };
        let longest = longest_passage(self.report, by_pair, p);
        let mut line = if self.report.params.near_duplicates_only() {
            share
        } else {
            format!(
                "{share}; {}",
                plural(p.passages, "verbatim passage", "verbatim passages"),
            )
        };
        if let Some(q) = longest {
            let kind = if q.kind == PassageKind::Verbatim {
                ""
            } else {
                " (reworded)"
            };
            line.push_str(&format!(
                ", longest shared {} words{kind}",
                q.tokens_a.max(q.tokens_b)
            ));
        }
        for l in wrap(&line, WIDTH - 6) {
            writeln!(w, "      {l}")?;
        }
        if let Some(q) = longest {
            writeln!(w, "      {}", self.quote(&q.a, &terms(q), WIDTH - 9))?;
        }
        Ok(())
    }

    pub(super) fn pairs(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let by_pair = passages_by_pair(r);
        let (strong, weak) = split_pairs(r, &by_pair);
        let near = strong
            .iter()
            .filter(|p| p.relation == Relation::NearDuplicate)
            .count();
        self.section(
            w,
            "Similar pairs",
            &format!(
                "{}: {} near-duplicate, {} contained, {} sharing passages only",
                thousands(r.pairs.len()),
                thousands(near),
                thousands(strong.len() - near),
                thousands(weak.len())
            ),
        )?;
        if r.pairs.is_empty() {
            return self.empty(w, &self.no_pairs_message());
        }
        let mut rule =
            String::from("Near-duplicate: the two share most of their word sequences (Jaccard");
        if let Some(t) = r.params.threshold {
            rule.push_str(&format!(" ≥ {t}"));
        }
        rule.push_str("); contained: one is mostly found inside the other");
        if let Some(c) = r.params.containment {
            rule.push_str(&format!(" (≥ {})", pct(c)));
        }
        rule.push('.');
        if !r.params.near_duplicates_only() {
            rule.push_str(" The quote is their longest shared passage.");
        }
        self.note(w, "  ", &rule)?;
        self.near_duplicates(w, &strong, near)?;
        let contained = contained_pairs(&strong);
        if !contained.is_empty() {
            writeln!(w)?;
            writeln!(
                w,
                "  {} {}",
                self.st.bold("Contained"),
                self.st.dim(&format!(
                    "({}; below the Jaccard threshold, most contained first)",
                    thousands(contained.len())
                ))
            )?;
            let n = shown(contained.len(), self.top);
            for p in &contained[..n] {
                self.pair(w, p, &by_pair)?;
            }
            self.more(w, "  ", contained.len(), n, "contained pairs")?;
        }
        if weak.is_empty() {
            return Ok(());
        }
        self.weak_pairs(w, &weak, &by_pair)
    }

    /// Why there are no pairs, and how many passage links there are.
    pub(super) fn no_pairs_message(&self) -> String {
        let r = self.report;
        let mut msg = String::from("No near-duplicate pairs");
        if let Some(t) = r.params.threshold {
            msg.push_str(&format!(" at Jaccard ≥ {t}"));
            if let Some(c) = r.params.containment {
                msg.push_str(&format!(" or containment ≥ {c}"));
            }
        }
        let links = r
            .passages
            .iter()
            .filter(|p| p.kind != PassageKind::Repeat)
            .count();
        match links {
            _ if r.params.near_duplicates_only() => msg.push('.'),
            0 => msg.push_str(", and no shared passages."),
            1 => msg.push_str("; 1 passage link below."),
            n => msg.push_str(&format!("; {n} passage links below.")),
        }
        msg
    }

    /// The near-duplicate pairs among `strong` (`near` of them): identical
    /// ones by id, the others one by one.
    pub(super) fn near_duplicates(
        &self,
        w: &mut dyn Write,
        strong: &[&Pair],
        near: usize,
    ) -> io::Result<()> {
        let r = self.report;
        let (identical, near_dups): (Vec<&Pair>, Vec<&Pair>) = strong
            .iter()
            .filter(|p| p.relation == Relation::NearDuplicate)
            .partition(|p| p.jaccard >= 0.995);
        writeln!(w)?;
        writeln!(
            w,
            "  {} {}",
            self.st.bold("Near-duplicates"),
            self.st
                .dim(&format!("({}; most similar first)", thousands(near)))
        )?;
        if near == 0 {
            self.empty(w, "None.")?;
        }
        if !identical.is_empty() {
            self.note(
                w,
                "  ",
                &format!(
                    "{} identical after normalization (Jaccard 1.00), shown with their clusters above:",
                    plural(identical.len(), "pair is", "pairs are")
                ),
            )?;
            let ids: Vec<String> = identical
                .iter()
                .map(|p| format!("{} = {}", p.a, p.b))
                .collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            self.ids(w, "      ", &ids, None)?;
        }
        if !near_dups.is_empty() {
            self.note(
                w,
                "  ",
                "x% / y%: the share of the first / of the second document found in the other.",
            )?;
        }
        let cluster_of: ahash::AHashMap<&str, usize> = r
            .clusters
            .iter()
            .flat_map(|c| c.members.iter().map(move |m| (m.as_str(), c.id)))
            .collect();
        let n = shown(near_dups.len(), self.top);
        for p in &near_dups[..n] {
            let c = cluster_of.get(p.a.as_str()).copied();
            let c = c.filter(|c| cluster_of.get(p.b.as_str()) == Some(c));
            self.near_pair(w, p, c)?;
        }
        self.more(w, "  ", near_dups.len(), n, "near-duplicate pairs")
    }

    /// The pairs that only share passages, summarised, the first few listed.
    pub(super) fn weak_pairs(
        &self,
        w: &mut dyn Write,
        weak: &[&Pair],
        by_pair: &PairPassages<'_>,
    ) -> io::Result<()> {
        writeln!(w)?;
        writeln!(
            w,
            "  {} {}",
            self.st.bold("Pairs that only share passages"),
            self.st.dim(&format!(
                "({}; longest shared passage first)",
                thousands(weak.len())
            ))
        )?;
        self.note(w, "  ", &weak_pairs_summary(self.report, by_pair, weak))?;
        let limit = if self.top == 0 {
            0
        } else {
            self.top.min(MAX_WEAK_PAIRS)
        };
        let n = shown(weak.len(), limit);
        for p in &weak[..n] {
            self.pair(w, p, by_pair)?;
        }
        self.more(w, "  ", weak.len(), n, "pairs sharing passages only")
    }
}
