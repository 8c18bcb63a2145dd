//! A person on the roster: known by a name, an alias or only a description; never
//! removed, only active or inactive (or referred, before intake).

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError, check_len, non_blank};
use crate::ids::{DeviceId, PersonId};
use crate::time::Dob;

pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 1000;
pub const MAX_ALIASES: usize = 20;

/// Where a person stands with the program. There is no "failed" or "removed": harm
/// reduction means people are active or inactive and may come back at any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    /// Referred, intake not yet complete.
    Referred,
    Active,
    Inactive,
}

impl PersonStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            PersonStatus::Referred => "referred",
            PersonStatus::Active => "active",
            PersonStatus::Inactive => "inactive",
        }
    }
}

impl fmt::Display for PersonStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PersonStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "referred" => Ok(PersonStatus::Referred),
            "active" => Ok(PersonStatus::Active),
            "inactive" => Ok(PersonStatus::Inactive),
            _ => Err(ValidationError::UnknownValue {
                what: "status",
                value: s.to_owned(),
                expected: "referred, active, inactive".into(),
            }),
        }
    }
}

/// HUD HMIS gender codes (data element 3.06 of the FY2024 Data Standards), multi-select:
/// 0 woman, 1 man, 2 culturally specific identity, 3 different identity, 4 non-binary,
/// 5 transgender, 6 questioning, 8 client doesn't know, 9 prefers not to answer,
/// 99 not collected. The FY2026 standards made 3.06 optional and took it out of the
/// HMIS CSV; the program may still record it, but `Client.csv` no longer carries it.
pub const HMIS_GENDER_CODES: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 8, 9, 99];
/// HUD HMIS race and ethnicity codes (3.04), multi-select: 1 American Indian, Alaska
/// Native or Indigenous, 2 Asian, 3 Black, 4 Native Hawaiian or Pacific Islander,
/// 5 White, 6 Hispanic/Latina/o, 7 Middle Eastern or North African, 8, 9, 99.
pub const HMIS_RACE_CODES: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 99];
/// HUD HMIS sex codes (data element 4.21, new in the FY2026 standards; list 4.21 of
/// the FY2026 HMIS CSV Format Specifications), one of: 0 female, 1 male, 8 client
/// doesn't know, 9 client prefers not to answer, 99 data not collected.
pub const HMIS_SEX_CODES: &[u8] = &[0, 1, 8, 9, 99];
/// The codes of [`HMIS_SEX_CODES`] with their meaning, as an error names them.
const HMIS_SEX_EXPECTED: &str =
    "0 (female), 1 (male), 8 (client doesn't know), 9 (client prefers not to answer), 99 (data not collected)";

/// Checks a multi-select HMIS code list, sorted and without repeats.
pub fn hmis_codes(what: &'static str, allowed: &[u8], codes: &[i64]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(codes.len());
    for &code in codes {
        match u8::try_from(code) {
            Ok(c) if allowed.contains(&c) => out.push(c),
            _ => return Err(ValidationError::HmisCode { what, code }),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Checks a single HMIS sex code (4.21).
pub fn hmis_sex(code: i64) -> Result<u8> {
    match u8::try_from(code) {
        Ok(c) if HMIS_SEX_CODES.contains(&c) => Ok(c),
        _ => Err(ValidationError::UnknownValue {
            what: "HMIS sex code",
            value: code.to_string(),
            expected: HMIS_SEX_EXPECTED.into(),
        }),
    }
}

/// A person record as the case documents hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub name: Option<String>,
    pub aliases: Vec<String>,
    pub dob: Option<Dob>,
    pub description: Option<String>,
    #[serde(default)]
    pub gender: Vec<u8>,
    #[serde(default)]
    pub race_ethnicity: Vec<u8>,
    /// HMIS sex (4.21), one of [`HMIS_SEX_CODES`]; `None` until someone records it
    /// (the HMIS export then writes 99, data not collected).
    #[serde(default)]
    pub sex: Option<u8>,
    pub status: PersonStatus,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    pub merged_into: Option<PersonId>,
    pub created_by: Option<DeviceId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Person {
    /// The name an officer card or a list shows: the name, else the first alias.
    pub fn display_name(&self) -> String {
        display_name(self.name.as_deref(), &self.aliases)
    }
}

/// The name shown for someone known by `name` and `aliases`.
pub fn display_name(name: Option<&str>, aliases: &[String]) -> String {
    name.map(str::to_owned).or_else(|| aliases.first().cloned()).unwrap_or_else(|| "(no name)".to_owned())
}

/// What a worker enters for a new person, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewPerson {
    pub name: Option<String>,
    pub aliases: Vec<String>,
    pub dob: Option<Dob>,
    pub description: Option<String>,
}

impl NewPerson {
    /// Validates raw input: at least one of name, alias or description; lengths; the
    /// date of birth (exact or year-only, not after `today`).
    pub fn parse(
        name: Option<&str>,
        aliases: &[String],
        dob: Option<&str>,
        description: Option<&str>,
        today: Date,
    ) -> Result<Self> {
        let name = non_blank(name);
        if let Some(n) = &name {
            check_len("name", n, MAX_NAME)?;
        }
        let aliases = clean_aliases(aliases)?;
        let description = non_blank(description);
        if let Some(d) = &description {
            check_len("description", d, MAX_DESCRIPTION)?;
        }
        if name.is_none() && aliases.is_empty() && description.is_none() {
            return Err(ValidationError::PersonUnidentifiable);
        }
        let dob = match non_blank(dob) {
            Some(text) => Some(Dob::parse(&text, today)?),
            None => None,
        };
        Ok(Self { name, aliases, dob, description })
    }
}

/// Trims aliases, drops blanks and case-insensitive repeats, checks lengths and count.
pub fn clean_aliases(aliases: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for alias in aliases {
        let alias = alias.trim();
        if alias.is_empty() {
            continue;
        }
        check_len("alias", alias, MAX_NAME)?;
        if !out.iter().any(|a| a.to_lowercase() == alias.to_lowercase()) {
            out.push(alias.to_owned());
        }
    }
    if out.len() > MAX_ALIASES {
        return Err(ValidationError::TooLong { field: "aliases", max: MAX_ALIASES });
    }
    Ok(out)
}

/// A change to a person. `None` leaves a field as it is; aliases are only ever added
/// (an alias is how someone may be found again, so removing one is a separate act).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonPatch {
    pub name: Option<String>,
    pub add_aliases: Vec<String>,
    pub dob: Option<Dob>,
    pub description: Option<String>,
    pub status: Option<PersonStatus>,
    pub case_manager: Option<String>,
    pub case_manager_phone: Option<String>,
    pub gender: Option<Vec<u8>>,
    pub race_ethnicity: Option<Vec<u8>>,
    pub sex: Option<u8>,
}

impl PersonPatch {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        name: Option<&str>,
        add_aliases: &[String],
        dob: Option<&str>,
        description: Option<&str>,
        status: Option<&str>,
        case_manager: Option<&str>,
        case_manager_phone: Option<&str>,
        today: Date,
    ) -> Result<Self> {
        let name = non_blank(name);
        if let Some(n) = &name {
            check_len("name", n, MAX_NAME)?;
        }
        let description = non_blank(description);
        if let Some(d) = &description {
            check_len("description", d, MAX_DESCRIPTION)?;
        }
        let dob = match non_blank(dob) {
            Some(text) => Some(Dob::parse(&text, today)?),
            None => None,
        };
        // `referred` is set by a referral, not typed by a worker.
        let status = match status.map(str::parse::<PersonStatus>).transpose()? {
            Some(PersonStatus::Referred) => {
                return Err(ValidationError::UnknownValue {
                    what: "status",
                    value: "referred".into(),
                    expected: "active, inactive".into(),
                });
            }
            other => other,
        };
        let case_manager = non_blank(case_manager);
        if let Some(c) = &case_manager {
            check_len("case manager", c, MAX_NAME)?;
        }
        let case_manager_phone = non_blank(case_manager_phone);
        if let Some(p) = &case_manager_phone {
            check_phone(p)?;
        }
        Ok(Self {
            name,
            add_aliases: clean_aliases(add_aliases)?,
            dob,
            description,
            status,
            case_manager,
            case_manager_phone,
            gender: None,
            race_ethnicity: None,
            sex: None,
        })
    }

    pub fn is_empty(&self) -> bool {
        *self == PersonPatch::default()
    }
}

/// A phone number as people write it: digits with optional +, spaces, dashes, dots
/// and parentheses; 3 to 20 digits.
pub fn check_phone(phone: &str) -> Result<()> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let ok = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) && (3..=20).contains(&digits);
    if ok {
        Ok(())
    } else {
        Err(ValidationError::UnknownValue {
            what: "phone number",
            value: phone.to_owned(),
            expected: "digits, with + ( ) - . or spaces".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 23);

    #[test]
    fn a_person_needs_a_name_alias_or_description() {
        let err = NewPerson::parse(Some("  "), &["".into()], Some("1980"), None, TODAY);
        assert_eq!(err, Err(ValidationError::PersonUnidentifiable));
        let by_description = NewPerson::parse(None, &[], None, Some("tall, red beanie"), TODAY);
        assert!(by_description.is_ok());
        let by_alias = NewPerson::parse(None, &["Smokey".into()], None, None, TODAY).expect("alias is enough");
        assert_eq!(by_alias.aliases, ["Smokey"]);
    }

    #[test]
    fn aliases_are_trimmed_and_deduplicated_case_insensitively() {
        let aliases = clean_aliases(&[" Red ".into(), "red".into(), "".into(), "Rojo".into()]).expect("valid");
        assert_eq!(aliases, ["Red", "Rojo"]);
        let too_many: Vec<String> = (0..21).map(|i| format!("a{i}")).collect();
        assert!(matches!(clean_aliases(&too_many), Err(ValidationError::TooLong { field: "aliases", .. })));
    }

    #[test]
    fn long_fields_and_bad_dates_are_refused() {
        let long = "x".repeat(MAX_NAME + 1);
        assert!(matches!(
            NewPerson::parse(Some(&long), &[], None, None, TODAY),
            Err(ValidationError::TooLong { field: "name", .. })
        ));
        assert!(matches!(
            NewPerson::parse(Some("Ana"), &[], Some("1990-02-30"), None, TODAY),
            Err(ValidationError::Dob(_))
        ));
    }

    #[test]
    fn patch_validates_status_and_phone() {
        assert!(matches!(
            PersonPatch::parse(None, &[], None, None, Some("removed"), None, None, TODAY),
            Err(ValidationError::UnknownValue { what: "status", .. })
        ));
        assert!(PersonPatch::parse(None, &[], None, None, None, None, Some("call me"), TODAY).is_err());
        let ok =
            PersonPatch::parse(None, &[], None, None, Some("inactive"), Some("Dee"), Some("+1 (206) 555-0100"), TODAY)
                .expect("valid");
        assert_eq!(ok.status, Some(PersonStatus::Inactive));
        assert!(PersonPatch::default().is_empty());
    }

    #[test]
    fn hmis_codes_are_checked() {
        assert_eq!(hmis_codes("gender", HMIS_GENDER_CODES, &[1, 0, 1]), Ok(vec![0, 1]));
        assert_eq!(
            hmis_codes("gender", HMIS_GENDER_CODES, &[7]),
            Err(ValidationError::HmisCode { what: "gender", code: 7 })
        );
    }

    #[test]
    fn hmis_sex_takes_one_code_of_the_fy2026_list() {
        for code in [0, 1, 8, 9, 99] {
            assert_eq!(hmis_sex(code), Ok(u8::try_from(code).expect("small")));
        }
        for bad in [2, 3, 7, 98, 100, 255, 256, -1, i64::MAX] {
            let err = hmis_sex(bad).expect_err("not a 4.21 code");
            assert!(matches!(err, ValidationError::UnknownValue { what: "HMIS sex code", .. }), "{bad}");
            let message = err.to_string();
            assert!(message.contains(&bad.to_string()), "{message}");
            assert!(message.contains("0 (female)") && message.contains("99 (data not collected)"), "{message}");
        }
    }

    #[test]
    fn a_person_stored_before_sex_existed_reads_without_it() {
        let json = serde_json::json!({
            "id": "00000000-0000-4000-8000-000000000001",
            "name": "Ana",
            "aliases": [],
            "dob": null,
            "description": null,
            "gender": [0],
            "race_ethnicity": [],
            "status": "active",
            "case_manager": null,
            "case_manager_phone": null,
            "merged_into": null,
            "created_by": null,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"
        });
        let p: Person = serde_json::from_value(json).expect("an index row of an older version");
        assert_eq!((p.sex, p.gender.as_slice()), (None, [0].as_slice()));
    }

    #[test]
    fn display_name_falls_back_to_alias() {
        assert_eq!(display_name(None, &["Smokey".into()]), "Smokey");
        assert_eq!(display_name(Some("Ana"), &["Smokey".into()]), "Ana");
        assert_eq!(display_name(None, &[]), "(no name)");
    }
}
