//! The SQLite tables of an archive (through rusqlite): creating, upgrading,
//! reading and writing them. Every write of [`super::Archive`] is one
//! transaction.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::params::{ARCHIVE_SCHEMA_VERSION, ArchiveParams};

/// Tables of the current schema (version 4; the tables of version 3). `num` is the row number of a
/// document (never reused: the stale index entries of a removed document
/// must not point at another); `id` its user-facing id. The lookup index
/// (band keys, anchors) is kept as sorted runs ([`super::runs`]).
/// `signature`, `band_keys` and `anchors` are empty in documents written
/// since version 3: nothing reads a signature, and the band keys and
/// anchors are in the index (version 1's index was rebuilt from them).
/// `shingles` (the compact set) is empty in documents written since
/// version 4: a query computes it from the text.
const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches(batch INTEGER PRIMARY KEY, documents INTEGER NOT NULL);
CREATE TABLE docs(
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    batch INTEGER NOT NULL,
    source TEXT NOT NULL,
    outlet TEXT,
    date TEXT,
    title TEXT,
    url TEXT,
    empty INTEGER NOT NULL,
    signature BLOB NOT NULL,
    band_keys BLOB NOT NULL,
    anchors BLOB NOT NULL,
    shingles BLOB NOT NULL
);
CREATE TABLE texts(num INTEGER PRIMARY KEY, text TEXT NOT NULL);
";

/// The lookup index of version 2: segments of sorted runs, and the
/// documents whose entries are stale.
pub(super) const RUNS: &str = "
CREATE TABLE segments(seg INTEGER PRIMARY KEY, first_batch INTEGER NOT NULL, last_batch INTEGER NOT NULL, level INTEGER NOT NULL);
CREATE TABLE runs(seg INTEGER NOT NULL, kind INTEGER NOT NULL, first_key INTEGER NOT NULL, entries BLOB NOT NULL, PRIMARY KEY(seg, kind, first_key));
CREATE TABLE removed(num INTEGER PRIMARY KEY);
";

/// The block format of each segment ([`super::runs::Format`]; version 3):
/// segments written by version 2 are of format 0.
pub(super) const FORMAT_COLUMN: &str =
    "ALTER TABLE segments ADD COLUMN format INTEGER NOT NULL DEFAULT 0;";

/// An upgrade of the tables by one version.
type Migration = fn(&rusqlite::Transaction<'_>) -> Result<(), String>;

/// How to bring an archive of version `i + 1` to version `i + 2`, in order.
/// A new version appends its step here and bumps [`ARCHIVE_SCHEMA_VERSION`].
const MIGRATIONS: &[Migration] = &[v1_to_v2, v2_to_v3, v3_to_v4];

/// Version 1 kept the index as B-trees of `(key, num)` rows (`bands`,
/// `anchors`); version 2 as sorted runs, rebuilt here from each document's
/// stored band keys and anchors as one segment that is never merged.
fn v1_to_v2(tx: &rusqlite::Transaction<'_>) -> Result<(), String> {
    use super::runs::{self, Entry, Kind};
    tx.execute_batch(RUNS).map_err(sql_error)?;
    // The segment is written in the current block format.
    tx.execute_batch(FORMAT_COLUMN).map_err(sql_error)?;
    let (mut bands, mut anchors): (Vec<Entry>, Vec<Entry>) = (Vec::new(), Vec::new());
    {
        let mut st = tx
            .prepare("SELECT num, band_keys, anchors FROM docs")
            .map_err(sql_error)?;
        let mut rows = st.query([]).map_err(sql_error)?;
        while let Some(r) = rows.next().map_err(sql_error)? {
            let num: i64 = r.get(0).map_err(sql_error)?;
            let keys: Vec<u8> = r.get(1).map_err(sql_error)?;
            let anc: Vec<u8> = r.get(2).map_err(sql_error)?;
            bands.extend(blob_u64(&keys).into_iter().map(|k| (k as i64, num as u32)));
            anchors.extend(blob_u32(&anc).into_iter().map(|a| (a as i64, num as u32)));
        }
    }
    bands.sort_unstable();
    bands.dedup();
    anchors.sort_unstable();
    anchors.dedup();
    let (first, last): (Option<i64>, Option<i64>) = tx
        .query_row("SELECT min(batch), max(batch) FROM batches", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sql_error)?;
    if let (Some(first), Some(last)) = (first, last) {
        runs::write_segment(
            tx,
            first,
            last,
            runs::BASE_LEVEL,
            [(Kind::Band, &bands), (Kind::Anchor, &anchors)],
        )?;
    }
    tx.execute_batch("DROP TABLE bands; DROP TABLE anchors;")
        .map_err(sql_error)
}

/// Version 3 encodes index blocks compactly ([`super::runs::Format`]): the
/// segments table records each segment's format. Old segments stay as they
/// are (read in their format, rewritten compact when merged), and stored
/// documents keep their signatures, band keys and anchors.
fn v2_to_v3(tx: &rusqlite::Transaction<'_>) -> Result<(), String> {
    let has_format: i64 = tx
        .query_row(
            "SELECT count(*) FROM pragma_table_info('segments') WHERE name = 'format'",
            [],
            |r| r.get(0),
        )
        .map_err(sql_error)?;
    if has_format == 0 {
        tx.execute_batch(FORMAT_COLUMN).map_err(sql_error)?;
    }
    Ok(())
}

/// Version 4 stores no compact set for new documents (an empty
/// `shingles`): a query computes it from the text. Nothing to change in
/// the tables; documents stored before keep their sets, and the version
/// number keeps an older athar, which would read the empty sets as empty,
/// from opening the archive.
fn v3_to_v4(_: &rusqlite::Transaction<'_>) -> Result<(), String> {
    Ok(())
}

/// A SQLite error on `path`, as a message.
pub(super) fn sql_error(e: rusqlite::Error) -> String {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        match f.code {
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                return "another process is writing to this archive (athar index add or \
                        remove); try again when it has finished"
                    .to_string();
            }
            rusqlite::ErrorCode::NotADatabase => {
                return "not an athar archive (not an SQLite database)".to_string();
            }
            _ => {}
        }
    }
    format!("database error: {e}")
}

/// Page size of a new archive. With SQLite's default of 4 KB a document's
/// row and its text each spill onto overflow pages; at 16 KB they fit, and
/// adding a day of 1,500 generated articles writes in 0.03 CPU-s instead
/// of 0.07. At 32 KB a plain day's write costs 0.032 CPU-s instead of
/// 0.036 at 16 KB (fewer pages: fewer WAL frames, page faults and B-tree
/// splits; 100,000 documents, schema version 3), and a one-article query
/// as much. Archives created with other pages keep them.
const PAGE_SIZE: i64 = 32_768;

/// Page cache of a connection, in KiB: reading (queries, merges' lookups
/// of the segments) keeps what it read.
pub(super) const CACHE_KIB: i64 = 65_536;

/// Page cache while a batch is written, in KiB (64 pages of 32 KB). A
/// batch's pages are nearly all new (documents and index blocks appended),
/// so a large cache only holds dirty pages until the commit writes them to
/// the WAL: every one a fresh buffer, page-faulted in (a quarter of a day's
/// write at 1,000,000 documents), and freed at the end. With a small cache
/// SQLite writes dirty pages to the WAL as the cache fills (a *spill*:
/// the same frames the commit would write, written earlier) and reuses
/// their buffers. Atomicity is unchanged: frames of an uncommitted
/// transaction are ignored by readers and by recovery (a writer killed
/// before the commit frame leaves the archive as it was), and in WAL mode
/// a spill takes no lock that readers wait for.
pub(super) const WRITE_CACHE_KIB: i64 = 2_048;

/// How long a writer waits for another writer's batch before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens (or, with `create`, creates) the database at `path`: WAL journal,
/// so readers work while a batch is written and a killed writer leaves the
/// last committed state.
pub(super) fn connect(path: &Path, create: bool) -> Result<Connection, String> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(sql_error)?;
    if create {
        // Before the first table: a new archive's pages hold a document's
        // row (≈4 KB with its compact set) or text whole.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(sql_error)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql_error)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql_error)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sql_error)?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(sql_error)?;
    Ok(conn)
}

/// Creates the tables of a new archive built with `params`.
pub(super) fn create(conn: &mut Connection, params: &ArchiveParams) -> Result<(), String> {
    let tx = conn.transaction().map_err(sql_error)?;
    tx.execute_batch(SCHEMA).map_err(sql_error)?;
    tx.execute_batch(RUNS).map_err(sql_error)?;
    tx.execute_batch(FORMAT_COLUMN).map_err(sql_error)?;
    let json = serde_json::to_string(params).expect("parameters serialize");
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ('schema_version', ?1), ('params', ?2)",
        params![ARCHIVE_SCHEMA_VERSION.to_string(), json],
    )
    .map_err(sql_error)?;
    tx.commit().map_err(sql_error)
}

/// Whether the database holds an archive's tables.
pub(super) fn is_archive(conn: &Connection) -> Result<bool, String> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(sql_error)
}

/// Reads the parameters, upgrading an older schema first; refuses a newer
/// one.
pub(super) fn load_params(conn: &mut Connection) -> Result<ArchiveParams, String> {
    let version: u32 = meta(conn, "schema_version")?
        .ok_or("not an athar archive (no schema version)")?
        .parse()
        .map_err(|_| "not an athar archive (bad schema version)".to_string())?;
    if version > ARCHIVE_SCHEMA_VERSION {
        return Err(format!(
            "archive schema version {version} is newer than this athar's \
             ({ARCHIVE_SCHEMA_VERSION}): use a newer athar"
        ));
    }
    if version < ARCHIVE_SCHEMA_VERSION {
        let tx = conn.transaction().map_err(sql_error)?;
        for step in &MIGRATIONS[version as usize - 1..] {
            step(&tx)?;
        }
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [ARCHIVE_SCHEMA_VERSION.to_string()],
        )
        .map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
    }
    let json = meta(conn, "params")?.ok_or("not an athar archive (no parameters)")?;
    serde_json::from_str(&json).map_err(|e| format!("unreadable archive parameters: {e}"))
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>, String> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(sql_error)
}

/// Little-endian bytes of `values` (compact sets, as versions 1–3 stored
/// them).
#[cfg(test)]
pub(super) fn u32_blob(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Little-endian bytes of `values`.
#[cfg(test)]
pub(super) fn u64_blob(values: &[u64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The values of a [`u32_blob`].
pub(super) fn blob_u32(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
        .collect()
}

/// The values of a [`u64_blob`].
pub(super) fn blob_u64(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

/// Deletes the stored document `num`; its index entries become stale
/// (listed in `removed`: skipped by lookups, dropped by merges).
pub(super) fn delete_doc(tx: &rusqlite::Transaction<'_>, num: i64) -> Result<(), String> {
    tx.execute("DELETE FROM texts WHERE num = ?1", [num])
        .map_err(sql_error)?;
    tx.execute("DELETE FROM docs WHERE num = ?1", [num])
        .map_err(sql_error)?;
    tx.execute("INSERT OR IGNORE INTO removed(num) VALUES (?1)", [num])
        .map_err(sql_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip() {
        let v = vec![0, 1, u32::MAX, 77];
        assert_eq!(blob_u32(&u32_blob(&v)), v);
        let w = vec![0, u64::MAX, 1 << 40];
        assert_eq!(blob_u64(&u64_blob(&w)), w);
    }
}
