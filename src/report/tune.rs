//! The `athar tune` report ([`TuneReport`]) as text or JSON. Renders only:
//! every figure comes from [`crate::tune::tune`].

use std::io::Write;

use crate::tune::{Histogram, LabelReport, STEPS, TuneReport};

/// Writes the report as pretty JSON, with a final newline.
pub fn render_json(report: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

/// Width of the longest bar.
const BAR: usize = 40;

/// A bar of `frac` (0..1) of [`BAR`] cells, at least one cell when `frac > 0`.
fn bar(frac: f64) -> String {
    if frac <= 0.0 {
        return String::new();
    }
    let cells = ((frac * BAR as f64).round() as usize).clamp(1, BAR);
    "█".repeat(cells)
}

fn histogram_text(h: &Histogram, out: &mut dyn Write) -> std::io::Result<()> {
    let max = h.bins.iter().map(|b| b.count).max().unwrap_or(0);
    let log_max = (max as f64 + 1.0).ln();
    writeln!(out, "  {:<11} {:>10} {:>10}", "range", "pairs", "≥ low")?;
    for b in &h.bins {
        let frac = if max == 0 {
            0.0
        } else {
            (b.count as f64 + 1.0).ln() / log_max
        };
        let line = format!(
            "  {:.2}–{:.2}   {:>10} {:>10}  {}",
            b.lo,
            b.hi,
            b.count,
            b.at_least,
            bar(frac)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The first `n` ids, and how many more.
fn id_list(ids: &[String], n: usize) -> String {
    let shown: Vec<&str> = ids.iter().take(n).map(String::as_str).collect();
    let mut s = shown.join(", ");
    if ids.len() > n {
        s.push_str(&format!(", … ({} more in --format json)", ids.len() - n));
    }
    s
}

fn pct(x: f64) -> String {
    let p = 100.0 * x;
    if p > 0.0 && p < 0.01 {
        "<0.01%".to_string()
    } else {
        format!("{p:.2}%")
    }
}

/// Writes the report for a terminal.
pub fn render_text(r: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    histograms_text(r, out)?;
    lsh_text(r, out)?;
    short_text(r, out)?;
    if let Some(lab) = &r.labels {
        labels_text(lab, out)?;
    }
    writeln!(out)?;
    writeln!(out, "What to do:")?;
    for a in &r.advice {
        writeln!(out, "  {a}")?;
    }
    Ok(())
}

/// The header and the Jaccard and containment histograms.
fn histograms_text(r: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    let p = &r.params;
    writeln!(
        out,
        "athar tune: {} documents; {}-word shingles, normalization {}",
        r.documents, p.shingle_size, p.normalize
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{} document pairs share at least one shingle (all of them are counted below).",
        r.pairs
    )?;
    if r.crowded_shingles > 0 {
        writeln!(
            out,
            "{} shingle(s) found in more than --max-bucket {} documents are left out of the pairing, as \
             athar report does (their pairs are not counted unless they share other shingles).",
            r.crowded_shingles, p.max_bucket
        )?;
    }
    writeln!(out)?;
    if r.pairs > 0 {
        writeln!(
            out,
            "Jaccard similarity of those pairs (bars on a log scale; \"≥ low\" = pairs at or above the bin):"
        )?;
        histogram_text(&r.jaccard, out)?;
        writeln!(out)?;
        writeln!(
            out,
            "Max containment (share of the smaller document found in the other):"
        )?;
        histogram_text(&r.containment, out)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The LSH S-curve and the pairs it would miss.
fn lsh_text(r: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    let p = &r.params;
    let l = &r.lsh;
    writeln!(
        out,
        "LSH: {} bands × {} rows of --num-perm {} (steepest near J {:.2}). Chance that a pair becomes a candidate:",
        l.bands, l.rows, p.num_perm, l.steepest_at
    )?;
    for c in &l.curve {
        writeln!(
            out,
            "  J {:.2}  {:>8.4}  {}",
            c.jaccard,
            c.probability,
            bar(c.probability)
        )?;
    }
    writeln!(
        out,
        "  at --threshold {:.2}: {:.4}",
        p.threshold, l.at_threshold
    )?;
    for (what, m) in [
        (
            format!("with J ≥ {:.2} (near-duplicates)", p.threshold),
            &l.near_duplicates,
        ),
        (
            format!(
                "with J < {:.2} but containment ≥ {:.2} (contained)",
                p.threshold, p.containment
            ),
            &l.contained,
        ),
    ] {
        if m.pairs == 0 {
            writeln!(out, "  No pair {what}.")?;
        } else {
            writeln!(
                out,
                "  Of the {} pair(s) {what}, LSH alone would miss an expected {}; with the pairs \
                 sharing ≥ {} shingles that athar also checks, {}.",
                m.pairs,
                pct(m.lsh_missed),
                p.min_shared,
                pct(m.pipeline_missed)
            )?;
        }
    }
    writeln!(out)
}

/// The documents too short for a reliable similarity.
fn short_text(r: &TuneReport, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &r.short_documents;
    if s.ids.is_empty() {
        writeln!(
            out,
            "No short documents (all have at least {} distinct shingles).",
            s.min_shingles
        )?;
    } else {
        writeln!(
            out,
            "{} short document(s) with fewer than {} distinct shingles: one changed word can take an \
             identical copy below Jaccard 1/3, so their similarities are unreliable (check them \
             by eye or leave them out):",
            s.ids.len(),
            s.min_shingles
        )?;
        writeln!(out, "  {}", id_list(&s.ids, 10))?;
    }
    Ok(())
}

/// The labelled pairs and the precision/recall sweeps.
fn labels_text(lab: &LabelReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Labels: {} pair(s) evaluated, {} reuse (1), {} not (0); {} share no shingle (similarity 0).",
        lab.pairs, lab.positives, lab.negatives, lab.sharing_nothing
    )?;
    if lab.skipped_pairs > 0 {
        writeln!(out, "  {} pair(s) skipped:", lab.skipped_pairs)?;
        for (what, ids) in [
            ("not in the input", &lab.unknown_ids),
            ("of documents skipped when reading", &lab.not_analysed_ids),
        ] {
            if !ids.is_empty() {
                writeln!(out, "    {} id(s) {what}: {}", ids.len(), id_list(ids, 5))?;
            }
        }
    }
    if lab.pairs == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "  {:>9}   {:>24}   {:>24}",
        "threshold", "Jaccard ≥ t", "containment ≥ t"
    )?;
    writeln!(
        out,
        "  {:>9}   {:>6} {:>6} {:>6}        {:>6} {:>6} {:>6}",
        "t", "P", "R", "F1", "P", "R", "F1"
    )?;
    let jb = ((lab.jaccard.best.threshold * STEPS as f64).round()) as usize;
    let cb = ((lab.containment.best.threshold * STEPS as f64).round()) as usize;
    for i in 1..=STEPS {
        if i % 5 != 0 && i != jb && i != cb {
            continue;
        }
        let (j, c) = (&lab.jaccard.scores[i - 1], &lab.containment.scores[i - 1]);
        let line = format!(
            "  {:>9.2}   {:>6.3} {:>6.3} {:>6.3} {:<4}   {:>6.3} {:>6.3} {:>6.3} {:<4}",
            j.threshold,
            j.precision,
            j.recall,
            j.f1,
            if i == jb { "best" } else { "" },
            c.precision,
            c.recall,
            c.f1,
            if i == cb { "best" } else { "" },
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    for (name, sw) in [("Jaccard", &lab.jaccard), ("containment", &lab.containment)] {
        if sw.best_from < sw.best.threshold {
            writeln!(
                out,
                "  {name}: F1 {:.3} for any threshold from {:.2} to {:.2}.",
                sw.best.f1, sw.best_from, sw.best.threshold
            )?;
        }
    }
    Ok(())
}
