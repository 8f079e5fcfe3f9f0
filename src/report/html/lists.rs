//! The list sections: pairs, clusters, narratives, narrative links,
//! passages, phrases, formula, skipped documents and warnings.

use std::fmt::Write as _;
use std::io::{self, Write};

use ahash::AHashMap as HashMap;

use super::Page;
use super::markup::{
    embolden, esc, heading, id_html, kind_class, kind_name, list_table, more, note, open_section,
};
use crate::report::{
    Loc, Pair, PassageKind, Relation, clusters_by_size, contained_pairs, floor_pct, floor2,
    label_terms, loc_text, longest_passage, narrative_docs, narrative_links_for_display,
    narratives_by_size, no_narratives_message, outlets_line, passages_by_pair,
    passages_for_display, pct, plural, shown, snippet, snippet_at, split_pairs, thousands,
    weak_pairs_summary,
};

/// Who came first in a pair, and how long after the other followed.
fn direction_html(p: &Pair) -> String {
    let Some(d) = &p.direction else {
        return String::new();
    };
    let after = match d.delay_seconds {
        Some(s) => format!(" <small>then +{}</small>", crate::direction::delay_words(s)),
        None => " <small>(contained)</small>".to_string(),
    };
    format!("{}{after}", id_html(&d.first))
}

/// "first seen at X (date), then Y after 2 h…": a cluster's dated members.
fn propagation_html(seen: &[crate::report::Sighting]) -> String {
    let Some(first) = seen.first() else {
        return String::new();
    };
    let name = |s: &crate::report::Sighting| {
        format!("<bdi>{}</bdi>", esc(s.outlet.as_deref().unwrap_or(&s.doc)))
    };
    let mut out = format!(
        "<div class=\"note\" lang=\"en\" dir=\"ltr\">first seen at {} ({})",
        name(first),
        esc(&first.date)
    );
    for (i, s) in seen[1..].iter().enumerate() {
        out.push_str(if i == 0 { ", then " } else { ", " });
        let _ = write!(
            out,
            "{} after {}",
            name(s),
            crate::direction::delay_words(s.after_seconds)
        );
    }
    out.push_str("</div>");
    out
}

/// Longest snippet quoted in lists, in characters.
const SNIPPET_CHARS: usize = 120;
/// Most documents quoted per narrative.
const MAX_NARRATIVE_DOCS: usize = 8;
/// A narrative linking more than this share of the analysed documents gets
/// a caution.
const WIDE_NARRATIVE: f64 = 0.10;

impl Page<'_> {
    pub(super) fn pairs(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        writeln!(w, "<section>")?;
        let by_pair = passages_by_pair(r);
        let (strong, weak) = split_pairs(r, &by_pair);
        heading(
            w,
            "pairs",
            "أزواج متشابهة",
            "Similar pairs",
            Some(r.pairs.len()),
        )?;
        if r.pairs.is_empty() {
            let mut msg = String::from("No near-duplicate pairs");
            if let Some(t) = r.params.threshold {
                let _ = write!(msg, " at Jaccard ≥ {t}");
            }
            let links = self.linked;
            let _ = write!(
                msg,
                "; {links} pair{} of documents share{} passages (views below).",
                if links == 1 { "" } else { "s" },
                if links == 1 { "s" } else { "" }
            );
            note(w, &msg)?;
            return writeln!(w, "</section>");
        }
        let mut rule = String::from(
            "<b>Near-duplicate</b>: the two share most of their word sequences (Jaccard",
        );
        if let Some(t) = r.params.threshold {
            let _ = write!(rule, " ≥ {t}");
        }
        rule.push_str("); <b>contained</b>: one is mostly found inside the other");
        if let Some(c) = r.params.containment {
            let _ = write!(rule, " (≥ {})", pct(c));
        }
        rule.push_str(
            ". <i>A in B</i> is the share of A found in B. Shares and Jaccard are rounded down.",
        );
        note(w, &rule)?;
        let (identical, near): (Vec<&Pair>, Vec<&Pair>) = strong
            .iter()
            .filter(|p| p.relation == Relation::NearDuplicate)
            .partition(|p| p.jaccard >= 0.995);
        let contained = contained_pairs(&strong);
        writeln!(
            w,
            "<h3 lang=\"en\" dir=\"ltr\">Near-duplicates <span class=\"count\">{}</span></h3>",
            thousands(near.len() + identical.len())
        )?;
        if !identical.is_empty() {
            self.identical_note(w, identical, &strong)?;
        }
        self.pair_table(w, &near, &by_pair, false)?;
        if !contained.is_empty() {
            writeln!(
                w,
                "<h3 lang=\"en\" dir=\"ltr\">Contained <span class=\"count\">{}</span> <small>most contained first</small></h3>",
                thousands(contained.len())
            )?;
            self.pair_table(w, &contained, &by_pair, true)?;
        }
        if !weak.is_empty() {
            writeln!(
                w,
                "<h3 lang=\"en\" dir=\"ltr\">Pairs that only share passages <span class=\"count\">{}</span> <small>longest shared passage first</small></h3>",
                thousands(weak.len())
            )?;
            note(w, &weak_pairs_summary(r, &by_pair, &weak))?;
            let limit = if self.opts.top == 0 {
                weak.len()
            } else {
                self.opts.top.min(10)
            };
            self.pair_table(w, &weak[..weak.len().min(limit)], &by_pair, true)?;
            more(w, weak.len(), weak.len().min(limit))?;
        }
        writeln!(w, "</section>")
    }

    /// The identical pairs (the first `top` of them) in one note; `strong`
    /// holds them all.
    pub(super) fn identical_note(
        &self,
        w: &mut dyn Write,
        mut identical: Vec<&Pair>,
        strong: &[&Pair],
    ) -> io::Result<()> {
        identical.truncate(shown(identical.len(), self.opts.top));
        let total = strong
            .iter()
            .filter(|p| p.relation == Relation::NearDuplicate && p.jaccard >= 0.995)
            .count();
        let list: Vec<String> = identical
            .iter()
            .map(|p| {
                let link = self.view_link(&p.a, &p.b, "=");
                let link = if link.is_empty() {
                    "=".to_string()
                } else {
                    link
                };
                format!(
                    "<span class=\"idpair\">{} {link} {}</span>",
                    id_html(&p.a),
                    id_html(&p.b)
                )
            })
            .collect();
        let extra = if total > identical.len() {
            format!(" … and {} more", total - identical.len())
        } else {
            String::new()
        };
        note(
            w,
            &format!(
                "{} identical after normalization (Jaccard 1.00): {}{extra}",
                esc(&plural(total, "pair is", "pairs are")),
                list.join(" · ")
            ),
        )
    }

    /// A table of pairs, cut at `top`; with `quote`, a column quotes the
    /// longest shared passage.
    pub(super) fn pair_table(
        &self,
        w: &mut dyn Write,
        pairs: &[&Pair],
        by_pair: &HashMap<(&str, &str), Vec<usize>>,
        quote: bool,
    ) -> io::Result<()> {
        if pairs.is_empty() {
            return note(w, "None.");
        }
        let n = shown(pairs.len(), self.opts.top);
        let quote_head = if quote {
            "<th>longest shared passage</th>"
        } else {
            ""
        };
        // A column for who came first only when dates gave any direction.
        let directed = pairs.iter().any(|p| p.direction.is_some());
        let first_head = if directed { "<th>first</th>" } else { "" };
        writeln!(
            w,
            "<table class=\"list\"><thead><tr><th>#</th><th>A</th><th>B</th><th>Jaccard</th><th>A in B</th><th>B in A</th><th>verbatim passages</th><th>longest (words)</th>{first_head}{quote_head}<th></th></tr></thead><tbody>"
        )?;
        for (i, p) in pairs[..n].iter().enumerate() {
            let longest = longest_passage(self.r, by_pair, p);
            let words = longest.map_or(String::new(), |q| {
                let kind = if q.kind == PassageKind::Verbatim {
                    ""
                } else {
                    " <small>reworded</small>"
                };
                format!("{}{kind}", q.tokens_a.max(q.tokens_b))
            });
            let quote_cell = if quote {
                let q = longest.map(|q| self.quote(&q.a, &[])).unwrap_or_default();
                format!("<td class=\"quote\">{q}</td>")
            } else {
                String::new()
            };
            let first_cell = if directed {
                format!("<td>{}</td>", direction_html(p))
            } else {
                String::new()
            };
            writeln!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\"><span class=\"bar\" style=\"--c:{:.3}\"></span>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{words}</td>{first_cell}{quote_cell}<td>{}</td></tr>",
                i + 1,
                self.doc_html(&p.a),
                self.doc_html(&p.b),
                p.jaccard.clamp(0.0, 1.0),
                floor2(p.jaccard),
                floor_pct(p.containment_a),
                floor_pct(p.containment_b),
                p.passages,
                self.view_link(&p.a, &p.b, "view")
            )?;
        }
        writeln!(w, "</tbody></table>")?;
        more(w, pairs.len(), n)
    }

    pub(super) fn clusters(&self, w: &mut dyn Write) -> io::Result<()> {
        let cs = clusters_by_size(self.r);
        writeln!(w, "<section>")?;
        heading(
            w,
            "clusters",
            "مجموعات شبه مكررة",
            "Near-duplicate clusters",
            Some(cs.len()),
        )?;
        if cs.is_empty() {
            note(
                w,
                "None: no group of documents are near-duplicates of each other.",
            )?;
            return writeln!(w, "</section>");
        }
        note(
            w,
            "Documents linked by near-duplicate or contained pairs, biggest first. Each is quoted \
             from the start of its representative (★), the member most similar to the others.",
        )?;
        let n = shown(cs.len(), self.opts.top);
        writeln!(w, "<ul class=\"clusters\">")?;
        for c in &cs[..n] {
            let members: Vec<String> = c
                .members
                .iter()
                .map(|m| {
                    let class = if *m == c.representative {
                        " class=\"rep\" title=\"representative\""
                    } else {
                        ""
                    };
                    format!("<li{class}>{}</li>", self.doc_html(m))
                })
                .collect();
            let quote = match self.texts.text(&c.representative) {
                Some(t) => format!(
                    "<div><q dir=\"auto\">{}</q></div>",
                    esc(&snippet(t, SNIPPET_CHARS))
                ),
                None => String::new(),
            };
            writeln!(
                w,
                "<li><span class=\"badge\">#{}</span> <span lang=\"en\" dir=\"ltr\">{} documents</span><ul class=\"members\">{}</ul>{quote}{}</li>",
                c.id,
                c.members.len(),
                members.join(""),
                propagation_html(&c.propagation)
            )?;
        }
        writeln!(w, "</ul>")?;
        more(w, cs.len(), n)?;
        writeln!(w, "</section>")
    }

    /// Which outlet's documents are found in which other's (a table), when
    /// the input gave outlets and dates; nothing otherwise.
    pub(super) fn outlet_flows(&self, w: &mut dyn Write) -> io::Result<()> {
        let flows = &self.r.outlet_flows;
        if flows.is_empty() {
            return Ok(());
        }
        writeln!(w, "<section>")?;
        heading(
            w,
            "outlets",
            "من ينقل عمن",
            "Outlets: who is copied by whom",
            Some(flows.len()),
        )?;
        note(
            w,
            "Near-duplicate and contained pairs with a direction, counted by the outlet of the \
             document that came first \
             (the likely source) and the outlet of the other; most pairs first.",
        )?;
        let n = shown(flows.len(), self.opts.top);
        writeln!(
            w,
            "<table class=\"list\"><thead><tr><th>first</th><th>then</th><th>pairs</th><th>median delay</th></tr></thead><tbody>"
        )?;
        for f in &flows[..n] {
            let delay = f
                .median_delay_seconds
                .map(crate::direction::delay_words)
                .unwrap_or_default();
            writeln!(
                w,
                "<tr><td><bdi>{}</bdi></td><td><bdi>{}</bdi></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&f.from),
                esc(&f.to),
                thousands(f.pairs),
                esc(&delay)
            )?;
        }
        writeln!(w, "</tbody></table>")?;
        more(w, flows.len(), n)?;
        writeln!(w, "</section>")
    }

    /// `<q>` with a snippet of `loc`, starting near the first of `terms`,
    /// which are set in bold.
    pub(super) fn quote(&self, loc: &Loc, terms: &[&str]) -> String {
        match loc_text(self.texts, loc) {
            Some(t) => format!(
                "<q dir=\"auto\">{}</q>",
                embolden(&snippet_at(t, terms, SNIPPET_CHARS), terms)
            ),
            None => "<span class=\"note\" lang=\"en\" dir=\"ltr\">(text not available)</span>"
                .to_string(),
        }
    }

    pub(super) fn narratives(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let ns = narratives_by_size(r);
        writeln!(w, "<section>")?;
        heading(w, "narratives", "السرديات", "Narratives", Some(ns.len()))?;
        if ns.is_empty() {
            note(w, no_narratives_message(self.r))?;
            return writeln!(w, "</section>");
        }
        note(
            w,
            "Passages that recur across documents, verbatim or in other words, grouped; the \
             label is their anchors (rare terms every member shares with the representative: \
             names, places, figures; in bold in the quotes). Most documents first; one passage \
             is quoted per document, the representative (★) first.",
        )?;
        let n = shown(ns.len(), self.opts.top);
        let per = if self.opts.top == 0 {
            MAX_NARRATIVE_DOCS
        } else {
            self.opts.top.min(MAX_NARRATIVE_DOCS)
        };
        let analysed = r.summary.analysed.max(1);
        for nar in &ns[..n] {
            writeln!(w, "<div class=\"narrative\">")?;
            writeln!(
                w,
                "<h3><span class=\"badge\">#{}</span> <span dir=\"auto\">{}</span> <small lang=\"en\" dir=\"ltr\">{} · {}{}</small></h3>",
                nar.id,
                esc(&nar.label),
                plural(nar.docs, "document", "documents"),
                plural(nar.members.len(), "passage", "passages"),
                if nar.verbatim {
                    " · <span class=\"chip v\">verbatim</span>"
                } else {
                    " · <span class=\"chip n\">narrative</span>"
                }
            )?;
            if let Some(line) = outlets_line(&nar.outlets, |o| format!("<bdi>{}</bdi>", esc(o))) {
                writeln!(
                    w,
                    "<div class=\"note\" lang=\"en\" dir=\"ltr\">{line}</div>"
                )?;
            }
            if nar.docs >= 20 && nar.docs as f64 > WIDE_NARRATIVE * analysed as f64 {
                note(
                    w,
                    &format!(
                        "Links {} of the analysed documents: a group this large is usually a chain \
                         of loosely related passages rather than one story; check the members.",
                        pct(nar.docs as f64 / analysed as f64)
                    ),
                )?;
            }
            let docs = narrative_docs(nar);
            let terms = label_terms(&nar.label);
            let m = shown(docs.len(), per);
            writeln!(w, "<ul class=\"quotes\">")?;
            let rep = docs.first().map(|l| l.doc.as_str());
            for (i, loc) in docs[..m].iter().enumerate() {
                let class = if i == 0 {
                    " class=\"rep\" title=\"representative\""
                } else {
                    ""
                };
                // A link to the side-by-side view with the representative.
                let link = match rep {
                    Some(r) if r != loc.doc => {
                        self.view_link(r, &loc.doc, "<span lang=\"en\" dir=\"ltr\">↔ view</span>")
                    }
                    _ => String::new(),
                };
                writeln!(
                    w,
                    "<li{class}>{} {} <small class=\"vlink\">{link}</small></li>",
                    id_html(&loc.doc),
                    self.quote(loc, &terms)
                )?;
            }
            writeln!(w, "</ul>")?;
            if docs.len() > m {
                note(
                    w,
                    &format!("… and {} more documents.", thousands(docs.len() - m)),
                )?;
            }
            writeln!(w, "</div>")?;
        }
        more(w, ns.len(), n)?;
        writeln!(w, "</section>")
    }

    /// Narrative links, strongest first: both passages quoted, their anchors
    /// in bold (each side in its own spelling).
    pub(super) fn narrative_links(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let order = narrative_links_for_display(r);
        let head = ["narrative-links", "روابط سردية", "Narrative links"];
        let empty = no_narratives_message(r);
        if !open_section(w, head, order.len(), empty)? {
            return Ok(());
        }
        note(
            w,
            "Two passages that tell one story in other words, strongest first. The anchors \
             (rare terms both share: names, places, figures) are in bold, in each side's \
             spelling; # is the narrative holding the link.",
        )?;
        let columns = ["#", "score", "A", "B", "narrative", ""];
        list_table(
            w,
            "list narrative-links",
            &columns,
            &order,
            self.opts.top,
            |w, i, &li| {
                let l = &r.narrative_links[li];
                let ta: Vec<&str> = l.anchors.iter().map(String::as_str).collect();
                let tb: Vec<&str> = l.anchors_b.iter().map(String::as_str).collect();
                writeln!(
                    w,
                    "<tr><td>{}</td><td class=\"num\">{:.2}</td><td>{}<br>{}</td><td>{}<br>{}</td><td>{}</td><td>{}</td></tr>",
                    i + 1,
                    l.score,
                    id_html(&l.a.doc),
                    self.quote(&l.a, &ta),
                    id_html(&l.b.doc),
                    self.quote(&l.b, &tb),
                    l.narrative.map(|n| format!("#{n}")).unwrap_or_default(),
                    self.view_link(&l.a.doc, &l.b.doc, "view")
                )
            },
        )?;
        writeln!(w, "</section>")
    }

    /// The most substantial shared passages, both sides quoted.
    pub(super) fn passages(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let order = passages_for_display(r);
        let head = ["passages", "مقاطع مشتركة", "Shared passages"];
        let empty = "No passage is shared between documents.";
        if !open_section(w, head, order.len(), empty)? {
            return Ok(());
        }
        note(
            w,
            "Most substantial first: verbatim (same words) before narrative (same content words, \
             other wording), longest first; passages between members of one near-duplicate \
             cluster come last. Narrative quotes start near the first key term (in bold).",
        )?;
        let columns = ["#", "kind", "words", "A", "B", ""];
        list_table(
            w,
            "list passages",
            &columns,
            &order,
            self.opts.top,
            |w, i, &pi| {
                let p = &r.passages[pi];
                let terms: Vec<&str> = p.terms.iter().map(String::as_str).collect();
                let words = if p.tokens_a == p.tokens_b {
                    p.tokens_a.to_string()
                } else {
                    format!("{}/{}", p.tokens_a, p.tokens_b)
                };
                writeln!(
                    w,
                    "<tr><td>{}</td><td><span class=\"chip {}\">{}</span></td><td class=\"num\">{words}</td><td>{}<br>{}</td><td>{}<br>{}</td><td>{}</td></tr>",
                    i + 1,
                    kind_class(p.kind),
                    kind_name(p.kind),
                    id_html(&p.a.doc),
                    self.quote(&p.a, &terms),
                    id_html(&p.b.doc),
                    self.quote(&p.b, &terms),
                    self.view_link(&p.a.doc, &p.b.doc, "view")
                )
            },
        )?;
        writeln!(w, "</section>")
    }

    pub(super) fn phrases(&self, w: &mut dyn Write) -> io::Result<()> {
        let ps = &self.r.phrases;
        let head = ["phrases", "عبارات متكررة", "Reused phrases"];
        let empty = "No phrase of three or more words is shared by two documents.";
        if !open_section(w, head, ps.len(), empty)? {
            return Ok(());
        }
        let columns = ["phrase", "words", "documents", ""];
        list_table(w, "list", &columns, ps, self.opts.top, |w, _, p| {
            let ids: Vec<String> = p
                .occurrences
                .iter()
                .take(8)
                .map(|o| id_html(&o.doc))
                .collect();
            let extra = p.occurrences.len().saturating_sub(8);
            let extra = if extra > 0 {
                format!(" +{extra}")
            } else {
                String::new()
            };
            writeln!(
                w,
                "<tr><td class=\"phrase\" dir=\"auto\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"ids\">{}{extra}</td></tr>",
                esc(&snippet(&p.text, SNIPPET_CHARS)),
                p.tokens,
                p.docs,
                ids.join(" ")
            )
        })?;
        writeln!(w, "</section>")
    }

    pub(super) fn formula(&self, w: &mut dyn Write) -> io::Result<()> {
        let fs = &self.r.formula;
        let head = ["formula", "صيغ وقوالب", "Formula and templates (not reuse)"];
        let empty = match self.r.params.formula_min_clusters {
            Some(c) => format!(
                "None: no text recurs in {c} or more unrelated documents (copies of one story count once)."
            ),
            None => "None.".to_string(),
        };
        if !open_section(w, head, fs.len(), &empty)? {
            return Ok(());
        }
        let columns = ["template", "example", "documents", "share"];
        list_table(w, "list", &columns, fs, self.opts.top, |w, _, f| {
            writeln!(
                w,
                "<tr><td class=\"phrase\" dir=\"auto\">{}</td><td class=\"phrase\" dir=\"auto\">{}<br>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&snippet(&f.template, SNIPPET_CHARS)),
                esc(&snippet(&f.text, SNIPPET_CHARS)),
                id_html(&f.example.doc),
                f.docs,
                pct(f.fraction)
            )
        })?;
        writeln!(w, "</section>")
    }

    pub(super) fn skipped(&self, w: &mut dyn Write) -> io::Result<()> {
        let ss = &self.r.skipped;
        let head = ["skipped", "وثائق مستبعدة", "Skipped documents"];
        if !open_section(w, head, ss.len(), "None: every document read was analysed.")? {
            return Ok(());
        }
        let columns = ["id", "source", "reason"];
        list_table(w, "list", &columns, ss, self.opts.top, |w, _, s| {
            writeln!(
                w,
                "<tr><td>{}</td><td><bdi>{}</bdi></td><td dir=\"auto\">{}</td></tr>",
                id_html(&s.id),
                esc(&s.source),
                esc(&s.reason)
            )
        })?;
        writeln!(w, "</section>")
    }

    pub(super) fn warnings(&self, w: &mut dyn Write) -> io::Result<()> {
        let ws = &self.r.warnings;
        if ws.is_empty() {
            return Ok(());
        }
        writeln!(w, "<section>")?;
        heading(w, "warnings", "تنبيهات", "Warnings", Some(ws.len()))?;
        let n = shown(ws.len(), self.opts.top);
        writeln!(w, "<ul class=\"warnings\">")?;
        for msg in &ws[..n] {
            writeln!(w, "<li dir=\"auto\">{}</li>", esc(msg))?;
        }
        writeln!(w, "</ul>")?;
        more(w, ws.len(), n)?;
        writeln!(w, "</section>")
    }
}
