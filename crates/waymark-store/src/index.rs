//! The query index: rows derived from the documents (never edited on their own), so
//! lists and searches need no automerge load. `reindex` rebuilds a document's rows in
//! the same transaction that changed it.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ReadDoc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use waymark_domain::duplicates::normalize;
use waymark_domain::encounter::Encounter;
use waymark_domain::note::CaseNote;
use waymark_domain::person::Person;
use waymark_domain::referral::Referral;
use waymark_domain::role::OfficerCard;
use waymark_domain::{EncounterId, NoteId, PersonId, ReferralId};

use crate::codec;
use crate::docid::{DocId, DocKind};
use crate::error::{Result, StoreError};

/// Separates names in the search column, so a query cannot match across two names.
const SEP: &str = "\u{1f}";

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn search_text(name: Option<&str>, aliases: &[String]) -> String {
    let mut parts: Vec<String> = name.into_iter().map(normalize).collect();
    parts.extend(aliases.iter().map(|a| normalize(a)));
    format!("{SEP}{}{SEP}", parts.join(SEP))
}

/// The office's marks per person (see `codec::Marks`), created when a store opens so
/// stores made before them get the table too.
pub(crate) const MARKS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS person_marks (
    person_id TEXT PRIMARY KEY,
    conference INTEGER NOT NULL,
    not_duplicates TEXT NOT NULL
) WITHOUT ROWID;
";

pub(crate) fn reindex(conn: &Connection, id: DocId, doc: &AutoCommit) -> Result<()> {
    // A document whose first change has not arrived yet (later ones came first) has
    // nothing to index.
    if doc.get(automerge::ROOT, "kind")?.is_none() {
        return Ok(());
    }
    let uuid = id.id;
    match id.kind {
        DocKind::Team => {
            // Read once so a damaged team document is refused here, not later.
            codec::read_team(doc)?;
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('team_doc', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [id.to_string()],
            )?;
        }
        DocKind::Person => {
            let p = codec::read_person(doc, PersonId::from_uuid(uuid))?;
            conn.execute(
                "INSERT OR REPLACE INTO persons (id, display_name, name, aliases, search, dob, description, status,
                    case_manager, merged_into, updated_ms, record, conflicts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    p.id.to_string(),
                    p.display_name(),
                    p.name,
                    p.aliases.join(SEP),
                    search_text(p.name.as_deref(), &p.aliases),
                    p.dob.map(|d| d.to_string()),
                    p.description,
                    p.status.as_str(),
                    p.case_manager,
                    p.merged_into.map(|m| m.to_string()),
                    p.updated_at.as_millisecond(),
                    json(&p)?,
                    json(&codec::conflicts(doc, codec::PERSON_FIELDS)?)?,
                ],
            )?;
            let marks = codec::read_marks(doc)?;
            let others: Vec<String> = marks.not_duplicates.iter().map(ToString::to_string).collect();
            conn.execute(
                "INSERT OR REPLACE INTO person_marks (person_id, conference, not_duplicates) VALUES (?1, ?2, ?3)",
                params![p.id.to_string(), marks.conference, json(&others)?],
            )?;
        }
        DocKind::Card => {
            let c = codec::read_card(doc, PersonId::from_uuid(uuid))?;
            conn.execute(
                "INSERT OR REPLACE INTO cards (person_id, search, merged_into, referred_by, updated_ms, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    c.person_id.to_string(),
                    search_text(Some(&c.display_name), &[]),
                    c.merged_into.map(|m| m.to_string()),
                    c.referred_by.map(|m| m.to_string()),
                    c.updated_at.as_millisecond(),
                    json(&c)?,
                ],
            )?;
        }
        DocKind::Encounter => {
            let e = codec::read_encounter(doc, EncounterId::from_uuid(uuid))?;
            conn.execute(
                "INSERT OR REPLACE INTO encounters (id, person_id, at_ms, lat, lon, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    e.id.to_string(),
                    e.person_id.map(|p| p.to_string()),
                    e.at.utc.as_millisecond(),
                    e.location.map(|l| l.lat),
                    e.location.map(|l| l.lon),
                    json(&e)?,
                ],
            )?;
        }
        DocKind::Referral => {
            let r = codec::read_referral(doc, ReferralId::from_uuid(uuid))?;
            conn.execute(
                "INSERT OR REPLACE INTO referrals (id, person_id, status, deadline_ms, created_ms, referred_by, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    r.id.to_string(),
                    r.person_id.to_string(),
                    r.status.as_str(),
                    r.intake_deadline.as_millisecond(),
                    r.created_at.as_millisecond(),
                    r.referred_by.to_string(),
                    json(&r)?,
                ],
            )?;
        }
        DocKind::Note => {
            let n = codec::read_note(doc, NoteId::from_uuid(uuid))?;
            conn.execute(
                "INSERT OR REPLACE INTO notes (id, person_id, at_ms, record) VALUES (?1, ?2, ?3, ?4)",
                params![n.id.to_string(), n.person_id.to_string(), n.at.as_millisecond(), json(&n)?],
            )?;
        }
    }
    Ok(())
}

/// Removes a document's rows from the index.
pub(crate) fn unindex(conn: &Connection, id: DocId) -> Result<()> {
    let key = id.id.hyphenated().to_string();
    let sql = match id.kind {
        DocKind::Team => return Ok(()),
        DocKind::Person => {
            conn.execute("DELETE FROM person_marks WHERE person_id = ?1", [&key])?;
            "DELETE FROM persons WHERE id = ?1"
        }
        DocKind::Card => "DELETE FROM cards WHERE person_id = ?1",
        DocKind::Encounter => "DELETE FROM encounters WHERE id = ?1",
        DocKind::Referral => "DELETE FROM referrals WHERE id = ?1",
        DocKind::Note => "DELETE FROM notes WHERE id = ?1",
    };
    conn.execute(sql, [key])?;
    Ok(())
}

/// What duplicate scoring needs of each person on the roster.
#[derive(Debug, Clone)]
pub struct DuplicateRow {
    pub id: PersonId,
    pub name: Option<String>,
    pub aliases: Vec<String>,
    pub dob: Option<String>,
    pub description: Option<String>,
}

/// Concurrent values of a person's fields, by field.
pub type Conflicts = BTreeMap<String, Vec<serde_json::Value>>;

/// A person and the fields that hold concurrent values.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub person: Person,
    pub conflicts: Conflicts,
}

fn person_rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<PersonRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    let bad = |e: serde_json::Error| StoreError::Corrupt(format!("index record: {e}"));
    while let Some(row) = rows.next()? {
        let person = serde_json::from_str(row.get_ref(0)?.as_str()?).map_err(bad)?;
        let conflicts = serde_json::from_str(row.get_ref(1)?.as_str()?).map_err(bad)?;
        out.push(PersonRow { person, conflicts });
    }
    Ok(out)
}

/// Read-only queries over the index.
#[derive(Debug)]
pub struct Query<'c> {
    conn: &'c Connection,
}

fn records<T: DeserializeOwned>(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let text = row.get_ref(0)?.as_str()?;
        out.push(serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("index record: {e}")))?);
    }
    Ok(out)
}

impl<'c> Query<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    /// The team's settings (defaults if no team document exists yet).
    pub fn team_doc(&self) -> Result<Option<DocId>> {
        let text: Option<String> =
            self.conn.query_row("SELECT value FROM meta WHERE key = 'team_doc'", [], |r| r.get(0)).optional()?;
        text.map(|t| t.parse()).transpose()
    }

    pub fn local(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Persons marked for the next case conference.
    pub fn conference_marked(&self) -> Result<Vec<PersonId>> {
        let mut stmt = self.conn.prepare_cached("SELECT person_id FROM person_marks WHERE conference = 1")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter().map(|t| t.parse().map_err(|e| StoreError::Corrupt(format!("person id: {e}")))).collect()
    }

    /// Every pair a reviewer marked as not the same person, smaller id first.
    pub fn not_duplicate_pairs(&self) -> Result<std::collections::HashSet<(PersonId, PersonId)>> {
        let mut stmt = self.conn.prepare_cached("SELECT person_id, not_duplicates FROM person_marks")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = std::collections::HashSet::new();
        for (id, others) in rows {
            let id: PersonId = id.parse().map_err(|e| StoreError::Corrupt(format!("person id: {e}")))?;
            let others: Vec<String> =
                serde_json::from_str(&others).map_err(|e| StoreError::Corrupt(format!("marks: {e}")))?;
            for other in others {
                let other: PersonId = other.parse().map_err(|e| StoreError::Corrupt(format!("person id: {e}")))?;
                out.insert((id.min(other), id.max(other)));
            }
        }
        Ok(out)
    }

    pub fn person(&self, id: PersonId) -> Result<Option<PersonRow>> {
        Ok(person_rows(self.conn, "SELECT record, conflicts FROM persons WHERE id = ?1", [id.to_string()])?.pop())
    }

    /// Persons in the roster that were not merged into another, most recently
    /// updated first.
    pub fn persons(&self) -> Result<Vec<PersonRow>> {
        person_rows(
            self.conn,
            "SELECT record, conflicts FROM persons WHERE merged_into IS NULL ORDER BY updated_ms DESC, id",
            [],
        )
    }

    /// Persons whose name or an alias contains `text` (case- and accent-insensitive).
    pub fn search_persons(&self, text: &str, limit: usize) -> Result<Vec<PersonRow>> {
        let needle = normalize(text);
        // Names and aliases match ignoring punctuation and case; a description
        // ("red backpack") matches as typed, ignoring case. Name matches come first.
        let phrase = text.trim().to_lowercase();
        person_rows(
            self.conn,
            "SELECT record, conflicts FROM persons WHERE merged_into IS NULL
               AND (instr(search, ?1) > 0 OR (?3 <> '' AND instr(lower(description), ?3) > 0))
             ORDER BY instr(search, ?1) = 0, updated_ms DESC, id LIMIT ?2",
            params![needle, i64::try_from(limit).unwrap_or(i64::MAX), phrase],
        )
    }

    pub fn duplicate_rows(&self) -> Result<Vec<DuplicateRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, aliases, dob, description FROM persons WHERE merged_into IS NULL")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let aliases: String = row.get(2)?;
            out.push(DuplicateRow {
                id: id.parse().map_err(|e| StoreError::Corrupt(format!("person id: {e}")))?,
                name: row.get(1)?,
                aliases: aliases.split(SEP).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
                dob: row.get(3)?,
                description: row.get(4)?,
            });
        }
        Ok(out)
    }

    /// The id a person's records resolve to: the end of its `merged_into` chain.
    pub fn resolve_person(&self, id: PersonId) -> Result<PersonId> {
        let mut current = id;
        // A chain is at most as long as the number of merges; the bound only guards
        // against a cycle made by two concurrent merges in opposite directions.
        for _ in 0..64 {
            let next: Option<Option<String>> = self
                .conn
                .query_row(
                    "SELECT merged_into FROM persons WHERE id = ?1
                     UNION ALL SELECT merged_into FROM cards WHERE person_id = ?1 LIMIT 1",
                    [current.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            match next.flatten() {
                Some(text) => {
                    let next: PersonId = text.parse().map_err(|e| StoreError::Corrupt(format!("merged_into: {e}")))?;
                    if next == id {
                        break;
                    }
                    current = next;
                }
                None => break,
            }
        }
        Ok(current)
    }

    /// Every person id that resolves to `id` (itself and everything merged into it).
    pub fn merged_ids(&self, id: PersonId) -> Result<Vec<PersonId>> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() && out.len() < 1000 {
            let mut stmt = self.conn.prepare_cached("SELECT id FROM persons WHERE merged_into = ?1")?;
            let ids = stmt
                .query_map([out[i].to_string()], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for text in ids {
                let pid: PersonId = text.parse().map_err(|e| StoreError::Corrupt(format!("person id: {e}")))?;
                if !out.contains(&pid) {
                    out.push(pid);
                }
            }
            i += 1;
        }
        Ok(out)
    }

    pub fn card(&self, person_id: PersonId) -> Result<Option<OfficerCard>> {
        Ok(records(self.conn, "SELECT record FROM cards WHERE person_id = ?1", [person_id.to_string()])?.pop())
    }

    /// Cards whose display name contains `text`, not merged away.
    /// Every officer card in this store.
    pub fn cards(&self) -> Result<Vec<OfficerCard>> {
        records(self.conn, "SELECT record FROM cards", [])
    }

    pub fn search_cards(&self, text: &str, limit: usize) -> Result<Vec<OfficerCard>> {
        records(
            self.conn,
            "SELECT record FROM cards WHERE merged_into IS NULL AND instr(search, ?1) > 0
             ORDER BY updated_ms DESC, person_id LIMIT ?2",
            params![normalize(text), i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    pub fn encounter(&self, id: EncounterId) -> Result<Option<Encounter>> {
        Ok(records(self.conn, "SELECT record FROM encounters WHERE id = ?1", [id.to_string()])?.pop())
    }

    /// Encounters of the given persons (all encounters when `None`), newest first.
    pub fn encounters(&self, persons: Option<&[PersonId]>) -> Result<Vec<Encounter>> {
        match persons {
            None => records(self.conn, "SELECT record FROM encounters ORDER BY at_ms DESC, id", []),
            Some(ids) => {
                let mut out: Vec<Encounter> = Vec::new();
                for id in ids {
                    out.extend(records::<Encounter>(
                        self.conn,
                        "SELECT record FROM encounters WHERE person_id = ?1 ORDER BY at_ms DESC, id",
                        [id.to_string()],
                    )?);
                }
                out.sort_by(|a, b| b.at.utc.cmp(&a.at.utc).then(a.id.cmp(&b.id)));
                Ok(out)
            }
        }
    }

    pub fn referral(&self, id: ReferralId) -> Result<Option<Referral>> {
        Ok(records(self.conn, "SELECT record FROM referrals WHERE id = ?1", [id.to_string()])?.pop())
    }

    /// Referrals with the open ones first, soonest deadline first.
    pub fn referrals(&self) -> Result<Vec<Referral>> {
        records(
            self.conn,
            "SELECT record FROM referrals
             ORDER BY CASE WHEN status IN ('new', 'contacted') THEN 0 ELSE 1 END, deadline_ms, id",
            [],
        )
    }

    pub fn notes(&self, person_id: PersonId) -> Result<Vec<CaseNote>> {
        records(
            self.conn,
            "SELECT record FROM notes WHERE person_id = ?1 ORDER BY at_ms DESC, id",
            [person_id.to_string()],
        )
    }

    /// Counts of each kind of row, for status lines and tests.
    pub fn count(&self, table: Table) -> Result<i64> {
        let sql = match table {
            Table::Persons => "SELECT count(*) FROM persons",
            Table::Cards => "SELECT count(*) FROM cards",
            Table::Encounters => "SELECT count(*) FROM encounters",
            Table::Referrals => "SELECT count(*) FROM referrals",
            Table::Notes => "SELECT count(*) FROM notes",
        };
        Ok(self.conn.query_row(sql, [], |r| r.get(0))?)
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Table {
    Persons,
    Cards,
    Encounters,
    Referrals,
    Notes,
}
