//! `athar.dedup` and `athar.report`: whole runs over texts held by Python,
//! returning the CLI's JSON report as a dict.
//!
//! The texts go through the library's own JSON Lines reader (written to an
//! in-memory buffer as `{"id": ..., "text": ...}` lines named `name`), or,
//! when the reader would take every line as it is (distinct ids, no blank
//! text), straight to documents; either way ids, sources, skipped documents
//! and warnings are exactly those of
//! `athar dedup NAME --format json` / `athar report NAME --format json` on a
//! file `NAME` holding the same lines.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyDict;

use athar::corpus::{self, Corpus, Document, InputFormat, Item, ReadOptions};
use athar::dedup::Dedup;
use athar::pipeline::{self, Config, MaxDf};
use rayon::prelude::*;

use crate::{normalize_options, texts_of, value_error};

/// One input line.
#[derive(serde::Serialize)]
struct Line<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    text: &'a str,
}

/// The documents of `texts` (and `ids`), read as the CLI reads a JSON Lines
/// file `name` holding them, handed to `sink` in order; returns the reader's
/// warnings.
fn read_texts(
    texts: &[PyBackedStr],
    ids: Option<&[PyBackedStr]>,
    name: &str,
    sink: &mut dyn FnMut(Item),
) -> PyResult<Vec<String>> {
    if let Some(ids) = ids {
        if ids.len() != texts.len() {
            return Err(PyValueError::new_err(format!(
                "{} ids for {} texts",
                ids.len(),
                texts.len()
            )));
        }
    }
    if let Some(ids) = ids.filter(|ids| plain(texts, ids)) {
        // What the reader would make of these lines, without writing and
        // parsing them: documents named by their ids, sourced `name:line`.
        for (i, (text, id)) in texts.iter().zip(ids).enumerate() {
            sink(Item::Document(Document {
                id: id.to_string(),
                source: format!("{name}:{}", i + 1),
                text: text.to_string(),
            }));
        }
        return Ok(Vec::new());
    }
    let mut buf = Vec::with_capacity(texts.iter().map(|t| t.len() + 32).sum());
    for (i, text) in texts.iter().enumerate() {
        let line = Line {
            id: ids.map(|ids| &*ids[i]),
            text,
        };
        serde_json::to_writer(&mut buf, &line).map_err(value_error)?;
        buf.push(b'\n');
    }
    let opts = ReadOptions::default();
    let summary = corpus::read_reader(name, &mut &buf[..], InputFormat::JsonLines, &opts, sink);
    Ok(summary.warnings)
}

/// True when the reader would take every line as a document under its own
/// id, with no warning: ids non-empty and distinct, no text blank (only
/// white space and invisible marks, as the reader judges it).
fn plain(texts: &[PyBackedStr], ids: &[PyBackedStr]) -> bool {
    let mut seen = ahash::AHashSet::with_capacity(ids.len());
    ids.iter().all(|id| !id.is_empty() && seen.insert(&**id))
        && texts.par_iter().all(|t| {
            !t.chars().all(|c| {
                c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200F}' | '\u{2060}')
            })
        })
}

/// The flags of a run, named as the CLI's without dashes (`shingle_size`
/// for `--shingle-size`). `report` says whether the report-only ones apply.
fn config(flags: Option<&Bound<'_, PyDict>>, report: bool) -> PyResult<Config> {
    let mut c = Config::default();
    let (mut bands, mut rows) = (None, None);
    let Some(flags) = flags else {
        return Ok(c);
    };
    for (key, value) in flags.iter() {
        let key: String = key.extract()?;
        let bad = |e: PyErr| PyTypeError::new_err(format!("{key}: {e}"));
        match key.as_str() {
            "threshold" => c.threshold = value.extract().map_err(bad)?,
            "containment" => c.containment = value.extract().map_err(bad)?,
            "shingle_size" => c.shingle_size = value.extract().map_err(bad)?,
            "num_perm" => c.num_perm = value.extract().map_err(bad)?,
            "seed" => c.seed = value.extract().map_err(bad)?,
            "minhash" => {
                let s: String = value.extract().map_err(bad)?;
                c.algorithm = s.parse().map_err(value_error)?;
            }
            "bands" => bands = Some(value.extract::<usize>().map_err(bad)?),
            "rows" => rows = Some(value.extract::<usize>().map_err(bad)?),
            "max_bucket" => c.max_bucket = value.extract().map_err(bad)?,
            "normalize" => {
                let s: String = value.extract().map_err(bad)?;
                c.normalize = normalize_options(&s)?;
            }
            "max_df" if report => {
                let s: String = value.str()?.extract()?;
                c.max_df = s.parse::<MaxDf>().map_err(value_error)?;
            }
            "max_gap" if report => c.max_gap = value.extract().map_err(bad)?,
            "min_passage" if report => c.min_passage = value.extract().map_err(bad)?,
            "narrative_threshold" if report => {
                c.narrative_threshold = value.extract().map_err(bad)?
            }
            "narratives" if report => c.narratives = value.extract().map_err(bad)?,
            "all_passages" if report => c.all_passages = value.extract().map_err(bad)?,
            "min_evidence" if report => c.min_evidence = value.extract().map_err(bad)?,
            "narrative_days" if report => c.narrative_days = value.extract().map_err(bad)?,
            "narrative_same_outlet" if report => {
                c.narrative_same_outlet = value.extract().map_err(bad)?
            }
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument {key:?}{}",
                    if report { "" } else { " (dedup)" }
                )));
            }
        }
    }
    c.bands_rows = match (bands, rows) {
        (None, None) => None,
        (Some(b), Some(r)) => Some((b, r)),
        _ => return Err(PyValueError::new_err("give bands and rows together")),
    };
    c.validate().map_err(value_error)?;
    Ok(c)
}

/// A report as the dict `json.loads` gives for the CLI's `--format json`.
fn to_dict<'py>(py: Python<'py>, report: &athar::report::Report) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_string(report).map_err(value_error)?;
    py.import("json")?.call_method1("loads", (json,))
}

fn ids_of(ids: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<PyBackedStr>>> {
    match ids {
        Some(ids) if !ids.is_none() => Ok(Some(texts_of(ids)?)),
        _ => Ok(None),
    }
}

/// Near-duplicate pairs and clusters of `texts`: the report of
/// `athar dedup --format json` as a dict (`pairs`, `clusters`, `documents`,
/// `params`, ...). `ids` name the texts (default: `name:line`).
#[pyfunction]
#[pyo3(signature = (texts, ids = None, threshold = 0.5, containment = 0.5, *, name = "<python>", **flags))]
pub(crate) fn dedup<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    ids: Option<&Bound<'py, PyAny>>,
    threshold: f64,
    containment: f64,
    name: &str,
    flags: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let texts = texts_of(texts)?;
    let ids = ids_of(ids)?;
    let mut config = config(flags, false)?;
    config.threshold = threshold;
    config.containment = containment;
    let mut dedup = Dedup::new(&config).map_err(value_error)?;
    let report = py.detach(|| -> PyResult<_> {
        // Batches of the CLI's size: memory holds one batch of texts.
        let mut batch = Vec::new();
        let warnings = read_texts(&texts, ids.as_deref(), name, &mut |item| {
            batch.push(item);
            if batch.len() >= 8192 {
                dedup.add(std::mem::take(&mut batch));
            }
        })?;
        dedup.add(batch);
        dedup.finish(warnings).map_err(value_error)
    })?;
    to_dict(py, &report)
}

/// The full report of `texts` (near-duplicates, passages, narratives,
/// phrases): the report of `athar report --format json` as a dict. Flags are
/// the CLI's without dashes (`min_passage=12`, `narratives=False`).
#[pyfunction]
#[pyo3(signature = (texts, ids = None, *, name = "<python>", **flags))]
pub(crate) fn report<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    ids: Option<&Bound<'py, PyAny>>,
    name: &str,
    flags: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let texts = texts_of(texts)?;
    let ids = ids_of(ids)?;
    let config = config(flags, true)?;
    let report = py.detach(|| -> PyResult<_> {
        let mut corpus = Corpus::default();
        corpus.warnings = read_texts(&texts, ids.as_deref(), name, &mut |item| match item {
            Item::Document(d) => corpus.documents.push(d),
            Item::Skipped(s) => corpus.skipped.push(s),
        })?;
        pipeline::analyse(&corpus, &config, &pipeline::NoProgress).map_err(value_error)
    })?;
    to_dict(py, &report)
}
