//! JSON Lines files and standard input (through `read_reader`).

use super::*;

// ----- JSON Lines --------------------------------------------------------------

#[test]
fn json_lines_ids_sources_blank_lines_crlf_and_last_line() {
    let dir = TempDir::new().unwrap();
    let body = format!(
        "\u{FEFF}{{\"id\":\"s-1\",\"text\":\"{ARABIC}\"}}\r\n\
         \r\n\
         {{\"id\":42,\"title\":\"t\",\"text\":\"{ARABIC2}\"}}\n\
         \n   \n\
         {{\"text\":\"بلا معرف\",\"url\":\"http://x\"}}\n\
         \u{FEFF}{{\"id\":null,\"text\":\"معرف فارغ\"}}\n\
         {{\"id\":\"last\",\"text\":\"بلا سطر جديد\"}}"
    );
    let p = write(dir.path(), "news.ndjson", &body);
    let name = p.display().to_string();
    let corpus = load_default(&[p]);
    assert!(corpus.skipped.is_empty(), "{:?}", corpus.skipped);
    assert_eq!(
        ids(&corpus.documents),
        [
            "s-1".to_string(),
            "42".to_string(),
            format!("{name}:6"),
            format!("{name}:7"),
            "last".to_string()
        ]
    );
    let sources: Vec<_> = corpus.documents.iter().map(|d| d.source.clone()).collect();
    assert_eq!(sources, [1, 3, 6, 7, 8].map(|l| format!("{name}:{l}")));
    assert_eq!(corpus.documents[0].text, ARABIC);
    assert_eq!(corpus.documents[4].text, "بلا سطر جديد");
    assert_eq!(
        corpus.warnings,
        [format!(
            "{name}: 2 line(s) have no usable \"id\" field and are named {name}:LINE \
             (choose the id field with --id-field)"
        )]
    );
}

#[test]
fn json_lines_bad_lines_are_skipped_with_file_line_and_reason() {
    let dir = TempDir::new().unwrap();
    let body = "{\"id\":\"ok1\",\"text\":\"نص سليم\"}\n\
                {\"id\":\"m\",\"text\":\"unterminated}\n\
                {\"id\":\"n\",\"text\":null}\n\
                {\"id\":\"num\",\"text\":7}\n\
                {\"id\":\"none\",\"body\":\"x\",\"title\":\"y\"}\n\
                {\"id\":\"e\",\"text\":\"\"}\n\
                {\"id\":\"w\",\"text\":\" \\n \"}\n\
                [1,2]\n\
                {\"id\":\"trail\",\"text\":\"x\"} junk\n\
                {\"id\":\"ok2\",\"text\":\"نص آخر\"}\n";
    let p = write(dir.path(), "bad.jsonl", body);
    let name = p.display().to_string();
    let corpus = load_default(&[p]);
    assert_eq!(ids(&corpus.documents), ["ok1", "ok2"]);
    let got: Vec<_> = corpus
        .skipped
        .iter()
        .map(|s| (s.id.clone(), s.source.clone(), s.reason.clone()))
        .collect();
    let at = |l: u32| format!("{name}:{l}");
    assert_eq!(got[0].1, at(2));
    assert_eq!(got[0].0, at(2), "a malformed line has no id to give");
    assert!(
        got[0].2.starts_with("malformed JSON at column ")
            && got[0].2.contains("EOF while parsing a string"),
        "{}",
        got[0].2
    );
    assert!(!got[0].2.contains("line 1"), "{}", got[0].2);
    assert_eq!(
        got[1],
        (
            "n".into(),
            at(3),
            "field \"text\" is null, not a string".into()
        )
    );
    assert_eq!(
        got[2],
        (
            "num".into(),
            at(4),
            "field \"text\" is a number, not a string".into()
        )
    );
    assert_eq!(
        got[3],
        (
            "none".into(),
            at(5),
            "no \"text\" field (fields: id, body, title); choose the text field with --text-field"
                .into()
        )
    );
    assert_eq!(got[4].2, "field \"text\" is empty");
    assert_eq!(got[5].2, "field \"text\" is only whitespace");
    assert_eq!(got[6].1, at(8));
    assert!(got[6].2.starts_with("not a JSON object"), "{}", got[6].2);
    assert_eq!(got[7].1, at(9));
    assert!(got[7].2.contains("trailing characters"), "{}", got[7].2);
    assert_eq!(got.len(), 8);
    assert!(corpus.skipped.iter().all(|s| s.bytes > 0));
}

#[test]
fn json_lines_custom_fields() {
    let opts = ReadOptions {
        id_field: "url".into(),
        text_field: "body".into(),
        ..ReadOptions::default()
    };
    let mut items = Vec::new();
    read_reader(
        "x.jsonl",
        &mut Cursor::new("{\"id\":1,\"text\":\"no\",\"url\":\"u1\",\"body\":\"نعم\"}\n"),
        InputFormat::JsonLines,
        &opts,
        &mut |i| items.push(i),
    );
    assert_eq!(
        items,
        [Item::Document(Document {
            id: "u1".into(),
            source: "x.jsonl:1".into(),
            text: "نعم".into()
        })]
    );
}

#[test]
fn jsonl_flag_forces_json_lines_on_any_extension() {
    let dir = TempDir::new().unwrap();
    let p = write(dir.path(), "dump.txt", "{\"id\":\"a\",\"text\":\"نص\"}\n");
    let plain = load_default(std::slice::from_ref(&p));
    assert_eq!(ids(&plain.documents), ["dump"]);
    assert!(
        plain.warnings[0].contains("looks like JSON Lines"),
        "{:?}",
        plain.warnings
    );
    let opts = ReadOptions {
        jsonl: true,
        ..ReadOptions::default()
    };
    let forced = load(&[p], &opts).unwrap();
    assert_eq!(ids(&forced.documents), ["a"]);
    assert!(forced.warnings.is_empty());
}

#[test]
fn json_array_file_is_skipped_whole_with_a_jq_hint() {
    let dir = TempDir::new().unwrap();
    let p = write(dir.path(), "arr.json", "[\n{\"id\":1,\"text\":\"x\"}\n]\n");
    let opts = ReadOptions {
        jsonl: true,
        ..ReadOptions::default()
    };
    let s = only_skipped(std::slice::from_ref(&p), &opts);
    assert_eq!(s.source, p.display().to_string());
    assert_eq!(s.id, "arr");
    assert_eq!(
        s.reason,
        format!(
            "a JSON array, not JSON Lines (one object a line); convert it with: \
             jq -c '.[]' {} > arr.jsonl",
            p.display()
        )
    );
}

#[test]
fn empty_and_binary_json_lines_files_are_skipped_whole() {
    let dir = TempDir::new().unwrap();
    let empty = write(dir.path(), "e.jsonl", "");
    let blank = write(dir.path(), "b.jsonl", "\n\r\n  \n");
    let gz = write(dir.path(), "z.jsonl", [0x1F, 0x8B, 8, 0, 0, 0]);
    let corpus = load_default(&[empty, blank, gz]);
    let reasons: Vec<_> = corpus.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons[0], "empty file (no JSON lines)");
    assert_eq!(reasons[1], "only blank lines (no JSON lines)");
    assert!(reasons[2].starts_with("binary file (gzip-compressed)"));
}

#[test]
fn json_lines_with_bad_bytes_and_cp1256_lines() {
    let mut body = b"{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\",\"text\":\"x\xFFy\"}\n".to_vec();
    let line = format!("{{\"id\":\"c\",\"text\":\"{ARABIC}\"}}\n");
    let (cp, _, _) = WINDOWS_1256.encode(&line);
    body.extend_from_slice(&cp);
    let run = |opts: &ReadOptions| {
        let mut items = Vec::new();
        let s = read_reader(
            "m.jsonl",
            &mut Cursor::new(body.clone()),
            InputFormat::JsonLines,
            opts,
            &mut |i| items.push(i),
        );
        (items, s)
    };
    let (items, _) = run(&ReadOptions::default());
    assert!(
        matches!(&items[1], Item::Skipped(s) if s.source == "m.jsonl:2" && s.reason.starts_with("invalid UTF-8 at byte 19 of the line;"))
    );
    assert!(matches!(&items[2], Item::Skipped(s) if s.reason.contains("Windows-1256")));
    let (items, summary) = run(&ReadOptions {
        lossy: true,
        decode_cp1256: true,
        ..ReadOptions::default()
    });
    assert!(matches!(&items[1], Item::Document(d) if d.text == "x\u{FFFD}y"));
    assert!(matches!(&items[2], Item::Document(d) if d.text == ARABIC && d.id == "c"));
    assert_eq!(summary.converted, 2);
}

#[test]
fn utf16_json_lines_are_decoded() {
    let text = format!(
        "{{\"id\":\"a\",\"text\":\"{ARABIC}\"}}\r\n{{\"id\":\"b\",\"text\":\"{ARABIC2}\"}}\r\n"
    );
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut docs = Vec::new();
    let summary = read_reader(
        "u.jsonl",
        &mut Cursor::new(le),
        InputFormat::JsonLines,
        &ReadOptions::default(),
        &mut |i| {
            if let Item::Document(d) = i {
                docs.push(d)
            }
        },
    );
    assert_eq!(ids(&docs), ["a", "b"]);
    assert_eq!(docs[1].text, ARABIC2);
    assert_eq!(docs[1].source, "u.jsonl:2");
    assert_eq!(summary.converted, 2);
    assert_eq!(
        summary.warnings,
        ["u.jsonl: decoded from UTF-16LE; byte offsets index the UTF-8 text"]
    );
}

// ----- standard input (through read_reader) ---------------------------------------

#[test]
fn stdin_detects_json_lines() {
    let input = "\n{\"id\":\"a\",\"text\":\"نص\"}\n{\"text\":\"بلا معرف\"}\n";
    let mut items = Vec::new();
    let summary = read_reader(
        "-",
        &mut Cursor::new(input),
        InputFormat::Detect,
        &ReadOptions::default(),
        &mut |i| items.push(i),
    );
    assert_eq!(summary.documents, 2);
    assert_eq!(
        items[1],
        Item::Document(Document {
            id: "-:3".into(),
            source: "-:3".into(),
            text: "بلا معرف".into()
        })
    );
}

#[test]
fn stdin_text_is_one_document_named_stdin() {
    let input = format!("\n\n{ARABIC}\n{{\"not\": \"json lines\"}}\n");
    let mut items = Vec::new();
    read_reader(
        "-",
        &mut Cursor::new(input.clone()),
        InputFormat::Detect,
        &ReadOptions::default(),
        &mut |i| items.push(i),
    );
    assert_eq!(
        items,
        [Item::Document(Document {
            id: "stdin".into(),
            source: "-".into(),
            text: input
        })]
    );
    let mut items = Vec::new();
    read_reader(
        "-",
        &mut Cursor::new("  \n"),
        InputFormat::Detect,
        &ReadOptions::default(),
        &mut |i| items.push(i),
    );
    assert!(
        matches!(&items[..], [Item::Skipped(s)] if s.reason == "only whitespace" && s.id == "stdin")
    );
}

#[test]
fn reader_keeps_ids_unique_across_paths_and_streams() {
    let dir = TempDir::new().unwrap();
    let p = write(dir.path(), "stdin.txt", ARABIC);
    let opts = ReadOptions::default();
    let mut r = CorpusReader::new(&opts);
    let mut items = Vec::new();
    r.read_path(&p, &mut |i| items.push(i)).unwrap();
    r.read_reader(
        "-",
        &mut Cursor::new(ARABIC2),
        InputFormat::Text,
        &mut |i| items.push(i),
    );
    let summary = r.finish();
    assert!(matches!(&items[1], Item::Document(d) if d.id == "stdin~2" && d.source == "-"));
    assert_eq!(summary.renamed, 1);
}

#[test]
fn utf16_standard_input_text_is_decoded() {
    let text = format!("{ARABIC}\n{ARABIC2}\n");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let mut items = Vec::new();
    let summary = read_reader(
        "-",
        &mut Cursor::new(be),
        InputFormat::Detect,
        &ReadOptions::default(),
        &mut |i| items.push(i),
    );
    assert_eq!(
        items,
        [Item::Document(Document {
            id: "stdin".into(),
            source: "-".into(),
            text
        })]
    );
    assert_eq!(summary.converted, 1);
    assert_eq!(
        summary.warnings,
        ["-: decoded from UTF-16BE; byte offsets index the UTF-8 text"]
    );
}

#[test]
fn a_file_that_is_not_json_lines_at_all_is_given_up_after_twenty_lines() {
    let dir = TempDir::new().unwrap();
    let csv: String = (0..1000).map(|i| format!("{i},\"نص {i}\"\n")).collect();
    let p = write(dir.path(), "table.jsonl", &csv);
    let corpus = load_default(std::slice::from_ref(&p));
    assert!(corpus.documents.is_empty());
    assert_eq!(corpus.skipped.len(), 21);
    assert!(
        corpus.skipped[..20]
            .iter()
            .all(|s| s.reason.starts_with("not a JSON object"))
    );
    let last = &corpus.skipped[20];
    assert_eq!(last.source, p.display().to_string());
    assert_eq!(last.id, "table");
    assert!(
        last.reason
            .starts_with("stopped reading: none of the first 20 lines is a JSON object")
    );
    // Once one line was an object, later bad lines are only skipped one by one.
    let mut mixed = String::from("{\"id\":\"ok\",\"text\":\"نص\"}\n");
    mixed.push_str(&csv);
    let p = write(dir.path(), "mixed.jsonl", mixed);
    let corpus = load_default(&[p]);
    assert_eq!(ids(&corpus.documents), ["ok"]);
    assert_eq!(corpus.skipped.len(), 1000);
}
