//! Domain records ⇄ automerge documents. Each record kind has a fixed set of root
//! keys; scalar fields are plain values so concurrent writes show up as automerge
//! conflicts on that key, which `conflicts` reports instead of hiding.
//!
//! Writers only put a key whose value changes, so saving the same record twice adds
//! no history, and a card write never touches anything but card fields.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use jiff::Timestamp;
use serde_json::json;
use waymark_domain::consent::{Consent, Sharing};
use waymark_domain::eligibility::{Eligibility, EligibilityResult};
use waymark_domain::encounter::{Encounter, EncounterKind, Services};
use waymark_domain::location::{Location, Precision};
use waymark_domain::note::CaseNote;
use waymark_domain::person::{Person, PersonStatus};
use waymark_domain::referral::{Pathway, Referral, ReferralStatus};
use waymark_domain::role::OfficerCard;
use waymark_domain::team::{Catchment, Entry, HmisPolicy, TeamSettings};
use waymark_domain::time::{Dob, LocalInstant};
use waymark_domain::{DeviceId, EncounterId, NoteId, PersonId, ReferralId};

use crate::error::{Result, StoreError};

/// The value `key` should hold; `None` is stored as null so that clearing a field is
/// itself a write that can conflict and merge like any other.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    Str(Option<String>),
    Int(Option<i64>),
    F64(Option<f64>),
}

impl Field {
    fn scalar(&self) -> ScalarValue {
        match self {
            Field::Str(Some(s)) => ScalarValue::Str(s.as_str().into()),
            Field::Int(Some(i)) => ScalarValue::Int(*i),
            Field::F64(Some(f)) => ScalarValue::F64(*f),
            _ => ScalarValue::Null,
        }
    }
}

fn s(v: Option<impl Into<String>>) -> Field {
    Field::Str(v.map(Into::into))
}

fn put_if_changed(doc: &mut AutoCommit, key: &str, field: Field) -> Result<()> {
    let new = field.scalar();
    let current = doc.get(ROOT, key)?;
    let same =
        matches!(&current, Some((Value::Scalar(old), _)) if old.as_ref() == &new) && doc.get_all(ROOT, key)?.len() == 1;
    if !same {
        doc.put(ROOT, key, new)?;
    }
    Ok(())
}

fn put_all(doc: &mut AutoCommit, fields: Vec<(&str, Field)>) -> Result<()> {
    for (key, field) in fields {
        put_if_changed(doc, key, field)?;
    }
    Ok(())
}

fn scalar(doc: &AutoCommit, key: &str) -> Result<Option<ScalarValue>> {
    Ok(match doc.get(ROOT, key)? {
        Some((Value::Scalar(v), _)) if !v.is_null() => Some(v.into_owned()),
        _ => None,
    })
}

fn get_str(doc: &AutoCommit, key: &str) -> Result<Option<String>> {
    Ok(match scalar(doc, key)? {
        Some(ScalarValue::Str(v)) => Some(v.to_string()),
        Some(other) => return Err(StoreError::Corrupt(format!("{key}: expected text, found {other}"))),
        None => None,
    })
}

fn get_int(doc: &AutoCommit, key: &str) -> Result<Option<i64>> {
    Ok(match scalar(doc, key)? {
        Some(ScalarValue::Int(v)) => Some(v),
        Some(ScalarValue::Uint(v)) => i64::try_from(v).ok(),
        Some(other) => return Err(StoreError::Corrupt(format!("{key}: expected a number, found {other}"))),
        None => None,
    })
}

fn get_f64(doc: &AutoCommit, key: &str) -> Result<Option<f64>> {
    Ok(match scalar(doc, key)? {
        Some(ScalarValue::F64(v)) => Some(v),
        Some(ScalarValue::Int(v)) => Some(v as f64),
        Some(other) => return Err(StoreError::Corrupt(format!("{key}: expected a number, found {other}"))),
        None => None,
    })
}

fn required<T>(key: &str, v: Option<T>) -> Result<T> {
    v.ok_or_else(|| StoreError::Corrupt(format!("missing field {key}")))
}

fn parse<T: std::str::FromStr>(key: &str, v: Option<String>) -> Result<Option<T>> {
    v.map(|t| t.parse::<T>().map_err(|_| StoreError::Corrupt(format!("{key}: bad value {t:?}")))).transpose()
}

fn millis(t: Timestamp) -> Field {
    Field::Int(Some(t.as_millisecond()))
}

fn get_time(doc: &AutoCommit, key: &str) -> Result<Option<Timestamp>> {
    get_int(doc, key)?
        .map(|ms| Timestamp::from_millisecond(ms).map_err(|_| StoreError::Corrupt(format!("{key}: bad time {ms}"))))
        .transpose()
}

fn id_text(id: Option<impl ToString>) -> Field {
    Field::Str(id.map(|i| i.to_string()))
}

fn location_fields(loc: Option<&Location>) -> Vec<(&'static str, Field)> {
    vec![
        ("lat", Field::F64(loc.map(|l| l.lat))),
        ("lon", Field::F64(loc.map(|l| l.lon))),
        ("accuracy_m", Field::F64(loc.and_then(|l| l.accuracy_m))),
    ]
}

fn get_location(doc: &AutoCommit) -> Result<Option<Location>> {
    match (get_f64(doc, "lat")?, get_f64(doc, "lon")?) {
        (Some(lat), Some(lon)) => Location::new(lat, lon, get_f64(doc, "accuracy_m")?)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(e.to_string())),
        _ => Ok(None),
    }
}

fn codes_text(codes: &[u8]) -> Option<String> {
    (!codes.is_empty()).then(|| codes.iter().map(u8::to_string).collect::<Vec<_>>().join(","))
}

fn codes(text: Option<String>) -> Vec<u8> {
    text.map(|t| t.split(',').filter_map(|c| c.trim().parse().ok()).collect()).unwrap_or_default()
}

/// The kind marker every document carries, checked when reading.
fn check_kind(doc: &AutoCommit, kind: &str) -> Result<()> {
    match get_str(doc, "kind")? {
        Some(k) if k == kind => Ok(()),
        other => Err(StoreError::Corrupt(format!("expected a {kind} document, found {other:?}"))),
    }
}

// ---------------------------------------------------------------------------------
// Person (case audience)

/// Person fields whose concurrent values are reported as conflicts.
pub const PERSON_FIELDS: &[&str] = &[
    "name",
    "dob",
    "description",
    "gender",
    "race_ethnicity",
    "sex",
    "status",
    "case_manager",
    "case_manager_phone",
    "merged_into",
];

pub fn write_person(doc: &mut AutoCommit, p: &Person) -> Result<()> {
    if doc.get(ROOT, "aliases")?.is_none() {
        doc.put_object(ROOT, "aliases", ObjType::List)?;
    }
    put_all(
        doc,
        vec![
            ("kind", s(Some("person"))),
            ("name", s(p.name.clone())),
            ("dob", s(p.dob.map(|d| d.to_string()))),
            ("description", s(p.description.clone())),
            ("gender", s(codes_text(&p.gender))),
            ("race_ethnicity", s(codes_text(&p.race_ethnicity))),
            ("sex", Field::Int(p.sex.map(i64::from))),
            ("status", s(Some(p.status.as_str()))),
            ("case_manager", s(p.case_manager.clone())),
            ("case_manager_phone", s(p.case_manager_phone.clone())),
            ("merged_into", id_text(p.merged_into)),
            ("created_by", id_text(p.created_by)),
            ("created_at", millis(p.created_at)),
            ("updated_at", millis(p.updated_at)),
        ],
    )?;
    add_aliases(doc, &p.aliases)
}

/// Adds aliases to the person's alias list, in the order they were given; the first
/// alias is the name shown for someone without a name, so order matters. Two devices
/// adding the same alias offline both insert it; reading drops the repeat.
pub fn add_aliases(doc: &mut AutoCommit, aliases: &[String]) -> Result<()> {
    let list = match doc.get(ROOT, "aliases")? {
        Some((Value::Object(ObjType::List), id)) => id,
        _ => doc.put_object(ROOT, "aliases", ObjType::List)?,
    };
    let known: Vec<String> = read_aliases(doc)?.iter().map(|a| a.to_lowercase()).collect();
    for alias in aliases {
        if !known.contains(&alias.to_lowercase()) {
            let end = doc.length(&list);
            doc.insert(&list, end, alias.as_str())?;
        }
    }
    Ok(())
}

fn read_aliases(doc: &AutoCommit) -> Result<Vec<String>> {
    let Some((Value::Object(ObjType::List), list)) = doc.get(ROOT, "aliases")? else {
        return Ok(Vec::new());
    };
    let mut out: Vec<String> = Vec::new();
    for i in 0..doc.length(&list) {
        if let Some((Value::Scalar(v), _)) = doc.get(&list, i)?
            && let ScalarValue::Str(text) = v.as_ref()
            && !out.iter().any(|a| a.to_lowercase() == text.to_lowercase())
        {
            out.push(text.to_string());
        }
    }
    Ok(out)
}

pub fn read_person(doc: &AutoCommit, id: PersonId) -> Result<Person> {
    check_kind(doc, "person")?;
    Ok(Person {
        id,
        name: get_str(doc, "name")?,
        aliases: read_aliases(doc)?,
        dob: parse::<Dob>("dob", get_str(doc, "dob")?)?,
        description: get_str(doc, "description")?,
        gender: codes(get_str(doc, "gender")?),
        race_ethnicity: codes(get_str(doc, "race_ethnicity")?),
        sex: get_int(doc, "sex")?
            .map(|v| u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("sex: bad value {v}"))))
            .transpose()?,
        status: required("status", parse("status", get_str(doc, "status")?)?)?,
        case_manager: get_str(doc, "case_manager")?,
        case_manager_phone: get_str(doc, "case_manager_phone")?,
        merged_into: parse("merged_into", get_str(doc, "merged_into")?)?,
        created_by: parse("created_by", get_str(doc, "created_by")?)?,
        created_at: required("created_at", get_time(doc, "created_at")?)?,
        updated_at: required("updated_at", get_time(doc, "updated_at")?)?,
    })
}

/// The office's marks on a person (kept in the person's case document, never on the
/// card): on the list for the next case conference, and the persons a reviewer said
/// are not this one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub conference: bool,
    pub not_duplicates: Vec<PersonId>,
}

pub fn read_marks(doc: &AutoCommit) -> Result<Marks> {
    let conference = matches!(scalar(doc, "conference")?, Some(ScalarValue::Boolean(true)));
    // Two phones that each made the map offline hold two maps under one key: every
    // one of them counts.
    let mut not_duplicates = Vec::new();
    for (value, map) in doc.get_all(ROOT, "not_duplicates")? {
        if let Value::Object(ObjType::Map) = value {
            for key in doc.keys(&map) {
                if let Ok(id) = key.parse::<PersonId>()
                    && !not_duplicates.contains(&id)
                {
                    not_duplicates.push(id);
                }
            }
        }
    }
    not_duplicates.sort();
    Ok(Marks { conference, not_duplicates })
}

/// Puts a person on (or takes them off) the next case conference's list.
pub fn set_conference(doc: &mut AutoCommit, on: bool) -> Result<()> {
    check_kind(doc, "person")?;
    doc.put(ROOT, "conference", on)?;
    Ok(())
}

/// Records that `other` is not the same person (never removed: a reviewer's answer).
pub fn add_not_duplicate(doc: &mut AutoCommit, other: PersonId) -> Result<()> {
    check_kind(doc, "person")?;
    let map = match doc.get(ROOT, "not_duplicates")? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, "not_duplicates", ObjType::Map)?,
    };
    doc.put(&map, other.to_string(), true)?;
    Ok(())
}

/// Every field of `fields` that has more than one distinct concurrent value, with all
/// of them (the value the document shows first).
pub fn conflicts(doc: &AutoCommit, fields: &[&str]) -> Result<BTreeMap<String, Vec<serde_json::Value>>> {
    let mut out = BTreeMap::new();
    for &key in fields {
        let all = doc.get_all(ROOT, key)?;
        if all.len() < 2 {
            continue;
        }
        let winner = scalar(doc, key)?.map(|v| scalar_json(&v)).unwrap_or(serde_json::Value::Null);
        let mut values = vec![winner];
        for (value, _) in all {
            let v = match value {
                Value::Scalar(v) => scalar_json(&v),
                Value::Object(_) => json!("(object)"),
            };
            if !values.contains(&v) {
                values.push(v);
            }
        }
        if values.len() > 1 {
            out.insert(key.to_owned(), values);
        }
    }
    Ok(out)
}

fn scalar_json(v: &ScalarValue) -> serde_json::Value {
    match v {
        ScalarValue::Str(s) => json!(s.as_str()),
        ScalarValue::Int(i) => json!(i),
        ScalarValue::Uint(u) => json!(u),
        ScalarValue::F64(f) => json!(f),
        ScalarValue::Boolean(b) => json!(b),
        ScalarValue::Null => serde_json::Value::Null,
        other => json!(other.to_string()),
    }
}

// ---------------------------------------------------------------------------------
// Officer card (cards audience): exactly the fields of `OfficerCard`, nothing more.

pub fn write_card(doc: &mut AutoCommit, c: &OfficerCard) -> Result<()> {
    put_all(
        doc,
        vec![
            ("kind", s(Some("card"))),
            ("display_name", s(Some(c.display_name.clone()))),
            ("status", s(Some(c.status.as_str()))),
            ("case_manager", s(c.case_manager.clone())),
            ("case_manager_phone", s(c.case_manager_phone.clone())),
            ("updated_at", millis(c.updated_at)),
            ("merged_into", id_text(c.merged_into)),
            ("referred_by", id_text(c.referred_by)),
            ("shared_with_officers_until", s(c.shared_with_officers_until.map(|v| v.as_text()))),
        ],
    )
}

pub fn read_card(doc: &AutoCommit, person_id: PersonId) -> Result<OfficerCard> {
    check_kind(doc, "card")?;
    Ok(OfficerCard {
        person_id,
        display_name: required("display_name", get_str(doc, "display_name")?)?,
        status: required("status", parse::<PersonStatus>("status", get_str(doc, "status")?)?)?,
        case_manager: get_str(doc, "case_manager")?,
        case_manager_phone: get_str(doc, "case_manager_phone")?,
        updated_at: required("updated_at", get_time(doc, "updated_at")?)?,
        merged_into: parse("merged_into", get_str(doc, "merged_into")?)?,
        referred_by: parse("referred_by", get_str(doc, "referred_by")?)?,
        shared_with_officers_until: get_str(doc, "shared_with_officers_until")?
            .map(|t| Sharing::parse(&t).map_err(|e| StoreError::Corrupt(format!("shared_with_officers_until: {e}"))))
            .transpose()?,
    })
}

// ---------------------------------------------------------------------------------
// Consents: inside the person's (case) document, a map from consent id to the
// consent as JSON, so consents added on two devices merge and a revocation rewrites
// only its own entry.

pub fn write_consent(doc: &mut AutoCommit, c: &Consent) -> Result<()> {
    check_kind(doc, "person")?;
    let map = match doc.get(ROOT, "consents")? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, "consents", ObjType::Map)?,
    };
    let text = serde_json::to_string(c).map_err(|e| StoreError::Corrupt(format!("consent: {e}")))?;
    doc.put(&map, c.id.to_string(), text)?;
    Ok(())
}

pub fn read_consents(doc: &AutoCommit) -> Result<Vec<Consent>> {
    let Some((Value::Object(ObjType::Map), map)) = doc.get(ROOT, "consents")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for key in doc.keys(&map) {
        if let Some((Value::Scalar(v), _)) = doc.get(&map, &key)?
            && let ScalarValue::Str(text) = v.as_ref()
        {
            let c: Consent =
                serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("consent {key}: {e}")))?;
            out.push(c);
        }
    }
    out.sort_by_key(|c| c.signed_at);
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Encounter (case audience)

pub fn write_encounter(doc: &mut AutoCommit, e: &Encounter) -> Result<()> {
    let mut fields = vec![
        ("kind", s(Some("encounter"))),
        ("person_id", id_text(e.person_id)),
        ("at", millis(e.at.utc)),
        ("offset_s", Field::Int(Some(i64::from(e.at.offset_seconds)))),
        ("contact_kind", s(Some(e.kind.as_str()))),
        ("living_situation", Field::Int(e.living_situation.map(i64::from))),
        ("duration_min", Field::Int(e.duration_minutes.map(i64::from))),
        ("note", s(e.note.clone())),
        ("author", id_text(Some(e.author))),
    ];
    fields.extend(location_fields(e.location.as_ref()));
    put_all(doc, fields)?;
    let map = match doc.get(ROOT, "services")? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, "services", ObjType::Map)?,
    };
    for (key, count) in &e.services {
        doc.put(&map, key.as_str(), i64::from(*count))?;
    }
    Ok(())
}

pub fn read_encounter(doc: &AutoCommit, id: EncounterId) -> Result<Encounter> {
    check_kind(doc, "encounter")?;
    let mut services = Services::new();
    if let Some((Value::Object(ObjType::Map), map)) = doc.get(ROOT, "services")? {
        for key in doc.keys(&map) {
            if let Some((Value::Scalar(v), _)) = doc.get(&map, key.as_str())?
                && let ScalarValue::Int(n) = v.as_ref()
            {
                services.insert(key, u32::try_from(*n).unwrap_or(0));
            }
        }
    }
    let offset = get_int(doc, "offset_s")?.unwrap_or(0);
    Ok(Encounter {
        id,
        person_id: parse("person_id", get_str(doc, "person_id")?)?,
        at: LocalInstant {
            utc: required("at", get_time(doc, "at")?)?,
            offset_seconds: i32::try_from(offset).map_err(|_| StoreError::Corrupt("offset out of range".into()))?,
        },
        location: get_location(doc)?,
        kind: parse::<EncounterKind>("contact_kind", get_str(doc, "contact_kind")?)?.unwrap_or_default(),
        services,
        living_situation: get_int(doc, "living_situation")?.and_then(|v| u16::try_from(v).ok()),
        duration_minutes: get_int(doc, "duration_min")?.and_then(|v| u16::try_from(v).ok()),
        note: get_str(doc, "note")?,
        author: required("author", parse("author", get_str(doc, "author")?)?)?,
    })
}

// ---------------------------------------------------------------------------------
// Case note (case audience)

pub fn write_note(doc: &mut AutoCommit, n: &CaseNote) -> Result<()> {
    put_all(
        doc,
        vec![
            ("kind", s(Some("note"))),
            ("person_id", id_text(Some(n.person_id))),
            ("text", s(Some(n.text.clone()))),
            ("author", id_text(Some(n.author))),
            ("at", millis(n.at)),
        ],
    )
}

pub fn read_note(doc: &AutoCommit, id: NoteId) -> Result<CaseNote> {
    check_kind(doc, "note")?;
    Ok(CaseNote {
        id,
        person_id: required("person_id", parse("person_id", get_str(doc, "person_id")?)?)?,
        text: required("text", get_str(doc, "text")?)?,
        author: required("author", parse("author", get_str(doc, "author")?)?)?,
        at: required("at", get_time(doc, "at")?)?,
    })
}

// ---------------------------------------------------------------------------------
// Referral (referrals audience: what the referrer entered, plus status)

pub fn write_referral(doc: &mut AutoCommit, r: &Referral) -> Result<()> {
    let mut fields = vec![
        ("kind", s(Some("referral"))),
        ("pathway", s(Some(r.pathway.as_str()))),
        ("person_id", id_text(Some(r.person_id))),
        ("stub_name", s(r.stub_name.clone())),
        ("stub_description", s(r.stub_description.clone())),
        ("referred_by", id_text(Some(r.referred_by))),
        ("referrer_role", s(Some(r.referrer_role.clone()))),
        ("created_at", millis(r.created_at)),
        ("exclusions", s(Some(r.exclusions.join(",")))),
        ("eligibility", s(Some(json!(r.eligibility).to_string()))),
        ("narrative", s(r.narrative.clone())),
        ("intake_deadline", millis(r.intake_deadline)),
        ("status", s(Some(r.status.as_str()))),
        ("status_at", millis(r.status_at)),
        ("charge_category", s(r.charge_category.clone())),
    ];
    fields.extend(location_fields(r.location.as_ref()));
    put_all(doc, fields)
}

pub fn read_referral(doc: &AutoCommit, id: ReferralId) -> Result<Referral> {
    check_kind(doc, "referral")?;
    let eligibility: Eligibility = match get_str(doc, "eligibility")? {
        Some(text) => serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("eligibility: {e}")))?,
        None => Eligibility { result: EligibilityResult::NeedsReview, reasons: vec!["not assessed".into()] },
    };
    Ok(Referral {
        id,
        pathway: required("pathway", parse::<Pathway>("pathway", get_str(doc, "pathway")?)?)?,
        person_id: required("person_id", parse("person_id", get_str(doc, "person_id")?)?)?,
        stub_name: get_str(doc, "stub_name")?,
        stub_description: get_str(doc, "stub_description")?,
        referred_by: required("referred_by", parse::<DeviceId>("referred_by", get_str(doc, "referred_by")?)?)?,
        referrer_role: get_str(doc, "referrer_role")?.unwrap_or_default(),
        created_at: required("created_at", get_time(doc, "created_at")?)?,
        location: get_location(doc)?,
        exclusions: get_str(doc, "exclusions")?
            .map(|t| t.split(',').filter(|k| !k.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        eligibility,
        narrative: get_str(doc, "narrative")?,
        intake_deadline: required("intake_deadline", get_time(doc, "intake_deadline")?)?,
        status: required("status", parse::<ReferralStatus>("status", get_str(doc, "status")?)?)?,
        status_at: required("status_at", get_time(doc, "status_at")?)?,
        charge_category: get_str(doc, "charge_category")?,
    })
}

// ---------------------------------------------------------------------------------
// Team settings (team audience)

pub fn write_team(doc: &mut AutoCommit, t: &TeamSettings) -> Result<()> {
    put_all(
        doc,
        vec![
            ("kind", s(Some("team"))),
            ("name", s(Some(t.name.clone()))),
            ("time_zone", s(Some(t.time_zone.clone()))),
            ("catchment", s(t.catchment.as_ref().map(|c| c.geojson().to_owned()))),
            ("intake_days", Field::Int(Some(i64::from(t.intake_days)))),
            ("exclusions", s(Some(json!(t.exclusions).to_string()))),
            ("services", s(Some(json!(t.services).to_string()))),
            ("location_precision", s(Some(t.location_precision.as_str()))),
            ("lock_minutes", Field::Int(Some(i64::from(t.lock_minutes)))),
            ("export_precision", s(Some(t.export_precision.as_str()))),
            ("hmis_without_consent", s(Some(t.hmis_without_consent.as_str()))),
            ("inactive_days", Field::Int(Some(i64::from(t.inactive_days)))),
        ],
    )
}

pub fn read_team(doc: &AutoCommit) -> Result<TeamSettings> {
    check_kind(doc, "team")?;
    let entries = |key: &str| -> Result<Option<Vec<Entry>>> {
        get_str(doc, key)?
            .map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("{key}: {e}"))))
            .transpose()
    };
    let defaults = TeamSettings::default();
    Ok(TeamSettings {
        name: get_str(doc, "name")?.unwrap_or(defaults.name),
        time_zone: get_str(doc, "time_zone")?.unwrap_or(defaults.time_zone),
        catchment: get_str(doc, "catchment")?
            .map(|t| Catchment::from_geojson(&t).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()?,
        intake_days: get_int(doc, "intake_days")?.and_then(|d| u8::try_from(d).ok()).unwrap_or(defaults.intake_days),
        exclusions: entries("exclusions")?.unwrap_or(defaults.exclusions),
        services: entries("services")?.unwrap_or(defaults.services),
        location_precision: parse::<Precision>("location_precision", get_str(doc, "location_precision")?)?
            .unwrap_or_default(),
        lock_minutes: get_int(doc, "lock_minutes")?.and_then(|d| u8::try_from(d).ok()).unwrap_or(defaults.lock_minutes),
        export_precision: parse::<Precision>("export_precision", get_str(doc, "export_precision")?)?
            .unwrap_or(defaults.export_precision),
        hmis_without_consent: parse::<HmisPolicy>("hmis_without_consent", get_str(doc, "hmis_without_consent")?)?
            .unwrap_or(defaults.hmis_without_consent),
        inactive_days: get_int(doc, "inactive_days")?
            .and_then(|d| u16::try_from(d).ok())
            .unwrap_or(defaults.inactive_days),
    })
}
