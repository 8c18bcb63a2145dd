//! Exports for funders, evaluators and the HMIS lead (supervisor, audited): the HUD
//! HMIS CSV files (`waymark_domain::hmis`), contacts as CSV and as GeoJSON points
//! (`waymark_domain::export`).
//!
//! The domain makes the rows; this module gathers the records (persons resolved
//! through merges, consents judged at the relay's time), writes the files and records
//! one audit entry per export once every file is complete. Each file is written to a
//! temporary name beside it, synced and renamed, so a crash never leaves a half file
//! under a final name; of the HMIS files, `Export.csv` is renamed last, so a set cut
//! short by a crash shows an `ExportID` that does not match the others. Only our own
//! file names are written in a folder that holds other files. If the audit entry
//! cannot be written, the files just written are removed again: no export without its
//! entry.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use waymark_domain::audit::AuditAction;
use waymark_domain::consent::Party;
use waymark_domain::encounter::Encounter;
use waymark_domain::export::{self as rows, Period};
use waymark_domain::hmis::{self, HmisInput, HmisPerson};
use waymark_domain::location::Precision;
use waymark_domain::referral::ReferralStatus;
use waymark_domain::role::Action;
use waymark_domain::time;
use waymark_domain::{PersonId, ValidationError};
use waymark_store::StoreError;

use crate::error::Result;
use crate::{Device, DeviceError};

/// The answer of `export hmis`: the files written (the contract's `files`) and what
/// went into them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HmisExportView {
    pub files: Vec<String>,
    pub out: String,
    pub csv_version: String,
    pub export_id: String,
    pub clients: usize,
    pub enrollments: usize,
    pub exits: usize,
    pub living_situations: usize,
    pub services: usize,
    /// Participants left out: no consent covering HMIS in force (team policy `exclude`).
    pub excluded_without_consent: usize,
    /// Participants exported without identity (team policy `deidentify`).
    pub deidentified: usize,
    /// Persons still only referred, never contacted: not enrolled, not exported.
    pub not_enrolled: usize,
    pub living_situations_without_hmis_code: usize,
    /// Services given that HUD has no code for, by key (summed counts).
    pub services_without_hmis_code: BTreeMap<String, u32>,
}

/// The answer of `export csv`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CsvExportView {
    pub files: Vec<String>,
    pub out: String,
    pub contacts: usize,
    pub services: usize,
    /// The location precision of the file (never finer than the team's setting).
    pub precision: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The answer of `export geojson`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct GeojsonExportView {
    pub features: usize,
    pub out: String,
    /// The precision the points have: the coarser of the one asked for and the team's.
    pub precision: String,
    pub requested_precision: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

const CONTACTS_FILE: &str = "contacts.csv";
const SERVICES_FILE: &str = "services.csv";

fn io_error(path: &Path, source: std::io::Error) -> DeviceError {
    DeviceError::Store(StoreError::Io { path: path.to_path_buf(), source })
}

/// A whole CSV file: the header, then the rows, CRLF line ends (RFC 4180), fields
/// quoted where they need it.
fn csv_bytes(header: &[&str], rows: &[Vec<String>], path: &Path) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let bad = |e: csv::Error| io_error(path, std::io::Error::other(e.to_string()));
    w.write_record(header).map_err(bad)?;
    for row in rows {
        w.write_record(row).map_err(bad)?;
    }
    w.into_inner().map_err(|e| io_error(path, std::io::Error::other(e.to_string())))
}

/// Files written under temporary names, renamed into place by `commit`; dropped
/// uncommitted, the temporary files are removed.
struct Staged {
    dir: PathBuf,
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf(), files: Vec::new() }
    }

    /// Writes `bytes` to a temporary file beside `name` and syncs it.
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = std::fs::File::create(&temp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        // Registered before the result is checked, so a half-written file is removed.
        self.files.push((temp.clone(), target));
        result.map_err(|e| io_error(&temp, e))
    }

    /// Renames every file into place, in the order written, and syncs the folder.
    fn commit(mut self) -> Result<Vec<PathBuf>> {
        let files = std::mem::take(&mut self.files);
        let mut done = Vec::with_capacity(files.len());
        let mut pending = files.into_iter();
        while let Some((temp, target)) = pending.next() {
            if let Err(e) = std::fs::rename(&temp, &target) {
                let _ = std::fs::remove_file(&temp);
                for (t, _) in pending {
                    let _ = std::fs::remove_file(t);
                }
                return Err(io_error(&target, e));
            }
            done.push(target);
        }
        // Makes the renames durable where the platform allows syncing a folder.
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(done)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (temp, _) in &self.files {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// The folder `out` names, created if missing; refused when it is a file.
fn out_dir(out: &Path) -> Result<PathBuf> {
    if out.as_os_str().is_empty() {
        return Err(ValidationError::Empty("--out").into());
    }
    std::fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
    Ok(out.to_path_buf())
}

/// A path as the answer and the audit entry name it: absolute where it can be.
fn display(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

impl Device {
    /// Every encounter this device holds, each person id resolved through merges.
    fn resolved_encounters(&mut self) -> Result<Vec<Encounter>> {
        let list = self.store.query().encounters(None)?;
        let mut resolved: HashMap<PersonId, PersonId> = HashMap::new();
        let mut out = Vec::with_capacity(list.len());
        for mut e in list {
            if let Some(p) = e.person_id {
                let kept = match resolved.get(&p) {
                    Some(k) => *k,
                    None => {
                        let k = self.store.query().resolve_person(p)?;
                        resolved.insert(p, k);
                        k
                    }
                };
                e.person_id = Some(kept);
            }
            out.push(e);
        }
        Ok(out)
    }

    /// Removes files already in place after the audit entry could not be written.
    fn audit_or_remove(&mut self, draft: waymark_domain::audit::AuditDraft, written: &[PathBuf]) -> Result<()> {
        if let Err(e) = self.audit_now(draft) {
            for f in written {
                let _ = std::fs::remove_file(f);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Writes the HUD HMIS CSV files (FY2026) into the folder `out` (supervisor). A
    /// participant without a consent covering HMIS in force (at the relay's time) is
    /// left out or de-identified as the team's `hmis_without_consent` says.
    pub fn export_hmis(&mut self, out: &Path) -> Result<HmisExportView> {
        self.require(Action::Export, "export")?;
        let team = self.team()?;
        let tz = time::time_zone(&team.time_zone)?;
        let at = self.sharing_time()?;
        let now = self.now();
        let team_id = self.store.meta().team_id.to_string();

        let mut by_person: HashMap<PersonId, Vec<Encounter>> = HashMap::new();
        for e in self.resolved_encounters()? {
            if let Some(p) = e.person_id {
                by_person.entry(p).or_default().push(e);
            }
        }
        let mut intakes: HashMap<PersonId, Vec<jiff::Timestamp>> = HashMap::new();
        for r in self.store.query().referrals()? {
            if r.status == ReferralStatus::IntakeComplete {
                let kept = self.store.query().resolve_person(r.person_id)?;
                intakes.entry(kept).or_default().push(r.status_at);
            }
        }
        let mut persons = Vec::new();
        for row in self.store.query().persons()? {
            let id = row.person.id;
            let consents = self.consent_list(&id.to_string())?;
            let hmis_consent = consents.iter().any(|c| c.covers(Party::Hmis) && c.in_force(at));
            persons.push(HmisPerson {
                person: row.person,
                hmis_consent,
                encounters: by_person.remove(&id).unwrap_or_default(),
                intakes: intakes.remove(&id).unwrap_or_default(),
            });
        }
        let export = hmis::build(&HmisInput {
            team: &team,
            tz: &tz,
            team_id: &team_id,
            exported_by: self.device_id(),
            now,
            software_version: env!("CARGO_PKG_VERSION"),
            persons,
        });

        let dir = out_dir(out)?;
        let mut staged = Staged::new(&dir);
        // Export.csv is first in the list but renamed last.
        let mut order: Vec<&hmis::HmisFile> = export.files.iter().skip(1).collect();
        order.extend(export.files.first());
        for f in &order {
            let bytes = csv_bytes(f.header, &f.rows, &dir.join(f.name))?;
            staged.write(f.name, &bytes)?;
        }
        let written = staged.commit()?;

        let s = &export.summary;
        let files: Vec<String> = export.files.iter().map(|f| f.name.to_owned()).collect();
        let draft = self
            .audit_draft(AuditAction::Export, "hmis")
            .detail("out", display(&dir))
            .detail("files", files.clone())
            .detail("csv_version", hmis::CSV_VERSION)
            .detail("export_id", export.export_id.clone())
            .detail("clients", s.clients)
            .detail("enrollments", s.enrollments)
            .detail("exits", s.exits)
            .detail("living_situations", s.living_situations)
            .detail("services", s.services)
            .detail("policy_without_consent", team.hmis_without_consent.as_str())
            .detail("excluded_without_consent", s.excluded_without_consent)
            .detail("deidentified", s.deidentified)
            .detail("not_enrolled", s.not_enrolled);
        self.audit_or_remove(draft, &written)?;
        Ok(HmisExportView {
            files,
            out: display(&dir),
            csv_version: hmis::CSV_VERSION.to_owned(),
            export_id: export.export_id.clone(),
            clients: s.clients,
            enrollments: s.enrollments,
            exits: s.exits,
            living_situations: s.living_situations,
            services: s.services,
            excluded_without_consent: s.excluded_without_consent,
            deidentified: s.deidentified,
            not_enrolled: s.not_enrolled,
            living_situations_without_hmis_code: s.living_situations_without_code,
            services_without_hmis_code: s.services_without_code.clone(),
        })
    }

    /// Writes `contacts.csv` and `services.csv` (contacts of the period, days of the
    /// team's time zone, both ends included) into the folder `out` (supervisor).
    /// Locations are coarsened to the team's export precision; no names, no notes.
    pub fn export_csv(&mut self, out: &Path, from: Option<&str>, to: Option<&str>) -> Result<CsvExportView> {
        self.require(Action::Export, "export")?;
        let period = Period::parse(from, to)?;
        let team = self.team()?;
        let tz = time::time_zone(&team.time_zone)?;
        let precision = team.export_precision;
        let encounters = self.resolved_encounters()?;
        let (contacts, services) = rows::contact_rows(&encounters, &tz, &period, precision);

        let dir = out_dir(out)?;
        let mut staged = Staged::new(&dir);
        staged.write(CONTACTS_FILE, &csv_bytes(rows::CONTACTS_HEADER, &contacts, &dir.join(CONTACTS_FILE))?)?;
        staged.write(SERVICES_FILE, &csv_bytes(rows::SERVICES_HEADER, &services, &dir.join(SERVICES_FILE))?)?;
        let written = staged.commit()?;

        let files = vec![CONTACTS_FILE.to_owned(), SERVICES_FILE.to_owned()];
        let (from, to) = (period.from.map(|d| d.to_string()), period.to.map(|d| d.to_string()));
        let draft = self
            .audit_draft(AuditAction::Export, "csv")
            .detail("out", display(&dir))
            .detail("files", files.clone())
            .detail("contacts", contacts.len())
            .detail("services", services.len())
            .detail("precision", precision.as_str())
            .detail("from", from.clone())
            .detail("to", to.clone());
        self.audit_or_remove(draft, &written)?;
        Ok(CsvExportView {
            files,
            out: display(&dir),
            contacts: contacts.len(),
            services: services.len(),
            precision: precision.as_str().to_owned(),
            from,
            to,
        })
    }

    /// Writes the contacts of the period that have a location as a GeoJSON
    /// FeatureCollection to the file `out` (supervisor). The points are no finer than
    /// the team's export precision, whatever `precision` asks for.
    pub fn export_geojson(
        &mut self,
        out: &Path,
        from: Option<&str>,
        to: Option<&str>,
        precision: Option<&str>,
    ) -> Result<GeojsonExportView> {
        self.require(Action::Export, "export")?;
        let period = Period::parse(from, to)?;
        let requested = precision.map(str::parse::<Precision>).transpose()?;
        let team = self.team()?;
        let tz = time::time_zone(&team.time_zone)?;
        let effective = rows::effective_precision(team.export_precision, requested);
        let encounters = self.resolved_encounters()?;
        let (collection, features) = rows::geojson(&encounters, &tz, &period, effective);

        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty())
            .ok_or(ValidationError::Empty("--out (a file name)"))?
            .to_owned();
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if out.is_dir() {
            return Err(io_error(out, std::io::Error::other("is a folder; give a file name for the GeoJSON")));
        }
        std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
        let mut bytes =
            serde_json::to_vec_pretty(&collection).map_err(|e| io_error(out, std::io::Error::other(e.to_string())))?;
        bytes.push(b'\n');
        let mut staged = Staged::new(&parent);
        staged.write(&name, &bytes)?;
        let written = staged.commit()?;

        let (from, to) = (period.from.map(|d| d.to_string()), period.to.map(|d| d.to_string()));
        let requested = requested.map(|p| p.as_str().to_owned());
        let draft = self
            .audit_draft(AuditAction::Export, "geojson")
            .detail("out", display(out))
            .detail("files", vec![name])
            .detail("features", features)
            .detail("precision", effective.as_str())
            .detail("requested_precision", requested.clone())
            .detail("from", from.clone())
            .detail("to", to.clone());
        self.audit_or_remove(draft, &written)?;
        Ok(GeojsonExportView {
            features,
            out: display(out),
            precision: effective.as_str().to_owned(),
            requested_precision: requested,
            from,
            to,
        })
    }
}
