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
//!
//! Files: this one builds the page (which pairs get a view, which passages
//! each view shows) and writes its frame; `markup.rs` holds the HTML
//! helpers, `overview.rs` the header, parameters and heat map, `lists.rs`
//! the list sections, `views.rs` the side-by-side views; the stylesheet and
//! the script are `style.css` and `script.js`.

mod lists;
mod markup;
mod overview;
mod views;

use std::collections::BTreeMap;
use std::io::{self, Write};

use ahash::{AHashMap as HashMap, AHashSet as HashSet};

use super::{
    DocumentEntry, Pair, PassageKind, Relation, RenderOptions, Report, TextSource, contained_pairs,
    passages_by_pair, passages_for_display, split_pairs,
};
use markup::esc;

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
    /// Outlet, date, title and url of the documents that have any.
    doc_meta: HashMap<&'a str, &'a crate::corpus::DocMeta>,
}

fn key<'a>(x: &'a str, y: &'a str) -> (&'a str, &'a str) {
    if x <= y { (x, y) } else { (y, x) }
}

impl<'a> Page<'a> {
    fn new(r: &'a Report, texts: &'a dyn TextSource, opts: &'a RenderOptions) -> Page<'a> {
        let cap = if opts.max_pair_views == 0 {
            usize::MAX
        } else {
            opts.max_pair_views
        };
        let (mut views, linked) = select_views(r, cap);
        let view_of: HashMap<(&str, &str), usize> = views
            .iter()
            .enumerate()
            .map(|(i, v)| (key(v.a, v.b), i))
            .collect();
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
        let doc_meta = r
            .documents
            .iter()
            .filter_map(|d| Some((d.id.as_str(), d.meta.as_ref()?)))
            .collect();
        Page {
            r,
            texts,
            opts,
            views,
            linked,
            view_of,
            meta,
            doc_meta,
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
        writeln!(w, "<style>\n{CSS}</style>")?;
        writeln!(w, "</head>")?;
        writeln!(w, "<body>")?;
        self.header(w, tool)?;
        writeln!(w, "<main>")?;
        self.params(w)?;
        self.heatmap(w)?;
        self.pairs(w)?;
        self.clusters(w)?;
        self.outlet_flows(w)?;
        self.passages(w)?;
        self.narratives(w)?;
        self.narrative_links(w)?;
        self.phrases(w)?;
        self.formula(w)?;
        self.skipped(w)?;
        self.warnings(w)?;
        self.views(w)?;
        writeln!(w, "</main>")?;
        writeln!(w, "<script>\n{JS}</script>")?;
        writeln!(w, "</body>")?;
        writeln!(w, "</html>")
    }

    /// A document id with what the input said about it: the id linked to
    /// its URL (http or https only), then outlet · date · title in small
    /// type. Only the id when there is no metadata.
    fn doc_html(&self, id: &str) -> String {
        let Some(m) = self.doc_meta.get(id) else {
            return markup::id_html(id);
        };
        let idh = match m.url.as_deref().filter(|u| markup::is_web_url(u)) {
            Some(u) => format!(
                "<a href=\"{}\" rel=\"noreferrer\">{}</a>",
                esc(u),
                markup::id_html(id)
            ),
            None => markup::id_html(id),
        };
        let title = m.title.as_deref().map(|t| super::snippet(t, 60));
        let parts: Vec<&str> = [m.outlet.as_deref(), m.date.as_deref(), title.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            return idh;
        }
        format!(
            "{idh} <small><bdi>{}</bdi></small>",
            parts
                .iter()
                .map(|p| esc(p))
                .collect::<Vec<_>>()
                .join("</bdi> · <bdi>")
        )
    }

    fn view_link(&self, x: &str, y: &str, label: &str) -> String {
        match self.view_of.get(&key(x, y)) {
            Some(v) => format!("<a href=\"#view-{}\">{label}</a>", v + 1),
            None => String::new(),
        }
    }
}

/// Every linked pair of documents gets a number, in order; the first `cap`
/// get a view (without passages yet). Returns the views and the number of
/// linked pairs.
///
/// Three queues are taken in turn so that every kind of link gets views
/// under the cap: near-duplicates (edited copies before identical ones),
/// contained pairs (most contained first), then pairs that only share
/// passages (longest passage first) and other passage links (most
/// substantial passage first).
fn select_views<'a>(r: &'a Report, cap: usize) -> (Vec<View<'a>>, usize) {
    let by_pair = passages_by_pair(r);
    let (strong, weak) = split_pairs(r, &by_pair);
    type Link<'l> = (&'l str, &'l str, Option<&'l Pair>);
    let as_link = |p: &'a Pair| -> Link<'a> { (p.a.as_str(), p.b.as_str(), Some(p)) };
    let mut near: Vec<&Pair> = strong
        .iter()
        .copied()
        .filter(|p| p.relation == Relation::NearDuplicate)
        .collect();
    near.sort_by_key(|p| p.jaccard >= 0.995);
    let contained = contained_pairs(&strong);
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
    let mut views = Vec::new();
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
    (views, linked)
}

/// The page's stylesheet (inlined in `<style>`).
const CSS: &str = include_str!("style.css");

/// The page's script (inlined in `<script>`): jumps between the two sides of
/// a passage and lights up the passage under the pointer.
const JS: &str = include_str!("script.js");
