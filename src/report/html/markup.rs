//! HTML helpers shared by the sections: escaping, ids, passage kinds,
//! headings, list tables.

use std::io::{self, Write};

use crate::report::{PassageKind, Relation, shown};

/// Escapes text for HTML element content and quoted attribute values.
pub(super) fn esc(s: &str) -> String {
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
pub(super) fn id_html(id: &str) -> String {
    format!("<bdi class=\"id\">{}</bdi>", esc(id))
}

/// Whether `url` may be linked: http or https only (never `javascript:`).
pub(super) fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `text` escaped for HTML, with each occurrence of `terms` wrapped in
/// `<b>`.
pub(super) fn embolden(text: &str, terms: &[&str]) -> String {
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
pub(super) const KINDS: [PassageKind; 5] = [
    PassageKind::Verbatim,
    PassageKind::Mixed,
    PassageKind::Reworded,
    PassageKind::Narrative,
    PassageKind::Repeat,
];

pub(super) fn kind_class(kind: PassageKind) -> &'static str {
    match kind {
        PassageKind::Verbatim => "v",
        PassageKind::Mixed | PassageKind::Reworded | PassageKind::Narrative => "n",
        PassageKind::Repeat => "r",
    }
}

pub(super) fn kind_name(kind: PassageKind) -> &'static str {
    match kind {
        PassageKind::Verbatim => "verbatim",
        PassageKind::Mixed => "mixed",
        PassageKind::Reworded => "reworded",
        PassageKind::Narrative => "narrative",
        PassageKind::Repeat => "repeat",
    }
}

/// A pair's relation in words.
pub(super) fn relation_name(rel: Relation) -> &'static str {
    match rel {
        Relation::NearDuplicate => "near-duplicate",
        Relation::Contained => "contained",
        Relation::SharesPassages => "shares passages",
    }
}

/// A bilingual section heading.
pub(super) fn heading(
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

pub(super) fn note(w: &mut dyn Write, msg: &str) -> io::Result<()> {
    writeln!(w, "<p class=\"note\" lang=\"en\" dir=\"ltr\">{msg}</p>")
}

/// Opens a section with its heading (`[id, Arabic, English]`) and the count
/// of its items. With no items, writes `empty` and closes the section;
/// returns whether there is more to write (then the caller closes it).
pub(super) fn open_section(
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
pub(super) fn list_table<T>(
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

pub(super) fn more(w: &mut dyn Write, total: usize, shown: usize) -> io::Result<()> {
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
