//! Integration tests that run the `athar` binary as a user would.

use std::path::Path;

use assert_cmd::Command;
use athar::report::{Report, Status};
use athar::tune::TuneReport;
use athar_synth::{SynthParams, TruthKind, doc_id, generate};
use predicates::prelude::*;

fn athar() -> Command {
    let mut cmd = Command::cargo_bin("athar").unwrap();
    // Run from the workspace root, where `corpus/` is, as a user would.
    cmd.env("NO_COLOR", "1")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    cmd
}

fn json_report(args: &[&str]) -> Report {
    let out = athar()
        .args(args)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "athar {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report parses into Report")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn default_run_reports_on_corpus() {
    let report = json_report(&[]);
    assert_eq!(report.schema_version, athar::report::SCHEMA_VERSION);
    assert_eq!(report.summary.analysed, 5);
    assert_eq!(report.summary.skipped, 0);
    assert!(report.summary.tokens > 3000);
    assert!(
        report
            .documents
            .iter()
            .all(|d| d.status == Status::Analysed && d.tokens > 0 && d.sentences > 0)
    );
    // The text report runs too and names the corpus size.
    athar()
        .assert()
        .success()
        .stdout(predicate::str::contains("5"));
}

#[test]
fn tokens_normalizes_tashkeel_tatweel_and_presentation_forms() {
    let dir = tempfile::tempdir().unwrap();
    // tashkeel + tatweel + alef with hamza + teh marbuta, and a PDF-style
    // presentation-form word (ﺍﻟﺴﻼﻡ = السلام).
    write(
        dir.path(),
        "a.txt",
        "مُحَمَّدٌ الـــسلام أحمد مدرسة ﺍﻟﺴﻼﻡ ٢٠٢٣م".as_bytes(),
    );
    athar()
        .arg("tokens")
        .arg(dir.path().join("a.txt"))
        .assert()
        .success()
        .stdout("محمد\nالسلام\nاحمد\nمدرسه\nالسلام\n2023\nم\n");
}

#[test]
fn tokens_offsets_slice_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let text = "قالَ: الـرئيس";
    write(dir.path(), "a.txt", text.as_bytes());
    let out = athar()
        .args(["tokens", "--offsets"])
        .arg(dir.path().join("a.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let (s, e): (usize, usize) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        assert_eq!(&text[s..e], f[3]);
    }
    assert!(stdout.starts_with("0\t"));
}

#[test]
fn bad_documents_are_skipped_with_reasons_and_the_rest_analysed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.txt", "هذا نص عربي سليم تماما".as_bytes());
    // Valid Arabic UTF-8 ("نص عربي") and one stray byte at offset 14.
    write(
        dir.path(),
        "bad.txt",
        b"\xd9\x86\xd8\xb5 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a \xff end",
    );
    write(dir.path(), "empty.txt", b"");
    write(dir.path(), "blank.txt", b"  \n\t ");
    let report = json_report(&[dir.path().to_str().unwrap()]);
    assert_eq!(report.summary.analysed, 1);
    assert_eq!(report.summary.skipped, 3);
    let reason = |id: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id} not skipped"))
            .reason
            .clone()
    };
    assert!(reason("bad").contains("UTF-8"), "{}", reason("bad"));
    assert!(
        reason("bad").contains("byte 14"),
        "byte offset: {}",
        reason("bad")
    );
    assert!(reason("empty").contains("empty"));
    assert!(reason("blank").contains("empty") || reason("blank").contains("whitespace"));
    let good = report.documents.iter().find(|d| d.id == "good").unwrap();
    assert_eq!(good.status, Status::Analysed);
}

#[test]
fn malformed_json_line_is_reported_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"id\":\"a\",\"text\":\"نص أول عن الاقتصاد\"}\n{\"id\":\"b\",\"text\":\n{\"id\":\"c\",\"text\":\"نص ثالث عن الرياضة\"}\n";
    write(dir.path(), "day.jsonl", jsonl.as_bytes());
    let report = json_report(&[dir.path().join("day.jsonl").to_str().unwrap()]);
    assert_eq!(report.summary.analysed, 2);
    let bad = &report.skipped[0];
    assert!(bad.source.ends_with(":2"), "source: {}", bad.source);
}

#[test]
fn missing_path_is_an_error_naming_it() {
    athar()
        .arg("no/such/dir")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
}

#[test]
fn nothing_to_analyse_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.txt", b"");
    athar()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to analyse"));
}

#[test]
fn invalid_flags_are_errors() {
    athar()
        .args(["--threshold", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threshold"));
}

#[test]
fn flags_a_subcommand_does_not_use_are_errors() {
    for (sub, flag) in [
        ("dedup", "--max-gap"),
        ("dedup", "--no-narratives"),
        ("tune", "--fail-on-reuse"),
        ("tune", "--top"),
    ] {
        let mut cmd = athar();
        cmd.args([sub, flag]);
        if flag == "--max-gap" || flag == "--top" {
            cmd.arg("3");
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "unexpected argument '{flag}'"
            )));
    }
}

#[test]
fn bad_values_are_errors_naming_the_flag() {
    for (args, message) in [
        (&["--bands", "64", "--rows", "4"][..], "--bands × --rows"),
        (&["--threshold", "0"], "--threshold must be above 0"),
        (
            &["dedup", "--num-perm", "65537"],
            "--num-perm must be between 1 and 65536",
        ),
        (
            &["tune", "--shingle-size", "0"],
            "--shingle-size must be at least 1",
        ),
        (&["--max-df", "0"], "--max-df must be at least 1"),
        (&["--max-df", "abc"], "'--max-df <N|F>'"),
        (&["--threads", "0"], "'--threads <N>'"),
    ] {
        athar()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn too_many_threads_are_cut_back_with_a_note() {
    let out = athar()
        .args(["--format", "json", "--threads", "100000"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--threads 100000 is more than"), "{stderr}");
    let default = athar().args(["--format", "json", "-q"]).output().unwrap();
    assert_eq!(out.stdout, default.stdout);
}

#[test]
fn largest_num_perm_runs() {
    let report = json_report(&["--num-perm", "65536"]);
    assert_eq!(report.params.num_perm, Some(65536));
    let (bands, rows) = (report.params.bands.unwrap(), report.params.rows.unwrap());
    assert!(bands * rows <= 65536, "{bands} × {rows}");
    assert_eq!(report.summary.analysed, 5);
}

#[test]
fn output_file_format_follows_extension() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    athar().args(["-q", "-o"]).arg(&out).assert().success();
    let report: Report = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(report.summary.analysed, 5);
}

#[test]
fn report_is_identical_for_any_thread_count() {
    let one = athar()
        .args(["--format", "json", "-q", "--threads", "1"])
        .output()
        .unwrap();
    let two = athar()
        .args(["--format", "json", "-q", "--threads", "2"])
        .output()
        .unwrap();
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn help_shows_examples() {
    athar()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    for sub in ["report", "dedup", "tokens", "tune", "gen"] {
        athar()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn standard_input_is_read() {
    athar()
        .args(["tokens", "-"])
        .write_stdin("الـسلامُ عليكم")
        .assert()
        .success()
        .stdout("السلام\nعليكم\n");
}

/// `athar report corpus/ --format json` is the committed golden
/// `tests/golden/report-corpus.json`; after an intended change, regenerate
/// it with `ATHAR_UPDATE_GOLDEN=1 cargo test -p athar-cli --test cli golden`.
#[test]
fn golden_json_report_of_corpus() {
    let out = athar()
        .args(["report", "corpus/", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/report-corpus.json");
    if std::env::var_os("ATHAR_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let want = std::fs::read(&path).expect("the golden file is committed");
    assert!(
        want == out.stdout,
        "athar report corpus/ --format json differs from {}; if the change is intended, \
         regenerate it: ATHAR_UPDATE_GOLDEN=1 cargo test -p athar-cli --test cli golden",
        path.display()
    );
}

// `athar dedup` and `athar tune`.

#[test]
fn cli_writes_report_and_keep_list_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let story = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة يضم مئتي سرير \
                 ويخدم سكان الأحياء الشمالية والقرى المجاورة لها منذ صباح اليوم";
    std::fs::write(dir.path().join("a.txt"), story).unwrap();
    std::fs::write(dir.path().join("b.txt"), format!("{story} الكبرى")).unwrap();
    std::fs::write(dir.path().join("c.txt"), "خبر آخر لا علاقة له بالمستشفى").unwrap();
    std::fs::write(dir.path().join("d.txt"), b"abc \xc3\x28 def").unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let keep = out_dir.path().join("keep.txt");
    let out = athar()
        .arg("dedup")
        .arg(dir.path())
        .arg("--keep")
        .arg(&keep)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.clusters.len(), 1);
    assert_eq!(report.summary.skipped, 1);
    assert!(report.skipped[0].source.ends_with("d.txt"));
    let kept = std::fs::read_to_string(&keep).unwrap();
    let kept: Vec<&str> = kept.lines().collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.contains(&"c"));

    let text = athar().arg("dedup").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    // Lines are wrapped: compare words.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Near-duplicate pass only"), "{text}");
    assert!(!text.contains("Narratives"), "{text}");
    assert!(
        text.contains("أعلنت وزارة الصحة"),
        "clusters are quoted: {text}"
    );

    let html = athar()
        .arg("dedup")
        .arg(dir.path())
        .args(["-o", "x.html"])
        .current_dir(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(html.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&html.stderr).contains("not HTML"));
}

#[test]
fn binary_tunes_with_labels_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&SynthParams {
        docs: 200,
        seed: 21,
        ..SynthParams::default()
    })
    .unwrap();
    let corpus = dir.path().join("gen.jsonl");
    athar_synth::write_jsonl(&s.docs, std::fs::File::create(&corpus).unwrap()).unwrap();
    let labels = dir.path().join("labels.tsv");
    let mut tsv = String::from("id_a\tid_b\tlabel\n");
    for t in &s.truth {
        let reuse = match t.kind {
            TruthKind::NearDuplicate => 1,
            TruthKind::Unrelated => 0,
            _ => continue,
        };
        tsv.push_str(&format!("{}\t{}\t{reuse}\n", doc_id(t.a), doc_id(t.b)));
    }
    std::fs::write(&labels, tsv).unwrap();
    let out = dir.path().join("tune.json");
    athar()
        .arg("tune")
        .arg(&corpus)
        .arg("--labels")
        .arg(&labels)
        .arg("-o")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let r: TuneReport = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(r.documents, 200);
    assert_eq!(r.jaccard.total(), r.pairs);
    let lab = r.labels.unwrap();
    assert_eq!(lab.skipped_pairs, 0);
    assert!(lab.positives > 0 && lab.negatives > 0);
    assert_eq!(lab.jaccard.best.f1, 1.0);

    // Text output says what to do.
    athar()
        .arg("tune")
        .arg(&corpus)
        .arg("--labels")
        .arg(&labels)
        .assert()
        .success()
        .stdout(predicates::str::contains("With these labels, --threshold"));

    // A bad labels file names the file and line.
    athar()
        .arg("tune")
        .arg(&corpus)
        .arg("--labels")
        .arg("tests/fixtures/tune/bad-labels.tsv")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad-labels.tsv:3: label must be 1",
        ));
    // HTML is refused.
    athar()
        .arg("tune")
        .arg(&corpus)
        .args(["--format", "html"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("text or JSON"));
}

#[test]
fn gen_books_writes_books_and_their_truth() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, truth) = (dir.path().join("b.jsonl"), dir.path().join("b.tsv"));
    athar()
        .args([
            "gen",
            "--books",
            "2",
            "--book-bytes",
            "30000",
            "--seed",
            "3",
        ])
        .arg("-o")
        .arg(&corpus)
        .arg("--truth")
        .arg(&truth)
        .assert()
        .success();
    let docs: Vec<serde_json::Value> = std::fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["id"], "book0001");
    let truth = std::fs::read_to_string(&truth).unwrap();
    let mut lines = truth.lines();
    assert_eq!(
        lines.next(),
        Some("id_a\tid_b\tkind\ta_start\ta_end\tb_start\tb_end\tcase")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert!(rows.len() >= 6, "{rows:?}");
    for r in rows.iter().filter(|r| r[2] == "verbatim_passage") {
        let n = |i: usize| r[i].parse::<usize>().unwrap();
        let text = |id: &str| {
            docs.iter().find(|d| d["id"] == id).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(&text(r[0])[n(3)..n(4)], &text(r[1])[n(5)..n(6)]);
    }
    athar()
        .args(["gen", "--books", "2", "--docs", "5"])
        .assert()
        .failure();
}
