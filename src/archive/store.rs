//! The SQLite tables of an archive (through rusqlite): creating, upgrading,
//! reading and writing them. Every write of [`super::Archive`] is one
//! transaction.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::params::{ARCHIVE_SCHEMA_VERSION, ArchiveParams};

/// Tables of schema version 1. `num` is the row number of a document
/// (stable while it is stored); `id` its user-facing id.
const SCHEMA_V1: &str = "
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
CREATE TABLE bands(key INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY(key, num)) WITHOUT ROWID;
CREATE TABLE anchors(anchor INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY(anchor, num)) WITHOUT ROWID;
";

/// How to bring an archive of version `i + 1` to version `i + 2`, in order.
/// Version 1 is the first: nothing to upgrade yet. A new version appends its
/// SQL here and bumps [`ARCHIVE_SCHEMA_VERSION`].
const MIGRATIONS: &[&str] = &[];

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
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql_error)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql_error)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sql_error)?;
    conn.pragma_update(None, "cache_size", -65536)
        .map_err(sql_error)?;
    Ok(conn)
}

/// Creates the tables of a new archive built with `params`.
pub(super) fn create(conn: &mut Connection, params: &ArchiveParams) -> Result<(), String> {
    let tx = conn.transaction().map_err(sql_error)?;
    tx.execute_batch(SCHEMA_V1).map_err(sql_error)?;
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
        for sql in &MIGRATIONS[version as usize - 1..] {
            tx.execute_batch(sql).map_err(sql_error)?;
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

/// Little-endian bytes of `values`.
pub(super) fn u32_blob(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Little-endian bytes of `values`.
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

/// Deletes the stored document `num` and its index rows.
pub(super) fn delete_doc(tx: &rusqlite::Transaction<'_>, num: i64) -> Result<(), String> {
    let (keys, anchors): (Vec<u8>, Vec<u8>) = tx
        .query_row(
            "SELECT band_keys, anchors FROM docs WHERE num = ?1",
            [num],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(sql_error)?;
    let mut band = tx
        .prepare_cached("DELETE FROM bands WHERE key = ?1 AND num = ?2")
        .map_err(sql_error)?;
    for k in blob_u64(&keys) {
        band.execute(params![k as i64, num]).map_err(sql_error)?;
    }
    let mut anchor = tx
        .prepare_cached("DELETE FROM anchors WHERE anchor = ?1 AND num = ?2")
        .map_err(sql_error)?;
    for a in blob_u32(&anchors) {
        anchor.execute(params![a as i64, num]).map_err(sql_error)?;
    }
    tx.execute("DELETE FROM texts WHERE num = ?1", [num])
        .map_err(sql_error)?;
    tx.execute("DELETE FROM docs WHERE num = ?1", [num])
        .map_err(sql_error)?;
    Ok(())
}

/// Rows written by one statement of [`insert_pairs`]: statements, not
/// B-tree work, dominate the writing of many small rows.
const ROWS_PER_STATEMENT: usize = 256;

/// Inserts the `(key, num)` rows (sorted by the caller, for local B-tree
/// writes) with `insert`, an `INSERT ... VALUES` without its value list,
/// [`ROWS_PER_STATEMENT`] rows per statement.
pub(super) fn insert_pairs(
    tx: &rusqlite::Transaction<'_>,
    insert: &str,
    rows: &[(i64, i64)],
) -> Result<(), String> {
    let sql = |n: usize| format!("{insert} {}", vec!["(?, ?)"; n].join(", "));
    let full = sql(ROWS_PER_STATEMENT);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values = rusqlite::params_from_iter(chunk.iter().flat_map(|&(k, n)| [k, n]));
        if chunk.len() == ROWS_PER_STATEMENT {
            tx.prepare_cached(&full)
                .and_then(|mut st| st.execute(values))
                .map_err(sql_error)?;
        } else {
            tx.execute(&sql(chunk.len()), values).map_err(sql_error)?;
        }
    }
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
