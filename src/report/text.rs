//! Text renderer: the readable terminal report (the default format).
//!
//! Sections, in order: header (totals and parameters), near-duplicate
//! clusters, similar pairs, shared passages, repeats, narratives, reused
//! phrases, boilerplate, skipped documents, warnings. Each section lists at
//! most [`RenderOptions::top`] items and ends with "… and N more" when cut;
//! an empty section says why it is empty instead of vanishing.
//!
//! Quotes of the original text are short one-line snippets in logical
//! order: Arabic is never reversed here, the terminal shapes and orders it.

use std::io::{self, Write};

use super::{
    Loc, Params, Passage, PassageKind, RenderOptions, Report, TextSource, loc_text, params_list,
    shown, snippet,
};

/// Longest snippet quoted, in characters.
const SNIPPET_CHARS: usize = 80;
/// Most document ids listed on one line before "+N".
const MAX_IDS: usize = 6;

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
    r.passages(&mut w)?;
    r.repeats(&mut w)?;
    r.narratives(&mut w)?;
    r.phrases(&mut w)?;
    r.boilerplate(&mut w)?;
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
            PassageKind::Narrative => ("1;35", "narrative"),
            PassageKind::Repeat => ("1;34", "repeat   "),
        };
        self.paint(sgr, name)
    }
}

struct TextRenderer<'a> {
    report: &'a Report,
    texts: &'a dyn TextSource,
    top: usize,
    st: Style,
}

impl TextRenderer<'_> {
    fn section(&self, w: &mut dyn Write, name: &str, count: usize) -> io::Result<()> {
        writeln!(w)?;
        writeln!(
            w,
            "{} {}",
            self.st.title(name),
            self.st.dim(&format!("({count})"))
        )
    }

    fn more(&self, w: &mut dyn Write, total: usize, shown: usize) -> io::Result<()> {
        if total > shown {
            writeln!(
                w,
                "  {}",
                self.st.dim(&format!("… and {} more", total - shown))
            )?;
        }
        Ok(())
    }

    fn empty(&self, w: &mut dyn Write, msg: &str) -> io::Result<()> {
        writeln!(w, "  {}", self.st.dim(msg))
    }

    /// `«snippet»` of `loc`, or a note when the text is unavailable.
    fn quote(&self, loc: &Loc) -> String {
        match loc_text(self.texts, loc) {
            Some(t) => format!("«{}»", snippet(t, SNIPPET_CHARS)),
            None => self.st.dim("(text not available)"),
        }
    }

    fn ids<'s>(&self, ids: impl ExactSizeIterator<Item = &'s str>) -> String {
        let total = ids.len();
        let mut v: Vec<String> = ids.take(MAX_IDS).map(|i| self.st.id(i)).collect();
        if total > MAX_IDS {
            v.push(format!("+{}", total - MAX_IDS));
        }
        v.join(", ")
    }

    fn header(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let s = &r.summary;
        let tool = if r.tool.is_empty() { "athar" } else { &r.tool };
        writeln!(w, "{}", self.st.bold(&format!("{tool} report")))?;
        writeln!(
            w,
            "Documents: {} read, {} analysed, {} skipped ({} bytes, {} tokens, {} sentences analysed)",
            s.documents_read, s.analysed, s.skipped, s.bytes, s.tokens, s.sentences
        )?;
        writeln!(w, "Parameters: {}", params_line(&r.params))?;
        let by_kind = |k| r.passages.iter().filter(|p| p.kind == k).count();
        writeln!(
            w,
            "Found: {} in {}, {} and {}, {}, {}, {}",
            count(r.pairs.len(), "similar pair"),
            count(r.clusters.len(), "cluster"),
            count(by_kind(PassageKind::Verbatim), "verbatim passage"),
            count(by_kind(PassageKind::Narrative), "narrative passage"),
            count(by_kind(PassageKind::Repeat), "repeat"),
            count(r.narratives.len(), "narrative"),
            count(r.phrases.len(), "reused phrase")
        )
    }

    fn clusters(&self, w: &mut dyn Write) -> io::Result<()> {
        let cs = &self.report.clusters;
        self.section(w, "Near-duplicate clusters", cs.len())?;
        if cs.is_empty() {
            return self.empty(
                w,
                "None: no group of documents are near-duplicates of each other.",
            );
        }
        let n = shown(cs.len(), self.top);
        for c in &cs[..n] {
            writeln!(
                w,
                "  #{:<3} {} documents, representative {}",
                c.id,
                c.members.len(),
                self.st.id(&c.representative)
            )?;
            writeln!(
                w,
                "        {}",
                self.ids(c.members.iter().map(String::as_str))
            )?;
        }
        self.more(w, cs.len(), n)
    }

    fn pairs(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.report;
        let ps = &r.pairs;
        self.section(w, "Similar pairs", ps.len())?;
        if ps.is_empty() {
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
                0 => msg.push_str(", and no shared passages."),
                1 => msg.push_str("; 1 passage link below."),
                n => msg.push_str(&format!("; {n} passage links below.")),
            }
            return self.empty(w, &msg);
        }
        let n = shown(ps.len(), self.top);
        for p in &ps[..n] {
            let est = p
                .estimated_jaccard
                .map(|e| format!(" (MinHash {e:.2})"))
                .unwrap_or_default();
            writeln!(
                w,
                "  {} ↔ {}  Jaccard {}{est}",
                self.st.id(&p.a),
                self.st.id(&p.b),
                self.st.bold(&format!("{:.2}", p.jaccard)),
            )?;
            writeln!(
                w,
                "      {} of {} and {} of {} shared; {}, {}",
                pct(p.containment_a),
                p.a,
                pct(p.containment_b),
                p.b,
                count(p.shared_shingles, "shared shingle"),
                count(p.passages, "verbatim passage")
            )?;
        }
        self.more(w, ps.len(), n)
    }

    fn passage(&self, w: &mut dyn Write, i: usize, p: &Passage) -> io::Result<()> {
        writeln!(
            w,
            "  {:>3}. {}  {} {} ↔ {} {}  {} tokens  score {:.2}",
            i + 1,
            self.st.kind(p.kind),
            self.st.id(&p.a.doc),
            self.st.dim(&format!("[{}..{}]", p.a.start, p.a.end)),
            self.st.id(&p.b.doc),
            self.st.dim(&format!("[{}..{}]", p.b.start, p.b.end)),
            if p.tokens_a == p.tokens_b {
                p.tokens_a.to_string()
            } else {
                format!("{}/{}", p.tokens_a, p.tokens_b)
            },
            p.score
        )?;
        if !p.terms.is_empty() {
            writeln!(w, "       terms: {}", p.terms.join("، "))?;
        }
        writeln!(w, "       {}  {}", self.st.id(&p.a.doc), self.quote(&p.a))?;
        writeln!(w, "       {}  {}", self.st.id(&p.b.doc), self.quote(&p.b))
    }

    fn passages(&self, w: &mut dyn Write) -> io::Result<()> {
        let ps: Vec<&Passage> = self
            .report
            .passages
            .iter()
            .filter(|p| p.kind != PassageKind::Repeat)
            .collect();
        self.section(w, "Shared passages", ps.len())?;
        if ps.is_empty() {
            let msg = match self.report.params.min_passage {
                Some(m) => format!("No passage of ≥ {m} tokens is shared between documents."),
                None => "No passage is shared between documents.".to_string(),
            };
            return self.empty(w, &msg);
        }
        writeln!(
            w,
            "  {}",
            self.st
                .dim("[start..end] are byte offsets in the original text")
        )?;
        let n = shown(ps.len(), self.top);
        for (i, p) in ps[..n].iter().enumerate() {
            self.passage(w, i, p)?;
        }
        self.more(w, ps.len(), n)
    }

    fn repeats(&self, w: &mut dyn Write) -> io::Result<()> {
        let ps: Vec<&Passage> = self
            .report
            .passages
            .iter()
            .filter(|p| p.kind == PassageKind::Repeat)
            .collect();
        self.section(w, "Repeats inside documents", ps.len())?;
        if ps.is_empty() {
            return self.empty(w, "No passage is repeated inside a document.");
        }
        let n = shown(ps.len(), self.top);
        for p in &ps[..n] {
            writeln!(
                w,
                "  {} {} = {}  {} tokens",
                self.st.id(&p.a.doc),
                self.st.dim(&format!("[{}..{}]", p.a.start, p.a.end)),
                self.st.dim(&format!("[{}..{}]", p.b.start, p.b.end)),
                p.tokens_a
            )?;
            writeln!(w, "       {}", self.quote(&p.a))?;
        }
        self.more(w, ps.len(), n)
    }

    fn narratives(&self, w: &mut dyn Write) -> io::Result<()> {
        let ns = &self.report.narratives;
        self.section(w, "Narratives", ns.len())?;
        if ns.is_empty() {
            return self.empty(w, "No story or passage recurs across documents.");
        }
        let n = shown(ns.len(), self.top);
        for nar in &ns[..n] {
            writeln!(
                w,
                "  #{:<3} {}  {}, {}{}",
                nar.id,
                self.st.bold(&nar.label),
                count(nar.docs, "document"),
                count(nar.members.len(), "passage"),
                if nar.verbatim { ", all verbatim" } else { "" }
            )?;
            let m = shown(nar.members.len(), self.top);
            for (i, loc) in nar.members[..m].iter().enumerate() {
                let mark = if i == nar.representative { "*" } else { " " };
                writeln!(
                    w,
                    "      {mark}{}  {}",
                    self.st.id(&loc.doc),
                    self.quote(loc)
                )?;
            }
            if nar.members.len() > m {
                writeln!(
                    w,
                    "       {}",
                    self.st
                        .dim(&format!("… and {} more", nar.members.len() - m))
                )?;
            }
        }
        self.more(w, ns.len(), n)
    }

    fn phrases(&self, w: &mut dyn Write) -> io::Result<()> {
        let ps = &self.report.phrases;
        self.section(w, "Reused phrases", ps.len())?;
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
                "  «{}»  {} words, {} documents: {}",
                snippet(&p.text, SNIPPET_CHARS),
                p.tokens,
                p.docs,
                self.ids(p.occurrences.iter().map(|o| o.doc.as_str()))
            )?;
        }
        self.more(w, ps.len(), n)
    }

    fn boilerplate(&self, w: &mut dyn Write) -> io::Result<()> {
        let bs = &self.report.boilerplate;
        self.section(w, "Boilerplate (ignored)", bs.len())?;
        if bs.is_empty() {
            let msg = match self.report.params.max_df {
                Some(df) => format!("None: no phrase occurs in more than {df} documents."),
                None => "None.".to_string(),
            };
            return self.empty(w, &msg);
        }
        let n = shown(bs.len(), self.top);
        for b in &bs[..n] {
            writeln!(
                w,
                "  «{}»  {} documents ({})",
                snippet(&b.text, SNIPPET_CHARS),
                b.docs,
                pct(b.fraction)
            )?;
        }
        self.more(w, bs.len(), n)
    }

    fn skipped(&self, w: &mut dyn Write) -> io::Result<()> {
        let ss = &self.report.skipped;
        self.section(w, "Skipped documents", ss.len())?;
        if ss.is_empty() {
            return self.empty(w, "None: every document read was analysed.");
        }
        let n = shown(ss.len(), self.top);
        for s in &ss[..n] {
            let src = if s.source.is_empty() || s.source == s.id {
                String::new()
            } else {
                format!(" ({})", s.source)
            };
            writeln!(w, "  {}{src}: {}", self.st.id(&s.id), s.reason)?;
        }
        self.more(w, ss.len(), n)
    }

    fn warnings(&self, w: &mut dyn Write) -> io::Result<()> {
        let ws = &self.report.warnings;
        self.section(w, "Warnings", ws.len())?;
        if ws.is_empty() {
            return self.empty(w, "None.");
        }
        let n = shown(ws.len(), self.top);
        for msg in &ws[..n] {
            writeln!(w, "  {} {msg}", self.st.warn("!"))?;
        }
        self.more(w, ws.len(), n)
    }
}

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A share in 0..1 as a whole percentage.
fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn params_line(p: &Params) -> String {
    params_list(p)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}
