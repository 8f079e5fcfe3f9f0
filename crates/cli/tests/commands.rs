//! `athar dedup` and `athar tune` through the binary.

use assert_cmd::Command;
use athar::report::Report;
use athar::tune::TuneReport;
use athar_synth::{SynthParams, TruthKind, doc_id, generate};

fn athar() -> Command {
    let mut cmd = Command::cargo_bin("athar").unwrap();
    // Run from the workspace root, where `corpus/` is, as a user would.
    cmd.env("NO_COLOR", "1")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    cmd
}

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
