//! The archive's lookup index (LSH band keys and anchors → documents) as
//! sorted runs, one *segment* per batch, merged as they accumulate (a
//! log-structured merge of sorted runs, stored in SQLite).
//!
//! A B-tree of `(key, document)` rows costs a page write for nearly every
//! row once the archive is large: the keys are hashes, so a batch's rows
//! land on pages all over the tree, and a batch rewrites most of it. Here a
//! batch's rows are sorted once and written as blocks of [`BLOCK`] entries
//! (one SQLite row each, keyed by the block's first key) under a new
//! segment: a batch writes only its own pages. When the last [`FANOUT`]
//! segments have the same level they are merged into one of the next level
//! (each entry is rewritten about log₄(batches) times, sequentially), so a
//! lookup visits at most `FANOUT − 1` segments per level. Documents removed
//! or replaced are listed in the `removed` table: their entries are skipped
//! by lookups and dropped by merges.

use rusqlite::{Transaction, params};

use super::store::sql_error as e;

/// Entries per block (12 bytes each: key, document number).
pub const BLOCK: usize = 256;

/// Segments of one level merged into one of the next.
pub const FANOUT: usize = 4;

/// Level of a segment that is never merged (an index rebuilt whole by an
/// upgrade).
pub const BASE_LEVEL: i64 = 1 << 20;

/// The two indexes kept as runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// LSH band keys.
    Band = 0,
    /// Winnowed anchor shingles.
    Anchor = 1,
}

/// `(key, document number)`, sorted by key then number (keys compare as
/// `i64`, as SQLite stores them).
pub type Entry = (i64, u32);

/// Little-endian bytes of `entries`.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 12);
    for &(k, n) in entries {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
    }
    out
}

/// The entries of an [`encode`]d block.
pub fn decode(bytes: &[u8]) -> Vec<Entry> {
    bytes
        .chunks_exact(12)
        .map(|c| {
            (
                i64::from_le_bytes(c[..8].try_into().expect("8 bytes")),
                u32::from_le_bytes(c[8..].try_into().expect("4 bytes")),
            )
        })
        .collect()
}

/// The document numbers stored under `key` in an [`encode`]d block.
pub fn lookup(bytes: &[u8], key: i64, out: &mut Vec<u32>) {
    let n = bytes.len() / 12;
    let key_at = |i: usize| i64::from_le_bytes(bytes[i * 12..i * 12 + 8].try_into().expect("8"));
    // First entry with a key ≥ `key`.
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if key_at(mid) < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut i = lo;
    while i < n && key_at(i) == key {
        out.push(u32::from_le_bytes(
            bytes[i * 12 + 8..i * 12 + 12].try_into().expect("4"),
        ));
        i += 1;
    }
}

/// A new segment holding the batches `first..=last` at `level`, with the
/// sorted `entries` of each kind; returns its number.
pub fn write_segment(
    tx: &Transaction<'_>,
    first: i64,
    last: i64,
    level: i64,
    runs: [(Kind, &[Entry]); 2],
) -> Result<i64, String> {
    let seg: i64 = tx
        .query_row("SELECT coalesce(max(seg), 0) + 1 FROM segments", [], |r| {
            r.get(0)
        })
        .map_err(e)?;
    tx.execute(
        "INSERT INTO segments(seg, first_batch, last_batch, level) VALUES (?1, ?2, ?3, ?4)",
        params![seg, first, last, level],
    )
    .map_err(e)?;
    let mut insert = tx
        .prepare_cached("INSERT INTO runs(seg, kind, first_key, entries) VALUES (?1, ?2, ?3, ?4)")
        .map_err(e)?;
    for (kind, entries) in runs {
        debug_assert!(entries.is_sorted());
        for block in blocks(entries) {
            insert
                .execute(params![seg, kind as i64, block[0].0, encode(block)])
                .map_err(e)?;
        }
    }
    Ok(seg)
}

/// `entries` cut into blocks of about [`BLOCK`], no two starting with the
/// same key (a block starting with a key holds all its entries left), so
/// a key's entries lie in the last block starting below it and the block
/// starting at it.
pub fn blocks(entries: &[Entry]) -> Vec<&[Entry]> {
    let mut out = Vec::with_capacity(entries.len() / BLOCK + 1);
    let mut start = 0;
    while start < entries.len() {
        let mut end = (start + BLOCK).min(entries.len());
        while end < entries.len() && entries[end].0 == entries[start].0 {
            end += 1;
        }
        out.push(&entries[start..end]);
        start = end;
    }
    out
}

/// The segments, oldest batches first: `(seg, level)`.
pub fn segments(conn: &rusqlite::Connection) -> Result<Vec<(i64, i64)>, String> {
    let mut st = conn
        .prepare_cached("SELECT seg, level FROM segments ORDER BY first_batch, seg")
        .map_err(e)?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(e)?;
    rows.collect::<Result<_, _>>().map_err(e)
}

/// The document numbers removed or replaced (whose entries are stale).
pub fn removed(conn: &rusqlite::Connection) -> Result<ahash::AHashSet<u32>, String> {
    let mut st = conn.prepare_cached("SELECT num FROM removed").map_err(e)?;
    let rows = st.query_map([], |r| r.get::<_, i64>(0)).map_err(e)?;
    rows.map(|r| r.map(|n| n as u32))
        .collect::<Result<_, _>>()
        .map_err(e)
}

/// Merges the newest segments while the last [`FANOUT`] share a level:
/// their entries (stale ones dropped) become one segment of the next level.
pub fn compact(tx: &Transaction<'_>) -> Result<(), String> {
    loop {
        let segs = segments(tx)?;
        if segs.len() < FANOUT {
            return Ok(());
        }
        let last = &segs[segs.len() - FANOUT..];
        let level = last[0].1;
        if level == BASE_LEVEL || last.iter().any(|s| s.1 != level) {
            return Ok(());
        }
        let stale = removed(tx)?;
        let nums: Vec<i64> = last.iter().map(|s| s.0).collect();
        let (first, last_batch): (i64, i64) = {
            let mut st = tx
                .prepare_cached("SELECT first_batch, last_batch FROM segments WHERE seg = ?1")
                .map_err(e)?;
            let f = st.query_row([nums[0]], |r| r.get(0)).map_err(e)?;
            let l = st
                .query_row([nums[FANOUT - 1]], |r| r.get::<_, i64>(1))
                .map_err(e)?;
            (f, l)
        };
        let mut merged: [Vec<Entry>; 2] = [Vec::new(), Vec::new()];
        {
            let mut st = tx
                .prepare_cached("SELECT kind, entries FROM runs WHERE seg = ?1")
                .map_err(e)?;
            for &seg in &nums {
                let rows = st
                    .query_map([seg], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                    })
                    .map_err(e)?;
                for row in rows {
                    let (kind, bytes) = row.map_err(e)?;
                    let out = &mut merged[kind as usize];
                    out.extend(decode(&bytes).into_iter().filter(|x| !stale.contains(&x.1)));
                }
            }
        }
        for m in &mut merged {
            m.sort_unstable();
        }
        for &seg in &nums {
            tx.execute("DELETE FROM runs WHERE seg = ?1", [seg])
                .map_err(e)?;
            tx.execute("DELETE FROM segments WHERE seg = ?1", [seg])
                .map_err(e)?;
        }
        write_segment(
            tx,
            first,
            last_batch,
            level + 1,
            [(Kind::Band, &merged[0]), (Kind::Anchor, &merged[1])],
        )?;
    }
}

/// Looks keys up in every segment.
pub struct Lookup<'c> {
    segs: Vec<i64>,
    stale: ahash::AHashSet<u32>,
    st: rusqlite::CachedStatement<'c>,
    buf: Vec<u32>,
}

impl<'c> Lookup<'c> {
    /// Ready to look keys up in the segments stored now.
    pub fn new(conn: &'c rusqlite::Connection) -> Result<Lookup<'c>, String> {
        let segs = segments(conn)?.into_iter().map(|s| s.0).collect();
        let stale = removed(conn)?;
        // The blocks that may hold `key`: the last one starting below it,
        // and those starting at it.
        let st = conn
            .prepare_cached(
                "SELECT entries FROM runs WHERE seg = ?1 AND kind = ?2 AND first_key <= ?3 AND \
                 first_key >= coalesce((SELECT max(first_key) FROM runs WHERE seg = ?1 AND \
                 kind = ?2 AND first_key < ?3), ?3) ORDER BY first_key",
            )
            .map_err(e)?;
        Ok(Lookup {
            segs,
            stale,
            st,
            buf: Vec::new(),
        })
    }

    /// Appends to `out` the live documents stored under `key`, sorted
    /// within each segment.
    pub fn get(&mut self, kind: Kind, key: i64, out: &mut Vec<i64>) -> Result<(), String> {
        for &seg in &self.segs {
            self.buf.clear();
            let mut rows = self.st.query(params![seg, kind as i64, key]).map_err(e)?;
            while let Some(row) = rows.next().map_err(e)? {
                let bytes = row
                    .get_ref(0)
                    .map_err(e)?
                    .as_blob()
                    .map_err(|x| x.to_string())?;
                lookup(bytes, key, &mut self.buf);
            }
            out.extend(
                self.buf
                    .iter()
                    .filter(|n| !self.stale.contains(n))
                    .map(|&n| n as i64),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_blocks_start_with_one_key() {
        let mut entries: Vec<Entry> = (0..3 * BLOCK as u32).map(|n| (7, n)).collect();
        entries.insert(0, (1, 0));
        entries.extend((0..BLOCK as u32 + 3).map(|n| (9 + i64::from(n), n)));
        let b = blocks(&entries);
        assert_eq!(b.concat(), entries);
        let firsts: Vec<i64> = b.iter().map(|x| x[0].0).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        // Key 7 lies in the block starting below it and the one at it.
        assert_eq!(firsts[..2], [1, 7]);
        assert!(blocks(&[]).is_empty());
    }

    #[test]
    fn blocks_round_trip_and_find_every_entry_of_a_key() {
        let entries: Vec<Entry> = vec![(-5, 1), (3, 2), (3, 7), (3, 9), (i64::MAX, 4)];
        let b = encode(&entries);
        assert_eq!(decode(&b), entries);
        let mut out = Vec::new();
        lookup(&b, 3, &mut out);
        assert_eq!(out, [2, 7, 9]);
        out.clear();
        lookup(&b, 4, &mut out);
        lookup(&b, -6, &mut out);
        assert!(out.is_empty());
        lookup(&b, i64::MAX, &mut out);
        lookup(&b, -5, &mut out);
        assert_eq!(out, [4, 1]);
    }
}
