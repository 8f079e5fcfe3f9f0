//! A persistent archive of signed documents (`athar index`): add batches
//! day after day, then report new documents against everything stored.
//!
//! The archive is one SQLite file (through rusqlite; WAL journal). Per
//! document it keeps what comparing a new document with it needs:
//!
//! * its LSH band keys, from its MinHash signature (an index of bucket keys:
//!   near-duplicate candidates; the signature itself is not kept);
//! * its winnowed *anchor* shingles (an index: contained documents and
//!   shared passages, see [`sign::anchors`]);
//! * its id, metadata (source, date, title, url) and text (for passages,
//!   and for its compact shingle set, [`crate::verify::compact_set`],
//!   computed again by a query for the documents its keys find: storing
//!   it was a quarter of the bytes a day writes, schema version 4);
//! * and, once per archive, the parameters it was built with
//!   ([`ArchiveParams`]: shingle size, normalization, hash, MinHash
//!   algorithm, slots and seed, LSH bands and rows, anchor window) and a
//!   schema version with its upgrade path.
//!
//! A run with other signing parameters is refused with a message naming the
//! flag. [`Archive::add`] writes a batch in one transaction: a process
//! killed at any moment leaves the archive as it was before or after the
//! batch. Re-adding an id replaces the stored document. A second writer
//! waits for the first (up to 10 s), then fails with a clear message;
//! queries read while a batch is written.
//!
//! [`Archive::query`] signs the new documents, looks their band keys and
//! anchors up, checks the stored documents found on their compact sets, and
//! runs the pipeline in reference mode
//! ([`crate::pipeline::analyse_against`]) over the new documents and the
//! stored ones worth comparing, loaded from the archive: the report has the
//! same near-duplicate and contained pairs (ids, Jaccard, containments) as
//! one batch report over all the documents. Boilerplate, formula and
//! narratives are learned from the documents compared, not the whole
//! archive.

mod params;
mod runs;
mod sign;
mod store;

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::corpus::{Corpus, DocMeta, Document};
use crate::pipeline::{self, Config, MIN_SHARED_SHINGLES_REWORDED, Progress, Role};
use crate::report::Report;
use crate::sketch::minhash::MinHasher;
use crate::verify::Thresholds;

pub use params::{ARCHIVE_SCHEMA_VERSION, ArchiveParams, DEFAULT_WINDOW};
pub use sign::{Signed, Signer, anchors, worth_loading};

/// An open archive.
pub struct Archive {
    conn: Connection,
    path: PathBuf,
    params: ArchiveParams,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("path", &self.path)
            .field("params", &self.params)
            .finish()
    }
}

/// What [`Archive::add`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    /// The batch number (1 for the first).
    pub batch: u64,
    /// Documents new to the archive.
    pub added: usize,
    /// Documents whose id was stored already: replaced.
    pub updated: usize,
}

/// Totals of an archive ([`Archive::stats`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Documents stored.
    pub documents: u64,
    /// Batches added (including batches whose documents were replaced or
    /// removed since).
    pub batches: u64,
    /// Bytes of stored text.
    pub text_bytes: u64,
    /// Bytes of the database file (pages in use and free).
    pub file_bytes: u64,
    /// Version of the tables.
    pub schema_version: u32,
    /// The parameters it was built with.
    pub params: ArchiveParams,
}

/// The report of new documents against an archive ([`Archive::query`]).
#[derive(Debug)]
pub struct QueryResult {
    /// The report (reference mode: new documents are the suspects, stored
    /// ones the sources).
    pub report: Report,
    /// The documents compared: the new ones, then the stored ones loaded
    /// (for renderers that quote texts).
    pub corpus: Corpus,
    /// Stored documents loaded and compared.
    pub compared: usize,
}

impl Archive {
    /// Opens an existing archive (upgrading an older schema).
    pub fn open(path: &Path) -> crate::Result<Archive> {
        if !path.exists() {
            return Err(crate::Error::MissingPath {
                path: path.to_path_buf(),
            });
        }
        let fail = |message: String| archive_error(path, message);
        let mut conn = store::connect(path, false).map_err(fail)?;
        if !store::is_archive(&conn).map_err(fail)? {
            return Err(fail("not an athar archive (no athar tables)".into()));
        }
        let params = store::load_params(&mut conn).map_err(fail)?;
        Ok(Archive {
            conn,
            path: path.to_path_buf(),
            params,
        })
    }

    /// Opens the archive at `path` for documents signed with `config`, or
    /// creates it with `config`'s parameters when there is no file there.
    /// An existing archive built otherwise is refused ([`ArchiveParams::check`]).
    pub fn open_or_create(path: &Path, config: &Config) -> crate::Result<Archive> {
        let archive = if path.exists() {
            Archive::open(path)?
        } else {
            let params = ArchiveParams::from_config(config)?;
            let fail = |message: String| archive_error(path, message);
            let mut conn = store::connect(path, true).map_err(fail)?;
            store::create(&mut conn, &params).map_err(fail)?;
            Archive {
                conn,
                path: path.to_path_buf(),
                params,
            }
        };
        archive.check(config)?;
        Ok(archive)
    }

    /// The parameters the archive was built with.
    pub fn params(&self) -> &ArchiveParams {
        &self.params
    }

    /// `Ok` when `config` signs documents as the archive did.
    pub fn check(&self, config: &Config) -> crate::Result<()> {
        self.params
            .check(config)
            .map_err(|m| archive_error(&self.path, m))
    }

    fn fail(&self, message: String) -> crate::Error {
        archive_error(&self.path, message)
    }

    fn hasher(&self) -> crate::Result<MinHasher> {
        MinHasher::new(self.params.minhash_params()?)
    }

    /// Signs `docs` with the archive's parameters (`config` gives the
    /// normalization options, checked equal by [`Archive::check`]).
    fn sign(&self, docs: &[Document], config: &Config) -> crate::Result<Vec<Signed>> {
        let hasher = self.hasher()?;
        let signer = Signer {
            normalize: config.normalize,
            k: self.params.shingle_size,
            hasher: &hasher,
            lsh: self.params.lsh(),
            window: self.params.window,
        };
        Ok(signer.sign_all(docs))
    }

    /// Adds `docs` (signed with `config`, which must match the archive) as
    /// one batch, in one transaction; a stored document with the same id is
    /// replaced. `progress` sees "signing" then "writing", one unit per
    /// document.
    pub fn add(
        &mut self,
        docs: &[Document],
        config: &Config,
        progress: &dyn Progress,
    ) -> crate::Result<Added> {
        self.add_with_meta(docs, &BTreeMap::new(), config, progress)
    }

    /// [`Archive::add`], storing each document's metadata from `meta` (by
    /// id; [`Corpus::meta`]).
    pub fn add_with_meta(
        &mut self,
        docs: &[Document],
        meta: &BTreeMap<String, DocMeta>,
        config: &Config,
        progress: &dyn Progress,
    ) -> crate::Result<Added> {
        self.check(config)?;
        let mut timings = crate::timing::Timings::new();
        progress.start("signing", docs.len() as u64);
        let signed = self.sign(docs, config)?;
        progress.advance(docs.len() as u64);
        progress.finish();
        timings.stage("sign");
        let added = self
            .with_write_cache(|a| a.write_batch(docs, meta, &signed, progress, &mut timings))
            .map_err(|m| self.fail(m))?;
        self.checkpoint().map_err(|m| self.fail(m))?;
        timings.part("checkpoint");
        timings.stage("write");
        Ok(added)
    }

    /// Copies the committed pages from the WAL into the database file
    /// (`PRAGMA wal_checkpoint(PASSIVE)`: readers are not waited for; what
    /// they still need is copied by a later checkpoint). SQLite would do it
    /// when the last connection closes; doing it here counts its cost (most
    /// of it the kernel writing the pages out on `fsync`) in the add's
    /// `write` timing.
    fn checkpoint(&self) -> Result<(), String> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(store::sql_error)
    }

    /// `write` run with a small page cache (see `store::WRITE_CACHE_KIB`);
    /// the connection's own for what follows.
    fn with_write_cache<T>(
        &mut self,
        write: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        use store::sql_error as e;
        self.conn
            .pragma_update(None, "cache_size", -store::WRITE_CACHE_KIB)
            .map_err(e)?;
        let written = write(self);
        self.conn
            .pragma_update(None, "cache_size", -store::CACHE_KIB)
            .map_err(e)?;
        written
    }

    /// The transaction of [`Archive::add`]. Index rows are inserted sorted
    /// by key, which keeps the B-tree writes local.
    fn write_batch(
        &mut self,
        docs: &[Document],
        meta: &BTreeMap<String, DocMeta>,
        signed: &[Signed],
        progress: &dyn Progress,
        timings: &mut crate::timing::Timings,
    ) -> Result<Added, String> {
        use store::sql_error as e;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let batch: u64 = tx
            .query_row("SELECT coalesce(max(batch), 0) + 1 FROM batches", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(e)? as u64;
        tx.execute(
            "INSERT INTO batches(batch, documents) VALUES (?1, ?2)",
            params![batch as i64, docs.len() as i64],
        )
        .map_err(e)?;
        const NONE: &[u8] = &[];
        let (mut added, mut updated) = (0, 0);
        // Sized once: growing them by doubling costs more (page faults on
        // every new, larger buffer) than filling them.
        let mut band_rows: Vec<runs::Entry> =
            Vec::with_capacity(signed.iter().map(|s| s.band_keys.len()).sum());
        let mut anchor_rows: Vec<runs::Entry> =
            Vec::with_capacity(signed.iter().map(|s| s.anchors.len()).sum());
        // Numbers are never reused: stale index entries keep theirs.
        let mut next: i64 = tx
            .query_row(
                "SELECT max(coalesce((SELECT max(num) FROM docs), 0), \
                 coalesce((SELECT max(num) FROM removed), 0)) + 1",
                [],
                |r| r.get(0),
            )
            .map_err(e)?;
        progress.start("writing", docs.len() as u64);
        {
            let mut find = tx
                .prepare_cached("SELECT num FROM docs WHERE id = ?1")
                .map_err(e)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO docs(id, batch, source, empty, signature, band_keys, anchors, \
                     shingles, outlet, date, title, url, num) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, \
                     ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(e)?;
            let mut text = tx
                .prepare_cached("INSERT INTO texts(num, text) VALUES (?1, ?2)")
                .map_err(e)?;
            for (doc, s) in docs.iter().zip(signed) {
                let m = meta.get(&doc.id);
                let old: Option<i64> = find
                    .query_row([&doc.id], |r| r.get(0))
                    .optional()
                    .map_err(e)?;
                if let Some(num) = old {
                    store::delete_doc(&tx, num)?;
                    updated += 1;
                } else {
                    added += 1;
                }
                insert
                    .execute(params![
                        doc.id,
                        batch as i64,
                        doc.source,
                        s.empty,
                        // Signature, band keys, anchors: none since
                        // version 3 (the index holds the keys).
                        NONE,
                        NONE,
                        NONE,
                        // The compact set: none since version 4 (a query
                        // computes it from the text, for the few
                        // documents its keys find).
                        NONE,
                        m.and_then(|m| m.outlet.as_deref()),
                        m.and_then(|m| m.date.as_deref()),
                        m.and_then(|m| m.title.as_deref()),
                        m.and_then(|m| m.url.as_deref()),
                        next,
                    ])
                    .map_err(e)?;
                let num = next;
                next += 1;
                text.execute(params![num, doc.text]).map_err(e)?;
                let n = u32::try_from(num).map_err(|_| "more than 2^32 documents".to_string())?;
                band_rows.extend(s.band_keys.iter().map(|&k| (k as i64, n)));
                anchor_rows.extend(s.anchors.iter().map(|&a| (a as i64, n)));
                progress.advance(1);
            }
        }
        timings.part("documents");
        let (band_rows, anchor_rows) = (sorted_rows(&band_rows), sorted_rows(&anchor_rows));
        let b = batch as i64;
        runs::write_segment(
            &tx,
            b,
            b,
            runs::tier(docs.len() as u64),
            [
                (runs::Kind::Band, &band_rows),
                (runs::Kind::Anchor, &anchor_rows),
            ],
        )?;
        timings.part("index");
        runs::compact(&tx)?;
        timings.part("merge");
        progress.finish();
        tx.commit().map_err(e)?;
        timings.part("commit");
        Ok(Added {
            batch,
            added,
            updated,
        })
    }

    /// Removes the documents with these ids, in one transaction; returns
    /// the ids that were not stored.
    pub fn remove(&mut self, ids: &[String]) -> crate::Result<Vec<String>> {
        let path = self.path.clone();
        let run = |conn: &mut Connection| -> Result<Vec<String>, String> {
            use store::sql_error as e;
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(e)?;
            let mut missing = Vec::new();
            for id in ids {
                let num: Option<i64> = tx
                    .query_row("SELECT num FROM docs WHERE id = ?1", [id], |r| r.get(0))
                    .optional()
                    .map_err(e)?;
                match num {
                    Some(num) => store::delete_doc(&tx, num)?,
                    None => missing.push(id.clone()),
                }
            }
            tx.commit().map_err(e)?;
            Ok(missing)
        };
        run(&mut self.conn).map_err(|m| archive_error(&path, m))
    }

    /// Totals of the archive.
    pub fn stats(&self) -> crate::Result<Stats> {
        let count = |sql: &str| -> crate::Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(|x| self.fail(store::sql_error(x)))
        };
        Ok(Stats {
            documents: count("SELECT count(*) FROM docs")?,
            batches: count("SELECT count(*) FROM batches")?,
            text_bytes: count("SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM texts")?,
            file_bytes: count(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )?,
            schema_version: ARCHIVE_SCHEMA_VERSION,
            params: self.params.clone(),
        })
    }

    /// The number of documents stored (cheap, unlike [`Archive::stats`],
    /// which reads every text).
    pub fn count(&self) -> crate::Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|x| self.fail(store::sql_error(x)))
    }

    /// The ids stored, sorted.
    pub fn ids(&self) -> crate::Result<Vec<String>> {
        let run = || -> Result<Vec<String>, rusqlite::Error> {
            let mut st = self.conn.prepare("SELECT id FROM docs ORDER BY id")?;
            st.query_map([], |r| r.get(0))?.collect()
        };
        run().map_err(|x| self.fail(store::sql_error(x)))
    }

    /// Reports the documents of `corpus` against the stored ones (see the
    /// module docs). A stored document with the id of a new one is left
    /// out: the new one stands for it.
    pub fn query(
        &self,
        corpus: &Corpus,
        config: &Config,
        progress: &dyn Progress,
    ) -> crate::Result<QueryResult> {
        self.check(config)?;
        progress.start("signing", corpus.documents.len() as u64);
        let signed = self.sign(&corpus.documents, config)?;
        progress.finish();
        let thresholds = Thresholds {
            jaccard: config.threshold,
            containment: Some(config.containment),
        };
        let new_ids: BTreeSet<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        let nums = self
            .candidates(
                &signed,
                config.normalize,
                &new_ids,
                &thresholds,
                config.max_bucket,
            )
            .map_err(|m| self.fail(m))?;
        let (sources, meta) = self.load(&nums).map_err(|m| self.fail(m))?;
        let compared = sources.len();
        let mut all = corpus.clone();
        all.meta.extend(meta);
        let mut roles = vec![Role::Suspect; all.documents.len()];
        all.documents.extend(sources);
        roles.resize(all.documents.len(), Role::Source);
        let report = pipeline::analyse_against(&all, &roles, config, progress)?;
        Ok(QueryResult {
            report,
            corpus: all,
            compared,
        })
    }

    /// The stored documents worth comparing with any of `signed`, sorted by
    /// row number: found through a band key or an anchor (an anchor of more
    /// than `max_bucket` documents pairs nothing, as in the pipeline), then
    /// checked on their compact sets ([`worth_loading`]): stored by
    /// versions 1–3, computed from the stored text (normalized with
    /// `normalize`, the archive's) for documents written since version 4.
    fn candidates(
        &self,
        signed: &[Signed],
        normalize: crate::text::normalize::NormalizeOptions,
        skip_ids: &BTreeSet<&str>,
        thresholds: &Thresholds,
        max_bucket: usize,
    ) -> Result<Vec<i64>, String> {
        use store::sql_error as e;
        let mut index = runs::Lookup::new(&self.conn)?;
        let mut rows: Vec<i64> = Vec::new();
        let mut set_of = self
            .conn
            .prepare_cached("SELECT id, shingles FROM docs WHERE num = ?1")
            .map_err(e)?;
        let mut text_of = self
            .conn
            .prepare_cached("SELECT text FROM texts WHERE num = ?1")
            .map_err(e)?;
        let mut sets_from_texts = sign::SetMaker::new(normalize, self.params.shingle_size);
        // Stored sets read so far (`None`: skipped by id).
        let mut sets: BTreeMap<i64, Option<Vec<u32>>> = BTreeMap::new();
        let mut kept = BTreeSet::new();
        let mut found: Vec<i64> = Vec::new();
        for s in signed {
            found.clear();
            for &k in &s.band_keys {
                index.get(runs::Kind::Band, k as i64, &mut found)?;
            }
            for &a in &s.anchors {
                rows.clear();
                index.get(runs::Kind::Anchor, a as i64, &mut rows)?;
                if rows.len() <= max_bucket {
                    found.extend_from_slice(&rows);
                }
            }
            found.sort_unstable();
            found.dedup();
            for &num in &found {
                if kept.contains(&num) {
                    continue;
                }
                let set = match sets.entry(num) {
                    Entry::Occupied(o) => o.into_mut(),
                    Entry::Vacant(v) => {
                        let (id, blob): (String, Vec<u8>) = set_of
                            .query_row([num], |r| Ok((r.get(0)?, r.get(1)?)))
                            .map_err(e)?;
                        if skip_ids.contains(id.as_str()) {
                            v.insert(None)
                        } else if blob.is_empty() {
                            // Written since version 4 (or a document without
                            // a shingle): the set of its stored text.
                            let text: String = text_of.query_row([num], |r| r.get(0)).map_err(e)?;
                            v.insert(Some(sets_from_texts.set(&text)))
                        } else {
                            v.insert(Some(store::blob_u32(&blob)))
                        }
                    }
                };
                if let Some(set) = set {
                    if worth_loading(&s.set, set, thresholds, MIN_SHARED_SHINGLES_REWORDED) {
                        kept.insert(num);
                    }
                }
            }
        }
        Ok(kept.into_iter().collect())
    }

    /// The stored documents `nums` with their texts, in that order, and
    /// the metadata of those that have any.
    #[allow(clippy::type_complexity)]
    fn load(&self, nums: &[i64]) -> Result<(Vec<Document>, Vec<(String, DocMeta)>), String> {
        use store::sql_error as e;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT d.id, d.source, t.text, d.outlet, d.date, d.title, d.url FROM docs d \
                 JOIN texts t ON t.num = d.num WHERE d.num = ?1",
            )
            .map_err(e)?;
        let mut docs = Vec::with_capacity(nums.len());
        let mut metas = Vec::new();
        for &num in nums {
            let (doc, meta) = st
                .query_row([num], |r| {
                    let doc = Document {
                        id: r.get(0)?,
                        source: r.get(1)?,
                        text: r.get(2)?,
                    };
                    let meta = DocMeta {
                        outlet: r.get(3)?,
                        date: r.get(4)?,
                        title: r.get(5)?,
                        url: r.get(6)?,
                    };
                    Ok((doc, meta))
                })
                .map_err(e)?;
            if !meta.is_empty() {
                metas.push((doc.id.clone(), meta));
            }
            docs.push(doc);
        }
        Ok((docs, metas))
    }
}

/// `rows` sorted and distinct ([`runs::sort_entries`]).
fn sorted_rows(rows: &[runs::Entry]) -> Vec<runs::Entry> {
    let mut out = Vec::with_capacity(rows.len());
    runs::sort_entries(rows, &mut Vec::new(), &mut out);
    out.dedup();
    out
}

/// An error about the archive at `path`.
fn archive_error(path: &Path, message: String) -> crate::Error {
    crate::Error::Archive {
        path: path.to_path_buf(),
        message,
    }
}
