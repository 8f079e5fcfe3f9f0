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
//! # fn main() -> anyhow::Result<()> {
//! let params = SynthParams { docs: 1_000_000, seed: 42, ..SynthParams::default() };
//! let mut out = BufWriter::new(File::create("corpus.jsonl")?);
//! let truth = generate_each(&params, |doc| {
//!     write_doc_jsonl(&doc, &mut out).map_err(anyhow::Error::from)
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
// Vocabulary
// ---------------------------------------------------------------------------

struct Vocab {
    words: Vec<Box<str>>,
    /// Alias table for the Zipf–Mandelbrot law: threshold (32-bit) and alias.
    prob: Vec<u32>,
    alias: Vec<u32>,
}

/// Words at these ranks and above are content words topics are drawn from.
const TOPIC_MIN_RANK: usize = 100;
/// Topic words are drawn half below and half above this rank.
const TOPIC_SPLIT_RANK: usize = 5000;
/// Zipf–Mandelbrot offset `q` in `1 / (rank + q)`.
const ZIPF_Q: f64 = 2.7;

fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) && c != '\u{0640}'
}

fn is_arabic_mark(c: char) -> bool {
    ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0670}' || c == '\u{0640}'
}

fn seed_words() -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in SEEDS {
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if is_arabic_letter(c) {
                word.push(c);
            } else if is_arabic_mark(c) {
                continue;
            } else if !word.is_empty() {
                *counts.entry(std::mem::take(&mut word)).or_insert(0) += 1;
            }
        }
    }
    let mut words: Vec<(String, usize)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.into_iter().map(|(w, _)| w).collect()
}

/// Root consonants, repeated roughly by how often they occur in Arabic roots.
const ROOT_LETTERS: &str =
    "ررررلللللممممننننعععععببببددددسسسقققفففككككححححجججتتتهههوووييششصصططززخخثضغذظ";

/// Function words, roughly in order of frequency in news text.
const FUNCTION_WORDS: &str = "في من على إلى أن عن التي الذي مع هذا هذه كان ما لا أو بعد قد بين كما إن \
    وقال ذلك حيث عند حتى منذ خلال كل أي لم لن قبل ضد عام فيما وفي إلا ثم هو هي وأن تلك أيضا \
    لكن غير دون إذا الذين يوم أمس اليوم وهو وهي نحو عبر لدى لها له بها به فيه عليه منه إليه \
    وقد كانت يكون تكون أكثر أول بعض أمام وكان وذلك ولا وما ومن وعلى وإلى مثل جميع أحد حول \
    ضمن وفق بشأن بسبب رغم عدد كذلك فقط حين بينما وأضاف وأكد قال أكد أضاف وأشار أشار وأوضح \
    يتم تم سوف ليس لقد فإن بأن لأن أنه أنها إنه عليها منها فيها لهم عنه عنها";

/// Common news content words, placed after the function words.
const NEWS_WORDS: &str = "الرئيس الحكومة الوزير وزير وزارة الدولة الأمن الشرطة الجيش القوات \
    المتحدة الأمم مجلس الخارجية الداخلية الاقتصاد السياسية العسكرية الرسمية الوطنية العربية \
    الدولية المنطقة البلاد العاصمة المدينة الشعب المواطنين الأطفال النساء الضحايا القتلى \
    الجرحى الهجوم الانتخابات البرلمان المعارضة الاتفاق المفاوضات الأزمة الحرب السلام القرار \
    المسؤولين المسؤول مصادر مصدر بيان تصريحات تقرير الأسبوع الشهر العام الماضي المقبل الجديد \
    الجديدة الأولى الثانية الأخيرة مليون مليار دولار نسبة المئة أسعار النفط الغاز السوق البنك \
    المركزي الشركة الشركات مشروع المشروع التعليم الصحة المستشفى الطبية فيروس الإصابات اللاجئين \
    الحدود المحكمة القضاء النيابة المتهمين قوات عملية العملية الاحتلال المستوطنين الفلسطينية \
    السلطة الإسرائيلي الإسرائيلية الأمريكية الروسية التركية الإيرانية المصرية السعودية السورية \
    العراقية اللبنانية الأردنية اليمنية الليبية الجزائرية المغربية التونسية الخليج القمة \
    الاجتماع اللقاء الزيارة التعاون العلاقات الدعم المساعدات الإنسانية التنمية الاستثمار \
    المواطن حقوق الإنسان الحرية الإعلام الصحفيين وسائل التواصل الاجتماعي الإنترنت الموقع \
    المنتخب المباراة الفريق الدوري البطولة الملعب اللاعب المدرب الفوز الهدف";

fn split_list(list: &str) -> impl Iterator<Item = &str> {
    list.split_whitespace()
}

/// Morphological patterns: 1, 2, 3 stand for the root letters.
const PATTERNS: &[&str] = &[
    "123",
    "1ا23",
    "م12و3",
    "12ي3",
    "12ا3",
    "ت12ي3",
    "م1ا23",
    "ا1ت2ا3",
    "است12ا3",
    "ان12ا3",
    "12ا3ن",
    "م123",
    "ت1ا23",
    "1وا23",
    "أ12ا3",
    "م1ا2ي3",
    "12و3",
    "م1ت23",
    "م1ت2ا3",
    "مست123",
    "ت123",
    "1ا2و3",
    "12ائ3",
    "أ123",
    "ي123",
    "ت1ا2ي3",
];

const PREFIXES: &[(&str, u32)] = &[
    ("", 50),
    ("ال", 22),
    ("و", 6),
    ("وال", 6),
    ("ب", 3),
    ("بال", 4),
    ("ل", 2),
    ("لل", 3),
    ("ف", 1),
    ("ك", 1),
    ("س", 1),
];

const SUFFIXES: &[(&str, u32)] = &[
    ("", 45),
    ("ة", 16),
    ("ات", 7),
    ("ون", 4),
    ("ين", 5),
    ("ية", 7),
    ("ي", 3),
    ("ها", 3),
    ("هم", 2),
    ("ان", 3),
    ("يات", 2),
    ("ه", 2),
    ("نا", 1),
];

fn weighted<'a>(rng: &mut SynthRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|x| x.1).sum();
    let mut r = rng.below(total as usize) as u32;
    for (s, w) in items {
        if r < *w {
            return s;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

fn synthetic_word(rng: &mut SynthRng) -> String {
    let letters: Vec<char> = ROOT_LETTERS.chars().collect();
    let mut root = [' '; 3];
    for i in 0..3 {
        // Roots rarely repeat a letter in adjacent positions.
        loop {
            root[i] = *rng.pick(&letters);
            if i == 0 || root[i] != root[i - 1] {
                break;
            }
        }
    }
    let pattern = rng.pick(PATTERNS);
    let mut w = String::with_capacity(24);
    w.push_str(weighted(rng, PREFIXES));
    for c in pattern.chars() {
        match c {
            '1' => w.push(root[0]),
            '2' => w.push(root[1]),
            '3' => w.push(root[2]),
            _ => w.push(c),
        }
    }
    w.push_str(weighted(rng, SUFFIXES));
    w
}

impl Vocab {
    /// Function words first, then common news words, then the seed
    /// articles' words (by frequency) interleaved one in three with
    /// synthetic words, then synthetic words only.
    fn build() -> Vocab {
        let mut words: Vec<String> = Vec::with_capacity(VOCAB_SIZE);
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for w in split_list(FUNCTION_WORDS).chain(split_list(NEWS_WORDS)) {
            if seen.insert(w.to_string()) {
                words.push(w.to_string());
            }
        }
        let mut seeds = seed_words().into_iter().peekable();
        let mut rng = SynthRng::new(0x5EED_A7A5);
        while words.len() < VOCAB_SIZE {
            let w = if words.len() % 3 == 0 && seeds.peek().is_some() {
                seeds.next().expect("peeked")
            } else {
                synthetic_word(&mut rng)
            };
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let weights: Vec<f64> = (0..words.len())
            .map(|r| 1.0 / (r as f64 + ZIPF_Q))
            .collect();
        let (prob, alias) = alias_table(&weights);
        Vocab {
            words: words.into_iter().map(String::into_boxed_str).collect(),
            prob,
            alias,
        }
    }

    #[inline]
    fn zipf(&self, rng: &mut SynthRng) -> &str {
        let u = rng.next_u64();
        let i = (((u >> 32) * self.words.len() as u64) >> 32) as usize;
        let r = if (u as u32) < self.prob[i] {
            i
        } else {
            self.alias[i] as usize
        };
        &self.words[r]
    }
}

/// Vose's alias method with 32-bit integer thresholds.
fn alias_table(weights: &[f64]) -> (Vec<u32>, Vec<u32>) {
    let n = weights.len();
    let total: f64 = weights.iter().sum();
    let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
    let mut prob = vec![u32::MAX; n];
    let mut alias: Vec<u32> = (0..n as u32).collect();
    let mut small: Vec<usize> = Vec::new();
    let mut large: Vec<usize> = Vec::new();
    for (i, &p) in scaled.iter().enumerate() {
        if p < 1.0 {
            small.push(i);
        } else {
            large.push(i);
        }
    }
    while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
        prob[s] = (scaled[s] * 4_294_967_296.0).min(u32::MAX as f64) as u32;
        alias[s] = l as u32;
        scaled[l] -= 1.0 - scaled[s];
        if scaled[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    (prob, alias)
}

fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(Vocab::build)
}

// ---------------------------------------------------------------------------
// Writing articles
// ---------------------------------------------------------------------------

const OUTLETS: &[&str] = &[
    "الجزيرة نت",
    "العربية نت",
    "سكاي نيوز عربية",
    "بي بي سي عربي",
    "فرانس 24",
    "الشرق الأوسط",
    "القدس العربي",
    "اليوم السابع",
    "المصري اليوم",
    "الأهرام",
    "الخليج",
    "البيان",
    "عكاظ",
    "هسبريس",
    "الشروق",
    "النهار",
    "العربي الجديد",
    "روسيا اليوم",
    "دويتشه فيله",
    "الرأي",
];

const READ_ALSO: &[&str] = &[
    "ارتفاع أسعار النفط في الأسواق العالمية",
    "الأمم المتحدة تحذر من أزمة إنسانية جديدة",
    "وزير الخارجية يبحث مع نظيره تطورات المنطقة",
    "مباحثات جديدة لوقف إطلاق النار",
    "البنك المركزي يرفع سعر الفائدة",
    "انطلاق فعاليات المعرض الدولي للكتاب",
    "تعرف على حالة الطقس غدا",
    "منتخب مصر يستعد لمواجهة حاسمة",
    "الحكومة تعلن حزمة إجراءات اقتصادية",
    "قمة عربية طارئة لبحث الأوضاع الإقليمية",
    "الصحة العالمية تعلن ارتفاع عدد الإصابات",
    "انتخابات برلمانية وسط إقبال ضعيف",
];

const OPENERS: &[&str] = &[
    "وقال",
    "وأضاف",
    "وأكد",
    "وأشار",
    "من جهته،",
    "في المقابل،",
    "وبحسب",
    "وفي سياق متصل،",
    "كما",
    "ولفت",
    "وتابع",
    "في غضون ذلك،",
    "وأوضح",
    "وذكرت",
];

const LATIN: &[&str] = &[
    "COVID-19", "NATO", "BBC", "CNN", "G20", "iPhone", "OPEC", "UNICEF", "Reuters", "AFP", "FIFA",
];

const ARABIC_DIGITS: [char; 10] = ['٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩'];

fn push_number(rng: &mut SynthRng, out: &mut String) {
    let n = match rng.below(4) {
        0 => 1990 + rng.below(37),
        1 => rng.range(2, 99),
        2 => rng.range(100, 9999),
        _ => rng.range(1, 31),
    };
    if rng.chance(0.2) {
        for d in n.to_string().bytes() {
            out.push(ARABIC_DIGITS[(d - b'0') as usize]);
        }
    } else {
        out.push_str(&n.to_string());
    }
}

/// One article's lines: optional boilerplate header, headline, paragraphs,
/// optional boilerplate footer. `body` are the indices of paragraph lines.
struct Article {
    lines: Vec<String>,
    body: std::ops::Range<usize>,
}

impl Article {
    fn render(&self) -> (String, Vec<Span>) {
        let len: usize = self.lines.iter().map(|l| l.len() + 1).sum();
        let mut text = String::with_capacity(len);
        let mut spans = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let start = text.len();
            text.push_str(l);
            spans.push(Span::new(start, text.len()));
        }
        (text, spans)
    }

    /// Index of a paragraph line suitable for sharing: a random one among
    /// those of at least 30 words, else the longest.
    fn pick_paragraph(&self, rng: &mut SynthRng) -> usize {
        let long: Vec<usize> = self
            .body
            .clone()
            .filter(|&i| self.lines[i].split(' ').count() >= 30)
            .collect();
        if long.is_empty() {
            self.body
                .clone()
                .max_by_key(|&i| (self.lines[i].len(), std::cmp::Reverse(i)))
                .unwrap_or(0)
        } else {
            *rng.pick(&long)
        }
    }
}

struct Writer<'v> {
    vocab: &'v Vocab,
    topic: Vec<u32>,
}

impl Writer<'_> {
    fn new(rng: &mut SynthRng) -> Writer<'static> {
        let vocab = vocab();
        let n = rng.range(20, 60);
        let topic = (0..n)
            .map(|_| {
                // Half of the topic words are common, half from the long tail.
                let r = if rng.chance(0.5) {
                    rng.range(TOPIC_MIN_RANK, TOPIC_SPLIT_RANK - 1)
                } else {
                    rng.range(TOPIC_SPLIT_RANK, vocab.words.len() - 1)
                };
                r as u32
            })
            .collect();
        Writer { vocab, topic }
    }

    #[inline]
    fn word(&self, rng: &mut SynthRng, out: &mut String) {
        let r = rng.next_u64() & 0xffff;
        if r < 0x3333 {
            out.push_str(&self.vocab.words[self.topic[rng.below(self.topic.len())] as usize]);
        } else if r < 0x3333 + 0x180 {
            push_number(rng, out);
        } else if r < 0x3333 + 0x180 + 0x20 {
            out.push_str(rng.pick::<&str>(LATIN));
        } else {
            out.push_str(self.vocab.zipf(rng));
        }
    }

    fn sentence(&self, rng: &mut SynthRng, out: &mut String) {
        let n = rng.range(6, 28);
        let mut i = 0;
        if rng.chance(0.3) {
            out.push_str(rng.pick::<&str>(OPENERS));
            out.push(' ');
            i = 1;
        }
        let quote_at = if rng.chance(0.12) {
            Some(rng.range(i.max(1), n - 2))
        } else {
            None
        };
        while i < n {
            if quote_at == Some(i) {
                out.push('«');
            }
            self.word(rng, out);
            if i + 1 == n {
                if quote_at.is_some() {
                    out.push('»');
                }
                let t = rng.below(100);
                out.push(match t {
                    0..=93 => '.',
                    94..=97 => '؟',
                    _ => '!',
                });
            } else {
                if rng.chance(0.07) {
                    out.push('،');
                }
                out.push(' ');
            }
            i += 1;
        }
    }

    fn headline(&self, rng: &mut SynthRng) -> String {
        let mut h = String::with_capacity(120);
        let n = rng.range(5, 12);
        for i in 0..n {
            if i > 0 {
                h.push(' ');
            }
            self.word(rng, &mut h);
        }
        h
    }
}

/// A right-skewed length multiplier with mean 1 (0.29 to 6.5), using
/// IEEE-exact arithmetic only: `0.3 + 0.6 · x²` with `x` triangular on
/// `[0, 2)` (so `E[x²] = 7/6`), times 2.5 for 3 % of long articles, all
/// divided by the mean `0.97 + 0.03 · 2.5 = 1.045`.
fn length_factor(rng: &mut SynthRng) -> f64 {
    let x = rng.unit() + rng.unit();
    let f = 0.3 + 0.7 * x * x * (6.0 / 7.0);
    let f = if rng.chance(0.03) { f * 2.5 } else { f };
    f / 1.045
}

fn boilerplate_header(rng: &mut SynthRng) -> String {
    let outlet = rng.pick(OUTLETS);
    match rng.below(3) {
        0 => format!("{outlet} - متابعات"),
        1 => format!("المصدر: {outlet}"),
        _ => format!("{outlet} | أخبار عاجلة"),
    }
}

fn boilerplate_footer(rng: &mut SynthRng) -> String {
    match rng.below(4) {
        0 => format!(
            "جميع الحقوق محفوظة © {} {}",
            2015 + rng.below(12),
            rng.pick(OUTLETS)
        ),
        1 => format!("اقرأ أيضا: {}", rng.pick(READ_ALSO)),
        2 => "تابعونا على فيسبوك وتويتر للمزيد من الأخبار".to_string(),
        _ => format!("اقرأ أيضا: {}", rng.pick(READ_ALSO)),
    }
}

fn write_article(rng: &mut SynthRng, params: &SynthParams) -> Article {
    let w = Writer::new(rng);
    // The last sentence overshoots the target by about 80 bytes on average.
    let target = (params.mean_bytes as f64 * length_factor(rng)) as usize;
    let target = target.saturating_sub(80).max(150);
    let mut lines = Vec::with_capacity(12);
    let boiler = rng.chance(params.boilerplate_rate);
    if boiler && rng.chance(0.5) {
        lines.push(boilerplate_header(rng));
    }
    let headline = w.headline(rng);
    let mut len = headline.len();
    lines.push(headline);
    let body_start = lines.len();
    // Paragraphs of 1 to 4 sentences, until the target length is reached.
    while len < target {
        let mut p = String::with_capacity(600);
        let sentences = rng.range(1, 4);
        for s in 0..sentences {
            if s > 0 {
                p.push(' ');
            }
            w.sentence(rng, &mut p);
            if len + p.len() + 1 >= target {
                break;
            }
        }
        len += p.len() + 1;
        lines.push(p);
    }
    let body = body_start..lines.len();
    if boiler {
        lines.push(boilerplate_footer(rng));
    }
    Article { lines, body }
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

/// Where [`insert_paragraph`] puts the paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    /// Before the first line.
    Start,
    /// After the first `⌈n / 2⌉` of `n` lines (after the only line if `n == 1`).
    Middle,
    /// After the last line.
    End,
}

/// Inserts `paragraph` as a line of its own into `host` (lines separated by
/// `\n`) and returns the new text with the byte span of the paragraph in it.
///
/// ```
/// use athar_synth::{insert_paragraph, Position};
/// let (text, (s, e)) = insert_paragraph("أ\nب\nج", "فقرة", Position::Middle);
/// assert_eq!(text, "أ\nب\nفقرة\nج");
/// assert_eq!(&text[s..e], "فقرة");
/// ```
pub fn insert_paragraph(host: &str, paragraph: &str, at: Position) -> (String, (usize, usize)) {
    let mut out = String::with_capacity(host.len() + paragraph.len() + 2);
    if host.is_empty() {
        out.push_str(paragraph);
        return (out, (0, paragraph.len()));
    }
    let split = match at {
        Position::Start => 0,
        Position::End => host.len(),
        Position::Middle => {
            let n = host.split('\n').count();
            // Byte offset of the start of line n/2 (rounded up for odd n).
            let k = n.div_ceil(2);
            if k >= n {
                host.len()
            } else {
                host.match_indices('\n')
                    .nth(k - 1)
                    .map_or(host.len(), |(i, _)| i + 1)
            }
        }
    };
    if split == 0 {
        out.push_str(paragraph);
        out.push('\n');
        out.push_str(host);
        (out, (0, paragraph.len()))
    } else if split >= host.len() {
        out.push_str(host);
        out.push('\n');
        let s = out.len();
        out.push_str(paragraph);
        let e = out.len();
        (out, (s, e))
    } else {
        out.push_str(&host[..split]);
        let s = out.len();
        out.push_str(paragraph);
        let e = out.len();
        out.push('\n');
        out.push_str(&host[split..]);
        (out, (s, e))
    }
}

/// The whitespace-separated words of `paragraph` in a random order, joined
/// by single spaces. The multiset of words is unchanged.
pub fn shuffle_words(paragraph: &str, rng: &mut SynthRng) -> String {
    let mut words: Vec<&str> = paragraph.split_whitespace().collect();
    if words.len() > 1 {
        let before = words.clone();
        rng.shuffle(&mut words);
        if words == before {
            words.rotate_left(1);
        }
    }
    words.join(" ")
}

const FATHATAN: char = '\u{064B}';
const DAMMATAN: char = '\u{064C}';
const KASRATAN: char = '\u{064D}';
const HARAKAT: [char; 4] = ['\u{064E}', '\u{064F}', '\u{0650}', '\u{0652}'];
const SHADDA: char = '\u{0651}';
const TATWEEL: char = '\u{0640}';
const TANWIN_CHOICES: [&[char]; 4] = [&[FATHATAN], &[DAMMATAN], &[KASRATAN], &[HARAKAT[0]]];
const SHADDA_CHOICES: [&[char]; 3] = [&[SHADDA, HARAKAT[0]], &[SHADDA, HARAKAT[1]], &[SHADDA]];
const HARAKA_CHOICES: [&[char]; 4] = [&[HARAKAT[0]], &[HARAKAT[1]], &[HARAKAT[2]], &[HARAKAT[3]]];

/// Letters that do not join to the next letter (no tatweel after them).
fn joins_next(c: char) -> bool {
    is_arabic_letter(c) && !"اأإآدذرزوؤةىء".contains(c)
}

fn add_variants(word: &str, rng: &mut SynthRng) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    // Candidate edits: (index, replacement).
    let mut cands: Vec<(usize, char)> = Vec::new();
    // Alef at the start, or after a clitic prefix (ال و ب ل ف وال بال).
    for i in 0..n.min(4) {
        let c = chars[i];
        let prefix: String = chars[..i].iter().collect();
        if i > 0
            && !matches!(
                prefix.as_str(),
                "ال" | "و" | "ب" | "ل" | "ف" | "وال" | "بال"
            )
        {
            continue;
        }
        match c {
            'أ' | 'إ' | 'آ' => cands.push((i, 'ا')),
            // Not the alef of the article ال.
            'ا' if chars.get(i + 1) != Some(&'ل') => {
                cands.push((i, if rng.chance(0.5) { 'أ' } else { 'إ' }))
            }
            _ => {}
        }
    }
    if n >= 2 {
        match chars[n - 1] {
            'ى' => cands.push((n - 1, 'ي')),
            'ي' => cands.push((n - 1, 'ى')),
            'ة' => cands.push((n - 1, 'ه')),
            _ => {}
        }
    }
    if cands.is_empty() {
        return None;
    }
    let (i, r) = *rng.pick(&cands);
    let mut out = chars;
    out[i] = r;
    Some(out.into_iter().collect())
}

fn add_tatweel(word: &str, rng: &mut SynthRng) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let spots: Vec<usize> = (0..chars.len().saturating_sub(1))
        .filter(|&i| joins_next(chars[i]) && is_arabic_letter(chars[i + 1]))
        .collect();
    if spots.is_empty() {
        return None;
    }
    let at = *rng.pick(&spots);
    let count = if rng.chance(0.8) { 1 } else { rng.range(2, 4) };
    let mut out = String::with_capacity(word.len() + 2 * count);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        if i == at {
            out.extend(std::iter::repeat_n(TATWEEL, count));
        }
    }
    Some(out)
}

/// Adds diacritics the way news text has them: mostly a final tanwin or
/// haraka (أيضًا), sometimes one shadda with its haraka, rarely a fully
/// vocalized word. Returns `None` when the word has no Arabic letter.
fn add_diacritics(word: &str, rng: &mut SynthRng) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| is_arabic_letter(chars[i]))
        .collect();
    let &last = letters.last()?;
    // marks[i]: the marks to put after chars[i].
    let mut marks: Vec<&'static [char]> = vec![&[]; chars.len()];
    let mode = rng.below(100);
    if mode < 60 {
        // Final tanwin (on a final alef, the tanwin goes on the letter before).
        let at = if chars[last] == 'ا' && letters.len() >= 2 {
            letters[letters.len() - 2]
        } else {
            last
        };
        marks[at] = *rng.pick(&TANWIN_CHOICES[..]);
    } else if mode < 85 && letters.len() >= 3 {
        let at = letters[rng.range(1, letters.len() - 2)];
        marks[at] = *rng.pick(&SHADDA_CHOICES[..]);
    } else {
        for &i in &letters {
            if !"اىآوي".contains(chars[i]) || i == last {
                marks[i] = *rng.pick(&HARAKA_CHOICES[..]);
            }
        }
        if marks.iter().all(|m| m.is_empty()) {
            marks[last] = &HARAKAT[..1];
        }
    }
    let mut out = String::with_capacity(word.len() * 2);
    for (c, m) in chars.iter().zip(&marks) {
        out.push(*c);
        out.extend(m.iter());
    }
    Some(out)
}

/// Splits a whitespace-separated token into leading punctuation, core and
/// trailing punctuation.
fn split_token(tok: &str) -> (&str, &str, &str) {
    let is_core = |c: char| c.is_alphanumeric() || is_arabic_mark(c);
    let start = tok.find(is_core).unwrap_or(tok.len());
    let end = tok.rfind(is_core).map_or(start, |i| {
        i + tok[i..].chars().next().map_or(0, char::len_utf8)
    });
    (
        &tok[..start],
        &tok[start..end.max(start)],
        &tok[end.max(start)..],
    )
}

fn is_sentence_end(tok: &str) -> bool {
    tok.ends_with(['.', '؟', '!', '?']) || tok.ends_with(".»") || tok.ends_with("؟»")
}

/// A perturbed copy of `text`: sentences and paragraphs (lines) swapped with
/// their neighbours, words substituted, inserted or deleted, diacritics,
/// tatweel and letter variants added, boilerplate lines added, each at the
/// rates of `p`. Whitespace within a line is normalized to single spaces.
/// With [`PerturbParams::none`] only whitespace may change.
pub fn perturb(text: &str, p: &PerturbParams, rng: &mut SynthRng) -> String {
    let vocab = vocab();
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.len() >= 3 && p.reorder_rate > 0.0 {
        for i in 1..lines.len() - 1 {
            if rng.chance(p.reorder_rate) {
                lines.swap(i, i + 1);
            }
        }
    }
    let mut out_lines: Vec<String> = Vec::with_capacity(lines.len() + 2);
    if rng.chance(p.boilerplate_rate) {
        out_lines.push(boilerplate_header(rng));
    }
    for line in lines {
        // Sentences as token lists.
        let mut sentences: Vec<Vec<&str>> = vec![Vec::new()];
        for tok in line.split_whitespace() {
            sentences.last_mut().expect("non-empty").push(tok);
            if is_sentence_end(tok) {
                sentences.push(Vec::new());
            }
        }
        sentences.retain(|s| !s.is_empty());
        if p.reorder_rate > 0.0 {
            for i in 0..sentences.len().saturating_sub(1) {
                if rng.chance(p.reorder_rate) {
                    sentences.swap(i, i + 1);
                }
            }
        }
        let mut out = String::with_capacity(line.len() + line.len() / 4);
        let push_word = |out: &mut String, w: &str| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        };
        for tok in sentences.iter().flatten() {
            let (pre, core, post) = split_token(tok);
            let mut core: std::borrow::Cow<'_, str> = core.into();
            let mut insert_after: Option<&str> = None;
            if !core.is_empty() && rng.chance(p.edit_rate) {
                match rng.below(3) {
                    0 => core = vocab.zipf(rng).into(),
                    1 => insert_after = Some(vocab.zipf(rng)),
                    _ => {
                        if pre.is_empty() && post.is_empty() {
                            continue;
                        }
                        core = vocab.zipf(rng).into();
                    }
                }
            }
            if !core.is_empty() {
                if rng.chance(p.variant_rate) {
                    if let Some(v) = add_variants(&core, rng) {
                        core = v.into();
                    }
                }
                if rng.chance(p.tatweel_rate) {
                    if let Some(v) = add_tatweel(&core, rng) {
                        core = v.into();
                    }
                }
                if rng.chance(p.diacritics_rate) {
                    if let Some(v) = add_diacritics(&core, rng) {
                        core = v.into();
                    }
                }
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(pre);
            out.push_str(&core);
            out.push_str(post);
            if let Some(w) = insert_after {
                push_word(&mut out, w);
            }
        }
        out_lines.push(out);
    }
    if rng.chance(p.boilerplate_rate) {
        out_lines.push(boilerplate_footer(rng));
    }
    out_lines.join("\n")
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
                });
            }
        }
        block_truth.sort();
        block_truth.dedup_by(|x, y| (x.a, x.b) == (y.a, y.b));
        truth.extend(block_truth);
        let mut docs: Vec<Vec<Option<String>>> = groups
            .into_iter()
            .map(|g| g.docs.into_iter().map(Some).collect())
            .collect();
        for (pos, (g, d)) in order.into_iter().enumerate() {
            let text = docs[g][d].take().expect("each document emitted once");
            on_doc(SynthDoc {
                id: doc_id(emitted + pos),
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

/// Writes one document as a JSON line `{"id":…,"text":…}\n`.
pub fn write_doc_jsonl<W: Write>(doc: &SynthDoc, mut w: W) -> io::Result<()> {
    serde_json::to_writer(&mut w, doc)?;
    w.write_all(b"\n")
}

/// Writes documents as JSON Lines, one `{"id":…,"text":…}` per line.
pub fn write_jsonl<W: Write>(docs: &[SynthDoc], mut w: W) -> io::Result<()> {
    for d in docs {
        write_doc_jsonl(d, &mut w)?;
    }
    w.flush()
}

/// Writes the truth as TSV: a header line
/// `id_a id_b kind a_start a_end b_start b_end` (tab-separated), then one
/// line per pair with ids from [`doc_id`]; missing spans are written `-`.
pub fn write_truth_tsv<W: Write>(truth: &[TruthPair], mut w: W) -> io::Result<()> {
    writeln!(w, "id_a\tid_b\tkind\ta_start\ta_end\tb_start\tb_end")?;
    for t in truth {
        write!(w, "{}\t{}\t{}", doc_id(t.a), doc_id(t.b), t.kind)?;
        for s in [t.a_span, t.b_span] {
            match s {
                Some(s) => write!(w, "\t{}\t{}", s.start(), s.end())?,
                None => write!(w, "\t-\t-")?,
            }
        }
        writeln!(w)?;
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
    fn split_token_keeps_punctuation() {
        assert_eq!(split_token("«غزة،"), ("«", "غزة", "،"));
        assert_eq!(split_token("."), (".", "", ""));
    }
}
