//! The page header (totals, findings), the parameters and the heat map.

use std::io::{self, Write};

use ahash::AHashMap as HashMap;

use super::markup::{esc, heading, id_html, note};
use super::{Page, key};
use crate::report::{
    Pair, PassageKind, Relation, Report, findings, floor_pct, floor2, params_list, shown, thousands,
};

impl Page<'_> {
    pub(super) fn header(&self, w: &mut dyn Write, tool: &str) -> io::Result<()> {
        let r = self.r;
        let s = &r.summary;
        let count = |k| r.passages.iter().filter(|p| p.kind == k).count();
        writeln!(w, "<header>")?;
        writeln!(
            w,
            "<h1>أثر <span class=\"en\" lang=\"en\" dir=\"ltr\">{} · shared passages report</span></h1>",
            esc(tool)
        )?;
        writeln!(w, "<nav lang=\"en\">")?;
        for (href, name) in [
            ("#heatmap", "Heat map"),
            ("#pairs", "Pairs"),
            ("#clusters", "Clusters"),
            ("#passages", "Passages"),
            ("#narratives", "Narratives"),
            ("#narrative-links", "Narrative links"),
            ("#phrases", "Phrases"),
            ("#formula", "Formula"),
            ("#skipped", "Skipped"),
            ("#views", "Side by side"),
        ] {
            writeln!(w, "<a href=\"{href}\">{name}</a>")?;
        }
        writeln!(w, "</nav>")?;
        writeln!(w, "<div class=\"cards\">")?;
        let cards: [(usize, &str, &str, &str); 10] = [
            (s.documents_read, "وثائق", "documents read", ""),
            (s.analysed, "محلَّلة", "analysed", ""),
            (
                s.skipped,
                "مستبعدة",
                "skipped",
                if s.skipped > 0 { "warn" } else { "" },
            ),
            (
                r.pairs
                    .iter()
                    .filter(|p| p.relation != Relation::SharesPassages)
                    .count(),
                "أزواج متشابهة",
                "near-duplicate or contained pairs",
                "pairs",
            ),
            (r.clusters.len(), "مجموعات", "clusters", ""),
            (
                count(PassageKind::Verbatim),
                "مقاطع حرفية",
                "verbatim passages",
                "v",
            ),
            (
                count(PassageKind::Mixed) + count(PassageKind::Reworded),
                "مقاطع معاد صياغتها",
                "reworded passages",
                "n",
            ),
            (
                r.narrative_links.len(),
                "روابط سردية",
                "narrative links",
                "n",
            ),
            (count(PassageKind::Repeat), "تكرارات", "repeats", "r"),
            (r.narratives.len(), "سرديات", "narratives", ""),
        ];
        for (n, ar, en, class) in cards {
            let n = thousands(n);
            writeln!(
                w,
                "<div class=\"card {class}\"><b>{n}</b><span>{ar}</span><small lang=\"en\" dir=\"ltr\">{en}</small></div>"
            )?;
        }
        writeln!(w, "</div>")?;
        writeln!(
            w,
            "<p class=\"note\" lang=\"en\" dir=\"ltr\">{} bytes, {} tokens and {} sentences analysed.</p>",
            thousands(s.bytes as usize),
            thousands(s.tokens as usize),
            thousands(s.sentences as usize)
        )?;
        let found = findings(r);
        let mut para = String::from("Found: ");
        para.push_str(&found.join("; "));
        para.push('.');
        writeln!(
            w,
            "<p class=\"found\" lang=\"en\" dir=\"ltr\">{}</p>",
            esc(&para)
        )?;
        writeln!(w, "</header>")
    }

    pub(super) fn params(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<section>")?;
        heading(w, "params", "المعايير", "Parameters", None)?;
        writeln!(w, "<dl class=\"params\" dir=\"ltr\" lang=\"en\">")?;
        for (k, v) in params_list(&self.r.params) {
            writeln!(w, "<div><dt>{k}</dt><dd>{}</dd></div>", esc(&v))?;
        }
        writeln!(w, "</dl>")?;
        writeln!(w, "</section>")
    }
    pub(super) fn heatmap(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        writeln!(w, "<section>")?;
        heading(w, "heatmap", "خريطة التشابه", "Similarity heat map", None)?;
        // Near-duplicate and contained pairs only: pairs that merely share a
        // passage would fill the map with faint cells.
        let pairs: Vec<&Pair> = r
            .pairs
            .iter()
            .filter(|p| p.relation != Relation::SharesPassages)
            .collect();
        if pairs.is_empty() {
            note(w, "No near-duplicate or contained pairs to map.")?;
            return writeln!(w, "</section>");
        }
        let (docs, total) = heat_docs(r, &pairs, self.opts.max_heatmap_docs);
        let index: HashMap<&str, usize> = docs.iter().enumerate().map(|(i, d)| (d.0, i)).collect();
        let n = docs.len();
        let mut cell: Vec<Option<(f64, &Pair)>> = vec![None; n * n];
        for &p in &pairs {
            if let (Some(&i), Some(&j)) = (index.get(p.a.as_str()), index.get(p.b.as_str())) {
                cell[i * n + j].get_or_insert((p.containment_a, p));
                cell[j * n + i].get_or_insert((p.containment_b, p));
            }
        }
        note(
            w,
            "Each cell is the share of the <b>row</b> document found in the <b>column</b> document \
             (containment), for near-duplicate and contained pairs: a dark row is a document \
             mostly copied from elsewhere. Hover for details; click to open the side-by-side view.",
        )?;
        if total > n {
            note(
                w,
                &format!("Showing the {n} most linked of the {total} documents in pairs."),
            )?;
        }
        writeln!(w, "<div class=\"heat-wrap\"><table class=\"heat\">")?;
        write!(w, "<tr><th></th>")?;
        for (j, (d, _)) in docs.iter().enumerate() {
            write!(w, "<th class=\"col\" title=\"{}\">{}</th>", esc(d), j + 1)?;
        }
        writeln!(w, "</tr>")?;
        let show_numbers = n <= 24;
        for (i, (d, _)) in docs.iter().enumerate() {
            write!(
                w,
                "<tr><th class=\"row\"><span class=\"num\">{}</span> {}</th>",
                i + 1,
                id_html(d)
            )?;
            for (j, (e, _)) in docs.iter().enumerate() {
                if i == j {
                    write!(w, "<td class=\"diag\"></td>")?;
                    continue;
                }
                match cell[i * n + j] {
                    None => write!(w, "<td></td>")?,
                    Some((c, p)) => {
                        let title = format!(
                            "{} in {}: {} · Jaccard {} · {} passages",
                            d,
                            e,
                            floor_pct(c),
                            floor2(p.jaccard),
                            p.passages
                        );
                        let text = if show_numbers {
                            format!("{:.0}", (c * 100.0 + 1e-9).floor())
                        } else {
                            String::new()
                        };
                        let dark = if c >= 0.55 { " dark" } else { "" };
                        let inner = match self.view_of.get(&key(&p.a, &p.b)) {
                            Some(v) => format!("<a href=\"#view-{}\">{text}</a>", v + 1),
                            None => text,
                        };
                        write!(
                            w,
                            "<td class=\"hit{dark}\" style=\"--c:{:.3}\" title=\"{}\">{inner}</td>",
                            c.clamp(0.0, 1.0),
                            esc(&title)
                        )?;
                    }
                }
            }
            writeln!(w, "</tr>")?;
        }
        writeln!(w, "</table></div>")?;
        writeln!(w, "</section>")
    }
}

/// A document of the heat map: its id, and its number of pairs, highest
/// containment and input position.
type HeatDoc<'r> = (&'r str, (usize, f64, usize));

/// The documents of the heat map: those in `pairs`, the most linked first
/// (then the highest containment), cut at `max` (0: all), shown in input
/// order. Returns them and the number of documents in pairs.
fn heat_docs<'r>(r: &Report, pairs: &[&'r Pair], max: usize) -> (Vec<HeatDoc<'r>>, usize) {
    // Documents in pairs, the most linked first; shown in input order.
    let mut stats: HashMap<&str, (usize, f64, usize)> = HashMap::new();
    for (i, p) in pairs.iter().enumerate() {
        for (d, c) in [
            (p.a.as_str(), p.containment_a),
            (p.b.as_str(), p.containment_b),
        ] {
            let e = stats.entry(d).or_insert((0, 0.0, r.documents.len() + i));
            e.0 += 1;
            e.1 = e.1.max(c);
        }
    }
    for (i, d) in r.documents.iter().enumerate() {
        if let Some(e) = stats.get_mut(d.id.as_str()) {
            e.2 = e.2.min(i);
        }
    }
    let mut docs: Vec<(&str, (usize, f64, usize))> = stats.into_iter().collect();
    docs.sort_by(|x, y| {
        y.1.0
            .cmp(&x.1.0)
            .then(y.1.1.total_cmp(&x.1.1))
            .then(x.1.2.cmp(&y.1.2))
    });
    let total = docs.len();
    docs.truncate(shown(total, max));
    docs.sort_by_key(|d| (d.1.2, d.0));
    (docs, total)
}
