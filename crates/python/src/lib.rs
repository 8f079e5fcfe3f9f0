//! athar from Python: the native module `athar._athar`, re-exported by the
//! `athar` package (`python/athar/__init__.py`, types in `__init__.pyi`).
//!
//! Everything here is glue over the library: texts come in as Python strings
//! (borrowed, not copied), the work runs with the GIL released on rayon's
//! pool, and arrays go back as numpy arrays. Signatures, band keys and
//! shingle sets are the library's own values, so they equal the CLI's for
//! the same parameters; `dedup` and `report` return the CLI's JSON as a dict.

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyList, PyTuple};
use rayon::prelude::*;

use athar::sketch::lsh;
use athar::sketch::minhash::{self, Algorithm, MinHashParams};
use athar::sketch::shingle;
use athar::text::normalize::{NormalizeOptions, normalize_into};
use athar::text::tokenize::Tokenizer;
use athar::verify;

mod run;

/// A library error as a Python `ValueError`.
pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Normalization options from a preset name or an options id
/// (`default`, `loose`, `none`, `default-fold-persian+hamza-seats`, ...).
pub(crate) fn normalize_options(preset: &str) -> PyResult<NormalizeOptions> {
    NormalizeOptions::from_id(preset).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown normalization {preset:?} (expected default, loose or none, optionally \
             followed by +flag/-flag as in athar's params.normalization)"
        ))
    })
}

/// The strings of any iterable of `str` (list, tuple, pandas Series, ...),
/// borrowed from Python (no copy of the text).
pub(crate) fn texts_of(texts: &Bound<'_, PyAny>) -> PyResult<Vec<PyBackedStr>> {
    if texts.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(
            "texts must be an iterable of str, not one str",
        ));
    }
    texts
        .try_iter()?
        .map(|t| {
            t?.extract::<PyBackedStr>()
                .map_err(|_| PyTypeError::new_err("every text must be a str"))
        })
        .collect()
}

/// Normalize `text` with a preset: the text with diacritics and tatweel
/// removed, letter variants and digits folded, invisible controls deleted.
#[pyfunction]
#[pyo3(signature = (text, preset = "default"))]
fn normalize(py: Python<'_>, text: PyBackedStr, preset: &str) -> PyResult<String> {
    let opts = normalize_options(preset)?;
    Ok(py.detach(|| {
        let mut out = String::new();
        normalize_into(&text, &opts, &mut out);
        out
    }))
}

/// The normalized tokens of `text`: `(token, start, end)` with the byte span
/// of the original UTF-8 text each token came from.
#[pyfunction]
#[pyo3(signature = (text, preset = "default"))]
fn tokens(text: &str, preset: &str) -> PyResult<Vec<(String, usize, usize)>> {
    let opts = normalize_options(preset)?;
    let toks = Tokenizer::new(opts).tokenize(text);
    Ok(toks
        .iter()
        .map(|(t, span)| (t.to_string(), span.start(), span.end()))
        .collect())
}

/// Per-thread scratch space for turning a text into shingle hashes.
struct Scratch {
    tokenizer: Tokenizer,
    hashes: Vec<u64>,
    set: Vec<u64>,
    mins: Vec<u64>,
    values: Vec<u32>,
}

impl Scratch {
    fn new(opts: NormalizeOptions) -> Scratch {
        Scratch {
            tokenizer: Tokenizer::new(opts),
            hashes: Vec::new(),
            set: Vec::new(),
            mins: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Token hashes of `text` into `self.hashes` (one a token), straight
    /// from the text as `athar dedup` takes them: no spans nor normalized
    /// copy.
    fn hash(&mut self, text: &str) {
        self.tokenizer.token_hashes_into(text, &mut self.hashes);
    }

    /// The sorted, distinct shingle hashes of `text` into `self.set`.
    fn set(&mut self, text: &str, k: usize) {
        self.hash(text);
        shingle::shingle_set_into(&self.hashes, k, &mut self.set);
    }
}

/// MinHash signatures of texts, as `athar dedup` and `athar report` compute
/// them for the same parameters.
#[pyclass(name = "MinHasher", module = "athar", frozen)]
struct PyMinHasher {
    hasher: minhash::MinHasher,
    normalize: NormalizeOptions,
}

impl PyMinHasher {
    fn num_perm(&self) -> usize {
        self.hasher.params().num_perm
    }

    fn k(&self) -> usize {
        self.hasher.params().k
    }

    /// Signs every text into its row of `out` (`num_perm` slots a row), in
    /// parallel; the rows do not depend on the thread count.
    fn sign_rows(&self, texts: &[PyBackedStr], out: &mut [u32]) {
        let np = self.num_perm();
        let k = self.k();
        out.par_chunks_mut(np).zip(texts.par_iter()).for_each_init(
            || Scratch::new(self.normalize),
            |s, (row, text)| {
                s.hash(text);
                self.hasher.sign_values_into(
                    shingle::shingle_hashes(&s.hashes, k),
                    &mut s.mins,
                    &mut s.values,
                );
                row.copy_from_slice(&s.values);
            },
        );
    }
}

#[pymethods]
impl PyMinHasher {
    #[new]
    #[pyo3(signature = (num_perm = 128, seed = 1, shingle_size = 5, algorithm = "fast", normalize = "default"))]
    fn new(
        num_perm: usize,
        seed: u64,
        shingle_size: usize,
        algorithm: &str,
        normalize: &str,
    ) -> PyResult<Self> {
        let opts = normalize_options(normalize)?;
        let algorithm: Algorithm = algorithm.parse().map_err(value_error)?;
        let hasher = minhash::MinHasher::new(MinHashParams {
            algorithm,
            num_perm,
            seed,
            k: shingle_size,
            ..MinHashParams::new(&opts)
        })
        .map_err(value_error)?;
        Ok(PyMinHasher {
            hasher,
            normalize: opts,
        })
    }

    /// Number of slots per signature.
    #[getter(num_perm)]
    fn get_num_perm(&self) -> usize {
        self.num_perm()
    }

    /// The parameters, as athar records them in signatures and reports.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = self.hasher.params();
        let d = PyDict::new(py);
        d.set_item("algorithm", p.algorithm.as_str())?;
        d.set_item("num_perm", p.num_perm)?;
        d.set_item("seed", p.seed)?;
        d.set_item("shingle_size", p.k)?;
        d.set_item("normalization", &p.normalization)?;
        d.set_item("hash", &p.hash)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let p = self.hasher.params();
        format!(
            "MinHasher(num_perm={}, seed={}, shingle_size={}, algorithm={:?}, normalize={:?})",
            p.num_perm,
            p.seed,
            p.k,
            p.algorithm.as_str(),
            p.normalization
        )
    }

    /// The signature of one text: a numpy uint32 array of `num_perm` slots
    /// (all 2**32 - 1 for a text without tokens).
    fn sign<'py>(&self, py: Python<'py>, text: PyBackedStr) -> Bound<'py, PyArray1<u32>> {
        let mut out = vec![0u32; self.num_perm()];
        py.detach(|| self.sign_rows(std::slice::from_ref(&text), &mut out));
        out.into_pyarray(py)
    }

    /// Signatures of many texts: a numpy uint32 array `(len(texts), num_perm)`,
    /// computed on all cores with the GIL released (`RAYON_NUM_THREADS` caps
    /// the threads).
    fn sign_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<u32>>> {
        let texts = texts_of(texts)?;
        let np = self.num_perm();
        let mut out = vec![0u32; texts.len() * np];
        py.detach(|| self.sign_rows(&texts, &mut out));
        let arr = Array2::from_shape_vec((texts.len(), np), out).map_err(value_error)?;
        Ok(arr.into_pyarray(py))
    }

    /// Signatures and compact shingle sets of many texts in one pass, as
    /// `athar dedup` keeps them: `(signatures, sets, tokens)` with the
    /// signatures as in `sign_batch`, each set a sorted uint32 array (the
    /// high 32 bits of every shingle hash, `shingle_set(..., compact=True)`)
    /// and `tokens` a uint64 array of token counts.
    fn sketch_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let texts = texts_of(texts)?;
        let np = self.num_perm();
        let k = self.k();
        let mut sigs = vec![0u32; texts.len() * np];
        let (sets, counts): (Vec<Vec<u32>>, Vec<u64>) = py.detach(|| {
            sigs.par_chunks_mut(np)
                .zip(texts.par_iter())
                .map_init(
                    || Scratch::new(self.normalize),
                    |s, (row, text)| {
                        s.set(text, k);
                        self.hasher.sign_values_into(
                            s.set.iter().copied(),
                            &mut s.mins,
                            &mut s.values,
                        );
                        row.copy_from_slice(&s.values);
                        (verify::compact_set(&s.set), s.hashes.len() as u64)
                    },
                )
                .unzip()
        });
        let sigs = Array2::from_shape_vec((texts.len(), np), sigs)
            .map_err(value_error)?
            .into_pyarray(py);
        let sets = PyList::new(py, sets.into_iter().map(|s| s.into_pyarray(py)))?;
        let counts = counts.into_pyarray(py);
        PyTuple::new(py, [sigs.into_any(), sets.into_any(), counts.into_any()])
    }

    /// LSH band keys of signatures (see the module function `band_keys`).
    fn band_keys<'py>(
        &self,
        py: Python<'py>,
        signatures: PyReadonlyArray2<'py, u32>,
        bands: usize,
        rows: usize,
    ) -> PyResult<Bound<'py, PyArray2<u64>>> {
        band_keys(py, signatures, bands, rows)
    }
}

/// LSH band keys: a numpy uint64 array `(n, bands)` whose column `b` is the
/// bucket key of band `b` (slots `b*rows .. (b+1)*rows`) of each signature,
/// the key `athar dedup` groups on. Two documents are a candidate pair when
/// they share a key in the same column.
#[pyfunction]
fn band_keys<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    bands: usize,
    rows: usize,
) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let view = signatures.as_array();
    let (n, np) = view.dim();
    lsh::LshParams { bands, rows }
        .validate(np)
        .map_err(value_error)?;
    // Rows in C order: the array's own memory when it is laid out so.
    let owned: Vec<u32>;
    let slots: &[u32] = match view.as_slice() {
        Some(s) => s,
        None => {
            owned = view.iter().copied().collect();
            &owned
        }
    };
    let mut out = vec![0u64; n * bands];
    if np > 0 {
        py.detach(|| {
            out.par_chunks_mut(bands.max(1))
                .zip(slots.par_chunks(np))
                .for_each(|(keys, sig)| {
                    for (b, key) in keys.iter_mut().enumerate() {
                        *key = lsh::band_key(b, &sig[b * rows..(b + 1) * rows]);
                    }
                })
        });
    }
    Ok(Array2::from_shape_vec((n, bands), out)
        .map_err(value_error)?
        .into_pyarray(py))
}

/// The shingle set of `text`: its distinct word `shingle_size`-shingle hashes,
/// sorted, as a numpy uint64 array; with `compact=True` the high 32 bits of
/// each, sorted and distinct, as uint32 (the sets `athar dedup` verifies
/// with).
#[pyfunction]
#[pyo3(signature = (text, shingle_size = 5, preset = "default", compact = false))]
fn shingle_set<'py>(
    py: Python<'py>,
    text: PyBackedStr,
    shingle_size: usize,
    preset: &str,
    compact: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if shingle_size == 0 {
        return Err(PyValueError::new_err("shingle_size must be at least 1"));
    }
    let opts = normalize_options(preset)?;
    let set = py.detach(|| {
        let mut s = Scratch::new(opts);
        s.set(&text, shingle_size);
        s.set
    });
    Ok(if compact {
        verify::compact_set(&set).into_pyarray(py).into_any()
    } else {
        set.into_pyarray(py).into_any()
    })
}

/// Two shingle sets as sorted, distinct slices of one element type.
enum SetPair<'py> {
    U64(PyReadonlyArray1<'py, u64>, PyReadonlyArray1<'py, u64>),
    U32(PyReadonlyArray1<'py, u32>, PyReadonlyArray1<'py, u32>),
}

fn set_pair<'py>(a: &Bound<'py, PyAny>, b: &Bound<'py, PyAny>) -> PyResult<SetPair<'py>> {
    if let (Ok(x), Ok(y)) = (a.extract(), b.extract()) {
        return Ok(SetPair::U64(x, y));
    }
    if let (Ok(x), Ok(y)) = (a.extract(), b.extract()) {
        return Ok(SetPair::U32(x, y));
    }
    Err(PyTypeError::new_err(
        "shingle sets must be two 1-D numpy arrays of the same dtype, uint64 or uint32 \
         (from athar.shingle_set)",
    ))
}

fn checked<T: Ord + Copy + numpy::Element>(a: &PyReadonlyArray1<'_, T>) -> PyResult<Vec<T>> {
    let v = a.as_array().to_vec();
    if !v.windows(2).all(|w| w[0] < w[1]) {
        return Err(PyValueError::new_err(
            "a shingle set must be sorted ascending without duplicates",
        ));
    }
    Ok(v)
}

fn similarity(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<verify::Similarity> {
    Ok(match set_pair(a, b)? {
        SetPair::U64(x, y) => verify::similarity(&checked(&x)?, &checked(&y)?),
        SetPair::U32(x, y) => verify::similarity(&checked(&x)?, &checked(&y)?),
    })
}

/// Exact Jaccard similarity `|a ∩ b| / |a ∪ b|` of two shingle sets (0 when
/// both are empty).
#[pyfunction]
fn jaccard(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<f64> {
    Ok(similarity(a, b)?.jaccard)
}

/// Containment of `a` in `b`: `|a ∩ b| / |a|`, the share of `a` found in `b`
/// (0 when `a` is empty).
#[pyfunction]
fn containment(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<f64> {
    Ok(similarity(a, b)?.containment_a)
}

/// The LSH bands and rows `athar dedup` uses for these thresholds.
#[pyfunction]
#[pyo3(signature = (threshold = 0.5, containment = 0.5, num_perm = 128))]
fn lsh_params(threshold: f64, containment: f64, num_perm: usize) -> PyResult<(usize, usize)> {
    let config = athar::pipeline::Config {
        threshold,
        containment,
        num_perm,
        ..Default::default()
    };
    config.validate().map_err(value_error)?;
    let p = config
        .lsh_params(athar::dedup::lsh_target(&config))
        .map_err(value_error)?;
    Ok((p.bands, p.rows))
}

/// The native part of the `athar` package.
#[pymodule]
fn _athar(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(tokens, m)?)?;
    m.add_function(wrap_pyfunction!(band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(shingle_set, m)?)?;
    m.add_function(wrap_pyfunction!(jaccard, m)?)?;
    m.add_function(wrap_pyfunction!(containment, m)?)?;
    m.add_function(wrap_pyfunction!(lsh_params, m)?)?;
    m.add_function(wrap_pyfunction!(run::dedup, m)?)?;
    m.add_function(wrap_pyfunction!(run::report, m)?)?;
    m.add_class::<PyMinHasher>()?;
    Ok(())
}
