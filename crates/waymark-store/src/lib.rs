//! Waymark's device store: every record lives in its own automerge document; the
//! documents' changes and a query index live in one SQLCipher-encrypted SQLite file.
//!
//! Every user action is one SQLite transaction (WAL, `synchronous=FULL`): it writes the
//! new automerge change, queues it for the relay, and updates the index, and the
//! caller is told "saved" only after the commit returned. This crate knows nothing of
//! roles, the network or the CLI; the device crate decides who may call what.

mod audit;
pub mod codec;
mod db;
mod docid;
mod error;
mod index;
mod keys;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

use automerge::{ActorId, AutoCommit, Change, ChangeHash};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use waymark_domain::DeviceId;
use waymark_domain::role::Role;
use waymark_domain::team::TeamSettings;

pub use codec::PERSON_FIELDS;
pub use docid::{DocId, DocKind};
pub use error::{Result, StoreError};
pub use index::{Conflicts, DuplicateRow, PersonRow, Query, Table};
pub use keys::{KeyFile, MIN_PASSPHRASE, check_new_passphrase as keys_check_passphrase};

/// Documents with more changes than this since their snapshot are compacted into a
/// new snapshot in the same transaction as the write that crossed the line.
const COMPACT_AFTER: i64 = 32;
/// How many loaded documents a process keeps in memory.
const CACHE_DOCS: usize = 512;

pub const DB_FILE: &str = "waymark.db";
pub const KEY_FILE: &str = "key.json";

/// Who this device is. Written once at `init` or enrollment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceMeta {
    pub device_id: DeviceId,
    pub role: Role,
    pub team_id: Uuid,
    /// The worker's name and phone, shown as case manager on cards they hold.
    pub user_name: Option<String>,
    pub user_phone: Option<String>,
    pub created_at: jiff::Timestamp,
}

/// A local change waiting for the relay.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub doc: DocId,
    /// The automerge change hash.
    pub hash: Vec<u8>,
    /// The change's bytes.
    pub bytes: Vec<u8>,
}

/// Deletes a store's files: what a revoked device does at its next contact, and the
/// app after too many wrong passphrases. Each file is overwritten before it is
/// removed, `key.json` first: without its salt the passphrase can never derive the
/// key again, so the database is unreadable from that moment even if a crash stops
/// the wipe halfway.
pub fn wipe(dir: &Path) -> Result<()> {
    let io = |source| StoreError::Io { path: dir.into(), source };
    for name in [KEY_FILE, DB_FILE, "waymark.db-wal", "waymark.db-shm"] {
        let path = dir.join(name);
        if let Ok(meta) = fs::metadata(&path) {
            let zeros = vec![0u8; 64 * 1024];
            let mut left = meta.len();
            let mut f = fs::OpenOptions::new().write(true).open(&path).map_err(io)?;
            while left > 0 {
                let n = left.min(zeros.len() as u64) as usize;
                std::io::Write::write_all(&mut f, &zeros[..n]).map_err(io)?;
                left -= n as u64;
            }
            f.sync_all().map_err(io)?;
            fs::remove_file(&path).map_err(io)?;
        }
    }
    Ok(())
}

/// A cached document and the generation of its row when it was loaded, so a write by
/// another process (the app and the CLI on one store) is noticed and reloaded.
#[derive(Debug)]
struct Cached {
    doc: AutoCommit,
    generation: i64,
}

/// An open device store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    meta: DeviceMeta,
    actor: ActorId,
    cache: HashMap<DocId, Cached>,
    /// The database key, kept (zeroized on drop) so `reopen` needs no passphrase.
    key: Zeroizing<[u8; 32]>,
}

impl Store {
    /// Creates a new store in `dir` (made if missing) encrypted under `passphrase`.
    pub fn create(dir: &Path, passphrase: &str, meta: DeviceMeta) -> Result<Store> {
        keys::check_new_passphrase(passphrase)?;
        let io = |source| StoreError::Io { path: dir.into(), source };
        fs::create_dir_all(dir).map_err(io)?;
        owner_only(dir, 0o700)?;
        let db_path = dir.join(DB_FILE);
        if db_path.exists() {
            return Err(StoreError::AlreadyInitialized(dir.into()));
        }
        // A key file without a database is what a crash during an earlier `init`
        // leaves; nothing was ever stored under it.
        let key_file = KeyFile::generate()?;
        key_file.write(&dir.join(KEY_FILE))?;
        let key = key_file.derive(passphrase)?;
        let tmp_path = dir.join("waymark.db.creating");
        let _ = fs::remove_file(&tmp_path);
        {
            let mut conn = db::open(&tmp_path, &key, true)?;
            db::create_schema(&mut conn)?;
            let text = serde_json::to_string(&meta).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            conn.execute("INSERT INTO meta (key, value) VALUES ('device', ?1)", [text])?;
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        for suffix in ["-wal", "-shm"] {
            let _ = fs::remove_file(dir.join(format!("waymark.db.creating{suffix}")));
        }
        // The database appears under its real name only once it is complete.
        fs::rename(&tmp_path, &db_path).map_err(io)?;
        owner_only(&db_path, 0o600)?;
        owner_only(&dir.join(KEY_FILE), 0o600)?;
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        Store::open(dir, passphrase)
    }

    /// Opens the store in `dir` with `passphrase`.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Store> {
        let db_path = dir.join(DB_FILE);
        let key_path = dir.join(KEY_FILE);
        if !db_path.exists() || !key_path.exists() {
            return Err(StoreError::NotInitialized(dir.into()));
        }
        let key = KeyFile::read(&key_path)?.derive(passphrase)?;
        Store::open_with_key(dir, key)
    }

    /// A second handle on this store (its own connection, cache and actor), e.g. for
    /// a background sync beside the app's reads and writes. No passphrase: it reuses
    /// this handle's key.
    pub fn reopen(&self) -> Result<Store> {
        Store::open_with_key(&self.dir, self.key.clone())
    }

    fn open_with_key(dir: &Path, key: Zeroizing<[u8; 32]>) -> Result<Store> {
        let db_path = dir.join(DB_FILE);
        let conn = db::open(&db_path, &key, false)?;
        db::check_schema(&conn)?;
        conn.execute_batch(audit::SCHEMA)?;
        conn.execute_batch(audit::CONFLICTS_SCHEMA)?;
        conn.execute_batch(index::MARKS_SCHEMA)?;
        // Fold what the last session left in the WAL into the database, here rather
        // than inside a user's save.
        checkpoint(&conn)?;
        let text: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotInitialized(dir.into()))?;
        let meta: DeviceMeta = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("device: {e}")))?;
        // A fresh actor per opened store: two processes on one store (the app and the
        // CLI) must never reuse an actor's sequence numbers.
        let mut actor = meta.device_id.as_uuid().as_bytes().to_vec();
        let mut session = [0u8; 8];
        error::random_bytes(&mut session)?;
        actor.extend_from_slice(&session);
        Ok(Store { conn, dir: dir.into(), meta, actor: ActorId::from(actor), cache: HashMap::new(), key })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn meta(&self) -> &DeviceMeta {
        &self.meta
    }

    /// Runs `f` as one durable transaction: every document it changes, the changes'
    /// place in the outbox and the index are committed together or not at all.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_, '_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let mut writer =
            Writer { tx, cache: &mut self.cache, actor: &self.actor, meta: &self.meta, touched: Vec::new() };
        let result = f(&mut writer);
        let Writer { tx, touched, .. } = writer;
        let committed = match result {
            Ok(value) => tx.commit().map(|()| value).map_err(|e| E::from(StoreError::from(e))),
            Err(e) => {
                drop(tx);
                Err(e)
            }
        };
        if committed.is_err() {
            // Documents changed in memory by a transaction that did not commit must not
            // be seen again.
            for id in touched {
                self.cache.remove(&id);
            }
        }
        committed
    }

    /// Applies one change received from another device (directly or through the
    /// relay). Duplicates are harmless, and so is any order: a change whose
    /// dependencies have not arrived is kept until they do. Returns whether the change
    /// was new to this store.
    pub fn apply_remote(&mut self, doc_id: DocId, change: &[u8]) -> Result<bool> {
        self.write(|w| w.apply_remote(doc_id, change))
    }

    /// Every change of every document, for handing to another device.
    pub fn export_changes(&mut self) -> Result<Vec<(DocId, Vec<u8>)>> {
        let ids = self.doc_ids()?;
        let mut out = Vec::new();
        for id in ids {
            let doc = self.doc(id)?.ok_or_else(|| StoreError::Corrupt(format!("{id} vanished")))?;
            for change in doc.get_changes(&[]) {
                out.push((id, change.raw_bytes().to_vec()));
            }
        }
        Ok(out)
    }

    pub fn doc_ids(&self) -> Result<Vec<DocId>> {
        let mut stmt = self.conn.prepare("SELECT doc_id FROM docs ORDER BY doc_id")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter().map(|s| s.parse()).collect()
    }

    /// A document as it is now (loaded from disk or the cache), or `None`.
    pub fn doc(&mut self, id: DocId) -> Result<Option<&mut AutoCommit>> {
        let generation = doc_generation(&self.conn, id)?;
        let Some(generation) = generation else { return Ok(None) };
        let fresh = matches!(self.cache.get(&id), Some(c) if c.generation == generation);
        if !fresh {
            let doc = load_doc(&self.conn, id, &self.actor)?;
            insert_cache(&mut self.cache, id, Cached { doc, generation });
        }
        Ok(self.cache.get_mut(&id).map(|c| &mut c.doc))
    }

    /// Local changes not yet acknowledged by the relay, oldest first.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached("SELECT doc_id, hash, bytes FROM outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (doc, hash, bytes) = row?;
            out.push(OutboxEntry { doc: doc.parse()?, hash, bytes });
        }
        Ok(out)
    }

    /// Removes changes the relay acknowledged from the outbox.
    pub fn ack_outbox(&mut self, acked: &[(DocId, Vec<u8>)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE doc_id = ?1 AND hash = ?2")?;
            for (doc, hash) in acked {
                stmt.execute(params![doc.to_string(), hash])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets a device-local value (sync state; never synced itself).
    pub fn set_local(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|w| w.set_local(key, value))
    }

    /// Number of documents in the store.
    pub fn doc_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM docs", [], |r| r.get(0))?)
    }

    /// Number of local changes not yet acknowledged by the relay.
    pub fn pending_changes(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }

    /// Whether a document has local changes not yet on the relay.
    /// Every document with local changes not yet on the relay, in one query (for
    /// marking whole lists).
    pub fn pending_docs(&self) -> Result<std::collections::HashSet<DocId>> {
        let mut stmt = self.conn.prepare_cached("SELECT DISTINCT doc_id FROM outbox")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter().map(|s| s.parse()).collect()
    }

    pub fn is_pending(&self, id: DocId) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM outbox WHERE doc_id = ?1)", [id.to_string()], |r| r.get(0))?)
    }

    /// Read-only queries over the index.
    pub fn query(&self) -> Query<'_> {
        Query::new(&self.conn)
    }

    /// Moves committed pages from the WAL into the database file. Call when idle; the
    /// store also does it when it opens and closes. Never needed for durability.
    pub fn checkpoint(&self) -> Result<()> {
        checkpoint(&self.conn)
    }

    /// Checks the file (SQLite's integrity check) and that every document loads.
    pub fn check_integrity(&mut self) -> Result<()> {
        let verdict: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(StoreError::Corrupt(format!("integrity check: {verdict}")));
        }
        for id in self.doc_ids()? {
            load_doc(&self.conn, id, &self.actor)?;
        }
        Ok(())
    }

    /// The team's settings: from the team document, or the defaults before one exists.
    pub fn team(&mut self) -> Result<TeamSettings> {
        match self.query().team_doc()? {
            Some(id) => match self.doc(id)? {
                Some(doc) => codec::read_team(doc),
                None => Ok(TeamSettings::default()),
            },
            None => Ok(TeamSettings::default()),
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Best effort: a failed checkpoint loses nothing (the WAL is durable) and the
        // next open tries again.
        let _ = checkpoint(&self.conn);
    }
}

fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    Ok(())
}

/// Restricts a file or folder to its owner: nothing in a store is for other users.
#[cfg(unix)]
fn owner_only(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|source| StoreError::Io { path: path.into(), source })
}

#[cfg(not(unix))]
fn owner_only(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

fn insert_cache(cache: &mut HashMap<DocId, Cached>, id: DocId, entry: Cached) {
    if cache.len() >= CACHE_DOCS && !cache.contains_key(&id) {
        // Any entry will do: a miss only costs a reload.
        if let Some(victim) = cache.keys().next().copied() {
            cache.remove(&victim);
        }
    }
    cache.insert(id, entry);
}

fn doc_generation(conn: &Connection, id: DocId) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT generation FROM docs WHERE doc_id = ?1", [id.to_string()], |r| r.get(0)).optional()?)
}

fn load_doc(conn: &Connection, id: DocId, actor: &ActorId) -> Result<AutoCommit> {
    let key = id.to_string();
    let snapshot: Option<Vec<u8>> =
        conn.query_row("SELECT snapshot FROM docs WHERE doc_id = ?1", [&key], |r| r.get(0)).optional()?.flatten();
    let mut doc = match snapshot {
        Some(bytes) => AutoCommit::load(&bytes).map_err(|e| StoreError::Corrupt(format!("{id}: {e}")))?,
        None => AutoCommit::new(),
    };
    let mut stmt = conn.prepare_cached("SELECT bytes FROM changes WHERE doc_id = ?1")?;
    let mut rows = stmt.query([&key])?;
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.extend_from_slice(row.get_ref(0)?.as_blob()?);
    }
    if !all.is_empty() {
        doc.load_incremental(&all).map_err(|e| StoreError::Corrupt(format!("{id}: {e}")))?;
    }
    doc.set_actor(actor.clone());
    Ok(doc)
}

/// The inside of one write transaction.
#[derive(Debug)]
pub struct Writer<'t, 'c> {
    tx: rusqlite::Transaction<'t>,
    cache: &'c mut HashMap<DocId, Cached>,
    actor: &'c ActorId,
    meta: &'c DeviceMeta,
    touched: Vec<DocId>,
}

impl Writer<'_, '_> {
    /// Loads `id` (an empty document if it does not exist yet), lets `f` change it,
    /// and stores the resulting change and index rows. Returns whether `f` changed
    /// anything.
    pub fn update(&mut self, id: DocId, f: impl FnOnce(&mut AutoCommit) -> Result<()>) -> Result<bool> {
        let mut cached = self.take(id)?;
        f(&mut cached.doc)?;
        let changed = match cached.doc.commit() {
            Some(hash) => {
                let change = cached
                    .doc
                    .get_change_by_hash(&hash)
                    .ok_or_else(|| StoreError::Corrupt(format!("{id}: new change {hash} not found")))?;
                let bytes = change.raw_bytes().to_vec();
                self.store_change(id, &hash, &bytes, true)?;
                true
            }
            None => false,
        };
        self.finish(id, cached, changed)?;
        Ok(changed)
    }

    /// Reads a document inside the transaction (`None` if it does not exist).
    pub fn read<T>(&mut self, id: DocId, f: impl FnOnce(&AutoCommit) -> Result<T>) -> Result<Option<T>> {
        if doc_generation(&self.tx, id)?.is_none() {
            return Ok(None);
        }
        let cached = self.take(id)?;
        let result = f(&cached.doc);
        insert_cache(self.cache, id, cached);
        result.map(Some)
    }

    /// Applies one change received from another device; see `Store::apply_remote`.
    pub fn apply_remote(&mut self, id: DocId, change: &[u8]) -> Result<bool> {
        let change = Change::from_bytes(change.to_vec())
            .map_err(|e| StoreError::Corrupt(format!("{id}: not an automerge change: {e}")))?;
        let hash = change.hash();
        let mut cached = self.take(id)?;
        if cached.doc.get_change_by_hash(&hash).is_some() {
            insert_cache(self.cache, id, cached);
            return Ok(false);
        }
        // Stored before it is applied: a change whose dependencies have not arrived
        // yet waits in automerge's queue, and must not be lost if the process dies.
        let inserted = self.store_change(id, &hash, change.raw_bytes(), false)?;
        cached.doc.apply_changes([change]).map_err(|e| StoreError::Corrupt(format!("{id}: {e}")))?;
        if !inserted {
            insert_cache(self.cache, id, cached);
            return Ok(false);
        }
        self.finish(id, cached, true)?;
        Ok(true)
    }

    fn take(&mut self, id: DocId) -> Result<Cached> {
        self.touched.push(id);
        let generation = doc_generation(&self.tx, id)?;
        match (self.cache.remove(&id), generation) {
            (Some(c), Some(g)) if c.generation == g => Ok(c),
            (_, Some(g)) => Ok(Cached { doc: load_doc(&self.tx, id, self.actor)?, generation: g }),
            (_, None) => {
                let mut doc = AutoCommit::new();
                doc.set_actor(self.actor.clone());
                Ok(Cached { doc, generation: 0 })
            }
        }
    }

    /// Stores a change; returns whether it was new to this store.
    fn store_change(&mut self, id: DocId, hash: &ChangeHash, bytes: &[u8], local: bool) -> Result<bool> {
        let key = id.to_string();
        let inserted = self.tx.execute(
            "INSERT OR IGNORE INTO changes (doc_id, hash, bytes) VALUES (?1, ?2, ?3)",
            params![key, hash.0.as_slice(), bytes],
        )?;
        if local {
            self.tx.execute(
                "INSERT OR IGNORE INTO outbox (doc_id, hash, bytes) VALUES (?1, ?2, ?3)",
                params![key, hash.0.as_slice(), bytes],
            )?;
        }
        Ok(inserted > 0)
    }

    /// Bumps the document's generation, compacts it when its change list is long,
    /// reindexes it, and puts it back in the cache.
    fn finish(&mut self, id: DocId, mut cached: Cached, changed: bool) -> Result<()> {
        if !changed {
            insert_cache(self.cache, id, cached);
            return Ok(());
        }
        let key = id.to_string();
        self.tx.execute(
            "INSERT INTO docs (doc_id, generation, pending_changes) VALUES (?1, 1, 1)
             ON CONFLICT (doc_id) DO UPDATE SET generation = generation + 1, pending_changes = pending_changes + 1",
            [&key],
        )?;
        let (generation, pending): (i64, i64) =
            self.tx.query_row("SELECT generation, pending_changes FROM docs WHERE doc_id = ?1", [&key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if pending > COMPACT_AFTER {
            let snapshot = cached.doc.save();
            self.tx.execute(
                "UPDATE docs SET snapshot = ?2, pending_changes = 0 WHERE doc_id = ?1",
                params![key, snapshot],
            )?;
            self.tx.execute("DELETE FROM changes WHERE doc_id = ?1", [&key])?;
        }
        index::reindex(&self.tx, id, &cached.doc)?;
        cached.generation = generation;
        insert_cache(self.cache, id, cached);
        Ok(())
    }

    /// Removes a document and everything derived from it: this device left its
    /// audience. Its changes leave the file too (`secure_delete` overwrites them).
    pub fn purge(&mut self, id: DocId) -> Result<()> {
        let key = id.to_string();
        for sql in [
            "DELETE FROM docs WHERE doc_id = ?1",
            "DELETE FROM changes WHERE doc_id = ?1",
            "DELETE FROM outbox WHERE doc_id = ?1",
        ] {
            self.tx.execute(sql, [&key])?;
        }
        index::unindex(&self.tx, id)?;
        self.cache.remove(&id);
        self.touched.push(id);
        Ok(())
    }

    /// Sets a device-local value (not synced).
    pub fn set_local(&mut self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Read-only queries over the index as this transaction sees it.
    pub fn query(&self) -> Query<'_> {
        Query::new(&self.tx)
    }
}
