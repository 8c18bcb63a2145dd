//! Exports on a real device store: the HMIS CSV files checked against the FY2026
//! specification's headers and value codes and for referential integrity; consent
//! (excluded or de-identified); GeoJSON never finer than the team's export precision;
//! no note or name where it must not be; files written whole and only ours; one audit
//! entry per export; supervisors only.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use waymark_device::export::HmisExportView;
use waymark_device::*;
use waymark_domain::role::Role;

const PASS: &str = "correct horse battery staple";
const NOW: &str = "2026-11-23T18:00:00Z";
const NOTE_CANARY: &str = "NOTECANARY-7731";

fn device(role: Role) -> (tempfile::TempDir, Device) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let options = InitOptions {
        role: Some(role),
        time_zone: Some("America/Los_Angeles".into()),
        team_name: Some("Harbor LEAD".into()),
        ..InitOptions::default()
    };
    let (device, _) = Device::init(&dir.path().join("store"), PASS, options).expect("init");
    let now: Timestamp = NOW.parse().expect("now");
    (dir, device.with_clock(Box::new(move || now)))
}

fn person(d: &mut Device, name: &str, dob: Option<&str>) -> String {
    let input = PersonInput { name: Some(name.into()), dob: dob.map(str::to_owned), ..PersonInput::default() };
    d.person_add(input).expect("add").id.to_string()
}

fn hmis_consent(d: &mut Device, person: &str) {
    d.consent_add(ConsentInput { person: person.into(), parties: vec!["hmis".into()], ..ConsentInput::default() })
        .expect("consent");
}

#[allow(clippy::too_many_arguments)]
fn contact(
    d: &mut Device,
    person: Option<&str>,
    at: &str,
    kind: &str,
    place: Option<(f64, f64)>,
    living: Option<u16>,
    services: &[&str],
) -> String {
    d.encounter_log(EncounterInput {
        person: person.map(str::to_owned),
        at: Some(at.into()),
        kind: Some(kind.into()),
        lat: place.map(|p| p.0),
        lon: place.map(|p| p.1),
        living_situation: living,
        services: services.iter().map(|s| (*s).to_owned()).collect(),
        note: Some(format!("{NOTE_CANARY} slept behind the depot")),
        ..EncounterInput::default()
    })
    .expect("contact")
    .id
}

fn set_team(d: &mut Device, input: TeamInput) {
    d.team_set(input).expect("team set");
}

/// A CSV file: its header and its rows as column → value maps.
struct Table {
    header: Vec<String>,
    rows: Vec<BTreeMap<String, String>>,
}

fn read_csv(path: &Path) -> Table {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(std::str::from_utf8(&bytes).is_ok(), "{} is UTF-8", path.display());
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = r.headers().expect("header").iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.expect("a well-formed record");
            assert_eq!(rec.len(), header.len(), "{}: every row as long as the header", path.display());
            header.iter().cloned().zip(rec.iter().map(str::to_owned)).collect()
        })
        .collect();
    Table { header, rows }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir).expect("read dir").map(|e| e.expect("entry").path()).collect();
    out.sort();
    out
}

fn all_text(dir: &Path) -> String {
    files_in(dir).iter().map(|p| std::fs::read_to_string(p).expect("text file")).collect::<Vec<_>>().join("\n")
}

fn cols(names: &str) -> Vec<String> {
    names.split(',').map(str::to_owned).collect()
}

/// The FY2026 HMIS CSV headers (HMIS CSV Format Specifications FY2026, version 1.0),
/// typed out from the specification (not taken from the code under test).
fn spec_headers() -> BTreeMap<&'static str, Vec<String>> {
    BTreeMap::from([
        (
            "Export.csv",
            cols(
                "ExportID,SourceType,SourceID,SourceName,SourceContactFirst,SourceContactLast,SourceContactPhone,\
                 SourceContactExtension,SourceContactEmail,ExportDate,ExportStartDate,ExportEndDate,SoftwareName,\
                 SoftwareVersion,CSVVersion,ExportPeriodType,ExportDirective,HashStatus,ImplementationID",
            ),
        ),
        (
            "Organization.csv",
            cols(
                "OrganizationID,OrganizationName,VictimServiceProvider,OrganizationCommonName,DateCreated,\
                 DateUpdated,UserID,DateDeleted,ExportID",
            ),
        ),
        (
            "Project.csv",
            cols(
                "ProjectID,OrganizationID,ProjectName,ProjectCommonName,OperatingStartDate,OperatingEndDate,\
                 ContinuumProject,ProjectType,HousingType,RRHSubType,ResidentialAffiliation,TargetPopulation,\
                 HOPWAMedAssistedLivingFac,PITCount,DateCreated,DateUpdated,UserID,DateDeleted,ExportID",
            ),
        ),
        (
            "Client.csv",
            cols(
                "PersonalID,FirstName,MiddleName,LastName,NameSuffix,NameDataQuality,SSN,SSNDataQuality,DOB,\
                 DOBDataQuality,Sex,AmIndAKNative,Asian,BlackAfAmerican,HispanicLatinao,MidEastNAfrican,\
                 NativeHIPacific,White,RaceNone,AdditionalRaceEthnicity,VeteranStatus,YearEnteredService,\
                 YearSeparated,WorldWarII,KoreanWar,VietnamWar,DesertStorm,AfghanistanOEF,IraqOIF,IraqOND,\
                 OtherTheater,MilitaryBranch,DischargeStatus,DateCreated,DateUpdated,UserID,DateDeleted,ExportID",
            ),
        ),
        (
            "Enrollment.csv",
            cols(
                "EnrollmentID,PersonalID,ProjectID,EntryDate,HouseholdID,RelationshipToHoH,EnrollmentCoC,\
                 LivingSituation,RentalSubsidyType,LengthOfStay,LOSUnderThreshold,PreviousStreetESSH,\
                 DateToStreetESSH,TimesHomelessPastThreeYears,MonthsHomelessPastThreeYears,DisablingCondition,\
                 DateOfEngagement,MoveInDate,DateOfPATHStatus,ClientEnrolledInPATH,ReasonNotEnrolled,PercentAMI,\
                 ReferralSource,CountOutreachReferralApproaches,DateOfBCPStatus,EligibleForRHY,ReasonNoServices,\
                 RunawayYouth,FormerWardChildWelfare,ChildWelfareYears,\
                 ChildWelfareMonths,FormerWardJuvenileJustice,JuvenileJusticeYears,JuvenileJusticeMonths,\
                 UnemploymentFam,MentalHealthDisorderFam,PhysicalDisabilityFam,AlcoholDrugUseDisorderFam,\
                 InsufficientIncome,IncarceratedParent,VAMCStation,TargetScreenReqd,TimeToHousingLoss,\
                 AnnualPercentAMI,LiteralHomelessHistory,ClientLeaseholder,HOHLeaseholder,SubsidyAtRisk,\
                 EvictionHistory,CriminalRecord,IncarceratedAdult,PrisonDischarge,SexOffender,DisabledHoH,\
                 CurrentPregnant,SingleParent,DependentUnder6,HH5Plus,CoCPrioritized,HPScreeningScore,\
                 ThresholdScore,MentalHealthConsultation,DateCreated,DateUpdated,UserID,DateDeleted,ExportID",
            ),
        ),
        (
            "CurrentLivingSituation.csv",
            cols(
                "CurrentLivingSitID,EnrollmentID,PersonalID,InformationDate,CurrentLivingSituation,CLSSubsidyType,\
                 VerifiedBy,LeaveSituation14Days,SubsequentResidence,ResourcesToObtain,LeaseOwn60Day,\
                 MovedTwoOrMore,LocationDetails,DateCreated,DateUpdated,UserID,DateDeleted,ExportID",
            ),
        ),
        (
            "Services.csv",
            cols(
                "ServicesID,EnrollmentID,PersonalID,DateProvided,RecordType,TypeProvided,OtherTypeProvided,\
                 MovingOnOtherType,SubTypeProvided,FAAmount,FAStartDate,FAEndDate,ReferralOutcome,DateCreated,\
                 DateUpdated,UserID,DateDeleted,ExportID",
            ),
        ),
        (
            "Exit.csv",
            cols(
                "ExitID,EnrollmentID,PersonalID,ExitDate,Destination,DestinationSubsidyType,OtherDestination,\
                 HousingAssessment,SubsidyInformation,ProjectCompletionStatus,EarlyExitReason,ExchangeForSex,\
                 ExchangeForSexPastThreeMonths,CountOfExchangeForSex,AskedOrForcedToExchangeForSex,\
                 AskedOrForcedToExchangeForSexPastThreeMonths,WorkplaceViolenceThreats,\
                 WorkplacePromiseDifference,CoercedToContinueWork,LaborExploitPastThreeMonths,CounselingReceived,\
                 IndividualCounseling,FamilyCounseling,GroupCounseling,SessionCountAtExit,PostExitCounselingPlan,\
                 SessionsInPlan,DestinationSafeClient,DestinationSafeWorker,PosAdultConnections,\
                 PosPeerConnections,PosCommunityConnections,AftercareDate,AftercareProvided,EmailSocialMedia,\
                 Telephone,InPersonIndividual,InPersonGroup,CMExitReason,DateCreated,DateUpdated,UserID,\
                 DateDeleted,ExportID",
            ),
        ),
    ])
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.parse::<jiff::civil::Date>().is_ok()
}

fn is_datetime(s: &str) -> bool {
    s.len() == 19 && is_date(&s[..10]) && s.as_bytes()[10] == b' ' && s[11..].parse::<jiff::civil::Time>().is_ok()
}

fn assert_code(file: &str, row: &BTreeMap<String, String>, column: &str, allowed: &[&str]) {
    let value = row[column].as_str();
    assert!(allowed.contains(&value), "{file} {column} = {value:?}, allowed {allowed:?}");
}

/// Every check a receiving HMIS would make on the files of one export: the headers
/// of the specification, its codes and date formats, one ExportID, and that every
/// reference points at a row that exists.
fn validate_hmis(dir: &Path) -> BTreeMap<String, Table> {
    let headers = spec_headers();
    let mut tables = BTreeMap::new();
    for (name, header) in &headers {
        let t = read_csv(&dir.join(name));
        assert_eq!(&t.header, header, "{name}: header as the FY2026 specification lists it");
        tables.insert((*name).to_owned(), t);
    }
    let export = &tables["Export.csv"];
    assert_eq!(export.rows.len(), 1, "one Export row");
    let e = &export.rows[0];
    let export_id = e["ExportID"].clone();
    assert!(!export_id.is_empty() && export_id.len() <= 32);
    assert_code("Export.csv", e, "SourceType", &["1", "2", "3", "4"]);
    assert_code("Export.csv", e, "ExportPeriodType", &["1", "3", "4"]);
    assert_code("Export.csv", e, "ExportDirective", &["1", "2", "3"]);
    assert_code("Export.csv", e, "HashStatus", &["1", "2", "3", "4"]);
    assert_eq!(e["CSVVersion"], "2026 v1.0", "[year] v[version] of the FY2026 specification");
    assert!(is_datetime(&e["ExportDate"]) && is_date(&e["ExportStartDate"]) && is_date(&e["ExportEndDate"]));
    assert!(e["ExportStartDate"] <= e["ExportEndDate"]);
    assert!(!e["SoftwareName"].is_empty() && !e["ImplementationID"].is_empty());

    for (name, t) in &tables {
        for row in &t.rows {
            assert_eq!(row["ExportID"], export_id, "{name}: one ExportID in every file");
            for (col, value) in row {
                if value.is_empty() {
                    continue;
                }
                if col.starts_with("Date") && col != "DateToStreetESSH" && col != "DateOfEngagement" {
                    assert!(is_datetime(value) || is_date(value), "{name} {col} = {value:?}");
                }
                if col.starts_with("Date") && ["DateCreated", "DateUpdated", "DateDeleted"].contains(&col.as_str()) {
                    assert!(is_datetime(value), "{name} {col} = {value:?} is yyyy-mm-dd hh:mm:ss");
                }
                if col.ends_with("ID") && col != "ImplementationID" {
                    assert!(value.len() <= 32, "{name} {col} = {value:?}: at most 32 characters");
                }
            }
        }
    }

    let org = &tables["Organization.csv"];
    assert_eq!(org.rows.len(), 1);
    assert_code("Organization.csv", &org.rows[0], "VictimServiceProvider", &["0", "1"]);
    let project = &tables["Project.csv"];
    assert_eq!(project.rows.len(), 1);
    let p = &project.rows[0];
    assert_eq!(p["ProjectType"], "4", "Street Outreach");
    assert_eq!(p["OrganizationID"], org.rows[0]["OrganizationID"]);
    assert_code("Project.csv", p, "ContinuumProject", &["0", "1"]);
    assert!(is_date(&p["OperatingStartDate"]));
    let project_id = p["ProjectID"].clone();

    let yes_no = ["0", "1"];
    let dq = ["1", "2", "8", "9", "99"];
    let none = ["", "8", "9", "99"];
    let client_ids: HashSet<String> = tables["Client.csv"].rows.iter().map(|r| r["PersonalID"].clone()).collect();
    assert_eq!(client_ids.len(), tables["Client.csv"].rows.len(), "PersonalID is unique");
    for c in &tables["Client.csv"].rows {
        for col in ["NameDataQuality", "SSNDataQuality", "DOBDataQuality"] {
            assert_code("Client.csv", c, col, &dq);
        }
        for col in [
            "AmIndAKNative",
            "Asian",
            "BlackAfAmerican",
            "HispanicLatinao",
            "MidEastNAfrican",
            "NativeHIPacific",
            "White",
        ] {
            assert_code("Client.csv", c, col, &yes_no);
        }
        // 4.21: the list of the FY2026 specification (0 female, 1 male, 8, 9, 99).
        assert_code("Client.csv", c, "Sex", &["0", "1", "8", "9", "99"]);
        assert_code("Client.csv", c, "RaceNone", &none);
        assert_code("Client.csv", c, "VeteranStatus", &["0", "1", "8", "9", "99"]);
        if !c["DOB"].is_empty() {
            assert!(is_date(&c["DOB"]));
        }
        if c["NameDataQuality"] == "99" {
            assert!(c["FirstName"].is_empty() && c["LastName"].is_empty());
        }
    }

    let mut enrollment_person = BTreeMap::new();
    let mut entry = BTreeMap::new();
    for en in &tables["Enrollment.csv"].rows {
        assert!(client_ids.contains(&en["PersonalID"]), "Enrollment's PersonalID is a Client");
        assert_eq!(en["ProjectID"], project_id, "Enrollment's ProjectID is the Project");
        assert_code("Enrollment.csv", en, "RelationshipToHoH", &["1", "2", "3", "4", "5", "99"]);
        assert!(is_date(&en["EntryDate"]) && !en["HouseholdID"].is_empty());
        if !en["DateOfEngagement"].is_empty() {
            assert!(is_date(&en["DateOfEngagement"]) && en["DateOfEngagement"] >= en["EntryDate"]);
        }
        enrollment_person.insert(en["EnrollmentID"].clone(), en["PersonalID"].clone());
        entry.insert(en["EnrollmentID"].clone(), en["EntryDate"].clone());
    }
    assert_eq!(enrollment_person.len(), tables["Enrollment.csv"].rows.len(), "EnrollmentID is unique");
    let cls_codes = [
        "8", "9", "17", "37", "99", "101", "116", "118", "204", "205", "206", "207", "215", "225", "302", "314", "329",
        "332", "335", "336", "410", "411", "421", "435",
    ];
    for (name, date_col) in
        [("CurrentLivingSituation.csv", "InformationDate"), ("Services.csv", "DateProvided"), ("Exit.csv", "ExitDate")]
    {
        for row in &tables[name].rows {
            let enrollment = &row["EnrollmentID"];
            let person = enrollment_person.get(enrollment).unwrap_or_else(|| panic!("{name}: {enrollment} enrolled"));
            assert_eq!(&row["PersonalID"], person, "{name}: the enrollment's person");
            assert!(is_date(&row[date_col]) && row[date_col] >= entry[enrollment], "{name}: on or after entry");
        }
    }
    for row in &tables["CurrentLivingSituation.csv"].rows {
        assert_code("CurrentLivingSituation.csv", row, "CurrentLivingSituation", &cls_codes);
        assert!(row["LocationDetails"].is_empty(), "no place goes to HMIS");
    }
    for row in &tables["Services.csv"].rows {
        assert_code(
            "Services.csv",
            row,
            "RecordType",
            &["141", "142", "143", "144", "151", "152", "161", "200", "210", "300"],
        );
        if row["RecordType"] == "161" {
            assert_code(
                "Services.csv",
                row,
                "TypeProvided",
                &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
            );
        }
    }
    for row in &tables["Exit.csv"].rows {
        assert_code("Exit.csv", row, "Destination", &["8", "9", "17", "24", "30", "99", "116", "101", "435", "410"]);
    }
    tables
}

fn export_entries(d: &mut Device) -> Vec<AuditView> {
    d.audit_log().expect("audit").into_iter().filter(|e| e.action == "export").collect()
}

#[test]
fn hmis_files_follow_the_specification_and_hold_no_one_without_consent() {
    let (dir, mut d) = device(Role::Supervisor);
    let ana = person(&mut d, "Ana Lopez", Some("1984-06-02"));
    hmis_consent(&mut d, &ana);
    d.person_update(
        &ana,
        PersonInput { gender: vec![0], race_ethnicity: vec![1, 5], sex: Some(0), ..PersonInput::default() },
    )
    .expect("demographics");
    let ana_contact = contact(
        &mut d,
        Some(&ana),
        "2026-03-05T10:00:00-08:00",
        "street",
        None,
        Some(116),
        &["naloxone=3", "housing_referral"],
    );
    contact(&mut d, Some(&ana), "2026-03-04T10:00:00-08:00", "attempted", None, None, &[]);
    contact(&mut d, Some(&ana), "2026-03-09T10:00:00-08:00", "street", None, Some(335), &[]);
    // A duplicate of Ana, merged into her: its contacts are hers.
    let dup = person(&mut d, "Ana L", None);
    contact(&mut d, Some(&dup), "2026-04-01T09:00:00-07:00", "office", None, Some(101), &["medical_referral"]);
    d.person_merge(&ana, &dup).expect("merge");
    d.person_update(&ana, PersonInput { status: Some("inactive".into()), ..PersonInput::default() }).expect("inactive");

    // No consent covering HMIS (a housing consent does not count): left out.
    let bo = person(&mut d, "Bocephus Quill", Some("1990"));
    d.consent_add(ConsentInput { person: bo.clone(), parties: vec!["housing".into()], ..ConsentInput::default() })
        .expect("housing consent");
    contact(&mut d, Some(&bo), "2026-03-06T10:00:00-08:00", "street", None, Some(116), &["treatment_referral"]);
    // A revoked HMIS consent is no consent.
    let cy = person(&mut d, "Cyrilla Vance", None);
    hmis_consent(&mut d, &cy);
    let cy_consent = d.consent_list(&cy).expect("consents")[0].id.to_string();
    d.consent_revoke(&cy_consent).expect("revoke");
    contact(&mut d, Some(&cy), "2026-03-07T10:00:00-08:00", "street", None, None, &[]);
    // Referred, never contacted: not enrolled.
    d.referral_create(ReferralInput {
        pathway: "social_contact".into(),
        name: Some("Dorotea Pell".into()),
        ..ReferralInput::default()
    })
    .expect("referral");
    // Anonymous supplies belong to no client.
    contact(&mut d, None, "2026-03-05T11:00:00-08:00", "street", None, None, &["naloxone"]);

    let out = dir.path().join("hmis");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("README.txt"), "not ours").expect("a file of someone else's");
    let view: HmisExportView = d.export_hmis(&out).expect("export");
    assert_eq!(
        view.files,
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
    assert_eq!((view.clients, view.excluded_without_consent, view.not_enrolled), (1, 2, 1));
    assert_eq!(view.services_without_hmis_code.get("naloxone"), Some(&3));
    let tables = validate_hmis(&out);

    let names: Vec<String> =
        files_in(&out).iter().map(|p| p.file_name().unwrap_or_default().to_string_lossy().into()).collect();
    assert!(names.contains(&"README.txt".to_owned()), "other files are left alone");
    assert_eq!(names.len(), 9, "our eight files and theirs, no temporary files: {names:?}");
    assert_eq!(std::fs::read_to_string(out.join("README.txt")).expect("kept"), "not ours");

    let client = &tables["Client.csv"].rows;
    assert_eq!(client.len(), 1);
    let ana_id = ana.replace('-', "");
    assert_eq!(client[0]["PersonalID"], ana_id);
    assert_eq!((client[0]["FirstName"].as_str(), client[0]["LastName"].as_str()), ("Ana", "Lopez"));
    assert_eq!((client[0]["DOB"].as_str(), client[0]["DOBDataQuality"].as_str()), ("1984-06-02", "1"));
    assert_eq!(
        (client[0]["Sex"].as_str(), client[0]["AmIndAKNative"].as_str(), client[0]["White"].as_str()),
        ("0", "1", "1")
    );
    assert!(!client[0].contains_key("Woman"), "gender (3.06) is stored but not in the FY2026 file");
    let enrollment = &tables["Enrollment.csv"].rows;
    assert_eq!(enrollment.len(), 1);
    assert_eq!(enrollment[0]["EntryDate"], "2026-03-05", "the first contact; the attempt before it is no contact");
    let cls: Vec<&str> =
        tables["CurrentLivingSituation.csv"].rows.iter().map(|r| r["CurrentLivingSituation"].as_str()).collect();
    assert_eq!(cls, ["116", "335", "101"], "Ana's, then her merged duplicate's contact");
    let services: Vec<(&str, &str)> =
        tables["Services.csv"].rows.iter().map(|r| (r["RecordType"].as_str(), r["TypeProvided"].as_str())).collect();
    assert_eq!(services, [("161", "6"), ("161", "3")]);
    let exit = &tables["Exit.csv"].rows;
    assert_eq!((exit.len(), exit[0]["ExitDate"].as_str(), exit[0]["Destination"].as_str()), (1, "2026-04-01", "30"));

    let text = all_text(&out);
    for absent in ["Bocephus", "Quill", "Cyrilla", "Vance", "Dorotea", &bo.replace('-', ""), &cy.replace('-', "")] {
        assert!(!text.contains(absent), "{absent} is in no file");
    }
    assert!(!text.contains(NOTE_CANARY), "no note in HMIS files");
    assert!(!text.contains(&ana_contact), "contact ids are not exported as such");

    let entries = export_entries(&mut d);
    assert_eq!(entries.len(), 1, "one audit entry per export");
    let e = &entries[0];
    assert_eq!((e.record.as_str(), e.chain.as_str()), ("hmis", "ok"));
    assert_eq!(e.detail["clients"], 1);
    assert_eq!(e.detail["excluded_without_consent"], 2);
    assert_eq!(e.detail["files"].as_array().map(Vec::len), Some(8));
    assert!(e.detail["out"].as_str().is_some_and(|o| o.ends_with("hmis")));

    // A second export replaces our files whole.
    let again = d.export_hmis(&out).expect("again");
    assert_eq!(again.clients, 1);
    validate_hmis(&out);
    assert_eq!(files_in(&out).len(), 9);
    assert_eq!(export_entries(&mut d).len(), 2);
}

#[test]
fn without_consent_the_team_may_choose_de_identified_rows() {
    let (dir, mut d) = device(Role::Supervisor);
    set_team(&mut d, TeamInput { hmis_without_consent: Some("deidentify".into()), ..TeamInput::default() });
    let eve = person(&mut d, "Evangelina Stark", Some("1979-01-30"));
    d.person_update(&eve, PersonInput { race_ethnicity: vec![3], ..PersonInput::default() }).expect("race");
    contact(&mut d, Some(&eve), "2026-05-05T10:00:00-07:00", "street", None, Some(116), &["mental_health_referral"]);
    let fay = person(&mut d, "Fay Wren", None);
    hmis_consent(&mut d, &fay);

    let out = dir.path().join("deid");
    let view = d.export_hmis(&out).expect("export");
    assert_eq!((view.clients, view.deidentified, view.excluded_without_consent), (2, 1, 0));
    let tables = validate_hmis(&out);
    let clients = &tables["Client.csv"].rows;
    let hidden = clients.iter().find(|c| c["PersonalID"] != fay.replace('-', "")).expect("the de-identified client");
    for (col, want) in [
        ("FirstName", ""),
        ("MiddleName", ""),
        ("LastName", ""),
        ("NameDataQuality", "99"),
        ("SSN", ""),
        ("SSNDataQuality", "99"),
        ("DOB", ""),
        ("DOBDataQuality", "99"),
        ("Sex", "99"),
        ("BlackAfAmerican", "1"),
    ] {
        assert_eq!(hidden[col], want, "{col}");
    }
    assert_ne!(hidden["PersonalID"], eve.replace('-', ""), "not the person's id");
    let cls = &tables["CurrentLivingSituation.csv"].rows;
    assert_eq!(cls.len(), 1);
    assert_eq!(cls[0]["PersonalID"], hidden["PersonalID"], "the contact stays, under the pseudonym");
    assert_eq!(tables["Services.csv"].rows[0]["TypeProvided"], "1");
    let text = all_text(&out);
    for absent in ["Evangelina", "Stark", "1979", &eve.replace('-', "")] {
        assert!(!text.contains(absent), "{absent} is in no file");
    }
    assert!(text.contains("Fay") && text.contains("Wren"), "the consenting participant is named");
    let e = export_entries(&mut d).pop().expect("audited");
    assert_eq!(e.detail["deidentified"], 1);
    assert_eq!(e.detail["policy_without_consent"], "deidentify");
}

/// Every decimal number in `text` with how many digits follow its point.
fn decimals(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                let frac = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push((text[start..i].to_owned(), i - frac));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Every coordinate of a FeatureCollection, checked to lie on the grid of `step`
/// degrees and written with no more than `places` decimals.
fn assert_on_grid(path: &Path, places: usize, step: f64) -> usize {
    let text = std::fs::read_to_string(path).expect("geojson");
    for (number, digits) in decimals(&text) {
        assert!(digits <= places, "{number} is finer than {places} decimals");
    }
    let fc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().expect("features");
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().expect("coordinates");
        assert_eq!(c.len(), 2);
        for v in c {
            let v = v.as_f64().expect("a number");
            let cells = v / step;
            assert!((cells - cells.round()).abs() < 1e-6, "{v} is on the {step}° grid");
        }
        let props = f["properties"].as_object().expect("properties");
        let keys: Vec<&str> = props.keys().map(String::as_str).collect();
        assert_eq!(keys, ["date", "kind", "services"], "no person, no time of day");
        assert_eq!(props["date"].as_str().map(str::len), Some(10));
    }
    features.len()
}

#[test]
fn geojson_is_never_finer_than_the_team_setting() {
    let (dir, mut d) = device(Role::Supervisor);
    let gus = person(&mut d, "Gus", None);
    let places = [(47.608_123, -122.335_987), (47.611_987, -122.331_456), (-33.868_812, 151.209_295)];
    for (i, p) in places.iter().enumerate() {
        contact(
            &mut d,
            Some(&gus),
            &format!("2026-06-0{}T10:00:00-07:00", i + 1),
            "street",
            Some(*p),
            None,
            &["water"],
        );
    }
    contact(&mut d, None, "2026-06-05T10:00:00-07:00", "street", None, None, &["food"]);

    // The default team setting (1 km) overrides a finer request.
    let file = dir.path().join("maps").join("all.geojson");
    let view = d.export_geojson(&file, None, None, Some("exact")).expect("export");
    assert_eq!((view.features, view.precision.as_str()), (3, "1km"));
    assert_eq!(view.requested_precision.as_deref(), Some("exact"));
    assert_eq!(assert_on_grid(&file, 2, 0.01), 3);
    let text = std::fs::read_to_string(&file).expect("geojson");
    assert!(!text.contains(&gus) && !text.contains(NOTE_CANARY) && !text.contains("10:00"));
    assert!(text.contains("47.61") && text.contains("-122.34"));

    set_team(&mut d, TeamInput { export_precision: Some("100m".into()), ..TeamInput::default() });
    let view = d.export_geojson(&file, None, None, Some("exact")).expect("export");
    assert_eq!(view.precision, "100m");
    assert_on_grid(&file, 3, 0.001);
    let view = d.export_geojson(&file, None, None, Some("1km")).expect("coarser is allowed");
    assert_eq!(view.precision, "1km");
    assert_on_grid(&file, 2, 0.01);
    let view = d.export_geojson(&file, None, None, None).expect("the team's");
    assert_eq!(view.precision, "100m");

    // A period: days of the team's time zone, both ends included.
    let view = d.export_geojson(&file, Some("2026-06-02"), Some("2026-06-03"), None).expect("period");
    assert_eq!(view.features, 2);

    set_team(&mut d, TeamInput { export_precision: Some("exact".into()), ..TeamInput::default() });
    let view = d.export_geojson(&file, None, None, Some("exact")).expect("exact allowed");
    assert_eq!(view.precision, "exact");
    assert!(std::fs::read_to_string(&file).expect("geojson").contains("47.608123"));

    let entries = export_entries(&mut d);
    assert_eq!(entries.len(), 6);
    assert!(entries.iter().all(|e| e.record == "geojson"));
    assert_eq!(entries[0].detail["precision"], "1km");
    assert_eq!(entries[0].detail["requested_precision"], "exact");
    assert_eq!(entries[4].detail["from"], "2026-06-02");
    assert_eq!(entries[4].detail["features"], 2);
}

#[test]
fn contacts_csv_has_coarse_places_and_no_notes_or_names() {
    let (dir, mut d) = device(Role::Supervisor);
    let hal = person(&mut d, "Halvard Ostrowski", None);
    contact(
        &mut d,
        Some(&hal),
        "2026-07-01T23:30:00-07:00",
        "street",
        Some((47.608_123, -122.335_987)),
        Some(116),
        &["naloxone=2", "fentanyl_test_strips=10"],
    );
    contact(&mut d, None, "2026-07-02T08:00:00-07:00", "street", None, None, &["food"]);
    contact(&mut d, Some(&hal), "2026-08-01T08:00:00-07:00", "phone", None, None, &[]);

    let out = dir.path().join("csv");
    let view = d.export_csv(&out, Some("2026-07-01"), Some("2026-07-31")).expect("export");
    assert_eq!(view.files, ["contacts.csv", "services.csv"]);
    assert_eq!((view.contacts, view.services, view.precision.as_str()), (2, 3, "1km"));
    let contacts = read_csv(&out.join("contacts.csv"));
    assert_eq!(
        contacts.header,
        cols("contact_id,at,date,person_id,kind,services,living_situation,duration_minutes,lat,lon,author_device")
    );
    let first = &contacts.rows[0];
    assert_eq!(first["date"], "2026-07-01", "the team's local day");
    assert_eq!(first["at"], "2026-07-01T23:30:00-07:00");
    assert_eq!(first["person_id"], hal);
    assert_eq!(first["services"], "fentanyl_test_strips=10;naloxone=2");
    assert_eq!((first["lat"].as_str(), first["lon"].as_str()), ("47.61", "-122.34"));
    assert_eq!(contacts.rows[1]["person_id"], "", "anonymous");
    let services = read_csv(&out.join("services.csv"));
    assert_eq!(services.header, cols("contact_id,date,person_id,service,count"));
    assert_eq!(services.rows.len(), 3);

    let text = all_text(&out);
    assert!(!text.contains(NOTE_CANARY) && !text.contains("depot"), "no note text in any file");
    assert!(!text.contains("Halvard") && !text.contains("Ostrowski"), "no names");
    for (number, digits) in decimals(&text) {
        assert!(digits <= 2, "{number} is finer than 1 km");
    }

    let all = d.export_csv(&out, None, None).expect("all time");
    assert_eq!(all.contacts, 3);
    let e = export_entries(&mut d);
    assert_eq!(e.len(), 2);
    assert_eq!((e[0].record.as_str(), e[0].detail["contacts"].as_u64()), ("csv", Some(2)));
    assert_eq!(e[0].detail["to"], "2026-07-31");
}

#[test]
fn only_supervisors_export_and_bad_input_writes_nothing() {
    for role in [Role::Officer, Role::Outreach] {
        let (dir, mut d) = device(role);
        let out = dir.path().join("out");
        let codes = [
            d.export_hmis(&out).map(drop),
            d.export_csv(&out, None, None).map(drop),
            d.export_geojson(&out.join("x.geojson"), None, None, None).map(drop),
        ]
        .map(|r| r.expect_err("refused").code());
        assert_eq!(codes, [ErrorCode::NotPermitted; 3], "{role}");
        assert!(!out.exists(), "{role}: nothing written");
    }

    let (dir, mut d) = device(Role::Supervisor);
    let out = dir.path().join("out");
    let invalid = [
        d.export_csv(&out, Some("2026-07-31"), Some("2026-07-01")).map(drop),
        d.export_csv(&out, Some("2026-02-30"), None).map(drop),
        d.export_geojson(&out.join("x.geojson"), None, Some("July"), None).map(drop),
        d.export_geojson(&out.join("x.geojson"), None, None, Some("10m")).map(drop),
    ]
    .map(|r| r.expect_err("invalid").code());
    assert_eq!(invalid, [ErrorCode::Invalid; 4]);
    assert!(!out.exists(), "nothing written for bad input");

    // A path that cannot be written: a file where the folder should be.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "x").expect("file");
    assert_eq!(d.export_hmis(&blocker).expect_err("not a folder").code(), ErrorCode::Storage);
    assert_eq!(d.export_csv(&blocker.join("sub"), None, None).expect_err("under a file").code(), ErrorCode::Storage);
    assert_eq!(d.export_geojson(dir.path(), None, None, None).expect_err("a folder").code(), ErrorCode::Storage);
    assert!(export_entries(&mut d).is_empty(), "no entry for an export that did not happen");
}
