//! A generator of realistic Arabic news corpora with known truth, for tests,
//! benchmarks and `athar gen`.
//!
//! # What it makes
//!
//! Documents look like news articles: a headline line, then paragraphs (one
//! per line) of sentences with Arabic punctuation (`،` `.` `؟`), quotations in
//! `«…»`, occasional numbers (ASCII or Arabic-Indic digits) and Latin names.
//! Words follow a Zipf–Mandelbrot law over a fixed vocabulary of
//! [`VOCAB_SIZE`] word types, most frequent first: Arabic function words,
//! common news words, then the words of the five seed articles in `corpus/`
//! (by their frequency there) interleaved with synthetic words built from
//! random triliteral roots (letters weighted as in real roots), common
//! morphological patterns, clitic prefixes (ال و ب ل ف …) and suffixes
//! (ة ات ون ين …); synthetic words alone fill the long tail, so large corpora
//! do not share long n-grams by accident. Each document also has a "topic"
//! of 20–60 words it repeats, as real articles do. Lengths
//! are right-skewed around [`SynthParams::mean_bytes`] (≈ 3.5 KB by default).
//! Some documents carry outlet boilerplate lines ("جميع الحقوق محفوظة …",
//! "اقرأ أيضا: …") that recur across many unrelated documents.
//!
//! # Known truth
//!
//! Documents are made in *groups*; each group has one freshly written
//! original and, depending on its kind, derived documents:
//!
//! * [`TruthKind::NearDuplicate`]: 1 to [`SynthParams::max_copies`] copies of
//!   the original passed through [`perturb`] (word edits, diacritics, tatweel,
//!   letter variants, reordering, boilerplate). Each copy uses
//!   [`PerturbParams::edit_rate`] times a factor drawn uniformly from
//!   `[0, 2)`, so copies range from almost exact to heavily edited. Every
//!   pair inside the group is recorded (original–copy and copy–copy), spans
//!   `None` (whole documents).
//! * [`TruthKind::SharedParagraph`]: a fresh article receives one paragraph of
//!   the original verbatim at its start, middle or end ([`insert_paragraph`]).
//!   `a_span` is the paragraph in the original, `b_span` in the receiver;
//!   both slice exactly the same text.
//! * [`TruthKind::ShuffledParagraph`]: as above, but the inserted paragraph
//!   has its words shuffled ([`shuffle_words`]): same words, another order.
//! * [`TruthKind::Unrelated`]: a sample of pairs of documents from different
//!   groups ([`SynthParams::unrelated_rate`] per document), negatives for
//!   precision tests.
//!
//! In a [`TruthPair`], `a` is the original (source) and `b` the derived
//! document; for copy–copy pairs `a < b`. Indices are positions in the output
//! order; ids are [`doc_id`]`(index)`. Documents of one group are scattered
//! within blocks of [`BLOCK_DOCS`] documents, so a copy may come before its
//! original.
//!
//! # Determinism
//!
//! Output is a pure function of [`SynthParams`]: same parameters → same bytes,
//! whatever the number of threads. Randomness comes from xoshiro256++
//! (`rand_xoshiro`, a fixed algorithm) through [`SynthRng`], whose helpers use
//! only integer arithmetic and exact float comparisons; no transcendental
//! function is used, so the output is the same on every platform. Each group
//! gets its own generator seeded from `(seed, group number)`, which lets
//! blocks be generated in parallel.
//!
//! ```
//! use athar_synth::{generate, SynthParams, TruthKind};
//! let corpus = generate(&SynthParams { docs: 50, seed: 7, ..SynthParams::default() }).unwrap();
//! assert_eq!(corpus.docs.len(), 50);
//! for t in &corpus.truth {
//!     if let (TruthKind::SharedParagraph, Some(a), Some(b)) = (t.kind, t.a_span, t.b_span) {
//!         assert_eq!(a.slice(&corpus.docs[t.a].text), b.slice(&corpus.docs[t.b].text));
//!     }
//! }
//! ```
//!
//! # Streaming to files (what `athar gen` does)
//!
//! ```no_run
//! use std::fs::File;
//! use std::io::BufWriter;
//! use athar_synth::{generate_each, write_doc_jsonl, write_truth_tsv, SynthParams};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let params = SynthParams { docs: 1_000_000, seed: 42, ..SynthParams::default() };
//! let mut out = BufWriter::new(File::create("corpus.jsonl")?);
//! let truth = generate_each(&params, |doc| {
//!     write_doc_jsonl(&doc, &mut out).map_err(Box::<dyn std::error::Error>::from)
//! })?;
//! write_truth_tsv(&truth, BufWriter::new(File::create("truth.tsv")?))?;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::OnceLock;

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use athar::error::{Error, Result};
use athar::span::Span;

mod article;
mod books;
mod perturb;
mod times;
mod vocab;

use article::*;
pub use books::*;
pub use perturb::*;
pub use times::*;
use vocab::*;

/// Number of word types in the generator's vocabulary.
pub const VOCAB_SIZE: usize = 60_000;

/// Documents are generated, shuffled and emitted in blocks of this many.
pub const BLOCK_DOCS: usize = 2048;

const SEEDS: [&str; 5] = [
    include_str!("../../../corpus/000_a8c9c320c45533b7.txt"),
    include_str!("../../../corpus/001_b0e07918fdc47d3a.txt"),
    include_str!("../../../corpus/002_57bea19229710927.txt"),
    include_str!("../../../corpus/003_10072a147e764a93.txt"),
    include_str!("../../../corpus/004_48637a38231df504.txt"),
];

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

/// The generator's random number source: xoshiro256++ with portable helpers.
///
/// The stream for a seed never changes: the algorithm is fixed and the
/// helpers use integer arithmetic only.
#[derive(Clone, Debug)]
pub struct SynthRng(Xoshiro256PlusPlus);

impl SynthRng {
    /// A generator seeded from `seed` (through SplitMix64).
    pub fn new(seed: u64) -> SynthRng {
        SynthRng(Xoshiro256PlusPlus::seed_from_u64(seed))
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (`0` when `n == 0`).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    #[inline]
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// A float in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    #[inline]
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Shuffles a slice in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The SplitMix64 finalizer: a strong 64-bit mixer.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Independent stream number `stream` of `seed`.
fn sub_rng(seed: u64, salt: u64, stream: u64) -> SynthRng {
    SynthRng::new(mix64(seed ^ mix64(salt ^ mix64(stream.wrapping_add(1)))))
}

// ---------------------------------------------------------------------------
// Parameters and results
// ---------------------------------------------------------------------------

/// How [`perturb`] changes a text. All rates are probabilities in `[0, 1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct PerturbParams {
    /// Per word: probability of an edit (substitution, insertion or deletion,
    /// equally likely).
    pub edit_rate: f64,
    /// Per word: probability of adding diacritics (harakat, tanwin, shadda).
    pub diacritics_rate: f64,
    /// Per word: probability of inserting tatweel (ـ) between two letters.
    pub tatweel_rate: f64,
    /// Per word that has one: probability of swapping an alef (أ/ا/إ/آ),
    /// final yeh (ى/ي) or final teh marbuta (ة→ه) variant.
    pub variant_rate: f64,
    /// Per sentence and per paragraph: probability of swapping it with the
    /// next one (the headline, line 0, stays in place).
    pub reorder_rate: f64,
    /// Probability of adding an outlet header line, and independently a
    /// footer line (boilerplate shared by many documents).
    pub boilerplate_rate: f64,
}

impl Default for PerturbParams {
    fn default() -> Self {
        PerturbParams {
            edit_rate: 0.02,
            diacritics_rate: 0.05,
            tatweel_rate: 0.02,
            variant_rate: 0.2,
            reorder_rate: 0.02,
            boilerplate_rate: 0.5,
        }
    }
}

impl PerturbParams {
    /// No change at all.
    pub fn none() -> PerturbParams {
        PerturbParams {
            edit_rate: 0.0,
            diacritics_rate: 0.0,
            tatweel_rate: 0.0,
            variant_rate: 0.0,
            reorder_rate: 0.0,
            boilerplate_rate: 0.0,
        }
    }

    fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("edit_rate", self.edit_rate),
            ("diacritics_rate", self.diacritics_rate),
            ("tatweel_rate", self.tatweel_rate),
            ("variant_rate", self.variant_rate),
            ("reorder_rate", self.reorder_rate),
            ("boilerplate_rate", self.boilerplate_rate),
        ] {
            check_rate(name, v)?;
        }
        Ok(())
    }
}

fn check_rate(name: &str, v: f64) -> Result<()> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::InvalidParameter(format!(
            "{name} must be between 0 and 1, got {v}"
        )))
    }
}

/// What to generate. Rates of derived documents are fractions of all
/// documents; the rest are originals and unrelated documents.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthParams {
    /// Number of documents (default 1000).
    pub docs: usize,
    /// Seed: same parameters and seed → same bytes (default 42).
    pub seed: u64,
    /// Target mean document length in bytes (before derived documents add
    /// boilerplate or inserted paragraphs; default 3500).
    pub mean_bytes: usize,
    /// Expected fraction of documents that are near-duplicate copies of
    /// another (default 0.1).
    pub dup_rate: f64,
    /// Each near-duplicated original gets 1 to `max_copies` copies, uniformly
    /// (default 3).
    pub max_copies: usize,
    /// Expected fraction of documents that received one verbatim paragraph
    /// of another (default 0.05).
    pub shared_rate: f64,
    /// Expected fraction of documents that received a word-shuffled
    /// paragraph of another (default 0.02).
    pub shuffled_rate: f64,
    /// Probability that a freshly written document carries outlet
    /// boilerplate lines (default 0.3).
    pub boilerplate_rate: f64,
    /// Unrelated pairs recorded in the truth, per document (default 0.05).
    pub unrelated_rate: f64,
    /// How near-duplicate copies are changed.
    pub perturb: PerturbParams,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            docs: 1000,
            seed: 42,
            mean_bytes: 3500,
            dup_rate: 0.1,
            max_copies: 3,
            shared_rate: 0.05,
            shuffled_rate: 0.02,
            boilerplate_rate: 0.3,
            unrelated_rate: 0.05,
            perturb: PerturbParams::default(),
        }
    }
}

impl SynthParams {
    /// Checks rates and sizes; the error says which parameter is wrong.
    pub fn validate(&self) -> Result<()> {
        check_rate("dup_rate", self.dup_rate)?;
        check_rate("shared_rate", self.shared_rate)?;
        check_rate("shuffled_rate", self.shuffled_rate)?;
        check_rate("boilerplate_rate", self.boilerplate_rate)?;
        if !(0.0..=10.0).contains(&self.unrelated_rate) {
            return Err(Error::InvalidParameter(format!(
                "unrelated_rate must be between 0 and 10, got {}",
                self.unrelated_rate
            )));
        }
        self.perturb.validate()?;
        if self.max_copies == 0 {
            return Err(Error::InvalidParameter(
                "max_copies must be at least 1".into(),
            ));
        }
        if !(200..=1_000_000).contains(&self.mean_bytes) {
            return Err(Error::InvalidParameter(format!(
                "mean_bytes must be between 200 and 1000000, got {}",
                self.mean_bytes
            )));
        }
        let derived = self.dup_rate + self.shared_rate + self.shuffled_rate;
        if derived >= 0.95 {
            return Err(Error::InvalidParameter(format!(
                "dup_rate + shared_rate + shuffled_rate must be below 0.95, got {derived}"
            )));
        }
        let (p_dup, p_shared, p_shuffled) = self.group_probabilities();
        if p_dup + p_shared + p_shuffled > 1.0 {
            return Err(Error::InvalidParameter(format!(
                "dup_rate {}, shared_rate {} and shuffled_rate {} together leave too few \
                 original documents (raise max_copies or lower the rates)",
                self.dup_rate, self.shared_rate, self.shuffled_rate
            )));
        }
        Ok(())
    }

    /// Probability that a group is a near-duplicate cluster, a shared
    /// paragraph pair or a shuffled paragraph pair. Every group has one
    /// original, so the number of groups is `docs * (1 - derived rates)`.
    fn group_probabilities(&self) -> (f64, f64, f64) {
        let base = 1.0 - self.dup_rate - self.shared_rate - self.shuffled_rate;
        let mean_copies = (1.0 + self.max_copies as f64) / 2.0;
        (
            self.dup_rate / (mean_copies * base),
            self.shared_rate / base,
            self.shuffled_rate / base,
        )
    }
}

/// One generated document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SynthDoc {
    /// Its id: [`doc_id`] of its index.
    pub id: String,
    /// The outlet that published it (one of [`OUTLETS`]).
    pub source: String,
    /// When it was published (`YYYY-MM-DDTHH:MM:SSZ`): see [`publication`].
    pub date: String,
    /// Its text: lines separated by `\n`, no trailing newline.
    pub text: String,
}

/// The relation recorded between two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TruthKind {
    /// `b` is a perturbed copy of `a` (or both are copies of one original).
    NearDuplicate,
    /// `b` contains one paragraph of `a` verbatim.
    SharedParagraph,
    /// `b` contains one paragraph of `a` with its words shuffled.
    ShuffledParagraph,
    /// `a` and `b` were written independently.
    Unrelated,
}

impl TruthKind {
    /// The name used in the truth TSV: `near_duplicate`, `shared_paragraph`,
    /// `shuffled_paragraph` or `unrelated`.
    pub fn as_str(self) -> &'static str {
        match self {
            TruthKind::NearDuplicate => "near_duplicate",
            TruthKind::SharedParagraph => "shared_paragraph",
            TruthKind::ShuffledParagraph => "shuffled_paragraph",
            TruthKind::Unrelated => "unrelated",
        }
    }
}

impl fmt::Display for TruthKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A known relation between documents `a` and `b` (indices in output order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TruthPair {
    /// The source document.
    pub a: usize,
    /// The derived document.
    pub b: usize,
    /// The relation.
    pub kind: TruthKind,
    /// The shared text in `a`, for paragraph kinds.
    pub a_span: Option<Span>,
    /// The shared text in `b`, for paragraph kinds.
    pub b_span: Option<Span>,
    /// `a` is the original `b` was made from, published before it; false
    /// for two copies of one original and for unrelated pairs.
    pub directed: bool,
}

/// A generated corpus with its truth.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SynthCorpus {
    /// The documents, in output order (`docs[i].id == doc_id(i)`).
    pub docs: Vec<SynthDoc>,
    /// Known relations, sorted by `(a, b)` within each block.
    pub truth: Vec<TruthPair>,
}

/// The id of document number `index`: `syn0000042`.
pub fn doc_id(index: usize) -> String {
    format!("syn{index:07}")
}

// ---------------------------------------------------------------------------
// Corpus generation
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum GroupKind {
    Single,
    NearDup(usize),
    Shared,
    Shuffled,
}

impl GroupKind {
    fn size(self) -> usize {
        match self {
            GroupKind::Single => 1,
            GroupKind::NearDup(c) => 1 + c,
            GroupKind::Shared | GroupKind::Shuffled => 2,
        }
    }
}

struct LocalTruth {
    a: usize,
    b: usize,
    kind: TruthKind,
    a_span: Option<Span>,
    b_span: Option<Span>,
}

struct Group {
    docs: Vec<String>,
    truth: Vec<LocalTruth>,
}

const SALT_LAYOUT: u64 = 0x4c41_594f_5554;
const SALT_GROUP: u64 = 0x0047_524f_5550;
const SALT_BLOCK: u64 = 0x0042_4c4f_434b;

fn build_group(kind: GroupKind, number: u64, params: &SynthParams) -> Group {
    let mut rng = sub_rng(params.seed, SALT_GROUP, number);
    let original = write_article(&mut rng, params);
    let (text, spans) = original.render();
    match kind {
        GroupKind::Single => Group {
            docs: vec![text],
            truth: Vec::new(),
        },
        GroupKind::NearDup(copies) => {
            let mut docs = vec![text];
            for _ in 0..copies {
                // Copies range from almost exact to heavily edited.
                let spread = 2.0 * rng.unit();
                let p = PerturbParams {
                    edit_rate: (params.perturb.edit_rate * spread).min(1.0),
                    ..params.perturb.clone()
                };
                let c = perturb(&docs[0], &p, &mut rng);
                docs.push(c);
            }
            let mut truth = Vec::new();
            for a in 0..docs.len() {
                for b in a + 1..docs.len() {
                    truth.push(LocalTruth {
                        a,
                        b,
                        kind: TruthKind::NearDuplicate,
                        a_span: None,
                        b_span: None,
                    });
                }
            }
            Group { docs, truth }
        }
        GroupKind::Shared | GroupKind::Shuffled => {
            let line = original.pick_paragraph(&mut rng);
            let a_span = spans[line];
            let para = a_span.slice(&text);
            let (inserted, kind) = match kind {
                GroupKind::Shared => (para.to_string(), TruthKind::SharedParagraph),
                _ => (shuffle_words(para, &mut rng), TruthKind::ShuffledParagraph),
            };
            let host = write_article(&mut rng, params).render().0;
            let at = *rng.pick(&[Position::Start, Position::Middle, Position::End]);
            let (receiver, (s, e)) = insert_paragraph(&host, &inserted, at);
            Group {
                docs: vec![text, receiver],
                truth: vec![LocalTruth {
                    a: 0,
                    b: 1,
                    kind,
                    a_span: Some(a_span),
                    b_span: Some(Span::new(s, e)),
                }],
            }
        }
    }
}

/// Generates the corpus document by document, calling `on_doc` for each in
/// output order, and returns the truth. Memory use is bounded by one block
/// ([`BLOCK_DOCS`] documents) plus the truth, so millions of documents can
/// be written straight to a file. Stops at the first error of `on_doc`.
///
/// # Errors
/// [`Error::InvalidParameter`] (wrapped by `From`) when the parameters are
/// invalid, or the first error returned by `on_doc`.
pub fn generate_each<E: From<Error>>(
    params: &SynthParams,
    mut on_doc: impl FnMut(SynthDoc) -> std::result::Result<(), E>,
) -> std::result::Result<Vec<TruthPair>, E> {
    params.validate()?;
    let (p_dup, p_shared, p_shuffled) = params.group_probabilities();
    let mut layout = sub_rng(params.seed, SALT_LAYOUT, 0);
    let mut truth = Vec::new();
    let mut emitted = 0usize;
    let mut group_no = 0u64;
    let mut block_no = 0u64;
    while emitted < params.docs {
        let block_target = BLOCK_DOCS.min(params.docs - emitted);
        let mut plan: Vec<(GroupKind, u64)> = Vec::new();
        let mut planned = 0;
        while planned < block_target {
            let left = block_target - planned;
            let r = layout.unit();
            let mut kind = if r < p_dup {
                GroupKind::NearDup(layout.range(1, params.max_copies))
            } else if r < p_dup + p_shared {
                GroupKind::Shared
            } else if r < p_dup + p_shared + p_shuffled {
                GroupKind::Shuffled
            } else {
                GroupKind::Single
            };
            if kind.size() > left {
                kind = match kind {
                    GroupKind::NearDup(_) if left >= 2 => GroupKind::NearDup(left - 1),
                    _ => GroupKind::Single,
                };
            }
            planned += kind.size();
            plan.push((kind, group_no));
            group_no += 1;
        }
        let groups: Vec<Group> = plan
            .par_iter()
            .map(|&(kind, number)| build_group(kind, number, params))
            .collect();
        // Scatter the block's documents.
        let mut brng = sub_rng(params.seed, SALT_BLOCK, block_no);
        let mut order: Vec<(usize, usize)> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, grp)| (0..grp.docs.len()).map(move |d| (g, d)))
            .collect();
        brng.shuffle(&mut order);
        let mut position: Vec<Vec<usize>> = groups.iter().map(|g| vec![0; g.docs.len()]).collect();
        for (pos, &(g, d)) in order.iter().enumerate() {
            position[g][d] = emitted + pos;
        }
        let mut block_truth: Vec<TruthPair> = Vec::new();
        for (g, grp) in groups.iter().enumerate() {
            for t in &grp.truth {
                let (mut a, mut b) = (position[g][t.a], position[g][t.b]);
                let (mut a_span, mut b_span) = (t.a_span, t.b_span);
                if t.kind == TruthKind::NearDuplicate && t.a != 0 && a > b {
                    std::mem::swap(&mut a, &mut b);
                    std::mem::swap(&mut a_span, &mut b_span);
                }
                block_truth.push(TruthPair {
                    a,
                    b,
                    kind: t.kind,
                    a_span,
                    b_span,
                    directed: t.a == 0,
                });
            }
        }
        let n = order.len();
        let group_of: Vec<usize> = order.iter().map(|&(g, _)| g).collect();
        let negatives = (params.unrelated_rate * n as f64) as usize;
        for _ in 0..negatives {
            let (x, y) = (brng.below(n), brng.below(n));
            if group_of[x] != group_of[y] {
                block_truth.push(TruthPair {
                    a: emitted + x.min(y),
                    b: emitted + x.max(y),
                    kind: TruthKind::Unrelated,
                    a_span: None,
                    b_span: None,
                    directed: false,
                });
            }
        }
        block_truth.sort();
        block_truth.dedup_by(|x, y| (x.a, x.b) == (y.a, y.b));
        truth.extend(block_truth);
        let published: Vec<Vec<(&str, i64)>> = plan
            .iter()
            .zip(&groups)
            .map(|(&(_, number), g)| publication(params.seed, number, block_no, g.docs.len()))
            .collect();
        let mut docs: Vec<Vec<Option<String>>> = groups
            .into_iter()
            .map(|g| g.docs.into_iter().map(Some).collect())
            .collect();
        for (pos, (g, d)) in order.into_iter().enumerate() {
            let text = docs[g][d].take().expect("each document emitted once");
            let (outlet, time) = published[g][d];
            on_doc(SynthDoc {
                id: doc_id(emitted + pos),
                source: outlet.to_string(),
                date: format_time(time),
                text,
            })?;
        }
        emitted += n;
        block_no += 1;
    }
    Ok(truth)
}

/// Generates the whole corpus in memory. See [`generate_each`] to stream.
///
/// # Errors
/// [`Error::InvalidParameter`] when the parameters are invalid.
pub fn generate(params: &SynthParams) -> Result<SynthCorpus> {
    let mut docs = Vec::with_capacity(params.docs.min(10_000_000));
    let truth = generate_each(params, |d| {
        docs.push(d);
        Ok::<(), Error>(())
    })?;
    Ok(SynthCorpus { docs, truth })
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// Writes one document as a JSON line `{"id":…,"source":…,"date":…,"text":…}\n`.
pub fn write_doc_jsonl<W: Write>(doc: &SynthDoc, mut w: W) -> io::Result<()> {
    serde_json::to_writer(&mut w, doc)?;
    w.write_all(b"\n")
}

/// Writes documents as JSON Lines, one `{"id":…,"source":…,"date":…,"text":…}` per line.
pub fn write_jsonl<W: Write>(docs: &[SynthDoc], mut w: W) -> io::Result<()> {
    for d in docs {
        write_doc_jsonl(d, &mut w)?;
    }
    w.flush()
}

/// Writes the truth as TSV: a header line
/// `id_a id_b kind a_start a_end b_start b_end source` (tab-separated), then
/// one line per pair with ids from [`doc_id`]; missing spans are written
/// `-`; `source` is `id_a` when `a` is the original `b` was made from
/// ([`TruthPair::directed`]), `-` otherwise.
pub fn write_truth_tsv<W: Write>(truth: &[TruthPair], mut w: W) -> io::Result<()> {
    writeln!(
        w,
        "id_a\tid_b\tkind\ta_start\ta_end\tb_start\tb_end\tsource"
    )?;
    for t in truth {
        write!(w, "{}\t{}\t{}", doc_id(t.a), doc_id(t.b), t.kind)?;
        for s in [t.a_span, t.b_span] {
            match s {
                Some(s) => write!(w, "\t{}\t{}", s.start(), s.end())?,
                None => write!(w, "\t-\t-")?,
            }
        }
        if t.directed {
            writeln!(w, "\t{}", doc_id(t.a))?;
        } else {
            writeln!(w, "\t-")?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_is_large_and_unique() {
        let v = vocab();
        assert_eq!(v.words.len(), VOCAB_SIZE);
        let set: std::collections::HashSet<&str> = v.words.iter().map(|w| &**w).collect();
        assert_eq!(set.len(), VOCAB_SIZE);
        assert!(v.words.iter().take(20).any(|w| &**w == "في"));
    }

    #[test]
    fn zipf_favours_low_ranks() {
        let v = vocab();
        let mut rng = SynthRng::new(1);
        let mut top = 0;
        for _ in 0..10_000 {
            let w = v.zipf(&mut rng);
            if v.words[..10].iter().any(|x| &**x == w) {
                top += 1;
            }
        }
        // Σ_{r<10} 1/(r+2.7) / Σ_{r<60000} 1/(r+2.7) ≈ 0.16.
        assert!((1200..2100).contains(&top), "{top}");
    }

    #[test]
    fn times_format_as_utc_and_derived_documents_follow_their_original() {
        assert_eq!(format_time(FIRST_DAY), "2026-01-01T00:00:00Z");
        assert_eq!(format_time(951_782_400 + 3661), "2000-02-29T01:01:01Z");
        assert_eq!(format_time(FIRST_DAY - 1), "2025-12-31T23:59:59Z");
        for number in 0..200 {
            let p = publication(3, number, 2, 4);
            assert_eq!(p.len(), 4);
            let (o0, t0) = p[0];
            assert!((FIRST_DAY + 2 * 86_400..FIRST_DAY + 3 * 86_400).contains(&t0));
            for &(o, t) in &p[1..] {
                assert!(t >= t0 + 300 && t < t0 + 3 * 86_400, "{t0} {t}");
                assert!(o != "wire" && o != o0, "{o0} {o}");
            }
        }
    }

    #[test]
    fn split_token_keeps_punctuation() {
        assert_eq!(split_token("«غزة،"), ("«", "غزة", "،"));
        assert_eq!(split_token("."), (".", "", ""));
    }
}
