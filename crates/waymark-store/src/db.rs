//! The SQLite (SQLCipher) file: opening it with the derived key, the pragmas that make
//! a commit durable, and the schema.
//!
//! Tables: `docs` (a compacted snapshot per document), `changes` (automerge changes
//! since that snapshot), `outbox` (local changes not yet on the relay) and the query
//! index (`persons`, `cards`, `encounters`, `referrals`, `notes`), which is derived
//! from the documents and rebuilt whenever a document changes.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::error::{Result, StoreError};

pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE docs (
    doc_id TEXT PRIMARY KEY,
    snapshot BLOB,
    generation INTEGER NOT NULL DEFAULT 0,
    pending_changes INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE changes (
    doc_id TEXT NOT NULL,
    hash BLOB NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (doc_id, hash)
) WITHOUT ROWID;
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    hash BLOB NOT NULL,
    bytes BLOB NOT NULL,
    UNIQUE (doc_id, hash)
);
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    name TEXT,
    aliases TEXT NOT NULL,
    search TEXT NOT NULL,
    dob TEXT,
    description TEXT,
    status TEXT NOT NULL,
    case_manager TEXT,
    merged_into TEXT,
    updated_ms INTEGER NOT NULL,
    record TEXT NOT NULL,
    conflicts TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX persons_merged ON persons (merged_into) WHERE merged_into IS NOT NULL;
CREATE TABLE cards (
    person_id TEXT PRIMARY KEY,
    search TEXT NOT NULL,
    merged_into TEXT,
    referred_by TEXT,
    updated_ms INTEGER NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE encounters (
    id TEXT PRIMARY KEY,
    person_id TEXT,
    at_ms INTEGER NOT NULL,
    lat REAL,
    lon REAL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX encounters_person ON encounters (person_id, at_ms);
CREATE INDEX encounters_at ON encounters (at_ms);
CREATE INDEX encounters_place ON encounters (lat, lon) WHERE lat IS NOT NULL;
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    status TEXT NOT NULL,
    deadline_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    referred_by TEXT NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX referrals_deadline ON referrals (status, deadline_ms);
CREATE INDEX referrals_person ON referrals (person_id);
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX notes_person ON notes (person_id, at_ms);
"#;

/// Opens (or creates) the encrypted database with a raw 256-bit key, so SQLCipher does
/// not run its own passphrase KDF on top of ours.
pub fn open(path: &Path, key: &Zeroizing<[u8; 32]>, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    // SQLCipher logs a failed page check to stderr; the caller reports a wrong
    // passphrase itself, in one line.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key.as_ref())));
    conn.execute_batch(&pragma)?;
    // The first read decides whether the key is right: SQLCipher reports a wrong key
    // as "file is not a database".
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            return Err(StoreError::WrongPassphrase(path.parent().unwrap_or(path).to_path_buf()));
        }
        Err(e) => return Err(e.into()),
    }
    // WAL with synchronous=FULL: a commit is on disk when it returns. Temporary tables
    // and sort spills stay in memory, never in plaintext temp files.
    //
    // Checkpoints: SQLite's default (every 1,000 pages) ran one inside about every
    // 100th save, a measured 7 ms p99 on a 10,000-contact store. At 4,000 pages
    // (16 MiB) it is one save in several hundred, and the WAL stays bounded (with no
    // automatic checkpoint at all it reached 225 MiB in one long session). The store
    // also checkpoints when it opens, when it closes and when the app is idle
    // (`Store::checkpoint`).
    //
    // A 32 MiB page cache keeps a 10,000-person roster's pages decrypted in memory, so
    // a search does not decrypt every page again (p99 30 ms -> 4 ms measured); the key
    // is in memory while the store is open anyway.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA wal_autocheckpoint = 4000;
         PRAGMA cache_size = -32768;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;",
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Creates the schema in a new database.
pub fn create_schema(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    tx.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?1)", [SCHEMA_VERSION.to_string()])?;
    tx.commit()?;
    Ok(())
}

/// Refuses a database written by a newer version of Waymark.
pub fn check_schema(conn: &Connection) -> Result<()> {
    let version: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
        .map(Some)
        .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })?;
    match version.as_deref().map(str::parse::<i64>) {
        Some(Ok(SCHEMA_VERSION)) => Ok(()),
        Some(Ok(v)) => {
            Err(StoreError::Corrupt(format!("store schema version {v} is not supported (expected {SCHEMA_VERSION})")))
        }
        _ => Err(StoreError::Corrupt("store has no schema version".into())),
    }
}
