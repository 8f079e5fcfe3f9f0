//! `athar index` as a user runs it: batches survive a killed writer
//! (SIGKILL at several points inside the transaction), queries read while a
//! batch is written, a second writer fails clearly, other parameters are
//! refused.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use assert_cmd::Command;
use athar::archive::Archive;
use athar::report::Report;
use athar_synth::{SynthParams, generate};

fn athar() -> Command {
    let mut cmd = Command::cargo_bin("athar").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Writes documents `range` of a generated corpus (ids prefixed with
/// `prefix`) as JSON Lines; returns the path and the ids.
fn batch(dir: &Path, name: &str, docs: usize, seed: u64, prefix: &str) -> (PathBuf, Vec<String>) {
    let synth = generate(&SynthParams {
        docs,
        seed,
        ..SynthParams::default()
    })
    .unwrap();
    let path = dir.join(name);
    let mut lines = String::new();
    let mut ids = Vec::new();
    for (i, d) in synth.docs.iter().enumerate() {
        let id = format!("{prefix}{}", d.id);
        let line = serde_json::json!({
            "id": id,
            "text": d.text,
            "source": format!("outlet{}", i % 3),
            "published": format!("2015-07-21 {:02}:00:00", i % 24),
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
        ids.push(id);
    }
    std::fs::write(&path, lines).unwrap();
    ids.sort();
    (path, ids)
}

fn stored_ids(archive: &Path) -> Vec<String> {
    Archive::open(archive).unwrap().ids().unwrap()
}

/// Starts `athar index add ARCHIVE INPUT` paused after writing `at`
/// documents of its batch (inside the transaction), and waits for the pause.
fn paused_add(archive: &Path, input: &Path, at: usize) -> Child {
    let bin = assert_cmd::cargo::cargo_bin("athar");
    let mut child = std::process::Command::new(bin)
        .args(["index", "add", "-q"])
        .arg(archive)
        .arg(input)
        .env("ATHAR_INDEX_PAUSE_AT", at.to_string())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("paused after writing") => break,
            Some(Ok(_)) => continue,
            _ => panic!("athar index add ended before pausing at {at}"),
        }
    }
    child
}

#[test]
fn a_killed_add_leaves_exactly_the_committed_batches() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("news.athar");
    let (first, first_ids) = batch(dir.path(), "day1.jsonl", 120, 1, "d1-");
    let (second, second_ids) = batch(dir.path(), "day2.jsonl", 200, 2, "d2-");
    athar()
        .args(["index", "add", "-q"])
        .arg(&archive)
        .arg(&first)
        .assert()
        .success();
    assert_eq!(stored_ids(&archive), first_ids);
    // Killed before the first document, after one, halfway, and after the
    // last document but before the index rows and the commit.
    for at in [0, 1, 100, 200] {
        let mut child = paused_add(&archive, &second, at);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert_eq!(
            stored_ids(&archive),
            first_ids,
            "killed after {at} documents"
        );
    }
    // A kill at a moment not chosen: before or after the batch, never half.
    for ms in [30, 120, 400] {
        let bin = assert_cmd::cargo::cargo_bin("athar");
        let mut child = std::process::Command::new(bin)
            .args(["index", "add", "-q"])
            .arg(&archive)
            .arg(&second)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        child.wait().unwrap();
        let ids = stored_ids(&archive);
        let mut both = [first_ids.clone(), second_ids.clone()].concat();
        both.sort();
        assert!(
            ids == first_ids || ids == both,
            "killed at {ms} ms: {} ids",
            ids.len()
        );
        if ids == both {
            break;
        }
    }
    // The archive still takes the batch and answers queries.
    athar()
        .args(["index", "add", "-q"])
        .arg(&archive)
        .arg(&second)
        .assert()
        .success();
    let mut both = [first_ids, second_ids].concat();
    both.sort();
    assert_eq!(stored_ids(&archive), both);
    let out = athar()
        .args(["index", "stats", "--json"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], both.len());
}

#[test]
fn queries_read_while_a_batch_is_written_and_a_second_writer_fails() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("news.athar");
    let (first, first_ids) = batch(dir.path(), "day1.jsonl", 80, 3, "d1-");
    let (second, _) = batch(dir.path(), "day2.jsonl", 80, 4, "d2-");
    athar()
        .args(["index", "add", "-q"])
        .arg(&archive)
        .arg(&first)
        .assert()
        .success();
    let mut writer = paused_add(&archive, &second, 40);
    // A query of the first day's documents under other ids finds them.
    let probe = dir.path().join("probe.jsonl");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&probe, text.replace("\"d1-", "\"probe-")).unwrap();
    let out = athar()
        .args([
            "index",
            "query",
            "--format",
            "json",
            "-q",
            "--no-narratives",
        ])
        .arg(&archive)
        .arg(&probe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    // Metadata read from the stored lines (`--date-field` was not given to
    // add: the field is "published") is shown beside the ids.
    let meta = report
        .documents
        .iter()
        .find(|e| e.id == "d1-syn0000000")
        .and_then(|e| e.meta.clone())
        .expect("metadata of a stored document");
    assert_eq!(meta.outlet.as_deref(), Some("outlet0"));
    assert_eq!(meta.date, None);
    for id in &first_ids[..10] {
        let copy = id.replacen("d1-", "probe-", 1);
        assert!(
            report
                .pairs
                .iter()
                .any(|p| p.jaccard == 1.0 && [&p.a, &p.b] == [&copy, id]),
            "{copy} not paired with {id}"
        );
    }
    // A second writer waits for the lock, then gives up with a message.
    let out = athar()
        .args(["index", "add", "-q"])
        .arg(&archive)
        .arg(&probe)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another process is writing"), "{err}");
    writer.kill().unwrap();
    writer.wait().unwrap();
    assert_eq!(stored_ids(&archive), first_ids);
}

#[test]
fn other_parameters_are_refused_by_flag() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("news.athar");
    let (first, _) = batch(dir.path(), "day1.jsonl", 20, 5, "d1-");
    athar()
        .args(["index", "add", "-q"])
        .arg(&archive)
        .arg(&first)
        .assert()
        .success();
    for (flag, value) in [
        ("--shingle-size", "4"),
        ("--num-perm", "64"),
        ("--normalize", "loose"),
    ] {
        for cmd in ["add", "query"] {
            let out = athar()
                .args(["index", cmd, "-q", flag, value])
                .arg(&archive)
                .arg(&first)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{cmd} {flag}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("it was built with") && err.contains(flag),
                "{cmd} {flag}: {err}"
            );
        }
    }
    // Nothing was added by the refused runs.
    assert_eq!(stored_ids(&archive).len(), 20);
}
