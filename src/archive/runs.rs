//! The archive's lookup index (LSH band keys and anchors → documents) as
//! sorted runs, one *segment* per batch, merged as they accumulate (a
//! log-structured merge of sorted runs, stored in SQLite).
//!
//! A B-tree of `(key, document)` rows costs a page write for nearly every
//! row once the archive is large: the keys are hashes, so a batch's rows
//! land on pages all over the tree, and a batch rewrites most of it. Here a
//! batch's rows are sorted once and written as blocks of [`BLOCK`] entries
//! (one SQLite row each, keyed by the block's first key, its entries as
//! varints: [`Format::Compact`]) under a new
//! segment: a batch writes only its own pages. When the last [`FANOUT`]
//! segments are of one size [`tier`] they are merged into one, streaming
//! (each entry is rewritten about log₈(documents / 1,000) times,
//! sequentially; a day is never rewritten with a bulk import), so a lookup
//! visits at most `FANOUT − 1` segments per tier. Documents removed
//! or replaced are listed in the `removed` table: their entries are skipped
//! by lookups and dropped by merges.

use rusqlite::{Transaction, params};

use super::store::sql_error as e;

/// A value of an unexpected type, as a message.
fn e_from(x: rusqlite::types::FromSqlError) -> String {
    format!("database error: {x}")
}

/// Entries per block.
pub const BLOCK: usize = 256;

/// Segments of one tier merged into one. 8 rather than 4: 30 days added to
/// a 1,000,000-document archive write 2.65 CPU-s instead of 3.18 (signing
/// them: 1.20; 4 KB pages), with queries alike (`benches/results/2026-12-07-archive-days`).
pub const FANOUT: usize = 8;

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

/// How the blocks of a segment are encoded (the `format` of its row in
/// `segments`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// 12 bytes an entry: the key, then the document number, little-endian
    /// (schema version 2).
    Fixed = 0,
    /// The block's least document number, then per entry the key's
    /// difference from the previous key (the first from 0) and the
    /// document number's difference from the least, as LEB128 varints
    /// (schema version 3): about 5 bytes an anchor entry and 9 a band key
    /// entry in a day's segment, against 12.
    Compact = 1,
}

impl Format {
    /// The format stored as `v`.
    pub fn from_stored(v: i64) -> Result<Format, String> {
        match v {
            0 => Ok(Format::Fixed),
            1 => Ok(Format::Compact),
            _ => Err(format!("unknown index block format {v}")),
        }
    }
}

/// Appends `v` as a LEB128 varint (7 bits a byte, low first).
fn put_varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The varint at `*at`, moving `*at` past it; `None` when the bytes end
/// first or it is too long.
#[inline(always)]
fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// The error of a block that does not decode.
fn corrupt() -> String {
    "corrupt index block".to_string()
}

/// `src` sorted into `out` (replacing its contents): a counting sort on the
/// top bits of the keys' offsets from the least key
/// ([`crate::sketch::bucket::sort_into`]), linear since keys are hashes
/// spread evenly over their range (the anchors' 32 bits, the band keys'
/// 64, or the range of one round of a merge). `starts` is scratch.
pub fn sort_entries(src: &[Entry], starts: &mut Vec<u32>, out: &mut Vec<Entry>) {
    // Flipping the sign bit maps i64 order onto u64 order.
    let m = |e: Entry| (e.0 as u64) ^ (1 << 63);
    let (lo, hi) = src
        .iter()
        .fold((u64::MAX, 0), |(lo, hi), &e| (lo.min(m(e)), hi.max(m(e))));
    let shift = hi.wrapping_sub(lo).leading_zeros();
    let bits = src.len().next_power_of_two().trailing_zeros().clamp(1, 20);
    starts.resize((1 << bits) + 1, 0);
    let key = |e: Entry| (m(e) - lo).checked_shl(shift).unwrap_or(0);
    crate::sketch::bucket::sort_into(src, key, |e| e, starts, out);
}

/// The [`Format::Compact`] bytes of the sorted `entries`.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    // At most 10 + 5 bytes an entry: never grown while writing.
    let mut out = Vec::with_capacity(entries.len() * 15 + 5);
    let least = entries.iter().map(|e| e.1).min().unwrap_or(0);
    put_varint(u64::from(least), &mut out);
    let mut prev = 0u64;
    for &(k, n) in entries {
        // Sorted as i64: the difference of the u64 images is the distance.
        put_varint((k as u64).wrapping_sub(prev), &mut out);
        put_varint(u64::from(n - least), &mut out);
        prev = k as u64;
    }
    out
}

/// The [`Format::Fixed`] bytes of `entries` (blocks of archives of schema
/// version 2; tests write them to check those are still read).
#[cfg(test)]
pub fn encode_fixed(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 12);
    for &(k, n) in entries {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
    }
    out
}

/// Appends the entries of a block encoded in `format` to `out`.
pub fn decode_into(format: Format, bytes: &[u8], out: &mut Vec<Entry>) -> Result<(), String> {
    match format {
        Format::Fixed => {
            if bytes.len() % 12 != 0 {
                return Err("index block of a length not a multiple of 12".into());
            }
            out.extend(bytes.chunks_exact(12).map(|c| {
                (
                    i64::from_le_bytes(c[..8].try_into().expect("8 bytes")),
                    u32::from_le_bytes(c[8..].try_into().expect("4 bytes")),
                )
            }));
        }
        Format::Compact => {
            for e in compact_entries(bytes)? {
                out.push(e?);
            }
        }
    }
    Ok(())
}

/// The entries of a block in [`Format::Compact`], in key order: the
/// block's least document number, then per entry the key's difference from
/// the previous key and the number's difference from the least, as varints.
fn compact_entries(bytes: &[u8]) -> Result<impl Iterator<Item = Result<Entry, String>>, String> {
    let mut at = 0;
    let least = get_varint(bytes, &mut at).ok_or_else(corrupt)?;
    let mut key = 0u64;
    Ok(std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let (Some(dk), Some(dn)) = (get_varint(bytes, &mut at), get_varint(bytes, &mut at)) else {
            at = bytes.len();
            return Some(Err(corrupt()));
        };
        key = key.wrapping_add(dk);
        Some(
            u32::try_from(least + dn)
                .map(|n| (key as i64, n))
                .map_err(|_| corrupt()),
        )
    }))
}

/// The entries of a block (tests).
#[cfg(test)]
pub fn decode(format: Format, bytes: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    decode_into(format, bytes, &mut out).unwrap();
    out
}

/// Appends to `out` the document numbers stored under `key` in a block
/// encoded in `format`.
pub fn lookup(format: Format, bytes: &[u8], key: i64, out: &mut Vec<u32>) -> Result<(), String> {
    match format {
        Format::Fixed => {
            let n = bytes.len() / 12;
            let key_at =
                |i: usize| i64::from_le_bytes(bytes[i * 12..i * 12 + 8].try_into().expect("8"));
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
        Format::Compact => {
            for e in compact_entries(bytes)? {
                let (k, n) = e?;
                match k.cmp(&key) {
                    std::cmp::Ordering::Less => {}
                    std::cmp::Ordering::Equal => out.push(n),
                    std::cmp::Ordering::Greater => break,
                }
            }
        }
    }
    Ok(())
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
    let seg = new_segment(tx, first, last, level)?;
    let mut insert = insert_statement(tx)?;
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

/// A new, empty segment holding the batches `first..=last` at `level`;
/// returns its number.
fn new_segment(tx: &Transaction<'_>, first: i64, last: i64, level: i64) -> Result<i64, String> {
    let seg: i64 = tx
        .query_row("SELECT coalesce(max(seg), 0) + 1 FROM segments", [], |r| {
            r.get(0)
        })
        .map_err(e)?;
    tx.execute(
        "INSERT INTO segments(seg, first_batch, last_batch, level, format) VALUES (?1, ?2, ?3, \
         ?4, ?5)",
        params![seg, first, last, level, Format::Compact as i64],
    )
    .map_err(e)?;
    Ok(seg)
}

fn insert_statement<'t>(tx: &'t Transaction<'_>) -> Result<rusqlite::CachedStatement<'t>, String> {
    tx.prepare_cached("INSERT INTO runs(seg, kind, first_key, entries) VALUES (?1, ?2, ?3, ?4)")
        .map_err(e)
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

/// The segments, oldest batches first: `(seg, level, format)`.
pub fn segments(conn: &rusqlite::Connection) -> Result<Vec<(i64, i64, Format)>, String> {
    let mut st = conn
        .prepare_cached("SELECT seg, level, format FROM segments ORDER BY first_batch, seg")
        .map_err(e)?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?)))
        .map_err(e)?;
    rows.map(|r| {
        let (seg, level, format) = r.map_err(e)?;
        Ok((seg, level, Format::from_stored(format)?))
    })
    .collect()
}

/// The document numbers removed or replaced (whose entries are stale).
pub fn removed(conn: &rusqlite::Connection) -> Result<ahash::AHashSet<u32>, String> {
    let mut st = conn.prepare_cached("SELECT num FROM removed").map_err(e)?;
    let rows = st.query_map([], |r| r.get::<_, i64>(0)).map_err(e)?;
    rows.map(|r| r.map(|n| n as u32))
        .collect::<Result<_, _>>()
        .map_err(e)
}

/// Documents per batch at tier 0: a segment of `d` documents is of tier
/// ⌊log_[`FANOUT`](d / `TIER_DOCS`)⌋ (0 below), so a day of 1,500 is of
/// tier 0, eight days of tier 1, a bulk import of 100,000 of tier 2.
pub const TIER_DOCS: u64 = 1000;

/// The tier of a segment holding `docs` documents (see [`TIER_DOCS`]).
pub fn tier(docs: u64) -> i64 {
    let (mut t, mut d) = (0, docs / TIER_DOCS);
    while d >= FANOUT as u64 {
        d /= FANOUT as u64;
        t += 1;
    }
    t
}

/// A segment as compaction sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    seg: i64,
    format: Format,
    first_batch: i64,
    last_batch: i64,
    /// [`tier`] of its documents, `None` for a [`BASE_LEVEL`] segment.
    tier: Option<i64>,
}

/// The segments, oldest batches first, with their tiers (from the
/// documents of their batches, not the stored level: archives written
/// before tiers numbered levels by merges).
fn tiered(tx: &Transaction<'_>) -> Result<Vec<Segment>, String> {
    let mut st = tx
        .prepare_cached(
            "SELECT s.seg, s.first_batch, s.last_batch, s.level, (SELECT coalesce(sum(b.documents), \
             0) FROM batches b WHERE b.batch BETWEEN s.first_batch AND s.last_batch), s.format \
             FROM segments s ORDER BY s.first_batch, s.seg",
        )
        .map_err(e)?;
    let rows = st
        .query_map([], |r| {
            let level: i64 = r.get(3)?;
            let docs: i64 = r.get(4)?;
            let segment = Segment {
                seg: r.get(0)?,
                format: Format::Fixed,
                first_batch: r.get(1)?,
                last_batch: r.get(2)?,
                tier: (level != BASE_LEVEL).then(|| tier(docs.max(0) as u64)),
            };
            Ok((segment, r.get::<_, i64>(5)?))
        })
        .map_err(e)?;
    rows.map(|r| {
        let (segment, format) = r.map_err(e)?;
        Ok(Segment {
            format: Format::from_stored(format)?,
            ..segment
        })
    })
    .collect()
}

/// Merges the newest segments while the last [`FANOUT`] share a tier
/// (size-tiered: a day's segment is never merged with a bulk import's):
/// their entries (stale ones dropped) become one segment, in one streaming
/// pass over the sorted blocks ([`merge_into`]).
pub fn compact(tx: &Transaction<'_>) -> Result<(), String> {
    loop {
        let segs = tiered(tx)?;
        if segs.len() < FANOUT {
            return Ok(());
        }
        let last = &segs[segs.len() - FANOUT..];
        let Some(t) = last[0].tier else {
            return Ok(());
        };
        if last.iter().any(|s| s.tier != Some(t)) {
            return Ok(());
        }
        let stale = removed(tx)?;
        let seg = new_segment(tx, last[0].first_batch, last[FANOUT - 1].last_batch, t + 1)?;
        let from: Vec<(i64, Format)> = last.iter().map(|s| (s.seg, s.format)).collect();
        for kind in [Kind::Band, Kind::Anchor] {
            merge_into(tx, &from, kind, &stale, seg)?;
        }
        for &(old, _) in &from {
            tx.execute("DELETE FROM runs WHERE seg = ?1", [old])
                .map_err(e)?;
            tx.execute("DELETE FROM segments WHERE seg = ?1", [old])
                .map_err(e)?;
        }
    }
}

/// Blocks read at a time from one segment while merging.
const READ_AHEAD: i64 = 64;

/// The entries of one kind of one segment, in order, read a few blocks at
/// a time.
struct SegmentReader {
    seg: i64,
    format: Format,
    /// Lowest first key of the blocks not read yet (`None`: all read).
    from: Option<i64>,
    /// Entries of the blocks read; those before `at` are handed out.
    entries: Vec<Entry>,
    at: usize,
}

impl SegmentReader {
    /// Reads the next blocks when every entry read is handed out (and
    /// blocks are left).
    fn fill(&mut self, st: &mut rusqlite::CachedStatement<'_>, kind: Kind) -> Result<(), String> {
        if self.at < self.entries.len() {
            return Ok(());
        }
        self.entries.clear();
        self.at = 0;
        let Some(from) = self.from else {
            return Ok(());
        };
        let (mut last, mut read) = (None, 0);
        let mut rows = st
            .query(params![self.seg, kind as i64, from, READ_AHEAD])
            .map_err(e)?;
        while let Some(row) = rows.next().map_err(e)? {
            last = Some(row.get::<_, i64>(0).map_err(e)?);
            let bytes = row.get_ref(1).map_err(e)?.as_blob().map_err(e_from)?;
            decode_into(self.format, bytes, &mut self.entries)?;
            read += 1;
        }
        // Blocks start with distinct keys: the next one starts above.
        self.from = match last {
            Some(k) if read == READ_AHEAD => k.checked_add(1),
            _ => None,
        };
        Ok(())
    }

    /// The entries read and not handed out.
    fn pending(&self) -> &[Entry] {
        &self.entries[self.at..]
    }

    /// The last entry read when more are left to read: every entry not
    /// read yet is above it.
    fn bound(&self) -> Option<Entry> {
        self.from.and(self.entries.last().copied())
    }
}

/// Writes entries, in order, as blocks of a segment (cut as [`blocks`]
/// cuts them).
struct BlockWriter<'t> {
    seg: i64,
    kind: Kind,
    block: Vec<Entry>,
    insert: rusqlite::CachedStatement<'t>,
}

impl BlockWriter<'_> {
    fn push(&mut self, x: Entry) -> Result<(), String> {
        if self.block.len() >= BLOCK && x.0 != self.block[0].0 {
            self.flush()?;
        }
        self.block.push(x);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        if let Some(first) = self.block.first() {
            self.insert
                .execute(params![
                    self.seg,
                    self.kind as i64,
                    first.0,
                    encode(&self.block)
                ])
                .map_err(e)?;
            self.block.clear();
        }
        Ok(())
    }
}

/// Merges the `kind` entries of the segments `from` into segment `seg`,
/// dropping those of `stale` documents: one pass, reading and writing
/// blocks in key order (memory: a few blocks a segment). Each round hands
/// out every entry read up to the least of the readers' last entries (no
/// entry left unread is below it), sorted ([`sort_entries`]).
fn merge_into(
    tx: &Transaction<'_>,
    from: &[(i64, Format)],
    kind: Kind,
    stale: &ahash::AHashSet<u32>,
    seg: i64,
) -> Result<(), String> {
    let mut st = tx
        .prepare_cached(
            "SELECT first_key, entries FROM runs WHERE seg = ?1 AND kind = ?2 AND first_key >= ?3 \
             ORDER BY first_key LIMIT ?4",
        )
        .map_err(e)?;
    let mut readers: Vec<SegmentReader> = from
        .iter()
        .map(|&(seg, format)| SegmentReader {
            seg,
            format,
            from: Some(i64::MIN),
            entries: Vec::new(),
            at: 0,
        })
        .collect();
    let mut out = BlockWriter {
        seg,
        kind,
        block: Vec::with_capacity(2 * BLOCK),
        insert: insert_statement(tx)?,
    };
    let (mut round, mut sorted, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        for r in &mut readers {
            r.fill(&mut st, kind)?;
        }
        // Entries are distinct (a document is in one batch): up to and
        // including the bound is safe.
        let bound = readers.iter().filter_map(SegmentReader::bound).min();
        round.clear();
        for r in &mut readers {
            let pending = r.pending();
            let take = match bound {
                Some(b) => pending.partition_point(|&x| x <= b),
                None => pending.len(),
            };
            round.extend_from_slice(&pending[..take]);
            r.at += take;
        }
        if round.is_empty() {
            break;
        }
        sort_entries(&round, &mut starts, &mut sorted);
        for &x in &sorted {
            if stale.is_empty() || !stale.contains(&x.1) {
                out.push(x)?;
            }
        }
    }
    out.flush()
}

/// Looks keys up in every segment.
pub struct Lookup<'c> {
    segs: Vec<(i64, Format)>,
    stale: ahash::AHashSet<u32>,
    st: rusqlite::CachedStatement<'c>,
    buf: Vec<u32>,
}

impl<'c> Lookup<'c> {
    /// Ready to look keys up in the segments stored now.
    pub fn new(conn: &'c rusqlite::Connection) -> Result<Lookup<'c>, String> {
        let segs = segments(conn)?
            .into_iter()
            .map(|(seg, _, format)| (seg, format))
            .collect();
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
        for &(seg, format) in &self.segs {
            self.buf.clear();
            let mut rows = self.st.query(params![seg, kind as i64, key]).map_err(e)?;
            while let Some(row) = rows.next().map_err(e)? {
                let bytes = row.get_ref(0).map_err(e)?.as_blob().map_err(e_from)?;
                lookup(format, bytes, key, &mut self.buf)?;
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
        let entries: Vec<Entry> = vec![
            (i64::MIN, 8),
            (-5, 1),
            (3, 2),
            (3, 7),
            (3, 9),
            (1 << 40, u32::MAX),
            (i64::MAX, 4),
        ];
        for (format, b) in [
            (Format::Fixed, encode_fixed(&entries)),
            (Format::Compact, encode(&entries)),
        ] {
            assert_eq!(decode(format, &b), entries);
            let mut out = Vec::new();
            lookup(format, &b, 3, &mut out).unwrap();
            assert_eq!(out, [2, 7, 9]);
            out.clear();
            lookup(format, &b, 4, &mut out).unwrap();
            lookup(format, &b, -6, &mut out).unwrap();
            assert!(out.is_empty());
            for k in [i64::MAX, -5, i64::MIN, 1 << 40] {
                lookup(format, &b, k, &mut out).unwrap();
            }
            assert_eq!(out, [4, 1, 8, u32::MAX]);
        }
        assert!(decode(Format::Compact, &encode(&[])).is_empty());
        // A cut block is an error, not a panic.
        let b = encode(&entries);
        let mut out = Vec::new();
        assert!(decode_into(Format::Compact, &b[..b.len() - 1], &mut out).is_err());
        assert!(decode_into(Format::Fixed, &[0; 13], &mut out).is_err());
    }

    /// Day segments' entries (small numbers, keys in 32 bits) take about 5
    /// bytes compact, against 12.
    #[test]
    fn compact_blocks_are_small() {
        let mut x: u64 = 3;
        let mut key = 1i64 << 31;
        let entries: Vec<Entry> = (0..BLOCK)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // A day's 128,000 anchors over 32 bits: 33,000 apart on
                // average; numbers of its 1,500 documents.
                key += (x % 65_536) as i64;
                (key, 1_000_000 + (x >> 40) as u32 % 1500)
            })
            .collect();
        let n = encode(&entries).len();
        assert!(n <= 5 * BLOCK + 3, "{n} bytes");
        assert_eq!(decode(Format::Compact, &encode(&entries)), entries);
    }

    #[test]
    fn entries_sort_as_sort_unstable() {
        let mut x: u64 = 11;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for (n, spread) in [
            (0, 64),
            (1, 64),
            (1000, 64),
            (5000, 32),
            (3000, 20),
            (4000, 0),
        ] {
            let src: Vec<Entry> = (0..n)
                .map(|_| {
                    let k = if spread == 0 {
                        7
                    } else {
                        rand() >> (64 - spread)
                    };
                    let k = if spread == 64 {
                        k as i64
                    } else {
                        k as i64 - 100
                    };
                    (k, (rand() % 50) as u32)
                })
                .collect();
            let (mut starts, mut out) = (Vec::new(), Vec::new());
            sort_entries(&src, &mut starts, &mut out);
            let mut want = src.clone();
            want.sort_unstable();
            assert_eq!(out, want, "{n} {spread}");
        }
    }

    /// Four segments of one tier merge into one whose blocks are those of
    /// their entries sorted, stale ones dropped; a segment of another tier
    /// is left alone.
    #[test]
    fn compaction_merges_the_last_segments_of_one_tier() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::store::RUNS).unwrap();
        conn.execute_batch(super::super::store::FORMAT_COLUMN)
            .unwrap();
        conn.execute_batch(
            "CREATE TABLE batches(batch INTEGER PRIMARY KEY, documents INTEGER NOT NULL);",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        // Batch 1: a bulk import (tier 1 or more); then FANOUT days (tier 0).
        let mut sizes = vec![20_000u64];
        sizes.extend((0..FANOUT).map(|i| if i == 2 { 900 } else { 1500 }));
        let mut all: [Vec<Entry>; 2] = [Vec::new(), Vec::new()];
        let mut x: u64 = 7;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for (b, &docs) in sizes.iter().enumerate() {
            let b = b as i64 + 1;
            tx.execute(
                "INSERT INTO batches VALUES (?1, ?2)",
                params![b, docs as i64],
            )
            .unwrap();
            let mut runs: [Vec<Entry>; 2] = [Vec::new(), Vec::new()];
            for run in &mut runs {
                for n in 0..3 * BLOCK as u32 + 17 {
                    // Few distinct keys: long runs of one key cross blocks.
                    let key =
                        (rand() % 300) as i64 - 150 + if n % 5 == 0 { i64::MIN + 200 } else { 0 };
                    run.push((key, b as u32 * 10_000 + n));
                }
                run.sort_unstable();
            }
            let seg = write_segment(
                &tx,
                b,
                b,
                tier(docs),
                [(Kind::Band, &runs[0]), (Kind::Anchor, &runs[1])],
            )
            .unwrap();
            if b % 2 == 0 {
                // As schema version 2 wrote it: read and merged all the same.
                to_fixed(&tx, seg);
            }
            if b > 1 {
                all[0].extend_from_slice(&runs[0]);
                all[1].extend_from_slice(&runs[1]);
            }
            compact(&tx).unwrap();
            if b == 3 {
                tx.execute("INSERT INTO removed VALUES (20005), (30100)", [])
                    .unwrap();
            }
        }
        let segs = segments(&tx).unwrap();
        assert_eq!(segs.len(), 2, "{segs:?}");
        assert_eq!(segs[1].1, 1, "FANOUT days make one segment of tier 1");
        assert_eq!(segs[1].2, Format::Compact);
        let stale = removed(&tx).unwrap();
        // Lookups find every live entry of a key, in both formats.
        let mut lookup = Lookup::new(&tx).unwrap();
        for key in [-150, -3, 0, 149, i64::MIN + 60, 7_000] {
            let mut got = Vec::new();
            lookup.get(Kind::Anchor, key, &mut got).unwrap();
            got.sort_unstable();
            let mut want: Vec<i64> = all[1]
                .iter()
                .filter(|x| x.0 == key && !stale.contains(&x.1))
                .map(|x| i64::from(x.1))
                .collect();
            want.sort_unstable();
            // Batch 1 (not merged, fixed) holds keys too.
            got.retain(|&n| n >= 20_000);
            assert_eq!(got, want, "key {key}");
        }
        drop(lookup);
        for (kind, want) in [Kind::Band, Kind::Anchor].into_iter().zip(&mut all) {
            want.retain(|x| !stale.contains(&x.1));
            want.sort_unstable();
            let mut st = tx
                .prepare("SELECT first_key, entries FROM runs WHERE seg = ?1 AND kind = ?2 ORDER BY first_key")
                .unwrap();
            let got: Vec<(i64, Vec<Entry>)> = st
                .query_map(params![segs[1].0, kind as i64], |r| {
                    Ok((r.get(0)?, decode(Format::Compact, &r.get::<_, Vec<u8>>(1)?)))
                })
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            let expected: Vec<(i64, Vec<Entry>)> = blocks(want)
                .into_iter()
                .map(|b| (b[0].0, b.to_vec()))
                .collect();
            assert_eq!(got, expected);
        }
    }

    /// Rewrites segment `seg` in [`Format::Fixed`], as version 2 wrote it.
    fn to_fixed(tx: &Transaction<'_>, seg: i64) {
        let rows: Vec<(i64, i64, Vec<u8>)> = tx
            .prepare("SELECT kind, first_key, entries FROM runs WHERE seg = ?1")
            .unwrap()
            .query_map([seg], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (kind, first, bytes) in rows {
            tx.execute(
                "UPDATE runs SET entries = ?4 WHERE seg = ?1 AND kind = ?2 AND first_key = ?3",
                params![
                    seg,
                    kind,
                    first,
                    encode_fixed(&decode(Format::Compact, &bytes))
                ],
            )
            .unwrap();
        }
        tx.execute("UPDATE segments SET format = 0 WHERE seg = ?1", [seg])
            .unwrap();
    }

    #[test]
    fn tiers_grow_by_the_fan_out() {
        let f = FANOUT as u64;
        assert_eq!(tier(0), 0);
        assert_eq!(tier(1500), 0);
        assert_eq!(tier(TIER_DOCS * f - 1), 0);
        assert_eq!(tier(TIER_DOCS * f), 1);
        assert_eq!(tier(TIER_DOCS * f * f - 1), 1);
        assert_eq!(tier(TIER_DOCS * f * f), 2);
        assert!(tier(u64::MAX) > 10);
    }
}
