//! The SQLite backend (plain SQLite: the relay holds only ciphertext, so the file is
//! not keyed). WAL with `synchronous=FULL`: a call returns only after its commit is on
//! disk. One writer connection and a few reader connections, each behind a mutex;
//! the admin verbs of another process share the file through WAL and a busy timeout.
//!
//! The team log (`log`) holds two kinds of rows, numbered by one per-team counter:
//! entries (with their ciphertext) and replay rows. When a push changes a document's
//! audience so that an enrolled device newly belongs to it, the relay appends one
//! replay row per earlier entry of the document, pointing at that entry: a device
//! whose cursor is already past those entries finds the document's whole history again
//! in order, page by page, like any other entries. Each change of audience is kept in
//! `audience_events` at the seq of the entry that made it, so that a pull can tell a
//! device which documents it left.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use waymark_sync_proto::wire::{
    Accepted, Audience, DeviceInfo, KeyEnvelope, MAX_ENVELOPES, PullEntry, PushEntry, WireDeviceStatus, WireRole,
};

use super::{Actor, Census, DeviceAuth, Enrollment, NewInvitation, NewTeam, PullPage, PullQuery, RelayStore};
use crate::audit::AuditRecord;
use crate::clock::{from_ms, rfc3339, to_ms};
use crate::error::{RelayError, Result};
use crate::secrets::constant_time_eq;

/// The database file inside the relay's data directory.
pub const DB_FILE: &str = "relay.db";

/// How long a connection waits for another writer (the server or an admin verb).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Most log positions one pull examines: a device that sees little of a large log
/// walks it in bounded steps instead of one long request.
const SCAN_WINDOW: u64 = 50_000;

/// 1: the first relay. 2: `devices.public_key` and `key_envelopes`.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    enrolled_at INTEGER,
    last_sync_at INTEGER,
    revoked_at INTEGER,
    public_key TEXT
);
CREATE INDEX IF NOT EXISTS devices_team ON devices(team_id, created_at);
CREATE TABLE IF NOT EXISTS invitations (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    device_id TEXT NOT NULL REFERENCES devices(id),
    check_hash TEXT NOT NULL,
    sealed TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE TABLE IF NOT EXISTS documents (
    team_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    roles INTEGER NOT NULL,
    devices TEXT NOT NULL,
    changed_seq INTEGER NOT NULL,
    PRIMARY KEY (team_id, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
    team_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    author TEXT NOT NULL,
    hash TEXT NOT NULL,
    ciphertext TEXT,
    src_seq INTEGER,
    event_seq INTEGER,
    at INTEGER NOT NULL,
    PRIMARY KEY (team_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS log_entry ON log(team_id, doc, hash) WHERE src_seq IS NULL;
CREATE INDEX IF NOT EXISTS log_doc ON log(team_id, doc, seq) WHERE src_seq IS NULL;
CREATE TABLE IF NOT EXISTS audience_events (
    team_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    old_roles INTEGER NOT NULL,
    old_devices TEXT NOT NULL,
    new_roles INTEGER NOT NULL,
    new_devices TEXT NOT NULL,
    PRIMARY KEY (team_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_envelopes (
    team_id TEXT NOT NULL REFERENCES teams(id),
    device_id TEXT NOT NULL REFERENCES devices(id),
    epoch INTEGER NOT NULL,
    sealed TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, epoch)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    team_id TEXT,
    device_id TEXT NOT NULL,
    action TEXT NOT NULL,
    status INTEGER,
    details TEXT NOT NULL DEFAULT '{}'
);
";

/// `?4` is the device's role bit, `?5` its id. True when the current audience of the
/// document `d` includes the device.
const IN_CURRENT: &str =
    "((d.roles & ?4) != 0 OR EXISTS (SELECT 1 FROM json_each(d.devices) WHERE json_each.value = ?5))";

fn pull_sql() -> String {
    format!(
        "SELECT l.seq, l.doc, l.author, l.hash, COALESCE(l.ciphertext, s.ciphertext)
         FROM log l
         JOIN documents d ON d.team_id = l.team_id AND d.doc = l.doc
         LEFT JOIN log s ON l.src_seq IS NOT NULL AND s.team_id = l.team_id AND s.seq = l.src_seq
         LEFT JOIN audience_events ev ON l.src_seq IS NOT NULL AND ev.team_id = l.team_id AND ev.seq = l.event_seq
         WHERE l.team_id = ?1 AND l.seq > ?2 AND l.seq <= ?3
           AND {IN_CURRENT}
           AND (l.src_seq IS NULL OR (
                l.src_seq <= ?2
                AND ((ev.new_roles & ?4) != 0
                     OR EXISTS (SELECT 1 FROM json_each(ev.new_devices) WHERE json_each.value = ?5))
                AND NOT ((ev.old_roles & ?4) != 0
                     OR EXISTS (SELECT 1 FROM json_each(ev.old_devices) WHERE json_each.value = ?5))))
         ORDER BY l.seq
         LIMIT ?6"
    )
}

fn purge_sql() -> String {
    format!(
        "SELECT DISTINCT ev.doc
         FROM audience_events ev
         JOIN documents d ON d.team_id = ev.team_id AND d.doc = ev.doc
         WHERE ev.team_id = ?1 AND ev.seq > ?2 AND ev.seq <= ?3
           AND ((ev.old_roles & ?4) != 0
                OR EXISTS (SELECT 1 FROM json_each(ev.old_devices) WHERE json_each.value = ?5))
           AND NOT {IN_CURRENT}
         ORDER BY ev.doc"
    )
}

fn role_bit(role: WireRole) -> i64 {
    match role {
        WireRole::Officer => 1,
        WireRole::Outreach => 2,
        WireRole::Supervisor => 4,
    }
}

fn parse_role(text: &str) -> Result<WireRole> {
    text.parse().map_err(|_| RelayError::Internal(format!("stored role {text:?} is unknown")))
}

fn parse_status(text: &str) -> Result<WireDeviceStatus> {
    match text {
        "pending" => Ok(WireDeviceStatus::Pending),
        "active" => Ok(WireDeviceStatus::Active),
        "revoked" => Ok(WireDeviceStatus::Revoked),
        _ => Err(RelayError::Internal(format!("stored device status {text:?} is unknown"))),
    }
}

fn seq_u64(seq: i64) -> Result<u64> {
    u64::try_from(seq).map_err(|_| RelayError::Internal("negative sequence number".into()))
}

fn epoch_u32(epoch: i64) -> Result<u32> {
    u32::try_from(epoch).map_err(|_| RelayError::Internal(format!("stored key epoch {epoch} is out of range")))
}

fn seq_i64(seq: u64) -> i64 {
    // Cursors beyond i64::MAX cannot name a stored row; clamp them.
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// An audience as stored: a role bit mask and the sorted device ids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoredAudience {
    roles: i64,
    devices: Vec<String>,
}

impl StoredAudience {
    fn from_wire(audience: &Audience) -> Self {
        let normal = audience.clone().normalized();
        Self { roles: normal.roles.iter().map(|r| role_bit(*r)).fold(0, |a, b| a | b), devices: normal.devices }
    }

    fn from_row(roles: i64, devices: &str) -> Result<Self> {
        let devices: Vec<String> = serde_json::from_str(devices)
            .map_err(|e| RelayError::Internal(format!("stored audience is corrupt: {e}")))?;
        Ok(Self { roles, devices })
    }

    fn devices_json(&self) -> Result<String> {
        serde_json::to_string(&self.devices).map_err(|e| RelayError::Internal(e.to_string()))
    }

    fn includes(&self, role: WireRole, device: &str) -> bool {
        self.roles & role_bit(role) != 0 || self.devices.iter().any(|d| d == device)
    }

    fn has_role(&self, role: WireRole) -> bool {
        self.roles & role_bit(role) != 0
    }
}

/// The relay's SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding a connection rolled its transaction back on unwind: the
    // connection itself is still good.
    conn.lock().unwrap_or_else(|e| e.into_inner())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(RelayError::Internal(format!("the database refused WAL mode ({mode})")));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `dir`, with `readers` reader
    /// connections (0: reads share the writer).
    pub fn open(dir: &Path, readers: usize) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        Self::open_file(dir.join(DB_FILE), readers, true)
    }

    /// Opens the database in `dir`, which must already exist (the admin verbs).
    pub fn open_existing(dir: &Path, readers: usize) -> Result<Self> {
        let path = dir.join(DB_FILE);
        if !path.is_file() {
            return Err(RelayError::NotFound(format!("no relay data in {}", dir.display())));
        }
        Self::open_file(path, readers, false)
    }

    fn open_file(path: PathBuf, readers: usize, create: bool) -> Result<Self> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut writer = Connection::open_with_flags(&path, flags)?;
        configure(&writer)?;
        migrate(&mut writer)?;
        let readers = (0..readers)
            .map(|_| {
                let conn = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn)?;
                Ok(Mutex::new(conn))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { path, writer: Mutex::new(writer), readers, next_reader: AtomicUsize::new(0) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        lock(&self.writer)
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        if self.readers.is_empty() {
            return self.writer();
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.readers.len() {
            if let Some(r) = self.readers.get((start + i) % self.readers.len())
                && let Ok(guard) = r.try_lock()
            {
                return guard;
            }
        }
        match self.readers.get(start % self.readers.len()) {
            Some(r) => lock(r),
            None => self.writer(),
        }
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(RelayError::Internal(format!(
            "the database has schema version {version}; this relay knows up to {SCHEMA_VERSION}"
        )));
    }
    // `SCHEMA` is the current schema; a database made by an older relay first gains
    // what its tables lack (new tables come from `SCHEMA` itself). Version 0 is a new,
    // empty file.
    if (1..2).contains(&version) {
        tx.execute_batch("ALTER TABLE devices ADD COLUMN public_key TEXT;")?;
    }
    tx.execute_batch(SCHEMA)?;
    // The pull relies on SQLite's JSON functions.
    let _: i64 = tx.query_row("SELECT json_valid('[]')", [], |r| r.get(0))?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

fn insert_audit(conn: &Connection, record: &AuditRecord) -> Result<()> {
    let details = serde_json::to_string(&record.details).map_err(|e| RelayError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO audit (at, team_id, device_id, action, status, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![to_ms(record.at), record.team_id, record.device_id, record.action, record.status, details],
    )?;
    Ok(())
}

/// The current audience of a document, if it exists.
fn doc_audience(conn: &Connection, team: &str, doc: &str) -> Result<Option<StoredAudience>> {
    let row: Option<(i64, String)> = conn
        .query_row("SELECT roles, devices FROM documents WHERE team_id = ?1 AND doc = ?2", params![team, doc], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(roles, devices)| StoredAudience::from_row(roles, &devices)).transpose()
}

impl RelayStore for SqliteStore {
    fn create_team(&self, team: &NewTeam, now: Timestamp) -> Result<()> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_ms = to_ms(now);
        tx.execute(
            "INSERT INTO teams (id, name, created_at, seq) VALUES (?1, ?2, ?3, 0)",
            params![team.team_id, team.name, now_ms],
        )?;
        tx.execute(
            "INSERT INTO devices (id, team_id, role, label, status, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            params![team.device_id, team.team_id, WireRole::Supervisor.as_str(), team.label, now_ms],
        )?;
        tx.execute(
            "INSERT INTO invitations (id, team_id, device_id, check_hash, sealed, created_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5, ?6)",
            params![team.invite_id, team.team_id, team.device_id, team.check_hash, now_ms, to_ms(team.expires_at)],
        )?;
        insert_audit(
            &tx,
            &AuditRecord::new(now, "team_create", Some(&team.team_id), Some(&team.device_id))
                .detail("name", team.name.as_str())
                .detail("invite", team.invite_id.as_str()),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn authenticate(&self, token_hash: &str) -> Result<Option<DeviceAuth>> {
        let conn = self.reader();
        let row: Option<(String, String, String, String)> = conn
            .query_row(
                "SELECT id, team_id, role, status FROM devices WHERE token_hash = ?1",
                params![token_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(device_id, team_id, role, status)| {
            Ok(DeviceAuth { device_id, team_id, role: parse_role(&role)?, status: parse_status(&status)? })
        })
        .transpose()
    }

    fn enroll(
        &self,
        invite_id: &str,
        check_hash: &str,
        token_hash: &str,
        public_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Enrollment> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_ms = to_ms(now);
        type Row = (String, String, String, Option<String>, i64, Option<i64>, String, String, String);
        let row: Option<Row> = tx
            .query_row(
                "SELECT i.team_id, i.device_id, i.check_hash, i.sealed, i.expires_at, i.used_at,
                        d.role, d.label, d.status
                 FROM invitations i JOIN devices d ON d.id = i.device_id
                 WHERE i.id = ?1",
                params![invite_id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ))
                },
            )
            .optional()?;
        let Some((team_id, device_id, stored_hash, sealed, expires_at, used_at, role, label, status)) = row else {
            return Err(RelayError::InviteInvalid);
        };
        let matches = constant_time_eq(stored_hash.as_bytes(), check_hash.as_bytes());
        if !matches || used_at.is_some() || expires_at <= now_ms || status != "pending" {
            return Err(RelayError::InviteInvalid);
        }
        tx.execute(
            "UPDATE invitations SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
            params![invite_id, now_ms],
        )?;
        tx.execute(
            "UPDATE devices SET status = 'active', token_hash = ?2, enrolled_at = ?3, public_key = ?4 WHERE id = ?1",
            params![device_id, token_hash, now_ms, public_key],
        )?;
        insert_audit(
            &tx,
            &AuditRecord::new(now, "enroll", Some(&team_id), Some(&device_id))
                .detail("role", role.as_str())
                .detail("invite", invite_id)
                .detail("public_key", public_key.is_some()),
        )?;
        tx.commit()?;
        Ok(Enrollment { device_id, team_id, role: parse_role(&role)?, label, sealed })
    }

    fn invite(&self, by: &DeviceAuth, invitation: &NewInvitation, now: Timestamp) -> Result<()> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_ms = to_ms(now);
        tx.execute(
            "INSERT INTO devices (id, team_id, role, label, status, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            params![invitation.device_id, by.team_id, invitation.role.as_str(), invitation.label, now_ms],
        )?;
        tx.execute(
            "INSERT INTO invitations (id, team_id, device_id, check_hash, sealed, created_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                invitation.invite_id,
                by.team_id,
                invitation.device_id,
                invitation.check_hash,
                invitation.sealed,
                by.device_id,
                now_ms,
                to_ms(invitation.expires_at)
            ],
        )?;
        insert_audit(
            &tx,
            &AuditRecord::new(now, "invite", Some(&by.team_id), Some(&by.device_id))
                .detail("invited_device", invitation.device_id.as_str())
                .detail("role", invitation.role.as_str())
                .detail("invite", invitation.invite_id.as_str()),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn push(&self, by: &DeviceAuth, entries: &[PushEntry], now: Timestamp) -> Result<Vec<Accepted>> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_ms = to_ms(now);
        let team = by.team_id.as_str();
        let me = by.device_id.as_str();
        let mut seq: i64 = tx
            .query_row("SELECT seq FROM teams WHERE id = ?1", params![team], |r| r.get(0))
            .optional()?
            .ok_or_else(|| RelayError::Internal("the device's team is missing".into()))?;
        // The team's enrolled devices, read once if an audience grows.
        let mut members: Option<Vec<(String, WireRole)>> = None;
        let mut accepted = Vec::with_capacity(entries.len());
        let mut stored = 0usize;
        for entry in entries {
            let audience = StoredAudience::from_wire(&entry.audience);
            let current = doc_audience(&tx, team, &entry.doc)?;
            let existing: Option<(i64, String)> = tx
                .query_row(
                    "SELECT seq, author FROM log WHERE team_id = ?1 AND doc = ?2 AND hash = ?3 AND src_seq IS NULL",
                    params![team, entry.doc, entry.hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((existing_seq, author)) = existing {
                // The same change again (a retry whose answer was lost): a no-op for its
                // author or anyone who may see the document.
                let visible = current.as_ref().is_some_and(|c| c.includes(by.role, me));
                if author != me && !visible {
                    return Err(RelayError::Forbidden("this device is not in the document's audience".into()));
                }
                accepted.push(Accepted { hash: entry.hash.clone(), seq: seq_u64(existing_seq)? });
                continue;
            }
            match &current {
                Some(current) => {
                    if !current.includes(by.role, me) {
                        return Err(RelayError::Forbidden("this device is not in the document's audience".into()));
                    }
                    if by.role == WireRole::Officer && current.has_role(WireRole::Officer) {
                        return Err(RelayError::Forbidden(
                            "an officer device may not write a document shared with every officer".into(),
                        ));
                    }
                    if *current != audience {
                        if by.role == WireRole::Officer {
                            return Err(RelayError::Forbidden(
                                "only outreach and supervisor devices may change a document's audience".into(),
                            ));
                        }
                        if members.is_none() {
                            members = Some(team_members(&tx, team)?);
                        }
                        let grows = members
                            .iter()
                            .flatten()
                            .any(|(id, role)| !current.includes(*role, id) && audience.includes(*role, id));
                        if grows {
                            seq = append_replay(&tx, team, &entry.doc, seq, now_ms)?;
                        }
                        seq += 1;
                        tx.execute(
                            "INSERT INTO audience_events (team_id, seq, doc, old_roles, old_devices, new_roles, new_devices)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            params![
                                team,
                                seq,
                                entry.doc,
                                current.roles,
                                current.devices_json()?,
                                audience.roles,
                                audience.devices_json()?
                            ],
                        )?;
                        tx.execute(
                            "UPDATE documents SET roles = ?3, devices = ?4, changed_seq = ?5 WHERE team_id = ?1 AND doc = ?2",
                            params![team, entry.doc, audience.roles, audience.devices_json()?, seq],
                        )?;
                    } else {
                        seq += 1;
                    }
                }
                None => {
                    if by.role == WireRole::Officer
                        && (audience.has_role(WireRole::Officer) || !audience.devices.iter().any(|d| d == me))
                    {
                        return Err(RelayError::Forbidden(
                            "an officer device may create only documents that name it and no officer role".into(),
                        ));
                    }
                    seq += 1;
                    tx.execute(
                        "INSERT INTO documents (team_id, doc, roles, devices, changed_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![team, entry.doc, audience.roles, audience.devices_json()?, seq],
                    )?;
                }
            }
            tx.execute(
                "INSERT INTO log (team_id, seq, doc, author, hash, ciphertext, src_seq, event_seq, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL, ?7)",
                params![team, seq, entry.doc, me, entry.hash, entry.ciphertext, now_ms],
            )?;
            stored += 1;
            accepted.push(Accepted { hash: entry.hash.clone(), seq: seq_u64(seq)? });
        }
        tx.execute("UPDATE teams SET seq = ?2 WHERE id = ?1", params![team, seq])?;
        insert_audit(
            &tx,
            &AuditRecord::new(now, "push", Some(team), Some(me))
                .detail("entries", entries.len())
                .detail("stored", stored)
                .detail("seq", seq),
        )?;
        tx.commit()?;
        Ok(accepted)
    }

    fn pull(&self, by: &DeviceAuth, query: &PullQuery, now: Timestamp) -> Result<PullPage> {
        let page = {
            let mut conn = self.reader();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let page = read_page(&tx, by, query)?;
            tx.commit()?;
            page
        };
        if !page.more || !page.entries.is_empty() || !page.purge.is_empty() {
            let mut conn = self.writer();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if !page.more {
                tx.execute("UPDATE devices SET last_sync_at = ?2 WHERE id = ?1", params![by.device_id, to_ms(now)])?;
            }
            if !page.entries.is_empty() || !page.purge.is_empty() {
                insert_audit(
                    &tx,
                    &AuditRecord::new(now, "pull", Some(&by.team_id), Some(&by.device_id))
                        .detail("after", query.after)
                        .detail("entries", page.entries.len())
                        .detail("purge", page.purge.len())
                        .detail("next_after", page.next_after)
                        .detail("more", page.more),
                )?;
            }
            tx.commit()?;
        }
        Ok(page)
    }

    fn revoke(&self, actor: Actor<'_>, device_id: &str, now: Timestamp) -> Result<()> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let team: Option<String> =
            tx.query_row("SELECT team_id FROM devices WHERE id = ?1", params![device_id], |r| r.get(0)).optional()?;
        let team = match (team, actor) {
            (Some(team), Actor::Device(by)) if team == by.team_id => team,
            (Some(team), Actor::Admin) => team,
            _ => return Err(RelayError::NotFound(format!("no device {device_id}"))),
        };
        tx.execute(
            "UPDATE devices SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
            params![device_id, to_ms(now)],
        )?;
        let by = match actor {
            Actor::Admin => "admin".to_owned(),
            Actor::Device(d) => d.device_id.clone(),
        };
        insert_audit(&tx, &AuditRecord::new(now, "revoke", Some(&team), Some(device_id)).detail("by", by))?;
        tx.commit()?;
        Ok(())
    }

    fn devices(&self, team_id: &str) -> Result<Vec<DeviceInfo>> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT d.id, d.role, d.label, d.status, d.created_at, d.enrolled_at, d.last_sync_at, d.revoked_at,
                    d.public_key, (SELECT MAX(k.epoch) FROM key_envelopes k WHERE k.device_id = d.id)
             FROM devices d WHERE d.team_id = ?1 ORDER BY d.created_at, d.id",
        )?;
        let rows = stmt.query_map(params![team_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<i64>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<i64>>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device_id, role, label, status, created, enrolled, synced, revoked, public_key, key_epoch) = row?;
            out.push(DeviceInfo {
                device_id,
                role: parse_role(&role)?,
                label,
                status: parse_status(&status)?,
                created_at: rfc3339(created)?,
                enrolled_at: enrolled.map(rfc3339).transpose()?,
                last_sync_at: synced.map(rfc3339).transpose()?,
                revoked_at: revoked.map(rfc3339).transpose()?,
                public_key,
                key_epoch: key_epoch.map(epoch_u32).transpose()?,
            });
        }
        Ok(out)
    }

    fn put_envelopes(&self, by: &DeviceAuth, envelopes: &[KeyEnvelope], now: Timestamp) -> Result<usize> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_ms = to_ms(now);
        let team = by.team_id.as_str();
        // The caller as it stands now, not as it was when its token was checked.
        let caller: Option<(String, String)> = tx
            .query_row(
                "SELECT role, status FROM devices WHERE id = ?1 AND team_id = ?2",
                params![by.device_id, team],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let refused = || RelayError::Forbidden("only an active supervisor device may store key envelopes".into());
        let Some((role, status)) = caller else { return Err(refused()) };
        match parse_status(&status)? {
            WireDeviceStatus::Revoked => return Err(RelayError::DeviceRevoked),
            WireDeviceStatus::Active if parse_role(&role)? == WireRole::Supervisor => {}
            _ => return Err(refused()),
        }
        let mut epochs = BTreeSet::new();
        for envelope in envelopes {
            let target: Option<(String, String)> = tx
                .query_row("SELECT team_id, status FROM devices WHERE id = ?1", params![envelope.device_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match target {
                Some((target_team, status)) if target_team == team => {
                    if parse_status(&status)? != WireDeviceStatus::Active {
                        return Err(RelayError::Forbidden(format!(
                            "device {} is {status}: key envelopes go only to enrolled, unrevoked devices",
                            envelope.device_id
                        )));
                    }
                }
                _ => return Err(RelayError::NotFound(format!("no device {}", envelope.device_id))),
            }
            tx.execute(
                "INSERT INTO key_envelopes (team_id, device_id, epoch, sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (device_id, epoch) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at",
                params![team, envelope.device_id, envelope.epoch, envelope.sealed, now_ms],
            )?;
            epochs.insert(envelope.epoch);
        }
        insert_audit(
            &tx,
            &AuditRecord::new(now, "keys", Some(team), Some(&by.device_id))
                .detail("epochs", epochs.into_iter().collect::<Vec<_>>())
                .detail("envelopes", envelopes.len()),
        )?;
        tx.commit()?;
        Ok(envelopes.len())
    }

    fn envelopes(&self, by: &DeviceAuth, after: u32) -> Result<Vec<KeyEnvelope>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT device_id, epoch, sealed FROM key_envelopes
             WHERE device_id = ?1 AND team_id = ?2 AND epoch > ?3
             ORDER BY epoch LIMIT ?4",
        )?;
        let limit = i64::try_from(MAX_ENVELOPES).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![by.device_id, by.team_id, after, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device_id, epoch, sealed) = row?;
            out.push(KeyEnvelope { device_id, epoch: epoch_u32(epoch)?, sealed });
        }
        Ok(out)
    }

    fn census(&self) -> Result<Census> {
        let conn = self.reader();
        let (teams, pending, active, revoked): (i64, i64, i64, i64) = conn.query_row(
            "SELECT (SELECT COUNT(*) FROM teams),
                    COUNT(CASE WHEN status = 'pending' THEN 1 END),
                    COUNT(CASE WHEN status = 'active' THEN 1 END),
                    COUNT(CASE WHEN status = 'revoked' THEN 1 END)
             FROM devices",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let count = |n: i64| u64::try_from(n).map_err(|_| RelayError::Internal("a negative count".into()));
        Ok(Census {
            teams: count(teams)?,
            devices_pending: count(pending)?,
            devices_active: count(active)?,
            devices_revoked: count(revoked)?,
        })
    }

    fn record(&self, events: &[AuditRecord]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for e in events {
            insert_audit(&tx, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn audit(&self) -> Result<Vec<AuditRecord>> {
        let conn = self.reader();
        let mut stmt = conn.prepare("SELECT at, team_id, device_id, action, status, details FROM audit ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<u16>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, team_id, device_id, action, status, details) = row?;
            let details = serde_json::from_str(&details)
                .map_err(|e| RelayError::Internal(format!("stored audit details are corrupt: {e}")))?;
            out.push(AuditRecord { at: from_ms(at)?, device_id, action, team_id, status, details });
        }
        Ok(out)
    }
}

/// The enrolled (active) devices of a team.
fn team_members(conn: &Connection, team: &str) -> Result<Vec<(String, WireRole)>> {
    let mut stmt = conn.prepare("SELECT id, role FROM devices WHERE team_id = ?1 AND status = 'active'")?;
    let rows = stmt.query_map(params![team], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, role) = row?;
        out.push((id, parse_role(&role)?));
    }
    Ok(out)
}

/// Appends one replay row per entry of `doc` so far, after `seq`; the audience change
/// that asks for them lands at the returned seq + 1. Returns the last seq used.
fn append_replay(conn: &Connection, team: &str, doc: &str, seq: i64, now_ms: i64) -> Result<i64> {
    let count: i64 = conn.query_row(
        "SELECT COUNT(*) FROM log WHERE team_id = ?1 AND doc = ?2 AND src_seq IS NULL",
        params![team, doc],
        |r| r.get(0),
    )?;
    let event_seq = seq + count + 1;
    conn.execute(
        "INSERT INTO log (team_id, seq, doc, author, hash, ciphertext, src_seq, event_seq, at)
         SELECT team_id, ?3 + ROW_NUMBER() OVER (ORDER BY seq), doc, author, hash, NULL, seq, ?4, ?5
         FROM log WHERE team_id = ?1 AND doc = ?2 AND src_seq IS NULL
         ORDER BY seq",
        params![team, doc, seq, event_seq, now_ms],
    )?;
    Ok(seq + count)
}

/// One page of `by`'s view of its team log, read in one snapshot.
fn read_page(conn: &Connection, by: &DeviceAuth, query: &PullQuery) -> Result<PullPage> {
    let team = by.team_id.as_str();
    let latest: i64 = conn
        .query_row("SELECT seq FROM teams WHERE id = ?1", params![team], |r| r.get(0))
        .optional()?
        .ok_or_else(|| RelayError::Internal("the device's team is missing".into()))?;
    let key_epoch = device_key_epoch(conn, by)?;
    let after = seq_i64(query.after);
    if after >= latest {
        return Ok(PullPage {
            entries: Vec::new(),
            next_after: query.after,
            more: false,
            purge: Vec::new(),
            key_epoch,
        });
    }
    let hi = latest.min(after.saturating_add(seq_i64(SCAN_WINDOW)));
    let limit = usize::try_from(query.limit.max(1)).unwrap_or(usize::MAX);
    let role = role_bit(by.role);
    let mut entries: Vec<PullEntry> = Vec::new();
    let mut bytes = 0usize;
    let mut full = false;
    {
        let mut stmt = conn.prepare_cached(&pull_sql())?;
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let mut rows = stmt.query(params![team, after, hi, role, by.device_id, fetch])?;
        while let Some(row) = rows.next()? {
            let ciphertext: Option<String> = row.get(4)?;
            let Some(ciphertext) = ciphertext else {
                return Err(RelayError::Internal("a replay row points at no entry".into()));
            };
            if entries.len() >= limit || (!entries.is_empty() && bytes + ciphertext.len() > query.max_bytes) {
                full = true;
                break;
            }
            bytes += ciphertext.len();
            entries.push(PullEntry {
                seq: seq_u64(row.get(0)?)?,
                doc: row.get(1)?,
                author: row.get(2)?,
                hash: row.get(3)?,
                ciphertext,
            });
        }
    }
    let (next_after, more) = match entries.last() {
        Some(last) if full => (last.seq, true),
        _ => (seq_u64(hi)?, hi < latest),
    };
    let mut purge = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&purge_sql())?;
        let rows = stmt.query_map(params![team, after, latest, role, by.device_id], |r| r.get::<_, String>(0))?;
        for row in rows {
            purge.push(row?);
        }
    }
    Ok(PullPage { entries, next_after, more, purge, key_epoch })
}

/// The highest key epoch stored for `by`'s device (one primary-key lookup).
fn device_key_epoch(conn: &Connection, by: &DeviceAuth) -> Result<Option<u32>> {
    let epoch: Option<i64> = conn.query_row(
        "SELECT MAX(epoch) FROM key_envelopes WHERE device_id = ?1 AND team_id = ?2",
        params![by.device_id, by.team_id],
        |r| r.get(0),
    )?;
    epoch.map(epoch_u32).transpose()
}
