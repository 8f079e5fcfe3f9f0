//! Text renderer: the readable terminal report (the default format).
//!
//! Sections, in order: header (totals, a plain-words summary of what was
//! found, parameters), near-duplicate clusters (with their propagation
//! when dates are given), similar pairs, outlets (who copies whom, when
//! outlets and dates are given), shared
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
//!
//! Files: this one writes the header and holds the layout helpers;
//! `pairs.rs` the clusters and pairs, `passages.rs` the passages, repeats,
//! narratives and narrative links, `lists.rs` phrases, formula, skipped
//! documents and warnings.

mod lists;
mod pairs;
mod passages;

use std::io::{self, Write};

use super::{
    Loc, Params, Passage, PassageKind, Relation, RenderOptions, Report, TextSource, findings,
    loc_text, params_list, plural, snippet, snippet_at, thousands,
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
/// Most later sightings listed in a cluster's propagation.
const MAX_SIGHTINGS: usize = 8;
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
        meta: report
            .documents
            .iter()
            .filter_map(|d| Some((d.id.as_str(), d.meta.as_ref()?)))
            .collect(),
    };
    r.header(&mut w)?;
    r.clusters(&mut w)?;
    r.pairs(&mut w)?;
    r.outlet_flows(&mut w)?;
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
    /// Outlet, date, title, url of the documents that have any, by id.
    meta: std::collections::HashMap<&'a str, &'a crate::corpus::DocMeta>,
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
}

/// Per-pair passages, as [`passages_by_pair`](super::passages_by_pair) gives them.
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
