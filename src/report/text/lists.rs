//! Reused phrases, formula, skipped documents and warnings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{SNIPPET_CHARS, TextRenderer, WIDTH, short_source, wrap};
use crate::report::{pct, plural, shown, snippet, thousands};

impl TextRenderer<'_> {
    pub(super) fn phrases(&self, w: &mut dyn Write) -> io::Result<()> {
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

    pub(super) fn formula(&self, w: &mut dyn Write) -> io::Result<()> {
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

    pub(super) fn skipped(&self, w: &mut dyn Write) -> io::Result<()> {
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

    pub(super) fn warnings(&self, w: &mut dyn Write) -> io::Result<()> {
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
