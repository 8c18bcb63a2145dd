//! The audit log's table: this device's own hash-chained entries and, on a
//! supervisor's device, the entries other devices synced. Not automerge: an audit log
//! is append-only with one writer per chain, so it needs no merging, and an entry must
//! never be changed once written.
//!
//! An own entry is appended inside the caller's transaction (`Writer::audit`), so an
//! action that writes records commits its entry with them, and a read commits its
//! entry before its answer is shown.

use rusqlite::{Connection, OptionalExtension, params};
use waymark_domain::audit::{AuditDraft, AuditEntry, StoredEntry, hash_text};

use crate::error::{Result, StoreError};
use crate::{Store, Writer};

/// Created when a store opens, so stores made before the audit log get it too.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    hash TEXT NOT NULL,
    pushed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;
";

fn seq_i64(seq: u64) -> Result<i64> {
    i64::try_from(seq).map_err(|_| StoreError::Corrupt("audit sequence out of range".into()))
}

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEntry> {
    Ok(StoredEntry {
        device_id: r.get(0)?,
        seq: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
        text: r.get(2)?,
        hash: r.get(3)?,
    })
}

fn all(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<StoredEntry>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, stored)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Writer<'_, '_> {
    /// Appends an entry to this device's chain; it commits with the transaction.
    pub fn audit(&mut self, draft: AuditDraft) -> Result<AuditEntry> {
        let meta = self.meta.clone();
        let device = meta.device_id.to_string();
        let last: Option<(i64, String)> = self
            .tx
            .query_row("SELECT seq, hash FROM audit WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1", [&device], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let last = last.map(|(seq, hash)| (u64::try_from(seq).unwrap_or(0), hash));
        let entry = draft.chain(meta.device_id, meta.role, last.as_ref().map(|(s, h)| (*s, h.as_str())));
        let text = entry.canonical();
        self.tx.execute(
            "INSERT INTO audit (device_id, seq, entry, hash, pushed) VALUES (?1, ?2, ?3, ?4, 0)",
            params![device, seq_i64(entry.seq)?, text, hash_text(&text)],
        )?;
        Ok(entry)
    }

    /// Keeps an entry another device wrote (synced to a supervisor), exactly as
    /// received. Returns false if this device already had that (device, seq); a
    /// different text for a known one is kept aside as a second version, so a device
    /// that rewrote its history is found out rather than believed.
    pub fn keep_audit(&mut self, device_id: &str, seq: u64, text: &str) -> Result<bool> {
        let hash = hash_text(text);
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT hash FROM audit WHERE device_id = ?1 AND seq = ?2",
                params![device_id, seq_i64(seq)?],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            None => {
                self.tx.execute(
                    "INSERT INTO audit (device_id, seq, entry, hash, pushed) VALUES (?1, ?2, ?3, ?4, 1)",
                    params![device_id, seq_i64(seq)?, text, hash],
                )?;
                Ok(true)
            }
            Some(h) if h == hash => Ok(false),
            Some(_) => {
                self.tx.execute(
                    "INSERT OR IGNORE INTO audit_conflicts (device_id, seq, entry, hash) VALUES (?1, ?2, ?3, ?4)",
                    params![device_id, seq_i64(seq)?, text, hash],
                )?;
                Ok(true)
            }
        }
    }
}

/// The second versions `keep_audit` set aside.
pub(crate) const CONFLICTS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit_conflicts (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (device_id, seq, hash)
) WITHOUT ROWID;
";

impl Store {
    /// Every entry this store holds, by device then seq.
    pub fn audit_entries(&self) -> Result<Vec<StoredEntry>> {
        all(&self.conn, "SELECT device_id, seq, entry, hash FROM audit ORDER BY device_id, seq", [])
    }

    /// Second versions of entries (a device whose history changed after it synced).
    pub fn audit_conflicts(&self) -> Result<Vec<StoredEntry>> {
        all(&self.conn, "SELECT device_id, seq, entry, hash FROM audit_conflicts ORDER BY device_id, seq", [])
    }

    /// This device's entries not yet acknowledged by the relay, oldest first.
    pub fn audit_outbox(&self) -> Result<Vec<StoredEntry>> {
        all(
            &self.conn,
            "SELECT device_id, seq, entry, hash FROM audit WHERE device_id = ?1 AND pushed = 0 ORDER BY seq",
            [self.meta.device_id.to_string()],
        )
    }

    /// Marks own entries as on the relay.
    pub fn ack_audit(&mut self, seqs: &[u64]) -> Result<()> {
        let device = self.meta.device_id.to_string();
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("UPDATE audit SET pushed = 1 WHERE device_id = ?1 AND seq = ?2")?;
            for seq in seqs {
                stmt.execute(params![device, seq_i64(*seq)?])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
