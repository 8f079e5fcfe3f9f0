//! HTML renderer: one self-contained page (inline CSS and JavaScript, no
//! network, system fonts only), right-to-left for Arabic.
//!
//! The page has an overview (totals, parameters), a documents × documents
//! heat map of containment, the lists (pairs, clusters, narratives, phrases,
//! boilerplate, skipped documents, warnings), then one side-by-side view per
//! linked pair of documents: every pair in `pairs`, then every other pair of
//! documents that shares a passage (e.g. a narrative link below the
//! near-duplicate threshold). Shared passages are highlighted in both texts:
//! verbatim, narrative and repeats in different colours. Each passage side
//! starts with a numbered tag (`id` = its own side, `data-target` and `href`
//! = the other side); clicking a tag or any highlighted text scrolls the
//! counterpart into view. Passages may overlap: each text is cut at every
//! passage boundary, and each piece carries the set of passages covering it.
//!
//! Everything from the report or the texts is HTML-escaped. Big corpora stay
//! manageable: the heat map and the number of side-by-side views are capped
//! ([`RenderOptions::max_heatmap_docs`], [`RenderOptions::max_pair_views`]),
//! and the page says so when they are; in documents over 64 KiB, long
//! stretches that share nothing keep only their two ends in the views.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use ahash::{AHashMap as HashMap, AHashSet as HashSet};

use super::{
    DocumentEntry, Loc, Pair, Passage, PassageKind, Relation, RenderOptions, Report, TextSource,
    clusters_by_size, findings, label_terms, loc_text, longest_passage, narrative_docs,
    narratives_by_size, params_list, passages_by_pair, passages_for_display, plural, shown,
    snippet, snippet_at, split_pairs, thousands, weak_pairs_summary,
};

/// Longest snippet quoted in lists, in characters.
const SNIPPET_CHARS: usize = 120;
/// Most documents quoted per narrative.
const MAX_NARRATIVE_DOCS: usize = 8;
/// A narrative linking more than this share of the analysed documents gets
/// a caution.
const WIDE_NARRATIVE: f64 = 0.10;
/// Documents longer than this (bytes) have long stretches without any
/// passage shortened in side-by-side views, to keep big reports small.
const ELIDE_ABOVE: usize = 64 * 1024;
/// In such documents, a stretch without passages longer than this (chars)…
const ELIDE_GAP: usize = 1200;
/// …keeps this many characters at each end.
const ELIDE_KEEP: usize = 400;

/// Writes `report` as a self-contained HTML page, with the original texts
/// from `texts` in the side-by-side views.
pub fn render(
    report: &Report,
    texts: &dyn TextSource,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let page = Page::new(report, texts, opts);
    let mut w = io::BufWriter::new(out);
    page.write(&mut w)?;
    w.flush()
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A document id, isolated from the surrounding bidirectional text.
fn id_html(id: &str) -> String {
    format!("<bdi class=\"id\">{}</bdi>", esc(id))
}

fn pct(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

/// A share in 0..1 as a whole percentage rounded down, so that a share just
/// under a threshold never reads as the threshold itself.
fn floor_pct(x: f64) -> String {
    format!("{:.0}%", (x * 100.0 + 1e-9).floor())
}

/// A value in 0..1 with two decimals, rounded down.
fn floor2(x: f64) -> String {
    format!("{:.2}", (x * 100.0 + 1e-9).floor() / 100.0)
}

/// `text` escaped for HTML, with each occurrence of `terms` wrapped in
/// `<b>`.
fn embolden(text: &str, terms: &[&str]) -> String {
    let mut bold = vec![false; text.len()];
    for t in terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let mut from = 0;
        while let Some(i) = text[from..].find(t) {
            let start = from + i;
            bold[start..start + t.len()]
                .iter_mut()
                .for_each(|b| *b = true);
            from = start + t.len();
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut inside = false;
    let mut run = String::new();
    for (i, c) in text.char_indices() {
        if bold[i] != inside {
            out.push_str(&esc(&run));
            run.clear();
            out.push_str(if bold[i] { "<b>" } else { "</b>" });
            inside = bold[i];
        }
        run.push(c);
    }
    out.push_str(&esc(&run));
    if inside {
        out.push_str("</b>");
    }
    out
}

/// Every passage kind, in the order of its discriminant.
const KINDS: [PassageKind; 5] = [
    PassageKind::Verbatim,
    PassageKind::Mixed,
    PassageKind::Reworded,
    PassageKind::Narrative,
    PassageKind::Repeat,
];

fn kind_class(kind: PassageKind) -> &'static str {
    match kind {
        PassageKind::Verbatim => "v",
        PassageKind::Mixed | PassageKind::Reworded | PassageKind::Narrative => "n",
        PassageKind::Repeat => "r",
    }
}

fn kind_name(kind: PassageKind) -> &'static str {
    match kind {
        PassageKind::Verbatim => "verbatim",
        PassageKind::Mixed => "mixed",
        PassageKind::Reworded => "reworded",
        PassageKind::Narrative => "narrative",
        PassageKind::Repeat => "repeat",
    }
}

/// A pair's relation in words.
fn relation_name(rel: Relation) -> &'static str {
    match rel {
        Relation::NearDuplicate => "near-duplicate",
        Relation::Contained => "contained",
        Relation::SharesPassages => "shares passages",
    }
}

/// A bilingual section heading.
fn heading(
    w: &mut dyn Write,
    id: &str,
    ar: &str,
    en: &str,
    count: Option<usize>,
) -> io::Result<()> {
    let count = count
        .map(|c| format!(" <span class=\"count\">{c}</span>"))
        .unwrap_or_default();
    writeln!(
        w,
        "<h2 id=\"{id}\">{ar} <span class=\"en\" lang=\"en\" dir=\"ltr\">{en}</span>{count}</h2>"
    )
}

fn note(w: &mut dyn Write, msg: &str) -> io::Result<()> {
    writeln!(w, "<p class=\"note\" lang=\"en\" dir=\"ltr\">{msg}</p>")
}

/// Opens a section with its heading (`[id, Arabic, English]`) and the count
/// of its items. With no items, writes `empty` and closes the section;
/// returns whether there is more to write (then the caller closes it).
fn open_section(
    w: &mut dyn Write,
    [id, ar, en]: [&str; 3],
    count: usize,
    empty: &str,
) -> io::Result<bool> {
    writeln!(w, "<section>")?;
    heading(w, id, ar, en, Some(count))?;
    if count == 0 {
        note(w, empty)?;
        writeln!(w, "</section>")?;
    }
    Ok(count > 0)
}

/// A list table of the first `top` of `items` (all with `top` 0): `columns`
/// are the head cells, `row` writes one `<tr>` for item `i`. A note counts
/// the items left out.
fn list_table<T>(
    w: &mut dyn Write,
    class: &str,
    columns: &[&str],
    items: &[T],
    top: usize,
    mut row: impl FnMut(&mut dyn Write, usize, &T) -> io::Result<()>,
) -> io::Result<()> {
    let head: String = columns.iter().map(|c| format!("<th>{c}</th>")).collect();
    writeln!(
        w,
        "<table class=\"{class}\"><thead><tr>{head}</tr></thead><tbody>"
    )?;
    let n = shown(items.len(), top);
    for (i, item) in items[..n].iter().enumerate() {
        row(w, i, item)?;
    }
    writeln!(w, "</tbody></table>")?;
    more(w, items.len(), n)
}

fn more(w: &mut dyn Write, total: usize, shown: usize) -> io::Result<()> {
    if total > shown {
        note(
            w,
            &format!(
                "… and {} more (the JSON report lists them all).",
                total - shown
            ),
        )?;
    }
    Ok(())
}

/// One side-by-side view: two documents and the passages shown on them.
struct View<'a> {
    a: &'a str,
    b: &'a str,
    pair: Option<&'a Pair>,
    /// Indexes into `report.passages`, in reading order of `a`.
    passages: Vec<usize>,
}

/// One highlighted span in one column.
struct Highlight {
    start: usize,
    end: usize,
    kind: PassageKind,
    /// Passage number inside the view (1-based).
    num: usize,
    own: String,
    target: String,
    title: String,
}

struct Page<'a> {
    r: &'a Report,
    texts: &'a dyn TextSource,
    opts: &'a RenderOptions,
    views: Vec<View<'a>>,
    /// Linked pairs of documents in all, before the cap.
    linked: usize,
    /// View index of each unordered document pair, for links.
    view_of: HashMap<(&'a str, &'a str), usize>,
    /// The entries of the documents shown in views.
    meta: HashMap<&'a str, &'a DocumentEntry>,
}

fn key<'a>(x: &'a str, y: &'a str) -> (&'a str, &'a str) {
    if x <= y { (x, y) } else { (y, x) }
}

impl<'a> Page<'a> {
    fn new(r: &'a Report, texts: &'a dyn TextSource, opts: &'a RenderOptions) -> Page<'a> {
        // Every linked pair of documents gets a number, in order: the pairs,
        // then other documents sharing a passage. Only the first
        // `max_pair_views` get a view.
        let mut views: Vec<View<'a>> = Vec::new();
        let mut view_of: HashMap<(&str, &str), usize> = HashMap::new();
        let cap = if opts.max_pair_views == 0 {
            usize::MAX
        } else {
            opts.max_pair_views
        };
        // Three queues, taken in turn so that every kind of link gets views
        // under the cap: near-duplicates (edited copies before identical
        // ones), contained pairs (most contained first), then pairs that
        // only share passages (longest passage first) and other passage
        // links (most substantial passage first).
        let by_pair = passages_by_pair(r);
        let (strong, weak) = split_pairs(r, &by_pair);
        type Link<'a> = (&'a str, &'a str, Option<&'a Pair>);
        let as_link = |p: &'a Pair| -> Link<'a> { (p.a.as_str(), p.b.as_str(), Some(p)) };
        let mut near: Vec<&Pair> = strong
            .iter()
            .copied()
            .filter(|p| p.relation == Relation::NearDuplicate)
            .collect();
        near.sort_by_key(|p| p.jaccard >= 0.995);
        let contained = super::contained_pairs(&strong);
        let queues: [Vec<Link<'a>>; 3] = [
            near.into_iter().map(as_link).collect(),
            contained.into_iter().map(as_link).collect(),
            weak.into_iter()
                .map(as_link)
                .chain(passages_for_display(r).into_iter().map(|i| {
                    let p = &r.passages[i];
                    (p.a.doc.as_str(), p.b.doc.as_str(), None)
                }))
                .collect(),
        ];
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        let mut linked = 0;
        let mut heads = [0usize; 3];
        loop {
            let mut progressed = false;
            for (q, queue) in queues.iter().enumerate() {
                // The next link of this queue not seen yet.
                while let Some(&(a, b, pair)) = queue.get(heads[q]) {
                    heads[q] += 1;
                    if !seen.insert(key(a, b)) {
                        continue;
                    }
                    progressed = true;
                    linked += 1;
                    if views.len() < cap {
                        view_of.insert(key(a, b), views.len());
                        views.push(View {
                            a,
                            b,
                            pair,
                            passages: Vec::new(),
                        });
                    }
                    break;
                }
            }
            if !progressed {
                break;
            }
        }
        drop(seen);
        // Passages between the two documents, and repeats inside either.
        let in_views: HashSet<&str> = views.iter().flat_map(|v| [v.a, v.b]).collect();
        let mut repeats_in: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, p) in r.passages.iter().enumerate() {
            if p.kind == PassageKind::Repeat || p.a.doc == p.b.doc {
                if in_views.contains(p.a.doc.as_str()) {
                    repeats_in.entry(&p.a.doc).or_default().push(i);
                }
            } else if let Some(&v) = view_of.get(&key(&p.a.doc, &p.b.doc)) {
                views[v].passages.push(i);
            }
        }
        for v in &mut views {
            for d in [v.a, v.b] {
                if let Some(rs) = repeats_in.get(d) {
                    v.passages.extend(rs);
                }
            }
            let a = v.a;
            let pos = |i: &usize| {
                let p = &r.passages[*i];
                let in_a = [&p.a, &p.b]
                    .into_iter()
                    .filter(|l| l.doc == a)
                    .map(|l| l.start)
                    .min();
                (in_a.unwrap_or(usize::MAX), p.a.start.min(p.b.start), *i)
            };
            v.passages.sort_by_key(pos);
            v.passages.dedup();
        }
        let meta = r
            .documents
            .iter()
            .filter(|d| in_views.contains(d.id.as_str()))
            .map(|d| (d.id.as_str(), d))
            .collect();
        Page {
            r,
            texts,
            opts,
            views,
            linked,
            view_of,
            meta,
        }
    }

    fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let tool = if self.r.tool.is_empty() {
            "athar"
        } else {
            &self.r.tool
        };
        writeln!(w, "<!DOCTYPE html>")?;
        writeln!(w, "<html lang=\"ar\" dir=\"rtl\">")?;
        writeln!(w, "<head>")?;
        writeln!(w, "<meta charset=\"utf-8\">")?;
        writeln!(
            w,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        )?;
        writeln!(w, "<meta name=\"generator\" content=\"{}\">", esc(tool))?;
        writeln!(w, "<title>أثر · athar report</title>")?;
        writeln!(w, "<style>{CSS}</style>")?;
        writeln!(w, "</head>")?;
        writeln!(w, "<body>")?;
        self.header(w, tool)?;
        writeln!(w, "<main>")?;
        self.params(w)?;
        self.heatmap(w)?;
        self.pairs(w)?;
        self.clusters(w)?;
        self.passages(w)?;
        self.narratives(w)?;
        self.narrative_links(w)?;
        self.phrases(w)?;
        self.formula(w)?;
        self.skipped(w)?;
        self.warnings(w)?;
        self.views(w)?;
        writeln!(w, "</main>")?;
        writeln!(w, "<script>{JS}</script>")?;
        writeln!(w, "</body>")?;
        writeln!(w, "</html>")
    }

    fn header(&self, w: &mut dyn Write, tool: &str) -> io::Result<()> {
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

    fn params(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<section>")?;
        heading(w, "params", "المعايير", "Parameters", None)?;
        writeln!(w, "<dl class=\"params\" dir=\"ltr\" lang=\"en\">")?;
        for (k, v) in params_list(&self.r.params) {
            writeln!(w, "<div><dt>{k}</dt><dd>{}</dd></div>", esc(&v))?;
        }
        writeln!(w, "</dl>")?;
        writeln!(w, "</section>")
    }

    fn view_link(&self, x: &str, y: &str, label: &str) -> String {
        match self.view_of.get(&key(x, y)) {
            Some(v) => format!("<a href=\"#view-{}\">{label}</a>", v + 1),
            None => String::new(),
        }
    }

    fn heatmap(&self, w: &mut dyn Write) -> io::Result<()> {
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
        docs.truncate(shown(total, self.opts.max_heatmap_docs));
        docs.sort_by_key(|d| (d.1.2, d.0));
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

    fn pairs(&self, w: &mut dyn Write) -> io::Result<()> {
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
        let (mut identical, near): (Vec<&Pair>, Vec<&Pair>) = strong
            .iter()
            .filter(|p| p.relation == Relation::NearDuplicate)
            .partition(|p| p.jaccard >= 0.995);
        let contained = super::contained_pairs(&strong);
        writeln!(
            w,
            "<h3 lang=\"en\" dir=\"ltr\">Near-duplicates <span class=\"count\">{}</span></h3>",
            thousands(near.len() + identical.len())
        )?;
        if !identical.is_empty() {
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
            )?;
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

    /// A table of pairs, cut at `top`; with `quote`, a column quotes the
    /// longest shared passage.
    fn pair_table(
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
        writeln!(
            w,
            "<table class=\"list\"><thead><tr><th>#</th><th>A</th><th>B</th><th>Jaccard</th><th>A in B</th><th>B in A</th><th>verbatim passages</th><th>longest (words)</th>{quote_head}<th></th></tr></thead><tbody>"
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
            writeln!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\"><span class=\"bar\" style=\"--c:{:.3}\"></span>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{words}</td>{quote_cell}<td>{}</td></tr>",
                i + 1,
                id_html(&p.a),
                id_html(&p.b),
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

    fn clusters(&self, w: &mut dyn Write) -> io::Result<()> {
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
                    format!("<li{class}>{}</li>", id_html(m))
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
                "<li><span class=\"badge\">#{}</span> <span lang=\"en\" dir=\"ltr\">{} documents</span><ul class=\"members\">{}</ul>{quote}</li>",
                c.id,
                c.members.len(),
                members.join("")
            )?;
        }
        writeln!(w, "</ul>")?;
        more(w, cs.len(), n)?;
        writeln!(w, "</section>")
    }

    /// `<q>` with a snippet of `loc`, starting near the first of `terms`,
    /// which are set in bold.
    fn quote(&self, loc: &Loc, terms: &[&str]) -> String {
        match loc_text(self.texts, loc) {
            Some(t) => format!(
                "<q dir=\"auto\">{}</q>",
                embolden(&snippet_at(t, terms, SNIPPET_CHARS), terms)
            ),
            None => "<span class=\"note\" lang=\"en\" dir=\"ltr\">(text not available)</span>"
                .to_string(),
        }
    }

    fn narratives(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let ns = narratives_by_size(r);
        writeln!(w, "<section>")?;
        heading(w, "narratives", "السرديات", "Narratives", Some(ns.len()))?;
        if ns.is_empty() {
            note(w, super::no_narratives_message(self.r))?;
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
    fn narrative_links(&self, w: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let order = super::narrative_links_for_display(r);
        let head = ["narrative-links", "روابط سردية", "Narrative links"];
        let empty = super::no_narratives_message(r);
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
    fn passages(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn phrases(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn formula(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn skipped(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn warnings(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn views(&self, w: &mut dyn Write) -> io::Result<()> {
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

    fn view(&self, w: &mut dyn Write, vi: usize, v: &View<'_>) -> io::Result<()> {
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
            let text = self.texts.text(doc);
            let meta = self.meta.get(doc);
            write!(
                w,
                "<div class=\"doc\"><div class=\"doc-head\">{}",
                id_html(doc)
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
                    let dropped = write_highlighted(w, t, &cols[col])?;
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
        }
        writeln!(w, "</div>")?;
        writeln!(w, "</article>")
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

const CSS: &str = r#"
:root{--bg:#f6f4ef;--paper:#fff;--ink:#1f2328;--muted:#6b7280;--line:#e5e1d8;--accent:#9a3412;
--v:#fde68a;--v-strong:#d97706;--n:#bfdbfe;--n-strong:#2563eb;--r:#e9d5ff;--r-strong:#7e22ce;}
*{box-sizing:border-box}

body{margin:0;background:var(--bg);color:var(--ink);
font-family:"Noto Naskh Arabic","Amiri","Geeza Pro","Noto Sans Arabic","Segoe UI",Arial,sans-serif;font-size:15px;line-height:1.6}
[lang=en],.id,.note,nav,.stats,.params,table.list th{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
header{background:#1f2937;color:#f9fafb;padding:18px 28px 12px}
header h1{margin:0 0 6px;font-size:28px;font-weight:700}
header h1 .en{font-size:15px;font-weight:400;color:#d1d5db;margin-inline-start:10px}
header .note{color:#9ca3af}
header .found{color:#f3f4f6;font-size:15px;margin:10px 0 4px;line-height:1.5}
section h3[lang=en]{font-size:16px;margin:16px 0 4px}section h3 small{color:var(--muted);font-weight:400;font-size:12px}
span.idpair{white-space:nowrap}
q b{background:var(--n);border-radius:2px;font-weight:700}
td.quote{font-size:15px;max-width:520px}table.passages td{font-size:15px}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin:4px 0 14px;font-size:13px}
nav a{color:#fcd34d;text-decoration:none}nav a:hover{text-decoration:underline}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#374151;border-radius:8px;padding:8px 14px;min-width:110px;display:flex;flex-direction:column;border-top:3px solid #6b7280}
.card b{font-size:24px;font-family:system-ui,sans-serif;line-height:1.2}
.card span{font-size:14px}.card small{color:#9ca3af;font-size:11px}
.card.pairs{border-top-color:#f97316}.card.v{border-top-color:var(--v-strong)}.card.n{border-top-color:var(--n-strong)}
.card.r{border-top-color:var(--r-strong)}.card.warn{border-top-color:#ef4444}
main{padding:8px 28px 60px;max-width:1500px;margin:0 auto}
section{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:4px 20px 16px;margin:18px 0}
h2{font-size:21px;margin:14px 0 8px;border-bottom:1px solid var(--line);padding-bottom:6px}
h2 .en{font-size:14px;color:var(--muted);font-weight:400;margin-inline-start:8px}
.count{font-family:system-ui,sans-serif;font-size:12px;background:#f3f4f6;border-radius:10px;padding:1px 8px;color:#374151;vertical-align:middle}
.note{color:var(--muted);font-size:13px;margin:6px 0}
.id{font-size:13px;font-weight:600;color:#0f4c5c;unicode-bidi:isolate;direction:ltr}
.params{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.params div{background:#f3f4f6;border-radius:6px;padding:2px 10px;font-size:13px;display:flex;gap:6px}
.params dt{color:var(--muted)}.params dd{margin:0;font-weight:600}
.heat-wrap{overflow:auto;max-height:640px}
table.heat{border-collapse:separate;border-spacing:2px;font-family:system-ui,sans-serif;font-size:11px}
.heat th.col{width:38px;color:var(--muted);font-weight:500}
.heat th.row{text-align:start;white-space:nowrap;padding-inline-end:8px;font-weight:400}
.heat .num{display:inline-block;min-width:20px;color:var(--muted)}
.heat td{width:38px;height:30px;background:#f3f4f6;border-radius:3px;text-align:center}
.heat td.diag{background:#d1d5db}
.heat td.hit{background:rgb(194 65 12 / calc(0.12 + 0.88 * var(--c)));color:#431407}
.heat td.hit.dark{color:#fff}.heat td a{color:inherit;text-decoration:none;display:block}
table.list{border-collapse:collapse;width:100%;font-size:14px}
table.list th{text-align:start;color:var(--muted);font-weight:500;font-size:12px;border-bottom:1px solid var(--line);padding:4px 8px}
table.list td{border-bottom:1px solid #f1efe9;padding:5px 8px;vertical-align:top}
td.num{font-family:system-ui,sans-serif;white-space:nowrap;direction:ltr;text-align:end}
.bar{display:inline-block;height:8px;width:calc(60px * var(--c));background:#f97316;border-radius:4px;margin-inline-end:6px}
td.phrase{font-size:16px}
a{color:#0f4c5c}
.badge{display:inline-block;background:#1f2937;color:#fff;border-radius:10px;padding:0 8px;font-size:12px;font-family:system-ui,sans-serif}
ul.clusters{list-style:none;padding:0;margin:0}ul.clusters>li{padding:6px 0;border-bottom:1px solid #f1efe9}
ul.members{display:inline;padding:0;margin:0 8px}ul.members li{display:inline-block;margin-inline-end:10px}
li.rep .id::after{content:" ★";color:#d97706}
.narrative{border-inline-start:4px solid var(--n-strong);padding:2px 12px;margin:10px 0;background:#f8fafc;border-radius:4px}
.narrative h3{font-size:17px;margin:6px 0}.narrative small{color:var(--muted);font-weight:400}
ul.quotes{list-style:none;padding:0;margin:4px 0}ul.quotes li{margin:4px 0}
q{font-size:16px}q::before{content:"«"}q::after{content:"»"}
.chip{display:inline-block;font-size:12px;border-radius:10px;padding:1px 9px;background:#f3f4f6;margin-inline-end:6px}
.chip.v{background:var(--v)}.chip.n{background:var(--n)}.chip.r{background:var(--r)}
.legend{display:flex;flex-wrap:wrap;align-items:center;gap:10px;position:sticky;top:0;background:var(--paper);padding:6px 0;z-index:2;margin:0}
ol.view-index{columns:3 260px;font-size:13px;margin:8px 0}
ol.view-index small{color:var(--muted)}
article.view{border-top:2px solid var(--line);margin-top:18px;padding-top:6px}
article.view h3{font-size:17px;margin:6px 0}
.stats{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin-bottom:8px}
.stats .top{margin-inline-start:auto;text-decoration:none;font-size:16px}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.sbs{grid-template-columns:1fr}}
.doc{border:1px solid var(--line);border-radius:8px;background:#fffdf8;min-width:0}
.doc-head{padding:6px 12px;border-bottom:1px solid var(--line);background:#faf7f0;border-radius:8px 8px 0 0}
.doc-head small,.doc-head .src{color:var(--muted);font-size:12px;font-family:system-ui,sans-serif}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:17px;line-height:2.05;padding:10px 16px;max-height:75vh;overflow:auto}
mark.hl{color:inherit;border-radius:3px;padding:2px 0;cursor:pointer;transition:box-shadow .2s}
mark.hl.v{background:var(--v)}
mark.hl.n:not(.v){background:var(--n)}
mark.hl.r:not(.v):not(.n){background:var(--r)}
mark.hl.r.v,mark.hl.r.n{text-decoration:underline dotted var(--r-strong) 2px;text-underline-offset:6px}
mark.hl.v.n{background:linear-gradient(var(--v),var(--v)) top/100% 60% no-repeat,var(--n)}
mark.hl.multi{box-shadow:inset 0 -2px 0 rgb(0 0 0 / .15)}
mark.lit{box-shadow:0 0 0 2px #111827}
.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%,40%{box-shadow:0 0 0 3px #dc2626}100%{box-shadow:0 0 0 0 transparent}}
a.tag{display:inline-block;font:600 10px/15px system-ui,sans-serif;min-width:16px;height:16px;padding:0 4px;margin:0 2px;border-radius:8px;color:#fff;text-align:center;text-decoration:none;vertical-align:super;cursor:pointer}
a.tag.v{background:var(--v-strong)}a.tag.n{background:var(--n-strong)}a.tag.r{background:var(--r-strong)}
ul.warnings li{color:#92400e}
.vlink a{text-decoration:none;font-size:12px}
@media print{.text{max-height:none;overflow:visible}.legend{position:static}nav{display:none}}
.elided{display:block;margin:6px 0;padding:2px 10px;background:#f3f4f6;color:var(--muted);font:12px system-ui,sans-serif;border-radius:4px;text-align:center}
"#;

const JS: &str = r#"
(function(){
  function first(el,attr){var v=el.getAttribute(attr);return v?v.split(' ')[0]:null;}
  function all(id){return document.querySelectorAll('[data-p~="'+id+'"]');}
  function flash(id){all(id).forEach(function(e){e.classList.remove('flash');void e.offsetWidth;e.classList.add('flash');});}
  document.addEventListener('click',function(ev){
    var el=ev.target.closest('[data-target]');if(!el)return;
    var id=first(el,'data-target'),t=id&&document.getElementById(id);if(!t)return;
    ev.preventDefault();
    t.scrollIntoView({behavior:'smooth',block:'center'});
    flash(id);
    if(history.replaceState)history.replaceState(null,'','#'+id);
  });
  var lit=[];
  document.addEventListener('mouseover',function(ev){
    var el=ev.target.closest('[data-p]');
    lit.forEach(function(e){e.classList.remove('lit');});lit=[];
    if(!el)return;
    [first(el,'data-p'),first(el,'data-target')].forEach(function(id){
      if(id)all(id).forEach(function(e){if(e.tagName==='MARK'){e.classList.add('lit');lit.push(e);}});
    });
  });
})();
"#;
