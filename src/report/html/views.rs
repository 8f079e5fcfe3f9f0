//! The side-by-side views: both texts with every passage highlighted.

use std::io::{self, Write};

use super::markup::{KINDS, esc, heading, id_html, kind_class, kind_name, note, relation_name};
use super::{Highlight, Page, View};
use crate::report::{Passage, floor_pct, floor2};

/// Documents longer than this (bytes) have long stretches without any
/// passage shortened in side-by-side views, to keep big reports small.
const ELIDE_ABOVE: usize = 64 * 1024;
/// In such documents, a stretch without passages longer than this (chars)…
const ELIDE_GAP: usize = 1200;
/// …keeps this many characters at each end.
const ELIDE_KEEP: usize = 400;

impl Page<'_> {
    pub(super) fn views(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<section>")?;
        heading(
            w,
            "views",
            "مقارنة جنبًا إلى جنب",
            "Side by side",
            Some(self.linked),
        )?;
        if self.views.is_empty() {
            note(w, "No two documents share a passage.")?;
            return writeln!(w, "</section>");
        }
        if self.linked > self.views.len() {
            note(
                w,
                &format!(
                    "Showing the first {} of {} linked pairs of documents; the JSON report lists them all.",
                    self.views.len(),
                    self.linked
                ),
            )?;
        }
        writeln!(
            w,
            "<p class=\"legend\" lang=\"en\"><mark class=\"hl v\">verbatim · حرفي</mark> <mark class=\"hl n\">narrative · سردي</mark> <mark class=\"hl r\">repeat · تكرار</mark> <span class=\"note\" dir=\"ltr\">Click a numbered tag or a highlight to jump to its counterpart.</span></p>"
        )?;
        writeln!(w, "<ol class=\"view-index\">")?;
        for (i, v) in self.views.iter().enumerate() {
            let what = match v.pair {
                Some(p) => format!(
                    "{} · Jaccard {}",
                    relation_name(p.relation),
                    floor2(p.jaccard)
                ),
                None => "linked by passages".to_string(),
            };
            writeln!(
                w,
                "<li><a href=\"#view-{}\">{} ↔ {}</a> <small lang=\"en\" dir=\"ltr\">{what}</small></li>",
                i + 1,
                id_html(v.a),
                id_html(v.b)
            )?;
        }
        writeln!(w, "</ol>")?;
        for (i, v) in self.views.iter().enumerate() {
            self.view(w, i + 1, v)?;
        }
        writeln!(w, "</section>")
    }

    /// The highlights of view `vi` in each column, and its passages by kind.
    pub(super) fn highlights(
        &self,
        vi: usize,
        v: &View<'_>,
    ) -> ([Vec<Highlight>; 2], [usize; KINDS.len()]) {
        let r = self.r;
        let mut cols: [Vec<Highlight>; 2] = [Vec::new(), Vec::new()];
        let mut counts = [0usize; KINDS.len()];
        for (n, &pi) in v.passages.iter().enumerate() {
            let p: &Passage = &r.passages[pi];
            counts[p.kind as usize] += 1;
            for (own, loc, other) in [("a", &p.a, &p.b), ("b", &p.b, &p.a)] {
                let col = if loc.doc == v.a {
                    0
                } else if loc.doc == v.b {
                    1
                } else {
                    continue;
                };
                let side = |s: &str| format!("v{vi}-p{}-{s}", n + 1);
                let target_side = if own == "a" { "b" } else { "a" };
                let title = format!(
                    "{} {} · {} tokens · score {:.2} · ↔ {} [{}..{}]{}",
                    kind_name(p.kind),
                    n + 1,
                    if own == "a" { p.tokens_a } else { p.tokens_b },
                    p.score,
                    other.doc,
                    other.start,
                    other.end,
                    if p.terms.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", p.terms.join("، "))
                    }
                );
                cols[col].push(Highlight {
                    start: loc.start,
                    end: loc.end,
                    kind: p.kind,
                    num: n + 1,
                    own: side(own),
                    target: side(target_side),
                    title,
                });
            }
        }
        (cols, counts)
    }

    pub(super) fn view(&self, w: &mut dyn Write, vi: usize, v: &View<'_>) -> io::Result<()> {
        let (cols, counts) = self.highlights(vi, v);
        writeln!(w, "<article class=\"view\" id=\"view-{vi}\">")?;
        write!(
            w,
            "<h3><span class=\"badge\">{vi}</span> {} ↔ {}",
            id_html(v.a),
            id_html(v.b)
        )?;
        writeln!(w, "</h3>")?;
        write!(w, "<div class=\"stats\" lang=\"en\">")?;
        if let Some(p) = v.pair {
            write!(
                w,
                "<span class=\"chip\" dir=\"ltr\">{} · Jaccard <b>{}</b></span><span class=\"chip\" dir=\"ltr\"><b>{}</b> of {} found in {}</span><span class=\"chip\" dir=\"ltr\"><b>{}</b> of {} found in {}</span>",
                relation_name(p.relation),
                floor2(p.jaccard),
                floor_pct(p.containment_a),
                id_html(&p.a),
                id_html(&p.b),
                floor_pct(p.containment_b),
                id_html(&p.b),
                id_html(&p.a)
            )?;
        } else {
            write!(
                w,
                "<span class=\"chip\" dir=\"ltr\">not a near-duplicate pair: linked by shared passages</span>"
            )?;
        }
        for (k, c) in counts.iter().enumerate() {
            if *c > 0 {
                write!(
                    w,
                    "<span class=\"chip {}\">{c} {}</span>",
                    kind_class(KINDS[k]),
                    kind_name(KINDS[k])
                )?;
            }
        }
        writeln!(w, "<a class=\"top\" href=\"#views\">↑</a></div>")?;
        writeln!(w, "<div class=\"sbs\">")?;
        for (col, doc) in [v.a, v.b].into_iter().enumerate() {
            self.column(w, doc, &cols[col])?;
        }
        writeln!(w, "</div>")?;
        writeln!(w, "</article>")
    }

    /// One column of a view: the document's head and its text with `hls`.
    pub(super) fn column(&self, w: &mut dyn Write, doc: &str, hls: &[Highlight]) -> io::Result<()> {
        let text = self.texts.text(doc);
        let meta = self.meta.get(doc);
        write!(
            w,
            "<div class=\"doc\"><div class=\"doc-head\">{}",
            self.doc_html(doc)
        )?;
        if let Some(d) = meta {
            if !d.source.is_empty() && d.source != d.id {
                write!(w, " <bdi class=\"src\">{}</bdi>", esc(&d.source))?;
            }
            write!(
                w,
                " <small lang=\"en\" dir=\"ltr\">{} tokens</small>",
                d.tokens
            )?;
        }
        writeln!(w, "</div>")?;
        match text {
            Some(t) => {
                write!(w, "<div class=\"text\" dir=\"auto\">")?;
                let dropped = write_highlighted(w, t, hls)?;
                writeln!(w, "</div>")?;
                if dropped > 0 {
                    note(
                        w,
                        &format!(
                            "{dropped} passage span(s) fall outside this text and are not shown."
                        ),
                    )?;
                }
            }
            None => writeln!(
                w,
                "<p class=\"note\" lang=\"en\">Original text not available.</p>"
            )?,
        }
        writeln!(w, "</div>")?;
        Ok(())
    }
}

/// Writes `text` with `hls` highlighted; returns the number of highlights
/// dropped because their span is not a valid range of `text`.
///
/// The text is cut at every highlight boundary; each piece is wrapped in one
/// `<mark>` listing every highlight that covers it (innermost first), so
/// overlapping and nested passages render without broken markup. A numbered
/// tag carrying the highlight's `id` opens each highlight.
fn write_highlighted(w: &mut dyn Write, text: &str, hls: &[Highlight]) -> io::Result<usize> {
    let valid: Vec<&Highlight> = hls
        .iter()
        .filter(|h| {
            h.start <= h.end
                && h.end <= text.len()
                && text.is_char_boundary(h.start)
                && text.is_char_boundary(h.end)
        })
        .collect();
    let dropped = hls.len() - valid.len();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for h in &valid {
        cuts.push(h.start);
        cuts.push(h.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    // Highlights by start, so tags come out in order at each cut.
    let mut by_start: Vec<&Highlight> = valid.clone();
    by_start.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.num));
    let mut next = 0;
    for win in cuts.windows(2) {
        let (x, y) = (win[0], win[1]);
        while next < by_start.len() && by_start[next].start == x {
            let h = by_start[next];
            let k = kind_class(h.kind);
            write!(
                w,
                "<a class=\"tag {k}\" id=\"{}\" href=\"#{}\" data-target=\"{}\" data-p=\"{}\" title=\"{}\">{}</a>",
                h.own,
                h.target,
                h.target,
                h.own,
                esc(&h.title),
                h.num
            )?;
            next += 1;
        }
        let mut cover: Vec<&Highlight> = valid
            .iter()
            .copied()
            .filter(|h| h.start <= x && y <= h.end)
            .collect();
        if cover.is_empty() {
            write_plain(w, &text[x..y], text.len() > ELIDE_ABOVE)?;
            continue;
        }
        let piece = esc(&text[x..y]);
        cover.sort_by_key(|h| (h.end - h.start, h.num));
        let mut class = String::from("hl");
        for c in ["v", "n", "r"] {
            if cover.iter().any(|h| kind_class(h.kind) == c) {
                class.push(' ');
                class.push_str(c);
            }
        }
        if cover.len() > 1 {
            class.push_str(" multi");
        }
        let own: Vec<&str> = cover.iter().map(|h| h.own.as_str()).collect();
        let target: Vec<&str> = cover.iter().map(|h| h.target.as_str()).collect();
        write!(
            w,
            "<mark class=\"{class}\" data-p=\"{}\" data-target=\"{}\">{piece}</mark>",
            own.join(" "),
            target.join(" ")
        )?;
    }
    // Tags of empty highlights at the very end of the text.
    for h in &by_start[next..] {
        write!(
            w,
            "<a class=\"tag {}\" id=\"{}\" href=\"#{}\" data-target=\"{}\" data-p=\"{}\">{}</a>",
            kind_class(h.kind),
            h.own,
            h.target,
            h.target,
            h.own,
            h.num
        )?;
    }
    Ok(dropped)
}

/// Writes text outside any passage; when `elide`, a long stretch keeps only
/// its two ends around a note giving the number of characters left out.
fn write_plain(w: &mut dyn Write, piece: &str, elide: bool) -> io::Result<()> {
    let chars = if elide { piece.chars().count() } else { 0 };
    if chars <= ELIDE_GAP {
        return w.write_all(esc(piece).as_bytes());
    }
    let head_end = piece
        .char_indices()
        .nth(ELIDE_KEEP)
        .map_or(piece.len(), |(i, _)| i);
    let tail_start = piece
        .char_indices()
        .nth(chars - ELIDE_KEEP)
        .map_or(piece.len(), |(i, _)| i);
    write!(
        w,
        "{}<span class=\"elided\" lang=\"en\" dir=\"ltr\">[… {} characters without shared passages …]</span>{}",
        esc(&piece[..head_end]),
        chars - 2 * ELIDE_KEEP,
        esc(&piece[tail_start..])
    )
}
