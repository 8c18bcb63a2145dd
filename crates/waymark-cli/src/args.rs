//! The command line, exactly as the contract names it (plus a few additions beside).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "waymark", version, about = "Waymark: an offline-first field tool for diversion programs")]
pub struct Cli {
    /// The device's local store (created by `init`).
    #[arg(long, global = true, env = "WAYMARK_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make this a standalone device (no relay; works fully offline).
    Init(InitArgs),
    /// Persons on the roster.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Confidential case notes.
    #[command(subcommand)]
    Note(NoteCmd),
    /// Contacts (encounters).
    #[command(subcommand)]
    Encounter(EncounterCmd),
    /// Referrals into the program.
    #[command(subcommand)]
    Referral(ReferralCmd),
    /// Releases of information (42 CFR 2.31; outreach, supervisor).
    #[command(subcommand)]
    Consent(ConsentCmd),
    /// Roster lookup: officer cards only.
    Lookup {
        query: String,
        /// Why you are looking this person up (kept with the lookup).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Team settings.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Join a team through its relay with an invitation code.
    Enroll {
        /// The relay's address, e.g. http://127.0.0.1:8080
        #[arg(long)]
        relay: String,
        /// The invitation code (from `waymark-relay team create` or `waymark device invite`).
        #[arg(long)]
        code: String,
        /// The relay's own TLS certificate (PEM), for an https:// relay the system does
        /// not trust (e.g. self-signed). The device then trusts only this certificate
        /// for its relay, in every later sync, invite and revoke.
        #[arg(long, value_name = "FILE.pem")]
        ca_cert: Option<PathBuf>,
    },
    /// Team devices (supervisor, online).
    #[command(subcommand)]
    Device(DeviceCmd),
    /// Push local changes and pull new ones from the relay.
    Sync,
    /// This device's connection to its relay.
    #[command(subcommand)]
    Relay(RelayCmd),
    /// Program figures for a period, from the synced records (supervisor).
    Report {
        /// First day, YYYY-MM-DD (team time zone).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        /// Last day, YYYY-MM-DD, included.
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
    },
    /// Files for funders, evaluators and the HMIS lead (supervisor; audited).
    #[command(subcommand)]
    Export(ExportCmd),
    /// The office's lists: duplicates to review, the case-conference list, caseload
    /// follow-up (supervisor).
    #[command(subcommand)]
    Office(OfficeCmd),
    /// The audit trail (supervisor): every device's synced log, each chain verified.
    Audit {
        /// Exit 1 if any entry's chain is broken (changed or rewritten after it was
        /// written), after printing the log.
        #[arg(long)]
        verify: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// HUD HMIS CSV files (Export, Organization, Project, Client, Enrollment, ...).
    Hmis {
        /// The folder to write the files into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Contacts as CSV.
    Csv {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
    },
    /// Contacts as GeoJSON points, coarsened (never finer than the team's export precision).
    Geojson {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// exact, 100m or 1km.
        #[arg(long)]
        precision: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OfficeCmd {
    /// Likely duplicate pairs over the whole roster, best first.
    Duplicates,
    /// Mark a pair as not the same person: it is not offered again.
    NotDuplicate { a: String, b: String },
    /// Participants marked for the next case conference whose consents cover the
    /// parties present.
    Conference {
        /// A party present (repeatable), e.g. law_enforcement, prosecutor.
        #[arg(long = "party", value_name = "PARTY")]
        parties: Vec<String>,
    },
    /// Mark (or with --off, unmark) a participant for the next case conference.
    Mark {
        person: String,
        #[arg(long)]
        off: bool,
    },
    /// Participants with no contact in the team's follow-up days, and referrals
    /// whose intake deadline passed.
    Followup,
}

#[derive(Debug, Subcommand)]
pub enum RelayCmd {
    /// Trust the relay's new TLS certificate (after it was renewed or replaced); the
    /// relay must answer with it before anything changes.
    Trust {
        /// The relay's certificate (PEM).
        #[arg(long, value_name = "FILE.pem", required_unless_present = "system_roots")]
        ca_cert: Option<PathBuf>,
        /// Trust the system's certificate authorities instead of a pinned certificate.
        #[arg(long, conflicts_with = "ca_cert")]
        system_roots: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// The team's devices: invited, enrolled and revoked (supervisor, online).
    List,
    /// Invite a new device; prints the one-time code to enter on it.
    Invite {
        /// officer, outreach or supervisor.
        #[arg(long)]
        role: String,
        /// Who the device is for (shown as the worker's name).
        #[arg(long)]
        label: String,
    },
    /// Revoke a device: it can no longer sync and wipes its data at next contact.
    Revoke { device_id: String },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// officer, outreach or supervisor.
    #[arg(long)]
    pub role: String,
    /// Catchment area as a GeoJSON file (Polygon or MultiPolygon).
    #[arg(long, value_name = "FILE.geojson")]
    pub catchment: Option<PathBuf>,
    /// Days from referral to the intake deadline (7–30, default 30).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub intake_days: Option<i64>,
    /// IANA time zone of the program (default: this machine's).
    #[arg(long)]
    pub time_zone: Option<String>,
    #[arg(long)]
    pub team_name: Option<String>,
    /// Your name, shown as case manager on persons whose intake you complete.
    #[arg(long)]
    pub user_name: Option<String>,
    #[arg(long)]
    pub user_phone: Option<String>,
}

#[derive(Debug, Args)]
pub struct PersonFields {
    #[arg(long)]
    pub name: Option<String>,
    /// An alias or street name (repeatable).
    #[arg(long)]
    pub alias: Vec<String>,
    /// Date of birth: YYYY-MM-DD, or a year YYYY.
    #[arg(long)]
    pub dob: Option<String>,
    /// Physical description.
    #[arg(long)]
    pub description: Option<String>,
    /// active or inactive (referred before intake).
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub case_manager: Option<String>,
    #[arg(long)]
    pub case_manager_phone: Option<String>,
    /// HUD HMIS gender code (repeatable; FY2024 element 3.06, kept but no longer in the
    /// FY2026 HMIS export).
    #[arg(long)]
    pub gender: Vec<i64>,
    /// HUD HMIS race and ethnicity code (repeatable).
    #[arg(long)]
    pub race_ethnicity: Vec<i64>,
    /// HUD HMIS sex code (FY2026 element 4.21): 0 female, 1 male, 8 client doesn't
    /// know, 9 client prefers not to answer, 99 data not collected.
    #[arg(long, value_name = "CODE")]
    pub sex: Option<i64>,
}

#[derive(Debug, Args)]
pub struct PersonUpdateArgs {
    pub id: String,
    #[command(flatten)]
    pub fields: PersonFields,
}

#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Add a person; likely duplicates are listed.
    Add(PersonFields),
    /// Change a person's fields (aliases are added).
    Update(PersonUpdateArgs),
    Show {
        id: String,
    },
    List,
    /// Persons whose name or alias contains QUERY.
    Search {
        query: String,
    },
    /// Merge DUPLICATE_ID into KEEP_ID (supervisor).
    Merge {
        keep: String,
        duplicate: String,
        /// Take the duplicate's value of this field over the kept record's (repeatable):
        /// name, dob, description, status, case_manager, gender, race_ethnicity, sex.
        #[arg(long = "take", value_name = "FIELD")]
        take: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConsentCmd {
    /// Records a signed consent. One covering law_enforcement shares the person's
    /// officer card with every officer of the team while it is in force.
    Add {
        #[arg(long)]
        person: String,
        /// Who may receive information: law_enforcement, prosecutor, housing, medical, hmis
        /// (repeat for several).
        #[arg(long = "party", required = true)]
        parties: Vec<String>,
        /// The last day the consent covers (YYYY-MM-DD); none: until revoked or the event.
        #[arg(long)]
        expires: Option<String>,
        /// An expiry event, e.g. "completion of the program".
        #[arg(long)]
        expiry_event: Option<String>,
        /// Why the information is shared (default: the standard text for the party).
        #[arg(long)]
        purpose: Option<String>,
        /// What may be shared (default: the standard text for the party).
        #[arg(long)]
        description: Option<String>,
    },
    /// Revokes a consent; what it shared is withdrawn at the next sync.
    Revoke { id: String },
    /// The consents of a person.
    List {
        #[arg(long)]
        person: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum NoteCmd {
    Add {
        #[arg(long)]
        person: String,
        #[arg(long)]
        text: String,
    },
    List {
        #[arg(long)]
        person: String,
    },
}

#[derive(Debug, Args)]
pub struct EncounterArgs {
    #[arg(long)]
    pub person: Option<String>,
    #[arg(long, requires = "lon", allow_negative_numbers = true)]
    pub lat: Option<f64>,
    #[arg(long, requires = "lat", allow_negative_numbers = true)]
    pub lon: Option<f64>,
    /// Location accuracy in metres.
    #[arg(long, allow_negative_numbers = true)]
    pub accuracy: Option<f64>,
    /// A service given: NAME or NAME=COUNT (repeatable).
    #[arg(long, value_name = "NAME[=COUNT]")]
    pub service: Vec<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// When (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// street, office, phone or attempted (default street).
    #[arg(long)]
    pub kind: Option<String>,
    /// HUD HMIS current living situation code.
    #[arg(long)]
    pub living_situation: Option<u16>,
    /// Duration in minutes.
    #[arg(long)]
    pub minutes: Option<u16>,
}

#[derive(Debug, Subcommand)]
pub enum EncounterCmd {
    /// Log a contact (with a person, or anonymous).
    Log(EncounterArgs),
    List {
        #[arg(long)]
        person: Option<String>,
    },
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("subject").required(true).args(["person", "name", "description", "alias"]).multiple(true))]
pub struct ReferralArgs {
    /// arrest_diversion, social_contact or community.
    #[arg(long)]
    pub pathway: String,
    #[arg(long)]
    pub person: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub alias: Vec<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long, requires = "lon", allow_negative_numbers = true)]
    pub lat: Option<f64>,
    #[arg(long, requires = "lat", allow_negative_numbers = true)]
    pub lon: Option<f64>,
    #[arg(long, allow_negative_numbers = true)]
    pub accuracy: Option<f64>,
    /// An exclusion answered "yes" (repeatable).
    #[arg(long, value_name = "KEY")]
    pub exclusion: Vec<String>,
    /// A short, non-clinical narrative.
    #[arg(long)]
    pub narrative: Option<String>,
    /// Charge category (arrest diversion).
    #[arg(long)]
    pub charge_category: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReferralCmd {
    Create(ReferralArgs),
    List,
    Update {
        id: String,
        /// contacted, intake_complete, declined or unable_to_locate.
        #[arg(long)]
        status: String,
    },
}

#[derive(Debug, Args)]
pub struct TeamSetArgs {
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, value_name = "FILE.geojson")]
    pub catchment: Option<PathBuf>,
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub intake_days: Option<i64>,
    /// Add or relabel an exclusion (repeatable).
    #[arg(long, value_name = "KEY=LABEL")]
    pub exclusion: Vec<String>,
    /// Remove an exclusion from the checklist (repeatable).
    #[arg(long, value_name = "KEY")]
    pub remove_exclusion: Vec<String>,
    /// Add or relabel a service (repeatable).
    #[arg(long, value_name = "KEY=LABEL")]
    pub service: Vec<String>,
    #[arg(long)]
    pub time_zone: Option<String>,
    /// exact, 100m or 1km: how precisely contact locations are stored.
    #[arg(long)]
    pub precision: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    pub lock_minutes: Option<i64>,
    /// exact, 100m or 1km: the finest precision an export of contact locations may have.
    #[arg(long)]
    pub export_precision: Option<String>,
    /// exclude or deidentify: HMIS export of persons without a consent covering HMIS.
    #[arg(long)]
    pub hmis_without_consent: Option<String>,
    /// Days without contact after which a participant is listed for follow-up (14-365).
    #[arg(long, allow_negative_numbers = true)]
    pub inactive_days: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    Set(Box<TeamSetArgs>),
    Show,
}
