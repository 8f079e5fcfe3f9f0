//! Reading a corpus: every input kind, every skip reason, ids and ordering.
//! Fixtures are generated in temporary folders (bad bytes stay out of git).

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use athar::corpus::{
    CorpusReader, Document, InputFormat, Item, ReadOptions, Skipped, WARNINGS_PER_KIND, load,
    read_each, read_reader,
};
use athar::error::Error;
use encoding_rs::{ISO_8859_6, UTF_16BE, UTF_16LE, WINDOWS_1256};
use proptest::prelude::*;
use tempfile::TempDir;

mod encodings;
mod jsonl;

const ARABIC: &str = "قال وزير الخارجية إن المحادثات مع الوفد الزائر تناولت سبل تعزيز التعاون \
                      الاقتصادي بين البلدين في مجالات الطاقة والنقل والتعليم.";
const ARABIC2: &str = "أعلنت الهيئة العامة للإحصاء ارتفاع معدل التضخم خلال الشهر الماضي.";

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, bytes).unwrap();
    path
}

fn load_default(paths: &[PathBuf]) -> athar::corpus::Corpus {
    load(paths, &ReadOptions::default()).unwrap()
}

fn ids(docs: &[Document]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

fn only_skipped(paths: &[PathBuf], opts: &ReadOptions) -> Skipped {
    let corpus = load(paths, opts).unwrap();
    assert!(corpus.documents.is_empty(), "{:?}", corpus.documents);
    assert_eq!(corpus.skipped.len(), 1, "{:?}", corpus.skipped);
    corpus.skipped.into_iter().next().unwrap()
}

/// One bad file next to a good one: the bad one is skipped with `reason`,
/// the good one is still read.
fn assert_skipped_beside_good(bad: &[u8], opts: &ReadOptions, reason: &str) -> Skipped {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a_good.txt", ARABIC);
    let bad_path = write(dir.path(), "b_bad.txt", bad);
    let corpus = load(&[dir.path().to_path_buf()], opts).unwrap();
    assert_eq!(ids(&corpus.documents), ["a_good"], "{:?}", corpus.skipped);
    assert_eq!(corpus.documents[0].text, ARABIC);
    assert_eq!(corpus.skipped.len(), 1);
    let s = corpus.skipped.into_iter().next().unwrap();
    assert!(
        s.reason.contains(reason),
        "reason {:?} lacks {reason:?}",
        s.reason
    );
    assert_eq!(s.id, "b_bad");
    assert_eq!(s.source, bad_path.display().to_string());
    assert_eq!(s.bytes, bad.len() as u64);
    s
}

// ----- folders, files, order, ids ---------------------------------------------

#[test]
fn folder_is_read_recursively_in_sorted_path_order() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "b.txt", "ب");
    write(dir.path(), "a.txt", "أ");
    write(dir.path(), "sub/c.txt", "ج");
    write(dir.path(), "sub/deeper/d.TXT", "د");
    write(dir.path(), "a0.txt", "ز");
    let corpus = load_default(&[dir.path().to_path_buf()]);
    // Path order: components compare one by one, so sub/... sorts as "sub".
    assert_eq!(
        ids(&corpus.documents),
        ["a", "a0", "b", "sub/c", "sub/deeper/d"]
    );
    let d = &corpus.documents[4];
    assert_eq!(
        d.source,
        dir.path().join("sub/deeper/d.TXT").display().to_string()
    );
    assert_eq!(d.text, "د");
    assert!(corpus.skipped.is_empty());
    assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
}

#[test]
fn folder_ignores_other_files_and_hidden_entries_with_one_warning() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", ARABIC);
    write(dir.path(), "notes.md", "# notes");
    write(dir.path(), "data.jsonl", "{\"id\":1,\"text\":\"x\"}\n");
    write(dir.path(), ".DS_Store", [0u8, 1, 2]);
    write(dir.path(), ".git/HEAD.txt", "ref");
    let corpus = load_default(&[dir.path().to_path_buf()]);
    assert_eq!(ids(&corpus.documents), ["a"]);
    assert!(corpus.skipped.is_empty());
    assert_eq!(corpus.warnings.len(), 1, "{:?}", corpus.warnings);
    let w = &corpus.warnings[0];
    assert!(
        w.contains("2 file(s) that are not .txt (e.g. data.jsonl, notes.md)"),
        "{w}"
    );
    assert!(w.contains("2 hidden entries"), "{w}");
    assert!(w.starts_with(&dir.path().display().to_string()), "{w}");
}

#[test]
fn named_file_of_any_extension_is_one_text_document_with_its_stem_as_id() {
    let dir = TempDir::new().unwrap();
    let md = write(dir.path(), "article.one.md", ARABIC);
    let none = write(dir.path(), "README", ARABIC2);
    let corpus = load_default(&[md.clone(), none.clone()]);
    assert_eq!(ids(&corpus.documents), ["article.one", "README"]);
    assert_eq!(corpus.documents[0].source, md.display().to_string());
    assert_eq!(corpus.documents[1].text, ARABIC2);
}

#[test]
fn relative_paths_stay_relative_in_sources() {
    // cargo runs tests from the package root; a temp folder inside it can
    // be named by a relative path.
    let dir = tempfile::tempdir_in(".").unwrap();
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    write(dir.path(), "x.txt", ARABIC);
    write(dir.path(), "y.jsonl", "{\"id\":\"y1\",\"text\":\"نص\"}\n");
    let rel_dir = PathBuf::from(&name);
    let rel_jsonl = PathBuf::from(&name).join("y.jsonl");
    let corpus = load_default(&[rel_dir, rel_jsonl]);
    let sources: Vec<_> = corpus.documents.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(
        sources,
        [format!("{name}/x.txt"), format!("{name}/y.jsonl:1")]
    );
}

#[test]
fn missing_path_is_an_error() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nope.txt");
    match load(std::slice::from_ref(&missing), &ReadOptions::default()) {
        Err(Error::MissingPath { path }) => assert_eq!(path, missing),
        other => panic!("expected MissingPath, got {other:?}"),
    }
}

#[test]
fn nothing_analysable_still_returns_the_corpus() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "empty.txt", "");
    write(dir.path(), "blank.txt", " \n\t ");
    let corpus = load_default(&[dir.path().to_path_buf()]);
    assert!(corpus.documents.is_empty());
    let reasons: Vec<_> = corpus.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons, ["only whitespace", "empty file"]);
    // An empty folder is fine too.
    let empty = TempDir::new().unwrap();
    let corpus = load_default(&[empty.path().to_path_buf()]);
    assert!(corpus.documents.is_empty() && corpus.skipped.is_empty());
}

#[test]
fn duplicate_ids_get_deterministic_suffixes_and_warnings() {
    let dir = TempDir::new().unwrap();
    let a = write(dir.path(), "a/x.txt", ARABIC);
    let b = write(dir.path(), "b/x.txt", ARABIC2);
    let c = write(dir.path(), "c/x.md", "نص ثالث");
    let j = write(
        dir.path(),
        "d.jsonl",
        "{\"id\":\"x~2\",\"text\":\"نص\"}\n{\"id\":\"x\",\"text\":\"نص\"}\n",
    );
    let corpus = load_default(&[a.clone(), b.clone(), c.clone(), j]);
    assert_eq!(ids(&corpus.documents), ["x", "x~2", "x~3", "x~2~2", "x~4"]);
    let w = &corpus.warnings;
    assert_eq!(w.len(), 4, "{w:?}");
    assert_eq!(
        w[0],
        format!(
            "duplicate id \"x\": {} renamed to \"x~2\" (\"x\" is {})",
            b.display(),
            a.display()
        )
    );
    assert!(w[1].contains(&c.display().to_string()) && w[1].contains("\"x~3\""));
    assert!(w[2].contains("d.jsonl:1") && w[2].contains("renamed to \"x~2~2\""));
    assert!(w[2].contains(&b.display().to_string()), "{}", w[2]);
    // Same input, same ids.
    let again = load_default(&[a, b, c, dir.path().join("d.jsonl")]);
    assert_eq!(again.documents, corpus.documents);
    assert_eq!(again.warnings, corpus.warnings);
}

#[test]
fn the_same_folder_twice_renames_every_id() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", ARABIC);
    write(dir.path(), "b.txt", ARABIC2);
    let p = dir.path().to_path_buf();
    let corpus = load_default(&[p.clone(), p]);
    assert_eq!(ids(&corpus.documents), ["a", "b", "a~2", "b~2"]);
}

#[test]
fn warnings_of_one_kind_are_capped_and_counted() {
    let mut jsonl = String::new();
    let n = WARNINGS_PER_KIND + 10;
    for _ in 0..=n {
        jsonl.push_str("{\"id\":\"same\",\"text\":\"نص\"}\n");
    }
    let summary = read_reader(
        "dups.jsonl",
        &mut Cursor::new(jsonl),
        InputFormat::JsonLines,
        &ReadOptions::default(),
        &mut |_| {},
    );
    assert_eq!(summary.documents, n + 1);
    assert_eq!(summary.renamed, n);
    assert_eq!(summary.warnings.len(), WARNINGS_PER_KIND + 1);
    assert_eq!(
        summary.warnings.last().unwrap(),
        "... and 10 more renamed duplicate id(s)"
    );
}

#[test]
fn read_each_streams_the_same_items_as_load() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", ARABIC);
    write(dir.path(), "b.txt", "");
    write(
        dir.path(),
        "c.jsonl",
        "{\"id\":1,\"text\":\"نص\"}\nnot json\n",
    );
    let paths = [dir.path().to_path_buf(), dir.path().join("c.jsonl")];
    let mut items = Vec::new();
    let summary = read_each(&paths, &ReadOptions::default(), &mut |i| items.push(i)).unwrap();
    let corpus = load_default(&paths);
    let docs: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            Item::Document(d) => Some(d.clone()),
            Item::Skipped(_) => None,
        })
        .collect();
    assert_eq!(docs, corpus.documents);
    assert_eq!(summary.documents, 2);
    assert_eq!(summary.skipped, 2);
    assert_eq!(summary.text_bytes, (ARABIC.len() + "نص".len()) as u64);
    assert!(matches!(&items[1], Item::Skipped(s) if s.reason == "empty file"));
}

#[test]
fn a_folder_of_two_thousand_files() {
    let dir = TempDir::new().unwrap();
    for i in 0..2000 {
        write(
            dir.path(),
            &format!("d{:02}/{i:05}.txt", i % 37),
            format!("{ARABIC} {i}"),
        );
    }
    let corpus = load_default(&[dir.path().to_path_buf()]);
    assert_eq!(corpus.documents.len(), 2000);
    let mut sorted = corpus.documents.clone();
    sorted.sort_by(|a, b| a.source.cmp(&b.source));
    assert_eq!(
        sorted, corpus.documents,
        "documents come in sorted path order"
    );
    assert_eq!(corpus.documents[0].id, "d00/00000");
    assert!(corpus.warnings.is_empty());
}

// ----- empty, binary, unreadable ---------------------------------------------------

#[test]
fn empty_and_whitespace_only_documents_are_skipped() {
    assert_skipped_beside_good(b"", &ReadOptions::default(), "empty file");
    let s = assert_skipped_beside_good(
        " \r\n\t\u{a0}\u{FEFF}\u{200f}\n".as_bytes(),
        &ReadOptions::default(),
        "only whitespace",
    );
    assert_eq!(s.reason, "only whitespace");
}

#[test]
fn binary_files_are_skipped() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R']);
    assert_skipped_beside_good(
        &png,
        &ReadOptions::default(),
        "binary file (NUL byte at offset 8)",
    );
    assert_skipped_beside_good(
        &[0x1F, 0x8B, 8, 0, 1, 2, 3],
        &ReadOptions::default(),
        "binary file (gzip-compressed); decompress it first",
    );
    assert_skipped_beside_good(
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n",
        &ReadOptions::default(),
        "binary file (PDF); extract its text first",
    );
    let control: Vec<u8> = (0..400).map(|i| [1u8, 2, b'a', 3, 0x7F][i % 5]).collect();
    assert_skipped_beside_good(
        &control,
        &ReadOptions::default(),
        "binary file (80% of the first 400 bytes are control bytes)",
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_skipped_unless_running_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", ARABIC);
    let locked = write(dir.path(), "locked.txt", ARABIC2);
    let closed = dir.path().join("closed");
    write(&closed, "inside.txt", ARABIC2);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        eprintln!("skipped: running as root, which can read a chmod 000 file");
        return;
    }
    let corpus = load_default(&[dir.path().to_path_buf()]);
    // Let TempDir clean up.
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(ids(&corpus.documents), ["a"]);
    assert_eq!(
        corpus.skipped[0].reason,
        "cannot read: permission denied; check the file's permissions"
    );
    assert_eq!(
        corpus.warnings,
        [format!(
            "{}: permission denied; nothing under it was read",
            closed.display()
        )]
    );
    // Named directly: skipped too, not an error.
    let s = only_skipped(&[locked], &ReadOptions::default());
    assert!(s.reason.contains("permission denied"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_broken_links_never_hang() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", ARABIC);
    write(dir.path(), "sub/b.txt", ARABIC2);
    symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    symlink(
        dir.path().join("nowhere.txt"),
        dir.path().join("broken.txt"),
    )
    .unwrap();
    symlink(dir.path().join("nowhere"), dir.path().join("broken_dir")).unwrap();
    symlink(dir.path().join("a.txt"), dir.path().join("sub/alias.txt")).unwrap();
    let corpus = load_default(&[dir.path().to_path_buf()]);
    assert_eq!(ids(&corpus.documents), ["a", "sub/alias", "sub/b"]);
    assert_eq!(corpus.skipped.len(), 1);
    assert_eq!(corpus.skipped[0].id, "broken");
    assert!(
        corpus.skipped[0]
            .reason
            .starts_with("broken symbolic link (its target"),
        "{}",
        corpus.skipped[0].reason
    );
    let w = corpus.warnings.join("\n");
    assert!(w.contains("symbolic link loop"), "{w}");
    assert!(w.contains("broken_dir: broken symbolic link"), "{w}");
    // A broken link named by the user is skipped, not "missing".
    let s = only_skipped(&[dir.path().join("broken.txt")], &ReadOptions::default());
    assert!(s.reason.starts_with("broken symbolic link"));
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_folder_is_skipped_without_blocking() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", ARABIC);
    let fifo = dir.path().join("pipe.txt");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: mkfifo unavailable");
        return;
    }
    let corpus = load_default(&[dir.path().to_path_buf()]);
    assert_eq!(ids(&corpus.documents), ["a"]);
    assert_eq!(
        corpus.skipped[0].reason,
        "not a regular file (a named pipe); name it on the command line to read it"
    );
}

// ----- size ------------------------------------------------------------------------

#[test]
fn huge_json_line_and_huge_document() {
    // 24 MB in one JSON line and a 48 MB text file: linear time, no blow-up.
    let dir = TempDir::new().unwrap();
    let big: String = ARABIC.repeat(24_000_000 / ARABIC.len());
    let mut line =
        format!("{{\"id\":\"small\",\"text\":\"{ARABIC}\"}}\n{{\"id\":\"big\",\"text\":\"");
    line.push_str(&big);
    line.push_str("\"}\n");
    let j = write(dir.path(), "big.jsonl", &line);
    let t = write(dir.path(), "big.txt", big.repeat(2));
    let start = std::time::Instant::now();
    let corpus = load_default(&[j, t]);
    assert_eq!(ids(&corpus.documents), ["small", "big", "big~2"]);
    assert_eq!(corpus.documents[1].text.len(), big.len());
    assert_eq!(corpus.documents[2].text.len(), 2 * big.len());
    eprintln!("read 72 MB in {:?}", start.elapsed());
}

// ----- invariants --------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes give exactly one item; valid text comes back unchanged.
    #[test]
    fn any_bytes_give_exactly_one_item(bytes in proptest::collection::vec(any::<u8>(), 0..300), lossy: bool) {
        let opts = ReadOptions { lossy, ..ReadOptions::default() };
        let mut items = Vec::new();
        let summary = read_reader("x.txt", &mut Cursor::new(bytes.clone()), InputFormat::Text, &opts, &mut |i| items.push(i));
        prop_assert_eq!(items.len(), 1);
        prop_assert_eq!(summary.documents + summary.skipped, 1);
        match &items[0] {
            Item::Document(d) => {
                prop_assert_eq!(&d.id, "x");
                if let Ok(s) = std::str::from_utf8(&bytes) {
                    if summary.converted == 0 {
                        prop_assert_eq!(&d.text, s);
                    }
                }
                prop_assert!(!d.text.trim().is_empty());
            }
            Item::Skipped(s) => {
                prop_assert_eq!(s.bytes, bytes.len() as u64);
                prop_assert!(!s.reason.is_empty());
            }
        }
    }

    /// Arabic text with Arabic-ish punctuation survives every input form.
    #[test]
    fn text_round_trips_through_json_lines(words in proptest::collection::vec("[ء-ي]{1,8}", 1..20)) {
        let text = words.join(" ");
        let line = serde_json::json!({"id": "p", "text": text}).to_string();
        let mut items = Vec::new();
        read_reader("p.jsonl", &mut Cursor::new(line), InputFormat::JsonLines, &ReadOptions::default(), &mut |i| items.push(i));
        prop_assert_eq!(items, vec![Item::Document(Document { id: "p".into(), source: "p.jsonl:1".into(), text })]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever ids come in (repeats, ids that look like suffixes), the ids
    /// handed out are unique, the first holder of an id keeps it, and every
    /// rename is warned about.
    #[test]
    fn ids_handed_out_are_unique(raw in proptest::collection::vec(prop_oneof!["[ab]", "[ab]~[23]", "[ab]~2~2"], 1..40)) {
        let mut body = String::new();
        for id in &raw {
            body.push_str(&serde_json::json!({"id": id, "text": "نص"}).to_string());
            body.push('\n');
        }
        let mut docs = Vec::new();
        let summary = read_reader("ids.jsonl", &mut Cursor::new(body), InputFormat::JsonLines, &ReadOptions::default(), &mut |i| {
            if let Item::Document(d) = i { docs.push(d) }
        });
        prop_assert_eq!(docs.len(), raw.len());
        let unique: std::collections::BTreeSet<_> = docs.iter().map(|d| d.id.clone()).collect();
        prop_assert_eq!(unique.len(), docs.len());
        let mut seen = std::collections::BTreeSet::new();
        let mut renamed = 0;
        for (d, id) in docs.iter().zip(&raw) {
            if d.id == *id {
                prop_assert!(seen.insert(id.clone()), "{} handed out twice", id);
            } else {
                renamed += 1;
                let prefix = format!("{id}~");
                prop_assert!(d.id.starts_with(&prefix));
            }
        }
        prop_assert_eq!(summary.renamed, renamed);
        prop_assert_eq!(summary.warnings.len(), renamed.min(WARNINGS_PER_KIND));
    }
}

#[test]
fn text_files_are_dated_by_their_modification_time_only_when_asked() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("a.txt");
    fs::write(&path, "نص قصير للتجربة").unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_437_619_860);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(when)
        .unwrap();
    let plain = load(&[dir.path().to_path_buf()], &ReadOptions::default()).unwrap();
    assert!(plain.meta.is_empty());
    let opts = ReadOptions {
        date_from_mtime: true,
        ..ReadOptions::default()
    };
    let dated = load(&[dir.path().to_path_buf()], &opts).unwrap();
    let meta = &dated.meta["a"];
    assert_eq!(meta.date.as_deref(), Some("2015-07-23T02:51:00Z"));
    assert_eq!(meta.outlet, None);
}
