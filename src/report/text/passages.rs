//! Shared passages, repeats, narratives and narrative links.

use std::io::{self, Write};

use super::{
    MAX_NARRATIVE_DOCS, MIN_SNIPPET_CHARS, SNIPPET_CHARS, TextRenderer, WIDE_NARRATIVE, WIDTH,
    terms, wrap,
};
use crate::report::{
    Passage, PassageKind, label_terms, narrative_docs, narrative_links_for_display,
    narratives_by_size, no_narratives_message, outlets_line, passages_for_display, pct, plural,
    shown, substance, thousands,
};

impl TextRenderer<'_> {
    pub(super) fn passage(&self, w: &mut dyn Write, i: usize, p: &Passage) -> io::Result<()> {
        writeln!(
            w,
            "  {:>3}. {}  {} words  score {:.2}{}  {}",
            i + 1,
            self.st.kind(p.kind),
            if p.tokens_a == p.tokens_b {
                p.tokens_a.to_string()
            } else {
                format!("{}/{}", p.tokens_a, p.tokens_b)
            },
            p.score,
            p.weight
                .map_or(String::new(), |w| format!("  weight {w:.0}")),
            self.st.dim(&format!(
                "at [{}..{}] and [{}..{}]",
                p.a.start, p.a.end, p.b.start, p.b.end
            )),
        )?;
        if !p.terms.is_empty() {
            let line = format!("key terms: {}", p.terms.join("، "));
            for l in wrap(&line, WIDTH - 7) {
                writeln!(w, "       {l}")?;
            }
        }
        let terms = terms(p);
        let width = p.a.doc.chars().count().max(p.b.doc.chars().count());
        let room = WIDTH
            .saturating_sub(7 + width + 5)
            .clamp(MIN_SNIPPET_CHARS, SNIPPET_CHARS);
        for loc in [&p.a, &p.b] {
            let pad = width - loc.doc.chars().count();
            writeln!(
                w,
                "       {}{}  {}",
                self.st.id(&loc.doc),
                " ".repeat(pad),
                self.quote(loc, &terms, room)
            )?;
        }
        Ok(())
    }

    pub(super) fn passages(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let order = passages_for_display(r);
        let verbatim = order
            .iter()
            .filter(|&&i| r.passages[i].kind == PassageKind::Verbatim)
            .count();
        self.section(
            w,
            "Shared passages",
            &format!(
                "{}: {} verbatim, {} mixed or reworded",
                thousands(order.len()),
                thousands(verbatim),
                thousands(order.len() - verbatim)
            ),
        )?;
        if order.is_empty() {
            let msg = match r.params.min_passage {
                Some(m) => format!("No passage of ≥ {m} tokens is shared between documents."),
                None => "No passage is shared between documents.".to_string(),
            };
            return self.empty(w, &msg);
        }
        self.note(
            w,
            "  ",
            "Most substantial first: verbatim (same words), then mixed (verbatim pieces joined by \
             reworded text) and reworded (same content words, other wording), longest first; \
             passages between members of one near-duplicate cluster come last. [start..end] are \
             byte offsets in the original texts; weight: content words outside formula.",
        )?;
        let n = shown(order.len(), self.top);
        for (i, &pi) in order[..n].iter().enumerate() {
            self.passage(w, i, &r.passages[pi])?;
        }
        self.more(w, "  ", order.len(), n, "")
    }

    pub(super) fn repeats(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut ps: Vec<(usize, &Passage)> = self
            .report
            .passages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PassageKind::Repeat)
            .collect();
        ps.sort_by_key(|(i, p)| substance(p, *i));
        self.section(
            w,
            "Repeats inside documents",
            &format!("{}; longest first", thousands(ps.len())),
        )?;
        if ps.is_empty() {
            return self.empty(w, "No passage is repeated inside a document.");
        }
        let n = shown(ps.len(), self.top);
        for (_, p) in &ps[..n] {
            writeln!(
                w,
                "  {} {} = {}  {} words",
                self.st.id(&p.a.doc),
                self.st.dim(&format!("[{}..{}]", p.a.start, p.a.end)),
                self.st.dim(&format!("[{}..{}]", p.b.start, p.b.end)),
                p.tokens_a
            )?;
            writeln!(w, "       {}", self.quote(&p.a, &[], WIDTH - 10))?;
        }
        self.more(w, "  ", ps.len(), n, "")
    }

    pub(super) fn narratives(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let ns = narratives_by_size(r);
        self.section(
            w,
            "Narratives",
            &format!("{}; most documents first", thousands(ns.len())),
        )?;
        if ns.is_empty() {
            return self.empty(w, no_narratives_message(r));
        }
        self.note(
            w,
            "  ",
            "Passages that recur across documents, verbatim or in other words, grouped; the label \
             is their anchors (rare terms every member shares with the representative: names, \
             places, figures). One passage is quoted per document, the representative (*) first.",
        )?;
        let n = shown(ns.len(), self.top);
        let per = if self.top == 0 {
            MAX_NARRATIVE_DOCS
        } else {
            self.top.min(MAX_NARRATIVE_DOCS)
        };
        for nar in &ns[..n] {
            writeln!(
                w,
                "  #{:<4}{}  {}, {}{}",
                nar.id,
                self.st.bold(&nar.label),
                plural(nar.docs, "document", "documents"),
                plural(nar.members.len(), "passage", "passages"),
                if nar.verbatim { ", all verbatim" } else { "" }
            )?;
            if let Some(line) = outlets_line(&nar.outlets, str::to_string) {
                for l in wrap(&line, WIDTH - 8) {
                    writeln!(w, "        {}", self.st.dim(&l))?;
                }
            }
            let analysed = r.summary.analysed.max(1);
            if nar.docs >= 20 && nar.docs as f64 > WIDE_NARRATIVE * analysed as f64 {
                self.note(
                    w,
                    "        ",
                    &format!(
                        "Links {} of the analysed documents: a group this large is usually a chain \
                         of loosely related passages rather than one story; check the members.",
                        pct(nar.docs as f64 / analysed as f64)
                    ),
                )?;
            }
            let docs = narrative_docs(nar);
            let terms = if nar.verbatim {
                Vec::new()
            } else {
                label_terms(&nar.label)
            };
            let width = docs
                .iter()
                .take(per)
                .map(|l| l.doc.chars().count())
                .max()
                .unwrap_or(0);
            let room = WIDTH
                .saturating_sub(6 + width + 6)
                .clamp(MIN_SNIPPET_CHARS, SNIPPET_CHARS);
            let m = shown(docs.len(), per);
            for (i, loc) in docs[..m].iter().enumerate() {
                let mark = if i == 0 && nar.members.get(nar.representative).is_some() {
                    "*"
                } else {
                    " "
                };
                let pad = width - loc.doc.chars().count();
                writeln!(
                    w,
                    "      {}{mark}{}  {}",
                    self.st.id(&loc.doc),
                    " ".repeat(pad),
                    self.quote(loc, &terms, room)
                )?;
            }
            self.more(w, "      ", docs.len(), m, "documents")?;
        }
        self.more(w, "  ", ns.len(), n, "")
    }

    pub(super) fn narrative_links(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let order = narrative_links_for_display(r);
        self.section(
            w,
            "Narrative links",
            &format!("{}; strongest first", thousands(order.len())),
        )?;
        if order.is_empty() {
            return self.empty(w, no_narratives_message(r));
        }
        self.note(
            w,
            "  ",
            "Two passages that tell one story in other words. Anchors: the rare terms both \
             share (names, places, figures), as spelled in each passage; quotes start near the \
             first. [start..end] are byte offsets in the original texts.",
        )?;
        let n = shown(order.len(), self.top);
        for (i, &li) in order[..n].iter().enumerate() {
            let l = &r.narrative_links[li];
            writeln!(
                w,
                "  {:>3}. score {:.2}{}  {}",
                i + 1,
                l.score,
                l.narrative
                    .map(|n| format!("  in narrative #{n}"))
                    .unwrap_or_default(),
                self.st.dim(&format!(
                    "at [{}..{}] and [{}..{}]",
                    l.a.start, l.a.end, l.b.start, l.b.end
                )),
            )?;
            let line = if l.anchors == l.anchors_b {
                format!("anchors: {}", l.anchors.join("، "))
            } else {
                format!(
                    "anchors: {} / {}",
                    l.anchors.join("، "),
                    l.anchors_b.join("، ")
                )
            };
            for x in wrap(&line, WIDTH - 7) {
                writeln!(w, "       {x}")?;
            }
            let width = l.a.doc.chars().count().max(l.b.doc.chars().count());
            let room = WIDTH
                .saturating_sub(7 + width + 5)
                .clamp(MIN_SNIPPET_CHARS, SNIPPET_CHARS);
            for (loc, anchors) in [(&l.a, &l.anchors), (&l.b, &l.anchors_b)] {
                let terms: Vec<&str> = anchors.iter().map(String::as_str).collect();
                let pad = width - loc.doc.chars().count();
                writeln!(
                    w,
                    "       {}{}  {}",
                    self.st.id(&loc.doc),
                    " ".repeat(pad),
                    self.quote(loc, &terms, room)
                )?;
            }
        }
        self.more(w, "  ", order.len(), n, "")
    }
}
