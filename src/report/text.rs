//! Text renderer: the readable terminal report (the default format).
//!
//! Sections, in order: header (totals, a plain-words summary of what was
//! found, parameters), near-duplicate clusters, similar pairs, shared
//! passages, repeats, narratives, reused phrases, boilerplate, skipped
//! documents, warnings. Each section lists at most [`RenderOptions::top`]
//! items and ends with "… and N more" when cut; an empty section says why it
//! is empty instead of vanishing.
//!
//! The renderer computes nothing new, but it orders some sections for
//! reading, so that a `--top` cut keeps what matters most (the JSON report
//! keeps the model's order):
//! - clusters and narratives: the biggest first (most documents);
//! - pairs: near-duplicate and contained pairs first, in report order, then
//!   a summary of the pairs that only share passages, those with the longest
//!   shared passage first;
//! - passages: those linking documents outside a common near-duplicate
//!   cluster first, then verbatim before narrative, the longest first.
//!
//! Quotes of the original text are short one-line snippets in logical
//! order: Arabic is never reversed here, the terminal shapes and orders it.
//! Narrative snippets start a few words before the first shared key term.
//! Lines stay within about [`WIDTH`] columns.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{
    Loc, Pair, Params, Passage, PassageKind, Relation, RenderOptions, Report, TextSource,
    clusters_by_size, findings, label_terms, loc_text, longest_passage, narrative_docs,
    narratives_by_size, params_list, passages_by_pair, passages_for_display, plural, shown,
    snippet, snippet_at, split_pairs, thousands, weak_pairs_summary,
};

/// Target line width, in characters.
pub const WIDTH: usize = 100;
/// Longest snippet quoted, in characters.
const SNIPPET_CHARS: usize = 80;
/// Shortest snippet quoted after an id, in characters.
const MIN_SNIPPET_CHARS: usize = 48;
/// Most document ids listed before "+N".
const MAX_IDS: usize = 8;
/// Most documents quoted per narrative.
const MAX_NARRATIVE_DOCS: usize = 8;
/// Most pairs that only share passages listed (when `top` allows).
const MAX_WEAK_PAIRS: usize = 10;
/// A narrative linking more than this share of the analysed documents gets
/// a caution.
const WIDE_NARRATIVE: f64 = 0.10;

/// Writes `report` as readable text, quoting snippets from `texts`.
pub fn render(
    report: &Report,
    texts: &dyn TextSource,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut w = io::BufWriter::new(out);
    let r = TextRenderer {
        report,
        texts,
        top: opts.top,
        st: Style { color: opts.color },
    };
    r.header(&mut w)?;
    r.clusters(&mut w)?;
    r.pairs(&mut w)?;
    if !report.params.near_duplicates_only() {
        r.passages(&mut w)?;
        r.repeats(&mut w)?;
        r.narratives(&mut w)?;
        r.narrative_links(&mut w)?;
        r.phrases(&mut w)?;
        r.formula(&mut w)?;
    }
    r.skipped(&mut w)?;
    r.warnings(&mut w)?;
    w.flush()
}

/// ANSI styling, or none.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, sgr: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn title(&self, s: &str) -> String {
        self.paint("1;4", s)
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn id(&self, s: &str) -> String {
        self.paint("36", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn warn(&self, s: &str) -> String {
        self.paint("33", s)
    }
    fn kind(&self, kind: PassageKind) -> String {
        let (sgr, name) = match kind {
            PassageKind::Verbatim => ("1;31", "verbatim "),
            PassageKind::Mixed => ("1;33", "mixed    "),
            PassageKind::Reworded => ("1;32", "reworded "),
            PassageKind::Narrative => ("1;35", "narrative"),
            PassageKind::Repeat => ("1;34", "repeat   "),
        };
        self.paint(sgr, name)
    }
    fn relation(&self, rel: Relation) -> String {
        match rel {
            Relation::NearDuplicate => self.paint("1;31", "near-duplicate"),
            Relation::Contained => self.paint("1;33", "contained"),
            Relation::SharesPassages => self.paint("2", "shares passages"),
        }
    }
}

struct TextRenderer<'a> {
    report: &'a Report,
    texts: &'a dyn TextSource,
    top: usize,
    st: Style,
}

impl TextRenderer<'_> {
    fn section(&self, w: &mut dyn Write, name: &str, detail: &str) -> io::Result<()> {
        writeln!(w)?;
        writeln!(
            w,
            "{} {}",
            self.st.title(name),
            self.st.dim(&format!("({detail})"))
        )
    }

    fn more(
        &self,
        w: &mut dyn Write,
        indent: &str,
        total: usize,
        shown: usize,
        what: &str,
    ) -> io::Result<()> {
        if total > shown {
            let what = if what.is_empty() {
                String::new()
            } else {
                format!(" {what}")
            };
            writeln!(
                w,
                "{indent}{}",
                self.st
                    .dim(&format!("… and {} more{what}", thousands(total - shown)))
            )?;
        }
        Ok(())
    }

    fn empty(&self, w: &mut dyn Write, msg: &str) -> io::Result<()> {
        self.note(w, "  ", msg)
    }

    /// A dim note, wrapped to the line width.
    fn note(&self, w: &mut dyn Write, indent: &str, msg: &str) -> io::Result<()> {
        for line in wrap(msg, WIDTH - indent.chars().count()) {
            writeln!(w, "{indent}{}", self.st.dim(&line))?;
        }
        Ok(())
    }

    /// `«snippet»` of `loc` (starting near the first of `terms`), or a note
    /// when the text is unavailable.
    fn quote(&self, loc: &Loc, terms: &[&str], max: usize) -> String {
        match loc_text(self.texts, loc) {
            Some(t) => format!("«{}»", snippet_at(t, terms, max)),
            None => self.st.dim("(text not available)"),
        }
    }

    /// `«snippet»` of the beginning of document `id`.
    fn doc_quote(&self, id: &str, max: usize) -> String {
        match self.texts.text(id) {
            Some(t) => format!("«{}»", snippet(t, max)),
            None => self.st.dim("(text not available)"),
        }
    }

    /// Ids, wrapped to the line width under `indent`, at most [`MAX_IDS`]
    /// then `+N`; `mark` is starred.
    fn ids(
        &self,
        w: &mut dyn Write,
        indent: &str,
        ids: &[&str],
        mark: Option<&str>,
    ) -> io::Result<()> {
        let total = ids.len();
        let mut items: Vec<(String, String)> = ids
            .iter()
            .take(MAX_IDS)
            .map(|i| {
                let star = if Some(*i) == mark { "*" } else { "" };
                (format!("{i}{star}"), format!("{}{star}", self.st.id(i)))
            })
            .collect();
        if total > MAX_IDS {
            let more = format!("+{}", total - MAX_IDS);
            items.push((more.clone(), more));
        }
        let room = WIDTH - indent.chars().count();
        let mut line = String::new();
        let mut len = 0;
        for (plain, painted) in items {
            let n = plain.chars().count();
            if len > 0 && len + 2 + n > room {
                writeln!(w, "{indent}{line},")?;
                line.clear();
                len = 0;
            }
            if len > 0 {
                line.push_str(", ");
                len += 2;
            }
            line.push_str(&painted);
            len += n;
        }
        if len > 0 {
            writeln!(w, "{indent}{line}")?;
        }
        Ok(())
    }

    fn header(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let s = &r.summary;
        let tool = if r.tool.is_empty() { "athar" } else { &r.tool };
        writeln!(w, "{}", self.st.bold(&format!("{tool} report")))?;
        let near_only = r.params.near_duplicates_only();
        let sentences = if near_only {
            String::new()
        } else {
            format!(", {} sentences", thousands(s.sentences as usize))
        };
        let docs = format!(
            "{} read: {} analysed, {} skipped. Analysed: {} bytes, {} tokens{sentences}.",
            plural(s.documents_read, "document", "documents"),
            thousands(s.analysed),
            thousands(s.skipped),
            thousands(s.bytes as usize),
            thousands(s.tokens as usize),
        );
        for line in wrap(&docs, WIDTH) {
            writeln!(w, "{line}")?;
        }
        writeln!(w)?;
        let found = findings(r);
        let mut para = String::from("Found: ");
        para.push_str(&found.join("; "));
        para.push('.');
        if near_only {
            para.push_str(
                " Near-duplicate pass only (athar dedup): shared passages, narratives and \
                 phrases were not looked for; athar report finds them.",
            );
        }
        for line in wrap(&para, WIDTH) {
            writeln!(w, "{line}")?;
        }
        writeln!(w)?;
        for line in wrap(&format!("Parameters: {}", params_line(&r.params)), WIDTH) {
            writeln!(w, "{}", self.st.dim(&line))?;
        }
        Ok(())
    }

    fn clusters(&self, w: &mut dyn Write) -> io::Result<()> {
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
        }
        self.more(w, "  ", cs.len(), n, "")
    }

    /// One near-duplicate pair on one line (its cluster quotes the text).
    /// Outlet · date · title of both documents of `p`, when the input gave
    /// them (nothing otherwise).
    fn meta_lines(&self, w: &mut dyn Write, p: &Pair) -> io::Result<()> {
        for id in [&p.a, &p.b] {
            let meta = self.report.documents.iter().find(|d| &d.id == id);
            let Some(m) = meta.and_then(|d| d.meta.as_ref()) else {
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

    fn near_pair(&self, w: &mut dyn Write, p: &Pair, cluster: Option<usize>) -> io::Result<()> {
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

    /// A pair with the share found in each direction and a quote of its
    /// longest shared passage.
    fn pair(&self, w: &mut dyn Write, p: &Pair, by_pair: &PairPassages<'_>) -> io::Result<()> {
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

    fn pairs(&self, w: &mut dyn Write) -> io::Result<()> {
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
            return self.empty(w, &msg);
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
        let (identical, near_dups): (Vec<&Pair>, Vec<&Pair>) = strong
            .iter()
            .filter(|p| p.relation == Relation::NearDuplicate)
            .partition(|p| p.jaccard >= 0.995);
        let contained = super::contained_pairs(&strong);
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
        self.more(w, "  ", near_dups.len(), n, "near-duplicate pairs")?;
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
        self.note(w, "  ", &weak_pairs_summary(r, &by_pair, &weak))?;
        let limit = if self.top == 0 {
            0
        } else {
            self.top.min(MAX_WEAK_PAIRS)
        };
        let n = shown(weak.len(), limit);
        for p in &weak[..n] {
            self.pair(w, p, &by_pair)?;
        }
        self.more(w, "  ", weak.len(), n, "pairs sharing passages only")
    }

    fn passage(&self, w: &mut dyn Write, i: usize, p: &Passage) -> io::Result<()> {
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

    fn passages(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn repeats(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut ps: Vec<(usize, &Passage)> = self
            .report
            .passages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PassageKind::Repeat)
            .collect();
        ps.sort_by_key(|(i, p)| super::substance(p, *i));
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

    fn narratives(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let ns = narratives_by_size(r);
        self.section(
            w,
            "Narratives",
            &format!("{}; most documents first", thousands(ns.len())),
        )?;
        if ns.is_empty() {
            return self.empty(w, super::no_narratives_message(r));
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

    fn narrative_links(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let order = super::narrative_links_for_display(r);
        self.section(
            w,
            "Narrative links",
            &format!("{}; strongest first", thousands(order.len())),
        )?;
        if order.is_empty() {
            return self.empty(w, super::no_narratives_message(r));
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

    fn phrases(&self, w: &mut dyn Write) -> io::Result<()> {
        let ps = &self.report.phrases;
        self.section(w, "Reused phrases", &thousands(ps.len()))?;
        if ps.is_empty() {
            return self.empty(
                w,
                "No phrase of three or more words is shared by two documents.",
            );
        }
        let n = shown(ps.len(), self.top);
        for p in &ps[..n] {
            writeln!(
                w,
                "  «{}»  {} words, {}",
                snippet(&p.text, SNIPPET_CHARS),
                p.tokens,
                plural(p.docs, "document", "documents"),
            )?;
            let ids: Vec<&str> = p.occurrences.iter().map(|o| o.doc.as_str()).collect();
            self.ids(w, "      ", &ids, None)?;
        }
        self.more(w, "  ", ps.len(), n, "")
    }

    fn formula(&self, w: &mut dyn Write) -> io::Result<()> {
        let fs = &self.report.formula;
        self.section(w, "Formula and templates (not reuse)", &thousands(fs.len()))?;
        if fs.is_empty() {
            let msg = match self.report.params.formula_min_clusters {
                Some(c) => format!(
                    "None: no text recurs in {c} or more unrelated documents (copies of one story count once)."
                ),
                None => "None.".to_string(),
            };
            return self.empty(w, &msg);
        }
        let n = shown(fs.len(), self.top);
        for f in &fs[..n] {
            writeln!(
                w,
                "  «{}»  {} ({})",
                snippet(&f.template, SNIPPET_CHARS),
                plural(f.docs, "document", "documents"),
                pct(f.fraction)
            )?;
            writeln!(
                w,
                "      e.g. {} «{}»",
                self.st.id(&f.example.doc),
                snippet(&f.text, SNIPPET_CHARS)
            )?;
        }
        self.more(w, "  ", fs.len(), n, "")
    }

    fn skipped(&self, w: &mut dyn Write) -> io::Result<()> {
        let ss = &self.report.skipped;
        self.section(w, "Skipped documents", &thousands(ss.len()))?;
        if ss.is_empty() {
            return self.empty(w, "None: every document read was analysed.");
        }
        // Grouped by reason, reasons in order of first appearance.
        let mut by_reason: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
        for (i, s) in ss.iter().enumerate() {
            let src = if s.source.is_empty() || s.source == s.id {
                s.id.clone()
            } else {
                format!("{} ({})", s.id, short_source(&s.source))
            };
            by_reason
                .entry(&s.reason)
                .or_insert((i, Vec::new()))
                .1
                .push(src);
        }
        let mut groups: Vec<(&str, usize, Vec<String>)> =
            by_reason.into_iter().map(|(k, (i, v))| (k, i, v)).collect();
        groups.sort_by_key(|g| g.1);
        let n = shown(groups.len(), self.top);
        for (reason, _, docs) in &groups[..n] {
            writeln!(
                w,
                "  {}: {}",
                plural(docs.len(), "document", "documents"),
                reason
            )?;
            let ids: Vec<&str> = docs.iter().map(String::as_str).collect();
            self.ids(w, "      ", &ids, None)?;
        }
        self.more(w, "  ", groups.len(), n, "reasons")
    }

    fn warnings(&self, w: &mut dyn Write) -> io::Result<()> {
        let ws = &self.report.warnings;
        self.section(w, "Warnings", &thousands(ws.len()))?;
        if ws.is_empty() {
            return self.empty(w, "None.");
        }
        let n = shown(ws.len(), self.top);
        for msg in &ws[..n] {
            let lines = wrap(msg, WIDTH - 4);
            for (i, l) in lines.iter().enumerate() {
                let mark = if i == 0 {
                    self.st.warn("!")
                } else {
                    " ".to_string()
                };
                writeln!(w, "  {mark} {l}")?;
            }
        }
        self.more(w, "  ", ws.len(), n, "")
    }
}

/// Per-pair passages, as [`passages_by_pair`] gives them.
type PairPassages<'r> = ahash::AHashMap<(&'r str, &'r str), Vec<usize>>;

/// The key terms of a passage, for centring its snippets.
fn terms(p: &Passage) -> Vec<&str> {
    p.terms.iter().map(String::as_str).collect()
}

/// The last path component of a source (`dir/feed.jsonl:4` → `feed.jsonl:4`).
fn short_source(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Words of `s` filled into lines of at most `width` characters (a longer
/// word gets a line of its own).
pub(crate) fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in s.split_whitespace() {
        let n = word.chars().count();
        if len > 0 && len + 1 + n > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += n;
    }
    if len > 0 {
        lines.push(line);
    }
    lines
}

/// A share in 0..1 as a whole percentage rounded down, so that a share
/// just under a threshold never reads as the threshold itself.
fn floor_pct(x: f64) -> String {
    format!("{:.0}%", (x * 100.0 + 1e-9).floor())
}

/// A value in 0..1 with two decimals, rounded down (0.4998 reads 0.49,
/// not the threshold 0.50).
fn floor2(x: f64) -> String {
    format!("{:.2}", (x * 100.0 + 1e-9).floor() / 100.0)
}

/// A share in 0..1 as a whole percentage; a small non-zero share is `<1%`.
fn pct(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

fn params_line(p: &Params) -> String {
    params_list(p)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_fills_lines_and_keeps_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("  ", 6), Vec::<String>::new());
        assert_eq!(wrap("abcdefgh x", 4), vec!["abcdefgh", "x"]);
    }
}
