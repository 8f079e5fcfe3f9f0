//! Encodings: invalid UTF-8, legacy Arabic encodings, UTF-16, byte-order marks.

use super::*;

// ----- encodings ---------------------------------------------------------------

#[test]
fn invalid_utf8_is_skipped_with_its_byte_offset_and_line() {
    let mut bad = "سطر أول\nسطر".as_bytes().to_vec();
    let at = bad.len();
    bad.extend_from_slice(b"\xFF\xFE ok");
    let s = assert_skipped_beside_good(
        &bad,
        &ReadOptions::default(),
        "pass --lossy to replace bad bytes with U+FFFD",
    );
    assert!(
        s.reason
            .starts_with(&format!("invalid UTF-8 at byte {at} (line 2)")),
        "{}",
        s.reason
    );
}

#[test]
fn lossy_replaces_bad_bytes_and_warns() {
    let dir = TempDir::new().unwrap();
    let mut bad = ARABIC.as_bytes().to_vec();
    bad.insert(7, 0xFF); // after "قال "
    bad.extend_from_slice(b" \xC3");
    let p = write(dir.path(), "x.txt", &bad);
    let opts = ReadOptions {
        lossy: true,
        ..ReadOptions::default()
    };
    let corpus = load(std::slice::from_ref(&p), &opts).unwrap();
    assert_eq!(corpus.documents.len(), 1);
    let text = &corpus.documents[0].text;
    assert_eq!(text.matches('\u{FFFD}').count(), 2);
    assert_eq!(text.replace(['\u{FFFD}', ' '], ""), ARABIC.replace(' ', ""));
    assert_eq!(
        corpus.warnings,
        [format!(
            "{}: replaced 2 invalid UTF-8 sequence(s) with U+FFFD (--lossy); the first at byte 7 (line 1)",
            p.display()
        )]
    );
}

#[test]
fn windows_1256_is_recognised_and_skipped_with_the_iconv_command() {
    let (cp, _, unmappable) = WINDOWS_1256.encode(ARABIC);
    assert!(!unmappable);
    let s = assert_skipped_beside_good(
        &cp,
        &ReadOptions::default(),
        "not UTF-8: looks like Windows-1256 (Arabic); convert it with iconv -f CP1256 -t UTF-8, \
         or pass --decode-cp1256",
    );
    assert_eq!(s.bytes, cp.len() as u64);
    // --lossy does not turn Arabic into a page of U+FFFD.
    let lossy = ReadOptions {
        lossy: true,
        ..ReadOptions::default()
    };
    assert_skipped_beside_good(&cp, &lossy, "looks like Windows-1256");
}

#[test]
fn windows_1256_is_decoded_on_request() {
    let dir = TempDir::new().unwrap();
    let text = format!("«{ARABIC}» — 2015\r\n{ARABIC2}");
    let (cp, _, _) = WINDOWS_1256.encode(&text);
    let p = write(dir.path(), "cp.txt", &cp);
    let opts = ReadOptions {
        decode_cp1256: true,
        ..ReadOptions::default()
    };
    let corpus = load(&[p], &opts).unwrap();
    assert_eq!(corpus.documents[0].text, text);
    assert_eq!(corpus.warnings.len(), 1);
    assert!(corpus.warnings[0].contains("decoded from Windows-1256 (--decode-cp1256)"));
}

#[test]
fn iso_8859_6_is_told_apart_from_windows_1256() {
    // CP1256 reads some ISO-8859-6 letters (و, ي, ...) as Latin letters;
    // the article "ال" decides between the two.
    let text = format!("{ARABIC} {ARABIC2}");
    let (iso, _, unmappable) = ISO_8859_6.encode(&text);
    assert!(!unmappable);
    let s = assert_skipped_beside_good(
        &iso,
        &ReadOptions::default(),
        "not UTF-8: looks like ISO-8859-6 (Arabic); convert it with iconv -f ISO-8859-6 -t UTF-8",
    );
    assert!(!s.reason.contains("1256 (Arabic)"));
    let dir = TempDir::new().unwrap();
    let p = write(dir.path(), "iso.txt", &iso);
    let opts = ReadOptions {
        decode_cp1256: true,
        ..ReadOptions::default()
    };
    let corpus = load(&[p], &opts).unwrap();
    assert_eq!(corpus.documents[0].text, text);
    assert!(corpus.warnings[0].contains("decoded from ISO-8859-6"));
    // And CP1256 that happens to decode as ISO-8859-6 stays CP1256.
    let (cp, _, _) = WINDOWS_1256.encode("الأمل والعمل");
    assert!(
        ISO_8859_6
            .decode_without_bom_handling_and_without_replacement(&cp)
            .is_some()
    );
    assert_skipped_beside_good(&cp, &ReadOptions::default(), "looks like Windows-1256");
}

#[test]
fn utf8_arabic_with_a_bad_byte_is_not_mistaken_for_windows_1256() {
    let mut bad = format!("{ARABIC} {ARABIC2}").into_bytes();
    bad[41] = 0xFF; // inside a letter
    let s = assert_skipped_beside_good(&bad, &ReadOptions::default(), "invalid UTF-8 at byte");
    assert!(!s.reason.contains("1256"), "{}", s.reason);
}

#[test]
fn latin1_french_is_not_mistaken_for_windows_1256() {
    let latin1: Vec<u8> = "Le ministre a déclaré que la réunion était très fructueuse à Genève."
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let s = assert_skipped_beside_good(&latin1, &ReadOptions::default(), "invalid UTF-8 at byte");
    assert!(!s.reason.contains("1256"));
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let dir = TempDir::new().unwrap();
    let text = format!("{ARABIC}\n{ARABIC2}");
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let le_path = write(dir.path(), "le.txt", &le);
    write(dir.path(), "be.txt", &be);
    let corpus = load_default(&[dir.path().to_path_buf()]);
    assert_eq!(ids(&corpus.documents), ["be", "le"]);
    assert!(corpus.documents.iter().all(|d| d.text == text));
    assert_eq!(corpus.warnings.len(), 2);
    assert_eq!(
        corpus.warnings[1],
        format!(
            "{}: decoded from UTF-16LE; byte offsets index the UTF-8 text",
            le_path.display()
        )
    );
    // encoding_rs agrees.
    assert_eq!(UTF_16LE.decode(&le).0, text);
    assert_eq!(UTF_16BE.decode(&be).0, text);
}

#[test]
fn utf16_without_a_byte_order_mark_is_recognised_by_its_nul_bytes() {
    let dir = TempDir::new().unwrap();
    let le: Vec<u8> = ARABIC.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let p = write(dir.path(), "nobom.txt", &le);
    let corpus = load_default(&[p]);
    assert_eq!(corpus.documents[0].text, ARABIC);
    assert!(corpus.warnings[0].contains("UTF-16LE (no byte-order mark"));
}

#[test]
fn binary_with_nul_bytes_in_every_other_position_is_not_taken_for_utf16() {
    // Little-endian 16-bit integers below 256: NUL high bytes, like UTF-16LE
    // ASCII, but they decode to control characters.
    let ints: Vec<u8> = (0..512u16)
        .flat_map(|i| (i % 40 + 1).to_le_bytes())
        .collect();
    assert_skipped_beside_good(
        &ints,
        &ReadOptions::default(),
        "binary file (NUL byte at offset 1)",
    );
}

#[test]
fn invalid_utf16_is_skipped() {
    let mut le = vec![0xFF, 0xFE];
    le.extend("نص".encode_utf16().flat_map(u16::to_le_bytes));
    le.extend([0x00, 0xD8, b'a', 0x00]); // unpaired high surrogate
    assert_skipped_beside_good(&le, &ReadOptions::default(), "invalid UTF-16LE");
}

#[test]
fn utf8_byte_order_mark_is_kept_so_offsets_equal_file_offsets() {
    let dir = TempDir::new().unwrap();
    let bytes = format!("\u{FEFF}{ARABIC}");
    let p = write(dir.path(), "bom.txt", &bytes);
    let corpus = load_default(std::slice::from_ref(&p));
    let doc = &corpus.documents[0];
    assert_eq!(doc.text.as_bytes(), fs::read(&p).unwrap());
    let word = "الخارجية";
    let at = doc.text.find(word).unwrap();
    assert_eq!(&fs::read(&p).unwrap()[at..at + word.len()], word.as_bytes());
    assert!(corpus.warnings.is_empty());
}
