//! Labelled pairs: reading them ([`parse_labels`]) and scoring every
//! threshold against them (precision, recall and F1 per rule).

use super::*;

/// One labelled pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Id of the first document.
    pub a: String,
    /// Id of the second document.
    pub b: String,
    /// True for reuse (label 1), false for not (label 0).
    pub reuse: bool,
    /// 1-based line of the labels file.
    pub line: usize,
}

/// Parses labelled pairs: one `id_a<TAB>id_b<TAB>label` a line, label `1`
/// (reuse) or `0` (not). Further columns are ignored. Blank lines and lines
/// starting with `#` are skipped; the first line is a header when its label
/// column is not a number. `path` names the file in errors.
///
/// Errors ([`Error::BadInput`], with the line) on a line with fewer than
/// three columns, an empty id, a label other than 0 or 1, a document paired
/// with itself, and a pair labelled both 0 and 1. A pair listed twice with
/// the same label counts once.
pub fn parse_labels(text: &str, path: &Path) -> Result<Vec<Label>> {
    let bad = |line: usize, message: String| Error::BadInput {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut out: Vec<Label> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut first = true;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        let raw = if line == 1 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let header = std::mem::replace(&mut first, false);
        let cols: Vec<&str> = raw.split('\t').map(str::trim).collect();
        if cols.len() < 3 {
            return Err(bad(
                line,
                format!(
                    "expected id_a<TAB>id_b<TAB>label, found {} column(s): {:?}",
                    cols.len(),
                    clip(raw)
                ),
            ));
        }
        let reuse = match cols[2] {
            "1" => true,
            "0" => false,
            other if header && other.parse::<f64>().is_err() => continue,
            other => {
                return Err(bad(
                    line,
                    format!(
                        "label must be 1 (reuse) or 0 (not), found {:?}",
                        clip(other)
                    ),
                ));
            }
        };
        let (a, b) = (cols[0], cols[1]);
        if a.is_empty() || b.is_empty() {
            return Err(bad(line, "empty document id".into()));
        }
        if a == b {
            return Err(bad(line, format!("document {a:?} is paired with itself")));
        }
        let key = if a < b { (a, b) } else { (b, a) };
        let key = (key.0.to_string(), key.1.to_string());
        if let Some(&j) = seen.get(&key) {
            if out[j].reuse != reuse {
                return Err(bad(
                    line,
                    format!(
                        "pair {a} – {b} is labelled {} here and {} on line {}",
                        u8::from(reuse),
                        u8::from(out[j].reuse),
                        out[j].line
                    ),
                ));
            }
            continue;
        }
        seen.insert(key, out.len());
        out.push(Label {
            a: a.to_string(),
            b: b.to_string(),
            reuse,
            line,
        });
    }
    Ok(out)
}

/// At most 60 characters of `s`, for error messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The exact similarity of every labelled pair, and the sweeps.
pub(super) fn evaluate(
    corpus: &Corpus,
    data: &DocSets,
    labels: &[Label],
    config: &Config,
) -> LabelReport {
    let found = Labelled::new(corpus, data, labels, config);
    let rows = &found.rows;
    let positives = rows.iter().filter(|r| r.reuse).count();
    let negatives = rows.len() - positives;
    let grid = Grid::new(rows, [positives, negatives]);
    let jaccard = sweep(&|j| grid.counts(j, STEPS + 1));
    let containment = sweep(&|c| grid.counts(STEPS + 1, c));
    let combined = Combined {
        best: best_combined(&grid, &jaccard),
    };
    let cur_tp = rows.iter().filter(|r| r.reuse && r.current).count();
    let current = Counts {
        tp: cur_tp,
        fp: rows.iter().filter(|r| !r.reuse && r.current).count(),
        fnn: positives - cur_tp,
    }
    .score(config.threshold, Some(config.containment));
    LabelReport {
        pairs: rows.len(),
        positives,
        negatives,
        sharing_nothing: found.sharing_nothing,
        unknown_ids: found.unknown,
        not_analysed_ids: found.not_analysed,
        skipped_pairs: found.skipped_pairs,
        jaccard,
        containment,
        combined,
        current,
    }
}

/// One labelled pair of analysed documents, measured.
struct Row {
    reuse: bool,
    /// Highest grid step its Jaccard passes.
    jaccard: usize,
    /// Highest grid step its max containment passes.
    containment: usize,
    /// Whether the rule in force (`config`) reports it.
    current: bool,
}

/// The labelled pairs measured, and those that could not be.
struct Labelled {
    rows: Vec<Row>,
    sharing_nothing: usize,
    /// Ids found in no document read, sorted.
    unknown: Vec<String>,
    /// Ids of documents skipped when reading, sorted.
    not_analysed: Vec<String>,
    skipped_pairs: usize,
}

impl Labelled {
    fn new(corpus: &Corpus, data: &DocSets, labels: &[Label], config: &Config) -> Labelled {
        let index: HashMap<&str, usize> = corpus
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let skipped: std::collections::HashSet<&str> =
            corpus.skipped.iter().map(|s| s.id.as_str()).collect();
        let mut out = Labelled {
            rows: Vec::new(),
            sharing_nothing: 0,
            unknown: Vec::new(),
            not_analysed: Vec::new(),
            skipped_pairs: 0,
        };
        for l in labels {
            let (a, b) = (index.get(l.a.as_str()), index.get(l.b.as_str()));
            for (id, found) in [(&l.a, a), (&l.b, b)] {
                if found.is_none() {
                    if skipped.contains(id.as_str()) {
                        out.not_analysed.push(id.clone());
                    } else {
                        out.unknown.push(id.clone());
                    }
                }
            }
            let (Some(&a), Some(&b)) = (a, b) else {
                out.skipped_pairs += 1;
                continue;
            };
            let (sa, sb) = (&data.sets[a], &data.sets[b]);
            let inter = crate::verify::intersection_size(sa, sb);
            out.sharing_nothing += usize::from(inter == 0);
            let union = sa.len() + sb.len() - inter;
            let small = sa.len().min(sb.len());
            let current = inter > 0
                && (at_least(inter, union, config.threshold)
                    || at_least(inter, small, config.containment));
            out.rows.push(Row {
                reuse: l.reuse,
                jaccard: step_of(inter, union),
                containment: step_of(inter, small),
                current,
            });
        }
        out.unknown.sort();
        out.unknown.dedup();
        out.not_analysed.sort();
        out.not_analysed.dedup();
        out
    }
}

/// Pair counts by Jaccard step and containment step, summed so that the
/// counts of any rule "Jaccard ≥ j or containment ≥ c" are read in O(1).
struct Grid {
    /// `at[j * (STEPS + 1) + c]`: (positive, negative) pairs with Jaccard
    /// step ≥ j and containment step ≥ c.
    at: Vec<[usize; 2]>,
    /// All positive and negative pairs.
    totals: [usize; 2],
}

impl Grid {
    fn new(rows: &[Row], totals: [usize; 2]) -> Grid {
        let w = STEPS + 1;
        let mut grid = vec![[0usize; 2]; w * w];
        for r in rows {
            grid[r.jaccard * w + r.containment][usize::from(!r.reuse)] += 1;
        }
        // Suffix sums.
        let mut at = grid.clone();
        for j in (0..=STEPS).rev() {
            for c in (0..=STEPS).rev() {
                for s in 0..2 {
                    let mut v = grid[j * w + c][s];
                    if j < STEPS {
                        v += at[(j + 1) * w + c][s];
                    }
                    if c < STEPS {
                        v += at[j * w + c + 1][s];
                    }
                    if j < STEPS && c < STEPS {
                        v -= at[(j + 1) * w + c + 1][s];
                    }
                    at[j * w + c][s] = v;
                }
            }
        }
        Grid { at, totals }
    }

    /// Pairs of side `s` (0 positive, 1 negative) kept under "Jaccard ≥
    /// j/STEPS or containment ≥ c/STEPS" (j, c ≥ 1; beyond STEPS: unused).
    fn kept(&self, j: usize, c: usize, s: usize) -> usize {
        let w = STEPS + 1;
        let jj = if j > STEPS { 0 } else { self.at[j * w][s] };
        let cc = if c > STEPS { 0 } else { self.at[c][s] };
        let both = if j > STEPS || c > STEPS {
            0
        } else {
            self.at[j * w + c][s]
        };
        jj + cc - both
    }

    fn counts(&self, j: usize, c: usize) -> Counts {
        let tp = self.kept(j, c, 0);
        Counts {
            tp,
            fp: self.kept(j, c, 1),
            fnn: self.totals[0] - tp,
        }
    }
}

/// Grid step `i` as a threshold.
fn step_threshold(i: usize) -> f64 {
    i as f64 / STEPS as f64
}

/// The scores of one threshold swept over the grid (the other beyond it).
fn sweep(f: &dyn Fn(usize) -> Counts) -> Sweep {
    let t = step_threshold;
    let all: Vec<Counts> = (1..=STEPS).map(f).collect();
    let mut best = 0;
    for (i, c) in all.iter().enumerate() {
        if !all[best].beats(*c) {
            best = i;
        }
    }
    let mut from = best;
    while from > 0 && all[from - 1].same_f1(all[best]) {
        from -= 1;
    }
    Sweep {
        scores: all
            .iter()
            .enumerate()
            .map(|(i, c)| c.score(t(i + 1), None))
            .collect(),
        best: all[best].score(t(best + 1), None),
        best_from: round(t(from + 1)),
    }
}

/// The best rule "Jaccard ≥ j or containment ≥ c". Equal F1: the Jaccard
/// threshold nearest the one Jaccard alone recommends (it decides what
/// athar report calls a near-duplicate), then the higher containment, then
/// the higher Jaccard.
fn best_combined(grid: &Grid, jaccard: &Sweep) -> Score {
    let j_alone = (jaccard.best.threshold * STEPS as f64).round() as usize;
    let tie_key = |j: usize, c: usize| (std::cmp::Reverse(j.abs_diff(j_alone)), c, j);
    let mut best = (1, 1);
    for j in 1..=STEPS {
        for c in 1..=STEPS {
            let (new, old) = (grid.counts(j, c), grid.counts(best.0, best.1));
            if new.beats(old) || (new.same_f1(old) && tie_key(j, c) > tie_key(best.0, best.1)) {
                best = (j, c);
            }
        }
    }
    grid.counts(best.0, best.1)
        .score(step_threshold(best.0), Some(step_threshold(best.1)))
}
