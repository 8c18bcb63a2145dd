//! The HUD HMIS CSV export: the team's participants as one Street Outreach project, in
//! the files of the HMIS CSV Format Specifications **FY2026** (version 1.0, October
//! 2025, for the FY2026 HMIS Data Standards in effect since 2025-10-01; `CSVVersion`
//! "2026 v1.0"): Export, Organization, Project, Client, Enrollment,
//! CurrentLivingSituation, Services and Exit, with every column the specification lists
//! for them, in its order (a column Waymark does not record is empty, or "data not
//! collected", 99, where the specification requires a value).
//!
//! What FY2026 changed in these eight files, and what it means here:
//! - `Client.csv` lost the 3.06 gender columns (gender is optional from FY2026 and not
//!   in the CSV: Waymark still stores it, but no longer exports it), gained 4.21 `Sex`
//!   after `DOBDataQuality`, and renamed `HispanicLatinaeo` to `HispanicLatinao`.
//! - `Enrollment.csv` lost R3 sexual orientation (`SexualOrientation`,
//!   `SexualOrientationOther`) and C4 translation assistance (`TranslationNeeded`,
//!   `PreferredLanguage`, `PreferredLanguageDifferent`), and gained V10
//!   `MentalHealthConsultation` before `DateCreated`; R13 now uses list 1.8. Waymark
//!   records none of these, so they stay empty.
//! - `Export.csv`: `SourceID` may hold up to 350 characters (several CoC codes);
//!   `CurrentLivingSituation.csv`: `VerifiedBy` up to 200; `Exit.csv`: R18 and R20 use
//!   list 1.10. Same columns; Waymark leaves all of them empty.
//! - `Services.csv`: same columns; list V2.2 gained SSVF "Healthcare navigation" (10),
//!   which Waymark does not give.
//! - String fields may hold any UTF-8 character except `< > [ ] { }`, which are stripped.
//!
//! Choices:
//! - **Ids.** Every id is at most 32 characters, as the specification allows.
//!   `PersonalID` is the person's UUID without hyphens; the other ids are the first
//!   32 hex digits of SHA-256 over what they stand for, so the same records get the
//!   same ids in every export. A de-identified client gets a `PersonalID` (and
//!   enrollment, contact and service ids) derived from a different key, so its rows
//!   cannot be joined with an identified export of the same person.
//! - **Project.** One Street Outreach project (`ProjectType` 4) of one organization,
//!   both named after the team. `ContinuumProject` 0: a diversion program is not a
//!   CoC-funded project unless the HMIS lead says so (they can change it on import).
//! - **Client.** `Sex` is the person's 4.21 code, or 99 ("data not collected") when
//!   none was recorded; the specification allows it to be null, but 99 says plainly
//!   that nobody asked.
//! - **Enrollment.** One per participant (after merges: the kept person, with the
//!   contacts of everyone merged into them). `EntryDate` (project start) is the day of
//!   the first contact (an "attempted, not found" is not a contact), of intake
//!   (a referral turned `intake_complete`), or of the person's creation when they were
//!   added to the roster as a participant, whichever is earliest. A person still only
//!   `referred`, never contacted, is not enrolled and not exported.
//!   `DateOfEngagement` is the day of intake, when there was one. Prior living
//!   situation and disabling condition are not collected by Waymark: 99.
//! - **Exit.** Waymark never "fails out" a participant and records no exit interview.
//!   An `inactive` participant is exited on the day of their last contact (or intake),
//!   with `Destination` 30, "No exit interview completed"; active participants have no
//!   exit.
//! - **Current living situation.** One row per contact with a living situation. The
//!   4.12 list (column "Current Living Situation (4.12)" of list 3.12.1) is the same in
//!   FY2026 as in FY2024: it has 335 and 336 ("staying or living in a family member's /
//!   friend's room, apartment or house") where older data has the temporary-tenure codes
//!   312 and 313, which are mapped to them; a code with no current-living-situation
//!   meaning (327, a HOPWA destination) is left out and counted. `LocationDetails`
//!   stays empty: no place ever goes to HMIS.
//! - **Services.** The only record types for street outreach services are PATH's (P1
//!   services 141, P2 referrals 161). The team's referral services map to P2 referral
//!   types: mental health referral → 1 Community mental health, treatment referral →
//!   2 Substance use treatment, medical referral → 3 Primary health/dental care, housing
//!   referral → 6 Housing services (`RecordType` 161). HUD has no code for
//!   harm-reduction supplies, food, water, clothing, transport or ID help; they are left
//!   out and counted, never given an invented code.
//! - **Consent.** A participant with no consent covering HMIS in force is left out of
//!   every file (`HmisPolicy::Exclude`, the default), or exported de-identified
//!   (`Deidentify`): no name, date of birth or SSN, their data quality "data not
//!   collected" (99), and pseudonymous ids; their enrollment, contacts and services
//!   stay, so counts stay right.
//! - **Dates** are the team's local days (`yyyy-mm-dd`), date-times its local time
//!   (`yyyy-mm-dd hh:mm:ss`). A year-only date of birth is written as 1 January of
//!   that year with `DOBDataQuality` 2 ("approximate or partial DOB reported").
//!
//! No IO: the device gathers the records, calls [`build`] and writes the files.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use crate::encounter::{Encounter, EncounterKind};
use crate::export::local_date;
use crate::ids::DeviceId;
use crate::person::{HMIS_SEX_CODES, Person, PersonStatus};
use crate::team::{HmisPolicy, TeamSettings};
use crate::time::Dob;

/// The `CSVVersion` written to `Export.csv`. The FY2026 specification requires the form
/// "[year] v[version]" and gives "2026 v1.0" as the value for its version 1.0 (October
/// 2025), the one these files follow.
pub const CSV_VERSION: &str = "2026 v1.0";
/// The `SoftwareName` written to `Export.csv`.
pub const SOFTWARE_NAME: &str = "Waymark";

/// `ProjectType` 4: Street Outreach (HMIS Data Dictionary 2.02.6).
pub const PROJECT_TYPE_STREET_OUTREACH: u8 = 4;
/// `SourceType` 2: standalone/agency-specific application (list 1.9).
pub const SOURCE_TYPE_STANDALONE: u8 = 2;
/// `ExportPeriodType` 3: reporting period (list 1.1).
pub const PERIOD_TYPE_REPORTING: u8 = 3;
/// `ExportDirective` 2: full refresh (list 1.2).
pub const DIRECTIVE_FULL_REFRESH: u8 = 2;
/// `HashStatus` 1: unhashed (list 1.5).
pub const HASH_STATUS_UNHASHED: u8 = 1;
/// `RecordType` 161: PATH referral (list 1.4).
pub const RECORD_TYPE_PATH_REFERRAL: u16 = 161;
/// `Destination` 30: no exit interview completed (3.12).
pub const DESTINATION_NO_EXIT_INTERVIEW: u16 = 30;
/// "Data not collected" in every list that has it.
pub const NOT_COLLECTED: u8 = 99;

/// 4.12 Current Living Situation codes (FY2026, unchanged from FY2024).
pub const CLS_CODES: &[u16] =
    &[8, 9, 17, 37, 99, 101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 314, 329, 332, 335, 336, 410, 411, 421, 435];

/// The 4.12 current living situation code for a code stored on a contact, or
/// `None` when it has no such meaning (then the row is left out and counted).
pub fn cls_code(stored: u16) -> Option<u16> {
    match stored {
        312 => Some(335),
        313 => Some(336),
        c if CLS_CODES.contains(&c) => Some(c),
        _ => None,
    }
}

/// `(RecordType, TypeProvided)` of a team service key, when HUD has one (P2.2 PATH
/// referral types); `None` for everything else (supplies, food, transport, ...).
pub fn service_code(key: &str) -> Option<(u16, u16)> {
    let type_provided = match key {
        "mental_health_referral" => 1,
        "treatment_referral" => 2,
        "medical_referral" => 3,
        "housing_referral" => 6,
        _ => return None,
    };
    Some((RECORD_TYPE_PATH_REFERRAL, type_provided))
}

/// `Export.csv` columns (FY2026: unchanged; `SourceID` widened to 350 characters).
pub const EXPORT: &[&str] = &[
    "ExportID",
    "SourceType",
    "SourceID",
    "SourceName",
    "SourceContactFirst",
    "SourceContactLast",
    "SourceContactPhone",
    "SourceContactExtension",
    "SourceContactEmail",
    "ExportDate",
    "ExportStartDate",
    "ExportEndDate",
    "SoftwareName",
    "SoftwareVersion",
    "CSVVersion",
    "ExportPeriodType",
    "ExportDirective",
    "HashStatus",
    "ImplementationID",
];

/// `Organization.csv` columns (FY2026: unchanged).
pub const ORGANIZATION: &[&str] = &[
    "OrganizationID",
    "OrganizationName",
    "VictimServiceProvider",
    "OrganizationCommonName",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// `Project.csv` columns (FY2026: unchanged).
pub const PROJECT: &[&str] = &[
    "ProjectID",
    "OrganizationID",
    "ProjectName",
    "ProjectCommonName",
    "OperatingStartDate",
    "OperatingEndDate",
    "ContinuumProject",
    "ProjectType",
    "HousingType",
    "RRHSubType",
    "ResidentialAffiliation",
    "TargetPopulation",
    "HOPWAMedAssistedLivingFac",
    "PITCount",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// `Client.csv` columns (FY2026: 3.06 gender columns removed, 4.21 `Sex` added after
/// `DOBDataQuality`, `HispanicLatinaeo` renamed `HispanicLatinao`).
pub const CLIENT: &[&str] = &[
    "PersonalID",
    "FirstName",
    "MiddleName",
    "LastName",
    "NameSuffix",
    "NameDataQuality",
    "SSN",
    "SSNDataQuality",
    "DOB",
    "DOBDataQuality",
    "Sex",
    "AmIndAKNative",
    "Asian",
    "BlackAfAmerican",
    "HispanicLatinao",
    "MidEastNAfrican",
    "NativeHIPacific",
    "White",
    "RaceNone",
    "AdditionalRaceEthnicity",
    "VeteranStatus",
    "YearEnteredService",
    "YearSeparated",
    "WorldWarII",
    "KoreanWar",
    "VietnamWar",
    "DesertStorm",
    "AfghanistanOEF",
    "IraqOIF",
    "IraqOND",
    "OtherTheater",
    "MilitaryBranch",
    "DischargeStatus",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// `Enrollment.csv` columns (FY2026: R3 sexual orientation and C4 translation assistance
/// removed, V10 `MentalHealthConsultation` added after `ThresholdScore`).
pub const ENROLLMENT: &[&str] = &[
    "EnrollmentID",
    "PersonalID",
    "ProjectID",
    "EntryDate",
    "HouseholdID",
    "RelationshipToHoH",
    "EnrollmentCoC",
    "LivingSituation",
    "RentalSubsidyType",
    "LengthOfStay",
    "LOSUnderThreshold",
    "PreviousStreetESSH",
    "DateToStreetESSH",
    "TimesHomelessPastThreeYears",
    "MonthsHomelessPastThreeYears",
    "DisablingCondition",
    "DateOfEngagement",
    "MoveInDate",
    "DateOfPATHStatus",
    "ClientEnrolledInPATH",
    "ReasonNotEnrolled",
    "PercentAMI",
    "ReferralSource",
    "CountOutreachReferralApproaches",
    "DateOfBCPStatus",
    "EligibleForRHY",
    "ReasonNoServices",
    "RunawayYouth",
    "FormerWardChildWelfare",
    "ChildWelfareYears",
    "ChildWelfareMonths",
    "FormerWardJuvenileJustice",
    "JuvenileJusticeYears",
    "JuvenileJusticeMonths",
    "UnemploymentFam",
    "MentalHealthDisorderFam",
    "PhysicalDisabilityFam",
    "AlcoholDrugUseDisorderFam",
    "InsufficientIncome",
    "IncarceratedParent",
    "VAMCStation",
    "TargetScreenReqd",
    "TimeToHousingLoss",
    "AnnualPercentAMI",
    "LiteralHomelessHistory",
    "ClientLeaseholder",
    "HOHLeaseholder",
    "SubsidyAtRisk",
    "EvictionHistory",
    "CriminalRecord",
    "IncarceratedAdult",
    "PrisonDischarge",
    "SexOffender",
    "DisabledHoH",
    "CurrentPregnant",
    "SingleParent",
    "DependentUnder6",
    "HH5Plus",
    "CoCPrioritized",
    "HPScreeningScore",
    "ThresholdScore",
    "MentalHealthConsultation",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// `CurrentLivingSituation.csv` columns (FY2026: unchanged; `VerifiedBy` widened to 200).
pub const CURRENT_LIVING_SITUATION: &[&str] = &[
    "CurrentLivingSitID",
    "EnrollmentID",
    "PersonalID",
    "InformationDate",
    "CurrentLivingSituation",
    "CLSSubsidyType",
    "VerifiedBy",
    "LeaveSituation14Days",
    "SubsequentResidence",
    "ResourcesToObtain",
    "LeaseOwn60Day",
    "MovedTwoOrMore",
    "LocationDetails",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// `Services.csv` columns (FY2026: unchanged).
pub const SERVICES: &[&str] = &[
    "ServicesID",
    "EnrollmentID",
    "PersonalID",
    "DateProvided",
    "RecordType",
    "TypeProvided",
    "OtherTypeProvided",
    "MovingOnOtherType",
    "SubTypeProvided",
    "FAAmount",
    "FAStartDate",
    "FAEndDate",
    "ReferralOutcome",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// `Exit.csv` columns (FY2026: unchanged; R18 and R20 use list 1.10). Headers are
/// case-sensitive: R16.1 is `WorkplaceViolenceThreats` (Waymark's FY2024 list had it as
/// `WorkPlaceViolenceThreats`).
pub const EXIT: &[&str] = &[
    "ExitID",
    "EnrollmentID",
    "PersonalID",
    "ExitDate",
    "Destination",
    "DestinationSubsidyType",
    "OtherDestination",
    "HousingAssessment",
    "SubsidyInformation",
    "ProjectCompletionStatus",
    "EarlyExitReason",
    "ExchangeForSex",
    "ExchangeForSexPastThreeMonths",
    "CountOfExchangeForSex",
    "AskedOrForcedToExchangeForSex",
    "AskedOrForcedToExchangeForSexPastThreeMonths",
    "WorkplaceViolenceThreats",
    "WorkplacePromiseDifference",
    "CoercedToContinueWork",
    "LaborExploitPastThreeMonths",
    "CounselingReceived",
    "IndividualCounseling",
    "FamilyCounseling",
    "GroupCounseling",
    "SessionCountAtExit",
    "PostExitCounselingPlan",
    "SessionsInPlan",
    "DestinationSafeClient",
    "DestinationSafeWorker",
    "PosAdultConnections",
    "PosPeerConnections",
    "PosCommunityConnections",
    "AftercareDate",
    "AftercareProvided",
    "EmailSocialMedia",
    "Telephone",
    "InPersonIndividual",
    "InPersonGroup",
    "CMExitReason",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// A participant as the export needs them: the kept person (after merges), whether a
/// consent covering HMIS is in force, their contacts (of everyone merged into them)
/// and the instants their referrals turned `intake_complete`.
#[derive(Debug, Clone)]
pub struct HmisPerson {
    pub person: Person,
    pub hmis_consent: bool,
    pub encounters: Vec<Encounter>,
    pub intakes: Vec<Timestamp>,
}

/// Everything the export is made from.
#[derive(Debug, Clone)]
pub struct HmisInput<'a> {
    pub team: &'a TeamSettings,
    pub tz: &'a TimeZone,
    /// The team's id: the implementation, organization and project ids derive from it.
    pub team_id: &'a str,
    /// The exporting device (the `UserID` of rows no worker wrote).
    pub exported_by: DeviceId,
    pub now: Timestamp,
    pub software_version: &'a str,
    pub persons: Vec<HmisPerson>,
}

/// One CSV file: its name, the specification's header and the rows (each as long as
/// the header).
#[derive(Debug, Clone, PartialEq)]
pub struct HmisFile {
    pub name: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// What went into the files, and what was left out and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HmisSummary {
    pub clients: usize,
    pub enrollments: usize,
    pub exits: usize,
    pub living_situations: usize,
    pub services: usize,
    /// Participants left out: no consent covering HMIS in force (policy `exclude`).
    pub excluded_without_consent: usize,
    /// Participants exported without identity: no consent in force (policy `deidentify`).
    pub deidentified: usize,
    /// Persons on the roster not enrolled: still only referred, never contacted.
    pub not_enrolled: usize,
    /// Contacts whose living situation has no 4.12 current-living-situation code.
    pub living_situations_without_code: usize,
    /// Services given (by key, summed counts) that HUD has no code for.
    pub services_without_code: BTreeMap<String, u32>,
}

/// The files, in the order the specification lists them, `Export.csv` first.
#[derive(Debug, Clone, PartialEq)]
pub struct HmisExport {
    pub export_id: String,
    pub files: Vec<HmisFile>,
    pub summary: HmisSummary,
}

/// A row being filled by column name; columns left alone stay empty.
struct Row {
    header: &'static [&'static str],
    values: Vec<String>,
}

impl Row {
    fn new(header: &'static [&'static str]) -> Self {
        Self { header, values: vec![String::new(); header.len()] }
    }

    fn set(&mut self, column: &str, value: impl ToString) -> &mut Self {
        debug_assert!(self.header.contains(&column), "no column {column}");
        if let Some(i) = self.header.iter().position(|c| *c == column) {
            self.values[i] = value.to_string();
        }
        self
    }

    /// The columns every client-level file ends with.
    fn stamp(&mut self, created: &str, updated: &str, user: &str, export_id: &str) -> &mut Self {
        self.set("DateCreated", created).set("DateUpdated", updated).set("UserID", user).set("ExportID", export_id)
    }

    fn done(&mut self) -> Vec<String> {
        std::mem::take(&mut self.values)
    }
}

/// A stable 32-character id: the first 16 bytes of SHA-256("kind:key") in hex.
pub fn hashed_id(kind: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{kind}:{key}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn simple(uuid: &uuid::Uuid) -> String {
    uuid.simple().to_string()
}

fn date(d: Date) -> String {
    d.to_string()
}

fn datetime(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// A free-text value as a string field: control characters (line breaks) become
/// spaces, the six characters the FY2026 specification does not permit in string
/// fields (`< > [ ] { }`) are stripped, and it is cut to `max` characters.
fn text(value: &str, max: usize) -> String {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '[' | ']' | '{' | '}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.trim().chars().take(max).collect::<String>().trim_end().to_owned()
}

/// FirstName, LastName and NameDataQuality (3.01): a name of two or more words is a
/// full name (first word, then the rest); one word, or only an alias, is "partial,
/// street name, or code name" (2); nothing is "data not collected" (99).
fn name_fields(p: &Person) -> (String, String, u8) {
    let words = |s: &str| text(s, 200).split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    if let Some(name) = p.name.as_deref() {
        let w = words(name);
        match w.split_first() {
            Some((first, rest)) if !rest.is_empty() => return (text(first, 50), text(&rest.join(" "), 50), 1),
            Some((first, _)) => return (text(first, 50), String::new(), 2),
            None => {}
        }
    }
    match p.aliases.first() {
        Some(alias) if !text(alias, 50).is_empty() => (text(alias, 50), String::new(), 2),
        _ => (String::new(), String::new(), NOT_COLLECTED),
    }
}

/// DOB and DOBDataQuality (3.03).
fn dob_fields(dob: Option<Dob>) -> (String, u8) {
    match dob {
        Some(Dob::Exact(d)) => (date(d), 1),
        Some(Dob::Year(y)) => (format!("{y:04}-01-01"), 2),
        None => (String::new(), NOT_COLLECTED),
    }
}

/// Yes/no columns of a multi-select list and its "none" column: each `(column,
/// code)` is 1 when chosen, else 0; the none column holds 8, 9 or 99 when nothing
/// else was chosen (99 when nothing at all was).
fn multi_select(row: &mut Row, columns: &[(&str, u8)], none_column: &str, chosen: &[u8]) {
    let any = columns.iter().any(|(_, code)| chosen.contains(code));
    for (column, code) in columns {
        row.set(column, u8::from(chosen.contains(code)));
    }
    if !any {
        let none = [8, 9, NOT_COLLECTED].into_iter().find(|c| chosen.contains(c)).unwrap_or(NOT_COLLECTED);
        row.set(none_column, none);
    }
}

/// 3.04 race and ethnicity columns, by the codes `person.rs` stores.
const RACE_COLUMNS: &[(&str, u8)] = &[
    ("AmIndAKNative", 1),
    ("Asian", 2),
    ("BlackAfAmerican", 3),
    ("HispanicLatinao", 6),
    ("MidEastNAfrican", 7),
    ("NativeHIPacific", 4),
    ("White", 5),
];

/// 4.21 `Sex`: the recorded code, or 99 ("data not collected") when there is none. A
/// stored code outside list 4.21 (written by a peer that did not validate it) is not
/// exported as it is: it also becomes 99.
fn sex_code(sex: Option<u8>) -> u8 {
    sex.filter(|c| HMIS_SEX_CODES.contains(c)).unwrap_or(NOT_COLLECTED)
}

/// Makes the HMIS CSV files from the team's participants.
pub fn build(input: &HmisInput<'_>) -> HmisExport {
    let tz = input.tz;
    let team = input.team;
    let now = input.now;
    let today = local_date(now, tz);
    let stamp_now = datetime(now, tz);
    let exporter = simple(input.exported_by.as_uuid());
    let export_id = hashed_id("export", &format!("{}:{}", input.team_id, now));
    let organization_id = hashed_id("organization", input.team_id);
    let project_id = hashed_id("project", input.team_id);

    let mut summary = HmisSummary::default();
    let mut clients = Vec::new();
    let mut enrollments = Vec::new();
    let mut living = Vec::new();
    let mut services = Vec::new();
    let mut exits = Vec::new();
    let mut first_entry: Option<Date> = None;

    let mut persons: Vec<&HmisPerson> = input.persons.iter().collect();
    persons.sort_by_key(|p| (p.person.created_at, p.person.id));
    for hp in persons {
        let p = &hp.person;
        let mut contacts: Vec<&Encounter> =
            hp.encounters.iter().filter(|e| e.kind != EncounterKind::Attempted).collect();
        contacts.sort_by(|a, b| a.at.utc.cmp(&b.at.utc).then(a.id.cmp(&b.id)));
        let contact_days: Vec<Date> = contacts.iter().map(|e| local_date(e.at.utc, tz)).collect();
        let intake_days: Vec<Date> = hp.intakes.iter().map(|t| local_date(*t, tz)).collect();
        let created = (p.status != PersonStatus::Referred).then(|| local_date(p.created_at, tz));
        let Some(entry) = contact_days.iter().chain(intake_days.iter()).chain(created.iter()).min().copied() else {
            summary.not_enrolled += 1;
            continue;
        };
        let deidentify = match (hp.hmis_consent, team.hmis_without_consent) {
            (true, _) => false,
            (false, HmisPolicy::Exclude) => {
                summary.excluded_without_consent += 1;
                continue;
            }
            (false, HmisPolicy::Deidentify) => {
                summary.deidentified += 1;
                true
            }
        };
        first_entry = Some(first_entry.map_or(entry, |f| f.min(entry)));

        let uuid = p.id.as_uuid();
        let subject = if deidentify { format!("deidentified:{}", simple(uuid)) } else { simple(uuid) };
        let personal_id = if deidentify { hashed_id("client", &subject) } else { simple(uuid) };
        let enrollment_id = hashed_id("enrollment", &subject);
        let user = p.created_by.map(|d| simple(d.as_uuid())).unwrap_or_else(|| exporter.clone());
        let created_at = datetime(p.created_at, tz);
        let updated_at = datetime(p.updated_at.max(p.created_at), tz);

        // Client
        let mut row = Row::new(CLIENT);
        row.set("PersonalID", &personal_id);
        let (first, last, name_quality) =
            if deidentify { (String::new(), String::new(), NOT_COLLECTED) } else { name_fields(p) };
        row.set("FirstName", first).set("LastName", last).set("NameDataQuality", name_quality);
        row.set("SSNDataQuality", NOT_COLLECTED);
        let (dob, dob_quality) = if deidentify { (String::new(), NOT_COLLECTED) } else { dob_fields(p.dob) };
        row.set("DOB", dob).set("DOBDataQuality", dob_quality);
        row.set("Sex", sex_code(p.sex));
        multi_select(&mut row, RACE_COLUMNS, "RaceNone", &p.race_ethnicity);
        row.set("VeteranStatus", NOT_COLLECTED);
        row.stamp(&created_at, &updated_at, &user, &export_id);
        clients.push(row.done());

        // Enrollment
        let engagement = intake_days.iter().min().copied();
        let mut row = Row::new(ENROLLMENT);
        row.set("EnrollmentID", &enrollment_id)
            .set("PersonalID", &personal_id)
            .set("ProjectID", &project_id)
            .set("EntryDate", date(entry))
            .set("HouseholdID", hashed_id("household", &subject))
            .set("RelationshipToHoH", 1)
            .set("LivingSituation", NOT_COLLECTED)
            .set("DisablingCondition", NOT_COLLECTED)
            .set("DateOfEngagement", engagement.map(date).unwrap_or_default());
        row.stamp(&created_at, &updated_at, &user, &export_id);
        enrollments.push(row.done());

        // Current living situation and services, one contact at a time.
        for (e, day) in contacts.iter().zip(&contact_days) {
            let at = datetime(e.at.utc, tz);
            let author = simple(e.author.as_uuid());
            let contact_key = format!("{subject}:{}", simple(e.id.as_uuid()));
            if let Some(stored) = e.living_situation {
                match cls_code(stored) {
                    Some(code) => {
                        let mut row = Row::new(CURRENT_LIVING_SITUATION);
                        row.set("CurrentLivingSitID", hashed_id("cls", &contact_key))
                            .set("EnrollmentID", &enrollment_id)
                            .set("PersonalID", &personal_id)
                            .set("InformationDate", date(*day))
                            .set("CurrentLivingSituation", code);
                        row.stamp(&at, &at, &author, &export_id);
                        living.push(row.done());
                    }
                    None => summary.living_situations_without_code += 1,
                }
            }
            for (key, count) in &e.services {
                match service_code(key) {
                    Some((record_type, type_provided)) => {
                        let mut row = Row::new(SERVICES);
                        row.set("ServicesID", hashed_id("service", &format!("{contact_key}:{key}")))
                            .set("EnrollmentID", &enrollment_id)
                            .set("PersonalID", &personal_id)
                            .set("DateProvided", date(*day))
                            .set("RecordType", record_type)
                            .set("TypeProvided", type_provided);
                        row.stamp(&at, &at, &author, &export_id);
                        services.push(row.done());
                    }
                    None => {
                        let total = summary.services_without_code.entry(key.clone()).or_insert(0);
                        *total = total.saturating_add(*count);
                    }
                }
            }
        }

        // Exit: inactive participants, on the day of their last contact or intake.
        if p.status == PersonStatus::Inactive {
            let exit = contact_days.iter().chain(intake_days.iter()).max().copied().unwrap_or(entry).max(entry);
            let mut row = Row::new(EXIT);
            row.set("ExitID", hashed_id("exit", &subject))
                .set("EnrollmentID", &enrollment_id)
                .set("PersonalID", &personal_id)
                .set("ExitDate", date(exit))
                .set("Destination", DESTINATION_NO_EXIT_INTERVIEW);
            row.stamp(&updated_at, &updated_at, &user, &export_id);
            exits.push(row.done());
        }
    }

    let start = first_entry.unwrap_or(today).min(today);
    let name = text(&team.name, 200);

    let mut row = Row::new(EXPORT);
    row.set("ExportID", &export_id)
        .set("SourceType", SOURCE_TYPE_STANDALONE)
        .set("SourceName", text(&team.name, 50))
        .set("ExportDate", &stamp_now)
        .set("ExportStartDate", date(start))
        .set("ExportEndDate", date(today))
        .set("SoftwareName", SOFTWARE_NAME)
        .set("SoftwareVersion", text(input.software_version, 50))
        .set("CSVVersion", CSV_VERSION)
        .set("ExportPeriodType", PERIOD_TYPE_REPORTING)
        .set("ExportDirective", DIRECTIVE_FULL_REFRESH)
        .set("HashStatus", HASH_STATUS_UNHASHED)
        .set("ImplementationID", text(input.team_id, 200));
    let export_rows = vec![row.done()];

    let mut row = Row::new(ORGANIZATION);
    row.set("OrganizationID", &organization_id).set("OrganizationName", &name).set("VictimServiceProvider", 0);
    row.stamp(&stamp_now, &stamp_now, &exporter, &export_id);
    let organization_rows = vec![row.done()];

    let mut row = Row::new(PROJECT);
    row.set("ProjectID", &project_id)
        .set("OrganizationID", &organization_id)
        .set("ProjectName", &name)
        .set("OperatingStartDate", date(start))
        .set("ContinuumProject", 0)
        .set("ProjectType", PROJECT_TYPE_STREET_OUTREACH)
        // 2.02.7 "NA: Not applicable".
        .set("TargetPopulation", 4);
    row.stamp(&stamp_now, &stamp_now, &exporter, &export_id);
    let project_rows = vec![row.done()];

    summary.clients = clients.len();
    summary.enrollments = enrollments.len();
    summary.exits = exits.len();
    summary.living_situations = living.len();
    summary.services = services.len();

    let file = |name, header, rows| HmisFile { name, header, rows };
    HmisExport {
        export_id,
        files: vec![
            file("Export.csv", EXPORT, export_rows),
            file("Organization.csv", ORGANIZATION, organization_rows),
            file("Project.csv", PROJECT, project_rows),
            file("Client.csv", CLIENT, clients),
            file("Enrollment.csv", ENROLLMENT, enrollments),
            file("CurrentLivingSituation.csv", CURRENT_LIVING_SITUATION, living),
            file("Services.csv", SERVICES, services),
            file("Exit.csv", EXIT, exits),
        ],
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encounter::Services;
    use crate::ids::{EncounterId, PersonId};
    use crate::location::Location;
    use crate::time::LocalInstant;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn person(n: u8, name: Option<&str>, status: PersonStatus) -> Person {
        Person {
            id: PersonId::from_random_bytes([n; 16]),
            name: name.map(str::to_owned),
            aliases: vec!["Smokey".into()],
            dob: Some(Dob::Year(1980)),
            description: None,
            gender: vec![1, 5],
            race_ethnicity: vec![3, 6],
            sex: Some(1),
            status,
            case_manager: None,
            case_manager_phone: None,
            merged_into: None,
            created_by: Some(DeviceId::from_random_bytes([9; 16])),
            created_at: ts("2026-02-01T12:00:00Z"),
            updated_at: ts("2026-03-01T12:00:00Z"),
        }
    }

    fn contact(
        n: u8,
        person: &Person,
        at: &str,
        kind: EncounterKind,
        code: Option<u16>,
        services: &[&str],
    ) -> Encounter {
        let mut s = Services::new();
        for key in services {
            s.insert((*key).to_owned(), 2);
        }
        Encounter {
            id: EncounterId::from_random_bytes([n; 16]),
            person_id: Some(person.id),
            at: LocalInstant { utc: ts(at), offset_seconds: 0 },
            location: Some(Location { lat: 47.6, lon: -122.3, accuracy_m: None }),
            kind,
            services: s,
            living_situation: code,
            duration_minutes: None,
            note: Some("CANARY note".into()),
            author: DeviceId::from_random_bytes([4; 16]),
        }
    }

    fn input<'a>(team: &'a TeamSettings, tz: &'a TimeZone, persons: Vec<HmisPerson>) -> HmisInput<'a> {
        HmisInput {
            team,
            tz,
            team_id: "0b2f7c2e-1d7e-4c53-9a59-0f43f0c9a001",
            exported_by: DeviceId::from_random_bytes([5; 16]),
            now: ts("2026-11-23T18:00:00Z"),
            software_version: "0.1.0",
            persons,
        }
    }

    fn column<'a>(file: &'a HmisFile, row: usize, name: &str) -> &'a str {
        let i = file.header.iter().position(|c| *c == name).expect("column");
        &file.rows[row][i]
    }

    fn file<'a>(export: &'a HmisExport, name: &str) -> &'a HmisFile {
        export.files.iter().find(|f| f.name == name).expect("file")
    }

    #[test]
    fn a_participant_becomes_client_enrollment_contacts_and_exit() {
        let team = TeamSettings::default();
        let tz = TimeZone::UTC;
        let p = person(1, Some("Ana  de la Cruz"), PersonStatus::Inactive);
        let encounters = vec![
            contact(1, &p, "2026-03-05T10:00:00Z", EncounterKind::Street, Some(116), &["naloxone", "housing_referral"]),
            contact(2, &p, "2026-03-02T10:00:00Z", EncounterKind::Attempted, Some(116), &["treatment_referral"]),
            contact(3, &p, "2026-03-09T10:00:00Z", EncounterKind::Street, Some(312), &[]),
            contact(4, &p, "2026-03-10T10:00:00Z", EncounterKind::Phone, Some(327), &[]),
        ];
        let hp =
            HmisPerson { person: p.clone(), hmis_consent: true, encounters, intakes: vec![ts("2026-03-06T10:00:00Z")] };
        let out = build(&input(&team, &tz, vec![hp]));
        let names: Vec<&str> = out.files.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "Export.csv",
                "Organization.csv",
                "Project.csv",
                "Client.csv",
                "Enrollment.csv",
                "CurrentLivingSituation.csv",
                "Services.csv",
                "Exit.csv"
            ]
        );
        for f in &out.files {
            assert!(f.rows.iter().all(|r| r.len() == f.header.len()), "{}", f.name);
            assert!(f.rows.iter().flatten().all(|v| !v.contains("CANARY")), "{}", f.name);
        }
        let client = file(&out, "Client.csv");
        assert_eq!(column(client, 0, "PersonalID"), p.id.as_uuid().simple().to_string());
        assert_eq!(column(client, 0, "FirstName"), "Ana");
        assert_eq!(column(client, 0, "LastName"), "de la Cruz");
        assert_eq!(column(client, 0, "NameDataQuality"), "1");
        assert_eq!(column(client, 0, "DOB"), "1980-01-01");
        assert_eq!(column(client, 0, "DOBDataQuality"), "2");
        assert_eq!(column(client, 0, "SSNDataQuality"), "99");
        assert_eq!(column(client, 0, "BlackAfAmerican"), "1");
        assert_eq!(column(client, 0, "HispanicLatinao"), "1");
        assert_eq!(column(client, 0, "White"), "0");
        assert_eq!(column(client, 0, "RaceNone"), "");
        assert_eq!(column(client, 0, "Sex"), "1");
        assert!(
            ["Woman", "Man", "Transgender", "GenderNone", "HispanicLatinaeo"]
                .iter()
                .all(|c| !client.header.contains(c)),
            "FY2026 has no gender columns and the new race label"
        );
        assert_eq!(column(client, 0, "VeteranStatus"), "99");
        assert_eq!(column(client, 0, "DateCreated"), "2026-02-01 12:00:00");

        let enrollment = file(&out, "Enrollment.csv");
        assert_eq!(column(enrollment, 0, "EntryDate"), "2026-02-01", "created as a participant before any contact");
        assert_eq!(column(enrollment, 0, "DateOfEngagement"), "2026-03-06");
        assert_eq!(column(enrollment, 0, "ProjectID"), column(file(&out, "Project.csv"), 0, "ProjectID"));
        assert_eq!(column(enrollment, 0, "RelationshipToHoH"), "1");
        let enrollment_id = column(enrollment, 0, "EnrollmentID");
        assert_eq!(enrollment_id.len(), 32);

        let cls = file(&out, "CurrentLivingSituation.csv");
        let codes: Vec<&str> = (0..cls.rows.len()).map(|i| column(cls, i, "CurrentLivingSituation")).collect();
        assert_eq!(codes, ["116", "335"], "the attempt is no contact; 312 became 335; 327 has no CLS code");
        assert!(cls.rows.iter().all(|r| r[1] == enrollment_id));
        assert_eq!(column(cls, 0, "LocationDetails"), "");
        assert_eq!(out.summary.living_situations_without_code, 1);

        let services = file(&out, "Services.csv");
        assert_eq!(services.rows.len(), 1);
        assert_eq!((column(services, 0, "RecordType"), column(services, 0, "TypeProvided")), ("161", "6"));
        assert_eq!(out.summary.services_without_code.get("naloxone"), Some(&2));

        let exit = file(&out, "Exit.csv");
        assert_eq!(column(exit, 0, "ExitDate"), "2026-03-10");
        assert_eq!(column(exit, 0, "Destination"), "30");

        let export = file(&out, "Export.csv");
        assert_eq!(column(export, 0, "CSVVersion"), CSV_VERSION);
        assert_eq!(column(export, 0, "ExportDate"), "2026-11-23 18:00:00");
        assert_eq!(column(export, 0, "ExportStartDate"), "2026-02-01");
        for f in &out.files {
            let i = f.header.iter().position(|c| *c == "ExportID").expect("every file has ExportID");
            assert!(f.rows.iter().all(|r| r[i] == out.export_id), "{}", f.name);
        }
    }

    #[test]
    fn consent_decides_exclusion_or_deidentification() {
        let tz = TimeZone::UTC;
        let p = person(2, Some("Bo Diddley"), PersonStatus::Active);
        let e = contact(1, &p, "2026-03-05T10:00:00Z", EncounterKind::Street, Some(116), &["medical_referral"]);
        let hp = HmisPerson { person: p.clone(), hmis_consent: false, encounters: vec![e], intakes: vec![] };

        let team = TeamSettings::default();
        let excluded = build(&input(&team, &tz, vec![hp.clone()]));
        assert_eq!(excluded.summary.excluded_without_consent, 1);
        for f in &excluded.files[3..] {
            assert!(f.rows.is_empty(), "{} holds nobody", f.name);
        }

        let team = TeamSettings { hmis_without_consent: HmisPolicy::Deidentify, ..TeamSettings::default() };
        let out = build(&input(&team, &tz, vec![hp]));
        assert_eq!(out.summary.deidentified, 1);
        let client = file(&out, "Client.csv");
        let personal_id = column(client, 0, "PersonalID");
        assert_ne!(personal_id, p.id.as_uuid().simple().to_string(), "no link to the identified record");
        for (col, want) in
            [("FirstName", ""), ("LastName", ""), ("NameDataQuality", "99"), ("DOB", ""), ("DOBDataQuality", "99")]
        {
            assert_eq!(column(client, 0, col), want, "{col}");
        }
        let text: String = out.files.iter().flat_map(|f| f.rows.iter().flatten()).cloned().collect();
        assert!(!text.contains("Bo") && !text.contains("Diddley") && !text.contains("Smokey"));
        assert_eq!(file(&out, "CurrentLivingSituation.csv").rows.len(), 1, "contacts stay");
        assert_eq!(column(file(&out, "Services.csv"), 0, "PersonalID"), personal_id);
    }

    #[test]
    fn the_never_contacted_are_not_enrolled_and_names_degrade_gracefully() {
        let team = TeamSettings::default();
        let tz = TimeZone::UTC;
        let referred = HmisPerson {
            person: person(3, Some("Cy"), PersonStatus::Referred),
            hmis_consent: true,
            encounters: vec![],
            intakes: vec![],
        };
        let mut alias_only = person(4, None, PersonStatus::Active);
        alias_only.dob = None;
        alias_only.gender = vec![9];
        alias_only.race_ethnicity = vec![];
        alias_only.sex = None;
        let alias_only = HmisPerson { person: alias_only, hmis_consent: true, encounters: vec![], intakes: vec![] };
        let out = build(&input(&team, &tz, vec![referred, alias_only]));
        assert_eq!(out.summary.not_enrolled, 1);
        let client = file(&out, "Client.csv");
        assert_eq!(client.rows.len(), 1);
        assert_eq!(column(client, 0, "FirstName"), "Smokey");
        assert_eq!(column(client, 0, "NameDataQuality"), "2");
        assert_eq!(column(client, 0, "DOBDataQuality"), "99");
        assert_eq!(column(client, 0, "Sex"), "99", "no sex recorded: data not collected");
        assert_eq!(column(client, 0, "RaceNone"), "99");
        assert!(file(&out, "Exit.csv").rows.is_empty(), "active: no exit");
    }

    #[test]
    fn sex_is_the_recorded_code_or_not_collected() {
        assert_eq!(sex_code(Some(0)), 0);
        assert_eq!(sex_code(Some(9)), 9);
        assert_eq!(sex_code(None), 99);
        assert_eq!(sex_code(Some(5)), 99, "a code outside list 4.21 is not exported");
        let sex = CLIENT.iter().position(|c| *c == "Sex").expect("Sex");
        assert_eq!(CLIENT[sex - 1], "DOBDataQuality", "4.21 Sex follows DOBDataQuality");
        let mhc = ENROLLMENT.iter().position(|c| *c == "MentalHealthConsultation").expect("V10");
        assert_eq!((ENROLLMENT[mhc - 1], ENROLLMENT[mhc + 1]), ("ThresholdScore", "DateCreated"));
        assert_eq!(CSV_VERSION, "2026 v1.0");
    }

    #[test]
    fn ids_are_stable_and_short() {
        assert_eq!(hashed_id("x", "y"), hashed_id("x", "y"));
        assert_ne!(hashed_id("x", "y"), hashed_id("x", "z"));
        assert_eq!(hashed_id("x", "y").len(), 32);
        assert_eq!(cls_code(313), Some(336));
        assert_eq!(cls_code(116), Some(116));
        assert_eq!(cls_code(327), None);
        assert_eq!(service_code("naloxone"), None);
        assert_eq!(service_code("mental_health_referral"), Some((161, 1)));
        assert_eq!(text("a\nb", 50), "a b");
        assert_eq!(text("<Ana> [Red] {x}", 50), "Ana Red x", "characters FY2026 does not permit are stripped");
        assert_eq!(text(&"é".repeat(60), 50).chars().count(), 50);
    }
}
