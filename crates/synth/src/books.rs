//! Book-length documents with planted shared passages, for measuring athar on
//! long texts (`athar gen --books N --book-bytes B`).
//!
//! # What it makes
//!
//! [`BookParams::books`] books of about [`BookParams::book_bytes`] bytes of
//! prose each, written like the news articles (same vocabulary and
//! sentences, one topic per book): a title line, then paragraphs of one to
//! four sentences, one per line.
//!
//! Then `books · passages_per_book` *cases* are planted: a run of whole
//! sentences of a source book (15 to 2,500 words: from a short saying to a
//! chapter) is inserted as lines of their own at a line start of one or
//! more other books (two to four receivers for one case in ten: a passage
//! quoted by several books). A case is copied verbatim or, for
//! [`BookParams::altered_rate`] of them, lightly altered inside (words
//! substituted, inserted or deleted at [`ALTERED_EDIT_RATE`] per word,
//! diacritics, tatweel and letter variants; its first and last three words
//! are kept, so where the copy starts and ends is known exactly).
//! Passages are taken from the books as written, before anything is
//! inserted; the passages taken from one book do not overlap, and none is
//! cut by an insertion.
//!
//! # Known truth
//!
//! One [`BookCase`] per pair of documents holding one planted passage: the
//! source and each receiver, and each two receivers of one passage, with
//! `a < b` (either may be the source). `a_span` and `b_span` are the byte
//! spans of the passage in the final texts of `a` and `b`.
//!
//! Output is a pure function of [`BookParams`], whatever the number of threads.
//!
//! ```
//! use athar_synth::{generate_books, BookParams};
//! let p = BookParams { books: 3, book_bytes: 20_000, ..BookParams::default() };
//! let c = generate_books(&p).unwrap();
//! assert_eq!(c.docs.len(), 3);
//! for t in c.truth.iter().filter(|t| !t.altered) {
//!     assert_eq!(t.a_span.slice(&c.docs[t.a].text), t.b_span.slice(&c.docs[t.b].text));
//! }
//! ```

use std::io::{self, Write};

use rayon::prelude::*;

use athar::error::{Error, Result};
use athar::span::Span;

use crate::article::Writer;
use crate::{PerturbParams, SynthDoc, SynthRng, perturb, sub_rng};

/// Per-word edit rate of an altered case (substitution, insertion or
/// deletion, equally likely).
pub const ALTERED_EDIT_RATE: f64 = 0.02;

/// What [`generate_books`] makes.
#[derive(Clone, Debug, PartialEq)]
pub struct BookParams {
    /// Number of books (default 20).
    pub books: usize,
    /// Target length of each book before passages are inserted, in bytes
    /// (default 1,000,000).
    pub book_bytes: usize,
    /// Seed: same parameters → same bytes (default 42).
    pub seed: u64,
    /// Planted cases per book, on average (default 3).
    pub passages_per_book: f64,
    /// Share of the cases lightly altered rather than copied verbatim
    /// (default 0.5).
    pub altered_rate: f64,
}

impl Default for BookParams {
    fn default() -> Self {
        BookParams {
            books: 20,
            book_bytes: 1_000_000,
            seed: 42,
            passages_per_book: 3.0,
            altered_rate: 0.5,
        }
    }
}

impl BookParams {
    /// Checks sizes and rates; the error says which parameter is wrong.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidParameter(m));
        if !(2..=100_000).contains(&self.books) {
            return bad(format!(
                "books must be between 2 and 100000, got {}",
                self.books
            ));
        }
        if !(20_000..=100_000_000).contains(&self.book_bytes) {
            return bad(format!(
                "book_bytes must be between 20000 and 100000000, got {}",
                self.book_bytes
            ));
        }
        if !(0.0..=100.0).contains(&self.passages_per_book) {
            return bad(format!(
                "passages_per_book must be between 0 and 100, got {}",
                self.passages_per_book
            ));
        }
        if !(0.0..=1.0).contains(&self.altered_rate) {
            return bad(format!(
                "altered_rate must be between 0 and 1, got {}",
                self.altered_rate
            ));
        }
        Ok(())
    }
}

/// One planted passage shared by books `a` and `b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BookCase {
    /// The first book (`a < b`; either may be the source).
    pub a: usize,
    /// The second book.
    pub b: usize,
    /// Case number (cases with several receivers give several rows).
    pub case: usize,
    /// Altered rather than verbatim.
    pub altered: bool,
    /// The passage in `a`.
    pub a_span: Span,
    /// The passage in `b`.
    pub b_span: Span,
}

/// Generated books with their truth.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookCorpus {
    /// The books, `docs[i].id == book_id(i)`.
    pub docs: Vec<SynthDoc>,
    /// Planted passages, sorted by `(a, b, a_span)`.
    pub truth: Vec<BookCase>,
}

/// The id of book number `index`: `book0042`.
pub fn book_id(index: usize) -> String {
    format!("book{index:04}")
}

const SALT_BOOK: u64 = 0x0042_4f4f_4b53;
const SALT_CASES: u64 = 0x0043_4153_4553;

/// A book as written: its text and the byte span of every sentence.
struct Draft {
    text: String,
    sentences: Vec<(u32, u32)>,
    /// Byte offsets of every line start but the first.
    line_starts: Vec<u32>,
}

fn write_book(index: usize, p: &BookParams) -> Draft {
    let mut rng = sub_rng(p.seed, SALT_BOOK, index as u64);
    let w = Writer::new(&mut rng);
    let mut text = String::with_capacity(p.book_bytes + 1024);
    text.push_str(&w.headline(&mut rng));
    let mut sentences = Vec::with_capacity(p.book_bytes / 100);
    let mut line_starts = Vec::with_capacity(p.book_bytes / 300);
    while text.len() < p.book_bytes {
        text.push('\n');
        line_starts.push(text.len() as u32);
        for s in 0..rng.range(1, 4) {
            if s > 0 {
                text.push(' ');
            }
            let start = text.len() as u32;
            w.sentence(&mut rng, &mut text);
            sentences.push((start, text.len() as u32));
        }
    }
    Draft {
        text,
        sentences,
        line_starts,
    }
}

/// Words in a planted passage: short sayings to whole chapters.
fn passage_words(rng: &mut SynthRng) -> usize {
    match rng.below(100) {
        0..=29 => rng.range(15, 40),
        30..=59 => rng.range(40, 150),
        60..=84 => rng.range(150, 600),
        _ => rng.range(600, 2500),
    }
}

/// A case before insertion: source book and byte span, receivers, text per receiver.
struct Plan {
    source: usize,
    span: (u32, u32),
    receivers: Vec<usize>,
    altered: bool,
}

/// The passage as it is inserted: as is, or altered between its first and
/// last three words.
fn altered_copy(passage: &str, rng: &mut SynthRng) -> String {
    let ws: Vec<(usize, usize)> = word_bounds(passage);
    if ws.len() < 10 {
        return passage.to_string();
    }
    let (cut0, cut1) = (ws[2].1, ws[ws.len() - 3].0);
    let p = PerturbParams {
        edit_rate: ALTERED_EDIT_RATE,
        reorder_rate: 0.0,
        boilerplate_rate: 0.0,
        ..PerturbParams::default()
    };
    // The separators around the middle are kept as they are (a space or a
    // line break).
    let sep0 = passage[cut0..].chars().next().map_or(1, char::len_utf8);
    let end1 = passage[..cut1]
        .chars()
        .next_back()
        .map_or(1, char::len_utf8);
    let middle = &passage[cut0 + sep0..cut1 - end1];
    let mut out = String::with_capacity(passage.len() + 64);
    out.push_str(&passage[..cut0 + sep0]);
    out.push_str(&perturb(middle, &p, rng));
    out.push_str(&passage[cut1 - end1..]);
    out
}

/// Byte ranges of the whitespace-separated words of `s`.
fn word_bounds(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

/// Generates the books and their truth.
///
/// # Errors
/// [`Error::InvalidParameter`] when the parameters are invalid.
pub fn generate_books(p: &BookParams) -> Result<BookCorpus> {
    p.validate()?;
    let n = p.books;
    let drafts: Vec<Draft> = (0..n).into_par_iter().map(|i| write_book(i, p)).collect();
    let mut rng = sub_rng(p.seed, SALT_CASES, 0);
    let (plans, protected) = plan_cases(&drafts, p, &mut rng);
    let inserts = plan_insertions(&drafts, &plans, &protected, &mut rng);
    let (texts, landed, shifts) = assemble(&drafts, inserts, plans.len());
    let truth = truth_of(&plans, &landed, &shifts);
    let docs = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| SynthDoc {
            id: book_id(i),
            // Books carry no outlet or time of their own: one library, all
            // dated the corpus's first day (so dates never order them).
            source: "library".to_string(),
            date: crate::format_time(crate::FIRST_DAY),
            text,
        })
        .collect();
    Ok(BookCorpus { docs, truth })
}

/// The cases: a source span on a draft (disjoint from the other source
/// spans of its book: a text copied twice from one place would make pairs
/// the truth does not list), its receivers, and whether it is altered.
/// Returns them with the source spans of each book.
fn plan_cases(
    drafts: &[Draft],
    p: &BookParams,
    rng: &mut SynthRng,
) -> (Vec<Plan>, Vec<Vec<(u32, u32)>>) {
    let n = drafts.len();
    let cases = (p.passages_per_book * n as f64).round() as usize;
    let mut plans = Vec::with_capacity(cases);
    let mut protected: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    for _ in 0..cases {
        let source = rng.below(n);
        let d = &drafts[source];
        let words = passage_words(rng);
        let mut span = (0, 0);
        for _ in 0..64 {
            let first = rng.below(d.sentences.len());
            let mut last = first;
            let mut count = 0;
            while last < d.sentences.len() {
                let (s, e) = d.sentences[last];
                count += d.text[s as usize..e as usize].split(' ').count();
                if count >= words {
                    break;
                }
                last += 1;
            }
            let last = last.min(d.sentences.len() - 1);
            span = (d.sentences[first].0, d.sentences[last].1);
            if !protected[source]
                .iter()
                .any(|&(s, e)| s < span.1 && span.0 < e)
            {
                break;
            }
            span = (0, 0);
        }
        if span == (0, 0) {
            // No free place in this book: one case fewer.
            continue;
        }
        protected[source].push(span);
        let receivers = if rng.below(10) == 0 {
            rng.range(2, 4)
        } else {
            1
        };
        let mut rs: Vec<usize> = Vec::new();
        while rs.len() < receivers.min(n - 1) {
            let r = rng.below(n);
            if r != source && !rs.contains(&r) {
                rs.push(r);
            }
        }
        plans.push(Plan {
            source,
            span,
            receivers: rs,
            altered: rng.chance(p.altered_rate),
        });
    }
    (plans, protected)
}

/// Insertions `(book, line start, case, text)` of every case in each of its
/// receivers, never inside a source span, sorted.
fn plan_insertions(
    drafts: &[Draft],
    plans: &[Plan],
    protected: &[Vec<(u32, u32)>],
    rng: &mut SynthRng,
) -> Vec<(usize, u32, usize, String)> {
    let mut inserts: Vec<(usize, u32, usize, String)> = Vec::new();
    for (c, pl) in plans.iter().enumerate() {
        let src = &drafts[pl.source].text[pl.span.0 as usize..pl.span.1 as usize];
        for &r in &pl.receivers {
            let starts = &drafts[r].line_starts;
            let mut at = starts[rng.below(starts.len())];
            for _ in 0..64 {
                if !protected[r].iter().any(|&(s, e)| s < at && at < e) {
                    break;
                }
                at = starts[rng.below(starts.len())];
            }
            if protected[r].iter().any(|&(s, e)| s < at && at < e) {
                // Every try fell inside a passage: the end of the book.
                at = drafts[r].text.len() as u32;
            }
            let text = if pl.altered {
                altered_copy(src, rng)
            } else {
                src.to_string()
            };
            inserts.push((r, at, c, text));
        }
    }
    inserts.sort_by_key(|x| (x.0, x.1, x.2));
    inserts
}

/// Per book, its shifts: `(draft offset, bytes inserted so far)`.
type Shifts = Vec<Vec<(u32, u32)>>;

/// Per case, where it landed: `(book, span in the final text)`.
type Landed = Vec<Vec<(usize, Span)>>;

/// The final texts; where each case landed; and the shifts of each book.
fn assemble(
    drafts: &[Draft],
    inserts: Vec<(usize, u32, usize, String)>,
    cases: usize,
) -> (Vec<String>, Landed, Shifts) {
    let n = drafts.len();
    let mut landed: Landed = vec![Vec::new(); cases];
    let mut shifts: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    let mut texts: Vec<String> = Vec::with_capacity(n);
    let mut it = inserts.into_iter().peekable();
    for (i, d) in drafts.iter().enumerate() {
        let mut out = String::with_capacity(d.text.len() + 4096);
        let mut from = 0usize;
        while let Some((_, at, c, t)) = it.next_if(|x| x.0 == i) {
            let at = at as usize;
            out.push_str(&d.text[from..at]);
            from = at;
            if at == d.text.len() {
                out.push('\n');
            }
            let s = out.len();
            out.push_str(&t);
            landed[c].push((i, Span::new(s, out.len())));
            if at < d.text.len() {
                out.push('\n');
            }
            // Draft offsets at or after `at` move by what is inserted so far.
            shifts[i].push((at as u32, (out.len() - at) as u32));
        }
        out.push_str(&d.text[from..]);
        texts.push(out);
    }
    (texts, landed, shifts)
}

/// One truth row per pair of books holding a case: the source and every
/// receiver, with their spans in the final texts.
fn truth_of(plans: &[Plan], landed: &[Vec<(usize, Span)>], shifts: &Shifts) -> Vec<BookCase> {
    // Draft offset `x` in the final text; an insertion at `x` itself goes
    // before it when `x` starts a passage, after it when it ends one.
    let moved = |book: usize, x: u32, start: bool| -> usize {
        let sh = &shifts[book];
        let k = sh.partition_point(|&(at, _)| at < x || (start && at == x));
        x as usize + if k == 0 { 0 } else { sh[k - 1].1 as usize }
    };
    let mut truth = Vec::new();
    for (c, pl) in plans.iter().enumerate() {
        let src = Span::new(
            moved(pl.source, pl.span.0, true),
            moved(pl.source, pl.span.1, false),
        );
        let mut places = vec![(pl.source, src)];
        places.extend(landed[c].iter().copied());
        places.sort_by_key(|x| (x.0, x.1.start()));
        for x in 0..places.len() {
            for y in x + 1..places.len() {
                truth.push(BookCase {
                    a: places[x].0,
                    b: places[y].0,
                    case: c,
                    altered: pl.altered,
                    a_span: places[x].1,
                    b_span: places[y].1,
                });
            }
        }
    }
    truth.sort_by_key(|t| (t.a, t.b, t.a_span.start(), t.b_span.start(), t.case));
    truth
}

/// Writes the truth as TSV: a header line
/// `id_a id_b kind a_start a_end b_start b_end case` (tab-separated), then one
/// line per case and pair, kind `verbatim_passage` or `altered_passage`.
pub fn write_book_truth_tsv<W: Write>(truth: &[BookCase], mut w: W) -> io::Result<()> {
    writeln!(w, "id_a\tid_b\tkind\ta_start\ta_end\tb_start\tb_end\tcase")?;
    for t in truth {
        let kind = if t.altered {
            "altered_passage"
        } else {
            "verbatim_passage"
        };
        writeln!(
            w,
            "{}\t{}\t{kind}\t{}\t{}\t{}\t{}\t{}",
            book_id(t.a),
            book_id(t.b),
            t.a_span.start(),
            t.a_span.end(),
            t.b_span.start(),
            t.b_span.end(),
            t.case
        )?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> BookParams {
        BookParams {
            books: 4,
            book_bytes: 40_000,
            seed: 3,
            passages_per_book: 4.0,
            ..BookParams::default()
        }
    }

    #[test]
    fn books_have_their_size_and_truth_slices_the_passage() {
        let c = generate_books(&small()).unwrap();
        assert_eq!(c.docs.len(), 4);
        assert_eq!(c.docs[2].id, "book0002");
        for d in &c.docs {
            assert!(d.text.len() >= 40_000, "{}", d.text.len());
        }
        assert!(c.truth.len() >= 16, "{}", c.truth.len());
        let mut altered = 0;
        for t in &c.truth {
            let (x, y) = (
                t.a_span.slice(&c.docs[t.a].text),
                t.b_span.slice(&c.docs[t.b].text),
            );
            let (wx, wy) = (word_bounds(x), word_bounds(y));
            // Same first and last three words, whole lines in the receiver.
            assert_eq!(&x[..wx[2].1], &y[..wy[2].1]);
            assert_eq!(&x[wx[wx.len() - 3].0..], &y[wy[wy.len() - 3].0..]);
            if t.altered && x != y {
                altered += 1;
            } else {
                assert_eq!(x, y);
            }
        }
        assert!(altered > 0);
    }

    #[test]
    fn same_parameters_same_books() {
        let (x, y) = (
            generate_books(&small()).unwrap(),
            generate_books(&small()).unwrap(),
        );
        assert_eq!(x, y);
        let z = generate_books(&BookParams { seed: 4, ..small() }).unwrap();
        assert_ne!(x.docs[0].text, z.docs[0].text);
    }

    #[test]
    fn altered_copy_keeps_its_ends() {
        let mut rng = SynthRng::new(1);
        let p = "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة\nأحد عشر اثنا عشر";
        for _ in 0..20 {
            let c = altered_copy(p, &mut rng);
            assert!(c.starts_with("واحد اثنان ثلاثة "), "{c}");
            assert!(c.ends_with("عشر اثنا عشر"), "{c}");
        }
    }
}
