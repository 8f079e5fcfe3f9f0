//! Tools around the narrative level that print or generate rather than test
//! (they were ignored tests before):
//!
//! ```text
//! cargo run --release --example narrative -- links [DIR]
//!     every narrative link and group on the .txt files of DIR (default corpus/);
//!     NT, NM, MA, AW set threshold, min_terms, min_anchors, anchor_weight
//! cargo run --release --example narrative -- saudi [JSONL] [DOCS]
//!     speed, and the recall of prefix filtering against indexing every
//!     distinctive term, on the first DOCS (400) articles of a SaudiNewsNet
//!     day (default ../shared/data/saudinewsnet-2015-07-23.jsonl); PT, AW set
//!     prefix_terms, anchor_weight; SAMPLE=support samples links under the bar
//! cargo run --release --example narrative -- background [JSONL] [OUT]
//!     regenerates the background document frequencies
//!     (default OUT: src/narrative/background-df.tsv) from that day
//! ```
//!
//! Relative paths are taken from the repository root.

use std::path::{Path, PathBuf};
use std::time::Instant;

use athar::narrative::{Link, NarrativeIndex, NarrativeParams, content_stems, find_links};
use athar::text::normalize::NormalizeOptions;
use athar::text::tokenize::{Tokenizer, Tokens};

#[path = "../tests/common/narrative.rs"]
mod narrative_docs;
use narrative_docs::{docs, prep, txt_files};

const SAUDI_DAY: &str = "../shared/data/saudinewsnet-2015-07-23.jsonl";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match arg(0) {
        Some("links") => print_links(&root(arg(1).unwrap_or("corpus"))),
        Some("saudi") => {
            let n = arg(2).map_or(400, |v| v.parse().expect("DOCS: a number"));
            saudi_run(&root(arg(1).unwrap_or(SAUDI_DAY)), n);
        }
        Some("background") => background_table(
            &root(arg(1).unwrap_or(SAUDI_DAY)),
            &root(arg(2).unwrap_or("src/narrative/background-df.tsv")),
        ),
        _ => {
            eprintln!(
                "usage: narrative links [DIR] | saudi [JSONL] [DOCS] | background [JSONL] [OUT]"
            );
            std::process::exit(2);
        }
    }
}

/// `p` from the repository root when relative.
fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// `var` parsed, when set.
fn env<T: std::str::FromStr>(var: &str) -> Option<T> {
    let v = std::env::var(var).ok()?;
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{var}: cannot parse {v:?}")),
    )
}

fn snippet(s: &str, n: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        let head: String = s.chars().take(n).collect();
        format!("{head}…")
    }
}

/// Title and text of the first `limit` articles of a SaudiNewsNet JSONL file.
fn saudi_news(path: &Path, limit: usize) -> Vec<String> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    raw.lines()
        .take(limit)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            format!(
                "{}\n{}",
                v["title"].as_str().unwrap_or(""),
                v["text"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Prints every link and group on the texts of `dir`.
fn print_links(dir: &Path) {
    let texts = txt_files(dir);
    let mut params = NarrativeParams::default();
    if let Some(v) = env("NT") {
        params.threshold = v;
    }
    if let Some(v) = env("NM") {
        params.min_terms = v;
    }
    if let Some(v) = env("MA") {
        params.min_anchors = v;
    }
    if let Some(v) = env("AW") {
        params.anchor_weight = v;
    }
    let p = prep(&texts);
    let index = NarrativeIndex::build(&docs(&texts, &p), NormalizeOptions::default(), &params);
    let links = index.find_links();
    for l in &links {
        let terms: Vec<String> = l
            .terms
            .iter()
            .zip(&l.terms_b)
            .map(|(a, b)| {
                if a == b {
                    a.clone()
                } else {
                    format!("{a}~{b}")
                }
            })
            .collect();
        println!(
            "{:03} {:?} <-> {:03} {:?}  score {:.3}\n  terms: {}\n  A: {}\n  B: {}\n",
            l.a.0,
            l.a.1.range(),
            l.b.0,
            l.b.1.range(),
            l.score,
            terms.join("، "),
            snippet(l.a.1.slice(&texts[l.a.0]), 400),
            snippet(l.b.1.slice(&texts[l.b.0]), 400)
        );
    }
    for g in index.group(&links) {
        println!(
            "GROUP docs={} links={} label={:?} members={:?}",
            g.n_docs,
            g.links,
            g.label,
            g.members
                .iter()
                .map(|m| (m.doc, m.span.start(), m.span.end()))
                .collect::<Vec<_>>()
        );
    }
}

/// Speed and sanity on real news.
fn saudi_run(path: &Path, n: usize) {
    let texts = saudi_news(path, n);
    let t0 = Instant::now();
    let p = prep(&texts);
    let t1 = Instant::now();
    let d = docs(&texts, &p);
    let mut params = NarrativeParams::default();
    if let Some(v) = env("PT") {
        params.prefix_terms = v;
    }
    if let Some(v) = env("AW") {
        params.anchor_weight = v;
    }
    let links = find_links(&d, NormalizeOptions::default(), &params);
    let t2 = Instant::now();
    for l in &links {
        // Slicing panics when a span is off a character boundary.
        assert!(!l.a.1.slice(&texts[l.a.0]).is_empty() && !l.b.1.slice(&texts[l.b.0]).is_empty());
    }
    println!(
        "{} docs: tokenize {:?}, narrative {:?}, {} links",
        texts.len(),
        t1 - t0,
        t2 - t1,
        links.len()
    );
    // Recall of prefix filtering against indexing every distinctive term.
    let exact = find_links(
        &d,
        NormalizeOptions::default(),
        &NarrativeParams {
            prefix_terms: usize::MAX,
            ..params.clone()
        },
    );
    let t3 = Instant::now();
    let found = exact.iter().filter(|l| links.contains(l)).count();
    println!(
        "exhaustive candidates: {} links in {:?}; prefix filtering finds {found} of them",
        exact.len(),
        t3 - t2
    );
    let supported: Vec<&Link> = links
        .iter()
        .filter(|l| l.score < params.threshold)
        .collect();
    let pairs = |ls: &[&Link]| {
        let mut p: Vec<(usize, usize)> = ls.iter().map(|l| (l.a.0, l.b.0)).collect();
        p.sort_unstable();
        p.dedup();
        p.len()
    };
    let all: Vec<&Link> = links.iter().collect();
    let at_bar: Vec<&Link> = all
        .iter()
        .copied()
        .filter(|l| l.score >= params.threshold)
        .collect();
    println!(
        "{} links under the bar (group support); document pairs: {} in all, {} at the bar",
        supported.len(),
        pairs(&all),
        pairs(&at_bar)
    );
    let sample: Vec<&Link> = match std::env::var("SAMPLE").as_deref() {
        Ok("support") => supported,
        _ => all,
    };
    let step = (sample.len() / 30).max(1);
    for l in sample.iter().step_by(step) {
        println!(
            "{} <-> {} {:.3} [{}]\n  A: {}\n  B: {}",
            l.a.0,
            l.b.0,
            l.score,
            l.terms.join("، "),
            snippet(l.a.1.slice(&texts[l.a.0]), 200),
            snippet(l.b.1.slice(&texts[l.b.0]), 200)
        );
    }
}

/// Writes the background document frequencies of light10 stems counted on
/// the articles of `input` to `out`.
fn background_table(input: &Path, out_path: &Path) {
    let texts = saudi_news(input, usize::MAX);
    let mut tk = Tokenizer::new(NormalizeOptions::default());
    let mut df: std::collections::BTreeMap<String, u32> = Default::default();
    let mut toks = Tokens::default();
    for t in &texts {
        tk.tokenize_into(t, &mut toks);
        let mut set: Vec<&str> = content_stems(&toks).into_iter().map(|(_, s)| s).collect();
        set.sort_unstable();
        set.dedup();
        for s in set {
            *df.entry(s.to_string()).or_default() += 1;
        }
    }
    const MIN_DF: u32 = 3;
    let mut out = String::new();
    out.push_str(
        "# Background document frequencies of light10 stems, for athar's narrative level.\n\
         # Derived statistics (no text): generated by `cargo run --example narrative --\n\
         # background` (examples/narrative.rs), which tokenizes the title and\n\
         # text of every article of one day of SaudiNewsNet (2015-07-23, 14 Saudi outlets;\n\
         # CC BY-NC-SA 4.0, github.com/inparallel/SaudiNewsNet) with the default\n\
         # normalization, drops stop words (stem::is_stop_word), stems with\n\
         # stem::light10 and counts the documents containing each stem.\n\
         # Licence: counts of single stems are facts about the corpus, not its text;\n\
         # athar ships them under MIT OR Apache-2.0 (README.md, \"Data files\").\n",
    );
    out.push_str(&format!(
        "# Stems found in fewer than {MIN_DF} documents are left out (read as df = 1).\n\
         # Format: '#docs<TAB>N', then 'stem<TAB>df' lines sorted by stem.\n#docs\t{}\n",
        texts.len()
    ));
    for (s, n) in &df {
        if *n >= MIN_DF {
            out.push_str(&format!("{s}\t{n}\n"));
        }
    }
    std::fs::write(out_path, out).unwrap_or_else(|e| panic!("{}: {e}", out_path.display()));
    eprintln!("wrote {}", out_path.display());
}
