//! The archive (`athar::archive`): built batch by batch, queried with the
//! last batch, it gives the near-duplicate and contained pairs one batch
//! report over all the documents gives; other parameters are refused;
//! re-adding replaces; removing removes.

use athar::archive::Archive;
use athar::corpus::{Corpus, Document};
use athar::pipeline::{self, Config, NoProgress};
use athar::report::{Pair, Relation, Report};
use athar::sketch::minhash::MinHasher;
use athar_synth::{SynthParams, generate};

/// Generated documents, plus documents that hold a part of another (a
/// contained pair at any Jaccard): the first half of every 25th document.
fn documents(n: usize, seed: u64) -> Vec<Document> {
    let synth = generate(&SynthParams {
        docs: n,
        seed,
        ..SynthParams::default()
    })
    .expect("synthetic corpus");
    let mut docs: Vec<Document> = synth
        .docs
        .iter()
        .map(|d| Document {
            id: d.id.clone(),
            source: d.id.clone(),
            text: d.text.clone(),
        })
        .collect();
    // Excerpts, spread over the batches (inserted at other positions).
    let excerpts: Vec<Document> = docs
        .iter()
        .step_by(25)
        .map(|d| {
            let cut = d
                .text
                .char_indices()
                .nth(d.text.chars().count() / 2)
                .map_or(0, |c| c.0);
            Document {
                id: format!("{}-excerpt", d.id),
                source: "excerpt".into(),
                text: d.text[..cut].to_string(),
            }
        })
        .collect();
    for (i, e) in excerpts.into_iter().enumerate() {
        // Excerpts of early documents go late, and the other way round.
        let at = (docs.len() * (7 + 13 * i) / 11) % docs.len();
        docs.insert(at, e);
    }
    docs
}

/// The near-duplicate and contained pairs of `report` between a document
/// of `new` and one outside it, as `(old, new, jaccard, containment of old,
/// containment of new)`, sorted.
fn cross_pairs(report: &Report, new: &[Document]) -> Vec<(String, String, f64, f64, f64)> {
    let is_new = |id: &str| new.iter().any(|d| d.id == id);
    let mut out: Vec<_> = report
        .pairs
        .iter()
        .filter(|p| matches!(p.relation, Relation::NearDuplicate | Relation::Contained))
        .filter(|p| is_new(&p.a) != is_new(&p.b))
        .map(|p: &Pair| {
            if is_new(&p.b) {
                (
                    p.a.clone(),
                    p.b.clone(),
                    p.jaccard,
                    p.containment_a,
                    p.containment_b,
                )
            } else {
                (
                    p.b.clone(),
                    p.a.clone(),
                    p.jaccard,
                    p.containment_b,
                    p.containment_a,
                )
            }
        })
        .collect();
    out.sort_by(|x, y| x.partial_cmp(y).expect("no NaN"));
    out
}

fn corpus(docs: &[Document]) -> Corpus {
    Corpus {
        documents: docs.to_vec(),
        ..Corpus::default()
    }
}

#[test]
fn batch_by_batch_equals_one_batch_report() {
    let docs = documents(800, 11);
    let config = Config {
        narratives: false,
        ..Config::default()
    };
    let batches: Vec<&[Document]> = docs.chunks(docs.len().div_ceil(4)).collect();
    let last = batches[batches.len() - 1];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.athar");
    let mut archive = Archive::open_or_create(&path, &config).unwrap();
    // Nine small batches: eight of their segments are merged on the way.
    for b in &batches[..batches.len() - 1] {
        for part in b.chunks(b.len().div_ceil(3)) {
            archive.add(part, &config, &NoProgress).unwrap();
        }
    }
    assert_eq!(
        archive.stats().unwrap().documents as usize,
        docs.len() - last.len()
    );
    let queried = archive.query(&corpus(last), &config, &NoProgress).unwrap();
    let whole = pipeline::analyse(&corpus(&docs), &config, &NoProgress).unwrap();
    let expected = cross_pairs(&whole, last);
    let got = cross_pairs(&queried.report, last);
    assert!(
        expected.len() >= 10,
        "too few pairs to compare: {expected:?}"
    );
    assert!(
        expected.iter().any(|p| p.2 < config.threshold),
        "no contained pair below the Jaccard threshold: {expected:?}"
    );
    assert_eq!(got, expected);
    // Only a part of the archive was loaded to compare.
    assert!(
        queried.compared < docs.len() - last.len(),
        "{}",
        queried.compared
    );

    // Adding the last batch too and querying it again: a stored copy of a
    // queried id is left out, so the same pairs come back.
    archive.add(last, &config, &NoProgress).unwrap();
    let again = archive.query(&corpus(last), &config, &NoProgress).unwrap();
    assert_eq!(cross_pairs(&again.report, last), expected);
}

#[test]
fn other_parameters_are_refused() {
    let docs = documents(40, 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.athar");
    let mut archive = Archive::open_or_create(&path, &Config::default()).unwrap();
    archive.add(&docs, &Config::default(), &NoProgress).unwrap();
    drop(archive);
    let other = Config {
        shingle_size: 4,
        ..Config::default()
    };
    let err = Archive::open_or_create(&path, &other)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("shingle size 5") && err.contains("--shingle-size"),
        "{err}"
    );
    let archive = Archive::open(&path).unwrap();
    let seeded = Config {
        seed: 2,
        ..Config::default()
    };
    let err = archive
        .query(&corpus(&docs[..2]), &seeded, &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--seed"), "{err}");
    // A file that is not an archive.
    let junk = dir.path().join("junk.athar");
    std::fs::write(&junk, b"not a database at all, just some bytes........").unwrap();
    let err = Archive::open(&junk).unwrap_err().to_string();
    assert!(err.contains("not an athar archive"), "{err}");
}

#[test]
fn re_adding_replaces_and_remove_removes() {
    let docs = documents(30, 5);
    let config = Config::default();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.athar");
    let mut archive = Archive::open_or_create(&path, &config).unwrap();
    let first = archive.add(&docs[..20], &config, &NoProgress).unwrap();
    assert_eq!((first.batch, first.added, first.updated), (1, 20, 0));
    // Ten stored again (one with a new text), the rest new.
    let mut again = docs[10..].to_vec();
    again[0].text = docs[25].text.clone();
    let second = archive.add(&again, &config, &NoProgress).unwrap();
    assert_eq!(
        (second.batch, second.added, second.updated),
        (2, docs.len() - 20, 10)
    );
    assert_eq!(archive.stats().unwrap().documents, docs.len() as u64);
    // The replaced document now matches docs[25]'s text, not its old one.
    let q = archive
        .query(&corpus(&docs[25..26]), &config, &NoProgress)
        .unwrap();
    assert!(
        q.report
            .pairs
            .iter()
            .any(|p| p.jaccard == 1.0 && (p.a == docs[10].id || p.b == docs[10].id)),
        "{:?}",
        q.report.pairs
    );
    let missing = archive
        .remove(&[docs[0].id.clone(), "no-such-id".to_string()])
        .unwrap();
    assert_eq!(missing, ["no-such-id"]);
    let ids = archive.ids().unwrap();
    assert_eq!(ids.len(), docs.len() - 1);
    assert!(!ids.contains(&docs[0].id));
    // A removed document is found no more: a copy of it under another id
    // pairs with everything stored but it.
    let probe = Document {
        id: "probe".into(),
        ..docs[0].clone()
    };
    let q = archive
        .query(&corpus(&[probe]), &config, &NoProgress)
        .unwrap();
    assert!(
        q.report
            .pairs
            .iter()
            .all(|p| p.a != docs[0].id && p.b != docs[0].id),
        "{:?}",
        q.report.pairs
    );
    // A document still stored is found.
    let probe = Document {
        id: "probe".into(),
        ..docs[1].clone()
    };
    let q = archive
        .query(&corpus(&[probe]), &config, &NoProgress)
        .unwrap();
    assert!(
        q.report
            .pairs
            .iter()
            .any(|p| p.b == docs[1].id && p.jaccard == 1.0)
    );
}

#[test]
fn metadata_is_stored_and_shown_beside_ids() {
    let docs = documents(12, 8);
    let config = Config {
        narratives: false,
        ..Config::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.athar");
    let mut archive = Archive::open_or_create(&path, &config).unwrap();
    let meta = |i: usize| athar::corpus::DocMeta {
        outlet: Some(format!("outlet{}", i % 3)),
        date: Some(format!("2015-07-{:02} 08:00:00", 10 + i)),
        title: (i % 2 == 0).then(|| format!("title {i}")),
        url: None,
    };
    let stored: std::collections::BTreeMap<String, athar::corpus::DocMeta> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), meta(i)))
        .collect();
    archive
        .add_with_meta(&docs, &stored, &config, &NoProgress)
        .unwrap();
    // Copies of every document under new ids, with metadata of their own.
    let mut probe = corpus(
        &docs
            .iter()
            .map(|d| Document {
                id: format!("new-{}", d.id),
                ..d.clone()
            })
            .collect::<Vec<_>>(),
    );
    probe.meta.insert(
        format!("new-{}", docs[0].id),
        athar::corpus::DocMeta {
            outlet: Some("wire".into()),
            date: Some("2015-07-10T10:30:00Z".into()),
            ..Default::default()
        },
    );
    let q = archive.query(&probe, &config, &NoProgress).unwrap();
    let entry = |id: &str| q.report.documents.iter().find(|e| e.id == id).unwrap();
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(entry(&d.id).meta.as_ref(), Some(&meta(i)), "{}", d.id);
    }
    let first = entry(&format!("new-{}", docs[0].id));
    assert_eq!(first.meta.as_ref().unwrap().outlet.as_deref(), Some("wire"));
    assert!(entry(&format!("new-{}", docs[1].id)).meta.is_none());
    // Direction: the stored docs[0] (2015-07-10 08:00) came 2 h 30 min
    // before its copy; copies without a date and equal containments get none.
    let pair_of = |id: &str| {
        q.report
            .pairs
            .iter()
            .find(|p| p.a == id || p.b == id)
            .unwrap_or_else(|| panic!("no pair of {id}"))
    };
    let d = pair_of(&format!("new-{}", docs[0].id))
        .direction
        .clone()
        .expect("a direction from the dates");
    assert_eq!(d.first, docs[0].id);
    assert_eq!((d.delay_seconds, d.basis.as_str()), (Some(9000), "date"));
    assert_eq!(pair_of(&format!("new-{}", docs[1].id)).direction, None);
}

/// An archive of schema version 1 (the index as B-trees of rows) is
/// upgraded on opening: its index is rebuilt from the stored documents, and
/// queries find what they found before.
#[test]
fn a_version_1_archive_is_upgraded() {
    let docs = documents(300, 5);
    let config = Config {
        narratives: false,
        ..Config::default()
    };
    let (old, new) = docs.split_at(240);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.athar");
    let mut archive = Archive::open_or_create(&path, &config).unwrap();
    archive.add(&old[..120], &config, &NoProgress).unwrap();
    archive.add(&old[120..], &config, &NoProgress).unwrap();
    let before = archive.query(&corpus(new), &config, &NoProgress).unwrap();
    let expected = cross_pairs(&before.report, new);
    assert!(expected.len() >= 3, "{expected:?}");
    let params = archive.params().clone();
    drop(archive);
    // Back to version 1: its tables, its version number, and each
    // document's band keys, anchors and compact set, which version 1 kept
    // (version 3 no longer writes the keys, version 4 the set: stored sets
    // are still read).
    let conn = rusqlite::Connection::open(&path).unwrap();
    let hasher = MinHasher::new(params.minhash_params().unwrap()).unwrap();
    let signer = athar::archive::Signer {
        normalize: config.normalize,
        k: params.shingle_size,
        hasher: &hasher,
        lsh: params.lsh(),
        window: params.window,
    };
    for (doc, s) in old.iter().zip(signer.sign_all(old)) {
        let keys: Vec<u8> = s.band_keys.iter().flat_map(|k| k.to_le_bytes()).collect();
        let anchors: Vec<u8> = s.anchors.iter().flat_map(|a| a.to_le_bytes()).collect();
        let set: Vec<u8> = s.set.iter().flat_map(|h| h.to_le_bytes()).collect();
        conn.execute(
            "UPDATE docs SET band_keys = ?1, anchors = ?2, shingles = ?3 WHERE id = ?4",
            rusqlite::params![keys, anchors, set, doc.id],
        )
        .unwrap();
    }
    conn.execute_batch(
        "DROP TABLE segments; DROP TABLE runs; DROP TABLE removed;
         CREATE TABLE bands(key INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY(key, num)) WITHOUT ROWID;
         CREATE TABLE anchors(anchor INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY(anchor, num)) WITHOUT ROWID;
         UPDATE meta SET value = '1' WHERE key = 'schema_version';",
    )
    .unwrap();
    drop(conn);
    let mut archive = Archive::open(&path).unwrap();
    let version: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, athar::archive::ARCHIVE_SCHEMA_VERSION.to_string());
    let after = archive.query(&corpus(new), &config, &NoProgress).unwrap();
    assert_eq!(cross_pairs(&after.report, new), expected);
    assert_eq!(after.compared, before.compared);
    // And it takes new batches.
    archive.add(new, &config, &NoProgress).unwrap();
    assert_eq!(archive.count().unwrap(), docs.len() as u64);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.athar");
    Archive::open_or_create(&path, &Config::default()).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Archive::open(&path).unwrap_err().to_string();
    assert!(err.contains("schema version 99 is newer"), "{err}");
}

/// `docs` generated news articles (seed 11) and the corpus of them with
/// their outlet and publication time as metadata.
fn news_with_outlets(docs: usize) -> (athar_synth::SynthCorpus, Corpus) {
    let synth = generate(&SynthParams {
        docs,
        seed: 11,
        ..SynthParams::default()
    })
    .expect("synthetic corpus");
    let mut corpus = Corpus::default();
    for d in &synth.docs {
        corpus.documents.push(Document {
            id: d.id.clone(),
            source: d.id.clone(),
            text: d.text.clone(),
        });
        corpus.meta.insert(
            d.id.clone(),
            athar::corpus::DocMeta {
                outlet: Some(d.source.clone()),
                date: Some(d.date.clone()),
                ..Default::default()
            },
        );
    }
    (synth, corpus)
}

/// Time and direction in a batch report (issue 13): generated documents
/// carry their outlet and publication time, copies published after their
/// original. Among the reported pairs the truth orders (an original and a
/// document made from it) whose dates differ, the report names the original
/// first for at least 95%; each cluster's propagation starts at its
/// earliest member; and the wire, which publishes no copy, is hardly ever
/// on the receiving side of an outlet flow.
#[test]
fn direction_follows_publication_times_on_generated_news() {
    let (synth, corpus) = news_with_outlets(600);
    let config = Config {
        narratives: false,
        ..Config::default()
    };
    let report = pipeline::analyse(&corpus, &config, &NoProgress).expect("report");
    let pairs: std::collections::HashMap<(&str, &str), &Pair> = report
        .pairs
        .iter()
        .map(|p| ((p.a.as_str(), p.b.as_str()), p))
        .collect();
    let (mut checked, mut right) = (0, 0);
    for t in synth.truth.iter().filter(|t| t.directed) {
        let (a, b) = (&synth.docs[t.a], &synth.docs[t.b]);
        let key = if t.a < t.b {
            (a.id.as_str(), b.id.as_str())
        } else {
            (b.id.as_str(), a.id.as_str())
        };
        let Some(p) = pairs.get(&key) else { continue };
        if a.date == b.date {
            continue;
        }
        checked += 1;
        let d = p.direction.as_ref().expect("dated pairs have a direction");
        assert_eq!(d.basis, "date");
        if d.first == a.id {
            right += 1;
        }
    }
    assert!(checked >= 30, "only {checked} directed pairs reported");
    assert!(
        right * 100 >= checked * 95,
        "direction right for {right} of {checked} pairs"
    );
    let date_of = |id: &str| {
        let i: usize = id[3..].parse().unwrap();
        athar::direction::parse_date(&synth.docs[i].date).unwrap()
    };
    let mut propagated = 0;
    for c in &report.clusters {
        let Some(first) = c.propagation.first() else {
            continue;
        };
        propagated += 1;
        assert_eq!(c.propagation.len(), c.members.len());
        let earliest = c.members.iter().map(|m| date_of(m)).min().unwrap();
        assert_eq!(date_of(&first.doc), earliest);
        assert!(c.propagation.is_sorted_by_key(|s| s.after_seconds));
    }
    assert!(propagated >= 10, "{propagated} clusters with a propagation");
    let flows = |f: &dyn Fn(&athar::report::OutletFlow) -> bool| -> usize {
        report
            .outlet_flows
            .iter()
            .filter(|x| f(x))
            .map(|x| x.pairs)
            .sum()
    };
    let (all, to_wire) = (flows(&|_| true), flows(&|f| f.to == "wire"));
    assert!(
        all > 0 && to_wire * 20 <= all,
        "{to_wire} of {all} pairs to the wire"
    );
}

/// Narratives read by outlet (issue 13): on generated news whose documents
/// carry their outlet and date, every narrative lists the outlets of its
/// members with their documents, the first dated one first, and a
/// narrative over three outlets names the three in text, JSON and HTML.
/// Without metadata the report has no outlets at all.
#[test]
fn narratives_name_the_outlets_that_tell_them() {
    use athar::report::{Format, RenderOptions, render};
    use std::collections::{BTreeMap, BTreeSet};
    let (synth, mut corpus) = news_with_outlets(300);
    let config = Config::default();
    let report = pipeline::analyse(&corpus, &config, &NoProgress).expect("report");
    assert!(!report.narratives.is_empty(), "no narratives to check");
    let outlet_of = |id: &str| synth.docs.iter().find(|d| d.id == id).unwrap();
    for n in &report.narratives {
        let mut want: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for m in &n.members {
            want.entry(outlet_of(&m.doc).source.as_str())
                .or_default()
                .insert(m.doc.as_str());
        }
        let got: BTreeMap<&str, usize> = n
            .outlets
            .iter()
            .map(|o| (o.outlet.as_str(), o.docs))
            .collect();
        let want: BTreeMap<&str, usize> = want.iter().map(|(k, v)| (*k, v.len())).collect();
        assert_eq!(got, want, "narrative #{}", n.id);
        assert_eq!(n.outlets[0].after_seconds, Some(0));
        assert!(n.outlets.is_sorted_by_key(|o| o.after_seconds));
    }
    let three = report
        .narratives
        .iter()
        .find(|n| n.outlets.len() >= 3)
        .expect("a narrative over three outlets");
    let texts: BTreeMap<String, String> = corpus
        .documents
        .iter()
        .map(|d| (d.id.clone(), d.text.clone()))
        .collect();
    let opts = RenderOptions {
        top: 0,
        ..RenderOptions::default()
    };
    let out = |r: &Report, format| {
        let mut buf = Vec::new();
        render(r, &texts, format, &opts, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&out(&report, Format::Json)).unwrap();
    let listed = &json["narratives"][three.id - 1]["outlets"];
    assert_eq!(listed.as_array().map(Vec::len), Some(three.outlets.len()));
    let (text, html) = (out(&report, Format::Text), out(&report, Format::Html));
    let told = |o: &athar::report::NarrativeOutlet| format!("{} ({} document", o.outlet, o.docs);
    for o in &three.outlets[..3] {
        assert!(text.contains(&told(o)), "text names {}", o.outlet);
        let in_html = format!("<bdi>{}</bdi> ({} document", o.outlet, o.docs);
        assert!(html.contains(&in_html), "HTML names {}", o.outlet);
    }
    // Without metadata: no outlets anywhere.
    corpus.meta.clear();
    let plain = pipeline::analyse(&corpus, &config, &NoProgress).expect("report");
    assert!(plain.narratives.iter().all(|n| n.outlets.is_empty()));
    assert!(!out(&plain, Format::Json).contains("\"outlets\""));
    assert!(!out(&plain, Format::Text).contains("told by"));
}
